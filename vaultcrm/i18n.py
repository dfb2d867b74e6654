"""What vaultcrm says, in the vault's language (the config's `language`): gettext catalogs for the
words, Babel (Unicode CLDR) for plural forms and dates.

    lang = language("ru")                       # or config.language; None or "en": English
    lang.gettext("Touch base")                  # "Связаться"
    lang.ngettext("{n} day", "{n} days", 3)     # "{n} дня" (the plural form of the language)
    lang.days_overdue(21)                       # "просрочено на 21 день"
    lang.days_ago(3)                            # "3 дня назад"
    lang.short_date(date(2026, 11, 24))         # "вт 24 нояб."
    lang.day_month(day), lang.weekday(day)      # "24 нояб.", "вт"
    lang.days_late(12)                          # "просрочено на 12 дней" (the agenda's "12 days late")
    lang.reason(reminder.why)                   # a reminder's reason, phrased from its parts

English is the source language: its text is the message ids, with no catalog. Catalogs live in
vaultcrm/locale/<code>/LC_MESSAGES/vaultcrm.po, compiled to .mo beside it and read with the standard
library's gettext, plural forms from the catalog's header (README: "Translating vaultcrm").
Dates are written with CLDR patterns that are themselves messages (context "date"), so each language
chooses its own: English keeps ISO dates (`2026-11-24`), Russian writes `24 нояб. 2026 г.`.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from gettext import GNUTranslations, NullTranslations
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vaultcrm.durations import Duration
    from vaultcrm.model import Reason

DOMAIN = "vaultcrm"
LOCALES = Path(__file__).resolve().parent / "locale"
SOURCE = "en"


def N_(message: str) -> str:  # noqa: N802 - gettext's conventional name
    """Marks a message for extraction where it is defined; it is translated where it is shown."""
    return message


def languages() -> tuple[str, ...]:
    """The languages vaultcrm speaks: English, and each one with a compiled catalog."""
    found = sorted(p.parent.parent.name for p in LOCALES.glob(f"*/LC_MESSAGES/{DOMAIN}.mo"))
    return (SOURCE, *[code for code in found if code != SOURCE])


@lru_cache(maxsize=8)
def language(code: str | None = None) -> Language:
    """The language `code` (`ru`, `en`); None is English. ValueError for one without a catalog."""
    code = code or SOURCE
    if code not in languages():
        raise ValueError(f"{code!r} is not a language vaultcrm speaks ({', '.join(languages())})")
    translations = NullTranslations()
    if code != SOURCE:
        with (LOCALES / code / "LC_MESSAGES" / f"{DOMAIN}.mo").open("rb") as handle:
            translations = GNUTranslations(handle)
    return Language(code, translations)


@lru_cache(maxsize=4096)
def _formatted(day: date, pattern: str, code: str) -> str:
    from babel.dates import format_date

    return format_date(day, pattern, locale=code)


# English's dates as CLDR writes them (Babel's, held equal by tests/test_i18n.py), without loading
# Babel and its locale data: that took a fifth of `vaultcrm due`.
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                "November", "December")
ENGLISH: dict[str, Callable[[date], str]] = {
    "EEE d MMM": lambda day: f"{_DAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]}",
    "d MMM": lambda day: f"{day.day} {_MONTHS[day.month - 1]}",
    "LLLL": lambda day: _MONTH_NAMES[day.month - 1],
    "EEE": lambda day: _DAYS[day.weekday()],
}


OCCASIONS = (N_("birthday"),)  # the default `occasions` field, translated where a reason names it


@dataclass(frozen=True)
class Language:
    """One language's words, plural forms and dates."""

    code: str
    translations: NullTranslations

    def gettext(self, message: str) -> str:
        return self.translations.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """The form of `n` in this language (unformatted: its `{n}` is the caller's)."""
        return self.translations.ngettext(singular, plural, n)

    def pgettext(self, context: str, message: str) -> str:
        return self.translations.pgettext(context, message)

    # -- dates ----------------------------------------------------------------------------------

    def full_date(self, day: date) -> str:
        """A day in full: `2026-11-24` in English, `24 нояб. 2026 г.` in Russian."""
        return self._format(day, self.pgettext("date", "yyyy-MM-dd"))

    def short_date(self, day: date) -> str:
        """A day this year or next, short: `Tue 24 Nov`, `вт 24 нояб.`."""
        return self._format(day, self.pgettext("date", "EEE d MMM"))

    def day_month(self, day: date) -> str:
        """A day and month: `24 Nov`, `24 нояб.`."""
        return self._format(day, self.pgettext("date", "d MMM"))

    def month(self, day: date) -> str:
        """A month by its name, standing alone: `November`, `ноябрь`."""
        return self._format(day, self.pgettext("date", "LLLL"))

    def weekday(self, day: date) -> str:
        """A day of the week, short: `Tue`, `вт`."""
        return self._format(day, self.pgettext("date", "EEE"))

    def _format(self, day: date, pattern: str) -> str:
        if pattern == "yyyy-MM-dd":  # what English writes for every reason, in C
            return day.isoformat()
        english = ENGLISH.get(pattern) if self.code == SOURCE else None
        return english(day) if english is not None else _formatted(day, pattern, self.code)

    def days_overdue(self, n: int) -> str:
        return self.ngettext("{n} day overdue", "{n} days overdue", n).format(n=n)

    def days_late(self, n: int) -> str:
        """How late a line of the agenda is: `12 days late`, `просрочено на 12 дней`."""
        return self.ngettext("{n} day late", "{n} days late", n).format(n=n)

    def days_ago(self, n: int) -> str:
        if n == 0:
            return self.gettext("today")
        return self.ngettext("{n} day ago", "{n} days ago", n).format(n=n)

    def every(self, cadence: Duration) -> str:
        """`every 14 days`, `каждые 14 дней`; `every month`, `каждый месяц`."""
        n, unit = cadence.count, cadence.unit
        if unit == "d":
            text = self.gettext("every day") if n == 1 else self.ngettext("every {n} day", "every {n} days", n)
        elif unit == "w":
            text = self.gettext("every week") if n == 1 else self.ngettext("every {n} week", "every {n} weeks", n)
        elif unit == "m":
            text = self.gettext("every month") if n == 1 else self.ngettext("every {n} month", "every {n} months", n)
        else:
            text = self.gettext("every year") if n == 1 else self.ngettext("every {n} year", "every {n} years", n)
        return text.format(n=n)

    def kind(self, kind: str) -> str:
        """A reminder's kind as a reader calls it (in English, its name: `followup`, `cadence`, ...)."""
        names = {"followup": self.pgettext("kind", "followup"), "cadence": self.pgettext("kind", "cadence"),
                 "never": self.pgettext("kind", "never"), "planned": self.pgettext("kind", "planned"),
                 "occasion": self.pgettext("kind", "occasion")}
        return names[kind]

    def occasion(self, field: str) -> str:
        """An occasion field as a reader calls it: `birthday` translated, another as written (`_` as spaces)."""
        return self.gettext(field).replace("_", " ")

    # -- reasons --------------------------------------------------------------------------------

    def reason(self, why: Reason) -> str:
        """A reminder's reason, phrased from its parts (`crm.rules` makes them)."""
        if why.kind == "followup":
            met = self.gettext("met {date}").format(date=self.full_date(why.day)) if why.day else ""
            how = f" ({why.detail})" if why.detail else ""
            if why.missed:
                return self.gettext("{met}; follow-up missed").format(met=met + how)
            return self.gettext("{met}; follow up within a day").format(met=met + how)
        if why.kind in ("cadence", "never"):
            how = ", ".join(filter(None, (self._source(why), self.every(why.cadence) if why.cadence else "")))
            if why.kind == "cadence":
                return self.gettext("{how}; last touch {date} ({evidence})").format(
                    how=how, date=self.full_date(why.day) if why.day else "", evidence=why.where)
            since = (self.gettext("created {date}").format(date=self.full_date(why.day)) if why.day
                     else self.gettext("nothing to count from"))
            return self.gettext("{how}; no touch yet ({since})").format(how=how, since=since)
        if why.kind == "occasion":
            text = self.gettext("{occasion} on {date}").format(occasion=self.occasion(why.detail or ""),
                                                                date=self.full_date(why.day) if why.day else "")
            if why.years is not None:
                text += " " + self.gettext("(turns {n})").format(n=why.years)
            return text
        return self.gettext("planned: {text} ({where})").format(text=why.detail, where=why.where)

    def _source(self, why: Reason) -> str:
        if why.tier is not None:
            return self.gettext("tier {name}").format(name=why.tier)
        return why.rule or ""

