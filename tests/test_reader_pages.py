"""What a reader finds on the built pages of an archive as editors leave it:
版 without 版名, photos printed without a headline, the other stories of a
版, punctuation as printed, and continuations whose first part is missing."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from sample_archive import make_article

from wxnews_site.config import load_config
from wxnews_site.format import article_relpath, render_article
from wxnews_site.site.build import build_site

# One issue imported with no 版名 anywhere: the page files and the articles say
# section: null, and site.yaml has no sections (the Wuxi sample as imported).
UNNAMED = (
    make_article("2024-06-30", 1, 1, "太湖蓝藻防控进入关键期", "本报讯 入夏以来,市水利部门加密巡查。", section=None,
                 bylines=("文扬",), continued_to_page=2),
    make_article("2024-06-30", 1, 2, "地铁五号线全线贯通", "本报讯 昨天,地铁五号线最后一段盾构顺利接收。", section=None),
    make_article("2024-06-30", 2, 1, "新吴区发布人才新政", "本报讯 新吴区昨天发布人才新政二十条。", section=None),
    make_article("2024-06-30", 2, 2, None,
                 "2024赛季超三联赛(无锡文旅惠汕赛区)首站赛事昨天在市体育公园体育馆举行,8支国内劲旅齐聚无锡。",
                 kind="photo", section=None, photographers=("宗晓东",)),
    make_article("2024-06-30", 2, 3, "太湖蓝藻防控进入关键期", "(上接第1版)监测点位一百余个。", section=None,
                 kind="continuation", continued_from_page=1),
    make_article("2024-06-30", 5, 1, "锡山稻田迎来插秧季", "(上接第4版)锡山区二十万亩水稻插秧基本完成。", section=None,
                 kind="continuation", continued_from_page=4),
)


def write_articles(folder: Path, articles=UNNAMED) -> None:
    for a in articles:
        path = folder / article_relpath(a.date, a.page, a.position)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render_article(a), encoding="utf-8")


@pytest.fixture
def site(tmp_path: Path) -> Path:
    write_articles(tmp_path / "articles")
    (tmp_path / "site.yaml").write_text("title: 无锡日报数字报\npaper: 无锡日报\n", encoding="utf-8")
    result = build_site(load_config(root=tmp_path))
    assert result.ok, "\n".join(map(str, result.problems))
    return tmp_path / "build"


def text_of(site: Path, path: str) -> str:
    html = (site / path).read_text(encoding="utf-8")
    body = html.split("<main", 1)[1].split("</main>", 1)[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


def test_without_section_names_the_sections_page_lists_each_ban_by_its_number(site: Path):
    index = (site / "sections/index.html").read_text(encoding="utf-8")
    assert re.findall(r'href="\.\./sections/(第\d\d版\.html)">(第\d\d版)</a> <span class="count">(\d+) 篇', index) == [
        ("第01版.html", "第01版", "2"), ("第02版.html", "第02版", "3"), ("第05版.html", "第05版", "1")]
    listing = text_of(site, "sections/第02版.html")
    assert "新吴区发布人才新政" in listing and "地铁五号线全线贯通" not in listing
    # The 版 page of a day links to every day's stories of that 版.
    assert '<a href="../../../sections/第02版.html">各期第02版</a>' in (site / "2024/06/30/02.html").read_text(encoding="utf-8")


def test_without_section_names_the_search_filter_offers_each_ban(site: Path):
    meta = json.loads((site / "search/meta.json").read_text(encoding="utf-8"))
    assert meta["sections"] == ["第01版", "第02版", "第05版"]


def test_a_photo_without_a_headline_is_titled_by_its_captions_first_clause_uncut(site: Path):
    html = (site / "2024/06/30/02-02.html").read_text(encoding="utf-8")
    title = "2024赛季超三联赛（无锡文旅惠汕赛区）首站赛事昨天在市体育公园体育馆举行"  # shown full-width
    assert f"<h1>{title}</h1>" in html
    assert "…" not in html.split("<main", 1)[1]
    # The citation gives the made-up title in brackets, as a cataloguer's, not as printed.
    assert f"宗晓东. [{title}][N]. 无锡日报, 2024-06-30(02)." in html


@pytest.mark.parametrize("caption, title", [
    ("太湖边的清晨,市民在蠡湖大桥下晨练。", "太湖边的清晨"),
    ("6月29日，市民在蠡湖大桥下晨练。", "图片新闻"),  # a bare date is no title
    ("市民在蠡湖大桥下晨练" * 5, "图片新闻"),         # nor is a whole caption
])
def test_a_derived_photo_title_is_a_whole_clause_or_the_label(caption: str, title: str):
    photo = make_article("2024-06-30", 2, 2, None, caption, kind="photo")
    assert photo.headline == title and not photo.headline_printed


def test_an_article_lists_the_other_stories_of_its_ban(site: Path):
    html = (site / "2024/06/30/02-01.html").read_text(encoding="utf-8")
    others = html.split('<nav class="same-page"', 1)[1].split("</nav>", 1)[0]
    assert "本版其他文章" in others
    assert re.findall(r'<li><a href="([^"]+)">', others) == ["../../../2024/06/30/02-02.html", "../../../2024/06/30/02-03.html"]
    assert "新吴区发布人才新政" not in others  # the article itself is not among the others
    # An article alone on its 版 has no such list.
    assert 'class="same-page"' not in (site / "2024/06/30/05-01.html").read_text(encoding="utf-8")


def test_a_continuation_whose_first_part_is_not_archived_says_so(site: Path):
    # 第1版 of the day is archived: the first part is found and linked.
    linked = (site / "2024/06/30/02-03.html").read_text(encoding="utf-8")
    assert '<a href="../../../2024/06/30/01-01.html">上接第1版</a>' in linked
    # 第4版 is not archived: the reader is told, not shown what looks like a broken link.
    missing = (site / "2024/06/30/05-01.html").read_text(encoding="utf-8")
    assert '<span class="missing">上接第4版，本档案未收录</span>' in missing
    first = text_of(site, "2024/06/30/01-01.html")
    assert "下转第2版" in first and "本档案未收录" not in first


PRINTED = "6月28日,“聚焦新质生产力 助推区域协同发展”(上海)座谈会召开,1,000 人参加?"


def build_one(tmp_path: Path, site_yaml: str) -> tuple[Path, Path]:
    folder = tmp_path / "articles"
    write_articles(folder, (make_article("2024-06-30", 2, 1, "超三联赛(无锡赛区)开赛", PRINTED, section=None),))
    (tmp_path / "site.yaml").write_text(site_yaml, encoding="utf-8")
    result = build_site(load_config(root=tmp_path))
    assert result.ok, "\n".join(map(str, result.problems))
    return tmp_path / "build/2024/06/30/02-01.html", folder / "2024/06/30/02-01.md"


def test_half_width_punctuation_between_chinese_is_shown_full_width_and_the_file_keeps_it(tmp_path: Path):
    page, source = build_one(tmp_path, "title: 无锡日报数字报\n")
    html = page.read_text(encoding="utf-8")
    assert "<h1>超三联赛（无锡赛区）开赛</h1>" in html
    assert "6月28日，“聚焦新质生产力 助推区域协同发展”（上海）座谈会召开，1,000 人参加?" in html
    assert PRINTED in source.read_text(encoding="utf-8")  # the file keeps what was printed


def test_site_yaml_turns_the_full_width_punctuation_off(tmp_path: Path):
    page, _ = build_one(tmp_path, "title: 无锡日报数字报\ntypography: {cjk_punctuation: false}\n")
    html = page.read_text(encoding="utf-8")
    assert "<h1>超三联赛(无锡赛区)开赛</h1>" in html and PRINTED in html
