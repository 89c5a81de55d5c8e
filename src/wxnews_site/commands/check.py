"""``wxnews-site check``: everything an editor should fix before publishing, in one report.

The article files (front matter, ids, dates: what ``format.read_archive``
finds, plus open review flags and raw HTML as warnings), the same story
imported twice under two ids, bylines that are probably misprints of a known
person or are not names at all, text the importer left unplaced, site.yaml
itself, and, once there is a built site, every internal link and asset.
Errors make the exit status 1; warnings do too with ``--strict``.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from collections import Counter
from pathlib import Path

from ..config import ConfigError, SiteConfig, load_config
from ..format import Archive, Problem, read_archive
from ..linkcheck import check_links
from ..model import Article
from ..report import display_path, in_folder, key_line, no_articles

# A name printed this often is an established byline. Another name one
# character away from it, printed only once and in the same section, is worth
# a look; on 10,000 People's Daily articles looser rules flagged hundreds of
# real, distinct reporters (王彬 and 王丹), and a warning nobody reads helps nobody.
FREQUENT = 10
MIN_NEAR_LENGTH = 3
_HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_NAME_CHARS = re.compile(rf"^[{_HAN}·•]+$")
# Markdown marks and spacing differ between two imports of one story; the words do not.
_NOT_WORDS = re.compile(r"[\s#>*_\-—]")


def _story_key(a: Article) -> tuple | None:
    body = _NOT_WORDS.sub("", a.body)
    if not body or not a.title:
        return None
    return (a.date, _NOT_WORDS.sub("", a.title), body[:40])


def duplicate_stories(archive: Archive) -> list[Problem]:
    """The same story imported twice under two ids: same date, same title, same opening."""
    first: dict[tuple, str] = {}
    out = []
    for a in archive.articles:
        key = _story_key(a)
        if key is None:
            continue
        if key in first:
            out.append(Problem(a.path, 2, f"duplicate story: {a.id} has the same date, title and opening as {first[key]}; delete one of them"))
        else:
            first[key] = f"{a.id} ({a.path})"
    return out


def _one_apart_index(names: set[str]) -> dict[tuple[int, str], list[str]]:
    """Each name under every way of blanking one of its characters: 崔欣润 under 崔?润, ?欣润, 崔欣?.

    Two names of one length that differ in exactly one place share a key, so
    finding near misses is a lookup per name instead of a scan of all people.
    """
    index: dict[tuple[int, str], list[str]] = {}
    for n in names:
        for i in range(len(n)):
            index.setdefault((i, n[:i] + n[i + 1:]), []).append(n)
    return index


def _near(name: str, index: dict[tuple[int, str], list[str]]) -> list[str]:
    found = {m for i in range(len(name)) for m in index.get((i, name[:i] + name[i + 1:]), ()) if m != name}
    return sorted(found)


def people_problems(archive: Archive, config: SiteConfig, articles_dir: Path) -> list[Problem]:
    """Bylines that are likely misprints of a known person, or not names at all.

    Only warnings: 张伟 and 章伟 may well be two reporters, so nothing is
    merged here; the editor decides, and records a misprint in site.yaml.
    """
    known = set(config.aliases) | {v for vs in config.aliases.values() for v in vs}
    counts: Counter[str] = Counter()
    sections: dict[str, set[str | None]] = {}
    for a in archive.articles:
        for n, _ in a.people:
            n = config.canonical_person(n)
            counts[n] += 1
            sections.setdefault(n, set()).add(config.section_for(a.date, a.page, a.section))
    listed = _one_apart_index(known)
    frequent = _one_apart_index({n for n, c in counts.items() if c >= FREQUENT})
    out = []
    for a in archive.articles:
        for name, role in a.people:
            key = "bylines" if role == "byline" else "photographers"
            if name in known:
                continue
            bad = next((ch for ch in name if not _NAME_CHARS.match(ch)), None)
            if bad is not None or (len(name) > 4 and "·" not in name) or len(name) > 12:
                why = f"contains {bad!r}" if bad is not None else f"{len(name)} characters long"
                out.append(Problem(a.path, key_line(articles_dir, a.path, key),
                                   f"{key}: {name!r} does not look like a person's name ({why}); list only the names", "warning"))
                continue
            # Names listed in site.yaml are the people editors have said are misprinted.
            near, why = _near(name, listed), "in site.yaml 'aliases'"
            if not near and counts[name] == 1 and len(name) >= MIN_NEAR_LENGTH:
                near = [m for m in _near(name, frequent) if sections[m] & sections[name]]
                why = f"{counts[near[0]]} bylines in the same section" if near else ""
            if near:
                out.append(Problem(a.path, key_line(articles_dir, a.path, key),
                                   f"{key}: {name} is one character from {near[0]} ({why}); if it is a misprint, "
                                   f"add it under {near[0]} in site.yaml 'aliases'", "warning"))
    return out


def leftover_problems(archive: Archive, articles_dir: Path) -> list[Problem]:
    out = []
    for p in archive.pages:
        if p.leftovers:
            out.append(Problem(p.path, key_line(articles_dir, p.path, "leftovers"),
                               f"{len(p.leftovers)} line(s) of {p.source or 'the printed page'} were not placed in any "
                               f"article (lines {', '.join(str(lo.line) for lo in p.leftovers[:8])}"
                               + ("..." if len(p.leftovers) > 8 else "") + "); move them into an article or delete them", "warning"))
    return out


def print_grouped(problems: list[Problem], keep: int = 3) -> None:
    """Each problem, except that one broken template link repeated on ten thousand pages is shown thrice."""
    def key(p: Problem) -> tuple[str, str]:
        # '../../static/x.css' and '../static/x.css' are one link seen from different depths.
        return p.severity, re.sub(r"'(\.\./)+", "'", p.message)

    total = Counter(key(p) for p in problems)
    shown: Counter = Counter()
    for p in problems:
        k = key(p)
        shown[k] += 1
        if shown[k] <= keep:
            print(p)
        if shown[k] == keep and total[k] > keep:
            print(f"  ... and {total[k] - keep} more place(s) with the same {p.severity} (--format json lists them all)")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--articles", type=Path, default=None, help="articles folder (default: from site.yaml, else ./articles)")
    parser.add_argument("--out", type=Path, default=None,
                        help="built site whose links to check (default: from site.yaml, build/; for another --articles DIR, DIR-site)")
    parser.add_argument("--build", action="store_true", help="build into a temporary folder first and check its links")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="text for people, json for tools")
    parser.add_argument("--strict", action="store_true", help="fail on warnings too")


def run(args: argparse.Namespace) -> int:
    problems: list[Problem] = []
    try:
        config = load_config(args.config)
    except ConfigError as exc:
        # Reported with the rest, so tools reading --format json still get JSON.
        problems.extend(exc.problems)
        config = SiteConfig(root=(args.config or Path("site.yaml")).parent)
    articles_dir = args.articles or config.articles_dir
    out_dir = args.out or config.output_for(args.articles)
    archive = read_archive(articles_dir, years=config.years)
    if not articles_dir.is_dir():
        problems.append(Problem(display_path(articles_dir), 0, no_articles(articles_dir).removeprefix("error: ")))
    else:
        found = list(archive.problems) + duplicate_stories(archive) + people_problems(archive, config, articles_dir) \
            + leftover_problems(archive, articles_dir)
        problems.extend(in_folder(found, articles_dir))

    links = "not checked: no built site (run 'wxnews-site build', or 'check --build')"
    link_counts: dict[str, object] = {"checked": False, "site": None, "pages": 0, "broken": 0}
    with tempfile.TemporaryDirectory(prefix="wxnews-check-") as tmp:
        if args.build and articles_dir.is_dir():
            from ..site.build import build_site

            out_dir = Path(tmp) / "site"
            # The build records its manifest for the folder it wrote; the one for build/
            # is set aside and put back (or the next real build would render every page again).
            result = build_site(config, articles_dir=articles_dir, out_dir=out_dir, aside=True)  # check applies --strict itself
            # The build reads the same files: report only what it adds (templates, page collisions).
            seen = {(p.path, p.message) for p in problems}
            problems.extend(p for p in in_folder(list(result.problems), articles_dir) if (p.path, p.message) not in seen)
            if not result.ok:
                links = "not checked: the build failed"
        if out_dir.is_dir() and links.startswith("not checked: no built"):
            link_problems = check_links(out_dir)
            pages = sum(1 for _ in out_dir.rglob("*.html"))
            if args.build:
                # The temporary folder is gone when the report is read: name pages by their place in the site.
                problems.extend(Problem(f"<site>/{p.path}", p.line, p.message, p.severity) for p in link_problems)
            else:
                problems.extend(in_folder(link_problems, out_dir))
            site = "a fresh build" if args.build else display_path(out_dir)
            links = f"{pages} HTML page(s) of {site} checked"
            link_counts = {"checked": True, "site": site, "pages": pages, "broken": len(link_problems)}

    problems.sort(key=lambda p: (p.path, p.line, p.message))
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    failed = errors > 0 or (args.strict and warnings > 0)
    summary = {
        "articles": len(archive.articles), "pages": len(archive.pages), "errors": errors,
        "warnings": warnings, "links": {**link_counts, "note": links}, "ok": not failed,
    }
    if args.format == "json":
        print(json.dumps({"problems": [p.as_dict() for p in problems], "summary": summary}, ensure_ascii=False, indent=2))
    else:
        print_grouped(problems)
        verdict = "FAILED" if failed else "ok"
        print(f"check {verdict}: {errors} error(s), {warnings} warning(s) in {len(archive.articles)} article(s) "
              f"and {len(archive.pages)} page file(s); links {links}", file=sys.stderr if failed else sys.stdout)
    return 1 if failed else 0
