"""The Jinja environment of the theme: loaders, filters, and safe Markdown.

Templates ship in the package (``wxnews_site/templates``); a ``templates/``
folder next to site.yaml overrides any of them by file name. Autoescape is on
for HTML and XML, so every front-matter value is text, and article bodies go
through markdown-it-py with raw HTML off: ``<script>`` in an article is shown
as text and never runs.
"""
from __future__ import annotations

import functools
import hashlib
import json
import re
from pathlib import Path
from typing import Any

import jinja2
from jinja2.compiler import CodeGenerator
from markupsafe import Markup, escape

try:  # markupsafe 3: escape() is this C function and a Markup made around its result
    from markupsafe import _escape_inner
except ImportError:  # pragma: no cover
    _escape_inner = None

from ..config import SiteConfig
from ..model import Article, page_name
from . import dates, typography, urls

PACKAGE_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


@functools.cache
def markdown_it() -> Any:
    """The full Markdown renderer, imported only when a body needs it (its
    import costs a rebuild more than rendering the page it changed).

    No raw HTML. Printed articles have no links or images, and a link or image
    in a body could only point off-site or nowhere, so they stay text as well."""
    from markdown_it import MarkdownIt
    return MarkdownIt("commonmark", {"html": False}).disable(
        ["image", "link", "autolink", "linkify", "html_inline", "html_block"], ignoreInvalid=True)


# Newspaper bodies are almost all plain paragraphs and "## " subheadings.
# Text free of every character Markdown gives a meaning to is rendered
# directly, ten times faster; anything else goes through markdown-it-py.
# tests/test_build_markdown.py checks the two agree.
_SPECIAL = re.compile(r"[*_`<>&\\\[\]!\r\0\t\u000b\u000c]")
# These mean something only where a line starts (headings, list items,
# thematic breaks, setext underlines, fences): "人工智能+" or "2023-2024"
# inside a sentence is plain text, and one body in eight has such a line.
_LINE_START = frozenset("#-+=~|")
_LIST_ITEM = re.compile(r"\d{1,9}[.)](?:\s|$)")


def _plain(line: str) -> bool:
    """A non-empty line of a body free of _SPECIAL means nothing to Markdown."""
    c = line[0]
    return not (c.isspace() or line[-1].isspace() or c in _LINE_START or (c.isdigit() and _LIST_ITEM.match(line)))


def _fast_markdown(text: str) -> str | None:
    if _SPECIAL.search(text):  # once over the body, not once a line
        return None
    out: list[str] = []
    para: list[str] = []
    for line in text.replace('"', "&quot;").split("\n"):
        if not line:
            if para:
                out.append("<p>" + "\n".join(para) + "</p>\n")
                para = []
        elif line.startswith("## ") and len(line) > 3 and _plain(line[3:]) and "#" not in line[3:]:
            if para:
                out.append("<p>" + "\n".join(para) + "</p>\n")
                para = []
            out.append("<h2>" + line[3:] + "</h2>\n")
        elif _plain(line):
            para.append(line)
        else:
            return None
    if para:
        out.append("<p>" + "\n".join(para) + "</p>\n")
    return "".join(out)


def markdown(text: str) -> Markup:
    fast = _fast_markdown(text)
    return Markup(fast if fast is not None else markdown_it().render(text))


_JSON_LD = json.JSONEncoder(ensure_ascii=False, sort_keys=True)  # made once, not per page as json.dumps would


def json_ld(data: Any) -> Markup:
    """JSON for a <script type="application/ld+json"> block that no value can close."""
    text = _JSON_LD.encode(data)
    text = text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
    return Markup(text)


def citation(a: Article, paper: str) -> str:
    """GB/T 7714-2015 newspaper reference: 作者. 题名[N]. 报纸名, 出版日期(版次)."""
    names = list(a.bylines or a.photographers)
    authors = ", ".join(names[:3]) + (", 等" if len(names) > 3 else "")
    head = f"{authors}. " if authors else ""
    # A title made up for a story printed without one is the cataloguer's, so in brackets.
    title = a.headline if a.headline_printed else f"[{a.headline}]"
    return f"{head}{title}[N]. {a.paper or paper}, {a.date.isoformat()}({a.page:02d})."


def summary(a: Article, limit: int = 120) -> str:
    """The opening of the body as plain text, for feeds and link previews."""
    return _summary(a.body, limit)


# An article page shows its summary three times (description, Open Graph,
# JSON-LD); the body's hash is computed once and kept by the string.
@functools.lru_cache(maxsize=64)
def _summary(body: str, limit: int) -> str:
    paras: list[str] = []
    for p in body.split("\n\n"):
        if not p.startswith("#") and (text := p.strip()):
            paras.append(text)
            if len(paras) == 2:  # the rest of a long body is never looked at
                break
    text = "".join(paras)
    return text[:limit] + ("…" if len(text) > limit else "")


def article_ld(a: Article, section: str | None, paper: str, base_url: str, path: str) -> dict[str, Any]:
    """schema.org NewsArticle; URLs only when the site's public address is known."""
    ld: dict[str, Any] = {
        "@context": "https://schema.org", "@type": "NewsArticle",
        "headline": a.headline, "datePublished": a.date.isoformat(), "inLanguage": "zh-CN",
        "publisher": {"@type": "Organization", "name": a.paper or paper},
        "printPage": str(a.page), "description": summary(a),
    }
    if a.subtitle:
        ld["alternativeHeadline"] = a.subtitle
    if section:
        ld["printSection"] = section
    if a.bylines:
        ld["author"] = [{"@type": "Person", "name": n} for n in a.bylines]
    if a.photographers:
        ld["contributor"] = [{"@type": "Person", "name": n} for n in a.photographers]
    if base_url:
        ld["url"] = ld["mainEntityOfPage"] = base_url + path
    return ld


def separated(items: Any, sep: str) -> list[tuple[Any, str]]:
    """Each item with what follows it: ``sep``, nothing after the last.
    ``{% for n, after in names|separated(" ") %}`` needs no ``loop`` object,
    which Jinja would make for every loop around it too."""
    last = len(items) - 1
    return [(x, sep if i < last else "") for i, x in enumerate(items)]


def page_label(page: int, section: str | None) -> str:
    """'第02版 · 综合': a 版 as the paper names it."""
    return f"{page_name(page)} · {section}" if section else page_name(page)


def static_text(name: str) -> str:
    """A file of the theme's static folder, for pages that inline it."""
    return (PACKAGE_TEMPLATES.parent / "static" / name).read_text(encoding="utf-8")


def _as_printed(text: str) -> str:
    return text


def make_env(config: SiteConfig, bytecode_dir: Path | None = None) -> jinja2.Environment:
    """The theme's environment; with ``bytecode_dir``, compiled templates are
    kept there (by name and source checksum), so a rebuild does not compile
    every template again."""
    loaders: list[jinja2.BaseLoader] = []
    override = config.root / "templates"
    if override.is_dir():
        loaders.append(jinja2.FileSystemLoader(str(override)))
    loaders.append(jinja2.FileSystemLoader(str(PACKAGE_TEMPLATES)))
    env = _Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
        cache_size=-1,
        bytecode_cache=_bytecode_cache(bytecode_dir) if bytecode_dir is not None else None,
    )
    chrome = Chrome(env)
    cjk = typography.cjk_punctuation if config.typography.cjk_punctuation else _as_printed
    body = (lambda text: markdown(cjk(text))) if config.typography.cjk_punctuation else markdown
    cite = lambda a: citation(a, config.paper)  # noqa: E731
    ld = lambda a, section, base, path: article_ld(a, section, config.paper, base, path)  # noqa: E731
    # The theme calls these as filters ({{ a|summary }}, {{ s.date|issue_url }}):
    # Jinja calls a filter directly, but a global function through
    # Context.call, whose checks cost more than most of these functions (a
    # story row makes five such calls). The globals stay for other themes.
    env.filters.update(
        markdown=body, cjk=cjk, json_ld=json_ld, cn_date=dates.cn_date, cn_day=dates.cn_day, cn_month=dates.cn_month,
        article_url=urls.article, person_url=urls.person, section_url=urls.section, issue_url=urls.issue,
        page_url=urls.printed_page, month_url=urls.month, year_url=urls.year,
        canonical=config.canonical_person, page_label=page_label, summary=summary, citation=cite,
        article_ld=ld, chrome=chrome, separated=separated,
    )
    env.globals.update(
        chrome=chrome, urls=urls, cn_month=dates.cn_month, weekdays=dates.WEEKDAYS,
        canonical=config.canonical_person, citation=cite, summary=summary, page_label=page_label, article_ld=ld,
    )
    return env


def _text(value: Any) -> str:
    """What ``{{ value }}`` writes with autoescape on: markupsafe.escape's
    text, without the Markup object made around it (an article page writes
    some 45 values; making their Markups was a tenth of its rendering)."""
    if _escape_inner is None:
        return escape(value)
    if value.__class__ is str:
        return _escape_inner(value)
    html = getattr(value, "__html__", None)  # Markup (a body, the page frame) as it is, not copied
    return html() if html is not None else _escape_inner(str(value))


class _CodeGenerator(CodeGenerator):
    """Compiles an autoescaped ``{{ value }}`` to ``environment.text(value)``
    instead of ``escape(value)``. Its result is only ever yielded or joined
    into a buffer that Jinja wraps as Markup itself, so plain text is what
    escape's Markup was used as. Expressions, filters and macros are
    compiled as Jinja compiles them."""

    def _output_child_pre(self, node: Any, frame: Any, finalize: Any) -> None:
        if frame.eval_ctx.autoescape is True and not frame.eval_ctx.volatile:
            self.write("environment.text(")
            if finalize.src is not None:
                self.write(finalize.src)
        else:
            super()._output_child_pre(node, frame, finalize)


class _Environment(jinja2.Environment):
    """Templates see the globals as a plain dict, not a ChainMap over them:
    every render merges the globals into a new context, and a ChainMap
    makes that ten times slower (a tenth of rendering an article page).
    The theme's globals are all set in make_env, before any template loads."""

    code_generator_class = _CodeGenerator
    text = staticmethod(_text)

    def make_globals(self, d: Any = None) -> Any:
        return {**self.globals, **(d or {})}


class Chrome:
    """Parts of the page frame that change only with the page's depth (its
    root prefix) and the site's settings: rendered once per depth and
    reused, instead of once per page (their links are most of a page's
    escaping). ``{{ chrome("_masthead.html", root, site) }}``."""

    def __init__(self, env: jinja2.Environment):
        self._env = env
        self._made: dict[tuple[Any, ...], Markup] = {}

    def __call__(self, template: str, root: str, site: dict[str, Any]) -> Markup:
        key = (template, root, *site.items())
        made = self._made.get(key)
        if made is None:
            made = self._made[key] = Markup(self._env.get_template(template).render(root=root, site=site))
        return made


def _bytecode_cache(folder: Path) -> jinja2.BytecodeCache | None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None  # a read-only project still builds, compiling as before
    # Named for the code generator: code compiled by another one is never loaded.
    return jinja2.FileSystemBytecodeCache(str(folder), "text-%s.cache")


def templates_digest(env: jinja2.Environment) -> str:
    """One hash over every template the theme can use (overrides included).

    Pages share base.html and the macros, so any template change re-renders
    everything; hashing them all is simpler than tracking includes and costs
    a millisecond.
    """
    h = hashlib.sha256()
    assert env.loader is not None
    for name in sorted(env.list_templates()):
        source, filename, _ = env.loader.get_source(env, name)
        h.update(name.encode() + b"\0" + source.encode("utf-8") + b"\0")
    return h.hexdigest()
