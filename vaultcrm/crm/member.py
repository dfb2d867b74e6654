"""What the network (crm/network.py) needs to know of one contact, as plain data a dashboard result
keeps: apart, so that making one contact's result does not make the network's classes."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, NamedTuple

from vaultcrm.crm.names import name_key as person_key
from vaultcrm.crm.profile import Named, Profile, profile
from vaultcrm.model import Contact

PlainNamed = tuple[str, str, bool]


class Member(NamedTuple):
    """What the network needs to know of one contact (any contact: an inactive one may introduce)."""

    path: str
    name: str
    aliases: tuple[str, ...]
    active: bool
    tags: tuple[str, ...]
    how_met: str | None
    last_day: date | None
    evidence: str | None
    touch_count: int
    gives: int
    asks: int
    profile: Profile
    keys: tuple[tuple[str, ...], ...]  # (name_key of) its file name, name and aliases: how introductions find it

    def plain(self) -> tuple[Any, ...]:
        """As Python's own types only (dates as day numbers), for marshal."""
        prof = self.profile

        def names(found: tuple[Named, ...]) -> tuple[PlainNamed, ...]:
            return tuple((n.text, n.name, n.link) for n in found)

        return (self.path, self.name, self.aliases, self.active, self.tags, self.how_met,
                self.last_day.toordinal() if self.last_day else None, self.evidence, self.touch_count, self.gives,
                self.asks, (names(prof.companies), names(prof.former_companies), prof.role, prof.stage,
                            names(prof.introduced_by)), self.keys)

    @classmethod
    def from_plain(cls, data: Sequence[Any]) -> Member:
        (path, name, aliases, active, tags, how_met, last_day, evidence, touch_count, gives, asks,
         (companies, former, role, stage, introduced_by), keys) = data

        def names(found: Sequence[PlainNamed]) -> tuple[Named, ...]:
            return tuple(Named(*n) for n in found)

        return cls(path, name, tuple(aliases), active, tuple(tags), how_met,
                   date.fromordinal(last_day) if last_day is not None else None, evidence, touch_count, gives, asks,
                   Profile(names(companies), names(former), role, stage, names(introduced_by)),
                   tuple(map(tuple, keys)))


def member(contact: Contact, table: Mapping[str, tuple[str, ...]]) -> Member:
    """`contact` as the network sees it; `table` is `fields.field_keys(config.fields)`."""
    last = contact.last_touch
    stem = contact.path.rsplit("/", 1)[-1]
    names = (stem[:-3] if stem.lower().endswith(".md") else stem, contact.name, *contact.aliases)
    return Member(contact.path, contact.name, tuple(contact.aliases), contact.active, tuple(contact.tags),
                  contact.how_met, last.day if last else None, last.evidence if last else None,
                  contact.touch_count, contact.gives, contact.asks, profile(contact, table),
                  tuple(person_key(name) for name in names))
