"""Issue 17: whose words an annotation carries (voice), a status on whose account, inferred notes.

Each voice renders its own way in footnotes, lists, tables, the positions matrix and the exports;
each status form (plain, per, disputed by, differing accounts) has its label; inferred notes reach
the reader. The mini book is edited per case; the strings expected are exact.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import jsonschema
import pytest

from conftest import MINI, REPO_ROOT, make_project
from bookgen import exports, standings, views
from bookgen.links import MentionIndex, PageLinks, RenderMemo
from bookgen.model import Book
from bookgen.pipeline import check
from bookgen.render import render_pages

TALKS = "content/annotations/talks.yaml"
GUARANTEES = "content/issues/guarantees.yaml"
BETA_95 = "    speaker: beta\n"


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text("utf-8")
    assert old in text, (rel, old)
    path.write_text(text.replace(old, new, 1), "utf-8")


def build(tmp_path: Path, *edits: tuple[str, str, str]) -> Book:
    root = make_project(tmp_path, MINI)
    for rel, old, new in edits:
        edit(root, rel, old, new)
    result = check(root)
    assert result.book is not None, result.problems.render("text")
    return result.book


def links(book: Book, page: str = "issues/guarantees.md") -> PageLinks:
    return PageLinks(book, MentionIndex(book), page, RenderMemo(book))


def with_voice(voice: str) -> tuple[str, str, str]:
    return (TALKS, BETA_95, f"{BETA_95}    voice: {voice}\n")


# voice ------------------------------------------------------------------------------------------------
FOOTNOTES = {
    "speaker": "[^t-beta-95]: “talks on guarantees were \"close to 95%\" complete” — Beta, 28 Dec 2025; reported in "
               "[Leaders meet on the peace plan](../sources/talks.md#a-t-beta-95) (publication date unknown), ¶3.",
    "attributed": "[^t-beta-95]: “talks on guarantees were \"close to 95%\" complete” — the report's words for Beta's view, "
                  "28 Dec 2025; in [Leaders meet on the peace plan](../sources/talks.md#a-t-beta-95) (publication date "
                  "unknown), ¶3.",
    "source": "[^t-beta-95]: “talks on guarantees were \"close to 95%\" complete” — the report's own assessment, 28 Dec 2025; "
              "in [Leaders meet on the peace plan](../sources/talks.md#a-t-beta-95) (publication date unknown), ¶3.",
}
SAID = {
    "speaker": "[Beta](../actors/beta.md), as reported in *[Leaders meet on the peace plan](../sources/talks.md)*",
    "attributed": "According to *[Leaders meet on the peace plan](../sources/talks.md)*, [Beta](../actors/beta.md)'s position",
    "source": "*[Leaders meet on the peace plan](../sources/talks.md)*'s assessment",
}
CREDIT = {  # after a note in a line that already names its report
    "speaker": "",
    "attributed": " *(the report's words for [Beta](../actors/beta.md)'s view)*",
    "source": "",
}
WHOSE = {  # before the report's name where a figure is credited
    "speaker": "[Beta](../actors/beta.md), ",
    "attributed": "a view ascribed to [Beta](../actors/beta.md) by ",
    "source": "",
}
STATED_BY = {
    "speaker": "[Beta](../actors/beta.md)",
    "attributed": "[Beta](../actors/beta.md), as the report ascribes it",
    "source": "the report",
}
VOICE_NOTE = {
    "speaker": "",
    "attributed": " *(as ascribed by [Leaders meet on the peace plan](../sources/talks.md))*",
    "source": " *([Leaders meet on the peace plan](../sources/talks.md)'s assessment)*",
}


@pytest.mark.parametrize("voice", ["speaker", "attributed", "source"])
def test_each_voice_renders_its_own_way(tmp_path: Path, voice: str) -> None:
    book = build(tmp_path, with_voice(voice))
    assert book.annotations["t-beta-95"].voice == voice
    L = links(book)
    assert L.footnote("t-beta-95") == FOOTNOTES[voice]
    assert L.said("t-beta-95") == SAID[voice]
    assert L.credit("t-beta-95") == CREDIT[voice]
    assert L.whose("t-beta-95") == WHOSE[voice]
    assert L.stated_by("t-beta-95") == STATED_BY[voice]
    assert L.voice_note("t-beta-95") == VOICE_NOTE[voice]


def test_voice_defaults_to_speaker_with_a_speaker_and_to_source_without(tmp_path: Path) -> None:
    book = build(tmp_path)
    assert book.annotations["t-beta-95"].voice == "speaker"
    assert book.annotations["t-meeting"].voice == "source"


@pytest.mark.parametrize("voice", ["attributed", "source"])
def test_no_page_gives_an_ascribed_view_or_a_reports_analysis_as_the_actors_words(tmp_path: Path, voice: str) -> None:
    book = build(tmp_path, with_voice(voice))
    pages = render_pages(book, REPO_ROOT / "templates")
    for path, text in pages.items():
        assert "— Beta" not in text and "— *Beta" not in text, path
        assert "[^t-beta-95] — *Beta" not in text, path


def test_where_each_side_stands_counts_ascribed_views_but_not_a_reports_own_reading(tmp_path: Path) -> None:
    attributed = build(tmp_path / "a", with_voice("attributed"))
    assert [a.id for a in standings.stands_on(attributed, "guarantees")] == ["t-beta-95"]
    pages = render_pages(attributed, REPO_ROOT / "templates",
                         only=lambda p: p in ("positions.md", "issues/guarantees.md", "actors/beta.md"))
    assert "| [Beta](actors/beta.md): Guarantee talks are close to 95% complete.[^t-beta-95] *(as ascribed by " \
           "[Leaders meet on the peace plan](sources/talks.md))* |" in pages["positions.md"]
    assert "- [Beta](../actors/beta.md): Guarantee talks are close to 95% complete.[^t-beta-95] — as ascribed by " \
           "*[Leaders meet on the peace plan](../sources/talks.md)* (28 Dec 2025)" in pages["issues/guarantees.md"]
    assert "| Guarantee talks are close to 95% complete.[^t-beta-95] *(as ascribed by [Leaders meet on the peace plan]" \
           "(../sources/talks.md))* |" in pages["actors/beta.md"]
    source = build(tmp_path / "s", with_voice("source"))
    assert standings.stands_on(source, "guarantees") == []
    pages = render_pages(source, REPO_ROOT / "templates",
                         only=lambda p: p in ("positions.md", "issues/guarantees.md", "actors/beta.md"))
    assert "t-beta-95" not in pages["positions.md"]
    assert "- *[Leaders meet on the peace plan](../sources/talks.md)* (28 Dec 2025): [Beta](../actors/beta.md) said " \
           "guarantee talks were close to 95% complete.[^t-beta-95]" in pages["issues/guarantees.md"]
    assert "## Reported about Beta" in pages["actors/beta.md"] and "## Positions" not in pages["actors/beta.md"]


@pytest.mark.parametrize("voice", ["speaker", "attributed", "source"])
def test_exports_carry_the_voice(tmp_path: Path, voice: str) -> None:
    book = build(tmp_path, with_voice(voice))
    files = exports.export_files(book)
    data = json.loads(files[exports.JSON])
    jsonschema.validate(data, json.loads(files[exports.SCHEMA]))
    assert {a["id"]: a["voice"] for a in data["annotations"]}["t-beta-95"] == voice
    rows = list(csv.DictReader(io.StringIO(files[exports.CSV].decode("utf-8"))))
    assert {r["annotation"]: r["voice"] for r in rows}["t-beta-95"] == voice


def test_a_voice_other_than_source_needs_a_speaker(tmp_path: Path) -> None:
    root = make_project(tmp_path, MINI)
    edit(root, TALKS, "    note: A 28-point proposal surfaced in late November 2025.\n",
         "    note: A 28-point proposal surfaced in late November 2025.\n    voice: speaker\n")
    problems = [p.format() for p in check(root).problems.sorted()]
    assert problems == ["content/annotations/talks.yaml:35:12: error: voice 'speaker' needs a speaker, the actor whose "
                        "words or view this is; add speaker: <actor id>, or use voice: source for the report's own "
                        "analysis [bookgen.voice-needs-speaker]"]


# status on whose account ------------------------------------------------------------------------------
LATEST = "  - as_of: 2025-12-28\n    status: nearly-agreed\n"


@pytest.mark.parametrize("extra, label, disputed", [
    ("", "Nearly agreed", False),
    ("    per: [beta]\n", "Nearly agreed (per Beta)", False),
    ("    per: [beta, alpha]\n", "Nearly agreed (per Beta, Alpha)", False),
    ("    per: [beta]\n    disputed_by: [alpha]\n", "Disputed", True),
])
def test_status_label_says_on_whose_account(tmp_path: Path, extra: str, label: str, disputed: bool) -> None:
    book = build(tmp_path, (GUARANTEES, LATEST, LATEST + extra))
    sv = views.status_label(book, book.issues["guarantees"])
    assert (sv.label, sv.disputed, sv.as_of.text, sv.cite) == (label, disputed, "2025-12-28", ("t-beta-95",))
    if disputed:
        assert [a.label for a in sv.accounts] == ["Nearly agreed (per Beta; disputed by Alpha)"]


def test_entries_of_one_date_that_disagree_make_the_status_disputed_with_each_account(tmp_path: Path) -> None:
    second = ("  - as_of: 2025-12-28\n    status: agreed\n    per: [alpha]\n    text: Alpha called them agreed.\n"
              "    cite: [t-alpha-90]\n")
    book = build(tmp_path, (GUARANTEES, LATEST, LATEST + "    per: [beta]\n"),
                 (GUARANTEES, "    cite: [t-beta-95]\n", "    cite: [t-beta-95]\n" + second))
    sv = views.status_label(book, book.issues["guarantees"])
    assert sv.label == "Disputed" and [a.label for a in sv.accounts] == ["Nearly agreed (per Beta)", "Agreed (per Alpha)"]
    pages = render_pages(book, REPO_ROOT / "templates",
                         only=lambda p: p in ("issues/guarantees.md", "issues/index.md", "index.md"))
    cell = ("**Disputed**: Nearly agreed (per [Beta](../actors/beta.md))[^t-beta-95]; "
            "Agreed (per [Alpha](../actors/alpha.md))[^t-alpha-90]")
    assert f"Status: {cell} as of [28 Dec 2025](../dates/2025-12-28.md)." in pages["issues/guarantees.md"]
    assert f"| {cell.replace('../', '')} |" in pages["index.md"]
    assert f"| {cell} |" in pages["issues/index.md"]


def test_a_status_on_one_partys_account_says_whose_on_every_page(tmp_path: Path) -> None:
    book = build(tmp_path, (GUARANTEES, LATEST, LATEST + "    per: [beta]\n"))
    pages = render_pages(book, REPO_ROOT / "templates",
                         only=lambda p: p in ("issues/guarantees.md", "issues/peace-plan.md", "index.md",
                                              "dates/index.md", "dates/2025-12-28.md"))
    assert "Status: **Nearly agreed (per [Beta](../actors/beta.md))**[^t-beta-95] as of" in pages["issues/guarantees.md"]
    assert "| **Nearly agreed (per [Beta](actors/beta.md))**[^t-beta-95] |" in pages["index.md"]
    assert "**Nearly agreed (per [Beta](../actors/beta.md))**" in pages["dates/index.md"]
    assert "| Nearly agreed (per [Beta](../actors/beta.md)) |" in pages["dates/2025-12-28.md"]
    assert "— **Nearly agreed (per [Beta](../actors/beta.md))**[^t-beta-95] as of" in pages["issues/peace-plan.md"]


def test_per_and_disputed_by_name_actors_that_exist(tmp_path: Path) -> None:
    root = make_project(tmp_path, MINI)
    edit(root, GUARANTEES, LATEST, LATEST + "    per: [betta]\n")
    assert [p.code for p in check(root).problems.items] == ["unknown-id"]


# inferred -----------------------------------------------------------------------------------------------
def test_inferred_notes_reach_the_reader(tmp_path: Path) -> None:
    book = build(tmp_path,
                 ("content/events/meeting.yaml", "place: Florida\n",
                  "place: Florida\ninferred:\n  place: the report says Florida; the city is not given\n"
                  "  sequence: the talks came before the call, per one report\n"),
                 (TALKS, "    event: meeting\n    date: 2025-12-28\n",
                  "    event: meeting\n    date: 2025-12-28\n    inferred:\n      date: from the meeting's date\n"))
    assert [(x.field, x.note) for x in book.events["meeting"].inferred] == [
        ("place", "the report says Florida; the city is not given"), ("sequence", "the talks came before the call, per one report")]
    pages = render_pages(book, REPO_ROOT / "templates", only=lambda p: p in ("dates/2025-12-28.md", "sources/talks.md"))
    date = pages["dates/2025-12-28.md"]
    assert "- **Place:** Florida *(inferred: the report says Florida; the city is not given)*" in date
    assert "- **Inferred (sequence):** the talks came before the call, per one report" in date
    assert "[^t-meeting] *Inferred — date: from the meeting's date.*" in date
    assert "[^t-meeting] *Inferred — date: from the meeting's date.*" in pages["sources/talks.md"]
    data = json.loads(exports.export_files(book)[exports.JSON])
    assert {a["id"]: a["inferred"] for a in data["annotations"]}["t-meeting"] == [
        {"field": "date", "note": "from the meeting's date"}]
    assert b"Inferred (place): the report says Florida\\; the city is not given." in \
        exports.export_files(book)[exports.ICS].replace(b"\r\n ", b"")


def test_an_inferred_note_on_a_field_that_is_not_set_is_an_error(tmp_path: Path) -> None:
    root = make_project(tmp_path, MINI)
    edit(root, "content/events/proposal.yaml", "place: unknown\n", "place: unknown\ninferred:\n  place: a guess\n")
    problems = [p.format() for p in check(root).problems.sorted()]
    assert problems == ["content/events/proposal.yaml:6:10: error: inferred.place explains a field that is not set; "
                        "set place: or remove the note [bookgen.inferred-unset]"]


# claims: corroboration counted ---------------------------------------------------------------------------
def test_claims_count_sources_order_reports_by_date_and_show_each_sources_words(tmp_path: Path) -> None:
    book = build(tmp_path)
    cv = views.claim_view(book, book.claims["plan-share"])
    assert cv.sources == 2 and [a.id for a in cv.reports] == ["o-alpha-90", "t-alpha-90", "t-beta-95"]  # same day: published first
    page = render_pages(book, REPO_ROOT / "templates", only=lambda p: p == "claims.md")["claims.md"]
    assert "Reported by 2 sources." in page
    assert "| [28 Dec 2025](dates/2025-12-28.md) | [Leaders meet on the peace plan](sources/talks.md) | " \
           "[Alpha](actors/alpha.md) | 90 percent | “Alpha said the plan was “90% agreed.”” | " \
           "[Alpha](actors/alpha.md) said the plan was 90% agreed.[^t-alpha-90] |" in page


# the seed book -----------------------------------------------------------------------------------------
def test_the_seed_book_gives_no_ascribed_view_as_an_actors_words() -> None:
    result = check(REPO_ROOT)
    book = result.book
    assert book is not None and not result.problems.items
    pages = render_pages(book, REPO_ROOT / "templates")
    ascribed = [a for a in book.annotations.values() if a.speaker and a.voice != "speaker"]
    assert {a.id for a in ascribed} >= {"optim-putin-position", "optim-kremlin-guarantees", "closer-europeans-insist",
                                        "canada-allies-sovereignty"}
    for a in ascribed:
        name = book.actors[a.speaker].name
        for path, text in pages.items():
            assert f"[^{a.id}] — *{name}" not in text, (a.id, path)
            for line in text.splitlines():
                if line.startswith(f"[^{a.id}]: "):
                    assert f"” — {name}" not in line, (a.id, path)
    assert views.status_label(book, book.issues["bilateral-guarantees"]).label == "Disputed"
