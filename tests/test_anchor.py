"""Unit tests of stage anchor: quotes found exactly, then normalised; unique; within one paragraph."""

from __future__ import annotations

import hashlib

import pytest

from bookgen.anchor import SourceIndex, locate, normalise
from bookgen.entities import Loc
from bookgen.ids import EntityId
from bookgen.load import SourceText
from bookgen.problems import Problems
from bookgen.sourcetext import parse_blocks

TEXT = ("Talks in Florida\n"
        "Trump said the deal was “95% done” — and Zelensky  agreed.\n"
        "Zelensky said the plan was 90% agreed. Trump said the plan was 90% agreed.\n"
        "| Date | Event |\n"
        "| Dec. 28 | The leaders met. |\n"
        "The leaders met.\n")
LOC = Loc("content/annotations/s.yaml", 7, 12)


def source(text: str = TEXT) -> SourceIndex:
    return SourceIndex(SourceText(EntityId("s"), "seeds/s.txt", text, hashlib.sha256(text.encode()).hexdigest(),
                                  parse_blocks(text)))


def find(quote: str, prefix: str | None = None, suffix: str | None = None, text: str = TEXT):
    problems = Problems()
    found = locate(source(text), quote, prefix, suffix, LOC, problems, "quote of annotation 'x'")
    return found, [p.format() for p in problems.sorted()]


def test_exact_match_gives_offsets_block_and_exactness() -> None:
    (start, end, block, exact), problems = find("the deal was “95% done”")
    assert problems == [] and exact
    assert TEXT[start:end] == "the deal was “95% done”"
    assert block.number == 2


@pytest.mark.parametrize("typed, original", [
    ('the deal was "95% done"', "the deal was “95% done”"),                  # straight for curly quotes
    ("the deal was “95% done” - and", "the deal was “95% done” — and"),       # hyphen for em dash
    ("the deal was “95% done”—and", "the deal was “95% done” — and"),         # no spaces around the dash
    ("done” — and Zelensky agreed", "done” — and Zelensky  agreed"),          # one space for two
    ("done”\u2013and Zelensky\nagreed", "done” — and Zelensky  agreed"),      # en dash, newline for space
])
def test_normalised_match_reports_original_offsets(typed: str, original: str) -> None:
    (start, end, block, exact), problems = find(typed)
    assert problems == [] and not exact and block.number == 2
    assert TEXT[start:end] == original


def test_normalise_maps_every_character_to_its_origin() -> None:
    norm, origin = normalise("a  “b” — c")
    assert norm == 'a "b"-c'
    assert [ "a  “b” — c"[i] for i in origin] == ["a", " ", "“", "b", "”", "—", "c"]


def test_ambiguous_quote_suggests_the_shortest_prefix() -> None:
    found, problems = find("said the plan was 90% agreed")
    assert found is None
    assert problems == [
        "content/annotations/s.yaml:7:12: error: quote of annotation 'x' occurs 2 times in source 's' "
        "(at seeds/s.txt:3:10, seeds/s.txt:3:46); add prefix: \"y \" (for the first) or quote more words "
        "[bookgen.quote-ambiguous]"]


@pytest.mark.parametrize("prefix, suffix, column", [
    ("Zelensky ", None, 10), ("Trump ", None, 46), (None, ". Trump", 10), ("zelensky ", None, None),
])
def test_prefix_and_suffix_pick_one_occurrence(prefix: str | None, suffix: str | None, column: int | None) -> None:
    found, problems = find("said the plan was 90% agreed", prefix, suffix)
    if column is None:  # prefix must match the text (case and all)
        assert found is None and "[bookgen.quote-not-found]" in problems[0]
        return
    start = found[0]
    assert problems == [] and start - TEXT.rfind("\n", 0, start) == column


def test_prefix_matches_across_normalisation() -> None:
    found, problems = find("agreed", "done\" - and Zelensky ")
    assert problems == [] and found[2].number == 2


def test_a_quote_in_a_table_cell_and_the_same_words_in_a_paragraph() -> None:
    found, problems = find("The leaders met.")
    assert found is None and "occurs 2 times" in problems[0]
    (start, end, block, _), problems = find("The leaders met.", suffix=" |")
    assert problems == [] and block.kind == "row" and block.number == 5


def test_quote_across_paragraphs_is_refused() -> None:
    found, problems = find("Zelensky  agreed.\nZelensky said")
    assert found is None
    assert problems == [ACROSS]


ACROSS = ("content/annotations/s.yaml:7:12: error: quote of annotation 'x' is in source 's' but runs across "
          "the break between ¶2 and ¶3 (seeds/s.txt lines 2–3); a quote must lie within one paragraph: "
          "quote the words on one side of the break, or split it into two annotations "
          "[bookgen.quote-across-paragraphs]")


@pytest.mark.parametrize("typed", ["Zelensky agreed.Zelensky said", "and Zelensky agreed. Zelensky said the"])
def test_a_quote_across_a_line_break_says_so_however_spaced(typed: str) -> None:
    """Issue 19: the words exist, across a line break; the message says that, not 'not found'."""
    found, problems = find(typed)
    assert found is None and problems == [ACROSS]


def test_not_found_names_the_closest_passage() -> None:
    found, problems = find("Zelensky said the plan was 80% agreed")
    assert found is None
    assert problems == ["content/annotations/s.yaml:7:12: error: quote of annotation 'x' not found in source "
                        "'s'; closest passage (¶3, 97%): \"Zelensky said the plan was 90% agreed\" "
                        "[bookgen.quote-not-found]"]


def test_an_empty_or_blank_quote_is_not_found() -> None:
    assert find("   ")[0] is None
