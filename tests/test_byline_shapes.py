"""Every printed shape of a byline, read from a raw page snippet.

Each case is a few made-up lines as extraction gives them, in the People's
Daily style (full-width punctuation, double spaces padding names) or the Wuxi
page style (half-width ",", single spaces); what the editor should get is the
story's bylines, photographers and dateline, with every character kept.
"""
from __future__ import annotations

import pytest

from wxnews_site.importer.confidence import MODEL_REASON
from wxnews_site.importer.layout import accounted, reconstruct

TITLE = "运河步道迎来晨练人群"
PD = ["清晨的运河边，市民沿着新修的步道散步，不少人停下来拍照。", "据介绍，步道全长三公里，沿途设置了休憩座椅和饮水点。"]
WX = ["清晨的运河边,市民沿着新修的步道散步,不少人停下来拍照。", "据介绍,步道全长三公里,沿途设置了休憩座椅和饮水点。"]


def read(lines: list[str]):
    draft = reconstruct(lines, "p.txt")
    missing, extra = accounted(lines, draft)
    assert not missing and not extra, (missing, extra)
    return draft.stories


# the line between the headline and the first paragraph -> bylines
UNDER_HEADLINE = [
    ("bare name", "王强", ["王强"]),
    ("compound surname", "欧阳晓明", ["欧阳晓明"]),
    ("two names", "王强  李明", ["王强", "李明"]),
    ("two names, one space", "王强 李明", ["王强", "李明"]),
    ("three names", "王强  李明  赵小红", ["王强", "李明", "赵小红"]),
    ("padded name", "王  强", ["王强"]),
    ("padded names", "王  强  李  明", ["王强", "李明"]),
    ("padded and unpadded", "王  强  欧阳晓明", ["王强", "欧阳晓明"]),
    ("dot name", "阿依古丽·买买提", ["阿依古丽·买买提"]),
    ("foreign dot name", "约翰·史密斯", ["约翰·史密斯"]),
    ("posted abroad", "本报驻东京记者  王强", ["王强"]),
    ("reporter and correspondent", "本报记者 王强 通讯员 李明", ["王强", "李明"]),
    ("court", "江苏省无锡市梁溪区人民法院  王强", ["王强"]),
    ("professor", "南京大学教授  李明", ["李明"]),
    ("hospital, two names", "无锡市第一人民医院  王  强  李明", ["王强", "李明"]),
]


@pytest.mark.parametrize("style", [PD, WX], ids=["full-width", "half-width"])
@pytest.mark.parametrize("name,line,bylines", UNDER_HEADLINE, ids=[u[0] for u in UNDER_HEADLINE])
def test_a_name_line_under_the_headline_is_the_byline(name, line, bylines, style):
    (s,) = read([TITLE, line, *style])
    assert (s.title, s.subtitle) == (TITLE, None)
    assert list(s.bylines) == bylines and s.credit == line
    assert s.paragraphs == tuple(style) and not [r for r in s.review if not r.startswith(MODEL_REASON)]


def test_a_name_under_a_kicker_and_title_is_the_byline():
    (s,) = read(["聚焦城市更新——", TITLE, "王  强", *PD])
    assert (s.kicker, s.title, s.bylines) == ("聚焦城市更新——", TITLE, ("王强",))


def test_a_name_under_a_dash_subtitle_over_a_dateline_is_the_byline():
    (s,) = read([TITLE, "——记运河沿线的变化", "王强", "本报讯 " + PD[0], PD[1]])
    assert (s.subtitle, s.bylines, s.dateline) == ("——记运河沿线的变化", ("王强",), "本报讯")


@pytest.mark.parametrize("heading", ["布点", "深融", "聚力", "春风十里", "关注", "江南"])
def test_a_short_heading_under_the_headline_is_not_a_byline(heading):
    (s,) = read([TITLE, heading, *PD])
    assert s.bylines == () and s.paragraphs[0] == f"## {heading}"


def test_a_name_elsewhere_in_the_text_is_a_subheading_not_a_byline():
    (s,) = read([TITLE, "本报记者  李明", PD[0], "布点", "春风十里", PD[1]])
    assert s.bylines == ("李明",)
    assert s.paragraphs[1:3] == ("## 布点", "## 春风十里")


def test_a_name_that_is_also_a_word_is_read_as_a_name_with_a_note_for_the_editor():
    (s,) = read([TITLE, "黎明", *PD])
    assert s.bylines == ("黎明",)
    assert s.review == ("“黎明” read as the author's name, though it is also an ordinary word; check it is not a subheading",)


def test_a_padded_name_is_a_name_even_when_it_spells_a_word():
    (s,) = read([TITLE, "高  峰", *PD])
    assert s.bylines == ("高峰",) and not [r for r in s.review if not r.startswith(MODEL_REASON)]


def test_a_name_under_a_kicker_is_not_a_byline():
    (s,) = read(["时代楷模——", "王强", *PD])
    assert s.bylines == () and not s.credit


def test_two_essays_each_signed_under_its_title():
    first, second = read(["夏夜的萤火", "王强", "小时候，外婆家门前有一片稻田，夏夜里萤火虫飞来飞去。",
                          "老街的馄饨铺", "李  明", "老街拐角有一家馄饨铺，开了三十多年。"])
    assert (first.title, first.bylines) == ("夏夜的萤火", ("王强",))
    assert (second.title, second.bylines) == ("老街的馄饨铺", ("李明",))


# a credit closing the text, at the end of its last paragraph or on a line of its own -> bylines, photographers
CLOSING = [
    ("trailing name", "（王强）", ["王强"], []),
    ("trailing reporter", "（记者 王强）", ["王强"], []),
    ("trailing names with role", "（本报记者 王强 李明）", ["王强", "李明"], []),
    ("trailing half-width", "(王强)", ["王强"], []),
    ("trailing half-width two names", "(王强 李明)", ["王强", "李明"], []),
]


@pytest.mark.parametrize("name,credit,bylines,photographers", CLOSING, ids=[c[0] for c in CLOSING])
@pytest.mark.parametrize("own_line", [False, True], ids=["after-text", "own-line"])
def test_a_bracketed_credit_closing_the_text(name, credit, bylines, photographers, own_line):
    style = WX if credit.startswith("(") else PD
    lines = [TITLE, style[0], style[1] + credit] if not own_line else [TITLE, *style, credit]
    (s,) = read(lines)
    assert (list(s.bylines), list(s.photographers), s.credit) == (bylines, photographers, credit)
    assert s.paragraphs == tuple(style)


END_CREDITS = [
    ("padded name signing 文", "王  强文", ["王强"], []),
    ("two padded names signing 文", "王  强  李  明文", ["王强", "李明"], []),
    ("文/ before the name", "文/王强", ["王强"], []),
    ("writer and photographer", "王强 文 李明 摄", ["王强"], ["李明"]),
    ("文/图 one person", "文/图 王强", ["王强"], ["王强"]),
    ("文/图 half-width colon", "文/图:王强", ["王强"], ["王强"]),
    ("文 and 图 with full-width colons", "文：王强  图：李明", ["王强"], ["李明"]),
]


@pytest.mark.parametrize("name,credit,bylines,photographers", END_CREDITS, ids=[c[0] for c in END_CREDITS])
def test_an_end_credit_on_its_own_line_signs_the_text_and_heads_nothing(name, credit, bylines, photographers):
    story, nxt = read([TITLE, *PD, credit, "城市书房开放", "城市书房今天开放，市民可以免费借阅图书。"])
    assert (list(story.bylines), list(story.photographers), story.credit) == (bylines, photographers, credit)
    assert (nxt.title, nxt.bylines) == ("城市书房开放", ())


# the opening of the first paragraph -> (dateline, bylines); the prefix stays in the paragraph
LEADS = [
    ("本报讯 with reporter and correspondent", "本报讯 记者 王强 通讯员 李明 ", "本报讯", ["王强", "李明"]),
    ("本报讯 with padded names", "本报讯 记者 王  强 通讯员 李  明 ", "本报讯", ["王强", "李明"]),
    ("本报讯 with bracketed names", "本报讯（记者 王强 通讯员 李明）", "本报讯", ["王强", "李明"]),
    ("本报讯 half-width brackets", "本报讯(记者 王强 通讯员 李明)", "本报讯", ["王强", "李明"]),
    ("dateline with names only", "新华社北京6月2日电（王强 李明）", "新华社北京6月2日电", ["王强", "李明"]),
    ("dateline with names only, half-width", "新华社北京6月2日电(王强 李明)", "新华社北京6月2日电", ["王强", "李明"]),
    ("dateline with one name only", "本报南京6月2日电  （王  强）", "本报南京6月2日电", ["王强"]),
    ("dateline with a place only", "本报讯（上海）", "本报讯", []),
]


@pytest.mark.parametrize("name,prefix,dateline,bylines", LEADS, ids=[x[0] for x in LEADS])
def test_a_dateline_opening_the_first_paragraph(name, prefix, dateline, bylines):
    (s,) = read([TITLE, prefix + PD[0], PD[1]])
    assert (s.dateline, list(s.bylines)) == (dateline, bylines)
    assert s.paragraphs[0] == prefix + PD[0]


CAPTION = "图为市民在运河步道晨练。"
PHOTOS = [
    ("name摄", "王强摄", ["王强"]),
    ("name 摄", "王强 摄", ["王强"]),
    ("padded name摄", "王  强摄", ["王强"]),
    ("agency suffix", "王强摄(新华社)", ["王强"]),
    ("agency suffix full-width", "王强摄（新华社发）", ["王强"]),
    ("agency reporter", "新华社记者 王强摄", ["王强"]),
    ("two photographers", "本报记者  王强  李明摄", ["王强", "李明"]),
]


@pytest.mark.parametrize("name,credit,photographers", PHOTOS, ids=[p[0] for p in PHOTOS])
@pytest.mark.parametrize("own_line", [True, False], ids=["own-line", "after-caption"])
def test_a_photo_credit_under_or_after_its_caption(name, credit, photographers, own_line):
    lines = [CAPTION, credit] if own_line else [CAPTION + credit]
    (s,) = read(lines)
    assert (s.kind, list(s.photographers), s.bylines) == ("photo", photographers, ())
    if own_line:
        assert (s.credit, s.paragraphs) == (credit, (CAPTION,))
    else:  # printed after the caption, the credit stays in its line as printed: the line is kept whole
        assert (s.credit, s.paragraphs) == (None, (CAPTION + credit,))


def test_a_sentence_ending_on_a_word_with_she_keeps_it():
    (s,) = read([TITLE, PD[0], "大家都说要留下这美景。今天去拍摄"])
    assert s.photographers == () and s.paragraphs[-1].endswith("今天去拍摄")


@pytest.mark.parametrize("name,bylines", [("王  强", ("王强",)), ("南京大学教授  李明", ("李明",)), ("王强  李明", ("王强", "李明"))])
def test_a_name_under_the_headline_on_a_page_extracted_line_by_line(name, bylines):
    import random

    import pagegen
    from wxnews_site.importer.printed import line_per_line

    page = pagegen._Page(random.Random(0), blank_lines=False, indent="　　", column=16)
    page.emit("夏夜的萤火")
    page.emit(name)
    for text in ("小时候，外婆家门前有一片稻田，夏夜里萤火虫飞来飞去，我们提着玻璃瓶去捉，捉到了又放走。",
                 "后来外婆搬进了城里，稻田也盖起了楼房，可那些夏夜一直留在我的记忆里，时常想起。"):
        page.emit(text, starts_paragraph=True, body=True)
    assert line_per_line(page.lines)
    (s,) = read(page.lines)
    assert (s.title, s.bylines, s.credit, len(s.paragraphs)) == ("夏夜的萤火", bylines, name, 2)
