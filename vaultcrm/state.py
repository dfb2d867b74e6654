"""Per-device state (cache, log) lives outside the vault, keyed by the vault's resolved path; the daemon's
lock lives in the user's runtime folder, which deleting the state folder leaves alone."""
from __future__ import annotations

import os
import re
import stat
from pathlib import Path


def state_root() -> Path:
    """`$VAULTCRM_STATE_DIR`, else the user's cache directory for vaultcrm."""
    override = os.environ.get("VAULTCRM_STATE_DIR")
    if override:
        return Path(override)
    import platformdirs  # only when needed: it costs a few ms at start-up

    return Path(platformdirs.user_cache_dir("vaultcrm", appauthor=False))


def vault_key(vault: Path) -> str:
    """`<vault name>-<hash of its resolved path>`: the vault's name in per-device folders."""
    from vaultcrm.digests import sha256

    resolved = str(vault.resolve())
    digest = sha256(resolved.encode("utf-8")).hexdigest()[:12]
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", vault.resolve().name).strip("-")[:40] or "vault"
    return f"{slug}-{digest}"


def state_dir(vault: Path) -> Path:
    """This vault's own state folder (created on demand): `<root>/<vault key>`."""
    folder = state_root() / vault_key(vault)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def runtime_dir() -> Path:
    """The user's own runtime folder for vaultcrm (created on demand, private): `$XDG_RUNTIME_DIR/vaultcrm`,
    else `vaultcrm-<user>` in the temporary folder. Neither is the state folder, which may be deleted
    at any time."""
    import tempfile

    from vaultcrm.errors import FileSystemError

    base = os.environ.get("XDG_RUNTIME_DIR", "")
    user = str(os.getuid()) if hasattr(os, "getuid") else os.environ.get("USERNAME", "user")
    if base and os.path.isdir(base):
        folder = Path(base) / "vaultcrm"
    else:
        folder = Path(tempfile.gettempdir()) / f"vaultcrm-{user}"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    st = os.lstat(folder)
    if not stat.S_ISDIR(st.st_mode) or (hasattr(os, "getuid") and st.st_uid != os.getuid()):
        raise FileSystemError(f"{folder} is not a folder of yours, so vaultcrm keeps no lock there",
                              hint="remove it, or set XDG_RUNTIME_DIR to a private folder")
    return folder
