"""``bookgen serve`` follows the book's structure: a page added or removed joins or leaves the navigation.

MkDocs' dev server loads its configuration again before every rebuild, but the navigation bookgen
passes it (``nav=``, ``not_in_nav=``, ``site_name=``) is the one serve started with. After every
regeneration, :func:`write_nav` records the current navigation beside the docs tree
(``build/serve-nav.json``); this module is also an MkDocs hook, and its ``on_config`` puts that
navigation into each rebuild's configuration. Serve builds dirty (only changed pages), and the
navigation is on every page, so when it changes every page is marked changed (its time stamp).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from bookgen.model import Book

NAV_FILE = "serve-nav.json"
HOOK = Path(__file__).resolve()


def nav_file(docs_dir: Path | str) -> Path:
    return Path(docs_dir).parent / NAV_FILE


def settings(book: Book, root: Path) -> dict[str, Any]:
    """The configuration that follows the book: its title, navigation and pages left out of it."""
    from bookgen.site import navigation, not_in_nav

    return {"site_name": book.title, "nav": navigation(book), "not_in_nav": not_in_nav(book, root)}


def write_nav(book: Book, root: Path, docs_dir: Path) -> bool:
    """Record the book's navigation for serve's next rebuild; True if it changed, and then every
    page of the docs tree is marked changed, so MkDocs' dirty rebuild renders each with it."""
    path = nav_file(docs_dir)
    text = json.dumps(settings(book, root), ensure_ascii=False, sort_keys=True)
    try:
        if path.read_text("utf-8") == text:
            return False
    except OSError:
        pass
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, "utf-8")
    os.replace(tmp, path)
    for page in docs_dir.rglob("*.md"):
        os.utime(page)
    return True


def on_config(config: Any) -> Any:
    """MkDocs hook (serve only): the navigation of the last regeneration, if one was recorded."""
    from mkdocs.config import config_options

    try:
        data = json.loads(nav_file(config.docs_dir).read_text("utf-8"))
    except (OSError, ValueError):
        return config
    config.site_name = data["site_name"]
    config.nav = data["nav"]
    config.not_in_nav = config_options.PathSpec().validate(data["not_in_nav"]) if data["not_in_nav"] else None
    return config
