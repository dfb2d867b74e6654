"""The reminders as an iCalendar feed: pure functions, reminders and contacts in, bytes out.

    items = calendar_items(reminders, contacts, today=..., horizon_end=..., vault_name="Vault",
                           lang=language("ru"))   # the vault's language; English by default
    data = ics_bytes(items, vault_name="Vault", today=...)

Calendar decisions (documented in the README):
- A reminder due from today on is an all-day event on its due day. What is overdue is one event on
  today, a digest: one line per person, most days late first. Occasions (birthdays, other
  `occasions` fields) are yearly all-day events, whatever the horizon.
- Titles and descriptions are plain text, as a calendar shows it: links by their text, no task
  emoji, no tags, no Markdown.
- A 29 February occasion recurs with `RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-1` from a leap-year
  start: the last day of February, i.e. 29 Feb in leap years and 28 Feb otherwise (behaviour §4.2).
- UIDs are a hash of (vault name, note path, kind, field or plan) + `@vaultcrm` (the digest's: the
  vault name and `overdue`), so a subscribed calendar moves an event when its due day changes
  instead of adding another. DTSTAMP is today at 00:00 UTC, so the same vault on the same day gives
  the same bytes.
- Events are TRANSPARENT (they never block busy time) and carry the note's `obsidian://` link (the
  digest: the dashboard's) both as URL and at the end of the description.
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
from vaultcrm.vault.text import plain_text, without_date

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


_TAG = re.compile(r"(?<![^\s(])#[^\s#,;:!?()]*[^\s#,;:!?()\d][^\s#,;:!?()]*")
_TASK_EMOJI = re.compile("[\U0001F4C5\U0001F5D3\u23F3\U0001F6EB\u2705\u2795\u274C\U0001F501\u23EB"
                         "\U0001F53C\U0001F53D\u23EC\U0001F53A\U0001F194\u26D4\U0001F3C1]\uFE0F?")


def one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def calendar_text(text: str, *, dated: bool = False) -> str:
    """A note's text as a calendar shows it: as it reads in the note (links by their text, no
    Markdown; `dated`: without a dated line's date), without tags or task emoji, on one line."""
    read = without_date(text) if dated else plain_text(text)
    return one_line(_TASK_EMOJI.sub("", _TAG.sub("", read)))


def _shorten(text: str, limit: int = 60) -> str:
    text = one_line(text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def calendar_items(reminders: Iterable[Reminder], contacts: Iterable[Contact], *, today: date,
                   horizon_end: date, vault_name: str, dashboard: str = "",
                   lang: Language | None = None) -> list[CalendarItem]:
    """Reminders due from today to `horizon_end` (except occasions), the overdue ones as one digest
    on today (linking `dashboard`), and every occasion of the active, non-skipped contacts as yearly
    events, in `lang` (English by default); in a deterministic order."""
    lang = lang or language()
    dated: list[CalendarItem] = []
    overdue: list[Reminder] = []
    for r in reminders:
        if r.kind == "occasion" or r.due > horizon_end:
            continue
        if r.due < today:
            overdue.append(r)
            continue
        c = r.contact
        summary = f"{_summary_word(r.kind, lang)}: {one_line(c.name)}"
        if r.plan is not None and calendar_text(r.plan.text):
            summary += f" — {_shorten(calendar_text(r.plan.text))}"
        lines = [_why(r, lang)]
        last = c.last_line
        if last is not None and last.text and r.kind != "planned":
            lines.append(lang.gettext("Last time ({date}): {text}").format(
                date=lang.full_date(last.day), text=_shorten(calendar_text(last.text, dated=True), 200)))
        url = obsidian_url(vault_name, c.path)
        lines.append(url)
        plan_key = ""
        if r.plan is not None:
            plan_key = f"{r.plan.note}\x1e{one_line(r.plan.text)}"
        dated.append(CalendarItem((vault_name, c.path, r.kind, plan_key), r.due, summary,
                                  "\n".join(lines), url))
    if overdue:
        dated.append(_digest(overdue, today, vault_name, dashboard, lang))
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


DIGEST_NAMES = 3  # people named in the digest's title


def _why(reminder: Reminder, lang: Language) -> str:
    """A reminder's reason in `lang`, as plain text."""
    return calendar_text(lang.reason(reminder.why) if reminder.why is not None else reminder.reason)


def _digest(overdue: list[Reminder], today: date, vault_name: str, dashboard: str, lang: Language) -> CalendarItem:
    """What is overdue, as one event on today: a line per person, most days late first."""
    people: dict[str, list[Reminder]] = {}
    for r in overdue:
        people.setdefault(r.contact.path, []).append(r)
    order = sorted(people.values(), key=lambda own: (-max(r.days_overdue for r in own),
                                                     own[0].contact.name.casefold(), own[0].contact.path))
    names = [one_line(own[0].contact.name) for own in order]
    more = len(names) - DIGEST_NAMES
    shown = ", ".join(names[:DIGEST_NAMES])
    if more > 0:
        shown = lang.ngettext("{names} and {n} more", "{names} and {n} more", more).format(names=shown, n=more)
    summary = lang.pgettext("calendar", "Overdue: {names}").format(names=shown)
    lines = []
    for own in order:
        days = max(r.days_overdue for r in own)
        lines.append(lang.pgettext("calendar", "{name} — {late}: {why}").format(
            name=one_line(own[0].contact.name), late=lang.days_late(days),
            why="; ".join(_why(r, lang) for r in own)))
    url = obsidian_url(vault_name, dashboard) if dashboard else ""
    return CalendarItem((vault_name, "overdue"), today, summary, "\n".join([*lines, url] if url else lines), url)


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
        if item.url:
            event.add("url", item.url)
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    data: bytes = cal.to_ical()
    return data
