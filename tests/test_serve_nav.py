"""``bookgen serve`` follows the book's structure (bookgen/servenav.py): a page added or removed
joins or leaves the navigation of every served page, the unchanged ones included, without a restart."""

from __future__ import annotations

import json
import time
from pathlib import Path

from hostile_support import copy_project, fetch_until, serving

from bookgen import servenav
from bookgen.pipeline import check

ACTOR = "name: Gamma Delta\nkind: person\nrole: Envoy\n"


def test_an_added_actor_joins_and_a_removed_one_leaves_the_served_navigation(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "book")
    added = root / "content" / "actors" / "gamma.yaml"
    with serving(root) as base:
        assert "Gamma Delta" not in fetch_until(f"{base}/method/")
        added.write_text(ACTOR, "utf-8")
        fetch_until(f"{base}/method/", wanted="Gamma Delta")  # a page the new actor did not change
        fetch_until(f"{base}/actors/gamma/", wanted="Gamma Delta")
        added.unlink()
        html = fetch_until(f"{base}/method/", wanted="How this book is made")
        for _ in range(600):  # at most two minutes
            if "Gamma Delta" not in html:
                break
            time.sleep(0.2)
            html = fetch_until(f"{base}/method/")
        assert "Gamma Delta" not in html


def test_the_nav_hook_gives_each_rebuild_the_recorded_navigation(tmp_path: Path) -> None:
    """The hook replaces the navigation serve started with by the one recorded last."""
    from mkdocs.config import load_config

    from bookgen.commands import Paths, serve_settings

    root = copy_project(tmp_path / "book")
    paths = Paths(root)
    paths.docs.mkdir(parents=True)
    book = check(root).book
    assert book is not None
    started = serve_settings(paths, book)
    (root / "content" / "actors" / "gamma.yaml").write_text(ACTOR, "utf-8")
    grown = check(root).book
    assert grown is not None
    assert servenav.write_nav(grown, root, paths.docs)
    assert not servenav.write_nav(grown, root, paths.docs)  # unchanged: not written again
    config = load_config(config_file=str(root / "mkdocs.yml"), **started)
    config = config.plugins.on_config(config)
    assert "Gamma Delta" in json.dumps(config.nav) and "Gamma Delta" not in json.dumps(started["nav"])
    assert config.nav == servenav.settings(grown, root)["nav"]
