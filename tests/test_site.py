"""The site stage (bookgen.site): MkDocs' strict warnings named as problems at the generated page
and link, and the generated engine configuration."""

from __future__ import annotations

import io
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
