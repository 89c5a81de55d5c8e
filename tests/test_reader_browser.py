"""A reader in headless Chromium: the 404 page from any depth (under serve and
on a static host that sends one 404 page for every missing address), the 版
list of an archive without 版名, a photo's title and 本版其他文章."""
from __future__ import annotations

import http.server
import shutil
from pathlib import Path

import pytest
from conftest import serve_folder
from test_reader_pages import write_articles
from test_serve import Served

from wxnews_site.config import load_config
from wxnews_site.site.build import build_site

pytestmark = pytest.mark.browser

PAPER = "rgb(255, 253, 248)"  # --paper, the theme's background: the page is styled
DEEP = "2024/06/30/no-such-story/at/all.html"


class _OneNotFoundPage(http.server.SimpleHTTPRequestHandler):
    """A host like GitHub Pages: every missing address gets the site's 404.html."""

    site = "wxrb"

    def log_message(self, *args) -> None:
        pass

    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory) / self.site / "404.html"
        if code != 404 or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


def static_host(folder: Path):
    return serve_folder(folder, handler=_OneNotFoundPage)


def build_project(root: Path, site_yaml: str) -> Path:
    write_articles(root / "articles")
    (root / "site.yaml").write_text(site_yaml, encoding="utf-8")
    result = build_site(load_config(root=root))
    assert result.ok, result.problems
    return root / "build"


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("reader")
    build_project(root, "title: 无锡日报数字报\npaper: 无锡日报\n")
    return root


@pytest.fixture
def tab(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def follow_home_from_404(tab, url: str, home: str) -> None:
    response = tab.goto(url)
    assert response.status == 404
    assert tab.locator("h1").inner_text() == "页面未找到"
    assert tab.evaluate("getComputedStyle(document.body).backgroundColor") == PAPER
    link = tab.get_by_role("link", name="回到首页（最新一期）")
    tab.wait_for_function("want => document.querySelector('main a').href === want", arg=home + "index.html")
    link.click()
    tab.wait_for_url(home + "index.html")
    assert tab.locator(".front h1").inner_text().startswith("第01版")
    tab.go_back()
    # (the page comes back as loaded afresh: its links lead home once its script has run again)
    search = tab.get_by_role("link", name="全文检索")
    tab.wait_for_function("want => [...document.querySelectorAll('a')].some(a => a.href === want)",
                          arg=home + "search/index.html")
    search.click()
    tab.wait_for_url(home + "search/index.html")


@pytest.mark.parametrize("base_url", ["", "https://example.org/wxrb/"])
def test_a_deep_404_on_a_static_host_under_a_sub_path_is_styled_and_its_links_lead_home(
        tab, tmp_path: Path, base_url: str):
    built = build_project(tmp_path / "project", f"title: 无锡日报数字报\nbase_url: '{base_url}'\n")
    shutil.copytree(built, tmp_path / "host/wxrb")
    with static_host(tmp_path / "host") as host:
        follow_home_from_404(tab, host + "wxrb/" + DEEP, host + "wxrb/")


def test_a_deep_404_under_serve_is_styled_and_its_links_lead_home(tab, project: Path):
    served = Served(project)
    try:
        follow_home_from_404(tab, served.url + DEEP, served.url)
    finally:
        served.stop()


@pytest.fixture(scope="module")
def reader_host(project: Path):
    with static_host(project) as host:
        yield host + "build/"


def test_without_section_names_the_ban_list_and_the_search_filter_offer_each_ban(tab, reader_host: str):
    tab.goto(reader_host + "sections/index.html")
    assert tab.locator(".section-index a").all_inner_texts() == ["第01版", "第02版", "第05版"]
    tab.get_by_role("link", name="第02版").click()
    assert "新吴区发布人才新政" in tab.locator("main").inner_text()
    tab.goto(reader_host + "search/index.html")
    tab.wait_for_function("document.querySelectorAll('select[name=section] option').length > 1")
    assert tab.locator("select[name=section] option").all_inner_texts() == ["全部", "第01版", "第02版", "第05版"]
    tab.locator("select[name=section]").select_option("第02版")
    tab.locator("#search-q").fill("无锡")
    tab.locator("#search-q").press("Enter")
    tab.wait_for_function("document.querySelectorAll('#search-results li').length > 0")
    assert all("第2版" in r for r in tab.locator("#search-results li").all_inner_texts())


def test_a_photo_shows_its_captions_first_clause_and_the_other_stories_of_its_ban(tab, reader_host: str):
    tab.goto(reader_host + "2024/06/30/02-02.html")
    h1 = tab.locator("h1")
    assert h1.inner_text() == "2024赛季超三联赛（无锡文旅惠汕赛区）首站赛事昨天在市体育公园体育馆举行"
    assert tab.evaluate("getComputedStyle(document.querySelector('h1')).textWrap").startswith("balance")
    others = tab.get_by_role("navigation", name="本版其他文章 第02版")
    assert others.locator("li").all_inner_texts() == ["新吴区发布人才新政", "太湖蓝藻防控进入关键期 续"]
    others.get_by_role("link", name="新吴区发布人才新政").click()
    assert tab.locator("h1").inner_text() == "新吴区发布人才新政"
