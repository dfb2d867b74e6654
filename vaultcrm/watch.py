"""The daemon: keep the dashboard current while the user edits the vault (`vaultcrm watch`).

The shape (mkdocs' livereload, watchdog's debounced example):

    watchdog thread ──event──▶ VaultEventHandler ──paths──▶ ChangeBuffer (a Condition)
                                                                 │
    main thread:  Watcher.run() ── step(): quiet for `debounce`? ─▶ pipeline.sync() ─▶ one log line
                                   midnight, wake, rescan, heartbeat, vault missing, signals

- The handler never does work: it filters the event and records vault-relative paths. An exception in
  it is logged and swallowed (watchdog's thread would die of it).
- The loop syncs once the vault has been quiet for `debounce` seconds (or pending for `max_delay`),
  catches every error of a sync, logs it and goes on.
- A heartbeat checks that the watcher threads are alive (else exit 1, so a service manager restarts
  us: never alive while deaf), that the vault is still there (else no sync, retry with backoff), and
  that every folder is still watched.
- Time: a sync when the local date changes, after the machine wakes (wall clock jumps against the
  monotonic clock) and every `rescan_minutes` as a safety net.
- SIGINT/SIGTERM: a wait ends at once; a running sync gets `ABANDON_GRACE` seconds to finish, then
  is interrupted by an exception (every vault write is a temp file + rename, removed on any exception),
  so the process exits 0 well within 2 seconds.
"""
from __future__ import annotations

import contextlib
import errno
import gc
import json
import logging
import logging.handlers
import os
import signal
import socket
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from .errors import AlreadyRunningError, UsageError, VaultcrmError, VaultMissingError

log = logging.getLogger("vaultcrm.watch")

# Files outside the notes that change what a sync produces (SPEC §1, §3 T4, §5, §9).
CONFIG_FILES = frozenset({".vaultcrm/config.toml", ".obsidian/daily-notes.json", ".obsidian/templates.json"})
CONFIG_PREFIXES = (".vaultcrm/templates/",)
# Dot-folders at the vault root that are watched for those files (never recursively for .obsidian).
WATCHED_DOT_FOLDERS = {".vaultcrm": True, ".obsidian": False}

HEARTBEAT_SECONDS = 5.0
WAKE_JUMP_SECONDS = 10.0  # wall clock moved this much more than the monotonic clock: sleep or clock change
MAX_BACKOFF_SECONDS = 60.0
ABANDON_GRACE = 1.0  # seconds a running sync may take to finish after SIGTERM
POLL_CPU_SHARE = 0.01  # polling may use about this share of one CPU: interval = snapshot time / share
EXIT_DEAF = 1

SyncFn = Callable[[Path, date, "frozenset[str] | None"], Any]
Relevance = Callable[[str], bool]


# ── clock ──────────────────────────────────────────────────────────────────────────────────────────

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


def seconds_to_midnight(now: datetime) -> float:
    """Seconds from `now` (local, naive) to the next local midnight."""
    tomorrow = datetime.combine(now.date() + timedelta(days=1), datetime.min.time())
    return max(0.0, (tomorrow - now).total_seconds())


# ── what changed ───────────────────────────────────────────────────────────────────────────────────

@dataclass
class Pending:
    """What a sync is about: changed paths (vault-relative POSIX) and reasons with no path."""

    paths: set[str] = field(default_factory=set)
    reasons: list[str] = field(default_factory=list)
    config_changed: bool = False
    events: int = 0
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
        self.events += other.events
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
            self._pending.events += 1
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


def basic_relevant(rel: str, dashboard: str = "CRM/Due this week.md") -> bool:
    """The cheap part of the filter: a `.md` outside dot-folders, not `*.tmp`, not the dashboard."""
    if not rel.lower().endswith(".md"):
        return False
    if any(part.startswith(".") for part in rel.split("/")):
        return False
    return rel.casefold() != dashboard.casefold()


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
        except Exception:  # noqa: BLE001 - an exception here would kill watchdog's thread
            log.exception("error while filtering a file event (ignored)")

    def _record(self, event: Any) -> None:
        kind = event.event_type
        if kind in self.IGNORED_TYPES:
            return
        rels = [relative(self.roots, p) for p in (event.src_path, getattr(event, "dest_path", "")) if p]
        rels = [r for r in rels if r]
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


# ── the lock ───────────────────────────────────────────────────────────────────────────────────────

class WatchLock:
    """One daemon per vault and device: an flock on `<state dir>/watch.lock` holding who runs.

    The kernel drops the lock when the process dies, so a crashed daemon never blocks the next one.
    The file itself is never deleted (deleting a lock file races with the next process opening it).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def acquire(self, vault: Path) -> None:
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
        self._fd = fd

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
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        return
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


def _read_fd(fd: int) -> dict[str, Any]:
    try:
        return json.loads(os.pread(fd, 4096, 0).decode() or "{}")
    except (OSError, ValueError):
        return {}


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


# ── watching the file system ───────────────────────────────────────────────────────────────────────


def _event_filter() -> list[type]:
    """Event classes we ask for: no open/close-no-write/access, so our own reads cost nothing."""
    from watchdog.events import (DirCreatedEvent, DirDeletedEvent, DirMovedEvent, FileClosedEvent,
                                 FileCreatedEvent, FileDeletedEvent, FileModifiedEvent, FileMovedEvent)
    return [FileCreatedEvent, FileDeletedEvent, FileModifiedEvent, FileMovedEvent, FileClosedEvent,
            DirCreatedEvent, DirDeletedEvent, DirMovedEvent]


def desired_watches(vault: Path) -> dict[str, bool]:
    """Folder -> recursive: the vault root itself (not recursively), each top-level folder, and the
    two dot-folders holding settings. `.git/`, `.trash/` and the like are never watched: a recursive
    watch on the root would spend inotify watches (one per folder) and wake-ups on them."""
    root = os.path.abspath(vault)
    specs = {root: False}
    with os.scandir(root) as entries:
        for entry in entries:
            try:
                if not entry.is_dir(follow_symlinks=False):
                    continue
            except OSError:
                continue
            if entry.name in WATCHED_DOT_FOLDERS:
                specs[entry.path] = WATCHED_DOT_FOLDERS[entry.name]
            elif not entry.name.startswith("."):
                specs[entry.path] = True
    return specs


def count_folders(path: str) -> int:
    """The folders a recursive watch on `path` needs (itself included), as watchdog walks them."""
    total = 1
    for _root, dirnames, _files in os.walk(path, followlinks=False):
        kept = [d for d in dirnames if not os.path.islink(os.path.join(_root, d))]
        total += len(kept)
        dirnames[:] = kept
    return total


def needed_watches(specs: dict[str, bool]) -> int:
    return sum(count_folders(p) if recursive else 1 for p, recursive in specs.items())


def max_user_watches() -> int | None:
    try:
        return int(Path("/proc/sys/fs/inotify/max_user_watches").read_text().strip())
    except (OSError, ValueError):
        return None


def inotify_watch_count(observer: Any) -> int | None:
    """Watches the kernel really holds for this observer (/proc/self/fdinfo), or None if unknown.

    watchdog adds one watch per folder and silently skips a sub-folder whose watch fails
    (ENOSPC past fs.inotify.max_user_watches), so this is how we learn that folders went unwatched.
    """
    reader = getattr(observer, "_inotify_fd", None)  # watchdog's InotifyFD (one per InotifyObserver)
    fd = getattr(reader, "_inotify_fd", None)
    if not isinstance(fd, int):
        return None
    try:
        with open(f"/proc/self/fdinfo/{fd}", encoding="ascii", errors="replace") as handle:
            return sum(1 for line in handle if line.startswith("inotify wd:"))
    except OSError:
        return None


def limit_hint(needed: int, limit: int | None) -> str:
    return (f"the vault needs {needed} inotify watches (one per folder) but fs.inotify.max_user_watches is "
            f"{limit if limit is not None else 'unknown'} (shared by every program of this user). Raise it: "
            "`echo fs.inotify.max_user_watches=524288 | sudo tee /etc/sysctl.d/90-vaultcrm.conf && "
            "sudo sysctl --system`, then restart vaultcrm watch; or run `vaultcrm watch --poll`. "
            "Polling now, so no change is missed.")


def _poll_listdir(vault: str) -> Callable[[str | None], Iterator[os.DirEntry[str]]]:
    """scandir for the polling observer: skips dot-entries (our temp files, .git/) except settings."""

    def listdir(path: str | None) -> Iterator[os.DirEntry[str]]:
        at_root = os.path.abspath(path or ".") == vault
        in_obsidian = os.path.basename(os.path.abspath(path or ".")) == ".obsidian"
        with os.scandir(path) as entries:
            for entry in list(entries):
                if entry.name.startswith(".") and not (at_root and entry.name in WATCHED_DOT_FOLDERS):
                    continue
                if in_obsidian and entry.is_dir(follow_symlinks=False):
                    continue
                yield entry

    return listdir


class Watches:
    """The watchdog observer and its watches; restarted when the vault comes back or is replaced."""

    def __init__(self, vault: Path, handler: VaultEventHandler, *, poll: bool, poll_interval: float | None,
                 observer_factory: Callable[[bool], Any] | None = None,
                 on_reset: Callable[[str], None] | None = None) -> None:
        self.on_reset = on_reset or (lambda reason: None)
        self.vault = vault
        self.root = os.path.abspath(vault)
        self.handler = handler
        self.poll = poll
        self.poll_interval = poll_interval
        self.factory = observer_factory or self._default_factory
        self.observer: Any = None
        self.watches: dict[str, Any] = {}
        self.identity: tuple[int, int] | None = None
        self.fell_back: str | None = None  # why we poll although --poll was not asked for

    @property
    def mode(self) -> str:
        return "polling" if self.poll else "native events"

    def _default_factory(self, poll: bool) -> Any:
        if poll:
            from watchdog.observers.polling import PollingObserverVFS
            if self.poll_interval is None:
                self.poll_interval = self._measure_poll_interval()
            return PollingObserverVFS(os.stat, _poll_listdir(self.root), polling_interval=self.poll_interval)
        from watchdog.observers import Observer
        return Observer()

    def _measure_poll_interval(self) -> float:
        """Poll every second, or less often on big or slow (network) vaults so that idle CPU stays low."""
        from watchdog.utils.dirsnapshot import DirectorySnapshot
        started = time.perf_counter()
        with contextlib.suppress(OSError):
            DirectorySnapshot(self.root, recursive=True, listdir=_poll_listdir(self.root))
        took = time.perf_counter() - started
        interval = min(30.0, max(1.0, took / POLL_CPU_SHARE))
        log.info("polling every %.1fs (one look at the vault takes %d ms)", interval, took * 1000)
        return interval

    def _is_inotify(self) -> bool:
        return type(self.observer).__name__ == "InotifyObserver"

    def start(self) -> None:
        """Start watching; on Linux, fall back to polling when inotify cannot cover every folder."""
        st = os.stat(self.root)
        self.identity = (st.st_dev, st.st_ino)
        if not self.poll:
            try:
                self._start(poll=False)
                self.check_coverage(initial=True)
                return
            except OSError as exc:
                self.stop()
                needed = _safe(lambda: needed_watches(desired_watches(self.vault)), 0)
                if exc.errno == errno.EMFILE:
                    reason = ("too many inotify instances (fs.inotify.max_user_instances); raise it with "
                              "`sudo sysctl fs.inotify.max_user_instances=1024` or run `vaultcrm watch --poll`. "
                              "Polling now, so no change is missed.")
                else:
                    reason = limit_hint(needed, max_user_watches())
                self._fall_back(f"cannot watch the vault ({exc.strerror or exc}): {reason}")
        self._start(poll=True)

    def _start(self, *, poll: bool) -> None:
        self.observer = self.factory(poll)
        self.watches = {}
        self.observer.start()
        self.reconcile()

    def _fall_back(self, why: str) -> None:
        log.warning("%s", why)
        self.fell_back = why
        self.poll = True
        self.on_reset("switched to polling")  # changes in unwatched folders may have been missed

    def check_coverage(self, *, initial: bool = False) -> bool:
        """True when every folder is watched; otherwise switch to polling (with the hint) and False."""
        if self.poll or self.observer is None or not self._is_inotify():
            return True
        limit = max_user_watches()
        needed = needed_watches(desired_watches(self.vault))
        if limit is not None and needed > limit:
            short = True
        else:
            have = inotify_watch_count(self.observer)
            short = have is not None and have < needed
            if short:  # folders may be appearing right now (a checkout): look again before deciding
                time.sleep(0.5)
                have = inotify_watch_count(self.observer)
                needed = needed_watches(desired_watches(self.vault))
                short = have is not None and have < needed
        if not short:
            return True
        have = inotify_watch_count(self.observer)
        self.stop()
        self._fall_back(f"only {have} of {needed} folders could be watched: " + limit_hint(needed, limit))
        self._start(poll=True)
        return False

    def renew(self) -> bool:
        """reconcile(), falling back to polling when a new watch hits an inotify limit."""
        try:
            changed = self.reconcile()
        except OSError as exc:
            if exc.errno not in (errno.ENOSPC, errno.EMFILE) or self.poll:
                raise
            self.stop()
            self._fall_back(f"cannot watch a new folder ({exc.strerror or exc}): "
                            + limit_hint(_safe(lambda: needed_watches(desired_watches(self.vault)), 0),
                                         max_user_watches()))
            self._start(poll=True)
            return True
        if changed:
            self.check_coverage()
        return changed

    def reconcile(self) -> bool:
        """Match the scheduled watches to the folders now at the vault root; True if any changed.

        Restarts a watch whose thread ended (its folder was deleted and came back)."""
        if self.observer is None:
            return False
        specs = desired_watches(self.vault)
        alive = {e.watch: e.is_alive() for e in list(self.observer.emitters)}
        changed = False
        for path, watch in list(self.watches.items()):
            if specs.get(path) != watch.is_recursive or not alive.get(watch, False):
                with contextlib.suppress(KeyError, RuntimeError):
                    self.observer.unschedule(watch)
                del self.watches[path]
                changed = True
        kwargs: dict[str, Any] = {}
        if not self.poll:
            kwargs["event_filter"] = _event_filter()
        for path, recursive in specs.items():
            if path not in self.watches:
                try:
                    self.watches[path] = self.observer.schedule(self.handler, path, recursive=recursive, **kwargs)
                except FileNotFoundError:
                    continue
                changed = True
        return changed

    def fatal_problem(self) -> str | None:
        """Why we are deaf, if we are: a watchdog thread died while we did not stop it."""
        if self.observer is None:
            return None
        if not self.observer.is_alive():
            return "the file watcher thread stopped"
        reader = getattr(self.observer, "_inotify_fd", None)
        if isinstance(reader, threading.Thread) and not reader.is_alive():
            return "the inotify reader thread stopped"
        return None

    def replaced(self) -> bool:
        """The vault folder is another one than when we started watching (moved away and recreated)."""
        try:
            st = os.stat(self.root)
        except OSError:
            return True
        return (st.st_dev, st.st_ino) != self.identity

    def stop(self) -> None:
        observer, self.observer = self.observer, None
        self.watches = {}
        if observer is None:
            return
        with contextlib.suppress(Exception):
            observer.stop()
        with contextlib.suppress(RuntimeError):
            observer.join(timeout=1.0)


def _safe(fn: Callable[[], Any], default: Any) -> Any:
    try:
        return fn()
    except Exception:  # noqa: BLE001
        return default


# ── the loop ───────────────────────────────────────────────────────────────────────────────────────

class _StopNow(BaseException):
    """Raised by the signal handler to end a wait at once."""


class _Abandon(BaseException):
    """Raised by the signal handler inside a sync that did not finish within the grace period."""


def vault_present(vault: Path) -> bool:
    """The vault folder exists and holds something: an empty mount point is not a vault."""
    try:
        with os.scandir(vault) as entries:
            return next(entries, None) is not None
    except OSError:
        return False


class PipelineSync:
    """The real sync, keeping a pipeline Session so an edit re-reads only what changed; after each
    sync it also refreshes the calendar file the config's `ics` names, if any."""

    def __init__(self) -> None:
        from .pipeline import Session

        self.session = Session()

    def __call__(self, vault: Path, today: date, changed: frozenset[str] | None) -> Any:
        from .exporting import refresh_ics
        from .pipeline import sync

        report = sync(vault, today, session=self.session, changed=changed)
        refresh_ics(report.analysis)
        gc.freeze()  # what the session keeps is acyclic: spare the cycle collector from walking it again
        return report


class Watcher:
    """The debounce loop. `step()` is one turn (tests drive it with a fake clock); `run()` loops."""

    IDLE, WAITING, SYNCING = "idle", "waiting", "syncing"

    def __init__(self, vault: Path, *, sync_fn: SyncFn | None = None, debounce: float = 0.3,
                 rescan_minutes: float = 15, poll: bool = False, clock: Clock | None = None,
                 relevant: Relevance | None = None, observe: bool = True,
                 observer_factory: Callable[[bool], Any] | None = None,
                 heartbeat: float = HEARTBEAT_SECONDS, max_delay: float | None = None,
                 poll_interval: float | None = None, fixed_today: date | None = None) -> None:
        self.vault = Path(os.path.abspath(vault))
        self.sync_fn: SyncFn = sync_fn or PipelineSync()
        self.debounce = debounce
        self.max_delay = max_delay if max_delay is not None else max(10.0, 10 * debounce)
        self.rescan_interval = rescan_minutes * 60 if rescan_minutes and rescan_minutes > 0 else None
        self.clock = clock or Clock()
        self.heartbeat = heartbeat
        self.fixed_today = fixed_today
        self.changes = ChangeBuffer(self.clock)
        self._relevant_override = relevant
        self._config: Any = None
        self.handler = VaultEventHandler(self.vault, self.changes, self.relevant)
        self.observe = observe
        self.watches = Watches(self.vault, self.handler, poll=poll, poll_interval=poll_interval,
                               observer_factory=observer_factory,
                               on_reset=self.changes.request) if observe else None
        self._check_all = True  # the next sync must not trust a list of changed notes
        # counters, for tests and the log
        self.syncs = 0
        self.failures = 0
        self.exit_code = 0
        self._stop = False
        self._phase = self.IDLE
        self._abandon = False
        self._timer: threading.Timer | None = None
        now = self.clock.monotonic()
        self._next_heartbeat = now + heartbeat
        self._next_rescan = now + self.rescan_interval if self.rescan_interval else None
        self._offset = self.clock.time() - now
        self._seen_day = self.fixed_today or self.clock.today()
        self._missing_since: float | None = None
        self._retry_at = 0.0
        self._backoff = 1.0
        self._hold_until: float | None = None  # no sync before this (the pipeline found the vault empty)
        self._failures_in_row = 0

    # -- filtering, with the vault's config (reloaded when a settings file changes) --

    def relevant(self, rel: str) -> bool:
        if self._relevant_override is not None:
            return self._relevant_override(rel)
        config = self._config
        dashboard = getattr(config, "dashboard", "CRM/Due this week.md")
        if rel.casefold() == dashboard.casefold():
            from .dashboard import has_ticks
            return has_ticks(self.vault / rel)  # a box the user ticked; never vaultcrm's own writes
        if not basic_relevant(rel, dashboard):
            return False
        if config is None:
            return True
        from .scan import is_conflict_copy, is_ignored
        if is_conflict_copy(rel.rsplit("/", 1)[-1]):
            return True  # never read as a note, but listed as a problem: its arrival changes the dashboard
        return not is_ignored(rel, config)

    def _load_config(self) -> None:
        if self._relevant_override is not None:
            return
        try:
            from .config import load_config
            self._config = load_config(self.vault)
        except VaultcrmError:
            pass  # the sync reports it; keep filtering with the last good settings
        except ImportError:
            self._config = None

    # -- the loop --

    def stop(self) -> None:
        """Ask the loop to end (from any thread); `run()` returns 0 after cleaning up."""
        self._stop = True
        self.changes.stop()

    def run(self) -> int:
        restore = self._install_signals()
        try:
            self._load_config()
            if self.watches is not None:
                self._start_watching()
            log.info("watching %s (%s; debounce %.2gs%s)", self.vault,
                     self.watches.mode if self.watches else "no observer", self.debounce,
                     f", full rescan every {self.rescan_interval / 60:g} min" if self.rescan_interval else "")
            self.changes.request("start")
            while not self._stop:
                try:
                    wait = self.step()
                    self._phase = self.WAITING
                    if self._stop:
                        break
                    self.changes.wait(wait)
                    self._phase = self.IDLE
                except _StopNow:
                    break
        except _StopNow:
            pass
        finally:
            self._phase = self.IDLE
            if self._timer is not None:
                self._timer.cancel()
            if self.watches is not None:
                self.watches.stop()
            restore()
        if self.exit_code == 0:
            log.info("stopped")
        return self.exit_code

    def _start_watching(self) -> None:
        assert self.watches is not None
        if not vault_present(self.vault):
            self._enter_missing(Pending(reasons=["start"]), "not found or empty")
            return
        try:
            self.watches.start()
        except OSError as exc:
            raise VaultMissingError(f"cannot watch {self.vault}: {exc.strerror or exc}",
                                    hint="check the folder's permissions, or try `vaultcrm watch --poll`") from exc

    def step(self) -> float:
        """One turn: checks, then a sync if one is due. Returns how long to wait before the next turn."""
        now = self.clock.monotonic()
        if self.watches is not None and now >= self._next_heartbeat:
            self._next_heartbeat = now + self.heartbeat
            self._check_health()
            if self._stop:
                return 0.0
        self._check_time(now)
        if self._missing_since is not None:
            if now < self._retry_at:
                return self._retry_at - now
            if not vault_present(self.vault):
                self._schedule_retry(now)
                return self._retry_at - now
            self._leave_missing(now)
        if self.changes.layout_changed and self.watches is not None:
            self.changes.layout_changed = False
            try:
                self.watches.renew()
            except OSError as exc:
                log.warning("could not adjust the watches: %s", exc)
        due = self.changes.due_in(now, self.debounce, self.max_delay)
        idle = self._idle_timeout(now)
        if due is None:
            return idle
        if self._hold_until is not None:
            if now < self._hold_until:
                return min(self._hold_until - now, idle)
            self._hold_until = None
        if due > 0:
            return min(due, idle)
        self._sync(self.changes.take())
        return 0.0

    def _idle_timeout(self, now: float) -> float:
        waits = [MAX_BACKOFF_SECONDS, seconds_to_midnight(self.clock.now()) + 0.05]
        if self.watches is not None:
            waits.append(self._next_heartbeat - now)
        if self._next_rescan is not None:
            waits.append(self._next_rescan - now)
        return max(0.0, min(waits))

    def _check_time(self, now: float) -> None:
        offset = self.clock.time() - now
        jump = offset - self._offset
        self._offset = offset
        if abs(jump) > WAKE_JUMP_SECONDS:
            self.changes.request("woke up" if jump > 0 else "clock changed")
        today = self.fixed_today or self.clock.today()
        if today != self._seen_day:
            self._seen_day = today
            self.changes.request("new day")
        if self._next_rescan is not None and now >= self._next_rescan:
            self._next_rescan = now + (self.rescan_interval or 0)
            self.changes.request("periodic rescan")
            if self.watches is not None and self._missing_since is None:
                with contextlib.suppress(OSError):
                    self.watches.check_coverage()

    def _check_health(self) -> None:
        assert self.watches is not None
        if self._missing_since is not None:
            return
        problem = self.watches.fatal_problem()
        if problem:
            log.error("%s; exiting (code %d) so that the service manager restarts vaultcrm watch",
                      problem, EXIT_DEAF)
            self.exit_code = EXIT_DEAF
            self.stop()
            return
        if not vault_present(self.vault):
            self._enter_missing(self.changes.take(), "vanished or is empty")
            return
        if self.watches.replaced():
            log.info("the vault folder was replaced; watching the new one")
            self.watches.stop()
            self.watches.start()
            self.changes.request("vault replaced")
            return
        try:
            if self.watches.renew():
                self.changes.request("watches renewed")
        except OSError as exc:
            log.warning("could not adjust the watches: %s", exc)

    # -- the vault going away and coming back --

    def _enter_missing(self, pending: Pending, why: str) -> None:
        now = self.clock.monotonic()
        if self._missing_since is None:
            self._missing_since = now
            log.warning("vault %s %s: not writing anything (an unmounted drive must not look like "
                        "\"nothing due\"); retrying with backoff up to every %ds",
                        self.vault, why, int(MAX_BACKOFF_SECONDS))
        if self.watches is not None:
            self.watches.stop()
        pending.reasons = [r for r in pending.reasons if r != "retry"]
        if "vault back" not in pending.reasons:
            pending.reasons.append("vault back")
        self.changes.put_back(pending)
        self._schedule_retry(now)

    def _schedule_retry(self, now: float) -> None:
        self._retry_at = now + self._backoff
        self._backoff = min(self._backoff * 2, MAX_BACKOFF_SECONDS)

    def _leave_missing(self, now: float) -> None:
        gone = now - (self._missing_since or now)
        self._missing_since = None
        log.info("vault %s is back (after %s)", self.vault, _duration(gone))
        self._load_config()
        if self.watches is not None:
            try:
                self.watches.start()
            except OSError as exc:
                self._enter_missing(self.changes.take(), f"cannot be watched ({exc})")
                return
        self.changes.request("vault back")

    # -- one sync --

    def _sync(self, pending: Pending) -> None:
        if not vault_present(self.vault):
            self._enter_missing(pending, "vanished or is empty")
            return
        if pending.config_changed:
            self._load_config()
        if not pending.reasons and pending.paths and pending.paths <= pending.new_folders \
                and not any(self._holds_notes(f) for f in pending.paths):
            return  # only new folders without notes (such as the dashboard's own): nothing to do
        today = self.fixed_today or self.clock.today()
        self._seen_day = today
        what = pending.describe()
        started = self.clock.monotonic()
        self._abandon = False
        try:
            self._phase = self.SYNCING
            try:
                if self._stop:  # a signal came just before: do not start
                    return
                changed = None if self._check_all else pending.changed_notes()
                self._check_all = True  # until this sync succeeds
                report = self.sync_fn(self.vault, today, changed)
            finally:
                self._phase = self.IDLE
        except _Abandon:
            log.warning("%s: sync abandoned to stop (nothing half-written)", what)
            return
        except VaultcrmError as exc:
            self._failed(pending, what, f"error: {exc.message}" + (f" ({exc.hint})" if exc.hint else ""),
                         retry=isinstance(exc, VaultMissingError))
            return
        except Exception as exc:  # noqa: BLE001 - the daemon outlives any bug in one sync
            self._failed(pending, what, f"unexpected error: {type(exc).__name__}: {exc} (the daemon goes on)\n"
                         + traceback.format_exc().rstrip(), retry=False)
            return
        self.syncs += 1
        self._check_all = False
        if self._failures_in_row:
            log.info("syncing works again after %d failed attempt(s)", self._failures_in_row)
        self._failures_in_row = 0
        self._backoff = 1.0
        ms = (self.clock.monotonic() - started) * 1000
        log.info("%s → %s (%d ms)", what, summarise(report), ms)

    def _holds_notes(self, folder: str) -> bool:
        """Whether a folder just created holds a note that counts (it may have been moved in whole)."""
        top = self.vault / folder
        for root, dirnames, filenames in os.walk(top):
            dirnames[:] = [d for d in dirnames if not d.startswith(".")]
            base = Path(root).relative_to(self.vault).as_posix()
            if any(self.relevant(f"{base}/{name}") for name in filenames):
                return True
        return False

    def _failed(self, pending: Pending, what: str, message: str, *, retry: bool) -> None:
        """Log a failed sync (less and less often while it keeps failing); retry with backoff if asked.

        A vault the pipeline finds unreachable or unexpectedly empty (a drive half-mounted, a sync tool
        restoring) is retried by itself; any other error waits for the next change, rescan or new day.
        """
        self.failures += 1
        self._failures_in_row += 1
        n = self._failures_in_row
        if n & (n - 1) == 0:  # 1st, 2nd, 4th, 8th... failure in a row
            log.error("%s: %s%s", what, message, f" [{n} failures in a row]" if n > 1 else "")
        if retry:
            now = self.clock.monotonic()
            self._hold_until = now + self._backoff
            self._backoff = min(self._backoff * 2, MAX_BACKOFF_SECONDS)
            pending.reasons = [r for r in pending.reasons if r != "retry"] or ["retry"]
            self.changes.put_back(pending)

    # -- signals --

    def _install_signals(self) -> Callable[[], None]:
        if threading.current_thread() is not threading.main_thread():
            return lambda: None
        previous = {sig: signal.signal(sig, self._on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}

        def restore() -> None:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

        return restore

    def _on_signal(self, signum: int, _frame: Any) -> None:
        if self._phase == self.SYNCING and self._abandon:
            raise _Abandon()
        first = not self._stop
        self._stop = True
        self.changes.stopping = True
        if self._phase == self.WAITING:
            raise _StopNow()
        if self._phase == self.SYNCING:
            if not first:  # a second Ctrl-C: do not wait
                self._abandon = True
                raise _Abandon()
            log.info("stopping after the current sync (at most %.1fs)", ABANDON_GRACE)
            self._timer = threading.Timer(ABANDON_GRACE, self._interrupt_sync, args=(signum,))
            self._timer.daemon = True
            self._timer.start()

    def _interrupt_sync(self, signum: int) -> None:
        """Runs in a timer thread: a real signal to the main thread also ends a blocking system call."""
        if self._phase == self.SYNCING:
            self._abandon = True
            main = threading.main_thread().ident
            if hasattr(signal, "pthread_kill") and main is not None:
                signal.pthread_kill(main, signum)
            else:
                import _thread
                _thread.interrupt_main(signum)


def summarise(report: Any) -> str:
    summary = str(getattr(report, "summary", report))
    problems = getattr(report, "problems", None) or []
    if problems and "problem" not in summary:
        summary += f" · {len(problems)} problem{'s' if len(problems) != 1 else ''} listed"
    return summary


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    if seconds < 90:
        return f"{seconds}s"
    if seconds < 5400:
        return f"{seconds // 60}m"
    return f"{seconds // 3600}h{(seconds % 3600) // 60:02d}m"


# ── entry point ────────────────────────────────────────────────────────────────────────────────────

def lock_path(vault: Path) -> Path:
    from .state import state_dir
    return state_dir(vault) / "watch.lock"


def default_log_file(vault: Path) -> Path:
    from .state import state_dir
    return state_dir(vault) / "watch.log"


def _log_handlers(log_file: Path | None) -> list[logging.Handler]:
    if log_file is None:
        handler: logging.Handler = logging.StreamHandler(sys.stderr)
    else:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(log_file, maxBytes=1 << 20, backupCount=3,
                                                       encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", datefmt="%Y-%m-%d %H:%M:%S"))
    return [handler]


class _OverflowHook(logging.Handler):
    """watchdog only logs a kernel queue overflow (events lost); turn it into a full sync."""

    def __init__(self, changes: ChangeBuffer) -> None:
        super().__init__(logging.WARNING)
        self.changes = changes

    def emit(self, record: logging.LogRecord) -> None:
        with contextlib.suppress(Exception):
            if "overflow" in record.getMessage().lower():
                self.changes.request("events lost (queue overflow)")


def run_watch(vault: Path, *, debounce: float = 0.3, poll: bool = False, log_file: Path | None = None,
              rescan_minutes: float = 15, today: date | None = None, sync_fn: SyncFn | None = None,
              clock: Clock | None = None, heartbeat: float = HEARTBEAT_SECONDS,
              poll_interval: float | None = None) -> int:
    """Run the daemon in the foreground until SIGINT/SIGTERM; returns the exit code.

    Raises AlreadyRunningError when another daemon holds this vault's lock on this device, and
    UsageError for impossible settings. `today` pins the date (reproducible runs; no day change).
    """
    if not 0 <= debounce <= 60:
        raise UsageError(f"--debounce {debounce} is out of range", hint="use a value between 0 and 60 seconds")
    if rescan_minutes < 0:
        raise UsageError("--rescan-minutes must not be negative", hint="use 0 to turn the periodic rescan off")
    vault = Path(os.path.abspath(vault))
    lock = WatchLock(lock_path(vault))
    lock.acquire(vault)
    handlers = _log_handlers(log_file)
    watched_loggers = [log, logging.getLogger("watchdog")]
    saved = [(lg, lg.level, lg.propagate) for lg in watched_loggers]
    for lg in watched_loggers:
        for h in handlers:
            lg.addHandler(h)
        lg.propagate = False
    log.setLevel(logging.INFO)
    logging.getLogger("watchdog").setLevel(logging.WARNING)
    try:
        watcher = Watcher(vault, sync_fn=sync_fn, debounce=debounce, rescan_minutes=rescan_minutes, poll=poll,
                          clock=clock, heartbeat=heartbeat, poll_interval=poll_interval, fixed_today=today)
        hook = _OverflowHook(watcher.changes)
        logging.getLogger("watchdog").addHandler(hook)
        try:
            return watcher.run()
        finally:
            logging.getLogger("watchdog").removeHandler(hook)
    finally:
        for lg, level, propagate in saved:
            for h in handlers:
                lg.removeHandler(h)
            lg.setLevel(level)
            lg.propagate = propagate
        for h in handlers:
            h.close()
        lock.release()
