"""site.yaml: defaults, typed values, and errors that name the key and line."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from wxnews_site.config import ConfigError, load_config


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "site.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def test_defaults_when_absent(tmp_path: Path):
    cfg = load_config(tmp_path / "site.yaml")
    assert cfg.paper and cfg.language == "zh-CN" and cfg.pagination.section > 0


def test_sections_over_date_ranges(tmp_path: Path):
    cfg = load_config(write(tmp_path, """
sections:
  - {pages: [2], name: 综合, until: 2024-12-31}
  - {pages: [2], name: 经济, from: 2025-01-01}
aliases:
  崔欣润: [崔新润]
search:
  words: [辋村, 新吴区]
"""))
    assert cfg.section_for(dt.date(2024, 6, 30), 2, None) == "综合"
    assert cfg.section_for(dt.date(2025, 6, 30), 2, None) == "经济"
    assert cfg.section_for(dt.date(2025, 6, 30), 3, "要闻") == "要闻"
    assert cfg.canonical_person("崔新润") == "崔欣润"
    assert cfg.search_words == ("辋村", "新吴区")


def test_unknown_key_with_suggestion_and_line(tmp_path: Path):
    with pytest.raises(ConfigError) as exc:
        load_config(write(tmp_path, "title: x\npagenation:\n  section: 10\n"))
    (p,) = exc.value.problems
    assert p.line == 2 and "pagenation" in p.message and "did you mean 'pagination'" in p.message


def test_wrong_type_names_key_and_line(tmp_path: Path):
    with pytest.raises(ConfigError) as exc:
        load_config(write(tmp_path, "title: x\npagination:\n  section: many\n"))
    (p,) = exc.value.problems
    assert p.line == 3 and "pagination.section" in p.message
