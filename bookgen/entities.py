"""Typed content entities, as the validate stage builds them from checked YAML.

Each keeps a :class:`Loc` (file, line, column) so later stages can point at what an editor wrote.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from bookgen.dates import BookDate
from bookgen.ids import EntityId


class _Positions(Protocol):
    def mark(self, path: tuple[Any, ...], key: bool = False) -> tuple[int, int]: ...


class Loc:
    """Where an editor wrote something: file (as shown in messages), 1-based line and column.

    :meth:`at` makes one whose line and column are looked up in its document only when first
    read: a book without problems never needs them, and worked out for every annotation, quote
    and reference they were a large part of a big book's memory.
    """

    __slots__ = ("path", "_line", "_col", "_doc", "_node")

    def __init__(self, path: str, line: int, col: int) -> None:
        self.path, self._line, self._col = path, line, col
        self._doc: _Positions | None = None
        self._node: tuple[Any, ...] = ()

    @classmethod
    def at(cls, path: str, doc: _Positions, node: tuple[Any, ...]) -> Loc:
        loc = cls(path, 0, 0)
        loc._doc, loc._node = doc, node
        return loc

    def _resolve(self) -> None:
        if self._doc is not None:
            self._line, self._col = self._doc.mark(self._node)
            self._doc = None

    @property
    def line(self) -> int:
        self._resolve()
        return self._line

    @property
    def col(self) -> int:
        self._resolve()
        return self._col

    def _key(self) -> tuple[str, int, int]:
        return self.path, self.line, self.col

    def __eq__(self, other: object) -> bool:
        if self is other:
            return True
        return isinstance(other, Loc) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return f"Loc({self.path!r}, {self.line}, {self.col})"


@dataclass(frozen=True, slots=True)
class Statement:
    """An editor's sentence and the annotations it rests on."""

    text: str
    cite: tuple[EntityId, ...]
    loc: Loc


@dataclass(frozen=True, slots=True)
class LeftOut:
    """Paragraphs an editor leaves uncited on purpose: the one holding ``quote``, the numbers in
    ``paragraphs`` ("3-9"), or a transcript's every turn by ``speaker``."""

    quote: str | None
    prefix: str | None
    suffix: str | None
    reason: str
    loc: Loc
    paragraphs: str | None = None
    speaker: str | None = None


@dataclass(frozen=True, slots=True)
class HeardAs:
    """The source's wording (a transcription error, "Mertz") and what is meant ("Merz")."""

    heard: str
    meant: str


@dataclass(frozen=True, slots=True)
class Speaker:
    """A transcript's speaker: a label as written before the colon, and/or a time range."""

    label: str | None
    actor: EntityId | None
    start: str | None
    end: str | None


@dataclass(frozen=True, slots=True)
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
    short: str | None = None  # a short name for sentences ("Closer than ever")
    kind: str = "article"  # article | transcript
    speakers: tuple[Speaker, ...] = ()
    heard_as: tuple[HeardAs, ...] = ()
    author: str | None = None
    metadata_from: tuple[tuple[str, str], ...] = ()  # (field, where in the file its value came from)
    original: str | None = None  # the file as published, when the text was extracted from it

    @property
    def short_name(self) -> str:
        return self.short or self.title

    @property
    def metadata_known(self) -> tuple[tuple[str, str], ...]:
        """``metadata_from`` without the fields the file did not carry."""
        return tuple(pair for pair in self.metadata_from if pair[1] != "unknown")


@dataclass(frozen=True, slots=True)
class Actor:
    id: EntityId
    name: str
    kind: str
    role: str | None
    affiliation: EntityId | None
    aliases: tuple[str, ...]
    cite: tuple[EntityId, ...]
    loc: Loc
    camp: EntityId | None = None  # None: the affiliation's camp (see Book.camp_of)
    camp_loc: Loc | None = None  # where ``camp`` is written


@dataclass(frozen=True, slots=True)
class Inference:
    """An editor's note that a field's value combines or goes beyond the quoted passages."""

    field: str  # the field it explains: date, place, sequence, issues, actors, ...
    note: str


VOICES = ("speaker", "attributed", "source")
"""Whose words an annotation carries: the actor's own (quoted or reported), a view the report
ascribes to the actor without quoting them, or the report's own analysis."""


@dataclass(frozen=True, slots=True)
class StatusEntry:
    as_of: BookDate
    status: str
    text: str
    cite: tuple[EntityId, ...]
    loc: Loc
    per: tuple[EntityId, ...] = ()  # the actors on whose account the status rests
    disputed_by: tuple[EntityId, ...] = ()  # actors who contest it


@dataclass(frozen=True, slots=True)
class Issue:
    id: EntityId
    title: str
    parent: EntityId | None
    related: tuple[EntityId, ...]
    summary: Statement
    status: tuple[StatusEntry, ...]
    open_questions: tuple[Statement, ...]
    loc: Loc
    kind: str = "negotiation"  # negotiation | background (context: no status, not on the status board)


@dataclass(frozen=True, slots=True)
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
    sequence: int | None = None  # order among the day's events, as the sources give it
    inferred: tuple[Inference, ...] = ()


@dataclass(frozen=True, slots=True)
class Claim:
    id: EntityId
    title: str
    question: str
    loc: Loc


@dataclass(frozen=True, slots=True)
class Figure:
    value: str
    unit: str
    measures: str


@dataclass(frozen=True, slots=True)
class Annotation:
    id: EntityId
    source: EntityId
    kind: str
    quote: str
    prefix: str | None
    suffix: str | None
    note: str
    speaker: EntityId | None
    voice: str  # one of VOICES
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
    heard_as: tuple[HeardAs, ...] = ()  # this quote's own, besides its source's
    inferred: tuple[Inference, ...] = ()

    @property
    def actor_view(self) -> bool:
        """True when the annotation carries an actor's words or a view ascribed to the actor,
        False for the report's own analysis (even when it names whose view it reads)."""
        return self.voice != "source" and self.speaker is not None


@dataclass
class Entities:
    """Everything validated, keyed by id, in file-name order."""

    sources: dict[EntityId, Source] = field(default_factory=dict)
    actors: dict[EntityId, Actor] = field(default_factory=dict)
    issues: dict[EntityId, Issue] = field(default_factory=dict)
    events: dict[EntityId, Event] = field(default_factory=dict)
    claims: dict[EntityId, Claim] = field(default_factory=dict)
    annotations: dict[EntityId, Annotation] = field(default_factory=dict)
