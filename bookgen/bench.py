"""``bookgen bench``: build synthetic corpora (:mod:`bookgen.synth`) and time every stage.

Each size runs in a fresh Python process, so its peak memory (``ru_maxrss``) is its own and no
cache warmed by a smaller size helps a larger one. Per size it reports seconds for: ``synth``
(writing the corpus, not part of bookgen's cost), ``load``, ``validate``, ``anchor``, ``drift``,
``model``, ``render`` (Markdown pages), ``pdf`` (the full book's PDF, compiled in parts by Typst
children, :mod:`bookgen.pdfparts`), ``write`` (exports, assets, changed files
only), ``mkdocs`` (the strict site build), in the order ``bookgen build`` runs them, and ``zensical``
(the same site built by the second engine, ``bookgen build --engine zensical``, timed after MkDocs,
with ``--zensical``); ``bookgen`` (the sum of bookgen's own
stages, everything before MkDocs), ``bookgen_share`` (that sum over MkDocs' time), ``build_incremental_edit`` and
``build_incremental_actor`` (a whole ``bookgen build`` but the PDF, each in a fresh process as CI
runs it, with the page cache the clean build filled and one untimed build recorded, after one
annotation's note is edited, then after one actor is added; ``incremental_pages``: the pages bookgen
rendered in each, ``incremental_rendered``: the pages MkDocs rendered, ``cpu_incremental`` their CPU
seconds, ``peak_incremental_mib`` their peak resident memory), ``pages``,
``pdf_pages``, ``pdf_parts``, ``cpu_pdf`` (CPU seconds of the Typst children), ``cpu_pdf_bookgen`` (CPU
seconds of this process in the PDF stage: the Typst markup of the parts and joining them), ``cpu_bookgen`` and ``cpu_mkdocs`` (CPU seconds of this process: a check on wall
times taken on a busy machine), ``peak_bookgen_mib`` (peak after bookgen's stages), ``peak_mib``
(peak of the run) and ``peak_children_mib`` (the largest child process, e.g. the Typst compiler).
A skipped stage is ``null``.
"""

from __future__ import annotations

import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Mapping, TextIO

STAGES = ("load", "validate", "anchor", "drift", "model", "render", "write", "mkdocs", "zensical", "pdf")
BOOKGEN_STAGES = ("load", "validate", "anchor", "drift", "model", "render", "write")
PROJECT = Path(__file__).resolve().parent.parent  # holds templates/ and mkdocs.yml


class BenchError(Exception):
    """A benchmark run failed; the message says which size and why."""


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _pdf_page_count(path: Path) -> int | None:
    try:
        from pypdf import PdfReader
    except ImportError:
        return None
    return len(PdfReader(str(path)).pages)


def run_one(n: int, workdir: Path, seed: int = 1, mkdocs: bool = True, pdf: bool = True,
            project: Path = PROJECT, zensical: bool = False) -> dict[str, Any]:
    """Write a corpus of ``n`` sources into ``workdir`` and time every stage on it, in this process."""
    from bookgen.commands import Paths, extra_files, stage_pages
    from bookgen.pipeline import check
    from bookgen.render import iter_pages
    from bookgen.synth import write_corpus
    from bookgen.write import StagedTree

    row: dict[str, Any] = {"sources": n, "seed": seed}
    if workdir.exists():
        shutil.rmtree(workdir)
    workdir.mkdir(parents=True)
    t0 = time.perf_counter()
    counts = write_corpus(workdir, n, seed)
    row["synth"] = time.perf_counter() - t0
    row["annotations"] = counts["annotations"]
    shutil.copytree(project / "templates", workdir / "templates")
    shutil.copy2(project / "mkdocs.yml", workdir / "mkdocs.yml")
    os.sync()  # the corpus on disk before timing starts: its writeback is not bookgen's write stage
    paths = Paths(workdir)

    cpu0 = time.process_time()
    result = check(workdir)
    if result.book is None or result.problems.errors:
        raise BenchError(f"{n} sources: the synthetic corpus failed check:\n{result.problems.render('text')}")
    row.update({k: result.timings.get(k) for k in ("load", "validate", "anchor", "drift", "model")})
    row["warnings"] = len(result.problems.warnings)
    rendering = _Timed(iter_pages(result.book, paths.templates))
    t0 = time.perf_counter()
    with StagedTree(paths.docs) as docs:  # as `bookgen build` does it: pages, PDF, other files, commit
        pages = stage_pages(result.book, paths, docs, sys.stderr, rendering)
        if pages is None:
            raise BenchError(f"{n} sources: a template failed")
        staged = time.perf_counter() - t0
        row["render"] = rendering.seconds
        row["pages"] = len(pages)
        row["pdf"] = row["pdf_pages"] = row["pdf_parts"] = row["cpu_pdf"] = row["cpu_pdf_bookgen"] = None
        cpu_bookgen = time.process_time() - cpu0
        if pdf:
            row.update(_run_pdf(result.book, pages, paths.pdf))
        cpu0 = time.process_time()
        if not paths.pdf.is_file():  # skipped: a stand-in, so the home page's link to it resolves
            paths.pdf.parent.mkdir(parents=True, exist_ok=True)
            paths.pdf.write_bytes(b"%PDF-1.7\n% bookgen bench: PDF skipped\n")
        t0 = time.perf_counter()
        for rel, data in extra_files(result.book, paths):  # exports, assets, the PDF
            docs.add(rel, data)
        docs.commit()
    row["write"] = staged - row["render"] + time.perf_counter() - t0  # comparing and writing files
    row["bookgen"] = sum(row[k] for k in BOOKGEN_STAGES)
    row["cpu_bookgen"] = cpu_bookgen + time.process_time() - cpu0
    row["peak_bookgen_mib"] = _peak_mib()

    row["mkdocs"] = row["cpu_mkdocs"] = row["bookgen_share"] = None
    row["build_incremental_edit"] = row["build_incremental_actor"] = row["incremental_rendered"] = None
    row["incremental_pages"] = None
    if mkdocs:
        from bookgen.site import build_site
        from bookgen.sitecache import SiteCache

        t0, cpu0 = time.perf_counter(), time.process_time()
        cache = SiteCache(workdir / "build" / "site-cache", clean=True)  # as `bookgen build --clean`
        build_site(workdir, result.book, paths.docs, paths.site, cache)
        row["mkdocs"] = time.perf_counter() - t0
        row["cpu_mkdocs"] = time.process_time() - cpu0
        row["bookgen_share"] = row["bookgen"] / row["mkdocs"]
    row["zensical"] = None
    if zensical:
        from bookgen.site import build_site

        t0 = time.perf_counter()
        build_site(workdir, result.book, paths.docs, paths.site, engine="zensical")
        row["zensical"] = time.perf_counter() - t0
    row["peak_children_mib"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # e.g. Typst
    row["peak_incremental_mib"] = None
    if mkdocs:
        del result
        row.update(_incremental(workdir))  # (child processes too: measured by themselves)
    row["peak_mib"] = _peak_mib()
    return row


def _incremental(workdir: Path) -> dict[str, Any]:
    """``bookgen build`` (the PDF aside) after one annotation's note is edited, then after one
    actor is added, each timed whole: check, pages, docs tree, MkDocs with the page cache."""
    _timed_build(workdir)  # not timed: records what it rendered (the clean build above is staged by hand)
    first = sorted((workdir / "content" / "annotations").glob("*.yaml"))[0]
    text = first.read_text("utf-8")
    first.write_text(re.sub(r"(note: )([\"']?)", r"\1\2Edited, ", text, count=1), "utf-8")
    edit = _timed_build(workdir)
    (workdir / "content" / "actors" / "bench-new-actor.yaml").write_text(
        "name: Bench Newcomer\nkind: person\nrole: Observer\n", "utf-8")
    actor = _timed_build(workdir)
    return {"build_incremental_edit": edit.seconds, "build_incremental_actor": actor.seconds,
            "cpu_incremental": [edit.cpu, actor.cpu], "peak_incremental_mib": [edit.peak_mib, actor.peak_mib],
            "incremental_pages": [edit.pages, actor.pages],
            "incremental_rendered": [edit.rendered, actor.rendered]}


@dataclass
class TimedBuild:
    """One ``bookgen build`` in a process of its own: wall and CPU seconds, its peak resident memory,
    the pages bookgen and MkDocs rendered."""

    seconds: float
    cpu: float
    peak_mib: float | None
    pages: int
    rendered: int


# The build reports its own CPU time and peak memory. Not this process's view of its child: on Linux
# a child's ``ru_maxrss`` starts from its parent's size when it is forked, and this process holds a
# Book; the peak of the build's own memory (``VmHWM``) is counted from the moment it starts.
_BUILD = """
import json, resource, sys
from pathlib import Path
from bookgen.commands import Paths, build
code = build(Paths(Path(sys.argv[1])), pdf=False)
usage = resource.getrusage(resource.RUSAGE_SELF)
try:
    status = open("/proc/self/status", encoding="ascii").read()
    peak = int(status.split("VmHWM:")[1].split()[0]) / 1024
except (OSError, IndexError, ValueError):
    peak = None
print(json.dumps({"cpu": usage.ru_utime + usage.ru_stime, "peak_mib": peak}))
sys.exit(code)
"""


def _timed_build(workdir: Path) -> TimedBuild:
    """``bookgen build`` without the PDF (the benchmark's own flag), as a fresh process, as CI runs it."""
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", _BUILD, str(workdir)], capture_output=True, text=True,
                          env=dict(os.environ, PYTHONHASHSEED="0"))
    seconds = time.perf_counter() - t0
    said = proc.stderr
    if proc.returncode != 0:
        raise BenchError(f"an incremental edit failed to build:\n{said}")
    own = json.loads(proc.stdout.strip().splitlines()[-1])
    if "page(s) rendered, " not in said:
        sys.stderr.write(f"bench: every page rendered: {said}\n")
    pages = re.search(r"^pages: (?:all )?(\d+) rendered", said, re.M)
    site = re.search(r"^site: (?:all )?(\d+) page\(s\) rendered", said, re.M)
    return TimedBuild(seconds, own["cpu"], own["peak_mib"],
                      int(pages.group(1)) if pages else -1, int(site.group(1)) if site else -1)


class _Timed:
    """Iterates over ``items``, adding up the seconds spent producing them (here: rendering pages,
    while the consumer's time, comparing and writing them, is not counted)."""

    def __init__(self, items: Iterator[Any]) -> None:
        self.items, self.seconds = items, 0.0

    def __iter__(self) -> Iterator[Any]:
        while True:
            t0 = time.perf_counter()
            try:
                item = next(self.items)
            except StopIteration:
                self.seconds += time.perf_counter() - t0
                return
            self.seconds += time.perf_counter() - t0
            yield item


def _run_pdf(book: Any, pages: Mapping[str, str], out: Path) -> dict[str, Any]:
    """The full book's PDF, in parts (what ``bookgen pdf --full`` makes)."""
    from bookgen.pdfparts import render_full_pdf

    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0, own = time.perf_counter(), time.process_time()
    stats = render_full_pdf(book, pages, out)
    elapsed, own = time.perf_counter() - t0, time.process_time() - own
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - kids.ru_utime) + (after.ru_stime - kids.ru_stime)
    return {"pdf": elapsed, "cpu_pdf": cpu, "cpu_pdf_bookgen": own, "pdf_pages": _pdf_page_count(out),
            "pdf_parts": stats.parts}


def _child(n: int, workdir: Path, seed: int, mkdocs: bool, pdf: bool, zensical: bool) -> dict[str, Any]:
    """Run one size in a fresh interpreter; returns its JSON row."""
    cmd = [sys.executable, "-m", "bookgen.bench", str(n), str(workdir), str(seed),
           "1" if mkdocs else "0", "1" if pdf else "0", "1" if zensical else "0"]
    env = dict(os.environ, PYTHONHASHSEED="0")
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        raise BenchError(f"{n} sources: benchmark process failed:\n{proc.stderr.strip()[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _fmt(value: Any, width: int) -> str:
    if value is None:
        return "-".rjust(width)
    if isinstance(value, float):
        return f"{value:.3f}".rjust(width) if value < 100 else f"{value:.1f}".rjust(width)
    return str(value).rjust(width)


TABLE = ("sources", "pages", *STAGES, "bookgen", "bookgen_share", "build_incremental_edit", "build_incremental_actor",
         "pdf_pages", "peak_bookgen_mib", "peak_mib", "peak_children_mib")


def print_table(rows: list[dict[str, Any]], out: TextIO) -> None:
    heads = {"bookgen_share": "share", "build_incremental_edit": "inc_edit", "build_incremental_actor": "inc_actor",
             "peak_bookgen_mib": "peak_bg_MiB", "peak_mib": "peak_MiB", "pdf_pages": "pdf_pp",
             "peak_children_mib": "peak_kids_MiB"}
    widths = [max(8, len(heads.get(k, k)) + 1) for k in TABLE]
    out.write("".join(heads.get(k, k).rjust(w) for k, w in zip(TABLE, widths)) + "\n")
    for row in rows:
        out.write("".join(_fmt(row.get(k), w) for k, w in zip(TABLE, widths)) + "\n")
    out.write("seconds per stage; share = bookgen's stages / MkDocs build; peak_bg = peak RSS after "
              "bookgen's stages, peak = whole run, peak_kids = largest child (a Typst part)\n")


def bench(sizes: list[int], as_json: bool, keep: Path | None, seed: int = 1, mkdocs: bool = True,
          pdf: bool = True, out: TextIO | None = None, zensical: bool = False) -> int:
    """Run every size in its own process; print a table, or one JSON object per size. ``zensical``
    also times the second engine's build of the same docs tree (it must be installed)."""
    if zensical:
        from bookgen.zensical_site import available

        if not available():
            raise BenchError("Zensical is not installed: pip install 'bookgen[zensical]', or leave out --zensical")
    out = out or sys.stdout
    base = keep if keep is not None else Path(tempfile.mkdtemp(prefix="bookgen-bench-"))
    rows = []
    try:
        for n in sizes:
            row = _child(n, base / f"corpus-{n}", seed, mkdocs, pdf, zensical)
            rows.append(row)
            if as_json:
                out.write(json.dumps(row, sort_keys=True) + "\n")
                out.flush()
    finally:
        if keep is None:
            shutil.rmtree(base, ignore_errors=True)
    if not as_json:
        print_table(rows, out)
    return 0


if __name__ == "__main__":  # one size, in a fresh process: python -m bookgen.bench N DIR SEED MKDOCS PDF ZENSICAL
    _n, _dir, _seed, _mk, _pdf, _zen = sys.argv[1:7]
    _row = run_one(int(_n), Path(_dir), int(_seed), _mk == "1", _pdf == "1", zensical=_zen == "1")
    sys.stdout.write(json.dumps(_row, sort_keys=True) + "\n")
