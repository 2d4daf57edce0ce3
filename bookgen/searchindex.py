"""Material's search index, made a page at a time (for :mod:`bookgen.sitecache`).

Material's search plugin keeps every page's entries in memory and writes the index at the end, as
one string and then its bytes: at 10,000 sources some 300 MB of JSON, several times that as Python
objects. bookgen indexes each page instead, as it is written, with the class the plugin itself
indexes pages with (``SearchIndex``, with the plugin's settings), keeps the page's entries in a file,
and has the plugin skip the page (``search: exclude``). The plugin then writes an index with its
settings and no entry, and :func:`rewrite` puts every page's entries into it, a page at a time. The
entries are serialised as the plugin serialises its index, so the file is byte for byte the one it
would have written (a test compares the two).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterable, Mapping

from bookgen.write import atomic_writer


class NotOurs(Exception):
    """The index Material wrote holds entries bookgen did not make (a plugin or hook changed how
    pages are indexed)."""


def page_entries(settings: Mapping[str, Any], page: Any) -> str:
    """A page's search entries as the search plugin would write them, comma-separated, or ''."""
    from material.plugins.search.plugin import SearchIndex

    index = SearchIndex(**settings)
    index.add_entry_from_context(page)
    return ",".join(json.dumps(e, separators=(",", ":"), default=str) for e in index.entries)


def rewrite(index: Path, pages: Iterable[str]) -> None:
    """Write ``index`` again with the entries of ``pages`` (each page's, as :func:`page_entries`
    gave them, in the site's page order), keeping the settings the search plugin wrote into it."""
    try:
        written = json.loads(index.read_text("utf-8"))  # settings, no entry: a few hundred bytes
        if not isinstance(written, dict) or written.keys() != {"config", "docs"} or written["docs"] != []:
            raise NotOurs(f"{index} holds search entries bookgen did not make")
    except ValueError:
        raise NotOurs(f"{index} is not a search index as Material writes it") from None
    with atomic_writer(index) as out:
        out.write(('{"config":' + json.dumps(written["config"], separators=(",", ":"), default=str)
                   + ',"docs":[').encode())
        first = True
        for entries in pages:
            if entries:
                out.write((entries if first else "," + entries).encode())
                first = False
        out.write(b"]}")
