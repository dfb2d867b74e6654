"""Reading other services' contact exports into plain `Person` records (the pure part).

    read_people("linkedin", "Connections.csv") -> [Person(...), ...]

Each format has its own module (`linkedin`, `vcard`, `google`) with a pure `parse(text, source)`.
This module holds what they share: the record, file decoding, date helpers, and `person_fields`,
the mapping of a record to the frontmatter fields of behaviour §2 that a contact note gets.
Nothing here touches the vault.
"""
from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from vaultcrm.errors import UsageError

KINDS = ("linkedin", "vcard", "google")


@dataclass(frozen=True, slots=True)
class Person:
    """One person as an export describes them; every field but `name` may be empty."""

    name: str
    first: str = ""
    last: str = ""
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    company: str = ""
    role: str = ""
    linkedin: str = ""
    birthday: tuple[int, int, int | None] | None = None  # (month, day, year or None)
    met: date | None = None
    how_met: str = ""
    notes: str = ""
    line: int = 0  # where the record starts in its file (1-based), for messages

    @property
    def birthday_text(self) -> str | None:
        """`YYYY-MM-DD`, or `MM-DD` when the year is unknown (behaviour §2 birthday values)."""
        if self.birthday is None:
            return None
        month, day, year = self.birthday
        return f"{year:04d}-{month:02d}-{day:02d}" if year else f"{month:02d}-{day:02d}"


def person_fields(p: Person) -> dict[str, str]:
    """The frontmatter a contact note gets from `p`: behaviour §2 canonical keys, in a fixed order.

    Empty values are left out. One value per key: the first email and phone go under `email` and
    `phone`, any further ones comma-separated under `other_emails` and `other_phones`. The name is
    not here (it is the note's file name) and neither are the notes (they belong in the body).
    """
    out: dict[str, str] = {}

    def put(key: str, value: str | None) -> None:
        if value:
            out[key] = value

    put("met", p.met.isoformat() if p.met else None)
    put("how_met", p.how_met)
    put("company", p.company)
    put("role", p.role)
    put("linkedin", p.linkedin)
    put("email", p.emails[0] if p.emails else None)
    put("other_emails", ", ".join(p.emails[1:]))
    put("phone", p.phones[0] if p.phones else None)
    put("other_phones", ", ".join(p.phones[1:]))
    put("birthday", p.birthday_text)
    return out


def read_people(kind: str, path: str | Path) -> list[Person]:
    """Parse the export at `path` as `kind` ("linkedin", "vcard" or "google").

    Raises UsageError (exit 2) naming the file, and the line where known, when the file cannot be
    read or is not in that format.
    """
    from vaultcrm.importers import (  # the parsers import this module for Person
        google,
        linkedin,
        vcard,
    )

    parsers = {"linkedin": linkedin.parse, "vcard": vcard.parse, "google": google.parse}
    if kind not in parsers:
        raise UsageError(f"unknown import format {kind!r}", hint=f"use one of: {', '.join(KINDS)}")
    source = str(path)
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise UsageError(f"{source}: no such file") from None
    except IsADirectoryError:
        raise UsageError(f"{source} is a folder, not an export file") from None
    except OSError as exc:
        raise UsageError(f"{source} cannot be read: {exc.strerror or exc}") from None
    # vCard folding may split a UTF-8 sequence across lines (RFC 6350 §3.2): the vCard parser
    # gets undecodable bytes as surrogates and checks each line once it is unfolded.
    return parsers[kind](decode(data, source, lenient=kind == "vcard"), source)


def decode(data: bytes, source: str, *, lenient: bool = False) -> str:
    """Export bytes -> text: UTF-8 with or without a BOM, or UTF-16 with a BOM (older Google
    exports). Line endings are left as they are; the parsers accept LF, CRLF and CR.
    `lenient` keeps undecodable bytes as surrogates (`surrogateescape`) for the caller to check."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise UsageError(f"{source} is not valid UTF-16 text") from None
    if lenient:
        return data.decode("utf-8-sig", "surrogateescape")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise UsageError(f"{source} line {line}: not UTF-8 text",
                         hint="export the file again as UTF-8, or re-save it as UTF-8") from None


def csv_rows(reader: Any, source: str, first_line: int, hint: str) -> Iterator[tuple[int, list[str]]]:
    """The non-blank rows of a `csv.reader`, each with the file line it starts on (`first_line` is the
    line before the reader's first); a malformed file is a UsageError naming that line."""
    while True:
        line = first_line + reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise UsageError(f"{where(source, line)}: {exc}", hint=hint) from None
        if any(cell.strip() for cell in row):
            yield line, row


def where(source: str, line: int | None) -> str:
    return f"{source} line {line}" if line else source


# --- values shared by the formats -----------------------------------------------------------------

_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}
_MONTHS.update({"sept": 9, "june": 6, "july": 7})
_FULL_MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august",
                "september", "october", "november", "december"]
_MONTHS.update({m: i for i, m in enumerate(_FULL_MONTHS, start=1)})


def month_number(word: str) -> int | None:
    """English month names and abbreviations, whatever the locale (`Nov`, `Sept`, `November`)."""
    return _MONTHS.get(word.strip().rstrip(".").lower())


_BDAY_FORMS = (
    re.compile(r"(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})"),      # 1990-12-04
    re.compile(r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})"),        # 19901204
    re.compile(r"--(?P<m>\d{2})-?(?P<d>\d{2})"),                # --1204, --12-04
    re.compile(r"(?P<m>\d{2})-(?P<d>\d{2})"),                   # 12-04 (MM-DD, behaviour §2)
)


def parse_birthday(text: str) -> tuple[int, int, int | None] | None:
    """`1990-12-04`, `19901204`, `--1204`, `--12-04` (a time part after `T` is ignored) ->
    (month, day, year or None). Year 0000 means "unknown" (some phones write it). A 29 February
    without a year is valid. Returns None when `text` is not one of these forms or not a real day."""
    text = text.strip().split("T", 1)[0]
    for form in _BDAY_FORMS:
        m = form.fullmatch(text)
        if m:
            break
    else:
        return None
    month, day = int(m["m"]), int(m["d"])
    year = int(m["y"]) if m.groupdict().get("y") else None
    if year == 0:
        year = None
    try:
        date(year or 2000, month, day)  # 2000 is a leap year: 29 Feb without a year is fine
    except ValueError:
        return None
    return (month, day, year)


def join_name(*parts: str) -> str:
    return " ".join(p.strip() for p in parts if p and p.strip())


def unique(values: list[str]) -> tuple[str, ...]:
    """Non-empty values, stripped, first occurrence kept (emails compared case-insensitively)."""
    seen: set[str] = set()
    out: list[str] = []
    for v in values:
        v = v.strip()
        if v and v.casefold() not in seen:
            seen.add(v.casefold())
            out.append(v)
    return tuple(out)


def is_linkedin_url(url: str) -> bool:
    return re.search(r"(^|[/.])linkedin\.com(/|$)", url.strip(), re.IGNORECASE) is not None


__all__ = ["KINDS", "Person", "decode", "parse_birthday", "person_fields", "read_people"]
