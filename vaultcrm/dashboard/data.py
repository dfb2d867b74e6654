"""The template's data and the sync's summary line, made from every contact's result (behaviour §5)."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from vaultcrm.config import Config
from vaultcrm.crm.rules import horizon_end
from vaultcrm.dashboard.results import HEALTH, ContactResult
from vaultcrm.dashboard.text import md_inline, note_link
from vaultcrm.model import Problem


def _sorted_items(results: Iterable[ContactResult]) -> list[dict[str, Any]]:
    """Every reminder's item in behaviour §4.2 order (rules.order_key)."""
    keyed = [pair for result in results for pair in result.reminders]
    keyed.sort(key=lambda pair: pair[0])
    return [item for _, item in keyed]


def summary_counts(results: Mapping[str, ContactResult]) -> str:
    """The sync's one-line summary."""
    items = [item for result in results.values() for _, item in result.reminders]
    followups = sum(1 for i in items if i["kind"] == "followup")
    occasions = sum(1 for i in items if i["kind"] == "occasion")
    overdue = sum(1 for i in items if i["overdue"] and i["kind"] not in ("followup", "occasion"))
    due = sum(1 for i in items if not i["overdue"] and i["kind"] not in ("followup", "occasion"))
    active = sum(1 for r in results.values() if r.active)
    return " · ".join([f"{overdue} overdue", f"{due} due", _plural(followups, "follow-up"),
                       _plural(occasions, "occasion"), _plural(active, "contact")])


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def template_data(results: Mapping[str, ContactResult], problems: list[Problem], config: Config,
                  today: date) -> dict[str, Any]:
    """The plain data the template sees: strings, numbers and lists, every text already escaped."""
    active = [r for r in results.values() if r.active]
    sections: dict[str, list[dict[str, Any]]] = {"followups": [], "overdue": [], "due": [], "occasions": []}
    for item in _sorted_items(active):
        kind = item["kind"]
        if kind == "followup":
            sections["followups"].append(item)
        elif kind == "occasion":
            sections["occasions"].append(item)
        else:
            sections["overdue" if item["overdue"] else "due"].append(item)
    gives: set[tuple[str, int | None]] = set()
    for result in active:
        gives |= result.gives_this_week
    week = {
        "met": _goal(sum(1 for r in active if r.met_this_week), config.goals.get("weekly_new_contacts")),
        "touches": _goal(sum(r.days_touched_this_week for r in active), config.goals.get("weekly_touches")),
        "gives": _goal(len(gives), config.goals.get("weekly_gives")),
    }
    tiers = [{"name": md_inline(t.name), "count": sum(1 for r in active if r.tier == t.name)} for t in config.tiers]
    untiered = sum(1 for r in active if r.tier is None)
    if untiered:
        tiers.append({"name": "no tier", "count": untiered})
    health = dict.fromkeys(HEALTH, 0)
    for result in active:
        if result.health is not None:
            health[result.health] += 1

    def names(flag: str) -> list[str]:
        group = sorted((r for r in active if getattr(r, flag)), key=lambda r: (r.sort_name, r.path))
        return [r.link for r in group]

    return {
        "today": today.isoformat(), "horizon_end": horizon_end(config, today).isoformat(),
        "contacts": len(active), **sections, "tiers": tiers, "week": week,
        "ready_to_ask": names("ready_to_ask"), "give_first": names("give_first"), "going_cold": names("going_cold"),
        "problems": [{"link": note_link(p.note, p.note), "line": p.line, "message": md_inline(p.message)}
                     for p in problems],
        "health": [{"label": label, "count": count} for label, count in health.items() if count],
    }


def _goal(count: int, goal: int | None) -> str:
    return f"{count} / {goal}" if goal else str(count)
