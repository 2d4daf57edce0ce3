"""The book's own settings, ``content/book.yaml``: title, subtitle, issuing desk, as-of date, the
bottom line, the camps readers compare and the order of issues.

Read and checked like every other content file (strict YAML, its JSON Schema, references to
annotations, issues and camps), after the entities are validated, so every problem is reported in
the same run. A book without ``book.yaml`` gets a plain title and no bottom line, and a warning.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bookgen.dates import BookDate, DateError, parse_date
from bookgen.entities import Entities, Loc, Statement
from bookgen.ids import EntityId
from bookgen.problems import Problems
from bookgen.schemas import suggest
from bookgen.load import LoadedContent
from bookgen.validate import check_schema, declared_ids
from bookgen.yamlstrict import YamlDocument, read_yaml, too_large
from bookgen.safepaths import is_inside

BOOK_FILE = "content/book.yaml"
DEFAULT_TITLE = "Briefing book"
OTHERS = "others"  # the camp of actors no camp claims


@dataclass(frozen=True, slots=True)
class Camp:
    id: EntityId
    name: str


@dataclass(frozen=True, slots=True)
class BookMeta:
    title: str
    subtitle: str | None = None
    desk: str | None = None
    as_of: BookDate | None = None  # None: the latest dated item in the content
    bottom_line: tuple[tuple[Statement, ...], ...] = ()
    camps: tuple[Camp, ...] = ()
    issue_order: tuple[EntityId, ...] = ()

    @property
    def cited(self) -> tuple[EntityId, ...]:
        return tuple(a for para in self.bottom_line for st in para for a in st.cite)


def read_book_meta(root: Path, loaded: LoadedContent, entities: Entities, problems: Problems) -> BookMeta:
    """``content/book.yaml`` checked against its schema and the entities it names (an id whose own
    file failed its checks is not reported again: that file's error says what to fix)."""
    path = root / BOOK_FILE
    if not is_inside(root, path):  # content/ leads out of the project: load reported it
        return BookMeta(DEFAULT_TITLE)
    if not path.is_file() or path.is_symlink():
        problems.warning(BOOK_FILE, 1, 1, "no content/book.yaml: the book has a plain title and no bottom "
                         "line; add one (see CONTENT.md, 'The book')", "no-book-file")
        return BookMeta(DEFAULT_TITLE)
    if too_large(path.stat().st_size, BOOK_FILE, problems):
        return BookMeta(DEFAULT_TITLE)
    doc = read_yaml(path.read_bytes(), BOOK_FILE, problems)
    if doc is None or not check_schema(doc, "book", problems):
        return BookMeta(DEFAULT_TITLE)
    return _build(doc, entities, declared_ids(loaded), problems)


def _build(doc: YamlDocument, entities: Entities, declared: dict[str, set[str]], problems: Problems) -> BookMeta:
    d: dict[str, Any] = doc.data

    def loc(*node: Any) -> Loc:
        return Loc.at(doc.path, doc.positions, node)

    def unknown(kind: str, value: str, known: Any, *node: Any) -> None:
        at = loc(*node)
        problems.error(at.path, at.line, at.col, f"unknown {kind} id '{value}'{suggest(value, known)}",
                       "unknown-id")

    as_of = None
    if d.get("as_of", "latest") != "latest":
        try:
            as_of = parse_date(d["as_of"])
        except DateError as exc:
            at = loc("as_of")
            problems.error(at.path, at.line, at.col, f"bad date: {exc}; or write 'latest'", "bad-date")
    bottom_line = []
    for p, para in enumerate(d["bottom_line"]):
        sentences = []
        for s, st in enumerate(para):
            for c, aid in enumerate(st["cite"]):
                if aid not in entities.annotations and aid not in declared["annotation"]:
                    unknown("annotation", aid, entities.annotations, "bottom_line", p, s, "cite", c)
            sentences.append(Statement(st["text"], tuple(st["cite"]), loc("bottom_line", p, s)))
        bottom_line.append(tuple(sentences))
    camps: list[Camp] = []
    for n, c in enumerate(d.get("camps", [])):
        at = loc("camps", n, "id")
        if c["id"] == OTHERS:
            problems.error(at.path, at.line, at.col, f"'{OTHERS}' is the camp bookgen gives actors no camp "
                           "claims; give this camp another id", "reserved-id")
        elif any(x.id == c["id"] for x in camps):
            problems.error(at.path, at.line, at.col, f"camp '{c['id']}' is listed twice; give each camp one "
                           "entry", "duplicate-id")
        else:
            camps.append(Camp(EntityId(c["id"]), c["name"]))
    for actor in entities.actors.values():
        if actor.camp is not None and actor.camp not in {c.id for c in camps}:
            at = actor.camp_loc or actor.loc
            listed = ", ".join(c.id for c in camps) or "none"
            problems.error(at.path, at.line, at.col,
                           f"camp '{actor.camp}' is not one of the camps in content/book.yaml ({listed})"
                           f"{suggest(actor.camp, [c.id for c in camps])}; add it there or correct it",
                           "unknown-id")
    order = []
    for n, iid in enumerate(d.get("issues", [])):
        if iid not in entities.issues and iid not in declared["issue"]:
            unknown("issue", iid, entities.issues, "issues", n)
        elif iid in order:
            at = loc("issues", n)
            problems.error(at.path, at.line, at.col, f"issue '{iid}' is listed twice in the order", "duplicate-id")
        elif iid in entities.issues:
            order.append(EntityId(iid))
    return BookMeta(d["title"], d.get("subtitle"), d.get("desk"), as_of, tuple(bottom_line), tuple(camps),
                    tuple(order))
