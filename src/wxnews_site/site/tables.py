"""The site's compact tables, kept in the build's record (manifest.sqlite).

What planning a new day's issue needs of the rest of the archive, so that
such a rebuild reads a few rows instead of unpickling every article's head
and planning the whole site (newday.py):

- ``stories``: one row an article: its ``Story`` as lists show it, its file
  and its place (date, 版, position);
- ``printed``: one row a 版 of an issue: its 版名 and editor credits;
- ``entries``: one row a story of a section's or a person's list, with the
  role shown (文, 摄);
- ``names``: one row a section or person: how many stories it lists, the
  oldest and the newest date.

Lists read newest first, so their rows are keyed by the negated date
(``nd``): the first rows of an index are the newest. A full plan writes the
tables anew, a new day's issue adds its rows, and a body edit (which changes
no story) leaves them as they are. They are written in the record's own
transaction, so they always describe the site the record describes.
"""
from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from typing import Any, Iterable, Iterator

from .pages import Entry, Issue, PrintedPage, Site, Story

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS stories (id TEXT PRIMARY KEY, nd INT, page INT, position INT, rel TEXT, "
    "story TEXT) WITHOUT ROWID",
    "CREATE INDEX IF NOT EXISTS stories_newest ON stories (nd, page, position, id)",
    "CREATE TABLE IF NOT EXISTS printed (nd INT, page INT, section TEXT, credits TEXT, "
    "PRIMARY KEY (nd, page)) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS entries (kind TEXT, name TEXT, nd INT, page INT, position INT, id TEXT, role TEXT, "
    "PRIMARY KEY (kind, name, nd, page, position, id)) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS names (kind TEXT, name TEXT, count INT, oldest INT, newest INT, "
    "PRIMARY KEY (kind, name)) WITHOUT ROWID",
)
KINDS = ("section", "person")


def create(db: Any) -> None:
    for statement in SCHEMA:
        db.execute(statement)


def _nd(d: dt.date) -> int:
    return -d.toordinal()


def _date(nd: int) -> dt.date:
    return dt.date.fromordinal(-nd)


def _story_row(s: Story, rel: str | None) -> tuple[Any, ...]:
    story = json.dumps([s.kind, s.kicker, s.headline, s.subtitle, s.bylines, s.photographers, s.section, s.key],
                       ensure_ascii=False, separators=(",", ":"))
    return (s.id, _nd(s.date), s.page, s.position, rel, story)


def _story(row: tuple[Any, ...]) -> Story:
    sid, nd, page, position, story = row
    kind, kicker, headline, subtitle, bylines, photographers, section, key = json.loads(story)
    return Story(sid, _date(nd), page, position, kind, kicker, headline, subtitle, tuple(bylines),
                 tuple(photographers), section, key=key)


def _rows(site: Site) -> Iterator[tuple[str, tuple[Any, ...]]]:
    """Every row the site gives, as (table, row)."""
    rels = {a.id: a.path for a in site.articles}
    for issue in site.issues:
        for pp in issue.pages:
            yield "printed", (_nd(pp.date), pp.page, pp.section, json.dumps(pp.credits, ensure_ascii=False))
            for s in pp.stories:
                yield "stories", _story_row(s, rels.get(s.id))
    for kind, lists in (("section", site.sections), ("person", site.people)):
        for name, entries in lists.items():
            for e in entries:
                s = e.story
                yield "entries", (kind, name, _nd(s.date), s.page, s.position, s.id, e.role)


_INSERT = {"stories": "INSERT OR REPLACE INTO stories VALUES (?, ?, ?, ?, ?, ?)",
           "printed": "INSERT OR REPLACE INTO printed VALUES (?, ?, ?, ?)",
           "entries": "INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?, ?, ?, ?)"}


def insert(db: Any, site: Site) -> None:
    """Add the stories, 版 and list entries of ``site`` (a whole site, new
    days, or one year's issues of a cold build): rows, not names' counts."""
    batches: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    for table, row in _rows(site):
        batch = batches[table]
        batch.append(row)
        if len(batch) >= 10000:  # bounded: a million articles' rows never in memory at once
            db.executemany(_INSERT[table], batch)
            batch.clear()
    for table, batch in batches.items():
        db.executemany(_INSERT[table], batch)


def write_site(db: Any, site: Site) -> None:
    """The tables of a whole planned site (inside the record's transaction)."""
    for table in TABLES:
        db.execute(f"DELETE FROM {table}")
    insert(db, site)
    count_names(db)


def count_names(db: Any) -> None:
    """The names table, from the entries (after ``insert`` of every year of a site)."""
    db.execute("INSERT INTO names SELECT kind, name, COUNT(*), MAX(nd), MIN(nd) FROM entries GROUP BY kind, name")


TABLES = ("stories", "printed", "entries", "names")


def copy(db: Any, schema: str) -> None:
    """The tables made anew from those of an attached database (a cold build's, written as it planned)."""
    for table in TABLES:
        db.execute(f"DELETE FROM main.{table}")
        db.execute(f"INSERT INTO main.{table} SELECT * FROM {schema}.{table}")


def add(db: Any, site: Site) -> None:
    """Add the rows of new days' issues (``site``: those days collected alone)."""
    insert(db, site)
    for kind, lists in (("section", site.sections), ("person", site.people)):
        db.executemany(
            "INSERT INTO names VALUES (?, ?, ?, ?, ?) ON CONFLICT (kind, name) DO UPDATE SET "
            "count = count + excluded.count, oldest = MAX(oldest, excluded.oldest), "
            "newest = MIN(newest, excluded.newest)",
            ((kind, name, len(es), _nd(es[-1].story.date), _nd(es[0].story.date)) for name, es in lists.items()))


# ------------------------------------------------------------------ reading

def days(db: Any) -> list[dt.date]:
    """Every issue's date, oldest first."""
    return [_date(nd) for (nd,) in db.execute("SELECT DISTINCT nd FROM printed ORDER BY nd DESC")]


def issues(db: Any, first: dt.date, last: dt.date) -> list[Issue]:
    """The issues from ``first`` to ``last``, whole (every 版 with its stories), oldest first."""
    stories: dict[tuple[int, int], list[Story]] = defaultdict(list)
    for row in db.execute("SELECT id, nd, page, position, story FROM stories WHERE nd BETWEEN ? AND ? "
                          "ORDER BY nd, page, position, id", (_nd(last), _nd(first))):
        stories[(row[1], row[2])].append(_story(row))
    by_day: dict[int, list[PrintedPage]] = defaultdict(list)
    for nd, page, section, credits in db.execute(
            "SELECT nd, page, section, credits FROM printed WHERE nd BETWEEN ? AND ? ORDER BY nd DESC, page",
            (_nd(last), _nd(first))):
        by_day[nd].append(PrintedPage(_date(nd), page, section, tuple(json.loads(credits)),
                                      tuple(stories.get((nd, page), ()))))
    return [Issue(_date(nd), tuple(pps)) for nd, pps in by_day.items()]


def names(db: Any, kind: str) -> dict[str, tuple[int, dt.date, dt.date]]:
    """Every section's or person's (kind) stories: how many, the oldest and the newest date."""
    return {name: (count, _date(oldest), _date(newest)) for name, count, oldest, newest in db.execute(
        "SELECT name, count, oldest, newest FROM names WHERE kind = ?", (kind,))}


def newest_entries(db: Any, kind: str, name: str, n: int) -> list[tuple[Entry, str]]:
    """The newest ``n`` entries of a list, newest first as pages.newest_first
    orders them, each with its article's file."""
    return list(list_entries(db, kind, name, n))


def list_entries(db: Any, kind: str, name: str, n: int = -1) -> Iterator[tuple[Entry, str]]:
    """A list's entries (its newest ``n``; all: -1) newest first, read as they are asked for."""
    for row in db.execute(
            "SELECT s.id, s.nd, s.page, s.position, s.story, e.role, s.rel FROM entries e JOIN stories s ON s.id = e.id "
            "WHERE e.kind = ? AND e.name = ? ORDER BY e.nd, e.page, e.position, e.id LIMIT ?", (kind, name, n)):
        yield Entry(_story(row[:5]), row[5]), row[6]


def sorted_names(db: Any, kind: str) -> Iterator[tuple[str, int]]:
    """Every section's or person's name, in name order, with how many stories it lists."""
    yield from db.execute("SELECT name, count FROM names WHERE kind = ? ORDER BY name", (kind,))


def story_files(db: Any) -> Iterator[str]:
    """Every article's file in archive order (date, 版, position, id): the order the search index reads them in."""
    for (rel,) in db.execute("SELECT rel FROM stories ORDER BY nd DESC, page, position, id"):
        yield rel


def newest_stories(db: Any, n: int) -> list[tuple[Story, str]]:
    """The archive's newest ``n`` stories (the site feed's), each with its article's file."""
    return [(_story(row[:5]), row[5]) for row in db.execute(
        "SELECT id, nd, page, position, story, rel FROM stories ORDER BY nd, page, position, id LIMIT ?", (n,))]


def known_ids(db: Any, ids: Iterable[str]) -> set[str]:
    """Of these article ids, those the tables hold."""
    out: set[str] = set()
    for aid in ids:
        if db.execute("SELECT 1 FROM stories WHERE id = ?", (aid,)).fetchone():
            out.add(aid)
    return out
