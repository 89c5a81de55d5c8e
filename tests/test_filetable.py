"""The scan's compact per-file state (filetable.py) against the dicts it replaced."""
from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest
from test_format import make

from wxnews_site import filetable, format as fmt
from wxnews_site.filetable import FileHashes, Ids
from wxnews_site.format import ParseCache, Problem, Segment, render_article, scan_archive

PATHS = ["top.md", "2024/06/30/02-01.md", "2024/06/30/02-02.md", "2024/06/30/extra/01-01.md",
         "2024/06/30/zz.page.yaml", "2024/07/01/01-01.md", "2025/01/01/03-10.md"]


def digest(i: int) -> str:
    return hashlib.sha256(str(i).encode()).hexdigest()


def test_file_hashes_behave_as_the_dict_they_replace():
    as_dict = {rel: digest(i) for i, rel in enumerate(PATHS)}
    files = FileHashes()
    for i, (rel, d) in enumerate(as_dict.items()):
        assert files.add(*rel.rpartition("/")[::2], d) == i
    # Order is the order added (a folder left and come back to: 2024/06/30 around its subfolder).
    assert list(files) == list(as_dict) and list(files.items()) == list(as_dict.items())
    assert list(files.keys()) == list(as_dict) and list(files.values()) == list(as_dict.values())
    assert len(files) == len(as_dict) and files == as_dict
    for i, (rel, d) in enumerate(as_dict.items()):
        assert rel in files and files[rel] == d and files.get(rel) == d and files.at(i) == rel
        assert (rel, d) in files.items()
    for missing in ("2024/06/30/02-03.md", "2024/06/30", "02-01.md", "2024/06/31/02-01.md", "", 7):
        assert missing not in files and files.get(missing) is None  # type: ignore[arg-type]
        with pytest.raises(KeyError):
            files[missing]  # type: ignore[index]
    with pytest.raises(IndexError):
        files.at(len(PATHS))
    assert {**files} == as_dict
    assert list(FileHashes()) == [] and len(FileHashes()) == 0


def test_file_hashes_answer_while_still_being_added_to():
    files = FileHashes()
    files.add("a", "1.md", digest(1))
    assert files["a/1.md"] == digest(1)
    files.add("a", "2.md", digest(2))  # the folder's run goes on after a lookup
    files.add("b", "1.md", digest(3))
    assert list(files.items()) == [("a/1.md", digest(1)), ("a/2.md", digest(2)), ("b/1.md", digest(3))]


def _old_twins(scan_order: list[tuple[str, str | None]]) -> list[Problem]:
    """Duplicate ids as the scan found them with a dict of every id."""
    seen: dict[str, str] = {}
    out = []
    for rel, aid in scan_order:
        if aid is None:
            continue
        if aid in seen:
            out.append(Problem(rel, 2, f"duplicate id {aid}: also used by {seen[aid]}"))
        else:
            seen[aid] = rel
    return out


def _archive(root: Path) -> list[tuple[str, str | None]]:
    """Files in path order with the id each one gives, several of them shared, across folders."""
    day, other = dt.date(2024, 6, 30), dt.date(2024, 7, 1)
    ids = {"2024/06/30/02-01.md": (day, 2, 1), "2024/06/30/02-02.md": (day, 2, 1),
           "2024/06/30/02-03.md": (day, 2, 3), "2024/06/30/02-04.md": (other, 1, 1),
           "2024/07/01/01-01.md": (other, 1, 1), "2024/07/01/01-02.md": (day, 2, 1),
           "2024/07/01/01-03.md": (day, 2, 3), "2024/07/01/01-04.md": (other, 1, 4)}
    out = []
    for rel, (date, page, position) in ids.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        a = make(date=date, page=page, position=position, id=f"{date.isoformat()}-{page:02d}-{position:02d}")
        (root / rel).write_text(render_article(a), encoding="utf-8")
        out.append((rel, a.id))
    return out


def test_ids_used_twice_are_reported_as_the_dict_of_every_id_reported_them(tmp_path: Path):
    root = tmp_path / "articles"
    expected = _old_twins(_archive(root))
    assert len(expected) == 4
    first = scan_archive(root)
    assert [p for p in first.problems if "duplicate id" in p.message] == expected
    cache = ParseCache(tmp_path / "cache")
    segment = Segment(tmp_path / "cache")
    scan_archive(root, cache, spill=segment, record=True)
    segment.close()
    again = scan_archive(root, cache)  # every id from the cache's rows
    assert not again.read and list(again.problems) == list(first.problems)


def test_ids_sharing_a_hash_are_told_apart(monkeypatch):
    monkeypatch.setattr(filetable, "hash", lambda s: 42, raising=False)
    ids = Ids()
    names = ["a", "b", "a", "c", "b", "a"]
    for i, aid in enumerate(names):
        ids.add(aid, i)
    assert ids.twins(names.__getitem__) == [(2, 0, "a"), (4, 1, "b"), (5, 0, "a")]


def test_a_parsing_child_records_its_rows_a_batch_at_a_time_and_keeps_none(tmp_path: Path, monkeypatch):
    root = tmp_path / "articles"
    _archive(root)
    monkeypatch.setattr(fmt, "RECORD_BATCH", 3)
    cache = ParseCache(tmp_path / "cache")
    puts: list[int] = []
    put = cache.put
    monkeypatch.setattr(cache, "put", lambda rows: (puts.append(len(rows)), put(rows)))
    segment = Segment(tmp_path / "cache")
    child = scan_archive(root, cache, spill=segment, record=True)
    segment.close()
    assert not child.read and not child.parsed and puts == [3, 3, 2]
    whole = scan_archive(root)
    again = scan_archive(root, cache)
    assert not again.read and again.files == whole.files and again.problems == whole.problems
    assert again.archive() == whole.archive()
