"""A rebuild of the search index that patches the previous one: O(changes), not O(archive).

The cache keeps a ``State`` of the index in the current output: per article
number its id, content digest, date, section and people keys and jieba
length; the BM25 globals the weights were computed with (frozen: article
count and average length), shard counts, and the files the last build
wrote or removed.

A rebuild patches when the articles only changed in place, were appended
after the newest (their numbers come next) or were removed (their numbers
become holes: newer still sorts higher). For each changed article, its old
text comes back from its record in the previous output; old and new n-gram
keys and jieba terms are compared, and only the shard entries whose
membership or weight level changed are rewritten (the other entries' bytes
are kept as they are). A new day's issue goes to its year's tail once the
year's base is full (``layout.TAIL``). A year whose tail is full, whose shards
outgrew their count, or whose weights would drift more than ``DRIFT`` from a
full build's is rebuilt alone from the index's records (``years.py``). Anything
else is a full build: an article inserted among older dates, other site words
or tokenizer, a missing or inconsistent state or output.

The build renders into a folder that starts as the site before the
current one (see ``site.build``). Its ``search/`` is brought up to date
first: the files the last build changed are linked from the current output
(or, when which index the folder holds is unknown, every file is), and each
file this build changes is unlinked before it is written, since it may be a
hard link shared with the current site.
"""
from __future__ import annotations

import bisect
import dataclasses
import functools
import hashlib
import json
import os
import shutil
import time
import zlib
from array import array
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator, Mapping, Sequence

from ..config import SiteConfig
from ..format import atomic_write
from ..model import Article
from . import packs, tokens, years
from .layout import (OWN_FILES, Doc, IndexStats, Writer, analyse, bm25_level, decode_docs, decode_weights,
                    deflate, doc_of_record, encode_docs, encode_weights, fnv1a, inflate,
                    digest, idf, length_norm, ngram_keys, pack_ngram_shard, pack_shard, pack_vocab, read_record,
                    record_parts, records, setup_key, words_of, shard_count, term_counts, unpack_ngram_shard,
                    unpack_shard, vocab_shard, with_first_characters, write_meta, bucket_of, ACROSS, HEAD, across_keys,
                    NGRAM_SHARD_TARGET, RARE_BYTES, Segment, segment_name, segments_of, weights_df,
                    append_docs, append_weights, first_doc, WeightsEnd, SHARD_TARGET, TAIL, TAIL_MOST, year_of)
from .records import Codec
from . import state as state_module
from .state import STATE_FILE, Row, Store  # noqa: F401 (STATE_FILE: where the state is, for callers)

VERSION = 8
# A year's weights are made with the BM25 globals frozen when it was last built (State.frozen);
# when the archive's have moved this much from them, a patch touching the year rebuilds it.
# Levels are steps of sqrt(2): 10% more articles move a term's idf by log(1.1) = 0.1 (a
# typical idf is 3-10), 10% more average length a length norm by 7.5% at most, so a year
# this far from the archive's globals stays within a level of a full build's weights.
DRIFT = 0.10
_YEAR_OF_TERM = "\x1f"  # df_frozen's keys: year, this, term (a term holds no control character)
# A term's idf may move by this factor from the one its other articles' weights were made
# with: levels are steps of sqrt(2), so a smaller move keeps them within one level of a
# full build's. In a small archive one more article holding a rare term moves it further.
IDF_DRIFT = 1.25
PATCH_SHARE = 0.05  # more changed articles than this share of the archive: a full build is as fast
PATCH_MOST = 10_000  # nor more than this many: a patch holds the changed articles in memory


@dataclass(frozen=True)
class State:
    """The index in the current output, as the last build left it (per article: ``store``'s rows)."""
    setup: str                       # index.setup_key: words, tokenizer, format
    build: str                       # meta.json's "build" of the index this describes
    before: str | None               # the build before it
    changed: tuple[str, ...] | None  # files that build wrote or removed (None: all of them)
    numbers: int                     # article numbers in use, holes included
    live: int                        # articles (numbers without a hole)
    length_sum: int                  # their jieba lengths
    n_frozen: int                    # article count and average length the weights use
    avgdl: float
    shards: dict[str, int]
    packs: dict[str, int]            # pieces per pack of each kind (packs.py)
    sizes: dict[str, int]            # payload bytes of the g and w shards, to tell when they outgrow their count
    total: int                       # jieba total
    dict_len: int
    word_freqs: dict[str, int]       # the site words' jieba frequencies
    # Terms whose article count patches changed -> their count at the last full build,
    # which the levels of their untouched articles were made with.
    df_frozen: dict[str, int] = dataclasses.field(default_factory=dict)
    words: tuple[str, ...] = ()      # the site words setup was made with
    # (date, 版, position, id) of the newest article: an article added after it patches in.
    last: tuple | None = None
    segments: tuple[tuple[str, int], ...] = ()  # each segment's name and first number, oldest first
    common: tuple[str, ...] = ()     # terms too common to rank at the last full build (no entries)
    # Year -> (article count, average length) its weights were made with, when not n_frozen and avgdl
    # (a year a patch rebuilt).
    frozen: dict[str, tuple[int, float]] = dataclasses.field(default_factory=dict)
    version: int = VERSION
    store: Store | None = dataclasses.field(default=None, compare=False, repr=False)

    def meta(self) -> dict:
        fields = {f.name: getattr(self, f.name) for f in dataclasses.fields(self) if f.name != "store"}
        return {**fields, "changed": None if self.changed is None else list(self.changed), "words": list(self.words),
                "last": None if self.last is None else list(self.last), "segments": [list(f) for f in self.segments],
                "common": list(self.common), "frozen": {y: list(f) for y, f in self.frozen.items()}}

    def row(self, n: int) -> Row | None:
        assert self.store is not None
        return self.store.row(n) if n < self.numbers else None


def build_id(setup: str, digests: Iterable[bytes | None]) -> str:
    h = hashlib.sha256(setup.encode())
    for d in digests:
        h.update(d or b"-")
    return h.hexdigest()[:24]


def load(cache_dir: Path) -> State | None:
    """The state of the last build (None when missing, damaged or of another version: a full build)."""
    store = Store.open(cache_dir)
    if store is None:
        return None
    meta = store.meta()
    try:
        if meta is None or meta.get("version") != VERSION:
            raise ValueError("another version")
        meta["changed"] = None if meta["changed"] is None else tuple(meta["changed"])
        meta["words"] = tuple(meta["words"])
        meta["last"] = None if meta.get("last") is None else tuple(meta["last"])
        meta["segments"] = tuple((str(name), int(first)) for name, first in meta["segments"])
        meta["common"] = tuple(meta["common"])
        meta["frozen"] = {str(y): (int(n), float(a)) for y, (n, a) in meta.get("frozen", {}).items()}
        # (df_frozen's keys without a year are of an older state: their counts are forgotten.)
        meta["df_frozen"] = {k: int(v) for k, v in meta["df_frozen"].items() if _YEAR_OF_TERM in k}
        return State(**meta, store=store)
    except (TypeError, ValueError, KeyError):
        store.close()
        return None


def close(state: State | None) -> None:
    if state is not None and state.store is not None:
        state.store.close()


def save(state: State, updates: dict[int, Row | None]) -> None:
    """The patched state, with its changed rows, committed (its index is complete)."""
    assert state.store is not None
    state.store.change(updates, state.meta())
    state.store.commit()


# Caches of earlier versions of the index (cuts, file digests, record dictionary, the whole state pickled).
LEGACY = ("search-terms.pickle", "search-files.pickle", "search-dict.bin", "search-state.pickle")


def forget(cache_dir: Path) -> None:
    state_module.forget(cache_dir, LEGACY)


def _build_of(root: Path) -> str | None:
    try:
        return json.loads((root / "meta.json").read_bytes()).get("build")
    except (OSError, ValueError, AttributeError):
        return None


# ------------------------------------------------------------------ planning

@dataclass(frozen=True)
class Plan:
    changed: list[tuple[int, Article]]  # (number, article as it is now): edited or appended
    removed: list[int]
    numbers: int                        # numbers in use, holes included
    urls: dict[int, str] = dataclasses.field(default_factory=dict)       # of the changed, by number
    digests: dict[int, bytes] = dataclasses.field(default_factory=dict)
    last: tuple | None = None           # the newest article's key (order_key) after the patch


def order_key(a: Article) -> tuple:
    """An article's place in the index's order (as JSON keeps it)."""
    return (a.date.isoformat(), a.page, a.position, a.id)


class Planner:
    """What changed since the state, told article by article as the archive is read once
    (in order): the state's rows are read alongside, by number, so nothing of the whole
    archive is held but the changed articles."""

    def __init__(self, state: State, articles: int):
        assert state.store is not None
        self.state = state
        self.limit = min(PATCH_MOST, max(20, PATCH_SHARE * articles))
        self.rows = state.store.rows()
        self.pending = next(self.rows, None)
        self.last, self.fresh = -1, state.numbers
        self.plan = Plan([], [], 0)
        self.failed = False

    def _advance(self) -> None:
        self.pending = next(self.rows, None)

    def see(self, a: Article, url: str, dig: bytes) -> None:
        if self.failed:
            return
        was: bytes | None = None
        if self.pending is not None and self.pending[1] == a.id:
            n, _, was = self.pending
            self._advance()
        else:
            assert self.state.store is not None
            n = self.state.store.number(a.id)
            if n is None:
                n, self.fresh = self.fresh, self.fresh + 1
            else:
                while self.pending is not None and self.pending[0] < n:  # those between: removed
                    self.plan.removed.append(self.pending[0])
                    self._advance()
                if self.pending is None or self.pending[0] != n:  # met already: the order changed
                    self.failed = True
                    return
                was = self.pending[2]
                self._advance()
        if n <= self.last:  # inserted among older articles: the numbering must change
            self.failed = True
            return
        self.last = n
        self.plan = dataclasses.replace(self.plan, last=order_key(a))
        if was != dig:
            self.plan.changed.append((n, a))
            self.plan.urls[n], self.plan.digests[n] = url, dig
        if len(self.plan.changed) + len(self.plan.removed) > self.limit:
            self.failed = True

    def finish(self, live: int) -> Plan | None:
        """The plan once every article was seen; None when a patch cannot follow it."""
        while not self.failed and self.pending is not None:
            self.plan.removed.append(self.pending[0])
            self._advance()
        if self.failed or len(self.plan.changed) + len(self.plan.removed) > self.limit or not live:
            return None
        return dataclasses.replace(self.plan, numbers=self.fresh)


# ------------------------------------------------------------------ the spare

def bring_up_to_date(root: Path, current: Path, state: State) -> int | None:
    """Make root (this build's search/) hold the index in current (the current output's);
    returns the files linked, None when that failed."""
    have = _build_of(root)
    if have == state.build:
        return 0
    if have is not None and have == state.before and state.changed is not None:
        paths = state.changed
    else:
        clear(root)
        paths = tuple(_all_files(current))
    linked = 0
    folders: set[str] = set()
    for rel in paths:
        target = os.path.join(root, rel)
        try:
            os.unlink(target)
        except FileNotFoundError:
            pass
        folder = os.path.dirname(target)
        if folder not in folders:
            os.makedirs(folder, exist_ok=True)
            folders.add(folder)
        try:
            os.link(os.path.join(current, rel), target)
        except FileNotFoundError:
            continue  # removed by the last build
        except OSError:
            try:
                shutil.copyfile(os.path.join(current, rel), target)
            except OSError:
                return None
        linked += 1
    return linked if _build_of(root) == state.build else None


def clear(root: Path) -> None:
    """Remove an index's own files from a search folder (the build's search page stays)."""
    for name in OWN_FILES:
        old = root / name
        if old.is_dir():
            shutil.rmtree(old)
        elif old.exists():
            old.unlink()


def _all_files(root: Path) -> list[str]:
    out = []
    base = str(root)
    for name in OWN_FILES:
        top = os.path.join(base, name)
        if os.path.isfile(top):
            out.append(name)
            continue
        for folder, _dirs, files in os.walk(top):
            rel = os.path.relpath(folder, base).replace(os.sep, "/")
            out.extend(f"{rel}/{f}" for f in files)
    return out


# ------------------------------------------------------------------ patching

class _Shards:
    """Shards of one kind read from the current index, changed here, written once."""

    def __init__(self, current: Path, folder: str, count: int, per: int):
        self.current, self.folder, self.count, self.per = current, folder, count, per
        self.loaded: dict[int, dict] = {}
        self.packs: dict[int, list[packs.Piece] | None] = {}  # each pack read once (a day's issue reads them all)
        self.dirty: set[int] = set()
        self.new = False

    def fresh(self) -> None:
        """The shards are new (a new segment's): none is read, each is written."""
        self.new = True
        self.dirty.update(range(self.count))

    def _read(self, n: int) -> bytes:
        j = n // self.per
        try:
            if j not in self.packs:
                self.packs[j] = packs.read_pack(self.current, self.folder, j, self.per)
            pieces = self.packs[j]
            data = inflate(pieces[n % self.per][0]) if pieces is not None else b""
        except (OSError, ValueError, zlib.error) as exc:
            raise _Inconsistent(f"{self.folder} shard {n}: {exc}") from exc
        if not data:  # (a full build writes every shard, empty ones too: its pack is missing)
            raise _Inconsistent(f"{self.folder} shard {n} is missing")
        return data

    def entries(self, h: int) -> dict:
        return self.load(h % self.count)

    def load(self, n: int) -> dict:
        if n not in self.loaded and self.new:
            self.loaded[n] = self.empty()
        if n not in self.loaded:
            data = self._read(n)
            try:
                self.loaded[n] = self.decode(data, n)
            except (IndexError, ValueError) as exc:  # (a bad JSON or UTF-8 text is a ValueError)
                raise _Inconsistent(f"{self.folder} shard {n}: {exc}") from exc
        return self.loaded[n]

    def decode(self, data: bytes, n: int) -> dict:
        return unpack_shard(data, self.count, n)

    def empty(self) -> dict:
        return {}

    def touch(self, h: int) -> None:
        self.dirty.add(h % self.count)

    def write(self, out: Writer) -> None:
        for n in sorted(self.dirty):
            out.piece(self.folder, n, deflate(self.encode(self.load(n))))

    def encode(self, entries: dict) -> bytes:
        return pack_shard(entries, self.count)


class _NgramShards(_Shards):
    """A segment's g shards: entries, and each shard's buckets as sets."""

    def __init__(self, current: Path, kind: str, count: int, buckets: int, per: int):
        super().__init__(current, kind, count, per)
        self.buckets = buckets

    def empty(self) -> dict:
        return {"entries": {}, "buckets": [set() for _ in range(self.buckets)]}

    def decode(self, data: bytes, n: int) -> dict:
        entries, lists = unpack_ngram_shard(data, self.count, n, self.buckets)
        return {"entries": entries, "buckets": [set(b) for b in lists]}

    def encode(self, shard: dict) -> bytes:
        return pack_ngram_shard(shard["entries"], self.count, shard["buckets"])

    def bucket(self, h: int) -> set[int]:
        return self.entries(h)["buckets"][bucket_of(h, self.count, self.buckets)]


class _Vocab(_Shards):
    def entries_of(self, term: str) -> dict[str, int]:
        return self.load(vocab_shard(term, self.count))

    def decode(self, data: bytes, n: int) -> dict:
        return json.loads(data)

    def touch_term(self, term: str) -> None:
        self.dirty.add(vocab_shard(term, self.count))

    def encode(self, entries: dict) -> bytes:
        return pack_vocab(entries)


def _contains(doc: Doc, key: str) -> bool:
    """Whether an article holds an n-gram key (a key as ngram_keys makes them)."""
    if key[0] == HEAD:
        return key[1:] in doc.head_norm
    if key[0] == ACROSS:
        return key in _across_keys(doc.norm)
    if key[0] < " ":
        return key in doc.extra
    return key in doc.norm


@functools.lru_cache(maxsize=1024)
def _across_keys(norm: str) -> frozenset[str]:
    """across_keys of a text, once: a day's issue asks of the same few articles for thousands of keys."""
    return frozenset(across_keys(norm))


def try_patch(state: State, todo: Plan, setup: str, out_dir: Path, previous: Path, config: SiteConfig,
              cache_dir: Path, started: float, live: int, sections: Iterable[str]) -> IndexStats | None:
    """Patch the index in previous into out_dir as todo says; None when a full build is needed.
    ``sections``: the section filter's (every article's)."""
    current = previous / "search"
    if state.setup != setup or _build_of(current) != state.build:
        return None
    return _apply(state, todo, config, out_dir, current, cache_dir, started, live, sections)


def _apply(state: State, todo: Plan, config: SiteConfig, out_dir: Path, current: Path, cache_dir: Path,
           started: float, live: int, sections: Iterable[str]) -> IndexStats | None:
    """Bring out_dir's index to the current one, then patch it as todo says (sections: the section filter's
    besides the changed articles')."""
    root = out_dir / "search"
    linked = bring_up_to_date(root, current, state)
    if linked is None:
        return None
    out = Writer(root, fresh=False, per=state.packs)
    if not todo.changed and not todo.removed:
        save(dataclasses.replace(state, before=state.build, changed=()), {})
        return IndexStats(live, 0, 0, 0, 0, 0, live, 1, time.perf_counter() - started, linked, True)
    # Written last: until then the folder names no build, so an interrupted
    # patch is never taken for a complete index.
    out.remove("meta.json")
    try:
        result = _patch(state, todo, config, current, out, cache_dir)
    except _Inconsistent:
        return None
    if result is None:
        return None
    new_state, updates, keys, terms, cut = result
    try:
        out.packs.flush()  # (a pack rewritten keeps its other pieces: it is read now)
    except ValueError:
        return None  # a damaged pack: a full build
    assert state.store is not None
    old_days = {n: r.date for n in updates if (r := state.row(n)) is not None}
    state.store.change(updates, new_state.meta())  # (committed below, once the index is complete)
    firsts = _first_numbers(current, state, old_days, updates)
    if firsts is None:
        return None
    sections = {*sections, *(config.listed_section(a.date, a.page, a.section) for _, a in todo.changed)}
    write_meta(out, firsts[0], new_state.numbers, new_state.shards, new_state.packs, new_state.total,
               new_state.dict_len, sections, new_state.build, segments_of(new_state.segments, new_state.numbers),
               write_dates=firsts[1])
    save(dataclasses.replace(new_state, changed=tuple(dict.fromkeys(out.changed))), {})
    return IndexStats(live, keys, terms, out.files, out.bytes, cut, live - len(todo.changed), 1,
                      time.perf_counter() - started, linked, True, out.removed)


def _first_numbers(current: Path, state: State, old_days: dict[int, str], updates: dict[int, Row | None]
                   ) -> tuple[list[tuple[str, int]], bool] | None:
    """dates.json after the patch (its changes in the store already; old_days: the changed numbers'
    dates before), and whether it changed: the dates of the changed and removed articles are
    looked up again, the others' kept."""
    try:
        firsts = dict(json.loads((current / "dates.json").read_bytes()))
    except (OSError, ValueError, TypeError):
        return None
    if all(old_days.get(n) == (r.date if r else None) for n, r in updates.items()):
        return list(firsts.items()), False
    assert state.store is not None
    for day in {r.date for r in updates.values() if r is not None} | set(old_days.values()):
        first = state.store.first_of(day)
        if first is None:
            firsts.pop(day, None)
        else:
            firsts[day] = first
    return sorted(firsts.items(), key=lambda item: item[1]), True


def patch_edits(edited: Sequence[Article], url_for: Callable[[Article], str],
                sources: Mapping[str, str] | Callable[[Article], str | None] | None,
                out_dir: Path, previous: Path, config: SiteConfig, cache_dir: Path,
                removed: Sequence[str] = ()) -> IndexStats | None:
    """Patch the index after articles were edited in place, added after the newest
    (a new day's issue) or removed (``removed``: their ids), when the caller knows
    that nothing else changed (same files otherwise, same config; none at all: the
    index is brought up to date as it is); None when a full look at the archive
    is needed (an article inserted among older dates, one whose date changed, a
    name new to the site words, too many changes).

    Every other article is as the state records it, so the archive is not
    read: a rebuild costs the changes (a few rows of the state's table), not
    the whole archive's articles and digests.
    """
    started = time.perf_counter()
    if previous.resolve() == out_dir.resolve():
        return None
    state = load(cache_dir)
    try:
        return _patch_edits(state, edited, removed, url_for, sources, out_dir, previous, config, cache_dir,
                            started)
    finally:
        close(state)


def _patch_edits(state: State | None, edited: Sequence[Article], removed: Sequence[str],
                 url_for: Callable[[Article], str], sources: Mapping[str, str] | Callable[[Article], str | None] | None,
                 out_dir: Path, previous: Path, config: SiteConfig, cache_dir: Path, started: float
                 ) -> IndexStats | None:
    current = previous / "search"
    if state is None or state.store is None:
        return None
    # The site words are the state's: the same config, and no name new to them.
    if setup_key(state.words, config.search_ranges) != state.setup or _build_of(current) != state.build:
        return None
    try:
        meta = json.loads((current / "meta.json").read_bytes())
    except (OSError, ValueError):
        return None
    todo = _edits_plan(state, sorted(edited, key=order_key), removed, url_for, sources, config)
    if todo is None:
        return None
    live = state.live + sum(n >= state.numbers for n, _ in todo.changed) - len(todo.removed)
    if len(todo.changed) + len(todo.removed) > max(20, PATCH_SHARE * state.live) or not live:
        return None
    # The section filter is the current one, with the changed articles' sections.
    return _apply(state, todo, config, out_dir, current, cache_dir, started, live, meta.get("sections", []))


def _edits_plan(state: State, edited: Sequence[Article], removed: Sequence[str], url_for: Callable[[Article], str],
                sources: Mapping[str, str] | Callable[[Article], str | None] | None, config: SiteConfig
                ) -> Plan | None:
    """The plan of patch_edits, or None when a patch cannot follow."""
    assert state.store is not None
    todo = Plan([], [], state.numbers, last=state.last)
    words = set(state.words)
    for a in edited:
        n = state.store.number(a.id)
        if n is None:  # added: after the newest, with no new name
            if todo.last is not None and order_key(a) <= tuple(todo.last):
                return None
            if not words.issuperset(words_of([*a.bylines, *a.photographers])):
                return None
            n, row = todo.numbers, None
            todo = dataclasses.replace(todo, numbers=n + 1, last=order_key(a))
        else:
            row = state.row(n)
            if row is None or row.date != a.date.isoformat():
                return None
        url = url_for(a)
        d = digest(a, config, url, source_hash(sources, a))
        if row is None or row.digest != d:
            todo.changed.append((n, a))
            todo.urls[n], todo.digests[n] = url, d
    for aid in removed:
        n = state.store.number(aid)
        if n is not None:
            todo.removed.append(n)
    return todo


def source_hash(sources: Mapping[str, str] | Callable[[Article], str | None] | None, a: Article) -> str | None:
    """The content hash of an article's file, as the build has it (a mapping by path, or a function)."""
    if sources is None or not a.path:
        return None
    if callable(sources):
        return sources(a)
    return sources.get(a.path)


WHOLE_DICTIONARY_FROM = 50_000  # characters of text from which a patch cuts with jieba's whole dictionary


def _cutter(texts: Sequence[str], state: State, cache_dir: Path) -> tokens.Cutter | tokens.TextCutter:
    """jieba as the full build cut with, for a patch's texts: for a few, a dictionary of their own
    words (TextCutter: no 0.3 s loading the whole); for many, the whole dictionary, since finding
    the words of a day's issue in it took 3 CPU s at 100 articles."""
    if sum(map(len, texts)) >= WHOLE_DICTIONARY_FROM:
        # (The same dictionary, by the state's setup; the same site words' frequencies, so the same total.)
        whole = tokens.cutter(state.words)
        if whole.freqs == state.word_freqs:
            return whole
    return tokens.TextCutter(texts, state.word_freqs, state.total, cache_dir)


class _Inconsistent(Exception):
    """The previous output does not hold what the state says."""


def _old_doc(current: Path, codec: Codec, state: State, n: int) -> Doc:
    """Article n as the current index holds it."""
    row = state.row(n)
    if row is None:
        raise _Inconsistent(f"no article {n} in the state")
    try:
        rec = read_record(codec, packs.read_piece(current, "d", n, state.packs["d"]))
    except (OSError, ValueError, KeyError) as exc:
        raise _Inconsistent(f"record {n}: {exc}") from exc
    if rec.get("i") != row.id:
        raise _Inconsistent(f"record {n} is not {row.id}")
    return doc_of_record({"x": rec["x"], "h": rec["h"]}, row.extra)


class _Segments:
    """The segments' shards a patch reads and changes, by segment name. Articles appended in a
    new year start its segment; appended to a year whose base holds TAIL_MOST articles, they go
    to its tail (started if need be): either is new, its shards counted for TAIL_MOST articles
    (at the bytes an article of the newest segment takes), without buckets, and all written."""

    def __init__(self, state: State, current: Path, out: Writer):
        self.state, self.current, self.out = state, current, out
        self.shards, self.packs, self.sizes = dict(state.shards), dict(state.packs), dict(state.sizes)
        self.firsts = [tuple(f) for f in state.segments]
        self.known: dict[str, Segment] = {}
        self.g: dict[str, _NgramShards] = {}
        self.w: dict[str, _Shards] = {}

    def of(self, n: int, a: Article | None) -> Segment:
        """The segment of article n (a: as it is now, for a number past the state's); one object a
        segment (its end is not known while articles are added)."""
        if a is not None and n >= self.state.numbers:
            year = segment_name(a)
            if not self.firsts or year > year_of(self.firsts[-1][0]):
                self._start(year, n)
            elif not self.firsts[-1][0].endswith(TAIL) and n - self.firsts[-1][1] >= TAIL_MOST:
                self._start(year + TAIL, n)
        name, first = self.firsts[bisect.bisect_right([f for _, f in self.firsts], n) - 1]
        return self.known.setdefault(name, Segment(name, first, first))

    def _start(self, name: str, first: int) -> None:
        last = Segment(*self.firsts[-1], first) if self.firsts else None
        for base, target in (("g", NGRAM_SHARD_TARGET), ("w", SHARD_TARGET)):
            kind = f"{base}/{name}"
            count = _tail_count(self.sizes.get(last.kind(base), 0), last.end - last.first, target) if last else 1
            self.shards[kind] = count
            self.packs[kind] = min(count, self.packs[last.kind(base)] if last else 1)
            self.out.packs.per[kind] = self.packs[kind]
            self.sizes[kind] = 0
        # No buckets: a key a patch adds to a bucket stays there however many articles join it, so
        # in a segment made by patches every key would, and each lookup would be a superset of
        # most of its articles, to check against their texts. Each key has its entry, exact.
        self.shards[f"buckets/{name}"] = 0
        self.firsts.append((name, first))
        seg = Segment(name, first, first)
        self.ngrams(seg).fresh()
        self.terms(seg).fresh()

    def frozen(self, seg: Segment) -> tuple[int, float]:
        """The article count and average length the weights of seg's year were made with."""
        return self.state.frozen.get(seg.year, (self.state.n_frozen, self.state.avgdl))

    def ngrams(self, seg: Segment) -> _NgramShards:
        if seg.name not in self.g:
            kind = seg.kind("g")
            self.g[seg.name] = _NgramShards(self.current, kind, self.shards[kind], self.shards[seg.kind("buckets")],
                                            self.packs[kind])
        return self.g[seg.name]

    def terms(self, seg: Segment) -> _Shards:
        if seg.name not in self.w:
            kind = seg.kind("w")
            self.w[seg.name] = _Shards(self.current, kind, self.shards[kind], self.packs[kind])
        return self.w[seg.name]

    def others(self, seg: Segment) -> Iterator[_Shards]:
        """The term shards of the segments before seg, newest first (its year's base among them)."""
        names = [f[0] for f in self.firsts]
        for name, first in reversed(self.firsts[:names.index(seg.name)]):
            yield self.terms(Segment(name, first, first))

    def outgrown(self, numbers: int) -> set[str]:
        """The years with a segment outgrown (its shards' count or, a tail, TAIL_MOST articles)."""
        out = {year_of(g.folder[2:]) for g in self.g.values()
               if shard_count(self.sizes[g.folder], NGRAM_SHARD_TARGET) > g.count}
        out |= {year_of(w.folder[2:]) for w in self.w.values() if shard_count(self.sizes[w.folder]) > w.count}
        ends = [f for _, f in self.firsts[1:]] + [None]
        return out | {year_of(name) for (name, first), end in zip(self.firsts, ends)
                      if name.endswith(TAIL) and (end or numbers) - first > TAIL_MOST}

    def drop(self, year: str) -> None:
        """Forget what the patch did to a year's shards (it is rebuilt whole)."""
        for name in (year, year + TAIL):
            self.g.pop(name, None)
            self.w.pop(name, None)

    def write(self) -> tuple[int, int]:
        for shards in [*self.g.values(), *self.w.values()]:
            shards.write(self.out)
        return sum(len(g.dirty) for g in self.g.values()), sum(len(w.dirty) for w in self.w.values())


def _tail_count(size: int, articles: int, target: int) -> int:
    """Shards for TAIL_MOST articles, at the bytes an article of a segment takes (size over
    articles); twice as many, since a small segment's keys have shorter lists, and none share
    buckets."""
    return shard_count(2 * TAIL_MOST * size // max(1, articles), target)


def _patch(state: State, todo: Plan, config: SiteConfig, current: Path, out: Writer, cache_dir: Path
           ) -> tuple[State, dict[int, Row | None], int, int, int] | None:
    try:
        codec = Codec.read((current / "dict.bin").read_bytes())
    except (OSError, ValueError) as exc:
        raise _Inconsistent(str(exc)) from exc
    old_rows = {n: state.row(n) for n in [*todo.removed, *(n for n, _ in todo.changed)]}
    old_docs = {n: _old_doc(current, codec, state, n) for n, row in old_rows.items() if row is not None}
    new_docs = {n: analyse(a, config) for n, a in todo.changed}
    texts = [t for d in [*old_docs.values(), *new_docs.values()] for t in (d.head_norm, d.rest_norm)]
    cut = _cutter(texts, state, cache_dir)
    updates: dict[int, Row | None] = {}
    live, length_sum = state.live, state.length_sum
    segs = _Segments(state, current, out)

    # Per segment and key hash: articles to add (with the key that brings each) and to drop.
    # (By the segment's name: a tuple of built-ins hashes in C, 375,000 times a day's issue.)
    g_add: dict[tuple[str, int], dict[int, str]] = defaultdict(dict)
    g_drop: dict[tuple[str, int], set[int]] = defaultdict(set)
    # Per segment and term: article -> (tf before, tf now), None where it has not the term.
    w_jobs: dict[tuple[str, str], dict[int, tuple[int | None, int | None]]] = defaultdict(dict)
    norms: dict[int, tuple[float, float]] = {}  # article -> length norm before and now
    texts_cut = 0

    def forget_old(n: int, seg: Segment) -> tuple[set[int], dict[str, int]]:
        nonlocal texts_cut, live, length_sum
        if n not in old_docs:
            norms[n] = (0.0, 0.0)
            return set(), {}
        old = old_docs[n]
        out.piece("d", n, b"")
        texts_cut += 1
        tfs, length = term_counts(cut, old)
        norms[n] = (length_norm(length, segs.frozen(seg)[1]), 0.0)
        live -= 1
        length_sum -= old_rows[n].length  # type: ignore[union-attr]
        return {fnv1a(k) for k in ngram_keys(old)}, tfs

    for n in todo.removed:
        seg = segs.of(n, None)
        old_h, old_terms = forget_old(n, seg)
        for h in old_h:
            g_drop[seg.name, h].add(n)
        for t, tf in old_terms.items():
            w_jobs[seg.name, t][n] = (tf, None)
        updates[n] = None

    for n, a in todo.changed:
        seg = segs.of(n, a)
        old_h, old_terms = forget_old(n, seg)
        doc = new_docs[n]
        new_keys = {fnv1a(k): k for k in ngram_keys(doc)}
        for h, k in new_keys.items():
            if h not in old_h:
                g_add[seg.name, h][n] = k
        for h in old_h - new_keys.keys():
            g_drop[seg.name, h].add(n)
        tfs, length = term_counts(cut, doc)
        texts_cut += 1
        for t, tf in old_terms.items():
            w_jobs[seg.name, t][n] = (tf, None)
        for t, tf in tfs.items():
            w_jobs[seg.name, t][n] = (old_terms.get(t), tf)
        norms[n] = (norms[n][0], length_norm(length, segs.frozen(seg)[1]))
        parts = record_parts(codec, records(a, doc.text, doc.head, config, todo.urls[n]))
        out.piece("d", n, b"".join(parts), len(parts[0]))
        updates[n] = Row(a.id, todo.digests[n], doc.extra, a.date.isoformat(), length)
        live += 1
        length_sum += length

    touched = {n for n, _ in todo.changed} | set(todo.removed)
    _patch_ngrams(segs, g_add, g_drop, touched, set(todo.removed), lambda d: _old_doc(current, codec, state, d))
    dictionary = _Vocab(current, "k", state.shards["k"], state.packs["k"])
    df_frozen = dict(state.df_frozen)
    rebuild: set[str] = set()  # years whose weights a patch would take too far from a full build's
    new_terms = _patch_terms(segs, w_jobs, norms, dictionary, df_frozen, rebuild)
    numbers = max(todo.numbers, state.numbers)
    if not live:
        return None
    avgdl = length_sum / live
    rebuild |= segs.outgrown(numbers) | {s.year for s in segs.known.values() if _drifted(segs.frozen(s), live, avgdl)}
    for year in rebuild:
        segs.drop(year)
    n_g, n_w = segs.write()
    # (A character stays in the dictionary once some term began with it.)
    new_words = [t for t in with_first_characters(new_terms) if t not in dictionary.entries_of(t)]
    for t, f in tokens.dictionary_freqs(new_words, cut.freqs).items():
        dictionary.entries_of(t)[t] = f
        dictionary.touch_term(t)
    dictionary.write(out)
    changed_docs: dict[int, Doc | None] = {n: new_docs.get(n) for n in updates}
    frozen = dict(state.frozen)
    for year in sorted(rebuild):
        _rebuild_year(segs, year, numbers, codec, changed_docs, live, avgdl, cache_dir)
        frozen[year] = (live, avgdl)
        df_frozen = {k: v for k, v in df_frozen.items() if not k.startswith(year + _YEAR_OF_TERM)}
    new_build = build_id(state.setup + state.build, [n.to_bytes(8, "little") + (r.digest if r else b"-")
                                                      for n, r in sorted(updates.items())])
    new_state = dataclasses.replace(state, build=new_build, before=state.build, numbers=numbers,
                                    live=live, length_sum=length_sum, sizes=segs.sizes, df_frozen=df_frozen,
                                    last=todo.last or state.last, shards=segs.shards, packs=segs.packs,
                                    segments=tuple(segs.firsts), frozen=frozen)
    return new_state, updates, n_g, n_w, texts_cut


def _patch_ngrams(segs: _Segments, g_add: Mapping[tuple[str, int], dict[int, str]],
                  g_drop: Mapping[tuple[str, int], set[int]], touched: set[int], removed: set[int],
                  old_doc: Callable[[int], Doc]) -> None:
    """The n-gram entries and buckets the changed articles join or leave, in their segments' shards."""
    zdoc: dict[int, Doc] = {}
    for name, h in g_add.keys() | g_drop.keys():
        seg = segs.known[name]
        g, first = segs.ngrams(seg), seg.first
        adds, drops = g_add.get((name, h), {}), g_drop.get((name, h), set())
        entries = g.entries(h)["entries"]
        if h not in entries and g.buckets:
            # A rare key (or one no article had): its bucket gains the articles
            # that have it now. An edited article that lost it stays in the
            # bucket until the next full build (a bucket is checked against
            # the text anyway); a removed one leaves.
            bucket = g.bucket(h)
            gone = bucket & {n - first for n in drops & removed}
            new = {n - first for n in adds} - bucket
            if gone or new:
                bucket -= gone
                bucket |= new
                segs.sizes[g.folder] += RARE_BYTES * (len(new) - len(gone))
                g.touch(h)
            continue
        payload, merged = entries.get(h, (b"", False))
        if payload and adds and not drops and min(adds) >= segs.state.numbers:
            # Only articles after all it holds join the entry (a new day's issue): appended to it.
            if not merged:
                merged = _merged(adds, first + first_doc(payload), old_doc, zdoc)
            encoded = append_docs(payload, sorted(n - first for n in adds))
            segs.sizes[g.folder] += len(encoded) - len(payload)
            entries[h] = (encoded, merged)
            g.touch(h)
            continue
        have = {first + d for d in decode_docs(payload)} if payload else set()
        if adds and not merged:
            # A key new to an existing entry: the entry may be another key's with
            # the same hash. One unchanged article of it tells (its text is read);
            # two different new keys tell by themselves.
            others = have - touched
            merged = _merged(adds, min(others), old_doc, zdoc) if others else len(set(adds.values())) > 1
        now = (have - drops) | adds.keys()
        if now == have and bool(merged) == bool(entries.get(h, (b"", False))[1]):
            continue
        encoded = encode_docs(sorted(d - first for d in now))
        segs.sizes[g.folder] += (len(encoded) + 3 if now else 0) - (len(payload) + 3 if payload else 0)
        if now:
            entries[h] = (encoded, merged)
        else:
            entries.pop(h, None)
        g.touch(h)


def _merged(adds: Mapping[int, str], other: int, old_doc: Callable[[int], Doc], zdoc: dict[int, Doc]) -> bool:
    """Whether an entry that articles join with these keys (adds: article -> key) holds more keys than
    one: two different new keys tell by themselves, else one other article of it (its text is read)."""
    keys = set(adds.values())
    if len(keys) > 1:
        return True
    if other not in zdoc:
        zdoc[other] = old_doc(other)
    return not _contains(zdoc[other], next(iter(keys)))


def _patch_terms(segs: _Segments, w_jobs: Mapping[tuple[str, str], dict[int, tuple[int | None, int | None]]],
                 norms: Mapping[int, tuple[float, float]], dictionary: "_Vocab", df_frozen: dict[str, int],
                 rebuild: set[str]) -> list[str]:
    """The term entries whose articles or levels changed, in their segments' shards; returns the terms
    new to the archive. A year where a term's weights would drift too far from a full build's joins
    ``rebuild`` (its entries are left: it is rebuilt whole)."""
    state = segs.state
    new_terms: list[str] = []
    common = set(state.common)
    for (name, t), jobs in w_jobs.items():
        seg = segs.known[name]
        if seg.year in rebuild:
            # (its entries come with the year's rebuild, but the dictionary still learns
            # a word the changed articles brought, as a full build's does)
            if any(now is not None for _, now in jobs.values()) and t not in dictionary.entries_of(t):
                new_terms.append(t)
            continue
        w, first = segs.terms(seg), seg.first
        n_frozen = segs.frozen(seg)[0]
        drifts = functools.partial(_drifts, f"{seg.year}{_YEAR_OF_TERM}{t}", n_frozen=n_frozen, df_frozen=df_frozen)
        h = fnv1a(t)
        entries = w.entries(h)
        old = entries.get(h)
        gained = sum((now is not None) - (was is not None) for was, now in jobs.values())
        if old is None:
            if len(t) < 2 or t in common:
                if t not in dictionary.entries_of(t):
                    new_terms.append(t)
                continue  # a common term or a single character: not ranked
            if not gained:
                continue
            if t not in dictionary.entries_of(t):
                new_terms.append(t)
            pairs: dict[int, int] = {}
            df = gained + _df_elsewhere(segs, seg, t)
        elif gained == len(jobs) and min(jobs) >= state.numbers:
            # Only articles after all it has gain the term (a new day's issue): appended to its entry.
            at = WeightsEnd.of(old[0])
            df = at.df + gained
            if drifts(df, gained):
                rebuild.add(seg.year)
                continue
            weight = idf(n_frozen, df)
            added = sorted((n - first, bm25_level(weight, tf, norms[n][1])) for n, (_, tf) in jobs.items())
            payload = append_weights(old[0], added, df, at)
            segs.sizes[w.folder] += len(payload) - len(old[0])
            entries[h] = (payload, False)
            w.touch(h)
            continue
        else:
            df = weights_df(old[0]) + gained
            if not gained:
                # Most terms of an edited article keep their count and level: their
                # entries (the long ones above all) are not even decoded.
                weight = idf(n_frozen, df)
                if all(was == now and bm25_level(weight, was, norms[n][0]) == bm25_level(weight, now, norms[n][1])
                       for n, (was, now) in jobs.items() if was is not None):
                    continue
            pairs = {first + d: level for d, level in decode_weights(old[0]).items()}
        if drifts(df, gained):
            rebuild.add(seg.year)
            continue
        before = dict(pairs)
        weight = idf(n_frozen, df)
        for n, (_, tf) in jobs.items():
            pairs.pop(n, None)
            if tf is not None:
                pairs[n] = bm25_level(weight, tf, norms[n][1])
        if pairs == before:
            continue
        payload = encode_weights(sorted((n - first, level) for n, level in pairs.items()), df) if pairs else b""
        segs.sizes[w.folder] += (len(payload) + 3 if pairs else 0) - (len(old[0]) + 3 if old else 0)
        if pairs:
            entries[h] = (payload, False)
        else:
            entries.pop(h, None)
            if df <= 0:
                vocab = dictionary.entries_of(t)
                if vocab.pop(t, None) is not None:  # no article has it any more
                    dictionary.touch_term(t)
        w.touch(h)
    return new_terms


def _drifts(t: str, df: int, gained: int, n_frozen: int, df_frozen: dict[str, int]) -> bool:
    """Whether the term's other articles' levels would drift too far from a full build's, its article
    count now df (gained since its year was last built, which df_frozen keeps: t is year + SEP + term)."""
    if not gained or not df or df <= gained:  # (at 0 the entry goes, and no article's level lags behind)
        return False
    then, now = idf(n_frozen, df_frozen.setdefault(t, df - gained)), idf(n_frozen, df)
    return then <= 0 or not then / IDF_DRIFT < now < then * IDF_DRIFT


def _df_elsewhere(segs: _Segments, seg: Segment, t: str) -> int:
    """A term's article count as an older segment's entry has it (0 when none has one): the whole
    archive's, which each segment's entries begin with."""
    h = fnv1a(t)
    for w in segs.others(seg):
        old = w.entries(h).get(h)
        if old is not None:
            return weights_df(old[0])
    return 0


def _drifted(frozen: tuple[int, float], live: int, avgdl: float) -> bool:
    """Whether the archive's BM25 globals moved more than DRIFT from those a year's weights use."""
    n, length = frozen
    return abs(live - n) > DRIFT * n or abs(avgdl - length) > DRIFT * length


def _rebuild_year(segs: _Segments, year: str, numbers: int, codec: Codec, changed: Mapping[int, Doc | None],
                  live: int, avgdl: float, cache_dir: Path) -> None:
    """Rebuild a year's postings as one base segment (years.py), its tail if any folded in;
    the segments' counts, packs and sizes brought up to date."""
    state = segs.state
    which = years.year_in(segs.firsts, year, numbers)
    built = {name for name, _ in state.segments}  # (not a tail this patch started)
    old = years.old_counts((h, payload) for name, first in which.firsts if name in built
                           for h, (payload, _) in _all_entries(segs.terms(Segment(name, first, first))))

    def rows(n: int) -> tuple[str, tuple[str, ...]] | None:
        row = state.row(n)
        return (row.id, row.extra) if row is not None else None

    def elsewhere(t: str) -> int:
        return _df_elsewhere(segs, Segment(year, which.first, which.first), t)

    texts = years.docs(which, segs.current, state.packs["d"], codec, rows, changed)
    try:
        done = years.rebuild(segs.out, which, texts, elsewhere, old, live, avgdl, set(state.common), state.words,
                             cache_dir)
    except ValueError as exc:
        raise _Inconsistent(str(exc)) from exc
    segs.drop(year)
    for name, _ in which.firsts:
        for kind in (f"g/{name}", f"w/{name}", f"buckets/{name}"):
            for table in (segs.shards, segs.packs, segs.sizes):
                table.pop(kind, None)
    segs.shards.update(done.shards)
    segs.packs.update(done.packs)
    segs.sizes.update(done.sizes)
    at = segs.firsts.index(which.firsts[0])
    segs.firsts[at:at + len(which.firsts)] = [(year, which.first)]


def _all_entries(shards: _Shards) -> Iterator[tuple[int, tuple[bytes, bool]]]:
    """Every entry of a segment's shards, as the patch left them."""
    for n in range(shards.count):
        yield from shards.load(n).items()
