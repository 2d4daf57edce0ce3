"""Red-team items 3 and 7: source-text headings only where the source YAML lists them, and heading
ids in a namespace of their own (``h-``), so a heading can never take over a citation anchor."""

from __future__ import annotations

import hashlib
import io
import re
from pathlib import Path

from hostile_support import build, check_output, copy_project

TALKS_HEAD = "Leaders meet on the peace plan\n"


def _with_headings(root: Path, extra: str, headings: list[str]) -> None:
    seed = root / "seeds" / "talks.txt"
    text = seed.read_text("utf-8").replace(TALKS_HEAD, TALKS_HEAD + extra, 1)
    seed.write_text(text, "utf-8")
    src = root / "content" / "sources" / "talks.yaml"
    body = re.sub(r"sha256: [0-9a-f]{64}", f"sha256: {hashlib.sha256(text.encode()).hexdigest()}",
                  src.read_text("utf-8"))
    body = body.split("headings:\n")[0] + "headings:\n" + "".join(f"  - {h}\n" for h in headings)
    src.write_text(body, "utf-8")


def test_a_heading_cannot_take_over_an_annotation_or_paragraph_anchor(tmp_path: Path) -> None:
    """The issue's case: heading "A h script" and annotation ``h-script`` (anchor ``a-h-script``),
    heading "p1" and ¶1 (anchor ``p1``). Each id is defined once in the built page, by bookgen's
    anchor, and the headings get ``h-a-h-script`` and ``h-p1``."""
    root = copy_project(tmp_path / "book")
    _with_headings(root, "A h script\np1\n",
                   ["Leaders meet on the peace plan", "A h script", "p1", "Key dates", "Comments"])
    ann = root / "content" / "annotations" / "talks.yaml"
    ann.write_text(ann.read_text("utf-8").replace("id: t-meeting", "id: h-script"), "utf-8")
    for f in (root / "content").rglob("*.yaml"):
        f.write_text(f.read_text("utf-8").replace("t-meeting", "h-script"), "utf-8")
    code, out = build(root)
    assert code == 0, out
    page = (root / "site" / "sources" / "talks" / "index.html").read_text("utf-8")
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert ids.count("a-h-script") == 1 and ids.count("p1") == 1, sorted(ids)
    assert re.search(r'<a id="a-h-script"></a>', page)
    assert re.search(r'<h3 id="h-a-h-script">', page) and re.search(r'<h3 id="h-p1">', page)
    assert not [i for i in ids if re.fullmatch(r"[a-z0-9-]+", i) and i.startswith(("a-", "p", "event-", "claim-"))
                and re.search(rf'<h\d id="{i}"', page)]


def test_a_listed_heading_that_is_not_a_line_is_an_error(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "book")
    _with_headings(root, "", ["Leaders meet on the peace plan", "Key dates.", "Comments"])
    code, out = check_output(root)
    assert code == 1
    assert out == ("content/sources/talks.yaml:14:5: error: heading \"Key dates.\" is not a line of source "
                   "file 'seeds/talks.txt'; list each heading exactly as its line reads [bookgen.heading-not-found]\n"
                   "1 error(s), 0 warning(s)\n")


def test_unlisted_short_lines_are_paragraphs(tmp_path: Path) -> None:
    from bookgen.pipeline import check

    root = copy_project(tmp_path / "book")
    _with_headings(root, "", ["Key dates"])
    result = check(root, build=False)
    kinds = {b.text: b.kind for b in result.loaded.texts["talks"].blocks}
    assert kinds["Key dates"] == "heading"
    assert kinds["Leaders meet on the peace plan"] == kinds["Comments"] == "paragraph"


def test_new_source_proposes_the_headings_for_review(tmp_path: Path) -> None:
    from bookgen.editor import new_source

    root = copy_project(tmp_path / "book")
    (root / "seeds" / "report.txt").write_text("Report title\nA first sentence here.\nSection two\n"
                                               "| a | b |\nThen it ended.\n", "utf-8")
    out, err = io.StringIO(), io.StringIO()
    assert new_source(root, "seeds/report.txt", None, out, err) == 0, err.getvalue()
    body = (root / "content" / "sources" / "report.yaml").read_text("utf-8")
    assert body.endswith("headings:  # proposed: short lines not ending like a sentence; keep only real "
                         "headings\n  - Report title\n  - Section two\n")
    code, text = check_output(root)
    assert code == 0 and "error" not in text.replace("0 error(s)", ""), text  # the proposal reads back
