"""A page plan: which stories go where on the column grid, in which house style, at what type size."""
from __future__ import annotations

import dataclasses
import math
import random

from . import furniture
from .corpus import Page, Story
from .model import Band, GoldHead, Module, PagePlan, Unit
from .stories import Ids, Jump, article, photo_story
from .styles import STYLES, HouseStyle

PAGE_W_MM, PAGE_H_MM, MARGIN_MM = 350, 500, 12
LAYOUTS = ("lead-top", "lead-left", "mosaic")
FILL = 0.55  # share of the page body text may cover; headlines, photos and gaps take the rest
MIN_PT, MAX_PT = 8.0, 10.5


def story_chars(s: Story) -> int:
    return sum(len(p) for p in s.paragraphs) + sum(len(ph.caption) for ph in s.photos)


def body_pt(chars: int, scale: float) -> float:
    """Body type size that lets `chars` characters fill about FILL of the page (1.4 line height)."""
    area = (PAGE_W_MM - 2 * MARGIN_MM) * (PAGE_H_MM - 2 * MARGIN_MM) * FILL * scale
    mm = math.sqrt(area / max(1, chars) / 1.4)
    return mm / 0.3528


def fit(stories: list[Story], scale: float) -> tuple[list[Story], float]:
    """Stories that fit at no less than MIN_PT (trailing ones dropped), and the type size."""
    kept = list(stories)
    while len(kept) > 2 and body_pt(sum(map(story_chars, kept)), scale) < MIN_PT:
        kept.pop()
    return kept, min(MAX_PT, max(MIN_PT, body_pt(sum(map(story_chars, kept)), scale)))


def spans(sizes: list[int], columns: int, cap: int = 4) -> list[int]:
    """Grid spans (2..cap each) adding up to `columns`, wider for longer stories."""
    if len(sizes) == 1:
        return [columns]
    out = [2] * len(sizes)
    for _ in range(columns - sum(out)):
        i = max((k for k in range(len(out)) if out[k] < cap), key=lambda k: sizes[k] / out[k], default=None)
        if i is None:
            break
        out[i] += 1
    out[-1] += columns - sum(out)
    return out


def chunks(items: list, columns: int, rng: random.Random) -> list[list]:
    out, rest = [], list(items)
    while rest:
        k = min(len(rest), rng.choice((2, 3)) if columns >= 6 else 2)
        if len(rest) - k == 1 and k == 2 and columns >= 6:
            k = 3
        out.append(rest[:k])
        rest = rest[k:]
    return out


@dataclasses.dataclass
class Builder:
    style: HouseStyle
    date: str
    rng: random.Random
    ids: Ids = dataclasses.field(default_factory=Ids)
    heads: list[GoldHead] = dataclasses.field(default_factory=list)

    def module(self, item: tuple[Story, Jump | None] | str, span: int, between: bool = False) -> Module:
        if item == "advert":
            lines = furniture.advert(self.rng)
            return Module(span, "advert", body=tuple(Unit(None, "furniture", self.style.punct(x)) for x in lines))
        story, jump = item
        if story.kind == "photo":
            mod, heads = photo_story(story, self.ids, self.style, self.rng, span)
            if between:
                heads = [dataclasses.replace(h, shapes=tuple(sorted({*h.shapes, "photo:between-columns"}))) for h in heads]
        else:
            mod, heads = article(story, self.ids, self.style, self.rng, self.date, span, jump)
        self.heads.extend(heads)
        return mod

    def band(self, items: list, columns: int) -> Band:
        sizes = [story_chars(i[0]) if i != "advert" else 300 for i in items]
        photos = [k for k, i in enumerate(items) if i != "advert" and i[0].kind == "photo"]
        if len(items) == 3 and photos and photos[0] != 1:  # a picture between two stories' columns
            k = photos[0]
            items[1], items[k] = items[k], items[1]
            sizes[1], sizes[k] = sizes[k], sizes[1]
        widths = spans(sizes, columns)
        cells = tuple((self.module(i, w, between=len(items) == 3 and k == 1),) for k, (i, w) in enumerate(zip(items, widths)))
        return Band(cells)


def capacity(scale: float) -> int:
    """Characters of body text the page holds at MIN_PT."""
    area = (PAGE_W_MM - 2 * MARGIN_MM) * (PAGE_H_MM - 2 * MARGIN_MM) * FILL * scale
    return int(area / (MIN_PT * 0.3528) ** 2 / 1.4)


def overflow_jump(story: Story, excess: int, page: Page, rng: random.Random) -> Jump | None:
    """Print a too-long story in part, continued on a later page, as a paper does."""
    room, acc = story_chars(story) - excess, 0
    for k, p in enumerate(story.paragraphs[:-1]):
        if acc + len(p) > room:
            return Jump(page.number + rng.randint(1, 6), stop=max(1, k), at_char=rng.choice((0, 20, 45)),
                        inline=rng.random() < 0.6)
        acc += len(p)
    return None


def jumps(stories: list[Story], page: Page, donor: Story | None, rng: random.Random,
          scale: float) -> list[tuple[Story, Jump | None]]:
    """Pair stories with jumps: maybe one story continued to a later page, maybe a continuation from page 1."""
    items: list[tuple[Story, Jump | None]] = [(s, None) for s in stories]
    excess = sum(map(story_chars, stories)) - capacity(scale)
    arts = [k for k, s in enumerate(stories) if s.kind == "article" and len(s.paragraphs) >= 3]
    if excess > 0 and arts:
        k = max(arts, key=lambda k: story_chars(stories[k]))
        items[k] = (stories[k], overflow_jump(stories[k], excess, page, rng))
    long_ones = [k for k in arts if k and items[k][1] is None and len(stories[k].paragraphs) >= 4]
    if long_ones and rng.random() < 0.4:
        k = rng.choice(long_ones)
        stop = rng.randint(1, len(stories[k].paragraphs) - 2)
        at = rng.choice((0, rng.randint(10, 60)))
        items[k] = (stories[k], Jump(page.number + rng.randint(1, 6), stop=stop, at_char=at, inline=rng.random() < 0.6))
    if donor is not None and len(donor.paragraphs) >= 3:
        start = rng.randint(1, len(donor.paragraphs) - 1)
        at = rng.choice((0, 0, rng.randint(8, 40)))
        items.append((donor, Jump(1 if page.number > 1 else 2, start=start, at_char=at, inline=rng.random() < 0.5)))
    return items


def plan_page(page: Page, donor: Story | None, name: str, rng: random.Random, scale: float = 1.0) -> PagePlan:
    style = rng.choice(STYLES)
    columns = rng.choice((6, 7, 8))
    layout = rng.choice(LAYOUTS)
    stories, pt = fit(list(page.stories), scale)
    items: list = jumps(stories, page, donor, rng, scale)
    advert = rng.random() < 0.35
    if advert:
        items.append("advert")
    b = Builder(style, page.date, rng)
    bands: list[Band] = []
    if layout in ("lead-top", "lead-left") and len(items) >= 3:
        lead, items = items[0], items[1:]
        if layout == "lead-top":
            bands.append(Band(((b.module(lead, columns),),)))
        else:
            side = max(2, columns // 3)
            lead_mod = b.module(lead, columns - side)
            stack = tuple(b.module(i, side) for i in items[:2])
            bands.append(Band(((lead_mod,), stack)))
            items = items[2:]
    for group in chunks(items, columns, rng):
        bands.append(b.band(group, columns))
    editor = list(page.editor_lines[:2]) or furniture.editor_lines(rng)
    extras = furniture.extra_lines(rng) if rng.random() < 0.7 else []
    bottom = tuple(Unit(None, "furniture", style.punct(x)) for x in editor + [t for t, _ in extras])
    shapes = {f"layout:{layout}", f"layout:{columns}-columns", "furniture:editor", *(tag for _, tag in extras)}
    if advert:
        shapes.add("furniture:advert")
    if style.half_width:
        shapes.add("punct:half-width")
    return PagePlan(name, style.name, columns, round(pt, 2), tuple(bands), bottom, tuple(b.heads), tuple(sorted(shapes)))
