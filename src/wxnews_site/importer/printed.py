"""Pages extracted one printed line per raw line: re-join them into paragraphs.

Some extraction tools keep the printed column lines: every raw line is a
fragment of a paragraph as wide as the column, no blank lines, hardly any line
ending a sentence. Such a page is recognised by its line widths and re-joined
before anything else reads it: a line goes on the previous one when the
previous one fills the column; a paragraph starts on an indented line or after
a line that ends a sentence short of the column's width.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from .seams import ends_sentence

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
    text = text.rstrip()
    return sum(1 if (ch.isascii() and ch.isalnum()) or ch == " " else 2 for ch in text)


def _column(widths: list[int], k: int) -> int:
    """The column width around line k: the most common width among its neighbours."""
    near = [w for w in widths[max(0, k - NEIGHBOURHOOD): k + NEIGHBOURHOOD + 1] if w >= 12]
    if not near:
        return 0
    counts = Counter(near)
    # widths differ by a cell or two with half-width digits: count each with its neighbours
    return max(counts, key=lambda w: (sum(counts[w + d] for d in (-1, 0, 1)), w))


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
    blank = len(lines) - len(text)
    return full >= 0.5 * len(text) and ends <= 0.45 * len(text) and blank <= 0.2 * len(text)


def rejoin(lines: list[str]) -> list[Printed]:
    """Logical lines of a page: printed lines re-joined into paragraphs when the
    page was extracted line by line, otherwise each non-blank line alone."""
    numbered = [(n, ln) for n, ln in enumerate(lines, start=1) if ln.strip()]
    if not line_per_line(lines):
        return [Printed((n,), ln) for n, ln in numbered]
    widths = [width(ln) for _, ln in numbered]
    out: list[Printed] = []
    for k, (n, ln) in enumerate(numbered):
        if out and k:
            prev = numbered[k - 1][1].strip()
            col = _column(widths, k - 1)
            fills = col and col - 2 <= widths[k - 1] <= col + 2  # a wider line is a headline
            if fills and not ln[:1].isspace() and not (ends_sentence(prev) and widths[k - 1] < col):
                last = out[-1]
                out[-1] = Printed(last.numbers + (n,), last.text.rstrip() + ln.strip())
                continue
        out.append(Printed((n,), ln))
    return out


__all__ = ["Printed", "line_per_line", "rejoin", "width"]
