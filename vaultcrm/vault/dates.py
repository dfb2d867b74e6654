"""Dates as users write them: property values, the dates that open dated lines, and Moment.js
daily-note formats (behaviour §2, §3)."""
from __future__ import annotations

import calendar
import re
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from vaultcrm.durations import check_day, shown
from vaultcrm.vault.months import MONTHS, WEEKDAYS, alternation, month_number, near_month

_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:(?:T|[ ])\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?")
_LINK = re.compile(r"\[\[([^\]|#^]*)(?:[#^|][^\]]*)?\]\]")
_MONTH_DAY = re.compile(r"(?:--)?(\d{1,2})-(\d{1,2})")


def parse_iso(text: str) -> date | None:
    """`YYYY-MM-DD`, `YYYY-MM-DDTHH:MM[:SS]` or `YYYY-MM-DD HH:MM` -> its date (as written); else None."""
    match = _ISO.fullmatch(text.strip())
    if not match:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def link_target(value: Any) -> str | None:
    """The target of a value that is wholly one `[[...]]` link, or the nested list YAML makes of it."""
    if isinstance(value, list) and len(value) == 1 and isinstance(value[0], list) and len(value[0]) == 1:
        inner = value[0][0]
        return None if isinstance(inner, (list, dict)) or inner is None else str(inner).strip()
    if isinstance(value, str):
        match = _LINK.fullmatch(value.strip())
        if match:
            return match[1].strip()
    return None


def to_date(value: Any, reader: DateReader | None = None) -> date | None:
    """A property value as a date. None when empty; ValueError, saying what to write, when it is not a
    date, or is one too far in the future to reckon with (durations.LAST_DAY).

    A date is a YAML date or datetime, ISO text (with a time or not), a day-first dotted date, a
    slashed date read in `date_order`, a name in the daily-note format, or a link whose target is one
    of these (`reader` brings the vault's settings; without it, only what needs none is read).
    """
    day = _to_date(value, reader, "YYYY-MM-DD")
    return None if day is None else check_day(day)


def _to_date(value: Any, reader: DateReader | None, write: str) -> date | None:
    if value is None or value == "" or value == [] or value == [None]:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    reader = reader or PLAIN_READER
    target = link_target(value)
    if target is not None:
        day = reader.text(target) or reader.text(target.rsplit("/", 1)[-1])
        if day is None and reader.daily is not None:
            day = reader.daily.match(target)
        if day is None:
            raise ValueError(f"the link [[{target}]] does not name a day")
        return day
    if isinstance(value, str):
        day = reader.text(value)
        if day is not None:
            return day
    raise ValueError(f"{shown(value)} is not a date (write it as {write})")


def to_month_day(value: Any, reader: DateReader | None = None) -> tuple[int, int, int | None] | None:
    """A birthday-like value as (month, day, year or None): `MM-DD`, `--MM-DD`, or a date as `to_date`
    reads one (`19.09.1990` too). None when empty; ValueError, saying what to write, when it is none."""
    if isinstance(value, str):
        match = _MONTH_DAY.fullmatch(value.strip())
        if match:
            month, dom = int(match[1]), int(match[2])
            if 1 <= month <= 12 and 1 <= dom <= calendar.monthrange(2024, month)[1]:
                return month, dom, None
    day = _to_date(value, reader, "YYYY-MM-DD or MM-DD")
    if day is None:
        return None
    check_day(day)
    return day.month, day.day, day.year


# -- numeric dates: `12.11.2026`, `3.12.26`, `2026/11/12`, and `03/04/2026` in `date_order` -------------

_NUMERIC = re.compile(r"(\d{4})([./-])(\d{1,2})\2(\d{1,2})|(\d{1,2})([./-])(\d{1,2})\6(\d{4}|\d{2})")


def _year(text: str) -> int:
    """A year as written; two digits are 1969–2068 (`26` → 2026, `85` → 1985), as POSIX `strptime` has it."""
    value = int(text)
    if len(text) == 2:
        return value + (2000 if value < 69 else 1900)
    return value


def _day(year: int, month: int, dom: int) -> date | None:
    try:
        return date(year, month, dom)
    except ValueError:
        return None


def _spelled(day: date) -> str:
    return f"{day.day} {calendar.month_name[day.month]} {day.year}"


def numeric_date(text: str, order: str | None) -> date | None:
    """A numeric date: year first with any of `-./` and two-digit month and day (`2026.11.12`), day
    first with dots (`12.11.2026`,
    `3.12.26`), or with `/` or `-` in `order` (`DMY` or `MDY`). None when `text` is not of these shapes;
    ValueError, saying what to write, when it is of them but names no single day."""
    match = _NUMERIC.fullmatch(text.strip())
    if match is None:
        return None
    if match[1] is not None:
        year, month, dom = int(match[1]), int(match[3]), int(match[4])
        if len(match[3]) < 2 or len(match[4]) < 2:
            day = _day(year, month, dom)
            raise ValueError(f"{shown(text.strip())} is not a date"
                             + (f" (write it as {day.isoformat()})" if day else ""))
    else:
        first, sep, second, year = int(match[5]), match[6], int(match[7]), _year(match[8])
        if sep == ".":
            order = "DMY"
        if order is None:
            return _unordered(text.strip(), first, second, year)
        dom, month = (first, second) if order == "DMY" else (second, first)
    day = _day(year, month, dom)
    if day is None:
        raise ValueError(f"{shown(text.strip())} is not a real day" + (f" in date_order {order}" if order else ""))
    return day


def _unordered(text: str, first: int, second: int, year: int) -> date:
    """A slashed date without `date_order`: never guessed, always explained."""
    readings = {d for d in (_day(year, second, first), _day(year, first, second)) if d is not None}
    if not readings:
        raise ValueError(f"{shown(text)} is not a real day")
    if len(readings) == 2:
        dmy, mdy = sorted(readings, key=lambda d: d != _day(year, second, first))
        raise ValueError(f"{shown(text)} could be {_spelled(dmy)} or {_spelled(mdy)}: write it as "
                         f"{dmy.isoformat()} or {mdy.isoformat()}, or set date_order = \"DMY\" (or \"MDY\") "
                         "in .vaultcrm/config.toml")
    (day,) = readings
    order = "DMY" if day == _day(year, second, first) else "MDY"
    raise ValueError(f"{shown(text)} is read only with date_order set: write it as {day.isoformat()}, "
                     f"or set date_order = \"{order}\" in .vaultcrm/config.toml")


def written_like(example: str, day: date, order: str | None = None) -> str:
    """`day` written the way `example` writes a date: a `[[link]]` stays a link; a day-first dotted or
    an ordered slashed date keeps its separator, padding and year length; anything else is ISO."""
    text = example.strip()
    target = link_target(text)
    if target is not None:
        return f"[[{written_like(target, day, order)}]]"
    match = _NUMERIC.fullmatch(text)
    if match is None or match[5] is None or (match[6] != "." and order is None):
        return day.isoformat()
    first, sep, second, year = match[5], match[6], match[7], match[8]
    dom, month = (first, second) if sep == "." or order == "DMY" else (second, first)
    parts = [f"{day.day:0{len(dom)}d}", f"{day.month:0{len(month)}d}"]
    if sep != "." and order == "MDY":
        parts.reverse()
    short = len(year) == 2 and 1969 <= day.year <= 2068
    return sep.join([*parts, f"{day.year % 100:02d}" if short else str(day.year)])


# -- the date that opens a dated line ----------------------------------------------------------------

_ORDINAL = r"(?:-?(?:го|е|st|nd|rd|th))?"
_WORDY_DMY = rf"(\d{{1,2}}){_ORDINAL}\.?\s+([^\W\d_]+)\.?,?\s+(\d{{4}})(?:\s*г\.|\s+года?)?"
_WORDY_MDY = r"([^\W\d_]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})"
_WORDY = re.compile(f"{_WORDY_DMY}|{_WORDY_MDY}")
_BARE = (r"\d{1,4}[./-]\d{1,2}[./-]\d{1,4}"
         rf"|\d{{1,2}}{_ORDINAL}\.?\s+[^\W\d_]+\.?,?\s+\d{{4}}(?:\s*г\.|\s+года?)?"
         r"|[^\W\d_]+\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}")
# A date, bare or wrapped as a link (`[[12.11.2026|Thursday]]`) or in bold, then the end of the line,
# whitespace, `:`, `,`, `-`, `–` or `—`.
_ISO_LEAD = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?=$|[\s:,\-–—])")
LEAD = re.compile(rf"(?:\[\[([^\]|#^\n]+)(?:[|#^][^\]\n]*)?\]\]|\*\*([^*\n]+)\*\*|__([^_\n]+)__|({_BARE}))"
                  r"(?=$|[\s:,\-–—])")


def wordy_date(text: str) -> date | None:
    """`12 ноября 2026`, `12 Nov 2026`, `November 12, 2026` (`г.`, `года` and ordinals allowed). None when
    `text` is not of these shapes or its word is no month; ValueError when it is a misspelt month or no
    real day."""
    match = _WORDY.fullmatch(text.strip())
    if match is None:
        return None
    dom, word, year = (match[1], match[2], match[3]) if match[1] is not None else (match[5], match[4], match[6])
    month = month_number(word)
    if month is None:
        guess = near_month(word)
        if guess is None:
            return None
        meant = _day(int(year), guess, int(dom))
        raise ValueError(f"{shown(text.strip())}: {word!r} is not a month name"
                         + (f"; write {meant.isoformat()}" if meant else ""))
    day = _day(int(year), month, int(dom))
    if day is None:
        raise ValueError(f"{shown(text.strip())} is not a real day")
    return day


def read_lead(text: str) -> tuple[date | None, str | None]:
    """The date opening a dated line, as far as it reads without the vault's settings:
    (day, None) when it does; (None, lead) when the line opens with something date-shaped that needs
    `date_order` or the daily-note format, or is misspelt (`DateReader.lead` reads or explains it);
    (None, None) when it opens with no date."""
    text = text.lstrip()
    iso = _ISO_LEAD.match(text)  # the common case, without LEAD's alternatives
    if iso is not None:
        day = _day(int(iso[1]), int(iso[2]), int(iso[3]))
        return (day, None) if day is not None else (None, iso[0])
    match = LEAD.match(text)
    if match is None:
        return None, None
    inner = next(group for group in match.groups() if group is not None).strip()
    try:
        day = numeric_date(inner, None) or wordy_date(inner)
    except ValueError:
        return None, inner
    return day, None


# -- reading with the vault's settings ---------------------------------------------------------------

class DateReader:
    """Dates read with the vault's settings: its daily-note format and `date_order`."""

    def __init__(self, daily: DailyFormat | None = None, order: str | None = None) -> None:
        self.daily, self.order = daily, order

    def text(self, text: str) -> date | None:
        """A property's text as a date: ISO, numeric (`numeric_date`) or a daily-note name. None when it
        is none of these; ValueError when it is numeric but names no single day."""
        day = parse_iso(text)
        if day is None:
            day = numeric_date(text, self.order)
        if day is None and self.daily is not None:
            day = self.daily.match_name(text.strip())
        return day

    def lead(self, lead: str) -> date:
        """A date-shaped lead `read_lead` left: in the daily-note format or `date_order`; else ValueError
        saying what to write instead."""
        if self.daily is not None:
            day = self.daily.match_name(lead)
            if day is not None:
                return day
        day = numeric_date(lead, self.order) or wordy_date(lead)
        if day is None:
            raise ValueError(f"{shown(lead)} is not a date (write it as YYYY-MM-DD)")
        return day


PLAIN_READER = DateReader()


# -- Moment.js formats of daily notes --------------------------------------------------------------

_MONTH_NAMES = rf"(?:{alternation(MONTHS)})\.?"
_DAY_NAMES = rf"(?:{alternation(WEEKDAYS)})\.?"
_TOKENS = {
    "YYYY": r"(?P<Y>\d{4})",
    "YY": r"(?P<YY>\d{2})",
    "MMMM": rf"(?P<MMMM>{_MONTH_NAMES})",
    "MMM": rf"(?P<MMM>{_MONTH_NAMES})",
    "MM": r"(?P<M>\d{2})",
    "M": r"(?P<M>\d{1,2})",
    "DD": r"(?P<D>\d{2})",
    "D": r"(?P<D>\d{1,2})",
    "dddd": _DAY_NAMES,
    "ddd": _DAY_NAMES,
    "dd": _DAY_NAMES,
}
_TOKEN_RE = re.compile(r"YYYY|YY|MMMM|MMM|MM|M|DD|D|dddd|ddd|dd")
_PIECE_RE = re.compile(r"\[[^\]]*\]|[A-Za-z]+|[^A-Za-z\[]+|\[")


def _tokens(word: str) -> list[str] | None:
    """A run of letters split into Moment tokens, or None when it is a plain word such as `Daily`."""
    out, pos = [], 0
    while pos < len(word):
        match = _TOKEN_RE.match(word, pos)
        if match is None:
            return None
        out.append(match[0])
        pos = match.end()
    return out


@lru_cache(maxsize=64)
def compile_moment(fmt: str) -> re.Pattern[str]:
    """A Moment format (`YYYY/MMMM/YYYY-MM-DD`, `[Week of] YYYY-MM-DD`) as a case-insensitive regex.

    A run of letters that is not made only of tokens (`Daily`, `Journal`) is taken literally, so
    folder names need no `[brackets]`. Month and weekday names match in English and Russian, in every
    form and abbreviation (Obsidian writes them in the language of the device that made the note).
    """
    out: list[str] = []
    seen: set[str] = set()
    for piece in _PIECE_RE.findall(fmt):
        tokens = _tokens(piece) if piece[0].isalpha() else None
        if piece.startswith("[") and piece.endswith("]") and len(piece) > 1:
            out.append(re.escape(piece[1:-1]))
        elif tokens is None:
            out.append(re.escape(piece))
        else:
            for token in tokens:
                regex = _TOKENS[token]
                group = re.search(r"\?P<(\w+)>", regex)
                if group and group[1] in seen:  # a repeated token must repeat the same value
                    regex = f"(?P={group[1]})"
                elif group:
                    seen.add(group[1])
                out.append(regex)
    return re.compile("".join(out), re.IGNORECASE)


_EN_MONTHS = tuple(calendar.month_name[i] for i in range(1, 13))
_EN_MONTHS_SHORT = tuple(calendar.month_abbr[i] for i in range(1, 13))
_EN_WEEKDAYS = tuple(calendar.day_name[i] for i in range(7))
_EN_WEEKDAYS_SHORT = tuple(calendar.day_abbr[i] for i in range(7))
# Moment's `ru` locale: a month counting a day (`12 ноября`) and one standing alone (`ноябрь`).
_RU_MONTHS_OF = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября",
                 "октября", "ноября", "декабря")
_RU_MONTHS = ("январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь", "октябрь",
              "ноябрь", "декабрь")
_RU_MONTHS_SHORT = ("янв.", "февр.", "мар.", "апр.", "мая", "июня", "июля", "авг.", "сент.", "окт.", "нояб.",
                    "дек.")
_RU_WEEKDAYS = ("понедельник", "вторник", "среда", "четверг", "пятница", "суббота", "воскресенье")
_RU_WEEKDAYS_SHORT = ("пн", "вт", "ср", "чт", "пт", "сб", "вс")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")


def format_moment(fmt: str, day: date, like: str = "") -> str:
    """`day` written in the Moment format `fmt`, as `compile_moment` reads it back; its month and
    weekday names in Russian when `like` (the name it replaces) is written in Russian, else in English."""
    russian = _CYRILLIC.search(like) is not None
    month, weekday = day.month - 1, day.weekday()
    if russian:
        counted = "D" in "".join(t for p in _PIECE_RE.findall(fmt) if p[0].isalpha() for t in _tokens(p) or ())
        names = {"MMMM": (_RU_MONTHS_OF if counted else _RU_MONTHS)[month], "MMM": _RU_MONTHS_SHORT[month],
                 "dddd": _RU_WEEKDAYS[weekday], "ddd": _RU_WEEKDAYS_SHORT[weekday], "dd": _RU_WEEKDAYS_SHORT[weekday]}
    else:
        names = {"MMMM": _EN_MONTHS[month], "MMM": _EN_MONTHS_SHORT[month], "dddd": _EN_WEEKDAYS[weekday],
                 "ddd": _EN_WEEKDAYS_SHORT[weekday], "dd": _EN_WEEKDAYS_SHORT[weekday][:2]}
    values = {"YYYY": f"{day.year:04d}", "YY": f"{day.year % 100:02d}", "MM": f"{day.month:02d}",
              "M": str(day.month), "DD": f"{day.day:02d}", "D": str(day.day), **names}
    out: list[str] = []
    for piece in _PIECE_RE.findall(fmt):
        tokens = _tokens(piece) if piece[0].isalpha() else None
        if piece.startswith("[") and piece.endswith("]") and len(piece) > 1:
            out.append(piece[1:-1])
        else:
            out.append(piece if tokens is None else "".join(values[token] for token in tokens))
    return "".join(out)


class DailyFormat:
    """Which notes are daily notes and which day each one is (behaviour §3 T4)."""

    def __init__(self, pattern: str | None) -> None:
        """`pattern` is a Moment path from the vault root (folders included); None: any `YYYY-MM-DD` name."""
        self.pattern = pattern
        self._full = compile_moment(pattern) if pattern else None
        self._name = compile_moment(pattern.rsplit("/", 1)[-1] if pattern else "YYYY-MM-DD")

    def day_of(self, rel_path: str) -> date | None:
        """The day of the daily note at `rel_path` (vault-relative, with `.md`), or None."""
        stem = rel_path[:-3] if rel_path.lower().endswith(".md") else rel_path
        if self._full is None:
            return self.match_name(stem.rsplit("/", 1)[-1])
        return self.match(stem)

    def match(self, text: str) -> date | None:
        regex = self._full or self._name
        return _to_day(regex.fullmatch(text))

    def match_name(self, text: str) -> date | None:
        return _to_day(self._name.fullmatch(text))

    def relinked(self, target: str, day: date) -> str:
        """A link target naming `day` in the form `target` names its own day: the same ISO date or
        daily-note format, under the same folders. ValueError when `target` names no day."""
        folder, _, name = target.rpartition("/")
        prefix = f"{folder}/" if folder else ""
        if parse_iso(target) is not None:
            return day.isoformat()
        if self.pattern and self.match(target) is not None:
            return format_moment(self.pattern, day, name)
        if self.match_name(name) is not None:
            return prefix + format_moment((self.pattern or "YYYY-MM-DD").rsplit("/", 1)[-1], day, name)
        if parse_iso(name) is not None:
            return prefix + day.isoformat()
        raise ValueError(f"the link [[{target}]] does not name a day")


def _to_day(match: re.Match[str] | None) -> date | None:
    if match is None:
        return None
    groups = match.groupdict()
    if groups.get("Y"):
        year = int(groups["Y"])
    elif groups.get("YY"):
        year = _year(groups["YY"])
    else:
        return None
    if groups.get("M"):
        month = int(groups["M"])
    elif groups.get("MMMM") or groups.get("MMM"):
        month = month_number(groups.get("MMMM") or groups["MMM"]) or 0
    else:
        return None
    if not groups.get("D"):
        return None
    return _day(year, month, int(groups["D"]))
