"""Helpers shared by the hostile-input tests: a scratch copy of the mini project, and HTML reading.

Imported by tests/test_hostile_*.py, tests/test_properties.py and tests/test_build_safety.py.
"""

from __future__ import annotations

import contextlib
import io
import re
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from html import escape
from html.parser import HTMLParser
from pathlib import Path
from typing import Iterator

from conftest import make_project

REPO = Path(__file__).resolve().parent.parent
MINI = REPO / "tests" / "fixtures" / "mini"
HOSTILE = REPO / "tests" / "fixtures" / "hostile"


def copy_project(dest: Path) -> Path:
    """A buildable copy of the mini fixture (content/, seeds/) plus the repo's templates and mkdocs.yml."""
    return make_project(dest.parent, MINI, dest.name)


def invoke(*args: str) -> tuple[int, str, str]:
    """Run ``bookgen ARGS`` in-process; return (exit code, stdout, stderr). A traceback fails the test."""
    from click.testing import CliRunner

    from bookgen.cli import main

    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def check_output(root: Path) -> tuple[int, str]:
    """Run ``bookgen check`` in-process; return (exit code, stderr text)."""
    from click.testing import CliRunner

    from bookgen.cli import main

    result = CliRunner().invoke(main, ["check", "--root", str(root)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stderr if hasattr(result, "stderr") else result.output


def build(root: Path, full: bool = False) -> tuple[int, str]:
    """Run the build verb in-process (``full``: with the whole book's PDF); return (exit code, what it printed)."""
    from bookgen import commands

    out = io.StringIO()
    code = commands.build(commands.Paths(root), out=out, full=full)
    return code, out.getvalue()


@dataclass
class HtmlScan:
    """What one HTML page holds: its visible text, and anything that could run or load."""

    text: list[str] = field(default_factory=list)
    tags: list[tuple[str, dict[str, str | None]]] = field(default_factory=list)
    scripts: list[str] = field(default_factory=list)
    headings: list[tuple[str, str]] = field(default_factory=list)
    cells: list[str] = field(default_factory=list)
    inline: list[tuple[str, str]] = field(default_factory=list)  # (em|strong|code|a, its text)

    @property
    def visible(self) -> str:
        return " ".join("".join(self.text).split())


CAPTURED = ("h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "script", "em", "strong", "code", "a")


class _Scanner(HTMLParser):
    SKIP = {"script", "style", "template"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scan = HtmlScan()
        self.stack: list[str] = []
        self.capture: list[list[str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.scan.tags.append((tag, dict(attrs)))
        if tag in ("br", "img", "input", "meta", "link", "hr"):
            return
        self.stack.append(tag)
        if tag in CAPTURED:
            self.capture.append([])

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.stack:
            return
        while self.stack:
            top = self.stack.pop()
            if top in CAPTURED and self.capture:
                body = " ".join("".join(self.capture.pop()).split())
                if top == "script":
                    self.scan.scripts.append(body)
                elif top in ("td", "th"):
                    self.scan.cells.append(body)
                elif top.startswith("h"):
                    self.scan.headings.append((top, body))
                else:
                    self.scan.inline.append((top, body))
            if top == tag:
                break
        if tag in ("p", "li", "td", "th", "div", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "title"):
            self.scan.text.append(" ")

    def handle_data(self, data: str) -> None:
        for buf in self.capture:
            buf.append(data)
        if not any(t in self.SKIP for t in self.stack):
            self.scan.text.append(data)


_TITLE = re.compile(r"(<title[^>]*>)(.*?)(</title)", re.I | re.S)


def scan_html(html: str) -> HtmlScan:
    """Read a page as a browser would (``<title>`` content is text up to the first ``</title``)."""
    html = _TITLE.sub(lambda m: m.group(1) + escape(m.group(2), quote=False) + m.group(3), html)
    parser = _Scanner()
    parser.feed(html)
    parser.close()
    return parser.scan


def dangers(scan: HtmlScan, marker: str) -> list[str]:
    """Anything in a page that would run, load or restructure content text carrying ``marker``."""
    found: list[str] = []
    for tag, attrs in scan.tags:
        for name, value in attrs.items():
            v = (value or "").strip().lower().replace("\t", "").replace("\n", "")
            if name.startswith("on"):
                found.append(f"<{tag} {name}=...>")
            if name in ("href", "src", "action", "formaction", "xlink:href") and v.startswith(
                ("javascript:", "vbscript:", "data:text/html")
            ):
                found.append(f"<{tag} {name}={value!r}>")
        if tag == "img" and attrs.get("src") == "x":
            found.append("<img src=x> from content")
    for body in scan.scripts:
        if "alert(" in body or marker in body:
            found.append(f"<script> holding content: {body[:60]!r}")
    return found


@contextlib.contextmanager
def serving(root: Path, env: dict[str, str] | None = None) -> Iterator[str]:
    """``bookgen serve`` on a free 127.0.0.1 port in a subprocess; yields its base URL. Stopped
    with SIGTERM, as a service manager or a container runtime stops it."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "bookgen", "serve", "--root", str(root), "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
    try:
        yield f"http://127.0.0.1:{port}"
        assert proc.poll() is None, proc.communicate()[1][-2000:]
    finally:
        proc.terminate()
        proc.communicate(timeout=60)


def fetch_until(url: str, wanted: str | None = None, limit: float = 120) -> str:
    """The page at ``url`` once it answers (and contains ``wanted``). ``limit`` bounds the wait;
    it is not a speed check."""
    deadline = time.monotonic() + limit
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                html = response.read().decode("utf-8")
            if wanted is None or wanted in html:
                return html
        except OSError:
            pass
        assert time.monotonic() < deadline, f"{url} did not answer{'' if wanted is None else ' with ' + repr(wanted)}"
        time.sleep(0.2)
