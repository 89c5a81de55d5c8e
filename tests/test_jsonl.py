"""JSON Lines import: CMS records become the same article and page files as raw pages."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from wxnews_site.cli import main
from wxnews_site.format import parse_article, parse_page, read_archive
from wxnews_site.model import Leftover

RECORDS = [
    {"date": "2025-03-03", "page": 1, "section": "要闻", "kicker": "春耕时节——", "title": "田间地头备耕忙",
     "subtitle": "农机手提前检修设备", "authors": "本报记者  刘  泉  张云河",
     "body": "本报南京3月2日电  连日来，各地农户抢抓农时。\n合作社里机声隆隆。", "kind": "article",
     "captions": None, "order": 2},
    {"date": "2025-03-03", "page": 1, "section": "要闻", "kicker": None, "title": "社区食堂开张",
     "subtitle": None, "authors": "陈  曦", "body": "老人们吃上了热乎饭。", "kind": "article",
     "captions": ["食堂里老人们正在用餐。\u3000\u3000本报记者  汪思源摄"], "order": 1},
    {"date": "2025-03-03", "page": 1, "section": "要闻", "title": "本版责编：王小明  李  华", "body": "版式设计：赵  敏",
     "kind": "editor_credit", "order": 3},
    {"date": "2025-03-03", "page": 1, "section": "要闻", "title": "春季新品促销", "body": "全场八折\n欢迎选购",
     "kind": "advert", "order": 4},
    {"date": "2025-03-03", "page": 2, "section": "综合", "title": "图片报道", "authors": None, "body": "",
     "kind": "photo", "captions": ["3月1日，游客在梅园赏花。\u3000\u3000宗晓东摄（人民视觉）"], "order": 1},
    {"date": "2025-03-03", "page": 2, "section": "综合", "title": "古镇春色", "authors": "本报记者  汪思源摄",
     "body": "古镇迎来踏青客。", "kind": "article", "order": 2},
    {"date": "2025-03-03", "page": 2, "section": "综合", "title": "广告", "body": "", "kind": "other", "order": 3},
]


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def article(root: Path, rel: str):
    return parse_article((root / rel).read_text(encoding="utf-8"), rel)


@pytest.fixture
def imported(tmp_path):
    src = write_jsonl(tmp_path / "export.jsonl", RECORDS)
    out = tmp_path / "articles"
    assert main(["import", "--jsonl", str(src), "--articles", str(out)]) == 0
    return out


def test_stories_are_numbered_by_their_order_on_the_page(imported):
    assert article(imported, "2025/03/03/01-01.md").title == "社区食堂开张"
    assert article(imported, "2025/03/03/01-02.md").title == "田间地头备耕忙"
    assert sorted(p.relative_to(imported).as_posix() for p in imported.rglob("*.md")) == [
        "2025/03/03/01-01.md", "2025/03/03/01-02.md", "2025/03/03/02-01.md", "2025/03/03/02-02.md"]


def test_headlines_bylines_and_dateline_come_from_the_record(imported):
    a = article(imported, "2025/03/03/01-02.md")
    assert (a.kicker, a.title, a.subtitle) == ("春耕时节——", "田间地头备耕忙", "农机手提前检修设备")
    assert a.bylines == ("刘泉", "张云河")
    assert a.credit == "本报记者  刘  泉  张云河"
    assert a.dateline == "本报南京3月2日电"
    assert a.body == "本报南京3月2日电  连日来，各地农户抢抓农时。\n\n合作社里机声隆隆。"
    assert (a.section, a.paper, a.review) == ("要闻", "无锡日报", ())
    assert a.source.file == "export.jsonl" and a.source.lines == (1,)


def test_captions_follow_the_body_and_credit_their_photographer(imported):
    a = article(imported, "2025/03/03/01-01.md")
    assert a.bylines == ("陈曦",)
    assert a.photographers == ("汪思源",)
    assert a.body.split("\n\n") == ["老人们吃上了热乎饭。", "食堂里老人们正在用餐。\u3000\u3000本报记者  汪思源摄"]


def test_a_photo_record_has_its_captions_as_body(imported):
    a = article(imported, "2025/03/03/02-01.md")
    assert a.kind == "photo"
    assert a.photographers == ("宗晓东",)
    assert a.body == "3月1日，游客在梅园赏花。\u3000\u3000宗晓东摄（人民视觉）"


def test_a_photographer_in_the_authors_field_is_not_a_reporter(imported):
    a = article(imported, "2025/03/03/02-02.md")
    assert (a.bylines, a.photographers) == ((), ("汪思源",))


def test_editor_credits_and_adverts_land_in_the_page_file(imported):
    p1 = parse_page((imported / "2025/03/03/01.page.yaml").read_text(encoding="utf-8"))
    assert p1.credits == ("本版责编：王小明  李  华", "版式设计：赵  敏")
    assert p1.leftovers == (Leftover(4, "春季新品促销", "advert"), Leftover(4, "全场八折", "advert"),
                            Leftover(4, "欢迎选购", "advert"))
    p2 = parse_page((imported / "2025/03/03/02.page.yaml").read_text(encoding="utf-8"))
    assert p2.leftovers == (Leftover(7, "广告", "other"),)
    assert (p2.section, p2.source) == ("综合", "export.jsonl")


def test_every_printed_line_survives_somewhere(imported):
    everything = "".join(f.read_text(encoding="utf-8") for f in imported.rglob("*") if f.is_file())
    for rec in RECORDS:
        for key in ("kicker", "title", "subtitle", "authors", "body"):
            for line in (rec.get(key) or "").split("\n"):
                assert line.strip() in everything
        for cap in rec.get("captions") or []:
            assert cap in everything


def test_the_archive_reads_back_clean_and_reimport_changes_nothing(imported, tmp_path, capsys):
    assert read_archive(imported).errors == ()
    before = {f: f.read_bytes() for f in imported.rglob("*") if f.is_file()}
    assert main(["import", "--jsonl", str(tmp_path / "export.jsonl"), "--articles", str(imported)]) == 0
    assert {f: f.read_bytes() for f in imported.rglob("*") if f.is_file()} == before
    assert "0 file(s) written, 6 unchanged" in capsys.readouterr().out


def test_a_byline_with_no_names_is_flagged_for_review(tmp_path):
    src = write_jsonl(tmp_path / "x.jsonl", [dict(RECORDS[1], authors="本报记者", captions=None)])
    assert main(["import", "--jsonl", str(src), "--articles", str(tmp_path / "a")]) == 0
    a = article(tmp_path / "a", "2025/03/03/01-01.md")
    assert a.bylines == () and a.review == ("byline not understood: 本报记者",)


def test_bad_lines_are_all_named_and_nothing_is_written(tmp_path, capsys):
    src = tmp_path / "bad.jsonl"
    src.write_text(
        json.dumps(RECORDS[0], ensure_ascii=False) + "\n"
        + '{"date": "2025-03-03", "page": 1, "title": "缺了括号"\n'
        + json.dumps(dict(RECORDS[1], kind="artcle"), ensure_ascii=False) + "\n"
        + json.dumps(dict(RECORDS[1], date="2025-02-30"), ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "articles"
    assert main(["import", "--jsonl", str(src), "--articles", str(out)]) == 1
    err = capsys.readouterr().err
    assert "bad.jsonl:2: error: not valid JSON" in err
    assert "bad.jsonl:3: error: unknown kind 'artcle'" in err
    assert "bad.jsonl:4: error: bad or missing 'date' '2025-02-30'" in err
    assert "nothing was written" in err
    assert not out.exists()


def test_dry_run_lists_the_articles_and_writes_nothing(tmp_path, capsys):
    src = write_jsonl(tmp_path / "export.jsonl", RECORDS)
    out = tmp_path / "articles"
    assert main(["import", "--jsonl", str(src), "--articles", str(out), "--dry-run"]) == 0
    text = capsys.readouterr().out
    assert "2025-03-03-01-02" in text and "田间地头备耕忙" in text and "刘泉、张云河" in text
    assert "leftover line 4: 全场八折  [advert]" in text
    assert "Nothing was written" in text
    assert not out.exists()


def test_date_and_page_flags_do_not_apply_to_records(tmp_path, capsys):
    src = write_jsonl(tmp_path / "export.jsonl", RECORDS)
    assert main(["import", "--jsonl", str(src), "--date", "2025-03-04", "--articles", str(tmp_path / "a")]) == 1
    assert "--date and --page do not apply to --jsonl" in capsys.readouterr().err
    assert not (tmp_path / "a").exists()
