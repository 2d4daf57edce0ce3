"""Stage 5, render: Jinja2 templates (``templates/``) -> Markdown pages, as a path -> text mapping.

Templates only read the Book; the few things a page needs computed (its footnotes, links relative
to itself) come from :class:`bookgen.links.PageLinks`. Every ``{{ value }}`` is escaped for
Markdown by the environment's ``finalize`` unless bookgen marked it as Markdown already (``Md``,
a markupsafe ``Markup``), so text from YAML can never become HTML or Markdown syntax, whatever a
template author forgets.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import re

import jinja2

from bookgen import links as L
from bookgen import views as V
from bookgen.mdtext import Md, escape
from bookgen.model import Book
from bookgen.sourcepage import source_sections


_BLANK_RUNS = re.compile(r"\n{3,}")


@dataclass(frozen=True)
class PageSpec:
    path: str  # docs-relative .md path
    template: str
    context: dict[str, Any]


def environment(templates: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates)),
        autoescape=True,  # every value passes finalize=escape (Markdown escaping) unless it is Md
        finalize=escape,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["md"] = escape
    env.globals["STATUS_LABELS"] = L.STATUS_LABELS
    return env


def page_specs(book: Book) -> list[PageSpec]:
    """Every page of the book, in a fixed order."""
    specs = [
        PageSpec(L.HOME, "home.md.j2", {"changes": V.recent_changes(book)}),
        PageSpec(L.ISSUES, "issues.md.j2", {}),
        PageSpec(L.ACTORS, "actors.md.j2", {}),
        PageSpec(L.TIMELINE, "timeline.md.j2", {
            "items": V.timeline(book),
            "issue_filters": [(L.issue_path(i), x.title) for i, x in book.issues.items() if V.timeline(book, issue=i)],
            "actor_filters": [(L.actor_path(a), x.name) for a, x in book.actors.items() if V.timeline(book, actor=a)]}),
        PageSpec(L.SOURCES, "sources.md.j2", {}),
        PageSpec(L.CLAIMS, "claims.md.j2", {}),
        PageSpec(L.POSITIONS, "positions.md.j2", {"matrix": V.positions_matrix(book)}),
        PageSpec(L.METHOD, "method.md.j2", {}),
    ]
    specs += [PageSpec(L.issue_path(i), "issue.md.j2",
                       {"issue": x, "items": V.timeline(book, issue=i), "tags": V.issue_tags(book, x)})
              for i, x in book.issues.items()]
    specs += [PageSpec(L.actor_path(a), "actor.md.j2",
                       {"actor": x, "items": V.timeline(book, actor=a), "tags": V.actor_tags(book, x)})
              for a, x in book.actors.items()]
    specs += [PageSpec(L.date_path(d), "date.md.j2",
                       {"date": d, "tags": V.event_tags(book, book.events_by_date.get(d.slug, ()))})
              for d in book.dates.values()]
    specs += [PageSpec(L.source_path(s), "source.md.j2",
                       {"source": x, "text": book.texts[s], "sections": source_sections(book, s)})
              for s, x in book.sources.items() if s in book.texts]
    return specs


def render_pages(book: Book, templates: Path, only: Callable[[str], bool] | None = None) -> dict[str, str]:
    """Render every page (or those ``only`` selects) to Markdown text."""
    env = environment(templates)
    mentions = L.MentionIndex(book)
    pages: dict[str, str] = {}
    for spec in page_specs(book):
        if only is not None and not only(spec.path):
            continue
        links = L.PageLinks(book, mentions, spec.path)
        text = env.get_template(spec.template).render(book=book, L=links, page=spec.path, Md=Md, **spec.context)
        lines = "\n".join(line.rstrip() for line in text.strip().split("\n"))
        pages[spec.path] = _BLANK_RUNS.sub("\n\n", lines) + "\n"
    return pages
