"""The pipeline as data: load -> validate -> anchor -> model -> render, and the checks between.

Nothing here writes files. :func:`check` runs the stages that can find problems in content and
returns them all; :func:`make_book` also builds the Book when there are no errors.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import yaml

from bookgen import collector
from bookgen.anchor import Anchoring, anchor
from bookgen.bookmeta import read_book_meta
from bookgen.drift import report_drift
from bookgen.entities import Entities
from bookgen.load import LoadedContent, load_content
from bookgen.model import Book, build_book
from bookgen.parsedcache import ParsedFiles
from bookgen.problems import Problems
from bookgen.validate import validate
from bookgen.voicecheck import check_voices


@dataclass
class CheckResult:
    problems: Problems
    loaded: LoadedContent | None = None
    entities: Entities | None = None
    anchoring: Anchoring | None = None
    book: Book | None = None
    timings: dict[str, float] = field(default_factory=dict)


class _PlainYaml(yaml.SafeLoader):
    """Safe YAML that reads MkDocs' tagged values (``!ENV [...]``, ``!relative``) as null."""


_PlainYaml.add_multi_constructor("!", lambda loader, suffix, node: None)


def mkdocs_settings(root: Path) -> dict[str, Any]:
    """The project's mkdocs.yml as plain data (read safely, never executed); {} if unreadable."""
    try:
        data = yaml.load((root / "mkdocs.yml").read_text("utf-8"), Loader=_PlainYaml)  # noqa: S506 - a SafeLoader
    except (OSError, yaml.YAMLError):
        return {}
    return data if isinstance(data, dict) else {}


def _timed(timings: dict[str, float], name: str, fn: Callable[[], object]) -> object:
    t0 = time.perf_counter()
    out = fn()
    timings[name] = time.perf_counter() - t0
    return out


def check(root: Path, build: bool = True, parsed: ParsedFiles | None = None) -> CheckResult:
    """Load, validate and anchor everything; add warnings; build the Book if there are no errors.
    ``parsed``: content files an earlier build read (``bookgen build``, :mod:`bookgen.parsedcache`)."""
    with collector.paused():
        return _check(root, build, parsed)


def _check(root: Path, build: bool, parsed: ParsedFiles | None = None) -> CheckResult:
    problems = Problems()
    result = CheckResult(problems)
    t = result.timings
    result.loaded = _timed(t, "load", lambda: load_content(root, problems, parsed))  # type: ignore[assignment]
    assert result.loaded is not None
    result.entities = _timed(t, "validate", lambda: validate(result.loaded, problems))  # type: ignore[assignment,arg-type]
    assert result.entities is not None
    result.anchoring = _timed(t, "anchor", lambda: anchor(result.entities, result.loaded.texts, problems))  # type: ignore[assignment,arg-type,union-attr]
    _timed(t, "drift", lambda: report_drift(result.loaded, result.entities, problems))  # type: ignore[arg-type]
    meta = read_book_meta(root, result.loaded, result.entities, problems)
    if problems.errors or not build:
        return result
    result.loaded.release_documents()  # type: ignore[union-attr]
    result.book = _timed(t, "model", lambda: build_book(result.entities, result.loaded.texts,  # type: ignore[assignment,arg-type,union-attr]
                                                         result.anchoring, meta))
    add_warnings(result.book, problems)  # type: ignore[arg-type]
    return result


def add_warnings(book: Book, problems: Problems) -> None:
    """Things that are not wrong but deserve an editor's look."""
    for sid, cov in book.coverage.items():
        src = book.sources[sid]
        for n in cov.unaccounted:
            problems.warning(src.loc.path, src.loc.line, src.loc.col,
                             f"¶{n} of source '{sid}' is neither cited nor listed in left_out: "
                             f"\"{book.block(sid, n).text[:60]}…\"", "paragraph-unaccounted")
    used_actors = {a for ann in book.annotations.values() for a in ann.actors}
    used_actors |= {a for e in book.events.values() for a in e.actors}
    used_actors |= {a.affiliation for a in book.actors.values() if a.affiliation}
    for actor in book.actors.values():
        if actor.id not in used_actors:
            problems.warning(actor.loc.path, actor.loc.line, actor.loc.col,
                             f"actor '{actor.id}' is not named by any annotation or event", "unused-actor")
    for issue in book.issues.values():
        if issue.id not in book.by_issue:
            problems.warning(issue.loc.path, issue.loc.line, issue.loc.col,
                             f"issue '{issue.id}' has no annotation tagged with it", "unused-issue")
    for sid, src in book.sources.items():
        if sid not in book.by_source:
            problems.warning(src.loc.path, src.loc.line, src.loc.col,
                             f"source '{sid}' has no annotations", "unused-source")
    for ann in book.annotations.values():
        if ann.kind != "assessment" and not ann.actors and not ann.issues:
            problems.warning(ann.loc.path, ann.loc.line, ann.loc.col,
                             f"annotation '{ann.id}' names no actor and no issue, so no page lists it",
                             "annotation-unlinked")
    check_voices(book, problems)
