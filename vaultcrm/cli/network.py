"""The networking commands: `who` (warm paths into a company), `show` (a person's story) and
`stats` (the networking habit, week by week)."""
from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

import click

from vaultcrm.cli.edits import complete_contact
from vaultcrm.cli.options import analysed, common_options, handle_errors
from vaultcrm.errors import UsageError

if TYPE_CHECKING:
    from vaultcrm.crm.history import History
    from vaultcrm.crm.network import CompanyPath, Connector, Person, PersonRef
    from vaultcrm.crm.story import Story


def _dump(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


# -- who ------------------------------------------------------------------------------------------

@click.command()
@common_options
@click.argument("company", required=False)
@click.option("--tag", help="Only people with this tag (or one below it: recruiter/agency for recruiter).")
@click.option("--how-met", help="Only people whose how_met holds this text (case and accents ignored).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@handle_errors
def who(company: str | None, tag: str | None, how_met: str | None, as_json: bool) -> None:
    """Who you know at COMPANY, now and formerly: how warm, who introduced them, the next step.

    Without COMPANY: the people --tag and --how-met select, or else every company of `targets` in
    .vaultcrm/config.toml.
    """
    from vaultcrm.crm.network import Network

    with analysed() as analysis:
        network = Network(analysis.index.contacts, analysis.config, analysis.today)
        if company is not None and company.strip():
            paths = [network.at(company, tag=tag, how_met=how_met)]
        elif tag or how_met:
            paths = []
        elif analysis.config.targets:
            paths = network.targets()
        else:
            raise UsageError("who at which company?", hint="give a COMPANY, --tag or --how-met, or list companies "
                                                            "under `targets` in .vaultcrm/config.toml")
        people = network.people(tag=tag, how_met=how_met) if not paths else ()
        connectors = network.connectors(people) if not paths else ()
    if as_json:
        _dump({"today": analysis.today.isoformat(), "filters": {"company": company, "tag": tag, "how_met": how_met},
               "companies": [p.as_dict() for p in paths], "people": [p.as_dict() for p in people],
               "connectors": [c.as_dict() for c in connectors]})
        return
    for index, path in enumerate(paths):
        if index:
            click.echo()
        _echo_path(path)
    if not paths:
        for person in people:
            click.echo(_person_line(person))
        if not people:
            click.echo("Nobody matches.")
        if connectors:
            click.echo("connectors: " + _connectors_text(connectors))


def _echo_path(path: CompanyPath) -> None:
    head = path.company
    if path.target is not None:
        head += " — target" + "".join(f" · {t}" for t in (path.target.role, path.target.note) if t)
    click.echo(head)
    for label, group in (("now", path.now), ("formerly", path.formerly)):
        if group:
            click.echo(f"  {label}")
            for person in group:
                click.echo("    " + _person_line(person))
    if not path.now and not path.formerly:
        click.echo("  nobody you know works or worked there")
    if path.connectors:
        click.echo("  connectors: " + _connectors_text(path.connectors))
    click.echo(f"  next step: {path.next_step.text}")


def _person_line(person: Person) -> str:
    """`Noah Kim · Senior SRE · stage trust · warm: last touch …, 5 touch days, 1 give / 3 asks · via …`."""
    parts = [person.name]
    if person.status is None and person.company:
        parts.append(person.company)
    parts += [text for text in (person.role, f"stage {person.stage}" if person.stage else None) if text]
    warmth = "warm" if person.warm else "not warm"
    if person.last_touch is None:
        warmth += ": no touch yet"
    else:
        days = "touch day" if person.touch_count == 1 else "touch days"
        warmth += f": last touch {person.last_touch.isoformat()} ({person.evidence}), {person.touch_count} {days}"
    warmth += f", {_count(person.gives, 'give')} / {_count(person.asks, 'ask')}"
    parts.append(warmth)
    if person.introduced_by:
        parts.append("via " + " ← ".join(_ref(r) for r in person.introduced_by))
    return " · ".join(parts)


def _connectors_text(connectors: tuple[Connector, ...]) -> str:
    return ", ".join(f"{c.person.name} (introduced {', '.join(r.name for r in c.introduced)})" for c in connectors)


def _ref(ref: PersonRef) -> str:
    return ref.name if ref.note else f"{ref.name} (no note)"


def _count(number: int, word: str) -> str:
    return f"{number} {word}{'' if number == 1 else 's'}"


# -- show -----------------------------------------------------------------------------------------

@click.command()
@common_options
@click.argument("name", shell_complete=complete_contact)
@click.option("--json", "as_json", is_flag=True, help="Print the story as JSON.")
@handle_errors
def show(name: str, as_json: bool) -> None:
    """Everything about NAME (file name, name or alias): properties, every touch, plans, signals, intros."""
    from vaultcrm.crm.story import story

    with analysed() as analysis:
        found = story(analysis, name)
    if as_json:
        _dump(found.as_dict())
        return
    for line in _story_lines(found):
        click.echo(line)


def _story_lines(found: Story) -> list[str]:
    c = found.contact
    last = c.last_touch
    lines = [f"{c.name} — {c.path}" + ("" if c.active else " (inactive)")]
    tier = c.tier or c.own_tier
    about = [f"tier {tier}"] if tier and c.cadence_from != f"tier {tier}" else []
    about += [found.cadence or "no cadence", *(f"stage {s}" for s in [found.stage] if s),
             *(t for t in (", ".join(found.companies), found.role) if t)]
    if found.former_companies:
        about.append("formerly " + ", ".join(found.former_companies))
    if c.snooze_until:
        about.append(f"snoozed until {c.snooze_until.isoformat()}")
    lines.append(" · ".join(about))
    summary = f"{_count(c.touch_count, 'touch day')}"
    if last is not None:
        summary += f", last {last.day.isoformat()} ({last.evidence})"
    lines.append(" · ".join([summary, _count(c.gives, "give"), _count(c.asks, "ask"), *found.signals]))
    lines += ["", "Properties"]
    lines += [f"  {key}: {_value_text(value)}".rstrip() for key, value in found.properties] or ["  (none)"]
    lines += ["", "Touches, newest first"]
    width = max((len(f"{t.evidence}:{t.line}") for t in found.touches), default=0)
    for t in found.touches:
        where = f"{t.evidence}:{t.line}" if t.line else t.evidence
        what = _line_text(t.text, t.source) if t.text else _NO_TEXT.get(t.source, "")
        lines.append(f"  {t.day.isoformat()}  {where.ljust(width)}  {what}".rstrip())
    if not found.touches:
        lines.append("  (none)")
    lines += ["", "Plans"]
    lines += [f"  {p.day.isoformat()}  {p.note}:{p.line}  {p.text}" for p in c.plans] or ["  (none)"]
    lines += ["", "Reminders"]
    lines += [f"  {due.isoformat()}  {kind}{' (overdue)' if overdue else ''}: {reason.removeprefix('planned: ')}"
              for kind, due, overdue, reason in found.reminders] or ["  (none)"]
    lines += ["", "Introductions",
              "  introduced by: " + (" ← ".join(_ref(r) for r in found.introduced_by) or "—"),
              "  introduced: " + (", ".join(_ref(r) for r in found.introduced) or "—")]
    return lines


_NON_WORD = re.compile(r"^\W*")
_NO_TEXT = {"field": "(a date property)", "meeting": "(a meeting note lists them)"}


def _line_text(text: str, source: str) -> str:
    """A touch's line without the date opening it (shown in its own column), however it is written
    (`2026-11-02`, `[[12.11.2026]]`, `**3 ноября 2026**`: behaviour §3 T2), as the dashboard's "last
    time" drops it; a daily note's line has none of its own."""
    from vaultcrm.vault.dates import LEAD

    if source not in ("line", "done"):
        return text
    opening = LEAD.match(text) or LEAD.match(text, len(text) - len(_NON_WORD.sub("", text, count=1)))
    return _NON_WORD.sub("", text[opening.end():], count=1) if opening is not None else text
def _value_text(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(_value_text(v) for v in value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# -- stats ----------------------------------------------------------------------------------------

@click.command()
@common_options
@click.option("--weeks", default=12, show_default=True, type=click.IntRange(1, 104),
              help="How many calendar weeks, up to this one.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@handle_errors
def stats(weeks: int, as_json: bool) -> None:
    """The networking habit: touches, new people and gives per calendar week, and this month's goals."""
    from vaultcrm.crm.history import networking_history

    with analysed() as analysis:
        history = networking_history(analysis.index.contacts, analysis.config, analysis.today, weeks)
    if as_json:
        _dump(history.as_dict(analysis.config, analysis.today))
        return
    for line in _stats_lines(history, analysis.config.goals):
        click.echo(line)


def _stats_lines(history: History, goals: dict[str, int]) -> list[str]:
    def goal(count: int, key: str) -> str:
        return f"{count} / {goals[key]}" if key in goals else str(count)

    rows = [("week of", "touches", "new people", "gives")]
    rows += [(w.start.isoformat(), goal(w.touches, "weekly_touches"), goal(w.new_people, "weekly_new_contacts"),
              goal(w.gives, "weekly_gives")) for w in history.weeks]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    top = max((w.touches for w in history.weeks), default=0)
    lines = []
    for index, row in enumerate(rows):
        text = "  ".join([row[0].ljust(widths[0]), *(cell.rjust(width) for cell, width in zip(row[1:], widths[1:],
                                                                                               strict=True))])
        if index:
            touches = history.weeks[index - 1].touches
            text += "  " + "█" * round(20 * touches / top) if top and touches else ""
        lines.append(text.rstrip())
    month = history.month
    names = {"interviews": "informational interviews", "referrals": "referrals", "intros": "intros"}
    figures = [f"{names[key]} {goal(count, f'monthly_{key}')}" for key, count in month.counts.items()]
    lines += ["", f"{month.start.strftime('%B %Y')} so far: " + " · ".join(figures)]
    return lines
