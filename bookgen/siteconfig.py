"""The site engines' configuration: ``build/mkdocs.yml``, written beside the docs tree on every build.

The project's ``mkdocs.yml`` holds the theme, plugins and Markdown settings; the navigation is made
from the book (:func:`bookgen.site.navigation`). The generated file inherits the project's settings
(``INHERIT``, which MkDocs and Zensical both read) and adds what belongs to this build: ``site_name`` (the book's title), ``docs_dir``,
``site_dir``, the ``nav`` and ``not_in_nav``, and paths made relative to ``build/``. So the docs tree
carries its own navigation, and either engine reads it: ``mkdocs build -f build/mkdocs.yml``, or
``bookgen build --engine zensical``. The same book gives the same bytes.

Relative paths the project's file gives are resolved from the generated file's folder, so bookgen
rewrites the ones it knows of (``docs_dir``, ``site_dir``, ``theme.custom_dir``); ``hooks`` are
passed to MkDocs by bookgen (Zensical has none).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

from bookgen.model import Book
from bookgen.pipeline import mkdocs_settings

CONFIG_NAME = "mkdocs.yml"
HEADER = ("# Made by bookgen from the project's mkdocs.yml and the book's navigation, on every build:\n"
          "# do not edit (edit ../mkdocs.yml or the content instead). Read by MkDocs and by Zensical.\n")


def config_path(docs_dir: Path) -> Path:
    """Where the generated configuration goes: beside the docs tree (``build/mkdocs.yml``)."""
    return docs_dir.parent / CONFIG_NAME


def _relative(target: Path, start: Path) -> str:
    return Path(os.path.relpath(target.resolve(), start.resolve())).as_posix()


def engine_settings(root: Path, book: Book, docs_dir: Path, site_dir: Path) -> dict[str, Any]:
    """What the generated file adds to the project's settings (see the module docstring)."""
    from bookgen.site import navigation, not_in_nav

    here = config_path(docs_dir).parent
    own = mkdocs_settings(root)
    settings: dict[str, Any] = {
        "INHERIT": _relative(root / "mkdocs.yml", here),
        "site_name": book.title,  # content/book.yaml's title (the project's site_name if it has none)
        "docs_dir": _relative(docs_dir, here),
        "site_dir": _relative(site_dir, here),
    }
    theme = own.get("theme")
    if isinstance(theme, dict) and isinstance(theme.get("custom_dir"), str):
        settings["theme"] = {"custom_dir": _relative(root / theme["custom_dir"], here)}
    exclude = not_in_nav(book, root)
    if exclude:
        settings["not_in_nav"] = exclude + "\n"
    settings["nav"] = navigation(book)
    return settings


def config_text(settings: dict[str, Any]) -> str:
    return HEADER + yaml.safe_dump(settings, allow_unicode=True, sort_keys=False, width=1000)


def write_config(root: Path, book: Book, docs_dir: Path, site_dir: Path) -> Path:
    """Write ``build/mkdocs.yml`` (only if its bytes changed); returns its path."""
    return write_settings(docs_dir, engine_settings(root, book, docs_dir, site_dir))


def write_settings(docs_dir: Path, settings: dict[str, Any]) -> Path:
    """Write ``build/mkdocs.yml`` with ``settings`` (:func:`engine_settings`), only if its bytes
    changed; returns its path."""
    path = config_path(docs_dir)
    text = config_text(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.is_file() or path.read_text("utf-8") != text:
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_text(text, "utf-8")
        os.replace(tmp, path)
    return path
