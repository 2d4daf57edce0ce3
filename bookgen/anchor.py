"""Stage 3, anchor: find every citation's quote in its source text.

Matching is exact first, then on a normalised form of both texts (curly and straight quotes, the
dash family and runs of white space made equal), always reporting offsets into the *original*
text. A match must be unique; ``prefix``/``suffix`` (the W3C TextQuoteSelector idea) pick one of
several. A match may not cross a paragraph boundary.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from functools import cached_property

from bookgen import memo
from bookgen.entities import Annotation, Entities, LeftOut, Loc
from bookgen.ids import EntityId
from bookgen.load import SourceText
from bookgen.problems import Problems
from bookgen.sourcetext import Block, block_at
from bookgen.transcript import origin_position

QUOTES = {"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
          "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"'}
DASHES = set("\u2010\u2011\u2012\u2013\u2014\u2015\u2212")


def normalise(text: str) -> tuple[str, list[int]]:
    """Normalised text and, for each of its characters, the offset of its origin in ``text``.

    Quotes become straight, dashes become '-', white space runs become one space, and space
    next to a dash is dropped. Every output character maps to one input character, in order.
    """
    chars: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        if ch.isspace():
            if chars and chars[-1] in (" ", "-"):
                continue
            ch = " "
        else:
            ch = QUOTES.get(ch, "-" if ch in DASHES else ch)
            if ch == "-" and chars and chars[-1] == " ":
                chars.pop()
                origin.pop()
        chars.append(ch)
        origin.append(i)
    return "".join(chars), origin


_FOLD = str.maketrans({**QUOTES, **{d: "-" for d in DASHES}})
_SPACES = re.compile(r"\s+")
_SPACED_DASH = re.compile(r" ?- ?")


def normalised_text(text: str) -> str:
    """``normalise(text)[0]`` without the offsets, in C-speed passes (a property test holds the
    two equal): for indexing a long text once."""
    return _SPACED_DASH.sub("-", _SPACES.sub(" ", text.translate(_FOLD)))


def find_all(haystack: str, needle: str) -> list[int]:
    out, i = [], haystack.find(needle)
    while i >= 0 and needle:
        out.append(i)
        i = haystack.find(needle, i + 1)
    return out


@dataclass(frozen=True, slots=True)
class Anchor:
    """Where one annotation's quote sits in its source."""

    annotation: EntityId
    source: EntityId
    start: int
    end: int
    block: int  # paragraph number (¶)
    exact: bool


class SourceIndex:
    """A source text ready for quote look-ups (the normalised copy is made only when needed)."""

    def __init__(self, text: SourceText) -> None:
        self.source = text

    @cached_property
    def normalised(self) -> tuple[str, list[int]]:
        return normalise(self.source.text)

    def matches(self, quote: str, prefix: str | None = None, suffix: str | None = None) -> tuple[list[tuple[int, int]], bool]:
        """All (start, end) spans of ``quote`` that fit prefix/suffix, and whether they were exact."""
        text = self.source.text
        spans = [(i, i + len(quote)) for i in find_all(text, quote)]
        exact = bool(spans)
        if not spans:
            norm, origin = self.normalised
            nq = normalise(quote)[0].strip()
            spans = [(origin[i], origin[i + len(nq) - 1] + 1) for i in find_all(norm, nq)] if nq else []
        return [s for s in spans if self._fits(s, prefix, suffix)], exact

    def _fits(self, span: tuple[int, int], prefix: str | None, suffix: str | None) -> bool:
        text = self.source.text
        if prefix:
            before = normalise(text[max(0, span[0] - 3 * len(prefix) - 8): span[0]])[0]
            if not before.endswith(normalise(prefix)[0]):
                return False
        if suffix:
            after = normalise(text[span[1]: span[1] + 3 * len(suffix) + 8])[0]
            if not after.startswith(normalise(suffix)[0]):
                return False
        return True

    def across_blocks(self, quote: str) -> tuple[int, int] | None:
        """The one span where ``quote`` is found once spacing is ignored altogether and which
        crosses a block break (words on two lines, a line break where the quote has none), or None."""
        norm, origin = self.normalised
        compact = [(ch, origin[i]) for i, ch in enumerate(norm) if ch != " "]
        text = "".join(ch for ch, _ in compact)
        needle = "".join(normalise(quote)[0].split())
        found = find_all(text, needle) if needle else []
        if len(found) != 1:
            return None
        span = (compact[found[0]][1], compact[found[0] + len(needle) - 1][1] + 1)
        return span if block_at(self.source.blocks, *span) is None else None

    def position(self, offset: int) -> tuple[int, int]:
        """(line, column) in the source's file of an offset into its text."""
        read = origin_position(self.source.origin, offset)
        if read is not None:
            return read
        text = self.source.text
        line = text.count("\n", 0, offset) + 1
        return line, offset - (text.rfind("\n", 0, offset) + 1) + 1

    @cached_property
    def words(self) -> WordIndex:
        """The normalised blocks and where their words are: made once, on the first quote not
        found, so no miss normalises or scans the whole text again."""
        return WordIndex(self.source.blocks)

    def closest(self, quote: str) -> tuple[float, Block] | None:
        """The passage most like ``quote`` (score 0..1) — for 'did you mean' messages.

        Only passages sharing the quote's rarest words are scored (at most ``CANDIDATES``), and a
        long block only in windows around where those words are, so the cost of a miss does not
        grow with the size of the text (a 4.9 MB paragraph cost ~15 s per unfound quote)."""
        best: tuple[float, Block] | None = None
        nq = normalised_text(quote)
        index = self.words
        for i, start in index.candidates(nq):
            block, nb = self.source.blocks[i], index.normalised[i]
            if start is not None:  # a long block: only the stretch around the shared words
                nb = nb[max(0, start - len(nq)): start + 2 * len(nq)]
            score, window = _likeness(nq, nb)
            if best is None or score > best[0]:
                best = (score, Block(block.number, block.kind, 0, 0, window))
        return best

    def shortest_context(self, span: tuple[int, int], spans: list[tuple[int, int]]) -> tuple[str, str]:
        """The shortest (prefix, suffix) — one of them empty — that singles out ``span``."""
        text = self.source.text
        others = [s for s in spans if s != span]
        for n in range(1, 200):  # checked with _fits, the very test locate() applies to prefix/suffix
            before = text[max(0, span[0] - n): span[0]]
            if (before.strip() and self._fits(span, before, None)
                    and not any(self._fits(s, before, None) for s in others)):
                return before, ""
            after = text[span[1]: span[1] + n]
            if (after.strip() and self._fits(span, None, after)
                    and not any(self._fits(s, None, after) for s in others)):
                return "", after
        return "", ""


CANDIDATES = 16  # passages (or stretches of a long one) scored per unfound quote
LONG_BLOCK = 4096  # characters; a longer block is scored only around the quote's words
POSTINGS = 64  # places kept per word (the rarest words of a quote are the telling ones)
RAREST = 8  # words of a quote looked up
_WORD = re.compile(r"\w+")


def _likeness(nq: str, nb: str) -> tuple[float, str]:
    """How alike the normalised quote and passage are (0..1), and the passage's best window."""
    sm = difflib.SequenceMatcher(None, nq, nb, autojunk=False)
    m = sm.find_longest_match(0, len(nq), 0, len(nb))
    lo = max(0, m.b - m.a)
    window = nb[lo: lo + len(nq)]
    return difflib.SequenceMatcher(None, nq, window, autojunk=False).ratio(), window


class WordIndex:
    """A source's blocks normalised once, and for each word (lower case) how often it occurs and
    its first ``POSTINGS`` places (block, offset in the normalised block)."""

    def __init__(self, blocks: tuple[Block, ...]) -> None:
        self.normalised = [normalised_text(b.text) for b in blocks]
        self.count: dict[str, int] = {}
        self.places: dict[str, list[tuple[int, int]]] = {}
        for i, nb in enumerate(self.normalised):
            for m in _WORD.finditer(nb.lower()):
                w = m.group()
                n = self.count.get(w, 0)
                self.count[w] = n + 1
                if n < POSTINGS:
                    self.places.setdefault(w, []).append((i, m.start()))

    def candidates(self, nq: str) -> list[tuple[int, int | None]]:
        """Blocks to score for the normalised quote ``nq``, in text order: (block index, None) to
        score the whole block, or (block index, where the quote would start) in a long block.
        Blocks sharing the most of the quote's rarest words come first; with none shared, the
        first blocks."""
        first: dict[str, int] = {}
        for m in _WORD.finditer(nq.lower()):
            first.setdefault(m.group(), m.start())
        known = sorted((w for w in first if w in self.count), key=lambda w: (self.count[w], w))[:RAREST]
        votes: dict[tuple[int, int | None], int] = {}
        for w in known:
            for i, offset in self.places[w]:
                key = (i, None) if len(self.normalised[i]) <= LONG_BLOCK else (i, max(0, offset - first[w]))
                votes[key] = votes.get(key, 0) + 1
        if not votes:
            return [(i, None if len(nb) <= LONG_BLOCK else 0) for i, nb in enumerate(self.normalised[:CANDIDATES])]
        top = sorted(votes, key=lambda k: (-votes[k], k[0], k[1] or 0))[:CANDIDATES]
        return sorted(top, key=lambda k: (k[0], k[1] or 0))


def _excerpt(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def locate(index: SourceIndex, quote: str, prefix: str | None, suffix: str | None, loc: Loc,
           problems: Problems, what: str) -> tuple[int, int, Block, bool] | None:
    """Find one passage or report why not (not found, ambiguous, crossing paragraphs)."""
    src = index.source
    spans, exact = index.matches(quote, prefix, suffix)
    if not spans:
        across = index.across_blocks(quote)
        if across is not None:
            _across_paragraphs(index, across, loc, problems, what)
            return None
        near = index.closest(quote)
        hint = (f"; closest passage (¶{near[1].number}, {near[0]:.0%}): \"{_excerpt(near[1].text)}\""
                if near else "")
        problems.error(loc.path, loc.line, loc.col, f"{what} not found in source '{src.id}'{hint}",
                       "quote-not-found")
        return None
    if len(spans) > 1:
        where = ", ".join(f"{src.path}:{index.position(s[0])[0]}:{index.position(s[0])[1]}" for s in spans[:5])
        pre, suf = index.shortest_context(spans[0], spans)
        fix = f"add prefix: \"{pre}\"" if pre else f"add suffix: \"{suf}\"" if suf else "quote fewer or other words"
        problems.error(loc.path, loc.line, loc.col, f"{what} occurs {len(spans)} times in source "
                       f"'{src.id}' (at {where}); {fix} (for the first) or quote more words",
                       "quote-ambiguous")
        return None
    start, end = spans[0]
    block = block_at(src.blocks, start, end)
    if block is None:
        _across_paragraphs(index, spans[0], loc, problems, what)
        return None
    return start, end, block, exact


def _across_paragraphs(index: SourceIndex, span: tuple[int, int], loc: Loc, problems: Problems, what: str) -> None:
    """Report a quote that is in the text but crosses a paragraph (or line) break."""
    src = index.source
    first = next((b for b in src.blocks if b.end > span[0]), None)
    last = next((b for b in reversed(src.blocks) if b.start < span[1]), None)
    paras = f"¶{first.number} and ¶{last.number}" if first and last else "two paragraphs"
    line_a, line_b = index.position(span[0])[0], index.position(span[1])[0]
    lines = f"lines {line_a}–{line_b}" if line_b != line_a else f"line {line_a}"
    problems.error(loc.path, loc.line, loc.col, f"{what} is in source '{src.id}' but runs across the break "
                   f"between {paras} ({src.path} {lines}); a quote must lie within one paragraph: quote "
                   "the words on one side of the break, or split it into two annotations",
                   "quote-across-paragraphs")


# (source text's sha256, quote, prefix, suffix) -> where it was found, when found without any
# problem. A long process (serve) anchors the book again after every edit; only quotes that are new
# or whose source text changed are looked up again (the block comes from that very text).
_FOUND: dict[tuple[str, str, str | None, str | None], tuple[int, int, Block, bool]] = {}
_FOUND_LIMIT = 1 << 18


def _locate(index: SourceIndex, quote: str, prefix: str | None, suffix: str | None, loc: Loc,
            problems: Problems, what: str) -> tuple[int, int, Block, bool] | None:
    """:func:`locate`, remembered in a long process (:mod:`bookgen.memo`)."""
    if not memo.ENABLED:
        return locate(index, quote, prefix, suffix, loc, problems, what)
    key = (index.source.sha256, quote, prefix, suffix)
    found = _FOUND.get(key)
    if found is not None:
        return found
    before = len(problems.items)
    found = locate(index, quote, prefix, suffix, loc, problems, what)
    if found is not None and len(problems.items) == before:
        if len(_FOUND) >= _FOUND_LIMIT:
            _FOUND.clear()
        _FOUND[key] = found
    return found


@dataclass(frozen=True)
class Anchoring:
    anchors: dict[EntityId, Anchor]
    left_out: dict[EntityId, dict[int, str]]  # source -> paragraph number -> reason
    turn_speakers: dict[EntityId, EntityId] = field(default_factory=dict)  # annotation -> its turn's actor


def _turn_speaker(ann: Annotation, block: Block | None, transcript: bool, turn_speakers: dict[EntityId, EntityId],
                  problems: Problems) -> None:
    """An annotation quoting a transcript turn speaks with the turn's actor unless it names its own
    speaker; a statement or position with neither is reported."""
    if ann.speaker:
        return
    actor = block.turn.actor if block is not None and block.turn is not None else None
    if actor:
        turn_speakers[ann.id] = EntityId(actor)
    elif ann.kind in ("statement", "position") and (block is not None or not transcript):
        hint = (" (the transcript turn it quotes names no actor: map its label under the source's `speakers`)"
                if transcript else "")
        problems.error(ann.loc.path, ann.loc.line, ann.loc.col, f"annotation '{ann.id}' is a {ann.kind} and needs "
                       f"a speaker: add `speaker:` with an actor id{hint}", "missing-speaker")


def _left_out_block(item: LeftOut, text: SourceText, problems: Problems) -> list[int]:
    """The paragraph numbers a range or speaker ``left_out`` entry covers; reported if none."""
    loc = item.loc
    if item.paragraphs is not None:
        first, _, last = item.paragraphs.partition("-")
        a, b = int(first), int(last or first)
        if 1 <= a <= b <= len(text.blocks):
            return list(range(a, b + 1))
        problems.error(loc.path, loc.line, loc.col, f"paragraphs {item.paragraphs}: source '{text.id}' has "
                       f"paragraphs 1-{len(text.blocks)}; give a range within them, first number first",
                       "left-out-range")
        return []
    found = [b.number for b in text.blocks if b.turn is not None and item.speaker in (b.turn.speaker, b.turn.actor)]
    if not found:
        speakers = sorted({b.turn.speaker or "" for b in text.blocks if b.turn is not None and b.turn.speaker})
        problems.error(loc.path, loc.line, loc.col, f"no turn of speaker '{item.speaker}' in source '{text.id}'"
                       f"{'; its speakers: ' + ', '.join(speakers) if speakers else ''}", "left-out-not-found")
    return found


def anchor(entities: Entities, texts: dict[EntityId, SourceText], problems: Problems) -> Anchoring:
    """Anchor every annotation and every left-out passage; report accounting gaps as warnings."""
    indexes = {sid: SourceIndex(t) for sid, t in texts.items()}
    anchors: dict[EntityId, Anchor] = {}
    turn_speakers: dict[EntityId, EntityId] = {}
    for ann in entities.annotations.values():
        index = indexes.get(ann.source)
        source = entities.sources.get(ann.source)
        transcript = source is not None and source.kind == "transcript"
        if index is None:
            _turn_speaker(ann, None, transcript, turn_speakers, problems)
            continue
        found = _locate(index, ann.quote, ann.prefix, ann.suffix, ann.quote_loc, problems,
                        f"quote of annotation '{ann.id}'")
        if found:
            start, end, block, exact = found
            anchors[ann.id] = Anchor(ann.id, ann.source, start, end, block.number, exact)
        _turn_speaker(ann, found[2] if found else None, transcript, turn_speakers, problems)
    left_out: dict[EntityId, dict[int, str]] = {}
    for sid, source in entities.sources.items():
        index = indexes.get(sid)
        if index is None:
            continue
        left = left_out.setdefault(sid, {})
        for item in source.left_out:
            if item.quote is None:
                for n in _left_out_block(item, index.source, problems):
                    left.setdefault(n, item.reason)
                continue
            found = _locate(index, item.quote, item.prefix, item.suffix, item.loc, problems, "left-out passage")
            if found:
                left[found[2].number] = item.reason
    return Anchoring(anchors, left_out, turn_speakers)
