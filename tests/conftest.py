"""Shared fixtures: the bundled sample page, its gold file, and a real headless Chromium."""
from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import threading
from pathlib import Path

import pytest

HERE = Path(__file__).parent
ROOT = HERE.parent
FIXTURES = HERE / "fixtures"
SAMPLE_PAGE = FIXTURES / "pages" / "wuxi-2024-06-30_02.txt"
SAMPLE_GOLD = FIXTURES / "pages" / "wuxi-2024-06-30_02.gold.yaml"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]


@pytest.fixture(autouse=True)
def messages_in_english(monkeypatch):
    """Messages in English whatever the machine's locale (LANG=zh_CN.UTF-8 gives Chinese),
    in this process and in the commands the tests start; the translation tests ask for zh."""
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")


@pytest.fixture(scope="session")
def sample_page() -> Path:
    return SAMPLE_PAGE


@pytest.fixture(scope="session")
def sample_gold() -> Path:
    return SAMPLE_GOLD


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium through Playwright. In CI a missing browser fails, never skips."""
    if not Path(CHROMIUM).exists() or shutil.which("chromium") is None:
        if os.environ.get("CI"):
            pytest.fail("Debian chromium is not installed; scripts/test installs it")
        pytest.skip("Debian chromium not installed (scripts/test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


class _NoRangesHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@contextlib.contextmanager
def serve_folder(folder: Path, ranges: bool = True, handler: type | None = None):
    """A built site on a local static server at 127.0.0.1, as a reader's browser fetches it:
    one that honours byte ranges like most hosts, or (ranges=False) one that ignores them,
    or one with a handler of the test's own."""
    from wxnews_site.devserver import StaticHandler

    handler = handler or (StaticHandler if ranges else _NoRangesHandler)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
