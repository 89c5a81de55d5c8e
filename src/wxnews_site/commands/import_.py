"""``wxnews-site import``: raw page text (or a JSON Lines export) into article files.

Every input is decoded and reconstructed before anything is written, so one bad
page stops the run with nothing changed. Articles an editor has corrected since
the last import are never overwritten without ``--force``; the summary names them,
and names the page-file fields (section, paper, credits, leftovers, folded) kept as an
editor changed them.
"""
from __future__ import annotations

import argparse
import calendar
import datetime as dt
import re
import sys
import unicodedata
from pathlib import Path

from ..config import ConfigError, SiteConfig, load_config
from ..format import FormatError, Problem, check_year, page_relpath, sha256_bytes
from ..importer import naming, write
from ..importer.decode import InputError, read_input
from ..importer.fold import describe
from ..importer.naming import MAX_PAGE
from ..i18n import translate
from ..report import cite_raw, display_path

REVIEW_LIST_MAX = 30  # beyond this the summary points to `wxnews-site review`


def _date(text: str) -> dt.date:
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text)
    if not m:
        raise argparse.ArgumentTypeError(f"bad date {text!r}: use YYYY-MM-DD, e.g. 2024-06-30")
    year, month, day = map(int, m.groups())
    if not 1 <= month <= 12:
        raise argparse.ArgumentTypeError(f"bad date {text!r}: there is no month {month}")
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        raise argparse.ArgumentTypeError(f"bad date {text!r}: {calendar.month_name[month]} {year} has {days} days, "
                                         f"no day {day}")
    return dt.date(year, month, day)


def _page(text: str) -> int:
    if not text.isascii() or not text.isdigit() or len(text) > 3 or not 1 <= int(text) <= MAX_PAGE:
        raise argparse.ArgumentTypeError(f"bad page {text!r}: a page number from 1 to {MAX_PAGE}")
    return int(text)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Turn raw e-paper pages into one Markdown file per article plus a page file per 版. "
        "Date and page come from --date/--page, else a sidecar PAGE.yaml (date, page, section, paper), "
        "else the file name (2024-06-30_02.txt, 20240630-02.txt, wxrb_20240630_02.txt). "
        "Articles and page-file fields (section, paper, credits, leftovers, folded) edited since their import "
        "are kept unless --force."
    )
    parser.add_argument("pages", nargs="*", type=Path, metavar="PAGE.txt",
                        help="raw page text files, or folders of them (every *.txt inside)")
    parser.add_argument("--jsonl", type=Path, metavar="FILE", help="import a JSON Lines export instead of raw pages")
    parser.add_argument("--date", type=_date, help="issue date YYYY-MM-DD (for every page given)")
    parser.add_argument("--page", type=_page, help="page (版) number; only with a single page file")
    parser.add_argument("--section", help="版名, e.g. 要闻 (default: sidecar, else site.yaml's sections)")
    parser.add_argument("--paper", help="paper name (default: sidecar, else site.yaml's paper)")
    parser.add_argument("--articles", type=Path, metavar="DIR", help="articles folder (default: from site.yaml, else ./articles)")
    parser.add_argument("--force", action="store_true", help="overwrite and remove articles, and replace page-file fields, even when editors changed them")
    parser.add_argument("--dry-run", action="store_true", help="show what would be written; write nothing")


def _errors(problems: list[Problem] | list[str]) -> int:
    for p in problems:
        print(p, file=sys.stderr)
    print("nothing was written.", file=sys.stderr)
    return 1


def _read_page(path: Path, flags: dict, config: SiteConfig) -> tuple[write.PageImport | None, list[str]]:
    """Decode, name and reconstruct one raw page; errors are returned, not raised, to collect them all."""
    from ..importer.decode import DecodeError, decode
    from ..importer.layout import reconstruct

    where = display_path(path)
    try:
        data = read_input(path)
    except InputError as exc:
        return None, [f"error: {where}: {exc}"]
    try:
        meta = naming.resolve(path, **flags)
        text = decode(data, where)
    except FormatError as exc:
        return None, [f"error: {p}" for p in exc.problems]
    except DecodeError as exc:
        return None, [f"error: {exc}; nothing in it was imported"]
    if not text.strip():
        return None, [f"error: {where}: the file holds no text; nothing was imported from it (an empty page would "
                      "remove the page's articles: delete them by hand if that is what you mean)"]
    draft = reconstruct(text.split("\n"), path.name)
    if meta.date is None or meta.page is None:
        missing = " and ".join(k for k, v in (("date", meta.date), ("page", meta.page)) if v is None)
        msg = f"error: {where}: the issue {missing} is unknown. Give --date YYYY-MM-DD --page N, " \
              f"a sidecar {naming.sidecar_path(path).name}, or a name like 2024-06-30_02.txt."
        hint = draft.date_hint or naming.date_in_text(text)
        if meta.date is None and hint:
            msg += f" The text mentions {hint}: if that is the issue date, add --date {hint}."
        return None, [msg]
    if wrong := check_year(meta.date, config.years):
        return None, [f"error: {where}: {wrong}"]
    section = meta.section or config.section_for(meta.date, meta.page, None)
    return write.PageImport(
        date=meta.date, page=meta.page, section=section, paper=meta.paper or config.paper,
        source=path.name, source_sha256=sha256_bytes(data), draft=draft,
    ), []


def _raw_pages(args: argparse.Namespace, config: SiteConfig) -> tuple[list[write.PageImport], list[str]]:
    """Every page read before anything is written, collecting every error before giving up."""
    flags = {"date": args.date, "page": args.page, "section": args.section, "paper": args.paper}
    results = [_read_page(path, flags, config) for path in args.pages]
    return [page for page, _ in results if page is not None], [e for _, errs in results for e in errs]


def run(args: argparse.Namespace) -> int:
    try:
        config = load_config(args.config)
    except ConfigError as exc:
        return _errors(exc.problems)
    root = (args.articles or config.articles_dir).resolve()
    if root.exists() and not root.is_dir():
        return _errors([f"error: {display_path(root)} is a file, not an articles folder"])
    pages_given = []
    for path in args.pages:
        # A folder stands for the raw pages in it: one issue's export, say.
        found = sorted(path.glob("*.txt")) if path.is_dir() else [path]
        if not found:
            return _errors([f"error: {display_path(path)}: no .txt pages in this folder"])
        pages_given.extend(found)
    args.pages = pages_given
    if args.jsonl and args.pages:
        return _errors(["error: give raw page files or --jsonl FILE, not both"])
    if not args.jsonl and not args.pages:
        return _errors(["error: nothing to import: give raw page files (PAGE.txt ...) or --jsonl FILE"])
    if args.page is not None and len(args.pages) > 1:
        return _errors([f"error: --page applies to a single page file, but {len(args.pages)} were given; "
                        "name the files by page (2024-06-30_02.txt) or add sidecars"])
    if args.jsonl:
        if args.date or args.page:
            return _errors(["error: --date and --page do not apply to --jsonl: each record has its own"])
        from ..importer.jsonl import load_jsonl

        try:
            pages = load_jsonl(args.jsonl, config=config, paper=args.paper)
        except FormatError as exc:
            return _errors(exc.problems)
        except InputError as exc:
            return _errors([f"error: {display_path(args.jsonl)}: {exc}"])
        if args.section:
            pages = [write.PageImport(p.date, p.page, args.section, p.paper, p.source, p.source_sha256, p.draft)
                     for p in pages]
    else:
        pages, errors = _raw_pages(args, config)
        if errors:
            return _errors(errors)
    try:
        plan = write.plan(pages, root, force=args.force, years=config.years)
    except write.WriteError as exc:
        return _errors([f"error: {exc}"])
    if args.dry_run:
        _print_dry_run(plan)
        return 0
    try:
        write.apply(plan)
    except write.ApplyError as exc:
        print(f"error: {display_path(root)}: {exc}", file=sys.stderr)
        return 1
    _print_summary(plan)
    return 0


# ------------------------------------------------------------------ reports

def _cells(ch: str) -> int:
    """Terminal columns of one character (wide CJK takes two)."""
    return 2 if unicodedata.east_asian_width(ch) in "WF" else 1


def _width(text: str) -> int:
    return sum(_cells(ch) for ch in text)


def _cut(text: str, width: int) -> str:
    if _width(text) <= width:
        return text
    out, w = "", 0
    for ch in text:
        if w + _cells(ch) > width - 1:
            break
        out, w = out + ch, w + _cells(ch)
    return out + "…"


def _pad(text: str, width: int) -> str:
    text = _cut(text, width)
    return text + " " * max(0, width - _width(text))


def _folded_note(p: write.PageImport) -> str:
    """Why characters differ from the raw file, in words an editor can check against the printed page."""
    n = sum(f.count for f in p.draft.folded)
    lines = ", ".join(str(x) for x in sorted({f.line for f in p.draft.folded}))
    return (f"{p.source}: {n} look-alike character(s) from a PDF's text (部首 such as ⽉ in place of 月, "
            f"⸺ in place of ——) were imported as the ordinary characters: {describe(p.draft.folded)} "
            f"(raw line(s) {lines})")


def _print_dry_run(plan: write.Plan) -> None:
    actions = {a.relpath: a.action for a in plan.actions}
    label = {k: translate(v) for k, v in (("write", "write"), ("unchanged", "same"), ("skip-edited", "EDITED, kept"),
                                          ("skip-deleted", "DELETED, left"))}
    base = display_path(plan.root)
    by_page: dict[tuple[dt.date, int], list] = {}
    for art in plan.articles:
        by_page.setdefault((art.date, art.page), []).append(art)
    for p in plan.pages:
        print(f"{p.date} 第{p.page}版 ({p.section or 'no section'}, {p.paper or 'no paper'}) from {p.source} -> {base}/")
        heads = [translate(word) for word in ("id", "kind", "headline", "bylines", "paras", "file")]
        print(f"  {_pad(heads[0], 18)} {_pad(heads[1], 12)} {_pad(heads[2], 34)} {_pad(heads[3], 20)} {heads[4]:>5}  {heads[5]}")
        for a in by_page.get((p.date, p.page), []):
            people = "、".join(a.bylines) + (" 摄:" + "、".join(a.photographers) if a.photographers else "")
            paras = sum(1 for x in a.body.split("\n\n") if x.strip())
            print(f"  {_pad(a.id, 18)} {_pad(a.kind, 12)} {_pad(a.headline, 34)} {_pad(people or '-', 20)} "
                  f"{paras:>5}  {label.get(actions.get(a.path, ''), '?')}")
            for r in a.review:
                print(f"      review: {cite_raw(r, p.source)}")
        for c in p.draft.credits:
            print(f"  credit: {c}")
        for lo in p.draft.leftovers:
            print("  " + cite_raw(f"leftover line {lo.line}: {lo.text}" + (f"  [{lo.reason}]" if lo.reason else ""), p.source))
        for f in p.draft.folded:
            print("  " + cite_raw(f"look-alike line {f.line}: {f.printed} read as {f.text} ×{f.count}", p.source))
    for rel in (a.relpath for a in plan.actions if a.action in ("remove", "keep-edited")):
        print(f"  {'would remove' if actions[rel] == 'remove' else 'edited, no longer produced, kept'}: {base}/{rel}")
    for rel, fields in plan.kept_page_edits.items():
        print(f"  EDITED page file, would keep your {', '.join(fields)} (--force replaces): {base}/{rel}")
    n = len(plan.articles)
    print(f"dry run: {len(plan.pages)} page(s), {n} article(s); {plan.count('write')} file(s) would be written, "
          f"{plan.count('skip-edited')} edited kept, {plan.count('remove')} removed. Nothing was written.")


def _print_summary(plan: write.Plan) -> None:
    base = display_path(plan.root)
    meanwhile = plan.changed_meanwhile
    print(f"imported {len(plan.pages)} page(s), {len(plan.articles)} article(s) into {base}/: "
          f"{plan.count('write') - len(meanwhile)} file(s) written, {plan.count('unchanged')} unchanged, "
          f"{plan.count('skip-edited') + len(meanwhile)} skipped (edited), {plan.count('skip-deleted')} left deleted, "
          f"{plan.count('remove')} removed")
    if meanwhile:
        print(f"warning: {len(meanwhile)} file(s) were saved while this import ran and were NOT overwritten:")
        for rel in meanwhile:
            print(f"  {base}/{rel}")
    for action, message in (
        ("skip-edited", "article(s) were edited since their import and were NOT overwritten "
                        "(use --force to replace them with the new import):"),
        ("keep-edited", "edited article(s) are no longer produced by this import and were kept; "
                        "delete them by hand if they are obsolete:"),
        ("skip-deleted", "article(s) deleted by an editor since their import were NOT written again "
                         "(use --force to restore them):"),
    ):
        named = plan.named(action)
        if named:
            print(f"warning: {len(named)} {message}")
            for rel in named:
                print(f"  {base}/{rel}")
    for rel in plan.named("remove"):
        print(f"removed (no longer produced): {base}/{rel}")
    for rel, fields in plan.kept_page_edits.items():
        print(f"warning: {base}/{rel} was edited since its import: kept your {', '.join(fields)} "
              f"instead of this import's (use --force to replace them)")
    for p in plan.pages:
        if p.draft.folded:
            print(f"note: {_folded_note(p)}; each is listed under folded: in {base}/{page_relpath(p.date, p.page)}")
    written = {a.relpath for a in plan.actions if a.action in ("write", "unchanged")}
    flagged = [a for a in plan.articles if a.review and a.path in written]
    if flagged:
        print(f"{len(flagged)} article(s) need review:")
        for a in flagged[:REVIEW_LIST_MAX]:
            source = a.source.file if a.source else None
            print(f"  {base}/{a.path}  {a.headline}: {'; '.join(cite_raw(r, source) for r in a.review)}")
        if len(flagged) > REVIEW_LIST_MAX:
            print(f"  ... and {len(flagged) - REVIEW_LIST_MAX} more: run 'wxnews-site review' for the full list")
