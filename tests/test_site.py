"""The site stage (bookgen.site): MkDocs' strict warnings named as problems at the generated page
and link, and the generated engine configuration."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from bookgen.commands import Paths, build, generate
from bookgen.pipeline import check
from bookgen.site import SiteBuildError, build_site


def _docs_with_a_broken_link(root: Path) -> Paths:
    paths = Paths(root)
    book = check(root).book
    assert book is not None
    generate(book, paths)
    (paths.docs / "briefing.pdf").write_bytes(b"%PDF-1.7 stand-in\n")  # the home page links it
    method = paths.docs / "method.md"
    method.write_text(method.read_text("utf-8") + "\nSee [the annex](no-such-page.md).\n", "utf-8")
    return paths


def test_a_broken_link_is_named_with_its_page_line_and_column(mini_project: Path) -> None:
    paths = _docs_with_a_broken_link(mini_project)
    lines = paths.docs.joinpath("method.md").read_text("utf-8").split("\n")
    line = next(n for n, text in enumerate(lines, 1) if "no-such-page.md" in text)
    col = lines[line - 1].index("no-such-page.md") + 1
    with pytest.raises(SiteBuildError) as failed:
        build_site(mini_project, check(mini_project).book, paths.docs, paths.site)
    assert "strict mode" in str(failed.value)
    shown = failed.value.problems.render().splitlines()
    assert shown == [f"build/docs/method.md:{line}:{col}: error: Doc file 'method.md' contains a link "
                     "'no-such-page.md', but the target is not found among documentation files. (MkDocs, "
                     "strict); this page is generated: fix the template or the content that made the link "
                     "[bookgen.mkdocs-warning]"]
    assert not paths.site.exists()


def test_build_prints_each_mkdocs_warning_before_giving_up(mini_project: Path) -> None:
    method = mini_project / "templates" / "method.md.j2"
    method.write_text(method.read_text("utf-8") + "\n[broken](no-such-page.md)\n", "utf-8")
    out = io.StringIO()
    assert build(Paths(mini_project), out=out) == 1
    text = out.getvalue()
    named = text.index("build/docs/method.md:")
    assert "contains a link 'no-such-page.md'" in text[named:].splitlines()[0]
    assert "[bookgen.mkdocs-warning]" in text and named < text.index("site not built, previous site kept")


# the generated configuration ----------------------------------------------------------------------
def test_the_generated_config_inherits_the_project_and_carries_the_navigation(mini_project: Path) -> None:
    import yaml

    from bookgen.site import navigation
    from bookgen.siteconfig import config_text, engine_settings, write_config

    paths = Paths(mini_project)
    book = check(mini_project).book
    written = write_config(mini_project, book, paths.docs, paths.site)
    assert written == mini_project / "build" / "mkdocs.yml"
    text = written.read_text("utf-8")
    assert text == config_text(engine_settings(mini_project, book, paths.docs, paths.site))  # same bytes
    data = yaml.safe_load(text)
    assert (data["INHERIT"], data["docs_dir"], data["site_dir"]) == ("../mkdocs.yml", "docs", "../site")
    assert data["nav"] == navigation(book)
    before = written.stat().st_mtime_ns
    write_config(mini_project, book, paths.docs, paths.site)
    assert written.stat().st_mtime_ns == before  # unchanged bytes are not written again


def test_mkdocs_reads_the_generated_config_alone(mini_project: Path) -> None:
    """The docs tree carries its own navigation: MkDocs given only build/mkdocs.yml (no overrides
    from bookgen) has the book's navigation, in the book's order."""
    from mkdocs.config import load_config

    from bookgen.site import navigation
    from bookgen.siteconfig import write_config

    paths = Paths(mini_project)
    book = check(mini_project).book
    paths.docs.mkdir(parents=True)
    config = load_config(config_file=str(write_config(mini_project, book, paths.docs, paths.site)))
    assert config.nav == navigation(book)
    assert Path(config.docs_dir) == paths.docs.resolve() and Path(config.site_dir) == paths.site.resolve()
    assert config.theme.name == "material" and config.strict is True  # the project's own settings


# Zensical ------------------------------------------------------------------------------------------
ZENSICAL_OUTPUT = """Build started
\x1b[33mWarning:\x1b[0m page does not exist
    \u256d\u2500[ method.md:27:5 ]
    \u2502
 27 \u2502 [x](nope.md)
\x1b[33mWarning:\x1b[0m anchor does not exist
    \u256d\u2500[ issues/index.md:3:23 ]
2 issues found
"""


def test_zensical_warnings_are_problems_at_page_line_and_column(tmp_path: Path) -> None:
    from bookgen.zensical_site import warnings

    problems = warnings(ZENSICAL_OUTPUT, tmp_path, tmp_path / "build" / "docs")
    assert [p.format() for p in problems.sorted()] == [
        "build/docs/issues/index.md:3:23: error: anchor does not exist (Zensical, strict); this page is "
        "generated: fix the template or the content that made the link [bookgen.zensical-warning]",
        "build/docs/method.md:27:5: error: page does not exist (Zensical, strict); this page is "
        "generated: fix the template or the content that made the link [bookgen.zensical-warning]"]


needs_zensical = pytest.mark.skipif(not __import__("bookgen.zensical_site").zensical_site.available(),
                                    reason="pip install 'bookgen[zensical]'")


@needs_zensical
def test_zensical_builds_the_same_navigation_and_exports(mini_project: Path) -> None:
    out = io.StringIO()
    assert build(Paths(mini_project), out=out, engine="zensical") == 0, out.getvalue()
    site = mini_project / "site"
    home = (site / "index.html").read_text("utf-8")
    tabs = re.findall(r'class="md-tabs__link"[^>]*>\s*(.*?)\s*</a>', home, re.S)
    from bookgen.site import navigation

    assert tabs == [next(iter(entry)) for entry in navigation(check(mini_project).book)]  # the book's order
    assert tabs[0] == "Home" and "Claims &amp; figures" in tabs
    for export in ("briefing.json", "claims.csv", "timeline.ics", "briefing.pdf", "search.json"):
        assert (site / export).is_file(), export
    assert (site / ".bookgen-site").is_file()
    assert not list((mini_project / "build").glob(".site-new-*")) and not list(mini_project.glob(".site-*"))


@needs_zensical
def test_zensical_names_a_broken_link_and_keeps_the_previous_site(mini_project: Path) -> None:
    method = mini_project / "templates" / "method.md.j2"
    method.write_text(method.read_text("utf-8") + "\n[broken](no-such-page.md)\n", "utf-8")
    out = io.StringIO()
    assert build(Paths(mini_project), out=out, engine="zensical") == 1
    text = out.getvalue()
    assert re.search(r"^build/docs/method\.md:\d+:\d+: error: page does not exist .*\[bookgen\.zensical-warning\]$",
                     text, re.M), text
    assert "site not built, previous site kept" in text and not (mini_project / "site").exists()


@needs_zensical
def test_zensical_pages_show_hostile_text_as_text(tmp_path: Path) -> None:
    """The hostile-text checks (tests/test_hostile_text.py) on a Zensical build: Zensical has no
    hooks, so bookgen's title escaping reaches it as a theme template."""
    from hostile_support import dangers, scan_html
    from test_hostile_text import built_pages, hostile_project

    root, typed = hostile_project(tmp_path / "book", 0)
    out = io.StringIO()
    assert build(Paths(root), out=out, engine="zensical") == 0, out.getvalue()
    pages = built_pages(root)
    visible = "\n".join(scan_html(html).visible for html in pages.values())
    assert not [t for t in typed if t not in visible]
    for name, html in pages.items():
        assert not dangers(scan_html(html), "alert("), name
