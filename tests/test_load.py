"""Unit tests of stage load: content files read strictly, sources read from under seeds/ only."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from bookgen.load import KINDS, load_content
from bookgen.problems import Problems


def load(root: Path) -> tuple[object, list[tuple[str, str, str]]]:
    problems = Problems()
    loaded = load_content(root, problems)
    return loaded, [(p.path, p.severity, p.code) for p in problems.sorted()]


def test_the_mini_project_loads_every_file_and_source(mini_project: Path) -> None:
    loaded, problems = load(mini_project)
    assert problems == []
    assert set(loaded.docs) == set(KINDS)
    assert sorted(loaded.docs["actors"]) == ["alpha", "alphaland", "beta"]
    assert sorted(loaded.docs["annotations"]) == ["other", "talks"]
    assert loaded.docs["actors"]["alpha"].path == "content/actors/alpha.yaml"
    text = loaded.texts["talks"]
    raw = (mini_project / "seeds" / "talks.txt").read_bytes()
    assert text.path == "seeds/talks.txt"
    assert text.sha256 == hashlib.sha256(raw).hexdigest()
    assert text.text == raw.decode("utf-8")
    assert text.blocks[0].text == "Leaders meet on the peace plan"


def test_no_content_folder(tmp_path: Path) -> None:
    _, problems = load(tmp_path)
    assert problems == [("content", "error", "no-content")]


def test_file_names_extensions_and_folders(mini_project: Path) -> None:
    actors = mini_project / "content" / "actors"
    (actors / "Bad_Name.yaml").write_text("name: x\n")
    (actors / "gamma.yml").write_text("name: x\n")
    (actors / "notes.txt").write_text("ignored\n")
    (actors / ".hidden.yaml").write_text("ignored\n")
    (mini_project / "content" / "drafts").mkdir()
    loaded, problems = load(mini_project)
    assert problems == [("content/actors/Bad_Name.yaml", "error", "bad-id"),
                        ("content/actors/gamma.yml", "error", "bad-extension"),
                        ("content/drafts", "warning", "unknown-folder")]
    assert sorted(loaded.docs["actors"]) == ["alpha", "alphaland", "beta"]


def test_a_symlinked_content_file_is_refused(mini_project: Path) -> None:
    actors = mini_project / "content" / "actors"
    os.symlink(actors / "beta.yaml", actors / "gamma.yaml")
    loaded, problems = load(mini_project)
    assert problems == [("content/actors/gamma.yaml", "error", "symlink")]
    assert "gamma" not in loaded.docs["actors"]


@pytest.mark.parametrize("file, code", [
    ("/etc/passwd", "source-outside-seeds"),
    ("seeds/../content/actors/beta.yaml", "source-outside-seeds"),
    ("other/talks.txt", "source-outside-seeds"),
    ("seeds/missing.txt", "source-missing"),
    ("seeds", "source-outside-seeds"),
])
def test_source_files_must_be_under_seeds(mini_project: Path, file: str, code: str) -> None:
    path = mini_project / "content" / "sources" / "talks.yaml"
    path.write_text(path.read_text().replace("file: seeds/talks.txt", f"file: {file}"))
    loaded, problems = load(mini_project)
    assert problems == [("content/sources/talks.yaml", "error", code)]
    assert "talks" not in loaded.texts and "other" in loaded.texts


def test_a_symlink_out_of_seeds_is_refused(mini_project: Path, tmp_path: Path) -> None:
    outside = tmp_path / "secret.txt"
    outside.write_text("secret\n")
    (mini_project / "seeds" / "talks.txt").unlink()
    os.symlink(outside, mini_project / "seeds" / "talks.txt")
    _, problems = load(mini_project)
    assert problems == [("content/sources/talks.yaml", "error", "source-outside-seeds")]


def test_empty_and_binary_sources(mini_project: Path) -> None:
    (mini_project / "seeds" / "talks.txt").write_text("  \n\n")
    (mini_project / "seeds" / "other.txt").write_bytes(b"text\x00more")
    loaded, problems = load(mini_project)
    assert problems == [("content/sources/talks.yaml", "error", "source-empty"),
                        ("seeds/other.txt", "error", "binary-file")]
    assert loaded.texts == {}


def test_a_yaml_problem_drops_only_that_file(mini_project: Path) -> None:
    (mini_project / "content" / "actors" / "beta.yaml").write_text("name: a\nname: b\n")
    loaded, problems = load(mini_project)
    assert problems == [("content/actors/beta.yaml", "error", "yaml-duplicate-key")]
    assert sorted(loaded.docs["actors"]) == ["alpha", "alphaland"]


def test_index_is_not_an_id_it_would_replace_a_list_page(mini_project: Path) -> None:
    """actors/index.yaml would render to actors/index.md, the list of all actors, and replace it."""
    (mini_project / "content" / "actors" / "index.yaml").write_text("name: Index\nkind: person\n")
    loaded, problems = load(mini_project)
    assert problems == [("content/actors/index.yaml", "error", "bad-id")]
    assert "index" not in loaded.docs["actors"]
