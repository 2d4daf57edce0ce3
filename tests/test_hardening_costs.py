"""Red-team item 4: costs bounded by what the book uses. The content version reads only the files
the book is made from (and those in pieces); an unfound quote does not rescan a huge paragraph."""

from __future__ import annotations

import hashlib
import json
import random
import tracemalloc
from pathlib import Path

import pytest

from bookgen import anchor as A
from bookgen.pdf import content_version
from bookgen.pipeline import check
from hostile_support import copy_project

BIG = 256 << 20  # bytes; sparse, so the test costs no disk


def _sparse(path: Path, size: int = BIG) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as f:
        f.truncate(size)


def test_content_version_does_not_read_unused_files(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "book")
    book = check(root).book
    assert book is not None
    before = content_version(root, book)
    _sparse(root / "seeds" / "unused.bin")
    _sparse(root / "content" / "notes" / "unused.yaml")
    _sparse(root / "content" / "actors" / "unused.txt")
    tracemalloc.start()
    try:
        after = content_version(root, book)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert after == before  # unused files are no part of the version
    assert peak < 4 << 20, peak  # nothing read whole (main read 768 MB here)


def test_content_version_follows_what_the_book_uses(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "book")
    book = check(root).book
    assert book is not None
    first = content_version(root, book)
    actor = root / "content" / "actors" / "alpha.yaml"
    actor.write_text(actor.read_text("utf-8") + "# a comment\n", "utf-8")
    assert content_version(root, book) != first
    seed = root / "seeds" / "talks.txt"
    seed.write_text(seed.read_text("utf-8") + "More.\n", "utf-8")
    changed = check(root).book
    assert changed is not None and content_version(root, changed) != content_version(root, book)


def _huge_paragraph_project(tmp_path: Path, size: int, misses: int) -> Path:
    root = copy_project(tmp_path / "book")
    rng = random.Random(1)
    vocabulary = [f"w{i}" for i in range(5000)]
    words, n = [], 0
    while n < size:
        w = rng.choice(vocabulary)
        words.append(w)
        n += len(w) + 1
    raw = (" ".join(words) + ".\n").encode()
    (root / "seeds" / "huge.txt").write_bytes(raw)
    (root / "content" / "sources" / "huge.yaml").write_text(json.dumps({
        "file": "seeds/huge.txt", "title": "Huge", "publisher": "unknown", "url": "unknown",
        "published": "unknown", "sha256": hashlib.sha256(raw).hexdigest()}) + "\n", "utf-8")
    (root / "content" / "annotations" / "huge.yaml").write_text(json.dumps({
        "source": "huge", "annotations": [
            {"id": f"miss-{i}", "kind": "assessment", "quote": f"w{i} w{i + 1} never said {i} w{i + 2}",
             "note": "A miss.", "issues": ["peace-plan"], "date": "2025-12-28"} for i in range(misses)]}) + "\n",
        "utf-8")
    return root


def test_unfound_quotes_do_not_rescan_a_huge_paragraph(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Characters normalised over a check: the paragraph once, not once per unfound quote."""
    size, misses = 400_000, 12
    root = _huge_paragraph_project(tmp_path, size, misses)
    seen = [0]
    original = A.normalise

    def counting(text: str) -> tuple[str, list[int]]:
        seen[0] += len(text)
        return original(text)

    monkeypatch.setattr(A, "normalise", counting)
    result = check(root)
    found = [p for p in result.problems.errors if p.code == "quote-not-found"]
    assert len(found) == misses and all("closest passage (¶1, " in p.message for p in found)
    assert seen[0] < 3 * size, seen[0]  # main: about (misses + 1) * size
