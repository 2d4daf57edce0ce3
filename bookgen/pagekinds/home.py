"""The home page: the briefing dashboard."""

from __future__ import annotations

from typing import Any

from bookgen import views as V
from bookgen.model import Book
from bookgen.pagekinds import Chapter, NavPlace, Page, PageKind

PATH = "index.md"


def _context(book: Book) -> dict[str, Any]:
    return {"changes": V.recent_changes(book), "figures": V.key_figures(book)}


KIND = PageKind(
    name="home",
    make=lambda book: [Page(PATH, "home.md.j2", "Home", lambda: _context(book))],
    nav=NavPlace(0, "Home"),
    chapter=Chapter(0, "Summary", brief=True),
    lists_annotations=True,
)
