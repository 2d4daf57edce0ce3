"""Unit tests of stage model: one immutable Book whose indexes agree in both directions."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from conftest import MINI, REPO_ROOT, make_project
from bookgen.model import Book
from bookgen.pipeline import check


def book_of(root: Path) -> Book:
    result = check(root)
    assert result.book is not None, result.problems.render("text")
    return result.book


@pytest.fixture(scope="module")
def mini(tmp_path_factory: pytest.TempPathFactory) -> Book:
    return book_of(make_project(tmp_path_factory.mktemp("model"), MINI))


def ids(items) -> list[str]:
    return [x.id for x in items]


def test_indexes_of_the_mini_book(mini: Book) -> None:
    assert ids(mini.by_source["talks"]) == ["t-meeting", "t-alpha-90", "t-beta-95", "t-proposal", "t-leaders-met"]
    assert ids(mini.by_passage[("talks", 2)]) == ["t-meeting", "t-alpha-90"]
    assert sorted(ids(mini.by_actor["alpha"])) == ["o-alpha-90", "t-alpha-90", "t-leaders-met", "t-meeting"]
    assert ids(mini.by_issue["guarantees"]) == ["t-proposal", "t-beta-95"]  # in time order
    assert ids(mini.by_claim["plan-share"]) == ["o-alpha-90", "t-alpha-90", "t-beta-95"]
    assert ids(mini.by_event["meeting"]) == ["t-meeting", "t-leaders-met"]
    assert ids(mini.events_by_actor["beta"]) == ["meeting"]
    assert ids(mini.events_by_issue["guarantees"]) == ["proposal"]
    assert ids(mini.events_by_date["2025-11-late"]) == ["proposal"]
    assert [(i.id, n) for i, n in mini.status_by_date["2025-12-28"]] == [("guarantees", 1), ("peace-plan", 0)]
    assert ids(mini.sub_issues["peace-plan"]) == ["guarantees"]
    assert ids(mini.members["alphaland"]) == ["alpha"]
    assert list(mini.dates) == ["2025-11-late", "2025-12-28"]
    assert mini.as_of is not None and mini.as_of.label == "28 Dec 2025"
    assert mini.current_status("guarantees") == 1


def test_coverage_accounts_for_every_paragraph(mini: Book) -> None:
    talks, other = mini.coverage["talks"], mini.coverage["other"]
    # talks ¶8 is a heading left out as page furniture: listed, but not counted against paragraphs
    assert (talks.accountable, talks.cited, dict(talks.left_out), talks.counted_left_out, talks.unaccounted) == (
        4, (2, 3, 6, 7), {8: "page furniture"}, (), ())
    assert (other.accountable, other.cited, dict(other.left_out), other.counted_left_out, other.unaccounted) == (
        2, (1,), {2: "repeats the first paragraph"}, (2,), ())


def assert_coverage_adds_up(book: Book) -> None:
    for sid, cov in book.coverage.items():
        blocks = book.texts[sid].blocks
        parts = (*cov.cited, *cov.counted_left_out, *cov.unaccounted)
        assert len(parts) == len(set(parts)) == cov.accountable, sid
        assert all(blocks[n - 1].accountable for n in parts), sid


def test_coverage_adds_up(mini: Book) -> None:
    assert_coverage_adds_up(mini)


def test_passage_of_and_block(mini: Book) -> None:
    block = mini.passage_of("t-beta-95")
    assert block.number == 3 and "close to 95%" in block.text
    assert mini.block("talks", 3) == block


def test_the_book_is_immutable(mini: Book) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        mini.title = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        mini.by_actor["alpha"] = ()  # type: ignore[index]
    with pytest.raises(TypeError):
        mini.actors["x"] = mini.actors["alpha"]  # type: ignore[index]
    assert isinstance(mini.by_actor["alpha"], tuple)


def assert_two_way(book: Book) -> None:
    """Every index entry points back, and every link of an annotation or event is in the index."""
    for a in book.annotations.values():
        anchor = book.anchors[a.id]
        assert a in book.by_source[a.source]
        assert a in book.by_passage[(a.source, anchor.block)]
        assert all(a in book.by_actor[x] for x in a.actors)
        assert all(a in book.by_issue[x] for x in a.issues)
        assert a.date is None or (a in book.by_date[a.date.slug] and book.dates[a.date.slug] == a.date)
        assert a.claim is None or a in book.by_claim[a.claim]
        assert a.event is None or a in book.by_event[a.event]
    for sid, anns in book.by_source.items():
        assert all(a.source == sid for a in anns)
        starts = [book.anchors[a.id].start for a in anns]
        assert starts == sorted(starts)
    for (sid, n), anns in book.by_passage.items():
        assert all(a.source == sid and book.anchors[a.id].block == n for a in anns)
    for aid, anns in book.by_actor.items():
        assert aid in book.actors and all(aid in a.actors for a in anns)
    for iid, anns in book.by_issue.items():
        assert iid in book.issues and all(iid in a.issues for a in anns)
    for slug, anns in book.by_date.items():
        assert all(a.date is not None and a.date.slug == slug for a in anns)
    for e in book.events.values():
        assert e in book.events_by_date[e.date.slug]
        assert all(e in book.events_by_actor[x] for x in e.actors)
        assert all(e in book.events_by_issue[x] for x in e.issues)
    for aid, evs in book.events_by_actor.items():
        assert all(aid in e.actors for e in evs)
    for iid, evs in book.events_by_issue.items():
        assert all(iid in e.issues for e in evs)
    for issue in book.issues.values():
        for n, entry in enumerate(issue.status):
            assert (issue, n) in book.status_by_date[entry.as_of.slug]
        for rel in issue.related:
            assert issue in book.related_issues[rel] and book.issues[rel] in book.related_issues[issue.id]
        if issue.parent:
            assert issue in book.sub_issues[issue.parent]
    for actor in book.actors.values():
        if actor.affiliation:
            assert actor in book.members[actor.affiliation]
    slugs = list(book.dates)
    assert slugs == sorted(slugs, key=lambda s: book.dates[s].sort_key)
    assert len(set(slugs)) == len(slugs)


def test_indexes_are_two_way_in_the_mini_book(mini: Book) -> None:
    assert_two_way(mini)


def test_indexes_are_two_way_in_the_seed_book() -> None:
    result = check(REPO_ROOT)
    if result.book is None:
        pytest.skip("the seed book does not pass bookgen check right now")
    assert_two_way(result.book)
    assert_coverage_adds_up(result.book)


def test_the_assertion_can_fail(mini: Book) -> None:
    broken = dataclasses.replace(mini, by_actor={**mini.by_actor, "beta": ()})
    with pytest.raises(AssertionError):
        assert_two_way(broken)


def test_same_content_same_book(tmp_path: Path) -> None:
    a = book_of(make_project(tmp_path, MINI, "a"))
    b = book_of(make_project(tmp_path, MINI, "b"))
    assert list(a.annotations) == list(b.annotations) and list(a.dates) == list(b.dates)
    assert {k: ids(v) for k, v in a.by_issue.items()} == {k: ids(v) for k, v in b.by_issue.items()}
