"""Hostile and mistaken input: every one ends in ``file:line: error: ...``, never
a traceback, and build, check and review all say so (issue 13's list)."""
from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from sample_archive import write_archive

from wxnews_site import cli
from wxnews_site.format import parse_article, read_archive

ARTICLE = "2024/06/30/02-01.md"
PAGE = "2024/06/30/02.page.yaml"
ERROR = re.compile(r"^\S+:\d+: error: .+", re.M)
LAUGHS = ('&a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
          + "".join(f"x{i}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]\n" for i in range(8)))


@pytest.fixture
def site(tmp_path: Path) -> Path:
    write_archive(tmp_path)
    (tmp_path / "site.yaml").write_text("title: 无锡日报数字报\n", encoding="utf-8")
    return tmp_path


def replace_line(path: Path, key: str, new: str) -> None:
    lines = path.read_text(encoding="utf-8").split("\n")
    at = next(i for i, line in enumerate(lines) if line.startswith(f"{key}:"))
    lines[at:at + 1] = new.split("\n")
    path.write_text("\n".join(lines), encoding="utf-8")


def every_command_says(site: Path, capsys, what: str) -> None:
    """build, check and review each exit with an error naming the file and line, and no traceback."""
    config = ["--config", str(site / "site.yaml")]
    for command in (["build"], ["check"], ["review"]):
        code = cli.main(config + command)
        err = "".join(capsys.readouterr())  # check reports on stdout
        assert code != 0 or command == ["review"], (command, err)
        assert "Traceback" not in err
        assert re.search(rf"{re.escape(what)}:\d+: error: ", err) or command == ["review"], (command, err)
        if command == ["review"]:
            assert what in err, err


BOMBS = {  # key -> a line whose value is a billion-laughs bomb
    "review": "review: *i", "kind": "kind: *i", "id": "id: *i", "date": "date: *i",
    "source": "source: {file: a.txt, lines: *i}",
}


@pytest.mark.parametrize("key", sorted(BOMBS))
def test_an_alias_bomb_in_front_matter_is_refused_at_its_line(site: Path, capsys, key):
    path = site / "articles" / ARTICLE
    replace_line(path, key, LAUGHS.replace("&a", "x: &a", 1) + BOMBS[key])
    every_command_says(site, capsys, ARTICLE)
    found = read_archive(site / "articles").errors
    assert any("anchors and aliases" in p.message and p.line >= 2 for p in found), found


def test_an_alias_bomb_in_a_page_files_credits_is_refused(site: Path, capsys):
    path = site / "articles" / PAGE
    replace_line(path, "credits", LAUGHS.replace("&a", "x: &a", 1) + "credits: *i")
    every_command_says(site, capsys, PAGE)


@pytest.mark.parametrize("key, value, says", [
    ("source", 'source: {file: "a.txt", lines: "1-100000000000"}', "bad line list"),
    ("page", "page: 1" + "0" * 5000, "digits"),
    ("date", "date: 2024-02-30", "bad date"),
    ("date", "date: 9999-12-31", "outside the years 1900-2100"),
    ("bylines", "bylines: [" + "张" * 85 + "]", "must fit a file name"),
    ("section", 'section: "' + "要闻" * 43 + '"', "must fit a file name"),
    ("review", "review: [{a: 1}]", "list of reasons"),
    ("kind", "kind: [article]", "'kind' must be one of"),
    ("page", "page: " + "[" * 100000 + "]" * 100000, "nest"),
])
def test_front_matter_values_out_of_bounds_are_errors(site: Path, capsys, key, value, says):
    replace_line(site / "articles" / ARTICLE, key, value)
    every_command_says(site, capsys, ARTICLE)
    assert any(says in p.message for p in read_archive(site / "articles").errors)


@pytest.mark.parametrize("key, value, says", [
    ("credits", "credits: 5", "'credits' must be a list"),
    ("leftovers", "leftovers: [{line: abc, text: x}]", "'line' must be a line number"),
    ("leftovers", "leftovers: [5]", "must be a mapping"),
    ("imported", "imported: [a, b]", "'imported' must map"),
    ("section", "section: [要闻]", "'section' must be text"),
    ("page", 'page: "²"', "'page'"),
    ("date", "date: 9999-12-31", "outside the years"),
])
def test_page_file_values_of_the_wrong_type_are_errors(site: Path, capsys, key, value, says):
    replace_line(site / "articles" / PAGE, key, value)
    every_command_says(site, capsys, PAGE)
    assert any(says in p.message for p in read_archive(site / "articles").errors)


def test_site_yaml_can_widen_the_years(site: Path, capsys):
    replace_line(site / "articles" / ARTICLE, "date", "date: 1880-06-30")
    replace_line(site / "articles" / ARTICLE, "id", 'id: "1880-06-30-02-01"')
    os.renames(site / "articles" / ARTICLE, site / "articles/1880/06/30/02-01.md")
    assert cli.main(["--config", str(site / "site.yaml"), "check"]) == 1
    assert "outside the years" in "".join(capsys.readouterr())
    (site / "site.yaml").write_text("title: 数字报\nyears: [1870, 2100]\n", encoding="utf-8")
    for command in ("build", "review", "check"):
        assert cli.main(["--config", str(site / "site.yaml"), command]) in (0, 1)  # check: open review flags
        assert "outside the years" not in "".join(capsys.readouterr())
    assert (site / "build/1880/06/30/02-01.html").is_file()


def test_a_symlink_loop_in_the_articles_is_an_error_and_serve_keeps_watching(site: Path, capsys):
    arts = site / "articles" / "2024/06/30"
    os.symlink("03-01.md", arts / "03-02.md")
    os.symlink("03-02.md", arts / "03-01.md")
    os.symlink("loop", arts / "loop")
    every_command_says(site, capsys, "2024/06/30/03-01.md")
    from wxnews_site.watching import fingerprint

    assert str(arts / "02-01.md") in fingerprint([site / "articles"])


def test_an_article_linked_from_outside_the_folder_is_not_published(site: Path, capsys, tmp_path_factory):
    outside = tmp_path_factory.mktemp("elsewhere") / "secret.md"
    outside.write_text((site / "articles" / ARTICLE).read_text(encoding="utf-8").replace("02-01", "02-09"),
                       encoding="utf-8")
    os.symlink(outside, site / "articles/2024/06/30/02-09.md")
    every_command_says(site, capsys, "2024/06/30/02-09.md")
    assert not (site / "build/2024/06/30/02-09.html").exists()


def test_a_page_of_more_than_999_stories_has_ids_check_accepts(tmp_path: Path):
    text = (parse_article.__module__, None)  # noqa: F841 (the writer is what names them)
    from wxnews_site.format import article_relpath
    from wxnews_site.importer import write
    from test_import_write import page, story

    p = write.plan([page(*[story(f"第{i}条", "正文。", lines=(i,)) for i in range(1, 1003)])], tmp_path)
    write.apply(p)
    assert (tmp_path / article_relpath(p.articles[0].date, 2, 1001)).is_file()
    archive = read_archive(tmp_path)
    assert archive.errors == () and len(archive.articles) == 1002
    assert archive.articles[-1].id == "2024-06-30-02-1002"


# ------------------------------------------------------------------ import

def import_(site: Path, *args: str) -> tuple[int, str]:
    code = cli.main(["--config", str(site / "site.yaml"), "import", "--articles", str(site / "articles"), *args])
    return code


def test_an_issue_date_far_outside_the_archive_is_refused_at_import(site: Path, sample_page, capsys):
    before = read_archive(site / "articles")
    code = import_(site, str(sample_page), "--date", "9999-12-31", "--page", "2")
    err = capsys.readouterr().err
    assert code == 1 and "outside the years 1900-2100" in err and "nothing was written" in err
    assert read_archive(site / "articles") == before


def test_a_sidecar_with_an_impossible_date_is_named_with_its_line(tmp_path: Path, sample_page, capsys):
    page = tmp_path / "page.txt"
    page.write_bytes(sample_page.read_bytes())
    (tmp_path / "page.yaml").write_text("page: 2\ndate: 2024-02-30\n", encoding="utf-8")
    code = cli.main(["import", "--articles", str(tmp_path / "articles"), str(page)])
    err = capsys.readouterr().err
    assert code == 1 and re.search(r"page\.yaml:2: error: bad date 2024-02-30", err), err
    assert "Traceback" not in err


@pytest.mark.parametrize("special", ["/dev/zero", "fifo"])
def test_a_device_or_a_pipe_given_as_a_page_is_refused(tmp_path: Path, capsys, special):
    if special == "fifo":
        special = str(tmp_path / "2024-06-30_02.txt")
        os.mkfifo(special)
    code = cli.main(["import", "--articles", str(tmp_path / "articles"), "--date", "2024-06-30", "--page", "2", special])
    err = capsys.readouterr().err
    assert code == 1 and "not a regular file" in err and not (tmp_path / "articles").exists()


def test_reimporting_an_empty_file_removes_nothing(tmp_path: Path, sample_page, capsys):
    page = tmp_path / "2024-06-30_02.txt"
    page.write_bytes(sample_page.read_bytes())
    arts = tmp_path / "articles"
    assert cli.main(["import", "--articles", str(arts), str(page)]) == 0
    before = sorted(p.name for p in arts.rglob("*.md"))
    page.write_bytes(b"\xef\xbb\xbf\n  \n")
    assert cli.main(["import", "--articles", str(arts), str(page)]) == 1
    assert "holds no text" in capsys.readouterr().err
    assert sorted(p.name for p in arts.rglob("*.md")) == before


JSONL_RECORD = {"date": "2024-06-30", "page": 2, "title": "夏粮收购开秤", "body": "各收购点秩序井然。", "order": 1}


@pytest.mark.parametrize("line, says", [
    ({**JSONL_RECORD, "subtitel": "副题"}, "unknown key 'subtitel' (did you mean 'subtitle'?)"),
    ('{"date": "2024-06-30", "page": 2, "title": "\\ud800", "body": "x"}', "lone surrogate"),
    ('{"date": "2024-06-30", "page": ' + "1" * 5000 + ', "body": "x"}', "not a usable record"),
    ('{"date": "2024-06-30", "page": 2, "body": ' + "[" * 100000 + "]" * 100000 + "}", "nested too deeply"),
    ({**JSONL_RECORD, "page": "²"}, "bad or missing 'page'"),
    ({**JSONL_RECORD, "order": "²"}, "'order' must be a whole number"),
    ({**JSONL_RECORD, "date": "9999-12-31"}, "outside the years"),
    ({**JSONL_RECORD, "section": "要闻" * 50}, "must fit a file name"),
    ({**JSONL_RECORD, "authors": "本报记者 " + "张" * 85}, "must fit a file name"),
])
def test_bad_json_lines_are_named_with_their_line_and_nothing_is_written(tmp_path: Path, capsys, line, says):
    export = tmp_path / "export.jsonl"
    good = json.dumps(JSONL_RECORD, ensure_ascii=False)
    bad = line if isinstance(line, str) else json.dumps(line, ensure_ascii=False)
    export.write_text(good + "\n" + bad + "\n", encoding="utf-8")
    code = cli.main(["import", "--articles", str(tmp_path / "articles"), "--jsonl", str(export)])
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err
    assert says in err and (re.search(r"export\.jsonl:2: error: ", err) or "export.jsonl: would write" in err), err
    assert not (tmp_path / "articles").exists()


def test_a_page_that_is_a_symlink_loop_is_named_not_a_traceback(tmp_path: Path, capsys):
    os.symlink("loop.txt", tmp_path / "loop.txt")
    code = cli.main(["import", "--articles", str(tmp_path / "articles"), "--date", "2024-06-30", "--page", "2",
                     str(tmp_path / "loop.txt")])
    err = capsys.readouterr().err
    assert code == 1 and "loop.txt: cannot read: Too many levels of symbolic links" in err
