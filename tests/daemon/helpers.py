"""What the daemon's tests share: a fake clock, recording syncs, and a watcher running in a thread."""
from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from watchdog.events import (
    FileModifiedEvent,
)

from vaultcrm.config import Config
from vaultcrm.daemon import loop as watch
from vaultcrm.daemon.events import Clock
from vaultcrm.daemon.loop import Watcher
from vaultcrm.vault.scan import NotePaths
from vaultcrm.writeback.atomic import write_if_changed

DASHBOARD = "CRM/Due this week.md"


class FakeClock(Clock):
    """Monotonic and wall time advance together; suspend() moves only the wall clock (a sleeping laptop)."""

    def __init__(self, start: datetime = datetime(2026, 11, 22, 12, 0, 0)) -> None:
        self.start = start
        self.elapsed = 0.0
        self.slept = 0.0

    def monotonic(self) -> float:
        return 1000.0 + self.elapsed

    def time(self) -> float:
        return self.start.timestamp() + self.elapsed + self.slept

    def now(self) -> datetime:
        return self.start + timedelta(seconds=self.elapsed + self.slept)

    def advance(self, seconds: float) -> None:
        self.elapsed += seconds

    def suspend(self, seconds: float) -> None:
        self.slept += seconds


class Recorder:
    """A fake sync: records each call; `effect` may raise or inject events (as if during the sync)."""

    def __init__(self) -> None:
        self.calls: list[tuple[date, frozenset[str] | None]] = []
        self.effect: Callable[[int], None] | None = None

    def __call__(self, vault: Path, today: date, changed: frozenset[str] | None) -> str:
        self.calls.append((today, changed))
        if self.effect is not None:
            self.effect(len(self.calls))
        return f"sync {len(self.calls)} · unchanged"


def loop(vault: Path, clock: FakeClock, sync: Recorder, **kwargs: Any) -> Watcher:
    kwargs.setdefault("relevant", NotePaths(Config()).is_note_path)
    w = Watcher(vault, sync_fn=sync, clock=clock, observe=False, debounce=0.3, **kwargs)
    w._check_all = False  # as after a first sync: the fake sync sees which notes changed
    return w


def run_for(watcher: Watcher, clock: FakeClock, seconds: float) -> None:
    """Turn the loop as the real one would, with fake time instead of sleeping."""
    end = clock.monotonic() + seconds
    for _ in range(100_000):
        wait = watcher.step()
        if wait > 0:
            left = end - clock.monotonic()
            if left <= 0:
                return
            clock.advance(min(wait, left))
    raise AssertionError("the loop never waited")


def modified(vault: Path, rel: str) -> FileModifiedEvent:
    return FileModifiedEvent(str(vault / rel))


class DashboardSync:
    """Stands in for the pipeline: writes a dashboard listing every note (write-if-changed, atomic),
    and a problem line for notes whose frontmatter does not close. Counts calls and writes."""

    def __init__(self) -> None:
        self.calls = 0
        self.writes = 0
        self.lock = threading.Lock()

    def __call__(self, vault: Path, today: date, changed: frozenset[str] | None) -> str:
        assert any(vault.iterdir()), "synced an empty vault"
        lines = []
        for path in sorted(vault.rglob("*.md")):
            rel = path.relative_to(vault).as_posix()
            if rel == DASHBOARD or any(p.startswith(".") for p in rel.split("/")):
                continue
            data = path.read_bytes()
            problem = " PROBLEM" if data.startswith(b"---\n") and b"\n---" not in data[3:] else ""
            lines.append(f"- {rel} {hashlib.sha1(data).hexdigest()[:8]}{problem}\n")
        target = vault / DASHBOARD
        target.parent.mkdir(exist_ok=True)
        wrote = write_if_changed(target, "".join(lines).encode())
        with self.lock:
            self.calls += 1
            self.writes += wrote
        return f"{len(lines)} notes · {'wrote' if wrote else 'unchanged'}"


class Running:
    """A Watcher with real observers, run in a thread (no signal handlers there)."""

    def __init__(self, vault: Path, sync: Any, **kwargs: Any) -> None:
        kwargs.setdefault("debounce", 0.1)
        kwargs.setdefault("relevant", NotePaths(Config()).is_note_path)
        self.watcher = Watcher(vault, sync_fn=sync, **kwargs)
        self.sync = sync
        self.code: int | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        self.code = self.watcher.run()

    def __enter__(self) -> Running:
        self.thread.start()
        wait_for(lambda: self.watcher.syncs >= 1, what="the initial sync")
        return self

    def __exit__(self, *exc: object) -> None:
        self.watcher.stop()
        self.thread.join(5)
        assert not self.thread.is_alive()


def wait_for(cond: Callable[[], bool], timeout: float = 10.0, what: str = "condition") -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def settle(d: DashboardSync, quiet: float = 0.6, watcher: Watcher | None = None, timeout: float = 15.0) -> int:
    """Wait until no sync happened (and, given the watcher, none was pending or running) for `quiet`
    seconds; return the call count."""
    last, since, end = d.calls, time.monotonic(), time.monotonic() + timeout
    while time.monotonic() - since < quiet:
        assert time.monotonic() < end, f"syncs did not settle within {timeout} s"
        time.sleep(0.05)
        if d.calls != last or (watcher is not None and _busy(watcher)):
            last, since = d.calls, time.monotonic()
    return last


def _busy(watcher: Watcher) -> bool:
    """Whether the watcher is syncing or has changes waiting for their debounce."""
    return (watcher._phase == Watcher.SYNCING
            or watcher.changes.due_in(watcher.clock.monotonic(), 0, 0) is not None)


JANE = "---\ntier: A\nlast_contact: 2026-10-01\n---\n# Jane Doe\n"


def pipeline_running(vault: Path, **kwargs: Any) -> Running:
    r = Running(vault, watch.PipelineSync(), fixed_today=date(2026, 11, 22), **kwargs)
    r.watcher._relevant_override = None  # the vault's own settings decide what counts
    return r
