"""Stage 1, load: read every content YAML strictly and every cited source as text blocks.

Nothing is interpreted here beyond what reading needs: YAML becomes plain values with positions
(:mod:`bookgen.yamlstrict`), and each source's ``file`` is read from under ``seeds/`` and split into
blocks (:mod:`bookgen.sourcetext`). Problems are collected, never raised.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from bookgen import memo
from bookgen.ids import EntityId, id_problem
from bookgen.parsedcache import ParsedFiles
from bookgen.problems import Problems
from bookgen.safepaths import check_folder, check_project, is_inside, real
from bookgen.sourcetext import Block, text_lines
from bookgen.transcript import rules_of, split_source
from bookgen.yamlstrict import YamlDocument, decode_text, document_from, read_yaml, too_large

# content sub-folder -> schema name
KINDS: dict[str, str] = {
    "sources": "source",
    "actors": "actor",
    "issues": "issue",
    "events": "event",
    "claims": "claim",
    "annotations": "annotations",
}
MAX_SOURCE_BYTES = 5_000_000
# C0 controls but tab and line feed (a lone CR is left after CRLF is read as LF), DEL, C1 controls
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
MAX_CONTROL_REPORTS = 20  # per file; a file full of them gets one more line saying how many


@dataclass(frozen=True)
class SourceText:
    """A source article's text, its sha256 and its blocks."""

    id: EntityId
    path: str  # as shown to people, relative to the project root
    text: str
    sha256: str
    blocks: tuple[Block, ...]
    origin: tuple[tuple[int, int, int], ...] = ()  # a transcript's pieces' file positions (bookgen.transcript)


@dataclass
class LoadedContent:
    root: Path
    docs: dict[str, dict[EntityId, YamlDocument]] = field(default_factory=dict)
    texts: dict[EntityId, SourceText] = field(default_factory=dict)
    unreadable: dict[str, set[EntityId]] = field(default_factory=dict)  # kind -> ids whose YAML failed

    def release_documents(self) -> None:
        """Let the YAML documents go, once every entity is made from them and checked (entities keep
        their strings and, for messages, their files' positions): a build keeps only the Book."""
        self.docs = {kind: {} for kind in self.docs}


def display_path(root: Path, path: Path) -> str:
    """``path`` relative to ``root``, for messages: characters that would break or disguise a
    one-line message (newlines, bidi overrides, other invisibles) are written as ``\\uXXXX``."""
    try:
        shown = path.relative_to(root).as_posix()
    except ValueError:
        shown = path.as_posix()
    if shown.isascii() and shown.isprintable():  # the usual case, nothing to replace
        return shown
    return "".join(ch if ch.isprintable() and unicodedata.category(ch) != "Cf" else f"\\u{ord(ch):04x}"
                   for ch in shown)


def load_content(root: Path, problems: Problems, parsed: ParsedFiles | None = None) -> LoadedContent:
    """Read ``content/`` and the source files it names, collecting every problem; ``parsed``: the
    values of files an earlier build read (:mod:`bookgen.parsedcache`)."""
    loaded = LoadedContent(root=root, docs={kind: {} for kind in KINDS})
    content = root / "content"
    outside = check_project(root, problems)  # folders whose links lead out of the project: not read
    if "content" in outside:
        return loaded
    if not content.is_dir():
        problems.error("content", 1, 1, f"no content folder at {content}; run bookgen from the "
                       "project root or pass --root", "no-content")
        return loaded
    for entry in sorted(content.iterdir()):
        if entry.is_dir() and entry.name not in KINDS:
            problems.warning(display_path(root, entry), 1, 1, f"unknown content folder '{entry.name}'; "
                             f"expected one of {', '.join(KINDS)}", "unknown-folder")
    for kind in KINDS:
        folder = content / kind
        if not check_folder(root, folder, problems) or not folder.is_dir():
            continue
        for path in sorted(folder.iterdir()):
            shown = display_path(root, path)
            if path.name.startswith(".") or path.is_dir():
                continue
            if path.suffix != ".yaml":
                if path.suffix == ".yml":
                    problems.error(shown, 1, 1, "content files end in '.yaml'; rename it", "bad-extension")
                continue
            entity_id = EntityId(path.stem)
            why = id_problem(entity_id)
            if why:
                problems.error(shown, 1, 1, f"file name: {why}", "bad-id")
                continue
            if path.is_symlink() or not path.is_file():
                problems.error(shown, 1, 1, "content files must be regular files, not symlinks or special files",
                               "symlink")
                continue
            if too_large(path.stat().st_size, shown, problems):  # before reading a huge file
                continue
            doc = _read_yaml_remembered(path.read_bytes(), shown, problems, parsed)
            if doc is not None:
                loaded.docs[kind][entity_id] = doc
            else:
                loaded.unreadable.setdefault(kind, set()).add(entity_id)
    if "seeds" in outside:  # reported once, for the folder
        return loaded
    for source_id, doc in loaded.docs["sources"].items():
        text = read_source_text(root, source_id, doc, problems)
        if text is not None:
            loaded.texts[source_id] = text
        check_original(root, doc, problems)
    return loaded


def check_original(root: Path, doc: YamlDocument, problems: Problems) -> None:
    """The original a text was extracted from (``original:``) must be under seeds/ and unchanged
    (``original_sha256``): it is the evidence the extracted text is checked against."""
    data = doc.data
    if not isinstance(data, dict) or not isinstance(data.get("original"), str):
        return
    written, pinned = data["original"], data.get("original_sha256")
    path = Path(written)
    if path.is_absolute() or ".." in path.parts or not written.startswith("seeds/") \
            or not Path(os.path.realpath(root / path)).is_relative_to((root / "seeds").resolve()):
        line, col = doc.mark(("original",))
        problems.error(doc.path, line, col, f"original '{written}' must be a relative path under seeds/, such as "
                       "'seeds/originals/article.html'", "source-outside-seeds")
    elif not (root / path).is_file():
        line, col = doc.mark(("original",))
        problems.error(doc.path, line, col, f"original '{written}' does not exist; put the file back or remove "
                       "`original` and `original_sha256`", "source-missing")
    elif isinstance(pinned, str):
        digest = hashlib.sha256((root / path).read_bytes()).hexdigest()
        if digest != pinned:
            line, col = doc.mark(("original_sha256",))
            problems.warning(doc.path, line, col, f"original '{written}' changed since it was imported (sha256 "
                             f"{digest}); import it again or, if the text in `file` is still right, set "
                             "original_sha256 to that value", "original-changed")


# path as shown -> (sha256 of its bytes, the document read from them without any problem). A long
# process (`bookgen serve`) re-reads only the files whose bytes changed; the key is the whole
# content, so a remembered document is never stale. Only the latest version per path is kept.
_READ: dict[str, tuple[bytes, YamlDocument]] = {}


def _read_yaml_remembered(raw: bytes, shown: str, problems: Problems,
                          parsed: ParsedFiles | None = None) -> YamlDocument | None:
    """A content file read, or remembered: by ``bookgen build`` between builds (``parsed``, its
    value by the file's bytes), by a long process (``memo``, the document by path and bytes). Only
    a file read without any problem is remembered: warnings must be reported every time."""
    remember = parsed is not None or memo.ENABLED
    digest = hashlib.sha256(raw).digest() if remember else b""
    if parsed is not None:
        found, value = parsed.get(digest)
        if found:
            return document_from(raw, shown, value)
    elif memo.ENABLED:
        hit = _READ.get(shown)
        if hit is not None and hit[0] == digest:
            return hit[1]
    before = len(problems.items)
    doc = read_yaml(raw, shown, problems)
    if remember and doc is not None and len(problems.items) == before:
        if parsed is not None:
            parsed.put(digest, doc.data)
        else:
            _READ[shown] = (digest, doc)
    return doc


def read_source_text(root: Path, source_id: EntityId, doc: YamlDocument,
                     problems: Problems) -> SourceText | None:
    """Read the file a source YAML names, refusing anything outside ``seeds/``."""
    if not isinstance(doc.data, dict) or not isinstance(doc.data.get("file"), str):
        return None  # the schema check reports the missing or mistyped field
    written = doc.data["file"]

    def fail(message: str, code: str) -> None:
        line, col = doc.mark(("file",))  # only now: a position means reading the YAML file again
        problems.error(doc.path, line, col, message, code)

    seeds = real(root / "seeds")
    if not is_inside(root, root / "seeds"):
        fail(f"source file '{written}': seeds/ is a symlink that leads outside the project folder; "
             "bookgen reads only files inside it", "path-outside")
        return None
    candidate = Path(written)
    if candidate.is_absolute() or ".." in candidate.parts or not written.startswith("seeds/"):
        fail(f"source file '{written}' must be a relative path under seeds/, such as "
             "'seeds/article.txt'", "source-outside-seeds")
        return None
    path = root / candidate
    resolved = Path(os.path.realpath(path))
    if not resolved.is_relative_to(seeds):
        fail(f"source file '{written}' resolves outside seeds/ (a symlink?); copy the text into "
             "seeds/ instead", "source-outside-seeds")
        return None
    if resolved.exists() and not resolved.is_file():
        fail(f"source file '{written}' is a folder or special file, not a text file", "source-missing")
        return None
    if not resolved.is_file():
        fail(f"source file '{written}' does not exist; check the path or add the text under seeds/",
             "source-missing")
        return None
    size = resolved.stat().st_size
    if size > MAX_SOURCE_BYTES:
        fail(f"source file '{written}' is {size:,} bytes, over the {MAX_SOURCE_BYTES:,}-byte limit",
             "file-too-large")
        return None
    raw = resolved.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    headings = listed_headings(doc)
    reading = repr(rules_of(doc.data))  # a transcript's speaker map changes how it is read
    hit = _TEXTS.get((source_id, written, headings, reading))
    if hit is not None and hit.sha256 == digest:
        return hit
    before = len(problems.items)
    text = decode_text(raw, written, problems, "source file")
    if text is None or not controls_ok(text, written, problems):
        return None
    if not text.strip():
        fail(f"source file '{written}' is empty; a source needs text to cite", "source-empty")
        return None
    if headings:
        lines = set(text_lines(text))
        for i, heading in enumerate(headings):
            if heading not in lines:
                line, col = doc.mark(("headings", i))
                problems.error(doc.path, line, col, f"heading \"{heading}\" is not a line of source file "
                               f"'{written}'; list each heading exactly as its line reads", "heading-not-found")
    split = split_source(text, doc.data, frozenset(headings))
    source = SourceText(source_id, written, split.text, digest, split.blocks, split.origin)
    if len(problems.items) == before and memo.ENABLED:
        _TEXTS[(source_id, written, headings, reading)] = source
    return source


def listed_headings(doc: YamlDocument) -> tuple[str, ...]:
    """The lines a source YAML lists under ``headings:`` (the schema check reports a wrong type)."""
    listed = doc.data.get("headings") if isinstance(doc.data, dict) else None
    if not isinstance(listed, list):
        return ()
    return tuple(h.strip() for h in listed if isinstance(h, str) and h.strip())


def controls_ok(text: str, path: str, problems: Problems) -> bool:
    """Report control characters (ESC, BEL, a lone CR...) with their position; True if none.
    They can make a terminal, a diff or a review show something other than the text."""
    found, first_unlisted = 0, (1, 1)
    for m in _CONTROL.finditer(text):
        found += 1
        if found <= MAX_CONTROL_REPORTS + 1:
            line = text.count("\n", 0, m.start()) + 1
            col = m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1
        if found <= MAX_CONTROL_REPORTS:
            name = "lone carriage return" if m.group() == "\r" else "control character"
            problems.error(path, line, col, f"{name} U+{ord(m.group()):04X} in the source text; remove it "
                           "(a source is plain text: only tabs and line breaks)", "control-character")
        elif found == MAX_CONTROL_REPORTS + 1:
            first_unlisted = (line, col)
    if found > MAX_CONTROL_REPORTS:
        problems.error(path, *first_unlisted, f"{found - MAX_CONTROL_REPORTS:,} more control characters "
                       "from here on; remove them too", "control-character")
    return found == 0


# (source id, file as written) -> the text last read without any problem, split into blocks; used
# again only if the file's bytes have the same sha256 (serve reads every source after each edit).
_TEXTS: dict[tuple[EntityId, str, tuple[str, ...], str], SourceText] = {}
