"""Broken and hostile source files: each gives ``path:line:col: error: ...`` and exit 1 (or, for a
BOM and CRLF line endings, reads exactly like the clean file).

Each case adds ``content/sources/case.yaml`` naming ``file:`` to a copy of the mini project and sets
up what that path points at; ``bookgen check`` must print exactly
``tests/fixtures/hostile/sources/<case>.out`` (regenerate with ``BOOKGEN_REGEN=1``, then review).
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Callable

import pytest

from hostile_support import HOSTILE, build, check_output, copy_project

CASES_DIR = HOSTILE / "sources"
TEXT = "A heading\nThe first paragraph says the plan is 90% agreed.\nThe second paragraph disagrees.\n"


def _seed(data: bytes, name: str = "case.txt") -> Callable[[Path], None]:
    def setup(root: Path) -> None:
        (root / "seeds" / name).write_bytes(data)
    return setup


def _symlink_outside(root: Path) -> None:
    outside = root.parent / "outside.txt"
    outside.write_text(TEXT, "utf-8")
    (root / "seeds" / "case.txt").symlink_to(outside)


def _symlink_dir_outside(root: Path) -> None:
    (root.parent / "elsewhere").mkdir()
    (root.parent / "elsewhere" / "case.txt").write_text(TEXT, "utf-8")
    (root / "seeds" / "sub").symlink_to(root.parent / "elsewhere")


def _nothing(root: Path) -> None:
    pass


# case -> (the `file:` value, what to put on disk)
CASES: dict[str, tuple[str, Callable[[Path], None]]] = {
    "empty": ("seeds/case.txt", _seed(b"")),
    "blank-lines-only": ("seeds/case.txt", _seed(b"\n  \n\t\n")),
    "binary": ("seeds/case.txt", _seed(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")),
    "latin1": ("seeds/case.txt", _seed("Caf\u00e9 talks\nThe plan is agreed.\n".encode("latin-1"))),
    "missing": ("seeds/case.txt", _nothing),
    "parent-traversal": ("../../etc/passwd", _nothing),
    "traversal-inside-seeds": ("seeds/../../../etc/passwd", _nothing),
    "absolute": ("/etc/passwd", _nothing),
    "not-under-seeds": ("content/actors/alpha.yaml", _nothing),
    "backslashes": ("seeds\\..\\..\\etc\\passwd", _nothing),
    "folder": ("seeds/", _nothing),
    "symlink-outside": ("seeds/case.txt", _symlink_outside),
    "symlinked-folder-outside": ("seeds/sub/case.txt", _symlink_dir_outside),
    # red-team item 8: control characters are errors with their position, as CONTENT.md says
    "escape": ("seeds/case.txt", _seed(b"Talks\nThe plan is \x1b[31magreed\x1b[0m.\n")),
    "bell": ("seeds/case.txt", _seed(b"Talks\nThe plan\x07 is agreed.\n")),
    "lone-cr": ("seeds/case.txt", _seed(b"Talks\r\nThe plan is agreed.\rIt is not.\r\n")),
    "many-controls": ("seeds/case.txt", _seed(b"Talks\n" + b"\x1b" * 25 + b"\n")),
}


def source_yaml(file: str, sha: str = "0" * 64) -> str:
    return json.dumps({"file": file, "title": "Case", "publisher": "unknown", "url": "unknown",
                       "published": "unknown", "sha256": sha}) + "\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "book")


@pytest.mark.parametrize("name", sorted(CASES))
def test_source_case(project: Path, name: str) -> None:
    file, setup = CASES[name]
    setup(project)
    (project / "content" / "sources" / "case.yaml").write_text(source_yaml(file), "utf-8")
    code, out = check_output(project)
    expected_file = CASES_DIR / f"{name}.out"
    if os.environ.get("BOOKGEN_REGEN"):
        CASES_DIR.mkdir(parents=True, exist_ok=True)
        expected_file.write_text(f"exit {code}\n{out}", "utf-8")
    assert f"exit {code}\n{out}" == expected_file.read_text("utf-8")
    assert code == 1 and "Traceback" not in out
    assert "root:" not in out  # nothing of /etc/passwd is ever shown


def test_oversized_source(project: Path) -> None:
    from bookgen.load import MAX_SOURCE_BYTES

    big = b"The plan is agreed.\n" * (MAX_SOURCE_BYTES // 20 + 1)
    (project / "seeds" / "case.txt").write_bytes(big)
    (project / "content" / "sources" / "case.yaml").write_text(source_yaml("seeds/case.txt"), "utf-8")
    code, out = check_output(project)
    assert code == 1
    assert out == (f"content/sources/case.yaml:1:10: error: source file 'seeds/case.txt' is {len(big):,} "
                   f"bytes, over the {MAX_SOURCE_BYTES:,}-byte limit [bookgen.file-too-large]\n"
                   "1 error(s), 0 warning(s)\n")


def _annotated(root: Path, raw: bytes) -> None:
    (root / "seeds" / "case.txt").write_bytes(raw)
    (root / "content" / "sources" / "case.yaml").write_text(
        source_yaml("seeds/case.txt", hashlib.sha256(raw).hexdigest()), "utf-8")
    (root / "content" / "annotations" / "case.yaml").write_text(json.dumps({
        "source": "case", "annotations": [
            {"id": "c-first", "kind": "statement", "quote": "the plan is 90% agreed", "note": "First.",
             "speaker": "alpha", "issues": ["peace-plan"], "date": "2025-12-28"},
            {"id": "c-second", "kind": "statement", "quote": "The second paragraph disagrees.",
             "note": "Second.", "speaker": "beta", "issues": ["peace-plan"], "date": "2025-12-28"}]}),
        "utf-8")


@pytest.mark.parametrize("variant", ["bom", "crlf", "bom-crlf"])
def test_bom_and_crlf_sources_read_like_clean_text(project: Path, tmp_path: Path, variant: str) -> None:
    """Accepted, not refused: the text, its blocks and every quote's offsets equal the clean file's."""
    from bookgen.pipeline import check

    raw = TEXT.encode()
    if "crlf" in variant:
        raw = raw.replace(b"\n", b"\r\n")
    if "bom" in variant:
        raw = b"\xef\xbb\xbf" + raw
    clean = copy_project(tmp_path / "clean")
    _annotated(clean, TEXT.encode())
    _annotated(project, raw)
    a, b = check(project), check(clean)
    assert not a.problems.errors and not b.problems.errors, a.problems.render()
    assert a.loaded.texts["case"].text == b.loaded.texts["case"].text == TEXT
    assert a.loaded.texts["case"].blocks == b.loaded.texts["case"].blocks
    spans = lambda r: {k: (v.start, v.end, v.block) for k, v in r.anchoring.anchors.items()}  # noqa: E731
    assert spans(a) == spans(b)
    assert build(project)[0] == 0
