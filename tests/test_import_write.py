"""The writer: page drafts become article and page files, and an editor's corrections survive re-imports."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wxnews_site.format import parse_article, parse_page, read_archive, sha256_bytes
from wxnews_site.importer import write
from wxnews_site.importer.draft import PageDraft, StoryDraft
from wxnews_site.model import Leftover, PageInfo

DAY = dt.date(2024, 6, 30)


def story(title: str, *paragraphs: str, **kw) -> StoryDraft:
    return StoryDraft(kind=kw.pop("kind", "article"), kicker=None, title=title, subtitle=None,
                      paragraphs=paragraphs, **kw)


def page(*stories: StoryDraft, credits=("本版责编：王小明",), leftovers=()) -> write.PageImport:
    return write.PageImport(
        date=DAY, page=2, section="综合", paper="无锡日报", source="2024-06-30_02.txt",
        source_sha256="ab" * 32, draft=PageDraft(stories=stories, credits=credits, leftovers=leftovers),
    )


THREE = page(
    story("梁溪河畔新添口袋公园", "本报讯 市民家门口多了一处休闲去处。", "公园今日开放。",
          bylines=("陈晓",), credit="(陈晓)", dateline="本报讯", lines=(3, 5, 7)),
    story("夏粮收购开秤", "各收购点秩序井然。", bylines=("刘泉", "张云河"), lines=(9, 10)),
    story(None, "荷花盛开,游人如织。", kind="photo", photographers=("宗晓东",), lines=(12,),
          review=("photo without a headline",)),
)


def run(root: Path, *pages: write.PageImport, force: bool = False) -> write.Plan:
    p = write.plan(list(pages), root, force=force)
    write.apply(p)
    return p


def snapshot(root: Path) -> dict[str, bytes]:
    return {f.relative_to(root).as_posix(): f.read_bytes() for f in sorted(root.rglob("*")) if f.is_file()}


def test_first_import_writes_one_file_per_story_and_a_page_file(tmp_path):
    run(tmp_path, THREE)
    assert sorted(snapshot(tmp_path)) == [
        "2024/06/30/02-01.md", "2024/06/30/02-02.md", "2024/06/30/02-03.md", "2024/06/30/02.page.yaml"]
    first = parse_article((tmp_path / "2024/06/30/02-01.md").read_text(encoding="utf-8"))
    assert first.id == "2024-06-30-02-01"
    assert (first.title, first.bylines, first.dateline, first.section) == ("梁溪河畔新添口袋公园", ("陈晓",), "本报讯", "综合")
    assert first.body == "本报讯 市民家门口多了一处休闲去处。\n\n公园今日开放。"
    assert first.source.file == "2024-06-30_02.txt" and first.source.lines == (3, 5, 7)
    photo = parse_article((tmp_path / "2024/06/30/02-03.md").read_text(encoding="utf-8"))
    assert (photo.kind, photo.title, photo.photographers, photo.review) == ("photo", None, ("宗晓东",), ("photo without a headline",))


def test_page_file_records_credits_leftovers_source_and_the_hash_of_every_article_written(tmp_path):
    run(tmp_path, page(story("夏粮收购开秤", "各收购点秩序井然。"),
                       leftovers=(Leftover(40, "■广告■", "not part of any story"),)))
    info = parse_page((tmp_path / "2024/06/30/02.page.yaml").read_text(encoding="utf-8"))
    assert info.credits == ("本版责编：王小明",)
    assert info.leftovers == (Leftover(40, "■广告■", "not part of any story"),)
    assert (info.source, info.source_sha256, info.section, info.paper) == ("2024-06-30_02.txt", "ab" * 32, "综合", "无锡日报")
    assert {k: v for k, v in info.imported.items() if k.endswith(".md")} == {
        "02-01.md": sha256_bytes((tmp_path / "2024/06/30/02-01.md").read_bytes())}


def test_written_archive_reads_back_without_problems(tmp_path):
    run(tmp_path, THREE)
    archive = read_archive(tmp_path)
    assert archive.errors == ()
    assert [a.id for a in archive.articles] == ["2024-06-30-02-01", "2024-06-30-02-02", "2024-06-30-02-03"]


def test_importing_the_same_page_twice_gives_identical_bytes_and_touches_nothing(tmp_path):
    run(tmp_path, THREE)
    before = snapshot(tmp_path)
    mtimes = {f: (tmp_path / f).stat().st_mtime_ns for f in before}
    second = run(tmp_path, THREE)
    assert snapshot(tmp_path) == before
    assert second.count("write") == 0 and second.count("unchanged") == 4
    assert {f: (tmp_path / f).stat().st_mtime_ns for f in before} == mtimes


def test_reimport_replaces_unedited_articles_with_the_new_reading(tmp_path):
    run(tmp_path, THREE)
    better = page(story("梁溪河畔新添口袋公园", "本报讯 市民家门口多了一处休闲去处。公园今日开放。"), *THREE.draft.stories[1:])
    p = run(tmp_path, better)
    assert p.named("write") == ["2024/06/30/02-01.md", "2024/06/30/02.page.yaml"]
    assert "公园今日开放" in (tmp_path / "2024/06/30/02-01.md").read_text(encoding="utf-8")


def test_an_edited_article_is_never_overwritten_and_is_named(tmp_path):
    run(tmp_path, THREE)
    edited = tmp_path / "2024/06/30/02-02.md"
    corrected = edited.read_text(encoding="utf-8").replace("夏粮收购开秤", "夏粮收购正式开秤")
    edited.write_text(corrected, encoding="utf-8")
    changed = page(*(s if s.title != "夏粮收购开秤" else story("夏粮收购开秤", "新读法。") for s in THREE.draft.stories))
    p = run(tmp_path, changed)
    assert p.named("skip-edited") == ["2024/06/30/02-02.md"]
    assert edited.read_text(encoding="utf-8") == corrected
    # Still protected on the next import: the record keeps the importer's old hash.
    again = run(tmp_path, changed)
    assert again.named("skip-edited") == ["2024/06/30/02-02.md"]
    assert edited.read_text(encoding="utf-8") == corrected


def test_force_overwrites_an_edited_article(tmp_path):
    run(tmp_path, THREE)
    edited = tmp_path / "2024/06/30/02-02.md"
    edited.write_text(edited.read_text(encoding="utf-8").replace("秩序井然", "秩序良好"), encoding="utf-8")
    p = run(tmp_path, THREE, force=True)
    assert p.named("skip-edited") == []
    assert "秩序井然" in edited.read_text(encoding="utf-8")
    assert run(tmp_path, THREE).count("write") == 0


def test_a_file_the_importer_never_wrote_is_protected(tmp_path):
    handmade = tmp_path / "2024/06/30/02-01.md"
    handmade.parent.mkdir(parents=True)
    handmade.write_text("---\nid: 2024-06-30-02-01\n---\n编辑手写\n", encoding="utf-8")
    p = run(tmp_path, THREE)
    assert p.named("skip-edited") == ["2024/06/30/02-01.md"]
    assert handmade.read_text(encoding="utf-8").endswith("编辑手写\n")


def test_fewer_stories_remove_stale_unedited_files_and_keep_edited_ones(tmp_path):
    four = page(*THREE.draft.stories, story("第四篇", "第四篇正文。"))
    run(tmp_path, four)
    edited = tmp_path / "2024/06/30/02-04.md"
    edited.write_text(edited.read_text(encoding="utf-8") + "\n编辑补充的一段。\n", encoding="utf-8")
    p = run(tmp_path, page(THREE.draft.stories[0]))
    assert p.named("remove") == ["2024/06/30/02-02.md", "2024/06/30/02-03.md"]
    assert p.named("keep-edited") == ["2024/06/30/02-04.md"]
    assert sorted(snapshot(tmp_path)) == ["2024/06/30/02-01.md", "2024/06/30/02-04.md", "2024/06/30/02.page.yaml"]
    # The kept file stays recorded, so it is still protected (and named) next time.
    info = parse_page((tmp_path / "2024/06/30/02.page.yaml").read_text(encoding="utf-8"))
    assert {k for k in info.imported if k.endswith(".md")} == {"02-01.md", "02-04.md"}
    assert run(tmp_path, page(THREE.draft.stories[0])).named("keep-edited") == ["2024/06/30/02-04.md"]


def test_two_inputs_for_the_same_page_stop_the_run(tmp_path):
    other = write.PageImport(DAY, 2, None, None, "20240630-02.txt", None, THREE.draft)
    with pytest.raises(write.WriteError, match="20240630-02.txt.*2024-06-30_02.txt|2024-06-30_02.txt.*20240630-02.txt"):
        write.plan([THREE, other], tmp_path)


def test_a_broken_page_file_stops_the_run_before_anything_is_written(tmp_path):
    run(tmp_path, THREE)
    page_file = tmp_path / "2024/06/30/02.page.yaml"
    page_file.write_text("date: [broken\n", encoding="utf-8")
    before = snapshot(tmp_path)
    with pytest.raises(write.WriteError, match="02.page.yaml"):
        write.plan([THREE], tmp_path)
    assert snapshot(tmp_path) == before


def test_dry_plan_writes_nothing(tmp_path):
    p = write.plan([THREE], tmp_path / "articles")
    assert p.count("write") == 4
    assert not (tmp_path / "articles").exists()


PAGE_FILE = "2024/06/30/02.page.yaml"


def edit_page_file(root: Path, *replacements: tuple[str, str]) -> str:
    path = root / PAGE_FILE
    text = path.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    return text


def page_info(root: Path):
    return parse_page((root / PAGE_FILE).read_text(encoding="utf-8"))


def reprinted(imp: write.PageImport, **changes) -> write.PageImport:
    """The same 版 read again, from a corrected raw file or by a better importer."""
    draft = PageDraft(stories=imp.draft.stories, credits=changes.pop("credits", imp.draft.credits),
                      leftovers=changes.pop("leftovers", imp.draft.leftovers))
    return write.PageImport(**{"date": imp.date, "page": imp.page, "section": imp.section, "paper": imp.paper,
                               "source": imp.source, "source_sha256": "cd" * 32, "draft": draft, **changes})


def test_credits_and_leftovers_an_editor_changed_survive_a_reimport_of_the_same_source(tmp_path):
    original = page(story("夏粮收购开秤", "各收购点秩序井然。"), leftovers=(Leftover(40, "各收购点", "not placed"),))
    run(tmp_path, original)
    before = page_info(tmp_path)
    edit_page_file(tmp_path, ('leftovers:\n  - line: 40\n    text: "各收购点"\n    reason: "not placed"\n', "leftovers: []\n"))
    p = run(tmp_path, original)
    assert p.kept_page_edits == {PAGE_FILE: ("leftovers",)}
    assert page_info(tmp_path).leftovers == ()
    assert page_info(tmp_path).imported == before.imported
    # Still the editor's on the next import, even of a new version of the raw page.
    assert run(tmp_path, reprinted(original)).kept_page_edits == {PAGE_FILE: ("leftovers",)}
    assert page_info(tmp_path).leftovers == ()


def test_section_paper_and_credits_an_editor_set_survive_a_reimport(tmp_path):
    run(tmp_path, THREE)
    edit_page_file(tmp_path, ('section: "综合"', "section: 要闻"), ('paper: "无锡日报"', "paper: 无锡日报·周末版"),
                            ('"本版责编：王小明"', '"本版责编：王晓明"'))
    p = run(tmp_path, THREE)
    assert p.kept_page_edits == {PAGE_FILE: ("section", "paper", "credits")}
    info = page_info(tmp_path)
    assert (info.section, info.paper, info.credits) == ("要闻", "无锡日报·周末版", ("本版责编：王晓明",))
    # The page's corrected section and paper are those of the articles it writes.
    first = parse_article((tmp_path / "2024/06/30/02-01.md").read_text(encoding="utf-8"))
    assert (first.section, first.paper) == ("要闻", "无锡日报·周末版")
    assert run(tmp_path, THREE).kept_page_edits == {PAGE_FILE: ("section", "paper", "credits")}
    assert page_info(tmp_path).section == "要闻"


def test_fields_the_editor_left_alone_take_the_new_import_and_the_bookkeeping_follows_it(tmp_path):
    run(tmp_path, THREE)
    edit_page_file(tmp_path, ('section: "综合"', 'section: "要闻"'))
    newer = reprinted(THREE, credits=("本版责编：王小明", "版式：李华"),
                      leftovers=(Leftover(88, "（上接第一版）", "no story to attach to"),))
    p = run(tmp_path, newer)
    assert p.kept_page_edits == {PAGE_FILE: ("section",)}
    info = page_info(tmp_path)
    assert info.section == "要闻"
    assert info.credits == ("本版责编：王小明", "版式：李华")
    assert info.leftovers == (Leftover(88, "（上接第一版）", "no story to attach to"),)
    assert info.source_sha256 == "cd" * 32
    assert {k for k in info.imported if k.endswith(".md")} == {"02-01.md", "02-02.md", "02-03.md"}


def test_force_replaces_an_edited_page_file(tmp_path):
    run(tmp_path, THREE)
    edit_page_file(tmp_path, ('section: "综合"', 'section: "要闻"'), ('"本版责编：王小明"', '"本版责编：王晓明"'))
    p = run(tmp_path, THREE, force=True)
    assert p.kept_page_edits == {}
    info = page_info(tmp_path)
    assert (info.section, info.credits) == ("综合", ("本版责编：王小明",))
    assert run(tmp_path, THREE).count("write") == 0


def test_rewriting_the_page_file_in_another_yaml_style_is_not_an_edit(tmp_path):
    run(tmp_path, THREE)
    edit_page_file(tmp_path, ('section: "综合"', "section: 综合"),
                   ('credits:\n  - "本版责编：王小明"', "credits: [本版责编：王小明]  # as printed"))
    newer = reprinted(THREE, section="经济", credits=("本版责编：张三",))
    assert run(tmp_path, newer).kept_page_edits == {}
    assert (page_info(tmp_path).section, page_info(tmp_path).credits) == ("经济", ("本版责编：张三",))


def test_a_page_file_without_field_records_keeps_what_differs_from_the_import(tmp_path):
    # Written by hand, or by an importer that did not yet record the page file's fields.
    run(tmp_path, THREE)
    info = page_info(tmp_path)
    text = (tmp_path / PAGE_FILE).read_text(encoding="utf-8")
    legacy = "\n".join(line for line in text.split("\n") if "02.page.yaml#" not in line)
    (tmp_path / PAGE_FILE).write_text(legacy.replace('section: "综合"', 'section: "要闻"'), encoding="utf-8")
    p = run(tmp_path, THREE)
    assert p.kept_page_edits == {PAGE_FILE: ("section",)}
    assert page_info(tmp_path).section == "要闻"
    assert page_info(tmp_path).credits == info.credits
    assert p.count("skip-edited") == 0


def test_an_article_an_editor_deleted_is_not_brought_back(tmp_path):
    run(tmp_path, THREE)
    merged = tmp_path / "2024/06/30/02-02.md"
    merged.unlink()
    p = run(tmp_path, THREE)
    assert p.named("skip-deleted") == ["2024/06/30/02-02.md"]
    assert not merged.exists()
    assert run(tmp_path, THREE).named("skip-deleted") == ["2024/06/30/02-02.md"]
    run(tmp_path, THREE, force=True)
    assert merged.exists()


def test_a_date_folder_linked_outside_the_archive_is_refused(tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    root = tmp_path / "articles"
    (root / "2024/06").mkdir(parents=True)
    (root / "2024/06/30").symlink_to(outside)
    with pytest.raises(write.WriteError, match="outside"):
        write.plan([THREE], root)
    assert list(outside.iterdir()) == []


def numbered(n: int, version: str) -> write.PageImport:
    return page(*(story(f"第{i}篇", f"{version}版第{i}篇正文。", lines=(i,)) for i in range(1, n + 1)))


@settings(max_examples=60, deadline=None)
@given(first=st.integers(1, 5), second=st.integers(0, 6),
       edited=st.sets(st.integers(1, 5)), deleted=st.sets(st.integers(1, 5)))
def test_no_reimport_without_force_ever_loses_an_editors_change(tmp_path_factory, first, second, edited, deleted):
    root = tmp_path_factory.mktemp("archive")
    run(root, numbered(first, "旧"))
    name = lambda i: root / f"2024/06/30/02-{i:02d}.md"  # noqa: E731
    edited = {i for i in edited if i <= first}
    deleted = {i for i in deleted if i <= first} - edited
    for i in edited:
        name(i).write_text(name(i).read_text(encoding="utf-8") + "\n编辑补充。\n", encoding="utf-8")
    for i in deleted:
        name(i).unlink()
    kept = {i: name(i).read_bytes() for i in edited}
    run(root, numbered(second, "新"))
    for i, data in kept.items():
        assert name(i).read_bytes() == data
    for i in deleted:
        assert not name(i).exists()
    for i in range(1, second + 1):
        if i not in edited and i not in deleted:
            assert "新版" in name(i).read_text(encoding="utf-8")
    for i in range(second + 1, first + 1):
        assert name(i).exists() == (i in edited)


EDITS = {
    "section": ('section: "综合"', 'section: "要闻"'),
    "paper": ('paper: "无锡日报"', 'paper: "江南晚报"'),
    "credits": ('"本版责编：王小明"', '"本版责编：王晓明"'),
    "leftovers": ("leftovers: []", 'leftovers:\n  - {line: 1, text: "■广告■", reason: "advert"}'),
}


@settings(max_examples=40, deadline=None)
@given(edited=st.sets(st.sampled_from(sorted(EDITS))), force=st.booleans())
def test_page_file_fields_an_editor_changed_win_and_the_others_follow_the_import(tmp_path_factory, edited, force):
    root = tmp_path_factory.mktemp("archive")
    run(root, THREE)
    if edited:
        edit_page_file(root, *(EDITS[name] for name in sorted(edited)))
    yours = page_info(root)
    newer = reprinted(THREE, section="经济", paper="无锡日报社", credits=("本版责编：赵六",),
                      leftovers=(Leftover(99, "（下转第3版）", "no story to attach to"),))
    p = run(root, newer, force=force)
    info = page_info(root)
    import_wrote = as_written(newer)
    for name in EDITS:
        expected = getattr(yours if name in edited and not force else import_wrote, name)
        assert getattr(info, name) == expected, name
    assert set(p.kept_page_edits.get(PAGE_FILE, ())) == (set() if force else edited)
    assert info.source_sha256 == "cd" * 32


def as_written(imp: write.PageImport) -> PageInfo:
    """The page file's fields as an import with nothing to protect writes them."""
    return PageInfo(imp.date, imp.page, imp.section, imp.paper, imp.source, imp.source_sha256,
                          imp.draft.credits, imp.draft.leftovers)
