"""Warnings where an annotation's wording and its ``voice`` disagree in ways a program can see.

Two heuristics, run by ``bookgen check`` on a built Book (see CONTENT.md, "Voice", for what they
catch, what they miss, and how often they were wrong on the seed book):

* ``voice-third-person`` — a ``voice: speaker`` annotation whose quote names its own speaker (a
  name or alias of that actor) while the quote's sentence has no verb of saying: the report is
  describing the actor ("Putin's position reflects…"), not reporting their words.
* ``voice-no-saying`` — a ``position`` in ``voice: speaker`` whose quote has no quotation marks
  and whose sentence has no verb of saying: a view the report ascribes, not one it reports.

Both read only the quote's sentence in the source text, so they are cheap, and both can be wrong:
a verb of saying outside the list, or a sentence that reports speech without one, is missed or
flagged. They are warnings, for an editor to look at, never errors.
"""

from __future__ import annotations

import re

from bookgen.entities import Annotation
from bookgen.links import trie_pattern
from bookgen.model import Book
from bookgen.problems import Problems

SAYING = (
    "accused accuses according acknowledged acknowledges added adds announced announces argued argues arguing "
    "asked asks called calling characterised characterized cited cites citing claimed "
    "confirmed confirms declared declares demanded demanding described describes describing echoed "
    "emphasised emphasising emphasized emphasizing emphasises emphasizes expressed expresses floated framed "
    "frames framing highlighted highlights identified indicated indicates insisted insisting insists noted "
    "notes noting pledged pledges pointed promised proposed proposes proposing referred refers reiterated "
    "reiterates reiterating reported revealed reveals said say saying says signaled signaling signalled "
    "signalling stated stating stressed stresses stressing suggested suggests told tells "
    "urged urges urging vowed warned warns"
).split()
"""Verbs (and 'according' of 'according to') that report speech: a sentence with one of them
reports what someone said, so a quote in it can be that person's words."""

_SAYING = re.compile(r"(?<![\w’'])(?:" + "|".join(SAYING) + r")(?![\w’'])", re.IGNORECASE)
_QUOTE_MARKS = re.compile("[\"“”„«»]")
_SENTENCE_END = re.compile(r"[.!?](?=\s)|\n")


def sentence(book: Book, a: Annotation) -> str:
    """The sentence (within its paragraph) that holds the annotation's quote."""
    anchor = book.anchors[a.id]
    block = book.passage_of(a.id)
    text = book.texts[a.source].text
    start = block.start
    for m in _SENTENCE_END.finditer(text, block.start, anchor.start):
        start = m.end()
    end_match = _SENTENCE_END.search(text, anchor.end, block.end)
    end = end_match.end() if end_match else block.end
    return text[start:end].strip()


def check_voices(book: Book, problems: Problems) -> None:
    """Add a warning for every annotation a heuristic above flags."""
    names: dict[str, re.Pattern[str]] = {}
    for a in book.annotations.values():
        if a.voice != "speaker" or a.speaker is None or a.speaker not in book.actors:
            continue
        actor = book.actors[a.speaker]
        pattern = names.get(actor.id)
        if pattern is None:
            words = [n for n in (actor.name, *actor.aliases) if n.strip()]
            pattern = names[actor.id] = re.compile(r"(?<!\w)(" + trie_pattern(words) + r")(?!\w)")
        quote = book.texts[a.source].text[book.anchors[a.id].start: book.anchors[a.id].end]
        said = _SAYING.search(sentence(book, a)) is not None
        if said:
            continue
        loc = a.quote_loc
        named = pattern.search(quote)
        if named:
            problems.warning(loc.path, loc.line, loc.col,
                             f"annotation '{a.id}' is in voice: speaker, but its quote names {actor.name} "
                             f"(\"{named.group(1)}\") and its sentence has no verb of saying, so the report "
                             f"seems to describe {actor.name} rather than give their words; set voice: "
                             "attributed (a view the report ascribes) or voice: source (the report's own "
                             "analysis), or keep speaker if these are their words", "voice-third-person")
        elif a.kind == "position" and not _QUOTE_MARKS.search(quote):
            problems.warning(loc.path, loc.line, loc.col,
                             f"position '{a.id}' is in voice: speaker, but its quote has no quotation marks "
                             f"and its sentence no verb of saying; if the report ascribes this view to "
                             f"{actor.name} without reporting their words, set voice: attributed",
                             "voice-no-saying")
