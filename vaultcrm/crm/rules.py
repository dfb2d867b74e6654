"""Contacts -> reminders and signals: pure, no I/O, no clock (behaviour §4)."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from vaultcrm.config import Config, Rule
from vaultcrm.crm.profile import contact_stage
from vaultcrm.durations import add_duration, next_occurrence
from vaultcrm.errors import Problem
from vaultcrm.fields import field_keys
from vaultcrm.i18n import language
from vaultcrm.model import Contact, Reason, Reminder, Signals
from vaultcrm.vault.text import plain_text

ENGLISH = language()  # the reasons' own text (`due --json`, the dashboard); other languages phrase `why`
KIND_ORDER = {"followup": 0, "cadence": 1, "never": 2, "planned": 3, "occasion": 4}


@dataclass
class Outcome:
    """What the rules make of the contacts: reminders, signals, problems, and the active contacts."""

    reminders: list[Reminder] = field(default_factory=list)
    signals: Signals = field(default_factory=Signals)
    problems: list[Problem] = field(default_factory=list)
    active: list[Contact] = field(default_factory=list)


def evaluate(contacts: list[Contact], config: Config, today: date) -> Outcome:
    """Apply custom rules and tiers, then yield every contact's reminders (in the order of behaviour §4.2)
    and signals."""
    outcome = Outcome()
    end = config.horizon_end(today)
    table = field_keys(config.fields)
    for contact in contacts:
        if not contact.active:
            continue
        outcome.active.append(contact)
        apply_rules(contact, config, today, outcome.problems)
        if contact.skipped:
            continue
        reminders = contact_reminders(contact, config, today)
        outcome.reminders += [r for r in reminders if r.due <= end]
        snoozed = contact.snooze_until is not None and contact.snooze_until > today
        if snoozed:
            continue
        signal = contact_signal(contact, reminders, config, today, contact_stage(contact, table))
        if signal is not None:
            getattr(outcome.signals, signal).append(contact)
    outcome.reminders.sort(key=lambda r: order_key(r, config))
    for name in SIGNALS:
        getattr(outcome.signals, name).sort(key=lambda c: (c.name.casefold(), c.path))
    return outcome


def going_cold(reminder: Reminder) -> bool:
    """A cadence or never-touched reminder overdue by more days than its cadence (behaviour §4.4)."""
    return reminder.kind in ("cadence", "never") and reminder.days_overdue > (reminder.cadence_days or 0)


SIGNALS = ("going_cold", "trust_fading", "give_first", "stuck", "ready_to_ask")  # tried in this order


def contact_signal(contact: Contact, reminders: list[Reminder], config: Config, today: date,
                   stage: str | None = None) -> str | None:
    """The one signal an unsnoozed, unskipped contact is under (behaviour §4.4), tried in the order of
    SIGNALS: going cold; trust going quiet (a relationship at trust or partnership, `stage`, not
    touched within its cadence, or `warm_within` when it has none); give first (owing them); stuck
    (still at the first stage after `stuck_after_touches` touch days); ready to ask (enough touches,
    warm and not owing); else none."""
    if any(going_cold(r) for r in reminders):
        return "going_cold"
    if stage in ("trust", "partnership"):
        last = contact.last_touch
        if last is None or add_duration(last.day, contact.cadence or config.warm_within) < today:
            return "trust_fading"
    if contact.asks > contact.gives:
        return "give_first"
    if stage == "acquaintance" and contact.touch_count >= config.stuck_after_touches:
        return "stuck"
    late = any(r.overdue and r.kind in ("followup", "cadence", "never") for r in reminders)
    if contact.touch_count >= config.ask_after_touches and not late:
        return "ready_to_ask"
    return None


def rule_context(contact: Contact, today: date) -> dict[str, Any]:
    """The plain data a rule's `when` expression sees: a missing text field is empty text and a
    missing list an empty list, so `'Acme' in company` holds or not on every contact."""
    last = contact.last_touch
    return {
        "name": contact.name, "tier": contact.own_tier, "tags": list(contact.tags),
        "company": contact.company or "", "how_met": contact.how_met or "", "channel": contact.channel or "",
        "touch_count": contact.touch_count, "days_since_touch": (today - last.day).days if last else None,
        "gives": contact.gives, "asks": contact.asks, "fm": dict(contact.fm),
    }


def apply_rules(contact: Contact, config: Config, today: date, problems: list[Problem]) -> None:
    """The first matching `[[rules]]` entry may set cadence or tier, or skip; then tiers fill the rest."""
    rule = _matching_rule(contact, config.rules, today, problems)
    contact.tier = contact.own_tier
    if rule is not None:
        contact.skipped = rule.skip
        if contact.tier is None and rule.tier is not None:
            contact.tier = rule.tier
        if contact.cadence is None and rule.cadence is not None:
            contact.cadence, contact.cadence_from = rule.cadence, rule.label
    if contact.tier is None:
        contact.tier = config.default_tier
    if contact.cadence is None and contact.tier is not None:
        contact.cadence, contact.cadence_from = config.tier_cadence(contact.tier), f"tier {contact.tier}"


def _matching_rule(contact: Contact, rules: tuple[Rule, ...], today: date, problems: list[Problem]) -> Rule | None:
    if not rules:
        return None
    context = rule_context(contact, today)
    for rule in rules:
        try:
            if rule.test(**context):
                return rule
        except Exception as exc:  # a user's expression may fail in any way; it must not stop the others
            problems.append(Problem(contact.path, None, f"{rule.label} ({rule.when}) failed on this contact: "
                                    f"{exc}; the rule was skipped for it"))
    return None


def contact_reminders(contact: Contact, config: Config, today: date) -> list[Reminder]:
    """Every reminder of one contact, listed or not (the caller applies the horizon)."""
    out: list[Reminder] = []
    snoozed = contact.snooze_until is not None and contact.snooze_until > today
    last = contact.last_touch
    if not snoozed:
        window_start = today - timedelta(days=config.followup_window - 1)
        met = contact.met
        if (met is not None and window_start - timedelta(days=config.followup_grace) <= met <= today
                and (last is None or last.day <= met)):
            missed = met < window_start
            out.append(replace(_reminder(contact, met + timedelta(days=1), 1, today,
                                         Reason("followup", met, detail=contact.how_met, missed=missed)),
                               missed=missed))
        elif contact.cadence is not None:
            tier = contact.tier if contact.cadence_from.startswith("tier ") else None
            rule = None if tier is not None else contact.cadence_from or None
            if last is None:
                base = contact.created or today
                span = (add_duration(base, contact.cadence) - base).days
                due = base + timedelta(days=span) if contact.created else today
                out.append(_reminder(contact, due, span, today, Reason("never", contact.created,
                                                                       cadence=contact.cadence, tier=tier, rule=rule)))
            else:
                due = add_duration(last.day, contact.cadence)
                out.append(_reminder(contact, due, (due - last.day).days, today,
                                     Reason("cadence", last.day, last.evidence, cadence=contact.cadence, tier=tier,
                                            rule=rule)))
    for name, month, dom, year in contact.occasions:
        day = next_occurrence(month, dom, today)
        done = contact.occasions_done.get(name)
        if done is not None and done >= day:  # ticked in the dashboard: done for this year
            continue
        turns = day.year - year if year and name == "birthday" and day.year > year else None
        out.append(replace(_reminder(contact, day, None, today, Reason("occasion", day, detail=name, years=turns)),
                           occasion=name))
    for plan in contact.plans:
        why = Reason("planned", plan.day, f"{plan.note}:{plan.line}", plain_text(plan.text))
        out.append(Reminder(contact, "planned", plan.day, plan.day < today, max((today - plan.day).days, 0), None,
                            ENGLISH.reason(why), plan, why=why))
    return out


def _reminder(contact: Contact, due: date, cadence_days: int | None, today: date, why: Reason) -> Reminder:
    overdue = due < today
    return Reminder(contact, why.kind, due, overdue, (today - due).days if overdue else 0, cadence_days,
                    ENGLISH.reason(why), why=why)


def order_key(reminder: Reminder, config: Config) -> tuple[Any, ...]:
    """behaviour §4.2: most overdue first (days ÷ cadence days), then due day, tier order, name, kind.
    Plain data (the day as its ordinal), as dashboard/results.py keeps it."""
    if reminder.overdue:
        per = reminder.cadence_days if reminder.kind in ("cadence", "never") and reminder.cadence_days else 1
        rank: tuple[Any, ...] = (0, -reminder.days_overdue / per)  # equal ratios divide to equal floats
    else:
        rank = (1, 0.0)
    contact = reminder.contact
    return (*rank, reminder.due.toordinal(), config.tier_index(contact.tier), contact.name.casefold(),
            KIND_ORDER[reminder.kind], contact.path, reminder.reason)
