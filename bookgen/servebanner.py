"""``bookgen serve``: while the content has errors, every served page says so in a banner.

When a regeneration finds errors, the served site keeps its last good pages; :func:`write_status`
records the errors (``path:line:col: message``) in a small file beside the docs tree, and
:class:`BannerMiddleware`, wrapped around MkDocs' dev server (a WSGI application, through the
server's public ``get_app``/``set_app``), puts them at the top of every HTML page it serves,
escaped. Once the content checks clean the file is removed and the banner is gone. Nothing in
MkDocs' or Material's files is changed, and built sites never carry the banner.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any, Callable, Iterable

from bookgen.problems import Problems, printable
from bookgen.write import atomic_write

STATUS_NAME = "serve-problems.json"
SHOWN_MAX = 50  # problems listed in the banner; the rest are counted

StartResponse = Callable[..., Any]


def status_path(docs_dir: Path) -> Path:
    """Where serve records the current content errors: beside the docs tree (not in it)."""
    return Path(docs_dir).parent / STATUS_NAME


def write_status(docs_dir: Path, problems: Problems) -> bool:
    """Record the errors (or remove the record when there are none). True if it changed."""
    path = status_path(docs_dir)
    lines = [f"{p.path}:{p.line}:{p.col}: {p.message} [bookgen.{p.code}]" for p in problems.sorted()
             if p.severity == "error"]
    if not lines:
        if path.is_file():
            path.unlink()
            return True
        return False
    data = json.dumps(lines, ensure_ascii=False).encode("utf-8")
    if path.is_file() and path.read_bytes() == data:
        return False
    atomic_write(path, data)
    return True


def banner(lines: list[str]) -> bytes:
    """The banner's HTML: every value escaped."""
    shown = "".join(f"<li><code>{html.escape(printable(line))}</code></li>" for line in lines[:SHOWN_MAX])
    more = f"<li>… and {len(lines) - SHOWN_MAX} more</li>" if len(lines) > SHOWN_MAX else ""
    return (
        '<div class="bookgen-problems" role="alert" style="position:relative;z-index:10;margin:0;'
        'padding:.8em 1.2em;background:#fdecea;color:#5f2120;border-bottom:2px solid #d32f2f;'
        'font:14px/1.4 system-ui,sans-serif">'
        f"<strong>The content has {len(lines)} error(s); this page is from the last good build.</strong> "
        "Fix them and the page updates (run <code>bookgen check</code> for the full list):"
        f'<ul style="margin:.4em 0 0 1.2em;padding:0">{shown}{more}</ul></div>'
    ).encode("utf-8")


def inject(page: bytes, lines: list[str]) -> bytes:
    """``page`` with the banner right after its ``<body>`` tag (or at the start)."""
    at = page.find(b"<body")
    end = page.find(b">", at) + 1 if at >= 0 else 0
    return page[:end] + banner(lines) + page[end:]


class BannerMiddleware:
    """A WSGI wrapper: HTML responses get the banner while the status file lists errors."""

    def __init__(self, app: Callable[[dict[str, Any], StartResponse], Iterable[bytes]], status: Path) -> None:
        self.app = app
        self.status = status

    def _lines(self) -> list[str]:
        try:
            data = json.loads(self.status.read_bytes())
        except (OSError, ValueError):
            return []
        return [str(x) for x in data] if isinstance(data, list) else []

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        lines = self._lines()
        if not lines:
            return self.app(environ, start_response)
        held: dict[str, Any] = {}

        def hold(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[[bytes], None]:
            held.update(status=status, headers=headers, exc_info=exc_info)
            return lambda data: None  # the dev server does not write through this

        body = self.app(environ, hold)
        headers = held.get("headers", [])
        is_html = any(k.lower() == "content-type" and v.startswith("text/html") for k, v in headers)
        if not is_html or not str(held.get("status", "")).startswith("200"):
            start_response(held["status"], headers, held.get("exc_info"))
            return body
        try:
            page = b"".join(body)
        finally:
            if hasattr(body, "close"):
                body.close()
        page = inject(page, lines)
        headers = [(k, str(len(page)) if k.lower() == "content-length" else v) for k, v in headers]
        start_response(held["status"], headers, held.get("exc_info"))
        return [page]


def install(server: Any, docs_dir: str | Path) -> None:
    """Wrap the dev server's WSGI application (``wsgiref``'s public ``get_app``/``set_app``)."""
    if hasattr(server, "get_app") and hasattr(server, "set_app"):
        server.set_app(BannerMiddleware(server.get_app(), status_path(Path(docs_dir))))
