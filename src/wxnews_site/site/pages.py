"""From articles to the plan of the site: what pages exist and what each shows.

``collect`` turns the archive into issues, 版, sections and people; ``plan``
turns that into ``Page`` records (output path, template, context). Contexts
hold only plain data (``Story`` teasers, dates, names), so a page's content
hash — the key of incremental builds — is a hash of its context.

Sections and people are the same thing to the site: a named, paginated,
newest-first list of stories. One ``listing`` generator serves both.
"""
from __future__ import annotations

import bisect
import datetime as dt
import difflib
import hashlib
import itertools
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, Sequence

from ..config import SiteConfig
from ..format import Archive
from ..model import Article, PageInfo, page_name
from . import dates, urls

ROLE_LABELS = {"byline": "文", "photographer": "摄"}


@dataclass(frozen=True)
class Story:
    """What a list shows of an article (no body), with a key that changes when it does."""

    id: str
    date: dt.date
    page: int
    position: int
    kind: str
    kicker: str | None
    headline: str
    subtitle: str | None
    bylines: tuple[str, ...]
    photographers: tuple[str, ...]
    section: str | None
    key: str = field(default="", compare=False)

    @property
    def url(self) -> str:
        return urls.article_at(self.date, self.page, self.position)

    # A story list shows Stories or Entries: a Story is its own story, with no role.
    @property
    def story(self) -> Story:
        return self

    @property
    def role(self) -> str:
        return ""


@dataclass(frozen=True)
class PageRef:
    """A 版 as other pages name and link it, without its stories."""

    date: dt.date
    page: int
    section: str | None

    @property
    def url(self) -> str:
        return urls.printed_page(self.date, self.page)


@dataclass(frozen=True)
class PrintedPage:
    """One 版 of one issue: its number, name, editor credits and stories in page order."""

    date: dt.date
    page: int
    section: str | None
    credits: tuple[str, ...]
    stories: tuple[Story, ...]

    @property
    def url(self) -> str:
        return urls.printed_page(self.date, self.page)

    @property
    def ref(self) -> PageRef:
        return PageRef(self.date, self.page, self.section)


@dataclass(frozen=True)
class Issue:
    date: dt.date
    pages: tuple[PrintedPage, ...]

    @property
    def front(self) -> PrintedPage:
        """头版: page 1, else the lowest page in the archive."""
        return self.pages[0]

    @property
    def url(self) -> str:
        return urls.issue(self.date)

    @property
    def refs(self) -> tuple[PageRef, ...]:
        return tuple(p.ref for p in self.pages)


@dataclass(frozen=True)
class IssueSummary:
    """An issue as a month's list shows it: its 版 and the front page's first headlines."""

    date: dt.date
    pages: tuple[PageRef, ...]
    headlines: tuple[Story, ...]

    @property
    def url(self) -> str:
        return urls.issue(self.date)


@dataclass(frozen=True)
class Entry:
    """A row of a listing: the story and, on person pages, the role (文, 摄, 文/摄)."""

    story: Story
    role: str = ""


@dataclass(frozen=True)
class Pager:
    """Where a listing page stands. ``number`` counts from the oldest page;
    ``count`` (how many pages there are) is on the newest page alone, the
    only one whose content a new issue may change; ``prev`` is the newer
    page, ``next`` the older one (a list reads from new to old)."""

    number: int
    count: int | None
    prev: str | None
    next: str | None


@dataclass(frozen=True)
class Page:
    path: str
    template: str
    context: dict[str, Any]
    # What made the page, for messages about two pages on one path.
    origin: str
    # Root prefix override (the 404 page is served from any depth).
    root: str | None = None


@dataclass(frozen=True)
class Site:
    articles: tuple[Article, ...]
    stories: dict[str, Story]
    issues: tuple[Issue, ...]
    sections: dict[str, list[Entry]]
    people: dict[str, list[Entry]]
    jump_from: dict[str, str]  # continuation id -> first part id
    jump_to: dict[str, str]    # first part id -> continuation id
    first: dt.date | None
    last: dt.date | None


# ------------------------------------------------------------------ collect

def _story(a: Article, section: str | None) -> Story:
    # The key hashes the fields as a plain tuple: one frozen dataclass built
    # per story, not two (this runs for every article of every build).
    values = (a.id, a.date, a.page, a.position, a.kind, a.kicker, a.headline, a.subtitle,
              a.bylines, a.photographers, section)
    return Story(*values, key=hashlib.sha1(repr(values).encode("utf-8")).hexdigest()[:16])


def newest_first(entries: Iterable[Entry]) -> list[Entry]:
    # Newest issue first; within an issue, in page order as printed.
    out = sorted(entries, key=lambda e: (e.story.page, e.story.position))
    out.sort(key=lambda e: e.story.date, reverse=True)
    return out


def collect(archive: Archive, config: SiteConfig) -> Site:
    infos: dict[tuple[dt.date, int], PageInfo] = {(p.date, p.page): p for p in archive.pages}
    by_page: dict[tuple[dt.date, int], list[Story]] = defaultdict(list)
    stories: dict[str, Story] = {}
    sections: dict[str, list[Entry]] = defaultdict(list)
    people: dict[str, list[Entry]] = defaultdict(list)
    for a in archive.articles:
        info = infos.get((a.date, a.page))
        printed = a.section or (info.section if info else None)
        s = _story(a, config.section_for(a.date, a.page, printed))
        stories[a.id] = s
        by_page[(a.date, a.page)].append(s)
        # A 版 without a 版名 is listed by its number (第02版), as the search filters it.
        sections[s.section or page_name(a.page)].append(Entry(s))
        roles: dict[str, list[str]] = {}
        for name, role in a.people:
            roles.setdefault(config.canonical_person(name), []).append(ROLE_LABELS[role])
        for name, labels in roles.items():
            people[name].append(Entry(s, "/".join(dict.fromkeys(labels))))

    issues: dict[dt.date, list[PrintedPage]] = defaultdict(list)
    for key in sorted(set(by_page) | set(infos)):
        date, page = key
        info = infos.get(key)
        page_stories = tuple(by_page.get(key, ()))
        printed = (info.section if info else None) or next((s.section for s in page_stories if s.section), None)
        issues[date].append(PrintedPage(date, page, config.section_for(date, page, printed),
                                        info.credits if info else (), page_stories))
    issue_list = tuple(Issue(d, tuple(ps)) for d, ps in sorted(issues.items()))
    jump_from, jump_to = match_jumps(archive.articles)
    return Site(
        articles=archive.articles, stories=stories, issues=issue_list,
        sections={k: newest_first(v) for k, v in sorted(sections.items())},
        people={k: newest_first(v) for k, v in sorted(people.items())},
        jump_from=jump_from, jump_to=jump_to,
        first=issue_list[0].date if issue_list else None,
        last=issue_list[-1].date if issue_list else None,
    )


def match_jumps(articles: Iterable[Article]) -> tuple[dict[str, str], dict[str, str]]:
    """Pair each continuation ("上接第1版") with its first part ("下转第2版").

    The first part is on the page jumped from, same date; it should say it
    jumps to this page, and usually prints the same title. Without a title the
    closest headline wins, so a misprint in one half still links the two.
    """
    by_page: dict[tuple[dt.date, int], list[Article]] = defaultdict(list)
    for a in articles:
        by_page[(a.date, a.page)].append(a)
    jump_from: dict[str, str] = {}
    jump_to: dict[str, str] = {}
    for a in (a for page in by_page.values() for a in page):
        if a.continued_from_page is None:
            continue
        candidates = [b for b in by_page.get((a.date, a.continued_from_page), ())
                      if b.continued_to_page == a.page and b.id not in jump_to]
        if not candidates:
            continue
        same = [b for b in candidates if a.title and b.title == a.title]
        best = same[0] if same else max(
            candidates, key=lambda b: difflib.SequenceMatcher(None, a.headline, b.headline).ratio())
        jump_from[a.id] = best.id
        jump_to[best.id] = a.id
    return jump_from, jump_to


# --------------------------------------------------------------------- plan

def listing(kind: str, name: str, entries: list[Entry], per_page: int,
            path_for: Callable[[str, int], str], extra: dict[str, Any] | None = None,
            total: int | None = None, older: int | None = None) -> list[Page]:
    """The paginated list of one section or one person, newest first.

    Pages are cut from the oldest story: ``name-1.html`` holds the first
    ``per_page`` stories ever listed, ``name-2.html`` the next ones, and the
    newest page, at the list's own address ``name.html``, the rest (from
    ``per_page`` to twice as many, so that it is never nearly empty). A new
    day's issue changes the newest page alone (and, when that page splits,
    the one before, whose newer neighbour it names): every older page keeps
    its address and its bytes, and a rebuild never renders it again.

    ``entries`` may be the newest of the list alone when ``total`` says how
    long it is: then the newest page and the ``older`` numbered pages behind
    it are made (those a new day's issue may change), never the rest."""
    return list(listing_pages(kind, name, iter(entries), len(entries) if total is None else total, per_page,
                              path_for, extra, older))


def listing_pages(kind: str, name: str, entries: Iterator[Entry], total: int, per_page: int,
                  path_for: Callable[[str, int], str], extra: dict[str, Any] | None = None,
                  older: int | None = None) -> Iterator[Page]:
    """``listing``'s pages one at a time from the list's entries, newest
    first, as they are read: a cold build pages a list of any length from
    the site's tables holding one page's entries at a time."""
    count = max(1, total // per_page)
    newest = total - (count - 1) * per_page
    yield Page(path_for(name, 0), "listing.html", {
        "kind": kind, "name": name, "entries": list(itertools.islice(entries, newest)), "total": total,
        "pager": Pager(count, count, None, path_for(name, count - 1) if count > 1 else None), **(extra or {})},
        f"{kind} {name!r}")
    last = 0 if older is None else max(0, count - 1 - older)
    for n in range(count - 1, last, -1):
        newer = path_for(name, n + 1 if n + 1 < count else 0)
        pager = Pager(n, None, newer, path_for(name, n - 1) if n > 1 else None)
        ctx = {"kind": kind, "name": name, "entries": list(itertools.islice(entries, per_page)), "total": None,
               "pager": pager, **(extra or {})}
        yield Page(path_for(name, n), "listing.html", ctx, f"{kind} {name!r}")


Calendars = dict[int, tuple[dates.Month, ...]]


def calendars(have: frozenset[dt.date], first: dt.date, last: dt.date, years: Iterable[int] | None = None
              ) -> Calendars:
    """Calendars of every month of the archived years (or of ``years``):
    days with an issue, days without one, and days outside what the archive
    holds."""
    return {
        y: tuple(dates.month_grid(y, m, have, first, last) for m in range(1, 13))
        for y in (range(first.year, last.year + 1) if years is None else years)
    }


def neighbours(seq: Sequence[Any], i: int) -> tuple[Any, Any]:
    return (seq[i - 1] if i > 0 else None, seq[i + 1] if i + 1 < len(seq) else None)


def index_pages(sections: Iterable[tuple[str, int, dt.date, dt.date]], people: Iterable[tuple[str, int]]
                ) -> list[Page]:
    """The section index ((name, stories, oldest, newest) by name) and the
    people index (name and stories, most first)."""
    return [Page(urls.SECTIONS, "sections.html", {"sections": tuple(sorted(sections))}, "section index"),
            Page(urls.PEOPLE, "people.html", {"people": tuple(sorted(people, key=lambda x: (-x[1], x[0])))},
                 "people index")]


def home_page(latest: Issue, cals: Calendars) -> Page:
    return Page(urls.HOME, "home.html", {
        "date": latest.date, "front": latest.front, "pages": latest.refs,
        "month": cals[latest.date.year][latest.date.month - 1],
        "years": tuple((y, tuple(m for m in ms if m.issues)) for y, ms in sorted(cals.items(), reverse=True)),
    }, "home page")


def archive_page(cals: Calendars) -> Page:
    return Page(urls.ARCHIVE, "calendars.html", {
        "heading": "往期回顾", "years": tuple(sorted(cals.items(), reverse=True)), "prev": None, "next": None,
    }, "archive calendar")


def year_page(cals: Calendars, y: int, prev_y: int | None, next_y: int | None) -> Page:
    return Page(urls.year(y), "calendars.html", {
        "heading": f"{y}年", "years": ((y, cals[y]),),
        "prev": (urls.year(prev_y), f"{prev_y}年") if prev_y else None,
        "next": (urls.year(next_y), f"{next_y}年") if next_y else None,
    }, f"year {y}")


def month_page(cals: Calendars, y: int, m: int, issues: Iterable[Issue], prev_m: tuple[int, int] | None,
               next_m: tuple[int, int] | None) -> Page:
    return Page(urls.month(y, m), "month.html", {
        "month": cals[y][m - 1],
        "issues": tuple(IssueSummary(i.date, i.refs, i.front.stories[:3]) for i in issues),
        "prev": (urls.month(*prev_m), dates.cn_month(*prev_m)) if prev_m else None,
        "next": (urls.month(*next_m), dates.cn_month(*next_m)) if next_m else None,
    }, f"month {y}-{m:02d}")


def issue_page(issue: Issue, prev: dt.date | None, next_: dt.date | None) -> Page:
    return Page(urls.issue(issue.date), "issue.html", {"issue": issue, "prev": prev, "next": next_},
                f"issue {issue.date}")


def day_pages(site: Site, issue: Issue, articles: dict[str, Article], listed: Callable[[str], bool]) -> list[Page]:
    """An issue's 版 pages and article pages; ``listed``: whether a section has a listing."""
    out: list[Page] = []
    present = frozenset(p.page for p in issue.pages)
    for j, pp in enumerate(issue.pages):
        prev_p, next_p = neighbours(issue.pages, j)
        # A 版 named only by its page file (广告, say) has no section page to link to.
        name = pp.section or page_name(pp.page)
        out.append(Page(pp.url, "page.html", {"pp": pp, "prev": prev_p and prev_p.ref, "next": next_p and next_p.ref,
                                              "listing": name if listed(name) else None},
                        f"page {pp.page} of {issue.date}"))
        for k, s in enumerate(pp.stories):
            out.append(_article_page(site, articles[s.id], pp, k, present))
    return out


def months_of(issues: Iterable[Issue]) -> dict[tuple[int, int], list[Issue]]:
    by_month: dict[tuple[int, int], list[Issue]] = defaultdict(list)
    for issue in issues:
        by_month[(issue.date.year, issue.date.month)].append(issue)
    return by_month


def plan(site: Site, config: SiteConfig) -> list[Page]:
    # The indexes exist even for an empty archive: every page links to them.
    pages = index_pages(((name, len(es), es[-1].story.date, es[0].story.date) for name, es in site.sections.items()),
                        ((name, len(es)) for name, es in site.people.items()))
    pages.append(Page(urls.NOT_FOUND, "404.html", {}, "404 page", root=config.base_url or None))
    if not site.issues:
        pages += [Page(urls.HOME, "home.html", {"date": None, "front": None, "pages": (), "month": None, "years": ()},
                       "home page"),
                  Page(urls.ARCHIVE, "calendars.html", {"heading": "往期回顾", "years": (), "prev": None, "next": None},
                       "archive calendar")]
        return pages
    assert site.first and site.last
    days = [i.date for i in site.issues]
    cals = calendars(frozenset(days), site.first, site.last)
    # Contexts name other pages by reference only (PageRef, IssueSummary), so
    # that a story's change re-renders the pages that show it and no others.
    pages += [home_page(site.issues[-1], cals), archive_page(cals), *year_pages(cals)]
    by_month = months_of(site.issues)
    pages += month_pages(cals, by_month, sorted(by_month))
    pages += issue_pages(site, site.issues, days, site.sections.__contains__)
    for kind, lists in (("section", site.sections), ("person", site.people)):
        for name, entries in lists.items():
            pages.extend(list_pages(kind, name, iter(entries), len(entries), config))
    return pages


def year_pages(cals: Calendars, only: Iterable[int] | None = None) -> list[Page]:
    """The calendar pages of the years ``only`` (all of them: None), each linking its neighbours."""
    years = sorted(cals)
    wanted = set(years if only is None else only)
    return [year_page(cals, y, *neighbours(years, i)) for i, y in enumerate(years) if y in wanted]


def month_pages(cals: Calendars, by_month: dict[tuple[int, int], list[Issue]], months: Sequence[tuple[int, int]]
                ) -> list[Page]:
    """The pages of the months of ``by_month`` (their issues); ``months``:
    every month with an issue, in order, whose neighbours they link."""
    at = {ym: i for i, ym in enumerate(months)}
    return [month_page(cals, y, m, by_month[(y, m)], *neighbours(months, at[(y, m)])) for y, m in sorted(by_month)]


def issue_pages(site: Site, issues: Iterable[Issue], days: Sequence[dt.date], listed: Callable[[str], bool]
                ) -> Iterator[Page]:
    """The issues' pages with their 版 and article pages; ``days``: every
    issue's date in order, whose neighbours the issue pages link."""
    articles = {a.id: a for a in site.articles}
    for issue in issues:
        prev_i, next_i = neighbours(days, bisect.bisect_left(days, issue.date))
        yield issue_page(issue, prev_i, next_i)
        yield from day_pages(site, issue, articles, listed)


def list_pages(kind: str, name: str, entries: Iterator[Entry], total: int, config: SiteConfig) -> Iterator[Page]:
    """A section's or person's (``kind``) list pages, as the site paginates and links them."""
    if kind == "section":
        return listing_pages(kind, name, entries, total, config.pagination.section, urls.section,
                             {"feed": urls.section_feed(name)})
    return listing_pages(kind, name, entries, total, config.pagination.person, urls.person)


def _article_page(site: Site, a: Article, pp: PrintedPage, k: int, present: frozenset[int]) -> Page:
    prev_s, next_s = neighbours(pp.stories, k)
    return Page(pp.stories[k].url, "article.html", {
        "article": a, "story": pp.stories[k], "pp": pp.ref, "prev": prev_s, "next": next_s,
        "others": pp.stories[:k] + pp.stories[k + 1:],
        "jump_from": site.stories.get(site.jump_from.get(a.id, "")),
        "jump_to": site.stories.get(site.jump_to.get(a.id, "")),
        "from_page": a.continued_from_page if a.continued_from_page in present else None,
        "to_page": a.continued_to_page if a.continued_to_page in present else None,
    }, a.path or a.id)


def article_pages(site: Site, ids: frozenset[str] | set[str]) -> list[Page]:
    """The article pages of the given articles exactly as ``plan`` makes them,
    without planning the rest of the site (a rebuild after body edits)."""
    articles = {a.id: a for a in site.articles if a.id in ids}
    out: list[Page] = []
    for issue in site.issues:
        present: frozenset[int] | None = None
        for pp in issue.pages:
            for k, s in enumerate(pp.stories):
                if s.id in articles:
                    present = present or frozenset(p.page for p in issue.pages)
                    out.append(_article_page(site, articles[s.id], pp, k, present))
    return out


def shape(a: Article) -> str:
    """A hash of everything planning uses of an article: every field but the
    body, and the headline (derived from the body when nothing is printed).

    Two versions of a file with the same shape give the same plan, so the
    site differs only in the article's own page and the feeds that show it."""
    values = tuple(getattr(a, f) for f in _SHAPE_FIELDS) + (a.headline,)
    return hashlib.sha1(repr(values).encode("utf-8")).hexdigest()


# What planning is given of an article (format.head keeps these and the headline).
_SHAPE_FIELDS = tuple(f for f in Article.__dataclass_fields__
                      if f not in ("body", "paper", "credit", "dateline", "source", "review"))
