#!/usr/bin/env python3
"""Simulated raw pages from real articles: reconstruction quality and speed.

Takes real printed pages (date + page) from the People's Daily corpus in
../shared (not part of the repository), lays each page's articles out the way
e-paper extraction does (tests/pagegen.py: column breaks, displaced leads,
continued stories with late jump headlines, byline styles), reconstructs it
with importer.layout.reconstruct, writes it with importer.write and scores it
with tests/tools/score_import.py. Prints mean and minimum per metric, the
median time per page, and (broad mode, the default) for each shape tag the
share of gold articles showing it that were rebuilt fully right (headline set,
bylines and photographers, every paragraph).

By default pages are printed by the broad simulator (tests/pagebroad.py: every
shape of issue 12, five house styles, benchmarks/broad_source.py reads the
records); --narrow runs the original simulator as before.

    python3 benchmarks/simulate_pages.py --pages 50 [--seed 1] [--worst 3] [--narrow]

As a page source: generate(seed, pages, work) -> list of page dicts
(name, raw, gold, shapes, style); raw and gold YAML are also written to `work`.
"""
from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "src"))

import pagegen  # noqa: E402
import yaml  # noqa: E402

sys.path.insert(0, str(ROOT / "benchmarks"))
import broad_source  # noqa: E402

from wxnews_site.importer.bylines import parse_authors  # noqa: E402
from wxnews_site.importer.layout import accounted, reconstruct  # noqa: E402
from wxnews_site.importer.seams import initialize  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "rmrb_rss" / "rmrb_rss_corpus.jsonl"
METRICS = ("articles", "headlines", "credits", "joints", "order", "paragraphs", "kept")
FINAL = "。！？!?…；;：:”’」』）)"


DATELINE_NAMES = re.compile(r"^\S{2,16}?[电讯]\s*[（(]([^()（）]{2,30})[)）]")


def dateline_names(first: str) -> list[str]:
    """Reporters named in an opening dateline: "新华社多哈6月23日电  （记者汪强）"."""
    m = DATELINE_NAMES.match(first)
    if not m:
        return []
    return [n for n in re.split(r"[、，,\s]+", re.sub(r"记者|通讯员|实习生", " ", m.group(1))) if n]


def to_article(row: dict) -> dict | None:
    paras = []
    for line in (row.get("body") or "").split("\n"):
        line = line.strip()
        if not line:
            continue
        if len(line) <= 30 and re.search(r"摄(?:[(（][^()（）]*[)）])?$", line):
            continue  # a picture credit: the picture is not in the text
        # In-article headings: unpunctuated short lines, a quoted phrase ("“做梦都是在一遍遍操作”"),
        # or a short question ("青年何谓，青春何为？"), as the seed page's gold marks them.
        short = len(line) <= 30 and "。" not in line and (
            line[-1] not in FINAL or (line[0] == "“" and line[-1] == "”" and line.count("“") == 1)
            or (line[-1] in "？！" and len(line) <= 24))
        paras.append(f"## {line}" if short else line)
    if not any(not p.startswith("## ") for p in paras):
        return None
    if not row.get("title"):
        return None
    first = next(p for p in paras if not p.startswith("## "))
    names = list(parse_authors(row.get("authors") or "").bylines)
    names += [n for n in dateline_names(first) if n not in names]
    return {"kicker": row.get("kicker"), "title": row["title"], "subtitle": row.get("subtitle"),
            "names": names, "paragraphs": paras, "dateline_printed": bool(dateline_names(first))}


def load_pages(rng: random.Random, n: int) -> list[list[dict]]:
    groups: dict[tuple, list[dict]] = defaultdict(list)
    with open(CORPUS, encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            if row.get("kind") == "article":
                groups[(row["date"], row["page"])].append(row)
    keys = sorted(k for k, v in groups.items() if len(v) >= 2)
    rng.shuffle(keys)
    pages = []
    for key in keys:
        arts = [a for a in (to_article(r) for r in sorted(groups[key], key=lambda r: r.get("order") or 0)) if a]
        if len(arts) < 2:
            continue
        arts = arts[:6]
        # Some stories jump: one continues on another page, one or two come from page 1.
        if rng.random() < 0.3:
            a = rng.choice(arts)
            plain = [k for k, p in enumerate(a["paragraphs"]) if not p.startswith("## ")]
            if len(plain) > 4:
                a["paragraphs"] = a["paragraphs"][: plain[3] + 1]
                a["continued_to_page"] = rng.choice([2, 4, 5])
        for a in rng.sample(arts, k=min(len(arts) - 1, rng.choice([0, 0, 1, 2]))):
            if a.get("continued_to_page"):
                continue
            plain = [p for p in a["paragraphs"] if not p.startswith("## ")]
            if len(plain) >= 4:
                a.update(continued_from_page=1, kicker=None, subtitle=None, names=[], paragraphs=plain[2:])
        pages.append(arts)
        if len(pages) == n:
            break
    return pages


def generate(seed: int, pages: int, work: Path | None = None) -> list[dict]:
    """The page-source contract: `pages` broad simulated pages, gold from the corpus records."""
    rng = random.Random(seed)
    out = []
    for n, arts in enumerate(broad_source.load_pages(CORPUS, rng, pages)):
        raw, gold = pagegen.layout(arts, seed * 1000 + n, broad=True)
        name = f"sim-s{seed}-p{n:02d}"
        gold["source"] = f"{name}.txt"
        out.append({"name": name, "raw": raw, "gold": gold, "shapes": gold["shapes"], "style": gold["style"]})
        if work is not None:  # (corpus text: work is a scratch folder, never the repository)
            work.mkdir(parents=True, exist_ok=True)
            (work / f"{name}.txt").write_text(raw, encoding="utf-8")
            (work / f"{name}.gold.yaml").write_text(yaml.safe_dump(gold, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return out


def narrow_pages(seed: int, n: int) -> list[dict]:
    """The original simulator's pages, as before broad mode existed."""
    out = []
    for k, arts in enumerate(load_pages(random.Random(seed), n)):
        raw, gold = pagegen.layout(arts, seed=seed * 1000 + k)
        out.append({"name": f"narrow-s{seed}-p{k:02d}", "raw": raw, "gold": gold, "shapes": [], "style": gold["house_style"]})
    return out


def print_shapes(pages: list[dict], results: list[dict]) -> None:
    """Per shape tag: gold articles showing it that were rebuilt fully right."""
    hits: dict[str, list[bool]] = defaultdict(list)
    for page, r in zip(pages, results):
        for g in page["gold"]["articles"]:
            ok = r["_full"][g["id"]]
            for tag in g.get("shapes", []):
                hits[tag].append(ok)
            for tag in page["shapes"]:
                hits[tag + " (page)"].append(ok)
            hits["all articles"].append(ok)
    print(f"\n{'shape':40s} {'fully right':>11s} {'articles':>8s}")
    for tag in sorted(hits):
        v = hits[tag]
        print(f"{tag:40s} {sum(v) / len(v):11.3f} {len(v):8d}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=int, default=50)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--worst", type=int, default=0, help="print details of the N worst pages")
    ap.add_argument("--narrow", action="store_true", help="the original simulator (no shape tags)")
    ap.add_argument("--work", type=Path, default=None, help="also write each page's raw text and gold here")
    args = ap.parse_args()
    if not CORPUS.exists():
        print(f"corpus not found: {CORPUS}")
        return 1
    pages = narrow_pages(args.seed, args.pages) if args.narrow else generate(args.seed, args.pages, args.work)
    initialize()
    results, times, lost_chars, failures, layouts = [], [], 0, [], []
    for n, page in enumerate(pages):
        raw, gold = page["raw"], page["gold"]
        layouts.append(gold["layout"])
        lines = raw.split("\n")
        t0 = time.perf_counter()
        draft = reconstruct(lines, gold["source"])
        times.append(time.perf_counter() - t0)
        missing, extra = accounted(lines, draft)
        lost_chars += sum(missing.values()) + sum(extra.values())
        r = pagegen.score_draft(gold, raw, draft, per_article=not args.narrow)
        results.append(r)
        failures.append((r["score"], n, raw, r, draft, gold["house_style"]))
    print(f"pages {len(results)}  seed {args.seed}  corpus {CORPUS.name}")
    print(f"{'metric':11s} {'mean':>6s} {'min':>6s}")
    for key in ("score",) + METRICS:
        vals = [r[key] for r in results]
        print(f"{key:11s} {statistics.mean(vals):6.3f} {min(vals):6.3f}")
    by_style: dict[str, list[float]] = defaultdict(list)
    for r, (_, _, _, _, _, style) in zip(results, failures):
        by_style[style].append(r["score"])
    print(("by the page's credit style: " if args.narrow else "by house style: ") + ", ".join(
        f"{k} {statistics.mean(v):.3f} ({len(v)})" for k, v in sorted(by_style.items())))
    by_layout: dict[str, list[float]] = defaultdict(list)
    for r, feats in zip(results, layouts):
        for f in feats:
            by_layout[f].append(r["score"])
    print("by layout: " + ", ".join(f"{k} {statistics.mean(v):.3f} ({len(v)})" for k, v in sorted(by_layout.items())))
    print(f"characters not conserved: {lost_chars}")
    if not args.narrow:
        print_shapes(pages, results)
    print(f"reconstruct per page: median {statistics.median(times) * 1000:.1f} ms, "
          f"max {max(times) * 1000:.1f} ms, total {sum(times):.2f} s")
    for score, n, raw, r, draft, _ in sorted(failures, key=lambda f: f[0])[: args.worst]:
        print(f"\n== page {n}: score {score}")
        print(json.dumps({k: r[k] for k in METRICS + ("headline_misses", "joint_misses", "unmatched_gold", "lost")},
                         ensure_ascii=False, indent=1)[:3000])
    return 0


if __name__ == "__main__":
    sys.exit(main())
