#!/usr/bin/env python3
"""Import speed: the bundled page, thousands of raw pages, and the 9,565-record JSON Lines corpus.

Prints medians over several runs (the first run, which loads jieba and warms
caches, is not counted), each through the real command (`wxnews_site.cli.main`)
into a fresh temporary articles folder:

    seed page        samples/2024-06-30_02.txt, first import and re-import
    raw pages        N simulated raw pages (default 3,000) in one run
    JSON Lines       the People's Daily corpus, first import and re-import

Simulated pages come from A's page generator when present (tests/pagegen.py),
else from the corpus: each corpus page laid out as printed text (kicker,
title, subtitle, byline, paragraphs, editor credits), repeated with later
dates until there are N. The corpus is read from ../shared and never copied.

    python3 benchmarks/bench_import.py [--runs 5] [--pages 3000]
"""
from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from wxnews_site.cli import main as cli

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "2024-06-30_02.txt"
CORPUS = ROOT.parent / "shared" / "corpus" / "rmrb_rss" / "rmrb_rss_corpus.jsonl"


def timed(argv: list[str]) -> float:
    out = io.StringIO()
    t0 = time.perf_counter()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = cli(argv)
    took = time.perf_counter() - t0
    if code != 0:
        raise SystemExit(f"import failed ({code}): {' '.join(argv[:4])} ...\n{out.getvalue()[-2000:]}")
    return took


def first_and_again(args: list[str], work: Path, runs: int) -> tuple[float, float]:
    """Median seconds of a first import into an empty folder, and of re-importing unchanged input."""
    firsts, agains = [], []
    for i in range(runs + 1):
        out = work / f"articles-{i}"
        t1 = timed(["import", *args, "--articles", str(out)])
        t2 = timed(["import", *args, "--articles", str(out)])
        shutil.rmtree(out)
        if i:  # run 0 loads jieba and fills the OS cache
            firsts.append(t1)
            agains.append(t2)
    return statistics.median(firsts), statistics.median(agains)


def corpus_pages(n: int, folder: Path) -> list[Path]:
    """Lay corpus pages out as raw text files named YYYY-MM-DD_PP.txt, repeating with later dates."""
    pages: dict[tuple[str, int], list[dict]] = {}
    with open(CORPUS, encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            pages.setdefault((rec["date"], int(rec["page"])), []).append(rec)
    keys = sorted(pages)
    first = dt.date.fromisoformat(keys[0][0])
    span = ((dt.date.fromisoformat(keys[-1][0]) - first).days // 7 + 1) * 7
    files: list[Path] = []
    repeat = 0
    while len(files) < n:
        for date, page in keys:
            if len(files) >= n:
                break
            day = dt.date.fromisoformat(date) + dt.timedelta(days=span * repeat)
            blocks: list[str] = []
            credits: list[str] = []
            for rec in sorted(pages[(date, page)], key=lambda r: int(r.get("order") or 0)):
                if rec["kind"] == "editor_credit":
                    credits += [x for x in (rec.get("title"), rec.get("body")) if x]
                    continue
                blocks += [x for x in (rec.get("kicker"), rec.get("title"), rec.get("subtitle"), rec.get("authors")) if x]
                blocks += [p for p in (rec.get("body") or "").split("\n") if p.strip()]
                blocks += rec.get("captions") or []
            path = folder / f"{day.isoformat()}_{page:02d}.txt"
            path.write_text("\n\n".join(blocks + credits) + "\n", encoding="utf-8")
            files.append(path)
        repeat += 1
    return files


def simulated_pages(n: int, folder: Path) -> tuple[list[Path], str]:
    sys.path.insert(0, str(ROOT / "tests"))
    try:
        import pagegen  # type: ignore[import-not-found]
    except ImportError:
        pagegen = None
    if pagegen is not None and hasattr(pagegen, "write_pages"):
        return pagegen.write_pages(n, folder), "tests/pagegen.py"
    if not CORPUS.exists():
        raise SystemExit(f"no page generator and no corpus at {CORPUS}")
    return corpus_pages(n, folder), "corpus pages laid out as raw text"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5, help="runs per figure after a warm-up run (default 5)")
    ap.add_argument("--pages", type=int, default=3000, help="simulated raw pages (default 3000)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        work = Path(tmp)
        first, again = first_and_again([str(SAMPLE)], work, args.runs)
        print(f"{'seed page (1 page)':34s} first {first * 1000:8.1f} ms   re-import {again * 1000:8.1f} ms   "
              f"(median of {args.runs})")

        raw = work / "raw"
        raw.mkdir()
        files, how = simulated_pages(args.pages, raw)
        runs = max(1, min(args.runs, 2))
        first, again = first_and_again([str(f) for f in files], work, runs)
        print(f"{f'raw pages ({len(files)})':34s} first {first:8.2f} s    re-import {again:8.2f} s    "
              f"{first / len(files) * 1000:.1f} ms/page (median of {runs}; {how})")

        if CORPUS.exists():
            n = sum(1 for _ in open(CORPUS, encoding="utf-8"))
            first, again = first_and_again(["--jsonl", str(CORPUS), "--paper", "人民日报"], work, runs)
            print(f"{f'JSON Lines ({n} records)':34s} first {first:8.2f} s    re-import {again:8.2f} s    "
                  f"{n / first:,.0f} records/s (median of {runs})")
        else:
            print(f"JSON Lines: corpus not found at {CORPUS}; skipped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
