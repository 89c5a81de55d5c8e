"""Column-break joints: pair each fragment cut mid-sentence with the fragment
that continues it, by a score of general signals -- a dictionary word across
the seam, a fragment that cannot open a paragraph, the next line, the top of a
column, an unindented line where paragraphs are indented, shared vocabulary --
never by a page's particular strings.
"""
from __future__ import annotations

import math
import re

from .blocks import COLUMN_TAG_RE, OPENER_RE, OPENING_RE, Block, body_run, closing_note, in_jump_column, page_indents
from .bylines import lead_credit
from .fitted import JOINT, Decision
from .seams import NO_START, Topics, bad_start, continues, ends_mid_word, seam_word, weak_start

SENTENCE_END_RE = re.compile(r"^[^，。；：？！,;:?!“”]{1,5}[。；？！]")  # "完成。…": the end of a cut sentence
WINDOW = 25  # how many blocks ahead a cut paragraph may continue
LAST_RESORT = -2.5  # the lowest score at which a cut sentence still takes a continuation no other fragment wants


def pair_joints(blocks: list[Block], topics: Topics,
                trace: list[Decision] | None = None) -> tuple[dict[int, int], dict[int, float]]:
    """Pair each fragment cut mid-sentence with the fragment that continues it.

    Returns tail index -> head index and the score (logit of `fitted.JOINT`) of
    each accepted tail. A short line is a tail only when the next line plainly
    continues it ("近年来,我市卫生健康系统把保" + "障人民健康…"): otherwise it is a
    headline. A fragment that ends a sentence is a tail too where typesetting
    may have cut there (a column break right after "。"), but only towards a
    fragment printed after some other block, at a column's top.
    """
    indents = page_indents(blocks)
    tails = [i for i, b in enumerate(blocks) if b.kind in ("body", "short") and b.core
             and not (b.kind == "short" and COLUMN_TAG_RE.search(b.core))
             and (not b.complete or (b.kind == "body" and b.credit is None and not b.markers))]
    before_topic = {i: topics.of(body_run(blocks, i, -1, 4) or [i]) for i in tails}
    # A tail in the first column of a continued story ("(上接第1版)…") goes on
    # after a jump headline further down the page.
    in_jump = {i: in_jump_column(blocks, i) for i in tails}
    candidates: list[tuple[float, int, int]] = []
    for t in tails:
        for h in range(t + 1, min(len(blocks), t + WINDOW)):
            features = _candidate(blocks, topics, t, h, indents, in_jump[t], before_topic[t])
            if features is None:
                continue
            z = JOINT.logit(features)
            if trace is not None:
                trace.append(Decision("joint", features, z > 0, (blocks[t].line, blocks[h].line), (),
                                      blocks[t].core[-8:] + "|" + blocks[h].core[:8]))
            candidates.append((z, t, h))
    pairs: dict[int, int] = {}
    scores: dict[int, float] = {}
    used_heads: set[int] = set()
    candidates.sort(key=lambda c: (-c[0], c[1], c[2]))
    # A sentence cut mid-way must go on somewhere; one that ended only may. So the
    # cut ones choose first, then a cut one still alone takes its best free
    # candidate unless that is plainly unlikely (an indented line on a page that
    # indents opens a paragraph), and only then may a finished one go on.
    finished = {t: blocks[t].complete for t in tails}
    passes = (
        lambda z, t, h: not finished[t] and z > 0,
        lambda z, t, h: not finished[t] and blocks[t].kind == "body" and z > LAST_RESORT
        and not (indents and blocks[h].indented),
        lambda z, t, h: z > 0,
    )
    for allowed in passes:
        for z, t, h in candidates:
            if t in pairs or h in used_heads or not allowed(z, t, h):
                continue
            pairs[t] = h
            scores[t] = z
            used_heads.add(h)
    return pairs, scores


BRACKETS = {"（": "）", "(": ")", "“": "”", "《": "》"}


def closes_bracket(tail: str, head: str) -> bool:
    """The tail leaves a bracket or quotation open near its end, and the head closes
    it before opening any: a reporters' bracket or a title cut at a column's foot."""
    end, start = tail.rstrip()[-12:], head.lstrip()[:16]
    for opener, closer in BRACKETS.items():
        k, c = end.rfind(opener), start.find(closer)
        if k >= 0 and closer not in end[k:] and c > 0 and opener not in start[:c]:
            return True
    return False


def _candidate(blocks: list[Block], topics: Topics, t: int, h: int, indents: bool, in_jump: bool,
               before: frozenset[str]) -> dict[str, float] | None:
    """The signals that fragment h continues fragment t, or None where printing rules it out."""
    tail, head = blocks[t], blocks[h]
    if head.kind not in ("body", "short") or head.from_page is not None or not head.core:
        return None
    if lead_credit(head.core) is not None or closing_note(head.core):
        return None  # a dateline, "（作者为…）" or "数据来源：" opens a line of its own
    if head.kind == "short" and h + 1 < len(blocks) and blocks[h + 1].kind == "body" \
            and lead_credit(blocks[h + 1].core) is not None:
        return None  # the line over a dateline is the story's headline
    if not head.core.strip("…—.。·- "):
        return None  # "…………" marks omitted text; it continues nothing
    prev = blocks[h - 1]
    adjacent = h == t + 1
    top = prev.kind in ("short", "marker", "credit", "editor") or (prev.kind == "body" and prev.credit is not None)
    unindented = indents and not head.indented
    # A finished sentence goes on only where the page says so: an unindented line
    # on a page that indents paragraph starts, or another column's top.
    # (and the rest reads as text, with a sentence's end in it: a long title is unindented too)
    if tail.complete and (head.kind == "short" or not (unindented or (top and not adjacent))
                          or not re.search(r"[。！？!?；;]", head.core)
                          or OPENING_RE.match(head.core) or OPENER_RE.match(head.core)):
        return None
    word = seam_word(tail.core.rstrip()[-4:], head.core.lstrip()[:4])
    if closes_bracket(tail.core, head.core):
        word = max(word, 3)  # "（记者" | "林丽鹂）…": the bracket left open closes here, as a word across would
    cut = bad_start(head.core)
    goes_on = continues(head.core)
    if head.kind == "short" and not (word or cut):
        return None
    if tail.kind == "short" and head.kind == "short" and not cut:
        return None  # two headline lines ("文旅融合  体验上新" / "建好用好…") may form a word by chance
    # A paragraph that opens like a lead ("7月1日，…") printed inside a cut one
    # (the seed page's a01): the cut goes on right after it.
    over_lead = h == t + 2 and prev.kind == "body" and prev.complete and bool(
        OPENING_RE.match(prev.core) or OPENER_RE.match(prev.core) or lead_credit(prev.core))
    # (under a headline: only a line that plainly ends a cut sentence, "完成。研究发现…")
    over_dateline = over_lead and lead_credit(prev.core) is not None and (cut or bool(SENTENCE_END_RE.match(head.core)))
    plain = (adjacent or over_dateline) and (head.core.lstrip()[:1] in NO_START or word >= 3 or (word and (
        ends_mid_word(tail.core) or tail.core[-1:].isdigit())) or (
        head.kind == "body" and goes_on and not OPENER_RE.match(head.core)
        and not OPENING_RE.match(head.core)))
    if tail.kind == "short" and not adjacent and not over_dateline:
        # A headline is not text unless the next line continues it, or the line
        # after the dateline printed under it does ("该研究由…参与合作" / "据新华社
        # 开普敦电…" / "完成。研究发现…"): a cut line over the lead it was printed above.
        return None
    if not (adjacent or word or cut or top or over_lead or unindented):
        return None
    sim = topics.similarity(before, topics.of(body_run(blocks, h, 1, 4) or [h]))
    if not (adjacent or word or cut or unindented or (in_jump and prev.kind == "short") or over_dateline) \
            and sim < 0.05:
        return None  # a column top with nothing in common: another story's start
    opener = bool(OPENING_RE.match(head.core) or OPENER_RE.match(head.core))
    return {
        "adjacent": float(adjacent),  # extraction reads a column top to bottom
        "over_lead": float(over_lead and not adjacent),
        "word": float(bool(word)),
        "word_length": min(word, 4) / 2,
        "opener": float(opener and not word),  # "6月28日,…", "连日来,…" open paragraphs
        "cut": float(cut),
        "continues": float(goes_on and not cut),
        "weak_start": float(weak_start(head.core) and not cut and not goes_on),
        "top": float(top),
        "top_of_jump": float(top and in_jump and prev.kind == "short"),
        "sim": sim,
        "distance": math.log(h - t),  # a column further down is hardly less likely than the next
        "short_tail": float(tail.kind == "short"),  # it looks like a headline
        "short_tail_unsupported": float(tail.kind == "short" and not plain),
        "indented_head": float(indents and head.indented),
        "unindented_head": float(indents and not head.indented),
        "tail_complete": float(tail.complete),
        "complete_unindented": float(tail.complete and unindented),
        "tail_mid_word": float(ends_mid_word(tail.core)),
        "tail_digit": float(tail.core[-1:].isdigit()),
        "tail_length": min(len(tail.core), 120) / 60,
        "head_digit": float(head.core[:1].isdigit()),
    }


__all__ = ["WINDOW", "pair_joints"]
