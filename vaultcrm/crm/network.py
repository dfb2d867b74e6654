"""Warm paths into companies (behaviour §12.1): who works or worked where, how warm each relationship
is, the introductions that lead to each person, the connectors, and the next step.

    network = Network(contacts, config, today)
    network.at("Globex")    # CompanyPath: now, formerly, connectors, next_step
    network.targets()       # one CompanyPath per `targets` entry, in the config's order

    Network.of(members, config, today)   # the same from each contact's `Member` (crm/member.py: plain
                                         # data a dashboard result keeps, `member(contact, table).plain()`)

Everything returned is plain data (frozen dataclasses of text, numbers and dates, with `as_dict`).
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from vaultcrm.config import Config, Target
from vaultcrm.crm.member import Member, member
from vaultcrm.crm.names import fold
from vaultcrm.crm.names import name_key as person_key
from vaultcrm.crm.profile import Named, Profile, name_key, stage_rank
from vaultcrm.durations import add_duration
from vaultcrm.fields import field_keys
from vaultcrm.model import Contact
from vaultcrm.vault.tags import has_tag


@dataclass(frozen=True)
class PersonRef:
    """Someone named in an introduction: a contact (`note` is its path), or a name no note has."""

    name: str
    note: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "note": self.note}


@dataclass(frozen=True)
class Person:
    """A contact with its warmth: the last touch, touch days, gives and asks, and the stage."""

    name: str
    note: str
    status: str | None  # "now" or "formerly" at the company asked about; None when none was
    company: str | None  # the current companies, comma-separated
    role: str | None
    stage: str | None  # the canonical stage, else the value as written
    last_touch: date | None
    evidence: str | None
    touch_count: int
    gives: int
    asks: int
    warm: bool  # touched within `warm_within`
    introduced_by: tuple[PersonRef, ...]  # the chain of introductions, nearest first

    @property
    def ref(self) -> PersonRef:
        return PersonRef(self.name, self.note)

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "note": self.note, "status": self.status, "company": self.company,
                "role": self.role, "stage": self.stage,
                "last_touch": self.last_touch.isoformat() if self.last_touch else None,
                "evidence": self.evidence, "touch_count": self.touch_count, "gives": self.gives,
                "asks": self.asks, "warm": self.warm, "introduced_by": [r.as_dict() for r in self.introduced_by]}


@dataclass(frozen=True)
class Connector:
    """A contact who introduced others, with the people they introduced."""

    person: Person
    introduced: tuple[PersonRef, ...]

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.person.name, "note": self.person.note, "warm": self.person.warm,
                "last_touch": self.person.last_touch.isoformat() if self.person.last_touch else None,
                "introduced": [r.as_dict() for r in self.introduced]}


@dataclass(frozen=True)
class NextStep:
    """What to do for a company: `write` to the warmest contact there (now, else formerly); ask a
    connector for an `intro` when nobody there is warm; `reconnect` with the warmest when no
    connector is warm either; `none` when nobody is known there and no connector is warm."""

    kind: str
    contact: PersonRef | None  # whom to write to, the connector to ask, whom to reconnect with
    to: PersonRef | None  # for an intro: whom to be introduced to (None: anyone at the company)
    text: str

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "contact": self.contact.as_dict() if self.contact else None,
                "to": self.to.as_dict() if self.to else None, "text": self.text}


@dataclass(frozen=True)
class CompanyPath:
    """Everything known about a way into one company."""

    company: str
    target: Target | None
    now: tuple[Person, ...]  # warmest first
    formerly: tuple[Person, ...]  # warmest first
    connectors: tuple[Connector, ...]  # best first: those on the way to its people; the vault's when it has none
    next_step: NextStep

    @property
    def warmest(self) -> Person | None:
        """The warmest person there now, else formerly; None when nobody there is warm."""
        return _warmest(self.now, self.formerly)

    def as_dict(self) -> dict[str, Any]:
        target, warmest = self.target, self.warmest
        return {"company": self.company,
                "target": {"company": target.company, "role": target.role, "note": target.note} if target else None,
                "now": [p.as_dict() for p in self.now], "formerly": [p.as_dict() for p in self.formerly],
                "warmest": warmest.ref.as_dict() if warmest else None,
                "connectors": [c.as_dict() for c in self.connectors], "next_step": self.next_step.as_dict()}


def _warmest(now: Sequence[Person], formerly: Sequence[Person]) -> Person | None:
    return next((p for p in (*now, *formerly) if p.warm), None)


def warmth_order(person: Person) -> tuple[Any, ...]:
    """Warmest first: warm, then the stage (partnership first), touch days, the latest touch, name."""
    return (not person.warm, -stage_rank(person.stage), -person.touch_count,
            -(person.last_touch.toordinal() if person.last_touch else 0), person.name.casefold(), person.note)


class Network:
    """The vault's contacts as a network: employers, introductions and warmth, worked out once."""

    def __init__(self, contacts: Iterable[Contact], config: Config, today: date,
                 members: Iterable[Member] | None = None) -> None:
        table = field_keys(config.fields)
        self.config, self.today = config, today
        given = members if members is not None else (member(c, table) for c in contacts)
        self.contacts: dict[str, Member] = {m.path: m for m in given}
        self.profiles: dict[str, Profile] = {path: m.profile for path, m in self.contacts.items()}
        self._names: dict[tuple[str, ...], set[str]] = {}
        for path, contact in self.contacts.items():
            for key in contact.keys:
                self._names.setdefault(key, set()).add(path)
        self.introduced: dict[str, list[str]] = {}  # introducer's path -> the active contacts they introduced
        for path in sorted(self.contacts, key=lambda p: (self.contacts[p].name.casefold(), p)):
            if self.contacts[path].active:
                for named in self.profiles[path].introduced_by:
                    found = self._find(named)
                    if found is not None and found != path:
                        self.introduced.setdefault(found, []).append(path)
        self._people: dict[str, Person] = {}

    @classmethod
    def of(cls, members: Iterable[Member], config: Config, today: date) -> Network:
        """The network of these members (each contact's `member`)."""
        return cls((), config, today, members)

    # -- lookups ------------------------------------------------------------------------------

    def _find(self, named: Named) -> str | None:
        """The contact an introduction names: a link by its path (from the root or a trailing part),
        else by file name, name or alias, all words alike (as `vaultcrm touch`, without prefixes)."""
        text = named.text.replace("\\", "/")
        if named.link and "/" in text:
            wanted = fold(text.strip("/"))
            wanted = wanted[:-3] if wanted.endswith(".md") else wanted
            hits = {p for p in self.contacts if (f := fold(p[:-3])) == wanted or f.endswith("/" + wanted)}
        else:
            hits = self._names.get(person_key(named.name), set())
        return next(iter(hits)) if len(hits) == 1 else None

    def chain(self, path: str) -> tuple[PersonRef, ...]:
        """Who introduced the contact at `path`, who introduced them, and so on (the first introducer
        of each; a name that is no contact ends the chain, and so does a loop)."""
        out: list[PersonRef] = []
        seen = {path}
        while True:
            introducers = self.profiles[path].introduced_by
            if not introducers:
                break
            found = self._find(introducers[0])
            if found is None:
                out.append(PersonRef(introducers[0].name))
                break
            if found in seen:
                break
            seen.add(found)
            out.append(PersonRef(self.contacts[found].name, found))
            path = found
        return tuple(out)

    def person(self, path: str, status: str | None = None) -> Person:
        """The contact at `path` with its warmth."""
        key = f"{status}\0{path}"
        if key not in self._people:
            contact, prof = self.contacts[path], self.profiles[path]
            last = contact.last_day
            warm = bool(contact.active and last and add_duration(last, self.config.warm_within) >= self.today)
            companies = ", ".join(n.name for n in prof.companies) or None
            self._people[key] = Person(
                contact.name, path, status, companies, prof.role, prof.stage_name or prof.stage,
                last, contact.evidence, contact.touch_count, contact.gives, contact.asks, warm, self.chain(path))
        return self._people[key]

    def people(self, *, tag: str | None = None, how_met: str | None = None) -> tuple[Person, ...]:
        """The active contacts with the tag (or a child of it) and whose `how_met` holds the text, warmest first."""
        return tuple(sorted((self.person(c.path) for c in self._matching(tag, how_met)), key=warmth_order))

    def _matching(self, tag: str | None, how_met: str | None) -> list[Member]:
        wanted_tag = tag.strip().lstrip("#").lower() if tag else None
        wanted_text = fold(" ".join(how_met.split())) if how_met else None
        return [c for c in self.contacts.values() if c.active
                and (wanted_tag is None or has_tag(c.tags, (wanted_tag,)))
                and (wanted_text is None or wanted_text in fold(" ".join((c.how_met or "").split())))]

    def connectors(self, among: Iterable[Person] | None = None) -> tuple[Connector, ...]:
        """People who introduced others, most introductions first, then warmest. With `among`, only
        those on the chains of introductions that lead to these people."""
        paths = set(self.introduced)
        if among is not None:
            paths &= {ref.note for p in among for ref in p.introduced_by if ref.note is not None}
        found = [Connector(self.person(path), tuple(PersonRef(self.contacts[i].name, i) for i in self.introduced[path]))
                 for path in paths if self.contacts[path].active]
        return tuple(sorted(found, key=lambda c: (-len(c.introduced), warmth_order(c.person))))

    # -- companies -----------------------------------------------------------------------------

    def at(self, company: str, *, tag: str | None = None, how_met: str | None = None) -> CompanyPath:
        """The way into `company`: its people now and formerly (with the other filters), the
        connectors, and the next step."""
        wanted = name_key(company)
        target = next((t for t in self.config.targets if name_key(t.company) == wanted), None)
        now: list[Person] = []
        formerly: list[Person] = []
        for contact in self._matching(tag, how_met):
            prof = self.profiles[contact.path]
            if any(n.key == wanted for n in prof.companies):
                now.append(self.person(contact.path, "now"))
            elif any(n.key == wanted for n in prof.former_companies):
                formerly.append(self.person(contact.path, "formerly"))
        now.sort(key=warmth_order)
        formerly.sort(key=warmth_order)
        name = target.company if target else " ".join(company.split())
        on_chains, everyone = self.connectors([*now, *formerly]), self.connectors()
        return CompanyPath(name, target, tuple(now), tuple(formerly), on_chains if now or formerly else everyone,
                           _next_step(name, now, formerly, on_chains, everyone))

    def targets(self) -> list[CompanyPath]:
        """One CompanyPath per `targets` entry, in the config's order."""
        return [self.at(target.company) for target in self.config.targets]


def _next_step(company: str, now: Sequence[Person], formerly: Sequence[Person], on_chains: Sequence[Connector],
               everyone: Sequence[Connector]) -> NextStep:
    """behaviour §12.1: write to the warmest there; else ask a warm connector (one on the way to
    someone there first) for an intro; else reconnect with the warmest there; else nothing to do."""
    warm = _warmest(now, formerly)
    if warm is not None:
        where = "" if warm.status == "now" else f", formerly at {company}"
        return NextStep("write", warm.ref, None, f"Write to {warm.name}{where}: {_warmth(warm)}")
    known = [*now, *formerly]
    for connector in on_chains:
        if connector.person.warm:
            to = next(p for p in known if connector.person.note in {r.note for r in p.introduced_by})
            return NextStep("intro", connector.person.ref, to.ref,
                            f"Ask {connector.person.name} for an intro to {to.name} at {company}: "
                            f"{_warmth(connector.person)}")
    there = {p.note for p in known}
    helper = next((c for c in everyone if c.person.warm and c.person.note not in there), None)
    if helper is not None:
        to_text = f"{known[0].name} at {company}" if known else f"someone at {company}"
        return NextStep("intro", helper.person.ref, known[0].ref if known else None,
                        f"Ask {helper.person.name} for an intro to {to_text}: {_warmth(helper.person)}")
    if known:
        return NextStep("reconnect", known[0].ref, None,
                        f"Reconnect with {known[0].name}: nobody at {company} is warm ({_warmth(known[0])})")
    return NextStep("none", None, None, f"Nobody you know is at {company} yet, and no connector is warm")


def _warmth(person: Person) -> str:
    """`last touch 2026-11-12, 5 touch days; 3 asks to 1 give: give first`."""
    if person.last_touch is None:
        text = "no touch yet"
    else:
        days = "touch day" if person.touch_count == 1 else "touch days"
        text = f"last touch {person.last_touch.isoformat()}, {person.touch_count} {days}"
    if person.asks > person.gives:
        text += f"; {person.asks} ask{'s' if person.asks != 1 else ''} to {person.gives} give" + (
            "s" if person.gives != 1 else "") + ": give first"
    return text
