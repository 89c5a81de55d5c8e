"""Raw page bytes -> text: UTF-8 (with or without BOM), UTF-16 with BOM, GB18030/GBK.

E-paper exports come from Windows tools as often as from Linux ones, so the
importer accepts the encodings editors actually receive and normalises line
ends; anything else is refused with the file name and byte offset rather than
silently turned into replacement characters.
"""
from __future__ import annotations

import codecs
import os
import stat
import unicodedata
from pathlib import Path

BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


MAX_INPUT_BYTES = 4 << 30  # a raw page is some 20 KB, a year's JSON Lines export a few hundred MB


class InputError(Exception):
    """An input that is no file to read: a FIFO, a device, a folder, too big."""


def read_input(path: Path, limit: int = MAX_INPUT_BYTES) -> bytes:
    """The bytes of a regular file given as input; InputError says why not
    (reading /dev/zero or a FIFO would never end)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise InputError("not a regular file (a device, a pipe or a folder); give a text file")
        if st.st_size > limit:
            raise InputError(f"{st.st_size:,} bytes: more than the {limit:,} an input may have")
        with os.fdopen(os.dup(fd), "rb") as fh:
            return fh.read(limit + 1)
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}") from None
    finally:
        os.close(fd)


class DecodeError(ValueError):
    """The bytes are not text in any encoding the importer accepts."""

    def __init__(self, name: str, offset: int, detail: str):
        super().__init__(f"{name}: cannot decode byte offset {offset}: {detail}")
        self.name = name
        self.offset = offset


def _plausible_chinese(text: str) -> bool:
    """Random bytes often decode as GB18030; real text is mostly CJK, ASCII and punctuation."""
    if not text:
        return True
    good = 0
    for ch in text:
        o = ord(ch)
        if ch.isascii() and (ch.isprintable() or ch in "\r\n\t"):
            good += 1
        elif 0x3400 <= o <= 0x9FFF or 0x3000 <= o <= 0x303F or 0xFF00 <= o <= 0xFFEF or 0xF900 <= o <= 0xFAFF or o >= 0x20000:
            good += 1
        elif unicodedata.category(ch)[0] in "PS" and o < 0x2E80:  # “ ” — … · etc.
            good += 1
    return good / len(text) >= 0.95


def _normalise(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def decode(data: bytes, name: str) -> str:
    """Decode one raw page; raises DecodeError naming the file and the first bad byte."""
    for bom, enc in BOMS:
        if data.startswith(bom):
            try:
                return _normalise(data[len(bom):].decode(enc))
            except UnicodeDecodeError as exc:
                raise DecodeError(name, exc.start + len(bom), f"invalid {enc.upper()} after its byte-order mark") from None
    try:
        return _normalise(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        utf8_error = exc
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        text = None
    if text is not None and _plausible_chinese(text):
        return _normalise(text)
    raise DecodeError(
        name, utf8_error.start,
        "not UTF-8, UTF-16 with a byte-order mark, or GB18030 Chinese text; save the page as UTF-8",
    )


__all__ = ["DecodeError", "decode"]
