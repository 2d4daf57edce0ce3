"""Unit tests of the docs tree writer: changed files only, deletions only of what bookgen wrote."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from bookgen.write import MANIFEST, StagedTree, write_tree

OLD = 1_000_000_000  # a timestamp far in the past, to see whether a file was touched


def age(path: Path) -> None:
    os.utime(path, (OLD, OLD))


def test_first_write_makes_every_file_and_a_manifest(tmp_path: Path) -> None:
    out = tmp_path / "docs"
    report = write_tree(out, {"index.md": b"home\n", "issues/a.md": b"a\n"})
    assert report.written == ("index.md", "issues/a.md") and report.unchanged == 0 and report.deleted == ()
    assert (out / "issues" / "a.md").read_bytes() == b"a\n"
    assert json.loads((out / MANIFEST).read_text()) == ["index.md", "issues/a.md"]


def test_only_changed_files_are_rewritten_and_mtimes_kept(tmp_path: Path) -> None:
    out = tmp_path / "docs"
    write_tree(out, {"index.md": b"home\n", "issues/a.md": b"a\n"})
    for f in ("index.md", "issues/a.md"):
        age(out / f)
    report = write_tree(out, {"index.md": b"home\n", "issues/a.md": b"a, changed\n"})
    assert report.written == ("issues/a.md",) and report.unchanged == 1
    assert (out / "index.md").stat().st_mtime == OLD
    assert (out / "issues" / "a.md").stat().st_mtime != OLD
    assert (out / "issues" / "a.md").read_bytes() == b"a, changed\n"


def test_only_files_in_the_manifest_are_deleted_and_empty_folders_go(tmp_path: Path) -> None:
    out = tmp_path / "docs"
    write_tree(out, {"index.md": b"home\n", "actors/x.md": b"x\n"})
    (out / "notes.md").write_text("the user's own file\n")
    (out / "actors" / "mine.md").write_text("the user's own file too\n")
    report = write_tree(out, {"index.md": b"home\n"})
    assert report.deleted == ("actors/x.md",)
    assert not (out / "actors" / "x.md").exists()
    assert (out / "notes.md").exists() and (out / "actors" / "mine.md").exists()  # never deleted
    write_tree(out, {"index.md": b"home\n", "dates/d.md": b"d\n"})
    write_tree(out, {"index.md": b"home\n"})
    assert not (out / "dates").exists()  # a folder bookgen emptied is removed


def test_a_user_file_next_to_the_pages_survives_rebuilds(tmp_path: Path) -> None:
    out = tmp_path / "docs"
    out.mkdir()
    (out / "user.md").write_text("mine\n")
    write_tree(out, {"index.md": b"home\n"})
    write_tree(out, {"index.md": b"home\n"})
    assert (out / "user.md").read_text() == "mine\n"


def test_a_tampered_manifest_cannot_delete_outside_or_hidden_files(tmp_path: Path) -> None:
    out = tmp_path / "docs"
    out.mkdir()
    victim = tmp_path / "victim.md"
    victim.write_text("keep\n")
    (out / ".git").mkdir()
    (out / ".git" / "config").write_text("keep\n")
    (out / MANIFEST).write_text(json.dumps(["../victim.md", str(victim), ".git/config", "a\\b", 5, ""]))
    report = write_tree(out, {"index.md": b"home\n"})
    assert report.deleted == ()
    assert victim.exists() and (out / ".git" / "config").exists()


def test_a_corrupt_manifest_deletes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "docs"
    write_tree(out, {"index.md": b"home\n", "a.md": b"a\n"})
    (out / MANIFEST).write_text("{not json")
    report = write_tree(out, {"index.md": b"home\n"})
    assert report.deleted == () and (out / "a.md").exists()


def test_no_temporary_files_are_left(tmp_path: Path) -> None:
    out = tmp_path / "docs"
    write_tree(out, {"index.md": b"home\n", "a/b/c.md": b"c\n"})
    write_tree(out, {"index.md": b"home 2\n", "a/b/c.md": b"c\n"})
    leftovers = [p.name for p in out.rglob("*") if p.name.startswith(".tmp-")]
    assert leftovers == []


def test_an_unchanged_tree_touches_nothing_not_even_the_manifest(tmp_path: Path) -> None:
    out = tmp_path / "docs"
    files = {"index.md": b"home\n", "a/b.md": b"b\n"}
    write_tree(out, files)
    for f in (MANIFEST, "index.md", "a/b.md"):
        age(out / f)
    report = write_tree(out, files)
    assert report.written == () and report.unchanged == 2 and report.deleted == ()
    assert all((out / f).stat().st_mtime == OLD for f in (MANIFEST, "index.md", "a/b.md"))


def test_pieces_are_written_as_they_come_and_unchanged_pieces_leave_the_file_alone(tmp_path: Path) -> None:
    out = tmp_path / "docs"
    write_tree(out, [("big.json", iter([b"{", b"\n  1", b"\n}\n"])), ("index.md", "home\n")])
    assert (out / "big.json").read_bytes() == b"{\n  1\n}\n"
    age(out / "big.json")
    report = write_tree(out, [("big.json", iter([b"{\n", b"  1\n}", b"\n"])), ("index.md", "home\n")])
    assert report.written == () and (out / "big.json").stat().st_mtime == OLD
    # longer, shorter, different after an equal start, different at once, empty
    for changed in ([b"{\n", b"  1\n}\n", b"more"], [b"{\n", b"  1\n"], [b"{\n", b"  2", b"\n}\n"],
                    [b"[", b"]\n"], []):
        write_tree(out, [("big.json", iter([b"{\n  1\n}\n"])), ("index.md", "home\n")])
        report = write_tree(out, [("big.json", iter(changed)), ("index.md", "home\n")])
        assert (out / "big.json").read_bytes() == b"".join(changed) and report.written == ("big.json",)


def test_a_later_file_of_the_same_path_wins(tmp_path: Path) -> None:
    out = tmp_path / "docs"
    report = write_tree(out, [("a.md", "first\n"), ("a.md", "second\n")])
    assert (out / "a.md").read_text() == "second\n" and report.written == ("a.md",)


def test_a_staged_tree_left_without_commit_changes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "docs"
    write_tree(out, {"index.md": b"home\n", "a.md": b"a\n"})
    before = {p: p.read_bytes() for p in out.rglob("*")}
    with pytest.raises(RuntimeError):
        with StagedTree(out) as tree:
            tree.add("index.md", "new home\n")
            tree.add("b/c.md", "c\n")
            assert tree.texts(["index.md", "a.md"])["index.md"] == "new home\n"  # staged, readable
            raise RuntimeError("a template failed half-way")
    assert {p: p.read_bytes() for p in out.rglob("*")} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["docs"]  # no staging folder left


def test_staged_texts_read_back_what_each_page_will_hold(tmp_path: Path) -> None:
    out = tmp_path / "docs"
    write_tree(out, {"same.md": b"same\n"})
    with StagedTree(out) as tree:
        tree.add("same.md", "same\n")
        tree.add("new.md", "new “text”\n")
        texts = tree.texts(["new.md", "same.md"])
        assert list(texts) == ["new.md", "same.md"] and len(texts) == 2 and "other.md" not in texts
        assert dict(texts) == {"new.md": "new “text”\n", "same.md": "same\n"}
        report = tree.commit()
    assert report.written == ("new.md",) and report.unchanged == 1


def test_a_discarded_first_build_leaves_no_folder_behind(tmp_path: Path) -> None:
    out = tmp_path / "build" / "docs"  # neither exists yet: a project's first build
    with StagedTree(out) as tree:
        tree.add("index.md", "home\n")
        assert (tmp_path / "build").is_dir()  # the staging folder lives beside the docs tree
    assert list(tmp_path.iterdir()) == []
