"""The only code that changes files in the vault: atomic, write-if-changed, inside the vault only."""
from __future__ import annotations

import errno
import os
import stat
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import NamedTuple

from vaultcrm.errors import NotOursError, file_error

# Fault-injection seams for tests, each called with the target path once the temporary file is
# complete: `before_replace` before the last check of the target, `before_rename` between that
# check and the rename.
before_replace: Callable[[Path], None] | None = None
before_rename: Callable[[Path], None] | None = None


MAX_NAME_BYTES = 255  # the longest file name most file systems allow


def temp_name(target: Path) -> Path:
    """A hidden `*.tmp` sibling (`scan.is_own_temp`): Obsidian, sync tools and vaultcrm's own scanner
    all skip it. The target's name is cut short where the whole would be too long for the file system."""
    suffix = f".vaultcrm-{os.urandom(4).hex()}.tmp"
    room = MAX_NAME_BYTES - 1 - len(suffix)
    name = os.fsencode(target.name)[:room].decode("utf-8", "ignore")
    return target.with_name(f".{name}{suffix}")


def atomic_write(target: Path, data: bytes, *, mode: int | None = None,
                 check: Callable[[], None] | None = None) -> None:
    """Write `data` to a hidden temporary file beside `target`, fsync it, and rename it over `target`.

    `mode` sets the file's permission bits (default: the existing file's, else 0o644 less umask); the
    existing file's owner is kept where the system allows it. A file that is read-only (no write
    permission at all, or none for this user) is never replaced (`NotOursError`). `check` runs right
    before the rename and may raise to abandon the write; no temporary file is ever left behind. What
    the file system refuses is a `FileSystemError` naming `target`.
    """
    try:
        try:
            st: os.stat_result | None = os.stat(target)
        except FileNotFoundError:
            st = None
        if st is not None and read_only(target, st):
            raise NotOursError(f"{target.name} is read-only, so vaultcrm leaves it alone",
                               hint=f"make it writable (chmod u+w; chattr -i if it is immutable) if vaultcrm "
                                    f"should rewrite it: {target}")
        if mode is None:
            if st is not None:
                mode = stat.S_IMODE(st.st_mode)
            else:
                umask = os.umask(0)
                os.umask(umask)
                mode = 0o666 & ~umask
        tmp = _temp_copy(target, data, mode, owner=None if st is None else (st.st_uid, st.st_gid), strict=False)
        try:
            if before_replace is not None:
                before_replace(target)
            if check is not None:
                check()
            os.replace(tmp, target)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise file_error(exc, target) from exc
    _fsync_dir(target.parent)


def read_only(path: Path, st: os.stat_result) -> bool:
    """Whether the user protected the file from writing: no write permission for anyone, or none for
    this user (a rename would replace it all the same; root may write anything, but not this)."""
    if not st.st_mode & 0o222:
        return True
    if os.access(path, os.W_OK, effective_ids=os.access in os.supports_effective_ids):
        return False
    try:  # a file system mounted read-only is not the user protecting this file: the write says so
        return not os.statvfs(path).f_flag & os.ST_RDONLY
    except (OSError, AttributeError):
        return True


class ForeignOwner(Exception):
    """The file belongs to another user, and a new file cannot be given to them."""


def _give(fd: int, owner: tuple[int, int], strict: bool) -> None:
    st = os.fstat(fd)
    if (st.st_uid, st.st_gid) == owner:
        return
    try:
        os.fchown(fd, *owner)
    except PermissionError:
        if strict:
            raise ForeignOwner(f"it belongs to user {owner[0]} (group {owner[1]}), and a file written by "
                               f"user {st.st_uid} cannot be given to them") from None


def _temp_copy(target: Path, data: bytes, mode: int, *, owner: tuple[int, int] | None = None,
               strict: bool = True) -> Path:
    """A complete, flushed hidden temporary file beside `target` holding `data`, belonging to `owner`
    (uid, gid) when given: where it cannot be given to them, `strict` raises `ForeignOwner`, else the
    file stays this user's."""
    tmp = temp_name(target)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(tmp, flags, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
            if owner is not None:
                _give(handle.fileno(), owner, strict)
        os.chmod(tmp, mode)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


# -- replacing a file only while it still holds what was read ---------------------------------------

class Changed(Exception):
    """The file no longer holds the bytes an edit was computed from."""


class Snapshot(NamedTuple):
    """A file's bytes and the identity they were read under. Its descriptor stays open while the
    snapshot is in use, so the very file that was read can be checked again after a replace."""

    path: Path
    data: bytes
    stat: os.stat_result
    fd: int


def _identity(st: os.stat_result) -> tuple[int, int, int, int]:
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


def _read_all(fd: int) -> bytes:
    chunks = []
    offset = 0
    while chunk := os.pread(fd, 1 << 20, offset):
        chunks.append(chunk)
        offset += len(chunk)
    return b"".join(chunks)


@contextmanager
def snapshot(path: Path) -> Iterator[Snapshot]:
    """Read `path` whole, the same file before and after the read (else `Changed`)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0))
    try:
        before = os.fstat(fd)
        data = _read_all(fd)
        after = os.fstat(fd)
        if _identity(before) != _identity(after) or len(data) != after.st_size:
            raise Changed
        yield Snapshot(path, data, after, fd)
    finally:
        os.close(fd)


def _still_holds(snap: Snapshot) -> bool:
    """Whether the file that was read (wherever it now is) still holds the bytes read from it."""
    return _identity(os.fstat(snap.fd)) == _identity(snap.stat) and _read_all(snap.fd) == snap.data


def _is_at(path: Path, snap: Snapshot) -> bool:
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return False
    return (st.st_dev, st.st_ino) == (snap.stat.st_dev, snap.stat.st_ino)


def replace_verified(snap: Snapshot, data: bytes, mode: int) -> None:
    """Replace the file read as `snap` with `data`, atomically, only while it still holds `snap.data`.

    The new file belongs to the note's owner (uid and gid), else `ForeignOwner` is raised before
    anything is replaced. Immediately before the rename the file at the path must be the one read, with the bytes read
    (else `Changed`, nothing replaced). Where the system can swap two names atomically (Linux, macOS),
    the new file is swapped in and the file it displaced is checked: when another program saved in
    between — in place, or by renaming its own file over the note — its file is swapped back and
    `Changed` is raised. Elsewhere a plain rename is used, and bytes written in place into the
    replaced file are written back. What remains: a program that keeps the note open and writes
    after that last check writes into a file that is no longer the note. What the file system refuses
    is a `FileSystemError` naming the note.
    """
    try:
        _replace_verified(snap, data, mode)
    except OSError as exc:
        raise file_error(exc, snap.path) from exc


def _replace_verified(snap: Snapshot, data: bytes, mode: int) -> None:
    target = snap.path
    tmp = _temp_copy(target, data, mode, owner=(snap.stat.st_uid, snap.stat.st_gid))
    try:
        if before_replace is not None:
            before_replace(target)
        if not os.path.lexists(target):
            raise NotOursError(f"{target.name} was moved or deleted while vaultcrm was editing it; "
                               "nothing was written")
        if not _is_at(target, snap) or not _still_holds(snap):
            raise Changed
        if before_rename is not None:
            before_rename(target)
        ours = os.lstat(tmp)
        swapped = _exchange(tmp, target)
        if not swapped:
            os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    if swapped:
        if _is_at(tmp, snap) and _still_holds(snap):
            tmp.unlink()
        else:
            if not _exchange(tmp, target):
                raise NotOursError(f"{target.name} was saved by another program while vaultcrm replaced it; "
                                   f"that version is kept as {_keep(tmp, target).name}",
                                   hint="compare the two files, keep what you need and delete the copy")
            tmp.unlink()
            raise Changed
    elif not _still_holds(snap):
        _put_back(snap, ours)
        raise Changed
    _fsync_dir(target.parent)


def _put_back(snap: Snapshot, ours: os.stat_result) -> None:
    """Write back what another program wrote into the file vaultcrm just replaced, while the note is
    still vaultcrm's new file."""
    target = snap.path
    back = _temp_copy(target, _read_all(snap.fd), stat.S_IMODE(os.fstat(snap.fd).st_mode))
    st = os.lstat(target)
    if (st.st_dev, st.st_ino) != (ours.st_dev, ours.st_ino):
        raise NotOursError(f"{target.name} was saved by two programs while vaultcrm edited it; the "
                           f"version written into the old file is kept as {_keep(back, target).name}",
                           hint="compare the two files, keep what you need and delete the copy")
    os.replace(back, target)


def _keep(tmp: Path, target: Path) -> Path:
    """Give a temporary file holding a version the user must see a name they see, and that no tidying
    ever removes: a conflict copy beside the note (`Jane Doe (vaultcrm conflicted copy 1a2b3c4d).md`),
    which `check` lists and which stops further edits of the note until it is merged."""
    while True:
        kept = target.with_name(f"{target.stem} (vaultcrm conflicted copy {os.urandom(4).hex()}){target.suffix}")
        if not os.path.lexists(kept):
            os.rename(tmp, kept)
            return kept


_RENAME_EXCHANGE = 2  # Linux renameat2(2)
_RENAME_SWAP = 2  # macOS renamex_np(2)
_swap: Callable[[bytes, bytes], int] | bool | None = True  # True: not looked up yet


def _swap_function() -> Callable[[bytes, bytes], int] | None:
    global _swap
    if _swap is True:
        _swap = None
        import ctypes
        import sys

        libc = ctypes.CDLL(None, use_errno=True)
        if sys.platform.startswith("linux") and hasattr(libc, "renameat2"):
            renameat2, at_cwd = libc.renameat2, -100
            _swap = lambda a, b: renameat2(at_cwd, a, at_cwd, b, _RENAME_EXCHANGE)  # noqa: E731
        elif sys.platform == "darwin" and hasattr(libc, "renamex_np"):
            renamex_np = libc.renamex_np
            _swap = lambda a, b: renamex_np(a, b, _RENAME_SWAP)  # noqa: E731
    return _swap  # type: ignore[return-value]


def _exchange(a: Path, b: Path) -> bool:
    """Swap the files at `a` and `b` in one step; False where the system or file system cannot."""
    swap = _swap_function()
    if swap is None:
        return False
    import ctypes

    if swap(os.fsencode(a), os.fsencode(b)) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))


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


STALE_TEMP_SECONDS = 600  # a write takes seconds at most; older temporary files were left by a killed one


def remove_stale_temps(vault: Path, rels: Iterable[str]) -> list[str]:
    """Remove the temporary files a killed vaultcrm left behind (`rels`, vault-relative, named like
    `temp_name`'s) that are stale: a regular file not written, created or renamed for
    STALE_TEMP_SECONDS (a running vaultcrm's temporary file is seconds old, and renaming the note it
    displaced refreshes that file's change time). Best effort, never an error; returns those removed."""
    removed = []
    now = time.time()
    for rel in rels:
        path = vault / rel
        try:
            st = os.lstat(path)
            if stat.S_ISREG(st.st_mode) and now - max(st.st_mtime, st.st_ctime) > STALE_TEMP_SECONDS:
                path.unlink()
                removed.append(rel)
        except OSError:
            continue
    return removed


def write_if_changed(target: Path, data: bytes, **kwargs: object) -> bool:
    """Atomically write `data` unless the file already holds exactly these bytes. True if written."""
    try:
        if target.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise file_error(exc, target, "read") from exc
    atomic_write(target, data, **kwargs)  # type: ignore[arg-type]
    return True


def contained_path(root: Path, rel: str) -> Path:
    """The absolute path of `rel` inside `root`, refusing any symlink on the way or an escape."""
    root_real = root.resolve()
    current = root_real
    try:
        for part in PurePosixPath(rel).parts:
            current = current / part
            if current.is_symlink():
                raise NotOursError(f"{rel} goes through a symbolic link ({current.relative_to(root_real)})",
                                   hint="vaultcrm never writes through links; point the setting at a real folder")
        inside = current.resolve().is_relative_to(root_real)
    except OSError as exc:
        raise file_error(exc, current, "reach") from exc
    if not inside:
        raise NotOursError(f"{rel} resolves outside the vault", hint="choose a path inside the vault")
    return current
