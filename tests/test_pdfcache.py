"""``bookgen build`` compiles the brief again only when its Typst source changed (bookgen/pdfcache.py):
the same bytes as compiling it, taken from the page cache folder otherwise."""

from __future__ import annotations

import io
from pathlib import Path

from conftest import make_project

from bookgen.commands import Paths, build
from bookgen.pdfcache import FOLDER

UNCHANGED = "pdf: the brief is unchanged since the last build"


def _build(root: Path) -> str:
    out = io.StringIO()
    assert build(Paths(root), out=out) == 0, out.getvalue()
    return out.getvalue()


def test_the_brief_is_compiled_only_when_its_source_changes(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    site_pdf = root / "site" / "briefing.pdf"
    assert UNCHANGED not in _build(root)
    first = site_pdf.read_bytes()
    assert first.startswith(b"%PDF")

    assert UNCHANGED in _build(root)  # nothing changed
    assert site_pdf.read_bytes() == first

    meta = root / "content" / "book.yaml"
    meta.write_text(meta.read_text("utf-8").replace('title: "', 'title: "Edited ', 1), "utf-8")
    assert UNCHANGED not in _build(root)  # the cover changed
    second = site_pdf.read_bytes()
    assert second != first
    assert len(list((root / "build" / "site-cache" / FOLDER).glob("*.pdf"))) == 1  # only the latest kept

    (root / "build" / "site-cache" / FOLDER).joinpath(next(
        p.name for p in (root / "build" / "site-cache" / FOLDER).glob("*.pdf"))).unlink()
    assert UNCHANGED not in _build(root)  # the kept PDF gone: compiled again, the same bytes
    assert site_pdf.read_bytes() == second
