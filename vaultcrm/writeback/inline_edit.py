"""Editing a Dataview inline field where the note keeps it (`Last contact:: 2026-10-02`,
`[last contact:: …]`): one value on one line changes, every other byte stays (behaviour §10).

The fields are the ones the plain parser reads (vault/notes.py), found again on their lines by the
same line reader (vault/inline.py); an edit is proven by parsing the new text: the properties and
every other field read the same, and the edited field reads as what was written.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from vaultcrm.fields import normalise_key
from vaultcrm.parsed import InlineField, Note
from vaultcrm.vault.inline import source_fields
from vaultcrm.vault.notes import parse


class InlineRefusal(Exception):
    """The field cannot be edited without risking other bytes; the message says why."""


class Located(NamedTuple):
    """A field as the parser read it, and its value's place on the note's line."""

    field: InlineField
    line_index: int  # its line's index in the note's text (BOM aside), split on "\n"
    start: int
    end: int


def _lines(text: str) -> list[str]:
    parts = text.split("\n")
    return [part + "\n" for part in parts[:-1]] + ([parts[-1]] if parts[-1] else [])


def _text(data: bytes) -> tuple[str, str]:
    text = data.decode("utf-8")
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    return bom, text[len(bom):]


def locate(data: bytes, keys: Sequence[str]) -> list[Located]:
    """The note's inline fields whose normalised key is in `keys`: those with a value first, then by
    the keys' priority, then by line."""
    note = parse("note.md", data)
    wanted = [f for f in note.fields if normalise_key(f.key) in keys]
    if not wanted:
        return []
    wanted.sort(key=lambda f: (not f.value, keys.index(normalise_key(f.key)), f.line))
    lines = _lines(_text(data)[1])
    found = []
    for field in wanted:
        raw = lines[field.line - 1] if field.line <= len(lines) else ""
        spans = [s for s in source_fields(raw) if (s.key, s.value) == (field.key, field.value)]
        if len(spans) != 1:
            raise InlineRefusal(f"its field {field.key!r} on line {field.line} is not where vaultcrm reads it")
        found.append(Located(field, field.line - 1, spans[0].start, spans[0].end))
    return found


def rewrite(data: bytes, at: Located, value: str) -> bytes:
    """The note with the field at `at` holding `value` (one line of text), proven."""
    if "\n" in value or "\r" in value:
        raise InlineRefusal("a field's value is one line")
    bom, text = _text(data)
    lines = _lines(text)
    raw = lines[at.line_index]
    before, after = raw[:at.start], raw[at.end:]
    if not value and not after.strip():
        before = before.rstrip(" \t")  # `Key::` emptied leaves no trailing space
    gap = " " if at.start == at.end and value and not before.endswith((" ", "\t")) else ""
    lines[at.line_index] = before + gap + value + after
    new = (bom + "".join(lines)).encode("utf-8")
    if not _proven(parse("note.md", data), parse("note.md", new), at.field, value.strip()):
        raise InlineRefusal("the change could not be made without touching other properties or the text")
    return new


def _proven(old: Note, new: Note, field: InlineField, value: str) -> bool:
    if old.frontmatter != new.frontmatter or len(old.fields) != len(new.fields):
        return False
    changed = [(a, b) for a, b in zip(old.fields, new.fields, strict=True) if a != b]
    if len(changed) != 1:
        return not changed and field.value == value
    before, after = changed[0]
    return before == field and after == InlineField(field.key, value, field.line)
