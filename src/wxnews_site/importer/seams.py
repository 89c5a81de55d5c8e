"""Text signals for re-joining a page's fragments: where sentences end, whether
two fragments form a word across a column break, and how alike two texts are.

Text is never changed here; full- and half-width punctuation are only compared.
"""
from __future__ import annotations

import logging
import math
from collections import Counter
import re
from functools import lru_cache

import jieba

jieba.setLogLevel(logging.WARNING)

# A paragraph ends on one of these (a closing quote or bracket counts when a
# sentence end is inside it: "…大文章’。”", "…开工了！”").
FINAL = set("。！？!?…；;：:")
CLOSERS = set("”’」』）)】》\"'")
# Characters a paragraph cannot open with: the right half of a cut sentence.
NO_START = set("，。、；：？！）)”’」』》】,.;:?!%％…")  # "——" opens subtitles
CJK_RE = re.compile(r"[\u3400-\u9fff]")
CJK_RUN_RE = re.compile(r"[\u3400-\u9fff]{2,}")
UNITS = set("年月日时分秒世万亿千百元角个%％米吨岁次名家件项条亩户座辆台倍度号")
WEAK_START = set("的了着过地得和与及或并而但却就也都又还才把被给向在从对于为以之其所者们")


def ends_sentence(text: str) -> bool:
    """True when the text ends a sentence, so it needs no continuation."""
    t = text.rstrip()
    while t and t[-1] in CLOSERS:
        if t[-1] in "）)" and re.search(r"[(（][^()（）]*[)）]$", t):
            # "…效果。(崔欣润)" style endings are judged by what precedes the bracket
            inner_start = max(t.rfind("("), t.rfind("（"))
            before = t[:inner_start].rstrip()
            if not before:
                return True
            t = before
            continue
        t = t[:-1]
        if t and t[-1] in FINAL:
            return True
    return bool(t) and t[-1] in FINAL


def bad_start(text: str) -> bool:
    """A fragment that cannot open a paragraph: it continues a cut sentence."""
    t = text.lstrip()
    if len(t) >= 2 and CJK_RE.match(t[0]) and t[1] in "，,、" and t[0] not in "一二三四五六七八九十首其":
        return True  # "说,新品种…": a one-character clause is the end of a cut one
    return bool(t) and (t[0] in NO_START or t[0] in BOUND)


BOUND = set("的了着们之")  # particles that only ever follow a word: "的“下南洋”浪潮…"


CONTINUING = set("的了着过地得和与及或并而但却就也都又还才们者所之")


def continues(text: str) -> bool:
    """The text reads as the rest of a sentence begun elsewhere: it opens on a
    particle ("的战略决策…") or ends its first clause within a few characters
    ("获得感。…", "便点？…") where a paragraph would open with a full clause."""
    t = text.lstrip()
    if not t:
        return False
    if t[0] in CONTINUING and (t[0] in BOUND or not _opens_word(t)):
        return True  # (not where it opens a word that opens sentences: "与会嘉宾表示…", "地方法院…"; "之间…" does not)
    # a comma after a short opener ("近几年,…") is how paragraphs begin; a full stop is not
    m = re.search(r"[，。；：？！,;:?!]", t[:7])
    return bool(m) and m.group() not in "，," and 1 <= m.start() <= 5 and not t.startswith(("“", "\"", "（", "("))


def weak_start(text: str) -> bool:
    t = text.lstrip()
    return bool(t) and t[0] in WEAK_START


@lru_cache(maxsize=65536)
def seam_word(left: str, right: str) -> int:
    """Length of a dictionary word spanning the seam left|right (0 when none).

    jieba segments a few characters either side; a word crossing the cut ("自|身"
    -> 自身, "施|工" -> 施工) is strong evidence the two halves were one sentence.
    """
    l, r = left.rstrip()[-4:], right.lstrip()[:4]
    if not l or not r:
        return 0
    if l[-1].isdigit() and (r[0].isdigit() or r[0] == "." or r[0] in UNITS):
        return 2  # "占地8|3.7亩", "20|世纪40年代"
    if not (CJK_RE.match(l[-1]) and CJK_RE.match(r[0])):
        return 0
    jieba.dt.check_initialized()  # FREQ is empty until the dictionary loads
    freq = jieba.dt.FREQ
    if not any(freq.get(l[-i:] + r[:j]) for i in range(1, len(l) + 1) for j in range(1, len(r) + 1)):
        return 0  # no dictionary word spans the cut: spare the segmentation
    pos = 0
    for tok in jieba.lcut(l + r, HMM=False):
        start, end = pos, pos + len(tok)
        if start < len(l) < end and len(tok) >= 2:
            return len(tok)
        pos = end
    return 0


def _opens_word(text: str) -> bool:
    """The text's first character is the start of a dictionary word ("与会", "地方")."""
    return _first_word_long(text[:6])


@lru_cache(maxsize=4096)
def _first_word_long(head: str) -> bool:
    # (a fragment is asked about once for every tail before it: cut once)
    jieba.dt.check_initialized()
    return len(jieba.lcut(head, HMM=False)[0]) >= 2


def ends_mid_word(text: str) -> bool:
    """The text stops on a lone character that is not a word: "我国“十五五”期",
    "三峡枢纽新". Headlines end on whole words ("…新通道", "…难题")."""
    t = text.rstrip()
    if not t or not CJK_RE.match(t[-1]):
        return False
    toks = jieba.lcut(t[-6:], HMM=False)
    return len(toks[-1]) == 1 and not (len(toks) >= 2 and toks[-2] in ("正当", "正", "更"))


STOP_WORDS = frozenset(
    "我们 他们 你们 今年 目前 进一步 表示 一个 这个 没有 已经 可以 通过 进行 以及 同时 其中 还是 就是 但是 因为 所以 如果 "
    "这些 那些 自己 什么 怎么 如何 这样 不断 更加 持续 推动 推进 相关 方面 工作 发展 记者 本报".split()
)


def words(text: str) -> frozenset[str]:
    """Content words of a text (two characters or more), for topic comparison."""
    return frozenset(w for w in jieba.lcut(text, HMM=False) if len(w) >= 2 and CJK_RE.match(w) and w not in STOP_WORDS)


class Topics:
    """Word weights for one page: a word many fragments share says little about
    which story a fragment belongs to; a rarer shared word says much."""

    def __init__(self, texts: list[str]):
        self.sets = [words(t) for t in texts]
        df: dict[str, int] = {}
        for ws in self.sets:
            for w in ws:
                df[w] = df.get(w, 0) + 1
        n = len(texts) + 1
        self.idf = {w: math.log(n / (c + 0.5)) + 0.1 for w, c in df.items()}

    def of(self, indexes: list[int]) -> frozenset[str]:
        out: set[str] = set()
        for i in indexes:
            out |= self.sets[i]
        return frozenset(out)

    def similarity(self, a: frozenset[str], b: frozenset[str]) -> float:
        """Weighted cosine of two word sets, 0..1."""
        if not a or not b:
            return 0.0
        wa = sum(self.idf.get(w, 1.0) for w in a)
        wb = sum(self.idf.get(w, 1.0) for w in b)
        shared = sum(self.idf.get(w, 1.0) for w in a & b)
        return shared / math.sqrt(wa * wb)


class Echoes:
    """How much of a headline line a text echoes: the page-weighted share of the
    line's character pairs found in the text. Headlines compress their story's
    lead ("江西出台…招标代理机构管理办法" / "江西省发展改革委等12部门…"), and a
    pair of characters survives the compression where a segmented word may not."""

    def __init__(self, texts: list[str]):
        df: Counter[str] = Counter()
        for t in texts:
            df.update(set(self.pairs(t)))
        n = len(texts) + 1
        self.idf = {p: math.log(n / (c + 0.5)) + 0.1 for p, c in df.items()}
        self.default = math.log(n / 0.5) + 0.1
        # The same stretches of a story's text are asked about for every headline line
        self._sets: dict[str, frozenset[str]] = {}

    @staticmethod
    def pairs(text: str) -> list[str]:
        return [run[k:k + 2] for run in CJK_RUN_RE.findall(text) for k in range(len(run) - 1)]

    def _pair_set(self, text: str) -> frozenset[str]:
        found = self._sets.get(text)
        if found is None:
            found = self._sets[text] = frozenset(self.pairs(text))
        return found

    def share(self, line: str, text: str) -> float:
        mine = self._pair_set(line)
        if not mine:
            return 0.0
        theirs = self._pair_set(text)
        total = sum(self.idf.get(p, self.default) for p in mine)
        return sum(self.idf.get(p, self.default) for p in mine & theirs) / total


def initialize() -> None:
    """Load jieba's dictionary once, before timing or a batch import."""
    jieba.initialize()


__all__ = ["NO_START", "Echoes", "Topics", "bad_start", "continues", "ends_mid_word", "ends_sentence", "initialize", "seam_word", "weak_start", "words"]
