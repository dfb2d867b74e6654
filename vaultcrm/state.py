"""Per-device state (cache, lock, log) lives outside the vault, keyed by the vault's resolved path."""
from __future__ import annotations

import os
import re
from pathlib import Path


def state_root() -> Path:
    """`$VAULTCRM_STATE_DIR`, else the user's cache directory for vaultcrm."""
    override = os.environ.get("VAULTCRM_STATE_DIR")
    if override:
        return Path(override)
    import platformdirs  # only when needed: it costs a few ms at start-up

    return Path(platformdirs.user_cache_dir("vaultcrm", appauthor=False))


def state_dir(vault: Path) -> Path:
    """This vault's own state folder (created on demand): `<root>/<vault name>-<hash of its path>`."""
    from vaultcrm.digests import sha256

    resolved = str(vault.resolve())
    digest = sha256(resolved.encode("utf-8")).hexdigest()[:12]
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", vault.resolve().name).strip("-")[:40] or "vault"
    folder = state_root() / f"{slug}-{digest}"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
