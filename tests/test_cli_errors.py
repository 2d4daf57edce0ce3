"""One fixture per content-mistake kind: ``bookgen check`` prints exactly the expected problems.

Each ``tests/fixtures/errors/<case>/`` holds ``project/`` (files laid over a copy of the mini
project: the bad input), an optional ``args`` file (extra options for ``bookgen check``) and
``expected.txt``: what ``check`` prints on stdout and stderr, and its exit code. The run must not
raise (no traceback) and must not write anything into the project.

Regenerate the expected files (then review the diff!) with
``BOOKGEN_REGEN=1 python -m pytest tests/test_cli_errors.py``.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from bookgen.cli import main
from hostile_support import REPO, copy_project

CASES = REPO / "tests" / "fixtures" / "errors"
CASE_NAMES = sorted(p.name for p in CASES.iterdir() if (p / "project").is_dir())


def _snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def run_case(tmp_path: Path, name: str) -> str:
    case = CASES / name
    root = copy_project(tmp_path / "book")
    shutil.copytree(case / "project", root, dirs_exist_ok=True)
    args = (case / "args").read_text("utf-8").split() if (case / "args").is_file() else []
    before = _snapshot(root)
    result = CliRunner().invoke(main, ["check", "--root", str(root), *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert _snapshot(root) == before, "check wrote into the project"
    parts = []
    if result.stdout:
        parts.append("[stdout]\n" + result.stdout)
    if result.stderr:
        parts.append("[stderr]\n" + result.stderr)
    parts.append(f"[exit {result.exit_code}]\n")
    return "".join(parts)


@pytest.mark.parametrize("name", CASE_NAMES)
def test_error_case_prints_exactly(tmp_path: Path, name: str) -> None:
    got = run_case(tmp_path, name)
    expected_file = CASES / name / "expected.txt"
    if os.environ.get("BOOKGEN_REGEN"):
        expected_file.write_text(got, "utf-8")
    assert got == expected_file.read_text("utf-8")
    assert "Traceback" not in got


def test_every_error_kind_has_a_case() -> None:
    """The content mistakes of issues 2, 4 and 17 each have a fixture that shows their code."""
    wanted = {"quote-not-found", "quote-ambiguous", "quote-across-paragraphs", "unknown-id", "duplicate-id",
              "schema", "bad-date", "annotations-source-mismatch", "parent-cycle", "citation-changed",
              "citation-lost", "citation-moved", "source-changed", "unused-actor", "unused-issue",
              "unused-source", "annotation-unlinked", "paragraph-unaccounted",
              # issue 17: voice, status accounts, inferred notes
              "voice-needs-speaker", "inferred-unset", "status-per-disputed", "voice-third-person",
              "voice-no-saying"}
    shown = {code for name in CASE_NAMES
             for code in _codes((CASES / name / "expected.txt").read_text("utf-8"))}
    assert wanted <= shown, wanted - shown


def _codes(text: str) -> set[str]:
    return {part.split("]")[0] for part in text.split("[bookgen.")[1:]}


@pytest.mark.parametrize("name", [n for n in CASE_NAMES if not n.startswith(("warnings", "citation-moved", "source-changed",
                                                                                   "format-"))])
def test_error_cases_exit_1_with_text_lines(name: str) -> None:
    expected = (CASES / name / "expected.txt").read_text("utf-8")
    assert expected.endswith("[exit 1]\n")
    lines = expected.split("[stderr]\n", 1)[1].splitlines()[:-2]
    assert lines and all(": error: " in line or ": warning: " in line for line in lines), lines


def test_json_format_is_a_list_of_problems() -> None:
    expected = (CASES / "format-json" / "expected.txt").read_text("utf-8")
    body = expected.split("[stdout]\n", 1)[1].rsplit("[exit", 1)[0]
    items = json.loads(body)
    assert {"path", "line", "col", "severity", "message", "code"} == set(items[0])
    assert [i["severity"] for i in items].count("error") == len(items)
