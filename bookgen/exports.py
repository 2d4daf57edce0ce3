"""Machine-readable exports of the resolved book, written into the docs tree so the site links them.

* ``briefing.json`` — every entity, resolved (quotes located in their sources), with its JSON
  Schema ``briefing.schema.json``; the schema is derived from the entity dataclasses, so the two
  cannot drift apart.
* ``claims.csv`` — one row per source's report of a claim, for side-by-side comparison.
* ``timeline.ics`` — the events as all-day iCalendar entries (``icalendar`` library).

Every byte is derived from content: keys and rows are sorted, and the iCalendar DTSTAMP is the
book's "as of" date, never the clock. Same book, same bytes.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import functools
import io
import re
from typing import Any, Callable, Iterator, TypeVar

import icalendar
import orjson

from bookgen import collector, memo
from bookgen.dates import BookDate
from bookgen.entities import (VOICES, Actor, Annotation, Claim, Event, Figure, HeardAs, Inference, Issue, LeftOut,
                              Source, Speaker, Statement, StatusEntry)
from bookgen.model import Book

JSON = "briefing.json"
SCHEMA = "briefing.schema.json"
CSV = "claims.csv"
ICS = "timeline.ics"
FILES = (JSON, SCHEMA, CSV, ICS)

_SKIP = {"loc", "quote_loc", "camp_loc"}  # where an editor typed it: not part of the book
_EPOCH = dt.date(1970, 1, 1)


# ---------------------------------------------------------------------------------------------
# JSON


def date_json(d: BookDate | None) -> dict[str, Any] | None:
    """A date with its honest precision: the text as written, a label and the day range it covers."""
    if d is None:
        return None
    return {"text": d.text, "label": d.label, "precision": d.precision,
            "first_day": d.start.first.isoformat(), "last_day": d.latest_day.isoformat()}


@functools.cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls) if f.name not in _SKIP)


def plain(value: Any) -> Any:
    """Any content value as JSON-ready data (dataclasses become objects without their locations)."""
    cls = value.__class__
    if cls in _AS_IS:
        return value
    return (_CONVERTERS.get(cls) or _converter(cls))(value)


def _converter(cls: type) -> Callable[[Any], Any]:
    """How :func:`plain` converts a value of type ``cls``, decided once per type."""
    convert: Callable[[Any], Any]
    if issubclass(cls, BookDate):
        convert = date_json
    elif dataclasses.is_dataclass(cls):
        names = _field_names(cls)
        convert = lambda v: {name: plain(getattr(v, name)) for name in names}  # noqa: E731
    elif issubclass(cls, (list, tuple)):
        convert = lambda v: [plain(x) for x in v]  # noqa: E731
    elif issubclass(cls, dict):
        convert = lambda v: {str(k): plain(x) for k, x in v.items()}  # noqa: E731
    else:
        _AS_IS.add(cls)  # str (ids too), numbers, None: JSON as they are
        return plain
    _CONVERTERS[cls] = convert
    return convert


_AS_IS: set[type] = set()
_CONVERTERS: dict[type, Callable[[Any], Any]] = {}


# In a long process (serve, :mod:`bookgen.memo`): per key, the values a piece of an export was made
# from and what was made. An edit changes a few entities; the rest come back from load and validate
# as the very same objects, so the comparison is by identity but for what changed.
_LAST: dict[Any, tuple[tuple[Any, ...], Any]] = {}
T = TypeVar("T")


def _same_as_last(key: Any, made_from: tuple[Any, ...], make: Callable[..., T], *args: Any) -> T:
    """``make(*args)``, or in serve what it gave last time for ``key`` if ``made_from`` is equal."""
    if not memo.ENABLED:
        return make(*args)
    hit = _LAST.get(key)
    if hit is not None and hit[0] == made_from:
        return hit[1]  # type: ignore[no-any-return]
    value = make(*args)
    _LAST[key] = (made_from, value)
    return value


def _entity(entity: Any) -> dict[str, Any]:
    """``plain(entity)`` (shared in serve: callers copy it before changing it)."""
    return _same_as_last((entity.__class__, entity.id), (entity,), plain, entity)


def _annotation(book: Book, a: Any) -> dict[str, Any]:
    anchor, text = book.anchors[a.id], book.texts[a.source]
    return _same_as_last(("found", a.id), (a, anchor, text), _annotation_item, a, anchor, text)


def _annotation_item(a: Any, anchor: Any, text: Any) -> dict[str, Any]:
    item = plain(a)
    item["found"] = {"paragraph": anchor.block, "start": anchor.start, "end": anchor.end,
                     "exact": anchor.exact, "text": text.text[anchor.start: anchor.end]}
    return item


def briefing_sections(book: Book) -> dict[str, Any]:
    """The JSON export's top-level values; the lists of entities are generators (see :func:`briefing_json`)."""
    return {
        "$schema": SCHEMA,
        "title": book.title,
        "as_of": date_json(book.as_of),
        "sources": (_entity(s) for s in book.sources.values()),
        "actors": (_entity(a) for a in book.actors.values()),
        "issues": (_entity(i) for i in book.issues.values()),
        "events": (_entity(e) for e in book.events.values()),
        "claims": (_entity(c) for c in book.claims.values()),
        "annotations": (_annotation(book, a) for a in book.annotations.values()),
        "dates": (date_json(d) for d in book.dates.values()),
    }


def briefing(book: Book) -> dict[str, Any]:
    """The JSON export as one value."""
    return {k: list(v) if isinstance(v, Iterator) else v for k, v in briefing_sections(book).items()}


_INDENTED = orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS


def _dumps(data: Any) -> bytes:
    """Indented, keys sorted, UTF-8 (orjson: the standard library's indenting encoder is pure
    Python, and took a second per edit of a 1,000-source book in ``serve``)."""
    return orjson.dumps(data, option=_INDENTED) + b"\n"


def briefing_json(book: Book) -> Iterator[bytes]:
    """``_dumps(briefing(book))``, in pieces made one entity at a time: at 10,000 sources the
    whole export as Python values took about 250 MB, and its bytes another 120 MB."""
    yield b"{"
    for n, (key, value) in enumerate(sorted(briefing_sections(book).items())):
        yield (b",\n  " if n else b"\n  ") + orjson.dumps(key) + b": "
        if not isinstance(value, Iterator):
            yield orjson.dumps(value, option=_INDENTED).replace(b"\n", b"\n  ")
            continue
        empty = True
        for item in value:
            yield (b"[\n    " if empty else b",\n    ") + orjson.dumps(item, option=_INDENTED).replace(b"\n", b"\n    ")
            empty = False
        yield b"[]" if empty else b"\n  ]"
    yield b"\n}\n"


# The JSON Schema, derived from the dataclasses' annotations (strings, under postponed evaluation).
_TYPES: dict[str, Any] = {
    "str": {"type": "string"},
    "EntityId": {"type": "string"},
    "int": {"type": "integer"},
    "int | None": {"type": ["integer", "null"]},
    "bool": {"type": "boolean"},
    "str | None": {"type": ["string", "null"]},
    "EntityId | None": {"type": ["string", "null"]},
    "BookDate": {"$ref": "#/$defs/date"},
    "BookDate | None": {"anyOf": [{"$ref": "#/$defs/date"}, {"type": "null"}]},
    "tuple[str, ...]": {"type": "array", "items": {"type": "string"}},
    "tuple[EntityId, ...]": {"type": "array", "items": {"type": "string"}},
    "Statement": {"$ref": "#/$defs/Statement"},
    "tuple[Statement, ...]": {"type": "array", "items": {"$ref": "#/$defs/Statement"}},
    "tuple[StatusEntry, ...]": {"type": "array", "items": {"$ref": "#/$defs/StatusEntry"}},
    "tuple[LeftOut, ...]": {"type": "array", "items": {"$ref": "#/$defs/LeftOut"}},
    "Figure | None": {"anyOf": [{"$ref": "#/$defs/Figure"}, {"type": "null"}]},
    "tuple[HeardAs, ...]": {"type": "array", "items": {"$ref": "#/$defs/HeardAs"}},
    "tuple[Speaker, ...]": {"type": "array", "items": {"$ref": "#/$defs/Speaker"}},
    "tuple[tuple[str, str], ...]": {"type": "array", "items": {"type": "array", "items": {"type": "string"},
                                                              "minItems": 2, "maxItems": 2}},
    "tuple[Inference, ...]": {"type": "array", "items": {"$ref": "#/$defs/Inference"}},
}
_ENTITIES = (Source, Actor, Issue, Event, Claim, Annotation, Statement, StatusEntry, LeftOut, Figure, HeardAs, Speaker,
             Inference)


def _object(cls: type) -> dict[str, Any]:
    props = {f.name: _TYPES[str(f.type)] for f in dataclasses.fields(cls) if f.name not in _SKIP}
    return {"type": "object", "required": sorted(props), "additionalProperties": False, "properties": props}


def schema() -> dict[str, Any]:
    defs = {cls.__name__: _object(cls) for cls in _ENTITIES}
    defs["Annotation"]["properties"]["found"] = {
        "type": "object", "additionalProperties": False,
        "required": ["paragraph", "start", "end", "exact", "text"],
        "properties": {"paragraph": {"type": "integer"}, "start": {"type": "integer"},
                       "end": {"type": "integer"}, "exact": {"type": "boolean"}, "text": {"type": "string"}},
        "description": "Where the quote was found in the source text (character offsets, paragraph ¶).",
    }
    defs["Annotation"]["required"] = sorted([*defs["Annotation"]["required"], "found"])
    defs["Annotation"]["properties"]["voice"] = {
        "enum": list(VOICES),
        "description": "speaker: the actor's own words; attributed: a view the source ascribes to the speaker "
                       "without quoting them; source: the source's own analysis.",
    }
    defs["StatusEntry"]["properties"]["per"]["description"] = "Actor ids: on whose account the status rests."
    defs["StatusEntry"]["properties"]["disputed_by"]["description"] = "Actor ids: who contests the status."
    defs["Inference"]["description"] = "An editor's note that a field's value goes beyond the quoted passages."
    day = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
    defs["date"] = {
        "type": "object", "additionalProperties": False,
        "required": ["text", "label", "precision", "first_day", "last_day"],
        "properties": {"text": {"type": "string"}, "label": {"type": "string"},
                       "precision": {"enum": ["day", "month", "year", "part-month", "part-year", "interval"]},
                       "first_day": day, "last_day": day},
        "description": "A date as precise as the sources give it; first_day..last_day is the range it covers.",
    }
    arrays = {k: {"type": "array", "items": {"$ref": f"#/$defs/{cls.__name__}"}}
              for k, cls in (("sources", Source), ("actors", Actor), ("issues", Issue), ("events", Event),
                             ("claims", Claim), ("annotations", Annotation))}
    props: dict[str, Any] = {"$schema": {"type": "string"}, "title": {"type": "string"},
                             "as_of": {"anyOf": [{"$ref": "#/$defs/date"}, {"type": "null"}]},
                             "dates": {"type": "array", "items": {"$ref": "#/$defs/date"}}, **arrays}
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA,
            "title": "bookgen briefing book", "type": "object", "additionalProperties": False,
            "required": sorted(props), "properties": props, "$defs": dict(sorted(defs.items()))}


# ---------------------------------------------------------------------------------------------
# CSV

CSV_COLUMNS = ("claim", "claim_title", "question", "source", "source_title", "publisher", "published",
               "speaker", "voice", "date", "figure_value", "figure_unit", "figure_measures", "note", "quote",
               "paragraph", "annotation")


_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)*%?")


_FORMULA_START = frozenset("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20")  # full-width = + - @ too


def csv_cell(value: Any) -> Any:
    """A cell a spreadsheet shows as text (CSV formula injection, e.g. ``=HYPERLINK(...)`` typed
    into a note): one that starts like a formula (``= + - @``, their full-width forms, tab, CR or
    LF, also after leading spaces) and is not a plain number gets a leading apostrophe, the
    spreadsheet convention for literal text. A cell never holds a raw CR: line breaks are LF."""
    if not isinstance(value, str):
        return value
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    first = value.lstrip(" ")[:1] or value[:1]
    if first in _FORMULA_START and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def claims_csv(book: Book) -> bytes:
    out = io.StringIO(newline="")
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(CSV_COLUMNS)
    for claim in book.claims.values():
        for a in book.by_claim.get(claim.id, ()):
            src = book.sources[a.source]
            anchor = book.anchors[a.id]
            fig = a.figure
            w.writerow(map(csv_cell, [
                claim.id, claim.title, claim.question, src.id, src.title, src.publisher,
                src.published.text if src.published else "", a.speaker or "", a.voice,
                a.date.text if a.date else "", fig.value if fig else "", fig.unit if fig else "",
                fig.measures if fig else "", a.note,
                book.texts[a.source].text[anchor.start: anchor.end], anchor.block, a.id]))
    return out.getvalue().encode("utf-8")


# ---------------------------------------------------------------------------------------------
# iCalendar

_ICS_STATUS = {"happened": "CONFIRMED", "planned": "TENTATIVE", "proposed": "TENTATIVE"}


def timeline_ics(book: Book) -> bytes:
    """The events as iCalendar (in serve made again only when what it shows changed)."""
    made_from = (book.title, book.as_of, tuple(book.events.values()), tuple(book.issues.values()))
    return _same_as_last("ics", made_from, _timeline_ics, book)


def _timeline_ics(book: Book) -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", "-//bookgen//briefing timeline//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", book.title)
    as_of = book.as_of.latest_day if book.as_of else _EPOCH
    stamp = dt.datetime(as_of.year, as_of.month, as_of.day, tzinfo=dt.timezone.utc)
    for e in book.events.values():
        ev = icalendar.Event()
        ev.add("uid", f"{e.id}@bookgen")
        ev.add("dtstamp", stamp)
        ev.add("summary", e.title)
        ev.add("dtstart", e.date.start.first)
        ev.add("dtend", e.date.latest_day + dt.timedelta(days=1))
        precision = "" if e.date.precision == "day" else (
            f" The sources give this date only as \"{e.date.label}\" ({e.date.precision_label}); "
            "the calendar entry spans that whole range.")
        inferred = "".join(f" Inferred ({x.field}): {x.note.rstrip('.')}." for x in e.inferred)
        ev.add("description", f"{e.summary.text}{precision}{inferred} Status: {e.status}.")
        ev.add("status", _ICS_STATUS[e.status])
        if e.place:
            ev.add("location", e.place)
        if e.issues:
            ev.add("categories", [book.issues[i].title for i in e.issues])
        cal.add_component(ev)
    return cal.to_ical()


def iter_export_files(book: Book) -> Iterator[tuple[str, bytes | Iterator[bytes]]]:
    """The export files, docs-relative path -> bytes (the JSON as an iterator of pieces), one at a time."""
    with collector.paused():
        yield JSON, briefing_json(book)
        yield SCHEMA, _dumps(schema())
        yield CSV, claims_csv(book)
        yield ICS, timeline_ics(book)


def export_files(book: Book) -> dict[str, bytes]:
    """The export files, docs-relative path -> bytes."""
    return {path: data if isinstance(data, bytes) else b"".join(data) for path, data in iter_export_files(book)}
