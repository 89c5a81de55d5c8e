"""Column-break joints: pair each fragment cut mid-sentence with the fragment
that continues it, by a score of general signals -- a dictionary word across
the seam, a fragment that cannot open a paragraph, the next line, the top of a
column, an unindented line where paragraphs are indented, shared vocabulary --
never by a page's particular strings.
"""
from __future__ import annotations

from .blocks import COLUMN_TAG_RE, OPENER_RE, OPENING_RE, Block, body_run, closing_note, in_jump_column, page_indents
from .bylines import lead_credit
from .seams import NO_START, Topics, bad_start, continues, ends_mid_word, seam_word, weak_start

WINDOW = 25  # how many blocks ahead a cut paragraph may continue


def pair_joints(blocks: list[Block], topics: Topics) -> tuple[dict[int, int], dict[int, float]]:
    """Pair each fragment cut mid-sentence with the fragment that continues it.

    Returns tail index -> head index and the score of each accepted tail.
    A short line is a tail only when the next line plainly continues it
    ("近年来,我市卫生健康系统把保" + "障人民健康…"): otherwise it is a headline.
    """
    # (a headline carrying its column's name, "…堆放（来信调查）", stops nowhere mid-sentence)
    tails = [i for i, b in enumerate(blocks) if b.kind in ("body", "short") and not b.complete and b.core
             and not (b.kind == "short" and COLUMN_TAG_RE.search(b.core))]
    # Where the page indents paragraph starts, an unindented text line continues one.
    indents = page_indents(blocks)
    before_topic = {i: topics.of(body_run(blocks, i, -1, 4) or [i]) for i in tails}
    # A tail in the first column of a continued story ("(上接第1版)…") goes on
    # after a jump headline further down the page.
    in_jump = {i: in_jump_column(blocks, i) for i in tails}
    candidates: list[tuple[float, int, int]] = []
    for t in tails:
        tail = blocks[t]
        for h in range(t + 1, min(len(blocks), t + WINDOW)):
            head = blocks[h]
            if head.kind not in ("body", "short") or head.from_page is not None or not head.core:
                continue
            if lead_credit(head.core) is not None or closing_note(head.core):
                continue  # a dateline, "（作者为…）" or "数据来源：" opens a line of its own
            if head.kind == "short" and h + 1 < len(blocks) and blocks[h + 1].kind == "body" \
                    and lead_credit(blocks[h + 1].core) is not None:
                continue  # the line over a dateline is the story's headline
            prev = blocks[h - 1]
            adjacent = h == t + 1
            top = prev.kind in ("short", "marker", "credit", "editor") or (prev.kind == "body" and prev.credit is not None)
            word = seam_word(tail.core.rstrip()[-4:], head.core.lstrip()[:4])
            cut = bad_start(head.core)
            if head.kind == "short" and not (word or cut):
                continue
            if tail.kind == "short" and head.kind == "short" and not cut:
                continue  # two headline lines ("文旅融合  体验上新" / "建好用好…") may form a word by chance
            if tail.kind == "short" and not (adjacent and (head.core.lstrip()[:1] in NO_START or word >= 3 or (word and (
                    ends_mid_word(tail.core) or tail.core[-1:].isdigit())) or (
                    head.kind == "body" and continues(head.core) and not OPENER_RE.match(head.core)
                    and not OPENING_RE.match(head.core)))):
                continue  # a headline is not text unless the next line plainly continues it
            # A paragraph that opens like a lead ("7月1日，…") printed inside a cut one
            # (the seed page's a01): the cut goes on right after it.
            over_lead = h == t + 2 and prev.kind == "body" and prev.complete and bool(
                OPENING_RE.match(prev.core) or OPENER_RE.match(prev.core) or lead_credit(prev.core))
            unindented = indents and not head.indented
            if not (adjacent or word or cut or top or over_lead or unindented):
                continue
            if not head.core.strip("…—.。·- "):
                continue  # "…………" marks omitted text; it continues nothing
            score = 0.0
            if adjacent:
                score += 3.0  # extraction reads a column top to bottom: the next line is the usual continuation
            elif over_lead:
                score += 2.5
            if word:
                score += 2.0 + 0.5 * min(word, 4)
            elif OPENING_RE.match(head.core) or OPENER_RE.match(head.core):
                score -= 1.0  # "6月28日,…", "连日来,…" open paragraphs far more often than they continue one
            if cut:
                score += 2.5
            elif continues(head.core):
                score += 1.5
            elif weak_start(head.core):
                score += 0.5
            if top:
                score += 1.0
                if in_jump[t] and prev.kind == "short":
                    score += 1.0
            sim = topics.similarity(before_topic[t], topics.of(body_run(blocks, h, 1, 4) or [h]))
            score += 6.0 * sim
            score -= 0.04 * (h - t)
            if tail.kind == "short":
                score -= 1.5  # it looks like a headline: a text tail competing for the head wins
            if indents:
                score += -2.5 if head.indented else 1.5
            if not (adjacent or word or cut or unindented or (in_jump[t] and prev.kind == "short")) and sim < 0.05:
                continue  # a column top with nothing in common: another story's start
            candidates.append((score, t, h))
    candidates.sort(key=lambda c: (-c[0], c[1], c[2]))
    pairs: dict[int, int] = {}
    scores: dict[int, float] = {}
    used_heads: set[int] = set()
    for score, t, h in candidates:
        if t in pairs or h in used_heads or score < 1.0:
            continue
        pairs[t] = h
        scores[t] = score
        used_heads.add(h)
    return pairs, scores


__all__ = ["WINDOW", "pair_joints"]
