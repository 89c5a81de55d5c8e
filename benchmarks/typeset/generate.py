"""Typeset pages end to end: plan -> HTML -> Chromium PDF -> pdfminer raw text -> gold checked against it.

Files per page under WORK/typeset/seed-N/: NN.html, NN.pdf, NN.txt, NN.gold.yaml and
NN.json (name, style, shapes, generator version); a page is reused when its
version matches. They hold corpus text: never commit them.
"""
from __future__ import annotations

import hashlib
import json
import multiprocessing
import random
import time
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .align import AlignError
from .corpus import CORPUS, Page, Story, load_pages
from .extract import extract
from .gold import build
from .html import page_html
from .layout import MAX_PT, MIN_PT, plan_page
from .model import PagePlan
from .printer import chromium

HERE = Path(__file__).resolve().parent
MAX_TRIES = 3  # a page that overflows is set again in smaller type


def version() -> str:
    h = hashlib.sha256()
    for f in sorted(HERE.glob("*.py")):
        h.update(f.name.encode() + f.read_bytes())
    return h.hexdigest()[:16]


@dataclass
class Report:
    pages: list[dict] = field(default_factory=list)
    dropped: list[tuple[str, str]] = field(default_factory=list)  # (name, reason)
    mapped: int = 0
    reused: int = 0
    seconds: float = 0.0


def pick(seed: int, count: int, corpus: Path) -> list[tuple[Page, Story | None]]:
    """`count` corpus pages for a seed, each with a donor story from another page for a continuation."""
    rng = random.Random(seed)
    pages = load_pages(corpus)
    chosen = rng.sample(pages, min(count, len(pages)))
    out = []
    for page in chosen:
        donor = None
        if rng.random() < 0.4:
            other = rng.choice(pages)
            arts = [s for s in other.stories if s.kind == "article" and other is not page]
            donor = rng.choice(arts) if arts else None
        out.append((page, donor))
    return out


def _cached(stem: Path, ver: str) -> dict | None:
    meta = stem.with_suffix(".json")
    if not meta.exists():
        return None
    info = json.loads(meta.read_text(encoding="utf-8"))
    if info.get("version") != ver:
        return None
    if info.get("dropped"):
        return info
    raw = stem.with_suffix(".txt").read_text(encoding="utf-8")
    gold = yaml.safe_load(Path(f"{stem}.gold.yaml").read_text(encoding="utf-8"))
    return {**info, "raw": raw, "gold": gold}


def _write_info(stem: Path, info: dict) -> dict:
    stem.with_suffix(".json").write_text(json.dumps(info, ensure_ascii=False, indent=1), encoding="utf-8")
    return info


def _print(page: Page, donor: Story | None, name: str, seed: int, i: int, stem: Path, printer, ver: str
           ) -> tuple[PagePlan, dict] | dict:
    """Plan and print one page; a plan that overflows even in the smallest type loses its last stories."""
    scale = 1.0
    for _ in range(MAX_TRIES):
        plan = plan_page(page, donor, name, random.Random(f"{seed}:{i}"), scale)
        html = page_html(plan)
        pt = printer(html, stem.with_suffix(".pdf"), MIN_PT, MAX_PT)
        if pt is not None:
            stem.with_suffix(".html").write_text(html.replace(f"font-size: {plan.font_pt}pt", f"font-size: {pt}pt"),
                                                 encoding="utf-8")
            return plan, {"name": name, "style": plan.style, "shapes": list(plan.shapes), "version": ver,
                          "body_pt": pt, "corpus_page": f"{page.date}/{page.number}"}
        scale *= 0.7
    return _write_info(stem, {"name": name, "version": ver, "dropped": f"overflows one page after {MAX_TRIES} plans"})


def _finish(plan: PagePlan, stem: Path, info: dict) -> dict:
    """Read the PDF back and check the gold against it (runs in a worker while Chromium prints the next page)."""
    ex = extract(stem.with_suffix(".pdf"))
    info = {**info, "mapped": ex.mapped}
    if ex.pdf_pages != 1:
        return _write_info(stem, {**info, "dropped": f"printed on {ex.pdf_pages} PDF pages"})
    try:
        gold = build(plan, list(ex.paragraphs))
    except AlignError as e:
        return _write_info(stem, {**info, "dropped": str(e)})
    stem.with_suffix(".txt").write_text(ex.raw, encoding="utf-8")
    Path(f"{stem}.gold.yaml").write_text(yaml.safe_dump(gold, allow_unicode=True, sort_keys=False, width=10**6),
                                         encoding="utf-8")
    _write_info(stem, info)
    return {**info, "raw": ex.raw, "gold": gold}


def run(seed: int, pages: int, work: Path, corpus: Path = CORPUS) -> Report:
    out = work / "typeset" / f"seed-{seed}"
    out.mkdir(parents=True, exist_ok=True)
    ver, rep, t0 = version(), Report(), time.perf_counter()
    todo = pick(seed, pages, corpus)
    results: list[dict | Future] = []
    # The worker is forked before Playwright starts its threads (forking them can hang the
    # child); spawn would re-run the caller's unguarded script.
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork")) as pool, ExitStack() as stack:
        pool.submit(int).result()
        printer = None
        for i, (page, donor) in enumerate(todo, 1):
            name, stem = f"typeset-s{seed}-p{i:02d}", out / f"{i:02d}"
            got = _cached(stem, ver)
            if got is not None:
                rep.reused += 1
                results.append(got)
                continue
            printer = printer or stack.enter_context(chromium())
            made = _print(page, donor, name, seed, i, stem, printer, ver)
            results.append(pool.submit(_finish, made[0], stem, made[1]) if isinstance(made, tuple) else made)
        for r in results:
            got = r.result() if isinstance(r, Future) else r
            rep.mapped += got.get("mapped", 0)
            if got.get("dropped"):
                rep.dropped.append((got["name"], got["dropped"]))
                continue
            rep.pages.append({"name": got["name"], "raw": got["raw"], "gold": got["gold"],
                              "shapes": sorted(got["shapes"]), "style": got["style"]})
    rep.seconds = time.perf_counter() - t0
    return rep
