"""Issues: the index of issues and a page per issue (its long lists continued on pages of their own)."""

from __future__ import annotations

from typing import Any, Iterator

from bookgen import paging
from bookgen import views as V
from bookgen.entities import Annotation
from bookgen.ids import EntityId
from bookgen.model import Book
from bookgen.pagekinds import NavPlace, Page, PageKind, PrintPlace, continuation_pages, lineage
from bookgen.standings import CampStanding, on_issue_page, where_each_side_stands

INDEX = "issues/index.md"
REPORTS = paging.Section("reports", "What the sources report", "annotation_list")
TIMELINE = paging.Section("timeline", "Timeline", "timeline_table")


def path(issue_id: str) -> str:
    return f"issues/{issue_id}.md"


def _lists(book: Book, i: EntityId) -> tuple[list[CampStanding], dict[str, list[paging.Part]]]:
    """An issue's standings as its page shows them, and its long lists as pages."""
    def compute() -> tuple[list[CampStanding], dict[str, list[paging.Part]]]:
        standings = on_issue_page(where_each_side_stands(book, i))
        stands = {a.id for st in standings for a in st.latest + st.earlier}
        reported = V.distinct_passages(a for a in book.by_issue.get(i, ()) if a.id not in stands)
        parts = paging.split(path(i), book.issues[i].title, {REPORTS: reported, TIMELINE: V.timeline(book, issue=i)})
        return standings, parts
    return paging.cached(book, ("issue", i), compute)


def _context(book: Book, i: EntityId) -> dict[str, Any]:
    x = book.issues[i]
    standings, parts = _lists(book, i)
    first = paging.first_parts(parts)
    return {"issue": x, "tags": V.issue_tags(book, x), "standings": standings,
            "reported": first[REPORTS.name], "items": first[TIMELINE.name]}


def _index_context(book: Book) -> dict[str, Any]:
    return {"rows": V.status_rows(book, background=True), "changes": V.recent_changes(book)}


def _pages(book: Book) -> list[Page]:
    out = [Page(INDEX, "issues.md.j2", "Issues", lambda: _index_context(book))]
    for i, x in book.issues.items():
        parent = path(x.parent) if x.parent in book.issues else None
        out.append(Page(path(i), "issue.md.j2", x.title, lambda i=i: _context(book, i), parent))
        out += continuation_pages(_lists(book, i)[1])
    return out


def _homes(book: Book, ann: Annotation) -> Iterator[str]:
    """An issue's page, its related issues' and its parents' list what is tagged with it."""
    for issue_id in ann.issues:
        for i in lineage(issue_id, book.issues, lambda i: book.issues[EntityId(i)].parent):
            yield path(i)
            yield from (path(r.id) for r in book.related_issues.get(EntityId(i), ()))


KIND = PageKind(
    name="issue",
    make=_pages,
    index=INDEX,
    nav=NavPlace(10, "Issues"),
    chapter=PrintPlace(10, "Issues"),
    lists_annotations=True,
    homes=_homes,
)
