"""What the last ``bookgen build`` rendered, so the next one renders only the pages an edit can change.

``bookgen serve`` keeps the last Book in memory (:class:`bookgen.incremental.IncrementalRenderer`);
a build is a new process, so it keeps instead, in the page cache folder (``render-state.json``):

* a digest of everything but the annotations: every file under ``content/`` other than
  ``content/annotations/``, every file under ``seeds/``, the templates, ``mkdocs.yml``, bookgen's
  own code, the versions of the libraries rendering depends on and whether the build makes the full
  book (the Book and its pages are a function of these);
* the digest of each annotation file's bytes and, for each annotation, a digest of what it holds
  (all but where it is written), a digest of the same without its wording, and the pages it is
  listed on (its homes);
* per source, a digest of its coverage and of its annotations' order;
* the pages as written (size and modification time, to notice a docs tree changed since) and
  which annotations each cites.

Pages are rendered again, all of them, when any of the first group changed, the set of pages or
dates changed, a page file is missing or was changed, or there is no state; otherwise only the
pages :func:`bookgen.incremental.pages_to_render` names for the annotations of the changed
annotation files (the same rule serve uses). Tests compare the result with a full render.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib.metadata
import io
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Sequence

from bookgen import pagekinds
from bookgen.entities import Annotation
from bookgen.incremental import WORDING, AnnotationChange, cited_ids, pages_to_render
from bookgen.load import display_path
from bookgen.model import Book
from bookgen.write import atomic_writer

FORMAT = 1
STATE_FILE = "render-state.json"
PACKAGE = Path(__file__).resolve().parent
RENDERING_DEPENDENCIES = ("jinja2", "markupsafe", "markdown-it-py", "pyyaml")  # their versions count too
_ANNOTATION_FIELDS = tuple(f.name for f in dataclasses.fields(Annotation) if f.name not in ("loc", "quote_loc"))
_NOT_WORDING = tuple(f for f in _ANNOTATION_FIELDS if f not in WORDING)


def _sha(data: bytes | str) -> str:
    return hashlib.sha256(data.encode() if isinstance(data, str) else data).hexdigest()


def _files(folder: Path, skip: Path | None = None) -> Iterator[Path]:
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames.sort()
        if skip is not None and Path(dirpath) == skip.parent:
            dirnames[:] = [d for d in dirnames if d != skip.name]
        for name in sorted(filenames):
            yield Path(dirpath) / name


def inputs_digest(root: Path, templates: Path, full: bool) -> str:
    """The digest of every input but the annotation files (see the module's description)."""
    h = hashlib.sha256(f"bookgen-render-state {FORMAT} full={full}\0".encode())
    for dist in RENDERING_DEPENDENCIES:
        h.update(f"{dist} {importlib.metadata.version(dist)}\0".encode())
    content = root / "content"
    groups = [(content, content / "annotations"), (root / "seeds", None), (templates, None), (PACKAGE, None)]
    for folder, skip in groups:
        for f in _files(folder, skip) if folder.is_dir() else ():
            if f.suffix == ".pyc":
                continue
            h.update(f"{f.relative_to(folder.parent).as_posix()}\0".encode())
            h.update(_sha(f.read_bytes()).encode())
    config = root / "mkdocs.yml"
    h.update(config.read_bytes() if config.is_file() else b"no mkdocs.yml")
    return h.hexdigest()


def annotation_digests(ann: Annotation, book: Book) -> tuple[str, str]:
    """(everything the pages can show of ``ann`` and its anchor, its fields but the wording: the
    digests serve's ``_wording_only`` comparison needs)."""
    values = [getattr(ann, f) for f in _ANNOTATION_FIELDS]
    anchor = book.anchors.get(ann.id)
    return _sha(repr((values, anchor))), _sha(repr([getattr(ann, f) for f in _NOT_WORDING]))


def _annotation_state(ann: Annotation, book: Book) -> AnnotationState:
    homes = sorted(sys.intern(p) for p in pagekinds.annotation_pages(book, ann))  # shared by the annotations of a page
    return AnnotationState(ann.loc.path, *annotation_digests(ann, book), homes)


def _source_digest(book: Book, sid: str) -> str:
    return _sha(repr((book.coverage.get(sid), [a.id for a in book.by_source.get(sid, ())])))


@dataclass(slots=True)
class AnnotationState:
    file: str
    digest: str
    structure: str  # the digest without the wording
    homes: list[str]


@dataclass
class RenderState:
    """One build's record (see the module's description)."""

    inputs: str = ""
    paths: list[str] = field(default_factory=list)
    dates: list[str] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)  # annotation file -> digest of its bytes
    annotations: dict[str, AnnotationState] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    pages: dict[str, list[int]] = field(default_factory=dict)  # page -> [size, mtime_ns] as written
    cites: dict[str, Sequence[str]] = field(default_factory=dict)  # page -> annotations it cites, sorted

    @classmethod
    def read(cls, folder: Path) -> RenderState | None:
        """The state in ``folder``, or None if there is none or it cannot be read."""
        try:
            data = json.loads((folder / STATE_FILE).read_text("utf-8"))
            if data.get("format") != FORMAT:
                return None
            # page paths and ids recur (a page's, on many annotations; an id, on many pages): one string each
            anns = {sys.intern(k): AnnotationState(f, d, s, [sys.intern(p) for p in homes])
                    for k, (f, d, s, homes) in data["annotations"].items()}
            cites = {p: tuple(sys.intern(i) for i in ids) for p, ids in data["cites"].items()}
            return cls(data["inputs"], data["paths"], data["dates"], data["files"], anns, data["sources"],
                       data["pages"], cites)
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None

    def write(self, folder: Path) -> None:
        data: dict[str, Any] = {"format": FORMAT, "inputs": self.inputs, "paths": self.paths, "dates": self.dates,
                                "files": self.files, "sources": self.sources, "pages": self.pages, "cites": self.cites,
                                "annotations": {k: [a.file, a.digest, a.structure, a.homes]
                                                for k, a in self.annotations.items()}}
        folder.mkdir(parents=True, exist_ok=True)
        with atomic_writer(folder / STATE_FILE) as f:
            text = io.TextIOWrapper(f, "utf-8")
            json.dump(data, text, separators=(",", ":"))  # in pieces: at 10,000 sources it is 45 MB
            text.detach()  # (flushed; the file itself is closed by atomic_writer)


@dataclass
class Plan:
    """Which pages this build renders (``only`` None: all of them), and the state to record after."""

    only: set[str] | None
    why_all: str | None
    state: RenderState
    previous: RenderState | None
    cites: dict[str, tuple[str, ...]] = field(default_factory=dict)  # filled as pages are rendered, sorted


def plan(book: Book, root: Path, templates: Path, docs: Path, folder: Path, full: bool, clean: bool) -> Plan:
    """Compare the book with the last build's state in ``folder``."""
    new = RenderState(inputs=inputs_digest(root, templates, full),
                      paths=[p.path for p in pagekinds.pages(book)], dates=list(book.dates))
    ann_folder = root / "content" / "annotations"
    for f in _files(ann_folder) if ann_folder.is_dir() else ():
        new.files[display_path(root, f)] = _sha(f.read_bytes())
    new.sources = {sid: _source_digest(book, sid) for sid in book.sources}
    old = None if clean else RenderState.read(folder)
    why = _why_all(old, new, docs, clean)
    if why is not None or old is None:
        for aid, ann in book.annotations.items():
            new.annotations[aid] = _annotation_state(ann, book)
        return Plan(None, why, new, None)  # the last state is not needed to render all (let go now)
    changed_files = {f for f in old.files.keys() | new.files.keys() if old.files.get(f) != new.files.get(f)}
    new.annotations = {aid: a for aid, a in old.annotations.items() if a.file not in changed_files}
    changes: list[AnnotationChange] = []
    for aid, ann in book.annotations.items():
        if ann.loc.path not in changed_files and aid in new.annotations:
            continue
        state = _annotation_state(ann, book)
        new.annotations[aid] = state
        before = old.annotations.get(aid)
        if before is None or before.digest != state.digest:
            changes.append(AnnotationChange(aid, before is not None and before.structure == state.structure,
                                            frozenset(before.homes if before else ())))
    for aid in old.annotations.keys() - new.annotations.keys():  # removed
        changes.append(AnnotationChange(aid, False, frozenset(old.annotations[aid].homes)))
    coverage = {sid for sid in new.sources if new.sources[sid] != old.sources.get(sid)}
    cited_on: dict[str, set[str]] = {}
    for page, ids in old.cites.items():
        for aid in ids:
            cited_on.setdefault(aid, set()).add(page)
    # a changed annotation's source page is among its homes, old and new
    only = pages_to_render(book, changes, coverage, bool(coverage), cited_on)
    return Plan(only & set(new.paths), None, new, old)


def _why_all(old: RenderState | None, new: RenderState, docs: Path, clean: bool) -> str | None:
    if clean:
        return "--clean"
    if old is None:
        return "no earlier build recorded"
    if old.inputs != new.inputs:
        return "something besides the annotations changed"
    if old.paths != new.paths or old.dates != new.dates:
        return "the set of pages changed"
    for page in new.paths:
        try:
            st = (docs / page).stat()
        except OSError:
            return f"{page} is missing from the docs folder"
        if [st.st_size, st.st_mtime_ns] != old.pages.get(page):
            return f"{page} was changed since the last build"
    return None


def record(plan: Plan, docs: Path, folder: Path) -> None:
    """Write the state of the build just committed (the docs tree as it now is)."""
    state = plan.state
    if plan.only is not None and plan.previous is not None:
        state.cites = {p: ids for p, ids in plan.previous.cites.items() if p not in plan.only}
    state.cites.update(plan.cites)
    state.cites = {p: state.cites.get(p, ()) for p in state.paths}
    for page in state.paths:
        st = (docs / page).stat()
        state.pages[page] = [st.st_size, st.st_mtime_ns]
    state.write(folder)


def forget(folder: Path) -> None:
    """Remove the state (the next build renders every page)."""
    (folder / STATE_FILE).unlink(missing_ok=True)
