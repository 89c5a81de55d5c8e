#!/usr/bin/env python3
"""Search benchmark: quality, size and speed of the browser search on a real archive.

Imports the ``kind: article`` records of the People's Daily corpus (read from
../shared, never copied into the repository) with ``import --jsonl``, builds
the site cold and warm, then serves it on 127.0.0.1 and runs the real
search.js in headless Chromium:

* quality: for each query, recall and precision of ``wxnewsSearch`` against
  the articles whose normalised searchable text contains the normalised query
  (computed here in Python);
* size: the index on disk, and the bytes a fresh browser downloads for a
  first query (page, scripts, index pieces, excerpts);
* speed: build time cold and warm, and query time once the pieces are loaded;
* latency: a first query's time when every fetch waits a simulated round trip.

Pagefind 1.5.2 (extended) runs side by side when its ``pagefind`` module is
importable here (``pip install -e '.[bench]'``): it indexes the 8,263 article
pages of a hard-linked copy of the built site in a temporary folder (removed
afterwards), and its index time (wall and CPU seconds) is printed beside ours.
Both indexes, ``site/search/`` (without its ``index.html``) and Pagefind's
``pagefind/``, are then measured three ways, with the ratio ours/Pagefind:
bytes (sum of file sizes), disk use (the files' allocated blocks, as ``du``) and
file count, by part too (ours: d, g, k, m, w, meta; Pagefind: fragment, index,
other). Without Pagefind, or with ``--no-pagefind``, its figures from the issue
are quoted instead; its recall, precision and first-query bytes always are
(its JS search is not run here). Usage::

    python3 benchmarks/bench_search.py [--work .cache/bench-search] [--queries 老旧小区,長三角] [--no-build] [--no-pagefind]
                                       [--no-ranges]

``--no-build`` reuses the site already built in ``--work`` (the builds take minutes).
``--first-views SITE`` measures only the first-query downloads of a site built elsewhere (the
million-article site bench_build.py leaves in ``WORK/ours-full/build``), with no oracle.
"""
from __future__ import annotations

import argparse
import dataclasses
import functools
import gzip
import http.server
import importlib.metadata
import importlib.util
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from wxnews_site.cli import main as cli
from wxnews_site.config import load_config
from wxnews_site.devserver import StaticHandler
from wxnews_site.format import read_archive
from wxnews_site.search.normalize import normalize, parse_query, searchable_text, squeeze
from wxnews_site.site.build import build_site

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "rmrb_rss" / "rmrb_rss_corpus.jsonl"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]

# Names, places, terms, phrases and traditional-script forms, 2 to 8 characters.
QUERIES = """老旧小区 加装电梯 长三角 粤港澳大湾区 英伟达 华为 民生实事 航道 小区改造 長三角 機器人
机器人 人形机器人 人工智能 新质生产力 乡村振兴 高质量发展 一带一路 碳达峰 雄安新区 海南自贸港 数字经济
低空经济 芯片 新能源汽车 光伏 冰雪运动 共同富裕 中国式现代化 黄河 长江经济带 京津冀 无锡 苏州 杭州
算力 大模型 养老服务 城市更新 垃圾分类 文化遗产 非遗 敦煌 三星堆 臺灣 經濟發展 國務院 習近平 龚鸣
关皓宇 中国人 三角 机器 主航道 大湾区 全过程人民民主 两岸 春运 稳就业""".split()

SIZE_QUERIES = ["老旧小区", "长三角", "加装电梯", "华为", "機器人", "粤港澳大湾区", "英伟达"]
# Long queries of common parts: many articles hold every bigram but not the whole.
LONG_QUERIES = ["中国式现代化建设", "全过程人民民主", "高质量发展新质生产力", "推动经济社会发展"]
# What readers type for what the paper prints otherwise (issue 16), by kind.
KINDS = {
    # Ⅳ, Ⅲ, ①, ℃ in the text: compatibility forms folded as NFKC does
    "compatibility forms": ["IV级应急响应", "Ⅳ级", "III类", "图1", "°C", "II期", "I级响应", "Ⅲ级"],
    # characters that are traditional and standard simplified both: only themselves
    "simplified too": ["苔", "乾", "干", "昇", "甯", "吒", "噁", "二噁英", "蒜薹", "乾隆"],
    # spaces inside quotes between Han characters are no break
    "phrases with spaces": ['"老旧 小区"', '"长三角 金融"', '"粤港澳 大湾区"', '"人工 智能"', '"新质 生产力"'],
    # names printed with spaces, phrases broken by quotes: near matches, counted apart
    "near": ["常晋", "常晋文", "七一勋章获得者", "中国东盟", "双碳目标", "十四五规划", "一带一路倡议", "五四青年节",
             "徐之文"],
    # marks in the query narrow its candidates
    "punctuation": ["一带一路·", "中国—东盟", "５％", "5.5%", "3.0", "中国—中亚", "1/3", "2.0版"],
}

# From the issue; "disk" is bytes (sum of sizes) in MiB, as du -sh --apparent-size prints them.
PAGEFIND = {
    "disk": "37 MB", "first query": "340 KB (median)",
    "recall": {"老旧小区": 0.01, "长三角": 0.01, "加装电梯": 0.24, "粤港澳大湾区": 0.18},
    "precision": {"华为": 0.06, "英伟达": 0.05},
    "wrong": {"機器人": 4928},
}


def import_corpus(articles: Path) -> None:
    if articles.is_dir() and any(articles.rglob("*.md")):
        return
    if not CORPUS.exists():
        sys.exit(f"corpus not found: {CORPUS}")
    with tempfile.TemporaryDirectory() as tmp:
        only = Path(tmp) / "articles.jsonl"
        with CORPUS.open(encoding="utf-8") as src, only.open("w", encoding="utf-8") as dst:
            for line in src:
                if line.strip() and json.loads(line).get("kind") == "article":
                    dst.write(line)
        code = cli(["import", "--jsonl", str(only), "--articles", str(articles)])
        if code:
            sys.exit(f"import failed ({code})")


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (the jieba workers)."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def build(work: Path, cold: bool, ranges: bool = True) -> tuple[float, float, float, float]:
    """(wall seconds of the build, of its search stage, CPU seconds, peak memory in MB of the build).

    Each build runs in a child process, so that its peak resident memory
    (and its workers' CPU time) can be read with getrusage once it has ended.
    """
    from index_only import measured

    if cold:
        shutil.rmtree(work / ".cache", ignore_errors=True)
        shutil.rmtree(work / "site", ignore_errors=True)

    def site() -> tuple[float, float]:
        config = dataclasses.replace(load_config(root=work), search_ranges=ranges)
        result = build_site(config, articles_dir=work / "articles", out_dir=work / "site", progress=False)
        if not result.ok:
            raise RuntimeError("build failed:\n" + "\n".join(map(str, result.problems[:20])))
        return result.seconds, result.timings.get("search", float("nan"))

    run = measured(site)
    seconds, search = run.value
    # Peak resident memory of the build process and of its largest worker.
    return seconds, search, run.cpu, max(run.peak_mb, run.worker_mb)


def change_one_article(articles: Path) -> tuple[Path, bytes]:
    """Append a sentence to one article file, as an editor would; returns the file and its old bytes."""
    files = sorted(articles.rglob("*.md"))
    path = files[len(files) // 2]
    data = path.read_bytes()
    path.write_bytes(data.rstrip(b"\n") + "\n\n补记：辋村。\n".encode())
    return path, data


@dataclass
class Size:
    """Bytes (sum of file sizes), disk use (allocated 512-byte blocks, as du) and file count."""
    bytes: int = 0
    disk: int = 0
    files: int = 0

    def add(self, st: os.stat_result) -> None:
        self.bytes += st.st_size
        self.disk += st.st_blocks * 512
        self.files += 1


@dataclass
class FolderSize:
    total: Size = field(default_factory=Size)
    parts: dict[str, Size] = field(default_factory=dict)


def our_part(rel: Path) -> str:
    return rel.parts[0] if len(rel.parts) > 1 else "meta"


def pagefind_part(rel: Path) -> str:
    return rel.parts[0] if len(rel.parts) > 1 and rel.parts[0] in ("fragment", "index") else "other"


def folder_size(folder: Path, part_of: Callable[[Path], str], skip: frozenset[str] = frozenset()) -> FolderSize:
    """Sizes of the files under folder (but those named in skip), in all and by part."""
    out = FolderSize()
    seen: set[tuple[int, int]] = set()
    for f in sorted(folder.rglob("*")):
        if not f.is_file() or f.name in skip:
            continue
        st = f.stat()
        # du counts a file hard-linked twice in the folder once; so do the three figures.
        if (st.st_dev, st.st_ino) in seen:
            continue
        seen.add((st.st_dev, st.st_ino))
        out.total.add(st)
        out.parts.setdefault(part_of(f.relative_to(folder)), Size()).add(st)
    return out


@dataclass
class PagefindRun:
    version: str
    seconds: float
    cpu: float
    size: FolderSize


PAGEFIND_GLOB = "20*/**/*-*.html"  # the article pages only, like 2026/06/08/02-04.html


def run_pagefind(site: Path) -> PagefindRun | None:
    """Index the built site's article pages with Pagefind, if installed here; None if not (or it failed).

    It runs on a hard-linked copy, so that its pagefind/ folder never lands
    in (or, through a shared inode, overwrites a file of) the built site.
    """
    if importlib.util.find_spec("pagefind") is None:
        print("Pagefind: not installed in this interpreter, so its figures quoted from the issue are used;"
              " to run it side by side: pip install -e '.[bench]'")
        return None
    # Beside the site, so that the hard links stay on one file system.
    with tempfile.TemporaryDirectory(prefix=".pagefind-", dir=site.parent) as tmp:
        copy = Path(tmp) / "site"
        shutil.copytree(site, copy, copy_function=os.link,
                        ignore=lambda d, names: {"pagefind"} if Path(d) == site else set())
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "pagefind", "--site", str(copy), "--glob", PAGEFIND_GLOB],
                              capture_output=True, text=True)
        seconds = time.perf_counter() - t0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if done.returncode or not (copy / "pagefind").is_dir():
            tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-10:])
            print(f"Pagefind failed ({done.returncode}), its figures quoted from the issue are used:\n{tail}")
            return None
        cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
        size = folder_size(copy / "pagefind", pagefind_part)
        return PagefindRun(importlib.metadata.version("pagefind"), seconds, cpu, size)


def mib(n: float) -> str:
    return f"{n / 2**20:.1f}"


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}" if b else "-"


def print_sizes(ours: FolderSize, pagefind: PagefindRun | None) -> None:
    """Both indexes side by side: bytes and disk use in MiB (2^20 bytes, as du -h), files."""
    row = "  {:<24}{:>11}{:>11}{:>9}"
    print("\nindex on disk (MiB = 2^20 bytes; disk = the files' allocated blocks, as du without the folders' own)")
    print(row.format("", "bytes MiB", "disk MiB", "files"))

    def block(name: str, size: FolderSize) -> None:
        print(row.format(name, mib(size.total.bytes), mib(size.total.disk), f"{size.total.files:,}"))
        for part, s in sorted(size.parts.items()):
            print(row.format(f"  {part}", mib(s.bytes), mib(s.disk), f"{s.files:,}"))

    block("ours (search/)", ours)
    if pagefind is None:
        print(row.format("Pagefind (issue, quoted)", PAGEFIND["disk"].split()[0], "?", "?"))
        quoted = float(PAGEFIND["disk"].split()[0]) * 2**20
        print(row.format("ours/Pagefind", ratio(ours.total.bytes, quoted), "-", "-"))
        return
    block("Pagefind (pagefind/)", pagefind.size)
    theirs = pagefind.size.total
    print(row.format("ours/Pagefind", ratio(ours.total.bytes, theirs.bytes), ratio(ours.total.disk, theirs.disk),
                     ratio(ours.total.files, theirs.files)))


class Compressing(StaticHandler):
    """As GitHub Pages, Netlify or Cloudflare serve a site: text (HTML, CSS, JS,
    JSON) gzipped for a browser that accepts it, byte ranges honoured."""

    def do_GET(self) -> None:
        path = Path(self.translate_path(self.path))
        text = path.suffix in (".html", ".css", ".js", ".json", ".xml", ".svg")
        if "Range" in self.headers or "gzip" not in self.headers.get("Accept-Encoding", "") or not text \
                or not path.is_file():
            super().do_GET()
            return
        body = gzip.compress(path.read_bytes(), 6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class NoRanges(Compressing):
    """A host that answers every request with the whole file (Cloudflare Pages, python3 -m http.server)."""

    def do_GET(self) -> None:
        if "Range" in self.headers:
            del self.headers["Range"]
        super().do_GET()


def serve(folder: Path, handler=StaticHandler) -> tuple[http.server.ThreadingHTTPServer, str]:
    """The site on a static server that honours byte ranges, as GitHub Pages, Netlify or S3 do."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def kb(n: float) -> str:
    return f"{n / 1024:.1f} KB"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--work", type=Path, default=ROOT / ".cache" / "bench-search")
    ap.add_argument("--queries", help="comma-separated queries instead of the built-in set")
    ap.add_argument("--no-build", action="store_true",
                    help="reuse the site already built in --work (with --index-only: the index and its state)")
    ap.add_argument("--repeat", type=int, default=1, help="times to repeat the cold, warm, one-changed builds")
    ap.add_argument("--no-ranges", action="store_true",
                    help="build as for a host that ignores byte ranges (search.ranges: false): a file per piece")
    ap.add_argument("--index-only", action="store_true",
                    help="build only the search index of --articles (any size) and measure it: cold build, "
                         "one changed article, a new day's issue, first-query bytes (see index_only.py)")
    ap.add_argument("--articles", type=Path, help="the articles folder of --index-only")
    ap.add_argument("--limit", type=int, help="--index-only: the folder's first N articles only")
    ap.add_argument("--cycle", type=int, metavar="N",
                    help="--index-only: N articles, the folder's over and over with later dates (as make_corpus.py)")
    ap.add_argument("--first-views", type=Path, metavar="SITE",
                    help="only the first-query bytes of a site already built (say the million-article build "
                         "bench_build.py leaves in its --work folder, ours-full/build)")
    ap.add_argument("--no-pagefind", action="store_true",
                    help="do not run Pagefind side by side; quote its figures from the issue")
    args = ap.parse_args()
    first = SIZE_QUERIES + LONG_QUERIES + ["老旧小区 加装电梯", "人工智能 大模型"]
    if args.first_views:
        print(f"first views of {args.first_views} (load {os.getloadavg()[0]:.1f})")
        first_views(args.first_views.resolve(), args.queries.split(",") if args.queries else first)
        return 0
    work: Path = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    if args.index_only:
        if args.articles is None:
            ap.error("--index-only needs --articles DIR")
        import index_only

        index_only.run(args.articles.resolve(), work, args.queries.split(",") if args.queries else first,
                       first_views, args.limit, args.cycle, args.no_build)
        return 0
    kinds = {"usual": QUERIES, "long": LONG_QUERIES, **KINDS}
    if args.queries:
        kinds = {"asked": args.queries.split(",")}
    queries = list(dict.fromkeys(q for qs in kinds.values() for q in qs))

    import_corpus(work / "articles")
    archive = read_archive(work / "articles")
    articles = archive.articles
    print(f"corpus: {len(articles)} articles in {work / 'articles'}")

    if not args.no_build:
        runs: dict[str, list[tuple[float, float, float, float]]] = {"cold": [], "warm": [], "one changed": []}
        for _ in range(args.repeat):
            runs["cold"].append(build(work, cold=True, ranges=not args.no_ranges))
            runs["warm"].append(build(work, cold=False, ranges=not args.no_ranges))
            path, data = change_one_article(work / "articles")
            try:
                runs["one changed"].append(build(work, cold=False, ranges=not args.no_ranges))
            finally:
                path.write_bytes(data)
        print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} (other work slows wall times)")
        print(f"builds of {len(articles)} articles, median of {args.repeat}")
        print(f"  {'':<14}{'all s':>8}{'search s':>10}{'CPU s':>8}{'peak MB':>9}")
        for name, rs in runs.items():
            med = [statistics.median(r[i] for r in rs) for i in range(4)]
            print(f"  {name:<14}{med[0]:>8.1f}{med[1]:>10.1f}{med[2]:>8.1f}{med[3]:>9.0f}")
        print("  bars on 10,000 articles: cold 19 s in all (search under ~12 s), one changed under 1 s, peak 500 MB")
    site = work / "site"
    pagefind = None if args.no_pagefind else run_pagefind(site)
    if pagefind:
        # Pagefind only indexes pages already built: compare with a build's search stage, not the whole build.
        print(f"  Pagefind {pagefind.version} index of the {len(articles)} built article pages: "
              f"{pagefind.seconds:.1f} s wall, {pagefind.cpu:.1f} s CPU (one run, after the site build)")
    print_sizes(folder_size(site / "search", our_part, skip=frozenset({"index.html"})), pagefind)

    texts = {a.id: normalize(searchable_text(a)) for a in articles}
    truth = {q: oracle(q, texts) for q in queries}

    from playwright.sync_api import sync_playwright

    server, url = serve(site)
    gzipped, gz_url = serve(site, Compressing)
    whole, whole_url = serve(site, NoRanges)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
            quality(browser, url, kinds, truth)
            every = first if args.queries else list(dict.fromkeys(first + [q for qs in KINDS.values() for q in qs]))
            size(browser, url, every, "served uncompressed (the most a host can make it)", truth)
            size(browser, gz_url, first, "text gzipped as hosts serve it (index pieces are compressed already)", truth)
            size(browser, whole_url, every, "gzipped by a host that ignores Range (each piece costs its pack)",
                 truth, bar_kb=1024)
            speed(browser, url, queries[:20])
            latency(browser, url, SIZE_QUERIES)
            browser.close()
    finally:
        server.shutdown()
        gzipped.shutdown()
        whole.shutdown()
    return 0


def first_views(site: Path, queries: list[str]) -> None:
    """size() of a built site's first views, served with byte ranges, counts unchecked (no oracle)."""
    from playwright.sync_api import sync_playwright

    server, url = serve(site)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
            size(browser, url, queries, "served uncompressed (the most a host can make it)", {})
            browser.close()
    finally:
        server.shutdown()


def oracle(query: str, texts: dict[str, str]) -> tuple[set[str], set[str]]:
    """Ctrl+F with the search's own folding: (the articles holding every term as typed,
    the near matches apart: every term once the marks between Han characters are ignored)."""
    terms = parse_query(query)
    near_terms = [squeeze(t) for t in terms]
    exact = {i for i, t in texts.items() if all(term in t for term in terms)}
    near = {i for i, t in texts.items() if i not in exact and all(term in squeeze(t) for term in near_terms)}
    return exact, near


def recall_precision(truth: set[str], got: set[str]) -> tuple[float, float]:
    hit = len(truth & got)
    recall = hit / len(truth) if truth else (1.0 if not got else 0.0)
    precision = hit / len(got) if got else (1.0 if not truth else 0.0)
    return recall, precision


def quality(browser, url: str, kinds: dict[str, list[str]], truth: dict[str, tuple[set[str], set[str]]]) -> None:
    page = browser.new_page()
    page.goto(url + "search/index.html")
    page.wait_for_function("window.wxnewsSearch !== undefined")
    n = len({q for qs in kinds.values() for q in qs})
    print(f"\nquality: {n} queries, recall and precision against Ctrl+F over the normalised text; near matches"
          " (the query ignoring marks between Han characters) apart")
    print(f"{'query':<16}{'truth':>7}{'found':>7}{'recall':>8}{'prec.':>8}{'total@10':>10}"
          f"{'near':>6}{'found':>7}{'recall':>8}{'prec.':>8}  Pagefind")
    summary = []
    for kind, queries in kinds.items():
        print(f"-- {kind}")
        worst = [1.0, 1.0, 1.0, 1.0]
        near_total = 0
        for q in queries:
            exact, near = truth[q]
            res = page.evaluate("(q) => wxnewsSearch(q, {limit: 1e9, near: 1e9})", q)
            first = page.evaluate("(q) => wxnewsSearch(q, {limit: 10})", q)
            got = {r["id"] for r in res["results"]}
            got_near = {r["id"] for r in res["near"]["results"]} if res["near"] else set()
            scores = recall_precision(exact, got) + recall_precision(near, got_near)
            worst = [min(w, x) for w, x in zip(worst, scores)]
            near_total += len(near)
            ref = []
            if q in PAGEFIND["recall"]:
                ref.append(f"recall {PAGEFIND['recall'][q]}")
            if q in PAGEFIND["precision"]:
                ref.append(f"precision {PAGEFIND['precision'][q]}")
            if q in PAGEFIND["wrong"]:
                ref.append(f"{PAGEFIND['wrong'][q]} wrong pages")
            at10 = f"{'' if first['exact'] else '~'}{first['total']}"
            if first["total"] != res["total"]:
                print(f"  ! total {first['total']} with limit 10, {res['total']} with every result")
            if [r["id"] for r in first["results"]] != [r["id"] for r in res["results"][:10]]:
                print("  ! the first 10 results are not the first 10 of every result")
            print(f"{q:<16}{len(exact):>7}{len(got):>7}{scores[0]:>8.3f}{scores[1]:>8.3f}{at10:>10}"
                  f"{len(near):>6}{len(got_near):>7}{scores[2]:>8.3f}{scores[3]:>8.3f}  {'; '.join(ref)}")
            if res["total"] != len(got):
                print(f"  ! total {res['total']} but {len(got)} results")
            if res["near"] and (res["near"]["total"] != len(got_near) or not res["near"]["exact"]):
                print(f"  ! near total {res['near']['total']} (exact: {res['near']['exact']}) but {len(got_near)} results")
        summary.append((kind, len(queries), *worst, near_total))
    print("\nby kind: lowest recall and precision, exact and near (bar: 1.00 each)")
    print(f"  {'kind':<22}{'queries':>8}{'recall':>8}{'prec.':>8}{'near rec.':>10}{'near prec.':>11}{'near found':>11}")
    for kind, count, r, p, nr, np_, nt in summary:
        print(f"  {kind:<22}{count:>8}{r:>8.2f}{p:>8.2f}{nr:>10.2f}{np_:>11.2f}{nt:>11}")
    page.close()


STATUS_COUNT = re.compile(r"(共找到|约有) (\d+) 篇")


def size(browser, url: str, queries: list[str], how: str, truth: dict[str, tuple[set[str], set[str]]],
         bar_kb: int = 120) -> None:
    """Bytes a fresh browser downloads to show the search page's first view of each query,
    and how far the count it shows (共找到 exact, 约有 an estimate) is from the exact total."""
    print("\nsize: bytes downloaded by a fresh browser for a first query (page, CSS, JS, index pieces, excerpts),")
    print(f"the site {how}; est.: the count shown against the exact total")
    totals: dict[str, int] = {}
    errors: list[float] = []
    for q in [None] + queries:
        context = browser.new_context()
        page = context.new_page()
        got: list[tuple[str, int, str]] = []
        page.on("requestfinished", lambda req: got.append((req.url, req.sizes()["responseBodySize"],
                                                           req.headers.get("range", ""))))
        page.goto(url + "search/index.html" + (f"?q={urllib.parse.quote(q)}" if q else ""))
        shown, status, est = "", "", ""
        if q:
            page.wait_for_function("document.getElementById('search-status').textContent.includes('篇')"
                                   " || document.getElementById('search-status').textContent.includes('没有')")
        else:
            page.wait_for_function("window.wxnewsSearch !== undefined")
            page.evaluate("wxnewsSearch.meta()")
        page.wait_for_timeout(200)
        if q:
            status = page.locator("#search-status").inner_text()
            near = page.locator("#search-near")
            if near.count() and near.is_visible():
                status += " / " + near.locator(".search-near-title").inner_text()
            shown = f"{page.locator('#search-results .search-result').count():>3} shown"
            exact = len(truth[q][0]) if q in truth else None
            m = STATUS_COUNT.search(status)
            if m and exact:
                off = int(m.group(2)) / exact - 1
                errors.append(abs(off))
                est = f"est. {off:+.0%}"
        n = sum(size for _, size, _ in got)
        if q:
            totals[q] = n
        records = sum(1 for u, _, r in got if "/search/d/" in u and not r.startswith("bytes=0-"))
        over = " !" if q and n > bar_kb * 1024 else ""
        print(f"  {q or '(page, before any query)':<16}{kb(n):>10}{over}  in {len(got):>3} requests ({records:>2} records)"
              f" {shown}  {est}  {status}")
        if q:
            print("  " + " " * 16 + "  ".join(f"{k} {v[0]}/{kb(v[1])}" for k, v in sorted(where(got).items())))
        context.close()
    usual = [n for q, n in totals.items() if q in SIZE_QUERIES] or list(totals.values())
    worst = max(totals, key=totals.get)
    print(f"first query: median {kb(statistics.median(usual))} (of {len(usual)} usual queries), "
          f"max {kb(totals[worst])} ({worst}; of all {len(totals)}), {sum(n > bar_kb * 1024 for n in totals.values())}"
          f" above {bar_kb} KB   [Pagefind: {PAGEFIND['first query']}; bar: max {bar_kb} KB]")
    if errors:
        print(f"counts shown: {len(errors)} of {len(totals)} queries, largest error {max(errors):.0%}, "
              f"{sum(e > 0.25 for e in errors)} off by more than 25%")


def where(got: list[tuple[str, int, str]]) -> dict[str, list[int]]:
    """Requests and bytes by kind: the page (HTML, CSS, JS), meta, n-gram (g), term (w), dictionary (k)
    and map (m) shards, the record dictionary, records (d), and the packs' headers (hdr: the range
    at a pack's start that tells where its pieces are; a whole pack, from a host ignoring Range,
    counts as its kind)."""
    kinds: dict[str, list[int]] = {}
    for url, size, asked in got:
        path = url.split("/search/", 1)[1].split("?")[0] if "/search/" in url else ""
        if asked.startswith("bytes=0-") and size == int(asked.split("-")[1]) + 1:  # (not a whole pack)
            kind = "hdr"
        elif "/" in path:
            kind = path.split("/", 1)[0]
        elif path and path != "index.html":
            kind = path.split(".")[0]
        else:
            kind = "page"
        entry = kinds.setdefault(kind, [0, 0])
        entry[0] += 1
        entry[1] += size
    return kinds


def speed(browser, url: str, queries: list[str]) -> None:
    page = browser.new_page()
    page.goto(url + "search/index.html")
    page.wait_for_function("window.wxnewsSearch !== undefined")
    times = page.evaluate("""async (qs) => {
        const out = [];
        for (const q of qs) {
            await wxnewsSearch(q, {limit: 10});
            const t = [];
            for (let i = 0; i < 5; i++) {
                const t0 = performance.now();
                await wxnewsSearch(q, {limit: 10});
                t.push(performance.now() - t0);
            }
            t.sort((a, b) => a - b);
            out.push([q, t[2]]);
        }
        return out;
    }""", queries)
    print("\nspeed: query time once its pieces are loaded (median of 5, 10 results with excerpts)")
    print("  " + "  ".join(f"{q} {t:.1f} ms" for q, t in times))
    print(f"median {statistics.median(t for _, t in times):.1f} ms, slowest {max(t for _, t in times):.1f} ms (bar: 100 ms)")
    page.close()


ROUND_TRIP_MS = 40
# Every fetch of the index (not the page itself) waits a round trip first, as
# over a network: what a first query then takes is mostly the fetches that
# wait on one another.
SLOW_FETCH = """(() => { const f = window.fetch;
  window.fetch = async (...a) => { await new Promise(r => setTimeout(r, %d)); return f(...a); }; })();"""


def latency(browser, url: str, queries: list[str]) -> None:
    times = []
    for q in queries:
        runs = []
        for _ in range(3):
            context = browser.new_context()
            page = context.new_page()
            page.add_init_script(SLOW_FETCH % ROUND_TRIP_MS)
            page.goto(url + "search/index.html")
            page.wait_for_function("window.wxnewsSearch !== undefined")
            runs.append(page.evaluate("""async (q) => { const t0 = performance.now();
                await wxnewsSearch(q, {limit: 10, exact: false, budget: 60000}); return performance.now() - t0; }""", q))
            context.close()
        times.append((q, statistics.median(runs)))
    print(f"\nlatency: a fresh browser's first query, {ROUND_TRIP_MS} ms added to every index fetch"
          " (median of 3; the first view's budget)")
    print("  " + "  ".join(f"{q} {t:.0f} ms" for q, t in times))
    print(f"median {statistics.median(t for _, t in times):.0f} ms, "
          f"{statistics.median(t for _, t in times) / ROUND_TRIP_MS:.1f} round trips")


if __name__ == "__main__":
    sys.exit(main())
