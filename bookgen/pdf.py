"""The printed briefing: the website's Markdown pages -> one Typst document -> ``briefing.pdf``.

The pages are the very Markdown the website is built from (``render.render_pages``); this module
only orders them into chapters, gives each a label so links become page references, adds a cover
and contents, and compiles with Typst in an empty temporary folder that holds nothing but the
generated ``.typ`` (Typst may read any file under its root, so the root holds nothing else; system
fonts are ignored and no package is ever fetched). The PDF replaces the previous one atomically,
only once compilation succeeded.

Page references are resolved in two Typst runs, each in a child process (so Typst's memory goes
back when it ends): pass 1 lays the book out with a fixed-width gap where each "(p. N)" goes and
reports where every referenced label landed; pass 2 prints those page numbers (same width, so the
same layout) as links to those positions. Typst's own ``ref``/``locate`` per reference cost about
100 KB each and made a 450-page book need ~2.9 GiB; this way it needs ~2 GiB.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import posixpath
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from bookgen import links as L
from bookgen import swap
from bookgen.fonts import FontSet, FontsMissing
from bookgen.ids import EntityId
from bookgen.load import KINDS
from bookgen.model import Book
from bookgen.pagekinds import PrintChapter, print_chapters
from bookgen.pdfstyle import PAPERS, cover, pageref_pass1, pageref_pass2, preamble
from bookgen.typst_markup import NoteBook, PageRenderer, Target, anchor_ids, label_name, parse, parser, string, text

PDF_NAME = "briefing.pdf"
FULL_PDF_NAME = "book.pdf"  # bookgen pdf --full (bookgen.pdfparts)
_PARAGRAPH_ANCHOR = re.compile(r"p(\d+)")


class PdfBuildError(Exception):
    """The PDF could not be made; the message says why. Any previous PDF is left in place."""


class MissingGlyphs(PdfBuildError):
    """Characters no shipped font has a glyph for (see :func:`bookgen.fonts.locate_missing`)."""

    def __init__(self, chars: list[str]):
        super().__init__("no font has a glyph for " + ", ".join(f"U+{ord(c):04X}" for c in chars))
        self.chars = chars


# chapters ---------------------------------------------------------------------------------------------
def chapters(book: Book, pages: Mapping[str, str], brief: bool = False) -> list[PrintChapter]:
    """The printed book's chapters as the page kinds declare them (:mod:`bookgen.pagekinds`),
    keeping only pages that were rendered; a rendered page no kind places goes in "More"."""
    out = []
    placed: set[str] = set()
    for c in print_chapters(book, brief):
        intro = c.intro if c.intro in pages else None
        entries = tuple(p for p in c.entries if p in pages)
        placed.update(entries)
        if c.intro:
            placed.add(c.intro)
        if intro or entries:
            out.append(PrintChapter(c.title, intro, entries, c.appendix))
    rest = tuple(p for p in pages if p not in placed and not brief)
    if rest:
        at = next((n for n, c in enumerate(out) if c.appendix), len(out))
        out.insert(at, PrintChapter("More", None, rest))
    return out


def brief_page_paths(book: Book) -> set[str]:
    """The pages the brief prints (its chapters' opening pages and entries): all :func:`typst_document`
    reads of a book's pages for the brief."""
    return {p for c in print_chapters(book, brief=True) for p in (c.intro, *c.entries) if p}


def source_numbers(book: Book, pages: Mapping[str, str]) -> dict[str, int]:
    """Source page path -> its number in the appendix (1..n, appendix order)."""
    paths = [p for p in (L.source_path(s) for s in book.sources) if p in pages]
    return {p: i for i, p in enumerate(paths, 1)}


def ref_width(body_chars: int) -> str:
    """The gap for "(p. N)": Noto Serif at 0.8 em, in bold (in a status, a heading), "(p. 888)" is
    3.70 em and "(p. 8888)" 4.26 em (regular: 3.49 and 4.05). Narrower, the text wrapped inside its
    box in bold text, and pass 1 ("888") laid out taller lines than pass 2."""
    return "4.3em" if body_chars > 6_000_000 else "3.75em"


# links ------------------------------------------------------------------------------------------------
@dataclass
class BookResolver:
    """Resolves a page's relative links to labels in the PDF (or to nothing, or to an external URL)."""

    book: Book
    pages: set[str]
    anchors: set[str]  # label names defined by anchors in the pages
    numbers: dict[str, int]  # source page -> source number
    cache: dict[tuple[str, str], Target | None] = field(default_factory=dict)

    def resolve(self, page: str, href: str) -> Target | None:
        key = (posixpath.dirname(page), href)
        if key not in self.cache:
            self.cache[key] = self._resolve(page, href)
        return self.cache[key]

    def _resolve(self, page: str, href: str) -> Target | None:
        if href.startswith(("http://", "https://", "mailto:")):
            return Target(url=href)
        path, _, frag = href.partition("#")
        if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", path) or path.startswith("/"):
            return None  # another scheme or an absolute path: text only
        target = posixpath.normpath(posixpath.join(posixpath.dirname(page), path)) if path else page
        cite = self._cite(target, frag) if frag else None
        if target not in self.pages:  # a download (the PDF, JSON, CSV...) means nothing on paper
            if cite is not None:
                return Target(cite=cite)
            return Target(drop=True) if posixpath.splitext(target)[1] and not target.endswith(".md") else None
        if frag and (name := label_name(f"{target}#{frag}")) in self.anchors:
            return Target(label=name, source=self._passage(target, frag), cite=cite)
        return Target(label=label_name(target))

    def _cite(self, target: str, frag: str) -> tuple[str, int] | None:
        """(short name, paragraph) of a link to a passage of a source's page."""
        if posixpath.dirname(target) != "sources" or not target.endswith(".md"):
            return None
        source = self.book.sources.get(EntityId(posixpath.basename(target)[:-3]))
        if source is None:
            return None
        if frag.startswith("a-") and (anchor := self.book.anchors.get(EntityId(frag[2:]))):
            return source.short_name, anchor.block
        if m := _PARAGRAPH_ANCHOR.fullmatch(frag):
            return source.short_name, int(m.group(1))
        return None

    def _passage(self, target: str, frag: str) -> tuple[int, int] | None:
        number = self.numbers.get(target)
        if number is None:
            return None
        if frag.startswith("a-") and (anchor := self.book.anchors.get(EntityId(frag[2:]))):
            return number, anchor.block
        if m := _PARAGRAPH_ANCHOR.fullmatch(frag):
            return number, int(m.group(1))
        return None


# assembly ---------------------------------------------------------------------------------------------
def document_date(book: Book) -> dt.date | None:
    """The latest dated item in the content, else SOURCE_DATE_EPOCH, else none (never the clock)."""
    if book.as_of is not None:
        return book.as_of.latest_day
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date()
    return None


PAGEREF = re.compile(r"#(?:pageref|srclink)\(<([a-z0-9_.:-]+)>\)")
_LENGTH = re.compile(r"-?\d+(?:\.\d+)?pt")
PROBE = "bookgen-positions"


@dataclass(frozen=True)
class Document:
    """The book in Typst, less the page-reference definition that differs between the passes."""

    title: str
    date: dt.date | None
    paper: str
    body: str
    targets: tuple[str, ...]  # labels that page references point to

    @property
    def ref_width(self) -> str:
        """Room for "(p. 123)" in page references (four digits for a very long book)."""
        return ref_width(len(self.body))

    def pass1(self) -> str:
        """Gaps for the page numbers, and a probe that reports where each target landed."""
        names = ", ".join(string(t) for t in self.targets) + ("," if len(self.targets) == 1 else "")
        probe = (f"#context {{ let out = (:); for l in ({names}) {{ out.insert(l, locate(label(l)).position()) }}; "
                 f"[#metadata(out) <{PROBE}>] }}")
        return self._source(pageref_pass1(self.ref_width)) + probe + "\n"

    def pass2(self, positions: dict[str, tuple[int, str, str]]) -> str:
        return self._source(pageref_pass2(self.ref_width, positions))

    def _source(self, pageref: str) -> str:
        return preamble(self.title, self.date, self.paper, pageref) + "\n" + self.body


def typst_document(book: Book, pages: Mapping[str, str], paper: str = "a4", version: str | None = None,
                   brief: bool = False) -> Document:
    """The book as one Typst document: the short brief (the chapters the page kinds mark for it), or
    every chapter."""
    if paper not in PAPERS:
        raise PdfBuildError(f"unknown paper size '{paper}'; use one of: {', '.join(PAPERS)}")
    md = parser()
    plan = chapters(book, pages, brief)
    included = {p for c in plan for p in (c.intro, *c.entries) if p}  # the brief links nothing else
    tokens = {p: parse(t, md) for p, t in pages.items() if p in included}
    anchors = {label_name(f"{p}#{a}") for p, toks in tokens.items() for a in anchor_ids(toks)}
    numbers = source_numbers(book, tokens)
    resolver = BookResolver(book, set(tokens), anchors, numbers)
    defined: set[str] = set()
    notebook = NoteBook()
    as_of = book.as_of.label if book.as_of else "no dated content"
    parts = [cover(book.title, as_of, version, len(book.sources), len(book.annotations),
                   desk=book.meta.desk, subtitle=book.meta.subtitle, brief=brief)]
    for index, chapter in enumerate(plan):
        if chapter.intro:
            r = PageRenderer(chapter.intro, resolver, defined, 0, chapter.title, label_name(chapter.intro),
                             notebook=notebook)
            parts.append(r.render(tokens[chapter.intro]))
        else:
            parts.append(f"#heading(level: 1)[{text(chapter.title)}] <chapter-{index}>")
        for path in chapter.entries:
            title = None
            if path in numbers:
                title = f"Source {numbers[path]}: {book.sources[EntityId(posixpath.basename(path)[:-3])].title}"
            r = PageRenderer(path, resolver, defined, 1, title, label_name(path), notebook=notebook)
            parts.append(f"#entry[\n{r.render(tokens[path])}\n]")
    body = "\n\n".join(parts) + "\n\n"
    targets = tuple(sorted(set(PAGEREF.findall(body))))
    missing = [t for t in targets if t not in defined]
    if missing:  # a bug in bookgen, never in content: every target is a label placed above
        raise PdfBuildError(f"internal error: page references to missing labels {missing[:5]}")
    return Document(book.title, document_date(book), paper, body, targets)


def typst_source(book: Book, pages: Mapping[str, str], paper: str = "a4", version: str | None = None) -> str:
    """The first-pass Typst source (for reading or debugging)."""
    return typst_document(book, pages, paper, version).pass1()


# compiling --------------------------------------------------------------------------------------------
_CHILD = """
import os, sys
if sys.platform.startswith("linux"):  # die with the parent (PR_SET_PDEATHSIG = 1), even by kill -9
    import ctypes, signal
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass
if os.getppid() != int(sys.argv[5]):  # the parent died before that took effect
    sys.exit(4)
import typst
import json
mode, main, root, out = sys.argv[1:5]
kw = dict(root=root, font_paths=json.loads(sys.argv[6]), ignore_system_fonts=True, sys_inputs={},
          package_path=root + "/no-packages", package_cache_path=root + "/no-package-cache")
try:
    if mode == "query":
        result = typst.query(main, "<%s>", field="value", one=True, **kw)
        open(out, "w", encoding="utf-8").write(result)
    else:
        open(out, "wb").write(typst.compile(main, pdf_tags=True, **kw))
except typst.TypstError as exc:
    sys.stderr.write(str(exc))
    sys.exit(3)
""" % PROBE


def run_typst(mode: str, source: str, folder: Path, fonts: FontSet) -> Path:
    """Run Typst in a child process (its memory is returned when it ends) on ``source``.

    The folder holds only the document; it is Typst's root, so Typst can read nothing else (the
    font folders are read by Typst's font loader, never by the document).
    """
    main = folder / "briefing.typ"
    with swap.writing(main):
        main.write_text(source, "utf-8")
    out = folder / ("positions.json" if mode == "query" else "briefing.pdf")
    font_paths = json.dumps([str(p) for p in _font_folders(fonts)])
    try:  # its own process group (a terminal's Ctrl-C goes to bookgen, which ends it), dies with us
        proc = subprocess.run([sys.executable, "-c", _CHILD, mode, str(main), str(folder), str(out), str(os.getpid()),
                               font_paths],
                              capture_output=True, text=True, env=_child_env(), check=False,
                              start_new_session=True)
    except OSError as exc:
        raise PdfBuildError(f"cannot start Typst: {exc}") from None
    if proc.returncode != 0 or not out.is_file():
        reason = proc.stderr.strip() or f"exit code {proc.returncode}"
        raise PdfBuildError(f"Typst could not compile the briefing: {_first_lines(reason)}")
    main.unlink()
    return out


def _font_folders(fonts: FontSet) -> list[Path]:
    try:
        return fonts.folders()
    except FontsMissing as exc:
        raise PdfBuildError(str(exc)) from None


def check_glyphs(text: str, fonts: FontSet) -> None:
    """Raise :class:`MissingGlyphs` if a character of ``text`` has no glyph in any shipped font."""
    _font_folders(fonts)
    missing = fonts.missing(text)
    if missing:
        raise MissingGlyphs(missing)


def _child_env() -> dict[str, str]:
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "PYTHONPATH", "VIRTUAL_ENV", "SYSTEMROOT", "TMPDIR")
    return {k: v for k, v in os.environ.items() if k in keep}


def _positions(raw: str, targets: tuple[str, ...]) -> dict[str, tuple[int, str, str]]:
    try:
        data = json.loads(raw)
        out = {k: (int(v["page"]), str(v["x"]), str(v["y"])) for k, v in data.items()}
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise PdfBuildError(f"internal error: unreadable page positions from Typst ({exc})") from None
    bad = [k for k, (_, x, y) in out.items() if not (_LENGTH.fullmatch(x) and _LENGTH.fullmatch(y))]
    if bad or set(out) != set(targets):
        raise PdfBuildError("internal error: Typst reported positions that do not match the references")
    return out


def compile_document(doc: Document, fonts: FontSet | None = None) -> bytes:
    """Check every character has a glyph; pass 1 finds where every reference target lands; pass 2
    prints the numbers and the PDF."""
    fonts = fonts or FontSet()
    check_glyphs(doc.title + doc.body, fonts)
    swap.recover_pdf_temp()  # work folders of runs that were killed
    with tempfile.TemporaryDirectory(prefix=f"{swap.PDF_TEMP_PREFIX}{os.getpid()}-") as tmp:
        folder = Path(tmp)
        found = run_typst("query", doc.pass1(), folder, fonts)
        positions = _positions(found.read_text("utf-8"), doc.targets)
        found.unlink()  # the folder holds only the document again
        return quiet_mark_info(run_typst("compile", doc.pass2(positions), folder, fonts).read_bytes())


def _first_lines(message: str, n: int = 6) -> str:
    lines = [ln for ln in message.strip().splitlines() if ln.strip()]
    return "\n  ".join(lines[:n]) + ("\n  …" if len(lines) > n else "")


_SUSPECTS = re.compile(rb"/MarkInfo\s*<<\s*/Marked\s+true(\s*/Suspects\s+false)\s*>>")


def quiet_mark_info(data: bytes) -> bytes:
    """Blank out the ``/Suspects false`` Typst writes in the catalog's ``/MarkInfo``.

    The entry is valid PDF (false is its default), but poppler (22.12 on this machine) reports any boolean
    there that is not true as ``Syntax Error: Suspects object is wrong type (boolean)`` (its
    ``Catalog::getMarkInfo`` tests ``isBool() && getBool()`` and errs otherwise). Spaces of the
    same length replace it, so every byte offset in the cross-reference table stays right.
    """
    found = list(_SUSPECTS.finditer(data))
    if len(found) != 1:
        return data
    start, end = found[0].span(1)
    return data[:start] + b" " * (end - start) + data[end:]


def render_pdf(book: Book, pages: Mapping[str, str], out_pdf: Path, paper: str = "a4",
               version: str | None = None, fonts: FontSet | None = None, brief: bool = False) -> None:
    """Make the PDF (the brief, or the whole book in one piece) from the website's Markdown pages;
    replace ``out_pdf`` only on success."""
    data = compile_document(typst_document(book, pages, paper, version, brief), fonts)
    write_pdf(data, out_pdf)


def write_pdf(data: bytes, out_pdf: Path) -> None:
    """Replace ``out_pdf`` with ``data`` atomically (readable by a web server)."""
    out_pdf = Path(out_pdf)
    with swap.writing(out_pdf):  # a full disk, a read-only folder: bookgen.swap.OutputError
        out_pdf.parent.mkdir(parents=True, exist_ok=True)
        swap.recover(out_pdf)  # temp copies of runs that were killed
        fd, tmp = tempfile.mkstemp(dir=out_pdf.parent, prefix=swap.temp_prefix(out_pdf, "new"), suffix=".pdf")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.chmod(tmp, 0o644)  # a published file: readable by the web server, like the site
            os.replace(tmp, out_pdf)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


# version ----------------------------------------------------------------------------------------------
def content_version(root: Path, book: Book) -> str:
    """Short sha256 over what the book is made from: the content YAML files (``content/*.yaml``
    and those of the kind folders, ``content/<kind>/*.yaml``, paths and bytes, sorted, read in pieces) and each source
    text's path and sha256 (worked out when it was read); plus the git commit if any. Files the
    book does not use are not read (an unused 1 GB file under seeds/ was read whole)."""
    digest = hashlib.sha256()
    content = root / "content"
    patterns = ("*.yaml", *(f"{kind}/*.yaml" for kind in KINDS))
    files = sorted(f for pattern in patterns for f in content.glob(pattern)
                   if f.is_file() and not f.is_symlink() and not f.name.startswith(".")) if content.is_dir() else []
    for f in files:
        rel = f.relative_to(root).as_posix().encode()
        with f.open("rb") as fh:
            data = hashlib.file_digest(fh, "sha256").digest()
        digest.update(len(rel).to_bytes(8, "big") + rel + data)
    for text in sorted(book.texts.values(), key=lambda t: t.path):
        rel = text.path.encode()
        digest.update(len(rel).to_bytes(8, "big") + rel + bytes.fromhex(text.sha256))
    version = f"content {digest.hexdigest()[:12]}"
    commit = _git_commit(root)
    return f"{version}, commit {commit}" if commit else version


def _git_commit(root: Path) -> str | None:
    if not (root / ".git").exists():
        return None
    try:
        out = subprocess.run(["git", "-C", str(root), "rev-parse", "--short", "HEAD"],
                             capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    commit = out.stdout.strip()
    return commit if out.returncode == 0 and re.fullmatch(r"[0-9a-f]{4,40}", commit) else None
