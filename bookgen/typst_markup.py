"""The generated Markdown dialect -> Typst markup, for the printed briefing.

A small renderer over markdown-it-py's syntax tree. Safety rests on one rule: every piece of text
from a page reaches Typst as a *string literal* (``#"...";``), never as markup, so ``#read(".env")``,
``$x$``, ``*``, ``//`` or ``= heading`` typed into content print as those characters. Only the
structure (headings, paragraphs, lists, tables, links, footnotes, the few raw-HTML anchors the
templates write) becomes Typst calls, written by this module. Unknown raw HTML is dropped, its inner
text kept as text; images are never loaded (their alt text is kept).

Links are resolved by the caller (:class:`Resolver`): a link to another page or anchor of the book
becomes a clickable Typst link plus a page reference; in a footnote, a link to a source passage
also turns the note's "¶M" into "Source N, ¶M".
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Protocol

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markdown_it.tree import SyntaxTreeNode
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from bookgen.scripts import runs

_LABEL_CHARS = re.compile(r"[^a-z0-9_.:-]")
_TAG = re.compile(r"^<(/?)([a-zA-Z][a-zA-Z0-9]*)([^>]*)>$", re.S)
_ATTR = re.compile(r'([a-zA-Z_:][-a-zA-Z0-9_:.]*)\s*=\s*"([^"]*)"')
_ANY_TAG = re.compile(r"<[^>]*>")
_PARA = re.compile(r"¶\s?(\d+)")
_SAFE_SCHEMES = ("http://", "https://", "mailto:")
MAX_LEVEL = 6
_ENDS = ".,;:!?)]}»”’"  # what may follow "(p. N)" directly
MAX_COLUMNS = 6  # wider tables print as one block per row (see PageRenderer.cards)
CITED_ROWS = 10  # a table with footnotes prints in pieces of this many rows (see PageRenderer.table)
PLAIN_ROWS = 60  # a table without footnotes prints in pieces of at most this many rows
SHORT_ROWS, SHORT_TABLE = 30, 2_500  # rows, characters: a table that fits a page with its notes, kept whole


def parser() -> MarkdownIt:
    """markdown-it-py set up for the generated dialect (CommonMark, tables, footnotes, front matter)."""
    return (MarkdownIt("commonmark", {"html": True}).enable("table")
            .use(footnote_plugin).use(front_matter_plugin))


def parse(text: str, md: MarkdownIt | None = None) -> list[Token]:
    return (md or parser()).parse(text, {})


# escaping ---------------------------------------------------------------------------------------------
def string(value: str) -> str:
    """A Typst string literal holding ``value`` exactly."""
    out = value.replace("\\", "\\\\").replace('"', '\\"').replace("\r", "\\r").replace("\n", "\\n")
    return f'"{out.replace(chr(9), chr(92) + "t")}"'


def text(value: str) -> str:
    """Markup that prints ``value`` literally (a string expression, ended by ``;``).

    A run in another script is set in its language, a right-to-left one isolated in its own
    direction (:func:`bookgen.scripts.runs`)."""
    if not value:
        return ""
    parts = runs(value)
    if len(parts) == 1 and parts[0][1] is None and not parts[0][2]:
        return f"#{string(value)};"
    out = []
    for run, lang, rtl in parts:
        if rtl:  # isolated (RLI ... PDI): Typst's `dir: rtl` embeds, which lets neighbours reorder
            run = f"\u2067{run}\u2069"
        out.append(f"#text(lang: \"{lang}\", {string(run)});" if lang else f"#{string(run)};")
    return "".join(out)


def label_name(key: str) -> str:
    """A Typst label name (letters, digits, ``_ . : -``) for a page path or path#anchor."""
    key = key.lower().removesuffix(".md").replace("/", ":").replace("#", ":").replace(".md:", ":")
    name = _LABEL_CHARS.sub("_", key)
    return name if name[:1].isalpha() else "x" + name


def plain_text(tokens: list[Token]) -> str:
    """The visible text of inline tokens (for measuring table columns)."""
    out: list[str] = []
    for t in tokens:
        if t.type in ("text", "code_inline"):
            out.append(t.content)
        elif t.children:
            out.append(plain_text(t.children))
    return "".join(out)


def anchor_ids(tokens: list[Token]) -> list[str]:
    """Every ``id`` a raw-HTML tag in these tokens defines (the page's link targets)."""
    ids: list[str] = []
    for t in tokens:
        if t.type == "html_inline":
            m = _TAG.match(t.content.strip())
            if m and not m.group(1):
                ids += [v for k, v in _ATTR.findall(m.group(3)) if k == "id"]
        if t.children:
            ids += anchor_ids(t.children)
    return ids


# links ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Target:
    """Where a link goes in the PDF. ``label`` is a Typst label name; ``url`` an external address."""

    label: str | None = None
    url: str | None = None
    source: tuple[int, int] | None = None  # (source number, paragraph) of a cited passage
    cite: tuple[str, int] | None = None  # (the source's short name, paragraph) of a cited passage
    drop: bool = False  # leave the link (and a paragraph holding only it) out of print


class Resolver(Protocol):
    def resolve(self, page: str, href: str) -> Target | None: ...


def page_ref(label: str) -> str:
    """ "(p. N)", small and clickable, for a label."""
    return f"#pageref(<{label}>)"


# rendering --------------------------------------------------------------------------------------------
@dataclass
class NoteBook:
    """The footnotes of a whole document, across its pages: numbered as Typst numbers them (in
    order), and which note first printed each text, so a passage cited again anywhere later refers
    back to it, "(see note 12)", instead of printing it again. Each footnote costs Typst about
    2 ms and 0.2 MB (half the time and memory of a part of the full book went to them)."""

    count: int = 0  # footnotes made so far
    first: dict[str, int] = field(default_factory=dict)  # a note's Typst body -> its number
    named: dict[str, int] = field(default_factory=dict)  # a note's Typst label -> its number


@dataclass
class _Frame:
    tag: str
    wrap: str  # Typst function to wrap the collected parts in, or "" to splice them
    parts: list[str] = field(default_factory=list)
    drop: bool = False  # leave the collected parts out of print


@dataclass
class PageRenderer:
    """Renders one page's tokens. ``shift`` is added to heading levels; ``title`` replaces the H1."""

    page: str
    resolver: Resolver
    defined: set[str]  # labels already placed in the document (shared across pages)
    shift: int = 0
    title: str | None = None
    page_label: str | None = None
    notes: dict[str, SyntaxTreeNode] = field(default_factory=dict)
    placed_notes: dict[str, str] = field(default_factory=dict)  # footnote label -> its Typst label
    referenced: set[str] = field(default_factory=set)  # targets already given a page reference
    made_notes: int = 0  # footnotes made (not counting repeated references to one)
    headings: list[tuple[int, str, str]] | None = None  # if a list: (level, title, label) of each
    # heading of level 1-2 is added to it, every one given a label (the full book's bookmarks)
    notebook: NoteBook | None = None  # shared by the document's pages: notes refer back (see NoteBook)

    def render(self, tokens: list[Token]) -> str:
        root = SyntaxTreeNode(tokens)
        for node in root.children:
            if node.type == "footnote_block":
                for fn in node.children:
                    self.notes[str(fn.meta.get("label", fn.meta.get("id")))] = fn
        return self.blocks(root.children)

    # blocks -------------------------------------------------------------------------------------------
    def blocks(self, nodes: list[SyntaxTreeNode]) -> str:
        nodes = _without_web_only(nodes)
        done = [(n, self.block(n)) for n in nodes]
        keep = []
        for i, (node, out) in enumerate(done):
            if node.type == "heading" and out:  # a section emptied in print (web-only links) goes
                rest = done[i + 1:]
                after = next((j for j, (_, o) in enumerate(rest) if o), len(rest))
                cut = [m.type for m, _ in rest[:after]]
                emptied = (any(t in ("paragraph", "bullet_list") for t in cut)
                           and all(t in ("paragraph", "bullet_list", "footnote_block") for t in cut)
                           and not anchor_ids(node.children[0].to_tokens() if node.children else []))
                ends = after == len(rest) or (rest[after][0].type == "heading" and rest[after][0].tag <= node.tag)
                if emptied and ends:
                    continue
            keep.append(out)
        return "\n\n".join(o for o in keep if o)

    def block(self, node: SyntaxTreeNode) -> str:
        kind = node.type
        if kind == "paragraph":
            return self.paragraph(node)
        if kind == "heading":
            return self.heading(node)
        if kind == "bullet_list":
            return "\n\n".join(b for b in (self.bullet(item) for item in node.children) if b)
        if kind == "ordered_list":
            items = ", ".join(f"[{self.blocks(item.children)}]" for item in node.children)
            return f"#enum(start: {int(node.attrs.get('start', 1) or 1)}, {items})"
        if kind == "table":
            return self.table(node)
        if kind == "blockquote":
            return f"#quote(block: true)[{self.blocks(node.children)}]"
        if kind in ("code_block", "fence"):
            return f"#raw(block: true, {string(node.content.rstrip(chr(10)))})"
        if kind == "html_block":  # drop tags, keep their text, literally
            inner = html.unescape(_ANY_TAG.sub("", node.content)).strip()
            return f"#par[{text(' '.join(inner.split()))}]" if inner else ""
        if kind == "hr":
            return "#line(length: 100%, stroke: 0.5pt + luma(160))"
        if kind == "inline":
            return self.inline(node.children)
        return ""  # front_matter, footnote_block (rendered at the references), unknown

    def bullet(self, item: SyntaxTreeNode) -> str:
        """A bullet point as a paragraph with a hanging bullet.

        Not Typst's ``list``: footnotes inside a list make Typst lay the whole list out again for
        each note, which tripled the time and memory of a book whose lists are full of citations.
        """
        first = item.children[0].children[0].children if item.children and item.children[0].children else []
        if first and first[0].type == "link":
            target = self.resolver.resolve(self.page, str(first[0].attrs.get("href", "")))
            if target is not None and target.drop:
                return ""  # a download link means nothing on paper
        if len(item.children) == 1 and item.children[0].type == "paragraph":
            return f"#bullet[{self.paragraph(item.children[0])}]"
        return f"#bullets[{self.blocks(item.children)}]"

    def paragraph(self, node: SyntaxTreeNode) -> str:
        inline = node.children[0] if node.children else None
        if inline is None:
            return ""
        links = [c for c in inline.children if c.type == "link"]
        if links and all(c.type == "link" or (c.type == "text" and not c.content.strip())
                         for c in inline.children):
            if all((t := self.resolver.resolve(self.page, c.attrs.get("href", ""))) and t.drop for c in links):
                return ""
        out = self.inline(inline.children)
        if plain_text(_tokens(inline.children)).rstrip().endswith(":"):  # "Cited by:" stays with its list
            return f"#block(sticky: true, above: 0.95em, below: 0.6em)[{out}]"
        return out

    def heading(self, node: SyntaxTreeNode) -> str:
        level = int(node.tag[1:])
        lifted: list[str] = []
        inline = node.children[0].children if node.children else []
        if level == 1 and self.title is not None:
            body, plain = text(self.title), self.title
            lifted = anchor_ids_of(inline)
        else:
            body, plain = self.inline(inline, lift=lifted), plain_text(_tokens(inline))
        own = self.page_label if level == 1 else None
        names = [label_name(f"{self.page}#{a}") for a in lifted]
        if own is None and names:
            own, names = names[0], names[1:]
        level = min(level + self.shift, MAX_LEVEL)
        listed = self.headings is not None and level <= 2
        if own is None and listed:
            own = f"{self.page_label or label_name(self.page)}:h{len(self.headings or ())}"
        extra = "" if level <= 2 else ", outlined: false"
        before = "".join(self.marker(n) for n in names)
        after = f" <{own}>" if own and self.claim(own) else ""
        if after and listed and self.headings is not None:
            self.headings.append((level, " ".join(plain.split()), own or ""))
        return f"{before}#heading(level: {level}{extra})[{body}]{after}"

    def table(self, node: SyntaxTreeNode) -> str:
        """A table with fixed column widths; its header repeats on every page it runs onto.

        A table whose cells carry footnotes prints in pieces of at most ``CITED_ROWS`` rows (of
        even size), each with the header: Typst lays a table out as one block, and the memory it
        takes for a table's footnotes grows faster than the table (the 500-page benchmark needed
        2.1 GB with whole tables, 1.6 GB with pieces); any other table in pieces of ``PLAIN_ROWS``
        (the list of all dates of a 1,000-source book is 2,247 rows), so a part of the full book
        can be cut between them.
        """
        rows: list[tuple[bool, list[str], list[str]]] = []
        for section in node.children:
            for tr in section.children:
                cells = [c.children[0].children if c.children else [] for c in tr.children]
                rows.append((section.type == "thead", [self.inline(c) for c in cells],
                             [plain_text(_tokens(c)) for c in cells]))
        if not rows:
            return ""
        ncols = max(len(r[1]) for r in rows)
        if ncols > MAX_COLUMNS:
            return self.cards(rows)
        columns = column_widths([r[2] for r in rows], ncols)
        head = next((r[1] for r in rows if r[0]), None)
        body = [_pad(cells, ncols) for is_head, cells, _ in rows if not is_head]
        if len(body) <= SHORT_ROWS and sum(len(c) for r in rows for c in r[2]) <= SHORT_TABLE:
            whole = _typst_table(columns, head and _pad(head, ncols), body)  # the brief's status board: one page
            return f"#block(breakable: false)[\n{whole}\n]"
        cited = any("#footnote" in c for cells in body for c in cells)
        pieces = max(1, -(-len(body) // (CITED_ROWS if cited else PLAIN_ROWS)))  # as few as do, of even size
        cuts = [len(body) * i // pieces for i in range(pieces + 1)]
        return "\n\n".join(_typst_table(columns, head and _pad(head, ncols), body[a:b])
                             for a, b in zip(cuts, cuts[1:]))

    def cards(self, rows: list[tuple[bool, list[str], list[str]]]) -> str:
        """A table too wide for the page (a matrix): one block per row, "column: value" lines.

        Empty cells ("—") are left out, so a sparse actor x issue matrix reads as who holds what.
        """
        head = next((r for r in rows if r[0]), None)
        names = head[1] if head else []
        out = []
        for is_head, cells, plain in rows:
            if is_head or not cells:
                continue
            lines = [f"#bullet[#strong[{names[i] if i < len(names) else ''}:] {cell}]"
                     for i, cell in enumerate(cells[1:], 1) if plain[i].strip() not in ("", "—", "-")]
            out.append(f"#card[#strong[{cells[0]}]][{chr(10).join(lines) or text('—')}]")
        return "\n\n".join(out)

    # inline -------------------------------------------------------------------------------------------
    def inline(self, nodes: list[SyntaxTreeNode], lift: list[str] | None = None,
               in_note: bool = False) -> str:
        stack = [_Frame("", "")]
        state: dict = {"source": None, "glued": False}
        i = 0
        while i < len(nodes):
            node = nodes[i]
            if node.type == "footnote_ref":  # "[^a],[^b]": footnotes, then the notes referred back to
                labels, i = _citation_run(nodes, i)
                stack[-1].parts.append(self.citations(labels))
                continue
            after = nodes[i + 1] if i + 1 < len(nodes) else None
            # a link run into the next word ("US–Ukraine") takes no "(p. N)": it would split the word
            state["glued"] = bool(after is not None and after.type == "text" and after.content
                                  and not after.content[0].isspace() and after.content[0] not in _ENDS)
            self.inline_node(node, stack, lift, in_note, state)
            i += 1
        while len(stack) > 1:
            _close(stack)
        if in_note and state["source"] and state["source"][0] is not None and state["source"][2]:
            stack[0].parts.append(text(", ") + _cite(*state["source"]))
        return "".join(stack[0].parts)

    def inline_node(self, node: SyntaxTreeNode, stack: list[_Frame], lift: list[str] | None,
                    in_note: bool, state: dict) -> None:
        out = stack[-1].parts
        kind = node.type
        if kind == "text":
            src = state["source"]
            if in_note and src and (m := _PARA.search(node.content)) and int(m.group(1)) == src[1]:
                title = state.pop("title", None)
                if title is not None and title[0] is out and title[1] == len(out) - 1:
                    # "in <title> (<published>), ¶M": the source's number (or short name) says it in
                    # print; the source list gives its title and date
                    out[-1] = ""
                    out.append(_cite(*src) + text(node.content[m.end():]))
                else:
                    out.append(text(node.content[:m.start()]) + _cite(*src) + text(node.content[m.end():]))
                state["source"] = None
            else:
                out.append(text(node.content))
        elif kind == "softbreak":
            out.append(text(" "))
        elif kind == "hardbreak":
            out.append("#linebreak()")
        elif kind == "code_inline":
            out.append(f"#raw({string(node.content)})")
        elif kind in ("em", "strong"):
            inner = self.inline(node.children, lift, in_note)
            out.append(f"#{'emph' if kind == 'em' else 'strong'}[{inner}]")
        elif kind == "link":
            out.append(self.link(node, lift, in_note, state))
            if state.pop("title_next", False):
                state["title"] = (out, len(out) - 1)
        elif kind == "image":
            out.append(text(node.attrs.get("alt", "") or plain_text(_tokens(node.children))))
        elif kind == "html_inline":
            self.html_tag(node.content, stack, lift)

    def link(self, node: SyntaxTreeNode, lift: list[str] | None, in_note: bool, state: dict) -> str:
        """An external link stays a link; a link inside the book becomes its text plus "(p. N)".

        The page reference is the clickable part, and only the first link to a place on a page
        (entry) carries it, so tables and lists do not repeat "(p. 9)" down a column.
        """
        inner = self.inline(node.children, lift, in_note)
        target = self.resolver.resolve(self.page, str(node.attrs.get("href", "")))
        if in_note and target is not None and target.cite is not None and lift is None:
            # the note's "<title> (<published>), ¶M" becomes "Source N, ¶M" (or "<short name>, ¶M")
            number = target.source[0] if target.source else None
            state["source"] = (number, target.cite[1], target.label, target.cite[0])
            state["title_next"] = True
            return inner
        if target is None or target.drop:
            return inner
        if target.url is not None:
            return f"#link({string(target.url)})[{inner}]"
        if target.label is None or lift is not None:
            return inner
        if in_note:
            if target.source is not None:  # the note's "¶M" becomes "Source N, ¶M"
                state["source"] = (*target.source, target.label, None)
                return inner
            return inner if state.get("glued") else f"{inner} {page_ref(target.label)}"
        if target.label in self.referenced or state.get("glued"):
            return inner
        self.referenced.add(target.label)
        return f"{inner} {page_ref(target.label)}"

    def citations(self, labels: list[str]) -> str:
        """Footnote marks for a run of citations ("¹²,¹³"), then, compactly, the earlier notes of
        the document that already print the others' text: "(see notes 4, 9)"."""
        marks: list[str] = []
        back: list[int] = []
        for label in labels:
            made = self.footnote(label)
            if isinstance(made, int):
                if made not in back:
                    back.append(made)
            else:
                marks.append(made)
        out = text(",").join(marks)
        if back:
            out += f"#seenote(({', '.join(map(str, back))},))"
        return out

    def footnote(self, label: str) -> str | int:
        """A footnote; cited again on the same page (entry), it repeats the first one's number; its
        text printed already (:class:`NoteBook`), that note's number instead."""
        note = self.notes.get(label)
        if note is None:
            return text(f"[^{label}]")
        if label in self.placed_notes:
            return f"#footnote({self.placed_notes[label]})"
        paras = [c.children[0].children for c in note.children if c.type == "paragraph" and c.children]
        body = "#parbreak()".join(self.inline(p, in_note=True) for p in paras)
        book = self.notebook
        if book is not None:
            if body in book.first:
                return book.first[body]
            book.count += 1
            book.first[body] = book.count
        name = f"fn:{self.page_label or label_name(self.page)}:{len(self.placed_notes) + 1}"
        self.made_notes += 1
        if not self.claim(name):
            return f"#footnote[{body}]"
        if book is not None:
            book.named[name] = book.count
        self.placed_notes[label] = f"<{name}>"
        return f"#footnote[{body}]<{name}>"  # no space before the label: it would print

    def html_tag(self, raw: str, stack: list[_Frame], lift: list[str] | None) -> None:
        m = _TAG.match(raw.strip())
        if not m:
            return
        closing, tag, attrs = m.group(1), m.group(2).lower(), dict(_ATTR.findall(m.group(3)))
        if closing:
            if any(f.tag == tag for f in stack[1:]):
                while stack[-1].tag != tag:
                    _close(stack)
                _close(stack)
            return
        if tag == "a" and "id" in attrs:
            name = label_name(f"{self.page}#{attrs['id']}")
            if lift is not None:
                lift.append(attrs["id"])
            else:
                stack[-1].parts.append(self.marker(name))
            stack.append(_Frame("a", "strong" if "pn" in attrs.get("class", "").split() else ""))
        elif tag == "mark":
            stack.append(_Frame("mark", "highlight"))
        elif tag == "span" and "web-only" in attrs.get("class", "").split():
            stack.append(_Frame("span", "", drop=True))  # words for the screen only ("hover")
        elif tag in ("a", "span", "em", "strong", "b", "i", "sup", "sub", "small", "abbr"):
            stack.append(_Frame(tag, ""))  # keep the inner text, drop the tag

    def claim(self, name: str) -> bool:
        """True the first time a label is placed; a label must occur once in the document."""
        if name in self.defined:
            return False
        self.defined.add(name)
        return True

    def marker(self, name: str) -> str:
        return f"#metadata(none) <{name}>" if self.claim(name) else ""


WEB_ONLY = "<!-- web-only -->"  # before a heading: that section is for the screen only (filters...)


def _without_web_only(nodes: list[SyntaxTreeNode]) -> list[SyntaxTreeNode]:
    """``nodes`` less each section a ``WEB_ONLY`` comment opens (up to the next heading as high)."""
    out: list[SyntaxTreeNode] = []
    skip_to: str | None = None
    marked = False
    for node in nodes:
        if skip_to is not None:
            if node.type == "heading" and node.tag <= skip_to:
                skip_to = None
            else:
                continue
        if node.type == "html_block" and node.content.strip() == WEB_ONLY:
            marked = True
            continue
        if marked and node.type == "heading":
            skip_to, marked = node.tag, False
            continue
        out.append(node)
    return out


def anchor_ids_of(nodes: list[SyntaxTreeNode]) -> list[str]:
    return anchor_ids(_tokens(nodes))


def _tokens(nodes: list[SyntaxTreeNode]) -> list[Token]:
    out: list[Token] = []
    for n in nodes:
        out += n.to_tokens()
    return out


def _citation_run(nodes: list[SyntaxTreeNode], i: int) -> tuple[list[str], int]:
    """The labels of the footnote references from ``nodes[i]`` on that only the generated
    separator (``<sup class="fn-sep">,</sup>``) parts, and the index after them."""
    labels = [str(nodes[i].meta.get("label", ""))]
    i += 1
    while (i + 3 < len(nodes) and nodes[i].type == "html_inline" and "fn-sep" in nodes[i].content
           and nodes[i + 1].type == "text" and nodes[i + 1].content.strip() == ","
           and nodes[i + 2].type == "html_inline" and nodes[i + 2].content.strip() == "</sup>"
           and nodes[i + 3].type == "footnote_ref"):
        labels.append(str(nodes[i + 3].meta.get("label", "")))
        i += 4
    return labels, i


def _close(stack: list[_Frame]) -> None:
    frame = stack.pop()
    inner = "" if frame.drop else "".join(frame.parts)
    stack[-1].parts.append(f"#{frame.wrap}[{inner}]" if frame.wrap and inner else inner)


def _cite(number: int | None, para: int, label: str | None, short: str | None) -> str:
    """A cited passage: "Source 3, ¶4" linked to it, or (the source not printed) "*Short name*, ¶4"."""
    if number is not None and label:
        return f"#srclink(<{label}>)[{text(f'Source {number}, ¶{para}')}]"
    return f"#emph[{text(short or '')}]{text(f', ¶{para}')}"


def _typst_table(columns: str, head: list[str] | None, body: list[list[str]]) -> str:
    out = [f"#table(columns: ({columns}),"]
    if head:
        out.append("table.header(" + ", ".join(f"[{c}]" for c in head) + "),")
    out.extend(", ".join(f"[{c}]" for c in cells) + "," for cells in body)
    out.append(")")
    return "\n".join(out)


def _pad(cells: list[str], n: int) -> list[str]:
    return cells + [""] * (n - len(cells))


def column_widths(rows: list[list[str]], ncols: int) -> str:
    """Typst column sizes from the cells' text (each a share of the text width, or ``fr``).

    Short columns (counts, statuses, dates, names) get room for their longest value, never less
    than their longest word, so nothing is squeezed to a letter per line or runs into the next
    cell; long columns share what is left in proportion to their text.
    """
    short: dict[int, tuple[float, float]] = {}  # column -> (wanted %, minimum %)
    long: dict[int, float] = {}
    for i in range(ncols):
        cells = [r[i] for r in rows if i < len(r)] or [""]
        longest = max(len(c) for c in cells)
        word = max((len(w) for c in cells for w in c.split()), default=0)
        if longest <= 24:
            short[i] = (longest * _CHAR + _PAD, word * _CHAR + _PAD)
        else:
            body = [len(c) for c in cells[1:]] or [longest]
            long[i] = max(2.0, (0.6 * sum(body) / len(body) + 0.4 * min(longest, 150)) / 10)
    budget = 100.0 - (30.0 * len(long) if long else 0.0)
    wanted = sum(w for w, _ in short.values())
    if wanted > budget:  # shrink the short columns towards their longest word, evenly
        floor = sum(m for _, m in short.values())
        k = max(0.0, (budget - floor) / (wanted - floor)) if wanted > floor else 0.0
        short = {i: (m + k * (w - m), m) for i, (w, m) in short.items()}
    sizes = [f"{short[i][0]:.1f}%" if i in short else f"{long[i]:.1f}fr" for i in range(ncols)]
    if not long:  # no column to take the rest: let the short ones share it
        sizes = [f"{short[i][0]:.1f}fr" for i in range(ncols)]
    return ", ".join(sizes) + ("," if ncols == 1 else "")


_CHAR = 1.0  # % of the text width one character of table text takes (8.6 pt Libertinus, A4)
_PAD = 2.2  # % for the cell's inset
