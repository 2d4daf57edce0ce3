"""MkDocs hook that every bookgen build and serve loads: it puts bookgen's theme overrides
(``main.html``, which escapes the page <title>) before Material's and the project's templates."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def on_config(config: Any) -> Any:
    config.theme.dirs.insert(0, str(Path(__file__).resolve().parent))
    return config
