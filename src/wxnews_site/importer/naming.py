"""Which issue and page (版) a raw page file is: from flags, a sidecar file, or the file name.

Precedence, key by key: command-line flags, then a sidecar ``PAGE.yaml`` next
to ``PAGE.txt`` (keys date, page, section, paper), then the file name
(``2024-06-30_02.txt``, ``20240630-02.txt``, ``2024-06-30-p02.txt``,
``wxrb_20240630_02.txt``). The importer never guesses beyond that: a date
found in the page text is only offered as a suggestion.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path


from ..format import FormatError, Problem, load_yaml, name_problem, near_miss
from .decode import InputError, read_input
from ..model import MAX_PAGE  # noqa: F401 (the importers' bound too)

SIDECAR_KEYS = ("date", "page", "section", "paper")
MAX_SIDECAR_BYTES = 1 << 20
# Date as 2024-06-30, 2024_06_30 or 20240630, not inside a longer number;
# then an optional page: separators, an optional p/page/第 and up to 3 digits.
NAME_RE = re.compile(
    r"(?<!\d)(\d{4})([-_.]?)(\d{2})\2(\d{2})(?!\d)"
    r"(?:[-_. ]*(?:p|P|page|PAGE|第)?0*(\d{1,3})(?:版)?(?!\d))?"
)
TEXT_DATE_RES = (
    re.compile(r"(?<!\d)(\d{4})年(\d{1,2})月(\d{1,2})日"),
    re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)"),
)


@dataclass(frozen=True)
class PageMeta:
    date: dt.date | None
    page: int | None
    section: str | None
    paper: str | None
    # Where the date and page came from ("--date", "sidecar NAME", "file name"), for messages.
    date_from: str = ""
    page_from: str = ""


def from_name(name: str) -> tuple[dt.date | None, int | None]:
    """Date and page read from a file name; None for what it does not say."""
    stem = Path(name).name
    for m in NAME_RE.finditer(stem):
        try:
            date = dt.date(int(m.group(1)), int(m.group(3)), int(m.group(4)))
        except ValueError:
            continue
        page = int(m.group(5)) if m.group(5) else None
        return date, (page if page else None)
    return None, None


def sidecar_path(page_file: Path) -> Path:
    return page_file.with_suffix(".yaml")


def read_sidecar(page_file: Path) -> dict:
    """The sidecar's values, validated; {} when there is none. FormatError names file and line."""
    path = sidecar_path(page_file)
    if not path.is_file():
        return {}
    name = str(path)
    try:
        data = load_yaml(read_input(path, MAX_SIDECAR_BYTES).decode("utf-8-sig"), name, 1)
    except UnicodeDecodeError as exc:
        raise FormatError([Problem(name, 1, f"not UTF-8 (byte offset {exc.start})")]) from None
    except InputError as exc:
        raise FormatError([Problem(name, 1, str(exc))]) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise FormatError([Problem(name, 1, "a page sidecar must be a mapping: date, page, section, paper")])
    lines = {}
    for n, line in enumerate(path.read_text(encoding="utf-8-sig", errors="replace").split("\n"), start=1):
        m = re.match(r"^([A-Za-z_]\w*)\s*:", line)
        if m:
            lines.setdefault(m.group(1), n)
    problems = []
    out: dict = {}
    for key, value in data.items():
        where = lines.get(str(key), 1)
        if key not in SIDECAR_KEYS:
            hint = near_miss(str(key), SIDECAR_KEYS)
            problems.append(Problem(name, where, f"unknown key '{key}'" + (f" (did you mean '{hint}'?)" if hint else "")))
        elif value is None:
            continue
        elif key == "date":
            try:
                out[key] = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
            except ValueError:
                problems.append(Problem(name, where, f"bad date {value!r}: use YYYY-MM-DD"))
        elif key == "page":
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_PAGE:
                problems.append(Problem(name, where, f"bad page {value!r}: a page number from 1 to {MAX_PAGE}"))
            else:
                out[key] = value
        elif isinstance(value, (str, int)) and not isinstance(value, bool) and str(value).strip():
            out[key] = str(value).strip()
            if key == "section" and (wrong := name_problem(key, out[key])):
                problems.append(Problem(name, where, wrong))
        else:
            problems.append(Problem(name, where, f"'{key}' must be text"))
    if problems:
        raise FormatError(problems)
    return out


def resolve(
    page_file: Path, *, date: dt.date | None = None, page: int | None = None,
    section: str | None = None, paper: str | None = None,
) -> PageMeta:
    """Combine flags, sidecar and file name, key by key; section and paper stay None if unset."""
    side = read_sidecar(page_file)
    name_date, name_page = from_name(page_file.name)
    side_name = f"sidecar {sidecar_path(page_file).name}"

    def pick(flag, flag_name, key, from_file):
        if flag is not None:
            return flag, flag_name
        if key in side:
            return side[key], side_name
        if from_file is not None:
            return from_file, "file name"
        return None, ""

    d, d_from = pick(date, "--date", "date", name_date)
    p, p_from = pick(page, "--page", "page", name_page)
    return PageMeta(
        date=d, page=p, section=section or side.get("section"), paper=paper or side.get("paper"),
        date_from=d_from, page_from=p_from,
    )


def date_in_text(text: str) -> str | None:
    """The first full date printed in the page (2024年6月30日, 2024-06-30), as YYYY-MM-DD."""
    for rx in TEXT_DATE_RES:
        for m in rx.finditer(text):
            try:
                return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
            except ValueError:
                continue
    return None
