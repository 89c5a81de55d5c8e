"""wxnews-site check: each problem an editor can make is named with its file and line."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sample_archive import SAMPLE, add_leftovers, edit, make_article, write_archive

from wxnews_site.cli import main
from wxnews_site.linkcheck import check_links


def check(capsys, *args: str) -> tuple[int, dict]:
    code = main(["check", "--format", "json", *args])
    return code, json.loads(capsys.readouterr().out)


def messages(report: dict) -> list[str]:
    return [f"{p['path']}:{p['line']}: {p['severity']}: {p['message']}" for p in report["problems"]]


@pytest.fixture
def articles(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return write_archive(tmp_path)


# ------------------------------------------------------------------ articles

def test_clean_archive_passes(articles, capsys):
    clear_flags(articles)
    code, report = check(capsys)
    assert code == 0, messages(report)
    assert report["problems"] == []
    assert report["summary"]["articles"] == 5 and report["summary"]["errors"] == 0
    assert report["summary"]["links"]["checked"] is False
    assert report["summary"]["links"]["note"].startswith("not checked")


def test_open_review_flags_are_warnings_and_fail_only_with_strict(articles, capsys):
    code, report = check(capsys)
    assert code == 0
    assert "articles/2024/06/30/02-02.md:18: warning: open review flags: 图片说明与正文的分界不确定; 作者行无法解析" in messages(report)
    code, report = check(capsys, "--strict")
    assert code == 1 and report["summary"]["ok"] is False


def test_broken_yaml(articles, capsys):
    edit(articles / "2024/06/30/02-01.md", 'title: "新吴区发布人才新政"', 'title: "新吴区发布人才新政')
    code, report = check(capsys)
    assert code == 1
    (p,) = [p for p in report["problems"] if p["severity"] == "error"]
    assert p["path"] == "articles/2024/06/30/02-01.md" and "broken YAML" in p["message"]


def test_unknown_key_with_suggestion(articles, capsys):
    edit(articles / "2024/06/30/02-01.md", "bylines:", "byline:")
    code, report = check(capsys)
    assert code == 1
    assert "articles/2024/06/30/02-01.md:11: error: unknown key 'byline' (did you mean 'bylines'?)" in messages(report)


def test_bad_date(articles, capsys):
    edit(articles / "2024/06/30/02-03.md", "date: 2024-06-30", "date: 2024-06-31")
    code, report = check(capsys)
    assert code == 1
    assert any(m.startswith("articles/2024/06/30/02-03.md:3: error: bad date") for m in messages(report))


def test_duplicate_id(articles, capsys):
    shutil.copy(articles / "2024/06/30/02-03.md", articles / "2024/06/30/02-04.md")
    code, report = check(capsys)
    assert code == 1
    assert "articles/2024/06/30/02-04.md:2: error: duplicate id 2024-06-30-02-03: also used by 2024/06/30/02-03.md" in messages(report)


def test_duplicate_story_under_two_ids(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    again = make_article("2024-06-30", 3, 1, "锡山稻田迎来插秧季", "本报讯  锡山区二十万亩水稻插秧基本完成。", bylines=("刘泉",))
    write_archive(tmp_path, SAMPLE + (again,))
    code, report = check(capsys)
    assert code == 1
    (dup,) = [m for m in messages(report) if "duplicate story" in m]
    assert dup.startswith("articles/2024/06/30/03-01.md:2: error: duplicate story: 2024-06-30-03-01")
    assert "2024-06-30-02-03" in dup


def test_same_title_on_another_day_is_not_a_duplicate(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    later = make_article("2024-07-01", 1, 1, "锡山稻田迎来插秧季", "本报讯 锡山区二十万亩水稻插秧基本完成。")
    write_archive(tmp_path, SAMPLE + (later,))
    _, report = check(capsys)
    assert not [m for m in messages(report) if "duplicate story" in m]


def test_bylines_near_a_known_person_or_not_a_name(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "site.yaml").write_text("aliases:\n  崔欣润: [崔新润]\n", encoding="utf-8")
    extra = (
        make_article("2024-07-01", 1, 1, "甲", "正文一。", bylines=("崔新润",)),      # a listed variant: fine
        make_article("2024-07-01", 1, 2, "乙", "正文二。", bylines=("崔欣闰",)),      # a misprint nobody listed
        make_article("2024-07-01", 1, 3, "丙", "正文三。", bylines=("本报记者刘泉",)),  # not a name
        make_article("2024-07-01", 1, 4, "丁", "正文四。", bylines=("刘泉,张云河",)),   # two names in one
    )
    write_archive(tmp_path, SAMPLE + extra)
    _, report = check(capsys)
    people = [m for m in messages(report) if "bylines" in m]
    assert len(people) == 3, people
    assert ("articles/2024/07/01/01-02.md:11: warning: bylines: 崔欣闰 is one character from 崔欣润 (in site.yaml 'aliases'); "
            "if it is a misprint, add it under 崔欣润 in site.yaml 'aliases'") in people
    assert any("01-03.md:11: warning: bylines: '本报记者刘泉' does not look like a person's name (6 characters long)" in m for m in people)
    assert any("01-04.md:11: warning: bylines: '刘泉,张云河' does not look like a person's name (contains ',')" in m for m in people)


def test_a_one_off_name_next_to_an_established_byline(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    regular = tuple(make_article("2024-07-01", 3, i, f"稿{i}", f"正文{i}。", bylines=("刘晓宇",), section="经济")
                    for i in range(1, 11))
    extra = (
        make_article("2024-07-02", 3, 1, "甲", "正文甲。", bylines=("刘晓雨",), section="经济"),  # once, same section
        make_article("2024-07-02", 1, 1, "乙", "正文乙。", bylines=("刘晓语",), section="要闻"),  # another section
        make_article("2024-07-02", 3, 2, "丙", "正文丙。", bylines=("王彬",), section="经济"),    # two characters
        make_article("2024-07-02", 3, 3, "丁", "正文丁。", bylines=("王丹",), section="经济"),
    )
    write_archive(tmp_path, regular + extra)
    _, report = check(capsys)
    people = [m for m in messages(report) if "bylines" in m]
    assert people == ["articles/2024/07/02/03-01.md:11: warning: bylines: 刘晓雨 is one character from 刘晓宇 "
                      "(10 bylines in the same section); if it is a misprint, add it under 刘晓宇 in site.yaml 'aliases'"]


def test_leftovers_of_a_page_are_reported(articles, capsys):
    add_leftovers(articles, "2024-06-30", 2, "（上接第一版）", "广告")
    _, report = check(capsys)
    assert any(m.startswith("articles/2024/06/30/02.page.yaml:8: warning: 2 line(s) of the printed page were not placed")
               for m in messages(report))


def test_text_report_names_file_and_line(articles, capsys):
    edit(articles / "2024/06/30/02-03.md", "page: 2", "page: two")
    assert main(["check"]) == 1
    out = capsys.readouterr()
    assert "articles/2024/06/30/02-03.md:4: error: 'page' must be a page number or null" in out.out
    assert "check FAILED: " in out.err


def test_missing_articles_folder(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code, report = check(capsys)
    assert code == 1 and "there are no articles here: articles/ does not exist" in report["problems"][0]["message"]


# ------------------------------------------------------------------ links

def site(tmp_path: Path, files: dict[str, str]) -> Path:
    out = tmp_path / "build"
    for name, text in files.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_text(text, encoding="utf-8")
    return out


PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<link rel="stylesheet" href="../../../static/site.css?v=3">
<script src="../../../static/search.js"></script>
<script>var s = '<a href="nowhere.html">';</script>
</head><body>
<!-- <a href="commented-out.html"> -->
<a href="../../../index.html">首页</a> <a href="../../../">首页</a> <a href="./">本期</a>
<a href="../../../people/%E5%B4%94%E6%AC%A3%E6%B6%A6.html#top">崔欣润</a>
<a href="../../../sections/要闻.html">要闻</a>
<a href="02-01.html#p2">第二段</a> <a href="#main">正文</a>
<a href="https://example.org/x.html">外链</a> <a href="mailto:a@b.cn">信</a> <a href="//cdn.example.org/a.js">cdn</a>
<img src="data:image/gif;base64,R0lGOD" alt=""> <img srcset="../../../static/a.png 1x, ../../../static/a@2x.png 2x" alt="">
<p>&lt;a href=&quot;shown-as-text.html&quot;&gt; href=also-text.html</p>
<main id="main"></main>
</body></html>
"""


def good_site(tmp_path: Path) -> Path:
    return site(tmp_path, {
        "index.html": '<a href="2024/06/30/">6月30日</a>',
        "2024/06/30/index.html": '<a href="02-01.html">x</a>',
        "2024/06/30/02-01.html": '<p id="p2">第二段</p>',
        "2024/06/30/02-02.html": PAGE,
        "people/崔欣润.html": '<h1 id="top">崔欣润</h1>',
        "sections/要闻.html": "<h1>要闻</h1>",
        "static/site.css": "body{background:url('img/bg.png')}\n@import \"print.css\";\n",
        "static/print.css": "",
        "static/img/bg.png": "",
        "static/search.js": "",
        "static/a.png": "",
        "static/a@2x.png": "",
    })


def test_a_complete_site_has_no_broken_links(tmp_path):
    assert check_links(good_site(tmp_path)) == []


def test_broken_links_and_assets_are_named_with_file_and_line(tmp_path):
    out = good_site(tmp_path)
    (out / "static/img/bg.png").unlink()
    (out / "static/a@2x.png").unlink()
    (out / "people/崔欣润.html").unlink()
    page = out / "2024/06/30/02-02.html"
    page.write_text(PAGE.replace('id="main"', 'id="content"') + '<a href="/index.html">root</a>\n<a href="../../../../x.html">out</a>\n', encoding="utf-8")
    found = sorted(str(p) for p in check_links(out))
    assert found == sorted([
        "2024/06/30/02-02.html:9: error: broken link '../../../people/%E5%B4%94%E6%AC%A3%E6%B6%A6.html#top': no file people/崔欣润.html in the site",
        "2024/06/30/02-02.html:11: warning: no anchor id='main' on this page for '#main'",
        "2024/06/30/02-02.html:13: error: broken link '../../../static/a@2x.png': no file static/a@2x.png in the site",
        "2024/06/30/02-02.html:17: warning: root-relative link '/index.html' breaks when the site is served under a sub-path; use a relative link",
        "2024/06/30/02-02.html:18: error: link '../../../../x.html' points outside the site",
        "static/site.css:1: error: broken link 'img/bg.png': no file static/img/bg.png in the site",
    ])


def test_missing_anchor_in_another_page_is_a_warning(tmp_path):
    out = good_site(tmp_path)
    (out / "2024/06/30/02-01.html").write_text("<p>第二段</p>", encoding="utf-8")
    (p,) = check_links(out)
    assert p.severity == "warning" and p.line == 11 and "no anchor id='p2' in 2024/06/30/02-01.html" in p.message


def test_check_reports_broken_links_of_the_built_site(articles, tmp_path, capsys):
    out = good_site(tmp_path)
    (out / "sections/要闻.html").unlink()
    code, report = check(capsys, "--out", str(out))
    assert code == 1
    assert "build/2024/06/30/02-02.html:10: error: broken link '../../../sections/要闻.html': no file sections/要闻.html in the site" in messages(report)
    assert report["summary"]["links"] == {"checked": True, "site": "build", "pages": 5, "broken": 1,
                                          "note": "5 HTML page(s) of build checked"}


# ------------------------------------------------------------------ after a real build

def clear_flags(articles: Path) -> None:
    for f in articles.rglob("*.md"):
        text = f.read_text(encoding="utf-8")
        start = text.index("review:")
        f.write_text(text[:start] + "review: []\n" + text[text.index("---", start):], encoding="utf-8")


def test_a_fresh_build_of_a_clean_archive_passes_strict_check(articles, capsys):
    clear_flags(articles)
    code, report = check(capsys, "--build", "--strict")
    assert code == 0, messages(report)
    assert report["summary"]["links"]["site"] == "a fresh build" and report["summary"]["links"]["pages"] > 5
    assert not (articles.parent / "build").exists(), "--build leaves no folder behind"


def test_a_broken_link_in_the_built_site_is_named(articles, capsys):
    assert main(["build", "--no-progress"]) == 0
    built = articles.parent / "build"
    (built / "people" / "刘泉.html").unlink()
    code, report = check(capsys)
    assert code == 1
    broken = [p for p in report["problems"] if "no file people/刘泉.html" in p["message"]]
    assert broken, messages(report)
    assert {p["path"] for p in broken} >= {"build/2024/06/30/02-03.html", "build/2024/06/29/01-02.html"}
    assert all(p["line"] > 1 and p["severity"] == "error" for p in broken)


def test_one_broken_link_repeated_on_many_pages_is_shown_briefly(articles, tmp_path, capsys):
    pages = {f"2024/06/{d:02d}/index.html": '<link rel="stylesheet" href="../../../static/gone.css">' for d in range(1, 11)}
    out = site(tmp_path, {"index.html": "", **pages})
    assert main(["check", "--out", str(out)]) == 1
    text = capsys.readouterr().out
    assert text.count("no file static/gone.css") == 3
    assert "... and 7 more place(s) with the same error (--format json lists them all)" in text


def test_check_build_leaves_the_next_real_build_incremental(articles, capsys):
    from wxnews_site.config import load_config
    from wxnews_site.site.build import build_site

    assert main(["build", "--no-progress"]) == 0
    check(capsys, "--build")
    again = build_site(load_config(), progress=False)
    assert again.ok and again.rendered == 0 and again.reused > 0


def test_check_build_never_moves_the_record_from_under_a_running_build(articles, capsys, monkeypatch):
    """An editor runs check --build while serve is rebuilding the site: the
    check waits for the site's lock before it sets the record of build/
    aside, so the running build finds its record where it left it."""
    import threading

    from wxnews_site.site import manifest, publish

    assert main(["build", "--no-progress"]) == 0
    cache = articles.parent / ".cache" / "wxnews-site"
    record = (cache / manifest.MANIFEST).read_bytes()
    seen: list[bool] = []
    waiting = threading.Event()
    real = publish._take

    def take(path, what, wait, on_wait):
        def told(text):
            seen.append((cache / manifest.MANIFEST).is_file() and not (cache / f".{manifest.MANIFEST}.aside").exists())
            waiting.set()
        return real(path, what, wait, told)

    monkeypatch.setattr(publish, "_take", take)
    running = publish.build_lock(articles.parent / "build", cache)  # as serve's rebuild holds it
    codes: list[int] = []
    checking = threading.Thread(target=lambda: codes.append(main(["check", "--build"])))
    checking.start()
    assert waiting.wait(60)
    assert seen == [True]  # waiting, with the running build's record in place
    running.close()
    checking.join(120)
    assert codes == [0] and (cache / manifest.MANIFEST).read_bytes() == record


def test_check_build_reports_each_finding_once(articles, capsys):
    code, report = check(capsys, "--build")
    flagged = [m for m in messages(report) if "open review flags" in m]
    assert code == 0 and len(flagged) == 2, flagged
