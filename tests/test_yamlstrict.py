"""Unit tests of the strict YAML reader (stage load): plain values, positions, refused features."""

from __future__ import annotations

import pytest

from bookgen.problems import Problems
from bookgen import yamlstrict
from bookgen.yamlstrict import MAX_DEPTH, read_yaml


def read(text: str | bytes, max_bytes: int = 1_000_000) -> tuple[object, Problems, object]:
    problems = Problems()
    raw = text.encode("utf-8") if isinstance(text, str) else text
    doc = read_yaml(raw, "f.yaml", problems, max_bytes)
    return (doc.data if doc else None), problems, doc


def codes(problems: Problems) -> list[tuple[int, int, str]]:
    return [(p.line, p.col, p.code) for p in problems.sorted()]


def test_every_scalar_is_text_and_the_schema_decides_types() -> None:
    data, problems, _ = read("a: no\nb: 2025-12-28\nc: 1.5\nd: on\ne: null\nf: ~\ng: 0x10\n")
    assert not problems.items
    assert data == {"a": "no", "b": "2025-12-28", "c": "1.5", "d": "on", "e": "null", "f": "~", "g": "0x10"}


def test_empty_plain_value_is_none_but_quoted_empty_is_text() -> None:
    data, problems, _ = read('a:\nb: ""\nc: []\n')
    assert not problems.items
    assert data == {"a": None, "b": "", "c": []}


def test_marks_point_at_each_node_one_based() -> None:
    _, _, doc = read("title: T\nlist:\n  - one\n  - id: x\n    note: y\n")
    assert doc.marks[("title",)] == (1, 8)
    assert doc.marks[("list", 0)] == (3, 5)
    assert doc.marks[("list", 1, "note")] == (5, 11)
    assert doc.key_marks[("list", 1, "note")] == (5, 5)
    assert doc.mark(("list", 1, "missing")) == (4, 5)  # nearest parent
    assert doc.mark(("list", 1, "note"), key=True) == (5, 5)


@pytest.mark.parametrize("text, expected", [
    ("a: 1\na: 2\n", [(2, 1, "yaml-duplicate-key")]),
    ("a: &x 1\nb: *x\n", [(1, 4, "yaml-anchor"), (2, 4, "yaml-alias")]),
    ("a: !!python/object 1\n", [(1, 4, "yaml-tag")]),
    ("a: 1\n---\nb: 2\n", [(2, 1, "yaml-multiple-documents")]),
    ("a:\n\tb: 1\n", [(2, 1, "yaml-tab")]),
    ("", [(1, 1, "empty-file")]),
    ("# only a comment\n", [(1, 1, "empty-file")]),
    ("a: [1, 2\n", [(2, 1, "yaml-syntax")]),
    ("? [a, b]\n: c\n", [(1, 3, "yaml-complex-key")]),
])
def test_refused_yaml_is_a_problem_with_a_position(text: str, expected: list) -> None:
    data, problems, _ = read(text)
    assert codes(problems) == expected
    assert all(p.severity == "error" for p in problems.items)


def test_duplicate_key_message_names_the_first_line() -> None:
    _, problems, _ = read("title: a\nnote: b\ntitle: c\n")
    assert [p.format() for p in problems.sorted()] == [
        "f.yaml:3:1: error: duplicate key 'title' (first written at line 1); remove one of them "
        "[bookgen.yaml-duplicate-key]"]


def test_alias_bomb_is_refused_without_expanding() -> None:
    bomb = "a: &a [x, x]\n" + "".join(f"{c}: &{c} [*{p}, *{p}]\n" for p, c in zip("abcdefgh", "bcdefghi"))
    data, problems, _ = read(bomb)
    assert data is None
    assert "yaml-alias" in {p.code for p in problems.items}


def test_nesting_deeper_than_the_limit_is_refused() -> None:
    data, problems, _ = read("a: " + "[" * (MAX_DEPTH + 2) + "]" * (MAX_DEPTH + 2) + "\n")
    assert data is None
    assert [p.code for p in problems.items] == ["yaml-too-deep"]


def test_binary_and_bad_encoding_are_reported_with_position() -> None:
    _, problems, _ = read(b"a: 1\nb: x\x00y\n")
    assert codes(problems) == [(2, 5, "binary-file")]
    _, problems, _ = read(b"a: 1\nb: \xff\n")
    assert codes(problems) == [(2, 4, "not-utf8")]


def test_control_character_is_reported() -> None:
    _, problems, _ = read("a: x\x07y\n")
    assert codes(problems) == [(1, 5, "yaml-bad-character")]


def test_file_over_the_size_limit_is_refused() -> None:
    data, problems, _ = read("a: " + "x" * 100 + "\n", max_bytes=50)
    assert data is None
    assert codes(problems) == [(1, 1, "file-too-large")]


def test_bom_and_crlf_read_exactly_as_without_them() -> None:
    plain = "title: T\nlist:\n  - one\n"
    data, problems, doc = read(plain)
    data2, problems2, doc2 = read(("\ufeff" + plain.replace("\n", "\r\n")).encode("utf-8"))
    assert not problems.items and not problems2.items
    assert data == data2 and doc.marks == doc2.marks


def test_position_is_the_same_through_the_fast_and_the_reference_parser() -> None:
    # '#' sends the file to the pure-Python parser; without it libyaml reads it. Positions agree.
    _, _, fast = read("a: 1\nb:\n  - x\n")
    _, _, ref = read("a: 1 # c\nb:\n  - x\n")
    assert fast.marks[("b", 0)] == ref.marks[("b", 0)] == (3, 5)


def test_a_clean_file_works_out_its_positions_only_when_asked() -> None:
    """The fast reading records no positions; the first ``mark`` reads the text again for them,
    and they are the ones the recording (reference) reading gives."""
    text = "title: T\nlist:\n  - one\n  - “two”\nnested:\n  key: v\n"
    _, problems, doc = read(("\ufeff" + text.replace("\n", "\r\n")).encode("utf-8"))
    assert not problems.items
    if yamlstrict._CParser is not None:
        assert doc.positions._marks is None  # nothing recorded while reading
    _, _, ref = read(text + "# a comment sends this copy to the recording reference parser\n")
    assert ref.positions._marks  # recorded while reading
    assert doc.mark(("list", 1)) == ref.mark(("list", 1)) == (4, 5)
    assert doc.mark(("nested", "key"), key=True) == ref.mark(("nested", "key"), key=True) == (6, 3)
    assert doc.marks == ref.marks and doc.key_marks == ref.key_marks


def test_lazy_loc_reads_its_position_on_first_use_and_compares_by_value() -> None:
    from bookgen.entities import Loc

    _, _, doc = read("a: 1\nb:\n  - x\n")
    lazy = Loc.at("f.yaml", doc, ("b", 0))
    assert (lazy.path, lazy.line, lazy.col) == ("f.yaml", 3, 5)
    assert lazy == Loc("f.yaml", 3, 5) and hash(lazy) == hash(Loc("f.yaml", 3, 5))
    assert lazy != Loc("f.yaml", 3, 6) and repr(lazy) == "Loc('f.yaml', 3, 5)"
    assert Loc.at("f.yaml", doc, ("b", 7)) == Loc("f.yaml", 3, 3)  # no such node: its parent's


def test_the_fast_parser_is_pyyamls_public_libyaml_loader() -> None:
    """libyaml is reached through ``yaml.CBaseLoader`` (public), not ``yaml._yaml``; where PyYAML has
    libyaml (every wheel on PyPI), a clean file is read by it."""
    import yaml

    if not yaml.__with_libyaml__:
        pytest.skip("this PyYAML was built without libyaml")
    assert yamlstrict._CParser is yaml.CBaseLoader
    _, problems, doc = read("a: 1\nb:\n  - x\n")
    assert not problems.items and doc.positions._parser is yaml.CBaseLoader
