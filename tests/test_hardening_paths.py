"""Red-team item 1: a symlink leading out of the project is never followed, read or published.

Each case links one folder or file of a copy of the mini project to a place outside it that holds
something secret; ``bookgen check`` must print exactly ``tests/fixtures/hostile/paths/<case>.out``
(regenerate with ``BOOKGEN_REGEN=1``, then review), exit 1, and ``bookgen build`` must publish
nothing of it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Callable

import pytest

from hostile_support import HOSTILE, build, check_output, copy_project

CASES_DIR = HOSTILE / "paths"
SECRET = "root:x:0:0:SECRET-PASSWD-LINE"


def _outside(root: Path) -> Path:
    where = root.parent / "outside"
    where.mkdir(exist_ok=True)
    (where / "passwd").write_text(SECRET + "\n", "utf-8")
    return where


def _seeds_link(root: Path) -> None:
    """The issue's case: ``seeds -> /etc`` and a source ``file: seeds/passwd``."""
    where = _outside(root)
    for f in (root / "seeds").iterdir():
        os.replace(f, where / f.name)
    (root / "seeds").rmdir()
    (root / "seeds").symlink_to(where)
    (root / "content" / "sources" / "case.yaml").write_text(json.dumps({
        "file": "seeds/passwd", "title": "Case", "publisher": "unknown", "url": "unknown",
        "published": "unknown", "sha256": "0" * 64}) + "\n", "utf-8")


def _claims_link(root: Path) -> None:
    where = _outside(root)
    (where / "secret-claim.yaml").write_text("SECRET-KEY-NAME: 1\n", "utf-8")
    claims = root / "content" / "claims"
    for f in claims.iterdir():
        f.unlink()
    claims.rmdir()
    claims.symlink_to(where)


def _content_link(root: Path) -> None:
    where = _outside(root) / "content"
    os.replace(root / "content", where)
    (root / "content").symlink_to(where)


def _assets_link(root: Path) -> None:
    where = _outside(root)
    assets = root / "templates" / "assets"
    os.replace(assets, where / "assets")
    assets.symlink_to(where)


def _template_link(root: Path) -> None:
    where = _outside(root)
    (where / "method.md.j2").write_text(SECRET + "\n", "utf-8")
    (root / "templates" / "method.md.j2").unlink()
    (root / "templates" / "method.md.j2").symlink_to(where / "method.md.j2")


def _asset_file_link(root: Path) -> None:
    where = _outside(root)
    (root / "templates" / "assets" / "passwd.txt").symlink_to(where / "passwd")


def _pins_link(root: Path) -> None:
    where = _outside(root)
    (root / "pins").symlink_to(where)


CASES: dict[str, Callable[[Path], None]] = {
    "seeds-folder": _seeds_link,
    "content-kind-folder": _claims_link,
    "content-folder": _content_link,
    "templates-assets": _assets_link,
    "template-file": _template_link,
    "asset-file": _asset_file_link,
    "pins-folder": _pins_link,
}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "book")


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_link_out_of_the_project_is_an_error(project: Path, name: str) -> None:
    CASES[name](project)
    code, out = check_output(project)
    expected_file = CASES_DIR / f"{name}.out"
    if os.environ.get("BOOKGEN_REGEN"):
        expected_file.write_text(f"exit {code}\n{out}", "utf-8")
    assert f"exit {code}\n{out}" == expected_file.read_text("utf-8")
    assert code == 1 and "Traceback" not in out
    assert "SECRET" not in out and str(project.parent) not in out  # neither what nor where


@pytest.mark.parametrize("name", ["seeds-folder", "templates-assets", "asset-file"])
def test_nothing_outside_is_published(project: Path, name: str) -> None:
    CASES[name](project)
    code, out = build(project)
    assert code == 1, out
    assert not (project / "site").exists()
    for folder in ("build", "site"):
        for f in (project / folder).rglob("*") if (project / folder).exists() else ():
            if f.is_file():
                assert b"SECRET" not in f.read_bytes(), f


def test_a_link_that_stays_inside_the_project_is_fine(project: Path) -> None:
    (project / "data").mkdir()
    os.replace(project / "seeds", project / "data" / "seeds")
    (project / "seeds").symlink_to(project / "data" / "seeds")
    code, out = check_output(project)
    assert code == 0, out


def test_pins_outside_are_not_read(project: Path) -> None:
    """A pins/ link out is reported, and drift never compares against what lies behind it."""
    from bookgen.drift import pinned_text

    _pins_link(project)
    (project.parent / "outside" / "talks.txt").write_text("x\n")
    assert pinned_text(project, "talks", "0" * 64, "pins/talks.txt") is None  # type: ignore[arg-type]
