"""Broken and hostile YAML: each case gives ``path:line:col: error: ...`` and exit 1, never a traceback.

Every ``tests/fixtures/hostile/yaml/<case>.yaml`` is dropped into a copy of the mini project as
``content/actors/<case>.yaml`` and ``bookgen check`` must print exactly ``<case>.out``.
Regenerate the expected files (then review the diff!) with ``BOOKGEN_REGEN=1 pytest tests/test_hostile_yaml.py``.

Decisions stated as outcomes: a UTF-8 byte-order mark and CRLF line endings are accepted (editors
on Windows write them); such a file checks exactly like the same file without them. YAML 1.1
surprises are off: ``no`` stays the text "no" and ``2025-12-28`` stays text.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hostile_support import HOSTILE, check_output, copy_project
from bookgen.problems import Problems
from bookgen.yamlstrict import MAX_YAML_BYTES, read_yaml

CASES = HOSTILE / "yaml"
CASE_NAMES = sorted(p.stem for p in CASES.glob("*.yaml"))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "book")


def run_case(project: Path, name: str, data: bytes) -> tuple[int, str]:
    (project / "content" / "actors" / f"{name}.yaml").write_bytes(data)
    return check_output(project)


@pytest.mark.parametrize("name", CASE_NAMES)
def test_case_prints_exact_problems(project: Path, name: str) -> None:
    code, out = run_case(project, name, (CASES / f"{name}.yaml").read_bytes())
    expected_file = CASES / f"{name}.out"
    if os.environ.get("BOOKGEN_REGEN"):
        expected_file.write_text(f"exit {code}\n{out}", "utf-8")
    expected = expected_file.read_text("utf-8")
    assert f"exit {code}\n{out}" == expected
    assert "Traceback" not in out


def test_the_cases_cover_the_issue() -> None:
    wanted = {"syntax-error", "duplicate-key", "anchor", "alias-bomb", "tab", "binary", "latin1", "bom",
              "crlf", "wrong-types", "empty", "comments-only", "list-not-mapping", "deep-nesting",
              "python-tag", "two-documents", "control-char"}
    assert wanted <= set(CASE_NAMES)
    for name in CASE_NAMES:
        out = (CASES / f"{name}.out").read_text("utf-8")
        if name not in ("bom", "crlf", "yaml11-scalars"):
            assert out.startswith("exit 1\n") and f"content/actors/{name}.yaml:" in out, name


@pytest.mark.parametrize("name", ["bom", "crlf"])
def test_bom_and_crlf_read_as_without_them(project: Path, name: str) -> None:
    raw = (CASES / f"{name}.yaml").read_bytes()
    plain = raw.removeprefix(b"\xef\xbb\xbf").replace(b"\r\n", b"\n")
    assert plain != raw
    with_marks = run_case(project, name, raw)
    without = run_case(project, name, plain)
    assert with_marks == without
    assert with_marks[0] == 0
    a, b = read_yaml(raw, "x.yaml", Problems()), read_yaml(plain, "x.yaml", Problems())
    assert a is not None and b is not None
    assert (a.data, a.marks, a.key_marks) == (b.data, b.marks, b.key_marks)


def test_yaml11_scalars_stay_text() -> None:
    doc = read_yaml((CASES / "yaml11-scalars.yaml").read_bytes(), "x.yaml", Problems())
    assert doc is not None
    assert doc.data == {"name": "no", "kind": "person", "role": "2025-12-28"}


def test_twenty_megabyte_file_is_refused_unread(project: Path) -> None:
    big = b"name: " + b"x" * (20 * 1024 * 1024) + b"\nkind: person\n"
    code, out = run_case(project, "huge", big)
    assert code == 1
    assert out == (f"content/actors/huge.yaml:1:1: error: file is {len(big):,} bytes, over the "
                   f"{MAX_YAML_BYTES:,}-byte limit for a content file; split it into smaller files "
                   "[bookgen.file-too-large]\n1 error(s), 0 warning(s)\n")


def test_fifo_is_not_read(project: Path) -> None:
    """A named pipe would block a reader forever; anything but a regular file is refused."""
    os.mkfifo(project / "content" / "actors" / "pipe.yaml")
    code, out = check_output(project)
    assert code == 1
    assert out.startswith("content/actors/pipe.yaml:1:1: error: content files must be regular files")


def test_symlinked_content_file_is_refused(project: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_text("name: Gamma\nkind: person\n", "utf-8")
    (project / "content" / "actors" / "link.yaml").symlink_to(outside)
    code, out = check_output(project)
    assert (code, out) == (1, "content/actors/link.yaml:1:1: error: content files must be regular "
                              "files, not symlinks or special files [bookgen.symlink]\n1 error(s), 0 warning(s)\n")
