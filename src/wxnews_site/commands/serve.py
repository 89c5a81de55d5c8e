"""``wxnews-site serve``: build, preview on 127.0.0.1, rebuild and reload on every save."""
from __future__ import annotations

import argparse
import errno
import signal
import sys
import threading
from pathlib import Path


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000; 0 picks a free one)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this computer only)")
    parser.add_argument("--articles", type=Path, default=None, help="articles folder (default: from site.yaml, else ./articles)")
    parser.add_argument("--out", type=Path, default=None, help="output folder (default: from site.yaml, else ./build)")


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def run(args: argparse.Namespace) -> int:
    from ..devserver import DevServer

    try:
        server = DevServer(args.config, articles=args.articles, out=args.out, host=args.host, port=args.port)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            print(f"error: port {args.port} on {args.host} is already in use (is another 'wxnews-site serve' running?); "
                  f"choose another with --port {args.port + 1}, or --port 0 for any free port", file=sys.stderr)
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
        server.say(f"building {server.state.out_dir} ...")
        server.rebuild()
        server.start()
        server.say(f"Serving {server.url} (rebuilds when articles, templates or site.yaml change; Ctrl+C to stop)")
        server.watch()
    except KeyboardInterrupt:
        server.say("stopped")
    finally:
        server.close()
    return 0
