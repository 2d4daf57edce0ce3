"""End to end: ``bookgen build`` on a scratch copy of a book, then the website read as HTML.

A page per issue, actor, date and source; MkDocs strict mode silent; every footnote link lands on
an existing ``id`` in its target page; no internal link points to a missing page or anchor; no id
is written twice on a page.
"""

from __future__ import annotations

import posixpath
import subprocess
import sys
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from conftest import MINI, REPO_ROOT, make_project

from bookgen.links import actor_path, date_path, issue_path, source_path
from bookgen.pipeline import check


@dataclass
class Page:
    ids: set[str] = field(default_factory=set)
    duplicate_ids: list[str] = field(default_factory=list)
    links: list[tuple[str, bool]] = field(default_factory=list)  # (href, inside the footnotes)


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self.div_depth = 0
        self.footnote_depth: int | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            if a["id"] in self.page.ids:
                self.page.duplicate_ids.append(a["id"])  # type: ignore[arg-type]
            self.page.ids.add(a["id"])  # type: ignore[arg-type]
        if tag == "div":
            self.div_depth += 1
            if "footnote" in (a.get("class") or "").split() and self.footnote_depth is None:
                self.footnote_depth = self.div_depth
        if tag == "a" and a.get("href") is not None:
            self.page.links.append((a["href"], self.footnote_depth is not None))  # type: ignore[arg-type]

    def handle_endtag(self, tag: str) -> None:
        if tag == "div":
            if self.footnote_depth == self.div_depth:
                self.footnote_depth = None
            self.div_depth -= 1


def read_site(site: Path) -> dict[str, Page]:
    """Every HTML page of a built site, keyed by its path relative to the site folder."""
    pages = {}
    for f in sorted(site.rglob("*.html")):
        parser = _PageParser()
        parser.feed(f.read_text("utf-8"))
        pages[f.relative_to(site).as_posix()] = parser.page
    return pages


def md_to_html(md_path: str) -> str:
    """docs-relative Markdown path -> the HTML file MkDocs makes of it (use_directory_urls)."""
    stem = md_path[: -len(".md")]
    if stem == "index" or stem.endswith("/index"):
        return stem + ".html"
    return stem + "/index.html"


def resolve(page: str, href: str, site: Path) -> tuple[str, str] | None:
    """(target HTML file, fragment) of an internal link on ``page``; None for external links."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc:
        return None
    if not parts.path:
        return page, unquote(parts.fragment)
    base = "" if parts.path.startswith("/") else posixpath.dirname(page)  # 404.html links from the root
    target = posixpath.normpath(posixpath.join(base, unquote(parts.path).lstrip("/")))
    if href.split("#")[0].endswith("/") or (site / target).is_dir():
        target = posixpath.normpath(posixpath.join(target, "index.html"))
    return target, unquote(parts.fragment)


def build(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bookgen", "build", "--root", str(root)],
                          capture_output=True, text=True, timeout=600)


@dataclass
class Built:
    root: Path
    site: Path
    pages: dict[str, Page]
    output: str


def _build_book(tmp_path_factory: pytest.TempPathFactory, source_dir: Path) -> Built:
    root = make_project(tmp_path_factory.mktemp("e2e"), source_dir)
    proc = build(root)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return Built(root, root / "site", read_site(root / "site"), proc.stdout + proc.stderr)


@pytest.fixture(scope="module", params=["mini", "seed"])
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Built:
    if request.param == "mini":
        return _build_book(tmp_path_factory, MINI)
    result = check(REPO_ROOT)
    if result.book is None:
        pytest.skip("the seed book's content does not pass bookgen check right now:\n"
                    + result.problems.render("text"))
    return _build_book(tmp_path_factory, REPO_ROOT)


def test_a_page_for_every_issue_actor_date_and_source(built: Built) -> None:
    book = check(built.root).book
    assert book is not None
    expected = ([issue_path(i) for i in book.issues] + [actor_path(a) for a in book.actors]
                + [date_path(d) for d in book.dates.values()] + [source_path(s) for s in book.sources])
    missing = [p for p in expected if md_to_html(p) not in built.pages]
    assert not missing, f"no HTML page for: {missing}"
    assert book.issues and book.actors and book.dates and book.sources


def test_mkdocs_strict_reported_nothing(built: Built) -> None:
    """MkDocs runs strict (a warning fails the build, see the fixture's exit-code check); nothing it
    logged reaches the output either. Content warnings from bookgen check are not MkDocs'."""
    assert "site:" in built.output
    mkdocs_lines = [line for line in built.output.splitlines()
                    if "mkdocs" in line.lower() or line.startswith(("WARNING", "ERROR", "INFO"))]
    assert mkdocs_lines == [], built.output


def test_every_footnote_link_lands_on_an_existing_anchor(built: Built) -> None:
    bad = []
    count = 0
    for name, page in built.pages.items():
        for href, in_footnote in page.links:
            if not in_footnote or href.startswith("#fnref"):
                continue
            target = resolve(name, href, built.site)
            assert target is not None, f"{name}: footnote links outside the site: {href}"
            count += 1
            file, fragment = target
            if file not in built.pages or not fragment or fragment not in built.pages[file].ids:
                bad.append(f"{name}: {href} -> {file}#{fragment}")
    assert count, "no footnote links found at all: the footnotes are not rendered as expected"
    assert not bad, "footnote links to missing anchors:\n" + "\n".join(bad)


def test_no_internal_link_points_to_a_missing_page_or_anchor(built: Built) -> None:
    bad = []
    for name, page in built.pages.items():
        for href, _ in page.links:
            target = resolve(name, href, built.site)
            if target is None:
                continue
            file, fragment = target
            if file not in built.pages and not (built.site / file).is_file():
                bad.append(f"{name}: {href} -> missing page {file}")
            elif fragment and file in built.pages and fragment not in built.pages[file].ids:
                bad.append(f"{name}: {href} -> no id '{fragment}' in {file}")
    assert not bad, "broken internal links:\n" + "\n".join(bad)


def test_no_page_has_an_id_twice(built: Built) -> None:
    """A link to an id written twice lands on the first: possibly not the passage it cites."""
    dups = {name: page.duplicate_ids for name, page in built.pages.items() if page.duplicate_ids}
    assert not dups, dups


def test_a_section_too_long_for_the_navigation_lists_only_its_index(tmp_path: Path, monkeypatch) -> None:
    from bookgen import commands, site

    monkeypatch.setattr(site, "NAV_LIMIT", 1)  # the mini book has two sources, two actors...
    root = make_project(tmp_path)
    (root / "mkdocs.yml").write_text((root / "mkdocs.yml").read_text("utf-8") + 'not_in_nav: "/extra.md"\n',
                                     "utf-8")
    book = check(root).book
    assert site.not_in_nav(book, root).splitlines()[0] == "/extra.md"  # the project's own kept
    sources = next(s for s in site.navigation(book) if "Sources" in s)["Sources"]
    assert sources == [source_path("index")]
    assert commands.build(commands.Paths(root), strict=True, out=sys.stderr) == 0  # strict: no omitted-page warning
    home = (root / "site" / "index.html").read_text("utf-8")
    assert "sources/talks/" not in home.split('class="md-content"')[0]  # not in the sidebar
    assert (root / "site" / "sources" / "talks" / "index.html").is_file()
