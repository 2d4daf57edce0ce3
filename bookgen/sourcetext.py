"""Source articles as text blocks: headings, paragraphs and pipe-table rows.

A seed file is plain text, one block per non-empty line. A line starting with ``|`` is a table row
(consecutive rows form a table; the first row is its header). A line the source's YAML lists
under ``headings:`` (its exact text) is a heading; nothing else is, so the text cannot make
headings an editor did not review (every short line of a text was a heading once, and a
100,000-line text of ``x`` made the site's search quadratic). Everything else is a paragraph.
Blocks keep their character offsets into the text, so a quote found in the text maps to exactly
one block. :func:`looks_like_heading` (short, not ending like a sentence) only proposes headings
for ``bookgen new source``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import AbstractSet, Literal

BlockKind = Literal["heading", "paragraph", "row"]

HEADING_MAX_CHARS = 90
SENTENCE_ENDINGS = (".", "!", "?", ":", '"', "\u201d", ";", ",")


@dataclass(frozen=True, slots=True)
class Cell:
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Turn:
    """Who speaks in a transcript paragraph, and when (see :mod:`bookgen.transcript`)."""

    speaker: str | None  # the label as written in the transcript (or in its speaker map)
    actor: str | None  # the actor id it stands for, if the source says
    time: str | None  # the timestamp the paragraph starts at, as written ("00:22")
    anchor: str | None  # the time's page anchor ("t-00-22"), unless an earlier paragraph has it


@dataclass(frozen=True, slots=True)
class Block:
    """One passage of a source. ``number`` is its paragraph number (¶) within the source."""

    number: int
    kind: BlockKind
    start: int
    end: int
    text: str
    table: int | None = None
    header: bool = False
    cells: tuple[Cell, ...] = ()
    turn: Turn | None = None  # transcripts only

    @property
    def anchor(self) -> str:
        return f"p{self.number}"

    @property
    def accountable(self) -> bool:
        """Paragraphs and table body rows must be cited or deliberately left out."""
        return self.kind == "paragraph" or (self.kind == "row" and not self.header)


def split_cells(line: str, offset: int) -> tuple[Cell, ...]:
    cells: list[Cell] = []
    bars = [i for i, ch in enumerate(line) if ch == "|"]
    if not line.rstrip().endswith("|"):
        bars.append(len(line))
    for a, b in zip(bars, bars[1:]):
        raw = line[a + 1 : b]
        lead = len(raw) - len(raw.lstrip())
        text = raw.strip()
        cells.append(Cell(offset + a + 1 + lead, offset + a + 1 + lead + len(text), text))
    return tuple(cells)


def looks_like_heading(line: str) -> bool:
    """A line an editor probably wants as a heading (short, not ending like a sentence): proposed
    by ``bookgen new source``, never taken as one without being listed."""
    return len(line) <= HEADING_MAX_CHARS and not line.endswith(SENTENCE_ENDINGS)


def text_lines(text: str) -> list[str]:
    """The stripped non-empty lines that are not table rows: those that can be headings."""
    return [s for s in (line.strip() for line in text.split("\n")) if s and not s.startswith("|")]


def parse_blocks(text: str, headings: AbstractSet[str] = frozenset()) -> tuple[Block, ...]:
    """Split a source text into blocks with their offsets; lines in ``headings`` are headings."""
    blocks: list[Block] = []
    offset = 0
    table = 0
    in_table = False
    for raw_line in text.split("\n"):
        line = raw_line.rstrip()
        lead = len(line) - len(line.lstrip())
        stripped = line.strip()
        start = offset + lead
        offset += len(raw_line) + 1
        if not stripped:
            in_table = False
            continue
        number = len(blocks) + 1
        if stripped.startswith("|"):
            header = not in_table
            if header:
                table += 1
            in_table = True
            blocks.append(Block(number, "row", start, start + len(stripped), stripped, table, header,
                                split_cells(stripped, start)))
            continue
        in_table = False
        kind: BlockKind = "heading" if stripped in headings else "paragraph"
        blocks.append(Block(number, kind, start, start + len(stripped), stripped))
    return tuple(blocks)


def block_at(blocks: tuple[Block, ...], start: int, end: int) -> Block | None:
    """The block holding the span [start, end), or None if the span crosses blocks."""
    lo, hi = 0, len(blocks)
    while lo < hi:
        mid = (lo + hi) // 2
        if blocks[mid].end <= start:
            lo = mid + 1
        else:
            hi = mid
    if lo < len(blocks) and blocks[lo].start <= start and end <= blocks[lo].end:
        return blocks[lo]
    return None
