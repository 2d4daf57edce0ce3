"""Unit tests of dates with honest precision: parsing, ordering, slugs and labels."""

from __future__ import annotations

import datetime as dt

import pytest

from bookgen.dates import DateError, parse_date

D = dt.date


@pytest.mark.parametrize("text, precision, first, last, slug, label", [
    ("2025-12-28", "day", D(2025, 12, 28), D(2025, 12, 28), "2025-12-28", "28 Dec 2025"),
    ("2025-11", "month", D(2025, 11, 1), D(2025, 11, 30), "2025-11", "Nov 2025"),
    ("2024-02", "month", D(2024, 2, 1), D(2024, 2, 29), "2024-02", "Feb 2024"),
    ("2025", "year", D(2025, 1, 1), D(2025, 12, 31), "2025", "2025"),
    ("late 2025-11", "part-month", D(2025, 11, 21), D(2025, 11, 30), "2025-11-late", "late Nov 2025"),
    ("early 2026", "part-year", D(2026, 1, 1), D(2026, 4, 30), "2026-early", "early 2026"),
    ("mid 2025-02", "part-month", D(2025, 2, 11), D(2025, 2, 20), "2025-02-mid", "mid Feb 2025"),
])
def test_points(text: str, precision: str, first: D, last: D, slug: str, label: str) -> None:
    d = parse_date(text)
    assert (d.precision, d.start.first, d.start.last, d.slug, d.label) == (precision, first, last, slug, label)
    assert d.end is None and d.latest_day == last


def test_intervals() -> None:
    d = parse_date("2025-12-27/2025-12-28")
    assert (d.precision, d.slug, d.label) == ("interval", "2025-12-27--2025-12-28", "27–28 Dec 2025")
    assert d.latest_day == D(2025, 12, 28)
    d = parse_date("late 2025-11/2025-12")
    assert (d.slug, d.label) == ("2025-11-late--2025-12", "late Nov 2025 – Dec 2025")
    assert parse_date("2025-12-31/2026-01-02").label == "31 Dec 2025 – 2 Jan 2026"


@pytest.mark.parametrize("text, message", [
    ("28 Dec 2025", "'28 Dec 2025' is not a date; write YYYY-MM-DD, YYYY-MM, YYYY, 'late YYYY-MM' or an interval 'A/B'"),
    ("2025-02-30", "'2025-02-30' is not a real calendar date (day is out of range for month)"),
    ("2025-13", "'2025-13': month 13 does not exist"),
    ("late 2025-12-28", "'late 2025-12-28': early/mid/late go with a month or a year, not a day"),
    ("2025-12-28/2025-12-01", "'2025-12-28/2025-12-01': the interval ends before it starts"),
    ("2025-12-1", "'2025-12-1' is not a date; write YYYY-MM-DD, YYYY-MM, YYYY, 'late YYYY-MM' or an interval 'A/B'"),
])
def test_malformed_dates_say_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(DateError) as exc:
        parse_date(text)
    assert str(exc.value) == message


def test_non_string_is_refused() -> None:
    with pytest.raises(DateError, match="expected a date string, got int"):
        parse_date(2025)  # type: ignore[arg-type]


def test_time_order_puts_wider_dates_by_their_first_day() -> None:
    texts = ["2025-12-28", "2025", "late 2025-11", "2025-12", "2025-12-27/2025-12-28", "2025-12-27", "early 2026"]
    ordered = [d.text for d in sorted(parse_date(t) for t in texts)]
    assert ordered == ["2025", "late 2025-11", "2025-12", "2025-12-27", "2025-12-27/2025-12-28",
                       "2025-12-28", "early 2026"]


def test_slugs_are_distinct_for_distinct_dates() -> None:
    texts = ["2025", "early 2025", "2025-01", "early 2025-01", "2025-01-01", "2025-01/2025-02", "2025-01-01/2025-01-02"]
    slugs = [parse_date(t).slug for t in texts]
    assert len(set(slugs)) == len(slugs)


def test_one_date_object_per_text_and_errors_every_time() -> None:
    """Dates are shared (a big book's annotations repeat a few thousand dates); they are immutable,
    so sharing cannot leak an edit, and a bad date is reported on every reading, never remembered."""
    assert parse_date("2025-12-28") is parse_date("2025-12-28")
    assert parse_date("2025-12-28") is not parse_date("2025-12-27")
    with pytest.raises(AttributeError):
        parse_date("2025-12-28").text = "2025-12-27"  # type: ignore[misc]
    for _ in range(2):
        with pytest.raises(DateError, match="is not a real calendar date"):
            parse_date("2025-02-30")


@pytest.mark.parametrize("text, message", [
    ("28/12/2025", "'28/12/2025' is not a date; write 2025-12-28"),
    ("12/28/2025", "'12/28/2025' is not a date; write 2025-12-28"),
    ("28.12.2025", "'28.12.2025' is not a date; write 2025-12-28"),
    ("03/04/2025", "'03/04/2025' is not a date; write 2025-04-03 (if it is day/month/year) or 2025-03-04 "
                   "(if month/day/year)"),
    ("31/31/2025", "'31/31/2025' is not a date (no such day); write YYYY-MM-DD"),
])
def test_numeric_day_forms_get_the_iso_form_to_write(text: str, message: str) -> None:
    with pytest.raises(DateError) as exc:
        parse_date(text)
    assert str(exc.value) == message
