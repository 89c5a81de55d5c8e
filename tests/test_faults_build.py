"""Faults around publishing a build: two builds at once, the swap, an empty archive."""
from __future__ import annotations

import os
import re
import shutil
import threading
from pathlib import Path

import pytest
from test_build import project, tree, write  # noqa: F401 (the fixture)

from wxnews_site import cli
from wxnews_site.config import load_config
from wxnews_site.linkcheck import check_links
from wxnews_site.site import publish
from wxnews_site.site.build import build_site


def _build(project: Path, **kw):
    return build_site(load_config(root=project), **kw)


def test_a_build_while_another_holds_the_folder_waits_for_it_then_builds(project: Path):
    assert _build(project).ok
    held = publish.build_lock(project / "build", project / ".cache/wxnews-site")
    heard: list[str] = []
    done: list = []
    worker = threading.Thread(target=lambda: done.append(_build(project, on_wait=heard.append)))
    worker.start()
    worker.join(0.5)
    assert worker.is_alive() and not done  # it waits ...
    assert heard and "another build of" in heard[0] and f"process {os.getpid()}" in heard[0]
    held.close()
    worker.join(60)
    assert done and done[0].ok  # ... and builds once the other one is done
    assert check_links(project / "build") == []


def test_no_wait_refuses_at_once_and_leaves_the_site_as_it_was(project: Path, capsys):
    assert cli.main(["--config", str(project / "site.yaml"), "build"]) == 0
    before = tree(project / "build")
    with publish.build_lock(project / "build", project / ".cache/wxnews-site"):
        code = cli.main(["--config", str(project / "site.yaml"), "build", "--no-wait"])
    err = capsys.readouterr().err
    assert code == 1
    assert "error: another build of" in err and "not waiting" in err
    assert tree(project / "build") == before


def test_serve_and_build_share_one_lock(project: Path):
    from wxnews_site.devserver import DevServer

    server = DevServer(project / "site.yaml", port=0, log=open(os.devnull, "w"))
    try:
        with publish.build_lock(project / "build", project / ".cache/wxnews-site"):
            out = _build(project, wait=False)
        assert not out.ok
        assert server.rebuild()
    finally:
        server.close()


def test_the_published_folder_is_never_missing_during_the_swap(project: Path, monkeypatch):
    assert _build(project).ok
    site = project / "build"
    (project / "articles/2024/06/30/02-05.md").unlink()
    missing: list[str] = []
    real_rename = os.rename

    def watched(a, b, *args, **kw):
        real_rename(a, b, *args, **kw)
        if not site.is_dir() or not (site / "index.html").is_file():
            missing.append(f"after renaming {a} to {b}")

    monkeypatch.setattr(os, "rename", watched)
    assert _build(project).ok
    assert missing == []
    assert not (site / "2024/06/30/02-05.html").exists()  # the new site is the one in place


def test_exchange_swaps_two_folders_in_one_step(tmp_path: Path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "x").write_text("new")
    (b / "x").write_text("old")
    if not publish.exchange(a, b):
        pytest.skip("this file system cannot exchange two paths")  # tmpfs and ext4 can
    assert (b / "x").read_text() == "new" and (a / "x").read_text() == "old"


def test_an_empty_archive_does_not_replace_a_site_with_articles(project: Path, capsys):
    config = ["--config", str(project / "site.yaml"), "build"]
    assert cli.main(config) == 0
    before = tree(project / "build")
    shutil.rmtree(project / "articles")
    (project / "articles").mkdir()
    assert cli.main(config) == 1
    err = capsys.readouterr().err
    assert "holds no articles" in err and "--allow-empty" in err
    assert tree(project / "build") == before
    assert cli.main(config + ["--allow-empty"]) == 0
    assert not (project / "build/2024").exists()


def test_two_builds_started_together_both_finish_and_the_site_is_whole(project: Path):
    results: list = []
    threads = [threading.Thread(target=lambda: results.append(_build(project, on_wait=lambda _t: None)))
               for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert len(results) == 2 and all(r.ok for r in results)
    assert check_links(project / "build") == []
    assert (project / "build/2024/06/30/02-05.html").is_file()


def test_a_full_disk_during_a_build_fails_cleanly_and_keeps_the_site(project: Path, monkeypatch, capsys):
    import errno

    from wxnews_site.site import build as build_mod

    assert cli.main(["--config", str(project / "site.yaml"), "build"]) == 0
    before = tree(project / "build")
    (project / "articles/2024/06/30/02-05.md").unlink()
    real, calls = build_mod._write, []

    def full(target, data, folders):
        calls.append(target)
        if len(calls) == 3:
            raise OSError(errno.ENOSPC, "No space left on device", target)
        return real(target, data, folders)

    monkeypatch.setattr(build_mod, "_write", full)
    assert cli.main(["--config", str(project / "site.yaml"), "build"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and re.search(r"build(?::\d+)?: error: writing the site failed: No space left", err)
    assert tree(project / "build") == before
    assert not (project / "build.partial").exists()
