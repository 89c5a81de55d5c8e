"""House styles and credit forms for the broad page simulator.

A house style is how one paper prints a page: punctuation (the Wuxi page prints
half-width `,` `:` `(` `?`), blank lines and indents of its extraction, column
width when each printed line is a raw line, jump markers, and which credit forms
its stories use. A credit form is how a story's people are printed: the gold
keeps the names, the printed text is what the style makes of them.
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

HALF = str.maketrans({"，": ",", "：": ":", "（": "(", "）": ")", "？": "?", "！": "!", "；": ";"})


def half_width(text: str | None) -> str | None:
    """The Wuxi page's punctuation: `,` `:` `(` `)` `?` `!` `;` half-width, `。` `、` `“”` full-width."""
    return text.translate(HALF) if text else text


@dataclass(frozen=True)
class HouseStyle:
    name: str
    half_width: bool = False
    blank_lines: bool = True
    indent: str = ""
    column: tuple[int, int] = (0, 0)  # printed-line width range; (0, 0): one raw line per paragraph
    letters: bool = False  # sectioned paper: "（下转A4版）"
    kicker_colon: float = 0.0  # share of "——" kickers printed with "：" instead
    credits: dict[str, float] = field(default_factory=dict)  # credit form -> weight, for staff stories
    pad: float = 0.6  # share of two-character names printed padded, "王  强"

    def paren(self, inner: str) -> str:
        return f"({inner})" if self.half_width else f"（{inner}）"


STYLES: dict[str, HouseStyle] = {s.name: s for s in (
    # a national daily: role line under the headline, datelines with reporters in brackets
    HouseStyle("national", credits={"role": 0.55, "affiliation": 0.15, "dateline-names": 0.3}),
    # a city daily as the Wuxi page prints: half-width punctuation, 本报讯 prefixes, trailing (name)
    HouseStyle("city-halfwidth", half_width=True, kicker_colon=0.3,
               credits={"benbaoxun": 0.4, "trailing-paren": 0.3, "trailing-paren-role": 0.1, "role": 0.2}),
    # an evening paper: indents kept, credits at the end, bare names, section letters
    HouseStyle("evening", indent="\u3000\u3000", letters=True, kicker_colon=0.2,
               credits={"trailing-paren-role": 0.3, "bare": 0.25, "end-spaced": 0.2, "role": 0.15, "dateline-names": 0.1}),
    # an extraction that gives one raw line per printed column line
    HouseStyle("printed-lines", blank_lines=False, indent="\u3000\u3000", column=(11, 16),
               credits={"role": 0.4, "dateline-names": 0.3, "trailing-paren": 0.3}),
    # printed lines with half-width punctuation and blank lines between paragraphs
    HouseStyle("lines-halfwidth", half_width=True, column=(12, 15), letters=True,
               credits={"benbaoxun": 0.35, "bare": 0.3, "trailing-paren-role": 0.35}),
)}

PADDED = re.compile(r"(?<!\S)\S  \S(?!\S)")
PLACES = ["北京", "南京", "上海", "杭州", "成都", "广州"]
POSTS = ["广西", "南非", "日本", "江苏", "新疆"]


def pad(name: str, rng: random.Random, share: float) -> tuple[str, bool]:
    if len(name) == 2 and rng.random() < share:
        return f"{name[0]}  {name[1]}", True
    return name, False


@dataclass(frozen=True)
class Credit:
    """How one story's people are printed."""

    under: tuple[str, ...] = ()  # lines under the headline
    prefix: str = ""  # printed at the head of the first paragraph and kept there (gold)
    trailing: str = ""  # printed at the end of the last paragraph, not part of it
    closing: tuple[str, ...] = ()  # lines after the text
    dateline: str | None = None
    tags: tuple[str, ...] = ()


def choose_form(style: HouseStyle, rng: random.Random) -> str:
    forms = list(style.credits)
    return rng.choices(forms, weights=[style.credits[f] for f in forms])[0]


def make_credit(form: str, names: list[str], printed_authors: str | None, style: HouseStyle,
                rng: random.Random) -> Credit:
    """The printed credit of `form` for `names` (gold names; printed text follows the style)."""
    padded = [pad(n, rng, style.pad) for n in names]
    shown = [p for p, _ in padded]
    tags = ["byline:padded"] if any(was for _, was in padded) else []
    tags += ["byline:dot-name"] if any("·" in n for n in names) else []
    if form == "role":
        line = printed_authors or "本报记者  " + "  ".join(shown)
        if printed_authors:  # the corpus's own line: its padding and dots are what is printed
            tags = (["byline:padded"] if PADDED.search(line) else []) + [t for t in tags if t != "byline:padded"]
        tags += ["byline:role"] + (["byline:affiliation"] if "驻" in line else [])
        return Credit(under=(line,), tags=tuple(tags))
    if form == "affiliation":
        return Credit(under=(f"本报驻{rng.choice(POSTS)}记者  " + "  ".join(shown),),
                      tags=tuple(tags + ["byline:role", "byline:affiliation"]))
    if form == "bare":
        tags += ["byline:bare"] + (["byline:two-names"] if len(names) == 2 else [])
        return Credit(under=("  ".join(shown),), tags=tuple(tags))
    if form == "trailing-paren":
        return Credit(trailing=style.paren(" ".join(names)), tags=("byline:trailing-paren",))
    if form == "trailing-paren-role":
        return Credit(trailing=style.paren("记者 " + " ".join(names)), tags=("byline:trailing-paren-role",))
    if form == "benbaoxun":
        roles = " ".join(("记者 " if k == 0 else "通讯员 " if k == 1 else "") + n for k, n in enumerate(names))
        return Credit(prefix=f"本报讯 {roles} ", dateline="本报讯", tags=("byline:benbaoxun",))
    if form == "dateline-names":
        if rng.random() < 0.5:
            dl = f"本报{rng.choice(PLACES)}{rng.randrange(1, 13)}月{rng.randrange(1, 29)}日电"
            return Credit(prefix=f"{dl}  " + style.paren("记者" + "、".join(names)), dateline=dl,
                          tags=("byline:dateline-names",))
        return Credit(prefix="本报讯" + style.paren("记者 " + " ".join(names)) + " ", dateline="本报讯",
                      tags=("byline:dateline-names",))
    if form == "end-spaced":
        return Credit(closing=("  ".join(shown) + "文",), tags=tuple(tags + ["byline:end-credit-spaced"]))
    return Credit(tags=("byline:none",))
