"""The exceptions the library raises, which the CLI maps each to a message, a hint and an exit code; and
the problems it reports about notes without stopping (`Problem`)."""
from __future__ import annotations

import errno
import os
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong with one note, in words a non-programmer understands."""

    note: str
    line: int | None
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"note": self.note, "line": self.line, "message": self.message}

    def sort_key(self) -> tuple[str, int, str]:
        return (self.note, self.line or 0, self.message)


class VaultcrmError(Exception):
    """Base class: a failure the user can act on. Never shown with a traceback."""

    exit_code = 1

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message


class UsageError(VaultcrmError):
    """A command was called with arguments that do not fit (exit 2)."""

    exit_code = 2


class ConfigError(VaultcrmError):
    """`.vaultcrm/config.toml` or a template is invalid (exit 3)."""

    exit_code = 3

    def __init__(self, message: str, hint: str | None = None, errors: list[str] | None = None,
                 warnings: list[str] | None = None) -> None:
        super().__init__(message, hint)
        self.errors = errors or []
        self.warnings = warnings or []


class VaultMissingError(VaultcrmError):
    """The vault is not there, or is unexpectedly empty (exit 4)."""

    exit_code = 4


class NotOursError(VaultcrmError):
    """A file changed underneath us or is not vaultcrm's to write (exit 5)."""

    exit_code = 5


class ContactLookupError(VaultcrmError):
    """A contact name matches no note, or several (exit 6)."""

    exit_code = 6

    def __init__(self, message: str, hint: str | None = None, candidates: list[str] | None = None) -> None:
        super().__init__(message, hint)
        self.candidates = candidates or []


class NotEditableError(VaultcrmError):
    """A note cannot be edited without risking its other bytes (exit 7)."""

    exit_code = 7


class AlreadyRunningError(VaultcrmError):
    """Another `vaultcrm watch` holds this vault's lock (exit 8)."""

    exit_code = 8


class FileSystemError(VaultcrmError):
    """The file system refused to read or write a file: disk full, read-only, permission denied (exit 9)."""

    exit_code = 9


_WHAT_TO_DO = {
    errno.ENOSPC: "the disk is full: free some space, then run the command again",
    errno.EDQUOT: "your disk quota is used up: free some space, then run the command again",
    errno.EFBIG: "the file is larger than the file system allows",
    errno.EROFS: "the file system is mounted read-only: make it writable, then run the command again",
    errno.EACCES: "check the permissions of the file and of its folder (`ls -l`)",
    errno.EPERM: "the file may be immutable (`lsattr`; `chattr -i` lifts it) or belong to another user",
    errno.ENOTDIR: "a part of the path is a file, not a folder: move that file away, or choose another path",
    errno.EISDIR: "that is a folder, not a file: choose another path",
    errno.ENAMETOOLONG: "the name is too long for the file system: choose a shorter one",
    errno.ENOENT: "a folder on the way does not exist",
    errno.ELOOP: "the path goes round in a loop of symbolic links",
    errno.EIO: "the disk reported an input/output error: check the drive, then run the command again",
}


def file_error(exc: OSError, path: str | os.PathLike[str] | None = None, doing: str = "write") -> FileSystemError:
    """`exc` as one line naming the file (`path`, else the one the error names) and what to do."""
    where = os.fspath(path) if path is not None else exc.filename
    reason = exc.strerror or str(exc)
    reason = reason[:1].lower() + reason[1:]
    return FileSystemError(f"cannot {doing} {where}: {reason}" if where else f"cannot {doing}: {reason}",
                           hint=_WHAT_TO_DO.get(exc.errno or 0))
