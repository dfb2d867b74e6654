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

The other parts: `events` (what changed), `observers` (watching the folders, polling fall-back),
`lock` (one daemon per vault and device) and `service` (running it in the background).
"""
from __future__ import annotations

import contextlib
import logging
import logging.handlers
import os
import signal
import sys
import threading
import traceback
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vaultcrm.config import Config
from vaultcrm.daemon.events import (
    ChangeBuffer,
    Clock,
    Pending,
    Relevance,
    VaultEventHandler,
)
from vaultcrm.daemon.lock import WatchLock, lock_path
from vaultcrm.daemon.observers import Watches
from vaultcrm.errors import AlreadyRunningError, UsageError, VaultcrmError, VaultMissingError
from vaultcrm.vault.scan import NotePaths

if TYPE_CHECKING:
    from vaultcrm.pipeline import Memory

log = logging.getLogger("vaultcrm.watch")

HEARTBEAT_SECONDS = 5.0
WAKE_JUMP_SECONDS = 10.0  # wall clock moved this much more than the monotonic clock: sleep or clock change
MAX_BACKOFF_SECONDS = 60.0
ABANDON_GRACE = 1.0  # seconds a running sync may take to finish after SIGTERM
EXIT_DEAF = 1

SyncFn = Callable[[Path, date, "frozenset[str] | None"], Any]


def seconds_to_midnight(now: datetime) -> float:
    """Seconds from `now` (local, naive) to the next local midnight."""
    tomorrow = datetime.combine(now.date() + timedelta(days=1), datetime.min.time())
    return max(0.0, (tomorrow - now).total_seconds())


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
    """The real sync, keeping the vault in memory between syncs (pipeline.open_memory) so that an edit
    re-reads only what changed; after each sync it also refreshes the calendar file the config's
    `ics` names, if any."""

    def __init__(self) -> None:
        self.memories: dict[Path, Memory] = {}

    def __call__(self, vault: Path, today: date, changed: frozenset[str] | None) -> Any:
        from vaultcrm.config import load_config
        from vaultcrm.exporters.outputs import refresh_ics
        from vaultcrm.pipeline import analyse, open_memory, sync

        memory = self.memories.get(vault) or self.memories.setdefault(vault, open_memory(vault, keep=True))
        with memory:
            report = sync(vault, today, memory=memory, changed=changed)
            analysis = report.analysis
            if analysis is None and load_config(vault).ics:  # made by difference: the calendar lists everyone
                analysis = analyse(vault, today, memory=memory)
            if analysis is not None:
                refresh_ics(analysis)
        return report


class Watcher:
    """The debounce loop. `step()` is one turn (tests drive it with a fake clock); `run()` loops."""

    IDLE, WAITING, SYNCING = "idle", "waiting", "syncing"

    def __init__(self, vault: Path, *, sync_fn: SyncFn | None = None, debounce: float = 0.3,
                 rescan_minutes: float = 15, poll: bool = False, clock: Clock | None = None,
                 relevant: Relevance | None = None, observe: bool = True,
                 observer_factory: Callable[[bool], Any] | None = None,
                 heartbeat: float = HEARTBEAT_SECONDS, max_delay: float | None = None,
                 poll_interval: float | None = None, fixed_today: date | None = None,
                 lock: WatchLock | None = None) -> None:
        self.vault = Path(os.path.abspath(vault))
        self.lock = lock
        self.sync_fn: SyncFn = sync_fn or PipelineSync()
        self.debounce = debounce
        self.max_delay = max_delay if max_delay is not None else max(10.0, 10 * debounce)
        self.rescan_interval = rescan_minutes * 60 if rescan_minutes and rescan_minutes > 0 else None
        self.clock = clock or Clock()
        self.heartbeat = heartbeat
        self.fixed_today = fixed_today
        self.changes = ChangeBuffer(self.clock)
        self._relevant_override = relevant
        self._paths = NotePaths(Config())  # until the vault's own settings are read
        self.handler = VaultEventHandler(self.vault, self.changes, self.relevant)
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
        """Whether a changed file can change the dashboard: a note, a sync-conflict copy of one (listed
        as a problem), or the dashboard itself when it is gone (deleted or moved away: it is written
        again at once) or holds a box the user ticked (never vaultcrm's own write)."""
        if self._relevant_override is not None:
            return self._relevant_override(rel)
        if rel.casefold() == self._paths.dashboard:
            from vaultcrm.dashboard.guards import has_ticks
            path = self.vault / rel
            return not os.path.lexists(path) or has_ticks(path)
        return self._paths.is_note_path(rel) or self._paths.is_conflict_copy(rel)

    def _load_config(self) -> None:
        if self._relevant_override is not None:
            return
        try:
            from vaultcrm.config import load_config
            self._paths = NotePaths(load_config(self.vault))
        except VaultcrmError:
            pass  # the sync reports it; keep filtering with the last good settings

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
        except (FileNotFoundError, NotADirectoryError):
            self._enter_missing(Pending(reasons=["start"]), "vanished while vaultcrm started watching it")
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
        if self.lock is not None and not self.lock.check():
            log.error("the lock file %s was deleted and another vaultcrm watch took the new one; exiting "
                      "(code %d): one watcher per vault and device", self.lock.path, AlreadyRunningError.exit_code)
            self.exit_code = AlreadyRunningError.exit_code
            self.stop()
            return
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
            try:
                self.watches.start()
            except OSError as exc:
                self._enter_missing(self.changes.take(), f"cannot be watched ({exc})")
                return
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
        except Exception as exc:
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
        self._failures_in_row += 1
        n = self._failures_in_row
        if n & (n - 1) == 0:  # 1st, 2nd, 4th, 8th... failure in a row
            log.error("%s: %s%s", what, message, f" [{n} failures in a row]" if n > 1 else "")
        self.failures += 1  # (counted once logged: whoever watches the count finds the line written)
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
                _thread.interrupt_main(signal.Signals(signum))


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
                          clock=clock, heartbeat=heartbeat, poll_interval=poll_interval, fixed_today=today,
                          lock=lock)
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
