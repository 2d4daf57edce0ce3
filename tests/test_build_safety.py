"""Build safety: a failing or interrupted build leaves the previous ``site/`` (and its PDF) exactly as
it was, no temporary folder is left behind, and the generator deletes only files it made itself."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from hostile_support import build, copy_project
from bookgen.site import SITE_MARKER
from bookgen.write import MANIFEST, write_tree

FAKE_PDF = b"%PDF-1.7 previous briefing\n"


def tree(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` with its sha256 (the whole state a reader could see)."""
    if not folder.exists():
        return {}
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def leftovers(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.name.startswith((".site-new-", ".site-old-")))


@pytest.fixture
def built(tmp_path: Path) -> Path:
    """A project built once, with a PDF from an earlier run next to the site."""
    root = copy_project(tmp_path / "book")
    code, out = build(root)
    assert code == 0, out
    (root / "site" / "briefing.pdf").write_bytes(FAKE_PDF)
    return root


def test_content_error_leaves_site_and_pdf(built: Path) -> None:
    before, docs_before = tree(built / "site"), tree(built / "build" / "docs")
    (built / "content" / "actors" / "beta.yaml").write_text("name: [broken\n", "utf-8")
    code, out = build(built)
    assert code == 1 and "nothing written" in out
    assert tree(built / "site") == before
    assert tree(built / "build" / "docs") == docs_before
    assert leftovers(built) == []


def test_mkdocs_error_leaves_site_and_pdf(built: Path) -> None:
    """A template that makes a broken link passes the content check but fails MkDocs' strict build."""
    before = tree(built / "site")
    method = built / "templates" / "method.md.j2"
    method.write_text(method.read_text("utf-8") + "\n[broken](no-such-page.md)\n", "utf-8")
    code, out = build(built)
    assert code == 1 and "site not built, previous site kept" in out
    assert tree(built / "site") == before
    assert (built / "site" / "briefing.pdf").read_bytes() == FAKE_PDF
    assert leftovers(built) == []


def test_successful_build_keeps_the_pdf_and_marks_the_site(built: Path) -> None:
    (built / "content" / "actors" / "beta.yaml").write_text("name: Beta B.\nkind: person\nrole: President\n",
                                                            "utf-8")
    code, out = build(built)
    assert code == 0, out
    # the previous PDF is carried over (or, once build makes the PDF itself, replaced by a new one)
    assert (built / "site" / "briefing.pdf").read_bytes().startswith(b"%PDF")
    assert (built / "site" / SITE_MARKER).is_file()
    assert "Beta B." in (built / "site" / "actors" / "beta" / "index.html").read_text("utf-8")
    assert leftovers(built) == []


def test_a_foreign_site_folder_is_never_replaced(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "book")
    (root / "site").mkdir()
    (root / "site" / "my-notes.txt").write_text("not made by bookgen\n", "utf-8")
    code, out = build(root)
    assert code == 1 and "was not built by bookgen" in out
    assert tree(root / "site") == {"my-notes.txt": hashlib.sha256(b"not made by bookgen\n").hexdigest()}
    assert leftovers(root) == []


def test_generator_deletes_only_its_own_files(built: Path) -> None:
    docs = built / "build" / "docs"
    mine = docs / "editor-notes.txt"  # not a page (an extra .md would fail the strict build)
    mine.write_text("kept\n", "utf-8")
    (built / "content" / "actors" / "alphaland.yaml").unlink()
    (built / "content" / "actors" / "alpha.yaml").write_text("name: Alpha\nkind: person\n", "utf-8")
    code, out = build(built)
    assert code == 0, out
    assert not (docs / "actors" / "alphaland.md").exists() and not (docs / "actors" / "alphaland").exists()
    assert mine.read_text("utf-8") == "kept\n"


def test_a_tampered_manifest_cannot_delete_outside(tmp_path: Path) -> None:
    out = tmp_path / "docs"
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n", "utf-8")
    hidden = out / ".git-keep"
    out.mkdir()
    hidden.write_text("x", "utf-8")
    (out / MANIFEST).write_text(json.dumps(["../victim.txt", str(victim), ".git-keep", "a/../../victim.txt"]))
    report = write_tree(out, {"index.md": b"# Home\n"})
    assert report.deleted == ()
    assert victim.read_text("utf-8") == "precious\n" and hidden.exists()
    (out / MANIFEST).write_text(json.dumps("index.md"))  # not a list: ignored, nothing deleted
    assert write_tree(out, {}).deleted == ()


SLOW_HOOK = '''
import pathlib, time
def on_post_page(output, page, config, **kw):
    pathlib.Path({ready!r}).touch()
    time.sleep(60)
    return output
'''


def _start_slow_build(root: Path) -> tuple[subprocess.Popen[str], Path]:
    """``bookgen build`` in a subprocess whose MkDocs stage waits (in a hook) once a page is written."""
    ready = root / "mkdocs-is-running"
    (root / "slow_hook.py").write_text(SLOW_HOOK.format(ready=str(ready)), "utf-8")
    with (root / "mkdocs.yml").open("a", encoding="utf-8") as f:
        f.write("\nhooks:\n  - slow_hook.py\n")
    proc = subprocess.Popen([sys.executable, "-m", "bookgen", "build", "--root", str(root)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120  # a generous limit on waiting, not a speed assertion
    while not ready.exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the build never reached MkDocs"
        time.sleep(0.05)
    assert any(p.name.startswith(".site-new-") for p in root.iterdir())  # mid-build, temp folder exists
    return proc, ready


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
@pytest.mark.parametrize("previous", [True, False], ids=["with-previous-site", "first-build"])
def test_interrupted_build_leaves_no_partial_output(tmp_path: Path, sig: int, previous: bool) -> None:
    root = copy_project(tmp_path / "book")
    if previous:
        assert build(root)[0] == 0
        (root / "site" / "briefing.pdf").write_bytes(FAKE_PDF)
    before = tree(root / "site")
    proc, _ = _start_slow_build(root)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "interrupted" in err
    assert tree(root / "site") == before  # the old site intact, or still absent
    assert (root / "site").exists() == previous
    assert leftovers(root) == []


def test_signals_wait_until_the_swap_is_done(tmp_path: Path) -> None:
    """A signal arriving between the two renames of the swap is held and delivered afterwards."""
    from bookgen import site, swap

    new, target = tmp_path / "new", tmp_path / "site"
    new.mkdir()
    (new / SITE_MARKER).write_text("x")
    target.mkdir()
    (target / SITE_MARKER).write_text("old")
    real_replace = os.replace
    calls: list[str] = []

    def replace_then_signal(src: str | Path, dst: str | Path) -> None:
        real_replace(src, dst)
        calls.append(Path(dst).name)
        if len(calls) == 1:  # first rename done: the old site has moved away, the new one not yet in
            # aimed at the main thread: a process-directed signal may land on a thread left over
            # by another test (a test server), which does not block it; `bookgen build` has none
            signal.pthread_kill(threading.main_thread().ident, signal.SIGINT)

    swap.os.replace = replace_then_signal  # type: ignore[assignment]
    try:
        with pytest.raises(KeyboardInterrupt):
            site.swap_in(new, target)
    finally:
        swap.os.replace = real_replace  # type: ignore[assignment]
    assert len(calls) == 2  # both renames ran before the interrupt was delivered
    assert (target / SITE_MARKER).read_text() == "x"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".site-old-")]


def test_pdf_error_leaves_site_and_pdf(built: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The site and its PDF change together or not at all: a failing PDF swaps nothing in."""
    from bookgen import commands
    from bookgen.pdf import PdfBuildError

    def fail(*args: object, **kwargs: object) -> None:
        raise PdfBuildError("typst: error: simulated failure")

    before, docs_before = tree(built / "site"), tree(built / "build" / "docs")
    (built / "content" / "actors" / "beta.yaml").write_text("name: Beta B.\nkind: person\n", "utf-8")
    monkeypatch.setattr(commands, "compile_document", fail)  # the brief, compiled afresh
    code, out = build(built)
    assert code == 1 and "PDF not made" in out and "nothing swapped in" in out
    assert tree(built / "site") == before
    assert tree(built / "build" / "docs") == docs_before
    assert leftovers(built) == []
