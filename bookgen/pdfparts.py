"""The full book as a PDF in bounded memory: compiled in parts, then joined (``bookgen pdf --full``).

Typst holds a whole document's layout in memory (about 3 MB a page, and 0.2 MB a footnote), so the
full book is cut into parts of at most ``part_chars`` characters of Typst markup and ``part_notes``
footnotes (each costs Typst as much as 700 characters of text), at entry boundaries
where it can be (a page larger than half a part, such as the claims page of a big book, is cut
between two of its top-level blocks and goes on in the next part), each compiled by its own Typst
child process:

1. every part is laid out once (pass 1, two children at a time, each as soon as it is cut): its
   page count, its number of footnotes, and where each heading and each page-reference target in
   it landed;
2. from those, each part's first page and note number, and every target's page in the whole book;
3. every part is compiled again with those numbers (pass 2): page references and the contents
   print the book's page numbers (boxes of a fixed width, so the layout is the one of pass 1), and
   link as ``bookgen:LABEL`` URIs;
4. :mod:`bookgen.pdfmerge` joins the parts, one at a time while pass 2 makes the next ones, turning
   those URIs into jumps to the targets' positions and writing the bookmarks.

The first part is the cover and the contents (written here, since Typst's outline would see only
its own part). A part that opens in the middle of a chapter carries the chapter's name for its
running header. Memory is that of the largest part, whatever the size of the book. A passage is
footnoted once in the whole book (:class:`bookgen.typst_markup.NoteBook`), which keeps both the
pages and Typst's work down.
"""

from __future__ import annotations

import json
import os
import posixpath
import re
import shutil
import tempfile
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping

from bookgen import swap
from bookgen.fonts import FontSet
from bookgen.ids import EntityId
from bookgen.model import Book
from bookgen.pdf import (PAGEREF, PROBE, BookResolver, PdfBuildError, chapters, check_glyphs, document_date,
                         ref_width, run_typst, source_numbers)
from bookgen.pdfmerge import Heading, merge
from bookgen.pdfstyle import PAPERS, cover, pageref_parts, pageref_pass1, part_setup, preamble, toc_line
from bookgen.typst_markup import NoteBook, PageRenderer, label_name, parse, parser, string, text

PART_CHARS = 1_500_000  # Typst markup per part: about 150-300 pages
PART_NOTES = 1_000  # footnotes per part
WORKERS = 2  # Typst children at a time
_ANCHOR = re.compile(r"<[a-zA-Z][a-zA-Z0-9]*\s[^<>]*?\bid=\"([^\"]+)\"")


@dataclass
class Part:
    """One part of the full book: its Typst body and what is known of it."""

    index: int
    folder: Path
    continues: str | None  # the chapter it opens in the middle of
    labels: list[str] = field(default_factory=list)  # headings and targets placed in it, located in pass 1
    wanted: set[str] = field(default_factory=set)  # those of them something points to (known once all are cut)
    pages: int = 0
    notes: int = 0
    first_note: int = 0  # notes in the parts before it
    positions: dict[str, tuple[int, float, float]] = field(default_factory=dict)  # local page, x, y (pt)

    @property
    def body(self) -> Path:
        return self.folder / "body.typ"


@dataclass
class FullStats:
    pages: int
    parts: int


def _anchors(pages: Mapping[str, str]) -> set[str]:
    """The label of every ``id`` an HTML tag in a page defines (found without parsing the page)."""
    return {label_name(f"{p}#{a}") for p, t in pages.items() for a in _ANCHOR.findall(t)}


def _cut(book: Book, pages: Mapping[str, str], tmp: Path, part_chars: int,
         headings: list[tuple[int, str, str]], part_notes: int = PART_NOTES,
         ready: Callable[[Part], None] | None = None) -> list[Part]:
    """Render every page to Typst, part by part, into ``tmp``; returns the parts (cover not included).

    ``ready`` is called with each part as soon as it is written, its labels those that links in
    the pages may point to (so its pass 1 can start while the next parts are cut); the labels
    are made exact at the end."""
    md = parser()
    numbers = source_numbers(book, pages)
    resolver = BookResolver(book, set(pages), _anchors(pages), numbers)
    targets = _link_targets(pages, resolver)
    defined: set[str] = set()
    notebook = NoteBook()
    parts: list[Part] = []
    buffer: list[str] = []
    size = 0
    notes_before = 0
    chapter_title: str | None = None

    def flush(continues_next: str | None) -> None:
        nonlocal buffer, size, notes_before
        if not buffer:
            return
        part = parts[-1]
        part.folder.mkdir(parents=True)
        body = _notes_across_parts("\n\n".join(buffer) + "\n\n", notebook)
        part.body.write_text(body, "utf-8")
        part.first_note, notes_before = notes_before, notes_before + part.notes
        placed = {a or b for a, b in _DEFINED.findall(body)}
        part.labels = sorted(placed & (targets | {label for _, _, label in headings}))
        buffer, size = [], 0
        if ready is not None:
            ready(part)
        parts.append(Part(len(parts) + 1, tmp / f"part-{len(parts) + 1:04d}", continues_next))

    parts.append(Part(1, tmp / "part-0001", None))
    for index, chapter in enumerate(chapters(book, pages)):
        chapter_title = chapter.title
        units: list[tuple[str, int, str | None]] = []
        if chapter.intro:
            units.append((chapter.intro, 0, chapter.title))
        else:
            label = f"chapter-{index}"
            defined.add(label)
            headings.append((1, chapter.title, label))
            buffer.append(f"#heading(level: 1)[{text(chapter.title)}] <{label}>")
            size += 100
        units += [(path, 1, None) for path in chapter.entries]
        for path, shift, title in units:
            if shift and path in numbers:
                title = f"Source {numbers[path]}: {book.sources[EntityId(posixpath.basename(path)[:-3])].title}"
            r = PageRenderer(path, resolver, defined, shift, title, label_name(path), headings=headings,
                             notebook=notebook)
            out = r.render(parse(pages[path], md))
            huge = len(out) > part_chars // 2 or r.made_notes > part_notes // 2
            pieces = pieces_of(out, part_chars // 4, part_notes // 4) if huge else [(out, r.made_notes)]
            if sum(n for _, n in pieces) != r.made_notes:
                raise PdfBuildError(f"internal error: {path}: footnotes counted otherwise in its pieces")
            for n, (piece, notes) in enumerate(pieces):  # a huge page goes on in the next part
                piece = f"#entry[\n{piece}\n]" if shift and n == 0 else piece
                if buffer and (size + len(piece) > part_chars or parts[-1].notes + notes > part_notes):
                    flush(chapter_title)
                buffer.append(piece)
                parts[-1].notes += notes
                size += len(piece)
    flush(None)
    parts.pop()  # the empty one flush opened last
    referenced = _referenced(parts)
    missing = referenced - defined
    if missing:  # a bug in bookgen, never in content: every target is a label placed in a part
        raise PdfBuildError(f"internal error: page references to missing labels {sorted(missing)[:5]}")
    wanted = referenced | {label for _, _, label in headings}
    everywhere: set[str] = set()
    for part in parts:  # where each part places the labels something points to
        placed = {a or b for a, b in _DEFINED.findall(part.body.read_text("utf-8"))}
        part.wanted = placed & wanted
        everywhere |= placed
    headings[:] = [h for h in headings if h[2] in everywhere]  # a section left out of print goes
    return parts


_MD_LINK = re.compile(r"\]\(([^()\s]+)\)")


def _link_targets(pages: Mapping[str, str], resolver: BookResolver) -> set[str]:
    """The label of every place a Markdown link in the pages leads to (more than the page
    references made of them: a second link on a page makes none)."""
    out: set[str] = set()
    for page, markdown in pages.items():
        for href in set(_MD_LINK.findall(markdown)):
            target = resolver.resolve(page, href)
            if target is not None and target.label:
                out.add(target.label)
    return out


_REPEAT = re.compile(r"#footnote\(<(fn:[^<>]+)>\)")
_NOTE_LABEL = re.compile(r"\]<(fn:[^<>]+)>")
_PIECE_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|#footnote\[|[\[\]()]|\n\n')


def pieces_of(markup: str, size: int, notes_limit: int | None = None) -> list[tuple[str, int]]:
    """``markup`` cut at blank lines outside any brackets, parentheses and strings (between two
    top-level blocks) into pieces of about ``size`` characters (or ``notes_limit`` footnotes), each
    with its number of footnotes."""
    out: list[tuple[str, int]] = []
    start = depth = notes = 0
    for m in _PIECE_TOKEN.finditer(markup):
        token = m.group(0)
        if token == "\n\n":
            if depth == 0 and (m.start() - start >= size or (notes_limit is not None and notes >= notes_limit)):
                out.append((markup[start:m.start()], notes))
                start, notes = m.end(), 0
        elif token in ("[", "("):
            depth += 1
        elif token in ("]", ")"):
            depth -= 1
        elif token == "#footnote[":
            depth += 1
            notes += 1
    out.append((markup[start:], notes))
    return out


def _notes_across_parts(body: str, notebook: NoteBook) -> str:
    """A page's footnote cited again in a later part than the note itself (a page cut in two)
    refers back to it by number, "(see note 12)": Typst knows only the labels of its own part."""
    here = set(_NOTE_LABEL.findall(body))
    def back(m: re.Match[str]) -> str:
        name = m.group(1)
        return m.group(0) if name in here or name not in notebook.named else f"#seenote(({notebook.named[name]},))"

    return _REPEAT.sub(back, body)


_DEFINED = re.compile(r"\] <([a-z][a-z0-9_.:-]*)>|#metadata\(none\) <([a-z][a-z0-9_.:-]*)>")


def _referenced(parts: list[Part]) -> set[str]:
    out: set[str] = set()
    for part in parts:
        out.update(PAGEREF.findall(part.body.read_text("utf-8")))
    return out


def _probe(labels: list[str]) -> str:
    names = ", ".join(string(t) for t in labels) + ("," if len(labels) == 1 else "")
    # placed, so it takes no room: as a paragraph of its own, it spilled onto a new page when the
    # last page was full, and pass 1 counted a page pass 2 did not make
    return (f"\n\n#place(context {{ let out = (:); for l in ({names}) {{ out.insert(l, locate(label(l)).position()) }}; "
            f"[#metadata((positions: out, pages: here().page(), notes: counter(footnote).get().first())) "
            f"<{PROBE}>] }})\n")


def _pt(value: str) -> float:
    return float(value.removesuffix("pt"))


def _pass1(part: Part, head: str, fonts: FontSet) -> None:
    source = head + "\n" + part.body.read_text("utf-8") + _probe(part.labels)
    found = run_typst("query", source, part.folder, fonts)
    try:
        data = json.loads(found.read_text("utf-8"))
        part.pages, part.notes = int(data["pages"]), int(data["notes"])
        part.positions = {k: (int(v["page"]), _pt(v["x"]), _pt(v["y"])) for k, v in data["positions"].items()}
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise PdfBuildError(f"internal error: unreadable positions from Typst ({exc})") from None
    found.unlink()


def _pass2(part: Part, head: str, fonts: FontSet) -> Path:
    out = run_typst("compile", head + "\n" + part.body.read_text("utf-8"), part.folder, fonts)
    return out.rename(part.folder.parent / f"{part.folder.name}.pdf")


def render_full_pdf(book: Book, pages: Mapping[str, str], out_pdf: Path, paper: str = "a4",
                    version: str | None = None, fonts: FontSet | None = None,
                    part_chars: int = PART_CHARS, workers: int = WORKERS, part_notes: int = PART_NOTES) -> FullStats:
    """Make the full book's PDF in parts and join them; replace ``out_pdf`` only on success."""
    if paper not in PAPERS:
        raise PdfBuildError(f"unknown paper size '{paper}'; use one of: {', '.join(PAPERS)}")
    fonts = fonts or FontSet()
    date = document_date(book)
    as_of = book.as_of.label if book.as_of else "no dated content"
    swap.recover_pdf_temp()  # work folders of runs that were killed
    with tempfile.TemporaryDirectory(prefix=f"{swap.PDF_TEMP_PREFIX}{os.getpid()}-full-") as tmp_name:
        tmp = Path(tmp_name)
        headings: list[tuple[int, str, str]] = []
        width = ref_width(sum(len(t) for t in pages.values()))  # Markdown: more than its Typst
        check_glyphs(book.title, fonts)

        def head1(part: Part) -> str:
            setup = part_setup(part.index == 0, part.continues, first_note=part.first_note)
            return preamble(book.title, date, paper, pageref_pass1(width, parts=True), setup)

        def laid_out(part: Part) -> None:
            check_glyphs(part.body.read_text("utf-8"), fonts)
            made[part.index] = part.notes
            jobs.append(pool.submit(_pass1, part, head1(part), fonts))

        made: dict[int, int] = {}
        jobs: list[Future[None]] = []
        with ThreadPoolExecutor(max_workers=workers) as pool:  # pass 1 of each part as soon as it is cut
            try:
                parts = _cut(book, pages, tmp, part_chars, headings, part_notes, laid_out)
            except BaseException:
                pool.shutdown(cancel_futures=True)  # a glyph no font has, an interrupt: stop at once
                raise
            front = Part(0, tmp / "part-0000", None)
            front.folder.mkdir()
            lines = [toc_line(level, title, label) for level, title, label in headings]
            front.body.write_text(cover(book.title, as_of, version, len(book.sources), len(book.annotations),
                                        lines, desk=book.meta.desk, subtitle=book.meta.subtitle), "utf-8")
            parts.insert(0, front)
            laid_out(front)
            for job in jobs:
                job.result()
            late = [p for p in parts if not p.wanted <= set(p.positions)]  # a link the Markdown scan missed
            for part in late:
                part.labels = sorted(part.wanted | set(part.labels))
            for job in [pool.submit(_pass1, p, head1(p), fonts) for p in late]:
                job.result()
        if any(made[p.index] + p.first_note != p.notes for p in parts):
            raise PdfBuildError("internal error: Typst numbered the notes otherwise than counted")
        first_note = [p.first_note for p in parts]
        first_page = []
        pages_so_far = 0
        for part in parts:
            first_page.append(pages_so_far + 1)
            pages_so_far += part.pages
        where = {label: (first_page[i] - 1 + page, x, y)
                 for i, part in enumerate(parts) for label, (page, x, y) in part.positions.items()}

        def head2(i: int, part: Part) -> str:
            wanted = set(PAGEREF.findall(part.body.read_text("utf-8")))
            wanted |= {label for _, _, label in headings} if part.index == 0 else set()
            table = {label: where[label][0] for label in wanted}
            setup = part_setup(part.index == 0, part.continues, pages_so_far, first_page[i], first_note[i])
            return preamble(book.title, date, paper, pageref_parts(width, table), setup)

        marks = [Heading(level, title, where[label][0], where[label][2]) for level, title, label in headings]
        joined = tmp / "book.pdf"
        with ThreadPoolExecutor(max_workers=workers) as pool, open(joined, "wb") as f:
            done = [pool.submit(lambda i=i, p=p: _pass2(p, head2(i, p), fonts)) for i, p in enumerate(parts)]
            # each part is joined as soon as it (and every one before it) is compiled
            total = merge((job.result() for job in done), f, marks, where)
        for part in parts:
            shutil.rmtree(part.folder)
        if total != pages_so_far:
            raise PdfBuildError(f"internal error: the parts made {total} pages, pass 1 counted {pages_so_far}")
        _move(joined, Path(out_pdf))
    return FullStats(total, len(parts))


def _move(src: Path, dest: Path) -> None:
    """Put the joined PDF at ``dest`` atomically (same folder, then rename)."""
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=".tmp-", suffix=".pdf")
        os.close(fd)
        try:
            shutil.copyfile(src, tmp)
            os.chmod(tmp, 0o644)
            os.replace(tmp, dest)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise PdfBuildError(f"cannot write {dest}: {exc}") from None
