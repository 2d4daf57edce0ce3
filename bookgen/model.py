"""Stage 4, model: one immutable :class:`Book` with two-way indexes.

Everything pages need to look up — what cites a passage, which annotations bear on an issue, an
actor or a date, which events involve whom — is computed here once, so templates only read.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Iterable, Mapping, TypeVar

from bookgen.anchor import Anchor, Anchoring
from bookgen.bookmeta import OTHERS, BookMeta, Camp
from bookgen.dates import BookDate
from bookgen.entities import Actor, Annotation, Claim, Entities, Event, Issue, Source
from bookgen.ids import EntityId
from bookgen.load import SourceText
from bookgen.sourcetext import Block

K = TypeVar("K")
V = TypeVar("V")

_UNDATED = (dt.date.max, dt.date.max, "")
STATUS_ORDER = ("contested", "open", "nearly-agreed", "agreed")


def _freeze(groups: Mapping[K, list[V]]) -> Mapping[K, tuple[V, ...]]:
    return MappingProxyType({k: tuple(v) for k, v in groups.items()})


@dataclass(frozen=True)
class Coverage:
    """Paragraph accounting for one source: ``accountable`` (paragraphs and table body rows) is
    the sum of ``cited``, ``counted_left_out`` and ``unaccounted``. ``left_out`` keeps every
    passage an editor left out, with the reason, headings included."""

    accountable: int
    cited: tuple[int, ...]  # accountable blocks cited by at least one annotation
    left_out: Mapping[int, str]
    unaccounted: tuple[int, ...]
    counted_left_out: tuple[int, ...] = ()  # accountable blocks left out and not cited


@dataclass(frozen=True)
class Book:
    """The whole resolved book. Mappings are read-only; order is deterministic and meant for
    readers: issues in the editors' order (content/book.yaml), each followed by its sub-issues;
    actors by camp, then name; sources by publication date, then title; events in time order,
    the day's events in their ``sequence``."""

    title: str
    meta: BookMeta
    sources: Mapping[EntityId, Source]
    actors: Mapping[EntityId, Actor]
    issues: Mapping[EntityId, Issue]
    events: Mapping[EntityId, Event]
    claims: Mapping[EntityId, Claim]
    annotations: Mapping[EntityId, Annotation]
    texts: Mapping[EntityId, SourceText]
    anchors: Mapping[EntityId, Anchor]
    coverage: Mapping[EntityId, Coverage]
    dates: Mapping[str, BookDate]  # slug -> date, in time order
    # two-way indexes
    by_source: Mapping[EntityId, tuple[Annotation, ...]]  # in text order
    by_passage: Mapping[tuple[EntityId, int], tuple[Annotation, ...]]
    by_actor: Mapping[EntityId, tuple[Annotation, ...]]
    by_issue: Mapping[EntityId, tuple[Annotation, ...]]
    by_date: Mapping[str, tuple[Annotation, ...]]
    by_claim: Mapping[EntityId, tuple[Annotation, ...]]
    by_event: Mapping[EntityId, tuple[Annotation, ...]]
    events_by_actor: Mapping[EntityId, tuple[Event, ...]]
    events_by_issue: Mapping[EntityId, tuple[Event, ...]]
    events_by_date: Mapping[str, tuple[Event, ...]]
    status_by_date: Mapping[str, tuple[tuple[Issue, int], ...]]  # issue, index into issue.status
    sub_issues: Mapping[EntityId, tuple[Issue, ...]]
    related_issues: Mapping[EntityId, tuple[Issue, ...]]  # both directions
    members: Mapping[EntityId, tuple[Actor, ...]]  # actors whose affiliation is this actor
    camp_of: Mapping[EntityId, Camp]  # every actor's camp (its own, its affiliation's, or "others")
    issue_depth: Mapping[EntityId, int]  # 0 for an issue, 1 for a sub-issue, 2 for its sub-issues...

    @functools.cached_property
    def derived(self) -> dict[tuple[object, ...], object]:
        """Values worked out from this book and kept with it (a Book never changes): the long lists
        page kinds split over pages (:func:`bookgen.paging.cached`)."""
        return {}

    def block(self, source: EntityId, number: int) -> Block:
        return self.texts[source].blocks[number - 1]

    def passage_of(self, annotation: EntityId) -> Block:
        a = self.anchors[annotation]
        return self.block(a.source, a.block)

    @property
    def as_of(self) -> BookDate | None:
        """The latest date of something reported as said or done (planned events don't count).

        Dates compare by their first possible day, so "late Dec 2025" does not outrank 28 Dec.
        content/book.yaml may fix it instead (``as_of: 2025-12-28``).
        """
        if self.meta.as_of is not None:
            return self.meta.as_of
        reported = [a.date for a in self.annotations.values()
                    if a.date and not (a.event and self.events[a.event].status != "happened")]
        reported += [s.as_of for i in self.issues.values() for s in i.status]
        reported += [e.date for e in self.events.values() if e.status == "happened"]
        return max(reported, key=lambda d: ((d.end or d.start).first, d.sort_key), default=None)

    def current_status(self, issue: EntityId) -> int | None:
        """Index of the issue's latest status entry (the last one in date order)."""
        return len(self.issues[issue].status) - 1 if self.issues[issue].status else None


def _sorted_events(events: Iterable[Event]) -> list[Event]:
    """In time order; on one day, in the order the sources give (``sequence``), then by title."""
    return sorted(events, key=lambda e: (e.date.sort_key, e.sequence or _NO_SEQUENCE, e.title.casefold(), e.id))


_NO_SEQUENCE = 1 << 30


def camps(meta: BookMeta) -> tuple[Camp, ...]:
    """The book's camps in reading order, ending with "Others" for actors no camp claims."""
    return (*meta.camps, Camp(EntityId(OTHERS), "Others"))


def _camp_of(actors: Mapping[EntityId, Actor], meta: BookMeta) -> dict[EntityId, Camp]:
    by_id = {c.id: c for c in camps(meta)}
    out: dict[EntityId, Camp] = {}
    for actor in actors.values():
        seen: set[EntityId] = set()
        x: Actor | None = actor
        while x is not None and x.camp is None and x.affiliation and x.id not in seen:
            seen.add(x.id)
            x = actors.get(x.affiliation)
        camp = x.camp if x is not None else None
        out[actor.id] = by_id.get(camp, by_id[EntityId(OTHERS)]) if camp else by_id[EntityId(OTHERS)]
    return out


def _issue_order(issues: Mapping[EntityId, Issue], meta: BookMeta) -> dict[EntityId, int]:
    """Issues as readers meet them, each with how deep it nests (0 for an issue, 1 for a
    sub-issue...): the editors' order, the rest by title, each issue followed by its sub-issues (in
    the same order); issues in a parent cycle last, at depth 0."""
    rank = {i: n for n, i in enumerate(meta.issue_order)}

    def key(i: Issue) -> tuple[int, str, str]:
        return rank.get(i.id, len(rank)), i.title.casefold(), i.id

    children: dict[EntityId | None, list[Issue]] = defaultdict(list)
    for issue in issues.values():
        parent = issue.parent if issue.parent in issues else None
        children[parent].append(issue)
    out: dict[EntityId, int] = {}
    todo = [(issue, 0) for issue in sorted(children.get(None, ()), key=key, reverse=True)]
    while todo:  # depth first, without recursion (a chain of sub-issues may be long)
        issue, depth = todo.pop()
        if issue.id not in out:
            out[issue.id] = depth
            todo += [(sub, depth + 1) for sub in sorted(children.get(issue.id, ()), key=key, reverse=True)]
    for i in sorted((i for i in issues if i not in out), key=lambda i: key(issues[i])):  # parent cycles
        out[i] = 0
    return out


def _with_turn_speaker(ann: Annotation, actor: EntityId | None) -> Annotation:
    """An annotation quoting a transcript turn speaks with the turn's actor (it named none), and
    in that actor's own words: a turn is what its speaker said, so ``voice: source`` (the default
    without a speaker) becomes ``speaker``; ``attributed`` stays."""
    if actor is None:
        return ann
    return replace(ann, speaker=actor, actors=tuple(dict.fromkeys((actor, *ann.actors))),
                   voice="speaker" if ann.voice == "source" else ann.voice)


def build_book(entities: Entities, texts: Mapping[EntityId, SourceText], anchoring: Anchoring,
               meta: BookMeta) -> Book:
    """Assemble the Book. Assumes validation and anchoring found no errors."""
    anchors = anchoring.anchors
    anns = [_with_turn_speaker(a, anchoring.turn_speakers.get(a.id)) for a in entities.annotations.values()
            if a.id in anchors]
    anns.sort(key=lambda a: (a.source, anchors[a.id].start, a.id))

    by_source: dict[EntityId, list[Annotation]] = defaultdict(list)
    by_passage: dict[tuple[EntityId, int], list[Annotation]] = defaultdict(list)
    by_actor: dict[EntityId, list[Annotation]] = defaultdict(list)
    by_issue: dict[EntityId, list[Annotation]] = defaultdict(list)
    by_date: dict[str, list[Annotation]] = defaultdict(list)
    by_claim: dict[EntityId, list[Annotation]] = defaultdict(list)
    by_event: dict[EntityId, list[Annotation]] = defaultdict(list)
    dates: dict[str, BookDate] = {}
    for a in anns:  # in source order
        by_source[a.source].append(a)
        by_passage[(a.source, anchors[a.id].block)].append(a)
        if a.date:
            dates[a.date.slug] = a.date
    in_time = sorted(anns, key=lambda a: (a.date.sort_key if a.date else _UNDATED, a.source, anchors[a.id].start))
    for a in in_time:  # one sort (stable: ties keep source order) and every group below is in time order
        for actor in a.actors:
            by_actor[actor].append(a)
        for issue in a.issues:
            by_issue[issue].append(a)
        if a.date:
            by_date[a.date.slug].append(a)
        if a.claim:
            by_claim[a.claim].append(a)
        if a.event:
            by_event[a.event].append(a)

    events_by_actor: dict[EntityId, list[Event]] = defaultdict(list)
    events_by_issue: dict[EntityId, list[Event]] = defaultdict(list)
    events_by_date: dict[str, list[Event]] = defaultdict(list)
    for ev in _sorted_events(entities.events.values()):
        dates[ev.date.slug] = ev.date
        events_by_date[ev.date.slug].append(ev)
        for actor in ev.actors:
            events_by_actor[actor].append(ev)
        for issue in ev.issues:
            events_by_issue[issue].append(ev)

    status_by_date: dict[str, list[tuple[Issue, int]]] = defaultdict(list)
    sub_issues: dict[EntityId, list[Issue]] = defaultdict(list)
    related: dict[EntityId, dict[EntityId, Issue]] = defaultdict(dict)
    for issue in entities.issues.values():
        for i, entry in enumerate(issue.status):
            dates[entry.as_of.slug] = entry.as_of
            status_by_date[entry.as_of.slug].append((issue, i))
        if issue.parent:
            sub_issues[issue.parent].append(issue)
        for rel in issue.related:
            if rel in entities.issues:
                related[issue.id][rel] = entities.issues[rel]
                related[rel][issue.id] = issue
    members: dict[EntityId, list[Actor]] = defaultdict(list)
    for actor in entities.actors.values():
        if actor.affiliation:
            members[actor.affiliation].append(actor)

    coverage: dict[EntityId, Coverage] = {}
    for sid, text in texts.items():
        left = anchoring.left_out.get(sid, {})
        accountable = [b.number for b in text.blocks if b.accountable]
        cited = tuple(n for n in accountable if (sid, n) in by_passage)
        counted_left_out = tuple(n for n in accountable if n not in cited and n in left)
        unaccounted = tuple(n for n in accountable if n not in cited and n not in left)
        coverage[sid] = Coverage(len(accountable), cited, MappingProxyType(dict(left)), unaccounted,
                                 counted_left_out)

    def by_id(d: Mapping[EntityId, V]) -> Mapping[EntityId, V]:
        return MappingProxyType(dict(sorted(d.items())))

    camp_of = _camp_of(entities.actors, meta)
    camp_rank = {c.id: n for n, c in enumerate(camps(meta))}
    actors = sorted(entities.actors.values(),
                    key=lambda a: (camp_rank[camp_of[a.id].id], a.name.casefold(), a.id))
    sources = sorted(entities.sources.values(),
                     key=lambda s: (s.published.sort_key if s.published else _UNDATED, s.title.casefold(), s.id))
    depths = _issue_order(entities.issues, meta)
    issues = list(depths)
    issue_rank = {i: n for n, i in enumerate(issues)}
    return Book(
        title=meta.title, meta=meta, camp_of=MappingProxyType(camp_of), issue_depth=MappingProxyType(depths),
        sources=MappingProxyType({s.id: s for s in sources}), actors=MappingProxyType({a.id: a for a in actors}),
        issues=MappingProxyType({i: entities.issues[i] for i in issues}),
        events=MappingProxyType({e.id: e for e in _sorted_events(entities.events.values())}),
        claims=by_id(entities.claims),
        annotations=MappingProxyType({a.id: a for a in anns}),
        texts=by_id(dict(texts)), anchors=MappingProxyType(dict(anchors)),
        coverage=by_id(coverage),
        dates=MappingProxyType(dict(sorted(dates.items(), key=lambda kv: kv[1].sort_key))),
        by_source=_freeze(by_source), by_passage=_freeze(by_passage), by_actor=_freeze(by_actor),
        by_issue=_freeze(by_issue), by_date=_freeze(by_date), by_claim=_freeze(by_claim),
        by_event=_freeze(by_event), events_by_actor=_freeze(events_by_actor),
        events_by_issue=_freeze(events_by_issue), events_by_date=_freeze(events_by_date),
        status_by_date=_freeze(status_by_date),
        sub_issues=_freeze({k: sorted(v, key=lambda i: issue_rank[i.id]) for k, v in sub_issues.items()}),
        related_issues=_freeze({k: [v[x] for x in sorted(v, key=issue_rank.__getitem__)] for k, v in related.items()}),
        members=_freeze({k: sorted(v, key=lambda a: (a.name.casefold(), a.id)) for k, v in members.items()}),
    )
