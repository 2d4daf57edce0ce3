"""Link checking over the served seed-book site, anchors included, and the strict MkDocs build.

The crawler starts at the home page and follows every internal ``href`` and ``src`` over HTTP
from 127.0.0.1; every target must answer 200 and every ``#fragment`` must name an element id on
the target page. Every HTML page of the built site must be reachable this way.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

import yaml

from browser_support import built_site, served
from conftest import REPO_ROOT


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.refs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        for key in ("id", "name") if tag == "a" else ("id",):
            if a.get(key):
                self.ids.add(a[key] or "")
        for key in ("href", "src"):
            if a.get(key) and not (tag == "link" and a.get("rel") in ("canonical",)):
                self.refs.append(a[key] or "")


def _fetch(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:  # 127.0.0.1 only: see _internal
            return r.status, r.headers.get_content_type(), r.read()
    except urllib.error.HTTPError as exc:
        return exc.code, "", b""


def _internal(base: str, url: str) -> bool:
    return url.startswith(base)


def crawl(base: str) -> tuple[dict[str, _Page], list[str]]:
    """Crawl from ``base``; return the HTML pages seen (by URL) and the problems found."""
    pages: dict[str, _Page] = {}
    problems: list[str] = []
    wanted: list[tuple[str, str, str]] = []  # (from page, target url without fragment, fragment)
    queue = [base]
    seen = {base}
    status: dict[str, int] = {}
    while queue:
        url = queue.pop()
        code, ctype, body = _fetch(url)
        status[url] = code
        if code != 200 or ctype != "text/html":
            continue
        page = _Page()
        page.feed(body.decode("utf-8"))
        pages[url] = page
        for ref in page.refs:
            absolute, frag = urldefrag(urljoin(url, ref))
            scheme = urlsplit(absolute).scheme
            if scheme in ("mailto", "data", "javascript"):
                continue
            if not _internal(base, absolute):
                problems.append(f"{url}: link leaves the site: {ref}")
                continue
            wanted.append((url, absolute, unquote(frag)))
            if absolute not in seen:
                seen.add(absolute)
                queue.append(absolute)
    for page_url, target, frag in wanted:
        if status.get(target) != 200:
            problems.append(f"{page_url}: broken link to {target} (HTTP {status.get(target)})")
        elif frag and target in pages and frag not in pages[target].ids:
            problems.append(f"{page_url}: {target} has no anchor #{frag}")
    return pages, sorted(set(problems))


def test_no_broken_links_or_anchors_on_the_served_site() -> None:
    with served(built_site().site) as base:
        pages, problems = crawl(base)
    assert not problems, "\n".join(problems[:40])
    site = built_site().site
    on_disk = {p.relative_to(site).as_posix() for p in site.rglob("*.html")}
    reached = {urlsplit(u).path.lstrip("/") or "index.html" for u in pages}
    reached = {p + "index.html" if p.endswith("/") or p == "" else p for p in reached}
    assert on_disk - reached - {"404.html"} == set(), "pages no link reaches"
    assert len(pages) > 50  # the seed book has dozens of pages: the crawl really ran


def test_the_crawler_reports_a_missing_anchor(tmp_path: Path) -> None:
    """The checker itself can fail: a page with a dangling anchor and a dangling link is reported."""
    import functools
    import http.server
    import threading

    (tmp_path / "index.html").write_text('<a href="b.html#nope">x</a><a href="gone.html">y</a>'
                                         '<a href="https://example.org/">z</a>')
    (tmp_path / "b.html").write_text('<p id="yes">b</p>')
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    handler.log_message = lambda *a: None  # type: ignore[method-assign]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        _, problems = crawl(base)
    finally:
        server.shutdown()
    text = "\n".join(problems)
    assert "has no anchor #nope" in text
    assert "gone.html (HTTP 404)" in text
    assert "leaves the site" in text


def test_mkdocs_build_is_strict_with_link_and_anchor_validation() -> None:
    """mkdocs.yml makes MkDocs warn on bad links and anchors, and the build is strict (any warning
    fails it); the seed book built without a single warning."""
    from mkdocs.utils.yaml import get_yaml_loader

    config = yaml.load((REPO_ROOT / "mkdocs.yml").read_text("utf-8"), Loader=get_yaml_loader())  # noqa: S506
    assert config["strict"] is True
    validation = config["validation"]
    assert validation["links"]["not_found"] == validation["links"]["anchors"] == "warn"
    assert validation["anchors"] == "warn"
    log = built_site().build_log
    assert "site:" in log and "warning" not in log.lower()
