#!/usr/bin/env python3
"""Typeset pages: a page source for measuring the importer, independent of tests/pagegen.py.

Real People's Daily pages (../shared/corpus/rmrb_rss) are laid out as HTML
broadsheets (column grid, headlines, CSS-column bodies, photos, jump markers,
adverts, editor lines) in one of several house styles, printed to PDF by
headless Chromium (Playwright) and read back with pdfminer.six's own layout
analysis and reading order. Gold comes from the corpus records and is checked
against the extracted text character for character; pages where it cannot be
are dropped and counted.

Needs: Debian chromium and fonts-noto-cjk, and the `bench` extra (pdfminer.six, playwright).

    python3 benchmarks/typeset_pages.py --seed 1 --pages 10 --work bench-out

Files go to WORK/typeset/seed-N/ (html, pdf, txt, gold.yaml); they hold corpus
text and must never be committed.
"""
from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from typeset.generate import run  # noqa: E402


def generate(seed: int, pages: int, work: Path) -> list[dict]:
    """Page-source contract: one dict per page (name, raw, gold, shapes, style)."""
    return run(seed, pages, Path(work)).pages


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--pages", type=int, default=10)
    ap.add_argument("--work", type=Path, default=Path("bench-out"))
    args = ap.parse_args(argv)
    rep = run(args.seed, args.pages, args.work)
    made = len(rep.pages) + len(rep.dropped)
    new = made - rep.reused
    per = f"{rep.seconds / new:.2f} s per new page" if new else "all from cache"
    print(f"{len(rep.pages)} pages typeset, {len(rep.dropped)} dropped, {rep.reused} reused from cache, "
          f"{rep.seconds:.1f} s ({per})")
    print(f"glyphs mapped back (radicals, dashes): {rep.mapped}")
    for name, why in rep.dropped:
        print(f"  dropped {name}: {why}")
    arts = [a for p in rep.pages for a in p["gold"]["articles"]]
    joints = sum(len(p["gold"]["joints"]) for p in rep.pages)
    print(f"{len(arts)} gold articles, {joints} joints; styles: {dict(Counter(p['style'] for p in rep.pages))}")
    tags = Counter(t for p in rep.pages for t in p["shapes"]) + Counter(t for a in arts for t in a["shapes"])
    print("shapes: " + ", ".join(f"{t} {n}" for t, n in sorted(tags.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
