"""Content files parsed by an earlier ``bookgen build``, kept so an unchanged file is not parsed again.

Reading 25,000 YAML files is most of ``bookgen check`` at 10,000 sources, and a pull request changes a
few of them. ``bookgen build`` keeps, in its cache folder (``parsed.marshal``), the value of every
content file that was read without any problem, keyed by the sha256 of the file's bytes; the next
build takes the value of a file whose bytes are unchanged instead of parsing it. Only a file that
gave no problem at all is kept, so every error and warning is reported on every build, and the
value is the one the parser built (written with :mod:`marshal`, which keeps plain values, their
types and their interned strings exactly; it is Python's own format, written and read only here).

The file also names bookgen's parser code and PyYAML's version: a change to either drops it. It is
a cache: missing, damaged or of another version, it is ignored, and nothing else reads it.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import marshal
from pathlib import Path
from typing import Any

from bookgen.write import atomic_write

FILE = "parsed.marshal"


def parser_version() -> str:
    """What a parsed value depends on besides the file: bookgen's YAML reader and PyYAML."""
    from bookgen import yamlstrict

    code = Path(yamlstrict.__file__).read_bytes()
    return hashlib.sha256(code + importlib.metadata.version("pyyaml").encode()).hexdigest()


class ParsedFiles:
    """The values kept by the last build (read from ``folder``) and those of this one."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.version = parser_version()
        self._old: dict[bytes, bytes] = self._read() if folder is not None else {}
        self._now: dict[bytes, bytes] = {}
        self.hits = 0

    def _read(self) -> dict[bytes, bytes]:
        assert self.folder is not None
        try:
            data = marshal.loads((self.folder / FILE).read_bytes())
            if isinstance(data, dict) and data.get("version") == self.version and isinstance(data.get("files"), dict):
                return data["files"]  # type: ignore[no-any-return]
        except (OSError, ValueError, EOFError, TypeError):
            pass
        return {}

    def get(self, digest: bytes) -> tuple[bool, Any]:
        """(True, value) if a file with these bytes was read without problems last time."""
        stored = self._old.get(digest)
        if stored is None:
            return False, None
        try:
            value = marshal.loads(stored)
        except (ValueError, EOFError, TypeError):
            return False, None
        self._now[digest] = stored
        self.hits += 1
        return True, value

    def put(self, digest: bytes, value: Any) -> None:
        """Keep the value of a file read without problems (written now: later stages may change it)."""
        try:
            self._now[digest] = marshal.dumps(value)
        except ValueError:  # not a plain value: not kept
            pass

    def save(self) -> None:
        """Write what this build read (files no longer there are dropped), unless nothing changed."""
        if self.folder is None or (self._now.keys() == self._old.keys()):
            return
        atomic_write(self.folder / FILE, marshal.dumps({"version": self.version, "files": self._now}))
