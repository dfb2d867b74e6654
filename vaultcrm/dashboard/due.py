"""Every contact's result -> the `due --json` object (behaviour §8) and the terminal's agenda
(behaviour §6.2). Each contact's share is worked out with its result (dashboard/results.py), so that
`due` is made the same way from results however they were had."""
from __future__ import annotations

from datetime import date
from typing import Any

from vaultcrm.config import Config
from vaultcrm.dashboard.phrases import phrases
from vaultcrm.dashboard.shown import ROW_KEYS, ContactResult, Shown

SIGNAL_KEYS = ("ready_to_ask", "going_cold", "give_first", "trust_fading", "stuck")  # in `due --json`'s order


def agenda(shown: Shown) -> list[tuple[ContactResult, dict[str, Any]]]:
    """Each listed contact's result with its line's item, in the agenda's order (behaviour §5)."""
    lines = [(r.line[0], r, r.line[1]) for r in shown.results.values() if r.line is not None]
    return [(r, item) for _, r, item in sorted(lines, key=lambda line: line[0])]


def due_object(shown: Shown, config: Config, today: date) -> dict[str, Any]:
    results = shown.results.values()
    rows = sorted((row for r in results for row in r.due_rows), key=lambda row: row[0])
    signals = {name: [r.name for r in sorted((r for r in results if r.signal == name),
                                             key=lambda r: (r.sort_name, r.path))] for name in SIGNAL_KEYS}
    return {
        "today": today.isoformat(),
        "horizon_end": config.horizon_end(today).isoformat(),
        "contacts": sum(1 for r in results if r.active),
        "reminders": [dict(zip(ROW_KEYS, values, strict=True)) for _, values in rows],
        "signals": signals,
        "problems": [p.as_dict() for p in shown.problems],
        "agenda": [{"contact": r.name, "note": r.path, "group": item["group"], "day": item["day"],
                    "days_late": item["days_late"], "kinds": [reason["kind"] for reason in item["reasons"]]}
                   for r, item in agenda(shown)],
    }


def due_table(shown: Shown, config: Config, today: date) -> list[tuple[str, bool]]:
    """The agenda as lines of text (text, is-late) in the vault's language: Today, then Later this
    week, each line its urgency, the person and what is due, the first two columns sized to their content."""
    words = phrases(config.language)
    lines = [(r.name, item, r.due_line) for r, item in agenda(shown) if r.due_line is not None]
    if not lines:
        return [(words.nobody_due(config.horizon_end(today)), False)]
    widths = max(len(when) for _, _, (when, _) in lines), max(len(name) for name, _, _ in lines)
    out: list[tuple[str, bool]] = []
    part = None
    for name, item, (when, what) in lines:  # (Today's lines come first)
        if part != (item["group"] != "later"):
            part = item["group"] != "later"
            out.append((f"{words.today} · {words.day_label(today)}" if part else words.later, False))
        out.append((f"  {when.ljust(widths[0])}  {name.ljust(widths[1])}  {what}", item["days_late"] > 0))
    return out
