"""What changed in the vault, as `vaultcrm watch` sees it: watchdog's thread records, the loop takes.

- `VaultEventHandler` filters each file event and records vault-relative paths; it never does work
  and never raises (watchdog's thread would die of it).
- `ChangeBuffer` (a Condition) holds the `Pending` changes and when they came, by the daemon's `Clock`.
"""
from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

log = logging.getLogger("vaultcrm.watch")  # the daemon's one logger, which run_watch sends to its log

# Files outside the notes that change what a sync produces (behaviour §1, §3 T4, §5, §9).
CONFIG_FILES = frozenset({".vaultcrm/config.toml", ".obsidian/daily-notes.json", ".obsidian/templates.json"})
CONFIG_PREFIXES = (".vaultcrm/templates/",)
# Dot-folders at the vault root that are watched for those files (never recursively for .obsidian).
WATCHED_DOT_FOLDERS = {".vaultcrm": True, ".obsidian": False}

Relevance = Callable[[str], bool]


class Clock:
    """The daemon's only source of time; tests pass a fake one."""

    def monotonic(self) -> float:
        return time.monotonic()

    def time(self) -> float:
        return time.time()

    def now(self) -> datetime:
        """Local wall-clock time, naive."""
        return datetime.now()

    def today(self) -> date:
        return self.now().date()


# ── what changed ───────────────────────────────────────────────────────────────────────────────────

@dataclass
class Pending:
    """What a sync is about: changed paths (vault-relative POSIX) and reasons with no path."""

    paths: set[str] = field(default_factory=set)
    reasons: list[str] = field(default_factory=list)
    config_changed: bool = False
    new_folders: set[str] = field(default_factory=set)  # paths that are folders just created

    def changed_notes(self) -> frozenset[str] | None:
        """The exact notes that changed, when that is all that happened; None means "check everything"."""
        if self.reasons or self.config_changed or not self.paths:
            return None
        if self.new_folders or not all(p.lower().endswith(".md") for p in self.paths):
            return None  # a folder appeared, vanished or moved: its notes came with no event each
        return frozenset(self.paths)

    def describe(self, limit: int = 3) -> str:
        parts = list(dict.fromkeys(self.reasons))
        if self.paths:
            shown = sorted(self.paths)[:limit]
            more = len(self.paths) - len(shown)
            parts.append(", ".join(shown) + (f" (+{more} more)" if more else ""))
        return "; ".join(parts) or "sync"

    def merge(self, other: Pending) -> None:
        self.paths |= other.paths
        self.reasons += [r for r in other.reasons if r not in self.reasons]
        self.config_changed |= other.config_changed
        self.new_folders |= other.new_folders


class ChangeBuffer:
    """Thread-safe record of what changed since the last sync; the only thing the handler touches."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.cond = threading.Condition(threading.RLock())
        self._pending = Pending()
        self._first_at: float | None = None
        self._last_at: float | None = None
        self._news = False
        self.layout_changed = False  # a folder appeared, vanished or moved at the vault root
        self.stopping = False

    def add(self, paths: Iterable[str], *, config: bool = False, new_folders: Iterable[str] = ()) -> None:
        now = self.clock.monotonic()
        with self.cond:
            self._pending.paths.update(paths)
            self._pending.new_folders.update(new_folders)
            self._pending.config_changed |= config
            if self._first_at is None:
                self._first_at = now
            self._last_at = now
            self._news = True
            self.cond.notify_all()

    def request(self, reason: str, *, config: bool = False) -> None:
        """Ask for a sync as soon as possible, with no file event (start, midnight, wake, rescan...)."""
        with self.cond:
            if reason not in self._pending.reasons:
                self._pending.reasons.append(reason)
            self._pending.config_changed |= config
            self._news = True
            self.cond.notify_all()

    def mark_layout(self) -> None:
        with self.cond:
            self.layout_changed = True
            self._news = True
            self.cond.notify_all()

    def stop(self) -> None:
        with self.cond:
            self.stopping = True
            self.cond.notify_all()

    def due_in(self, now: float, debounce: float, max_delay: float) -> float | None:
        """None when nothing is pending, else the seconds until a sync is due (0: now)."""
        with self.cond:
            if self._pending.reasons:
                return 0.0
            if self._last_at is None or self._first_at is None:
                return None
            quiet = self._last_at + debounce - now
            capped = self._first_at + max_delay - now
            return max(0.0, min(quiet, capped))

    def take(self) -> Pending:
        with self.cond:
            pending, self._pending = self._pending, Pending()
            self._first_at = self._last_at = None
            return pending

    def put_back(self, pending: Pending) -> None:
        """Keep what a sync that did not happen was about, for the next one (no debounce wait)."""
        with self.cond:
            self._pending.merge(pending)
            if pending.paths and not self._pending.reasons:
                self._pending.reasons.append("retry")

    def wait(self, timeout: float) -> None:
        """Sleep until something is recorded, a stop is asked for, or `timeout` passes."""
        with self.cond:
            if not self._news and not self.stopping and timeout > 0:
                self.cond.wait(timeout)
            self._news = False


# ── filtering events ───────────────────────────────────────────────────────────────────────────────

def relative(roots: Iterable[str], path: str | bytes) -> str | None:
    """`path` relative to the vault (any of its spellings) as POSIX text; None when not below it."""
    text = os.fsdecode(path)
    for root in roots:
        if text.startswith(root + os.sep):
            return text[len(root) + 1:].replace(os.sep, "/") or None
    return None


def is_config_path(rel: str) -> bool:
    return rel in CONFIG_FILES or rel.startswith(CONFIG_PREFIXES)


def is_folder_relevant(rel: str) -> bool:
    """A folder appearing, vanishing or moving can change notes without file events (`mv Old /tmp`)."""
    return not any(part.startswith(".") for part in rel.split("/"))


class VaultEventHandler:
    """Watchdog handler that only records which relevant paths changed. Never raises."""

    IGNORED_TYPES = frozenset({"opened", "closed_no_write"})

    def __init__(self, vault: Path, changes: ChangeBuffer, relevant: Relevance) -> None:
        # FSEvents reports resolved paths (/private/var/... for /var/...), inotify the watched spelling.
        self.roots = tuple(dict.fromkeys([os.path.abspath(vault), os.path.realpath(vault)]))
        self.changes = changes
        self.relevant = relevant

    def dispatch(self, event: Any) -> None:
        try:
            self._record(event)
        except Exception:
            log.exception("error while filtering a file event (ignored)")

    def _record(self, event: Any) -> None:
        kind = event.event_type
        if kind in self.IGNORED_TYPES:
            return
        rels = [r for r in (relative(self.roots, p) for p in (event.src_path, getattr(event, "dest_path", "")) if p)
                if r]
        if event.is_directory:
            if kind == "modified" or kind == "attrib":
                return
            if any("/" not in r for r in rels) or not rels:
                self.changes.mark_layout()  # a folder at the vault root: adjust the watches
            folders = [r for r in rels if is_folder_relevant(r)]
            if folders:
                self.changes.add(folders, new_folders=folders if kind == "created" else ())
            settings = [r for r in rels if r.split("/", 1)[0] in WATCHED_DOT_FOLDERS]
            if settings:  # .vaultcrm/ (or a folder in it) appeared: its files may predate the watch
                self.changes.add(settings, config=True)
            return
        if kind == "attrib":
            return
        config = [r for r in rels if is_config_path(r)]
        notes = [r for r in rels if not is_config_path(r) and self.relevant(r)]
        if config or notes:
            self.changes.add(config + notes, config=bool(config))
