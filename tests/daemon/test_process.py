"""The daemon as a process: the lock, signals, exit codes."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.daemon.helpers import DashboardSync, Running, wait_for
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


def test_deleting_the_state_folder_lets_no_second_daemon_start(vault: Path, tmp_path: Path) -> None:
    """The state folder is documented as always safe to delete: the lock does not live there."""
    log = tmp_path / "watch.log"
    proc = start_daemon(vault, log)
    try:
        wait_for(lambda: log.exists() and "→ ok" in log.read_text(), what="daemon start")
        shutil.rmtree(os.environ["VAULTCRM_STATE_DIR"])
        second = subprocess.run([sys.executable, "-m", "vaultcrm", "watch", "--vault", str(vault)],
                                capture_output=True, text=True, timeout=20)
        assert second.returncode == 8, second.stderr
        assert f"pid {proc.pid}" in second.stderr
    finally:
        proc.terminate()
        proc.wait(5)


def test_a_deleted_lock_file_is_taken_again_by_its_holder(vault: Path, tmp_path: Path) -> None:
    path = tmp_path / "locks" / "watch.lock"
    first = watch_lock.WatchLock(path)
    first.acquire(vault)
    try:
        shutil.rmtree(path.parent)  # a cleaner of temporary folders
        assert first.check()
        assert watch_lock.read_holder(path)["pid"] == os.getpid()
        with pytest.raises(AlreadyRunningError):
            watch_lock.WatchLock(path).acquire(vault)
    finally:
        first.release()


def test_a_daemon_whose_deleted_lock_another_one_took_exits_8(vault: Path, tmp_path: Path) -> None:
    path = tmp_path / "watch.lock"
    lock = watch_lock.WatchLock(path)
    lock.acquire(vault)
    with Running(vault, DashboardSync(), heartbeat=0.2, lock=lock) as running:
        path.unlink()
        other = watch_lock.WatchLock(path)
        other.acquire(vault)  # another daemon, started in the moment the file was gone
        try:
            running.thread.join(5)
            assert not running.thread.is_alive() and running.code == 8
        finally:
            other.release()
    lock.release()
