"""Page paths and the per-page link/footnote helper that templates call.

Paths are docs-relative Markdown files (``issues/security-guarantees.md``); MkDocs turns them into
the stable URLs ``issues/<id>/``, ``actors/<id>/``, ``dates/<date>/`` and ``sources/<id>/``.
Links are written relative to the page that holds them, to the ``.md`` file, so MkDocs checks them
and the PDF renderer can resolve them to page references.
"""

from __future__ import annotations

import functools
import posixpath
import re
from typing import Any, Callable, Iterable

from bookgen.dates import BookDate, parse_date
from bookgen.ids import EntityId
from bookgen.mdtext import Md, as_md, escape, escape_once, html_attr, link, with_heard_as
from bookgen.model import Book
from bookgen.views import STATUS_LABELS

from bookgen.pagekinds import actor as _actor, claims as _claims, date as _date, home as _home
from bookgen.pagekinds import issue as _issue, method as _method, overview as _overview, source as _source

# page paths, as each page kind declares them (bookgen/pagekinds)
HOME = _home.PATH
ISSUES = _issue.INDEX
ACTORS = _actor.INDEX
TIMELINE = _date.INDEX
SOURCES = _source.INDEX
CLAIMS = _claims.PATH
POSITIONS = _overview.PATH
METHOD = _method.PATH
issue_path = _issue.path
actor_path = _actor.path
date_path = _date.path
source_path = _source.path
annotation_anchor = _source.annotation_anchor

FOOTNOTE_SEPARATOR = '<sup class="fn-sep">,</sup>'

# How notes often begin when they say what "the report" says; a line that names its report drops it.
_REPORT_LEAD = re.compile(r"^(?:(?:The|This) report (?:says|notes|reports|states)(?: that)?|"
                          r"According to (?:the|this) report,|In the report's (?:words|view|reading),|"
                          r"As relayed in the report,)\s+")


def without_report_lead(note: str) -> str:
    """``note`` without a leading "The report says (that)", "According to the report," and the
    like, its first letter raised: "The report says the plan…" -> "The plan…". Nothing else of the
    editor's wording changes."""
    m = _REPORT_LEAD.match(note)
    if not m or m.end() >= len(note):
        return note
    rest = note[m.end():]
    return rest[0].upper() + rest[1:]




class MentionIndex:
    """Finds actor names and aliases in editors' text, longest name first."""

    def __init__(self, book: Book) -> None:
        names: dict[str, EntityId] = {}
        for actor in book.actors.values():
            for name in (actor.name, *actor.aliases):
                names.setdefault(name, actor.id)
        self.names = names
        self.pattern = _mention_pattern(tuple(names)) if names else None
        self._split: dict[str, tuple[str | tuple[str, str], ...]] = {}

    def split(self, value: str, skip: str | None = None) -> tuple[str | tuple[str, str], ...]:
        """``value`` folded to one line, escaped, and cut at the first mention of each actor
        (but the one whose page is ``skip``): escaped text alternates with (the actor's page, the
        escaped name). The same text recurs on many pages (an annotation's note on its source,
        issue, actor and date pages), and only the links differ, being relative to each page, so
        the split is remembered (not when skipping an actor: only that actor's own page does)."""
        parts = self._split.get(value) if skip is None else None
        if parts is not None:
            return parts
        out: list[str | tuple[str, str]] = []
        pos = 0
        seen: set[str] = set()
        folded = " ".join(value.split())
        for m in self.pattern.finditer(folded) if self.pattern is not None else ():
            actor_id = self.names[m.group(1)]
            target = actor_path(actor_id)
            if actor_id in seen or target == skip:
                continue
            seen.add(actor_id)
            out.append(escape_once(folded[pos: m.start()]) if m.start() > pos else "")
            out.append((target, escape(m.group(1))))
            pos = m.end()
        out.append(escape_once(folded[pos:]) if pos < len(folded) else "")
        if skip is not None:
            return tuple(out)
        if len(self._split) >= _SPLIT_CACHE:  # a bound on memory: at 10,000 sources, ~100,000 texts
            self._split.clear()
        parts = self._split[value] = tuple(out)
        return parts


_SPLIT_CACHE = 1 << 18


@functools.lru_cache(maxsize=4)  # serve: the names rarely change between edits
def _mention_pattern(names: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)(" + trie_pattern(names) + r")(?!\w)")


def trie_pattern(words: Iterable[str]) -> str:
    """A regex matching any of ``words``, shaped as a prefix tree and preferring the longest.

    A plain alternation ``a|b|c`` tries every word at every position of the text, so linking
    mentions cost (text length x number of names): with 2,000 actors it was the slowest step of
    rendering. As a tree, a position costs at most the length of the longest name. A node's
    continuations are tried before ending there, and all names that match at one position are
    prefixes of one another, so the match is the longest name there, as with a longest-first
    alternation. Names nested deeper than Python's regex parser allows (hundreds of names each
    extending the last) fall back to that alternation.
    """
    ordered = sorted(set(words), key=lambda w: (-len(w), w))
    trie: dict[str, dict] = {}
    for word in ordered:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}  # a word ends here
    if _depth(trie) > _MAX_NESTING:
        return "|".join(map(re.escape, ordered))
    return _node_pattern(trie)


_MAX_NESTING = 100


def _depth(node: dict[str, dict]) -> int:
    """Groups the pattern of ``node`` nests: one per node that branches or ends a word."""
    deepest, todo = 0, [(node, 0)]
    while todo:
        node, depth = todo.pop()
        depth += len(node) > 1
        deepest = max(deepest, depth)
        todo.extend((child, depth) for ch, child in node.items() if ch)
    return deepest


def _node_pattern(node: dict[str, dict]) -> str:
    """The pattern of the names below ``node``; a run of single continuations becomes plain text."""
    prefix = ""
    while len(node) == 1 and "" not in node:  # one way on: no group needed
        (ch, node), = node.items()
        prefix += re.escape(ch)
    if not node or list(node) == [""]:
        return prefix
    branches = [re.escape(ch) + _node_pattern(child) for ch, child in sorted(node.items()) if ch]
    return prefix + "(?:" + "|".join(branches) + ")" + ("?" if "" in node else "")


def _date_target(date: BookDate) -> tuple[str, str]:
    return date.label, date_path(date)


def _relpath(target: str, start: str) -> str:
    """``posixpath.relpath(target, start)``. Pages and the targets of their links sit at most one
    folder deep, so the answer is the target itself, its name, or the target one level up: worked
    out directly rather than remembered per (target, folder) pair, a table that at 10,000 sources
    outgrew the CPU's caches and made every link slower than in a smaller book."""
    folder, _, name = target.rpartition("/")
    if ("/" in folder or folder in (".", "..") or name in ("", ".", "..") or target.startswith("/")
            or not start or "/" in start or start == ".." or target == start):
        return posixpath.relpath(target, start)
    if start == ".":
        return target
    return name if folder == start else "../" + target


class _Targets(dict[str, tuple[Md, str]]):
    """key -> (a link's escaped text, the page it leads to), worked out on first use."""

    def __init__(self, make: Callable[[str], tuple[str, str]]) -> None:
        super().__init__()
        self._make = make

    def __missing__(self, key: str) -> tuple[Md, str]:
        text, page = self._make(key)
        parts = self[key] = (escape(text), page)
        return parts


class RenderMemo:
    """What every page of one render would otherwise work out again: each annotation's
    attribution, its footnote but for the link to the passage (relative to each page), and each
    actor's, issue's, source's and date's link text and page. A footnote appears on every page
    citing it; at 10,000 sources the quotes alone outgrew the escape cache, and re-escaping them
    made rendering grow faster than the book."""

    def __init__(self, book: Book) -> None:
        self.book = book
        self._attributions: dict[str, Md] = {}
        self._footnotes: dict[str, tuple[str, tuple[str, str], str]] = {}
        self._quotes: dict[str, str] = {}
        self.actors = _Targets(lambda a: (book.actors[EntityId(a)].name, actor_path(a)))
        self.issues = _Targets(lambda i: (book.issues[EntityId(i)].title, issue_path(i)))
        self.sources = _Targets(lambda s: (book.sources[EntityId(s)].title, source_path(s)))
        self.reports = _Targets(lambda s: (book.sources[EntityId(s)].short_name, source_path(s)))
        self.dates = _Targets(lambda text: _date_target(parse_date(text)))  # by the date as written

    def quote(self, annotation_id: str) -> str:
        """The passage the annotation quotes, as found in its source, escaped ('Mertz [Merz]' where
        the source or annotation says what a misheard word means)."""
        quote = self._quotes.get(annotation_id)
        if quote is None:
            ann = self.book.annotations[EntityId(annotation_id)]
            anchor = self.book.anchors[ann.id]
            quote = escape_once(self.book.texts[ann.source].text[anchor.start: anchor.end])
            source = self.book.sources[ann.source]
            heard = {h.heard: h.meant for h in (*source.heard_as, *ann.heard_as)}  # the annotation's win
            if heard:  # the source's wording stays; what it means follows in brackets
                quote = with_heard_as(quote, heard.items())
            self._quotes[annotation_id] = quote
        return quote

    def attribution(self, annotation_id: str) -> Md:
        """Whose words these are, and when, by the annotation's voice: 'Donald Trump, to X,
        28 Dec 2025'; "the report's words for Vladimir Putin's view, undated"; "the report's own
        assessment, 28 Dec 2025". Only the speaker voice starts with the actor's name."""
        said = self._attributions.get(annotation_id)
        if said is None:
            ann = self.book.annotations[EntityId(annotation_id)]
            when = escape(ann.date.label) if ann.date else "undated"
            if ann.voice == "speaker" and ann.speaker:
                parts = [escape(self.book.actors[ann.speaker].name)]
                if ann.audience:
                    parts.append("to " + escape(ann.audience))
                text = ", ".join([*parts, when])
            elif ann.voice == "attributed" and ann.speaker:
                text = f"the report's words for {escape(self.book.actors[ann.speaker].name)}'s view, {when}"
            else:
                text = f"the report's own assessment, {when}"
            said = self._attributions[annotation_id] = as_md(text)
        return said

    def footnote(self, annotation_id: str) -> tuple[str, tuple[str, str], str]:
        """The footnote's text before the passage's URL, that URL's (page, anchor), the text after."""
        parts = self._footnotes.get(annotation_id)
        if parts is None:
            ann = self.book.annotations[EntityId(annotation_id)]
            source = self.book.sources[ann.source]
            anchor = self.book.anchors[ann.id]
            published = source.published.label if source.published else "publication date unknown"
            said = self.attribution(annotation_id)
            where = "reported in" if ann.voice == "speaker" else "in"
            parts = self._footnotes[annotation_id] = (
                f"[^{ann.id}]: “{self.quote(annotation_id)}” — {said}; {where} [{escape(source.title)}](",
                (source_path(ann.source), annotation_anchor(ann.id)),
                f") ({escape(published)}), ¶{anchor.block}.")
        return parts


class PageLinks:
    """What a template needs to link and cite from one page; it also collects the page's footnotes."""

    def __init__(self, book: Book, mentions: MentionIndex, path: str, memo: RenderMemo | None = None) -> None:
        self.book = book
        self.mentions = mentions
        self.memo = memo if memo is not None else RenderMemo(book)
        self.path = path
        self.notes: list[str] = []
        self._noted: set[str] = set()
        self._folder = posixpath.dirname(path) or "."

    def url(self, target: str, anchor: str | None = None) -> str:
        rel = _relpath(target, self._folder)
        return rel + (f"#{anchor}" if anchor else "")

    # entity links -------------------------------------------------------------------------------
    def _to(self, target: tuple[Md, str]) -> Md:
        return as_md(f"[{target[0]}]({_relpath(target[1], self._folder)})")

    def actor(self, actor_id: str) -> Md:
        return self._to(self.memo.actors[actor_id])

    def actors(self, ids: Iterable[str]) -> Md:
        return as_md(", ".join(self.actor(a) for a in ids))

    def issue(self, issue_id: str) -> Md:
        return self._to(self.memo.issues[issue_id])

    def issues(self, ids: Iterable[str]) -> Md:
        return as_md(", ".join(self.issue(i) for i in ids))

    def date(self, date: BookDate | None) -> Md:
        if date is None:
            return Md("undated")
        return self._to(self.memo.dates[date.text])

    def source(self, source_id: str) -> Md:
        return self._to(self.memo.sources[source_id])

    def event(self, event_id: str) -> Md:
        event = self.book.events[EntityId(event_id)]
        return link(event.title, self.url(date_path(event.date), f"event-{event.id}"))

    def claim(self, claim_id: str) -> Md:
        page = _claims.page_of_claim(self.book)[claim_id]
        return link(self.book.claims[EntityId(claim_id)].title, self.url(page, _claims.anchor(claim_id)))

    def page(self, target: str, text: str, anchor: str | None = None) -> Md:
        return link(text, self.url(target, anchor))

    def status(self, status: str) -> Md:
        return escape(STATUS_LABELS[status])

    # text -----------------------------------------------------------------------------------------
    def text(self, value: str) -> Md:
        """Escape an editor's text and link the first mention of each actor (not the page's own)."""
        pattern = self.mentions.pattern
        if pattern is None:
            return escape(value)
        parts = self.mentions.split(value)
        if any(type(p) is tuple and p[0] == self.path for p in parts):  # the page's own actor: not linked
            parts = self.mentions.split(value, skip=self.path)
        if len(parts) == 1:
            return as_md(parts[0])
        return as_md("".join(p if type(p) is not tuple else f"[{p[1]}]({self.url(p[0])})" for p in parts))

    def report(self, annotation_id: str) -> Md:
        """The report an annotation comes from, named for a sentence: "*Closer than ever* (28 Dec 2025)"
        (the source's short name, linked to its page, and the annotation's date when it has one)."""
        ann = self.book.annotations[EntityId(annotation_id)]
        text, page = self.memo.reports[ann.source]
        when = f" ({self.memo.dates[ann.date.text][0]})" if ann.date else ""
        return as_md(f"*[{text}]({_relpath(page, self._folder)})*{when}")

    def stand(self, annotation_id: str) -> Md:
        """Where an annotation puts its speaker: the editor's stance for a position, else its note
        (as :meth:`note`)."""
        ann = self.book.annotations[EntityId(annotation_id)]
        return self.text(ann.stance) if ann.stance else self.note(annotation_id)

    def note(self, annotation_id: str) -> Md:
        """An annotation's note for a line that already names its report (:meth:`report`): a lead-in
        such as "The report says" is dropped, as the line says which report it is."""
        return self.text(without_report_lead(self.book.annotations[EntityId(annotation_id)].note))

    # citations ------------------------------------------------------------------------------------
    def cite(self, ids: Iterable[str]) -> Md:
        """Footnote references, kept apart by a raised comma so "1" and "11" never read as "111"."""
        refs = []
        for aid in ids:
            if aid not in self._noted:  # a set beside the list: pages with thousands of notes stay linear
                self._noted.add(aid)
                self.notes.append(aid)
            refs.append(f"[^{aid}]")
        return as_md(FOOTNOTE_SEPARATOR.join(refs))

    def attribution(self, annotation_id: str) -> Md:
        """'Trump, 28 Dec 2025' — who said it and when, as far as the content knows, by voice
        (see :meth:`RenderMemo.attribution`)."""
        return self.memo.attribution(annotation_id)

    # voice: whose words, whose view -------------------------------------------------------------
    def _report_name(self, annotation_id: str) -> Md:
        """The annotation's report, by its short name, linked: "[Closer than ever](...)"."""
        return self._to(self.memo.reports[self.book.annotations[EntityId(annotation_id)].source])

    def said(self, annotation_id: str) -> Md:
        """A lead-in naming the report, to put before ': ' and the editors' words:
        'Donald Trump, as reported in *Report*' (speaker), 'According to *Report*, Vladimir
        Putin's position' (attributed), '*Report*'s assessment' (source)."""
        ann = self.book.annotations[EntityId(annotation_id)]
        report = as_md(f"*{self._report_name(annotation_id)}*")
        if ann.voice == "speaker" and ann.speaker:
            return as_md(f"{self.actor(ann.speaker)}, as reported in {report}")
        if ann.voice == "attributed" and ann.speaker:
            return as_md(f"According to {report}, {self.actor(ann.speaker)}'s position")
        return as_md(f"{report}'s assessment")

    def whose(self, annotation_id: str) -> Md:
        """What goes before :meth:`report` where a figure or report is credited: '[Donald Trump], '
        for the actor's own words, 'a view ascribed to [Vladimir Putin] by ' for a view the report
        ascribes (never the actor's name straight after a dash), nothing for the report's own analysis."""
        ann = self.book.annotations[EntityId(annotation_id)]
        if ann.voice == "speaker" and ann.speaker:
            return as_md(f"{self.actor(ann.speaker)}, ")
        if ann.voice == "attributed" and ann.speaker:
            return as_md(f"a view ascribed to {self.actor(ann.speaker)} by ")
        return Md("")

    def credit(self, annotation_id: str) -> Md:
        """What follows an annotation's note in a line that names its report: for a view the report
        ascribes, " *(the report's words for [Vladimir Putin]'s view)*"; nothing otherwise (the
        line's report and the note already say who speaks)."""
        ann = self.book.annotations[EntityId(annotation_id)]
        if ann.voice == "attributed" and ann.speaker:
            return as_md(f" *(the report's words for {self.actor(ann.speaker)}'s view)*")
        return Md("")

    def voice_note(self, annotation_id: str) -> Md:
        """After a position shown in an actor's name (standings, timeline): nothing for the actor's
        own words, ' *(as ascribed by [Report])*' for a view the report ascribes, ' *([Report]'s
        assessment)*' for the report's own reading."""
        ann = self.book.annotations[EntityId(annotation_id)]
        if ann.voice == "speaker" and ann.speaker:
            return Md("")
        if ann.voice == "attributed" and ann.speaker:
            return as_md(f" *(as ascribed by {self._report_name(annotation_id)})*")
        return as_md(f" *({self._report_name(annotation_id)}'s assessment)*")

    def stated_by(self, annotation_id: str) -> Md:
        """Who a report of a claim is from, for a table cell beside the report's name: the speaker
        (their own words), 'the speaker, as ascribed' (a view the report ascribes), or 'the report'."""
        ann = self.book.annotations[EntityId(annotation_id)]
        if ann.voice == "speaker" and ann.speaker:
            return self.actor(ann.speaker)
        if ann.voice == "attributed" and ann.speaker:
            return as_md(f"{self.actor(ann.speaker)}, as the report ascribes it")
        return Md("the report")

    def quote(self, annotation_id: str) -> Md:
        """The source's exact words for an annotation, in curly quotes."""
        return as_md(f"“{self.memo.quote(annotation_id)}”")

    def inferred(self, entity: Any, field: str | None = None) -> Md:
        """' *(inferred: note)*' for one field of an event or annotation, or all its notes as
        ' *Inferred — date: …; place: ….*'; nothing when the editor inferred nothing there."""
        notes = [x for x in entity.inferred if field is None or x.field == field]
        if not notes:
            return Md("")
        if field is not None:
            return as_md(f" *(inferred: {self.text(notes[0].note.rstrip('.'))})*")
        return as_md(" *Inferred — " + "; ".join(f"{escape(x.field)}: {self.text(x.note.rstrip('.'))}"
                                                  for x in notes) + ".*")

    def footnote(self, annotation_id: str) -> Md:
        before, target, after = self.memo.footnote(annotation_id)
        return as_md(f"{before}{self.url(target[0], target[1])}{after}")

    def footnotes(self) -> Md:
        return as_md("\n\n".join(self.footnote(a) for a in self.notes))

    def html_id(self, value: str) -> str:
        return html_attr(value)
