"""The method page: how the book is made, and its coverage (one line per source, continued on
pages of its own in a big book)."""

from __future__ import annotations

from bookgen import paging
from bookgen.model import Book
from bookgen.pagekinds import NavPlace, Page, PageKind, PrintPlace, continuation_pages

PATH = "method.md"
TITLE = "How this book is made"


def _lists(book: Book) -> dict[str, list[paging.Part]]:
    """The coverage table's sources as pages; a source counts one line and one per passage left out."""
    def compute() -> dict[str, list[paging.Part]]:
        coverage = paging.Section("coverage", "Coverage", "coverage",
                                  weight=lambda s: 1 + len(book.coverage[s.id].left_out))
        return paging.split(PATH, TITLE, {coverage: list(book.sources.values())})
    return paging.cached(book, ("method",), compute)


def _pages(book: Book) -> list[Page]:
    parts = _lists(book)
    return [Page(PATH, "method.md.j2", "Method", lambda: {"coverage": parts["coverage"][0]}),
            *continuation_pages(parts)]


KIND = PageKind(
    name="method",
    make=_pages,
    nav=NavPlace(80, "Method"),
    chapter=PrintPlace(95, "Appendix B: How this book is made", appendix=True),
    lists_annotations=True,
)
