"""Each segment's totals (rows, live bytes) are kept with the rows that point into it.

The parse cache and the record's page contexts both keep a ``segments``
table beside their ``files`` (manifest.keep_totals), so that a rebuild's
compaction check and its list of segments in use read a row a segment
instead of every file's. Whatever writes the rows (a put, a replacement, a
deletion, a compaction's move, a whole record, a cold build's staged copy,
a forked parsing child), the table must equal a GROUP BY of the rows, and a
cache made before the table existed must be summed on opening.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from test_build import _pages, build, tree
from test_build_incremental import A, add_to_body, clean_build, edit, project  # noqa: F401 (a fixture)

from wxnews_site import format as fmt
from wxnews_site.format import Known
from wxnews_site.site import manifest

CACHE = ".cache/wxnews-site"

# The queries the totals replace, as they were: the figures must stay theirs.
SUMMED = {
    manifest.PARSED: "SELECT seg, COUNT(*), SUM(len + COALESCE(hlen, 0)) FROM files WHERE seg IS NOT NULL GROUP BY seg",
    manifest.MANIFEST: "SELECT seg, COUNT(*), SUM(len) FROM files WHERE seg IS NOT NULL GROUP BY seg",
}


def summed(db: Any, which: str) -> dict[str, tuple[int, int]]:
    return {seg: (n, size) for seg, n, size in db.execute(SUMMED[which])}


def kept(db: Any) -> dict[str, tuple[int, int]]:
    return {seg: (n, size) for seg, n, size in db.execute("SELECT seg, files, bytes FROM segments")}


def databases(project: Path) -> dict[str, Path]:
    cache = project / CACHE
    return {manifest.PARSED: cache / manifest.PARSED / fmt.ParseCache.DB, manifest.MANIFEST: cache / manifest.MANIFEST}


def assert_totals_hold(project: Path) -> None:
    for which, path in databases(project).items():
        db = sqlite3.connect(path)
        try:
            assert kept(db) == summed(db, which), which
            assert kept(db), which  # (a site's caches have segments: the check is not of two empty tables)
        finally:
            db.close()


def strip_totals(path: Path) -> None:
    """The database as the versions before the totals left it."""
    db = sqlite3.connect(path)
    for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        db.execute(f'DROP TRIGGER "{name}"')
    db.execute("DROP TABLE segments")
    db.commit()
    db.close()


@pytest.fixture
def cache(tmp_path: Path):
    parsed = manifest.load_parsed(tmp_path / "cache")
    yield parsed
    parsed.close()


def known(seg: str | None, off: int = 0, length: int = 10, head: int | None = 4) -> Known:
    where = (seg, off, length) if seg is not None else None
    return Known((1, 2, 3, 4), "sha", where, (), "id", (seg, off + length, head) if seg and head else None)


def test_the_parse_cache_totals_follow_rows_written_replaced_deleted_and_moved(cache):
    cache.put([("2024/06/30/01-01.md", known("seg-a")), ("2024/06/30/01-02.md", known("seg-a", 14, 20, None)),
               ("2024/06/30/01.page.yaml", known("seg-b", 0, 7, None)), ("2024/06/30/bad.md", known(None))])
    db = cache.db()
    assert kept(db) == summed(db, manifest.PARSED) == {"seg-a": (2, 34), "seg-b": (1, 7)}
    cache.put([("2024/06/30/01-01.md", known("seg-c", 0, 30, 5))])  # INSERT OR REPLACE: the old row's bytes go
    assert kept(db) == summed(db, manifest.PARSED) == {"seg-a": (1, 20), "seg-b": (1, 7), "seg-c": (1, 35)}
    cache.put([("2024/06/30/01.page.yaml", known(None))])  # now unparsable: its segment has no row left
    assert kept(db) == summed(db, manifest.PARSED) == {"seg-a": (1, 20), "seg-c": (1, 35)}
    db.execute("DELETE FROM files WHERE dir = ? AND name = ?", ("2024/06/30", "01-02.md"))  # save_parsed's gone file
    assert kept(db) == summed(db, manifest.PARSED) == {"seg-c": (1, 35)}
    # _compact's move: the same lengths in a new segment.
    db.execute("UPDATE files SET seg = 'seg-d', off = 3, hoff = 33 WHERE seg IS NOT NULL")
    assert kept(db) == summed(db, manifest.PARSED) == {"seg-d": (1, 35)}


def test_another_connection_replacing_rows_keeps_the_totals_too(cache, tmp_path: Path):
    # (A forked parsing child makes a connection of its own: the setting that
    # makes a replacement fire the delete trigger is per connection.)
    cache.put([("2024/01/01/01-01.md", known("seg-a"))])
    other = manifest.load_parsed(tmp_path / "cache")
    other.put([("2024/01/01/01-01.md", known("seg-b", 0, 5, None))])
    other.close()
    db = cache.db()
    assert kept(db) == summed(db, manifest.PARSED) == {"seg-b": (1, 5)}


def test_a_parse_cache_without_totals_is_summed_on_opening(cache, tmp_path: Path):
    cache.put([("2024/01/01/01-01.md", known("seg-a")), ("2024/01/01/01-02.md", known("seg-a", 14, 6, None))])
    cache.close()
    strip_totals(tmp_path / "cache" / manifest.PARSED / fmt.ParseCache.DB)
    again = manifest.load_parsed(tmp_path / "cache")
    db = again.db()
    assert kept(db) == summed(db, manifest.PARSED) == {"seg-a": (2, 20)}
    again.put([("2024/01/01/01-02.md", known("seg-b", 0, 9, None))])  # and kept from then on
    assert kept(db) == summed(db, manifest.PARSED) == {"seg-a": (1, 14), "seg-b": (1, 9)}
    again.close()


@pytest.mark.parametrize("damage", ["DROP TRIGGER segments_moved_1", "DROP TABLE segments"])
def test_totals_of_another_sql_or_without_their_table_are_summed_again(cache, tmp_path: Path, damage: str):
    cache.put([("2024/01/01/01-01.md", known("seg-a"))])
    db = cache.db()
    db.execute("UPDATE segments SET bytes = 999")  # wrong, as totals no trigger kept would be
    db.execute(damage)
    cache.close()
    again = manifest.load_parsed(tmp_path / "cache")
    again.put([("2024/01/01/01-02.md", known("seg-a", 14, 6, None))])
    assert kept(again.db()) == {"seg-a": (2, 20)}
    again.close()


def test_the_records_totals_follow_pages_files_replaced_deleted_and_rewritten_whole(tmp_path: Path):
    plan = manifest.Plan("salt", {})
    record = manifest.Manifest(tmp_path)

    def built(seg: str, length: int) -> manifest.Built:
        return manifest.Built("sha", None, "p.html", (seg, 0, length))

    record.record(tmp_path / "out", plan, {"p.html": "d"}, None,
                  {"a.md": built("seg-1", 5), "b.md": built("seg-1", 7), "c.page.yaml": manifest.Built("sha")},
                  whole=True)
    assert record.segments() == {"seg-1"}
    record.record(tmp_path / "out", plan, {}, None, {"a.md": built("seg-2", 3), "b.md": None}, whole=False)
    assert record.segments() == {"seg-2"}
    assert kept(record._db) == summed(record._db, manifest.MANIFEST) == {"seg-2": (1, 3)}
    record.record(tmp_path / "out", plan, {"p.html": "d"}, None, {"d.md": built("seg-3", 4)}, whole=True)
    assert kept(record._db) == summed(record._db, manifest.MANIFEST) == {"seg-3": (1, 4)}
    record.close()
    strip_totals(tmp_path / manifest.MANIFEST)
    again = manifest.Manifest(tmp_path)
    assert again.valid and again.segments() == {"seg-3"}
    again.close()


def test_builds_keep_the_totals_through_edits_deletions_and_compaction(project: Path, monkeypatch):
    from wxnews_site.site import build as build_mod

    # A cold build's rows written by forked parsing children, a few at a time, and staged pages.
    monkeypatch.setattr(build_mod, "PARALLEL_FROM", 1)
    monkeypatch.setattr(fmt, "RECORD_BATCH", 2)
    monkeypatch.setattr(manifest, "COMPACT_AFTER", 2)
    decisions: list[tuple[dict[str, int], dict[str, int]]] = []
    live = manifest._live

    def compared(db: Any) -> dict[str, int]:
        # The compaction check reads these figures alone: the same figures, the same decisions.
        decisions.append((live(db), {seg: size for seg, (_n, size) in summed(db, manifest.PARSED).items()}))
        return decisions[-1][0]

    monkeypatch.setattr(manifest, "_live", compared)
    compactions: list[int] = []
    compact = manifest._compact
    monkeypatch.setattr(manifest, "_compact", lambda scan, folder: (compactions.append(1), compact(scan, folder)))
    build(project)
    assert_totals_hold(project)
    changes = [lambda: add_to_body(project / A / "02-02.md", "群众满意。"),
               lambda: edit(project / A / "02-02.md", "年中答卷", "年中成绩单"),  # planned anew: new contexts
               lambda: (project / A / "02-05.md").unlink(),
               lambda: add_to_body(project / A / "02-03.md", "又及。"),
               lambda: add_to_body(project / A / "02-04.md", "完。"),
               lambda: edit(project / A / "02.page.yaml", "王  芳", "王  芬")]
    for change in changes:
        change()
        build(project)
        assert_totals_hold(project)
    assert len(decisions) >= len(changes) and all(new == old for new, old in decisions)
    assert compactions  # (and the totals held after each)
    assert len(list((project / CACHE / manifest.PARSED).glob("seg-*.bin"))) <= 3  # compacted as before


def test_a_cache_made_before_the_totals_keeps_working(project: Path, tmp_path: Path):
    build(project)
    for path in databases(project).values():
        strip_totals(path)
    add_to_body(project / A / "02-02.md", "群众满意。")
    assert build(project).rendered == 1  # the record still holds: the short path, no full build
    assert_totals_hold(project)
    assert _pages(tree(project / "build")) == clean_build(project, tmp_path / "clean")
