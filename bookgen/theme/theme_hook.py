"""MkDocs hook that every bookgen build and serve loads: it puts bookgen's theme overrides
(``main.html``, which escapes the page <title>) before Material's and the project's templates, and its
fixes to Material's partials (``bookgen/theme_mkdocs/``) just under the project's own overrides, and
in ``bookgen serve`` hands MkDocs' dev server to :mod:`bookgen.site` so a regeneration can ask
for a rebuild at once, and tells it when MkDocs builds; keeps the theme's compiled templates for
the next rebuild; and gives every heading id a namespace of its own (:func:`heading_id`)."""

from __future__ import annotations

import re
from functools import partial
from pathlib import Path
from typing import Any, Callable


HEADING_ID_PREFIX = "h-"
# ids bookgen places itself: annotation anchors a-<id>, paragraphs p<N>, events, claims; and h-
_BOOKGEN_IDS = re.compile(r"(?:a|event|claim|h)-.*|p\d+(?:_\d+)?", re.DOTALL)


def heading_id(value: str, separator: str, slugify: Callable[[str, str], str] | None = None) -> str:
    """The id of a heading: its slug, moved under ``h-`` when it would fall among the ids bookgen
    places itself (``a-<annotation>``, ``p<N>``, ``event-…``, ``claim-…``), so no heading can take
    one over: a source heading "A h script" took annotation ``h-script``'s anchor ``a-h-script``,
    and a heading "p1" the anchor of ¶1. Other headings keep their slug (``#timeline``)."""
    from markdown.extensions.toc import slugify as default

    slug = (slugify or default)(value, separator)
    return HEADING_ID_PREFIX + slug if _BOOKGEN_IDS.fullmatch(slug) else slug


MATERIAL_FIXES = Path(__file__).resolve().parent.parent / "theme_mkdocs"  # bookgen's Material partials


def on_config(config: Any) -> Any:
    # bookgen's Material partials (accessibility fixes) under the project's own overrides
    # (theme.custom_dir), which may replace them; main.html (the escaped <title>) above everything
    dirs = config.theme.dirs
    custom = config.theme.custom_dir
    dirs.insert(dirs.index(custom) + 1 if custom in dirs else 0, str(MATERIAL_FIXES))
    dirs.insert(0, str(Path(__file__).resolve().parent))
    if "toc" in config.markdown_extensions:  # the project's own slugify, if any, is kept under the prefix
        toc = config.mdx_configs.setdefault("toc", {})
        own = toc.get("slugify")
        if not (isinstance(own, partial) and own.func is heading_id):  # not twice for one config
            toc["slugify"] = partial(heading_id, slugify=own)
    return config


def on_pre_build(config: Any) -> None:
    from bookgen import site

    site.build_event(started=True)


def on_post_build(config: Any) -> None:
    from bookgen import site

    site.build_event(started=False)


def on_build_error(error: Exception) -> None:
    from bookgen import site

    site.build_event(started=False)


def on_env(env: Any, config: Any, files: Any) -> Any:
    from bookgen import site

    site.remember_theme_code(env)
    return env


def on_serve(server: Any, config: Any, builder: Any) -> Any:
    from bookgen import servebanner, site

    site.adopt_dev_server(server, config.docs_dir)
    servebanner.install(server, config.docs_dir)  # content errors shown on every served page
    return server
