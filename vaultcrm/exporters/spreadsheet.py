"""The networking spreadsheet: one CSV row per contact (pure: contacts and reminders in, text out).

    text = csv_text(csv_rows(contacts, reminders))
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date

from vaultcrm.exporters.calendar import one_line
from vaultcrm.model import Contact, Reminder
from vaultcrm.vault.text import plain_text

CSV_COLUMNS = ("Name", "Company", "How met", "Last touch", "Tier", "Next due", "Touches", "Notes")


def _plain(value: object) -> str:
    """Text for a spreadsheet cell: `[[People/Jane|Jane]]` -> `Jane`, lists joined by `, `."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(t for t in (_plain(v) for v in value) if t)
    return one_line(plain_text(str(value)))


def csv_rows(contacts: Iterable[Contact], reminders: Iterable[Reminder]) -> list[tuple[str, ...]]:
    """One row per contact, by name (case-folded) then path. "Next due" is the earliest
    follow-up, cadence, never or planned reminder among `reminders` (pass reminders computed over
    a long horizon to fill it for everyone); occasions do not count. "Notes" is the text of the
    contact's latest dated line."""
    next_due: dict[str, date] = {}
    for r in reminders:
        if r.kind == "occasion":
            continue
        path = r.contact.path
        if path not in next_due or r.due < next_due[path]:
            next_due[path] = r.due
    rows: list[tuple[str, ...]] = []
    for c in sorted(contacts, key=lambda c: (c.name.casefold(), c.path)):
        last = c.last_touch
        line = c.last_line
        due = next_due.get(c.path)
        rows.append((
            one_line(c.name), _plain(c.company), _plain(c.how_met),
            last.day.isoformat() if last else "", c.tier or c.own_tier or "",
            due.isoformat() if due else "", str(c.touch_count),
            _plain(line.text) if line and line.text else "",
        ))
    return rows


def _cell(text: str) -> str:
    """Keep spreadsheet programs from running a cell as a formula (text from imported names)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_text(rows: Iterable[Sequence[str]]) -> str:
    """RFC 4180 CSV (CRLF line ends, quoting only where needed) with the header row first."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow([_cell(str(v)) for v in row])
    return out.getvalue()
