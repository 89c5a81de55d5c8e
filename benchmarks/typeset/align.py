"""Gold from the printed units, checked against the extracted raw text character for character.

Every raw paragraph must be a contiguous piece of exactly one printed unit
(whitespace aside); every unit must be used up. A unit printed in several pieces
(column or box breaks made by Chromium + pdfminer) is a joint. Gold paragraphs
are the raw pieces joined, so they are what was printed, with the raw's spaces.
Shape tags for cuts, displaced leads and interleaving are read off the alignment:
they are what the real software did.
"""
from __future__ import annotations

import re
import sys
from dataclasses import dataclass

from .model import BODY_ROLES, HEAD_ROLES, PagePlan, Unit

MARKER_RE = re.compile(r"[(（][上下][接转]第\d+版[)）]$")
sys.setrecursionlimit(max(sys.getrecursionlimit(), 5000))


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@dataclass(frozen=True)
class Target:
    units: tuple[Unit, ...]  # an advert's lines are one target: its raw lines may run together

    @property
    def owner(self) -> str | None:
        return self.units[0].owner


class AlignError(Exception):
    pass


def targets(plan: PagePlan) -> list[Target]:
    out = []
    for band in plan.bands:
        for cell in band.cells:
            for m in cell:
                if m.kind == "advert":
                    out.append(Target(m.body))
                else:
                    out.extend(Target((u,)) for u in m.units())
    return out + [Target((u,)) for u in plan.bottom]


def _free(spans: list[tuple[int, int]], a: int, b: int) -> bool:
    return all(b <= x or a >= y for x, y in spans)


def match(paras: list[str], tg: list[Target], budget: int = 50000) -> list[list[int]]:
    """Raw paragraph indices per target, in the target's text order.

    pdfminer may read the rest of a paragraph before its start (a later column's
    box first), so a piece may sit anywhere in its unit that is not yet covered;
    depth-first over the few ambiguous short pieces.
    """
    texts = [squash("".join(u.text for u in t.units)) for t in tg]
    spans: list[list[tuple[int, int]]] = [[] for _ in tg]
    got: list[list[tuple[int, int]]] = [[] for _ in tg]  # (offset, raw index)
    sq = [squash(p) for p in paras]
    steps = [0]

    def places(s: str) -> list[tuple[int, int]]:
        out = []
        for k, t in enumerate(texts):
            at = t.find(s)
            while at >= 0:
                if _free(spans[k], at, at + len(s)):
                    out.append((k, at))
                at = t.find(s, at + 1)
        # a piece that carries on where its unit's last piece stopped comes first, then a unit's start
        ends = {(k, y) for k in range(len(tg)) for _, y in spans[k][-1:]}
        return sorted(out, key=lambda c: (c not in ends, c[1] != 0, c))

    def go(i: int) -> bool:
        steps[0] += 1
        if steps[0] > budget:
            return False
        if i == len(sq):
            return all(sum(y - x for x, y in sp) == len(t) for sp, t in zip(spans, texts))
        for k, at in places(sq[i]) if sq[i] else []:
            spans[k].append((at, at + len(sq[i])))
            got[k].append((at, i))
            if go(i + 1):
                return True
            spans[k].pop()
            got[k].pop()
        return False

    if not go(0):
        unmatched = next((p for p in paras if not any(squash(p) in t for t in texts)), None)
        missing = next((t[:20] for t, sp in zip(texts, spans) if sum(y - x for x, y in sp) != len(t)), "")
        raise AlignError(_differs(squash(unmatched), texts) if unmatched else
                         f"pieces do not add up to the printed units (search {steps[0]} steps; first short unit {missing!r})")
    return [[i for _, i in sorted(g)] for g in got]


def _differs(s: str, texts: list[str]) -> str:
    """Where a raw paragraph parts from the printed text: the longest prefix found in print, and what follows."""
    lo, hi = 0, len(s)
    while lo < hi:  # bisect on the length of the longest printed prefix
        mid = (lo + hi + 1) // 2
        if any(s[:mid] in t for t in texts):
            lo = mid
        else:
            hi = mid - 1
    t = next((t for t in texts if s[:lo] in t), "")
    at = t.find(s[:lo]) + lo if t else 0
    return f"raw text differs from print after {s[max(0, lo - 8):lo]!r}: raw {s[lo:lo + 6]!r}, printed {t[at:at + 6]!r}"


@dataclass(frozen=True)
class Printed:
    """One unit as the raw text has it: its gold core, and the cut offsets inside the core."""

    unit: Unit
    core: str
    cuts: tuple[int, ...]
    pieces: tuple[int, ...]  # raw paragraph indices
    left_ends: tuple[str, ...]  # core text before each cut


def printed(unit: Unit, paras: list[str], idx: list[int]) -> Printed:
    joined = "".join(paras[i] for i in idx)
    nonspace = [k for k, ch in enumerate(joined) if not ch.isspace()]
    lead, tail = len(squash(unit.lead)), len(squash(unit.tail))
    start = nonspace[lead] if lead < len(nonspace) else len(joined)
    end = nonspace[len(nonspace) - tail - 1] + 1 if len(nonspace) - tail > 0 else start
    core = joined[start:end].strip()
    start = joined.index(core, start) if core else start
    bounds, acc = [], 0
    for i in idx[:-1]:
        acc += len(paras[i])
        bounds.append(acc)
    cuts = tuple(c - start for c in bounds if start < c < start + len(core))
    return Printed(unit, core, cuts, tuple(idx), tuple(core[:c] for c in cuts))
