"""Search on the committed sample archive (the Wuxi Daily page of 2024-06-30), in headless Chromium."""
from __future__ import annotations

import shutil

import pytest

from wxnews_site.config import load_config
from wxnews_site.format import read_archive
from wxnews_site.search.normalize import normalize, searchable_text
from wxnews_site.site.typography import cjk_punctuation

from conftest import ROOT, serve_folder

pytestmark = pytest.mark.browser
ROBOT = "加码无锡,“人形机器人第一股”向未来跃进"


@pytest.fixture(scope="module")
def sample_site(tmp_path_factory):
    from wxnews_site.site.build import build_site

    root = tmp_path_factory.mktemp("sample")
    shutil.copy(ROOT / "site.yaml", root / "site.yaml")
    shutil.copytree(ROOT / "articles", root / "articles")
    result = build_site(load_config(root / "site.yaml"), out_dir=root / "build")
    assert result.ok, result.problems
    with serve_folder(root / "build") as url:
        yield url, read_archive(root / "articles").articles


@pytest.fixture()
def page(browser):
    context = browser.new_context()
    yield context.new_page()
    context.close()


def test_type_robot_in_the_header_box_and_land_on_the_article(page, sample_site):
    url, _ = sample_site
    page.goto(url + "index.html")
    box = page.locator('form[role="search"] input[name="q"]').first
    box.fill("机器人")
    box.press("Enter")
    first = page.locator(".search-result-title a").first
    first.wait_for()
    assert first.inner_text() == ROBOT
    assert [m.inner_text() for m in first.locator("mark").all()] == ["机器人"]
    assert "机器人" in page.locator(".search-result-excerpt").first.locator("mark").all_inner_texts()
    first.click()
    page.wait_for_url("**/2024/06/30/02-*.html")
    # The article page shows the half-width comma between Chinese full-width, as printed.
    assert cjk_punctuation(ROBOT) in page.locator("h1").first.inner_text()


@pytest.mark.parametrize("query, word", [("長三角", "长三角"), ("加装电梯", "加装电梯"), ("辋村", "辋村")])
def test_sample_queries_find_every_article_that_holds_them(page, sample_site, query, word):
    url, articles = sample_site
    expected = {a.id for a in articles if word in normalize(searchable_text(a))}
    assert expected
    page.goto(url + "search/index.html?q=" + query)
    page.locator(".search-result").first.wait_for()
    res = page.evaluate("(q) => wxnewsSearch(q, {limit: 100})", query)
    assert {r["id"] for r in res["results"]} == expected and res["total"] == len(expected)
    assert page.locator(".search-result").count() == len(expected)
    assert word in page.locator(".search-result mark").all_inner_texts()


def test_sample_query_with_no_match(page, sample_site):
    url, _ = sample_site
    page.goto(url + "search/index.html?q=火星基地")
    page.wait_for_function("document.getElementById('search-status').textContent.includes('没有找到')")
    assert page.locator(".search-result").count() == 0
