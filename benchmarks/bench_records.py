#!/usr/bin/env python3
"""Records benchmark: the search index's d/ records and dict.bin, their size and the CPU they cost.

Analyses the articles once (as the build does before it forks), then runs
the records process (index._write_records) in a forked process of its own,
twice: writing its files, and with a writer that only counts them (file
creation is system time that depends on the file system's state and the
machine's load, so the second figure is the code's own). Then prints where
that CPU goes (in this process: choosing the code book and dictionary, the
records' JSON, ranked code, deflate) and the sizes: d/ in all, dict.bin,
record pieces (mean, largest), which search.js's first-view budget plans with.

The articles come from benchmarks/make_corpus.py (copyrighted: they stay in .cache/).

    python3 benchmarks/bench_records.py                      # 10,000 articles
    python3 benchmarks/bench_records.py --sizes 10000,30000 --repeat 3
"""
from __future__ import annotations

import argparse
import gc
import shutil
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))

from bench_build import corpus, read_articles  # noqa: E402
from bench_ngrams import measure  # noqa: E402

# The format before the ranked code (UTF-8 records, 32 KB dictionary), measured
# with the same scripts: bench_search.py at 8,263 articles, this at 10,000.
BEFORE = {"d/ at 8,263 articles": "15.7 MB", "dict.bin": "15.3 KB", "records process": "8.9 CPU s"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--work", type=Path, default=Path("/tmp/bench-records"))
    args = parser.parse_args()

    from wxnews_site.config import SiteConfig
    from wxnews_site.search import index
    from wxnews_site.search.records import Codec

    class Counting(index.Writer):
        """Counts what would be written, writes nothing."""
        def write(self, rel: str, data: bytes) -> None:
            self.files += 1
            self.bytes += len(data)

    gc.disable()  # as write_index does
    for size in [int(s) for s in args.sizes.split(",")]:
        docs = sorted(read_articles(corpus(size)), key=lambda a: (a.date, a.page, a.position, a.id))
        config = SiteConfig()
        texts = [index.printed(a) for a in docs]
        urls = [f"{a.date:%Y/%m/%d}/{a.page:02d}-{a.position:02d}.html" for a in docs]
        url_of = {a.id: u for a, u in zip(docs, urls)}
        out = args.work / "search"
        step = max(1, len(docs) // index.DICT_SAMPLE)
        sample = [index.records(docs[n], *texts[n], config, urls[n]) for n in range(0, len(docs), step)]

        def with_files() -> None:
            index._write_records(index.Writer(out, fresh=True), docs, sample, config, lambda a: url_of[a.id])

        def without_files() -> None:
            index._write_records(Counting(out, fresh=True), docs, sample, config, lambda a: url_of[a.id])

        written, counted = [], []
        for _ in range(args.repeat):
            shutil.rmtree(out, ignore_errors=True)
            written.append(measure(with_files))
            counted.append(measure(without_files))

        # Where the CPU goes, step by step as _write_records takes them.
        clock = time.process_time
        t0 = clock()
        codec = Codec.choose([r for n in range(0, len(docs), step)
                              for r in index.records(docs[n], *texts[n], config, urls[n])])
        t1 = clock()
        flags = index.has_mapped([text for text, _ in texts])
        pieces = [r for n, a in enumerate(docs) for r in index.records(a, *texts[n], config, urls[n], flags[n])]
        t2 = clock()
        coded = [codec.encode(r) for r in pieces]
        t3 = clock()
        sizes = []
        for data in coded:
            c = codec._primed.copy()
            sizes.append(len(c.compress(data) + c.flush()))
        t4 = clock()

        def cpu(runs: list[tuple[float, float, float]]) -> str:
            return (f"{statistics.median(u + s for u, s, _ in runs):6.2f} CPU s  (user "
                    f"{statistics.median(u for u, _, _ in runs):.2f}, system {statistics.median(s for _, s, _ in runs):.2f})")

        print(f"{size:,} articles, {sum(map(len, pieces)):,} characters of record JSON, median of {args.repeat}")
        print(f"  records process, files written   {cpu(written)}")
        print(f"  records process, nothing written {cpu(counted)}")
        print(f"    code book and dictionary {t1 - t0:5.2f} s   records' JSON {t2 - t1:5.2f} s   "
              f"ranked code {t3 - t2:5.2f} s   deflate {t4 - t3:5.2f} s")
        prefix = len(codec.prefix())
        print(f"  d/ {sum(sizes) / 1e6:.2f} MB in {len(sizes):,} files; dict.bin {prefix / 1024:.1f} KB; "
              f"pieces: mean {statistics.mean(sizes) / 1024:.2f} KB, largest {max(sizes) / 1024:.2f} KB "
              f"(search.js plans 1.76 KB)")
        print("  before the ranked code: " + ", ".join(f"{k} {v}" for k, v in BEFORE.items()))
    shutil.rmtree(args.work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
