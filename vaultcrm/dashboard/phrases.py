"""The few words vaultcrm makes in Python rather than in the dashboard's template: day labels, and
the log lines a ticked box leaves in a note. They are kept together so that they can be translated
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
