"""The layout of a source page: the article's blocks with cited passages marked.

Marking is the one computation a source page needs: each block's text is cut at every quote's
start and end, covered stretches are wrapped in ``<mark>``, and each annotation's anchor
(``a-<id>``) is placed where its quote starts, so a footnote link lands on the highlighted words.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bookgen.entities import Annotation
from bookgen.ids import EntityId
from bookgen.links import annotation_anchor
from bookgen.mdtext import Md, as_md, escape_once, html_attr
from bookgen.model import Book
from bookgen.sourcetext import Block


@dataclass
class Row:
    block: Block
    cells: list[Md]


@dataclass
class Section:
    kind: str  # heading | paragraph | table
    block: Block | None = None
    text: Md = Md("")
    header: list[Md] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    cited_by: list[Annotation] = field(default_factory=list)


def mark(text: str, start: int, spans: list[tuple[int, int, EntityId]]) -> Md:
    """Markdown for ``text`` (which begins at offset ``start``) with the given spans marked."""
    end = start + len(text)
    clipped = [(max(a, start), min(b, end), aid, a) for a, b, aid in spans if a < end and b > start]
    if not clipped:  # most blocks: nothing cited here
        return escape_once(text)
    cuts = sorted({start, end, *(a for a, _, _, _ in clipped), *(b for _, b, _, _ in clipped)})
    out: list[str] = []
    for a, b in zip(cuts, cuts[1:]):
        for _, _, aid, first in clipped:
            if first == a:  # the anchor goes where the quote starts, once (not where a cell clips it)
                out.append(f'<a id="{html_attr(annotation_anchor(aid))}"></a>')
        piece = escape_once(text[a - start: b - start])
        covered = any(s <= a and b <= e for s, e, _, _ in clipped)
        out.append(f"<mark>{piece}</mark>" if covered and piece.strip() else piece)
    return as_md("".join(out))


def _in_a_cell(row: Block, offset: int) -> int:
    """The first offset at or after ``offset`` that lies in a cell of ``row``: a quote starting on
    a '|' or on the space before a cell gets its anchor at the cell's first character."""
    for cell in row.cells:
        if cell.end > offset:
            return max(offset, cell.start)
    return offset


def source_sections(book: Book, source_id: EntityId) -> list[Section]:
    text = book.texts[source_id]
    sections: list[Section] = []
    for block in text.blocks:
        cites = list(book.by_passage.get((source_id, block.number), ()))
        spans = [(book.anchors[a.id].start, book.anchors[a.id].end, a.id) for a in cites]
        if block.kind == "row":
            spans = [(_in_a_cell(block, a), b, aid) for a, b, aid in spans]
            cells = [mark(c.text, c.start, spans) for c in block.cells]
            if block.header or not sections or sections[-1].kind != "table":
                sections.append(Section("table", block, header=cells if block.header else []))
                if block.header:
                    sections[-1].cited_by.extend(cites)
                    continue
            sections[-1].rows.append(Row(block, cells))
            sections[-1].cited_by.extend(cites)
            continue
        sections.append(Section(block.kind, block, mark(block.text, block.start, spans), cited_by=cites))
    for section in sections:  # a row wider than its header would lose its last cells in both readers
        if section.kind == "table":
            width = max([len(section.header), *(len(r.cells) for r in section.rows)])
            section.header += [Md("")] * (width - len(section.header))
            for row in section.rows:
                row.cells += [Md("")] * (width - len(row.cells))
    return sections
