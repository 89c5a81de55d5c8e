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
from typing import Any, Iterable

from .. import __version__
from ..format import DEFAULT_YEARS, ParseCache, Problem, Scan, Segment
from ..model import Article
from .pages import Entry, Page, Story

VERSION = 3  # 3: contexts in segment files


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
    _walk(page.context, parts, files or {})
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()


@dataclasses.dataclass(frozen=True)
class Plan:
    """What a rebuild after body edits needs of the last build's plan.

    ``files`` holds the content hash of every article and page file the site
    was built from, ``shapes`` each article file's planning hash
    (pages.shape), ``contexts`` each article file's page path and where its
    page context without the article itself lies (pickled in a segment file
    of the cache's contexts folder, never all in memory; read only for the
    pages rendered again), ``sitemap`` the sitemap's bytes and ``feeds`` each
    feed's digest of what it shows, bytes, FeedSpec and article files. When
    only bodies changed, the plan is the same: the build renders the edited
    articles' pages and the feeds that show them, and takes the rest from here
    without reading the other articles at all.
    """

    salt: str
    files: dict[str, str]
    shapes: dict[str, str]
    contexts: dict[str, tuple[str, Where]]
    sitemap: bytes
    feeds: dict[str, tuple[str, bytes, Any, tuple[str, ...]]]


@dataclasses.dataclass(frozen=True)
class Manifest:
    out_dir: str
    pages: dict[str, str]
    spare: dict[str, str] = dataclasses.field(default_factory=dict)  # the pages of the site before, kept aside
    # Recorded with the digests in one file, so that the two always describe the same build.
    plan: Plan | None = None

    def unchanged(self, out_dir: Path, path: str, page_digest: str) -> bool:
        return self.out_dir == str(out_dir) and self.pages.get(path) == page_digest


MANIFEST = "manifest.pickle"
CONTEXTS = "contexts"
Where = tuple[str, int, int]  # a segment file, offset and length (format.Segment)


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


def drop_unused_contexts(cache_dir: Path, plan: Plan) -> None:
    """Delete the segment files of contexts no page of the plan uses (a
    rebuild's new contexts go to new segments; those they replace go here)."""
    used = {where[0] for _path, where in plan.contexts.values()}
    for f in contexts_folder(cache_dir).glob("seg-*.bin"):
        if f.name not in used:
            f.unlink(missing_ok=True)


def load(cache_dir: Path) -> Manifest:
    """The last successful build's manifest; an empty one when missing or unreadable."""
    try:
        # A pickle, not JSON: a rebuild loads and saves some 15,000 digests.
        with open(cache_dir / MANIFEST, "rb") as fh:
            data = pickle.load(fh)
        if data.get("version") == (VERSION, __version__):
            return Manifest(data["out_dir"], data["pages"], data["spare"], data["plan"])
    except Exception:  # noqa: BLE001 - a damaged cache only costs a full build
        pass
    return Manifest("", {})


def forget(cache_dir: Path) -> None:
    (cache_dir / MANIFEST).unlink(missing_ok=True)
    (cache_dir / "manifest.json").unlink(missing_ok=True)  # written by earlier versions


def save(cache_dir: Path, manifest: Manifest) -> None:
    data = {"version": (VERSION, __version__), "out_dir": manifest.out_dir, "pages": manifest.pages,
            "spare": manifest.spare, "plan": manifest.plan}
    cache_dir.mkdir(parents=True, exist_ok=True)
    tmp = cache_dir / f".{MANIFEST}.partial"
    with open(tmp, "wb") as fh:  # streamed: no copy of the whole pickle in memory
        pickle.dump(data, fh, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, cache_dir / MANIFEST)


# Parsed article and page files by path and content hash (see
# format.scan_archive): a rebuild parses only the files that changed. The
# cache is the build's own, in the project's .cache folder: a table of the
# files (format.ParseCache, SQLite) and segment files holding the pickled
# items, which a build reads only as needed. A build appends the files it
# parsed as a new segment and writes their rows alone; segments no row uses
# are deleted, and once most of the segments' bytes are stale the live
# pickles are copied into one.
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
    cache = ParseCache(cache_dir / PARSED, years, repr(parser_version()))
    try:
        cache.empty()
    except Exception:  # noqa: BLE001 - sqlite3.DatabaseError and kin: start again
        cache.close()
        for suffix in ("", "-wal", "-shm"):
            (cache_dir / PARSED / (ParseCache.DB + suffix)).unlink(missing_ok=True)
    return cache


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
    if db.execute("SELECT COUNT(*) FROM files").fetchone()[0] > len(scan.files):
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
    return dict(db.execute("SELECT seg, SUM(len + COALESCE(hlen, 0)) FROM files WHERE seg IS NOT NULL GROUP BY seg"))


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
