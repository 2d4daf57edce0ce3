"""Golden docs trees: the generated Markdown for the seed book and the mini fixture, kept in git.

    python -m tests.regenerate_golden          # (or: make golden) rewrite both golden trees

Each book is copied into a temporary project (content/, seeds/, pins/ + the repo's templates/ and
mkdocs.yml, exactly as a build sees it), checked, and rendered to its docs tree in memory (the
pages and exports; static assets copied from templates/assets are left out); the golden folder is
then made to hold exactly those files. tests/test_golden.py diffs the same
rendering against the folders whole.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

try:  # under pytest tests/ is on sys.path; as ``python -m tests.regenerate_golden`` the repo root is
    from conftest import MINI, REPO_ROOT, make_project
except ImportError:  # pragma: no cover - depends on how the module is started
    from tests.conftest import MINI, REPO_ROOT, make_project

GOLDEN = REPO_ROOT / "tests" / "golden"
# golden folder name -> the project folder holding its content/ and seeds/
BOOKS: dict[str, Path] = {"seed-docs": REPO_ROOT, "mini-docs": MINI}
REGENERATE = "make golden   (or: python -m tests.regenerate_golden)"


class GoldenError(Exception):
    """The book's content does not pass ``bookgen check``, so there is no docs tree to compare."""


def render_docs(source_dir: Path) -> dict[str, bytes]:
    """The docs tree (path -> bytes) that ``bookgen build`` would write for the book in ``source_dir``."""
    from bookgen.commands import ASSETS, Paths, docs_files
    from bookgen.pipeline import check

    with tempfile.TemporaryDirectory(prefix="bookgen-golden-") as tmp:
        root = make_project(Path(tmp), source_dir)
        result = check(root)
        if result.book is None:
            raise GoldenError(f"the book in {source_dir} does not pass bookgen check:\n"
                              + result.problems.render("text"))
        files = dict(docs_files(result.book, Paths(root)))
        assets = root / "templates" / ASSETS  # copied verbatim, not generated: not part of the golden
        return {p: data.encode("utf-8") if isinstance(data, str) else data if isinstance(data, bytes)
                else b"".join(data) for p, data in files.items() if not (assets / p).is_file()}


def golden_files(folder: Path) -> dict[str, bytes]:
    """Every file under a golden folder, by its posix path relative to it."""
    if not folder.is_dir():
        return {}
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def write_golden(folder: Path, files: dict[str, bytes]) -> None:
    """Make ``folder`` hold exactly ``files`` (it is entirely generated, so stale files go)."""
    if folder.exists():
        shutil.rmtree(folder)
    for rel, data in sorted(files.items()):
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def main() -> int:
    for name, source_dir in BOOKS.items():
        try:
            files = render_docs(source_dir)
        except GoldenError as exc:
            sys.stderr.write(f"{name}: not regenerated: {exc}")
            return 1
        write_golden(GOLDEN / name, files)
        print(f"{name}: {len(files)} file(s) written to {(GOLDEN / name).relative_to(REPO_ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
