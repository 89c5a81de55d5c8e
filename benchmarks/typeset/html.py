"""A page plan as an HTML broadsheet: CSS grid of modules, bodies in CSS columns.

Needs the Debian package fonts-noto-cjk (Noto Serif / Sans CJK SC) for Chromium.
Gaps between text columns are kept above pdfminer's char_margin (2 character
widths), or two columns' lines would read as one line.
"""
from __future__ import annotations

from html import escape

from .layout import MARGIN_MM, PAGE_H_MM, PAGE_W_MM
from .model import Module, PagePlan, PhotoBox, Unit

# One face only: Chromium embeds Noto CJK as Type 3 fonts, one per 256-glyph block
# of the face, and every extra face (sans, bold) doubles pdfminer's font loading.
SERIF = SANS = "'Noto Serif CJK SC'"
GAP_EM = 2.6


def css(plan: PagePlan) -> str:
    return f"""
@page {{ size: {PAGE_W_MM}mm {PAGE_H_MM}mm; margin: 0 }}
html, body {{ margin: 0; padding: 0 }}
body {{ width: {PAGE_W_MM}mm; font-family: {SERIF}; font-size: {plan.font_pt}pt; line-height: 1.4 }}
.page {{ padding: {MARGIN_MM}mm; }}
.band {{ display: grid; grid-template-columns: repeat({plan.columns}, 1fr); column-gap: {GAP_EM}em;
  align-items: start; padding: 2.5mm 0 3mm; border-bottom: 0.5mm solid #222 }}
.cell {{ display: flex; flex-direction: column; gap: 2.2em }}
.kicker {{ font-family: {SANS}; font-size: 1.4em; margin: 0 0 0.9em }}
.title {{ font-family: {SANS}; line-height: 1.25; margin: 0 0 0.5em }}
.subtitle {{ font-size: 1.3em; margin: 0 0 0.9em }}
.byline {{ font-family: {SANS}; font-size: 1.12em; margin: 0.2em 0 1.1em; white-space: pre-wrap }}
.body {{ column-gap: {GAP_EM}em; column-rule: 0.2mm solid #999; column-fill: balance }}
.body p {{ margin: 0; text-indent: 2em; text-align: start }}  /* justified CJK spreads letters: pdfminer reads spaces */
.body p.cont {{ text-indent: 0 }}
.body p.sub {{ font-size: 1.25em; margin: 0.6em 0 }}  /* indented: a centred short line may sit under 2em in */
.body p.note {{ font-family: {SANS}; font-size: 0.95em }}
.body p.marker {{ text-indent: 0 }}
.foot {{ text-align: right; margin-top: 0.3em }}
.photo {{ margin: 0 0 1.4em }}
.photo .box {{ background: #b8b8b8 }}
.photo .ptitle {{ font-family: {SANS}; font-size: 1.5em; margin: 0 0 0.7em }}
.photo p {{ font-family: {SANS}; font-size: 0.92em; text-indent: 2em; margin: 0.6em 0 0 }}
.photo .pcredit {{ text-align: right; text-indent: 0; margin: 0.15em 0 0 }}
.advert {{ border: 0.6mm solid #000; padding: 3mm; text-align: center; font-family: {SANS} }}
.advert p {{ margin: 0 0 1.2em }}
.advert p:first-child {{ font-size: 1.8em }}
.bottom {{ display: flex; flex-wrap: wrap; gap: 1em 4em; padding-top: 3mm; font-family: {SANS}; font-size: 0.9em }}
"""


def title_em(text: str, span: int, plan: PagePlan) -> float:
    """A title set on one line across its module where it can be, 1.7 to 3.4 times the body size.

    Sizes come in steps of 0.3em: each size of a face is more Type 3 fonts to load.
    """
    width_mm = (PAGE_W_MM - 2 * MARGIN_MM) * span / plan.columns
    units = sum(0.55 if ch.isascii() else 1.0 for ch in text) + 0.5
    em = width_mm / 0.3528 / plan.font_pt / units
    return max(1.7, min(3.4, int(em / 0.3) * 0.3))


def p(unit: Unit, cls: str = "") -> str:
    attr = f' class="{cls}"' if cls else ""
    return f"<p{attr}>{escape(unit.text)}</p>"


def photo_html(box: PhotoBox) -> str:
    parts = [f'<div class="ptitle">{escape(box.title.text)}</div>' if box.title else "",
             f'<div class="box" style="height:{box.height_mm}mm"></div>']
    parts += [p(u) for u in box.captions]
    if box.credit:
        parts.append(p(box.credit, "pcredit"))
    return '<div class="photo">' + "".join(parts) + "</div>"


def module_html(m: Module, plan: PagePlan) -> str:
    if m.kind == "advert":
        return '<div class="advert">' + "".join(p(u) for u in m.body) + "</div>"
    parts = []
    for u in m.head:
        style = f' style="font-size:{title_em(u.text, m.span, plan):.1f}em"' if u.role == "title" else ""
        parts.append(f'<div class="{u.role}"{style}>{escape(u.text)}</div>')
    parts += [f'<div class="byline">{escape(u.text)}</div>' for u in m.byline]
    if m.photo:
        parts.append(photo_html(m.photo))
    if m.body:
        cls = {"sub": "sub", "note": "note", "cont": "cont", "marker": "marker"}
        parts.append(f'<div class="body" style="column-count:{m.cols}">'
                     + "".join(p(u, cls.get(u.role, "")) for u in m.body) + "</div>")
    parts += [f'<div class="foot">{escape(u.text)}</div>' for u in m.foot]
    return f'<div class="module">{"".join(parts)}</div>'


def page_html(plan: PagePlan) -> str:
    bands = []
    for band in plan.bands:
        cells = []
        for cell in band.cells:
            span = cell[0].span
            inner = "".join(module_html(m, plan) for m in cell)
            cells.append(f'<div class="cell" style="grid-column: span {span}">{inner}</div>')
        bands.append('<div class="band">' + "".join(cells) + "</div>")
    bottom = "".join(f"<span>{escape(u.text)}</span>" for u in plan.bottom)
    return (f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><style>{css(plan)}</style></head>'
            f'<body><div class="page">{"".join(bands)}<div class="bottom">{bottom}</div></div></body></html>')
