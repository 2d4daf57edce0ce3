"""Shared pytest fixtures: scratch copies of a book project, never built inside the repo.

Use ``make_project(tmp_path, source_dir)`` directly (a plain function, importable with
``from conftest import make_project``) or the ``repo_root`` / ``mini_project`` fixtures.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
MINI = REPO_ROOT / "tests" / "fixtures" / "mini"

# Folders of a book project that belong to its content (copied from the source dir when present).
CONTENT_PARTS = ("content", "seeds", "pins")


def make_project(tmp_path: Path, source_dir: Path = MINI, name: str = "book") -> Path:
    """Copy ``source_dir``'s content/ and seeds/ (and pins/ if it has one) plus the repo's
    templates/ and mkdocs.yml into ``tmp_path / name``; return that project root.

    ``source_dir`` may be the repo root itself (the real seed book) or a fixture folder.
    """
    root = tmp_path / name
    root.mkdir(parents=True, exist_ok=False)
    for part in CONTENT_PARTS:
        if (source_dir / part).is_dir():
            shutil.copytree(source_dir / part, root / part)
    shutil.copytree(REPO_ROOT / "templates", root / "templates")
    shutil.copy2(REPO_ROOT / "mkdocs.yml", root / "mkdocs.yml")
    return root


def replace_once(path: Path, old: str, new: str) -> None:
    """Edit a file of a scratch project as an editor would: ``old`` (which must be there) becomes ``new``."""
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")


def stand_in_pdf(pdf: Path) -> None:
    """A placeholder brief where the site links it, for tests that are not about the PDF."""
    pdf.parent.mkdir(parents=True, exist_ok=True)
    pdf.write_bytes(b"%PDF-1.7\n% stand-in: the PDF is not what these tests are about\n")


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The repository's root folder (read it, never write into it)."""
    return REPO_ROOT


@pytest.fixture
def mini_project(tmp_path: Path) -> Path:
    """A fresh buildable copy of tests/fixtures/mini in this test's tmp folder."""
    return make_project(tmp_path, MINI)
