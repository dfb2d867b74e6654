"""Analysis -> the `due --json` object (behaviour §8) and the terminal table."""
from __future__ import annotations

from typing import Any

from vaultcrm.crm.analysis import Analysis
from vaultcrm.crm.rules import horizon_end
from vaultcrm.model import Reminder


def reminder_row(reminder: Reminder) -> dict[str, Any]:
    contact = reminder.contact
    last = contact.last_touch
    return {
        "contact": contact.name, "note": contact.path, "kind": reminder.kind,
        "due": reminder.due.isoformat(), "overdue": reminder.overdue, "days_overdue": reminder.days_overdue,
        "tier": contact.tier, "cadence_days": reminder.cadence_days,
        "last_touch": last.day.isoformat() if last else None, "evidence": last.evidence if last else None,
        "touch_count": contact.touch_count, "reason": reminder.reason, "missed": reminder.missed,
    }


def due_object(analysis: Analysis) -> dict[str, Any]:
    outcome = analysis.outcome
    signals = outcome.signals
    return {
        "today": analysis.today.isoformat(),
        "horizon_end": horizon_end(analysis.config, analysis.today).isoformat(),
        "contacts": len(outcome.active),
        "reminders": [reminder_row(r) for r in outcome.reminders],
        "signals": {"ready_to_ask": [c.name for c in signals.ready_to_ask],
                    "going_cold": [c.name for c in signals.going_cold],
                    "give_first": [c.name for c in signals.give_first]},
        "problems": [p.as_dict() for p in analysis.problems],
    }


def due_table(analysis: Analysis) -> list[tuple[str, bool]]:
    """Lines of a readable table (text, is-overdue), widest columns sized to their content."""
    rows: list[tuple[str, str, str, str, bool]] = []
    for r in analysis.outcome.reminders:
        when = f"{r.due.isoformat()} ({r.days_overdue}d late)" if r.overdue else r.due.isoformat()
        rows.append((when, r.contact.name, r.kind, r.reason, r.overdue))
    if not rows:
        end = horizon_end(analysis.config, analysis.today).isoformat()
        return [(f"Nobody is due through {end}.", False)]
    header = ("due", "contact", "kind", "why")
    widths = [max(len(str(row[i])) for row in [*rows, header]) for i in range(3)]
    out = [("  ".join(h.ljust(w) for h, w in zip(header, [*widths, 0], strict=True)).rstrip(), False)]
    for when, name, kind, reason, overdue in rows:
        out.append((f"{when.ljust(widths[0])}  {name.ljust(widths[1])}  {kind.ljust(widths[2])}  {reason}", overdue))
    return out
