"""What the dashboard and `vaultcrm due` are made of, as plain data: every contact's result
(`ContactResult`) and the problems to list (`Shown`). Worked out in dashboard/results.py; kept apart
from it, with nothing to import, so that a command answered from stored results loads only this."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

from vaultcrm.errors import Problem

if TYPE_CHECKING:
    from vaultcrm.crm.analysis import Analysis

# the keys of a reminder's row in `due --json` (behaviour §8), in their order
ROW_KEYS = ("contact", "note", "kind", "due", "overdue", "days_overdue", "tier", "cadence_days", "last_touch",
            "evidence", "touch_count", "reason", "missed")


class ContactResult(NamedTuple):
    """One contact's share of the dashboard and of `vaultcrm due` on one day, under one config, and
what finds it by name (`touch`, `snooze`, completion: crm.names.Named). Plain
    data (Python's own types, dates as day numbers), so a vault's worth of them loads fast (the cache
    keeps them)."""

    path: str
    active: bool
    tier: str | None = None
    state: str | None = None  # its chart category (agenda.STATES); None: neither listed nor tracked
    line: tuple[tuple[Any, ...], dict[str, Any]] | None = None  # (agenda key, template item) when listed
    kinds: tuple[tuple[str, bool], ...] = ()  # (kind, overdue) of each reminder listed: the summary line
    link: str = ""
    sort_name: str = ""  # signals list contacts by this, then by path
    signal: str | None = None  # one of crm.rules.SIGNALS (behaviour §4.4)
    history: tuple[Any, ...] = ()  # its share of the last HISTORY_WEEKS weeks and of the month (crm.history)
    member: tuple[Any, ...] = ()  # what the network knows of it (crm.network.Member.plain()), inactive too
    name: str = ""
    aliases: tuple[str, ...] = ()  # with its file name and name, what finds it (crm.names), inactive too
    due_rows: tuple[tuple[tuple[Any, ...], tuple[Any, ...]], ...] = ()  # (order key, ROW_KEYS' values) per reminder
    due_line: tuple[str, str] | None = None  # how urgent its line is and what is due, as `vaultcrm due` prints them
    problems: tuple[Problem, ...] = ()  # what its rules reported (the cache stores this field last)


@dataclass
class Shown:
    """What the dashboard is made of: every contact's result and the problems to list, with the
    analysis they came from (None when the cache made them by difference)."""

    results: Mapping[str, ContactResult]
    problems: list[Problem]  # every note's and rule's; the pipeline adds the scan's
    analysis: Analysis | None = None
    # what the cache names these results and the notes' and rules' problems by: the same for the same
    source: str | None = None


class Drawn(NamedTuple):
    """The dashboard's body, with the count of contacts the note around it states and the sync's
    summary line."""

    body: str
    active: int
    summary: str
