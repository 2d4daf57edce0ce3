"""Hostile ids — as file names, as ``id:`` values and as references — are refused with the rule stated.

Ids become file and folder names and URLs, so path traversal, absolute paths, Windows device names,
upper case, look-alike or differently normalised Unicode, a trailing newline (``re.match(...$)``
accepts ``"ok\\n"``) and over-long ids must all fail. Messages show odd characters as ``\\uXXXX`` so
nothing in them can hide or break the one-line ``path:line:col`` format.
Expected outputs: ``tests/fixtures/hostile/ids/*.out`` (regenerate with ``BOOKGEN_REGEN=1``, review).
"""

from __future__ import annotations

import json
import os
import unicodedata
from pathlib import Path

import pytest

from hostile_support import HOSTILE, check_output, copy_project
from bookgen.ids import ID_MAX, ID_RULE, id_problem

CASES_DIR = HOSTILE / "ids"

BAD = {
    "traversal": "../x",
    "absolute": "/etc/passwd",
    "windows-con": "con",
    "windows-nul": "nul",
    "windows-com1": "com1",
    "upper": "Alpha",
    "cyrillic-a": "\u0430lpha",
    "ligature": "\ufb01x",
    "nfd-accent": unicodedata.normalize("NFD", "caf\u00e9"),
    "nfc-accent": "caf\u00e9",
    "trailing-newline": "ok\n",
    "rtl-override": "x\u202ey",
    "too-long": "a" * (ID_MAX + 1),
    "empty": "",
    "double-hyphen": "a--b",
    "underscore": "a_b",
    "space": "a b",
}
GOOD = ["a", "alpha", "security-guarantees", "x" * ID_MAX, "2025", "con-talks", "com10"]


def expected(name: str, got: str) -> str:
    path = CASES_DIR / f"{name}.out"
    if os.environ.get("BOOKGEN_REGEN"):
        CASES_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(got, "utf-8")
    return path.read_text("utf-8")


@pytest.mark.parametrize("value", GOOD)
def test_good_ids(value: str) -> None:
    assert id_problem(value) is None


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_id_states_the_rule_on_one_line(case: str) -> None:
    why = id_problem(BAD[case])
    assert why is not None and why.endswith(ID_RULE)
    assert why.isprintable() and "\n" not in why and "\u202e" not in why


def test_id_messages() -> None:
    got = "".join(f"{case}: {id_problem(BAD[case])}\n" for case in sorted(BAD))
    assert got == expected("messages", got)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "book")


def test_bad_file_names(project: Path) -> None:
    """Every content file's name is its id; a bad name is refused before the file is read."""
    folder = project / "content" / "actors"
    for case, value in sorted(BAD.items()):
        if "/" in value or not value:
            continue  # not possible as a file name
        (folder / f"{value}.yaml").write_text("name: Gamma\nkind: person\n", "utf-8")
    (folder / "gamma.yml").write_text("name: Gamma\nkind: person\n", "utf-8")
    code, out = check_output(project)
    assert code == 1
    assert out.isprintable() or all(line.isprintable() for line in out.splitlines())
    assert out == expected("file-names", out)


def test_bad_ids_inside_content(project: Path) -> None:
    """Annotation ids and references to actors follow the same rule, trailing newline included."""
    values = [v for _, v in sorted(BAD.items())]
    event = {"title": "Hostile ids", "date": "2025-12-28", "status": "happened", "place": "unknown",
             "actors": values, "issues": ["peace-plan"],
             "summary": {"text": "Ids.", "cite": ["t-meeting"]}}
    (project / "content" / "events" / "hostile-ids.yaml").write_text(
        json.dumps(event, indent=1, ensure_ascii=False), "utf-8")  # characters written as themselves
    anns = json.loads(json.dumps({"source": "other", "annotations": [
        {"id": v, "kind": "assessment", "quote": "the report said", "note": "N.", "date": "2025-12-29"}
        for v in values]}))
    (project / "content" / "annotations" / "other.yaml").write_text(
        json.dumps(anns, indent=1, ensure_ascii=False), "utf-8")
    code, out = check_output(project)
    assert code == 1
    assert all(line.isprintable() for line in out.splitlines())
    assert out == expected("values", out)
