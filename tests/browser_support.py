"""The built seed book, served on 127.0.0.1, shared by the browser and link-checker tests.

The site is built once per test session (from a scratch copy of the repo's content, seeds,
templates and mkdocs.yml, as ``bookgen build`` does it: strict) and served by the standard
library's HTTP server from a daemon thread. Nothing here reaches beyond 127.0.0.1.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import http.server
import io
import os
import shutil
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from conftest import REPO_ROOT, make_project

AXE = REPO_ROOT / "tests" / "node_modules" / "axe-core" / "axe.min.js"
# Debian's Chromium, or the one BOOKGEN_CHROMIUM names (macOS: brew install --cask chromium, then
# BOOKGEN_CHROMIUM=/Applications/Chromium.app/Contents/MacOS/Chromium), or the first on PATH
CHROMIUM = Path(os.environ.get("BOOKGEN_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOTS = REPO_ROOT / "build" / "screenshots"  # gitignored; look at them after a run


@dataclass(frozen=True)
class BuiltSite:
    root: Path  # the scratch project
    site: Path  # its built site/
    build_log: str  # what `bookgen build` printed


ENGINES = ("mkdocs", "zensical")


@functools.cache
def built_site(offline: bool = False, engine: str = "mkdocs") -> BuiltSite:
    """Build the seed book once per session (and engine) into a temporary folder (removed at exit).
    ``offline`` builds the file-share variant (``BOOKGEN_OFFLINE=true``, see mkdocs.yml)."""
    from bookgen.commands import Paths, build

    tmp = Path(tempfile.mkdtemp(prefix="bookgen-browser-"))
    atexit.register(shutil.rmtree, tmp, True)
    root = make_project(tmp, REPO_ROOT)
    out = io.StringIO()
    previous = os.environ.get("BOOKGEN_OFFLINE")
    os.environ["BOOKGEN_OFFLINE"] = "true" if offline else "false"
    try:
        code = build(Paths(root), out=out, engine=engine)
    finally:
        if previous is None:
            os.environ.pop("BOOKGEN_OFFLINE")
        else:
            os.environ["BOOKGEN_OFFLINE"] = previous
    if code != 0:
        raise AssertionError(f"the seed book did not build with {engine}:\n{out.getvalue()}")
    return BuiltSite(root, root / "site", out.getvalue())


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        pass


@contextlib.contextmanager
def served(site: Path) -> Iterator[str]:
    """Serve ``site`` on 127.0.0.1 (a free port) while the block runs; yields the base URL ('/'-ended).
    The server thread is stopped afterwards, so no thread outlives the tests that use it."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
