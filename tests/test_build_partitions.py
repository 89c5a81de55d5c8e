"""Partition builds: each year built as a job of its own, in a process of its
own, and a final build merging them gives byte for byte the site a single
build gives, rendering only the pages that see beyond a year."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sample_archive import make_article
from test_build import STORIES, tree, write

from wxnews_site.config import load_config
from wxnews_site.site import manifest
from wxnews_site.site.build import build_site

SITE_YAML = "title: 无锡日报数字报\npaper: 无锡日报\n"

# The last two issues of 2023: the 2024 issues' neighbours, a section and a
# reporter (张安宇) shared with 2024, and a month calendar at the archive's start.
LAST_YEAR = (
    make_article("2023-12-30", 1, 1, "新年前夜的太湖", "本报讯 湖边游人如织。", bylines=("张安宇",), credit="(张安宇)"),
    make_article("2023-12-31", 1, 1, "全年经济运行稳中有进", "本报讯 全市经济总量再上台阶。", bylines=("文扬",), credit="(文扬)"),
    make_article("2023-12-31", 2, 1, "社区食堂开到家门口", "本报讯 又一批社区食堂开张。", bylines=("张安宇", "孙倩茹"),
                 section="综合", credit="(张安宇 孙倩茹)"),
)
ARTICLE_PAGE = re.compile(r"\d{4}/\d\d/\d\d/\d\d-\d\d\.html")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    write(root / "articles", STORIES + LAST_YEAR)
    (root / "site.yaml").write_text(SITE_YAML, encoding="utf-8")
    return root


def wxnews(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The command line in a process of its own, as a CI job runs it."""
    src = Path(__file__).resolve().parent.parent / "src"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(src), os.environ.get("PYTHONPATH", "")]), "LANG": "C.UTF-8"}
    return subprocess.run([sys.executable, "-m", "wxnews_site", *args], cwd=project, env=env, capture_output=True,
                          text=True, timeout=300)


def partitions(project: Path, *years: int) -> list[Path]:
    outs = []
    for year in years:
        done = wxnews(project, "build", "--partition", str(year), "--out", f"parts/{year}")
        assert done.returncode == 0, done.stderr
        outs.append(project / "parts" / str(year))
    return outs


def test_two_partitions_built_apart_merge_into_exactly_the_single_build(project: Path, tmp_path: Path):
    single = tmp_path / "single"
    shutil.copytree(project, single)
    assert wxnews(single, "build").returncode == 0

    parts = partitions(project, 2023, 2024)
    assert sorted(p for p in tree(parts[0]) if ARTICLE_PAGE.fullmatch(p)) == [
        "2023/12/30/01-01.html", "2023/12/31/01-01.html", "2023/12/31/02-01.html"]
    merged = build_site(load_config(root=project), merge=parts, progress=False)
    assert merged.ok, merged.problems

    assert tree(project / "build") == tree(single / "build")
    # Every article page came from its partition; what the merge rendered are
    # the pages that see beyond a year: the first issue of 2024 links the last
    # one of 2023, listings and calendars show both years.
    assert not [p for p in merged.changed if ARTICLE_PAGE.fullmatch(p)]
    assert "2024/06/28/index.html" in merged.changed and "2023/12/31/index.html" in merged.changed
    assert "2023/12/30/01.html" not in merged.changed and merged.reused >= 8 + 3


def test_a_partition_made_with_another_site_yaml_is_refused_and_the_site_left_as_it_was(project: Path):
    parts = partitions(project, 2023, 2024)
    assert build_site(load_config(root=project), progress=False).ok
    before = tree(project / "build")
    (project / "site.yaml").write_text(SITE_YAML.replace("数字报", "数字报档案"), encoding="utf-8")

    done = wxnews(project, "build", "--merge", *map(str, parts))

    assert done.returncode == 1
    assert re.search(r"parts/2023/partition\.json:1: error: built by another version, or with other templates, "
                     r"site\.yaml or base URL than this build: build the partition again", done.stderr), done.stderr
    assert tree(project / "build") == before


def test_a_folder_that_is_no_partition_is_named_in_the_error(project: Path, tmp_path: Path):
    (tmp_path / "elsewhere").mkdir()
    result = build_site(load_config(root=project), merge=[tmp_path / "elsewhere"], progress=False)
    assert not result.ok
    assert [str(p) for p in result.problems] == [
        f"{tmp_path / 'elsewhere' / manifest.PARTITION}: error: no partition manifest: not a folder made by "
        "'wxnews-site build --partition YEAR'"]


def test_a_year_without_articles_is_an_error_not_an_empty_partition(project: Path):
    done = wxnews(project, "build", "--partition", "2019", "--out", "parts/2019")
    assert done.returncode == 1
    assert "articles/2019: error: no articles of 2019 to build" in done.stderr
    assert not (project / "parts" / "2019").exists()


def test_the_matrix_workflow_in_the_publishing_guide_passes_actionlint(tmp_path: Path):
    from test_workflow_file import lint

    guide = (Path(__file__).resolve().parent.parent / "docs" / "publishing.md").read_text(encoding="utf-8")
    block = guide.split("## A large archive", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    assert "--partition" in block and "--merge parts/*" in block and "matrix:" in block
    workflow = tmp_path / ".github" / "workflows" / "by-year.yml"
    workflow.parent.mkdir(parents=True)
    workflow.write_text(block, encoding="utf-8")
    result = lint(workflow)
    assert result.returncode == 0, result.stdout + result.stderr


def test_an_articles_head_keeps_what_planning_uses_and_none_of_the_body():
    from wxnews_site.format import head
    from wxnews_site.site.pages import shape

    photo = make_article("2024-06-30", 1, 2, None, "太湖边的清晨，市民在蠡湖大桥下晨练。\n\n第二段说明。", kind="photo",
                         photographers=("宗晓东",), credit="(宗晓东 摄)")
    titled = STORIES[1]
    for a in (photo, titled):
        h = head(a)
        assert (h.headline, h.bylines, h.photographers, h.path) == (a.headline, a.bylines, a.photographers, a.path)
        assert shape(h) == shape(a) and h.credit is None and h.source is None
    assert head(photo).body == "太湖边的清晨" and head(titled).body == ""
