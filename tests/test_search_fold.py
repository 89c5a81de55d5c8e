"""Search's folds, one by one: what a reader types finds what the paper printed, and no more."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from wxnews_site.search.layout import across_keys
from wxnews_site.search.normalize import fold_map, normalize, parse_query, squeeze

ROOT = Path(__file__).resolve().parents[1]


# ------------------------------------------------------------ compatibility forms

@pytest.mark.parametrize("printed, typed", [
    ("Ⅳ级应急响应", "IV级应急响应"),     # Roman numerals (U+2160 …)
    ("Ⅲ类水质", "III类水质"),
    ("ⅱ", "ii"),                         # small Roman numerals
    ("见图①", "见图1"),                  # circled numbers
    ("第⑩项", "第10项"),
    ("⑴ 加强监管", "(1) 加强监管"),      # parenthesised numbers
    ("⒈", "1."),                          # numbers with a full stop
    ("㈠ 总则", "(一) 总则"),            # parenthesised ideographs
    ("气温28℃", "气温28°C"),             # degree Celsius
    ("120㎡", "120m2"),                   # square metre
    ("面积120m²", "面积120m2"),           # superscript two
    ("ﬁnance", "finance"),                # ligature
    ("⼀带⼀路", "一带一路"),             # Kangxi radicals (PDF text) read as the ideographs
    ("５％", "5%"),                       # full width, as before
])
def test_compatibility_forms_fold_as_nfkc_decomposes_them(printed, typed):
    assert normalize(printed) == normalize(typed)


def test_a_query_in_compatibility_forms_finds_the_plain_text_too():
    assert normalize("Ⅳ") == normalize("IV") == normalize("iv") == "iv"
    assert normalize("℃") == "°c" and normalize("㎡") == "m2"


@pytest.mark.parametrize("kept", ["……", "‼", "︰", "\u00a0", "¨", "´"])
def test_punctuation_spacing_accents_and_spaces_keep_their_own_form(kept):
    # An ellipsis stays one (no record lists the place of every …), and nothing
    # folds into a space, quote or combining mark, which would split a query.
    assert normalize(kept) == kept.lower()


# ------------------------------------------------------ traditional to simplified

@pytest.mark.parametrize("traditional, simplified", [
    ("長三角", "长三角"), ("機器人", "机器人"), ("臺灣學者", "台湾学者"), ("後來", "后来"),
    ("幹部", "干部"), ("髮型", "发型"), ("畫家", "画家"), ("開發", "开发"), ("𡑍", "𫭼"),
])
def test_traditional_characters_fold_to_simplified(traditional, simplified):
    assert normalize(traditional) == simplified


# Characters OpenCC lists as traditional that are standard simplified characters
# too (the 通用规范汉字表, or kept by OpenCC itself): each finds only itself.
BOTH = "么乾仝俱像剋劄叚吒哩喆坏堃夥彷徵扞於昇椀氾沈淼澂爇犇甦甯瞭祇祕筦絜耑脩苧菉蒐薳薹藉袷覆谿迺邨釐阪陞麽龢"


@pytest.mark.parametrize("ch", list(BOTH + "噁干苔升宁咤恶"))
def test_a_character_that_is_standard_simplified_is_not_folded(ch):
    assert normalize(ch) == ch
    assert ch not in fold_map()


@pytest.mark.parametrize("printed, other", [
    ("蒜薹", "蒜苔"), ("乾坤", "干坤"), ("昇平", "升平"), ("甯姓", "宁姓"), ("哪吒", "哪咤"), ("二噁英", "二恶英"),
])
def test_over_folded_pairs_of_the_issue_stay_apart(printed, other):
    assert other not in normalize(printed) and printed not in normalize(other)


def test_every_fold_is_final_and_never_splits_a_query():
    for ch, folded in fold_map().items():
        assert normalize(folded) == folded, ch
        assert not set(folded) & set(" \t\n\r\f\v\u00a0\"“”「」"), ch


def _table_script():
    spec = importlib.util.spec_from_file_location("make_fold_table", ROOT / "scripts" / "make_fold_table.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_table_script_applies_the_rule_to_openccs_data():
    script = _table_script()
    ts = {"乾": ["干", "乾"], "薹": ["苔", "薹"], "噁": ["恶", "𫫇"], "後": ["后"], "幹": ["干"], "於": ["于"],
          "緼": ["缊"], "髮": ["发"]}
    st = {"干": ["幹", "乾", "干"], "苔": ["苔", "薹"], "緼": ["縕", "緼"], "发": ["發", "髮"]}
    phrases = {"二噁英": ["二𫫇英"], "頭髮": ["头发"]}
    standard = {"干", "苔", "后", "恶", "𫫇", "于", "於", "发"}
    assert script.t2s_pairs(ts, st, phrases, standard) == {"後": "后", "幹": "干", "髮": "发"}


def test_the_committed_table_is_the_scripts_for_the_compatibility_forms():
    import json
    import unicodedata

    committed = json.loads((ROOT / "src" / "wxnews_site" / "search" / "fold.json").read_text(encoding="utf-8"))
    if f"Unicode {unicodedata.unidata_version}" in committed["source"]:
        assert committed["compat"] == _table_script().compat_forms()
    assert committed["compat"]["Ⅳ"] == "IV" and "…" not in committed["compat"]


# ------------------------------------------------------------------ near matches

@pytest.mark.parametrize("printed, squeezed", [
    ("摄影：常  晋文", "摄影:常晋文"),                       # a name spaced out in the credits
    ("“七一勋章”获得者", "“七一勋章获得者"),               # a phrase broken by quotes
    ("《人民日报》社论", "《人民日报社论"),
    ("中国—东盟", "中国东盟"),
    ("发展，推动", "发展,推动"),                             # a clause break stays
    ("老旧\n小区", "老旧\n小区"),                             # so does a paragraph's end
    ("5G 基站 a b", "5g 基站 a b"),                          # only between Han characters
])
def test_a_near_match_ignores_marks_between_han_characters_but_breaks(printed, squeezed):
    assert squeeze(normalize(printed)) == squeezed


def test_pairs_across_marks_are_the_keys_of_near_matches():
    assert across_keys(normalize("常  晋文，“七一勋章”获得者\n老旧\n小区，发展")) == {
        "\x04常晋", "\x04章获"}


# ---------------------------------------------------------------------- queries

@pytest.mark.parametrize("query, terms", [
    ('"老旧 小区"', ["老旧小区"]),
    ('"长三角 金融"', ["长三角金融"]),
    ("“七一勋章 获得者”", ["七一勋章获得者"]),
    ('"new york"', ["new york"]),
    ("老旧 小区", ["老旧", "小区"]),
    ("IV级", ["iv级"]),
    ("Ⅳ级", ["iv级"]),
])
def test_a_phrase_in_quotes_ignores_spaces_between_han_characters(query, terms):
    assert parse_query(query) == terms


_ALPHABET = sorted(fold_map())[:400] + [chr(c) for c in range(0xFF01, 0xFF5F)] + list("　AbZ长三角，。、“”1２３\n ") \
    + ["\U00020000", "\U0002F800", "\ud800"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_ALPHABET), min_size=0, max_size=400))
def test_the_bulk_fold_of_a_full_build_is_normalize_itself(chars):
    import numpy  # noqa: F401 (a full build has it loaded: normalize then folds long texts by numpy)
    from wxnews_site.search import normalize as module

    text = "".join(chars) * 2
    bulk = module._normalize_bulk(text)
    plain = text.translate(module._bmp_table())
    plain = plain.translate(module._table()) if module._ASTRAL.search(plain) else plain
    assert bulk is None or bulk == plain
    assert normalize(text) == plain
