"""jieba terms of every article, cached by content so a rebuild re-cuts only what changed.

Text is cut after normalisation with ``cut_for_search`` (a long word also
yields the dictionary words inside it: 长三角 gives 三角 too) and without
jieba's HMM guesser, because the browser cuts queries with the same
dictionary and has no HMM. The site's word list (``search.words`` in
site.yaml) and every byline and photographer name are added to a private
jieba dictionary, never to jieba's global one.
"""
from __future__ import annotations

import hashlib
import json
import logging
import multiprocessing
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

import jieba

from ..format import atomic_write

# Bump when the way terms are made changes: every cached cut is then redone.
VERSION = 1

# term -> (count in headlines, count in the rest)
TermCounts = dict[str, tuple[int, int]]


@dataclass(frozen=True)
class CutStats:
    cut: int       # articles cut now
    cached: int    # articles whose terms came from the cache
    workers: int   # processes used for the cut


_TOKENIZER: jieba.Tokenizer | None = None
_TOKENIZER_WORDS: tuple[str, ...] | None = None


def tokenizer(words: Sequence[str]) -> jieba.Tokenizer:
    """A jieba tokenizer with the site words added; kept per process for the same words."""
    global _TOKENIZER, _TOKENIZER_WORDS
    words = tuple(words)
    if _TOKENIZER is not None and _TOKENIZER_WORDS == words:
        return _TOKENIZER
    jieba.setLogLevel(logging.WARNING)
    tk = jieba.Tokenizer()
    tk.initialize()
    total = tk.total
    for w in words:
        if len(w) >= 2 and not tk.FREQ.get(w):
            tk.add_word(w)
    # add_word raises the total, which shifts every route's probability a
    # little; restoring it makes an article's cut depend only on the words it
    # contains, so a new name re-cuts only the articles that print it.
    tk.total = total
    _TOKENIZER, _TOKENIZER_WORDS = tk, words
    return tk


def _keep(term: str) -> bool:
    return any(ch.isalnum() for ch in term)


def cut_counts(tk: jieba.Tokenizer, head: str, rest: str) -> TermCounts:
    counts: dict[str, list[int]] = {}
    for field, text in ((0, head), (1, rest)):
        for term in tk.cut_for_search(text, HMM=False):
            if _keep(term):
                counts.setdefault(term, [0, 0])[field] += 1
    return {t: (c[0], c[1]) for t, c in counts.items()}


def cache_key(head: str, rest: str, words_present: Iterable[str]) -> str:
    h = hashlib.sha256()
    for part in (f"v{VERSION} jieba {jieba.__version__}", head, rest, *sorted(words_present)):
        h.update(part.encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()


def _cache_path(cache_dir: Path, key: str) -> Path:
    return cache_dir / "search-terms" / key[:2] / f"{key}.json"


def _read_cache(cache_dir: Path, key: str) -> TermCounts | None:
    try:
        data = json.loads(_cache_path(cache_dir, key).read_text(encoding="utf-8"))
        return {t: (h, r) for t, h, r in data}
    except (OSError, ValueError, TypeError):
        return None  # missing or damaged: cut again


def _write_cache(cache_dir: Path, key: str, counts: TermCounts) -> None:
    data = [[t, h, r] for t, (h, r) in sorted(counts.items())]
    atomic_write(_cache_path(cache_dir, key), json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def _prune(cache_dir: Path, keep: set[str]) -> None:
    """Drop cuts of article versions that no longer exist, so the cache does not grow forever."""
    for path in (cache_dir / "search-terms").glob("*/*.json"):
        if path.stem not in keep:
            path.unlink(missing_ok=True)


def _init_worker(words: tuple[str, ...]) -> None:
    tokenizer(words)


def _cut_one(job: tuple[str, str]) -> TermCounts:
    assert _TOKENIZER is not None
    return cut_counts(_TOKENIZER, job[0], job[1])


def cut_all(
    docs: Sequence[tuple[str, str]],
    present: Sequence[Iterable[str]],
    words: Sequence[str],
    cache_dir: Path | None,
    processes: int | None = None,
) -> tuple[list[TermCounts], CutStats]:
    """Term counts of each (normalised headlines, normalised rest), from the cache where possible.

    ``present[i]`` are the site words that occur in document i: they are part
    of its cache key because they change how it is cut.
    """
    words = tuple(words)
    keys = [cache_key(h, r, p) for (h, r), p in zip(docs, present)]
    out: list[TermCounts | None] = [None] * len(docs)
    if cache_dir is not None:
        for i, key in enumerate(keys):
            out[i] = _read_cache(cache_dir, key)
    missing = [i for i, c in enumerate(out) if c is None]
    workers = 1
    if missing:
        jobs = [docs[i] for i in missing]
        workers = max(1, min(processes or os.cpu_count() or 1, len(missing) // 200 or 1))
        results = None
        if workers > 1:
            tokenizer(words)  # forked workers inherit the loaded dictionary
            method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
            try:
                with multiprocessing.get_context(method).Pool(workers, _init_worker, (words,)) as pool:
                    results = pool.map(_cut_one, jobs, chunksize=32)
            except OSError:  # no processes allowed here (some sandboxes): cut in this one
                workers = 1
        if results is None:
            tk = tokenizer(words)
            results = [cut_counts(tk, h, r) for h, r in jobs]
        for i, counts in zip(missing, results):
            out[i] = counts
            if cache_dir is not None:
                _write_cache(cache_dir, keys[i], counts)
    if cache_dir is not None:
        _prune(cache_dir, set(keys))
    final = [c if c is not None else {} for c in out]
    return final, CutStats(len(missing), len(docs) - len(missing), workers)
