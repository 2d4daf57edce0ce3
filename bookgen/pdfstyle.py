"""The Typst styles, page furniture and cover of the printed briefing.

Every value from content enters as a Typst string literal (:func:`typst_markup.string`), never as
markup. Fonts are bookgen's own (:mod:`bookgen.fonts`: Noto Serif, Amiri, Frank Ruhl Libre, Noto Sans
CJK, Fira Code for code and symbols); neither the machine's fonts nor Typst's embedded ones are
used (no fallback), so what a character prints in is known before compiling.
"""

from __future__ import annotations

import datetime as dt
import re

from bookgen.fonts import MONO, typst_list
from bookgen.typst_markup import string

PAPERS = {"a4": "a4", "letter": "us-letter"}
_PLACEHOLDER = re.compile(r"@([A-Z_]+)@")

_PREAMBLE = r"""
#set document(title: @TITLE@, author: (), keywords: (), date: @DATE@)
@PART@
#set text(font: @FONTS@, fallback: false, size: 10pt, lang: "en", hyphenate: true)
#set par(justify: true, leading: 0.62em, spacing: 0.95em)
#show raw: set text(font: @MONO@, size: 0.85em, ligatures: false)
#let muted = luma(95)
#let accent = rgb("#1f3f73")

#set page(
  paper: @PAPER@,
  margin: (x: 2.1cm, top: 2.6cm, bottom: 2.4cm),
  numbering: "1",
  header: context {
    let page = here().page()
    if bg-cover and page == 1 { return }
    let opens = query(heading.where(level: 1)).any(h => h.location().page() == page)
    let before = query(heading.where(level: 1).before(here()))
    if opens or (before.len() == 0 and bg-continues == none) { return }
    set text(size: 8pt, fill: muted)
    grid(columns: (1fr, auto), column-gutter: 1em, align: (left, right),
      emph(if before.len() > 0 { before.last().body } else { bg-continues }), @TITLE@)
    v(-0.55em)
    line(length: 100%, stroke: 0.4pt + luma(170))
  },
  footer: context {
    if bg-cover and here().page() == 1 { return }
    set text(size: 8pt, fill: muted)
    align(center)[Page #counter(page).display() of #bg-total]
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

// A passage cited again: the note that printed it first, "(see note 12)" (typst_markup.NoteBook).
#let seenote(ns) = text(size: 0.8em, fill: muted)[~(see #if ns.len() == 1 [note] else [notes] #ns.map(str).join(", "))]
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

// Where this part of the book starts counting (page and note numbers; 1 and 0 for a whole book).
#if bg-start.at(0) != 1 { counter(page).update(bg-start.at(0)) }
#if bg-start.at(1) != 0 { counter(footnote).update(bg-start.at(1)) }

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
  #block(text(size: 26pt, weight: "bold", fill: accent, hyphenate: false)[#@TITLE@;])
  #v(1.2em)
  @SUBTITLE@
  #text(size: 14pt)[#@KIND@ as of #@AS_OF@;]
  #v(0.6em)
  @DESK@
  #text(size: 11pt, fill: muted)[#@COUNTS@;]
  #v(1fr)
  #set text(size: 9pt, fill: muted)
  #@ABOUT@;
  Links to other parts of the document give the page they lead to, "(p. N)".
  #v(0.8em)
  Version: #@VERSION@;
]

@CONTENTS@
"""
_OUTLINE = r"""#[
  #show outline.entry.where(level: 1): set block(above: 1.1em)
  #show outline.entry.where(level: 1): set text(weight: "bold")
  #outline(title: [Contents], depth: 2, indent: 1.2em)
]"""
# The full book's contents, written by bookgen (Typst's outline sees only its own part): one line
# per chapter and entry, the page number in a box of fixed width (see pageref).
_TOC = r"""#let tocline(level, body, num) = block(above: if level == 1 { 1.1em } else { 0.55em }, below: 0pt,
  par(justify: false, hanging-indent: 2.4em)[
    #set text(weight: if level == 1 { "bold" } else { "regular" })
    #h((level - 1) * 1.2em)#body #box(width: 1fr, repeat[#h(0.25em).]) #num
  ])
#heading(level: 1, outlined: false, bookmarked: false)[Contents]
"""


def _fill(template: str, values: dict[str, str]) -> str:
    """Put Typst expressions in for ``@NAME@`` placeholders, in one pass."""
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], template)


PASS1_PAGE = 888  # the number pass 1 prints where a page reference goes (as wide as any in its box)


def pageref_pass1(width: str, parts: bool = False) -> str:
    """Pass 1: the very same page references pass 2 prints (:func:`pageref_parts` for a part of the
    full book, else :func:`pageref_pass2`), each with :data:`PASS1_PAGE` for its number, so both
    passes lay out the same lines. (Hidden text in a plain box, as before, broke lines otherwise
    than the linked text of pass 2 and once made pass 1 a page longer.)"""
    if parts:
        return pageref_parts(width, {}, default=True)
    return pageref_pass2(width, {}, default=True)


def _pageref(width: str, page: str, dest: str) -> str:
    # "(p. N)" set flush right in its box (an inline fill, no block), so the slack a short number
    # leaves falls before the parenthesis, where a space is anyway, never between ")" and what follows
    return (f"#let pageref(target) = {{ let p = {page}; text(size: 0.8em, fill: muted, box(width: {width}, "
            f"link({dest})[#h(1fr);(p.~#p;)])) }}\n")


def _table(entries: list[str]) -> str:
    """A Typst dictionary literal of ``key: value`` entries."""
    return f"({', '.join(entries)}{',' if len(entries) == 1 else ''}{':' if not entries else ''})"


def pageref_pass2(width: str, positions: dict[str, tuple[int, str, str]], default: bool = False) -> str:
    """``positions``: label name -> (page, x, y) with x and y as Typst lengths (``12.5pt``);
    ``default``: any other label gets page :data:`PASS1_PAGE`'s number, linked to the first page."""
    table = _table([f"{string(k)}: (page: {p}, x: {x}, y: {y})" for k, (p, x, y) in sorted(positions.items())])
    at = f"bgpos.at(str(target){', default: (page: 1, x: 0pt, y: 0pt)' if default else ''})"
    page = str(PASS1_PAGE) if default else f"{at}.page"
    return (f"#let bgpos = {table}\n" + _pageref(width, page, at)
            + f"#let pageref-num(target) = link({at}, box(width: {width})[#h(1fr)#{page}])\n"
            + f"#let srclink(target, body) = link({at}, body)")


def pageref_parts(width: str, pages: dict[str, int], default: bool = False) -> str:
    """Pass 2 of a part of the full book: ``pages`` is label -> page in the whole book; the links
    are ``bookgen:LABEL`` URIs, which :mod:`bookgen.pdfmerge` turns into jumps within the book;
    ``default``: any other label gets page :data:`PASS1_PAGE`."""
    table = _table([f"{string(k)}: {p}" for k, p in sorted(pages.items())])
    page = f"bgpage.at(str(target){f', default: {PASS1_PAGE}' if default else ''})"
    return (f"#let bgpage = {table}\n"
            + _pageref(width, page, '"bookgen:" + str(target)')
            + f"#let pageref-num(target) = link(\"bookgen:\" + str(target), box(width: {width})["
            f"#h(1fr)#{page}])\n"
            f"#let srclink(target, body) = link(\"bookgen:\" + str(target), body)")


def preamble(title: str, date: dt.date | None, paper: str, pageref: str, part: str | None = None) -> str:
    """The styles; ``part`` is :func:`part_setup` for a part of the full book."""
    when = f"datetime(year: {date.year}, month: {date.month}, day: {date.day})" if date else "none"
    return _fill(_PREAMBLE, {"TITLE": string(title), "DATE": when, "PAPER": string(PAPERS[paper]),
                             "PART": part or part_setup(),
                             "PAGEREF": pageref, "FONTS": typst_list(),
                             "MONO": typst_list(MONO)})


_ABOUT_BOOK = ("Every statement carries a footnote with the source's exact words and the paragraph they come "
               "from (\"Source 3, ¶12\"), or, for a passage cited before, the number of that note (\"see note "
               "12\"); the sources are printed in full, with their titles and dates, in Appendix A.")
_ABOUT_BRIEF = ("This is the short brief: the bottom line, the status of each issue, where each side stands, "
                "what to watch and the sources. Every statement carries a footnote with the source's exact "
                "words (or the number of the note that gave them: \"see note 12\"); the full book (the "
                "website, or the full PDF) has every page and every source text.")


def cover(title: str, as_of: str, version: str | None, sources: int, annotations: int,
          contents: list[str] | None = None, desk: str | None = None, subtitle: str | None = None,
          brief: bool = False) -> str:
    """The cover page (title, subtitle, whether a brief or the full book, as-of date, issuing desk,
    counts, version), then the contents: Typst's outline, or ``contents`` (:func:`toc_line` lines)."""
    counts = f"{sources} source{'s' if sources != 1 else ''}, {annotations} cited passage" \
             f"{'s' if annotations != 1 else ''}"
    toc = _OUTLINE if contents is None else _TOC + "\n".join(contents)
    sub_line = f"#block(text(size: 13pt, style: \"italic\")[#{string(subtitle)};])\n  #v(0.8em)" if subtitle else ""
    desk_line = f"#text(size: 11pt)[Issued by #{string(desk)};]\n  #v(0.4em)" if desk else ""
    return _fill(_COVER, {"TITLE": string(title), "AS_OF": string(as_of), "COUNTS": string(counts),
                          "VERSION": string(version or "not recorded"), "CONTENTS": toc,
                          "SUBTITLE": sub_line, "DESK": desk_line,
                          "KIND": string("Brief" if brief else "Briefing book"),
                          "ABOUT": string(_ABOUT_BRIEF if brief else _ABOUT_BOOK)})


def toc_line(level: int, title: str, label: str) -> str:
    return f"#tocline({level}, {string(title)}, pageref-num(<{label}>))"


def part_setup(cover_first: bool = True, continues: str | None = None, total: int | None = None,
               first_page: int = 1, first_note: int = 0) -> str:
    """Where a part of the full book starts (its first page and note numbers, the chapter it goes
    on with) and how many pages the whole has; the defaults are those of a book in one piece."""
    lines = [f"#let bg-cover = {'true' if cover_first else 'false'}",
             f"#let bg-continues = {string(continues) if continues else 'none'}",
             f"#let bg-total = {total if total is not None else 'context counter(page).final().first()'}",
             f"#let bg-start = ({first_page}, {first_note})"]
    return "\n".join(lines)
