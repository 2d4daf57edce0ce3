"""Editor aids: ``new source``, ``quote``, ``pin``, ``schema`` export and the ``coverage`` report.

Each returns an exit code and prints to the streams it is given; content problems are printed in
the usual ``path:line:col: error: message [bookgen.code]`` form. Files are written whole (a temp
file, then a rename), never half-way.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from pathlib import Path
from typing import TextIO

from bookgen.anchor import SourceIndex
from bookgen.dates import DateError, parse_date
from bookgen.drift import PINS_DIR, pin_path
from bookgen.ids import id_problem
from bookgen.importer import FIELDS, UNKNOWN, Extracted, SourceImportError, extract, extract_txt, first_line_title
from bookgen.load import SourceText, display_path, read_source_text
from bookgen.model import Book
from bookgen.problems import Problems
from bookgen.schemas import SCHEMA_NAMES, schema
from bookgen.sourcetext import block_at, looks_like_heading, text_lines
from bookgen.transcript import split_source
from bookgen.write import atomic_write
from bookgen.yamlstrict import YamlDocument, decode_text, read_yaml

SCHEMA_DIR = "schemas"
ORIGINALS_DIR = "originals"  # under seeds/: the files as published that texts were extracted from
TITLE_MAX = 100
_PLAIN_START = re.compile(r"[A-Za-z0-9(\u00c0-\uffff]")


def schema_comment(kind: str) -> str:
    """The first line of a content file, for YAML-aware editors (paths are relative to the file)."""
    return f"# yaml-language-server: $schema=../../{SCHEMA_DIR}/{kind}.schema.json\n"


def yaml_scalar(text: str) -> str:
    """``text`` as a YAML scalar: plain when that reads back as the same string, else double-quoted."""
    plain = (_PLAIN_START.match(text) is not None and text == text.strip() and ": " not in text
             and " #" not in text and not text.endswith(":") and "\n" not in text
             and all(ch.isprintable() for ch in text))
    return text if plain else json.dumps(text, ensure_ascii=False)


def _fail(problems: Problems, err: TextIO) -> int:
    err.write(problems.render())
    return 1


def _load_source(root: Path, sid: str, problems: Problems) -> tuple[Path, YamlDocument, SourceText] | None:
    path = root / "content" / "sources" / f"{sid}.yaml"
    shown = display_path(root, path)
    if id_problem(sid) or not path.is_file():
        problems.error(shown, 1, 1, f"no source '{sid}' (expected {shown})", "unknown-id")
        return None
    doc = read_yaml(path.read_bytes(), shown, problems)
    if doc is None:
        return None
    text = read_source_text(root, sid, doc, problems)  # type: ignore[arg-type]
    return (path, doc, text) if text is not None else None


# --- new source -------------------------------------------------------------------------------

def slug(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:64].strip("-")


def title_of(text: str) -> tuple[str, str]:
    """A title from the first non-empty line, shortened at a word; and where it came from."""
    first = first_line_title(text)
    if len(first) <= TITLE_MAX:
        return first, "first line"
    cut = first[: TITLE_MAX - 1].rsplit(" ", 1)[0].rstrip(",;:-")
    return cut + "…", "first line, shortened"


def proposed_headings(text: str) -> str:
    """A ``headings:`` list of the lines that look like headings, for the editor to review: only
    listed lines are headings, so nothing a text holds becomes one unseen."""
    found = dict.fromkeys(line for line in text_lines(text) if looks_like_heading(line))
    if not found:
        return ""
    return ("headings:  # proposed: short lines not ending like a sentence; keep only real headings\n"
            + "".join(f"  - {yaml_scalar(h)}\n" for h in found))


def _seed_path(root: Path, file: str) -> str:
    rel = Path(file)
    if rel.is_absolute():
        try:
            rel = rel.resolve().relative_to(root)
        except ValueError:
            pass
    return rel.as_posix()


def _metadata_yaml(got: Extracted, text: str, kind: str) -> str:
    """The source YAML's metadata lines: each value or unknown, and where each came from."""
    title, title_from = got.values.get("title", ""), got.origin("title")
    if title_from == "first line" or not title:
        first = text if kind != "transcript" else "\n".join(b.text for b in split_source(text, {"kind": kind}).blocks)
        title, title_from = title_of(first)
    elif len(title) > TITLE_MAX:
        title, title_from = title_of(title)[0], f"{title_from}, shortened"
    published = got.values.get("published", UNKNOWN)
    try:
        parse_date(published) if published != UNKNOWN else None
    except DateError:
        published = UNKNOWN
    origins = {"title": title_from, "publisher": got.origin("publisher"), "author": got.origin("author"),
               "url": got.origin("url"), "published": got.origin("published") if published != UNKNOWN else UNKNOWN}
    lines = [f"title: {yaml_scalar(title)}", f"title_from: {yaml_scalar(title_from)}",
             f"publisher: {yaml_scalar(got.values.get('publisher', UNKNOWN))}"]
    if "author" in got.values:
        lines.append(f"author: {yaml_scalar(got.values['author'])}")
    lines += [f"url: {yaml_scalar(got.values.get('url', UNKNOWN))}", f"published: {yaml_scalar(published)}",
              "metadata_from:"] + [f"  {name}: {yaml_scalar(origins[name])}" for name in FIELDS]
    return "\n".join(lines) + "\n"


def new_source(root: Path, file: str, sid: str | None, out: TextIO, err: TextIO, kind: str = "article") -> int:
    """Write ``content/sources/<id>.yaml`` for a source file, pinned, with the metadata the file carries.

    A ``.txt`` under seeds/ is cited as it is. A saved web page (``.html``/``.htm``) or a ``.pdf``,
    from anywhere, has its text extracted into ``seeds/<id>.txt`` and is kept as
    ``seeds/originals/<id>.<ext>``; both are pinned. Nothing is written unless everything is."""
    problems = Problems()
    path = Path(file) if Path(file).is_absolute() or Path(file).exists() else root / file  # as typed, or in root
    suffix = path.suffix.lower()
    imported = suffix in (".html", ".htm", ".pdf")
    sid = sid or slug(path.stem)
    target = root / "content" / "sources" / f"{sid}.yaml"
    shown = display_path(root, target)
    why = id_problem(sid)
    if why:
        problems.error(shown, 1, 1, f"source id: {why}; pass a valid one with --id", "bad-id")
        return _fail(problems, err)
    if target.exists():
        problems.error(shown, 1, 1, f"source '{sid}' already exists; pass another --id", "duplicate-id")
        return _fail(problems, err)
    if imported and kind == "transcript":
        problems.error(file, 1, 1, "a transcript is read from a .txt file; save its text as .txt first", "bad-import")
        return _fail(problems, err)
    writes: list[tuple[Path, bytes]] = []
    if imported:
        written = f"seeds/{sid}.txt"
        original = f"seeds/{ORIGINALS_DIR}/{sid}{suffix}"
        for rel in (written, original):
            if (root / rel).exists():
                problems.error(rel, 1, 1, f"'{rel}' already exists; pass another --id", "duplicate-id")
        if not path.is_file():
            problems.error(file, 1, 1, f"'{file}' does not exist or is not a file", "source-missing")
        if problems.items:
            return _fail(problems, err)
        try:
            got = extract(path)
        except (SourceImportError, OSError) as exc:
            problems.error(file, 1, 1, f"cannot import '{file}': {exc}", "bad-import")
            return _fail(problems, err)
        text_bytes, raw = got.text.encode("utf-8"), path.read_bytes()
        if decode_text(text_bytes, written, problems, "extracted text") is None or problems.errors:
            return _fail(problems, err)
        writes += [(root / written, text_bytes), (root / original, raw)]
        head = (f"file: {written}\noriginal: {original}\noriginal_sha256: {hashlib.sha256(raw).hexdigest()}\n")
        text = got.text
    else:
        written = _seed_path(root, file)
        probe = YamlDocument(data={"file": written}, path=shown, marks={(): (1, 1), ("file",): (1, 7)}, key_marks={})
        source = read_source_text(root, sid, probe, problems)  # type: ignore[arg-type]
        if source is None:
            return _fail(problems, err)
        text_bytes = (root / written).read_bytes()
        text = source.text
        got = extract_txt(text_bytes)
        head = f"file: {yaml_scalar(written)}\n"
    if kind == "transcript":
        head += "kind: transcript\n"
    body = (schema_comment("source") + head + _metadata_yaml(got, text, kind)
            + f"sha256: {hashlib.sha256(text_bytes).hexdigest()}\n"
            + (proposed_headings(text) if kind != "transcript" and not imported else ""))
    for where, data in writes:
        atomic_write(where, data)
    atomic_write(pin_path(root, sid), text_bytes)
    atomic_write(target, body.encode("utf-8"))
    made = ", ".join([*(display_path(root, w) for w, _ in writes), shown, f"{PINS_DIR}/{sid}.txt"])
    unknown = [name for name in FIELDS if got.origin(name) == UNKNOWN and name != "author"]
    tail = f"; not in the file: {', '.join(unknown)}" if unknown else ""
    out.write(f"wrote {made}{tail}; check title, publisher, url, published and headings against the source\n")
    return 0


# --- pin --------------------------------------------------------------------------------------

def pin(root: Path, sid: str, out: TextIO, err: TextIO) -> int:
    """Accept a source's current text: set its sha256 and keep a copy in pins/<id>.txt."""
    problems = Problems()
    found = _load_source(root, sid, problems)
    if found is None:
        return _fail(problems, err)
    path, doc, text = found
    raw_seed = (root / doc.data["file"]).read_bytes()
    digest = hashlib.sha256(raw_seed).hexdigest()
    lines = path.read_bytes().decode("utf-8").split("\n")
    old = doc.data.get("sha256")
    if isinstance(old, str) and ("sha256",) in doc.marks:
        line, col = doc.mark(("sha256",))
        current = lines[line - 1]
        head, tail = current[: col - 1], current[col - 1:]
        token = re.match(r"(\"[^\"]*\"|'[^']*'|[^\s#]*)", tail)
        lines[line - 1] = head + digest + tail[token.end() if token else 0:]
    else:
        problems.error(doc.path, 1, 1, "no sha256 field to update; add `sha256: x` and run pin again",
                       "schema")
        return _fail(problems, err)
    unchanged = old == digest and pin_path(root, sid).is_file()
    atomic_write(pin_path(root, sid), raw_seed)
    if old != digest:  # leave the file untouched when only the copy was missing
        atomic_write(path, "\n".join(lines).encode("utf-8"))
    state = "already pinned" if unchanged else f"pinned (sha256 was {old})"
    out.write(f"{sid}: {state}; sha256 {digest}; copy in {PINS_DIR}/{sid}.txt\n")
    return 0


# --- quote ------------------------------------------------------------------------------------

def quote(root: Path, sid: str, words: str, out: TextIO, err: TextIO) -> int:
    """Print a ready-to-paste citation for the passage holding ``words``."""
    problems = Problems()
    found = _load_source(root, sid, problems)
    if found is None:
        return _fail(problems, err)
    _, _, text = found
    index = SourceIndex(text)
    spans, _ = index.matches(words)
    if not spans and words.split():  # an editor may type another case or spacing
        loose = r"\s+".join(re.escape(w) for w in words.split())
        spans = [(m.start(), m.end()) for m in re.finditer(loose, text.text, re.IGNORECASE)]
    if not spans:
        near = index.closest(words)
        hint = f"; closest passage (¶{near[1].number}, {near[0]:.0%}): \"{near[1].text}\"" if near else ""
        err.write(f"{text.path}: error: \"{words}\" not found in source '{sid}'{hint}\n")
        return 1
    for n, span in enumerate(spans):
        block = block_at(text.blocks, *span)
        line, col = index.position(span[0])
        where = f"¶{block.number}" if block else "across paragraphs"
        if len(spans) > 1:
            out.write(f"# match {n + 1} of {len(spans)}: {where}, {text.path}:{line}:{col}\n")
        else:
            out.write(f"# {where}, {text.path}:{line}:{col}\n")
        out.write(f"    quote: {yaml_scalar(text.text[span[0]:span[1]])}\n")
        if len(spans) > 1:
            pre, suf = index.shortest_context(span, spans)
            if pre:
                out.write(f"    prefix: {yaml_scalar(pre)}\n")
            elif suf:
                out.write(f"    suffix: {yaml_scalar(suf)}\n")
    return 0


# --- schema export and coverage ---------------------------------------------------------------

def export_schemas(out_dir: Path | None, kind: str | None, out: TextIO) -> int:
    """Write every schema into ``out_dir``, or print one schema."""
    if out_dir is not None:
        for name in SCHEMA_NAMES:
            atomic_write(out_dir / f"{name}.schema.json",
                         (json.dumps(schema(name), indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
        out.write(f"wrote {len(SCHEMA_NAMES)} schemas to {out_dir}; start content files with "
                  f"{schema_comment('<kind>').strip()}\n")
        return 0
    out.write(json.dumps(schema(kind or ""), indent=2, ensure_ascii=False) + "\n")
    return 0


def coverage_report(book: Book, out: TextIO) -> None:
    """Per source: paragraphs to account for, cited, left out, and unaccounted (with their ¶)."""
    out.write(f"{'source':32} {'paragraphs':>10} {'cited':>6} {'left out':>9} {'unaccounted':>12}\n")
    for sid, cov in sorted(book.coverage.items()):
        missing = ", ".join(f"¶{n}" for n in cov.unaccounted)
        out.write(f"{sid:32} {cov.accountable:>10} {len(cov.cited):>6} {len(cov.counted_left_out):>9} "
                  f"{len(cov.unaccounted):>12}{'  ' + missing if missing else ''}\n")
