"""A missing, malformed or failing template is reported as ``path:line:col: error:`` with a code,
no traceback, a non-zero exit, and nothing written (editors change templates in pull requests)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bookgen.problems import ContentError
from bookgen.render import render_pages
from conftest import make_project
from hostile_support import invoke


def _outputs(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for folder in ("site", "build") if (root / folder).exists()
                  for p in (root / folder).rglob("*"))


@pytest.mark.parametrize("verb", ["build", "pdf"])
def test_a_missing_template_is_named_and_nothing_is_written(tmp_path: Path, verb: str) -> None:
    root = make_project(tmp_path)
    (root / "templates" / "actor.md.j2").unlink()
    code, _, err = invoke(verb, "--root", str(root))
    assert code == 1
    assert err.splitlines() == [
        "templates/actor.md.j2:1:1: error: template 'actor.md.j2' not found (needed for page "
        "actors/alpha.md); copy it from bookgen's own templates/ folder [bookgen.template-missing]",
        "nothing written: fix the template errors above first",
    ]
    assert _outputs(root) == []
    if verb == "build":
        assert not (root / "build").exists()  # not even the folder the pages were staged in


def test_a_template_syntax_error_gives_its_line(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    page = root / "templates" / "issues.md.j2"
    page.write_text(page.read_text("utf-8") + "\n{% for x in %}\n", "utf-8")
    line = page.read_text("utf-8").count("\n")
    code, _, err = invoke("build", "--root", str(root))
    assert code == 1
    assert err.splitlines()[0] == (
        f"templates/issues.md.j2:{line}:1: error: template syntax error: Expected an expression, "
        "got 'end of statement block'; fix the Jinja2 tag on this line [bookgen.template-syntax]")
    assert _outputs(root) == []


def test_a_template_failing_while_rendering_gives_its_line(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    page = root / "templates" / "method.md.j2"
    page.write_text("# Method\n\n{{ book.no_such_field }}\n", "utf-8")
    from bookgen.pipeline import check

    with pytest.raises(ContentError) as caught:
        render_pages(check(root).book, root / "templates")
    (problem,) = caught.value.problems.items
    assert (problem.path, problem.line, problem.code) == ("templates/method.md.j2", 3, "template-failed")
    assert problem.message.startswith("template failed while rendering page method.md: ")
    assert "no_such_field" in problem.message


def test_serve_keeps_its_last_good_pages_when_a_template_breaks(tmp_path: Path) -> None:
    import io

    from bookgen import commands
    from bookgen.incremental import IncrementalRenderer

    paths = commands.Paths(make_project(tmp_path))
    renderer, out = IncrementalRenderer(paths.templates), io.StringIO()
    assert commands.regenerate(paths, out, renderer) is not None
    good = {p: p.read_bytes() for p in paths.docs.rglob("*") if p.is_file()}
    (paths.templates / "method.md.j2").write_text("{% if %}\n", "utf-8")
    assert commands.regenerate(paths, out, renderer) is None
    assert "templates/method.md.j2:1:1: error: template syntax error" in out.getvalue()
    assert "the served site keeps its last good pages" in out.getvalue()
    assert {p: p.read_bytes() for p in paths.docs.rglob("*") if p.is_file()} == good
