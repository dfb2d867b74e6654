"""The reminders as an iCalendar feed: pure functions, reminders and contacts in, bytes out.

    items = calendar_items(reminders, contacts, today=..., horizon_end=..., vault_name="Vault",
                           lang=language("ru"))   # the vault's language; English by default
    data = ics_bytes(items, vault_name="Vault", today=...)

Calendar decisions (documented in the README):
- A reminder is an all-day event on its due day; an overdue one is placed on today and its summary
  says how overdue it is. Occasions (birthdays, other `occasions` fields) are yearly all-day events,
  whatever the horizon.
- A 29 February occasion recurs with `RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-1` from a leap-year
  start: the last day of February, i.e. 29 Feb in leap years and 28 Feb otherwise (behaviour §4.2).
- UIDs are a hash of (vault name, note path, kind, field or plan) + `@vaultcrm`, so a subscribed
  calendar moves an event when its due day changes instead of adding another. DTSTAMP is today at
  00:00 UTC, so the same vault on the same day gives the same bytes.
- Events are TRANSPARENT (they never block busy time) and carry the note's `obsidian://` link both
  as URL and at the end of the description.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from urllib.parse import quote

from vaultcrm import __version__
from vaultcrm.i18n import Language, language
from vaultcrm.model import Contact, Reminder

UID_DOMAIN = "vaultcrm"


def _summary_word(kind: str, lang: Language) -> str:
    if kind == "followup":
        return lang.pgettext("calendar", "Follow up")
    if kind == "planned":
        return lang.pgettext("calendar", "Planned")
    return lang.pgettext("calendar", "Touch base")


@dataclass(frozen=True, slots=True)
class CalendarItem:
    """One all-day VEVENT. `uid_source` identifies it across runs: nothing in it may depend on the
    day it is due or on the run."""

    uid_source: tuple[str, ...]
    day: date
    summary: str
    description: str
    url: str
    yearly: bool = False

    @property
    def uid(self) -> str:
        digest = hashlib.sha256("\x1f".join(self.uid_source).encode("utf-8")).hexdigest()
        return f"{digest[:32]}@{UID_DOMAIN}"


def obsidian_url(vault_name: str, path: str) -> str:
    """`obsidian://open?vault=My%20Vault&file=People%2FJane%20Doe` for the note at `path`."""
    if path.lower().endswith(".md"):
        path = path[:-3]
    return f"obsidian://open?vault={quote(vault_name, safe='')}&file={quote(path, safe='')}"


def one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _shorten(text: str, limit: int = 60) -> str:
    text = one_line(text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def calendar_items(reminders: Iterable[Reminder], contacts: Iterable[Contact], *, today: date,
                   horizon_end: date, vault_name: str, lang: Language | None = None) -> list[CalendarItem]:
    """Reminders due on or before `horizon_end` (except occasions) and every occasion of the
    active, non-skipped contacts as yearly events, in `lang` (English by default); in a
    deterministic order."""
    lang = lang or language()
    dated: list[CalendarItem] = []
    for r in reminders:
        if r.kind == "occasion" or r.due > horizon_end:
            continue
        c = r.contact
        name = one_line(c.name)
        summary = f"{_summary_word(r.kind, lang)}: {name}"
        if r.plan is not None and r.plan.text.strip():
            summary += f" — {_shorten(r.plan.text)}"
        day = r.due
        if r.overdue or r.due < today:
            days = r.days_overdue or (today - r.due).days
            summary += " " + lang.ngettext("(overdue {n} day)", "(overdue {n} days)", days).format(n=days)
            day = today
        lines = [lang.reason(r.why) if r.why is not None else r.reason]
        last = c.last_line
        if last is not None and last.text and r.kind != "planned":
            lines.append(lang.gettext("Last time ({date}): {text}").format(date=lang.full_date(last.day),
                                                                          text=_shorten(last.text, 200)))
        url = obsidian_url(vault_name, c.path)
        lines.append(url)
        plan_key = ""
        if r.plan is not None:
            plan_key = f"{r.plan.note}\x1e{one_line(r.plan.text)}"
        dated.append(CalendarItem((vault_name, c.path, r.kind, plan_key), day, summary,
                                  "\n".join(lines), url))
    dated.sort(key=lambda i: (i.day, i.summary.casefold(), i.uid))

    yearly: list[CalendarItem] = []
    for c in contacts:
        if not c.active or c.skipped:
            continue
        url = obsidian_url(vault_name, c.path)
        for fieldname, month, dom, year in c.occasions:
            label = lang.occasion(fieldname).strip()
            shown = lang.full_date(date(year, month, dom)) if year else f"{month:02d}-{dom:02d}"
            if (month, dom) == (2, 29):
                shown += " " + lang.gettext("(on 28 February in common years)")
            # The first instance: the real date when the year is known, else in 2000 (a leap year,
            # so that 29 February exists).
            start = date(year or 2000, month, dom)
            yearly.append(CalendarItem(
                (vault_name, c.path, "occasion", fieldname), start,
                f"{label[:1].upper()}{label[1:]}: {one_line(c.name)}",
                f"{label}: {shown}\n{url}", url,
                yearly=True))
    yearly.sort(key=lambda i: (i.day.month, i.day.day, i.summary.casefold(), i.uid))
    return _unique_uids(dated + yearly)


def _unique_uids(items: list[CalendarItem]) -> list[CalendarItem]:
    """Two items with one uid_source (the same open task written twice) get `#2`, `#3`…"""
    seen: dict[tuple[str, ...], int] = {}
    out = []
    for item in items:
        n = seen[item.uid_source] = seen.get(item.uid_source, 0) + 1
        if n > 1:
            item = CalendarItem((*item.uid_source, f"#{n}"), item.day, item.summary,
                                item.description, item.url, item.yearly)
        out.append(item)
    return out


def ics_bytes(items: Sequence[CalendarItem], *, vault_name: str, today: date) -> bytes:
    """An RFC 5545 VCALENDAR (CRLF lines folded at 75 octets, text escaped) built with icalendar."""
    from icalendar import Calendar, Event

    stamp = datetime(today.year, today.month, today.day, tzinfo=UTC)
    cal = Calendar()
    cal.add("prodid", f"-//vaultcrm//vaultcrm {__version__}//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"vaultcrm: {vault_name}")
    cal.add("x-published-ttl", "PT12H")
    for item in items:
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", item.day)
        if item.yearly:
            if (item.day.month, item.day.day) == (2, 29):
                event.add("rrule", {"freq": "yearly", "bymonth": 2, "bymonthday": -1})
            else:
                event.add("rrule", {"freq": "yearly"})
        event.add("dtend", item.day + timedelta(days=1))
        event.add("summary", item.summary)
        event.add("description", item.description)
        event.add("url", item.url)
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    data: bytes = cal.to_ical()
    return data
