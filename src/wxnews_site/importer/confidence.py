"""How sure the importer is of each story: review flags an editor can trust.

A reconstruction step that had to guess leaves a reason on its story ("weak
joint at line 40 …"). Alone, those reasons both miss wrong stories and flag
right ones. Here a learnt model (`fitted.WRONG`, fitted by
`benchmarks/fit_import.py` on generated pages of the fit seeds) weighs them
together with the story's shape and with how narrowly its boundaries were
decided, and only a story likely to be wrong keeps its reasons: an editor who
reviews the flagged stories finds most mistakes, and few flags are false alarms.
"""
from __future__ import annotations

import re
from dataclasses import replace

from .draft import StoryDraft
from .fitted import WRONG, WRONG_THRESHOLD
from .seams import Echoes

# The step that left a reason, from its wording (numbers stripped).
REASONS = (
    ("weak_joint", re.compile(r"^weak joint")),
    ("unfinished_paragraph", re.compile(r"^paragraph ends mid-sentence")),
    ("moved_lead", re.compile(r"^paragraph at line \d+ was printed inside")),
    ("no_headline", re.compile(r"^no headline found")),
    ("headline_from_dateline", re.compile(r"^headline at line \d+ read from the dateline")),
    ("short_line_as_end", re.compile(r"^short line \d+ read as the end")),
    ("short_line_as_start", re.compile(r"^short line \d+ read as the start")),
    ("jump_headline_late", re.compile(r"^jump headline at line \d+ printed after")),
    ("jump_headline_by_words", re.compile(r"^jump headline at line \d+ matched")),
    ("headlines_guessed", re.compile(r"^headline lines guessed")),
    ("no_text", re.compile(r"^credit or jump marker with no article text")),
    ("headline_no_text", re.compile(r"^headline at line \d+ has no text under it")),
)
# Reasons that stand whatever the model says: a step's doubt the model does not weigh (a
# byline's, say), and a headline printed with no text at all, which no right article has.
ALWAYS = frozenset({"other_reason", "headline_no_text"})
# The model's own reason, when no step left one: it names what made the story suspect.
MODEL_REASON = "check this story as a whole: stories read like it are often wrong"
SIGNALS = {
    "close_boundary": "its start or end was a close call",
    "no_headline": "no headline", "three_headlines": "three headline lines",
    "no_credit": "no byline", "many_credits": "three names or more", "one_paragraph": "one paragraph only",
    "subheadings": "many subheadings", "lone_subheading": "a single subheading",
    "continuation": "a continued story", "photo": "a photo", "short_paragraphs": "short paragraphs",
    "long_headline": "a long title", "paragraphs": "a long text",
    "headline_unechoed": "its text hardly speaks of its headline",
    "headline_line_unechoed": "a headline line its text does not speak of",
}


def reason_key(reason: str) -> str:
    return next((key for key, pattern in REASONS if pattern.match(reason)), "other_reason")


def features(s: StoryDraft, margin: float, marked: bool = True) -> dict[str, float]:
    """What tells a story that is probably wrong from one that is probably right.

    `marked`: the story's page marks a paragraph's start, by indenting its first line."""
    out: dict[str, float] = {}
    for reason in s.review:
        key = "reason_" + reason_key(reason)
        out[key] = min(3.0, out.get(key, 0.0) + 1.0)
    body = [p for p in s.paragraphs if not p.startswith("## ")]
    subs = len(s.paragraphs) - len(body)
    heads = sum(1 for h in (s.kicker, s.title, s.subtitle) if h)
    out.update({
        "close_boundary": max(0.0, 2.0 - margin) / 2.0,
        # (a picture printed with its caption alone has no headline, and needs none)
        "no_headline": float(heads == 0 and s.kind != "photo"),
        "three_headlines": float(heads == 3),
        "no_credit": float(not s.bylines and not s.photographers and s.kind == "article"),
        "many_credits": float(len(s.bylines) + len(s.photographers) >= 3),
        "one_paragraph": float(len(body) <= 1),
        "subheadings": min(subs, 6) / 3,
        "lone_subheading": float(subs == 1),
        "continuation": float(s.kind == "continuation"),
        "photo": float(s.kind == "photo"),
        "short_paragraphs": min(sum(1 for p in body if len(p) < 20), 4) / 2,
        "long_headline": float(len(s.title or "") > 30),
        "paragraphs": min(len(body), 30) / 10,
        # A column ends wherever the text reaches its foot, some right after a full stop: where the
        # page indents a paragraph's first line, the next column's unindented top shows the text goes
        # on; where not, such a break reads as a paragraph's end, and the paragraphs are less sure.
        "marked_paragraphs": float(marked),
    })
    out.update(_echo(s, body))
    return out


def _echo(s: StoryDraft, body: list[str]) -> dict[str, float]:
    """How little the text echoes its headline: a title compresses its story's lead,
    so a headline line its text hardly speaks of was likely given to the wrong text."""
    lines = [h for h in (s.kicker, s.title, s.subtitle) if h]
    text = "".join(body)[:600]
    if not lines or not text or s.kind == "photo":
        return {}
    found = frozenset(Echoes.pairs(text))

    def share(line: str) -> float:
        mine = set(Echoes.pairs(line))
        return len(mine & found) / len(mine) if mine else 1.0

    whole = share("".join(lines))
    return {"headline_unechoed": max(0.0, 0.4 - whole) / 0.4,
            "headline_line_unechoed": float(len(lines) >= 2 and min(map(share, lines)) < 0.15)}


def flag(s: StoryDraft, margin: float, marked: bool = True) -> StoryDraft:
    """The story with its reasons kept when it is likely wrong, and dropped when not."""
    x = features(s, margin, marked)
    p = WRONG.probability(x)
    if p < WRONG_THRESHOLD:
        kept = tuple(r for r in s.review if reason_key(r) in ALWAYS)
        return replace(s, review=kept) if kept != s.review else s
    if s.review:
        return s
    # no step left a reason: the model's own names the signals that weighed most
    weights = dict(WRONG.weights)
    named = sorted((weights.get(k, 0.0) * v, k) for k, v in x.items() if k in SIGNALS and weights.get(k, 0.0) * v >= 0.3)
    why = ", ".join(SIGNALS[k] for _, k in reversed(named[-2:]))
    return replace(s, review=(f"{MODEL_REASON} ({why})" if why else MODEL_REASON,))


__all__ = ["ALWAYS", "MODEL_REASON", "REASONS", "features", "flag", "reason_key"]
