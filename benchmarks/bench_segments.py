#!/usr/bin/env python3
"""Segments benchmark: what a named rebuild pays to learn the segments' totals, before and after the totals table.

A named rebuild (``build --changed FILE``) of a large site asks two things
of its caches whose cost grew with the archive: the parse cache's live bytes
a segment (manifest._live, for the compaction check) and the record's
segments in use (Manifest.segments, for dropping unused page contexts).
Both summed every file's row; now a ``segments`` table kept by triggers
answers them (manifest.keep_totals).

This copies a built site's two databases (never the segment files) to
``--work``, and on the copies times, with a new connection each run as a
build opens one:

  before   the GROUP BY / DISTINCT each question used to run
  upgrade  keep_totals on a database made before the table (once a cache)
  after    the same questions read from the table (checked equal to before)
  writes   a named rebuild's row replaced, a parsing child's batch of
           RECORD_BATCH rows, BULK fresh rows (a cold build's) and the
           record's files rewritten whole (a full build's), each without
           and with the triggers (rolled back: the copies stay as made)

    python3 benchmarks/bench_segments.py --cache /work/bench-run/ours-full/.cache/wxnews-site
"""
from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import time
from pathlib import Path
from typing import Any, Callable

from wxnews_site import format as fmt
from wxnews_site.site import manifest

OLD_LIVE = "SELECT seg, SUM(len + COALESCE(hlen, 0)) FROM files WHERE seg IS NOT NULL GROUP BY seg"
OLD_SEGMENTS = "SELECT DISTINCT seg FROM files WHERE seg IS NOT NULL"
BULK = 100_000


def median_ms(run: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, out = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        out = run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), out


def connect(path: Path) -> Any:
    return sqlite3.connect(path, timeout=60, isolation_level=None)


def would_compact(live: dict[str, int], on_disk: dict[str, int]) -> bool:
    """save_parsed's compaction check, given what it reads."""
    stale = sum(size for name, size in on_disk.items() if name in live) - sum(live.values())
    return stale > sum(live.values()) or len(live) > manifest.COMPACT_AFTER


def copy_databases(cache: Path, work: Path) -> tuple[Path, Path]:
    if work.resolve().is_relative_to(cache.resolve()):
        raise SystemExit("--work must lie outside the cache: the copies are written to")
    shutil.rmtree(work, ignore_errors=True)
    (work / manifest.PARSED).mkdir(parents=True)
    parsed = work / manifest.PARSED / fmt.ParseCache.DB
    for suffix in ("", "-wal"):
        source = cache / manifest.PARSED / (fmt.ParseCache.DB + suffix)
        if source.is_file():
            shutil.copyfile(source, parsed.with_name(source.name))
    record = work / manifest.MANIFEST
    shutil.copyfile(cache / manifest.MANIFEST, record)
    return parsed, record


def replaced(db: Any, count: int, offset: int = 0) -> list[tuple[Any, ...]]:
    """Rows of the parse cache as a rebuild writes them again: to a new segment."""
    rows = db.execute(f"SELECT * FROM files WHERE seg IS NOT NULL LIMIT {count} OFFSET {offset}").fetchall()
    return [row[:7] + ("seg-bench.bin",) + row[8:] for row in rows]


def time_writes(path: Path, repeat: int) -> dict[str, float]:
    """A put of one row and of a batch, rolled back (the commit's sync is the same either way)."""
    out = {}
    db = connect(path)
    db.execute("PRAGMA recursive_triggers = ON")  # as keep_totals sets it; without triggers it changes nothing
    marks = ", ".join("?" * 14)
    for label, count in (("1 row replaced", 1), (f"{fmt.RECORD_BATCH} rows replaced", fmt.RECORD_BATCH)):
        rows = replaced(db, count, offset=500_000)

        def put() -> None:
            db.execute("BEGIN")
            db.executemany(f"INSERT OR REPLACE INTO files VALUES ({marks})", rows)
            db.execute("ROLLBACK")

        out[label] = median_ms(put, repeat)[0]
    db.close()
    return out


def time_bulk(source: Path, work: Path, with_totals: bool) -> float:
    """BULK rows into an empty parse cache, as a cold build's children write them."""
    path = work / f"bulk-{with_totals}.sqlite"
    path.unlink(missing_ok=True)
    db = connect(path)
    db.execute("CREATE TABLE files (dir TEXT, name TEXT, size INT, mtime INT, ino INT, ctime INT, sha TEXT, seg TEXT, "
                "off INT, len INT, problems BLOB, aid TEXT, hoff INT, hlen INT, PRIMARY KEY (dir, name)) WITHOUT ROWID")
    db.execute("CREATE INDEX by_segment ON files (seg, len, hlen)")
    if with_totals:
        manifest.keep_totals(db, manifest.PARSED_TOTALS)
    rows = connect(source).execute(f"SELECT * FROM files LIMIT {BULK}").fetchall()
    start = time.perf_counter()
    for n in range(0, len(rows), fmt.RECORD_BATCH):
        db.execute("BEGIN")
        db.executemany(f"INSERT OR REPLACE INTO files VALUES ({', '.join('?' * 14)})", rows[n:n + fmt.RECORD_BATCH])
        db.execute("COMMIT")
    took = time.perf_counter() - start
    db.close()
    path.unlink()
    return took


def time_whole(path: Path, totals: bool) -> float:
    """Manifest.record's whole rewrite of the files table (a cold or full
    build's), rolled back; the rows taken from a copy of themselves. With
    ``totals`` as it now goes: the triggers dropped first, the totals summed after."""
    db = connect(path)
    db.execute("BEGIN")
    db.execute("CREATE TEMP TABLE kept AS SELECT * FROM main.files")
    start = time.perf_counter()
    if totals:
        manifest._drop_totals(db)
    db.execute("DELETE FROM main.files")
    db.execute("INSERT OR REPLACE INTO main.files SELECT * FROM kept")
    if totals:
        manifest._make_totals(db, manifest.CONTEXT_TOTALS)
    took = time.perf_counter() - start
    db.execute("ROLLBACK")
    db.close()
    return took


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cache", type=Path, default=Path("/work/bench-run/ours-full/.cache/wxnews-site"))
    parser.add_argument("--work", type=Path, default=Path("/tmp/bench-segments"))
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    print(f"load before: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f} (1, 5, 15 min)")
    parsed, record = copy_databases(args.cache, args.work)
    on_disk = {f.name: f.stat().st_size for f in (args.cache / manifest.PARSED).glob("seg-*.bin")}
    with connect(parsed) as db:
        rows = db.execute("SELECT COUNT(*) FROM files").fetchone()[0]
    with connect(record) as db:
        pages = db.execute("SELECT COUNT(*) FROM pages").fetchone()[0]
        files = db.execute("SELECT COUNT(*) FROM files").fetchone()[0]
    print(f"copied from {args.cache}: parse cache {rows:,} rows; record {files:,} files, {pages:,} pages; "
          f"{len(on_disk)} parse-cache segments")
    if connect(parsed).execute("SELECT 1 FROM sqlite_master WHERE name = 'segments'").fetchone():
        print("(the copied caches already keep totals: 'before' times the old queries on the same rows)")

    def old_live() -> dict[str, int]:
        return dict(connect(parsed).execute(OLD_LIVE))

    def old_segments() -> set[str]:
        return {seg for (seg,) in connect(record).execute(OLD_SEGMENTS)}

    before_writes = time_writes(parsed, args.repeat)
    before_whole = time_whole(record, False)
    before_live_ms, live = median_ms(old_live, args.repeat)
    before_check_ms, decision = median_ms(lambda: would_compact(old_live(), on_disk), args.repeat)
    before_segments_ms, segments = median_ms(old_segments, args.repeat)

    def upgrade(path: Path, totals: manifest.Totals) -> float:
        start = time.perf_counter()
        with connect(path) as db:
            manifest.keep_totals(db, totals)
        return (time.perf_counter() - start) * 1000

    upgrade_parsed_ms = upgrade(parsed, manifest.PARSED_TOTALS)
    upgrade_record_ms = upgrade(record, manifest.CONTEXT_TOTALS)

    def new_live() -> dict[str, int]:
        db = connect(parsed)
        manifest.keep_totals(db, manifest.PARSED_TOTALS)  # what every connection of a build does first
        return manifest.segment_totals(db)

    def new_segments() -> set[str]:
        db = connect(record)
        manifest.keep_totals(db, manifest.CONTEXT_TOTALS)
        return set(manifest.segment_totals(db))

    after_writes = time_writes(parsed, args.repeat)
    after_whole = time_whole(record, True)
    after_live_ms, live_after = median_ms(new_live, args.repeat)
    after_check_ms, decision_after = median_ms(lambda: would_compact(new_live(), on_disk), args.repeat)
    after_segments_ms, segments_after = median_ms(new_segments, args.repeat)
    assert live_after == live and segments_after == segments and decision_after == decision, "the totals differ"

    bulk_without, bulk_with = time_bulk(parsed, args.work, False), time_bulk(parsed, args.work, True)

    def row(label: str, before: float, after: float, digits: int) -> None:
        print(f"  {label:<52} {before:10.{digits}f} ms {after:10.{digits}f} ms")

    print(f"{'median of ' + str(args.repeat) + ' runs, a new connection each':<54} {'before':>13} {'after':>13}")
    row("_live (parse cache's live bytes a segment)", before_live_ms, after_live_ms, 2)
    row(f"compaction check (would compact: {decision})", before_check_ms, after_check_ms, 2)
    row(f"Manifest.segments ({len(segments)} segments)", before_segments_ms, after_segments_ms, 2)
    for label in before_writes:
        row(f"put, {label}", before_writes[label], after_writes[label], 3)
    row(f"{BULK:,} fresh rows in batches of {fmt.RECORD_BATCH} (once)", bulk_without * 1000, bulk_with * 1000, 0)
    row(f"record's {files:,} file rows rewritten whole (once)", before_whole * 1000, after_whole * 1000, 0)
    print(f"upgrade, once a cache: parse cache {upgrade_parsed_ms:.0f} ms, record {upgrade_record_ms:.0f} ms")
    print(f"load after: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f} (1, 5, 15 min)")
    shutil.rmtree(args.work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
