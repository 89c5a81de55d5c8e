"""The patches' record of the index in the current output: an sqlite3 table in the cache folder.

One row per article number (``articles``: its id, content digest, section
and people keys, date, jieba length); removed numbers have no row. The
index's globals (``patch.State``'s other fields) are one JSON value in
``meta``. A patch reads the rows of the articles it changes and writes
them in one transaction, so a one-article edit costs the same in an archive
of a million as of ten thousand: no step loads or rewrites every article's
record (the pickle this replaced took seconds to load at a million).

A full build writes a fresh file beside the current one and moves it into
place once complete; a patch's transaction is committed only once its index
is written, and rolled back otherwise.
"""
from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator

STATE_FILE = "search-state.sqlite"
_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE articles (n INTEGER PRIMARY KEY, id TEXT NOT NULL, digest BLOB NOT NULL, extra TEXT NOT NULL,
                       date TEXT NOT NULL, length INTEGER NOT NULL);
"""
_INDEXES = ("CREATE INDEX articles_id ON articles (id)", "CREATE INDEX articles_date ON articles (date, n)")
_EXTRA_SEP = "\x1e"  # (keys are normalised names and sections: never this separator)


@dataclass(frozen=True)
class Row:
    id: str
    digest: bytes
    extra: tuple[str, ...]
    date: str
    length: int


def _row(values: tuple) -> Row:
    aid, dig, extra, day, length = values
    return Row(aid, bytes(dig), tuple(extra.split(_EXTRA_SEP)) if extra else (), day, length)


def _values(n: int, row: Row) -> tuple:
    return n, row.id, row.digest, _EXTRA_SEP.join(row.extra), row.date, row.length


class Store:
    """The table of an index's articles, open for reading and for a patch's changes."""

    def __init__(self, path: Path):
        self.db = sqlite3.connect(path, isolation_level=None)
        self.db.execute("BEGIN")  # a patch's changes: committed by commit(), else rolled back

    @staticmethod
    def open(cache_dir: Path) -> "Store | None":
        path = cache_dir / STATE_FILE
        if not path.is_file():
            return None
        try:
            return Store(path)
        except sqlite3.Error:
            return None

    def meta(self) -> dict[str, Any] | None:
        try:
            found = self.db.execute("SELECT value FROM meta WHERE key = 'state'").fetchone()
            return json.loads(found[0]) if found else None
        except (sqlite3.Error, ValueError):
            return None

    def row(self, n: int) -> Row | None:
        found = self.db.execute("SELECT id, digest, extra, date, length FROM articles WHERE n = ?", (n,)).fetchone()
        return _row(found) if found else None

    def number(self, aid: str) -> int | None:
        found = self.db.execute("SELECT n FROM articles WHERE id = ?", (aid,)).fetchone()
        return found[0] if found else None

    def rows(self) -> Iterator[tuple[int, str, bytes]]:
        """(number, id, digest) of every article, in number order (read as iterated)."""
        for n, aid, dig in self.db.execute("SELECT n, id, digest FROM articles ORDER BY n"):
            yield n, aid, bytes(dig)

    def first_of(self, day: str) -> int | None:
        """The first article number of a date."""
        return self.db.execute("SELECT MIN(n) FROM articles WHERE date = ?", (day,)).fetchone()[0]

    def change(self, updates: dict[int, Row | None], meta: dict[str, Any]) -> None:
        """Rows set (None: removed) and the globals, in the open transaction."""
        self.db.executemany("DELETE FROM articles WHERE n = ?", [(n,) for n, r in updates.items() if r is None])
        self.db.executemany("INSERT OR REPLACE INTO articles VALUES (?, ?, ?, ?, ?, ?)",
                            [_values(n, r) for n, r in updates.items() if r is not None])
        self.db.execute("INSERT OR REPLACE INTO meta VALUES ('state', ?)", (json.dumps(meta),))

    def commit(self) -> None:
        self.db.execute("COMMIT")
        self.db.execute("BEGIN")

    def close(self) -> None:
        try:
            self.db.execute("ROLLBACK")
        except sqlite3.Error:
            pass
        self.db.close()


class Fresh:
    """A full build's table, written row by row into a new file and moved into place by finish()."""

    BATCH = 20_000

    def __init__(self, cache_dir: Path):
        cache_dir.mkdir(parents=True, exist_ok=True)
        self.path = cache_dir / STATE_FILE
        self.new = cache_dir / (STATE_FILE + f".new{os.getpid()}")
        for leftover in cache_dir.glob(STATE_FILE + ".new*"):  # an interrupted build's
            leftover.unlink()
        self.db = sqlite3.connect(self.new, isolation_level=None)
        self.db.execute("PRAGMA journal_mode = OFF")  # (a new file: a crash leaves no state at all)
        self.db.execute("PRAGMA synchronous = OFF")
        self.db.executescript(_SCHEMA)
        self.db.execute("BEGIN")
        self.pending: list[tuple] = []

    def add(self, n: int, row: Row) -> None:
        self.pending.append(_values(n, row))
        if len(self.pending) >= self.BATCH:
            self._flush()

    def _flush(self) -> None:
        self.db.executemany("INSERT INTO articles VALUES (?, ?, ?, ?, ?, ?)", self.pending)
        self.pending = []

    def finish(self, meta: dict[str, Any]) -> None:
        self._flush()
        for statement in _INDEXES:
            self.db.execute(statement)
        self.db.execute("INSERT INTO meta VALUES ('state', ?)", (json.dumps(meta),))
        self.db.execute("COMMIT")
        self.db.close()
        os.replace(self.new, self.path)

    def abandon(self) -> None:
        self.db.close()
        try:
            os.unlink(self.new)
        except FileNotFoundError:
            pass


def forget(cache_dir: Path, legacy: Iterable[str] = ()) -> None:
    """No state: the next build is a full one."""
    for name in (STATE_FILE, *legacy):
        try:
            os.unlink(cache_dir / name)
        except FileNotFoundError:
            pass
