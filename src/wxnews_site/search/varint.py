"""Varints: the search index's numbers (LEB128: seven bits a byte, low first), as search.js reads them."""
from __future__ import annotations

from typing import Iterable


def _varint(x: int) -> bytes:
    out = bytearray()
    while x >= 0x80:
        out.append((x & 0x7F) | 0x80)
        x >>= 7
    out.append(x)
    return bytes(out)


# Encoded once: almost every number written is a small gap or count.
_SMALL = [_varint(x) for x in range(1 << 14)]


def varints(nums: Iterable[int], out: bytearray) -> None:
    nums = list(nums)
    try:
        out += b"".join(map(_SMALL.__getitem__, nums))  # all small, the usual case: C loops only
    except IndexError:
        out += b"".join(_SMALL[x] if x < 16384 else _varint(x) for x in nums)


def read_varint(data: bytes, i: int) -> tuple[int, int]:
    """One varint at offset i: (value, offset after it)."""
    x = shift = 0
    while True:
        c = data[i]
        i += 1
        x |= (c & 0x7F) << shift
        shift += 7
        if c < 0x80:
            return x, i


def read_varints(data: bytes, i: int, count: int) -> tuple[list[int], int]:
    """``count`` varints from offset i: (values, offset after them).

    A patch of a day's issue reads lists of thousands of articles: when every
    number is one byte (the small gaps of a long list) they are taken whole by
    C loops, else the one-byte ones inline (a call per number was most of the patch).
    """
    end = i + count
    if count and end <= len(data) and max(data[i:end]) < 0x80:
        return list(data[i:end]), end
    out: list[int] = []
    append = out.append
    for _ in range(count):
        c = data[i]
        if c < 0x80:  # (one byte: no call)
            append(c)
            i += 1
        else:
            x, i = read_varint(data, i)
            append(x)
    return out, i
