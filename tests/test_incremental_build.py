"""Incremental ``bookgen build`` (bookgen/sitecache.py): after each edit, the site built with the
page cache is byte for byte the site a clean build makes, and the cache was really used where
it may be (pages counted), and not where it may not."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import make_project, replace_once, stand_in_pdf

from bookgen import site
from bookgen.commands import Paths, generate
from bookgen.pipeline import check
from bookgen.site import SiteBuildError, build_site
from bookgen.sitecache import MANIFEST, Outcome, SiteCache


def _tree(folder: Path) -> dict[str, bytes]:
    return {f.relative_to(folder).as_posix(): f.read_bytes() for f in sorted(folder.rglob("*")) if f.is_file()}


def _both(root: Path, clean: bool = False) -> Outcome:
    """Build with the cache into site/ and without it into clean-site/; assert the trees are equal."""
    paths = Paths(root)
    result = check(root)
    assert result.book is not None, result.problems.render()
    stand_in_pdf(paths.pdf)
    generate(result.book, paths)
    cache = SiteCache(root / "build" / "site-cache", clean=clean)
    build_site(root, result.book, paths.docs, paths.site, cache)
    build_site(root, result.book, paths.docs, root / "clean-site")
    incremental, full = _tree(paths.site), _tree(root / "clean-site")
    assert incremental.keys() == full.keys()
    differing = [name for name in full if incremental[name] != full[name]]
    assert differing == []
    shutil.rmtree(root / "clean-site")
    return cache.outcome


NEW_ACTOR = "name: Gamma Delta\nkind: person\nrole: Envoy\n"


def test_each_edit_gives_the_clean_site(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    # a project override of a Material partial (theme.custom_dir), edited below: bookgen's own
    # fixes (bookgen/theme_mkdocs) sit under the project's overrides, which may replace them
    overrides = root / "templates" / "overrides" / "partials"
    overrides.mkdir(parents=True)
    shutil.copy2(Path(site.__file__).parent / "theme_mkdocs" / "partials" / "nav-item.html", overrides)
    replace_once(root / "mkdocs.yml", "  name: material\n", "  name: material\n  custom_dir: templates/overrides\n")
    first = _both(root)
    assert first.cached == 0 and first.rendered > 10 and first.why_full == "no earlier build in the cache"
    pages = first.rendered

    again = _both(root)  # nothing changed: every page from the cache
    assert (again.rendered, again.cached) == (0, pages)

    replace_once(root / "content/annotations/talks.yaml", "Alpha said the plan was 90% agreed.",
          "Alpha said the plan was ninety per cent agreed.")
    note = _both(root)
    assert 0 < note.rendered < pages and note.cached == pages - note.rendered

    (root / "content/actors/gamma.yaml").write_text(NEW_ACTOR, "utf-8")  # a new nav entry: every page
    actor = _both(root)
    assert actor.cached == 0 and actor.rendered == pages + 1

    for gone in ("content/sources/other.yaml", "content/annotations/other.yaml", "seeds/other.txt"):
        (root / gone).unlink()
    replace_once(root / "content/issues/peace-plan.yaml", "[t-alpha-90, o-alpha-90]", "[t-alpha-90]")
    source = _both(root)
    assert source.cached == 0 and source.why_full is not None

    nav_item = root / "templates/overrides/partials/nav-item.html"  # the project's own theme override
    nav_item.write_text(nav_item.read_text("utf-8") + "\n<!-- changed -->\n", "utf-8")
    theme = _both(root)
    assert theme.cached == 0 and theme.why_full == "the site's configuration, theme or tools changed"

    replace_once(root / "templates/actor.md.j2", "\n", "\n\n")  # a page template: only pages that changed
    template = _both(root)
    assert template.cached > 0

    replace_once(root / "mkdocs.yml", "site_description: \"", "site_description: \"Edited. ")
    config = _both(root)
    assert config.cached == 0 and config.why_full == "the site's configuration, theme or tools changed"

    settled = _both(root)
    assert settled.rendered == 0


def test_pages_are_indexed_for_search_as_materials_plugin_indexes_them(tmp_path: Path) -> None:
    """bookgen indexes each rendered page itself (the whole index is never in memory) and has
    Material's search plugin skip it: the index and every page's HTML are still the plugin's own,
    for pages with no ``search`` setting, with a boost, and excluded from search."""
    root = make_project(tmp_path)
    for template, front in (("home.md.j2", "search:\n  boost: 2\n"), ("method.md.j2", "search:\n  exclude: true\n")):
        path = root / "templates" / template
        path.write_text(f"---\n{front}---\n" + path.read_text("utf-8"), "utf-8")
    first = _both(root)
    assert first.rendered > 10 and first.cached == 0
    index = json.loads((root / "site" / "search" / "search_index.json").read_text("utf-8"))
    boosted = [d for d in index["docs"] if d["location"] == ""]
    assert boosted and all(d.get("boost") == 2 for d in boosted)
    assert not [d for d in index["docs"] if d["location"].startswith("method/")]
    assert any(d["location"].startswith("actors/") for d in index["docs"])
    cache = root / "build" / "site-cache" / "search"
    assert len([f for f in cache.iterdir() if f.suffix == ".json"]) == first.rendered  # a file per page
    replace_once(root / "content/annotations/talks.yaml", "Alpha said the plan was 90% agreed.",
                 "Alpha said the plan was ninety per cent agreed.")
    assert _both(root).cached > 0


def test_pages_added_or_removed_outside_the_navigation_keep_the_rest_cached(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """A long section lists only its index page (site.NAV_LIMIT); a new actor there changes a few
    pages, not the navigation, so the other pages still come from the cache; so does removing it."""
    monkeypatch.setattr(site, "NAV_LIMIT", 1)
    root = make_project(tmp_path)
    pages = _both(root).rendered
    (root / "content/actors/gamma.yaml").write_text(NEW_ACTOR, "utf-8")
    added = _both(root)
    assert added.cached > 0 and added.rendered + added.cached == pages + 1
    (root / "content/actors/gamma.yaml").unlink()  # and removed again: the same, the page gone
    removed = _both(root)
    assert removed.cached > 0 and removed.rendered + removed.cached == pages
    assert not (root / "site" / "actors" / "gamma").exists()


def test_a_cached_page_linking_to_a_removed_page_fails_as_in_a_clean_build(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """A page whose Markdown is unchanged but links to a page now gone is rendered, not taken from
    the cache, so the strict build fails on the broken link as a clean build does."""
    monkeypatch.setattr(site, "NAV_LIMIT", 1)
    root = make_project(tmp_path)
    _both(root)
    paths = Paths(root)
    result = check(root)
    assert result.book is not None
    linking = next(p for p in sorted(paths.docs.rglob("*.md")) if "gamma" not in p.name
                   and "../actors/alpha.md" in p.read_text("utf-8"))
    (paths.docs / "actors" / "alpha.md").unlink()  # the docs tree by hand: alpha's page gone, the rest as it was
    manifest = paths.docs / ".bookgen-manifest.json"
    if manifest.is_file():
        manifest.write_text(json.dumps([n for n in json.loads(manifest.read_text("utf-8")) if n != "actors/alpha.md"]))
    with pytest.raises(SiteBuildError) as failed:
        build_site(root, result.book, paths.docs, paths.site, SiteCache(root / "build" / "site-cache"))
    shown = failed.value.problems.render()
    assert linking.relative_to(root).as_posix() in shown and "actors/alpha.md" in shown


def test_clean_renders_every_page_and_a_damaged_manifest_is_ignored(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    pages = _both(root).rendered
    clean = _both(root, clean=True)
    assert (clean.rendered, clean.cached, clean.why_full) == (pages, 0, "--clean")
    assert _both(root).cached == pages  # --clean wrote the cache again
    manifest = root / "build/site-cache" / MANIFEST
    manifest.write_text('{"format": 1, "pages": [', "utf-8")
    assert _both(root).cached == 0
    header, *lines = manifest.read_text("utf-8").splitlines(keepends=True)
    manifest.write_text(header + lines[0].replace("\t", "\t\t", 1), "utf-8")  # a line cut wrong: all of it ignored
    assert _both(root).cached == 0
    header, *lines = manifest.read_text("utf-8").splitlines(keepends=True)
    keys = [line.split("\t")[1] for line in lines]
    manifest.write_text(header + "".join(l.replace(k, "0" * 64, 1) for l, k in zip(lines, keys)), "utf-8")
    assert _both(root).cached == 0  # keys without files: rendered again


def test_a_stale_cached_page_file_is_not_used(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    _both(root)
    for html in (root / "build/site-cache/pages").iterdir():
        html.unlink()  # the manifest names pages whose HTML is gone
    outcome = _both(root)
    assert outcome.cached == 0


def test_a_cache_folder_bookgen_did_not_make_is_refused(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    result = check(root)
    assert result.book is not None
    paths = Paths(root)
    paths.pdf.parent.mkdir(parents=True, exist_ok=True)
    paths.pdf.write_bytes(b"%PDF-1.7\n")
    generate(result.book, paths)
    foreign = root / "notes"
    foreign.mkdir()
    (foreign / "mine.txt").write_text("keep me", "utf-8")
    with pytest.raises(SiteBuildError, match="was not made by bookgen"):
        build_site(root, result.book, paths.docs, paths.site, SiteCache(foreign))
    assert (foreign / "mine.txt").read_text("utf-8") == "keep me"
    assert sorted(p.name for p in foreign.iterdir()) == ["mine.txt"]


@pytest.mark.parametrize("clean", [False, True], ids=["linking-page-cached", "every-page-rendered"])
def test_a_link_to_an_anchor_gone_from_a_rendered_page_fails_as_in_a_clean_build(
        tmp_path: Path, clean: bool) -> None:
    """Cached pages' links are checked only when they may have broken (bookgen/sitelinks.py): a
    link into a page rendered again is checked, so an anchor gone from it fails the strict build;
    so does a rendered page's (its anchors and links packed till the check)."""
    root = make_project(tmp_path)
    _both(root)
    paths = Paths(root)
    result = check(root)
    assert result.book is not None
    source = next(p for p in sorted((paths.docs / "sources").glob("*.md")) if 'id="a-' in p.read_text("utf-8"))
    text = source.read_text("utf-8")
    anchor = text.split('id="a-', 1)[1].split('"', 1)[0]
    linking = next(p for p in sorted(paths.docs.rglob("*.md")) if p != source
                   and f"{source.name}#a-{anchor}" in p.read_text("utf-8"))
    source.write_text(text.replace(f'id="a-{anchor}"', 'id="a-renamed-by-the-test"'), "utf-8")  # by hand
    with pytest.raises(SiteBuildError) as failed:
        build_site(root, result.book, paths.docs, paths.site, SiteCache(root / "build" / "site-cache", clean=clean))
    shown = failed.value.problems.render()
    assert linking.relative_to(root).as_posix() in shown and f"#a-{anchor}" in shown


def test_cached_pages_links_are_not_decoded_when_nothing_they_lead_to_changed(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    _both(root)
    header, *lines = (root / "build" / "site-cache" / MANIFEST).read_text("utf-8").splitlines()
    assert json.loads(header)["format"] == 3
    for line in lines:  # src, key, title, links_ok, targets, anchors, links: each JSON but the key and flag
        src, key, title, ok, targets, anchors, links = line.split("\t")
        assert ok == "1" and set(json.loads(links)) == set(json.loads(targets))
        assert isinstance(json.loads(src), str) and isinstance(json.loads(anchors), list)
    outcome = _both(root)  # nothing changed: every page cached, the site as a clean build makes it
    assert outcome.rendered == 0


def test_stored_links_are_given_back_only_when_they_may_have_broken() -> None:
    from bookgen.sitelinks import Entry, StoredAnchors, StoredLinks

    links = json.dumps({"a.md": {"x": "a.md#x"}, "b.md": {"y": "b.md#y"}})
    files = {"a.md": "FILE-A", "b.md": "FILE-B"}

    def given(ok: bool, rendered: set[str]) -> dict:
        entry = Entry("k", "T", ok, '["a.md", "b.md"]', lambda: ('["p"]', links))
        return dict(StoredLinks(entry, lambda: rendered, files.get))

    assert given(True, {"c.md"}) == {}  # nothing it leads to was rendered: nothing to check
    assert given(True, {"b.md"}) == {"FILE-A": {"x": "a.md#x"}, "FILE-B": {"y": "b.md#y"}}
    assert given(False, set()) == {"FILE-A": {"x": "a.md#x"}, "FILE-B": {"y": "b.md#y"}}  # warned last time
    anchors = StoredAnchors(Entry("k", "T", True, "[]", lambda: ('["p", "q"]', "{}")))
    assert "p" in anchors and "z" not in anchors and len(anchors) == 2


def test_a_rendered_pages_anchors_and_links_are_packed_without_changing_them() -> None:
    """Until MkDocs' anchor check, a rendered page keeps its anchor ids (one string each across
    pages) and its links (a string per page linked to): the same ids and links, given back as MkDocs
    reads them; a page whose links hold the packing's separator keeps them as they are."""
    import sys
    import types

    from bookgen.sitelinks import PackedLinks, pack

    links = {"FILE-A": {"x": "a.md#x", "y": "a.md#y"}, "FILE-B": {"fn:1": "#fn:1"}}
    page = types.SimpleNamespace(present_anchor_ids={"fn:1", "fnref:1", "a-" + "1"}, links_to_anchors=dict(links))
    pack(page)
    assert isinstance(page.links_to_anchors, PackedLinks)
    assert dict(page.links_to_anchors.items()) == links and len(page.links_to_anchors) == 2
    assert page.present_anchor_ids == {"fn:1", "fnref:1", "a-1"}
    assert all(sys.intern(a) is a for a in page.present_anchor_ids)
    odd = types.SimpleNamespace(present_anchor_ids=None, links_to_anchors={"F": {"x": "a\0b"}})
    pack(odd)
    assert odd.links_to_anchors == {"F": {"x": "a\0b"}} and odd.present_anchor_ids is None


def test_the_book_is_freed_before_mkdocs_builds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`bookgen build` lets its Book go before MkDocs runs (at 10,000 sources some 600 MB): the
    stages freeze what they leave alive for the collector, and the Book sits in reference cycles,
    so it is only freed because the frozen objects are collected again (collector.let_go)."""
    import weakref

    from bookgen import commands

    root = make_project(tmp_path)
    stand_in_pdf(Paths(root).pdf)
    books: list[weakref.ref] = []
    alive_at_mkdocs: list[bool] = []
    checked, site_build = commands.checked_book, commands._site

    def checked_book(*args, **kwargs):  # type: ignore[no-untyped-def]
        book = checked(*args, **kwargs)
        books.append(weakref.ref(book))
        return book

    def at_mkdocs(*args, **kwargs):  # type: ignore[no-untyped-def]
        alive_at_mkdocs.append(books[0]() is not None)
        return site_build(*args, **kwargs)

    monkeypatch.setattr(commands, "checked_book", checked_book)
    monkeypatch.setattr(commands, "_site", at_mkdocs)
    assert commands.build(Paths(root), pdf=False) == 0
    assert alive_at_mkdocs == [False]
