"""PDF look-alikes (⽉ for 月, ⸺ for ——) folded into ordinary text and recorded in the page file."""
from __future__ import annotations

import datetime as dt
import unicodedata
from pathlib import Path

import pytest

from wxnews_site.cli import main
from wxnews_site.format import FormatError, _read_canonical_page, parse_page, render_page
from wxnews_site.importer.fold import DASHES, SUPPLEMENT, TABLE, describe, fold_lines, fold_text
from wxnews_site.importer.layout import accounted, reconstruct
from wxnews_site.model import Fold, PageInfo

D = dt.date(2024, 6, 30)


def test_every_kangxi_radical_folds_to_its_nfkc_ideograph():
    for cp in range(0x2F00, 0x2FD6):
        ch = chr(cp)
        target = unicodedata.normalize("NFKC", ch)
        assert target != ch and unicodedata.name(target).startswith("CJK UNIFIED IDEOGRAPH"), hex(cp)
        assert TABLE[ch] == target
    assert TABLE["⽉"] == "月" and TABLE["⼈"] == "人"


def test_dashes_fold_to_em_dashes():
    assert DASHES == {"⸺": "——", "⸻": "———"}
    assert fold_text("六⽉——七⽉⸺八⽉⸻") == "六月——七月——八月———"


def test_supplement_forms_fold_to_whole_characters_and_components_stay():
    for ch, target in SUPPLEMENT.items():
        assert unicodedata.name(ch).startswith("CJK RADICAL"), hex(ord(ch))
        assert unicodedata.name(target).startswith("CJK UNIFIED IDEOGRAPH")
        nfkc = unicodedata.normalize("NFKC", ch)
        assert nfkc in (ch, target)  # where Unicode gives a mapping, the table agrees with it
    assert fold_text("⻓江⼤桥，⻔票⻢上售罄") == "长江大桥，门票马上售罄"
    # a component radical is no character of running text: left for an editor to see
    assert fold_text("⻈⺡⺾") == "⻈⺡⺾"


def test_ordinary_text_and_fullwidth_punctuation_are_untouched():
    text = "六月三十日，（记者 王强）：ＡＢＣ１２３——“好”"
    assert fold_text(text) == text
    assert fold_lines([text, ""]) == ([text, ""], ())


def test_fold_lines_keeps_line_numbers_and_counts_each_character_per_line():
    lines, folds = fold_lines(["标题", "⽉⽉光⸺", "", "⼈"])
    assert lines == ["标题", "月月光——", "", "人"]
    assert folds == (Fold(2, "⽉", "月", 2), Fold(2, "⸺", "——", 1), Fold(4, "⼈", "人", 1))
    assert describe(folds) == "⽉→月 ×2, ⸺→—— ×1, ⼈→人 ×1"


PDF_PAGE = """\
梁溪河畔新添⼝袋公园

本报讯 2024年6⽉29日,梁溪区又一处口袋公园建成开放⸺市民在家门口就能休闲健身。

公园占地约三千平方米,种植了香樟、桂花等树木,6⽉起每天开放到晚上十点。(陈晓)

本版责编:王小明
"""


def test_reconstruct_reads_ordinary_text_and_records_the_folds():
    lines = PDF_PAGE.split("\n")
    draft = reconstruct(lines, "p.txt")
    text = "".join(p for s in draft.stories for p in (s.title or "",) + s.paragraphs)
    assert "⽉" not in text and "⸺" not in text and "⼝" not in text
    assert "口袋公园" in draft.stories[0].title and "6月29日" in text and "开放——市民" in text
    assert draft.folded == (Fold(1, "⼝", "口", 1), Fold(3, "⽉", "月", 1), Fold(3, "⸺", "——", 1),
                            Fold(5, "⽉", "月", 1))
    assert accounted(lines, draft) == ({}, {})


def _import(tmp_path: Path, *extra: str) -> int:
    src = tmp_path / "in" / "2024-06-30_02.txt"
    src.parent.mkdir(parents=True, exist_ok=True)
    src.write_text(PDF_PAGE, encoding="utf-8")
    return main(["import", str(src), "--articles", str(tmp_path / "a"), *extra])


def test_import_writes_ordinary_text_records_folds_and_reimports_byte_identically(tmp_path, capsys):
    assert _import(tmp_path) == 0
    out = capsys.readouterr().out
    assert "look-alike character(s)" in out and "⽉→月 ×2" in out and "⸺→—— ×1" in out and "folded:" in out
    root = tmp_path / "a"
    files = {p: p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}
    body = "".join(v.decode() for k, v in files.items() if k.suffix == ".md")
    assert "6月29日" in body and "⽉" not in body and "⸺" not in body
    page_text = (root / "2024/06/30/02.page.yaml").read_text(encoding="utf-8")
    assert 'folded:\n  - line: 1\n    from: "⼝"\n    to: "口"\n    count: 1\n' in page_text
    assert '"02.page.yaml#folded"' in page_text
    info = parse_page(page_text, "02.page.yaml")
    assert Fold(3, "⸺", "——", 1) in info.folded and len(info.folded) == 4
    assert _import(tmp_path) == 0
    assert {p: p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()} == files


def test_dry_run_lists_the_folds(tmp_path, capsys):
    assert _import(tmp_path, "--dry-run") == 0
    assert "look-alike line 3: ⸺ read as —— ×1" in capsys.readouterr().out


def test_an_editor_clearing_folded_is_kept_on_reimport(tmp_path, capsys):
    assert _import(tmp_path) == 0
    path = tmp_path / "a" / "2024/06/30/02.page.yaml"
    text = path.read_text(encoding="utf-8")
    start, end = text.index("folded:\n"), text.index("imported:\n")
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    capsys.readouterr()
    assert _import(tmp_path) == 0
    assert "kept your folded" in capsys.readouterr().out
    assert parse_page(path.read_text(encoding="utf-8")).folded == ()
    assert _import(tmp_path, "--force") == 0
    assert len(parse_page(path.read_text(encoding="utf-8")).folded) == 4


def test_a_page_without_look_alikes_has_no_folded_key_or_record(tmp_path):
    src = tmp_path / "in" / "2024-06-30_02.txt"
    src.parent.mkdir(parents=True)
    src.write_text(fold_text(PDF_PAGE), encoding="utf-8")
    assert main(["import", str(src), "--articles", str(tmp_path / "a")]) == 0
    text = (tmp_path / "a" / "2024/06/30/02.page.yaml").read_text(encoding="utf-8")
    assert "folded" not in text


def test_page_file_folded_round_trips_through_the_fast_reader_and_yaml():
    import yaml

    folds = (Fold(3, "⽉", "月", 2), Fold(12, "⸺", "——", 1), Fold(12, '"', "'", 1))
    p = PageInfo(D, 2, "要闻", "无锡日报", "p.txt", None, (), (), {"02-01.md": "ab"}, folds)
    text = render_page(p)
    fast = _read_canonical_page(text)
    assert fast is not None and fast == yaml.safe_load(text)
    assert parse_page(text).folded == folds
    # hand-written YAML, plain scalars and a flow mapping, reads the same
    hand = "date: 2024-06-30\npage: 2\nfolded:\n- {line: 3, from: ⽉, to: 月, count: 2}\n"
    assert parse_page(hand).folded == (Fold(3, "⽉", "月", 2),)


@pytest.mark.parametrize("entry, message", [
    ("  - line: x\n    from: ⽉\n    to: 月\n    count: 1\n", "'line' must be a whole number"),
    ("  - line: 3\n    from: ⽉\n    to: 月\n    count: 0\n", "'count' must be a whole number"),
    ("  - line: 3\n    from: [⽉]\n    to: 月\n    count: 1\n", "'from' must be the character as text"),
    ("  - line: 3\n    from: ⽉\n    count: 1\n", "'to' must be the character as text"),
    ("  - line: 3\n    from: ⽉\n    to: 月\n    count: 1\n    reason: x\n", "unknown key 'reason'"),
    ("  - 月\n", "must be a mapping"),
])
def test_a_wrong_folded_entry_is_named_with_its_file_and_line(entry, message):
    good = "  - line: 1\n    from: ⼝\n    to: 口\n    count: 1\n"
    text = "date: 2024-06-30\npage: 2\nfolded:\n" + good + entry
    with pytest.raises(FormatError) as err:
        parse_page(text, "02.page.yaml")
    (problem,) = err.value.problems
    assert (problem.path, problem.line) == ("02.page.yaml", 8) and message in problem.message
    assert "folded entry 2" in problem.message


def test_folded_that_is_no_list_is_named_at_its_key():
    with pytest.raises(FormatError) as err:
        parse_page("date: 2024-06-30\npage: 2\nfolded: ⽉→月\n", "02.page.yaml")
    (problem,) = err.value.problems
    assert problem.line == 3 and "'folded' must be a list" in problem.message


def test_the_scorer_counts_a_folded_line_as_kept():
    import importlib.util

    spec = importlib.util.spec_from_file_location("score_import", Path(__file__).parent / "tools" / "score_import.py")
    scorer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scorer)
    gold = {"articles": [{"id": "a", "kind": "article", "title": "六月的梁溪", "paragraphs": ["六月——梁溪河畔。"]}]}
    produced = [{"path": "x.md", "meta": {"title": "六月的梁溪"}, "paragraphs": ["六月——梁溪河畔。"],
                 "raw": "title: 六月的梁溪\n\n六月——梁溪河畔。\n"}]
    result = scorer.score(gold, "六⽉的梁溪\n六⽉⸺梁溪河畔。\n", produced)
    assert result["kept"] == 1.0 and result["paragraphs"] == 1.0
