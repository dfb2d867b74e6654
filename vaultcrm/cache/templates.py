"""Dashboard templates compiled once per version of their text, kept in the per-device state folder
(compiling the dashboard's takes longer than a sync after an edit spends on everything else it
renders). Only a cache: one that cannot be read or written is compiled again."""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from jinja2 import FileSystemBytecodeCache
from jinja2.bccache import Bucket

from vaultcrm.state import state_dir


class _CompiledTemplates(FileSystemBytecodeCache):
    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except OSError:
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass


@lru_cache(maxsize=8)
def compiled_templates(vault: Path) -> FileSystemBytecodeCache | None:
    """The vault's folder of compiled templates (one object per vault), or None when it cannot be made."""
    try:
        folder = str(state_dir(vault) / "templates")
        os.makedirs(folder, exist_ok=True)
    except OSError:
        return None
    return _CompiledTemplates(folder)
