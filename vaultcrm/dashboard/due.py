"""Analysis -> the `due --json` object (behaviour §8) and the terminal's agenda (behaviour §6.2)."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from vaultcrm.crm.analysis import Analysis
from vaultcrm.crm.profile import contact_stage
from vaultcrm.crm.rules import horizon_end
from vaultcrm.dashboard.agenda import Line, agenda_lines
from vaultcrm.dashboard.phrases import Phrases, phrases
from vaultcrm.dashboard.results import line_item
from vaultcrm.fields import field_keys
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


def agenda(analysis: Analysis) -> list[Line]:
    """The reminders as the dashboard's agenda: one line per person, in its order (behaviour §5)."""
    lines = agenda_lines(analysis.outcome.reminders, analysis.today)
    lines.sort(key=lambda line: line.key(analysis.config))
    return lines


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
                    "give_first": [c.name for c in signals.give_first],
                    "trust_fading": [c.name for c in signals.trust_fading],
                    "stuck": [c.name for c in signals.stuck]},
        "problems": [p.as_dict() for p in analysis.problems],
        "agenda": [{"contact": line.contact.name, "note": line.contact.path, "group": line.group,
                    "day": line.day.isoformat(), "days_late": line.days_late,
                    "kinds": [r.kind for r in line.reminders]} for line in agenda(analysis)],
    }


def due_table(analysis: Analysis) -> list[tuple[str, bool]]:
    """The agenda as lines of text (text, is-late) in the vault's language: Today, then Later this
    week, each line its urgency, the person and what is due, the first two columns sized to their content."""
    today = analysis.today
    words = phrases(analysis.config.language)
    table = field_keys(analysis.config.fields)
    lines = agenda(analysis)
    if not lines:
        return [(words.nobody_due(horizon_end(analysis.config, today)), False)]
    whens = [words.when(line.days_late, line.day, today) for line in lines]
    widths = max(map(len, whens)), max(len(line.contact.name) for line in lines)
    out: list[tuple[str, bool]] = []
    part = None
    for when, line in zip(whens, lines, strict=True):  # (Today's lines come first)
        name, what = line.contact.name, _what(line, today, words, table)
        if part != line.today:
            part = line.today
            out.append((f"{words.today} · {words.day_label(today)}" if part else words.later, False))
        out.append((f"  {when.ljust(widths[0])}  {name.ljust(widths[1])}  {what}", line.days_late > 0))
    return out


def _what(line: Line, today: date, words: Phrases, table: Mapping[str, tuple[str, ...]]) -> str:
    """What is due, in words: its group, its reasons, the last touch and the channel."""
    item = line_item(line, today, words, text=str, link=lambda _path, label: label, budget=None,
                     stage=contact_stage(line.contact, table))
    group = words.group_word(line.group)
    return " · ".join([group, *words.parts(item)] if group else words.parts(item))
