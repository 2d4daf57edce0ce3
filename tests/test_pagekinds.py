"""The page-kind registry: one declaration per kind, and what is derived from it."""

from __future__ import annotations

import pkgutil
from pathlib import Path

import pytest

from conftest import MINI, REPO_ROOT
from bookgen import links as L
from bookgen import pagekinds
from bookgen.model import Book
from bookgen.pdf import chapters
from bookgen.pipeline import check
from bookgen.render import render_pages


@pytest.fixture(scope="module")
def seed() -> Book:
    book = check(REPO_ROOT).book
    assert book is not None
    return book


@pytest.fixture(scope="module")
def mini() -> Book:
    book = check(MINI).book
    assert book is not None
    return book


def test_every_module_of_the_package_declares_one_kind() -> None:
    modules = sorted(m.name for m in pkgutil.iter_modules(pagekinds.__path__))
    names = [k.name for k in pagekinds.kinds()]
    assert sorted(names) == modules  # one kind per module, named after it
    assert {"home", "issue", "actor", "date", "source", "overview", "claims", "watch", "method"} <= set(names)


def test_places_are_unique(seed: Book) -> None:
    navs = [k.nav.order for k in pagekinds.kinds() if k.nav]
    prints = [k.chapter.order for k in pagekinds.kinds() if k.chapter]
    assert len(navs) == len(set(navs)) and len(prints) == len(set(prints))
    paths = [p.path for p in pagekinds.pages(seed)]
    assert len(paths) == len(set(paths))


def test_navigation_follows_the_declared_order_and_nests_sub_issues(seed: Book) -> None:
    nav = pagekinds.navigation(seed)
    titles = [next(iter(entry)) for entry in nav]
    declared = [k.nav.title for k in sorted((k for k in pagekinds.kinds() if k.nav), key=lambda k: k.nav.order)]
    assert titles == [t.replace("&", "&amp;") for t in declared]
    issues = next(entry["Issues"] for entry in nav if "Issues" in entry)
    guarantees = next(e for e in issues[1:] if isinstance(e, dict) and "Security guarantees for Ukraine" in e)
    children = guarantees["Security guarantees for Ukraine"]
    assert children[0] == {"Overview": L.issue_path("security-guarantees")}
    assert {"US–Ukraine (bilateral) security guarantees": L.issue_path("bilateral-guarantees")} in children


def test_every_page_is_in_the_navigation_or_an_overflow(seed: Book) -> None:
    def paths(node: object) -> set[str]:
        if isinstance(node, str):
            return {node}
        if isinstance(node, dict):
            return set().union(*(paths(v) for v in node.values()))
        if isinstance(node, list):
            return set().union(*(paths(v) for v in node)) if node else set()
        return set()

    assert paths(pagekinds.navigation(seed)) == {p.path for p in pagekinds.pages(seed)}
    short = pagekinds.navigation(seed, limit=1)
    assert pagekinds.nav_overflow(seed, limit=1)
    assert paths(short) < {p.path for p in pagekinds.pages(seed)}


def test_print_chapters_and_the_brief(seed: Book, mini: Book) -> None:
    pages = render_pages(mini, REPO_ROOT / "templates")
    full = chapters(mini, pages)
    brief = chapters(mini, pages, brief=True)
    assert [c.title for c in brief] == ["Summary", "Where each side stands", "What to watch", "Appendix A: Sources"]
    assert brief[-1].entries == ()  # the brief lists its sources, it does not print them
    placed = {p for c in full for p in (c.intro, *c.entries) if p}
    assert placed == set(pages)  # the full book has every page
    assert [c.title for c in full] == [c.title for c in pagekinds.print_chapters(mini)]


def test_incremental_dependencies_come_from_the_kinds(mini: Book) -> None:
    listing = pagekinds.listing_pages(mini)
    assert {L.HOME, L.ISSUES, L.ACTORS, L.TIMELINE, L.SOURCES, L.CLAIMS, L.POSITIONS, L.METHOD, "watch.md"} == listing
    ann = next(iter(mini.annotations.values()))
    homes = pagekinds.annotation_pages(mini, ann)
    assert L.source_path(ann.source) in homes
    assert all(L.actor_path(a) in homes for a in ann.actors)
    assert all(L.issue_path(i) in homes for i in ann.issues)


def test_the_brief_does_not_grow_with_the_book(seed: Book, monkeypatch) -> None:
    """The home board, the overview and what to watch show at most BRIEF_ISSUES issues (those read
    first) and say how many more there are; each issue's own page has the rest."""
    from bookgen import views
    from bookgen.pagekinds.watch import watch_items
    from bookgen.standings import overview

    monkeypatch.setattr(views, "BRIEF_ISSUES", 3)
    first = list(seed.issues)[:3]
    table = overview(seed)
    assert len(table.rows) <= 3 < table.total
    assert {q.issue.id for q in watch_items(seed) if q.question} <= set(first)
    pages = render_pages(seed, REPO_ROOT / "templates", only={L.HOME, L.POSITIONS}.__contains__)
    rows = [line for line in pages[L.HOME].split("## Status by issue")[1].split("\n## ")[0].splitlines()
            if line.startswith("| ") and "[" in line]
    assert len(rows) == 3
    assert f"The 3 issues read first; {len(views.status_rows(seed)) - 3} more on the" in pages[L.HOME]
    assert f"The 3 issues read first, of {table.total} with reported positions" in pages[L.POSITIONS]


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Book]:
    """A synthetic book of 300 sources (bookgen/synth.py), with the repo's templates."""
    import shutil

    from bookgen.synth import write_corpus

    root = tmp_path_factory.mktemp("big")
    write_corpus(root, 300, seed=1)
    shutil.copytree(REPO_ROOT / "templates", root / "templates")
    book = check(root).book
    assert book is not None
    return root, book


def test_the_overview_and_key_figures_stay_short_in_a_big_book(big: tuple[Path, Book]) -> None:
    """Per camp and issue the overview lists at most OVERVIEW_ACTORS actors and says how many more;
    a key figure row shows at most ROW_FIGURES reports and says how many earlier ones it leaves out."""
    import re

    from bookgen.standings import OVERVIEW_ACTORS
    from bookgen.views import ROW_FIGURES

    book = big[1]
    pages = render_pages(book, REPO_ROOT / "templates", only={L.HOME, L.POSITIONS}.__contains__)
    camp_lines = [line for line in pages[L.POSITIONS].split("## Issue by issue")[1].splitlines() if line.startswith("- **")]
    assert camp_lines and all(line.count("[^") <= OVERVIEW_ACTORS for line in camp_lines)
    more = [line for line in camp_lines if re.search(r"; and \d+ more, listed under \[", line)]
    assert more, "a 300-source book has camps with more actors than the overview lists"
    figure_rows = [line for line in pages[L.HOME].split("## Key figures")[1].split("\n## ")[0].splitlines()
                   if line.startswith("| [")]
    assert figure_rows and all(line.count("[^") <= ROW_FIGURES for line in figure_rows)
    assert any(re.search(r"; and \d+ earlier reports? \|$", line) for line in figure_rows)


def test_the_brief_lists_only_sources_it_cites_at_most_brief_sources(big: tuple[Path, Book]) -> None:
    from bookgen.commands import Paths, brief_pages
    from bookgen.pagekinds.source import BRIEF_SOURCES

    root, book = big
    pages = render_pages(book, REPO_ROOT / "templates")
    brief = brief_pages(book, Paths(root), pages)
    rows = [line for line in brief[L.SOURCES].splitlines() if line.startswith("| [")]
    assert len(rows) == BRIEF_SOURCES < len(book.sources)
    assert f"The {BRIEF_SOURCES} most recent of the " in brief[L.SOURCES]
    assert f"of the {len(book.sources)} the book rests on" in brief[L.SOURCES]
    assert sum(line.startswith("| [") for line in pages[L.SOURCES].splitlines()) == len(book.sources)  # the web: all
    assert all(brief[p] is pages[p] for p in pages if p != L.SOURCES)
