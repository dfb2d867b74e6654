"""The networking habit over time (behaviour §12.3): calendar weeks, each week's touches, new people
and gives, and the month's informational interviews, referrals and intros against their goals.

    history = networking_history(contacts, config, today)      # the last 12 calendar weeks
    history.weeks[-1]       # WeekFigures of the week holding today
    history.month.counts    # {"interviews": 1, "referrals": 0, "intros": 2}

The figures are sums of each contact's share (`contact_history`, plain data), so they can be kept
per contact and summed again (`combine`).
"""
from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any, NamedTuple

from vaultcrm.config import GOAL_TAGS, WEEKDAYS, Config
from vaultcrm.model import Contact
from vaultcrm.vault.tags import has_tag

GOALS = tuple(GOAL_TAGS)  # the monthly goals: interviews, referrals, intros
Event = tuple[str, "int | None"]  # (note, line): one line or meeting, however many people it touches


# The records here are named tuples, as are one contact's figures: a sync after an edit makes one
# contact's result again, and creates their classes as it starts.

class Week(NamedTuple):
    """A calendar week: seven days from its first (the config's `week_start`, Monday by default)."""

    start: date

    @property
    def end(self) -> date:
        return self.start + timedelta(days=6)

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end


def week_of(day: date, week_start: int = 0) -> Week:
    """The calendar week holding `day`; `week_start` is its first weekday (Monday = 0 … Sunday = 6)."""
    return Week(day - timedelta(days=(day.weekday() - week_start) % 7))


def last_weeks(today: date, config: Config, count: int = 12) -> list[Week]:
    """The `count` calendar weeks up to the one holding `today`, oldest first."""
    current = week_of(today, config.week_start).start
    return [Week(current - timedelta(weeks=back)) for back in range(count - 1, -1, -1)]


def month_of(day: date) -> tuple[date, date]:
    """The first and last day of the calendar month holding `day`."""
    return day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1])


class ContactHistory(NamedTuple):
    """One contact's share of the figures, week by week, and its goal events this month."""

    days: tuple[int, ...]  # distinct touch days in each week
    met: tuple[bool, ...]  # whether `met` falls in each week
    gives: tuple[frozenset[Event], ...]  # the `#give` lines and meetings of each week
    goals: tuple[frozenset[Event], ...]  # per monthly goal (GOALS order), its tagged lines and meetings


def contact_history(contact: Contact, config: Config, weeks: Sequence[Week],
                    month: tuple[date, date]) -> ContactHistory:
    """What one contact adds to the weeks and to the month (its touches are up to today)."""
    days = [set[date]() for _ in weeks]
    gives = [set[Event]() for _ in weeks]
    goals = [set[Event]() for _ in GOALS]
    first = weeks[0].start if weeks else month[0]
    for touch in contact.touches:
        if touch.day < min(first, month[0]):
            continue
        for index, week in enumerate(weeks):
            if touch.day in week:
                days[index].add(touch.day)
                if touch.give:
                    gives[index].add((touch.evidence, touch.line))
        if month[0] <= touch.day <= month[1] and touch.tags:
            for index, goal in enumerate(GOALS):
                if has_tag(touch.tags, config.goal_tags[goal]):
                    goals[index].add((touch.evidence, touch.line))
    return ContactHistory(tuple(len(d) for d in days), tuple(contact.met in week for week in weeks),
                          tuple(frozenset(g) for g in gives), tuple(frozenset(g) for g in goals))


class WeekFigures(NamedTuple):
    """One calendar week's figures: touches (each contact's distinct touch days, summed), new people
    (contacts whose `met` falls in it) and gives (`#give` lines and meetings)."""

    start: date
    end: date
    touches: int
    new_people: int
    gives: int

    def as_dict(self) -> dict[str, Any]:
        return {"start": self.start.isoformat(), "end": self.end.isoformat(), "touches": self.touches,
                "new_people": self.new_people, "gives": self.gives}


class MonthFigures(NamedTuple):
    """The calendar month's goal figures so far: tagged lines and meetings, and the goals set."""

    start: date
    end: date
    counts: dict[str, int]  # GOALS -> events
    goals: dict[str, int | None]  # GOALS -> `monthly_<goal>`, None when unset

    def as_dict(self, config: Config) -> dict[str, Any]:
        return {"start": self.start.isoformat(), "end": self.end.isoformat(), **self.counts,
                "goals": self.goals, "tags": {goal: list(config.goal_tags[goal]) for goal in GOALS}}


class History(NamedTuple):
    """The networking weeks and the month, in figures."""

    weeks: tuple[WeekFigures, ...]  # oldest first; the last holds today
    month: MonthFigures

    def as_dict(self, config: Config, today: date) -> dict[str, Any]:
        goals = config.goals
        return {"today": today.isoformat(), "week_start": WEEKDAYS[config.week_start],
                "weeks": [w.as_dict() for w in self.weeks],
                "weekly_goals": {"touches": goals.get("weekly_touches"), "new_people": goals.get("weekly_new_contacts"),
                                 "gives": goals.get("weekly_gives")},
                "month": self.month.as_dict(config)}


def combine(parts: Iterable[ContactHistory], weeks: Sequence[Week], month: tuple[date, date],
            config: Config) -> History:
    """The contacts' shares summed: a give or goal event touching several people counts once."""
    # (each figure summed down a column of the shares, in C: a vault has thousands; none sums to nothing)
    every = list(parts) or [ContactHistory((0,) * len(weeks), (False,) * len(weeks), (frozenset(),) * len(weeks),
                                           (frozenset(),) * len(GOALS))]
    touches = [sum(column) for column in zip(*(p.days for p in every), strict=True)]
    met = [sum(column) for column in zip(*(p.met for p in every), strict=True)]
    gives = [frozenset[Event]().union(*column) for column in zip(*(p.gives for p in every), strict=True)]
    goals = [frozenset[Event]().union(*column) for column in zip(*(p.goals for p in every), strict=True)]
    figures = tuple(WeekFigures(w.start, w.end, touches[i], met[i], len(gives[i])) for i, w in enumerate(weeks))
    counts = {goal: len(goals[i]) for i, goal in enumerate(GOALS)}
    return History(figures, MonthFigures(*month, counts, {goal: config.goals.get(f"monthly_{goal}") for goal in GOALS}))


def networking_history(contacts: Iterable[Contact], config: Config, today: date, count: int = 12) -> History:
    """The last `count` calendar weeks and this month, over the active contacts."""
    weeks = last_weeks(today, config, count)
    month = month_of(today)
    return combine((contact_history(c, config, weeks, month) for c in contacts if c.active), weeks, month, config)
