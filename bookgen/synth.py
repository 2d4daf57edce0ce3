"""A seeded synthetic corpus: ``content/`` + ``seeds/`` for N sources, for benchmarks and tests.

The corpus looks like a real briefing book grown large: articles of headings, paragraphs and the
odd pipe table; about ten annotations per source, each quoting one exact sentence of its article;
actors, issues, events, claims and dates shared across sources with a skewed (Zipf-like) reuse, so
a few actors and issues appear everywhere and most only now and then; every paragraph is either
cited or listed in ``left_out``; every source is pinned with the sha256 of its bytes. Entity counts
grow in proportion to N, so pages per source stay constant as the corpus grows.

Same ``(n, seed)`` -> same bytes. Only :mod:`random` seeded with the arguments is used.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import random
import re
from dataclasses import dataclass, field
from pathlib import Path

from bookgen.anchor import normalise
from bookgen.sourcetext import looks_like_heading, text_lines

BASE_DAY = dt.date(2024, 1, 1)
ANNOTATIONS_PER_SOURCE = 10
KINDS = ("statement", "position", "figure", "event", "assessment")
KIND_WEIGHTS = (30, 20, 15, 15, 20)
STATUSES = ("agreed", "nearly-agreed", "open", "contested")

_FIRST = ("Anna", "Boris", "Chen", "Dara", "Elif", "Farid", "Greta", "Hugo", "Ines", "Jonas", "Kira",
          "Luca", "Maya", "Nils", "Olga", "Pavel", "Rosa", "Sami", "Tara", "Umar", "Vera", "Wim", "Yara", "Zane")
_SYL = ("ko", "van", "mar", "lin", "dor", "sen", "ta", "ri", "ber", "gul", "nov", "ska", "hol", "mi", "ran",
        "tel", "zu", "ver", "dal", "os")
_ROLES = ("Foreign Minister", "Defence Minister", "Prime Minister", "President", "Chief Negotiator",
          "Special Envoy", "Secretary-General", "National Security Adviser", "Ambassador", "Spokesperson")
_ISSUE_A = ("Security", "Border", "Energy", "Grain", "Prisoner", "Sanctions", "Reconstruction", "Nuclear",
            "Maritime", "Airspace", "Refugee", "Debt", "Ceasefire", "Election", "Minority", "Water")
_ISSUE_B = ("guarantees", "monitoring", "corridors", "exchanges", "relief", "funding", "safety", "access",
            "verification", "timelines", "rights", "compensation", "demarcation", "oversight")
_ISSUE_SCOPE = ("Interim", "Joint", "Phased", "Regional", "Coastal", "Northern", "Southern", "Eastern",
                "Western", "Central", "Bilateral", "Permanent", "Emergency", "Transitional", "Long-term",
                "Cross-border")
_PLACES = ("Geneva", "Istanbul", "Vienna", "Doha", "Oslo", "Riyadh", "Helsinki", "Warsaw", "Ankara",
           "Brussels", "Rome", "Tallinn", "Bucharest", "Baku", "Palm Beach", "Minsk")
_OUTLETS = ("The Daily Ledger", "Northern Wire", "Capital Review", "Harbour Times", "Evening Dispatch",
            "Continental Post", "Field Report", "Morning Courier", "unknown")
_VERBS = ("said", "told reporters", "stressed", "warned", "insisted", "confirmed", "argued", "noted")
_CONNECT = ("Officials familiar with the talks said", "Diplomats in Vienna said", "According to a draft seen by reporters,",
            "Analysts cautioned that", "A senior aide added that", "Observers noted that")
_VALUES = ("monitoring", "funding", "the timetable", "troop numbers", "the exchange list", "the draft text",
           "inspections", "the corridor", "reconstruction money", "a referendum")
_UNITS = (("percent", "share of {x} agreed"), ("billion euros", "money pledged for {x}"),
          ("people", "people affected by {x}"), ("kilometres", "length of the line under {x}"),
          ("days", "days left to settle {x}"))


def _zipf_weights(n: int) -> list[float]:
    return [1.0 / (k + 2) for k in range(n)]


def _quote_yaml(value: str) -> str:
    """A YAML scalar for ``value``: plain when that is unambiguous, else double-quoted (JSON style)."""
    if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9 ,.'()%/–-]*[A-Za-z0-9.)%']", value) and ": " not in value \
            and " #" not in value and value.lower() not in ("yes", "no", "true", "false", "null", "on", "off"):
        return value
    return json.dumps(value, ensure_ascii=False)


def _day(n: int) -> str:
    return (BASE_DAY + dt.timedelta(days=n)).isoformat()


@dataclass
class _Ann:
    id: str
    kind: str
    quote: str
    note: str
    date: str
    speaker: str | None = None
    actors: list[str] = field(default_factory=list)
    issues: list[str] = field(default_factory=list)
    event: str | None = None
    claim: str | None = None
    stance: str | None = None
    figure: tuple[str, str, str] | None = None


class Corpus:
    """All entities of one synthetic book, decided up front from ``(n, seed)``."""

    def __init__(self, n: int, seed: int = 1) -> None:
        if n < 1:
            raise ValueError("a corpus needs at least one source")
        self.n = n
        self.rng = random.Random(f"bookgen-synth:{seed}:{n}")
        self.days = 30 + n // 3  # dates span grows with the corpus: about 30 annotations per day
        self.actors = self._make_actors(5 + n // 5)
        self.issues = self._make_issues(3 + n // 20)
        self.events = self._make_events(2 + n // 10)
        self._event_by_id = {e["id"]: e for e in self.events}
        self.claims = [f"claim-{i:05d}" for i in range(2 + n // 10)]
        self._actor_w = _zipf_weights(len(self.actors))
        self._issue_w = _zipf_weights(len(self.issues))
        self._claim_w = _zipf_weights(len(self.claims))
        self._forced = {"actor": 0, "issue": 0, "event": 0, "claim": 0}

    # entities --------------------------------------------------------------------------------------
    def _make_actors(self, count: int) -> list[dict[str, str]]:
        out: list[dict[str, str]] = []
        seen: set[str] = set()
        for i in range(count):
            while True:
                surname = "".join(self.rng.choice(_SYL) for _ in range(self.rng.randint(2, 3))).capitalize()
                name = f"{self.rng.choice(_FIRST)} {surname}" if i % 5 else f"Republic of {surname}ia"
                aid = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
                if aid not in seen:
                    break
            seen.add(aid)
            kind = "state" if i % 5 == 0 else "person"
            out.append({"id": aid, "name": name, "kind": kind, "role": self.rng.choice(_ROLES) if kind == "person" else ""})
        states = [a["id"] for a in out if a["kind"] == "state"]
        for a in out:
            if a["kind"] == "person" and self.rng.random() < 0.7:
                a["affiliation"] = self.rng.choice(states)
        return out

    def _make_issues(self, count: int) -> list[dict[str, str]]:
        # three words from 3,584 combinations: titles are as long in a small book as in a big one
        # (two words ran out at 224 issues, and the longer fallback titles made every page of a
        # 10,000-source book 4% bigger than ten 1,000-source books: a bigger book, not just more of it)
        combos = list(itertools.product(_ISSUE_SCOPE, _ISSUE_A, _ISSUE_B))
        self.rng.shuffle(combos)
        out = []
        for i in range(count):
            scope, a, b = combos[i % len(combos)]
            title = f"{scope} {a.lower()} {b}" + (f" (round {i // len(combos) + 1})" if i >= len(combos) else "")
            out.append({"id": f"issue-{i:04d}", "title": title})
        return out

    def _make_events(self, count: int) -> list[dict[str, str]]:
        out = []
        for i in range(count):
            day = (i * self.days) // count
            place = self.rng.choice(_PLACES)
            out.append({"id": f"event-{i:05d}", "day": str(day), "place": place,
                        "title": f"Round {i + 1} of talks in {place}"})
        return out

    def _pick(self, kind: str, items: list, weights: list[float], k: int = 1) -> list:
        """``k`` distinct items, skewed to the popular ones; every item is used at least once early on."""
        chosen: list = []
        if self._forced[kind] < len(items):
            chosen.append(items[self._forced[kind]])
            self._forced[kind] += 1
        while len(chosen) < k:
            x = self.rng.choices(items, weights)[0]
            if x not in chosen:
                chosen.append(x)
        return chosen

    # one source --------------------------------------------------------------------------------------
    def _sentence(self, ann: _Ann, names: dict[str, str], issue_titles: dict[str, str], serial: int) -> str:
        r = self.rng
        who = names.get(ann.speaker or "", "")
        topic = issue_titles[ann.issues[0]].lower() if ann.issues else "the talks"
        if ann.kind == "figure":
            value, unit, _ = ann.figure or ("", "", "")
            return f"{who or 'The report'} put {topic} at {value} {unit}, the {serial}th figure cited this week."
        if ann.kind == "position":
            return f"{who} {r.choice(_VERBS)} that {topic} must include {r.choice(_VALUES)} before any signature (point {serial})."
        if ann.kind == "statement":
            return f"\u201cWe are not there yet on {topic},\u201d {who} {r.choice(_VERBS)} in remark {serial}."
        if ann.kind == "event":
            ev = self._event_by_id[ann.event or ""]
            return f"Delegations met in {ev['place']} for round {ev['id'][6:].lstrip('0') or '0'}, session {serial} of the day."
        return f"{r.choice(_CONNECT)} {topic} would hinge on {r.choice(_VALUES)}, item {serial} in the analysis."

    def _filler(self, serial: int, topic: str) -> str:
        r = self.rng
        return (f"{r.choice(_CONNECT)} the mood on {topic} shifted {r.choice(('slightly', 'sharply', 'again'))} "
                f"after exchange {serial}.")

    def source(self, i: int) -> tuple[str, str, str, list[_Ann]]:
        """``(source id, article text, source YAML, annotations)`` for source number ``i``."""
        r = self.rng
        sid = f"src-{i:05d}"
        pub = (i * self.days) // self.n
        names = {a["id"]: a["name"] for a in self.actors}
        titles = {x["id"]: x["title"] for x in self.issues}
        anns: list[_Ann] = []
        near_events = [e for e in self.events if pub - 20 <= int(e["day"]) <= pub] or self.events[:1]
        for j in range(ANNOTATIONS_PER_SOURCE):
            kind = r.choices(KINDS, KIND_WEIGHTS)[0]
            date = _day(max(0, pub - r.randint(0, 6)))
            if r.random() < 0.05:
                date = f"{r.choice(('early', 'mid', 'late'))} {date[:7]}"
            a = _Ann(f"{sid}-{j + 1:02d}", kind, "", "", date)
            a.issues = [x["id"] for x in self._pick("issue", self.issues, self._issue_w, r.choice((1, 1, 2)))]
            if kind in ("statement", "position", "figure"):
                a.speaker = self._pick("actor", self.actors, self._actor_w)[0]["id"]
            if r.random() < 0.5 or kind == "assessment":
                a.actors = [x["id"] for x in self._pick("actor", self.actors, self._actor_w) if x["id"] != a.speaker]
            if kind == "event":
                forced = self._forced["event"]
                ev = self.events[forced] if forced < len(self.events) else r.choice(near_events)
                self._forced["event"] = forced + 1
                a.event, a.date = ev["id"], _day(int(ev["day"]))
            if kind in ("statement", "figure") and r.random() < 0.3 or self._forced["claim"] < len(self.claims) and kind == "figure":
                a.claim = self._pick("claim", self.claims, self._claim_w)[0]
            if kind == "position":
                a.stance = f"{titles[a.issues[0]]} needs {r.choice(_VALUES)} first."
            if kind == "figure":
                unit, measures = r.choice(_UNITS)
                a.figure = (str(r.randint(2, 99)), unit, measures.format(x=titles[a.issues[0]].lower()))
            anns.append(a)
        text, left_out = self._article(sid, anns, names, titles)
        for a in anns:
            a.note = f"{names.get(a.speaker or '', 'The source')} on {titles[a.issues[0]].lower()}: {a.kind} {a.id[-2:]} of {sid}."
        blob = text.encode("utf-8")
        yaml_lines = [f"file: seeds/{sid}.txt", f"title: {_quote_yaml(text.split(chr(10), 1)[0])}",
                      "title_from: the heading on the first line", f"publisher: {_quote_yaml(r.choice(_OUTLETS))}",
                      "url: unknown", f"published: {_day(pub)}", f"sha256: {hashlib.sha256(blob).hexdigest()}"]
        heads = dict.fromkeys(line for line in text_lines(text) if looks_like_heading(line))
        if heads:  # only listed lines are headings; these are the article's section titles
            yaml_lines.append("headings:")
            yaml_lines += [f"  - {_quote_yaml(h)}" for h in heads]
        if left_out:
            yaml_lines.append("left_out:")
            for q in left_out:
                yaml_lines += [f"  - quote: {_quote_yaml(q)}", "    reason: background, not cited"]
        return sid, text, "\n".join(yaml_lines) + "\n", anns

    def _article(self, sid: str, anns: list[_Ann], names: dict[str, str],
                 titles: dict[str, str]) -> tuple[str, list[str]]:
        """The article's text, with one quotable sentence per annotation; returns the left-out quotes."""
        r = self.rng
        lines = [f"{titles[anns[0].issues[0]]}: report {sid[4:]} from {r.choice(_PLACES)}", ""]
        left_out: list[str] = []
        serial = itertools.count(1)
        pending = list(anns)
        section = 0
        while pending or section < 2:
            section += 1
            lines += [f"Section {section}: {r.choice(_ISSUE_A)} and {r.choice(_ISSUE_B)}", ""]
            for _ in range(r.randint(2, 4)):
                topic = titles[r.choice(self.issues)["id"]].lower()
                sentences = [self._filler(next(serial), topic) for _ in range(r.randint(1, 3))]
                if pending and r.random() < 0.85:
                    a = pending.pop(0)
                    a.quote = self._sentence(a, names, titles, next(serial))
                    sentences.insert(r.randint(0, len(sentences)), a.quote)
                else:
                    left_out.append(sentences[0])
                lines += [" ".join(sentences), ""]
            if r.random() < 0.15:
                lines += self._table(next(serial), left_out)
        text = "\n".join(lines).rstrip("\n") + "\n"
        for a in anns:  # every quote is one whole sentence; make sure no other text repeats it
            norm = normalise(text)[0]
            assert text.count(a.quote) == 1 and norm.count(normalise(a.quote)[0]) == 1, a.quote
        for q in left_out:
            assert text.count(q) == 1, q
        return text, left_out

    def _table(self, serial: int, left_out: list[str]) -> list[str]:
        rows = ["| Date | Place | Outcome |"]  # seed tables have no separator row
        for k in range(self.rng.randint(2, 4)):
            cell = f"Outcome {serial}.{k + 1}: {self.rng.choice(_VALUES)} discussed"
            rows.append(f"| {_day(self.rng.randrange(self.days))} | {self.rng.choice(_PLACES)} | {cell} |")
            left_out.append(cell)
        return rows + [""]


def write_corpus(root: Path, n: int, seed: int = 1) -> dict[str, int]:
    """Write ``content/`` and ``seeds/`` for ``n`` sources under ``root``; returns counts of what was made."""
    corpus = Corpus(n, seed)
    for folder in ("sources", "actors", "issues", "events", "claims", "annotations"):
        (root / "content" / folder).mkdir(parents=True, exist_ok=True)
    (root / "seeds").mkdir(parents=True, exist_ok=True)
    cites: dict[tuple[str, str], list[str]] = {}
    all_anns = 0
    for i in range(n):
        sid, text, source_yaml, anns = corpus.source(i)
        (root / "seeds" / f"{sid}.txt").write_bytes(text.encode("utf-8"))
        (root / "content" / "sources" / f"{sid}.yaml").write_text(source_yaml, "utf-8")
        (root / "content" / "annotations" / f"{sid}.yaml").write_text(_annotations_yaml(sid, anns), "utf-8")
        for a in anns:
            all_anns += 1
            for key in [("actor", x) for x in a.actors + ([a.speaker] if a.speaker else [])] + \
                       [("issue", x) for x in a.issues] + [("event", a.event or "")]:
                cites.setdefault(key, []).append(a.id)
            if a.speaker:
                cites.setdefault(("said", a.speaker), []).append(a.id)
    _write_entities(root, corpus, cites)
    return {"sources": n, "annotations": all_anns, "actors": len(corpus.actors), "issues": len(corpus.issues),
            "events": len(corpus.events), "claims": len(corpus.claims)}


def _annotations_yaml(sid: str, anns: list[_Ann]) -> str:
    out = [f"source: {sid}", "annotations:"]
    for a in anns:
        out += [f"  - id: {a.id}", f"    kind: {a.kind}", f"    quote: {_quote_yaml(a.quote)}",
                f"    note: {_quote_yaml(a.note)}"]
        if a.speaker:
            out.append(f"    speaker: {a.speaker}")
        out += [f"    {key}: [{', '.join(getattr(a, key))}]" for key in ("actors", "issues") if getattr(a, key)]
        out.append(f"    date: {a.date}")
        out += [f"    {key}: {getattr(a, key)}" for key in ("event", "claim") if getattr(a, key)]
        if a.stance:
            out.append(f"    stance: {_quote_yaml(a.stance)}")
        if a.figure:
            out += ["    figure:", f"      value: \"{a.figure[0]}\"", f"      unit: {a.figure[1]}",
                    f"      measures: {_quote_yaml(a.figure[2])}"]
    return "\n".join(out) + "\n"


SYNTH_CAMPS = (("alpha-side", "Alpha side"), ("beta-side", "Beta side"), ("gamma-side", "Gamma side"),
               ("delta-side", "Delta side"))


def _write_book(root: Path, corpus: Corpus, cites: dict[tuple[str, str], list[str]]) -> None:
    """content/book.yaml: a title, a two-paragraph bottom line citing the first issues' annotations,
    the camps, and the issues in their generated order."""
    cited = [ids[0] for x in corpus.issues if (ids := cites.get(("issue", x["id"])))][:4] or []
    lines = [f"title: Synthetic briefing book of {corpus.n} sources", "desk: Benchmark desk", "bottom_line:"]
    for pair in (cited[:2], cited[2:4]):
        if pair:
            lines += [f"  - - text: The sources report {len(pair)} points on the main issues.", f"      cite: [{', '.join(pair)}]"]
    if not cited:
        lines[-1] = "bottom_line: []"
    lines.append("camps:")
    lines += [f"  - id: {cid}\n    name: {name}" for cid, name in SYNTH_CAMPS]
    (root / "content" / "book.yaml").write_text("\n".join(lines) + "\n", "utf-8")


def _write_entities(root: Path, corpus: Corpus, cites: dict[tuple[str, str], list[str]]) -> None:
    content = root / "content"
    _write_book(root, corpus, cites)
    for n, a in enumerate(corpus.actors):
        lines = [f"name: {_quote_yaml(a['name'])}", f"kind: {a['kind']}"]
        if not a.get("affiliation") and n % 5:
            lines.append(f"camp: {SYNTH_CAMPS[n % len(SYNTH_CAMPS)][0]}")
        if a["role"]:
            lines.append(f"role: {a['role']}")
            said = cites.get(("said", a["id"]))
            if said:
                lines.append(f"cite: [{said[0]}]")
        if a.get("affiliation"):
            lines.append(f"affiliation: {a['affiliation']}")
        (content / "actors" / f"{a['id']}.yaml").write_text("\n".join(lines) + "\n", "utf-8")
    for k, x in enumerate(corpus.issues):
        anns = cites.get(("issue", x["id"]), [])
        lines = [f"title: {_quote_yaml(x['title'])}"]
        if k >= 3 and k % 4 == 0:
            lines.append(f"parent: {corpus.issues[k % 3]['id']}")
        if anns:
            lines += ["summary:", f"  text: What the sides say about {x['title'].lower()}.", f"  cite: [{anns[0]}]",
                      "status:"]
            for s, ann_id in enumerate(anns[:: max(1, len(anns) // 3)][:3]):
                date = corpus_date_of(ann_id, corpus)
                lines += [f"  - as_of: {date}", f"    status: {STATUSES[(k + s) % 4]}",
                          f"    text: Status reported in {ann_id[:9]}.", f"    cite: [{ann_id}]"]
            lines += ["open_questions:", "  - text: Who verifies compliance is not settled.", f"    cite: [{anns[-1]}]"]
        else:
            lines += ["summary:", "  text: Not yet covered by any source."]
        (content / "issues" / f"{x['id']}.yaml").write_text("\n".join(lines) + "\n", "utf-8")
    for e in corpus.events:
        anns = cites.get(("event", e["id"]), [])
        lines = [f"title: {_quote_yaml(e['title'])}", f"date: {_day(int(e['day']))}", "status: happened",
                 f"place: {_quote_yaml(e['place'])}", "summary:", f"  text: {_quote_yaml(e['title'] + ' took place.')}"]
        if anns:
            lines.append(f"  cite: [{anns[0]}]")
        (content / "events" / f"{e['id']}.yaml").write_text("\n".join(lines) + "\n", "utf-8")
    for c in corpus.claims:
        (content / "claims" / f"{c}.yaml").write_text(
            f"title: Figure reported as {c}\nquestion: What figure do the sources give for {c}?\n", "utf-8")


def corpus_date_of(ann_id: str, corpus: Corpus) -> str:
    """The as-of date for a status citing ``ann_id``: its source's publication day."""
    i = int(ann_id[4:9])
    return _day((i * corpus.days) // corpus.n)
