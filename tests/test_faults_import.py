"""Import under faults: an editor saving while the import writes, a write
failing halfway, a deleted story coming back from another source."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from test_import_write import THREE, page, run, snapshot, story

from wxnews_site.format import parse_page
from wxnews_site.importer import write

EDITED = "---\nid: \"2024-06-30-02-02\"\n"  # the head of an editor's save; the rest does not matter here


def failing_on(call: int, real, error: OSError):
    """real, but raising error on its call-th call, as a full or failing disk would."""
    calls = []

    def wrapper(*args):
        calls.append(args)
        if len(calls) == call:
            raise error
        return real(*args)

    return wrapper


def test_an_article_saved_while_the_import_writes_is_kept_and_named(tmp_path: Path):
    run(tmp_path, THREE)
    changed = page(*(story(f"{s.title}（更新）" if s.title else None, *s.paragraphs, kind=s.kind, lines=s.lines)
                     for s in THREE.draft.stories))
    plan = write.plan([changed], tmp_path)  # the plan sees the importer's own 02-02.md ...
    saved = (tmp_path / "2024/06/30/02-02.md").read_text(encoding="utf-8").replace("夏粮", "夏粮（编辑改）")
    (tmp_path / "2024/06/30/02-02.md").write_text(saved, encoding="utf-8")  # ... then the editor saves it
    write.apply(plan)
    assert (tmp_path / "2024/06/30/02-02.md").read_text(encoding="utf-8") == saved
    assert plan.changed_meanwhile == ["2024/06/30/02-02.md"]
    assert "（更新）" in (tmp_path / "2024/06/30/02-01.md").read_text(encoding="utf-8")
    # The editor's save stays protected on the next import too.
    again = write.plan([changed], tmp_path)
    assert again.named("skip-edited") == ["2024/06/30/02-02.md"]


def test_a_page_file_saved_while_the_import_writes_is_kept(tmp_path: Path):
    run(tmp_path, THREE)
    plan = write.plan([page(*THREE.draft.stories, credits=("本版责编：李华",))], tmp_path)
    page_file = tmp_path / "2024/06/30/02.page.yaml"
    mine = page_file.read_text(encoding="utf-8").replace("王小明", "王晓明")
    page_file.write_text(mine, encoding="utf-8")
    write.apply(plan)
    assert page_file.read_text(encoding="utf-8") == mine
    assert "2024/06/30/02.page.yaml" in plan.changed_meanwhile


def test_a_failed_write_while_staging_changes_nothing_and_leaves_no_partial_file(tmp_path: Path, monkeypatch):
    run(tmp_path, THREE)
    before = snapshot(tmp_path)
    changed = page(*(story(f"新{s.title}", *s.paragraphs, kind=s.kind, lines=s.lines) for s in THREE.draft.stories))
    plan = write.plan([changed], tmp_path)
    monkeypatch.setattr(write, "_stage", failing_on(2, write._stage, OSError(28, "No space left on device")))
    with pytest.raises(write.ApplyError, match="No space left on device.*nothing was changed"):
        write.apply(plan)
    assert snapshot(tmp_path) == before  # no article replaced, no .partial left


def test_a_failed_rename_says_what_was_and_was_not_changed(tmp_path: Path, monkeypatch):
    run(tmp_path, THREE)
    changed = page(*(story(f"新{s.title}", *s.paragraphs, kind=s.kind, lines=s.lines) for s in THREE.draft.stories))
    plan = write.plan([changed], tmp_path)
    monkeypatch.setattr(os, "replace", failing_on(2, os.replace, OSError(5, "Input/output error")))
    with pytest.raises(write.ApplyError) as err:
        write.apply(plan)
    message = str(err.value)
    assert "after 1 file(s) were written or removed (2024/06/30/02-01.md)" in message
    assert "not changed: 2024/06/30/02-02.md, 2024/06/30/02-03.md, 2024/06/30/02.page.yaml" in message
    assert not [f for f in snapshot(tmp_path) if f.endswith(".partial")]


def test_a_deleted_article_stays_deleted_across_a_shorter_source_and_the_full_one(tmp_path: Path):
    run(tmp_path, THREE)
    (tmp_path / "2024/06/30/02-03.md").unlink()  # merged into another story by the editor
    run(tmp_path, page(*THREE.draft.stories[:2]))  # a source with fewer stories
    info = parse_page((tmp_path / "2024/06/30/02.page.yaml").read_text(encoding="utf-8"))
    assert "02-03.md" in info.imported  # the deletion is remembered ...
    plan = run(tmp_path, THREE)  # ... when the full source comes again
    assert plan.named("skip-deleted") == ["2024/06/30/02-03.md"]
    assert not (tmp_path / "2024/06/30/02-03.md").exists()


def test_files_staged_by_a_killed_import_are_cleared_by_the_next(tmp_path: Path):
    run(tmp_path, THREE)
    dead = tmp_path / "2024/06/30/.02-01.md.import-999999999.partial"  # no such process
    dead.write_bytes(b"half")
    run(tmp_path, page(*(story(f"新{s.title}", *s.paragraphs, kind=s.kind, lines=s.lines)
                         for s in THREE.draft.stories)))
    assert not dead.exists()
