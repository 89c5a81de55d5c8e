"""One year's postings rebuilt whole, from the index's own records: what a patch does
instead of a full build when a year outgrew its shards, its tail is full, or its weights
drifted from the archive's BM25 globals.

A year's base and tail segments become one base segment again, its n-gram shards
(``ngrams.py``) and term weights (``terms.py``) written as a full build writes a
segment's, from the texts its records hold (and the state's section and people keys):
the archive is not read, and no other year's shards are touched. The weights use the
archive's globals now (article count, average length) and each term's article count in
the whole archive: the year's own, counted here, and the other years', as the year's
old entries had them (see ``layout.encode_weights``).
"""
from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator, Mapping, Sequence

from . import packs, tokens
from .layout import Doc, Segment, Writer, doc_of_record, fnv1a, idf, read_record, term_counts, year_of
from .varint import read_varint
from .records import Codec


@dataclass(frozen=True)
class Rebuilt:
    """What a year's rebuild wrote: its base's shard counts, packs and sizes (by kind), and what it cost."""
    shards: dict[str, int]
    packs: dict[str, int]
    sizes: dict[str, int]
    files: list[str]     # the files of the year's old segments, removed first
    seconds: float


@dataclass(frozen=True)
class Year:
    """A year to rebuild: its segments' (name, first) and the numbers after them (its end)."""
    name: str
    firsts: tuple[tuple[str, int], ...]
    end: int

    @property
    def first(self) -> int:
        return self.firsts[0][1]


def year_in(firsts: Sequence[tuple[str, int]], year: str, numbers: int) -> Year:
    """The year's segments among the index's (name, first) pairs, oldest first."""
    mine = [i for i, (name, _) in enumerate(firsts) if year_of(name) == year]
    end = firsts[mine[-1] + 1][1] if mine[-1] + 1 < len(firsts) else numbers
    return Year(year, tuple(firsts[i] for i in mine), end)


def docs(year: Year, root: Path, per: int, codec: Codec, rows: Callable[[int], "tuple[str, tuple] | None"],
         changed: Mapping[int, Doc | None]) -> Iterator[Doc]:
    """The year's articles in number order as the index will hold them: ``changed`` (by number; None:
    removed) as the patch left them, the others from their records under root, a pack read once
    for all its records; an empty text for a hole. rows(n): the state's (id, extra) of n, or None."""
    empty = Doc("", "", 0, ())
    pack_of: tuple[int, list[packs.Piece] | None] = (-1, None)
    for n in range(year.first, year.end):
        if n in changed:
            yield changed[n] or empty
            continue
        row = rows(n)
        if row is None:
            yield empty
            continue
        j = n // per
        if pack_of[0] != j:
            pack_of = (j, packs.read_pack(root, "d", j, per))
        if pack_of[1] is None:
            raise ValueError(f"record {n}: its pack is missing")
        rec = read_record(codec, pack_of[1][n % per])
        if rec.get("i") != row[0]:
            raise ValueError(f"record {n} is not {row[0]}")
        yield doc_of_record({"x": rec["x"], "h": rec["h"]}, row[1])


def rebuild(out: Writer, year: Year, texts: Iterable[Doc], elsewhere: Callable[[str], int],
            old: Mapping[int, tuple[int, int]], live: int, avgdl: float, common: set[str],
            words: Sequence[str], cache_dir: Path) -> Rebuilt:
    """Write the year's postings as one base segment ``g/<year>``, ``w/<year>`` (texts: its articles,
    every number from its first to its end). ``old``: term hash -> (the archive's article count its
    old entries held, the year's own then: ``old_counts``); ``elsewhere(term)``: the archive's count as another year's
    entry has it, for a term the year had no entry of."""
    from . import ngrams, spill, terms as terms_module  # (numpy: only a rebuild loads it in a patch)

    started = time.perf_counter()
    removed = _remove_old(out, year)
    seg = Segment(year.name, year.first, year.end)
    count = year.end - year.first
    scratch = spill.folder(cache_dir, "y")
    try:
        cut = tokens.cutter(tuple(words))
        pairs = terms_module.TermPairs(count, scratch)
        term_ids: dict[str, int] = {}

        def cutting(docs: Iterable[Doc]) -> Iterator[Doc]:
            """Each text on its way to the n-gram pass is cut too: one pass over the records."""
            for doc in docs:
                tfs, length = term_counts(cut, doc) if doc.norm else ({}, 0)
                ids = [term_ids.setdefault(t, len(term_ids)) for t in tfs]
                pairs.add(ids, tfs.values(), length)
                yield doc

        g = seg.kind("g")
        g_count, buckets, g_size, _keys, g_per = ngrams.write_ngrams(out, cutting(texts), count, cache_dir, kind=g)
        pairs.flush()
        names = list(term_ids)
        own = pairs.df[:len(names)]
        df = own.copy()
        ranked = [len(t) >= 2 and t not in common for t in names]  # (others have no entries)
        for i, t in enumerate(names):
            if ranked[i]:
                then = old.get(fnv1a(t))
                df[i] += (then[0] - then[1]) if then is not None else elsewhere(t)
        idfs = [idf(live, int(c)) if r else 0.0 for r, c in zip(ranked, df)]
        w = seg.kind("w")
        w_count, w_size = terms_module.write_terms(out, pairs, names, idfs, avgdl, scratch, df, w)
    finally:
        spill.remove(scratch)
    return Rebuilt({g: g_count, f"buckets/{year.name}": buckets, w: w_count}, {g: g_per, w: out.packs.per[w]},
                   {g: g_size, w: w_size}, removed, time.perf_counter() - started)


def _remove_old(out: Writer, year: Year) -> list[str]:
    """Remove the files of the year's segments (before its new packs are written: a pack is
    otherwise rewritten keeping the pieces it had, at another count)."""
    removed = []
    for name, _ in year.firsts:
        for base in ("g", "w"):
            folder = out.root / base / name
            if not folder.is_dir():
                continue
            for path in sorted(folder.iterdir()):
                rel = f"{base}/{name}/{path.name}"
                out.remove(rel)
                removed.append(rel)
            if name != year.name:
                with contextlib.suppress(OSError):
                    folder.rmdir()  # (a tail's: gone with it)
    return removed


def old_counts(payloads: Iterable[tuple[int, bytes]]) -> dict[int, tuple[int, int]]:
    """Term hash -> (the archive's article count its newest entry held, the year's articles in all
    its entries), from the year's old term entries (each of layout.encode_weights' form: a count,
    the pairs, the archive's count last) in segment order, each keyed by its hash."""
    out: dict[int, tuple[int, int]] = {}
    for h, payload in payloads:
        count, _ = read_varint(payload, 0)
        out[h] = (_last_varint(payload), out.get(h, (0, 0))[1] + count)
    return out


def _last_varint(data: bytes) -> int:
    """The varint a payload ends with (its last byte has no continuation bit, the ones before it do)."""
    i = len(data) - 1
    while i > 0 and data[i - 1] & 0x80:
        i -= 1
    return read_varint(data, i)[0]
