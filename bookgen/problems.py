"""Problems found in content: collected, never raised one at a time.

Every stage appends to a :class:`Problems` list; the CLI prints them all and picks the exit code.
Messages follow ``path:line:col: severity: message [bookgen.code]``.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import asdict, dataclass, field
from typing import Iterator, Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    col: int
    severity: Severity
    message: str
    code: str

    def format(self) -> str:
        return (f"{printable(self.path)}:{self.line}:{self.col}: {self.severity}: "
                f"{printable(self.message)} [bookgen.{self.code}]")

    def format_github(self) -> str:
        kind = "error" if self.severity == "error" else "warning"
        text = f"{printable(self.message)} [bookgen.{self.code}]".replace("%", "%25")
        return f"::{kind} file={printable(self.path)},line={self.line},col={self.col}::{text}"


def printable(text: str) -> str:
    """``text`` safe for a terminal or CI log line: control and format characters (newlines,
    terminal escape sequences, bidi overrides) quoted from content are written as ``\\uXXXX``."""
    return "".join(f"\\u{ord(ch):04x}" if unicodedata.category(ch) in ("Cc", "Cf") else ch
                   for ch in text)


@dataclass
class Problems:
    """An ordered collection of problems found so far."""

    items: list[Problem] = field(default_factory=list)

    def error(self, path: str, line: int, col: int, message: str, code: str) -> None:
        self.items.append(Problem(path, line, col, "error", message, code))

    def warning(self, path: str, line: int, col: int, message: str, code: str) -> None:
        self.items.append(Problem(path, line, col, "warning", message, code))

    def extend(self, other: "Problems") -> None:
        self.items.extend(other.items)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "warning"]

    def __iter__(self) -> Iterator[Problem]:
        return iter(self.sorted())

    def __len__(self) -> int:
        return len(self.items)

    def sorted(self) -> list[Problem]:
        """Problems in file order, duplicates removed."""
        return sorted(set(self.items), key=lambda p: (p.path, p.line, p.col, p.code, p.message))

    def render(self, fmt: str = "text") -> str:
        items = self.sorted()
        if fmt == "json":
            return json.dumps([asdict(p) for p in items], indent=2, ensure_ascii=False) + "\n"
        if fmt == "github":
            return "".join(p.format_github() + "\n" for p in items)
        return "".join(p.format() + "\n" for p in items)


class ContentError(Exception):
    """Raised by a stage that cannot go on; carries every problem found so far."""

    def __init__(self, problems: Problems):
        super().__init__(f"{len(problems.errors)} error(s) in content")
        self.problems = problems
