"""What is left of a document that failed its schema, so one mistake does not hide the others.

The validate stage reports every schema error of a file, then builds what remains once each
broken node is taken out: an unknown field is dropped, an annotation missing a required field is
left out of the list, a mistyped value goes. Taking out a node can break its parent (a required
field gone, a list left empty), so the check runs again on what is left until it passes or nothing
is left. List items keep their original positions for messages (:meth:`Salvaged.original_path`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bookgen.schemas import validator

MAX_ROUNDS = 16  # each round removes at least one node; deeper files than this are not salvaged

Path = tuple[Any, ...]


@dataclass
class Salvaged:
    """The data left, and for each list that lost items, the original index of each kept one."""

    data: Any
    kept: dict[int, list[int]] = field(default_factory=dict)  # id(list in data) -> original indexes

    def original_path(self, path: Path) -> Path:
        """``path`` into :attr:`data` as a path into the document as written."""
        node, out = self.data, []
        for step in path:
            if isinstance(step, int) and isinstance(node, list):
                out.append(self.kept.get(id(node), range(len(node)))[step])
            else:
                out.append(step)
            try:
                node = node[step]
            except (KeyError, IndexError, TypeError):
                return tuple(out) + tuple(path[len(out):])
        return tuple(out)


_GONE = object()


def _broken_paths(data: Any, schema_name: str) -> set[Path]:
    broken: set[Path] = set()
    for error in validator(schema_name).iter_errors(data):
        path = tuple(error.absolute_path)
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            allowed = error.schema.get("properties", {})
            broken.update(path + (k,) for k in error.instance if k not in allowed)
        else:
            broken.add(path)
    return broken


def _without(node: Any, path: Path, broken: set[Path], old: Salvaged, new: Salvaged) -> Any:
    if path in broken:
        return _GONE
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            kept = _without(value, path + (key,), broken, old, new)
            if kept is not _GONE:
                out[key] = kept
        return out
    if isinstance(node, list):
        before = old.kept.get(id(node), list(range(len(node))))
        items, origin = [], []
        for i, value in enumerate(node):
            kept = _without(value, path + (i,), broken, old, new)
            if kept is not _GONE:
                items.append(kept)
                origin.append(before[i])
        if origin != list(range(len(node))) or id(node) in old.kept:
            new.kept[id(items)] = origin
        return items
    return node


def salvage(data: Any, schema_name: str) -> Salvaged | None:
    """What is left of ``data`` once every node its schema rejects is taken out (repeatedly), or
    None when that is the whole document."""
    current = Salvaged(data)
    for _ in range(MAX_ROUNDS):
        broken = _broken_paths(current.data, schema_name)
        if not broken:
            return current
        if () in broken:
            return None
        nxt = Salvaged(None)
        nxt.data = _without(current.data, (), broken, current, nxt)
        current = nxt
    return None
