"""One `vaultcrm watch` per vault and device: the lock file, and who holds it (`vaultcrm service status`)."""
from __future__ import annotations

import contextlib
import errno
import json
import os
import socket
from datetime import datetime
from pathlib import Path
from typing import Any

from vaultcrm.errors import AlreadyRunningError


def lock_path(vault: Path) -> Path:
    """The lock file of this vault's daemon on this device: in the user's runtime folder, not in the
    state folder, so that deleting the state folder (always safe) frees no lock."""
    from vaultcrm.state import runtime_dir, vault_key
    return runtime_dir() / f"{vault_key(vault)}.lock"


class WatchLock:
    """One daemon per vault and device: an flock on the lock file, which holds who runs.

    The kernel drops the lock when the process dies, so a crashed daemon never blocks the next one.
    The file itself is never deleted (deleting a lock file races with the next process opening it);
    when someone else deletes it, `check` takes a new one.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None
        self._vault: Path | None = None

    def acquire(self, vault: Path) -> None:
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            _lock_fd(fd)
        except OSError as exc:
            holder = _read_fd(fd)
            os.close(fd)
            if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                raise
            raise AlreadyRunningError(
                f"vaultcrm watch is already running for {vault} ({describe_holder(holder)})",
                hint=f"stop that one first{_kill_hint(holder)}, or leave it running: one watcher per vault "
                     f"and device (lock: {self.path})") from None
        info = {"pid": os.getpid(), "host": socket.gethostname(), "vault": str(vault),
                "started": datetime.now().astimezone().isoformat(timespec="seconds")}
        os.ftruncate(fd, 0)
        os.pwrite(fd, (json.dumps(info) + "\n").encode(), 0)
        self._fd, self._vault = fd, vault

    def check(self) -> bool:
        """Whether this process still holds the vault's lock. A lock file deleted from under it (a
        cleaner of temporary folders, a user) is taken again at once: False only when another daemon
        took the new one first."""
        if self._fd is None or self._vault is None:
            return False
        try:
            here = os.stat(self.path)
            held = os.fstat(self._fd)
            if (here.st_dev, here.st_ino) == (held.st_dev, held.st_ino):
                return True
        except FileNotFoundError:
            pass
        old, vault, self._fd = self._fd, self._vault, None
        try:
            self.acquire(vault)
        except AlreadyRunningError:
            return False
        finally:
            os.close(old)
        return True

    def release(self) -> None:
        if self._fd is None:
            return
        with contextlib.suppress(OSError):
            os.ftruncate(self._fd, 0)
        os.close(self._fd)  # closing drops the flock
        self._fd = None


def _lock_fd(fd: int) -> None:
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined,unused-ignore]
        return
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


def _read_fd(fd: int) -> dict[str, Any]:
    try:
        found = json.loads(os.pread(fd, 4096, 0).decode() or "{}")
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def read_holder(lock_path: Path) -> dict[str, Any] | None:
    """Who holds the lock now, or None when no daemon runs for this vault on this device."""
    try:
        fd = os.open(lock_path, os.O_RDWR)
    except FileNotFoundError:
        return None
    try:
        try:
            _lock_fd(fd)
        except OSError:
            return _read_fd(fd)
        return None  # we got it: nobody holds it (closing releases it again)
    finally:
        os.close(fd)


def describe_holder(holder: dict[str, Any]) -> str:
    if not holder:
        return "process unknown"
    return f"pid {holder.get('pid', '?')} on {holder.get('host', '?')}, since {holder.get('started', '?')}"


def _kill_hint(holder: dict[str, Any]) -> str:
    pid = holder.get("pid")
    same_host = holder.get("host") == socket.gethostname()
    return f" (`kill {pid}`, or `vaultcrm service uninstall` if it runs as a service)" if pid and same_host else ""
