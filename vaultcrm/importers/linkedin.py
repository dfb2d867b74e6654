"""LinkedIn's `Connections.csv` (Settings → Data privacy → Get a copy of your data → Connections).

The file opens with a preamble ("Notes:" and a quoted paragraph about missing email addresses,
then a blank line) before the header row
`First Name,Last Name,URL,Email Address,Company,Position,Connected On`; older exports have no
preamble. "Connected On" reads like `05 Nov 2024`. Email addresses are often empty (members choose
whether connections may see them).
"""
from __future__ import annotations

import csv
import io
import re
from datetime import date

from vaultcrm.errors import UsageError
from vaultcrm.importers import (
    Person,
    csv_rows,
    is_linkedin_url,
    join_name,
    month_number,
    unique,
    where,
)

HOW_MET = "LinkedIn"
HINT = ("export it from LinkedIn: Settings → Data privacy → Get a copy of your data → Connections; "
        "pass the Connections.csv inside the archive")


def _cells(line: str) -> list[str]:
    try:
        row = next(csv.reader([line]), [])
    except csv.Error:
        return []
    return [c.strip().lower() for c in row]


def parse(text: str, source: str = "Connections.csv") -> list[Person]:
    lines = io.StringIO(text, newline="").readlines()
    start = next((i for i, line in enumerate(lines)
                  if {"first name", "last name"} <= set(_cells(line))), None)
    if start is None:
        raise UsageError(f"{source} is not a LinkedIn export: no 'First Name' header found", hint=HINT)
    reader = csv.reader(lines[start:])
    header = [h.strip().lower() for h in next(reader)]
    col = {name: header.index(name) for name in reversed(header)}  # first occurrence wins

    people: list[Person] = []
    for line, row in csv_rows(reader, source, start, HINT):

        def get(name: str, row: list[str] = row) -> str:
            i = col.get(name)
            return row[i].strip() if i is not None and i < len(row) else ""
        first, last = get("first name"), get("last name")
        name = join_name(first, last)
        if not name:
            continue  # LinkedIn lists members who left with empty names; nothing to file them under
        url = get("url")
        connected = get("connected on")
        met = parse_connected_on(connected) if connected else None
        if connected and met is None:
            raise UsageError(f"{where(source, line)}: 'Connected On' is not a date: {connected!r}",
                             hint="LinkedIn writes it like 05 Nov 2024; fix or clear that cell")
        people.append(Person(
            name=name, first=first, last=last,
            emails=unique([get("email address")]),
            company=get("company"), role=get("position"),
            linkedin=url if url and is_linkedin_url(url) else "",
            met=met, how_met=HOW_MET, line=line,
        ))
    return people


_DMY = re.compile(r"(\d{1,2})[ -]([A-Za-z]{3,9})\.?[ -](\d{2}|\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_US = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})")


def parse_connected_on(text: str) -> date | None:
    """`05 Nov 2024` (current), `5-Nov-24`, `2024-11-05`, `11/5/24` (US, older exports) -> date."""
    text = text.strip()
    try:
        if m := _DMY.fullmatch(text):
            month = month_number(m[2])
            if month is None:
                return None
            return date(_year(m[3]), month, int(m[1]))
        if m := _ISO.fullmatch(text):
            return date(int(m[1]), int(m[2]), int(m[3]))
        if m := _US.fullmatch(text):
            return date(_year(m[3]), int(m[1]), int(m[2]))
    except ValueError:
        return None
    return None


def _year(text: str) -> int:
    return 2000 + int(text) if len(text) == 2 else int(text)
