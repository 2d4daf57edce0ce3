"""Python's cyclic garbage collector, kept off the data a stage builds.

Each stage allocates millions of small objects that stay alive: YAML values, entities, page
fragments. The collector, triggered by allocation counts, walks the live objects again and again,
and its full collections grow with the heap: at 10,000 sources it took about a third of load,
validate and model (20.2 s with it, 13.4 s without; 1.58 s and 1.35 s at 1,000 sources). The
checking stages make next to no cyclic garbage (about 1,300 objects in a 10,000-source check), so
the collector is paused while they run; reference counting still frees everything as usual.
Rendering would leave cycles behind on every page (Jinja2's contexts and macros); it breaks them
itself (:mod:`bookgen.render`).

When a stage ends in a one-shot command (build, pdf, check, bench), what it made lives until the
process ends, so it is frozen (``gc.freeze``): later collections, MkDocs' included, skip it; what
a command lets go before it goes on (the Book, before MkDocs) is collected then (:func:`let_go`). A long
process (``bookgen serve``, :data:`bookgen.memo.ENABLED`) replaces its Book after every edit, so
there nothing is frozen while a stage runs; instead, once the rebuild that shows an edit has ended,
:func:`tidy_while_idle` collects everything and freezes what is left, so no full collection (about
0.3 s at 1,000 sources) falls inside the next edit's regeneration or MkDocs' rebuild.
"""

from __future__ import annotations

import contextlib
import gc
from typing import Iterator

from bookgen import memo


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """Run the block with the cyclic collector off; nested use is fine, the outer state returns."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            if not memo.ENABLED:
                gc.freeze()  # one-shot: all that is alive now stays so; never walk it again
            gc.enable()


def let_go() -> None:
    """After a stage whose data is no longer needed (``bookgen build`` lets its Book go before
    MkDocs runs): what was frozen is walked once more, so the parts of that data held in reference
    cycles are freed too (frozen, they would stay until the process ends: at 10,000 sources some
    800 MB under MkDocs' build), and what is still alive is frozen again."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def tidy_while_idle() -> None:
    """A full collection, then everything left alive frozen (serve, between edits). Frozen objects
    are still freed by reference counting when dropped; the next call unfreezes them first, so
    cyclic garbage they become (an old MkDocs build's pages and navigation) is collected then."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()
