"""The Typst styles, page furniture and cover of the printed briefing.

Every value from content enters as a Typst string literal (:func:`typst_markup.string`), never as
markup. Fonts are the ones the Typst compiler embeds (Libertinus Serif, DejaVu Sans Mono), so the
output does not depend on the machine's fonts.
"""

from __future__ import annotations

import datetime as dt
import re

from bookgen.typst_markup import string

PAPERS = {"a4": "a4", "letter": "us-letter"}
_PLACEHOLDER = re.compile(r"@([A-Z_]+)@")

_PREAMBLE = r"""
#set document(title: @TITLE@, author: (), keywords: (), date: @DATE@)
#set text(font: "Libertinus Serif", size: 10.5pt, lang: "en", hyphenate: true)
#set par(justify: true, leading: 0.62em, spacing: 0.95em)
#show raw: set text(font: "DejaVu Sans Mono", size: 0.85em)
#let muted = luma(95)
#let accent = rgb("#1f3f73")

#set page(
  paper: @PAPER@,
  margin: (x: 2.1cm, top: 2.6cm, bottom: 2.4cm),
  numbering: "1",
  header: context {
    let page = here().page()
    if page == 1 { return }
    let opens = query(heading.where(level: 1)).any(h => h.location().page() == page)
    let before = query(heading.where(level: 1).before(here()))
    if opens or before.len() == 0 { return }
    set text(size: 8pt, fill: muted)
    grid(columns: (1fr, auto), column-gutter: 1em, align: (left, right),
      emph(before.last().body), @TITLE@)
    v(-0.55em)
    line(length: 100%, stroke: 0.4pt + luma(170))
  },
  footer: context {
    if here().page() == 1 { return }
    set text(size: 8pt, fill: muted)
    align(center)[Page #counter(page).display() of #counter(page).final().first()]
  },
)

#set heading(numbering: none)
#show heading: set par(justify: false)
#show heading: set text(fill: accent, hyphenate: false)
#show heading.where(level: 1): it => {
  pagebreak(weak: true)
  v(2.2cm)
  block(below: 1.4em, text(size: 22pt, weight: "bold", it.body))
}
#show heading.where(level: 2): set text(size: 15pt)
#show heading.where(level: 2): set block(above: 0.6em, below: 0.9em)
#show heading.where(level: 3): set text(size: 12pt)
#show heading.where(level: 3): set block(above: 1.5em, below: 0.7em)
#show heading.where(level: 4): set text(size: 10.5pt)

#set table(stroke: 0.4pt + luma(175), inset: (x: 4pt, y: 3.5pt),
  fill: (_, y) => if y == 0 { luma(232) })
#show table: set text(size: 8.6pt)
#show table: set par(justify: false, leading: 0.5em)
#show table.cell.where(y: 0): set text(weight: "bold")
#set table.cell(breakable: false)
#set list(indent: 0.4em, spacing: 0.75em)
// Bullet points are paragraphs with a hanging bullet (see typst_markup.PageRenderer.bullet).
#let bullet(body) = par(justify: false, hanging-indent: 1.1em)[#h(0.3em)#box(width: 0.8em)[•]#body]
#let bullets(body) = pad(left: 1.1em, body)
// One row of a table too wide for the page (see typst_markup.PageRenderer.cards).
#let card(title, body) = block(above: 1em, below: 0.6em, breakable: true, width: 100%)[
  #block(sticky: true, below: 0.4em, title)
  #set text(size: 0.92em)
  #body
]

#show footnote.entry: set text(size: 7.8pt)
#show footnote.entry: set par(justify: false, leading: 0.45em)
#set footnote.entry(separator: line(length: 30%, stroke: 0.4pt + luma(150)), gap: 0.45em)
#show link: set text(fill: accent)
#show highlight: set highlight(fill: rgb("#fff0a0"))

// "(p. N)" after a link to another part of the book; clickable. Page numbers are resolved in two
// passes (see bookgen.pdf): pass 1 leaves a fixed-width gap and reports where every target landed;
// pass 2 prints the number and links to that position. The gap and the number have the same width,
// so both passes lay out identically. (Typst's own `ref`/`locate` per reference cost ~100 KB each.)
@PAGEREF@

// An entry (one issue, actor, date or source): never its title alone at the foot of a page.
#let entry(body) = {
  block(breakable: false, above: 2.2em, below: 0pt, height: 7em, width: 100%)
  v(-7em)
  line(length: 100%, stroke: 0.6pt + luma(185))
  body
}
"""

_COVER = r"""
#page(header: none, footer: none, numbering: none)[
  #v(22%)
  #block(text(size: 26pt, weight: "bold", fill: accent)[#@TITLE@;])
  #v(1.2em)
  #text(size: 14pt)[Briefing as of #@AS_OF@;]
  #v(0.6em)
  #text(size: 11pt, fill: muted)[#@COUNTS@;]
  #v(1fr)
  #set text(size: 9pt, fill: muted)
  Every statement carries a footnote with the source's exact words, the source's title and date,
  and the paragraph it comes from ("Source 3, ¶12"); the sources are printed in full in Appendix A.
  Links to other parts of the book give the page they lead to, "(p. N)".
  #v(0.8em)
  Version: #@VERSION@;
]

#[
  #show outline.entry.where(level: 1): set block(above: 1.1em)
  #show outline.entry.where(level: 1): set text(weight: "bold")
  #outline(title: [Contents], depth: 2, indent: 1.2em)
]
"""


def _fill(template: str, values: dict[str, str]) -> str:
    """Put Typst expressions in for ``@NAME@`` placeholders, in one pass."""
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], template)


def pageref_pass1(width: str) -> str:
    return (f"#let pageref(target) = text(size: 0.8em, fill: muted)[(p.~#box(width: {width})[)]]\n"
            f"#let srclink(target, body) = body")


def pageref_pass2(width: str, positions: dict[str, tuple[int, str, str]]) -> str:
    """``positions``: label name -> (page, x, y) with x and y as Typst lengths (``12.5pt``)."""
    table = ", ".join(f"{string(k)}: (page: {p}, x: {x}, y: {y})" for k, (p, x, y) in sorted(positions.items()))
    return (f"#let bgpos = ({table}{',' if len(positions) == 1 else ''}{':' if not positions else ''})\n"
            f"#let pageref(target) = {{ let p = bgpos.at(str(target)); text(size: 0.8em, fill: muted, "
            f"link(p)[(p.~#box(width: {width})[#p.page;)]]) }}\n"
            f"#let srclink(target, body) = link(bgpos.at(str(target)), body)")


def preamble(title: str, date: dt.date | None, paper: str, pageref: str) -> str:
    when = f"datetime(year: {date.year}, month: {date.month}, day: {date.day})" if date else "none"
    return _fill(_PREAMBLE, {"TITLE": string(title), "DATE": when, "PAPER": string(PAPERS[paper]),
                             "PAGEREF": pageref})


def cover(title: str, as_of: str, version: str | None, sources: int, annotations: int) -> str:
    counts = f"{sources} source{'s' if sources != 1 else ''}, {annotations} cited passage" \
             f"{'s' if annotations != 1 else ''}"
    return _fill(_COVER, {"TITLE": string(title), "AS_OF": string(as_of), "COUNTS": string(counts),
                          "VERSION": string(version or "not recorded")})
