"""``wxnews-site review``: the editor's work list of articles with open review flags.

Newest issue first (the page just imported is the one being proofread), then
page and position, each with its file and the importer's reasons. An article
leaves the list when an editor clears its flags (``review: []``).
"""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from ..config import load_config
from ..format import DEFAULT_YEARS, read_archive
from ..model import Article
from ..report import cite_raw, display_path, no_articles


@dataclass(frozen=True)
class ReviewItem:
    article: Article
    file: str  # as the editor would open it, e.g. articles/2024/06/30/02-01.md

    def as_dict(self) -> dict[str, object]:
        a = self.article
        return {
            "id": a.id, "date": a.date.isoformat(), "page": a.page, "position": a.position,
            "title": a.headline, "path": self.file, "reasons": list(a.review),
        }


def review_items(articles_dir: Path, years: tuple[int, int] = DEFAULT_YEARS) -> tuple[list[ReviewItem], list[str]]:
    """Articles with open flags, newest first, and the files with errors (unreadable or clashing)."""
    archive = read_archive(articles_dir, years=years)
    base = display_path(articles_dir)
    flagged = [a for a in archive.articles if a.review]
    flagged.sort(key=lambda a: (-a.date.toordinal(), a.page, a.position, a.id))
    unreadable = sorted({p.path for p in archive.errors})
    return [ReviewItem(a, f"{base}/{a.path}") for a in flagged], unreadable


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--articles", type=Path, default=None, help="articles folder (default: from site.yaml, else ./articles)")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="text for people, json for tools")


def run(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    articles_dir = args.articles or config.articles_dir
    if not articles_dir.is_dir():
        print(no_articles(articles_dir), file=sys.stderr)
        return 2
    items, unreadable = review_items(articles_dir, config.years)
    if args.format == "json":
        print(json.dumps({"articles": [i.as_dict() for i in items], "unreadable": unreadable}, ensure_ascii=False, indent=2))
        return 0
    for item in items:
        a = item.article
        print(f"{a.date.isoformat()} 第{a.page}版 #{a.position:02d}  {a.headline}")
        print(f"  {item.file}")
        for reason in a.review:
            print(f"  - {cite_raw(reason, a.source.file if a.source else None)}")
    flags = sum(len(i.article.review) for i in items)
    if items:
        print(f"\n{len(items)} article(s) to review, {flags} open flag(s). Check each one, fix the file, then set 'review: []'.")
    else:
        print("Nothing to review: every article's review flags are cleared.")
    if unreadable:
        print(f"{len(unreadable)} file(s) have errors and may be missing from this list; run 'wxnews-site check':", file=sys.stderr)
        for path in unreadable:
            print(f"  {display_path(articles_dir)}/{path}", file=sys.stderr)
        return 1
    return 0
