"""A full build of the search index (``search/``; its format is ``layout.py``'s).

``write_index`` is the build's entry. It reads the articles in streaming
passes and never holds them all: they come as any re-iterable source (an
object with ``__len__`` and ``__iter__`` yielding ``model.Article`` in the
same order, date, 版, position, each time; a plain list is sorted first).

1. A survey: the site words (every printed name), the sections, a sample of
   records for the records' code, the order checked; and, with a state of the
   previous index, what changed (``patch.Planner``). A patch that can follow
   it ends the build here (``patch.py``).
2. Otherwise a full build in three processes, each reading the source once:
   the n-gram shards (``ngrams.py``) and the records in forked processes,
   jieba terms and their BM25 weights (``terms.py``) here, with the state's
   rows for the next patches (``state.py``). Postings are sorted externally,
   a bounded chunk at a time (``spill.py``): memory is the chunk's and a few
   bytes per article, whatever the archive's size.
"""
from __future__ import annotations

import gc
import hashlib
import itertools
import shutil
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping, Protocol, Sequence, TypeVar

from ..config import SiteConfig
from ..forks import Forked, can_fork
from ..model import Article
from . import packs, patch, spill, tokens
from .cuts import Cut, Numbering, cut_all
from .layout import (COMMON_FROM, DICT_SAMPLE, MAP_SHARDS, VOCAB_SHARD_TARGET, IndexStats, Segment, Writer, analyse,
                     deflate, digest, idf, pack_vocab, printed, record_parts, records, segment_name, segments_of,
                     setup_key, shard_count, with_first_characters, words_of, write_fold_map, write_meta)
from .normalize import fold_map
from .records import Codec
from .state import Fresh, Row

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


class Source(Protocol):
    """Articles read afresh at each pass, in the same order each time."""

    def __len__(self) -> int: ...

    def __iter__(self) -> Iterator[Article]: ...


Hashes = Mapping[str, str] | Callable[[Article], "str | None"]
def ordered(articles: Source) -> Source:
    """A list or tuple sorted in the index's order; any other source is read as it comes (and checked)."""
    if isinstance(articles, (list, tuple)):
        return sorted(articles, key=lambda a: (a.date, a.page, a.position, a.id))
    return articles


def _write_ngrams(out: Writer, source: Source, segments: Sequence[Segment], config: SiteConfig, cache_dir: Path
                  ) -> dict[str, tuple[int, int, int, int, int]]:
    """The n-gram shards of each segment, by name: (shard count, buckets per shard, total size, keys,
    shards per pack); and jieba's dictionary index for the rebuilds' cuts, if the cache has none yet.
    One pass over the source: each segment takes its articles from the same stream."""
    from . import ngrams  # (numpy: a patch never loads it)

    tokens.dictionary_index(cache_dir)
    docs = (analyse(a, config) for a in source)
    return {s.name: ngrams.write_ngrams(out, itertools.islice(docs, s.end - s.first), s.end - s.first, cache_dir,
                                        kind=s.kind("g"))
            for s in segments}


CUT_WORKERS = 2  # processes cutting the texts with jieba (the machine's cores; see cuts.py)
RECORD_BATCH = 256  # articles whose texts are checked for folded characters at once


def _write_records(out: Writer, source: Source, sample: list[list[str]], config: SiteConfig,
                   url_for: Callable[[Article], str]) -> tuple[int, int]:
    """dict.bin and every article's record; returns dict.bin's inflated length and records per pack."""
    codec = Codec.choose([r for parts in sample for r in parts])
    out.write("dict.bin", codec.prefix())
    # Packs sized by the sample's records (the whole archive's are not all held at once).
    sizes = [sum(map(len, record_parts(codec, parts))) for parts in sample[::4]]
    out.packs.per["d"] = packs.per_pack(sum(sizes) / max(1, len(sizes)), out.most)
    n = 0
    for batch in _batches(source, RECORD_BATCH):
        texts = [printed(a) for a in batch]
        for a, (text, head), mapped in zip(batch, texts, has_mapped([text for text, _ in texts])):
            parts = record_parts(codec, records(a, text, head, config, url_for(a), mapped))
            out.piece("d", n, b"".join(parts), len(parts[0]))
            n += 1
    out.flush(["d"])
    return codec.prefix_length, out.packs.per["d"]


def _batches(items: Iterable[Article], size: int) -> Iterator[list[Article]]:
    batch: list[Article] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def has_mapped(texts: Sequence[str]) -> list[bool]:
    """Which texts hold a character of fold_map (traditional, compatibility forms), by numpy (a full build's): looking
    each character up in the map one by one took 0.6 CPU s at 10,000 articles, this 0.05."""
    import numpy as np

    table = np.zeros(0x110000, bool)
    table[list(map(ord, fold_map()))] = True
    return [bool(table[np.frombuffer(t.encode("utf-32-le", "surrogatepass"), np.uint32)].any()) for t in texts]


def write_index(
    articles: Source,
    out_dir: Path,
    config: SiteConfig,
    cache_dir: Path,
    url_for: Callable[[Article], str],
    processes: int | None = None,
    previous: Path | None = None,
    sources: Hashes | None = None,
) -> IndexStats:
    """Write ``out_dir/search/`` for the articles (see the module docstring).

    ``previous`` is the last build's output folder (another folder than
    out_dir). When the index there is the one the cache's state describes,
    and the articles changed in a way a patch can follow, the index is
    patched from it instead of built anew; ``out_dir/search`` may then hold
    an older index (the site before the previous one), which is brought up to
    date first. Anything else is a full build. ``sources`` (article file path
    -> content hash, or a function of the article giving it, as the build has
    them) spares hashing every article's text.
    """
    # The index makes millions of short-lived containers and no cycles; with
    # the build's whole site in memory every collection of the cyclic garbage
    # collector walked it all (and, in the forked process, copied its pages).
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _write_index(ordered(articles), out_dir, config, cache_dir, url_for, processes, previous, sources)
    finally:
        if enabled:
            gc.enable()


@dataclass(frozen=True)
class Survey:
    """What the first pass over the articles found."""
    count: int
    words: list[str]            # the site words: jieba's extra vocabulary
    sections: set[str]          # the section filter's
    sample: list[list[str]]     # records of every so many articles, to choose the records' code
    plan: patch.Plan | None     # what changed since the state (None: a full build)
    last: tuple | None          # the newest article's patch.order_key
    segments: list[Segment]     # the years' articles, oldest first


def survey(source: Source, config: SiteConfig, url_for: Callable[[Article], str], sources: Hashes | None,
           state: patch.State | None) -> Survey:
    """One pass over the articles; ValueError when they are not in the index's order."""
    names: set[str] = set(config.search_words)
    sections: set[str] = set()
    sample: list[list[str]] = []
    step = max(1, len(source) // DICT_SAMPLE)
    planner = patch.Planner(state, len(source)) if state is not None else None
    last: tuple | None = None
    firsts: list[tuple[str, int]] = []
    count = 0
    for a in source:
        key = (a.date, a.page, a.position, a.id)
        if last is not None and key < last:
            raise ValueError(f"{a.path or a.id}: the articles given to the search index are not in date order")
        last = key
        if not firsts or firsts[-1][0] != segment_name(a):
            firsts.append((segment_name(a), count))
        names.update(a.bylines)
        names.update(a.photographers)
        sections.add(config.listed_section(a.date, a.page, a.section))
        if count % step == 0:
            sample.append(records(a, *printed(a), config, url_for(a)))
        if planner is not None:
            url = url_for(a)
            planner.see(a, url, digest(a, config, url, patch.source_hash(sources, a)))
        count += 1
    return Survey(count, words_of(names), sections, sample, planner.finish(count) if planner else None,
                  patch.order_key(a) if count else None, segments_of(firsts, count))


def _write_index(source: Source, out_dir: Path, config: SiteConfig, cache_dir: Path,
                 url_for: Callable[[Article], str], processes: int | None, previous: Path | None,
                 sources: Hashes | None) -> IndexStats:
    started = time.perf_counter()
    patching = previous is not None and previous.resolve() != out_dir.resolve()
    state = patch.load(cache_dir) if patching else None
    try:
        found = survey(source, config, url_for, sources, state)
        setup = setup_key(found.words, config.search_ranges)
        if state is not None and found.plan is not None and previous is not None:
            stats = patch.try_patch(state, found.plan, setup, out_dir, previous, config, cache_dir, started,
                                    found.count, found.sections)
            if stats is not None:
                return stats
    finally:
        patch.close(state)
    patch.forget(cache_dir)  # the state is written again once the index is complete
    spill.sweep(cache_dir)
    root = out_dir / "search"
    patch.clear(root)  # only the index's own pieces: the build renders search/index.html there too
    out = Writer(root, fresh=True, most=packs.MAX_PER_PACK if config.search_ranges else 1)
    n_keys, n_terms = _full(out, source, found, setup, config, processes, cache_dir, url_for, sources)
    return IndexStats(found.count, n_keys, n_terms, out.files, out.bytes, found.count, 0,
                      2 if processes != 1 else 1, time.perf_counter() - started)


def _full(out: Writer, source: Source, found: Survey, setup: str, config: SiteConfig, processes: int | None,
          cache_dir: Path, url_for: Callable[[Article], str], sources: Hashes | None) -> tuple[int, int]:
    """Every part of the index, and the state; returns the n-gram keys and terms."""
    # The n-gram shards and the records are made by two forked processes while
    # this one ranks terms: the three share nothing but the source, which each
    # reads itself; builds are mostly CPU, and three processes keep both cores
    # busy to the end better than two halves.
    segments = found.segments
    g_job = _start(out, lambda: _write_ngrams(out, source, segments, config, cache_dir), processes != 1)
    d_job = _start(out, lambda: _write_records(out, source, found.sample, config, url_for), processes != 1)
    scratch = spill.folder(cache_dir, "w")
    fresh = Fresh(cache_dir)
    workers = CUT_WORKERS if processes != 1 else 1
    numbering = Numbering()
    cut = tokens.cutter(tuple(found.words))  # (before the workers fork: they find it made)
    texts = cut_all(source, config, tuple(found.words), workers, numbering)
    try:
        cuts, firsts, build = _cut(texts, segments, config, scratch, fresh, url_for, sources, setup)
        terms = numbering.terms
        n_docs = found.count
        avgdl = cuts.length_sum / n_docs if n_docs else 1.0
        # Terms in more than a fifth of a large archive (发展, 工作) hardly rank
        # anything but would fill a third of the term shards; such a query ranks by
        # headline and date. Single characters are left to the n-gram shards: as
        # jieba terms they are mostly particles, a third of all pairs for little rank.
        common = n_docs // 5 if n_docs >= COMMON_FROM else n_docs
        counts = cuts.df[:len(terms)].tolist()
        idfs = [idf(n_docs, c) if len(t) >= 2 and c <= common else 0.0 for t, c in zip(terms, counts)]
        from .terms import write_terms  # (numpy: a patch never loads it)

        # The dictionary's shards in a forked process while this one weighs the terms: at the end of a
        # cold build these two are often all that is left to do, and there are two cores.
        k_job = _start(out, lambda: (_write_vocab(out, terms, cut), out.packs.per["k"]), processes != 1)
        shards: dict[str, int] = {"k": 0, "m": MAP_SHARDS}  # (the order meta.json lists them in)
        per, sizes = {"k": 0}, {}
        for seg, pairs in zip(segments, cuts.pairs):
            w = seg.kind("w")
            shards[w], sizes[w] = write_terms(out, pairs, terms, idfs, avgdl, scratch, cuts.df, w)
            per[w] = out.packs.per[w]
        shards["k"], per["k"] = k_job()
        out.packs.per["k"] = per["k"]
        n_keys, ngrams = 0, g_job()
        for seg in segments:
            g = seg.kind("g")
            shards[g], shards[seg.kind("buckets")], sizes[g], keys, per[g] = ngrams[seg.name]
            n_keys += keys
        dict_len, per["d"] = d_job()
        write_fold_map(out)
        write_meta(out, firsts, n_docs, shards, per, cut.total, dict_len, found.sections, build, segments)  # last
        fresh.finish(patch.State(setup, build, None, None, n_docs, n_docs, cuts.length_sum, n_docs, avgdl, shards,
                                 per, sizes, cut.total, dict_len, dict(cut.freqs), words=tuple(found.words),
                                 last=found.last, segments=tuple((s.name, s.first) for s in segments),
                                 common=tuple(t for t, c in zip(terms, counts) if len(t) >= 2 and c > common)
                                 ).meta())
    except BaseException:
        fresh.abandon()
        raise
    finally:
        texts.close()  # (its workers stopped, if they still run)
        spill.remove(scratch)
    return n_keys, len(terms)


@dataclass
class Cuts:
    """What the pass of jieba's cut leaves for the weights: each segment's (term, article, tf) triples,
    numbered in the segment, and each term's article count and the lengths' sum in the whole archive."""
    pairs: list                  # terms.TermPairs of each segment
    df: Any                      # numpy array
    length_sum: int = 0

    def end(self, pairs) -> None:
        """A segment's triples are all in: its counts join the archive's, its buffers go to disk."""
        import numpy as np

        pairs.flush()
        pairs.runs.flush()
        top = len(pairs.df)
        if top > len(self.df):
            self.df = np.concatenate((self.df, np.zeros(top - len(self.df), np.int64)))
        self.df[:top] += pairs.df
        pairs.df = None
        self.length_sum += sum(pairs.lengths)


def _cut(texts: Iterator[tuple[Article, Cut]], segments: Sequence[Segment], config: SiteConfig, scratch: Path,
         fresh: Fresh, url_for: Callable[[Article], str], sources: Hashes | None, setup: str):
    """The pass of jieba's cut (texts: each article with its cut, in order): every article's terms (as numbers, in
    order of first use) spilled with their frequencies by segment; the state's rows, each date's first
    article and the build's id."""
    import numpy as np

    from .terms import TermPairs

    cuts = Cuts([], np.zeros(1 << 12, np.int64))
    firsts: list[tuple[str, int]] = []
    build = hashlib.sha256(setup.encode())
    n = end = 0
    pairs, following = None, iter(segments)
    for a, c in texts:
        if n == end:  # the next segment's first article
            if pairs is not None:
                cuts.end(pairs)
            seg = next(following, None)
            if seg is None:
                raise ValueError(f"the articles were {n}, then more")
            folder = scratch / seg.name
            folder.mkdir()
            pairs, end = TermPairs(seg.end - seg.first, folder), seg.end
            cuts.pairs.append(pairs)
        pairs.add(c.ids, c.tfs, c.length)
        d = digest(a, config, url_for(a), patch.source_hash(sources, a))
        build.update(d)
        day = a.date.isoformat()
        if not firsts or firsts[-1][0] != day:
            firsts.append((day, n))
        fresh.add(n, Row(a.id, d, c.extra, day, c.length))
        n += 1
    if n != end or len(cuts.pairs) != len(segments):
        raise ValueError(f"the articles were {segments[-1].end if segments else 0}, then {n}")
    if pairs is not None:
        cuts.end(pairs)  # (the article counts are complete only then)
    return cuts, firsts, build.hexdigest()[:24]


def _write_vocab(out: Writer, terms: list[str], cut: tokens.Cutter) -> int:
    """The k/ shards: every term's jieba frequency; returns their count."""
    from .ngrams import fnv1a_many

    vocab = tokens.dictionary_freqs(with_first_characters(terms), cut.freqs)
    k_count = shard_count(len("".join(vocab).encode()) + 8 * len(vocab), VOCAB_SHARD_TARGET)
    groups: dict[int, dict[str, int]] = defaultdict(dict)
    # (layout.vocab_shard of every term at once)
    for (t, f), h in zip(vocab.items(), (fnv1a_many([t[:2] for t in vocab]) % k_count).tolist()):
        groups[h][t] = f
    out.pieces("k", [deflate(pack_vocab(groups.get(h, {}))) for h in range(k_count)], k_count)
    return k_count
