"""The site cache reads Material's search index as a stream (bookgen/sitecache.py): whatever the
pieces it is read in, it gives the same config and entries as reading it whole."""

from __future__ import annotations

import io
import json

import pytest

from bookgen.sitecache import Restart, _read_index

INDEX = {"config": {"lang": ["en"], "separator": "[\\s\\-]+"},
         "docs": [{"location": f"p{i}/#h-{i}", "title": "t" * i, "text": 'ü"],{' * i} for i in range(40)]}


@pytest.mark.parametrize("size", [1, 2, 7, 64, 1 << 20])
def test_any_piece_size_reads_the_same_index(size: int) -> None:
    config, entries = _read_index(io.StringIO(json.dumps(INDEX, separators=(",", ":"))), size)
    assert config == INDEX["config"] and list(entries) == INDEX["docs"]


def test_an_empty_index() -> None:
    config, entries = _read_index(io.StringIO('{"config":{},"docs":[]}'), 3)
    assert config == {} and list(entries) == []


@pytest.mark.parametrize("text", ['{"docs":[]}', '{"config":{}}', '{"config":{},"docs":[{"location":"a"', ""])
def test_another_shape_restarts_the_build_without_the_cache(text: str) -> None:
    with pytest.raises(Restart):
        config, entries = _read_index(io.StringIO(text), 4)
        list(entries)
