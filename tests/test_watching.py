"""serve's watcher: the system's file events name what an editor saved, so a
save costs the same whatever the archive's size; polling where events do not reach."""
from __future__ import annotations

import io
import os
import shutil
import sys
import threading
import time
from pathlib import Path

import pytest
from sample_archive import edit, write_archive
from test_serve import serve_telling

from wxnews_site import watching
from wxnews_site.devserver import DevServer
from wxnews_site.watching import Events, Polling, watcher

ARTICLE = "2024/06/30/02-01"


def taken_until(w: watching.Watcher, want: set[str], timeout: float = 10) -> set[str]:
    """Everything the watcher reports until it has reported every path of want (events arrive from a thread)."""
    got: set[str] = set()
    deadline = time.monotonic() + timeout
    while not want <= got and time.monotonic() < deadline:
        more = w.take()
        assert more is not None, "the watcher lost track"
        got |= more
        time.sleep(0.05)
    return got


@pytest.fixture
def events(tmp_path: Path):
    write_archive(tmp_path)
    w = Events([tmp_path / "articles", tmp_path / "templates", tmp_path / "site.yaml"])
    try:
        yield tmp_path, w
    finally:
        w.close()


def test_an_edited_article_is_named_by_its_event(events):
    root, w = events
    article = root / f"articles/{ARTICLE}.md"
    edit(article, "。", "！")
    assert taken_until(w, {str(article)}) == {str(article)}


def test_a_new_days_folder_copied_in_is_its_article_files(events, tmp_path_factory):
    root, w = events
    elsewhere = tmp_path_factory.mktemp("issue")
    day = elsewhere / "01"
    day.mkdir()
    (day / "01-01.md").write_text("---\n---\n", encoding="utf-8")
    (day / "01-01.page.yaml").write_text("page: 1\n", encoding="utf-8")
    os.rename(day, root / "articles/2024/07")  # a whole folder moved in at once: one event for it
    files = {str(root / "articles/2024/07/01-01.md"), str(root / "articles/2024/07/01-01.page.yaml")}
    assert files <= taken_until(w, files)


def test_swap_files_hidden_folders_and_half_written_files_are_not_changes(events):
    root, w = events
    folder = root / "articles/2024/06/30"
    (folder / ".02-01.md.swp").write_text("x", encoding="utf-8")
    (root / "articles/.git").mkdir()
    (root / "articles/.git/index").write_text("x", encoding="utf-8")
    (folder / "02-09.md.partial").write_text("x", encoding="utf-8")
    (root / "build").mkdir()  # beside the watched files, not among them
    (root / "build/index.html").write_text("x", encoding="utf-8")
    marker = folder / "02-01.md"
    edit(marker, "。", "！")
    assert taken_until(w, {str(marker)}) == {str(marker)}


def test_a_templates_folder_made_after_the_start_is_watched_from_then_on(events):
    root, w = events
    (root / "templates").mkdir()
    taken_until(w, {str(root / "templates")})
    page = root / "templates/base.html"
    page.write_text("<html></html>", encoding="utf-8")
    assert str(page) in taken_until(w, {str(page)})
    shutil.rmtree(root / "templates")
    (root / "templates").mkdir()  # removed and made again: watched again
    taken_until(w, {str(root / "templates")})
    page.write_text("<html>again</html>", encoding="utf-8")
    assert str(page) in taken_until(w, {str(page)})


def test_site_yaml_is_watched_alone(events):
    root, w = events
    (root / "site.yaml").write_text("title: 无锡日报\n", encoding="utf-8")
    (root / "notes.txt").write_text("not watched\n", encoding="utf-8")
    assert taken_until(w, {str(root / "site.yaml")}) == {str(root / "site.yaml")}


def test_lost_events_make_the_next_build_scan(events):
    root, w = events

    class Lost:
        event_type, is_directory, src_path = "events_lost", True, str(root / "articles")

    w._event(Lost())
    assert w.take() is None
    assert w.take() == set()


def test_a_save_in_serve_is_built_from_that_file_alone_without_walking_the_archive(tmp_path: Path, monkeypatch):
    told, server = serve_telling(tmp_path)
    stop = threading.Event()
    loop = threading.Thread(target=server.watch, args=(stop,), daemon=True)
    try:
        assert server.watcher.kind == "events"
        assert server.rebuild() and told == [None]  # the first build scans

        def walked(roots):
            raise AssertionError(f"walked {roots}")

        monkeypatch.setattr(watching, "fingerprint", walked)  # a file's event must not walk the archive
        loop.start()
        article = (tmp_path / f"articles/{ARTICLE}.md").resolve()
        edit(article, "。", "！")
        deadline = time.monotonic() + 20
        while len(told) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert told[1:] == [[article]], server.log.getvalue()  # type: ignore[attr-defined]
    finally:
        stop.set()
        loop.join(timeout=10)
        server.close()


def test_without_watchdog_serve_polls_and_says_so(tmp_path: Path, monkeypatch):
    write_archive(tmp_path)
    (tmp_path / "site.yaml").write_text("title: 无锡日报数字报\n", encoding="utf-8")
    monkeypatch.setitem(sys.modules, "watchdog.observers", None)  # as if not installed
    log = io.StringIO()
    server = DevServer(tmp_path / "site.yaml", port=0, log=log)
    try:
        assert isinstance(server.watcher, Polling)
        assert "note: watching the files by polling: no file events (watchdog is not installed)" in log.getvalue()
    finally:
        server.close()


def test_when_the_system_refuses_the_watches_serve_polls(tmp_path: Path, monkeypatch):
    write_archive(tmp_path)

    def refused(self, roots):
        raise OSError(28, "inotify watch limit reached")

    monkeypatch.setattr(Events, "__init__", refused)
    w, why = watcher([tmp_path / "articles"])
    assert isinstance(w, Polling) and why == "inotify watch limit reached"
    article = tmp_path / f"articles/{ARTICLE}.md"
    time.sleep(0.01)
    edit(article, "。", "！")
    assert w.take() == {str(article)}
