"""The generated Markdown reads the same in both readers it is written for.

Python-Markdown (configured as MkDocs configures it from mkdocs.yml: toc, tables, fenced_code,
footnotes, front matter taken off) makes the website; markdown-it-py as bookgen.typst_markup sets
it up (commonmark + tables + footnotes + front matter) makes the PDF. For
every page of the mini fixture and the seed book, both HTML outputs are reduced to the same
outline — block kinds, inline kinds, link targets, footnote references and definitions, and
visible text — and compared.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest

from bookgen import typst_markup
from conftest import MINI, REPO_ROOT
from regenerate_golden import GoldenError, render_docs

BLOCKS = {"h1", "h2", "h3", "h4", "h5", "h6", "p", "ul", "ol", "li", "table", "tr", "th", "td",
          "blockquote", "pre", "hr"}
INLINE = {"em", "strong", "code", "mark", "a", "sup", "br", "img"}


@dataclass
class Outline:
    """What a reader sees of one page, independent of which Markdown reader made the HTML."""

    blocks: list[str] = field(default_factory=list)
    inline: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    refs: list[str] = field(default_factory=list)  # footnote labels, in reference order
    text: list[str] = field(default_factory=list)
    notes: dict[str, str] = field(default_factory=dict)  # footnote label -> its visible text

    def visible(self) -> str:
        return " ".join("".join(self.text).split())


class _Outliner(HTMLParser):
    """Reads either reader's HTML. ``label_of`` turns a footnote href/id into its Markdown label."""

    def __init__(self, label_of: dict[str, str]) -> None:
        super().__init__(convert_charrefs=True)
        self.label_of = label_of
        self.out = Outline()
        self.skip = 0  # inside an element whose text is not content (permalink, backref, ref number)
        self.note: str | None = None  # label of the footnote definition being read
        self.note_text: list[str] = []
        self.in_notes = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        classes = a.get("class", "").split()
        if self.skip:
            self.skip += tag not in ("br", "img", "hr")
            return
        if tag == "hr" and "footnotes-sep" in classes:
            return  # markdown-it's rule before its footnotes; Python-Markdown's is inside its div
        if ("footnote" in classes and tag == "div") or ("footnotes" in classes and tag == "section"):
            self.in_notes = 1
            return
        if self.in_notes:
            if tag == "li" and a.get("id"):
                self.note = self.label_of[a["id"]]
                self.note_text = []
            if tag == "a" and ("footnote-backref" in classes):
                self.skip = 1
            elif tag == "a":
                self.out.links.append(a.get("href", ""))
            return
        if tag == "a" and "headerlink" in classes:
            self.skip = 1
            return
        if tag == "a" and ("footnote-ref" in classes or a.get("href", "").startswith("#fn")) \
                and a.get("href", "")[1:] in self.label_of:
            label = self.label_of[a["href"][1:]]
            self.out.refs.append(label)
            self.out.text.append(f"[^{label}]")
            self.skip = 1
            return
        if tag == "sup":
            return  # the footnote reference's wrapper; its link is handled above
        if tag in BLOCKS:
            self.out.blocks.append(tag)
            self.out.text.append(" ")
        elif tag in INLINE:
            self.out.inline.append(tag)
        if tag == "a" and "href" in a:
            self.out.links.append(a["href"])

    def handle_endtag(self, tag: str) -> None:
        if self.skip:
            self.skip -= tag not in ("br", "img", "hr")
            return
        if self.in_notes:
            if tag == "li" and self.note is not None:
                self.out.notes[self.note] = " ".join("".join(self.note_text).split())
                self.note = None
            if tag in ("div", "section"):
                self.in_notes = 0
            return
        if tag in BLOCKS:
            self.out.text.append(" ")

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if self.in_notes:
            if self.note is not None:
                self.note_text.append(data)
            return
        self.out.text.append(data)


def python_markdown(text: str) -> Outline:
    """The website's reader: the extensions MkDocs loads for mkdocs.yml (see test below). MkDocs
    takes the YAML front matter (tags, search boost) off the page first, as this does."""
    from mkdocs.utils.meta import get_data

    text, _ = get_data(text)
    html = markdown.Markdown(extensions=["toc", "tables", "fenced_code", "footnotes"],
                             extension_configs={"toc": {"permalink": True}}).convert(text)
    labels = {f"fn:{m}": m for m in re.findall(r'id="fn:([^"]+)"', html)}
    parser = _Outliner(labels)
    parser.feed(html)
    return parser.out


def markdown_it(text: str) -> Outline:
    """The PDF's reader, exactly as the PDF renderer sets it up (front matter plugin included)."""
    md = typst_markup.parser()
    env: dict = {}
    html = md.render(text, env)
    listed = env.get("footnotes", {}).get("list", {})
    labels = {f"fn{n + 1}": str(item.get("label")) for n, item in listed.items()}
    parser = _Outliner(labels)
    parser.feed(html)
    return parser.out


def compare(name: str, text: str) -> list[str]:
    """Differences between the two readers' outlines of one page, as readable lines."""
    a, b = python_markdown(text), markdown_it(text)
    diffs = []
    for what in ("blocks", "inline", "links", "refs", "notes"):
        if getattr(a, what) != getattr(b, what):
            diffs.append(f"{name}: {what} differ:\n  Python-Markdown: {getattr(a, what)}\n"
                         f"  markdown-it-py:  {getattr(b, what)}")
    if a.visible() != b.visible():
        va, vb = a.visible(), b.visible()
        i = next((k for k, (x, y) in enumerate(zip(va, vb)) if x != y), min(len(va), len(vb)))
        diffs.append(f"{name}: visible text differs at character {i}:\n"
                     f"  Python-Markdown: …{va[max(0, i - 60): i + 60]}…\n"
                     f"  markdown-it-py:  …{vb[max(0, i - 60): i + 60]}…")
    return diffs


def _pages(source_dir: Path) -> dict[str, str]:
    try:
        files = render_docs(source_dir)
    except GoldenError as exc:
        pytest.skip(str(exc))
    return {p: data.decode("utf-8") for p, data in files.items() if p.endswith(".md")}


@pytest.mark.parametrize("book", ["mini", "seed"])
def test_both_readers_read_every_page_the_same(book: str) -> None:
    pages = _pages(MINI if book == "mini" else REPO_ROOT)
    assert pages
    diffs = [d for name, text in sorted(pages.items()) for d in compare(name, text)]
    assert not diffs, "\n".join(diffs[:30])


def test_the_website_reader_is_configured_as_mkdocs_configures_it(tmp_path: Path) -> None:
    """python_markdown() above must load what MkDocs loads, or this test compares the wrong reader."""
    from mkdocs.config import load_config

    config = load_config(config_file=str(REPO_ROOT / "mkdocs.yml"), docs_dir=str(tmp_path), site_name="t")
    assert sorted(config.markdown_extensions) == sorted(["toc", "tables", "fenced_code", "footnotes"])
    assert config.mdx_configs == {"toc": {"permalink": True}}


@pytest.mark.parametrize("text", [
    "A list right after a paragraph:\n- one\n- two\n",
    "- a\n  - nested by two spaces\n",
    "1) a list for CommonMark only\n",
])
def test_the_comparison_sees_known_dialect_differences(text: str) -> None:
    """The outline comparison is able to fail: inputs the two readers are known to read
    differently (a list without a blank line before it, nested-list indentation, ``1)`` lists)
    are reported."""
    a, b = python_markdown(text), markdown_it(text)
    assert compare("sample", text), (a, b)


def test_front_matter_is_not_content_for_either_reader() -> None:
    text = "---\ntags:\n  - alpha\n---\n\n# Title\n\nBody.\n"
    a, b = python_markdown(text), markdown_it(text)
    assert a.blocks == b.blocks == ["h1", "p"] and a.visible() == b.visible() == "Title Body."


def test_footnotes_are_matched_by_label_in_both_readers() -> None:
    text = "Said so.[^x-1] And again.[^y]\n\n[^x-1]: “Quote” — [Source](s.md#a-x-1).\n\n[^y]: Other.\n"
    a, b = python_markdown(text), markdown_it(text)
    assert a.refs == b.refs == ["x-1", "y"]
    assert a.notes == b.notes == {"x-1": "“Quote” — Source.", "y": "Other."}
    assert a.links == b.links == ["s.md#a-x-1"]
    assert compare("sample", text) == []
