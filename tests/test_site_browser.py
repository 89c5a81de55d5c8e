"""The built site in a real headless Chromium: served from 127.0.0.1, and opened from
file:// as a reader's copy on disk would be (everything but the search, whose
index a browser will not fetch from file://)."""
from __future__ import annotations

from pathlib import Path

import pytest
from conftest import serve_folder
from sample_archive import make_article
from test_build import XSS_TITLE, write

from wxnews_site.config import SiteConfig
from wxnews_site.site.build import build_site

pytestmark = pytest.mark.browser

PAGES = (
    "index.html", "2024/06/30/index.html", "2024/06/30/02.html", "2024/06/30/02-01.html",
    "2024/06/30/01-02.html", "people/宗晓东.html", "people/index.html", "sections/综合.html",
    "sections/index.html", "archive/index.html", "2024/index.html", "2024/06/index.html", "404.html",
    "search/index.html",
)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("site")
    bad = make_article("2024-06-30", 3, 1, XSS_TITLE, f"{XSS_TITLE}\n\n<script>alert(2)</script>",
                       kicker=XSS_TITLE, bylines=("崔欣润",), section="评论")
    write(root / "articles")
    write(root / "articles", (bad,), {})
    result = build_site(SiteConfig(title="无锡日报数字报", root=root), out_dir=root / "build")
    assert result.ok, result.problems
    return root / "build"


@pytest.fixture(scope="module")
def served(site: Path):
    with serve_folder(site) as base:
        yield base


@pytest.fixture
def tab(browser):
    """A page that records console errors, failed requests and dialogs."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.seen = []  # type: ignore[attr-defined]
    pg.on("console", lambda m: m.type == "error" and pg.seen.append(f"console: {m.text}"))
    pg.on("pageerror", lambda exc: pg.seen.append(f"error: {exc}"))
    # Leaving a page aborts its late requests (the favicon): not a failure of the site.
    pg.on("requestfailed", lambda r: "ERR_ABORTED" not in (r.failure or "") and pg.seen.append(f"failed: {r.url}"))
    pg.on("response", lambda r: r.status >= 400 and pg.seen.append(f"{r.status}: {r.url}"))

    def dialog(d):
        pg.seen.append(f"dialog: {d.message}")
        d.dismiss()
    pg.on("dialog", dialog)
    yield pg
    context.close()


def url(site: Path, path: str) -> str:
    return (site / path).as_uri()


def test_every_kind_of_page_renders_without_errors(served: str, tab):
    for path in PAGES:
        tab.goto(served + path)
        assert tab.locator("h1").first.is_visible(), path
        assert tab.evaluate("document.documentElement.lang") == "zh-CN"
        sheets = tab.evaluate("[...document.styleSheets].filter(s => s.href && s.href.endsWith('site.css')).length")
        assert sheets == 1, path
    assert tab.seen == []


def test_phone_layout_has_no_horizontal_scroll(served: str, browser):
    context = browser.new_context(viewport={"width": 375, "height": 740}, device_scale_factor=2, is_mobile=True)
    pg = context.new_page()
    try:
        for path in PAGES:
            pg.goto(served + path)
            width = pg.evaluate("document.documentElement.scrollWidth")
            assert width <= 375, f"{path} is {width}px wide at 375px"
    finally:
        context.close()


def test_a_reader_clicks_from_the_front_page_to_an_issue_a_story_and_its_reporter(site: Path, tab):
    tab.goto(url(site, "index.html"))
    tab.get_by_role("link", name="2024年6月30日 星期日").first.click()
    tab.wait_for_url("**/2024/06/30/index.html")
    tab.get_by_role("link", name="从科创“窗口”洞见更多深融可能").click()
    tab.wait_for_url("**/2024/06/30/02-01.html")
    assert tab.locator("h1").inner_text() == "从科创“窗口”洞见更多深融可能"
    tab.locator("article .people").get_by_role("link", name="崔欣润").click()
    tab.wait_for_url("**/people/%E5%B4%94%E6%AC%A3%E6%B6%A6.html")
    assert tab.locator("h1").inner_text() == "崔欣润"
    tab.get_by_role("link", name="往期回顾").click()
    tab.locator(".day-issue a").first.click()
    tab.wait_for_url("**/2024/06/28/index.html")
    assert tab.seen == []


def test_jump_links_lead_from_the_front_page_story_to_its_continuation_and_back(site: Path, tab):
    tab.goto(url(site, "2024/06/30/01-01.html"))
    tab.get_by_role("link", name="下转第2版").click()
    tab.wait_for_url("**/2024/06/30/02-04.html")
    tab.get_by_role("link", name="上接第1版").click()
    tab.wait_for_url("**/2024/06/30/01-01.html")


def test_script_in_an_article_never_runs_and_is_shown_as_text(site: Path, tab):
    for path in ("2024/06/30/03-01.html", "2024/06/30/03.html", "index.html", "sections/评论.html"):
        tab.goto(url(site, path))
    tab.goto(url(site, "2024/06/30/03-01.html"))
    assert tab.locator("h1").inner_text() == XSS_TITLE
    assert "<script>alert(2)</script>" in tab.locator(".body").inner_text()
    assert tab.evaluate("document.querySelectorAll('img').length") == 0
    assert not [s for s in tab.seen if s.startswith("dialog")]


def test_keyboard_users_get_a_visible_skip_link_to_the_content(site: Path, tab):
    tab.goto(url(site, "2024/06/30/02-01.html"))
    tab.keyboard.press("Tab")
    focused = tab.evaluate("document.activeElement.textContent")
    assert focused == "跳到正文"
    box = tab.locator(".skip-link").bounding_box()
    assert box is not None and box["y"] >= 0
    outline = tab.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    tab.keyboard.press("Enter")
    tab.wait_for_url("**#main")
