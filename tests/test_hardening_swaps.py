"""Red-team item 5: a run killed at any moment leaves ``site/`` and ``build/docs`` each a whole old or
a whole new tree once the next run has recovered, and no leftovers; the Typst child dies with its
parent and its work folder goes.

The kill is real: a child process runs the swap or the docs commit with every file-system change
(rename, unlink, rmdir) counted, and ends itself with ``os._exit`` (no clean-up, as ``kill -9``)
just before change number K. Every K from 1 until the operation completes is tried.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bookgen.swap import recover
from bookgen.write import MANIFEST, recover_tree, write_tree
from hostile_support import REPO, copy_project

_DRIVER = r"""
import os, shutil, sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
limit = int(sys.argv[2])
count = [0]
def counted(real):
    def step(*args, **kwargs):
        count[0] += 1
        if count[0] == limit:
            os._exit(137)  # killed here: no finally, no clean-up
        return real(*args, **kwargs)
    return step
for name in ("replace", "rename", "unlink", "rmdir"):
    setattr(os, name, counted(getattr(os, name)))
what, folder = sys.argv[3], Path(sys.argv[4])
if what == "site":
    import tempfile
    from bookgen import swap
    new = Path(tempfile.mkdtemp(prefix=swap.temp_prefix(folder / "site", "new"), dir=folder))
    for name in ("index.html", "404.html", "sitemap.xml", ".bookgen-site"):
        (new / name).write_text("new " + name)
    (new / "added.html").write_text("new")
    swap.swap_in(new, folder / "site")
else:
    from bookgen.write import write_tree
    write_tree(folder / "docs", {"index.md": "new index", "kept.md": "same", "added/one.md": "new",
                                 "deep/er/two.md": "new two"})
"""

OLD_DOCS = {"index.md": "old index", "kept.md": "same", "gone.md": "old", "deep/gone.md": "old"}


def tree(folder: Path) -> dict[str, str]:
    if not folder.exists():
        return {}
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _kill_at(step: int, what: str, folder: Path) -> bool:
    """Run the operation, killed just before file-system change ``step``; True if it completed."""
    done = subprocess.run([sys.executable, "-c", _DRIVER, str(REPO), str(step), what, str(folder)],
                          capture_output=True, text=True, check=False)
    assert done.returncode in (0, 137), done.stderr
    return done.returncode == 0


def _old_site(folder: Path) -> Path:
    site = folder / "site"
    site.mkdir(parents=True)
    for name in ("index.html", "404.html", "sitemap.xml", ".bookgen-site", "removed.html"):
        (site / name).write_text("old " + name)
    return site


def test_site_swap_killed_at_every_step_recovers_old_or_new(tmp_path: Path) -> None:
    outcomes, step = [], 1
    while True:
        folder = tmp_path / f"k{step}"
        site = _old_site(folder)
        old = tree(site)
        completed = _kill_at(step, "site", folder)
        recover(site)  # what the next build does first
        now = tree(site)
        assert now == old or set(now) == {"index.html", "404.html", "sitemap.xml", ".bookgen-site", "added.html"}, (step, now)
        assert sorted(p.name for p in folder.iterdir()) == ["site"], step  # no .site-new-*, .site-old-*
        outcomes.append("old" if now == old else "new")
        if completed:
            break
        step += 1
    assert outcomes[0] == "old" and outcomes[-1] == "new" and step >= 3  # both renames were cut once


def test_docs_commit_killed_at_every_step_is_whole_old_or_whole_new(tmp_path: Path) -> None:
    outcomes, step = [], 1
    new: dict[str, str] | None = None
    while True:
        folder = tmp_path / f"k{step}"
        write_tree(folder / "docs", OLD_DOCS)
        old = tree(folder / "docs")
        completed = _kill_at(step, "docs", folder)
        recover_tree(folder / "docs")
        now = tree(folder / "docs")
        if completed:
            new = now
        assert now == old or set(now) == {"index.md", "kept.md", "added/one.md", "deep/er/two.md", MANIFEST}, (step, now)
        assert sorted(p.name for p in folder.iterdir()) == ["docs"], step  # no .docs-staging-*
        outcomes.append("old" if now == old else "new")
        if completed:
            break
        step += 1
    assert new is not None and outcomes[0] == "old" and "new" in outcomes[:-1]  # finished from the journal
    assert not (folder / "docs" / "gone.md").exists() and not (folder / "docs" / "deep" / "gone.md").exists()


def test_leftovers_of_a_live_process_are_left_alone(tmp_path: Path) -> None:
    """A second build running at the same time keeps its temporary folders."""
    site = _old_site(tmp_path)
    mine = tmp_path / f".site-new-{os.getpid()}-x"
    mine.mkdir()
    dead = tmp_path / ".site-new-999999999-x"
    dead.mkdir()
    recover(site)
    assert mine.exists() and not dead.exists()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "book")


def _build_process(root: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "bookgen", "build", "--root", str(root)], cwd=REPO,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def _wait_for(predicate, timeout: float = 120.0) -> bool:  # type: ignore[no-untyped-def]
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.005)
    return False


def _pids_with(text: str) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if text.encode() in (entry / "cmdline").read_bytes():
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc (Linux)")
def test_kill_9_during_the_pdf_ends_typst_and_the_next_build_cleans_up(project: Path) -> None:
    import tempfile

    proc = _build_process(project)
    prefix = f"bookgen-pdf-{proc.pid}-"
    work = lambda: [p for p in Path(tempfile.gettempdir()).iterdir() if p.name.startswith(prefix)]  # noqa: E731
    assert _wait_for(lambda: bool(work()) and bool(_pids_with(str(work()[0])))), proc.communicate()[1]
    child = _pids_with(str(work()[0]))
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert _wait_for(lambda: not [p for p in child if Path(f"/proc/{p}").exists()
                                  and "Z" not in (Path(f"/proc/{p}/stat").read_text().split()[2:3] or ["Z"])],
                     timeout=10), "Typst outlived its parent"
    assert work()  # left by the kill...
    again = _build_process(project)
    assert again.wait() == 0, again.communicate()[1]
    assert not work()  # ...and gone after the next run
    leftovers = [p.name for p in (project).iterdir() if p.name.startswith(".")]
    leftovers += [p.name for p in (project / "build").iterdir() if p.name.startswith(".docs-")]
    assert leftovers == []


def test_kill_9_during_mkdocs_keeps_the_old_site(project: Path) -> None:
    first = _build_process(project)
    assert first.wait() == 0, first.communicate()[1]
    old = tree(project / "site")
    actor = project / "content" / "actors" / "beta.yaml"
    actor.write_text(actor.read_text("utf-8").replace("name: Beta", "name: Beta B."), "utf-8")
    proc = _build_process(project)
    assert _wait_for(lambda: any(p.name.startswith(".site-new-") for p in project.iterdir()))
    time.sleep(0.3)  # inside MkDocs' build
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    from bookgen.commands import Paths, recover_outputs

    recover_outputs(Paths(project))
    assert tree(project / "site") == old
    assert [p.name for p in project.iterdir() if p.name.startswith(".")] == []
