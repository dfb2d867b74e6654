"""The few words vaultcrm makes in Python rather than in the dashboard's template: day labels, and
what the log line of a ticked box says (behaviour §6.3). They are kept together so that they can be translated
in one place (the template holds every other phrase of the dashboard)."""
from __future__ import annotations

from datetime import date

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
UNITS = {"d": "day", "w": "week", "m": "month", "y": "year"}


def short_day(day: date) -> str:
    """`27 Oct`: a day within the year around today."""
    return f"{day.day} {MONTHS[day.month - 1]}"


def day_label(day: date, today: date | None = None) -> str:
    """`Mon 23 Nov`, or just `Mon` for one of the six days after `today`."""
    weekday = WEEKDAYS[day.weekday()]
    return weekday if today is not None and 0 < (day - today).days < 7 else f"{weekday} {short_day(day)}"


def every(count: int, unit: str) -> str:
    """`every month`, `every 2 weeks`: a cadence (`unit` as in `UNITS`)."""
    word = UNITS[unit]
    return f"every {word}" if count == 1 else f"every {count} {word}s"


def followed_up(how_met: str | None, met: date) -> str:
    return f"followed up after {how_met}" if how_met else f"followed up after meeting on {short_day(met)}"


def caught_up(cadence: str) -> str:
    return f"caught up ({cadence})"


FIRST_TOUCH = "got in touch for the first time"
IN_TOUCH = "in touch"


def occasion_done(label: str, day: date, turns: int | None) -> str:
    if label == "birthday":
        return f"birthday wishes (turns {turns})" if turns else "birthday wishes"
    return f"{label} ({short_day(day)})"
