"""Notes -> touches and plans for contacts: what each note contributes, resolved through its links,
and every contribution assembled into the contacts' touch histories (behaviour §3)."""
from __future__ import annotations

import re
from collections.abc import Container, Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import date

from vaultcrm.config import Config
from vaultcrm.crm.contacts import is_contact, is_empty, read_contact, tags_of
from vaultcrm.errors import Problem
from vaultcrm.fields import field_keys, normalise_key
from vaultcrm.model import Contact, Plan, SuspiciousLink, Touch
from vaultcrm.parsed import Entry, Note
from vaultcrm.vault.dates import DailyFormat, DateReader, link_target, parse_iso, to_date
from vaultcrm.vault.inline import properties
from vaultcrm.vault.links import LinkIndex, Resolution, key, name_of

MEETING_KEYS = tuple(normalise_key(k) for k in ("people", "attendees", "participants", "with", "person"))
_LEADING_ISO = re.compile(r"(\d{4}-\d{2}-\d{2})")

@dataclass
class VaultIndex:
    """Everything the rules need: the contacts with their touches, and what was wrong on the way."""

    contacts: list[Contact] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    suspicious: list[SuspiciousLink] = field(default_factory=list)
    hints: list[Problem] = field(default_factory=list)  # what may be meant otherwise; not problems


@dataclass(frozen=True)
class Contribution:
    """What one note says, its links resolved to note paths: whether it is a contact (with its fields
    read), and the touches, plans, ambiguous and unresolved links it gives other notes. It depends on
    the note, the config and, through its links, on which notes bear the `names` it looked up; so it
    stays true while those stay the same (see `outdated`)."""

    contact: Contact | None
    problems: tuple[Problem, ...]
    touches: tuple[tuple[str, Touch], ...]
    plans: tuple[tuple[str, Plan], ...]
    ambiguous: tuple[tuple[int, str, Resolution], ...]
    unresolved: tuple[tuple[int, str, str], ...]  # (line, target, its lookup key)
    names: frozenset[str] = frozenset()  # the note names (links.name_of) its links were looked up by
    undated: tuple[tuple[int, str, tuple[str, ...]], ...] = ()  # (line, why, the paths it would touch)
    hints: tuple[Problem, ...] = ()  # suspicious, not wrong (a body-only #person tag)


NOTHING = Contribution(None, (), (), (), (), ())  # what most notes without links contribute


def outdated(names: Mapping[str, AbstractSet[str]], before: Iterable[str], now: Iterable[str]) -> set[str]:
    """The paths whose contributions may read differently now that the vault's notes are `now` instead
    of `before`: those whose `names` (Contribution.names) include that of a note that came or went."""
    came_or_went = {name_of(p) for p in set(before).symmetric_difference(now)}
    if not came_or_went:
        return set()
    return {path for path, looked_up in names.items() if not came_or_went.isdisjoint(looked_up)}




class Contributor:
    """`contribute` for the notes of one vault: the link index is built on first use."""

    def __init__(self, paths: Iterable[str], config: Config, links: LinkIndex | None = None) -> None:
        self.paths, self.config, self.links = paths, config, links
        self.dates = DateReader(DailyFormat(config.daily_notes), config.date_order)
        self.table = field_keys(config.fields)

    def prepare(self) -> LinkIndex:
        if self.links is None:
            self.links = LinkIndex(self.paths)
        return self.links

    def __call__(self, note: Note) -> Contribution:
        return contribute(note, self.config, self.table, self.dates, self.prepare())


def contribute(note: Note, config: Config, table: dict[str, tuple[str, ...]], dates: DateReader,
               links: LinkIndex) -> Contribution:
    """One note's contribution (see Contribution)."""
    problems = list(note.problems)
    contact = read_contact(note, config, table, dates, problems) if is_contact(note, config) else None
    facts = _NoteFacts(note, links, problems, dates)
    daily_day = dates.daily.day_of(note.path) if dates.daily is not None else None
    for entry in note.entries:
        facts.entry(entry, daily_day)
    facts.meeting()
    if contact is not None:
        contact.touches = list(dict.fromkeys(contact.touches))
    # each touch and plan once (two links to one person on a line, or an alias and a name)
    return Contribution(contact, tuple(problems), tuple(dict.fromkeys(facts.touches)),
                        tuple(dict.fromkeys(facts.plans)), tuple(facts.ambiguous), tuple(facts.unresolved),
                        frozenset(facts.names), tuple(facts.undated), _hints(note, contact))


def _hints(note: Note, contact: Contact | None) -> tuple[Problem, ...]:
    """A note tagged `#person` only in its text is no contact (behaviour §2): said, as a hint."""
    if contact is not None or note.contact_tag is None:
        return ()
    return (Problem(note.path, note.contact_tag, "this note is tagged as a person in its text, which does not "
                    "make it a contact: add `tags: [person]` to its properties, or move it into a contact folder"),)


def _touch_order(touch: Touch) -> tuple[date, str, int, str]:
    return touch.day, touch.evidence, touch.line or 0, touch.source


def assemble(parts: Mapping[str, Contribution], today: date) -> VaultIndex:
    """Every contribution applied to fresh copies of the contacts: touches up to today, plans,
    ambiguous links that may mean a contact, and links that name a contact's alias."""
    index = VaultIndex()
    contacts: dict[str, Contact] = {}
    for path, part in parts.items():
        if part.contact is not None:
            contact = part.contact.attributable(today)
            contacts[path] = contact
            index.contacts.append(contact)
    aliases: dict[str, str] = {}  # an alias (or `name`) -> the contact it probably means
    for contact in index.contacts:
        for alias in (*contact.aliases, contact.name):
            aliases.setdefault(key(alias), contact.path)
    suspicious: set[SuspiciousLink] = set()
    for path, part in parts.items():
        for target, touch in part.touches:
            found = contacts.get(target)
            if found is not None and touch.day <= today:
                found.touches.append(touch)
        for target, plan in part.plans:
            found = contacts.get(target)
            if found is not None:
                found.plans.append(plan)
        if part.problems or part.ambiguous or part.undated:
            index.problems += note_problems(path, part, contacts)
        index.hints += part.hints
        for line, target, lookup in part.unresolved:
            meant = aliases.get(lookup)
            if meant is not None:
                suspicious.add(SuspiciousLink(path, line, target, meant))
    for contact in index.contacts:  # (a note gives each contact a touch or plan once: see contribute)
        contact.touches.sort(key=_touch_order)
        contact.plans.sort(key=lambda p: (p.day, p.note, p.line))
    index.suspicious = sorted(suspicious, key=lambda s: (s.note, s.line, s.target))
    index.problems.sort(key=Problem.sort_key)
    index.hints.sort(key=Problem.sort_key)
    return index


def note_problems(path: str, part: Contribution, contacts: Container[str]) -> list[Problem]:
    """A note's problems: its own, one for each ambiguous link of it that may mean a contact, and one
    for each line whose date could not be read that would have been a contact's touch or plan."""
    problems = list(part.problems)
    for line, why, paths in part.undated:
        if any(p in contacts for p in paths):
            problems.append(Problem(path, line, f"this line starts with a date vaultcrm cannot read, so it is "
                                                f"not counted: {why}"))
    for line, target, result in part.ambiguous:
        if result.path is not None and any(c in contacts for c in result.candidates):
            problems.append(Problem(
                path, line, f"the link [[{target}]] could mean any of {', '.join(result.candidates)}; "
                f"vaultcrm used {result.path}. Link with the full path, e.g. [[{result.path[:-3]}|{target}]]"))
    return problems


# -- touches --------------------------------------------------------------------------------------

class _NoteFacts:
    """Turns one note's dated lines, daily-note lines and meeting properties into touches and plans
    for the note paths its links resolve to (its own path for its own dated lines)."""

    def __init__(self, note: Note, links: LinkIndex, problems: list[Problem], dates: DateReader) -> None:
        self.note, self.links, self.problems, self.dates = note, links, problems, dates
        self.touches: list[tuple[str, Touch]] = []
        self.plans: list[tuple[str, Plan]] = []
        self.ambiguous: list[tuple[int, str, Resolution]] = []
        self.unresolved: list[tuple[int, str, str]] = []
        self.seen: set[tuple[int, str]] = set()
        self.names: set[str] = set()
        self.undated: list[tuple[int, str, tuple[str, ...]]] = []

    def resolve(self, target: str, line: int) -> str | None:
        result = self.links.resolve(target, self.note.path)
        self.names |= result.names
        mark = (line, target)
        first = mark not in self.seen
        self.seen.add(mark)
        if result.path is None:
            if first:
                self.unresolved.append((line, target, key(target)))
        elif result.candidates and first:
            self.ambiguous.append((line, target, result))
        return result.path

    def leading_date(self, entry: Entry, linked: list[str]) -> date | None:
        """The date opening the entry's line: the parser's, else its lead read with the vault's settings
        (one that cannot be read is kept, with why, for the contacts the line concerns)."""
        if entry.lead is None:
            return entry.date
        try:
            return self.dates.lead(entry.lead)
        except ValueError as exc:
            self.undated.append((entry.line, str(exc), tuple(dict.fromkeys([self.note.path, *linked]))))
            return None

    def entry(self, entry: Entry, daily_day: date | None) -> None:
        note = self.note
        linked = [p for p in (self.resolve(link.target, link.line) for link in entry.links) if p is not None]
        if entry.task == "open":
            planned = entry.planned
            if planned is None and entry.kind == "item":
                planned = self.leading_date(entry, linked)
            if planned is not None:
                plan = Plan(planned, note.path, entry.line, entry.text)
                self.plans += [(path, plan) for path in dict.fromkeys([note.path, *linked])]
            return
        day = entry.done if entry.task == "done" and entry.done else self.leading_date(entry, linked)
        if day is not None:
            targets = [note.path, *linked]
            source = "done" if entry.done else "line"
        elif daily_day is not None and linked:
            day, targets, source = daily_day, linked, "daily"
        else:
            return
        touch = Touch(day, note.path, entry.line, source, entry.text, entry.give, entry.ask, entry.tags)
        self.touches += [(path, touch) for path in dict.fromkeys(targets)]

    def meeting(self) -> None:
        """T5: a note with a date whose people/attendees/... properties (or inline fields) link to contacts."""
        note = self.note
        props = properties(note)
        people = [(k, v, line) for k, v, line in props if normalise_key(k) in MEETING_KEYS]
        if not people:
            return
        day: date | None = None
        for name, value, line in props:
            if normalise_key(name) == "date" and not is_empty(value):
                try:
                    day = to_date(value, self.dates)
                except ValueError as exc:
                    self.problems.append(Problem(note.path, line, f"{name}: {exc}"))
                break
        if day is None:
            match = _LEADING_ISO.match(note.stem)
            day = parse_iso(match[1]) if match else None
        tags = tags_of(note.frontmatter)
        for _, value, key_line in people:
            line = key_line or 1
            values = value if isinstance(value, list) and link_target(value) is None else [value]
            for item in values:
                target = link_target(item)
                if target is None:
                    continue
                path = self.resolve(re.split(r"[#^|]", target, maxsplit=1)[0].strip(), line)
                if path is not None and day is not None:
                    self.touches.append((path, Touch(day, note.path, line, "meeting", tags=tags)))
