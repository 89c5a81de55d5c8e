"""wxnews-site serve: a preview that follows the editor's saves, on 127.0.0.1 only."""
from __future__ import annotations

import queue
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from sample_archive import edit, write_archive

from wxnews_site.cli import main

ARTICLE = "2024/06/30/02-01"
TITLE = "新吴区发布人才新政"


class Served:
    """`wxnews-site serve --port 0 [args]` in a project folder, its output read line by line."""

    def __init__(self, project: Path, *args: str):
        self.project = project
        self.lines: queue.Queue[str] = queue.Queue()
        self.log: list[str] = []
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "wxnews_site", "serve", "--port", "0", *args], cwd=project,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, encoding="utf-8",
        )
        threading.Thread(target=self._read, daemon=True).start()
        line = self.wait_for("Serving http://", timeout=90)
        self.url = re.search(r"http://127\.0\.0\.1:\d+/", line).group(0)

    def _read(self) -> None:
        for line in self.proc.stdout:  # type: ignore[union-attr]
            self.lines.put(line.rstrip("\n"))

    def wait_for(self, text: str, timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                if self.proc.poll() is not None:
                    break
                continue
            self.log.append(line)
            if text in line:
                return line
        raise AssertionError(f"serve never printed {text!r}; it printed:\n" + "\n".join(self.log))

    def get(self, path: str) -> tuple[int, dict[str, str], str]:
        try:
            with urllib.request.urlopen(self.url + path, timeout=10) as r:
                return r.status, dict(r.headers), r.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers), e.read().decode("utf-8", "replace")

    def drain(self) -> None:
        while True:
            try:
                self.log.append(self.lines.get_nowait())
            except queue.Empty:
                return

    def eventually(self, path: str, text: str, timeout: float = 20) -> str:
        deadline = time.monotonic() + timeout
        body = ""
        while time.monotonic() < deadline:
            self.drain()
            _, _, body = self.get(path)
            if text in body:
                return body
            time.sleep(0.25)
        raise AssertionError(f"{text!r} never appeared in {path}; serve printed:\n" + "\n".join(self.log))

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)


@pytest.fixture
def served(tmp_path: Path):
    write_archive(tmp_path)
    s = Served(tmp_path)
    try:
        yield s
    finally:
        s.stop()


def test_an_edited_article_shows_in_the_served_page(served: Served):
    status, headers, body = served.get(f"{ARTICLE}.html")
    assert status == 200 and TITLE in body
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert "/__reload" in body, "served HTML carries the live-reload script"
    built = (served.project / "build" / f"{ARTICLE}.html").read_text(encoding="utf-8")
    assert "__reload" not in built, "the built files stay as they will be published"

    edit(served.project / f"articles/{ARTICLE}.md", TITLE, "新吴区人才新政二十条发布")
    served.eventually(f"{ARTICLE}.html", "新吴区人才新政二十条发布")
    assert "__reload" not in (served.project / "build" / f"{ARTICLE}.html").read_text(encoding="utf-8")


def serve_telling(tmp_path: Path, poll: bool = False):
    """A DevServer on the sample archive whose builds are recorded: the
    list of what each was told had changed (build --changed), and the server."""
    import io

    from wxnews_site.devserver import DevServer
    from wxnews_site.site.build import build_site

    write_archive(tmp_path)
    (tmp_path / "site.yaml").write_text("title: 无锡日报数字报\n", encoding="utf-8")
    told: list[object] = []

    def builder(*args, changed=None, **kwargs):
        told.append(changed)
        return build_site(*args, changed=changed, **kwargs)

    return told, DevServer(tmp_path / "site.yaml", port=0, log=io.StringIO(), builder=builder, poll=poll)


def test_a_saved_article_is_rebuilt_from_that_file_alone(tmp_path: Path):
    """The watcher tells the build which article files changed since the last
    good build (build --changed); anything else leaves the build to scan the archive."""
    told, server = serve_telling(tmp_path, poll=True)
    try:
        assert server.rebuild() and told == [None]  # the first build scans
        article = tmp_path / f"articles/{ARTICLE}.md"
        edit(article, "。", "！")
        assert server.rebuild() and told[-1] == [article.resolve()]
        assert "！" in (tmp_path / f"build/{ARTICLE}.html").read_text(encoding="utf-8")
        (tmp_path / "site.yaml").write_text("title: 无锡日报数字报档案\n", encoding="utf-8")
        assert server.reload_config() and server.rebuild() and told[-1] is None
    finally:
        server.close()


def test_the_search_index_is_served_in_ranges_as_hosts_serve_it(served: Served):
    pack = served.project / "build" / "search" / "d" / "0.bin"
    data = pack.read_bytes()
    req = urllib.request.Request(served.url + "search/d/0.bin", headers={"Range": "bytes=4-11"})
    with urllib.request.urlopen(req, timeout=10) as r:
        assert r.status == 206 and r.headers["Content-Range"] == f"bytes 4-11/{len(data)}"
        assert r.read() == data[4:12]
    req = urllib.request.Request(served.url + "search/d/0.bin", headers={"Range": f"bytes={len(data)}-"})
    try:
        urllib.request.urlopen(req, timeout=10)
        raise AssertionError("a range past the end is answered")
    except urllib.error.HTTPError as e:
        assert e.code == 416 and e.headers["Content-Range"] == f"bytes */{len(data)}"


def test_a_failed_rebuild_keeps_the_last_good_site(served: Served):
    state = served.get("__reload")[2]
    edit(served.project / f"articles/{ARTICLE}.md", "date: 2024-06-30", "date: 2024-06-31")
    served.wait_for("build failed")
    assert any(line.startswith("articles/2024/06/30/02-01.md:3: error: bad date") for line in served.log), served.log
    status, _, body = served.get(f"{ARTICLE}.html")
    assert status == 200 and TITLE in body, "the last good page is still served"
    assert "Build failed" in body and "bad date" in body
    assert served.get("__reload")[2] != state

    edit(served.project / f"articles/{ARTICLE}.md", "date: 2024-06-31", "date: 2024-06-30")
    served.wait_for("built in")
    assert "Build failed" not in served.get(f"{ARTICLE}.html")[2]


def test_site_yaml_and_template_overrides_are_watched_too(served: Served):
    (served.project / "site.yaml").write_text("title: 锡城旧报\n", encoding="utf-8")
    served.eventually(f"{ARTICLE}.html", "锡城旧报")

    # A newly created top-level templates/ folder overrides the theme from the next rebuild on.
    import wxnews_site

    theme = Path(wxnews_site.__file__).parent / "templates" / "base.html"
    override = served.project / "templates" / "base.html"
    override.parent.mkdir()
    override.write_text(theme.read_text(encoding="utf-8").replace("</body>", "<p>编辑部预览</p></body>"), encoding="utf-8")
    served.eventually(f"{ARTICLE}.html", "编辑部预览")


def test_chinese_paths_content_types_and_folders(served: Served):
    status, headers, body = served.get("people/%E5%88%98%E6%B3%89.html")  # people/刘泉.html
    assert status == 200 and "刘泉" in body and headers["Content-Type"] == "text/html; charset=utf-8"
    # Files of every kind a theme or the search may add, placed beside the built ones.
    extra = served.project / "build" / "资料"
    extra.mkdir()
    for name, ctype in (("样式.css", "text/css"), ("检索.js", "text/javascript"), ("索引.json", "application/json"),
                        ("订阅.xml", "application/xml"), ("图.svg", "image/svg+xml")):
        (extra / name).write_text("{}", encoding="utf-8")
        status, headers, _ = served.get(urllib.parse.quote(f"资料/{name}"))
        assert status == 200 and headers["Content-Type"].startswith(ctype), (name, headers["Content-Type"])
    status, _, body = served.get("2024/06/30/")
    assert status == 200 and TITLE in body
    req = urllib.request.Request(served.url + "2024/06/30", method="HEAD")
    with urllib.request.urlopen(req, timeout=10) as r:  # follows the redirect to the folder
        assert r.status == 200 and r.url.endswith("/2024/06/30/")
    assert served.get("2024/13/99.html")[0] == 404
    assert served.get("../../etc/passwd")[0] == 404


def test_port_in_use_is_a_clear_error(tmp_path: Path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    write_archive(tmp_path)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["serve", "--port", str(port)]) == 1
    err = capsys.readouterr().err
    assert f"port {port} on 127.0.0.1 is already in use" in err and f"--port {port + 1}" in err
    assert not (tmp_path / "build").exists(), "nothing is built when the port is taken"


@pytest.mark.browser
def test_the_open_browser_page_reloads_after_a_save(served: Served, browser):
    page = browser.new_page()
    try:
        page.goto(served.url + f"{ARTICLE}.html")
        assert TITLE in page.content()
        edit(served.project / f"articles/{ARTICLE}.md", TITLE, "新吴区人才新政正式实施")
        page.wait_for_function("document.body.innerText.includes('新吴区人才新政正式实施')", timeout=20_000)
    finally:
        page.close()


def test_sigterm_stops_the_preview_cleanly(served: Served):
    served.proc.terminate()
    assert served.proc.wait(timeout=10) == 0
    served.wait_for("stopped", timeout=5)
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(served.url, timeout=2)


def test_a_rebuild_prints_the_warnings_that_are_new_and_counts_the_rest(tmp_path: Path):
    told, server = serve_telling(tmp_path, poll=True)
    log = server.log  # type: ignore[attr-defined]

    def rebuilt_after(change) -> str:
        start = len(log.getvalue())
        change()
        assert server.reload_config() and server.rebuild()
        return log.getvalue()[start:]

    try:
        assert rebuilt_after(lambda: None).count("open review flags") == 2
        site_yaml = tmp_path / "site.yaml"
        again = rebuilt_after(lambda: site_yaml.write_text("title: 无锡日报数字报档案\n", encoding="utf-8"))
        assert told[-1] is None  # the whole archive read again, its warnings with it
        assert "open review flags" not in again
        assert "note: 2 warning(s) as before, not repeated (wxnews-site check lists them all)" in again
        article = tmp_path / "articles/2024/06/30/02-03.md"
        edit(article, "review: []", "review: [标题可能不完整]")  # a new flag is news
        news = rebuilt_after(lambda: site_yaml.write_text("title: 无锡日报数字报\n", encoding="utf-8"))
        assert news.count("open review flags") == 1 and "标题可能不完整" in news
        assert "note: 2 warning(s) as before" in news
    finally:
        server.close()
