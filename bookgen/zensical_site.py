"""Stage 6 with the second engine: Zensical (``bookgen build --engine zensical``), strict, into a
temporary folder that :func:`bookgen.site.swap_in` puts in place, as with MkDocs.

Zensical reads the generated ``build/mkdocs.yml`` (:mod:`bookgen.siteconfig`), so the site has the
same navigation. It runs in a child process (``python -m zensical build --strict``): its Python
half keeps its configuration in a module global, and its warnings are read from its output and
named as problems at the page, line and column it gives.

What Zensical 0.0.73 cannot do, and what bookgen does instead:

- *MkDocs hooks* (bookgen's theme hook adds its own templates): Zensical has no hooks, so bookgen
  gives it a theme folder of its own as ``theme.custom_dir``, ``build/.zensical-theme/``: bookgen's
  partials, the project's own ``custom_dir`` files over them, and ``bookgen/theme/main.html`` (which escapes
  the page title, and ``bookgen/theme_zensical/``, whose "On this page" entries show a heading's
  text rather than its HTML, so an anchor in a heading does not leave an empty link; sections
  with an index page name their navigation, as bookgen's Material override does), with a
  stylesheet and a script for axe-core's serious findings: the active navigation entry's contrast,
  and in the search dialog (a shadow root no stylesheet of the site reaches) the results' path and
  match contrast and their accessible names (``theme_zensical/``, pinned to Zensical 0.0.73).
- *site_dir outside the configuration's folder*: Zensical refuses it, so the site is built in a
  temporary folder under ``build/`` and moved to ``site/`` afterwards.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from bookgen.pipeline import mkdocs_settings
from bookgen.problems import Problems

THEME = Path(__file__).resolve().parent / "theme"
THEME_ZENSICAL = Path(__file__).resolve().parent / "theme_zensical"
EXTRA_CSS = "stylesheets/bookgen-zensical.css"  # from theme_zensical/, added to the project's own
EXTRA_JS = "javascripts/bookgen-zensical.js"
THEME_DIR = ".zensical-theme"  # under build/: bookgen's and the project's theme overrides together
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_WARNING = re.compile(r"^(?:Warning|Error): (?P<message>.+)$")
_WHERE = re.compile(r"\[ (?P<page>[^\[\]]+?):(?P<line>\d+):(?P<col>\d+) \]")


class ZensicalError(Exception):
    """Zensical could not build the site; ``problems`` names each warning it gave."""

    def __init__(self, message: str, problems: Problems) -> None:
        super().__init__(message)
        self.problems = problems


def available() -> bool:
    """Whether Zensical is installed (``pip install 'bookgen[zensical]'``)."""
    try:
        import zensical  # noqa: F401
    except ImportError:
        return False
    return True


def theme_folder(root: Path, build_dir: Path) -> Path:
    """``build/.zensical-theme``: bookgen's partials, the project's ``theme.custom_dir`` (if any)
    over them, and bookgen's ``main.html`` (the escaped title) over both, as with MkDocs (made
    again on every build, so it never holds a stale file)."""
    folder = build_dir / THEME_DIR
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(THEME_ZENSICAL, folder)  # bookgen's partials: the project's own may replace them
    theme = mkdocs_settings(root).get("theme")
    custom = theme.get("custom_dir") if isinstance(theme, dict) else None
    if isinstance(custom, str) and (root / custom).is_dir():
        shutil.copytree(root / custom, folder, dirs_exist_ok=True)
    shutil.copy2(THEME / "main.html", folder / "main.html")  # the escaped <title>, always
    return folder


def build(root: Path, config: Path, out_dir: Path, docs_dir: Path) -> None:
    """Build the site strictly into ``out_dir`` (a new folder under ``config``'s folder) from the
    generated ``config``; raises :class:`ZensicalError` naming every warning."""
    here = config.parent
    theme = theme_folder(root, here)
    run_config = here / f".zensical-{os.getpid()}.yml"  # this run's site_dir and theme folder
    own = mkdocs_settings(root).get("theme")
    theme_settings = {"custom_dir": theme.name}
    if isinstance(own, str):  # `theme: material` in the project's file: keep its name
        theme_settings["name"] = own
    run_config.write_text(yaml.safe_dump({"INHERIT": config.name, "site_dir": out_dir.name, "theme": theme_settings,
                                          "extra_css": [EXTRA_CSS], "extra_javascript": [EXTRA_JS]},
                                         sort_keys=False), "utf-8")
    try:
        env = dict(os.environ, NO_COLOR="1", CLICOLOR="0", TERM="dumb")
        proc = subprocess.run([sys.executable, "-m", "zensical", "build", "--strict", "--config-file",
                               str(run_config)], cwd=here, capture_output=True, text=True, env=env)
    finally:
        run_config.unlink(missing_ok=True)
    problems = warnings(proc.stdout + "\n" + proc.stderr, root, docs_dir)
    if proc.returncode != 0 or problems.items:
        last = [line for line in _ANSI.sub("", proc.stderr).strip().splitlines() if line.strip()][-1:]
        raise ZensicalError(f"Zensical: {len(problems.items)} warning(s) in strict mode"
                            + (f" ({last[0]})" if last and not problems.items else ""), problems)
    if not (out_dir / "index.html").is_file():
        raise ZensicalError("Zensical: no index.html was built", problems)


def warnings(output: str, root: Path, docs_dir: Path) -> Problems:
    """Zensical's warnings (``Warning: page does not exist`` then ``[ page.md:27:5 ]``) as problems
    at the generated page, line and column (relative to the project)."""
    problems = Problems()
    message: str | None = None
    for line in _ANSI.sub("", output).splitlines():
        found = _WARNING.match(line.strip())
        if found:
            if message is not None:  # a warning without a place
                problems.error("build/mkdocs.yml", 1, 1, _text(message), "zensical-warning")
            message = found["message"].strip()
            continue
        where = _WHERE.search(line)
        if where and message is not None:
            page = (docs_dir / where["page"]).resolve()
            try:
                shown = page.relative_to(root.resolve()).as_posix()
            except ValueError:
                shown = str(page)
            problems.error(shown, int(where["line"]), int(where["col"]), _text(message), "zensical-warning")
            message = None
    if message is not None:
        problems.error("build/mkdocs.yml", 1, 1, _text(message), "zensical-warning")
    return problems


def _text(message: str) -> str:
    return (f"{message} (Zensical, strict); this page is generated: fix the template or the content "
            "that made the link")
