"""The plain data the stages make of the notes: contacts, touches, plans, reminders. What parsing a note
yields is in `parsed.py`; a note's problems (`errors.Problem`) and cadences (`durations.Duration`) live
with what reports and reads them, so that a command answered from stored results, or one that edits a
note, never creates the classes it does not need."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from itertools import takewhile
from typing import TYPE_CHECKING, Any, Generic, NamedTuple, TypeVar

if TYPE_CHECKING:
    from vaultcrm.durations import Duration

T = TypeVar("T")


class cached_property(Generic[T]):  # noqa: N801 - it stands for functools.cached_property
    """functools.cached_property without the lock Python 3.11 takes on every first access (a sync
    asks thousands of contacts for their touch figures: the lock cost more than the figures)."""

    def __init__(self, func: Callable[[Any], T]) -> None:
        self.func = func
        self.name = func.__name__

    def __get__(self, obj: Any, owner: type | None = None) -> T:
        if obj is None:  # looked up on the class
            return self  # type: ignore[return-value]
        value = obj.__dict__[self.name] = self.func(obj)
        return value


class Touch(NamedTuple):
    """A day on which the user was in contact with a person, with the note that shows it.

    A named tuple, not a dataclass like its neighbours: a 10k-note vault has tens of thousands of
    touches, loaded from the note cache on every sync, and a tuple is built, hashed and compared in C.
    """

    day: date
    evidence: str
    line: int | None
    source: str  # "field", "line", "daily", "meeting" or "done"
    text: str | None = None  # the line's text (none for a property or a meeting's attendees)
    give: bool = False
    ask: bool = False
    tags: tuple[str, ...] = ()  # the line's `#tags`, or a meeting note's own tags


@dataclass(frozen=True, slots=True)
class Plan:
    """An open task with a date that concerns a contact."""

    day: date
    note: str
    line: int
    text: str


@dataclass
class Contact:
    """A person note with its fields read, its touches attributed and its rule settings applied.

    The touch figures below are computed once, when first asked for: by then `touches` is final.
    """

    path: str
    name: str
    fm: dict[str, Any] = field(default_factory=dict)
    aliases: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    active: bool = True
    own_tier: str | None = None
    tier: str | None = None
    cadence: Duration | None = None
    cadence_from: str = ""  # "tier A" or "rule 'name'"; empty for the contact's own cadence
    skipped: bool = False
    met: date | None = None
    created: date | None = None
    snooze_until: date | None = None
    occasions: tuple[tuple[str, int, int, int | None], ...] = ()  # (field, month, day, year)
    occasions_done: dict[str, date] = field(default_factory=dict)  # field -> the last occurrence done
    company: str | None = None
    how_met: str | None = None
    channel: str | None = None
    touches: list[Touch] = field(default_factory=list)  # in day order once attributed
    plans: list[Plan] = field(default_factory=list)

    def attributable(self, today: date) -> Contact:
        """A copy to attribute touches and plans to: its own touches up to `today`, no plans, and no
        touch figures computed yet. (dataclasses.replace does the same, ten times slower.)"""
        copy = object.__new__(Contact)
        own = self.__dict__
        copy.__dict__.update({name: own[name] for name in _CONTACT_FIELDS})
        copy.touches = [t for t in self.touches if t.day <= today]
        copy.plans = []
        return copy

    @cached_property
    def touch_days(self) -> set[date]:
        return {t.day for t in self.touches}

    @cached_property
    def touch_count(self) -> int:
        return len(self.touch_days)

    @cached_property
    def last_touch(self) -> Touch | None:
        """The latest touch; on a tie, evidence from a note's body beats a frontmatter field, then the
        first path. (`touches` is kept in day order, so only the last day's touches are compared.)"""
        if not self.touches:
            return None
        last_day = self.touches[-1].day
        tied = takewhile(lambda t: t.day == last_day, reversed(self.touches))
        return min(tied, key=lambda t: (t.source == "field", t.evidence, t.line or 0))

    @cached_property
    def last_line(self) -> Touch | None:
        """The latest touch that came from a dated line: what was talked about last time."""
        latest = next((t.day for t in reversed(self.touches) if _dated_line(t)), None)
        if latest is None:
            return None
        tied = (t for t in takewhile(lambda t: t.day >= latest, reversed(self.touches))
                if _dated_line(t) and t.day == latest)
        return min(tied, key=lambda t: (t.evidence, t.line or 0))

    @cached_property
    def gives(self) -> int:
        return sum(1 for t in self.touches if t.give)

    @cached_property
    def asks(self) -> int:
        return sum(1 for t in self.touches if t.ask)


_CONTACT_FIELDS = tuple(Contact.__dataclass_fields__)


def _dated_line(touch: Touch) -> bool:
    """A touch from a line that carries its own date (or a done date), with its text."""
    return bool(touch.text) and touch.source in ("line", "done")


@dataclass(frozen=True, slots=True)
class Reason:
    """The parts a reminder's reason is phrased from, in any language (i18n.Language.reason).

    `day`: the day met (followup), of the last touch (cadence), created (never), of the occasion;
    `where`: the last touch's evidence, or a plan's `note:line`; `detail`: how met, the occasion's
    field, or the plan's text; `tier` or `rule`: where the cadence comes from; `years`: the age a
    birthday turns; `missed`: a follow-up not done within its window."""

    kind: str
    day: date | None = None
    where: str | None = None
    detail: str | None = None
    cadence: Duration | None = None
    tier: str | None = None
    rule: str | None = None
    years: int | None = None
    missed: bool = False


@dataclass(frozen=True)
class Reminder:
    """A reason to get in touch with a contact on or by a day: `reason` in English, `why` its parts."""

    contact: Contact
    kind: str  # "followup", "cadence", "never", "planned" or "occasion"
    due: date
    overdue: bool
    days_overdue: int
    cadence_days: int | None
    reason: str
    plan: Plan | None = None
    missed: bool = False  # a follow-up not done within `followup_window` (behaviour §4.2)
    occasion: str | None = None  # an occasion's field (`birthday`)
    why: Reason | None = None


@dataclass
class Signals:
    """The contacts under each signal (behaviour §4.4), each contact under one at most."""

    ready_to_ask: list[Contact] = field(default_factory=list)
    going_cold: list[Contact] = field(default_factory=list)
    give_first: list[Contact] = field(default_factory=list)
    trust_fading: list[Contact] = field(default_factory=list)  # at trust or beyond, not touched within a cadence
    stuck: list[Contact] = field(default_factory=list)  # still at the first stage after several touches


@dataclass(frozen=True, slots=True)
class SuspiciousLink:
    """A link that resolves to no note but names a contact's alias."""

    note: str
    line: int
    target: str
    contact: str  # the contact's note path
