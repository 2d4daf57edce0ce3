"""The synthetic corpus generator: deterministic, valid, and shaped like a real book."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from bookgen.pipeline import check
from bookgen.synth import Corpus, write_corpus


def tree_bytes(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    write_corpus(tmp_path / "a", 12, seed=7)
    write_corpus(tmp_path / "b", 12, seed=7)
    a, b = tree_bytes(tmp_path / "a"), tree_bytes(tmp_path / "b")
    assert a and a == b


def test_different_seeds_differ(tmp_path: Path) -> None:
    write_corpus(tmp_path / "a", 12, seed=1)
    write_corpus(tmp_path / "b", 12, seed=2)
    a, b = tree_bytes(tmp_path / "a"), tree_bytes(tmp_path / "b")
    seeds = sorted(k for k in a if k.startswith("seeds/"))
    assert seeds == sorted(k for k in b if k.startswith("seeds/"))  # same sources ...
    assert all(a[k] != b[k] for k in seeds)  # ... with different articles


@pytest.mark.parametrize("n", [1, 30])
def test_corpus_passes_check_without_problems(tmp_path: Path, n: int) -> None:
    counts = write_corpus(tmp_path, n, seed=3)
    result = check(tmp_path)
    assert [p.format() for p in result.problems.items] == []
    book = result.book
    assert book is not None
    assert len(book.sources) == n and len(book.annotations) == counts["annotations"] == 10 * n
    assert len(book.actors) == counts["actors"] and len(book.issues) == counts["issues"]


def test_sources_are_pinned_and_entities_shared(tmp_path: Path) -> None:
    write_corpus(tmp_path, 40, seed=5)
    result = check(tmp_path)
    book = result.book
    assert book is not None
    for sid, src in book.sources.items():
        assert src.sha256 == hashlib.sha256((tmp_path / src.file).read_bytes()).hexdigest()
    # actors are reused across sources, with a skew: the busiest is cited from many sources
    sources_per_actor = sorted((len({a.source for a in anns}) for anns in book.by_actor.values()), reverse=True)
    assert sources_per_actor[0] >= 10 and sources_per_actor[-1] >= 1
    assert all(len({a.source for a in book.by_issue[i]}) >= 1 for i in book.issues)
    kinds = {a.kind for a in book.annotations.values()}
    assert kinds == {"statement", "position", "figure", "event", "assessment"}
    texts = [(tmp_path / s.file).read_text("utf-8") for s in book.sources.values()]
    assert any("\n| " in t for t in texts)  # some articles carry a pipe table


def test_a_bigger_book_has_more_entities_not_longer_ones() -> None:
    """10x the sources must be 10x the content, or the benchmark's growth figure measures the
    generator: issue titles stay distinct and as long at 10,000 sources as at 100."""
    def mean_title(n: int) -> float:
        titles = [x["title"] for x in Corpus(n).issues]
        assert len(set(titles)) == len(titles)
        return sum(map(len, titles)) / len(titles)
    small, large = mean_title(1000), mean_title(10000)
    assert abs(large - small) / small < 0.05, (small, large)
    assert not any("(" in x["title"] for x in Corpus(10000).issues)  # no fallback titles yet


def test_rejects_empty_corpus(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        write_corpus(tmp_path, 0)
