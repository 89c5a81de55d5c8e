"""What an editor reads when something is off: a date that does not exist, a
taken port, a command run outside an archive, the tool's own --help."""
from __future__ import annotations

import re
import socket
from pathlib import Path

import pytest

from wxnews_site.cli import main


@pytest.mark.parametrize("date, says", [
    ("2024-06-31", "June 2024 has 30 days, no day 31"),
    ("2023-02-29", "February 2023 has 28 days, no day 29"),
    ("2024-13-01", "there is no month 13"),
    ("2024/06/30", "use YYYY-MM-DD, e.g. 2024-06-30"),
])
def test_an_impossible_date_says_why(tmp_path, monkeypatch, capsys, date, says):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit):
        main(["import", "2024-06-30_02.txt", "--date", date])
    assert f"bad date '{date}': {says}" in capsys.readouterr().err


def test_a_taken_port_suggests_one_that_is_free(tmp_path, monkeypatch, capsys):
    from sample_archive import write_archive
    monkeypatch.chdir(tmp_path)
    write_archive(tmp_path)
    with socket.socket() as a, socket.socket() as b:
        a.bind(("127.0.0.1", 0))
        port = a.getsockname()[1]
        try:
            b.bind(("127.0.0.1", port + 1))  # the next one is taken too
        except OSError:
            pass
        a.listen()
        assert main(["serve", "--port", str(port)]) == 1
    suggested = int(re.search(r"port (\d+) is free now: --port \1 ", capsys.readouterr().err).group(1))
    assert suggested > port + 1
    with socket.socket() as c:
        c.bind(("127.0.0.1", suggested))


@pytest.mark.parametrize("command", ["build", "serve", "check", "review"])
def test_outside_an_archive_every_command_says_there_are_no_articles(tmp_path, monkeypatch, capsys, command):
    monkeypatch.chdir(tmp_path)
    assert main([command]) in (1, 2)
    out = capsys.readouterr()
    text = out.out + out.err
    assert "there are no articles here: articles/ does not exist" in text
    assert ":0:" not in text
    assert not (tmp_path / "build").exists()


def test_help_describes_the_tool_and_the_editors_loop(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    text = capsys.readouterr().out
    assert "A searchable web archive of a Chinese newspaper from its printed pages" in text
    for step in ("wxnews-site import", "wxnews-site review", "wxnews-site check", "wxnews-site serve", "wxnews-site build"):
        assert step in text
    assert "``" not in text and "in-process" not in text  # no developer's docstring
