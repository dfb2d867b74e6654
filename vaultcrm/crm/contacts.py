"""Notes -> contacts: which notes are people, and their fields read as users write them (behaviour §2)."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from vaultcrm.config import Config
from vaultcrm.durations import parse_duration
from vaultcrm.errors import Problem
from vaultcrm.fields import MULTI_VALUE_FIELDS, normalise_key, synonym_spelling
from vaultcrm.model import Contact, Touch
from vaultcrm.parsed import Note
from vaultcrm.vault.dates import DateReader, link_target, to_date, to_month_day
from vaultcrm.vault.inline import properties

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


def normalised(note: Note) -> dict[str, Any]:
    """A note's properties by normalised key: the frontmatter's first, then its inline fields'."""
    fm: dict[str, Any] = {}
    for key, value, _ in properties(note):
        fm.setdefault(normalise_key(key), value)
    return fm


def is_contact(note: Note, config: Config) -> bool:
    """behaviour §2: by contact folder at any depth, by type/category, or by tag; never when ignored."""
    fm = normalised(note)
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

class _Hit(NamedTuple):
    key: str  # as written
    value: Any
    line: int | None


class _Fields:
    """A contact's properties looked up by field, with problems reported at the key's line. Where a
    field is set both ways, the frontmatter's values come before the inline fields' (behaviour §2)."""

    def __init__(self, note: Note, table: dict[str, tuple[str, ...]], problems: list[Problem]) -> None:
        self.note, self.table, self.problems = note, table, problems
        self.by_key: dict[str, tuple[list[_Hit], list[_Hit]]] = {}
        inline_from = len(note.frontmatter)
        for index, (orig, value, line) in enumerate(properties(note)):
            if not is_empty(value):
                self.by_key.setdefault(normalise_key(orig), ([], []))[index >= inline_from].append(
                    _Hit(orig, value, line))

    def all(self, name: str) -> list[_Hit]:
        """Every non-empty hit of the field, in priority order: frontmatter keys, then inline ones."""
        wanted = self.table.get(name, (normalise_key(name),))
        none: tuple[list[_Hit], list[_Hit]] = ([], [])
        return [hit for where in (0, 1) for key in wanted for hit in self.by_key.get(key, none)[where]]

    def first(self, name: str) -> _Hit | None:
        values = self.all(name)
        return values[0] if values else None

    def text(self, name: str) -> str | None:
        """A text-or-link field for display: links by their target, lists joined with commas."""
        hit = self.first(name)
        texts = _texts(hit.value) if hit else []
        return ", ".join(texts) if texts else None

    def problem(self, hit: _Hit, message: str) -> None:
        self.problems.append(Problem(self.note.path, hit.line, message))

    def convert(self, name: str, convert: Any) -> Any:
        hit = self.first(name)
        if hit is None:
            return None
        try:
            return convert(hit.value)
        except ValueError as exc:
            self.problem(hit, f"{hit.key}: {exc}; it is ignored")
            return None


def done_field(occasion: str) -> str:
    """The property recording the last occurrence of an occasion marked done (`birthday_done`)."""
    return f"{occasion}_done"


def is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == [None] or value == {}


def read_contact(note: Note, config: Config, table: dict[str, tuple[str, ...]], dates: DateReader,
                 problems: list[Problem]) -> Contact:
    """A contact's fields, coerced explicitly per field (YAML's own typing is never trusted)."""
    fields = _Fields(note, table, problems)
    fm = normalised(note)
    name_hit = fields.first("name")
    name = str(name_hit.value).strip() if name_hit and isinstance(name_hit.value, (str, int, float)) else note.stem
    contact = Contact(path=note.path, name=" ".join(name.split()) or note.stem, fm=fm)
    aliases = fields.first("aliases")
    contact.aliases = tuple(_texts(aliases.value)) if aliases else ()
    contact.tags = tags_of(note.frontmatter)
    status = fields.first("status")
    inactive = status is not None and str(status.value).strip().lower() in INACTIVE_STATUS
    inactive = inactive or _truthy(fm.get("paused")) is True or _truthy(fm.get("archived")) is True
    contact.active = not (inactive or _truthy(fm.get("active")) is False)
    tier_hit = fields.first("tier")
    if tier_hit is not None:
        contact.own_tier = config.tier_named(tier_hit.value)
        if contact.own_tier is None:
            names = ", ".join(t.name for t in config.tiers)
            fields.problem(tier_hit, f"{tier_hit.key}: {str(tier_hit.value)!r} is not a tier ({names} or their "
                                     "other names); the contact is treated as having no tier")
    contact.cadence = fields.convert("cadence", parse_duration)
    contact.created = fields.convert("created", lambda v: to_date(v, dates))
    contact.snooze_until = fields.convert("snooze_until", lambda v: to_date(v, dates))
    contact.company, contact.how_met, contact.channel = (fields.text(n) for n in ("company", "how_met", "channel"))
    for name in MULTI_VALUE_FIELDS:
        for hit in fields.all(name):
            try:
                day = to_date(hit.value, dates)
            except ValueError as exc:
                fields.problem(hit, f"{hit.key}: {exc}; it is ignored")
                continue
            if day is None:
                continue
            if name == "met":
                contact.met = max(contact.met or day, day)
            contact.touches.append(Touch(day, note.path, hit.line, "field"))
    occasions = []
    for occasion in config.occasions:
        found = fields.first(occasion)
        if found is None:
            continue
        try:
            parsed = to_month_day(found.value, dates)
        except ValueError as exc:
            fields.problem(found, f"{found.key}: {exc}; it is ignored")
            continue
        if parsed is None:
            continue
        occasions.append((occasion, *parsed))
        done_key = done_field(occasion)
        done = fields.convert(done_key, lambda v: to_date(v, dates))
        if done is not None:
            contact.occasions_done[occasion] = done
    contact.occasions = tuple(occasions)
    _unread_keys(fields, table)
    return contact


def _unread_keys(fields: _Fields, table: dict[str, tuple[str, ...]]) -> None:
    """A property no field reads whose key looks like a last-touch key (`last_contacted2`,
    `last_contact_date`, `последний контакт когда`) is a problem naming the key to write instead."""
    known = {key for keys in table.values() for key in keys}
    for key, (front, inline) in fields.by_key.items():
        meant = None if key in known else looks_like_last_touch(key, table["last_touch"])
        if meant is not None:
            hit = (front or inline)[0]
            fields.problem(hit, f"{hit.key}: this property is not read as the last touch; rename it to "
                                f"{synonym_spelling(meant)} (or add it to [fields] last_touch in "
                                ".vaultcrm/config.toml)")


def looks_like_last_touch(key: str, keys: tuple[str, ...]) -> str | None:
    """The last-touch key (normalised) that `key` (normalised, unknown) probably means, or None: it
    starts with one, the longest (`lastcontacted2`), or is a near spelling of one (`lastcontcat`)."""
    for wanted in sorted(keys, key=len, reverse=True):
        if len(wanted) >= 6 and key.startswith(wanted):
            return wanted
    if not any(not (key or k) or 2.0 * min(len(key), len(k)) / (len(key) + len(k)) >= _NEAR for k in keys):
        return None  # (difflib's own first test, real_quick_ratio, without importing difflib for `tags`)
    import difflib

    close = difflib.get_close_matches(key, keys, n=1, cutoff=_NEAR)
    return close[0] if close else None


_NEAR = 0.85  # how alike a near spelling is (difflib's ratio)

