"""A partition build: one year of the archive, as a job of its own.

A large archive builds as independent jobs, one a year (a CI matrix, see
docs/publishing.md), and a final build merges them:

    wxnews-site build --partition 2023 --out parts/2023     # one job a year
    wxnews-site build --partition 2024 --out parts/2024
    wxnews-site build --merge parts/2023 parts/2024         # the final job

A partition reads its year's folder alone (articles/2024/), plans that year
as an archive of its own and renders its pages under 2024/ (articles, 版,
issues, months, the year), each with its digest (manifest.digest: everything
the page shows) in ``partition.json``. The merging build plans the whole site
and links every page whose digest is the one a partition made it with; it
renders the rest: pages that see beyond a year (an issue's link to the one
before it in another year, calendars at the archive's ends, listings,
feeds, the search index). A page is linked only when everything it shows is
what the single build shows, so the merged site is byte-identical to a
single build (tests/test_build_partitions.py).

Steps, top to bottom:
1. check the output folder is one the build may replace;
2. read the year's folder alone;
3. load the theme and compile every template;
4. plan the year, keep the pages under ``YYYY/``;
5. stop here, before touching any file, when anything is wrong;
6. render into ``<out>.partial``, hashing each page;
7. write the manifest and the marker, and swap the folder in.
"""
from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Callable

from .. import __version__
from ..config import SiteConfig
from ..format import Problem
from . import build, manifest, pages as plan_mod, publish, render


def build_partition(config: SiteConfig, year: int, *, articles_dir: Path | None = None, out_dir: Path,
                    base_url: str | None = None, strict: bool = False, progress: bool | None = None,
                    wait: bool = True, on_wait: Callable[[str], None] | None = None) -> build.BuildResult:
    out = Path(out_dir).resolve()
    return build.locked(config, out, wait, on_wait, lambda: _build_partition(
        config, year, Path(articles_dir or config.articles_dir).resolve(), out, base_url, strict, progress))


def _build_partition(config: SiteConfig, year: int, articles_dir: Path, out_dir: Path, base_url: str | None,
                     strict: bool, progress: bool | None) -> build.BuildResult:
    started = time.perf_counter()
    timings: dict[str, float] = {}
    base = base_url if base_url is not None else config.base_url
    base = base + "/" if base and not base.endswith("/") else base
    # A cache of its own: partitions built side by side must not overwrite each other's.
    cache_dir = config.root.resolve() / ".cache" / "wxnews-site" / f"partition-{year:04d}"

    def fail(problems: list[Problem]) -> build.BuildResult:
        return build.BuildResult(False, problems, 0, 0, time.perf_counter() - started, out_dir, 0, timings)

    # 1. where the partition goes
    problems = build.check_output(out_dir, articles_dir, config.root.resolve())
    if problems:
        return fail(problems)

    # 2. read the year alone
    t = time.perf_counter()
    scan, save_parsed = build.read(articles_dir, cache_dir, config.years, under=f"{year:04d}")
    problems = list(scan.problems)
    if not any(rel.endswith(".md") for rel in scan.files):
        problems.append(Problem(str(articles_dir / f"{year:04d}"), 0, f"no articles of {year} to build"))
    timings["read"] = time.perf_counter() - t

    # 3. theme
    env = render.make_env(config, cache_dir / "templates")
    problems += build.compile_templates(env)

    # 4. plan the year; its pages are the ones under its folder
    t = time.perf_counter()
    salt = build.salt_of(env, config, base)
    site = plan_mod.collect(scan.archive(), config)
    pages = [p for p in build.plan_pages(site, config, env, base) if p.path.startswith(f"{year:04d}/")]
    timings["plan"] = time.perf_counter() - t

    # 5. stop before writing anything when something is wrong
    if strict:
        problems = [Problem(p.path, p.line, p.message, "error") for p in problems]
    if any(p.severity == "error" for p in problems):
        save_parsed()
        return fail(problems)

    # 6. pages
    t = time.perf_counter()
    partial = out_dir.with_name(out_dir.name + ".partial")
    if partial.exists():
        shutil.rmtree(partial)  # left over from an interrupted build
    partial.mkdir(parents=True)
    try:
        done = build.render_pages(env, pages, partial, config, base, build.progress_bar(progress, len(pages)),
                                  scan.item,
                                  account=(salt, scan.files, None), meanwhile=save_parsed)
        if done.problems:
            shutil.rmtree(partial, ignore_errors=True)
            return fail(problems + done.problems)
        timings["render"] = time.perf_counter() - t

        # 7. manifest, marker, swap
        manifest.save_partition(partial, salt, year, done.digests)
        (partial / build.MARKER).write_text(f"wxnews-site {__version__} partition {year:04d}\n", encoding="utf-8")
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    publish.swap(partial, out_dir)
    return build.BuildResult(True, problems, len(pages), len(pages) + 2, time.perf_counter() - started, out_dir, 0,
                             timings, tuple(p.path for p in pages))
