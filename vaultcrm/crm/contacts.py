"""Notes -> contacts: detection, fields, and touches with their evidence (SPEC §2, §3)."""
from __future__ import annotations

import re
from collections.abc import Container, Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from vaultcrm.config import Config
from vaultcrm.fields import MULTI_VALUE_FIELDS, field_keys, normalise_key
from vaultcrm.model import Contact, Entry, Note, Plan, Problem, SuspiciousLink, Touch
from vaultcrm.vault.dates import (
    DailyFormat,
    link_target,
    parse_duration,
    parse_iso,
    to_date,
    to_month_day,
)
from vaultcrm.vault.links import LinkIndex, Resolution, key, name_of

CONTACT_TYPES = frozenset({"person", "people", "contact", "contacts"})
CONTACT_TAGS = ("person", "people", "contact")
INACTIVE_STATUS = frozenset({"archived", "inactive", "paused", "dormant"})
MEETING_KEYS = tuple(normalise_key(k) for k in ("people", "attendees", "participants", "with", "person"))
_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}
_LEADING_ISO = re.compile(r"(\d{4}-\d{2}-\d{2})")


@dataclass
class VaultIndex:
    """Everything the rules need: the contacts with their touches, and what was wrong on the way."""

    contacts: list[Contact] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    suspicious: list[SuspiciousLink] = field(default_factory=list)


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


NOTHING = Contribution(None, (), (), (), (), ())  # what most notes without links contribute


def outdated(names: Mapping[str, AbstractSet[str]], before: Iterable[str], now: Iterable[str]) -> set[str]:
    """The paths whose contributions may read differently now that the vault's notes are `now` instead
    of `before`: those whose `names` (Contribution.names) include that of a note that came or went."""
    came_or_went = {name_of(p) for p in set(before).symmetric_difference(now)}
    if not came_or_went:
        return set()
    return {path for path, looked_up in names.items() if not came_or_went.isdisjoint(looked_up)}


def parts_key(config: Config) -> str:
    """The settings a contribution depends on, as text (max_note_bytes: a note over it only gives a problem)."""
    return repr((config.contact_folders, config.daily_notes, tuple(sorted(config.fields.items())),
                 config.occasions, config.tiers, config.max_note_bytes))


class Contributor:
    """`contribute` for the notes of one vault: the link index is built on first use."""

    def __init__(self, paths: Iterable[str], config: Config, links: LinkIndex | None = None) -> None:
        self.paths, self.config, self.links = paths, config, links
        self.daily = DailyFormat(config.daily_notes)
        self.table = field_keys(config.fields)

    def prepare(self) -> LinkIndex:
        if self.links is None:
            self.links = LinkIndex(self.paths)
        return self.links

    def __call__(self, note: Note) -> Contribution:
        return contribute(note, self.config, self.table, self.daily, self.prepare())


def contribute(note: Note, config: Config, table: dict[str, tuple[str, ...]], daily: DailyFormat,
               links: LinkIndex) -> Contribution:
    """One note's contribution (see Contribution)."""
    problems = list(note.problems)
    contact = read_contact(note, config, table, daily, problems) if is_contact(note, config) else None
    facts = _NoteFacts(note, links, problems)
    daily_day = daily.day_of(note.path)
    for entry in note.entries:
        facts.entry(entry, daily_day)
    facts.meeting(daily)
    if contact is not None:
        contact.touches = list(dict.fromkeys(contact.touches))
    # each touch and plan once (two links to one person on a line, or an alias and a name)
    return Contribution(contact, tuple(problems), tuple(dict.fromkeys(facts.touches)),
                        tuple(dict.fromkeys(facts.plans)), tuple(facts.ambiguous), tuple(facts.unresolved),
                        frozenset(facts.names))


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
        if part.problems or part.ambiguous:
            index.problems += note_problems(path, part, contacts)
        for line, target, lookup in part.unresolved:
            meant = aliases.get(lookup)
            if meant is not None:
                suspicious.add(SuspiciousLink(path, line, target, meant))
    for contact in index.contacts:  # (a note gives each contact a touch or plan once: see contribute)
        contact.touches.sort(key=_touch_order)
        contact.plans.sort(key=lambda p: (p.day, p.note, p.line))
    index.suspicious = sorted(suspicious, key=lambda s: (s.note, s.line, s.target))
    index.problems.sort(key=Problem.sort_key)
    return index


def note_problems(path: str, part: Contribution, contacts: Container[str]) -> list[Problem]:
    """A note's problems: its own, and one for each ambiguous link of it that may mean a contact."""
    problems = list(part.problems)
    for line, target, result in part.ambiguous:
        if any(c in contacts for c in result.candidates):
            problems.append(Problem(
                path, line, f"the link [[{target}]] could mean any of {', '.join(result.candidates)}; "
                f"vaultcrm used {result.path}. Link with the full path, e.g. [[{result.path[:-3]}|{target}]]"))
    return problems


def targets(part: Contribution) -> set[str]:
    """The paths a contribution gives touches or plans to."""
    return {target for target, _ in part.touches} | {target for target, _ in part.plans}


# -- detection ------------------------------------------------------------------------------------

def _truthy(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    return None


def _texts(value: Any) -> list[str]:
    """A property value as a flat list of texts: lists, comma strings, link values, `[None]` dropped."""
    if value is None:
        return []
    target = link_target(value)
    if target is not None:
        return [target]
    if isinstance(value, list):
        return [text for item in value for text in _texts(item)]
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return [part.strip() for part in str(value).split(",") if part.strip()]
    return []


def tags_of(frontmatter: Mapping[str, Any]) -> tuple[str, ...]:
    """Frontmatter tags, lower-case, without `#`, split on commas and spaces, empty items dropped."""
    out: list[str] = []
    for name, value in frontmatter.items():
        if normalise_key(name) in ("tags", "tag"):
            for text in _texts(value):
                out += [t.lstrip("#").lower() for t in text.split() if t.lstrip("#")]
    return tuple(dict.fromkeys(out))


def is_contact(note: Note, config: Config) -> bool:
    """SPEC §2: by contact folder at any depth, by type/category, or by tag; never when ignored."""
    fm = {normalise_key(k): v for k, v in note.frontmatter.items()}
    if str(fm.get("vaultcrm", "")).strip().lower() == "ignore" or _truthy(fm.get("contact")) is False:
        return False
    folders = note.path.split("/")[:-1]
    wanted = {f.casefold() for f in config.contact_folders}
    if any(f.casefold() in wanted for f in folders) and note.stem.casefold() != folders[-1].casefold():
        return True
    for name in ("type", "category", "categories"):
        for text in _texts(fm.get(name)):
            if text.rsplit("/", 1)[-1].strip().lower() in CONTACT_TYPES:
                return True
    return any(t == c or t.startswith(c + "/") for t in tags_of(note.frontmatter) for c in CONTACT_TAGS)


# -- fields ---------------------------------------------------------------------------------------

class _Fields:
    """A contact's frontmatter looked up by field, with problems reported at the key's line."""

    def __init__(self, note: Note, table: dict[str, tuple[str, ...]], problems: list[Problem]) -> None:
        self.note, self.table, self.problems = note, table, problems
        self.by_key: dict[str, list[tuple[str, Any]]] = {}
        for orig, value in note.frontmatter.items():
            if not _empty(value):
                self.by_key.setdefault(normalise_key(orig), []).append((orig, value))

    def all(self, name: str) -> list[tuple[str, Any]]:
        """Every non-empty (key, value) of the field, in priority order."""
        return [hit for wanted in self.table.get(name, (normalise_key(name),)) for hit in self.by_key.get(wanted, ())]

    def first(self, name: str) -> tuple[str, Any] | None:
        values = self.all(name)
        return values[0] if values else None

    def text(self, name: str) -> str | None:
        """A text-or-link field for display: links by their target, lists joined with commas."""
        hit = self.first(name)
        texts = _texts(hit[1]) if hit else []
        return ", ".join(texts) if texts else None

    def problem(self, key_name: str, message: str) -> None:
        self.problems.append(Problem(self.note.path, self.note.key_lines.get(key_name), message))

    def convert(self, name: str, convert: Any) -> Any:
        hit = self.first(name)
        if hit is None:
            return None
        try:
            return convert(hit[1])
        except ValueError as exc:
            self.problem(hit[0], f"{hit[0]}: {exc}; it is ignored")
            return None


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == [None] or value == {}


def read_contact(note: Note, config: Config, table: dict[str, tuple[str, ...]], daily: DailyFormat,
                 problems: list[Problem]) -> Contact:
    """A contact's fields, coerced explicitly per field (YAML's own typing is never trusted)."""
    fields = _Fields(note, table, problems)
    fm: dict[str, Any] = {}
    for orig, value in note.frontmatter.items():
        fm.setdefault(normalise_key(orig), value)
    name_hit = fields.first("name")
    name = str(name_hit[1]).strip() if name_hit and isinstance(name_hit[1], (str, int, float)) else note.stem
    contact = Contact(path=note.path, name=" ".join(name.split()) or note.stem, fm=fm)
    aliases = fields.first("aliases")
    contact.aliases = tuple(_texts(aliases[1])) if aliases else ()
    contact.tags = tags_of(note.frontmatter)
    status = fields.first("status")
    inactive = status is not None and str(status[1]).strip().lower() in INACTIVE_STATUS
    inactive = inactive or _truthy(fm.get("paused")) is True or _truthy(fm.get("archived")) is True
    contact.active = not (inactive or _truthy(fm.get("active")) is False)
    tier_hit = fields.first("tier")
    if tier_hit is not None:
        contact.own_tier = config.tier_named(tier_hit[1])
        if contact.own_tier is None:
            names = ", ".join(t.name for t in config.tiers)
            fields.problem(tier_hit[0], f"{tier_hit[0]}: {str(tier_hit[1])!r} is not a tier ({names} or their "
                                        "other names); the contact is treated as having no tier")
    contact.cadence = fields.convert("cadence", parse_duration)
    contact.created = fields.convert("created", lambda v: to_date(v, daily))
    contact.snooze_until = fields.convert("snooze_until", lambda v: to_date(v, daily))
    contact.company, contact.how_met, contact.channel = (fields.text(n) for n in ("company", "how_met", "channel"))
    for name in MULTI_VALUE_FIELDS:
        for key_name, value in fields.all(name):
            try:
                day = to_date(value, daily)
            except ValueError as exc:
                fields.problem(key_name, f"{key_name}: {exc}; it is ignored")
                continue
            if day is None:
                continue
            if name == "met":
                contact.met = max(contact.met or day, day)
            contact.touches.append(Touch(day, note.path, note.key_lines.get(key_name), "field"))
    occasions = []
    for occasion in config.occasions:
        hit = fields.first(occasion)
        if hit is None:
            continue
        try:
            parsed = to_month_day(hit[1])
        except ValueError as exc:
            fields.problem(hit[0], f"{hit[0]}: {exc}; it is ignored")
            continue
        if parsed is not None:
            occasions.append((occasion, *parsed))
    contact.occasions = tuple(occasions)
    return contact


# -- touches --------------------------------------------------------------------------------------

class _NoteFacts:
    """Turns one note's dated lines, daily-note lines and meeting properties into touches and plans
    for the note paths its links resolve to (its own path for its own dated lines)."""

    def __init__(self, note: Note, links: LinkIndex, problems: list[Problem]) -> None:
        self.note, self.links, self.problems = note, links, problems
        self.touches: list[tuple[str, Touch]] = []
        self.plans: list[tuple[str, Plan]] = []
        self.ambiguous: list[tuple[int, str, Resolution]] = []
        self.unresolved: list[tuple[int, str, str]] = []
        self.seen: set[tuple[int, str]] = set()
        self.names: set[str] = set()

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

    def entry(self, entry: Entry, daily_day: date | None) -> None:
        note = self.note
        linked = [p for p in (self.resolve(link.target, link.line) for link in entry.links) if p is not None]
        if entry.task == "open":
            if entry.planned is not None:
                plan = Plan(entry.planned, note.path, entry.line, entry.text)
                self.plans += [(path, plan) for path in dict.fromkeys([note.path, *linked])]
            return
        day = entry.done if entry.task == "done" and entry.done else entry.date
        if day is not None:
            text, targets = entry.text, [note.path, *linked]
            source = "done" if entry.done else "line"
        elif daily_day is not None and linked:
            day, text, targets, source = daily_day, None, linked, "daily"
        else:
            return
        touch = Touch(day, note.path, entry.line, source, text, entry.give, entry.ask)
        self.touches += [(path, touch) for path in dict.fromkeys(targets)]

    def meeting(self, daily: DailyFormat) -> None:
        """T5: a note with a date whose people/attendees/... properties link to contacts."""
        note = self.note
        people = [(k, v) for k, v in note.frontmatter.items() if normalise_key(k) in MEETING_KEYS]
        if not people:
            return
        day: date | None = None
        for name, value in note.frontmatter.items():
            if normalise_key(name) == "date" and not _empty(value):
                try:
                    day = to_date(value, daily)
                except ValueError as exc:
                    self.problems.append(Problem(note.path, note.key_lines.get(name), f"{name}: {exc}"))
                break
        if day is None:
            match = _LEADING_ISO.match(note.stem)
            day = parse_iso(match[1]) if match else None
        for name, value in people:
            line = note.key_lines.get(name, 1)
            values = value if isinstance(value, list) and link_target(value) is None else [value]
            for item in values:
                target = link_target(item)
                if target is None:
                    continue
                path = self.resolve(re.split(r"[#^|]", target, maxsplit=1)[0].strip(), line)
                if path is not None and day is not None:
                    self.touches.append((path, Touch(day, note.path, line, "meeting")))
