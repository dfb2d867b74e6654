"""The dashboard's own record of its ticked boxes (behaviour §6.3): one tick, one touch.

A tick is known by the dashboard it was made in and its line: `tick_id(body_hash, text)`, the same on
every device that reads that dashboard. The record is kept in the dashboard's closing comment, beside
the contact count and the body hash (`· ticks: 0123456789abcdef@2026-11-22 fedcba9876543210 ·`), out
of the reader's way and outside the body (so the body hash never covers it). Each entry is

- `<id>@<day>`: this tick is being recorded on that day. A run that stops halfway is finished by the
  next one, on any device and any later day, with that same day: recording a tick twice on one day
  changes nothing, so nothing is recorded twice;
- `<id>`: this tick is recorded (it is still ticked in a sync-conflict copy of the dashboard), or the
  template itself wrote the box ticked: it is never recorded (again).

The record lives in the vault, in vaultcrm's own file, because the day must be the same wherever the
tick is finished: a per-device record cannot tell a UTC server what a UTC−8 laptop recorded.
(Dashboards written before the closing comment kept the record in a `ticks` property: `read` reads it.)
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from vaultcrm.digests import blake2b

PROPERTY = "ticks"  # where dashboards written before the closing comment kept the record
# A ticked task box, in a folded callout (`> - [x] …`) too, and the text after it.
TICKED = re.compile(r"^(?:[ \t]*>)*[ \t]*[-*+] \[[^ \]]\][ \t]*(.*)$")
_ANY_TICKED = re.compile(r"^(?:[ \t]*>)*[ \t]*[-*+] \[[^ \]]\]", re.MULTILINE)
# The record's entries as the closing comment holds them.
_ENTRY = re.compile(r"([0-9a-f]{16})(?:@(\d{4}-\d{2}-\d{2}))?")
STAMP_ENTRIES = r"[0-9a-f]{16}(?:@\d{4}-\d{2}-\d{2})?(?: [0-9a-f]{16}(?:@\d{4}-\d{2}-\d{2})?)*"

Ledger = dict[str, date | None]  # tick id -> the day it is being recorded on; None: recorded, or never to be


def tick_id(body_hash: str, text: str) -> str:
    """The identity of the tick on the line whose text (after the box) is `text`, in the dashboard
    whose body hash is `body_hash`."""
    return blake2b(f"{body_hash}\n{text.strip()}".encode(), digest_size=8).hexdigest()


def ticked_lines(body: str) -> list[str]:
    """The text after each ticked box of a dashboard's body, in order."""
    if _ANY_TICKED.search(body) is None:  # (most bodies: one pass, no list of lines)
        return []
    return [m[1] for m in map(TICKED.match, body.replace("\r\n", "\n").split("\n")) if m]


def read(value: Any) -> Ledger:
    """The `ticks` property's value (a list of `"<id> <day>"` and `"<id>"`) as a ledger; what does not
    read as one is no record."""
    return _entries(str(item).split() for item in (value if isinstance(value, list) else ()))


def read_stamp(text: str | None) -> Ledger:
    """The record as the closing comment holds it (`STAMP_ENTRIES`); what does not read as one is no record."""
    pairs = []
    for item in (text or "").split():
        match = _ENTRY.fullmatch(item)
        pairs.append([match[1], match[2]] if match and match[2] else [match[1]] if match else [])
    return _entries(pairs)


def _entries(items: Iterable[list[str]]) -> Ledger:
    ledger: Ledger = {}
    for parts in items:
        if len(parts) not in (1, 2):
            continue
        try:
            day = date.fromisoformat(parts[1]) if len(parts) == 2 else None
        except ValueError:
            continue
        ledger[parts[0]] = merged(ledger[parts[0]], day) if parts[0] in ledger else day
    return ledger


def merged(a: date | None, b: date | None) -> date | None:
    """One entry from two records of the same tick: recorded beats being recorded; the earlier day wins."""
    return None if a is None or b is None else min(a, b)


def union(ledgers: Iterable[Mapping[str, date | None]]) -> Ledger:
    out: Ledger = {}
    for ledger in ledgers:
        for key, day in ledger.items():
            out[key] = merged(out[key], day) if key in out else day
    return out


def stamp_part(ledger: Mapping[str, date | None] | None) -> str:
    """` · ticks: …` for the closing comment, in a stable order; "" for an empty ledger."""
    if not ledger:
        return ""
    items = [key if day is None else f"{key}@{day.isoformat()}" for key, day in sorted(ledger.items())]
    return " · ticks: " + " ".join(items)
