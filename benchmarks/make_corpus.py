#!/usr/bin/env python3
"""Make a large articles folder for build and search benchmarks from the People's Daily corpus.

Imports the JSON Lines corpus (9,565 records, 8,305 article files over 104
issues) with the normal JSON Lines importer. Asked for more articles than the
corpus holds, it imports the corpus again with every date shifted forward by
the corpus's span rounded up to whole weeks (so weekday and weekend issues keep
their page counts), as many times as needed, and stops at exactly N article
files. The corpus text is copyrighted: the output is for local benchmarks only
and must never be committed.

Examples:
    python3 benchmarks/make_corpus.py --articles 10000 --out .cache/corpus-10k
    python3 benchmarks/make_corpus.py --articles 50000 --out .cache/corpus-50k

The output folder must be new or empty unless --force is given (an existing
archive there would be mixed with the corpus otherwise).
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path

from wxnews_site.config import SiteConfig
from wxnews_site.importer import write
from wxnews_site.importer.jsonl import STORY_KINDS, pages_from_records

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "rmrb_rss" / "rmrb_rss_corpus.jsonl"


def shifted_records(lines: list[bytes], want: int):
    """(line, record) pairs, repeating the corpus with later dates until `want` article records."""
    records = [(n, json.loads(raw)) for n, raw in enumerate(lines, start=1) if raw.strip()]
    dates = sorted({dt.date.fromisoformat(r["date"]) for _, r in records})
    span = ((dates[-1] - dates[0]).days // 7 + 1) * 7
    count = 0
    repeat = 0
    while count < want:
        shift = dt.timedelta(days=span * repeat)
        for n, rec in records:
            is_story = (rec.get("kind") or "article") in STORY_KINDS
            if is_story and count >= want:
                return
            if shift:
                rec = dict(rec, date=(dt.date.fromisoformat(rec["date"]) + shift).isoformat())
            count += is_story
            yield n, rec
        repeat += 1


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, required=True, metavar="N", help="number of article files to make")
    ap.add_argument("--out", type=Path, required=True, metavar="DIR", help="articles folder to create")
    ap.add_argument("--corpus", type=Path, default=CORPUS, help=f"JSON Lines corpus (default: {CORPUS})")
    ap.add_argument("--force", action="store_true", help="write into a non-empty folder")
    args = ap.parse_args(argv)
    if args.articles < 1:
        ap.error("--articles must be 1 or more")
    if not args.corpus.exists():
        print(f"corpus not found: {args.corpus}", file=sys.stderr)
        return 1
    if args.out.exists() and any(args.out.iterdir()) and not args.force:
        print(f"{args.out} is not empty; use --force to import into it anyway", file=sys.stderr)
        return 1
    t0 = time.perf_counter()
    lines = args.corpus.read_bytes().split(b"\n")
    pages = pages_from_records(shifted_records(lines, args.articles), args.corpus.name,
                               config=SiteConfig(), paper="人民日报")
    t1 = time.perf_counter()
    plan = write.plan(pages, args.out.resolve())
    write.apply(plan)
    t2 = time.perf_counter()
    n_articles = len(plan.articles)
    days = len({p.date for p in pages})
    print(f"{n_articles} articles on {len(pages)} pages of {days} issues "
          f"({pages[0].date} .. {pages[-1].date}) written to {args.out}")
    print(f"read+parse {t1 - t0:.2f} s, plan+write {t2 - t1:.2f} s, total {t2 - t0:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
