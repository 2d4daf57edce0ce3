"""The printed briefing: the website's Markdown pages -> one Typst document -> ``briefing.pdf``.

The pages are the very Markdown the website is built from (``render.render_pages``); this module
only orders them into chapters, gives each a label so links become page references, adds a cover
and contents, and compiles with Typst in an empty temporary folder that holds nothing but the
generated ``.typ`` (Typst may read any file under its root, so the root holds nothing else; system
fonts are ignored and no package is ever fetched). The PDF replaces the previous one atomically,
only once compilation succeeded.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import posixpath
import re
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from bookgen import links as L
from bookgen.ids import EntityId
from bookgen.model import Book
from bookgen.pdfstyle import PAPERS, cover, preamble
from bookgen.typst_markup import PageRenderer, Target, anchor_ids, label_name, parse, parser, text
from bookgen.write import atomic_write

PDF_NAME = "briefing.pdf"
_PARAGRAPH_ANCHOR = re.compile(r"p(\d+)")


class PdfBuildError(Exception):
    """The PDF could not be made; the message says why. Any previous PDF is left in place."""


# chapters ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Chapter:
    title: str
    intro: str | None  # the page that opens the chapter (its H1 becomes the chapter title)
    entries: tuple[str, ...] = ()


def chapters(book: Book, pages: dict[str, str]) -> list[Chapter]:
    """The reader's order: summary, issues, actors, timeline, claims; then the sources and method."""
    def under(folder: str) -> tuple[str, ...]:
        return tuple(p for p in pages if p.startswith(folder + "/") and not p.endswith("/index.md"))

    sources = tuple(p for p in (L.source_path(s) for s in book.sources) if p in pages)
    placed = {L.HOME, L.ISSUES, L.ACTORS, L.POSITIONS, L.TIMELINE, L.CLAIMS, L.SOURCES, L.METHOD}
    plan = [
        Chapter("Summary", L.HOME),
        Chapter("Issues", L.ISSUES, under("issues")),
        Chapter("Actors", L.ACTORS, (L.POSITIONS, *under("actors"))),
        Chapter("Timeline", L.TIMELINE, under("dates")),
        Chapter("Claims and figures", L.CLAIMS),
    ]
    for c in plan:
        placed.update(c.entries)
    placed.update(sources)
    rest = tuple(p for p in pages if p not in placed and not p.startswith("sources/"))
    if rest:
        plan.append(Chapter("More", None, rest))
    plan += [
        Chapter("Appendix A: Sources", L.SOURCES, sources),
        Chapter("Appendix B: How this book is made", L.METHOD),
    ]
    out = []
    for c in plan:
        intro = c.intro if c.intro in pages else None
        entries = tuple(p for p in c.entries if p in pages)
        if intro or entries:
            out.append(Chapter(c.title, intro, entries))
    return out


def source_numbers(book: Book, pages: dict[str, str]) -> dict[str, int]:
    """Source page path -> its number in the appendix (1..n, appendix order)."""
    paths = [p for p in (L.source_path(s) for s in book.sources) if p in pages]
    return {p: i for i, p in enumerate(paths, 1)}


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
        if target == PDF_NAME:
            return Target(drop=True)  # "download the PDF" means nothing inside the PDF
        if target not in self.pages:
            return None
        if frag and (name := label_name(f"{target}#{frag}")) in self.anchors:
            return Target(label=name, source=self._passage(target, frag))
        return Target(label=label_name(target))

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


def typst_source(book: Book, pages: dict[str, str], paper: str = "a4", version: str | None = None) -> str:
    """The whole book as one Typst document."""
    if paper not in PAPERS:
        raise PdfBuildError(f"unknown paper size '{paper}'; use one of: {', '.join(PAPERS)}")
    md = parser()
    tokens = {p: parse(t, md) for p, t in pages.items()}
    anchors = {label_name(f"{p}#{a}") for p, toks in tokens.items() for a in anchor_ids(toks)}
    numbers = source_numbers(book, pages)
    resolver = BookResolver(book, set(pages), anchors, numbers)
    defined: set[str] = set()
    as_of = book.as_of.label if book.as_of else "no dated content"
    parts = [preamble(book.title, document_date(book), paper),
             cover(book.title, as_of, version, len(book.sources), len(book.annotations))]
    for index, chapter in enumerate(chapters(book, pages)):
        if chapter.intro:
            r = PageRenderer(chapter.intro, resolver, defined, 0, chapter.title, label_name(chapter.intro))
            parts.append(r.render(tokens[chapter.intro]))
        else:
            parts.append(f"#heading(level: 1)[{text(chapter.title)}] <chapter-{index}>")
        for path in chapter.entries:
            title = None
            if path in numbers:
                title = f"Source {numbers[path]}: {book.sources[EntityId(posixpath.basename(path)[:-3])].title}"
            r = PageRenderer(path, resolver, defined, 1, title, label_name(path))
            parts.append(f"#entry[\n{r.render(tokens[path])}\n]")
    return "\n\n".join(parts) + "\n"


# compiling --------------------------------------------------------------------------------------------
def compile_typst(source: str) -> bytes:
    """Compile in a fresh private folder that holds only the document: Typst sees nothing else."""
    import typst

    with tempfile.TemporaryDirectory(prefix="bookgen-pdf-") as tmp:
        main = Path(tmp) / "briefing.typ"
        main.write_text(source, "utf-8")
        try:
            return typst.compile(str(main), root=tmp, font_paths=[], ignore_system_fonts=True,
                                 sys_inputs={}, package_path=str(Path(tmp) / "no-packages"),
                                 package_cache_path=str(Path(tmp) / "no-package-cache"), pdf_tags=True)
        except typst.TypstError as exc:
            raise PdfBuildError(f"Typst could not compile the briefing: {_first_lines(str(exc))}") from None
        except (OSError, RuntimeError, ValueError) as exc:
            raise PdfBuildError(f"Typst failed: {exc}") from None


def _first_lines(message: str, n: int = 6) -> str:
    lines = [ln for ln in message.strip().splitlines() if ln.strip()]
    return "\n  ".join(lines[:n]) + ("\n  …" if len(lines) > n else "")


def render_pdf(book: Book, pages: dict[str, str], out_pdf: Path, paper: str = "a4",
               version: str | None = None) -> None:
    """Make the PDF briefing from the website's Markdown pages; replace ``out_pdf`` only on success."""
    data = compile_typst(typst_source(book, pages, paper, version))
    try:
        atomic_write(Path(out_pdf), data)
    except OSError as exc:
        raise PdfBuildError(f"cannot write {out_pdf}: {exc}") from None


# version ----------------------------------------------------------------------------------------------
def content_version(root: Path) -> str:
    """Short sha256 over content/ and seeds/ (paths and bytes, sorted), plus the git commit if any."""
    digest = hashlib.sha256()
    for folder in ("content", "seeds"):
        base = root / folder
        files = sorted(f for f in base.rglob("*") if f.is_file()) if base.is_dir() else []
        for f in files:
            rel = f.relative_to(root).as_posix().encode()
            data = f.read_bytes()
            digest.update(len(rel).to_bytes(8, "big") + rel + len(data).to_bytes(8, "big") + data)
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
