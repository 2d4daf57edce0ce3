"""Output trees replaced whole, and recovered whole after a crash at any moment.

``site/`` is replaced by a freshly built folder with two renames (:func:`swap_in`); the docs tree
and the PDF by a commit that is decided by one journal write (:mod:`bookgen.write`). Every
temporary name bookgen makes beside an output carries the id of the process that made it
(``.site-new-<pid>-…``, ``.site-old-<pid>-…``, ``.docs-staging-<pid>-…``,
``.briefing.pdf-new-<pid>-…``, ``bookgen-pdf-<pid>-…`` in the temp folder). A run that is killed
(``kill -9``, a power cut of the process, an OOM kill) leaves them behind; the next run
(:func:`recover`) sees that their process is gone and puts things right: a cut site swap gets its
old tree back, a decided docs commit is finished, and everything else is removed. Names whose
process still runs (a second build at the same time) are left alone.

Write errors (a full disk, a read-only or immutable folder) become :class:`OutputError`, printed as
``error: cannot write site/…: no space left on device [bookgen.io]``.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import tempfile
import threading
from pathlib import Path
from typing import Callable, Iterator

PDF_TEMP_PREFIX = "bookgen-pdf-"


class OutputError(Exception):
    """An output could not be written; ``path`` is the output concerned (not a temporary name)."""

    def __init__(self, path: Path, error: OSError) -> None:
        super().__init__(f"cannot write {path}: {reason(error)}")
        self.path = path
        self.error = error

    def message(self, root: Path) -> str:
        """The line to print, with the path relative to the project ``root`` when inside it."""
        try:
            shown = self.path.relative_to(root).as_posix()
        except ValueError:
            shown = self.path.as_posix()
        return f"error: cannot write {shown}: {reason(self.error)} [bookgen.io]\n"


def reason(error: OSError) -> str:
    """``no space left on device``, ``permission denied``, ``read-only file system``..."""
    text = os.strerror(error.errno) if error.errno else (error.strerror or str(error))
    return text[:1].lower() + text[1:]


@contextlib.contextmanager
def writing(path: Path) -> Iterator[None]:
    """Any OSError inside becomes an :class:`OutputError` about ``path``."""
    try:
        yield
    except OutputError:
        raise
    except OSError as exc:
        raise OutputError(path, exc) from None


def temp_prefix(target: Path, kind: str) -> str:
    """The prefix of a temporary name beside ``target``: ``.<name>-<kind>-<pid>-``."""
    return f".{target.name}-{kind}-{os.getpid()}-"


def _owner(name: str, target: str, kinds: tuple[str, ...]) -> tuple[str, int] | None:
    m = re.fullmatch(rf"\.{re.escape(target)}-({'|'.join(kinds)})-(\d+)(?:-.*)?", name, re.DOTALL)
    return (m.group(1), int(m.group(2))) if m else None


def alive(pid: int) -> bool:
    """Whether process ``pid`` still runs (this one does)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(OSError):
            path.unlink()


def recover(target: Path, finish: Callable[[Path], None] | None = None) -> None:
    """Put ``target`` right after a run that died while replacing it.

    Leftovers of dead processes beside ``target``: if ``target`` is missing and an ``old`` copy
    is there, the swap was cut between its two renames, and the old tree comes back; a
    ``staging`` folder is handed to ``finish`` (which completes a decided commit) and removed;
    every other leftover (``new``, ``old`` once ``target`` is back) is removed."""
    parent = target.parent
    try:
        names = sorted(os.listdir(parent))
    except OSError:
        return
    found: list[tuple[str, Path]] = []
    for name in names:
        owner = _owner(name, target.name, ("new", "old", "staging"))
        if owner is not None and not alive(owner[1]):
            found.append((owner[0], parent / name))
    for kind, path in found:
        if kind == "old" and not os.path.lexists(target):
            os.replace(path, target)
    for kind, path in found:
        if kind == "staging" and finish is not None and path.exists():
            finish(path)
        if os.path.lexists(path):
            _remove(path)


def recover_pdf_temp() -> None:
    """Remove Typst's work folders left by dead processes (``bookgen-pdf-<pid>-…``)."""
    base = Path(tempfile.gettempdir())
    try:
        names = os.listdir(base)
    except OSError:
        return
    for name in names:
        m = re.fullmatch(rf"{PDF_TEMP_PREFIX}(\d+)-.*", name, re.DOTALL)
        if m and not alive(int(m.group(1))):
            _remove(base / name)


def swap_in(new: Path, target: Path) -> None:
    """Replace ``target`` by the folder ``new`` with two renames, so readers never see half a
    tree; after a crash between them, :func:`recover` puts the old tree back.

    SIGINT and SIGTERM are held back while the renames run (and delivered right after)."""
    old = Path(tempfile.mkdtemp(prefix=temp_prefix(target, "old"), dir=target.parent))
    old.rmdir()  # only the (unique) name is wanted
    try:
        with signals_held():
            if os.path.lexists(target):
                os.replace(target, old)
            os.replace(new, target)
    finally:  # also when a held signal arrives on leaving the block; if cut, the next run removes it
        if os.path.lexists(old) and not os.path.lexists(target):
            os.replace(old, target)  # the second rename failed: the old tree goes back
        elif os.path.lexists(old):
            shutil.rmtree(old, ignore_errors=True)


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    held = {signal.SIGINT, signal.SIGTERM}
    can = hasattr(signal, "pthread_sigmask") and threading.current_thread() is threading.main_thread()
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held) if can else None
    try:
        yield
    finally:
        if previous is not None:
            signal.pthread_sigmask(signal.SIG_SETMASK, previous)
