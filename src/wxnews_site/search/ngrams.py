"""The n-gram shards (``search/g/``) of a full build, made with numpy.

The shards hold, for every key ``index.ngram_keys`` gives an article, the
sorted list of articles holding it (see ``index`` for the format). A cold
build has about a thousand (key, article) pairs per article, ten million at
10,000 articles: one Python operation per pair was the longest part of a
cold build, so here every step runs over arrays.

A key is first an integer code: a character is its code point, a bigram
``c1 << 21 | c2`` (c1 is not keyless, so > 0x20: never a character's code), a
headline key has bit 42 set, a pair across marks (``layout.ACROSS``) bit 43,
a section or person key is bit 44 plus its number in a table. Articles are read in batches; each batch's (code,
article) pairs are packed into one integer, sorted and made unique, and
split by the code's low bits into partitions, spilled to disk in runs of
32 MB (``spill.Runs``): a million articles make a billion pairs, 8 GB.
The final sort and grouping runs over one partition at a time, read back
from every run. Codes are hashed (FNV-1a, as ``index.fnv1a``) only once they
are keys; the finished entries (and rare keys' loose pairs, for buckets) go
to disk by their hash's low bits (``spill.Entries``), and once the exact
size, hence the shard count, is known, the shards are packed a group at a
time. Keys whose hashes collide share an entry, as ever. Memory: a run's
buffer, a partition's and a group's arrays, whatever the archive's size.

``patch.py`` changes single entries with the scalar functions of ``index``
(``ngram_keys``, ``encode_docs``, ``pack_shard``); what this module writes is
byte for byte what those give (``tests/test_search_ngrams.py``).
"""
from __future__ import annotations

import contextlib
import ctypes
import functools
import re
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

import numpy as np

from . import packs, spill
from .normalize import BREAKS, HAN_RANGES, KEYLESS_RUNS, MARK_RUNS
from .layout import (ACROSS, NGRAM_SHARD_TARGET, RARE_BYTES, Doc, Writer, bucket_count, decode_docs,
                    deflate, encode_docs, fnv1a, rare_limit, shard_count, varint_bytes)

CODE_BITS = 45  # a code is below 1 << 45
BIGRAM_SHIFT = 21
HEAD_BIT = 1 << 42
ACROSS_BIT = 1 << 43
EXTRA_BIT = 1 << 44
FNV_OFFSET, FNV_PRIME, MASK32 = 0x811C9DC5, 0x01000193, 0xFFFFFFFF
BATCH_CHARS = 1 << 17  # characters per batch: its arrays take some ten megabytes
BATCH_DOCS = 1 << 12   # at most this many articles per batch (their local number has 12 bits)
TABLE_LIMIT = 1 << 24  # articles x characters of a batch marked in a table (bytes)
U64 = np.uint64
PACK_GROUP = 256  # shards packed at a time
PARTITION_BITS = 7  # pairs are sorted and grouped in at least 128 partitions, one at a time
PAIRS_PER_DOC = 1_500  # unique (key, article) pairs of an article, about (to size partitions and groups)
PARTITION_PAIRS = 1 << 21  # pairs of a partition, at most about: 16 MB, sorted at once (its arithmetic takes ten times that)
GROUP_PAYLOAD = 800  # bytes of entry payload per article, about (to size the shard groups)


def _table(pattern: re.Pattern) -> np.ndarray:
    """For every code point, whether it is a character of the pattern's class (of the basic plane)."""
    table = np.zeros(0x110000, dtype=np.bool_)
    every = "".join(map(chr, range(0x10000)))
    for m in pattern.finditer(every):
        table[m.start():m.end()] = True
    return table


@functools.lru_cache(maxsize=1)
def _keyless() -> np.ndarray:
    return _table(KEYLESS_RUNS)


@functools.lru_cache(maxsize=1)
def _marks_han_breaks() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    han = np.zeros(0x110000, dtype=np.bool_)
    for lo, hi in HAN_RANGES:
        han[lo:hi + 1] = True
    return _table(MARK_RUNS), han, _table(re.compile(f"[{BREAKS}]"))


def _step(h: np.ndarray, c: np.ndarray) -> np.ndarray:
    return ((h ^ c) * U64(FNV_PRIME)) & U64(MASK32)


def _hashes(codes: np.ndarray, extra_hashes: np.ndarray) -> np.ndarray:
    """index.fnv1a of each key code's key, as uint64."""
    extra = codes >= U64(EXTRA_BIT)
    head = (codes & U64(HEAD_BIT)) != 0
    c1 = (codes >> U64(BIGRAM_SHIFT)) & U64(0x1FFFFF)
    c2 = codes & U64(0x1FFFFF)
    bigram = c1 != 0
    across = (codes & U64(ACROSS_BIT)) != 0
    h = np.where(head, U64(fnv1a("\x01")), np.where(across, U64(fnv1a(ACROSS)), U64(FNV_OFFSET)))
    h = _step(h, np.where(bigram, c1, c2))
    h = np.where(bigram, _step(h, c2), h)
    if extra.any():
        h[extra] = extra_hashes[(codes[extra] - U64(EXTRA_BIT)).astype(np.int64)]
    return h


def fnv1a_many(keys: Sequence[str]) -> np.ndarray:
    """layout.fnv1a of each key, as uint64: a step of arrays per character place, over the keys
    that long (one Python loop per character of every key took 0.5 CPU s at 10,000 articles)."""
    lens = np.fromiter(map(len, keys), np.int64, len(keys))
    h = np.full(len(keys), FNV_OFFSET, U64)
    if not len(keys):
        return h
    cps = np.frombuffer("".join(keys).encode("utf-32-le", "surrogatepass"), np.uint32).astype(U64)
    starts = np.cumsum(lens) - lens
    order = np.argsort(lens, kind="stable")
    ordered = lens[order]
    for place in range(int(ordered[-1])):
        at = order[np.searchsorted(ordered, place, side="right"):]  # the keys longer than place
        h[at] = _step(h[at], cps[starts[at] + place])
    return h


def _code_points(segments: list[str], owners: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The segments' code points, each segment ended by a newline (a mark, so no bigram
    spans two of them), and whose each is (owners[i] for segments[i])."""
    lens = np.fromiter(map(len, segments), dtype=np.int64, count=len(segments)) + 1
    cps = np.frombuffer("\n".join(segments).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    return cps, np.repeat(owners, lens)[:len(cps)]


def _bigrams(segments: list[str], owners: np.ndarray, flag: int) -> tuple[np.ndarray, np.ndarray]:
    """Codes of the segments' bigrams without a keyless character (with repeats), and whose each is."""
    cps, owner = _code_points(segments, owners)
    plain = ~_keyless()[cps]
    at = np.flatnonzero(plain[:-1] & plain[1:])
    codes = (cps[at].astype(U64) << U64(BIGRAM_SHIFT)) | cps[at + 1]
    if flag:
        codes |= U64(flag)
    return codes, owner[at]


def _across(segments: list[str], owners: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Codes of the segments' pairs of Han characters with marks but no break between
    them (layout.across_keys, with repeats), and whose each is."""
    cps, owner = _code_points(segments, owners)
    marks, han, breaks = _marks_han_breaks()
    at = np.flatnonzero(~marks[cps])  # (a segment's end is a newline: no pair spans two)
    left, right = at[:-1], at[1:]
    broken = np.cumsum(breaks[cps])
    keep = (right - left > 1) & han[cps[left]] & han[cps[right]] & (broken[right - 1] == broken[left])
    left, right = left[keep], right[keep]
    codes = (cps[left].astype(U64) << U64(BIGRAM_SHIFT)) | cps[right] | U64(ACROSS_BIT)
    return codes, owner[left]


class _Pairs:
    """The unique (key code, article) pairs of all articles, by partition.

    A pair is kept as ``(code >> k) << doc_bits | article`` in partition
    ``code & (2**k - 1)``: k grows with the archive so that this fits in 64 bits
    and a partition holds about PARTITION_PAIRS pairs. Each batch's pairs go to
    the runs on disk (``spill.Runs``).
    """

    def __init__(self, n_docs: int, runs_path: Path):
        self.doc_bits = max(1, (n_docs - 1).bit_length())
        # Partitions of about PARTITION_PAIRS pairs each (a thousand or so a
        # article), so that one partition's sort stays small at any size.
        want = (n_docs * PAIRS_PER_DOC // PARTITION_PAIRS).bit_length()
        self.k = max(PARTITION_BITS, want, self.doc_bits - (64 - CODE_BITS))
        self.runs = spill.Runs(runs_path, 1 << self.k)
        self.extra_ids: dict[str, int] = {}
        # Every character met so far by number, in the order met: a batch's
        # (article, character) pairs are made unique by marking a table of
        # articles x characters, not by sorting them.
        self.char_ids = np.full(0x110000, -1, dtype=np.int32)
        self.chars = np.zeros(0, dtype=np.uint32)

    def _characters(self, segments: list[str], owners: np.ndarray, flag: int) -> tuple[np.ndarray, np.ndarray]:
        """Codes of the characters but the newline of each segment, each once per owner; and whose each is."""
        cps, owner = _code_points(segments, owners)
        keep = cps != 10
        cps, owner = cps[keep], owner[keep]
        ids = self.char_ids[cps]
        if len(ids) and ids.min() < 0:
            new = np.unique(cps[ids < 0])
            self.char_ids[new] = np.arange(len(self.chars), len(self.chars) + len(new))
            self.chars = np.concatenate((self.chars, new))
            ids = self.char_ids[cps]
        width = len(self.chars)
        pairs = owner.astype(np.int64) * width + ids
        if len(owners) * width <= TABLE_LIMIT:
            seen = np.zeros(len(owners) * width, dtype=np.bool_)
            seen[pairs] = True
            pairs = np.flatnonzero(seen)
        else:  # (a batch of many articles and characters)
            pairs = np.unique(pairs)
        codes = self.chars[pairs % width].astype(U64)
        if flag:
            codes |= U64(flag)
        return codes, (pairs // width).astype(np.uint32)

    def add_batch(self, first: int, docs: Sequence[Doc]) -> None:
        """Articles first, first + 1, ..."""
        owners = np.arange(len(docs), dtype=np.uint32)
        texts = [d.norm for d in docs]
        heads = [d.head_norm for d in docs]
        parts = [_bigrams(texts, owners, 0), _bigrams(heads, owners, HEAD_BIT), _across(texts, owners),
                 self._characters(texts, owners, 0), self._characters(heads, owners, HEAD_BIT)]
        extra = [(EXTRA_BIT | self.extra_ids.setdefault(key, len(self.extra_ids)), i)
                 for i, d in enumerate(docs) for key in d.extra]
        parts.append((np.array([c for c, _ in extra], dtype=U64), np.array([i for _, i in extra], dtype=np.uint32)))
        codes = np.concatenate([c for c, _ in parts])
        owner = np.concatenate([o for _, o in parts]).astype(U64)
        del parts
        # Sorted by partition, then code, then article: one sort both makes
        # the pairs unique and splits them into partitions.
        k, low = self.k, (1 << self.k) - 1
        local_bits = BATCH_DOCS.bit_length() - 1
        packed = ((((codes & U64(low)) << U64(CODE_BITS - k)) | (codes >> U64(k))) << U64(local_bits)) | owner
        del codes, owner
        packed.sort()
        if len(packed):
            packed = packed[np.concatenate(([True], packed[1:] != packed[:-1]))]
        part = packed >> U64(CODE_BITS - k + local_bits)
        bounds = np.searchsorted(part, np.arange(low + 2, dtype=U64)).tolist()
        del part
        code_hi = (packed >> U64(local_bits)) & U64((1 << (CODE_BITS - k)) - 1)
        kept = (code_hi << U64(self.doc_bits)) | ((packed & U64(BATCH_DOCS - 1)) + U64(first))
        self.runs.add(kept, bounds)

    def keys(self, p: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Partition p's keys: (codes, first pair of each, articles)."""
        pairs = self.runs.part(p)
        # Each batch's pairs are sorted already: a merge sort only merges those runs.
        pairs.sort(kind="stable")
        docs = (pairs & U64((1 << self.doc_bits) - 1)).astype(np.int64)
        code_hi = pairs >> U64(self.doc_bits)
        del pairs
        starts = np.flatnonzero(np.concatenate(([True], code_hi[1:] != code_hi[:-1]))) if len(code_hi) else \
            np.zeros(0, dtype=np.int64)
        codes = (code_hi[starts] << U64(self.k)) | U64(p)
        return codes, starts, docs


def encode_lists(starts: np.ndarray, docs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """index.encode_docs of every list at once: the lists are docs[starts[i]:starts[i + 1]],
    each sorted. Returns (the payloads one after another, each one's length)."""
    n_lists = len(starts)
    if not n_lists:
        return np.zeros(0, dtype=np.uint8), np.zeros(0, dtype=np.int64)
    counts = np.diff(np.append(starts, len(docs)))
    gaps = np.diff(docs, prepend=0)
    gaps[starts] = docs[starts]
    gap_bytes, gap_at = varint_bytes(gaps)
    gap_ends = np.append(gap_at[starts[1:]], len(gap_bytes))
    delta_bytes = gap_ends - gap_at[starts]
    last = docs[np.append(starts[1:], len(docs)) - 1]
    bitmap_bytes = last // 8 + 1
    bitmap = bitmap_bytes < delta_bytes
    head_bytes, head_at = varint_bytes(counts * 2 + bitmap)
    hlen = np.diff(np.append(head_at, len(head_bytes)))
    lengths = hlen + np.where(bitmap, bitmap_bytes, delta_bytes)
    offsets = np.cumsum(lengths) - lengths
    buf = np.zeros(int(lengths.sum()), dtype=np.uint8)
    buf[np.repeat(offsets - head_at, hlen) + np.arange(len(head_bytes))] = head_bytes
    # The gap lists' bytes moved after their heads; the bitmaps' gaps left out.
    moved = np.repeat(offsets + hlen - gap_at[starts], delta_bytes) + np.arange(len(gap_bytes))
    keep = np.repeat(~bitmap, delta_bytes)
    buf[moved[keep]] = gap_bytes[keep]
    del moved, keep, gap_bytes
    in_bitmap = np.repeat(bitmap, counts)
    body = np.repeat(offsets + hlen, counts)  # where each doc's list starts its body
    at = body[in_bitmap] + (docs[in_bitmap] >> 3)
    if len(at):
        bits = (1 << (docs[in_bitmap] & 7)).astype(np.uint8)
        # A list's articles are unique and sorted: bits of one byte come together, and are distinct.
        runs = np.flatnonzero(np.concatenate(([True], at[1:] != at[:-1])))
        buf[at[runs]] = np.add.reduceat(bits, runs)
    return buf, lengths


def pack_shards(hashes: np.ndarray, starts: np.ndarray, lengths: np.ndarray, merged: np.ndarray,
                payloads: np.ndarray, count: int, unit: int = 0, units: int = 1) -> Iterator[bytes]:
    """index.pack_shard of the shards unit, unit + units, ... of ``count``, in that order: entry i
    (all of those shards') has hash hashes[i], flag merged[i] and payload payloads[starts[i]:starts[i] + lengths[i]]."""
    local = count // units
    shard = hashes % U64(count) // U64(units)  # the shard's place among the unit's
    order = np.argsort((shard << U64(32)) | hashes, kind="stable")
    was = starts[order]
    hashes, lengths, merged, shard = hashes[order], lengths[order], merged[order], shard[order]
    del order
    bounds = np.searchsorted(shard, np.arange(local + 1, dtype=U64)).tolist()
    # A group of shards at a time: at once, the index of every payload byte
    # took eight times the payloads' memory.
    for s0 in range(0, local, PACK_GROUP):
        s1 = min(s0 + PACK_GROUP, local)
        e0, e1 = bounds[s0], bounds[s1]
        per_shard = np.diff(bounds[s0:s1 + 1])
        first = np.array(bounds[s0:s1]) - e0
        q = (hashes[e0:e1] // U64(count)).astype(np.int64)
        gaps = np.diff(q, prepend=0)
        gaps[first[per_shard > 0]] = q[first[per_shard > 0]]
        # Per shard: its entry count, then (gap, length * 2 + merged) per entry.
        values = np.empty(s1 - s0 + 2 * (e1 - e0), dtype=np.int64)
        heads_at = np.arange(s1 - s0) + 2 * first
        values[heads_at] = per_shard
        entry_at = (shard[e0:e1] - U64(s0)).astype(np.int64) + 1 + 2 * np.arange(e1 - e0)
        sizes = lengths[e0:e1]
        values[entry_at] = gaps
        values[entry_at + 1] = sizes * 2 + merged[e0:e1]
        header, value_at = varint_bytes(values)
        header_bytes = header.tobytes()
        header_ends = np.append(value_at[heads_at[1:]], len(header)).tolist()
        starts = np.cumsum(sizes) - sizes
        group = payloads[np.repeat(was[e0:e1] - starts, sizes) + np.arange(int(sizes.sum()))].tobytes()
        payload_ends = np.append(starts, int(sizes.sum()))[np.array(bounds[s0 + 1:s1 + 1]) - e0].tolist()
        h0 = p0 = 0
        for h1, p1 in zip(header_ends, payload_ends):
            yield header_bytes[h0:h1] + group[p0:p1]
            h0, p0 = h1, p1


def write_shards(out: Writer, kind: str, entries: spill.Entries, count: int, scratch: Path,
                 make: Callable[[spill.Group], Iterator[bytes]]) -> None:
    """Every shard of a kind, made a group of shards at a time by ``make`` (its unit's shards in
    order), kept deflated in a scratch file and written in packs in shard order."""
    entries.close()
    units = entries.units(count)
    pieces = spill.Pieces(scratch / f"{kind.replace('/', '-')}.pieces", count)
    try:
        sizes = 0
        for unit in range(units):
            for s, data in zip(range(unit, count, units), make(entries.group(unit, count))):
                piece = deflate(data)
                pieces.put(s, piece)
                sizes += len(piece)
        out.packs.per[kind] = packs.per_pack(sizes / max(1, count), min(count, out.most))
        for s in range(count):
            out.piece(kind, s, pieces.get(s))
        out.flush([kind])
    finally:
        pieces.close()


def write_ngrams(out: Writer, docs: Iterable[Doc], n_docs: int | None = None,
                 scratch: Path | None = None, kind: str = "g") -> tuple[int, int, int, int, int]:
    """Write the shards of a kind (a segment's, ``g/<name>``) of the articles (numbered in order from 0;
    ``n_docs`` of them, or len(docs)):
    (shard count, buckets per shard, total size, keys, shards per pack). Their pairs and
    entries are spilled under ``scratch`` (a folder made and removed there; the system's
    temporary folder without one)."""
    n = len(docs) if n_docs is None else n_docs  # type: ignore[arg-type]
    folder = spill.folder(scratch, "g")
    try:
        with _heap_kept() as release:
            return _write_ngrams(out, docs, n, folder, release, kind)
    finally:
        spill.remove(folder)


@contextlib.contextmanager
def _heap_kept() -> Iterator[Callable[[], None]]:
    """glibc's malloc kept from handing freed memory back to the system while the pass
    runs; gives a function that hands it back (between the pass's phases).

    Each batch makes and frees some tens of megabytes of arrays; by default
    glibc maps each large one afresh and unmaps it when freed, and touching
    the new pages again cost more system time than the pass's own work
    (300,000 page faults at 10,000 articles). Arrays above 32 MB are still
    mapped on their own. Afterwards the defaults come back (fixed ones: glibc
    cannot turn its adaptive threshold back on, which matters only when the
    pass runs in the build's own process, for small archives).
    """
    try:
        libc = ctypes.CDLL(None)  # the symbols already loaded: the C library's among them
        mallopt, trim = libc.mallopt, libc.malloc_trim
    except (OSError, AttributeError, TypeError):  # not glibc (or no C library by that name): nothing to tune
        yield lambda: None
        return
    mmap_threshold, trim_threshold = -3, -1  # M_MMAP_THRESHOLD, M_TRIM_THRESHOLD
    mallopt(mmap_threshold, 1 << 25)
    mallopt(trim_threshold, 1 << 30)
    try:
        yield lambda: trim(0)
    finally:
        mallopt(mmap_threshold, 128 * 1024)
        mallopt(trim_threshold, 128 * 1024)
        trim(0)


def _write_ngrams(out: Writer, docs: Iterable[Doc], n_docs: int, scratch: Path,
                  release: Callable[[], None], kind: str) -> tuple[int, int, int, int, int]:
    pairs = _Pairs(n_docs, scratch / "pairs")
    batch: list[Doc] = []
    first = chars = 0
    for d in docs:
        batch.append(d)
        chars += len(d.norm)
        if chars >= BATCH_CHARS or len(batch) == BATCH_DOCS:
            pairs.add_batch(first, batch)
            first, chars, batch = first + len(batch), 0, []
    if batch:
        pairs.add_batch(first, batch)
        first += len(batch)
    if first != n_docs:
        raise ValueError(f"the articles were {n_docs}, then {first}")
    pairs.runs.flush()
    extra_hashes = np.array([fnv1a(k) for k in pairs.extra_ids], dtype=U64)
    release()
    entries = spill.Entries(scratch / "entries", spill.Entries.groups_for(n_docs * GROUP_PAYLOAD))
    n_keys = _entries(pairs, extra_hashes, rare_limit(n_docs), entries, release)
    entries.close()
    # The exact size (which sets the shard count) counts keys merged by their hash: a group at a time,
    # the first last, kept for the shards' first unit (at 10,000 articles the only group: resolved once).
    size = loose = 0
    kept: list = []
    for g in reversed(range(entries.n_groups)):
        kept = [_resolve(entries.group(g, entries.n_groups))]
        hashes, _, lengths, _, _, r_hashes, _ = kept[0]
        size += int(lengths.sum()) + 3 * len(hashes) + RARE_BYTES * len(r_hashes)
        loose += len(r_hashes)
    del hashes, lengths, r_hashes
    count = shard_count(size, NGRAM_SHARD_TARGET)
    buckets = bucket_count(loose, count)
    if entries.units(count) != entries.n_groups:  # (a unit of several groups: none is one the pass resolved)
        kept = []

    def make(group: spill.Group) -> Iterator[bytes]:
        same = group.unit == 0 and kept
        hashes, starts, lengths, merged, payloads, r_hashes, r_docs = kept.pop() if same else _resolve(group)
        tails = _bucket_bytes(r_hashes, r_docs, count, buckets, group.unit, group.units)
        for k, data in enumerate(pack_shards(hashes, starts, lengths, merged, payloads, count, group.unit,
                                             group.units)):
            yield data + tails[k]

    write_shards(out, kind, entries, count, scratch, make)
    return count, buckets, size, n_keys, out.packs.per[kind]


def _entries(pairs: _Pairs, extra_hashes: np.ndarray, limit: int, entries: spill.Entries,
             release: Callable[[], None]) -> int:
    """Each partition's keys made entries (or loose pairs, for rare keys' buckets); returns the key count."""
    n_keys = 0
    for p in range(1 << pairs.k):
        codes, starts, numbers = pairs.keys(p)
        n_keys += len(codes)
        hashes = _hashes(codes, extra_hashes).astype(np.uint32)
        counts = np.diff(np.append(starts, len(numbers)))
        rare = (counts <= limit) & (codes < U64(EXTRA_BIT))  # index.is_rare
        if rare.any():
            each = np.repeat(rare, counts)
            entries.add_loose(np.repeat(hashes[rare], counts[rare]), numbers[each])
            numbers, counts, hashes = numbers[~each], counts[~rare], hashes[~rare]
            starts = np.cumsum(counts) - counts
        del codes
        payloads, lengths = encode_lists(starts, numbers)
        entries.add(hashes, lengths, payloads)
        if p % 64 == 63:
            release()
    pairs.runs.close()
    return n_keys


def _resolve(group: spill.Group) -> tuple[np.ndarray, ...]:
    """A group's entries with the keys of one hash merged: (hashes, starts, lengths, merged,
    payloads, loose hashes, loose articles)."""
    hashes, lengths, payloads = group.hashes, group.lengths, [group.payloads]
    r_hashes, r_docs = group.loose_hashes, group.loose_docs
    # A rare key whose hash is an entry's would be looked up there and never
    # reach its bucket: it joins that entry (marked merged) instead.
    clash = np.isin(r_hashes, hashes)
    if clash.any():
        lists: dict[int, set[int]] = {}
        for h, d in zip(r_hashes[clash].tolist(), r_docs[clash].tolist()):
            lists.setdefault(h, set()).add(d)
        extra = [encode_docs(sorted(ds)) for ds in lists.values()]
        hashes = np.concatenate((hashes, np.array(list(lists), dtype=U64)))
        lengths = np.concatenate((lengths, np.array([len(e) for e in extra], dtype=np.int64)))
        payloads.append(np.frombuffer(b"".join(extra), dtype=np.uint8))
        r_hashes, r_docs = r_hashes[~clash], r_docs[~clash]
    return (*_merge_collisions(hashes, lengths, payloads), r_hashes, r_docs)


def _bucket_bytes(hashes: np.ndarray, docs: np.ndarray, count: int, buckets: int, unit: int = 0,
                  units: int = 1) -> list[bytes]:
    """The buckets of the shards unit, unit + units, ... as index.pack_ngram_shard writes them after their entries."""
    local = count // units
    if not buckets:
        return [b""] * local
    n_buckets = local * buckets
    if len(hashes):
        slot = (hashes % U64(count) // U64(units)) * U64(buckets) + hashes // U64(count) % U64(buckets)
        packed = np.sort((slot << U64(32)) | docs.astype(U64))
        packed = packed[np.concatenate(([True], packed[1:] != packed[:-1]))]  # unique: each bucket a set
        slot, docs = (packed >> U64(32)).astype(np.int64), (packed & U64(MASK32)).astype(np.int64)
        del packed
    else:
        slot, docs = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    sizes = np.bincount(slot, minlength=n_buckets)
    # Per bucket its size, then its articles' gaps (the first from 0).
    before = np.cumsum(sizes) - sizes
    head_at = np.arange(n_buckets) + before
    values = np.empty(n_buckets + len(docs), dtype=np.int64)
    values[head_at] = sizes
    gaps = np.diff(docs, prepend=0)
    starts = before[sizes > 0]
    gaps[starts] = docs[starts]
    values[np.repeat(head_at + 1, sizes) + np.arange(len(docs)) - np.repeat(before, sizes)] = gaps
    data, value_at = varint_bytes(values)
    raw = data.tobytes()
    ends = np.append(value_at[head_at[::buckets]], len(data)).tolist()
    return [raw[a:b] for a, b in zip(ends, ends[1:])]


def _merge_collisions(hashes: np.ndarray, lengths: np.ndarray, parts: list[np.ndarray]
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Keys with one hash become one entry holding the union of their lists, marked
    merged (a few dozen at 10,000 articles). The payloads are parts one after another.
    Returns the entries (hashes, payload starts, lengths, merged flags) and all payloads."""
    starts = np.cumsum(lengths) - lengths
    order = np.argsort(hashes, kind="stable")
    same = np.flatnonzero(hashes[order][1:] == hashes[order][:-1])
    merged = np.zeros(len(hashes), dtype=np.bool_)
    if not len(same):
        return hashes, starts, lengths, merged, np.concatenate(parts)
    groups: dict[int, list[int]] = {}
    for j in same.tolist():
        groups.setdefault(int(hashes[order[j]]), [int(order[j])]).append(int(order[j + 1]))
    part_ends = np.cumsum([len(p) for p in parts])

    def payload(i: int) -> bytes:
        k = int(np.searchsorted(part_ends, starts[i], side="right"))
        at = int(starts[i]) - (int(part_ends[k - 1]) if k else 0)
        return parts[k][at:at + int(lengths[i])].tobytes()

    keep = np.ones(len(hashes), dtype=np.bool_)
    new_payloads, new_hashes, new_lengths = [], [], []
    for h, members in groups.items():
        docs: set[int] = set()
        for i in members:
            docs.update(decode_docs(payload(i)))
            keep[i] = False
        new_payloads.append(encode_docs(sorted(docs)))
        new_hashes.append(h)
        new_lengths.append(len(new_payloads[-1]))
    total = int(part_ends[-1])
    new_lengths_a = np.array(new_lengths, dtype=np.int64)
    hashes = np.concatenate((hashes[keep], np.array(new_hashes, dtype=U64)))
    starts = np.concatenate((starts[keep], total + np.cumsum(new_lengths_a) - new_lengths_a))
    lengths = np.concatenate((lengths[keep], new_lengths_a))
    merged = np.concatenate((merged[keep], np.ones(len(new_hashes), dtype=np.bool_)))
    payloads = np.concatenate([*parts, np.frombuffer(b"".join(new_payloads), dtype=np.uint8)])
    return hashes, starts, lengths, merged, payloads
