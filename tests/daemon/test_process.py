"""The daemon as a process: the lock, signals, exit codes."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.daemon.helpers import wait_for
from vaultcrm.daemon import lock as watch_lock
from vaultcrm.daemon.loop import run_watch
from vaultcrm.errors import AlreadyRunningError

pytestmark = pytest.mark.observers  # real file events: slower; `pytest -m observers` runs them alone


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
