"""A newspaper page's raw text -> stories: headlines, re-joined paragraphs, credits, jumps.

Text extracted from an e-paper comes in reading order column by column, so a
paragraph cut by a column break continues a few fragments later, after
whatever the extractor met in between (a lead box, another story's column, a
jump headline). Reconstruction runs in three steps:

1. blocks: each non-blank line is a headline-like short line, a body
   fragment, a credit, an editor credit or a jump marker;
2. joints: every fragment that stops mid-sentence is paired with the fragment
   that continues it, by a score of general signals (a dictionary word across
   the seam, a fragment that cannot open a paragraph, adjacency, the top of a
   column, shared vocabulary) -- never by the page's particular strings;
3. stories: a walk in page order that opens a story at each headline or
   "(上接第N版)", attaches jump headlines printed after a continuation's first
   column, turns short lines inside a story into subheadings, and moves a lead
   paragraph printed inside a cut paragraph to the front.

Text is verbatim: fragments are only re-ordered and concatenated. `accounted`
checks that every printed character ends up in exactly one place.
"""
from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field, replace

from ..model import Leftover
from .bylines import Credit, is_editor_credit, lead_credit, parse_credit
from .draft import PageDraft, StoryDraft
from .seams import NO_START, Topics, bad_start, continues, ends_mid_word, ends_sentence, seam_word, weak_start

MARKER_RE = re.compile(r"[(（]\s*([上下])[接转]第?\s*([0-9一二三四五六七八九十]+)\s*版\s*[)）]")
TRAILING_PAREN = re.compile(r"[(（][^()（）]{1,30}[)）]$")
DATE_RE = re.compile(r"(20\d{2}|19\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九十")}
OPENING_RE = re.compile(r"^(?:[0-9０-９]{1,4}年)?[0-9０-９一二三四五六七八九十]{1,3}月[0-9０-９一二三四五六七八九十]{1,3}日|^[0-9０-９]{1,2}日[上下晚凌早中]")
OPENER_RE = re.compile(
    r"^(?:近日|日前|目前|如今|此前|当天|昨天|今天|近年来|连日来|今年以来|据介绍|据了解|据悉|据统计|记者了解到|记者获悉"
    r"|[^，,。]{0,4}(?:以来|期间|时节|之际))[，,]")
SIGN_OFF_RE = re.compile(r"^——\s*(?:编\s*者|作\s*者|编\s*辑)$")  # the end of an 编者按
CHAPTER_RE = re.compile(r"^第[一二三四五六七八九十百零〇0-9]+[章节条编部篇]")
# "（人民时评）", "（法治头条）", "（中国道路中国梦·青春为中国式现代化挺膺担当㊻）"; not "（新华社北京6月29日电）"
# (a place in brackets, "（宁夏段）", "（安徽省）", names a place, not a column)
COLUMN_TAG_RE = re.compile(
    r"[（(](?=[^()（）]*[\u4e00-\u9fff]{2})[^()（）0-9，。、；：！？,.;:!?]{2,30}(?<![电讯段区市县省州镇乡村])[)）]$")
# The date, weekday and page number printed in a page's header or footer.
FURNITURE_RE = re.compile(
    r"^(?:(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日(?:\s*(?:星期|周)[一二三四五六日天])?(?:\s*农历\S{2,12})?"
    r"|(?:星期|周)[一二三四五六日天]|第?\s*[A-Z]?\d{1,2}\s*版|[A-Z]\d{1,2}|\d{1,3})$"
)
SHORT_MAX = 48  # longest line still read as a headline or subheading
LABEL_MAX = 4  # "布点", "聚力": a section label opening in-article subheadings
WINDOW = 25  # how many blocks ahead a cut paragraph may continue


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

    @property
    def complete(self) -> bool:
        return self.to_page is not None or ends_sentence(self.core) or bool(SIGN_OFF_RE.match(self.core))


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


def _is_short(text: str) -> bool:
    if lead_credit(text) is not None:
        return False  # "本报讯 记者 于石 当官图什么？…" opens a text
    if COLUMN_TAG_RE.search(text) and len(text) <= 2 * SHORT_MAX and "。" not in text:
        return True  # "…让我找到努力方向”（稳就业·促发展）": a headline with its column's name
    if text.endswith("——") and len(text) <= 2 * SHORT_MAX:
        return True  # an 引题, however long: "…颁发不动产权证书41万本。记者探访——"
    if not text or len(text) > SHORT_MAX:
        return False
    if text[-1] in "，,、" or "。" in text[:-1]:
        return False
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
        from_page = _page_number(m.group(2)) if m.group(1) == "上" else None
        to_page = _page_number(m.group(2)) if m.group(1) == "下" else None
        core = core[m.end():].lstrip()
    m = MARKER_RE.search(core)
    if m and m.end() == len(core):
        markers.append(m.group(0))
        if m.group(1) == "下":
            to_page = _page_number(m.group(2))
        else:
            from_page = from_page or _page_number(m.group(2))
        core = core[: m.start()].rstrip()
    if markers and not core:
        return Block(number, text, "marker", "", from_page, to_page, tuple(markers))
    if is_editor_credit(core):
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
        if candidate is not None and before and ends_sentence(before):
            trailing, core = candidate, before
    kind = "short" if trailing is None and not markers and _is_short(core) and not SIGN_OFF_RE.match(core) else "body"
    return Block(number, text, kind, core, from_page, to_page, tuple(markers), trailing)


# ------------------------------------------------------------------- joints

def _text_like(short: str) -> bool:
    """A short line that reads as the start of a cut sentence, not a headline:
    it has clause punctuation inside and stops mid-word ("…，包含三峡枢纽新"),
    or stops on a word that cannot end a phrase ("…绿色升级的")."""
    if COLUMN_TAG_RE.search(short) or short.endswith("——"):
        return False  # a headline with its column's name, or an 引题
    if short[-1:] in "的地得和与及或把被在对从向为是了着就将仍已也都还又才并而" and ends_mid_word(short):
        return True  # a lone particle, not the end of 落地 or 存在
    if any(short.count(a) > short.count(b) for a, b in ("“”", "（）", "《》", "()")):
        return True  # a quotation or bracket opened and not closed: "…新农合“三保"
    clauses = len(re.findall(r"[，,；;]", short))  # "四川、陕西、甘肃" lists are common in headlines
    if clauses >= 2 or (clauses and (OPENING_RE.match(short) or OPENER_RE.match(short) or short[-1].isdigit())):
        return True
    if clauses and len(re.split(r"[，,；;]", short)[-1]) <= 3:
        return True  # "附近居民表示,以前": a headline's halves are balanced
    return (clauses > 0 or "、" in short) and ends_mid_word(short)


def _run(blocks: list[Block], i: int, step: int, limit: int = 3) -> list[int]:
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


def _page_indents(blocks: list[Block]) -> bool:
    """The extraction kept paragraph indents ("　　"): many text lines start indented."""
    body = [b for b in blocks if b.kind == "body"]
    return len(body) >= 4 and sum(b.indented for b in body) >= 0.3 * len(body)


def _in_jump_column(blocks: list[Block], i: int) -> bool:
    """Block i is text in the first column of a continued story: "(上接第1版)…" opened its run."""
    run = _run(blocks, i, -1, 12)
    start = run[-1] if run else i
    return blocks[start].from_page is not None or (
        start > 0 and blocks[start - 1].kind == "marker" and blocks[start - 1].from_page is not None)


def pair_joints(blocks: list[Block], topics: Topics) -> tuple[dict[int, int], dict[int, float]]:
    """Pair each fragment cut mid-sentence with the fragment that continues it.

    Returns tail index -> head index and the score of each accepted tail.
    A short line is a tail only when the next line plainly continues it
    ("近年来,我市卫生健康系统把保" + "障人民健康…"): otherwise it is a headline.
    """
    tails = [i for i, b in enumerate(blocks) if b.kind in ("body", "short") and not b.complete and b.core]
    # Where the page indents paragraph starts, an unindented text line continues one.
    indents = _page_indents(blocks)
    before_topic = {i: topics.of(_run(blocks, i, -1, 4) or [i]) for i in tails}
    # A tail in the first column of a continued story ("(上接第1版)…") goes on
    # after a jump headline further down the page.
    in_jump = {i: _in_jump_column(blocks, i) for i in tails}
    candidates: list[tuple[float, int, int]] = []
    for t in tails:
        tail = blocks[t]
        for h in range(t + 1, min(len(blocks), t + WINDOW)):
            head = blocks[h]
            if head.kind not in ("body", "short") or head.from_page is not None or not head.core:
                continue
            if lead_credit(head.core) is not None:
                continue
            prev = blocks[h - 1]
            adjacent = h == t + 1
            top = prev.kind in ("short", "marker", "credit", "editor") or (prev.kind == "body" and prev.credit is not None)
            word = seam_word(tail.core.rstrip()[-4:], head.core.lstrip()[:4])
            cut = bad_start(head.core)
            if head.kind == "short" and not (word or cut):
                continue
            if tail.kind == "short" and head.kind == "short" and not cut:
                continue  # two headline lines ("文旅融合  体验上新" / "建好用好…") may form a word by chance
            if tail.kind == "short" and not (adjacent and (head.core.lstrip()[:1] in NO_START or word >= 3 or (word and (
                    ends_mid_word(tail.core) or tail.core[-1:].isdigit())) or (
                    head.kind == "body" and continues(head.core) and not OPENER_RE.match(head.core)
                    and not OPENING_RE.match(head.core)))):
                continue  # a headline is not text unless the next line plainly continues it
            # A paragraph that opens like a lead ("7月1日，…") printed inside a cut one
            # (the seed page's a01): the cut goes on right after it.
            over_lead = h == t + 2 and prev.kind == "body" and prev.complete and bool(
                OPENING_RE.match(prev.core) or OPENER_RE.match(prev.core) or lead_credit(prev.core))
            unindented = indents and not head.indented
            if not (adjacent or word or cut or top or over_lead or unindented):
                continue
            if not head.core.strip("…—.。·- "):
                continue  # "…………" marks omitted text; it continues nothing
            score = 0.0
            if adjacent:
                score += 3.0  # extraction reads a column top to bottom: the next line is the usual continuation
            elif over_lead:
                score += 2.5
            if word:
                score += 2.0 + 0.5 * min(word, 4)
            elif OPENING_RE.match(head.core) or OPENER_RE.match(head.core):
                score -= 1.0  # "6月28日,…", "连日来,…" open paragraphs far more often than they continue one
            if cut:
                score += 2.5
            elif continues(head.core):
                score += 1.5
            elif weak_start(head.core):
                score += 0.5
            if top:
                score += 1.0
                if in_jump[t] and prev.kind == "short":
                    score += 1.0
            sim = topics.similarity(before_topic[t], topics.of(_run(blocks, h, 1, 4) or [h]))
            score += 6.0 * sim
            score -= 0.04 * (h - t)
            if tail.kind == "short":
                score -= 1.5  # it looks like a headline: a text tail competing for the head wins
            if indents:
                score += -2.5 if head.indented else 1.5
            if not (adjacent or word or cut or unindented or (in_jump[t] and prev.kind == "short")) and sim < 0.05:
                continue  # a column top with nothing in common: another story's start
            candidates.append((score, t, h))
    candidates.sort(key=lambda c: (-c[0], c[1], c[2]))
    pairs: dict[int, int] = {}
    scores: dict[int, float] = {}
    used_heads: set[int] = set()
    for score, t, h in candidates:
        if t in pairs or h in used_heads or score < 1.0:
            continue
        pairs[t] = h
        scores[t] = score
        used_heads.add(h)
    return pairs, scores


# ------------------------------------------------------------------ stories

@dataclass
class _Story:
    headlines: list[tuple[str, int]] = field(default_factory=list)
    paras: list[tuple[str, list[int]]] = field(default_factory=list)  # text, lines
    credits: list[Credit] = field(default_factory=list)
    lead: Credit | None = None
    markers: list[str] = field(default_factory=list)
    from_page: int | None = None
    to_page: int | None = None
    review: list[str] = field(default_factory=list)
    lines: set[int] = field(default_factory=set)
    closed: bool = False
    photo: bool = False
    blocks: list[int] = field(default_factory=list)  # block indexes, for topic comparison

    @property
    def body_count(self) -> int:
        return sum(1 for p, _ in self.paras if not p.startswith("## "))


def _split_headlines(lines: list[tuple[str, int]]) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """(headline lines, subheading lines): a short label after the title opens subheadings."""
    end = min(len(lines), 3)
    for k in range(1, end):
        if len(lines[k][0]) <= LABEL_MAX:
            end = k
            break
    return lines[:end], lines[end:]


def _fields(heads: list[str]) -> tuple[str | None, str | None, str | None]:
    """引题/主题/副题 from 1-3 headline lines."""
    if not heads:
        return None, None, None
    if len(heads) == 1:
        return None, heads[0], None
    if len(heads) == 2:
        if heads[0].endswith(("——", "—", "：", ":")) and not heads[1].startswith("—"):
            return heads[0], heads[1], None
        return None, heads[0], heads[1]
    return heads[0], heads[1], heads[2]


class _Walker:
    def __init__(self, blocks: list[Block], pairs: dict[int, int], scores: dict[int, float], topics: Topics):
        self.blocks = blocks
        self.topics = topics
        # Pages whose stories end with a printed credit ("(崔欣润)") mark story ends plainly.
        self.closing_credits = sum(
            1 for k, b in enumerate(blocks)
            if (b.kind == "body" and b.credit is not None and not b.credit.photographers)
            or (b.kind == "credit" and k > 0 and blocks[k - 1].kind == "body")
        )
        self.pairs = pairs
        self.scores = scores
        self.head_of = {h: t for t, h in pairs.items()}
        self.owner: dict[int, _Story] = {}  # tail block -> story holding its paragraph
        self.stories: list[_Story] = []
        self.current: _Story | None = None
        self.credits: list[str] = []
        self.leftovers: list[Leftover] = []

    # -- helpers
    def new_story(self) -> _Story:
        s = _Story()
        self.stories.append(s)
        self.current = s
        return s

    def headed_or_new(self) -> _Story:
        """The story a "(上接第1版)" opens: the headline just printed above it, if any."""
        cur = self.current
        if cur is not None and cur.headlines and not cur.body_count and not cur.closed and cur.from_page is None:
            return cur
        return self.new_story()

    def chain(self, i: int) -> list[int]:
        out = [i]
        while out[-1] in self.pairs:
            out.append(self.pairs[out[-1]])
        return out

    def add_paragraph(self, story: _Story, i: int) -> None:
        ids = self.chain(i)
        text = "".join(self.blocks[k].core for k in ids)
        story.paras.append((text, [self.blocks[k].line for k in ids]))
        story.blocks.extend(ids)
        for k in ids:
            b = self.blocks[k]
            story.lines.add(b.line)
            self.owner[k] = story
            if k != ids[-1] and self.scores.get(k, 99) < 3.0:
                story.review.append(f"weak joint at line {b.line}: check that line {self.blocks[self.pairs[k]].line} continues it")
        last = self.blocks[ids[-1]]
        if not last.complete and last.to_page is None:
            story.review.append(f"paragraph ends mid-sentence at line {last.line}: its continuation was not found")
        if len(story.paras) == 1 or story.body_count == 1:
            lc = lead_credit(text)
            if lc is not None and story.lead is None:
                story.lead = lc
        for k in ids:
            self.apply_block_meta(story, self.blocks[k], at_head=(k != ids[0]))

    def apply_block_meta(self, story: _Story, b: Block, at_head: bool) -> None:
        story.markers.extend(b.markers)
        if b.from_page is not None and story.from_page is None:
            story.from_page = b.from_page
        if b.to_page is not None:
            story.to_page = b.to_page
        if b.credit is not None and not at_head:
            self.take_credit(story, b.credit)

    def take_credit(self, story: _Story, credit: Credit) -> None:
        story.credits.append(credit)
        if story.body_count:
            story.closed = True

    # -- decisions
    def untitled_continuation(self, group: list[int], nxt: int | None) -> _Story | None:
        """The continued story a jump headline belongs to when its first column
        ended on a paragraph's end (so no cut points at it): the page's last
        stories are all "(上接第N版)" columns still without a title, and the
        headline and the text under it share their words with one of them."""
        if len(group) > 2 or nxt is None or self.blocks[nxt].kind != "body" or nxt in self.head_of:
            return None
        tail: list[_Story] = []
        for s in reversed(self.stories):
            if s.from_page is None:
                break
            tail.append(s)
        orphans = [s for s in tail if not s.headlines and s.body_count]
        if not orphans:
            return None
        follow = self.topics.of(list(group) + _run(self.blocks, nxt, 1, 3))
        sim, best = max((self.topics.similarity(self.topics.of(s.blocks), follow), k) for k, s in enumerate(orphans))
        # right under the only untitled column, a headline needs less to claim it
        adjacent = len(orphans) == 1 and bool(orphans[0].blocks) and orphans[0].blocks[-1] == group[0] - 1
        return orphans[best] if sim >= (0.02 if adjacent else 0.08) else None

    def headline_opens_story(self, group: list[int], nxt: int | None) -> bool:
        cur = self.current
        if cur is None or cur.closed or cur.photo:
            return True
        if cur.body_count == 0:
            # under a headline and its byline, before any text: "引 子", a section label
            return not cur.headlines
        first = self.blocks[group[0]].core
        if nxt is not None:
            nb = self.blocks[nxt]
            if nb.kind == "credit" or nb.from_page is not None or nb.kind == "marker":
                return True
            if nb.kind == "body" and lead_credit(nb.core) is not None:
                return True
        if len(first) <= LABEL_MAX and len(group) >= 2:
            return False  # a section label and its subheading: "布点" / "“小上海”在“大上海”开辟窗口"
        texts = [self.blocks[g].core for g in group]
        follow = list(group)
        if nxt is not None and self.blocks[nxt].kind == "body":
            follow += _run(self.blocks, nxt, 1, 2)
        sim = self.topics.similarity(self.topics.of(cur.blocks[-8:]), self.topics.of(follow))
        # Log-odds of a new story, from general signals; the weights were fitted
        # on simulated pages (benchmarks/simulate_pages.py), not on any one page.
        score = -2.0
        if sim < 0.02:
            score += 1.1  # nothing in common with the story so far
        if sim < 0.04:
            score += 0.8
        if sim > 0.1:
            score -= 0.5
        if any(COLUMN_TAG_RE.search(t) for t in texts):
            score += 1.9  # "（人民时评）": headlines carry their column's name, subheadings do not
        if cur.lead is not None:
            score += 1.0  # a dated news item rarely has subheadings
        if cur.credits:
            score += 0.6  # its byline is printed: the story may be over
        subs = [p[3:] for p, _ in cur.paras if p.startswith("## ")]
        labels = bool(subs) and all(len(x) <= LABEL_MAX for x in subs)
        if subs and not (len(group) == 1 and labels and len(first) > LABEL_MAX):
            score -= 1.2  # a story with subheadings has more of them (unless they were labels like "街巷")
        if labels and len(first) <= LABEL_MAX:
            score -= 1.5  # one more label in a story marked out by labels
        if len(group) >= 2:
            score += 0.3
        if group[0] > 0 and self.blocks[group[0] - 1].kind == "editor":
            score += 1.0  # staff credits sit between stories, not inside them
        if len(first) <= LABEL_MAX:
            score += 0.0  # "图片报道", "八方速递": a column's name over a new item
        if CHAPTER_RE.match(first):
            score -= 2.0  # "第二章 监狱": the parts of one long text
        if self.closing_credits >= 2 and not cur.credits:
            score -= 0.5  # this page ends its stories with a credit, and this one has had none yet
        return score > -0.4

    def walk(self) -> None:
        blocks = self.blocks
        i = 0
        while i < len(blocks):
            b = blocks[i]
            if i in self.head_of:
                # A fragment already joined to the paragraph it continues: the
                # reading goes on in that story from here.
                story = self.owner.get(self.head_of[i])
                if story is not None:
                    self.resume(story, i)
                i += 1
                continue
            if b.kind == "editor":
                self.credits.append(b.raw)
                i += 1
                continue
            if b.kind == "furniture":
                self.leftovers.append(Leftover(b.line, b.raw, "page header or footer (date, page number)"))
                i += 1
                continue
            if b.kind == "marker":
                if b.from_page is not None:
                    s = self.headed_or_new()
                    s.from_page = b.from_page
                    s.markers.extend(b.markers)
                    s.lines.add(b.line)
                elif self.current is not None:
                    self.current.to_page = b.to_page
                    self.current.markers.extend(b.markers)
                    self.current.lines.add(b.line)
                    self.current.closed = True
                else:
                    self.leftovers.append(Leftover(b.line, b.raw, "jump marker outside any article"))
                i += 1
                continue
            if b.kind == "credit":
                self.credit_line(b)
                i += 1
                continue
            if b.kind == "short":
                i = self.short_group(i)
                continue
            self.body(i)
            i += 1

    def resume(self, story: _Story, h: int) -> None:
        t = self.head_of[h]
        if self.current is story and not story.photo:
            # Paragraphs printed between the cut and its continuation, inside
            # the same story, were a lead box the extractor met mid-column.
            start = self.para_at_tail(story, t)
            if start is not None:
                between = story.paras[start + 1:]
                if between and all(not p.startswith("## ") for p, _ in between) and len(between) <= 2:
                    del story.paras[start + 1:]
                    story.paras[0:0] = between
                    story.review.append(
                        f"paragraph at line {between[0][1][0]} was printed inside a cut paragraph; moved to the front"
                    )
                    story.lead = None
                    for text, _ in story.paras[:1]:
                        story.lead = lead_credit(text)
        hb = self.blocks[h]
        if hb.credit is not None:
            self.take_credit(story, hb.credit)
        if not story.photo:  # a picture cut in two does not take the reading away from the article
            self.current = story

    def para_at_tail(self, story: _Story, t: int) -> int | None:
        """Index of the paragraph holding block t (paragraphs may have moved)."""
        line = self.blocks[t].line
        for idx, (_, lines) in enumerate(story.paras):
            if line in lines:
                return idx
        return None

    def credit_line(self, b: Block) -> None:
        cur = self.current
        credit = b.credit
        assert credit is not None
        if cur is None or cur.closed:
            if credit.photographers and not credit.bylines and cur is not None and cur.body_count:
                cur.credits.append(credit)
                cur.lines.add(b.line)
                return
            s = self.new_story()
            s.credits.append(credit)
            s.lines.add(b.line)
            return
        if credit.photographers and not credit.bylines:
            if cur.body_count == 1 and not cur.headlines:
                cur.photo = True
            elif cur.body_count >= 2 and not cur.paras[-1][0].startswith("## ") and (
                    "图为" in cur.paras[-1][0] or (cur.lead is not None and cur.lead.bylines)
                    or any(c.bylines for c in cur.credits)):
                # A caption and its photographer printed inside a signed article:
                # the picture is a story of its own; the article goes on after it.
                text, lines = cur.paras.pop()
                cur.lines.difference_update(lines)
                photo = _Story(paras=[(text, lines)], credits=[credit], photo=True, closed=True)
                photo.lines.update(lines + [b.line])
                self.stories.append(photo)
                return
        cur.lines.add(b.line)
        self.take_credit(cur, credit)

    def body(self, i: int) -> None:
        b = self.blocks[i]
        cur = self.current
        end = self.blocks[self.chain(i)[-1]]  # a caption cut in two carries its credit at the end
        photo = end.credit is not None and bool(end.credit.photographers) and not end.credit.bylines
        if photo:
            if cur is not None and not cur.closed and cur.body_count == 0 and cur.headlines and cur.from_page is None:
                cur.photo = True
                self.add_paragraph(cur, i)
                cur.closed = True
                return
            previous = cur
            s = self.new_story()
            s.photo = True
            self.add_paragraph(s, i)
            s.closed = True
            # a photo printed inside an article does not end the article
            self.current = previous if previous is not None and not previous.closed else s
            return
        if b.from_page is not None:
            cur = self.headed_or_new()
            cur.from_page = b.from_page
        elif cur is None or cur.closed or cur.photo:
            cur = self.new_story()
            if lead_credit(b.core) is None:
                cur.review.append(f"no headline found before line {b.line}")
        elif (cur.body_count >= 2 or (cur.body_count and not cur.headlines)) and lead_credit(b.core) is not None \
                and not (i and self.pairs.get(i - 1, -1) > i):
            # A dateline only ever opens a story: the story before has ended, and
            # the line just above, when it reads as one, is this story's headline.
            # (A lead printed inside a cut paragraph of its own story stays there, and
            # a quotation printed between a headline and its dateline is the story's.)
            previous = cur
            cur = self.new_story()
            last_text, last_lines = previous.paras[-1] if previous.paras else ("", [])
            above = self.blocks[i - 1] if i else None
            if (above is not None and len(last_lines) == 1 and above.line == last_lines[0] and above.credit is None
                    and not above.markers and len(last_text) <= 2 * SHORT_MAX and "。" not in last_text[:-1]
                    and last_text[-1:] not in "。；;"):
                previous.paras.pop()
                previous.lines.discard(above.line)
                cur.headlines.append((last_text, above.line))
                cur.lines.add(above.line)
                cur.review.append(f"headline at line {above.line} read from the dateline under it")
            else:
                cur.review.append(f"no headline found before line {b.line}")
        self.add_paragraph(cur, i)

    def short_group(self, i: int) -> int:
        blocks = self.blocks
        group = []
        j = i
        while j < len(blocks) and blocks[j].kind == "short" and j not in self.head_of and len(group) < 6:
            group.append(j)
            j += 1
        nxt = j if j < len(blocks) else None
        cur = self.current
        # A name alone on a line: the end of an essay, or its author under the headline.
        if len(group) == 1 and cur is not None and not cur.closed and (cur.body_count or cur.headlines):
            c = parse_credit(blocks[group[0]].core, bare=True)
            if c is not None and (nxt is None or blocks[nxt].kind != "short"):
                cur.lines.add(blocks[group[0]].line)
                self.take_credit(cur, c)
                return j
        # An author's sign-off right after the text, then the next story's headline:
        # "湖南长沙市  吴  峥" / "以村医为主力" / …
        if len(group) >= 2 and cur is not None and not cur.closed and cur.body_count and group[0] > 0 \
                and blocks[group[0] - 1].kind == "body":
            c = parse_credit(blocks[group[0]].core, bare=True)
            if c is not None:
                cur.lines.add(blocks[group[0]].line)
                self.take_credit(cur, c)
                return i + 1
        # Short lines right before a closing credit "(吴丹)" end the text: the
        # last paragraph "这抹红色，永远鲜艳！" is no headline.
        if (cur is not None and not cur.closed and cur.body_count and nxt is not None
                and blocks[nxt].kind == "credit" and blocks[nxt].raw[:1] in "(（"):
            for g in group:
                self.add_paragraph(cur, g)
            return j
        # A headline printed after a continuation's first column belongs to it.
        if nxt is not None and nxt in self.head_of:
            story = self.owner.get(self.head_of[nxt])
            if story is not None and (story is not cur or (not story.headlines and story.from_page is not None)):
                lines = [(blocks[g].core, blocks[g].line) for g in group]
                if not story.headlines:
                    # A jump title is one line: lines before it that read as text, or
                    # that follow another continued story's text, end the story before.
                    while len(lines) > 1 and not lines[0][0].endswith("——") and cur is not None and cur.body_count \
                            and (re.search(r"[，,、]", lines[0][0]) or cur.from_page is not None):
                        text, line = lines.pop(0)
                        cur.paras.append((text, [line]))
                        cur.lines.add(line)
                        cur.review.append(f"short line {line} read as the end of the text; check it is not a headline")
                    heads, subs = _split_headlines(lines)
                    story.headlines.extend(heads)
                    story.paras.extend((f"## {t}", [ln]) for t, ln in subs)
                    story.review.append(f"jump headline at line {lines[0][1]} printed after the first column")
                else:
                    story.paras.extend((f"## {t}", [ln]) for t, ln in lines)
                for _, ln in lines:
                    story.lines.add(ln)
                self.current = story
                return j
        story = self.untitled_continuation(group, nxt)
        if story is not None:
            lines = [(blocks[g].core, blocks[g].line) for g in group]
            story.headlines.extend(lines)
            story.lines.update(ln for _, ln in lines)
            story.review.append(f"jump headline at line {lines[0][1]} matched to this story by its words")
            self.current = story
            return j
        if self.headline_opens_story(group, nxt):
            # Short lines with no text after them (page furniture, a lone caption
            # title at the page's end) have no story to head.
            if nxt is None or blocks[nxt].kind in ("editor",):
                for g in group:
                    self.leftovers.append(Leftover(blocks[g].line, blocks[g].raw, "short line with no article after it"))
                return j
            lines = [(blocks[g].core, blocks[g].line) for g in group]
            heads, subs = _split_headlines(lines)
            s = self.new_story()
            s.headlines.extend(heads)
            s.blocks.extend(group)
            s.paras.extend((f"## {t}", [ln]) for t, ln in subs)
            for _, ln in lines:
                s.lines.add(ln)
            if len(heads) > 3 or (len(heads) == 3 and not heads[0][0].endswith("——")):
                s.review.append("headline lines guessed: check kicker, title and subtitle")
            return j
        assert cur is not None
        cur.blocks.extend(group)
        for g in group:
            cur.paras.append((f"## {blocks[g].core}", [blocks[g].line]))
            cur.lines.add(blocks[g].line)
        return j


def _finish(s: _Story) -> StoryDraft | None:
    kicker, title, subtitle = _fields([h for h, _ in s.headlines[:3]])
    # never drop a printed line: headline lines beyond three lead the body as subheadings
    s.paras[0:0] = [(f"## {h}", [ln]) for h, ln in s.headlines[3:]]
    bylines: list[str] = []
    photographers: list[str] = []
    if s.lead is not None:
        bylines.extend(s.lead.bylines)
        photographers.extend(s.lead.photographers)
    for c in s.credits:
        bylines.extend(c.bylines)
        photographers.extend(c.photographers)
    if s.from_page is not None:
        kind = "continuation"
    elif s.photo or (photographers and not bylines and s.body_count <= 1 and s.credits):
        kind = "photo"
    else:
        kind = "article"
    review = list(dict.fromkeys(s.review))
    if not s.paras and not s.headlines:
        if not s.credits and not s.markers:
            return None
        review.append("credit or jump marker with no article text")
    return StoryDraft(
        kind=kind, kicker=kicker, title=title, subtitle=subtitle,
        paragraphs=tuple(p for p, _ in s.paras),
        bylines=tuple(dict.fromkeys(bylines)), photographers=tuple(dict.fromkeys(photographers)),
        credit=" ".join(c.text for c in s.credits) or None,
        dateline=next((c.dateline for c in ([s.lead] if s.lead else []) + s.credits if c.dateline), None),
        continued_from_page=s.from_page, continued_to_page=s.to_page,
        lines=tuple(sorted(s.lines)), review=tuple(review), markers=tuple(s.markers),
    )


def _date_hint(lines: list[str]) -> str | None:
    for line in lines[:8]:
        m = DATE_RE.search(line)
        if m:
            try:
                return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
            except ValueError:
                return None
    return None


def reconstruct(lines: list[str], source: str) -> PageDraft:
    """Rebuild a page's stories from its raw lines (line numbers are index + 1)."""
    blocks = [classify(n, raw) for n, raw in enumerate(lines, start=1) if raw.strip()]
    # The line after "(上接第1版)" is the continued text, however short; so is
    # a short line that reads as part of a sentence.
    blocks = [replace(b, kind="body") if b.kind == "short" and (
        (i and blocks[i - 1].kind == "marker" and blocks[i - 1].from_page is not None) or _text_like(b.core)
        or (len(b.core) >= 26 and re.search(r"[，,]", b.core) and i and blocks[i - 1].kind == "body"
            and blocks[i - 1].credit is None))
        else b for i, b in enumerate(blocks)]
    # (a long line with a clause break amid text is text; at a story's start it is an 引题)
    if _page_indents(blocks):  # headlines are not indented; an indented short line opens a paragraph
        blocks = [replace(b, kind="body") if b.kind == "short" and b.indented else b for b in blocks]
    # In the first columns of continued stories, a short line between text and
    # the next headline is the column's last, cut line: jump titles stand over text.
    blocks = [replace(b, kind="body") if b.kind == "short" and 0 < i < len(blocks) - 1
              and blocks[i - 1].kind == "body" and _in_jump_column(blocks, i - 1)
              and blocks[i + 1].kind in ("short", "marker") else b for i, b in enumerate(blocks)]
    topics = Topics([b.core or b.raw for b in blocks])
    pairs, scores = pair_joints(blocks, topics)
    # a short line cut mid-sentence is text, not a headline
    blocks = [replace(b, kind="body") if b.kind == "short" and i in pairs else b for i, b in enumerate(blocks)]
    walker = _Walker(blocks, pairs, scores, topics)
    walker.walk()
    stories = [d for d in (_finish(s) for s in walker.stories) if d is not None]
    return PageDraft(
        stories=tuple(stories), credits=tuple(walker.credits), leftovers=tuple(walker.leftovers),
        date_hint=_date_hint(lines),
    )


def _chars(text: str) -> Counter[str]:
    return Counter(ch for ch in text if not ch.isspace())


def accounted(lines: list[str], draft: PageDraft) -> tuple[Counter[str], Counter[str]]:
    """(missing, extra): printed characters lost, and characters that appear from nowhere.

    Both are empty when every non-blank character of the page is in exactly one
    place: a headline, a paragraph, a credit, a jump marker, an editor credit or
    a leftover.
    """
    have: Counter[str] = Counter()
    for s in draft.stories:
        for part in (s.kicker, s.title, s.subtitle, s.credit):
            have.update(_chars(part or ""))
        for p in s.paragraphs:
            have.update(_chars(p[3:] if p.startswith("## ") else p))
        for m in s.markers:
            have.update(_chars(m))
    for c in draft.credits:
        have.update(_chars(c))
    for lo in draft.leftovers:
        have.update(_chars(lo.text))
    want = _chars("\n".join(lines))
    return want - have, have - want


__all__ = ["Block", "accounted", "classify", "pair_joints", "reconstruct"]
