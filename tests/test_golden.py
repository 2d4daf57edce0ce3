"""The generated docs trees of the seed book and of the mini fixture, diffed whole against golden copies.

After an intended change to the output (content, templates or renderer), regenerate them with
``make golden`` and review the diff in git.
"""

from __future__ import annotations

import difflib

import pytest

from regenerate_golden import BOOKS, GOLDEN, REGENERATE, GoldenError, golden_files, render_docs

MAX_DIFF_LINES = 400


def tree_diff(expected: dict[str, bytes], actual: dict[str, bytes]) -> str:
    """A report of missing, extra and differing files, with a unified diff of each difference."""
    out: list[str] = []
    missing = sorted(set(expected) - set(actual))
    extra = sorted(set(actual) - set(expected))
    changed = sorted(p for p in set(expected) & set(actual) if expected[p] != actual[p])
    out += [f"missing (in golden, not generated): {p}" for p in missing]
    out += [f"extra (generated, not in golden): {p}" for p in extra]
    for p in changed:
        out.append(f"differs: {p}")
        a = expected[p].decode("utf-8", "replace").splitlines(keepends=True)
        b = actual[p].decode("utf-8", "replace").splitlines(keepends=True)
        out.extend(line.rstrip("\n") for line in
                   difflib.unified_diff(a, b, f"golden/{p}", f"generated/{p}", n=2))
    if len(out) > MAX_DIFF_LINES:
        out = out[:MAX_DIFF_LINES] + [f"... ({len(out) - MAX_DIFF_LINES} more lines)"]
    return "\n".join(out)


@pytest.mark.parametrize("name", sorted(BOOKS))
def test_docs_tree_matches_golden(name: str) -> None:
    expected = golden_files(GOLDEN / name)
    assert expected, f"no golden tree at tests/golden/{name}; create it with: {REGENERATE}"
    try:
        actual = render_docs(BOOKS[name])
    except GoldenError as exc:
        pytest.fail(str(exc), pytrace=False)
    report = tree_diff(expected, actual)
    assert not report, (f"the generated docs tree differs from tests/golden/{name}:\n{report}\n\n"
                        f"If the change is intended, regenerate the golden trees with: {REGENERATE}")


def test_tree_diff_reports_missing_extra_and_changed_files() -> None:
    report = tree_diff({"a.md": b"one\n", "b.md": b"x\n"}, {"a.md": b"two\n", "c.md": b"y\n"})
    assert "missing (in golden, not generated): b.md" in report
    assert "extra (generated, not in golden): c.md" in report
    assert "differs: a.md" in report and "-one" in report and "+two" in report
    assert tree_diff({"a.md": b"same"}, {"a.md": b"same"}) == ""


def test_rendering_is_reproducible() -> None:
    """Same inputs, same bytes: two renderings of the mini book are identical."""
    assert render_docs(BOOKS["mini-docs"]) == render_docs(BOOKS["mini-docs"])
