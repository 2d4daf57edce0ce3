"""Per-page computations for the reader's website, so templates only lay out what they are given.

* :func:`recent_changes` — the latest issue-status entries, newest first, with the status before.
* :func:`key_figures` — the figures the home page shows.
* :func:`positions_matrix` — actors x issues, each cell the positions an actor stated on an issue.
* :func:`timeline` — dated items (events, status entries, positions), optionally for one issue or
  one actor: the no-JavaScript filter of the timeline.
* :func:`page_tags` — Material tags for a page (entity ids: safe text, see below).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from bookgen.dates import BookDate
from bookgen.entities import Actor, Annotation, Event, Issue, StatusEntry
from bookgen.ids import EntityId
from bookgen.model import _UNDATED, Book


@dataclass(frozen=True)
class Change:
    issue: Issue
    entry: StatusEntry
    before: str | None  # the status in the entry before, if any


def recent_changes(book: Book, n: int = 6) -> list[Change]:
    """The ``n`` latest status entries across issues, newest first (by date, then issue id)."""
    changes = []
    for issue in book.issues.values():
        for i, entry in enumerate(issue.status):
            changes.append(Change(issue, entry, issue.status[i - 1].status if i else None))
    changes.sort(key=lambda c: (c.entry.as_of.sort_key, c.issue.id), reverse=True)
    return changes[:n]


HOME_FIGURES = 24  # more figures than this: the home page shows the most recent, claims.md all


@dataclass(frozen=True)
class KeyFigures:
    shown: list[Annotation]
    total: int


def key_figures(book: Book, limit: int | None = None) -> KeyFigures:
    """The figures for the home page: all of them in book order while they fit, else the ``limit``
    most recent (newest first, undated last), so the page a reader opens first stays short and an
    edit to any figure does not make the site rebuild a page the size of the book."""
    limit = HOME_FIGURES if limit is None else limit
    figures = [a for a in book.annotations.values() if a.figure]
    if len(figures) <= limit:
        return KeyFigures(figures, len(figures))
    dated = sorted((a for a in figures if a.date), key=lambda a: (a.date.sort_key, a.id), reverse=True)  # type: ignore[union-attr]
    undated = sorted((a for a in figures if not a.date), key=lambda a: a.id)
    return KeyFigures((dated + undated)[:limit], len(figures))


MATRIX_COLUMNS = 24  # more issues with positions than this: positions listed per actor


@dataclass(frozen=True)
class Matrix:
    actors: list[Actor]
    issues: list[Issue]
    cells: dict[tuple[EntityId, EntityId], list[Annotation]]

    def cell(self, actor: EntityId, issue: EntityId) -> list[Annotation]:
        return self.cells.get((actor, issue), [])

    @property
    def fits_a_table(self) -> bool:
        """Few enough issues for one column each; beyond, the page lists each actor's positions
        (a table of every actor by every issue grows with their product, mostly dashes)."""
        return len(self.issues) <= MATRIX_COLUMNS

    @functools.cached_property
    def by_actor(self) -> dict[EntityId, list[tuple[Issue, list[Annotation]]]]:
        """Per actor, the issues it holds positions on (in issue order) with those positions."""
        issues = {i.id: (n, i) for n, i in enumerate(self.issues)}
        out: dict[EntityId, list[tuple[Issue, list[Annotation]]]] = {}
        for (actor, issue), anns in sorted(self.cells.items(), key=lambda kv: issues[kv[0][1]][0]):
            out.setdefault(actor, []).append((issues[issue][1], anns))
        return out


def positions_matrix(book: Book) -> Matrix:
    """Positions stated by each actor on each issue; only actors and issues with a position."""
    cells: dict[tuple[EntityId, EntityId], list[Annotation]] = {}
    for a in book.annotations.values():
        if a.kind != "position" or a.speaker is None:
            continue
        for issue in a.issues:
            cells.setdefault((a.speaker, issue), []).append(a)
    for items in cells.values():
        items.sort(key=lambda a: (a.date.sort_key if a.date else _UNDATED, a.id))
    speakers, topics = {k[0] for k in cells}, {k[1] for k in cells}
    actors = [x for x in book.actors.values() if x.id in speakers]
    issues = [x for x in book.issues.values() if x.id in topics]
    return Matrix(actors, issues, cells)


@dataclass(frozen=True)
class Item:
    date: BookDate
    kind: str  # event | status | position
    ref: Any  # Event | (Issue, StatusEntry) | Annotation


def timeline(book: Book, issue: EntityId | None = None, actor: EntityId | None = None) -> list[Item]:
    """Events, status entries and dated positions in time order, filtered to one issue or actor."""
    items: list[Item] = []
    # candidates from the indexes (a filtered timeline per issue and actor page stays linear in the
    # book's size); the filters below are the definition, and the final sort fixes the order
    events: Any = book.events.values()
    annotations: Any = book.annotations.values()
    if issue is not None:
        events = {e.id: e for e in book.events_by_issue.get(issue, ())}.values()
        annotations = {a.id: a for a in book.by_issue.get(issue, ())}.values()
    elif actor is not None:
        events = {e.id: e for e in book.events_by_actor.get(actor, ())}.values()
        annotations = {a.id: a for a in book.by_actor.get(actor, ())}.values()
    for e in events:
        if (issue is None or issue in e.issues) and (actor is None or actor in e.actors):
            items.append(Item(e.date, "event", e))
    if actor is None:  # every issue's status entries, or that one issue's (no scan of all issues)
        if issue is None:
            chosen: Any = book.issues.values()
        else:
            chosen = [book.issues[issue]] if issue in book.issues else []
        for i in chosen:
            items += [Item(s.as_of, "status", (i, s)) for s in i.status]
    for a in annotations:
        if a.kind == "position" and a.date and (issue is None or issue in a.issues) \
                and (actor is None or a.speaker == actor):
            items.append(Item(a.date, "position", a))
    order = {"event": 0, "status": 1, "position": 2}
    items.sort(key=lambda x: (x.date.sort_key, order[x.kind], _ident(x)))
    return items


def _ident(item: Item) -> str:
    if item.kind == "status":
        return item.ref[0].id
    return item.ref.id


def page_tags(issues: list[EntityId] | tuple[EntityId, ...] = (),
              actors: list[EntityId] | tuple[EntityId, ...] = ()) -> list[str]:
    """Tags for a page. They are entity ids ([a-z0-9-]), because Material writes tag names into
    HTML and its tag listing unescaped: an id can never become markup, a title could."""
    return sorted(set(issues)) + sorted(set(actors) - set(issues))


def issue_tags(book: Book, issue: Issue) -> list[str]:
    speakers = [a.speaker for a in book.by_issue.get(issue.id, ()) if a.kind == "position" and a.speaker]
    return page_tags([issue.id], speakers)


def actor_tags(book: Book, actor: Actor) -> list[str]:
    issues = [i for a in book.by_actor.get(actor.id, ()) if a.speaker == actor.id for i in a.issues]
    return page_tags(issues, [actor.id])


def event_tags(book: Book, events: list[Event] | tuple[Event, ...]) -> list[str]:
    return page_tags([i for e in events for i in e.issues], [a for e in events for a in e.actors])
