"""The search index: written by the build into ``search/``, read piece by piece by ``search.js``.

Layout (``N`` = article number in date order, so newer is larger)::

    search/meta.json          shard counts, article count, jieba total: all the browser loads first
    search/g/<h>.bin          n-gram shards: every character, and every bigram without a
                              space or punctuation mark, of the normalised text -> articles
                              containing it; the same for headlines (key prefixed \\x01),
                              sections (\\x02) and people (\\x03)
    search/w/<h>.bin          jieba term shards: term -> (article gap * 16 + BM25 weight level)
    search/k/<h>.bin          dictionary shards by the term's first character: term -> jieba
                              frequency, so the browser cuts a query with the index's vocabulary
    search/m/<h>.json         traditional -> simplified map by code point, loaded for a query's characters
    search/d/<N/1000>/<N>.bin one article: id, url, headline, date, 版, section, people, the
                              first 1,200 characters of its text and where its traditional
                              characters are (JSON, raw deflate with search/dict.bin as preset
                              dictionary); <N>-<k>.bin the text's further pieces
    search/dates.json         first article number of each issue date (date filters only)

Shards (``g``, ``w``, ``k``) are gzip (static hosts serve them as they are and
the browser unpacks them with DecompressionStream); binary shards hold varint
lists keyed by hash, not by key. Candidates come from the n-gram shards (an
article that contains the query has all the query's keys); the browser then
verifies each article it shows against the article's normalised text, so every
result really contains the query. Shard ``h`` of a key is its FNV-1a hash (over
code points) modulo the shard count.
"""
from __future__ import annotations

import bisect
import functools
import gzip
import hashlib
import json
import math
import multiprocessing
import operator
import os
import pickle
import shutil
import time
import zlib
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Sequence, TypeVar

from ..config import SiteConfig
from ..format import atomic_write
from ..model import Article
from . import tokens
from .normalize import normalize, searchable_parts, searchable_text, t2s_map

T = TypeVar("T")
FORMAT = 1
HEAD, SECTION, PERSON = "\x01", "\x02", "\x03"
# Shards are sized to about this many bytes (before gzip), so a query's pieces stay small.
SHARD_TARGET = 3_000
MAP_SHARDS = 64
# BM25 parameters; headline terms count this many times.
K1, B, HEAD_BOOST = 1.2, 0.75, 3
COMMON_FROM = 1000  # archives this large drop their most common terms' weights
# A weight w is stored as a level 0-15, round(2 * log2(w)) + 7, read back as
# 2 ** ((level - 7) / 2): steps of a factor 1.4 are enough to rank, and the
# level fits beside the article gap in one varint.
WEIGHT_LEVELS = 16
DOCS_PER_DIR = 1000
CHUNK = 1200  # characters of text per record piece
OWN_FILES = ("meta.json", "dates.json", "dict.bin", "g", "w", "k", "m", "d")
DICT_BYTES = 32_000  # deflate looks back 32 KiB: the dictionary must fit in that window
DICT_SAMPLE = 600    # articles sampled to choose it


@dataclass(frozen=True)
class IndexStats:
    documents: int
    keys: int          # n-gram keys
    terms: int         # jieba terms
    files: int
    bytes: int         # on disk, as written
    cut: int           # articles cut by jieba in this build
    cached: int        # articles whose terms came from the cache
    workers: int
    seconds: float
    linked: int = 0    # files hard-linked unchanged from the previous output


def fnv1a(key: str) -> int:
    h = 0x811C9DC5
    for ch in key:
        h = ((h ^ ord(ch)) * 0x01000193) & 0xFFFFFFFF
    return h


def _varint(x: int) -> bytes:
    out = bytearray()
    while x >= 0x80:
        out.append((x & 0x7F) | 0x80)
        x >>= 7
    out.append(x)
    return bytes(out)


# Encoded once: almost every number written is a small gap or count.
_SMALL = [_varint(x) for x in range(1 << 14)]


def varints(nums: Iterable[int], out: bytearray) -> None:
    small = _SMALL
    out += b"".join(small[x] if x < 16384 else _varint(x) for x in nums)


def _deltas(docs: list[int]) -> list[int]:
    return [docs[0]] + [b - a for a, b in zip(docs, docs[1:])] if docs else []


def encode_docs(docs: list[int]) -> bytes:
    """A sorted list of article numbers: varint deltas, or a bitmap where that is smaller.

    The first varint is count * 2 + 1 for a bitmap (bit d of byte d // 8 set
    when article d is in the list), count * 2 for deltas.
    """
    if len(docs) == 1 and docs[0] < 16384:  # most keys: one article
        return b"\x02" + _SMALL[docs[0]]
    deltas = bytearray()
    varints(_deltas(docs), deltas)
    size = docs[-1] // 8 + 1 if docs else 0
    out = bytearray()
    if size < len(deltas):
        bits = bytearray(size)
        for d in docs:
            bits[d >> 3] |= 1 << (d & 7)
        varints([len(docs) * 2 + 1], out)
        return bytes(out + bits)
    varints([len(docs) * 2], out)
    return bytes(out + deltas)


def read_varint(data: bytes, i: int) -> tuple[int, int]:
    """One varint at offset i: (value, offset after it)."""
    x = shift = 0
    while True:
        c = data[i]
        i += 1
        x |= (c & 0x7F) << shift
        shift += 7
        if c < 0x80:
            return x, i


def decode_docs(payload: bytes) -> list[int]:
    """The inverse of encode_docs (search.js has the same)."""
    head, i = read_varint(payload, 0)
    if head & 1:
        return [(j - i) * 8 + b for j in range(i, len(payload)) for b in range(8) if payload[j] >> b & 1]
    out, doc = [], 0
    for _ in range(head >> 1):
        gap, i = read_varint(payload, i)
        doc += gap
        out.append(doc)
    return out


def _shard_count(total_bytes: int) -> int:
    n = 1
    while total_bytes / n > SHARD_TARGET and n < 1 << 16:
        n <<= 1
    return n


def _pack(entries: dict[int, tuple[bytes, bool]], count: int) -> bytes:
    """A shard: its entries sorted by key hash, then their payloads.

    Keys are not stored, only their hashes: per entry the varint gap between
    successive ``hash // count`` (the remainder is the shard number) and
    ``payload length * 2 + merged``, where merged marks the rare entry that
    holds two keys with the same hash (their lists are united, so nothing
    is lost and the browser verifies those matches against the text).
    """
    out = bytearray()
    hashes = sorted(entries)
    varints([len(hashes)], out)
    prev = 0
    for h in hashes:
        payload, merged = entries[h]
        varints((h // count - prev, len(payload) * 2 + merged), out)
        prev = h // count
    for h in hashes:
        out += entries[h][0]
    return bytes(out)


def record_dictionary(texts: Sequence[str]) -> bytes:
    """A deflate preset dictionary for article records: their most common strings.

    Each record is compressed on its own (the browser fetches one per result),
    which leaves deflate nothing to refer back to at the start; strings that
    recur across articles (common words, the record's JSON keys) give it a
    start. Best strings go last, nearest the text, where references are cheapest.
    """
    counts: Counter[str] = Counter()
    for text in texts:
        for n in (2, 3, 4):
            counts.update(text[i:i + n] for i in range(len(text) - n + 1))
    scaffold = '{"i":"","u":"","t":"","d":"","p":,"s":"","b":[""],"h":,"x":"'
    chosen: list[bytes] = []
    size = len(scaffold)
    for gram, _ in sorted(counts.items(), key=lambda kv: (-kv[1] * len(kv[0].encode()), kv[0])):
        if "\n" in gram or gram.isspace():
            continue
        b = gram.encode("utf-8")
        if size + len(b) > DICT_BYTES:
            break
        chosen.append(b)
        size += len(b)
    return b"".join(reversed(chosen)) + scaffold.encode()


def _cached_dictionary(sample: list[str], cache_dir: Path) -> bytes:
    """record_dictionary, kept by the sample's hash: counting its n-grams takes seconds,
    and a rebuild after a few changes mostly samples the same articles."""
    h = hashlib.sha256(f"v{FORMAT} {DICT_BYTES}".encode())
    for text in sample:
        h.update(text.encode("utf-8"))
        h.update(b"\0")
    key = h.hexdigest().encode()
    path = cache_dir / "search-dict.bin"
    try:
        data = path.read_bytes()
        if data[:len(key)] == key and data[len(key):len(key) + 1] == b"\n":
            return data[len(key) + 1:]
    except OSError:
        pass
    zdict = record_dictionary(sample)
    atomic_write(path, key + b"\n" + zdict)
    return zdict


def deflate_with(zdict: bytes, data: bytes) -> bytes:
    c = zlib.compressobj(9, zlib.DEFLATED, -15, 9, zlib.Z_DEFAULT_STRATEGY, zdict)
    return c.compress(data) + c.flush()


def dictionary_prefix(zdict: bytes) -> bytes:
    """The dictionary as the unfinished start of a deflate stream, ending on a byte boundary.

    The browser inflates this prefix followed by a record: the prefix fills
    the window with the dictionary, and the record's references land in it.
    """
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(zdict) + c.flush(zlib.Z_SYNC_FLUSH)


def inflate_record(prefix: bytes, body: bytes) -> bytes:
    """What the browser does with dict.bin and a record (used by tests)."""
    zdict = zlib.decompressobj(-15).decompress(prefix)
    return zlib.decompressobj(-15, zdict=zdict).decompress(body)


# A file written: (digest of what it was made from, inode, size, mtime in ns).
FileState = tuple[bytes, int, int, int]
STATE_FILE = "search-files.pickle"


class _Writer:
    """Writes the index's files, or hard-links them from the previous output when
    what they are made from is unchanged: here creating a file costs far more
    than linking one, and compressing it more again."""

    def __init__(self, root: Path, previous: Path | None = None, state: dict[str, FileState] | None = None):
        self.root = root
        self.previous = previous
        self.state = state or {}
        self.written: dict[str, FileState] = {}
        self.folders: set[Path] = set()
        self.files = 0
        self.bytes = 0
        self.linked = 0

    def write(self, rel: str, data: bytes, compress: bool = False,
              pack: Callable[[bytes], bytes] | None = None, salt: bytes = b"") -> None:
        """Write pack(data) (gzip when compress) at rel; salt is whatever else pack depends on."""
        path = self.root / rel
        if path.parent not in self.folders:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.folders.add(path.parent)
        digest = hashlib.sha256(salt + b"\0" + data).digest()
        if self.previous is not None and self._link(rel, path, digest):
            return
        if compress:
            data = gzip.compress(data, 9, mtime=0)
        elif pack is not None:
            data = pack(data)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            os.write(fd, data)
            st = os.fstat(fd)
        finally:
            os.close(fd)
        self._done(rel, (digest, st.st_ino, st.st_size, st.st_mtime_ns))

    def _link(self, rel: str, path: Path, digest: bytes) -> bool:
        old = self.state.get(rel)
        if old is None or old[0] != digest:
            return False
        source = self.previous / rel  # type: ignore[operator]
        try:
            st = os.stat(source)
            # The inode, size and time show the file is still the one recorded
            # (a build that failed after writing its index never swapped it in).
            if (st.st_ino, st.st_size, st.st_mtime_ns) != old[1:]:
                return False
            os.link(source, path)
        except OSError:
            return False
        self.linked += 1
        self._done(rel, old)
        return True

    def _done(self, rel: str, state: FileState) -> None:
        self.written[rel] = state
        self.files += 1
        self.bytes += state[2]

    def json(self, rel: str, value: object, compress: bool = False) -> None:
        self.write(rel, json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), compress)

    def shards(self, folder: str, payloads: dict[int, tuple[bytes, bool]]) -> int:
        """Write payloads keyed by key hash into shard files; returns the shard count."""
        count = _shard_count(sum(len(v[0]) + 3 for v in payloads.values()))
        groups: dict[int, dict[int, tuple[bytes, bool]]] = defaultdict(dict)
        for h, entry in payloads.items():
            groups[h % count][h] = entry
        for n in range(count):  # empty ones too, so no lookup ends in a 404
            self.write(f"{folder}/{n}.bin", _pack(groups.get(n, {}), count), compress=True)
        return count


def is_mark(ch: str) -> bool:
    """Spaces and punctuation (after folding): no bigram holding one is indexed.

    They make a fifth of all bigrams but are rarely searched for; a query
    holding one is answered from its other keys (every single character is
    indexed) and checked against the text. ``isMark`` in search.js is the same.
    """
    cp = ord(ch)
    return (cp <= 0x2F or 0x3A <= cp <= 0x40 or 0x5B <= cp <= 0x60 or 0x7B <= cp <= 0xBF
            or 0x2000 <= cp <= 0x206F or 0x3000 <= cp <= 0x303F or 0xFE30 <= cp <= 0xFE4F
            or 0xFF00 <= cp <= 0xFFEF)


# Every mark to a newline, so that splitting on newlines leaves runs without marks.
_MARKS_TO_NEWLINE = {cp: "\n" for cp in range(0x10000) if is_mark(chr(cp))}


def _ngrams(text: str) -> set[str]:
    """Every character but the newline, and every bigram of two non-marks."""
    keys = set(text)
    keys.discard("\n")
    for run in text.translate(_MARKS_TO_NEWLINE).split("\n"):
        keys.update(map(operator.add, run, run[1:]))  # C loops: this runs over every character
    return keys


def _some_ngrams(text: str) -> set[str]:
    """Every character and every bigram, marks or not: a superset of _ngrams, made faster."""
    keys = set(text)
    keys.update(map(operator.add, text, text[1:]))
    return keys


def _words_in(norm: str, keys: set[str], by_prefix: dict[str, list[str]], prefixes: frozenset[str]) -> list[str]:
    found = []
    for prefix in keys & prefixes:
        found.extend(w for w in by_prefix[prefix] if w in norm)
    return found


def _start(out: _Writer, write: Callable[[], T], fork: bool) -> Callable[[], T]:
    """Run write (which writes files through out) now, or in a forked process.

    Returns a function that waits for it and gives its result, with out's
    file and byte counts brought up to date.
    """
    if not fork or "fork" not in multiprocessing.get_all_start_methods():
        result = write()
        return lambda: result
    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    files, size, linked = out.files, out.bytes, out.linked

    def child() -> None:
        out.written.clear()
        send.send((write(), out.files - files, out.bytes - size, out.linked - linked, out.written))

    proc = ctx.Process(target=child)
    proc.start()
    send.close()  # so that a child that dies shows as the end of the pipe

    def wait() -> T:
        try:
            result, more_files, more_bytes, more_linked, written = receive.recv()
        except EOFError:
            result = None
        proc.join()
        if result is None or proc.exitcode != 0:
            raise RuntimeError(f"writing the search index's n-gram shards failed (exit code {proc.exitcode})")
        out.files += more_files
        out.bytes += more_bytes
        out.linked += more_linked
        out.written.update(written)
        return result

    return wait


def _write_ngrams(out: _Writer, docs: Sequence[Article], config: SiteConfig) -> tuple[int, int]:
    """The n-gram shards: (shard count, keys)."""
    postings: dict[str, list[int]] = defaultdict(list)
    for n, a in enumerate(docs):
        head, rest = searchable_parts(a)
        norm = normalize(head + "\n" + rest if head and rest else head or rest)
        for k in _ngrams(norm):
            postings[k].append(n)
        for k in _ngrams(norm[: len(head)]):
            postings[HEAD + k].append(n)
        section = config.section_for(a.date, a.page, a.section)
        if section:
            postings[SECTION + normalize(section)].append(n)
        for name in {normalize(p) for p, _ in a.people} | {normalize(config.canonical_person(p)) for p, _ in a.people}:
            postings[PERSON + name].append(n)
    by_hash: dict[int, list[int]] = {}
    merged: set[int] = set()
    for key, ds in postings.items():
        h = fnv1a(key)
        if h in by_hash:
            merged.add(h)
            by_hash[h] = sorted(set(by_hash[h]) | set(ds))
        else:
            by_hash[h] = ds
    n_keys = len(postings)
    del postings
    return out.shards("g", {h: (encode_docs(ds), h in merged) for h, ds in by_hash.items()}), n_keys


def site_words(articles: Sequence[Article], config: SiteConfig) -> list[str]:
    """The site's word list and every printed name, normalised: jieba's extra vocabulary."""
    names: set[str] = set(config.search_words)
    for a in articles:
        names.update(a.bylines)
        names.update(a.photographers)
    return sorted({normalize(w) for w in names if len(w.strip()) >= 2})


def write_index(
    articles: Sequence[Article],
    out_dir: Path,
    config: SiteConfig,
    cache_dir: Path,
    url_for: Callable[[Article], str],
    processes: int | None = None,
    previous: Path | None = None,
) -> IndexStats:
    """Write ``out_dir/search/`` for the articles (see the module docstring).

    ``previous`` is the last build's output folder (another folder than
    out_dir): files whose makings are unchanged since the index written there
    are hard-linked from it instead of being made again.
    """
    started = time.perf_counter()
    root = out_dir / "search"
    # Only the index's own pieces: the build renders search/index.html there too.
    for name in OWN_FILES:
        old = root / name
        if old.is_dir():
            shutil.rmtree(old)
        elif old.exists():
            old.unlink()
    state_path = cache_dir / STATE_FILE
    if previous is not None and previous.resolve() != out_dir.resolve():
        out = _Writer(root, previous / "search", _load_state(state_path))
    else:
        out = _Writer(root)
    docs = sorted(articles, key=lambda a: (a.date, a.page, a.position, a.id))
    words = site_words(docs, config)
    by_prefix: dict[str, list[str]] = defaultdict(list)
    for w in words:
        # Keyed by an n-gram every article containing the word has.
        prefix = w[:2] if not (is_mark(w[0]) or is_mark(w[1])) else w[0]
        by_prefix[prefix].append(w)
    prefixes = frozenset(by_prefix)

    t2s = t2s_map()
    step = max(1, len(docs) // DICT_SAMPLE)
    zdict = _cached_dictionary([searchable_text(a) for a in docs[::step]], cache_dir)
    out.write("dict.bin", dictionary_prefix(zdict))
    # The n-gram shards are built and written by a forked process while this
    # one writes the records and ranks terms: the two halves share nothing,
    # and builds are mostly CPU.
    g_job = _start(out, lambda: _write_ngrams(out, docs, config), processes != 1)
    parts: list[tuple[str, str]] = []
    present: list[list[str]] = []
    sections: set[str] = set()
    dates: list[tuple[str, int]] = []
    for n, a in enumerate(docs):
        head, rest = searchable_parts(a)
        text = head + "\n" + rest if head and rest else head or rest
        norm = normalize(text)
        head_n, rest_n = norm[: len(head)], norm[len(norm) - len(rest):] if rest else ""
        section = config.section_for(a.date, a.page, a.section)
        if section:
            sections.add(section)
        parts.append((head_n, rest_n))
        # A superset of the keys will do: each candidate word is checked against the text.
        present.append(_words_in(norm, _some_ngrams(norm), by_prefix, prefixes))
        day = a.date.isoformat()
        if not dates or dates[-1][0] != day:
            dates.append((day, n))
        title = a.headline
        # The text goes in pieces: a result needs only the first (which usually
        # holds the match), the rest is fetched when the match is further on.
        pieces = [text[i:i + CHUNK] for i in range(0, len(text), CHUNK)] or [""]
        # The browser folds width and case itself; it is sent only the rare
        # traditional characters' simplified forms, by position, not a second text.
        changes = [[i, t2s[ch]] for i, ch in enumerate(text) if ch in t2s] if not t2s.keys().isdisjoint(text) else []
        for k, piece in enumerate(pieces):
            record: dict[str, object] = {"x": piece}
            if k == 0:
                record = {
                    "i": a.id, "u": url_for(a), "t": title, "d": day, "p": a.page, "s": section,
                    "b": [config.canonical_person(p) for p, _ in a.people], "h": len(head),
                    "c": len(pieces), "x": piece,
                }
                if any(ch in t2s for ch in title):
                    record["tn"] = normalize(title)
            z = [c for c in changes if k * CHUNK <= c[0] < (k + 1) * CHUNK]
            if z:
                record["z"] = z
            data = json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
            out.write(f"d/{n // DOCS_PER_DIR}/{n}{f'-{k}' if k else ''}.bin", data,
                      pack=functools.partial(deflate_with, zdict), salt=zdict)

    counts, cut = tokens.cut_all(parts, present, words, cache_dir, processes)
    w_count, k_count, n_terms, total = _write_terms(out, counts, words)
    g_count, n_keys = g_job()

    out.json("dates.json", dates)
    _write_t2s(out)
    meta = {
        "format": FORMAT, "docs": len(docs), "perDir": DOCS_PER_DIR, "dict": len(zdict),
        "shards": {"g": g_count, "w": w_count, "k": k_count, "m": MAP_SHARDS},
        "total": total, "sections": sorted(sections),
        "first": dates[0][0] if dates else None, "last": dates[-1][0] if dates else None,
    }
    out.json("meta.json", meta)
    atomic_write(state_path, pickle.dumps(out.written, pickle.HIGHEST_PROTOCOL))
    return IndexStats(len(docs), n_keys, n_terms, out.files, out.bytes, cut.cut, cut.cached, cut.workers,
                      time.perf_counter() - started, out.linked)


# weight_level(w) == number of thresholds below w (bisect is one C call per weight).
_LEVEL_STEPS = [2 ** ((level - 7.5) / 2) for level in range(1, WEIGHT_LEVELS)]


def weight_level(w: float) -> int:
    """round(2 * log2(w)) + 7, clamped to 0-15."""
    return bisect.bisect(_LEVEL_STEPS, w)


def _write_terms(out: _Writer, counts: list[tokens.TermCounts], words: Sequence[str]) -> tuple[int, int, int, int]:
    """BM25 weights per (term, article) and the dictionary the browser cuts queries with."""
    n_docs = len(counts)
    lengths = [sum(h + r for h, r in c.values()) for c in counts]
    avgdl = (sum(lengths) / n_docs) if n_docs else 1.0
    df: Counter[str] = Counter()
    for c in counts:
        df.update(c.keys())
    idf = {t: math.log(1 + (n_docs - d + 0.5) / (d + 0.5)) for t, d in df.items()}
    # Terms in more than a fifth of a large archive (发展, 工作) hardly rank
    # anything but would fill a third of the term shards; such a query ranks by
    # headline and date. Single characters are left to the n-gram shards: as
    # jieba terms they are mostly particles, a third of all pairs for little rank.
    common = n_docs // 5 if n_docs >= COMMON_FROM else n_docs
    ranked = {t for t, d in df.items() if len(t) >= 2 and d <= common}
    postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
    level, steps = bisect.bisect, _LEVEL_STEPS
    for n, c in enumerate(counts):
        norm_len = K1 * (1 - B + B * lengths[n] / (avgdl or 1.0))
        for t in [t for t in c if t in ranked]:
            h, r = c[t]
            tf = HEAD_BOOST * h + r
            postings[t].append((n, level(steps, idf[t] * tf * (K1 + 1) / (tf + norm_len))))
    payloads: dict[int, tuple[bytes, bool]] = {}
    for t, pairs in postings.items():
        buf = bytearray()
        flat = [len(pairs)]
        prev = 0
        for n, level in pairs:
            flat.append((n - prev) * WEIGHT_LEVELS + level)
            prev = n
        varints(flat, buf)
        # Two terms with one hash keep the first: it only affects ranking.
        payloads.setdefault(fnv1a(t), (bytes(buf), False))
    w_count = out.shards("w", payloads)

    tk = tokens.tokenizer(words)
    vocab: dict[str, int] = {t: tk.FREQ.get(t) or 1 for t in df}
    size = sum(len(t.encode()) + 8 for t in vocab)
    k_count = _shard_count(size)
    groups: dict[int, dict[str, int]] = defaultdict(dict)
    for t, f in vocab.items():
        groups[fnv1a(t[0]) % k_count][t] = f
    for h in range(k_count):
        out.json(f"k/{h}.bin", dict(sorted(groups.get(h, {}).items())), compress=True)
    return w_count, k_count, len(df), int(tk.total)


def _load_state(path: Path) -> dict[str, FileState]:
    try:
        state = pickle.loads(path.read_bytes())
        return state if isinstance(state, dict) else {}
    except (OSError, ValueError, TypeError, EOFError, pickle.UnpicklingError, AttributeError):
        return {}  # missing or damaged: every file is made anew


def _write_t2s(out: _Writer) -> None:
    groups: dict[int, dict[str, str]] = defaultdict(dict)
    for t, s in t2s_map().items():
        groups[ord(t) % MAP_SHARDS][t] = s
    for h in range(MAP_SHARDS):
        out.json(f"m/{h}.json", groups.get(h, {}))

