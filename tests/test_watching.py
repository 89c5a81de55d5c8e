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


class Watching:
    """serve's watch loop in a thread over the sample archive, its builds recorded."""

    def __init__(self, tmp_path: Path):
        self.told, self.server = serve_telling(tmp_path)
        self.root = tmp_path
        assert self.server.watcher.kind == "events"
        assert self.server.rebuild() and self.told == [None]  # the first build scans
        self.stop = threading.Event()
        self.loop = threading.Thread(target=self.server.watch, args=(self.stop,), daemon=True)
        self.loop.start()

    def builds_after(self, change, count: int = 1, timeout: float = 20) -> list[object]:
        """What the builds were told after change, once count more builds ran (or a quiet second for 0)."""
        before, built = len(self.told), self.server.state.build
        change()
        deadline = time.monotonic() + (timeout if count else 1.5)
        while self.server.state.build < built + count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.told[before:]

    def close(self) -> None:
        self.stop.set()
        self.loop.join(timeout=10)
        self.server.close()


@pytest.fixture
def watching_serve(tmp_path: Path):
    w = Watching(tmp_path)
    try:
        yield w
    finally:
        w.close()


def test_a_save_in_serve_is_built_from_that_file_alone_without_walking_the_archive(watching_serve, monkeypatch):
    def walked(roots):
        raise AssertionError(f"walked {roots}")

    monkeypatch.setattr(watching, "fingerprint", walked)  # a file's event must not walk the archive
    article = (watching_serve.root / f"articles/{ARTICLE}.md").resolve()
    assert watching_serve.builds_after(lambda: edit(article, "。", "！")) == [[article]]


def test_an_atomic_save_through_a_temporary_file_is_still_that_file_alone(watching_serve):
    article = (watching_serve.root / f"articles/{ARTICLE}.md").resolve()

    def save() -> None:  # as many editors save: a new file beside, renamed over the old
        tmp = article.with_name(article.name + ".tmp")
        tmp.write_text(article.read_text(encoding="utf-8").replace("。", "！", 1), encoding="utf-8")
        os.replace(tmp, article)

    assert watching_serve.builds_after(save) == [[article]]
    backup = article.with_name(article.name + "~")
    assert watching_serve.builds_after(lambda: backup.write_text("旧稿", encoding="utf-8"), count=0) == []


def test_a_folder_moved_out_of_the_archive_makes_the_build_scan(watching_serve, tmp_path_factory):
    day = watching_serve.root / "articles/2024/06/29"
    away = tmp_path_factory.mktemp("away") / "29"
    assert watching_serve.builds_after(lambda: os.rename(day, away)) == [None]
    assert not (watching_serve.root / "build/2024/06/29/01-01.html").exists(), watching_serve.server.log.getvalue()


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
