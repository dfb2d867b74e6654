"""Durations (`14d`, `2w`, `3m`, `monthly`, `P2W`) and calendar arithmetic (behaviour §4.1)."""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any


@dataclass(frozen=True, slots=True)
class Duration:
    """A cadence: `count` days, weeks, months or years (months and years add on the calendar)."""

    count: int
    unit: str  # "d", "w", "m" or "y"


_DURATION = re.compile(r"(\d+)\s*(d|days?|w|weeks?|m|months?|y|years?)", re.IGNORECASE)
_ISO_DURATION = re.compile(r"P(?:(\d+)Y|(\d+)M|(\d+)W|(\d+)D)", re.IGNORECASE)
DURATION_WORDS = {
    "daily": Duration(1, "d"), "weekly": Duration(1, "w"), "biweekly": Duration(2, "w"),
    "fortnightly": Duration(2, "w"), "monthly": Duration(1, "m"), "quarterly": Duration(3, "m"),
    "yearly": Duration(1, "y"), "annually": Duration(1, "y"),
}


def next_occurrence(month: int, dom: int, today: date) -> date:
    """The next day on or after `today` that is `month`/`dom`; 29 February falls on the 28th in common years."""
    for year in (today.year, today.year + 1):
        day = date(year, month, min(dom, calendar.monthrange(year, month)[1]))
        if day >= today:
            return day
    raise AssertionError("unreachable: a date recurs within a year")


MAX_DAYS = {"d": 36600, "w": 5230, "m": 1200, "y": 100}  # a hundred years is plenty
# The days vaultcrm reckons with: a hundred years (the longest duration) and a year more can always
# be added to the last one, or taken from the first, without leaving the calendar's range.
FIRST_DAY, LAST_DAY = date(1000, 1, 1), date(9899, 12, 31)


def check_day(day: date) -> date:
    """`day`, or ValueError when it lies after LAST_DAY."""
    if day > LAST_DAY:
        raise ValueError(f"{day.isoformat()} is too far in the future (vaultcrm reads dates up to "
                         f"{LAST_DAY.isoformat()})")
    return day


def parse_duration(value: Any) -> Duration:
    """`14d`, `2w`, `3m`, `1y`, `P2W`, a bare number of days, or a word such as `monthly`."""
    duration = _parse_duration(value)
    if duration.count > MAX_DAYS[duration.unit]:
        raise ValueError(f"{shown(value)} is longer than a hundred years")
    return duration


def _parse_duration(value: Any) -> Duration:
    if isinstance(value, bool) or value is None:
        raise ValueError(f"{shown(value)} is not a duration (write it like 14d, 2w, 3m or 1y)")
    if isinstance(value, int):
        if value <= 0:
            raise ValueError(f"{value} is not a duration: it must be at least one day")
        return Duration(value, "d")
    if isinstance(value, str):
        text = value.strip()
        if text.lower() in DURATION_WORDS:
            return DURATION_WORDS[text.lower()]
        if text.isdigit() and int(text) > 0:
            return Duration(int(text), "d")
        match = _DURATION.fullmatch(text)
        if match and int(match[1]) > 0:
            return Duration(int(match[1]), match[2][0].lower())
        match = _ISO_DURATION.fullmatch(text)
        if match:
            for group, unit in zip(match.groups(), "ymwd", strict=False):
                if group is not None and int(group) > 0:
                    return Duration(int(group), unit)
    raise ValueError(f"{shown(value)} is not a duration (write it like 14d, 2w, 3m or 1y)")


def add_duration(day: date, duration: Duration) -> date:
    """`day` plus `duration`; months and years add on the calendar, clamped to the month's end."""
    if duration.unit == "d":
        return day + timedelta(days=duration.count)
    if duration.unit == "w":
        return day + timedelta(weeks=duration.count)
    months = duration.count * (12 if duration.unit == "y" else 1)
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def shown(value: Any) -> str:
    text = str(value)
    return repr(text if len(text) <= 40 else text[:37] + "...")
