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
    current story's latest body lines at that moment."""

    kind: str
    features: dict[str, float]
    decided: bool
    lines: tuple[int, ...]
    context: tuple[int, ...]
    seam: str = ""  # a joint's two sides, "…tail|head…"
    other: tuple[int, ...] = ()  # the other open story's latest body lines (interleaved columns)


# Hand-set weights, as the importer carried them before any fit. A fit starts from
# them and is pulled back towards them (an L2 penalty on the difference), so a
# signal moves only as far as the generated pages give evidence for.
PRIOR_STORY_START = Model(bias=-1.6, weights=(
    ("sim_below_002", 1.1), ("sim_below_004", 0.8), ("sim_above_01", -0.5),
    ("dated_lead", 1.0), ("credited", 0.6), ("has_subheadings", -1.2), ("one_more_label", -1.5),
    ("several_lines", 0.3), ("dash_subtitle", 2.0), ("after_editor_line", 1.0), ("chapter", -2.0),
    ("credit_still_due", -0.5), ("after_closing_note", 2.0),
))
PRIOR_INTERLEAVED = Model(bias=-4.5, weights=(("sim_gain", 12.0), ("current_closed", 1.5), ("current_headed", -1.0),
                                             ("blocks_since", -0.5)))
PRIOR_JOINT = Model(bias=-1.0, weights=(
    ("adjacent", 3.0), ("over_lead", 2.5), ("word", 2.0), ("word_length", 1.0), ("opener", -1.0), ("cut", 2.5),
    ("continues", 1.5), ("weak_start", 0.5), ("top", 1.0), ("top_of_jump", 1.0), ("sim", 6.0), ("distance", -0.1),
    ("short_tail", -1.5), ("short_tail_unsupported", -20.0), ("indented_head", -2.5), ("unindented_head", 1.5),
    ("tail_complete", -20.0), ("complete_unindented", 20.0),
))
# Before any fit: a story is flagged exactly when some step left a reason on it.
PRIOR_WRONG = Model(bias=-5.0, weights=tuple((f"reason_{k}", 10.0) for k in (
    "weak_joint", "unfinished_paragraph", "moved_lead", "no_headline", "headline_from_dateline", "short_line_as_end",
    "short_line_as_start", "jump_headline_late", "jump_headline_by_words", "headlines_guessed", "no_text",
    "other_reason")))


# BEGIN FITTED (written by benchmarks/fit_import.py; do not edit by hand)
# Fitted on seeds 1,2,3 of the sources sim, typeset (15 pages a seed):
# joint candidates, 946 story-start decisions and 534 finished stories.
JOINT = Model(bias=-2.518, weights=(
    ('adjacent', 4.079),
    ('complete_unindented', 18.485),
    ('continues', -0.244),
    ('cut', 0.649),
    ('distance', -1.632),
    ('head_digit', 0.112),
    ('indented_head', -3.41),
    ('opener', -1.38),
    ('over_lead', 2.94),
    ('short_tail', 5.017),
    ('short_tail_unsupported', -11.689),
    ('sim', 4.468),
    ('tail_complete', -21.515),
    ('tail_digit', -0.074),
    ('tail_length', 0.08),
    ('tail_mid_word', 0.158),
    ('top', 2.596),
    ('top_of_jump', 1.73),
    ('unindented_head', 1.469),
    ('weak_start', -0.136),
    ('word', 2.911),
    ('word_length', 1.887),
))
STORY_START = Model(bias=-3.653, weights=(
    ('after_closing_note', 2.0),
    ('after_editor_line', 1.087),
    ('chapter', -2.0),
    ('credit_still_due', -0.728),
    ('credited', 0.576),
    ('dash_subtitle', 2.0),
    ('dated_lead', 1.517),
    ('has_subheadings', -0.93),
    ('headline_length', 0.29),
    ('kicker_mark', -0.005),
    ('lead_under', 0.52),
    ('long_text_under', 0.238),
    ('one_more_label', -1.503),
    ('ordinal', -0.039),
    ('quoted', -0.618),
    ('several_lines', -0.125),
    ('sim', 0.094),
    ('sim_above_01', -0.463),
    ('sim_below_002', 1.191),
    ('sim_below_004', 1.682),
    ('story_length', -0.029),
    ('text_finished', 0.999),
    ('title_punctuation', -0.769),
))
INTERLEAVED = PRIOR_INTERLEAVED  # the fitted weights were not taken (see benchmarks/fit_import.py)
WRONG = Model(bias=-1.055, weights=(
    ('close_boundary', 0.89),
    ('continuation', -0.376),
    ('lone_subheading', 1.241),
    ('long_headline', 0.033),
    ('many_credits', 0.985),
    ('no_credit', 0.95),
    ('no_headline', 0.712),
    ('one_paragraph', 0.225),
    ('paragraphs', 0.612),
    ('photo', 0.308),
    ('reason_headline_from_dateline', 0.271),
    ('reason_headlines_guessed', 0.885),
    ('reason_jump_headline_late', -1.8),
    ('reason_moved_lead', -0.849),
    ('reason_no_headline', 1.267),
    ('reason_no_text', 0.134),
    ('reason_other_reason', 0.415),
    ('reason_short_line_as_end', -1.057),
    ('reason_short_line_as_start', 0.459),
    ('reason_unfinished_paragraph', 1.027),
    ('reason_weak_joint', 0.823),
    ('short_paragraphs', 0.743),
    ('subheadings', 0.507),
    ('three_headlines', 0.744),
))
WRONG_THRESHOLD = 0.295
# END FITTED
