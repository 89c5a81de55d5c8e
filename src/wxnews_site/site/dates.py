"""Dates as a Chinese newspaper prints them, and calendar grids, with no locale.

The system locale is never consulted: a build must give the same bytes on a
CI runner set to C.UTF-8 as on an editor's machine set to zh_CN.
"""
from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

WEEKDAYS = "一二三四五六日"  # Monday first, as Chinese calendars print it


def cn_date(d: dt.date) -> str:
    """2024-06-30 -> '2024年6月30日 星期日'."""
    return f"{d.year}年{d.month}月{d.day}日 星期{WEEKDAYS[d.weekday()]}"


def cn_day(d: dt.date) -> str:
    """2024-06-30 -> '2024年6月30日'."""
    return f"{d.year}年{d.month}月{d.day}日"


def cn_month(year: int, month: int) -> str:
    return f"{year}年{month}月"


@dataclass(frozen=True)
class Day:
    """One calendar cell. state: 'issue' (an issue is in the archive), 'none'
    (inside the archive's span but no issue that day) or 'outside' (before the
    first or after the last archived issue, so the archive cannot say)."""

    day: int
    date: dt.date
    state: str


@dataclass(frozen=True)
class Month:
    year: int
    month: int
    weeks: tuple[tuple[Day | None, ...], ...]
    issues: int

    @property
    def label(self) -> str:
        return cn_month(self.year, self.month)


_CAL = calendar.Calendar(firstweekday=0)


def month_grid(year: int, month: int, issue_dates: frozenset[dt.date], first: dt.date, last: dt.date) -> Month:
    weeks: list[tuple[Day | None, ...]] = []
    count = 0
    for week in _CAL.monthdatescalendar(year, month):
        row: list[Day | None] = []
        for d in week:
            if d.month != month:
                row.append(None)
                continue
            if d in issue_dates:
                state = "issue"
                count += 1
            elif first <= d <= last:
                state = "none"
            else:
                state = "outside"
            row.append(Day(d.day, d, state))
        weeks.append(tuple(row))
    return Month(year, month, tuple(weeks), count)
