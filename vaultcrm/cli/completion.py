"""Shell completion of contact names for `touch` and `snooze` (click's completion machinery).

Enable it with `eval "$(_VAULTCRM_COMPLETE=bash_source vaultcrm)"` (zsh: `zsh_source`; fish:
`_VAULTCRM_COMPLETE=fish_source vaultcrm | source`). Only frontmatter is read, so it is quick; any
failure completes nothing rather than printing an error into the shell.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from vaultcrm.crm.names import fold


def contact_names(vault: Path, incomplete: str = "") -> list[str]:
    """The names of the vault's contacts whose name, or one of its words, starts with `incomplete`
    (case- and accent-insensitive), sorted."""
    from vaultcrm.config import load_config
    from vaultcrm.crm.contacts import is_contact, read_contact
    from vaultcrm.fields import field_keys
    from vaultcrm.model import Note
    from vaultcrm.pipeline import open_memory
    from vaultcrm.vault.dates import DailyFormat, DateReader
    from vaultcrm.vault.scan import scan

    config = load_config(vault)
    table, dates = field_keys(config.fields), DateReader(DailyFormat(config.daily_notes), config.date_order)
    wanted = fold(incomplete.strip().strip("\"'"))
    names: set[str] = set()
    memory = open_memory(vault)
    for found in scan(vault, config).files:
        if found.size > config.max_note_bytes:
            continue
        try:
            text = (vault / found.path).read_bytes().decode("utf-8-sig")
        except (OSError, UnicodeDecodeError):
            continue
        props = memory.properties(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
        note = Note(found.path, props.data, props.key_lines, (), (), props.error is None)
        if not is_contact(note, config):
            continue
        name = read_contact(note, config, table, dates, []).name
        folded = fold(name)
        if not wanted or folded.startswith(wanted) or any(w.startswith(wanted) for w in folded.split()):
            names.add(name)
    return sorted(names, key=lambda n: (fold(n), n))


def complete_contact(ctx: Any, _param: Any, incomplete: str) -> list[Any]:
    """A click `shell_complete` callback: contact names as completion items."""
    from click.shell_completion import CompletionItem

    from vaultcrm.cli.options import Context, find_vault

    try:
        state = ctx.find_object(Context)
        return [CompletionItem(name) for name in contact_names(find_vault(state.vault if state else None),
                                                               incomplete)]
    except Exception:
        return []
