"""Characters a PDF reader gets wrong for Chromium PDFs set in Noto CJK, mapped back.

Noto CJK draws a Kangxi radical (U+2F00–U+2FDF) or a CJK Radicals Supplement
character (U+2E80–U+2EFF) with the same glyph as an ordinary ideograph, and
Chromium's font subset names that glyph by the first code point that uses it,
so pdfminer reads `⽉` for `月` and `⻓` for `长`. The two-em dash `⸺` is how
the same subset names the glyph of `——`, the bar `―` that of `—`.
"""
from __future__ import annotations

import unicodedata

# Supplement radicals whose Noto CJK SC glyph is also an ideograph's glyph (read
# from the fonts' cmap tables); NFKC maps only two of them.
SUPPLEMENT = {
    "⺂": "乛", "⺃": "乚", "⺅": "亻", "⺉": "刂", "⺋": "㔾", "⺎": "兀", "⺏": "尣", "⺐": "尢",
    "⺒": "巳", "⺓": "幺", "⺔": "彑", "⺕": "彐", "⺖": "忄", "⺘": "扌", "⺙": "攵", "⺛": "旡",
    "⺞": "歺", "⺟": "母", "⺠": "民", "⺡": "氵", "⺣": "灬", "⺤": "爫", "⺦": "丬", "⺨": "犭",
    "⺫": "罒", "⺭": "礻", "⺯": "糹", "⺰": "纟", "⺱": "罓", "⺲": "罒", "⺳": "㓁", "⺹": "耂",
    "⺺": "肀", "⺾": "艹", "⻁": "虎", "⻂": "衤", "⻃": "覀", "⻅": "见", "⻆": "角", "⻈": "讠",
    "⻉": "贝", "⻋": "车", "⻌": "辶", "⻐": "钅", "⻑": "長", "⻒": "镸", "⻓": "长", "⻔": "门",
    "⻖": "阝", "⻘": "青", "⻙": "韦", "⻚": "页", "⻛": "风", "⻜": "飞", "⻝": "食", "⻟": "飠",
    "⻠": "饣", "⻢": "马", "⻣": "骨", "⻤": "鬼", "⻥": "鱼", "⻦": "鸟", "⻧": "卤", "⻨": "麦",
    "⻩": "黄", "⻪": "黾", "⻫": "斉", "⻬": "齐", "⻮": "齿", "⻯": "竜", "⻰": "龙", "⻱": "龜",
    "⻲": "亀", "⻳": "龟",
}
# Kangxi radicals go by NFKC, except where the SC glyph is the simplified form
KANGXI_OVERRIDE = {"⼾": "户"}
DASHES = {"⸺": "——", "⸻": "———", "―": "—"}  # U+2015 is how the subset names the em dash


def glyph_char(ch: str) -> str:
    """The character a reader sees for one extracted character."""
    if ch in DASHES:
        return DASHES[ch]
    if ch in SUPPLEMENT:
        return SUPPLEMENT[ch]
    if "\u2f00" <= ch <= "\u2fdf":
        return KANGXI_OVERRIDE.get(ch) or unicodedata.normalize("NFKC", ch)
    return ch


def map_glyphs(text: str) -> tuple[str, int]:
    """Text with radicals and dashes mapped back, and how many characters were mapped."""
    out, mapped = [], 0
    for ch in text:
        new = glyph_char(ch)
        mapped += new != ch
        out.append(new)
    return "".join(out), mapped
