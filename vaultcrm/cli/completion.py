"""Shell completion of contact names and aliases for `touch`, `snooze` and `show` (click's completion
machinery).

Enable it with `eval "$(_VAULTCRM_COMPLETE=bash_source vaultcrm)"` (zsh: `zsh_source`; fish:
`_VAULTCRM_COMPLETE=fish_source vaultcrm | source`). The names come from what the cache keeps of the
contacts' results (a sync, `due` or `touch` stored them for the day: their names alone when no note
changed since), else from every note's property block, so it is quick; any failure completes nothing
rather than printing an error into the shell.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vaultcrm.crm.names import fold

if TYPE_CHECKING:
    from vaultcrm.config import Config
    from vaultcrm.crm.names import Named
    from vaultcrm.pipeline import Memory
    from vaultcrm.vault.scan import ScanResult


def contact_names(vault: Path, incomplete: str = "", today: date | None = None) -> list[tuple[str, str | None]]:
    """(value, help) of the vault's contacts whose name or alias, or one of its words, starts with
    `incomplete` (case- and accent-insensitive): each name, and each alias with the name it stands
    for; sorted, a name before an alias spelled the same. `today` (default: the clock's) only picks
    the stored results to use."""
    from vaultcrm.config import load_config
    from vaultcrm.pipeline import open_memory

    config = load_config(vault)
    wanted = fold(incomplete.strip().strip("\"'"))
    found: dict[str, str | None] = {}
    aliases: dict[str, str] = {}
    with open_memory(vault) as memory:
        notes = memory.walk(config)
        day = today or date.today()
        contacts: Iterable[Named] | None = memory.names(config, notes, day)
        if contacts is None:
            kept = memory.results(config, notes, day)
            contacts = kept.results.values() if kept is not None else _read(vault, config, memory, notes)
        for contact in contacts:
            if _starts(contact.name, wanted):
                found[contact.name] = None
            for alias in contact.aliases:
                if _starts(alias, wanted):
                    aliases.setdefault(alias, f"alias of {contact.name}")
    found.update((alias, help) for alias, help in aliases.items() if alias not in found)
    return sorted(found.items(), key=lambda item: (fold(item[0]), item[1] is not None, item))


def _read(vault: Path, config: Config, memory: Memory, notes: ScanResult) -> Iterable[Named]:
    """The contacts, from every note's property block alone (what names them is all there)."""
    from vaultcrm.crm.contacts import is_contact, read_contact
    from vaultcrm.fields import field_keys
    from vaultcrm.parsed import Note
    from vaultcrm.vault.dates import DailyFormat, DateReader

    table, dates = field_keys(config.fields), DateReader(DailyFormat(config.daily_notes), config.date_order)
    for stat in notes.files:
        if stat.size > config.max_note_bytes:
            continue
        try:
            text = (vault / stat.path).read_bytes().decode("utf-8-sig")
        except (OSError, UnicodeDecodeError):
            continue
        props = memory.properties(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
        note = Note(stat.path, props.data, props.key_lines, (), (), props.error is None)
        if is_contact(note, config):
            yield read_contact(note, config, table, dates, [])


def _starts(name: str, wanted: str) -> bool:
    folded = fold(name)
    return not wanted or folded.startswith(wanted) or any(w.startswith(wanted) for w in folded.split())


def complete_contact(ctx: Any, _param: Any, incomplete: str) -> list[Any]:
    """A click `shell_complete` callback: contact names as completion items."""
    from click.shell_completion import CompletionItem

    from vaultcrm.cli.options import Context, find_vault

    try:
        state = ctx.find_object(Context)
        return [CompletionItem(value, help=help) for value, help in contact_names(
            find_vault(state.vault if state else None), incomplete, _day(state))]
    except Exception:
        return []


def _day(state: Any) -> date | None:
    """The command line's day (--today, $VAULTCRM_TODAY), if it reads as one."""
    try:
        return state.day if state is not None else None
    except Exception:
        return None
