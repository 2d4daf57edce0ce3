"""The cyclic collector is paused inside a stage and comes back as it was, even on errors; a
one-shot process freezes what the stage made, a long one (serve) does not."""

from __future__ import annotations

import gc
from typing import Iterator

import pytest

from bookgen import collector, memo


@pytest.fixture(autouse=True)
def thawed() -> Iterator[None]:
    yield
    gc.unfreeze()


def test_paused_turns_the_collector_off_and_back_on() -> None:
    assert gc.isenabled()
    with collector.paused():
        assert not gc.isenabled()
        with collector.paused():  # nested: the inner block must not turn it back on early
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_paused_restores_on_error_and_leaves_a_disabled_collector_disabled() -> None:
    with pytest.raises(ValueError):
        with collector.paused():
            raise ValueError("boom")
    assert gc.isenabled()
    gc.disable()
    try:
        with collector.paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_one_shot_freezes_what_the_stage_made_and_serve_does_not(monkeypatch: pytest.MonkeyPatch) -> None:
    gc.unfreeze()
    monkeypatch.setattr(memo, "ENABLED", False)
    with collector.paused():
        made = [[] for _ in range(1000)]
    assert gc.get_freeze_count() >= len(made)
    gc.unfreeze()
    monkeypatch.setattr(memo, "ENABLED", True)
    with collector.paused():
        made = [[] for _ in range(1000)]
    assert gc.get_freeze_count() == 0



def test_tidy_while_idle_collects_cycles_even_among_frozen_objects_and_freezes_the_rest() -> None:
    """serve, between edits: garbage made frozen by the last tidy is collected by the next one."""
    import weakref

    class Node:
        pass

    gc.unfreeze()
    cycle = Node()
    cycle.me = cycle  # type: ignore[attr-defined]
    gone = weakref.ref(cycle)
    kept = [Node() for _ in range(100)]
    collector.tidy_while_idle()
    assert gc.get_freeze_count() >= len(kept)
    del cycle  # now cyclic garbage, but frozen: only the next tidy may free it
    gc.collect()
    assert gone() is not None
    collector.tidy_while_idle()
    assert gone() is None
