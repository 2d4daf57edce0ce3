"""Stage 2, validate: schema and references for every content file; all problems collected.

Each YAML document is checked against its JSON Schema (messages rewritten into plain words and
pointed at the right line), then built into typed entities (:mod:`bookgen.entities`), then every
reference between entities is checked, with a "did you mean" for unknown ids.
"""

from __future__ import annotations

from typing import Any, Callable

import fastjsonschema

from bookgen import memo
from bookgen.dates import BookDate, DateError, parse_date
from bookgen.entities import (Actor, Annotation, Claim, Entities, Event, Figure, HeardAs, Inference, Issue, LeftOut,
                              Loc, Source, Speaker, Statement, StatusEntry)
from bookgen.ids import EntityId
from bookgen.load import KINDS, LoadedContent
from bookgen.problems import Problems
from bookgen.salvage import Salvaged, salvage
from bookgen.schemas import plain_message, quick_check, suggest, validator
from bookgen.yamlstrict import YamlDocument


class _Reader:
    """Helpers to read a schema-checked document while keeping positions."""

    def __init__(self, doc: YamlDocument, problems: Problems, refs: list[tuple[str, str, Loc]],
                 salvaged: Salvaged | None = None) -> None:
        self.doc = doc
        self.problems = problems
        self.refs = refs
        self.salvaged = salvaged

    def ref(self, target: str, value: str | None, *path: Any) -> None:
        """Note a reference to another entity, to be checked once everything is built."""
        if value is not None:
            self.refs.append((target, value, self.loc(*path)))

    def refs_in(self, target: str, data: dict[str, Any], key: str, *path: Any) -> None:
        for i, value in enumerate(data.get(key, [])):
            self.ref(target, value, *path, key, i)

    def loc(self, *path: Any) -> Loc:
        node = self.salvaged.original_path(path) if self.salvaged else path
        return Loc.at(self.doc.path, self.doc.positions, node)

    def date(self, value: str | None, *path: Any) -> BookDate | None:
        if value is None:
            return None
        try:
            return parse_date(value)
        except DateError as exc:
            loc = self.loc(*path)
            self.problems.error(loc.path, loc.line, loc.col, f"bad date: {exc}", "bad-date")
            return None

    def statement(self, data: dict[str, Any], *path: Any) -> Statement:
        self.refs_in("annotation", data, "cite", *path)
        return Statement(data["text"], tuple(data["cite"]), self.loc(*path))

    def inferred(self, data: dict[str, Any], always: tuple[str, ...], *path: Any) -> tuple[Inference, ...]:
        """The ``inferred:`` notes, each on a field that has a value (or one of ``always``)."""
        notes = data.get("inferred", {})
        for name in notes:
            if name not in always and data.get(name) in (None, [], "unknown"):
                loc = self.loc(*path, "inferred", name)
                self.problems.error(loc.path, loc.line, loc.col,
                                    f"inferred.{name} explains a field that is not set; set {name}: "
                                    f"or remove the note", "inferred-unset")
        return tuple(Inference(name, note) for name, note in notes.items())


# (schema, file) -> the very document that passed it: a long process (serve) gets the same
# document object back from the loader while a file's bytes are unchanged (bookgen.load), so it
# checks each unchanged document once. Validity depends on nothing else.
_PASSED: dict[tuple[str, str], YamlDocument] = {}


def _schema_ok(doc: YamlDocument, schema_name: str, problems: Problems) -> bool:
    key = (schema_name, doc.path)
    if memo.ENABLED and _PASSED.get(key) is doc:
        return True
    try:
        quick_check(schema_name)(doc.data)
    except fastjsonschema.JsonSchemaException:
        pass  # invalid: the full validator below says what is wrong, in plain words
    else:
        if memo.ENABLED:
            _PASSED[key] = doc
        return True
    ok = True
    errors = sorted(validator(schema_name).iter_errors(doc.data), key=lambda e: list(map(str, e.absolute_path)))
    for error in errors:
        if error.validator in ("allOf", "if", "then") and error.context:
            continue
        path, at_key, message = plain_message(error)
        line, col = doc.mark(path, key=at_key)
        problems.error(doc.path, line, col, message, "schema")
        ok = False
    if ok and memo.ENABLED:
        _PASSED[key] = doc
    return ok


def declared_ids(loaded: LoadedContent) -> dict[str, set[str]]:
    """Ids with a file (or an annotation entry) even if it failed its own checks, by kind."""
    return _declared(loaded)


def check_schema(doc: YamlDocument, schema_name: str, problems: Problems) -> bool:
    """Check ``doc`` against the named schema, reporting every violation; True if it passed."""
    return _schema_ok(doc, schema_name, problems)


def _schema_checked(doc: YamlDocument, schema_name: str, problems: Problems) -> tuple[Any, Salvaged | None]:
    """The data to build from: the document's own when it passes its schema; otherwise (its
    errors reported) what is left once every broken node is taken out, so the rest of the file is
    still built and checked; None when nothing is left (the file as a whole is broken)."""
    if _schema_ok(doc, schema_name, problems):
        return doc.data, None
    salvaged = salvage(doc.data, schema_name)
    return (None, None) if salvaged is None else (salvaged.data, salvaged)


def _heard_as(d: dict[str, Any]) -> tuple[HeardAs, ...]:
    return tuple(HeardAs(heard, meant) for heard, meant in d.get("heard_as", {}).items())


def _left_out(d: dict[str, Any], r: _Reader) -> tuple[LeftOut, ...]:
    out = []
    transcript = d.get("kind") == "transcript"
    for i, x in enumerate(d.get("left_out", [])):
        given = [k for k in ("quote", "paragraphs", "speaker") if k in x]
        loc = r.loc("left_out", i, given[0] if given else "reason")
        if len(given) != 1 or (x.get("speaker") and not transcript):
            why = ("'speaker' is for transcripts (kind: transcript); use quote or paragraphs" if len(given) == 1
                   else f"give one of quote, paragraphs or speaker, not {' and '.join(given)}" if given
                   else "say which paragraphs: add quote, paragraphs (e.g. 3-9) or, in a transcript, speaker")
            r.problems.error(loc.path, loc.line, loc.col, f"left_out[{i + 1}]: {why}", "schema")
            continue
        out.append(LeftOut(x.get("quote"), x.get("prefix"), x.get("suffix"), x["reason"], loc,
                           x.get("paragraphs"), x.get("speaker")))
    return tuple(out)


def _build_source(sid: EntityId, d: dict[str, Any], r: _Reader) -> Source:
    published = None if d["published"] == "unknown" else r.date(d["published"], "published")
    speakers = []
    for i, x in enumerate(d.get("speakers", [])):
        r.ref("actor", x.get("actor"), "speakers", i, "actor")
        speakers.append(Speaker(x.get("label"), x.get("actor"), x.get("from"), x.get("to")))
    if speakers and d.get("kind") != "transcript":
        loc = r.loc("speakers")
        r.problems.error(loc.path, loc.line, loc.col, "speakers are for transcripts; add `kind: transcript` "
                         "or remove them", "schema")
    return Source(sid, d["file"], d["title"], d.get("title_from"), d["publisher"], d["url"], published,
                  d.get("published_note"), d["sha256"], _left_out(d, r), r.loc(), d.get("short"),
                  d.get("kind", "article"),
                  tuple(speakers), _heard_as(d), d.get("author"), tuple(d.get("metadata_from", {}).items()),
                  d.get("original"))


def _build_actor(aid: EntityId, d: dict[str, Any], r: _Reader) -> Actor:
    r.ref("actor", d.get("affiliation"), "affiliation")
    r.refs_in("annotation", d, "cite")
    return Actor(aid, d["name"], d["kind"], d.get("role"), d.get("affiliation"),
                 tuple(d.get("aliases", [])), tuple(d.get("cite", [])), r.loc(), d.get("camp"),
                 r.loc("camp") if "camp" in d else None)


def _build_issue(iid: EntityId, d: dict[str, Any], r: _Reader) -> Issue:
    r.ref("issue", d.get("parent"), "parent")
    r.refs_in("issue", d, "related")
    status = []
    for i, s in enumerate(d.get("status", [])):
        as_of = r.date(s["as_of"], "status", i, "as_of")
        r.refs_in("annotation", s, "cite", "status", i)
        r.refs_in("actor", s, "per", "status", i)
        r.refs_in("actor", s, "disputed_by", "status", i)
        both = set(s.get("per", [])) & set(s.get("disputed_by", []))
        if both:
            loc = r.loc("status", i, "disputed_by")
            r.problems.error(loc.path, loc.line, loc.col, f"'{sorted(both)[0]}' is both in per and in disputed_by; "
                             "an actor either gives the account or contests it", "status-per-disputed")
        if as_of is not None:
            status.append(StatusEntry(as_of, s["status"], s["text"], tuple(s["cite"]), r.loc("status", i),
                                      tuple(s.get("per", [])), tuple(s.get("disputed_by", []))))
    questions = tuple(r.statement(q, "open_questions", i) for i, q in enumerate(d.get("open_questions", [])))
    return Issue(iid, d["title"], d.get("parent"), tuple(d.get("related", [])),
                 r.statement(d["summary"], "summary"), tuple(sorted(status, key=lambda s: s.as_of.sort_key)),
                 questions, r.loc(), d.get("kind", "negotiation"))


def _build_event(eid: EntityId, d: dict[str, Any], r: _Reader) -> Event | None:
    r.refs_in("actor", d, "actors")
    r.refs_in("issue", d, "issues")
    date = r.date(d["date"], "date")
    if date is None:
        return None
    return Event(eid, d["title"], date, d["status"], d.get("place"), tuple(d.get("actors", [])),
                 tuple(d.get("issues", [])), r.statement(d["summary"], "summary"), r.loc(),
                 int(d["sequence"]) if "sequence" in d else None,
                 r.inferred(d, ("sequence",)))


def _build_claim(cid: EntityId, d: dict[str, Any], r: _Reader) -> Claim:
    return Claim(cid, d["title"], d["question"], r.loc())


def _build_annotations(sid: EntityId, d: dict[str, Any], r: _Reader) -> list[Annotation]:
    out = []
    if d["source"] != sid:
        loc = r.loc("source")
        r.problems.error(loc.path, loc.line, loc.col, f"source is '{d['source']}' but this file annotates "
                         f"'{sid}' (its file name); make them the same", "annotations-source-mismatch")
    for i, a in enumerate(d["annotations"]):
        fig = a.get("figure")
        r.ref("actor", a.get("speaker"), "annotations", i, "speaker")
        r.refs_in("actor", a, "actors", "annotations", i)
        r.refs_in("issue", a, "issues", "annotations", i)
        r.ref("event", a.get("event"), "annotations", i, "event")
        r.ref("claim", a.get("claim"), "annotations", i, "claim")
        actors = tuple(dict.fromkeys(([a["speaker"]] if a.get("speaker") else []) + list(a.get("actors", []))))
        voice = a.get("voice") or ("speaker" if a.get("speaker") else "source")
        if voice in ("speaker", "attributed") and not a.get("speaker"):
            loc = r.loc("annotations", i, "voice")
            r.problems.error(loc.path, loc.line, loc.col, f"voice '{voice}' needs a speaker, the actor whose "
                             "words or view this is; add speaker: <actor id>, or use voice: source for the "
                             "report's own analysis", "voice-needs-speaker")
        out.append(Annotation(
            a["id"], sid, a["kind"], a["quote"], a.get("prefix"), a.get("suffix"), a["note"],
            a.get("speaker"), voice, a.get("audience"), actors, tuple(a.get("issues", [])),
            r.date(a.get("date"), "annotations", i, "date"), a.get("event"), a.get("claim"), a.get("stance"),
            Figure(fig["value"], fig["unit"], fig["measures"]) if fig else None,
            r.loc("annotations", i), r.loc("annotations", i, "quote"), _heard_as(a),
            r.inferred(a, (), "annotations", i)))
    return out


_BUILDERS: dict[str, Callable[..., Any]] = {
    "sources": _build_source, "actors": _build_actor, "issues": _build_issue,
    "events": _build_event, "claims": _build_claim,
}


# (kind, id) -> (the document, what was built from it, the references it holds), for documents
# built without any problem. ``load`` hands back the very same document object while a file's bytes
# are unchanged, so a long process (serve) builds again only the files that changed.
_BUILT: dict[tuple[str, EntityId], tuple[YamlDocument, Any, list[tuple[str, str, Loc]]]] = {}


def _build(kind: str, eid: EntityId, doc: YamlDocument, problems: Problems,
           refs: list[tuple[str, str, Loc]], data: Any, salvaged: Salvaged | None) -> Any:
    hit = _BUILT.get((kind, eid))
    if salvaged is None and hit is not None and hit[0] is doc:
        refs.extend(hit[2])
        return hit[1]
    before, own = len(problems.items), []
    reader = _Reader(doc, problems, own, salvaged)
    builder = _build_annotations if kind == "annotations" else _BUILDERS[kind]
    built = builder(eid, data, reader)
    refs.extend(own)
    if salvaged is None and len(problems.items) == before and memo.ENABLED:
        _BUILT[(kind, eid)] = (doc, built, own)
    return built


def validate(loaded: LoadedContent, problems: Problems) -> Entities:
    """Check every document and reference; returns what could be built (problems say what could not)."""
    entities = Entities()
    refs: list[tuple[str, str, Loc]] = []
    for kind, docs in loaded.docs.items():
        for eid, doc in docs.items():
            data, salvaged = _schema_checked(doc, KINDS[kind], problems)
            if data is None:
                continue
            if kind == "annotations":
                for ann in _build(kind, eid, doc, problems, refs, data, salvaged):
                    first = entities.annotations.get(ann.id)
                    if first is not None:
                        problems.error(ann.loc.path, ann.loc.line, ann.loc.col,
                                       f"duplicate annotation id '{ann.id}' (first used at {first.loc.path}:"
                                       f"{first.loc.line}); annotation ids are unique across the book",
                                       "duplicate-id")
                        continue
                    entities.annotations[ann.id] = ann
                continue
            built = _build(kind, eid, doc, problems, refs, data, salvaged)
            if built is not None:
                getattr(entities, kind)[eid] = built
    _check_sources(loaded, entities, problems)
    _check_references(entities, refs, problems, _declared(loaded))
    return entities


def _check_sources(loaded: LoadedContent, entities: Entities, problems: Problems) -> None:
    """Annotation files must name a source; changed source texts are :mod:`bookgen.drift`'s job."""
    for sid, doc in loaded.docs["annotations"].items():
        if sid not in entities.sources and sid not in loaded.docs["sources"] \
                and sid not in loaded.unreadable.get("sources", set()):
            problems.error(doc.path, 1, 1, f"annotations for unknown source '{sid}' (the file name must be a source id)"
                           f"{suggest(sid, entities.sources)}", "unknown-id")


def _declared(loaded: LoadedContent) -> dict[str, set[str]]:
    """Ids that have a file (or an ``id:`` entry) even if it failed its own checks: a reference to
    one is not reported again as unknown, since that file's own error says what to fix."""
    annotations = {a["id"] for doc in loaded.docs["annotations"].values() if isinstance(doc.data, dict)
                   for a in (doc.data.get("annotations") if isinstance(doc.data.get("annotations"), list) else [])
                   if isinstance(a, dict) and isinstance(a.get("id"), str)}
    def files(kind: str) -> set[str]:
        return set(loaded.docs[kind]) | loaded.unreadable.get(kind, set())

    return {"actor": files("actors"), "issue": files("issues"), "event": files("events"),
            "claim": files("claims"), "annotation": annotations}


def _check_references(e: Entities, refs: list[tuple[str, str, Loc]], problems: Problems,
                      declared: dict[str, set[str]]) -> None:
    known: dict[str, dict[EntityId, Any]] = {"actor": e.actors, "issue": e.issues, "event": e.events,
                                             "claim": e.claims, "annotation": e.annotations}
    for target, value, loc in refs:
        if value not in known[target] and value not in declared[target]:
            problems.error(loc.path, loc.line, loc.col, f"unknown {target} id '{value}'"
                           f"{suggest(value, set(known[target]) | declared[target])}", "unknown-id")
    for issue in e.issues.values():
        seen = {issue.id}
        parent = issue.parent
        while parent in e.issues:
            if parent in seen:
                problems.error(issue.loc.path, issue.loc.line, issue.loc.col,
                               f"issue '{issue.id}' is its own ancestor through 'parent'; break the cycle",
                               "parent-cycle")
                break
            seen.add(parent)
            parent = e.issues[parent].parent
    aliases: dict[str, EntityId] = {}
    for actor in e.actors.values():
        for name in (actor.name, *actor.aliases):
            key = name.casefold()
            if key in aliases and aliases[key] != actor.id:
                problems.warning(actor.loc.path, actor.loc.line, actor.loc.col,
                                 f"alias '{name}' is also used by actor '{aliases[key]}'; a name should "
                                 "point to one actor", "duplicate-alias")
            aliases.setdefault(key, actor.id)
