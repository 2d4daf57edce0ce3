"""Property tests (hypothesis) for the parts every page depends on.

- a passage cut from a source anchors back to exactly its own offsets;
- normalisation never shifts offsets in the original text;
- the YAML reader never raises: any bytes give a document or bookgen's own problems;
- escaping any string gives back the same visible text in HTML, through both Markdown readers
  (Python-Markdown as MkDocs configures it, and markdown-it-py as the PDF path configures it).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import cache

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from hostile_support import REPO, scan_html
from bookgen.anchor import QUOTES, SourceIndex, find_all, locate, normalise
from bookgen.entities import Loc
from bookgen.ids import EntityId
from bookgen.load import SourceText
from bookgen.mdtext import escape
from bookgen.problems import Problems
from bookgen.sourcetext import Block, parse_blocks
from bookgen.yamlstrict import read_yaml

SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])

# ---------------------------------------------------------------------------------------- sources
WORDS = ["the", "plan", "is", "90%", "agreed", "Alpha", "said", "“talks”", "‘close’", "—", "–", "-",
         "guarantees", "Beta", "a", "step.", "|", "key", "dates", "\u00a0", "is,", "(not)"]
line_st = st.lists(st.sampled_from(WORDS), min_size=1, max_size=12).map(" ".join)
text_st = st.lists(line_st, min_size=1, max_size=8).map(lambda ls: "\n".join(ls) + "\n")


def source(text: str) -> SourceText:
    return SourceText(EntityId("s"), "seeds/s.txt", text, hashlib.sha256(text.encode()).hexdigest(),
                      parse_blocks(text))


def draw_passage(text: str, data: st.DataObject) -> tuple[SourceText, Block, int, int]:
    """A source made of ``text``, one of its blocks, and a non-empty span [a, b) inside it."""
    src = source(text)
    assume(src.blocks)
    block = data.draw(st.sampled_from(src.blocks))
    a = data.draw(st.integers(block.start, block.end - 1))
    return src, block, a, data.draw(st.integers(a + 1, block.end))


@SETTINGS
@given(text_st, st.data())
def test_a_cut_passage_anchors_to_its_own_offsets(text: str, data: st.DataObject) -> None:
    src, block, a, b = draw_passage(text, data)
    quote = text[a:b]
    assume(quote.strip() == quote and quote)
    problems = Problems()
    found = locate(SourceIndex(src), quote, None, None, Loc("x.yaml", 1, 1), problems, "quote")
    if len(find_all(text, quote)) == 1:  # overlapping occurrences count too
        assert found is not None, problems.render()
        assert found[:2] == (a, b) and found[2].number == block.number and found[3] is True
        assert text[found[0]:found[1]] == quote
    else:  # ambiguous: refused, and the suggested context singles out this very passage
        assert found is None and problems.items[0].code == "quote-ambiguous"
        index = SourceIndex(src)
        spans = index.matches(quote)[0]
        pre, suf = index.shortest_context((a, b), spans)
        if pre or suf:
            again = locate(index, quote, pre or None, suf or None, Loc("x.yaml", 1, 1), Problems(), "q")
            assert again is not None and again[:2] == (a, b)


def _straighten(s: str) -> str:
    return "".join(QUOTES.get(ch, "-" if ch in "\u2013\u2014" else ch) for ch in s)


@SETTINGS
@given(text_st, st.data())
def test_a_retyped_passage_anchors_to_the_original_offsets(text: str, data: st.DataObject) -> None:
    """Typed with straight quotes and hyphens, a passage still maps to its offsets in the original."""
    src, _, a, b = draw_passage(text, data)
    while a < b and (text[a].isspace() or text[a] in "-–—"):
        a += 1
    while b > a and (text[b - 1].isspace() or text[b - 1] in "-–—"):
        b -= 1
    quote = text[a:b]
    assume(quote)
    typed = " ".join(_straighten(quote).split())
    norm, origin = normalise(text)
    assume(len(find_all(norm, normalise(typed)[0])) == 1)
    found = locate(SourceIndex(src), typed, None, None, Loc("x.yaml", 1, 1), Problems(), "quote")
    assert found is not None and found[:2] == (a, b)


@SETTINGS
@given(st.text(alphabet=st.sampled_from(list("ab “”‘’\"'—–-\n\t\u00a0.") + ["\u2003"]), max_size=60))
def test_normalisation_never_shifts_offsets(text: str) -> None:
    norm, origin = normalise(text)
    assert len(norm) == len(origin)
    assert origin == sorted(set(origin))  # strictly increasing: order kept, nothing duplicated
    for ch, i in zip(norm, origin):
        src = text[i]
        if ch == " ":
            assert src.isspace()
        else:
            assert ch == QUOTES.get(src, "-" if src in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212" else src)
    assert all(not c.isspace() for c in text if c not in "".join(text[i] for i in origin)) or True
    # every non-space character survives, except spaces next to dashes
    assert [c for c in norm if c != " "] == [
        QUOTES.get(c, "-" if c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212" else c)
        for c in text if not c.isspace()]


# ------------------------------------------------------------------------------------------- YAML
YAML_PIECES = ["a", "b", ":", ": ", "- ", "[", "]", "{", "}", ",", "&x ", "*x", "!!str ", "!t ", "\t",
               "\n", "  ", "'", '"', "---\n", "...\n", "? ", "#", "|", ">", "\\", "%YAML 1.1\n", "\ufeff",
               "\r\n", "\x00", "\x07", "é", "\u202e", "<<: ", "~", "null", "2025-12-28", "no", "1e3"]


def _problems_ok(problems: Problems) -> None:
    for p in problems.items:
        assert p.line >= 1 and p.col >= 1 and p.code and "\n" not in p.message, p


@SETTINGS
@given(st.lists(st.sampled_from(YAML_PIECES), max_size=40).map("".join))
def test_yaml_reader_never_raises_on_yaml_like_text(text: str) -> None:
    problems = Problems()
    doc = read_yaml(text.encode("utf-8"), "x.yaml", problems)
    assert doc is not None or problems.errors
    _problems_ok(problems)
    if doc is not None:
        _only_plain_values(doc.data)


@SETTINGS
@given(st.binary(max_size=300))
def test_yaml_reader_never_raises_on_bytes(raw: bytes) -> None:
    problems = Problems()
    doc = read_yaml(raw, "x.yaml", problems)
    assert doc is not None or problems.errors
    _problems_ok(problems)


def _only_plain_values(value: object) -> None:
    """The reader yields str, None, lists and str-keyed dicts only: no dates, bools or numbers."""
    if isinstance(value, dict):
        for k, v in value.items():
            assert isinstance(k, str)
            _only_plain_values(v)
    elif isinstance(value, list):
        for v in value:
            _only_plain_values(v)
    else:
        assert value is None or isinstance(value, str)


# ------------------------------------------------------------------------------------- escaping
@cache
def _python_markdown():
    import markdown
    from mkdocs.config import load_config

    cfg = load_config(config_file=str(REPO / "mkdocs.yml"), docs_dir=str(REPO / "templates"), site_name="t")
    return markdown.Markdown(extensions=cfg["markdown_extensions"], extension_configs=cfg["mdx_configs"])


@cache
def _markdown_it():
    try:
        from bookgen.typst_markup import parser
        return parser()
    except ImportError:  # the PDF module is not there yet: the same dialect by hand
        from markdown_it import MarkdownIt
        return MarkdownIt("commonmark", {"html": True}).enable("table")


def visible(typed: str) -> str:
    """What a reader should see for ``typed``: the same characters, white space runs as one space,
    invisible control/format characters (bidi overrides included) named as [U+XXXX]."""
    out = []
    for ch in " ".join(re.split(r"\s+", typed)).strip():
        cat = unicodedata.category(ch)
        out.append(f"[U+{ord(ch):04X}]" if cat in ("Cc", "Cf", "Co", "Cs") and ch != "\u00ad" else ch)
    return " ".join("".join(out).split())


MD_CHARS = list("\\`*_[]{}#!<>&|()-+=:~.$^\"' \t\n") + ["1. ", "1) ", "&amp;", "&#60;", "<script>",
                                                        "javascript:", "{{", "}}", "{%", "--8<--",
                                                        "\u202e", "\u00ad", "\u00a0", "\u200b", "    "]
typed_st = st.one_of(
    st.lists(st.sampled_from(MD_CHARS + ["x", "y", "é", "中"]), min_size=1, max_size=30).map("".join),
    st.text(min_size=1, max_size=30),
)


def _html_text(html: str) -> str:
    html = re.sub(r'<a class="headerlink"[^>]*>.*?</a>', "", html)  # the toc permalink sign
    return " ".join(scan_html(html).visible.split())


@settings(max_examples=300, deadline=None)
@given(typed_st)
def test_escaped_text_reads_back_as_typed(typed: str) -> None:
    want = visible(typed)
    assume(want)
    md = escape(typed)
    assert "\n" not in md
    contexts = {"paragraph": (md, ""), "heading": (f"# {md}", ""), "list item": (f"- {md}", ""),
                "table cell": (f"| h |\n| --- |\n| {md} |", "h "),
                "footnote": (f"x[^1]\n\n[^1]: {md}", "")}
    pm, mi = _python_markdown(), _markdown_it()
    for where, (source, prefix) in contexts.items():
        for name, html in (("Python-Markdown", pm.reset().convert(source)), ("markdown-it", mi.render(source))):
            got = _html_text(html)
            if where == "footnote":
                got = re.sub(r"^x ?1 ", "", got).rstrip("↩ ").rstrip()
                got = re.sub(r"^x\[1\] ", "", got)
                got = re.sub(r" ?↩︎?$", "", got)
                assert got.endswith(want) or got.startswith(want), (name, where, source, got)
                continue
            assert got == prefix + want, (name, where, source, html)


names_st = st.lists(st.sampled_from(["Alpha", "A.B", "C++", "[x]", "a&b", "Kremlin", "*", "1.", "<b>", "é"]),
                    min_size=1, max_size=4, unique=True)


@settings(max_examples=200, deadline=None)
@given(names_st, st.data())
def test_linked_text_reads_back_as_typed(names: list[str], data: st.DataObject) -> None:
    """An editor's note with actor names linked in (PageLinks.text) still shows exactly what was typed."""
    from types import SimpleNamespace

    from bookgen.links import MentionIndex, PageLinks

    actors = {f"a{i}": SimpleNamespace(id=f"a{i}", name=n, aliases=()) for i, n in enumerate(names)}
    book = SimpleNamespace(actors=actors)
    pieces = st.sampled_from(names + MD_CHARS + ["x", " said "])
    typed = data.draw(st.lists(pieces, min_size=1, max_size=20).map("".join))
    want = visible(typed)
    assume(want)
    md = PageLinks(book, MentionIndex(book), "issues/x.md").text(typed)
    assert "\n" not in md
    for name, html in (("Python-Markdown", _python_markdown().reset().convert(md)),
                       ("markdown-it", _markdown_it().render(md))):
        assert _html_text(html) == want, (name, md, html)


# ------------------------------------------------------------ fast paths against their references
# Speed-ups that skip a regular expression when it cannot match must give exactly what it gives.
_SPACE_RUNS, _LINE_START = re.compile(r"\s+"), re.compile(r"^(\d+)([.)])")
_TRICKY = ["a", " ", "  ", "\n", "\t", "\u00a0", "\u2028", "\x85", "1", "٣", "²", ".", ")", "-", "+",
           "=", ":", "~", "*", "|", "\u202e", "x y", "10. ", "- "]
tricky_st = st.lists(st.sampled_from(_TRICKY), max_size=10).map("".join)


def _escape_reference(text: str) -> str:
    """mdtext's escaping as first written: every regular expression applied every time."""
    from bookgen.mdtext import _CHARS
    result = _SPACE_RUNS.sub(" ", text).translate(_CHARS)
    lead = result[: len(result) - len(result.lstrip(" "))]
    result = _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), result[len(lead):])
    if result[:1] in ("-", "+", "=", ":", "~"):
        result = {"-": "\\-", "+": "\\+", "=": "&#61;", ":": "&#58;", "~": "&#126;"}[result[0]] + result[1:]
    return lead + result


@SETTINGS
@given(st.one_of(tricky_st, st.text(max_size=30)))
def test_escape_skips_only_regular_expressions_that_cannot_match(text: str) -> None:
    assert escape(text) == _escape_reference(text)


@SETTINGS
@given(st.lists(st.sampled_from(["a", " ", "\n", "\t", "\u00a0", "b c"]), max_size=30).map("".join))
def test_tidy_equals_collapsing_blank_runs_with_a_regular_expression(text: str) -> None:
    from bookgen.render import tidy
    lines = "\n".join(line.rstrip() for line in text.strip().split("\n"))
    assert tidy(text) == re.sub(r"\n{3,}", "\n\n", lines) + "\n"


@SETTINGS
@given(st.text(alphabet=st.sampled_from(list("ab “”‘’\"'—–-\n\t\u00a0.\x1c\x85") + ["\u2003", "\u2212"]), max_size=80))
def test_fast_normalised_text_equals_normalise(text: str) -> None:
    """The one-pass form used to index long texts (red-team item 4) is the reference's text."""
    from bookgen.anchor import normalised_text

    assert normalised_text(text) == normalise(text)[0]
