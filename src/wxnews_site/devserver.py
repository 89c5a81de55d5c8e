"""The editor's preview: serve the built site on 127.0.0.1, rebuild when a file changes.

The watcher (``watching.py``) follows the system's file events, so a save
costs the same at ten thousand articles as at a million, and polls file sizes
and modification times where events do not reach (``serve --poll``). The
article files changed since the last good build are passed to the build to
read alone (build --changed); anything else makes it scan. Each
rebuild is the normal, incremental, atomic ``build_site``: a failed one leaves
the last good site in place, and the server keeps serving it with the
problems in a banner.

Live reload is injected into HTML *responses* only, never into the built
files: a short script polls ``/__reload`` and reloads the page when the build
counter moves.

Byte ranges are honoured as static hosts do (the search index is read in
ranges of its pack files); ``StaticHandler`` is the same for a plain folder.
"""
from __future__ import annotations

import html
import json
import mimetypes
import os
import posixpath
import re
import sys
import threading
import time
import traceback
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable, TextIO
from urllib.parse import quote, unquote, urlsplit

from .config import ConfigError, SiteConfig, load_config
from .format import Problem, archive_name
from .i18n import translate
from .report import in_folder
from .watching import Watcher, watcher

PACKAGE = Path(__file__).parent
CLIENT_TIMEOUT = 20.0  # seconds a connection may stay silent
RELOAD_PATH = "/__reload"
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8", ".htm": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8", ".json": "application/json",
    ".xml": "application/xml; charset=utf-8", ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
    ".webp": "image/webp", ".ico": "image/x-icon", ".woff2": "font/woff2", ".map": "application/json",
}
_RELOAD_JS = """<script>/* wxnews-site serve: live reload */(function(){var seen=%d;
function poll(){fetch("%s",{cache:"no-store"}).then(function(r){return r.json()}).then(function(s){
if(s.build!==seen){location.reload()}else{setTimeout(poll,600)}},function(){setTimeout(poll,2000)})}
setTimeout(poll,600)})();</script>"""


def content_type(path: Path) -> str:
    return CONTENT_TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"


class PreviewServer(ThreadingHTTPServer):
    """A thread per connection, a listen queue that holds a browser's burst
    of requests (the standard library's 5 drops some of a search page's
    hundreds of range requests), and a time limit on every connection."""

    request_queue_size = 128
    daemon_threads = True

    def __init__(self, address: tuple[str, int], handler: type, client_timeout: float = 0):
        self.client_timeout = client_timeout or CLIENT_TIMEOUT
        super().__init__(address, handler)


class _TimedHandler(BaseHTTPRequestHandler):
    """A client that sends nothing, or a request a byte at a time, is cut
    off after the server's ``client_timeout`` seconds of silence: otherwise
    each one would hold a thread for ever."""

    def setup(self) -> None:
        self.timeout = getattr(self.server, "client_timeout", CLIENT_TIMEOUT)
        super().setup()

    def handle(self) -> None:
        try:
            super().handle()
        except (TimeoutError, ConnectionError):
            self.close_connection = True


@dataclass
class State:
    """What the request handlers read and the watcher writes."""

    out_dir: Path
    build: int = 0  # moves on every rebuild, good or bad: the browser reloads to show either
    problems: list[Problem] = field(default_factory=list)
    ok: bool = True
    lock: threading.Lock = field(default_factory=threading.Lock)


class DevServer:
    def __init__(self, config_path: Path | None, *, articles: Path | None = None, out: Path | None = None,
                 host: str = "127.0.0.1", port: int = 8000, log: TextIO = sys.stdout,
                 builder: Callable[..., object] | None = None, client_timeout: float = CLIENT_TIMEOUT,
                 poll: bool = False):
        self.config_path = config_path
        self.articles_arg = articles
        self.out_arg = out
        self.log = log
        self.config = load_config(config_path)  # a broken site.yaml stops serve before it starts
        self.state = State(out_dir=self._out_dir())
        self._builder = builder
        # Binding first makes "port in use" the first thing an editor hears, not after a build.
        self.httpd = PreviewServer((host, port), _Handler, client_timeout)
        self.httpd.state = self.state  # type: ignore[attr-defined]
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self.watcher: Watcher
        self.watcher, why = watcher(self.watched(), poll)
        if why:
            self.say(f"note: watching the files by polling: no file events ({why})")
        # The paths changed since the last good build began; None before the
        # first one, or when the watcher lost track: then the build scans.
        self._pending: set[str] | None = None
        self._warned: set[str] = set()  # the warnings the last build printed

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}/"

    def _articles_dir(self) -> Path:
        return (self.articles_arg or self.config.articles_dir).resolve()

    def _out_dir(self) -> Path:
        return (self.out_arg or self.config.output_for(self.articles_arg)).resolve()

    def watched(self) -> list[Path]:
        cfg_file = self.config_path or self.config.root / "site.yaml"
        # (Also those that do not exist yet: a project's own templates/ is watched for.)
        return [self._articles_dir(), self.config.root / "templates", self.config.root / "static",
                PACKAGE / "templates", PACKAGE / "static", cfg_file]

    def say(self, text: str) -> None:
        print(text, file=self.log, flush=True)

    def rebuild(self) -> bool:
        """Build once; on failure keep the last good site and report why."""
        if self._builder is None:
            from .site.build import build_site  # Jinja and the theme are loaded only now

            self._builder = build_site
        # What changed is taken before building: a save made while the build runs is the next change.
        self.taken()
        pending = self._pending
        started = time.perf_counter()
        try:
            result = self._builder(self.config, articles_dir=self._articles_dir(), out_dir=self._out_dir(), progress=False,
                                   on_wait=self.say, changed=self._changed_since_built(pending))
            ok = bool(result.ok)  # type: ignore[attr-defined]
            if ok:
                self._pending = set()
            problems = in_folder(result.problems, self._articles_dir())  # type: ignore[attr-defined]
        except Exception as exc:  # a template bug must not take the preview down
            ok = False
            problems = [Problem("build", 0, f"{type(exc).__name__}: {exc}")]
            traceback.print_exc(file=self.log)
        with self.state.lock:
            self.state.ok, self.state.problems = ok, problems
            self.state.out_dir = self._out_dir()
            self.state.build += 1
        # Errors every time; a warning once, until it goes or comes back: in a
        # large archive the open review flags alone are thousands of lines,
        # which every save would print again above what it changed.
        lines = [str(p) for p in problems]
        again = 0
        for p, line in zip(problems, lines):
            if p.severity == "error" or line not in self._warned:
                self.say(line)
            else:
                again += 1
        self._warned = {line for p, line in zip(problems, lines) if p.severity != "error"}
        if again:
            self.say(f"note: {again} warning(s) as before, not repeated (wxnews-site check lists them all)")
        if ok:
            self.say(f"built in {time.perf_counter() - started:.2f} s")
        else:
            self.say("build failed: still serving the last good site; fix the files above and save")
        return ok

    def taken(self) -> set[str] | None:
        """The watcher's changes since it was last asked (None: it lost track),
        added to those the next build is told of."""
        paths = self.watcher.take()
        if paths is None:
            self._pending = None
        elif self._pending is not None:
            self._pending |= paths
        return paths

    def _changed_since_built(self, paths: set[str] | None) -> list[Path] | None:
        """The article files changed since the last good build began, for the
        build to read alone (build --changed); None when anything else changed
        (a template, site.yaml, a file removed), no build has succeeded yet or
        the watcher lost track: then the build scans the archive."""
        if not paths:
            return None
        articles = str(self._articles_dir()) + os.sep
        read = [p for p in paths if not self._unread(p)]
        # An article file gone, or a folder gone (its path ends in the separator), needs the scan.
        if not read or not all(p.startswith(articles) and os.path.isfile(p) for p in read):
            return None
        return [Path(p) for p in sorted(read)]

    def _unread(self, path: str) -> bool:
        """A file in the articles folder the build never reads: an editor's
        temporary file of an atomic save, a backup copy. It changes nothing."""
        return path.startswith(str(self._articles_dir()) + os.sep) and not path.endswith(os.sep) and \
            not archive_name(os.path.basename(path))

    def reload_config(self) -> bool:
        try:
            self.config = load_config(self.config_path)
            return True
        except ConfigError as exc:
            with self.state.lock:
                self.state.ok, self.state.problems = False, list(exc.problems)
                self.state.build += 1
            for p in exc.problems:
                self.say(str(p))
            self.say("site.yaml has errors: still serving the last good site")
            return False

    def start(self) -> None:
        """Serve in a background thread (after the first build)."""
        self._thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
        self._thread.start()

    def watch(self, stop: threading.Event | None = None) -> None:
        """Rebuild whenever a watched file changes, until stop is set."""
        stop = stop or self._stop
        while self.watcher.wait(stop):
            changed = self.taken()
            if changed is not None and all(map(self._unread, changed)):
                continue
            # Let a burst of saves (an editor saving several files, a re-import) settle.
            while not stop.wait(0.2):
                more = self.taken()
                if more is not None and not more:
                    break
                changed = None if more is None or changed is None else changed | more
            names = sorted({os.path.basename(p.rstrip(os.sep)) for p in changed}) if changed is not None else ["..."]
            self.say(f"changed: {', '.join(names[:5])}{' ...' if len(names) > 5 else ''}; rebuilding")
            if self.reload_config():
                self.rebuild()

    def close(self) -> None:
        self._stop.set()
        self.watcher.close()
        if self._thread is not None:  # shutdown() waits for a serve_forever that was never started
            self.httpd.shutdown()
        self.httpd.server_close()


class _Handler(_TimedHandler):
    server_version = "wxnews-site"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass  # the terminal is for build messages; every request would drown them

    def do_HEAD(self) -> None:
        self._serve(send_body=False)

    def do_GET(self) -> None:
        self._serve(send_body=True)

    def _send(self, status: int, body: bytes, ctype: str, send_body: bool, extra: dict[str, str] | None = None) -> None:
        if status == 200 and not ctype.startswith("text/html"):
            status, body, extra = _ranged(self.headers.get("Range"), body, extra or {})
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")  # a preview must never show a stale page
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if send_body:
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass

    def _serve(self, send_body: bool) -> None:
        state: State = self.server.state  # type: ignore[attr-defined]
        parts = urlsplit(self.path)
        if parts.path == RELOAD_PATH:
            with state.lock:
                body = json.dumps({"build": state.build, "ok": state.ok}).encode()
            self._send(200, body, "application/json", send_body)
            return
        path = unquote(parts.path, encoding="utf-8", errors="replace")
        rel = posixpath.normpath(path.lstrip("/")) if path.strip("/") else ""
        root = state.out_dir
        if rel.startswith("..") or "\x00" in rel:
            self._not_found(state, send_body)
            return
        target = root / rel if rel not in ("", ".") else root
        if target.is_dir():
            if not parts.path.endswith("/"):
                location = quote(path + "/", safe="/") + (f"?{parts.query}" if parts.query else "")
                self._send(301, b"", "text/plain", send_body, {"Location": location})
                return
            target = target / "index.html"
        if not target.is_file():
            self._not_found(state, send_body)
            return
        try:
            body = target.read_bytes()
        except OSError:  # swapped out by a rebuild between the check and the read
            self._not_found(state, send_body)
            return
        ctype = content_type(target)
        if ctype.startswith("text/html"):
            body = inject(body, state)
        self._send(200, body, ctype, send_body)

    def _not_found(self, state: State, send_body: bool) -> None:
        page = state.out_dir / "404.html"
        if page.is_file():
            body = page.read_bytes()
        elif not state.out_dir.is_dir():
            body = b"<!doctype html><meta charset=utf-8><title>No site yet</title><h1>No site built yet</h1></body>"
        else:
            body = b"<!doctype html><meta charset=utf-8><title>Not found</title><h1>404 Not found</h1></body>"
        self._send(404, inject(body, state), "text/html; charset=utf-8", send_body)


_RANGE_RE = re.compile(r"bytes=[ \t]*([0-9]{0,18})-([0-9]{0,18})[ \t]*")


def requested_range(header: str | None, size: int) -> tuple[int, int] | None:
    """The byte range a ``Range`` header asks of a body of this size, as (start,
    end) with end exclusive, by RFC 9110 section 14: None for no range or one
    to ignore (several ranges, other units, a malformed or backwards one such
    as ``bytes=5-2``: the whole body is the answer); ValueError when it is
    well formed but asks for nothing inside the body (416)."""
    m = _RANGE_RE.fullmatch(header.strip()) if header else None
    if m is None or not (m.group(1) or m.group(2)):
        return None
    first, last = m.groups()
    if first:
        start = int(first)
        if last and int(last) < start:
            return None  # an invalid range-spec: the header is ignored, not refused
        if start >= size:
            raise ValueError(f"range {header} of {size} bytes")
        return start, min(size, int(last) + 1) if last else size
    if int(last) == 0 or size == 0:  # a suffix of no bytes
        raise ValueError(f"range {header} of {size} bytes")
    return max(0, size - int(last)), size


def _ranged(header: str | None, body: bytes, extra: dict[str, str]) -> tuple[int, bytes, dict[str, str]]:
    """(status, body, headers) of a 200 answer to a request that may ask for a range."""
    extra = {**extra, "Accept-Ranges": "bytes"}
    try:
        wanted = requested_range(header, len(body))
    except ValueError:
        return 416, b"", {**extra, "Content-Range": f"bytes */{len(body)}"}
    if wanted is None:
        return 200, body, extra
    start, end = wanted
    return 206, body[start:end], {**extra, "Content-Range": f"bytes {start}-{end - 1}/{len(body)}"}


class StaticHandler(SimpleHTTPRequestHandler):  # a test host: no time limit needed
    """A plain static host for a folder that honours single byte ranges, as
    GitHub Pages, S3, nginx and Apache do (the standard library's
    handler sends the whole file)."""

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def do_GET(self) -> None:
        if "Range" not in self.headers:
            super().do_GET()
            return
        path = Path(self.translate_path(self.path))
        if not path.is_file():
            super().do_GET()
            return
        status, body, extra = _ranged(self.headers["Range"], path.read_bytes(), {})
        self.send_response(status)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Length", str(len(body)))
        for k, v in extra.items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)


def inject(body: bytes, state: State) -> bytes:
    """The page as built, plus the reload script and, after a failed build, its problems."""
    with state.lock:
        snippet = _RELOAD_JS % (state.build, RELOAD_PATH)
        if not state.ok:
            errors = [p for p in state.problems if p.severity == "error"]
            lines = [str(p) for p in errors[:20]]
            if len(errors) > 20:
                lines.append(f"... {len(errors) - 20} more in the terminal")
            warnings = len(state.problems) - len(errors)
            if warnings:
                lines.append(f"({warnings} warning(s) in the terminal)")
            items = "".join(f"<li>{html.escape(translate(line))}</li>" for line in lines)
            shown = "showing the last good site" if (state.out_dir / "index.html").is_file() else "no site to show yet"
            snippet = (
                '<div id="wxnews-build-failed" role="alert" style="position:fixed;left:0;right:0;bottom:0;max-height:40vh;'
                'overflow:auto;background:#fff3f3;color:#600;border-top:3px solid #c00;padding:.5em 1em;'
                'font:14px/1.4 monospace;z-index:99999">'
                f"<strong>{html.escape(translate(f'Build failed: {shown}.'))}</strong>"
                f"<ul>{items}</ul></div>" + snippet
            )
    data = snippet.encode("utf-8")
    at = body.rfind(b"</body>")
    return body[:at] + data + body[at:] if at >= 0 else body + data
