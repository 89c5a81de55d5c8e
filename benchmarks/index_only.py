"""bench_search.py --index-only: the search index alone, built from an articles folder of any size.

A full site build of a million articles may not be at hand; the index's own
figures need none. The articles are parsed once into pickled segments of
SEGMENT articles (``--work/parsed``, kept for the next run), which every pass
of the index then reads afresh, in order, as the site build's source does:
the index never holds the archive. Each measured step runs in a forked
process, so its peak memory and CPU can be read once it has ended:

* cold: ``write_index`` of every article (wall, CPU of all its processes,
  peak resident memory of the build process and of its largest worker);
* one changed article, twice (the first patch links every file of the
  previous index into the spare folder; the second, as in a site's steady
  state, only what the last build changed);
* a new day's issue of 100 articles (copies of the archive's first 100, dated
  the day after its last), patched from the changes alone, with ``TAIL_MOST``
  lowered to 50 for that step alone: the year's postings rebuilt whole
  (``years.py``: what a patch does every ``TAIL_MOST`` articles, folding the
  year's tail into its base); the next day's, which starts the year's tail
  segment (``layout.TAIL``); a third and a fourth day's, appended to the tail
  (the steady state of a daily paper; each step says what the newest segment
  is then);

then the first-query download in headless Chromium, the search page taken
from a small site built from the folder's first articles with the large
index linked into it.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import pickle
import resource
import shutil
import sys
import time
from pathlib import Path
from typing import Callable, Iterator

from wxnews_site.config import SiteConfig
from wxnews_site.format import FormatError, article_relpath, parse_article
from wxnews_site.model import Article
from wxnews_site.search.index import write_index
from wxnews_site.search.layout import OWN_FILES, TAIL
from wxnews_site.search import patch
from wxnews_site.search.patch import clear, close, load, patch_edits
from wxnews_site.site import urls

SEGMENT = 5_000  # articles per pickled segment


class Segments:
    """The articles of a folder, parsed once, read afresh from their pickled segments at each pass."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.count = json.loads((folder / "count.json").read_text())

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[Article]:
        for k in range(-(-self.count // SEGMENT)):
            yield from pickle.loads((self.folder / f"{k}.pickle").read_bytes())

    def at(self, n: int) -> Article:
        return pickle.loads((self.folder / f"{n // SEGMENT}.pickle").read_bytes())[n % SEGMENT]

    @staticmethod
    def prepare(articles: Path, folder: Path, limit: int | None = None) -> "Segments":
        """Parse the folder's article files in the index's order (by path: year, month, day, 版, position),
        the first ``limit`` of them with one."""
        if (folder / "count.json").is_file() and (folder / "from.json").read_text() == json.dumps([str(articles), limit]):
            return Segments(folder)
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        started, batch, count = time.perf_counter(), [], 0
        for path in _article_files(articles):
            if count + len(batch) == limit:
                break
            rel = path.relative_to(articles).as_posix()
            try:
                batch.append(parse_article(path.read_text(encoding="utf-8"), rel))
            except FormatError as exc:
                sys.exit(f"{rel}: {exc}")
            if len(batch) == SEGMENT:
                (folder / f"{count // SEGMENT}.pickle").write_bytes(pickle.dumps(batch, pickle.HIGHEST_PROTOCOL))
                count, batch = count + len(batch), []
        if batch:
            (folder / f"{count // SEGMENT}.pickle").write_bytes(pickle.dumps(batch, pickle.HIGHEST_PROTOCOL))
            count += len(batch)
        (folder / "count.json").write_text(json.dumps(count))
        (folder / "from.json").write_text(json.dumps([str(articles), limit]))
        print(f"parsed {count} articles of {articles} in {time.perf_counter() - started:.0f} s (once, kept in {folder})")
        return Segments(folder)


def _article_files(root: Path) -> Iterator[Path]:
    """Article files in path order, one folder at a time (a million paths are never listed at once)."""
    for year in sorted(p for p in root.iterdir() if p.is_dir()):
        for month in sorted(p for p in year.iterdir() if p.is_dir()):
            for day in sorted(p for p in month.iterdir() if p.is_dir()):
                yield from sorted(p for p in day.iterdir() if p.suffix == ".md")


class Cycled:
    """A source of ``count`` articles: the base's over and over, each round dated later by the base's span
    rounded up to whole weeks (as make_corpus.py repeats its corpus), with ids and paths to match."""

    def __init__(self, base: Segments, count: int):
        self.base, self.count = base, count
        first, last = base.at(0).date, base.at(len(base) - 1).date
        self.span = dt.timedelta(days=((last - first).days // 7 + 1) * 7)

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[Article]:
        n, shift = 0, dt.timedelta(0)
        while True:
            for a in self.base:
                if n == self.count:
                    return
                yield a if not shift else _dated(a, a.date + shift, a.page, a.position)
                n += 1
            shift += self.span

    def at(self, n: int) -> Article:
        rounds, k = divmod(n, len(self.base))
        a = self.base.at(k)
        return _dated(a, a.date + self.span * rounds, a.page, a.position) if rounds else a


def _dated(a: Article, day: dt.date, page: int, position: int) -> Article:
    return dataclasses.replace(a, date=day, page=page, position=position,
                               id=f"{day.isoformat()}-{page:02d}-{position:02d}",
                               path=article_relpath(day, page, position))


class Changed:
    """A source with some articles replaced (by id)."""

    def __init__(self, base: Segments, replaced: dict[str, Article]):
        self.base, self.replaced = base, replaced

    def __len__(self) -> int:
        return len(self.base)

    def __iter__(self) -> Iterator[Article]:
        return (self.replaced.get(a.id, a) for a in self.base)


@dataclasses.dataclass(frozen=True)
class Measured:
    value: object
    wall: float
    cpu: float
    peak_mb: float     # the measured process's peak resident memory
    worker_mb: float   # its largest forked worker's


def measured(work: Callable[[], object]) -> Measured:
    """work() in a forked process: its result (picklable), wall seconds, CPU seconds of it and
    its workers, and peak resident memory of it and of its largest worker."""
    read, write = os.pipe()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        code = 0
        try:
            value = work()
            peaks = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                     resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
            os.write(write, pickle.dumps((value, peaks)))
        except BaseException as exc:  # noqa: BLE001 (reported by the parent)
            print(f"failed: {exc!r}", file=sys.stderr)
            code = 1
        finally:
            os._exit(code)
    os.close(write)
    with os.fdopen(read, "rb") as fh:
        data = fh.read()
    _, status = os.waitpid(pid, 0)
    wall = time.perf_counter() - started
    if status or not data:
        sys.exit("a measured step failed")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    value, (own, workers) = pickle.loads(data)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return Measured(value, wall, cpu, own / 1024, workers / 1024)


def new_issue(source: Segments | Cycled, count: int = 100, later: int = 1, after: dt.date | None = None
              ) -> list[Article]:
    """The archive's first ``count`` articles as a new issue, dated ``later`` days after its last (or
    ``after``: the index's newest day, when earlier runs added issues), ten to a 版."""
    last = after or source.at(len(source) - 1).date
    day = last + dt.timedelta(days=later)
    out = []
    for k, a in enumerate(source.at(n) for n in range(count)):
        out.append(_dated(a, day, 1 + k // 10, 1 + k % 10))
    return out


def run(articles: Path, work: Path, first_queries: list[str], size: Callable, limit: int | None = None,
        cycle: int | None = None, reuse: bool = False) -> None:
    config = SiteConfig()
    source: Segments | Cycled = Segments.prepare(articles, work / "parsed", limit)
    if cycle:
        source = Cycled(source, cycle)
    cache = work / ".cache"
    a_dir, b_dir = work / "index-a", work / "index-b"
    n = len(source)
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; {n} articles from {articles}"
          + (f" (its {len(source.base)} over and over, dated later each round)" if cycle else ""))
    current = _current(cache, a_dir, b_dir) if reuse else None
    steps: list[tuple[str, Measured]] = []
    middle = source.at(n // 2)

    def edit(text: str) -> Article:
        return dataclasses.replace(middle, body=middle.body + text)

    def patched(into: Path, edited: list[Article]) -> Measured:
        return measured(lambda: patch_edits(edited, urls.article, None, into, spare(into), config, cache))

    def spare(folder: Path) -> Path:
        return b_dir if folder == a_dir else a_dir

    if current is None:
        for d in (cache, a_dir, b_dir):
            shutil.rmtree(d, ignore_errors=True)
        cold = measured(lambda: write_index(source, a_dir, config, cache, urls.article))
        index_bytes = sum(p.stat().st_size for name in OWN_FILES for p in _files(a_dir / "search" / name))
        print(f"cold: {cold.wall:.1f} s wall, {cold.cpu:.1f} s CPU ({cold.cpu / n * 1000:.2f} ms an article), "
              f"peak {cold.peak_mb:.0f} MB (build process), {cold.worker_mb:.0f} MB (largest worker); "
              f"index {index_bytes / 2**20:.1f} MiB, {index_bytes / n:.0f} bytes an article", flush=True)
        steps.append(("one changed article, first patch (links every file)", patched(b_dir, [edit("（本报记者核实）")])))
        current = b_dir
    else:
        print(f"cold: reused, the index in {current} (--reuse)")
    steps.append(("one changed article (steady state)", patched(spare(current), [edit("补记：辋村。")])))
    current = spare(current) if steps[-1][1].value is not None else current

    def folding(into: Path, edited: list[Article]) -> Measured:
        def work():
            patch.TAIL_MOST = 50  # (in the measured process alone: its 100 articles are more)
            return patch_edits(edited, urls.article, None, into, spare(into), config, cache)
        return measured(work)

    issues = [("a new day's issue of 100 articles, the tail full: its year rebuilt whole", folding),
              ("the next day's issue of 100", patched), ("a third day's", patched), ("a fourth day's", patched)]
    state = load(cache)
    newest = dt.date.fromisoformat(state.last[0]) if state is not None and state.last else None
    close(state)
    for day, (name, step) in enumerate(issues, 1):
        steps.append((name, step(spare(current), new_issue(source, later=day, after=newest))))
        current = spare(current) if steps[-1][1].value is not None else current
        steps[-1] = (f"{name} ({_newest_segment(current)})", steps[-1][1])
    for name, m in steps:
        stats = m.value
        what = "patched" if stats is not None and stats.patched else "NOT patched (a full build needed)"
        print(f"{name}: {m.wall:.2f} s wall, {m.cpu:.2f} s CPU, peak {m.peak_mb:.0f} MB; {what}"
              + (f", {stats.files} files written, {stats.linked} linked" if stats is not None else ""), flush=True)
    _browse(articles, work, current, first_queries, size)


def _newest_segment(folder: Path) -> str:
    """What the index's newest segment is after a step: its year's base, or its tail and how many articles."""
    meta = json.loads((folder / "search" / "meta.json").read_bytes())
    name, first = meta["segments"][-1]
    return f"then a tail of {meta['docs'] - first} articles" if name.endswith(TAIL) else "then no tail"


def _current(cache: Path, *folders: Path) -> Path | None:
    """Which folder holds the index the cache's state describes (None: no such index)."""
    state = load(cache)
    close(state)
    for folder in folders:
        try:
            if state is not None and json.loads((folder / "search" / "meta.json").read_bytes())["build"] == state.build:
                return folder
        except (OSError, ValueError, KeyError):
            continue
    return None


def _files(path: Path) -> Iterator[Path]:
    if path.is_file():
        yield path
    elif path.is_dir():
        for folder, _, names in os.walk(path):
            for name in names:
                yield Path(folder) / name


def _browse(articles: Path, work: Path, index_dir: Path, queries: list[str], size: Callable) -> None:
    """First-query bytes: a small site's search page over the large index."""
    from wxnews_site.site.build import build_site

    mini = work / "mini"
    shutil.rmtree(mini, ignore_errors=True)
    for k, path in enumerate(_article_files(articles)):
        if k == 50:
            break
        target = mini / "articles" / path.relative_to(articles)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    result = build_site(SiteConfig(), articles_dir=mini / "articles", out_dir=mini / "site", progress=False)
    if not result.ok:
        sys.exit("the small site did not build")
    search = mini / "site" / "search"
    clear(search)
    for name in OWN_FILES:
        os.symlink(index_dir / "search" / name, search / name)
    size(mini / "site", queries)
