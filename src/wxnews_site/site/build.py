"""The build, top to bottom: articles folder -> complete static site.

1. check the output folder is one the build may replace;
2. load the theme and compile every template (compiled code is cached), and
   open the last build's record (manifest.py, SQLite: one row a page, one a file);
3. read every article and page file (``format.scan_archive``), collecting all
   problems at once: only files whose stat changed are read, only files
   whose content hash is new are parsed (a first build parses half the
   archive in a second process); told which files changed (``--changed``),
   or in a git work tree told by git (gitchanges.py: since the commit the
   last build recorded), and they are body edits or a new day's issue, read
   those alone and walk nothing;
4. collect issues, 版, sections and people, and plan every page; when only
   article bodies changed since the last build, plan just those articles'
   pages from the contexts the record keeps; when only a new day's issue
   was added, plan just the pages it touches from the record's tables
   (newday.py); a cold build (no record of the site it replaces) writes the
   site's tables a year at a time and plans the pages as it renders them,
   a year and then a batch of the lists at a time (byyear.py); load the
   manifests of the partitions to merge (partition.py), if any;
5. stop here, before touching any file, when anything is wrong;
6. render into ``<out>.partial``, made from the site before the current one
   (kept beside it): pages whose content hash is unchanged stay or are
   hard-linked from the current site or a merged partition, and only the
   pages that differ are looked at (the record keeps how the kept site
   differs); the rest are rendered (on every core when there are many),
   while this process saves the parse cache and makes feeds and sitemap;
7. robots.txt, static files and the search index (patched with the edited
   or new articles when it can be);
8. swap the new folder in and record the pages and files that changed, and
   the site's tables (tables.py); a cold build's rows come from the staging
   database it filled as it rendered.

A failed build leaves the previous site untouched; two builds of the same
input are byte-identical, and an incremental build gives exactly the tree a
clean build gives (tests/test_build_incremental.py).
"""
from __future__ import annotations

import contextlib
import dataclasses
import gc
import hashlib
import itertools
import os
import pickle
import shutil
import sqlite3
import sys
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, TypeVar

import jinja2

from .. import __version__, gitchanges
from ..config import SiteConfig
from ..format import DEFAULT_YEARS, Problem, Scan, Segment, scan_archive, scan_named
from ..forks import Forked, fork_pool
from ..model import Article
from . import byyear, feeds, manifest, newday, pages as plan_mod, publish, render, tables, urls
from .pages import Page

MARKER = ".wxnews-site"  # marks a folder as a build output this tool may replace
NOJEKYLL = ".nojekyll"
PARALLEL_FROM = 2000     # below this, starting worker processes costs more than it saves
CHUNK = 400


@dataclass(frozen=True)
class BuildResult:
    ok: bool
    problems: list[Problem]
    rendered: int      # pages rendered from templates in this build
    written: int       # files written anew (rendered pages, feeds, static, search)
    seconds: float
    out_dir: Path
    reused: int = 0    # pages linked unchanged from the previous build
    timings: dict[str, float] = field(default_factory=dict)
    changed: tuple[str, ...] = ()  # paths of the pages rendered, e.g. for a live-reloading server
    notes: tuple[str, ...] = ()    # for the editor: why the archive was scanned (gitchanges.py)


def build_site(config: SiteConfig, *, articles_dir: Path | None = None, out_dir: Path | None = None,
               base_url: str | None = None, strict: bool = False, progress: bool | None = None,
               wait: bool = True, on_wait: Callable[[str], None] | None = None,
               allow_empty: bool = False, merge: Iterable[Path] = (), changed: Iterable[Path] | None = None,
               aside: bool = False) -> BuildResult:
    """Build the site; one build at a time per output folder (publish.build_lock):
    another one running is waited for (``on_wait`` hears why), or with ``wait``
    false makes this one fail at once. ``merge``: partition folders
    (partition.py) whose pages this build links wherever they are the ones it plans.
    ``changed``: the article and page files changed since the last build, as
    CI or a watcher knows them (``build --changed``): when they are body
    edits alone, the archive is not even scanned; else it is, as without.
    ``aside``: a build into another folder that must leave the record of
    the site's own build as it is (check --build): the record is set aside
    and put back while this build holds the site's lock, never under the
    feet of a build running meanwhile (serve's)."""
    out = Path(out_dir or config.output_dir).resolve()

    def run() -> BuildResult:
        return _build_site(
            config, articles_dir=articles_dir, out_dir=out_dir, base_url=base_url, strict=strict, progress=progress,
            allow_empty=allow_empty, merge=tuple(Path(m).resolve() for m in merge),
            changed=None if changed is None else tuple(Path(c).resolve() for c in changed))

    if not aside:
        return locked(config, out, wait, on_wait, run)

    def run_aside() -> BuildResult:
        with manifest.set_aside(config.root.resolve() / ".cache" / "wxnews-site"):
            return run()

    return locked(config, out, wait, on_wait, run_aside)


def locked(config: SiteConfig, out: Path, wait: bool, on_wait: Callable[[str], None] | None,
           run: Callable[[], BuildResult]) -> BuildResult:
    """Run a build holding the output folder's lock, with the cyclic garbage
    collector off; a failure to write (a full disk) is a failed build."""
    started = time.perf_counter()
    try:
        lock = publish.build_lock(out, config.root.resolve() / ".cache" / "wxnews-site", wait=wait,
                                  on_wait=on_wait or (lambda text: print(text, file=sys.stderr, flush=True)))
    except publish.Busy as exc:
        return BuildResult(False, [Problem(str(out), 0, str(exc))], 0, 0, time.perf_counter() - started, out)
    except OSError as exc:
        return BuildResult(False, [Problem(str(out), 0, f"cannot take the build lock: {exc.strerror or exc}")], 0, 0,
                           time.perf_counter() - started, out)
    # The build makes millions of objects that all live until it ends, and
    # hardly a cycle: the cyclic collector would walk them again and again
    # for nothing (5-10% of a large build). Render workers inherit this.
    enabled = gc.isenabled()
    gc.disable()
    try:
        with lock:
            return run()
    except OSError as exc:  # a full disk, a folder made read-only: the new site was removed, the old one stands
        where = f" ({exc.filename})" if exc.filename else ""
        return BuildResult(False, [Problem(str(out), 0, f"writing the site failed: {exc.strerror or exc}{where}")], 0,
                           0, time.perf_counter() - started, out)
    finally:
        if enabled:
            gc.enable()


@dataclass(frozen=True)
class _Where:
    """One build's settings, resolved."""

    config: SiteConfig
    articles_dir: Path
    out_dir: Path
    base: str                          # the base URL, with its closing slash
    cache_dir: Path
    strict: bool
    progress: bool | None
    allow_empty: bool
    merge: tuple[Path, ...]
    changed: tuple[Path, ...] | None

    @property
    def partial(self) -> Path:
        return self.out_dir.with_name(self.out_dir.name + ".partial")


@dataclass(frozen=True)
class _Read:
    """Step 3: the archive as read, and what changed since the last build."""

    scan: Scan
    save_parsed: Callable[[], None]                              # saves the parse cache (once)
    edited: dict[str, tuple[Article, manifest.Built]] | None     # only these articles' bodies changed
    fresh: newday.NewDays | None                                 # only a new day's issue was added
    problems: list[Problem]
    mark: gitchanges.Mark | None                                 # what was read, in git's terms
    note: str | None                                             # why the archive was scanned


@dataclass(frozen=True)
class _Planned:
    """Step 4: the pages planned (none yet for a cold build, planned a year at a time: ``cold``)."""

    site: Any
    pages: list[Page]
    edited: dict[str, tuple[Article, manifest.Built]] | None
    fresh: newday.NewDays | None
    news: newday.Plan | None
    cold: byyear.Cold | None
    parts: dict[str, tuple[str, str]]  # the merged partitions' pages: folder and digest by path
    problems: list[Problem]

    @property
    def short(self) -> bool:
        """The pages planned are part of the site (body edits, a new day's issue)."""
        return self.edited is not None or self.fresh is not None


@dataclass(frozen=True)
class _Folder:
    """Step 6's new site folder: ``partial``, made from the kept site before the current one when ``reuse``."""

    spare: Path
    ours: bool      # the kept site is one this tool made
    current: bool   # the record is of this output folder
    reuse: bool
    absent: tuple[str, ...] = ()  # recorded pages partial lacks besides the kept site's differences


@dataclass(frozen=True)
class _Made:
    """Step 6's pages: those rendered, how the site's digests changed, what the new site was made from."""

    todo: list[Page]
    changed: dict[str, str | None]
    was: dict[str, str | None]
    done: Rendered
    first: bool
    before: dict[str, manifest.Built]  # the files as recorded (after a full plan)
    same: dict[str, manifest.Built]    # of those, the ones unchanged since
    folders: set[str]


@dataclass(frozen=True)
class _Extras:
    """Step 7: the files besides pages and the record's rows."""

    plan: manifest.Plan
    sitemaps: dict[str, bytes]
    rows: dict[str, manifest.Built | None]
    rendered: int
    written: int


def _build_site(config: SiteConfig, *, articles_dir: Path | None, out_dir: Path | None, base_url: str | None,
                strict: bool, progress: bool | None, allow_empty: bool = False, merge: tuple[Path, ...] = (),
                changed: tuple[Path, ...] | None = None) -> BuildResult:
    started = time.perf_counter()
    timings: dict[str, float] = {}
    base = base_url if base_url is not None else config.base_url
    at = _Where(config, Path(articles_dir or config.articles_dir).resolve(), Path(out_dir or config.output_dir).resolve(),
                base + "/" if base and not base.endswith("/") else base, config.root.resolve() / ".cache" / "wxnews-site",
                strict, progress, allow_empty, merge, changed)

    def fail(problems: list[Problem], save: Callable[[], None] = lambda: None) -> BuildResult:
        save()
        return BuildResult(False, problems, 0, 0, time.perf_counter() - started, at.out_dir, 0, timings)

    # 1. where the site goes
    problems = check_output(at.out_dir, at.articles_dir, config.root.resolve())
    if problems:
        return fail(problems)
    # 2. theme, and the last build's record
    env = render.make_env(config, at.cache_dir / "templates")
    theme_problems = compile_templates(env)
    salt = salt_of(env, config, at.base)
    old = manifest.load(at.cache_dir)
    # 3. read
    look = _timed(timings, "git", lambda: _look(at, old))
    got = _timed(timings, "read", lambda: _read_archive(at, old, salt, theme_problems, look))
    # 4. plan
    planned = _timed(timings, "plan", lambda: _plan(at, env, old, salt, got))
    # 5. stop before writing anything when something is wrong
    problems = [Problem(p.path, p.line, p.message, "error") for p in planned.problems] if strict else planned.problems
    if any(p.severity == "error" for p in problems):
        return fail(problems, got.save_parsed)
    # 6. pages, 7. everything else
    folder = _new_folder(at, old, planned.cold is not None)
    search: Forked[list[Problem]] | None = None
    try:
        made, search = _pages(at, env, old, salt, got, planned, folder, timings)
        if made.done.problems:
            _abandon(at, search)
            return fail(problems + made.done.problems, got.save_parsed)
        extras = _timed(timings, "feeds", lambda: _extras(at, old, salt, got, planned, made))
        problems += _timed(timings, "search", lambda: _search(at, got, planned, search))
    except BaseException:
        _abandon(at, search)
        raise
    # 8. swap in, and record
    total = _timed(timings, "swap", lambda: _publish(at, old, planned, folder, made, extras, got.mark))
    return BuildResult(True, problems, extras.rendered, extras.written, time.perf_counter() - started, at.out_dir,
                       total - extras.rendered, timings, tuple(p.path for p in made.todo),
                       (got.note,) if got.note else ())


T = TypeVar("T")


def _timed(timings: dict[str, float], name: str, step: Callable[[], T]) -> T:
    t = time.perf_counter()
    try:
        return step()
    finally:
        timings[name] = time.perf_counter() - t


def _look(at: _Where, old: manifest.Manifest) -> gitchanges.Look:
    """Step 3's first half: the files git names changed since the last
    build, when not told (``--changed``), and what to record of git."""
    if at.changed is not None:
        # The files named are read as they are now, whatever git says of them: the next build must look at them.
        rels = [p.relative_to(at.articles_dir).as_posix() for p in at.changed if p.is_relative_to(at.articles_dir)]
        mark = old.git.naming(rels) if old.git is not None and old.git.articles == str(at.articles_dir) else None
        return gitchanges.Look(mark, None)
    look = gitchanges.look(at.articles_dir, old.git if old.valid else None, lambda rel: old.file(rel) is not None)
    # A first build scans in any case: nothing to explain.
    return look if old.valid and not at.merge else dataclasses.replace(look, changed=None, note=None)


def _read_archive(at: _Where, old: manifest.Manifest, salt: str, theme_problems: list[Problem],
                  look: gitchanges.Look) -> _Read:
    """Step 3: the files named changed (``--changed``, or by git) alone
    when they are body edits or a new day's issue, else every file; and
    whether only bodies changed or only a new day's issue was added."""
    # When only article bodies changed since the last build, the plan is the
    # same: the edited articles' pages are planned alone from the contexts the
    # last build recorded, every other page keeps its digest and is linked
    # from the last build, and no other article is even unpickled.
    # A new day's issue, the files added all on days after the newest, plans
    # just the pages it touches from the record's tables (newday.py).
    named = at.changed if look.changed is None else tuple(at.articles_dir / rel for rel in look.changed)
    scan, save_parsed, edited, fresh, why = \
        _read_named(at.articles_dir, at.cache_dir, at.config, named, old, salt, at.out_dir) \
        if named is not None and not at.merge else (None, lambda: None, None, None, None)
    note = why if look.changed is not None else look.note
    if scan is None:
        scan, save_parsed = read(at.articles_dir, at.cache_dir, at.config.years)
        edited = None if at.merge else bodies_only(old, salt, at.out_dir, scan)
        fresh = None if at.merge or edited is not None else new_days(old, salt, at.out_dir, scan, at.config)
    problems = list(scan.problems) + theme_problems
    if not at.allow_empty and scan.named is None:
        problems += refuse_emptying(scan, at.articles_dir, at.out_dir)
    return _Read(scan, save_parsed, edited, fresh, problems, look.mark, note)


def _plan(at: _Where, env: jinja2.Environment, old: manifest.Manifest, salt: str, got: _Read) -> _Planned:
    """Step 4: the pages of body edits or of a new day's issue alone; else
    the whole site: a cold build (no record of the site it replaces) writes
    the site's tables and plans a year at a time as it renders (byyear.py),
    any other plans every page now; and the partitions to merge, if any."""
    config, scan, problems = at.config, got.scan, list(got.problems)
    news = _news_plan(got.fresh, old, config) if got.fresh is not None else None
    pages = _short_plan(got.edited, at.cache_dir) if got.edited is not None else news.pages if news is not None else None
    parts, unmergeable = manifest.load_partitions(at.merge, salt) if at.merge else ({}, [])
    problems += unmergeable
    if pages is not None:
        return _Planned(_LazySite(scan, config), pages, got.edited, got.fresh, news, None, parts, problems)
    # Every page is rendered anew where the record is not of this folder or
    # was made with other templates, config or code (a theme changed): no
    # digest of the record can be kept, and the build plans a year at a time.
    anew = not (old.valid and old.out_dir == str(at.out_dir)) or old.plan is None or old.plan.salt != salt
    cold = byyear.Cold(scan, config, env, at.base, at.cache_dir) \
        if not at.merge and anew and not any(at.strict or p.severity == "error" for p in problems) else None
    if cold is not None and cold.days:
        cold.write_tables()
        return _Planned(None, [], None, None, None, cold, parts, problems)
    site = plan_mod.collect(scan.heads(), config)
    pages = plan_pages(site, config, env, at.base)
    return _Planned(site, pages, None, None, None, None, parts, problems + collisions(pages))


def _new_folder(at: _Where, old: manifest.Manifest, anew: bool) -> _Folder:
    """Step 6 begins: ``<out>.partial``, made from the kept site before the
    current one where there is one, and not when every page is made ``anew``
    (a cold build: its pages would be written through the kept site's links
    into the current one)."""
    partial, spare = at.partial, _spare(at.out_dir)
    if partial.exists():
        shutil.rmtree(partial)  # left over from an interrupted build
    # The site before the current one, kept by the last build, becomes the new
    # site by rewriting only what differs: a rebuild costs O(changes), not a
    # link per page. The current site is never written to, and the pages the
    # two share by hard link are replaced by new files, never overwritten.
    ours = (spare / MARKER).is_file()  # a folder of that name the build did not make is left alone
    current = old.valid and old.out_dir == str(at.out_dir)
    reuse = ours and current and old.has_spare and not anew
    if reuse:
        os.rename(spare, partial)
        _clear_extras(partial, old.spare_extras)
    elif ours:
        shutil.rmtree(spare)
    partial.mkdir(parents=True, exist_ok=True)
    absent: list[str] = []
    if not reuse and current and not anew and not spare.exists() and (at.out_dir / MARKER).is_file():
        # No kept site (the first rebuild after a cold build): the current one,
        # linked file by file as it is walked, is a site that differs from it
        # in nothing but the recorded pages found missing on the way (deleted
        # by hand). Linking the pages the plan keeps instead held every page's
        # digest in memory: 625 MB at a million articles.
        absent = _missing(_linked(str(at.out_dir), str(partial)), old.all_page_paths())
        _clear_extras(partial, old.plan.extras if old.plan is not None else ())
        reuse = True
    return _Folder(spare, ours, current, reuse, tuple(absent))


def _linked(source: str, target: str, prefix: str = "") -> Iterator[str]:
    """Every file of source hard-linked (or copied) into target, a folder at a
    time; yields each one's path in the record's order (of the paths' code
    points: a folder's files sort as if its name ended in "/")."""
    with os.scandir(source) as it:
        entries = sorted(((e.name + "/" if e.is_dir(follow_symlinks=False) else e.name), e) for e in it)
    folders: set[str] = set()
    for key, e in entries:
        if key.endswith("/"):
            os.makedirs(os.path.join(target, e.name), exist_ok=True)
            yield from _linked(e.path, os.path.join(target, e.name), prefix + key)
        else:
            _link(e.path, os.path.join(target, e.name), folders)
            yield prefix + e.name


def _prune(folder: str, root: str, folders: set[str]) -> None:
    """A folder left empty by a page gone, and its parents left empty by it, removed (not root)."""
    while folder != root and folder.startswith(root + os.sep):
        try:
            os.rmdir(folder)
        except OSError:  # not empty (or gone): the folders above hold it
            return
        folders.discard(folder)  # (made again if a page is written there after all)
        folder = os.path.dirname(folder)


def _missing(present: Iterator[str], recorded: Iterator[str]) -> list[str]:
    """The recorded paths not present, both in the same order: one pass over each."""
    missing: list[str] = []
    have = next(present, None)
    for path in recorded:
        while have is not None and have < path:
            have = next(present, None)
        if have != path:
            missing.append(path)
    for _ in present:  # (the rest linked)
        pass
    return missing


def _pages(at: _Where, env: jinja2.Environment, old: manifest.Manifest, salt: str, got: _Read, planned: _Planned,
           folder: _Folder, timings: dict[str, float]) -> tuple[_Made, Forked[list[Problem]] | None]:
    """Step 6: the pages in ``partial``: those unchanged kept or linked, the
    rest rendered; the search index started beside them when the whole
    archive may have to be indexed (the longest part of a cold build)."""
    config, scan, partial, files = at.config, got.scan, at.partial, got.scan.files
    t = time.perf_counter()
    # Nothing to reuse (a first build, or one into another folder): every
    # page is rendered, and the workers hash what they render.
    first = not planned.short and not folder.reuse and not planned.parts and not folder.current
    folders: set[str] = set()
    # After a full plan: the files as the record has them, and those unchanged since (same salt).
    before = old.files() if folder.current and not planned.short and planned.cold is None else {}
    same = {rel: b for rel, b in before.items() if files.get(rel) == b.sha} \
        if old.plan is not None and old.plan.salt == salt else {}
    if first or planned.cold is not None:
        todo, changed, was = list(planned.pages), {}, {}
    else:
        todo, changed, was = _todo(at, env, old, salt, got, planned, folder, before, same, folders)
    timings["hash+link"] = time.perf_counter() - t
    t = time.perf_counter()
    cold, site = planned.cold, planned.site
    search: Forked[list[Problem]] | None = None
    if cold is not None:
        many = cold.total()
        search = Forked(lambda: write_search(byyear.TableArticles(scan, cold.path, cold.count()), partial, config,
                                             at.cache_dir, previous=at.out_dir, sources=files), fork=many >= PARALLEL_FROM)
        done = _render_by_year(cold, env, partial, config, at.base, progress_bar(at.progress, many), salt, old,
                               got.save_parsed, folders)
    else:
        if not planned.short:
            search = Forked(lambda: write_search(WholeArticles(scan, site), partial, config, at.cache_dir,
                                                 previous=at.out_dir, sources=files), fork=len(todo) >= PARALLEL_FROM)
        # Feeds and sitemap are made while the workers render.
        done = render_pages(env, todo, partial, config, at.base, progress_bar(at.progress, len(todo)), scan.item,
                            account=(salt, files, manifest.contexts_folder(at.cache_dir)) if first else None,
                            meanwhile=lambda: _meanwhile(got.save_parsed, site, config, at.base, salt, scan, old,
                                                         planned.pages if not planned.short else None, same,
                                                         frozenset(planned.edited or ()), planned.news))
    timings["render"] = time.perf_counter() - t
    if first:
        changed = dict(done.digests)
    return _Made(todo, changed, was, done, first, before, same, folders), search


def _todo(at: _Where, env: jinja2.Environment, old: manifest.Manifest, salt: str, got: _Read, planned: _Planned,
          folder: _Folder, before: dict[str, manifest.Built], same: dict[str, manifest.Built], folders: set[str]
          ) -> tuple[list[Page], dict[str, str | None], dict[str, str | None]]:
    """The pages to render, once ``partial`` holds all the others (_reconcile)."""
    pages, files = planned.pages, got.scan.files
    planned_by_path = {p.path: p for p in pages}
    todo, changed, was = _reconcile(old if folder.current else None, planned_by_path, salt, files, not planned.short,
                                    folder.reuse, folder.absent, at.out_dir, at.partial, planned.parts, folders,
                                    _settled(before, same, files, got.scan))
    unplanned = [path for path, d in changed.items() if d is not None and path not in planned_by_path]
    if unplanned:  # pages of the last build gone from its folder: the short plan left them out
        everything = {p.path: p for p in plan_pages(planned.site, at.config, env, at.base)}
        todo += [everything[path] for path in unplanned]
    return todo, changed, was


def _extras(at: _Where, old: manifest.Manifest, salt: str, got: _Read, planned: _Planned, made: _Made) -> _Extras:
    """Step 7: feeds, sitemaps, robots.txt and the static files written; the
    last build's sitemaps kept where a short plan made none; the record's rows."""
    partial, folders, cold = at.partial, made.folders, planned.cold
    feed_files, sitemaps, shapes = made.done.meanwhile
    extra = {path: data for path, (_key, data, _spec, _rels) in feed_files.items()}
    extra.update(sitemaps)
    kept_maps = [path for path in (old.sitemaps() if planned.short else ()) if path not in extra]
    for path in kept_maps:  # the current ones, as recorded where gone from their folder
        if not _link(os.path.join(at.out_dir, path), urls.inside(partial, path), folders):
            extra[path] = old.sitemap(path)
    extra[urls.ROBOTS] = feeds.robots(at.base)
    extra[MARKER] = f"wxnews-site {__version__}\n".encode()
    extra[NOJEKYLL] = b""  # GitHub Pages: serve the files as they are
    for path, data in extra.items():
        _write(urls.inside(partial, path), data, folders)
    statics = copy_static(partial / "static")
    maps = tuple(cold.sitemaps) if cold is not None else ()  # written as each year was rendered
    plan = manifest.Plan(salt, feed_files, (*extra, *(m for m in kept_maps if m not in extra), *maps,
                                            *(f"static/{f}" for f in statics)))
    scan, pages = got.scan, planned.pages
    rows = {} if cold is not None else \
        _new_rows(planned.fresh, scan, pages, made.changed, at.cache_dir) if planned.fresh is not None else \
        _file_rows(made.before, made.same, scan.files, planned.edited, shapes, pages, made.changed,
                   made.done.contexts, at.cache_dir)
    rendered = made.done.rendered if cold is not None else len(made.todo)
    return _Extras(plan, sitemaps, rows, rendered, rendered + len(extra) + len(maps) + len(statics))


def _search(at: _Where, got: _Read, planned: _Planned, search: Forked[list[Problem]] | None) -> list[Problem]:
    """Step 7's search index: what the process started beside the pages
    made of it, else patched here with the edited or new articles."""
    if search is not None:
        return search.result()  # (what was left of it after the pages)
    scan, fresh, edited = got.scan, planned.fresh, planned.edited
    added = [scan.item(rel) for rel in fresh.rels if rel.endswith(".md")] if fresh is not None else []
    # Body edits, or nothing changed at all (no edits): the index is patched
    # without a look at every article, which at 100,000 articles took 8-11 s
    # when nothing had changed.
    told = [a for a, _b in edited.values()] if edited is not None else added or None
    return write_search(WholeArticles(scan, planned.site), at.partial, at.config, at.cache_dir, previous=at.out_dir,
                        sources=scan.files, edited=told)


def _abandon(at: _Where, search: Forked[list[Problem]] | None) -> None:
    """A failed build's new folder removed, and its search index stopped."""
    if search is not None:
        search.cancel()
    shutil.rmtree(at.partial, ignore_errors=True)


def _publish(at: _Where, old: manifest.Manifest, planned: _Planned, folder: _Folder, made: _Made,
             extras: _Extras, mark: gitchanges.Mark | None) -> int:
    """Step 8: the new site swapped in, and recorded (the pages and files
    that changed, the site's tables); how many pages the site has."""
    # No record while the folders move: one describing the wrong tree would
    # reuse stale pages; none costs one full build after a crash right here.
    extras_before = old.plan.extras if old.plan is not None else ()
    old.forget()
    for name in manifest.OLD_MANIFESTS:
        (at.cache_dir / name).unlink(missing_ok=True)
    spare, cold = folder.spare, planned.cold
    swap(at.partial, at.out_dir, spare if folder.ours or not spare.exists() else None)
    try:
        # The site kept beside the new one is the one before it: it differs in the pages this build changed.
        kept = made.was if (spare / MARKER).is_file() and folder.current and cold is None else None
        old.record(at.out_dir, extras.plan, made.changed, kept, extras.rows, whole=not folder.current or cold is not None,
                   spare_extras=extras_before if kept is not None else (),
                   sitemaps=(extras.sitemaps, not planned.short),
                   tables=_tables(planned.site, planned.fresh, planned.edited) if cold is None else None,
                   staged=cold.path if cold is not None else None, git=mark)
        manifest.drop_unused_contexts(at.cache_dir, old.segments())
    except (OSError, sqlite3.Error):
        pass  # the site is published; without a record the next build is a full one, nothing worse
    total = old.count
    old.close()
    return total


def _reconcile(old: manifest.Manifest | None, planned: dict[str, Page], salt: str, files: Any, whole: bool,
               reuse: bool, absent: tuple[str, ...], out_dir: Path, partial: Path, parts: dict[str, tuple[str, str]],
               folders: set[str], settled: Callable[[Page], bool]) -> tuple[list[Page], dict[str, str | None], dict[str, str | None]]:
    """Make ``partial`` the new site but for the pages to render (returned
    first): a page it holds unchanged stays, one unchanged since the current
    site (``old``, None when it is not this folder's) or made by a merged
    partition is linked, any other is unlinked. ``whole``: ``planned`` is
    the whole site, else the pages of edited articles alone; ``settled``:
    pages of the whole site known to be as recorded (not hashed again). Also returns
    how the new site's digests differ from the current site's (path -> new
    digest, None: gone) and what those pages' digests were there.

    ``partial`` holds the kept site before the current one when ``reuse``,
    whose differences from the current site the record keeps (and the
    recorded pages it lacks, ``absent``): only those pages and the changed
    ones are looked at, never every page."""
    new = {path: manifest.digest(p, salt, files) for path, p in planned.items() if not settled(p)}
    if whole:
        before = old.pages() if old is not None else {}
        had: Callable[[str], str | None] = before.get
        changed: dict[str, str | None] = {path: d for path, d in new.items() if before.get(path) != d}
        changed.update((path, None) for path in before if path not in planned)
    else:
        assert old is not None
        had = old.page
        changed = {path: d for path, d in new.items() if had(path) != d}
    differs = old.spare() if reuse and old is not None else {}
    differs.update((path, None) for path in absent)
    if reuse:
        look = [*changed, *(path for path in differs if path not in changed)]
    else:
        look = list(planned) if whole else [*changed, *(path for path in old.pages() if path not in changed)]  # type: ignore[union-attr]
    todo: list[Page] = []
    missing: set[str] = set()
    for path in look:
        want = changed[path] if path in changed else had(path)
        have = (differs[path] if path in differs else had(path)) if reuse else None
        if have is not None and have == want:
            continue
        target = urls.inside(partial, path)
        if have is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(target)  # may be a hard link into the current site
        if want is None:
            _prune(os.path.dirname(target), str(partial), folders)
            continue
        if had(path) == want:
            if _link(os.path.join(out_dir, path), target, folders):
                continue
            # A page of the current site gone from its folder (deleted by hand): made again,
            # and recorded as missing from the site the next build starts from.
            missing.add(path)
            changed[path] = want
        if parts.get(path, ("", ""))[1] == want and _link(os.path.join(parts[path][0], path), target, folders):
            continue  # made by a partition with exactly this page's content
        if path in planned:
            todo.append(planned[path])
    return todo, changed, {path: None if path in missing else had(path) for path in changed}


def _settled(before: dict[str, manifest.Built], same: dict[str, manifest.Built], files: Any, scan: Scan
             ) -> Callable[[Page], bool]:
    """Of a full plan, the article pages known to be as recorded: an article
    page shows its own day's issue alone (its 版, the stories beside it, the
    jumps between its 版), so on a day none of whose files changed, was added
    or removed, it is the page recorded. A new day's issue then hashes its
    own articles' pages, not the archive's."""
    if not same or len(files) - len(same) > len(files) // 20 + 100:
        return lambda p: False  # much changed: every page is hashed
    days = set()
    for rel, b in before.items():
        if rel not in same:
            days.add(rel.rpartition("/")[0])
            if b.page:
                days.add(b.page.rpartition("/")[0])
    for rel in files:
        if rel not in same:
            days.add(rel.rpartition("/")[0])
            item = scan.item(rel, heads=True)  # its day may not be its folder's (a file out of place)
            if item is not None:
                days.add(urls.issue(item.date).rpartition("/")[0])
    return lambda p: p.template == "article.html" and p.path.rpartition("/")[0] not in days


def _file_rows(before: dict[str, manifest.Built], same: dict[str, manifest.Built], files: Any,
               edited: dict[str, tuple[Article, manifest.Built]] | None, shapes: dict[str, str], pages: list[Page],
               changed: dict[str, str | None], made: dict[str, tuple[str, manifest.Where]], cache_dir: Path
               ) -> dict[str, manifest.Built | None]:
    """The record's rows of the files that changed (None: gone): after body
    edits, the edited files' new hashes; after a full plan, every file whose
    hash, shape or page context is not the one recorded (``before``; the
    files unchanged since, ``same``, keep their shapes)."""
    if edited is not None:
        return {rel: dataclasses.replace(b, sha=files[rel]) for rel, (_a, b) in edited.items()}
    contexts = manifest.compact_contexts(cache_dir, _contexts(pages, changed, made, before, cache_dir))
    rows: dict[str, manifest.Built | None] = {}
    for rel, sha in files.items():
        ctx = contexts.get(rel)
        kept = same.get(rel)
        b = manifest.Built(sha, kept.shape if kept is not None else shapes.get(rel), *(ctx or (None, None)))
        if before.get(rel) != b:
            rows[rel] = b
    rows.update((rel, None) for rel in before if rel not in files)
    return rows


# ---------------------------------------------------------------- reading

def read(articles_dir: Path, cache_dir: Path, years: tuple[int, int] = DEFAULT_YEARS,
         under: str = "") -> tuple[Scan, Callable[[], None]]:
    """scan_archive with parsed files cached by path and content hash, and the
    function that saves the cache (the build calls it while rendering). A cold
    read of a large archive parses half the files in a second process
    (YAML is most of its cost) in two processes, each pickling its half
    into a segment of the cache, from which the build reads articles as needed.
    ``under``: one folder of the archive alone (a partition, see partition.py)."""
    cache = manifest.load_parsed(cache_dir, years)
    if cache.empty() and articles_dir.is_dir():
        import multiprocessing  # only here and for rendering: a rebuild need not import them
        if (os.cpu_count() or 1) > 1 and "fork" in multiprocessing.get_all_start_methods() and \
                sum(1 for _ in itertools.islice((articles_dir / under).rglob("*.md"), PARALLEL_FROM)) >= PARALLEL_FROM:
            cache_dir.mkdir(parents=True, exist_ok=True)
            # Both halves in children, straight into segments of the cache, each
            # recording its files' rows itself: this process keeps no parsed
            # article (a million would not fit), nor a row of them. The table
            # is made here first: two children making it at once could each
            # find the other's unfinished and start it again.
            cache.db(create=True)
            with fork_pool(2) as pool:
                halves = [pool.submit(_parse_share, articles_dir, i, 2, cache_dir, years, under) for i in range(2)]
                for half in halves:
                    half.result()
    scan = scan_archive(articles_dir, cache, years=years, under=under)
    saved = False

    def save() -> None:
        nonlocal saved
        if not saved:
            manifest.save_parsed(cache_dir, scan)
        saved = True

    return scan, save


def _read_named(articles_dir: Path, cache_dir: Path, config: SiteConfig, changed: tuple[Path, ...],
                old: manifest.Manifest, salt: str, out_dir: Path
                ) -> tuple[Scan | None, Callable[[], None], dict[str, tuple[Article, manifest.Built]] | None,
                           newday.NewDays | None, str | None]:
    """The files named changed read alone, and the edited articles, when
    they are body edits since the last build (bodies_only), or the new days
    when they are a new day's issue (new_days); else no scan (the caller
    scans the whole archive) and why, for the editor."""
    more = ("the files changed since the last build are more than edited article bodies or a new day's issue: "
            "scanning every article file to plan the whole site")
    if old.plan is not None and old.plan.salt != salt:
        return None, lambda: None, None, None, \
            "the templates, configuration or program changed since the last build: scanning every article file"
    if old.plan is not None and old.out_dir != str(out_dir):
        return None, lambda: None, None, None, "the last build was of another output folder: scanning every article file"
    if old.plan is None:
        return None, lambda: None, None, None, more
    rels = []
    for path in changed:
        try:
            rels.append(path.relative_to(articles_dir).as_posix())
        except ValueError:
            return None, lambda: None, None, None, more  # not an article file: the hint does not say what changed
    cache = manifest.load_parsed(cache_dir, config.years)
    scan = scan_named(articles_dir, rels, cache, lambda rel: (old.file(rel) or manifest.NO_FILE).sha or None,
                      old.shas, config.years)
    edited = bodies_only(old, salt, out_dir, scan) if scan is not None else None
    fresh = new_days(old, salt, out_dir, scan, config) if scan is not None and edited is None else None
    if scan is None or (edited is None and fresh is None):
        cache.close()
        return None, lambda: None, None, None, more
    return scan, lambda: manifest.save_parsed(cache_dir, scan), edited, fresh, None


def new_days(old: manifest.Manifest, salt: str, out_dir: Path, scan: Scan, config: SiteConfig
             ) -> newday.NewDays | None:
    """The new days, when the files added since the last build all lie on
    days after its newest issue and no other file changed or went (told
    which files changed: those alone are compared); None when the site must
    be planned anew."""
    if old.plan is None or old.plan.salt != salt or old.out_dir != str(out_dir):
        return None
    added = []
    if scan.named is not None:
        for rel in scan.named:
            b = old.file(rel)
            if b is None:
                added.append(rel)
            elif b.sha != scan.files[rel]:
                return None
    else:
        built = old.shas()
        if len(built) >= len(scan.files) or any(rel not in scan.files for rel in built):
            return None
        for rel, sha in scan.files.items():
            if rel not in built:
                added.append(rel)
            elif built[rel] != sha:
                return None
    try:
        return newday.find(added, scan, old.tables, config)
    except sqlite3.Error:
        return None  # a damaged record: a full plan


def _news_plan(fresh: newday.NewDays, old: manifest.Manifest, config: SiteConfig) -> newday.Plan | None:
    try:
        return newday.plan(fresh, old.tables, config)
    except (sqlite3.Error, ValueError):
        return None  # a damaged record: a full plan


def _new_rows(fresh: newday.NewDays, scan: Scan, pages: list[Page], changed: dict[str, str | None], cache_dir: Path
              ) -> dict[str, manifest.Built | None]:
    """The record's rows of the new days' files: their hashes, articles' shapes and page contexts."""
    contexts = manifest.compact_contexts(cache_dir, _contexts(pages, changed, {}, {}, cache_dir))
    heads = {a.path: a for a in fresh.site.articles}
    return {rel: manifest.Built(scan.files[rel], plan_mod.shape(heads[rel]) if rel in heads else None,
                                *(contexts.get(rel) or (None, None))) for rel in fresh.rels}


def _tables(site: Any, fresh: newday.NewDays | None, edited: Any) -> Callable[[Any], None] | None:
    """What the record's tables become: the new days added, the whole site's after a full plan; body edits change no row."""
    if fresh is not None:
        return lambda db: tables.add(db, fresh.site)
    if edited is not None:
        return None
    return lambda db: tables.write_site(db, site)


def _share(index: int, shares: int) -> Callable[[str], bool]:
    return lambda rel: zlib.crc32(rel.encode("utf-8")) % shares == index


def _parse_share(root: Path, index: int, shares: int, cache_dir: Path, years: tuple[int, int], under: str) -> None:
    # Pickled here, on this core, straight into a segment of the cache, file by file.
    # Each batch of rows recorded as it is read, then forgotten: nothing a file stays in this process.
    cache = manifest.load_parsed(cache_dir, years)
    segment = Segment(cache_dir / manifest.PARSED)
    try:
        scan_archive(root, cache, only=_share(index, shares), years=years, under=under, spill=segment, record=True)
    finally:
        segment.close()
        cache.close()


class _LazySite:
    """The collected site, made only when something asks for it: after body
    edits the build needs none of it (the search index may)."""

    def __init__(self, scan: Scan, config: SiteConfig):
        self._scan, self._config, self._site = scan, config, None

    @property
    def articles(self) -> tuple[Article, ...]:
        return self._scan.heads().articles  # what collect would give, without collecting

    def __getattr__(self, name: str) -> Any:
        if self._site is None:
            self._site = plan_mod.collect(self._scan.heads(), self._config)
        return getattr(self._site, name)


# ----------------------------------------------------------------- checks

def check_output(out_dir: Path, articles_dir: Path, root: Path) -> list[Problem]:
    """Refuse output folders whose replacement would destroy something else."""
    where = str(out_dir)
    if out_dir == articles_dir or out_dir in articles_dir.parents:
        return [Problem(where, 0, f"the output folder would replace the articles folder {articles_dir}")]
    if articles_dir in out_dir.parents:
        return [Problem(where, 0, "the output folder must not be inside the articles folder")]
    if out_dir == root or out_dir == Path(out_dir.anchor) or out_dir == Path.home():
        return [Problem(where, 0, "refusing to replace this folder with a built site; choose e.g. build/")]
    if out_dir.exists() and (not out_dir.is_dir() or (any(out_dir.iterdir()) and not (out_dir / MARKER).exists())):
        return [Problem(where, 0, f"exists and is not a site built by wxnews-site (no {MARKER} file); "
                                  "refusing to replace it")]
    return []


def refuse_emptying(scan: Scan, articles_dir: Path, out_dir: Path) -> list[Problem]:
    """An archive with no articles must not silently replace a site that has
    some: a wrong --articles, or a folder not mounted yet, looks just like it."""
    if any(rel.endswith(".md") for rel in scan.files) or not (out_dir / MARKER).is_file():
        return []
    shown = next(_article_pages(out_dir), None)
    if shown is None:
        return []
    return [Problem(str(out_dir), 0, f"{articles_dir} holds no articles, and the site in {out_dir} has some "
                                     f"({shown}, ...): not replacing it with an empty site; check the articles "
                                     "folder, or build with --allow-empty to publish an empty archive")]


def _article_pages(out_dir: Path) -> Iterable[str]:
    """Article pages of a built site (YYYY/MM/DD/PP-NN.html), lazily."""
    for year in sorted(out_dir.glob("[0-9][0-9][0-9][0-9]")):
        for page in year.glob("[0-9][0-9]/[0-9][0-9]/*-*.html"):
            yield page.relative_to(out_dir).as_posix()


def compile_templates(env: jinja2.Environment) -> list[Problem]:
    out = []
    for name in env.list_templates(filter_func=lambda n: n.endswith((".html", ".xml"))):
        try:
            env.get_template(name)
        except jinja2.TemplateSyntaxError as exc:
            out.append(Problem(exc.filename or name, exc.lineno or 0, f"template error: {exc.message}"))
    return out


FIXED = frozenset({urls.FEED, urls.SITEMAP, urls.ROBOTS, MARKER, NOJEKYLL})  # the files the build writes besides pages


def collisions(pages: list[Page]) -> list[Problem]:
    return byyear.Collisions(FIXED).check(pages)


def plan_pages(site: plan_mod.Site, config: SiteConfig, env: jinja2.Environment, base: str) -> list[Page]:
    return byyear.finish(plan_mod.plan(site, config), env, base)


def bodies_only(old: manifest.Manifest, salt: str, out_dir: Path, scan: Scan
                ) -> dict[str, tuple[Article, manifest.Built]] | None:
    """The articles edited since the last build, by file, with their rows of
    the record, when nothing but their bodies changed (same files, same page
    files, same templates, config and code, same shape: pages.shape); None
    when the site must be planned anew."""
    if old.plan is None or old.plan.salt != salt or old.out_dir != str(out_dir):
        return None
    if scan.named is not None:  # told which files changed: those alone are compared
        looked = {rel: scan.files[rel] for rel in scan.named}
        built = {rel: b.sha for rel in scan.named for b in (old.file(rel),) if b is not None}
    else:
        looked, built = scan.files, old.shas()
        if built.keys() != looked.keys():
            return None
    edited: dict[str, tuple[Article, manifest.Built]] = {}
    for rel, h in looked.items():
        if built.get(rel) == h:
            continue
        b = old.file(rel)
        a = scan.item(rel) if rel.endswith(".md") and b is not None and b.page is not None else None
        if not isinstance(a, Article) or b is None or b.shape != plan_mod.shape(a):
            return None
        edited[rel] = (a, b)
    return edited


def _short_plan(edited: dict[str, tuple[Article, manifest.Built]], cache_dir: Path) -> list[Page] | None:
    """The edited articles' pages, from the contexts the last build recorded;
    None when one cannot be read (a damaged cache costs a full plan)."""
    try:
        return [Page(b.page, "article.html", {"article": a, **manifest.load_context(cache_dir, b.where)}, a.path or a.id)
                for a, b in edited.values() if b.page is not None and b.where is not None]
    except (OSError, pickle.UnpicklingError, EOFError, ValueError):
        return None


def _meanwhile(save_parsed: Callable[[], None], site: Any, config: SiteConfig, base: str, salt: str, scan: Scan,
               old: manifest.Manifest, pages: list[Page] | None, same: dict[str, Any], edited: frozenset[str],
               news: newday.Plan | None = None) -> tuple[Any, bytes | None, dict[str, str]]:
    """What this process does while the workers render: save the parse cache,
    make feeds and sitemap, and (after a full plan) the shape of each article
    whose file is not the one recorded (``same``)."""
    save_parsed()
    feed_files, sitemap = _feeds_and_sitemap(site, config, base, salt, scan, old, pages, edited, news)
    shapes = {a.path: plan_mod.shape(a) for a in site.articles if a.path and a.path not in same} \
        if pages is not None else {}
    return feed_files, sitemap, shapes


def _feeds_and_sitemap(site: Any, config: SiteConfig, base: str, salt: str, scan: Scan, old: manifest.Manifest,
                       pages: list[Page] | None, edited: frozenset[str] = frozenset(), news: newday.Plan | None = None
                       ) -> tuple[dict[str, tuple[str, bytes, feeds.FeedSpec, tuple[str, ...]]], dict[str, bytes]]:
    """Every feed, under the digest of what it shows, and the sitemap files made anew.

    Without ``pages`` (only the bodies of the ``edited`` files changed, or
    days were added: ``news``) the feeds are the last build's but those that
    show an edited article or the new days, and the sitemap files are the
    last build's but for the new days' groups (feeds.sitemaps) and the index;
    a feed is rendered again only when what it shows changed."""
    last = old.plan
    cached = last.feeds if last is not None else {}
    fresh = {spec.path for spec, _rels in news.feeds} if news is not None else set()
    if pages is None:
        assert last is not None
        wanted = (news.feeds if news is not None else []) + \
            [(spec, rels) for _key, _data, spec, rels in last.feeds.values() if spec.path not in fresh]
    else:
        by_id = {a.id: a.path for a in site.articles}
        wanted = [(spec, tuple(by_id[e.story.id] for e in spec.entries)) for spec in feeds.specs(site, config)]
    out = _feed_files(wanted, cached, lambda spec, rels: pages is None and spec.path in cached and
                      spec.path not in fresh and edited.isdisjoint(rels), salt, scan, config, base)
    if news is not None:
        # The sitemap files of the groups the new days' pages fall in, and the index of them all.
        touched = {urls.sitemap_of(p.path) for p in news.pages}
        paths = {*(path for name in touched for path in old.page_paths(name)), *(p.path for p in news.pages)}
        return out, feeds.sitemaps(paths, base, every=(m for m in old.sitemaps() if m != urls.SITEMAP))
    return out, {} if pages is None else feeds.sitemaps((p.path for p in pages), base)


FeedFile = tuple[str, bytes, feeds.FeedSpec, tuple[str, ...]]  # digest of what it shows, bytes, spec, article files


def _feed_files(wanted: Iterable[tuple[feeds.FeedSpec, tuple[str, ...]]], cached: dict[str, FeedFile],
                as_was: Callable[[feeds.FeedSpec, tuple[str, ...]], bool], salt: str, scan: Scan, config: SiteConfig,
                base: str) -> dict[str, FeedFile]:
    """The feeds ``wanted`` (each with its articles' files), rendered only
    when what they show is not what the last build's (``cached``) showed;
    ``as_was``: a feed known to be as cached, not even hashed."""
    files = scan.files
    out: dict[str, FeedFile] = {}
    for spec, rels in wanted:
        if as_was(spec, rels):
            out[spec.path] = cached[spec.path]  # shows no edited article: as it was
            continue
        h = hashlib.sha1(f"{salt}\x1f{spec.path}\x1f{spec.title}\x1f{spec.page_path}".encode("utf-8"))
        for e, rel in zip(spec.entries, rels):
            h.update(f"\x1f{e.story.key}\x1f{e.role}\x1f{rel}\x1f{files.get(rel)}".encode("utf-8"))
        key = h.hexdigest()
        hit = cached.get(spec.path)
        if hit is not None and hit[0] == key:
            out[spec.path] = hit
            continue
        shown = {e.story.id: scan.item(rel) for e, rel in zip(spec.entries, rels)}  # whole, for the summaries
        out[spec.path] = (key, feeds.render_feed(spec, config, base, shown), spec, rels)
    return out


def _context(page: Page) -> dict[str, Any]:
    """An article page's context without the article, as the next build's short plan takes it."""
    return {k: v for k, v in page.context.items() if k != "article"}


def _contexts(pages: list[Page], changed: dict[str, str | None], made: dict[str, tuple[str, manifest.Where]],
              before: dict[str, manifest.Built], cache_dir: Path) -> dict[str, tuple[str, manifest.Where]]:
    """Every article page's recorded context: made by the render workers, the
    last build's where the page is unchanged, else pickled here."""
    out: dict[str, tuple[str, manifest.Where]] = {}
    segment = Segment(manifest.contexts_folder(cache_dir))
    try:
        for p in pages:
            if p.template != "article.html" or "article" not in p.context:
                continue
            rel = p.context["article"].path
            got = made.get(rel)
            if got is None:
                had = before.get(rel)
                got = (had.page, had.where) if had is not None and had.page == p.path and had.where is not None \
                    and p.path not in changed else (p.path, segment.add(_context(p)))
            out[rel] = got
    finally:
        segment.close()
    return out


# ---------------------------------------------------------------- writing

def salt_of(env: jinja2.Environment, config: SiteConfig, base: str) -> str:
    h = hashlib.sha256()
    h.update(render.templates_digest(env).encode())
    # Where the project lies is no part of any page (overrides count through
    # the template hash), so moving or re-cloning it keeps the pages current.
    h.update(repr(dataclasses.replace(config, root=Path("."))).encode("utf-8"))
    h.update(base.encode("utf-8") + __version__.encode())
    # Articles count by their files' hashes, so the parser is part of them.
    h.update(repr(manifest.parser_version()).encode())
    # The code that turns contexts into pages is part of every page too.
    for f in sorted(Path(__file__).parent.glob("*.py")):
        h.update(f.read_bytes())
    return h.hexdigest()


def _mkdir(folder: str, folders: set[str]) -> None:
    if folder not in folders:
        os.makedirs(folder, exist_ok=True)
        folders.add(folder)


_CREATE = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0)


def _write(target: str, data: bytes, folders: set[str]) -> None:
    _mkdir(os.path.dirname(target), folders)
    # os.open and os.write: open() adds an fstat, an ioctl and an lseek to
    # each of some 15,000 files (mode 0o666 less the umask, as open() gives).
    fd = os.open(target, _CREATE, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


def _link(old: str, target: str, folders: set[str]) -> bool:
    """Reuse a file of the previous build: a hard link, or a copy where links fail."""
    _mkdir(os.path.dirname(target), folders)
    try:
        os.link(old, target)
        return True
    except FileNotFoundError:
        return False
    except OSError:
        try:
            shutil.copyfile(old, target)
            return True
        except OSError:
            return False


# State the render workers inherit by fork instead of receiving it pickled.
_JOB: dict[str, Any] = {}


@dataclass(frozen=True)
class Rendered:
    problems: list[Problem]
    digests: dict[str, str]                    # with an account: each page's digest
    contexts: dict[str, tuple[str, manifest.Where]]  # and where each article page's context went (_context)
    meanwhile: Any = None                      # what the main process made while the workers rendered
    rendered: int = 0                          # pages rendered (by year: the digests are in the staging tables)


def _render_range(start: int, stop: int) -> tuple[int, list[Problem], dict[str, str],
                                                  dict[str, tuple[str, manifest.Where]]]:
    env, pages, partial, config, base, account, whole = (
        _JOB[k] for k in ("env", "pages", "partial", "config", "base", "account", "whole"))
    problems: list[Problem] = []
    digests: dict[str, str] = {}
    contexts: dict[str, tuple[str, manifest.Where]] = {}
    folders: set[str] = set()
    # Contexts go to a segment file of the cache as they are made, not back to the build process.
    segment = Segment(account[2]) if account is not None and account[2] is not None else None
    site_vars = {"title": config.title, "paper": config.paper, "base_url": base, "language": config.language}
    for page in pages[start:stop]:
        root = page.root if page.root is not None else urls.root_for(page.path)
        context = page.context
        if page.template == "article.html" and "article" in context:
            # Planned with the article's head: its page shows the whole article, read for it alone.
            context = {**context, "article": whole(context["article"].path)}
        try:
            html = env.get_template(page.template).render(context, root=root, path=page.path, site=site_vars)
        except (jinja2.TemplateError, TypeError, ValueError, AttributeError) as exc:
            where, line = _template_frame(exc, page.template)
            problems.append(Problem(where, line, f"rendering {page.path} ({page.origin}): {exc}"))
            continue
        _write(urls.inside(partial, page.path), html.encode("utf-8"), folders)
        if account is not None:
            digests[page.path] = manifest.digest(page, account[0], account[1])
            if segment is not None and page.template == "article.html" and "article" in page.context:
                contexts[page.context["article"].path] = (page.path, segment.add(_context(page)))
    if segment is not None:
        segment.close()
    return stop - start, problems, digests, contexts


def _template_frame(exc: BaseException, template: str) -> tuple[str, int]:
    """The template file and line an error was raised at (Jinja keeps them in the traceback)."""
    where, line = template, 0
    tb = exc.__traceback__
    while tb is not None:
        name = tb.tb_frame.f_code.co_filename
        if name.endswith((".html", ".xml")):
            where, line = name, tb.tb_lineno
        tb = tb.tb_next
    return where, line


def render_pages(env: jinja2.Environment, todo: list[Page], partial: Path, config: SiteConfig, base: str,
                 bar: "Progress | None", whole: Callable[[str], Any],
                 account: tuple[str, dict[str, str], Path | None] | None = None,
                 meanwhile: Callable[[], Any] | None = None) -> Rendered:
    """Render the pages into partial, on every core when there are many;
    ``whole`` reads an article file's whole article (Scan.item).

    With ``account`` (salt, file hashes, folder) the workers also hash each
    page and record each article page's context in a segment of the folder; ``meanwhile`` runs in this process
    while they work."""
    _JOB.update(env=env, pages=todo, partial=partial, config=config, base=base, account=account, whole=whole)
    ranges = [(i, min(i + CHUNK, len(todo))) for i in range(0, len(todo), CHUNK)]
    done = Rendered([], {}, {})
    try:
        import multiprocessing
        workers = min(2, os.cpu_count() or 1)
        if len(todo) >= PARALLEL_FROM and workers > 1 and "fork" in multiprocessing.get_all_start_methods():
            with fork_pool(workers) as pool:
                results = pool.map(_render_range, *zip(*ranges))
                side = meanwhile() if meanwhile else None
                for n, found, digests, contexts in results:
                    done.problems.extend(found)
                    done.digests.update(digests)
                    done.contexts.update(contexts)
                    if bar:
                        bar.advance(n)
        else:
            side = meanwhile() if meanwhile else None
            for start, stop in ranges:
                n, found, digests, contexts = _render_range(start, stop)
                done.problems.extend(found)
                done.digests.update(digests)
                done.contexts.update(contexts)
                if bar:
                    bar.advance(n)
    finally:
        _JOB.clear()
        if bar:
            bar.close()
    return dataclasses.replace(done, meanwhile=side)


def _render_by_year(cold: byyear.Cold, env: jinja2.Environment, partial: Path, config: SiteConfig, base: str,
                    bar: Progress | None, salt: str, old: manifest.Manifest, save_parsed: Callable[[], None],
                    folders: set[str]) -> Rendered:
    """A cold build's pages, a year's and then a batch of those across years
    at a time (byyear.py), each batch's rows and sitemaps kept as it is
    done; then the feeds, from the tables. Planned pages on one path stop
    the rendering; the rest of the plan is still looked at for more."""
    scan = cold.scan
    account = (salt, scan.files, manifest.contexts_folder(cold.cache_dir))
    across = byyear.Collisions(FIXED)
    problems: list[Problem] = []
    clashes: list[Problem] = []
    rendered = 0
    for batch in cold.batches():
        clashes += (across if batch.year is None else byyear.Collisions(FIXED)).check(batch.pages)
        if clashes:
            continue
        done = render_pages(env, batch.pages, partial, config, base, None, scan.item, account,
                            meanwhile=save_parsed if not rendered else None)
        problems += done.problems
        for path, data in cold.note(batch, done.digests, done.contexts).items():
            _write(urls.inside(partial, path), data, folders)
        rendered += len(batch.pages)
        if bar:
            bar.advance(len(batch.pages))
    if bar:
        bar.close()
    if clashes:
        cold.discard()
        return Rendered(clashes, {}, {})
    last = old.plan
    feed_files = _feed_files(cold.feeds(), last.feeds if last is not None else {}, lambda spec, rels: False, salt,
                             scan, config, base)
    for path, data in cold.close().items():
        _write(urls.inside(partial, path), data, folders)
    return Rendered(problems, {}, {}, (feed_files, {}, {}), rendered)


def copy_static(target: Path) -> list[str]:
    """The theme's static files copied into target; their paths in it."""
    source = render.PACKAGE_TEMPLATES.parent / "static"
    out = []
    for f in sorted(source.rglob("*")):
        if f.is_file() and not f.name.startswith("."):
            dest = target / f.relative_to(source)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(f, dest)
            out.append(f.relative_to(source).as_posix())
    return out


class WholeArticles:
    """The archive's articles, whole and in archive order, read again from
    the parse cache on every pass: the re-iterable source the search index is
    written from (never all the bodies in memory at once). The order is the
    planned site's, taken when first asked for (a rebuild that patches the
    index after body edits never asks)."""

    def __init__(self, scan: Scan, site: Any):
        self._scan, self._site, self._rels = scan, site, None

    def _paths(self) -> list[str]:
        if self._rels is None:
            self._rels = [a.path for a in self._site.articles]
        return self._rels

    def __len__(self) -> int:
        return len(self._paths())

    def __iter__(self) -> Iterator[Article]:
        return map(self._scan.item, self._paths())


def write_search(articles: WholeArticles, partial: Path, config: SiteConfig, cache_dir: Path,
                 previous: Path | None = None, sources: dict[str, str] | None = None,
                 edited: Iterable[Article] | None = None) -> list[Problem]:
    """The search index; ``edited``: the articles whose bodies alone changed
    since the last build, when nothing else did (see bodies_only; none: nothing
    changed); None: what changed is not known, the index looks at every article."""
    try:
        from ..search.patch import patch_edits
    except ImportError as exc:
        return _no_search(exc)
    if edited is not None and previous is not None and \
            patch_edits(list(edited), urls.article, sources if sources is not None else {}, partial, previous, config,
                        cache_dir) is not None:
        return []
    try:  # (only now: the full index's modules load numpy, a tenth of a second an edit's patch does without)
        from ..search.index import write_index
    except ImportError as exc:
        return _no_search(exc)
    write_index(articles, partial, config, cache_dir, urls.article, previous=previous, sources=sources)
    return []



def _no_search(exc: ImportError) -> list[Problem]:
    return [Problem("search", 0, f"search index not built: {exc}", "warning")]


def _spare(out_dir: Path) -> Path:
    return out_dir.with_name(f".{out_dir.name}.previous")


def _clear_extras(tree: Path, extras: Iterable[str]) -> None:
    """Delete the files besides pages (feeds, sitemap, static files) of a
    kept site tree, which the build writes anew; the search index's files
    are left to write_index, which brings them up to date itself."""
    for path in extras:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(urls.inside(tree, path))


swap = publish.swap  # the step that publishes, where the lock and its reasons are


# --------------------------------------------------------------- progress

class Progress:
    """A one-line bar on a terminal: \\r-redrawn, at most ten times a second."""

    def __init__(self, total: int, stream: Any = None):
        self.total, self.done, self.stream, self.shown = total, 0, stream or sys.stderr, 0.0

    def advance(self, n: int) -> None:
        self.done += n
        now = time.monotonic()
        if now - self.shown >= 0.1 or self.done >= self.total:
            self.shown = now
            width = 30
            filled = width * self.done // max(1, self.total)
            self.stream.write(f"\r渲染页面 [{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total}")
            self.stream.flush()

    def close(self) -> None:
        self.stream.write("\n")
        self.stream.flush()


def progress_bar(wanted: bool | None, total: int) -> Progress | None:
    if wanted is None:
        wanted = sys.stderr.isatty() and not os.environ.get("CI") and total >= PARALLEL_FROM
    return Progress(total) if wanted and total else None
