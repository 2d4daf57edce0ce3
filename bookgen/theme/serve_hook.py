"""MkDocs hook used by ``bookgen serve``: put bookgen's theme overrides (``main.html``, which escapes
the page <title>) before Material's templates, as :func:`bookgen.site.mkdocs_config` does for builds."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def on_config(config: Any) -> Any:
    config.theme.dirs.insert(0, str(Path(__file__).resolve().parent))
    return config
