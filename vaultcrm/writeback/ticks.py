"""Ticked boxes in the dashboard, each recorded in the notes it concerns (behaviour §6.3).

Three steps, each its own function: which contact a ticked line names (`read_ticks`); what the
tick records, from what its line showed (`what_it_records`, pure); and the surgical edits that record
it (`record`).
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import unquote

from vaultcrm.config import Config
from vaultcrm.crm.contacts import done_field
from vaultcrm.dashboard.phrases import Phrases, phrases
from vaultcrm.dashboard.results import occasion_label, occasion_turns, plan_text
from vaultcrm.errors import VaultcrmError
from vaultcrm.fields import field_keys, normalise_key
from vaultcrm.model import Contact, Plan, Reminder
from vaultcrm.vault.links import key
from vaultcrm.vault.text import plain_text
from vaultcrm.writeback.commands import check_not_conflicted, reader
from vaultcrm.writeback.edit import apply_edit, complete_task, log_line, set_date_field, touch_note

_FIRST_LINK = re.compile(r"\[\[([^\]|#^]+)|\[(?:[^\]\\]|\\.)*\]\(([^)\s]+)\)")


@dataclass(frozen=True)
class Tick:
    """A ticked line of the dashboard: the contact it names, and what it reads (as plain text)."""

    contact: Contact
    shown: str


@dataclass(frozen=True)
class Record:
    """What a tick records: a log line saying what was done (with the last-touch date raised), the
    open tasks to complete, and the occasions done for this year (field, day)."""

    contact: Contact
    log: str
    plans: tuple[Plan, ...] = ()
    occasions: tuple[tuple[str, date], ...] = ()


def read_ticks(ticked: Sequence[str], contacts: Sequence[Contact]) -> list[Tick]:
    """The contacts whose dashboard lines were ticked (by each line's first link), one tick each;
    a line naming no contact any more refuses."""
    by_stem = {key(c.path[:-3]): c for c in contacts}
    found: dict[str, Tick] = {}
    for text in ticked:
        match = _FIRST_LINK.search(text)
        if match is None:
            continue
        target = match[1] if match[1] is not None else unquote(match[2])
        target = target.strip()
        target = target[:-3] if target.lower().endswith(".md") else target
        contact = by_stem.get(key(target))
        if contact is None:
            raise VaultcrmError(f"a ticked box in the dashboard names {target!r}, which is no longer a contact; "
                                "the tick was not recorded and the dashboard was not rewritten",
                                hint="untick it, or restore the note, then sync again")
        seen = found.get(contact.path)
        shown = plain_text(text)
        found[contact.path] = Tick(contact, f"{seen.shown} {shown}" if seen else shown)
    return list(found.values())


def what_it_records(tick: Tick, reminders: Iterable[Reminder], today: date, words: Phrases | None = None) -> Record:
    """What the tick of a line records, from the contact's reminders listed today: each open task
    and occasion the line shows is done; follow-ups, cadences and occasions are said in the log line.
    A tick with none of them logs a touch, unless the contact was touched today already (as a tick
    recorded once, retried after another note failed, finds it). The line was shown, and the log
    line is said, in `words`' language (the vault's; English by default)."""
    words = words or phrases()
    said: list[str] = []
    plans: list[Plan] = []
    occasions: list[tuple[str, date]] = []
    for reminder in reminders:
        contact, kind = reminder.contact, reminder.kind
        if kind == "followup":
            how = plain_text(contact.how_met).replace("#", "") if contact.how_met else None
            said.append(words.followed_up(how, contact.met or reminder.due))
        elif kind == "cadence" and contact.cadence is not None:
            said.append(words.caught_up(words.every(contact.cadence.count, contact.cadence.unit)))
        elif kind == "never":
            said.append(words.first_touch)
        elif kind == "planned" and reminder.plan is not None and plan_text(reminder.plan).rstrip("…") in tick.shown:
            if "🔁" in reminder.plan.text:  # a recurring task: completing it here would end the series
                said.append(plan_text(reminder.plan))
            else:
                plans.append(reminder.plan)
        elif kind == "occasion" and reminder.occasion and occasion_label(reminder, words) in tick.shown:
            occasions.append((reminder.occasion, reminder.due))
            said.append(words.occasion_done(reminder.occasion, reminder.due, occasion_turns(reminder)))
    last = tick.contact.last_touch
    if not (said or plans) and (last is None or last.day < today):
        said.append(words.in_touch)
    return Record(tick.contact, "; ".join(dict.fromkeys(said)), tuple(plans), tuple(occasions))


def record(vault: Path, done: Record, config: Config, today: date, *, dry_run: bool = False) -> None:
    """The edits a record makes, one note at a time, each surgical: in the contact's note, its own
    tasks completed, the last touch raised, the log line and the occasions marked done; then the tasks
    completed in the other notes they are in. (In that order, a record stopped between two notes is
    finished the same way on its day: the tasks left open are listed still, and the contact's part,
    touched that day and its occasions done, is not made again.) `dry_run`: only prove that each note
    can take its edit, writing nothing."""
    contact = done.contact
    own = [plan for plan in done.plans if plan.note == contact.path]
    if own or done.occasions or done.log:
        check_not_conflicted(vault, contact.path)
        keys = field_keys(config.fields)["last_touch"]
        dates = reader(config)

        def transform(data: bytes) -> bytes:
            for plan in own:  # first, while the lines are where the note's reading found them
                data = complete_task(data, plan.line, plan.text, today)
            if done.log:
                data = touch_note(data, keys, today, config.log_heading, log_line(today, done.log), dates=dates)
            for name, day in done.occasions:
                data = set_date_field(data, (normalise_key(done_field(name)),), done_field(name), day,
                                      never_earlier=True, dates=dates)
            return data

        apply_edit(vault / contact.path, transform, dry_run=dry_run)
    for note in dict.fromkeys(plan.note for plan in done.plans if plan.note != contact.path):
        _complete(vault, note, [plan for plan in done.plans if plan.note == note], today, dry_run=dry_run)


def _complete(vault: Path, note: str, plans: list[Plan], today: date, *, dry_run: bool = False) -> None:
    check_not_conflicted(vault, note)

    def transform(data: bytes) -> bytes:
        for plan in plans:
            data = complete_task(data, plan.line, plan.text, today)
        return data

    apply_edit(vault / note, transform, dry_run=dry_run)


def record_ticks(vault: Path, ticks: Sequence[Tick], reminders: Iterable[Reminder], config: Config,
                 today: date, *, dry_run: bool = False) -> None:
    """Record every tick (see `what_it_records`) on `today`, from the reminders listed that day
    (`dry_run`: only prove that every note can take its record, writing nothing)."""
    listed: dict[str, list[Reminder]] = {}
    for reminder in reminders:
        listed.setdefault(reminder.contact.path, []).append(reminder)
    for tick in ticks:
        record(vault, what_it_records(tick, listed.get(tick.contact.path, ()), today, phrases(config.language)),
               config, today, dry_run=dry_run)
