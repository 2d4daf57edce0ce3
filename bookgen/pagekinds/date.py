"""The timeline and a page per date (long lists continued on pages of their own)."""

from __future__ import annotations

from typing import Any, Iterator

from bookgen import paging
from bookgen import views as V
from bookgen.dates import BookDate
from bookgen.entities import Annotation
from bookgen.model import Book
from bookgen.pagekinds import NavPlace, Page, PageKind, PrintPlace, continuation_pages

INDEX = "dates/index.md"


def path(date: BookDate) -> str:
    return f"dates/{date.slug}.md"


ALL_DATES = paging.Section("timeline", "All dates", "timeline_table")
REPORTS = paging.Section("reports", "Statements and reports", "annotation_list")


def _timeline(book: Book) -> dict[str, list[paging.Part]]:
    return paging.cached(book, ("timeline",), lambda: paging.split(INDEX, "Timeline", {ALL_DATES: V.timeline(book)}))


def _lists(book: Book, d: BookDate) -> dict[str, list[paging.Part]]:
    def compute() -> dict[str, list[paging.Part]]:
        return paging.split(path(d), d.label, {REPORTS: V.distinct_passages(book.by_date.get(d.slug, ()))})
    return paging.cached(book, ("date", d.slug), compute)


def _context(book: Book, d: BookDate) -> dict[str, Any]:
    return {"date": d, "tags": V.event_tags(book, book.events_by_date.get(d.slug, ())),
            "reported": _lists(book, d)[REPORTS.name][0]}


def _pages(book: Book) -> list[Page]:
    timeline = _timeline(book)
    out = [Page(INDEX, "timeline.md.j2", "Timeline", lambda: {"items": timeline[ALL_DATES.name][0]}),
           *continuation_pages(timeline)]
    for d in book.dates.values():
        out.append(Page(path(d), "date.md.j2", d.label, lambda d=d: _context(book, d)))
        out += continuation_pages(_lists(book, d))
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
