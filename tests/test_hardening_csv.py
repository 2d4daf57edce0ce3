"""Red-team item 8 (CSV half): claims.csv cells that a spreadsheet would read as a formula, also
after leading spaces, after a line break or in full-width forms, are text; no cell holds a raw CR."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from bookgen.exports import claims_csv, csv_cell
from hostile_support import copy_project


@pytest.mark.parametrize("typed", [
    "=1+1", "+1+1", "-A1", "@SUM(A1)", "\t=1", "\r=1", "\n=1", " =1+1", "   @SUM(A1)",
    "\uff1dHYPERLINK(\"x\")", "\uff0b1", "\uff0d1", "\uff20SUM(A1)", "  \uff1d1",
])
def test_a_cell_that_starts_like_a_formula_is_text(typed: str) -> None:
    cell = csv_cell(typed)
    assert cell.startswith("'") and "\r" not in cell


@pytest.mark.parametrize("plain", ["-5", "+3", "95%", "1,5", "Trump said", " plain", "", "a=b"])
def test_numbers_and_plain_text_stay_as_they_are(plain: str) -> None:
    assert csv_cell(plain) == plain


def test_no_raw_carriage_return_in_a_cell() -> None:
    assert csv_cell("one\r\ntwo\rthree") == "one\ntwo\nthree"


def test_claims_csv_end_to_end(tmp_path: Path) -> None:
    from bookgen.pipeline import check

    root = copy_project(tmp_path / "book")
    ann = root / "content" / "annotations" / "talks.yaml"
    text = ann.read_text("utf-8")
    text = text.replace("note: Alpha said the plan was 90% agreed.", "note: \" =HYPERLINK(1)\"")
    text = text.replace("measures: share of the plan agreed", "measures: \"\uff1dcmd\"")
    text = text.replace("unit: percent", "unit: \"\\n=cmd\"")
    ann.write_text(text, "utf-8")
    result = check(root)
    assert result.book is not None, result.problems.render()
    data = claims_csv(result.book).decode("utf-8")
    assert "\r" not in data.replace("\r\n", "")
    row = next(r for r in csv.DictReader(io.StringIO(data, newline="")) if r["annotation"] == "t-alpha-90")
    assert (row["note"], row["figure_measures"], row["figure_unit"]) == (
        "' =HYPERLINK(1)", "'\uff1dcmd", "'\n=cmd")
