"""The transcript reader: a spoken source (``kind: transcript``) as speaker turns.

A transcript file is kept as written (speech-to-text output, a press office's transcript) and read
into paragraphs here, the way :func:`bookgen.sourcetext.parse_blocks` reads an article:

- A timestamp at the start of a line (``00:22``, ``1:02:03``, ``[00:01:22]``, alone on its line or
  glued to the words after it) is taken out of the text and kept as the paragraph's time
  (shown on the source page, linkable as ``#t-00-22``).
- ``SPEAKER:`` at the start of a line (after any timestamp) starts a new turn: a label of up to
  five words in capitals (``TRUMP:``, ``Q:``), or any label the source YAML lists under
  ``speakers`` (``President Trump:``). A ``speakers`` entry with ``from`` (and an
  optional ``to``) names who speaks in that time range, for transcripts without labels.
- Lines wrapped inside a turn are joined with one space, so a sentence broken over lines (or over
  timestamps) reads, and can be quoted, as one. A blank line also ends a paragraph.
- Nothing becomes a heading, except a line the editor marks with ``# ``.

The text the book cites is the joined one; every block keeps the file line and column it came
from (:attr:`SplitText.origin`), so messages point into the file as written.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import AbstractSet, Any

from bookgen.sourcetext import Block, Turn, parse_blocks

_TIME = re.compile(r"\[?((?:\d{1,2}:)?\d{1,2}:\d{2})\]?\s*[-–—]?\s*")
_CAPS_LABEL = re.compile(r"([A-Z\u00c0-\u00de][A-Z\u00c0-\u00de.'’-]*(?: [A-Z\u00c0-\u00de.'’-]+){0,4}):(?:\s+|$)")
_HEADING = re.compile(r"#\s+(.+)")


@dataclass(frozen=True)
class SpeakerRule:
    """One ``speakers`` entry of a transcript source: a label as written, and/or a time range."""

    label: str | None
    actor: str | None
    start: int | None  # seconds
    end: int | None


@dataclass(frozen=True)
class SplitText:
    """A source's text as cited (for a transcript: turns joined, timestamps out) and its blocks.
    ``origin`` maps offsets back to the file: (offset in ``text``, line, column) at each piece's
    start, in order; empty when the text is the file's own."""

    text: str
    blocks: tuple[Block, ...]
    origin: tuple[tuple[int, int, int], ...] = ()

    def position(self, offset: int) -> tuple[int, int] | None:
        return origin_position(self.origin, offset)


def origin_position(origin: tuple[tuple[int, int, int], ...], offset: int) -> tuple[int, int] | None:
    """The file's (line, column) of an offset into a read text, or None for an article's own text."""
    if not origin:
        return None
    i = max(0, bisect.bisect_right(origin, (offset, 1 << 62, 0)) - 1)
    start, line, col = origin[i]
    return line, col + offset - start


def seconds(time: str) -> int:
    """``"01:22"`` -> 82, ``"1:02:03"`` -> 3723."""
    total = 0
    for part in time.split(":"):
        total = total * 60 + int(part)
    return total


def time_anchor(time: str) -> str:
    """The page anchor of a time: ``00:22`` -> ``t-00-22``."""
    return "t-" + "-".join(part.zfill(2) for part in time.split(":"))


def rules_of(data: Any) -> tuple[SpeakerRule, ...] | None:
    """A source YAML's transcript settings, read leniently (the schema check reports mistakes);
    None when the source is not a transcript."""
    if not isinstance(data, dict) or data.get("kind") != "transcript":
        return None
    rules = []
    for item in data.get("speakers") or []:
        if not isinstance(item, dict):
            continue
        label, actor = item.get("label"), item.get("actor")
        start = end = None
        try:
            start = seconds(item["from"]) if isinstance(item.get("from"), str) else None
            end = seconds(item["to"]) if isinstance(item.get("to"), str) else None
        except ValueError:
            continue
        rules.append(SpeakerRule(label if isinstance(label, str) else None,
                                 actor if isinstance(actor, str) else None, start, end))
    return tuple(rules)


def split_source(text: str, data: Any, headings: AbstractSet[str] = frozenset()) -> SplitText:
    """Blocks of a source text: a transcript's turns when its YAML says ``kind: transcript``,
    else the article reading of :func:`bookgen.sourcetext.parse_blocks` (``headings``: the lines
    the source YAML lists as headings)."""
    rules = rules_of(data)
    if rules is None:
        return SplitText(text, parse_blocks(text, headings))
    return read_transcript(text, rules)


class _Builder:
    """Collects paragraphs: pieces of lines with their file positions, and each one's turn."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.blocks: list[Block] = []
        self.origin: list[tuple[int, int, int]] = []
        self.offset = 0
        self.open: list[tuple[str, int, int]] = []  # pieces of the paragraph under way
        self.turn: Turn | None = None

    def add(self, piece: str, line: int, col: int) -> None:
        self.open.append((piece, line, col))

    def close(self, kind: str = "paragraph") -> None:
        if not self.open:
            return
        if self.parts:
            self.offset += 1  # the "\n" between paragraphs
        start = self.offset
        for n, (piece, line, col) in enumerate(self.open):
            if n:
                self.offset += 1  # the space joining wrapped lines
            self.origin.append((self.offset, line, col))
            self.offset += len(piece)
        joined = " ".join(piece for piece, _, _ in self.open)
        self.parts.append(joined)
        self.blocks.append(Block(len(self.blocks) + 1, kind, start, self.offset, joined,  # type: ignore[arg-type]
                                 turn=self.turn if kind == "paragraph" else None))
        self.open = []


def _speaker_at(rules: tuple[SpeakerRule, ...], time: str | None) -> SpeakerRule | None:
    if time is None:
        return None
    at = seconds(time)
    found = None
    for rule in rules:
        if rule.start is not None and rule.start <= at and (rule.end is None or at < rule.end):
            found = rule  # the last matching entry wins
    return found


def _label(rest: str, labels: dict[str, SpeakerRule]) -> tuple[str, int] | None:
    """The speaker label a line starts with, and where its words start; None if it has none."""
    for label in labels:
        after = rest[len(label) + 1:]
        if rest.startswith(label + ":") and (not after or after[0].isspace()):
            return label, len(rest) - len(after.lstrip())
    m = _CAPS_LABEL.match(rest)
    return (m.group(1), m.end()) if m else None


def read_transcript(text: str, rules: tuple[SpeakerRule, ...]) -> SplitText:
    """Read a transcript into turns (see the module's description)."""
    labels = {r.label: r for r in rules if r.label is not None and r.start is None}
    b = _Builder()
    speaker: str | None = None
    actor: str | None = None
    ranged: SpeakerRule | None = None
    time: str | None = None  # a timestamp with no words after it yet: the next paragraph's time
    anchors: set[str] = set()
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.rstrip()
        col = len(line) - len(line.lstrip()) + 1
        rest = line.strip()
        if not rest:
            b.close()
            continue
        stamp = _TIME.match(rest)
        if stamp:
            time = stamp.group(1)
            col += stamp.end()
            rest = rest[stamp.end():]
            now = _speaker_at(rules, time)
            if now is not None and now is not ranged:  # the time map says someone else speaks
                b.close()
                ranged, speaker, actor = now, now.label, now.actor
        if not rest:
            continue
        heading = _HEADING.fullmatch(rest)
        if heading:
            b.close()
            b.add(heading.group(1), number, col + heading.start(1))
            b.close("heading")
            continue
        label = _label(rest, labels)
        if label is not None:
            b.close()
            rule = labels.get(label[0])
            speaker, actor = label[0], rule.actor if rule else None
            col += label[1]
            rest = rest[label[1]:]
            if not rest:
                continue
        if not b.open:
            anchor = time_anchor(time) if time else None
            if anchor in anchors:
                anchor = None  # the same time twice: the first paragraph keeps the link
            anchors.add(anchor or "")
            b.turn = Turn(speaker, actor, time, anchor) if (speaker or actor or time) else None
        time = None
        b.add(rest, number, col)
    b.close()
    return SplitText("\n".join(b.parts), tuple(b.blocks), tuple(b.origin))
