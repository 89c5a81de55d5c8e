"""One story as printed units and gold heads, in a house style."""
from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from itertools import count

from wxnews_site.importer.bylines import parse_authors

from .corpus import Photo, Story, dateline_names
from .model import GoldHead, Module, PhotoBox, Unit
from .styles import Byline, HouseStyle, byline, photo_credit

DATELINE_START = re.compile(r"^(本报讯|本报|新华社|中新社|[^，,。]{0,12}电)")


@dataclass
class Ids:
    """Gold article ids in print order."""

    n: count = field(default_factory=lambda: count(1))

    def next(self) -> str:
        return f"a{next(self.n):02d}"


@dataclass(frozen=True)
class Jump:
    """A story printed in part: from paragraph `start` (continued from `page`) or up to `stop` (continued to `page`)."""

    page: int
    start: int | None = None
    stop: int | None = None
    at_char: int = 0  # cut inside the paragraph at this character (0: at the paragraph boundary)
    inline: bool = True


def headline_tags(s: Story) -> list[str]:
    tags = []
    for deck in (s.kicker, s.subtitle):
        if deck and len(deck) >= 30:
            tags.append("headline:long-deck")
    if s.kicker and s.kicker[-1] in "：:":
        tags.append("headline:kicker-colon")
    if s.kicker and s.kicker[-1] in "？?":
        tags.append("headline:kicker-question")
    if s.title and re.search(r"[，！,!]", s.title):
        tags.append("headline:title-comma")
    if s.subtitle and re.fullmatch(r"[（(].*[年月日].*[）)]", s.subtitle):
        tags.append("headline:document-date")
    if s.paragraphs and s.paragraphs[0].startswith("编者按"):
        tags.append("headline:editor-note")
    if sum(p.startswith("## ") for p in s.paragraphs) >= 2:
        tags.append("headline:subheading-set")
    if sum(bool(re.match(r"^(问|答)[：:]", p)) for p in s.paragraphs) >= 2:
        tags.append("structure:qa")
    return sorted(set(tags))


def body_units(aid: str, paras: list[str], style: HouseStyle) -> list[Unit]:
    units = []
    for i, p in enumerate(paras):
        role = "sub" if p.startswith("## ") else "note" if i == 0 and p.startswith("编者按") else "para"
        units.append(Unit(aid, role, style.punct(p[3:] if role == "sub" else p)))
    return units


def photo_box(story: Story, photos: tuple[Photo, ...], aid: str, style: HouseStyle,
              rng: random.Random, titled: bool) -> tuple[PhotoBox, GoldHead]:
    mode = rng.choice(style.photo_credits)
    names = tuple(dict.fromkeys(n for ph in photos for n in ph.names))
    caps = [Unit(aid, "caption", style.punct(ph.caption)) for ph in photos]
    tail, line, tag = photo_credit(mode, photos[-1].credit, names)
    caps[-1] = Unit(aid, "caption", caps[-1].core, tail=style.punct(tail))
    title = Unit(aid, "title", style.punct(story.title)) if titled and story.title else None
    tags = [t for t in (tag, "photo:titled" if title else "", "photo:two-para-caption" if len(caps) > 1 else "") if t]
    box = PhotoBox(rng.choice((45, 60, 75)), tuple(caps), Unit(aid, "credit", line) if line else None, title)
    return box, GoldHead(aid, "photo", photographers=names, shapes=tuple(tags))


def _cut(units: list[Unit], jump: Jump, style: HouseStyle) -> tuple[list[Unit], list[Unit], int | None, int | None]:
    """Apply a jump: the units printed, foot lines, and the gold continued-from / continued-to pages."""
    foot: list[Unit] = []
    if jump.stop is not None:
        kept = units[: jump.stop + 1]
        last = kept[-1]
        core = last.core[: jump.at_char] if 0 < jump.at_char < len(last.core) else last.core
        marker = style.punct(f"（下转第{jump.page}版）")
        if jump.inline:
            kept[-1] = Unit(last.owner, last.role, core, last.lead, marker)
        else:
            kept[-1] = Unit(last.owner, last.role, core, last.lead)
            foot.append(Unit(last.owner, "marker", marker))
        return kept, foot, None, jump.page
    kept = units[jump.start or 0:]
    first = kept[0]
    core = first.core[jump.at_char:] if 0 < jump.at_char < len(first.core) else first.core
    marker = style.punct(f"（上接第{jump.page}版）")
    kept[0] = Unit(first.owner, "cont" if core != first.core else first.role, core)
    if jump.inline or core != first.core:  # a cut paragraph prints unindented: the marker must share its line
        kept[0] = Unit(first.owner, kept[0].role, core, marker)
    else:
        kept.insert(0, Unit(first.owner, "marker", marker))
    return kept, foot, jump.page, None


def article(story: Story, ids: Ids, style: HouseStyle, rng: random.Random, date: str,
            span: int, jump: Jump | None = None) -> tuple[Module, list[GoldHead]]:
    """An article module and its gold heads (the article, then any photo printed in it)."""
    aid = ids.next()
    credit = parse_authors(story.authors) if story.authors else None
    names = credit.bylines if credit else ()
    photographers = credit.photographers if credit else ()
    dl, dl_names = dateline_names(story.paragraphs[0])
    continuation = jump is not None and jump.start is not None
    mode = rng.choice(style.bylines)
    if photographers and not names and not dl and not continuation:
        # A story credited only to its photographer ("朱华南摄") prints that credit under its body.
        by = Byline(foot=story.authors, tags=("photo:credit-line",))
    elif dl and not names:
        names, by = dl_names, None
    elif continuation:
        by = None
    else:
        if dl and mode in ("benbaoxun", "dateline"):
            mode = "role"
        by = byline(mode, story.authors, names, date, rng)
    paras = list(story.paragraphs)
    units = body_units(aid, paras, style)
    if by and by.prefix:
        units[0] = Unit(aid, units[0].role, style.punct(by.prefix) + units[0].core)
    if by and by.tail:
        units[-1] = Unit(aid, units[-1].role, units[-1].core, tail=style.punct(by.tail))
    foot = [Unit(aid, "credit", style.punct(by.foot))] if by and by.foot else []
    cont_from = cont_to = None
    if jump is not None:
        units, jump_foot, cont_from, cont_to = _cut(units, jump, style)
        foot = jump_foot if jump.stop is not None else foot
        if cont_to and by and not (by.under_head or by.prefix):  # the end credit prints on the page jumped to
            names, photographers, by = (), (), Byline(tags=("byline:none",))
    head = [Unit(aid, role, style.punct(text)) for role, text in
            (("kicker", story.kicker), ("title", story.title), ("subtitle", story.subtitle))
            if text and not (continuation and role != "title")]
    under = [Unit(aid, "byline", style.punct(by.under_head))] if by and by.under_head else []
    tags = headline_tags(story) if not continuation else []
    tags += list(by.tags) if by else (["byline:dateline-names"] if dl and dl_names and not continuation else [])
    first = next((u.core for u in units if u.role in ("para", "note")), "")
    if not continuation and not DATELINE_START.match(first):
        tags.append("boundary:no-dateline")
    heads = [GoldHead(aid, "continuation" if continuation else "article",
                      bylines=() if continuation else names, photographers=() if continuation else photographers,
                      dateline=None if continuation else (by.dateline if by and by.dateline else dl),
                      continued_from_page=cont_from, continued_to_page=cont_to, shapes=tuple(sorted(set(tags))))]
    box = None
    if story.photos and not continuation:
        pid = ids.next()
        box, ph = photo_box(story, story.photos[:1], pid, style, rng, titled=False)
        heads.append(ph)
    return Module(span, "article", tuple(head), tuple(under), box, tuple(units), tuple(foot), cols=span), heads


def photo_story(story: Story, ids: Ids, style: HouseStyle, rng: random.Random, span: int) -> tuple[Module, list[GoldHead]]:
    """A picture item of its own: one box, one or two caption paragraphs, maybe a title."""
    pid = ids.next()
    box, head = photo_box(story, story.photos[:2], pid, style, rng, titled=rng.random() < 0.7)
    return Module(span, "photo", photo=box), [head]
