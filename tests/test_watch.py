"""The daemon: (a) the debounce loop driven by a fake clock and synthetic events; (b) real observers
on tmp vaults with short debounces and generous timeouts; (c) the process: lock, signals, exit codes."""
from __future__ import annotations

import errno
import hashlib
import logging
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirModifiedEvent,
    FileClosedEvent,
    FileClosedNoWriteEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileOpenedEvent,
)

from vaultcrm.daemon import lock as watch_lock
from vaultcrm.daemon import loop as watch
from vaultcrm.daemon.events import Clock, basic_relevant
from vaultcrm.daemon.loop import Watcher, run_watch, seconds_to_midnight
from vaultcrm.errors import AlreadyRunningError, ConfigError, VaultMissingError
from vaultcrm.writeback.atomic import write_if_changed

DASHBOARD = "CRM/Due this week.md"


# ── helpers ────────────────────────────────────────────────────────────────────────────────────────

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


@pytest.fixture
def vault(make_vault: Callable[..., Path]) -> Path:
    return make_vault({"People/Jane Doe.md": "---\ntier: A\n---\n", "Daily/2026-11-20.md": "- [[Jane Doe]]\n"})


def loop(vault: Path, clock: FakeClock, sync: Recorder, **kwargs: Any) -> Watcher:
    kwargs.setdefault("relevant", lambda rel: basic_relevant(rel, DASHBOARD))
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


# ── (a) the loop, with a fake clock ────────────────────────────────────────────────────────────────

def test_start_renders_once_then_stays_quiet(vault: Path) -> None:
    clock, sync = FakeClock(), Recorder()
    w = loop(vault, clock, sync)
    w.changes.request("start")
    run_for(w, clock, 600)
    assert len(sync.calls) == 1
    assert sync.calls[0] == (date(2026, 11, 22), None)


def test_fifty_events_in_100ms_make_one_sync(vault: Path) -> None:
    clock, sync = FakeClock(), Recorder()
    w = loop(vault, clock, sync)
    for i in range(50):
        w.handler.dispatch(modified(vault, "People/Jane Doe.md"))
        assert w.step() > 0  # never a sync while events keep coming
        clock.advance(0.002)
    run_for(w, clock, 5)
    assert sync.calls == [(date(2026, 11, 22), frozenset({"People/Jane Doe.md"}))]


def test_changed_notes_are_passed_only_when_exact(vault: Path) -> None:
    clock, sync = FakeClock(), Recorder()
    w = loop(vault, clock, sync)

    def fail_third(n: int) -> None:
        if n == 3:
            raise RuntimeError("boom")

    sync.effect = fail_third
    w._check_all = True
    w.changes.request("start")
    run_for(w, clock, 1)  # 1: start → everything
    w.handler.dispatch(modified(vault, "People/Jane Doe.md"))
    run_for(w, clock, 1)  # 2: exactly one note
    w.handler.dispatch(modified(vault, "People/Jane Doe.md"))
    run_for(w, clock, 1)  # 3: fails
    w.handler.dispatch(modified(vault, "Daily/2026-11-20.md"))
    run_for(w, clock, 1)  # 4: after a failure → everything
    w.handler.dispatch(make_event(vault, DirDeletedEvent, "People/Old"))
    run_for(w, clock, 1)  # 5: a folder went away → everything
    w.handler.dispatch(modified(vault, ".vaultcrm/config.toml"))
    run_for(w, clock, 1)  # 6: settings → everything
    w.handler.dispatch(modified(vault, "Daily/2026-11-20.md"))
    run_for(w, clock, 1)  # 7: exactly one note again
    assert [c[1] for c in sync.calls] == [None, frozenset({"People/Jane Doe.md"}), frozenset({"People/Jane Doe.md"}),
                                          None, None, None, frozenset({"Daily/2026-11-20.md"})]


def test_sync_waits_for_quiet_not_for_first_event(vault: Path) -> None:
    clock, sync = FakeClock(), Recorder()
    w = loop(vault, clock, sync)
    w.handler.dispatch(modified(vault, "People/Jane Doe.md"))
    run_for(w, clock, 0.25)
    w.handler.dispatch(modified(vault, "Daily/2026-11-20.md"))
    run_for(w, clock, 0.25)
    assert sync.calls == []  # 0.5 s after the first event, but only 0.25 s of quiet
    run_for(w, clock, 0.1)
    assert [c[1] for c in sync.calls] == [frozenset({"People/Jane Doe.md", "Daily/2026-11-20.md"})]


def test_events_during_a_sync_bring_exactly_one_more(vault: Path) -> None:
    clock, sync = FakeClock(), Recorder()
    w = loop(vault, clock, sync)

    def during(n: int) -> None:
        if n == 1:
            for _ in range(20):
                w.handler.dispatch(modified(vault, "People/Jane Doe.md"))
                clock.advance(0.01)

    sync.effect = during
    w.handler.dispatch(modified(vault, "Daily/2026-11-20.md"))
    run_for(w, clock, 10)
    assert [c[1] for c in sync.calls] == [frozenset({"Daily/2026-11-20.md"}), frozenset({"People/Jane Doe.md"})]


def test_a_failure_is_counted_once_its_line_is_logged(vault: Path) -> None:
    """Whoever waits on `failures` (tests, and anyone polling the daemon) finds the error line written."""
    clock, sync = FakeClock(), Recorder()
    w = loop(vault, clock, sync)
    seen: list[int] = []

    class Counting(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.levelno >= logging.ERROR:
                seen.append(w.failures)

    handler = Counting()
    logging.getLogger("vaultcrm.watch").addHandler(handler)
    try:
        sync.effect = lambda n: (_ for _ in ()).throw(ConfigError("template error", hint="fix it"))
        w.handler.dispatch(modified(vault, "People/Jane Doe.md"))
        run_for(w, clock, 1)
    finally:
        logging.getLogger("vaultcrm.watch").removeHandler(handler)
    assert seen == [0] and w.failures == 1


def test_an_error_in_one_sync_does_not_stop_the_next(vault: Path, caplog: pytest.LogCaptureFixture) -> None:
    clock, sync = FakeClock(), Recorder()
    w = loop(vault, clock, sync)

    def fail_first(n: int) -> None:
        if n == 1:
            raise RuntimeError("boom")
        if n == 2:
            raise ConfigError("template error in dashboard.md.j2", hint="fix line 3")

    sync.effect = fail_first
    for _ in range(3):
        w.handler.dispatch(modified(vault, "People/Jane Doe.md"))
        run_for(w, clock, 1)
    assert len(sync.calls) == 3 and w.syncs == 1 and w.failures == 2
    assert "RuntimeError: boom" in caplog.text and "template error" in caplog.text and "fix line 3" in caplog.text
    run_for(w, clock, 300)
    assert len(sync.calls) == 3  # a failed sync is not retried in a loop; the next change brings one


def make_event(vault: Path, cls: type, *paths: str) -> Any:
    return cls(*(str(vault / p) for p in paths))


@pytest.mark.parametrize("cls,paths", [
    (FileOpenedEvent, ["People/Jane Doe.md"]),
    (FileClosedNoWriteEvent, ["People/Jane Doe.md"]),
    (FileModifiedEvent, [DASHBOARD]),
    (FileMovedEvent, ["CRM/.Due this week.md.vaultcrm-1a2b3c4d.tmp", DASHBOARD]),
    (FileCreatedEvent, ["CRM/.Due this week.md.vaultcrm-1a2b3c4d.tmp"]),
    (FileModifiedEvent, [".obsidian/workspace.json"]),
    (FileModifiedEvent, [".git/index"]),
    (FileModifiedEvent, [".trash/Old.md"]),
    (FileModifiedEvent, ["People/Jane Doe.md.tmp"]),
    (FileModifiedEvent, ["People/photo.png"]),
    (DirModifiedEvent, ["People"]),
    (DirCreatedEvent, [".git/objects/ab"]),
], ids=lambda x: x.__name__ if isinstance(x, type) else "→".join(x))
def test_ignored_events_bring_no_sync(vault: Path, cls: type, paths: list[str]) -> None:
    clock, sync = FakeClock(), Recorder()
    w = loop(vault, clock, sync)
    w.handler.dispatch(make_event(vault, cls, *paths))
    run_for(w, clock, 5)
    assert sync.calls == []


@pytest.mark.parametrize("src,dest,expected", [
    ("People/.Jane Doe.md.swp.tmp", "People/Jane Doe.md", {"People/Jane Doe.md"}),  # rename-save
    ("People/Jane Doe.md", "People/Jane Roe.md", {"People/Jane Doe.md", "People/Jane Roe.md"}),
    ("People/Jane Doe.md", "/elsewhere/Jane Doe.md", {"People/Jane Doe.md"}),  # moved out of the vault
    ("People/Jane Doe.md", ".trash/Jane Doe.md", {"People/Jane Doe.md"}),  # Obsidian's delete
])
def test_moves_count_by_source_or_destination(vault: Path, src: str, dest: str, expected: set[str]) -> None:
    clock, sync = FakeClock(), Recorder()
    w = loop(vault, clock, sync)
    w.handler.dispatch(FileMovedEvent(str(vault / src), dest if dest.startswith("/") else str(vault / dest)))
    run_for(w, clock, 5)
    assert [c[1] for c in sync.calls] == [frozenset(expected)]


@pytest.mark.parametrize("cls,path", [
    (FileCreatedEvent, "People/New.md"), (FileDeletedEvent, "People/Jane Doe.md"),
    (FileClosedEvent, "People/Jane Doe.md"), (FileModifiedEvent, "Root note.MD"),
    (FileModifiedEvent, ".vaultcrm/config.toml"), (FileModifiedEvent, ".vaultcrm/templates/dashboard.md.j2"),
    (FileModifiedEvent, ".obsidian/daily-notes.json"),
    (DirDeletedEvent, "People/Old"),  # `mv People/Old /tmp` gives no event per note
], ids=lambda x: x.__name__ if isinstance(x, type) else x)
def test_relevant_events_bring_a_sync(vault: Path, cls: type, path: str) -> None:
    clock, sync = FakeClock(), Recorder()
    w = loop(vault, clock, sync)
    w.handler.dispatch(make_event(vault, cls, path))
    run_for(w, clock, 5)
    assert len(sync.calls) == 1


def test_new_folders_count_only_when_they_hold_notes(vault: Path) -> None:
    clock, sync = FakeClock(), Recorder()
    w = loop(vault, clock, sync)
    (vault / "CRM").mkdir()
    (vault / "CRM" / "Due this week.md").write_text("the dashboard")
    w.handler.dispatch(make_event(vault, DirCreatedEvent, "CRM"))  # the pipeline made its folder
    (vault / "Empty").mkdir()
    w.handler.dispatch(make_event(vault, DirCreatedEvent, "Empty"))
    run_for(w, clock, 5)
    assert sync.calls == []
    (vault / "Moved in/Sub").mkdir(parents=True)  # a folder of notes moved into the vault root
    (vault / "Moved in/Sub/Ann.md").write_text("x")
    w.handler.dispatch(make_event(vault, DirCreatedEvent, "Moved in"))
    run_for(w, clock, 5)
    assert len(sync.calls) == 1


def test_config_filter_uses_is_ignored(make_vault: Callable[..., Path]) -> None:
    v = make_vault({"People/Jane Doe.md": "x", ".vaultcrm/config.toml": 'dashboard = "Home/CRM.md"\n'
                    'exclude = ["Archive/**"]\n'})
    w = Watcher(v, sync_fn=Recorder(), observe=False)
    w._load_config()
    assert w.relevant("People/Jane Doe.md")
    assert not w.relevant("Home/CRM.md")  # the configured dashboard
    assert not w.relevant("Archive/Old.md")  # excluded
    assert not w.relevant("Templates/Person.md")  # the templates folder
    assert w.relevant("People/Jane Doe.sync-conflict-20261122-101010-ABC.md")  # listed as a problem


def test_a_storm_that_never_quiets_still_syncs_every_max_delay(vault: Path) -> None:
    clock, sync = FakeClock(), Recorder()
    w = loop(vault, clock, sync)
    for _ in range(300):  # an event every 0.1 s for 30 s
        w.handler.dispatch(modified(vault, "People/Jane Doe.md"))
        run_for(w, clock, 0.1)
    run_for(w, clock, 1)
    assert 3 <= len(sync.calls) <= 4


def test_midnight_rerenders_with_the_new_date(vault: Path) -> None:
    clock, sync = FakeClock(datetime(2026, 11, 22, 23, 59, 50)), Recorder()
    w = loop(vault, clock, sync)
    w.changes.request("start")
    assert w.step() == 0.0
    wait = w.step()
    assert 9.9 < wait <= 10.1  # it sleeps until midnight, not longer
    run_for(w, clock, 11)
    assert [c[0] for c in sync.calls] == [date(2026, 11, 22), date(2026, 11, 23)]


def test_seconds_to_midnight() -> None:
    assert seconds_to_midnight(datetime(2026, 11, 22, 23, 0, 0)) == 3600
    assert seconds_to_midnight(datetime(2026, 11, 22, 0, 0, 0)) == 86400


def test_wake_from_sleep_rerenders(vault: Path) -> None:
    clock, sync = FakeClock(), Recorder()
    w = loop(vault, clock, sync)
    w.changes.request("start")
    run_for(w, clock, 30)
    clock.suspend(2 * 3600)  # the laptop slept two hours: wall clock jumped, monotonic did not
    run_for(w, clock, 1)
    assert len(sync.calls) == 2


def test_periodic_rescan(vault: Path) -> None:
    clock, sync = FakeClock(), Recorder()
    w = loop(vault, clock, sync, rescan_minutes=15)
    w.changes.request("start")
    run_for(w, clock, 46 * 60)
    assert len(sync.calls) == 4  # start + 15, 30, 45 min


def test_pinned_today_is_passed(vault: Path) -> None:
    clock, sync = FakeClock(datetime(2026, 11, 22, 23, 59, 59)), Recorder()
    w = loop(vault, clock, sync, fixed_today=date(2026, 1, 1))
    w.changes.request("start")
    run_for(w, clock, 5)
    assert [c[0] for c in sync.calls] == [date(2026, 1, 1)]


def test_missing_vault_never_syncs_and_retries_with_backoff(vault: Path, tmp_path: Path) -> None:
    clock, sync = FakeClock(), Recorder()
    w = loop(vault, clock, sync)
    w.changes.request("start")
    run_for(w, clock, 1)
    away = tmp_path / "unmounted"
    vault.rename(away)
    vault.mkdir()  # an empty mount point is left behind
    w.handler.dispatch(modified(vault, "People/Jane Doe.md"))
    run_for(w, clock, 600)
    assert len(sync.calls) == 1  # no sync (no "nothing due" note) while the vault is away
    assert w._missing_since is not None and w._backoff == watch.MAX_BACKOFF_SECONDS
    vault.rmdir()
    away.rename(vault)
    run_for(w, clock, 61)
    assert len(sync.calls) == 2


def test_vault_missing_error_is_retried_with_backoff(vault: Path) -> None:
    clock, sync = FakeClock(), Recorder()

    def empty(n: int) -> None:
        if n <= 5:
            raise VaultMissingError("no contacts found where the last dashboard counted 57")

    sync.effect = empty
    w = loop(vault, clock, sync)
    w.changes.request("start")
    run_for(w, clock, 1 + 2 + 4 + 8 + 1)
    assert len(sync.calls) == 5  # at 0, 1, 3, 7, 15 s: not a tight loop
    run_for(w, clock, 20)
    assert len(sync.calls) == 6 and w.syncs == 1


# ── (b) real observers on tmp vaults ───────────────────────────────────────────────────────────────

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
        kwargs.setdefault("relevant", lambda rel: basic_relevant(rel, DASHBOARD))
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


def test_real_edit_and_rename_save_rerender(vault: Path) -> None:
    d = DashboardSync()
    with Running(vault, d):
        dash = vault / DASHBOARD
        assert "People/Jane Doe.md" in dash.read_text()
        before = dash.read_text()
        with open(vault / "People/Jane Doe.md", "a") as f:  # in-place edit
            f.write("- 2026-11-21 coffee\n")
        wait_for(lambda: dash.read_text() != before, what="re-render after an in-place edit")
        before = dash.read_text()
        tmp = vault / "People/.Jane Doe.md.swp.tmp"  # an editor's atomic save
        tmp.write_text("---\ntier: B\n---\n")
        os.replace(tmp, vault / "People/Jane Doe.md")
        wait_for(lambda: dash.read_text() != before, what="re-render after a rename-save")


def test_real_quiet_vault_stays_quiet_after_start(vault: Path) -> None:
    d = DashboardSync()
    with Running(vault, d):
        time.sleep(3)
        assert (d.calls, d.writes) == (1, 1)  # its own write and reads never trigger it again


def test_real_new_top_level_folder_is_watched(vault: Path) -> None:
    d = DashboardSync()
    with Running(vault, d) as r:
        (vault / "Projects/Deep/Er").mkdir(parents=True)
        calls = settle(d, watcher=r.watcher)  # the folder's own sync is over: the note needs a new one
        (vault / "Projects/Deep/Er/Meeting.md").write_text("with [[Jane Doe]]\n")
        wait_for(lambda: d.calls > calls and "Projects/Deep/Er/Meeting.md" in (vault / DASHBOARD).read_text(),
                 what="new folder")


def test_real_burst_of_2000_files_brings_at_most_two_syncs(vault: Path) -> None:
    d = DashboardSync()
    with Running(vault, d):
        calls = d.calls
        for i in range(2000):
            (vault / f"People/Person {i:04d}.md").write_text(f"# Person {i}\n")
        settle(d, quiet=1.0)
        assert 1 <= d.calls - calls <= 2
        assert (vault / DASHBOARD).read_text().count("\n") == 2002


def test_real_broken_note_keeps_daemon_alive(vault: Path) -> None:
    d = DashboardSync()
    with Running(vault, d) as r:
        (vault / "People/Broken.md").write_text("---\ntier: [A\n")
        wait_for(lambda: "People/Broken.md" in (vault / DASHBOARD).read_text(), what="the broken note listed")
        assert "PROBLEM" in (vault / DASHBOARD).read_text()
        assert r.thread.is_alive()


def test_real_vault_vanishing_and_coming_back(vault: Path, tmp_path: Path) -> None:
    d = DashboardSync()  # asserts that it never runs on an empty vault
    with Running(vault, d, heartbeat=0.2) as r:
        away = tmp_path / "away"
        vault.rename(away)
        wait_for(lambda: r.watcher._missing_since is not None, what="missing mode")
        time.sleep(1)
        calls = d.calls
        away.rename(vault)
        (vault / "People/Back.md").write_text("x")
        wait_for(lambda: d.calls > calls and "People/Back.md" in (vault / DASHBOARD).read_text(), timeout=15,
                 what="vault back")  # `calls` counts a sync once its write is done
        with open(vault / "People/Jane Doe.md", "a") as f:  # and it watches again
            f.write("more\n")
        calls = d.calls
        wait_for(lambda: d.calls > calls, what="events after the vault came back")


def test_real_vault_missing_at_start_is_waited_for(tmp_path: Path) -> None:
    vault = tmp_path / "later"
    d = DashboardSync()
    r = Running(vault, d, heartbeat=0.2)
    r.thread.start()
    try:
        time.sleep(1.5)
        assert d.calls == 0 and r.thread.is_alive()
        (vault / "People").mkdir(parents=True)
        (vault / "People/Jane Doe.md").write_text("x")
        wait_for(lambda: (vault / DASHBOARD).exists(), timeout=10, what="the first render once mounted")
        (vault / "People/Ann.md").write_text("y")
        wait_for(lambda: "People/Ann.md" in (vault / DASHBOARD).read_text(), what="watching after the wait")
    finally:
        r.watcher.stop()
        r.thread.join(5)


def test_real_observer_death_exits_nonzero(vault: Path) -> None:
    d = DashboardSync()
    r = Running(vault, d, heartbeat=0.2)
    with r:
        observer = r.watcher.watches.observer
        observer.stop()  # as if an exception had killed watchdog's thread
        r.thread.join(3)
        assert not r.thread.is_alive()
        assert r.code == watch.EXIT_DEAF


@pytest.mark.parametrize("limit", [0, 4], ids=["root-fails", "subfolders-skipped"])
def test_real_watch_limit_falls_back_to_polling(vault: Path, monkeypatch: pytest.MonkeyPatch,
                                                caplog: pytest.LogCaptureFixture, limit: int) -> None:
    """Past max_user_watches, watchdog raises for the root but skips sub-folders silently; either way the
    daemon notices, says what to do, and polls."""
    import ctypes

    from watchdog.observers import inotify_c
    if not sys.platform.startswith("linux"):
        pytest.skip("inotify only")
    for i in range(6):
        (vault / f"People/Team {i}/Sub").mkdir(parents=True)
    real = inotify_c.inotify_add_watch
    count = {"n": 0}

    def limited(fd: int, path: bytes, mask: int) -> int:
        count["n"] += 1
        if count["n"] > limit:
            ctypes.set_errno(errno.ENOSPC)
            return -1
        return real(fd, path, mask)

    monkeypatch.setattr(inotify_c, "inotify_add_watch", limited)
    d = DashboardSync()
    with Running(vault, d, poll_interval=0.2) as r:
        assert r.watcher.watches.poll and "max_user_watches" in (r.watcher.watches.fell_back or "")
        assert "--poll" in caplog.text
        (vault / "People/Team 5/Sub/Deep.md").write_text("x")
        wait_for(lambda: "Deep.md" in (vault / DASHBOARD).read_text(), what="a change seen by polling")


def test_real_poll_mode(vault: Path) -> None:
    d = DashboardSync()
    with Running(vault, d, poll=True, poll_interval=0.2):
        tmp = vault / "People/.x.tmp"
        tmp.write_text("changed")
        os.replace(tmp, vault / "People/Jane Doe.md")
        dash = vault / DASHBOARD
        want = hashlib.sha1(b"changed").hexdigest()[:8]
        wait_for(lambda: want in dash.read_text(), what="poll mode re-render")
        calls = settle(d)
        time.sleep(1)
        assert d.calls == calls


# ── (c) the process: lock, signals ─────────────────────────────────────────────────────────────────

def test_lock_is_exclusive_and_freed(vault: Path, tmp_path: Path) -> None:
    path = tmp_path / "watch.lock"
    first = watch_lock.WatchLock(path)
    first.acquire(vault)
    with pytest.raises(AlreadyRunningError) as info:
        watch_lock.WatchLock(path).acquire(vault)
    assert f"pid {os.getpid()}" in info.value.message and info.value.exit_code == 8
    assert watch_lock.read_holder(path)["pid"] == os.getpid()
    first.release()
    assert watch_lock.read_holder(path) is None
    again = watch_lock.WatchLock(path)
    again.acquire(vault)
    again.release()


def test_a_killed_daemons_lock_is_free(vault: Path, tmp_path: Path) -> None:
    path = tmp_path / "watch.lock"
    code = ("import sys, time; from pathlib import Path; from vaultcrm.daemon.lock import WatchLock; "
            "WatchLock(Path(sys.argv[1])).acquire(Path(sys.argv[2])); print('locked', flush=True); time.sleep(60)")
    proc = subprocess.Popen([sys.executable, "-c", code, str(path), str(vault)], stdout=subprocess.PIPE)
    assert proc.stdout is not None and proc.stdout.readline() == b"locked\n"
    assert watch_lock.read_holder(path)["pid"] == proc.pid
    proc.kill()
    proc.wait()
    lock = watch_lock.WatchLock(path)
    lock.acquire(vault)  # no stale lock to clean up by hand
    lock.release()


DAEMON = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from vaultcrm.daemon.loop import run_watch
    from vaultcrm.writeback.atomic import write_if_changed

    def sync(vault, today, changed):
        if {slow!r}:
            time.sleep(30)  # a sync that never finishes in time
        write_if_changed(vault / "CRM" / "Due this week.md", b"ok\\n")
        return "ok"

    (Path(sys.argv[1]) / "CRM").mkdir(exist_ok=True)
    sys.exit(run_watch(Path(sys.argv[1]), sync_fn=sync, debounce=0.1, log_file=Path(sys.argv[2])))
""")


def start_daemon(vault: Path, log: Path, slow: bool = False) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-c", DAEMON.format(slow=slow), str(vault), str(log)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=os.environ.copy())


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_signal_exits_zero_within_two_seconds(vault: Path, tmp_path: Path, sig: int) -> None:
    log = tmp_path / "watch.log"
    proc = start_daemon(vault, log)
    try:
        wait_for(lambda: log.exists() and "→ ok" in log.read_text(), what="daemon start")
        t0 = time.monotonic()
        proc.send_signal(sig)
        assert proc.wait(5) == 0, proc.stderr.read() if proc.stderr else ""
        assert time.monotonic() - t0 < 2.0
        assert "stopped" in log.read_text()
    finally:
        proc.kill()


def test_sigterm_abandons_a_long_sync_cleanly(vault: Path, tmp_path: Path) -> None:
    log = tmp_path / "watch.log"
    proc = start_daemon(vault, log, slow=True)
    try:
        wait_for(lambda: log.exists() and "watching" in log.read_text(), what="daemon start")
        time.sleep(0.3)  # inside the slow sync now
        t0 = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(5) == 0
        assert time.monotonic() - t0 < 2.0
        assert "abandoned" in log.read_text()
        assert not list(vault.rglob("*.tmp")) and not list(vault.rglob(".*.tmp"))
    finally:
        proc.kill()


def test_second_process_is_refused_with_a_clear_message(vault: Path, tmp_path: Path) -> None:
    log = tmp_path / "watch.log"
    proc = start_daemon(vault, log)
    try:
        wait_for(lambda: log.exists() and "→ ok" in log.read_text(), what="daemon start")
        with pytest.raises(AlreadyRunningError) as info:
            run_watch(vault, sync_fn=lambda *a: "x")
        assert f"pid {proc.pid}" in info.value.message
        assert f"kill {proc.pid}" in (info.value.hint or "")
    finally:
        proc.terminate()
        proc.wait(5)


# ── (d) with the real pipeline and the real CLI ────────────────────────────────────────────────────

JANE = "---\ntier: A\nlast_contact: 2026-10-01\n---\n# Jane Doe\n"


@pytest.fixture
def crm_vault(make_vault: Callable[..., Path]) -> Path:
    return make_vault({"People/Jane Doe.md": JANE, "People/Bob Stone.md": "---\ntier: B\n---\n"})


def pipeline_running(vault: Path, **kwargs: Any) -> Running:
    r = Running(vault, watch.PipelineSync(), fixed_today=date(2026, 11, 22), **kwargs)
    r.watcher._relevant_override = None  # the vault's own settings decide what counts
    return r


def test_pipeline_broken_note_is_listed_and_daemon_goes_on(crm_vault: Path) -> None:
    dash = crm_vault / DASHBOARD
    with pipeline_running(crm_vault) as r:
        assert "Jane Doe" in dash.read_text()
        (crm_vault / "People/Broken.md").write_text("---\ntier: [A\n---\n")
        wait_for(lambda: "People/Broken.md" in dash.read_text(), what="the problem in the dashboard")
        assert r.thread.is_alive() and r.watcher.failures == 0
        before = dash.read_text()
        tmp = crm_vault / "People/.Jane Doe.md.tmp"  # a rename-save that makes Jane due no more
        tmp.write_text(JANE.replace("2026-10-01", "2026-11-21"))
        os.replace(tmp, crm_vault / "People/Jane Doe.md")
        wait_for(lambda: dash.read_text() != before, what="re-render after a rename-save")


def test_pipeline_ticked_box_is_recorded_while_the_daemon_runs(crm_vault: Path) -> None:
    dash = crm_vault / DASHBOARD
    with pipeline_running(crm_vault) as r:
        text = dash.read_text()
        assert "- [ ] [[People/Jane Doe|Jane Doe]]" in text
        dash.write_text(text.replace("- [ ] [[People/Jane Doe|Jane Doe]]", "- [x] [[People/Jane Doe|Jane Doe]]"))
        wait_for(lambda: "last_contact: 2026-11-22" in (crm_vault / "People/Jane Doe.md").read_text(),
                 what="the tick recorded in Jane's note")
        wait_for(lambda: "[x]" not in dash.read_text() and "Jane Doe" not in dash.read_text().split("## ")[1],
                 what="the dashboard re-rendered without the tick")
        time.sleep(1)  # the touch edited Jane's note, which brings one more (unchanged) sync
        syncs = r.watcher.syncs
        time.sleep(1)
        assert r.watcher.syncs == syncs  # then quiet: its own unticked writes never trigger it


def test_pipeline_keeps_the_configured_calendar_fresh(crm_vault: Path) -> None:
    (crm_vault / ".vaultcrm").mkdir()
    (crm_vault / ".vaultcrm/config.toml").write_text('ics = "CRM/reminders.ics"\n')
    calendar = crm_vault / "CRM/reminders.ics"
    with pipeline_running(crm_vault):
        wait_for(calendar.exists, what="the calendar written at start")
        assert "Ann Lee" not in calendar.read_text()
        (crm_vault / "People/Ann Lee.md").write_text("---\ntier: A\n---\n")
        wait_for(lambda: "Ann Lee" in calendar.read_text(), what="the calendar refreshed after an edit")


def test_pipeline_template_error_then_fix(crm_vault: Path, caplog: pytest.LogCaptureFixture) -> None:
    dash = crm_vault / DASHBOARD
    template = crm_vault / ".vaultcrm/templates/dashboard.md.j2"
    with pipeline_running(crm_vault) as r:
        template.parent.mkdir(parents=True)
        template.write_text("{% for x in %}broken")
        wait_for(lambda: r.watcher.failures >= 1, what="the template error")
        assert "template" in caplog.text and r.thread.is_alive()
        template.write_text("custom {{ today }}\n")  # fixing it is a change too (a settings file)
        wait_for(lambda: "custom" in dash.read_text(), what="the fixed template used")


def test_pipeline_empty_mount_point_writes_nothing(crm_vault: Path, tmp_path: Path) -> None:
    dash = crm_vault / DASHBOARD
    with pipeline_running(crm_vault, heartbeat=0.2) as r:
        text = dash.read_text()
        away = tmp_path / "unmounted"
        crm_vault.rename(away)
        crm_vault.mkdir()  # the empty mount point
        wait_for(lambda: r.watcher._missing_since is not None, what="missing mode")
        time.sleep(0.5)
        assert list(crm_vault.iterdir()) == []  # no "nothing due" note
        crm_vault.rmdir()
        away.rename(crm_vault)
        wait_for(lambda: r.watcher._missing_since is None and r.watcher.syncs >= 2, timeout=15,
                 what="vault back")
        assert dash.read_text() == text


def cli_daemon(vault: Path, log: Path, *extra: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "vaultcrm", "watch", "--vault", str(vault), "--debounce", "0.1",
                             "--log-file", str(log), *extra], stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_cli_watch_renders_refuses_a_second_and_stops_on_sigterm(crm_vault: Path, tmp_path: Path) -> None:
    log = tmp_path / "watch.log"
    proc = cli_daemon(crm_vault, log)
    try:
        wait_for(lambda: (crm_vault / DASHBOARD).exists(), what="the initial render")
        second = subprocess.run([sys.executable, "-m", "vaultcrm", "watch", "--vault", str(crm_vault)],
                                capture_output=True, text=True, timeout=20)
        assert second.returncode == 8
        assert f"already running for {crm_vault}" in second.stderr and f"pid {proc.pid}" in second.stderr
        (crm_vault / "People/Ann Lee.md").write_text("---\ntier: A\n---\n")
        wait_for(lambda: "Ann Lee" in (crm_vault / DASHBOARD).read_text(), what="a new contact")
        t0 = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(5) == 0
        assert time.monotonic() - t0 < 2.0
        lines = log.read_text().splitlines()
        assert any("start → " in line and "wrote CRM/Due this week.md" in line for line in lines)
        assert any("People/Ann Lee.md → " in line for line in lines)
    finally:
        proc.kill()
