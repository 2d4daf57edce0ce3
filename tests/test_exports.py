"""The exports linked from the site: briefing.json (valid against its schema), claims.csv and
timeline.ics — complete, parseable and byte-for-byte reproducible."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import icalendar
import jsonschema
import pytest

from bookgen import exports
from bookgen.pipeline import check
from conftest import MINI, REPO_ROOT, make_project


@pytest.fixture(scope="module", params=["mini", "seed"])
def book(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    source = MINI if request.param == "mini" else REPO_ROOT
    root = make_project(tmp_path_factory.mktemp(request.param), source)
    result = check(root)
    assert result.book is not None, result.problems.render("text")
    return result.book


def test_briefing_json_is_valid_against_its_schema_and_complete(book) -> None:
    files = exports.export_files(book)
    data = json.loads(files[exports.JSON])
    schema = json.loads(files[exports.SCHEMA])
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(data, schema)
    assert [a["id"] for a in data["annotations"]] == list(book.annotations)
    assert {i["id"] for i in data["issues"]} == set(book.issues)
    for a in data["annotations"]:  # every quote was found where the book says
        assert a["found"]["text"] == book.texts[a["source"]].text[a["found"]["start"]: a["found"]["end"]]


def test_the_schema_rejects_a_broken_book(book) -> None:
    files = exports.export_files(book)
    data = json.loads(files[exports.JSON])
    schema = json.loads(files[exports.SCHEMA])
    del data["annotations"][0]["found"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema)


def test_claims_csv_has_one_row_per_report_of_a_claim(book) -> None:
    text = exports.export_files(book)[exports.CSV].decode("utf-8")
    header = next(csv.reader(io.StringIO(text, newline="")))
    assert header == list(exports.CSV_COLUMNS)
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    expected = [(c, a.id) for c in book.claims for a in book.by_claim.get(c, ())]
    assert expected and [(r["claim"], r["annotation"]) for r in rows] == expected


def test_timeline_ics_has_every_event_with_its_honest_date_range(book) -> None:
    cal = icalendar.Calendar.from_ical(exports.export_files(book)[exports.ICS])
    events = {str(e["uid"]): e for e in cal.walk("VEVENT")}
    assert set(events) == {f"{e}@bookgen" for e in book.events}
    for e in book.events.values():
        ev = events[f"{e.id}@bookgen"]
        assert ev.decoded("dtstart") == e.date.start.first
        assert (ev.decoded("dtend") - e.date.latest_day).days == 1  # all-day, end exclusive
        assert ev.decoded("dtstamp").date() == book.as_of.latest_day  # from content, not the clock
        if e.date.precision != "day":
            assert e.date.label in str(ev["description"])


def test_exports_are_reproducible_across_fresh_checks(tmp_path: Path) -> None:
    a = exports.export_files(check(make_project(tmp_path, MINI, "a")).book)
    b = exports.export_files(check(make_project(tmp_path, MINI, "b")).book)
    assert a == b
    assert set(a) == set(exports.FILES)


def test_exports_remembered_in_serve_are_byte_identical(book, monkeypatch) -> None:
    from bookgen import memo

    cold = exports.export_files(book)
    monkeypatch.setattr(memo, "ENABLED", True)
    assert exports.export_files(book) == cold
    assert exports.export_files(book) == cold  # the second time from memory


def test_exports_remembered_in_serve_follow_an_edit(tmp_path: Path, monkeypatch) -> None:
    """serve remembers each entity's JSON, each annotation's entry and the calendar; after an edit
    (a note, an event's title) they must be what a fresh build of the edited book gives."""
    from bookgen import memo

    root = make_project(tmp_path, MINI)
    monkeypatch.setattr(memo, "ENABLED", True)
    exports.export_files(check(root).book)
    talks, meeting = root / "content/annotations/talks.yaml", root / "content/events/meeting.yaml"
    talks.write_text(talks.read_text("utf-8").replace("on 28 December 2025.", "on 28 December 2025, edited."), "utf-8")
    meeting.write_text(meeting.read_text("utf-8").replace("meet in Florida", "meet at Mar-a-Lago"), "utf-8")
    remembered = exports.export_files(check(root).book)
    monkeypatch.setattr(memo, "ENABLED", False)
    fresh = exports.export_files(check(root).book)
    assert remembered == fresh
    assert b"2025, edited." in fresh[exports.JSON] and b"Mar-a-Lago" in fresh[exports.ICS]


def test_json_written_piece_by_piece_is_the_whole_value_dumped_at_once(book) -> None:
    pieces = list(exports.briefing_json(book))
    assert len(pieces) > 10  # made entity by entity, not as one value
    assert b"".join(pieces) == exports._dumps(exports.briefing(book))


def test_json_pieces_keep_empty_lists_and_nested_values_exact(monkeypatch: pytest.MonkeyPatch) -> None:
    values = {"title": "T \u201cq\u201d\nline", "as_of": None, "empty": [],
              "one": [{"b": {"c": [1, {"d": []}], "e": {}}, "a": "x\ny"}], "two": [{"z": 1}, {"y": [2, 3]}]}
    monkeypatch.setattr(exports, "briefing_sections", lambda book: {
        k: iter(v) if isinstance(v, list) else v for k, v in values.items()})
    assert b"".join(exports.briefing_json(None)) == exports._dumps(values)  # type: ignore[arg-type]
