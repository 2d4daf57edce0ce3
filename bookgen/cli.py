"""The ``bookgen`` command line: it only parses options and calls :mod:`bookgen.commands`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from bookgen import commands
from bookgen.pipeline import check as run_check

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
def build_cmd(root: Path, strict: bool) -> None:
    """Check content, write the Markdown docs tree and build the website into site/."""
    try:
        with commands.sigterm_as_interrupt():
            code = commands.build(commands.Paths(root.resolve()), strict=strict)
    except KeyboardInterrupt:
        click.echo("interrupted: site/ holds the last complete build, nothing half-written", err=True)
        sys.exit(130)
    sys.exit(code)


@main.command("serve")
@ROOT_OPTION
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, help="Port to listen on.")
def serve_cmd(root: Path, host: str, port: int) -> None:
    """Serve the site locally, regenerating pages on any change to content/, seeds/ or templates/."""
    sys.exit(commands.serve(commands.Paths(root.resolve()), host, port))


if __name__ == "__main__":  # pragma: no cover
    main()
