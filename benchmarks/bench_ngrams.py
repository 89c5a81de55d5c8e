#!/usr/bin/env python3
"""N-gram pass benchmark: the g/ shards of a full build, numpy against the key-by-key reference.

Analyses the articles once (as the build does before it forks), then runs
each pass in a forked process of its own and prints, side by side, its CPU
seconds (user + system, median over --repeat runs; system time is mostly
writing the shard files and varies with the machine's load) and how much
the process's peak memory (ru_maxrss) grew over what it inherited. The reference
is the one tests/test_search_ngrams.py compares with; both must write the
same bytes, which the benchmark checks too.

The articles come from benchmarks/make_corpus.py (copyrighted: they stay in .cache/).

    python3 benchmarks/bench_ngrams.py                      # 10,000 articles
    python3 benchmarks/bench_ngrams.py --sizes 10000,30000 --repeat 3 --no-reference
"""
from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))

from bench_build import corpus, read_articles  # noqa: E402


def measure(job) -> tuple[float, float, float]:
    """(user CPU s, system CPU s, peak memory growth in MB) of job() in a forked process."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        start = resource.getrusage(resource.RUSAGE_SELF)
        job()
        end = resource.getrusage(resource.RUSAGE_SELF)
        os.write(write, f"{end.ru_utime - start.ru_utime} {end.ru_stime - start.ru_stime} "
                        f"{(end.ru_maxrss - start.ru_maxrss) / 1024}".encode())
        os._exit(0)
    os.close(write)
    data = os.read(read, 100).decode()
    os.waitpid(pid, 0)
    user, system, mb = map(float, data.split())
    return user, system, mb


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--work", type=Path, default=Path("/tmp/bench-ngrams"))
    parser.add_argument("--no-reference", action="store_true", help="numpy pass only (the reference takes ~20 s)")
    args = parser.parse_args()

    from wxnews_site.config import SiteConfig
    from wxnews_site.search import ngrams
    from wxnews_site.search.layout import Writer, analyse
    from test_search_ngrams import files, reference

    for size in [int(s) for s in args.sizes.split(",")]:
        articles = sorted(read_articles(corpus(size)), key=lambda a: (a.date, a.page, a.position, a.id))
        config = SiteConfig()
        started = time.process_time()
        docs = [analyse(a, config) for a in articles]
        analysed = time.process_time() - started
        out_new, out_ref = args.work / "numpy", args.work / "reference"

        def run_numpy() -> None:
            ngrams.write_ngrams(Writer(out_new, fresh=True), docs)

        def run_reference() -> None:
            reference(docs, out_ref)

        runs = []
        for _ in range(args.repeat):
            shutil.rmtree(out_new, ignore_errors=True)
            runs.append(measure(run_numpy))
        print(f"{size:,} articles, {sum(len(d.norm) for d in docs):,} characters (analysed once: {analysed:.2f} CPU s)")
        print(f"  {'pass':<12}{'CPU s':>8}{'user':>8}{'system':>8}{'peak growth MB':>16}")

        def row(name: str, runs: list[tuple[float, float, float]]) -> None:
            user, system, mb = (statistics.median(r[i] for r in runs) for i in range(3))
            print(f"  {name:<12}{statistics.median(r[0] + r[1] for r in runs):>8.2f}{user:>8.2f}{system:>8.2f}{mb:>16.1f}")

        row("numpy", runs)
        if not args.no_reference:
            shutil.rmtree(out_ref, ignore_errors=True)
            row("reference", [measure(run_reference)])
            same = files(out_new) == files(out_ref)
            print(f"  shards byte-identical: {'yes' if same else 'NO'}")
            if not same:
                return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
