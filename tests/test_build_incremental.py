"""Incremental builds give exactly the site a clean build gives, whatever changed.

A rebuild after body edits takes a short path (the plan is reused, only the
edited articles' pages and the feeds showing them are made); every other
change plans the site anew. Either way the output must equal, file by file,
a clean build of the same articles in a project of its own.
"""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Callable

import pytest
from test_build import _pages, build, tree, write
from test_search_patch import assert_same_index

from wxnews_site.config import load_config
from wxnews_site.site import urls
from wxnews_site.site.build import build_site

SITE_YAML = "title: 无锡日报数字报\npaper: 无锡日报\naliases:\n  崔欣润: [崔新润]\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    write(root / "articles")
    (root / "site.yaml").write_text(SITE_YAML, encoding="utf-8")
    return root


def clean_build(project: Path, where: Path) -> dict[str, bytes]:
    """The pages of a clean build; its search index is checked against the project's
    as an index (a rebuild patches the index, not byte for byte)."""
    shutil.copytree(project / "articles", where / "articles")
    shutil.copy(project / "site.yaml", where / "site.yaml")
    build(where)
    assert_same_index(project / "build" / "search", where / "build" / "search")
    return _pages(tree(where / "build"))


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def add_to_body(path: Path, sentence: str) -> None:
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + sentence + "\n", encoding="utf-8")


A = "articles/2024/06/30/"

# (what changed, the change, pages rendered when only bodies changed else None)
CHANGES: list[tuple[str, Callable[[Path], None], int | None]] = [
    ("a sentence added to a body", lambda p: add_to_body(p / A / "02-02.md", "群众满意。"), 1),
    ("nothing", lambda p: None, 0),
    ("the body of the newest front-page story, shown in every feed",
     lambda p: edit(p / A / "01-01.md", "项目总投资十亿元", "项目总投资十二亿元"), 1),
    ("a photo's caption after the words its headline is taken from",
     lambda p: edit(p / A / "01-02.md", "晨练", "晨跑"), 1),
    ("the words a photo's headline is taken from", lambda p: edit(p / A / "01-02.md", "太湖边的清晨", "太湖边的早晨"), None),
    ("two bodies at once", lambda p: (add_to_body(p / A / "02-03.md", "又及。"),
                                      add_to_body(p / "articles/2024/06/28/01-01.md", "又及。")), 2),
    ("a headline", lambda p: edit(p / A / "02-02.md", "年中答卷", "年中成绩单"), None),
    ("a byline", lambda p: edit(p / A / "02-03.md", '"徐兢辉", ', ""), None),
    ("an article added", lambda p: (shutil.copy(p / A / "02-05.md", p / A / "02-06.md"),
                                    edit(p / A / "02-06.md", "2024-06-30-02-05", "2024-06-30-02-06")), None),
    ("an article removed", lambda p: (p / A / "02-05.md").unlink(), None),
    ("a page file's editor credits", lambda p: edit(p / A / "02.page.yaml", "王  芳", "王  芬"), None),
    ("site.yaml", lambda p: edit(p / "site.yaml", "无锡日报数字报", "无锡日报数字报档案"), None),
    ("a body after site.yaml changed", lambda p: add_to_body(p / A / "02-04.md", "完。"), 1),
]


def test_every_kind_of_change_rebuilds_to_exactly_the_clean_build(project: Path, tmp_path: Path):
    build(project)
    for n, (what, change, rendered) in enumerate(CHANGES):
        change(project)
        result = build(project)
        if rendered is not None:
            assert result.rendered == rendered, what
        else:
            assert result.rendered > 1, what  # planned anew: more than the article itself
        assert _pages(tree(project / "build")) == clean_build(project, tmp_path / f"clean{n}"), what


def test_a_body_edit_rewrites_the_feeds_that_show_the_article_and_no_page_else(project: Path):
    build(project)
    feed = (project / "build" / urls.FEED).read_bytes()
    add_to_body(project / A / "01-01.md", "（本报记者核实）")
    result = build(project)
    assert result.changed == ("2024/06/30/01-01.html",)
    assert (project / "build" / urls.FEED).read_bytes() != feed
    assert "本报记者核实" in (project / "build" / urls.FEED).read_text(encoding="utf-8")


def test_a_page_deleted_from_the_built_site_by_hand_comes_back_on_the_next_body_edit(project: Path, tmp_path: Path):
    build(project)
    gone = project / "build/2024/06/28/01-01.html"
    gone.unlink()  # and no kept previous site holds it yet
    add_to_body(project / A / "02-02.md", "群众满意。")
    result = build(project)
    assert result.rendered == 2 and gone.is_file()
    assert _pages(tree(project / "build")) == clean_build(project, tmp_path / "clean")


def test_the_first_rebuild_after_a_cold_build_starts_from_the_site_linked_not_from_every_page_s_record(
        project: Path, tmp_path: Path, monkeypatch):
    # Every page's digest in memory was the one part of a rebuild that grew with the archive.
    from wxnews_site.site import manifest

    build(project)
    kept = (project / "build/2024/06/28/01-01.html").stat().st_ino

    def every_page(self):
        raise AssertionError("a body edit's rebuild read every page's record")

    monkeypatch.setattr(manifest.Manifest, "pages", every_page)
    add_to_body(project / A / "02-02.md", "群众满意。")
    assert build(project).rendered == 1
    assert (project / "build/2024/06/28/01-01.html").stat().st_ino == kept  # the same file, linked
    assert (project / ".build.previous/2024/06/28/01-01.html").stat().st_ino == kept  # the cold site, kept
    monkeypatch.undo()
    assert _pages(tree(project / "build")) == clean_build(project, tmp_path / "clean")


def test_a_rebuild_with_nothing_changed_does_not_look_at_every_article_for_the_index(project: Path, tmp_path: Path,
                                                                                    monkeypatch):
    from wxnews_site.search import index

    build(project)
    add_to_body(project / A / "02-02.md", "群众满意。")
    build(project)

    def every_article(*args, **kwargs):
        raise AssertionError("the whole index looked at with nothing changed")

    monkeypatch.setattr(index, "write_index", every_article)
    assert build(project).rendered == 0
    monkeypatch.undo()
    assert _pages(tree(project / "build")) == clean_build(project, tmp_path / "clean")


def test_a_day_whose_articles_are_all_deleted_leaves_no_empty_folder(project: Path, tmp_path: Path):
    for _ in range(3):  # the third rebuild starts from the site kept beside the current one
        add_to_body(project / A / "02-02.md", "群众满意。")
        build(project)
    for f in (project / "articles/2024/06/28").iterdir():
        f.unlink()
    build(project)
    assert not (project / "build/2024/06/28").exists()
    assert _pages(tree(project / "build")) == clean_build(project, tmp_path / "clean")


def test_the_site_is_walked_in_the_order_of_its_record(tmp_path: Path):
    from wxnews_site.site.build import _linked, _missing

    site = tmp_path / "site"
    for rel in ("2024/06.html", "2024/06/30/01-01.html", "2024/06-x/a.html", "2024/06.x/b.html", "people/刘泉.html",
                "people/崔欣润.html", "index.html"):
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_text(rel, encoding="utf-8")
    walked = list(_linked(str(site), str(tmp_path / "copy")))
    assert walked == sorted(walked) and len(walked) == 7
    assert (tmp_path / "copy/2024/06-x/a.html").read_text(encoding="utf-8") == "2024/06-x/a.html"
    assert _missing(iter(walked), iter(sorted([*walked, "2024/06/29/01-01.html", "zz.html"]))) == \
        ["2024/06/29/01-01.html", "zz.html"]


def test_a_build_on_every_core_equals_one_in_a_single_process(project: Path, tmp_path: Path, monkeypatch):
    # Large archives are parsed and rendered by forked workers, which also
    # hash the pages they render; here the small project takes that path too
    # (the parsing children recording their rows a few at a time).
    from wxnews_site import format as format_mod
    from wxnews_site.site import build as build_mod

    single = tmp_path / "single"
    shutil.copytree(project, single)
    build(single)
    monkeypatch.setattr(build_mod, "PARALLEL_FROM", 1)
    monkeypatch.setattr(format_mod, "RECORD_BATCH", 2)
    monkeypatch.setattr(build_mod, "CHUNK", 3)
    build(project)
    assert _pages(tree(project / "build")) == _pages(tree(single / "build"))
    assert build(project).rendered == 0  # the workers' digests are the ones a rebuild computes
    add_to_body(project / A / "02-02.md", "群众满意。")
    assert build(project).rendered == 1
    assert _pages(tree(project / "build")) == clean_build(project, tmp_path / "clean")


def test_the_parse_cache_stays_a_few_segment_files_through_many_edits(project: Path, tmp_path: Path, monkeypatch):
    from wxnews_site.site import manifest

    monkeypatch.setattr(manifest, "COMPACT_AFTER", 2)
    build(project)
    segments = project / ".cache/wxnews-site" / manifest.PARSED
    for n in range(5):
        add_to_body(project / A / f"02-0{n % 3 + 1}.md", f"第{n}次补充。")
        assert build(project).rendered == 1
        assert len(list(segments.glob("seg-*.bin"))) <= 3
    assert _pages(tree(project / "build")) == clean_build(project, tmp_path / "clean")
    edit(project / A / "02.page.yaml", "王  芳", "王  芬")  # planned anew: every article from the compacted cache
    assert build(project).rendered > 1
    assert _pages(tree(project / "build")) == clean_build(project, tmp_path / "clean2")


def test_the_recorded_page_contexts_stay_a_few_segment_files_through_many_headline_edits(project: Path, tmp_path: Path,
                                                                                       monkeypatch):
    from wxnews_site.site import manifest

    monkeypatch.setattr(manifest, "COMPACT_AFTER", 2)
    build(project)
    segments = project / ".cache/wxnews-site" / manifest.CONTEXTS
    for n in range(5):
        edit(project / A / "02-02.md", "年中答卷", f"年中答卷{n}")  # planned anew: the 版's other pages list it
        assert build(project).rendered > 1
        assert 1 <= len(list(segments.glob("seg-*.bin"))) <= 3
    add_to_body(project / A / "02-03.md", "又及。")  # the short plan, from the compacted contexts
    assert build(project).rendered == 1
    assert _pages(tree(project / "build")) == clean_build(project, tmp_path / "clean")


def test_a_body_edit_patches_the_search_index_without_reading_the_archive(project: Path, tmp_path: Path, monkeypatch):
    # A mark changed: no term or length moves (in an archive of nine articles a
    # new sentence moves the average length past what a patch may drift), so
    # the index is patched from the edited article alone.
    from wxnews_site.search import index as index_mod
    from wxnews_site.site import build as build_mod

    build(project)
    build(project)  # (the site before the current one is kept from the second build on)
    edit(project / A / "02-02.md", "进展顺利。", "进展顺利！")

    def no_full_look(*args, **kwargs):
        raise AssertionError("the whole archive was handed to the index")

    monkeypatch.setattr(index_mod, "write_index", no_full_look)
    monkeypatch.setattr(build_mod._LazySite, "articles", property(no_full_look))
    assert build(project).rendered == 1
    monkeypatch.undo()
    assert _pages(tree(project / "build")) == clean_build(project, tmp_path / "clean")


def test_a_search_index_failing_in_its_own_process_leaves_the_site_as_it_was(project: Path, monkeypatch):
    from wxnews_site.search import index as index_mod
    from wxnews_site.site import build as build_mod

    build(project)
    before = tree(project / "build")
    monkeypatch.setattr(build_mod, "PARALLEL_FROM", 1)  # pages on workers, the index in a process of its own

    def broken(*args, **kwargs):
        raise OSError("disk full while writing search/g/7.bin")

    monkeypatch.setattr(index_mod, "write_index", broken)
    edit(project / A / "02-02.md", "年中答卷", "年中成绩单")  # planned anew: the index is forked
    failed = build_site(load_config(root=project))  # a build error, not a traceback
    assert not failed.ok and "writing the site failed: disk full while writing search/g/7.bin" in str(failed.problems[0])
    assert tree(project / "build") == before
    assert not (project / "build.partial").exists()
    monkeypatch.undo()
    build(project)
    assert "年中成绩单" in (project / "build" / "2024/06/30/02-02.html").read_text(encoding="utf-8")


def test_a_rebuild_reads_only_the_edited_file_and_the_parse_cache_forgets_deleted_ones(project: Path, monkeypatch):
    import sqlite3

    from wxnews_site import format as fmt
    from wxnews_site.site import manifest

    build(project)
    read: list[str] = []
    real = fmt._read
    monkeypatch.setattr(fmt, "_read", lambda path: read.append(path) or real(path))
    add_to_body(project / A / "02-02.md", "群众满意。")
    assert build(project).rendered == 1
    assert [Path(p).name for p in read] == ["02-02.md"]

    (project / A / "02-05.md").unlink()
    build(project)
    db = sqlite3.connect(project / ".cache/wxnews-site" / manifest.PARSED / fmt.ParseCache.DB)
    rows = {f"{d}/{n}" for d, n in db.execute("SELECT dir, name FROM files")}
    db.close()
    assert rows == {p.relative_to(project / "articles").as_posix() for p in (project / "articles").rglob("*.*")}


def test_a_damaged_parse_cache_costs_a_full_parse_not_a_failed_build(project: Path, tmp_path: Path):
    from wxnews_site import format as fmt
    from wxnews_site.site import manifest

    build(project)
    (project / ".cache/wxnews-site" / manifest.PARSED / fmt.ParseCache.DB).write_bytes(b"not a database" * 100)
    add_to_body(project / A / "02-03.md", "又及。")
    build(project)
    assert _pages(tree(project / "build")) == clean_build(project, tmp_path / "clean")


def test_a_parse_cache_of_another_parser_version_and_table_is_started_again(project: Path, tmp_path: Path):
    import sqlite3

    from wxnews_site import format as fmt
    from wxnews_site.site import manifest

    build(project)
    db = sqlite3.connect(project / ".cache/wxnews-site" / manifest.PARSED / fmt.ParseCache.DB)
    db.execute("DROP TABLE files")
    # As the version before the heads' columns made it.
    db.execute("CREATE TABLE files (dir TEXT, name TEXT, size INT, mtime INT, ino INT, ctime INT, sha TEXT, seg TEXT, "
               "off INT, len INT, problems BLOB, aid TEXT, PRIMARY KEY (dir, name)) WITHOUT ROWID")
    db.execute("CREATE INDEX by_segment ON files (seg, len)")
    db.execute("UPDATE meta SET value = 'an older parser' WHERE key = 'version'")
    db.commit()
    db.close()
    add_to_body(project / A / "02-03.md", "又及。")
    build(project)
    assert _pages(tree(project / "build")) == clean_build(project, tmp_path / "clean")


def test_told_which_file_changed_a_rebuild_walks_no_folder_and_reads_no_whole_record(project: Path, tmp_path: Path,
                                                                                   monkeypatch):
    """CI, or a watcher, names the article it changed (build --changed): a
    body edit is built from that file alone, without walking the archive or
    the built site and without reading every row of the build's record."""
    from wxnews_site import cli
    from wxnews_site import format as fmt
    from wxnews_site.site import manifest

    build(project)
    build(project)  # from the second build on, the site before the current one is kept and reused
    add_to_body(project / A / "02-02.md", "群众满意。")

    def whole(*args, **kwargs):
        raise AssertionError("the archive walked, or the whole record read")

    monkeypatch.setattr(fmt, "_archive_files", whole)
    for name in ("pages", "files", "shas"):
        monkeypatch.setattr(manifest.Manifest, name, whole)
    monkeypatch.chdir(project)
    assert cli.main(["--config", "site.yaml", "build", "--changed", A + "02-02.md"]) == 0
    monkeypatch.undo()
    assert "群众满意" in (project / "build/2024/06/30/02-02.html").read_text(encoding="utf-8")
    assert _pages(tree(project / "build")) == clean_build(project, tmp_path / "clean")


def test_a_named_change_that_is_more_than_a_body_edit_is_built_from_a_scan_of_the_archive(project: Path,
                                                                                        tmp_path: Path):
    build(project)
    edit(project / A / "02-02.md", "年中答卷", "年中成绩单")  # a headline: the site is planned anew
    (project / A / "02-05.md").unlink()  # not named: the scan finds it gone
    result = build(project, changed=[project / A / "02-02.md"])
    assert result.rendered > 1 and not (project / "build/2024/06/30/02-05.html").exists()
    assert _pages(tree(project / "build")) == clean_build(project, tmp_path / "clean")
    add_to_body(project / A / "02-03.md", "又及。")
    result = build(project, changed=[project / A / "02-05.md"])  # a file that is not there: the archive is scanned
    assert result.changed == ("2024/06/30/02-03.html",)
    assert _pages(tree(project / "build")) == clean_build(project, tmp_path / "clean2")


def add_issue(project: Path, day: str, stories: int, section: str = "综合", byline: str = "文扬") -> list[Path]:
    """A new day's issue as the importer writes it: its articles on 版 2 and that 版's page file; the files written."""
    from sample_archive import make_article
    from test_build import write

    before = set((project / "articles").rglob("*.*"))
    write(project / "articles", [make_article(day, 2, n, f"{day}第{n}篇", "本报讯 正文。", bylines=("崔欣润", byline),
                                              section=section) for n in range(1, stories + 1)], {})
    return sorted(set((project / "articles").rglob("*.*")) - before)


def no_whole_archive(monkeypatch, walk: bool) -> None:
    """Fail the test if the build plans the whole site (reads every article's
    head) or, with ``walk`` false, walks the archive's folders. The search
    index may: in an archive of a few articles a new issue moves its
    statistics past what a patch may follow (test_search_patch.py)."""
    from wxnews_site import format as fmt
    from wxnews_site.site import build as build_mod
    from wxnews_site.site import pages

    searching: list[bool] = []

    def forbidden(real):
        def whole(*args, **kwargs):
            assert searching, "the whole archive read or planned"
            return real(*args, **kwargs)
        return whole

    def search(real):
        def run(*args, **kwargs):
            searching.append(True)
            try:
                return real(*args, **kwargs)
            finally:
                searching.pop()
        return run

    monkeypatch.setattr(fmt.Scan, "heads", forbidden(fmt.Scan.heads))
    monkeypatch.setattr(pages, "plan", forbidden(pages.plan))
    monkeypatch.setattr(build_mod, "write_search", search(build_mod.write_search))
    if not walk:
        monkeypatch.setattr(fmt, "_archive_files", forbidden(fmt._archive_files))


def test_a_new_days_issue_plans_only_the_pages_it_touches_and_gives_the_clean_build(project: Path, tmp_path: Path,
                                                                                     monkeypatch):
    """Each new day's issue, found by a scan or named (build --changed), in
    the same month, a new month and a new year, with lists that split into
    new pages, is planned from the record's tables: no older article's head
    is read, and the site equals a clean build's, file by file."""
    (project / "site.yaml").write_text(SITE_YAML + "pagination: {section: 2, person: 1}\n", encoding="utf-8")
    build(project)
    build(project)  # from the second build on, the site before the current one is kept and reused
    for n, (day, stories, named, section, byline) in enumerate([
            ("2024-07-01", 5, False, "综合", "文扬"), ("2024-07-02", 1, True, "要闻", "文扬"),
            ("2024-08-15", 3, False, "新版面", "新记者"), ("2025-01-02", 2, True, "综合", "张伟")]):
        files = add_issue(project, day, stories, section, byline)
        no_whole_archive(monkeypatch, walk=not named)
        result = build(project, changed=files if named else None)
        monkeypatch.undo()
        assert f"{day[:4]}/{day[5:7]}/{day[8:]}/02-01.html" in result.changed
        assert "2024/06/30/02-01.html" not in result.changed and result.rendered < 40, day
        assert _pages(tree(project / "build")) == clean_build(project, tmp_path / f"clean{n}"), day
    feed = (project / "build" / urls.FEED).read_text(encoding="utf-8")
    assert feed.index("2025-01-02第1篇") < feed.index("2024-08-15第1篇")


def test_an_issue_added_among_older_days_plans_the_site_anew(project: Path, tmp_path: Path):
    build(project)
    add_issue(project, "2024-06-29", 2)  # the lists of every name in it shift: planned whole
    result = build(project)
    assert "2024/06/29/02-01.html" in result.changed
    assert _pages(tree(project / "build")) == clean_build(project, tmp_path / "clean")
