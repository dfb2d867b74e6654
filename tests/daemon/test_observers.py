"""Real observers on tmp vaults, with short debounces and generous timeouts; then the real pipeline
and the real CLI under them."""
from __future__ import annotations

import errno
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.daemon.helpers import (
    DASHBOARD,
    JANE,
    DashboardSync,
    Running,
    pipeline_running,
    settle,
    wait_for,
)
from vaultcrm.daemon import loop as watch
from vaultcrm.daemon import observers
from vaultcrm.dashboard import render

pytestmark = pytest.mark.observers  # real file events: slower; `pytest -m observers` runs them alone


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


def test_real_vault_deleted_and_made_again_is_watched_by_file_events(vault: Path, monkeypatch: pytest.MonkeyPatch,
                                                                      caplog: pytest.LogCaptureFixture) -> None:
    """The folder comes back while its files are still being copied in, and a folder vanishes again under
    the first attempt to watch it: the daemon waits and watches with file events, not by polling with
    advice about inotify limits."""
    real = observers.desired_watches
    armed = {"left": 0}

    def vanishing_once(folder: Path) -> dict[str, bool]:
        if armed["left"]:
            armed["left"] -= 1
            raise FileNotFoundError(errno.ENOENT, "No such file or directory", str(folder))
        return real(folder)

    monkeypatch.setattr(observers, "desired_watches", vanishing_once)
    d = DashboardSync()
    with Running(vault, d, heartbeat=0.2) as r:
        shutil.rmtree(vault)
        wait_for(lambda: r.watcher._missing_since is not None, what="missing mode")
        armed["left"] = 1
        (vault / "People").mkdir(parents=True)
        (vault / "People/Jane Doe.md").write_text("x")
        wait_for(lambda: r.watcher._missing_since is None and r.watcher.watches.observer is not None
                 and armed["left"] == 0, timeout=20, what="watching the vault again")
        assert not r.watcher.watches.poll and r.watcher.watches.fell_back is None
        assert "max_user_watches" not in caplog.text
        calls = d.calls
        (vault / "People/Ann.md").write_text("y")
        wait_for(lambda: d.calls > calls and "People/Ann.md" in (vault / DASHBOARD).read_text(),
                 what="a file event after the vault came back")


def test_real_a_fall_back_to_polling_lasts_until_the_vault_folder_is_replaced(
        vault: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import ctypes

    from watchdog.observers import inotify_c
    if not sys.platform.startswith("linux"):
        pytest.skip("inotify only")
    real = inotify_c.inotify_add_watch
    limited = {"on": True}

    def add_watch(fd: int, path: bytes, mask: int) -> int:
        if limited["on"]:
            ctypes.set_errno(errno.ENOSPC)
            return -1
        return real(fd, path, mask)

    monkeypatch.setattr(inotify_c, "inotify_add_watch", add_watch)
    d = DashboardSync()
    with Running(vault, d, heartbeat=0.2, poll_interval=0.2) as r:
        assert r.watcher.watches.poll
        limited["on"] = False  # the limit was raised
        copy = tmp_path / "copy"
        shutil.copytree(vault, copy)
        shutil.rmtree(vault)
        copy.rename(vault)  # the vault folder replaced (a restore, a sync tool)
        wait_for(lambda: r.watcher.watches.observer is not None and not r.watcher.watches.poll, timeout=20,
                 what="file events again")


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


def test_pipeline_a_deleted_dashboard_is_written_again_at_once(crm_vault: Path) -> None:
    dash = crm_vault / DASHBOARD
    with pipeline_running(crm_vault):
        text = dash.read_text()
        dash.unlink()
        wait_for(dash.exists, what="the dashboard written again")
        assert dash.read_text() == text


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


def test_pipeline_runaway_template_is_reported_and_the_daemon_goes_on(crm_vault: Path, monkeypatch: pytest.MonkeyPatch,
                                                                      caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr(render, "TIME_BUDGET_S", 0.5)
    dash = crm_vault / DASHBOARD
    template = crm_vault / ".vaultcrm/templates/dashboard.md.j2"
    with pipeline_running(crm_vault) as r:
        template.parent.mkdir(parents=True)
        template.write_text("{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}")
        wait_for(lambda: r.watcher.failures >= 1, what="the runaway template reported")
        assert "ran for more than 0.5 seconds" in caplog.text and r.thread.is_alive()
        template.write_text("custom {{ today }}\n")
        wait_for(lambda: "custom" in dash.read_text(), what="the next sync after the fix")


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
