"""Packs: the index's pieces kept many to a file, and read by HTTP range requests.

A piece (an n-gram, term or dictionary shard; an article's record) is no
file of its own. ``P`` consecutive pieces of a kind share one pack,
``search/<kind>/<j>.bin`` holding pieces ``j*P .. j*P+P-1`` (``P`` is
``meta.json``'s ``packs[kind]``, a power of two)::

    header   P * cuts + 1 little-endian uint32 offsets from the pack's start
    pieces   one after another

Piece ``i`` of a pack spans ``off[i*cuts] .. off[(i+1)*cuts]``; an empty one
(a shard no key hashed to, a removed article, numbers past the last) spans
nothing. Records have two cuts a piece: ``off[i*2+1]`` ends the record's
first part, what a result shows, and its further text parts follow (their
sizes are in the first part, see ``index.record_parts``).

Why packs: one file a piece made some 25,000 files of about a kilobyte for
8,263 articles, each taking a whole disk block (99 MiB on disk for 26 MiB of
index), and a host stores, counts and uploads every file. Packs of about
``PACK_TARGET`` bytes make that some 2,100 files whose disk use is their size.

The browser reads a piece with two range requests: the pack's header (shared
by its ``P`` pieces, so kept once fetched), then the piece. A host that
ignores ``Range`` (``python3 -m http.server``; some CDNs) answers with the whole
pack, about ``PACK_TARGET`` bytes, which the browser then keeps and cuts its
pieces from: slower, never wrong. ``wxnews-site serve`` honours ranges.
"""
from __future__ import annotations

import struct
from pathlib import Path
from typing import Callable, Sequence

# Pieces of each kind, and the cuts each has in its pack's header.
CUTS = {"g": 1, "w": 1, "k": 1, "d": 2}


def cuts(kind: str) -> int:
    """The cuts of a kind's pieces; a segment's kind (``g/2024``) has its folder's."""
    return CUTS[kind.partition("/")[0]]


# A pack's size, about: big enough that its disk blocks are full, small enough that a
# host ignoring Range costs a first search a few hundred kilobytes, not megabytes.
PACK_TARGET = 16_384
MAX_PER_PACK = 256

# (data, end of its first part) of a piece: pieces of one cut have first == len(data)
Piece = tuple[bytes, int]
EMPTY: Piece = (b"", 0)


def per_pack(average: float, limit: int = MAX_PER_PACK) -> int:
    """Pieces a pack holds, for pieces of this average size: the power of two
    nearest ``PACK_TARGET / average``, at most ``limit`` (a power of two too:
    shard counts are, and their packs divide them), and few enough that the
    header the browser reads before a piece is at most half a piece."""
    p = 1
    average = max(average, 1.0)
    while p * 2 <= min(limit, MAX_PER_PACK) and p * 1.5 * average <= PACK_TARGET and 8 * p * 2 <= average:
        p *= 2
    return p


def pack_path(kind: str, j: int) -> str:
    return f"{kind}/{j}.bin"


def where(kind: str, n: int, per: int) -> tuple[str, int]:
    """The pack holding piece n of a kind, and its place there."""
    j, i = divmod(n, per)
    return pack_path(kind, j), i


def header_size(per: int, cuts: int) -> int:
    return 4 * (per * cuts + 1)


def build(pieces: Sequence[Piece], per: int, cuts: int) -> bytes:
    """A pack of ``per`` pieces (missing ones at the end are empty)."""
    offsets, at = [], header_size(per, cuts)
    for i in range(per):
        data, first = pieces[i] if i < len(pieces) else EMPTY
        offsets.append(at)
        if cuts == 2:
            offsets.append(at + first)
        at += len(data)
    offsets.append(at)
    return struct.pack(f"<{len(offsets)}I", *offsets) + b"".join(p[0] for p in pieces[:per])


def split(data: bytes, per: int, cuts: int) -> list[Piece]:
    """The pieces of a pack; ValueError if it is not one of this shape."""
    size = header_size(per, cuts)
    if len(data) < size:
        raise ValueError(f"a pack of {per} pieces needs a {size}-byte header, it has {len(data)} bytes")
    offsets = struct.unpack_from(f"<{per * cuts + 1}I", data)
    if offsets[0] != size or offsets[-1] != len(data) or any(b < a for a, b in zip(offsets, offsets[1:])):
        raise ValueError("a pack's header does not match its size")
    out = []
    for i in range(per):
        start, end = offsets[i * cuts], offsets[(i + 1) * cuts]
        out.append((data[start:end], (offsets[i * 2 + 1] if cuts == 2 else end) - start))
    return out


def read_pack(root: Path, kind: str, j: int, per: int) -> list[Piece] | None:
    """The pieces of pack j of a kind under root (the search folder); None when there is none."""
    try:
        data = (root / pack_path(kind, j)).read_bytes()
    except FileNotFoundError:
        return None
    return split(data, per, cuts(kind))


def read_piece(root: Path, kind: str, n: int, per: int) -> Piece:
    """Piece n of a kind (empty when its pack does not exist); OSError or ValueError if unreadable."""
    pieces = read_pack(root, kind, n // per, per)
    return pieces[n % per] if pieces is not None else EMPTY


class Packer:
    """Pieces set one by one, written as packs through ``write(rel, data)``.

    With ``base`` (the folder holding the current packs), a pack of which only
    some pieces were set keeps the others from there: a patch rewrites just the
    packs it touched. Without, unset pieces are empty, and a pack is written as
    soon as all its pieces are set (a full build sets them in order).
    """

    def __init__(self, write: Callable[[str, bytes], None], per: dict[str, int], base: Path | None):
        self._write = write
        self.per = per
        self.base = base
        self.pending: dict[tuple[str, int], dict[int, Piece]] = {}

    def set(self, kind: str, n: int, data: bytes, first: int | None = None) -> None:
        per = self.per[kind]
        j, i = divmod(n, per)
        slots = self.pending.setdefault((kind, j), {})
        slots[i] = (data, len(data) if first is None else first)
        if self.base is None and len(slots) == per:
            self._flush(kind, j)

    def flush(self, kinds: Sequence[str] | None = None) -> None:
        for kind, j in sorted(self.pending):
            if kinds is None or kind in kinds:
                self._flush(kind, j)

    def _flush(self, kind: str, j: int) -> None:
        slots = self.pending.pop((kind, j))
        per = self.per[kind]
        old = read_pack(self.base, kind, j, per) if self.base is not None else None
        pieces = [slots.get(i) or (old[i] if old is not None else EMPTY) for i in range(per)]
        self._write(pack_path(kind, j), build(pieces, per, cuts(kind)))
