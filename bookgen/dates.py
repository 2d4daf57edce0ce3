"""Dates with honest precision: a day, a month, a year, part of a month or year, or an interval.

Content writes dates as strings (see CONTENT.md): ``2025-12-28``, ``2025-11``, ``2025``,
``late 2025-11``, ``early 2026``, ``2025-12-27/2025-12-28``. Each parses to a :class:`BookDate`
with a sortable range, a page slug and a reader's label. Nothing is made more precise than written.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from dataclasses import dataclass, field

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
PARTS = ("early", "mid", "late")
_PRECISION_LABELS = {"day": "day", "month": "month", "year": "year", "part-month": "part of a month",
                     "part-year": "part of a year", "interval": "interval"}
_POINT = re.compile(r"(?:(early|mid|late) )?(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")
_NUMERIC_DAY = re.compile(r"(\d{1,2})([/.])(\d{1,2})\2(\d{4})")  # 28/12/2025, 12/28/2025, 28.12.2025


class DateError(ValueError):
    """A malformed date string; the message says what is wrong."""


@dataclass(frozen=True, order=True, slots=True)
class DatePoint:
    first: dt.date
    last: dt.date
    precision: str  # day | month | year | part-month | part-year
    part: str | None
    text: str

    @property
    def slug(self) -> str:
        base = self.text.split(" ")[-1]
        return f"{base}-{self.part}" if self.part else base

    @property
    def label(self) -> str:
        y, m, d = self.first.year, self.first.month, self.first.day
        if self.precision == "day":
            return f"{d} {MONTHS[m - 1]} {y}"
        if self.precision in ("month", "part-month"):
            core = f"{MONTHS[m - 1]} {y}"
        else:
            core = str(y)
        return f"{self.part} {core}" if self.part else core


def _point(text: str) -> DatePoint:
    m = _POINT.fullmatch(text)
    if not m:
        raise DateError(f"'{text}' is not a date; write YYYY-MM-DD, YYYY-MM, YYYY, "
                        "'late YYYY-MM' or an interval 'A/B'")
    part, year_s, month_s, day_s = m.groups()
    year = int(year_s)
    if part and day_s:
        raise DateError(f"'{text}': early/mid/late go with a month or a year, not a day")
    try:
        if day_s:
            day = dt.date(year, int(month_s), int(day_s))
            return DatePoint(day, day, "day", None, text)
        if month_s:
            month = int(month_s)
            if not 1 <= month <= 12:
                raise DateError(f"'{text}': month {month_s} does not exist")
            last_day = calendar.monthrange(year, month)[1]
            first, last = dt.date(year, month, 1), dt.date(year, month, last_day)
            if part:  # early = days 1-10, mid = 11-20, late = 21-end: for ordering only
                first = dt.date(year, month, {"early": 1, "mid": 11, "late": 21}[part])
                last = dt.date(year, month, {"early": 10, "mid": 20, "late": last_day}[part])
            return DatePoint(first, last, "part-month" if part else "month", part, text)
        first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
        if part:  # early = Jan-Apr, mid = May-Aug, late = Sep-Dec: for ordering only
            first = dt.date(year, {"early": 1, "mid": 5, "late": 9}[part], 1)
            last = dt.date(year, {"early": 4, "mid": 8, "late": 12}[part],
                           {"early": 30, "mid": 31, "late": 31}[part])
        return DatePoint(first, last, "part-year" if part else "year", part, text)
    except ValueError as exc:
        if isinstance(exc, DateError):
            raise
        raise DateError(f"'{text}' is not a real calendar date ({exc})") from None


@dataclass(frozen=True, slots=True)
class BookDate:
    """A date as the sources give it. ``start``/``end`` are points; ``end`` is None unless an interval.

    Its slug, label and sort key are worked out once, when it is made: one BookDate is shared by
    every annotation giving the same date text (see :func:`parse_date`), and pages print them often.
    """

    start: DatePoint
    end: DatePoint | None
    text: str
    slug: str = field(init=False, compare=False, repr=False)
    label: str = field(init=False, compare=False, repr=False)
    sort_key: tuple[dt.date, dt.date, str] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        a, b = self.start, self.end
        if b is None:
            slug, label = a.slug, a.label
        else:
            slug = f"{a.slug}--{b.slug}"
            if a.precision == b.precision == "day" and (a.first.year, a.first.month) == (b.first.year, b.first.month):
                label = f"{a.first.day}–{b.first.day} {MONTHS[a.first.month - 1]} {a.first.year}"
            else:
                label = f"{a.label} – {b.label}"
        object.__setattr__(self, "slug", slug)
        object.__setattr__(self, "label", label)
        object.__setattr__(self, "sort_key", (a.first, (b or a).last, self.text))

    @property
    def precision(self) -> str:
        return self.start.precision if self.end is None else "interval"

    @property
    def latest_day(self) -> dt.date:
        return (self.end or self.start).last

    @property
    def precision_label(self) -> str:
        return _PRECISION_LABELS[self.precision]

    def __lt__(self, other: "BookDate") -> bool:
        return self.sort_key < other.sort_key


def parse_date(text: str) -> BookDate:
    """Parse a content date string; raises DateError with a reader's message."""
    if not isinstance(text, str):
        raise DateError(f"expected a date string, got {type(text).__name__}")
    numeric = _NUMERIC_DAY.fullmatch(text.strip())
    if numeric:
        raise DateError(iso_suggestion(text.strip(), numeric))
    return _parse(text)


def iso_suggestion(text: str, m: re.Match[str]) -> str:
    """The message for a day written as ``dd/mm/yyyy`` (or ``mm/dd/yyyy``, or with dots): the ISO
    form to write instead; both readings when the day and month could be swapped."""
    a, b, year = int(m.group(1)), int(m.group(3)), int(m.group(4))
    readings = []
    for day, month, name in ((a, b, "day/month/year"), (b, a, "month/day/year")):
        try:
            readings.append((dt.date(year, month, day).isoformat(), name))
        except ValueError:
            continue
    if not readings:
        return f"'{text}' is not a date (no such day); write YYYY-MM-DD"
    if len(readings) == 1 or readings[0][0] == readings[1][0]:
        return f"'{text}' is not a date; write {readings[0][0]}"
    return (f"'{text}' is not a date; write {readings[0][0]} (if it is {readings[0][1]}) or "
            f"{readings[1][0]} (if {readings[1][1]})")


@functools.lru_cache(maxsize=1 << 15)
def _parse(text: str) -> BookDate:
    """One BookDate per date text (they are immutable): a big book's 100,000 annotations share a
    few thousand dates, and pages read each date's label and slug from the same few objects."""
    if "/" in text:
        a, _, b = text.partition("/")
        start, end = _point(a), _point(b)
        if end.last < start.first:
            raise DateError(f"'{text}': the interval ends before it starts")
        return BookDate(start, end, text)
    return BookDate(_point(text), None, text)
