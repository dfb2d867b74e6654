"""Dates as users write them, and Moment.js daily-note formats (behaviour §2, §3)."""
from __future__ import annotations

import calendar
import re
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from vaultcrm.durations import check_day, shown

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


def to_date(value: Any, daily: DailyFormat | None = None) -> date | None:
    """A frontmatter value as a date. None when empty; ValueError when it is not a date, or one too
    far in the future to reckon with (durations.LAST_DAY)."""
    day = _to_date(value, daily)
    return None if day is None else check_day(day)


def _to_date(value: Any, daily: DailyFormat | None) -> date | None:
    if value is None or value == "" or value == [] or value == [None]:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    target = link_target(value)
    if target is not None:
        day = parse_iso(target) or parse_iso(target.rsplit("/", 1)[-1])
        if day is None and daily is not None:
            day = daily.match(target) or daily.match_name(target.rsplit("/", 1)[-1])
        if day is None:
            raise ValueError(f"the link [[{target}]] does not name a day")
        return day
    if isinstance(value, str):
        day = parse_iso(value)
        if day is not None:
            return day
    raise ValueError(f"{shown(value)} is not a date (write it as YYYY-MM-DD)")


def to_month_day(value: Any) -> tuple[int, int, int | None] | None:
    """A birthday-like value as (month, day, year or None): a date, `YYYY-MM-DD`, `MM-DD` or `--MM-DD`."""
    if value is None or value == "" or value == [None]:
        return None
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        check_day(value)
        return value.month, value.day, value.year
    if isinstance(value, str):
        day = parse_iso(value)
        if day is not None:
            check_day(day)
            return day.month, day.day, day.year
        match = _MONTH_DAY.fullmatch(value.strip())
        if match:
            month, dom = int(match[1]), int(match[2])
            if 1 <= month <= 12 and 1 <= dom <= calendar.monthrange(2024, month)[1]:
                return month, dom, None
    raise ValueError(f"{shown(value)} is not a date (write it as YYYY-MM-DD or MM-DD)")


# -- Moment.js formats of daily notes --------------------------------------------------------------

_MONTHS = [calendar.month_name[i] for i in range(1, 13)]
_MONTHS_SHORT = [calendar.month_abbr[i] for i in range(1, 13)]
_DAYS = "|".join(calendar.day_name) + "|" + "|".join(calendar.day_abbr)
_TOKENS = {
    "YYYY": r"(?P<Y>\d{4})",
    "MMMM": r"(?P<MMMM>" + "|".join(_MONTHS) + ")",
    "MMM": r"(?P<MMM>" + "|".join(_MONTHS_SHORT) + ")",
    "MM": r"(?P<M>\d{2})",
    "M": r"(?P<M>\d{1,2})",
    "DD": r"(?P<D>\d{2})",
    "D": r"(?P<D>\d{1,2})",
    "dddd": r"(?:" + _DAYS + ")",
    "ddd": r"(?:" + _DAYS + ")",
}
_TOKEN_RE = re.compile(r"YYYY|MMMM|MMM|MM|M|DD|D|dddd|ddd")
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
    folder names need no `[brackets]`.
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


def format_moment(fmt: str, day: date) -> str:
    """`day` written in the Moment format `fmt`, as `compile_moment` reads it back."""
    values = {"YYYY": f"{day.year:04d}", "MMMM": _MONTHS[day.month - 1], "MMM": _MONTHS_SHORT[day.month - 1],
              "MM": f"{day.month:02d}", "M": str(day.month), "DD": f"{day.day:02d}", "D": str(day.day),
              "dddd": calendar.day_name[day.weekday()], "ddd": calendar.day_abbr[day.weekday()]}
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
            return format_moment(self.pattern, day)
        if self.match_name(name) is not None:
            return prefix + format_moment((self.pattern or "YYYY-MM-DD").rsplit("/", 1)[-1], day)
        if parse_iso(name) is not None:
            return prefix + day.isoformat()
        raise ValueError(f"the link [[{target}]] does not name a day")


def _to_day(match: re.Match[str] | None) -> date | None:
    if match is None:
        return None
    groups = match.groupdict()
    if groups.get("Y") is None:
        return None
    if groups.get("M"):
        month = int(groups["M"])
    elif groups.get("MMMM"):
        month = [m.lower() for m in _MONTHS].index(groups["MMMM"].lower()) + 1
    elif groups.get("MMM"):
        month = [m.lower() for m in _MONTHS_SHORT].index(groups["MMM"].lower()) + 1
    else:
        return None
    if not groups.get("D"):
        return None
    try:
        return date(int(groups["Y"]), month, int(groups["D"]))
    except ValueError:
        return None
