"""External sorting for a full build: postings kept on disk in bounded chunks, not in memory.

A full build of a million articles makes about a billion (n-gram key,
article) pairs and three hundred million (term, article) pairs: eight bytes
each, they are many gigabytes, and the shards made of them more than one.
Here they go to files in the cache folder and come back a part at a time, so
memory stays a chunk's, whatever the archive's size.

``Runs``: uint64 values by partition. Values are buffered up to a budget, then
written as one run, its partitions one after another; a partition comes back
as the concatenation of its slice of every run (each run's slice in the order
it was added, so a stable sort of the whole merges sorted slices).

``Entries``: finished shard entries (key hash, payload, merged flag, an order
among equal hashes) and loose (hash, article) pairs for buckets, written as
they are made into group files by their hash's low bits. The shard count
(a power of two) is known only once every entry is made; whatever it is, a
shard's entries are then in one group (or, with fewer shards than groups,
in groups read together), so ``group`` hands back every entry of some
shards, a bounded part at a time. ``Pieces``: the shards those make, out of
order, kept until their packs are written in order.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

U64 = np.uint64
BUDGET = 32 << 20  # bytes of values buffered before they are written as a run
GROUP_BYTES = 24 << 20  # payload bytes of a group of shards held at once


def folder(cache_dir: Path | None, name: str) -> Path:
    """A fresh scratch folder for one pass's spills, under the cache folder (the build's disk; the
    system's temporary folder, which may be memory, without one)."""
    if cache_dir is not None:
        cache_dir.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f"spill-{name}-", dir=cache_dir))


def remove(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


def sweep(cache_dir: Path) -> None:
    """Remove the scratch folders an interrupted build left in the cache folder (gigabytes at a million
    articles); called before a full build, which is the only one there (one build at a time a site)."""
    if cache_dir.is_dir():
        for old in cache_dir.glob("spill-*"):
            remove(old)


def _read(fd: int, offset: int, count: int, dtype: type) -> np.ndarray:
    size = count * np.dtype(dtype).itemsize
    data = os.pread(fd, size, offset) if size else b""
    while len(data) < size:  # (pread may return less than asked)
        more = os.pread(fd, size - len(data), offset + len(data))
        if not more:
            raise OSError(f"spill file shorter than expected at {offset}")
        data += more
    return np.frombuffer(data, dtype=dtype).copy() if size else np.zeros(0, dtype=dtype)


class Runs:
    """uint64 values in ``parts`` partitions, spilled to ``path`` in runs."""

    def __init__(self, path: Path, parts: int, budget: int | None = None):
        self.parts = parts
        self.budget = BUDGET if budget is None else budget
        self.fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600)
        self.size = 0
        self.buffered: list[tuple[np.ndarray, list[int]]] = []
        self.buffered_bytes = 0
        self.runs: list[tuple[int, np.ndarray]] = []  # (offset, partition bounds) of each run

    def add(self, values: np.ndarray, bounds: list[int]) -> None:
        """values sorted by partition: partition p is values[bounds[p]:bounds[p + 1]]."""
        if len(values):
            self.buffered.append((values, bounds))
            self.buffered_bytes += values.nbytes
            if self.buffered_bytes >= self.budget:
                self.flush()

    def flush(self) -> None:
        if not self.buffered:
            return
        counts = np.zeros(self.parts + 1, np.int64)
        chunks = []
        for p in range(self.parts):
            for values, bounds in self.buffered:
                if bounds[p + 1] > bounds[p]:
                    chunks.append(values[bounds[p]:bounds[p + 1]])
                    counts[p + 1] += bounds[p + 1] - bounds[p]
        data = np.concatenate(chunks).astype(U64, copy=False)
        os.pwrite(self.fd, data.tobytes(), self.size)
        self.runs.append((self.size, np.cumsum(counts)))
        self.size += data.nbytes
        self.buffered, self.buffered_bytes = [], 0

    def part(self, p: int) -> np.ndarray:
        """Every value of partition p, run by run."""
        self.flush()
        pieces = [_read(self.fd, at + int(b[p]) * 8, int(b[p + 1] - b[p]), U64) for at, b in self.runs]
        return np.concatenate(pieces) if pieces else np.zeros(0, U64)

    def close(self) -> None:
        os.close(self.fd)


@dataclass(frozen=True)
class Group:
    """The entries of every shard s with s % units == unit: per entry its hash, order, merged
    flag and payload (payloads[starts[i]:starts[i] + lengths[i]]); and the loose (hash, article) pairs."""
    unit: int
    units: int
    hashes: np.ndarray
    orders: np.ndarray
    merged: np.ndarray
    starts: np.ndarray
    lengths: np.ndarray
    payloads: np.ndarray
    loose_hashes: np.ndarray
    loose_docs: np.ndarray


_NAMES = ("heads", "orders", "payloads", "loose")


class Entries:
    """Shard entries and loose pairs, written as made into ``groups`` files by their hash's
    low bits (so that whatever the shard count, a shard's entries are in one group, or, when
    there are fewer shards than groups, in groups that are read together)."""

    def __init__(self, path: Path, groups: int):
        self.path = path
        self.n_groups = groups
        path.mkdir(parents=True, exist_ok=True)
        self.files = [{name: open(path / f"{g}.{name}", "wb") for name in _NAMES} for g in range(groups)]
        self.entries = 0
        self.payload_bytes = 0
        self.loose = 0

    @staticmethod
    def groups_for(payload_bytes: float) -> int:
        """Groups (a power of two) for about this many payload bytes in all."""
        g = 1
        while payload_bytes / g > GROUP_BYTES:
            g *= 2
        return g

    def _split(self, hashes: np.ndarray) -> tuple[np.ndarray, list[int]]:
        group = (hashes.astype(U64) & U64(self.n_groups - 1)).astype(np.int64)
        order = np.argsort(group, kind="stable")
        return order, np.searchsorted(group[order], np.arange(self.n_groups + 1)).tolist()

    def add(self, hashes: np.ndarray, lengths: np.ndarray, payloads: np.ndarray, merged: np.ndarray | None = None,
            orders: np.ndarray | None = None) -> None:
        """Entries whose payloads are ``payloads`` one after another, lengths[i] bytes each."""
        n = len(hashes)
        if not n:
            return
        lengths = lengths.astype(np.int64)
        flags = np.zeros(n, U64) if merged is None else merged.astype(U64)
        heads = hashes.astype(U64) << U64(32) | lengths.astype(U64) << U64(1) | flags
        orders = np.zeros(n, U64) if orders is None else orders.astype(U64)
        payloads = np.ascontiguousarray(payloads, np.uint8)
        self.entries += n
        self.payload_bytes += int(lengths.sum())
        if self.n_groups == 1:
            self._write(0, heads, orders, payloads)
            return
        order, bounds = self._split(hashes)
        starts = np.cumsum(lengths) - lengths
        for g in range(self.n_groups):
            pick = order[bounds[g]:bounds[g + 1]]
            if len(pick):
                size = lengths[pick]
                at = np.repeat(starts[pick] - (np.cumsum(size) - size), size)
                self._write(g, heads[pick], orders[pick], payloads[at + np.arange(int(size.sum()))])

    def _write(self, g: int, heads: np.ndarray, orders: np.ndarray, payloads: np.ndarray) -> None:
        files = self.files[g]
        files["heads"].write(heads.tobytes())
        files["orders"].write(orders.tobytes())
        files["payloads"].write(payloads.tobytes())

    def add_loose(self, hashes: np.ndarray, docs: np.ndarray) -> None:
        if not len(hashes):
            return
        values = hashes.astype(U64) << U64(32) | docs.astype(U64)
        self.loose += len(values)
        order, bounds = self._split(hashes)
        for g in range(self.n_groups):
            if bounds[g + 1] > bounds[g]:
                self.files[g]["loose"].write(values[order[bounds[g]:bounds[g + 1]]].tobytes())

    def close(self) -> None:
        for files in self.files:
            for f in files.values():
                f.close()

    def units(self, count: int) -> int:
        """How many parts ``group`` hands the entries back in, for ``count`` shards."""
        return min(self.n_groups, count)

    def group(self, unit: int, count: int) -> Group:
        """The entries of every shard s of ``count`` with s % units(count) == unit (close first)."""
        units = self.units(count)
        parts = [self._load(g) for g in range(unit, self.n_groups, units)]
        heads = np.concatenate([p[0] for p in parts])
        lengths = ((heads & U64(0xFFFFFFFF)) >> U64(1)).astype(np.int64)
        loose = np.concatenate([p[3] for p in parts])
        return Group(unit, units, heads >> U64(32), np.concatenate([p[1] for p in parts]), (heads & U64(1)) != 0,
                     np.cumsum(lengths) - lengths, lengths, np.concatenate([p[2] for p in parts]),
                     loose >> U64(32), (loose & U64(0xFFFFFFFF)).astype(np.int64))

    def _load(self, g: int) -> tuple[np.ndarray, ...]:
        return (np.fromfile(self.path / f"{g}.heads", U64), np.fromfile(self.path / f"{g}.orders", U64),
                np.fromfile(self.path / f"{g}.payloads", np.uint8), np.fromfile(self.path / f"{g}.loose", U64))


class Pieces:
    """``count`` finished pieces (deflated shards) made out of order, kept in a file until their packs
    are written in order."""

    def __init__(self, path: Path, count: int):
        self.fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600)
        self.size = 0
        self.at = np.zeros(count, np.int64)
        self.sizes = np.zeros(count, np.int64)

    def put(self, n: int, data: bytes) -> None:
        os.pwrite(self.fd, data, self.size)
        self.at[n], self.sizes[n] = self.size, len(data)
        self.size += len(data)

    def get(self, n: int) -> bytes:
        return _read(self.fd, int(self.at[n]), int(self.sizes[n]), np.uint8).tobytes()

    def close(self) -> None:
        os.close(self.fd)
