"""``bookgen serve``: an edit to content shows on the served page without restarting."""

from __future__ import annotations

import os
import time
from pathlib import Path

from hostile_support import copy_project, fetch_until, serving

OLD = "note: Alpha said the plan was 90% agreed."
NEW = "note: Alpha said, in the edited note, the plan was 90% agreed."


def test_an_edited_note_reaches_the_served_pages(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "book")
    annotations = root / "content" / "annotations" / "talks.yaml"
    with serving(root) as base:
        before = fetch_until(f"{base}/issues/peace-plan/")
        assert "in the edited note" not in before and "said the plan was 90% agreed" in before
        annotations.write_text(annotations.read_text("utf-8").replace(OLD, NEW), "utf-8")
        for page in ("issues/peace-plan/", "actors/alpha/", "sources/talks/"):
            fetch_until(f"{base}/{page}", wanted="in the edited note")


def test_serve_survives_a_content_error_and_picks_up_the_fix(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "book")
    annotations = root / "content" / "annotations" / "talks.yaml"
    good = annotations.read_text("utf-8")
    with serving(root) as base:
        fetch_until(f"{base}/issues/peace-plan/")
        annotations.write_text(good.replace("speaker: alpha", "speaker: alfa"), "utf-8")  # unknown id
        html = fetch_until(f"{base}/issues/peace-plan/")  # still served: the last good pages
        assert "said the plan was 90% agreed" in html
        annotations.write_text(good.replace(OLD, NEW), "utf-8")
        fetch_until(f"{base}/issues/peace-plan/", wanted="in the edited note")


def test_content_errors_show_in_a_banner_on_every_served_page_until_fixed(tmp_path: Path) -> None:
    """Issue 19: while content has errors, each served page lists them (escaped), and the
    banner is gone once they are fixed."""
    root = copy_project(tmp_path / "book")
    annotations = root / "content" / "annotations" / "talks.yaml"
    good = annotations.read_text("utf-8")
    with serving(root) as base:
        assert "bookgen-problems" not in fetch_until(f"{base}/issues/peace-plan/")
        annotations.write_text(good.replace("speaker: alpha", "speaker: <b>alfa</b>"), "utf-8")
        wanted = "content/annotations/talks.yaml:14:14: annotations[2].speaker: id &#x27;&lt;b&gt;alfa&lt;/b&gt;&#x27; is not"
        for page in ("sources/talks/", "", "issues/peace-plan/"):
            html = fetch_until(f"{base}/{page}", wanted="bookgen-problems")
            assert "<b>alfa</b>" not in html  # escaped
        assert "said the plan was 90% agreed" in html
        banner = html[html.index("bookgen-problems"):][:1500]
        assert "[bookgen.schema]" in banner and wanted in banner, banner
        annotations.write_text(good, "utf-8")
        deadline = time.monotonic() + 60
        while "bookgen-problems" in fetch_until(f"{base}/issues/peace-plan/"):
            assert time.monotonic() < deadline, "the banner stayed after the fix"
            time.sleep(0.2)


def test_the_banner_is_added_to_html_only_and_escaped() -> None:
    from bookgen.servebanner import BannerMiddleware, inject

    assert inject(b"<html><body class='x'><p>hi</p></body>", ["a.yaml:1:1: <script> [bookgen.x]"]) == (
        b"<html><body class='x'>" + inject(b"", ["a.yaml:1:1: <script> [bookgen.x]"]) + b"<p>hi</p></body>")
    assert b"&lt;script&gt;" in inject(b"", ["<script>"]) and b"<script>" not in inject(b"", ["<script>"])

    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", environ["type"]), ("Content-Length", "4")])
        return [b"<bo", b"dy>"]

    status = Path(os.devnull)
    got: list = []
    mw = BannerMiddleware(app, status)
    assert b"".join(mw({"type": "text/html"}, lambda s, h, e=None: got.append(h))) == b"<body>"  # no errors


def test_serve_stopped_by_sigterm_removes_the_site_mkdocs_served_from(tmp_path: Path) -> None:
    """MkDocs serves a site it builds in a temporary folder (as big as the site) and removes it
    when interrupted; a SIGTERM (a service manager, a container stop, ``kill``) must do the same
    rather than leave one behind per session."""
    root = copy_project(tmp_path / "book")
    temp = tmp_path / "temp"
    temp.mkdir()
    with serving(root, env=dict(os.environ, TMPDIR=str(temp))) as base:
        fetch_until(f"{base}/issues/peace-plan/")
        assert list(temp.glob("mkdocs_*"))  # the served site: it is there while serving
    assert not list(temp.glob("mkdocs_*"))


def test_the_dev_server_watches_only_the_rebuild_request_through_its_public_api(tmp_path: Path) -> None:
    """MkDocs' dev server (its documented ``watch``/``unwatch``) stops polling the docs tree and
    watches one folder; a regeneration asks for a rebuild by writing the file there."""
    from bookgen import site

    docs = tmp_path / "build" / "docs"
    docs.mkdir(parents=True)
    assert site.request_rebuild(docs) is False  # nothing serving this docs tree: nothing to ask

    class Server:  # the public part of MkDocs' LiveReloadServer bookgen uses
        def __init__(self) -> None:
            self.watched = {str(docs), str(tmp_path / "mkdocs.yml")}

        def watch(self, path: str, recursive: bool = True) -> None:
            self.watched.add(path)

        def unwatch(self, path: str) -> None:
            self.watched.remove(path)

    server = Server()
    site.adopt_dev_server(server, str(docs))
    site.adopt_dev_server(server, str(docs))  # on_serve may run again: no error
    request = site.rebuild_request(docs)
    assert server.watched == {str(request.parent), str(tmp_path / "mkdocs.yml")}
    assert site.request_rebuild(docs) is True and request.is_file()


def test_a_rebuild_request_wakes_mkdocs_dev_server() -> None:
    """Against MkDocs' real LiveReloadServer: writing the request file makes it want a rebuild
    (its watch callback runs), with the docs tree itself no longer watched."""
    import tempfile
    import time

    from mkdocs.livereload import LiveReloadServer

    from bookgen import site

    built: list[int] = []
    with tempfile.TemporaryDirectory() as tmp:
        docs = Path(tmp) / "build" / "docs"
        docs.mkdir(parents=True)
        server = LiveReloadServer(builder=lambda: built.append(1), host="127.0.0.1", port=0, root=tmp,
                                  polling_interval=0.05)
        server.watch(str(docs))
        site.adopt_dev_server(server, str(docs))
        server.observer.start()
        try:
            (docs / "page.md").write_text("changed")  # not watched any more
            time.sleep(0.3)
            assert not server._want_rebuild  # noqa: SLF001 - reading the outcome only
            site.request_rebuild(docs)
            deadline = time.monotonic() + 5
            while not server._want_rebuild and time.monotonic() < deadline:  # noqa: SLF001
                time.sleep(0.02)
            assert server._want_rebuild  # noqa: SLF001
        finally:
            server.observer.stop()
            server.observer.join()
            server.server_close()


def test_serve_holds_its_scans_while_mkdocs_builds(monkeypatch) -> None:
    from bookgen import site

    assert not site.site_building()
    site.build_event(started=True)
    try:
        assert site.site_building()
        monkeypatch.setattr(site, "BUILD_PAUSE_LIMIT", 0.0)  # a build that never said it ended
        assert not site.site_building()
    finally:
        site.build_event(started=False)
    assert not site.site_building()


def test_ended_builds_are_counted_so_serve_tidies_after_the_rebuild_it_asked_for() -> None:
    from bookgen import site

    before = site.builds_ended()
    site.build_event(started=True)
    assert site.builds_ended() == before
    site.build_event(started=False)
    assert site.builds_ended() == before + 1


def test_theme_templates_are_compiled_once_per_process_unless_they_or_the_settings_change() -> None:
    """MkDocs makes a new Jinja2 environment for every rebuild in serve; the theme hook lets them
    share compiled templates (bookgen.site.remember_theme_code)."""
    import jinja2

    from bookgen import site

    compiled: list[str] = []

    class Counting(jinja2.Environment):
        def _compile(self, source: str, filename: str) -> object:
            compiled.append(source)
            return super()._compile(source, filename)

    def render(env: jinja2.Environment) -> str:
        site.remember_theme_code(env)
        return env.get_template("t.html").render(x=1)

    loader = jinja2.DictLoader({"t.html": "{{ x }}!"})
    assert render(Counting(loader=loader)) == render(Counting(loader=loader)) == "1!"
    assert len(compiled) == 1  # the second environment used the code the first compiled
    assert render(Counting(loader=jinja2.DictLoader({"t.html": "{{ x }}?"}))) == "1?"  # edited template
    assert render(Counting(loader=loader, autoescape=True)) == "1!"  # other settings
    assert len(compiled) == 3


def test_the_theme_hook_reports_builds_and_keeps_the_theme_code(tmp_path: Path, monkeypatch) -> None:
    """The hook every bookgen build loads tells bookgen.site when MkDocs builds (serve's watcher
    waits meanwhile) and hands it each build's template environment to remember."""
    from hostile_support import build

    from bookgen import site

    events: list[bool] = []
    monkeypatch.setattr(site, "build_event", lambda started: events.append(started))
    monkeypatch.setattr(site, "_THEME_CODE", site._Remembered())
    code, out = build(copy_project(tmp_path / "book"))
    assert code == 0, out
    assert events == [True, False]
    assert site._THEME_CODE  # Material's templates, compiled once for this process
