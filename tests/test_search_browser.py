"""search.js in a real headless Chromium, over a site built from the invented archive."""
from __future__ import annotations

import contextlib
import random

import pytest
from pathlib import Path

from conftest import serve_folder
from test_search import ARTICLES, article, write_archive
from wxnews_site.config import SiteConfig
from wxnews_site.search import layout
from wxnews_site.search.normalize import normalize, parse_query, searchable_text

pytestmark = pytest.mark.browser


def build(root: Path, articles=ARTICLES) -> Path:
    from wxnews_site.site.build import build_site

    write_archive(root / "articles", articles)
    config = SiteConfig(title="测试档案", search_words=("新吴区",), root=root)
    result = build_site(config, articles_dir=root / "articles", out_dir=root / "build")
    assert result.ok, result.problems
    return root / "build"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("searchsite"))


@pytest.fixture(scope="module")
def site_url(site):
    with serve_folder(site) as url:
        yield url


@contextlib.contextmanager
def search_page(browser, url: str):
    """A fresh browser's search page of the site at url, failing on any script error."""
    context = browser.new_context()
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.goto(url + "search/index.html")
    pg.wait_for_function("window.wxnewsSearch !== undefined")
    yield pg
    context.close()
    assert not errors, errors


@pytest.fixture()
def page(browser, site_url):
    with search_page(browser, site_url) as pg:
        yield pg


def search(page, query: str, **opts) -> dict:
    return page.evaluate("([q, o]) => wxnewsSearch(q, o)", [query, {"limit": 100, **opts}])


def titles(res: dict) -> list[str]:
    return [r["title"] for r in res["results"]]


def test_query_inside_a_longer_word_is_found(page):
    assert titles(search(page, "机器"))[:1] == ["加码无锡,“人形机器人第一股”向未来跃进"]
    assert "长三角一体化再提速" in titles(search(page, "三角"))
    assert titles(search(page, "航道")) == ["长三角一体化再提速"]


def test_a_match_far_into_a_long_article_is_found_and_shown(page):
    (r,) = search(page, "蠡园深处")["results"]
    assert r["title"] == "太湖漫记" and ["蠡园深处", True] in r["excerptParts"]


def test_space_separated_terms_must_all_occur(page):
    assert titles(search(page, "老旧小区 加装电梯")) == ["老旧小区加装电梯 民生实事落地"]
    assert search(page, "老旧小区 英伟达")["total"] == 0


def test_a_quoted_phrase_must_occur_exactly(page):
    assert search(page, "小区 加装")["total"] == 1
    assert search(page, "\"小区加装\"")["total"] == 1
    assert search(page, "\"加装小区\"")["total"] == 0


def test_traditional_full_width_and_capital_queries_are_folded(page):
    delta = set(titles(search(page, "長三角")))
    assert delta == {"长三角一体化再提速", "两岸交流"}
    assert set(titles(search(page, "機器人"))) == {"加码无锡,“人形机器人第一股”向未来跃进", "两岸交流"}
    assert titles(search(page, "ＡＩ芯片")) == titles(search(page, "ai芯片")) == ["ＡＩ芯片展亮相"]
    assert titles(search(page, "nvidia")) == titles(search(page, "NVIDIA")) == ["长三角一体化再提速"]
    assert titles(search(page, "IPHONE")) == ["ＡＩ芯片展亮相"]


def test_no_match_gives_total_zero(page):
    res = search(page, "辋村")
    assert (res["total"], res["exact"], res["complete"], res["terms"], res["results"]) == (0, True, True, ["辋村"], [])
    assert search(page, "   ")["total"] == 0


def test_headline_matches_rank_first_then_newer(page):
    res = search(page, "老旧小区")
    # The body-only article is newer, but the headline match comes first.
    assert titles(res) == ["老旧小区加装电梯 民生实事落地", "城市更新观察"]
    assert titles(search(page, "老旧小区", sort="date")) == ["城市更新观察", "老旧小区加装电梯 民生实事落地"]


def test_results_carry_the_api_fields(page):
    (r,) = search(page, "人形机器人")["results"]
    assert r["id"] == "2024-06-30-02-01" and r["url"] == "2024/06/30/02-01.html"
    assert (r["date"], r["page"], r["section"], r["bylines"]) == ("2024-06-30", 2, "经济", ["崔欣润"])
    assert "人形机器人" in r["excerpt"]
    assert ["人形机器人", True] in r["titleParts"] and ["人形机器人", True] in r["excerptParts"]


def test_limit_counts_and_total_counts_every_match(page):
    res = search(page, "的", limit=1)
    everything = search(page, "的", limit=1000)
    assert len(res["results"]) == 1 and res["total"] == everything["total"] == len(everything["results"])


def truth(query: str) -> set[str]:
    texts = {a.id: normalize(searchable_text(a)) for a in ARTICLES}
    return {i for i, t in texts.items() if all(term in t for term in parse_query(query))}


@pytest.mark.parametrize("query", ["老旧小区", "机器", "小区 加装", "長三角", "蠡园深处", "太湖", "\"小区加装\"", "。今"])
def test_total_is_exact_whatever_the_limit(page, query):
    """Terms longer than a bigram need each candidate checked: the count still is exact with limit 1."""
    one, every = search(page, query, limit=1), search(page, query, limit=1000)
    assert one["exact"] and every["exact"]
    assert one["total"] == every["total"] == len(every["results"]) == len(truth(query))
    assert one["results"] == every["results"][:1]  # the same ranking, cut shorter


def test_results_page_by_page_are_the_ranking_cut_in_pieces(page):
    every = search(page, "小区", limit=1000)["results"]
    pages = [search(page, "小区", limit=1, offset=k)["results"] for k in range(len(every) + 1)]
    assert [r for p in pages for r in p] == every and pages[-1] == []


def test_a_query_ranks_the_same_whatever_was_searched_before(browser, site_url, page):
    queries = ["企业在新吴区落户", "无锡加快布局", "小区 改造", "长三角地区的港口"]
    before = [search(page, q) for q in queries]
    context = browser.new_context()
    try:
        for q, expected in zip(queries, before):
            fresh = context.new_page()
            fresh.goto(site_url + "search/index.html")
            fresh.wait_for_function("window.wxnewsSearch !== undefined")
            assert search(fresh, q) == expected, q
            fresh.close()
    finally:
        context.close()


def test_an_estimated_count_says_so(page):
    # 老旧小区 (four characters) is in two articles' text: with one result
    # asked for and no exact count, the second is never checked.
    res = search(page, "老旧小区", limit=1, exact=False)
    assert len(res["results"]) == 1 and res["exact"] is False and res["pending"] == 1
    # A bigram is counted exactly by the index alone, without any article.
    assert search(page, "小区", limit=1, exact=False)["exact"] is True


def test_a_budget_stops_the_checking_but_never_makes_up_results(page):
    res = search(page, "老旧小区", limit=10, exact=False, budget=0)
    assert res["results"] == [] and res["complete"] is False and res["exact"] is False
    assert res["pending"] == 2
    res = search(page, "小区", limit=10, exact=False, budget=0)
    assert res["results"] == [] and res["complete"] is False and (res["exact"], res["total"]) == (True, len(truth("小区")))


def test_filters_by_section_person_and_dates(page):
    assert titles(search(page, "小区", section="民生", person="章伟")) == ["城市更新观察"]
    assert titles(search(page, "小区", person="张伟")) == ["老旧小区加装电梯 民生实事落地"]
    assert titles(search(page, "小区", **{"from": "2024-06-29"})) == ["城市更新观察"]
    assert titles(search(page, "小区", to="2024-06-28")) == ["老旧小区加装电梯 民生实事落地"]
    assert search(page, "小区", section="科技")["total"] == 0


def test_search_finds_exactly_what_python_finds(page):
    """Ctrl+F semantics: the JS results are the articles whose normalised text holds every term."""
    texts = {a.id: normalize(searchable_text(a)) for a in ARTICLES}
    for q in ["机器", "長三角", "小区", "伟", "“人形 机器人”", "宗晓东", "ＡＩ", "两岸", "onerror", "老旧 电梯",
              "签约，NVIDIA", "，", "。今", "“\"><img”", "x>"]:
        expected = {i for i, t in texts.items() if all(term in t for term in parse_query(q))}
        got = {r["id"] for r in search(page, q)["results"]}
        assert got == expected, q


def test_js_normalize_matches_python(page):
    table = ["長三角", "機器人產業", "ＡＩ　芯片", "NVIDIA iPhone", "İstanbul ß Σ", "臺灣學者說", "“引号”「括号」",
             "１２３：；", "乾隆 於 麼", "\U00020000𠀀", "ｱｲｳ"]
    got = page.evaluate("(t) => Promise.all(t.map(s => wxnewsSearch.normalize(s)))", table)
    assert got == [normalize(s) for s in table]
    queries = ["老旧小区 加装电梯", "\"老旧 小区\"", "“人形机器人 第一股”  無錫", "ＡＩ　芯片", "华为 华为", "\"未闭合"]
    got = page.evaluate("(t) => Promise.all(t.map(s => wxnewsSearch.parseQuery(s)))", queries)
    assert got == [parse_query(q) for q in queries]


def test_query_is_cut_with_the_site_vocabulary(page):
    assert "新吴区" in page.evaluate("wxnewsSearch.cut('人形机器人企业在新吴区落户')")


def test_the_browser_cuts_the_archive_s_own_phrases_as_jieba_does(page):
    # Over the index's vocabulary (its dictionary shards, loaded by characters
    # and pairs of neighbours) the browser's cut of a phrase the archive holds
    # is jieba's cut_for_search of it: the same words, so the same weights.
    import re

    from wxnews_site.search import index as search_index, tokens

    config = SiteConfig(search_words=("新吴区",))
    cutter = tokens.Cutter(layout.site_words(ARTICLES, config))
    phrases = sorted({p for a in ARTICLES for p in re.findall(r"[\u4e00-\u9fd5]{3,}", normalize(searchable_text(a)))})
    got = page.evaluate("(ps) => Promise.all(ps.map(p => wxnewsSearch.cut(p)))", phrases)
    assert len(phrases) > 30
    for phrase, words in zip(phrases, got):
        assert set(words) == set(cutter.cut_for_search(phrase)), phrase


# ----------------------------------------------------------------------- the page

def test_type_in_the_search_box_and_land_on_the_article(page, site_url):
    page.goto(site_url + "index.html")
    box = page.locator('form[role="search"] input[name="q"]').first
    box.fill("机器人")
    box.press("Enter")
    page.wait_for_url("**/search/index.html?q=*")
    first = page.locator(".search-result-title a").first
    first.wait_for()
    assert first.inner_text() == "加码无锡,“人形机器人第一股”向未来跃进"
    assert first.locator("mark").first.inner_text() == "机器人"
    assert page.locator(".search-result-excerpt mark").first.inner_text() == "机器人"
    first.click()
    page.wait_for_url("**/2024/06/30/02-01.html")
    assert "人形机器人" in page.content()


@pytest.mark.parametrize("query, title", [
    ("長三角", "长三角一体化再提速"),
    ("加装电梯", "老旧小区加装电梯 民生实事落地"),
])
def test_the_query_in_the_url_is_searched_on_load(page, site_url, query, title):
    page.goto(site_url + "search/index.html?q=" + query)
    page.locator(".search-result-title a").first.wait_for()
    assert title in page.locator(".search-result-title a").all_inner_texts()
    assert page.locator("#search-q").input_value() == query
    assert "共找到" in page.locator("#search-status").inner_text()


def test_no_match_says_so(page, site_url):
    page.goto(site_url + "search/index.html?q=辋村")
    page.wait_for_function("document.getElementById('search-status').textContent.includes('没有找到')")
    assert page.locator(".search-result").count() == 0


def test_keyboard_walks_the_results(page, site_url):
    page.goto(site_url + "search/index.html?q=小区")
    page.locator(".search-result-title a").first.wait_for()
    page.locator("#search-q").focus()
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.textContent") == "老旧小区加装电梯 民生实事落地"
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.textContent") == "城市更新观察"
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    assert page.evaluate("document.activeElement.id") == "search-q"


def test_markup_in_articles_is_shown_as_text_never_run(page, site_url):
    for q in ["标签测试", "onerror", "script"]:
        page.goto(site_url + "search/index.html?q=" + q)
        page.locator(".search-result").first.wait_for()
    page.goto(site_url + "search/index.html?q=onerror")
    page.locator(".search-result").first.wait_for()
    assert page.locator(".search-result img, .search-result script").count() == 0
    assert "<img src=x onerror" in page.locator(".search-result-excerpt").first.inner_text()
    page.goto(site_url + "search/index.html?q=标签测试")
    page.locator(".search-result").first.wait_for()
    assert page.locator(".search-result-title").first.inner_text().startswith("<script>")
    assert page.evaluate("window.__pwned") is None


def test_without_javascript_the_page_says_so(browser, site_url):
    context = browser.new_context(java_script_enabled=False)
    try:
        pg = context.new_page()
        pg.goto(site_url + "search/index.html")
        assert "需要启用 JavaScript" in pg.content()
    finally:
        context.close()


def test_browser_cuts_queries_like_jieba_on_the_build_side(page):
    from wxnews_site.search import tokens

    tk = tokens.tokenizer(["新吴区", "崔欣润", "刘泉", "张伟", "章伟", "王芳", "宗晓东", "李伟"])
    for q in ["长三角地区的港口合作", "老旧小区加装电梯", "人形机器人企业在新吴区落户", "英伟达与本地企业签约"]:
        expected = {t for t in tk.cut_for_search(normalize(q), HMM=False) if any(c.isalnum() for c in t)}
        assert set(page.evaluate("(q) => wxnewsSearch.cut(q)", q)) == expected, q


def test_filters_and_sort_live_in_the_url(page, site_url):
    page.goto(site_url + "search/index.html?q=小区&person=章伟&sort=date")
    page.locator(".search-result-title a").first.wait_for()
    assert page.locator(".search-result-title a").all_inner_texts() == ["城市更新观察"]
    assert page.locator("select[name=sort]").input_value() == "date"
    page.locator("input[name=person]").fill("")
    page.locator("select[name=section]").select_option("民生")
    page.wait_for_url("**section=*")
    page.wait_for_function("document.querySelectorAll('.search-result').length === 2")
    assert "person=" not in page.url and "sort=date" in page.url
    assert page.locator(".search-result-title a").all_inner_texts() == ["城市更新观察", "老旧小区加装电梯 民生实事落地"]


# Fourteen articles hold 人形机器人; four more hold its every bigram but not the word.
MANY = tuple(
    article(f"2024-07-{d:02d}-01-01", f"第{d}期科技观察", "本期介绍" + ("人形机器人的新进展。" if d <= 14 else "人形机床与机器人。"))
    for d in range(1, 19)
)


@pytest.fixture(scope="module")
def many_url(tmp_path_factory):
    with serve_folder(build(tmp_path_factory.mktemp("many"), MANY)) as url:
        yield url


def test_the_page_says_about_until_it_has_counted_then_all(browser, many_url):
    context = browser.new_context()
    try:
        pg = context.new_page()
        pg.goto(many_url + "search/index.html?q=人形机器人")
        pg.wait_for_function("document.getElementById('search-status').textContent.includes('篇')")
        assert pg.locator(".search-result").count() == 10
        status = pg.locator("#search-status").inner_text()
        assert status.startswith("约有 ") and "共" not in status
        pg.locator("#search-count").click()
        pg.wait_for_function("document.getElementById('search-status').textContent.includes('共找到 14 篇')")
        assert pg.locator("#search-count").is_hidden()
        pg.locator("#search-more").click()
        pg.wait_for_function("document.querySelectorAll('.search-result').length === 14")
        assert pg.locator("#search-more").is_hidden()
    finally:
        context.close()


def test_the_api_counts_exactly_where_the_page_estimates(page, many_url):
    page.goto(many_url + "search/index.html")
    page.wait_for_function("window.wxnewsSearch !== undefined")
    res = search(page, "人形机器人", limit=3)
    assert (res["total"], res["exact"], len(res["results"])) == (14, True, 3)


def test_opened_from_disk_the_search_page_says_how_to_serve_the_site(browser, site):
    context = browser.new_context()
    try:
        pg = context.new_page()
        errors: list[str] = []
        pg.on("pageerror", lambda exc: errors.append(str(exc)))
        pg.goto((site / "search" / "index.html").as_uri() + "?q=长三角")
        notice = pg.locator("#search-offline")
        notice.wait_for()
        assert "file://" in notice.inner_text() and "wxnews-site serve" in notice.inner_text()
        assert pg.locator("#search-form").is_hidden()
        # The notice's links lead to pages that work from disk.
        notice.get_by_role("link", name="往期回顾").click()
        pg.wait_for_url("**/archive/index.html")
        assert pg.locator("h1").first.is_visible() and errors == []
    finally:
        context.close()


def noise(seed: int, length: int) -> str:
    """Text that compresses like news, without any character of 人形机器人."""
    alphabet = [chr(c) for c in range(0x4E00, 0x4E00 + 200) if chr(c) not in "人形机器"]
    rng = random.Random(seed)
    return "".join(rng.choice(alphabet) for _ in range(length))


# Sixty long articles hold every bigram of 人形机器人 far apart, never the word:
# checking them all costs more than a first view may download.
FAR_APART = tuple(
    article(f"2024-08-{1 + n // 10:02d}-01-{1 + n % 10:02d}", f"第{n}号",
            "人形" + noise(n, 3000) + "形机" + noise(n + 100, 3000) + "机器人")
    for n in range(60)
)


@pytest.fixture(scope="module")
def far_url(tmp_path_factory):
    with serve_folder(build(tmp_path_factory.mktemp("far"), FAR_APART)) as url:
        yield url


def test_the_page_says_no_match_only_once_every_candidate_is_checked(browser, far_url):
    context = browser.new_context()
    try:
        pg = context.new_page()
        got: list[int] = []
        pg.on("requestfinished", lambda req: got.append(req.sizes()["responseBodySize"]))
        pg.goto(far_url + "search/index.html?q=人形机器人")
        status = pg.locator("#search-status")
        pg.wait_for_function("document.getElementById('search-status').textContent.includes('篇')")
        pg.wait_for_timeout(200)
        assert "尚未核对" in status.inner_text() and "没有找到" not in status.inner_text()
        assert sum(got) <= 120 * 1024
        pg.locator("#search-count").click()
        pg.wait_for_function("document.getElementById('search-status').textContent.includes('没有找到')")
        assert pg.locator(".search-result").count() == 0
    finally:
        context.close()


# A theme's own search.html written before the exact count and the file:// notice.
OLDER_SEARCH_PAGE = """{% extends "base.html" %}
{% block content %}
<h1>检索</h1>
<form id="search-form" role="search" action="index.html" method="get" hidden>
  <input id="search-q" type="search" name="q"><button type="submit">检索</button>
  <select name="section"><option value="">全部</option></select>
  <input type="text" name="person"><input type="date" name="from"><input type="date" name="to">
  <select name="sort"><option value="relevance">相关度</option><option value="date">日期</option></select>
</form>
<p id="search-status" role="status"></p>
<ol id="search-results"></ol>
<button id="search-more" type="button" hidden>显示更多结果</button>
{% endblock %}
{% block scripts %}<script src="{{ root }}static/search.js" defer></script>{% endblock %}
"""


def test_a_theme_s_older_search_page_still_works(browser, tmp_path):
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "search.html").write_text(OLDER_SEARCH_PAGE, encoding="utf-8")
    site = build(tmp_path, MANY)
    context = browser.new_context()
    try:
        pg = context.new_page()
        errors: list[str] = []
        pg.on("pageerror", lambda exc: errors.append(str(exc)))
        with serve_folder(site) as url:
            pg.goto(url + "search/index.html?q=人形机器人")
            pg.wait_for_function("document.getElementById('search-status').textContent.includes('约有')")
            pg.locator("#search-count").click()
            pg.wait_for_function("document.getElementById('search-status').textContent.includes('共找到 14 篇')")
        pg.goto((site / "search" / "index.html").as_uri())
        assert "wxnews-site serve" in pg.locator("#search-status").inner_text()
        assert errors == []
    finally:
        context.close()


# ------------------------------------------------------ rare keys in buckets

@pytest.fixture(scope="module")
def bucket_url(tmp_path_factory):
    """The same archive indexed as a large one is: keys of a few articles share buckets."""
    from wxnews_site.search import index as search_index

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(layout, "BUCKETS_FROM", 0)
        site = build(tmp_path_factory.mktemp("bucketsite"))
    meta = __import__("json").loads((site / "search" / "meta.json").read_text(encoding="utf-8"))
    assert all(meta["shards"][f"buckets/{name}"] > 0 for name, _ in meta["segments"])
    with serve_folder(site) as url:
        yield url


@pytest.mark.parametrize("query", ["小区", "辋村", "航道", "老旧小区", "長三角", "机器人", "小区 加装", "的", "无此词"])
def test_rare_keys_in_buckets_find_exactly_what_the_text_holds(browser, bucket_url, query):
    context = browser.new_context()
    try:
        pg = context.new_page()
        pg.goto(bucket_url + "search/index.html")
        pg.wait_for_function("window.wxnewsSearch !== undefined")
        one, every = search(pg, query, limit=1), search(pg, query, limit=1000)
        assert {r["id"] for r in every["results"]} == truth(query)
        assert one["exact"] and one["total"] == every["total"] == len(truth(query))
        assert one["results"] == every["results"][:1]
    finally:
        context.close()


# ------------------------------------------------------ an archive of several years

# Three years of the canal column: each year's issues hold three stories on the
# 运河 and one on something else, so the index has three segments (2022, 2023, 2024).
YEARS = tuple(
    article(f"{year}-0{month}-1{k}-03-01", f"{year}年运河漫记之{k}" if k else f"{year}年蠡湖春色",
            (f"古运河穿城而过，{year}年第{k}次整治。" if k else "蠡湖边游人如织。") + "\n\n沿岸居民说起旧时光。",
            section="副刊")
    for year in (2022, 2023, 2024) for month in (3,) for k in range(4)
)


@pytest.fixture(scope="module")
def years_url(tmp_path_factory):
    site = build(tmp_path_factory.mktemp("yearsite"), YEARS)
    meta = __import__("json").loads((site / "search" / "meta.json").read_text(encoding="utf-8"))
    assert [name for name, _ in meta["segments"]] == ["2022", "2023", "2024"]
    with serve_folder(site) as url:
        yield url


def canal(year: int) -> list[str]:
    return [f"{year}年运河漫记之{k}" for k in (1, 2, 3)]


def test_hits_across_years_come_newest_year_first_and_older_years_only_as_needed(browser, years_url):
    with search_page(browser, years_url) as pg:
        loaded = pg.evaluate("() => performance.getEntriesByType('resource').map(r => r.name)")
        # Five results: the newest year's three, then two of the year before; the oldest
        # year is not read, so its matches are not counted yet.
        res = search(pg, "运河", limit=5, exact=False)
        assert titles(res)[:3] and sorted(titles(res)[:3]) == canal(2024)
        assert set(titles(res)[3:]) < set(canal(2023)) and len(res["results"]) == 5
        assert (res["total"], res["exact"], res["older"]) == (6, False, 1)
        fetched = pg.evaluate("() => performance.getEntriesByType('resource').map(r => r.name)")
        assert not any("/g/2022/" in u or "/w/2022/" in u for u in fetched if u not in loaded)
        # The exact total, on demand, reads every year.
        res = search(pg, "运河", limit=5)
        assert (res["total"], res["exact"], res["older"]) == (9, True, 0) and len(res["results"]) == 5
        res = search(pg, "运河", limit=100)
        assert [t[:4] for t in titles(res)] == ["2024"] * 3 + ["2023"] * 3 + ["2022"] * 3
        assert sorted(titles(res)) == sorted(canal(2022) + canal(2023) + canal(2024))


def test_a_date_range_reads_only_its_years(browser, years_url):
    with search_page(browser, years_url) as pg:
        res = search(pg, "运河", exact=False, **{"from": "2023-01-01", "to": "2023-12-31"})
        assert sorted(titles(res)) == canal(2023) and (res["total"], res["exact"], res["older"]) == (3, True, 0)
        fetched = pg.evaluate("() => performance.getEntriesByType('resource').map(r => r.name)")
        assert not any(f"/g/{y}/" in u for u in fetched for y in (2022, 2024))


def first_page(browser, url: str, query: str) -> tuple[str, list[str]]:
    """The search page opened on `query` in a fresh context: its status line, and the
    years of the results its first page shows."""
    context = browser.new_context()
    try:
        pg = context.new_page()
        pg.goto(url + "search/index.html?q=" + query)
        pg.wait_for_function("document.getElementById('search-status').textContent.includes('篇')")
        shown = [t[:4] for t in pg.locator("#search-results .search-result-title").all_text_contents()]
        return pg.locator("#search-status").text_content(), shown
    finally:
        context.close()


def test_the_page_reads_older_years_while_its_first_page_is_not_full(browser, years_url):
    status, shown = first_page(browser, years_url, "运河")
    assert status.startswith("共找到 9 篇")
    assert shown == ["2024"] * 3 + ["2023"] * 3 + ["2022"] * 3


# ------------------------------------------------------ a year's tail, patched in

# The canal column's next issue, in 2024: the build patches it into the index, and since
# 2024's base holds more articles than a tail takes here, into 2024's tail segment.
NEXT_ISSUE = tuple(
    article(f"2024-04-0{k}-03-01", f"2024年运河新篇之{k}" if k < 3 else "2024年惠山泥人",
            (f"古运河穿城而过，新篇{k}。" if k < 3 else "惠山古镇游人如织。") + "\n\n游客留影。",
            section="副刊")
    for k in (1, 2, 3)
)


@pytest.fixture(scope="module")
def tail_url(tmp_path_factory):
    from wxnews_site.search import patch
    from wxnews_site.site.build import build_site

    root = tmp_path_factory.mktemp("tailsite")
    build(root, YEARS)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(patch, "TAIL_MOST", 3)
        # (Three articles move so small an archive's globals by a quarter: drift is not tested here.)
        mp.setattr(patch, "DRIFT", 1.0)
        mp.setattr(patch, "IDF_DRIFT", 100.0)
        write_archive(root / "articles", NEXT_ISSUE)
        config = SiteConfig(title="测试档案", search_words=("新吴区",), root=root)
        result = build_site(config, articles_dir=root / "articles", out_dir=root / "build")
        assert result.ok, result.problems
    meta = __import__("json").loads((root / "build" / "search" / "meta.json").read_text(encoding="utf-8"))
    assert [name for name, _ in meta["segments"]] == ["2022", "2023", "2024", "2024t"]
    with serve_folder(root / "build") as url:
        yield url


def test_a_years_tail_and_base_are_searched_and_ranked_as_one_year(browser, tail_url):
    new = ["2024年运河新篇之1", "2024年运河新篇之2"]
    with search_page(browser, tail_url) as pg:
        res = search(pg, "运河", limit=5, exact=False)
        assert sorted(titles(res)) == sorted(canal(2024) + new), "the year's five, base and tail together"
        assert (res["total"], res["exact"], res["older"]) == (5, False, 2)
        res = search(pg, "运河", limit=100)
        assert [t[:4] for t in titles(res)] == ["2024"] * 5 + ["2023"] * 3 + ["2022"] * 3
        assert (res["total"], res["exact"], res["older"]) == (11, True, 0)
        # Words only the tail's articles hold.
        assert sorted(titles(search(pg, "新篇"))) == new
        assert titles(search(pg, "泥人")) == ["2024年惠山泥人"]
        res = search(pg, "运河", limit=2, offset=4)
        assert titles(res)[0] in canal(2024) + new and titles(res)[1] in canal(2023)
    status, shown = first_page(browser, tail_url, "运河")
    assert status.startswith("共找到 11 篇")
    assert shown == ["2024"] * 5 + ["2023"] * 3 + ["2022"] * 2, "the first page's ten"
