"""Packs: the index's pieces many to a file, read in byte ranges (search/packs.py, search.js)."""
from __future__ import annotations

import json
import struct
import urllib.request
from pathlib import Path

import pytest

from conftest import serve_folder
from test_search import ARTICLES, url_for
from test_search_browser import build, search
from wxnews_site.config import SiteConfig
from wxnews_site.devserver import requested_range
from wxnews_site.search import index as search_index, packs
from wxnews_site.search import layout


def test_a_pack_gives_back_its_pieces_with_empty_ones_and_a_short_tail():
    pieces = [(b"abc", 3), (b"", 0), (b"defgh", 5)]
    data = packs.build(pieces, 4, 1)
    assert packs.split(data, 4, 1) == [*pieces, packs.EMPTY]
    offsets = struct.unpack_from("<5I", data)
    assert offsets == (20, 23, 23, 28, 28) and len(data) == 28, "the header: five offsets from the pack's start"


def test_a_record_pack_tells_where_each_record_s_first_part_ends():
    records = [(b"first|rest", 5), (b"only", 4)]
    data = packs.build(records, 2, 2)
    assert packs.split(data, 2, 2) == records
    header = struct.unpack_from("<5I", data)
    assert header == (20, 25, 30, 34, 34)


@pytest.mark.parametrize("data", [b"", b"\x00" * 8, packs.build([(b"abc", 3)], 2, 1)[:-1],
                                  struct.pack("<3I", 12, 20, 14) + b"xx"])
def test_a_damaged_pack_is_an_error_not_garbage(data):
    with pytest.raises(ValueError):
        packs.split(data, 2, 1)


def test_pieces_per_pack_fill_about_the_target_within_the_shard_count():
    assert packs.per_pack(1_000) == 16
    assert packs.per_pack(1_000, limit=4) == 4
    assert packs.per_pack(50_000) == 1, "a big piece is a pack of its own"
    assert packs.per_pack(1) == 1, "pieces of a byte or two: a header would outweigh them"
    for avg in (10, 250, 700, 1_500, 3_000, 9_000):
        p = packs.per_pack(avg)
        assert p & (p - 1) == 0 and p * avg <= 1.5 * packs.PACK_TARGET
        assert packs.header_size(p, 1) <= avg / 2 + 4 or p == 1, "the header read before a piece is at most half one"


def test_a_patch_rewrites_only_the_packs_it_touched_and_keeps_their_other_pieces(tmp_path):
    full = layout.Writer(tmp_path, fresh=True, per={"g": 4})
    for n in range(8):
        full.piece("g", n, f"shard {n}".encode())
    full.flush(["g"])
    assert sorted(full.changed) == ["g/0.bin", "g/1.bin"]
    patch = layout.Writer(tmp_path, fresh=False, per={"g": 4})
    patch.piece("g", 5, b"new five")
    patch.piece("g", 6, b"")
    patch.flush(["g"])
    assert patch.changed == ["g/1.bin"]
    assert [packs.read_piece(tmp_path, "g", n, 4)[0] for n in range(8)] == [
        b"shard 0", b"shard 1", b"shard 2", b"shard 3", b"shard 4", b"new five", b"", b"shard 7"]


def test_a_built_index_is_a_few_packs_and_every_piece_is_found_in_them(tmp_path):
    search_index.write_index(ARTICLES, tmp_path, SiteConfig(), tmp_path / ".cache", url_for, processes=1)
    root = tmp_path / "search"
    meta = json.loads((root / "meta.json").read_bytes())
    per, shards = meta["packs"], meta["shards"]
    for kind in ("g/2024", "w/2024", "k"):  # (the archive has one segment, 2024)
        files = sorted((root / kind).iterdir())
        assert len(files) == shards[kind] // per[kind]
        for f in files:
            assert len(packs.split(f.read_bytes(), per[kind], 1)) == per[kind]
    assert len(list((root / "d").iterdir())) == -(-meta["docs"] // per["d"])


@pytest.mark.parametrize("header, size, expected", [
    ("bytes=0-9", 20, (0, 10)), ("bytes=5-", 20, (5, 20)), ("bytes=-3", 20, (17, 20)),
    ("bytes=10-100", 20, (10, 20)), (None, 20, None), ("bytes=0-1,4-5", 20, None), ("lines=0-1", 20, None),
])
def test_range_headers_are_read_as_static_hosts_read_them(header, size, expected):
    assert requested_range(header, size) == expected


def test_a_range_past_the_end_is_unsatisfiable():
    with pytest.raises(ValueError):
        requested_range("bytes=20-30", 20)


def test_the_test_host_answers_ranges_with_partial_content(tmp_path):
    (tmp_path / "p.bin").write_bytes(bytes(range(100)))
    with serve_folder(tmp_path) as url:
        req = urllib.request.Request(url + "p.bin", headers={"Range": "bytes=10-19"})
        with urllib.request.urlopen(req) as res:
            assert res.status == 206 and res.headers["Content-Range"] == "bytes 10-19/100"
            assert res.read() == bytes(range(10, 20))
        with urllib.request.urlopen(url + "p.bin") as res:
            assert res.status == 200 and len(res.read()) == 100


# ------------------------------------------------------------ in the browser

QUERIES = ["机器人", "長三角", "老旧小区 加装电梯", "蠡园深处", "新吴区", "没有这个词"]


def is_pack(url: str) -> bool:
    return "/search/" in url and url.split("/search/")[1].split("/")[0] in packs.CUTS


def answers(url: str, browser) -> tuple[list[dict], list[tuple[str, int, str]]]:
    context = browser.new_context()
    page = context.new_page()
    got: list[tuple[str, int, str]] = []
    page.on("requestfinished", lambda req: got.append((req.url, req.sizes()["responseBodySize"],
                                                       req.headers.get("range", ""))))
    page.goto(url + "search/index.html")
    page.wait_for_function("window.wxnewsSearch !== undefined")
    out = [search(page, q) for q in QUERIES]
    context.close()
    for res in out:
        for r in res["results"]:
            r.pop("href")  # (the host's address)
    return out, got


@pytest.mark.browser
def test_search_reads_ranges_of_packs_and_a_host_without_ranges_gives_the_same_answers(tmp_path, browser):
    site = build(tmp_path)
    with serve_folder(site) as url:
        ranged, got = answers(url, browser)
    with serve_folder(site, ranges=False) as url:
        whole, got_whole = answers(url, browser)
    assert ranged == whole
    assert ranged[0]["results"][0]["title"] == "加码无锡,“人形机器人第一股”向未来跃进"
    assert all(r["total"] for r in ranged[:-1]) and ranged[-1]["total"] == 0
    packed = [(u, n, r) for u, n, r in got if is_pack(u)]
    assert packed and all(r.startswith("bytes=") for _, _, r in packed), "every pack is read in ranges"
    for u, n, asked in packed:
        first, last = map(int, asked[len("bytes="):].split("-"))
        assert n == last - first + 1, f"{u}: {asked} answered with {n} bytes"
    sizes = {u: (site / "search" / u.split("/search/")[1]).stat().st_size for u, _, _ in packed}
    assert any(sum(n for v, n, _ in packed if v == u) < size for u, size in sizes.items()), "packs read in part"
    # Without ranges each pack comes whole, once, and is cut up in the browser.
    whole_packs = [u for u, _, _ in got_whole if is_pack(u)]
    assert len(whole_packs) == len(set(whole_packs))


@pytest.mark.browser
def test_a_host_ignoring_ranges_gets_results_within_a_budget_of_whole_packs(tmp_path, browser):
    # The page's first view keeps to a byte budget. Where each piece costs its
    # whole pack the budget is WHOLE_SCALE (8) times larger: the results are
    # shown all the same, and a query of many candidates stops within it.
    from test_search_browser import FAR_APART, MANY

    site = build(tmp_path / "many", MANY)
    shown = {}
    for ranges in (True, False):
        with serve_folder(site, ranges=ranges) as url:
            context = browser.new_context()
            page = context.new_page()
            page.goto(url + "search/index.html")
            page.wait_for_function("window.wxnewsSearch !== undefined")
            shown[ranges] = search(page, "人形机器人", limit=10, exact=False, budget=3000)
            context.close()
    assert not shown[True]["complete"] and len(shown[True]["results"]) < 10
    assert shown[False]["complete"] and len(shown[False]["results"]) == 10
    with serve_folder(build(tmp_path / "far", FAR_APART), ranges=False) as url:
        context = browser.new_context()
        page = context.new_page()
        got: list[tuple[str, int]] = []
        page.on("requestfinished", lambda req: got.append((req.url, req.sizes()["responseBodySize"])))
        page.goto(url + "search/index.html")
        page.wait_for_function("window.wxnewsSearch !== undefined")
        res = search(page, "人形机器人", limit=10, exact=False, budget=30_000)
        page.wait_for_timeout(100)
        context.close()
    assert not res["complete"] and not res["exact"] and res["pending"] > 0
    # (the query's keys come first, whatever they cost; the records are planned within what is left)
    records = [n for u, n in got if "/search/d/" in u]
    assert records and sum(n for u, n in got if "/search/" in u) <= 8 * 30_000 + max(records)


@pytest.mark.browser
def test_a_pack_published_anew_mid_search_is_told_not_misread(tmp_path, browser):
    # The header came in a range; then the host (its cache refreshed by a new
    # publication) sends the whole file, another one: the search says so
    # rather than cutting pieces at the old offsets.
    import functools
    import http.server
    import threading

    from wxnews_site.devserver import StaticHandler

    class Republished(StaticHandler):
        def do_GET(self) -> None:
            asked = self.headers.get("Range", "")
            if "/search/d/" in self.path and asked and not asked.startswith("bytes=0-"):
                body = b"\x07" * 4096  # (another pack: its header is not the one read)
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            super().do_GET()

    site = build(tmp_path)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Republished, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        context = browser.new_context()
        page = context.new_page()
        page.goto(f"http://127.0.0.1:{server.server_address[1]}/search/index.html")
        page.wait_for_function("window.wxnewsSearch !== undefined")
        told = page.evaluate("wxnewsSearch('机器人').then(() => 'answered', e => e.message)")
        context.close()
    finally:
        server.shutdown()
    assert "刷新" in told


@pytest.mark.browser
def test_for_a_host_without_ranges_every_piece_is_a_file_of_its_own(tmp_path, browser):
    # search.ranges: false. Each pack holds one piece, so where the host sends
    # whole files a piece costs itself alone, in one request.
    from test_search import write_archive
    from wxnews_site.site.build import build_site

    write_archive(tmp_path / "articles", ARTICLES)
    config = SiteConfig(title="测试档案", search_words=("新吴区",), search_ranges=False, root=tmp_path)
    assert build_site(config, articles_dir=tmp_path / "articles", out_dir=tmp_path / "build").ok
    root = tmp_path / "build" / "search"
    meta = json.loads((root / "meta.json").read_bytes())
    assert set(meta["packs"].values()) == {1}
    assert len(list((root / "d").iterdir())) == meta["docs"]
    with serve_folder(tmp_path / "build", ranges=False) as url:
        alone, got = answers(url, browser)
    with serve_folder(build(tmp_path / "packed")) as url:
        packed, _ = answers(url, browser)
    assert alone == packed
    pack_requests = [u for u, _, _ in got if is_pack(u)]
    assert len(pack_requests) == len(set(pack_requests)), "one request a piece"
