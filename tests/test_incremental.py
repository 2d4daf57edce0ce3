"""Incremental rendering for `bookgen serve`: after any edit, exactly the pages a full render gives."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from bookgen.incremental import IncrementalRenderer
from bookgen.pipeline import check
from bookgen.render import render_pages
from bookgen.synth import write_corpus

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("incr")
    write_corpus(root, 15, seed=4)
    shutil.copytree(REPO / "templates", root / "templates")
    return root


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text("utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, count), "utf-8")


def book(root: Path):  # type: ignore[no-untyped-def]
    result = check(root)
    assert result.book is not None, result.problems.render("text")
    return result.book


EDITS = [
    ("note", lambda r: edit(r / "content/annotations/src-00003.yaml", "    note: \"", "    note: \"Edited <b>*note*</b>, ")),
    ("stance", lambda r: edit(r / "content/annotations/src-00008.yaml", "    stance: ", "    stance: Edited ")),
    ("quote", lambda r: _trim_quote(r / "content/annotations/src-00009.yaml")),
    ("issues", lambda r: edit(r / "content/annotations/src-00004.yaml", "issues: [issue-0000", "issues: [issue-0001")),
    ("speaker", lambda r: _swap_speaker(r / "content/annotations/src-00005.yaml")),
    ("date", lambda r: edit(r / "content/annotations/src-00006.yaml", "    date: 2024-", "    date: 2024-01-02\n    #", 1)),
    ("removed", lambda r: _drop_last(r / "content/annotations/src-00007.yaml")),
    ("actor name", lambda r: edit(next((r / "content/actors").glob("*.yaml")), "name: ", "name: Renamed ")),
    ("template", lambda r: edit(r / "templates/source.md.j2", "*Cited by:*", "*Cited by these notes:*")),
]


def _swap_speaker(path: Path) -> None:
    text = path.read_text("utf-8")
    speakers = re.findall(r"speaker: (\S+)", text)
    assert len(set(speakers)) >= 2
    path.write_text(text.replace(f"speaker: {speakers[0]}", f"speaker: {[s for s in speakers if s != speakers[0]][0]}", 1))


def _trim_quote(path: Path) -> None:
    """Drop the last character of the first plain quote: still found, at the same paragraph."""
    text = path.read_text("utf-8")
    m = re.search(r"^    quote: [^\"\n]*(.)$", text, re.M)
    assert m, path
    path.write_text(text[: m.start(1)] + text[m.end(1):], "utf-8")


def _drop_last(path: Path) -> None:
    text = path.read_text("utf-8")
    path.write_text(text[: text.rindex("  - id: ")], "utf-8")


def test_every_edit_renders_what_a_full_render_renders(corpus: Path) -> None:
    renderer = IncrementalRenderer(corpus / "templates")
    first = renderer.render(book(corpus))
    assert first == render_pages(book(corpus), corpus / "templates")
    total = len(first)
    rendered = {}
    for name, apply in EDITS:
        apply(corpus)
        new_book = book(corpus)
        got = renderer.render(new_book)
        assert got == render_pages(new_book, corpus / "templates"), f"after edit: {name}"
        rendered[name] = renderer.last_rendered
    assert sum(n < total for n in rendered.values()) >= 6  # annotation edits re-render a part of the book
    assert rendered["note"] < rendered["issues"]  # a wording edit leaves the overview pages alone
