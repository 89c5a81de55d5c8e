#!/usr/bin/env python3
"""The editors' loop at archive scale: check, link check, serve's watcher and rebuild.

Prints medians for a large articles folder (make one with make_corpus.py):

    python3 benchmarks/make_corpus.py --articles 10000 --out .cache/corpus-10k/articles
    python3 benchmarks/bench_workflow.py --articles .cache/corpus-10k/articles

Figures:
- check, article part: read_archive alone, then the extra checks (duplicate
  stories, bylines, leftovers) on top;
- check_links over the full build, beside a baseline that only *extracts* the
  links with html.parser (what a parser-based checker would pay before
  resolving anything): the ratio says why linkcheck uses regular expressions;
- one poll of serve's watcher (stat of every watched file), against the 0.5 s
  poll interval;
- save-to-rebuilt for one edited article (the incremental build serve runs).
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from html.parser import HTMLParser
from pathlib import Path

from wxnews_site.commands.check import duplicate_stories, leftover_problems, people_problems
from wxnews_site.config import SiteConfig
from wxnews_site.devserver import POLL_SECONDS, PACKAGE, fingerprint
from wxnews_site.format import read_archive
from wxnews_site.linkcheck import check_links
from wxnews_site.site.build import build_site


def median_seconds(fn, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), result


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.links.extend(v for k, v in attrs if k in ("href", "src") and v)


def parser_baseline(out: Path) -> int:
    n = 0
    for f in out.rglob("*.html"):
        p = _Links()
        p.feed(f.read_text(encoding="utf-8"))
        n += len(p.links)
    return n


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--articles", type=Path, default=Path(".cache/corpus-10k/articles"))
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    if not args.articles.is_dir():
        print(f"{args.articles} not found; make it with benchmarks/make_corpus.py (see --help)", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="wxnews-bench-workflow-"))
    try:
        articles = work / "articles"
        shutil.copytree(args.articles, articles)
        config = SiteConfig(root=work)

        t_read, archive = median_seconds(lambda: read_archive(articles), args.runs)
        t_extra, _ = median_seconds(lambda: (duplicate_stories(archive), people_problems(archive, config, articles),
                                             leftover_problems(archive, articles)), args.runs)
        n = len(archive.articles)
        print(f"articles: {n} in {len(archive.pages)} page files")
        print(f"check, article part: read_archive {t_read:.2f} s + extra checks {t_extra:.2f} s "
              f"(extra = {t_extra / t_read:.0%} of reading)")

        t = time.perf_counter()
        result = build_site(config, progress=False)
        t_build = time.perf_counter() - t
        if not result.ok:
            print("build failed:", *result.problems[:5], sep="\n  ", file=sys.stderr)
            return 1
        out = result.out_dir
        pages = sum(1 for _ in out.rglob("*.html"))
        t_links, problems = median_seconds(lambda: check_links(out), args.runs)
        t_base, n_links = median_seconds(lambda: parser_baseline(out), args.runs)
        print(f"full build: {pages} HTML pages in {t_build:.1f} s")
        print(f"check_links: {t_links:.2f} s median ({pages / t_links:.0f} pages/s, {len(problems)} problems) | "
              f"html.parser link extraction only: {t_base:.2f} s ({n_links} links) | ratio {t_base / t_links:.1f}x")

        roots = [articles, PACKAGE / "templates", PACKAGE / "static"]
        t_poll, files = median_seconds(lambda: fingerprint(roots), 20)
        print(f"serve watcher: one poll of {len(files)} files {t_poll * 1000:.0f} ms median "
              f"(polls every max({POLL_SECONDS} s, 4 x poll): {t_poll / max(POLL_SECONDS + t_poll, 5 * t_poll):.0%} of one core)")

        target = next(articles.rglob("*-01.md"))
        rebuilds, rendered, search = [], [], []
        for i in range(args.runs):
            text = target.read_text(encoding="utf-8")
            target.write_text(text.rstrip("\n") + f"\n\n补记{i}。\n", encoding="utf-8")
            t = time.perf_counter()
            r = build_site(config, progress=False)
            rebuilds.append(time.perf_counter() - t)
            assert r.ok, r.problems[:3]
            rendered.append(r.rendered)
            search.append(r.timings.get("search", 0.0))
        print(f"serve rebuild after one edited article: {statistics.median(rebuilds):.2f} s median "
              f"(full build {t_build:.1f} s: {t_build / statistics.median(rebuilds):.1f}x faster; "
              f"search index {statistics.median(search):.1f} s of it; pages rendered per rebuild {rendered}, "
              f"all of them when the theme or code changed meanwhile); plus at most {POLL_SECONDS + 0.2:.1f} s to notice the save")
    finally:
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(work.with_name(work.name + ".partial"), ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
