"""Per-page computations for the reader's website, so templates only lay out what they are given.

* :func:`recent_changes` — the latest issue-status entries, newest first, with the status before.
* :func:`key_figures` — the figures the home page shows.
* :func:`status_rows` — the status board: every issue in reading order with its current status.
* :func:`distinct_passages` — annotations less those quoting a passage already shown.
* :func:`timeline` — dated items (events, status entries, positions), optionally for one issue or
  one actor: the no-JavaScript filter of the timeline.
* :func:`page_tags` — Material tags for a page (entity ids: safe text, see below).
* :func:`status_label` / :func:`entry_label` — an issue's status on whose account ("Agreed (per
  Volodymyr Zelensky)", or "Disputed" with each account).
* :func:`actor_position`, :func:`said_by` — whether an annotation is a position its speaker holds,
  or that actor's words or ascribed view (not the report's own reading of the actor).
* :func:`claim_view` — a claim's reports in date order, with the number of sources counted.
* :func:`review_counts` — the counts the method page's content review gives.
"""

from __future__ import annotations

from dataclasses import dataclass
import html
import json
from typing import Any, Iterable

from bookgen.dates import BookDate
from bookgen.entities import Actor, Annotation, Claim, Event, Issue, StatusEntry
from bookgen.ids import EntityId
from bookgen.mdtext import Md, as_md
from bookgen.model import _UNDATED, Book


STATUS_LABELS = {"agreed": "Agreed", "nearly-agreed": "Nearly agreed", "open": "Open", "contested": "Contested"}


def _names(book: Book, ids: tuple[EntityId, ...]) -> str:
    return ", ".join(book.actors[a].name for a in ids if a in book.actors)


def entry_label(book: Book, entry: StatusEntry) -> str:
    """One status entry in words, on whose account: 'Agreed (per Volodymyr Zelensky)',
    'Agreed (per Volodymyr Zelensky; disputed by Russia)', or just 'Open'."""
    whose = []
    if entry.per:
        whose.append("per " + _names(book, entry.per))
    if entry.disputed_by:
        whose.append("disputed by " + _names(book, entry.disputed_by))
    label = STATUS_LABELS[entry.status]
    return f"{label} ({'; '.join(whose)})" if whose else label


@dataclass(frozen=True)
class Account:
    entry: StatusEntry
    label: str  # entry_label of the entry


@dataclass(frozen=True)
class StatusView:
    """An issue's current status: its latest date's entries (``accounts``), and one label: the
    status on whose account, or "Disputed" when those entries disagree or one is disputed."""

    status: str  # the status when not disputed, else "disputed"
    label: str
    as_of: BookDate
    accounts: tuple[Account, ...]

    @property
    def disputed(self) -> bool:
        return self.status == "disputed"

    @property
    def cite(self) -> tuple[EntityId, ...]:
        return tuple(dict.fromkeys(a for acc in self.accounts for a in acc.entry.cite))


def status_label(book: Book, issue: Issue) -> StatusView | None:
    """The status an issue's pages and the dashboard show: the entries of its latest date, agreed
    on by all of them (with everyone they rest on: 'Agreed (per Volodymyr Zelensky)'), or
    'Disputed' when they differ or an actor disputes one (each account then cited on its own);
    None for an issue without status entries (background)."""
    if not issue.status:  # a background issue: no status at all
        return None
    last = issue.status[-1]
    latest = tuple(e for e in issue.status if e.as_of.slug == last.as_of.slug)
    accounts = tuple(Account(e, entry_label(book, e)) for e in latest)
    if len({e.status for e in latest}) > 1 or any(e.disputed_by for e in latest):
        return StatusView("disputed", "Disputed", last.as_of, accounts)
    per = tuple(dict.fromkeys(a for e in latest for a in e.per))
    label = STATUS_LABELS[last.status] + (f" (per {_names(book, per)})" if per else "")
    return StatusView(last.status, label, last.as_of, accounts)


def actor_position(a: Annotation) -> bool:
    """A position the speaker holds, in their words or as the report ascribes it; a report's own
    reading of an actor (voice: source) is not counted as that actor's position."""
    return a.kind == "position" and a.actor_view


def said_by(a: Annotation, actor: str) -> bool:
    """The annotation gives ``actor``'s own words or a view the report ascribes to ``actor``."""
    return a.speaker == actor and a.actor_view


@dataclass(frozen=True)
class ClaimView:
    claim: Claim
    reports: tuple[Annotation, ...]  # by date (undated last), then the source's publication date and title
    sources: int  # distinct sources among the reports


def claim_view(book: Book, claim: Claim) -> ClaimView:
    """A claim's reports ordered by date, and how many distinct sources report it (counted here,
    never written by hand)."""
    def order(a: Annotation) -> tuple[Any, ...]:
        src = book.sources[a.source]
        return (a.date.sort_key if a.date else _UNDATED, src.published.sort_key if src.published else _UNDATED,
                src.title, book.anchors[a.id].start)
    reports = tuple(sorted(book.by_claim.get(claim.id, ()), key=order))
    return ClaimView(claim, reports, len({a.source for a in reports}))


@dataclass(frozen=True)
class Change:
    issue: Issue
    entry: StatusEntry
    before: str | None  # the status in the entry before, if any


def recent_changes(book: Book, n: int = 6) -> list[Change]:
    """The latest status entries across issues, newest first: every entry of the latest date (however
    many), then older ones up to ``n`` in all; on one date, in the issues' reading order."""
    changes = []
    rank = {i: k for k, i in enumerate(book.issues)}
    for issue in book.issues.values():
        for i, entry in enumerate(issue.status):
            changes.append(Change(issue, entry, issue.status[i - 1].status if i else None))
    changes.sort(key=lambda c: rank[c.issue.id])
    changes.sort(key=lambda c: c.entry.as_of.sort_key, reverse=True)  # stable: reading order kept per date
    if not changes:
        return []
    latest = changes[0].entry.as_of.sort_key
    return [c for k, c in enumerate(changes) if k < n or c.entry.as_of.sort_key == latest]


@dataclass(frozen=True)
class StatusRow:
    """An issue's line in a status board: how deep it nests, its latest status entry, and whether
    that entry's date differs from the book's as-of date (so the board names only those dates)."""

    issue: Issue
    depth: int
    entry: StatusEntry | None
    dated: bool
    sources: int = 0  # how many sources report on the issue


def status_rows(book: Book, background: bool = False) -> list[StatusRow]:
    """Every issue under negotiation in reading order (sub-issues after their parent), with its
    current status; background issues only when ``background`` (the index lists them, the board
    does not)."""
    as_of = book.as_of
    rows = []
    for issue in book.issues.values():
        if issue.kind == "background" and not background:  # context, not a negotiation item
            continue
        depth = book.issue_depth[issue.id]
        entry = issue.status[-1] if issue.status else None
        sources = len({a.source for a in book.by_issue.get(issue.id, ())})
        rows.append(StatusRow(issue, depth, entry, entry is not None and entry.as_of != as_of, sources))
    return rows


BRIEF_ISSUES = 24  # the home board, the overview and what to watch show at most this many issues
HOME_FIGURES = 24  # more figures than this: the home page shows the most recent, claims.md all
ROW_FIGURES = 6  # a key figure row shows at most this many reports' figures, the most recent


@dataclass(frozen=True)
class FigureRow:
    """One key figure: a claim and every figure reported for it, or one figure an actor stated."""

    title: str
    claim: EntityId | None
    figures: tuple[Annotation, ...]  # in time order
    more: int = 0  # earlier reports of the claim's figures not shown (claims.md has them all)

    @property
    def latest(self) -> tuple[tuple[int, int, int], str]:
        last = max((a.date.sort_key for a in self.figures if a.date), default=None)
        return ((last[1].toordinal(), last[0].toordinal(), 0) if last else (0, 0, 0)), self.title


@dataclass(frozen=True)
class KeyFigures:
    shown: list[FigureRow]
    total: int


def is_key_figure(a: Annotation) -> bool:
    """A key figure has a number (not "weeks, no number given") and either backs a claim or was
    stated by an actor; a report's passing background figure ("a four-year war") is not one."""
    return a.figure is not None and any(ch.isdigit() for ch in a.figure.value) \
        and (a.claim is not None or a.speaker is not None)


def key_figures(book: Book, limit: int | None = None) -> KeyFigures:
    """The home page's key figures: one row per claim with figures (each report's figure, who
    stated it, in which report) and one per figure an actor stated outside any claim; the
    ``limit`` most recent when there are more, so the page a reader opens first stays short."""
    limit = HOME_FIGURES if limit is None else limit
    by_claim: dict[EntityId, list[Annotation]] = {}
    rows: list[FigureRow] = []
    for a in book.annotations.values():
        if not is_key_figure(a):
            continue
        if a.claim is None:
            rows.append(FigureRow(a.figure.measures, None, (a,)))  # type: ignore[union-attr]
        else:
            by_claim.setdefault(a.claim, []).append(a)
    for claim, anns in by_claim.items():
        shown = anns[-ROW_FIGURES:]
        rows.append(FigureRow(book.claims[claim].title, claim, tuple(shown), len(anns) - len(shown)))
    rows.sort(key=lambda r: r.title.casefold())
    shown = rows if len(rows) <= limit else sorted(rows, key=lambda r: r.latest, reverse=True)[:limit]
    return KeyFigures(shown, len(rows))


def distinct_passages(annotations: Iterable[Annotation]) -> list[Annotation]:
    """``annotations`` less any that cite the very passage (same source, same words) an earlier
    one cites: a page shows a statement once, however many annotations quote it."""
    seen: set[tuple[EntityId, str, str | None, str | None]] = set()
    out = []
    for a in annotations:
        key = (a.source, a.quote, a.prefix, a.suffix)
        if key not in seen:
            seen.add(key)
            out.append(a)
    return out


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
        if actor_position(a) and a.date and (issue is None or issue in a.issues) \
                and (actor is None or a.speaker == actor):
            items.append(Item(a.date, "position", a))
    order = {"event": 0, "status": 1, "position": 2}
    items.sort(key=lambda x: (x.date.sort_key, order[x.kind], _ident(x)))
    return items


def _ident(item: Item) -> str:
    if item.kind == "status":
        return item.ref[0].id
    return item.ref.id


PAGE_TAGS = 6  # more tags than this above a page's title push it off a phone screen


def page_tags(book: Book, issues: Iterable[EntityId] = (), actors: Iterable[EntityId] = (),
              own: str | None = None) -> list[Md]:
    """Tags for a page: its own entity's name (``own``) first, then the names of its issues and of
    its actors, as readers know them, at most :data:`PAGE_TAGS`. Each is written for the YAML front
    matter as a double-quoted scalar of HTML-escaped text, because Material writes tag names into
    HTML and its tag listing unescaped: a name stays text."""
    issue_ids = list(dict.fromkeys(i for i in issues if i in book.issues))
    actor_ids = list(dict.fromkeys(a for a in actors if a in book.actors))
    names = ([own] if own else []) + [book.issues[i].title for i in issue_ids] + \
        [book.actors[a].name for a in actor_ids]
    return [as_md(json.dumps(html.escape(n))) for n in list(dict.fromkeys(names))[:PAGE_TAGS]]


@dataclass(frozen=True)
class ActorAnnotations:
    """What an actor's page lists: its positions, its other statements and figures, and what the
    sources report about it (less the passages its role rests on, which its role line cites)."""

    positions: list[Annotation]
    said: list[Annotation]
    about: list[Annotation]


def actor_annotations(book: Book, actor: Actor) -> ActorAnnotations:
    anns = distinct_passages(book.by_actor.get(actor.id, ()))
    own = [a for a in anns if said_by(a, actor.id)]
    role = set(actor.cite)
    return ActorAnnotations([a for a in own if actor_position(a)], [a for a in own if not actor_position(a)],
                            [a for a in anns if not said_by(a, actor.id) and a.id not in role])


def issue_tags(book: Book, issue: Issue) -> list[Md]:
    speakers = [a.speaker for a in book.by_issue.get(issue.id, ()) if actor_position(a) and a.speaker]
    return page_tags(book, [], sorted(set(speakers), key=lambda a: book.actors[a].name.casefold()), own=issue.title)


def actor_tags(book: Book, actor: Actor) -> list[Md]:
    issues = {i for a in book.by_actor.get(actor.id, ()) if a.speaker == actor.id for i in a.issues}
    return page_tags(book, sorted(issues, key=lambda i: book.issues[i].title.casefold()), own=actor.name)


def event_tags(book: Book, events: list[Event] | tuple[Event, ...]) -> list[Md]:
    issues = {i for e in events for i in e.issues if i in book.issues}
    actors = {a for e in events for a in e.actors if a in book.actors}
    return page_tags(book, sorted(issues, key=lambda i: book.issues[i].title.casefold()),
                     sorted(actors, key=lambda a: book.actors[a].name.casefold()))
@dataclass(frozen=True)
class ReviewCounts:
    """What the method page's content review counts: annotations naming a speaker, by voice;
    status entries, and those that name whose account they rest on; inferred notes."""

    named: int
    speaker: int
    attributed: int
    source: int
    statuses: int
    statuses_per: int
    inferred: int


def review_counts(book: Book) -> ReviewCounts:
    named = [a for a in book.annotations.values() if a.speaker]
    entries = [s for i in book.issues.values() for s in i.status]
    inferred = sum(len(a.inferred) for a in book.annotations.values()) + sum(len(e.inferred) for e in book.events.values())
    return ReviewCounts(len(named), sum(a.voice == "speaker" for a in named), sum(a.voice == "attributed" for a in named),
                        sum(a.voice == "source" for a in named), len(entries), sum(bool(s.per) for s in entries), inferred)
