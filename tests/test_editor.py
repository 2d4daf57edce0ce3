"""Editor aids: ``new source``, ``quote``, ``schema`` export and ``coverage``."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
import yaml

from bookgen.editor import slug, title_of, yaml_scalar
from bookgen.problems import Problems
from bookgen.schemas import SCHEMA_NAMES, schema
from bookgen.yamlstrict import read_yaml
from hostile_support import REPO, copy_project, invoke


bookgen = invoke


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "book")


# --- new source -------------------------------------------------------------------------------

def test_new_source_writes_a_pinned_yaml_that_checks(project: Path) -> None:
    seed = project / "seeds" / "Third_Report.txt"
    seed.write_text("Gamma: talks resume next week\nTalks resume next week, Gamma said.\n", "utf-8")
    code, out, err = bookgen("new", "source", "seeds/Third_Report.txt", "--root", str(project))
    assert code == 0, err
    written = project / "content" / "sources" / "third-report.yaml"
    digest = hashlib.sha256(seed.read_bytes()).hexdigest()
    assert written.read_text("utf-8") == (
        "# yaml-language-server: $schema=../../schemas/source.schema.json\n"
        "file: seeds/Third_Report.txt\n"
        "title: \"Gamma: talks resume next week\"\n"
        "title_from: first line\n"
        "publisher: unknown\nurl: unknown\npublished: unknown\n"
        "metadata_from:\n  title: first line\n  publisher: unknown\n  author: unknown\n  url: unknown\n"
        "  published: unknown\n"
        f"sha256: {digest}\n"
        "headings:  # proposed: short lines not ending like a sentence; keep only real headings\n"
        "  - \"Gamma: talks resume next week\"\n")
    assert (project / "pins" / "third-report.txt").read_bytes() == seed.read_bytes()
    code, _, err = bookgen("check", "--root", str(project))
    assert code == 0 and "[bookgen.unused-source]" in err and "error" not in err.replace("0 error(s)", "")


def test_new_source_refuses_to_overwrite_and_bad_paths(project: Path) -> None:
    code, out, err = bookgen("new", "source", "seeds/talks.txt", "--root", str(project))
    assert code == 1 and out == ""
    assert err == ("content/sources/talks.yaml:1:1: error: source 'talks' already exists; pass another --id "
                   "[bookgen.duplicate-id]\n")
    code, _, err = bookgen("new", "source", "../etc/passwd", "--id", "x", "--root", str(project))
    assert code == 1 and "[bookgen.source-outside-seeds]" in err
    assert not (project / "content" / "sources" / "x.yaml").exists()
    code, _, err = bookgen("new", "source", "seeds/missing.txt", "--root", str(project))
    assert code == 1 and "[bookgen.source-missing]" in err and not (project / "pins").exists()


def test_title_is_shortened_at_a_word() -> None:
    title, where = title_of("\n  " + "word " * 40 + "\nbody\n")
    assert len(title) <= 100 and title.endswith("word…") and where == "first line, shortened"
    assert slug("Ärger über 2 Dinge!.txt") == "arger-uber-2-dinge-txt"


@pytest.mark.parametrize("text", ["plain words", "no", "2025-12-28", "a: b", "#tag", "- item", "[x]", "'q'",
                                  "“curly”", "trailing ", "x #y", "ends:", "*star", "\"quoted\"", "tab\there"])
def test_yaml_scalar_reads_back_as_the_same_text(text: str) -> None:
    doc = read_yaml(f"k: {yaml_scalar(text)}\n".encode(), "t.yaml", Problems())
    assert doc is not None and doc.data == {"k": text}


# --- quote ------------------------------------------------------------------------------------

def test_quote_prints_a_ready_to_paste_citation(project: Path) -> None:
    code, out, _ = bookgen("quote", "talks", "the plan was \"90% agreed", "--root", str(project))
    assert code == 0
    assert out == "# ¶2, seeds/talks.txt:2:72\n    quote: the plan was “90% agreed\n"  # the source's own words


def test_quote_ambiguous_gives_each_match_its_shortest_context(project: Path) -> None:
    code, out, _ = bookgen("quote", "talks", "met", "--root", str(project))
    assert code == 0
    blocks = out.split("# match ")[1:]
    assert [b.splitlines()[0] for b in blocks] == ["1 of 2: ¶2, seeds/talks.txt:2:20",
                                                  "2 of 2: ¶7, seeds/talks.txt:7:31"]
    for block in blocks:
        snippet = "\n".join(block.splitlines()[1:])
        data = yaml.safe_load(snippet.replace("    ", "", 2))
        assert data["quote"] == "met" and (data.get("prefix") or data.get("suffix"))


def test_quote_ignores_case_and_spacing_and_suggests_when_missing(project: Path) -> None:
    code, out, _ = bookgen("quote", "talks", "the   LEADERS", "--root", str(project))
    assert (code, out) == (0, "# ¶7, seeds/talks.txt:7:19\n    quote: The leaders\n")
    code, out, err = bookgen("quote", "talks", "the plan was 80% agreed", "--root", str(project))
    assert code == 1 and out == ""
    assert err.startswith("seeds/talks.txt: error: \"the plan was 80% agreed\" not found in source 'talks'; "
                          "closest passage (¶2, ")


# --- schema export and coverage ---------------------------------------------------------------

def test_schema_export_writes_every_schema(tmp_path: Path) -> None:
    code, out, _ = bookgen("schema", "--out", str(tmp_path / "schemas"))
    assert code == 0
    for name in SCHEMA_NAMES:
        assert json.loads((tmp_path / "schemas" / f"{name}.schema.json").read_text("utf-8")) == schema(name)
    code, out, _ = bookgen("schema", "event")
    assert code == 0 and json.loads(out) == schema("event")


def test_committed_schemas_match_the_package() -> None:
    """The repo's schemas/ folder (for editors' yaml-language-server) is `bookgen schema --out schemas`."""
    folder = REPO / "schemas"
    assert sorted(p.name for p in folder.glob("*.json")) == sorted(f"{n}.schema.json" for n in SCHEMA_NAMES)
    for name in SCHEMA_NAMES:
        assert json.loads((folder / f"{name}.schema.json").read_text("utf-8")) == schema(name), (
            f"schemas/{name}.schema.json is stale: run `bookgen schema --out schemas`")


def test_schema_comment_line_is_accepted_by_check(project: Path) -> None:
    actor = project / "content" / "actors" / "beta.yaml"
    actor.write_text("# yaml-language-server: $schema=../../schemas/actor.schema.json\n" + actor.read_text("utf-8"),
                     "utf-8")
    code, _, err = bookgen("check", "--root", str(project), "--strict")
    assert code == 0, err


def test_coverage_report(project: Path) -> None:
    code, out, _ = bookgen("coverage", "--root", str(project))
    assert code == 0
    assert out.splitlines() == [
        "source                           paragraphs  cited  left out  unaccounted",
        "other                                     2      1         1            0",
        "talks                                     4      4         0            0"]  # ¶8 left out is a heading
