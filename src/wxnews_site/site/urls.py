"""Every output path of the site is made here, and only here.

Paths are relative to the site root and use "/" (they double as hrefs). A
page links to another as ``root + path`` where ``root`` is the prefix from the
page back to the site root (``../../../``), so the site works from file://, on
any host and under any sub-path. Links name ``index.html`` explicitly because
file:// has no directory index.

People and sections are named by their Chinese names, never by pinyin or
slugs; characters that could change the meaning of a path (separators, dots,
``%``, ``#``, ``?``, spaces) are spelt ``~xx`` (UTF-8 bytes in hex), which keeps
distinct names distinct and every path inside the output folder.
"""
from __future__ import annotations

import datetime as dt
import functools
import os
import re
from pathlib import Path

from ..model import Article

# Kept as they are; everything else outside letters and digits is spelt ~xx.
_SAFE_MARKS = frozenset("-_·")
# Names that would land on a listing's own index page.
_RESERVED = frozenset({"index"})


@functools.lru_cache(maxsize=None)
def name_part(name: str) -> str:
    """A person or section name as one path component: readable, injective, inert."""
    out: list[str] = []
    for ch in name:
        if ch.isalnum() or ch in _SAFE_MARKS:
            out.append(ch)
        else:
            out.extend(f"~{b:02x}" for b in ch.encode("utf-8"))
    part = "".join(out) or "~"
    # "-2" ends a name's second listing page, so a name ending in -digits is
    # spelt differently from any page of another name.
    if part.lower() in _RESERVED or _ends_like_page_number(part):
        part = "~" + part
    return part


def _ends_like_page_number(part: str) -> bool:
    head, sep, tail = part.rpartition("-")
    return bool(sep and head and tail.isdigit())


# ---------------------------------------------------------------- page paths

# Dates are spelt field by field: strftime costs more than the rest of a
# path, and every story row of every list asks for two or three of these.
# (The year unpadded, as glibc prints %Y.)
def article(a: Article) -> str:
    d = a.date
    return f"{d.year}/{d.month:02d}/{d.day:02d}/{a.page:02d}-{a.position:02d}.html"


def article_at(date: dt.date, page: int, position: int) -> str:
    return f"{date.year}/{date.month:02d}/{date.day:02d}/{page:02d}-{position:02d}.html"


def printed_page(date: dt.date, page: int) -> str:
    """The 版 page: one printed page of one issue."""
    return f"{date.year}/{date.month:02d}/{date.day:02d}/{page:02d}.html"


def issue(date: dt.date) -> str:
    return f"{date.year}/{date.month:02d}/{date.day:02d}/index.html"


def month(year: int, mon: int) -> str:
    return f"{year:04d}/{mon:02d}/index.html"


def year(y: int) -> str:
    return f"{y:04d}/index.html"


def person(name: str, page: int = 0) -> str:
    return _listing("people", name, page)


def section(name: str, page: int = 0) -> str:
    return _listing("sections", name, page)


def section_feed(name: str) -> str:
    return f"sections/{name_part(name)}.xml"


def _listing(folder: str, name: str, page: int) -> str:
    # Page 0 is the newest, the list's own address; older pages are numbered
    # from the oldest (-1 holds the first stories), so a page's address and
    # content never change once newer stories push it back (pages.listing).
    suffix = "" if page <= 0 else f"-{page}"
    return f"{folder}/{name_part(name)}{suffix}.html"


HOME = "index.html"
PEOPLE = "people/index.html"
SECTIONS = "sections/index.html"
ARCHIVE = "archive/index.html"
SEARCH = "search/index.html"
FEED = "feed.xml"
SITEMAP = "sitemap.xml"
SITEMAPS = "sitemaps/"  # the files sitemap.xml indexes
ROBOTS = "robots.txt"
NOT_FOUND = "404.html"
STATIC = "static/"


# ------------------------------------------------------------------- helpers

def sitemap_of(path: str) -> str:
    """The sitemap file listing a page: one a year's folder, one for the
    people's lists, one for the sections', one for the rest (sitemaps/2024.xml,
    sitemaps/people.xml, sitemaps/sections.xml, sitemaps/site.xml). A year of a
    daily paper stays far below the protocol's 50,000 addresses a file, and a
    new day's issue rewrites its year's, the lists' and the rest's, never the
    archive's."""
    top, sep, _rest = path.partition("/")
    group = top if sep and (top.isdigit() or top in ("people", "sections")) else "site"
    return f"{SITEMAPS}{group}.xml"


_DAY_PAGE = re.compile(r"(\d{4})/(\d\d)/(\d\d)/(?:index|\d{2,}-\d{2,})\.html")


def day_of(path: str) -> dt.date | None:
    """The date of an issue's page or an article's page, from its path (the sitemap's lastmod)."""
    m = _DAY_PAGE.fullmatch(path)
    return dt.date(int(m[1]), int(m[2]), int(m[3])) if m else None


def root_for(path: str) -> str:
    """The prefix from the page at ``path`` back to the site root."""
    return "../" * path.count("/")


def inside(out_dir: Path | str, path: str) -> str:
    """The file for ``path`` under out_dir; refuses any path that would leave it.

    A lexical check suffices: the build writes into a folder it has just
    created itself, so no symlink inside it can point elsewhere. Strings, not
    Path objects: this runs for every page of every build.
    """
    if not path or path[0] == "/" or "\\" in path or "\0" in path or \
            any(part in ("", ".", "..") for part in path.split("/")):
        raise ValueError(f"refusing output path outside the site: {path!r}")
    return os.path.join(out_dir, path)
