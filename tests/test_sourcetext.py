"""Unit tests of source texts as blocks: headings, paragraphs, table rows, offsets."""

from __future__ import annotations

from bookgen.sourcetext import HEADING_MAX_CHARS, block_at, looks_like_heading, parse_blocks, text_lines

TEXT = ("Leaders meet\n"
        "The two presidents met in Florida.\n"
        "\n"
        "  Indented paragraph, with trailing space.   \n"
        "| Date | Event |\n"
        "| Nov. 2025 | A proposal. |\n"
        "| Dec. 2025 | A meeting |\n"
        "Comments\n"
        "| A | B |\n")
HEADINGS = frozenset({"Leaders meet", "Comments"})


def test_blocks_kinds_numbers_and_offsets() -> None:
    blocks = parse_blocks(TEXT, HEADINGS)
    assert [(b.number, b.kind) for b in blocks] == [
        (1, "heading"), (2, "paragraph"), (3, "paragraph"), (4, "row"), (5, "row"), (6, "row"),
        (7, "heading"), (8, "row")]
    for b in blocks:
        assert TEXT[b.start: b.end] == b.text  # offsets into the original text, stripped
        assert b.anchor == f"p{b.number}"
    assert blocks[2].text == "Indented paragraph, with trailing space."


def test_tables_header_rows_and_cells() -> None:
    blocks = parse_blocks(TEXT)
    rows = [b for b in blocks if b.kind == "row"]
    assert [(b.table, b.header) for b in rows] == [(1, True), (1, False), (1, False), (2, True)]
    assert [c.text for c in rows[1].cells] == ["Nov. 2025", "A proposal."]
    for c in rows[1].cells:
        assert TEXT[c.start: c.end] == c.text


def test_a_row_without_a_closing_bar_keeps_its_last_cell() -> None:
    (row,) = parse_blocks("| a | b")
    assert [c.text for c in row.cells] == ["a", "b"]


def test_accountable_blocks_are_paragraphs_and_body_rows() -> None:
    blocks = parse_blocks(TEXT, HEADINGS)
    assert [b.number for b in blocks if b.accountable] == [2, 3, 5, 6]


def test_heading_proposal_rule() -> None:
    assert looks_like_heading("Key dates")
    assert not looks_like_heading("He said so.")
    assert not looks_like_heading("A line ending in a quote”")
    assert not looks_like_heading("x" * (HEADING_MAX_CHARS + 1))
    assert looks_like_heading("x" * HEADING_MAX_CHARS)


def test_only_listed_lines_are_headings() -> None:
    """Red-team item 3: a short line is a paragraph unless the source YAML lists it."""
    assert {b.kind for b in parse_blocks("x\n" * 1000)} == {"paragraph"}
    assert [b.kind for b in parse_blocks(TEXT)][:3] == ["paragraph", "paragraph", "paragraph"]
    assert [b.kind for b in parse_blocks("x\nLeaders meet\n| Leaders meet |\n", HEADINGS)] == [
        "paragraph", "heading", "row"]
    assert text_lines(TEXT) == ["Leaders meet", "The two presidents met in Florida.",
                                "Indented paragraph, with trailing space.", "Comments"]


def test_block_at_finds_the_holding_block_or_none_across_blocks() -> None:
    blocks = parse_blocks(TEXT)
    start = TEXT.index("presidents")
    assert block_at(blocks, start, start + 10).number == 2
    assert block_at(blocks, blocks[1].start, blocks[1].end).number == 2
    assert block_at(blocks, start, TEXT.index("Indented") + 3) is None  # spans two blocks
    assert block_at(blocks, len(TEXT), len(TEXT) + 1) is None
    assert block_at(blocks, TEXT.index("\n\n") + 1, TEXT.index("\n\n") + 1) is None  # blank line


def test_crlf_free_text_and_empty_text() -> None:
    assert parse_blocks("") == ()
    assert parse_blocks("\n\n   \n") == ()
