"""The term shards' arithmetic, done for all (term, article) pairs at once, against
the one-at-a-time definitions it stands for."""
from __future__ import annotations

import os
import tempfile
from array import array
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, strategies as st

from wxnews_site.search import layout, spill, terms, varint


@given(st.lists(st.integers(0, 2**40), max_size=50))
def test_varints_at_once_are_the_varints_one_by_one(values):
    data, offsets = layout.varint_bytes(np.array(values, np.uint64))
    assert data.tobytes() == b"".join(varint._varint(v) for v in values)
    assert offsets.tolist() == [sum(len(varint._varint(v)) for v in values[:i]) for i in range(len(values))]


def reference(doc_terms, doc_tfs, starts, lengths, avgdl, idfs):
    """encode_weights' lists, term by term and article by article."""
    pairs: dict[int, list[tuple[int, int]]] = {}
    for n in range(len(lengths)):
        norm = layout.length_norm(lengths[n], avgdl)
        for tid, tf in zip(doc_terms[starts[n]:starts[n + 1]], doc_tfs[starts[n]:starts[n + 1]]):
            if idfs[tid]:
                pairs.setdefault(tid, []).append((n, layout.bm25_level(idfs[tid], tf, norm)))
    # (without the count before and the archive's count after: weight_lists gives the count apart)
    return {tid: (len(p), layout.encode_weights(p)[len(varint._varint(len(p))):-len(varint._varint(len(p)))])
            for tid, p in pairs.items()}


def weight_lists(doc_terms, doc_tfs, starts, lengths, avgdl, idfs):
    """As a full build weighs them: the triples spilled article by article, then weighed a partition at a time."""
    with tempfile.TemporaryDirectory() as scratch:
        pairs = terms.TermPairs(len(lengths), Path(scratch))
        for n in range(len(lengths)):
            pairs.add(list(doc_terms[starts[n]:starts[n + 1]]), doc_tfs[starts[n]:starts[n + 1]], lengths[n])
        pairs.flush()
        norms = layout.K1 * (1 - layout.B + layout.B * np.asarray(lengths, np.float64) / avgdl)
        out = {}
        for p in range(pairs.parts):
            tids, counts, lists = terms.weight_lists(*pairs.part(p), norms, np.asarray(idfs, np.float64))
            out.update(zip(tids, zip(counts, lists)))
        pairs.runs.close()
        return out


@given(st.lists(st.dictionaries(st.integers(0, 9), st.integers(1, 40), max_size=6), min_size=1, max_size=30),
       st.lists(st.sampled_from([0.0, 0.01, 0.7, 2.5, 9.0]), min_size=10, max_size=10))
def test_bm25_levels_of_an_archive_at_once(articles, idfs):
    doc_terms, doc_tfs, starts, lengths = array("I"), array("I"), array("I", [0]), array("I")
    for counts in articles:
        doc_terms.extend(counts)
        doc_tfs.extend(counts.values())
        starts.append(len(doc_terms))
        lengths.append(sum(counts.values()) + 3)
    avgdl = sum(lengths) / len(lengths)
    assert weight_lists(doc_terms, doc_tfs, starts, lengths, avgdl, idfs) == \
        reference(doc_terms, doc_tfs, starts, lengths, avgdl, idfs)


def test_a_gap_beyond_two_bytes():
    # Article 0 and article 2000 share a rare term: the gap * 16 + level needs three varint bytes.
    doc_terms, doc_tfs = array("I", [0] + [1] * 1999 + [0]), array("I", [1] * 2001)
    starts, lengths = array("I", range(2002)), array("I", [1] * 2001)
    got = weight_lists(doc_terms, doc_tfs, starts, lengths, 1.0, [3.0, 0.0])
    assert got == reference(doc_terms, doc_tfs, starts, lengths, 1.0, [3.0, 0.0])
    assert got[0] == (2, got[0][1]) and len(got[0][1]) == 1 + 3


def test_runs_and_partitions_give_the_same_lists(monkeypatch):
    doc_terms, doc_tfs, starts, lengths = array("I"), array("I"), array("I", [0]), array("I")
    for n in range(300):
        counts = {t: 1 + (n * t) % 5 for t in range(n % 7, 300, 3 + n % 4)}
        doc_terms.extend(counts)
        doc_tfs.extend(counts.values())
        starts.append(len(doc_terms))
        lengths.append(sum(counts.values()))
    idfs = [0.0 if t % 11 == 0 else 0.3 + t / 50 for t in range(300)]
    avgdl = sum(lengths) / len(lengths)
    whole = weight_lists(doc_terms, doc_tfs, starts, lengths, avgdl, idfs)
    # Triples handed on 128 at a time, spilled in runs of 1,000 bytes, weighed in 8 partitions.
    monkeypatch.setattr(terms, "FLUSH_PAIRS", 128)
    monkeypatch.setattr(spill, "BUDGET", 1_000)
    monkeypatch.setattr(terms, "PARTITION_PAIRS", 300 * terms.PAIRS_PER_DOC // 8)
    assert weight_lists(doc_terms, doc_tfs, starts, lengths, avgdl, idfs) == whole
    assert whole == reference(doc_terms, doc_tfs, starts, lengths, avgdl, idfs)


@given(st.lists(st.integers(0, 2**35), max_size=300), st.integers(0, 3))
def test_varints_read_back_as_written_runs_of_small_ones_and_all(values, skip):
    buf = bytearray(b"\x81\x01" * skip)  # (read from an offset, as shards and lists are)
    varint.varints(values, buf)
    buf += b"\x85"  # (bytes after them are not read)
    assert varint.read_varints(bytes(buf), 2 * skip, len(values)) == (values, len(buf) - 1)


def test_the_cut_in_forked_workers_is_the_cut_in_order(monkeypatch):
    from test_search import ARTICLES
    from wxnews_site.config import SiteConfig
    from wxnews_site.search import cuts

    monkeypatch.setattr(cuts, "BATCH", 2)  # the invented archive's articles in batches of two, taken in turns
    config, words = SiteConfig(), ("新吴区",)

    def cut(workers: int) -> tuple[list, list[str]]:
        numbering = cuts.Numbering()
        return list(cuts.cut_all(ARTICLES, config, words, workers, numbering)), numbering.terms

    here, terms = cut(1)
    assert [a for a, _ in here] == list(ARTICLES)
    assert cut(2) == (here, terms)
    assert cut(3) == (here, terms)
    first = here[0][1]
    assert "新吴区" in [terms[i] for i in first.ids] and first.extra[0] == "\x02经济"


def test_a_worker_that_fails_to_cut_fails_the_build():
    from wxnews_site.config import SiteConfig
    from wxnews_site.search import cuts

    from test_search import ARTICLES

    class Broken:
        """Read well here, but not in the workers."""
        parent = os.getpid()

        def __iter__(self):
            if os.getpid() != self.parent:
                raise OSError("the parse cache is gone")
            return iter(ARTICLES)

    with pytest.raises(RuntimeError, match="the parse cache is gone"):
        list(cuts.cut_all(Broken(), SiteConfig(), (), 2))


def test_terms_are_numbered_in_order_of_first_use_whether_joined_or_listed():
    from array import array

    from wxnews_site.search import cuts

    numbering = cuts.Numbering()
    first = numbering.number(("经济\0发展", array("I", [2, 1]), 3, ()))
    second = numbering.number((["发展", "a\0b"], array("I", [1, 1]), 2, ()))  # (a term holding the separator)
    empty = numbering.number(("", array("I"), 0, ()))
    assert list(first.ids) == [0, 1] and list(second.ids) == [1, 2] and list(empty.ids) == []
    assert numbering.terms == ["经济", "发展", "a\0b"]
