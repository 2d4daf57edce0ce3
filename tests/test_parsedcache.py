"""Content files kept between builds (bookgen/parsedcache.py): an unchanged file is not parsed
again and gives the same book; a file with any problem is read again, so its messages come every
time; a damaged or outdated cache is ignored."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from conftest import stand_in_pdf

from bookgen import parsedcache
from bookgen.commands import Paths, build
from bookgen.parsedcache import FILE, ParsedFiles
from bookgen.pipeline import check


def _cache(root: Path) -> Path:
    return root / "build" / "site-cache"


def _content_files(root: Path) -> int:
    """The YAML files of content/'s folders (book.yaml is read on its own)."""
    return len(list((root / "content").glob("*/*.yaml")))


def _built(root: Path) -> str:
    out = io.StringIO()
    stand_in_pdf(Paths(root).pdf)
    build(Paths(root), out=out, pdf=False)
    return out.getvalue()


def test_unchanged_files_are_taken_from_the_last_build_and_give_the_same_book(mini_project: Path) -> None:
    _built(mini_project)
    assert (_cache(mini_project) / FILE).is_file()
    parsed = ParsedFiles(_cache(mini_project))
    again = check(mini_project, parsed=parsed)
    files = _content_files(mini_project)
    assert parsed.hits == files
    assert again.book == check(mini_project).book
    assert again.problems.render() == check(mini_project).problems.render()


def test_a_file_with_a_problem_is_read_again_and_its_messages_come_every_time(mini_project: Path) -> None:
    actor = mini_project / "content" / "actors" / "unused-for-test.yaml"
    actor.write_text("name: Nobody Named\nkind: person\n", "utf-8")  # a warning: nothing names it
    first = _built(mini_project)
    assert "unused-for-test" in first
    parsed = ParsedFiles(_cache(mini_project))
    result = check(mini_project, parsed=parsed)
    assert "unused-for-test" in result.problems.render()
    files = _content_files(mini_project)
    assert parsed.hits == files  # the warning comes from checking, not reading: the file read cleanly
    broken = mini_project / "content" / "actors" / "broken-for-test.yaml"
    broken.write_text("name: [unclosed\n", "utf-8")
    for _ in range(2):  # a YAML error: never kept, reported by every build
        out = _built(mini_project)
        assert "broken-for-test.yaml:2:1: error: YAML syntax error" in out
    parsed = ParsedFiles(_cache(mini_project))
    check(mini_project, parsed=parsed)
    assert parsed.hits == files  # every file but the broken one


@pytest.mark.parametrize("damage", [b"not marshal at all", b""])
def test_a_damaged_cache_is_ignored(mini_project: Path, damage: bytes) -> None:
    _built(mini_project)
    (_cache(mini_project) / FILE).write_bytes(damage)
    parsed = ParsedFiles(_cache(mini_project))
    assert check(mini_project, parsed=parsed).book == check(mini_project).book
    assert parsed.hits == 0


def test_a_cache_of_another_parser_version_is_ignored(mini_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _built(mini_project)
    monkeypatch.setattr(parsedcache, "parser_version", lambda: "another")
    parsed = ParsedFiles(_cache(mini_project))
    check(mini_project, parsed=parsed)
    assert parsed.hits == 0


def test_clean_reads_every_file_and_writes_the_cache_again(mini_project: Path) -> None:
    _built(mini_project)
    (_cache(mini_project) / FILE).write_bytes(b"damaged")
    out = io.StringIO()
    assert build(Paths(mini_project), out=out, pdf=False, clean=True) == 0, out.getvalue()
    parsed = ParsedFiles(_cache(mini_project))
    check(mini_project, parsed=parsed)
    assert parsed.hits == _content_files(mini_project)  # written afresh
