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

from . import __version__

COMMANDS = {
    "import": ("import_", "turn raw newspaper pages (or JSON Lines exports) into article files"),
    "build": ("build", "build the static site (pages, feeds, search index) from the article files"),
    "serve": ("serve", "build, serve on 127.0.0.1 and rebuild when files change"),
    "check": ("check", "validate the article files and the built site's links"),
    "review": ("review", "list articles whose review flags are still open"),
}


def make_parser() -> tuple[argparse.ArgumentParser, dict[str, argparse.ArgumentParser]]:
    parser = argparse.ArgumentParser(prog="wxnews-site", description=__doc__.split("\n")[0])
    parser.add_argument("--version", action="version", version=f"wxnews-site {__version__}")
    parser.add_argument("--config", type=Path, default=None, help="site configuration file (default: ./site.yaml)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    subs = {name: sub.add_parser(name, help=help_, description=help_) for name, (_, help_) in COMMANDS.items()}
    return parser, subs


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
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
