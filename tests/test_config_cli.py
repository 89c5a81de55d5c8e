"""A broken site.yaml stops every command with file:line messages and exit status 2."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from sample_archive import write_archive

from wxnews_site.cli import main

BROKEN = "title: 无锡日报数字报\npaper: 无锡日报\npagenation:\n  section: 20\n"


@pytest.mark.parametrize("command", ["build", "review", "serve"])
def test_broken_config_is_reported_cleanly(command, tmp_path: Path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    write_archive(tmp_path)
    (tmp_path / "site.yaml").write_text(BROKEN, encoding="utf-8")
    assert main([command]) == 2
    err = capsys.readouterr().err
    assert "site.yaml:3: error: unknown key 'pagenation' (did you mean 'pagination'?)" in err
    assert "Traceback" not in err
    assert not (tmp_path / "build").exists(), "nothing is built from a broken configuration"


def test_config_option_names_the_file_it_read(tmp_path: Path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    write_archive(tmp_path)
    conf = tmp_path / "conf" / "wuxi.yaml"
    conf.parent.mkdir()
    conf.write_text("title: x\nlanguage: [zh]\n", encoding="utf-8")
    assert main(["--config", str(conf), "review"]) == 2
    assert f"{conf}:2: error: 'language' must be a language tag such as zh-CN, not list" in capsys.readouterr().err


def test_check_reports_config_problems_with_the_rest(tmp_path: Path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    write_archive(tmp_path)
    (tmp_path / "site.yaml").write_text(BROKEN, encoding="utf-8")
    assert main(["check", "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert {"path": "site.yaml", "line": 3, "severity": "error",
            "message": "unknown key 'pagenation' (did you mean 'pagination'?)"} in data["problems"]


def test_absent_config_uses_defaults(tmp_path: Path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    write_archive(tmp_path)
    assert main(["review"]) == 0
