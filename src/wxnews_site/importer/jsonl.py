"""JSON Lines import: structured exports (one story per line) to page drafts.

A record looks like the People's Daily e-paper export::

    {"date": "2026-04-27", "page": 1, "section": "要闻", "kicker": null,
     "title": "…", "subtitle": null, "authors": "本报记者  刘  泉  张云河",
     "body": "第一段\\n第二段", "kind": "article", "captions": ["…"], "order": 3}

``kind`` decides where a record goes: article, photo and continuation become
article files (positions in ``order`` within their page); editor_credit lines
become the page file's credits; advert and other become page leftovers with
that reason, line by line, so nothing is dropped. Every article's ``source``
names the JSON Lines file and the record's line number.
"""
from __future__ import annotations

import datetime as dt
import functools
import json
import re
from pathlib import Path
from typing import Any, Iterable

from ..config import SiteConfig
from ..format import FormatError, Problem, check_year, name_problem, near_miss, sha256_bytes
from ..model import KINDS, Leftover
from .bylines import Credit, lead_credit, parse_authors, parse_credit
from .decode import read_input
from .draft import PageDraft, StoryDraft
from .naming import MAX_PAGE
from .write import PageImport

STORY_KINDS = KINDS
CREDIT_KINDS = ("editor_credit",)
LEFTOVER_KINDS = ("advert", "other")
ALL_KINDS = STORY_KINDS + CREDIT_KINDS + LEFTOVER_KINDS
TEXT_KEYS = ("section", "kicker", "title", "subtitle", "authors", "body", "paper")
RECORD_KEYS = ("date", "page", "kind", "order", "captions") + TEXT_KEYS
# Keys exports carry that say nothing printed: the People's Daily export's
# link to the story online and its feed name. Any other key is an error, so a
# misspelt one (subtitel) is not dropped without a word.
IGNORED_KEYS = ("url", "source", "id")
MAX_LINE_BYTES = 16 << 20  # one story a line: far more than any story
_NUMBER_RE = re.compile(r"[0-9]{1,9}")
# Printed photo credits follow the caption after wide spaces: "…作业。　　李绍军摄（新华社发）".
CAPTION_TAIL_RE = re.compile(r"(?:\u3000|\s{2,})([^\u3000]{2,40})$")


@functools.lru_cache(maxsize=65536)
def _authors(text: str) -> Credit:
    # Bylines repeat across thousands of records; parse each distinct one once.
    return parse_authors(text)


@functools.lru_cache(maxsize=65536)
def _caption_photographers(caption: str) -> tuple[str, ...]:
    m = CAPTION_TAIL_RE.search(caption.strip())
    if not m:
        return ()
    credit = parse_credit(m.group(1))
    return tuple(credit.photographers) if credit else ()


def read_records(data: bytes, name: str) -> tuple[list[tuple[int, dict[str, Any]]], list[Problem]]:
    """(line number, record) for each non-blank line, and a problem for each line that is not a record."""
    problems: list[Problem] = []
    out: list[tuple[int, dict[str, Any]]] = []
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    for n, raw in enumerate(data.split(b"\n"), start=1):
        if not raw.strip():
            continue
        rec, wrong = _record(raw)
        if wrong is not None:
            problems.append(Problem(name, n, wrong))
        else:
            out.append((n, rec))
    return out, problems


def _record(raw: bytes) -> tuple[Any, str | None]:
    """One line as a record, or why it is not one."""
    if len(raw) > MAX_LINE_BYTES:
        return None, f"a line of {len(raw):,} bytes: more than the {MAX_LINE_BYTES:,} a story may take"
    try:
        rec = json.loads(raw)
    except UnicodeDecodeError as exc:
        return None, f"not UTF-8 (byte {exc.start} of the line)"
    except json.JSONDecodeError as exc:
        return None, f"not valid JSON at column {exc.colno}: {exc.msg}"
    except ValueError as exc:  # an integer of thousands of digits
        return None, f"not a usable record: {exc}"
    except RecursionError:
        return None, "not a usable record: values nested too deeply"
    if not isinstance(rec, dict):
        return None, "each line must be a JSON object {date, page, title, body, ...}"
    unknown = [k for k in rec if k not in RECORD_KEYS and k not in IGNORED_KEYS]
    if unknown:
        hint = near_miss(unknown[0], RECORD_KEYS)
        return None, f"unknown key '{unknown[0]}'" + (f" (did you mean '{hint}'?)" if hint else
                                                      f"; a record has {', '.join(RECORD_KEYS)}")
    if any(_has_surrogate(v) for v in rec.values()):
        return None, "a text holds a lone surrogate escape (\\ud800-\\udfff), which is no character: fix the export"
    return rec, None


def _has_surrogate(value: Any) -> bool:
    if isinstance(value, str):
        return not value.isascii() and any("\ud800" <= ch <= "\udfff" for ch in value)
    if isinstance(value, list):
        return any(_has_surrogate(v) for v in value)
    return False


def _text(rec: dict, key: str) -> str | None:
    v = rec.get(key)
    if v is None:
        return None
    v = str(v).strip()
    return v or None


def _lines(*values: str | None) -> list[str]:
    return [ln.strip() for v in values if v for ln in v.split("\n") if ln.strip()]


def _check(rec: dict, name: str, n: int, problems: list[Problem],
           years: tuple[int, int]) -> tuple[dt.date, int, str] | None:
    """Validate one record's keys; append problems and return None when it cannot be placed."""
    bad = len(problems)
    date = rec.get("date")
    try:
        date = dt.date.fromisoformat(str(date))
    except ValueError:
        problems.append(Problem(name, n, f"bad or missing 'date' {str(rec.get('date'))[:40]!r}: use YYYY-MM-DD"))
    else:
        if wrong := check_year(date, years):
            problems.append(Problem(name, n, wrong))
    page = rec.get("page")
    if isinstance(page, str) and _NUMBER_RE.fullmatch(page.strip()):
        page = int(page)
    if isinstance(page, bool) or not isinstance(page, int) or not 1 <= page <= MAX_PAGE:
        problems.append(Problem(name, n, f"bad or missing 'page' {rec.get('page')!r}: a page number from 1 to {MAX_PAGE}"))
    kind = rec.get("kind") or "article"
    if not isinstance(kind, str) or kind not in ALL_KINDS:
        problems.append(Problem(name, n, f"unknown kind {str(kind)[:40]!r}: use one of {', '.join(ALL_KINDS)}"))
    for key in TEXT_KEYS:
        if rec.get(key) is not None and (isinstance(rec[key], bool) or not isinstance(rec[key], (str, int, float))):
            problems.append(Problem(name, n, f"'{key}' must be text or null"))
    if isinstance(rec.get("section"), str) and (wrong := name_problem("section", rec["section"].strip())):
        problems.append(Problem(name, n, wrong))
    caps = rec.get("captions")
    if caps is not None and not (isinstance(caps, list) and all(isinstance(c, str) for c in caps)):
        problems.append(Problem(name, n, "'captions' must be a list of texts or null"))
    order = rec.get("order")
    if order is not None and (isinstance(order, bool) or not isinstance(order, (int, str))
                              or not _NUMBER_RE.fullmatch(str(order).strip())):
        problems.append(Problem(name, n, f"'order' must be a whole number, not {str(order)[:40]!r}"))
    if len(problems) > bad:
        return None
    return date, page, kind


def _story(rec: dict, kind: str, n: int) -> StoryDraft:
    captions = [c.strip() for c in rec.get("captions") or [] if c and c.strip()]
    paragraphs = _lines(_text(rec, "body")) + captions
    bylines: tuple[str, ...] = ()
    photographers: tuple[str, ...] = ()
    credit = _text(rec, "authors")
    dateline = None
    review: list[str] = []
    if credit:
        parsed = _authors(credit)
        bylines, photographers, dateline = tuple(parsed.bylines), tuple(parsed.photographers), parsed.dateline
    if dateline is None and paragraphs:
        # "本报北京4月26日电  （记者谷业凯）…": the dateline stays in the paragraph too,
        # and its names stand in for an authors field that has none ("本报记者").
        lead = lead_credit(paragraphs[0])
        if lead is not None:
            dateline = lead.dateline
            if not bylines and not photographers:
                bylines, photographers = tuple(lead.bylines), tuple(lead.photographers)
    if credit and not bylines and not photographers:
        review.append(f"byline not understood: {credit}")
    for cap in captions:
        photographers += tuple(p for p in _caption_photographers(cap) if p not in photographers)
    title = _text(rec, "title")
    if not title and kind == "article":
        review.append("no title")
    if not paragraphs:
        review.append("no body text")
    return StoryDraft(
        kind=kind, kicker=_text(rec, "kicker"), title=title, subtitle=_text(rec, "subtitle"),
        paragraphs=tuple(paragraphs), bylines=bylines, photographers=photographers, credit=credit,
        dateline=dateline, lines=(n,), review=tuple(review),
    )


def pages_from_records(
    records: Iterable[tuple[int, dict[str, Any]]], source: str, *, config: SiteConfig,
    paper: str | None = None, source_sha256: str | None = None, problems: list[Problem] | None = None,
) -> list[PageImport]:
    """Group records by (date, page) and turn each page into a PageImport, in date and page order.

    Raises FormatError listing every bad record, after any `problems` already found.
    """
    problems = list(problems or [])
    grouped: dict[tuple[dt.date, int], list[tuple[int, int, dict, str]]] = {}
    for n, rec in records:
        checked = _check(rec, source, n, problems, config.years)
        if checked is None:
            continue
        date, page, kind = checked
        order = int(rec["order"]) if rec.get("order") is not None else 0
        grouped.setdefault((date, page), []).append((order, n, rec, kind))
    if problems:
        raise FormatError(problems)
    out: list[PageImport] = []
    for (date, page), items in sorted(grouped.items()):
        items.sort(key=lambda t: (t[0], t[1]))
        stories: list[StoryDraft] = []
        credits: list[str] = []
        leftovers: list[Leftover] = []
        section = None
        rec_paper = None
        for _, n, rec, kind in items:
            section = section or _text(rec, "section")
            rec_paper = rec_paper or _text(rec, "paper")
            if kind in STORY_KINDS:
                stories.append(_story(rec, kind, n))
            elif kind in CREDIT_KINDS:
                credits.extend(_lines(*(_text(rec, k) for k in ("kicker", "title", "subtitle", "authors", "body"))))
            else:
                texts = _lines(*(_text(rec, k) for k in ("kicker", "title", "subtitle", "authors", "body")))
                texts += [c.strip() for c in rec.get("captions") or [] if c and c.strip()]
                leftovers.extend(Leftover(n, t, kind) for t in texts)
        out.append(PageImport(
            date=date, page=page, section=config.section_for(date, page, section),
            paper=paper or rec_paper or config.paper, source=source, source_sha256=source_sha256,
            draft=PageDraft(stories=tuple(stories), credits=tuple(credits), leftovers=tuple(leftovers)),
        ))
    return out


def load_jsonl(path: Path, *, config: SiteConfig, paper: str | None = None) -> list[PageImport]:
    """Read a JSON Lines file into pages; FormatError names every bad line."""
    data = read_input(path)
    records, problems = read_records(data, path.name)
    return pages_from_records(
        records, path.name, config=config, paper=paper, source_sha256=sha256_bytes(data), problems=problems,
    )
