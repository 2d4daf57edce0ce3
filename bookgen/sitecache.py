"""Incremental site builds: MkDocs renders only the pages whose inputs changed; the rest come from a cache.

A cache folder (default ``build/site-cache/``; CI may keep it between runs) holds, for every page of
the last successful build, its HTML as written, its search index entries, and what other pages need
from it (title, anchor ids, links into other pages), filed under a key: the sha256 of the page's
Markdown and front matter together with a *global digest* of everything else a page's HTML can
depend on (the effective MkDocs config with nav and site name, every plugin and hook and its
settings, the theme's files, the versions of MkDocs, Material, Python-Markdown, Jinja2 and bookgen).

MkDocs still runs whole, through its public plugin events (:class:`CachePlugin`), so the navigation,
the sitemap, the 404 page, the tags export, static files and anchor validation are made by MkDocs
itself from every page. For a page whose key is in the cache:

* ``on_page_markdown`` gives MkDocs an empty document (no Markdown conversion: about two thirds of a
  clean build), front matter ``template`` names an empty template (no theme rendering, nothing
  written) and ``search: exclude`` (no HTML parsing by the search plugin: about a quarter);
* ``on_page_content`` puts back the page's title, anchor ids and links, the last two decoded only
  when MkDocs' anchor check needs them (:mod:`bookgen.sitelinks`: a cached page's links are checked
  when one leads to a page rendered again, or when not all of them held last time);
* ``on_post_build`` copies the cached HTML in and writes the search index with each cached page's
  entries in its place, in page order, with the search plugin's own serialisation.

A page is only taken from the cache when this is provably the same as rendering it: no cached page
is used (every page rendered, the cache rewritten) when a file of the last build moved, when a
plugin or hook is one whose effect on other pages is not known here (only Material's search, tags
without listings and offline, and bookgen's theme hook are), or when pages were added or removed
and MkDocs would not fail on a link to a missing page (it does in strict mode with
``validation.links`` ``not_found``/``unrecognized_links`` at warning level, and then a page added or
removed cannot change how an unchanged page's links resolve; a page whose Markdown names a file
now gone is rendered, so MkDocs checks its links). If the resolved navigation (titles
included) differs from the last build's after pages were taken from the
cache, the build starts again without the cache (:class:`Restart`).

MkDocs converts every page before it writes the first; each rendered page's HTML waits in a
temporary folder inside the cache folder meanwhile, so the build holds one page's HTML at a time,
and its anchor ids and links are kept packed till MkDocs' anchor check (:func:`bookgen.sitelinks.pack`).
Every rendered page is indexed for search as it is written and its entries kept in the cache
folder (:mod:`bookgen.searchindex`), so no build holds the whole index in memory; ``on_post_build``
writes the index a page's entries at a time, cached pages' and rendered pages' alike.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import functools
import hashlib
import importlib.metadata
import json
import logging
import os
import posixpath
import re
import shutil
import sys
import tempfile
import types
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority

from bookgen.sitelinks import (MANIFEST, Entry, Manifest, StoredAnchors, StoredLinks, links_hold, pack,
                               write_manifest)
from bookgen import searchindex
from bookgen.write import atomic_write

FORMAT = 3  # of the cache (part of every key); 3: the manifest a line per page (bookgen.sitelinks)
MARKER = ".bookgen-site-cache"
EMPTY_TEMPLATE = "bookgen-cached.html"  # in bookgen/theme: renders to nothing, so MkDocs writes nothing
THEME_DIR = Path(__file__).resolve().parent / "theme"
PLUGIN_NAME = "bookgen/site-cache"
KNOWN_PLUGINS = ("material/search", "material/tags", "material/offline")
_STORED = re.compile(r"[0-9a-f]{64}\.(?:html|json)")
_ABSENT = object()  # a page without a ``search`` setting of its own
_VERSIONED = ("mkdocs", "mkdocs-material", "markdown", "jinja2", "pymdown-extensions", "bookgen")


class Restart(Exception):
    """Pages were taken from the cache, then the navigation turned out to differ: build again without it."""


class CacheFolderError(Exception):
    """The cache folder cannot be used (not made by bookgen); the message says what to do."""


class Unprovable(Exception):
    """Something in the configuration cannot be shown not to affect other pages."""


@dataclass
class Outcome:
    """What the last build did, for messages and tests."""

    rendered: int = 0
    cached: int = 0
    why_full: str | None = None  # why no page came from the cache, when none did
    restarted: bool = False

    def describe(self, folder: Path) -> str:
        """One line for ``bookgen build``'s output."""
        if self.cached:
            return f"site: {self.rendered} page(s) rendered, {self.cached} unchanged from the cache ({folder})"
        return f"site: all {self.rendered} page(s) rendered ({self.why_full or 'no page unchanged'})"


@dataclass
class _Old:
    digest: str = ""
    nav: str = ""
    files: dict[str, str] = field(default_factory=dict)
    pages: dict[str, Entry] = field(default_factory=dict)


class SiteCache:
    """The cache folder, used by one build at a time (an exclusive lock while it builds)."""

    def __init__(self, folder: Path, clean: bool = False) -> None:
        self.folder = folder
        self.clean = clean  # render every page (``bookgen build --clean``); the cache is still rewritten
        self.outcome = Outcome()
        self._last: CachePlugin | None = None
        self._manifests: list[Manifest] = []  # open for the pages' anchors and links until commit

    def check_folder(self) -> None:
        """Refuse a folder bookgen did not make (it would prune files in it)."""
        f = self.folder
        if f.is_symlink() or (f.exists() and not f.is_dir()):
            raise CacheFolderError(f"{f} is not a folder; give another with --cache-dir")
        if f.is_dir() and not (f / MARKER).is_file() and any(f.iterdir()):
            raise CacheFolderError(f"{f} exists and was not made by bookgen; move it away or give "
                                   "another with --cache-dir (nothing in it was touched)")

    def prepare(self) -> None:
        """Make the folder, marked as bookgen's (refusing one bookgen did not make)."""
        self.check_folder()
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / MARKER).write_text("made by bookgen build: pages of the last site build\n")  # first
        (self.folder / "pages").mkdir(exist_ok=True)
        (self.folder / "search").mkdir(exist_ok=True)

    def build(self, make_config: Callable[[], Any], run: Callable[[Any], None]) -> Outcome:
        """Run ``run(config)`` (MkDocs' build) with the cache plugin; once more without the cache
        if the navigation changed under cached pages. Call :meth:`commit` once the site is accepted."""
        self.prepare()
        self._close_manifests()  # of a build not committed
        with _locked(self.folder / ".lock"), tempfile.TemporaryDirectory(dir=self.folder, prefix=".aside-") as aside:
            plugin = CachePlugin(self, use=not self.clean, aside=Path(aside))
            try:
                _run(make_config, run, plugin)
            except Restart:
                plugin = CachePlugin(self, use=False, why="the navigation changed", aside=Path(aside))
                _run(make_config, run, plugin)
                plugin.outcome.restarted = True
        self._last = plugin
        self.outcome = plugin.outcome
        return plugin.outcome

    def commit(self) -> None:
        """Record the pages of the build just made (its manifest; cache files no page uses removed)."""
        if self._last is not None:
            with _locked(self.folder / ".lock"):
                self._last.commit()
            self._last = None

    # the folder ------------------------------------------------------------------------------------
    def html(self, key: str) -> Path:
        return self.folder / "pages" / f"{key}.html"

    def search(self, key: str) -> Path:
        return self.folder / "search" / f"{key}.json"

    def load(self) -> _Old:
        """The last build's manifest, or nothing if it is missing, of another format or damaged
        (pages' anchors and links are read from it when needed, till :meth:`commit`)."""
        manifest = Manifest(self.folder)
        read = manifest.read()
        self._manifests.append(manifest)
        if read is None:
            return _Old()
        header, pages = read
        try:
            return _Old(str(header["digest"]), str(header["nav"]),
                        {str(k): str(v) for k, v in header["files"].items()}, pages)
        except (KeyError, TypeError, AttributeError):
            return _Old()

    def save(self, digest: str, nav: str, files: dict[str, str], pages: dict[str, Entry]) -> None:
        write_manifest(self.folder, {"digest": digest, "nav": nav, "files": files}, pages)
        self._close_manifests()
        (self.folder / "manifest.json").unlink(missing_ok=True)  # bookgen's format before 3
        keep = {e.key for e in pages.values()}
        for sub in ("pages", "search"):
            for f in (self.folder / sub).iterdir():
                if _STORED.fullmatch(f.name) and f.name.partition(".")[0] not in keep:
                    f.unlink(missing_ok=True)

    def forget(self) -> None:
        """Remove the manifest (the next build renders every page)."""
        self._close_manifests()
        (self.folder / MANIFEST).unlink(missing_ok=True)

    def _close_manifests(self) -> None:
        for manifest in self._manifests:
            manifest.close()
        self._manifests.clear()


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    with path.open("a") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def _run(make_config: Callable[[], Any], run: Callable[[Any], None], plugin: CachePlugin) -> None:
    config = make_config()
    config.plugins[PLUGIN_NAME] = plugin  # MkDocs' PluginCollection registers its events
    run(config)


class CachePlugin(BasePlugin):  # type: ignore[type-arg]
    """The MkDocs side of :class:`SiteCache` for one build (see the module docstring)."""

    def __init__(self, cache: SiteCache, use: bool, why: str | None = None, aside: Path | None = None) -> None:
        super().__init__()
        self.cache = cache
        self.aside_folder = aside  # rendered pages' HTML waits here for its turn to be written
        self.aside: dict[str, Path] = {}
        self.removed: set[str] = set()  # names of the files of the last build now gone
        self.old = cache.load()
        self.use = use
        self.outcome = Outcome(why_full=why if why else (None if use else "--clean"))
        self.digest = ""
        self.nav_digest = ""
        self.files: Any = None
        self.keys: dict[str, str] = {}
        self.hits: dict[str, Entry] = {}
        self.fresh: dict[str, Entry] = {}
        self._rendered_pages: set[str] | None = None
        self.site_dir = Path()
        self.search: Any = None  # Material's search plugin, when it is on and pages are indexed here
        self.own_search: dict[str, Any] = {}  # a page's own ``search`` setting, while the plugin skips it
        self.search_json: Path | None = None

    def _no_cache(self, why: str) -> None:
        if self.use:
            self.use, self.outcome.why_full = False, why

    @event_priority(-100)
    def on_config(self, config: Any) -> Any:
        self.site_dir = Path(config.site_dir)
        try:
            self.digest = global_digest(config)
        except Unprovable as exc:  # another plugin may change pages: Material's search indexes them itself
            self.digest = ""
            self._no_cache(str(exc))
            return config
        if "material/search" in config.plugins and config.plugins["material/search"].config.enabled:
            self.search = config.plugins["material/search"]
            self.search_json = self.site_dir / "search" / "search_index.json"
        if not self.old.pages:
            self._no_cache("no earlier build in the cache")
        elif self.old.digest != self.digest:
            self._no_cache("the site's configuration, theme or tools changed")
        return config

    @event_priority(-100)
    def on_files(self, files: Any, config: Any) -> Any:
        self.files = files
        now = {f.src_uri: f.url for f in files}
        if any(src in now and now[src] != url for src, url in self.old.files.items()):
            self._no_cache("a file of the last build was moved")
        elif not _additions_fail_loudly(config) and now.keys() != self.old.files.keys():
            self._no_cache("files were added or removed and MkDocs is not set to fail on links to missing pages")
        self.removed = {posixpath.basename(src) for src in self.old.files.keys() - now.keys()}
        return files

    @event_priority(-100)
    def on_nav(self, nav: Any, config: Any, files: Any) -> Any:
        self.nav = nav
        return nav

    @event_priority(-100)
    def on_page_markdown(self, markdown: str, page: Any, config: Any, files: Any) -> str:
        src = page.file.src_uri
        meta = json.dumps(page.meta, sort_keys=True, default=str, ensure_ascii=False)
        key = _sha(f"{self.digest}\0{src}\0{meta}\0{markdown}")
        self.keys[src] = key
        old = self.old.pages.get(src)
        if any(name in markdown for name in self.removed):  # it may link to a file now gone: MkDocs checks that
            return markdown
        if not (self.use and old is not None and old.key == key and self.cache.html(key).is_file()
                and (self.search_json is None or self.cache.search(key).is_file())):
            return markdown
        self.hits[src] = old
        page.meta["template"] = EMPTY_TEMPLATE
        page.meta["search"] = {"exclude": True}
        return ""

    @event_priority(-100)
    def on_page_content(self, html: str, page: Any, config: Any, files: Any) -> str:
        entry = self.hits.get(page.file.src_uri)
        if entry is None:
            pack(page)  # its anchor ids and links, smaller, till MkDocs' anchor check
            return self._set_aside(page, html)
        page.title = entry.title
        page.present_anchor_ids = StoredAnchors(entry)
        if page.links_to_anchors is not None:
            page.links_to_anchors = StoredLinks(entry, self._rendered, files.get_file_from_path)
        return html

    def _rendered(self) -> set[str]:
        """The pages rendered in this build (asked once every page is built, by MkDocs' anchor check)."""
        if self._rendered_pages is None:
            self._rendered_pages = self.keys.keys() - self.hits.keys()
        return self._rendered_pages

    def _set_aside(self, page: Any, html: str) -> str:
        """MkDocs converts every page before it writes any: each page's HTML (and its Markdown, no
        longer needed) would stay in memory till then. It waits on disk instead, so memory holds
        one page at a time, whatever the size of the book."""
        if self.aside_folder is None:
            return html
        path = self.aside_folder / f"{len(self.aside)}.html"
        path.write_bytes(html.encode("utf-8", "surrogatepass"))
        self.aside[page.file.src_uri] = path
        page.markdown = ""  # (not None: MkDocs reads that as "not read yet", and the title as None)
        return ""

    @event_priority(100)  # before the search plugin reads the page
    def _page_back(self, context: Any, page: Any, config: Any, nav: Any) -> Any:
        src = page.file.src_uri
        path = self.aside.pop(src, None)
        if path is not None:
            page.content = path.read_bytes().decode("utf-8", "surrogatepass")
            path.unlink()
        if self.search_json is not None and src in self.keys and src not in self.hits:
            self._index(page, self.keys[src])
        return context

    def _index(self, page: Any, key: str) -> None:
        """The page's search entries into the cache folder (:mod:`bookgen.searchindex`); the search
        plugin is told to skip the page."""
        atomic_write(self.cache.search(key), searchindex.page_entries(self.search.config, page).encode())
        self.own_search[page.file.src_uri] = page.meta.get("search", _ABSENT)
        page.meta["search"] = {"exclude": True}

    @event_priority(-100)  # after the search plugin skipped the page, before the theme renders it
    def _meta_back(self, context: Any, page: Any, config: Any, nav: Any) -> Any:
        """The page's own ``search`` setting back (Material's templates test ``page.meta``)."""
        src = page.file.src_uri
        if src in self.own_search:
            own = self.own_search.pop(src)
            if own is _ABSENT:
                del page.meta["search"]
            else:
                page.meta["search"] = own
        return context

    on_page_context = CombinedEvent(_page_back, _meta_back)

    @event_priority(-100)
    def on_post_page(self, output: str, page: Any, config: Any) -> str:
        page.content = None  # written next: nothing needs it any more
        return output

    @event_priority(-100)
    def on_env(self, env: Any, config: Any, files: Any) -> Any:
        self.nav_digest = nav_digest(self.nav)
        if self.hits and self.nav_digest != self.old.nav:
            raise Restart("the navigation changed")
        return env

    @event_priority(-50)  # after the search plugin wrote its index, before offline (-100) copies it
    def on_post_build(self, config: Any) -> None:
        pages = [f.page for f in self.files.documentation_pages() if f.page is not None]
        for page in pages:
            src = page.file.src_uri
            if src in self.hits:
                Path(page.file.abs_dest_path).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(self.cache.html(self.hits[src].key), page.file.abs_dest_path)
                if isinstance(page.links_to_anchors, StoredLinks) and page.links_to_anchors.checked:
                    self.hits[src] = dataclasses.replace(self.hits[src], links_ok=links_hold(page))
            elif src in self.keys:
                key = self.keys[src]
                self.fresh[src] = Entry.of_page(key, page)
                dest = Path(page.file.abs_dest_path)
                if not self.cache.html(key).is_file():
                    _copy_atomic(dest, self.cache.html(key)) if dest.is_file() else None
        if self.search_json is not None and self.search_json.is_file():
            self._search_index(pages)
        self.outcome.rendered, self.outcome.cached = len(self.fresh), len(self.hits)

    def _search_index(self, pages: list[Any]) -> None:
        """Write the search index again with every page's entries, from the cache folder."""
        assert self.search_json is not None

        def entries() -> Iterator[str]:
            for page in pages:
                src = page.file.src_uri
                entry = self.hits.get(src) or self.fresh.get(src)
                yield self.cache.search(entry.key).read_text("utf-8") if entry is not None else ""

        try:
            searchindex.rewrite(self.search_json, entries())
        except searchindex.NotOurs as exc:
            raise PluginError(f"{exc}: a plugin or hook changed how pages are indexed; build without it") from None

    def commit(self) -> None:
        """After a successful build: the manifest of every page built, stale cache files removed."""
        entries = {**{src: e for src, e in self.hits.items()}, **self.fresh}
        if not self.digest or self.files is None:
            self.cache.forget()
            return
        files = {f.src_uri: f.url for f in self.files}
        self.cache.save(self.digest, self.nav_digest, files, entries)


def _copy_atomic(src: Path, dest: Path) -> None:
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
    shutil.copyfile(src, tmp)
    os.replace(tmp, dest)


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _additions_fail_loudly(config: Any) -> bool:
    """A page added or removed cannot change an unchanged page's HTML: a link of it to a page that
    did not exist would have failed the last (strict) build, and one to a page now gone fails this
    one (cached pages' links are checked too). The navigation, which does change every page, is
    compared after the build (:class:`Restart`)."""
    links = config.validation.links
    return bool(config.strict) and min(links.not_found, links.unrecognized_links) >= logging.WARNING


# the global digest -------------------------------------------------------------------------------------
def global_digest(config: Any) -> str:
    """Everything besides a page's own Markdown that its HTML can depend on, as one sha256."""
    plugins = {}
    for name, plugin in config.plugins.items():
        if name == PLUGIN_NAME:
            continue
        plugins[name] = _plugin_identity(name, plugin)
    settings = {k: _canonical(config[k]) for k in sorted(config.keys())
                if k not in ("site_dir", "config_file_path", "plugins", "hooks", "theme")}
    theme = config.theme
    data = {
        "format": FORMAT,
        "versions": {d: _version(d) for d in _VERSIONED},
        "settings": settings,
        "plugins": plugins,
        "theme": {"name": theme.name, "settings": _canonical(dict(theme.items())),
                  "static_templates": sorted(theme.static_templates),
                  "dirs": [[d, _folder_digest(Path(d))] for d in theme.dirs]},
        "bookgen_site_code": _folder_digest(THEME_DIR) + "".join(_file_digest(Path(m.__file__ or ""))
                                                                 for m in (sys.modules[__name__], searchindex)),
    }
    return _sha(json.dumps(data, sort_keys=True))


def _plugin_identity(name: str, plugin: Any) -> Any:
    if isinstance(plugin, types.ModuleType) or name.startswith("hooks/"):  # a hook: bookgen's own only
        path = Path(getattr(plugin, "__file__", "") or "")
        if path.resolve() != (THEME_DIR / "theme_hook.py").resolve():
            raise Unprovable(f"the MkDocs hook {path} may change any page")
        return _file_digest(path)
    if name not in KNOWN_PLUGINS:
        raise Unprovable(f"the MkDocs plugin '{name}' may change any page")
    if name == "material/tags" and plugin.config.get("enabled", True) and plugin.config.get("listings", True):
        raise Unprovable("Material's tags plugin with listings puts every page's tags on other pages")
    return {"class": f"{type(plugin).__module__}.{type(plugin).__qualname__}",
            "config": _canonical(dict(plugin.config))}


def _canonical(value: Any) -> Any:
    """``value`` as plain JSON data, the same for the same settings in every run."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, dict) or hasattr(value, "items"):
        return {str(k): _canonical(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted((_canonical(v) for v in value), key=repr)
    if isinstance(value, functools.partial):
        return {"partial": _canonical(value.func), "args": _canonical(value.args),
                "kwargs": _canonical(value.keywords)}
    if isinstance(value, (types.FunctionType, type, types.BuiltinFunctionType)):
        return f"{value.__module__}.{value.__qualname__}"
    patterns = getattr(value, "patterns", None)  # pathspec.PathSpec (not_in_nav, exclude_docs...)
    if isinstance(patterns, list):
        return {"pathspec": [str(getattr(p, "pattern", p)) for p in patterns]}
    text = repr(value)
    if " at 0x" in text or " object at " in text:
        raise Unprovable(f"a setting of type {type(value).__name__} cannot be compared between builds")
    return f"{type(value).__name__}:{text}"


def _version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return ""


def _installed_roots() -> tuple[str, ...]:
    """Folders of the installed packages whose version is in the digest (their files are not read)."""
    import material
    import mkdocs

    return tuple(str(Path(m.__file__).resolve().parent) for m in (mkdocs, material))


def _folder_digest(folder: Path) -> str:
    """sha256 over a theme folder's file names and bytes; an installed theme is its version."""
    resolved = folder.resolve()
    if any(str(resolved) == r or str(resolved).startswith(r + os.sep) for r in _installed_roots()):
        return "installed"
    h = hashlib.sha256()
    if resolved.is_dir():
        for f in sorted(resolved.rglob("*")):
            if f.is_file() and "__pycache__" not in f.parts:
                h.update(f.relative_to(resolved).as_posix().encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()


def _file_digest(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


def nav_digest(nav: Any) -> str:
    """The resolved navigation (every item's kind, title and URL, in order) as one sha256."""

    def walk(items: Any) -> Any:
        return [[type(i).__name__, i.title, getattr(i, "url", None), walk(getattr(i, "children", None) or [])]
                for i in items]

    home = nav.homepage.url if nav.homepage is not None else None
    return _sha(json.dumps([home, walk(nav.items)], ensure_ascii=False))
