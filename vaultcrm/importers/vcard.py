"""vCard files (RFC 2426 v3.0, RFC 6350 v4.0; v2.1 as phones export it), read by hand.

A file holds one or more `BEGIN:VCARD` … `END:VCARD` cards. Lines are unfolded (a line break
followed by a space or tab continues the line), property names and parameters are
case-insensitive, an optional `group.` prefix is ignored (`item1.EMAIL`), parameter values may be
quoted. Read: FN, N, EMAIL, TEL, ORG (first component), TITLE, BDAY, NOTE, URL and
X-SOCIALPROFILE (LinkedIn). Everything else (PHOTO, ADR, X-…) is skipped, whatever its size.
"""
from __future__ import annotations

import quopri
from dataclasses import dataclass, field

from vaultcrm.errors import UsageError
from vaultcrm.importers import (
    Person,
    is_linkedin_url,
    join_name,
    parse_birthday,
    unique,
    where,
)

HINT = "export the contacts again as a vCard (.vcf) file"


@dataclass
class Line:
    number: int  # 1-based physical line where the logical line starts
    name: str  # upper case, group removed
    params: dict[str, list[str]]  # upper-case keys; values as written (unquoted)
    value: str  # raw, still escaped


@dataclass
class _Card:
    start: int
    lines: list[Line] = field(default_factory=list)


def unfold(text: str) -> list[tuple[int, str]]:
    """Logical lines with the number of the physical line each starts on. vCard 2.1
    quoted-printable values continue after a line ending in `=` (soft line break)."""
    physical = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    out: list[tuple[int, str]] = []
    qp_open = False
    for number, raw in enumerate(physical, start=1):
        if out and (raw[:1] in (" ", "\t")) and not qp_open:
            out[-1] = (out[-1][0], out[-1][1] + raw[1:])
        elif out and qp_open:
            out[-1] = (out[-1][0], out[-1][1][:-1] + raw)  # drop the soft break's `=`
        else:
            out.append((number, raw))
        last = out[-1][1] if out else ""
        qp_open = bool(last.endswith("=") and "QUOTED-PRINTABLE" in last.split(":", 1)[0].upper())
    return out


def _split_unquoted(text: str, sep: str) -> list[str]:
    parts: list[str] = []
    buf: list[str] = []
    quoted = False
    for ch in text:
        if ch == '"':
            quoted = not quoted
        elif ch == sep and not quoted:
            parts.append("".join(buf))
            buf = []
            continue
        buf.append(ch)
    parts.append("".join(buf))
    return parts


def parse_line(number: int, text: str, source: str) -> Line:
    """`item1.EMAIL;TYPE=INTERNET,pref;CHARSET=UTF-8:jane@example.org` -> Line."""
    quoted = False
    for i, ch in enumerate(text):
        if ch == '"':
            quoted = not quoted
        elif ch == ":" and not quoted:
            head, value = text[:i], text[i + 1:]
            break
    else:
        raise UsageError(f"{where(source, number)}: not a vCard line (expected NAME:value): "
                         f"{text[:40]!r}", hint=HINT)
    name, *raw_params = _split_unquoted(head, ";")
    name = name.rsplit(".", 1)[-1].strip().upper()
    params: dict[str, list[str]] = {}
    for raw in raw_params:
        key, sep, val = raw.partition("=")
        if not sep:  # vCard 2.1 bare parameters: `TEL;CELL;PREF:` means TYPE=CELL,PREF
            key, val = "TYPE", raw
        values = [v.strip().strip('"') for v in _split_unquoted(val, ",")]
        params.setdefault(key.strip().upper(), []).extend(values)
    return Line(number, name, params, value)


def unescape(text: str) -> str:
    r"""vCard text: `\n` or `\N` newline, `\,` `\;` `\:` `\\` the character itself."""
    out, i = [], 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            out.append("\n" if nxt in "nN" else nxt)
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def components(text: str) -> list[str]:
    r"""A structured value (N, ORG) split on unescaped `;`, each component unescaped."""
    parts, buf, i = [], [], 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            buf.append(text[i:i + 2])
            i += 2
            continue
        if ch == ";":
            parts.append("".join(buf))
            buf = []
        else:
            buf.append(ch)
        i += 1
    parts.append("".join(buf))
    return [unescape(p).strip() for p in parts]


def _value(line: Line) -> str:
    """The value decoded from quoted-printable when the line says so (vCard 2.1)."""
    value = line.value
    if "QUOTED-PRINTABLE" in (v.upper() for v in line.params.get("ENCODING", [])):
        charset = (line.params.get("CHARSET") or ["utf-8"])[0]
        raw = quopri.decodestring(value.encode("ascii", "replace"))
        try:
            value = raw.decode(charset)
        except (LookupError, UnicodeDecodeError):
            value = raw.decode("utf-8", "replace")
    return value


def parse(text: str, source: str = "contacts.vcf") -> list[Person]:
    cards: list[_Card] = []
    card: _Card | None = None
    binary = False  # inside a vCard 2.1 base64 value, which may continue on unindented lines
    for number, raw in unfold(text):
        try:
            raw = raw.encode("utf-8", "surrogateescape").decode("utf-8")
        except UnicodeDecodeError:
            raise UsageError(f"{where(source, number)}: not UTF-8 text",
                             hint="export the contacts again as UTF-8 vCard") from None
        if not raw.strip():
            binary = False
            continue
        if binary and ":" not in raw:
            continue
        if card is None:
            if raw.strip().upper() != "BEGIN:VCARD":
                raise UsageError(f"{where(source, number)}: text outside BEGIN:VCARD … END:VCARD"
                                 if cards else
                                 f"{source} is not a vCard file: line {number} should be BEGIN:VCARD",
                                 hint=HINT)
            card = _Card(number)
            continue
        line = parse_line(number, raw, source)
        encoding = {v.upper() for v in line.params.get("ENCODING", [])}
        binary = bool(encoding & {"BASE64", "B"})
        if line.name == "BEGIN" and line.value.strip().upper() == "VCARD":
            raise UsageError(f"{where(source, card.start)}: this card has no END:VCARD "
                             f"before the next BEGIN:VCARD (line {number})", hint=HINT)
        if line.name == "END" and line.value.strip().upper() == "VCARD":
            cards.append(card)
            card = None
        else:
            card.lines.append(line)
    if card is not None:
        raise UsageError(f"{where(source, card.start)}: this card has no END:VCARD", hint=HINT)
    if not cards:
        raise UsageError(f"{source} is not a vCard file: no BEGIN:VCARD found", hint=HINT)
    return [p for c in cards if (p := _person(c, source)) is not None]


def _person(card: _Card, source: str) -> Person | None:
    fn = first = last = middle = company = role = notes = linkedin = ""
    emails: list[str] = []
    phones: list[str] = []
    birthday = None
    for line in card.lines:
        value = _value(line)
        if line.name == "FN" and not fn:
            fn = unescape(value).strip()
        elif line.name == "N" and not (first or last):
            parts = components(value) + [""] * 5
            last, first, middle = parts[0], parts[1], parts[2]
        elif line.name == "EMAIL":
            emails.append(_strip_scheme(unescape(value), "mailto:"))
        elif line.name == "TEL":
            phones.append(_strip_scheme(unescape(value), "tel:"))
        elif line.name == "ORG" and not company:
            company = components(value)[0]
        elif line.name == "TITLE" and not role:
            role = unescape(value).strip()
        elif line.name == "NOTE":
            note = unescape(value).strip()
            notes = f"{notes}\n{note}" if notes and note else notes or note
        elif line.name in ("URL", "X-SOCIALPROFILE") and not linkedin:
            url = unescape(value).strip()
            kinds = {t.lower() for t in line.params.get("TYPE", [])}
            if is_linkedin_url(url) or (line.name == "X-SOCIALPROFILE" and "linkedin" in kinds):
                linkedin = url
        elif line.name == "BDAY" and birthday is None:
            birthday = _birthday(line, value, source)
    name = fn or join_name(first, middle, last) or company
    emails_t = unique(emails)
    if not name:
        name = emails_t[0] if emails_t else ""
    if not name:
        return None  # an empty card: nothing to call the note
    return Person(name=name, first=first, last=last, emails=emails_t, phones=unique(phones),
                  company=company, role=role, linkedin=linkedin, birthday=birthday, notes=notes,
                  line=card.start)


def _strip_scheme(value: str, scheme: str) -> str:
    value = value.strip()
    return value[len(scheme):] if value.lower().startswith(scheme) else value


def _birthday(line: Line, value: str, source: str) -> tuple[int, int, int | None] | None:
    """BDAY forms; vCard 4 `VALUE=text` ("circa 1800") and reduced dates (`1990`, `--12`) give no
    birthday. Apple writes yearless birthdays as 1604 with `X-APPLE-OMIT-YEAR=1604`."""
    if any(v.lower() == "text" for v in line.params.get("VALUE", [])):
        return None
    value = value.strip()
    if not value:
        return None
    bday = parse_birthday(value)
    if bday is None:
        reduced = (value.isdigit() and len(value) == 4) or (value.startswith("--") and len(value) == 4)
        if reduced or value.startswith("---"):
            return None
        raise UsageError(f"{where(source, line.number)}: BDAY is not a date: {value!r}",
                         hint="vCard birthdays look like 1990-12-04, 19901204 or --1204; "
                              "fix or remove that line")
    month, day, year = bday
    omit = line.params.get("X-APPLE-OMIT-YEAR", [])
    if year is not None and str(year) in omit:
        year = None
    return (month, day, year)
