"""Each contact's share of the dashboard (`ContactResult`): its items, signals, health and this
week's figures (behaviour §5).

A contact's result depends only on its own note, the notes that touch it, the config and the day, so
the dashboard can be made from results however they were worked out (see dashboard/data.py).
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import takewhile
from typing import TYPE_CHECKING, Any, NamedTuple

from vaultcrm.config import Config
from vaultcrm.crm.rules import Outcome, order_key
from vaultcrm.dashboard.text import md_inline, note_link, shorten
from vaultcrm.model import Contact, Problem, Reminder

if TYPE_CHECKING:
    from vaultcrm.crm.analysis import Analysis
from vaultcrm.vault.text import plain_text

_LEADING_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:$|[\s:,\-–—·]+)")  # a dated line's date (a row's: its first cell)
HEALTH = ("On track", "Due this week", "Overdue", "Going cold")


class ContactResult(NamedTuple):
    """One contact's share of the dashboard on one day, under one config. Plain data (Python's own
    types, dates as day numbers), so a vault's worth of them loads fast (the cache keeps them)."""

    path: str
    active: bool
    tier: str | None = None
    health: str | None = None  # its slice of the health chart; None when it is not tracked
    reminders: tuple[tuple[tuple[Any, ...], dict[str, Any]], ...] = ()  # (order key, template item)
    link: str = ""
    sort_name: str = ""  # signals list contacts by this, then by path
    ready_to_ask: bool = False
    going_cold: bool = False
    give_first: bool = False
    met_this_week: bool = False
    days_touched_this_week: int = 0
    gives_this_week: frozenset[tuple[str, int | None]] = frozenset()  # (note, line) of each give
    problems: tuple[Problem, ...] = ()  # what its rules reported



def contact_results(contacts: Iterable[Contact], outcome: Outcome, config: Config,
                    today: date) -> dict[str, ContactResult]:
    """Every contact's result (inactive ones too), from the contacts evaluated into `outcome`."""
    reminders: dict[str, list[Reminder]] = {}
    for reminder in outcome.reminders:
        reminders.setdefault(reminder.contact.path, []).append(reminder)
    problems: dict[str, list[Problem]] = {}
    for problem in outcome.problems:
        problems.setdefault(problem.note, []).append(problem)
    signals = outcome.signals
    ready = {c.path for c in signals.ready_to_ask}
    cold = {c.path for c in signals.going_cold}
    give = {c.path for c in signals.give_first}
    week_start = today - timedelta(days=6)
    out: dict[str, ContactResult] = {}
    for contact in contacts:
        path = contact.path
        if not contact.active:
            out[path] = ContactResult(path, False)
            continue
        own = reminders.get(path, [])
        # this week's touches: the last ones, as `touches` is in day order and ends today at the latest
        recent = list(takewhile(lambda t: t.day >= week_start, reversed(contact.touches)))
        out[path] = ContactResult(
            path, True, contact.tier, _health(contact, own, path in cold, today),
            tuple((order_key(r, config), _item(r, today)) for r in own),
            note_link(path, contact.name), contact.name.casefold(),
            path in ready, path in cold, path in give,
            bool(contact.met and week_start <= contact.met <= today),
            len({t.day for t in recent}), frozenset((t.evidence, t.line) for t in recent if t.give),
            tuple(problems.get(path, ())))
    return out


def _health(contact: Contact, reminders: list[Reminder], cold: bool, today: date) -> str | None:
    """Tracked, unsnoozed contacts by state: on track, due this week, overdue, going cold."""
    if contact.cadence is None or contact.skipped or (contact.snooze_until and contact.snooze_until > today):
        return None
    state = "On track"
    for reminder in reminders:
        if reminder.kind in ("cadence", "never", "followup"):
            state = "Going cold" if cold else "Overdue" if reminder.overdue else "Due this week"
    return state


def _item(reminder: Reminder, today: date) -> dict[str, Any]:
    contact = reminder.contact
    return {"link": note_link(contact.path, contact.name), "reason": md_inline(reminder.reason),
            "when": _when(reminder, today), "overdue": reminder.overdue, "kind": reminder.kind,
            "due": reminder.due.isoformat(), "last_time": _last_time(contact)}


def _when(reminder: Reminder, today: date) -> str:
    if reminder.overdue:
        days = reminder.days_overdue
        return f"{days} day{'s' if days != 1 else ''} overdue"
    if reminder.due == today:
        return "today"
    if reminder.due == today + timedelta(days=1):
        return "tomorrow"
    return "by " + reminder.due.strftime("%a %d %b")


def _last_time(contact: Contact) -> str:
    line = contact.last_line
    if line is None or not line.text:
        return ""
    return md_inline(shorten(_LEADING_DATE.sub("", plain_text(line.text)), 80))


@dataclass
class Shown:
    """What the dashboard is made of: every contact's result and the problems to list, with the
    analysis they came from (None when the cache made them by difference)."""

    results: dict[str, ContactResult]
    problems: list[Problem]
    analysis: Analysis | None = None
