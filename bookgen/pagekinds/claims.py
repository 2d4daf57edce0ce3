"""Claims and figures: what several sources report, side by side (long lists continued on pages
of their own: a page of claims holds about :data:`bookgen.paging.PAGE_ITEMS` reports)."""

from __future__ import annotations

from typing import Any

from bookgen import paging
from bookgen import views as V
from bookgen.model import Book
from bookgen.pagekinds import NavPlace, Page, PageKind, PrintPlace, continuation_pages

PATH = "claims.md"
TITLE = "Claims & figures"
CLAIMS = paging.Section("claims", "Claims", "claim_sections", weight=lambda cv: len(cv.reports), wide=True)
FIGURES = paging.Section("figures", "All figures", "figure_table", wide=True)


def anchor(claim_id: str) -> str:
    return f"claim-{claim_id}"


def _lists(book: Book) -> dict[str, list[paging.Part]]:
    def compute() -> dict[str, list[paging.Part]]:
        views = [V.claim_view(book, c) for c in book.claims.values()]
        figures = [a for a in book.annotations.values() if a.figure]
        return paging.split(PATH, TITLE, {CLAIMS: views, FIGURES: figures})
    return paging.cached(book, ("claims",), compute)


def page_of_claim(book: Book) -> dict[str, str]:
    """Claim id -> the page its section is on."""
    return paging.cached(book, ("claim pages",),
                         lambda: paging.paths_by(_lists(book)[CLAIMS.name], key=lambda cv: cv.claim.id))


def _context(book: Book) -> dict[str, Any]:
    first = paging.first_parts(_lists(book))
    return {"claims": first[CLAIMS.name], "figures": first[FIGURES.name]}


def _pages(book: Book) -> list[Page]:
    return [Page(PATH, "claims.md.j2", TITLE, lambda: _context(book)), *continuation_pages(_lists(book))]


KIND = PageKind(
    name="claims",
    make=_pages,
    nav=NavPlace(50, TITLE),
    chapter=PrintPlace(50, "Claims and figures"),
    lists_annotations=True,
)
