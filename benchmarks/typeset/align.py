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


def match(paras: list[str], tg: list[Target], budget: int = 20000) -> list[list[int]]:
    """Raw paragraph indices per target; depth-first over the few ambiguous short pieces."""
    texts = [squash("".join(u.text for u in t.units)) for t in tg]
    pos = [0] * len(tg)
    pieces: list[list[int]] = [[] for _ in tg]
    sq = [squash(p) for p in paras]
    steps = [0]

    def go(i: int) -> bool:
        steps[0] += 1
        if steps[0] > budget:
            return False
        if i == len(sq):
            return all(p == len(t) for p, t in zip(pos, texts))
        s = sq[i]
        cands = [k for k, t in enumerate(texts) if s and t.startswith(s, pos[k])]
        cands.sort(key=lambda k: (pos[k] == 0, k))  # a unit already begun goes on first
        for k in cands:
            pos[k] += len(s)
            pieces[k].append(i)
            if go(i + 1):
                return True
            pos[k] -= len(s)
            pieces[k].pop()
        return False

    if not go(0):
        unmatched = next((p for p in paras if not any(squash(p) in t for t in texts)), None)
        raise AlignError(_differs(squash(unmatched), texts) if unmatched else "pieces do not add up to the printed units")
    return pieces


def _differs(s: str, texts: list[str]) -> str:
    """Where a raw paragraph parts from the printed unit it follows longest: lost or garbled text."""
    best, at = 0, ""
    for t in texts:
        for k in range(len(t)):
            n = 0
            while n < len(s) and k + n < len(t) and s[n] == t[k + n]:
                n += 1
            if n > best:
                best, at = n, t[k + n: k + n + 6]
    return f"raw text differs from print after {s[max(0, best - 8):best]!r}: raw {s[best:best + 6]!r}, printed {at!r}"


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
