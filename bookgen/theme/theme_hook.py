"""MkDocs hook that every bookgen build and serve loads: it puts bookgen's theme overrides
(``main.html``, which escapes the page <title>) before Material's and the project's templates, and
in ``bookgen serve`` hands MkDocs' dev server to :mod:`bookgen.site` so a regeneration can ask
for a rebuild at once, and tells it when MkDocs builds; keeps the theme's compiled templates for
the next rebuild."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def on_config(config: Any) -> Any:
    config.theme.dirs.insert(0, str(Path(__file__).resolve().parent))
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
