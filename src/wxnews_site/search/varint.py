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
    out = []
    for _ in range(count):
        x, i = read_varint(data, i)
        out.append(x)
    return out, i
