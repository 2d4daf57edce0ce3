"""What the site cache keeps of each page for MkDocs' anchor check, and gives back only when needed.

After building every page, MkDocs checks each page's links to anchors (``Page.links_to_anchors``)
against the anchor ids of the pages they lead to (``Page.present_anchor_ids``). A page taken from the
cache (:mod:`bookgen.sitecache`) must take part as if it had been rendered. At 10,000 sources these
come to some 130 MB of JSON, over 400 MB once decoded; most of it is never needed, since a cached
page's links can only have broken if a page they lead to was rendered again. So each :class:`Entry`
keeps them as the JSON text it was stored as, and a cached page is given:

* :class:`StoredAnchors`: its anchor ids, decoded when a link into the page is checked;
* :class:`StoredLinks`: its links, decoded when MkDocs checks them, and then only if one of them
  leads to a page rendered in this build, or if not all of them held last time (so a warning a
  clean build would give is given again); otherwise, none (nothing could have broken).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Set
from dataclasses import dataclass
from typing import Any, Callable, Iterator


@dataclass
class Entry:
    """What the cache holds for one page (its HTML and search entries are files named by ``key``):
    its anchor ids and its links to anchors ``{target src_uri: {anchor: link as written}}``, as
    JSON text; the pages those links lead to, one per line; whether every one held when stored."""

    key: str
    title: str | None
    anchors: str
    links: str
    targets: str
    links_ok: bool

    @classmethod
    def of_page(cls, key: str, page: Any) -> Entry:
        """A page as MkDocs built it (its anchors and links checked against the pages they lead to)."""
        links = {f.src_uri: dict(a) for f, a in (page.links_to_anchors or {}).items()}
        return cls(key, page.title, json.dumps(sorted(page.present_anchor_ids or ())), json.dumps(links, sort_keys=True),
                   "\n".join(sorted(links)), links_hold(page))

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Entry:
        return cls(str(data["key"]), data["title"], str(data["anchors"]), str(data["links"]), str(data["targets"]),
                   bool(data["links_ok"]))

    def as_json(self) -> dict[str, Any]:
        return {"key": self.key, "title": self.title, "anchors": self.anchors, "links": self.links,
                "targets": self.targets, "links_ok": self.links_ok}


def links_hold(page: Any) -> bool:
    """Every link of ``page`` to an anchor finds it (as MkDocs' own check would)."""
    for target, anchors in (page.links_to_anchors or {}).items():
        found = target.page.present_anchor_ids if target.page is not None else None
        if found is not None and any(a not in found for a in anchors):
            return False
    return True


class StoredAnchors(Set):  # type: ignore[type-arg]
    """A cached page's anchor ids, decoded the first time a link into the page is checked."""

    def __init__(self, stored: str) -> None:
        self._stored = stored
        self._ids: frozenset[str] | None = None

    def _get(self) -> frozenset[str]:
        if self._ids is None:
            self._ids = frozenset(json.loads(self._stored))
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
            targets = set(entry.targets.split("\n")) if entry.targets else set()
            if entry.links_ok and not targets & self._rendered():
                self._links = {}
            else:
                files = ((self._file_of(t), a) for t, a in json.loads(entry.links).items())
                self._links = {f: a for f, a in files if f is not None}
        return self._links

    def __getitem__(self, target: Any) -> dict[str, str]:
        return self._get()[target]

    def __iter__(self) -> Iterator[Any]:
        return iter(self._get())

    def __len__(self) -> int:
        return len(self._get())
