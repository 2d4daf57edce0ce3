"""``bookgen diff [REV]``: what a change does to the rendered book, for reviewers.

The project's content as it was at REV (default: the merge base with ``main``) is exported with
``git archive`` into a temporary folder; both it and the working tree are checked and rendered to
Markdown in memory (nothing is written into the project), and the pages are compared. Rendering
is deterministic, so only real changes show.

What ``diff`` trusts: the working tree's code and templates, never REV's. Only REV's data is
taken (``content/``, ``seeds/``, ``pins/`` and ``mkdocs.yml``, read as plain data), and it is
rendered with the working tree's ``templates/``: a branch's template could otherwise run code on
the reviewer's machine (Jinja2 templates are code). REV's files are extracted with tarfile's
``data`` filter; a link in REV that leads out of the project is refused with a message.
"""

from __future__ import annotations

import difflib
import io
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from bookgen.pipeline import check
from bookgen.problems import ContentError
from bookgen.render import render_pages


class GitError(Exception):
    pass


class RevisionError(Exception):
    """REV's files cannot be taken as they are (a link leading out of the project)."""


# what is taken from REV: its data, never its code or templates
DATA_PATHS = ("content", "seeds", "pins", "mkdocs.yml")


def _git(cwd: Path, *args: str) -> bytes:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except FileNotFoundError as exc:
        raise GitError("git is not installed") from exc
    if done.returncode != 0:
        raise GitError(done.stderr.decode("utf-8", "replace").strip() or f"git {' '.join(args)} failed")
    return done.stdout


def default_rev(root: Path) -> str:
    """The merge base of HEAD with main (or master), else HEAD."""
    for branch in ("main", "master", "origin/main"):
        try:
            return _git(root, "merge-base", "HEAD", branch).decode().strip()
        except GitError:
            continue
    return "HEAD"


def export_tree(root: Path, rev: str, dest: Path) -> Path:
    """Extract the project's data (:data:`DATA_PATHS`) at ``rev`` into ``dest``; returns the
    project root inside it. Raises :class:`RevisionError` for a link leading out of the tree."""
    top = Path(_git(root, "rev-parse", "--show-toplevel").decode().strip())
    prefix = root.resolve().relative_to(top.resolve())
    commit = _git(root, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}").decode().strip()
    data = _git(top, "archive", "--format=tar", commit)
    wanted = tuple((prefix / p).as_posix().removeprefix("./") for p in DATA_PATHS)
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        for member in tar:
            name = member.name.removeprefix("./")
            if not any(name == w or name.startswith(w + "/") for w in wanted):
                continue
            try:
                tar.extract(member, dest, filter="data")
            except tarfile.FilterError as exc:
                raise RevisionError(f"'{name}' at {rev} is a link that leads outside the project "
                                    f"({type(exc).__name__}); diff never follows links out") from None
    (dest / prefix).mkdir(parents=True, exist_ok=True)
    return dest / prefix


@dataclass
class PageDiff:
    added: list[str]
    removed: list[str]
    changed: list[str]
    diff: str


def render_book(root: Path, templates: Path | None = None) -> tuple[dict[str, str] | None, int]:
    """Pages of the project at ``root``, rendered with ``templates`` (default: its own), or None
    if its content or templates have errors; and its error count."""
    result = check(root)
    if result.book is None:
        return None, len(result.problems.errors)
    try:
        return render_pages(result.book, templates or root / "templates"), 0
    except ContentError as exc:
        return None, len(exc.problems.errors)


def compare(old: dict[str, str], new: dict[str, str], old_label: str, new_label: str) -> PageDiff:
    added = sorted(set(new) - set(old))
    removed = sorted(set(old) - set(new))
    changed = sorted(p for p in set(old) & set(new) if old[p] != new[p])
    chunks: list[str] = []
    for page in sorted(set(old) | set(new)):
        a, b = old.get(page), new.get(page)
        if a == b:
            continue
        chunks.extend(difflib.unified_diff(
            (a or "").splitlines(keepends=True), (b or "").splitlines(keepends=True),
            fromfile=f"{old_label}/{page}" if a is not None else "/dev/null",
            tofile=f"{new_label}/{page}" if b is not None else "/dev/null"))
        if chunks and not chunks[-1].endswith("\n"):
            chunks.append("\n\\ No newline at end of file\n")
    return PageDiff(added, removed, changed, "".join(chunks))


def review_diff(root: Path, rev: str | None, out: TextIO, err: TextIO, stat_only: bool = False) -> int:
    """Print added/removed/changed pages between REV and the working tree. Exit 1 on errors."""
    root = root.resolve()
    new_pages, new_errors = render_book(root)  # first: its templates are checked before REV uses them
    if new_errors:
        err.write(f"error: the working tree has {new_errors} error(s) in its content or templates; "
                  "`bookgen build` lists them\n")
        return 1
    assert new_pages is not None
    try:
        rev = rev or default_rev(root)
        with tempfile.TemporaryDirectory(prefix="bookgen-diff-") as tmp:
            old_root = export_tree(root, rev, Path(tmp))
            old_pages, old_errors = render_book(old_root, root / "templates")  # never REV's templates
    except GitError as exc:
        err.write(f"error: cannot read revision {rev!r}: {exc}\n")
        return 2
    except RevisionError as exc:
        err.write(f"error: cannot read revision {rev!r}: {exc}\n")
        return 1
    if old_pages is None:
        err.write(f"note: content at {rev} has {old_errors} error(s); every page counts as added\n")
    short = rev[:12]
    d = compare(old_pages or {}, new_pages, "a", "b")
    out.write(f"book pages at {short} -> working tree: {len(d.added)} added, {len(d.removed)} removed, "
              f"{len(d.changed)} changed\n")
    for label, pages in (("added", d.added), ("removed", d.removed), ("changed", d.changed)):
        for page in pages:
            out.write(f"{label}: {page}\n")
    if d.diff and not stat_only:
        out.write("\n" + d.diff)
    return 0
