"""The only code that changes files in the vault: atomic, write-if-changed, inside the vault only."""
from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path, PurePosixPath

from .errors import ConfigError, NotOursError

# Fault-injection seam for tests: called with the target path after the temporary file is complete
# and just before it is renamed over the target.
before_replace: Callable[[Path], None] | None = None


def temp_name(target: Path) -> Path:
    """A hidden `*.tmp` sibling: Obsidian, sync tools and vaultcrm's own scanner all skip it."""
    return target.with_name(f".{target.name}.vaultcrm-{os.urandom(4).hex()}.tmp")


def atomic_write(target: Path, data: bytes, *, mode: int | None = None,
                 check: Callable[[], None] | None = None) -> None:
    """Write `data` to a hidden temporary file beside `target`, fsync it, and rename it over `target`.

    `mode` sets the file's permission bits (default: the existing file's, else 0o644 less umask).
    `check` runs right before the rename and may raise to abandon the write; no temporary file is
    ever left behind.
    """
    if mode is None:
        try:
            mode = stat.S_IMODE(os.stat(target).st_mode)
        except FileNotFoundError:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
    tmp = temp_name(target)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(tmp, flags, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        if before_replace is not None:
            before_replace(target)
        if check is not None:
            check()
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(target.parent)


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_if_changed(target: Path, data: bytes, **kwargs: object) -> bool:
    """Atomically write `data` unless the file already holds exactly these bytes. True if written."""
    try:
        if target.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    atomic_write(target, data, **kwargs)  # type: ignore[arg-type]
    return True


def check_setting_path(rel: str, key: str) -> str:
    """Validate a vault-relative `.md` path from the config, lexically. Returns it in POSIX form."""
    text = rel.replace("\\", "/")
    pure = PurePosixPath(text)
    if not text or pure.is_absolute() or (len(text) > 1 and text[1] == ":"):
        raise ConfigError(f"{key} = {rel!r} is not a path inside the vault",
                          hint=f"set {key} to a path relative to the vault, like \"CRM/Due this week.md\"")
    if any(part in ("..", "") for part in text.split("/")):
        raise ConfigError(f"{key} = {rel!r} leaves the vault", hint=f"set {key} to a path without '..'")
    if any(part.startswith(".") for part in pure.parts):
        raise ConfigError(f"{key} = {rel!r} is inside a hidden folder",
                          hint=f"set {key} to a path outside dot-folders such as .obsidian/")
    if not text.lower().endswith(".md"):
        raise ConfigError(f"{key} = {rel!r} does not end in .md", hint=f"set {key} to a note path ending in .md")
    return pure.as_posix()


def contained_path(root: Path, rel: str) -> Path:
    """The absolute path of `rel` inside `root`, refusing any symlink on the way or an escape."""
    root_real = root.resolve()
    current = root_real
    for part in PurePosixPath(rel).parts:
        current = current / part
        if current.is_symlink():
            raise NotOursError(f"{rel} goes through a symbolic link ({current.relative_to(root_real)})",
                               hint="vaultcrm never writes through links; point the setting at a real folder")
    if not current.resolve().is_relative_to(root_real):
        raise NotOursError(f"{rel} resolves outside the vault", hint="choose a path inside the vault")
    return current
