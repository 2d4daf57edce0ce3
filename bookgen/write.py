"""Writing the docs tree: only files whose bytes changed, and deleting only files bookgen made.

A manifest (``.bookgen-manifest.json``) in the docs folder lists the files the generator wrote;
stale files are removed only if they are in it. Unchanged files keep their timestamps, so MkDocs'
dirty reload and ``git diff`` see only real changes.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Mapping

MANIFEST = ".bookgen-manifest.json"


@dataclass(frozen=True)
class WriteReport:
    written: tuple[str, ...]
    unchanged: int
    deleted: tuple[str, ...]


def atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _inside(rel: object) -> bool:
    """A manifest entry bookgen could have written: a plain relative path, no '..', no dot-files."""
    if not isinstance(rel, str) or not rel or "\\" in rel or "\0" in rel:
        return False
    parts = PurePosixPath(rel).parts
    return not PurePosixPath(rel).is_absolute() and all(p not in ("..", ".") and not p.startswith(".")
                                                           for p in parts)


def _write_if_changed(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` unless it already holds exactly these bytes; True if written."""
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    atomic_write(path, data)
    return True


def write_tree(out: Path, files: Mapping[str, bytes | str]) -> WriteReport:
    """Make ``out`` hold exactly ``files`` (plus anything bookgen did not create). Text is written
    as UTF-8, encoded one file at a time (a book's pages are not held twice)."""
    out.mkdir(parents=True, exist_ok=True)
    manifest_path = out / MANIFEST
    try:
        listed = json.loads(manifest_path.read_text("utf-8"))
    except (OSError, ValueError):
        listed = []
    previous = {rel for rel in listed if _inside(rel)} if isinstance(listed, list) else set()
    written: list[str] = []
    unchanged = 0
    for rel in sorted(files):
        value = files[rel]
        if _write_if_changed(out / rel, value.encode("utf-8") if isinstance(value, str) else value):
            written.append(rel)
        else:
            unchanged += 1
    deleted = sorted(previous - set(files))
    for rel in deleted:
        target = out / rel
        if target.is_file() and not target.is_symlink() and target.resolve().is_relative_to(out.resolve()):
            target.unlink()
            parent = target.parent
            while parent != out and parent.is_dir() and not any(parent.iterdir()):
                parent.rmdir()
                parent = parent.parent
    # an unchanged tree leaves every file untouched, the manifest too (serve's watcher)
    _write_if_changed(manifest_path, (json.dumps(sorted(files), indent=0) + "\n").encode())
    return WriteReport(tuple(written), unchanged, tuple(deleted))
