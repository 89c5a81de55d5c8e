"""Raw page lines -> blocks: what each printed line is, before any story is built.

A line is a short headline-like line, a body fragment, a credit, an editor
credit, a jump marker or page furniture (date, page number). Markers and a
trailing credit "(崔欣润)" are split off the text they are printed with, and
kept on the block so nothing printed is lost.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from .bylines import Credit, is_editor_credit, lead_credit, parse_credit, plausible_person
from .furniture import (
    CALL, MAILBOX, PARTNER, PHONE_RE, advert_cue, advert_price_or_disclaimer, call_contact, call_heading, call_line,
    call_terms, contact_line,
    mailbox_line, partner_line, staff_line,
)
from .seams import ends_mid_word, ends_sentence

# "(上接第1版)", "（下转A3版）", "(转第5版)", "（接A1）"; unbracketed only with 上/下 and 版: "下转第二版".
# Papers with sections number pages "A3": the printed marker keeps the letter, the page number is 3.
MARKER_RE = re.compile(
    r"[(（]\s*(?P<dir>[上下]?\s*[接转])\s*(?:第\s*)?(?P<page>[A-Za-zＡ-Ｚａ-ｚ]?\s*[0-9０-９一二三四五六七八九十]{1,3})\s*版?\s*[)）]"
    r"|(?P<dir2>[上下]\s*[接转])\s*(?:第\s*)?(?P<page2>[A-Za-zＡ-Ｚａ-ｚ]?\s*[0-9０-９一二三四五六七八九十]{1,3})\s*版")
TRAILING_PAREN = re.compile(r"[(（][^()（）]{1,30}[)）]$")
# A photo credit printed after a caption's last sentence with no brackets:
# "图为市民在步道晨练。  新华社记者  王强摄", "…晨练。王强摄(新华社)".
TRAILING_SHOT = re.compile(r"(?<=[。！？!?”])\s*([^。！？!?”\s][^。！？!?”]{1,28}?摄(?:影)?\s*(?:[(（][^()（）]{2,10}[)）])?)$")
DATE_RE = re.compile(r"(20\d{2}|19\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九十")}
OPENING_RE = re.compile(r"^(?:[0-9０-９]{1,4}年)?[0-9０-９一二三四五六七八九十]{1,3}月[0-9０-９一二三四五六七八九十]{1,3}日|^[0-9０-９]{1,2}日[上下晚凌早中]")
OPENER_RE = re.compile(
    r"^(?:近日|日前|目前|如今|此前|当天|昨天|今天|近年来|连日来|今年以来|据介绍|据了解|据悉|据统计|记者了解到|记者获悉"
    # a paragraph's connective or viewpoint: "对此，", "具体来看，", "从技术原理看，", "对初振豪来说，"
    r"|当前|近期|对此|此外|与此同时|具体来看|具体而言|总的来看|事实上|实际上|第[一二三四五六七八九十]"
    # a time it happened: "今年5月，", "2023年夏天，", "30年来，"
    r"|(?:今年|去年|前年)?[0-9０-９]{1,2}月(?:份|初|中旬|下旬|底)?|[0-9０-９]{4}年(?:[0-9０-９]{1,2}月|[春夏秋冬]天|初|底)?"
    r"|[0-9０-９一二三四五六七八九十]{1,4}年来"
    r"|[^，,。]{0,4}(?:以来|期间|时节|之际))[，,]")
# "从技术原理看，", "对初振豪来说，": a point of view opens a sentence's clause (after
# "但", inside a paragraph too), never a headline.
VIEWPOINT_RE = re.compile(r"^(?:从[^，,。]{1,8}(?:看|来看)|对[^，,。]{1,8}(?:来说|而言))[，,]")
# "欧阳钟灿认为，", "阿卜达拉说，": attributing what someone said is how running text
# brings in a quotation or a view; a headline quotes with a colon ("外交部：…").
SPEECH_RE = re.compile(r"^[^，,。“”]{1,10}?(?:说|表示|认为|介绍|指出|强调|坦言|告诉记者|透露)[，,]")
# A line that leads into a quotation or a list ends on a verb of saying ("总书记强调：") or a
# copula ("这正是：", "主要包括：").
# So does a letter's salutation ("编辑同志：", "亲爱的同学们：").
SAYS_RE = re.compile(r"(?:说|表示|认为|介绍|指出|强调|坦言|提出|要求|称|道|如下|写道|答|问|是|为|有|包括"
                     r"|同志|们|先生|女士|老师|读者|您好)\s*[：:]$|^(?:亲爱的|尊敬的|各位)")
# A law printed in a paper: its chapters and sections ("第三章  商标注册的申请") are
# headings, each article ("第十二条  商标国际注册遵循…") opens a paragraph of its text.
LAW_ARTICLE_RE = re.compile(r"^第[一二三四五六七八九十百零〇0-9]+条\s")
# A question or exclamation inside the line with more text after it, which goes
# on with clauses: "驾校培训费为啥越来越贵？并不是房租、人力…" is a paragraph's start.
MID_END_RE = re.compile(r"[？?！!][”’」』]?(?=[^\s（(”’」』—)）])")
SIGN_OFF_RE = re.compile(r"^——\s*(?:编\s*者|作\s*者|编\s*辑)$")  # the end of an 编者按
CHAPTER_RE = re.compile(r"^第[一二三四五六七八九十百零〇0-9]+[章节条编部篇]")
# "（人民时评）", "（法治头条）", "（中国道路中国梦·青春为中国式现代化挺膺担当㊻）"; not "（新华社北京6月29日电）"
# (a place in brackets, "（宁夏段）", "（安徽省）", names a place, not a column)
# (a series' name may run to 41 characters: "（深入学习贯彻习近平新时代中国特色社会主义思想·
# 《习近平谈治国理政》第一至五卷通读）")
COLUMN_TAG_RE = re.compile(
    r"[（(](?=[^()（）]*[\u4e00-\u9fff]{2})[^()（）0-9，。、；：！？,.;:!?]{2,48}(?<![电讯段区市县省州镇乡村])[)）]$")
# The date, weekday and page number printed in a page's header or footer.
FURNITURE_RE = re.compile(
    r"^(?:(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日(?:\s*(?:星期|周)[一二三四五六日天])?(?:\s*农历\S{2,12})?"
    r"|(?:星期|周)[一二三四五六日天]|第?\s*[A-Z]?\d{1,2}\s*版|[A-Z]\d{1,2}|\d{1,3})$"
)
CLOSING_DATELINE_RE = re.compile(r"[（(][^()（）]{2,30}[电讯][)）]$")
SHORT_MAX = 48  # longest line still read as a headline or subheading
NUMBER_TAIL_RE = re.compile(r"^\d[\d.%％]*[\u4e00-\u9fff]{1,2}[。，、；,;]?$")
PADDED_PAIR_RE = re.compile(r"^[\u4e00-\u9fff][ \u3000]{2,}[\u4e00-\u9fff]$")  # a two-character name padded: "辉  欢"
LABEL_MAX = 4  # "布点", "聚力": a section label opening in-article subheadings


@dataclass(frozen=True)
class Block:
    """One non-blank raw line, split into what the layout needs."""

    line: int
    raw: str  # stripped line as printed
    kind: str  # body | short | credit | editor | marker | furniture
    core: str  # text without leading/trailing jump markers and trailing credit
    from_page: int | None = None
    to_page: int | None = None
    markers: tuple[str, ...] = ()
    credit: Credit | None = None  # a credit line, or the trailing "(崔欣润)"
    indented: bool = False  # printed with a paragraph indent ("　　")
    more: tuple[int, ...] = ()  # further raw lines joined into this one (pages extracted line by line)

    @property
    def complete(self) -> bool:
        return (self.to_page is not None or ends_sentence(self.core) or bool(SIGN_OFF_RE.match(self.core))
                or closes_note(self.core) or (self.credit is not None and not self.credit.text))  # "…。王强摄"


def closes_note(text: str) -> bool:
    """The last part of a bracketed note cut in two: it ends on the bracket it
    closes ("…研究院院长）"), as the whole note "（作者为…）" ends its story."""
    t = text.rstrip()
    return t[-1:] in "）)" and t.count("）") + t.count(")") > t.count("（") + t.count("(")


def _jump(m: re.Match[str]) -> tuple[str, int]:
    """("上" or "下", page number) of a jump marker: 接 points back, 转 forward."""
    direction = m.group("dir") or m.group("dir2")
    page = re.sub(r"[\sA-Za-zＡ-Ｚａ-ｚ]", "", m.group("page") or m.group("page2"))
    page = page.translate({0xFF10 + k: str(k) for k in range(10)})
    return ("上" if direction.endswith("接") else "下"), _page_number(page)


def _page_number(text: str) -> int:
    if text.isdigit():
        return int(text)
    if text in CN_DIGITS:
        return CN_DIGITS[text]
    if text.startswith("十"):
        return 10 + CN_DIGITS.get(text[1:], 0)
    if text.endswith("十"):
        return CN_DIGITS.get(text[0], 1) * 10
    return CN_DIGITS.get(text[0], 0) * 10 + CN_DIGITS.get(text[-1], 0)


def is_short(text: str) -> bool:
    if lead_credit(text) is not None:
        return False  # "本报讯 记者 于石 当官图什么？…" opens a text
    if COLUMN_TAG_RE.search(text) and len(text) <= 2 * SHORT_MAX and "。" not in text:
        return True  # "…让我找到努力方向”（稳就业·促发展）": a headline with its column's name
    if text.endswith("——") and len(text) <= 2 * SHORT_MAX:
        return True  # an 引题, however long: "…颁发不动产权证书41万本。记者探访——"
    if not text or len(text) > SHORT_MAX:
        return False
    if PHONE_RE.search(text):
        return False  # "报名电话：0510-82345678" is information, not a headline
    if NUMBER_TAIL_RE.match(text):
        return False  # "32号", "1.5万元": a number and its unit end a wrapped line, they head nothing
    if text[-1] in "，,、" or "。" in text[:-1]:
        return False
    if text[-1] in "：:" and not re.search(r"[，,；;。]", text) and not SAYS_RE.search(text):
        return True  # an 引题 naming who speaks in the title under it: "蔡达峰：", "国务院台办发言人："
    if ends_sentence(text):
        # "如何让村庄更宜居？" can be a headline; a sentence ending in 。 cannot.
        return text[-1] in "？?！!" and len(text) <= 24
    return True


def classify(number: int, raw: str) -> Block:
    return replace(_classify(number, raw), indented=raw[:1].isspace())


def _classify(number: int, raw: str) -> Block:
    text = raw.strip()
    markers: list[str] = []
    from_page = to_page = None
    core = text
    m = MARKER_RE.match(core)
    if m:
        markers.append(m.group(0))
        direction, page = _jump(m)
        from_page = page if direction == "上" else None
        to_page = page if direction == "下" else None
        core = core[m.end():].lstrip()
    m = next((x for x in MARKER_RE.finditer(core) if x.end() == len(core)), None)
    if m:
        markers.append(m.group(0))
        direction, page = _jump(m)
        if direction == "下":
            to_page = page
        else:
            from_page = from_page or page
        core = core[: m.start()].rstrip()
    if markers and not core:
        return Block(number, text, "marker", "", from_page, to_page, tuple(markers))
    if is_editor_credit(core) or staff_line(core):
        return Block(number, text, "editor", core)
    if FURNITURE_RE.match(core):
        return Block(number, text, "furniture", core)
    credit = parse_credit(core)
    if credit is not None and not markers:
        return Block(number, text, "credit", "", credit=credit)
    trailing = None
    pm = TRAILING_PAREN.search(core)
    if pm and pm.start() > 0:
        before = core[: pm.start()].rstrip()
        candidate = parse_credit(pm.group(0))
        # "“中国屏”为何耀眼？（强国建设故事汇·百业千企焕新记）" is a question headline with
        # its column's name, not a sentence signed by a person with a dotted name
        question_headline = before[-1:] in "？?！!" and len(before) <= 24 and bool(COLUMN_TAG_RE.search(core))
        # a closing dateline "（本报华沙、首尔6月23日电）" ends a text as a sentence does
        # (and so does the last part of a note cut in two, "…对本文亦有贡献）(李泓)")
        ended = ends_sentence(before) or bool(CLOSING_DATELINE_RE.search(before)) or closes_note(before)
        if candidate is not None and before and ended and not question_headline:
            trailing, core = candidate, before
    if trailing is None:
        trailing, core = _trailing_shot(core)
    kind = "short" if trailing is None and not markers and is_short(core) and not SIGN_OFF_RE.match(core) else "body"
    return Block(number, text, kind, core, from_page, to_page, tuple(markers), trailing)



def _trailing_shot(core: str) -> tuple[Credit | None, str]:
    """(photo credit, caption) when a caption ends with its photographer unbracketed."""
    m = TRAILING_SHOT.search(core)
    if not m:
        return None, core
    credit = parse_credit(m.group(1))
    # (a sentence may end on 摄 too, "…今天去拍摄": the names must read as people's)
    if credit is None or credit.bylines or not credit.photographers \
            or not all(plausible_person(n) for n in credit.photographers):
        return None, core
    # The caption keeps its credit as printed, so the printed line stays whole in the
    # text; the credit only names the photographers (its text is already there).
    return replace(credit, text=""), core


def byline_under_headline(blocks: list[Block], i: int) -> Credit | None:
    """Short line i, set between a headline line and the story's first paragraph,
    read as its author's name with no role word: "王强", "王  强  李  明",
    "南京大学教授  李明". Only there: elsewhere a short bare line is a subheading
    or a label ("布点", "聚力"), and `parse_credit` still wants a known surname and
    no common word ("关注", "江南") before it reads one as a name."""
    b = blocks[i]
    if b.kind != "short" or b.markers or not 0 < i < len(blocks) - 1:
        return None
    below = blocks[i + 1]
    # (the text's first line may be a short piece cut at a column's foot: "今年以来，多个…工程建设")
    text_below = below.kind == "body" or (below.kind == "short" and bool(
        OPENER_RE.match(below.core) or OPENING_RE.match(below.core) or text_like(below.core)))
    if not text_below or below.from_page is not None:
        return None
    if blocks[i - 1].kind != "short":
        # over a text with no headline of its own: a commentary's pen name ("国纪平") set at
        # the top of its column, its headline read elsewhere; one name alone, nothing more
        credit = parse_credit(b.core, bare=True)
        return credit if credit is not None and len(credit.bylines) == 1 and len(b.core) <= 4 else None
    credit = parse_credit(b.core, bare=True)
    if blocks[i - 1].core.endswith(("——", "：", ":")):
        # "时代楷模——" / "张桂梅": a kicker over a name is the name as title; but a name
        # printed with more, where its author writes from or a role ("江苏省无锡市  李明"),
        # is no title: it signs the text under it
        return credit if credit is not None and _more_than_names(credit) else None
    if credit is None and PADDED_PAIR_RE.match(b.core) and not SIGN_OFF_RE.match(blocks[i - 1].core):
        # a two-character name padded to three under its headline ("辉  欢"), or under its
        # subtitle ("——…创作谈" / "书  云"), however rare its surname: a pen name; a subheading
        # is padded so too ("布  点"), but over its part (under an editors' "——编  者"), not here
        credit = Credit(b.core, ("".join(b.core.split()),), (), None)
    if credit is not None and credit.bylines == (b.core[:2],) and len(b.core) == 3 and b.core.endswith("文"):
        # under a headline the author stands alone: "剧锦文" is a name, where at a text's end
        # the same three characters are a name and 文 (written by), its padding lost
        credit = replace(credit, bylines=(b.core,))
    return credit


def _more_than_names(credit: Credit) -> bool:
    """The credit's line prints more than its names (a place, an affiliation, a role)."""
    return len(re.sub(r"\s", "", credit.text)) > sum(len(n) for n in credit.bylines + credit.photographers)


PREDICATE_ENDS = set("短长好多少大小新快慢高低强美难忙热实稳优准全深活兴旺红火暖足严细宽远清净绿富安畅顺精特真")


def text_like(short: str) -> bool:
    """A short line that reads as the start of a cut sentence, not a headline:
    it has clause punctuation inside and stops mid-word ("…，包含三峡枢纽新"),
    or stops on a word that cannot end a phrase ("…绿色升级的")."""
    if COLUMN_TAG_RE.search(short) or short.endswith("——") or short.startswith("——"):
        return False  # a headline with its column's name, an 引题, a 副题 "——追记…"
    if short[-1:] in "的地得和与及或把被在对从向为是了着就将仍已也都还又才并而于以近每" and ends_mid_word(short):
        return True  # a lone particle or preposition, not the end of 落地, 存在 or 始于
    if SPEECH_RE.match(short) or VIEWPOINT_RE.match(short) or LAW_ARTICLE_RE.match(short):
        return True
    mid = MID_END_RE.search(short)
    if mid and re.search(r"[，,、；;]", short[mid.end():]):
        return True
    if any(short.count(a) > short.count(b) for a, b in ("“”", "（）", "《》", "()")):
        return True  # a quotation or bracket opened and not closed: "…新农合“三保"
    if any(short.count(b) > short.count(a) for a, b in ("（）", "《》", "()")):
        return True  # one closed that it never opened: "…，本报记者杨颜菲采访整理）" ends a cut note
    clauses = len(re.findall(r"[，,；;]", short))  # "四川、陕西、甘肃" lists are common in headlines
    if clauses >= 2 or (clauses and (OPENING_RE.match(short) or OPENER_RE.match(short) or short[-1].isdigit())):
        return True
    if clauses and len(re.split(r"[，,；;]", short)[-1]) <= 3:
        return True  # "附近居民表示,以前": a headline's halves are balanced
    # (a one-character predicate ends a balanced headline: "山洪汇流速度快，避险时间短")
    return (clauses > 0 or "、" in short) and ends_mid_word(short) and short[-1] not in PREDICATE_ENDS


# What a paper prints under a story's last paragraph, in brackets: the author's
# affiliation ("（作者为中国科学技术大学副教授）", "（作者单位：…）"), who wrote it up or
# helped ("（本报记者郑智文整理）", "（本报通讯员赵元君参与采写）"), where more is
# printed ("（《条例》全文见第十三版）"); and a chart's source ("数据来源：水利部").
# They end the story above; a headline never opens with them.
CLOSING_NOTE_RE = re.compile(
    r"^(?:[（(](?:作者为|作者单位|本文作者|[^（）()]{0,24}?(?:整理|参与采写|参与采访|参与报道|对本文亦有贡献"
    r"|见第?\s*[A-Za-zＡ-Ｚ]?[0-9０-９一二三四五六七八九十]{1,3}\s*版))|(?:数据来源|资料来源)[:：])")


def closing_note(text: str) -> bool:
    return bool(CLOSING_NOTE_RE.match(text.strip()))


def body_run(blocks: list[Block], i: int, step: int, limit: int = 3) -> list[int]:
    """Indexes of the body blocks from i in one direction, up to a boundary."""
    out = []
    j = i
    while 0 <= j < len(blocks) and len(out) < limit:
        b = blocks[j]
        if b.kind != "body" or (j != i and b.from_page is not None):
            break
        out.append(j)
        if step > 0 and j != i and not b.complete:
            break
        if step < 0 and b.from_page is not None:
            break
        j += step
    return out


def page_indents(blocks: list[Block]) -> bool:
    """The extraction kept paragraph indents ("　　"): many text lines start indented."""
    body = [b for b in blocks if b.kind == "body"]
    return len(body) >= 4 and sum(b.indented for b in body) >= 0.3 * len(body)


def in_jump_column(blocks: list[Block], i: int) -> bool:
    """Block i is text in the first column of a continued story: "(上接第1版)…" opened its run."""
    column = body_run(blocks, i, -1, 12)
    start = column[-1] if column else i
    return blocks[start].from_page is not None or (
        start > 0 and blocks[start - 1].kind == "marker" and blocks[start - 1].from_page is not None)


# What only an advertisement prints on a line of its own: a phone number with
# its label, an address, a "广告" tag, a price, a disclaimer (furniture.py).
# In an article these sit inside sentences.
ADVERT_LABEL_RE = re.compile(
    r"^(?:广告|[(（【]?广告[)）】]|(?:咨询|服务|订购|预约|招商|报名|销售|投诉)?(?:热线|电话)[:：]|地址[:：]|网址[:：]|微信[:：]|联系人[:：])")
ADVERT_LINE_MAX = 60  # an advert's lines are short; a sentence giving a hotline is text


def advert_line(text: str) -> bool:
    text = text.strip()
    if advert_cue(text):
        return True
    if len(text) > ADVERT_LINE_MAX:
        return False
    if text.endswith("。"):  # a sentence, unless a disclaimer's ("…最终解释权归广告主所有。")
        return advert_price_or_disclaimer(text)
    return bool(ADVERT_LABEL_RE.match(text) or (PHONE_RE.search(text) and not re.search(r"[，,；;]", text))
                or advert_price_or_disclaimer(text))


def advert_blocks(blocks: list[Block]) -> set[int]:
    """Indexes of the blocks of advertisements: lines only an advert prints, the
    name and slogan lines right above them, and lines between two such lines."""
    hits = [i for i, b in enumerate(blocks) if b.kind in ("short", "body", "furniture") and advert_line(b.raw)]
    out: set[int] = set()
    # runs of advert lines, with at most two short lines (or a wrapped "83号") between them
    runs: list[list[int]] = []
    for i in hits:
        if runs and i - runs[-1][-1] <= 3 and all(blocks[k].kind == "short" or NUMBER_TAIL_RE.match(blocks[k].core)
                                                  for k in range(runs[-1][-1] + 1, i)):
            runs[-1].extend(range(runs[-1][-1] + 1, i + 1))
        else:
            runs.append([i])
    for run in runs:
        # the advertiser's name and slogan: short lines above, back to the text before
        j = run[0] - 1
        above: list[int] = []
        # (a sentence's clause or a bracketed note ending the story above is not one,
        # nor the name signing that story's text)
        while j >= 0 and len(above) < 4 and blocks[j].kind == "short" and j not in out \
                and not re.search(r"[，,。（）()]", blocks[j].core) and not _signs_text_above(blocks, j):
            above.append(j)
            j -= 1
        labelled = any(re.match(r"^[(（【]?广告[)）】]?$", blocks[k].raw) for k in run)
        signals = sum(1 for k in run if advert_line(blocks[k].raw))
        # One hotline line after an article's text ("报名电话：…") belongs to the article.
        if not (labelled or signals >= 2 or above):
            continue
        out.update(run)
        # the end of its last line, cut where its box wrapped ("…最终解" / "释权归广告主所有。",
        # "地址：…放山路" / "83号")
        k = run[-1] + 1
        if k < len(blocks) and blocks[k].kind == "body" and len(blocks[k].core) <= ADVERT_TAIL_MAX and (
                (ends_mid_word(blocks[run[-1]].core) and ends_sentence(blocks[k].core))
                or (NUMBER_TAIL_RE.match(blocks[k].core) and not ends_sentence(blocks[run[-1]].core))):
            out.add(k)
        if j < 0 or blocks[j].kind != "short" or re.search(r"[，,。（）()]", blocks[j].core) or j in out \
                or _signs_text_above(blocks, j):
            out.update(above)
    return out


def _signs_text_above(blocks: list[Block], j: int) -> bool:
    """Short line j, right under a text's last paragraph, reads as its author's
    name ("李明文", "王  强"): a story's end credit, printed above the advert that
    follows, is no advertiser's name or slogan (those are a brand's words, and
    `parse_credit` reads no common word as a name)."""
    return j > 0 and blocks[j - 1].kind == "body" and parse_credit(blocks[j].core, bare=True) is not None


ADVERT = "advert"
ADVERT_TAIL_MAX = 24  # the rest of an advert's wrapped line, no longer than its box is wide
CALL_SPAN = 8  # lines a call for submissions runs from its heading to its address


def _call_blocks(blocks: list[Block]) -> set[int]:
    """A call for submissions: its heading down to where copy is sent, with the
    terms next to that address ('来稿请注明…'); or the address line alone."""
    out: set[int] = set()
    for i, b in enumerate(blocks):
        if b.kind == "marker" or i in out:
            continue
        if call_heading(b.raw):
            end = next((j for j in range(i + 1, min(len(blocks), i + 1 + CALL_SPAN))
                        if call_contact(blocks[j].raw) or contact_line(blocks[j].raw)), None)
            if end is None or any(blocks[k].kind == "marker" for k in range(i, end + 1)):
                continue  # a headline 征文启事 over a story, with nowhere to send anything
            span = list(range(i, end + 1))
        elif call_contact(b.raw) or call_line(b.raw):
            span = [i]
            while span[0] > 0 and blocks[span[0] - 1].kind != "marker" and call_terms(blocks[span[0] - 1].raw):
                span.insert(0, span[0] - 1)
        else:
            continue
        k = span[-1] + 1  # more terms and addresses under it
        while k < len(blocks) and (call_terms(blocks[k].raw) or call_contact(blocks[k].raw)
                                   or contact_line(blocks[k].raw)):
            span.append(k)
            k += 1
        out.update(span)
    return out


def page_furniture(blocks: list[Block]) -> dict[int, str]:
    """Blocks that are the paper's notices or adverts, not stories: index -> the
    reason the page file's leftovers give. Notices first, so an advert's run of
    lines never reaches into a newsroom hotline."""
    claimed = {i: CALL for i in _call_blocks(blocks)}
    for i, b in enumerate(blocks):
        if i not in claimed and b.kind != "marker":
            if mailbox_line(b.raw):
                claimed[i] = MAILBOX
            elif partner_line(b.raw):
                claimed[i] = PARTNER
    rest = [i for i in range(len(blocks)) if i not in claimed]
    for k in advert_blocks([blocks[i] for i in rest]):
        claimed[rest[k]] = ADVERT
    return claimed


__all__ = [
    "Block", "advert_blocks", "advert_line", "byline_under_headline", "classify", "closing_note", "in_jump_column",
    "is_short", "body_run", "page_furniture", "page_indents", "text_like",
]
