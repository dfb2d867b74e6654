"""Watching the vault's folders for `vaultcrm watch`: the watchdog observer and its watches.

Native events watch the vault root, each top-level folder (recursively) and the settings dot-folders.
On Linux, when inotify cannot cover every folder (fs.inotify limits), `Watches` falls back to polling
with a hint on raising the limit, so no change is missed.
"""
from __future__ import annotations

import contextlib
import errno
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from vaultcrm.daemon.events import WATCHED_DOT_FOLDERS, VaultEventHandler

log = logging.getLogger("vaultcrm.watch")  # the daemon's one logger, which run_watch sends to its log

POLL_CPU_SHARE = 0.01  # polling may use about this share of one CPU: interval = snapshot time / share


def _event_filter() -> list[type]:
    """Event classes we ask for: no open/close-no-write/access, so our own reads cost nothing."""
    from watchdog.events import (
        DirCreatedEvent,
        DirDeletedEvent,
        DirMovedEvent,
        FileClosedEvent,
        FileCreatedEvent,
        FileDeletedEvent,
        FileModifiedEvent,
        FileMovedEvent,
    )
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
        self.asked_poll = poll  # --poll; else polling is a fall-back, and each start tries events again
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
        """Start watching; on Linux, fall back to polling when inotify cannot cover every folder. A
        fall-back lasts until the next start (the vault replaced, or back after it vanished): then
        file events are tried again. A folder vanishing meanwhile is raised (FileNotFoundError)."""
        st = os.stat(self.root)
        self.identity = (st.st_dev, st.st_ino)
        self.poll, self.fell_back = self.asked_poll, None
        if not self.poll:
            try:
                self._start(poll=False)
                self.check_coverage(initial=True)
                return
            except OSError as exc:
                self.stop()
                if exc.errno in (errno.ENOENT, errno.ENOTDIR):
                    raise
                if exc.errno == errno.EMFILE:
                    reason = ("too many inotify instances (fs.inotify.max_user_instances); raise it with "
                              "`sudo sysctl fs.inotify.max_user_instances=1024` or run `vaultcrm watch --poll`. "
                              "Polling now, so no change is missed.")
                elif exc.errno == errno.ENOSPC:
                    reason = limit_hint(_safe(lambda: needed_watches(desired_watches(self.vault)), 0),
                                        max_user_watches())
                else:
                    reason = "polling instead, so no change is missed"
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
    except Exception:
        return default
