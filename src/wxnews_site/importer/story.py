"""A story as the page walk builds it, before it is written out as a draft.

`layout` opens and fills stories in reading order; `regroup` then moves
headline lines between them. Both work on this one mutable record, which
`layout._finish` turns into a frozen `draft.StoryDraft`.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .blocks import Block
from .bylines import Credit


@dataclass
class Story:
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
    # An editor's note signed "——编  者" under the title opens a feature: the
    # parts after it, each with its own headline and byline, are one article.
    feature: bool = False
    # Closed by a note such as "（作者为…）": the credit printed under it is still the story's.
    noted: bool = False
    # A column of news briefs under its name ("环球扫描", "八方速递"): each item's
    # one-line headline is a subheading of the column, its dateline no new story.
    briefs: bool = False
    blocks: list[int] = field(default_factory=list)  # block indexes, for topic comparison
    # How far from the line each learnt decision about its boundaries fell (|logit|)
    margins: list[float] = field(default_factory=list)

    @property
    def body_count(self) -> int:
        return sum(1 for p, _ in self.paras if not p.startswith("## "))


def body_lines(s: Story) -> tuple[int, ...]:
    """The raw lines of a story's text, subheadings left out."""
    return tuple(ln for p, lns in s.paras if not p.startswith("## ") for ln in lns)


def signed(s: Story, credits: list[Credit] | None = None) -> bool:
    """Some credit (of `credits`, when given), or the dateline, already names the story's reporters."""
    return any(c.bylines for c in (s.credits if credits is None else credits)) or (
        s.lead is not None and bool(s.lead.bylines))


def hand_over(src: Story, dst: Story, lines: set[int], blocks: list[Block]) -> None:
    """Printed lines of story src, and the blocks printed on them, become story dst's
    (a story split in two, a picture taken out of a text)."""
    dst.lines |= lines
    src.lines -= lines
    dst.blocks += [b for b in src.blocks if blocks[b].line in lines]
    src.blocks = [b for b in src.blocks if blocks[b].line not in lines]


def kicker_like(text: str) -> bool:
    """An 引题 leads into the title: "…走向“生产线”——", "国务院台办发言人："."""
    return text.endswith(("——", "—", "：", ":"))


__all__ = ["Story", "body_lines", "hand_over", "kicker_like", "signed"]
