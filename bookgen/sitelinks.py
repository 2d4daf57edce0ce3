"""What the site cache keeps of each page for MkDocs' anchor check, and gives back only when needed.

After building every page, MkDocs checks each page's links to anchors (``Page.links_to_anchors``)
against the anchor ids of the pages they lead to (``Page.present_anchor_ids``). A page taken from the
cache (:mod:`bookgen.sitecache`) must take part as if it had been rendered. At 10,000 sources these
come to some 130 MB of JSON, over 400 MB once decoded; most of it is never needed, since a cached
page's links can only have broken if a page they lead to was rendered again. So they stay in the
manifest file (:class:`Manifest`, a line per page) until asked for, and a cached page is given:

* :class:`StoredAnchors`: its anchor ids, decoded when a link into the page is checked;
* :class:`StoredLinks`: its links, decoded when MkDocs checks them, and then only if one of them
  leads to a page rendered in this build, or if not all of them held last time (so a warning a
  clean build would give is given again); otherwise, none (nothing could have broken).
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Mapping, Set
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator, TextIO

from bookgen.write import atomic_writer


MANIFEST = "manifest.lines"
FORMAT = 3  # a JSON header line, then a line per page (Entry.line); 2 and before: one JSON document


@dataclass
class Entry:
    """What the cache holds for one page (its HTML and search entries are files named by ``key``):
    whether all its links to anchors held when stored; the pages they lead to (a JSON list); and,
    from ``stored()``, its anchor ids and its links ``{target src_uri: {anchor: link as written}}``
    as JSON text: kept in memory for a page rendered now, read from the manifest when asked for."""

    key: str
    title: str | None
    links_ok: bool
    targets: str
    stored: Callable[[], tuple[str, str]]

    @classmethod
    def of_page(cls, key: str, page: Any) -> Entry:
        """A page as MkDocs built it (its anchors and links checked against the pages they lead to)."""
        links = {f.src_uri: dict(a) for f, a in (page.links_to_anchors or {}).items()}
        both = (json.dumps(sorted(page.present_anchor_ids or ())), json.dumps(links, sort_keys=True))
        return cls(key, page.title, links_hold(page), json.dumps(sorted(links)), lambda: both)

    def line(self, src: str) -> str:
        """The page's line in the manifest: tab-separated fields, none holding a tab or a newline
        (JSON escapes them), so a reader can split it without decoding the anchors and links."""
        anchors, links = self.stored()
        return "\t".join([json.dumps(src), self.key, json.dumps(self.title), "1" if self.links_ok else "0",
                          self.targets, anchors, links]) + "\n"


class Manifest:
    """The manifest of the last build in ``folder``, read a line at a time: each page's anchors and
    links stay in the file (open until :meth:`close`) until someone asks for them."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / MANIFEST
        self._file: TextIO | None = None

    def read(self) -> tuple[dict[str, Any], dict[str, Entry]] | None:
        """The header (digest, nav, files) and every page's entry; None if missing, of another
        format or damaged."""
        try:
            self._file = f = self.path.open("r", encoding="ascii", newline="\n")
            header = json.loads(f.readline())
            if not isinstance(header, dict) or header.get("format") != FORMAT:
                return None
            pages = {}
            while True:
                offset = f.tell()
                line = f.readline()
                if not line:
                    break
                src, key, title, ok, targets, _, _ = line.rstrip("\n").split("\t")
                pages[json.loads(src)] = Entry(key, json.loads(title), ok == "1", targets,
                                               functools.partial(self._stored, offset))
            return header, pages
        except (OSError, ValueError, TypeError):
            return None

    def _stored(self, offset: int) -> tuple[str, str]:
        assert self._file is not None
        self._file.seek(offset)
        fields = self._file.readline().rstrip("\n").split("\t")
        return fields[5], fields[6]

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


def write_manifest(folder: Path, header: dict[str, Any], pages: dict[str, Entry]) -> None:
    """Write the manifest whole or not at all, a line at a time (no text of it all in memory)."""
    with atomic_writer(folder / MANIFEST) as f:
        f.write((json.dumps({**header, "format": FORMAT}, sort_keys=True) + "\n").encode("ascii"))
        for src in sorted(pages):
            f.write(pages[src].line(src).encode("ascii"))


def links_hold(page: Any) -> bool:
    """Every link of ``page`` to an anchor finds it (as MkDocs' own check would)."""
    for target, anchors in (page.links_to_anchors or {}).items():
        found = target.page.present_anchor_ids if target.page is not None else None
        if found is not None and any(a not in found for a in anchors):
            return False
    return True


def pack(page: Any) -> None:
    """A page just rendered keeps, until MkDocs' anchor check after the last page, its anchor ids
    and its links to anchors: at 10,000 sources some 40 KB a page as MkDocs holds them (a dict and
    two strings a link). The same, smaller: the ids one string each across pages (``fn:1``,
    ``fnref:1``... recur on every page), the links a string per page linked to (:class:`PackedLinks`)."""
    if page.present_anchor_ids is not None:
        page.present_anchor_ids = frozenset(sys.intern(a) for a in page.present_anchor_ids)
    links = page.links_to_anchors
    if links and not any(PackedLinks.SEP in a + u for anchors in links.values() for a, u in anchors.items()):
        page.links_to_anchors = PackedLinks(links)


class PackedLinks(Mapping):  # type: ignore[type-arg]
    """A page's links to anchors ``{target File: {anchor: link as written}}``, each target's links
    kept as one string and given back as a new dict when asked for (MkDocs reads each once)."""

    SEP = "\0"  # a page with a link or anchor holding it is not packed

    def __init__(self, links: Mapping[Any, Mapping[str, str]]) -> None:
        self._packed = {target: self.SEP.join(f"{a}{self.SEP}{u}" for a, u in anchors.items())
                        for target, anchors in links.items()}

    def __getitem__(self, target: Any) -> dict[str, str]:
        parts = self._packed[target].split(self.SEP)
        return dict(zip(parts[::2], parts[1::2]))

    def __iter__(self) -> Iterator[Any]:
        return iter(self._packed)

    def __len__(self) -> int:
        return len(self._packed)


class StoredAnchors(Set):  # type: ignore[type-arg]
    """A cached page's anchor ids, read and decoded the first time a link into the page is checked."""

    def __init__(self, entry: Entry) -> None:
        self._entry = entry
        self._ids: frozenset[str] | None = None

    def _get(self) -> frozenset[str]:
        if self._ids is None:
            self._ids = frozenset(json.loads(self._entry.stored()[0]))
        return self._ids

    def __contains__(self, anchor: object) -> bool:
        return anchor in self._get()

    def __iter__(self) -> Iterator[str]:
        return iter(self._get())

    def __len__(self) -> int:
        return len(self._get())


class StoredLinks(Mapping):  # type: ignore[type-arg]
    """A cached page's links to anchors, for MkDocs' check after every page is built (see the
    module docstring). ``rendered()`` gives the pages rendered in this build (known by then);
    ``file_of`` a page's MkDocs File by its src_uri, or None if it is gone."""

    def __init__(self, entry: Entry, rendered: Callable[[], Set[str]], file_of: Callable[[str], Any]) -> None:
        self._entry = entry
        self._rendered = rendered
        self._file_of = file_of
        self._links: dict[Any, dict[str, str]] | None = None

    @property
    def checked(self) -> bool:
        """MkDocs checked these links in this build (they were decoded)."""
        return bool(self._links)

    def _get(self) -> dict[Any, dict[str, str]]:
        if self._links is None:
            entry = self._entry
            if entry.links_ok and not set(json.loads(entry.targets)) & self._rendered():
                self._links = {}
            else:
                files = ((self._file_of(t), a) for t, a in json.loads(entry.stored()[1]).items())
                self._links = {f: a for f, a in files if f is not None}
        return self._links

    def __getitem__(self, target: Any) -> dict[str, str]:
        return self._get()[target]

    def __iter__(self) -> Iterator[Any]:
        return iter(self._get())

    def __len__(self) -> int:
        return len(self._get())
