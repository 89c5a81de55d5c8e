"""The search index's article records: ranked code, code book in dict.bin, exact round trips.

Every record must come back as exactly the text it was made from, in Python
(the rebuild's patch reads old records) and in the reader's browser
(search.js), whatever characters it holds: traditional, astral, Latin-1,
control characters, or characters the code book has never seen.
"""
from __future__ import annotations

import json
import zlib

import pytest
from hypothesis import given, settings, strategies as st

from test_search import ARTICLES
from test_search_browser import build, search
from conftest import serve_folder
from wxnews_site.search import index as search_index, packs
from wxnews_site.search import layout
from wxnews_site.search.normalize import searchable_text
from wxnews_site.search.records import ESCAPE, ONE, Codec

# Ordinary newspaper text the code book is chosen from.
SAMPLE = [json.dumps({"t": a.title or "", "x": searchable_text(a)}, ensure_ascii=False) for a in ARTICLES]
ODD = [
    "",
    "\n",
    "來自臺灣的學者談到長三角與機器人產業。",   # traditional
    "𠮷野家的𠮷不是吉",                        # astral plane: two UTF-16 units in JS
    "a\x00b\x01\x1f",                         # NUL and control characters
    "café Ångström naïve ÿ Ā ÷",              # Latin-1 and just past it: byte values the code uses
    "NVIDIA芯片 2024年6月30日 第02版 12.5%",  # Latin and digits among Chinese
    "\uffff\ue000\U0010ffff",                  # the ends of the planes
    "长三角" * 500,                           # long repeats
]


@pytest.fixture(scope="module")
def codec() -> Codec:
    return Codec.choose(SAMPLE)


@pytest.mark.parametrize("text", ODD)
def test_every_text_comes_back_exactly(codec, text):
    assert codec.decode(codec.encode(text)) == text
    record = json.dumps({"x": text}, ensure_ascii=False)
    assert codec.unpack_text(codec.pack(record)) == record
    assert codec.unpack(codec.pack(record)) == {"x": text}


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_comes_back_exactly(codec, text):
    assert codec.decode(codec.encode(text)) == text


def test_dict_bin_holds_the_code_book_and_the_dictionary(codec):
    read = Codec.read(codec.prefix())
    assert read == codec
    assert zlib.decompressobj(-15).decompress(codec.prefix()) == read.window
    assert codec.prefix_length == len(read.window)


def test_common_characters_take_one_byte_and_chinese_text_less_than_utf8(codec):
    assert "的" in codec.tiers[0] and '"' in codec.tiers[0] and len(codec.encode("的")) == 1
    big = Codec.choose(["".join(map(chr, range(0x4E00, 0x4E00 + 1000)))])
    assert [len(t) for t in big.tiers] == [ONE, 256, 256, 1000 - ONE - 2 * 256]
    assert len(big.encode("\u4e00")) == 1 and len(big.encode("\u4e00\u9000" + chr(0x4E00 + 999))) == 1 + 4 + 2
    text = searchable_text(ARTICLES[1])
    assert len(codec.encode(text)) < len(text.encode("utf-8")) * 0.6
    assert codec.encode("𠮷")[0] == ESCAPE, "a character the book lacks is written by its code point"


def test_records_are_smaller_than_utf8_deflated_with_the_same_dictionary(codec):
    record = json.dumps({"x": searchable_text(ARTICLES[0]) + searchable_text(ARTICLES[2])}, ensure_ascii=False)
    plain = zlib.compressobj(9, zlib.DEFLATED, -15)
    assert len(codec.pack(record)) < len(plain.compress(record.encode("utf-8")) + plain.flush())


def test_damaged_files_are_refused_with_an_error_not_a_wrong_text(codec):
    with pytest.raises(ValueError):
        Codec.read(b"\x00not deflate")
    with pytest.raises(ValueError):
        codec.unpack(b"\x00")
    with pytest.raises(ValueError):
        codec.decode(bytes([ESCAPE, 0]))


def test_a_built_index_s_records_hold_each_article_s_text_exactly(tmp_path):
    from test_search import Index

    site = build(tmp_path)
    index = Index(site / "search")
    texts = {a.id: searchable_text(a) for a in ARTICLES}
    got = {index.record(n)["i"]: index.record(n)["x"] for n in range(index.meta["docs"])}
    assert got == texts
    assert index.meta["format"] == layout.FORMAT == 6


# ------------------------------------------------------------ in the browser

ODD_LINE = "（𠮷野家、café №5、ÿ\x00Ā、臺灣、0123）"


@pytest.mark.browser
def test_the_browser_decodes_characters_the_code_book_lacks(tmp_path, browser):
    # A record written with the site's code book after the book was chosen
    # (as a rebuild's patch writes new articles): its new characters escape.
    site = build(tmp_path)
    root = site / "search"
    codec = Codec.read((root / "dict.bin").read_bytes())
    per = json.loads((root / "meta.json").read_bytes())["packs"]["d"]
    n = next(n for n in range(len(ARTICLES)) if layout.read_record(codec, packs.read_piece(root, "d", n, per))["t"]
             == "长三角一体化再提速")
    pack, _ = packs.where("d", n, per)
    pieces = packs.split((root / pack).read_bytes(), per, packs.CUTS["d"])
    data, first = pieces[n % per]
    record = codec.unpack(data[:first])
    record["x"] = record["x"].replace("英伟达与本地企业签约", "英伟达与本地企业签约" + ODD_LINE)
    assert ODD_LINE in record["x"] and "𠮷" not in "".join(codec.tiers)
    first_part = codec.pack(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
    pieces[n % per] = (first_part + data[first:], len(first_part))
    (root / pack).write_bytes(packs.build(pieces, per, packs.CUTS["d"]))
    with serve_folder(site) as url:
        context = browser.new_context()
        page = context.new_page()
        page.goto(url + "search/index.html")
        page.wait_for_function("window.wxnewsSearch !== undefined")
        (result,) = search(page, "英伟达")["results"]
        context.close()
    assert ODD_LINE in result["excerpt"]
    assert ["英伟达", True] in result["excerptParts"]


def test_a_full_build_tells_texts_with_folded_characters_as_the_map_does():
    from wxnews_site.search.normalize import fold_map

    flags = search_index.has_mapped(ODD)
    assert flags == [any(ch in fold_map() for ch in text) for text in ODD]
    assert flags[2] and not flags[3], "臺灣 is traditional, 𠮷 is not"
