"""Typed content entities, as the validate stage builds them from checked YAML.

Each keeps a :class:`Loc` (file, line, column) so later stages can point at what an editor wrote.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bookgen.dates import BookDate
from bookgen.ids import EntityId


@dataclass(frozen=True)
class Loc:
    path: str
    line: int
    col: int


@dataclass(frozen=True)
class Statement:
    """An editor's sentence and the annotations it rests on."""

    text: str
    cite: tuple[EntityId, ...]
    loc: Loc


@dataclass(frozen=True)
class LeftOut:
    quote: str
    prefix: str | None
    suffix: str | None
    reason: str
    loc: Loc


@dataclass(frozen=True)
class Source:
    id: EntityId
    file: str
    title: str
    title_from: str | None
    publisher: str
    url: str
    published: BookDate | None  # None when unknown
    published_note: str | None
    sha256: str
    left_out: tuple[LeftOut, ...]
    loc: Loc


@dataclass(frozen=True)
class Actor:
    id: EntityId
    name: str
    kind: str
    role: str | None
    affiliation: EntityId | None
    aliases: tuple[str, ...]
    cite: tuple[EntityId, ...]
    loc: Loc


@dataclass(frozen=True)
class StatusEntry:
    as_of: BookDate
    status: str
    text: str
    cite: tuple[EntityId, ...]
    loc: Loc


@dataclass(frozen=True)
class Issue:
    id: EntityId
    title: str
    parent: EntityId | None
    related: tuple[EntityId, ...]
    summary: Statement
    status: tuple[StatusEntry, ...]
    open_questions: tuple[Statement, ...]
    loc: Loc


@dataclass(frozen=True)
class Event:
    id: EntityId
    title: str
    date: BookDate
    status: str
    place: str | None
    actors: tuple[EntityId, ...]
    issues: tuple[EntityId, ...]
    summary: Statement
    loc: Loc


@dataclass(frozen=True)
class Claim:
    id: EntityId
    title: str
    question: str
    loc: Loc


@dataclass(frozen=True)
class Figure:
    value: str
    unit: str
    measures: str


@dataclass(frozen=True)
class Annotation:
    id: EntityId
    source: EntityId
    kind: str
    quote: str
    prefix: str | None
    suffix: str | None
    note: str
    speaker: EntityId | None
    audience: str | None
    actors: tuple[EntityId, ...]
    issues: tuple[EntityId, ...]
    date: BookDate | None
    event: EntityId | None
    claim: EntityId | None
    stance: str | None
    figure: Figure | None
    loc: Loc
    quote_loc: Loc


@dataclass
class Entities:
    """Everything validated, keyed by id, in file-name order."""

    sources: dict[EntityId, Source] = field(default_factory=dict)
    actors: dict[EntityId, Actor] = field(default_factory=dict)
    issues: dict[EntityId, Issue] = field(default_factory=dict)
    events: dict[EntityId, Event] = field(default_factory=dict)
    claims: dict[EntityId, Claim] = field(default_factory=dict)
    annotations: dict[EntityId, Annotation] = field(default_factory=dict)
