"""Every command has --help; usage errors exit 2 (content errors exit 1, tested elsewhere)."""

from __future__ import annotations

import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from bookgen.cli import main


def all_commands(group: click.Group = main, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    out = [prefix]
    for name, cmd in sorted(group.commands.items()):
        if isinstance(cmd, click.Group):
            out += all_commands(cmd, prefix + (name,))
        else:
            out.append(prefix + (name,))
    return out


COMMANDS = all_commands()


def test_the_expected_commands_exist() -> None:
    names = {" ".join(c) for c in COMMANDS}
    assert {"check", "build", "serve", "diff", "pin", "quote", "new", "new source", "schema", "coverage"} <= names


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "bookgen")
def test_help(command: tuple[str, ...]) -> None:
    result = CliRunner().invoke(main, [*command, "--help"])
    assert result.exit_code == 0
    assert result.stdout.startswith("Usage: ")
    assert len(result.stdout.split("\n\n")[1].strip()) > 10  # a sentence saying what it does


@pytest.mark.parametrize("args", [
    ["no-such-command"],
    ["check", "--format", "xml"],
    ["check", "--no-such-option"],
    ["pin"],
    ["quote", "talks"],
    ["new", "source"],
    ["schema"],
    ["schema", "nope"],
    ["diff", "a", "b"],
])
def test_usage_errors_exit_2(args: list[str]) -> None:
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert "Usage:" in result.stderr and "Traceback" not in result.output


def test_usage_error_as_a_real_process() -> None:
    done = subprocess.run([sys.executable, "-m", "bookgen", "check", "--format", "xml"], capture_output=True,
                          text=True)
    assert done.returncode == 2 and done.stdout == ""
    assert "Invalid value for '--format'" in done.stderr and "Traceback" not in done.stderr


def test_pre_commit_hook_and_workflow_call_real_commands(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import shlex

    import yaml

    from hostile_support import REPO, copy_project

    [hook] = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text("utf-8"))
    workflow = (REPO / ".github" / "workflows" / "book.yml").read_text("utf-8")
    assert "bookgen check --strict --format github" in workflow and "actions/deploy-pages" in workflow
    from bookgen.commands import SITE_CACHE_DIR
    from bookgen.site import DOCS_DIR

    cached = workflow.split("uses: actions/cache@v4")[1].split("- run:")[0]  # kept between CI builds
    assert f"            {SITE_CACHE_DIR}\n" in cached and f"            {DOCS_DIR}\n" in cached
    root = copy_project(tmp_path / "book")
    args = shlex.split(hook["entry"])
    assert args[0] == "bookgen"
    result = CliRunner().invoke(main, [*args[1:], "--root", str(root)])
    assert result.exit_code == 0, result.output
