"""Stage 6, build: MkDocs + Material, in-process and strict, into a temporary folder then swapped in.

The navigation is derived from the page kinds (:mod:`bookgen.pagekinds`) and passed to MkDocs as a config override; ``mkdocs.yml`` holds the theme and extensions.
An error at any point leaves the previous ``site/`` untouched.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bookgen import pagekinds, swap
from bookgen.model import Book
from bookgen.pipeline import mkdocs_settings
from bookgen import zensical_site
from bookgen.problems import Problems
from bookgen.siteconfig import engine_settings, write_settings

if TYPE_CHECKING:
    from bookgen.sitecache import SiteCache

DOCS_DIR = Path("build") / "docs"
SITE_DIR = Path("site")
THEME_HOOK = Path(__file__).resolve().parent / "theme" / "theme_hook.py"  # escapes the <title>
SITE_MARKER = ".bookgen-site"  # written into every site bookgen builds; see swap_in


_build_started: float | None = None  # when the MkDocs build under way began (set by the theme hook)
BUILD_PAUSE_LIMIT = 30.0  # seconds; past this a build is assumed to have ended without saying so


_builds_ended = 0  # MkDocs builds finished (or failed) in this process


def build_event(started: bool) -> None:
    """The theme hook reports each MkDocs build's start and end (or failure)."""
    global _build_started, _builds_ended
    _build_started = time.monotonic() if started else None
    if not started:
        _builds_ended += 1


def builds_ended() -> int:
    """How many MkDocs builds have ended in this process (serve waits for the one it asked for)."""
    return _builds_ended


def site_building() -> bool:
    """True while MkDocs builds, so ``serve``'s watcher can hold its scans: both share one
    interpreter, and a scan of content/ every 0.2 s took about a sixth of it from the rebuild
    that shows an edit."""
    started = _build_started
    return started is not None and time.monotonic() - started < BUILD_PAUSE_LIMIT


class _Remembered(dict[str, bytes]):
    """The minimal "memcached client" Jinja2's MemcachedBytecodeCache needs, kept in memory."""

    def set(self, key: str, value: bytes, timeout: int | None = None) -> None:
        self[key] = value


_THEME_CODE = _Remembered()


def remember_theme_code(env: Any) -> None:
    """Keep MkDocs' compiled theme templates (Material's) in this process for its next builds.

    MkDocs makes a new Jinja2 environment for every build, and in ``bookgen serve`` every rebuild
    after an edit compiled Material's templates again (about 0.3 s of each). Jinja2 checks each
    template's source against the remembered code, and the key holds the environment's settings,
    so changed templates or a changed theme configuration are compiled afresh.
    """
    import jinja2

    settings = (sorted(env.extensions), getattr(env.autoescape, "__qualname__", env.autoescape),
                env.trim_blocks, env.lstrip_blocks, env.keep_trailing_newline, env.optimized,
                env.block_start_string, env.variable_start_string, env.comment_start_string,
                env.line_statement_prefix, env.line_comment_prefix, jinja2.__version__)
    env.bytecode_cache = jinja2.MemcachedBytecodeCache(_THEME_CODE, prefix=f"{settings!r}/")


REBUILD_FOLDER = ".serve-rebuild"  # beside the docs tree; in serve, MkDocs' dev server watches only it


def rebuild_request(docs_dir: str | Path) -> Path:
    """The file ``bookgen serve`` writes to ask MkDocs' dev server for a rebuild."""
    return Path(docs_dir).parent / REBUILD_FOLDER / "request"


def adopt_dev_server(server: Any, docs_dir: str) -> None:
    """Called by the theme hook in ``bookgen serve``: through the dev server's public ``unwatch``
    and ``watch`` (MkDocs' documented ``on_serve`` API), stop it polling the docs tree and have it
    watch one small folder instead, where :func:`request_rebuild` writes once the pages are written.

    The poll of the docs tree (every file, twice a second, in the same interpreter) took about a
    sixth of the time of the rebuild that shows an edit, and a regeneration writing many pages could
    set off a second, needless rebuild; the request file changes once per regeneration."""
    request = rebuild_request(docs_dir)
    request.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(KeyError, ValueError):  # already unwatched (on_serve runs again)
        server.unwatch(docs_dir)
    server.watch(str(request.parent), recursive=False)


def request_rebuild(docs_dir: str | Path) -> bool:
    """Ask the serving MkDocs dev server to rebuild: its poll (every 0.5 s) sees the request file
    change. True if asked (a dev server adopted this docs tree), False otherwise."""
    request = rebuild_request(docs_dir)
    if not request.parent.is_dir():
        return False
    request.write_text(f"{time.time_ns()}\n", "utf-8")
    return True


class SiteBuildError(Exception):
    """MkDocs refused the generated docs; the message says why, ``problems`` names each warning."""

    def __init__(self, message: str, problems: Problems | None = None) -> None:
        super().__init__(message)
        self.problems = problems if problems is not None else Problems()


NAV_LIMIT = pagekinds.NAV_LIMIT  # a section with more entries lists only its index page


def navigation(book: Book) -> list[Any]:
    """The nav as MkDocs config, derived from the page kinds (:func:`bookgen.pagekinds.navigation`)."""
    return pagekinds.navigation(book, NAV_LIMIT)


def not_in_nav(book: Book, root: Path) -> str:
    """MkDocs' ``not_in_nav`` patterns: the project's own (mkdocs.yml), plus the entry pages of
    sections too long for the navigation (strict builds would otherwise reject them)."""
    own = mkdocs_settings(root).get("not_in_nav")
    ours = pagekinds.nav_overflow(book, NAV_LIMIT)
    return "\n".join(([own.strip()] if isinstance(own, str) and own.strip() else []) + ours)


_DOC_LINK = re.compile(r"Doc file '(?P<page>[^']+)' contains (?:a|an [a-z ]+?) link '(?P<link>[^']*)'")


class _Warnings(logging.Handler):
    """Every warning MkDocs logs while building, as a problem at the generated page and link it
    names (``build/docs/issues/x.md:12:40: error: Doc file ... [bookgen.mkdocs-warning]``)."""

    def __init__(self, root: Path, docs_dir: Path) -> None:
        super().__init__(logging.WARNING)
        self.root, self.docs_dir = root, docs_dir
        self.messages: list[str] = []
        self.problems = Problems()

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        self.messages.append(message)
        path, line, col = self._where(message)
        self.problems.error(path, line, col, f"{message.strip()} (MkDocs, strict); this page is generated: "
                            "fix the template or the content that made the link", "mkdocs-warning")

    def _where(self, message: str) -> tuple[str, int, int]:
        """The page (relative to the project) and the line and column of the link, where known."""
        found = _DOC_LINK.search(message)
        if found is None:
            return self._shown(self.root / "mkdocs.yml"), 1, 1
        page = self.docs_dir / found["page"]
        try:
            text = page.read_text("utf-8")
        except (OSError, UnicodeError):
            return self._shown(page), 1, 1
        at = text.find(f"]({found['link']}")
        at = at + 2 if at >= 0 else text.find(found["link"])
        if at < 0:
            return self._shown(page), 1, 1
        line = text.count("\n", 0, at) + 1
        return self._shown(page), line, at - (text.rfind("\n", 0, at) + 1) + 1

    def _shown(self, path: Path) -> str:
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return str(path)


def mkdocs_config(root: Path, config_file: Path, site_dir: Path, **extra: Any) -> Any:
    """MkDocs' configuration from the generated ``build/mkdocs.yml`` (:mod:`bookgen.siteconfig`),
    strict, with bookgen's theme hook and the project's hooks, building into ``site_dir``."""
    from mkdocs.config import load_config

    return load_config(config_file=str(config_file), site_dir=str(site_dir), strict=True, hooks=hooks(root),
                       **extra)


def hooks(root: Path) -> list[str]:
    """The project's own MkDocs hooks plus bookgen's theme hook (a ``hooks`` override replaces
    the list in mkdocs.yml, so the project's are carried over, as absolute paths)."""
    own = mkdocs_settings(root).get("hooks") or []
    return [str((root / h).resolve()) for h in own if isinstance(h, str)] + [str(THEME_HOOK)]


ENGINES = ("mkdocs", "zensical")


def build_site(root: Path, book: Book, docs_dir: Path, site_dir: Path, cache: SiteCache | None = None,
               engine: str = "mkdocs") -> list[str]:
    """Write ``build/mkdocs.yml``, build the site strictly with ``engine`` into a temp folder next to
    ``site_dir``, then swap it in. With a ``cache`` (:mod:`bookgen.sitecache`), MkDocs renders only
    the pages whose inputs changed (Zensical keeps a cache of its own). Returns the engine's
    warnings (none: any warning fails the build)."""
    settings = engine_settings(root, book, docs_dir, site_dir.resolve())
    return build_site_with(root, settings, docs_dir, site_dir, cache, engine)


def build_site_with(root: Path, settings: dict[str, Any], docs_dir: Path, site_dir: Path,
                    cache: SiteCache | None = None, engine: str = "mkdocs") -> list[str]:
    """:func:`build_site` given what the Book adds to the engine's settings
    (:func:`bookgen.siteconfig.engine_settings`): a caller done with the Book can let it go first."""
    if engine not in ENGINES:
        raise SiteBuildError(f"unknown site engine '{engine}'; use one of: {', '.join(ENGINES)}")
    if engine == "zensical" and not zensical_site.available():
        raise SiteBuildError("Zensical is not installed; install it with: pip install 'bookgen[zensical]' "
                             "(or build with the default engine, MkDocs)")
    site_dir = site_dir.resolve()
    refuse_foreign(site_dir)
    with swap.writing(site_dir):
        config = write_settings(docs_dir, settings)
        site_dir.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=swap.temp_prefix(site_dir, "new"), dir=site_dir.parent))
    try:
        if engine == "zensical":
            messages = _build_zensical(root, config, tmp, docs_dir, site_dir)
        else:
            messages = _build_mkdocs(root, config, tmp, docs_dir, cache)
        keep = [p for p in ("briefing.pdf",) if (site_dir / p).is_file() and not (tmp / p).exists()]
        for name in keep:  # the PDF is made separately; carry the previous one over
            shutil.copy2(site_dir / name, tmp / name)
        (tmp / SITE_MARKER).write_text("made by bookgen build; the whole folder is replaced on each build\n")
        swap_in(tmp, site_dir)
    except OSError as exc:  # a full disk, a read-only folder: named as the site's file, not the temp one
        raise swap.OutputError(_in_site(exc, tmp, site_dir), exc) from None
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return messages


def _build_mkdocs(root: Path, config_file: Path, tmp: Path, docs_dir: Path, cache: SiteCache | None) -> list[str]:
    from mkdocs.commands.build import build
    from mkdocs.exceptions import MkDocsException

    from bookgen.sitecache import CacheFolderError

    counter = _Warnings(root, docs_dir)
    log = logging.getLogger("mkdocs")
    log.addHandler(counter)
    try:
        if cache is None:
            build(mkdocs_config(root, config_file, tmp))
        else:
            cache.build(lambda: mkdocs_config(root, config_file, tmp), build)
        if counter.messages:
            raise SiteBuildError(f"MkDocs: {len(counter.messages)} warning(s) in strict mode", counter.problems)
        if cache is not None:
            cache.commit()
    except MkDocsException as exc:
        raise SiteBuildError(f"MkDocs: {exc}", counter.problems) from None
    except CacheFolderError as exc:
        raise SiteBuildError(str(exc)) from None
    finally:
        log.removeHandler(counter)
    return counter.messages


def _build_zensical(root: Path, config_file: Path, tmp: Path, docs_dir: Path, site_dir: Path) -> list[str]:
    """Zensical builds only inside its configuration's folder (``build/``): there, into a temp
    folder, which then takes the place of ``tmp`` (beside ``site_dir``)."""
    inside = Path(tempfile.mkdtemp(prefix=swap.temp_prefix(site_dir, "new"), dir=config_file.parent))
    try:
        zensical_site.build(root, config_file, inside, docs_dir)
        os.replace(inside, tmp)  # tmp is an empty folder: a rename over it
    except zensical_site.ZensicalError as exc:
        raise SiteBuildError(str(exc), exc.problems) from None
    finally:
        if inside.exists():
            shutil.rmtree(inside, ignore_errors=True)
    return []


def _in_site(exc: OSError, tmp: Path, site_dir: Path) -> Path:
    """The site path an error in the temporary build folder is about (the site itself if unknown)."""
    for name in (exc.filename, exc.filename2):
        if isinstance(name, str) and Path(name).is_relative_to(tmp):
            return site_dir / Path(name).relative_to(tmp)
        if isinstance(name, str) and Path(name).is_relative_to(site_dir):
            return Path(name)
    return site_dir


def _ours(target: Path) -> bool:
    """Whether ``target`` may be replaced: absent, empty, or a site bookgen (or MkDocs) built."""
    if not target.exists():
        return True
    if not target.is_dir() or target.is_symlink():
        return False
    if (target / SITE_MARKER).is_file() or all(p.name == "briefing.pdf" for p in target.iterdir()):
        return True  # empty, or holding only the PDF that `bookgen pdf` wrote
    return all((target / f).is_file() for f in ("index.html", "404.html", "sitemap.xml"))


def refuse_foreign(target: Path) -> None:
    if not _ours(target):
        raise SiteBuildError(f"{target} exists and was not built by bookgen; move it away or build "
                             "elsewhere (nothing was replaced)")


def swap_in(new: Path, target: Path) -> None:
    """Replace ``target`` by ``new`` with two renames, so readers never see half a site; a crash
    between them is undone by the next run (:func:`bookgen.swap.recover`). A ``target`` that
    bookgen did not build (no marker, not a MkDocs site) is never replaced."""
    refuse_foreign(target)
    swap.swap_in(new, target)


def recover_site(site_dir: Path) -> None:
    """After a killed build: the old site back if its swap was cut, leftovers removed."""
    swap.recover(site_dir.resolve())
