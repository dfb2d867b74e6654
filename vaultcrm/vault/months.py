"""Month and weekday names as people write them, in English and Russian (behaviour §2, §3).

Every spelling Moment.js (the `en` and `ru` locales, which Obsidian uses) and Unicode's CLDR give,
in every grammatical form a date uses: `ноябрь` stands alone, `12 ноября` counts a day of it, and
`нояб.`/`Nov` abbreviate it. Keys are lower case, without a trailing dot.
"""
from __future__ import annotations

import re

_MONTH_SPELLINGS = (
    "january jan", "february feb", "march mar", "april apr", "may", "june jun", "july jul",
    "august aug", "september sep sept", "october oct", "november nov", "december dec",
)
_RU_MONTH_SPELLINGS = (
    "январь января янв", "февраль февраля фев февр", "март марта мар", "апрель апреля апр",
    "май мая", "июнь июня июн", "июль июля июл", "август августа авг",
    "сентябрь сентября сен сент", "октябрь октября окт", "ноябрь ноября ноя нояб",
    "декабрь декабря дек",
)
MONTHS: dict[str, int] = {
    word: number
    for table in (_MONTH_SPELLINGS, _RU_MONTH_SPELLINGS)
    for number, words in enumerate(table, start=1)
    for word in words.split()
}

_WEEKDAY_SPELLINGS = (
    "monday mon mo", "tuesday tue tues tu", "wednesday wed we", "thursday thu thur thurs th",
    "friday fri fr", "saturday sat sa", "sunday sun su",
    "понедельник пн", "вторник вт", "среда среду ср", "четверг чт", "пятница пятницу пт",
    "суббота субботу сб", "воскресенье вс",
)
WEEKDAYS = frozenset(word for words in _WEEKDAY_SPELLINGS for word in words.split())


def alternation(words: frozenset[str] | set[str] | dict[str, int]) -> str:
    """A regex alternation of `words`, longest first (so `ноября` is tried before `ноя`)."""
    return "|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w)))


def month_number(word: str) -> int | None:
    """The month a word names (`Nov`, `ноября`, `нояб.`), or None."""
    return MONTHS.get(word.casefold().rstrip("."))


def near_month(word: str) -> int | None:
    """The month a misspelt word probably means (`ноябя`, `Novmber`), or None when it is no month-like word."""
    import difflib

    found = difflib.get_close_matches(word.casefold().rstrip("."), [w for w in MONTHS if len(w) > 4], n=1,
                                      cutoff=0.75)
    return MONTHS[found[0]] if found else None
