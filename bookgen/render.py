"""Stage 5, render: Jinja2 templates (``templates/``) -> Markdown pages, path and text, one at a time.

Templates only read the Book; the few things a page needs computed (its footnotes, links relative
to itself) come from :class:`bookgen.links.PageLinks`. Every ``{{ value }}`` is escaped for
Markdown by the environment's ``finalize`` unless bookgen marked it as Markdown already (``Md``,
a markupsafe ``Markup``), so text from YAML can never become HTML or Markdown syntax, whatever a
template author forgets.
"""

from __future__ import annotations

import inspect
from pathlib import Path
import types
from typing import Any, Callable, Iterator, Mapping

import jinja2
import jinja2.compiler
import jinja2.runtime

from bookgen import collector
from bookgen import links as L
from bookgen import pagekinds
from bookgen import views as V
from bookgen.pagekinds import Page
from bookgen.mdtext import Md, escape
from bookgen.model import Book
from bookgen.problems import ContentError, Problems


# Two speed seams into Jinja2's internals (together about a quarter of rendering a 1,000-source book;
# Jinja2 offers no public way to get either). Both are written against Jinja2 3.1 and used only on a
# Jinja2 3.1.x that has what they rely on (:func:`jinja2_seams`); any other Jinja2 renders through its
# own code, the same pages a little slower, and tests/test_render.py fails loudly so the seams get
# re-checked before the upper bound on jinja2 in pyproject.toml is raised.
SEAM_JINJA2 = "3.1."  # the Jinja2 release series the seams were written and tested against


def jinja2_seams() -> bool:
    """Whether this Jinja2 is the series the seams were written for and still has what they use."""
    gen, ctx = jinja2.compiler.CodeGenerator, jinja2.runtime.Context
    expected = ["self", "node", "frame", "finalize"]
    try:
        fits = all(list(inspect.signature(getattr(gen, name)).parameters) == expected
                   for name in ("_output_child_pre", "_output_child_post"))
    except (AttributeError, TypeError, ValueError):
        return False
    return fits and jinja2.__version__.startswith(SEAM_JINJA2) and callable(getattr(ctx, "call", None))


class _MarkdownOutput(jinja2.compiler.CodeGenerator):
    """Seam 1 (``Environment.code_generator_class``, documented; the two methods it overrides are
    not): compiles ``{{ value }}`` to ``finalize(value)`` instead of ``escape(finalize(value))``.

    ``finalize`` is :func:`bookgen.mdtext.escape`, which returns an ``Md`` (a markupsafe Markup)
    for every value, so markupsafe's HTML ``escape`` around it only copied the string again. Where
    a template switches autoescaping off, or it is decided at run time, Jinja2's own code is kept.
    """

    def _output_child_pre(self, node: Any, frame: Any, finalize: Any) -> None:
        if frame.eval_ctx.volatile or not frame.eval_ctx.autoescape or finalize.src is None:
            super()._output_child_pre(node, frame, finalize)
        else:
            self.write(finalize.src)

    def _output_child_post(self, node: Any, frame: Any, finalize: Any) -> None:
        if frame.eval_ctx.volatile or not frame.eval_ctx.autoescape or finalize.src is None:
            super()._output_child_post(node, frame, finalize)
        else:
            self.write(")")


def _context_class(direct_calls: bool) -> type[jinja2.runtime.Context]:
    """A Context class for one environment, noting every context made (see :func:`_release`).

    A template's ``{% import ... with context %}`` makes a context and macros that refer to each
    other, a cycle reference counting cannot free (about 220 objects a page, 26 MiB at 1,000
    sources, left to the cyclic collector, which is paused while rendering); the contexts of each
    page are emptied once it is done. The list belongs to the environment, not the process.

    Seam 2 (``direct_calls``): ``Context.call`` is documented, but the ``_loop_vars`` and
    ``_block_vars`` arguments compiled templates pass it are not. The page's link helpers
    (``L.text(...)``, ``L.cite(...)``) take no Jinja2 context, so they are called directly,
    skipping the general call path that checks every callable for one (about a tenth of rendering).
    """
    made: list[jinja2.runtime.Context] = []

    class PageContext(jinja2.runtime.Context):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            made.append(self)

        if direct_calls:
            def call(__self, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 - Jinja2's signature
                if type(__obj) is types.MethodType and type(__obj.__self__) is L.PageLinks:
                    kwargs.pop("_loop_vars", None)
                    kwargs.pop("_block_vars", None)
                    return __obj(*args, **kwargs)
                return super().call(__obj, *args, **kwargs)

    PageContext.made = made  # type: ignore[attr-defined]
    return PageContext


def _release(env: jinja2.Environment) -> None:
    """Empty the contexts of the page just rendered, breaking their cycles with its macros."""
    made = getattr(env.context_class, "made", None)
    for context in made or ():
        context.vars.clear()
        context.exported_vars.clear()
    if made:
        made.clear()


def environment(templates: Path, full_book: bool = False, seams: bool | None = None) -> jinja2.Environment:
    """The templates' Jinja2 environment; ``full_book``: this build also makes the full book's PDF
    (the home page then links it); ``seams`` (default: where :func:`jinja2_seams`) turns the two
    speed seams on or off (tests render both ways and compare)."""
    seams = jinja2_seams() if seams is None else seams
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates)),
        autoescape=True,  # every value passes finalize=escape (Markdown escaping) unless it is Md
        finalize=escape,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    if seams:
        env.code_generator_class = _MarkdownOutput
    env.context_class = _context_class(direct_calls=seams)
    env.filters["md"] = escape
    env.globals["STATUS_LABELS"] = L.STATUS_LABELS
    env.globals["full_book"] = full_book
    env.globals["status_label"] = V.status_label  # status_label(book, issue) -> views.StatusView
    env.globals["entry_label"] = V.entry_label  # entry_label(book, status_entry) -> str
    env.globals["claim_view"] = V.claim_view  # claim_view(book, claim) -> views.ClaimView
    env.globals["review_counts"] = V.review_counts  # review_counts(book) -> views.ReviewCounts (method page)
    env.tests["actor_position"] = V.actor_position  # anns|select("actor_position"): views.actor_position
    env.tests["said_by"] = V.said_by  # anns|select("said_by", actor.id): views.said_by
    return env


def page_specs(book: Book) -> list[Page]:
    """Every page of the book, in a fixed order, as the page kinds declare them
    (:mod:`bookgen.pagekinds`). Contexts are computed only for pages rendered."""
    return list(pagekinds.pages(book))


def render_pages(book: Book, templates: Path, only: Callable[[str], bool] | None = None,
                 env: jinja2.Environment | None = None,
                 contexts: Mapping[str, Mapping[str, Any]] | None = None) -> dict[str, str]:
    """Every page (or those ``only`` selects) as Markdown text, by path; see :func:`iter_pages`."""
    return dict(iter_pages(book, templates, only, env, contexts))


def iter_pages(book: Book, templates: Path, only: Callable[[str], bool] | None = None,
               env: jinja2.Environment | None = None,
               contexts: Mapping[str, Mapping[str, Any]] | None = None) -> Iterator[tuple[str, str]]:
    """Render every page (or those ``only`` selects) to Markdown text, one at a time, so a caller
    writing them need not hold the whole book's pages; ``env`` (from :func:`environment`) lets a
    long process reuse its compiled templates; ``contexts``: by path, values replacing the page
    kind's (the brief's own version of a page).

    A template that is missing, malformed or fails while rendering raises :class:`ContentError`
    naming the template file and line (editors change templates in pull requests too).
    """
    env = environment(templates) if env is None else env
    with collector.paused():
        mentions = L.MentionIndex(book)
        memo = L.RenderMemo(book)
        for spec in page_specs(book):
            if only is not None and not only(spec.path):
                continue
            links = L.PageLinks(book, mentions, spec.path, memo)
            try:
                template = env.get_template(spec.template)
                context = {**spec.context(), **(contexts or {}).get(spec.path, {})}
                text = template.render(book=book, L=links, page=spec.path, Md=Md, **context)
            except jinja2.TemplateError as exc:
                raise ContentError(template_problem(exc, templates, spec)) from None
            finally:
                _release(env)
            yield spec.path, tidy(text)


def tidy(text: str) -> str:
    """A rendered page without trailing spaces or runs of blank lines, ending in one newline."""
    text = "\n".join(line.rstrip() for line in text.strip().split("\n"))
    while "\n\n\n" in text:  # str.replace: several times faster than a regular expression
        text = text.replace("\n\n\n", "\n\n")
    return text + "\n"


def template_problem(exc: jinja2.TemplateError, templates: Path, spec: Page) -> Problems:
    """The problem a Jinja2 error means, at the template file and line it happened on."""
    problems = Problems()
    folder = templates.name
    if isinstance(exc, jinja2.TemplateNotFound):
        missing = exc.name or spec.template
        problems.error(f"{folder}/{missing}", 1, 1,
                       f"template '{missing}' not found (needed for page {spec.path}); "
                       f"copy it from bookgen's own {folder}/ folder", "template-missing")
    elif isinstance(exc, jinja2.TemplateSyntaxError):
        name = exc.name or spec.template
        problems.error(f"{folder}/{name}", exc.lineno or 1, 1,
                       f"template syntax error: {exc.message}; fix the Jinja2 tag on this line",
                       "template-syntax")
    else:
        name, line = spec.template, 1
        tb = exc.__traceback__
        while tb is not None:  # Jinja2 rewrites tracebacks so template frames carry template lines
            if tb.tb_frame.f_code.co_filename.startswith(str(templates)):
                name = Path(tb.tb_frame.f_code.co_filename).relative_to(templates).as_posix()
                line = tb.tb_lineno
            tb = tb.tb_next
        problems.error(f"{folder}/{name}", line, 1,
                       f"template failed while rendering page {spec.path}: {exc}; "
                       f"check the names this line uses", "template-failed")
    return problems
