"""jieba terms of an article, cut by rjieba (jieba-rs) with jieba's dictionary.

Text is cut after normalisation with ``cut_for_search`` (a long word also
yields the dictionary words inside it: 长三角 gives 三角 too) and without
jieba's HMM guesser, because the browser cuts queries with the same
dictionary and has no HMM. rjieba gives the same cuts as jieba's pure Python
a dozen times faster (the tests compare the two).

The site's word list (``search.words`` in site.yaml) and every byline and
photographer name are added to a private dictionary. Adding a word raises the
dictionary's total, which shifts every route's probability a little; the
total is kept constant instead by a placeholder word that can never be in a
text (a Unicode noncharacter) holding a reserve of frequency, lowered by each
site word's frequency. A new name then changes only the cuts of the articles
that print it, and the browser cuts queries with the same constant total.
"""
from __future__ import annotations

import bisect
import importlib.machinery
import importlib.metadata
import importlib.util
import operator
import os
import pickle
import re
import sys
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence

from ..format import atomic_write

PLACEHOLDER = "\ufdd0"  # a noncharacter: no text holds it, so no cut passes through it
RESERVE = 1_000_000     # frequency the site words draw on; 3,194 names at 30,000 articles take 3,710


@lru_cache(maxsize=1)
def _jieba() -> type:
    """rjieba's Jieba class from its extension module alone: the package's
    ``__init__`` loads a default dictionary (0.1 s) that a rebuild never uses."""
    name = "rjieba.rjieba"
    if name not in sys.modules:
        spec = importlib.util.find_spec("rjieba")  # finds the package without running it
        for folder in (spec.submodule_search_locations or []) if spec else []:
            found = [p for p in Path(folder).iterdir() if p.name.startswith("rjieba.")
                     and p.name.endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES))]
            if found:
                loader = importlib.machinery.ExtensionFileLoader(name, str(found[0]))
                module = importlib.util.module_from_spec(importlib.util.spec_from_loader(name, loader))
                loader.exec_module(module)
                sys.modules[name] = module  # so that "import rjieba" later uses this one
                break
    if name in sys.modules:
        return sys.modules[name].Jieba
    import rjieba  # an unusual install: the package as it is
    return rjieba.Jieba


class Cutter:
    """rjieba with the site words added at frequencies that leave the total as it was."""

    def __init__(self, words: Sequence[str]):
        self.words = tuple(words)
        jb = _jieba()()
        reserve = RESERVE
        jb.add_word(PLACEHOLDER, reserve, None)
        # Every frequency is suggested before any word is added, so that each
        # word's frequency depends on itself alone, not on the other words.
        self.freqs = {w: jb.suggest_freq(w) for w in self.words if len(w) >= 2 and not jb.has_word(w)}
        while sum(self.freqs.values()) >= reserve:  # a huge word list: a larger total for every cut
            reserve *= 4
        for w, f in self.freqs.items():
            jb.add_word(w, f, None)
        # Replacing the placeholder's frequency moves the total by the difference.
        jb.add_word(PLACEHOLDER, reserve - sum(self.freqs.values()), None)
        self.reserve = reserve
        self._jb = jb

    @property
    def total(self) -> int:
        """The dictionary's total, as the browser's query cutter must use it."""
        return jieba_total() + self.reserve

    def cut_for_search(self, text: str, HMM: bool = False) -> list[str]:  # noqa: N803 (jieba's name)
        return self._jb.cut_for_search(text, HMM)


class TextCutter:
    """Cuts a few known texts exactly as Cutter does, without loading the whole
    dictionary (0.1-0.4 s): a cut only ever looks up words that occur in the
    text, so a dictionary of those words alone, with the same frequencies and
    total, routes every text the same way."""

    def __init__(self, texts: Sequence[str], freqs: dict[str, int], total: int, cache_dir: Path):
        self.freqs, self.total = freqs, total
        index = dictionary_index(cache_dir)
        # One text: no word holds a newline, and an edited article's texts before
        # and after share most of their characters.
        joined = "\n".join(texts)
        words = dict(_words_in(joined, index))
        for w, f in freqs.items():
            if w not in words and w in joined:
                words[w] = f
        jb = _jieba().empty()
        for w, f in words.items():
            jb.add_word(w, f, None)
        jb.add_word(PLACEHOLDER, total - sum(words.values()), None)  # the total as Cutter's
        self._jb = jb

    def cut_for_search(self, text: str, HMM: bool = False) -> list[str]:  # noqa: N803 (jieba's name)
        return self._jb.cut_for_search(text, HMM)


def _words_in(text: str, index: dict[str, str]) -> list[tuple[str, int]]:
    """Every dictionary word that occurs in text, with its frequency."""
    starts: dict[str, set[str]] = {}
    for ch in set(text):
        starts[ch] = {ch + " "}  # the character as a word of its own
    for pair in set(map(operator.add, text, text[1:])):
        starts[pair[0]].add(pair)
    # A longer word's first and last three characters must occur before the text is
    # searched for it: a day's issue is a long text with tens of thousands of candidates.
    threes = set(map("".join, zip(text, text[1:], text[2:])))
    out = []
    for ch, prefixes in starts.items():
        block = index.get(ch)
        if not block:
            continue
        lines = block.split("\n")  # sorted: the words starting with a prefix are a run
        for prefix in prefixes:
            i = bisect.bisect_left(lines, prefix)
            while i < len(lines) and lines[i].startswith(prefix):
                word, freq = lines[i].rsplit(" ", 1)
                if len(word) <= 2 or (word[:3] in threes and word[-3:] in threes and word in text):
                    out.append((word, int(freq)))
                i += 1
    return out


def dictionary_index(cache_dir: Path) -> dict[str, str]:
    """jieba's dictionary as "word freq" lines grouped by first character, kept in
    the cache (by dict.txt's size and time) so a rebuild reads only what it needs."""
    st = _dict_path().stat()
    stamp = (st.st_size, st.st_mtime_ns)
    path = cache_dir / "search-jieba-index-v2.pickle"
    try:
        saved = pickle.loads(path.read_bytes())
        if saved[0] == stamp:
            return saved[1]
    except (OSError, ValueError, TypeError, IndexError, EOFError, pickle.UnpicklingError):
        pass
    groups: dict[str, list[str]] = {}
    for line in _dict_bytes().decode("utf-8").splitlines():
        parts = line.split(" ")
        if len(parts) >= 2 and parts[0]:
            groups.setdefault(parts[0][0], []).append(f"{parts[0]} {parts[1]}")
    index = {ch: "\n".join(sorted(lines)) for ch, lines in groups.items()}
    atomic_write(path, pickle.dumps((stamp, index), pickle.HIGHEST_PROTOCOL))
    return index


@lru_cache(maxsize=2)
def cutter(words: tuple[str, ...]) -> Cutter:
    """A cutter for these site words, made once per process (it costs 0.2 s)."""
    return Cutter(words)


def tokenizer(words: Sequence[str]) -> Cutter:
    return cutter(tuple(words))


def _keep(term: str) -> bool:
    return any(ch.isalnum() for ch in term)


# Terms seen so far, and those of them dropped (holding no letter or digit):
# a text's terms are sorted by set operations in C instead of one by one.
_SEEN: set[str] = set()
_DROPPED: set[str] = set()


def weighted_counts(tk: Cutter, head: str, rest: str, head_weight: int) -> tuple[Counter[str], int]:
    """Each term's count, a headline occurrence counting head_weight times; and
    the number of terms in the text (punctuation and spaces are no terms)."""
    head_terms, rest_terms = tk.cut_for_search(head), tk.cut_for_search(rest)
    counts = Counter(rest_terms)
    heads = Counter(head_terms)
    # set.difference walks the text's terms ("-" on sets, or several arguments,
    # walks all of _SEEN); one look-up per term in the large set, not two.
    for t in set(counts).union(heads).difference(_SEEN):
        _SEEN.add(t)
        if not _keep(t):
            _DROPPED.add(t)
    length = len(head_terms) + len(rest_terms)
    for t in counts.keys() & _DROPPED:
        length -= counts.pop(t)
    for t, c in heads.items():
        if t in _DROPPED:
            length -= c
        else:
            counts[t] += head_weight * c
    return counts, length


def version() -> str:
    """What decides a cut besides the text and the site words."""
    return f"rjieba {importlib.metadata.version('rjieba')} jieba {importlib.metadata.version('jieba')} reserve {RESERVE}"


# --------------------------------------------------------- jieba's dictionary

def _dict_path() -> Path:
    # jieba's own dict.txt (the one jieba-rs embeds), found without importing jieba (0.1 s).
    spec = importlib.util.find_spec("jieba")
    if spec is None or spec.origin is None:
        raise ImportError("jieba is not installed")
    return Path(os.path.dirname(spec.origin)) / "dict.txt"


@lru_cache(maxsize=1)
def _dict_bytes() -> bytes:
    return _dict_path().read_bytes()


@lru_cache(maxsize=1)
def jieba_total() -> int:
    """The sum of the dictionary's frequencies (jieba's Tokenizer.total)."""
    return sum(int(line.split(b" ")[1]) for line in _dict_bytes().splitlines() if line)


def dictionary_freqs(terms: Iterable[str], words: dict[str, int]) -> dict[str, int]:
    """jieba's frequency of each term (site words: theirs; unknown terms: 1), as the
    browser's query cutter needs them."""
    terms = list(terms)
    data = _dict_bytes()
    out: dict[str, int] = {}
    if len(terms) > 200:  # many: read the whole dictionary once
        table = dict(re.findall(r"^(\S+) (\d+)", data.decode("utf-8"), re.M))
        for t in terms:
            out[t] = words.get(t) or int(table.get(t) or 1)
        return out
    for t in terms:  # a few: find each one's line, no table
        f = words.get(t)
        if f is None:
            key = t.encode("utf-8") + b" "
            at = 0 if data.startswith(key) else data.find(b"\n" + key) + 1
            f = int(data[at + len(key):at + len(key) + 24].split()[0]) if at > 0 or data.startswith(key) else 1
        out[t] = f or 1
    return out
