"""A strict YAML reader that keeps the file position of every node.

PyYAML's own loaders accept duplicate keys silently, turn ``no`` into False and ``2025-12-28`` into
a date, and expand alias bombs. This reader walks the parser's *event stream* instead (the C parser
when available) and builds plain Python values itself:

- every scalar is a ``str`` (an empty plain scalar is ``None``); the schema decides types;
- anchors, aliases, tags, duplicate keys, tabs, several documents, NUL bytes, invalid UTF-8 and
  files over the size limit are problems with a line and column;
- ``marks`` maps each node's path (a tuple of keys and indexes) to its 1-based (line, col).
"""

from __future__ import annotations

import re
import unicodedata
import sys
from typing import Any, Callable

import yaml

from bookgen.problems import Problems

from yaml.parser import Parser as _PyParser
from yaml.reader import Reader
from yaml.scanner import Scanner

# libyaml's parser is several times faster; it is used for files that read without problems. PyYAML
# exports it as part of ``yaml.CBaseLoader`` (public, in ``yaml.cyaml.__all__``; only its parser half,
# ``get_event``/``peek_event``/``check_event``, is used here). None where PyYAML was built without libyaml.
_CParser: Any = getattr(yaml, "CBaseLoader", None)


# libyaml and the pure-Python parser disagree on a few inputs (found by differential fuzzing): a BOM
# inside the text shifts marks, '?' in flow context and some '#' comments parse differently. Files
# holding any of these characters are read by the reference parser only.
_C_DIFFERS = re.compile("[?#\ufeff]")


class _Parser(Reader, Scanner, _PyParser):  # the pure-Python parser: its messages are the reference
    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        _PyParser.__init__(self)


MAX_YAML_BYTES = 1_000_000
MAX_DEPTH = 32  # nesting levels; content needs about five, and the builder recurses once per level

Path = tuple[Any, ...]


class Positions:
    """Where each node of one content file was written (line and column, 1-based).

    A file read with problems records them while it is read. A file read without any problem does
    not (at 10,000 sources leaving them out, with short values interned, saved about 390 MB): they
    are worked out from its text the first time a message needs one. The entities' locations
    (:class:`bookgen.entities.Loc`) keep this, not the document, so a file's value is freed once
    the entities are made from it.
    """

    __slots__ = ("path", "_marks", "_key_marks", "_text", "_parser")

    def __init__(self, path: str, marks: dict[Path, tuple[int, int]] | None = None,
                 key_marks: dict[Path, tuple[int, int]] | None = None, text: bytes | None = None,
                 parser: Any = None) -> None:
        self.path = path
        lazy = text is not None and marks is None  # None: worked out from ``text`` when first asked
        self._marks = None if lazy else (marks or {})
        self._key_marks = None if lazy else (key_marks or {})
        self._text = text  # the file's UTF-8 bytes, kept only until its positions are worked out
        self._parser = parser

    @property
    def marks(self) -> dict[Path, tuple[int, int]]:
        if self._marks is None:
            self._locate()
        return self._marks  # type: ignore[return-value]

    @property
    def key_marks(self) -> dict[Path, tuple[int, int]]:
        if self._key_marks is None:
            self._locate()
        return self._key_marks  # type: ignore[return-value]

    def _locate(self) -> None:
        """Read the text again, this time recording every node's position (it read cleanly once)."""
        assert self._text is not None
        self._marks, self._key_marks = {}, {}
        _Builder(_normalised(self._text.decode("utf-8")), self, Problems(), self._parser or _Parser, record=True).build()
        self._text = None

    def mark(self, path: Path, key: bool = False) -> tuple[int, int]:
        """Position of the node at ``path`` (or of its key); falls back to the nearest parent."""
        table = self.key_marks if key else self.marks
        marks = self.marks
        p = tuple(path)
        while p:
            if p in table:
                return table[p]
            if p in marks:
                return marks[p]
            p = p[:-1]
        return marks.get((), (1, 1))


class YamlDocument:
    """One content file: its value, and where each node of it was written (:class:`Positions`)."""

    def __init__(self, path: str, data: Any, marks: dict[Path, tuple[int, int]] | None = None,
                 key_marks: dict[Path, tuple[int, int]] | None = None, text: bytes | None = None,
                 parser: Any = None) -> None:
        self.path = path
        self.data = data
        self.positions = Positions(path, marks, key_marks, text, parser)

    @property
    def marks(self) -> dict[Path, tuple[int, int]]:
        return self.positions.marks

    @property
    def key_marks(self) -> dict[Path, tuple[int, int]]:
        return self.positions.key_marks

    def mark(self, path: Path, key: bool = False) -> tuple[int, int]:
        """Position of the node at ``path`` (or of its key); falls back to the nearest parent."""
        return self.positions.mark(path, key)


class _Abort(Exception):
    pass


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, col


def decode_text(raw: bytes, path: str, problems: Problems, what: str) -> str | None:
    """Decode UTF-8 content bytes, reporting NUL bytes and bad encodings with a position."""
    if b"\x00" in raw:
        line, col = _position(raw.decode("utf-8", "replace"), raw.index(b"\x00"))
        problems.error(path, line, col, f"{what} is binary (it holds a NUL byte); "
                       "content files must be UTF-8 text", "binary-file")
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _position(raw[: exc.start].decode("utf-8", "replace"), exc.start)
        problems.error(path, line, col, f"{what} is not valid UTF-8 (byte 0x{raw[exc.start]:02x}); "
                       "save it with UTF-8 encoding", "not-utf8")
        return None
    text = _normalised(text)
    check_bidi(text, path, problems)
    return text


def _normalised(text: str) -> str:
    """Text as bookgen reads it: no byte-order mark, LF line endings."""
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.replace("\r\n", "\n")


# "Trojan source" characters: they reorder how text is *displayed* (in an editor, a diff, a review)
# without changing what it is. Pages show them as [U+202E], but a reviewer may be misled first.
BIDI_OVERRIDES = {"\u202a": "LEFT-TO-RIGHT EMBEDDING", "\u202b": "RIGHT-TO-LEFT EMBEDDING",
                  "\u202c": "POP DIRECTIONAL FORMATTING", "\u202d": "LEFT-TO-RIGHT OVERRIDE",
                  "\u202e": "RIGHT-TO-LEFT OVERRIDE", "\u2066": "LEFT-TO-RIGHT ISOLATE",
                  "\u2067": "RIGHT-TO-LEFT ISOLATE", "\u2068": "FIRST STRONG ISOLATE",
                  "\u2069": "POP DIRECTIONAL ISOLATE"}
BIDI_MARKS = {"\u200e": "LEFT-TO-RIGHT MARK", "\u200f": "RIGHT-TO-LEFT MARK", "\u061c": "ARABIC LETTER MARK"}
_BIDI = re.compile("[" + "".join(BIDI_OVERRIDES) + "".join(BIDI_MARKS) + "]")


def check_bidi(text: str, path: str, problems: Problems) -> None:
    """Report bidi controls with their position: overrides, embeddings and isolates are errors,
    the invisible direction marks (legitimate in right-to-left text) warnings."""
    for m in _BIDI.finditer(text):
        ch = m.group()
        line, col = _position(text, m.start())
        if ch in BIDI_OVERRIDES:
            problems.error(path, line, col, f"invisible bidi control U+{ord(ch):04X} "
                           f"{BIDI_OVERRIDES[ch]} changes how the text around it is displayed; "
                           "remove it", "bidi-control")
        else:
            problems.warning(path, line, col, f"invisible direction mark U+{ord(ch):04X} "
                             f"{BIDI_MARKS[ch]}; keep it only in right-to-left text", "bidi-control")


def too_large(size: int, path: str, problems: Problems, max_bytes: int = MAX_YAML_BYTES) -> bool:
    """Record (and return True) when a content file of ``size`` bytes is over the limit."""
    if size <= max_bytes:
        return False
    problems.error(path, 1, 1, f"file is {size:,} bytes, over the {max_bytes:,}-byte limit "
                   "for a content file; split it into smaller files", "file-too-large")
    return True


def read_yaml(raw: bytes, path: str, problems: Problems, max_bytes: int = MAX_YAML_BYTES) -> YamlDocument | None:
    """Parse one YAML file strictly. Returns None (and records problems) when it cannot be read.

    A UTF-8 byte-order mark and CRLF line endings are accepted: the file reads exactly as it
    would without them (positions included).
    """
    if too_large(len(raw), path, problems, max_bytes):
        return None
    text = decode_text(raw, path, problems, "YAML file")
    if text is None:
        return None
    ok = True
    for n, line in enumerate(text.split("\n"), 1):
        col = line.find("\t")
        if col >= 0:
            problems.error(path, n, col + 1, "tab character; indent and separate YAML with spaces",
                           "yaml-tab")
            ok = False
    if not ok:
        return None
    if not text.strip() or all(l.lstrip().startswith("#") or not l.strip() for l in text.split("\n")):
        problems.error(path, 1, 1, "file is empty; expected a mapping of fields", "empty-file")
        return None
    if _CParser is not None and not _C_DIFFERS.search(text):
        # fast path; any problem at all -> read again below with the reference parser, for its messages
        fast = YamlDocument(path=path, data=None, text=raw, parser=_CParser)
        scratch = Problems()
        try:
            fast.data = _Builder(text, fast, scratch, _CParser, record=False).build()
        except Exception:  # noqa: BLE001 - whatever libyaml raises, the pure-Python reading reports it
            scratch.error(path, 1, 1, "", "")
        if not scratch.items:
            return fast
    doc = YamlDocument(path=path, data=None)
    before = len(problems.errors)
    try:
        doc.data = _Builder(text, doc, problems).build()
    except _Abort:
        return None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = exc.problem or "invalid YAML"
        if exc.context and exc.context_mark and exc.problem_mark:
            cm = exc.context_mark
            what += f" ({exc.context}, which starts at line {cm.line + 1}, column {cm.column + 1})"
        problems.error(path, line, col, f"YAML syntax error: {what}", "yaml-syntax")
        return None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow, e.g. a control code
        line, col = _position(text, exc.position) if 0 <= exc.position <= len(text) else (1, 1)
        char = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "?")
        problems.error(path, line, col, f"character U+{char:04X} is not allowed in YAML; remove it "
                       f"(or write it as \\u{char:04x} inside a double-quoted string)", "yaml-bad-character")
        return None
    except yaml.YAMLError as exc:
        problems.error(path, 1, 1, f"YAML error: {exc}", "yaml-syntax")
        return None
    return doc if len(problems.errors) == before else None


def document_from(raw: bytes, path: str, data: Any) -> YamlDocument:
    """The document :func:`read_yaml` gives for ``raw`` when it reads without any problem, its value
    ``data`` known already (:mod:`bookgen.parsedcache`); positions are worked out if a message needs one."""
    return YamlDocument(path=path, data=data, text=raw, parser=_Parser)


_PLAIN_TAGS = frozenset({None, "", "!", "tag:yaml.org,2002:str", "tag:yaml.org,2002:map",
                         "tag:yaml.org,2002:seq"})
_INTERNED = 40  # scalars this short (ids, kinds, dates) recur across files: one object each


class _Builder:
    """Builds Python values from parser events, refusing YAML features content must not use."""

    def __init__(self, text: str, doc: YamlDocument | Positions, problems: Problems, parser: Any = _Parser,
                 record: bool = True) -> None:
        self.parser = parser(text)
        self.text = text
        self.doc = doc
        self.problems = problems
        self.record = record  # positions into doc.marks; without them any problem aborts (fast path)
        self._next: Callable[[], Any] = self.parser.get_event

    def _fail(self, event: Any, message: str, code: str) -> None:
        m = event.start_mark
        self.problems.error(self.doc.path, m.line + 1, m.column + 1, message, code)

    def build(self) -> Any:
        self._next()  # StreamStart
        event = self._next()
        if isinstance(event, yaml.StreamEndEvent):
            self.problems.error(self.doc.path, 1, 1, "file is empty; expected a mapping of fields",
                                "empty-file")
            raise _Abort()
        value = self._node(self._next(), ())
        self._next()  # DocumentEnd
        event = self._next()
        if not isinstance(event, yaml.StreamEndEvent):
            self._fail(event, "a second YAML document ('---'); one file holds one document",
                       "yaml-multiple-documents")
        return value

    def _check(self, event: Any) -> None:
        if event.anchor is None and event.tag in _PLAIN_TAGS:  # most events (an alias has an anchor)
            return
        if isinstance(event, yaml.AliasEvent):
            self._fail(event, "YAML alias '*%s'; aliases are not allowed in content, write the value out"
                       % event.anchor, "yaml-alias")
            raise _Abort()
        if getattr(event, "anchor", None):
            self._fail(event, "YAML anchor '&%s'; anchors are not allowed in content" % event.anchor,
                       "yaml-anchor")
        tag = getattr(event, "tag", None)
        if tag not in _PLAIN_TAGS:
            self._fail(event, f"YAML tag '{tag}'; tags are not allowed in content", "yaml-tag")

    def _check_characters(self, event: Any) -> None:
        """Characters written as escapes ("\\e", "\\u202e") that the raw-text checks cannot see:
        control codes other than newline and tab, and bidi controls."""
        if event.value.isprintable():  # no control code, no bidi control (both unprintable): most text
            return
        for ch in sorted(set(event.value)):
            if ch in BIDI_OVERRIDES and ch not in self.text:
                self._fail(event, f"invisible bidi control U+{ord(ch):04X} {BIDI_OVERRIDES[ch]} (written "
                           "as an escape) changes how the text around it is displayed; remove it",
                           "bidi-control")
            elif unicodedata.category(ch) == "Cc" and ch not in "\n\t":
                self._fail(event, f"control character U+{ord(ch):04X} (written as an escape) in text; "
                           "remove it", "control-character")

    def _node(self, event: Any, path: Path) -> Any:
        self._check(event)
        if len(path) >= MAX_DEPTH:
            self._fail(event, f"values nested more than {MAX_DEPTH} levels deep; content needs a "
                       "few levels at most", "yaml-too-deep")
            raise _Abort()
        if self.record:
            m = event.start_mark
            self.doc.marks[path] = (m.line + 1, m.column + 1)
        if isinstance(event, yaml.ScalarEvent):
            if event.value == "" and self.parser.__class__ is not _Parser:
                raise _Abort()  # libyaml marks empty scalars differently: the reference parser decides
            if event.value == "" and event.style is None and event.implicit[0]:
                return None
            self._check_characters(event)
            value = event.value
            return sys.intern(value) if len(value) <= _INTERNED else value
        if isinstance(event, yaml.SequenceStartEvent):
            items = []
            while True:
                nxt = self._next()
                if isinstance(nxt, yaml.SequenceEndEvent):
                    return items
                items.append(self._node(nxt, path + (len(items),)))
        if isinstance(event, yaml.MappingStartEvent):
            mapping: dict[str, Any] = {}
            while True:
                key_event = self._next()
                if isinstance(key_event, yaml.MappingEndEvent):
                    return mapping
                self._check(key_event)
                if not isinstance(key_event, yaml.ScalarEvent):
                    self._fail(key_event, "a mapping key must be a plain word", "yaml-complex-key")
                    raise _Abort()
                key = sys.intern(key_event.value)
                if key in mapping:
                    if not self.record:
                        raise _Abort()  # the reading that records positions reports it
                    first = self.doc.key_marks[path + (key,)]
                    self._fail(key_event, f"duplicate key '{key}' (first written at line {first[0]}); "
                               "remove one of them", "yaml-duplicate-key")
                if self.record:
                    km = key_event.start_mark
                    self.doc.key_marks[path + (key,)] = (km.line + 1, km.column + 1)
                mapping[key] = self._node(self._next(), path + (key,))
        self._fail(event, "unexpected YAML event", "yaml-syntax")
        raise _Abort()
