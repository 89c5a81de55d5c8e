"""A full build of the search index (``search/``; its format is ``layout.py``'s).

``write_index`` is the build's entry: it patches the previous index where it
can (``patch.py``) and otherwise numbers the articles afresh and writes every
part, the n-gram shards (``ngrams.py``) and the records in forked processes
while this one weighs the jieba terms.
"""
from __future__ import annotations

import gc
import shutil
import time
from array import array
from collections import Counter, defaultdict
from pathlib import Path
from typing import Callable, Mapping, Sequence, TypeVar

from ..config import SiteConfig
from ..forks import Forked, can_fork
from ..model import Article
from . import packs, patch, tokens
from .layout import (COMMON_FROM, DICT_SAMPLE, MAP_SHARDS, OWN_FILES, VOCAB_SHARD_TARGET, WEIGHT_LEVELS,
                     B, Built, Doc, Entries, IndexStats, K1, Writer, _LEVEL_STEPS, analyse, deflate, digest,
                     fnv1a, idf, pack_vocab, record_parts, records, setup_key, shard_count, site_words, term_counts,
                     varint_bytes, vocab_shard, with_first_characters, write_fold_map, write_meta)
from .normalize import fold_map
from .records import Codec
from .varint import _varint

T = TypeVar("T")


def _start(out: Writer, write: Callable[[], T], fork: bool) -> Callable[[], T]:
    """Run write (which writes files through out) now, or in a forked process.

    Returns a function that waits for it and gives its result, with out's
    file and byte counts brought up to date.
    """
    if not fork or not can_fork():
        result = write()
        return lambda: result
    files, size = out.files, out.bytes

    def child() -> tuple[T, int, int]:
        out.changed.clear()
        return write(), out.files - files, out.bytes - size

    job = Forked(child)

    def wait() -> T:
        result, more_files, more_bytes = job.result()
        out.files += more_files
        out.bytes += more_bytes
        return result

    return wait


def _write_ngrams(out: Writer, analysed: Sequence[Doc], cache_dir: Path) -> tuple[int, int, int, int, int]:
    """The n-gram shards: (shard count, buckets per shard, total size, keys, shards per pack); and
    jieba's dictionary index for the rebuilds' cuts, if the cache has none yet."""
    from . import ngrams  # (numpy: a patch never loads it)

    tokens.dictionary_index(cache_dir)
    return ngrams.write_ngrams(out, analysed)


def _write_records(out: Writer, docs: Sequence[Article], analysed: Sequence[Doc], urls: Sequence[str],
                   config: SiteConfig) -> tuple[int, int]:
    """dict.bin and every article's record; returns dict.bin's inflated length and records per pack."""
    step = max(1, len(docs) // DICT_SAMPLE)
    sample = [records(docs[n], analysed[n], config, urls[n]) for n in range(0, len(docs), step)]
    codec = Codec.choose([r for parts in sample for r in parts])
    out.write("dict.bin", codec.prefix())
    # Packs sized by the sample's records (the whole archive's are not all held at once).
    sizes = [sum(map(len, record_parts(codec, parts))) for parts in sample[::4]]
    out.packs.per["d"] = packs.per_pack(sum(sizes) / max(1, len(sizes)), out.most)
    for n, (a, mapped) in enumerate(zip(docs, has_mapped([doc.text for doc in analysed]))):
        parts = record_parts(codec, records(a, analysed[n], config, urls[n], mapped))
        out.piece("d", n, b"".join(parts), len(parts[0]))
    out.flush(["d"])
    return codec.prefix_length, out.packs.per["d"]


def has_mapped(texts: Sequence[str]) -> list[bool]:
    """Which texts hold a character of fold_map (traditional, compatibility forms), by numpy (a full build's): looking
    each character up in the map one by one took 0.6 CPU s at 10,000 articles, this 0.05."""
    import numpy as np

    table = np.zeros(0x110000, bool)
    table[list(map(ord, fold_map()))] = True
    return [bool(table[np.frombuffer(t.encode("utf-32-le", "surrogatepass"), np.uint32)].any()) for t in texts]


def write_index(
    articles: Sequence[Article],
    out_dir: Path,
    config: SiteConfig,
    cache_dir: Path,
    url_for: Callable[[Article], str],
    processes: int | None = None,
    previous: Path | None = None,
    sources: Mapping[str, str] | None = None,
) -> IndexStats:
    """Write ``out_dir/search/`` for the articles (see the module docstring).

    ``previous`` is the last build's output folder (another folder than
    out_dir). When the index there is the one the cache's state describes,
    and the articles changed in a way a patch can follow, the index is
    patched from it instead of built anew; ``out_dir/search`` may then hold
    an older index (the site before the previous one), which is brought up to
    date first. Anything else is a full build. ``sources`` (article file path
    -> content hash, as the build has them) spares hashing every article's text.
    """
    # The index makes millions of short-lived containers and no cycles; with
    # the build's whole site in memory every collection of the cyclic garbage
    # collector walked it all (and, in the forked process, copied its pages).
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _write_index(articles, out_dir, config, cache_dir, url_for, processes, previous, sources)
    finally:
        if enabled:
            gc.enable()


def _write_index(articles: Sequence[Article], out_dir: Path, config: SiteConfig, cache_dir: Path,
                 url_for: Callable[[Article], str], processes: int | None, previous: Path | None,
                 sources: Mapping[str, str] | None) -> IndexStats:
    started = time.perf_counter()
    docs = sorted(articles, key=lambda a: (a.date, a.page, a.position, a.id))
    words = site_words(docs, config)
    setup = setup_key(words, config.search_ranges)
    urls = [url_for(a) for a in docs]
    files = sources or {}
    digests = [digest(a, config, u, files.get(a.path) if a.path else None) for a, u in zip(docs, urls)]
    if previous is not None and previous.resolve() != out_dir.resolve():
        stats = patch.try_patch(docs, urls, digests, setup, out_dir, previous, config, cache_dir, started)
        if stats is not None:
            return stats
    patch.forget(cache_dir)  # the state is written again once the index is complete
    root = out_dir / "search"
    for name in OWN_FILES:  # only the index's own pieces: the build renders search/index.html there too
        old = root / name
        if old.is_dir():
            shutil.rmtree(old)
        elif old.exists():
            old.unlink()
    out = Writer(root, fresh=True, most=packs.MAX_PER_PACK if config.search_ranges else 1)
    built, n_keys, n_terms = _full(out, docs, urls, digests, words, config, processes, cache_dir)
    build_id = patch.build_id(setup, digests)
    write_fold_map(out)
    write_meta(out, docs, built.dates, built.shards, built.packs, built.total, built.dict_len, config,
               build_id)  # last
    patch.save(cache_dir, patch.State.after_full(setup, build_id, docs, built, words))
    return IndexStats(len(docs), n_keys, n_terms, out.files, out.bytes, len(docs), 0, 2 if processes != 1 else 1,
                      time.perf_counter() - started)


def _weight_lists(doc_terms: array, doc_tfs: array, starts: array, lengths: array, avgdl: float,
                  idfs: Sequence[float]) -> dict[int, bytes]:
    """Each ranked term's (article gap * 16 + BM25 level) varints, as encode_weights
    writes them (without the count), by numpy: a cold build of 10,000 articles
    has three million (term, article) pairs.

    Each pair becomes one integer, term << 36 | article << 4 | level, made a
    block at a time; sorting those integers orders the pairs by term, then
    article. (Index arrays and float temporaries of all pairs at once took
    several hundred megabytes at 30,000 articles.)
    """
    import numpy as np

    tids = np.frombuffer(doc_terms, np.uint32)
    tfs = np.frombuffer(doc_tfs, np.uint32)
    firsts = np.frombuffer(starts, np.uint32)
    norms = K1 * (1 - B + B * np.frombuffer(lengths, np.uint32).astype(np.float64) / (avgdl or 1.0))
    weights = np.asarray(idfs, np.float64)
    ranked = weights != 0
    steps = np.asarray(_LEVEL_STEPS)
    keys = np.empty(int(np.count_nonzero(ranked[tids])), np.uint64)
    at = 0
    for lo in range(0, len(tids), _BLOCK):
        t, tf = tids[lo:lo + _BLOCK], tfs[lo:lo + _BLOCK]
        ns = np.searchsorted(firsts, np.arange(lo, lo + len(t), dtype=np.uint32), side="right") - 1
        keep = ranked[t]
        t, tf, ns = t[keep], tf[keep], ns[keep]
        levels = np.searchsorted(steps, weights[t] * tf * (K1 + 1) / (tf + norms[ns]), side="right")
        keys[at:at + len(t)] = t.astype(np.uint64) << 36 | ns.astype(np.uint64) << 4 | levels.astype(np.uint64)
        at += len(t)
    keys.sort()
    out: dict[int, bytes] = {}
    lo = 0
    while lo < len(keys):  # blocks of whole terms
        hi = min(lo + _BLOCK, len(keys))
        if hi < len(keys):  # on to the end of the block's last term
            hi = int(np.searchsorted(keys, np.uint64((int(keys[hi - 1]) >> 36) + 1 << 36)))
        block = keys[lo:hi]
        terms = block >> np.uint64(36)
        numbers = (block >> np.uint64(4)).astype(np.int64) & 0xFFFFFFFF
        heads = np.flatnonzero(np.concatenate(([True], terms[1:] != terms[:-1])))
        gaps = numbers.copy()
        gaps[1:] -= numbers[:-1]
        gaps[heads] = numbers[heads]  # a term's first: its article number
        data, offsets = varint_bytes(gaps * WEIGHT_LEVELS + (block & np.uint64(15)).astype(np.int64))
        bounds = np.append(offsets[heads], len(data)).tolist()
        raw = data.tobytes()
        for k, tid in enumerate(terms[heads].tolist()):
            out[tid] = raw[bounds[k]:bounds[k + 1]]
        lo = hi
    return out


_BLOCK = 1 << 18  # (term, article) pairs per block of _weight_lists


def _full(out: Writer, docs: Sequence[Article], urls: Sequence[str], digests: list[bytes], words: Sequence[str],
          config: SiteConfig, processes: int | None, cache_dir: Path) -> tuple[Built, int, int]:
    # Every process needs the normalised texts: made once here, the forks inherit them.
    analysed = [analyse(a, config) for a in docs]
    # The n-gram shards and the records are made by two forked processes while
    # this one ranks terms: the three share nothing, builds are mostly CPU, and
    # three processes keep both cores busy to the end better than two halves.
    g_job = _start(out, lambda: _write_ngrams(out, analysed, cache_dir), processes != 1)
    d_job = _start(out, lambda: _write_records(out, docs, analysed, urls, config), processes != 1)

    cut = tokens.cutter(tuple(words))
    # Terms as numbers, and per article compact arrays of (term, tf): a dict
    # of counts per article for a whole archive took a gigabyte.
    term_ids: dict[str, int] = {}
    doc_terms, doc_tfs, starts, lengths = array("I"), array("I"), array("I", [0]), array("I")
    extras: list[tuple[str, ...]] = []
    dates: list[str] = []
    for a, doc in zip(docs, analysed):
        extras.append(doc.extra)
        dates.append(a.date.isoformat())
        tfs, length = term_counts(cut, doc)
        ids = list(map(term_ids.get, tfs))
        if None in ids:  # the article's new terms, found by C loops (ids.index), numbered in order
            keys, at = list(tfs), -1
            try:
                while True:
                    at = ids.index(None, at + 1)
                    ids[at] = term_ids[keys[at]] = len(term_ids)
            except ValueError:
                pass
        doc_terms.extend(ids)
        doc_tfs.extend(tfs.values())
        starts.append(len(doc_terms))
        lengths.append(length)
    del analysed  # (the forks keep their own)

    n_docs = len(docs)
    avgdl = sum(lengths) / n_docs if n_docs else 1.0
    terms = list(term_ids)
    df = Counter(doc_terms)
    # Terms in more than a fifth of a large archive (发展, 工作) hardly rank
    # anything but would fill a third of the term shards; such a query ranks by
    # headline and date. Single characters are left to the n-gram shards: as
    # jieba terms they are mostly particles, a third of all pairs for little rank.
    common = n_docs // 5 if n_docs >= COMMON_FROM else n_docs
    idfs = [idf(n_docs, df[tid]) if len(t) >= 2 and df[tid] <= common else 0.0 for tid, t in enumerate(terms)]
    encoded = _weight_lists(doc_terms, doc_tfs, starts, lengths, avgdl, idfs)
    del doc_terms, doc_tfs
    payloads: Entries = {}
    for tid in sorted(encoded):  # in order of first use, as the archive is read
        # Two terms with one hash keep the first: it only affects ranking.
        payloads.setdefault(fnv1a(terms[tid]), (_varint(df[tid]) + encoded.pop(tid), False))
    w_count, w_size = out.shards("w", payloads)
    del payloads

    vocab = tokens.dictionary_freqs(with_first_characters(terms), cut.freqs)
    k_count = shard_count(sum(len(t.encode()) + 8 for t in vocab), VOCAB_SHARD_TARGET)
    groups: dict[int, dict[str, int]] = defaultdict(dict)
    for t, f in vocab.items():
        groups[vocab_shard(t, k_count)][t] = f
    out.pieces("k", [deflate(pack_vocab(groups.get(h, {}))) for h in range(k_count)], k_count)
    g_count, buckets, g_size, n_keys, g_per = g_job()
    dict_len, d_per = d_job()
    built = Built(digests, extras, dates, lengths,
                  {"g": g_count, "buckets": buckets, "w": w_count, "k": k_count, "m": MAP_SHARDS},
                  {"g": g_size, "w": w_size}, cut.total, dict_len, cut.freqs,
                  {"g": g_per, "w": out.packs.per["w"], "k": out.packs.per["k"], "d": d_per})
    return built, n_keys, len(terms)


