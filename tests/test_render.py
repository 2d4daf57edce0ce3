"""Unit tests of stage render: Markdown escaping, relative links, footnotes, mention linking, pages."""

from __future__ import annotations

import datetime as dt
import posixpath
import random
import re
from pathlib import Path

import jinja2
import jinja2.runtime
import pytest

from conftest import MINI, REPO_ROOT, make_project
from bookgen import links as L
from bookgen.ids import EntityId
from bookgen.mdtext import Md, escape, html_attr, link
from bookgen.model import Book
from bookgen.pipeline import check
from bookgen.render import SEAM_JINJA2, environment, jinja2_seams, page_specs, render_pages


@pytest.fixture(scope="module")
def mini(tmp_path_factory: pytest.TempPathFactory) -> Book:
    result = check(make_project(tmp_path_factory.mktemp("render"), MINI))
    assert result.book is not None
    return result.book


@pytest.fixture(scope="module")
def pages(mini: Book) -> dict[str, str]:
    return render_pages(mini, REPO_ROOT / "templates")


# mdtext ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("typed, markdown", [
    ("a*b_c `d` [e](f) {g} #h !i \\j", "a\\*b\\_c \\`d\\` \\[e\\](f) \\{g\\} \\#h \\!i \\\\j"),
    ("<script>&amp; a|b", "&lt;script&gt;&amp;amp; a&#124;b"),
    ("1. not a list", "1\\. not a list"),
    ("10) not a list", "10\\) not a list"),
    ("- not a list", "\\- not a list"),
    ("  + not a list", " \\+ not a list"),
    ("= not a heading underline", "&#61; not a heading underline"),
    (": not a definition", "&#58; not a definition"),
    ("two\n\nlines  folded", "two lines folded"),
    ("bidi \u202e here", "bidi \\[U+202E\\] here"),
    ("[^note] inline footnote", "\\[&#94;note\\] inline footnote"),
    ("plain words, 95% done.", "plain words, 95% done."),
])
def test_escape(typed: str, markdown: str) -> None:
    assert escape(typed) == markdown
    assert isinstance(escape(typed), Md)


def test_md_passes_through_unescaped_and_link_escapes_its_text() -> None:
    assert escape(Md("[a](b.md)")) == "[a](b.md)"
    assert link("a [b] *c*", "../x.md#y") == "[a \\[b\\] \\*c\\*](../x.md#y)"
    assert html_attr('a"<b>&') == "a&quot;&lt;b&gt;&amp;"


# links ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("page, target, anchor, url", [
    ("index.md", "actors/alpha.md", None, "actors/alpha.md"),
    ("issues/guarantees.md", "actors/alpha.md", None, "../actors/alpha.md"),
    ("issues/guarantees.md", "issues/peace-plan.md", None, "peace-plan.md"),
    ("sources/talks.md", "sources/talks.md", "a-t-meeting", "talks.md#a-t-meeting"),
    ("claims.md", "dates/2025-12-28.md", "event-meeting", "dates/2025-12-28.md#event-meeting"),
    ("actors/index.md", "index.md", None, "../index.md"),
])
def test_links_are_relative_to_the_page(mini: Book, page: str, target: str, anchor: str | None, url: str) -> None:
    links = L.PageLinks(mini, L.MentionIndex(mini), page)
    assert links.url(target, anchor) == url


def test_relative_paths_are_worked_out_as_posixpath_does(mini: Book) -> None:
    """links._relpath computes the usual one-folder-deep cases itself; any other shape goes to
    posixpath.relpath, and both agree on every page and link target of the book, and odd shapes."""
    pages = [spec.path for spec in page_specs(mini)]
    odd = ["", "a", ".", "..", "a.md", "x/y", "./a.md", "../a.md", "a//b.md", "/abs.md", "a/", "b/c/d.md",
           "/", "a/.", "a/..", ".a/b", "a/b/"]
    starts = {posixpath.dirname(p) or "." for p in pages} | {"a", "x/y", "..", "", "/", "./a", "a/"}
    for target in pages + odd:
        for start in starts:
            try:
                expected: object = posixpath.relpath(target, start)
            except ValueError:
                expected = ValueError
            try:
                got: object = L._relpath(target, start)
            except ValueError:
                got = ValueError
            assert got == expected, (target, start)


def test_entity_links(mini: Book) -> None:
    links = L.PageLinks(mini, L.MentionIndex(mini), "issues/guarantees.md")
    assert links.actor("alpha") == "[Alpha](../actors/alpha.md)"
    assert links.issue("peace-plan") == "[The peace plan](peace-plan.md)"
    assert links.date(mini.dates["2025-11-late"]) == "[late Nov 2025](../dates/2025-11-late.md)"
    assert links.date(None) == "undated"
    assert links.source("other") == "[Alpha confirms](../sources/other.md)"
    assert links.event("meeting") == "[Alpha and Beta meet in Florida](../dates/2025-12-28.md#event-meeting)"
    assert links.claim("plan-share") == "[How much of the plan is agreed](../claims.md#claim-plan-share)"


def test_entity_links_remembered_for_one_page_are_relative_on_another(mini: Book) -> None:
    """A render remembers each link's text and target page once; the relative URL is per page."""
    memo, mentions = L.RenderMemo(mini), L.MentionIndex(mini)
    late = mini.dates["2025-11-late"]
    expected = {
        "issues/guarantees.md": ("[Alpha](../actors/alpha.md)", "[late Nov 2025](../dates/2025-11-late.md)",
                                 "[The peace plan](peace-plan.md)"),
        "index.md": ("[Alpha](actors/alpha.md)", "[late Nov 2025](dates/2025-11-late.md)",
                     "[The peace plan](issues/peace-plan.md)"),
        "actors/alpha.md": ("[Alpha](alpha.md)", "[late Nov 2025](../dates/2025-11-late.md)",
                            "[The peace plan](../issues/peace-plan.md)"),
    }
    for _ in range(2):
        for page, (actor, date, issue) in expected.items():
            links = L.PageLinks(mini, mentions, page, memo)
            assert (links.actor("alpha"), links.date(late), links.issue("peace-plan")) == (actor, date, issue)
    with pytest.raises(KeyError):
        L.PageLinks(mini, mentions, "index.md", memo).actor("nobody")


def test_footnote_holds_exact_quote_source_date_and_anchor_link(mini: Book) -> None:
    links = L.PageLinks(mini, L.MentionIndex(mini), "actors/alpha.md")
    # the YAML quote uses straight quotes; the footnote shows the source's own (curly) text
    assert mini.annotations["t-alpha-90"].quote == 'Alpha said the plan was "90% agreed."'
    assert links.footnote("t-alpha-90") == (
        "[^t-alpha-90]: “Alpha said the plan was “90% agreed.”” — Alpha, 28 Dec 2025; reported in "
        "[Leaders meet on the peace plan](../sources/talks.md#a-t-alpha-90) (publication date unknown), ¶2.")
    assert links.footnote("o-alpha-90") == (
        "[^o-alpha-90]: “Alpha confirmed the plan was about 90% agreed” — Alpha, 28 Dec 2025; reported in "
        "[Alpha confirms](../sources/other.md#a-o-alpha-90) (29 Dec 2025), ¶1.")


def test_cite_collects_each_note_once_in_first_use_order(mini: Book) -> None:
    links = L.PageLinks(mini, L.MentionIndex(mini), "index.md")
    assert links.cite(["t-beta-95", "t-meeting"]) == '[^t-beta-95]<sup class="fn-sep">,</sup>[^t-meeting]'
    assert links.cite(["t-meeting"]) == "[^t-meeting]"
    assert links.notes == ["t-beta-95", "t-meeting"]
    assert links.footnotes().count("\n\n") == 1


def test_mentions_link_first_occurrence_longest_name_not_own_page(mini: Book) -> None:
    m = L.MentionIndex(mini)
    on_issue = L.PageLinks(mini, m, "issues/guarantees.md")
    assert on_issue.text("Alpha met Beta; Alpha left.") == \
        "[Alpha](../actors/alpha.md) met [Beta](../actors/beta.md); Alpha left."
    # 'Alpha City' (an alias of Alphaland) before 'Alpha'; one link per actor; whole words only
    assert on_issue.text("Alpha City and Alphaland, not Alphabet.") == \
        "[Alpha City](../actors/alphaland.md) and Alphaland, not Alphabet."
    on_alpha = L.PageLinks(mini, m, "actors/alpha.md")
    assert on_alpha.text("Alfa met Beta.") == "Alfa met [Beta](beta.md)."
    assert on_issue.text("*Beta* <b>") == "\\*[Beta](../actors/beta.md)\\* &lt;b&gt;"


def _linked_reference(links: L.PageLinks, value: str) -> str:
    """PageLinks.text as first written: every text matched and escaped again on every page."""
    out, pos, seen = [], 0, set()
    folded = " ".join(value.split())
    for m in links.mentions.pattern.finditer(folded):
        actor_id = links.mentions.names[m.group(1)]
        target = L.actor_path(actor_id)
        if actor_id in seen or target == links.path:
            continue
        seen.add(actor_id)
        out.append(escape(folded[pos: m.start()]) if m.start() > pos else "")
        out.append(link(m.group(1), links.url(target)))
        pos = m.end()
    out.append(escape(folded[pos:]) if pos < len(folded) else "")
    return "".join(out)


def test_a_text_remembered_across_pages_links_as_if_worked_out_on_each(mini: Book) -> None:
    """MentionIndex remembers how each text splits around names; each page makes its own links,
    and an actor's page never links to itself, even when another page linked the same text first."""
    rng = random.Random(3)
    names = [n for n in L.MentionIndex(mini).names] + ["1. ", "- ", "*x*", "  ", "\n", "Alphabet", ", "]
    texts = ["".join(rng.choice(names) + rng.choice(["", " ", " and "]) for _ in range(rng.randint(0, 6)))
             for _ in range(300)]
    mentions = L.MentionIndex(mini)
    pages = [spec.path for spec in page_specs(mini)]
    for text in texts:
        for path in rng.sample(pages, 6):
            links = L.PageLinks(mini, mentions, path)
            assert links.text(text) == _linked_reference(links, text), (path, text)
            assert isinstance(links.text(text), Md)


def test_mention_tree_matches_a_longest_first_alternation() -> None:
    """The prefix-tree pattern finds exactly what the plain longest-first alternation finds, on
    random names that share prefixes, end inside one another and hold regex characters."""
    rng = random.Random(7)
    alphabet = "ab .c("
    for _ in range(2000):
        names = {"".join(rng.choice(alphabet) for _ in range(rng.randint(1, 5))) for _ in range(rng.randint(1, 8))}
        ordered = sorted(names, key=lambda n: (-len(n), n))
        plain = re.compile(r"(?<!\w)(" + "|".join(map(re.escape, ordered)) + r")(?!\w)")
        tree = re.compile(r"(?<!\w)(" + L.trie_pattern(names) + r")(?!\w)")
        for _ in range(10):
            text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 20)))
            assert [m.span() for m in tree.finditer(text)] == [m.span() for m in plain.finditer(text)], (names, text)


def test_mention_tree_falls_back_when_names_nest_too_deep() -> None:
    names = ["a" * n for n in range(1, 400)]  # each name extends the last: 399 nested groups
    pattern = re.compile(L.trie_pattern(names))
    assert pattern.fullmatch("a" * 399) and pattern.match("a" * 500).end() == 399


# the template environment ------------------------------------------------------------------------------
def _render_string(source: str, **values: object) -> str:
    env = environment(Path("templates"))
    return env.from_string(source).render(**values)


def test_values_are_escaped_for_markdown_with_or_without_autoescape() -> None:
    hostile = "<b>*x*</b> [a](b)"
    expected = str(escape(hostile))
    assert _render_string("{{ v }}", v=hostile) == expected
    assert _render_string("{% autoescape false %}{{ v }}{% endautoescape %}", v=hostile) == expected
    assert _render_string("{{ v }}", v=Md("*kept*")) == "*kept*"
    macro = "{% macro m(x) %}<{{ x }}>{% endmacro %}{{ m(v) }}"  # a macro's output is Markdown already
    assert _render_string(macro, v=hostile) == "<" + expected + ">"


def test_the_jinja2_seams_fit_the_installed_jinja2() -> None:
    """render.py's two speed seams use Jinja2 internals written against one release series. If this
    fails, Jinja2 changed: pages still render (through Jinja2's own code, slower), but check the
    seams against the new Jinja2 (the tests below), then update SEAM_JINJA2 and the jinja2 bound in
    pyproject.toml."""
    assert jinja2.__version__.startswith(SEAM_JINJA2), (
        f"Jinja2 {jinja2.__version__} is not the {SEAM_JINJA2}x series bookgen/render.py's seams were written for")
    assert jinja2_seams(), "Jinja2's CodeGenerator._output_child_pre/_post or Context.call changed shape"


def test_output_compiles_to_finalize_alone() -> None:
    env = environment(Path("templates"), seams=True)
    code = env.compile("{{ v }}", raw=True)
    assert "environment.finalize(" in code and "escape(environment.finalize(" not in code
    kept = env.compile("{% autoescape false %}{{ v }}{% endautoescape %}", raw=True)
    assert "str(environment.finalize(" in kept
    plain = environment(Path("templates"), seams=False).compile("{{ v }}", raw=True)
    assert "escape(environment.finalize(" in plain


def test_pages_are_the_same_with_and_without_the_jinja2_seams(mini: Book, pages: dict[str, str]) -> None:
    templates = REPO_ROOT / "templates"
    plain = render_pages(mini, templates, env=environment(templates, seams=False))
    assert plain == pages and pages == render_pages(mini, templates, env=environment(templates, seams=True))


def test_page_helpers_go_through_jinja2s_call_path_without_the_seams(mini: Book) -> None:
    """The direct-call seam pops the ``_loop_vars``/``_block_vars`` arguments compiled templates
    pass in loops and blocks: without it, Jinja2's own ``Context.call`` takes them."""
    links = L.PageLinks(mini, L.MentionIndex(mini), "issues/guarantees.md")
    source = "{% for x in [1] %}{{ L.actor('beta') }}{% endfor %}{% block b %}{{ L.actor('alpha') }}{% endblock %}"
    seen = [environment(Path("templates"), seams=s).from_string(source).render(L=links) for s in (True, False)]
    assert seen[0] == seen[1] == "[Beta](../actors/beta.md)[Alpha](../actors/alpha.md)"


def test_page_helpers_are_called_directly_and_context_functions_still_get_their_context(mini: Book) -> None:
    @jinja2.pass_context
    def who(context: jinja2.runtime.Context) -> str:
        return str(context["page"])

    links = L.PageLinks(mini, L.MentionIndex(mini), "issues/guarantees.md")
    out = _render_string("{{ L.actor('alpha') }} {% for x in [1] %}{{ L.actor('beta') }}{% endfor %} {{ who() }}",
                         L=links, who=who, page="issues/guarantees.md")
    assert out == "[Alpha](../actors/alpha.md) [Beta](../actors/beta.md) issues/guarantees.md"


# pages -----------------------------------------------------------------------------------------------
def test_a_page_per_issue_actor_date_and_source(mini: Book, pages: dict[str, str]) -> None:
    expected = ({L.issue_path(i) for i in mini.issues} | {L.actor_path(a) for a in mini.actors}
                | {L.date_path(d) for d in mini.dates.values()} | {L.source_path(s) for s in mini.sources})
    assert expected <= set(pages)
    assert [s.path for s in page_specs(mini)] == list(pages)


FOOTNOTE_REF = re.compile(r"\[\^([^\]]+)\](?!:)")
FOOTNOTE_DEF = re.compile(r"^\[\^([^\]]+)\]:", re.M)
LINK = re.compile(r"\]\(([^)\s]+)\)")


def test_footnote_references_and_definitions_match_on_every_page(pages: dict[str, str]) -> None:
    for path, text in pages.items():
        refs, defs = set(FOOTNOTE_REF.findall(text)), FOOTNOTE_DEF.findall(text)
        assert len(defs) == len(set(defs)), f"{path}: a footnote defined twice"
        assert refs == set(defs), f"{path}: refs without definitions {refs - set(defs)}, unused {set(defs) - refs}"


def test_every_markdown_link_lands_on_a_page_and_anchor(mini: Book, pages: dict[str, str]) -> None:
    anchors = {p: set(re.findall(r'id="([^"]+)"', t)) for p, t in pages.items()}
    count = 0
    for path, text in pages.items():
        for href in LINK.findall(text):
            target, _, fragment = href.partition("#")
            if target and not target.endswith(".md"):
                continue  # a file next to the pages (e.g. the PDF), checked by the end-to-end test
            target = posixpath.normpath(posixpath.join(posixpath.dirname(path), target)) if target else path
            assert target in pages, f"{path}: link to missing page {href}"
            if re.fullmatch(r"(a|event|claim)-.+|p\d+", fragment):  # anchors bookgen writes itself
                assert fragment in anchors[target], f"{path}: link to missing anchor {href}"
            count += 1
    assert count > 50


def test_source_page_marks_each_quote_with_its_anchor(pages: dict[str, str]) -> None:
    talks = pages["sources/talks.md"]
    assert '<a id="a-t-beta-95"></a><mark>talks on guarantees were "close to 95%" complete</mark>' in talks
    assert '<a id="a-t-alpha-90"></a><mark>Alpha said the plan was “90% agreed.”</mark>' in talks


def test_rendering_is_deterministic(mini: Book, pages: dict[str, str]) -> None:
    assert render_pages(mini, REPO_ROOT / "templates") == pages


def test_only_renders_the_selected_pages(mini: Book) -> None:
    assert list(render_pages(mini, REPO_ROOT / "templates", only=lambda p: p.startswith("actors/"))) == [
        "actors/index.md", "actors/alpha.md", "actors/alphaland.md", "actors/beta.md"]


def test_table_quotes_get_one_anchor_each_and_header_rows_are_linkable(tmp_path: Path) -> None:
    """A quote across cells is anchored once (an id twice breaks links and the PDF); a quote that
    starts on a '|' is anchored at the cell; a cited header row is listed and has its ¶ anchor."""
    root = make_project(tmp_path, MINI)
    path = root / "content" / "annotations" / "talks.yaml"
    extra = "".join(f"  - id: {i}\n    kind: assessment\n    quote: \"{q}\"\n{p}    note: {i}.\n    issues: [guarantees]\n"
                    for i, q, p in [("t-cells", "2025 | A 28-point", ""), ("t-bar", "| Dec. 28, 2025", ""),
                                    ("t-header", "Date", '    prefix: "| "\n')])
    path.write_text(path.read_text("utf-8") + extra, "utf-8")
    result = check(root)
    assert result.book is not None, result.problems.render("text")
    talks = render_pages(result.book, REPO_ROOT / "templates")["sources/talks.md"]
    ids = re.findall(r'id="([^"]+)"', talks)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    assert 'Late Nov. <a id="a-t-cells"></a><mark>2025</mark> | <mark>A 28-point</mark>' in talks.replace(
        '<a id="a-t-proposal"></a>', "")
    assert '| <a id="p7"></a>¶7 | <a id="a-t-bar"></a><mark>Dec. 28, 2025</mark> |' in talks
    assert '| <a id="p5"></a>¶ | <a id="a-t-header"></a><mark>Date</mark> | Event |' in talks
    assert "- t-header.[^t-header]" in talks


def test_a_source_row_wider_than_its_header_keeps_every_cell(tmp_path: Path) -> None:
    import hashlib

    root = make_project(tmp_path, MINI)
    seed = root / "seeds" / "talks.txt"
    text = seed.read_text("utf-8").replace("| Dec. 28, 2025 | The leaders met. |",
                                           "| Dec. 28, 2025 | The leaders met. | In Florida. |")
    seed.write_text(text, "utf-8")
    source = root / "content" / "sources" / "talks.yaml"
    old_sha = hashlib.sha256((MINI / "seeds" / "talks.txt").read_bytes()).hexdigest()
    source.write_text(source.read_text("utf-8").replace(old_sha, hashlib.sha256(text.encode()).hexdigest()), "utf-8")
    result = check(root)
    assert result.book is not None, result.problems.render("text")
    talks = render_pages(result.book, REPO_ROOT / "templates")["sources/talks.md"]
    assert '| <a id="p5"></a>¶ | Date | Event |  |\n|---|---|---|---|\n' in talks
    assert "| <a id=\"p6\"></a>¶6 | Late Nov. 2025 | " in talks and "surfaced.</mark> |  |\n" in talks
    assert "The leaders met.</mark> | In Florida. |\n" in talks


def test_where_each_side_stands_groups_positions_by_camp_newest_first() -> None:
    """Every camp of the seed book, in book.yaml's order; each actor's newest position first,
    older ones folded under "Earlier"; a camp with none says so."""
    from bookgen.standings import where_each_side_stands

    seed = check(REPO_ROOT).book
    assert seed is not None
    camps = where_each_side_stands(seed, EntityId("territory-donbas"))
    assert [c.camp.name for c in camps][:4] == ["United States", "Ukraine", "Europe", "Russia"]
    for st in camps:
        assert all(seed.camp_of[a.speaker].id == st.camp.id for a in st.latest + st.earlier)
        assert len({a.speaker for a in st.latest}) == len(st.latest)  # one newest position per actor
    page = render_pages(seed, REPO_ROOT / "templates", only={L.issue_path("nato-role")}.__contains__)
    text = page[L.issue_path("nato-role")]
    assert "## Where each side stands" in text
    assert text.count(": no reported position.") == sum(not s.reported for s in where_each_side_stands(seed, EntityId("nato-role")))


def test_overview_fits_camps_not_actors(mini: Book) -> None:
    """The overview has one column per camp (not per actor) and one row per issue with a position."""
    from bookgen.standings import overview

    table = overview(mini)
    page = render_pages(mini, REPO_ROOT / "templates", only={L.POSITIONS}.__contains__)[L.POSITIONS]
    header = next(line for line in page.splitlines() if line.startswith("| Issue |"))
    assert header.count("|") == len(table.camps) + 2
    for row in table.rows:
        assert all(f"[^{a.id}]" in page for a in row.cells if a)


def test_key_figures_one_row_per_claim_and_no_vague_figures() -> None:
    """Figures backing one claim share a row naming who said each and in which report; a figure
    with no number ("weeks") or a report's passing background figure is not a key figure."""
    from bookgen import views

    seed = check(REPO_ROOT).book
    assert seed is not None
    rows = views.key_figures(seed).shown
    claims = [r.claim for r in rows if r.claim]
    assert len(claims) == len(set(claims))
    shown = {a.id for r in rows for a in r.figures}
    assert "bilat-within-weeks" not in shown and "bilat-four-year-war" not in shown
    assert {"closer-trump-95", "closer-zelensky-90"} <= shown
    home = render_pages(seed, REPO_ROOT / "templates", only={L.HOME}.__contains__)[L.HOME]
    table = home.split("## Key figures")[1].split("## Latest events")[0]
    assert "the report" not in table and "*[Closer than ever](sources/closer-than-ever.md)*" in table


def test_home_shows_the_most_recent_key_figures_when_there_are_many(monkeypatch) -> None:
    from bookgen import views

    seed = check(REPO_ROOT).book
    assert seed is not None
    total = views.key_figures(seed).total
    monkeypatch.setattr(views, "HOME_FIGURES", 2)
    short = render_pages(seed, REPO_ROOT / "templates", only={L.HOME}.__contains__)[L.HOME]
    assert f"The 2 most recent of {total} key figures" in short


def test_recent_changes_keep_every_change_of_the_latest_date() -> None:
    from bookgen import views

    seed = check(REPO_ROOT).book
    assert seed is not None
    latest = max(s.as_of.sort_key for i in seed.issues.values() for s in i.status)
    of_latest = sum(s.as_of.sort_key == latest for i in seed.issues.values() for s in i.status)
    changes = views.recent_changes(seed, n=2)
    assert len(changes) >= of_latest > 2


def test_rendering_leaves_no_cycles_for_the_paused_collector(mini: Book) -> None:
    """Each page's Jinja2 contexts are emptied once it is rendered, so the macros imported with
    context and their context, which refer to each other, are freed by reference counting (the
    cyclic collector is paused while rendering; left to it they took 26 MiB at 1,000 sources)."""
    import gc

    env = environment(REPO_ROOT / "templates")
    render_pages(mini, REPO_ROOT / "templates", env=env)  # templates compiled, caches filled
    gc.collect()
    gc.disable()
    try:
        pages = render_pages(mini, REPO_ROOT / "templates", env=env)
        assert len(pages) > 10 and gc.collect() == 0
    finally:
        gc.enable()
