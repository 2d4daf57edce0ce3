"""Benchmark of ``bookgen serve``: seconds from saving a one-annotation edit to the served page.

    python -m bookgen.servebench [--sources 1000] [--edits 3] [--keep DIR]

Writes a synthetic corpus (:mod:`bookgen.synth`), starts ``bookgen serve`` on it in a child
process, waits for the first full build, then edits the note of one annotation several times. For
each edit it prints the seconds from writing the file to the source page served with the new
text (polled every 50 ms), and bookgen's own regeneration time as serve reports it; the rest is
MkDocs' rebuild and the poll. Only figures are printed: no assertion on time.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
_REGEN = re.compile(r"regenerated \d+ page\(s\) \((?:\d+ rendered, )?([\d.]+) s\)")


def _fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return ""


def _wait_for(url: str, wanted: str, limit: float) -> float:
    """Poll ``url`` until it contains ``wanted``; the time that took (monotonic seconds)."""
    start = time.monotonic()
    while wanted not in _fetch(url):
        if time.monotonic() - start > limit:
            raise SystemExit(f"{url} did not show {wanted!r} within {limit:.0f} s")
        time.sleep(0.05)
    return time.monotonic() - start


def prepare(root: Path, sources: int) -> None:
    from bookgen.synth import write_corpus

    if not (root / "content").is_dir():
        write_corpus(root, sources, 1)
    if not (root / "templates").is_dir():
        shutil.copytree(PROJECT / "templates", root / "templates")
    if not (root / "mkdocs.yml").is_file():
        shutil.copy2(PROJECT / "mkdocs.yml", root / "mkdocs.yml")


def run(root: Path, edits: int, first_build_limit: float = 3600) -> list[tuple[float, float | None]]:
    """(seconds to the served page, bookgen's regeneration seconds) per edit."""
    annotations = sorted((root / "content" / "annotations").glob("*.yaml"))
    target = annotations[len(annotations) // 2]
    source = target.stem
    original = target.read_text("utf-8")
    if '    note: "' not in original:
        raise SystemExit(f"{target}: no quoted note to edit")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    log = tempfile.TemporaryFile("w+", encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "bookgen", "serve", "--root", str(root), "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=log, text=True, env=dict(os.environ))
    page = f"http://127.0.0.1:{port}/sources/{source}/"
    results = []
    try:
        started = time.monotonic()
        _wait_for(page, "</html>", first_build_limit)
        print(f"first build served after {time.monotonic() - started:.1f} s", flush=True)
        time.sleep(2)  # let the watcher take its first snapshot
        for i in range(edits):
            marker = f"Servebench{i}x{int(time.time())}"
            log.seek(0, os.SEEK_END)
            seen = log.tell()
            edited = original.replace('    note: "', f'    note: "{marker} ', 1)
            target.write_text(edited, "utf-8")
            seconds = _wait_for(page, marker, 600)
            time.sleep(0.5)
            log.seek(seen)
            found = _REGEN.findall(log.read())
            results.append((seconds, float(found[-1]) if found else None))
            print(f"edit {i + 1}: page shows it after {seconds:.2f} s (bookgen's regeneration: "
                  f"{found[-1] + ' s' if found else 'not reported'})", flush=True)
            time.sleep(2)
    finally:
        target.write_text(original, "utf-8")
        proc.terminate()
        proc.wait(timeout=60)
        log.close()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sources", type=int, default=1000, help="sources in the synthetic book")
    parser.add_argument("--edits", type=int, default=3, help="edits to time, one after another")
    parser.add_argument("--keep", type=Path, help="write (or reuse) the corpus here and keep it")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bookgen-servebench-") as tmp:
        root = (args.keep or Path(tmp) / "corpus").resolve()
        prepare(root, args.sources)
        times = [t for t, _ in run(root, args.edits)]
    times.sort()
    print(f"{args.sources} sources: edit-to-page seconds, median {times[len(times) // 2]:.2f}, "
          f"max {times[-1]:.2f} over {len(times)} edits")
    return 0


if __name__ == "__main__":
    sys.exit(main())
