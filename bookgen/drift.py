"""Source drift: what happened to each citation when a source's text changed since it was pinned.

A source YAML pins its text by ``sha256``. ``bookgen pin`` (and ``bookgen new source``) also keep a
copy of the pinned text in ``pins/<source-id>.txt``, so that when the file under ``seeds/`` changes,
every citation into it (annotations and ``left_out`` passages) can be classified:

- **unchanged** – the quote is still found, in the same paragraph (¶) as before;
- **moved** – the quote is found exactly, but in another paragraph;
- **changed** – the quote is found only approximately (the score and the new wording are shown);
- **lost** – nothing close enough is left.

Changed and lost are errors; moved is a warning; the source itself gets a ``source-changed``
warning until an editor accepts the new text with ``bookgen pin``. Without a pinned copy (or with
one that does not match the pinned sha256) moves cannot be told apart, so found quotes count as
unchanged.
"""

from __future__ import annotations

import difflib
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from bookgen.anchor import SourceIndex
from bookgen.entities import Entities, Loc
from bookgen.ids import EntityId
from bookgen.load import MAX_SOURCE_BYTES, LoadedContent, SourceText
from bookgen.problems import Problems
from bookgen.safepaths import is_inside
from bookgen.sourcetext import block_at
from bookgen.transcript import split_source
from bookgen.yamlstrict import decode_text

PINS_DIR = "pins"
CHANGED_MIN_SCORE = 0.7  # below this, the closest passage is not the same words edited: lost
State = Literal["unchanged", "moved", "changed", "lost"]


def pin_path(root: Path, source_id: str) -> Path:
    return root / PINS_DIR / f"{source_id}.txt"


@dataclass(frozen=True)
class Citation:
    what: str  # "quote of annotation 'x'" or "left-out passage"
    quote: str
    prefix: str | None
    suffix: str | None
    loc: Loc


@dataclass(frozen=True)
class Drift:
    citation: Citation
    state: State
    old_block: int | None = None
    new_block: int | None = None
    score: float | None = None
    new_text: str | None = None
    pinned: bool = True  # whether a pinned copy was there to compare with


def pinned_text(root: Path, source_id: EntityId, sha256: str, shown_path: str, data: Any = None) -> SourceText | None:
    """The pinned copy of a source's text, if there is one and it is the pinned version, read as
    the source YAML ``data`` says (an article, or a transcript)."""
    path = pin_path(root, source_id)
    if not path.is_file() or path.is_symlink() or not is_inside(root, path):  # pins/ itself may be a link
        return None
    if path.stat().st_size > MAX_SOURCE_BYTES:  # cannot be the copy of a text bookgen accepted
        return None
    raw = path.read_bytes()
    if hashlib.sha256(raw).hexdigest() != sha256:
        return None
    text = decode_text(raw, shown_path, Problems(), "pinned copy")
    if text is None:
        return None
    split = split_source(text, data)
    return SourceText(source_id, shown_path, split.text, sha256, split.blocks, split.origin)


def _unique_block(index: SourceIndex, c: Citation) -> int | None | Literal[False]:
    """¶ of the citation's single match, None if not found, False if found several times."""
    spans, _ = index.matches(c.quote, c.prefix, c.suffix)
    if not spans:
        return None
    if len(spans) > 1:
        return False
    block = block_at(index.source.blocks, *spans[0])
    return block.number if block else False


def classify(old: SourceText | None, new: SourceText, citations: list[Citation]) -> list[Drift]:
    """Classify each citation into ``new`` against the pinned text ``old`` (if known)."""
    old_index = SourceIndex(old) if old is not None else None
    new_index = SourceIndex(new)
    out: list[Drift] = []
    for c in citations:
        before = _unique_block(old_index, c) if old_index is not None else None
        before = before or None
        now = _unique_block(new_index, c)
        if now is False:
            continue  # several matches: the anchor stage reports the ambiguity
        if now is not None:
            moved = before is not None and before != now
            out.append(Drift(c, "moved" if moved else "unchanged", before, now, pinned=old is not None))
            continue
        near = new_index.closest(c.quote)
        if near is not None and near[0] >= CHANGED_MIN_SCORE:
            block = new.blocks[near[1].number - 1]
            out.append(Drift(c, "changed", before, block.number, near[0], new_wording(c.quote, block.text),
                             pinned=old is not None))
        else:
            out.append(Drift(c, "lost", before, pinned=old is not None))
    return out


def new_wording(quote: str, paragraph: str) -> str:
    """The stretch of ``paragraph`` that matches ``quote`` best, widened to whole words."""
    sm = difflib.SequenceMatcher(None, quote, paragraph, autojunk=False)
    parts = [m for m in sm.get_matching_blocks() if m.size >= 3] or [m for m in sm.get_matching_blocks() if m.size]
    if not parts:
        return paragraph
    start, end = parts[0].b, parts[-1].b + parts[-1].size
    while start > 0 and not paragraph[start - 1].isspace():
        start -= 1
    while end < len(paragraph) and not paragraph[end].isspace():
        end += 1
    return paragraph[start:end]


def _excerpt(text: str, limit: int = 100) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def citations_of(entities: Entities, source_id: EntityId) -> list[Citation]:
    """Every citation into a source: its annotations, then its left-out passages."""
    out = [Citation(f"quote of annotation '{a.id}'", a.quote, a.prefix, a.suffix, a.quote_loc)
           for a in entities.annotations.values() if a.source == source_id]
    source = entities.sources[source_id]
    out += [Citation("left-out passage", x.quote, x.prefix, x.suffix, x.loc) for x in source.left_out
            if x.quote is not None]
    return out


def report_drift(loaded: LoadedContent, entities: Entities, problems: Problems) -> None:
    """Add a drift report for every source whose text no longer matches its pin.

    Changed and lost citations replace the anchor stage's plain "not found" errors at the same place.
    """
    superseded: set[tuple[str, int, int]] = set()
    for sid, source in sorted(entities.sources.items()):
        new = loaded.texts.get(sid)
        if new is None or new.sha256 == source.sha256:
            continue
        doc = loaded.docs["sources"].get(sid)
        old = pinned_text(loaded.root, sid, source.sha256, new.path, doc.data if doc else None)
        drifts = classify(old, new, citations_of(entities, sid))
        counts = {s: sum(d.state == s for d in drifts) for s in ("unchanged", "moved", "changed", "lost")}
        line, col = loaded.docs["sources"][sid].mark(("sha256",))
        summary = ", ".join(f"{n} {s}" for s, n in counts.items())
        caveat = "" if old is not None else (f" (no pinned copy {PINS_DIR}/{sid}.txt of the pinned text, "
                                              "so moved passages count as unchanged)")
        problems.warning(source.loc.path, line, col,
                         f"source text '{source.file}' changed since it was pinned (sha256 is now "
                         f"{new.sha256}); citations: {summary}{caveat}; review them, then run "
                         f"`bookgen pin {sid}`", "source-changed")
        for d in drifts:
            _report_one(d, sid, problems, superseded)
    if superseded:
        problems.items[:] = [p for p in problems.items if not (
            p.code == "quote-not-found" and (p.path, p.line, p.col) in superseded)]


def _report_one(d: Drift, sid: str, problems: Problems, superseded: set[tuple[str, int, int]]) -> None:
    c, loc = d.citation, d.citation.loc
    if d.old_block is not None:
        was = f"was ¶{d.old_block}; "
    else:
        was = "not in the pinned copy; " if d.pinned else ""
    if d.state == "moved":
        problems.warning(loc.path, loc.line, loc.col, f"{c.what} moved in source '{sid}' from "
                         f"¶{d.old_block} to ¶{d.new_block}, words unchanged", "citation-moved")
    elif d.state == "changed":
        superseded.add((loc.path, loc.line, loc.col))
        problems.error(loc.path, loc.line, loc.col, f"{c.what} changed in source '{sid}' ({was}now "
                       f"¶{d.new_block}, {d.score:.0%} alike); the text now reads: \"{_excerpt(d.new_text or '')}\"; "
                       "update the quote", "citation-changed")
    elif d.state == "lost":
        superseded.add((loc.path, loc.line, loc.col))
        problems.error(loc.path, loc.line, loc.col, f"{c.what} is no longer in source '{sid}'"
                       f"{' (' + was.rstrip('; ') + ')' if was else ''}; remove the citation or quote other words", "citation-lost")
