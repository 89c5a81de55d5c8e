"""The search index's format: written by the build (``index.py``, ``ngrams.py``, ``patch.py``)
into ``search/``, read piece by piece by ``search.js``.

Layout (``N`` = article number in date order, so newer is larger)::

    search/meta.json          shard counts, pieces per pack, article count, jieba total: all the
                              browser loads first
    search/g/<y>/<j>.bin      packs of n-gram shards of segment y (the articles of year y; y = "2030t":
                              the year's tail, articles a patch appended, see TAIL): every character, and every pair of neighbours
                              without a space or a mark of nearly every sentence (KEYLESS:
                              ，。、“”：；（）《》！？…), of the normalised text -> articles
                              containing it; the same for headlines (key prefixed \\x01),
                              sections (\\x02) and people (\\x03); two Han characters with
                              marks but no break between them (\\x04, near matches: 常  晋,
                              章”获); rare keys share buckets
    search/w/<y>/<j>.bin      packs of jieba term shards of segment y: term -> article count in the whole
                              archive, then (article gap * 16 + BM25 weight level)
    search/k/<j>.bin          packs of dictionary shards by the term's first two characters: term ->
                              jieba frequency, so the browser cuts a query with the index's
                              vocabulary; a character's own shard has it if some term begins
                              with it
    search/d/<j>.bin          packs of article records: id, url, headline, date, 版, section, people,
                              the first 1,200 characters of its text and where its characters
                              folded by more than width and case are, with their folds (JSON in the ranked code of search/dict.bin, raw
                              deflate primed with dict.bin), then the text's further parts
    search/m/<h>.json         fold map by code point (traditional -> simplified, compatibility
                              forms -> NFKC: normalize.fold_map), loaded for a query's characters
    search/dict.bin           the records' code book (the 240 most common characters one byte
                              each, 15 pages of 256 two bytes, any other four) and their preset
                              dictionary, as the start of a raw deflate stream (see records.py)
    search/dates.json         first article number of each issue date (date filters only)

Postings (``g``, ``w``) are segmented by year (``meta.json``'s ``segments``: each
year's name and first article number, oldest first): a segment's shards hold its
own articles, numbered from its first (``N - first``). A year may have a second
segment, its tail (``"<y>t"``, made by patches only): a new day's issue goes
there once the year's base holds ``TAIL_MOST`` articles, so it changes only the
tail's shards, a few thousand articles' whatever the year's and the archive's
size; when the tail is full the patch rebuilds the year's postings as one base
again (``years.py``). The browser reads a year's base and tail together, the
newest year first and older ones only while a query needs more results or its
exact total. Each year's weights use the BM25 globals (article count, average
length) frozen when the year was last built (``patch.State.frozen``): a ranking
is within a year, so a year's weights need only agree among themselves. A segment's shard counts
and packs are ``meta.json``'s ``shards["g/<y>"]``, ``shards["buckets/<y>"]``,
``shards["w/<y>"]``, ``packs["g/<y>"]``, ``packs["w/<y>"]``; the records (``d``), the
dictionary (``k``) and the fold map (``m``) are the whole archive's.

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

A full build (``index.py``) numbers the articles afresh; a rebuild usually
patches the previous index instead (``patch.py``), so numbers may have holes
(removed articles) and ``meta.json`` then counts numbers, not articles.
``meta.json`` also names the index's build (``build``), which the next
rebuild uses to tell what an output folder holds.
"""
from __future__ import annotations

import bisect
import hashlib
import itertools
import json
import math
import operator
import os
import re
import zlib
from array import array
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Mapping, Sequence

from .. import format as format_module, model
from ..config import SiteConfig
from ..model import Article
from . import packs, tokens
from .normalize import BREAKS, HAN, KEYLESS_RUNS, MARKS, fold_map, normalize, searchable_parts
from .records import Codec
from .varint import _SMALL, read_varint, read_varints, varints

if TYPE_CHECKING:
    import numpy as np

FORMAT = 6
HEAD, SECTION, PERSON, ACROSS = "\x01", "\x02", "\x03", "\x04"
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


# A year's tail: "<year>t", the articles patches appended after the year's base segment
# (a full build makes none). Its shards are a few thousand articles' whatever the year's size,
# so a new day's issue rewrites those, not the year's; the browser reads a year's base and
# tail together, as one ranking.
TAIL = "t"
TAIL_MOST = 1_000  # articles a tail takes (and a base by appending) before the year is rebuilt whole


@dataclass(frozen=True)
class Segment:
    """A year's articles, whose postings are kept apart (numbers first .. end - 1): its base
    segment (named by the year), or its tail (see TAIL)."""
    name: str
    first: int
    end: int

    def kind(self, base: str) -> str:
        """The kind of this segment's pieces of g or w (and of its bucket count: "buckets")."""
        return f"{base}/{self.name}"

    @property
    def year(self) -> str:
        return year_of(self.name)

    @property
    def tail(self) -> bool:
        return self.name.endswith(TAIL)


def segment_name(a: Article) -> str:
    return f"{a.date.year:04d}"


def year_of(name: str) -> str:
    """The year of a segment's name (its base's name)."""
    return name.removesuffix(TAIL)


def segments_of(firsts: Sequence[Sequence], numbers: int) -> list[Segment]:
    """The segments from their (name, first number) pairs, oldest first, and the numbers in use."""
    ends = [int(f[1]) for f in firsts[1:]] + [numbers]
    return [Segment(str(f[0]), int(f[1]), end) for f, end in zip(firsts, ends)]


# ------------------------------------------------------------------ encodings

def fnv1a(key: str) -> int:
    h = 0x811C9DC5
    for ch in key:
        h = ((h ^ ord(ch)) * 0x01000193) & 0xFFFFFFFF
    return h


_ONE = [b"\x02" + b for b in _SMALL]  # encode_docs([d])


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


def append_docs(payload: bytes, docs: Sequence[int]) -> bytes:
    """encode_docs' list of payload with docs added, docs sorted and after every article it holds
    (a new day's issue): the list is not decoded into numbers, only read to its last article
    (a bitmap stays one, even where deltas would now be smaller)."""
    head, i = read_varint(payload, 0)
    count = head >> 1
    out = bytearray()
    if head & 1:
        bits = bytearray(payload[i:])
        bits.extend(bytes(max(0, docs[-1] // 8 + 1 - len(bits))))
        for d in docs:
            bits[d >> 3] |= 1 << (d & 7)
        varints([(count + len(docs)) * 2 + 1], out)
        return bytes(out + bits)
    gaps, end = read_varints(payload, i, count)
    varints([(count + len(docs)) * 2], out)
    out += payload[i:end]
    varints(map(operator.sub, docs, [sum(gaps), *docs[:-1]]), out)
    return bytes(out)


def first_doc(payload: bytes) -> int:
    """The first article of encode_docs' list (not empty)."""
    head, i = read_varint(payload, 0)
    if not head & 1:
        return read_varint(payload, i)[0]
    j = next(j for j in range(i, len(payload)) if payload[j])
    return (j - i) * 8 + (payload[j] & -payload[j]).bit_length() - 1


@dataclass(frozen=True)
class WeightsEnd:
    """Where an entry of encode_weights' ends: its count, the offsets of its values, its last article
    and the archive's article count that follows them."""
    count: int
    start: int
    end: int
    last: int
    df: int

    @staticmethod
    def of(payload: bytes) -> "WeightsEnd":
        count, i = read_varint(payload, 0)
        values, end = read_varints(payload, i, count)
        return WeightsEnd(count, i, end, sum(v >> 4 for v in values), read_varint(payload, end)[0])


def append_weights(payload: bytes, pairs: Sequence[tuple[int, int]], df: int, at: WeightsEnd | None = None) -> bytes:
    """encode_weights' entry of payload with (article, level) pairs added after every article it holds,
    and the archive's article count df; read to its last article (at, if known), not decoded into a dict."""
    at = at or WeightsEnd.of(payload)
    out = bytearray()
    varints([at.count + len(pairs)], out)
    out += payload[at.start:at.end]
    flat, prev = [], at.last
    for n, level in pairs:
        flat.append((n - prev) * WEIGHT_LEVELS + level)
        prev = n
    flat.append(df)
    varints(flat, out)
    return bytes(out)


def encode_weights(pairs: Sequence[tuple[int, int]], df: int | None = None) -> bytes:
    """(article, weight level) pairs in article order: count, then gap * 16 + level each, then the
    term's article count in the whole archive (``df``; the pairs' count without it): a segment's
    entry holds only its own articles, but a patch weighs them by the archive's count."""
    flat = [len(pairs)]
    prev = 0
    for n, level in pairs:
        flat.append((n - prev) * WEIGHT_LEVELS + level)
        prev = n
    flat.append(len(pairs) if df is None else df)
    buf = bytearray()
    varints(flat, buf)
    return bytes(buf)


def weights_df(payload: bytes) -> int:
    """The whole archive's article count of a term entry's term (see encode_weights)."""
    return WeightsEnd.of(payload).df


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
    while total_bytes / n > target and n < 1 << 22:
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
    norm: str               # the same, normalised (folds may make it longer)
    head: int               # length of the headlines part (printed)
    extra: tuple[str, ...]  # section and people keys
    nhead: int = field(init=False)  # length of the headlines part, normalised

    def __post_init__(self) -> None:
        object.__setattr__(self, "nhead", len(normalize(self.text[:self.head])))

    @property
    def head_norm(self) -> str:
        return self.norm[:self.nhead]

    @property
    def rest_norm(self) -> str:
        return self.norm[self.nhead + 1:] if self.head else self.norm


def printed(a: Article) -> tuple[str, int]:
    """An article's searchable text as printed (headlines, newline, the rest) and its headlines' length:
    all a record needs (normalising is the costly part of analyse)."""
    head, rest = searchable_parts(a)
    return head + "\n" + rest if head and rest else head or rest, len(head)


def analyse(a: Article, config: SiteConfig) -> Doc:
    text, head = printed(a)
    extra = [SECTION + normalize(config.listed_section(a.date, a.page, a.section))]
    names = {normalize(p) for p, _ in a.people} | {normalize(config.canonical_person(p)) for p, _ in a.people}
    extra += sorted(PERSON + name for name in names)
    return Doc(text, normalize(text), head, tuple(extra))


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


def _ngrams(text: str) -> set[str]:
    """Every character but the newline, and every pair of neighbours neither of
    which is keyless (a space, a control, a mark of nearly every sentence)."""
    keys = set(text)
    keys.discard("\n")
    for run in KEYLESS_RUNS.split(text):
        keys.update(map(operator.add, run, run[1:]))  # C loops: this runs over every character
    return keys


# Two Han characters with marks between them (a near match ignores those without a break).
_ACROSS = re.compile(f"([{HAN}])[{MARKS}]+(?=([{HAN}]))")
_HAS_BREAK = re.compile(f"[{BREAKS}]")


def across_keys(text: str) -> set[str]:
    """ACROSS + the two Han characters that a run of marks without a break parts
    (常  晋, 章”获): the keys of near matches, which ignore those marks."""
    out = set()
    for m in _ACROSS.finditer(text):
        if not _HAS_BREAK.search(text, m.end(1), m.end()):
            out.add(ACROSS + m.group(1) + m.group(2))
    return out


def ngram_keys(doc: Doc) -> set[str]:
    """Every n-gram key of an article: text, pairs across marks, headline (prefixed), section and people."""
    keys = _ngrams(doc.norm)
    keys.update(across_keys(doc.norm))
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


def folded(text: str, folds: Mapping[str, str], mapped: bool | None = None) -> list[list]:
    """[position, fold] of each character of text whose fold the browser must be told
    (fold_map: more than width and case). ``mapped``: whether there is any, when known."""
    if mapped is False or (mapped is None and folds.keys().isdisjoint(text)):
        return []
    return [[i, folds[ch]] for i, ch in enumerate(text) if ch in folds]


def records(a: Article, text: str, head: int, config: SiteConfig, url: str, mapped: bool | None = None) -> list[str]:
    """The JSON of an article's record parts: what a result shows, and its text (``printed``'s text
    and headlines' length). ``mapped``: whether the text holds characters of fold_map, when the caller knows."""
    folds = fold_map()
    # The text goes in parts: a result needs only the first (which usually
    # holds the match), the rest is fetched when the match is further on.
    pieces = [text[i:i + CHUNK] for i in range(0, len(text), CHUNK)] or [""]
    # The browser folds width and case itself; it is sent only the rare other
    # folds (traditional characters, compatibility forms) by position, not a second text.
    changes = folded(text, folds, mapped)
    out = []
    for k, piece in enumerate(pieces):
        record: dict[str, object] = {"x": piece}
        if k == 0:
            title = a.headline
            record = {
                "i": a.id, "u": url, "t": title, "d": a.date.isoformat(), "p": a.page,
                "s": config.section_for(a.date, a.page, a.section),
                "b": [config.canonical_person(p) for p, _ in a.people], "h": head, "x": piece,
            }
            title_folds = folded(title, folds)
            if title_folds:
                record["tz"] = title_folds
        z = [c for c in changes if k * CHUNK <= c[0] < (k + 1) * CHUNK]
        if z:
            record["z"] = z
        out.append(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
    return out


def site_words(articles: Iterable[Article], config: SiteConfig) -> list[str]:
    """The site's word list and every printed name, normalised: jieba's extra vocabulary."""
    names: set[str] = set(config.search_words)
    for a in articles:
        names.update(a.bylines)
        names.update(a.photographers)
    return words_of(names)


def words_of(names: Iterable[str]) -> list[str]:
    """site_words of the names gathered (the site's word list and every printed name)."""
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


def write_meta(out: Writer, firsts: Sequence[tuple[str, int]], numbers: int, shards: dict[str, int],
               per: dict[str, int], total: int, dict_len: int, sections: Iterable[str], build_id: str,
               segments: Sequence[Segment], write_dates: bool = True) -> None:
    """meta.json, and dates.json (firsts: each issue date's first article number, in order) unless
    it is as it was; numbers: article numbers in use, holes included; sections: the section filter's."""
    if write_dates:
        out.json("dates.json", [list(f) for f in firsts])
    meta = {
        "format": FORMAT, "docs": numbers, "dict": dict_len,
        "shards": shards, "packs": per, "total": total, "sections": sorted(set(sections)),
        "first": firsts[0][0] if firsts else None, "last": firsts[-1][0] if firsts else None, "build": build_id,
        "segments": [[s.name, s.first] for s in segments],
    }
    out.json("meta.json", meta)


def write_fold_map(out: Writer) -> None:
    """m/<h>.json: fold_map by code point modulo MAP_SHARDS, loaded for a query's characters."""
    groups: dict[int, dict[str, str]] = defaultdict(dict)
    for ch, folds in fold_map().items():
        groups[ord(ch) % MAP_SHARDS][ch] = folds
    for h in range(MAP_SHARDS):
        out.json(f"m/{h}.json", groups.get(h, {}))
