"""A plain ``build`` of an archive kept in git asks git what changed (gitchanges.py).

Whatever changed — committed or not, edited, added, deleted, renamed,
ignored — the site must equal a clean build's file by file; where git
cannot say (no git, a commit the clone lacks, git failing) the build scans
the archive and says why in one line.
"""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from test_build import _pages, build, tree
from test_build_incremental import A, add_issue, add_to_body, clean_build, edit, no_whole_archive

from wxnews_site import gitchanges

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

SITE_YAML = "title: 无锡日报数字报\npaper: 无锡日报\n"


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), "-c", "user.name=编辑", "-c", "user.email=editor@example.org",
                           "-c", "commit.gpgsign=false", *args], check=True, capture_output=True, text=True).stdout


@pytest.fixture
def project(tmp_path: Path, monkeypatch) -> Path:
    """The test archive in a git work tree of its own, committed, with the build's folders ignored as a project's are."""
    from test_build import write

    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))  # never a repository above the test's folder
    root = tmp_path / "project"
    write(root / "articles")
    (root / "site.yaml").write_text(SITE_YAML, encoding="utf-8")
    (root / ".gitignore").write_text("/build/\n/.build.previous/\n/.cache/\n*.draft.md\n", encoding="utf-8")
    git(root, "init", "-q")
    commit(root)
    return root


def commit(root: Path) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "稿件")


def same_as_clean(project: Path, where: Path) -> bool:
    return _pages(tree(project / "build")) == clean_build(project, where)


def test_edits_committed_or_not_are_read_alone_and_give_the_clean_build(project: Path, tmp_path: Path, monkeypatch):
    build(project)
    build(project)  # from the second build on, the site before the current one is kept and reused
    changes = [("committed", True, lambda: add_to_body(project / A / "02-02.md", "群众满意。")),
               ("uncommitted", False, lambda: add_to_body(project / A / "02-03.md", "又及。")),
               ("the uncommitted edit committed, another made", True,
                lambda: edit(project / A / "01-01.md", "项目总投资十亿元", "项目总投资十二亿元")),
               ("nothing", False, lambda: None)]
    for n, (what, committing, change) in enumerate(changes):
        change()
        if committing:
            commit(project)
        no_whole_archive(monkeypatch, walk=False)
        result = build(project)
        monkeypatch.undo()
        assert result.notes == () and result.rendered == (0 if what == "nothing" else 1), what
        assert same_as_clean(project, tmp_path / f"clean{n}"), what


def test_an_edit_built_uncommitted_then_undone_is_built_again(project: Path, tmp_path: Path):
    """The build records the files it read that were not as committed: undone, git no longer names them."""
    build(project)
    add_to_body(project / A / "02-02.md", "群众满意。")
    build(project)
    git(project, "checkout", "--", "articles")
    result = build(project)
    assert result.notes == ()  # (the page as it was is linked from the site kept beside: none rendered)
    assert "群众满意" not in (project / "build/2024/06/30/02-02.html").read_text(encoding="utf-8")
    assert same_as_clean(project, tmp_path / "clean")


def test_a_new_days_issue_committed_or_untracked_plans_only_its_pages(project: Path, tmp_path: Path, monkeypatch):
    build(project)
    build(project)
    for n, (day, committing) in enumerate([("2024-07-01", False), ("2024-07-02", True)]):
        add_issue(project, day, 3)
        if committing:
            commit(project)
        no_whole_archive(monkeypatch, walk=False)
        result = build(project)
        monkeypatch.undo()
        assert result.notes == () and f"{day[:4]}/{day[5:7]}/{day[8:]}/02-01.html" in result.changed, day
        assert same_as_clean(project, tmp_path / f"clean{n}"), day


def test_an_ignored_article_file_is_read_as_the_scan_reads_it(project: Path, tmp_path: Path):
    build(project)
    shutil.copy(project / A / "02-05.md", project / A / "02-06.draft.md")
    edit(project / A / "02-06.draft.md", "2024-06-30-02-05", "2024-06-30-02-06")
    build(project)
    assert (project / "build/2024/06/30/02-06.html").is_file()
    assert same_as_clean(project, tmp_path / "clean")


@pytest.mark.parametrize("how", ["deleted", "renamed", "deleted uncommitted"])
def test_a_deleted_or_renamed_file_is_found_by_the_scan_as_ever(project: Path, tmp_path: Path, how: str):
    build(project)
    if how == "renamed":
        git(project, "mv", A + "02-05.md", A + "02-07.md")
        edit(project / A / "02-07.md", "2024-06-30-02-05", "2024-06-30-02-07")
    else:
        (project / A / "02-05.md").unlink()
    if how != "deleted uncommitted":
        commit(project)
    result = build(project)
    assert result.notes == ("1 article file(s) deleted or renamed since the last build: scanning every article file",)
    assert not (project / "build/2024/06/30/02-05.html").exists()
    assert same_as_clean(project, tmp_path / "clean")


def test_a_file_added_and_gone_between_two_builds_changes_nothing(project: Path, tmp_path: Path):
    build(project)
    shutil.copy(project / A / "02-05.md", project / A / "02-06.md")
    commit(project)
    (project / A / "02-06.md").unlink()
    commit(project)
    add_to_body(project / A / "02-02.md", "群众满意。")
    result = build(project)
    assert result.notes == () and result.rendered == 1
    assert same_as_clean(project, tmp_path / "clean")


def test_a_changed_configuration_plans_the_site_anew_and_says_so(project: Path, tmp_path: Path):
    build(project)
    edit(project / "site.yaml", "无锡日报数字报", "无锡日报数字报档案")
    add_to_body(project / A / "02-02.md", "群众满意。")
    result = build(project)
    assert result.notes == ("the templates, configuration or program changed since the last build: "
                            "scanning every article file",)
    assert same_as_clean(project, tmp_path / "clean")


def test_a_recorded_commit_this_clone_lacks_falls_back_to_the_scan(project: Path, tmp_path: Path):
    """A shallow clone in CI lacks the commit the restored build state names: the scan, and the fix, in one line."""
    build(project)
    recorded = git(project, "rev-parse", "HEAD").strip()
    git(project, "checkout", "-q", "--orphan", "rewritten")
    commit(project)
    git(project, "branch", "-D", git(project, "branch", "--format=%(refname:short)").split()[0])
    git(project, "reflog", "expire", "--expire=now", "--all")
    git(project, "gc", "-q", "--prune=now")
    add_to_body(project / A / "02-02.md", "群众满意。")
    result = build(project)
    assert result.notes == (f"the last build's commit {recorded[:12]} is not in this clone (a shallow clone: in CI, "
                            "check out with fetch-depth: 0): scanning every article file",)
    assert same_as_clean(project, tmp_path / "clean")
    add_to_body(project / A / "02-03.md", "又及。")
    assert build(project).notes == ()  # the scanned build recorded the commit it read


def fake_git(tmp_path: Path, monkeypatch, script: str) -> None:
    folder = tmp_path / "bin"
    folder.mkdir()
    (folder / "git").write_text("#!/bin/sh\n" + script, encoding="utf-8")
    (folder / "git").chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")


@pytest.mark.parametrize("case", ["no git", "git fails", "not a work tree", "no commit"])
def test_without_an_answer_from_git_the_archive_is_scanned_and_the_build_says_why(project: Path, tmp_path: Path,
                                                                                   monkeypatch, case: str):
    build(project)
    add_to_body(project / A / "02-02.md", "群众满意。")
    if case == "no git":
        monkeypatch.setattr(gitchanges.shutil, "which", lambda name: None)
    elif case == "git fails":
        fake_git(tmp_path, monkeypatch, "echo 'fatal: index file corrupt' >&2\nexit 128\n")
    else:
        shutil.rmtree(project / ".git")
        if case == "no commit":
            git(project, "init", "-q")
    result = build(project)
    monkeypatch.undo()
    assert result.notes == ({"no git": "no git program found: scanning every article file for changes",
                             "git fails": "git failed (git rev-parse: fatal: index file corrupt): scanning every "
                                          "article file for changes",
                             "not a work tree": "not in a git work tree: scanning every article file for changes",
                             "no commit": "the git work tree has no commit yet: scanning every article file for "
                                          "changes"}[case],)
    assert result.rendered == 1
    assert same_as_clean(project, tmp_path / "clean")


def test_build_prints_the_note_in_one_line(project: Path, monkeypatch, capsys):
    from wxnews_site import cli

    build(project)
    shutil.rmtree(project / ".git")
    monkeypatch.chdir(project)
    assert cli.main(["--config", "site.yaml", "build"]) == 0
    assert "articles: note: not in a git work tree: scanning every article file for changes\n" \
        in capsys.readouterr().err


def test_a_build_told_which_files_changed_records_them_for_the_next_plain_build(project: Path, tmp_path: Path):
    """build --changed reads the named files as they are, committed or not: undone, the next plain build reads them again."""
    build(project)
    add_to_body(project / A / "02-02.md", "群众满意。")
    build(project, changed=[project / A / "02-02.md"])
    git(project, "checkout", "--", "articles")
    result = build(project)
    assert result.notes == () and "群众满意" not in (project / "build/2024/06/30/02-02.html").read_text(encoding="utf-8")
    assert same_as_clean(project, tmp_path / "clean")


@pytest.mark.parametrize("committing", [True, False])
def test_more_files_changed_than_are_worth_reading_one_by_one_are_scanned(project: Path, tmp_path: Path, monkeypatch,
                                                                          committing: bool):
    monkeypatch.setattr(gitchanges, "MOST", 2)
    build(project)
    for name in ("02-02.md", "02-03.md", "02-04.md"):
        add_to_body(project / A / name, "又及。")
    if committing:
        commit(project)
    result = build(project)
    assert result.notes == ("3 article files changed since the last build (more than 2): scanning every article file"
                            if committing else
                            "3 article files are not as committed (more than 2): scanning every article file",)
    assert result.rendered == 3 and same_as_clean(project, tmp_path / "clean")


def test_files_named_to_a_build_join_the_recorded_ones_until_there_are_too_many(monkeypatch):
    mark = gitchanges.Mark("/archive/articles", "c0ffee", ("2024/06/30/02-02.md",))
    assert mark.naming(["2024/06/30/01-01.md"]) == gitchanges.Mark(
        "/archive/articles", "c0ffee", ("2024/06/30/01-01.md", "2024/06/30/02-02.md"))
    monkeypatch.setattr(gitchanges, "MOST", 1)
    assert mark.naming(["2024/06/30/01-01.md"]) is None  # the next plain build scans, and records anew
