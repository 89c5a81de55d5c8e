"""Site configuration: ``site.yaml`` at the repository root, typed and validated.

Every key is optional; a missing file gives the defaults below. An unknown key
or a value of the wrong type is an error naming the key and its line, with a
"did you mean" for near misses, because a silently ignored misspelling
(``pagenation:``) is worse than a refusal. So are two section names for one
page on one day, and a name variant listed under two people: either would
make the site depend on the order of the file.

Example::

    title: 无锡日报数字报
    paper: 无锡日报
    base_url: https://example.org/archive/   # for feeds, sitemap, canonical links
    language: zh-CN
    sections:                # 版名 by page number; papers rename pages over time
      - {pages: [1], name: 要闻}
      - {pages: [2], name: 综合, until: 2024-12-31}
      - {pages: [2], name: 经济, from: 2025-01-01}
    aliases:                 # person -> variants and misprints merged into them
      崔欣润: [崔新润]
    search:
      words: [新吴区, 锡山, 辋村]
      ranges: true           # false for a host that ignores byte ranges (Cloudflare Pages)
    pagination: {section: 50, person: 50}
    typography: {cjk_punctuation: true}   # show 举行,8支 as 举行，8支
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .format import DEFAULT_YEARS, Problem, near_miss
from .model import page_name

CONFIG_NAME = "site.yaml"


class ConfigError(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class SectionRule:
    pages: tuple[int, ...]
    name: str
    start: dt.date | None = None  # 'from' in site.yaml
    until: dt.date | None = None

    def applies(self, date: dt.date, page: int) -> bool:
        return (
            page in self.pages
            and (self.start is None or date >= self.start)
            and (self.until is None or date <= self.until)
        )


@dataclass(frozen=True)
class Pagination:
    section: int = 50
    person: int = 50
    archive: int = 100
    feed: int = 50


@dataclass(frozen=True)
class Typography:
    # Half-width , : ; ? ! ( ) between Chinese characters shown full-width (the files keep them).
    cjk_punctuation: bool = True


@dataclass(frozen=True)
class SiteConfig:
    title: str = "数字报档案"
    paper: str = "无锡日报"
    base_url: str = ""
    language: str = "zh-CN"
    articles: str = "articles"
    output: str = "build"
    sections: tuple[SectionRule, ...] = ()
    aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)
    search_words: tuple[str, ...] = ()
    # The host answers byte ranges (GitHub Pages, S3, nginx...): the search index's pieces go
    # many to a file. False: one piece a file, for a host that sends whole files only.
    search_ranges: bool = True
    pagination: Pagination = Pagination()
    # Issue years the archive may hold (site.yaml ``years: [1900, 2100]``):
    # a date outside them is a typo to report, not an issue to publish.
    years: tuple[int, int] = DEFAULT_YEARS
    typography: Typography = Typography()
    # Folder the file was read from; relative paths above resolve against it.
    root: Path = Path(".")

    def section_for(self, date: dt.date, page: int, printed: str | None) -> str | None:
        """The 版名 configured for (date, page), else the one printed in the article."""
        for rule in self.sections:
            if rule.applies(date, page):
                return rule.name
        return printed

    def listed_section(self, date: dt.date, page: int, printed: str | None) -> str:
        """The name a 版's stories are listed and filtered under: its 版名, else
        its number (第02版), so an archive without ``sections`` still has them."""
        return self.section_for(date, page, printed) or page_name(page)

    def canonical_person(self, name: str) -> str:
        return self._alias_map.get(name, name)

    @property
    def _alias_map(self) -> dict[str, str]:
        cached = self.__dict__.get("_alias_cache")
        if cached is None:
            cached = {v: k for k, vs in self.aliases.items() for v in vs}
            object.__setattr__(self, "_alias_cache", cached)
        return cached

    @property
    def articles_dir(self) -> Path:
        return (self.root / self.articles).resolve()

    @property
    def output_dir(self) -> Path:
        return (self.root / self.output).resolve()

    def output_for(self, articles: Path | None) -> Path:
        """Where the site of an articles folder is built: ``output`` (build/) for
        the archive's own articles, else a folder next to the one given
        (.cache/try -> .cache/try-site), so that building, previewing or
        checking a scratch folder never replaces the site that is published."""
        if articles is None or articles.resolve() == self.articles_dir:
            return self.output_dir
        folder = articles.resolve()
        return folder.with_name(folder.name + "-site")


# key -> (python type(s), description for messages)
_TOP: dict[str, tuple[Any, str]] = {
    "title": (str, "text"), "paper": (str, "text"), "base_url": (str, "a URL"),
    "language": (str, "a language tag such as zh-CN"), "articles": (str, "a folder"),
    "output": (str, "a folder"), "sections": (list, "a list of {pages, name, from, until}"),
    "aliases": (dict, "a mapping of name to a list of variants"),
    "search": (dict, "a mapping with 'words' and 'ranges'"), "pagination": (dict, "a mapping of page kind to size"),
    "years": (list, "[FIRST, LAST]: the issue years the archive may hold"),
    "typography": (dict, "a mapping such as {cjk_punctuation: false}"),
}
YEAR_LIMITS = (1, 9998)  # date arithmetic (the next day, the next month) must stay possible
_SECTION_KEYS = ("pages", "page", "name", "from", "until")
_PAGINATION_KEYS = ("section", "person", "archive", "feed")


def _line(node: yaml.Node | None) -> int:
    return node.start_mark.line + 1 if node is not None else 1


def _find(node: yaml.Node | None, key: str) -> tuple[yaml.Node | None, yaml.Node | None]:
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if k.value == key:
                return k, v
    return None, None


def _bad_date(line: str) -> bool:
    for m in re.finditer(r"\b(\d{4})-(\d{2})-(\d{2})\b", line):
        try:
            dt.date(*map(int, m.groups()))
        except ValueError:
            return True
    return False


def _overlap(a: SectionRule, b: SectionRule) -> tuple[int, dt.date | str] | None:
    """A page and a day on which both rules apply, if there is one."""
    pages = sorted(set(a.pages) & set(b.pages))
    if not pages:
        return None
    lo = max((d for d in (a.start, b.start) if d), default=None)
    hi = min((d for d in (a.until, b.until) if d), default=None)
    if lo and hi and lo > hi:
        return None
    return pages[0], lo or hi or "every date"


def _years(value: Any, node: yaml.Node | None, err: Any) -> tuple[int, int]:
    if value is None:
        return DEFAULT_YEARS
    if len(value) != 2 or not all(isinstance(y, int) and not isinstance(y, bool) for y in value) \
            or not YEAR_LIMITS[0] <= value[0] <= value[1] <= YEAR_LIMITS[1]:
        err(node, f"'years' must be [FIRST, LAST], two years from {YEAR_LIMITS[0]} to {YEAR_LIMITS[1]}, "
                  "the first not after the last")
        return DEFAULT_YEARS
    return (value[0], value[1])


def load_config(path: Path | None = None, root: Path | None = None) -> SiteConfig:
    """Load site.yaml (default: ./site.yaml); defaults when the file does not exist."""
    if path is None:
        path = (root or Path(".")) / CONFIG_NAME
    base = path.parent
    if not path.exists():
        return SiteConfig(root=base)
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError([Problem(name, 1, f"not UTF-8 (byte offset {exc.start})")]) from None
    try:
        tree = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        msg = f"broken YAML: {getattr(exc, 'problem', None) or exc}"
        context, where = getattr(exc, "context", None), getattr(exc, "context_mark", None)
        if context and where is not None and mark is not None and where.line != mark.line:
            # YAML notices an unclosed [ or { only lines later; name where it was opened.
            msg += f" ({context} that starts on line {where.line + 1})"
        raise ConfigError([Problem(name, mark.line + 1 if mark else 1, msg)]) from None
    except ValueError as exc:  # YAML reads 2024-02-30 as a date and fails outside its error type
        line = next((n + 1 for n, t in enumerate(text.split("\n")) if re.search(r"\d{4}-\d{2}-\d{2}", t)
                     and _bad_date(t)), 1)
        raise ConfigError([Problem(name, line, f"bad date: {exc}; use a real YYYY-MM-DD")]) from None
    if data is None:
        return SiteConfig(root=base)
    if not isinstance(data, dict):
        raise ConfigError([Problem(name, 1, "site.yaml must be a mapping of keys to values")])
    problems: list[Problem] = []

    def err(node: yaml.Node | None, msg: str) -> None:
        problems.append(Problem(name, _line(node), msg))

    def unknown(keys: Any, allowed: tuple[str, ...], parent: yaml.Node | None, where: str) -> None:
        for key in keys:
            if key not in allowed:
                k, _ = _find(parent, str(key))
                hint = near_miss(str(key), allowed)
                err(k or parent, f"unknown key '{where}{key}'" + (f" (did you mean '{where}{hint}'?)" if hint else ""))

    unknown(data, tuple(_TOP), tree, "")
    for key, (typ, what) in _TOP.items():
        if key in data and data[key] is not None and not isinstance(data[key], typ):
            err(_find(tree, key)[1], f"'{key}' must be {what}, not {type(data[key]).__name__}")
    ok = {k: v for k, v in data.items() if k in _TOP and isinstance(v, _TOP[k][0])}

    sections: list[SectionRule] = []
    section_lines: list[tuple[SectionRule, int]] = []
    _, snode = _find(tree, "sections")
    for i, item in enumerate(ok.get("sections") or []):
        inode = snode.value[i] if isinstance(snode, yaml.SequenceNode) else snode
        if not isinstance(item, dict):
            err(inode, "each entry of 'sections' must be a mapping {pages, name}")
            continue
        unknown(item, _SECTION_KEYS, inode, "sections.")
        pages = item.get("pages", item.get("page"))
        if isinstance(pages, int) and not isinstance(pages, bool):
            pages = [pages]
        if not isinstance(pages, list) or not pages or not all(isinstance(p, int) and not isinstance(p, bool) for p in pages):
            err(inode, "'sections' entry needs 'pages': a page number or a list of them")
            continue
        if not isinstance(item.get("name"), str) or not item["name"].strip():
            err(_find(inode, "name")[1] or inode, "'sections' entry needs a 'name'")
            continue
        dates: dict[str, dt.date | None] = {}
        for dk in ("from", "until"):
            v = item.get(dk)
            if v is not None and not isinstance(v, dt.date):
                err(_find(inode, dk)[1], f"'sections.{dk}' must be a date YYYY-MM-DD")
                v = None
            dates[dk] = v
        rule = SectionRule(tuple(pages), item["name"].strip(), dates["from"], dates["until"])
        if rule.start and rule.until and rule.start > rule.until:
            err(inode, f"'sections' entry for {rule.name}: 'from' {rule.start} is after 'until' {rule.until}")
            continue
        for earlier, line in section_lines:
            clash = _overlap(earlier, rule)
            if clash:
                err(inode, f"'sections' entries overlap: page {clash[0]} on {clash[1]} would be both "
                    f"{earlier.name} (line {line}) and {rule.name}; give them 'from'/'until' dates that do not overlap")
                break
        sections.append(rule)
        section_lines.append((rule, _line(inode)))

    aliases: dict[str, tuple[str, ...]] = {}
    _, anode = _find(tree, "aliases")
    owner: dict[str, str] = {}
    for person, variants in (ok.get("aliases") or {}).items():
        if isinstance(variants, str):
            variants = [variants]
        if not isinstance(variants, list) or not all(isinstance(v, str) for v in variants):
            err(_find(anode, str(person))[1], f"'aliases.{person}' must be a list of names")
            continue
        aliases[str(person)] = tuple(v.strip() for v in variants)
        # A variant merged into two people, or a person who is also someone's
        # variant, would make the merge depend on the order of the file.
        for v in aliases[str(person)]:
            if v in owner and owner[v] != str(person):
                err(_find(anode, str(person))[1], f"'aliases': {v} is listed under both {owner[v]} and {person}")
            owner[v] = str(person)
    for person in aliases:
        if person in owner:
            err(_find(anode, person)[0], f"'aliases': {person} is a person and also a variant of {owner[person]}; list its variants under {owner[person]}")

    words: tuple[str, ...] = ()
    search = ok.get("search") or {}
    _, srch = _find(tree, "search")
    unknown(search, ("words", "ranges"), srch, "search.")
    if "words" in search:
        w = search["words"]
        if not isinstance(w, list) or not all(isinstance(x, str) for x in w):
            err(_find(srch, "words")[1], "'search.words' must be a list of words")
        else:
            words = tuple(x.strip() for x in w if x.strip())
    ranges = search.get("ranges", True)
    if not isinstance(ranges, bool):
        err(_find(srch, "ranges")[1], "'search.ranges' must be true or false")

    pag = ok.get("pagination") or {}
    _, pnode = _find(tree, "pagination")
    unknown(pag, _PAGINATION_KEYS, pnode, "pagination.")
    sizes = {}
    for k in _PAGINATION_KEYS:
        if k in pag:
            v = pag[k]
            if isinstance(v, bool) or not isinstance(v, int) or v < 1:
                err(_find(pnode, k)[1], f"'pagination.{k}' must be a whole number of 1 or more")
            else:
                sizes[k] = v

    years = _years(ok.get("years"), _find(tree, "years")[1], err)
    typo = ok.get("typography") or {}
    _, tnode = _find(tree, "typography")
    unknown(typo, ("cjk_punctuation",), tnode, "typography.")
    cjk = typo.get("cjk_punctuation", True)
    if not isinstance(cjk, bool):
        err(_find(tnode, "cjk_punctuation")[1], "'typography.cjk_punctuation' must be true or false")

    if problems:
        raise ConfigError(problems)
    base_url = ok.get("base_url") or ""
    if base_url and not base_url.endswith("/"):
        base_url += "/"
    return SiteConfig(
        title=ok.get("title", SiteConfig.title),
        paper=ok.get("paper", SiteConfig.paper),
        base_url=base_url,
        language=ok.get("language", SiteConfig.language),
        articles=ok.get("articles", SiteConfig.articles),
        output=ok.get("output", SiteConfig.output),
        sections=tuple(sections),
        aliases=aliases,
        search_words=words,
        search_ranges=ranges is not False,
        pagination=Pagination(**sizes),
        years=years,
        typography=Typography(cjk_punctuation=cjk is not False),
        root=base,
    )
