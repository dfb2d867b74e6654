"""The words vaultcrm makes in Python rather than in the dashboard's template: day labels, what the
log line of a ticked box says (behaviour §6.3), and `vaultcrm due` in the terminal. They are kept
together so that they can be translated in one place (the template holds the dashboard's own)."""
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
    """`every month`, `every 2 weeks`: a cadence (`unit`: a word of `UNITS`)."""
    return f"every {unit}" if count == 1 else f"every {count} {unit}s"


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


# -- `vaultcrm due` in the terminal (the dashboard's own words are in its template) -----------------

TODAY = "Today"
LATER = "Later this week"
GROUP_WORDS = {"missed": "follow-up missed", "followup": "follow up", "cold": "going cold"}


def nobody_due(end: date) -> str:
    return f"Nobody is due through {end.isoformat()}."


def days_late(count: int) -> str:
    return f"{count} day{'' if count == 1 else 's'} late"


def when(days: int, day: date, today: date) -> str:
    """How urgent a line of the agenda is: `3 days late`, `today`, or its day."""
    return days_late(days) if days else "today" if day == today else day_label(day, today)


def met(day: date, how_met: str) -> str:
    return f"met {short_day(day)}" + (f" at {how_met}" if how_met else "")


def never(cadence: str) -> str:
    return f"{cadence}, no touch yet"


def planned(text: str, day: str) -> str:
    return f"📅 {text}" + (f" ({day})" if day else "")


def occasion(label: str, turns: int | None, day: str) -> str:
    return f"🎂 {label}" + (f", turns {turns}" if turns else "") + (f" ({day})" if day else "")


def last_touch(day: date, quote: str) -> str:
    return f"last {short_day(day)}" + (f" “{quote}”" if quote else "")


def via(channel: str) -> str:
    return f"via {channel}"
