"""One tick, one touch (behaviour §6.3), whatever happens around it: a sync killed or failing between
recording a tick and rewriting the dashboard, two devices whose dates differ by a day, two devices
ticking at once (a sync-conflict copy of the dashboard), and boxes a template writes ticked."""
from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from vaultcrm.writeback import atomic

JANE = "People/Jane Doe.md"
JANE_TEXT = "---\ntier: A\nlast_touch: 2026-10-01\n---\n# Jane Doe\n\n## Log\n\n- 2026-10-01 — coffee\n"
BOB = "People/Bob Roe.md"
BOB_TEXT = "---\ntier: A\nlast_touch: 2026-10-05\n---\n# Bob Roe\n"
DASH = "CRM/Due this week.md"
COPY = "CRM/Due this week.sync-conflict-20261122-201500-LAPTOP1.md"


def tick(text: str, name: str) -> str:
    return text.replace(f"- [ ] [[People/{name}|", f"- [x] [[People/{name}|", 1)


def tick_file(vault: Path, name: str, rel: str = DASH) -> None:
    path = vault / rel
    path.write_text(tick(path.read_text("utf-8"), name), "utf-8")


def records(vault: Path, rel: str) -> list[str]:
    """The dated log lines a tick (or anything else) wrote after the note's first one."""
    return [line for line in (vault / rel).read_text("utf-8").splitlines() if line.startswith("- 2026-11")]


@pytest.fixture
def synced(make_vault: Callable[..., Path], run: Callable[..., Result]) -> Path:
    vault = make_vault({JANE: JANE_TEXT, BOB: BOB_TEXT})
    assert run(vault, "sync").exit_code == 0
    return vault


KILLED_SYNC = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    from vaultcrm.cli import main
    from vaultcrm.writeback import atomic

    def killed_before_the_new_dashboard(target):
        if target.name == "Due this week.md":
            written = next(target.parent.glob(".Due this week.md.vaultcrm-*.tmp")).read_text()
            if "- [x]" not in written:  # the notes are recorded; the dashboard without the ticks comes now
                os.kill(os.getpid(), signal.SIGKILL)

    atomic.before_replace = killed_before_the_new_dashboard
    main(["--vault", sys.argv[1], "--today", sys.argv[2], "sync"])
""")


def killed_sync(vault: Path, today: str, state: Path) -> None:
    env = {**os.environ, "VAULTCRM_STATE_DIR": str(state)}
    proc = subprocess.run([sys.executable, "-c", KILLED_SYNC, str(vault), today], env=env, capture_output=True,
                          timeout=60)
    assert proc.returncode == -9, proc.stderr


@pytest.mark.parametrize("next_day", ["2026-11-22", "2026-11-23", "2026-12-05"])
def test_a_tick_recorded_by_a_killed_sync_is_recorded_once(synced: Path, run: Callable[..., Result],
                                                           tmp_path: Path, next_day: str) -> None:
    tick_file(synced, "Jane Doe")
    killed_sync(synced, "2026-11-22", tmp_path / "state")
    assert records(synced, JANE) == ["- 2026-11-22"]  # recorded, and then the sync was killed
    assert "- [x] [[People/Jane Doe|" in (synced / DASH).read_text()
    result = run(synced, "sync", today=next_day)
    assert result.exit_code == 0, result.output
    assert records(synced, JANE) == ["- 2026-11-22"] and "last_touch: 2026-11-22\n" in (synced / JANE).read_text()
    assert "- [x]" not in (synced / DASH).read_text() and "ticks:" not in (synced / DASH).read_text()


@pytest.mark.parametrize("next_day", ["2026-11-22", "2026-11-24"])
def test_a_sync_that_failed_halfway_is_finished_on_its_own_day(synced: Path, run: Callable[..., Result],
                                                               monkeypatch: pytest.MonkeyPatch, next_day: str) -> None:
    """Jane's tick is recorded, then writing Bob's note fails (the disk is full): the next sync, even
    days later, records Bob's tick on the day of the first attempt, and Jane's not again."""
    tick_file(synced, "Jane Doe")
    tick_file(synced, "Bob Roe")

    def full_disk_for_bob(target: Path) -> None:
        if target.name == "Bob Roe.md":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(atomic, "before_replace", full_disk_for_bob)
    assert run(synced, "sync").exit_code == 9
    assert records(synced, JANE) == ["- 2026-11-22"] and records(synced, BOB) == []
    monkeypatch.setattr(atomic, "before_replace", None)
    result = run(synced, "sync", today=next_day)
    assert result.exit_code == 0, result.output
    assert records(synced, JANE) == ["- 2026-11-22"] and records(synced, BOB) == ["- 2026-11-22"]
    assert "last_touch: 2026-11-22\n" in (synced / BOB).read_text()


def test_two_devices_whose_dates_differ_record_a_tick_once(synced: Path, run: Callable[..., Result],
                                                           tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A laptop in UTC−8 records the tick on its 22 November and is killed before it rewrites the
    dashboard; a server in UTC, already on 23 November, syncs the same files with its own state."""
    tick_file(synced, "Jane Doe")
    killed_sync(synced, "2026-11-22", tmp_path / "laptop")
    monkeypatch.setenv("VAULTCRM_STATE_DIR", str(tmp_path / "server"))
    assert run(synced, "sync", today="2026-11-23").exit_code == 0
    assert records(synced, JANE) == ["- 2026-11-22"]
    monkeypatch.setenv("VAULTCRM_STATE_DIR", str(tmp_path / "laptop"))
    assert run(synced, "sync", today="2026-11-22").exit_code == 0
    assert records(synced, JANE) == ["- 2026-11-22"]


def test_ticks_in_a_conflict_copy_of_the_dashboard_are_recorded_once(synced: Path, run: Callable[..., Result],
                                                                     due_json: Callable[..., dict]) -> None:
    """Two devices ticked at once: the sync tool kept one dashboard and made a copy of the other. Every
    tick is recorded once (Jane was ticked in both), the copy is reported safe to delete, and it is
    never deleted."""
    text = (synced / DASH).read_text()
    (synced / DASH).write_text(tick(text, "Jane Doe"))
    (synced / COPY).write_text(tick(tick(text, "Jane Doe"), "Bob Roe"))
    result = run(synced, "sync")
    assert result.exit_code == 0, result.output
    assert "Jane Doe" in result.stderr and "Bob Roe" in result.stderr
    assert records(synced, JANE) == ["- 2026-11-22"] and records(synced, BOB) == ["- 2026-11-22"]
    assert (synced / COPY).exists()
    problem = next(p for p in due_json(synced)["problems"] if p["note"] == COPY)
    assert "safe to delete" in problem["message"]
    assert "safe to delete" in (synced / DASH).read_text()
    for day in ("2026-11-23", "2026-12-01"):  # the copy stays ticked; its ticks are not recorded again
        assert run(synced, "sync", today=day).exit_code == 0
    assert records(synced, JANE) == ["- 2026-11-22"] and records(synced, BOB) == ["- 2026-11-22"]
    (synced / COPY).unlink()
    assert run(synced, "sync", today="2026-12-01").exit_code == 0
    assert "ticks:" not in (synced / DASH).read_text()


def test_a_copy_whose_ticks_are_not_recorded_yet_says_so(synced: Path, run: Callable[..., Result]) -> None:
    (synced / COPY).write_text(tick((synced / DASH).read_text(), "Bob Roe"))
    result = run(synced, "check")
    assert COPY in result.stdout and "`vaultcrm sync` records its ticked boxes" in result.stdout
    assert run(synced, "sync", "--dry-run").exit_code == 0 and records(synced, BOB) == []
    assert run(synced, "sync").exit_code == 0 and records(synced, BOB) == ["- 2026-11-22"]
    assert "safe to delete" in run(synced, "check").stdout


def test_a_copy_someone_typed_into_is_not_taken_for_ticks(synced: Path, run: Callable[..., Result]) -> None:
    (synced / COPY).write_text(tick((synced / DASH).read_text(), "Bob Roe") + "my own line\n")
    assert run(synced, "sync").exit_code == 0
    assert records(synced, BOB) == []
    assert "merge it into the original" in run(synced, "check").stdout


TICKING_TEMPLATE = """# Due
{% for r in overdue %}
- [x] {{ r.link }} — listed, done by the template
- [ ] {{ r.link }} — {{ r.reason }}
{% endfor %}
"""


def test_boxes_a_template_writes_ticked_are_never_taken_for_ticks(make_vault: Callable[..., Path],
                                                                   run: Callable[..., Result]) -> None:
    from vaultcrm.dashboard.guards import has_ticks

    vault = make_vault({JANE: JANE_TEXT, BOB: BOB_TEXT, ".vaultcrm/templates/dashboard.md.j2": TICKING_TEMPLATE})
    for day in ("2026-11-22", "2026-11-22", "2026-11-23"):
        result = run(vault, "sync", today=day)
        assert result.exit_code == 0 and "ticked box" not in result.stderr, result.output
    assert (vault / JANE).read_text() == JANE_TEXT and (vault / BOB).read_text() == BOB_TEXT
    assert not has_ticks(vault / DASH)  # the daemon is not woken by them either
    path = vault / DASH
    text = path.read_text()
    path.write_text(text.replace("- [ ] [[People/Bob Roe|", "- [x] [[People/Bob Roe|", 1))  # the user's one tick
    assert has_ticks(path)
    result = run(vault, "sync", today="2026-11-23")
    assert result.exit_code == 0 and "Bob Roe" in result.stderr
    assert records(vault, BOB) == ["- 2026-11-23"] and (vault / JANE).read_text() == JANE_TEXT


def test_the_daemon_records_a_tick_in_a_conflict_copy(synced: Path, run: Callable[..., Result]) -> None:
    from datetime import date

    from vaultcrm.daemon.loop import PipelineSync

    shutil.copy(synced / DASH, synced / COPY)
    tick_file(synced, "Bob Roe", COPY)
    PipelineSync()(synced, date(2026, 11, 22), None)
    assert records(synced, BOB) == ["- 2026-11-22"]
