"""The archive's model: frozen dataclasses shared by every stage.

Identity is by id, never by slug: an article is named by its date, page (版)
and position on the page; a person by the Chinese name exactly as printed
(after alias merging), so 张伟 and 章伟 stay two people.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

KINDS = ("article", "photo", "continuation")
MAX_PAGE = 999  # ids hold the page in two or three digits (format.ID_RE)
MAX_SOURCE_LINE = 10_000_000  # far beyond any raw page; bounds what "1-100000000000" would cost


@dataclass(frozen=True)
class Source:
    """Where an article came from: the raw file and the 1-based line numbers used."""

    file: str
    lines: tuple[int, ...] = ()

    def describe(self) -> str:
        return f"{self.file}:{format_ranges(self.lines)}" if self.lines else self.file


@dataclass(frozen=True)
class Article:
    id: str
    date: dt.date
    page: int
    position: int
    section: str | None
    paper: str | None
    kind: str
    kicker: str | None
    title: str | None
    subtitle: str | None
    bylines: tuple[str, ...]
    photographers: tuple[str, ...]
    credit: str | None
    dateline: str | None
    continued_from_page: int | None
    continued_to_page: int | None
    source: Source | None
    review: tuple[str, ...]
    body: str
    # Where the article was read from, relative to the articles folder; "" for
    # articles not yet written. Used in error messages and for output paths.
    path: str = ""
    # Line of the first body line in the file, for messages about the body.
    body_line: int = 1

    @property
    def headline(self) -> str:
        """The display title: the printed 主题, else a derived one (photos often have none)."""
        if self.title:
            return self.title
        if self.kicker:
            return self.kicker.rstrip("—-— ")
        return derived_title(self.body, "图片新闻" if self.kind == "photo" else "无题")

    @property
    def headline_printed(self) -> bool:
        """Whether the headline is printed text, not one made up for a story printed without."""
        return bool(self.title or self.kicker)

    @property
    def people(self) -> tuple[tuple[str, str], ...]:
        """(name, role) pairs, role 'byline' or 'photographer', in printed order."""
        return tuple((n, "byline") for n in self.bylines) + tuple(
            (n, "photographer") for n in self.photographers
        )


@dataclass(frozen=True)
class Leftover:
    """Raw text the importer could not place in any article."""

    line: int
    text: str
    reason: str = ""


@dataclass(frozen=True)
class Fold:
    """Characters of one raw line read into ordinary ones: the text layer of a PDF
    set in a CJK font can give a Kangxi radical (⽉) for the character (月)."""

    line: int
    printed: str  # as the raw text has it, "⽉"
    text: str  # what the articles have instead, "月"
    count: int  # how many times on that line


@dataclass(frozen=True)
class PageInfo:
    """One printed page (版) of one issue: its metadata and what belongs to no article."""

    date: dt.date
    page: int
    section: str | None
    paper: str | None
    source: str | None = None
    source_sha256: str | None = None
    credits: tuple[str, ...] = ()
    leftovers: tuple[Leftover, ...] = ()
    # Article file name -> sha256 of the bytes the importer wrote, and
    # "PP.page.yaml#<field>" -> sha256 of a page field's value, so that a
    # re-import can tell an editor's correction from its own output.
    imported: dict[str, str] = field(default_factory=dict)
    folded: tuple[Fold, ...] = ()
    path: str = ""


_CLAUSE_END = re.compile(r"[。！？!?；;，,：:]")
_ONLY_WHEN = re.compile(r"[\d年月日号上下午晚早时分点\s]*")
DERIVED_TITLE_MAX = 40


def derived_title(body: str, label: str) -> str:
    """A caption's first clause as a story's title, whole (never cut short with an
    invented "…"); ``label`` when it is a bare date or too long for a title."""
    first = next((p.strip() for p in body.split("\n\n") if p.strip() and not p.startswith("#")), "")
    clause = _CLAUSE_END.split(first, 1)[0].strip()
    if len(clause) > DERIVED_TITLE_MAX or _ONLY_WHEN.fullmatch(clause):
        return label
    return clause


def page_name(page: int) -> str:
    """'第02版': a 版 by its number, as the paper prints it."""
    return f"第{page:02d}版"


def article_id(date: dt.date, page: int, position: int) -> str:
    """'2024-06-30-02-01': sortable, stable, independent of the headline."""
    return f"{date.isoformat()}-{page:02d}-{position:02d}"


def format_ranges(lines: tuple[int, ...] | list[int]) -> str:
    """[3, 4, 5, 9] -> '3-5,9'."""
    out: list[str] = []
    nums = sorted(set(lines))
    i = 0
    while i < len(nums):
        j = i
        while j + 1 < len(nums) and nums[j + 1] == nums[j] + 1:
            j += 1
        out.append(str(nums[i]) if i == j else f"{nums[i]}-{nums[j]}")
        i = j + 1
    return ",".join(out)


def parse_ranges(text: str) -> tuple[int, ...]:
    """'3-5,9' -> (3, 4, 5, 9); raises ValueError on anything else."""
    out: list[int] = []
    for part in str(text).split(","):
        part = part.strip()
        if not part:
            continue
        if "-" in part:
            a, b = part.split("-", 1)
            lo, hi = _line_number(a), _line_number(b)
            if hi < lo:
                raise ValueError(f"bad range {part!r}")
            out.extend(range(lo, hi + 1))
        else:
            out.append(_line_number(part))
        if len(out) > MAX_SOURCE_LINE:
            raise ValueError(f"more than {MAX_SOURCE_LINE:,} lines")
    return tuple(out)


def _line_number(text: str) -> int:
    text = text.strip()
    if not text.isascii() or not text.isdigit() or len(text) > len(str(MAX_SOURCE_LINE)) \
            or int(text) > MAX_SOURCE_LINE:
        raise ValueError(f"bad line number {text!r}: a whole number up to {MAX_SOURCE_LINE:,}")
    return int(text)
