"""The printed briefing, read back from the PDF with pypdf and poppler's pdftotext/pdffonts."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import REPO_ROOT
from hostile_support import build, copy_project
from bookgen import pdf as P
from bookgen.pipeline import check
from bookgen.render import render_pages

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext") or not shutil.which("pdffonts"),
                                reason="poppler-utils (pdftotext, pdffonts) missing; `make test-deps` installs it")
A4 = (595.28, 841.89)
LETTER = (612.0, 792.0)


@pytest.fixture(scope="module")
def mini(tmp_path_factory):
    root = copy_project(tmp_path_factory.mktemp("mini") / "project")
    result = check(root)
    assert result.book is not None, result.problems.render()
    pages = render_pages(result.book, root / "templates")
    out = root / "out" / "briefing.pdf"
    P.render_pdf(result.book, pages, out, version=P.content_version(root, result.book))
    return root, result.book, pages, out


def _text(pdf: Path, *args: str) -> str:
    return subprocess.run(["pdftotext", *args, "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text.replace("\u00ad", ""))


def _outline_titles(items) -> list[str]:
    out: list[str] = []
    for item in items:
        if isinstance(item, list):
            out += _outline_titles(item)
        else:
            out.append(item.title)
    return out


def test_outline_has_every_chapter_issue_actor_and_source(mini) -> None:
    _, book, _, out = mini
    titles = _outline_titles(PdfReader(str(out)).outline)
    for chapter in ("Summary", "Issues", "Actors", "Timeline", "Claims and figures", "Appendix A: Sources"):
        assert chapter in titles
    for issue in book.issues.values():
        assert issue.title in titles
    for actor in book.actors.values():
        assert actor.name in titles
    for n, source in enumerate(book.sources.values(), 1):
        assert f"Source {n}: {source.title}" in titles
    order = [titles.index(c) for c in ("Summary", "Issues", "Actors", "Timeline", "Claims and figures")]
    assert order == sorted(order)


def test_every_cited_quote_is_printed(mini) -> None:
    _, book, _, out = mini
    flat = _squash(_text(out, "-raw"))
    for aid, anchor in book.anchors.items():
        quote = book.texts[anchor.source].text[anchor.start: anchor.end]
        assert _squash(quote) in flat, aid


def test_footnotes_are_numbered_once_each_and_in_order(mini) -> None:
    _, book, _, out = mini
    numbers: list[int] = []
    for page in PdfReader(str(out)).pages:
        text = page.extract_text() or ""
        numbers += [int(n) for n in re.findall(r"(?m)^\s*(\d+)\s?“", text)]
    assert numbers, "no footnotes found"
    assert numbers == list(range(1, len(numbers) + 1))
    flat = _text(out, "-raw")
    assert re.search(r"Source [12], ¶\d+\.", flat), "footnotes name the source and paragraph"


def test_notes_cited_again_refer_back_to_a_printed_note(mini) -> None:
    _, _, _, out = mini
    seen: set[int] = set()
    back: list[int] = []
    for page in PdfReader(str(out)).pages:
        text = page.extract_text() or ""
        seen.update(int(n) for n in re.findall(r"(?m)^\s*(\d+)\s?“", text))
        for group in re.findall(r"\(see notes? ([\d, ]+)\)", text):
            numbers = [int(n) for n in group.split(",")]
            assert set(numbers) <= seen, (numbers, "refers to a note not printed before")
            back += numbers
    assert back, "no passage is cited twice in a chapter of the mini book"
    flat = " ".join(_text(out, "-raw").split())
    assert not re.search(r"\(p\. ?\d+\) [–—-]\w", flat), "a page reference followed by a stray space"


def test_cover_contents_and_page_furniture(mini) -> None:
    root, book, _, out = mini
    reader = PdfReader(str(out))
    cover = " ".join(reader.pages[0].extract_text().split())
    assert book.title in cover and f"as of {book.as_of.label}" in cover
    assert f"Version: {P.content_version(root, book)}" in cover
    assert "Contents" in reader.pages[1].extract_text()
    n = len(reader.pages)
    assert f"Page 2 of {n}" in reader.pages[1].extract_text()
    assert reader.metadata.title == book.title
    later = reader.pages[5].extract_text()
    assert later.lstrip().split("\n")[0].strip() in {"Issues", "Actors", "Timeline", "Summary"} or "Page 6" in later


def test_links_are_clickable_page_references(mini) -> None:
    _, _, _, out = mini
    reader = PdfReader(str(out))
    refs = re.findall(r"\(p\. ?(\d+)\)", _text(out, "-raw"))
    assert refs and all(1 <= int(p) <= len(reader.pages) for p in refs)
    links = [a.get_object() for page in reader.pages for a in page.get("/Annots", []) or []]
    internal = [a for a in links if a.get("/Subtype") == "/Link" and ("/Dest" in a or "/A" in a)]
    assert len(internal) >= len(refs) // 2


def test_page_references_point_at_the_right_page(mini) -> None:
    """Beta's entry starts on the page every "(p. N)" after "Beta" names."""
    _, _, _, out = mini
    reader = PdfReader(str(out))
    start = next(i for i, p in enumerate(reader.pages, 1)
                 if re.search(r"(?m)^Beta\s*\n\W*Side:", p.extract_text() or ""))
    refs = set(re.findall(r"Beta \(p\. ?(\d+)\)", _text(out, "-raw")))
    assert refs == {str(start)}


def test_size_fonts_attachments_tags(mini, tmp_path: Path) -> None:
    root, book, pages, out = mini
    reader = PdfReader(str(out))
    box = reader.pages[0].mediabox
    assert (round(float(box.width), 2), round(float(box.height), 2)) == A4
    assert 8 <= len(reader.pages) <= 40
    assert not reader.attachments
    assert "/EmbeddedFiles" not in (reader.trailer["/Root"].get("/Names") or {})
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True).stdout
    rows = fonts.strip().splitlines()[2:]
    assert rows and all(row.split()[-5] == "yes" for row in rows), fonts  # the "emb" column
    assert bool(reader.trailer["/Root"].get("/MarkInfo", {}).get("/Marked"))
    assert "/StructTreeRoot" in reader.trailer["/Root"]
    letter = tmp_path / "letter.pdf"
    P.render_pdf(book, pages, letter, paper="letter")
    box = PdfReader(str(letter)).pages[0].mediabox
    assert (round(float(box.width), 2), round(float(box.height), 2)) == LETTER


def test_two_builds_are_byte_identical(mini, tmp_path: Path) -> None:
    root, book, pages, out = mini
    again = tmp_path / "again.pdf"
    P.render_pdf(book, pages, again, version=P.content_version(root, book))
    assert again.read_bytes() == out.read_bytes()


def test_failed_render_keeps_previous_pdf_and_says_why(mini, tmp_path: Path, monkeypatch) -> None:
    _, book, pages, out = mini
    target = tmp_path / "briefing.pdf"
    target.write_bytes(b"previous")
    monkeypatch.setattr(P.Document, "pass2", lambda self, positions: "#let x = (\n")
    with pytest.raises(P.PdfBuildError, match="Typst could not compile"):
        P.render_pdf(book, pages, target)
    assert target.read_bytes() == b"previous"
    with pytest.raises(P.PdfBuildError, match="unknown paper size"):
        P.render_pdf(book, pages, target, paper="a3")
    assert target.read_bytes() == b"previous"


def test_build_puts_the_pdf_in_the_site_and_links_it(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    code, said = build(root)
    assert code == 0, said
    pdf = root / "site" / "briefing.pdf"
    assert pdf.is_file() and pdf.read_bytes()[:5] == b"%PDF-"
    assert 'href="briefing.pdf"' in (root / "site" / "index.html").read_text("utf-8")


def test_pdf_command_writes_only_the_pdf(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from bookgen.cli import main

    root = copy_project(tmp_path / "project")
    result = CliRunner().invoke(main, ["pdf", "--root", str(root), "--paper", "letter"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (root / "site").iterdir()) == ["briefing.pdf"]
    assert not (root / "build" / "docs").exists()


def test_document_date_comes_from_content_or_source_date_epoch(monkeypatch, mini) -> None:
    from types import SimpleNamespace

    _, book, _, out = mini
    assert P.document_date(book) == book.as_of.latest_day
    assert "2025" in str(PdfReader(str(out)).metadata.get("/CreationDate"))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert str(P.document_date(SimpleNamespace(as_of=None))) == "2023-11-14"
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert P.document_date(SimpleNamespace(as_of=None)) is None


def test_the_seed_brief_is_short_and_briefs(tmp_path: Path) -> None:
    """`bookgen pdf` makes the brief: 8-16 pages for the seed book, cover with desk and as-of date,
    bottom line, status, where each side stands, what to watch, the sources; no web wording."""
    import io

    from bookgen import commands
    from conftest import make_project

    root = make_project(tmp_path, REPO_ROOT)
    out = io.StringIO()
    assert commands.pdf(commands.Paths(root), out=out) == 0, out.getvalue()
    pdf = root / "site" / "briefing.pdf"
    reader = PdfReader(str(pdf))
    assert 8 <= len(reader.pages) <= 16
    text = _text(pdf)
    for words in ("Issued by Ukraine negotiations desk", "Brief as of 28 Dec 2025", "Bottom line", "Status by issue",
                  "Where each side stands", "What to watch", "Appendix A: Sources"):
        assert words in text, words
    for web in ("hover", "Filter", "Downloads", "More on "):
        assert web not in text, web


@pytest.mark.parametrize("sources", [0, 40], ids=["seed", "synthetic-40"])
def test_the_brief_needs_only_its_own_pages(tmp_path: Path, sources: int) -> None:
    """`bookgen pdf` keeps only the pages the brief prints (at 10,000 sources the whole book's pages
    are some 500 MB; every page is still rendered, so every template is checked): the brief's Typst
    document is the one made from every page."""
    from bookgen import commands
    from conftest import make_project

    if sources:
        from bookgen.synth import write_corpus

        root = tmp_path / "synthetic"
        write_corpus(root, sources, seed=3)
        shutil.copytree(REPO_ROOT / "templates", root / "templates")
    else:
        root = make_project(tmp_path, REPO_ROOT)
    paths = commands.Paths(root)
    book = check(root).book
    assert book is not None
    every = render_pages(book, paths.templates)
    own = {p: text for p, text in every.items() if p in P.brief_page_paths(book)}
    assert len(own) < len(every)
    made = [P.typst_document(book, commands.brief_pages(book, paths, pages), brief=True, version="v").pass1()
            for pages in (every, own)]
    assert made[0] == made[1]
