"""The memo of the last sync: a repeated `vaultcrm sync` answered without reading a note (issue #5).

After a sync writes (or leaves) the dashboard, `last-sync.json` in the per-device state folder records
a digest of everything the dashboard is a function of -- vaultcrm's code, the config, today, every
note's (path, size, mtime_ns, inode), the scan's problems, the dashboard template files -- with the
hash of the dashboard's bytes and the summary line. `unchanged_summary` lets `vaultcrm sync` answer a
repeated sync after a walk and one small read, without importing the parser or the renderer. It is
not recorded while any note is racy (see cache.RACY_NS), so a recorded digest can only match
unchanged notes. Like the note cache it is never needed for a correct result.
"""
from __future__ import annotations

import dataclasses
import json
import os
import time
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from vaultcrm.cache import store as cache
from vaultcrm.cache.store import code_fingerprint, enabled
from vaultcrm.digests import blake2b
from vaultcrm.state import state_dir

if TYPE_CHECKING:
    from vaultcrm.config import Config
    from vaultcrm.vault.scan import ScanResult

LAST_SYNC = "last-sync.json"
SCHEMA = 1  # bump when the record's layout changes
MAX_CONFIG_BYTES = 1 << 20  # dashboard template files larger than this disable the memo


def config_key(config: Config) -> str:
    """The settings as data (a rule by its source text, not its compiled test)."""
    parts = []
    for item in dataclasses.fields(config):
        value = getattr(config, item.name)
        if item.name == "rules":
            value = tuple((r.label, r.when, r.cadence, r.tier, r.skip) for r in value)
        parts.append((item.name, value))
    return repr(parts)


_last: tuple[Path, Config, ScanResult, date, str | None] | None = None  # the last digest made, and of what


def inputs_digest(vault: Path, config: Config, found: ScanResult, today: date) -> str | None:
    """A digest of everything a sync's dashboard depends on; None when a note is too new to trust.
    The same walk asked about again (the memo's check, then the sync) is answered from the first time."""
    global _last
    if not enabled():
        return None
    if _last is not None and _last[0] == vault and _last[1] is config and _last[2] is found and _last[3] == today:
        return _last[4]
    _last = (vault, config, found, today, _inputs_digest(vault, config, found, today))
    return _last[4]


def _inputs_digest(vault: Path, config: Config, found: ScanResult, today: date) -> str | None:
    newest_ok = time.time_ns() - cache.RACY_NS
    hasher = blake2b()
    hasher.update(f"{code_fingerprint()}\0{today.isoformat()}\0{config_key(config)}\0".encode("utf-8", "replace"))
    for problem in found.problems:
        hasher.update(repr(problem.as_dict()).encode("utf-8", "surrogateescape"))
    lines = []
    for f in found.files:
        if f.mtime_ns > newest_ok:
            return None
        lines.append(f"{f.path}\0{f.size}\0{f.mtime_ns}\0{f.inode}\n")
    hasher.update("".join(lines).encode("utf-8", "surrogateescape"))
    templates = vault / ".vaultcrm" / "templates"
    if templates.is_dir():
        total = 0
        for folder, dirs, names in sorted(os.walk(templates)):
            dirs.sort()
            for name in sorted(names):
                path = os.path.join(folder, name)
                try:
                    data = Path(path).read_bytes()
                except OSError:
                    return None
                total += len(data)
                if total > MAX_CONFIG_BYTES:
                    return None
                name = os.path.relpath(path, templates)
                hasher.update(f"{name}\0{len(data)}\0".encode("utf-8", "surrogateescape"))
                hasher.update(data)
    return hasher.hexdigest()


def remember_sync(vault: Path, inputs: str | None, text: str, summary: str) -> None:
    """Record a finished sync: its inputs, the dashboard's bytes (by hash) and its summary line."""
    if inputs is None or not enabled():
        return
    record = {"schema": SCHEMA, "inputs": inputs, "summary": summary,
              "dashboard": blake2b(text.encode("utf-8")).hexdigest()}
    try:
        folder = state_dir(vault)
        tmp = folder / f".{LAST_SYNC}.{os.getpid()}.tmp"
        tmp.write_text(json.dumps(record), "utf-8")
        os.replace(tmp, folder / LAST_SYNC)
    except OSError as exc:
        cache.log().debug("last sync not recorded: %s", exc)


def unchanged_summary(vault: Path, today: date, config: Config, found: ScanResult) -> str | None:
    """The summary of a sync that would change nothing, when the last sync proves it; else None.

    Costs a read of the dashboard and a digest of the walk `found`: no note is read, nothing is parsed
    or rendered, nothing is written. None sends the caller down the full pipeline.
    """
    if not enabled() or not vault.is_dir():
        return None
    from vaultcrm.errors import VaultcrmError
    from vaultcrm.writeback.atomic import contained_path

    try:
        record = json.loads((state_dir(vault) / LAST_SYNC).read_bytes())
        if record.get("schema") != SCHEMA:
            return None
        data = contained_path(vault, config.dashboard).read_bytes()
    except (OSError, ValueError, AttributeError, VaultcrmError):
        return None
    if blake2b(data).hexdigest() != record.get("dashboard"):
        return None
    digest = inputs_digest(vault, config, found, today)
    if digest is None or digest != record.get("inputs"):
        return None
    return f"{record['summary']} · unchanged"
