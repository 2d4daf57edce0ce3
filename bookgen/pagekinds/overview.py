"""The overview: where each side stands, issue by issue (camps x issues, one short cell each)."""

from __future__ import annotations

from typing import Any

from bookgen.model import Book
from bookgen.pagekinds import NavPlace, Page, PageKind, PrintPlace
from bookgen.standings import in_short, overview, where_each_side_stands

PATH = "positions.md"


def _context(book: Book) -> dict[str, Any]:
    table = overview(book)
    return {"overview": table,
            "standings": [(row.issue, in_short(where_each_side_stands(book, row.issue.id))) for row in table.rows]}


KIND = PageKind(
    name="overview",
    make=lambda book: [Page(PATH, "positions.md.j2", "Where each side stands", lambda: _context(book))],
    nav=NavPlace(15, "Where each side stands"),
    chapter=PrintPlace(12, "Where each side stands", brief=True),
    lists_annotations=True,
)
