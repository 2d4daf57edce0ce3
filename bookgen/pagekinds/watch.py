"""What to watch: planned events, stated deadlines and open questions, in date order, each cited."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bookgen.dates import BookDate
from bookgen.entities import Event, Issue, Statement
from bookgen.model import Book
from bookgen.pagekinds import NavPlace, Page, PageKind, PrintPlace
from bookgen import views

PATH = "watch.md"
HOME_ITEMS = 6  # the home page shows the first few; this page shows all


@dataclass(frozen=True)
class WatchItem:
    date: BookDate | None  # None: an open question, which has no date
    event: Event | None = None
    issue: Issue | None = None
    question: Statement | None = None


def watch_items(book: Book) -> list[WatchItem]:
    """Events not yet happened (planned, proposed, deadlines) in date order, then each issue's
    open questions in the issues' reading order: the first :data:`BRIEF_ISSUES` events and the
    questions of the first :data:`BRIEF_ISSUES` issues, as this page is in the brief, whose length
    must not grow with the book (each issue's page lists all its questions)."""
    items = [WatchItem(e.date, event=e) for e in book.events.values() if e.status != "happened"][:views.BRIEF_ISSUES]
    first = list(book.issues.values())[:views.BRIEF_ISSUES]
    items += [WatchItem(None, issue=i, question=q) for i in first for q in i.open_questions]
    return items


def _context(book: Book) -> dict[str, Any]:
    items = watch_items(book)
    return {"upcoming": [x for x in items if x.event], "questions": [x for x in items if x.question]}


KIND = PageKind(
    name="watch",
    make=lambda book: [Page(PATH, "watch.md.j2", "What to watch", lambda: _context(book))],
    nav=NavPlace(5, "What to watch"),
    chapter=PrintPlace(15, "What to watch", brief=True),
    lists_annotations=True,
)
