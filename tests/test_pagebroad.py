"""The broad page simulator prints every shape with gold that matches its own page.

Made-up articles only (no corpus): pagegen.SAMPLE_ARTICLES plus a few written
here for the shapes they lack (a document with its date line, an editor's note,
a Q&A, a sidebar, long decks, a jump, briefs, a two-paragraph photo).
"""
from __future__ import annotations

import re

import pagegen
import pytest
import yaml
from pagestyles import STYLES

EXTRA: list[dict] = [
    {"kicker": "市政府发布通知：", "title": "关于做好夏季防汛工作的通知",
     "subtitle": "（2025年6月1日市人民政府第十二次常务会议通过）", "names": [], "staff": True,
     "paragraphs": ["各区人民政府，市各委办局：", "为做好今年夏季防汛工作，保障人民群众生命财产安全，现就有关事项通知如下。",
                    "一、压实防汛责任，各级各部门要把防汛工作摆在突出位置，主要负责同志亲自部署。"]},
    {"kicker": None, "title": "小店铺里的大民生，老街坊的新日子！", "names": ["李明"], "staff": False,
     "subtitle": "社区小店改造后，居民买菜、修鞋、配钥匙都不出街巷，一条老街重新热闹起来的故事",
     "paragraphs": ["编者按：社区小店连着千家万户。本版今起推出系列报道，讲述老街小店的新变化。",
                    "清晨六点，老街的早点铺已经排起了队，蒸笼里冒出的热气飘满了半条街。",
                    "## 早点铺", "店主说，改造后店面宽敞了，还装上了新风设备，夏天也不闷热。",
                    "## 修鞋摊", "修鞋的老师傅在这条街上干了三十年，如今搬进了统一建设的便民服务亭。",
                    "## 记者手记", "小店虽小，却是城市烟火气最真切的样子。"]},
    {"kicker": "如何让老人用好智能手机？", "title": "社工走进社区开设手机课堂", "subtitle": None,
     "names": ["阿依古丽·买买提", "周文"], "staff": True,
     "paragraphs": ["近日，社区活动中心开设了手机课堂，二十多位老人报名参加。",
                    "记者：开设手机课堂的初衷是什么？", "周文：不少老人不会用手机挂号、付款，我们想帮他们跨过这道坎。",
                    "记者：课程怎么安排？", "周文：每周两次，每次一个小时，从最基本的操作教起。"],
     "continued_to_page": 4},
    {"kicker": None, "title": "湖边步道串起十个公园", "subtitle": None, "names": ["王强", "李明"], "staff": True,
     "paragraphs": ["环湖步道全线贯通。步道全长二十公里，沿途串起十个公园。每隔一公里设有驿站，供市民休息和补水。",
                    "步道采用透水材料铺设。雨后路面不积水，骑行和跑步都更安全。夜间还有柔和的照明，不打扰湖边的鸟类。",
                    "附近居民说：“以前去湖边要绕很远的路。”现在出门走几分钟就能上步道，周末全家都来散步。"]},
    {"kicker": None, "title": "图书馆延长开放时间", "subtitle": None, "names": ["张华"], "staff": True,
     "paragraphs": ["市图书馆自下周起延长开放时间至晚上九点，方便读者下班后借阅。"]},
    {"kicker": None, "title": "新建公交线路开通", "subtitle": None, "names": [], "staff": True,
     "paragraphs": ["连接高铁站和大学城的新公交线路今天开通，全程二十站，票价两元。"]},
    {"kicker": None, "title": "荷塘月色", "subtitle": None, "names": ["钱进"], "photo": True,
     "credit": "钱  进摄（新华社发）",
     "paragraphs": ["6月20日，湖畔公园的荷花竞相开放，吸引市民前来观赏。", "图为游客在荷塘边拍照留念。"]},
]
ARTICLES = pagegen.SAMPLE_ARTICLES + EXTRA
SEEDS = range(24)


def pieces(gold: dict, g: dict, para: str) -> list[str]:
    """A gold paragraph split at its joints: the pieces the page prints."""
    out = [para]
    for j in (j for j in gold["joints"] if j["article"] == g["id"]):
        for k, piece in enumerate(out):
            i = piece.find(j["joint"])
            if i >= 0:
                out[k : k + 1] = [piece[: i + 4], piece[i + 4 :]]
                break
    return out


def produced_from_gold(gold: dict) -> list[dict]:
    """What a perfect importer would write: the gold, with each credit as printed."""
    out = []
    for g in gold["articles"]:
        meta = {k: g.get(k) for k in ("kind", "kicker", "title", "subtitle", "bylines", "photographers", "credit")}
        body = "\n\n".join(g["paragraphs"])
        out.append({"path": g["id"], "meta": meta, "paragraphs": list(g["paragraphs"]),
                    "raw": "---\n" + yaml.safe_dump(meta, allow_unicode=True) + "---\n" + body + "\n" + (g.get("credit") or "")})
    return out


@pytest.mark.parametrize("seed", SEEDS)
def test_gold_is_what_the_page_prints(seed):
    raw, gold = pagegen.layout(ARTICLES, seed, broad=True)
    flat = re.sub(r"\s", "", raw)
    for g in gold["articles"]:
        assert g["shapes"] is not None
        for para in g["paragraphs"]:
            for piece in pieces(gold, g, para.removeprefix("## ")):
                assert re.sub(r"\s", "", piece) in flat, (seed, g["id"], piece)
        for key in ("kicker", "title", "subtitle"):
            assert not g[key] or g[key] in raw
    for line in gold["unassigned"]:
        assert line in raw.split("\n")


@pytest.mark.parametrize("seed", SEEDS)
def test_gold_as_produced_scores_one(seed):
    raw, gold = pagegen.layout(ARTICLES, seed, broad=True)
    result = pagegen.SCORER.score(gold, raw, produced_from_gold(gold), ("\n".join(gold["unassigned"]),))
    assert result["score"] == 1.0, (seed, gold["style"], result)


def test_every_shape_is_printed():
    seen: set[str] = set()
    styles = set()
    for seed in range(120):
        raw, gold = pagegen.layout(ARTICLES, seed, broad=True)
        styles.add(gold["style"])
        seen.update(gold["shapes"])
        for g in gold["articles"]:
            seen.update(g["shapes"])
    # shapes made-up input can show; the corpus brings dateline leads of its own
    expected = {
        "boundary:no-dateline", "boundary:after-jump-marker", "boundary:interleaved",
        "byline:role", "byline:bare", "byline:padded", "byline:dot-name", "byline:affiliation",
        "byline:two-names", "byline:trailing-paren", "byline:trailing-paren-role", "byline:benbaoxun",
        "byline:dateline-names", "byline:end-credit-spaced", "byline:none",
        "headline:long-deck", "headline:kicker-colon", "headline:kicker-question", "headline:title-comma",
        "headline:document-date", "headline:editor-note", "headline:subheading-set",
        "structure:roundup", "structure:briefs", "structure:sidebar", "structure:qa", "structure:column-foot-fragment",
        "joint:after-stop", "joint:far", "joint:displaced-lead", "joint:dateline-lead",
        "photo:titled", "photo:two-para-caption", "photo:agency-credit", "photo:credit-line", "photo:between-columns",
        "furniture:advert", "furniture:mailbox", "furniture:call-for-submissions", "furniture:designer",
        "furniture:media-partner", "furniture:editor", "punct:half-width",
    }
    assert expected - seen == set()
    assert styles == set(STYLES)


def test_half_width_pages_print_half_width_punctuation():
    raw, gold = pagegen.layout(ARTICLES, 1, broad=True, style="city-halfwidth")
    assert "punct:half-width" in gold["shapes"]
    assert "，" not in raw and "：" not in raw


def test_default_layout_is_unchanged():
    # existing callers keep the original simulator, page for page
    raw, gold = pagegen.layout(pagegen.SAMPLE_ARTICLES, 3)
    assert "shapes" not in gold and gold["source"] == "simulated-3.txt"
