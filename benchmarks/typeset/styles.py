"""House styles: how a paper prints bylines, photo credits and punctuation.

A byline mode turns a record's names into printed text; the gold names stay the
record's (wxnews_site.importer.bylines.parse_authors splits the authors field).
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass

CJK = "\u3400-\u9fff"
HALF = str.maketrans({"，": ",", "：": ":", "？": "?", "（": "(", "）": ")"})
ROLE_WORD_RE = re.compile(r"记者|通讯员|评论员|编辑|特约|摄影")
PLACES = ("北京", "上海", "南京", "杭州", "广州", "成都", "武汉", "西安")
AFFILIATIONS = ("江苏省无锡市", "浙江省湖州市", "山东省潍坊市", "四川省绵阳市")


@dataclass(frozen=True)
class HouseStyle:
    name: str
    half_width: bool
    bylines: tuple[str, ...]  # byline modes drawn per article
    photo_credits: tuple[str, ...]  # agency | paren | line

    def punct(self, text: str) -> str:
        """The page's punctuation: half-width `,:?()` throughout, as the Wuxi page prints."""
        return text.translate(HALF) if self.half_width else text


STYLES = (
    HouseStyle("renmin", False, ("role", "role", "padded", "affiliation"), ("agency", "line")),
    HouseStyle("wuxi", True, ("benbaoxun", "end-paren-line", "trailing-paren"), ("paren",)),
    HouseStyle("xinhua", False, ("dateline", "trailing-paren-role", "role"), ("agency",)),
    HouseStyle("evening", False, ("bare", "padded", "end-spaced"), ("line", "paren")),
    HouseStyle("county", True, ("bare", "benbaoxun", "end-spaced", "trailing-paren-role"), ("paren", "line")),
)


@dataclass(frozen=True)
class Byline:
    """Where a story's credit is printed; prefix is part of the first paragraph (as a dateline is)."""

    under_head: str | None = None
    prefix: str = ""
    tail: str = ""  # printed at the end of the last paragraph, not part of it
    foot: str | None = None  # printed on its own line after the body
    dateline: str | None = None
    tags: tuple[str, ...] = ()


def pad(name: str) -> str:
    """'王强' printed '王  强', as a paper pads two-character names to three."""
    return f"{name[0]}  {name[1]}" if len(name) == 2 else name


def _name_tags(names: tuple[str, ...]) -> list[str]:
    tags = ["byline:two-names"] if len(names) >= 2 else []
    return tags + (["byline:dot-name"] if any("·" in n for n in names) else [])


def _printed_tags(text: str, names: tuple[str, ...]) -> list[str]:
    tags = ["byline:role" if ROLE_WORD_RE.search(text) else "byline:bare"]
    if re.search(rf"(?<![{CJK}])[{CJK}]\s{{2,}}[{CJK}](?![{CJK}])", text):
        tags.append("byline:padded")
    return tags + _name_tags(names)


def byline(mode: str, authors: str | None, names: tuple[str, ...], date: str, rng: random.Random) -> Byline:
    """A story's printed credit in one byline mode."""
    if not names:
        return Byline(tags=("byline:none",))
    role = "记者" if not authors or ROLE_WORD_RE.search(authors) else ""
    if mode == "role" and authors:
        return Byline(under_head=authors, tags=tuple(_printed_tags(authors, names)))
    if mode == "bare" or (mode == "role" and not authors):
        text = "  ".join(names)
        return Byline(under_head=text, tags=tuple(_printed_tags(text, names)))
    if mode == "padded":
        text = ("本报记者  " if role else "") + "  ".join(pad(n) for n in names)
        return Byline(under_head=text, tags=tuple(_printed_tags(text, names)))
    if mode == "affiliation" and len(names) == 1:
        text = f"{rng.choice(AFFILIATIONS)}  {pad(names[0])}"
        return Byline(under_head=text, tags=("byline:affiliation", "byline:padded"))
    if mode in ("trailing-paren", "end-paren-line"):
        text = f"（{' '.join(names)}）"
        if mode == "trailing-paren":
            return Byline(tail=text, tags=("byline:trailing-paren", *_name_tags(names)))
        return Byline(foot=text, tags=("byline:trailing-paren", *_name_tags(names)))
    if mode == "trailing-paren-role":
        text = f"（记者 {' '.join(names)}）" if role else f"（{' '.join(names)}）"
        return Byline(tail=text, tags=("byline:trailing-paren-role", *_name_tags(names)))
    if mode == "benbaoxun":
        who = f"记者 {names[0]}" + (f" 通讯员 {' '.join(names[1:])}" if len(names) > 1 else "")
        return Byline(prefix=f"本报讯 {who} ", dateline="本报讯", tags=("byline:benbaoxun", *_name_tags(names)))
    if mode == "dateline":
        month, day = int(date[5:7]), int(date[8:10])
        line = f"{rng.choice(('新华社', '本报'))}{rng.choice(PLACES)}{month}月{day}日电"
        return Byline(prefix=f"{line}（记者 {' '.join(names)}）", dateline=line,
                      tags=("byline:dateline-names", *_name_tags(names)))
    if mode == "end-spaced":
        text = " ".join(pad(n) for n in names) + "文"
        return Byline(foot=text, tags=("byline:end-credit-spaced", *_name_tags(names)))
    return byline("bare", authors, names, date, rng)


def photo_credit(mode: str, credit: str, names: tuple[str, ...]) -> tuple[str, str | None, str]:
    """(tail printed after the caption, credit line under it, shape tag or "")."""
    who = "、".join(names)
    if mode == "agency":
        agency = re.search(r"[（(][^（）()]*[）)]\s*$", credit)
        # The credit under a set of photos names every photographer once, with the agency.
        text = f"{who}摄{agency.group(0).strip() if agency else '（新华社）'}"
        return "  " + text, None, "photo:agency-credit"
    if mode == "paren":
        return f"（{who} 摄）", None, ""  # the Wuxi page's "(宗晓东 摄)": no tag of its own
    return "", f"{who} 摄", "photo:credit-line"
