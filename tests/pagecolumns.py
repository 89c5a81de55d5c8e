"""Column blocks for the broad page simulator.

A story's pieces fill columns of about `cap` characters. Where a paragraph does
not fit, the column ends inside it -- at a printed line's end when the page is
extracted line by line, sometimes right after `。` or `”` (a real column break
falls wherever a printed line ends), sometimes leaving only a short fragment at
the column's foot -- and the rest opens the next column.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, replace

from pagegen import NO_CUT_NEAR, NO_LINE_START, _Page

STOPS = "。”"


@dataclass(frozen=True)
class Piece:
    text: str
    kind: str  # head | credit | body | sub | furn
    owner: str  # gold id; "" for furniture
    starts: bool = True  # opens a paragraph (an indent is printed)
    pre: str = ""  # printed before the text, not part of it: "（上接第1版）"
    post: str = ""  # printed after it: "（王强）", "（下转第4版）"
    cut_in: int | None = None  # this piece continues cut number n
    cut_out: int | None = None  # this piece is cut number n's left half

    @property
    def printed(self) -> str:
        return self.pre + self.text + self.post


@dataclass(frozen=True)
class Cut:
    article: str
    left: str
    right: str
    kind: str  # mid | after-stop | foot

    @property
    def joint(self) -> str:
        return self.left[-4:] + self.right[:4]


def line_ends(p: Piece, page: _Page) -> list[int]:
    """Offsets in p.text where a printed line ends (line-per-line pages)."""
    lead = (len(page.indent) if p.starts else 0) + len(p.pre)
    ends, total = [], 0
    for line in page.wrap((page.indent if p.starts else "") + p.pre + p.text)[:-1]:
        total += len(line)
        ends.append(total - lead)
    return [e for e in ends if 4 <= e <= len(p.text) - 4]


def spots(p: Piece, page: _Page) -> tuple[list[int], list[int]]:
    """(mid-sentence cut points, cut points right after `。`/`”`)."""
    text = p.text
    if page.column:
        ends = line_ends(p, page)
        return [e for e in ends if text[e - 1] not in STOPS], [e for e in ends if text[e - 1] in STOPS]
    mids = [i for i in range(6, len(text) - 6)
            if text[i - 1] not in NO_CUT_NEAR and text[i] not in NO_CUT_NEAR and not text[i - 1].isspace()]
    stops = [i for i in range(6, len(text) - 6) if text[i - 1] in STOPS and text[i] not in NO_LINE_START]
    return mids, stops


def choose_cut(p: Piece, target: int, rng: random.Random, page: _Page) -> tuple[int, str] | None:
    mids, stops = spots(p, page)
    r = rng.random()
    if r < 0.22 and stops:
        return min(stops, key=lambda i: abs(i - target)), "after-stop"
    foot = [i for i in mids if i <= 16]
    if r < 0.32 and foot:
        return rng.choice(foot), "foot"
    if not mids:
        return None
    near = sorted(mids, key=lambda i: abs(i - target))[:5]
    return rng.choice(near), "mid"


def split(p: Piece, at: int, n: int) -> tuple[Piece, Piece]:
    left = replace(p, text=p.text[:at], post="", cut_out=n)
    right = replace(p, text=p.text[at:], pre="", starts=False, cut_in=n, cut_out=p.cut_out)
    return left, right


def blocks_of(pieces: list[Piece], cap: int, rng: random.Random, page: _Page,
              cuts: list[Cut]) -> list[list[Piece]]:
    """The story's columns; every paragraph cut is appended to `cuts`."""
    out: list[list[Piece]] = []
    cur: list[Piece] = []
    used = 0
    queue = list(pieces)
    while queue:
        p = queue.pop(0)
        text_only = all(q.kind in ("head", "credit") for q in cur)
        if cur and not text_only and used + len(p.text) > cap:
            room = cap - used
            if p.kind == "body" and len(p.text) >= 30 and rng.random() < 0.85:
                c = choose_cut(p, max(6, room), rng, page)
                if c:
                    at, kind = c
                    left, right = split(p, at, len(cuts))
                    cuts.append(Cut(p.owner, left.text, right.text, kind))
                    out.append(cur + [left])
                    cur, used = [], 0
                    queue.insert(0, right)
                    continue
            out.append(cur)
            cur, used = [], 0
        cur.append(p)
        used += len(p.text)
    return out + ([cur] if cur else [])


def displace_lead(blocks: list[list[Piece]]) -> Piece | None:
    """Print the lead inside the first cut paragraph (between its halves)."""
    if len(blocks) < 2 or not blocks[1] or blocks[1][0].cut_in is None:
        return None
    b0 = blocks[0]
    k = next((i for i, p in enumerate(b0) if p.kind == "body"), None)
    if k is None or b0[k].cut_in is not None or b0[k].cut_out is not None or b0[k].pre or b0[k].post:
        return None
    if not any(p.kind == "body" for p in b0[k + 1:]):
        return None
    lead = b0.pop(k)
    blocks[1].insert(0, lead)
    return lead
