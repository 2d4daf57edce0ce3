"""The ``bookgen`` command line: it only parses options and calls :mod:`bookgen.commands`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from bookgen import commands
from bookgen.pipeline import check as run_check

PAPER_OPTION = click.option("--paper", type=click.Choice(["a4", "letter"]), default="a4", show_default=True,
                            help="Paper size of the PDF briefing.")
ROOT_OPTION = click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=".",
                           show_default=True, help="The project folder (holding content/, seeds/, mkdocs.yml).")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="bookgen")
def main() -> None:
    """Build a cross-linked briefing book (website and PDF) from annotated sources."""


@main.command("check")
@ROOT_OPTION
@click.option("--format", "fmt", type=click.Choice(["text", "github", "json"]), default="text",
              show_default=True, help="How to print problems.")
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
def check_cmd(root: Path, fmt: str, strict: bool) -> None:
    """Load, validate and anchor all content; print every problem; exit 1 on errors."""
    result = run_check(root.resolve())
    commands.report(result, fmt, out=sys.stdout if fmt != "text" else sys.stderr)
    failed = result.problems.errors or (strict and result.problems.warnings)
    if fmt == "text" and not result.problems.items:
        click.echo("ok: no problems", err=True)
    sys.exit(1 if failed else 0)


@main.command("build")
@ROOT_OPTION
@click.option("--strict", is_flag=True, help="Fail on content warnings too.")
@PAPER_OPTION
@click.option("--full", is_flag=True, help="Also make the whole book's PDF (site/book.pdf, linked from the home "
              "page); it grows with the book, the brief does not.")
@click.option("--clean", is_flag=True, help="Render every page of the site, none from the page cache.")
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="The page cache of incremental builds (keep it between CI runs).  [default: build/site-cache]")
@click.option("--engine", type=click.Choice(["mkdocs", "zensical"]), default="mkdocs", show_default=True,
              help="The site generator: MkDocs + Material, or Zensical (pip install 'bookgen[zensical]'; "
              "no page cache: it keeps its own).")
def build_cmd(root: Path, strict: bool, paper: str, full: bool, clean: bool, cache_dir: Path | None,
              engine: str) -> None:
    """Check content, write the Markdown docs tree and build the website (with the brief, site/briefing.pdf) into site/.

    Only the pages whose content changed since the last build are rendered again (the rest come
    from the page cache); the site is byte for byte what a clean build makes."""
    try:
        with commands.sigterm_as_interrupt():
            code = commands.build(commands.Paths(root.resolve()), strict=strict, out=sys.stderr, paper=paper,
                                  full=full, clean=clean, cache_dir=cache_dir.resolve() if cache_dir else None,
                                  engine=engine)
    except KeyboardInterrupt:
        click.echo("interrupted: site/ holds the last complete build, nothing half-written", err=True)
        sys.exit(130)
    sys.exit(code)


@main.command("pdf")
@ROOT_OPTION
@PAPER_OPTION
@click.option("--out", "target", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Where to write the PDF.  [default: site/briefing.pdf]")
@click.option("--full", is_flag=True, help="The whole book, laid out for print and compiled in parts so memory "
              "stays bounded at any size.  [default path: site/book.pdf]")
def pdf_cmd(root: Path, paper: str, target: Path | None, full: bool) -> None:
    """Check content and make the printed briefing (PDF) alone; a failure keeps the previous PDF."""
    paths = commands.Paths(root.resolve())
    sys.exit(commands.pdf(paths, paper, target.resolve() if target else None, out=sys.stderr, full=full))


@main.command("serve")
@ROOT_OPTION
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, help="Port to listen on.")
def serve_cmd(root: Path, host: str, port: int) -> None:
    """Serve the site locally, regenerating pages on any change to content/, seeds/ or templates/."""
    sys.exit(commands.serve(commands.Paths(root.resolve()), host, port, out=sys.stderr))


# --- review and editor aids (bookgen.reviewdiff, bookgen.editor) ---

@main.command("diff")
@ROOT_OPTION
@click.argument("rev", required=False)
@click.option("--stat", "stat_only", is_flag=True, help="Only list added, removed and changed pages.")
def diff_cmd(root: Path, rev: str | None, stat_only: bool) -> None:
    """Show which pages change between REV (default: merge base with main) and the working tree."""
    from bookgen.reviewdiff import review_diff

    sys.exit(review_diff(root, rev, sys.stdout, sys.stderr, stat_only))


@main.command("pin")
@ROOT_OPTION
@click.argument("source")
def pin_cmd(root: Path, source: str) -> None:
    """Accept SOURCE's current text after review: update its sha256 and its copy in pins/."""
    from bookgen.editor import pin

    sys.exit(pin(root.resolve(), source, sys.stdout, sys.stderr))


@main.command("quote")
@ROOT_OPTION
@click.argument("source")
@click.argument("words")
def quote_cmd(root: Path, source: str, words: str) -> None:
    """Find WORDS in SOURCE and print a ready-to-paste quote (with prefix/suffix if needed)."""
    from bookgen.editor import quote

    sys.exit(quote(root.resolve(), source, words, sys.stdout, sys.stderr))


@main.group("new")
def new_group() -> None:
    """Create content files."""


@new_group.command("source")
@ROOT_OPTION
@click.argument("file")
@click.option("--id", "sid", help="Source id (default: from the file name).")
@click.option("--kind", type=click.Choice(["article", "transcript"]), default="article", show_default=True,
              help="transcript: read FILE as speaker turns with timestamps.")
def new_source_cmd(root: Path, file: str, sid: str | None, kind: str) -> None:
    """Write content/sources/<id>.yaml for FILE, pinned, with the metadata the file carries.

    FILE is a .txt under seeds/, or a saved web page (.html, .htm) or a .pdf from anywhere: its
    text is extracted into seeds/<id>.txt and the file kept as seeds/originals/<id>.<ext>."""
    from bookgen.editor import new_source

    sys.exit(new_source(root.resolve(), file, sid, sys.stdout, sys.stderr, kind))


def _scaffold_command(kind: str) -> None:
    @new_group.command(kind, help=f"Write content/{kind}s/ID.yaml with the required fields of {'an' if kind[0] in 'aeiou' else 'a'} "
                       f"{kind}, empty: `bookgen check` rejects it until they are filled.")
    @ROOT_OPTION
    @click.argument("entity_id", metavar="ID")
    def command(root: Path, entity_id: str) -> None:
        from bookgen.scaffold import new_entity

        sys.exit(new_entity(root.resolve(), kind, entity_id, sys.stdout, sys.stderr))


for _kind in ("actor", "issue", "event", "claim"):
    _scaffold_command(_kind)


@main.command("schema")
@click.argument("kind", required=False, type=click.Choice(["source", "actor", "issue", "event", "claim",
                                                           "annotations"]))
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Write every schema into this folder (e.g. schemas/).")
def schema_cmd(kind: str | None, out_dir: Path | None) -> None:
    """Print the JSON Schema of KIND, or write all of them with --out (for YAML-aware editors)."""
    from bookgen.editor import export_schemas

    if (kind is None) == (out_dir is None):
        raise click.UsageError("give a KIND or --out DIR")
    sys.exit(export_schemas(out_dir, kind, sys.stdout))


@main.command("coverage")
@ROOT_OPTION
def coverage_cmd(root: Path) -> None:
    """Per source: paragraphs cited, left out, and neither."""
    from bookgen.editor import coverage_report

    result = run_check(root.resolve())
    if result.book is None:
        commands.report(result, out=sys.stderr)
        sys.exit(1)
    coverage_report(result.book, sys.stdout)
    sys.exit(0)


@main.command("bench")
@click.option("--sources", "sizes", default="100,1000", show_default=True,
              help="Comma-separated corpus sizes (number of synthetic sources).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per size instead of a table.")
@click.option("--keep", type=click.Path(file_okay=False, path_type=Path),
              help="Keep the corpora in this folder (e.g. bench-corpora/); default: a temp folder, removed.")
@click.option("--seed", default=1, show_default=True, help="Seed of the synthetic corpus.")
@click.option("--skip-mkdocs", is_flag=True, help="Do not time the MkDocs build.")
@click.option("--zensical", is_flag=True, help="Also time the same site built with Zensical (key 'zensical').")
@click.option("--skip-pdf", is_flag=True, help="Do not time the full book's PDF (compiled in parts, two Typst "
              "children at a time; its memory does not grow with the book, its time does).")
def bench_cmd(sizes: str, as_json: bool, keep: Path | None, seed: int, skip_mkdocs: bool, skip_pdf: bool,
              zensical: bool) -> None:
    """Time every stage (and peak memory) on synthetic corpora of the given sizes."""
    from bookgen.bench import BenchError, bench

    try:
        numbers = [int(s) for s in sizes.split(",") if s.strip()]
    except ValueError:
        raise click.UsageError(f"--sources takes whole numbers separated by commas, not '{sizes}'") from None
    if not numbers or min(numbers) < 1:
        raise click.UsageError("--sources needs at least one size, each 1 or more")
    try:
        sys.exit(bench(numbers, as_json, keep.resolve() if keep else None, seed, not skip_mkdocs, not skip_pdf,
                       zensical=zensical))
    except BenchError as exc:
        raise click.ClickException(str(exc)) from None


if __name__ == "__main__":  # pragma: no cover
    main()
