"""Where each side stands: positions on an issue grouped by camp, latest first.

A camp (content/book.yaml ``camps``; actors join one with ``camp:`` or through their affiliation)
is a side readers compare: the United States, Ukraine, Europe, Russia, everyone else. For each
issue, each camp shows its actors' latest positions, earlier ones folded below, and says so when
the sources report no position at all. The overview is the same, one short cell per camp.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from bookgen.bookmeta import OTHERS, Camp
from bookgen.entities import Annotation, Issue
from bookgen.ids import EntityId
from bookgen.model import _UNDATED, Book, camps
from bookgen import views
from bookgen.views import said_by


STANDS = ("position", "statement", "figure")  # what can show where an actor stands
OVERVIEW_ACTORS = 3  # the overview lists at most this many actors per camp and issue


def stands_on(book: Book, issue: EntityId) -> list[Annotation]:
    """Where actors stand on ``issue``: their positions, and what they said on it (statements and
    figures in their own words or as a report ascribes them), never a report's own reading."""
    return [a for a in book.by_issue.get(issue, ())
            if a.speaker is not None and a.kind in STANDS and said_by(a, a.speaker)]


def _newest_first(a: Annotation) -> tuple[int, object, str]:
    """Dated positions newest first, then undated ones (in book order)."""
    if a.date is None:
        return 1, _UNDATED, a.id
    first, last, text = a.date.sort_key
    return 0, (-last.toordinal(), -first.toordinal(), text), a.id


@dataclass(frozen=True)
class CampStanding:
    camp: Camp
    latest: tuple[Annotation, ...]  # each actor's newest position, newest first
    earlier: tuple[Annotation, ...]  # the rest, newest first
    more: int = 0  # actors with a position not listed here (the overview's short form)
    more_earlier: int = 0  # earlier positions not listed here (an issue page's bounded form)

    @property
    def reported(self) -> bool:
        return bool(self.latest)


def in_short(standings: list[CampStanding], actors: int = OVERVIEW_ACTORS) -> list[CampStanding]:
    """The overview's form of an issue's standings: per camp the ``actors`` newest positions, and
    how many actors more (the overview is in the brief, whose length must not grow with the book;
    the issue's own page lists them all)."""
    return [dataclasses.replace(st, latest=st.latest[:actors], earlier=(), more=max(0, len(st.latest) - actors))
            for st in standings]


ISSUE_ACTORS = 12  # an issue's page lists at most this many actors' latest positions per camp
ISSUE_EARLIER = 6  # ...and at most this many earlier positions per camp


def on_issue_page(standings: list[CampStanding]) -> list[CampStanding]:
    """An issue page's form of its standings: per camp the :data:`ISSUE_ACTORS` newest actors'
    positions and the :data:`ISSUE_EARLIER` newest earlier ones, and how many more (the page lists
    those under what the sources report, so its length does not grow with the book)."""
    return [dataclasses.replace(st, latest=st.latest[:ISSUE_ACTORS], earlier=st.earlier[:ISSUE_EARLIER],
                                more=max(0, len(st.latest) - ISSUE_ACTORS),
                                more_earlier=max(0, len(st.earlier) - ISSUE_EARLIER))
            for st in standings]


def where_each_side_stands(book: Book, issue: EntityId) -> list[CampStanding]:
    """Every camp of the book in its order, with its positions on ``issue``; "Others" only when
    someone outside the named camps holds a position."""
    by_camp: dict[EntityId, list[Annotation]] = {}
    for a in stands_on(book, issue):
        by_camp.setdefault(book.camp_of[a.speaker].id, []).append(a)  # type: ignore[index]
    out = []
    for camp in camps(book.meta):
        anns = sorted(by_camp.get(camp.id, ()), key=_newest_first)
        if camp.id == OTHERS and not anns:
            continue
        latest, earlier, seen = [], [], set()
        for a in anns:
            (earlier if a.speaker in seen else latest).append(a)
            seen.add(a.speaker)
        out.append(CampStanding(camp, tuple(latest), tuple(earlier)))
    return out


@dataclass(frozen=True)
class OverviewRow:
    issue: Issue
    depth: int  # 0 for an issue, 1 for a sub-issue...
    cells: tuple[Annotation | None, ...]  # per camp (Overview.camps), its newest position


@dataclass(frozen=True)
class Overview:
    camps: tuple[Camp, ...]
    rows: tuple[OverviewRow, ...]
    total: int  # issues with a position, shown or not


def overview(book: Book, limit: int | None = None) -> Overview:
    """Issues (in reading order) x camps, each cell a camp's newest position (its stance); issues
    on which no actor said anything are left out, and so is a camp with nothing in any cell. At most
    ``limit`` issues (:data:`bookgen.views.BRIEF_ISSUES`), those read first: the overview is in the
    brief, whose length must not grow with the book; every issue's own page has its standings."""
    limit = views.BRIEF_ISSUES if limit is None else limit
    table = []
    total = 0
    for issue in book.issues.values():
        standings = where_each_side_stands(book, issue.id)
        if any(s.reported for s in standings):
            total += 1
            if len(table) < limit:
                table.append((issue, {s.camp.id: _short(s) for s in standings}))
    shown = tuple(c for c in camps(book.meta) if any(cells.get(c.id) for _, cells in table))
    rows = tuple(OverviewRow(issue, book.issue_depth[issue.id], tuple(cells.get(c.id) for c in shown))
                 for issue, cells in table)
    return Overview(shown, rows, total)


def _short(standing: CampStanding) -> Annotation | None:
    """A camp's cell in the overview: its newest position (an editor's short stance); what its
    actors only said on the issue is listed under the table, not squeezed into a cell."""
    return next((a for a in standing.latest + standing.earlier if a.kind == "position"), None)
