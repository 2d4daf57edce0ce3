"""The method page: how the book is made, and its coverage."""

from __future__ import annotations

from bookgen.pagekinds import NavPlace, Page, PageKind, PrintPlace

PATH = "method.md"

KIND = PageKind(
    name="method",
    make=lambda book: [Page(PATH, "method.md.j2", "Method")],
    nav=NavPlace(80, "Method"),
    chapter=PrintPlace(95, "Appendix B: How this book is made", appendix=True),
    lists_annotations=True,
)
