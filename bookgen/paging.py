"""Long lists split over pages, so that no page grows with the book.

An issue's, actor's or date's page, the timeline and the claims page each hold lists that grow with
every source: what the sources report, the timeline, positions, claims and figures. A list of more
than :data:`PAGE_ITEMS` items shows its first items on its own page (the *owner*), and continues,
in the same order, on pages of its own next to it: ``issues/<id>/reports-2.md``, ``-3.md``...
Each continuation page says what it continues and which items it holds ("Kyiv: What the sources
report, 101–200 of 340"); on the web, every page of a list links its neighbours (the pager), and in
print the continuation pages follow their owner, so the printed book still has every item once.

Lists keep their own order and are cut from the front, so a report added at the end of a list
changes only its last page, and an edit to one report's wording changes only the page it is on.

A page kind declares its long lists as :class:`Section` s and makes their pages with
:func:`split` and :func:`continuation_pages`; templates lay out a :class:`Part` with the macro the
section names, and the pager with the ``more`` macro (``templates/_macros.md.j2``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence, TypeVar

from bookgen.model import Book

T = TypeVar("T")

PAGE_ITEMS = 100  # a page holds at most this many items of a list (see Section.weight for claims)
PAGER_NEAR = 2  # the pager links this many pages either side of the current one, and the ends


@dataclass(frozen=True)
class Section:
    """A long list a page kind's pages hold.

    ``name`` is the continuation pages' file name (``reports`` → ``reports-2.md``); ``title`` the
    list's heading, which continuation pages repeat; ``macro`` the ``_macros.md.j2`` macro laying
    out a list of its items; ``weight`` how many items one entry counts for (a claim counts its
    reports, so a page of claims holds about :data:`PAGE_ITEMS` rows); ``wide``: pages without side
    bars, for wide tables."""

    name: str
    title: str
    macro: str
    weight: Callable[[Any], int] | None = None
    wide: bool = False


@dataclass(frozen=True)
class Part:
    """One page's share of a list: ``items``, the ``number`` th of ``len(paths)`` pages (the first
    is the owner page); ``first`` is the 1-based position of its first item among ``total``."""

    section: Section
    items: tuple[Any, ...]
    number: int
    paths: tuple[str, ...]
    first: int
    total: int
    owner_title: str

    @property
    def continued(self) -> bool:
        """The list has more than one page."""
        return len(self.paths) > 1

    @property
    def last(self) -> int:
        return self.first + len(self.items) - 1

    @property
    def span(self) -> str:
        """Which items this page holds: "101–200", or "7" for one."""
        return f"{self.first}–{self.last}" if self.last > self.first else str(self.first)

    @property
    def heading(self) -> str:
        """What a continuation page is called: "Kyiv: What the sources report, 101–200 of 340"."""
        return f"{self.owner_title}: {self.section.title}, {self.span} of {self.total}"

    @property
    def owner(self) -> str:
        return self.paths[0]

    @property
    def path(self) -> str:
        return self.paths[self.number - 1]

    def pager(self) -> list[tuple[int, str] | None]:
        """The pages the pager links, as (number, path), with None where numbers are skipped: the
        first and last pages, and :data:`PAGER_NEAR` either side of this one."""
        count = len(self.paths)
        shown = sorted({1, count, *range(max(1, self.number - PAGER_NEAR), min(count, self.number + PAGER_NEAR) + 1)})
        out: list[tuple[int, str] | None] = []
        for k, n in enumerate(shown):
            if k and n != shown[k - 1] + 1:
                out.append(None)
            out.append((n, self.paths[n - 1]))
        return out


def cached(book: Book, key: tuple[Any, ...], compute: Callable[[], T]) -> T:
    """``compute()``, worked out once per book (a Book never changes): page kinds list their
    pages several times per build (render, navigation, print, incremental), and a long list is
    needed both to count its pages and to fill them."""
    store = book.derived
    if key not in store:
        store[key] = compute()
    return store[key]  # type: ignore[no-any-return]


def chunks(items: Sequence[T], weight: Callable[[T], int] | None = None, size: int | None = None) -> list[tuple[T, ...]]:
    """``items`` cut into pages of at most ``size`` (:data:`PAGE_ITEMS` unless given; by ``weight``,
    and an item heavier than a whole page gets a page of its own), in order; at least one, possibly
    empty, page."""
    size = PAGE_ITEMS if size is None else size
    out: list[tuple[T, ...]] = []
    page: list[T] = []
    load = 0
    for item in items:
        w = 1 if weight is None else max(1, weight(item))
        if page and load + w > size:
            out.append(tuple(page))
            page, load = [], 0
        page.append(item)
        load += w
    out.append(tuple(page))
    return out


def continuation_path(owner: str, section: Section, number: int) -> str:
    """``issues/kyiv.md`` → ``issues/kyiv/reports-2.md``; the owner's id is a safe file name, and a
    folder of its own keeps continuation pages apart from every other page of its kind."""
    return f"{owner.removesuffix('.md')}/{section.name}-{number}.md"


def split(owner: str, owner_title: str, lists: Mapping[Section, Sequence[Any]]) -> dict[str, list[Part]]:
    """Each section's list as pages (by section name): the owner page's part first."""
    out: dict[str, list[Part]] = {}
    for section, items in lists.items():
        pieces = chunks(items, section.weight)
        paths = (owner, *(continuation_path(owner, section, n) for n in range(2, len(pieces) + 1)))
        first = 1
        parts = []
        for n, piece in enumerate(pieces, start=1):
            parts.append(Part(section, piece, n, paths, first, len(items), owner_title))
            first += len(piece)
        out[section.name] = parts
    return out


def first_parts(parts: Mapping[str, list[Part]]) -> dict[str, Part]:
    """The owner page's part of each list."""
    return {name: pages[0] for name, pages in parts.items()}


def paths_by(parts: Sequence[Part], key: Callable[[Any], Any]) -> dict[Any, str]:
    """``key(item)`` -> the path of the page holding that item, for every item of a list's pages."""
    return {key(item): part.path for part in parts for item in part.items}
