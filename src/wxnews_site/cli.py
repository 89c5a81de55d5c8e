"""Command line: ``wxnews-site COMMAND ...``; ``main(argv) -> int`` runs in-process for tests.

Each command lives in ``commands/<name>.py`` with ``configure(parser)`` adding
its options and ``run(args) -> int`` doing the work; they are imported only
when chosen, so ``wxnews-site import`` does not pay for Jinja or the browser
search code.
"""
from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

from . import __version__, i18n

COMMANDS = {
    "import": ("import_", "turn raw newspaper pages (or JSON Lines exports) into article files"),
    "build": ("build", "build the static site (pages, feeds, search index) from the article files"),
    "serve": ("serve", "build, serve on 127.0.0.1 and rebuild when files change"),
    "check": ("check", "validate the article files and the built site's links"),
    "review": ("review", "list articles whose review flags are still open"),
}


DESCRIPTION = """\
A searchable web archive of a Chinese newspaper from its printed pages. Editors
import each printed page (版) as raw e-paper text; wxnews-site splits it into one
Markdown file per article under articles/, which they correct by hand; it then
builds a static site (issues, 版, articles, authors, sections, feeds and a Chinese
full-text search that runs in the reader's browser) for any web host."""

EPILOG = """\
the editors' loop, run in the archive's folder (the one with site.yaml):
  wxnews-site import 2024-06-30_02.txt   one file per article, in articles/2024/06/30/
  wxnews-site review                     what the importer was unsure of
  wxnews-site check                      every problem, with file and line
  wxnews-site serve                      preview on http://127.0.0.1:8000/, rebuilt on save
  wxnews-site build --strict             the site to publish, in build/

'wxnews-site COMMAND --help' describes each command; README.md the whole loop."""


def make_parser() -> tuple[argparse.ArgumentParser, dict[str, argparse.ArgumentParser]]:
    parser = argparse.ArgumentParser(prog="wxnews-site", description=DESCRIPTION, epilog=EPILOG,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"wxnews-site {__version__}")
    parser.add_argument("--config", type=Path, default=None, help="site configuration file (default: ./site.yaml)")
    lang = {"choices": i18n.LANGUAGES,
            "help": "language of the messages: en or zh (default: from the locale, LANG=zh_CN.UTF-8 gives zh)"}
    parser.add_argument("--lang", default=None, **lang)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    subs = {name: sub.add_parser(name, help=help_, description=help_) for name, (_, help_) in COMMANDS.items()}
    for p in subs.values():  # `wxnews-site review --lang zh` as well as `wxnews-site --lang zh review`
        p.add_argument("--lang", default=argparse.SUPPRESS, **lang)
    return parser, subs


def _lang_flag(argv: list[str]) -> str | None:
    """--lang as given, read before parsing so that argparse's own errors are translated too."""
    for i, a in enumerate(argv):
        if a == "--lang" and i + 1 < len(argv) and argv[i + 1] in i18n.LANGUAGES:
            return argv[i + 1]
        if a.startswith("--lang=") and a[7:] in i18n.LANGUAGES:
            return a[7:]
    return None


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # JSON for tools (--format json) is printed on stdout as it is; messages on stderr are the editor's.
    json_out = any(a == "--format=json" or (a == "--format" and b == "json") for a, b in zip(argv, argv[1:] + [""]))
    i18n.install(i18n.choose(_lang_flag(argv)), ("stderr",) if json_out else ("stdout", "stderr"))
    try:
        return _main(argv)
    finally:
        i18n.uninstall()


def _main(argv: list[str]) -> int:
    parser, subs = make_parser()
    # Only the chosen command's module is imported and asked for its options.
    chosen = next((a for a in argv if a in COMMANDS), None)
    module = None
    if chosen is not None:
        module = importlib.import_module(f".commands.{COMMANDS[chosen][0]}", __package__)
        module.configure(subs[chosen])
    args = parser.parse_args(argv)
    if module is None or args.command is None:
        parser.print_help(sys.stderr)
        return 2
    from .config import ConfigError

    try:
        return int(module.run(args))
    except ConfigError as exc:
        # A broken site.yaml is the editor's to fix: file:line messages, no traceback.
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `wxnews-site review | head` closes the pipe early: that is the reader's
        # choice, not an error worth a traceback. Point stdout at devnull so the
        # interpreter's final flush does not raise again.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


def entry() -> None:
    sys.exit(main())
