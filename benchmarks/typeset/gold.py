"""The score_import gold of a typeset page, from its plan and its extracted raw paragraphs."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

from .align import MARKER_RE, AlignError, Printed, match, printed, targets
from .model import BODY_ROLES, HEAD_ROLES, GoldHead, PagePlan, Unit

FAR = 3  # a piece this many raw paragraphs after the one before it is a far joint


def _article(head: GoldHead, units: list[Printed]) -> dict:
    fields = {r: None for r in HEAD_ROLES}
    paragraphs = []
    for pu in units:
        if pu.unit.role in HEAD_ROLES:
            if len(pu.pieces) > 1:
                raise AlignError(f"{pu.unit.role} printed in {len(pu.pieces)} pieces: {pu.core[:20]}")
            fields[pu.unit.role] = pu.core
        elif pu.unit.role in BODY_ROLES and pu.core:
            paragraphs.append(f"## {pu.core}" if pu.unit.role == "sub" else pu.core)
    return {
        "id": head.id, "kind": head.kind, **fields,
        "bylines": list(head.bylines), "photographers": list(head.photographers), "dateline": head.dateline,
        "continued_from_page": head.continued_from_page, "continued_to_page": head.continued_to_page,
        "paragraphs": paragraphs, "shapes": list(head.shapes),
    }


def _cut_tags(units: list[Printed]) -> set[str]:
    tags = set()
    for pu in units:
        for left, (a, b) in zip(pu.left_ends, zip(pu.pieces, pu.pieces[1:])):
            if left.endswith(("。", "”", "！", "？")):
                tags.add("joint:after-stop")
            if abs(b - a) > FAR:  # pdfminer may read a paragraph's rest before its start
                tags.add("joint:far")
    return tags


def _order_tags(aid: str, units: list[Printed], first_piece: dict[int, str], paras: list[str]) -> set[str]:
    """Displaced leads, interleaving and stories after a jump marker, as the reading order has them."""
    tags = set()
    body = [pu for pu in units if pu.unit.role in BODY_ROLES and pu.pieces]
    if len(body) >= 2 and min(body[0].pieces) > min(min(pu.pieces) for pu in body[1:]):
        tags.add("joint:displaced-lead")
        if body[0].core.startswith(("本报", "新华社")) or "电" in body[0].core[:20]:
            tags.add("joint:dateline-lead")
    mine = sorted(i for pu in units for i in pu.pieces)
    if mine and any(first_piece.get(i, aid) not in (aid, None) for i in range(mine[0], mine[-1])):
        tags.add("boundary:interleaved")
    if mine and mine[0] > 0 and MARKER_RE.search(paras[mine[0] - 1]) and first_piece.get(mine[0] - 1) != aid:
        tags.add("boundary:after-jump-marker")
    return tags


def _check_credits(plan: PagePlan, text: str) -> None:
    """A gold name the page does not print could never be matched: such a page measures the generator."""
    for head in plan.heads:
        for name in (*head.bylines, *head.photographers):
            if "".join(name.split()) not in text:
                raise AlignError(f"{head.id}: credit {name} is not printed")


def as_scored(unit: Unit) -> Unit:
    """A caption's credit printed after it unbracketed ("…训练。  方建飞摄（影像中国）") stays in
    the caption's gold paragraph: score_import keeps a printed line whole unless what leaves
    it is bracketed (as "（宗晓东 摄）" is), so the importer may not cut such a credit out."""
    tail = unit.tail.strip()
    if unit.role == "caption" and tail and not tail.startswith(("(", "（")):
        return replace(unit, core=unit.core + unit.tail, tail="")
    return unit


def build(plan: PagePlan, paras: list[str]) -> dict:
    """score_import gold; raises AlignError when the raw text does not hold the printed units."""
    tg = targets(plan)
    pieces = match(paras, tg)
    by_owner: dict[str, list[Printed]] = defaultdict(list)
    owner_of: dict[int, str | None] = {}
    unassigned = []
    for t, idx in zip(tg, pieces):
        for i in idx:
            owner_of[i] = t.owner
        if t.owner is None:
            unassigned.extend(paras[i] for i in idx)
        else:
            by_owner[t.owner].append(printed(as_scored(t.units[0]), paras, idx))
    articles, joints, order = [], [], []
    _check_credits(plan, "".join("".join(p.split()) for p in paras))
    for head in plan.heads:
        units = by_owner.get(head.id, [])
        art = _article(head, units)
        art["shapes"] = sorted({*art["shapes"], *_cut_tags(units), *_order_tags(head.id, units, owner_of, paras)})
        for pu in units:
            joints += [{"article": head.id, "joint": pu.core[max(0, c - 4): c + 4]} for c in pu.cuts]
        texts = [p[3:] if p.startswith("## ") else p for p in art["paragraphs"]]
        order += [[x[:10], y[:10]] for x, y in zip(texts, texts[1:]) if x[:10] != y[:10]]
        articles.append(art)
    return {"source": plan.name, "articles": articles, "joints": joints, "order_checks": order,
            "unassigned": unassigned}
