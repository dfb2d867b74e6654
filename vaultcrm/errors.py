"""The exceptions the library raises; the CLI maps each to a message, a hint and an exit code."""
from __future__ import annotations


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
