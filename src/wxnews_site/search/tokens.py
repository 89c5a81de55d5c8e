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
import logging
import multiprocessing
import os
import pickle
import shutil
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


def _store_path(cache_dir: Path) -> Path:
    return cache_dir / "search-terms.pickle"


def _load_store(cache_dir: Path) -> dict[str, TermCounts]:
    """Every cached cut, from one file: ten thousand small files took seconds just to open."""
    try:
        data = pickle.loads(_store_path(cache_dir).read_bytes())
        if isinstance(data, dict) and data.get("version") == VERSION:
            return data["cuts"]
    except (OSError, ValueError, TypeError, KeyError, EOFError, pickle.UnpicklingError, AttributeError):
        pass  # missing or damaged: cut again
    return {}


def _save_store(cache_dir: Path, cuts: dict[str, TermCounts]) -> None:
    # Only the cuts of the articles as they are now, so the cache does not grow forever.
    atomic_write(_store_path(cache_dir), pickle.dumps({"version": VERSION, "cuts": cuts}, pickle.HIGHEST_PROTOCOL))
    old = cache_dir / "search-terms"  # the one-file-per-cut layout of earlier versions
    if old.is_dir():
        shutil.rmtree(old, ignore_errors=True)


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
    store = _load_store(cache_dir) if cache_dir is not None else {}
    for i, key in enumerate(keys):
        out[i] = store.get(key)
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
    if cache_dir is not None and (missing or len(store) != len(set(keys))):
        _save_store(cache_dir, {key: c for key, c in zip(keys, out) if c is not None})
    final = [c if c is not None else {} for c in out]
    return final, CutStats(len(missing), len(docs) - len(missing), workers)
