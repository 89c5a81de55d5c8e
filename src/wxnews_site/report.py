"""How every command names what it reports: files relative to the folder the
command runs in, with the line (``articles/2024/06/30/02-01.md:18: ...``),
whether the message comes from check, build, serve, review or import; and a
raw page's line numbers with the raw page they belong to.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable

from .format import Problem

OPEN_FLAGS = "open review flags"
# "line 19", "lines 40, 41": numbers of a raw page's lines in a message.
_RAW_LINES = re.compile(r"\b(lines?|line\(s\)) (\d+(?:(?:, |-|–)\d+)*)")
_SOURCE_FILE = re.compile(r"""^source:\s*\{?\s*file:\s*["']?([^"',}]+)""")


def display_path(path: Path) -> str:
    """A path relative to the working folder when it is inside it, so editors can paste it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except (ValueError, RuntimeError, OSError):  # elsewhere, or a symlink loop (RuntimeError before 3.13)
        return str(path)


def cite_raw(text: str, source: str | None) -> str:
    """A message that names lines of a raw page, with that page's name:
    'paragraph at line 19 was ... (raw page 2024-06-30_02.txt)'."""
    if not source or not _RAW_LINES.search(text):
        return text
    return f"{text} (raw page {source})"


def _lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8").split("\n")
    except (OSError, UnicodeDecodeError):
        return []


def key_line(articles_dir: Path, rel: str, key: str) -> int:
    """The line of a front matter key, read back only for files with a finding."""
    return next((n + 1 for n, line in enumerate(_lines(articles_dir / rel)) if line.startswith(f"{key}:")), 1)


def source_file(articles_dir: Path, rel: str) -> str | None:
    """The raw page an article file was imported from, as its front matter names it."""
    return next((m.group(1).strip() for line in _lines(articles_dir / rel) if (m := _SOURCE_FILE.match(line))), None)


def no_articles(articles_dir: Path) -> str:
    """The message of a command run where there is no archive (or before the first import)."""
    return (f"error: there are no articles here: {display_path(articles_dir)}/ does not exist. Run wxnews-site "
            "in the archive's folder (the one with site.yaml and articles/), import a page first "
            "(wxnews-site import PAGE.txt), or name the folder with --articles DIR")


def in_folder(problems: Iterable[Problem], folder: Path) -> list[Problem]:
    """Problems about files of folder, named as the editor would open them
    (articles/2024/...): open review flags on the 'review:' line, their raw
    line numbers with the raw page's name. Absolute paths (a template, the
    output folder) are named from the working folder too; others keep their names."""
    base = display_path(folder)
    out = []
    for p in problems:
        if p.path and Path(p.path).is_absolute():  # a template, the output folder
            out.append(Problem(display_path(Path(p.path)), p.line, p.message, p.severity))
            continue
        if not p.path or not (folder / p.path).exists():
            out.append(p)
            continue
        line, message = p.line, p.message
        if message.startswith(OPEN_FLAGS):
            line = key_line(folder, p.path, "review")
            message = cite_raw(message, source_file(folder, p.path))
        out.append(Problem(f"{base}/{p.path}", line, message, p.severity))
    return out
