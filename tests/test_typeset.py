"""Typeset pages (benchmarks/typeset): paragraph joining, glyph mapping, alignment, and one real print."""
from __future__ import annotations

import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from typeset.align import AlignError, Target, match, printed  # noqa: E402
from typeset.corpus import Page, Story, is_subheading, photo_of, split_names  # noqa: E402
from typeset.extract import Box, Line, glue, paragraphs  # noqa: E402
from typeset.glyphs import map_glyphs  # noqa: E402
from typeset.gold import as_scored  # noqa: E402
from typeset.model import Unit  # noqa: E402

EM = 10.0


def line(x0: float, y: float, text: str, width: int | None = None, em: float = EM) -> Line:
    n = width if width is not None else len(text)
    return Line(x0, x0 + n * em, y, y + em, text + "\n")


def test_radicals_and_dashes_map_back_and_are_counted():
    assert map_glyphs("⽉亮⻓江⸺好―") == ("月亮长江——好—", 4)
    assert map_glyphs("⼾口") == ("户口", 1)  # the SC glyph is the simplified form, not NFKC's 戶
    assert map_glyphs("平常文字") == ("平常文字", 0)


def test_indented_lines_open_paragraphs_and_others_continue():
    box = Box((line(20, 100, "春风吹过"), line(0, 86, "田野一片新绿。"), line(20, 72, "农民开始"), line(0, 58, "播种。")))
    assert paragraphs([box]) == ["春风吹过田野一片新绿。", "农民开始播种。"]


def test_a_column_break_opens_a_paragraph_and_a_box_right_below_goes_on():
    first = Box((line(20, 100, "一行缩进的首行", width=8),))  # pdfminer may box an indented first line alone
    rest = Box((line(0, 86, "接着的一整行文字", width=10), line(0, 72, "完。")))
    other_column = Box((line(200, 100, "另一栏的续行文字", width=10), line(200, 86, "到此。")))
    assert paragraphs([first, rest, other_column]) == ["一行缩进的首行接着的一整行文字完。", "另一栏的续行文字到此。"]


def test_a_box_under_a_short_line_starts_anew():
    body = Box((line(0, 128, "正文整整一行到此结束。", width=12),))
    above = Box((line(20, 100, "目录", width=2),))
    below = Box((line(20, 86, "第一章", width=3),))
    assert paragraphs([body, above, below]) == ["正文整整一行到此结束。", "目录", "第一章"]


def test_latin_words_split_by_a_wrap_keep_their_space():
    assert glue("Hello world,", "again") == "Hello world, again"
    assert glue("无锡,", "2024年") == "无锡,2024年"
    assert glue("春风", "十里") == "春风十里"


def test_pieces_read_out_of_order_still_tile_their_unit():
    units = [Target((Unit("a01", "para", "甲乙丙丁戊己庚辛"),)), Target((Unit("a01", "para", "子丑寅卯"),))]
    assert match(["戊己庚辛", "子丑寅卯", "甲乙丙丁"], units) == [[2, 0], [1]]
    with pytest.raises(AlignError):
        match(["甲乙丙丁", "多出来的字"], units)


def test_a_caption_keeps_the_credit_printed_after_it_unbracketed_in_its_gold():
    # the scorer keeps a printed line whole unless what leaves it is bracketed
    paras = ["机器人进行乒乓球运动训练。 方建飞摄（影像中国）", "市民在市集买菜。（宗晓东 摄）"]
    agency = Unit("a1", "caption", "机器人进行乒乓球运动训练。", tail="  方建飞摄（影像中国）")
    paren = Unit("a2", "caption", "市民在市集买菜。", tail="（宗晓东 摄）")
    assert printed(as_scored(agency), paras, [0]).core == paras[0]
    assert printed(as_scored(paren), paras, [1]).core == "市民在市集买菜。"


def test_record_fields_give_names_captions_and_subheadings():
    assert split_names("本报记者  王  强  李明") == ("王强", "李明")
    ph = photo_of("春耕时节，农民在田间劳作。\u3000\u3000张  三摄（新华社发）")
    assert ph is not None and ph.names == ("张三",) and ph.caption == "春耕时节，农民在田间劳作。"
    assert is_subheading("一、总体要求") and not is_subheading("天气很好。")


STORIES = (
    Story("t/1/1", "article", "春季农事忙：", "小镇田间地头一派繁忙", None, "本报记者  王  强",
          ("三月的江南，细雨如丝。村民们早早来到田里，翻地、施肥、育秧，处处是忙碌的身影。",
           "新农具",
           "今年镇里新添了十台插秧机，合作社的师傅手把手教大家使用，一天能插好几十亩。",
           "“机器一响，心里就踏实了。”种粮大户李明笑着说。"), ()),
    Story("t/1/2", "article", None, "社区书屋开门迎客", None, "陈芳",
          ("周末上午，社区书屋里坐满了读者，孩子们围在绘本架前，老人们翻看报纸。",
           "书屋由旧仓库改建而成，藏书三千余册，每天开放到晚上八点。"), ()),
)


def _browser_ready() -> str | None:
    if not Path("/usr/bin/chromium").exists():
        return "no /usr/bin/chromium"
    if shutil.which("fc-list") is None or "Noto Serif CJK SC" not in subprocess.run(
            ["fc-list"], capture_output=True, text=True).stdout:
        return "fonts-noto-cjk is not installed"
    try:
        import pdfminer  # noqa: F401
        import playwright  # noqa: F401
    except ImportError as e:
        return str(e)
    return None


@pytest.mark.browser
def test_made_up_articles_round_trip_through_chromium_and_pdfminer(tmp_path, browser):
    why = _browser_ready()
    if why:
        pytest.skip(why)
    from typeset.extract import extract
    from typeset.gold import build
    from typeset.html import page_html
    from typeset.layout import MAX_PT, MIN_PT, plan_page
    from typeset.printer import chromium

    page = Page("2026-03-15", 3, "要闻", STORIES, ("本版责编：赵  敏",))
    plan = plan_page(page, None, "typeset-test", random.Random(7))
    pdf = tmp_path / "page.pdf"
    with chromium(browser) as printer:
        assert printer(page_html(plan), pdf, MIN_PT, MAX_PT) is not None
    ex = extract(pdf)
    assert ex.pdf_pages == 1 and ex.mapped > 0  # Noto CJK's radicals were read and mapped back
    gold = build(plan, list(ex.paragraphs))
    squashed = "".join(ex.raw.split())
    for story, art in zip(STORIES, [a for a in gold["articles"] if a["kind"] == "article"]):
        assert art["title"] == plan_style(plan, story.title)
        assert len(art["paragraphs"]) == len(story.paragraphs)
        for printed, record in zip(art["paragraphs"], story.paragraphs):
            want = plan_style(plan, record[3:] if record.startswith("## ") else record)
            # a house style may print a credit or dateline before the first paragraph
            assert "".join(printed.removeprefix("## ").split()).endswith("".join(want.split()))
            assert "".join(printed.removeprefix("## ").split()) in squashed
    assert gold["articles"][0]["bylines"] == ["王强"]


def plan_style(plan, text: str) -> str:
    from typeset.styles import STYLES

    return next(s for s in STYLES if s.name == plan.style).punct(text)
