"""Each contact's share of the dashboard (`ContactResult`): its agenda line, signal, place in the chart,
its share of the weeks' figures and what the network knows of it (behaviour §5); and of `vaultcrm
due`: its reminders' rows and its line as the terminal shows it (behaviour §6, §8).

A contact's result depends only on its own note, the notes that touch it, the config and the day, so
the dashboard can be made from results however they were worked out (see dashboard/data.py).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from vaultcrm.config import Config
from vaultcrm.crm.history import contact_history, last_weeks, month_of
from vaultcrm.crm.member import member
from vaultcrm.crm.profile import contact_stage, stage_of
from vaultcrm.crm.rules import SIGNALS, Outcome, order_key
from vaultcrm.dashboard.agenda import Line, line_of
from vaultcrm.dashboard.phrases import UNITS, Phrases, phrases
from vaultcrm.dashboard.shown import ContactResult, Shown
from vaultcrm.dashboard.text import md_inline, note_link, shorten
from vaultcrm.errors import Problem
from vaultcrm.fields import field_keys
from vaultcrm.model import Contact, Plan, Reminder
from vaultcrm.vault.text import plain_text, without_date

if TYPE_CHECKING:
    from vaultcrm.crm.analysis import Analysis

QUOTE_CHARS = 32  # a quote of the last conversation, at most
TEXT_CHARS = 36  # a planned task's text, where two people met, a channel, at most
LINE_CHARS = 80  # a line of the agenda as it reads: two lines of a phone screen, as measured (see `line_item`)
QUOTE_MIN = 10  # a quote cut shorter says nothing: left out
HOW_MIN = 20  # where two people met, cut to fit a line, at least
HISTORY_WEEKS = 12  # calendar weeks in the weekly section's history
SHOWN_STAGES = ("trust", "partnership")  # the stages an agenda line shows: the relationships worth most
# What a line too long for its budget leaves out, in turn, after cutting the quote and where two people
# met: the cadence, then the channel
LEFT_OUT = ("every", "channel")


def contact_results(contacts: Iterable[Contact], outcome: Outcome, config: Config,
                    today: date) -> dict[str, ContactResult]:
    """Every contact's result (inactive ones too), from the contacts evaluated into `outcome`."""
    reminders: dict[str, list[Reminder]] = {}
    for reminder in outcome.reminders:
        reminders.setdefault(reminder.contact.path, []).append(reminder)
    problems: dict[str, list[Problem]] = {}
    for problem in outcome.problems:
        problems.setdefault(problem.note, []).append(problem)
    signals = outcome.signals
    signal = {c.path: name for name in SIGNALS for c in getattr(signals, name)}
    words = phrases(config.language)
    table = field_keys(config.fields)
    weeks, month = last_weeks(today, config, HISTORY_WEEKS), month_of(today)
    out: dict[str, ContactResult] = {}
    for contact in contacts:
        path = contact.path
        known = member(contact, table)
        if not contact.active:
            out[path] = ContactResult(path, False, member=known.plain(), name=contact.name, aliases=contact.aliases)
            continue
        own = reminders.get(path, [])
        line = line_of(own, today) if own else None
        stage = stage_of(known.profile.stage)
        out[path] = ContactResult(
            path, True, contact.tier, line.state if line else _unlisted(contact, today),
            (line.key(config), line_item(line, today, words, stage=stage)) if line else None,
            tuple((r.kind, r.overdue) for r in own),
            note_link(path, contact.name), contact.name.casefold(), signal.get(path),
            tuple(contact_history(contact, config, weeks, month)), known.plain(), contact.name, contact.aliases,
            tuple((order_key(r, config), reminder_row(r)) for r in own),
            (words.when(line.days_late, line.day, today), due_what(line, today, words, table)) if line else None,
            tuple(problems.get(path, ())))
    return out


def shown_of(analysis: Analysis) -> Shown:
    """Every contact's result, from an analysis, with its problems."""
    results = contact_results(analysis.index.contacts, analysis.outcome, analysis.config, analysis.today)
    return Shown(results, analysis.problems, analysis)


def reminder_row(reminder: Reminder) -> tuple[Any, ...]:
    """A reminder's row in `due --json`: the values of shown.ROW_KEYS."""
    contact = reminder.contact
    last = contact.last_touch
    return (contact.name, contact.path, reminder.kind, reminder.due.isoformat(), reminder.overdue,
            reminder.days_overdue, contact.tier, reminder.cadence_days, last.day.isoformat() if last else None,
            last.evidence if last else None, contact.touch_count, reminder.reason, reminder.missed)


def due_what(line: Line, today: date, words: Phrases, table: Mapping[str, tuple[str, ...]]) -> str:
    """What is due on a line of `vaultcrm due`, in words: its group, its reasons, the last touch and the channel."""
    item = line_item(line, today, words, text=str, link=lambda _path, label: label, budget=None,
                     stage=contact_stage(line.contact, table))
    group = words.group_word(line.group)
    return " · ".join([group, *words.parts(item)] if group else words.parts(item))


def _unlisted(contact: Contact, today: date) -> str | None:
    """A tracked, unsnoozed contact with nothing due is on track; others are not in the chart."""
    if contact.cadence is None or contact.skipped or (contact.snooze_until and contact.snooze_until > today):
        return None
    return "on_track"


def line_item(line: Line, today: date, words: Phrases, text: Callable[[str], str] = md_inline,
              link: Callable[[str, str], str] = note_link, budget: int | None = LINE_CHARS,
              stage: str | None = None) -> dict[str, Any]:
    """A line's template item: its parts (days as ISO dates, counts) and their labels in `words`'
    language, every text through `text` and every link made by `link` (made safe for Markdown by
    default; see templates/dashboard.md.j2). `stage` is the relationship's (canonical); a line shows
    it when it is one of SHOWN_STAGES.

    A line is kept to about `budget` characters as it reads (two lines of a phone screen, measured by
    `reading_width`): the quote of the last conversation takes the room left, cut at a word, and is
    left out under QUOTE_MIN characters; then how two people met is cut, to HOW_MIN characters at
    least; then what LEFT_OUT names is left out, in turn, until the line fits (a longer language's
    lines need it). Where two people met is never left out: it is who a follow-up is for. A plan's text
    is never cut further, as a ticked line is matched by it."""
    quote_chars: int | None = None  # (None: not cut to fit)
    how_chars = TEXT_CHARS
    left_out: tuple[str, ...] = ()
    if budget is not None:
        contact, name = line.contact, line.contact.name
        plain = _item(line, today, words, str, lambda _path, label: label, None, how_chars, stage)
        over = reading_width(words.line(name, plain, today)) - budget
        if over > 0 and plain["quote"]:
            def width(quote: str) -> int:
                return reading_width(words.line(name, {**plain, "quote": quote}, today))

            bare = width("")
            room = budget - bare - len(words.quoted(""))
            quote_chars = next((n for n in range(min(room, QUOTE_CHARS), QUOTE_MIN - 1, -1)
                                if width(last_time(contact, n)) <= budget), 0)
            over = bare - budget if quote_chars == 0 else 0
        hows = [r["how"] for r in plain["reasons"] if r.get("how")]
        if over > 0 and hows:
            how_chars = max(HOW_MIN, len(hows[0]) - over)
        for part in LEFT_OUT:
            plain = _item(line, today, words, str, lambda _path, label: label, quote_chars, how_chars, stage,
                          left_out)
            if reading_width(words.line(name, plain, today)) <= budget:
                break
            left_out += (part,)
    return _item(line, today, words, text, link, quote_chars, how_chars, stage, left_out)


def reading_width(text: str) -> int:
    """How wide a text reads, in Latin letters: a Cyrillic letter is about 15% wider in Obsidian's font."""
    return len(text) + sum(1 for ch in text if "\u0400" <= ch <= "\u04ff") * 3 // 20


def _item(line: Line, today: date, words: Phrases, text: Callable[[str], str], link: Callable[[str, str], str],
          quote_chars: int | None, how_chars: int, stage: str | None, left_out: tuple[str, ...] = ()) -> dict[str, Any]:
    contact = line.contact
    reasons = [_reason(r, line, today, words, text, how_chars, left_out) for r in line.reminders]
    last = contact.last_touch
    context = line.group not in ("missed", "followup") and last is not None
    quote = ""
    if context and not any(r.kind == "planned" for r in line.reminders):
        quote = last_time(contact, quote_chars)
    return {
        "link": link(contact.path, contact.name), "group": line.group, "day": line.day.isoformat(),
        "day_label": words.day_label(line.day, today), "days_late": line.days_late, "reasons": reasons,
        "last": {"link": link(last.evidence, words.short_day(last.day)), "day": last.day.isoformat()}
        if context and last is not None else None,
        "quote": text(quote) if quote else "",
        "channel": text(shorten(contact.channel, TEXT_CHARS)) if contact.channel and "channel" not in left_out else "",
        "stage": stage or "", "stage_label": words.stage(stage) if stage in SHOWN_STAGES else "",
    }


def _reason(reminder: Reminder, line: Line, today: date, words: Phrases, text: Callable[[str], str],
            how_chars: int = TEXT_CHARS, left_out: tuple[str, ...] = ()) -> dict[str, Any]:
    """One reminder's part of its line (without what `left_out` names: see `line_item`)."""
    contact, kind = reminder.contact, reminder.kind
    part: dict[str, Any] = {"kind": kind, "day": reminder.due.isoformat(),
                            "day_label": words.day_label(reminder.due, today), "same_day": reminder.due == line.day}
    if kind == "followup":
        met = contact.met or reminder.due - timedelta(days=1)
        how = text(shorten(plain_text(contact.how_met), how_chars)) if contact.how_met else ""
        part.update(missed=reminder.missed, met=met.isoformat(), met_label=words.short_day(met), how=how)
    elif kind in ("cadence", "never") and contact.cadence is not None:
        cadence = contact.cadence
        every = "" if kind == "cadence" and "every" in left_out else words.every(cadence.count, cadence.unit)
        part.update(count=cadence.count, unit=UNITS[cadence.unit], every=every)
    elif kind == "planned" and reminder.plan is not None:
        part.update(text=text(plan_text(reminder.plan)))
    elif kind == "occasion":
        part.update(field=reminder.occasion or "", label=text(occasion_label(reminder, words)),
                    turns=occasion_turns(reminder))
    return part


def occasion_label(reminder: Reminder, words: Phrases) -> str:
    """`birthday`, `work anniversary`: an occasion's field as words, in `words`' language."""
    return words.lang.occasion(reminder.occasion or "")


def occasion_turns(reminder: Reminder) -> int | None:
    """The age a birthday turns, when its year is known."""
    year = next((y for name, _, _, y in reminder.contact.occasions if name == reminder.occasion), None)
    if reminder.occasion != "birthday" or not year or reminder.due.year <= year:
        return None
    return reminder.due.year - year


def plan_text(plan: Plan) -> str:
    """A planned task as its line shows it (unescaped): its text as it reads, without its date, cut."""
    return shorten(without_date(plan.text), TEXT_CHARS)


def last_time(contact: Contact, chars: int | None = None) -> str:
    """What was talked about last time: the latest dated line's text as it reads, without its date, cut
    to QUOTE_CHARS; or, to fit a line, to `chars` at a word ("" when that leaves under QUOTE_MIN)."""
    line = contact.last_line
    if line is None or not line.text:
        return ""
    if chars is None:
        return shorten(without_date(line.text), QUOTE_CHARS)
    cut = shorten(without_date(line.text), chars, whole_words=True) if chars >= QUOTE_MIN else ""
    return cut if len(cut) >= QUOTE_MIN else ""
