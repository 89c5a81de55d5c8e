"""A cold build planned and rendered a year at a time, in memory that does not grow with the archive.

A build with no record of the site it replaces plans every page. Planning
the whole site at once holds every article's head and every planned page
(some 6 KB an article: 5 GB at a million). Here the site is planned in
bounded passes over a staging database of the record's tables
(``manifest.staging``):

1. ``group``: every file's issue year and every issue's date, the heads
   unpickled one at a time (4 bytes an article are kept: the file's
   place in the scan's files, under its year);
2. ``Cold.write_tables``: each year collected alone (``pages.collect``:
   its issues, 版, stories and list entries) and its rows written to the
   site's tables; then each name's count (``tables.count_names``);
3. ``Cold.batches``: each year's pages (year, months, issues, 版, articles)
   planned from that year's heads again, then the pages across years
   (indexes, home, archive, lists) from the tables by key, the lists paged
   from their entries as read, in batches of ``ACROSS`` pages;
4. ``Cold.note``: what the workers made of a batch (digests, contexts) goes
   to the staging database as rows, with each year's sitemap file.

A year's pages are the pages a whole plan makes of it: its issues' neighbours
come from every issue's date, its calendars from the archive's (tests compare
the two plans). The record takes the staging tables in its own transaction.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from array import array
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

import jinja2

from ..config import SiteConfig
from ..filetable import FileHashes
from ..format import Problem, Scan
from ..model import Article, PageInfo
from . import feeds, manifest, pages as plan_mod, render, tables, urls
from .pages import Entry, Page

ACROSS = 2000     # pages across years a batch
ENTRIES = 40_000  # and list entries a batch (a list page holds up to twice its pagination's stories)


def finish(pages: Iterable[Page], env: jinja2.Environment, base: str) -> list[Page]:
    """The planned pages as the build renders them: the 404 page served from
    any depth, and the search page when the theme has one."""
    # The 404 page is served at whatever depth the missing URL had, so its
    # links are absolute whenever a base URL is known (also one given on the
    # command line, and one under a sub-path without its closing slash).
    # Its style is inline (in its context, so a changed stylesheet renders it
    # again): from the wrong depth, no relative stylesheet link would load.
    out = [dataclasses.replace(p, root=base or None, context={**p.context, "inline_css": render.static_text("site.css")})
           if p.path == urls.NOT_FOUND else p for p in pages]
    if "search.html" in env.list_templates():
        out.append(Page(urls.SEARCH, "search.html", {}, "search page"))
    return out


class Collisions:
    """Two planned outputs on one path, found as pages are planned (a path
    is kept, not its page: a cold build checks a year's pages at a time)."""

    def __init__(self, fixed: frozenset[str]):
        self.fixed, self.seen = fixed, dict[str, str]()

    def check(self, pages: Iterable[Page]) -> list[Problem]:
        out = []
        for p in pages:
            other = self.seen.get(p.path)
            if other is not None or p.path in self.fixed:
                by = other or "a file the build writes"
                out.append(Problem(p.origin, 1, f"two outputs on one path {p.path}: {by} and {p.origin}"))
            else:
                self.seen[p.path] = p.origin
        return out


@dataclass(frozen=True)
class Groups:
    years: dict[int, array[int]]  # article and page files by their issue's year (places in the scan's files)
    days: list[dt.date]           # every issue's date, oldest first
    files: FileHashes

    def rels(self, year: int) -> list[str]:
        """A year's files, in path order."""
        return [self.files.at(i) for i in self.years[year]]


def group(scan: Scan) -> Groups:
    """Every article and page file by its issue's year (a file's date is
    its own, whatever folder it is in), and every issue's date."""
    files = scan.files
    assert isinstance(files, FileHashes)  # a whole scan's (a cold build never has a named one)
    years: dict[int, array[int]] = defaultdict(lambda: array("I"))
    days: set[dt.date] = set()
    for i, rel in enumerate(files):
        day = _day(scan, rel)
        if day is not None:
            years[day.year].append(i)
            days.add(day)
    return Groups(dict(sorted(years.items())), sorted(days), files)


def _day(scan: Scan, rel: str) -> dt.date | None:
    """A file's issue date; None for one that could not be parsed."""
    known = scan.known(rel)
    if known is not None and known.where is not None and known.aid is not None:
        # An article's id begins with its date (one that does not is an error,
        # and a build with errors plans nothing): its head need not be unpickled.
        return dt.date.fromisoformat(known.aid[:10])
    item = scan.item(rel, heads=True)
    return item.date if isinstance(item, (Article, PageInfo)) else None


@dataclass(frozen=True)
class Batch:
    pages: list[Page]
    year: int | None = None           # whose issues these are; None: pages across years
    rels: tuple[str, ...] = ()        # that year's files
    shapes: dict[str, str] = dataclasses.field(default_factory=dict)  # its articles' shapes (pages.shape)


class Cold:
    """A cold build's plan, a year at a time (see the module's docstring)."""

    def __init__(self, scan: Scan, config: SiteConfig, env: jinja2.Environment, base: str, cache_dir: Path):
        self.scan, self.config, self.env, self.base, self.cache_dir = scan, config, env, base, cache_dir
        self.db = manifest.staging(cache_dir)
        self.db.execute("PRAGMA journal_mode=WAL")  # the search index reads the stories while rows are added
        self.groups = group(scan)
        self.days = self.groups.days
        self.cals = plan_mod.calendars(frozenset(self.days), self.days[0], self.days[-1]) if self.days else {}
        self.months = sorted({(d.year, d.month) for d in self.days})
        self.across: dict[str, list[str]] = defaultdict(list)  # the pages across years by sitemap file
        self.sitemaps: list[str] = []
        self._sections: frozenset[str] = frozenset()

    def count(self) -> int:
        """How many articles the tables hold."""
        return self.db.execute("SELECT COUNT(*) FROM stories").fetchone()[0]

    @property
    def path(self) -> Path:
        return self.cache_dir / manifest.STAGED

    def _year(self, year: int) -> plan_mod.Site:
        return plan_mod.collect(self.scan.gather(self.groups.rels(year)), self.config)

    def write_tables(self) -> None:
        """The site's tables, a year's rows at a time, and each name's count."""
        self.db.execute("BEGIN")
        for year in self.groups.years:
            tables.insert(self.db, self._year(year))
        tables.count_names(self.db)
        self.db.execute("COMMIT")
        self._sections = frozenset(name for name, _count in tables.sorted_names(self.db, "section"))
        self.db.execute("BEGIN")  # the pages' and files' rows, committed by close

    def total(self) -> int:
        """How many pages the plan holds (for the progress bar)."""
        count = self.db.execute("SELECT (SELECT COUNT(*) FROM stories) + (SELECT COUNT(*) FROM printed)").fetchone()[0]
        per = {"section": self.config.pagination.section, "person": self.config.pagination.person}
        lists = sum(max(1, n // per[kind]) for kind in tables.KINDS for _name, n in tables.sorted_names(self.db, kind))
        return count + len(self.days) + len(self.months) + len(self.cals) + lists + 6

    def batches(self) -> Iterator[Batch]:
        """Each year's pages, then the pages across years a batch at a time."""
        for year in self.groups.years:
            site = self._year(year)
            pages = plan_mod.year_pages(self.cals, (year,)) + \
                plan_mod.month_pages(self.cals, plan_mod.months_of(site.issues), self.months)
            pages += plan_mod.issue_pages(site, site.issues, self.days, self._sections.__contains__)
            shapes = {a.path: plan_mod.shape(a) for a in site.articles if a.path}
            yield Batch(pages, year, tuple(self.groups.rels(year)), shapes)
        batch: list[Page] = []
        entries = 0
        for page in self._across():
            batch.append(page)
            entries += len(page.context.get("entries", ()))
            if len(batch) >= ACROSS or entries >= ENTRIES:
                yield Batch(batch)
                batch, entries = [], 0
        yield Batch(batch)

    def _across(self) -> Iterator[Page]:
        """The pages across years: indexes, 404, home, archive, years without an issue, search, the lists."""
        db = self.db
        sections, people = tables.names(db, "section"), tables.names(db, "person")
        fixed = plan_mod.index_pages(((name, *v) for name, v in sections.items()),
                                     ((name, v[0]) for name, v in people.items()))
        fixed.append(Page(urls.NOT_FOUND, "404.html", {}, "404 page", root=self.config.base_url or None))
        latest = tables.issues(db, self.days[-1], self.days[-1])[0]
        fixed += [plan_mod.home_page(latest, self.cals), plan_mod.archive_page(self.cals)]
        fixed += plan_mod.year_pages(self.cals, set(self.cals) - set(self.groups.years))
        yield from finish(fixed, self.env, self.base)
        for kind in tables.KINDS:
            for name, count in tables.sorted_names(db, kind):
                entries = (e for e, _rel in tables.list_entries(db, kind, name))
                yield from plan_mod.list_pages(kind, name, entries, count, self.config)

    def note(self, batch: Batch, digests: dict[str, str], contexts: dict[str, tuple[str, manifest.Where]]
             ) -> dict[str, bytes]:
        """A rendered batch's rows: its pages' digests and its year's files;
        the year's sitemap file, when it is one."""
        self.db.executemany("INSERT INTO pages VALUES (?, ?)", digests.items())
        if batch.year is None:
            for p in batch.pages:
                self.across[urls.sitemap_of(p.path)].append(p.path)
            return {}
        contexts = manifest.compact_contexts(self.cache_dir, contexts)
        files = self.scan.files
        none = (None, (None, None, None))
        self.db.executemany("INSERT INTO files VALUES (?, ?, ?, ?, ?, ?, ?)", (
            (rel, files[rel], batch.shapes.get(rel), page, *where)
            for rel in batch.rels for page, where in (contexts.get(rel, none),)))
        return self._maps(feeds.sitemap_files((p.path for p in batch.pages), self.base))

    def _maps(self, made: dict[str, bytes]) -> dict[str, bytes]:
        self.db.executemany("INSERT INTO sitemaps VALUES (?, ?)", made.items())
        self.sitemaps += made
        return made

    def close(self) -> dict[str, bytes]:
        """The last sitemaps (those across years, and the index of them
        all) and the rows of the files that are no article or page (those
        that could not be parsed), committed for the record to take."""
        made = feeds.sitemap_files((path for paths in self.across.values() for path in paths), self.base)
        self.across.clear()
        out = self._maps(made)
        out.update(self._maps({urls.SITEMAP: feeds.sitemap_index(self.sitemaps, self.base)}))
        self.db.executemany("INSERT OR IGNORE INTO files (rel, sha) VALUES (?, ?)", self.scan.files.items())
        self.db.execute("COMMIT")
        self.db.close()
        return out

    def discard(self) -> None:
        """A failed build's: nothing is recorded."""
        self.db.close()
        self.path.unlink(missing_ok=True)

    def feeds(self) -> list[tuple[feeds.FeedSpec, tuple[str, ...]]]:
        """The site feed and every section's, with their articles' files, from the tables."""
        n = self.config.pagination.feed
        newest = tables.newest_stories(self.db, n)
        out = [(feeds.site_spec(self.config, tuple(Entry(s) for s, _rel in newest)), tuple(r for _s, r in newest))]
        for name in sorted(self._sections):
            listed = tables.newest_entries(self.db, "section", name, n)
            out.append((feeds.section_spec(name, self.config, tuple(e for e, _rel in listed)),
                        tuple(r for _e, r in listed)))
        return out


class TableArticles:
    """The archive's articles, whole and in archive order, read from the
    parse cache in the order of the staging database's stories: the
    re-iterable source the search index is written from (build.WholeArticles
    for a cold build), each iteration on a connection of its own (the
    index's forked children iterate it too)."""

    def __init__(self, scan: Scan, path: Path, count: int):
        self._scan, self._path, self._count = scan, path, count

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[Article]:
        import sqlite3
        db = sqlite3.connect(self._path)
        try:
            yield from map(self._scan.item, tables.story_files(db))
        finally:
            db.close()

