"""The memo of the last sync: a repeated `vaultcrm sync` answered without reading a note.

After a sync writes (or leaves) the dashboard, `last-sync.json` in the per-device state folder records
the fingerprint of its inputs (cache/fingerprint.py, `Fingerprint.inputs`: vaultcrm's code, the
config, today, every note's key, the scan's problems, the vault's own templates) with the hash of the
dashboard's bytes and the summary line. `unchanged_summary` then answers a repeated sync after a walk
and one small read, without importing the parser or the renderer. No record is made while any note is
racy (cache/changes.py), so a recorded fingerprint can only match unchanged notes.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from vaultcrm.digests import blake2b
from vaultcrm.state import state_dir

LAST_SYNC = "last-sync.json"
SCHEMA = 1  # bump when the record's layout changes


def remember_sync(vault: Path, inputs: str | None, text: str, summary: str) -> None:
    """Record a finished sync: its inputs, the dashboard's bytes (by hash) and its summary line."""
    if inputs is None:
        return
    record = {"schema": SCHEMA, "inputs": inputs, "summary": summary,
              "dashboard": blake2b(text.encode("utf-8")).hexdigest()}
    try:
        folder = state_dir(vault)
        tmp = folder / f".{LAST_SYNC}.{os.getpid()}.tmp"
        tmp.write_text(json.dumps(record), "utf-8")
        os.replace(tmp, folder / LAST_SYNC)
    except OSError as exc:
        from vaultcrm.cache.store import log

        log().debug("last sync not recorded: %s", exc)


def unchanged_summary(vault: Path, dashboard: Path, inputs: str | None) -> str | None:
    """The summary of a sync that would change nothing, when the last sync proves it; else None.

    Costs a read of the dashboard and the fingerprint of the walk: no note is read, nothing is
    parsed or rendered, nothing is written. None sends the caller down the full pipeline.
    """
    if inputs is None:
        return None
    try:
        record = json.loads((state_dir(vault) / LAST_SYNC).read_bytes())
        if record.get("schema") != SCHEMA or record.get("inputs") != inputs:
            return None
        data = dashboard.read_bytes()
    except (OSError, ValueError, AttributeError):
        return None
    if blake2b(data).hexdigest() != record.get("dashboard"):
        return None
    return f"{record['summary']} · unchanged"
