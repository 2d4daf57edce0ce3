"""Issue 19, real sources in: importing web pages, PDFs and transcripts, with their metadata;
transcript turns; heard_as; left_out ranges; background issues; scaffolds and CONTENT.md's tables."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from bookgen.importer import extract, pdf_paragraphs
from bookgen.scaffold import BEGIN, END, fields_section, scaffold
from bookgen.transcript import split_source
from hostile_support import REPO, copy_project, invoke

IMPORT = REPO / "tests" / "fixtures" / "import"
bookgen = invoke


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


# --- import: metadata and text ----------------------------------------------------------------

def test_a_saved_web_page_gives_its_main_text_and_where_each_value_came_from() -> None:
    got = extract(IMPORT / "leaders-page.html")
    assert got.values == {"title": "Leaders close in on a framework", "author": "Ada Quill",
                          "url": "https://ledger.example.org/world/2025/12/29/leaders-framework",
                          "publisher": "Northwind Ledger", "published": "2025-12-29"}
    assert got.origins == {"title": "html meta og:title", "author": "json-ld author.name",
                           "url": "html link rel=canonical", "publisher": "html meta og:site_name",
                           "published": "html meta article:published_time"}
    lines = got.text.splitlines()
    assert lines[0] == "Leaders close in on a framework" and len(lines) == 4
    assert lines[2].startswith('Alpha told reporters the plan was "90% agreed"')
    assert "Most read" not in got.text and "Subscribe" not in got.text and "rights reserved" not in got.text


def test_a_page_without_metadata_says_unknown_rather_than_guessing(tmp_path: Path) -> None:
    page = tmp_path / "bare.html"
    page.write_text("<html><body><article><p>" + "A long enough paragraph of running text. " * 6
                    + "</p><p>Published on 3 March 2021 by someone.</p></article></body></html>", "utf-8")
    got = extract(page)
    assert "published" not in got.values and "publisher" not in got.values and "url" not in got.values
    assert got.origin("published") == "unknown"


def test_a_pdf_statement_gives_its_paragraphs_and_document_metadata() -> None:
    got = extract(IMPORT / "statement.pdf")
    assert got.values == {"title": "Joint Statement of Alphaland and Betaland",
                          "author": "Office of the President of Alphaland", "published": "2025-12-30"}
    assert got.origins["title"] == "pdf document info /Title"
    assert got.origins["published"] == "pdf document info /CreationDate (when the PDF was made)"
    assert got.text.splitlines()[1].endswith("together with their negotiating teams.")
    assert len(got.text.splitlines()) == 4


def test_pdf_lines_are_joined_into_paragraphs() -> None:
    page = ("Heading\nThe first paragraph runs over a line that is wrapped at a \nspace and ends here.\n"
            "A hyphen-\nated word, and the second paragraph ends.")
    assert pdf_paragraphs([page]) == ("Heading\nThe first paragraph runs over a line that is wrapped at a space "
                                      "and ends here.\nA hyphen-ated word, and the second paragraph ends.\n")


@pytest.mark.parametrize("name, args", [("leaders-page.html", []), ("statement.pdf", ["--id", "joint-statement"])])
def test_new_source_imports_the_same_bytes_twice(tmp_path: Path, name: str, args: list[str]) -> None:
    trees = []
    for n in (1, 2):
        root = copy_project(tmp_path / f"book{n}")
        code, out, err = bookgen("new", "source", str(IMPORT / name), *args, "--root", str(root))
        assert code == 0, err
        trees.append({k: v for k, v in _tree(root).items() if k.startswith(("seeds/", "content/sources/", "pins/"))})
    assert trees[0] == trees[1]
    sid = args[1] if args else "leaders-page"
    suffix = Path(name).suffix
    assert trees[0][f"seeds/originals/{sid}{suffix}"] == (IMPORT / name).read_bytes()
    assert trees[0][f"pins/{sid}.txt"] == trees[0][f"seeds/{sid}.txt"]
    yaml_text = trees[0][f"content/sources/{sid}.yaml"].decode()
    assert f"original_sha256: {hashlib.sha256((IMPORT / name).read_bytes()).hexdigest()}\n" in yaml_text
    assert f"sha256: {hashlib.sha256(trees[0][f'seeds/{sid}.txt']).hexdigest()}\n" in yaml_text


def test_new_source_for_a_web_page_writes_its_metadata(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "book")
    code, out, err = bookgen("new", "source", str(IMPORT / "leaders-page.html"), "--root", str(root))
    assert code == 0, err
    text = (root / "content" / "sources" / "leaders-page.yaml").read_text("utf-8")
    assert text.split("\n")[4:] == [
        "title: Leaders close in on a framework", "title_from: html meta og:title",
        "publisher: Northwind Ledger", "author: Ada Quill",
        "url: https://ledger.example.org/world/2025/12/29/leaders-framework", "published: 2025-12-29",
        "metadata_from:", "  title: html meta og:title", "  publisher: html meta og:site_name",
        "  author: json-ld author.name", "  url: html link rel=canonical",
        "  published: html meta article:published_time",
        f"sha256: {hashlib.sha256((root / 'seeds' / 'leaders-page.txt').read_bytes()).hexdigest()}", ""]
    code, _, err = bookgen("new", "source", str(IMPORT / "leaders-page.html"), "--id", "again", "--root", str(root))
    assert code == 0
    before = _tree(root)
    code, _, err = bookgen("new", "source", str(IMPORT / "leaders-page.html"), "--root", str(root))
    assert code == 1 and "already exists" in err and _tree(root) == before


def test_a_changed_original_is_reported(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "book")
    assert bookgen("new", "source", str(IMPORT / "statement.pdf"), "--root", str(root))[0] == 0
    (root / "seeds" / "originals" / "statement.pdf").write_bytes(b"%PDF-1.7 edited")
    code, _, err = bookgen("check", "--root", str(root))
    assert "content/sources/statement.yaml:4:18: warning: original 'seeds/originals/statement.pdf' changed" in err
    assert "[bookgen.original-changed]" in err


# --- transcripts ------------------------------------------------------------------------------

TRANSCRIPT = (IMPORT / "press-conference.txt").read_text("utf-8")


def test_transcript_turns_timestamps_and_wrapped_lines() -> None:
    split = split_source(TRANSCRIPT, {"kind": "transcript"})
    got = [(b.kind, b.turn.speaker if b.turn else None, b.turn.time if b.turn else None, b.text) for b in split.blocks]
    assert got == [
        ("paragraph", None, None, "Press conference after the Florida talks (fixture transcript)"),
        ("paragraph", "ALPHA", "00:00:05", "Thank you very much. We had a very good meeting, a long meeting, and we "
         "made a lot of progress on the framework. we're close on the guarantees. I spoke with Chancellor Mertz "
         "this morning and he agrees."),
        ("paragraph", "BETA", "00:00:41", "Thank you. Territory is still open, that I can tell you."),
        ("paragraph", "CROSSTALK", "00:00:58", "(inaudible)"),
        ("paragraph", "REPORTER", "00:01:03", "When is the next round?"),
        ("paragraph", "ALPHA", "00:01:06", "January. In January, with the Europeans."),
    ]
    assert [b.turn.anchor for b in split.blocks[1:3]] == ["t-00-00-05", "t-00-00-41"]
    assert "00:22" not in split.text
    start = split.text.index("we're close")
    assert split.position(start) == (6, 1)  # the file's line, after the timestamp line
    assert split.position(split.text.index("on the framework")) == (4, 1)


def test_a_speaker_map_by_time_and_declared_labels() -> None:
    text = "00:00\nThank you all. We had a\n00:03\ngreat meeting.\n01:22\nThank you,\n01:25\nMr President: yes.\n"
    rules = {"kind": "transcript", "speakers": [{"from": "00:00", "actor": "alpha", "label": "Alpha"},
                                                 {"from": "01:20", "actor": "beta"}]}
    split = split_source(text, rules)
    assert [(b.turn.speaker, b.turn.actor, b.turn.time, b.text) for b in split.blocks] == [
        ("Alpha", "alpha", "00:00", "Thank you all. We had a great meeting."),
        (None, "beta", "01:22", "Thank you, Mr President: yes."),  # an undeclared, mixed-case label is text
    ]
    split = split_source("Mr President: yes\nno", {"kind": "transcript", "speakers": [{"label": "Mr President"}]})
    assert [(b.turn.speaker, b.text) for b in split.blocks] == [("Mr President", "yes no")]


def test_a_transcript_has_no_headings_unless_marked() -> None:
    split = split_source("Short line\nANOTHER: short\n# Questions\nQ: why\n", {"kind": "transcript"})
    assert [(b.kind, b.text) for b in split.blocks] == [
        ("paragraph", "Short line"), ("paragraph", "short"), ("heading", "Questions"), ("paragraph", "why")]


def _transcript_book(tmp_path: Path) -> Path:
    root = copy_project(tmp_path / "book")
    shutil.copy(IMPORT / "press-conference.txt", root / "seeds" / "press-conference.txt")
    code, _, err = bookgen("new", "source", "seeds/press-conference.txt", "--kind", "transcript", "--root", str(root))
    assert code == 0, err
    with (root / "content" / "sources" / "press-conference.yaml").open("a", encoding="utf-8") as f:
        f.write("speakers:\n  - label: ALPHA\n    actor: alpha\n  - label: BETA\n    actor: beta\n"
                "heard_as:\n  Mertz: Merz\nleft_out:\n  - paragraphs: 1\n    reason: title line\n"
                "  - speaker: CROSSTALK\n    reason: crosstalk\n  - paragraphs: 5-6\n    reason: scheduling\n")
    (root / "content" / "annotations" / "press-conference.yaml").write_text(
        "source: press-conference\nannotations:\n"
        "  - id: pc-progress\n    kind: statement\n    quote: we made a lot of progress on the framework\n"
        "    note: Alpha said the talks made progress.\n    issues: [peace-plan]\n    date: 2025-12-28\n"
        "  - id: pc-mertz\n    kind: statement\n    quote: I spoke with Chancellor Mertz this morning and he agrees\n"
        "    note: Alpha said the chancellor agreed.\n    issues: [guarantees]\n    date: 2025-12-28\n"
        "  - id: pc-territory\n    kind: position\n    quote: Territory is still open\n    speaker: alpha\n"
        "    note: Territory is open.\n    stance: Territory is open.\n    issues: [peace-plan]\n", "utf-8")
    return root


def test_a_transcript_builds_with_speakers_times_and_heard_as(tmp_path: Path) -> None:
    root = _transcript_book(tmp_path)
    code, _, err = bookgen("check", "--root", str(root), "--strict")
    assert code == 0 and err == "ok: no problems\n", err  # every ¶ cited or left out, speakers from turns
    from bookgen.pipeline import check
    from bookgen.render import render_pages

    book = check(root).book
    assert book is not None
    assert book.annotations["pc-progress"].speaker == "alpha"  # from the turn
    assert book.annotations["pc-territory"].speaker == "alpha"  # an explicit speaker wins over BETA's turn
    assert book.annotations["pc-progress"].actors[0] == "alpha"
    assert book.annotations["pc-progress"].voice == "speaker"  # a turn is its speaker's own words (issue 17)
    page = render_pages(book, root / "templates")["sources/press-conference.md"]
    assert ('<a class="ts" id="t-00-00-41" href="#t-00-00-41">00:00:41</a> **[Beta](../actors/beta.md):** '
            "Thank you. ") in page
    assert "“I spoke with Chancellor Mertz \\[Merz\\] this morning and he agrees” — Alpha" in page
    assert "\n###" not in page.split("The article as it stands")[1]


def test_left_out_ranges_and_speakers_are_checked(tmp_path: Path) -> None:
    root = _transcript_book(tmp_path)
    path = root / "content" / "sources" / "press-conference.yaml"
    path.write_text(path.read_text("utf-8").replace("paragraphs: 5-6", "paragraphs: 5-9")
                    .replace("speaker: CROSSTALK", "speaker: NOBODY"), "utf-8")
    code, _, err = bookgen("check", "--root", str(root))
    assert code == 1
    lines = path.read_text("utf-8").split("\n")
    assert lines[27].startswith("  - paragraphs: 5-9") and lines[25].startswith("  - speaker: NOBODY")
    assert ("content/sources/press-conference.yaml:28:17: error: paragraphs 5-9: source 'press-conference' has "
            "paragraphs 1-6; give a range within them, first number first [bookgen.left-out-range]") in err
    assert ("content/sources/press-conference.yaml:26:14: error: no turn of speaker 'NOBODY' in source "
            "'press-conference'; its speakers: ALPHA, BETA, CROSSTALK, REPORTER [bookgen.left-out-not-found]") in err


def test_a_statement_needs_a_speaker_outside_a_transcript(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "book")
    path = root / "content" / "annotations" / "talks.yaml"
    path.write_text(path.read_text("utf-8").replace("    kind: figure\n", "    kind: statement\n")
                    .replace("    speaker: alpha\n", ""), "utf-8")
    code, _, err = bookgen("check", "--root", str(root))
    assert ("content/annotations/talks.yaml:10:5: error: annotation 't-alpha-90' is a statement and needs a "
            "speaker: add `speaker:` with an actor id [bookgen.missing-speaker]") in err


# --- background issues, scaffolds, CONTENT.md -------------------------------------------------

def test_a_background_issue_needs_no_status_and_is_not_on_the_status_board(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "book")
    (root / "content" / "issues" / "war-toll.yaml").write_text(
        "title: The war's toll\nkind: background\nsummary:\n  text: Context.\n  cite: [t-meeting]\n", "utf-8")
    from bookgen.pipeline import check
    from bookgen.render import render_pages

    result = check(root)
    assert result.book is not None, result.problems.render()
    pages = render_pages(result.book, root / "templates")
    assert "war-toll" not in pages["index.md"].split("## What changed")[0]
    assert "**Background:** context for the talks, not an item under negotiation." in pages["issues/war-toll.md"]
    (root / "content" / "issues" / "war-toll.yaml").write_text(
        "title: The war's toll\nsummary:\n  text: Context.\n  cite: [t-meeting]\n", "utf-8")
    assert ("content/issues/war-toll.yaml:1:1: error: missing required field 'status' in the file; add it, or "
            "`kind: background` for an issue that is context, not negotiated (see CONTENT.md) [bookgen.schema]"
            ) in check(root).problems.render()


@pytest.mark.parametrize("kind", ["actor", "issue", "event", "claim"])
def test_a_scaffold_has_the_schema_line_and_is_rejected_until_filled(tmp_path: Path, kind: str) -> None:
    root = copy_project(tmp_path / "book")
    code, out, err = bookgen("new", kind, "fresh", "--root", str(root))
    assert code == 0, err
    text = (root / "content" / f"{kind}s" / "fresh.yaml").read_text("utf-8")
    assert text == scaffold(kind) and text.startswith(f"# yaml-language-server: $schema=../../schemas/{kind}.schema.json\n")
    code, _, err = bookgen("check", "--root", str(root))
    assert code == 1 and f"content/{kind}s/fresh.yaml" in err and "[bookgen.schema]" in err
    assert bookgen("new", kind, "fresh", "--root", str(root))[0] == 1  # never over an existing file
    assert bookgen("new", kind, "Bad Id", "--root", str(root))[0] == 1


def test_content_md_field_tables_are_the_generated_ones() -> None:
    text = (REPO / "CONTENT.md").read_text("utf-8")
    assert BEGIN in text and END in text
    assert text[text.index(BEGIN): text.index(END) + len(END) + 1] == fields_section()


def test_each_source_kind_goes_from_file_to_a_built_page_with_its_metadata(tmp_path: Path) -> None:
    """Issue 19's "done when": a web page, a PDF and a transcript, imported and cited, build into
    source pages with the title, outlet, URL and date their files carry, with no hand editing."""
    root = _transcript_book(tmp_path)
    for name in ("leaders-page.html", "statement.pdf"):
        assert bookgen("new", "source", str(IMPORT / name), "--root", str(root))[0] == 0
    (root / "content" / "annotations" / "leaders-page.yaml").write_text(
        "source: leaders-page\nannotations:\n  - id: lp-ninety\n    kind: statement\n    speaker: alpha\n"
        "    quote: Alpha told reporters the plan was \"90% agreed\"\n    note: Alpha called the plan 90% agreed.\n"
        "    issues: [peace-plan]\n", "utf-8")
    (root / "content" / "annotations" / "statement.yaml").write_text(
        "source: statement\nannotations:\n  - id: js-january\n    kind: statement\n    speaker: alphaland\n"
        "    quote: the security guarantees should be finalised in January\n"
        "    note: The guarantees are to be finalised in January.\n    issues: [guarantees]\n", "utf-8")
    code, _, err = bookgen("build", "--root", str(root))
    assert code == 0, err
    site = root / "site" / "sources"
    page = (site / "leaders-page" / "index.html").read_text("utf-8")
    for value in ("Leaders close in on a framework", "Northwind Ledger", "29 Dec 2025", "Ada Quill",
                  "https://ledger.example.org/world/2025/12/29/leaders-framework"):
        assert value in page, value
    page = (site / "statement" / "index.html").read_text("utf-8")
    for value in ("Joint Statement of Alphaland and Betaland", "30 Dec 2025", "Office of the President of Alphaland"):
        assert value in page, value
    page = (site / "press-conference" / "index.html").read_text("utf-8")
    assert 'id="t-00-00-41"' in page and "Mertz [Merz]" in page and "<h3" not in page.split("one anchor per")[1]
