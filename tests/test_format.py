"""The on-disk contract: articles round-trip byte for byte, and bad files name file and line."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from wxnews_site.format import FormatError, parse_article, read_archive, render_article
from wxnews_site.model import Article, Source, article_id

D = dt.date(2024, 6, 30)


def make(**kw) -> Article:
    base = dict(
        id=article_id(D, 2, 1), date=D, page=2, position=1, section="综合", paper="无锡日报",
        kind="article", kicker="座谈会召开——", title="从科创“窗口”洞见: 更多", subtitle=None,
        bylines=("崔欣润",), photographers=(), credit="(崔欣润)", dateline=None,
        continued_from_page=None, continued_to_page=None, source=Source("p.txt", (3, 4, 5, 9)),
        review=(), body="第一段。\n\n## 布点\n\n第二段。",
    )
    base.update(kw)
    return Article(**base)


def test_round_trip_is_exact():
    a = make()
    text = render_article(a)
    b = parse_article(text, "2024/06/30/02-01.md")
    assert render_article(b) == text
    assert b.source == Source("p.txt", (3, 4, 5, 9))
    assert b.kicker == "座谈会召开——" and b.title == "从科创“窗口”洞见: 更多"


def test_review_flags_round_trip():
    a = make(review=("weak joint at line 17", "guessed headline"))
    assert parse_article(render_article(a)).review == a.review


def test_errors_name_line_and_collect_all():
    text = render_article(make()).replace("kind: \"article\"", "kind: \"story\"").replace("page: 2\n", "page: 2\ntitel: x\n")
    with pytest.raises(FormatError) as exc:
        parse_article(text, "x.md")
    msgs = [str(p) for p in exc.value.problems]
    assert any("x.md:" in m and "'kind'" in m for m in msgs)
    assert any("unknown key 'titel'" in m and "did you mean 'title'" in m for m in msgs)


def test_broken_yaml_names_line():
    text = "---\nid: 2024-06-30-02-01\ndate: 2024-06-30\ntitle: [unclosed\npage: 2\n---\nbody\n"
    with pytest.raises(FormatError) as exc:
        parse_article(text, "y.md")
    (p,) = exc.value.problems
    assert p.path == "y.md" and p.line >= 4 and "broken YAML" in p.message


def test_duplicate_ids_and_bad_encoding(tmp_path: Path):
    d = tmp_path / "2024/06/30"
    d.mkdir(parents=True)
    (d / "02-01.md").write_text(render_article(make()), encoding="utf-8")
    (d / "02-09.md").write_text(render_article(make()), encoding="utf-8")
    (d / "02-03.md").write_bytes("---\ntitle: 无锡\n---\n".encode("gb18030"))
    arc = read_archive(tmp_path)
    errs = [str(p) for p in arc.errors]
    assert any("duplicate id 2024-06-30-02-01" in e for e in errs)
    assert any("02-03.md" in e and "not UTF-8" in e for e in errs)


from hypothesis import given, settings, strategies as st  # noqa: E402

from wxnews_site.format import (  # noqa: E402
    _CANON_ARTICLE, _canonical_front_matter, _read_canonical, _read_canonical_lines, split_front_matter,
)

_text = st.one_of(st.none(), st.text(min_size=0, max_size=30))
_names = st.lists(st.text(min_size=1, max_size=6), max_size=3).map(tuple)


@settings(max_examples=200, deadline=None)
@given(title=_text, kicker=_text, credit=_text, bylines=_names, review=_names,
       to_page=st.one_of(st.none(), st.integers(1, 400)))
def test_fast_front_matter_reads_what_yaml_reads(title, kicker, credit, bylines, review, to_page):
    """The json fast path must agree with YAML on everything render_article can write."""
    import yaml

    a = make(title=title, kicker=kicker, credit=credit, bylines=bylines, review=review, continued_to_page=to_page)
    fm, _, _ = split_front_matter(render_article(a))
    fast = _canonical_front_matter(fm)
    assert fast is not None
    assert fast == yaml.safe_load(fm)
    # Read at once (one match) or line by line, the same values and keys' lines.
    assert _read_canonical(fm) == _read_canonical_lines(fm)
    if "\\" not in fm:  # no string needed an escape: the one-match reader takes it
        assert _CANON_ARTICLE.match(fm) is not None


def test_hand_written_front_matter_falls_back_to_yaml():
    text = "---\nid: 2024-06-30-02-01\ndate: 2024-06-30\npage: 02\nkind: article\ntitle: 无锡 # note\n---\n正文\n"
    fm, _, _ = split_front_matter(text)
    assert _canonical_front_matter(fm) is None
    a = parse_article(text, "h.md")
    assert a.title == "无锡" and a.page == 2


from wxnews_site.format import _read_canonical_page, parse_page, render_page  # noqa: E402
from wxnews_site.model import Leftover, PageInfo  # noqa: E402


@settings(max_examples=200, deadline=None)
@given(section=_text, source=_text, credits=_names,
       leftovers=st.lists(st.tuples(st.integers(0, 99999), st.text(max_size=20), st.text(max_size=8)), max_size=3),
       imported=st.dictionaries(st.text(min_size=1, max_size=12), st.text(max_size=10), max_size=3))
def test_fast_page_file_reads_what_yaml_reads(section, source, credits, leftovers, imported):
    """The page file's json fast path must agree with YAML on everything render_page can write."""
    import yaml

    p = PageInfo(D, 2, section, "无锡日报", source, None, credits, tuple(Leftover(*x) for x in leftovers), imported)
    text = render_page(p)
    fast = _read_canonical_page(text)
    assert fast is not None
    assert fast == yaml.safe_load(text)


def test_hand_written_page_file_falls_back_to_yaml():
    text = "date: 2024-06-30\npage: 02  # 要闻\nsection: 要闻\ncredits:\n- 本版责编：王 强\n"
    assert _read_canonical_page(text) is None
    p = parse_page(text, "02.page.yaml")
    assert (p.page, p.section, p.credits) == (2, "要闻", ("本版责编：王 强",))
