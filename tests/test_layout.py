from __future__ import annotations

import random
import re
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pagegen
from wxnews_site.importer.blocks import classify, text_like
from wxnews_site.importer.confidence import MODEL_REASON
from wxnews_site.importer.layout import accounted, reconstruct
from wxnews_site.importer.printed import line_per_line, rejoin

PAGES = Path(__file__).parent / "fixtures" / "pages"
SEED_RAW = (PAGES / "wuxi-2024-06-30_02.txt").read_text(encoding="utf-8")
SEED_GOLD = yaml.safe_load((PAGES / "wuxi-2024-06-30_02.gold.yaml").read_text(encoding="utf-8"))


def steps_reasons(story) -> list[str]:
    """The reasons the reconstruction's steps left (not the review model's whole-story flag)."""
    return [r for r in story.review if not r.startswith(MODEL_REASON)]


def conserved(lines: list[str], draft) -> bool:
    missing, extra = accounted(lines, draft)
    return not missing and not extra


def each_line_once(lines: list[str], draft) -> bool:
    """Every printed line is in exactly one story's source lines or a leftover (editor credits aside)."""
    seen = Counter(n for s in draft.stories for n in s.lines) + Counter(lo.line for lo in draft.leftovers)
    # (an editor credit keeps no line numbers: its lines are known by their text, a wrapped
    # last character included)
    def staff(text: str) -> bool:
        return any(text in c for c in draft.credits)

    return all(seen[n] == 1 or (seen[n] == 0 and (not text.strip() or staff(text.strip())))
               for n, text in enumerate(lines, start=1))


@pytest.fixture(scope="module")
def seed_draft():
    return reconstruct(SEED_RAW.split("\n"), "wuxi-2024-06-30_02.txt")


def test_seed_page_scores_against_its_gold(seed_draft):
    result = pagegen.score_draft(SEED_GOLD, SEED_RAW, seed_draft)
    assert result["joints"] == 1.0, result["joint_misses"]
    assert result["kept"] == 1.0, result["lost"]
    assert result["score"] >= 0.97, result


def test_seed_page_keeps_every_character(seed_draft):
    assert conserved(SEED_RAW.split("\n"), seed_draft)
    assert each_line_once(SEED_RAW.split("\n"), seed_draft)


def test_seed_page_stories(seed_draft):
    stories = seed_draft.stories
    first = stories[0]
    assert first.kicker.endswith("——") and first.title == "从科创“窗口”洞见更多深融可能"
    # the lead printed inside the cut "基于自|身发展" paragraph goes first
    assert first.paragraphs[0].startswith("6月28日")
    assert first.paragraphs[1:3] == ("## 布点", "## “小上海”在“大上海”开辟窗口")
    assert any("基于自身发展" in p for p in first.paragraphs)
    assert first.credit == "(崔欣润)" and first.bylines == ("崔欣润",)
    trailing = next(s for s in stories if s.title and s.title.startswith("人大联组"))
    assert trailing.paragraphs[-1].endswith("达标年中目标。") and trailing.credit == "(孙倩茹)"
    assert trailing.dateline == "本报讯"
    photo = next(s for s in stories if s.kind == "photo")
    assert photo.title is None and photo.photographers == ("宗晓东",) and photo.credit == "(宗晓东 摄)"
    jumps = [s for s in stories if s.kind == "continuation"]
    assert [s.title for s in jumps] == [
        "加码无锡,“人形机器人第一股”向未来跃进", "让党员干部把遵规守纪刻印在心外化于行", "让“空壳村”蜕变成乡村振兴“绩优股”",
    ]
    assert all(s.continued_from_page == 1 and s.markers == ("(上接第1版)",) for s in jumps)
    assert jumps[2].paragraphs[0].startswith("他先后累计")  # the marker is out of the body
    assert stories[0].lines[0] == 3 and 19 in stories[0].lines


def test_editor_credits_go_to_the_page():
    lines = ["城市书房开放", "", "本报讯 城市书房今天开放,市民可以免费借阅图书。(王伟)", "", "本版责编：许  诺  赵川博"]
    draft = reconstruct(lines, "p.txt")
    assert draft.credits == ("本版责编：许  诺  赵川博",)
    assert len(draft.stories) == 1 and draft.stories[0].bylines == ("王伟",)
    assert conserved(lines, draft)


def test_page_header_lines_are_left_over_not_headlines():
    lines = ["2024年6月30日 星期日", "第2版", "城市书房开放", "本报讯 城市书房今天开放,市民可以免费借阅图书。(王伟)",
             "责任编辑 王五  美编 赵六"]
    draft = reconstruct(lines, "p.txt")
    assert [s.title for s in draft.stories] == ["城市书房开放"]
    assert [lo.line for lo in draft.leftovers] == [1, 2]
    assert draft.credits == ("责任编辑 王五  美编 赵六",)
    assert draft.date_hint == "2024-06-30"
    assert conserved(lines, draft)


def test_letters_signed_with_place_and_name():
    lines = [
        "优化高铁车厢", "增加大件行李空间",
        "近日,笔者乘坐高铁列车时发现,不少旅客携带大件行李,车厢行李架放不下。",
        "期待铁路部门关注这一情况,采取一些优化措施。",
        "湖南长沙市  吴  峥",
        "以村医为主力", "普及乡村急救知识",
        "笔者最近回了一趟农村老家,目睹一位老人在田间劳作时突发疾病。",
        "陕西西安市  冯  燮",
    ]
    stories = reconstruct(lines, "p.txt").stories
    assert [(s.title, s.subtitle, s.bylines) for s in stories] == [
        ("优化高铁车厢", "增加大件行李空间", ("吴峥",)), ("以村医为主力", "普及乡村急救知识", ("冯燮",)),
    ]
    assert stories[0].credit == "湖南长沙市  吴  峥"


def test_jump_headline_printed_above_the_continued_text():
    lines = ["社区食堂让老人吃上热乎饭", "(上接第1版)食堂每天提供三种套餐,荤素搭配,价格实惠。",
             "负责人说,下一步将在更多社区推广这一做法。"]
    stories = reconstruct(lines, "p.txt").stories
    assert len(stories) == 1
    s = stories[0]
    assert (s.kind, s.title, s.continued_from_page) == ("continuation", "社区食堂让老人吃上热乎饭", 1)
    assert s.paragraphs[0] == "食堂每天提供三种套餐,荤素搭配,价格实惠。" and s.markers == ("(上接第1版)",)


def test_photo_printed_inside_a_signed_article_is_its_own_story():
    lines = [
        "秋季蔬菜种植技术培训走进田间", "本报记者  欧阳洁",
        "连日来,农技推广中心组织专家深入各镇村,开展秋季蔬菜种植技术培训。",
        "图为农技人员在示范基地讲解育苗要点。", "本报记者  宗晓东摄",
        "据介绍,培训将持续到下月中旬,覆盖全市所有蔬菜生产基地。",
    ]
    stories = reconstruct(lines, "p.txt").stories
    article, photo = stories
    assert article.paragraphs[-1].startswith("据介绍") and article.bylines == ("欧阳洁",)
    assert photo.kind == "photo" and photo.title is None and photo.photographers == ("宗晓东",)
    assert photo.paragraphs == ("图为农技人员在示范基地讲解育苗要点。",)


def test_byline_under_headline_and_jump_to_another_page():
    lines = [
        "运河边新建三座口袋公园", "本报记者  刘  泉  张云河",
        "运河沿岸新建的三座口袋公园近日向市民开放,园内设置了健身步道和休憩座椅。",
        "公园利用闲置边角地建设,设计时保留了原有的大树,并种植了(下转第4版)",
    ]
    s = reconstruct(lines, "p.txt").stories[0]
    assert s.bylines == ("刘泉", "张云河") and s.credit == "本报记者  刘  泉  张云河"
    assert s.continued_to_page == 4 and s.paragraphs[-1].endswith("种植了")
    assert not any("paragraph ends mid-sentence" in r for r in s.review)


def test_paragraph_indents_show_where_a_cut_paragraph_goes_on():
    lines = [
        "城市图书馆开放",
        "　　本报讯 市里新建的图书馆今天开放。",
        "　　馆内藏书",
        "　　图书馆由老厂房改建而成,保留了红砖外墙。",
        "二十万册,设有少儿阅览区和自习室。",
        "　　开放首日,不少市民专程赶来。(王伟)",
    ]
    s = reconstruct(lines, "p.txt").stories[0]
    assert "馆内藏书二十万册,设有少儿阅览区和自习室。" in s.paragraphs
    assert s.paragraphs[-1] == "开放首日,不少市民专程赶来。"


@pytest.mark.parametrize("marker,page", [("（下转第十二版）", 12), ("(下转第2版)", 2), ("（下转第二十三版）", 23), ("(下转 A3 版)", 3), ("（下转A3版）", 3), ("(转第5版)", 5), ("下转第二版", 2), ("（下转Ｂ１２版）", 12)])
def test_jump_markers_in_any_numerals(marker, page):
    lines = ["运河边新建三座口袋公园", "本报讯 运河沿岸新建的三座口袋公园近日向市民开放,园内设置了" + marker]
    s = reconstruct(lines, "p.txt").stories[0]
    # a section letter is printed, not stored: "A3" is page 3 of the paper's A section
    assert s.continued_to_page == page and s.markers == (marker,)
    assert s.paragraphs[-1].endswith("园内设置了")
    assert conserved(lines, reconstruct(lines, "p.txt"))


def test_a_dateline_opens_a_story_even_under_a_long_headline():
    lines = [
        "城市书房开放",
        "本报讯 城市书房今天开放,市民可以免费借阅图书。",
        "书房由社区和图书馆合办,每天开放到晚上九点。",
        "守护空天，就是分秒必争（中国道路中国梦·青春为中国式现代化挺膺担当㊻）新一期节目今晚播出",
        "本报讯 记者 吴晔 结束凌晨的战备值班,拉开指控方舱的门,微风裹着晨雾扑面而来。",
    ]
    first, second = reconstruct(lines, "p.txt").stories
    assert first.paragraphs[-1].startswith("书房由社区")
    assert second.title == lines[3] and second.bylines == ("吴晔",) and second.dateline == "本报讯"


def test_dateline_with_reporters_stays_in_the_paragraph():
    lines = ["秋季培训走进田间", "本报北京5月19日电 （记者谷业凯）连日来,农技人员深入田间开展培训。", "培训将持续到下月中旬。"]
    s = reconstruct(lines, "p.txt").stories[0]
    assert s.dateline == "本报北京5月19日电" and s.bylines == ("谷业凯",)
    assert s.paragraphs[0].startswith("本报北京5月19日电 （记者谷业凯）连日来")


def test_simulated_pages_are_rebuilt():
    scores = []
    for seed in range(12):
        raw, gold = pagegen.layout(pagegen.SAMPLE_ARTICLES, seed)
        lines = raw.split("\n")
        draft = reconstruct(lines, gold["source"])
        assert conserved(lines, draft), seed
        assert each_line_once(lines, draft), seed
        result = pagegen.score_draft(gold, raw, draft)
        # the scorer knows "(上接第1版)" but not "（上接A1版）": those lines are checked by `conserved`
        assert not [ln for ln in result["lost"] if not re.match(r"[(（]上接[A-Z]", ln)], (seed, result["lost"])
        assert result["score"] >= 0.7, (seed, result)
        scores.append(result["score"])
    # short synthetic paragraphs make harder pages than real ones: many cuts land in short lines
    assert sum(scores) / len(scores) >= 0.88, scores


def test_simulator_gold_matches_its_own_page():
    # the gold's paragraphs, joints and order checks all come from the raw page
    raw, gold = pagegen.layout(pagegen.SAMPLE_ARTICLES, 3)
    flat = raw.replace("\n", "")
    for j in gold["joints"]:
        left, right = j["joint"][:4], j["joint"][4:]
        assert left in flat and right in flat
    for g in gold["articles"]:
        for p in g["paragraphs"]:
            assert p.removeprefix("## ")[:6] in raw


LINE = st.one_of(
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Zl", "Zp", "Cc")), max_size=60),
    st.sampled_from([
        "(上接第1版)", "(下转第2版)", "（崔欣润）", "本报记者  刘  泉  张云河", "本版责编：许  诺",
        "布点", "第七届会议在锡举办", "本报讯 记者 张三 会议召开。", "(宗晓东 摄)", "——", "", "  ",
    ]),
    st.text(alphabet="会议在无锡开幕。,、“”()上下接转第版1本报讯记者摄 ——", max_size=40),
    st.text(alphabet="基于自身发展和对高端人才的需求企业已在租赁平方米办公空间用于对接上海优质资源张王刘。，、；：？！“”（）——…0123", max_size=120),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(LINE, max_size=25))
def test_any_text_is_conserved(lines):
    lines = [ln.replace("\n", " ").replace("\r", " ") for ln in lines]
    draft = reconstruct(lines, "random.txt")
    missing, extra = accounted(lines, draft)
    assert not missing and not extra
    assert each_line_once(lines, draft)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(LINE, min_size=1, max_size=12), st.integers(min_value=8, max_value=18), st.booleans())
def test_any_text_printed_line_by_line_is_conserved(paragraphs, column, indent):
    # the same property for pages extracted one printed column line per raw line
    page = pagegen._Page(random.Random(0), blank_lines=False, indent="　　" if indent else "", column=column)
    for p in paragraphs:
        page.emit(p.replace("\n", " ").replace("\r", " "), starts_paragraph=True, body=True)
    draft = reconstruct(page.lines, "random.txt")
    missing, extra = accounted(page.lines, draft)
    assert not missing and not extra
    assert each_line_once(page.lines, draft)


def test_letter_page_markers_open_and_close_continued_stories():
    lines = [
        "（上接A1版）食堂每天提供三种套餐,荤素搭配,价格实惠。",
        "负责人说,下一步将在更多社区推广这一做法。",
        "运河边新建三座口袋公园",
        "本报讯 运河沿岸新建的三座口袋公园近日向市民开放,园内设置了(下转A3版)",
    ]
    draft = reconstruct(lines, "p.txt")
    first, second = draft.stories
    assert (first.kind, first.continued_from_page, first.markers) == ("continuation", 1, ("（上接A1版）",))
    assert first.paragraphs[0] == "食堂每天提供三种套餐,荤素搭配,价格实惠。"
    assert (second.continued_to_page, second.markers) == (3, ("(下转A3版)",))
    assert conserved(lines, draft)


ADVERT = ["阳光家居博览会", "品质生活  从家开始", "地址：滨湖区湖滨路88号", "咨询热线：0510-85556666"]


def test_an_advert_between_stories_is_left_over_not_an_article():
    lines = [
        "运河边新建三座口袋公园",
        "本报讯 运河沿岸新建的三座口袋公园近日向市民开放。(王伟)",
        *ADVERT,
        "城市书房开放",
        "本报讯 城市书房今天开放,市民可以免费借阅图书。(李娜)",
    ]
    draft = reconstruct(lines, "p.txt")
    assert [s.title for s in draft.stories] == ["运河边新建三座口袋公园", "城市书房开放"]
    assert [(lo.line, lo.reason) for lo in draft.leftovers] == [(n, "advert") for n in (3, 4, 5, 6)]
    assert conserved(lines, draft) and each_line_once(lines, draft)


def test_a_labelled_advert_at_the_page_top_is_left_over():
    lines = ["广告", "全城热卖  买一送一", "订购电话：13912345678", *ADVERT[2:3], "城市书房开放",
             "本报讯 城市书房今天开放,市民可以免费借阅图书。(李娜)"]
    draft = reconstruct(lines, "p.txt")
    assert [s.title for s in draft.stories] == ["城市书房开放"]
    assert {lo.reason for lo in draft.leftovers} == {"advert"} and len(draft.leftovers) == 4


def test_a_hotline_at_the_end_of_a_story_stays_in_the_story():
    lines = ["夏令营开始报名", "本报讯 市青少年宫暑期夏令营今天开始报名,名额有限,报满为止。", "报名电话：0510-82345678"]
    draft = reconstruct(lines, "p.txt")
    assert not draft.leftovers and draft.stories[0].paragraphs[-1] == "报名电话：0510-82345678"


def _printed_lines(paragraph: str, width: int, indent: str = "　　") -> list[str]:
    """A paragraph as printed in a column `width` characters wide, indent first."""
    text = indent + paragraph
    return [text[k:k + width] for k in range(0, len(text), width)]


def test_a_page_extracted_one_printed_line_per_raw_line_is_rejoined():
    paras = [
        "本报讯 运河沿岸新建的三座口袋公园近日向市民开放,园内设置了健身步道、儿童游乐区和休憩座椅。",
        "公园利用闲置边角地建设,设计时保留了原有的大树,并种植了适合本地气候的花木,四季都有景可赏。",
        "附近居民表示,以前这里堆放杂物,现在成了家门口的小花园,早晚锻炼有了好去处。(王伟)",
    ]
    lines = ["运河边新建三座口袋公园"] + [ln for p in paras for ln in _printed_lines(p, 13)]
    draft = reconstruct(lines, "p.txt")
    (s,) = draft.stories
    assert s.title == "运河边新建三座口袋公园"
    assert s.paragraphs == (paras[0], paras[1], paras[2].removesuffix("(王伟)"))
    assert s.bylines == ("王伟",) and s.lines == tuple(range(1, len(lines) + 1))
    assert conserved(lines, draft) and each_line_once(lines, draft)


def test_unindented_printed_lines_start_a_paragraph_after_a_short_sentence_end():
    paras = ["市里新建的图书馆今天开放,馆内藏书二十万册,设有少儿阅览区。",
             "图书馆由老厂房改建而成,保留了红砖外墙和高大的窗户,很有年代感。",
             "开放首日,不少市民专程赶来,在书架间流连。", "馆方说,今后还将举办读书会和展览。"]
    lines = ["城市图书馆开放"] + [ln for p in paras for ln in _printed_lines(p, 12, indent="")]
    (s,) = reconstruct(lines, "p.txt").stories
    assert s.paragraphs == tuple(paras)


def test_ordinary_pages_are_not_rejoined():
    assert not line_per_line(SEED_RAW.split("\n"))


def test_a_feature_signed_by_its_editors_keeps_its_parts_together():
    lines = [
        "街巷里的烟火气（城市笔记）",
        "老城区的街巷藏着这座城市的记忆。我们走进三条老街,听听街坊们的故事。",
        "——编  者",
        "清名桥老街——",
        "百年古桥  人来人往",
        "本报记者  王晓莉",
        "清晨的清名桥边,早点铺子已经排起了长队,老街坊们端着碗站在桥头聊天。",
        "小娄巷——",
        "名人故居  书香满巷",
        "本报记者  孙芊芊",
        "小娄巷里的几座故居修缮一新,每到周末,来参观的学生络绎不绝。",
        "本期统筹：许  诺",
        "城市书房开放",
        "本报讯 城市书房今天开放,市民可以免费借阅图书。(李娜)",
    ]
    feature, other = reconstruct(lines, "p.txt").stories
    # each part's reporters sign that part, as the paper's own record keeps them: in the text
    assert feature.title == "街巷里的烟火气（城市笔记）" and feature.bylines == ()
    assert "## 小娄巷——" in feature.paragraphs and feature.paragraphs[-1].startswith("小娄巷里")
    assert "## 本报记者  孙芊芊" in feature.paragraphs
    assert other.title == "城市书房开放" and other.bylines == ("李娜",)
    # with no staff credit, a headline over a dateline still ends the feature
    lines = lines[:11] + ["我市进入梅雨期", "需防范强降雨引发的次生灾害", "本报讯 气象部门预计，本周后期将有强降雨。"]
    draft = reconstruct(lines, "p.txt")
    feature, other = draft.stories
    assert {other.title, other.subtitle} == {"我市进入梅雨期", "需防范强降雨引发的次生灾害"}
    assert conserved(lines, draft)


def test_printed_lines_with_punctuation_hung_past_the_column_edge_are_rejoined():
    # typesetters never start a line with "，": it hangs after the column's last character
    paras = ["市里新建的图书馆今天开放了，馆内藏书二十万册，设有少儿阅览区和自习室。",
             "图书馆由老厂房改建而成，保留了红砖外墙和高大的窗户，很有年代感。",
             "开放首日，不少市民专程赶来，在书架间流连，直到闭馆才离开。"]
    column = pagegen._Page(random.Random(0), blank_lines=False, indent="　　", column=12)
    printed = [ln for p in paras for ln in column.wrap("　　" + p)]
    assert any(ln[-1] in "，。" and len(ln) == 13 for ln in printed)  # a hung comma or full stop
    (s,) = reconstruct(["城市图书馆开放"] + printed, "p.txt").stories
    assert s.paragraphs == tuple(paras)


def test_a_kicker_that_opens_with_a_date_is_still_a_headline_line():
    lines = ["运河边新建三座口袋公园。(王伟)",
             "7月1日起，全市公园延长开放时间",
             "夏夜纳凉有了好去处（民生关注）",
             "本报讯 入夏以来，不少市民傍晚到公园散步纳凉。(李娜)"]
    story = reconstruct(lines, "p.txt").stories[-1]
    assert {story.kicker, story.title, story.subtitle} - {None} == {
        "7月1日起，全市公园延长开放时间", "夏夜纳凉有了好去处（民生关注）"}
    assert story.paragraphs == ("本报讯 入夏以来，不少市民傍晚到公园散步纳凉。",)


def test_a_question_headline_with_a_dotted_column_name_is_not_a_signed_sentence():
    lines = ["城市为何更宜居？（城市更新·街巷故事）", "本报讯 老城区的街巷改造完成后，居民出行更加方便。(王伟)"]
    (s,) = reconstruct(lines, "p.txt").stories
    assert s.title == "城市为何更宜居？（城市更新·街巷故事）" and s.bylines == ("王伟",)


def test_a_subtitle_opening_with_a_dash_stays_a_headline_line():
    lines = ["“把每件小事办好”", "——记社区网格员王晓莉、孙芊芊夫妇",
             "清晨六点，王晓莉已经在小区里巡查了一圈。(李娜)"]
    (s,) = reconstruct(lines, "p.txt").stories
    assert (s.title, s.subtitle) == ("“把每件小事办好”", "——记社区网格员王晓莉、孙芊芊夫妇")


def test_a_question_under_a_column_tagged_title_is_the_first_subheading():
    lines = ["运河边新建三座口袋公园", "让市民出门见绿（城市更新）", "边角地怎样变成小花园？",
             "公园利用闲置边角地建设，保留了原有的大树。(王伟)"]
    (s,) = reconstruct(lines, "p.txt").stories
    assert (s.kicker, s.title) == ("运河边新建三座口袋公园", "让市民出门见绿（城市更新）")
    assert s.paragraphs[0] == "## 边角地怎样变成小花园？"


def test_a_closing_dateline_with_its_reporters_ends_the_story():
    closing = "（本报华沙、首尔、柏林6月23日电）(王伟 李娜)"
    block = classify(3, closing)
    assert block.core == "（本报华沙、首尔、柏林6月23日电）" and block.credit.bylines == ("王伟", "李娜")
    lines = ["运河边新建三座口袋公园", "运河沿岸新建的三座口袋公园近日向市民开放，园内设置了健身步道。",
             closing, "城市书房开放", "城市书房今天开放，市民可以免费借阅图书。"]
    first, second = reconstruct(lines, "p.txt").stories
    assert first.bylines == ("王伟", "李娜") and second.title == "城市书房开放"


def test_a_note_closing_the_story_above_an_advert_stays_in_the_story():
    lines = ["运河边新建三座口袋公园", "运河沿岸新建的三座口袋公园近日向市民开放，园内设置了健身步道。",
             "（作者为市园林局工程师，", "本报记者王伟采访整理）", *ADVERT]
    draft = reconstruct(lines, "p.txt")
    assert [lo.line for lo in draft.leftovers] == [5, 6, 7, 8]
    assert 3 in draft.stories[0].lines and 4 in draft.stories[0].lines


def test_blank_lines_between_printed_paragraphs_end_them():
    # each paragraph fills its last printed line: only the blank line says it ends there
    text = ("市里新建的图书馆今天开放，馆内藏书二十万册，设有阅览区和自习室，图书馆由老厂房改建而成，"
            "保留了红砖外墙和高大的窗户，很有年代感，开放首日不少市民专程赶来，在书架间流连，直到闭馆时才离开")
    paras = [text[k * 10:k * 10 + 47] + "。" for k in range(4)]
    column = pagegen._Page(random.Random(0), blank_lines=True, indent="", column=16)
    column.emit("城市图书馆开放")
    for p in paras:
        column.emit(p, starts_paragraph=True, body=True)
    assert line_per_line(column.lines) and len(column.lines) == 1 + 4 * 4
    (s,) = reconstruct(column.lines, "p.txt").stories
    assert s.paragraphs == tuple(paras)


def test_a_full_line_without_punctuation_after_a_sentence_goes_on_in_the_paragraph():
    # Printed line by line with no indents: "…心脏骤停了。" ends a full line, and the next line, as
    # wide as the column and without punctuation, goes on into the lines under it: it is text,
    # not a headline (where a paragraph ends at a full line's 。, the page does not say).
    rescue = "今年四月傍晚，万宁海边一名游客溺水，心脏骤停了。当地四名村民立即冲入海水将人托举上岸，护士接力四分钟心肺复苏，抢回一条生命。"
    after = "四天后，万宁市完成了见义勇为认定，四名村民和护士受到表彰，当地还组织了急救培训。"
    column = pagegen._Page(random.Random(0), blank_lines=False, indent="", column=12)
    column.emit("海边救人的故事")
    for p in (rescue, after, rescue.replace("四月", "五月"), after.replace("四天", "三天")):
        column.emit(p, starts_paragraph=True, body=True)
    assert "当地四名村民立即冲入海水" in column.lines and line_per_line(column.lines)
    (s,) = reconstruct(column.lines, "p.txt").stories
    first, rest = rescue.split("。", 1)
    assert s.paragraphs[:2] == (first + "。", rest)


def test_a_sentence_ending_in_hung_punctuation_goes_on_in_its_indented_paragraph():
    # "…仓体构造。”" hangs both marks past the column's edge; the unindented line under it
    # goes on in the same paragraph, as under any full line of an indented page.
    first = "我国粮仓已历经三代演变，第一代粮仓诞生于上世纪五十年代，以苏式仓为主，储粮条件简陋。"
    quoted = "“与前三代粮仓不同，第四代粮食气膜仓最大的特点是采用一体化的仓体构造。”中储粮长沙直属库仓储科保管员金宇阳介绍，粮食气膜仓穿上了三层衣服，防水难燃，还能抗热辐射。"
    last = "如今，粮食气膜仓已在多地建成投用，储粮效果良好，粮食损耗明显降低。"
    lines = ["粮仓的变迁"]
    for text in (first, quoted, last):
        lines.append("　　" + text[:10])
        rest = text[10:]
        while rest:
            hung = 2 if rest[12:14] == "。”" else 0  # the closing marks stay on the line
            lines.append(rest[:12 + hung])
            rest = rest[12 + hung:]
    assert "点是采用一体化的仓体构造。”" in lines and line_per_line(lines)
    assert [p.text.lstrip("　") for p in rejoin(lines)][1:] == [first, quoted, last]
    (s,) = reconstruct(lines, "p.txt").stories
    assert s.paragraphs == (first, quoted, last)


# A paragraph cut by a column break whose first part is short: the part is text, not a subheading.
WALK = "老街区焕发新活力"
OPENING = "城市更新项目推进会近日召开，各区负责人通报了上半年老街区改造的进展。"


@pytest.mark.parametrize("first, rest", [
    ("区住建局局长张明介绍，今年全区", "已完成十二条背街小巷的整治，沿街招牌统一更换。"),  # who said it
    ("从施工进度看，十二条背街小巷", "已有九条完成整治，其余三条将在年底前完工。"),  # a point of view
    ("今年5月，街道办牵头组织", "居民议事会，把停车位和绿化的位置交给居民商量。"),  # when it happened
    ("改造为何先征求意见？街巷的停车位、晾衣架和绿化", "都与居民的日常生活息息相关。"),  # the answer after the question
    ("每条街巷的改造方案，街道办都决定以", "居民议事会的方式征求意见。"),  # stops on a preposition
])
def test_a_short_first_part_of_a_cut_paragraph_is_text(first, rest):
    lines = [WALK, OPENING, first, rest + "(陈晓)"]
    (s,) = reconstruct(lines, "p.txt").stories
    assert s.paragraphs == (OPENING, first + rest) and s.bylines == ("陈晓",)


def test_each_article_of_a_printed_law_opens_a_paragraph_of_text():
    lines = ["城市公园管理条例", "（2025年3月1日市人民代表大会常务委员会通过）",
             "第一条  为了加强城市公园管理，", "保障游人的合法权益，制定本条例。",
             "第二条  本条例适用于", "本市行政区域内城市公园的规划、建设和管理。"]
    (s,) = reconstruct(lines, "p.txt").stories
    assert s.paragraphs[-2:] == ("第一条  为了加强城市公园管理，保障游人的合法权益，制定本条例。",
                                 "第二条  本条例适用于本市行政区域内城市公园的规划、建设和管理。")


@pytest.mark.parametrize("note", [
    "（作者为市园林局工程师）", "（作者单位：江南大学设计学院）", "（作者为市园林局工程师，本报记者王伟采访整理）",
    "（《条例》全文见第三版）",
])
def test_a_note_printed_under_the_text_ends_the_story_and_does_not_head_the_next(note):
    lines = ["运河边新建三座口袋公园", "运河沿岸新建的三座口袋公园近日向市民开放，园内设置了健身步道。", note,
             "城市书房开放", "城市书房今天开放，市民可以免费借阅图书。"]
    first, second = reconstruct(lines, "p.txt").stories
    assert first.paragraphs[-1] == note
    assert (second.kicker, second.title, second.subtitle) == (None, "城市书房开放", None)


def test_a_credit_printed_under_an_authors_note_is_the_storys():
    lines = ["让口袋公园多起来（城市观察）", "口袋公园不在大，贴近居民才最要紧。", "（作者为市园林局", "工程师）", "(王伟)",
             "城市书房开放", "城市书房今天开放，市民可以免费借阅图书。"]
    first, second = reconstruct(lines, "p.txt").stories
    assert first.paragraphs[-1] == "（作者为市园林局工程师）" and first.bylines == ("王伟",)
    assert second.title == "城市书房开放" and second.bylines == ()


def test_a_charts_data_source_stays_with_its_story():
    lines = ["全市新增口袋公园三十座", "今年以来，全市新增口袋公园三十座，总面积十二万平方米。", "数据来源：市园林局",
             "城市书房开放", "城市书房今天开放，市民可以免费借阅图书。"]
    first, second = reconstruct(lines, "p.txt").stories
    assert first.paragraphs[-1] == "数据来源：市园林局" and second.title == "城市书房开放"


@pytest.mark.parametrize("line, text", [
    ("区住建局局长张明介绍，今年全区", True),  # who said it
    ("从施工进度看，十二条背街小巷", True),  # a point of view
    ("今年5月，街道办牵头组织", True),  # when it happened
    ("改造为何先征求意见？街巷的停车位、晾衣架和绿化", True),  # the answer after the question
    ("街道办都决定以", True),  # a preposition waits for its object
    ("第十二条  商标国际", True),  # a law's article is its text
    ("园林局工程师，本报记者王伟采访整理）", True),  # closes a bracket opened on the line above
    ("从一条产线到一个产业", False),
    ("守护空天，就是分秒必争", False),
    ("一场持续十八年的人才之约", False),
    ("警惕！暑期网络消费陷阱", False),
    ("第三章  商标注册的申请", False),
    ("街巷改造为何先问居民？", False),
    ("山洪汇流速度快，避险时间短", False),  # a one-character predicate ends a balanced headline
])
def test_a_short_line_reads_as_text_or_as_a_heading(line, text):
    assert text_like(line) is text


def test_a_jump_title_with_its_columns_name_is_never_the_last_line_of_the_column_above():
    lines = ["运河边新建三座口袋公园", "运河沿岸新建的三座口袋公园近日向市民开放，园内设置了健身步道和儿童游乐区。(王伟)",
             "(上接第1版)社区食堂每天提供三种套餐，荤素搭配，价格实惠，行动不便的老人还可以预约送餐上门。",
             "(上接第1版)园区为企业提供从注册到开工的全程代办服务，审批时间比以往缩",
             "社区食堂让老人吃上热乎饭（民生一线）", "受连日降雨影响",
             "部分老人出行不便，食堂增加了送餐上门的名额，志愿者每天分两批送餐。",
             "智能制造园区新项目签约落地", "短了一半以上，企业负责人对此赞不绝口。"]
    _, canteen, park = reconstruct(lines, "p.txt").stories
    assert canteen.title == "社区食堂让老人吃上热乎饭（民生一线）"
    assert canteen.paragraphs[0].startswith("社区食堂每天提供三种套餐")
    assert park.title == "智能制造园区新项目签约落地"
    assert park.paragraphs == ("园区为企业提供从注册到开工的全程代办服务，审批时间比以往缩短了一半以上，企业负责人对此赞不绝口。",)


def test_a_reporters_notes_heading_is_a_subheading_not_a_byline():
    lines = ["运河边新建三座口袋公园", "本报记者  王  伟", "运河沿岸新建的三座口袋公园近日向市民开放，园内设置了健身步道。",
             "记者手记", "口袋公园虽小，却连着民生。"]
    (s,) = reconstruct(lines, "p.txt").stories
    assert s.bylines == ("王伟",)
    assert s.paragraphs[1] == "## 记者手记"


BRIEFS = ["环球扫描", "多瑙河布达佩斯段水位创新低",
          "新华社布达佩斯6月28日电  受持续高温少雨影响，多瑙河布达佩斯段水位降至有记录以来最低。",
          "日本熊本县发生强震",
          "新华社东京6月28日电  日本熊本县28日发生6.2级地震，已造成数人受伤。"]


def test_a_column_of_briefs_under_its_name_is_one_story_with_each_item_a_subheading():
    lines = [*BRIEFS, "城市更新项目推进会召开——", "老街区焕发新活力",
             "本报讯 城市更新项目推进会近日召开，各区负责人通报了老街区改造的进展。"]
    briefs, town = reconstruct(lines, "p.txt").stories
    assert briefs.title == "环球扫描" and briefs.subtitle is None
    assert briefs.paragraphs == ("## 多瑙河布达佩斯段水位创新低", BRIEFS[2], "## 日本熊本县发生强震", BRIEFS[4])
    assert (town.kicker, town.title) == ("城市更新项目推进会召开——", "老街区焕发新活力")


def test_a_column_of_briefs_has_no_authors_of_its_own():
    # each item names its reporters in its own dateline; none of them wrote the column
    lines = ["环球扫描", "多瑙河布达佩斯段水位创新低",
             "新华社布达佩斯6月28日电  （记者王强）受持续高温少雨影响，多瑙河布达佩斯段水位降至有记录以来最低。",
             "日本熊本县发生强震",
             "新华社东京6月28日电  （记者李明）日本熊本县28日发生6.2级地震，已造成数人受伤。"]
    briefs, = reconstruct(lines, "p.txt").stories
    assert briefs.title == "环球扫描" and briefs.bylines == ()


def test_a_short_kicker_naming_a_day_or_a_place_opens_no_column():
    lines = ["端午假期", "全社会跨区域人员流动量预计超6.5亿人次",
             "本报北京6月1日电  端午假期，全社会跨区域人员流动量预计超6.5亿人次。",
             "端午假期", "全国消费市场运行平稳",
             "本报北京6月1日电  端午假期，全国消费市场运行平稳，节日商品供应充足。"]
    first, second = reconstruct(lines, "p.txt").stories
    assert {first.title, first.subtitle} == {"端午假期", "全社会跨区域人员流动量预计超6.5亿人次"}
    assert {second.title, second.subtitle} == {"端午假期", "全国消费市场运行平稳"}


def test_a_title_with_a_dash_subtitle_opens_a_story_even_on_the_same_subject():
    lines = ["老街区焕发新活力", "本报讯 城市更新项目推进会近日召开，各区通报了老街区改造的进展。",
             "改造过程中，施工单位坚持先征求意见再动工，老街区的居民议事会开了十几次。",
             "“老街区改造，要听居民的”", "——访市住建局局长张明",
             "老街区改造为什么要先开居民议事会？记者近日专访了市住建局局长张明。", "张明说，老街区的居民最清楚街巷缺什么。"]
    first, second = reconstruct(lines, "p.txt").stories
    assert (second.title, second.subtitle) == ("“老街区改造，要听居民的”", "——访市住建局局长张明")
    assert first.paragraphs[-1].startswith("改造过程中")


def test_a_dateline_with_its_reporters_filling_a_printed_line_opens_the_paragraph_under_it():
    first = "本报北京5月5日电  （记者吴储岐）记者从民政部获悉：民政部等11部门近日联合印发《关于推进互助性养老服务发展的意见》，明确互助性养老服务的定义。"
    second = "意见要求，建立完善互助服务模式，发展社区支持的居家互助服务，因地制宜开展农村互助服务，积极探索互助服务新模式。"
    column = pagegen._Page(random.Random(0), blank_lines=False, indent="", column=16)
    column.emit("推进互助性养老服务发展")
    column.emit(first, starts_paragraph=True, body=True)
    column.emit(second, starts_paragraph=True, body=True)
    assert column.lines[1] == "本报北京5月5日电  （记者吴储岐）" and line_per_line(column.lines)
    (s,) = reconstruct(column.lines, "p.txt").stories
    assert s.paragraphs == (first, second)
    assert s.bylines == ("吴储岐",) and s.dateline == "本报北京5月5日电"


def test_a_photo_report_column_opens_its_own_story_after_an_unsigned_text():
    lines = ["老街区焕发新活力", "城市更新项目推进会近日召开，各区负责人通报了上半年老街区改造的进展。",
             "先问居民再动工", "改造过程中，施工单位坚持先征求意见再动工，老街区新建了口袋公园。", "图片报道",
             "6月3日，市民在老街区新建的口袋公园里散步。图为公园一角。"]
    town, photos = reconstruct(lines, "p.txt").stories
    assert town.paragraphs[-1] == "改造过程中，施工单位坚持先征求意见再动工，老街区新建了口袋公园。"
    assert photos.title == "图片报道" and photos.paragraphs == (lines[-1],)


def test_credits_printed_one_under_another_sign_one_story():
    lines = ["运河边新建三座口袋公园", "运河沿岸新建的三座口袋公园近日向市民开放，园内设置了健身步道。",
             "（李娜参与采写）", "(王伟)", "城市书房开放", "城市书房今天开放，市民可以免费借阅图书。"]
    park, library = reconstruct(lines, "p.txt").stories
    assert park.bylines == ("王伟",) and park.credit == "（李娜参与采写） (王伟)"
    assert library.title == "城市书房开放" and library.bylines == ()


def test_a_pages_first_line_over_another_headline_line_is_a_kicker_however_it_reads():
    lines = ["2024年6月30日  星期日", "城市更新治难点、补短板、强弱项", "老街区改造全面提速",
             "本报讯 城市更新项目推进会近日召开，各区负责人通报了老街区改造的进展。"]
    (s,) = reconstruct(lines, "p.txt").stories
    assert {s.kicker, s.title, s.subtitle} - {None} == {"城市更新治难点、补短板、强弱项", "老街区改造全面提速"}
    assert steps_reasons(s) == []


def test_a_lone_short_line_inside_a_text_that_stops_mid_sentence_goes_on_below():
    lines = ["老街区焕发新活力", "城市更新项目推进会近日召开，各区负责人通报了老街区改造的进展。",
             "街道办接到居民的来信", "后，即刻安排专人上门查看，三天内修好了漏水的管道。",
             "居民们说，老街区的事有人管了。(王伟)"]
    (s,) = reconstruct(lines, "p.txt").stories
    assert s.paragraphs[1] == "街道办接到居民的来信后，即刻安排专人上门查看，三天内修好了漏水的管道。"


def test_a_lone_subheading_over_a_new_sentence_stays_a_subheading():
    lines = ["老街区焕发新活力", "城市更新项目推进会近日召开，各区负责人通报了老街区改造的进展。",
             "老街区的新生活", "居民们说，老街区的事有人管了。(王伟)"]
    (s,) = reconstruct(lines, "p.txt").stories
    assert s.paragraphs[1] == "## 老街区的新生活"


def test_an_essays_signature_name_wen_ends_it_and_does_not_head_the_next_story():
    lines = ["让口袋公园多起来（纵横）", "口袋公园不在大，贴近居民才最要紧。", "这正是：", "寻幽赴远乡，山川送清凉。",
             "廖  沅文", "城市书房开放（民生一线）", "城市书房今天开放，市民可以免费借阅图书。"]
    essay, library = reconstruct(lines, "p.txt").stories
    assert essay.bylines == ("廖沅",) and essay.credit == "廖  沅文"
    assert (library.title, library.subtitle) == ("城市书房开放（民生一线）", None)


def test_a_story_in_parts_set_alike_keeps_each_part_and_its_reporters_in_its_text():
    # (the paper's own record of this piece names no author: each part's reporters are in its text)
    lines = ["守护历史真相（铭记历史）", "——东京审判开庭八十周年的回望与启示",
             "东京审判中，中国法官和检察官为追究罪责据理力争。",
             "中国法官梅汝璈——", "“忘记过去的苦难可能招致未来的灾祸”", "牛志远  许陈静",
             "1946年3月20日，梅汝璈的名字传遍了大江南北。",
             "中国检察官向哲濬——", "“我们都要为历史作证”", "本报记者  冯群星",
             "向哲濬最小的孩子向隆万已85岁，他拿出了父亲当年的照片。"]
    (s,) = reconstruct(lines, "p.txt").stories
    assert s.bylines == ()
    assert s.paragraphs[-4:] == ("## 中国检察官向哲濬——", "## “我们都要为历史作证”", "## 本报记者  冯群星", lines[-1])


def test_a_line_between_a_title_and_the_dateline_is_a_subtitle_not_text():
    lines = ["全市托育机构开展安全检查", "涵盖公办、民办类",
             "本报无锡6月29日电  （记者王伟）市卫健委近日组织开展托育机构安全检查，覆盖全市所有托育机构。"]
    (s,) = reconstruct(lines, "p.txt").stories
    assert (s.title, s.subtitle) == ("全市托育机构开展安全检查", "涵盖公办、民办类")


def test_a_cut_sentence_does_not_go_on_in_the_headline_over_a_dateline():
    # "当|日政" reads as 当日 across the seam, yet the line over a dateline is a headline
    lines = ["运河公园今天开园", "运河公园今天正式向市民开放，园内保留了老码头和纤道。沿岸的居民早早赶来，把开园当",
             "日政要参观运河公园", "新华社无锡6月29日电  （记者王伟）日本政要代表团今天来到运河公园参观。"]
    first, second = reconstruct(lines, "p.txt").stories
    assert first.paragraphs == (lines[1],)
    assert second.title == "日政要参观运河公园"


def test_an_authors_note_cut_in_two_ends_its_story_and_heads_nothing():
    lines = ["让口袋公园多起来（城市观察）", "口袋公园不在大，贴近居民才最要紧。", "（作者为江南大学",
             "设计学院副教授、市园林学会理事）", "城市书房开放（民生一线）",
             "本报讯 城市书房今天开放，市民可以免费借阅图书。"]
    essay, library = reconstruct(lines, "p.txt").stories
    assert essay.paragraphs[-1] == "（作者为江南大学设计学院副教授、市园林学会理事）"
    assert (library.title, library.subtitle) == ("城市书房开放（民生一线）", None)


def test_a_jump_title_belongs_to_the_continued_column_still_waiting_for_one():
    lines = ["运河边新建三座口袋公园", "运河沿岸新建的三座口袋公园近日向市民开放，园内设置了健身步道和儿童游乐区。(王伟)",
             "(上接第1版)各地还开通了绿色通道，确保补贴第一时间发放到位。",
             "(上接第1版)园区为企业提供从注册到开工的全程代办服务，审批时间比以往缩",
             "灾后重建有了“定心丸”", "连日来，银行网点延长营业时间，方便居民办理业务。",
             "智能制造园区新项目签约落地", "短了一半以上，企业负责人对此赞不绝口。"]
    _, relief, park = reconstruct(lines, "p.txt").stories
    assert relief.title == "灾后重建有了“定心丸”"
    assert relief.paragraphs[0].startswith("各地还开通了绿色通道")
    assert park.title == "智能制造园区新项目签约落地"


def test_a_helpers_note_cut_in_two_above_the_next_title_stays_with_its_story():
    lines = ["运河边新建三座口袋公园", "运河沿岸新建的三座口袋公园近日向市民开放，园内设置了健身步道。",
             "（本报记者李娜参与", "采写）", "城市书房开放（民生一线）", "城市书房今天开放，市民可以免费借阅图书。"]
    park, library = reconstruct(lines, "p.txt").stories
    assert park.paragraphs[-1] == "（本报记者李娜参与采写）"
    assert (library.title, library.subtitle) == ("城市书房开放（民生一线）", None)


def test_the_next_heading_of_a_numbered_series_stays_in_its_story():
    lines = ["防溺水，这样做！（服务窗）", "本报记者  王  伟", "暑期来临，孩子们玩水的机会多了。",
             "误区要破除", "会游泳并不等于不会溺水，水下情况往往比想象的复杂。", "第一步“喊”", "发现有人落水，先大声呼救。", "第二步“叫”",
             "立即拨打110、119、120", "等电话求助，清晰告知事发地点。", "第三步“抛”", "把救生圈、木板等漂浮物抛给落水者。"]
    (s,) = reconstruct(lines, "p.txt").stories
    assert [p for p in s.paragraphs if p.startswith("## 第")] == ["## 第一步“喊”", "## 第二步“叫”", "## 第三步“抛”"]


def test_the_credit_after_a_note_cut_in_two_signs_the_story():
    closing = "园林学会理事，李娜对本文亦有贡献）(王伟)"
    block = classify(4, closing)
    assert block.core == "园林学会理事，李娜对本文亦有贡献）" and block.credit.bylines == ("王伟",)
    lines = ["让口袋公园多起来（城市观察）", "口袋公园不在大，贴近居民才最要紧。", "（作者为江南大学设计学院副教授、市",
             closing, "城市书房开放（民生一线）", "本报讯 城市书房今天开放，市民可以免费借阅图书。"]
    essay, library = reconstruct(lines, "p.txt").stories
    assert essay.bylines == ("王伟",) and library.bylines == ()


def test_a_title_with_its_columns_name_never_runs_on_into_the_text():
    lines = ["辽宁凌源市万元店镇——", "20万吨钢渣露天堆放（来信调查）", "编辑同志：",
             "我们村附近的河沟里堆满了钢渣，希望有关部门尽快处理。"]
    (s,) = reconstruct(lines, "p.txt").stories
    assert (s.kicker, s.title) == ("辽宁凌源市万元店镇——", "20万吨钢渣露天堆放（来信调查）")
    assert s.paragraphs[0] == "编辑同志："


def test_a_title_carrying_its_columns_name_opens_a_story_even_inside_a_story_with_subheadings():
    lines = ["城市更新项目推进会召开", "城市更新项目推进会近日召开，各区负责人通报了老街区改造的进展。",
             "从背街小巷到老旧小区", "今年以来，全市已完成十二条背街小巷的整治，老旧小区改造同步推进。",
             "从一条街到一片城", "改造让老街区焕发了新的活力，沿街的小店也多了起来。",
             "双江口水电站首台机组并网发电", "高山峡谷间建起世界第一高坝（探访全球第一）",
             "双江口水电站首台机组日前并网发电，改造后的老街区、背街小巷和老旧小区都用上了清洁电。"]
    town, dam = reconstruct(lines, "p.txt").stories
    assert town.paragraphs[-1].startswith("改造让老街区焕发了新的活力")
    assert (dam.kicker, dam.title) == ("双江口水电站首台机组并网发电", "高山峡谷间建起世界第一高坝（探访全球第一）")


def test_a_title_over_a_dash_subtitle_is_a_headline_however_long_its_columns_name():
    title = "以城市更新推动老街区焕发新活力（深入学习贯彻城市工作会议精神·《城市更新条例》解读与实践系列报道之一）"
    lines = [title, "——写在全市城市更新项目推进会召开之际",
             "本报讯 （记者王伟）城市更新项目推进会近日召开，各区负责人通报了老街区改造的进展。",
             "今年以来，全市已完成十二条背街小巷的整治。"]
    assert len(title) > 48
    (s,) = reconstruct(lines, "p.txt").stories
    assert (s.title, s.subtitle) == (title, "——写在全市城市更新项目推进会召开之际")
    assert s.bylines == ("王伟",) and len(s.paragraphs) == 2


def test_a_place_over_a_title_with_its_columns_name_opens_a_story_not_a_section():
    lines = ["我国红树林面积持续增加（美丽中国）", "红树林面积较本世纪初增加四成。", "保护修复",
             "各地因地制宜，不断筑牢红树林保护屏障。", "广东深圳", "红树林，在城市中心深呼吸（美丽中国）",
             "深圳湾畔，红树林郁郁葱葱，白鹭在林间起落，红树林保护修复成效明显。"]
    first, second = reconstruct(lines, "p.txt").stories
    assert first.paragraphs[-1] == "各地因地制宜，不断筑牢红树林保护屏障。"
    assert {second.kicker, second.title, second.subtitle} - {None} == {"广东深圳", "红树林，在城市中心深呼吸（美丽中国）"}


def test_an_authors_note_on_a_page_extracted_line_by_line_is_a_paragraph_of_its_own():
    text = "城市更新要从居民最关心的小事做起把边角地变成家门口的小花园见绿。"  # two full printed lines
    note = "（作者为江南大学设计学院副教授、市园林学会理事）"
    column = pagegen._Page(random.Random(0), blank_lines=False, indent="", column=16)
    column.emit("让口袋公园多起来（城市观察）")
    column.emit(text, starts_paragraph=True, body=True)  # a paragraph ending on a full line
    column.emit(note, starts_paragraph=True, body=True)
    column.emit("城市书房开放（民生一线）")
    column.emit("本报讯 城市书房今天开放，市民可以免费借阅图书，馆内设有阅览区和自习室。", starts_paragraph=True, body=True)
    assert line_per_line(column.lines) and column.lines[2].endswith("见绿。")
    essay, library = reconstruct(column.lines, "p.txt").stories
    assert essay.paragraphs == (text, note)


@pytest.mark.parametrize("dateline, bracket", [("本报北京8月3日电  ", "（记者韩鑫）"), ("本报北京8月3日电 ", " （记者韩鑫）")])
def test_a_dateline_on_its_own_line_keeps_the_space_printed_before_its_reporters(dateline: str, bracket: str):
    lines = ["交通运输部等四部门印发实施方案", "　　" + dateline,
             bracket + "近日，交通运输部等四部门联合印发实施方案，旨在解决基础设施联通不足等突出问题。"]
    (s,) = reconstruct(lines, "p.txt").stories
    assert s.paragraphs[0].startswith("本报北京8月3日电  （记者韩鑫）近日")
    assert s.dateline == "本报北京8月3日电" and s.bylines == ("韩鑫",)


def test_a_headline_its_text_does_not_speak_of_counts_against_the_story():
    from wxnews_site.importer.confidence import features
    from wxnews_site.importer.draft import StoryDraft
    text = ("运河沿岸新建的三座口袋公园近日向市民开放，园内设置了健身步道和儿童游乐区。",)
    own = StoryDraft("article", None, "运河沿岸三座口袋公园开放", None, text)
    stray = StoryDraft("article", "惠山区出台电梯加装办法", "运河沿岸三座口袋公园开放", None, text)
    other = StoryDraft("article", None, "惠山区出台老旧小区电梯加装管理办法", None, text)
    assert features(own, 9.0).get("headline_unechoed") == 0.0 and not features(own, 9.0).get("headline_line_unechoed")
    assert features(stray, 9.0)["headline_line_unechoed"] == 1.0
    assert features(other, 9.0)["headline_unechoed"] == 1.0


def test_a_page_that_indents_its_paragraphs_makes_its_stories_surer():
    # Where a paragraph's first line is indented, a column broken after a full stop shows (the
    # next column opens unindented); on a page without indents the same story is less sure.
    paras = ["本报讯 运河沿岸新建的三座口袋公园近日向市民开放，园内设置了健身步道和儿童游乐区。",
             "附近居民表示，口袋公园让大家在家门口就能散步健身，孩子们也有了玩耍的地方。",
             "园林部门介绍，今年全市还将建成口袋公园十座，并对老旧绿地进行提升改造。",
             "公园里种植了二十多种乡土树木和花卉，四季都有景可赏，夜间还有节能照明。",
             "管理方表示，将安排专人负责日常保洁和设施维护，并设立意见箱听取建议。",
             "据了解，口袋公园的选址充分听取了周边居民的意见，设计方案经过多轮公示。（张伟）"]
    (indented,) = reconstruct(["运河沿岸三座口袋公园开放"] + ["　　" + p for p in paras], "p.txt").stories
    (flush,) = reconstruct(["运河沿岸三座口袋公园开放"] + paras, "p.txt").stories
    assert indented.paragraphs == flush.paragraphs and indented.bylines == flush.bylines == ("张伟",)
    assert indented.review == () and flush.review[0].startswith(MODEL_REASON)


def test_a_picture_with_its_caption_alone_is_not_suspect_for_having_no_headline():
    from wxnews_site.importer.confidence import features
    from wxnews_site.importer.draft import StoryDraft
    caption = ("图为市民在运河沿岸新建的口袋公园里散步。",)
    assert features(StoryDraft("photo", None, None, None, caption, photographers=("王强",)), 9.0)["no_headline"] == 0.0
    assert features(StoryDraft("article", None, None, None, caption, bylines=("王强",)), 9.0)["no_headline"] == 1.0


def test_a_headline_with_no_text_under_it_keeps_its_flag_whatever_the_model_says(monkeypatch):
    from wxnews_site.importer import confidence
    from wxnews_site.importer.layout import _finish
    from wxnews_site.importer.story import Story
    d = _finish(Story(headlines=[("惠山区出台老旧小区电梯加装管理办法", 7)]))
    assert d.review == ("headline at line 7 has no text under it: check which article's text it heads",)
    monkeypatch.setattr(confidence, "WRONG_THRESHOLD", 1.01)  # the model would let every story go
    assert confidence.flag(d, 9.0).review == d.review
    assert confidence.flag(replace(d, review=("weak joint at line 3: check that line 5 continues it",)), 9.0).review == ()


def test_names_under_the_rest_of_a_cut_paragraph_sign_its_story_after_a_contributors_note():
    # The reading order printed the column's foot, the contributors' note, another column's
    # text and then the cut paragraph's rest with the story's own credit under it.
    lines = ["社区食堂开到家门口", "本报讯 城南社区食堂开业一个月来,每天接待老人三百多人次,饭菜可口,老人们赞不绝口。",
             "社区负责人介绍,食堂菜品由专业团队配送,价格比市", "(王芳参与采写)",
             "“早上来吃碗馄饨,中午再带份饭回家。”家住附近的李阿姨说。", "场价低两成,老人还能凭卡享受优惠。", "(张伟 刘洋)"]
    first = reconstruct(lines, "p.txt").stories[0]
    assert first.bylines == ("张伟", "刘洋")
    assert "价格比市场价低两成,老人还能凭卡享受优惠。" in first.paragraphs[1]


def test_a_decree_ending_on_its_bare_date_keeps_it():
    # a date alone in brackets heads a text only with the text under it, not at a decree's end
    lines = ["关于表彰优秀共产党员的决定", "（2026年7月1日）", "市委决定,授予张三等100名同志“优秀共产党员”称号。",
             "中共无锡市委", "（2026年7月1日）"]
    draft = reconstruct(lines, "p.txt")
    (s,) = draft.stories
    assert s.subtitle == "（2026年7月1日）"
    assert conserved(lines, draft)
