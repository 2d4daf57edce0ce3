"""Paths bookgen reads or publishes stay inside the project folder.

Content comes from pull requests, and a pull request can add a symlink: ``seeds -> /etc`` would put
``/etc/passwd`` on a source page, ``templates/assets -> /home`` would publish a home folder. Every
folder bookgen reads from (``content/`` and its kind folders, ``seeds/``, ``pins/``, ``templates/``
and ``templates/assets/``) and every file it reads there is resolved, and must resolve inside the
project root. A symlink that stays inside is allowed; one that leaves is an error naming the path
(``bookgen.path-outside``), reported with every other problem, and nothing behind it is read.
"""

from __future__ import annotations

import os
from pathlib import Path

from bookgen.problems import Problems

# folders of a project whose files bookgen reads (or publishes, templates/assets)
READ_FOLDERS = ("content", "seeds", "pins", "templates")
CODE = "path-outside"


def real(path: Path) -> Path:
    """``path`` with every symlink resolved (it need not exist)."""
    return Path(os.path.realpath(path))


def is_inside(root: Path, path: Path) -> bool:
    """Whether ``path``, every symlink resolved, lies inside the project ``root`` (resolved too)."""
    return real(path).is_relative_to(real(root))


def shown(root: Path, path: Path) -> str:
    """``path`` relative to ``root`` for messages (never where a link points)."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.name


def outside_message(what: str) -> str:
    return (f"'{what}' is a symlink that leads outside the project folder; bookgen reads and publishes "
            "only files inside it: replace the link by a copy of what it points to")


def report_outside(root: Path, path: Path, problems: Problems) -> None:
    name = shown(root, path)
    problems.error(name, 1, 1, outside_message(name), CODE)


def check_folder(root: Path, folder: Path, problems: Problems) -> bool:
    """True if ``folder`` (absent is fine) resolves inside ``root``; else report it and say False.

    The first path component that leaves is the one named (``seeds`` for ``seeds -> /etc``)."""
    if not os.path.lexists(folder):
        return True
    if is_inside(root, folder):
        return True
    culprit = folder
    for parent in reversed(folder.relative_to(root).parents[:-1] if folder != root else ()):
        if not is_inside(root, root / parent):
            culprit = root / parent
            break
    report_outside(root, culprit, problems)
    return False


def check_tree(root: Path, folder: Path, problems: Problems) -> bool:
    """Check ``folder`` and everything under it (templates, assets: small trees read whole or
    published): every entry must resolve inside ``root``. Reports each link that leaves; True if
    none does. Links inside the project are followed once (a loop is not walked twice)."""
    if not check_folder(root, folder, problems):
        return False
    ok = True
    seen: set[Path] = set()
    todo = [folder] if folder.is_dir() else []
    while todo:
        current = todo.pop()
        key = real(current)
        if key in seen:
            continue
        seen.add(key)
        try:
            entries = sorted(os.scandir(current), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            path = Path(entry.path)
            if entry.is_symlink() and not is_inside(root, path):
                report_outside(root, path, problems)
                ok = False
            elif entry.is_dir():
                todo.append(path)
    return ok


def check_project(root: Path, problems: Problems) -> set[str]:
    """Check the folders bookgen reads; return the names of those that lead outside (not to be read).

    ``content/`` kind folders and single source files are checked where they are read (``load``)."""
    bad: set[str] = set()
    for name in READ_FOLDERS:
        folder = root / name
        ok = check_tree(root, folder, problems) if name == "templates" else check_folder(root, folder, problems)
        if not ok:
            bad.add(name)
    return bad
