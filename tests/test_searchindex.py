"""Material's search index written a page at a time (bookgen/searchindex.py). That every page's
entries are the search plugin's own, and the index the file it writes, is checked by the site
builds of tests/test_incremental_build.py, which compare it with a build without bookgen's cache."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bookgen.searchindex import NotOurs, rewrite

CONFIG = {"lang": ["en"], "separator": "[\\s\\-]+", "pipeline": ["stopWordFilter"]}


def _entries(*docs: dict) -> str:
    return ",".join(json.dumps(d, separators=(",", ":")) for d in docs)


def test_the_index_is_the_one_material_writes_whole(tmp_path: Path) -> None:
    index = tmp_path / "search_index.json"
    index.write_text(json.dumps({"config": CONFIG, "docs": []}, separators=(",", ":")), "utf-8")
    pages = [[{"location": "", "title": "Home", "text": "ü \"quoted\" ],{"}],
             [],  # a page with no entry (excluded from search)
             [{"location": "a/", "title": "A", "text": ""}, {"location": "a/#x", "title": "X", "text": "x"}]]
    rewrite(index, (_entries(*docs) for docs in pages))
    whole = json.dumps({"config": CONFIG, "docs": [d for docs in pages for d in docs]}, separators=(",", ":"))
    assert index.read_text("utf-8") == whole
    assert [p.name for p in tmp_path.iterdir()] == ["search_index.json"]  # no temporary file left


@pytest.mark.parametrize("written", ['{"config":{},"docs":[{"location":"x/"}]}', '{"docs":[]}', "{", ""])
def test_an_index_bookgen_did_not_make_is_refused(tmp_path: Path, written: str) -> None:
    index = tmp_path / "search_index.json"
    index.write_text(written, "utf-8")
    with pytest.raises(NotOurs):
        rewrite(index, iter(["{}"]))
    assert index.read_text("utf-8") == written  # left as it was
