"""The on-disk format: the contract between import, editors, build, search and check.

Everything wxnews-site knows about an archive lives in one folder (``articles/``
by default), laid out by issue date and page (版)::

    articles/2024/06/30/02-01.md          one article, position 1 on page 2
    articles/2024/06/30/02-02.md
    articles/2024/06/30/02.page.yaml      page 2 itself: metadata, credits, leftovers

**Article files** are UTF-8 Markdown with YAML front matter between two ``---``
lines. Keys, in the order the importer writes them:

=====================  =====================================================
id                     ``YYYY-MM-DD-PP-NN``: date, page, position. Required;
                       URLs and cross references use it, never a title slug.
date, page             the issue date and page number. Required.
section, paper         版名 (e.g. 要闻) and paper name, or null.
kind                   ``article`` | ``photo`` | ``continuation`` (a story
                       continued from another page). Required.
kicker, title,         引题, 主题, 副题 as printed, or null. A photo with no
subtitle               printed headline has ``title: null``.
bylines                list of reporters/authors, Chinese names as printed
                       (padding spaces removed: "刘  泉" is 刘泉).
photographers          list of photographers.
credit                 the byline or photo credit exactly as printed, or null.
dateline               "本报讯", "本报北京5月19日电" ..., or null. A dateline
                       printed inside the first paragraph stays there too.
continued_from_page    for a continuation: the page it jumps from ("上接第1版").
continued_to_page      for a first part: the page it jumps to ("下转第2版").
source                 ``{file: NAME, lines: "3-9,21"}``: raw file and lines.
review                 list of reasons an editor should check the article;
                       empty when the importer was confident. Editors clear
                       it when they have checked.
=====================  =====================================================

The body is Markdown: paragraphs separated by blank lines, in-article
subheadings as ``## text``. Text is verbatim from the printed page. Raw HTML is
never rendered: it is shown as text, and ``check`` warns about it.

**Page files** (``PP.page.yaml``) hold ``date, page, section, paper, source,
source_sha256``, ``credits`` (editor credit lines such as 本版责编, which
belong to no article), ``leftovers`` (raw text the importer could not place,
``{line, text, reason}``), ``folded`` (look-alike characters of a PDF's text
layer read into ordinary ones, ``{line, from, to, count}``; written only when
there were any), and ``imported`` (article file name -> sha256 of the
bytes the importer wrote; a re-import overwrites only files that still hash to
that value, so an editor's correction is never destroyed; an article listed
there but deleted by an editor stays deleted). The page file's own editable
fields are kept the same way, under keys ``PP.page.yaml#section``,
``#paper``, ``#credits``, ``#leftovers`` and ``#folded`` (sha256 of the value the importer
wrote): a field an editor changed is kept when the same page is imported
again, the others follow the new import.

Limits (``load_yaml`` and the value checks): no YAML anchors or aliases,
numbers of at most 18 digits, real dates within the archive's years
(``DEFAULT_YEARS`` unless site.yaml's ``years``), pages 1-999, source lines up
to 10,000,000, names (bylines, photographers, section) that fit a file name
(``MAX_NAME_BYTES``); ids number positions in two digits or more.

The files are the source of truth: the build derives everything from them, and
editors may change any of them by hand.
"""
from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import json
import os
import pickle
import re
import time
from dataclasses import dataclass
from json.decoder import scanstring as _scanstring  # type: ignore[attr-defined]
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping

import yaml

from .filetable import FileHashes, Ids
from .model import (
    KINDS, MAX_PAGE, Article, Fold, Leftover, PageInfo, Source, article_id, derived_title, format_ranges, parse_ranges,
)

try:  # libyaml is ten times faster; fall back silently where it is not built.
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

ARTICLE_KEYS = (
    "id", "date", "page", "section", "paper", "kind", "kicker", "title", "subtitle",
    "bylines", "photographers", "credit", "dateline", "continued_from_page",
    "continued_to_page", "source", "review",
)
REQUIRED_KEYS = ("id", "date", "page", "kind")
PAGE_KEYS = ("date", "page", "section", "paper", "source", "source_sha256", "credits", "leftovers", "folded",
             "imported")
FOLD_KEYS = ("line", "from", "to", "count")
# Position in two digits or more: a page may hold more than 99 stories (a
# listings page), and 1000 or more (article_id pads to two, never cuts).
ID_RE = re.compile(r"^(\d{4}-\d{2}-\d{2})-(\d{2,3})-(\d{2,})$")
# Issue years an archive may hold unless site.yaml's ``years`` says otherwise:
# a typo such as 9999-12-31 would otherwise import, then break the calendars.
DEFAULT_YEARS = (1900, 2100)
# Names that become file names (people/<name>.html, sections/<name>-2.html)
# must fit the 255 bytes most file systems allow, with room for the suffix.
MAX_NAME_BYTES = 200
MAX_YAML_CHARS = 2_000_000  # a page file of a very full page is about 50 KB
MAX_DIGITS = 18  # no value in these files needs a longer number
HTML_RE = re.compile(r"<\s*/?\s*[A-Za-z][A-Za-z0-9-]*(\s[^<>]*)?/?\s*>|<!--")


@dataclass(frozen=True)
class Problem:
    """One finding about one file, at one line: what build, check and import report."""

    path: str
    line: int
    message: str
    severity: str = "error"  # "error" | "warning"

    def __str__(self) -> str:
        # A folder or a whole file has no line to name: "articles: error: ...".
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.severity}: {self.message}"

    def as_dict(self) -> dict[str, Any]:
        return {"path": self.path, "line": self.line, "severity": self.severity, "message": self.message}


class FormatError(Exception):
    """Raised with every problem found in one file, not just the first."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


# --------------------------------------------------------------------- paths

def article_relpath(date: dt.date, page: int, position: int) -> str:
    # Field by field: strftime costs more than the rest (the year unpadded, as glibc prints %Y).
    return f"{date.year}/{date.month:02d}/{date.day:02d}/{page:02d}-{position:02d}.md"


def page_relpath(date: dt.date, page: int) -> str:
    return f"{date:%Y/%m/%d}/{page:02d}.page.yaml"


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def atomic_write(path: Path, data: bytes) -> None:
    """Write via a temporary file and rename, so a crash never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.partial")
    with open(tmp, "wb") as fh:
        fh.write(data)
    os.replace(tmp, path)


# -------------------------------------------------------------------- writing

def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    # A JSON string is a valid YAML double-quoted scalar; it keeps every
    # character (quotes, colons, ——) unambiguous for editors and parsers.
    return _YAML_UNPRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(str(value), ensure_ascii=False))


# Characters a YAML stream may not hold raw, or reads as line breaks, that json
# leaves unescaped; a \uXXXX escape means the same character to both readers.
_YAML_UNPRINTABLE = re.compile("[\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")


def _flow_list(values: Iterable[Any]) -> str:
    return "[" + ", ".join(_scalar(v) for v in values) + "]"


def render_article(a: Article) -> str:
    """Front matter + body, deterministic: the same article always gives the same bytes."""
    src = "null"
    if a.source is not None:
        src = "{file: " + _scalar(a.source.file) + ", lines: " + _scalar(format_ranges(a.source.lines)) + "}"
    values = {
        "id": a.id, "date": a.date, "page": a.page, "section": a.section, "paper": a.paper,
        "kind": a.kind, "kicker": a.kicker, "title": a.title, "subtitle": a.subtitle,
        "bylines": _flow_list(a.bylines), "photographers": _flow_list(a.photographers),
        "credit": a.credit, "dateline": a.dateline,
        "continued_from_page": a.continued_from_page, "continued_to_page": a.continued_to_page,
        "source": src,
    }
    lines = ["---"]
    for key in ARTICLE_KEYS[:-1]:
        v = values[key]
        lines.append(f"{key}: {v if key in ('bylines', 'photographers', 'source') else _scalar(v)}")
    if a.review:
        lines.append("review:")
        lines.extend(f"  - {_scalar(r)}" for r in a.review)
    else:
        lines.append("review: []")
    lines.append("---")
    body = a.body.strip("\n")
    return "\n".join(lines) + "\n\n" + (body + "\n" if body else "")


def render_page(p: PageInfo) -> str:
    lines = [
        f"date: {_scalar(p.date)}", f"page: {p.page}", f"section: {_scalar(p.section)}",
        f"paper: {_scalar(p.paper)}", f"source: {_scalar(p.source)}",
        f"source_sha256: {_scalar(p.source_sha256)}",
    ]
    lines.append("credits:" + ("" if p.credits else " []"))
    lines.extend(f"  - {_scalar(c)}" for c in p.credits)
    lines.append("leftovers:" + ("" if p.leftovers else " []"))
    for lo in p.leftovers:
        lines.append(f"  - line: {lo.line}")
        lines.append(f"    text: {_scalar(lo.text)}")
        lines.append(f"    reason: {_scalar(lo.reason)}")
    if p.folded:  # only pages that had look-alikes: other page files stay as they were
        lines.append("folded:")
        for f in p.folded:
            lines.extend((f"  - line: {f.line}", f"    from: {_scalar(f.printed)}", f"    to: {_scalar(f.text)}",
                          f"    count: {f.count}"))
    lines.append("imported:" + ("" if p.imported else " {}"))
    lines.extend(f"  {_scalar(k)}: {_scalar(v)}" for k, v in sorted(p.imported.items()))
    return "\n".join(lines) + "\n"


# -------------------------------------------------------------------- reading

def split_front_matter(text: str) -> tuple[str, str, int]:
    """Return (yaml text, body, 1-based line of the body's first line).

    Raises ValueError when the file does not open with a closed '---' block.
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.startswith("---"):
        raise ValueError("the file must start with a '---' line opening the front matter")
    # Line by line up to the closing '---' only: the body is never split.
    end = text.find("\n")
    if (text if end < 0 else text[:end]).strip() != "---":
        raise ValueError("the first line must be exactly '---'")
    first = start = end + 1
    n = 1
    while end >= 0:
        end = text.find("\n", start)
        line = text[start:] if end < 0 else text[start:end]
        if line.rstrip() in ("---", "..."):
            return text[first:max(start - 1, first)], ("" if end < 0 else text[end + 1:]), n + 2
        start, n = end + 1, n + 1
    raise ValueError("the front matter is not closed by a '---' line")


class _Refused(yaml.YAMLError):
    """A value the limited loader will not build, at its place in the file."""

    def __init__(self, mark: Any, message: str):
        super().__init__(message)
        self.problem_mark, self.message = mark, message


class _LimitedLoader(_Loader):  # type: ignore[misc,valid-type]
    """YAML as editors write it in article and page files, with bounds: no
    anchors or aliases (a few lines of them can expand past any memory; no
    editor needs them), numbers of at most MAX_DIGITS digits, real dates."""


def _bounded_int(loader: Any, node: Any) -> int:
    digits = sum(ch.isdigit() for ch in node.value)
    if digits > MAX_DIGITS:
        raise _Refused(node.start_mark, f"a number of {digits} digits: no value here needs more than {MAX_DIGITS}")
    return yaml.constructor.SafeConstructor.construct_yaml_int(loader, node)


def _checked_date(loader: Any, node: Any) -> Any:
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except (ValueError, OverflowError) as exc:  # 2024-02-30
        raise _Refused(node.start_mark, f"bad date {node.value}: {exc}; use a real YYYY-MM-DD") from None


_LimitedLoader.add_constructor("tag:yaml.org,2002:int", _bounded_int)
_LimitedLoader.add_constructor("tag:yaml.org,2002:timestamp", _checked_date)


def load_yaml(text: str, path: str, first_line: int, broken: str = "broken YAML") -> Any:
    """Parse article front matter, a page file or a sidecar with the limited
    loader; every refusal is a FormatError at its line (``first_line`` is the
    file line of the text's first line)."""
    if len(text) > MAX_YAML_CHARS:
        raise FormatError([Problem(path, first_line, f"{len(text):,} characters of YAML: more than the "
                                                     f"{MAX_YAML_CHARS:,} an article or page file may hold")])
    try:
        if "&" in text or "*" in text:  # the scan costs a little: only where an anchor could be
            for token in yaml.scan(text, Loader=_Loader):
                if isinstance(token, (yaml.AnchorToken, yaml.AliasToken)):
                    raise _Refused(token.start_mark, "YAML anchors and aliases (&name, *name) are not allowed "
                                                     "here: write each value out in full")
        return yaml.load(text, Loader=_LimitedLoader)
    except _Refused as exc:
        raise FormatError([Problem(path, exc.problem_mark.line + first_line, exc.message)]) from None
    except yaml.YAMLError as exc:
        msg = " ".join(str(getattr(exc, "problem", "") or exc).split())
        raise FormatError([Problem(path, _yaml_error_line(exc, first_line), f"{broken}: {msg}")]) from None
    except RecursionError:
        raise FormatError([Problem(path, first_line, "values nested too deeply")]) from None


def check_year(date: dt.date, years: tuple[int, int]) -> str | None:
    """Why an issue date is outside the years an archive may hold, or None."""
    if years[0] <= date.year <= years[1]:
        return None
    return (f"date {date} is outside the years {years[0]}-{years[1]} this archive may hold "
            "(a typo? site.yaml's years: [FROM, TO] widens them)")


def name_problem(key: str, name: str) -> str | None:
    """Why a byline, photographer or section cannot name its page's file, or None."""
    size = len(name.encode("utf-8"))
    if size <= MAX_NAME_BYTES:
        return None
    return (f"'{key}' value {name[:12]}… is {len(name)} characters ({size} bytes): a name must fit a file name, "
            f"at most {MAX_NAME_BYTES} bytes (about {MAX_NAME_BYTES // 3} Chinese characters)")


def _key_lines(yaml_text: str, offset: int) -> dict[str, int]:
    out: dict[str, int] = {}
    for n, line in enumerate(yaml_text.split("\n")):
        m = re.match(r"^([A-Za-z_][\w-]*)\s*:", line)
        if m and m.group(1) not in out:
            out[m.group(1)] = n + offset
    return out


def _yaml_error_line(exc: yaml.YAMLError, offset: int) -> int:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    return (mark.line + offset) if mark is not None else offset


def _opt_str(meta: dict, key: str, where: int, problems: list[Problem], path: str) -> str | None:
    v = meta.get(key)
    if v is None:
        return None
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return str(v)
    if not isinstance(v, str):
        problems.append(Problem(path, where, f"'{key}' must be text or null, not {type(v).__name__}"))
        return None
    v = v.strip()
    if key == "section" and (wrong := name_problem(key, v)):
        problems.append(Problem(path, where, wrong))
    return v or None


def _names(meta: dict, key: str, where: int, problems: list[Problem], path: str) -> tuple[str, ...]:
    v = meta.get(key)
    if v is None:
        return ()
    if isinstance(v, str):
        v = [v]
    if not isinstance(v, list) or not all(isinstance(x, (str, int)) and not isinstance(x, bool) for x in v):
        problems.append(Problem(path, where, f"'{key}' must be a list of names"))
        return ()
    names = tuple(str(x).strip() for x in v if str(x).strip())
    problems.extend(Problem(path, where, wrong) for n in names if (wrong := name_problem(key, n)))
    return names


def _opt_int(meta: dict, key: str, where: int, problems: list[Problem], path: str) -> int | None:
    v = meta.get(key)
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, int):
        problems.append(Problem(path, where, f"'{key}' must be a page number or null"))
        return None
    if key != "page" and not 1 <= v <= MAX_PAGE:
        problems.append(Problem(path, where, f"'{key}' must be a page number from 1 to {MAX_PAGE}"))
        return None
    return v


_CANON_LINE = re.compile(r"^([a-z_][a-z0-9_]*): (.*)$")
_CANON_INT = re.compile(r"^(?:0|[1-9][0-9]{0,8})$")
_CANON_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CANON_SOURCE = re.compile(r'^\{file: ("(?:[^"\\]|\\.)*"), lines: ("(?:[^"\\]|\\.)*")\}$')


_JSON = json.JSONDecoder()


def _json_string(v: str) -> str:
    """json.loads of a JSON string, without its three Python frames per value."""
    out, end = _scanstring(v, 1)
    if v[end:].strip(" \t\n\r"):
        raise ValueError(v)
    return out


def _canonical_value(v: str) -> Any:
    """One value as render_article writes it; raises ValueError for anything else."""
    if v == "null":
        return None
    if v.startswith('"'):
        return _json_string(v)
    if v.startswith("["):
        out = _JSON.decode(v)
        if isinstance(out, list) and not all(isinstance(x, str) for x in out):
            raise ValueError(v)
        return out
    if _CANON_INT.match(v):
        return int(v)
    if _CANON_DATE.match(v):
        return dt.date.fromisoformat(v)
    m = _CANON_SOURCE.match(v)
    if m:
        return {"file": json.loads(m.group(1)), "lines": json.loads(m.group(2))}
    raise ValueError(v)


def _canonical_front_matter(fm: str) -> dict[str, Any] | None:
    """Front matter exactly as render_article writes it, else None (see _read_canonical)."""
    read = _read_canonical(fm)
    return read[0] if read is not None else None


# The front matter render_article writes when no string needs an escape (most
# articles): one match instead of a regex and a json call per line. A JSON
# string with no backslash and no control character means the text between
# its quotes, to json and YAML alike.
_S = r'"[^"\\\x00-\x1f]*"'
_SN = rf"(?:{_S}|null)"
_IN = r"(?:0|[1-9][0-9]{0,8}|null)"
_LIST = r"\[[^\n]*\]"
_CANON_ARTICLE = re.compile(
    rf"id: ({_S})\ndate: (\d{{4}}-\d{{2}}-\d{{2}})\npage: (0|[1-9][0-9]{{0,8}})\nsection: ({_SN})\n"
    rf"paper: ({_SN})\nkind: ({_S})\nkicker: ({_SN})\ntitle: ({_SN})\nsubtitle: ({_SN})\nbylines: ({_LIST})\n"
    rf"photographers: ({_LIST})\ncredit: ({_SN})\ndateline: ({_SN})\ncontinued_from_page: ({_IN})\n"
    rf"continued_to_page: ({_IN})\nsource: (\{{file: {_S}, lines: {_S}\}}|null)\n"
    rf"review:(?: (\[\])|((?:\n  - {_S})+))\Z")
_CANON_WHERE = {key: n + 2 for n, key in enumerate(ARTICLE_KEYS)}


def _text_or_null(v: str) -> str | None:
    return None if v == "null" else v[1:-1]


def _int_or_null(v: str) -> int | None:
    return None if v == "null" else int(v)


def _read_canonical(fm: str) -> tuple[dict[str, Any], dict[str, int]] | None:
    """Read front matter exactly as render_article writes it, else None (see _read_canonical_lines)."""
    m = _CANON_ARTICLE.match(fm)
    if m is None:
        return _read_canonical_lines(fm)
    g = m.groups()
    try:
        return _canonical_meta(g), dict(_CANON_WHERE)
    except (ValueError, RecursionError):  # a list that is no JSON list, [[[[...: YAML says what is wrong
        return None


def _canonical_meta(g: tuple[str, ...]) -> dict[str, Any]:
    date = dt.date.fromisoformat(g[1])
    return {
        "id": g[0][1:-1], "date": date, "page": int(g[2]), "section": _text_or_null(g[3]),
        "paper": _text_or_null(g[4]), "kind": g[5][1:-1], "kicker": _text_or_null(g[6]),
        "title": _text_or_null(g[7]), "subtitle": _text_or_null(g[8]), "bylines": _canonical_value(g[9]),
        "photographers": _canonical_value(g[10]), "credit": _text_or_null(g[11]), "dateline": _text_or_null(g[12]),
        "continued_from_page": _int_or_null(g[13]), "continued_to_page": _int_or_null(g[14]),
        "source": _canonical_value(g[15]),
        "review": [] if g[16] is not None else [item[5:-1] for item in g[17].split("\n")[1:]],
    }


def _read_canonical_lines(fm: str) -> tuple[dict[str, Any], dict[str, int]] | None:
    """Read front matter exactly as render_article writes it, else None.

    Why: libyaml costs ~0.16 ms for an article's front matter, a third of a
    10,000-article build. The importer's own output is JSON scalars one per
    line, which json reads with the same meaning as YAML does. Anything an
    editor wrote differently (plain scalars, comments, block lists other than
    review) returns None, and the caller parses the text with YAML as before.
    Also returns each key's line in the file (as _key_lines would)."""
    meta: dict[str, Any] = {}
    where: dict[str, int] = {}
    lines = fm.split("\n")
    i = 0
    try:
        while i < len(lines):
            line = lines[i]
            if line == "review:":
                where["review"] = i + 2
                items = []
                while i + 1 < len(lines) and lines[i + 1].startswith("  - "):
                    i += 1
                    item = json.loads(lines[i][4:])
                    if not isinstance(item, str):
                        return None
                    items.append(item)
                if not items or "review" in meta:
                    return None
                meta["review"] = items
            else:
                m = _CANON_LINE.match(line)
                if not m or m.group(1) in meta:
                    return None
                meta[m.group(1)] = _canonical_value(m.group(2))
                where[m.group(1)] = i + 2
            i += 1
    except (ValueError, RecursionError):
        return None
    return meta, where


def parse_article(text: str, path: str = "<string>", years: tuple[int, int] = DEFAULT_YEARS) -> Article:
    """Parse one article file; raises FormatError listing every problem with its line."""
    try:
        fm, body, body_line = split_front_matter(text)
    except ValueError as exc:
        raise FormatError([Problem(path, 1, str(exc))]) from None
    canonical = _read_canonical(fm)
    meta, where = canonical if canonical is not None else (None, None)
    if canonical is None:
        meta = load_yaml(fm, path, 2, "broken YAML in front matter")
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise FormatError([Problem(path, 2, "front matter must be a mapping of keys to values")])
    if where is None:
        where = _key_lines(fm, 2)
    problems: list[Problem] = []
    for key in meta:
        if key not in ARTICLE_KEYS:
            hint = near_miss(str(key), ARTICLE_KEYS)
            problems.append(Problem(path, where.get(str(key), 2), f"unknown key '{key}'" + (f" (did you mean '{hint}'?)" if hint else "")))
    for key in REQUIRED_KEYS:
        if meta.get(key) is None:
            problems.append(Problem(path, where.get(key, 2), f"missing required key '{key}'"))
    line = lambda k: where.get(k, 2)  # noqa: E731

    date = meta.get("date")
    if isinstance(date, str):
        try:
            date = dt.date.fromisoformat(date)
        except ValueError:
            problems.append(Problem(path, line("date"), f"bad date {meta['date']!r}: use YYYY-MM-DD"))
            date = None
    elif date is not None and not isinstance(date, dt.date):
        problems.append(Problem(path, line("date"), f"bad date {date!r}: use YYYY-MM-DD"))
        date = None
    if isinstance(date, dt.datetime):
        date = date.date()
    if isinstance(date, dt.date) and (wrong := check_year(date, years)):
        problems.append(Problem(path, line("date"), wrong))
        date = None
    page = _opt_int(meta, "page", line("page"), problems, path)
    if page is not None and not 1 <= page <= MAX_PAGE:
        problems.append(Problem(path, line("page"), f"'page' must be a page number from 1 to {MAX_PAGE}"))
    kind = meta.get("kind")
    if kind is not None and (not isinstance(kind, str) or kind not in KINDS):
        problems.append(Problem(path, line("kind"), f"'kind' must be one of {', '.join(KINDS)}, not {kind!r}"))

    aid = meta.get("id")
    position = 0
    if aid is not None:
        m = ID_RE.match(str(aid))
        if not m:
            problems.append(Problem(path, line("id"), f"bad id {aid!r}: expected YYYY-MM-DD-PP-NN (date, page, position)"))
        else:
            position = int(m.group(3))
            if date and page and (m.group(1) != date.isoformat() or int(m.group(2)) != page):
                problems.append(Problem(path, line("id"), f"id {aid} does not match date {date} and page {page}"))

    src = meta.get("source")
    source: Source | None = None
    if isinstance(src, dict) and isinstance(src.get("file"), str) and isinstance(src.get("lines"), (str, int, type(None))):
        try:
            source = Source(src["file"], parse_ranges(str(src.get("lines") or "")))
        except ValueError as exc:
            problems.append(Problem(path, line("source"), f"bad line list {str(src.get('lines'))[:40]!r} in 'source': {exc}"))
    elif isinstance(src, str):
        source = Source(src)
    elif src is not None:
        problems.append(Problem(path, line("source"), "'source' must be {file: NAME, lines: \"1-3,7\"}"))

    review = meta.get("review") or []
    if isinstance(review, str):
        review = [review]
    if not isinstance(review, list) or not all(isinstance(r, (str, int, float)) for r in review):
        problems.append(Problem(path, line("review"), "'review' must be a list of reasons (texts)"))
        review = []

    article = Article(
        id=str(aid) if aid is not None else "",
        date=date if isinstance(date, dt.date) else dt.date(1970, 1, 1),
        page=page or 0,
        position=position,
        section=_opt_str(meta, "section", line("section"), problems, path),
        paper=_opt_str(meta, "paper", line("paper"), problems, path),
        kind=str(kind or "article"),
        kicker=_opt_str(meta, "kicker", line("kicker"), problems, path),
        title=_opt_str(meta, "title", line("title"), problems, path),
        subtitle=_opt_str(meta, "subtitle", line("subtitle"), problems, path),
        bylines=_names(meta, "bylines", line("bylines"), problems, path),
        photographers=_names(meta, "photographers", line("photographers"), problems, path),
        credit=_opt_str(meta, "credit", line("credit"), problems, path),
        dateline=_opt_str(meta, "dateline", line("dateline"), problems, path),
        continued_from_page=_opt_int(meta, "continued_from_page", line("continued_from_page"), problems, path),
        continued_to_page=_opt_int(meta, "continued_to_page", line("continued_to_page"), problems, path),
        source=source,
        review=tuple(str(r) for r in review if str(r).strip()),
        body=body.strip("\n"),
        path=path,
        body_line=body_line,
    )
    if problems:
        raise FormatError(problems)
    return article


def lint_article(a: Article) -> list[Problem]:
    """Warnings that do not stop a build (``--strict`` makes them errors)."""
    out: list[Problem] = []
    for n, line in enumerate(a.body.split("\n") if "<" in a.body else ()):  # every tag HTML_RE finds has one
        if HTML_RE.search(line):
            out.append(Problem(a.path, a.body_line + n, "raw HTML in Markdown is shown as text, not rendered", "warning"))
    for k in ("kicker", "title", "subtitle"):
        v = getattr(a, k)
        if v and HTML_RE.search(v):
            out.append(Problem(a.path, 1, f"HTML in '{k}' is shown as text", "warning"))
    if a.review:
        out.append(Problem(a.path, 1, "open review flags: " + "; ".join(a.review), "warning"))
    expected = article_relpath(a.date, a.page, a.position)
    if a.path and a.position and a.path.replace(os.sep, "/") != expected:
        out.append(Problem(a.path, 1, f"file for id {a.id} is expected at {expected}", "warning"))
    return out


_PAGE_BLOCKS = ("credits", "leftovers", "folded", "imported")
_FOLD_PREFIXES = ("    from: ", "    to: ", "    count: ")
_CANON_PAIR = re.compile(r'^  ("(?:[^"\\]|\\.)*"): (.*)$')


def _read_canonical_page(text: str) -> dict[str, Any] | None:
    """Read a page file exactly as render_page writes it, else None.

    Why: libyaml takes ~0.13 ms a page file, as long as reading four
    articles. The importer's scalars are JSON, read as for articles
    (_read_canonical); its blocks are a list of strings (credits), of
    three-line leftovers, of four-line folds, or a map of quoted names
    (imported). Anything
    else an editor wrote returns None, and the caller parses it with YAML.
    """
    meta: dict[str, Any] = {}
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    i, n = 0, len(lines)
    try:
        while i < n:
            line = lines[i]
            i += 1
            key = line[:-1]
            if line.endswith(":") and key in _PAGE_BLOCKS and key not in meta:
                items: list[Any] = []
                pairs: dict[str, Any] = {}
                while i < n and lines[i].startswith("  "):
                    line = lines[i]
                    if key == "credits" and line.startswith("  - "):
                        items.append(_canonical_value(line[4:]))
                        i += 1
                    elif key == "leftovers" and line.startswith("  - line: ") and i + 2 < n \
                            and lines[i + 1].startswith("    text: ") and lines[i + 2].startswith("    reason: "):
                        items.append({"line": _canonical_value(line[10:]), "text": _canonical_value(lines[i + 1][10:]),
                                      "reason": _canonical_value(lines[i + 2][12:])})
                        i += 3
                    elif key == "folded" and line.startswith("  - line: ") and i + 3 < n \
                            and all(x.startswith(p) for x, p in zip(lines[i + 1:i + 4], _FOLD_PREFIXES)):
                        items.append({"line": _canonical_value(line[10:]), **{
                            k: _canonical_value(x[len(p):]) for k, x, p in zip(FOLD_KEYS[1:], lines[i + 1:i + 4], _FOLD_PREFIXES)}})
                        i += 4
                    elif key == "imported" and (m := _CANON_PAIR.match(line)) and _json_string(m.group(1)) not in pairs:
                        pairs[_json_string(m.group(1))] = _canonical_value(m.group(2))
                        i += 1
                    else:
                        return None
                if not items and not pairs:
                    return None
                meta[key] = pairs if key == "imported" else items
                continue
            m = _CANON_LINE.match(line)
            if not m or m.group(1) in meta:
                return None
            meta[m.group(1)] = {} if m.group(2) == "{}" else _canonical_value(m.group(2))
    except (ValueError, RecursionError):
        return None
    return meta


def parse_page(text: str, path: str = "<string>", years: tuple[int, int] = DEFAULT_YEARS) -> PageInfo:
    """Parse one page file; raises FormatError listing every problem with its line."""
    try:
        meta = _read_canonical_page(text)
    except ValueError:  # an impossible date such as 2024-06-31 in the importer's own layout
        meta = None
    if meta is None:
        meta = load_yaml(text, path, 1) or {}
    if not isinstance(meta, dict):
        raise FormatError([Problem(path, 1, "a page file must be a mapping")])
    line = lambda k: _key_lines(text, 1).get(k, 1)  # noqa: E731 - looked up only for a problem
    problems = []
    for k in meta:
        if k not in PAGE_KEYS:
            hint = near_miss(str(k), PAGE_KEYS)
            problems.append(Problem(path, line(str(k)), f"unknown key '{k}'" + (f" (did you mean '{hint}'?)" if hint else "")))
    date = meta.get("date")
    if isinstance(date, str):
        try:
            date = dt.date.fromisoformat(date)
        except ValueError:
            date = None
    if not isinstance(date, dt.date):
        problems.append(Problem(path, line("date"), "missing or bad 'date': use a real YYYY-MM-DD"))
    elif wrong := check_year(date, years):
        problems.append(Problem(path, line("date"), wrong))
    page = meta.get("page")
    if isinstance(page, bool) or not isinstance(page, int) or not 1 <= page <= MAX_PAGE:
        problems.append(Problem(path, line("page"), f"missing or bad 'page': a page number from 1 to {MAX_PAGE}"))
    fields = {k: _opt_str(meta, k, line(k), problems, path) for k in ("section", "paper", "source", "source_sha256")}
    credits = _texts(meta.get("credits"), path, line("credits"), problems)
    leftovers = _leftovers(meta.get("leftovers"), text, path, line("leftovers"), problems)
    imported = _imported(meta.get("imported"), path, line("imported"), problems)
    folded = _folds(meta.get("folded"), text, path, line("folded"), problems)
    if problems:
        raise FormatError(problems)
    return PageInfo(date=date, page=page, **fields, credits=credits, leftovers=leftovers, imported=imported,
                    folded=folded, path=path)


def _texts(value: Any, path: str, where: int, problems: list[Problem]) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
        problems.append(Problem(path, where, "'credits' must be a list of credit lines (texts)"))
        return ()
    return tuple(value)


def _leftover_problem(x: Any) -> str | None:
    """What is wrong with one entry of 'leftovers', or None."""
    if not isinstance(x, dict):
        return "must be a mapping with line, text and reason"
    unknown = [str(k) for k in x if k not in ("line", "text", "reason")]
    if unknown:
        return f"unknown key '{unknown[0]}' (an entry has line, text and reason)"
    v = x.get("line", 0)
    if isinstance(v, bool) or not isinstance(v, int) or v < 0:
        return f"'line' must be a line number, not {v!r}"
    if not isinstance(x.get("text"), str):
        return f"'text' must be the text, not {x.get('text')!r}"
    if x.get("reason") is not None and not isinstance(x["reason"], str):
        return f"'reason' must be text, not {x['reason']!r}"
    return None


def _leftovers(value: Any, text: str, path: str, where: int, problems: list[Problem]) -> tuple[Leftover, ...]:
    return _entries(value, "leftovers", "{line, text, reason}", _leftover_problem,
                    lambda x: Leftover(x.get("line", 0), x["text"], x.get("reason") or ""), text, path, where, problems)


def _entries(value: Any, key: str, shape: str, wrong_of: Callable[[Any], str | None], make: Callable[[Any], Any],
             text: str, path: str, where: int, problems: list[Problem]) -> tuple[Any, ...]:
    """A page file's list of mappings, each checked by wrong_of, each problem at its item's line."""
    if value is None:
        return ()
    if not isinstance(value, list):
        problems.append(Problem(path, where, f"'{key}' must be a list of {shape}"))
        return ()
    out, lines = [], None
    for i, x in enumerate(value):
        wrong = wrong_of(x)
        if wrong is None:
            out.append(make(x))
            continue
        lines = _item_lines(text, key) if lines is None else lines
        problems.append(Problem(path, lines[i] if i < len(lines) else where, f"{key} entry {i + 1}: {wrong}"))
    return tuple(out)


def _imported(value: Any, path: str, where: int, problems: list[Problem]) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        problems.append(Problem(path, where, "'imported' must map file names to sha256 texts "
                                             "(the importer's record: delete an entry rather than edit it)"))
        return {}
    return dict(value)


def _item_lines(text: str, key: str) -> list[int]:
    """1-based line of each item of a top-level list, for messages (only read when one is wrong)."""
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError:
        return []
    for k, v in getattr(root, "value", []) if isinstance(root, yaml.MappingNode) else []:
        if k.value == key and isinstance(v, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in v.value]
    return []


def _fold_problem(x: Any) -> str | None:
    """What is wrong with one entry of 'folded', or None."""
    if not isinstance(x, dict):
        return "must be a mapping with line, from, to and count"
    unknown = [str(k) for k in x if k not in FOLD_KEYS]
    if unknown:
        return f"unknown key '{unknown[0]}' (an entry has line, from, to and count)"
    for k in ("line", "count"):
        v = x.get(k)
        if isinstance(v, bool) or not isinstance(v, int) or v < 1:
            return f"'{k}' must be a whole number, 1 or more, not {v!r}"
    for k in ("from", "to"):
        if not isinstance(x.get(k), str) or not x[k]:
            return f"'{k}' must be the character as text, not {x.get(k)!r}"
    return None


def _folds(value: Any, text: str, path: str, where: int, problems: list[Problem]) -> tuple[Fold, ...]:
    return _entries(value, "folded", "{line, from, to, count}", _fold_problem,
                    lambda x: Fold(x["line"], x["from"], x["to"], x["count"]), text, path, where, problems)


@dataclass(frozen=True)
class Archive:
    """Everything read from an articles folder, plus what was wrong with it."""

    articles: tuple[Article, ...]
    pages: tuple[PageInfo, ...]
    problems: tuple[Problem, ...]

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "error")


@dataclass(frozen=True)
class Known:
    """A file as the parse cache knows it: its stat (size, mtime_ns, inode,
    ctime_ns) and content hash when last read, where its parsed item lies
    (segment file, offset, length; None when it could not be parsed), its
    problems, the article's id and where the article's head lies (``head``,
    in the same segment: planning reads heads alone)."""

    stat: tuple[int, int, int, int]
    sha: str
    where: tuple[str, int, int] | None
    problems: tuple[Problem, ...]
    aid: str | None
    head: tuple[str, int, int] | None = None


class ParseCache:
    """Parsed files by path, kept between builds: a table of the files in an
    SQLite database of ``folder`` (one row a file), the items pickled in
    segment files beside it.

    A scan looks up the rows of one folder at a time and a rebuild writes
    only the rows of the files it read: nothing of the archive's size is
    loaded, unpickled or saved whole. Rows are only good for the same parser
    code and years (``version``): with others the table is empty.
    """

    DB = "index.sqlite"

    def __init__(self, folder: Path | None, years: tuple[int, int] = DEFAULT_YEARS, version: str = ""):
        self.folder, self.years, self.version = folder, years, version
        self._db: Any = None
        self._pid = 0

    def db(self, create: bool = False) -> Any:
        """The connection, this process's own (one is never used across a fork)."""
        if self._db is not None and self._pid == os.getpid():
            return self._db
        if self.folder is None or not (create or (self.folder / self.DB).is_file()):
            return None
        import sqlite3
        if self._db is not None:
            _INHERITED.append(self._db)  # the parent's: neither used nor closed here
        self.folder.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.folder / self.DB, timeout=60, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
        stamp = f"{self.version}|{self.years[0]}-{self.years[1]}"
        row = db.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
        if row is None or row[0] != stamp:
            # Another parser (perhaps another table), other years: nothing in it holds.
            db.execute("DROP TABLE IF EXISTS files")
            db.execute("INSERT OR REPLACE INTO meta VALUES ('version', ?)", (stamp,))
        db.execute("CREATE TABLE IF NOT EXISTS files (dir TEXT, name TEXT, size INT, mtime INT, ino INT, ctime INT, "
                   "sha TEXT, seg TEXT, off INT, len INT, problems BLOB, aid TEXT, hoff INT, hlen INT, "
                   "PRIMARY KEY (dir, name)) WITHOUT ROWID")
        db.execute("CREATE INDEX IF NOT EXISTS by_segment ON files (seg, len, hlen)")
        self._db, self._pid = db, os.getpid()
        return db

    def folder_rows(self, folder: str) -> dict[str, tuple[Any, ...]]:
        """The rows of one folder of the archive ("2024/06/30"), by file name,
        as they are stored (``known`` reads one): a rebuild compares every
        file's stat with its row, and a tuple costs a tenth of a Known."""
        db = self.db()
        if db is None:
            return {}
        return {row[0]: row for row in db.execute(
            "SELECT name, size, mtime, ino, ctime, sha, seg, off, len, problems, aid, hoff, hlen FROM files "
            "WHERE dir = ?", (folder,))}

    def empty(self) -> bool:
        db = self.db()
        return db is None or db.execute("SELECT 1 FROM files LIMIT 1").fetchone() is None

    def put(self, rows: Iterable[tuple[str, Known]]) -> None:
        """Record files as read (replacing their rows), in one transaction."""
        db = self.db(create=True)
        db.execute("BEGIN")
        db.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       (_row(rel, k) for rel, k in rows))
        db.execute("COMMIT")

    def close(self) -> None:
        if self._db is not None and self._pid == os.getpid():
            self._db.close()
        self._db = None


_INHERITED: list[Any] = []


def known(row: tuple[Any, ...]) -> Known:
    """A row of ParseCache.folder_rows as a Known."""
    _name, size, mtime, ino, ctime, sha, seg, off, length, problems, aid, hoff, hlen = row
    return Known((size, mtime, ino, ctime), sha, (seg, off, length) if seg is not None else None,
                 pickle.loads(problems) if problems else (), aid, (seg, hoff, hlen) if hoff is not None else None)


def _row(rel: str, k: Known) -> tuple[Any, ...]:
    folder, _, name = rel.rpartition("/")
    seg, off, length = k.where or (None, None, None)
    assert k.head is None or k.head[0] == seg  # an item and its head share a segment
    problems = pickle.dumps(k.problems, protocol=pickle.HIGHEST_PROTOCOL) if k.problems else None
    return (folder, name, *k.stat, k.sha, seg, off, length, problems, k.aid, *(k.head or (None, None, None))[1:])


class Segment:
    """A new segment file of the parse cache in ``folder``, items pickled one
    after another as they are added; ``add`` tells where each one went."""

    def __init__(self, folder: Path):
        folder.mkdir(parents=True, exist_ok=True)
        self.name = f"seg-{os.getpid()}-{time.time_ns()}.bin"
        self.path = folder / self.name
        self._fh = open(self.path, "wb")
        self._offset = 0

    def add(self, item: Any) -> tuple[str, int, int]:
        return self.add_pickled(pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL))

    def add_parsed(self, item: Any) -> tuple[tuple[str, int, int], tuple[str, int, int] | None]:
        """A parsed file, and an article's head after it: (where, head's where)."""
        return self.add(item), (self.add(head(item)) if isinstance(item, Article) else None)

    def add_pickled(self, blob: bytes) -> tuple[str, int, int]:
        self._fh.write(blob)
        where = (self.name, self._offset, len(blob))
        self._offset += len(blob)
        return where

    def flush(self) -> None:
        self._fh.flush()

    def close(self) -> None:
        self._fh.close()
        if not self._offset:
            self.path.unlink()


def head(a: Article) -> Article:
    """An article without what only its own page shows: the body (but for
    the words a headline is made of when none is printed), source, review
    flags, credit and dateline. Lists, issues, 版 and feeds are planned from
    heads; a million heads fit in memory where a million bodies would not."""
    headline = a.headline
    # A made-up headline is kept by its words alone, unless they read differently on their own.
    body = "" if a.title or a.kicker else headline if derived_title(headline, "") == headline else a.body
    # Positional, not dataclasses.replace (four times the cost, for every article of every planned build).
    return Article(a.id, a.date, a.page, a.position, a.section, None, a.kind, a.kicker, a.title, a.subtitle,
                   a.bylines, a.photographers, None, None, a.continued_from_page, a.continued_to_page, None, (),
                   body, a.path, a.body_line)


class Scan:
    """An articles folder as read: each file's content hash and problems, and
    the parsed files, unpickled from the cache only when asked for."""

    def __init__(self, files: Mapping[str, str], problems: tuple[Problem, ...], cache: ParseCache,
                 fresh: dict[str, Any], read: dict[str, Known] | None = None):
        self.files = files          # path -> content hash, in path order (a FileHashes; Hashes when named)
        self.problems = problems    # every file's, in path order, then duplicate ids
        self.cache = cache
        self.parsed = fresh         # path -> item parsed in this run (not in the cache's segments yet)
        self.read = read or {}      # path -> what the cache is to record of the files read in this run
        self._archive: Archive | None = None
        self._heads: Archive | None = None
        self._segments: dict[str, int] = {}  # open segment files
        self._folder: tuple[str, dict[str, Any]] = ("\0", {})  # the cache's rows of the folder last asked about
        self.named: tuple[str, ...] | None = None  # scan_named: the files read, all others taken as unchanged

    def known(self, rel: str) -> Known | None:
        hit = self.read.get(rel)
        if hit is not None:
            return hit
        folder, _, name = rel.rpartition("/")
        if self._folder[0] != folder:  # items are mostly asked for in path order: a folder at a time
            self._folder = (folder, self.cache.folder_rows(folder))
        row = self._folder[1].get(name)
        return None if row is None else known(row)

    def item(self, rel: str, heads: bool = False) -> Any:
        """The file's parsed item (None when it could not be parsed); with
        ``heads``, an article as its head (format.head), read alone."""
        if rel in self.parsed:
            item = self.parsed[rel]
            return head(item) if heads and isinstance(item, Article) else item
        known = self.known(rel)
        if known is None or known.where is None:
            return None
        name, offset, length = known.head if heads and known.head is not None else known.where
        return pickle.loads(self.blob(name, offset, length))

    def blob(self, segment: str, offset: int, length: int) -> bytes:
        """Bytes of a segment file of the cache: read where they are (not
        mapped: a first build reads a whole segment, which a mapping would
        count in the build's resident memory)."""
        fd = self._segments.get(segment)
        if fd is None:
            assert self.cache.folder is not None
            fd = self._segments[segment] = os.open(self.cache.folder / segment, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
        return os.pread(fd, length, offset)

    def close(self) -> None:
        for fd in self._segments.values():
            os.close(fd)
        self._segments.clear()

    def __del__(self) -> None:
        self.close()

    def heads(self) -> Archive:
        """The archive as planning sees it: every article as its ``head``, in
        archive order, never all the bodies at once (they are read again, one
        page at a time, when the pages render)."""
        if self._heads is None:
            self._heads = self._collect(heads=True)
        return self._heads

    def archive(self) -> Archive:
        if self._archive is None:
            self._archive = self._collect(heads=False)
        return self._archive

    def _collect(self, heads: bool) -> Archive:
        return self.gather(self.files, heads)

    def gather(self, rels: Iterable[str], heads: bool = True) -> Archive:
        """The articles and page files of ``rels`` (as heads: ``heads``), in
        archive order: a year of a cold build, planned alone."""
        articles: list[Article] = []
        pages: list[PageInfo] = []
        for rel in rels:
            item = self.item(rel, heads)
            if isinstance(item, Article):
                articles.append(item)
            elif item is not None:
                pages.append(item)
        articles.sort(key=lambda a: (a.date, a.page, a.position, a.id))
        pages.sort(key=lambda p: (p.date, p.page))
        return Archive(tuple(articles), tuple(pages), self.problems)



def scan_archive(root: Path, cache: ParseCache | None = None, only: Callable[[str], bool] | None = None,
                 years: tuple[int, int] = DEFAULT_YEARS, under: str = "", spill: Segment | None = None,
                 listed: list[tuple[str, Any]] | None = None, record: bool = False) -> Scan:
    """Read every article and page file under root, collecting all problems at once.

    Files whose path and content hash are in ``cache`` are not parsed again
    (nor read, when their stat is unchanged); what the scan read is in its
    ``read`` (for the cache to record) and ``parsed``. ``only``
    (optional) limits reading to the relative paths it accepts, so several
    processes can each parse a share of a large archive. ``under`` (a
    folder of root, such as a year's "2024") reads that folder alone, without
    walking the rest: a partition build. With ``spill`` every file parsed
    goes straight into that segment of the cache, and none stays in memory;
    with ``record`` too, the rows of the files read go to ``cache`` a batch
    at a time (``read`` stays empty): a parsing child keeps nothing a file.
    """
    old = cache if cache is not None else ParseCache(None, years)
    assert not record or (spill is not None and old.folder is not None)  # rows to record point into the segment
    read: dict[str, Known] = {}
    files = FileHashes()
    fresh: dict[str, Any] = {}
    ids = Ids()  # to find ids used twice, reported after every file's own problems
    if not root.is_dir():
        return Scan(files, (Problem(str(root), 0, "articles folder not found"),), ParseCache(None, years), {})
    entries, walked = _archive_files(str(root), under) if listed is None else (iter(listed), [])
    problems: list[Problem] = []
    here, rows = "\0", {}
    for rel, f in entries:
        if only is not None and not only(rel):
            continue
        folder, _, name = rel.rpartition("/")
        if folder != here:
            here, rows = folder, old.folder_rows(folder)
        raw: bytes | None = None
        st = os.stat(f.path)  # not f.stat(): an entry keeps the stat it made, a million of them stay listed
        sig = (st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns)
        row = rows.get(name)
        if row is not None and row[1:5] == sig:
            digest = row[5]
        else:
            raw = _read(f.path)
            digest = sha256_bytes(raw)
        position = files.add(folder, name, digest)
        if row is not None and row[5] == digest:
            if row[1:5] == sig:  # the common case: nothing to record, nothing to make
                if row[9] is not None:
                    problems.extend(pickle.loads(row[9]))
                if row[10] is not None:
                    ids.add(row[10], position)
                continue
            had = known(row)  # touched, not changed: only its stat is new
            read[rel] = hit = Known(sig, digest, had.where, had.problems, had.aid, had.head)
        else:
            item, found = _parse_file(rel, raw if raw is not None else _read(f.path), years)
            where, head_where = (None, None) if spill is None or item is None else spill.add_parsed(item)
            read[rel] = hit = Known(sig, digest, where, found, item.id if isinstance(item, Article) else None,
                                    head_where)
            if spill is None:
                fresh[rel] = item
        problems.extend(hit.problems)
        if hit.aid is not None:
            ids.add(hit.aid, position)
        if record and len(read) >= RECORD_BATCH:
            _record(old, spill, read)
    if record:
        _record(old, spill, read)
    problems = walked + problems  # the walk's own first, as when the files were listed before they were read
    scan = Scan(files, (), old, fresh, read)
    scan.problems = tuple(problems) + _twins(scan, ids)
    return scan


RECORD_BATCH = 2000  # rows a parsing child records at a time (scan_archive's ``record``)


def _record(cache: ParseCache, spill: Segment | None, read: dict[str, Known]) -> None:
    """The rows read so far put in the cache, and forgotten here; their
    items written out first, so that no row points past the segment's end."""
    if read:
        assert spill is not None
        spill.flush()
        cache.put(read.items())
        read.clear()


def _twins(scan: Scan, ids: Ids) -> tuple[Problem, ...]:
    """A problem for each article whose id an earlier file has."""
    files = scan.files
    assert isinstance(files, FileHashes)

    def aid_at(position: int) -> str | None:
        hit = scan.known(files.at(position))
        return hit.aid if hit is not None else None

    return tuple(Problem(files.at(p), 2, f"duplicate id {aid}: also used by {files.at(first)}")
                 for p, first, aid in ids.twins(aid_at))


class Hashes(Mapping[str, str]):
    """Every file's content hash when a build was told which files changed:
    the named files' as read, every other file's as ``recorded`` (a lookup of
    the last build's record), whose whole table ``every`` gives only if the
    mapping is walked."""

    def __init__(self, read: Mapping[str, str], recorded: Callable[[str], str | None],
                 every: Callable[[], dict[str, str]]):
        self._read, self._recorded, self._every = read, recorded, every

    def __getitem__(self, rel: str) -> str:
        got = self._read.get(rel)
        got = got if got is not None else self._recorded(rel)
        if got is None:
            raise KeyError(rel)
        return got

    def _all(self) -> dict[str, str]:
        return {**self._every(), **self._read}

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())


class _Named:
    """A file named by path, as a folder's listing gives one (its stat)."""

    __slots__ = ("path",)

    def __init__(self, path: str):
        self.path = path

    def stat(self) -> os.stat_result:
        return os.stat(self.path)


def scan_named(root: Path, rels: Iterable[str], cache: ParseCache, recorded: Callable[[str], str | None],
               every: Callable[[], dict[str, str]], years: tuple[int, int] = DEFAULT_YEARS) -> Scan | None:
    """The scan of a build told which files changed (``build --changed``):
    those files alone are read, without walking the archive, and every other
    one is taken to be as the last build recorded it (``Hashes``). None when
    a named file is not an article or page file of root that is there (a
    deleted file, say): then only a scan of the whole archive will do."""
    listed = []
    for rel in sorted(set(rels)):
        path = os.path.join(root, rel)
        if rel.startswith(("../", "/")) or not rel.endswith((".md", ".page.yaml")) or not os.path.isfile(path):
            return None
        listed.append((rel, _Named(path)))
    scan = scan_archive(root, cache, years=years, listed=listed)
    scan.files = Hashes(scan.files, recorded, every)  # type: ignore[assignment]
    scan.named = tuple(rel for rel, _ in listed)
    return scan


def _parse_file(rel: str, raw: bytes,
                years: tuple[int, int] = DEFAULT_YEARS) -> tuple[Article | PageInfo | None, tuple[Problem, ...]]:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, (Problem(rel, line, f"not UTF-8 (byte offset {exc.start}); save the file as UTF-8"),)
    try:
        if rel.endswith(".md"):
            a = parse_article(text, rel, years)
            return a, tuple(lint_article(a))
        return parse_page(text, rel, years), ()
    except FormatError as exc:
        return None, tuple(exc.problems)


def read_archive(root: Path, only: Callable[[str], bool] | None = None,
                 years: tuple[int, int] = DEFAULT_YEARS) -> Archive:
    """Read every article and page file under root, collecting all problems at once."""
    return scan_archive(root, only=only, years=years).archive()


def _archive_files(root: str, under: str = "") -> tuple[Iterator[tuple[str, os.DirEntry[str]]], list[Problem]]:
    """Every article and page file under root as (relative path, entry), in
    path order, and a problem for each one that cannot be read as such. One
    scandir per folder instead of a Path and a stat per file: a rebuild of a
    large archive walks it all just to see what changed. Listed lazily, a
    folder at a time (a million entries held at once take hundreds of MB):
    the problems are all there once the entries have all been read."""
    problems: list[Problem] = []
    real_root = os.path.realpath(root)
    if not under:
        return _walk(root, "", real_root, problems), problems
    if os.path.isdir(os.path.join(root, under)):
        return _walk(os.path.join(root, under), under + "/", real_root, problems), problems
    return iter(()), problems


def archive_name(name: str) -> bool:
    """Whether the scan reads a file of this name: an article or page file, not hidden."""
    return not name.startswith(".") and (name.endswith(".md") or name.endswith(".page.yaml"))


def archive_file(rel: str) -> bool:
    """Whether the scan reads the file of this path (relative to the articles folder)."""
    return archive_name(rel.rpartition("/")[2])


def _walk(folder: str, prefix: str, real_root: str, problems: list[Problem]
          ) -> Iterator[tuple[str, os.DirEntry[str]]]:
    # A function of the module, not a closure of _archive_files: a closure
    # that calls itself is a reference cycle, which (the build runs with the
    # cyclic collector off) would keep whatever it holds alive.
    with os.scandir(folder) as it:
        # Each folder's entries by name, each subfolder walked in its
        # place: path order (as pathlib orders paths, folder by folder)
        # without sorting all the paths by their parts at the end.
        entries = sorted(it, key=lambda e: e.name)
    for e in entries:
        wanted = archive_name(e.name)
        try:
            if e.is_dir() and not e.is_symlink():
                yield from _walk(e.path, prefix + e.name + "/", real_root, problems)
                continue
            if not wanted:
                continue
            if not e.is_file():
                problems.append(Problem(prefix + e.name, 0, "not a regular file; an article or page file "
                                                             "must be one"))
                continue
        except OSError as exc:  # a symlink loop
            if wanted:
                problems.append(Problem(prefix + e.name, 1, f"cannot be read: {exc.strerror or exc}"))
            continue
        if e.is_symlink() and os.path.commonpath([real_root, os.path.realpath(e.path)]) != real_root:
            problems.append(Problem(prefix + e.name, 1, "a link to a file outside the articles folder; "
                                                         "copy the file in instead (it is not published)"))
            continue
        yield prefix + e.name, e


def _read(path: str) -> bytes:
    # os.open and os.read: open() adds an fstat, an ioctl and an lseek per file.
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    try:
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def near_miss(word: str, choices: Iterable[str]) -> str | None:
    """The closest known key to a misspelt one, for 'did you mean' hints."""
    m = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return m[0] if m else None


__all__ = [
    "ARTICLE_KEYS", "Archive", "archive_file", "FormatError", "PAGE_KEYS", "Problem", "article_id", "article_relpath",
    "atomic_write", "lint_article", "near_miss", "page_relpath", "parse_article", "parse_page",
    "Known", "ParseCache", "Scan", "known", "read_archive", "render_article", "render_page", "scan_archive", "sha256_bytes",
    "split_front_matter", "head", "Segment",
]
