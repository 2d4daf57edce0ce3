"""Incremental page rendering in ``bookgen build`` (bookgen/renderstate.py): after each edit the
docs tree holds exactly the pages a full render gives, and only the pages the edit can change
were rendered again; anything else renders every page, saying why."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest

from conftest import REPO_ROOT, make_project, replace_once, stand_in_pdf

from bookgen.commands import Paths, build
from bookgen.pipeline import check
from bookgen.render import render_pages
from bookgen.renderstate import STATE_FILE

ANNOTATIONS = "content/annotations/bilateral-guarantees-agreed.yaml"
NEW_ANNOTATION = """  - id: bilat-added-for-test
    kind: assessment
    quote: Ukrainian President Volodymyr Zelenskyy
    note: Added by the test.
    actors: [zelensky]
"""


def _build(root: Path, clean: bool = False) -> str:
    """``bookgen build`` without the PDF; returns the 'pages:' line it printed."""
    out = io.StringIO()
    assert build(Paths(root), out=out, clean=clean, pdf=False) == 0, out.getvalue()
    line = re.search(r"^pages: .*$", out.getvalue(), re.M)
    assert line is not None, out.getvalue()
    return line.group(0)


def _rendered(line: str) -> int:
    m = re.match(r"pages: (\d+) rendered, \d+ unchanged", line)
    assert m is not None, line
    return int(m.group(1))


def same_as_full_render(root: Path) -> None:
    """The docs tree holds exactly the pages, and the page texts, a full render gives."""
    result = check(root)
    assert result.book is not None
    full = render_pages(result.book, root / "templates")
    docs = Paths(root).docs
    assert sorted(p.relative_to(docs).as_posix() for p in docs.rglob("*.md")) == sorted(full)
    differing = [p for p, text in full.items() if (docs / p).read_text("utf-8") != text]
    assert differing == []


def _edit(root: Path, rel: str, old: str, new: str) -> None:
    replace_once(root / rel, old, new)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_project(tmp_path_factory.mktemp("renderstate"), REPO_ROOT)
    stand_in_pdf(Paths(root).pdf)
    assert _build(root).startswith("pages: all ")  # nothing recorded yet
    return root


def test_nothing_changed_renders_nothing(project: Path) -> None:
    assert _rendered(_build(project)) == 0
    same_as_full_render(project)


def test_a_note_edit_renders_only_the_pages_citing_it(project: Path) -> None:
    pages = len(list((Paths(project).docs).rglob("*.md")))
    _edit(project, ANNOTATIONS, "announced full agreement with the US", "announced a full agreement with the US")
    rendered = _rendered(_build(project))
    assert 0 < rendered < pages / 2
    same_as_full_render(project)


def test_a_changed_issue_list_renders_the_listing_pages_too(project: Path) -> None:
    _edit(project, ANNOTATIONS, "    actors: [russia, ukraine]\n", "    actors: [russia, ukraine]\n    issues: [bilateral-guarantees]\n")
    rendered = _rendered(_build(project))
    assert rendered > 3
    same_as_full_render(project)


def test_an_annotation_added_then_removed(project: Path) -> None:
    path = project / ANNOTATIONS
    before = path.read_text("utf-8")
    path.write_text(before + NEW_ANNOTATION, "utf-8")
    assert _rendered(_build(project)) > 0
    same_as_full_render(project)
    assert "bilat-added-for-test" in (Paths(project).docs / "sources" / "bilateral-guarantees-agreed.md").read_text()
    path.write_text(before, "utf-8")
    assert _rendered(_build(project)) > 0
    same_as_full_render(project)
    assert "bilat-added-for-test" not in (Paths(project).docs / "sources" / "bilateral-guarantees-agreed.md").read_text()


@pytest.mark.parametrize(("rel", "old", "new"), [
    ("content/actors/trump.yaml", "name: Donald Trump", "name: Donald J. Trump"),
    ("templates/actor.md.j2", "{% import", "{# edited #}\n{% import"),
    ("content/book.yaml", "title: ", "title: Edited "),
])
def test_anything_but_annotations_renders_every_page(project: Path, rel: str, old: str, new: str) -> None:
    _edit(project, rel, old, new)
    assert _build(project).endswith("(something besides the annotations changed)")
    same_as_full_render(project)


def test_a_docs_page_changed_by_hand_renders_every_page(project: Path) -> None:
    page = Paths(project).docs / "actors" / "trump.md"
    page.write_text(page.read_text("utf-8") + "\nhand-written\n", "utf-8")
    assert _build(project) == f"pages: all {len(json.loads((project / 'build/site-cache' / STATE_FILE).read_text())['paths'])} rendered (actors/trump.md was changed since the last build)"
    same_as_full_render(project)


def test_a_damaged_state_or_clean_renders_every_page(project: Path) -> None:
    (project / "build" / "site-cache" / STATE_FILE).write_text("{not json", "utf-8")
    assert _build(project).endswith("(no earlier build recorded)")
    assert _build(project, clean=True).endswith("(--clean)")
    assert _rendered(_build(project)) == 0


def test_build_refuses_a_cache_folder_bookgen_did_not_make(tmp_path: Path) -> None:
    """`bookgen build --cache-dir` on someone's folder: one error line, exit 1, nothing written
    (not the docs tree, not the site, nothing in that folder)."""
    root = make_project(tmp_path, REPO_ROOT)
    foreign = root / "notes"
    foreign.mkdir()
    (foreign / "mine.txt").write_text("keep me", "utf-8")
    out = io.StringIO()
    assert build(Paths(root), out=out, cache_dir=foreign) == 1
    assert f"error: {foreign} exists and was not made by bookgen; move it away or give another with " \
           "--cache-dir (nothing in it was touched)\n" in out.getvalue()
    assert sorted(p.name for p in foreign.iterdir()) == ["mine.txt"]
    assert not (root / "build").exists() and not (root / "site").exists()
