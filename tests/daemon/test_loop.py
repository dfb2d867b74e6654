"""The debounce loop, driven by a fake clock and synthetic events."""
from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime
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

from tests.daemon.helpers import DASHBOARD, FakeClock, Recorder, loop, modified, run_for
from vaultcrm.daemon import loop as watch
from vaultcrm.daemon.loop import Watcher, seconds_to_midnight
from vaultcrm.errors import ConfigError, VaultMissingError


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
    for _i in range(50):
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


def test_the_filter_is_the_scans_decision_of_what_is_a_note(make_vault: Callable[..., Path]) -> None:
    v = make_vault({"People/Jane Doe.md": "x", ".vaultcrm/config.toml": 'dashboard = "Home/CRM.md"\n'
                    'exclude = ["Archive/**"]\n', "Home/CRM.md": "---\nvaultcrm: generated\n---\n- [ ] Jane\n"})
    w = Watcher(v, sync_fn=Recorder(), observe=False)
    w._load_config()
    assert w.relevant("People/Jane Doe.md")
    assert not w.relevant("Home/CRM.md")  # the configured dashboard, as vaultcrm wrote it
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


def test_a_moved_person_note_never_shows_twice(make_vault: Callable[..., Path]) -> None:
    """Only the destination of a move is heard of (its source folder was not watched yet): the
    dashboard lists the person once, at the new path."""
    vault = make_vault({"People/Jane Doe.md": "---\ntier: A\nlast_contact: 2026-10-01\n---\n"})
    clock = FakeClock()
    w = Watcher(vault, sync_fn=watch.PipelineSync(), clock=clock, observe=False, debounce=0.3,
                fixed_today=date(2026, 11, 22))
    w.changes.request("start")
    run_for(w, clock, 1)
    (vault / "Contacts").mkdir()
    (vault / "People/Jane Doe.md").rename(vault / "Contacts/Jane Doe.md")
    w.handler.dispatch(FileCreatedEvent(str(vault / "Contacts/Jane Doe.md")))
    run_for(w, clock, 1)
    text = (vault / DASHBOARD).read_text()
    assert [line for line in text.splitlines() if line.startswith("- [ ]")] == [
        line for line in text.splitlines() if line.startswith("- [ ] [[Contacts/Jane Doe|")]
    assert " · contacts: 1 · " in text and "[[People/Jane Doe|" not in text


@pytest.mark.parametrize("how", ["deleted", "moved to the trash"])
def test_a_dashboard_that_is_gone_brings_a_sync_at_once(vault: Path, how: str) -> None:
    clock, sync = FakeClock(), Recorder()
    w = loop(vault, clock, sync, relevant=None)  # the daemon's own decision of what counts
    w.changes.request("start")
    run_for(w, clock, 1)
    assert not (vault / DASHBOARD).exists()
    gone = str(vault / DASHBOARD)
    w.handler.dispatch(FileDeletedEvent(gone) if how == "deleted"
                       else FileMovedEvent(gone, str(vault / ".trash/Due this week.md")))
    run_for(w, clock, 1)
    assert len(sync.calls) == 2
