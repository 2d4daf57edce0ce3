"""`bookgen bench` on a tiny corpus: the documented keys and output shapes (no timing assertions)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bookgen.bench import STAGES, bench, run_one
from bookgen.cli import main

DOCUMENTED = {*STAGES, "sources", "pages", "bookgen", "bookgen_share", "peak_mib", "peak_bookgen_mib", "pdf_pages"}


def test_run_one_times_every_stage_including_mkdocs(tmp_path: Path) -> None:
    row = run_one(3, tmp_path / "corpus", seed=2, mkdocs=True, pdf=False)
    assert DOCUMENTED <= row.keys()
    for stage in ("load", "validate", "anchor", "model", "render", "write", "mkdocs"):
        assert isinstance(row[stage], float) and row[stage] >= 0
    assert row["pdf"] is None  # skipped, and said so
    assert row["sources"] == 3 and row["annotations"] == 30 and row["pages"] > 3
    assert row["peak_mib"] >= row["peak_bookgen_mib"] > 0
    assert (tmp_path / "corpus" / "site" / "index.html").is_file()
    assert row["build_incremental_edit"] > 0 and row["build_incremental_actor"] > 0
    edit, actor = row["incremental_rendered"]  # pages MkDocs rendered again; the rest came from the cache
    assert 0 < edit < row["pages"] and 0 < actor <= row["pages"] + 1
    assert all(mib > 0 for mib in row["peak_incremental_mib"]) and all(s > 0 for s in row["cpu_incremental"])


def test_run_one_times_the_zensical_build_beside_mkdocs(tmp_path: Path) -> None:
    pytest.importorskip("zensical", reason="pip install 'bookgen[zensical]'")
    row = run_one(3, tmp_path / "corpus", seed=2, mkdocs=True, pdf=False, zensical=True)
    assert isinstance(row["mkdocs"], float) and isinstance(row["zensical"], float) and row["zensical"] > 0
    assert (tmp_path / "corpus" / "build" / ".zensical-theme" / "main.html").is_file()  # Zensical built it
    assert row["incremental_rendered"][0] < row["pages"]  # MkDocs' page cache still serves the timed edit


def test_bench_json_prints_one_object_per_size_and_keeps_corpora(tmp_path: Path) -> None:
    out = io.StringIO()
    assert bench([2, 4], as_json=True, keep=tmp_path, mkdocs=False, pdf=False, out=out) == 0
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [r["sources"] for r in rows] == [2, 4]
    assert all(DOCUMENTED <= r.keys() and r["mkdocs"] is None for r in rows)
    assert (tmp_path / "corpus-2" / "content" / "sources").is_dir()


def test_cli_table_and_bad_sizes(tmp_path: Path) -> None:
    runner = CliRunner()
    ok = runner.invoke(main, ["bench", "--sources", "2", "--skip-mkdocs", "--skip-pdf", "--keep", str(tmp_path)])
    assert ok.exit_code == 0, ok.output
    header, row = ok.output.splitlines()[:2]
    assert header.split()[:4] == ["sources", "pages", "load", "validate"] and "peak_MiB" in header
    assert row.split()[0] == "2"
    bad = runner.invoke(main, ["bench", "--sources", "10,x"])
    assert bad.exit_code == 2 and "whole numbers" in bad.output


def test_servebench_times_an_edit_to_the_served_page_and_restores_the_file(tmp_path: Path) -> None:
    from bookgen import servebench

    root = tmp_path / "corpus"
    servebench.prepare(root, 3)
    before = {p: p.read_bytes() for p in (root / "content").rglob("*.yaml")}
    (seconds, regeneration), = servebench.run(root, edits=1, first_build_limit=300)
    assert seconds > 0 and regeneration is not None and regeneration >= 0
    assert {p: p.read_bytes() for p in (root / "content").rglob("*.yaml")} == before


def test_pdfbench_measures_a_small_book(tmp_path: Path) -> None:
    from bookgen import pdfbench
    from bookgen.synth import write_corpus

    write_corpus(tmp_path, 2, 1)
    row = pdfbench.measure(tmp_path, pdfbench.PROJECT / "templates")
    assert row["pdf_pages"] > 2 and row["md_pages"] > 2
    assert row["peak_mib"] >= row["typst_mib"] > 0 and row["seconds"] > 0
