"""Whether this process remembers parsed content between checks.

A long process (``bookgen serve``) checks the book again after every edit; it keeps each parsed
YAML document, each schema verdict, each document's built entities and each split source text,
keyed by the exact bytes they came from, so only changed files are read again (:mod:`bookgen.load`,
:mod:`bookgen.validate`). A one-shot build reads everything once: remembering would only hold
every YAML document, with its positions, in memory for the rest of the build (about a quarter of
the peak at 10,000 sources), so it is off unless :func:`enable` was called.
"""

from __future__ import annotations

ENABLED = False


def enable() -> None:
    global ENABLED
    ENABLED = True
