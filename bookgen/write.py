"""Writing the docs tree: only files whose bytes changed, and deleting only files bookgen made.

A manifest (``.bookgen-manifest.json``) in the docs folder lists the files the generator wrote;
stale files are removed only if they are in it. Unchanged files keep their timestamps, so MkDocs'
dirty reload and ``git diff`` see only real changes. Changed files are staged beside the tree and
moved in only when everything is ready (:class:`StagedTree`), so a failure changes nothing.

The commit is decided by one write: the list of moves and deletions (``journal.json`` in the
staging folder). Killed before it, the tree is the old one; killed after it, the next run finishes
the commit from the journal (:func:`recover_tree`), so the tree is never a mix of the two. A write
error (a full disk, a read-only folder) is an :class:`bookgen.swap.OutputError` naming the file.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO, Iterable, Iterator, Mapping

from bookgen import swap

MANIFEST = ".bookgen-manifest.json"
JOURNAL = "journal.json"


@dataclass(frozen=True)
class WriteReport:
    written: tuple[str, ...]
    unchanged: int
    deleted: tuple[str, ...]


def atomic_write(path: Path, data: bytes, sync: bool = False) -> None:
    """Write ``path`` whole or not at all (a temp file, then a rename); ``sync`` flushes it to disk."""
    with atomic_writer(path, sync) as f:
        f.write(data)


@contextlib.contextmanager
def atomic_writer(path: Path, sync: bool = False) -> Iterator[BinaryIO]:
    """A file to write ``path`` through, piece by piece: it replaces ``path`` only once the block
    ends without an error (a temp file, then a rename); ``sync`` flushes it to disk first."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "wb") as f:
            yield f
            if sync:
                f.flush()
                os.fsync(f.fileno())
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
    if _same_bytes(path, data):
        return False
    atomic_write(path, data)
    return True


def _same_bytes(path: Path, data: bytes) -> bool:
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


FileData = bytes | str | Iterable[bytes]  # text is written as UTF-8; pieces as they come


class StagedTree:
    """The docs tree's next state, given one file at a time (a big book's pages are never all in
    memory). Files whose bytes differ from what ``out`` holds are written to a hidden staging
    folder beside it; :meth:`commit` moves them into place, deletes stale files bookgen made, and
    updates the manifest. Leaving the ``with`` block without committing (an error, an interrupt,
    a failed PDF) removes the staging folder and leaves ``out`` exactly as it was."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self._staged: dict[str, Path | None] = {}  # rel -> its staged file, or None if unchanged
        self._staging: Path | None = None
        self._made_parent = False  # out's parent did not exist: discard removes it again if empty
        self._decided = False  # the journal is written and the commit not yet carried out
        self._count = itertools.count()

    def __enter__(self) -> StagedTree:
        return self

    def __exit__(self, *exc: object) -> None:
        self.discard()

    def add(self, rel: str, data: FileData) -> None:
        """The file ``rel`` (relative to ``out``) is to hold ``data``: bytes, text (written as
        UTF-8), or pieces of bytes (a big export: compared and written as they come, never joined)."""
        if not isinstance(data, (bytes, str)):
            with swap.writing(self.out / rel):
                self._staged[rel] = self._stage_pieces(rel, iter(data))
            return
        raw = data.encode("utf-8") if isinstance(data, str) else data
        if _same_bytes(self.out / rel, raw):
            self._staged[rel] = None
            return
        with swap.writing(self.out / rel):
            staged = self._new_staged(rel)
            staged.write_bytes(raw)
        self._staged[rel] = staged

    def keep(self, rel: str) -> None:
        """The file ``rel`` stays as ``out`` holds it (a page this build did not render again)."""
        if not (self.out / rel).is_file():
            raise FileNotFoundError(f"{self.out / rel} is not there to keep")
        self._staged[rel] = None

    def _stage_pieces(self, rel: str, pieces: Iterator[bytes]) -> Path | None:
        """Compare ``pieces`` with the file there as they come; only from the first difference on is
        a staged copy written (the equal part copied from that file). None if there is none."""
        try:
            old: BinaryIO | None = (self.out / rel).open("rb")
        except OSError:
            old = None
        try:
            matched, piece = 0, b""
            if old is not None:
                for piece in pieces:
                    if old.read(len(piece)) != piece:
                        break
                    matched += len(piece)
                else:
                    if old.read(1) == b"":
                        return None  # the same bytes
                    piece = b""
            staged = self._new_staged(rel)
            with staged.open("wb") as f:
                if old is not None and matched:
                    old.seek(0)
                    while matched > 0 and (block := old.read(min(matched, 1 << 20))):
                        f.write(block)
                        matched -= len(block)
                f.write(piece)
                for piece in pieces:
                    f.write(piece)
            return staged
        finally:
            if old is not None:
                old.close()

    def _new_staged(self, rel: str) -> Path:
        if self._staging is None:
            self._made_parent = not self.out.parent.exists()
            self.out.parent.mkdir(parents=True, exist_ok=True)
            self._staging = Path(tempfile.mkdtemp(dir=self.out.parent, prefix=swap.temp_prefix(self.out, "staging")))
        return self._staging / f"{next(self._count)}{PurePosixPath(rel).suffix}"

    def text(self, rel: str) -> str:
        """What ``rel`` will hold once committed, as text."""
        staged = self._staged[rel]
        return (staged or self.out / rel).read_text("utf-8")

    def texts(self, names: Iterable[str]) -> Mapping[str, str]:
        """``names`` (in this order) -> what each will hold once committed, read when asked for."""
        return _StagedTexts(self, tuple(names))

    def commit(self) -> WriteReport:
        """Make ``out`` hold exactly the files added (plus anything bookgen did not create)."""
        out = self.out
        with swap.writing(out):
            out.mkdir(parents=True, exist_ok=True)
        try:
            listed = json.loads((out / MANIFEST).read_text("utf-8"))
        except (OSError, ValueError):
            listed = []
        previous = {rel for rel in listed if _inside(rel)} if isinstance(listed, list) else set()
        written = sorted(rel for rel, staged in self._staged.items() if staged is not None)
        deleted = sorted(previous - self._staged.keys())
        # an unchanged tree leaves every file untouched, the manifest too (serve's watcher)
        manifest = (json.dumps(sorted(self._staged), indent=0) + "\n").encode()
        moves = [(self._staged[rel].name, rel) for rel in written]  # type: ignore[union-attr]
        if not _same_bytes(out / MANIFEST, manifest):
            with swap.writing(out / MANIFEST):
                staged = self._new_staged(MANIFEST)
                staged.write_bytes(manifest)
            moves.append((staged.name, MANIFEST))
        if moves or deleted:
            with swap.writing(out):  # the commit point: from here on the next run finishes it
                staging = self._staging or self._new_staged("").parent
                atomic_write(staging / JOURNAL, json.dumps({"moves": moves, "deletes": deleted}).encode(),
                             sync=True)
            self._decided = True
            _apply(staging, out)  # an error here keeps the staging folder: the next run finishes it
            self._decided = False
        self.discard()
        return WriteReport(tuple(written), len(self._staged) - len(written), tuple(deleted))

    def discard(self) -> None:
        """Remove the staging folder (and the folder made to hold it, if still empty)."""
        if self._staging is not None and not self._decided:
            shutil.rmtree(self._staging, ignore_errors=True)
            self._staging = None
            if self._made_parent and not any(self.out.parent.iterdir()):
                self.out.parent.rmdir()


def _apply(staging: Path, out: Path) -> None:
    """Carry out the commit ``staging/journal.json`` decided (again, after a crash: every step can
    be repeated): move each staged file into place, delete the stale files bookgen made."""
    try:
        journal = json.loads((staging / JOURNAL).read_text("utf-8"))
        moves = [(str(a), str(b)) for a, b in journal["moves"]]
        deletes = [str(rel) for rel in journal["deletes"]]
    except (OSError, ValueError, KeyError, TypeError):
        return  # no decided commit (or not one bookgen wrote): nothing to finish
    for name, rel in moves:
        source = staging / name
        if (rel == MANIFEST or _inside(rel)) and "/" not in name and source.is_file():
            target = out / rel
            with swap.writing(target):
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(source, target)
    root = out.resolve()
    for rel in deletes:
        target = out / rel
        if _inside(rel) and target.is_file() and not target.is_symlink() and target.resolve().is_relative_to(root):
            with swap.writing(target):
                target.unlink()
            parent = target.parent
            while parent != out and parent.is_dir() and not any(parent.iterdir()):
                parent.rmdir()
                parent = parent.parent


def recover_tree(out: Path) -> None:
    """After a killed run: finish a docs commit that was decided, remove abandoned staging."""
    swap.recover(out, finish=lambda staging: _apply(staging, out))


class _StagedTexts(Mapping[str, str]):
    def __init__(self, tree: StagedTree, names: tuple[str, ...]) -> None:
        self._tree, self._names, self._known = tree, names, frozenset(names)

    def __getitem__(self, rel: str) -> str:
        if rel not in self._known:
            raise KeyError(rel)
        return self._tree.text(rel)

    def __contains__(self, rel: object) -> bool:
        return rel in self._known

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


def write_tree(out: Path, files: Mapping[str, FileData] | Iterable[tuple[str, FileData]]) -> WriteReport:
    """Make ``out`` hold exactly ``files`` (a mapping, or (path, data) pairs; a later pair for the
    same path wins), plus anything bookgen did not create; only changed bytes are written."""
    with StagedTree(out) as tree:
        for rel, data in (files.items() if isinstance(files, Mapping) else files):
            tree.add(rel, data)
        return tree.commit()
