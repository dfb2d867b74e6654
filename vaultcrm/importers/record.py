"""What the imports wrote into each note, kept per device (behaviour §12.4), so that `--overwrite`
replaces only values an import wrote and the user has not changed since.

The record lives in the per-device state folder (`state.state_dir`), never in the vault: nothing is
added to the user's notes, and the vault's promise that vaultcrm writes only notes and its dashboard
holds. Losing it (another device, a cleared cache, a renamed note) is safe: a value the record does
not vouch for counts as the user's, and `--overwrite` keeps it and shows the difference.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from vaultcrm.state import state_dir
from vaultcrm.writeback.atomic import atomic_write

FILE = "imported.json"
VERSION = 1


class ImportRecord:
    """note path -> field -> the value (as text) an import last wrote there."""

    def __init__(self, path: Path, notes: dict[str, dict[str, str]]) -> None:
        self.path, self.notes = path, notes
        self._saved = json.dumps(notes, sort_keys=True)

    @classmethod
    def load(cls, vault: Path) -> ImportRecord:
        """The vault's record on this device (empty when there is none, or it cannot be read)."""
        path = state_dir(vault) / FILE
        try:
            data: Any = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            data = None
        notes = data.get("notes") if isinstance(data, dict) and data.get("version") == VERSION else None
        if not isinstance(notes, dict):
            notes = {}
        clean = {note: {k: v for k, v in fields.items() if isinstance(v, str)}
                 for note, fields in notes.items() if isinstance(note, str) and isinstance(fields, dict)}
        return cls(path, clean)

    def wrote(self, note: str) -> Mapping[str, str]:
        return self.notes.get(note, {})

    def remember(self, note: str, fields: Mapping[str, str]) -> None:
        if fields:
            self.notes.setdefault(note, {}).update(fields)

    def save(self) -> None:
        """Written atomically, and only when it changed."""
        if json.dumps(self.notes, sort_keys=True) == self._saved:
            return
        text = json.dumps({"version": VERSION, "notes": self.notes}, ensure_ascii=False, indent=1, sort_keys=True)
        atomic_write(self.path, (text + "\n").encode("utf-8"))
        self._saved = json.dumps(self.notes, sort_keys=True)
