"""A person's whole story for `vaultcrm show` (behaviour §12.2): the properties as written, every
touch with its note and line (newest first), plans, reminders, gives and asks, signals, and the
introductions that led to them and that they made. Plain data, with `as_dict` for `--json`.

The only reading it does is the contact's note again, to show the keys of its properties and inline
fields as the user spelled them (a contact keeps them normalised).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from vaultcrm.crm.analysis import Analysis
from vaultcrm.crm.names import resolve_contact
from vaultcrm.crm.network import Network, PersonRef
from vaultcrm.crm.rules import contact_reminders, order_key
from vaultcrm.i18n import language
from vaultcrm.model import Contact, Touch
from vaultcrm.vault.dates import link_target
from vaultcrm.vault.inline import properties
from vaultcrm.vault.notes import parse


@dataclass(frozen=True)
class Story:
    """Everything vaultcrm knows about one contact on a day."""

    contact: Contact
    properties: tuple[tuple[str, Any], ...]  # as written, values made plain (dates as YYYY-MM-DD)
    stage: str | None
    companies: tuple[str, ...]
    former_companies: tuple[str, ...]
    role: str | None
    touches: tuple[Touch, ...]  # newest first
    reminders: tuple[tuple[str, dt.date, bool, str], ...]  # (kind, due, overdue, reason), every one ahead too
    signals: tuple[str, ...]  # "ready to ask", "going cold", "give first"
    introduced_by: tuple[PersonRef, ...]  # the chain, nearest first
    introduced: tuple[PersonRef, ...]

    @property
    def cadence(self) -> str | None:
        """`tier A, every 14 days`, `rule 'recruiters', every 2 months`, or None when untracked."""
        c = self.contact
        if c.cadence is None:
            return None
        return ", ".join(filter(None, (c.cadence_from, language().every(c.cadence))))

    def as_dict(self) -> dict[str, Any]:
        c = self.contact
        last = c.last_touch
        return {
            "name": c.name, "note": c.path, "active": c.active, "tier": c.tier or c.own_tier, "cadence": self.cadence,
            "snooze_until": c.snooze_until.isoformat() if c.snooze_until else None,
            "stage": self.stage, "company": list(self.companies), "former_companies": list(self.former_companies),
            "role": self.role, "how_met": c.how_met, "channel": c.channel, "tags": list(c.tags),
            "properties": dict(self.properties),
            "touch_count": c.touch_count, "last_touch": last.day.isoformat() if last else None,
            "evidence": last.evidence if last else None, "gives": c.gives, "asks": c.asks,
            "touches": [{"day": t.day.isoformat(), "note": t.evidence, "line": t.line, "source": t.source,
                         "text": t.text, "give": t.give, "ask": t.ask, "tags": list(t.tags)} for t in self.touches],
            "plans": [{"day": p.day.isoformat(), "note": p.note, "line": p.line, "text": p.text} for p in c.plans],
            "reminders": [{"kind": kind, "due": due.isoformat(), "overdue": overdue, "reason": reason}
                          for kind, due, overdue, reason in self.reminders],
            "signals": list(self.signals),
            "introduced_by": [r.as_dict() for r in self.introduced_by],
            "introduced": [r.as_dict() for r in self.introduced],
        }


def story(analysis: Analysis, query: str) -> Story:
    """The story of the one contact `query` names, found as `vaultcrm touch` finds it
    (`ContactLookupError`, exit 6, when it names none or several)."""
    contact = resolve_contact(query, analysis.index.contacts)
    network = Network(analysis.index.contacts, analysis.config, analysis.today)
    prof = network.profiles[contact.path]
    reminders = []
    if contact.active and not contact.skipped:
        found = sorted(contact_reminders(contact, analysis.config, analysis.today),
                       key=lambda r: order_key(r, analysis.config))
        reminders = [(r.kind, r.due, r.overdue, r.reason) for r in found]
    newest = sorted(contact.touches, key=lambda t: (-t.day.toordinal(), t.evidence, t.line or 0, t.source))
    return Story(
        contact, _properties(analysis, contact), prof.stage_name or prof.stage,
        tuple(n.name for n in prof.companies), tuple(n.name for n in prof.former_companies), prof.role,
        tuple(newest), tuple(reminders), _flags(contact, analysis),
        network.chain(contact.path),
        tuple(PersonRef(network.contacts[p].name, p) for p in network.introduced.get(contact.path, ())))


def _flags(contact: Contact, analysis: Analysis) -> tuple[str, ...]:
    """The signals that name the contact (behaviour §4.4)."""
    signals = analysis.outcome.signals
    groups = (("ready to ask", signals.ready_to_ask), ("going cold", signals.going_cold),
              ("give first", signals.give_first), ("trust going quiet", signals.trust_fading),
              ("stuck at acquaintance", signals.stuck))
    return tuple(label for label, group in groups if any(c.path == contact.path for c in group))


def _properties(analysis: Analysis, contact: Contact) -> tuple[tuple[str, Any], ...]:
    """The note's properties, then its inline fields (behaviour §2), with their keys as written; a key
    written both ways shows the property's value. The contact's own, normalised, if the note cannot be
    read again."""
    try:
        data = (analysis.vault / contact.path).read_bytes()
        data.decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return tuple((k, plain(v)) for k, v in contact.fm.items())
    note = parse(contact.path, data)
    found: dict[str, Any] = {}
    for key, value, _ in properties(note):
        found.setdefault(key, plain(value))
    return tuple(found.items())


def plain(value: Any) -> Any:
    """A property value as JSON holds it: dates as `YYYY-MM-DD`, an unquoted `[[link]]` (which YAML
    reads as nested lists) as the link's text, lists item by item."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    target = link_target(value) if isinstance(value, list) else None
    if target is not None:
        return f"[[{value[0][0]}]]"
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    return value
