"""``wxnews-site build``: the article files -> the static site in build/."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..config import ConfigError, load_config
from ..report import display_path, in_folder, no_articles


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--articles", type=Path, default=None, help="articles folder (default: from site.yaml, articles/)")
    parser.add_argument("--out", type=Path, default=None,
                        help="output folder (default: from site.yaml, build/; for another --articles DIR, DIR-site next to it); "
                             "the site before it is kept beside it as .NAME.previous, to make the next build fast")
    parser.add_argument("--base-url", default=None, help="public URL of the site, for feeds, sitemap and canonical links")
    parser.add_argument("--strict", action="store_true", help="treat warnings (open review flags, raw HTML) as errors, for CI")
    parser.add_argument("--no-wait", dest="wait", action="store_false",
                        help="fail at once when another build (or 'serve') is building the same folder, instead of waiting")
    parser.add_argument("--allow-empty", action="store_true",
                        help="replace a site that has articles with an empty one (an archive with no articles)")
    split = parser.add_mutually_exclusive_group()
    split.add_argument("--partition", type=int, metavar="YEAR",
                       help="build one year's pages alone, as one job of several (default --out: build-YEAR beside "
                            "the output folder); a final build with --merge makes the site of them")
    split.add_argument("--merge", type=Path, nargs="+", metavar="DIR", default=(),
                       help="build the whole site, taking every page the partition folders DIR hold unchanged "
                            "from them (the same site as a single build)")
    parser.add_argument("--changed", type=Path, nargs="+", metavar="PATH", default=None,
                        help="the article files changed since the last build (from CI's diff, say): when they are "
                             "edits of article bodies or a new day's issue, the build reads them alone without "
                             "scanning the archive; otherwise it scans the archive as usual. Without it, an articles "
                             "folder in a git work tree is asked of git: the files changed since the commit the last "
                             "build recorded, committed or not")
    bar = parser.add_mutually_exclusive_group()
    bar.add_argument("--progress", dest="progress", action="store_true", default=None, help="always show a progress bar")
    bar.add_argument("--no-progress", dest="progress", action="store_false", help="never show a progress bar")


def run(args: argparse.Namespace) -> int:
    from ..site.build import build_site  # Jinja and the theme only when building

    try:
        config = load_config(args.config)
    except ConfigError as exc:
        for p in exc.problems:
            print(p, file=sys.stderr)
        return 2  # a usage error, like every command's (cli.main); 1 is a failed build
    articles = args.articles or config.articles_dir
    if not articles.is_dir():
        print(no_articles(articles), file=sys.stderr)
        return 1
    if args.partition is not None:
        from ..site.partition import build_partition
        site = config.output_for(args.articles)
        out = args.out or site.with_name(f"{site.name}-{args.partition:04d}")
        result = build_partition(config, args.partition, articles_dir=articles, out_dir=out, base_url=args.base_url,
                                 strict=args.strict, progress=args.progress, wait=args.wait)
    else:
        result = build_site(config, articles_dir=articles, out_dir=args.out or config.output_for(args.articles),
                            base_url=args.base_url, strict=args.strict, progress=args.progress, wait=args.wait,
                            allow_empty=args.allow_empty, merge=args.merge, changed=args.changed)
    for p in in_folder(result.problems, articles):
        print(p, file=sys.stderr)
    for note in result.notes:
        print(f"{display_path(articles)}: note: {note}", file=sys.stderr)
    out = display_path(result.out_dir)
    if not result.ok:
        errors = sum(p.severity == "error" for p in result.problems)
        print(f"build failed: {errors} error(s); {out} was left as it was", file=sys.stderr)
        return 1
    print(f"built {out}: {result.rendered} page(s) rendered, {result.reused} unchanged, "
          f"{result.written} file(s) written in {result.seconds:.2f} s", file=sys.stderr)
    if not (args.base_url if args.base_url is not None else config.base_url) and args.partition is None:
        print("warning: no base_url: feed.xml and sitemap.xml hold relative links, which feed readers and "
              "search engines do not accept; set base_url in site.yaml (or pass --base-url) before publishing",
              file=sys.stderr)
    return 0
