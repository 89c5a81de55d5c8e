from __future__ import annotations

import codecs

import pytest

from wxnews_site.importer.decode import DecodeError, decode

PAGE = "第七届过敏医学学术会议在锡举办\n本报讯 6月29日,会议在无锡开幕。\n(文扬)\n"


@pytest.mark.parametrize(
    "data",
    [
        PAGE.encode("utf-8"),
        codecs.BOM_UTF8 + PAGE.encode("utf-8"),
        PAGE.encode("gb18030"),
        PAGE.encode("gbk"),
        codecs.BOM_UTF16_LE + PAGE.encode("utf-16-le"),
        codecs.BOM_UTF16_BE + PAGE.encode("utf-16-be"),
        PAGE.replace("\n", "\r\n").encode("utf-8"),
        PAGE.replace("\n", "\r\n").encode("gbk"),
    ],
    ids=["utf8", "utf8-bom", "gb18030", "gbk", "utf16le-bom", "utf16be-bom", "utf8-crlf", "gbk-crlf"],
)
def test_every_accepted_encoding_gives_the_same_text(data):
    assert decode(data, "page.txt") == PAGE


def test_gb18030_only_characters_survive():
    text = "㐀字与€符号都在\n"  # outside GBK's repertoire, inside GB18030's
    assert decode(text.encode("gb18030"), "p.txt") == text


def test_undecodable_bytes_name_the_file_and_offset():
    data = "本报讯 ".encode("utf-8") + bytes([0x80, 0x81, 0xFF, 0x00, 0x9C, 0xFE, 0xFF, 0x01]) * 8
    with pytest.raises(DecodeError) as info:
        decode(data, "wuxi-02.txt")
    assert "wuxi-02.txt" in str(info.value)
    assert "byte offset 10" in str(info.value)
    assert info.value.offset == 10


def test_random_bytes_are_not_taken_for_gb18030():
    # Every byte pair here is valid GB18030, but the result is not Chinese text.
    data = bytes(range(0x81, 0xFF)) * 4
    data.decode("gb18030")
    with pytest.raises(DecodeError):
        decode(data, "binary.bin")


def test_broken_utf16_after_bom_is_an_error():
    with pytest.raises(DecodeError) as info:
        decode(codecs.BOM_UTF16_LE + b"\x00\xd8\x41", "p.txt")
    assert "p.txt" in str(info.value)
