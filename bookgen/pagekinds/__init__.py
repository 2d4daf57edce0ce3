"""The page-kind registry: every kind of page the book has, each declared once.

A page kind (home, issue, actor, date, source, overview, claims, watch, method) is one module in
this package holding one :class:`PageKind`: the pages it makes (path, template, title, context),
its place in the site's navigation, its place in the printed book and brief, and what content its
pages depend on. Everything else is derived from :func:`kinds`:

* rendering — :func:`pages` lists every page of the book (``render``);
* navigation — :func:`navigation` (``site``) and the files kept out of it (:func:`nav_overflow`);
* print — :func:`print_chapters` (``pdf``), for the full book or the short brief;
* incremental rendering — :func:`listing_pages` and :func:`annotation_pages` (``incremental``);
* link paths — each kind's ``path`` functions (``links``).

Adding a page kind is one new module here (defining ``KIND``) and its template. Modules are found
by name, in alphabetical order; the order readers see is each kind's ``nav.order`` and
``chapter.order``, not the file name.
"""

from __future__ import annotations

import functools
import html
import importlib
import pkgutil
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator

from bookgen import paging
from bookgen.entities import Annotation
from bookgen.model import Book

Context = Callable[[], dict[str, Any]]


def no_context() -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class Page:
    """One page: its docs-relative Markdown path, template and reader-facing title.

    ``context`` is computed only when the page is rendered, so listing pages costs little.
    ``parent`` is the path of the page it nests under in the navigation (a sub-issue under its
    issue), if any. ``part_of``: the page whose long lists this page continues
    (:mod:`bookgen.paging`); such pages are linked from their owner, not from the navigation."""

    path: str
    template: str
    title: str
    context: Context = no_context
    parent: str | None = None
    part_of: str | None = None


@dataclass(frozen=True)
class NavPlace:
    """Where a kind sits in the site's navigation: a top-level entry (one page) or a section (an
    index page and one entry per page)."""

    order: int
    title: str


@dataclass(frozen=True)
class PrintPlace:
    """Where a kind sits in print: a chapter of the full book, and whether the brief has it.

    ``entries`` False prints the kind's index page only (the brief's source list, say)."""

    order: int
    title: str
    brief: bool = False
    brief_entries: bool = False  # the brief prints the entries too, not only the index page
    appendix: bool = False


@dataclass(frozen=True)
class PageKind:
    """One kind of page, declared once.

    ``make`` lists the kind's pages for a book, index page first. ``lists_annotations``: the
    kind's overview pages (its index page, or every page of a kind without one) list annotations
    across the book, so any change to which annotations exist or what they are tagged with
    re-renders them. ``homes``: for kinds with a page per entity, the pages of this kind an
    annotation is listed on (its actors', issues', date's, source's)."""

    name: str
    make: Callable[[Book], list[Page]]
    nav: NavPlace | None = None
    chapter: PrintPlace | None = None
    lists_annotations: bool = False
    homes: Callable[[Book, Annotation], Iterable[str]] | None = None
    index: str | None = None  # the kind's index page path, when it has one

    def pages(self, book: Book) -> list[Page]:
        return self.make(book)


@functools.cache
def kinds() -> tuple[PageKind, ...]:
    """Every page kind, found as the ``KIND`` of each module of this package (by module name)."""
    found = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        kind = getattr(module, "KIND", None)
        if isinstance(kind, PageKind):
            found.append(kind)
    return tuple(sorted(found, key=_render_order))


def _render_order(kind: PageKind) -> tuple[int, int, str]:
    """Pages render in navigation order (kinds outside the navigation last), then by name."""
    if kind.nav is not None:
        return 0, kind.nav.order, kind.name
    return 1, 0, kind.name


def kind(name: str) -> PageKind:
    for k in kinds():
        if k.name == name:
            return k
    raise KeyError(name)


def continuation_pages(parts: dict[str, list[paging.Part]]) -> list[Page]:
    """The pages continuing an owner page's long lists (all but each list's first part), laid out
    by ``continued.md.j2``."""
    out = []
    for pieces in parts.values():
        for part in pieces[1:]:
            out.append(Page(part.path, "continued.md.j2", part.heading, lambda part=part: {"part": part},
                            part_of=part.owner))
    return out


def continuations(book: Book) -> dict[str, tuple[str, ...]]:
    """Owner page -> the pages continuing its long lists."""
    def compute() -> dict[str, tuple[str, ...]]:
        out: dict[str, list[str]] = {}
        for p in pages(book):
            if p.part_of is not None:
                out.setdefault(p.part_of, []).append(p.path)
        return {k: tuple(v) for k, v in out.items()}
    return paging.cached(book, ("continuations",), compute)


def pages(book: Book) -> Iterator[Page]:
    """Every page of the book: overview pages first, then entity pages, in a fixed order."""
    entries: list[Page] = []
    for k in kinds():
        made = k.pages(book)
        if k.index is not None and made and made[0].path == k.index:
            yield made[0]
            entries.extend(made[1:])
        else:
            yield from made
    yield from entries


def lineage(first: str | None, known: Any, parent: Callable[[str], str | None]) -> Iterator[str]:
    """``first`` and its ancestors (``parent`` of each, while ``known``), stopping at a cycle: an
    issue and the issues it is part of, an actor and those it belongs to."""
    seen: set[str] = set()
    while first and first not in seen and first in known:
        seen.add(first)
        yield first
        first = parent(first)


# navigation -------------------------------------------------------------------------------------------
NAV_LIMIT = 60  # a section with more entries lists only its index page in the navigation


def navigation(book: Book, limit: int = NAV_LIMIT) -> list[Any]:
    """The nav as MkDocs config, in each kind's ``nav.order``. MkDocs treats nav titles as HTML
    (its theme templates do not autoescape), so every title from content is HTML-escaped here.

    A section of more entries than ``limit`` lists only its index page, which links every
    entry: a sidebar of a thousand sources helps no reader, and Material writes the whole
    navigation into every page."""
    nav: list[Any] = []
    for k in sorted((k for k in kinds() if k.nav), key=lambda k: k.nav.order):  # type: ignore[union-attr]
        place = k.nav
        assert place is not None
        made = [p for p in k.pages(book) if p.part_of is None]
        title = html.escape(place.title)
        if k.index is None:
            nav.append({title: made[0].path} if len(made) == 1 else
                       {title: [{html.escape(p.title): p.path} for p in made]})
            continue
        entries = [p for p in made if p.path != k.index]
        shown = entries if len(entries) <= limit else []
        nav.append({title: [k.index, *_nested(shown)]})
    return nav


def _nested(entries: list[Page]) -> list[Any]:
    """Entries as nav items, each page's children (``parent``) in a section under it."""
    children: dict[str, list[Page]] = {}
    for p in entries:
        if p.parent is not None:
            children.setdefault(p.parent, []).append(p)
    paths = {p.path for p in entries}

    def item(p: Page) -> Any:
        kids = children.get(p.path)
        if not kids:
            return {html.escape(p.title): p.path}
        return {html.escape(p.title): [{"Overview": p.path}, *(item(c) for c in kids)]}

    return [item(p) for p in entries if p.parent is None or p.parent not in paths]


def nav_overflow(book: Book, limit: int = NAV_LIMIT) -> list[str]:
    """``not_in_nav`` patterns for the entries of sections too long for the navigation, and for
    the pages continuing long lists (``issues/*/*.md``: the folders next to their owners)."""
    out = []
    for k in kinds():
        if k.nav is None:
            continue
        made = k.pages(book)
        entries = [p for p in made if p.part_of is None and p.path != k.index]
        if k.index is not None and len(entries) > limit:
            out.append(f"/{k.index.rpartition('/')[0]}/*.md")
        for p in made:
            if p.part_of is not None:
                folder = p.part_of.rpartition("/")[0]
                out.append(f"/{folder}/*/*.md" if folder else f"/{p.part_of.removesuffix('.md')}/*.md")
    return list(dict.fromkeys(out))


# print ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PrintChapter:
    title: str
    intro: str | None  # the page that opens the chapter (its H1 becomes the chapter title)
    entries: tuple[str, ...] = ()
    appendix: bool = False


def print_chapters(book: Book, brief: bool = False) -> list[PrintChapter]:
    """The chapters of the printed book (or of the brief), in each kind's ``chapter.order``."""
    out = []
    for k in sorted((k for k in kinds() if k.chapter), key=lambda k: k.chapter.order):  # type: ignore[union-attr]
        place = k.chapter
        assert place is not None
        if brief and not place.brief:
            continue
        made = [p.path for p in k.pages(book)]
        intro = k.index if k.index is not None else (made[0] if len(made) == 1 else None)
        entries = tuple(p for p in made if p != intro)
        if brief and not place.brief_entries:
            entries = ()
        out.append(PrintChapter(place.title, intro, entries, place.appendix))
    return out


# incremental rendering ----------------------------------------------------------------------------
def listing_pages(book: Book) -> set[str]:
    """Pages that list annotations across the book (home, indexes, overview...), with the pages
    continuing their lists."""
    out: set[str] = set()
    for k in kinds():
        if k.lists_annotations:
            out.update([k.index] if k.index is not None else (p.path for p in k.pages(book)))
    return with_continuations(book, out)


def with_continuations(book: Book, owners: Iterable[str]) -> set[str]:
    """``owners`` and the pages continuing their lists: where an item added, removed or moved
    (a new date, say) can shift every later item to another page."""
    conts = continuations(book)
    out = set(owners)
    for page in list(out):
        out.update(conts.get(page, ()))
    return out


def annotation_pages(book: Book, ann: Annotation) -> set[str]:
    """The entity pages an annotation is listed on, over every kind."""
    out: set[str] = set()
    for k in kinds():
        if k.homes is not None:
            out.update(k.homes(book, ann))
    return out


__all__ = ["PrintPlace", "NavPlace", "Page", "PageKind", "PrintChapter", "annotation_pages", "continuation_pages",
           "continuations", "kind", "kinds", "lineage", "listing_pages", "nav_overflow", "navigation", "no_context",
           "pages", "print_chapters", "with_continuations"]
