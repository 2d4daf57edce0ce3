"""Actors: the index of actors and a page per actor."""

from __future__ import annotations

from typing import Any, Iterator

from bookgen import views as V
from bookgen.entities import Annotation
from bookgen.ids import EntityId
from bookgen.model import Book
from bookgen.pagekinds import NavPlace, Page, PageKind, PrintPlace, lineage

INDEX = "actors/index.md"


def path(actor_id: str) -> str:
    return f"actors/{actor_id}.md"


def _context(book: Book, a: EntityId) -> dict[str, Any]:
    x = book.actors[a]
    return {"actor": x, "items": V.timeline(book, actor=a), "tags": V.actor_tags(book, x),
            "listed": V.actor_annotations(book, x), "camp": book.camp_of[a]}


def _pages(book: Book) -> list[Page]:
    out = [Page(INDEX, "actors.md.j2", "Actors")]
    for a, x in book.actors.items():
        out.append(Page(path(a), "actor.md.j2", x.name, lambda a=a: _context(book, a)))
    return out


def _homes(book: Book, ann: Annotation) -> Iterator[str]:
    """An actor's page and those of the actors it belongs to list what names it."""
    for actor_id in ann.actors:
        yield from map(path, lineage(actor_id, book.actors, lambda a: book.actors[EntityId(a)].affiliation))


KIND = PageKind(
    name="actor",
    make=_pages,
    index=INDEX,
    nav=NavPlace(20, "Actors"),
    chapter=PrintPlace(20, "Actors"),
    lists_annotations=True,
    homes=_homes,
)
