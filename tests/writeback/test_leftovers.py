"""Nothing left behind: the hidden temporary files of a write that was killed are removed by the next
run (sync tools and git would copy them to every device), but only vaultcrm's own, and only stale ones:
a temporary file another vaultcrm is writing right now is left alone."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from vaultcrm.writeback import atomic

JANE = "People/Jane Doe.md"
JANE_TEXT = "---\ntier: A\nlast_touch: 2026-10-01\n---\n# Jane Doe\n"
DASH = "CRM/Due this week.md"

KILLED_WRITE = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from vaultcrm.writeback import atomic
    from vaultcrm.writeback.edit import apply_edit

    def wait(target):
        print("writing", flush=True)
        time.sleep(60)  # killed here: the temporary file is complete, the rename never comes

    atomic.before_replace = wait
    target = Path(sys.argv[1])
    if sys.argv[2] == "note":
        apply_edit(target, lambda data: data + b"- 2026-11-22\\n")
    else:
        atomic.atomic_write(target, b"half of a new dashboard")
""")


def kill_mid_write(target: Path, kind: str) -> None:
    """Run a write in another process and SIGKILL it between writing its temporary file and the rename."""
    proc = subprocess.Popen([sys.executable, "-c", KILLED_WRITE, str(target), kind], stdout=subprocess.PIPE)
    assert proc.stdout is not None and proc.stdout.readline() == b"writing\n"
    proc.send_signal(signal.SIGKILL)
    proc.wait()


def own_temps(vault: Path) -> list[str]:
    return sorted(p.relative_to(vault).as_posix() for p in vault.rglob(".*.vaultcrm-*.tmp"))


@pytest.fixture
def killed(make_vault: Callable[..., Path], run: Callable[..., Result]) -> Path:
    """A vault where one write of the dashboard and one of Jane's note were killed."""
    vault = make_vault({JANE: JANE_TEXT})
    assert run(vault, "sync").exit_code == 0
    kill_mid_write(vault / DASH, "dashboard")
    kill_mid_write(vault / JANE, "note")
    assert len(own_temps(vault)) == 2
    return vault


@pytest.mark.parametrize("args", [("sync",), ("due",), ("check",), ("touch", "Jane Doe")], ids=lambda a: a[0])
def test_the_next_run_removes_the_stale_temporary_files_of_a_killed_write(killed: Path, run: Callable[..., Result],
                                                                           monkeypatch: pytest.MonkeyPatch,
                                                                           args: tuple[str, ...]) -> None:
    monkeypatch.setattr(atomic, "STALE_TEMP_SECONDS", 0.2)
    time.sleep(0.3)
    dashboard, note = (killed / DASH).read_bytes(), (killed / JANE).read_bytes()
    result = run(killed, *args)
    assert result.exit_code in (0, 1), result.output
    assert own_temps(killed) == []
    assert (killed / DASH).read_bytes() == dashboard
    touched = note.replace(b"2026-10-01", b"2026-11-22") + b"\n## Log\n\n- 2026-11-22\n"
    assert (killed / JANE).read_bytes() == (touched if args[0] == "touch" else note)


def test_a_dry_run_removes_nothing(killed: Path, run: Callable[..., Result], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(atomic, "STALE_TEMP_SECONDS", 0.2)
    time.sleep(0.3)
    assert run(killed, "sync", "--dry-run").exit_code == 0
    assert len(own_temps(killed)) == 2


def test_a_fresh_temporary_file_may_be_another_vaultcrms_write_and_is_left_alone(
        make_vault: Callable[..., Path], run: Callable[..., Result], monkeypatch: pytest.MonkeyPatch) -> None:
    vault = make_vault({JANE: JANE_TEXT})
    seen: list[list[str]] = []

    def another_run_meanwhile(target: Path) -> None:
        monkeypatch.setattr(atomic, "before_replace", None)
        seen.append(own_temps(vault))
        assert run(vault, "sync").exit_code == 0  # a second vaultcrm, while the first one's file is there
        seen.append(own_temps(vault))

    monkeypatch.setattr(atomic, "before_replace", another_run_meanwhile)
    assert run(vault, "touch", "Jane Doe").exit_code == 0
    assert len(seen[0]) == 1 and seen[1] == seen[0]  # the first one's temporary file survived the second run
    assert (vault / JANE).read_text().endswith("- 2026-11-22\n") and own_temps(vault) == []


def test_a_file_renamed_a_moment_ago_is_not_stale_however_old_its_contents(tmp_path: Path) -> None:
    """What a rename displaces (the old note, kept under a temporary name for a moment by an atomic swap)
    has an old modification time; its change time is the rename's."""
    old = tmp_path / "old"
    old.write_text("the note as it was")
    hour_ago = time.time() - 3600
    os.utime(old, (hour_ago, hour_ago))
    name = ".Jane Doe.md.vaultcrm-1a2b3c4d.tmp"
    os.rename(old, tmp_path / name)
    assert atomic.remove_stale_temps(tmp_path, [name]) == []
    assert (tmp_path / name).exists()


@pytest.mark.parametrize("name", [".Jane Doe.md.swp.tmp", ".syncthing.Jane Doe.md.tmp", ".Jane.md.vaultcrm-zz.tmp",
                                  ".Jane.md.vaultcrm-1a2b3c4d.tmp.bak", "Jane.md.vaultcrm-1a2b3c4d.tmp",
                                  ".Jane.md.vaultcrm-1A2B3C4D.tmp"])
def test_only_vaultcrms_own_temporary_files_are_ever_removed(make_vault: Callable[..., Path],
                                                            run: Callable[..., Result],
                                                            monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    vault = make_vault({JANE: JANE_TEXT, f"People/{name}": "someone else's", "People/.sub.vaultcrm-1a2b3c4d.tmp/x": "",
                        "People/.dangling.vaultcrm-1a2b3c4d.tmp": ""})
    (vault / "People/.dangling.vaultcrm-1a2b3c4d.tmp").unlink()
    (vault / "People/.dangling.vaultcrm-1a2b3c4d.tmp").symlink_to(vault / JANE)
    monkeypatch.setattr(atomic, "STALE_TEMP_SECONDS", -1)
    assert run(vault, "sync").exit_code == 0
    assert (vault / f"People/{name}").read_text() == "someone else's"
    assert (vault / "People/.sub.vaultcrm-1a2b3c4d.tmp/x").exists()
    assert (vault / "People/.dangling.vaultcrm-1a2b3c4d.tmp").is_symlink()
