"""The verbs the CLI offers: check, generate, build and serve. Each wires pipeline stages together."""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, TextIO

from bookgen.model import Book
from bookgen.pipeline import CheckResult, check
from bookgen.render import render_pages
from bookgen.site import DOCS_DIR, SITE_DIR, SiteBuildError, build_site, mkdocs_config
from bookgen.write import WriteReport, write_tree

ASSETS = "assets"


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


def report(result: CheckResult, fmt: str = "text", out: TextIO = sys.stderr) -> None:
    text = result.problems.render(fmt)
    if text:
        out.write(text)
    if fmt == "text":
        e, w = len(result.problems.errors), len(result.problems.warnings)
        if e or w:
            out.write(f"{e} error(s), {w} warning(s)\n")


def docs_files(book: Book, paths: Paths) -> dict[str, bytes]:
    """Every file of the docs tree: rendered pages plus the static assets under templates/assets."""
    files = {p: t.encode("utf-8") for p, t in render_pages(book, paths.templates).items()}
    assets = paths.templates / ASSETS
    if assets.is_dir():
        for f in sorted(assets.rglob("*")):
            if f.is_file() and not f.is_symlink():
                files[f.relative_to(assets).as_posix()] = f.read_bytes()
    return files


def generate(book: Book, paths: Paths) -> WriteReport:
    return write_tree(paths.docs, docs_files(book, paths))


def build(paths: Paths, strict: bool = False, out: TextIO = sys.stderr) -> int:
    """check -> write docs -> MkDocs. Returns the exit code."""
    result = check(paths.root)
    report(result, out=out)
    if result.problems.errors or (strict and result.problems.warnings) or result.book is None:
        out.write("nothing written: fix the errors above first\n")
        return 1
    written = generate(result.book, paths)
    out.write(f"docs: {len(written.written)} page(s) written, {written.unchanged} unchanged, "
              f"{len(written.deleted)} removed in {paths.docs}\n")
    try:
        build_site(paths.root, result.book, paths.docs, paths.site)
    except SiteBuildError as exc:
        out.write(f"error: site not built, previous site kept: {exc}\n")
        return 1
    out.write(f"site: {paths.site}/index.html\n")
    return 0


def regenerate(paths: Paths, out: TextIO = sys.stderr) -> Book | None:
    result = check(paths.root)
    report(result, out=out)
    if result.book is None:
        out.write("content has errors: the served site keeps its last good pages\n")
        return None
    written = generate(result.book, paths)
    if written.written or written.deleted:
        out.write(f"regenerated {len(written.written)} page(s), removed {len(written.deleted)}\n")
    return result.book


def _snapshot(paths: Paths) -> dict[str, float]:
    stamps: dict[str, float] = {}
    for folder in ("content", "seeds", "templates"):
        for f in (paths.root / folder).rglob("*"):
            if f.is_file():
                st = f.stat()
                stamps[str(f)] = st.st_mtime_ns + st.st_size
    return stamps


def serve(paths: Paths, host: str, port: int, out: TextIO = sys.stderr) -> int:
    """Regenerate docs whenever content/, seeds/ or templates/ change; MkDocs serves and reloads."""
    from mkdocs.commands.serve import serve as mkdocs_serve

    book = regenerate(paths, out)
    if book is None:
        return 1
    stop = threading.Event()

    def watch() -> None:
        before = _snapshot(paths)
        while not stop.wait(0.3):
            now = _snapshot(paths)
            if now != before:
                before = now
                regenerate(paths, out)

    threading.Thread(target=watch, daemon=True).start()
    config_file = str(paths.root / "mkdocs.yml")
    try:
        mkdocs_serve(config_file=config_file, livereload=True, dev_addr=f"{host}:{port}",
                     docs_dir=str(paths.docs), nav=_nav(book), strict=False,
                     hooks=[str(Path(__file__).resolve().parent / "theme" / "serve_hook.py")])
    finally:
        stop.set()
    return 0


def _nav(book: Book) -> list:
    from bookgen.site import navigation

    return navigation(book)


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

