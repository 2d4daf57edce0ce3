"""Warnings where an annotation's wording and its ``voice`` disagree in ways a program can see.

Two heuristics, run by ``bookgen check`` on a built Book (see CONTENT.md, "Voice", for what they
catch, what they miss, and how often they were wrong on the seed book):

* ``voice-third-person`` — a ``voice: speaker`` annotation whose quote names its own speaker (a
  name or alias of that actor) with no verb of saying in the quote or just before it (within its
  sentence, :data:`REACH` characters): the report is describing the actor ("Putin's position
  reflects…"), not reporting their words.
* ``voice-no-saying`` — a ``position`` in ``voice: speaker`` whose quote has no quotation marks
  and no verb of saying in or just before it: a view the report ascribes, not one it reports.

Both read only the quote and the words before it, so they are cheap, and both can be wrong: a
verb of saying outside the list, or one further back, is missed or flagged. They are warnings,
for an editor to look at, never errors.
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
    "notes noting pledged pledges pointed promised proposed proposes proposing reaffirmed reaffirming reaffirms "
    "referred refers reiterated "
    "reiterates reiterating reported revealed reveals said say saying says signaled signaling signalled "
    "signalling stated stating stressed stresses stressing suggested suggests told tells "
    "urged urges urging vowed warned warns"
).split()
"""Verbs (and 'according' of 'according to') that report speech: a quote one of them leads up to
can be the words of the actor who said it."""

_SAYING = re.compile(r"(?<![\w’'])(?:" + "|".join(SAYING) + r")(?![\w’'])", re.IGNORECASE)
_QUOTE_MARKS = re.compile("[\"“”„«»]")
_SENTENCE_END = re.compile(r"[.!?](?=\s)|\n")


def sentence(book: Book, a: Annotation) -> str:
    """The sentence (within its paragraph) that holds the annotation's quote."""
    start, end = _sentence_span(book, a)
    return book.texts[a.source].text[start:end].strip()


def lead_up(book: Book, a: Annotation) -> str:
    """The quote with what comes before it in its sentence, at most :data:`REACH` characters: where
    a verb of saying that governs the quote stands (a verb further back, or after the quote,
    usually belongs to another clause: "Kyiv insists on …, while Moscow continues to press for …")."""
    start, _ = _sentence_span(book, a)
    anchor = book.anchors[a.id]
    return book.texts[a.source].text[max(start, anchor.start - REACH): anchor.end]


REACH = 80


def _sentence_span(book: Book, a: Annotation) -> tuple[int, int]:
    anchor = book.anchors[a.id]
    block = book.passage_of(a.id)
    text = book.texts[a.source].text
    start = block.start
    for m in _SENTENCE_END.finditer(text, block.start, anchor.start):
        start = m.end()
    end_match = _SENTENCE_END.search(text, max(anchor.start, anchor.end - 1), block.end)
    return start, (end_match.end() if end_match else block.end)


def check_voices(book: Book, problems: Problems) -> None:
    """Add a warning for every annotation a heuristic above flags."""
    names: dict[str, re.Pattern[str]] = {}
    for a in book.annotations.values():
        if a.voice != "speaker" or a.speaker is None or a.speaker not in book.actors \
                or book.passage_of(a.id).turn is not None:  # a transcript turn is speech as such
            continue
        actor = book.actors[a.speaker]
        pattern = names.get(actor.id)
        if pattern is None:
            words = [n for n in (actor.name, *actor.aliases) if n.strip()]
            pattern = names[actor.id] = re.compile(r"(?<!\w)(" + trie_pattern(words) + r")(?!\w)")
        quote = book.texts[a.source].text[book.anchors[a.id].start: book.anchors[a.id].end]
        said = _SAYING.search(lead_up(book, a)) is not None
        if said:
            continue
        loc = a.quote_loc
        named = pattern.search(quote)
        if named:
            problems.warning(loc.path, loc.line, loc.col,
                             f"annotation '{a.id}' is in voice: speaker, but its quote names {actor.name} "
                             f"(\"{named.group(1)}\") and no verb of saying leads up to it, so the report "
                             f"seems to describe {actor.name} rather than give their words; set voice: "
                             "attributed (a view the report ascribes) or voice: source (the report's own "
                             "analysis), or keep speaker if these are their words", "voice-third-person")
        elif a.kind == "position" and not _QUOTE_MARKS.search(quote):
            problems.warning(loc.path, loc.line, loc.col,
                             f"position '{a.id}' is in voice: speaker, but its quote has no quotation marks "
                             f"and no verb of saying leads up to it; if the report ascribes this view to "
                             f"{actor.name} without reporting their words, set voice: attributed",
                             "voice-no-saying")
