"""The positions overview: who holds which position on which issue."""

from __future__ import annotations

from bookgen import views as V
from bookgen.pagekinds import Chapter, NavPlace, Page, PageKind

PATH = "positions.md"

KIND = PageKind(
    name="overview",
    make=lambda book: [Page(PATH, "positions.md.j2", "Positions",
                            lambda: {"matrix": V.positions_matrix(book)})],
    nav=NavPlace(40, "Positions"),
    chapter=Chapter(25, "Positions"),
    lists_annotations=True,
)
