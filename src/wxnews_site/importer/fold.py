"""Fold PDF-extraction look-alikes into the ordinary characters, recording each fold.

A PDF set in a CJK font (Noto CJK, which Chromium embeds; many e-paper PDFs
too) maps one glyph to several code points, and text extraction may pick the
radical: pdfminer reads 月 as the Kangxi radical ⽉ (U+2F49), 长 as ⻓ (U+2ED3),
and the two-em dash —— as the single character ⸺ (U+2E3A). The page looks
right and the text does not: search misses 五⽉, names no longer match.

The table is derived by rule, not typed in, where Unicode gives the rule:
every Kangxi radical (U+2F00–U+2FD5) has an NFKC mapping to its ideograph.
The CJK Radicals Supplement has NFKC mappings for two forms only, so the forms
that stand for whole characters (⻓ 长, ⻔ 门, ⻅ 见 …) are listed by hand,
after Unicode's EquivalentUnifiedIdeograph data; forms that are only ever
parts of characters (⻈ 讠, ⺡ 氵, ⺾ 艹) are left alone, as no running text
prints them and folding them would hide a real extraction fault. Text is
never NFKC'd as a whole: that would also turn full-width ，：（ into ASCII.
"""
from __future__ import annotations

import unicodedata
from collections import Counter

from ..model import Fold

KANGXI = range(0x2F00, 0x2FD6)

# CJK Radicals Supplement forms that print a whole character (name, then character).
SUPPLEMENT = {
    "\u2E81": "厂",  # CLIFF
    "\u2E8A": "卜",  # DIVINATION
    "\u2E8E": "兀",  # LAME ONE
    "\u2E92": "巳",  # SNAKE
    "\u2E93": "幺",  # THREAD
    "\u2E9D": "月",  # MOON
    "\u2E9F": "母",  # MOTHER (NFKC too)
    "\u2EA0": "民",  # CIVILIAN
    "\u2EA9": "王",  # JADE: CJK fonts give it 王's glyph
    "\u2EBC": "月",  # MEAT
    "\u2EC1": "虎",  # TIGER
    "\u2EC4": "西",  # WEST TWO
    "\u2EC5": "见",  # C-SIMPLIFIED SEE
    "\u2EC6": "角",  # SIMPLIFIED HORN
    "\u2EC9": "贝",  # C-SIMPLIFIED SHELL
    "\u2ECB": "车",  # C-SIMPLIFIED CART
    "\u2ED1": "長",  # LONG ONE
    "\u2ED3": "长",  # C-SIMPLIFIED LONG
    "\u2ED4": "门",  # C-SIMPLIFIED GATE
    "\u2ED8": "青",  # BLUE
    "\u2ED9": "韦",  # C-SIMPLIFIED TANNED LEATHER
    "\u2EDA": "页",  # C-SIMPLIFIED LEAF
    "\u2EDB": "风",  # C-SIMPLIFIED WIND
    "\u2EDC": "飞",  # C-SIMPLIFIED FLY
    "\u2EDD": "食",  # EAT ONE
    "\u2EE2": "马",  # C-SIMPLIFIED HORSE
    "\u2EE3": "骨",  # BONE
    "\u2EE4": "鬼",  # GHOST
    "\u2EE5": "鱼",  # C-SIMPLIFIED FISH
    "\u2EE6": "鸟",  # C-SIMPLIFIED BIRD
    "\u2EE7": "卤",  # C-SIMPLIFIED SALT
    "\u2EE8": "麦",  # SIMPLIFIED WHEAT
    "\u2EE9": "黄",  # SIMPLIFIED YELLOW
    "\u2EEA": "黾",  # C-SIMPLIFIED FROG
    "\u2EEB": "斉",  # J-SIMPLIFIED EVEN
    "\u2EEC": "齐",  # C-SIMPLIFIED EVEN
    "\u2EED": "歯",  # J-SIMPLIFIED TOOTH
    "\u2EEE": "齿",  # C-SIMPLIFIED TOOTH
    "\u2EEF": "竜",  # J-SIMPLIFIED DRAGON
    "\u2EF0": "龙",  # C-SIMPLIFIED DRAGON
    "\u2EF1": "龜",  # TURTLE
    "\u2EF2": "亀",  # J-SIMPLIFIED TURTLE
    "\u2EF3": "龟",  # C-SIMPLIFIED TURTLE (NFKC too)
}

# Fonts without a glyph for two or three em dashes in a row draw one long dash,
# and extraction gives its single code point; Chinese text prints —— (U+2014 twice).
DASHES = {"\u2E3A": "\u2014" * 2, "\u2E3B": "\u2014" * 3}


def _table() -> dict[str, str]:
    table = {chr(c): unicodedata.normalize("NFKC", chr(c)) for c in KANGXI}
    table.update(SUPPLEMENT)
    table.update(DASHES)
    return table


TABLE: dict[str, str] = _table()
_TRANS = str.maketrans(TABLE)


def fold_text(text: str) -> str:
    """The text with every look-alike folded (for comparing raw text with articles)."""
    return text.translate(_TRANS)


def fold_lines(lines: list[str]) -> tuple[list[str], tuple[Fold, ...]]:
    """Lines folded (same number, same order) and one Fold per line and character, in reading order."""
    out, folds = [], []
    for n, line in enumerate(lines, start=1):
        folded = line.translate(_TRANS)
        out.append(folded)
        if folded != line:
            counts = Counter(ch for ch in line if ch in TABLE)  # keeps first-seen order
            folds.extend(Fold(n, ch, TABLE[ch], k) for ch, k in counts.items())
    return out, tuple(folds)


def describe(folds: tuple[Fold, ...]) -> str:
    """'⽉→月 ×2, ⸺→—— ×1' for a summary line: each character once, with its total."""
    totals: Counter[tuple[str, str]] = Counter()
    for f in folds:
        totals[(f.printed, f.text)] += f.count
    return ", ".join(f"{a}→{b} ×{k}" for (a, b), k in totals.items())


__all__ = ["DASHES", "SUPPLEMENT", "TABLE", "describe", "fold_lines", "fold_text"]
