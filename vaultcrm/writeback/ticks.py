"""Ticked boxes in the dashboard, each recorded in the contact's note as `vaultcrm touch` would (behaviour §6.3)."""
from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from urllib.parse import unquote

from vaultcrm.config import Config
from vaultcrm.errors import VaultcrmError
from vaultcrm.model import Contact
from vaultcrm.vault.links import key
from vaultcrm.writeback.commands import touch_contact

_FIRST_LINK = re.compile(r"\[\[([^\]|#^]+)|\[[^\]]*\]\(([^)\s]+)\)")


def ticked_contacts(ticked: Sequence[str], contacts: Sequence[Contact]) -> list[Contact]:
    """The contacts whose dashboard lines were ticked (by each line's first link); unknown ones refuse."""
    by_stem = {key(c.path[:-3]): c for c in contacts}
    found: dict[str, Contact] = {}
    for text in ticked:
        match = _FIRST_LINK.search(text)
        if match is None:
            continue
        target = match[1] if match[1] is not None else unquote(match[2])
        target = target.strip()
        target = target[:-3] if target.lower().endswith(".md") else target
        contact = by_stem.get(key(target))
        if contact is None:
            raise VaultcrmError(f"a ticked box in the dashboard names {target!r}, which is no longer a contact; "
                                "the tick was not recorded and the dashboard was not rewritten",
                                hint="untick it, or restore the note, then sync again")
        found.setdefault(contact.path, contact)
    return list(found.values())


def record_ticks(vault: Path, contacts: Sequence[Contact], config: Config, today: date, *,
                 dry_run: bool = False) -> list[Contact]:
    """Record each ticked contact as touched today, exactly as `vaultcrm touch` would (`dry_run`: only
    prove that each note can take it, writing nothing)."""
    for contact in contacts:
        touch_contact(vault, contact, config, today, dry_run=dry_run)
    return list(contacts)
