"""Claims and figures: what several sources report, side by side."""

from __future__ import annotations

from bookgen.pagekinds import NavPlace, Page, PageKind, PrintPlace

PATH = "claims.md"


def anchor(claim_id: str) -> str:
    return f"claim-{claim_id}"


KIND = PageKind(
    name="claims",
    make=lambda book: [Page(PATH, "claims.md.j2", "Claims & figures")],
    nav=NavPlace(50, "Claims & figures"),
    chapter=PrintPlace(50, "Claims and figures"),
    lists_annotations=True,
)
