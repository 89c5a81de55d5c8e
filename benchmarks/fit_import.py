#!/usr/bin/env python3
"""Fit the importer's learnt decisions on generated pages of the FIT seeds only.

Runs `reconstruct` with a trace over pages of both sources
(benchmarks/import_quality.py's FIT seeds unless told otherwise), labels each
traced decision from the page's gold (does this headline block start a gold
article other than the one the open story holds?), and fits an L2-regularised
logistic regression with numpy. Because each decision depends on the ones
before it, fitting runs in rounds: the pages are read again with the new
weights and the decisions seen then join the data (as DAgger does).

With --write the weights replace the FITTED block of
src/wxnews_site/importer/fitted.py; report seeds are refused, so a figure on
them stays a figure on unseen pages.

    python3 benchmarks/fit_import.py [--pages 20] [--seeds 1,2,3] [--sources sim,typeset] [--rounds 3] [--write]
"""
from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import import_quality as iq  # noqa: E402

from wxnews_site.importer import fitted, layout  # noqa: E402
from wxnews_site.importer.fitted import Decision, Model  # noqa: E402
from wxnews_site.importer.seams import initialize  # noqa: E402

FITTED = ROOT / "src" / "wxnews_site" / "importer" / "fitted.py"
TRAILING_CREDIT = re.compile(r"[(（][^()（）]{1,30}[)）]\s*$")


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


class Owners:
    """Which gold article printed a raw line: by its headline lines, else by the
    paragraph a fragment of it is cut from (unique matches only)."""

    def __init__(self, gold: dict):
        self.heads: dict[str, set[str]] = {}
        self.texts: list[tuple[str, str]] = []
        for g in gold["articles"]:
            for k in ("kicker", "title", "subtitle"):
                if g.get(k):
                    self.heads.setdefault(squash(g[k]), set()).add(g["id"])
            for p in g["paragraphs"]:
                self.texts.append((g["id"], squash(p.removeprefix("## "))))

    def of(self, raw_line: str) -> str | None:
        line = squash(raw_line)
        if not line:
            return None
        if line in self.heads:
            ids = self.heads[line]
            return next(iter(ids)) if len(ids) == 1 else None
        for probe in (line, squash(TRAILING_CREDIT.sub("", raw_line)), line[:16], line[-16:]):
            if len(probe) < 4:
                continue
            ids = {gid for gid, text in self.texts if probe in text}
            if len(ids) == 1:
                return ids.pop()
            if len(ids) > 1:
                return None
        return None


def labelled(page: dict, model: Model) -> list[tuple[dict[str, float], bool, bool]]:
    """(features, the gold answer, what the importer decided) for each story-start decision."""
    lines = page["raw"].split("\n")
    trace: list[Decision] = []
    layout.STORY_START = model
    layout.reconstruct(lines, page["name"], trace=trace)
    owners = Owners(page["gold"])
    out = []
    for d in trace:
        if d.kind != "story_start":
            continue
        new = next((o for o in (owners.of(lines[n - 1]) for n in d.lines) if o), None)
        context = Counter(o for o in (owners.of(lines[n - 1]) for n in d.context) if o)
        if new is None or not context:
            continue
        out.append((d.features, new != context.most_common(1)[0][0], d.decided))
    return out


def stories_judged(page: dict, model: Model) -> list[tuple[dict[str, float], bool, bool]]:
    """(features, whether the story came out wrong, whether it is flagged now) for each story of the page."""
    lines = page["raw"].split("\n")
    trace: list[Decision] = []
    layout.STORY_START = model
    draft = layout.reconstruct(lines, page["name"], trace=trace)
    produced = [{"path": str(k), "meta": {"kicker": s.kicker, "title": s.title, "subtitle": s.subtitle,
                                          "bylines": list(s.bylines), "photographers": list(s.photographers)},
                 "paragraphs": [p.strip() for p in s.paragraphs], "raw": ""} for k, s in enumerate(draft.stories)]
    pairing = iq.pagegen.SCORER.match(page["gold"]["articles"], produced)
    right = {p["path"] for g in page["gold"]["articles"] if (p := pairing[g["id"]]) and iq.article_right(g, p)}
    by_lines = {s.lines: str(k) for k, s in enumerate(draft.stories)}
    return [(d.features, by_lines.get(d.lines) not in right, bool(draft.stories[int(by_lines[d.lines])].review))
            for d in trace if d.kind == "wrong" and d.lines in by_lines]


def threshold_for(rows, model: Model, recall: float) -> float:
    """The highest probability threshold that still flags `recall` of the wrong stories."""
    wrong = sorted((model.probability(f) for f, bad, _ in rows if bad), reverse=True)
    if not wrong:
        return 0.5
    return round(max(0.02, wrong[min(len(wrong) - 1, int(recall * len(wrong)))] - 1e-6), 4)


def flag_figures(rows, model: Model, threshold: float) -> str:
    flagged = [(bad, model.probability(f) >= threshold) for f, bad, _ in rows]
    wrong = sum(bad for bad, _ in flagged)
    caught = sum(bad and fl for bad, fl in flagged)
    n_flag = sum(fl for _, fl in flagged)
    return (f"{caught / max(1, wrong):.0%} of {wrong} wrong stories flagged, "
            f"{(n_flag - caught) / max(1, n_flag):.0%} of {n_flag} flagged were right")


def fit(rows: list[tuple[dict[str, float], bool, bool]], names: list[str], l2: float) -> Model:
    """Logistic regression by Newton's method, every weight (not the bias) under an L2 penalty."""
    x = np.array([[1.0] + [f.get(n, 0.0) for n in names] for f, _, _ in rows])
    y = np.array([float(label) for _, label, _ in rows])
    w = np.zeros(x.shape[1])
    penalty = np.full(x.shape[1], l2)
    penalty[0] = 0.0
    for _ in range(50):
        p = 1 / (1 + np.exp(-(x @ w)))
        grad = x.T @ (p - y) + penalty * w
        hess = (x * (p * (1 - p))[:, None]).T @ x + np.diag(penalty) + 1e-9 * np.eye(x.shape[1])
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return Model(bias=round(float(w[0]), 3), weights=tuple((n, round(float(v), 3)) for n, v in zip(names, w[1:])))


def accuracy(rows, model: Model) -> float:
    return sum((model.logit(f) > 0) == label for f, label, _ in rows) / max(1, len(rows))


def render(start: Model, wrong: Model, threshold: float, seeds: list[int], sources: list[str], pages: int,
           counts: tuple[int, int]) -> str:
    def literal(name: str, model: Model) -> str:
        body = ",\n".join(f"    ({n!r}, {w})" for n, w in model.weights)
        return f"{name} = Model(bias={model.bias}, weights=(\n{body},\n))\n"
    return (f"# Fitted on seeds {','.join(map(str, seeds))} of the sources {', '.join(sources)} ({pages} pages a seed):\n"
            f"# {counts[0]} story-start decisions and {counts[1]} finished stories.\n"
            + literal("STORY_START", start) + literal("WRONG", wrong) + f"WRONG_THRESHOLD = {threshold}\n")


def write(block: str) -> None:
    text = FITTED.read_text(encoding="utf-8")
    begin = text.index("# BEGIN FITTED")
    begin = text.index("\n", begin) + 1
    end = text.index("# END FITTED")
    FITTED.write_text(text[:begin] + block + text[end:], encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=int, default=20)
    ap.add_argument("--seeds", default=",".join(map(str, iq.FIT_SEEDS)))
    ap.add_argument("--sources", default="sim,typeset")
    ap.add_argument("--work", type=Path, default=iq.DEFAULT_WORK)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--l2", type=float, default=2.0)
    ap.add_argument("--recall", type=float, default=0.93, help="share of wrong stories the flags must catch on the fit seeds")
    ap.add_argument("--write", action="store_true", help="rewrite the FITTED block of importer/fitted.py")
    args = ap.parse_args(argv)
    seeds = [int(s) for s in args.seeds.split(",") if s]
    if set(seeds) & set(iq.REPORT_SEEDS):
        print(f"seeds {sorted(set(seeds) & set(iq.REPORT_SEEDS))} are report seeds: they are never fitted on")
        return 2
    initialize()
    sources = [s for s in args.sources.split(",") if iq.load_source(s) is not None]
    pages = [p for s in sources for seed in seeds for p in iq.load_source(s).generate(seed, args.pages, args.work)]
    model = fitted.STORY_START
    names = [n for n, _ in model.weights]
    rows: list[tuple[dict[str, float], bool, bool]] = []
    for r in range(args.rounds):
        seen = [row for page in pages for row in labelled(page, model)]
        names = sorted({n for f, _, _ in seen for n in f} | set(names))
        print(f"round {r + 1}: {len(seen)} decisions, {sum(label for _, label, _ in seen)} of them new stories; "
              f"the weights in use decide {accuracy(seen, model):.3f} of them right")
        rows += seen
        model = fit(rows, names, args.l2)
        print(f"  refitted on {len(rows)}: {accuracy(rows, model):.3f} right on the data it was fitted on")
    for name, w in sorted(model.weights, key=lambda nw: -abs(nw[1])):
        print(f"  {name:20s} {w:+.3f}")
    print(f"  {'(bias)':20s} {model.bias:+.3f}")
    stories = [row for page in pages for row in stories_judged(page, model)]
    layout.STORY_START = fitted.STORY_START
    print(f"review flags as the importer sets them now: {flag_figures(stories, fitted.WRONG, fitted.WRONG_THRESHOLD)}")
    wrong_names = sorted({n for f, _, _ in stories for n in f})
    wrong = fit(stories, wrong_names, args.l2)
    threshold = threshold_for(stories, wrong, args.recall)
    print(f"refitted on {len(stories)} stories, threshold {threshold}: {flag_figures(stories, wrong, threshold)}")
    for name, w in sorted(wrong.weights, key=lambda nw: -abs(nw[1]))[:12]:
        print(f"  {name:28s} {w:+.3f}")
    if args.write:
        write(render(model, wrong, threshold, seeds, sources, args.pages, (len(rows), len(stories))))
        print(f"wrote {FITTED.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
