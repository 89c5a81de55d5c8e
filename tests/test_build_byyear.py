"""A cold build planned a year at a time (site/byyear.py) gives the site and
the record a build planned whole gives: same files byte for byte, same pages'
digests, files' rows and site's tables."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sample_archive import make_article, write_archive
from test_build import _pages, build, tree

from wxnews_site.config import load_config
from wxnews_site.format import render_article
from wxnews_site.site import build as build_mod, byyear

SITE_YAML = ("title: 无锡日报数字报\npaper: 无锡日报\npagination: {section: 2, person: 2, feed: 3}\n"
             "aliases:\n  崔欣润: [崔新润]\n")

# Three years with a year between them without an issue; people and sections in several years;
# a jump between two 版 of one day; enough stories for lists of several pages.
ARTICLES = (
    make_article("2021-12-31", 1, 1, "岁末的太湖", "本报讯 太湖岸边游人如织。", bylines=("崔欣润",)),
    make_article("2021-12-31", 2, 1, "锡山稻田", "本报讯 锡山区稻田丰收。", bylines=("刘泉",), section="综合"),
    make_article("2023-01-02", 1, 1, "新年第一天", "本报讯 新年第一天，全市平稳有序。", bylines=("崔新润", "刘泉"),
                 continued_to_page=2),
    make_article("2023-01-02", 2, 1, "新年第一天", "（上接第1版）各地活动丰富。", continued_from_page=1, section="综合"),
    make_article("2023-01-02", 2, 2, "辋村的冬天", "清晨的辋村。", kind="photo", photographers=("宗晓东",), section="综合"),
    make_article("2023-06-30", 1, 1, "地铁五号线全线贯通", "本报讯 地铁五号线贯通。", bylines=("张云河",)),
    make_article("2024-01-01", 1, 1, "人才新政", "本报讯 新吴区发布人才新政。", bylines=("崔欣润",)),
    make_article("2024-01-01", 1, 2, "夜游运河", "本报讯 运河夜游开航。", bylines=("刘泉",), photographers=("宗晓东",)),
    make_article("2024-02-29", 3, 1, "春耕", "本报讯 春耕备耕全面展开。", bylines=("崔欣润", "张云河"), section=None),
)


STRAY = make_article("2024-02-29", 3, 2, "春灌", "本报讯 春灌开始。", bylines=("张云河",), section=None)


def write_project(root: Path) -> None:
    write_archive(root, ARTICLES)
    # A file out of place: in a folder of 2023, of an issue of 2024 (planned with that year's).
    (root / "articles/2023/06/30/03-02.md").write_text(render_article(STRAY), encoding="utf-8")
    (root / "site.yaml").write_text(SITE_YAML, encoding="utf-8")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    write_project(root)
    return root


def _record(project: Path) -> dict[str, list[tuple]]:
    db = sqlite3.connect(project / ".cache/wxnews-site/manifest.sqlite")
    try:
        return {
            "pages": sorted(db.execute("SELECT * FROM pages")),
            "files": sorted(db.execute("SELECT rel, sha, shape, page FROM files")),
            "sitemaps": sorted(db.execute("SELECT * FROM sitemaps")),
            **{table: sorted(db.execute(f"SELECT * FROM {table}")) for table in ("stories", "printed", "entries", "names")},
        }
    finally:
        db.close()


def test_a_cold_build_planned_a_year_at_a_time_equals_the_build_planned_whole(project: Path, tmp_path: Path,
                                                                              monkeypatch):
    whole = tmp_path / "whole"
    write_project(whole)
    with monkeypatch.context() as m:
        m.setattr(byyear, "Cold", lambda *a, **k: None)  # the whole site planned at once
        build(whole)
    # A few pages a batch across years, so that lists are paged across batches.
    monkeypatch.setattr(byyear, "ACROSS", 3)
    seen = []
    batches = byyear.Cold.batches
    monkeypatch.setattr(byyear.Cold, "batches", lambda self: (seen.append(b.year) or b for b in batches(self)))
    result = build(project)
    assert seen[:3] == [2021, 2023, 2024] and len(seen) > 6 and set(seen[3:]) == {None}
    site = tree(project / "build")
    assert site.keys() == tree(whole / "build").keys() and "2022/index.html" in site and "2024/02/29/03-02.html" in site
    assert site == tree(whole / "build")
    assert _record(project) == _record(whole)
    assert result.rendered == len(_record(project)["pages"])
    # The record serves the next builds as a whole plan's does: nothing to render, then a body edit alone.
    assert build(project).rendered == 0
    path = project / "articles/2023/01/02/01-01.md"
    path.write_text(path.read_text(encoding="utf-8").replace("平稳有序", "平稳有序，秩序井然"), encoding="utf-8")
    assert build(project).rendered == 1


def test_a_cold_build_with_two_pages_on_one_path_stops_and_names_them(project: Path, monkeypatch):
    monkeypatch.setattr(build_mod, "FIXED", build_mod.FIXED | {"people/刘泉.html"})
    result = build_mod.build_site(load_config(root=project))
    assert not result.ok and any("two outputs on one path people/刘泉.html" in p.message for p in result.problems)
    assert not (project / "build").exists()


def test_a_changed_config_renders_every_page_a_year_at_a_time_and_leaves_the_site_before_it_whole(project: Path,
                                                                                                  tmp_path: Path,
                                                                                                  monkeypatch):
    build(project)
    path = project / "articles/2023/01/02/01-01.md"
    path.write_text(path.read_text(encoding="utf-8").replace("平稳有序", "平稳有序，秩序井然"), encoding="utf-8")
    build(project)  # the site before it is kept beside it, sharing its unchanged pages by hard link
    seen = []
    batches = byyear.Cold.batches
    monkeypatch.setattr(byyear.Cold, "batches", lambda self: (seen.append(b.year) or b for b in batches(self)))
    (project / "site.yaml").write_text(SITE_YAML.replace("无锡日报数字报", "无锡日报数字报档案"), encoding="utf-8")
    result = build(project)
    assert seen[:3] == [2021, 2023, 2024] and result.reused == 0
    kept = project / ".build.previous"
    assert "无锡日报数字报档案" not in (kept / "2021/12/31/01-01.html").read_text(encoding="utf-8")
    assert "无锡日报数字报档案" in (project / "build/2021/12/31/01-01.html").read_text(encoding="utf-8")
    clean = tmp_path / "clean"
    write_project(clean)
    (clean / "articles/2023/01/02/01-01.md").write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    (clean / "site.yaml").write_text((project / "site.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    build(clean)
    assert _pages(tree(project / "build")) == _pages(tree(clean / "build"))  # (a patched index is not byte for byte)
    assert build(project).rendered == 0
