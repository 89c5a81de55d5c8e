"""The build: every page kind of the archive site, safety, atomicity and incremental rebuilds."""
from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path

import pytest
from sample_archive import make_article
from test_search_patch import assert_same_index

from wxnews_site import cli
from wxnews_site.config import load_config
from wxnews_site.format import article_relpath, page_relpath, render_article, render_page
from wxnews_site.linkcheck import check_links
from wxnews_site.model import PageInfo
from wxnews_site.site import manifest, urls
from wxnews_site.site.build import build_site

ROOT = Path(__file__).resolve().parent.parent
XSS_TITLE = '<script>alert(1)</script>"><img src=x onerror=alert(1)>'

# Two issues of a Wuxi Daily-like paper, with 6月29日 missing inside the span.
STORIES = (
    make_article("2024-06-28", 1, 1, "太湖蓝藻防控进入关键期", "入夏以来，市水利部门加密巡查。", bylines=("文扬",), credit="(文扬)"),
    make_article("2024-06-30", 1, 1, "加码无锡，“人形机器人第一股”向未来跃进",
                 "本报讯 6月28日，企业在锡举行签约仪式。\n\n## 布点\n\n项目总投资十亿元。",
                 bylines=("张安宇",), dateline="本报讯", continued_to_page=2, credit="(张安宇)"),
    make_article("2024-06-30", 1, 2, None, "太湖边的清晨，市民在蠡湖大桥下晨练。", kind="photo",
                 photographers=("宗晓东",), credit="(宗晓东 摄)"),
    make_article("2024-06-30", 2, 1, "从科创“窗口”洞见更多深融可能", "6月28日，座谈会在黄浦江畔举行。\n\n## 布点\n\n窗口。",
                 kicker="“聚焦新质生产力 助推区域协同发展”(上海)座谈会召开——", bylines=("崔欣润",),
                 section="综合", credit="(崔欣润)"),
    make_article("2024-06-30", 2, 2, "人大联组询问督办民生福祉“年中答卷”", "本报讯 43个民生实事项目进展顺利。",
                 subtitle="43个民生实事项目实现半年度“小目标”", bylines=("孙倩茹",), section="综合"),
    make_article("2024-06-30", 2, 3, "首个通港达园短支航道项目启动", "本报讯 项目启动。", bylines=("徐兢辉", "宗晓东"),
                 photographers=("宗晓东",), section="综合"),
    make_article("2024-06-30", 2, 4, "加码无锡，“人形机器人第一股”向未来跃进", "（上接第1版）协议签署后，项目将于年内开工。",
                 kind="continuation", continued_from_page=1, bylines=("张安宇",), section="综合"),
    make_article("2024-06-30", 2, 5, "两位同音作者", "正文。", bylines=("张伟", "章伟"), section="综合"),
)
CREDITS = {("2024-06-30", 2): ("本版责编  王  芳", "美编  李  华")}


def write(folder: Path, articles=STORIES, credits=CREDITS) -> Path:
    pages = {(a.date.isoformat(), a.page) for a in articles} | set(credits)
    for a in articles:
        path = folder / article_relpath(a.date, a.page, a.position)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render_article(a), encoding="utf-8")
    for d, p in pages:
        date = dt.date.fromisoformat(d)
        info = PageInfo(date=date, page=p, section="要闻" if p == 1 else "综合", paper="无锡日报",
                        credits=credits.get((d, p), ()))
        (folder / page_relpath(date, p)).write_text(render_page(info), encoding="utf-8")
    return folder


@pytest.fixture
def project(tmp_path: Path) -> Path:
    write(tmp_path / "articles")
    (tmp_path / "site.yaml").write_text("title: 无锡日报数字报\npaper: 无锡日报\naliases:\n  崔欣润: [崔新润]\n",
                                        encoding="utf-8")
    return tmp_path


def build(project: Path, **kw):
    result = build_site(load_config(root=project), **kw)
    assert result.ok, "\n".join(map(str, result.problems))
    return result


def page(project: Path, path: str) -> str:
    return (project / "build" / path).read_text(encoding="utf-8")


def main_text(html: str) -> str:
    body = html.split("<main", 1)[1].split("</main>", 1)[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# ------------------------------------------------------------------ pages

def test_home_shows_the_latest_front_page_and_a_calendar_of_issues(project: Path):
    build(project)
    home = page(project, "index.html")
    text = main_text(home)
    assert "2024年6月30日 星期日" in text and "第01版 · 要闻" in text
    assert "加码无锡，“人形机器人第一股”向未来跃进" in text
    assert "从科创" not in text  # page 2 is not the front page
    assert 'href="2024/06/30/index.html"' in home
    # 28 and 30 have issues; 29 is inside the archive without an issue; July is outside it.
    assert 'class="day-issue"><a href="2024/06/28/index.html"' in home
    assert re.search(r'class="day-none" title="2024年6月29日：当日无报">29', home)
    assert re.search(r'class="day-outside" title="2024年6月1日：未收录">1<', home)


def test_issue_page_lists_every_page_with_its_headlines_and_editor_credits(project: Path):
    build(project)
    text = main_text(page(project, "2024/06/30/index.html"))
    assert "第01版 · 要闻" in text and "第02版 · 综合" in text
    assert "从科创“窗口”洞见更多深融可能" in text and "人大联组询问督办民生福祉“年中答卷”" in text
    # A table of contents: 引题, 副题 and bylines are the 版 page's, not repeated here.
    assert "座谈会召开" not in text and "小目标" not in text and "崔欣润" not in text
    printed = main_text(page(project, "2024/06/30/02.html"))
    assert "“聚焦新质生产力 助推区域协同发展”（上海）座谈会召开——" in printed  # kicker, full-width (上海)
    assert "43个民生实事项目实现半年度“小目标”" in printed                    # subtitle
    assert "本版责编 王 芳" in text
    assert "2024年6月28日" in text  # previous issue
    html = page(project, "2024/06/30/index.html")
    assert 'rel="prev" href="../../../2024/06/28/index.html"' in html


def test_printed_page_lists_stories_in_page_order_with_neighbouring_pages(project: Path):
    build(project)
    html = page(project, "2024/06/30/02.html")
    titles = re.findall(r'class="story-title"><a href="[^"]+">([^<]+)<', html)
    assert titles[:3] == ["从科创“窗口”洞见更多深融可能", "人大联组询问督办民生福祉“年中答卷”", "首个通港达园短支航道项目启动"]
    assert 'rel="prev" href="../../../2024/06/30/01.html"' in html


def test_article_page_has_everything_a_reader_and_a_citation_need(project: Path):
    build(project)
    html = page(project, "2024/06/30/02-01.html")
    text = main_text(html)
    assert "“聚焦新质生产力 助推区域协同发展”（上海）座谈会召开——" in text  # (上海) shown full-width
    assert "2024年6月30日 星期日" in text and "第02版" in text and "综合" in text
    assert '<a class="person" href="../../../people/崔欣润.html">崔欣润</a>' in html
    assert "(崔欣润)" in text  # the credit as printed
    assert "<h2>布点</h2>" in html
    assert "崔欣润. 从科创“窗口”洞见更多深融可能[N]. 无锡日报, 2024-06-30(02)." in text
    assert 'rel="next" href="../../../2024/06/30/02-02.html"' in html
    ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html).group(1))
    assert ld["@type"] == "NewsArticle" and ld["datePublished"] == "2024-06-30"
    assert ld["author"] == [{"@type": "Person", "name": "崔欣润"}] and "url" not in ld
    assert '<meta property="og:title" content="从科创“窗口”洞见更多深融可能">' in html
    assert "og:url" not in html  # no absolute URLs without a base URL


def test_base_url_gives_absolute_canonical_feed_and_sitemap_links(project: Path):
    build(project, base_url="https://example.org/wx")
    html = page(project, "2024/06/30/02-01.html")
    assert '<link rel="canonical" href="https://example.org/wx/2024/06/30/02-01.html">' in html
    assert '<meta property="og:url" content="https://example.org/wx/2024/06/30/02-01.html">' in html
    # sitemap.xml indexes a sitemap a year and one each for the people's lists, the sections' and the rest.
    index = page(project, "sitemap.xml")
    assert [f"https://example.org/wx/sitemaps/{name}.xml" for name in ("2024", "people", "sections", "site")] == \
        re.findall(r"<loc>(.*?)</loc>", index) and "<sitemapindex" in index
    assert "<loc>https://example.org/wx/people/%E5%B4%94%E6%AC%A3%E6%B6%A6.html</loc>" in page(project, "sitemaps/people.xml")
    assert "<loc>https://example.org/wx/2024/06/30/02-01.html</loc><lastmod>2024-06-30</lastmod>" in \
        page(project, "sitemaps/2024.xml")
    assert "Sitemap: https://example.org/wx/sitemap.xml" in page(project, "robots.txt")
    # The site's own links stay relative, so it still works from a copy on disk.
    assert 'href="../../../people/崔欣润.html"' in html


def test_jump_links_join_both_parts_of_a_continued_story(project: Path):
    build(project)
    first = page(project, "2024/06/30/01-01.html")
    second = page(project, "2024/06/30/02-04.html")
    assert '<a href="../../../2024/06/30/02-04.html">下转第2版</a>' in first
    assert '<a href="../../../2024/06/30/01-01.html">上接第1版</a>' in second


def test_photo_without_a_headline_gets_a_derived_title(project: Path):
    build(project)
    html = page(project, "2024/06/30/01-02.html")
    assert "<h1>太湖边的清晨</h1>" in html
    assert '<a class="person" href="../../../people/宗晓东.html">宗晓东</a>' in html


def test_person_pages_show_role_and_keep_homophones_apart(project: Path):
    build(project)
    zong = main_text(page(project, "people/宗晓东.html"))
    assert "太湖边的清晨" in zong and "摄" in zong
    assert "首个通港达园短支航道项目启动" in zong and "文/摄" in zong
    assert "两位同音作者" in main_text(page(project, "people/张伟.html"))
    assert "两位同音作者" in main_text(page(project, "people/章伟.html"))
    people = main_text(page(project, "people/index.html"))
    for name in ("崔欣润", "文扬", "孙倩茹", "徐兢辉", "张安宇", "宗晓东", "张伟", "章伟"):
        assert name in people
    assert not (project / "build/people/王芳.html").exists()  # editor credits are not bylines


def test_aliases_merge_a_misprinted_byline_into_one_person(project: Path):
    a = make_article("2024-06-30", 2, 6, "误排的署名", "正文。", bylines=("崔新润",), section="综合")
    write(project / "articles", (a,), {})
    build(project)
    assert not (project / "build/people/崔新润.html").exists()
    assert "误排的署名" in main_text(page(project, "people/崔欣润.html"))


def test_section_pages_are_paginated_newest_first_with_a_feed(project: Path):
    (project / "site.yaml").write_text("pagination: {section: 2}\n", encoding="utf-8")
    build(project)
    # Five stories, two a page, cut from the oldest: 综合-1 holds the first
    # two, the newest page (the section's own address) the other three.
    newest = page(project, "sections/综合.html")
    assert "本版文章 5 篇" in newest and "最新一页，共 2 页" in newest
    assert 'rel="next" href="../sections/综合-1.html"' in newest and 'rel="prev"' not in newest
    assert main_text(newest).count("2024年6月30日") == 3 and "两位同音作者" not in newest
    older = page(project, "sections/综合-1.html")
    assert "（第1页）" in older and "2024年6月30日至2024年6月30日的 2 篇" in older
    assert 'rel="prev" href="../sections/综合.html"' in older and 'rel="next"' not in older
    assert "两位同音作者" in older and "人大联组询问" not in older
    assert not (project / "build/sections/综合-2.html").exists()
    assert "综合" in main_text(page(project, "sections/index.html"))
    feed = page(project, "sections/综合.xml")
    assert "<updated>2024-06-30T00:00:00+08:00</updated>" in feed and "从科创“窗口”洞见更多深融可能" in feed


def numbered_listing_pages(project: Path) -> dict[str, bytes]:
    """Every older page of every section and person list (name-N.html), by path."""
    return {p.relative_to(project / "build").as_posix(): p.read_bytes()
            for folder in ("sections", "people") for p in (project / "build" / folder).glob("*-[0-9]*.html")}


def add_issue(project: Path, day: str, stories: int) -> None:
    write(project / "articles", [make_article(day, 2, n, f"{day}第{n}篇", "本报讯 正文。", bylines=("崔欣润", "文扬"),
                                              section="综合") for n in range(1, stories + 1)], {})


def test_a_new_issue_leaves_the_older_listing_pages_as_they_were(project: Path, monkeypatch):
    """Older listing pages keep their address and bytes as issues are added:
    links to them stay good, and a rebuild links them unchanged. Only the
    newest page of a list changes, and, when it fills and splits, the page
    just behind it, whose newer neighbour it names."""
    (project / "site.yaml").write_text("pagination: {section: 2, person: 1}\n", encoding="utf-8")
    build(project)
    add_issue(project, "2024-07-01", 5)
    build(project)
    before = numbered_listing_pages(project)
    # 综合 lists 10 stories: 综合-1 to 综合-4 hold the eight oldest, the newest page two.
    assert [f"sections/综合-{n}.html" in before for n in range(1, 6)] == [True] * 4 + [False]
    assert "2024-07-01第3篇" in page(project, "sections/综合-4.html")
    add_issue(project, "2024-07-02", 5)
    hashed: list[str] = []
    real = manifest.digest
    monkeypatch.setattr(manifest, "digest", lambda page, *a: hashed.append(page.path) or real(page, *a))
    result = build(project)
    # Of the article pages, the new day's alone are hashed: the older days' are as recorded.
    assert sorted(p for p in hashed if p.count("-") == 1 and p[:4].isdigit()) == \
        [f"2024/07/02/02-0{n}.html" for n in range(1, 6)]
    after = numbered_listing_pages(project)
    behind_newest = {"sections/综合-4.html", "people/崔欣润-5.html", "people/文扬-5.html"}
    for path, data in before.items():
        assert (after[path] == data) is (path not in behind_newest), path
    assert not set(before) - behind_newest & set(result.changed)
    assert "2024-07-02第4篇" in page(project, "sections/综合-6.html")
    assert "2024-07-02第1篇" in page(project, "sections/综合.html")
    assert check_links(project / "build") == []


def test_archive_year_and_month_pages_and_the_site_files(project: Path):
    build(project)
    assert "2024年6月" in main_text(page(project, "archive/index.html"))
    assert 'href="../2024/06/index.html"' in page(project, "2024/index.html")
    month = main_text(page(project, "2024/06/index.html"))
    assert "2024年6月28日 星期五" in month and "2024年6月30日 星期日" in month
    assert page(project, "feed.xml").count("<entry>") == len(STORIES)
    assert page(project, "robots.txt").startswith("User-agent: *")
    assert "页面未找到" in page(project, "404.html")
    assert (project / "build/static/site.css").exists()


def test_every_link_and_asset_of_the_built_site_resolves(project: Path):
    build(project)
    assert check_links(project / "build") == []


def test_site_paths_never_leave_the_output_folder():
    assert urls.person("../etc/passwd") == "people/~2e~2e~2fetc~2fpasswd.html"
    assert urls.person("张伟") != urls.person("章伟")
    assert urls.person("index") != urls.PEOPLE
    assert urls.section("要闻-2") != urls.section("要闻", 2)
    with pytest.raises(ValueError):
        urls.inside(Path("/tmp/out"), "../x.html")
    with pytest.raises(ValueError):
        urls.inside(Path("/tmp/out"), "/etc/x.html")


# ----------------------------------------------------------------- safety

def test_script_in_title_and_body_is_shown_as_text(project: Path):
    bad = make_article("2024-06-30", 3, 1, XSS_TITLE, f"{XSS_TITLE}\n\n[点我](javascript:alert(1))",
                       kicker=XSS_TITLE, bylines=("</script><script>alert(1)</script>",))
    write(project / "articles", (bad,), {})
    build(project)
    html = page(project, "2024/06/30/03-01.html")
    assert "<script>alert" not in html and "<img src=x" not in html and 'href="javascript:' not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    ld = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    assert "</script" not in ld and json.loads(ld)["headline"] == XSS_TITLE
    for path in ("index.html", "2024/06/30/index.html", "feed.xml", "people/index.html"):
        assert "<script>alert" not in page(project, path)


def test_strict_build_fails_on_warnings_such_as_open_review_flags(project: Path, capsys):
    flagged = make_article("2024-06-30", 2, 6, "待核对", "正文。", review=("作者行无法解析",), section="综合")
    write(project / "articles", (flagged,), {})
    assert cli.main(["--config", str(project / "site.yaml"), "build"]) == 0
    assert cli.main(["--config", str(project / "site.yaml"), "build", "--strict"]) == 1
    # Named as check names it: the file from the working folder (here an absolute path), at its review: line.
    assert f"{project}/articles/2024/06/30/02-06.md:18: error: open review flags: 作者行无法解析" in capsys.readouterr().err


# ------------------------------------------------------- atomic, repeatable

def test_failed_build_lists_every_problem_and_leaves_the_previous_site(project: Path, capsys):
    assert cli.main(["--config", str(project / "site.yaml"), "build"]) == 0
    before = tree(project / "build")
    arts = project / "articles"
    (arts / "2024/06/30/02-01.md").write_text("---\nid: [unclosed\n---\n正文\n", encoding="utf-8")
    text = (arts / "2024/06/30/02-02.md").read_text(encoding="utf-8")
    (arts / "2024/06/30/02-02.md").write_text(text.replace("date: 2024-06-30", "date: 2024-06-31"), encoding="utf-8")
    text = (arts / "2024/06/30/02-05.md").read_text(encoding="utf-8")
    (arts / "2024/06/30/02-05.md").write_text(text.replace("kind:", "knid:"), encoding="utf-8")
    (arts / "2024/06/30/02-09.md").write_text((arts / "2024/06/30/02-03.md").read_text(encoding="utf-8"), encoding="utf-8")
    assert cli.main(["--config", str(project / "site.yaml"), "build"]) == 1
    err = capsys.readouterr().err
    assert re.search(r"2024/06/30/02-01\.md:\d+: error: broken YAML", err)
    assert re.search(r"2024/06/30/02-02\.md:\d+: error: bad date", err)
    assert re.search(r"2024/06/30/02-05\.md:\d+: error: unknown key 'knid' \(did you mean 'kind'\?\)", err)
    assert "2024/06/30/02-09.md:2: error: duplicate id 2024-06-30-02-03" in err
    assert "left as it was" in err
    assert tree(project / "build") == before
    assert not (project / "build.partial").exists()


def test_two_builds_of_the_same_articles_are_byte_identical(project: Path, tmp_path: Path):
    build(project)
    first = tree(project / "build")
    build(project, out_dir=tmp_path / "again")
    assert tree(tmp_path / "again") == first


def test_rebuild_after_one_change_renders_only_the_pages_that_show_it(project: Path):
    first = build(project)
    assert first.reused == 0
    unchanged = build(project)
    assert unchanged.rendered == 0 and unchanged.reused == first.rendered
    path = project / "articles/2024/06/30/02-02.md"
    path.write_text(path.read_text(encoding="utf-8").replace("进展顺利", "进展顺利，群众满意"), encoding="utf-8")
    body_change = build(project)
    assert body_change.rendered == 1  # only the article itself shows its body
    path.write_text(path.read_text(encoding="utf-8").replace("年中答卷", "年中成绩单"), encoding="utf-8")
    title_change = build(project)
    # The article, the other four of its 版 (本版其他文章), the issue, the 版, the section and its author.
    assert title_change.rendered == 9, title_change.rendered
    incremental = tree(project / "build")
    clean = project / "clean"
    build(project, out_dir=clean)
    # (The search index was patched, not built anew: test_search_patch holds it to a clean build's.)
    assert _pages(tree(clean)) == _pages(incremental)


def test_refuses_to_replace_a_folder_it_did_not_build(project: Path):
    precious = project / "docs"
    precious.mkdir()
    (precious / "notes.txt").write_text("keep me", encoding="utf-8")
    result = build_site(load_config(root=project), out_dir=precious)
    assert not result.ok and "not a site built by wxnews-site" in result.problems[0].message
    result = build_site(load_config(root=project), out_dir=project / "articles")
    assert not result.ok and "articles folder" in result.problems[0].message
    assert (precious / "notes.txt").read_text(encoding="utf-8") == "keep me"


def test_templates_folder_overrides_a_default_template(project: Path):
    (project / "templates").mkdir()
    (project / "templates/404.html").write_text('{% extends "base.html" %}{% block content %}<h1>走错了</h1>{% endblock %}',
                                               encoding="utf-8")
    build(project)
    assert "<h1>走错了</h1>" in page(project, "404.html")


def test_template_error_names_the_template_file_and_line(project: Path):
    (project / "templates").mkdir()
    (project / "templates/404.html").write_text("<p>\n{% if %}\n", encoding="utf-8")
    result = build_site(load_config(root=project))
    assert not result.ok
    assert result.problems[0].path.endswith("templates/404.html") and result.problems[0].line == 2


# --------------------------------------------------- the bundled sample

def test_the_bundled_sample_builds_with_a_page_for_every_reporter(tmp_path: Path):
    result = build_site(load_config(root=ROOT), out_dir=tmp_path / "site")
    assert result.ok, "\n".join(map(str, result.problems))
    out = tmp_path / "site"
    for name in ("崔欣润", "文扬", "孙倩茹", "徐兢辉", "张安宇", "宗晓东"):
        assert (out / urls.person(name)).exists(), name
    assert (out / "2024/06/30/02.html").exists()
    assert check_links(out) == []


def test_progress_bar_on_a_terminal_only_and_never_in_ci(monkeypatch):
    import io

    from wxnews_site.site import build as build_mod

    monkeypatch.setenv("CI", "1")
    assert build_mod.progress_bar(None, 50_000) is None
    assert build_mod.progress_bar(False, 50_000) is None
    stream = io.StringIO()
    bar = build_mod.Progress(4000, stream)
    bar.advance(400)
    bar.advance(3600)
    bar.close()
    assert "\r渲染页面 [###" in stream.getvalue() and "4000/4000\n" in stream.getvalue()


def test_an_empty_archive_builds_a_site_whose_links_all_resolve(tmp_path: Path):
    (tmp_path / "articles").mkdir()
    result = build_site(load_config(root=tmp_path))
    assert result.ok, result.problems
    assert "档案中还没有文章" in (tmp_path / "build/index.html").read_text(encoding="utf-8")
    assert check_links(tmp_path / "build") == []


def test_two_pages_on_one_output_path_are_an_error_naming_both():
    from wxnews_site.site.build import collisions
    from wxnews_site.site.pages import Page

    found = collisions([Page("people/a.html", "listing.html", {}, "person 'a'"),
                        Page("people/a.html", "listing.html", {}, "section 'a'"),
                        Page("feed.xml", "listing.html", {}, "person 'feed'")])
    assert [p.message for p in found] == [
        "two outputs on one path people/a.html: person 'a' and section 'a'",
        "two outputs on one path feed.xml: a file the build writes and person 'feed'",
    ]


def test_section_names_from_site_yaml_win_over_the_printed_ones(project: Path):
    (project / "site.yaml").write_text("sections:\n  - {pages: [2], name: 经济, from: 2024-06-29}\n", encoding="utf-8")
    build(project)
    assert "第02版 · 经济" in main_text(page(project, "2024/06/30/index.html"))
    assert "本版文章 5 篇" in page(project, "sections/经济.html")
    assert not (project / "build/sections/综合.html").exists()


def test_a_page_named_only_by_its_page_file_links_no_missing_section_page(project: Path):
    # 广告 names a 版 in its page file while no story of that 版 carries a section page.
    date = dt.date(2024, 6, 30)
    (project / "articles" / page_relpath(date, 3)).write_text(
        render_page(PageInfo(date=date, page=3, section="广告", paper="无锡日报", credits=())), encoding="utf-8")
    build(project)
    printed = page(project, "2024/06/30/03.html")
    assert "广告" in printed and "sections/广告.html" not in printed
    assert check_links(project / "build") == []


def test_github_pages_serves_the_site_as_it_is(project: Path):
    build(project)
    assert (project / "build/.nojekyll").read_bytes() == b""


def test_the_404_page_links_absolutely_under_a_sub_path(project: Path):
    build(project, base_url="https://example.org/wxrb")
    text = page(project, "404.html")
    assert 'href="https://example.org/wxrb/index.html"' in text
    assert 'href="https://example.org/wxrb/static/site.css"' in text


def test_an_edit_that_keeps_size_and_modification_time_is_still_rebuilt(project: Path):
    # Rebuilds skip files whose stat is unchanged; an edit with its mtime put
    # back (a restore tool, a checkout) still changes the inode's ctime.
    import os
    build(project)
    path = project / "articles" / article_relpath(dt.date(2024, 6, 28), 1, 1)
    before = path.stat()
    path.write_text(path.read_text(encoding="utf-8").replace("加密巡查", "加强巡查"), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size
    result = build(project)
    assert "加强巡查" in page(project, urls.article_at(dt.date(2024, 6, 28), 1, 1))
    assert result.rendered >= 1


def test_a_chain_of_rebuilds_from_the_kept_previous_site_equals_a_clean_build(project: Path, tmp_path: Path):
    # Each rebuild starts from the site before the current one; the current
    # site shares its unchanged pages by hard link and must never change
    # while the next one is made, even when that build fails.
    build(project)
    path = project / "articles/2024/06/30/02-02.md"
    original = path.read_text(encoding="utf-8")
    for n, edit in enumerate(("年中成绩单", "年中答卷二", "年中成绩单", None)):
        path.write_text(original if edit is None else original.replace("年中答卷", edit), encoding="utf-8")
        if n == 2:
            gone = project / "articles/2024/06/30/02-05.md"
            kept_text = gone.read_text(encoding="utf-8")
            gone.unlink()
        if n == 3:
            gone.write_text(kept_text, encoding="utf-8")
        current = tree(project / "build")
        broken = project / "articles/2024/06/30/02-01.md"
        good = broken.read_text(encoding="utf-8")
        broken.write_text("---\nid: [unclosed\n---\n", encoding="utf-8")
        assert not build_site(load_config(root=project)).ok
        assert tree(project / "build") == current
        broken.write_text(good, encoding="utf-8")
        build(project)
        assert (project / ".build.previous").is_dir()
        assert build(project).rendered == 0  # and once more with nothing changed
        clean = tmp_path / f"clean{n}"  # its own project, so its own cache
        shutil.copytree(project / "articles", clean / "articles")
        shutil.copy(project / "site.yaml", clean / "site.yaml")
        build(clean)
        # The search index is patched, not rebuilt: equal to a clean one as an index.
        assert _pages(tree(clean / "build")) == _pages(tree(project / "build")), n
        assert_same_index(project / "build" / "search", clean / "build" / "search")


def _pages(files: dict[str, bytes]) -> dict[str, bytes]:
    return {p: b for p, b in files.items() if not p.startswith("search/") or p.endswith(".html")}


def test_a_folder_named_like_the_kept_previous_site_but_not_built_here_is_left_alone(project: Path):
    mine = project / ".build.previous"
    mine.mkdir()
    (mine / "notes.txt").write_text("我的笔记", encoding="utf-8")
    for _ in range(3):
        build(project)
    assert (mine / "notes.txt").read_text(encoding="utf-8") == "我的笔记"
    assert "页面未找到" in page(project, "404.html")
