"""Notes -> contacts: which notes are people, and their fields read as users write them (behaviour §2)."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from vaultcrm.config import Config
from vaultcrm.durations import parse_duration
from vaultcrm.fields import MULTI_VALUE_FIELDS, normalise_key
from vaultcrm.model import Contact, Note, Problem, Touch
from vaultcrm.vault.dates import DailyFormat, link_target, to_date, to_month_day

CONTACT_TYPES = frozenset({"person", "people", "contact", "contacts"})
CONTACT_TAGS = ("person", "people", "contact")
INACTIVE_STATUS = frozenset({"archived", "inactive", "paused", "dormant"})
_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}


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
    """behaviour §2: by contact folder at any depth, by type/category, or by tag; never when ignored."""
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
            if not is_empty(value):
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


def done_field(occasion: str) -> str:
    """The property recording the last occurrence of an occasion marked done (`birthday_done`)."""
    return f"{occasion}_done"


def is_empty(value: Any) -> bool:
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
        if parsed is None:
            continue
        occasions.append((occasion, *parsed))
        done_key = done_field(occasion)
        done = fields.convert(done_key, lambda v: to_date(v, daily))
        if done is not None:
            contact.occasions_done[occasion] = done
    contact.occasions = tuple(occasions)
    return contact

