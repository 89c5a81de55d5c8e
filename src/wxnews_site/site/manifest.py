"""Content-hash manifest for incremental builds (Lektor style, not mtimes).

Each page's digest is a hash of the data it shows — its template name and
context, where a ``Story`` counts by its precomputed key and a full
``Article`` by its fields — combined with the hash of every template and of
the configuration. A page whose digest is unchanged since the last build is
linked from the previous output instead of rendered. Modification times are
never used: a CI checkout resets them all.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
import pickle
import time
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from .. import __version__
from ..format import DEFAULT_YEARS, ParseCache, Problem, Scan, Segment
from ..model import Article
from . import tables as site_tables
from . import urls
from ..gitchanges import Mark
from .pages import Entry, Page, Story

VERSION = 5  # 4: the record in SQLite, by page and by file; 5: with the site's tables (tables.py)


_FIELDS: dict[type, tuple[str, ...]] = {}


def _walk(obj: Any, out: list[str], files: dict[str, str]) -> None:
    # Dispatch on the exact type first: this runs some 300,000 times a build.
    t = type(obj)
    if t is str:
        out.append(repr(obj))
    elif t is Story:
        out.append(obj.key)
    elif t is Entry:  # a listing's row: 50 a page
        out.append(obj.story.key)
        out.append(repr(obj.role))
    elif t is Article:
        # An article is what its file's bytes parse to (the parser's own code
        # is in the salt), so the file's content hash stands for all of it.
        known = files.get(obj.path) if obj.path else None
        out.append(known if known is not None else hashlib.sha1(repr(obj).encode("utf-8")).hexdigest())
    elif t is dict:
        out.append("{")
        for k in sorted(obj):
            out.append(k)
            _walk(obj[k], out, files)
        out.append("}")
    elif t is tuple or t is list:
        out.append("[")
        for x in obj:
            _walk(x, out, files)
        out.append("]")
    elif obj is None or t is int or t is float or t is bool or isinstance(obj, dt.date):
        out.append(repr(obj))
    elif isinstance(obj, Story):
        out.append(obj.key)
    elif isinstance(obj, Article):
        out.append(hashlib.sha1(repr(obj).encode("utf-8")).hexdigest())
    elif dataclasses.is_dataclass(obj):
        names = _FIELDS.get(t)
        if names is None:
            names = _FIELDS[t] = tuple(f.name for f in dataclasses.fields(obj))
        out.append(t.__name__)
        for name in names:
            _walk(getattr(obj, name), out, files)
    else:
        out.append(repr(obj))


def digest(page: Page, salt: str, files: dict[str, str] | None = None) -> str:
    """Hash of everything the page shows; salt covers templates, config and code.

    ``files`` maps an article file's path to its content hash (see
    format.Scan.files): the cheap stand-in for the parsed article.
    """
    parts = [salt, page.template, page.root or ""]
    _walk(page.context, parts, files if files is not None else {})
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()


MANIFEST = "manifest.sqlite"
CONTEXTS = "contexts"
Where = tuple[str, int, int]  # a segment file, offset and length (format.Segment)


@dataclasses.dataclass(frozen=True)
class Built:
    """An article or page file as the last build used it: its content hash,
    its article's shape (pages.shape), and for an article the path of its
    page and where that page's context without the article lies (pickled in
    a segment file of the cache's contexts folder, read only for the pages
    rendered again)."""

    sha: str
    shape: str | None = None
    page: str | None = None
    where: Where | None = None


NO_FILE = Built("")


@dataclasses.dataclass(frozen=True)
class Plan:
    """What a rebuild after body edits needs of the last build's plan that
    is not by file: the salt, each feed's digest of what it shows, bytes,
    FeedSpec and article files, and the paths of the files besides pages.
    (The sitemaps' bytes are rows of their own, read only when needed:
    ``Manifest.sitemap``.)"""

    salt: str
    feeds: dict[str, tuple[str, bytes, Any, tuple[str, ...]]]
    extras: tuple[str, ...] = ()  # the files written besides pages: feeds, sitemap, static files


class Manifest:
    """The last successful build's record: an SQLite database in the cache,
    one row a page and one row a file, so that a rebuild reads and writes
    the rows of what changed and never the whole record (a pickle of it took
    a second and a half to load and save at 100,000 articles).

    ``pages``: every page of the current site and its digest; ``spare``: the
    pages in which the site before it, kept beside it (``.NAME.previous``),
    differs from it (its digest there, NULL where it has none): every other
    page of it is the same, so a rebuild that starts from it need not look
    at them; ``files``: every article and page file the site was built from
    (``Built``); ``segments``: each contexts segment's count of file rows
    and their bytes, kept by triggers (``keep_totals``); ``meta``: the
    output folder, whether the spare is known, and the ``Plan``. A build
    that fails or crashes before it is recorded leaves the record marked
    unusable (``forget``): the next build is a full one.
    """

    def __init__(self, cache_dir: Path):
        import sqlite3
        self.path = cache_dir / MANIFEST
        self._db: Any = None
        self._shas: dict[str, str] | None = None  # the files table, once read
        state: dict[str, Any] = {}
        try:
            if self.path.is_file():
                self._db = self._connect()
                row = self._db.execute("SELECT value FROM meta WHERE key = 'state'").fetchone()
                state = pickle.loads(row[0]) if row else {}
                if state:
                    feeds = self._db.execute("SELECT value FROM meta WHERE key = 'feeds'").fetchone()
                    state["plan"] = dataclasses.replace(state["plan"], feeds=pickle.loads(feeds[0]))
        except (sqlite3.Error, pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError, ImportError):
            state = {}  # a damaged record only costs a full build
            self.close()
            self.path.unlink(missing_ok=True)
        if state.get("version") != (VERSION, __version__):
            state = {}
        self.out_dir: str = state.get("out_dir", "")
        self.has_spare: bool = state.get("has_spare", False)
        self.count: int = state.get("pages", 0)
        self.plan: Plan | None = state.get("plan")
        self.spare_extras: tuple[str, ...] = state.get("spare_extras", ())  # the kept site's files besides pages
        # What the build read, in git's terms (gitchanges.py); kept as plain
        # values, so that the record outlives the class's module moving.
        self.git: Mark | None = Mark(*state["git"]) if state.get("git") else None

    def _connect(self) -> Any:
        import sqlite3
        db = sqlite3.connect(self.path, timeout=60, isolation_level=None)
        # One file, no write-ahead log: check --build sets the record aside and back whole.
        db.execute("PRAGMA journal_mode=DELETE")
        db.execute("PRAGMA synchronous=NORMAL")
        _schema(db)
        keep_totals(db, CONTEXT_TOTALS)
        return db

    @property
    def tables(self) -> Any:
        """The connection to the site's tables (tables.py), None without a valid record."""
        return self._db if self.valid else None

    @property
    def valid(self) -> bool:
        return self.plan is not None

    def unchanged(self, out_dir: Path, path: str, page_digest: str) -> bool:
        return self.out_dir == str(out_dir) and self.page(path) == page_digest

    def page(self, path: str) -> str | None:
        if not self.valid:
            return None
        row = self._db.execute("SELECT digest FROM pages WHERE path = ?", (path,)).fetchone()
        return row[0] if row else None

    def pages(self) -> dict[str, str]:
        """Every page's digest (a build that plans the whole site compares them all)."""
        return dict(self._db.execute("SELECT path, digest FROM pages")) if self.valid else {}

    def all_page_paths(self) -> Iterator[str]:
        """Every page's path in the order of their code points, read as they are used."""
        if self.valid:
            yield from (path for (path,) in self._db.execute("SELECT path FROM pages ORDER BY path"))

    def spare(self) -> dict[str, str | None]:
        """The pages in which the kept site before the current one differs from it."""
        return dict(self._db.execute("SELECT path, digest FROM spare")) if self.valid and self.has_spare else {}

    def file(self, rel: str) -> Built | None:
        if not self.valid:
            return None
        row = self._db.execute("SELECT sha, shape, page, seg, off, len FROM files WHERE rel = ?", (rel,)).fetchone()
        return _built(row) if row else None

    def files(self) -> dict[str, Built]:
        if not self.valid:
            return {}
        return {row[0]: _built(row[1:]) for row in self._db.execute("SELECT * FROM files")}

    def page_paths(self, sitemap: str) -> list[str]:
        """The paths of the pages one sitemap file lists (feeds.sitemap_of)."""
        if not self.valid:
            return []
        group = sitemap.removeprefix(urls.SITEMAPS).removesuffix(".xml")
        # A folder's pages are a range of the table's key; the rest lie outside
        # the folders' ranges (but 404.html, which no sitemap lists).
        ranges = [(f"{group}/", f"{group}0")] if group != "site" else [("", "0"), (":", "people/"),
                                                                       ("people0", "sections/"), ("sections0", "\uffff")]
        return [path for lo, hi in ranges for (path,) in self._db.execute(
            "SELECT path FROM pages WHERE path >= ? AND path < ?", (lo, hi)) if urls.sitemap_of(path) == sitemap]

    def shas(self) -> dict[str, str]:
        """Every file's content hash as built (a rebuild that scanned the archive compares them with the scan's),
        read once: both the body-edit and the new-day tests of one rebuild ask for it."""
        if self._shas is None:
            self._shas = dict(self._db.execute("SELECT rel, sha FROM files")) if self.valid else {}
        return self._shas

    def file_count(self) -> int:
        return self._db.execute("SELECT COUNT(*) FROM files").fetchone()[0] if self.valid else 0

    def segments(self) -> set[str]:
        """The segment files of the contexts folder the record uses."""
        return set(segment_totals(self._db)) if self.valid else set()

    def sitemaps(self) -> list[str]:
        """The paths of the sitemap files as recorded (sitemap.xml and those it indexes)."""
        return [path for (path,) in self._db.execute("SELECT path FROM sitemaps")] if self.valid else []

    def sitemap(self, path: str) -> bytes:
        row = self._db.execute("SELECT data FROM sitemaps WHERE path = ?", (path,)).fetchone() if self.valid else None
        return bytes(row[0]) if row else b""

    def forget(self) -> None:
        """Mark the record unusable (while the folders move: one describing
        the wrong tree would reuse stale pages)."""
        if self._db is not None:
            self._db.execute("DELETE FROM meta WHERE key = 'state'")
        self.plan = None

    def record(self, out_dir: Path, plan: Plan, pages: dict[str, str | None], spare: dict[str, str | None] | None,
               files: dict[str, Built | None], whole: bool, spare_extras: tuple[str, ...] = (),
               sitemaps: tuple[dict[str, bytes], bool] = ({}, False), tables: Callable[[Any], None] | None = None,
               staged: Path | None = None, git: Mark | None = None) -> None:
        """Record a build in one transaction: the pages and files that changed
        (None: gone), or with ``whole`` all of them; ``spare``: how the site
        kept beside the new one differs from it (None: no site kept);
        ``sitemaps``: the sitemap files made anew, and whether they are all of them;
        ``tables``: writes the site's tables (tables.py) as they now are,
        None when they are as recorded; ``staged``: a database of ``staging``
        whose pages, files, sitemaps and site's tables are added too (a cold
        build's, ``whole``); ``git``: what it read in git's terms, if known."""
        if self._db is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = self._connect()
        db = self._db
        self._shas = None  # (the files' rows change here)
        if staged is not None:
            db.execute("ATTACH DATABASE ? AS staged", (str(staged),))  # (not inside a transaction)
        db.execute("BEGIN")
        try:
            if whole:
                # Every row rewritten: the totals are summed once at the end, not kept
                # a row at a time (that doubled the rewrite's time at a million files).
                _drop_totals(db)
                db.execute("DELETE FROM pages")
                db.execute("DELETE FROM files")
            if whole or sitemaps[1]:
                db.execute("DELETE FROM sitemaps")
            db.executemany("DELETE FROM pages WHERE path = ?", ((p,) for p, d in pages.items() if d is None))
            db.executemany("INSERT OR REPLACE INTO pages VALUES (?, ?)", ((p, d) for p, d in pages.items() if d))
            db.executemany("DELETE FROM files WHERE rel = ?", ((r,) for r, b in files.items() if b is None))
            db.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?, ?)",
                           ((r, b.sha, b.shape, b.page, *(b.where or (None, None, None)))
                            for r, b in files.items() if b is not None))
            if staged is not None:
                for table in ("pages", "files", "sitemaps"):
                    db.execute(f"INSERT OR REPLACE INTO main.{table} SELECT * FROM staged.{table}")
                site_tables.copy(db, "staged")
            if whole:
                _make_totals(db, CONTEXT_TOTALS)
            db.execute("DELETE FROM spare")
            db.executemany("INSERT INTO spare VALUES (?, ?)", (spare or {}).items())
            count = db.execute("SELECT COUNT(*) FROM pages").fetchone()[0]
            state = {"version": (VERSION, __version__), "out_dir": str(out_dir), "has_spare": spare is not None,
                     "pages": count, "plan": dataclasses.replace(plan, feeds={}), "spare_extras": spare_extras,
                     "git": dataclasses.astuple(git) if git is not None else None}
            rows = [("state", state), ("feeds", plan.feeds)]
            db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                           ((k, pickle.dumps(v, protocol=pickle.HIGHEST_PROTOCOL)) for k, v in rows))
            db.executemany("INSERT OR REPLACE INTO sitemaps VALUES (?, ?)", sitemaps[0].items())
            if tables is not None:
                tables(db)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        finally:
            if staged is not None:
                db.execute("DETACH DATABASE staged")
        self.out_dir, self.has_spare, self.count, self.plan = str(out_dir), spare is not None, count, plan
        self.spare_extras, self.git = spare_extras, git

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
        self._db = None


def _schema(db: Any) -> None:
    db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value BLOB)")
    db.execute("CREATE TABLE IF NOT EXISTS pages (path TEXT PRIMARY KEY, digest TEXT) WITHOUT ROWID")
    db.execute("CREATE TABLE IF NOT EXISTS spare (path TEXT PRIMARY KEY, digest TEXT) WITHOUT ROWID")
    db.execute("CREATE TABLE IF NOT EXISTS files (rel TEXT PRIMARY KEY, sha TEXT, shape TEXT, page TEXT, "
               "seg TEXT, off INT, len INT) WITHOUT ROWID")
    db.execute("CREATE INDEX IF NOT EXISTS by_segment ON files (seg)")
    db.execute("CREATE TABLE IF NOT EXISTS sitemaps (path TEXT PRIMARY KEY, data BLOB) WITHOUT ROWID")
    site_tables.create(db)


@dataclasses.dataclass(frozen=True)
class Totals:
    """How a table of rows pointing into segment files (``seg``) counts a
    row's live bytes, as SQL over the row ``{r}`` (NEW or OLD in a trigger,
    the table itself when summed anew)."""

    size: str
    columns: str  # the columns that size and segment are read from: an UPDATE of any other leaves the totals be


PARSED_TOTALS = Totals("{r}.len + COALESCE({r}.hlen, 0)", "seg, len, hlen")  # an item and its head
CONTEXT_TOTALS = Totals("{r}.len", "seg, len")
SEGMENTS = "segments"
# Named with the version of their SQL: a database whose triggers are of another is summed anew.
TRIGGERS = ("segments_added_1", "segments_removed_1", "segments_moved_1")


def keep_totals(db: Any, totals: Totals) -> None:
    """Keep each segment's count of rows and live bytes in the ``segments``
    table, by triggers on ``files``, so that the compaction check and the
    segments in use read a row a segment and never every file's. The
    triggers change the totals in the statement's own transaction. A
    database without them (made before them, or whose ``files`` was dropped,
    which drops its triggers) has its totals summed anew, once."""
    # INSERT OR REPLACE removes the row it replaces without firing the delete
    # trigger unless this is on (a per-connection setting, so on every connection).
    db.execute("PRAGMA recursive_triggers = ON")
    if _has_totals(db):
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        if not _has_totals(db):  # (another process may have made them while this one waited)
            _make_totals(db, totals)
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise


def _has_totals(db: Any) -> bool:
    # (Triggers without their table would fail every write of a row: both or neither.)
    marks = ",".join("?" * len(TRIGGERS))
    return db.execute(f"SELECT COUNT(*) FROM sqlite_master WHERE (type = 'trigger' AND tbl_name = 'files' "
                      f"AND name IN ({marks})) OR (type = 'table' AND name = ?)",
                      (*TRIGGERS, SEGMENTS)).fetchone()[0] == len(TRIGGERS) + 1


def _drop_totals(db: Any) -> None:
    """The totals and their triggers gone (in the caller's transaction), this version's or another's."""
    triggers = db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'files' "
                          "AND name LIKE 'segments%'").fetchall()
    for (name,) in triggers:
        db.execute(f'DROP TRIGGER "{name}"')
    db.execute(f"DROP TABLE IF EXISTS {SEGMENTS}")


def _make_totals(db: Any, totals: Totals) -> None:
    """The totals summed anew and kept from then on (in the caller's transaction)."""
    _drop_totals(db)
    db.execute(f"CREATE TABLE {SEGMENTS} (seg TEXT PRIMARY KEY, files INT NOT NULL, bytes INT NOT NULL) WITHOUT ROWID")
    db.execute(f"INSERT INTO {SEGMENTS} SELECT seg, COUNT(*), SUM(COALESCE({_size(totals, 'files')}, 0)) FROM files "
               "WHERE seg IS NOT NULL GROUP BY seg")
    added, removed, moved = TRIGGERS
    db.execute(f"CREATE TRIGGER {added} AFTER INSERT ON files BEGIN {_add(totals, 'NEW')} END")
    db.execute(f"CREATE TRIGGER {removed} AFTER DELETE ON files BEGIN {_remove(totals, 'OLD')} END")
    db.execute(f"CREATE TRIGGER {moved} AFTER UPDATE OF {totals.columns} ON files "
               f"BEGIN {_remove(totals, 'OLD')} {_add(totals, 'NEW')} END")


def _size(totals: Totals, row: str) -> str:
    return totals.size.format(r=row)


def _add(totals: Totals, row: str) -> str:
    # (The WHERE also keeps SQLite from reading ON CONFLICT as a join's.)
    return (f"INSERT INTO {SEGMENTS} SELECT {row}.seg, 1, COALESCE({_size(totals, row)}, 0) "
            f"WHERE {row}.seg IS NOT NULL "
            "ON CONFLICT (seg) DO UPDATE SET files = files + 1, bytes = bytes + excluded.bytes;")


def _remove(totals: Totals, row: str) -> str:
    return (f"UPDATE {SEGMENTS} SET files = files - 1, bytes = bytes - COALESCE({_size(totals, row)}, 0) "
            f"WHERE seg = {row}.seg; DELETE FROM {SEGMENTS} WHERE seg = {row}.seg AND files = 0;")


def segment_totals(db: Any) -> dict[str, int]:
    """Each segment's bytes that rows use, from the totals ``keep_totals`` keeps."""
    return dict(db.execute(f"SELECT seg, bytes FROM {SEGMENTS}"))


STAGED = "staged.sqlite"


def staging(cache_dir: Path) -> Any:
    """A new database of the record's tables that a cold build fills as it
    plans and renders a year at a time (pages, files, sitemaps, the site's
    tables), so that no row of them waits in memory; ``Manifest.record``
    takes them from it (``staged``). Not a record itself: never durable."""
    import sqlite3
    path = cache_dir / STAGED
    cache_dir.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=OFF")
    db.execute("PRAGMA synchronous=OFF")
    _schema(db)
    return db


def _built(row: tuple[Any, ...]) -> Built:
    sha, shape, page, seg, off, length = row
    return Built(sha, shape, page, (seg, off, length) if seg is not None else None)


def contexts_folder(cache_dir: Path) -> Path:
    return cache_dir / CONTEXTS


def load_context(cache_dir: Path, where: Where) -> dict[str, Any]:
    return pickle.loads(_pread(contexts_folder(cache_dir) / where[0], where[2], where[1]))


def _pread(path: Path, length: int, offset: int) -> bytes:
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    try:
        return os.pread(fd, length, offset)
    finally:
        os.close(fd)


SMALL_SEGMENT = 1 << 20


def compact_contexts(cache_dir: Path, contexts: dict[str, tuple[str, Where]]) -> dict[str, tuple[str, Where]]:
    """Each rebuild that plans anew adds a small segment of the contexts it
    changed: past COMPACT_AFTER of them, their live contexts move into one."""
    folder = contexts_folder(cache_dir)
    sizes = {name: (folder / name).stat().st_size for name in {where[0] for _path, where in contexts.values()}}
    small = {name for name, size in sizes.items() if size < SMALL_SEGMENT}
    if len(small) <= COMPACT_AFTER:
        return contexts
    out = dict(contexts)
    segment = Segment(folder)
    try:
        for rel, (path, (name, offset, length)) in contexts.items():
            if name in small:
                out[rel] = (path, segment.add_pickled(_pread(folder / name, length, offset)))
    finally:
        segment.close()
    return out


def drop_unused_contexts(cache_dir: Path, used: set[str]) -> None:
    """Delete the segment files of contexts no page of the record uses (a
    rebuild's new contexts go to new segments; those they replace go here).
    Not while another build's record is set aside (check --build): its
    contexts are in use too."""
    if (cache_dir / f".{MANIFEST}.aside").exists():
        return
    for f in contexts_folder(cache_dir).glob("seg-*.bin"):
        if f.name not in used:
            f.unlink(missing_ok=True)


def load(cache_dir: Path) -> Manifest:
    """The last successful build's record; an empty one when missing or unreadable."""
    return Manifest(cache_dir)


class set_aside:
    """The record kept out of a build's way, then put back as it was (check
    --build builds elsewhere; the next real build must find build/'s record)."""

    def __init__(self, cache_dir: Path):
        self.path = cache_dir / MANIFEST
        self.aside = cache_dir / f".{MANIFEST}.aside"

    def __enter__(self) -> "set_aside":
        if self.path.is_file():
            os.replace(self.path, self.aside)
        return self

    def __exit__(self, *exc: Any) -> None:
        if self.aside.is_file():
            os.replace(self.aside, self.path)
        else:
            self.path.unlink(missing_ok=True)


OLD_MANIFESTS = ("manifest.pickle", "manifest.json")  # written by earlier versions


# Parsed article and page files by path and content hash (see
# format.scan_archive): a rebuild parses only the files that changed. The
# cache is the build's own, in the project's .cache folder: a table of the
# files (format.ParseCache, SQLite) and segment files holding the pickled
# items, which a build reads only as needed. A build appends the files it
# parsed as a new segment and writes their rows alone; segments no row uses
# are deleted, and once most of the segments' bytes are stale the live
# pickles are copied into one. Each segment's rows and live bytes are kept
# beside the rows (a ``segments`` table, ``keep_totals``): that check reads
# them, not every file's row.
PARSED = "parsed"
OLD_FILES = ("parsed.pickle", "parsed-delta.pickle", "parsed/index.pickle")  # written by earlier versions
COMPACT_AFTER = 64  # segments, each of a few edited files


def parser_version() -> tuple[Any, ...]:
    # Pickled articles are only good for the same model and parser code.
    from .. import format as fmt, model
    code = Path(model.__file__).read_bytes() + Path(fmt.__file__).read_bytes()
    return (VERSION, __version__, hashlib.sha256(code).hexdigest())


def load_parsed(cache_dir: Path, years: tuple[int, int] = DEFAULT_YEARS) -> ParseCache:
    """The parse cache of a build; its rows are read as the scan needs them.
    A damaged database only costs a full parse."""
    cache = _TotalledParseCache(cache_dir / PARSED, years, repr(parser_version()))
    try:
        cache.empty()
    except Exception:  # noqa: BLE001 - sqlite3.DatabaseError and kin: start again
        cache.close()
        for suffix in ("", "-wal", "-shm"):
            (cache_dir / PARSED / (ParseCache.DB + suffix)).unlink(missing_ok=True)
    return cache


class _TotalledParseCache(ParseCache):
    """The build's parse cache, whose every connection keeps the segments'
    totals (``keep_totals``): this process's, and each forked parsing
    child's, which makes its own and writes rows too."""

    _kept: Any = None  # the connection the totals were last kept on

    def db(self, create: bool = False) -> Any:
        db = super().db(create)
        if db is not None and db is not self._kept:
            keep_totals(db, PARSED_TOTALS)
            self._kept = db
        return db


def save_parsed(cache_dir: Path, scan: Scan) -> None:
    """Record what the scan read: its new items go to a new segment, the rows
    of the files it read are written, and those of files gone are deleted."""
    folder = cache_dir / PARSED
    read = dict(scan.read)
    segment = Segment(folder)
    try:
        for rel, item in scan.parsed.items():
            if item is not None and rel in read:
                where, head = segment.add_parsed(item)
                read[rel] = dataclasses.replace(read[rel], where=where, head=head)
    finally:
        segment.close()
    cache = scan.cache
    if read:
        cache.put(read.items())
    db = cache.db()
    if db is None:
        return
    if scan.named is None and db.execute("SELECT COUNT(*) FROM files").fetchone()[0] > len(scan.files):
        gone = [(d, n) for d, n in db.execute("SELECT dir, name FROM files")
                if (f"{d}/{n}" if d else n) not in scan.files]
        db.executemany("DELETE FROM files WHERE dir = ? AND name = ?", gone)
    elif not read:
        return  # nothing changed: no segment can have become stale
    live = _live(db)
    on_disk = {f.name: f.stat().st_size for f in folder.glob("seg-*.bin")}
    stale = sum(size for name, size in on_disk.items() if name in live) - sum(live.values())
    if stale > sum(live.values()) or len(live) > COMPACT_AFTER:
        _compact(scan, folder)  # the live pickles copied into one segment, then the old ones can go
        live = _live(db)
    for name in on_disk:
        if name not in live:
            (folder / name).unlink(missing_ok=True)
    for old in OLD_FILES:
        (cache_dir / old).unlink(missing_ok=True)


def _live(db: Any) -> dict[str, int]:
    """Each segment's bytes that rows use (an item and its head)."""
    return segment_totals(db)


def _compact(scan: Scan, folder: Path) -> None:
    db = scan.cache.db()
    moved = []
    segment = Segment(folder)
    try:
        for d, n, seg, off, length, hoff, hlen in db.execute(
                "SELECT dir, name, seg, off, len, hoff, hlen FROM files WHERE seg IS NOT NULL"):
            name, offset, _ = segment.add_pickled(scan.blob(seg, off, length))
            head = segment.add_pickled(scan.blob(seg, hoff, hlen))[1] if hoff is not None else None
            moved.append((name, offset, head, d, n))
    finally:
        segment.close()
    db.execute("BEGIN")
    db.executemany("UPDATE files SET seg = ?, off = ?, hoff = ? WHERE dir = ? AND name = ?", moved)
    db.execute("COMMIT")


# A partition build (site/partition.py) leaves beside its pages a manifest of
# them: the merging build links every page whose digest it plans too, and
# renders the rest (pages that see other years: issues at a year's edge,
# listings, calendars). JSON, one file a partition: CI moves it between jobs.
PARTITION = "partition.json"
PARTITION_VERSION = 1


def save_partition(folder: Path, salt: str, year: int, pages: dict[str, str]) -> None:
    data = {"version": [PARTITION_VERSION, __version__], "salt": salt, "year": year, "pages": dict(sorted(pages.items()))}
    (folder / PARTITION).write_text(json.dumps(data, ensure_ascii=False, indent=0), encoding="utf-8")


def load_partitions(folders: Iterable[Path], salt: str) -> tuple[dict[str, tuple[str, str]], list[Problem]]:
    """Every partition's pages: path -> (its folder, digest), and what keeps a
    partition from being merged (each one's problem names its manifest)."""
    found: dict[str, tuple[str, str]] = {}
    problems: list[Problem] = []
    years: dict[int, Path] = {}
    for folder in folders:
        where = folder / PARTITION
        try:
            data = json.loads(where.read_text(encoding="utf-8"))
            version, year, pages, made_with = data["version"], int(data["year"]), data["pages"], data["salt"]
        except FileNotFoundError:
            problems.append(Problem(str(where), 0, "no partition manifest: not a folder made by "
                                                   "'wxnews-site build --partition YEAR'"))
            continue
        except (OSError, ValueError, KeyError, TypeError) as exc:
            problems.append(Problem(str(where), 1, f"unreadable partition manifest ({exc}); build the partition again"))
            continue
        if version != [PARTITION_VERSION, __version__] or made_with != salt:
            problems.append(Problem(str(where), 1, "built by another version, or with other templates, site.yaml "
                                                   "or base URL than this build: build the partition again"))
            continue
        if year in years:
            problems.append(Problem(str(where), 1, f"a second partition of {year} (also {years[year]})"))
            continue
        years[year] = folder
        found.update((path, (str(folder), d)) for path, d in pages.items())
    return found, problems
