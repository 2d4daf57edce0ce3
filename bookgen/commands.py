"""The verbs the CLI offers: check, generate, build and serve. Each wires pipeline stages together."""

from __future__ import annotations

import collections
import contextlib
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Mapping, TextIO

from bookgen import collector, memo, renderstate, servenav, swap
from bookgen.exports import iter_export_files
from bookgen.incremental import IncrementalRenderer, cited_ids
from bookgen.model import Book
from bookgen.parsedcache import ParsedFiles
from bookgen.fonts import FontSet, locate_missing
from bookgen.pdf import (FULL_PDF_NAME, PDF_NAME, MissingGlyphs, PdfBuildError, brief_page_paths, chapters,
                         compile_document, content_version, typst_document, write_pdf)
from bookgen.pdfcache import document_key, keep_pdf, kept_pdf
from bookgen.pdfparts import render_full_pdf
from bookgen.pipeline import CheckResult, check
from bookgen.problems import ContentError
from bookgen.render import environment, iter_pages, render_pages
from bookgen.safepaths import is_inside
from bookgen.servebanner import write_status
from bookgen.siteconfig import engine_settings
from bookgen.site import (DOCS_DIR, SITE_DIR, SiteBuildError, build_site_with, builds_ended, hooks,
                          rebuild_request, recover_site, request_rebuild, site_building)
from bookgen.swap import OutputError
from bookgen.write import StagedTree, WriteReport, recover_tree, write_tree

if TYPE_CHECKING:
    from bookgen.sitecache import SiteCache

ASSETS = "assets"
SITE_CACHE_DIR = Path("build") / "site-cache"


@dataclass
class Paths:
    root: Path

    @property
    def docs(self) -> Path:
        return self.root / DOCS_DIR

    @property
    def site(self) -> Path:
        return self.root / SITE_DIR

    @property
    def templates(self) -> Path:
        return self.root / "templates"

    @property
    def pdf(self) -> Path:
        """Where ``build`` renders the PDF before it joins the docs tree (and so the site)."""
        return self.root / "build" / PDF_NAME

    @property
    def full_pdf(self) -> Path:
        """Where ``build --full`` renders the whole book's PDF before it joins the docs tree."""
        return self.root / "build" / FULL_PDF_NAME


def report(result: CheckResult, fmt: str = "text", out: TextIO = sys.stderr) -> None:
    text = result.problems.render(fmt)
    if text:
        out.write(text)
    if fmt == "text":
        e, w = len(result.problems.errors), len(result.problems.warnings)
        if e or w:
            out.write(f"{e} error(s), {w} warning(s)\n")


def docs_files(book: Book, paths: Paths, pages: Mapping[str, str] | Iterable[tuple[str, str]] | None = None
               ) -> Iterator[tuple[str, bytes | str | Iterable[bytes]]]:
    """Every file of the docs tree, one at a time: the pages (rendered now unless given), then
    :func:`extra_files`. Where two share a path, the later one wins."""
    if pages is None:
        pages = iter_pages(book, paths.templates)
    yield from (pages.items() if isinstance(pages, Mapping) else pages)
    yield from extra_files(book, paths)


def extra_files(book: Book, paths: Paths, full: bool = False) -> Iterator[tuple[str, bytes | str | Iterable[bytes]]]:
    """The docs tree's files besides pages: the PDF briefing (the last one made), the exports
    (JSON, CSV, iCalendar) and the static assets under templates/assets."""
    if paths.pdf.is_file():
        yield PDF_NAME, file_pieces(paths.pdf)
    if full and paths.full_pdf.is_file():
        yield FULL_PDF_NAME, file_pieces(paths.full_pdf)
    yield from iter_export_files(book)
    assets = paths.templates / ASSETS
    if assets.is_dir() and is_inside(paths.root, assets):  # check() reported a link leading out
        for f in sorted(assets.rglob("*")):
            if f.is_file() and not f.is_symlink() and is_inside(paths.root, f):
                yield f.relative_to(assets).as_posix(), file_pieces(f)


def file_pieces(path: Path, size: int = 1 << 20) -> Iterator[bytes]:
    """A file's bytes in pieces of ``size``, read as they are asked for (never whole in memory)."""
    with path.open("rb") as f:
        while piece := f.read(size):
            yield piece


def generate(book: Book, paths: Paths, pages: Mapping[str, str] | None = None) -> WriteReport:
    return write_tree(paths.docs, docs_files(book, paths, pages))


def stage_pages(book: Book, paths: Paths, docs: StagedTree, out: TextIO,
                pages: Iterable[tuple[str, str]] | None = None, full: bool = False,
                plan: renderstate.Plan | None = None) -> Mapping[str, str] | None:
    """Render every page (or take ``pages``, as they are rendered) straight into ``docs``: only
    changed ones are written, none is held in memory. With a ``plan`` (:mod:`bookgen.renderstate`)
    only the pages it names are rendered, the others kept as the docs tree holds them, and what
    each rendered page cites is noted in it. Returns the staged pages' text, read back on demand,
    or None (having printed the template problems) when a template is missing or broken."""
    only = plan.only if plan is not None else None
    names: list[str] = []
    try:
        made = iter_pages(book, paths.templates, None if only is None else only.__contains__,
                          env=environment(paths.templates, full_book=full))
        for path, text in made if pages is None else pages:
            docs.add(path, text)
            names.append(path)
            if plan is not None:
                plan.cites[path] = tuple(sorted(cited_ids(text)))
    except ContentError as exc:
        out.write(exc.problems.render())
        out.write("nothing written: fix the template errors above first\n")
        return None
    if plan is not None and only is not None:
        for path in plan.state.paths:
            if path not in only:
                docs.keep(path)
    return docs.texts(names if only is None else plan.state.paths)  # type: ignore[union-attr]


def make_pdf(book: Book, paths: Paths, pages: Mapping[str, str], target: Path, paper: str = "a4",
             out: TextIO = sys.stderr, full: bool = False, cache: SiteCache | None = None) -> bool:
    """Render the PDF briefing (or with ``full`` the whole book, in parts: :mod:`bookgen.pdfparts`)
    to ``target``; on failure say why and keep the previous PDF. With a ``cache`` folder, a brief
    whose Typst source did not change is taken from there (:mod:`bookgen.pdfcache`)."""
    try:
        if full:
            render_full_pdf(book, pages, target, paper, content_version(paths.root, book))
        else:
            brief = typst_document(book, brief_pages(book, paths, pages), paper, content_version(paths.root, book), brief=True)
            key = data = None
            if cache is not None:
                key = document_key(brief, FontSet())
                data = kept_pdf(key, cache.folder)
            if data is not None:
                out.write("pdf: the brief is unchanged since the last build\n")
            else:
                data = compile_document(brief)
                if cache is not None and key is not None:
                    with contextlib.suppress(OSError):
                        cache.prepare()
                        keep_pdf(key, data, cache.folder)
            write_pdf(data, target)
    except MissingGlyphs as exc:
        out.write(locate_missing(paths.root, exc.chars).render())
        kept = "previous PDF kept" if target.is_file() else "no PDF"
        out.write(f"error: PDF not made, {kept}: fix the errors above first\n")
        return False
    except PdfBuildError as exc:
        kept = "previous PDF kept" if target.is_file() else "no PDF"
        out.write(f"error: PDF not made, {kept}: {exc}\n")
        return False
    except OutputError as exc:
        out.write(exc.message(paths.root))
        return False
    out.write(f"pdf: {target}\n")
    return True


def brief_pages(book: Book, paths: Paths, pages: Mapping[str, str]) -> Mapping[str, str]:
    """``pages`` with the brief's own source list: the sources the brief's other pages cite."""
    from bookgen.pagekinds.source import INDEX, brief_sources

    cited: set[str] = set()
    for chapter in chapters(book, pages, brief=True):
        for page in (chapter.intro, *chapter.entries):
            if page and page != INDEX:
                cited |= cited_ids(pages[page])
    sources = {book.annotations[a].source for a in cited if a in book.annotations}
    own = render_pages(book, paths.templates, only=INDEX.__eq__, contexts={INDEX: brief_sources(book, sources)})
    return collections.ChainMap(own, pages)  # type: ignore[arg-type]


def checked_book(paths: Paths, out: TextIO, strict: bool = False, parsed: ParsedFiles | None = None) -> Book | None:
    """check and report; the Book, or None (having said so) when nothing may be written.
    ``parsed``: content files an earlier build read (:mod:`bookgen.parsedcache`)."""
    result = check(paths.root, parsed=parsed)
    report(result, out=out)
    if result.problems.errors or (strict and result.problems.warnings) or result.book is None:
        out.write("nothing written: fix the errors above first\n")
        return None
    return result.book


def rendered_pages(book: Book, paths: Paths, out: TextIO, renderer: IncrementalRenderer | None = None,
                   outcome: str = "nothing written", keep: Callable[[str], bool] | None = None) -> dict[str, str] | None:
    """Every page's Markdown (through ``renderer`` when serving), or None, having printed the
    template problems and ``outcome``, when a template is missing or broken. With ``keep``, every
    page is still rendered (every template checked), and only the pages it selects are kept."""
    try:
        if renderer:
            return renderer.render(book)
        return {p: text for p, text in iter_pages(book, paths.templates) if keep is None or keep(p)}
    except ContentError as exc:
        out.write(exc.problems.render())
        out.write(f"{outcome}: fix the template errors above first\n")
        return None


def recover_outputs(paths: Paths) -> None:
    """Put right what a killed run left (:mod:`bookgen.swap`): a cut site swap undone, a decided
    docs commit finished, temporary copies removed."""
    with swap.writing(paths.site):
        recover_site(paths.site)
    with swap.writing(paths.docs):
        recover_tree(paths.docs)
    for pdf_file in (paths.pdf, paths.site / PDF_NAME, paths.site / FULL_PDF_NAME):
        with swap.writing(pdf_file):
            swap.recover(pdf_file)
    swap.recover_pdf_temp()


def pdf(paths: Paths, paper: str = "a4", target: Path | None = None, out: TextIO = sys.stderr,
        full: bool = False) -> int:
    """check -> render pages -> the PDF alone (default ``site/briefing.pdf``, with ``full`` the whole
    book in ``site/book.pdf``). Returns the exit code."""
    try:
        recover_outputs(paths)
    except OutputError as exc:
        out.write(exc.message(paths.root))
        return 1
    book = checked_book(paths, out)
    if book is None:
        return 1
    if full:  # pages staged on disk and read back one at a time, never all in memory
        with tempfile.TemporaryDirectory(prefix="bookgen-pages-") as tmp, StagedTree(Path(tmp) / "docs") as staged:
            pages = stage_pages(book, paths, staged, out)
            if pages is None:
                return 1
            return 0 if make_pdf(book, paths, pages, target or paths.site / FULL_PDF_NAME, paper, out, True) else 1
    pages = rendered_pages(book, paths, out, keep=brief_page_paths(book).__contains__)  # the brief's, not the book's
    if pages is None:
        return 1
    return 0 if make_pdf(book, paths, pages, target or paths.site / PDF_NAME, paper, out) else 1


def build(paths: Paths, strict: bool = False, out: TextIO = sys.stderr, paper: str = "a4", full: bool = False,
          clean: bool = False, cache_dir: Path | None = None, engine: str = "mkdocs", pdf: bool = True) -> int:
    """check -> pages (staged) -> the brief's PDF (and with ``full`` the whole book's) -> docs tree
    (with the PDFs) -> MkDocs or Zensical (``engine``). Returns the exit code.
    A write error (full disk, read-only folder) is one line, and the old outputs stay as they were.
    MkDocs renders only the pages that changed since the build recorded in ``cache_dir`` (default
    ``build/site-cache``, :mod:`bookgen.sitecache`); ``clean`` renders every page."""
    from bookgen.sitecache import SiteCache

    cache = SiteCache(cache_dir or paths.root / SITE_CACHE_DIR, clean=clean)
    try:
        recover_outputs(paths)
        settings = _stage(paths, out, strict, paper, full, cache, pdf)
        collector.let_go()  # the Book and the stages' data, before MkDocs builds
        return 1 if settings is None else _site(paths, settings, cache, engine, out)
    except OutputError as exc:
        out.write(exc.message(paths.root))
        out.write("the previous site is kept\n")
        return 1


def _stage(paths: Paths, out: TextIO, strict: bool, paper: str, full: bool, cache: SiteCache,
           pdf: bool) -> dict[str, Any] | None:
    """check -> pages -> PDFs -> docs tree, then what the Book adds to the site engine's settings;
    None, having said why, if the build stops here. ``cache``: the folder holding what the last
    build did, so only the pages an edit can change are rendered (:mod:`bookgen.renderstate`).
    ``pdf`` False (the benchmark only) makes no PDF: the site takes the one already in ``build/``.
    The Book is let go when this returns: the engine does not need it (hundreds of MB at 10,000
    sources)."""
    from bookgen.sitecache import MARKER, CacheFolderError

    parsed = ParsedFiles(cache.folder if (cache.folder / MARKER).is_file() and not cache.clean else None)
    book = checked_book(paths, out, strict, parsed)
    if book is None:
        return None
    try:
        cache.check_folder()  # nothing is written until the docs tree is
    except CacheFolderError as exc:
        out.write(f"error: {exc}\n")
        return None
    plan = renderstate.plan(book, paths.root, paths.templates, paths.docs, cache.folder, full, cache.clean)
    with StagedTree(paths.docs) as docs:  # left without commit: the docs tree stays as it was
        pages = stage_pages(book, paths, docs, out, full=full, plan=plan)
        if pages is None:
            return None
        if pdf and (not make_pdf(book, paths, pages, paths.pdf, paper, out, cache=cache) or
                    (full and not make_pdf(book, paths, pages, paths.full_pdf, paper, out, True))):
            out.write("nothing swapped in: the previous site and its PDF are kept\n")
            return None  # site and PDF change together or not at all
        for rel, data in extra_files(book, paths, full):
            docs.add(rel, data)
        written = docs.commit()
        _record(plan, paths, cache, out, parsed)
    out.write(f"docs: {len(written.written)} page(s) written, {written.unchanged} unchanged, "
              f"{len(written.deleted)} removed in {paths.docs}\n")
    return engine_settings(paths.root, book, paths.docs, paths.site.resolve())


def _site(paths: Paths, settings: dict[str, Any], cache: SiteCache, engine: str, out: TextIO) -> int:
    """MkDocs (with the page ``cache``: only pages whose Markdown changed are rendered,
    :mod:`bookgen.sitecache`) or Zensical builds the site from the docs tree."""
    try:
        build_site_with(paths.root, settings, paths.docs, paths.site, cache, engine)
    except SiteBuildError as exc:
        out.write(exc.problems.render())
        out.write(f"error: site not built, previous site kept: {exc}\n")
        return 1
    if engine == "mkdocs":
        out.write(cache.outcome.describe(cache.folder) + "\n")
    out.write(f"site: {paths.site}/index.html\n")
    return 0


def _record(plan: renderstate.Plan, paths: Paths, cache: SiteCache, out: TextIO, parsed: ParsedFiles) -> None:
    """Note what this build rendered, and the content files it read; if that fails, forget the last
    state (the next build renders all)."""
    if plan.only is None:
        out.write(f"pages: all {len(plan.state.paths)} rendered ({plan.why_all})\n")
    else:
        out.write(f"pages: {len(plan.cites)} rendered, {len(plan.state.paths) - len(plan.cites)} "
                  "unchanged since the last build\n")
    try:
        cache.prepare()
        renderstate.record(plan, paths.docs, cache.folder)
        parsed.folder = cache.folder
        parsed.save()
    except OSError as exc:
        with contextlib.suppress(OSError):
            renderstate.forget(cache.folder)
        out.write(f"warning: could not note what this build rendered ({exc.strerror}); "
                  "the next build renders every page\n")


def regenerate(paths: Paths, out: TextIO = sys.stderr, renderer: IncrementalRenderer | None = None) -> Book | None:
    """check -> pages -> docs tree (changed bytes only). With a ``renderer`` (serve), only the
    pages an annotation edit can change are rendered again (:mod:`bookgen.incremental`)."""
    started = time.perf_counter()
    result = check(paths.root)
    report(result, out=out)
    status_changed = write_status(paths.docs, result.problems)
    if result.book is None:
        out.write("content has errors: the served site keeps its last good pages, with a banner listing them\n")
        if status_changed:
            request_rebuild(paths.docs)  # browsers reload and show the banner
        return None
    pages = rendered_pages(result.book, paths, out, renderer, "the served site keeps its last good pages")
    if pages is None:
        return None
    try:
        written = generate(result.book, paths, pages)
        with swap.writing(servenav.nav_file(paths.docs)):
            nav_changed = servenav.write_nav(result.book, paths.root, paths.docs)
    except OutputError as exc:
        out.write(exc.message(paths.root))
        out.write("the served site keeps its last good pages\n")
        return None
    if written.written or written.deleted or status_changed or nav_changed:
        request_rebuild(paths.docs)
        rendered = f"{renderer.last_rendered} rendered, " if renderer else ""
        out.write(f"regenerated {len(written.written)} page(s) ({rendered}"
                  f"{time.perf_counter() - started:.1f} s), removed {len(written.deleted)}\n")
    return result.book


def _snapshot(paths: Paths) -> dict[str, tuple[int, int]]:
    """(modification time, size) of every file serve watches, by path (os.scandir: about 10 ms per
    1,000 sources, so polling stays cheap)."""
    stamps: dict[str, tuple[int, int]] = {}
    todo = [str(paths.root / folder) for folder in ("content", "seeds", "templates")]
    while todo:
        try:
            entries = list(os.scandir(todo.pop()))
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    todo.append(entry.path)
                elif entry.is_file():
                    st = entry.stat()
                    stamps[entry.path] = (st.st_mtime_ns, st.st_size)
            except OSError:
                continue
    return stamps


def serve(paths: Paths, host: str, port: int, out: TextIO = sys.stderr) -> int:
    """Regenerate docs whenever content/, seeds/ or templates/ change; MkDocs serves and reloads.

    SIGTERM (a service manager, a container stop) ends it as Ctrl-C does: MkDocs removes the
    temporary site it serves from, and a regeneration under way finishes or removes its staging."""
    with sigterm_as_interrupt():
        return _serve(paths, host, port, out)


def _serve(paths: Paths, host: str, port: int, out: TextIO) -> int:
    from mkdocs.commands.serve import serve as mkdocs_serve

    memo.enable()  # a long process: re-read only the files an edit changed
    try:
        recover_outputs(paths)
    except OutputError as exc:
        out.write(exc.message(paths.root))
        return 1
    renderer = IncrementalRenderer(paths.templates)
    book = regenerate(paths, out, renderer)
    if book is None:
        return 1
    stop = threading.Event()

    def watch() -> None:
        before = _snapshot(paths)
        tidy_after: int | None = builds_ended()  # tidy the heap once MkDocs has ended a build past this
        while not stop.wait(0.2):
            if site_building():  # scanning now would slow MkDocs (one interpreter); edits wait
                continue
            now = _snapshot(paths)
            if now != before:
                before = now
                regenerate(paths, out, renderer)
                tidy_after = builds_ended()
            elif tidy_after is not None and builds_ended() > tidy_after:
                collector.tidy_while_idle()
                tidy_after = None

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    config_file = str(paths.root / "mkdocs.yml")
    try:
        mkdocs_serve(config_file=config_file, livereload=True, dev_addr=f"{host}:{port}", build_type="dirty",
                     **serve_settings(paths, book))
    finally:
        stop.set()
        watcher.join(timeout=60)  # a regeneration under way ends (committed or discarded) first
        shutil.rmtree(rebuild_request(paths.docs).parent, ignore_errors=True)
    return 0


def serve_settings(paths: Paths, book: Book) -> dict[str, object]:
    """MkDocs settings of ``bookgen serve``: the docs tree, the navigation at start (each rebuild
    takes the current one, :mod:`bookgen.servenav`), not strict, bookgen's hooks."""
    return {"docs_dir": str(paths.docs), **servenav.settings(book, paths.root), "strict": False,
            "hooks": [*hooks(paths.root), str(servenav.HOOK)]}


@contextlib.contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """Turn SIGTERM into KeyboardInterrupt while a build runs, so its clean-up (``finally``) runs
    and no temporary or half-written output is left; the previous handler comes back afterwards."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)

