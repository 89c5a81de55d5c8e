"""``wxnews-site serve``: build, preview on 127.0.0.1, rebuild and reload on every save."""
from __future__ import annotations

import argparse
import errno
import signal
import socket
import sys
import threading
from pathlib import Path

from ..report import display_path, no_articles


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000; 0 picks a free one)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this computer only)")
    parser.add_argument("--articles", type=Path, default=None, help="articles folder (default: from site.yaml, else ./articles)")
    parser.add_argument("--out", type=Path, default=None,
                        help="output folder (default: from site.yaml, build/; for another --articles DIR, DIR-site next to it)")
    parser.add_argument("--poll", action="store_true",
                        help="find changes by polling every file instead of the system's file events (for network "
                             "or container file systems that do not report changes)")


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def free_port(host: str, after: int) -> int | None:
    """The first port after ``after`` that nothing listens on now, to suggest one that works."""
    for port in range(after + 1, min(after + 50, 65535)):
        with socket.socket() as s:
            try:
                s.bind((host, port))
            except OSError:
                continue
            return port
    return None


def run(args: argparse.Namespace) -> int:
    from ..config import load_config
    from ..devserver import DevServer

    articles = args.articles or load_config(args.config).articles_dir
    if not articles.is_dir():
        print(no_articles(articles), file=sys.stderr)
        return 1
    try:
        server = DevServer(args.config, articles=args.articles, out=args.out, host=args.host, port=args.port,
                           log=sys.stdout, poll=args.poll)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            free = free_port(args.host, args.port)
            if free:
                print(f"error: port {args.port} on {args.host} is already in use (is another 'wxnews-site serve' "
                      f"running?); port {free} is free now: --port {free} (or --port 0 for any free port)", file=sys.stderr)
            else:
                print(f"error: port {args.port} on {args.host} is already in use (is another 'wxnews-site serve' "
                      "running?); choose another with --port N, or --port 0 for any free port", file=sys.stderr)
        elif exc.errno == errno.EACCES:
            print(f"error: not allowed to listen on port {args.port}; ports below 1024 need privileges, "
                  f"use e.g. --port 8000", file=sys.stderr)
        else:
            print(f"error: cannot listen on {args.host}:{args.port}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    if threading.current_thread() is threading.main_thread():
        # `kill`, systemd and CI stop with SIGTERM: finish the same way as Ctrl+C.
        signal.signal(signal.SIGTERM, _interrupt)
    try:
        server.say(f"building {display_path(server.state.out_dir)} ...")
        server.rebuild()
        server.start()
        server.say(f"Serving {server.url} (rebuilds when articles, templates or site.yaml change; Ctrl+C to stop)")
        server.watch()
    except KeyboardInterrupt:
        server.say("stopped")
    finally:
        server.close()
    return 0
