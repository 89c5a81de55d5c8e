"""The term weights (``search/w/``) of a full build, sorted externally with numpy.

A term's BM25 weight level in an article needs the whole archive's counts
(its article count, the average length), known only once every article was
cut. So the (term, article, term frequency) triples of the cut go to disk
as they are made (``spill.Runs``, by partition of the term number), packed
in one integer each::

    term << (doc_bits + 16) | article << 16 | min(tf, 65535)

Once the archive is read, each partition is sorted (by term, then article),
weighed and encoded as ``layout.encode_weights`` would (count, then
gap * 16 + level per article), and the entries go to ``spill.Entries`` by
their term's hash; the shards are packed a group at a time. Memory: a
partition's triples and the vocabulary, whatever the archive's size.
"""
from __future__ import annotations

from array import array
from pathlib import Path
from typing import Iterable, Iterator, Sequence

import numpy as np

from . import spill
from .ngrams import fnv1a_many, pack_shards, write_shards
from .layout import K1, B, SHARD_TARGET, WEIGHT_LEVELS, _LEVEL_STEPS, Writer, shard_count, varint_bytes
from .varint import _varint

U64 = np.uint64
TF_BITS = 16
FLUSH_PAIRS = 1 << 18  # triples buffered before they are sorted by partition and handed to the runs
PARTITION_PAIRS = 1 << 20  # triples of a partition, at most about (8 MB sorted at once; its arithmetic takes 15 times that)
PAIRS_PER_DOC = 300  # ranked terms of an article, about (to size the partitions and groups)
PAYLOAD_PER_DOC = 500  # bytes of weights per article, about


class TermPairs:
    """The (term, article, tf) triples of a full build's cut, with each term's article count
    and each article's length, for ``n_docs`` articles added in order."""

    def __init__(self, n_docs: int, scratch: Path):
        self.doc_bits = max(1, n_docs.bit_length())
        self.shift = self.doc_bits + TF_BITS
        parts = 1
        while n_docs * PAIRS_PER_DOC / parts > PARTITION_PAIRS:
            parts *= 2
        self.parts = parts
        self.runs = spill.Runs(scratch / "terms", parts)
        self.df = np.zeros(1 << 12, np.int64)
        self.lengths = array("I")
        self.terms, self.tfs, self.counts = array("I"), array("I"), array("I")
        self.first = 0  # the first article of the buffered triples

    def add(self, tids: Sequence[int], tfs: Iterable[int], length: int) -> None:
        """The next article's term numbers and frequencies, and its length."""
        if tids and max(tids) >> (64 - self.shift):
            raise ValueError("too many distinct terms for the article numbers' width")
        self.terms.extend(tids)
        self.tfs.extend(tfs)
        self.counts.append(len(tids))
        self.lengths.append(length)
        if len(self.terms) >= FLUSH_PAIRS:
            self.flush()

    def flush(self) -> None:
        if not self.counts:
            return
        tids = np.frombuffer(self.terms, np.uint32).astype(U64)
        tfs = np.minimum(np.frombuffer(self.tfs, np.uint32), (1 << TF_BITS) - 1).astype(U64)
        counts = np.frombuffer(self.counts, np.uint32)
        docs = np.repeat(np.arange(self.first, self.first + len(counts), dtype=U64), counts)
        if len(tids):
            top = int(tids.max()) + 1
            if top > len(self.df):
                self.df = np.concatenate((self.df, np.zeros(max(top, 2 * len(self.df)) - len(self.df), np.int64)))
            self.df[:top] += np.bincount(tids.astype(np.int64), minlength=top)  # (an article has a term once)
        values = tids << U64(self.shift) | docs << U64(TF_BITS) | tfs
        part = (tids & U64(self.parts - 1)).astype(np.uint16)
        order = np.argsort(part, kind="stable")
        self.runs.add(values[order], np.searchsorted(part[order], np.arange(self.parts + 1)).tolist())
        self.first += len(counts)
        self.terms, self.tfs, self.counts = array("I"), array("I"), array("I")

    def part(self, p: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Partition p's triples sorted by term, then article: (terms, articles, tfs)."""
        values = self.runs.part(p)
        values.sort()
        return (values >> U64(self.shift), (values >> U64(TF_BITS)) & U64((1 << self.doc_bits) - 1),
                values & U64((1 << TF_BITS) - 1))


def weight_lists(tids: np.ndarray, docs: np.ndarray, tfs: np.ndarray, norms: np.ndarray,
                 idfs: np.ndarray) -> tuple[list[int], list[int], list[bytes]]:
    """The ranked terms among sorted (term, article, tf) triples, each one's article count, and its
    (article gap * 16 + BM25 level) varints, as encode_weights writes them (without the count and the
    archive's count). norms: per article
    the BM25 length norm; idfs: per term its idf (0: not ranked)."""
    keep = idfs[tids.astype(np.int64)] != 0
    tids, docs, tfs = tids[keep].astype(np.int64), docs[keep].astype(np.int64), tfs[keep].astype(np.float64)
    if not len(tids):
        return [], [], []
    levels = np.searchsorted(np.asarray(_LEVEL_STEPS), idfs[tids] * tfs * (K1 + 1) / (tfs + norms[docs]),
                             side="right")
    heads = np.flatnonzero(np.concatenate(([True], tids[1:] != tids[:-1])))
    gaps = docs.copy()
    gaps[1:] -= docs[:-1]
    gaps[heads] = docs[heads]  # a term's first: its article number
    data, offsets = varint_bytes(gaps * WEIGHT_LEVELS + levels)
    bounds = np.append(offsets[heads], len(data)).tolist()
    raw = data.tobytes()
    counts = np.diff(np.append(heads, len(tids))).tolist()
    return tids[heads].tolist(), counts, [raw[bounds[k]:bounds[k + 1]] for k in range(len(heads))]


def write_terms(out: Writer, pairs: TermPairs, terms: Sequence[str], idfs: Sequence[float], avgdl: float,
                scratch: Path, df: np.ndarray | None = None, kind: str = "w") -> tuple[int, int]:
    """The shards of a kind (a segment's, ``w/<name>``): (shard count, total size). ``df``: each term's
    article count in the whole archive (the pairs' own without it), which every entry begins with."""
    pairs.flush()
    lengths = np.frombuffer(pairs.lengths, np.uint32).astype(np.float64)
    norms = K1 * (1 - B + B * lengths / (avgdl or 1.0))
    weights = np.asarray(idfs, np.float64)
    df = pairs.df if df is None else df
    entries = spill.Entries(scratch / kind.replace("/", "-"), spill.Entries.groups_for(len(lengths) * PAYLOAD_PER_DOC))
    for p in range(pairs.parts):
        tids, counts, lists = weight_lists(*pairs.part(p), norms, weights)
        payloads = [_varint(c) + data + _varint(int(df[t])) for t, c, data in zip(tids, counts, lists)]
        entries.add(fnv1a_many([terms[t] for t in tids]), np.array(list(map(len, payloads)), np.int64),
                    np.frombuffer(b"".join(payloads), np.uint8), orders=np.array(tids, U64))
    pairs.runs.close()
    entries.close()
    size = sum(int(g.lengths.sum()) + 3 * len(g.hashes)
               for g in map(_first_of_each_hash, (entries.group(u, entries.n_groups) for u in range(entries.n_groups))))
    count = shard_count(size, SHARD_TARGET)

    def make(group: spill.Group) -> Iterator[bytes]:
        g = _first_of_each_hash(group)
        return pack_shards(g.hashes, g.starts, g.lengths, np.zeros(len(g.hashes), np.bool_), g.payloads, count,
                           g.unit, g.units)

    write_shards(out, kind, entries, count, scratch, make)
    return count, size


def _first_of_each_hash(group: spill.Group) -> spill.Group:
    """Two terms with one hash keep the first (in order of first use): it only affects ranking."""
    order = np.lexsort((group.orders, group.hashes))
    hashes = group.hashes[order]
    first = np.concatenate(([True], hashes[1:] != hashes[:-1])) if len(hashes) else np.zeros(0, np.bool_)
    if first.all():
        return group
    keep = np.sort(order[first])
    return spill.Group(group.unit, group.units, group.hashes[keep], group.orders[keep], group.merged[keep],
                       group.starts[keep], group.lengths[keep], group.payloads, group.loose_hashes, group.loose_docs)
