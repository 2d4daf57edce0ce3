"""content/book.yaml: the book's own settings (bookgen.bookmeta)."""

from __future__ import annotations

from pathlib import Path

from conftest import make_project
from bookgen.pipeline import check


def test_a_book_without_book_yaml_builds_with_a_plain_title_and_says_so(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    (root / "content" / "book.yaml").unlink()
    result = check(root)
    assert result.book is not None
    assert result.book.title == "Briefing book" and result.book.meta.bottom_line == ()
    assert result.problems.render().splitlines() == [
        "content/book.yaml:1:1: warning: no content/book.yaml: the book has a plain title and no bottom line; "
        "add one (see CONTENT.md, 'The book') [bookgen.no-book-file]"]


def test_the_bottom_line_is_required_and_cited(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    (root / "content" / "book.yaml").write_text('title: "A book"\n', "utf-8")
    result = check(root)
    assert result.book is None
    assert result.problems.render().splitlines() == [
        "content/book.yaml:1:1: error: missing required field 'bottom_line' in the file; add it (see CONTENT.md) "
        "[bookgen.schema]"]


def test_settings_reach_the_book(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    book = check(root).book
    assert book is not None
    assert book.title == "Mini briefing: the Alpha–Beta talks" and book.meta.desk == "Test desk"
    assert list(book.issues)[:2] == ["peace-plan", "guarantees"]  # the editors' order
    assert book.camp_of["alpha"].name == "Alphaland"  # through its affiliation
    assert book.camp_of["beta"].name == "Others"
