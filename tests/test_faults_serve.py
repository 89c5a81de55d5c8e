"""The preview server under load and abuse: its listen queue, silent or slow
clients, and Range headers by RFC 9110."""
from __future__ import annotations

import os
import socket
import subprocess
import urllib.request
from pathlib import Path

import pytest

from wxnews_site.devserver import DevServer, requested_range


@pytest.fixture
def server(tmp_path: Path):
    (tmp_path / "site.yaml").write_text("title: 数字报\n", encoding="utf-8")
    out = tmp_path / "build"
    (out / "search").mkdir(parents=True)
    (out / "search/0.bin").write_bytes(bytes(range(100)))
    s = DevServer(tmp_path / "site.yaml", port=0, log=open(os.devnull, "w"), client_timeout=0.5)
    s.start()
    try:
        yield s
    finally:
        s.close()


def get(server: DevServer, path: str, range_: str) -> tuple[int, bytes, str | None]:
    req = urllib.request.Request(server.url + path, headers={"Range": range_})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.read(), r.headers.get("Content-Range")
    except urllib.error.HTTPError as e:
        return e.code, e.read(), e.headers.get("Content-Range")


@pytest.mark.parametrize("header, status, body, content_range", [
    ("bytes=5-2", 200, bytes(range(100)), None),          # backwards: ignored (RFC 9110 14.1.1), not 416
    ("bytes=5-9", 206, bytes(range(5, 10)), "bytes 5-9/100"),
    ("bytes=-3", 206, bytes(range(97, 100)), "bytes 97-99/100"),
    ("bytes=90-200", 206, bytes(range(90, 100)), "bytes 90-99/100"),
    ("bytes=100-", 416, b"", "bytes */100"),
    ("bytes=-0", 416, b"", "bytes */100"),
    ("bytes=0-1,5-6", 200, bytes(range(100)), None),       # several ranges: the whole file, as hosts may
    ("bytes=" + "9" * 5000 + "-", 200, bytes(range(100)), None),
    ("pages=1-2", 200, bytes(range(100)), None),
])
def test_range_requests_follow_rfc_9110(server: DevServer, header, status, body, content_range):
    assert get(server, "search/0.bin", header) == (status, body, content_range)


def test_a_silent_client_is_cut_off_and_others_are_served(server: DevServer):
    host, port = server.httpd.server_address[:2]
    silent = socket.create_connection((host, port), timeout=10)
    slow = socket.create_connection((host, port), timeout=10)
    slow.sendall(b"GET /search/0.bin HTTP/1.1\r\nHost: x\r\n")  # and never the blank line
    assert silent.recv(1) == b"" and slow.recv(1) == b""  # closed by the server, not by our timeout
    assert get(server, "search/0.bin", "bytes=0-0")[0] == 206
    silent.close()
    slow.close()


def test_the_listen_queue_holds_a_browsers_burst_of_requests(server: DevServer):
    port = server.httpd.server_address[1]
    listing = subprocess.run(["ss", "-ltnH", f"sport = :{port}"], capture_output=True, text=True).stdout.split()
    assert int(listing[2]) >= 128  # for a listening socket ss shows the backlog as Send-Q
    assert requested_range(None, 10) is None
