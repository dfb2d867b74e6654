"""What a contact's properties say about the person's work and relationship, for `who` and `show`:
employers now and before, role, stage and who introduced them (behaviour §2).

Read from `Contact.fm` (the properties, keys normalised) through the field table, so the config's
`[fields]` additions count; nothing here is kept in the note cache.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from vaultcrm.crm.contacts import is_empty
from vaultcrm.crm.names import fold
from vaultcrm.fields import ALL_KEYS_LISTS
from vaultcrm.model import Contact
from vaultcrm.vault.dates import link_target

# The relationship's stages, from the first meeting to working together, with the values each is
# also written as (compared folded: case, accents and ё ignored).
STAGES: dict[str, tuple[str, ...]] = {
    "acquaintance": ("acquainted", "met", "new", "знакомство", "знакомый", "знакомая", "знакомые"),
    "conversation": ("conversations", "talking", "in conversation", "engaged", "разговор", "беседа", "общение"),
    "trust": ("trusted", "доверие"),
    "partnership": ("partner", "partners", "collaboration", "партнёрство", "сотрудничество"),
}
_STAGE_OF = {fold(word): stage for stage, words in STAGES.items() for word in (stage, *words)}


@dataclass(frozen=True)
class Named:
    """A value naming a note: a link (`[[Companies/Acme|Acme Corp]]` names `Acme`) or plain text."""

    text: str  # as the reader sees it: a link's target, else the text
    name: str  # the note's name: a link target's last path part without `.md`, else the text
    link: bool

    @property
    def key(self) -> str:
        return name_key(self.name)


@dataclass(frozen=True)
class Profile:
    """A contact's employers, role, stage and introducers, as its properties give them."""

    companies: tuple[Named, ...] = ()
    former_companies: tuple[Named, ...] = ()
    role: str | None = None
    stage: str | None = None  # as written
    introduced_by: tuple[Named, ...] = ()

    @property
    def stage_name(self) -> str | None:
        """The stage's canonical name (`acquaintance` … `partnership`), or None when it is not one."""
        return stage_of(self.stage)



def name_key(text: str) -> str:
    """How names of companies are compared: folded (case and accents ignored), spaces collapsed."""
    return " ".join(fold(text).split())


def stage_of(value: str | None) -> str | None:
    """`Trust`, `доверие` -> `trust`; None for a value that is not a stage."""
    return _STAGE_OF.get(name_key(value)) if value else None


def stage_rank(value: str | None) -> int:
    """1 (acquaintance) to 4 (partnership); 0 for no stage or one not on the ladder."""
    stage = stage_of(value)
    return list(STAGES).index(stage) + 1 if stage else 0


def named(value: Any) -> list[Named]:
    """The notes or names a property value gives: each link, each list item, or the text whole (a
    company such as `Kotlin Labs, s.r.o.` keeps its comma)."""
    if is_empty(value) or isinstance(value, (bool, dict)):
        return []
    target = link_target(value)
    if target is not None:
        stem = target.replace("\\", "/").rsplit("/", 1)[-1]
        stem = stem[:-3] if stem.lower().endswith(".md") else stem
        return [Named(target, stem.strip(), True)] if stem.strip() else []
    if isinstance(value, list):
        return [n for item in value for n in named(item)]
    text = " ".join(str(value).split())
    return [Named(text, text, False)] if text else []


def contact_stage(contact: Contact, table: Mapping[str, tuple[str, ...]]) -> str | None:
    """The canonical stage of `contact`'s relationship (`acquaintance` … `partnership`), or None."""
    for key in table["stage"]:
        value = contact.fm.get(key)
        if not is_empty(value):
            found = [n.text for n in named(value)]
            return stage_of(", ".join(found)) if found else None
    return None


def profile(contact: Contact, table: Mapping[str, tuple[str, ...]]) -> Profile:
    """`contact`'s profile; `table` is `fields.field_keys(config.fields)`."""

    def values(field: str) -> list[Any]:
        found = [contact.fm[k] for k in table[field] if k in contact.fm and not is_empty(contact.fm[k])]
        return found if field in ALL_KEYS_LISTS else found[:1]

    def names(field: str) -> tuple[Named, ...]:
        unique: dict[str, Named] = {}
        for value in values(field):
            for one in named(value):
                unique.setdefault(one.key, one)
        return tuple(unique.values())

    def text(field: str) -> str | None:
        found = [n.text for v in values(field) for n in named(v)]
        return ", ".join(found) if found else None

    return Profile(names("company"), names("former_companies"), text("role"), text("stage"),
                   names("introduced_by"))
