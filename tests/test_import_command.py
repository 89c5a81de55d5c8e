"""`wxnews-site import PAGE.txt`: naming the page, encodings, edit protection and the all-or-nothing run."""
from __future__ import annotations

import datetime as dt
import importlib.util
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from wxnews_site.cli import main
from wxnews_site.format import parse_article, parse_page, read_archive, sha256_bytes
from wxnews_site.importer.naming import from_name

HERE = Path(__file__).parent
_spec = importlib.util.spec_from_file_location("score_import", HERE / "tools" / "score_import.py")
score_import = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(score_import)

SMALL_PAGE = """\
梁溪河畔新添口袋公园

本报讯 2024年6月29日,梁溪区又一处口袋公园建成开放,市民在家门口就能休闲健身。

公园占地约三千平方米,种植了香樟、桂花等树木。(陈晓)

本版责编:王小明
"""


def md_files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*.md"))}


def all_files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def page_file(tmp_path: Path, name: str, text: str = SMALL_PAGE, encoding: str = "utf-8") -> Path:
    path = tmp_path / "in" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


def imported_pages(root: Path) -> list[tuple[str, int, str | None]]:
    return [(p.date.isoformat(), p.page, p.section) for p in read_archive(root).pages]


@pytest.fixture
def sample_copy(tmp_path, sample_page) -> Path:
    dest = tmp_path / "in" / "2024-06-30_02.txt"
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(sample_page, dest)
    return dest


# ------------------------------------------------------------ naming the page

@pytest.mark.parametrize("name, expected", [
    ("2024-06-30_02.txt", (dt.date(2024, 6, 30), 2)),
    ("20240630-02.txt", (dt.date(2024, 6, 30), 2)),
    ("2024-06-30-p02.txt", (dt.date(2024, 6, 30), 2)),
    ("wxrb_20240630_02.txt", (dt.date(2024, 6, 30), 2)),
    ("2024_06_30_12.txt", (dt.date(2024, 6, 30), 12)),
    ("2024-06-30.txt", (dt.date(2024, 6, 30), None)),
    ("2024-02-30_02.txt", (None, None)),
    ("page.txt", (None, None)),
])
def test_file_names_give_date_and_page(name, expected):
    assert from_name(name) == expected


@given(st.dates(dt.date(1949, 10, 1), dt.date(2099, 12, 31)), st.integers(1, 999),
       st.sampled_from(["{d:%Y-%m-%d}_{p:02d}.txt", "{d:%Y%m%d}-{p:02d}.txt", "{d:%Y-%m-%d}-p{p:02d}.txt",
                        "wxrb_{d:%Y%m%d}_{p:02d}.txt", "{d:%Y_%m_%d}_{p}.TXT"]))
def test_every_naming_style_round_trips(date, page, style):
    assert from_name(style.format(d=date, p=page)) == (date, page)


def test_the_file_name_names_the_page(tmp_path):
    src = page_file(tmp_path, "wxrb_20240630_05.txt")
    assert main(["import", str(src), "--articles", str(tmp_path / "a")]) == 0
    assert imported_pages(tmp_path / "a") == [("2024-06-30", 5, None)]
    a = parse_article((tmp_path / "a/2024/06/30/05-01.md").read_text(encoding="utf-8"))
    assert a.id == "2024-06-30-05-01" and a.source.file == "wxrb_20240630_05.txt"


def test_a_sidecar_beats_the_file_name_and_flags_beat_the_sidecar(tmp_path):
    src = page_file(tmp_path, "2024-06-30_02.txt")
    src.with_suffix(".yaml").write_text("date: 2024-07-01\npage: 3\nsection: 要闻\npaper: 江南晚报\n", encoding="utf-8")
    assert main(["import", str(src), "--articles", str(tmp_path / "a")]) == 0
    assert imported_pages(tmp_path / "a") == [("2024-07-01", 3, "要闻")]
    assert parse_page((tmp_path / "a/2024/07/01/03.page.yaml").read_text(encoding="utf-8")).paper == "江南晚报"
    assert main(["import", str(src), "--page", "4", "--section", "经济", "--articles", str(tmp_path / "b")]) == 0
    assert imported_pages(tmp_path / "b") == [("2024-07-01", 4, "经济")]


def test_section_and_paper_fall_back_to_site_yaml(tmp_path):
    cfg = tmp_path / "site.yaml"
    cfg.write_text("paper: 江阴日报\nsections:\n  - {pages: [2], name: 综合}\n", encoding="utf-8")
    src = page_file(tmp_path, "2024-06-30_02.txt")
    assert main(["--config", str(cfg), "import", str(src), "--articles", str(tmp_path / "a")]) == 0
    a = parse_article((tmp_path / "a/2024/06/30/02-01.md").read_text(encoding="utf-8"))
    assert (a.section, a.paper) == ("综合", "江阴日报")


def test_a_bad_sidecar_is_named_with_its_line(tmp_path, capsys):
    src = page_file(tmp_path, "2024-06-30_02.txt")
    src.with_suffix(".yaml").write_text("date: 2024-07-01\npgae: 3\n", encoding="utf-8")
    assert main(["import", str(src), "--articles", str(tmp_path / "a")]) == 1
    assert "2024-06-30_02.yaml:2: error: unknown key 'pgae' (did you mean 'page'?)" in capsys.readouterr().err
    assert not (tmp_path / "a").exists()


def test_an_unknown_date_stops_and_suggests_the_date_printed_in_the_text(tmp_path, capsys):
    src = page_file(tmp_path, "page.txt")
    assert main(["import", str(src), "--page", "2", "--articles", str(tmp_path / "a")]) == 1
    err = capsys.readouterr().err
    assert "page.txt: the issue date is unknown" in err
    assert "--date 2024-06-29" in err
    assert not (tmp_path / "a").exists()


def test_an_unknown_page_stops_the_run(tmp_path, capsys):
    src = page_file(tmp_path, "2024-06-30.txt")
    assert main(["import", str(src), "--articles", str(tmp_path / "a")]) == 1
    assert "the issue page is unknown" in capsys.readouterr().err
    assert not (tmp_path / "a").exists()


def test_page_flag_with_several_files_is_refused(tmp_path, capsys):
    a, b = page_file(tmp_path, "x.txt"), page_file(tmp_path, "y.txt")
    assert main(["import", str(a), str(b), "--date", "2024-06-30", "--page", "2", "--articles", str(tmp_path / "o")]) == 1
    assert "--page applies to a single page file" in capsys.readouterr().err


def test_date_flag_applies_to_every_file(tmp_path):
    a, b = page_file(tmp_path, "p01.txt"), page_file(tmp_path, "p02.txt")
    a.with_suffix(".yaml").write_text("page: 1\n", encoding="utf-8")
    b.with_suffix(".yaml").write_text("page: 2\n", encoding="utf-8")
    assert main(["import", str(a), str(b), "--date", "2024-06-30", "--articles", str(tmp_path / "o")]) == 0
    assert imported_pages(tmp_path / "o") == [("2024-06-30", 1, None), ("2024-06-30", 2, None)]


# ------------------------------------------------------------------ encodings

@pytest.mark.parametrize("encoding, newline", [
    ("utf-8-sig", "\n"), ("gb18030", "\n"), ("utf-16", "\n"), ("utf-8", "\r\n"), ("gb18030", "\r\n"),
])
def test_encodings_and_line_ends_give_identical_articles(tmp_path, sample_page, encoding, newline):
    text = sample_page.read_text(encoding="utf-8")
    plain = page_file(tmp_path / "plain", "2024-06-30_02.txt", text)
    other = page_file(tmp_path / "other", "2024-06-30_02.txt", text.replace("\n", newline), encoding)
    assert main(["import", str(plain), "--articles", str(tmp_path / "a")]) == 0
    assert main(["import", str(other), "--articles", str(tmp_path / "b")]) == 0
    assert md_files(tmp_path / "a") == md_files(tmp_path / "b")
    assert len(md_files(tmp_path / "a")) >= 5


def test_undecodable_bytes_name_the_file_and_offset_and_nothing_is_written(tmp_path, capsys):
    good = page_file(tmp_path, "2024-06-30_01.txt")
    bad = tmp_path / "in" / "2024-06-30_02.txt"
    bad.write_bytes("梁溪新闻\n".encode("utf-8") + b"\x80\xff\xfe\x00\x01garbage" * 20)
    assert main(["import", str(good), str(bad), "--articles", str(tmp_path / "a")]) == 1
    err = capsys.readouterr().err
    assert "2024-06-30_02.txt" in err and "byte offset 13" in err
    assert "nothing was written" in err
    assert not (tmp_path / "a").exists()


def test_a_missing_file_is_named_and_nothing_is_written(tmp_path, capsys):
    good = page_file(tmp_path, "2024-06-30_01.txt")
    assert main(["import", str(good), str(tmp_path / "in" / "2024-06-30_09.txt"), "--articles", str(tmp_path / "a")]) == 1
    assert "2024-06-30_09.txt: cannot read" in capsys.readouterr().err
    assert not (tmp_path / "a").exists()


# ------------------------------------------------------------ edit protection

def test_reimporting_the_sample_is_byte_identical(tmp_path, sample_copy, capsys):
    out = tmp_path / "articles"
    assert main(["import", str(sample_copy), "--articles", str(out)]) == 0
    first = all_files(out)
    capsys.readouterr()
    assert main(["import", str(sample_copy), "--articles", str(out)]) == 0
    assert all_files(out) == first
    assert f"0 file(s) written, {len(first)} unchanged" in capsys.readouterr().out


def test_an_edited_article_is_skipped_and_named_and_force_overwrites_it(tmp_path, sample_copy, capsys):
    out = tmp_path / "articles"
    assert main(["import", str(sample_copy), "--articles", str(out)]) == 0
    target = out / "2024/06/30/02-01.md"
    original = target.read_text(encoding="utf-8")
    edited = original.replace("review:", "# checked by the desk\nreview:", 1)
    target.write_text(edited, encoding="utf-8")
    capsys.readouterr()
    assert main(["import", str(sample_copy), "--articles", str(out)]) == 0
    report = capsys.readouterr().out
    assert "1 skipped (edited)" in report
    assert "2024/06/30/02-01.md" in report and "--force" in report
    assert target.read_text(encoding="utf-8") == edited
    assert main(["import", str(sample_copy), "--articles", str(out), "--force"]) == 0
    assert target.read_text(encoding="utf-8") == original


def test_a_section_and_credit_set_in_the_page_file_survive_a_reimport_and_force_replaces_them(tmp_path, capsys):
    src = page_file(tmp_path, "2024-06-30_02.txt")
    out = tmp_path / "articles"
    assert main(["import", str(src), "--articles", str(out)]) == 0
    page_path = out / "2024/06/30/02.page.yaml"
    text = page_path.read_text(encoding="utf-8")
    assert "section: null" in text and '"本版责编:王小明"' in text
    page_path.write_text(text.replace("section: null", "section: 要闻").replace("王小明", "王晓明"), encoding="utf-8")
    capsys.readouterr()

    assert main(["import", str(src), "--articles", str(out), "--dry-run"]) == 0
    report = capsys.readouterr().out
    assert "EDITED page file, would keep your section, credits" in report and "02.page.yaml" in report

    assert main(["import", str(src), "--articles", str(out)]) == 0
    report = capsys.readouterr().out
    assert "kept your section, credits" in report and "--force" in report
    kept = parse_page(page_path.read_text(encoding="utf-8"))
    assert (kept.section, kept.credits) == ("要闻", ("本版责编:王晓明",))
    # The page's section is the section of its articles written now.
    assert [a.section for a in read_archive(out).articles] == ["要闻"]

    assert main(["import", str(src), "--articles", str(out), "--force"]) == 0
    assert page_path.read_text(encoding="utf-8") == text


def test_dry_run_shows_the_table_and_writes_nothing(tmp_path, sample_copy, capsys):
    out = tmp_path / "articles"
    assert main(["import", str(sample_copy), "--articles", str(out), "--dry-run"]) == 0
    text = capsys.readouterr().out
    assert "2024-06-30-02-01" in text and "崔欣润" in text and "paras" in text
    assert "Nothing was written" in text
    assert not out.exists()


def test_files_are_written_only_inside_the_articles_folder(tmp_path, sample_copy, monkeypatch):
    monkeypatch.chdir(tmp_path)
    before = {p for p in tmp_path.rglob("*")}
    assert main(["import", str(sample_copy), "--articles", "out/articles"]) == 0
    new = {p for p in tmp_path.rglob("*")} - before
    assert new and all(p == tmp_path / "out" or (tmp_path / "out" / "articles") in (p, *p.parents) for p in new)


# ------------------------------------------------------------ nothing is lost

def test_every_raw_line_of_the_sample_is_kept_somewhere(tmp_path, sample_copy, sample_gold):
    out = tmp_path / "articles"
    assert main(["import", str(sample_copy), "--articles", str(out)]) == 0
    gold = yaml.safe_load(sample_gold.read_text(encoding="utf-8"))
    produced = [score_import.read_article(p) for p in sorted(out.rglob("*.md"))]
    pages = tuple(p.read_text(encoding="utf-8") for p in out.rglob("*.page.yaml"))
    result = score_import.score(gold, sample_copy.read_text(encoding="utf-8"), produced, pages)
    assert result["lost"] == []
    assert result["kept"] == 1.0
    assert read_archive(out).errors == ()


def test_an_articles_path_that_is_a_file_is_refused(tmp_path, capsys):
    src = page_file(tmp_path, "2024-06-30_02.txt")
    (tmp_path / "articles").write_text("not a folder", encoding="utf-8")
    assert main(["import", str(src), "--articles", str(tmp_path / "articles")]) == 1
    assert "is a file, not an articles folder" in capsys.readouterr().err


# ------------------------------------------------------- the committed sample

ARCHIVE = HERE.parent / "articles"


def test_the_committed_sample_articles_match_the_printed_page(sample_page, sample_gold):
    gold = yaml.safe_load(sample_gold.read_text(encoding="utf-8"))
    produced = [score_import.read_article(p) for p in sorted(ARCHIVE.rglob("*.md"))]
    result = score_import.score(gold, sample_page.read_text(encoding="utf-8"), produced)
    assert result["score"] == 1.0, result
    archive = read_archive(ARCHIVE)
    assert archive.problems == ()
    assert all(a.review == () for a in archive.articles)


def test_reimporting_the_sample_into_the_committed_archive_keeps_every_reviewed_article(tmp_path, sample_copy, capsys):
    work = tmp_path / "articles"
    shutil.copytree(ARCHIVE, work)
    info = parse_page((work / "2024/06/30/02.page.yaml").read_text(encoding="utf-8"))
    edited = sorted(f"2024/06/30/{name}" for name, digest in info.imported.items()
                    if name.endswith(".md") and sha256_bytes((work / "2024/06/30" / name).read_bytes()) != digest)
    assert edited, "the committed sample carries the editors' corrections"
    before = all_files(work)
    assert main(["import", str(sample_copy), "--articles", str(work)]) == 0
    report = capsys.readouterr().out
    for rel in edited:
        assert (work / rel).read_bytes() == before[rel]
    # An edit the importer now agrees with is simply unchanged; the others are named.
    named = [line.strip() for line in report.splitlines() if line.strip().endswith(".md")]
    assert all(any(n.endswith(rel) for rel in edited) for n in named)
    assert f"{len(named)} skipped (edited)" in report
    # Nothing else changes either: a re-import leaves a clean git checkout.
    assert all_files(work) == before


def test_a_folder_imports_every_page_in_it(tmp_path):
    page_file(tmp_path, "2024-06-30_01.txt")
    page_file(tmp_path, "2024-06-30_02.txt")
    (tmp_path / "in" / "notes.md").write_text("not a page", encoding="utf-8")
    assert main(["import", str(tmp_path / "in"), "--articles", str(tmp_path / "a")]) == 0
    assert imported_pages(tmp_path / "a") == [("2024-06-30", 1, None), ("2024-06-30", 2, None)]
