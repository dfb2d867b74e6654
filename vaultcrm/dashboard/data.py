"""The template's data and the sync's summary line, made from every contact's result (behaviour §5)."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from vaultcrm.config import Config
from vaultcrm.crm.rules import horizon_end
from vaultcrm.dashboard.agenda import STATES
from vaultcrm.dashboard.phrases import phrases
from vaultcrm.dashboard.results import ContactResult
from vaultcrm.dashboard.text import md_inline, note_link
from vaultcrm.model import Problem

SIGNALS = ("ready_to_ask", "give_first", "going_cold")
NAMES_SHOWN = 5  # names per signal before "…and N more"
PROBLEMS_SHOWN = 10


def summary_counts(results: Mapping[str, ContactResult]) -> str:
    """The sync's one-line summary."""
    kinds = [pair for result in results.values() for pair in result.kinds]
    followups = sum(1 for kind, _ in kinds if kind == "followup")
    occasions = sum(1 for kind, _ in kinds if kind == "occasion")
    overdue = sum(1 for kind, late in kinds if late and kind not in ("followup", "occasion"))
    due = sum(1 for kind, late in kinds if not late and kind not in ("followup", "occasion"))
    active = sum(1 for r in results.values() if r.active)
    return " · ".join([f"{overdue} overdue", f"{due} due", _plural(followups, "follow-up"),
                       _plural(occasions, "occasion"), _plural(active, "contact")])


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def template_data(results: Mapping[str, ContactResult], problems: list[Problem], config: Config,
                  today: date) -> dict[str, Any]:
    """The plain data the template sees: strings, numbers and lists, every text already escaped.

    The agenda proposes `daily_picks` people for today and as many for later this week; the rest of
    each is folded, never dropped. Lists of names are capped with a count of the rest.
    """
    active = [r for r in results.values() if r.active]
    lines = sorted((r.line for r in active if r.line is not None), key=lambda pair: pair[0])
    now = [item for _, item in lines if item["group"] != "later"]
    later = [item for _, item in lines if item["group"] == "later"]
    picks = config.daily_picks
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
        tiers.append({"name": "", "count": untiered})
    return {
        "today": today.isoformat(), "today_label": phrases(config.language).day_label(today),
        "horizon_end": horizon_end(config, today).isoformat(), "contacts": len(active),
        "language": config.language or "en",
        "now": {"shown": now[:picks], "folded": now[picks:],
                "folded_late": sum(1 for item in now[picks:] if item["days_late"])},
        "later": {"shown": later[:picks], "folded": later[picks:]},
        "signals": [_names(key, sorted((r for r in active if r.signal == key), key=lambda r: (r.sort_name, r.path)))
                    for key in SIGNALS if any(r.signal == key for r in active)],
        "problems": {"count": len(problems), "more": max(len(problems) - PROBLEMS_SHOWN, 0),
                     "shown": [{"link": note_link(p.note, p.note), "line": p.line, "message": md_inline(p.message)}
                               for p in problems[:PROBLEMS_SHOWN]]},
        "tiers": tiers, "week": week,
        "health": [{"key": state, "count": sum(1 for r in active if r.state == state)} for state in STATES],
    }


def _names(key: str, group: Sequence[ContactResult]) -> dict[str, Any]:
    """A signal: its first names, as links, and how many more there are."""
    return {"key": key, "names": [r.link for r in group[:NAMES_SHOWN]], "more": max(len(group) - NAMES_SHOWN, 0)}


def _goal(count: int, goal: int | None) -> str:
    return f"{count} / {goal}" if goal else str(count)
