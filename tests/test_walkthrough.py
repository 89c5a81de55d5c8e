"""The README's walkthrough of the editors' loop, followed as a newcomer does
after a fresh clone: a scratch articles folder (.cache/try) passed to every
command, never touching the publishable build/; the example output in the
README is what the tool prints."""
from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest
from test_serve import Served

from wxnews_site.cli import main

ROOT = Path(__file__).resolve().parent.parent
SCRATCH = ".cache/try"


def readme_examples() -> list[tuple[str, list[str]]]:
    """Each '$ wxnews-site ...' example of the walkthrough with the output shown under it."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    loop = text.split("<!-- section: workflow -->", 1)[1].split("<!-- section:", 1)[0]
    examples: list[tuple[str, list[str]]] = []
    for block in re.findall(r"((?:^ {7}.*\S.*\n)+)", loop, flags=re.M):
        lines = [line[7:] for line in block.rstrip("\n").split("\n")]
        if lines[0].startswith("$ wxnews-site "):
            examples.append((lines[0][2:], lines[1:]))
    return examples


def matches(expected: list[str], actual: list[str]) -> bool:
    """Line by line; a '...' line stands for any number of lines."""
    if not expected:
        return not actual
    if expected[0] == "...":
        return any(matches(expected[1:], actual[i:]) for i in range(len(actual) + 1))
    return bool(actual) and expected[0] == actual[0] and matches(expected[1:], actual[1:])


@pytest.fixture
def clone(tmp_path: Path, monkeypatch) -> Path:
    """The parts of a fresh clone the walkthrough uses, as the working folder."""
    for part in ("site.yaml", "samples", "articles"):
        src = ROOT / part
        (shutil.copytree if src.is_dir() else shutil.copy)(src, tmp_path / part)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(capsys, command: str) -> tuple[int, list[str]]:
    code = main(shlex.split(command)[1:])
    out = capsys.readouterr()
    return code, [line for line in (out.out + out.err).split("\n") if line]


def test_the_readme_examples_are_what_the_tool_prints(clone: Path, capsys):
    examples = readme_examples()
    assert [c.split()[1] for c, _ in examples] == ["import", "review", "check"]
    for command, expected in examples:
        code, actual = run(capsys, command)
        assert code == 0, actual
        assert matches(expected, actual), f"{command}\nREADME:\n" + "\n".join(expected) + "\nprinted:\n" + "\n".join(actual)


def test_a_scratch_folder_is_built_and_checked_beside_it_never_into_build(clone: Path, capsys):
    assert run(capsys, f"wxnews-site import samples/2024-06-30_02.txt --articles {SCRATCH}")[0] == 0
    code, out = run(capsys, f"wxnews-site build --articles {SCRATCH}")
    assert code == 0 and any(line.startswith(f"built {SCRATCH}-site: ") for line in out), out
    # Build messages name files as check does: from the working folder, at the 'review:' line.
    assert f"{SCRATCH}/2024/06/30/02-01.md:18: warning: open review flags: paragraph at line 19 was printed inside" \
        " a cut paragraph; moved to the front (raw page 2024-06-30_02.txt)" in out
    assert any(line.startswith("warning: no base_url: feed.xml and sitemap.xml") for line in out)
    assert (clone / f"{SCRATCH}-site/2024/06/30/02-01.html").is_file()
    assert not (clone / "build").exists()
    code, out = run(capsys, f"wxnews-site check --articles {SCRATCH}")
    assert code == 0 and out[-1].endswith(f"links 26 HTML page(s) of {SCRATCH}-site checked"), out


@pytest.mark.browser
def test_serve_previews_a_scratch_folder_into_its_own_site(clone: Path, capsys, browser):
    assert run(capsys, f"wxnews-site import samples/2024-06-30_02.txt --articles {SCRATCH}")[0] == 0
    served = Served(clone, "--articles", SCRATCH)
    page = browser.new_page()
    try:
        page.goto(served.url + "2024/06/30/02-01.html")
        assert page.locator("h1").inner_text() == "从科创“窗口”洞见更多深融可能"
        # The terminal names folders and files as every other command does.
        assert served.log[0] == f"building {SCRATCH}-site ..."
        assert any(line.startswith(f"{SCRATCH}/2024/06/30/02-01.md:18: warning: open review flags") for line in served.log)
    finally:
        page.close()
        served.stop()
    assert (clone / f"{SCRATCH}-site/index.html").is_file()
    assert not (clone / "build").exists()
