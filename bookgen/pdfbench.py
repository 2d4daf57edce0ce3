"""Benchmark of the PDF briefing: seconds and peak memory for the seed book and a ~500-page book.

    python -m bookgen.pdfbench [--root .] [--sources 96]

Each book runs in a fresh Python process. Typst runs in child processes of that one (see
:mod:`bookgen.pdf`), so the peak reported is the larger of the process's own and its largest
child's (``ru_maxrss``); CPU seconds (own + children) are printed too, since wall time on a
shared machine says little. The synthetic book comes from :mod:`bookgen.synth` (about 5.2 PDF pages
per source; 96 sources give roughly 500 pages). Only figures are printed: no assertion on time.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent


def measure(root: Path, templates: Path) -> dict[str, object]:
    """Check, render and make the PDF of the project at ``root``, in this process."""
    from pypdf import PdfReader

    from bookgen.pdf import content_version, render_pdf
    from bookgen.pipeline import check
    from bookgen.render import render_pages

    result = check(root)
    if result.book is None:
        raise SystemExit(result.problems.render())
    pages = render_pages(result.book, templates)
    with tempfile.TemporaryDirectory(prefix="bookgen-pdfbench-out-") as tmp:
        out = Path(tmp) / "briefing.pdf"
        before = resource.getrusage(resource.RUSAGE_SELF)
        t0 = time.perf_counter()
        render_pdf(result.book, pages, out, version=content_version(root, result.book))
        seconds = time.perf_counter() - t0
        me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (me.ru_utime - before.ru_utime) + (me.ru_stime - before.ru_stime) + kids.ru_utime + kids.ru_stime
        own, child = me.ru_maxrss / 1024, kids.ru_maxrss / 1024
        return {"seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2), "peak_mib": round(max(own, child)),
                "own_mib": round(own), "typst_mib": round(child), "pdf_pages": len(PdfReader(str(out)).pages),
                "pdf_mib": round(out.stat().st_size / 2**20, 1), "md_pages": len(pages)}


def _child(args: list[str]) -> dict[str, object]:
    proc = subprocess.run([sys.executable, "-m", "bookgen.pdfbench", "--one", *args], capture_output=True,
                          text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"benchmark run failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--root", type=Path, default=PROJECT, help="the seed book's project folder")
    parser.add_argument("--sources", type=int, default=96, help="sources in the synthetic book")
    parser.add_argument("--one", nargs=2, metavar=("ROOT", "TEMPLATES"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(measure(Path(args.one[0]), Path(args.one[1]))))
        return 0
    templates = str(PROJECT / "templates")
    rows = [("seed book", _child([str(args.root.resolve()), templates]))]
    with tempfile.TemporaryDirectory(prefix="bookgen-pdfbench-") as tmp:
        from bookgen.synth import write_corpus

        write_corpus(Path(tmp), args.sources, 1)
        rows.append((f"synthetic, {args.sources} sources", _child([tmp, templates])))
    for name, r in rows:
        print(f"{name:28} {r['pdf_pages']:>4} pages  {r['seconds']:>6.2f} s wall ({r['cpu_seconds']} s CPU)  "
              f"peak {r['peak_mib']:>5} MiB "
              f"(Typst {r['typst_mib']} MiB, bookgen {r['own_mib']} MiB)  {r['pdf_mib']} MiB PDF")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
