"""The review list: what an editor still has to check, newest issue first."""
from __future__ import annotations

import json

from sample_archive import edit, write_archive

from wxnews_site.cli import main


def run_review(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["review", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_lists_open_flags_newest_first_with_reason_and_file(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_archive(tmp_path)
    code, out, _ = run_review(capsys)
    assert code == 0
    photo = out.index("2024-06-30 第2版 #02  辋村的夏天")
    metro = out.index("2024-06-29 第1版 #02  地铁五号线全线贯通")
    assert photo < metro, "the newer issue comes first"
    assert "  articles/2024/06/30/02-02.md\n  - 图片说明与正文的分界不确定\n  - 作者行无法解析" in out
    assert "articles/2024/06/29/01-02.md" in out and "标题与正文之间的引题可能被拆开" in out
    assert "新吴区发布人才新政" not in out, "an article without flags is not listed"
    assert "2 article(s) to review, 3 open flag(s)" in out


def test_article_leaves_the_list_when_its_flags_are_cleared(tmp_path, capsys):
    folder = write_archive(tmp_path)
    target = folder / "2024/06/30/02-02.md"
    edit(target, 'review:\n  - "图片说明与正文的分界不确定"\n  - "作者行无法解析"', "review: []")
    code, out, _ = run_review(capsys, "--articles", str(folder))
    assert code == 0 and "辋村的夏天" not in out and "地铁五号线全线贯通" in out
    edit(folder / "2024/06/29/01-02.md", 'review:\n  - "标题与正文之间的引题可能被拆开"', "review: []")
    code, out, _ = run_review(capsys, "--articles", str(folder))
    assert code == 0 and "Nothing to review" in out


def test_json_for_tools(tmp_path, capsys):
    folder = write_archive(tmp_path)
    code, out, _ = run_review(capsys, "--articles", str(folder), "--format", "json")
    data = json.loads(out)
    assert code == 0
    assert [a["id"] for a in data["articles"]] == ["2024-06-30-02-02", "2024-06-29-01-02"]
    assert data["articles"][0]["reasons"] == ["图片说明与正文的分界不确定", "作者行无法解析"]


def test_a_broken_file_is_named_not_silently_dropped(tmp_path, capsys):
    folder = write_archive(tmp_path)
    edit(folder / "2024/06/30/02-02.md", "date: 2024-06-30", "date: 2024-06-31")
    code, out, err = run_review(capsys, "--articles", str(folder))
    assert code == 1
    assert "2024/06/30/02-02.md" in err and "wxnews-site check" in err


def test_missing_articles_folder_is_a_clear_error(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, _, err = run_review(capsys)
    assert code == 2 and "there are no articles here: articles/ does not exist" in err
