"""The agenda: one line per person, merging their reminders, in an order the line itself explains
(behaviour §5). The dashboard and `vaultcrm due` both show it.

Today holds, in this order: missed follow-ups, follow-ups, people going cold, people late, people due
today; within each group, most days late first, then the earliest due day, tier order and name.
Later this week holds the rest, by day.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from vaultcrm.config import Config
from vaultcrm.crm.rules import KIND_ORDER, going_cold
from vaultcrm.model import Contact, Reminder

GROUPS = ("missed", "followup", "cold", "late", "today", "later")
# The chart's categories, in the order they are drawn; a line's category is `Line.state`.
STATES = ("cold", "late", "today", "later", "on_track")


@dataclass(frozen=True)
class Line:
    """A person's line: their reminders (most urgent kind first), its group, day and lateness."""

    contact: Contact
    reminders: tuple[Reminder, ...]
    group: str
    day: date  # the earliest due day of its reminders
    days_late: int

    @property
    def state(self) -> str:
        """Its category in the chart: going cold, late, today or later this week."""
        if self.group == "cold" or self.group == "later":
            return self.group
        return "late" if self.days_late else "today"

    def key(self, config: Config) -> tuple[Any, ...]:
        """Its place in the agenda, as plain data (days as ordinals)."""
        contact = self.contact
        return (GROUPS.index(self.group), -self.days_late, self.day.toordinal(), config.tier_index(contact.tier),
                contact.name.casefold(), contact.path)


def line_of(reminders: list[Reminder], today: date) -> Line:
    """One contact's reminders as its line."""
    own = tuple(sorted(reminders, key=lambda r: (KIND_ORDER[r.kind], r.due, r.reason)))
    day = min(r.due for r in own)
    late = max(r.days_overdue for r in own)
    followup = next((r for r in own if r.kind == "followup"), None)
    if followup is not None:
        group = "missed" if followup.missed else "followup"
    elif any(going_cold(r) for r in own):
        group = "cold"
    elif late:
        group = "late"
    else:
        group = "today" if day <= today else "later"
    return Line(own[0].contact, own, group, day, late)
