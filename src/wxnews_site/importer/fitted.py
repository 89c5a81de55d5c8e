"""Decisions the importer learnt from generated pages, as small logistic models.

Where printing conventions settle a question (a dateline opens a text, a
title carries its column's name), `layout.py` decides by rule. Where several
weak signals have to be weighed against each other -- does this headline-like
block open a new story, or is it a subheading of the one above? -- the weights
are learnt, not tuned by hand: `benchmarks/fit_import.py` runs the importer over
generated pages of the FIT seeds only (both page sources), labels each decision
from the pages' gold, fits an L2-regularised logistic regression in numpy and
rewrites the block between the markers below. The REPORT seeds, which
`benchmarks/import_quality.py` prints apart, are never seen by the fit.
"""
from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Model:
    """A linear score over named features; a decision is `logit(x) > 0`."""

    weights: tuple[tuple[str, float], ...]
    bias: float

    def logit(self, features: dict[str, float]) -> float:
        return self.bias + sum(w * features.get(name, 0.0) for name, w in self.weights)

    def probability(self, features: dict[str, float]) -> float:
        z = self.logit(features)
        return 1.0 / (1.0 + math.exp(-z)) if z > -60 else 0.0


@dataclass(frozen=True)
class Decision:
    """One learnt decision as the importer took it, for fitting and for tests:
    the features it saw, what it decided, the raw lines it was about and the
    story's latest body lines at that moment."""

    kind: str
    features: dict[str, float]
    decided: bool
    lines: tuple[int, ...]
    context: tuple[int, ...]
    seam: str = ""  # a joint's two sides, "…tail|head…"


# BEGIN FITTED (written by benchmarks/fit_import.py; do not edit by hand)
# Fitted on seeds 1,2,3 of the sources sim (15 pages a seed):
# joint candidates, 695 story-start decisions and 263 finished stories.
JOINT = Model(bias=-1.098, weights=(
    ('adjacent', 2.702),
    ('continues', 0.027),
    ('cut', 0.263),
    ('distance', -2.102),
    ('head_digit', -0.032),
    ('indented_head', -2.912),
    ('opener', -1.303),
    ('over_lead', 1.266),
    ('short_tail', 0.57),
    ('short_tail_unsupported', -0.973),
    ('sim', 0.154),
    ('tail_complete', -2.137),
    ('tail_digit', 0.047),
    ('tail_length', 0.389),
    ('tail_mid_word', 0.35),
    ('top', -1.803),
    ('top_of_jump', 0.0),
    ('unindented_head', 0.759),
    ('weak_start', -0.43),
    ('word', 2.014),
    ('word_length', 1.686),
))
STORY_START = Model(bias=-5.206, weights=(
    ('after_editor_line', 0.0),
    ('chapter', 0.0),
    ('credit_still_due', -1.039),
    ('credited', -0.536),
    ('dash_subtitle', 0.703),
    ('dated_lead', 1.539),
    ('has_subheadings', -0.34),
    ('headline_length', 0.409),
    ('kicker_mark', -0.195),
    ('lead_under', 0.869),
    ('long_text_under', 1.101),
    ('one_more_label', 0.0),
    ('ordinal', -0.143),
    ('quoted', -0.733),
    ('several_lines', 1.295),
    ('sim', -0.352),
    ('sim_above_01', -0.921),
    ('sim_below_002', 0.78),
    ('sim_below_004', 0.866),
    ('story_length', -0.025),
    ('text_finished', 2.527),
    ('title_punctuation', -0.896),
))
INTERLEAVED = Model(bias=-3.743, weights=(
    ('blocks_since', -0.851),
    ('column_top', -0.388),
    ('current_closed', 1.744),
    ('current_headed', 0.563),
    ('current_paragraphs', 0.813),
    ('opens_like_lead', -0.737),
    ('other_unfinished', 1.227),
    ('sim_current', -0.616),
    ('sim_gain', 1.285),
    ('sim_other', 0.668),
))
WRONG = Model(bias=0.456, weights=(
    ('close_boundary', 0.522),
    ('continuation', -0.334),
    ('lone_subheading', 1.438),
    ('long_headline', -0.266),
    ('many_credits', 0.666),
    ('no_credit', 0.811),
    ('no_headline', 0.552),
    ('one_paragraph', -0.822),
    ('paragraphs', 0.362),
    ('photo', -0.339),
    ('reason_headlines_guessed', 0.543),
    ('reason_moved_lead', -0.148),
    ('reason_no_headline', 0.552),
    ('reason_short_line_as_start', 0.267),
    ('reason_unfinished_paragraph', 0.394),
    ('reason_weak_joint', 0.184),
    ('short_paragraphs', 0.455),
    ('subheadings', 0.788),
    ('three_headlines', 0.566),
))
WRONG_THRESHOLD = 0.6427
# END FITTED
