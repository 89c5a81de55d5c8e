"""Printed pages of the People's Daily corpus as stories: the gold comes from these records.

One corpus record is one item on a printed page (date + page, in `order`):
articles, photos with captions, editor credits, adverts and others. We read the
record fields only (kicker/title/subtitle, authors, body split at \\n, captions).
"""
from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "rmrb_rss" / "rmrb_rss_corpus.jsonl"
CJK = "\u3400-\u9fff"
STOPS = "。！？；…，、：”’）)!?;,:"
# "本报北京6月21日电  （记者刘温馨）": a dateline whose brackets hold the reporters
DATELINE_RE = re.compile(rf"^((?:本报|新华社|中新社)[{CJK}0-9]{{0,12}}电)\s*[（(]([^（）()]{{1,40}})[）)]")
ROLE_RE = re.compile(r"本报记者|新华社记者|人民日报记者|特约记者|见习记者|记者|本报通讯员|通讯员"
                     r"|^(?:以上|本版|本组)?(?:图片|照片)?均为")  # "以上图片均为王曦摄" credits a set of pictures
NAME_RE = re.compile(rf"^[{CJK}·]{{2,6}}$")


@dataclass(frozen=True)
class Photo:
    caption: str
    credit: str  # as printed in the record ("李绍军摄（新华社发）"), may be ""
    names: tuple[str, ...]


@dataclass(frozen=True)
class Story:
    key: str
    kind: str  # article | photo
    kicker: str | None
    title: str | None
    subtitle: str | None
    authors: str | None
    paragraphs: tuple[str, ...]  # "## x" for an in-article subheading
    photos: tuple[Photo, ...]


@dataclass(frozen=True)
class Page:
    date: str
    number: int
    section: str
    stories: tuple[Story, ...]
    editor_lines: tuple[str, ...]


INVISIBLE = str.maketrans("", "", "\u200b\u200c\u200d\ufeff")  # in the records, never printed


def _clean(value) -> str | None:
    text = (value or "").translate(INVISIBLE).strip() if isinstance(value, str) else ""
    return text or None


SUBHEADING_MAX = 30  # as the simulator (broad_source): the record's line of 25 to 30 characters
# with no sentence punctuation ("机器人赛事是对硬件设计、运动控制与认知决策的综合考验")
# is a heading in print too, not a paragraph left unfinished


def is_subheading(line: str) -> bool:
    """A short line with no sentence punctuation inside a body prints as a subheading.
    So does a line that is one quotation ("“我们的根扎在劳动人民之中”"), as the
    simulator (broad_source) reads it: a feature's sections are headed by the words
    they quote, and the closing quote ends no sentence ("他说：“……”" is text)."""
    t = line.strip()
    if not 0 < len(t) <= SUBHEADING_MAX or re.search(r"[。；！？]", t):
        return False
    quoted = t[0] == "“" and t[-1] == "”" and t.count("“") == 1
    return t[-1] not in STOPS or quoted


def split_names(text: str) -> tuple[str, ...]:
    """Names in a credit: single characters pair up, as '王  强' is one padded name."""
    names, pending = [], ""
    for tok in re.split(r"[\s、，,]+", ROLE_RE.sub(" ", text)):
        if not tok:
            continue
        if len(tok) == 1:
            pending += tok
            if len(pending) == 2:
                names.append(pending)
                pending = ""
        else:
            names.append(tok)
    if pending:
        names.append(pending)
    return tuple(n for n in names if NAME_RE.match(n))


def dateline_names(first: str) -> tuple[str | None, tuple[str, ...]]:
    """The dateline and its bracketed reporters when a body opens with one."""
    m = DATELINE_RE.match(first)
    if not m:
        return None, ()
    return m.group(1), split_names(m.group(2))


def photo_of(caption: str) -> Photo | None:
    """A caption record '说明。\\u3000\\u3000李绍军摄（新华社发）' as text, credit and names."""
    text, _, credit = caption.rpartition("\u3000\u3000")
    if not text or "摄" not in credit:
        return None
    who = re.sub(r"[（(][^（）()]*[）)]\s*$", "", credit).strip()
    who = re.sub(r"\s*摄\s*$", "", who)
    names = split_names(who)
    if not names:
        return None
    return Photo(" ".join(text.split()), credit.strip(), names)


END_CREDIT = re.compile(r"^([\u4e00-\u9fff](?:\s+[\u4e00-\u9fff]){1,3})文$")  # "徐  之文": padded name, then 文
# A picture's credit the record keeps as a body line: "朱华南摄(影像中国)".
BODY_PHOTO_CREDIT = re.compile(r"^[^。，,；;！？]{2,24}?摄(?:影)?\s*(?:[（(][^（）()]{1,10}[）)])?$")


def _story(r: dict) -> Story | None:
    body = [" ".join(x.translate(INVISIBLE).split()) for x in (r.get("body") or "").split("\n")]
    # A credit line in the body credits the story's photographer: the page prints it as
    # a credit, and the gold names the photographer instead of keeping it as text.
    # The record keeps its author's credit as its last line ("徐  之文"): the page prints it
    # as a credit, and the gold names the author.
    signed = END_CREDIT.match(body[-1]) if body and not _clean(r.get("authors")) else None
    if signed:
        body = body[:-1]
    shot = [x for x in body if BODY_PHOTO_CREDIT.match(x)]
    body = [x for x in body if not BODY_PHOTO_CREDIT.match(x)]
    # (printed without its agency: "朱华南摄"; where the record names authors too, they are its credit)
    authors = _clean(r.get("authors")) or (signed.group(1) if signed else None) \
        or (re.sub(r"\s*[（(][^（）()]*[）)]$", "", shot[0]) if shot else None)
    paras = tuple(f"## {x}" if is_subheading(x) else x for x in body if x)
    caps = r.get("captions") if isinstance(r.get("captions"), list) else []
    photos = tuple(p for p in (photo_of(c) for c in caps if isinstance(c, str)) if p)
    kind = "article" if paras else "photo"
    if not paras and not photos:
        return None
    title = _clean(r.get("title"))
    if kind == "photo" and title == "图片报道":
        title = None
    return Story(f"{r['date']}/{r['page']}/{r['order']}", kind, _clean(r.get("kicker")), title,
                 _clean(r.get("subtitle")), authors, paras, photos)


def load_pages(path: Path = CORPUS) -> list[Page]:
    """Corpus pages with at least one story, sorted by date and page."""
    groups: dict[tuple[str, int], list[dict]] = defaultdict(list)
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                r = json.loads(line)
                groups[(r["date"], int(r["page"]))].append(r)
    pages = []
    for (date, number), recs in sorted(groups.items()):
        recs.sort(key=lambda r: int(r.get("order") or 0))
        stories = tuple(s for s in (_story(r) for r in recs if r["kind"] in ("article", "photo")) if s)
        editor = tuple(" ".join(x.split()) for r in recs if r["kind"] == "editor_credit"
                       for x in [r.get("title") or "", *(r.get("body") or "").split("\n")] if x.strip())
        if any(s.kind == "article" for s in stories):
            pages.append(Page(date, number, recs[0].get("section") or "", stories, editor))
    return pages
