"""Entity ids: the rule they follow, and distinct types so ids, slugs and paths are not mixed up."""

from __future__ import annotations

import re
import unicodedata
from typing import NewType

EntityId = NewType("EntityId", str)  # an id as written in content: file name without .yaml
PageUrl = NewType("PageUrl", str)  # a page's URL relative to the site root, ending in "/"

ID_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
ID_MAX = 64
WINDOWS_RESERVED = frozenset(
    ["con", "prn", "aux", "nul"] + [f"com{i}" for i in range(10)] + [f"lpt{i}" for i in range(10)]
)
PAGE_RESERVED = frozenset(["index"])  # issues/index.md, actors/index.md, sources/index.md are list pages
ID_RULE = ("ids are 1–64 characters of lower-case ASCII letters, digits and single hyphens "
           "(e.g. 'security-guarantees'), and not a Windows device name such as 'con' or 'nul'")


def shown(value: str, limit: int = 40) -> str:
    """``value`` for a one-line message: cut to ``limit`` characters, anything but printable ASCII
    written as ``\\uXXXX`` (so a newline, a look-alike or a bidi override cannot hide)."""
    out = "".join(ch if " " <= ch <= "~" else f"\\u{ord(ch):04x}" for ch in value[:limit])
    return out + ("…" if len(value) > limit else "")


def _odd_character(value: str) -> str:
    for ch in value:
        if not ("a" <= ch <= "z" or "0" <= ch <= "9" or ch == "-"):
            name = unicodedata.name(ch, "control character")
            return f" (it holds U+{ord(ch):04X} {name})" if not " " <= ch <= "~" else f" (it holds '{ch}')"
    return ""


def id_problem(value: str) -> str | None:
    """Why ``value`` is not a valid id, or None if it is."""
    if not ID_PATTERN.fullmatch(value):
        nfkc = unicodedata.normalize("NFKC", value)
        if nfkc != value:
            return f"id '{shown(value)}' holds look-alike or compatibility characters{_odd_character(value)}; {ID_RULE}"
        return f"id '{shown(value)}' is not allowed{_odd_character(value)}; {ID_RULE}"
    if len(value) > ID_MAX:
        return f"id '{shown(value, 20)}' is {len(value)} characters long; {ID_RULE}"
    if value in WINDOWS_RESERVED:
        return f"id '{value}' is a Windows device name; {ID_RULE}"
    if value in PAGE_RESERVED:
        return f"id '{value}' is taken by the list page of its section (issues/index.md etc.); choose another id"
    return None
