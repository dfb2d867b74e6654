"""The template's data and the sync's summary line, made from every contact's result (behaviour §5)."""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any

from vaultcrm.config import Config
from vaultcrm.crm.history import GOALS, ContactHistory, History, combine, last_weeks, month_of
from vaultcrm.crm.member import Member
from vaultcrm.crm.network import CompanyPath, Network, Person
from vaultcrm.crm.profile import stage_of
from vaultcrm.crm.rules import SIGNALS
from vaultcrm.dashboard.agenda import STATES
from vaultcrm.dashboard.phrases import Phrases, phrases
from vaultcrm.dashboard.results import HISTORY_WEEKS
from vaultcrm.dashboard.shown import ContactResult, Drawn, Shown
from vaultcrm.dashboard.text import md_inline, note_link
from vaultcrm.errors import Problem

NAMES_SHOWN = 3  # names per signal before "…and N more" (five signals: a phone screen holds them)
PROBLEMS_SHOWN = 10
TARGETS_SHOWN = 5  # target companies before "…and N more"
SPARKS = "▁▂▃▄▅▆▇█"  # a week's bar, from nothing to the most of the weeks shown


def drawn(shown: Shown, config: Config, today: date, render: Callable[[dict[str, Any]], str]) -> Drawn:
    """The body `render` makes of the template's data, the active contacts and the summary line."""
    body = render(template_data(shown.results, shown.problems, config, today))
    return Drawn(body, sum(1 for r in shown.results.values() if r.active), summary_counts(shown.results))


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
    each is folded, never dropped. Lists of names, of problems and of targets are capped with a count
    of the rest.
    """
    words = phrases(config.language)
    active = [r for r in results.values() if r.active]
    lines = sorted((r.line for r in active if r.line is not None), key=lambda pair: pair[0])
    now = [item for _, item in lines if item["group"] != "later"]
    later = [item for _, item in lines if item["group"] == "later"]
    picks = config.daily_picks
    tiers = [{"name": md_inline(t.name), "count": sum(1 for r in active if r.tier == t.name)} for t in config.tiers]
    untiered = sum(1 for r in active if r.tier is None)
    if untiered:
        tiers.append({"name": "", "count": untiered})
    weeks, month = last_weeks(today, config, HISTORY_WEEKS), month_of(today)
    history = combine((ContactHistory(*r.history) for r in active if r.history), weeks, month, config)
    return {
        "today": today.isoformat(), "today_label": words.day_label(today),
        "horizon_end": config.horizon_end(today).isoformat(), "contacts": len(active),
        "language": config.language or "en",
        "now": {"shown": now[:picks], "folded": now[picks:],
                "folded_late": sum(1 for item in now[picks:] if item["days_late"])},
        "later": {"shown": later[:picks], "folded": later[picks:]},
        "targets": _targets(results, config, today, words),
        "signals": [_names(key, sorted((r for r in active if r.signal == key), key=lambda r: (r.sort_name, r.path)))
                    for key in SIGNALS if any(r.signal == key for r in active)],
        "stuck_after": config.stuck_after_touches,
        "problems": {"count": len(problems), "more": max(len(problems) - PROBLEMS_SHOWN, 0),
                     "shown": [{"link": note_link(p.note, p.note), "line": p.line, "message": md_inline(p.message)}
                               for p in problems[:PROBLEMS_SHOWN]]},
        "tiers": tiers, **_weeks(history, config, words),
        "health": [{"key": state, "count": sum(1 for r in active if r.state == state)} for state in STATES],
    }


def _names(key: str, group: Sequence[ContactResult]) -> dict[str, Any]:
    """A signal: its first names, as links, and how many more there are."""
    return {"key": key, "names": [r.link for r in group[:NAMES_SHOWN]], "more": max(len(group) - NAMES_SHOWN, 0)}


def _goal(count: int, goal: int | None) -> str:
    return f"{count} / {goal}" if goal else str(count)


# -- the weeks -------------------------------------------------------------------------------------

def _weeks(history: History, config: Config, words: Phrases) -> dict[str, Any]:
    """This calendar week's figures against the weekly goals, the weeks before as bars, and the
    month's goal figures (behaviour §12.3)."""
    this = history.weeks[-1]
    goals = config.goals
    figures = {"met": [w.new_people for w in history.weeks], "touches": [w.touches for w in history.weeks],
               "gives": [w.gives for w in history.weeks]}
    month = history.month
    return {
        "week": {
            "start": this.start.isoformat(), "end": this.end.isoformat(),
            "label": words.week_label(this.start, this.end),
            "met": _goal(this.new_people, goals.get("weekly_new_contacts")),
            "touches": _goal(this.touches, goals.get("weekly_touches")),
            "gives": _goal(this.gives, goals.get("weekly_gives")),
        },
        "history": {"weeks": len(history.weeks), "starts": [w.start.isoformat() for w in history.weeks],
                    **{key: {"counts": counts, "bars": sparkline(counts)} for key, counts in figures.items()}},
        "month": {"start": month.start.isoformat(), "label": words.month_label(month.start),
                  "shown": any(month.counts.values()) or any(month.goals.values()),
                  **{goal: _goal(month.counts[goal], month.goals[goal]) for goal in GOALS}},
    }


def sparkline(counts: Sequence[int]) -> str:
    """Each count as a bar, the tallest for the most (`▁` for none): the weeks at a glance."""
    most = max(counts, default=0)
    return "".join(SPARKS[0] if not n else SPARKS[max(1, -(-n * (len(SPARKS) - 1) // most))] for n in counts)


# -- the targets -----------------------------------------------------------------------------------

def _targets(results: Mapping[str, ContactResult], config: Config, today: date, words: Phrases) -> dict[str, Any]:
    """Each target company's warmest path and next step (behaviour §12.1), the first TARGETS_SHOWN."""
    if not config.targets:
        return {"shown": [], "more": 0}
    network = Network.of((Member.from_plain(r.member) for r in results.values() if r.member), config, today)
    paths = network.targets()
    return {"shown": [_target(path, network, words) for path in paths[:TARGETS_SHOWN]],
            "more": max(len(paths) - TARGETS_SHOWN, 0)}


def _target(path: CompanyPath, network: Network, words: Phrases) -> dict[str, Any]:
    """A target's line: the company, who is known there, and the next step with the warmth of the
    person it names (`contact`: to write to, ask, or reconnect with; `to`: whom an intro is to)."""
    step = path.next_step
    target = path.target
    people = {p.note: p for p in (*path.now, *path.formerly)}  # (with their status there)
    who: Person | None = None
    if step.contact is not None and step.contact.note is not None:
        who = people.get(step.contact.note) or network.person(step.contact.note)
    stage = stage_of(who.stage) if who is not None else None
    return {
        "company": md_inline(path.company), "role": md_inline(target.role or "") if target else "",
        "note": md_inline(target.note or "") if target else "", "now": len(path.now), "formerly": len(path.formerly),
        "step": step.kind,
        "contact": note_link(step.contact.note, step.contact.name) if step.contact and step.contact.note else "",
        "to": note_link(step.to.note, step.to.name) if step.to and step.to.note else "",
        "formerly_there": who is not None and who.status == "formerly",
        "stage": stage or "", "stage_label": words.stage(stage) if stage else md_inline(who.stage or "") if who else "",
        "last": {"day": who.last_touch.isoformat(), "label": words.short_day(who.last_touch)}
        if who is not None and who.last_touch else None,
        "give_first": who is not None and who.asks > who.gives,
    }
