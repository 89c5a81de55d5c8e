#!/usr/bin/env python3
"""Import speed: the bundled page, thousands of raw pages, and the 9,565-record JSON Lines corpus.

Prints medians over several runs (for the seed page the first run, which
loads jieba and warms caches, is not counted), each through the real command (`wxnews_site.cli.main`)
into a fresh temporary articles folder:

    seed page        samples/2024-06-30_02.txt, first import and re-import
    raw pages        N simulated raw pages (default 3,000) in one run
    JSON Lines       the People's Daily corpus, first import and re-import

Simulated pages are corpus pages laid out as e-paper raw text by
tests/pagegen.py (column breaks, displaced leads, jumps, byline styles), as in
benchmarks/simulate_pages.py. The corpus is read from ../shared, never copied.

    python3 benchmarks/bench_import.py [--runs 5] [--pages 3000] [--big-runs 1]
"""
from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import random
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


def timed(argv: list[str]) -> tuple[float, float]:
    """Wall-clock and CPU seconds of one in-process command run."""
    out = io.StringIO()
    t0, c0 = time.perf_counter(), time.process_time()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = cli(argv)
    took = time.perf_counter() - t0, time.process_time() - c0
    if code != 0:
        raise SystemExit(f"import failed ({code}): {' '.join(argv[:4])} ...\n{out.getvalue()[-2000:]}")
    return took


def first_and_again(args: list[str], work: Path, runs: int, warm_up: bool = False) -> tuple[tuple[float, float], tuple[float, float]]:
    """Median (wall, CPU) seconds of a first import into an empty folder, and of re-importing unchanged input."""
    firsts, agains = [], []
    for i in range(runs + warm_up):
        out = work / f"articles-{i}"
        t1 = timed(["import", *args, "--articles", str(out)])
        t2 = timed(["import", *args, "--articles", str(out)])
        shutil.rmtree(out)
        if i or not warm_up:  # a warm-up run loads jieba and fills the OS cache
            firsts.append(t1)
            agains.append(t2)
    med = lambda xs, k: statistics.median(x[k] for x in xs)  # noqa: E731
    return (med(firsts, 0), med(firsts, 1)), (med(agains, 0), med(agains, 1))


def fmt(t: tuple[float, float], unit: str = "s") -> str:
    k = 1000 if unit == "ms" else 1
    return f"{t[0] * k:8.2f} {unit} (cpu {t[1] * k:7.2f})"


def simulated_pages(n: int, folder: Path) -> list[Path]:
    """N raw pages from corpus articles, laid out by tests/pagegen.py, named YYYY-MM-DD_PP.txt (8 pages an issue)."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    sys.path.insert(0, str(ROOT / "tests"))
    import pagegen  # type: ignore[import-not-found]
    import simulate_pages  # type: ignore[import-not-found]

    files: list[Path] = []
    seed = 0
    while len(files) < n:
        # Each seed shuffles the corpus pages and their jumps differently.
        for arts in simulate_pages.load_pages(random.Random(seed), n - len(files)):
            raw, _gold = pagegen.layout(arts, seed=len(files))
            day = dt.date(2030, 1, 1) + dt.timedelta(days=len(files) // 8)
            path = folder / f"{day.isoformat()}_{len(files) % 8 + 1:02d}.txt"
            path.write_text(raw, encoding="utf-8")
            files.append(path)
        seed += 1
    return files


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5, help="runs per figure after a warm-up run (default 5)")
    ap.add_argument("--pages", type=int, default=3000, help="simulated raw pages (default 3000)")
    ap.add_argument("--big-runs", type=int, default=1, help="runs for the raw pages and JSON Lines figures (default 1; 0 skips them)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        work = Path(tmp)
        print("wall-clock medians, CPU seconds of the process in brackets; a first import creates every file")
        first, again = first_and_again([str(SAMPLE)], work, args.runs, warm_up=True)
        print(f"{'seed page (1 page)':28s} first {fmt(first, 'ms')}   re-import {fmt(again, 'ms')}   "
              f"(median of {args.runs})")

        raw = work / "raw"
        raw.mkdir()
        if not CORPUS.exists():
            print(f"corpus not found at {CORPUS}: raw pages and JSON Lines skipped")
            return 0
        if args.big_runs < 1:
            print("--big-runs 0: raw pages and JSON Lines skipped")
            return 0
        files = simulated_pages(args.pages, raw)
        runs = args.big_runs
        first, again = first_and_again([str(f) for f in files], work, runs)
        print(f"{f'raw pages ({len(files)})':28s} first {fmt(first)}   re-import {fmt(again)}   "
              f"{first[0] / len(files) * 1000:.1f} ms/page (median of {runs})")

        n = sum(1 for _ in open(CORPUS, encoding="utf-8"))
        first, again = first_and_again(["--jsonl", str(CORPUS), "--paper", "人民日报"], work, runs)
        print(f"{f'JSON Lines ({n} records)':28s} first {fmt(first)}   re-import {fmt(again)}   "
              f"{n / first[0]:,.0f} records/s (median of {runs})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
