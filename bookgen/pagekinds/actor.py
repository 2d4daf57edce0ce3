"""Actors: the index of actors and a page per actor (its long lists continued on pages of their own)."""

from __future__ import annotations

from typing import Any, Iterator

from bookgen import paging
from bookgen import views as V
from bookgen.entities import Annotation
from bookgen.ids import EntityId
from bookgen.model import Book
from bookgen.pagekinds import NavPlace, Page, PageKind, PrintPlace, continuation_pages, lineage

INDEX = "actors/index.md"
POSITIONS = paging.Section("positions", "Positions", "position_table")
SAID = paging.Section("statements", "Statements and figures", "annotation_list")
ABOUT = paging.Section("about", "Reported about them", "annotation_list")
TIMELINE = paging.Section("timeline", "Timeline", "timeline_table")


def path(actor_id: str) -> str:
    return f"actors/{actor_id}.md"


def _lists(book: Book, a: EntityId) -> dict[str, list[paging.Part]]:
    """An actor's long lists as pages."""
    def compute() -> dict[str, list[paging.Part]]:
        x = book.actors[a]
        listed = V.actor_annotations(book, x)
        about = paging.Section(ABOUT.name, f"Reported about {x.name}", ABOUT.macro)
        return paging.split(path(a), x.name, {POSITIONS: listed.positions, SAID: listed.said,
                                              about: listed.about, TIMELINE: V.timeline(book, actor=a)})
    return paging.cached(book, ("actor", a), compute)


def _context(book: Book, a: EntityId) -> dict[str, Any]:
    x = book.actors[a]
    first = paging.first_parts(_lists(book, a))
    return {"actor": x, "tags": V.actor_tags(book, x), "camp": book.camp_of[a], "positions": first[POSITIONS.name],
            "said": first[SAID.name], "about": first[ABOUT.name], "items": first[TIMELINE.name]}


def _pages(book: Book) -> list[Page]:
    out = [Page(INDEX, "actors.md.j2", "Actors")]
    for a, x in book.actors.items():
        out.append(Page(path(a), "actor.md.j2", x.name, lambda a=a: _context(book, a)))
        out += continuation_pages(_lists(book, a))
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
