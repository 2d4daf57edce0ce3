"""The reader's website in a real browser: Debian's Chromium driven by Playwright, against the built
seed book served on 127.0.0.1.

Every test records every network request the pages make and fails on any host but 127.0.0.1.
axe-core (tests/node_modules, installed by ``make test-deps``) checks every page kind in both
palettes; screenshots of every page kind at desktop and phone widths go to build/screenshots/.
"""

from __future__ import annotations

import re
from typing import Iterator
from urllib.parse import urlsplit

import pytest

from browser_support import AXE, CHROMIUM, CHROMIUM_ARGS, ENGINES, SCREENSHOTS, built_site, served

playwright_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright (make test-deps)")

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}

# One page of each kind in the seed book (paths under the site root).
PAGE_KINDS = {
    "home": "",
    "issues": "issues/",
    "issue": "issues/security-guarantees/",
    "actors": "actors/",
    "actor": "actors/zelensky/",
    "timeline": "dates/",
    "date": "dates/2025-12-28/",
    "overview": "positions/",
    "watch": "watch/",
    "claims": "claims/",
    "sources": "sources/",
    "source": "sources/closer-than-ever/",
    "source-at-passage": "sources/closer-than-ever/#a-closer-trump-95",
    "method": "method/",
}


@pytest.fixture(scope="module", params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    """Each site engine (MkDocs, Zensical): every test taking ``base`` runs against both."""
    return str(request.param)


@pytest.fixture(scope="module")
def base(engine: str) -> Iterator[str]:
    """The seed book built by ``engine``, served on 127.0.0.1 for this module's tests."""
    with served(built_site(engine=engine).site) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make test-deps` (apt-get install chromium)")
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def requests_seen() -> list[str]:
    return []


@pytest.fixture
def page(browser: object, requests_seen: list[str]) -> Iterator[object]:
    """A fresh page that records every request; the test fails if any leaves 127.0.0.1."""
    context = browser.new_context(viewport=DESKTOP)  # type: ignore[attr-defined]
    context.on("request", lambda r: requests_seen.append(r.url))
    pg = context.new_page()
    yield pg
    context.close()
    foreign = sorted({u for u in requests_seen
                      if urlsplit(u).scheme not in ("data", "blob") and urlsplit(u).hostname != "127.0.0.1"})
    assert not foreign, f"requests left the site: {foreign}"


def _path(pg: object) -> str:
    return urlsplit(pg.url).path  # type: ignore[attr-defined]


def test_follow_issue_actor_date_then_a_footnote_to_its_highlighted_passage(page: object, base: str,
                                                                              requests_seen: list[str]) -> None:
    pg = page
    pg.goto(base)
    assert pg.locator("article h2", has_text="Bottom line").count() == 1  # the home briefing
    assert pg.locator("article h2", has_text="Status by issue").count() == 1
    # home -> an issue (status table)
    pg.locator("article table a[href*='issues/security-guarantees/']").first.click()
    assert _path(pg) == "/issues/security-guarantees/"
    # issue -> an actor (where each side stands)
    pg.locator("article li a[href*='actors/zelensky/']").first.click()
    assert _path(pg) == "/actors/zelensky/"
    assert pg.locator("h1").inner_text().startswith("Volodymyr Zelensky")
    # actor -> a date (timeline table)
    pg.locator("article table a[href*='dates/2025-12-28/']").first.click()
    assert _path(pg) == "/dates/2025-12-28/"
    # a footnote: its reference, then the source link inside the note
    ref = pg.locator("article sup[id^='fnref'] a").first
    note_id = ref.get_attribute("href").lstrip("#")
    ref.click()
    note = pg.locator(f"[id='{note_id}']")
    source_link = note.locator("a[href*='sources/']").first
    href = source_link.get_attribute("href")
    anchor = href.split("#", 1)[1]
    assert anchor.startswith("a-")
    source_link.click()
    pg.wait_for_url(re.compile(r"/sources/[^/]+/#a-"))
    target = pg.locator(f"[id='{anchor}']")
    assert target.count() == 1
    # the anchor sits right before the highlighted quote, and the page scrolled to it
    assert pg.evaluate(f"document.getElementById('{anchor}').nextElementSibling.tagName") == "MARK"
    assert pg.evaluate(f"document.getElementById('{anchor}').matches(':target')")
    box = pg.locator(f"[id='{anchor}'] + mark").bounding_box()
    assert box is not None and 0 <= box["y"] < DESKTOP["height"]
    assert requests_seen  # the recorder saw the navigation


def test_footnote_tooltip_shows_the_quote_on_hover(page: object, base: str) -> None:
    pg = page
    pg.goto(base + PAGE_KINDS["issue"])
    ref = pg.locator("article sup[id^='fnref'] a").first
    ref.hover()
    tooltip = pg.locator(".md-tooltip2, .md-tooltip").filter(has_text="reported in").first
    tooltip.wait_for(state="visible", timeout=5000)
    assert "¶" in tooltip.inner_text()


@pytest.mark.parametrize("query,target", [("Zelenskyy", "/actors/zelensky/"), ("Kremlin", "/actors/russia/")])
def test_search_finds_an_actor_by_any_alias(page: object, base: str, query: str, target: str) -> None:
    pg = page
    pg.goto(base)
    _search(pg, query)
    hit = pg.locator(f".md-search-result__item > a[href*='{target}'], ol[role=listbox] a[href*='{target}']").first
    hit.wait_for(state="visible", timeout=10000)
    hit.click()
    pg.wait_for_url(re.compile(re.escape(target) + r"(\?[^#]*)?(#.*)?$"))
    assert _path(pg) == target


def _search(pg: object, query: str) -> None:
    """Open the search dialog, type ``query`` and wait for the results. A query typed before the
    search worker has loaded its index is dropped, so it is typed again until results show.
    Material (MkDocs) has a search form in the header; Zensical a button opening a dialog."""
    if pg.locator(".md-search__button").count():  # type: ignore[attr-defined]  # Zensical
        pg.locator(".md-search__button").first.click()  # type: ignore[attr-defined]
        box = pg.locator("dialog[aria-label] input[role=combobox]")  # type: ignore[attr-defined]
        meta = pg.locator("dialog[aria-label] [role=status]", has_text="result")  # type: ignore[attr-defined]
    else:
        pg.locator("label.md-search__icon, .md-search__input").first.click()  # type: ignore[attr-defined]
        box = pg.locator("input.md-search__input")  # type: ignore[attr-defined]
        meta = pg.locator(".md-search-result__meta", has_text="matching")  # type: ignore[attr-defined]
    for _ in range(15):
        box.fill("")
        box.press_sequentially(query)
        try:
            meta.wait_for(timeout=2000)
            return
        except playwright_api.TimeoutError:
            continue
    raise AssertionError(f"search for {query!r} showed no results")


def _axe(pg: object, landmarks: bool = True) -> list[dict]:
    # axe judges the settled page: finish Material's fades and slides first, so that contrast is
    # not measured on an element caught half-way through a transition
    pg.add_style_tag(content="*, *::before, *::after { transition: none !important; animation: none !important; }")  # type: ignore[attr-defined]
    pg.add_script_tag(path=str(AXE))  # type: ignore[attr-defined]
    result = pg.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                       nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
    }""")  # type: ignore[attr-defined]
    # serious and critical findings, and landmarks that are not unique (a screen reader's
    # landmark list then offers two indistinguishable "navigation" entries)
    return [v for v in result if v["impact"] in ("serious", "critical") or (landmarks and v["id"] == "landmark-unique")]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_page_kind_has_no_serious_accessibility_violations(browser: object, base: str, engine: str,
                                                                 requests_seen: list[str], scheme: str) -> None:
    """axe-core on every page kind, in the light and the dark palette, at desktop and phone width
    (a source page opened at a cited passage among them); no page wider than its viewport;
    screenshots on the way."""
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run `make test-deps` (npm install --prefix tests)")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    found: dict[str, list[dict]] = {}
    for size_name, size in (("desktop", DESKTOP), ("phone", PHONE)):
        context = browser.new_context(viewport=size, color_scheme=scheme)  # type: ignore[attr-defined]
        context.on("request", lambda r: requests_seen.append(r.url))
        pg = context.new_page()
        for kind, path in PAGE_KINDS.items():
            pg.goto(base + path)
            assert pg.locator("h1").count() >= 1, kind
            pg.screenshot(path=str(SCREENSHOTS / f"{engine}-{kind}-{size_name}-{scheme}.png"), full_page=False)
            wide = pg.evaluate("document.documentElement.scrollWidth")
            if wide > size["width"]:
                found[f"{kind} ({size_name})"] = [{"id": "wider-than-viewport", "width": wide}]
            bad = _axe(pg)
            if bad:
                found[f"{kind} ({size_name})"] = bad
        # the search dialog, open, is a page state of its own
        if size_name == "desktop":
            pg.goto(base)
            _search(pg, "Kremlin")
            bad = _axe(pg, landmarks=False)  # Material's script gives every result's tags a <nav>
            if bad:
                found["search"] = bad
        context.close()
    foreign = sorted({u for u in requests_seen if urlsplit(u).hostname not in (None, "127.0.0.1")})
    assert not foreign, f"requests left the site: {foreign}"
    assert not found, "\n".join(f"{k}: {v}" for k, v in found.items())


def test_print_hides_the_site_chrome_and_tags_show_on_screen(page: object, base: str, engine: str) -> None:
    pg = page
    pg.goto(base + PAGE_KINDS["actor"])
    assert pg.locator(".md-tags .md-tag", has_text="Volodymyr Zelensky").count() == 1  # Material tags, by name
    assert pg.locator(".md-header").is_visible()
    pg.emulate_media(media="print")
    for chrome in (".md-header", ".md-tabs", ".md-sidebar--primary", ".md-tags"):
        assert not pg.locator(chrome).first.is_visible(), chrome
    assert pg.locator("article h1").is_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(SCREENSHOTS / f"{engine}-actor-print.png"))


def test_the_offline_build_works_from_the_file_system(browser: object) -> None:
    """BOOKGEN_OFFLINE=true: opened from file:// (a file share), links lead to pages, search works,
    and nothing is requested from anywhere but the files themselves."""
    site = built_site(offline=True).site
    context = browser.new_context(viewport=DESKTOP)  # type: ignore[attr-defined]
    seen: list[str] = []
    context.on("request", lambda r: seen.append(r.url))
    pg = context.new_page()
    try:
        pg.goto((site / "index.html").as_uri())
        pg.locator("article table a[href*='issues/security-guarantees']").first.click()
        assert pg.url.endswith("/issues/security-guarantees.html")
        assert pg.locator("article h1").inner_text().startswith("Security guarantees")
        _search(pg, "Zelenskyy")
        pg.locator(".md-search-result__item > a[href*='actors/zelensky.html']").first.click()
        assert pg.url.split("?")[0].endswith("/actors/zelensky.html")
    finally:
        context.close()
    assert seen and all(urlsplit(u).scheme in ("file", "data", "blob") for u in seen), \
        sorted({u for u in seen if urlsplit(u).scheme not in ("file", "data", "blob")})
