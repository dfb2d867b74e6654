"""Google Contacts CSV (contacts.google.com → Export → Google CSV).

Two layouts are read, told apart by their headers:
- current: `First Name,Middle Name,Last Name,…,Organization Name,Organization Title,…,Birthday,
  Notes,…,E-mail 1 - Label,E-mail 1 - Value,…,Phone 1 - Value,…,Website 1 - Value`;
- older: `Name,Given Name,Additional Name,Family Name,…,Birthday,…,Notes,…,E-mail 1 - Value,…,
  Organization 1 - Name,Organization 1 - Title,…` (exported as UTF-16 by some versions).
A cell may hold several values separated by ` ::: `. Birthdays read `1990-12-04` or `--12-04`.
"""
from __future__ import annotations

import csv
import io
import re

from vaultcrm.errors import UsageError
from vaultcrm.importers import (
    Person,
    csv_rows,
    is_linkedin_url,
    join_name,
    parse_birthday,
    unique,
    where,
)

HINT = "export it from contacts.google.com: Export → Google CSV"
_NUMBERED = re.compile(r"(e-mail|phone|website) (\d+) - value")


def _split(cell: str) -> list[str]:
    return [v.strip() for v in cell.split(":::")] if cell else []


def parse(text: str, source: str = "contacts.csv") -> list[Person]:
    reader = csv.reader(io.StringIO(text, newline=""))
    header_line = 0
    header: list[str] = []
    for row in reader:
        if any(c.strip() for c in row):
            header = [c.strip().lower() for c in row]
            header_line = reader.line_num
            break
    current = {"first name", "last name"} <= set(header)
    older = "name" in header or "given name" in header
    if not (current or older):
        raise UsageError(f"{source} is not a Google Contacts export: no 'First Name' or 'Name' "
                         f"header found on line {header_line or 1}", hint=HINT)
    col = {name: header.index(name) for name in reversed(header)}
    numbered: dict[str, list[int]] = {"e-mail": [], "phone": [], "website": []}
    for i, name in sorted(enumerate(header), key=lambda item: (_number(item[1]), item[0])):
        if m := _NUMBERED.fullmatch(name):
            numbered[m[1]].append(i)

    people: list[Person] = []
    for line, row in csv_rows(reader, source, 0, HINT):

        def get(*names: str, row: list[str] = row) -> str:
            for name in names:
                i = col.get(name)
                if i is not None and i < len(row) and row[i].strip():
                    return row[i].strip()
            return ""

        def values(kind: str, row: list[str] = row) -> list[str]:
            return [v for i in numbered[kind] if i < len(row) for v in _split(row[i])]

        first = get("first name", "given name")
        middle = get("middle name", "additional name")
        last = get("last name", "family name")
        company = _split(get("organization name", "organization 1 - name"))
        role = _split(get("organization title", "organization 1 - title"))
        emails = unique(values("e-mail"))
        name = (get("name") or join_name(first, middle, last, get("name suffix"))
                or get("nickname", "file as") or (company[0] if company else "")
                or (emails[0] if emails else ""))
        if not name:
            continue
        bday_text = get("birthday")
        birthday = parse_birthday(bday_text) if bday_text else None
        if bday_text and birthday is None:
            raise UsageError(f"{where(source, line)}: Birthday is not a date: {bday_text!r}",
                             hint="Google writes it like 1990-12-04, or --12-04 without a year; "
                                  "fix or clear that cell")
        linkedin = next((u for u in values("website") if is_linkedin_url(u)), "")
        people.append(Person(
            name=name, first=first, last=last, emails=emails, phones=unique(values("phone")),
            company=company[0] if company else "", role=role[0] if role else "",
            linkedin=linkedin, birthday=birthday, line=line,
            notes=get("notes").replace("\r\n", "\n").replace("\r", "\n"),
        ))
    return people


def _number(name: str) -> int:
    m = _NUMBERED.fullmatch(name)
    return int(m[2]) if m else 0
