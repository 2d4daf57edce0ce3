"""Red-team item 6: a full disk, a read-only or immutable folder is one line,
``error: cannot write PATH: REASON [bookgen.io]``, exit 1, the previous outputs intact, no traceback,
no leftovers. The disk is made full by counting every byte bookgen (and MkDocs in it) writes and
refusing writes past a budget with ENOSPC (tests run as root here, so permissions cannot be used)."""

from __future__ import annotations

import builtins
import errno
import hashlib
import io
import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from hostile_support import build, copy_project

MESSAGE = re.compile(r"error: cannot write (site|build)(/\S*)?: no space left on device \[bookgen\.io\]")


def tree(folder: Path) -> dict[str, str]:
    if not folder.exists():
        return {}
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


class _Counted:
    """A file opened for writing whose writes take from the disk's budget."""

    def __init__(self, disk: "FullDisk", f: Any, name: str) -> None:
        self._disk, self._f, self._name = disk, f, name

    def write(self, data: Any) -> int:
        self._disk.take(len(data), self._name)
        return self._f.write(data)

    def __enter__(self) -> "_Counted":
        return self

    def __exit__(self, *exc: object) -> None:
        self._f.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._f, name)

    def __iter__(self) -> Any:
        return iter(self._f)


class FullDisk:
    """Patches open/io.open/shutil.copyfile so that writes past ``budget`` bytes fail with ENOSPC."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, budget: float) -> None:
        self.budget, self.used = budget, 0
        real_open, real_copy = builtins.open, shutil.copyfile

        def opened(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
            f = real_open(file, mode, *args, **kwargs)
            if any(c in mode for c in "wax+"):
                return _Counted(self, f, str(file))
            return f

        def copied(src: Any, dst: Any, *args: Any, **kwargs: Any) -> Any:
            self.take(os.path.getsize(src), str(dst))
            return real_copy(src, dst, *args, **kwargs)

        monkeypatch.setattr(builtins, "open", opened)
        monkeypatch.setattr(io, "open", opened)
        monkeypatch.setattr(shutil, "copyfile", copied)

    def take(self, n: int, name: str) -> None:
        if self.used + n > self.budget:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), name)
        self.used += n


@pytest.fixture
def built(tmp_path: Path) -> Path:
    root = copy_project(tmp_path / "book")
    code, out = build(root)
    assert code == 0, out
    actor = root / "content" / "actors" / "beta.yaml"
    actor.write_text(actor.read_text("utf-8").replace("name: Beta", "name: Beta B."), "utf-8")
    return root


def _leftovers(root: Path) -> list[str]:
    names = [p.name for p in root.iterdir() if p.name.startswith(".")]
    return names + [p.name for p in (root / "build").iterdir() if p.name.startswith(".")]


def test_disk_full_at_several_points(built: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """As in the issue (full at 0, 6, 9, 12 MB free): here at 0 bytes and at a quarter, half,
    three quarters and 98% of what the build writes, each on a fresh copy of the same built
    project, so the failure lands in the docs, the PDF and MkDocs."""
    def fresh(name: str) -> Path:
        return Path(shutil.copytree(built, built.parent / name, symlinks=True))

    site, docs = tree(built / "site"), tree(built / "build" / "docs")
    done = fresh("measure")
    with monkeypatch.context() as m:
        disk = FullDisk(m, float("inf"))
        assert build(done)[0] == 0
        total = disk.used
    new_docs = tree(done / "build" / "docs")
    for budget in (0, total // 4, total // 2, total * 3 // 4, total * 98 // 100):
        root = fresh(f"full-{budget}")
        with monkeypatch.context() as m:
            FullDisk(m, budget)
            code, out = build(root)
        assert code == 1 and "Traceback" not in out, (budget, out)
        assert [ln for ln in out.splitlines() if MESSAGE.fullmatch(ln)], (budget, out)
        assert tree(root / "site") == site, budget
        # the docs tree is whole: the old one, or (a failure inside MkDocs, after its commit) the new one
        assert tree(root / "build" / "docs") in (docs, new_docs), budget
        assert _leftovers(root) == [], (budget, _leftovers(root))
        assert build(root)[0] == 0  # with room again, the build goes through


def test_immutable_site_folder(built: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``chattr +i site``: renaming it fails with EPERM (patched: tests run as root)."""
    from bookgen import swap

    site = tree(built / "site")
    real = os.replace

    def refuse(src: Any, dst: Any) -> None:
        if Path(src).name == "site":
            raise PermissionError(errno.EPERM, os.strerror(errno.EPERM), str(src))
        real(src, dst)

    monkeypatch.setattr(swap.os, "replace", refuse)
    code, out = build(built)
    assert code == 1 and "Traceback" not in out
    assert "error: cannot write site: operation not permitted [bookgen.io]\n" in out
    assert tree(built / "site") == site and _leftovers(built) == []


def test_read_only_docs_folder(built: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A read-only file system under build/: EROFS when the docs tree's files are moved in."""
    from bookgen import write

    real = os.replace

    def read_only(src: Any, dst: Any) -> None:
        if "/build/docs/" in str(dst):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(dst))
        real(src, dst)

    site = tree(built / "site")
    monkeypatch.setattr(write.os, "replace", read_only)
    code, out = build(built)
    assert code == 1 and "Traceback" not in out
    assert re.search(r"^error: cannot write build/docs/\S+: read-only file system \[bookgen\.io\]$", out, re.M), out
    assert tree(built / "site") == site


def test_pdf_command_on_a_full_disk(built: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from bookgen import commands

    (built / "site" / "briefing.pdf").write_bytes(b"%PDF previous")
    out = io.StringIO()
    with monkeypatch.context() as m:
        FullDisk(m, 0)
        code = commands.pdf(commands.Paths(built), out=out)
    assert code == 1 and "Traceback" not in out.getvalue()
    assert MESSAGE.search(out.getvalue()) or "cannot write /" in out.getvalue(), out.getvalue()
    assert (built / "site" / "briefing.pdf").read_bytes() == b"%PDF previous"
