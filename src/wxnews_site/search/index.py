"""The search index: written by the build into ``search/``, read piece by piece by ``search.js``.

Layout (``N`` = article number in date order, so newer is larger)::

    search/meta.json          shard counts, pieces per pack, article count, jieba total: all the
                              browser loads first
    search/g/<j>.bin          packs of n-gram shards: every character, and every bigram without a
                              space or punctuation mark, of the normalised text -> articles
                              containing it; the same for headlines (key prefixed \\x01),
                              sections (\\x02) and people (\\x03); rare keys share buckets
    search/w/<j>.bin          packs of jieba term shards: term -> (article gap * 16 + BM25 weight level)
    search/k/<j>.bin          packs of dictionary shards by the term's first two characters: term ->
                              jieba frequency, so the browser cuts a query with the index's
                              vocabulary; a character's own shard has it if some term begins
                              with it
    search/d/<j>.bin          packs of article records: id, url, headline, date, 版, section, people,
                              the first 1,200 characters of its text and where its traditional
                              characters are (JSON in the ranked code of search/dict.bin, raw
                              deflate primed with dict.bin), then the text's further parts
    search/m/<h>.json         traditional -> simplified map by code point, loaded for a query's characters
    search/dict.bin           the records' code book (the 240 most common characters one byte
                              each, 15 pages of 256 two bytes, any other four) and their preset
                              dictionary, as the start of a raw deflate stream (see records.py)
    search/dates.json         first article number of each issue date (date filters only)

Shard ``s`` of a kind and article ``N``'s record are pieces of packs
(``packs.py``): ``P`` of them to a pack file, read by range requests.

In an archive of ``BUCKETS_FROM`` articles or more, a key that at most
``RARE`` articles hold (half of all keys: most bigrams that cross a word
boundary) has no entry of its own: its articles go into
one of ``meta.shards.buckets`` buckets at the end of its shard, chosen by
its hash, and the browser takes a bucket (a few articles of several rare
keys) as a superset to verify, as it does a merged entry. An entry cost
three bytes of header before its list; a bucket's articles cost a varint
gap each: 11.2 -> 9.5 MiB of n-gram shards at 8,263 articles. Section
and people keys always have their own entries, since
filters are not checked against the text.

Shards (``g``, ``w``, ``k``) are raw deflate (the browser inflates them with
DecompressionStream); binary shards hold varint
lists keyed by hash, not by key. Candidates come from the n-gram shards (an
article that contains the query has all the query's keys); the browser then
verifies each article it shows against the article's normalised text, so every
result really contains the query. Shard ``h`` of a key is its FNV-1a hash (over
code points) modulo the shard count.

A full build (this module) numbers the articles afresh; a rebuild usually
patches the previous index instead (``patch.py``), so numbers may have holes
(removed articles) and ``meta.json`` then counts numbers, not articles.
``meta.json`` also names the index's build (``build``), which the next
rebuild uses to tell what an output folder holds.
"""
from __future__ import annotations

import bisect
import gc
import hashlib
import itertools
import json
import math
import operator
import os
import re
import shutil
import time
import zlib
from array import array
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Mapping, Sequence, TypeVar

from .. import format as format_module, model
from ..config import SiteConfig
from ..forks import Forked, can_fork
from ..model import Article
from . import packs, tokens
from .normalize import normalize, searchable_parts, t2s_map
from .records import Codec

if TYPE_CHECKING:
    import numpy as np

T = TypeVar("T")
FORMAT = 4
HEAD, SECTION, PERSON = "\x01", "\x02", "\x03"
# Shards are sized to about this many bytes (before deflate), so a query's pieces stay small.
SHARD_TARGET = 3_000
# The n-gram shards' target is half: their buckets' gaps hardly compress, and
# a first query loads four to nine of them (at 3,000 bytes a long query
# loaded 8 KB more and had room to show fewer results).
NGRAM_SHARD_TARGET = 1_500
# A query loads a dictionary shard for each character and pair of neighbours in
# it: a few hundred bytes each (with packs, small pieces cost no files).
VOCAB_SHARD_TARGET = 500
MAP_SHARDS = 64
# BM25 parameters; headline terms count this many times.
K1, B, HEAD_BOOST = 1.2, 0.75, 3
COMMON_FROM = 1000  # archives this large drop their most common terms' weights
# A weight w is stored as a level 0-15, round(2 * log2(w)) + 7, read back as
# 2 ** ((level - 7) / 2): steps of a factor 1.4 are enough to rank, and the
# level fits beside the article gap in one varint.
WEIGHT_LEVELS = 16
CHUNK = 1200  # characters of text per record piece
OWN_FILES = ("meta.json", "dates.json", "dict.bin", "g", "w", "k", "m", "d")
DICT_SAMPLE = 600    # articles sampled to choose the records' code and dictionary (records.py)
DEFLATE_LEVEL = 9
RARE = 4          # keys of at most this many articles go into buckets
BUCKETS_FROM = 1000  # in archives this large: a small one's index is small anyway, and exact
BUCKET_DOCS = 8   # articles per bucket on average: what a rare key's query verifies
RARE_BYTES = 2    # a bucket's article, on average, in a shard's size


@dataclass(frozen=True)
class IndexStats:
    documents: int
    keys: int          # n-gram keys (a patch: the n-gram entries it changed)
    terms: int         # jieba terms (a patch: the term entries it changed)
    files: int         # files written
    bytes: int         # bytes written
    cut: int           # texts cut by jieba in this build
    cached: int        # articles left as they were (a patch)
    workers: int
    seconds: float
    linked: int = 0    # files hard-linked from the current output (a patch bringing the spare up to date)
    patched: bool = False
    removed: int = 0   # files removed (a patch)


# ------------------------------------------------------------------ encodings

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


_ONE = [b"\x02" + b for b in _SMALL]  # encode_docs([d])


def varints(nums: Iterable[int], out: bytearray) -> None:
    nums = list(nums)
    try:
        out += b"".join(map(_SMALL.__getitem__, nums))  # all small, the usual case: C loops only
    except IndexError:
        out += b"".join(_SMALL[x] if x < 16384 else _varint(x) for x in nums)


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


def read_varints(data: bytes, i: int, count: int) -> tuple[list[int], int]:
    out = []
    for _ in range(count):
        x, i = read_varint(data, i)
        out.append(x)
    return out, i


def encode_docs(docs: Sequence[int]) -> bytes:
    """A sorted list of article numbers: varint deltas, or a bitmap where that is smaller.

    The first varint is count * 2 + 1 for a bitmap (bit d of byte d // 8 set
    when article d is in the list), count * 2 for deltas.
    """
    if len(docs) == 1 and docs[0] < 16384:  # most keys: one article
        return _ONE[docs[0]]
    deltas = bytearray()
    varints(map(operator.sub, docs, [0, *docs[:-1]]) if docs else (), deltas)
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


def decode_docs(payload: bytes) -> list[int]:
    """The inverse of encode_docs (search.js has the same)."""
    head, i = read_varint(payload, 0)
    if head & 1:
        return [(j - i) * 8 + b for j in range(i, len(payload)) for b in range(8) if payload[j] >> b & 1]
    gaps, _ = read_varints(payload, i, head >> 1)
    out, doc = [], 0
    for gap in gaps:
        doc += gap
        out.append(doc)
    return out


def encode_weights(pairs: Sequence[tuple[int, int]]) -> bytes:
    """(article, weight level) pairs in article order: count, then gap * 16 + level each."""
    flat = [len(pairs)]
    prev = 0
    for n, level in pairs:
        flat.append((n - prev) * WEIGHT_LEVELS + level)
        prev = n
    buf = bytearray()
    varints(flat, buf)
    return bytes(buf)


def decode_weights(payload: bytes) -> dict[int, int]:
    count, i = read_varint(payload, 0)
    values, _ = read_varints(payload, i, count)
    out, doc = {}, 0
    for v in values:
        doc += v >> 4
        out[doc] = v & 15
    return out


def shard_count(total_bytes: int, target: int = SHARD_TARGET) -> int:
    n = 1
    while total_bytes / n > target and n < 1 << 16:
        n <<= 1
    return n


# key hash -> (payload, merged)
Entries = dict[int, tuple[bytes, bool]]


def pack_shard(entries: Entries, count: int) -> bytes:
    """A shard: its entries sorted by key hash, then their payloads.

    Keys are not stored, only their hashes: per entry the varint gap between
    successive ``hash // count`` (the remainder is the shard number) and
    ``payload length * 2 + merged``, where merged marks the rare entry that
    holds two keys with the same hash (their lists are united, so nothing
    is lost and the browser verifies those matches against the text).
    """
    hashes = sorted(entries)
    flat = [len(hashes)]
    prev = 0
    for h in hashes:
        payload, merged = entries[h]
        flat += (h // count - prev, len(payload) * 2 + merged)
        prev = h // count
    out = bytearray()
    varints(flat, out)
    return bytes(out) + b"".join([entries[h][0] for h in hashes])


def unpack_shard(data: bytes, count: int, number: int) -> Entries:
    """The inverse of pack_shard for shard ``number``."""
    return _unpack(data, count, number)[0]


def _unpack(data: bytes, count: int, number: int) -> tuple[Entries, int]:
    n, i = read_varint(data, 0)
    flat, i = read_varints(data, i, 2 * n)
    out: Entries = {}
    q = 0
    for k in range(n):
        q += flat[2 * k]
        size = flat[2 * k + 1]
        out[q * count + number] = (data[i:i + (size >> 1)], bool(size & 1))
        i += size >> 1
    return out, i


def rare_limit(n_docs: int) -> int:
    """Keys of at most this many articles go into buckets, in an archive of n_docs."""
    return RARE if n_docs >= BUCKETS_FROM else 0


def is_rare(key: str, articles: int, n_docs: int) -> bool:
    """Whether a key's articles go into a bucket rather than an entry of its own."""
    return articles <= rare_limit(n_docs) and key[0] not in (SECTION, PERSON)


def bucket_count(rare_pairs: int, count: int) -> int:
    """Buckets per shard for this many (rare key, article) pairs in ``count`` shards
    (none without any: every key then has its entry, in patches too)."""
    return -(-rare_pairs // (BUCKET_DOCS * count))


def bucket_of(h: int, count: int, buckets: int) -> int:
    """The bucket, in its shard (h % count), of a key with hash h."""
    return h // count % buckets


def pack_ngram_shard(entries: Entries, count: int, buckets: Sequence[Iterable[int]]) -> bytes:
    """An n-gram shard: pack_shard's entries, then each bucket as its article
    count and the articles' varint gaps."""
    out = bytearray(pack_shard(entries, count))
    for docs in buckets:
        docs = sorted(docs)
        varints([len(docs)], out)
        varints(map(operator.sub, docs, [0, *docs[:-1]]), out)
    return bytes(out)


def unpack_ngram_shard(data: bytes, count: int, number: int, buckets: int) -> tuple[Entries, list[list[int]]]:
    """The inverse of pack_ngram_shard."""
    entries, i = _unpack(data, count, number)
    lists = []
    for _ in range(buckets):
        n, i = read_varint(data, i)
        gaps, i = read_varints(data, i, n)
        lists.append(list(itertools.accumulate(gaps)))
    return entries, lists


def deflate(data: bytes) -> bytes:
    """A shard as a pack holds it: raw deflate (a gzip header and trailer would add 18 bytes to each)."""
    c = zlib.compressobj(DEFLATE_LEVEL, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def inflate(data: bytes) -> bytes:
    return zlib.decompress(data, -15) if data else b""


def read_shard(root: Path, kind: str, n: int, per: int) -> bytes:
    """Shard n of a kind under root (a search folder), inflated as the browser does
    (b"" for an empty one); OSError, ValueError or zlib.error if unreadable."""
    return inflate(packs.read_piece(root, kind, n, per)[0])


def pack_vocab(vocab: dict[str, int]) -> bytes:
    """A k/ shard: the terms whose first two characters hash to it, with their frequencies."""
    return json.dumps(dict(sorted(vocab.items())), ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def vocab_shard(term: str, count: int) -> int:
    """A term's dictionary shard: by its first two characters, which the browser
    loads for each pair of neighbours in a query (by the first alone, its
    shard would hold every word beginning with 中 or 发: kilobytes a character)."""
    return fnv1a(term[:2]) % count


def with_first_characters(terms: Iterable[str]) -> list[str]:
    """The terms and every character some term begins with: the browser takes a
    character without an entry for traditional, and cuts with each one's jieba
    frequency as jieba does (whether or not the archive has it as a word alone)."""
    terms = list(terms)
    return terms + sorted({t[0] for t in terms}.difference(terms))


# ------------------------------------------------------------------ records

def record_parts(codec: Codec, parts: Sequence[str]) -> list[bytes]:
    """An article's record as its pack holds it: each part of ``records`` packed, the
    first told the further parts' sizes (``"n"``), so the browser fetches any one alone."""
    rest = [codec.pack(p) for p in parts[1:]]
    first = parts[0]
    if rest:  # (the first part's JSON ends with its closing brace)
        first = first[:-1] + ',"n":' + json.dumps([len(r) for r in rest], separators=(",", ":")) + "}"
    return [codec.pack(first), *rest]


def read_record(codec: Codec, piece: packs.Piece) -> dict:
    """A record piece of a pack back as one record: the first part's fields, the
    whole text in ``x`` and every traditional character's place in ``z``;
    ValueError if it is not one."""
    data, first = piece
    rec = codec.unpack(data[:first])
    at = first
    for size in rec.pop("n", []):
        part = codec.unpack(data[at:at + size])
        rec["x"] += part["x"]
        if part.get("z"):
            rec["z"] = rec.get("z", []) + part["z"]
        at += size
    if at != len(data):
        raise ValueError("a record's parts do not fill its piece")
    return rec


# ------------------------------------------------------------ one article

@dataclass(frozen=True)
class Doc:
    """What the index holds of one article."""
    text: str               # headlines, newline, the rest: as printed
    norm: str               # the same, normalised (as long as text)
    head: int               # length of the headlines part
    extra: tuple[str, ...]  # section and people keys

    @property
    def head_norm(self) -> str:
        return self.norm[:self.head]

    @property
    def rest_norm(self) -> str:
        return self.norm[self.head + 1:] if self.head else self.norm


def analyse(a: Article, config: SiteConfig) -> Doc:
    head, rest = searchable_parts(a)
    text = head + "\n" + rest if head and rest else head or rest
    extra = [SECTION + normalize(config.listed_section(a.date, a.page, a.section))]
    names = {normalize(p) for p, _ in a.people} | {normalize(config.canonical_person(p)) for p, _ in a.people}
    extra += sorted(PERSON + name for name in names)
    return Doc(text, normalize(text), len(head), tuple(extra))


def doc_of_record(record: dict, extra: tuple[str, ...]) -> Doc:
    """The Doc an article's record (all pieces joined) was made from."""
    text = record["x"]
    return Doc(text, normalize(text), record["h"], extra)


def digest(a: Article, config: SiteConfig, url: str, source: str | None = None) -> bytes:
    """Everything about an article that its index entries and record are made from.

    ``source`` is the content hash of the article's file, when the caller has
    it: an article is what its file parses to (the parser's code is in
    setup_key), so the hash stands for every field read from the file.
    """
    people = "\x1e".join(f"{p}\x1d{config.canonical_person(p)}" for p, _ in a.people)
    section = config.section_for(a.date, a.page, a.section) or ""
    if source is not None:
        fields: tuple[str, ...] = (source, a.id, url, section, people)
    else:
        fields = (a.id, url, a.date.isoformat(), str(a.page), str(a.position), a.kicker or "", a.title or "",
                  a.subtitle or "", a.body, section, people, a.headline)
    return hashlib.sha1("\x1f".join(fields).encode("utf-8")).digest()


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


# Runs of marks (the newline is one), to split a text into runs without marks.
# (is_mark's ranges as a character class: listing them char by char took 0.1 s at every start.)
_MARK_RUNS = re.compile("[\x00-\x2f\x3a-\x40\x5b-\x60\x7b-\xbf\u2000-\u206f\u3000-\u303f\ufe30-\ufe4f\uff00-\uffef]+")


def _ngrams(text: str) -> set[str]:
    """Every character but the newline, and every bigram of two non-marks."""
    keys = set(text)
    keys.discard("\n")
    for run in _MARK_RUNS.split(text):
        keys.update(map(operator.add, run, run[1:]))  # C loops: this runs over every character
    return keys


def ngram_keys(doc: Doc) -> set[str]:
    """Every n-gram key of an article: text, headline (prefixed), section and people."""
    keys = _ngrams(doc.norm)
    keys.update(map(HEAD.__add__, _ngrams(doc.head_norm)))
    keys.update(doc.extra)
    return keys


def term_counts(cut: tokens.Cutter, doc: Doc) -> tuple[dict[str, int], int]:
    """An article's jieba terms with their BM25 term frequencies (a headline
    occurrence counts HEAD_BOOST times), and its length in terms."""
    return tokens.weighted_counts(cut, doc.head_norm, doc.rest_norm, HEAD_BOOST)


def idf(n_docs: int, df: int) -> float:
    return math.log(1 + (n_docs - df + 0.5) / (df + 0.5))


def length_norm(dl: int, avgdl: float) -> float:
    return K1 * (1 - B + B * dl / (avgdl or 1.0))


# weight_level(w) == number of thresholds below w (bisect is one C call per weight).
_LEVEL_STEPS = [2 ** ((level - 7.5) / 2) for level in range(1, WEIGHT_LEVELS)]


def weight_level(w: float) -> int:
    """round(2 * log2(w)) + 7, clamped to 0-15."""
    return bisect.bisect(_LEVEL_STEPS, w)


def bm25_level(idf_: float, tf: int, norm: float) -> int:
    return bisect.bisect(_LEVEL_STEPS, idf_ * tf * (K1 + 1) / (tf + norm))


def records(a: Article, doc: Doc, config: SiteConfig, url: str, traditional: bool | None = None) -> list[str]:
    """The JSON of an article's record parts: what a result shows, and its text.
    ``traditional``: whether the text holds traditional characters, when the caller knows."""
    t2s = t2s_map()
    text = doc.text
    # The text goes in parts: a result needs only the first (which usually
    # holds the match), the rest is fetched when the match is further on.
    pieces = [text[i:i + CHUNK] for i in range(0, len(text), CHUNK)] or [""]
    # The browser folds width and case itself; it is sent only the rare
    # traditional characters' simplified forms, by position, not a second text.
    if traditional is None:
        traditional = not t2s.keys().isdisjoint(text)
    changes = [[i, t2s[ch]] for i, ch in enumerate(text) if ch in t2s] if traditional else []
    out = []
    for k, piece in enumerate(pieces):
        record: dict[str, object] = {"x": piece}
        if k == 0:
            title = a.headline
            record = {
                "i": a.id, "u": url, "t": title, "d": a.date.isoformat(), "p": a.page,
                "s": config.section_for(a.date, a.page, a.section),
                "b": [config.canonical_person(p) for p, _ in a.people], "h": doc.head, "x": piece,
            }
            if not t2s.keys().isdisjoint(title):
                record["tn"] = normalize(title)
        z = [c for c in changes if k * CHUNK <= c[0] < (k + 1) * CHUNK]
        if z:
            record["z"] = z
        out.append(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
    return out


def site_words(articles: Sequence[Article], config: SiteConfig) -> list[str]:
    """The site's word list and every printed name, normalised: jieba's extra vocabulary."""
    names: set[str] = set(config.search_words)
    for a in articles:
        names.update(a.bylines)
        names.update(a.photographers)
    return sorted({normalize(w) for w in names if len(w.strip()) >= 2})


def setup_key(words: Sequence[str], ranges: bool = True) -> str:
    """What every part of the index depends on besides the articles themselves
    (``ranges``: site.yaml's search.ranges, whether pieces go many to a pack)."""
    h = hashlib.sha256(f"format {FORMAT} {tokens.version()} {K1} {B} {HEAD_BOOST} {CHUNK} {packs.PACK_TARGET} "
                       f"{ranges}".encode())
    # The parser's code: articles may count by their files' hashes (see digest).
    h.update(Path(model.__file__).read_bytes() + Path(format_module.__file__).read_bytes())
    h.update("\n".join(words).encode("utf-8"))
    return h.hexdigest()


# ------------------------------------------------------------------ writing

class Writer:
    """Writes the index's files under root, counting them.

    ``fresh``: the folder was emptied first. Otherwise a file is unlinked
    before it is written: it may be a hard link shared with the current site,
    which must never be written through.
    """

    def __init__(self, root: Path, fresh: bool, per: Mapping[str, int] | None = None,
                 most: int = packs.MAX_PER_PACK):
        self.root = root
        self.fresh = fresh
        self.folders: set[str] = set()
        self.files = 0
        self.bytes = 0
        self.removed = 0
        self.changed: list[str] = []  # every path written or removed, for the next build
        # Pieces of packs: a patch keeps the unchanged pieces of each pack it rewrites.
        self.packs = packs.Packer(self.write, dict(per or {}), None if fresh else root)
        self.most = most  # pieces a pack may hold (1 for a host that ignores byte ranges)

    def piece(self, kind: str, n: int, data: bytes, first: int | None = None) -> None:
        """Piece n of a kind (packs.py); written with its pack, at the latest by flush."""
        self.packs.set(kind, n, data, first)

    def flush(self, kinds: Sequence[str]) -> None:
        self.packs.flush(kinds)

    def pieces(self, kind: str, data: Sequence[bytes], limit: int) -> None:
        """All pieces of a kind, in packs sized by their average (at most ``limit`` a pack)."""
        self.packs.per[kind] = packs.per_pack(sum(map(len, data)) / max(1, len(data)), min(limit, self.most))
        for n, piece in enumerate(data):
            self.piece(kind, n, piece)
        self.flush([kind])

    def write(self, rel: str, data: bytes) -> None:
        path = os.path.join(self.root, rel)
        folder = os.path.dirname(path)
        if folder not in self.folders:
            os.makedirs(folder, exist_ok=True)
            self.folders.add(folder)
        if not self.fresh:
            try:
                os.unlink(path)
            except FileNotFoundError:
                pass
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            os.write(fd, data)
        finally:
            os.close(fd)
        self.files += 1
        self.bytes += len(data)
        self.changed.append(rel)

    def remove(self, rel: str) -> None:
        try:
            os.unlink(os.path.join(self.root, rel))
        except FileNotFoundError:
            return
        self.removed += 1
        self.changed.append(rel)

    def json(self, rel: str, value: object) -> None:
        self.write(rel, json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))

    def shards(self, folder: str, payloads: Entries) -> tuple[int, int]:
        """Write payloads keyed by key hash as shards: (shard count, total size)."""
        size = sum(len(v[0]) + 3 for v in payloads.values())
        count = shard_count(size)
        groups: dict[int, Entries] = defaultdict(dict)
        for h, entry in payloads.items():
            groups[h % count][h] = entry
        self.pieces(folder, [deflate(pack_shard(groups.get(n, {}), count)) for n in range(count)], count)
        return count, size


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
    for n, (a, traditional) in enumerate(zip(docs, has_traditional([doc.text for doc in analysed]))):
        parts = record_parts(codec, records(a, analysed[n], config, urls[n], traditional))
        out.piece("d", n, b"".join(parts), len(parts[0]))
    out.flush(["d"])
    return codec.prefix_length, out.packs.per["d"]


def has_traditional(texts: Sequence[str]) -> list[bool]:
    """Which texts hold a traditional character, by numpy (a full build's): looking
    each character up in the map one by one took 0.6 CPU s at 10,000 articles, this 0.05."""
    import numpy as np

    table = np.zeros(0x110000, bool)
    table[list(map(ord, t2s_map()))] = True
    return [bool(table[np.frombuffer(t.encode("utf-32-le", "surrogatepass"), np.uint32)].any()) for t in texts]


@dataclass(frozen=True)
class Built:
    """What a full build leaves for the patches after it (see patch.py)."""
    digests: list[bytes]
    extra: list[tuple[str, ...]]
    dates: list[str]
    lengths: array
    shards: dict[str, int]
    sizes: dict[str, int]
    total: int
    dict_len: int
    word_freqs: dict[str, int]
    packs: dict[str, int]


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
    from . import patch

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
    _write_t2s(out)
    write_meta(out, docs, built.dates, built.shards, built.packs, built.total, built.dict_len, config,
               build_id)  # last
    patch.save(cache_dir, patch.State.after_full(setup, build_id, docs, built, words))
    return IndexStats(len(docs), n_keys, n_terms, out.files, out.bytes, len(docs), 0, 2 if processes != 1 else 1,
                      time.perf_counter() - started)


def varint_bytes(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Many varints at once: (the bytes of all, each value's first byte's offset),
    as _varint writes them one by one."""
    import numpy as np

    v = values.astype(np.uint64)
    size = np.ones(len(v), np.int64)
    for bits in (7, 14, 21, 28, 35):
        size += v >= (1 << bits)
    offsets = np.cumsum(size) - size
    out = np.zeros(int(size.sum()), np.uint8)
    for j in range(int(size.max(initial=0))):
        at = size > j
        byte = (v[at] >> np.uint64(7 * j)) & np.uint64(0x7F)
        out[offsets[at] + j] = byte | np.where(size[at] > j + 1, 0x80, 0).astype(np.uint64)
    return out, offsets


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


def write_meta(out: Writer, docs: Sequence[Article], dates: Sequence[str | None], shards: dict[str, int],
               per: dict[str, int], total: int, dict_len: int, config: SiteConfig, build_id: str,
               sections: Iterable[str] = ()) -> None:
    """meta.json and dates.json; dates[n] is article n's date (None for a hole).
    The section filter lists the docs' sections and ``sections``."""
    first: list[tuple[str, int]] = []
    for n, day in enumerate(dates):
        if day is not None and (not first or first[-1][0] != day):
            first.append((day, n))
    out.json("dates.json", first)
    in_docs = {config.listed_section(a.date, a.page, a.section) for a in docs}
    days = [d for d in dates if d is not None]
    meta = {
        "format": FORMAT, "docs": len(dates), "dict": dict_len,
        "shards": shards, "packs": per, "total": total, "sections": sorted(in_docs.union(sections)),
        "first": days[0] if days else None, "last": days[-1] if days else None, "build": build_id,
    }
    out.json("meta.json", meta)


def _write_t2s(out: Writer) -> None:
    groups: dict[int, dict[str, str]] = defaultdict(dict)
    for t, s in t2s_map().items():
        groups[ord(t) % MAP_SHARDS][t] = s
    for h in range(MAP_SHARDS):
        out.json(f"m/{h}.json", groups.get(h, {}))

