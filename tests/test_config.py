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
    assert cfg.search_ranges, "hosts answer byte ranges unless site.yaml says not"


def test_a_host_without_ranges_is_said_with_a_boolean(tmp_path: Path):
    assert load_config(write(tmp_path, "search:\n  ranges: false\n")).search_ranges is False
    (p,) = problems(tmp_path, "search:\n  ranges: no-thanks\n")
    assert p.line == 2 and "search.ranges" in p.message


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


def problems(tmp_path: Path, text: str) -> list:
    """The problems load_config reports for a site.yaml with this text (it must report some)."""
    with pytest.raises(ConfigError) as exc:
        load_config(write(tmp_path, text))
    return exc.value.problems


def test_overlapping_section_rules_for_one_page_and_date(tmp_path: Path):
    found = problems(tmp_path, """sections:
  - {pages: [1], name: 要闻}
  - {pages: [2, 3], name: 综合, until: 2024-12-31}
  - {pages: [3], name: 经济, from: 2024-10-01}
""")
    (p,) = found
    assert p.line == 4
    assert "page 3 on 2024-10-01 would be both 综合 (line 3) and 经济" in p.message


def test_section_rules_that_hand_over_are_fine(tmp_path: Path):
    cfg = load_config(write(tmp_path, """sections:
  - {pages: [3], name: 综合, until: 2024-09-30}
  - {pages: [3], name: 经济, from: 2024-10-01}
  - {page: 4, name: 文体}
"""))
    assert [r.name for r in cfg.sections] == ["综合", "经济", "文体"]
    assert cfg.section_for(dt.date(2024, 10, 1), 3, None) == "经济"


def test_section_rule_ending_before_it_starts(tmp_path: Path):
    found = problems(tmp_path, "sections:\n  - {pages: [3], name: 经济, from: 2025-01-01, until: 2024-01-01}\n")
    assert found[0].line == 2 and "'from' 2025-01-01 is after 'until' 2024-01-01" in found[0].message


def test_impossible_date_names_its_line(tmp_path: Path):
    found = problems(tmp_path, "title: x\nsections:\n  - {pages: [3], name: 经济, from: 2025-02-30}\n")
    assert found[0].line == 3 and "bad date" in found[0].message


def test_a_variant_merged_into_two_people_is_an_error(tmp_path: Path):
    found = problems(tmp_path, "aliases:\n  崔欣润: [崔新润]\n  崔鑫润: [崔新润]\n")
    (p,) = found
    assert p.line == 3 and "崔新润 is listed under both 崔欣润 and 崔鑫润" in p.message


def test_similar_names_stay_two_people_unless_aliased(tmp_path: Path):
    cfg = load_config(write(tmp_path, "aliases:\n  张伟: [张玮]\n"))
    assert cfg.canonical_person("章伟") == "章伟"
    assert cfg.canonical_person("张玮") == "张伟"


def test_every_problem_in_the_file_is_reported_at_once(tmp_path: Path):
    found = problems(tmp_path, "titel: x\nlanguage: 5\nsearch:\n  word: [a]\n")
    lines = sorted((p.line, p.message.split(" (")[0]) for p in found)
    assert [n for n, _ in lines] == [1, 2, 4]
    assert any("did you mean 'search.words'" in p.message for p in found)


def test_broken_yaml_names_the_line(tmp_path: Path):
    found = problems(tmp_path, "title: x\npaper: [无锡日报\nlanguage: zh-CN\n")
    (p,) = found
    assert p.line == 3 and p.message.startswith("broken YAML")
    assert "flow sequence that starts on line 2" in p.message, "the unclosed [ is on line 2"
