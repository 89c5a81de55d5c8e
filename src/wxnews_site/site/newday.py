"""A new day's issue: the pages it touches, planned without the rest of the archive.

When every file added since the last build lies on a day after its newest
issue, and no other file changed or went, the rest of the site is as
recorded but for the pages that see the newest issue or count stories:

- the new days' issues, 版 and article pages;
- the issue page of the day before them (its "next issue" link);
- the months of the new days and of the day before (a calendar, a link),
  the years from that day's to the newest, the archive calendar, the home page;
- the section and people indexes (counts, dates);
- the lists of every section and person in the new days: their newest page
  and the numbered pages behind it that the new stories create or renumber
  (pages.listing);
- the site feed and the feeds of those sections; the sitemap.

All of it is planned from the new days' files and the record's tables
(tables.py): a few rows, however large the archive. Every other page keeps
its digest and is linked from the last build.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ..config import SiteConfig
from ..format import Archive, Scan
from ..model import Article, PageInfo
from . import feeds, pages as plan_mod, tables, urls
from .pages import Entry, Issue, Page


@dataclass(frozen=True)
class NewDays:
    """The files added since the last build (all on days after its newest
    issue), those days collected as a site of their own, and the newest
    issue before them."""

    rels: tuple[str, ...]
    site: plan_mod.Site
    before: dt.date


@dataclass(frozen=True)
class Plan:
    pages: list[Page]
    feeds: list[tuple[feeds.FeedSpec, tuple[str, ...]]]  # the feeds that show the new days, with their files
    sections: frozenset[str]                              # whose feeds those are (besides the site's)


def find(added: list[str], scan: Scan, db: Any, config: SiteConfig) -> NewDays | None:
    """The new days, when ``added`` (files new since the last build, nothing
    else changed) are all article and page files of days after the newest
    issue the tables know; else None (the site is planned whole)."""
    if not added or db is None:
        return None
    known = tables.days(db)
    if not known:
        return None
    articles: list[Article] = []
    infos: list[PageInfo] = []
    for rel in added:
        item = scan.item(rel, heads=True)
        if isinstance(item, Article):
            articles.append(item)
        elif isinstance(item, PageInfo):
            infos.append(item)
        else:
            return None  # unreadable: the full plan reports it
        if item.date <= known[-1]:
            return None  # among older days: lists and calendars shift, plan them all
    if not articles or len({a.id for a in articles}) < len(articles) or tables.known_ids(db, (a.id for a in articles)):
        return None
    articles.sort(key=lambda a: (a.date, a.page, a.position, a.id))
    infos.sort(key=lambda p: (p.date, p.page))
    site = plan_mod.collect(Archive(tuple(articles), tuple(infos), ()), config)
    return NewDays(tuple(added), site, known[-1])


def plan(new: NewDays, db: Any, config: SiteConfig) -> Plan:
    """The pages the new days touch (see the module's docstring) and the feeds that show them."""
    site, before = new.site, new.before
    known = tables.days(db)
    issues = site.issues
    have = frozenset(known) | {i.date for i in issues}
    cals = plan_mod.calendars(have, known[0], issues[-1].date)
    sections = _merged(tables.names(db, "section"), site.sections)
    people = _merged(tables.names(db, "person"), site.people)
    out = plan_mod.index_pages(((name, *v) for name, v in sections.items()), ((name, v[0]) for name, v in people.items()))
    out += [plan_mod.home_page(issues[-1], cals), plan_mod.archive_page(cals)]
    years = sorted(cals)
    out += [plan_mod.year_page(cals, y, *plan_mod.neighbours(years, i)) for i, y in enumerate(years)
            if y >= before.year]
    out += _months(db, cals, known, issues, before)
    # The day before keeps its pages but for its issue page's link to the next issue.
    day_before = known[-2] if len(known) > 1 else None
    out.append(plan_mod.issue_page(tables.issues(db, before, before)[0], day_before, issues[0].date))
    articles = {a.id: a for a in site.articles}
    for i, issue in enumerate(issues):
        out.append(plan_mod.issue_page(issue, issues[i - 1].date if i else before,
                                       issues[i + 1].date if i + 1 < len(issues) else None))
        out += plan_mod.day_pages(site, issue, articles, sections.__contains__)
    n = config.pagination.feed
    rels = {a.id: a.path or "" for a in site.articles}
    specs = []
    for name, entries in site.sections.items():
        listed = _list(db, "section", name, entries, rels, sections[name][0] - len(entries), config.pagination.section, n)
        out += plan_mod.listing("section", name, [e for e, _ in listed], config.pagination.section, urls.section,
                                {"feed": urls.section_feed(name)}, total=sections[name][0],
                                older=_older(sections[name][0], len(entries), config.pagination.section))
        specs.append((feeds.section_spec(name, config, tuple(e for e, _ in listed[:n])), tuple(r for _, r in listed[:n])))
    for name, entries in site.people.items():
        listed = _list(db, "person", name, entries, rels, people[name][0] - len(entries), config.pagination.person, 0)
        out += plan_mod.listing("person", name, [e for e, _ in listed], config.pagination.person, urls.person,
                                total=people[name][0], older=_older(people[name][0], len(entries),
                                                                    config.pagination.person))
    newest = sorted(((Entry(site.stories[a.id]), rels[a.id]) for a in site.articles),
                    key=lambda x: (-x[0].story.date.toordinal(), x[0].story.page, x[0].story.position))
    newest += [(Entry(s), rel) for s, rel in tables.newest_stories(db, n)]
    specs.insert(0, (feeds.site_spec(config, tuple(e for e, _ in newest[:n])), tuple(r for _, r in newest[:n])))
    return Plan(out, specs, frozenset(site.sections))


def _merged(recorded: dict[str, tuple[int, dt.date, dt.date]], lists: dict[str, list[Entry]]
            ) -> dict[str, tuple[int, dt.date, dt.date]]:
    """Each list's length, oldest and newest date, with the new days' stories counted in."""
    out = dict(recorded)
    for name, entries in lists.items():
        count, oldest, _newest = out.get(name, (0, entries[-1].story.date, entries[0].story.date))
        out[name] = (count + len(entries), oldest, entries[0].story.date)
    return out


def _older(total: int, added: int, per_page: int) -> int:
    """How many numbered pages behind a list's newest page the added stories
    change: those they create, and the one that names the first of them."""
    return max(1, total // per_page) - max(1, (total - added) // per_page) + 1


def _list(db: Any, kind: str, name: str, entries: list[Entry], rels: dict[str, str], recorded: int, per_page: int,
          feed: int) -> list[tuple[Entry, str]]:
    """The newest of a list, the new days' entries first: as many as its
    changed pages and its feed show."""
    total = recorded + len(entries)
    count = max(1, total // per_page)
    want = total - (count - 1) * per_page + _older(total, len(entries), per_page) * per_page
    want = max(want, feed) - len(entries)
    old = tables.newest_entries(db, kind, name, want) if recorded and want > 0 else []
    return [(e, rels[e.story.id]) for e in entries] + old


def _months(db: Any, cals: plan_mod.Calendars, known: list[dt.date], issues: tuple[Issue, ...], before: dt.date
            ) -> list[Page]:
    """The month pages of the new days and of the day before them."""
    new = plan_mod.months_of(issues)
    months = sorted({(d.year, d.month) for d in known} | set(new))
    out = []
    for i, (y, m) in enumerate(months):
        if (y, m) not in new and (y, m) != (before.year, before.month):
            continue
        start = dt.date(y, m, 1)
        end = dt.date(y + m // 12, m % 12 + 1, 1) - dt.timedelta(days=1)
        listed = (tables.issues(db, start, end) if start <= before else []) + new.get((y, m), [])
        out.append(plan_mod.month_page(cals, y, m, listed, *plan_mod.neighbours(months, i)))
    return out

