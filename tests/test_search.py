"""Search at build time: normalising, query parsing, the sharded index and the token cache.

The browser half (search.js over a built site) is in test_search_browser.py;
both use the invented archive below.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest

from wxnews_site.config import SiteConfig
from wxnews_site.format import render_article
from wxnews_site.model import Article
from wxnews_site.search import index as search_index, packs
from wxnews_site.search import layout
from wxnews_site.search.layout import read_varint
from wxnews_site.search.normalize import MARK_RUNS, is_mark, normalize, parse_query, searchable_text
from wxnews_site.search.records import Codec


def article(aid: str, title: str | None, body: str, *, kicker: str | None = None, subtitle: str | None = None,
            section: str | None = "要闻", bylines: tuple[str, ...] = (), photographers: tuple[str, ...] = (),
            kind: str = "article") -> Article:
    date, page, pos = aid[:10], int(aid[11:13]), int(aid[14:16])
    return Article(
        id=aid, date=dt.date.fromisoformat(date), page=page, position=pos, section=section, paper="无锡日报",
        kind=kind, kicker=kicker, title=title, subtitle=subtitle, bylines=bylines, photographers=photographers,
        credit=None, dateline=None, continued_from_page=None, continued_to_page=None, source=None, review=(),
        body=body, path=f"{date.replace('-', '/')}/{page:02d}-{pos:02d}.md",
    )


# An invented archive: each article exists to make one search behaviour visible.
ARTICLES = (
    article("2024-06-30-02-01", "加码无锡,“人形机器人第一股”向未来跃进",
            "人形机器人企业在新吴区落户。\n\n今年以来，无锡加快布局具身智能产业。",
            kicker="聚焦新质生产力", section="经济", bylines=("崔欣润",)),
    article("2024-06-29-01-01", "长三角一体化再提速",
            "长三角地区的港口合作更加紧密，主航道疏浚工程完工。\n\n英伟达与本地企业签约，NVIDIA芯片供货。",
            bylines=("刘泉",)),
    article("2024-06-28-03-01", "老旧小区加装电梯 民生实事落地",
            "今年全市计划为老旧小区加装电梯一百台。\n\n## 居民点赞\n\n小区改造让出行更方便。",
            section="民生", bylines=("张伟",), photographers=("宗晓东",)),
    article("2024-06-29-03-02", "城市更新观察",
            "一些老旧小区仍在排队。机器设备进场施工，华为捐赠了设备。",
            section="民生", bylines=("章伟",)),
    article("2024-06-27-04-01", "ＡＩ芯片展亮相",
            "展会上的ＡＩ芯片来自多家企业，iPhone 用户排起长队。",
            section="科技", bylines=("王芳",)),
    article("2024-06-26-04-02", "两岸交流",
            "來自臺灣的學者談到長三角與機器人產業。",
            section="科技"),
    article("2024-06-25-05-01", "<script>window.__pwned = 1</script>标签测试",
            "正文里有 \"><img src=x onerror=\"window.__pwned=2\"> 这样的注入文本。",
            section="副刊"),
    article("2024-06-24-05-02", None,
            "荷花盛开，游客在蠡湖边拍照。", kind="photo", section="副刊", photographers=("李伟",)),
    article("2024-06-23-06-01", "太湖漫记", "太湖之滨。" * 700 + "\n\n蠡园深处有一座长廊。", section="副刊"),
)


def write_archive(folder: Path, articles=ARTICLES) -> Path:
    """The invented articles as files, the way editors keep them."""
    for a in articles:
        path = folder / a.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render_article(a), encoding="utf-8")
    return folder


# ------------------------------------------------------------ a reader for the index files

class Index:
    """Reads search/ the way search.js does, to check what the build wrote."""

    def __init__(self, root: Path):
        self.root = root
        self.meta = json.loads((root / "meta.json").read_text(encoding="utf-8"))

    def segments(self) -> list[layout.Segment]:
        return layout.segments_of(self.meta["segments"], self.meta["docs"])

    def _entries(self, folder: str, key: str, seg: layout.Segment | None = None) -> bytes | None:
        """The entry of a key in a kind's shards (g and w: the segment's, the only one without it)."""
        if folder in ("g", "w"):
            seg = seg or self.segments()[0]
            folder = seg.kind(folder)
        count = self.meta["shards"][folder]
        h = layout.fnv1a(key)
        b = self.shard(folder, h % count)
        if not b:
            return None
        n, i = read_varint(b, 0)
        heads, acc = [], 0
        for _ in range(n):
            gap, i = read_varint(b, i)
            size, i = read_varint(b, i)
            acc += gap
            heads.append((acc, size // 2))
        for q, size in heads:
            if q == h // count:
                return b[i:i + size]
            i += size
        return None

    def shard(self, kind: str, n: int) -> bytes:
        return layout.read_shard(self.root, kind, n, self.meta["packs"][kind])

    def docs(self, key: str) -> list[int]:
        """The articles the browser takes for a key, segment by segment: its entry's, else its
        bucket's (a superset)."""
        return [seg.first + d for seg in self.segments() for d in self._segment_docs(key, seg)]

    def _segment_docs(self, key: str, seg: layout.Segment) -> list[int]:
        payload = self._entries("g", key, seg)
        if payload:
            return layout.decode_docs(payload)
        count, buckets = self.meta["shards"][seg.kind("g")], self.meta["shards"][seg.kind("buckets")]
        if not buckets:
            return []
        h = layout.fnv1a(key)
        b = self.shard(seg.kind("g"), h % count)
        return layout.unpack_ngram_shard(b, count, h % count, buckets)[1][layout.bucket_of(h, count, buckets)]

    def weights(self, term: str) -> dict[int, int]:
        out = {}
        for seg in self.segments():
            payload = self._entries("w", term, seg)
            if payload is not None:
                out.update({seg.first + d: level for d, level in layout.decode_weights(payload).items()})
        return out

    def record(self, n: int) -> dict:
        """An article's record with its whole text, put together from its parts."""
        codec = Codec.read((self.root / "dict.bin").read_bytes())
        return layout.read_record(codec, self.piece("d", n))

    def piece(self, kind: str, n: int) -> tuple[bytes, int]:
        return packs.read_piece(self.root, kind, n, self.meta["packs"][kind])

    def number_of(self, article_id: str) -> int:
        return next(n for n in range(self.meta["docs"]) if self.record(n)["i"] == article_id)


def url_for(a: Article) -> str:
    return f"{a.date:%Y/%m/%d}/{a.page:02d}-{a.position:02d}.html"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Index:
    out = tmp_path_factory.mktemp("site")
    config = SiteConfig(search_words=("新吴区", "具身智能"))
    search_index.write_index(ARTICLES, out, config, out / ".cache", url_for, processes=1)
    return Index(out / "search")


# ------------------------------------------------------------------------- normalising

@pytest.mark.parametrize("text, folded", [
    ("長三角", "长三角"),
    ("機器人", "机器人"),
    ("ＡＩ芯片", "ai芯片"),
    ("ｉＰｈｏｎｅ\u3000１５", "iphone 15"),
    ("NVIDIA", "nvidia"),
    ("臺灣學者", "台湾学者"),
    ("“人形机器人第一股”", "“人形机器人第一股”"),
])
def test_normalize_folds_width_script_and_case(text, folded):
    assert normalize(text) == folded


@pytest.mark.parametrize("query, terms", [
    ("老旧小区 加装电梯", ["老旧小区", "加装电梯"]),
    ("\"老旧 小区\"", ["老旧小区"]),
    ("“人形机器人 第一股”  無錫", ["人形机器人第一股", "无锡"]),
    ("\"长三角 金融\" \"new york\" \"5G 基站\"", ["长三角金融", "new york", "5g 基站"]),
    ("  ", []),
    ("ＡＩ　芯片", ["ai", "芯片"]),
    ("华为 华为", ["华为"]),
])
def test_parse_query_ands_words_and_keeps_quoted_phrases(query, terms):
    assert parse_query(query) == terms


def test_searchable_text_holds_headlines_body_and_people_but_not_markup():
    text = searchable_text(ARTICLES[2])
    assert text.startswith("老旧小区加装电梯 民生实事落地\n")
    assert "居民点赞" in text and "## " not in text
    assert "张伟" in text and "宗晓东" in text


# ----------------------------------------------------------------------------- index

def test_every_substring_is_covered_by_its_bigrams(built):
    robot = built.number_of("2024-06-30-02-01")
    for key in ("机器", "器人", "人形", "机", "形"):
        assert robot in built.docs(key), key
    delta = built.number_of("2024-06-29-01-01")
    assert delta in built.docs("三角") and delta in built.docs("航道")


def test_bigrams_with_punctuation_are_left_to_verification(built):
    delta = built.number_of("2024-06-29-01-01")
    text = built.record(delta)["x"]
    assert "约," in normalize(text) and ",n" in normalize(text)
    keys = layout.ngram_keys(layout.doc_of_record(built.record(delta), ()))
    assert "约," not in keys and ",n" not in keys
    assert built._entries("g", "约,") is None and built._entries("g", ",n") is None
    assert delta in built.docs(",") and delta in built.docs("签约") and delta in built.docs("nv")


def test_traditional_and_full_width_text_is_indexed_folded(built):
    strait = built.number_of("2024-06-26-04-02")
    assert strait in built.docs("长三") and strait in built.docs("机器")
    chips = built.number_of("2024-06-27-04-01")
    assert chips in built.docs("ai") and chips in built.docs("ph")


def test_headlines_sections_and_people_are_filters(built):
    old = built.number_of("2024-06-28-03-01")
    body_only = built.number_of("2024-06-29-03-02")
    assert old in built.docs("\x01老旧")
    assert body_only not in built.docs("\x01老旧") or not built._entries("g", "\x01老旧"), "only a bucket is a superset"
    assert set(built.docs("\x02民生")) == {old, body_only}
    assert built.docs("\x03张伟") == [old] and built.docs("\x03章伟") == [body_only]
    assert built.docs("\x03宗晓东") == [old]


def test_articles_are_numbered_oldest_first_so_newer_sorts_higher(built):
    dates = [built.record(n)["d"] for n in range(built.meta["docs"])]
    assert dates == sorted(dates)
    assert built.meta["first"] == "2024-06-23" and built.meta["last"] == "2024-06-30"


def test_records_carry_what_a_result_shows(built):
    rec = built.record(built.number_of("2024-06-30-02-01"))
    assert rec["u"] == "2024/06/30/02-01.html"
    assert rec["t"] == "加码无锡,“人形机器人第一股”向未来跃进"
    assert (rec["p"], rec["s"], rec["b"]) == (2, "经济", ["崔欣润"])
    photo = built.record(built.number_of("2024-06-24-05-02"))
    assert photo["t"].startswith("荷花盛开") and photo["b"] == ["李伟"]
    strait = built.record(built.number_of("2024-06-26-04-02"))
    at = strait["x"].index("長三角")
    assert [at, "长"] in strait["z"] and [at + 1, "三"] not in strait["z"]
    assert "z" not in rec, "full-width punctuation is folded by the browser itself"


def test_site_words_and_names_join_the_jieba_vocabulary(built):
    robot = built.number_of("2024-06-30-02-01")
    assert robot in built.weights("具身智能")  # from site.yaml's search.words
    assert robot in built.weights("崔欣润")  # a byline, cut whole
    vocab = json.loads(built.shard("k", layout.vocab_shard("具身智能", built.meta["shards"]["k"])))
    assert "具身智能" in vocab


def test_a_long_text_is_sent_in_parts(built):
    n = built.number_of("2024-06-23-06-01")
    data, first = built.piece("d", n)
    codec = Codec.read((built.root / "dict.bin").read_bytes())
    sizes = codec.unpack(data[:first])["n"]
    assert len(sizes) == 2 and first + sum(sizes) == len(data), "three parts, each fetched alone"
    assert built.record(n)["x"].endswith("蠡园深处有一座长廊。")


def test_headline_terms_weigh_more_than_body_terms(built):
    w = built.weights("小区")
    assert w[built.number_of("2024-06-28-03-01")] > w[built.number_of("2024-06-29-03-02")]


def test_sections_configured_by_page_win_over_printed_ones(tmp_path):
    from wxnews_site.config import SectionRule
    config = SiteConfig(sections=(SectionRule((4,), "科教"),))
    search_index.write_index(ARTICLES, tmp_path, config, tmp_path / ".cache", url_for, processes=1)
    idx = Index(tmp_path / "search")
    assert "科教" in idx.meta["sections"] and "科技" not in idx.meta["sections"]


def test_a_rebuild_cuts_only_the_changed_article(tmp_path):
    cache = tmp_path / ".cache"
    # Older issues around the sample, so that one changed article moves no word's weight far.
    older = [article(f"2024-05-{d:02d}-01-{p:02d}", f"第{d}日第{p}篇", "老旧小区加装电梯，长三角航道通航。")
             for d in range(1, 11) for p in range(1, 7)]
    docs = older + list(ARTICLES)
    first = search_index.write_index(docs, tmp_path / "a", SiteConfig(), cache, url_for, processes=1)
    assert (first.cut, first.patched) == (len(docs), False)
    changed = list(docs)
    changed[len(older) + 1] = article("2024-06-29-01-01", "长三角一体化再提速", "改过的正文：辋村。", bylines=("刘泉",))
    second = search_index.write_index(changed, tmp_path / "b", SiteConfig(), cache, url_for, processes=1,
                                      previous=tmp_path / "a")
    assert second.patched and second.cut == 2, "its text as it was, and as it is"
    idx = Index(tmp_path / "b" / "search")
    assert idx.number_of("2024-06-29-01-01") in idx.docs("辋村")  # (a rare key: its bucket, a superset)
    assert idx.number_of("2024-06-29-01-01") not in idx.docs("航道")


def test_a_cold_cut_uses_several_processes(tmp_path):
    many = [article(f"2024-05-{d:02d}-01-{p:02d}", f"第{d}日第{p}篇", "老旧小区加装电梯。" * 3)
            for d in range(1, 29) for p in range(1, 16)]
    stats = search_index.write_index(many, tmp_path, SiteConfig(), tmp_path / ".cache", url_for, processes=2)
    assert stats.workers == 2 and stats.cut == len(many)
    assert len(Index(tmp_path / "search").docs("电梯")) == len(many)


def test_rebuild_replaces_the_previous_index(tmp_path):
    search_index.write_index(ARTICLES, tmp_path, SiteConfig(), tmp_path / ".cache", url_for, processes=1)
    search_index.write_index(ARTICLES[:2], tmp_path, SiteConfig(), tmp_path / ".cache", url_for, processes=1)
    idx = Index(tmp_path / "search")
    assert idx.meta["docs"] == 2
    assert idx.piece("d", 2) == packs.EMPTY


@pytest.mark.parametrize("docs", [[], [5], list(range(0, 2000, 2)), [0, 7, 8, 300_000], list(range(64))])
def test_article_lists_round_trip_as_gaps_or_bitmaps(docs):
    payload = layout.encode_docs(docs)
    assert layout.decode_docs(payload) == docs
    if len(docs) >= 64 and docs[-1] < 2000:
        assert payload[0] & 1, "a dense list is stored as a bitmap"


@pytest.mark.parametrize("docs", [[5], list(range(0, 2000, 2)), [0, 7, 8, 300_000], list(range(64))])
@pytest.mark.parametrize("added", [[300_001], [300_002, 300_900, 301_000], [400_000]])
def test_a_new_issue_s_articles_are_appended_to_a_list_as_it_is(docs, added):
    payload = layout.append_docs(layout.encode_docs(docs), added)
    assert layout.decode_docs(payload) == docs + added and layout.first_doc(payload) == docs[0]


@pytest.mark.parametrize("pairs", [[(3, 9)], [(0, 1), (9, 15), (20_000, 7)], [(n, n % 16) for n in range(0, 3000, 3)]])
def test_a_new_issue_s_weights_are_appended_to_a_terms_entry(pairs):
    payload = layout.append_weights(layout.encode_weights(pairs, 40), [(30_000, 4), (30_001, 12)], 42)
    assert layout.decode_weights(payload) == {**dict(pairs), 30_000: 4, 30_001: 12}
    assert layout.weights_df(payload) == 42


def test_keys_with_one_hash_share_an_entry_that_holds_both_lists(tmp_path):
    # Two person keys with one FNV-1a hash (found by search: short keys rarely collide).
    a, b = "纀丷七", "耢一一"
    assert layout.fnv1a(layout.PERSON + a) == layout.fnv1a(layout.PERSON + b)
    docs = [article("2024-01-01-01-01", "甲", "正文", bylines=(a,)), article("2024-01-02-01-01", "乙", "正文", bylines=(b,))]
    search_index.write_index(docs, tmp_path, SiteConfig(), tmp_path / ".cache", url_for, processes=1)
    idx = Index(tmp_path / "search")
    assert idx.docs(layout.PERSON + a) == idx.docs(layout.PERSON + b) == [0, 1]


def test_weights_are_kept_as_sixteen_log_levels():
    levels = [layout.weight_level(w) for w in (0.001, 0.1, 0.5, 1.0, 2.0, 4.0, 8.0, 20.0, 1000.0)]
    assert levels == sorted(levels) and levels[0] == 0 and levels[-1] == 15
    assert layout.weight_level(1.0) == 7 and layout.weight_level(2.0) == 9


def _files(root):
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_two_full_builds_of_the_same_articles_are_byte_identical(tmp_path):
    search_index.write_index(ARTICLES, tmp_path / "a", SiteConfig(), tmp_path / "c1", url_for, processes=2)
    search_index.write_index(ARTICLES, tmp_path / "b", SiteConfig(), tmp_path / "c2", url_for, processes=1)
    assert _files(tmp_path / "a" / "search") == _files(tmp_path / "b" / "search")


def test_an_output_replaced_since_the_state_was_saved_is_not_patched(tmp_path):
    cache = tmp_path / ".cache"
    search_index.write_index(ARTICLES, tmp_path / "old", SiteConfig(), cache, url_for, processes=1)
    # A build that never got swapped in: the state names files the folder no longer holds.
    for f in [f for f in (tmp_path / "old" / "search").rglob("*") if f.is_file()]:
        other = f.with_name("other")
        other.write_bytes(f.read_bytes()[:-1] + b"?")
        other.replace(f)
    stats = search_index.write_index(ARTICLES, tmp_path / "new", SiteConfig(), cache, url_for, processes=1,
                                     previous=tmp_path / "old")
    assert stats.linked == 0 and not stats.patched
    clean = search_index.write_index(ARTICLES, tmp_path / "clean", SiteConfig(), tmp_path / "c2", url_for,
                                     processes=1)
    assert _files(tmp_path / "new" / "search") == _files(tmp_path / "clean" / "search") and clean.linked == 0


def test_runs_without_marks_split_exactly_at_marks():
    marks = {chr(cp) for cp in range(0x10000) if is_mark(chr(cp))}
    split = {chr(cp) for cp in range(0x10000) if MARK_RUNS.fullmatch(chr(cp))}
    assert split == marks


def test_normalize_folds_traditional_characters_beyond_the_basic_plane():
    # 𡑍 (U+2144D) folds to 𫭼, 𝐀 (U+1D400) to a; the basic plane's folds go through a faster table.
    assert normalize("長三角𡑍ＡＢ　𠮷𝐀") == "长三角𫭼ab 𠮷a"


class Reread:
    """Articles read afresh at each pass, as the site build hands them over (never a list)."""

    def __init__(self, articles):
        self.articles = tuple(sorted(articles, key=lambda a: (a.date, a.page, a.position, a.id)))
        self.passes = 0

    def __len__(self):
        return len(self.articles)

    def __iter__(self):
        self.passes += 1
        return (dataclasses.replace(a) for a in self.articles)


@pytest.mark.parametrize("processes", [1, 2])
def test_a_source_read_in_passes_gives_the_index_a_list_gives(tmp_path, processes):
    source = Reread(ARTICLES)
    search_index.write_index(source, tmp_path / "a", SiteConfig(), tmp_path / "c1", url_for, processes=processes)
    search_index.write_index(list(ARTICLES), tmp_path / "b", SiteConfig(), tmp_path / "c2", url_for, processes=1)
    if processes == 1:  # (forked passes count in their own process)
        assert source.passes == 4, "a survey, then the n-gram, record and term passes"
    a, b = tmp_path / "a" / "search", tmp_path / "b" / "search"
    assert sorted(p.relative_to(a) for p in a.rglob("*")) == sorted(p.relative_to(b) for p in b.rglob("*"))
    for path in a.rglob("*.*"):
        assert path.read_bytes() == (b / path.relative_to(a)).read_bytes(), path


def test_a_source_out_of_date_order_is_refused(tmp_path):
    source = Reread(ARTICLES)
    source.articles = source.articles[::-1]
    with pytest.raises(ValueError, match="not in date order"):
        search_index.write_index(source, tmp_path, SiteConfig(), tmp_path / ".cache", url_for, processes=1)
