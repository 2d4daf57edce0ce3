"""Text in other scripts reaches the PDF whole, or the PDF is not made and the error says where.

The fixture tests/fixtures/scripts adds to the mini book a source quoting a Chinese, an Arabic, a
Greek and a Ukrainian passage, each cited by an annotation.
"""

from __future__ import annotations

import hashlib
import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import make_project
from bookgen import commands
from bookgen import pdf as P
from bookgen.fonts import FontSet
from bookgen.pipeline import check
from bookgen.render import render_pages
from bookgen.typst_markup import text

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils missing; `make test-deps`")
FIXTURES = Path(__file__).resolve().parent / "fixtures"
PASSAGES = ["和平协议的谈判仍在继续", "الضمانات الأمنية هي القضية الرئيسية", "Μια συμφωνία που δεν έχει κλείσει ακόμη",
            "Київ чекає на гарантії безпеки"]
BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def scripts_project(tmp_path: Path) -> Path:
    root = make_project(tmp_path, FIXTURES / "mini")
    shutil.copytree(FIXTURES / "scripts", root, dirs_exist_ok=True)
    return root


def _pdftotext(pdf: Path) -> str:
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True)
    return BIDI_CONTROLS.sub("", out.stdout)


def _words(text_: str) -> str:
    return " ".join(text_.replace("\u00ad", "").split())


def test_chinese_arabic_greek_ukrainian_passages_round_trip(tmp_path: Path) -> None:
    root = scripts_project(tmp_path)
    result = check(root)
    assert result.book is not None and not result.problems.errors, result.problems.render()
    out = root / "site" / "briefing.pdf"
    P.render_pdf(result.book, render_pages(result.book, root / "templates"), out)
    extracted = _words(_pdftotext(out))
    for passage in PASSAGES:
        # each is printed twice at least: in its footnote and in the source's text in Appendix A
        assert extracted.count(passage) >= 2, (passage, extracted[:3000])
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True).stdout
    assert "NotoSansCJKsc" in fonts and "Amiri" in fonts and "NotoSerif" in fonts and "DejaVu" not in fonts


def test_right_to_left_runs_are_isolated_and_set_in_their_language() -> None:
    markup = text("The daily wrote الضمانات الأمنية 95% (28 Dec), Source 3, ¶4; 和平 Ελλάδα Київ і Україна.")
    assert '#text(lang: "ar", "\u2067الضمانات الأمنية\u2069");' in markup
    assert '#" 95% (28 Dec), Source 3, ¶4; ";' in markup  # neighbours stay outside the run
    assert '#text(lang: "zh", "和平");' in markup and '#text(lang: "el", "Ελλάδα");' in markup
    assert '#text(lang: "uk", "Київ і Україна");' in markup
    assert text("Plain English, café.") == '#"Plain English, café.";'


def test_fonts_cover_every_script_of_the_book() -> None:
    fonts = FontSet()
    assert fonts.missing("".join(PASSAGES) + "שלום עולם “quoted” – ¶ → …") == []
    assert fonts.missing("Linear B 𐀀 and a face 🙂") == ["\U00010000", "\U0001f642"]


def test_a_character_no_font_has_fails_the_pdf_and_names_each_place(tmp_path: Path) -> None:
    root = scripts_project(tmp_path)
    seed = root / "seeds" / "world.txt"
    seed.write_text(seed.read_text("utf-8").replace("and moved on.", "and moved on 𐀀."), "utf-8")
    source = root / "content" / "sources" / "world.yaml"
    digest = hashlib.sha256(seed.read_bytes()).hexdigest()
    source.write_text(re.sub(r"sha256: \w+", f"sha256: {digest}", source.read_text("utf-8")), "utf-8")
    notes = root / "content" / "annotations" / "world.yaml"
    notes.write_text(notes.read_text("utf-8").replace("go on.", "go on 🙂, twice 🙂."), "utf-8")
    (root / "site").mkdir()
    (root / "site" / "book.pdf").write_bytes(b"%PDF previous")
    out = io.StringIO()
    code = commands.pdf(commands.Paths(root), out=out, full=True)  # the source text is in the full book
    assert code == 1
    assert out.getvalue().splitlines() == [
        "content/annotations/world.yaml:6:75: error: no font has a glyph for '🙂' (U+1F642) (1 more in this file); "
        "the PDF would print a blank box: leave it out, or write it in words [bookgen.pdf-missing-glyph]",
        "seeds/world.txt:4:82: error: no font has a glyph for '𐀀' (U+10000); the PDF would print a blank box: "
        "leave it out, or write it in words [bookgen.pdf-missing-glyph]",
        "error: PDF not made, previous PDF kept: fix the errors above first",
    ]
    assert (root / "site" / "book.pdf").read_bytes() == b"%PDF previous"
