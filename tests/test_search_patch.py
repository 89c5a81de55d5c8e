"""Rebuilds that patch the search index instead of building it anew.

Each build here goes the way ``site.build`` does it: into a folder that
starts as the site before the current one, then swapped in, the current one
kept as the next build's starting point. After any series of rebuilds the
index must be the one a full build of the same articles makes: the same
n-gram lists and records, weights at most one level apart.
"""
from __future__ import annotations

import dataclasses
import json
import os
import random
import shutil
from pathlib import Path

import jieba
import pytest
import rjieba

from wxnews_site.config import SiteConfig
from wxnews_site.search import index as search_index
from wxnews_site.search import layout
from wxnews_site.search import packs, patch, tokens
from wxnews_site.search.layout import read_varint
from wxnews_site.search.records import Codec

from test_search import ARTICLES, article, url_for

# Invented phrases; every article is a few of them, so terms recur across articles.
PHRASES = ("老旧小区加装电梯", "长三角一体化", "人形机器人企业落户新吴区", "太湖治理成效明显", "蠡湖边游客拍照",
           "主航道疏浚工程完工", "社区食堂开张", "地铁三号线延伸", "高新区引进芯片项目", "市民乐享公园绿地",
           "非遗传承人进校园", "乡村振兴示范村", "新能源汽车产业链", "养老服务中心启用", "城市更新观察",
           "港口合作更加紧密", "物联网产业集聚", "惠山古镇游人如织", "江南大学科研成果", "春运返程高峰")
NAMES = ("崔欣润", "刘泉", "张伟", "章伟", "王芳", "宗晓东", "李伟")


@pytest.fixture(autouse=True)
def buckets(monkeypatch):
    """Rare keys in buckets, as in archives of a thousand articles and more
    (the builds' tests patch small archives, where every key has its entry)."""
    monkeypatch.setattr(layout, "BUCKETS_FROM", 0)


def archive(count: int, seed: int = 7, month: str = "2024-05") -> list:
    rng = random.Random(seed)
    out = []
    for i in range(count):
        day, pos = 1 + i // 10, 1 + i % 10
        body = "。".join(rng.sample(PHRASES, 4)) + "。\n\n" + "，".join(rng.sample(PHRASES, 3)) + "。"
        out.append(article(f"{month}-{day:02d}-01-{pos:02d}", rng.choice(PHRASES)[:6], body,
                           bylines=(NAMES[i % len(NAMES)],), section=("要闻", "经济", "民生")[i % 3]))
    return out


def edited(a, extra: str = "（本报记者核实）"):
    return dataclasses.replace(a, body=a.body + extra)


class Site:
    """An output folder with its kept previous site, built like site.build does."""

    def __init__(self, root: Path, config: SiteConfig = SiteConfig()):
        self.root, self.config = root, config
        self.out, self.spare, self.cache = root / "site", root / ".site.previous", root / ".cache"

    def build(self, articles) -> layout.IndexStats:
        partial = self.root / "site.partial"
        if partial.exists():
            shutil.rmtree(partial)
        if self.spare.exists():
            os.rename(self.spare, partial)
        partial.mkdir(exist_ok=True)
        try:
            stats = search_index.write_index(articles, partial, self.config, self.cache, url_for, processes=1,
                                             previous=self.out if self.out.exists() else None)
        except BaseException:
            shutil.rmtree(partial)
            raise
        if self.spare.exists():
            shutil.rmtree(self.spare)
        if self.out.exists():
            os.rename(self.out, self.spare)
        os.rename(partial, self.out)
        return stats


# ------------------------------------------------------------ reading an index whole

def _shard(root: Path, meta: dict, kind: str, n: int) -> bytes:
    return layout.read_shard(root, kind, n, meta["packs"][kind])


def _segments(meta: dict) -> list[layout.Segment]:
    return layout.segments_of(meta["segments"], meta["docs"])


def _entries(root: Path, meta: dict, kind: str):
    """Every entry of a kind of the segments' shards (g, w): (segment, hash, payload, merged)."""
    for seg in _segments(meta):
        k = seg.kind(kind)
        count = meta["shards"][k]
        for n in range(count):
            for h, (payload, merged) in layout.unpack_shard(_shard(root, meta, k, n), count, n).items():
                yield seg, h, payload, merged


def _buckets(root: Path, meta: dict) -> dict[str, list[list[list[int]]]]:
    """Each segment's buckets, shard by shard, with the archive's article numbers."""
    out = {}
    for seg in _segments(meta):
        count, buckets = meta["shards"][seg.kind("g")], meta["shards"][seg.kind("buckets")]
        out[seg.name] = [[[seg.first + d for d in b] for b in
                          layout.unpack_ngram_shard(_shard(root, meta, seg.kind("g"), n), count, n, buckets)[1]]
                         for n in range(count)]
    return out


def find(index: dict, key: str | tuple[str, int]) -> tuple[set[str], bool]:
    """The articles the browser takes for a key (or a year's key hash: its base's and its tail's
    together), and whether exactly those hold it: a merged entry or a bucket is a superset,
    checked against the text."""
    if isinstance(key, str):
        found = [_find(index, (seg.name, layout.fnv1a(key))) for seg in _segments(index["meta"])]
    else:
        found = [_find(index, (seg.name, key[1])) for seg in _segments(index["meta"]) if seg.year == key[0]]
    return set().union(*(docs for docs, _ in found)), all(exact for _, exact in found)


def _find(index: dict, key: tuple[str, int]) -> tuple[set[str], bool]:
    """find's, in one segment."""
    if key in index["g"]:
        docs, merged = index["g"][key]
        return docs, not merged
    name, h = key
    shards = index["meta"]["shards"]
    count, buckets = shards[f"g/{name}"], shards[f"buckets/{name}"]
    if not buckets:
        return set(), True
    docs = {index["ids"][d] for d in index["buckets"][name][h % count][layout.bucket_of(h, count, buckets)]
            if d in index["ids"]}
    return docs, not docs


def snapshot(root: Path) -> dict:
    """Everything an index says, with article numbers replaced by article ids."""
    meta = json.loads((root / "meta.json").read_bytes())
    codec = Codec.read((root / "dict.bin").read_bytes())
    ids, whole = {}, {}
    for n in range(meta["docs"]):
        piece = packs.read_piece(root, "d", n, meta["packs"]["d"])
        if piece[0]:
            rec = layout.read_record(codec, piece)
            rec.setdefault("z", [])
            ids[n] = rec["i"]
            whole[rec["i"]] = rec
    g = {(seg.name, h): ({ids[seg.first + d] for d in layout.decode_docs(p)}, merged)
         for seg, h, p, merged in _entries(root, meta, "g")}
    buckets = _buckets(root, meta)
    w: dict[tuple[str, int], dict[str, int]] = {}  # by year: its base's and its tail's entries together
    for seg, h, p, _ in _entries(root, meta, "w"):
        w.setdefault((seg.year, h), {}).update((ids[seg.first + d], level) for d, level in layout.decode_weights(p).items())
    vocab = {}
    for n in range(meta["shards"]["k"]):
        vocab.update(json.loads(_shard(root, meta, "k", n) or b"{}"))
    dates = json.loads((root / "dates.json").read_bytes())
    return {"meta": meta, "records": whole, "g": g, "buckets": buckets, "w": w, "k": vocab, "ids": ids,
            "dates": dates}


def assert_same_index(patched: Path, clean: Path, started: tuple[str, ...] = ()) -> None:
    p, c = snapshot(patched), snapshot(clean)
    assert p["records"] == c["records"]
    # Every key finds at least the articles holding it, and exactly those when
    # its lookup says it is exact. (A patch keeps a rare key in its bucket
    # however many articles gain it, and an edited article that lost one
    # stays in its bucket: supersets, checked against the text.)
    truth: dict[str, set[str]] = {}
    for aid, rec in c["records"].items():
        for key in layout.ngram_keys(layout.doc_of_record(rec, ())):
            truth.setdefault(key, set()).add(aid)
    for key, holders in truth.items():
        for index in (p, c):
            found, exact = find(index, key)
            assert holders <= found and (found == holders or not exact), key
    for h, (docs, merged) in c["g"].items():  # sections and people among them
        found, exact = find(p, h)
        assert docs <= found and (found == docs or not exact), h
        assert not exact or not merged, "a merged entry is marked merged"
    assert p["w"].keys() == c["w"].keys()
    for h, levels in c["w"].items():
        assert p["w"][h].keys() == levels.keys(), h
        assert all(abs(p["w"][h][a] - level) <= 1 for a, level in levels.items()), h
    assert {t: f for t, f in p["k"].items() if t in c["k"]} == c["k"]
    for key in ("sections", "total", "first", "last"):  # dict.bin stays as it was
        assert p["meta"][key] == c["meta"][key], key
    assert {k: v for k, v in p["meta"]["packs"].items() if k[2:] not in started} == \
        {k: v for k, v in c["meta"]["packs"].items() if k[2:] not in started}
    # (A patch keeps the buckets it found: a full build may choose more.)
    def counts(meta: dict) -> dict:  # (a segment a patch started has counts for TAIL_MOST articles)
        return {k: v for k, v in meta["shards"].items() if not k.startswith("buckets") and k[2:] not in started}
    assert counts(p["meta"]) == counts(c["meta"])
    # Numbers keep date order, so newer still sorts higher.
    order = [p["ids"][n] for n in sorted(p["ids"])]
    assert order == [c["ids"][n] for n in sorted(c["ids"])]
    # Each date's first number, then every number up to the next date's, is that date's.
    days = {aid: rec["d"] for aid, rec in p["records"].items()}
    for (day, first), nxt in zip(p["dates"], p["dates"][1:] + [[None, p["meta"]["docs"]]]):
        assert {days[p["ids"][n]] for n in range(first, nxt[1]) if n in p["ids"]} == {day}


def clean_build(articles, folder: Path, config: SiteConfig = SiteConfig()) -> Path:
    search_index.write_index(articles, folder, config, folder / ".cache", url_for, processes=1)
    return folder / "search"


# ------------------------------------------------------------------------ cutting

SAMPLE_TEXTS = ("人形机器人企业在新吴区落户。今年以来，无锡加快布局具身智能产业。",
                "长三角地区的港口合作更加紧密，主航道疏浚工程完工。英伟达与本地企业签约，nvidia芯片供货。",
                "今年全市计划为老旧小区加装电梯一百台。居民点赞：小区改造让出行更方便。",
                "来自台湾的学者谈到长三角与机器人产业。iphone 15 用户排起长队。崔欣润 刘泉")


def test_rjieba_cuts_like_jieba_without_hmm():
    tk = jieba.Tokenizer()
    tk.initialize()
    plain = rjieba.Jieba()
    for text in SAMPLE_TEXTS:
        assert plain.cut_for_search(text, False) == list(tk.cut_for_search(text, HMM=False))
        assert plain.cut(text, False) == list(tk.cut(text, HMM=False))


def test_site_words_are_added_with_the_total_kept_as_jieba_plus_the_reserve():
    words = ("崔欣润", "具身智能", "新吴区", "的的")
    cut = tokens.Cutter(words)
    assert cut.total == tokens.jieba_total() + tokens.RESERVE
    tk = jieba.Tokenizer()
    tk.initialize()
    for w, f in cut.freqs.items():
        tk.add_word(w, f)
    tk.total = cut.total  # the same dictionary and total: the same cuts
    for text in SAMPLE_TEXTS:
        assert cut.cut_for_search(text) == list(tk.cut_for_search(text, HMM=False))
    assert "具身智能" in cut.cut_for_search(SAMPLE_TEXTS[0])


def test_a_new_word_changes_only_the_cuts_of_texts_that_hold_it():
    before, after = tokens.Cutter(("崔欣润",)), tokens.Cutter(("崔欣润", "港口合作"))
    assert before.total == after.total
    assert before.cut_for_search(SAMPLE_TEXTS[0]) == after.cut_for_search(SAMPLE_TEXTS[0])
    assert "港口合作" in after.cut_for_search(SAMPLE_TEXTS[1])


def test_frequencies_come_from_jiebas_dictionary_and_the_site_words():
    tk = jieba.Tokenizer()
    tk.initialize()
    terms = ["长三角", "机器人", "的", "辋村", "nvidia"]
    few = tokens.dictionary_freqs(terms, {"辋村": 5})
    many = tokens.dictionary_freqs(terms * 50 + [f"词{i}" for i in range(300)], {"辋村": 5})
    assert few == {t: many[t] for t in terms}
    assert few == {"长三角": tk.FREQ["长三角"], "机器人": tk.FREQ["机器人"], "的": tk.FREQ["的"], "辋村": 5, "nvidia": 1}


# ------------------------------------------------------------------------ patching

def test_one_edited_article_is_patched_and_equals_a_full_build(tmp_path):
    docs = archive(200)
    site = Site(tmp_path)
    assert not site.build(docs).patched
    docs[37] = edited(docs[37], "辋村新貌。")
    files = sum(1 for f in (site.out / "search").rglob("*") if f.is_file())
    stats = site.build(docs)
    assert stats.patched and stats.cut == 2 and stats.linked == files, "the spare had no index: all linked"
    assert stats.files < 10, "a patch writes only the packs that changed"
    assert_same_index(site.out / "search", clean_build(docs, tmp_path / "clean"))
    idx = snapshot(site.out / "search")
    found, _ = find(idx, "辋村")
    assert docs[37].id in found and len(found) <= 2 * layout.BUCKET_DOCS, "a bucket holds a few articles"


def test_a_series_of_patches_stays_within_a_level_of_a_full_build(tmp_path):
    docs = archive(200)
    site = Site(tmp_path)
    site.build(docs)
    rng = random.Random(3)
    for round_ in range(6):
        for n in rng.sample(range(len(docs)), 3):
            docs[n] = edited(docs[n], rng.choice(PHRASES) + f"第{round_}次。")
        stats = site.build(docs)
        assert stats.patched, round_
        # The kept previous site is always a complete index too (the next build starts from it).
    assert_same_index(site.out / "search", clean_build(docs, tmp_path / "clean"))


def test_removed_and_appended_articles(tmp_path):
    docs = archive(200)
    site = Site(tmp_path)
    site.build(docs)
    gone = docs.pop(50)
    stats = site.build(docs)
    assert stats.patched and stats.removed >= 1
    idx = snapshot(site.out / "search")
    assert gone.id not in idx["records"] and idx["meta"]["docs"] == 200, "its number stays a hole"
    assert_same_index(site.out / "search", clean_build(docs, tmp_path / "clean1"))
    new = article("2024-06-30-01-01", "新的一天", "蠡园深处有一座长廊。辋村。", bylines=("刘泉",))
    docs.append(new)
    stats = site.build(docs)
    assert stats.patched
    idx = snapshot(site.out / "search")
    assert max(idx["ids"]) == 200 and idx["ids"][200] == new.id and idx["meta"]["last"] == "2024-06-30"
    assert idx["dates"][-1] == ["2024-06-30", 200]
    assert_same_index(site.out / "search", clean_build(docs, tmp_path / "clean2"))


class Edits(Site):
    """A site whose rebuilds tell the index what changed (as site.build does when it knows)."""

    def patch(self, edited, removed=()) -> layout.IndexStats | None:
        partial = self.root / "site.partial"
        if self.spare.exists():
            os.rename(self.spare, partial)
        partial.mkdir(exist_ok=True)
        stats = patch.patch_edits(edited, url_for, None, partial, self.out, self.config, self.cache, removed=removed)
        if stats is None:
            shutil.rmtree(partial)
            return None
        if self.spare.exists():
            shutil.rmtree(self.spare)
        os.rename(self.out, self.spare)
        os.rename(partial, self.out)
        return stats


def new_issue(day: str, count: int, names=NAMES) -> list:
    """A day's issue of articles after the archive's, by the site's known reporters."""
    return [article(f"{day}-01-{i + 1:02d}", PHRASES[i % len(PHRASES)][:6], f"{PHRASES[i % 7]}。{PHRASES[i % 5]}。",
                    bylines=(names[i % len(names)],), section="要闻") for i in range(count)]


def test_a_new_days_issue_and_a_removal_are_patched_from_the_changes_alone(tmp_path):
    docs = archive(200)
    site = Edits(tmp_path)
    site.build(docs)
    issue = new_issue("2024-06-30", 3)
    gone = docs.pop(50)
    stats = site.patch(issue, removed=[gone.id])
    assert stats is not None and stats.patched and stats.cut == 4, "the new articles and the removed one are cut"
    docs += issue
    idx = snapshot(site.out / "search")
    assert [idx["ids"][n] for n in range(200, 203)] == [a.id for a in issue]
    assert idx["dates"][-1] == ["2024-06-30", 200] and gone.id not in idx["records"]
    assert_same_index(site.out / "search", clean_build(docs, tmp_path / "clean"))
    # The next day's, once more from the changes alone (the kept site is brought up to date by
    # links); within 2% of the articles the full build weighed with.
    more = new_issue("2024-07-01", 2)
    assert site.patch(more).patched
    assert_same_index(site.out / "search", clean_build(docs + more, tmp_path / "clean2"))


def two_years() -> list:
    """December 2023 and January 2024: the index's segments 2023 and 2024."""
    return archive(100, month="2023-12") + archive(100, seed=8, month="2024-01")


def test_a_new_issue_and_an_older_years_removal_change_only_their_years_shards(tmp_path):
    docs = two_years()
    site = Edits(tmp_path)
    site.build(docs)
    assert [name for name, _ in snapshot(site.out / "search")["meta"]["segments"]] == ["2023", "2024"]
    issue = new_issue("2024-01-20", 3)
    assert site.patch(issue).patched
    state = patch.load(site.cache)
    changed = state.changed
    patch.close(state)
    assert any(p.startswith("g/2024/") for p in changed) and any(p.startswith("w/2024/") for p in changed)
    assert not any(p.startswith(("g/2023/", "w/2023/")) for p in changed), "the older year is left as it was"
    docs += issue
    assert_same_index(site.out / "search", clean_build(docs, tmp_path / "clean"))
    gone = docs.pop(20)  # (of 2023)
    assert site.patch([], removed=[gone.id]).patched
    state = patch.load(site.cache)
    changed = state.changed
    patch.close(state)
    assert any(p.startswith("g/2023/") for p in changed) and not any(p.startswith("g/2024/") for p in changed)
    assert_same_index(site.out / "search", clean_build(docs, tmp_path / "clean2"))


def test_a_new_years_first_issue_starts_its_segment_by_a_patch(tmp_path):
    docs = archive(200, month="2024-12")
    site = Edits(tmp_path)
    site.build(docs)
    issue = new_issue("2025-01-01", 3)
    assert site.patch(issue).patched
    meta = snapshot(site.out / "search")["meta"]
    assert meta["segments"] == [["2024", 0], ["2025", 200]]
    docs += issue
    assert_same_index(site.out / "search", clean_build(docs, tmp_path / "clean"), started=("2025",))
    more = new_issue("2025-01-02", 1)
    assert site.patch(more).patched, "the new segment's shards are all there to patch"
    assert_same_index(site.out / "search", clean_build(docs + more, tmp_path / "clean2"), started=("2025",))


@pytest.mark.parametrize("case", ["among older dates", "a date changed", "a new name"])
def test_changes_a_patch_cannot_follow_from_themselves_alone(tmp_path, case):
    docs = archive(200)
    site = Edits(tmp_path)
    site.build(docs)
    if case == "among older dates":
        changes = [article("2024-04-01-01-01", "旧闻", "补录的旧文章。", bylines=("刘泉",))]
    elif case == "a date changed":
        changes = [dataclasses.replace(docs[3], date=docs[3].date.replace(day=28))]
    else:
        changes = new_issue("2024-06-30", 2, names=("新来的记者",))
    assert site.patch(changes) is None, "a full look at the archive is needed"
    assert site.build(docs + changes if case != "a date changed" else docs[:3] + changes + docs[4:]) is not None


def test_an_article_inserted_among_older_dates_renumbers_by_a_full_build(tmp_path):
    docs = archive(200)
    site = Site(tmp_path)
    site.build(docs)
    docs.insert(0, article("2024-04-01-01-01", "旧闻", "补录的旧文章。", bylines=("刘泉",)))
    assert not site.build(docs).patched
    assert snapshot(site.out / "search")["ids"][0] == "2024-04-01-01-01"


def test_a_new_site_word_or_name_is_a_full_build(tmp_path):
    docs = archive(200)
    site = Site(tmp_path)
    site.build(docs)
    site.config = SiteConfig(search_words=("港口合作",))
    assert not site.build(docs).patched
    docs[3] = dataclasses.replace(docs[3], bylines=("辋川",))
    assert not site.build(docs).patched
    assert_same_index(site.out / "search", clean_build(docs, tmp_path / "clean", site.config))


def changed_files(site: Site) -> tuple[str, ...]:
    state = patch.load(site.cache)
    try:
        return state.changed
    finally:
        patch.close(state)


def test_weights_drifting_from_their_years_frozen_ones_rebuild_that_year_alone(tmp_path):
    docs = two_years()
    site = Site(tmp_path)
    site.build(docs)
    for n in range(0, 8):  # (of 2023)
        docs[n] = edited(docs[n], "很长的补充。" * 200)
    assert site.build(docs).patched, "the average length moved more than 10%: its year is rebuilt"
    changed = changed_files(site)
    assert any(p.startswith("w/2023/") for p in changed) and not any(p.startswith(("g/2024/", "w/2024/"))
                                                                      for p in changed)
    state = patch.load(site.cache)
    assert set(state.frozen) == {"2023"} and state.frozen["2023"][1] > 1.1 * state.avgdl
    patch.close(state)
    assert_same_index(site.out / "search", clean_build(docs, tmp_path / "clean"))


def test_a_new_issue_goes_to_its_years_tail_then_the_full_tail_folds_into_the_year(tmp_path, monkeypatch):
    monkeypatch.setattr(patch, "TAIL_MOST", 10)
    docs = two_years()  # 2024's base: 100 articles, more than a tail takes
    site = Edits(tmp_path)
    site.build(docs)
    issue = new_issue("2024-01-20", 4)  # (fewer than 10% more articles: no drift)
    assert site.patch(issue).patched
    docs += issue
    meta = snapshot(site.out / "search")["meta"]
    assert meta["segments"] == [["2023", 0], ["2024", 100], ["2024t", 200]]
    changed = changed_files(site)
    assert any(p.startswith("g/2024t/") for p in changed) and any(p.startswith("w/2024t/") for p in changed)
    assert not any(p.startswith(("g/2024/", "w/2024/", "g/2023/", "w/2023/")) for p in changed), \
        "the year's base is left as it was"
    assert meta["shards"]["g/2024t"] < meta["shards"]["g/2024"]
    assert_same_index(site.out / "search", clean_build(docs, tmp_path / "clean"), started=("2024t",))
    more = new_issue("2024-01-21", 4)  # appended to the tail
    assert site.patch(more).patched
    docs += more
    assert snapshot(site.out / "search")["meta"]["segments"][-1] == ["2024t", 200]
    assert not any(p.startswith(("g/2024/", "w/2024/")) for p in changed_files(site))
    assert_same_index(site.out / "search", clean_build(docs, tmp_path / "clean2"), started=("2024t",))
    gone = docs.pop(205)  # a removal from the tail, and an edit in it
    docs[201] = edited(docs[201])
    assert site.patch([docs[201]], removed=[gone.id]).patched
    assert_same_index(site.out / "search", clean_build(docs, tmp_path / "clean3"), started=("2024t",))
    last = new_issue("2024-01-22", 4)  # 11 in the tail: the year is rebuilt, one base again
    assert site.patch(last).patched
    docs += last
    idx = snapshot(site.out / "search")
    assert idx["meta"]["segments"] == [["2023", 0], ["2024", 100]]
    assert not any(k.endswith("2024t") for k in idx["meta"]["shards"])
    assert not any((site.out / "search" / kind / "2024t").exists() for kind in ("g", "w")), "the tail's files are gone"
    assert not any(p.startswith(("g/2023/", "w/2023/")) for p in changed_files(site))
    assert_same_index(site.out / "search", clean_build(docs, tmp_path / "clean4"))
    after = new_issue("2024-01-23", 3)  # the next issue starts a tail again
    assert site.patch(after).patched
    assert snapshot(site.out / "search")["meta"]["segments"][-1] == ["2024t", 212]
    assert_same_index(site.out / "search", clean_build(docs + after, tmp_path / "clean5"), started=("2024t",))


def test_two_rebuilds_in_a_row_bring_the_kept_site_up_to_date_by_links(tmp_path):
    docs = archive(200)
    site = Site(tmp_path)
    site.build(docs)
    docs[1] = edited(docs[1])
    site.build(docs)  # the first rebuild: the previous site is unknown, every file is linked
    docs[2] = edited(docs[2])
    stats = site.build(docs)  # starts from the first build's site: only what the last build changed is linked
    assert stats.patched and 0 < stats.linked < 40
    docs[1] = edited(docs[1], "再改一次。")
    stats = site.build(docs)
    assert stats.patched and 0 < stats.linked < 40
    assert_same_index(site.out / "search", clean_build(docs, tmp_path / "clean"))
    assert_same_index(site.spare / "search", clean_build(docs[:1] + [edited(archive(200)[1])] + docs[2:],
                                                         tmp_path / "clean-before"))


def _interrupt(monkeypatch, after: int):
    calls = {"n": 0}
    real = layout.Writer.write

    def write(self, rel, data):
        calls["n"] += 1
        if calls["n"] > after:
            raise KeyboardInterrupt("stopped mid-way")
        real(self, rel, data)

    monkeypatch.setattr(layout.Writer, "write", write)


@pytest.mark.parametrize("after", [0, 2, 3])  # (a patch of one edit writes 4 files: d, g and w packs, meta.json)
def test_an_interrupted_patch_then_a_rebuild_is_correct(tmp_path, monkeypatch, after):
    docs = archive(200)
    site = Site(tmp_path)
    site.build(docs)
    docs[5] = edited(docs[5])
    site.build(docs)
    docs[6] = edited(docs[6], "辋村。")
    with monkeypatch.context() as m:
        _interrupt(m, after)
        with pytest.raises(KeyboardInterrupt):
            site.build(docs)
    stats = site.build(docs)
    assert stats.patched
    assert_same_index(site.out / "search", clean_build(docs, tmp_path / "clean"))


def test_an_interrupted_patch_left_in_place_is_never_taken_for_an_index(tmp_path, monkeypatch):
    docs = archive(200)
    cache = tmp_path / ".cache"
    search_index.write_index(docs, tmp_path / "a", SiteConfig(), cache, url_for, processes=1)
    docs[5] = edited(docs[5], "辋村。")
    with monkeypatch.context() as m:
        _interrupt(m, 3)
        with pytest.raises(KeyboardInterrupt):
            search_index.write_index(docs, tmp_path / "b", SiteConfig(), cache, url_for, processes=1,
                                     previous=tmp_path / "a")
    stats = search_index.write_index(docs, tmp_path / "b", SiteConfig(), cache, url_for, processes=1,
                                     previous=tmp_path / "a")
    assert stats.patched
    assert_same_index(tmp_path / "b" / "search", clean_build(docs, tmp_path / "clean"))


@pytest.mark.parametrize("lose", ["state", "spare", "output", "record", "shard pack", "garbled shard"])
def test_a_lost_piece_ends_in_a_correct_index(tmp_path, lose):
    docs = archive(200)
    site = Site(tmp_path)
    site.build(docs)
    docs[8] = edited(docs[8])
    site.build(docs)
    docs[9] = edited(docs[9], "辋村。")
    if lose == "state":
        (site.cache / patch.STATE_FILE).unlink()
    elif lose == "spare":
        shutil.rmtree(site.spare)
    elif lose == "output":
        shutil.rmtree(site.out)
    elif lose != "record":  # the n-gram shard the patch reads for the new word: gone, or its piece garbled
        index = snapshot(site.out / "search")
        meta = index["meta"]
        g = "g/2024"  # (the archive's one segment)
        n = layout.fnv1a("辋村") % meta["shards"][g]
        pack, i = packs.where(g, n, meta["packs"][g])
        if lose == "shard pack":
            (site.out / "search" / pack).unlink()
        else:
            pieces = packs.split((site.out / "search" / pack).read_bytes(), meta["packs"][g], 1)
            pieces[i] = (layout.deflate(b"\xff\xff"), 0)
            (site.out / "search" / pack).write_bytes(packs.build(pieces, meta["packs"][g], 1))
    else:  # the current output's record of an article the patch reads
        index = snapshot(site.out / "search")
        number = next(k for k, v in index["ids"].items() if v == docs[9].id)
        pack, _ = packs.where("d", number, index["meta"]["packs"]["d"])
        (site.out / "search" / pack).write_bytes(b"\0")
    stats = site.build(docs)
    assert stats.patched == (lose == "spare")
    assert_same_index(site.out / "search", clean_build(docs, tmp_path / "clean"))


def test_a_damaged_pack_read_only_to_be_rewritten_brings_a_full_build(tmp_path):
    docs = archive(203)
    site = Site(tmp_path)
    site.build(docs)
    meta = snapshot(site.out / "search")["meta"]
    assert meta["docs"] % meta["packs"]["d"], "the last records' pack has room"
    pack, _ = packs.where("d", meta["docs"], meta["packs"]["d"])
    (site.out / "search" / pack).write_bytes(b"\0" * 3)
    docs.append(article("2024-12-31-01-01", "年终特稿", "辋村新貌。"))  # (its record goes into that pack)
    assert not site.build(docs).patched
    assert_same_index(site.out / "search", clean_build(docs, tmp_path / "clean"))


def test_nothing_changed_writes_nothing(tmp_path):
    docs = archive(200)
    site = Site(tmp_path)
    site.build(docs)
    site.build(docs)
    stats = site.build(docs)
    assert stats.patched and stats.files == 0
    assert_same_index(site.out / "search", clean_build(docs, tmp_path / "clean"))


def test_a_patch_never_writes_through_a_link_into_the_current_site(tmp_path):
    docs = archive(200)
    site = Site(tmp_path)
    site.build(docs)
    docs[1] = edited(docs[1])
    site.build(docs)
    before = {p: p.read_bytes() for p in (site.out / "search").rglob("*") if p.is_file()}
    docs[2] = edited(docs[2], "辋村。")
    partial = tmp_path / "elsewhere"
    os.rename(site.spare, partial)
    search_index.write_index(docs, partial, SiteConfig(), site.cache, url_for, processes=1, previous=site.out)
    assert {p: p.read_bytes() for p in (site.out / "search").rglob("*") if p.is_file()} == before


def test_hash_collisions_stay_marked_when_patched(tmp_path):
    # Two person keys with one FNV-1a hash (see test_search).
    a, b = "纀丷七", "耢一一"
    docs = archive(200)
    docs[0] = dataclasses.replace(docs[0], bylines=(a,))
    docs[1] = dataclasses.replace(docs[1], bylines=(b,))
    site = Site(tmp_path, SiteConfig(search_words=("辋川",)))
    site.build(docs)
    h = layout.fnv1a(layout.PERSON + a)
    assert snapshot(site.out / "search")["g"]["2024", h] == ({docs[0].id, docs[1].id}, True)
    docs[1] = edited(docs[1])
    assert site.build(docs).patched
    assert snapshot(site.out / "search")["g"]["2024", h] == ({docs[0].id, docs[1].id}, True)


def test_a_key_patched_into_another_keys_entry_marks_it_merged(tmp_path):
    # 舔㒨 has the FNV-1a hash of 引进, which many articles hold (found by search).
    assert layout.fnv1a("舔㒨") == layout.fnv1a("引进")
    docs = archive(200)
    site = Site(tmp_path)
    site.build(docs)
    h = layout.fnv1a("引进")
    holders, merged = snapshot(site.out / "search")["g"]["2024", h]
    assert not merged and docs[37].id not in holders
    docs[37] = edited(docs[37], "舔㒨新貌。")
    assert site.build(docs).patched
    assert snapshot(site.out / "search")["g"]["2024", h] == (holders | {docs[37].id}, True)
    assert_same_index(site.out / "search", clean_build(docs, tmp_path / "clean"))


def test_a_rebuild_cuts_with_only_the_dictionary_words_its_texts_hold(tmp_path):
    words = ("崔欣润", "具身智能", "新吴区", "港口合作")
    full = tokens.Cutter(words)
    few = tokens.TextCutter(SAMPLE_TEXTS, full.freqs, full.total, tmp_path)
    for text in SAMPLE_TEXTS:
        assert few.cut_for_search(text) == full.cut_for_search(text)
    assert (tmp_path / "search-jieba-index-v2.pickle").exists(), "the dictionary's index is kept in the cache"


def test_a_word_spreading_in_a_small_archive_stays_within_a_level(tmp_path):
    # In the nine articles of the bundled sample, one more article holding a word
    # moves its idf so far that the untouched articles' levels of it would lag a
    # full build's by two levels: such a patch must give way to a full build.
    from wxnews_site.format import read_archive
    docs = sorted(read_archive(Path(__file__).resolve().parents[1] / "articles").articles, key=lambda a: a.id)
    site = Site(tmp_path)
    site.build(docs)
    for round_, (n, extra) in enumerate(((1, "附加一句。"), (3, "再加一句。"))):
        docs[n] = edited(docs[n], extra)
        site.build(docs)
        assert_same_index(site.out / "search", clean_build(docs, tmp_path / f"clean{round_}"))


def test_a_garbled_state_file_is_a_full_build(tmp_path):
    docs = archive(200)
    site = Site(tmp_path)
    site.build(docs)
    (site.cache / patch.STATE_FILE).write_bytes(b"not a database" * 100)
    docs[3] = edited(docs[3])
    assert not site.build(docs).patched
    docs[4] = edited(docs[4])
    assert site.build(docs).patched, "the full build wrote a good state again"
    assert_same_index(site.out / "search", clean_build(docs, tmp_path / "clean"))


def test_a_full_build_sweeps_what_an_interrupted_one_left_in_the_cache(tmp_path):
    cache = tmp_path / ".cache"
    (cache / "spill-g-x1y2").mkdir(parents=True)
    (cache / "spill-g-x1y2" / "pairs").write_bytes(b"\0" * 4096)
    (cache / (patch.STATE_FILE + ".new4242")).write_bytes(b"half a table")
    search_index.write_index(archive(20), tmp_path / "site", SiteConfig(), cache, url_for, processes=1)
    assert not list(cache.glob("spill-*")) and not list(cache.glob(patch.STATE_FILE + ".new*"))
    assert (cache / patch.STATE_FILE).is_file()
