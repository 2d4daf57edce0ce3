"""Long lists split over pages (bookgen/paging.py): no item lost or shown twice, continuation pages
outside the navigation and after their owner in print, every pager and claim link landing, a
strict site build, and incremental builds equal to a full render when items move between pages.

The seed book's lists fit on one page each (:data:`bookgen.paging.PAGE_ITEMS` is 100), so these
tests make pages of 5 items, which splits most of its lists."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path
from typing import Iterator

import pytest

from conftest import REPO_ROOT, make_project, replace_once, stand_in_pdf
from test_build_e2e import md_to_html, read_site, resolve
from test_renderstate import same_as_full_render

from bookgen import pagekinds, paging, views
from bookgen.commands import Paths, build
from bookgen.pipeline import check
from bookgen.render import render_pages
from bookgen.site import not_in_nav

SMALL = 5


# the pieces -----------------------------------------------------------------------------------------
def test_chunks_cut_in_order_and_keep_an_empty_list_one_page() -> None:
    assert paging.chunks(list(range(7)), size=3) == [(0, 1, 2), (3, 4, 5), (6,)]
    assert paging.chunks([], size=3) == [()]


def test_weighted_chunks_never_split_an_item_and_give_a_heavy_one_its_own_page() -> None:
    weights = {"a": 2, "b": 2, "c": 9, "d": 1, "e": 0}
    assert paging.chunks(list("abcde"), weight=weights.__getitem__, size=4) == [("a", "b"), ("c",), ("d", "e")]


def test_parts_say_which_items_they_hold(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(paging, "PAGE_ITEMS", 3)
    section = paging.Section("reports", "What the sources report", "annotation_list")
    parts = paging.split("issues/kyiv.md", "Kyiv", {section: list("abcdefg")})["reports"]
    assert [p.path for p in parts] == ["issues/kyiv.md", "issues/kyiv/reports-2.md", "issues/kyiv/reports-3.md"]
    assert [(p.first, p.last, p.total, p.number) for p in parts] == [(1, 3, 7, 1), (4, 6, 7, 2), (7, 7, 7, 3)]
    assert parts[1].items == ("d", "e", "f") and parts[1].owner == "issues/kyiv.md" and parts[0].continued
    assert paging.paths_by(parts, key=str)["g"] == "issues/kyiv/reports-3.md"
    assert parts[1].heading == "Kyiv: What the sources report, 4–6 of 7" and parts[2].heading.endswith(", 7 of 7")


def test_the_pager_links_the_ends_and_the_neighbours() -> None:
    section = paging.Section("timeline", "Timeline", "timeline_table")
    paths = tuple(f"p{n}.md" for n in range(1, 21))
    part = paging.Part(section, (), 10, paths, 1, 0, "X")
    assert part.pager() == [(1, "p1.md"), None, (8, "p8.md"), (9, "p9.md"), (10, "p10.md"), (11, "p11.md"),
                            (12, "p12.md"), None, (20, "p20.md")]
    first = paging.Part(section, (), 1, paths[:4], 1, 0, "X")
    assert first.pager() == [(1, "p1.md"), (2, "p2.md"), (3, "p3.md"), (4, "p4.md")]


# the seed book in pages of five ----------------------------------------------------------------------
@pytest.fixture(scope="module")
def small_pages() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(paging, "PAGE_ITEMS", SMALL)
        yield


@pytest.fixture(scope="module")
def book(small_pages: None):  # type: ignore[no-untyped-def]
    result = check(REPO_ROOT)
    assert result.book is not None
    return result.book


def test_every_report_on_an_issue_is_on_exactly_one_of_its_pages(book) -> None:  # type: ignore[no-untyped-def]
    from bookgen.pagekinds import issue

    split_somewhere = False
    for i in book.issues:
        standings, parts = issue._lists(book, i)
        shown = [a.id for part in parts["reports"] for a in part.items]
        stands = {a.id for st in standings for a in st.latest + st.earlier}
        expected = [a.id for a in views.distinct_passages(book.by_issue.get(i, ())) if a.id not in stands]
        assert shown == expected
        assert all(len(part.items) <= SMALL for part in parts["reports"])
        split_somewhere |= len(parts["reports"]) > 1
    assert split_somewhere


def test_a_page_of_claims_holds_about_a_page_of_reports(book) -> None:  # type: ignore[no-untyped-def]
    from bookgen.pagekinds import claims

    parts = claims._lists(book)["claims"]
    assert len(parts) > 1
    for part in parts:
        assert len(part.items) == 1 or sum(len(cv.reports) for cv in part.items) <= SMALL
    assert [cv.claim.id for part in parts for cv in part.items] == list(book.claims)


def test_continuation_pages_follow_their_owner_in_print_and_stay_out_of_the_navigation(book) -> None:  # type: ignore[no-untyped-def]
    pages = list(pagekinds.pages(book))
    continued = [p for p in pages if p.part_of is not None]
    assert continued
    nav = repr(pagekinds.navigation(book))
    assert not any(p.path in nav for p in continued)
    chapters = {c.title: c for c in pagekinds.print_chapters(book)}
    entries = chapters["Issues"].entries
    owner = "issues/peace-framework.md"
    k = entries.index(owner)
    conts = pagekinds.continuations(book)[owner]
    assert entries[k + 1:k + 1 + len(conts)] == conts
    assert not any(p.part_of for c in pagekinds.print_chapters(book, brief=True) for p in c.entries
                   for p in [next(q for q in pages if q.path == p)])


def test_a_continuation_page_says_what_it_continues(book) -> None:  # type: ignore[no-untyped-def]
    pages = render_pages(book, REPO_ROOT / "templates", only=lambda p: p.startswith("issues/peace-framework"))
    page = pages["issues/peace-framework/reports-2.md"]
    title = book.issues["peace-framework"].title
    assert page.startswith(f"# {title}: What the sources report, 6–10 of ")
    assert f'<span class="web-only">Continued from [{title}](../peace-framework.md).</span>' in page
    assert re.search(r'<span class="web-only">6–10 of \d+\. Pages: \[1\]\(\.\./peace-framework\.md\) · \*\*2\*\* · '
                     r'\[3\]\(reports-3\.md\)', page)
    owner = pages["issues/peace-framework.md"]
    assert re.search(r'<span class="web-only">1–5 of \d+\. Pages: \*\*1\*\* · \[2\]\(peace-framework/reports-2\.md\)',
                     owner)


def test_the_site_builds_strict_and_every_pager_and_claim_link_lands(tmp_path: Path, small_pages: None) -> None:
    root = make_project(tmp_path, REPO_ROOT)
    stand_in_pdf(Paths(root).pdf)
    out = io.StringIO()
    assert build(Paths(root), strict=True, out=out, pdf=False) == 0, out.getvalue()
    book = check(root).book
    assert "/issues/*/*.md" in not_in_nav(book, root).splitlines()
    site = root / "site"
    pages = read_site(site)
    continued = [p.path for p in pagekinds.pages(book) if p.part_of is not None]
    assert all(md_to_html(p) in pages for p in continued)
    broken = []
    for name, page in pages.items():
        for href, _ in page.links:
            target = resolve(name, href, site)
            if target is None:
                continue
            file, fragment = target
            if file not in pages and not (site / file).is_file() or \
                    fragment and file in pages and fragment not in pages[file].ids:
                broken.append((name, href))
    assert broken == []
    claim = next(iter(book.claims.values()))
    assert any(f"#claim-{claim.id}" in href for page in pages.values() for href, _ in page.links)


# incremental builds: items moving between pages --------------------------------------------------------
ANNOTATIONS = "content/annotations/zelensky-briefs-allies.yaml"


def _build(root: Path) -> str:
    out = io.StringIO()
    assert build(Paths(root), out=out, pdf=False) == 0, out.getvalue()
    return re.search(r"^pages: .*$", out.getvalue(), re.M).group(0)  # type: ignore[union-attr]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory, small_pages: None) -> Path:
    root = make_project(tmp_path_factory.mktemp("paging"), REPO_ROOT)
    stand_in_pdf(Paths(root).pdf)
    _build(root)
    return root


def test_a_note_on_a_continuation_page_renders_that_page_not_its_neighbours(project: Path) -> None:
    page = "issues/peace-framework/reports-2.md"
    text = (Paths(project).docs / page).read_text("utf-8")
    aid = re.search(r"\[\^([a-z0-9-]+)\]", text).group(1)  # type: ignore[union-attr]
    yaml_file = next(f for f in (project / "content/annotations").glob("*.yaml") if f"- id: {aid}\n" in f.read_text("utf-8"))
    m = re.search(rf"- id: {aid}\n(?:    .*\n)*?    note: (.+)\n", yaml_file.read_text("utf-8"))
    assert m is not None
    yaml_file.write_text(yaml_file.read_text("utf-8").replace(m.group(0), m.group(0).replace(
        f"    note: {m.group(1)}\n", f"    note: {m.group(1)} Edited by the test.\n")), "utf-8")
    book = check(project).book
    docs = Paths(project).docs
    citing = {p.relative_to(docs).as_posix() for p in docs.rglob("*.md") if f"[^{aid}]" in p.read_text("utf-8")}
    may_change = citing | pagekinds.annotation_pages(book, book.annotations[aid])
    assert not any(p.startswith("issues/peace-framework/") for p in may_change - {page, "issues/peace-framework/timeline-2.md"})
    line = _build(project)
    rendered = int(re.match(r"pages: (\d+) rendered", line).group(1))  # type: ignore[union-attr]
    assert 0 < rendered <= len(may_change)  # not the issue's other pages of reports
    assert "Edited by the test." in (Paths(project).docs / page).read_text("utf-8")
    assert "Edited by the test." not in (Paths(project).docs / "issues/peace-framework/reports-3.md").read_text("utf-8")
    same_as_full_render(project)


def test_a_date_moved_shifts_items_between_pages_as_a_full_render_does(project: Path) -> None:
    text = (project / ANNOTATIONS).read_text("utf-8")
    assert "    date: 2025-12-27\n" in text
    replace_once(project / ANNOTATIONS, "    date: 2025-12-27\n", "    date: 2025-12-28\n")  # both dates keep their pages
    assert re.match(r"pages: \d+ rendered", _build(project))
    same_as_full_render(project)


def test_an_annotation_added_to_a_long_list_gives_a_full_render(project: Path) -> None:
    path = project / "content/annotations/bilateral-guarantees-agreed.yaml"
    path.write_text(path.read_text("utf-8") + """  - id: bilat-added-for-paging-test
    kind: assessment
    quote: Ukrainian President Volodymyr Zelenskyy
    note: Added by the paging test.
    actors: [zelensky]
    issues: [peace-framework]
""", "utf-8")
    _build(project)
    same_as_full_render(project)


# print ------------------------------------------------------------------------------------------------
@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils missing; `make test-deps` installs them")
def test_the_full_book_prints_continuation_pages_after_their_owner(tmp_path: Path, small_pages: None) -> None:
    """Also a regression test: page references in bold text (a status "per Volodymyr Zelensky") once
    wrapped inside their boxes in pass 1 only, and this book failed with "the parts made 152 pages,
    pass 1 counted 153"."""
    from bookgen.pdfparts import render_full_pdf

    book = check(REPO_ROOT).book
    assert book is not None
    pages = render_pages(book, REPO_ROOT / "templates")
    out = tmp_path / "book.pdf"
    render_full_pdf(book, pages, out)
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(out), "-"], capture_output=True, text=True,
                          check=True).stdout
    text = re.sub(r"\s+", " ", text)
    title = book.issues["peace-framework"].title
    first = text.index(f"{title}: What the sources report, 6–10 of")
    assert text.index(f"{title}: What the sources report, 11–15 of") > first
    assert "Pages:" not in text and "Continued from" not in text  # the pager is for the web only
