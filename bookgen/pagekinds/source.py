"""Sources: the index of sources and a page per source, showing the article with cited passages."""

from __future__ import annotations

from typing import Any, Iterator

from bookgen.entities import Annotation
from bookgen.ids import EntityId
from bookgen.model import Book
from bookgen.pagekinds import NavPlace, Page, PageKind, PrintPlace

INDEX = "sources/index.md"


def path(source_id: str) -> str:
    return f"sources/{source_id}.md"


def annotation_anchor(annotation_id: str) -> str:
    """The HTML id on a source page where an annotation's quote starts."""
    return f"a-{annotation_id}"


def _context(book: Book, s: EntityId) -> dict[str, Any]:
    from bookgen.sourcepage import source_sections  # it links back to this kind's anchors

    return {"source": book.sources[s], "text": book.texts[s], "sections": source_sections(book, s)}


BRIEF_SOURCES = 40  # the brief's source list: at most this many of the sources it cites


def brief_sources(book: Book, cited: set[EntityId]) -> dict[str, Any]:
    """The brief's source list (a context for the index page): the sources it cites, the
    ``BRIEF_SOURCES`` most recent if more (its notes name every report they cite)."""
    listed = [s for s in book.sources.values() if s.id in cited]
    return {"listed": listed[-BRIEF_SOURCES:], "cited": len(listed)}


def _pages(book: Book) -> list[Page]:
    out = [Page(INDEX, "sources.md.j2", "Sources", lambda: {"listed": list(book.sources.values()), "cited": None})]
    for s, x in book.sources.items():
        if s in book.texts:
            out.append(Page(path(s), "source.md.j2", x.title, lambda s=s: _context(book, s)))
    return out


def _homes(book: Book, ann: Annotation) -> Iterator[str]:
    yield path(ann.source)


KIND = PageKind(
    name="source",
    make=_pages,
    index=INDEX,
    nav=NavPlace(70, "Sources"),
    chapter=PrintPlace(90, "Appendix A: Sources", brief=True, appendix=True),
    lists_annotations=True,
    homes=_homes,
)
