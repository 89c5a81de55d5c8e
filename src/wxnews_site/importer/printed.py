"""Pages extracted one printed line per raw line: re-join them into paragraphs.

Some extraction tools keep the printed column lines: every raw line is a
fragment of a paragraph as wide as the column, no blank lines, hardly any line
ending a sentence. Such a page is recognised by its line widths and re-joined
before anything else reads it: a line goes on the previous one when the
previous one fills the column; a paragraph starts on an indented line or after
a line that ends a sentence short of the column's width.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from .blocks import COLUMN_TAG_RE, MARKER_RE, TRAILING_PAREN, advert_line, closing_note
from .bylines import is_editor_credit, lead_credit, parse_credit
from .seams import CJK_RE, ends_sentence

DASH_ALONE_RE = re.compile(r"—{1,4}")
PUNCTUATION = re.compile(r"[，。、；：？！,.;:?!“”（）()《》]")
MIN_LINES = 8  # too few lines to tell an extraction style
MAX_COLUMN = 64  # widest printed column, in half-width cells (32 Chinese characters)
NEIGHBOURHOOD = 15  # stories on one page are set in columns of different widths


@dataclass(frozen=True)
class Printed:
    """One logical line: the raw lines it was joined from, and their text."""

    numbers: tuple[int, ...]  # 1-based raw line numbers
    text: str  # the first line as printed (indent kept) + the others stripped


def width(text: str) -> int:
    """Printed width in half-width cells, the indent included: a Chinese character
    takes two, and so does punctuation (papers print "," full width even where
    the extraction gives the ASCII one); Latin letters and digits take one."""
    return sum(cells(ch) for ch in text.rstrip())


def cells(ch: str) -> int:
    return 1 if (ch.isascii() and ch.isalnum()) or ch == " " else 2


def _column(widths: list[int], k: int) -> int:
    """The column width around line k: the most common width among its neighbours."""
    near = [w for w in widths[max(0, k - NEIGHBOURHOOD): k + NEIGHBOURHOOD + 1] if w >= 12]
    if not near:
        return 0
    counts = Counter(near)
    # full lines are all exactly as wide, except one cell short where a
    # half-width digit left no room for the next character
    return max(counts, key=lambda w: (counts[w] + 0.5 * counts[w - 1], w))


def line_per_line(lines: list[str]) -> bool:
    """The page was extracted one printed line per raw line."""
    text = [ln for ln in lines if ln.strip()]
    if len(text) < MIN_LINES:
        return False
    widths = [width(ln) for ln in text]
    full = 0
    for k, w in enumerate(widths):
        col = _column(widths, k)
        if 12 <= col <= MAX_COLUMN and w >= col - 2 and w <= col + 2:
            full += 1
    ends = sum(1 for ln in text if ends_sentence(ln.strip()))
    return full >= 0.5 * len(text) and ends <= 0.45 * len(text)


def _blank_breaks(lines: list[str], numbered: list[tuple[int, str]]) -> bool:
    """Blank lines mark paragraph ends: some printed lines are followed by one,
    not (as some extractions print) every line."""
    gaps = [b - a > 1 for (a, _), (b, _) in zip(numbered, numbered[1:])]
    return bool(gaps) and 0 < sum(gaps) < 0.8 * len(gaps)


DATELINE_PART_MAX = 20  # a dateline alone on a line: "本报北京6月4日电", "据新华社赫尔辛基"


def _datelines_together(out: list[Printed]) -> list[Printed]:
    """A dateline set on a line of its own joins the text its reporters' bracket
    opens ("本报北京6月4日电" / "（记者刘温馨）工业和信息化部…", "据新华社赫尔辛基" /
    "电 （记者…）…"): joined, the two read as one dateline with its reporters."""
    joined: list[Printed] = []
    for p in out:
        last = joined[-1] if joined else None
        if last is not None and len(head := last.text.strip()) <= DATELINE_PART_MAX and not ends_sentence(head):
            # (the space printed between the dateline and the bracket stays: "电  （记者…")
            # (wrapped amid it, half of it may open the next line; a full-width indent does not)
            text = last.text.rstrip("\r\n") + p.text.lstrip("\u3000\t").rstrip()
            lead = lead_credit(text.strip())
            if lead is not None and len(lead.text) > len(head) and lead.bylines:
                joined[-1] = Printed(last.numbers + p.numbers, text)
                continue
        joined.append(p)
    return joined


def last_characters_together(out: list[Printed]) -> list[Printed]:
    """A line of one character is the end of the line above, wrapped in a narrow
    column ("关键词:盾构" / "装备" ends a heading, "本报记者 李" / "蕊" a byline, "…归广告主所" /
    "有。" a sentence): no headline, paragraph or name is one character long. So is
    a line of a dash alone ("提升治理效能" / "——" is one 引题): a 副题's dash opens its words."""
    joined: list[Printed] = []
    for p in out:
        text = p.text.strip()
        if joined and (DASH_ALONE_RE.fullmatch(text) or CJK_RE.match(text[:1]) and (
                len(text) == 1 or (len(text) == 2 and ends_sentence(text)))) \
                and not ends_sentence(joined[-1].text.strip()):
            last = joined[-1]
            joined[-1] = Printed(last.numbers + p.numbers, last.text.rstrip() + text)
            continue
        joined.append(p)
    return joined


def rejoin(lines: list[str]) -> list[Printed]:
    """Logical lines of a page: printed lines re-joined into paragraphs when the
    page was extracted line by line, otherwise each non-blank line alone."""
    return _datelines_together(last_characters_together(_rejoin(lines)))


def _rejoin(lines: list[str]) -> list[Printed]:
    numbered = [(n, ln) for n, ln in enumerate(lines, start=1) if ln.strip()]
    if not line_per_line(lines):
        return [Printed((n,), ln) for n, ln in numbered]
    widths = [width(ln) for _, ln in numbered]
    breaks = _blank_breaks(lines, numbered)
    # Paragraphs open indented ("　　粮食气膜仓问世前，"): a full line that is not
    # goes on from the line above, even from a sentence's end there.
    indents = sum(1 for _, ln in numbered if ln[:1].isspace()) >= INDENTED_SHARE * len(numbered)
    out: list[Printed] = []
    for k, (n, ln) in enumerate(numbered):
        col = _column(widths, k - 1) if k else 0
        prev = numbered[k - 1][1].strip() if k else ""
        after_blank = breaks and k and n - numbered[k - 1][0] > 1
        under = numbered[k + 1][1] if k + 1 < len(numbered) else ""
        if k and not after_blank and (
                _goes_on(prev, widths[k - 1], ln, widths[k], col)
                or (indents and _runs_on(prev, widths[k - 1], ln, widths[k], under, col))):
            last = out[-1]
            out[-1] = Printed(last.numbers + (n,), last.text.rstrip() + ln.strip())
            continue
        out.append(Printed((n,), ln))
    return out


INDENTED_SHARE = 0.05  # of a page's lines, for a page that indents its paragraphs


def _runs_on(prev: str, prev_width: int, line: str, line_width: int, under: str, col: int) -> bool:
    """On a page that indents paragraphs, an unindented full line under a full line
    ending a sentence, with more unindented text under it, is the paragraph going
    on after a sentence that ended at the line's end ("我国粮仓已历经三代演变。" /
    "第一代粮仓诞生于20世纪" / "50至60年代，…"); a headline as wide as the column
    has an indented paragraph, or none, under it."""
    if not col or line[:1].isspace() or not under.strip() or under[:1].isspace():
        return False
    if not (col - 1 <= prev_width <= col + max(2, _hung(prev))) or not (col - 1 <= line_width <= col + 1) \
            or not ends_sentence(prev):
        return False
    text = line.strip()
    return not (MARKER_RE.match(text) or parse_credit(text) is not None or is_editor_credit(text)
                or advert_line(text) or text.startswith("——") or lead_credit(text) is not None)


def _hung(prev: str) -> int:
    """Cells a line's end may stand past the column's edge: a closing "，" or "。”" is hung
    in the margin rather than pushed to the next line."""
    hung = len(prev) - len(prev.rstrip("，。、；：？！”’）》,.;:?!)"))
    return 2 * min(hung, 2)


def _goes_on(prev: str, prev_width: int, line: str, line_width: int, col: int) -> bool:
    """`line` continues the paragraph of the printed line `prev` above it."""
    # A line one cell short is still full: the next character did not fit. A
    # wider line is a headline set across columns.
    # (one mark hung past the edge, "，"; a line ending "。”" with both hung may end a paragraph)
    if not col or not (col - 1 <= prev_width <= col + min(2, max(1, _hung(prev)))) or line[:1].isspace():
        return False
    if line_width > col + max(2, _hung(line)):
        return False  # wider than the column: a headline set across columns
    text = line.strip()
    if MARKER_RE.match(text) or parse_credit(text) is not None or is_editor_credit(text) or closing_note(text):
        return False  # "（上接A1版）" opens a column; a credit and a note "（作者为…）" are lines of their own
    if advert_line(prev) or advert_line(text):
        return False  # "地址：…", "咨询热线：…" are lines of their own
    if line_width < col - 1 and not ends_sentence(text) and text[-1:] not in ")）":
        return False  # a paragraph's last line ends its sentence: a short line that does not is a headline
    if prev.endswith("——") or text.startswith("——"):
        return False  # an 引题 "…记者探访——", a subtitle "——访…": headline lines
    lead = lead_credit(prev)
    if lead is not None and lead.text == prev and line_width >= col - 1:
        return True  # "本报北京5月5日电  （记者吴储岐）" filling a line opens the paragraph under it
    tail = TRAILING_PAREN.search(prev)
    if tail and (COLUMN_TAG_RE.search(prev) or parse_credit(tail.group(0)) is not None):
        return False  # "…（国际论坛）" is a headline; "…。(戴楷然)" ends a story
    if ends_sentence(prev):
        # A paragraph that ends on a full line: the next paragraph is as wide;
        # a short line with no sentence end under it is a headline.
        if line_width >= col - 1 and not PUNCTUATION.search(text):
            return False  # a headline (see rejoin)
        return line_width >= col - 1 or ends_sentence(text)
    return True


__all__ = ["Printed", "cells", "last_characters_together", "line_per_line", "rejoin", "width"]
