"""The words vaultcrm makes in Python rather than in the dashboard's template, in the vault's
language: day labels, what the log line of a ticked box says (behaviour §6.3), and `vaultcrm due` in
the terminal. They are kept together, each a message of the catalogs (README: "Translating
vaultcrm"); the template phrases the dashboard itself with the same messages.

    words = phrases(config.language)
    words.day_label(day, today)        # "Mon", "Mon 23 Nov"; "пн", "пн 23 нояб."
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from vaultcrm.durations import Duration
from vaultcrm.i18n import Language, language

UNITS = {"d": "day", "w": "week", "m": "month", "y": "year"}  # a cadence's unit as a template sees it


@lru_cache(maxsize=8)
def phrases(code: str | None = None) -> Phrases:
    """The phrases of the language `code` (the config's `language`; None is English)."""
    return Phrases(language(code))


@dataclass(frozen=True)
class Phrases:
    """The dashboard's and `due`'s words for days, cadences and reasons, in one language."""

    lang: Language

    # -- days ---------------------------------------------------------------------------------

    def short_day(self, day: date) -> str:
        """`27 Oct`, `27 окт.`: a day within the year around today."""
        return self.lang.day_month(day)

    def day_label(self, day: date, today: date | None = None) -> str:
        """`Mon 23 Nov`, or just `Mon` for one of the six days after `today` (`пн 23 нояб.`, `пн`)."""
        if today is not None and 0 < (day - today).days < 7:
            return self.lang.weekday(day)
        return self.lang.short_date(day)

    def week_label(self, start: date, end: date) -> str:
        """A calendar week: `16–22 Nov`, or `30 Nov – 6 Dec` across two months."""
        if (start.year, start.month) == (end.year, end.month):
            return f"{start.day}–{self.short_day(end)}"
        return f"{self.short_day(start)} – {self.short_day(end)}"

    def month_label(self, day: date) -> str:
        """The month holding `day`, by name, to open a line: `November`, `Ноябрь`."""
        name = self.lang.month(day)
        return name[:1].upper() + name[1:]

    def every(self, count: int, unit: str) -> str:
        """`every month`, `every 2 weeks`: a cadence (`unit`: `d`, `w`, `m` or `y`)."""
        return self.lang.every(Duration(count, unit))

    # -- what a ticked box logs -------------------------------------------------------------------

    def followed_up(self, how_met: str | None, met: date) -> str:
        if how_met:
            return self.lang.gettext("followed up after {how}").format(how=how_met)
        return self.lang.gettext("followed up after meeting on {date}").format(date=self.short_day(met))

    def caught_up(self, cadence: str) -> str:
        return self.lang.gettext("caught up ({cadence})").format(cadence=cadence)

    @property
    def first_touch(self) -> str:
        return self.lang.gettext("got in touch for the first time")

    @property
    def in_touch(self) -> str:
        return self.lang.gettext("in touch")

    def occasion_done(self, field: str, day: date, turns: int | None) -> str:
        if field == "birthday":
            if turns:
                return self.lang.gettext("birthday wishes (turns {n})").format(n=turns)
            return self.lang.gettext("birthday wishes")
        return f"{self.lang.occasion(field)} ({self.short_day(day)})"

    # -- the agenda, as `vaultcrm due` shows it -----------------------------------------------------

    @property
    def today(self) -> str:
        return self.lang.pgettext("section", "Today")

    @property
    def later(self) -> str:
        return self.lang.pgettext("section", "Later this week")

    def group_word(self, group: str) -> str:
        """What a line's group says before its reasons: `follow up`, `going cold`; "" for the others."""
        if group == "missed":
            return self.lang.pgettext("agenda", "follow-up missed")
        if group == "followup":
            return self.lang.pgettext("agenda", "follow up")
        if group == "cold":
            return self.lang.pgettext("agenda", "going cold")
        return ""

    def nobody_due(self, end: date) -> str:
        return self.lang.gettext("Nobody is due through {date}.").format(date=self.lang.full_date(end))

    def days_late(self, count: int) -> str:
        return self.lang.days_late(count)

    def when(self, days: int, day: date, today: date) -> str:
        """How urgent a line of the agenda is: `3 days late`, `today`, or its day."""
        if days:
            return self.days_late(days)
        return self.lang.gettext("today") if day == today else self.day_label(day, today)

    def met(self, day: date, how_met: str) -> str:
        if how_met:
            return self.lang.gettext("met {date} at {how}").format(date=self.short_day(day), how=how_met)
        return self.lang.gettext("met {date}").format(date=self.short_day(day))

    def never(self, cadence: str) -> str:
        return self.lang.gettext("{every}, no touch yet").format(every=cadence)

    def planned(self, text: str, day: str) -> str:
        return f"📅 {text}" + (f" ({day})" if day else "")

    def occasion(self, label: str, turns: int | None, day: str) -> str:
        turning = self.lang.ngettext(", turns {n}", ", turns {n}", turns).format(n=turns) if turns else ""
        return f"🎂 {label}{turning}" + (f" ({day})" if day else "")

    def last_touch(self, day: date, quote: str) -> str:
        last = self.lang.gettext("last {date}").format(date=self.short_day(day))
        return last + (self.quoted(quote) if quote else "")

    def quoted(self, text: str) -> str:
        """A quote as it follows the last touch's date: ` “Mentoring session”`, ` «…»`."""
        return " " + self.lang.gettext("“{text}”").format(text=text)

    def stage(self, stage: str | None) -> str:
        """A relationship's stage as a reader calls it (`trust`, `доверие`); "" for none."""
        labels = {"acquaintance": self.lang.pgettext("stage", "acquaintance"),
                  "conversation": self.lang.pgettext("stage", "conversation"),
                  "trust": self.lang.pgettext("stage", "trust"),
                  "partnership": self.lang.pgettext("stage", "partnership")}
        return labels.get(stage or "", "")

    def via(self, channel: str) -> str:
        return self.lang.gettext("via {channel}").format(channel=channel)

    # -- a line of the agenda as plain text (`due`, and what the dashboard's budget measures) --------

    def urgency(self, item: dict[str, Any], today: date) -> str:
        """How urgent a line is, as the dashboard puts it: `follow up, 1 day late`, `12 days late`, `Mon`."""
        group, late, day = item["group"], item["days_late"], date.fromisoformat(item["day"])
        if group in ("missed", "cold"):
            return f"{self.group_word(group)}, {self.days_late(late)}"
        if group == "followup":
            if day == today:
                return f"{self.group_word(group)} {self.lang.gettext('today')}"
            if day > today:
                return f"{self.group_word(group)} {self.lang.gettext('by {day}').format(day=item['day_label'])}"
            return f"{self.group_word(group)}, {self.days_late(late)}"
        if group == "late":
            return self.days_late(late)
        return self.lang.gettext("today") if group == "today" else str(item["day_label"])

    def parts(self, item: dict[str, Any]) -> list[str]:
        """What a line says after its urgency: its reasons, the last touch, the channel."""
        out = []
        for r in item["reasons"]:
            day = "" if r["same_day"] else r["day_label"]
            if r["kind"] == "followup":
                out.append(self.met(date.fromisoformat(r["met"]), r["how"]))
            elif r["kind"] == "cadence" and r.get("every"):
                out.append(r["every"])
            elif r["kind"] == "never" and "every" in r:
                out.append(self.never(r["every"]))
            elif r["kind"] == "planned" and "text" in r:
                out.append(self.planned(r["text"], day))
            elif r["kind"] == "occasion":
                out.append(self.occasion(r["label"], r["turns"], day))
        if item.get("stage_label"):
            out.append(item["stage_label"])
        if item["last"]:
            out.append(self.last_touch(date.fromisoformat(item["last"]["day"]), item["quote"]))
        if item["channel"]:
            out.append(self.via(item["channel"]))
        return out

    def line(self, name: str, item: dict[str, Any], today: date) -> str:
        """The line as the dashboard's template shows it, as plain text (links by their text)."""
        return " · ".join([f"{name} — {self.urgency(item, today)}", *self.parts(item)])
