"""Source drift: a seed changes after it was pinned; every citation into it is classified.

Edits are made to copies of seeds (the mini project's, and a real seed of the book): a changed
word, a moved paragraph, a deleted sentence. ``bookgen pin`` then accepts the new text.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from bookgen.drift import Citation, classify
from bookgen.entities import Loc
from bookgen.ids import EntityId
from bookgen.load import SourceText
from bookgen.sourcetext import parse_blocks
from hostile_support import REPO, copy_project, invoke

MINI_SEED = "seeds/talks.txt"


bookgen = invoke


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = copy_project(tmp_path / "book")
    code, out, _ = bookgen("pin", "talks", "--root", str(root))
    assert code == 0 and "pins/talks.txt" in out
    return root


def edit_seed(root: Path, old: str, new: str) -> None:
    seed = root / MINI_SEED
    text = seed.read_text("utf-8")
    assert old in text
    seed.write_text(text.replace(old, new, 1), "utf-8")


def lines_with(code: str, err: str) -> list[str]:
    return [line for line in err.splitlines() if f"[bookgen.{code}]" in line]


def test_pinned_and_unchanged_is_clean(project: Path) -> None:
    code, _, err = bookgen("check", "--root", str(project), "--strict")
    assert code == 0, err
    assert (project / "pins" / "talks.txt").read_bytes() == (project / MINI_SEED).read_bytes()


def test_changed_word_shows_score_and_new_text(project: Path) -> None:
    edit_seed(project, "“90% agreed.”", "“90% accepted.”")
    code, _, err = bookgen("check", "--root", str(project))
    assert code == 1
    assert lines_with("citation-changed", err) == [
        "content/annotations/talks.yaml:12:12: error: quote of annotation 't-alpha-90' changed in source "
        "'talks' (was ¶2; now ¶2, 89% alike); the text now reads: \"Alpha said the plan was “90% accepted.”\"; "
        "update the quote [bookgen.citation-changed]"]
    assert "citations: 5 unchanged, 0 moved, 1 changed, 0 lost" in lines_with("source-changed", err)[0]
    assert "quote-not-found" not in err  # the drift report replaces the plain error


def test_moved_paragraph_is_a_warning(project: Path) -> None:
    seed = project / MINI_SEED
    lines = seed.read_text("utf-8").split("\n")
    lines[1], lines[2] = lines[2], lines[1]
    seed.write_text("\n".join(lines), "utf-8")
    code, _, err = bookgen("check", "--root", str(project))
    assert code == 0, err
    moved = lines_with("citation-moved", err)
    assert [m.split(": warning: ")[1] for m in moved] == [
        "quote of annotation 't-meeting' moved in source 'talks' from ¶2 to ¶3, words unchanged [bookgen.citation-moved]",
        "quote of annotation 't-alpha-90' moved in source 'talks' from ¶2 to ¶3, words unchanged [bookgen.citation-moved]",
        "quote of annotation 't-beta-95' moved in source 'talks' from ¶3 to ¶2, words unchanged [bookgen.citation-moved]"]
    assert bookgen("check", "--root", str(project), "--strict")[0] == 1


def test_deleted_sentence_is_lost(project: Path) -> None:
    edit_seed(project, "Beta said talks on guarantees were \"close to 95%\" complete—a key step.\n", "")
    code, _, err = bookgen("check", "--root", str(project))
    assert code == 1
    lost = lines_with("citation-lost", err)
    assert lost == ["content/annotations/talks.yaml:24:12: error: quote of annotation 't-beta-95' is no longer in "
                    "source 'talks' (was ¶3); remove the citation or quote other words [bookgen.citation-lost]"]


def test_review_then_pin_accepts_the_new_text(project: Path) -> None:
    edit_seed(project, "“90% agreed.”", "“90% accepted.”")
    ann = project / "content" / "annotations" / "talks.yaml"
    ann.write_text(ann.read_text("utf-8").replace('quote: Alpha said the plan was "90% agreed."',
                                                  'quote: Alpha said the plan was "90% accepted."'), "utf-8")
    code, _, err = bookgen("check", "--root", str(project), "--strict")
    assert code == 1 and lines_with("source-changed", err) and not lines_with("citation-changed", err)
    source_yaml = project / "content" / "sources" / "talks.yaml"
    before = source_yaml.read_text("utf-8")
    code, out, _ = bookgen("pin", "talks", "--root", str(project))
    assert code == 0
    digest = hashlib.sha256((project / MINI_SEED).read_bytes()).hexdigest()
    assert digest in out
    after = source_yaml.read_text("utf-8")
    old_digest = next(line for line in before.splitlines() if line.startswith("sha256:")).split()[1]
    assert after == before.replace(old_digest, digest)  # only the sha256 changed; the rest is as written
    assert (project / "pins" / "talks.txt").read_bytes() == (project / MINI_SEED).read_bytes()
    assert bookgen("check", "--root", str(project), "--strict")[0] == 0


def test_pinned_copy_of_another_version_is_ignored(project: Path) -> None:
    (project / "pins" / "talks.txt").write_text("something else\n", "utf-8")
    seed = project / MINI_SEED
    lines = seed.read_text("utf-8").split("\n")
    lines[1], lines[2] = lines[2], lines[1]
    seed.write_text("\n".join(lines), "utf-8")
    code, _, err = bookgen("check", "--root", str(project))
    assert code == 0 and not lines_with("citation-moved", err)
    assert "no pinned copy pins/talks.txt" in lines_with("source-changed", err)[0]


def test_pin_unknown_source_is_an_error(project: Path) -> None:
    code, _, err = bookgen("pin", "nope", "--root", str(project))
    assert code == 1
    assert err == "content/sources/nope.yaml:1:1: error: no source 'nope' (expected content/sources/nope.yaml) [bookgen.unknown-id]\n"


# --- a real seed of the book, classified directly ---------------------------------------------

REAL_SEED = REPO / "seeds" / "000_f88dc3584bddc957.txt"


def text_of(content: str) -> SourceText:
    return SourceText(EntityId("s"), "seeds/s.txt", content, hashlib.sha256(content.encode()).hexdigest(),
                      parse_blocks(content))


def cite(quote: str) -> Citation:
    return Citation(f"quote {quote[:10]!r}", quote, None, None, Loc("a.yaml", 1, 1))


@pytest.mark.skipif(not REAL_SEED.is_file(), reason="the book's seeds are not in this checkout")
def test_real_seed_word_move_and_deletion() -> None:
    old = REAL_SEED.read_text("utf-8")
    paras = [b.text for b in parse_blocks(old) if b.kind == "paragraph"]
    first, second, third = paras[1], paras[2], paras[3]
    kept = first[:60]
    word_changed = second[:70]
    deleted = third.split(". ")[0]
    new = old.replace(second, second.replace(word_changed, word_changed[:40] + "X" + word_changed[41:]))
    new = new.replace(deleted, "", 1)
    new_lines = new.split("\n")
    at = next(i for i, line in enumerate(new_lines) if line.startswith(kept))
    moved_line = new_lines.pop(at)
    new_lines.append(moved_line)
    drifts = {d.citation.quote: d for d in classify(text_of(old), text_of("\n".join(new_lines)),
                                                    [cite(kept), cite(word_changed), cite(deleted)])}
    assert drifts[kept].state == "moved" and drifts[kept].old_block != drifts[kept].new_block
    assert drifts[word_changed].state == "changed" and 0.9 < (drifts[word_changed].score or 0) < 1
    assert "X" in (drifts[word_changed].new_text or "")
    assert drifts[deleted].state == "lost"


def test_without_pinned_copy_found_quotes_count_as_unchanged() -> None:
    old_text = "Title\nOne paragraph here, long enough.\nAnother paragraph there, also long.\n"
    new_text = "Title\nAnother paragraph there, also long.\nOne paragraph here, long enough.\n"
    [d] = classify(None, text_of(new_text), [cite("One paragraph here")])
    assert d.state == "unchanged" and not d.pinned
    [d] = classify(text_of(old_text), text_of(new_text), [cite("One paragraph here")])
    assert (d.state, d.old_block, d.new_block) == ("moved", 2, 3)
