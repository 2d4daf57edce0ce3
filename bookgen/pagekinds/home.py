"""The home page: the briefing dashboard — bottom line, status by issue, what to watch, key figures."""

from __future__ import annotations

from typing import Any

from bookgen import views as V
from bookgen.model import Book
from bookgen.pagekinds import NavPlace, Page, PageKind, PrintPlace
from bookgen.pagekinds.watch import HOME_ITEMS, watch_items

PATH = "index.md"
LATEST_EVENTS = 5


def _context(book: Book) -> dict[str, Any]:
    watch = watch_items(book)
    rows = V.status_rows(book)
    happened = [e for e in book.events.values() if e.status == "happened"]
    return {
        "as_of": book.as_of.label if book.as_of else "no dated content",
        "status_rows": rows[:V.BRIEF_ISSUES],
        "status_more": max(0, len(rows) - V.BRIEF_ISSUES),
        "watch": watch[:HOME_ITEMS],
        "watch_more": max(0, len(watch) - HOME_ITEMS),
        "figures": V.key_figures(book),
        "latest_events": happened[::-1][:LATEST_EVENTS],
    }


KIND = PageKind(
    name="home",
    make=lambda book: [Page(PATH, "home.md.j2", "Home", lambda: _context(book))],
    nav=NavPlace(0, "Home"),
    chapter=PrintPlace(0, "Summary", brief=True),
    lists_annotations=True,
)
