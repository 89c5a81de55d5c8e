"""A PDF page's raw text as an e-paper export gives it: pdfminer.six's own layout and reading order.

pdfminer groups characters into lines and lines into text boxes, and orders the
boxes itself (LAParams below are its defaults, boxes_flow=0.5), so column order,
cuts and interleavings come from real software. We only join printed lines into
paragraphs the way a reader of the page would: a line set about 2em right of
its column's left edge opens a paragraph, other lines continue it; a box that
does not sit right under the box read before it, or sits under a short line,
opens a paragraph too (a column break). Paragraphs are separated by a blank line, as in the Wuxi page.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from .glyphs import map_glyphs

LAPARAMS = {"line_margin": 0.5, "char_margin": 2.0, "word_margin": 0.1, "boxes_flow": 0.5}
INDENT_EMS = 1.2  # a 2em text-indent, less slack for punctuation compression
NEAR_EMS = 3.0  # boxes this close (vertically) can share a column edge


@dataclass(frozen=True)
class Line:
    x0: float
    x1: float
    y0: float
    y1: float
    text: str

    @property
    def em(self) -> float:
        return max(1.0, self.y1 - self.y0)


@dataclass(frozen=True)
class Box:
    lines: tuple[Line, ...]

    @property
    def x0(self) -> float:
        return min(ln.x0 for ln in self.lines)

    @property
    def x1(self) -> float:
        return max(ln.x1 for ln in self.lines)

    @property
    def y0(self) -> float:
        return min(ln.y0 for ln in self.lines)

    @property
    def y1(self) -> float:
        return max(ln.y1 for ln in self.lines)

    @property
    def em(self) -> float:
        return sorted(ln.em for ln in self.lines)[len(self.lines) // 2]


def _same_size(a: Box, b: Box) -> bool:
    return abs(a.em - b.em) <= 0.12 * max(a.em, b.em)


def _x_overlap(a: Box, b: Box) -> bool:
    return min(a.x1, b.x1) - max(a.x0, b.x0) > 0


def _vgap(a: Box, b: Box) -> float:
    return max(a.y0 - b.y1, b.y0 - a.y1, 0.0)


def column_left(box: Box, boxes: list[Box]) -> float:
    """The left edge of the column a box stands in: a box may hold only indented lines.

    Any text close above or below counts, whatever its size: a run of
    subheadings in a larger size is indented against the body text around it.
    """
    em = box.em
    left = box.x0
    for b in boxes:
        if b is box or not _x_overlap(b, box):
            continue
        if box.x0 - 2.5 * em <= b.x0 < left and _vgap(b, box) < NEAR_EMS * em:
            left = b.x0
    return left


def column_right(box: Box, boxes: list[Box], left: float) -> float:
    """The right edge of a box's column: the widest text close by that starts at the same edge."""
    em = box.em
    return max([box.x1] + [b.x1 for b in boxes if _x_overlap(b, box) and abs(b.x0 - left) < 2.5 * em
                           and _vgap(b, box) < NEAR_EMS * em])


def continues(prev: Box | None, box: Box, prev_left: float, left: float, prev_right: float) -> bool:
    """Whether a box carries on the paragraph of the box read just before it (no column break).

    Only when it sits right under it in the same column, and the line above runs
    to the column's right edge: a short line ends its paragraph.
    """
    if prev is None or not _same_size(prev, box) or not _x_overlap(prev, box):
        return False
    gap = prev.y0 - box.y1
    full = prev.lines[-1].x1 >= prev_right - 2.0 * box.em
    return -0.2 * box.em <= gap < 0.9 * box.em and abs(prev_left - left) < 0.5 * box.em and full


def glue(left: str, right: str) -> str:
    """Join two printed lines of one paragraph: a space only where a Latin line wrap ate one."""
    word = left.rstrip(",.;:!?")  # "world," ends a Latin word, "无锡," does not
    latin_end = bool(word) and word[-1].isascii() and word[-1].isalnum()
    latin_start = bool(right) and right[0].isascii() and right[0].isalnum()
    if latin_end and latin_start:
        return left + " " + right
    return left + right


def paragraphs(boxes: list[Box]) -> list[str]:
    """Printed lines joined into paragraphs, in the boxes' reading order."""
    out: list[str] = []
    prev: Box | None = None
    prev_left = prev_right = 0.0
    for box in boxes:
        left = column_left(box, boxes)
        for i, ln in enumerate(box.lines):
            text = " ".join(ln.text.split())
            if not text:
                continue
            indented = ln.x0 - left > INDENT_EMS * ln.em
            opens = indented or (i == 0 and not continues(prev, box, prev_left, left, prev_right))
            if opens or not out:
                out.append(text)
            else:
                out[-1] = glue(out[-1], text)
        prev, prev_left, prev_right = box, left, column_right(box, boxes, left)
    return out


def read_boxes(pdf: Path) -> list[list[Box]]:
    """Each PDF page's text boxes in pdfminer's reading order."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTTextBoxHorizontal, LTTextLineHorizontal

    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # Noto CJK subsets lack a FontBBox
    pages = []
    for page in extract_pages(str(pdf), laparams=LAParams(**LAPARAMS)):
        boxes = []
        for item in page:
            if isinstance(item, LTTextBoxHorizontal):
                lines = tuple(Line(ln.x0, ln.x1, ln.y0, ln.y1, ln.get_text())
                              for ln in item if isinstance(ln, LTTextLineHorizontal) and ln.get_text().strip())
                if lines:
                    boxes.append(Box(lines))
        pages.append(boxes)
    return pages


@dataclass(frozen=True)
class Extracted:
    raw: str  # paragraphs separated by a blank line
    paragraphs: tuple[str, ...]
    mapped: int  # radicals and dashes mapped back
    pdf_pages: int


def extract(pdf: Path) -> Extracted:
    pages = read_boxes(pdf)
    paras: list[str] = []
    for boxes in pages:
        paras.extend(paragraphs(boxes))
    mapped = 0
    fixed = []
    for p in paras:
        text, n = map_glyphs(p)
        fixed.append(text)
        mapped += n
    raw = "\n\n" + "\n\n".join(fixed) + "\n"
    return Extracted(raw, tuple(fixed), mapped, len(pages))
