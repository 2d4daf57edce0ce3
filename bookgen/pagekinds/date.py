"""The timeline and a page per date."""

from __future__ import annotations

from typing import Any, Iterator

from bookgen import views as V
from bookgen.dates import BookDate
from bookgen.entities import Annotation
from bookgen.model import Book
from bookgen.pagekinds import NavPlace, Page, PageKind, PrintPlace

INDEX = "dates/index.md"


def path(date: BookDate) -> str:
    return f"dates/{date.slug}.md"


def _timeline_context(book: Book) -> dict[str, Any]:
    return {"items": V.timeline(book)}


def _context(book: Book, d: BookDate) -> dict[str, Any]:
    return {"date": d, "tags": V.event_tags(book, book.events_by_date.get(d.slug, ())),
            "reported": V.distinct_passages(book.by_date.get(d.slug, ()))}


def _pages(book: Book) -> list[Page]:
    out = [Page(INDEX, "timeline.md.j2", "Timeline", lambda: _timeline_context(book))]
    for d in book.dates.values():
        out.append(Page(path(d), "date.md.j2", d.label, lambda d=d: _context(book, d)))
    return out


def _homes(book: Book, ann: Annotation) -> Iterator[str]:
    if ann.date is not None:
        yield path(ann.date)
    if ann.event and ann.event in book.events:
        yield path(book.events[ann.event].date)


KIND = PageKind(
    name="date",
    make=_pages,
    index=INDEX,
    nav=NavPlace(30, "Timeline"),
    chapter=PrintPlace(30, "Timeline"),
    lists_annotations=True,
    homes=_homes,
)
