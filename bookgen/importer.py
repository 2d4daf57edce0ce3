"""Text and metadata out of a source file as published: a saved web page, a PDF, a plain text.

:func:`extract` reads one file and returns the text to cite (one paragraph per line, as every seed)
and the metadata the file itself carries, each value with where it came from ("html meta
og:title", "pdf document info /Title"). A value the file does not carry is ``unknown``; nothing is
guessed, except a plain text's title, taken from its first line only when there is nothing better
and then said to be so. Everything runs offline on the bytes given, and the same bytes give the
same result.

- HTML: trafilatura finds the main text and reads the metadata (meta tags, Open Graph, JSON-LD);
  htmldate, through it, reads the publication date from the page's markup only (no guessing from
  the running text, no "today" limit). Where each value came from is then looked up in the page.
- PDF: pypdf extracts each page's text (lines joined into paragraphs where a line does not end a
  sentence) and reads the document information dictionary and XMP metadata.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Any, Callable, Iterable

UNKNOWN = "unknown"
FIELDS = ("title", "publisher", "author", "url", "published")
SUFFIXES = (".txt", ".html", ".htm", ".pdf")
_DATE_SETTINGS = {"original_date": True, "extensive_search": False, "max_date": "2099-12-31"}
_TABLE_RULE = re.compile(r"\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?")
_SENTENCE_END = (".", "!", "?", ":", ";", '"', "\u201d", ")", "\u2019")


class SourceImportError(ValueError):
    """The file cannot be read as a source; the message says why."""


@dataclass
class Extracted:
    """A source's text and metadata, with where each value came from."""

    text: str
    values: dict[str, str] = field(default_factory=dict)  # field -> value (absent: unknown)
    origins: dict[str, str] = field(default_factory=dict)  # field -> where in the file

    def set(self, name: str, value: str | None, origin: str) -> None:
        value = " ".join((value or "").split())
        if value and name not in self.values:
            self.values[name] = value
            self.origins[name] = origin

    def origin(self, name: str) -> str:
        return self.origins.get(name, UNKNOWN)


def extract(path: Path) -> Extracted:
    """Read ``path`` (.txt, .html/.htm or .pdf)."""
    suffix = path.suffix.lower()
    raw = path.read_bytes()
    if suffix == ".pdf":
        return extract_pdf(raw)
    if suffix in (".html", ".htm"):
        return extract_html(raw)
    if suffix == ".txt":
        return extract_txt(raw)
    raise SourceImportError(f"'{path.name}' is not a .txt, .html, .htm or .pdf file")


def _decode(raw: bytes, what: str) -> str:
    try:
        return raw.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
    except UnicodeDecodeError as exc:
        raise SourceImportError(f"{what} is not UTF-8 (byte {exc.start}); save it as UTF-8") from None


def _paragraph_lines(lines: Iterable[str]) -> str:
    """One paragraph per line, white space folded, no empty lines, a final newline."""
    out = [" ".join(line.split()) for line in lines]
    return "\n".join(line for line in out if line) + "\n"


def first_line_title(text: str) -> str:
    return next((" ".join(line.split()) for line in text.splitlines() if line.strip()), "")


# --- plain text -------------------------------------------------------------------------------

def extract_txt(raw: bytes) -> Extracted:
    """A plain text is cited as it is; its title is only a guess from the first line."""
    text = _decode(raw, "the file")
    got = Extracted(text)
    got.set("title", first_line_title(text), "first line")
    return got


# --- HTML -------------------------------------------------------------------------------------

def extract_html(raw: bytes) -> Extracted:
    import lxml.html
    from trafilatura import bare_extraction

    html = _decode(raw, "the page")
    doc = bare_extraction(html, with_metadata=True, include_comments=False, include_tables=True,
                          include_images=False, deduplicate=False, favor_precision=True,
                          date_extraction_params=dict(_DATE_SETTINGS))
    if doc is None or not (doc.text or "").strip():
        raise SourceImportError("no main text found in the page; save the article's text as .txt instead")
    lines = [line for line in doc.text.split("\n") if not _TABLE_RULE.fullmatch(line.strip())]
    got = Extracted(_paragraph_lines(lines))
    tree = lxml.html.document_fromstring(html.encode("utf-8"))
    page = _PageMarkup(tree)
    got.set("title", doc.title, page.where("title", doc.title))
    got.set("author", doc.author, page.where("author", doc.author))
    got.set("url", doc.url, page.where("url", doc.url))
    if doc.sitename and page.where("publisher", doc.sitename) != _NOT_IN_MARKUP:  # not the host name
        got.set("publisher", doc.sitename, page.where("publisher", doc.sitename))
    if doc.date:
        got.set("published", doc.date, page.where("published", doc.date))
    return got


_NOT_IN_MARKUP = "trafilatura (not found as such in the page's markup)"


class _PageMarkup:
    """Where a metadata value sits in a page: meta tags, Open Graph, JSON-LD, <title>, <link>."""

    CANDIDATES: dict[str, tuple[tuple[str, str], ...]] = {
        "title": (("meta", "og:title"), ("meta", "twitter:title"), ("json-ld", "headline"), ("json-ld", "name"),
                  ("meta", "title"), ("tag", "title"), ("tag", "h1")),
        "author": (("meta", "author"), ("meta", "article:author"), ("json-ld", "author.name"), ("meta", "byl"),
                   ("meta", "dc.creator")),
        "url": (("link", "canonical"), ("meta", "og:url"), ("json-ld", "url"), ("json-ld", "mainEntityOfPage")),
        "publisher": (("meta", "og:site_name"), ("json-ld", "publisher.name"), ("meta", "application-name"),
                      ("meta", "publisher"), ("meta", "dc.publisher")),
        "published": (("meta", "article:published_time"), ("json-ld", "datePublished"), ("meta", "date"),
                      ("meta", "pubdate"), ("meta", "publish-date"), ("meta", "dc.date"), ("meta", "og:published_time"),
                      ("tag", "time"), ("json-ld", "dateCreated")),
    }

    def __init__(self, tree: Any) -> None:
        self.meta: dict[str, list[str]] = {}
        for el in tree.iter("meta"):
            key = (el.get("property") or el.get("name") or el.get("itemprop") or "").strip().lower()
            if key and el.get("content"):
                self.meta.setdefault(key, []).append(el.get("content"))
        self.links = {(el.get("rel") or "").strip().lower(): el.get("href") or "" for el in tree.iter("link")}
        self.tags = {name: [" ".join((el.text_content() if name != "time" else (el.get("datetime") or "")).split())
                            for el in tree.iter(name)] for name in ("title", "h1", "time")}
        self.json_ld: list[dict[str, Any]] = []
        for el in tree.iter("script"):
            if (el.get("type") or "").lower() == "application/ld+json" and el.text:
                try:
                    data = json.loads(el.text)
                except ValueError:
                    continue
                self.json_ld.extend(_json_objects(data))

    def _values(self, kind: str, key: str) -> list[str]:
        if kind == "meta":
            return self.meta.get(key, [])
        if kind == "link":
            return [self.links[key]] if key in self.links else []
        if kind == "tag":
            return self.tags.get(key, [])
        out = []
        for obj in self.json_ld:
            value: Any = obj
            for part in key.split("."):
                if isinstance(value, list):
                    value = value[0] if value else None
                value = value.get(part) if isinstance(value, dict) else None
            if isinstance(value, dict):
                value = value.get("@id") or value.get("name")
            if isinstance(value, str):
                out.append(value)
        return out

    def where(self, name: str, value: str | None) -> str:
        """Where ``value`` of field ``name`` is written in the page (first place in order)."""
        if not value:
            return UNKNOWN
        want = " ".join(value.split())
        same: Callable[[str], bool] = (lambda v: v.startswith(want)) if name == "published" else (lambda v: v == want)
        for kind, key in self.CANDIDATES[name]:
            if any(same(" ".join(v.split())) for v in self._values(kind, key)):
                return _label(kind, key)
        for kind, key in self.CANDIDATES[name]:  # e.g. a <title> with the site's name after the headline
            if any(want in " ".join(v.split()) for v in self._values(kind, key)):
                return _label(kind, key) + ", shortened"
        return _NOT_IN_MARKUP


def _label(kind: str, key: str) -> str:
    return {"meta": f"html meta {key}", "link": f"html link rel={key}", "tag": f"html <{key}>",
            "json-ld": f"json-ld {key}"}[kind]


def _json_objects(data: Any) -> list[dict[str, Any]]:
    """Every JSON-LD object in a block (top level, a list, or an @graph), articles first."""
    found: list[dict[str, Any]] = []
    todo = [data]
    while todo:
        item = todo.pop(0)
        if isinstance(item, list):
            todo.extend(item)
        elif isinstance(item, dict):
            found.append(item)
            if isinstance(item.get("@graph"), list):
                todo.extend(item["@graph"])
    return sorted(found, key=lambda o: 0 if "Article" in str(o.get("@type", "")) else 1)


# --- PDF --------------------------------------------------------------------------------------

def extract_pdf(raw: bytes) -> Extracted:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(BytesIO(raw))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError) as exc:
        raise SourceImportError(f"cannot read the PDF ({exc})") from None
    text = pdf_paragraphs(pages)
    if not text.strip():
        raise SourceImportError("the PDF has no text layer (a scan?); save its text as .txt instead")
    got = Extracted(text)
    info = reader.metadata or {}
    xmp = _xmp(reader)
    got.set("title", _info(info, "/Title"), "pdf document info /Title")
    got.set("title", xmp.get("dc_title"), "pdf xmp dc:title")
    got.set("author", _info(info, "/Author"), "pdf document info /Author")
    got.set("author", xmp.get("dc_creator"), "pdf xmp dc:creator")
    got.set("publisher", xmp.get("dc_publisher"), "pdf xmp dc:publisher")
    got.set("url", xmp.get("dc_identifier") if str(xmp.get("dc_identifier", "")).startswith("http") else None,
            "pdf xmp dc:identifier")
    created = getattr(reader.metadata, "creation_date", None) if reader.metadata else None
    if isinstance(created, dt.datetime):
        got.set("published", created.date().isoformat(), "pdf document info /CreationDate (when the PDF was made)")
    got.set("published", xmp.get("xmp_create_date"), "pdf xmp xmp:CreateDate (when the PDF was made)")
    if "title" not in got.values:
        got.set("title", first_line_title(text), "first line")
    return got


def _info(info: Any, key: str) -> str | None:
    value = info.get(key) if hasattr(info, "get") else None
    return str(value) if isinstance(value, str) and str(value).strip() else None


def _xmp(reader: Any) -> dict[str, str]:
    """A few XMP values as plain strings (the first of a list, the 'x-default' of a language map)."""
    try:
        meta = reader.xmp_metadata
    except Exception:  # noqa: BLE001 - a broken XMP packet is no metadata, not a failed import
        return {}
    if meta is None:
        return {}
    out: dict[str, str] = {}
    for name in ("dc_title", "dc_creator", "dc_publisher", "dc_identifier", "xmp_create_date"):
        value = getattr(meta, name, None)
        if isinstance(value, dict):
            value = value.get("x-default") or next(iter(value.values()), None)
        if isinstance(value, list):
            value = value[0] if value else None
        if isinstance(value, dt.datetime):
            value = value.date().isoformat()
        if isinstance(value, str) and value.strip():
            out[name] = value
    return out


def pdf_paragraphs(pages: list[str]) -> str:
    """A PDF's lines joined into paragraphs. pypdf keeps the space a line was wrapped at, so a line
    ending in a space runs on; otherwise a line ending a sentence short of the full width, a short
    line (a heading, a signature) or a line before a blank one ends its paragraph. A hyphen at a
    line's end joins the next line without a space."""
    lines = [line for page in pages for line in page.split("\n")] + [""]
    width = max((len(line.strip()) for line in lines), default=0)
    paragraphs: list[str] = []
    current = ""
    for line, following in zip(lines, lines[1:] + [""]):
        stripped = " ".join(line.split())
        if not stripped:
            if current:
                paragraphs.append(current)
            current = ""
            continue
        if current.endswith("-") and not current.endswith(" -"):
            current += stripped
        else:
            current = f"{current} {stripped}" if current else stripped
        if (line.endswith(" ") or stripped.endswith("-")) and following.strip():
            continue  # wrapped at a space or a hyphen: the paragraph runs on
        ends = stripped.endswith(_SENTENCE_END) and (len(stripped) < 0.85 * width or not line.endswith(" "))
        if ends or len(stripped) < 0.6 * width or not following.strip():
            paragraphs.append(current)
            current = ""
    if current:
        paragraphs.append(current)
    return _paragraph_lines(paragraphs)
