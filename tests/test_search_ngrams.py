"""The n-gram shards of a full build (search/ngrams.py, numpy) against the key-by-key
reference: layout.ngram_keys per article, a list per key, layout.encode_docs and
Writer.shards, as a rebuild's patch still reads and writes single entries."""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from wxnews_site.config import SiteConfig
from wxnews_site.search import index as search_index
from wxnews_site.search import layout
from wxnews_site.search import ngrams, spill
from wxnews_site.search.layout import Doc, Writer, analyse, decode_docs, encode_docs, fnv1a, ngram_keys
from wxnews_site.search.normalize import normalize

from test_search import ARTICLES, article

# Two person keys with one hash, and two bigrams with one hash (found by search).
PERSON_A, PERSON_B = "纀丷七", "耢一一"
BIGRAM_A, BIGRAM_B = "舔㒨", "引进"


def doc(text: str, head: int = 0, extra: tuple[str, ...] = ()) -> Doc:
    return Doc(text, normalize(text), head, extra)


def varied_docs() -> list[Doc]:
    config = SiteConfig()
    docs = [analyse(a, config) for a in sorted(ARTICLES, key=lambda a: (a.date, a.page, a.position, a.id))]
    docs += [
        doc("長三角與機器人產業：臺灣學者（訪問）\n來自ＡＢＣ公司的iPhone 15 Pro", 9),
        doc("", 0),                                       # nothing searchable at all
        doc("", 0, (layout.SECTION + "副刊",)),       # a section and nothing else
        doc("只有标题", 4),                                 # headline only
        doc("标题\n正文\x00里有\x00NUL、\r回车\t制表\ufeff和\uffff", 2),
        doc("𠀋𠀌字𠀋（扩展B）😀👍🏽 e\u0301 ﬁ Straße ΑΒΓ Ждём", 3),
        doc("数字2024年12月31日，增长3.5%——“引号”『括号』\n\n\n空行", 0),
        doc(f"{BIGRAM_A}新貌。{BIGRAM_B}外资", 2, (layout.PERSON + PERSON_A,)),
        doc(f"标题{BIGRAM_B}\n正文", 4, (layout.PERSON + PERSON_B, layout.SECTION + "要闻")),
        doc("标题\n" + "太湖之滨。" * 300, 2, (layout.PERSON + "崔欣润", layout.PERSON + "张伟")),
    ]
    # One of the colliding bigrams in more articles than a bucket takes: the
    # rare one joins its entry.
    docs += [doc(f"{BIGRAM_B}项目第{i}个", 0) for i in range(layout.RARE + 1)]
    # A common character in many articles (a bitmap), a rare one far apart (gaps).
    docs += [doc(f"第{i}篇：共同的字" + ("稀" if i % 37 == 0 else ""), 0) for i in range(300)]
    return docs


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def reference(docs: list[Doc], root: Path) -> tuple[int, int, int, int, int, set[int]]:
    """The n-gram shards key by key: rare keys' articles in buckets, every
    other key's list in its entry (united with any other key of its hash)."""
    postings: dict[str, list[int]] = defaultdict(list)
    for n, d in enumerate(docs):
        for key in ngram_keys(d):
            postings[key].append(n)
    own = {key: ds for key, ds in postings.items() if not layout.is_rare(key, len(ds), len(docs))}
    rare = {key: ds for key, ds in postings.items() if key not in own}
    by_hash: dict[int, list[int]] = {}
    merged: set[int] = set()
    own_hashes = {fnv1a(key) for key in own}
    for key, ds in [*own.items(), *((k, ds) for k, ds in rare.items() if fnv1a(k) in own_hashes)]:
        h = fnv1a(key)
        if h in by_hash:
            merged.add(h)
            by_hash[h] = sorted(set(by_hash[h]) | set(ds))
        else:
            by_hash[h] = ds
    in_buckets = {k: ds for k, ds in rare.items() if fnv1a(k) not in by_hash}
    payloads = {h: (encode_docs(ds), h in merged) for h, ds in by_hash.items()}
    pairs = sum(map(len, in_buckets.values()))
    size = sum(len(v[0]) + 3 for v in payloads.values()) + layout.RARE_BYTES * pairs
    count = layout.shard_count(size, layout.NGRAM_SHARD_TARGET)
    buckets = layout.bucket_count(pairs, count)
    shards: dict[int, tuple[dict, list[set[int]]]] = {}
    for n in range(count):
        shards[n] = ({}, [set() for _ in range(buckets)])
    for h, entry in payloads.items():
        shards[h % count][0][h] = entry
    for key, ds in in_buckets.items():
        h = fnv1a(key)
        shards[h % count][1][layout.bucket_of(h, count, buckets)].update(ds)
    out = Writer(root, fresh=True)
    out.pieces("g", [layout.deflate(layout.pack_ngram_shard(shards[n][0], count, shards[n][1]))
                     for n in range(count)], count)
    return count, buckets, size, len(postings), out.packs.per["g"], merged


def test_colliding_keys_are_real_collisions():
    assert fnv1a(layout.PERSON + PERSON_A) == fnv1a(layout.PERSON + PERSON_B)
    assert fnv1a(BIGRAM_A) == fnv1a(BIGRAM_B)


@pytest.mark.parametrize("buckets", [True, False], ids=["rare keys in buckets", "every key its entry"])
@pytest.mark.parametrize("small", [False, True], ids=["as built", "tiny batches and groups"])
def test_the_shards_are_byte_for_byte_those_of_the_key_by_key_reference(tmp_path, monkeypatch, small, buckets):
    if buckets:  # (as in an archive of a thousand articles or more)
        monkeypatch.setattr(layout, "BUCKETS_FROM", 0)
    if small:  # many batches, partitions and shard groups; characters made unique by sorting
        monkeypatch.setattr(ngrams, "BATCH_CHARS", 40)
        monkeypatch.setattr(ngrams, "BATCH_DOCS", 8)
        monkeypatch.setattr(ngrams, "PACK_GROUP", 3)
        monkeypatch.setattr(ngrams, "TABLE_LIMIT", 0)
        # Pairs spilled in many runs, entries in several groups of shards.
        monkeypatch.setattr(spill, "BUDGET", 2_000)
        monkeypatch.setattr(spill, "GROUP_BYTES", 300)
    docs = varied_docs()
    expected = reference(docs, tmp_path / "reference")
    count, n_buckets, size, keys, per, merged = expected
    assert len(merged) == 2, "both collisions are in the archive"
    assert (n_buckets > 0) == buckets
    got = ngrams.write_ngrams(Writer(tmp_path / "numpy", fresh=True), docs)
    assert got == (count, n_buckets, size, keys, per)
    assert count > 1
    assert files(tmp_path / "numpy") == files(tmp_path / "reference")


def test_an_empty_archive_has_one_empty_shard(tmp_path):
    assert ngrams.write_ngrams(Writer(tmp_path / "numpy", fresh=True), []) == reference([], tmp_path / "ref")[:5]
    assert files(tmp_path / "numpy") == files(tmp_path / "ref") != {}


def test_article_numbers_past_a_million_keep_their_keys(tmp_path):
    # Pairs pack a key's code and an article number into 64 bits; past 2**20
    # articles the partitions take more of the code's bits.
    n_docs = (1 << 22) + 5
    pairs = ngrams._Pairs(n_docs, tmp_path / "pairs")
    docs = [doc("长三角一体化", 3, (layout.PERSON + "刘泉",)), doc("长江", 0), doc("江南大学", 2)]
    first = n_docs - len(docs)
    pairs.add_batch(first, docs)
    pairs.runs.flush()
    found: dict[int, set[int]] = defaultdict(set)
    extra_hashes = np.array([fnv1a(k) for k in pairs.extra_ids], dtype=np.uint64)
    for p in range(1 << pairs.k):
        codes, starts, numbers = pairs.keys(p)
        payloads, lengths = ngrams.encode_lists(starts, numbers)
        at = 0
        for h, size in zip(ngrams._hashes(codes, extra_hashes).tolist(), lengths.tolist()):
            found[h].update(decode_docs(payloads[at:at + size].tobytes()))
            at += size
    expected: dict[int, set[int]] = defaultdict(set)
    for n, d in enumerate(docs):
        for key in ngram_keys(d):
            expected[fnv1a(key)].add(first + n)
    assert found == expected


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.integers(0, 400_000), min_size=1, max_size=80, unique=True), max_size=20),
       st.lists(st.integers(0, 2_000), min_size=64, max_size=300, unique=True))
def test_lists_are_encoded_as_encode_docs_does_each(lists, dense):
    # Sparse lists take gaps, dense ones bitmaps, either within one call.
    lists = [sorted(x) for x in [*lists, dense]]
    starts = np.cumsum([0] + [len(x) for x in lists[:-1]])
    payloads, lengths = ngrams.encode_lists(starts, np.array([d for x in lists for d in x], dtype=np.int64))
    assert payloads.tobytes() == b"".join(encode_docs(x) for x in lists)
    assert lengths.tolist() == [len(encode_docs(x)) for x in lists]


def test_a_full_build_writes_the_reference_shards(tmp_path, monkeypatch):
    monkeypatch.setattr(layout, "BUCKETS_FROM", 0)
    # Through write_index, with the articles as the build analyses them.
    config = SiteConfig()
    docs = sorted(ARTICLES, key=lambda a: (a.date, a.page, a.position, a.id))
    docs.append(article("2024-07-01-01-01", f"{BIGRAM_A}见闻", f"外资{BIGRAM_B}。", bylines=(PERSON_A, PERSON_B)))
    docs += [article(f"2024-07-02-01-0{i + 1}", "招商", f"{BIGRAM_B}项目。") for i in range(layout.RARE + 1)]
    search_index.write_index(docs, tmp_path / "site", config, tmp_path / ".cache", lambda a: f"/a/{a.id}/",
                             processes=1)
    count, _, _, _, per, merged = reference([analyse(a, config) for a in docs], tmp_path / "ref")
    assert len(merged) == 2
    # (the archive's one segment, 2024: its shards are those of its articles)
    built = {k.replace("g/2024/", "g/"): v for k, v in files(tmp_path / "site" / "search").items()
             if k.startswith("g/")}
    assert len(built) == count // per
    assert built == files(tmp_path / "ref")
