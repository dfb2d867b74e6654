"""One tick, one touch (behaviour §6.3): which ticked boxes of the dashboard and of its sync-conflict
copies are still to be recorded, and on what day (dashboard/ledger.py keeps the record).

    copies = dashboard_copies(vault, config, found.problems)
    plan = plan_ticks(existing, copies, today)          # what to record, each tick on its day
    record(vault, config, on, Dashboard(target, rel, existing, copies, plan))  # on(day): that day's analysis
    kept = recorded_in_copies(copies)                   # what the next dashboard keeps of the record

A tick found in two places (the dashboard and a copy: two devices ticked the same box) has one
identity and is recorded once. A tick is worked out on its day, from the reminders listed that day
(writeback/ticks.py: a task completed, an occasion done, a log line saying what was done), so a run
that finishes another's repeats what it began: what is already recorded is no longer listed (a
completed task, a done occasion, a contact touched that day) or is already there (the same log line is
never added twice), and only the rest is written. (Rendering and recording are imported only when
there are ticks: a sync that changes nothing never loads them.)
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from vaultcrm.config import Config
from vaultcrm.dashboard.guards import Existing, read_existing, unchanged_since
from vaultcrm.dashboard.ledger import Ledger, union
from vaultcrm.errors import Problem, VaultcrmError
from vaultcrm.vault.scan import conflict_copies_of
from vaultcrm.writeback.atomic import contained_path, write_if_changed

if TYPE_CHECKING:
    from vaultcrm.crm.analysis import Analysis


@dataclass(frozen=True)
class Copy:
    """A sync-conflict copy of the dashboard, as it reads (None: not a dashboard vaultcrm can trust)."""

    rel: str
    existing: Existing | None

    @property
    def trusted(self) -> Existing | None:
        """The copy, when its ticks may be recorded: vaultcrm's, and nothing typed into it."""
        e = self.existing
        return e if e is not None and e.ours and not e.edited else None


@dataclass
class TickPlan:
    """Ticks to record: (id, line text) by day; `new` when the dashboard's record does not hold them yet."""

    todo: dict[date, list[tuple[str, str]]] = field(default_factory=dict)
    known: Ledger = field(default_factory=dict)
    new: bool = False

    @property
    def ledger(self) -> Ledger:
        """The record to keep while recording: what was known, and every tick on its day."""
        return union([self.known, {key: day for day, ticks in self.todo.items() for key, _ in ticks}])


def dashboard_copies(vault: Path, config: Config, problems: Sequence[Problem]) -> list[Copy]:
    """The sync-conflict copies of the dashboard the scan found (among its problems), each read."""
    copies = []
    for rel in conflict_copies_of(config.dashboard, problems):
        try:
            existing = read_existing(vault / rel)
        except VaultcrmError:
            existing = None
        copies.append(Copy(rel, existing))
    return copies


def plan_ticks(existing: Existing | None, copies: Sequence[Copy], today: date, *, force: bool = False) -> TickPlan:
    """Each tick not yet recorded, on the day its recording began (ledger.py), else today. The ticks
    of a dashboard the user typed into count only with `force` (it is replaced then)."""
    main = existing if existing is not None and existing.ours and (force or not existing.edited) else None
    sources = [e for e in (main, *(c.trusted for c in copies)) if e is not None]
    plan = TickPlan(known=union(e.ledger for e in sources))
    seen: set[str] = set()
    for source in sources:
        for key, text in source.unrecorded:
            if key in seen or (key in plan.known and plan.known[key] is None):  # recorded, as another copy says
                continue
            seen.add(key)
            plan.new = plan.new or key not in plan.known
            plan.todo.setdefault(plan.known.get(key) or today, []).append((key, text))
    return plan


@dataclass(frozen=True)
class Dashboard:
    """The dashboard (`target`, `rel` in the vault) as it reads, its copies, and the ticks to record."""

    target: Path
    rel: str
    existing: Existing | None
    copies: list[Copy]
    plan: TickPlan


def record(vault: Path, config: Config, on: Callable[[date], Analysis], dashboard: Dashboard) -> list[str]:
    """Record each planned tick in the notes it concerns, on its day, as the reminders listed that day
    (`on(day)`: the analysis of that day) have it: a task completed, an occasion done, a log line that
    says what was done (writeback/ticks.py). The names of the contacts.

    Every note is first shown to take its record (else nothing is written anywhere and the dashboard
    keeps its ticks); then the dashboard keeps the day of each new tick, so that a run stopped halfway
    is finished on that day by the next one, on any device; then the notes are written."""
    from vaultcrm.writeback.ticks import read_ticks, record_ticks

    days = []
    for day, ticks in sorted(dashboard.plan.todo.items()):
        analysis = on(day)
        days.append((day, read_ticks([text for _, text in ticks], analysis.index.contacts), analysis))
    for day, ticked, analysis in days:
        record_ticks(vault, ticked, analysis.outcome.reminders, config, day, dry_run=True)
    if dashboard.plan.new:
        _write_ahead(dashboard, config)
    for day, ticked, analysis in days:
        record_ticks(vault, ticked, analysis.outcome.reminders, config, day)
    return list(dict.fromkeys(t.contact.name for _, ticked, _ in days for t in ticked))


def _write_ahead(dashboard: Dashboard, config: Config) -> None:
    """The dashboard, with its body as it is (the copy's, when there is no dashboard yet) and the day of
    each tick in its record."""
    from vaultcrm.dashboard.guards import document
    from vaultcrm.i18n import language

    existing = dashboard.existing
    base = existing if existing is not None and existing.ours else next(
        c.trusted for c in dashboard.copies if c.trusted is not None)
    text = document(base.body, base.contacts, language(config.language), dashboard.plan.ledger)
    write_if_changed(dashboard.target, text.encode("utf-8"),
                     check=unchanged_since(dashboard.target, dashboard.rel, existing))


def recorded_in_copies(copies: Sequence[Copy]) -> Ledger:
    """What the dashboard must go on remembering once its ticks are recorded: the ticks of its copies,
    which stay ticked there until the copies are deleted."""
    return {key: None for c in copies if (e := c.trusted) is not None for key in e.ticks}


def copy_problems(problems: Sequence[Problem], copies: Sequence[Copy], recorded: Ledger) -> list[Problem]:
    """`problems` with each copy of the dashboard explained: safe to delete once every tick in it is
    recorded (`recorded`: the dashboard's record), else recorded by the next sync."""
    said = {}
    for c in copies:
        e = c.trusted
        if e is None:
            continue
        if all(key in recorded and recorded[key] is None for key in e.ticks):
            said[c.rel] = ("this is a sync-conflict copy of the dashboard; its ticked boxes are recorded, so it is "
                           "safe to delete (vaultcrm never deletes it itself)")
        else:
            said[c.rel] = ("this is a sync-conflict copy of the dashboard; `vaultcrm sync` records its ticked "
                           "boxes, after which it is safe to delete")
    return [Problem(p.note, p.line, said[p.note]) if p.note in said else p for p in problems]


def explain_copies(vault: Path, config: Config, problems: Sequence[Problem]) -> list[Problem]:
    """`copy_problems`, with the record read from the dashboard and its copies."""
    copies = dashboard_copies(vault, config, problems)
    if not copies:
        return list(problems)
    try:
        existing = read_existing(contained_path(vault, config.dashboard))
    except VaultcrmError:
        existing = None
    records = [e.ledger for e in (existing, *(c.trusted for c in copies)) if e is not None]
    return copy_problems(problems, copies, union(records))
