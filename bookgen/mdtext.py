"""Text from content, made safe for the generated Markdown dialect.

Both Markdown readers (Python-Markdown inside MkDocs, markdown-it-py for print) must show an
editor's text *as typed*: no HTML, no links, no emphasis, no attribute lists, no snippet includes.
:func:`escape` backslash-escapes the punctuation both readers agree on, writes ``& < > | ^`` as
entities, makes invisible control and bidi characters visible, and folds white space to one line.
:class:`Md` marks strings that are already safe Markdown, produced by bookgen itself.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Callable, Iterable

from markupsafe import Markup

BACKSLASHED = set("\\`*_[]{}#!")
# '^' only matters before '[' (an inline footnote for markdown-it), which bookgen's own links make;
# Python-Markdown cannot backslash-escape it, so it is an entity like '|'
ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "|": "&#124;", "^": "&#94;"}
_SPACE = re.compile(r"\s+")
_LINE_START = re.compile(r"^(\d+)([.)])")
_BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")


class Md(Markup):
    """A string that is already Markdown; templates output it unescaped.

    It subclasses markupsafe's Markup so that Jinja2's autoescaping (switched on, with
    :func:`escape` as the finalizer) passes it through and escapes everything else for Markdown.
    """


as_md: Callable[[str], Md] = functools.partial(str.__new__, Md)  # type: ignore[assignment]
"""``Md(text)`` for a plain ``str``, without markupsafe's checks for other types (pages make
hundreds of thousands)."""


def _visible(ch: str) -> str:
    """An invisible character named as [U+XXXX]; the brackets escaped, so that no reader takes
    the name for link text or (after a '^') an inline footnote."""
    return f"\\[U+{ord(ch):04X}\\]"


class _CharTable(dict[int, str]):
    """Each character's escaped form, worked out on first use (for ``str.translate``)."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        if ch in BACKSLASHED:
            out = "\\" + ch
        elif ch in ENTITIES:
            out = ENTITIES[ch]
        elif ch in _BIDI or (unicodedata.category(ch) in ("Cc", "Cf", "Co", "Cs") and ch != "\u00ad"):
            out = _visible(ch)
        else:
            out = ch
        self[code] = out
        return out


_CHARS = _CharTable()


def escape(value: object) -> Md:
    """Escape any value's text for inline use in generated Markdown."""
    if type(value) is Md:  # already Markdown (most values a template prints: keep the object)
        return value
    if isinstance(value, Markup):  # a template macro's output: already Markdown
        return as_md(value)
    return _escape_text(str(value))


def escape_once(text: str) -> Md:
    """:func:`escape` of text a build escapes only once (an article's paragraph, a quote, a note
    whose escaped form the caller keeps): not remembered, so it does not push out what recurs."""
    if not text.isprintable() or "  " in text:  # other white space than single spaces (unprintable)
        text = _SPACE.sub(" ", text)
    result = text.translate(_CHARS)
    lead = result[: len(result) - len(result.lstrip(" "))]  # line-start syntax may follow spaces
    result = result[len(lead):]
    if result[:1].isdecimal():  # what \d matches
        result = _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), result)
    elif result[:1] in ("-", "+", "=", ":", "~"):
        result = {"-": "\\-", "+": "\\+", "=": "&#61;", ":": "&#58;", "~": "&#126;"}[result[0]] + result[1:]
    return as_md(lead + result)


_escape_text = functools.lru_cache(maxsize=1 << 16)(escape_once)  # names, titles, dates recur on every page


def with_heard_as(escaped: Md, heard_as: Iterable[tuple[str, str]]) -> Md:
    """Escaped text with what is meant after each word the source mis-heard: ``Mertz [Merz]``
    (``heard_as``: pairs of the source's wording and what it means; whole words only)."""
    out = str(escaped)
    for heard, meant in heard_as:
        word = re.escape(heard.translate(_CHARS))
        out = re.sub(rf"(?<!\w)({word})(?!\w)", lambda m: f"{m.group(1)} \\[{escape_once(meant)}\\]", out)
    return as_md(out)


def link(text: object, url: str, title: str | None = None) -> Md:
    """A Markdown link with escaped text to a URL bookgen made (never a URL from content)."""
    return as_md(f"[{escape(text)}]({url})")


def html_attr(value: str) -> str:
    """Escape a value bookgen puts inside a raw-HTML attribute."""
    return "".join(ENTITIES.get(ch, ch) for ch in value).replace('"', "&quot;")
