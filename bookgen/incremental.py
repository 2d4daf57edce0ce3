"""Re-render only the pages an edit can change, for ``bookgen serve``.

The common edit while serving touches annotations. For such an edit the pages that can change are:
every page that cited a changed annotation last time (read from its footnote labels ``[^id]`` and
anchors ``id="a-id"``), every page the changed annotation belongs to now or before (each page kind's ``homes``: its source,
actors and their affiliations, issues and their parents, date, event date; with the pages continuing
their long lists, :mod:`bookgen.paging`, unless only its wording changed), and the pages of every
kind that ``lists_annotations`` unless only the annotation's wording changed and no source's
coverage did (both declared in :mod:`bookgen.pagekinds`). Any other change (actors,
issues, events, claims, sources, source texts, templates, the title, or the set of pages) renders
the whole book. The result is always exactly what a full render would give (tests compare both).
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import sys
from pathlib import Path
from typing import Iterable, Mapping

import jinja2

from bookgen import links as L
from bookgen import pagekinds
from bookgen.entities import Annotation
from bookgen.ids import EntityId
from bookgen.model import Book
from bookgen.render import environment, page_specs, render_pages

_CITED = re.compile(r'\[\^([a-z0-9]+(?:-[a-z0-9]+)*)\]|id="a-([a-z0-9]+(?:-[a-z0-9]+)*)"')
WORDING = ("note", "stance", "quote", "prefix", "suffix", "audience", "loc", "quote_loc")
_SAME_WHOLE = ("title", "meta", "sources", "actors", "issues", "events", "claims", "texts")


@dataclasses.dataclass(frozen=True)
class AnnotationChange:
    """An annotation added, removed or changed since the last render."""

    id: EntityId
    wording_only: bool  # only its wording changed (see :func:`_wording_only`)
    old_homes: frozenset[str]  # the pages it was listed on last time


def pages_to_render(book: Book, changes: Iterable[AnnotationChange], sources: Iterable[EntityId],
                    coverage_changed: bool, cited_on: Mapping[str, set[str]]) -> set[str]:
    """The pages that may differ after ``changes`` (the rule :mod:`bookgen.incremental` describes):
    ``sources``: those whose coverage or annotations' order changed; ``cited_on``: annotation ->
    the pages that cited it last time."""
    changes = list(changes)
    listing = coverage_changed or not all(c.wording_only for c in changes)
    pages: set[str] = pagekinds.listing_pages(book) if listing else set()
    pages.update(L.source_path(sid) for sid in sources)
    for change in changes:
        pages |= cited_on.get(change.id, set())
        homes = set(change.old_homes)
        ann = book.annotations.get(change.id)
        if ann is not None:
            homes |= pagekinds.annotation_pages(book, ann)
        # an annotation added, removed or moved can shift every later item of its homes' long lists
        pages |= homes if change.wording_only else pagekinds.with_continuations(book, homes)
    return pages


def cited_ids(page: str) -> set[str]:
    """The annotations a rendered page cites (its footnote labels and annotation anchors); each id
    the one string object every page's list shares (at 10,000 sources a million ids are noted)."""
    return {sys.intern(m.group(1) or m.group(2)) for m in _CITED.finditer(page)}


def templates_digest(templates: Path) -> str:
    h = hashlib.sha256()
    for f in sorted(templates.rglob("*")):
        if f.is_file():
            h.update(f.relative_to(templates).as_posix().encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()


class IncrementalRenderer:
    """Keeps the last Book and its pages; :meth:`render` returns every page of a new Book."""

    def __init__(self, templates: Path) -> None:
        self.templates = templates
        self.book: Book | None = None
        self.pages: dict[str, str] = {}
        self.cited_on: dict[str, set[str]] = {}
        self.digest = ""
        self.env: jinja2.Environment | None = None  # compiled templates, kept while they are unchanged
        self.last_rendered: int = 0  # how many pages the last call rendered (for messages and tests)

    def render(self, book: Book) -> dict[str, str]:
        digest = templates_digest(self.templates)
        only = self.affected(book) if digest == self.digest else None
        if digest != self.digest or self.env is None:
            self.env = environment(self.templates)
        if only is None:
            pages = render_pages(book, self.templates, env=self.env)
            self.cited_on = {}
            fresh = pages
        else:
            fresh = render_pages(book, self.templates, only=only.__contains__, env=self.env)
            pages = {**self.pages, **fresh}
            for ids in self.cited_on.values():
                ids.difference_update(fresh)
        for path, text in fresh.items():
            for aid in cited_ids(text):
                self.cited_on.setdefault(aid, set()).add(path)
        self.book, self.pages, self.digest, self.last_rendered = book, pages, digest, len(fresh)
        return pages

    def affected(self, new: Book) -> set[str] | None:
        """Paths of the pages that may differ from the last render, or None for all of them."""
        old = self.book
        if old is None or any(getattr(old, k) != getattr(new, k) for k in _SAME_WHOLE):
            return None
        if set(old.dates) != set(new.dates) or {s.path for s in page_specs(new)} != set(self.pages):
            return None
        changes = []
        for aid in old.annotations.keys() | new.annotations.keys():
            before, after = old.annotations.get(aid), new.annotations.get(aid)
            if before != after or old.anchors.get(aid) != new.anchors.get(aid):
                homes = pagekinds.annotation_pages(old, before) if before is not None else set()
                changes.append(AnnotationChange(aid, _wording_only(before, after), frozenset(homes)))
        sources = [sid for sid in new.sources if old.coverage.get(sid) != new.coverage.get(sid)
                   or old.by_source.get(sid) != new.by_source.get(sid)]
        return pages_to_render(new, changes, sources, old.coverage != new.coverage, self.cited_on)


def _wording_only(old: Annotation | None, new: Annotation | None) -> bool:
    """True if only the annotation's wording changed (note, stance, quote and its context, audience).

    Templates print these only next to the annotation's own footnote, so the pages that cite it
    are all the pages that can change (with its home pages, for the quote's marks)."""
    if old is None or new is None:
        return False
    return dataclasses.replace(old, **{k: getattr(new, k) for k in WORDING}) == new
