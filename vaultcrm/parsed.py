"""What parsing one note yields (vault/notes.py and its fast path, cache/fast_parse.py): its links,
the lines that can carry a touch or a plan, its inline fields, and the note that holds them."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from vaultcrm.errors import Problem


@dataclass(frozen=True, slots=True)
class LinkRef:
    """A link in a note: its target text (before `#`, `^` or `|`, trimmed) and its line."""

    target: str
    line: int


@dataclass(frozen=True, slots=True)
class Entry:
    """One line-like unit of a note's body that can carry a touch or a plan.

    kind is "item" (a list item's own text), "heading", "row" (a table row) or "para" (a paragraph).
    Text in block quotes, code, comments and math never becomes an entry. `lead` is the date-shaped
    text opening the line when reading it needs the vault's settings or it is misspelt
    (vault.dates.read_lead); `date` is then None.
    """

    line: int
    kind: str
    text: str
    date: dt.date | None = None
    task: str | None = None
    done: dt.date | None = None
    planned: dt.date | None = None
    links: tuple[LinkRef, ...] = ()
    give: bool = False
    ask: bool = False
    tags: tuple[str, ...] = ()  # its `#tags` (vault/tags.py)
    lead: str | None = None


@dataclass(frozen=True, slots=True)
class InlineField:
    """A Dataview inline field in a note's body (`Key:: value`, `[key:: value]`): its key as written
    (formatting dropped), its value as text, and its line."""

    key: str
    value: str
    line: int


@dataclass(frozen=True, slots=True)
class Note:
    """What parsing one file's bytes yields: a pure function of those bytes. `fields` are the body's
    inline fields; `contact_tag` is the line of the body's first `#person`, `#people` or `#contact` tag."""

    path: str
    frontmatter: dict[str, Any]
    key_lines: dict[str, int]
    entries: tuple[Entry, ...]
    problems: tuple[Problem, ...]
    frontmatter_ok: bool = True
    fields: tuple[InlineField, ...] = ()
    contact_tag: int | None = None

    @property
    def stem(self) -> str:
        name = self.path.rsplit("/", 1)[-1]
        return name[:-3] if name.lower().endswith(".md") else name
