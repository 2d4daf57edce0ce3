"""The full book in parts (bookgen pdf --full): one PDF, numbered, linked and tagged as a whole."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from hostile_support import copy_project, invoke
from bookgen import pdf as P
from bookgen.pdfparts import render_full_pdf
from bookgen.pipeline import check
from bookgen.render import render_pages

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext") or not shutil.which("qpdf"),
                                reason="poppler-utils and qpdf missing; `make test-deps` installs them")


@pytest.fixture(scope="module")
def parts(tmp_path_factory):
    """The mini book in one piece and in small parts (a part every few entries)."""
    root = copy_project(tmp_path_factory.mktemp("full") / "project")
    result = check(root)
    assert result.book is not None
    pages = render_pages(result.book, root / "templates")
    whole, cut = root / "whole.pdf", root / "book.pdf"
    P.render_pdf(result.book, pages, whole)
    stats = render_full_pdf(result.book, pages, cut, part_chars=8_000)
    return result.book, whole, cut, stats


def _text(pdf: Path, *args: str) -> str:
    return subprocess.run(["pdftotext", *args, "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout


def test_parts_join_into_one_clean_tagged_pdf(parts) -> None:
    _, _, cut, stats = parts
    assert stats.parts >= 4
    check_ = subprocess.run(["qpdf", "--check", str(cut)], capture_output=True, text=True)
    assert check_.returncode == 0 and "No syntax or stream encoding errors" in check_.stdout, check_.stdout
    info = subprocess.run(["pdfinfo", str(cut)], capture_output=True, text=True, check=True)
    assert info.stderr == ""  # no "Suspects object is wrong type": the joined catalog has no /Suspects
    assert re.search(r"(?m)^Tagged:\s+yes$", info.stdout)
    assert re.search(rf"(?m)^Pages:\s+{stats.pages}$", info.stdout)
    root = PdfReader(str(cut)).trailer["/Root"]
    kids = root["/StructTreeRoot"]["/K"]
    assert len(kids) == 1 and kids[0].get_object()["/S"] == "/Document"


def test_every_page_is_numbered_in_the_whole_book(parts) -> None:
    _, _, cut, stats = parts
    footers = re.findall(r"Page (\d+) of (\d+)", _text(cut))
    assert {int(total) for _, total in footers} == {stats.pages}
    assert [int(n) for n, _ in footers] == list(range(2, stats.pages + 1))  # the cover has none


def test_same_text_as_the_book_in_one_piece(parts) -> None:
    """Every word of the book in one piece is in the parts' (each part starts a page, so lines
    break and headers repeat in other places; the contents differ in form)."""
    _, whole, cut, _ = parts

    def words(pdf: Path) -> set[str]:
        return set(re.findall(r"[^\W\d]+", _text(pdf).replace("\u00ad", "")))
    assert words(cut) == words(whole)


def test_page_references_and_bookmarks_lead_to_their_pages(parts) -> None:
    book, _, cut, _ = parts
    reader = PdfReader(str(cut))
    beta = next(i for i, p in enumerate(reader.pages, 1)
                if re.search(r"(?m)^Beta\s*\n\W*Side:", p.extract_text() or ""))
    assert set(re.findall(r"Beta \(p\. ?(\d+)\)", _text(cut, "-raw"))) == {str(beta)}
    dests = reader.named_destinations
    links = [a.get_object() for page in reader.pages for a in page.get("/Annots", []) or []]
    jumps = [a["/Dest"] for a in links if isinstance(a.get("/Dest"), str)]
    assert jumps and all(name in dests for name in jumps)
    assert all(reader.get_destination_page_number(dests[name]) + 1 == beta
               for name in jumps if name == "bookgen:actors:beta")
    titles = {o.title: reader.get_destination_page_number(o) + 1 for o in _flat(reader.outline)}
    assert titles["Beta"] == beta
    assert {"Summary", "Issues", "Actors", "Timeline", "Appendix A: Sources"} <= set(titles)
    for issue in book.issues.values():
        assert issue.title in titles


def _flat(items):
    for item in items:
        if isinstance(item, list):
            yield from _flat(item)
        else:
            yield item


def test_pdf_full_command_writes_site_book_pdf(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    code, _, err = invoke("pdf", "--full", "--root", str(root))
    assert code == 0, err
    assert (root / "site" / "book.pdf").is_file() and not (root / "site" / "briefing.pdf").exists()
    assert PdfReader(str(root / "site" / "book.pdf")).pages


def test_a_huge_page_is_cut_between_blocks_with_its_footnotes_counted() -> None:
    from bookgen.pdfparts import pieces_of

    markup = "\n\n".join([f'#bullets[#"a";\n\n#"b[(";#footnote[#"n{i}";]]' for i in range(6)]
                         + ['#table(columns: (1fr,),\n\n[x],)'])
    pieces = pieces_of(markup, 40)
    assert "\n\n".join(p for p, _ in pieces) == markup
    assert len(pieces) > 2 and sum(n for _, n in pieces) == 6
    assert all(p.startswith("#bullets[") or p.startswith("#table(") for p, _ in pieces)  # never inside one


def test_a_page_larger_than_a_part_goes_on_in_the_next(tmp_path) -> None:
    root = copy_project(tmp_path / "project")
    result = check(root)
    pages = render_pages(result.book, root / "templates")
    biggest = max(len(t) for t in pages.values())
    out = tmp_path / "book.pdf"
    stats = render_full_pdf(result.book, pages, out, part_chars=1_500, part_notes=10)
    assert biggest > 2 * 1_500 and stats.parts > 4
    flat = re.sub(r"\s+", "", _text(out, "-raw").replace("\u00ad", ""))
    for aid, anchor in result.book.anchors.items():  # nothing lost where a page was cut
        quote = result.book.texts[anchor.source].text[anchor.start: anchor.end]
        assert re.sub(r"\s+", "", quote) in flat, aid
    check_ = subprocess.run(["qpdf", "--check", str(out)], capture_output=True, text=True)
    assert check_.returncode == 0


def test_references_back_point_at_notes_printed_before_in_any_part(parts) -> None:
    _, _, cut, stats = parts
    seen: set[int] = set()
    back = 0
    for page in PdfReader(str(cut)).pages:
        text = page.extract_text() or ""
        seen.update(int(n) for n in re.findall(r"(?m)^\s*(\d+)\s?“", text))
        for group in re.findall(r"\(see notes? ([\d, ]+)\)", text):
            numbers = {int(n) for n in group.split(",")}
            assert numbers <= seen, (numbers, sorted(seen)[-5:])
            back += len(numbers)
    assert back and stats.parts >= 4
