"""The Markdown -> Typst renderer: text stays text, structure becomes Typst calls."""

from __future__ import annotations

import posixpath
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from bookgen.typst_markup import PageRenderer, Target, label_name, parse, string, text

HOSTILE = [
    '#read(".env")', "$x^2$", "*bold* _em_", "@ref <label>", "[content]", "`raw`", "\\ back\\slash",
    "= heading", "- item", "+ item", "1. item", "// comment", "/* block */", "https://example.org/x",
    '"quotes" \'single\'', "... -- --- -5 ~", "#let x = 1", "#{ panic() }", "<a id=x>", "term: value",
]


class _Nowhere:
    def resolve(self, page: str, href: str) -> Target | None:
        path = posixpath.normpath(posixpath.join(posixpath.dirname(page), href.split("#")[0]))
        return Target(label=label_name(path)) if path.endswith(".md") else None


def _compile_text(markup: str, tmp_path: Path) -> str:
    import typst

    doc = tmp_path / "t.typ"
    doc.write_text('#set page(width: 40cm, height: auto)\n#set text(font: "Libertinus Serif")\n' + markup, "utf-8")
    pdf = typst.compile(str(doc), root=str(tmp_path), ignore_system_fonts=True)
    out = tmp_path / "t.pdf"
    out.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(out), "-"], capture_output=True,
                          text=True, check=True).stdout


needs_pdftotext = pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext (poppler-utils) missing")


@needs_pdftotext
def test_hostile_strings_print_literally(tmp_path: Path) -> None:
    printed = _compile_text("\n\n".join(text(h) for h in HOSTILE), tmp_path)
    lines = [ln.strip() for ln in printed.splitlines() if ln.strip()]
    assert lines == HOSTILE


@needs_pdftotext
@settings(max_examples=25, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), min_size=1, max_size=40))
def test_any_ascii_text_prints_as_typed(tmp_path_factory, value: str) -> None:
    printed = _compile_text(text(value), tmp_path_factory.mktemp("t"))
    assert " ".join(printed.split()) == " ".join(value.split())


def test_string_literal_escapes_only_what_strings_need() -> None:
    assert string('a"b\\c\nd') == '"a\\"b\\\\c\\nd"'
    assert text("") == ""


def test_label_names_are_typst_label_syntax() -> None:
    assert label_name("issues/security-guarantees.md") == "issues:security-guarantees"
    assert label_name("sources/x.md#a-c003-trump-95") == "sources:x:a-c003-trump-95"
    assert label_name("2025/..md") .startswith("x")
    assert all(c.isalnum() or c in "_.:-" for c in label_name('a b/<c>#"d"'))


def _render(markdown: str, page: str = "issues/x.md") -> str:
    return PageRenderer(page, _Nowhere(), set(), 1, None, label_name(page)).render(parse(markdown))


def test_markdown_structure_becomes_typst_calls() -> None:
    out = _render("# Title\n\nSome *em* and **strong**.\n\n- one\n- two\n\n| A | B |\n|---|---|\n| 1 | 2 |\n")
    assert out.startswith('#heading(level: 2)[#"Title";] <issues:x>')
    assert '#emph[#"em";]' in out and '#strong[#"strong";]' in out
    assert out.count("#bullet[") == 2
    assert "#table(columns: (" in out and 'table.header([#"A";], [#"B";])' in out


def test_wide_tables_print_as_one_block_per_row() -> None:
    head = "| Actor | " + " | ".join(f"I{i}" for i in range(8)) + " |\n|" + "---|" * 9 + "\n"
    out = _render(head + "| Beta | — | holds *x* | — | — | — | — | — | — |\n")
    assert "#table" not in out and out.count("#card[") == 1
    assert '#strong[#"I1";:]' in out and "I0" not in out  # empty cells are left out


def test_tables_with_footnotes_print_in_pieces_each_with_the_header() -> None:
    from bookgen.typst_markup import CITED_ROWS

    head = "| When | What |\n|---|---|\n"
    said = "said " + "more " * 30  # over SHORT_TABLE in all: a short table stays whole (below)
    rows = "".join(f"| {i} | {said}{i}.[^n{i}] |\n" for i in range(CITED_ROWS * 2 + 1))
    notes = "".join(f"\n[^n{i}]: Note {i}.\n" for i in range(CITED_ROWS * 2 + 1))
    out = _render(head + rows + notes)
    assert out.count("#table(") == 3 and out.count('table.header([#"When";], [#"What";])') == 3
    assert [piece.count("#footnote[") for piece in out.split("#table(")[1:]] == [7, 7, 7]  # even pieces
    assert out.count("#footnote[") == CITED_ROWS * 2 + 1
    plain = _render(head + "".join(f"| {i} | said {i}. |\n" for i in range(CITED_ROWS * 3)))
    assert plain.count("#table(") == 1  # no footnotes: one table, Typst repeats its header
    from bookgen.typst_markup import PLAIN_ROWS

    long = _render(head + "".join(f"| {i} | said {i}. |\n" for i in range(PLAIN_ROWS * 2 + 1)))
    assert long.count("#table(") == 3  # a long one in pieces, between which a part may be cut


def test_column_widths_keep_short_columns_whole() -> None:
    from bookgen.typst_markup import column_widths

    rows = [["Figure", "Stated by", "Note"], ["4 years", "Volodymyr Zelensky", "x " * 120]]
    sizes = column_widths(rows, 3).split(", ")
    assert sizes[0].endswith("%") and sizes[1].endswith("%") and sizes[2].endswith("fr")
    assert float(sizes[1][:-1]) >= len("Volodymyr Zelensky")


def test_links_become_page_references_once_per_page() -> None:
    out = _render("[Alpha](../actors/alpha.md) and [Alpha](../actors/alpha.md) again.")
    assert out.count("#pageref(<actors:alpha>)") == 1


def test_footnotes_repeat_their_number_within_a_page() -> None:
    out = _render("A.[^n] B.[^n]\n\n[^n]: The note.\n")
    assert out.count("#footnote[") == 1 and out.count("#footnote(<fn:issues:x:1>)") == 1


def test_raw_html_is_dropped_but_its_text_kept() -> None:
    out = _render('<a class="pn" id="p3" href="#p3">¶3</a> <mark>hi</mark> <span onclick="x()">kept</span>')
    assert "#metadata(none) <issues:x:p3>" in out
    assert '#strong[#"¶3";]' in out and '#highlight[#"hi";]' in out and '#"kept";' in out
    assert "onclick" not in out
    block = _render("<div onclick=\"x\">\n<b>inside</b>\n</div>\n")
    assert '#"inside";' in block and "onclick" not in block


def test_front_matter_is_ignored() -> None:
    assert "tags" not in _render("---\ntags: [a]\n---\n\nText.\n")


def test_screen_only_words_and_sections_are_left_out_of_print() -> None:
    from bookgen.typst_markup import PageRenderer, parse

    class NoLinks:
        def resolve(self, page: str, href: str):
            return None

    md = ("# Page\n\nFollow <span class=\"web-only\">or hover </span>the note.\n\n<!-- web-only -->\n\n"
          "## Filter\n\nBy issue: a, b.\n\n### Sub\n\nstill filter\n\n## Kept\n\nText.\n")
    out = PageRenderer("p.md", NoLinks(), set()).render(parse(md))
    assert "or hover" not in out and "Filter" not in out and "By issue" not in out and "still filter" not in out
    assert '#"Follow ";' in out and '#"the note.";' in out and "Kept" in out and "Text." in out


def _in_order(pages: dict[str, str]) -> list[str]:
    """Render ``pages`` in order, sharing one NoteBook (as the PDF does)."""
    from bookgen.typst_markup import NoteBook

    book, defined = NoteBook(), set()
    return [PageRenderer(p, _Nowhere(), defined, 1, None, label_name(p), notebook=book).render(parse(md))
            for p, md in pages.items()]


def test_a_passage_cited_twice_gets_one_footnote_and_one_reference_back() -> None:
    note = "[^q]: “The words” — Source, ¶4.\n"
    first, second = _in_order({"issues/a.md": f"Said it.[^q]\n\n{note}",
                              "issues/b.md": f"Said it again.[^r]\n\n{note.replace('[^q]', '[^r]')}"})
    assert first.count("#footnote[") == 1 and "#seenote" not in first
    assert second.count("#footnote") == 0 and second.count("#seenote((1,))") == 1


def test_a_run_of_citations_prints_new_notes_then_the_notes_it_refers_back_to() -> None:
    sep = '<sup class="fn-sep">,</sup>'
    notes = "".join(f"[^{k}]: Note {k}.\n\n" for k in "abc")
    first, second = _in_order({"dates/1.md": f"One.[^a]{sep}[^b]\n\n{notes}",
                              "dates/2.md": f"Two.[^b]{sep}[^c]{sep}[^a]\n\n{notes}"})
    assert first.count("#footnote[") == 2 and ']<fn:dates:1:1>#",";#footnote[' in first  # no space
    assert second.count("#footnote[") == 1 and second.endswith("#seenote((2, 1,))")
    assert '#",";' not in second  # no separator left dangling before the reference back


def test_a_page_reference_is_never_followed_by_a_space_before_a_dash() -> None:
    out = _render("[US](../actors/us.md)–[Ukraine](../actors/ua.md) talks, [US](../actors/us.md) – again.")
    assert "#pageref(<actors:us>)" not in out.split('#"–";')[0]  # glued to the dash: no "(p. N)" inside
    assert out.count("#pageref(<actors:us>)") <= 1 and out.count("#pageref(<actors:ua>)") == 1


def test_a_note_cites_its_source_by_number_or_short_name_not_by_its_title() -> None:
    class Sources:
        def __init__(self, numbered: bool) -> None:
            self.numbered = numbered

        def resolve(self, page: str, href: str) -> Target | None:
            if self.numbered:
                return Target(label="sources:s:a-x", source=(3, 4), cite=("Short", 4))
            return Target(cite=("Short", 4))

    md = ("Said.[^q]\n\n[^q]: “Words” — Trump, 28 Dec 2025; reported in "
          "[A very long title](../sources/s.md#a-x) (publication date unknown), ¶4.\n")
    for numbered, cite in ((True, '#srclink(<sources:s:a-x>)[#"Source 3, ¶4";]#".";'),
                           (False, '#emph[#"Short";]#", ¶4";#".";')):
        out = PageRenderer("issues/x.md", Sources(numbered), set()).render(parse(md))
        assert "long title" not in out and "publication date" not in out, out
        assert 'reported in ";' + cite in out, out


def test_a_short_table_is_kept_on_one_page_a_long_one_may_break() -> None:
    head = "| Issue | Status |\n|---|---|\n"
    short = _render(head + "".join(f"| Issue {i} | Open.[^n{i}] |\n" for i in range(20))
                    + "".join(f"\n[^n{i}]: Note {i}.\n" for i in range(20)))
    assert short.startswith("#block(breakable: false)[") and short.count("#table(") == 1  # one table, whole
    long = _render(head + "".join(f"| Issue {i} | {'word ' * 40} |\n" for i in range(20)))
    assert not long.startswith("#block") and long.count("#table(") == 1
