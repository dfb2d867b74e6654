"""One tick, one touch (behaviour §6.3), whatever happens around it: a sync killed or failing between
recording a tick and rewriting the dashboard, two devices whose dates differ by a day, two devices
ticking at once (a sync-conflict copy of the dashboard), and boxes a template writes ticked; for every
kind of tick (a task completed, an occasion done, a log line saying what was done), in folded callouts
too, with the record of ticks in the dashboard's closing comment (§11)."""
from __future__ import annotations

import errno
import os
import re
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable
from datetime import date
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


def logged(day: str) -> str:
    """The log line a tick of Jane's or Bob's cadence line writes: it says what was done (tier A)."""
    return f"- {day} — caught up (every 14 days)"


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
    assert records(synced, JANE) == [logged("2026-11-22")]  # recorded, and then the sync was killed
    assert "- [x] [[People/Jane Doe|" in (synced / DASH).read_text()
    result = run(synced, "sync", today=next_day)
    assert result.exit_code == 0, result.output
    assert records(synced, JANE) == [logged("2026-11-22")] and "last_touch: 2026-11-22\n" in (synced / JANE).read_text()
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
    assert records(synced, JANE) == [logged("2026-11-22")] and records(synced, BOB) == []
    monkeypatch.setattr(atomic, "before_replace", None)
    result = run(synced, "sync", today=next_day)
    assert result.exit_code == 0, result.output
    assert records(synced, JANE) == [logged("2026-11-22")] and records(synced, BOB) == [logged("2026-11-22")]
    assert "last_touch: 2026-11-22\n" in (synced / BOB).read_text()


def test_two_devices_whose_dates_differ_record_a_tick_once(synced: Path, run: Callable[..., Result],
                                                           tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A laptop in UTC−8 records the tick on its 22 November and is killed before it rewrites the
    dashboard; a server in UTC, already on 23 November, syncs the same files with its own state."""
    tick_file(synced, "Jane Doe")
    killed_sync(synced, "2026-11-22", tmp_path / "laptop")
    monkeypatch.setenv("VAULTCRM_STATE_DIR", str(tmp_path / "server"))
    assert run(synced, "sync", today="2026-11-23").exit_code == 0
    assert records(synced, JANE) == [logged("2026-11-22")]
    monkeypatch.setenv("VAULTCRM_STATE_DIR", str(tmp_path / "laptop"))
    assert run(synced, "sync", today="2026-11-22").exit_code == 0
    assert records(synced, JANE) == [logged("2026-11-22")]


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
    assert records(synced, JANE) == [logged("2026-11-22")] and records(synced, BOB) == [logged("2026-11-22")]
    assert (synced / COPY).exists()
    problem = next(p for p in due_json(synced)["problems"] if p["note"] == COPY)
    assert "safe to delete" in problem["message"]
    assert "safe to delete" in (synced / DASH).read_text()
    for day in ("2026-11-23", "2026-12-01"):  # the copy stays ticked; its ticks are not recorded again
        assert run(synced, "sync", today=day).exit_code == 0
    assert records(synced, JANE) == [logged("2026-11-22")] and records(synced, BOB) == [logged("2026-11-22")]
    (synced / COPY).unlink()
    assert run(synced, "sync", today="2026-12-01").exit_code == 0
    assert "ticks:" not in (synced / DASH).read_text()


def test_a_copy_whose_ticks_are_not_recorded_yet_says_so(synced: Path, run: Callable[..., Result]) -> None:
    (synced / COPY).write_text(tick((synced / DASH).read_text(), "Bob Roe"))
    result = run(synced, "check")
    assert COPY in result.stdout and "`vaultcrm sync` records its ticked boxes" in result.stdout
    assert run(synced, "sync", "--dry-run").exit_code == 0 and records(synced, BOB) == []
    assert run(synced, "sync").exit_code == 0 and records(synced, BOB) == [logged("2026-11-22")]
    assert "safe to delete" in run(synced, "check").stdout


def test_a_copy_someone_typed_into_is_not_taken_for_ticks(synced: Path, run: Callable[..., Result]) -> None:
    (synced / COPY).write_text(tick((synced / DASH).read_text(), "Bob Roe") + "my own line\n")
    assert run(synced, "sync").exit_code == 0
    assert records(synced, BOB) == []
    assert "merge it into the original" in run(synced, "check").stdout


TICKING_TEMPLATE = """# Due
{% for r in now.shown %}
- [x] {{ r.link }} — listed, done by the template
- [ ] {{ r.link }} — {{ r.group }}
{% endfor %}
> [!note]- folded
{% for r in now.shown %}
> - [x] {{ r.link }} — listed in a callout, done by the template
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
    assert records(vault, BOB) == [logged("2026-11-23")] and (vault / JANE).read_text() == JANE_TEXT


def test_the_daemon_records_a_tick_in_a_conflict_copy(synced: Path, run: Callable[..., Result]) -> None:
    from vaultcrm.daemon.loop import PipelineSync

    shutil.copy(synced / DASH, synced / COPY)
    tick_file(synced, "Bob Roe", COPY)
    PipelineSync()(synced, date(2026, 11, 22), None)
    assert records(synced, BOB) == [logged("2026-11-22")]


# -- the record in the closing comment, and every kind of tick ------------------------------------

STAMP_WITH_TICKS = re.compile(r"^%% vaultcrm · contacts: 2 · body: (sha256:[0-9a-f]{64}) · ticks: ([0-9a-f]{16})@2026-11-22 "
                              r"· vaultcrm rewrites this note: tick its boxes, and write anything else in another note %%$")


def test_the_record_of_ticks_is_kept_in_the_closing_comment(synced: Path, run: Callable[..., Result],
                                                            tmp_path: Path) -> None:
    """The properties keep only the marker while a tick is being recorded; the record sits beside the
    count and the hash, and the hash (of the body with every box unticked) does not change with it."""
    from vaultcrm.dashboard.guards import read_existing

    before = (synced / DASH).read_text("utf-8").splitlines()[-1]
    tick_file(synced, "Jane Doe")
    killed_sync(synced, "2026-11-22", tmp_path / "state")
    text = (synced / DASH).read_text("utf-8")
    assert text.startswith("---\nvaultcrm: generated\n---\n## ") and "\nticks:" not in text
    found = STAMP_WITH_TICKS.match(text.splitlines()[-1])
    assert found is not None, text.splitlines()[-1]
    assert f"body: {found[1]} · " in before
    existing = read_existing(synced / DASH)
    assert existing is not None and existing.ours and not existing.edited
    assert existing.ledger == {found[2]: date(2026, 11, 22)} and existing.ticks == (found[2],)
    assert run(synced, "sync", today="2026-11-23").exit_code == 0
    assert " · ticks: " not in (synced / DASH).read_text("utf-8")


ANN = "People/Ann.md"
ANN_TEXT = ("---\ntier: A\nlast_touch: 2026-10-01\nbirthday: 1990-11-25\n---\n# Ann\n\n## Log\n\n"
            "- 2026-10-01 — coffee\n")
DAILY = "Daily/2026-11-20.md"
DAILY_TEXT = "- [ ] Send [[Ann]] the deck 📅 2026-11-23\n"
# What Ann's tick records, on 22 November: the cadence and the birthday said in her log, the birthday
# done for the year, and the task shown on her line completed in the daily note it is in.
ANN_RECORDED = ("---\ntier: A\nlast_touch: 2026-11-22\nbirthday: 1990-11-25\nbirthday_done: 2026-11-25\n---\n"
                "# Ann\n\n## Log\n\n- 2026-10-01 — coffee\n"
                "- 2026-11-22 — caught up (every 14 days); birthday wishes (turns 36)\n")
DAILY_RECORDED = "- [x] Send [[Ann]] the deck 📅 2026-11-23 ✅ 2026-11-22\n"


@pytest.fixture
def ann(make_vault: Callable[..., Path], run: Callable[..., Result]) -> Path:
    vault = make_vault({ANN: ANN_TEXT, DAILY: DAILY_TEXT})
    assert run(vault, "sync").exit_code == 0
    line = next(line for line in (vault / DASH).read_text("utf-8").splitlines() if "[[People/Ann|" in line)
    assert "📅 Send Ann the deck" in line and "🎂 birthday, turns 36" in line, line
    tick_file(vault, "Ann")
    return vault


@pytest.mark.parametrize("next_day", ["2026-11-22", "2026-11-24", "2026-12-05"])
def test_every_kind_of_tick_is_recorded_once_across_a_killed_sync(ann: Path, run: Callable[..., Result],
                                                                  tmp_path: Path, next_day: str) -> None:
    killed_sync(ann, "2026-11-22", tmp_path / "laptop")
    assert (ann / ANN).read_text("utf-8") == ANN_RECORDED and (ann / DAILY).read_text("utf-8") == DAILY_RECORDED
    assert "- [x] [[People/Ann|" in (ann / DASH).read_text("utf-8")
    result = run(ann, "sync", today=next_day)  # another device, its own state
    assert result.exit_code == 0, result.output
    assert (ann / ANN).read_text("utf-8") == ANN_RECORDED and (ann / DAILY).read_text("utf-8") == DAILY_RECORDED
    assert "- [x]" not in (ann / DASH).read_text("utf-8") and " · ticks: " not in (ann / DASH).read_text("utf-8")


def test_a_record_stopped_between_two_notes_is_finished_on_its_day(ann: Path, run: Callable[..., Result],
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Ann's note takes her record, then the disk is full for the daily note holding her task: two
    days later the task is completed as of the first day, and her note gets nothing twice."""
    def full_disk_for_the_daily_note(target: Path) -> None:
        if target.name == "2026-11-20.md":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(atomic, "before_replace", full_disk_for_the_daily_note)
    assert run(ann, "sync").exit_code == 9
    assert (ann / ANN).read_text("utf-8") == ANN_RECORDED and (ann / DAILY).read_text("utf-8") == DAILY_TEXT
    monkeypatch.setattr(atomic, "before_replace", None)
    result = run(ann, "sync", today="2026-11-24")
    assert result.exit_code == 0, result.output
    assert (ann / ANN).read_text("utf-8") == ANN_RECORDED and (ann / DAILY).read_text("utf-8") == DAILY_RECORDED


def test_every_note_a_tick_concerns_is_shown_to_take_its_record_first(ann: Path, run: Callable[..., Result]) -> None:
    """The daily note holding Ann's task has a sync-conflict copy beside it, so the task cannot be
    completed: nothing is written anywhere, Ann's note included, and the dashboard keeps the tick."""
    (ann / "Daily/2026-11-20.sync-conflict-20261121-101010-LAPTOP1.md").write_text(DAILY_TEXT, "utf-8")
    dashboard = (ann / DASH).read_bytes()
    result = run(ann, "sync")
    assert result.exit_code == 7 and "sync-conflict copy" in result.stderr, result.output
    assert (ann / ANN).read_text("utf-8") == ANN_TEXT and (ann / DAILY).read_text("utf-8") == DAILY_TEXT
    assert (ann / DASH).read_bytes() == dashboard


def test_a_tick_in_a_folded_callout_is_recorded_once(make_vault: Callable[..., Path], run: Callable[..., Result],
                                                     tmp_path: Path) -> None:
    vault = make_vault({JANE: JANE_TEXT, BOB: BOB_TEXT, ".vaultcrm/config.toml": "daily_picks = 1\n"})
    assert run(vault, "sync").exit_code == 0
    assert "\n> - [ ] [[People/Bob Roe|" in (vault / DASH).read_text("utf-8")  # folded: one pick a day
    tick_file(vault, "Bob Roe")
    killed_sync(vault, "2026-11-22", tmp_path / "laptop")
    assert records(vault, BOB) == [logged("2026-11-22")]
    assert run(vault, "sync", today="2026-11-23").exit_code == 0
    assert records(vault, BOB) == [logged("2026-11-22")] and records(vault, JANE) == []
    assert "- [x]" not in (vault / DASH).read_text("utf-8")


def test_a_russian_dashboard_keeps_its_words_and_its_record(make_vault: Callable[..., Path],
                                                            run: Callable[..., Result], tmp_path: Path) -> None:
    vault = make_vault({JANE: JANE_TEXT, BOB: BOB_TEXT, ".vaultcrm/config.toml": 'language = "ru"\n'})
    assert run(vault, "sync").exit_code == 0
    tick_file(vault, "Jane Doe")
    killed_sync(vault, "2026-11-22", tmp_path / "laptop")
    last = (vault / DASH).read_text("utf-8").splitlines()[-1]
    assert last.startswith("%% vaultcrm · контактов: 2 · body: sha256:") and "@2026-11-22 · vaultcrm переписывает" in last
    jane = (vault / JANE).read_text("utf-8")
    assert run(vault, "sync", today="2026-11-23").exit_code == 0
    assert (vault / JANE).read_text("utf-8") == jane and jane.count("- 2026-11-22 — ") == 1
    assert " · ticks: " not in (vault / DASH).read_text("utf-8")


def test_a_dashboard_that_kept_its_record_in_its_properties_is_finished(synced: Path, run: Callable[..., Result]) -> None:
    """A dashboard written before the closing comment held the count, the hash and the record of ticks
    among its properties: a tick being recorded there is finished on its day, and the dashboard is
    written in today's form."""
    from vaultcrm.dashboard.guards import body_hash, read_existing
    from vaultcrm.dashboard.ledger import tick_id

    existing = read_existing(synced / DASH)
    assert existing is not None
    body = tick(existing.body, "Jane Doe")
    line = next(line for line in body.splitlines() if line.startswith("- [x] [[People/Jane Doe|"))
    key = tick_id(body_hash(body), line.split("] ", 1)[1])
    (synced / DASH).write_text(
        f"---\nvaultcrm: generated\ncontacts: 2\nbody_hash: {body_hash(body)}\nticks: [\"{key} 2026-11-21\"]\n"
        "note: This note is rewritten by vaultcrm. Tick boxes here; write anything else elsewhere.\n---\n" + body,
        "utf-8")
    result = run(synced, "sync")
    assert result.exit_code == 0, result.output
    assert records(synced, JANE) == [logged("2026-11-21")] and records(synced, BOB) == []
    assert (synced / DASH).read_text("utf-8").startswith("---\nvaultcrm: generated\n---\n")


def test_a_tick_finished_days_later_is_worked_out_on_its_own_day(make_vault: Callable[..., Path],
                                                                 run: Callable[..., Result], tmp_path: Path) -> None:
    """A follow-up ticked and recorded on 22 November, the sync killed: on 5 December Ann's cadence is
    due again (last touch 22 November, every 14 days), but the tick is finished as 22 November listed
    it, so her log says once what was done and nothing else."""
    note = "---\ntier: A\nmet: 2026-11-20\nhow_met: Platform Day Berlin\n---\n# Ann\n"
    vault = make_vault({ANN: note})
    assert run(vault, "sync").exit_code == 0
    tick_file(vault, "Ann")
    killed_sync(vault, "2026-11-22", tmp_path / "laptop")
    recorded = (vault / ANN).read_text("utf-8")
    assert recorded.endswith("\n## Log\n\n- 2026-11-22 — followed up after Platform Day Berlin\n"), recorded
    result = run(vault, "sync", today="2026-12-05")
    assert result.exit_code == 0, result.output
    assert (vault / ANN).read_text("utf-8") == recorded
    assert "[[People/Ann|" in (vault / DASH).read_text("utf-8")  # due again on the 6th, and listed


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_record_reads_back_from_the_closing_comment(tmp_path: Path, lang: str) -> None:
    from vaultcrm.dashboard.guards import body_hash, document, read_existing
    from vaultcrm.dashboard.ledger import tick_id
    from vaultcrm.i18n import language

    body = "## Today\n- [x] [[People/Ann|Ann]] — late\n> [!note]- 1 more\n> - [x] [[People/Bob|Bob]] — late\n"
    keys = [tick_id(body_hash(body), text) for text in ("[[People/Ann|Ann]] — late", "[[People/Bob|Bob]] — late")]
    ledger = {keys[0]: date(2026, 11, 21), keys[1]: None}
    path = tmp_path / "Due.md"
    path.write_text(document(body, 3, language(lang), ledger), "utf-8")
    assert path.read_text("utf-8").startswith("---\nvaultcrm: generated\n---\n## Today\n")
    existing = read_existing(path)
    assert existing is not None and (existing.ours, existing.edited, existing.contacts) == (True, False, 3)
    assert existing.body == body and existing.ticks == tuple(keys) and existing.ledger == ledger
    assert existing.unrecorded == [(keys[0], "[[People/Ann|Ann]] — late")]  # Bob's is recorded
    path.write_text(document(body, 3, language(lang)), "utf-8")  # without a record: none, and no `ticks:`
    existing = read_existing(path)
    assert existing is not None and existing.ledger == {} and not existing.edited
    assert " · ticks: " not in path.read_text("utf-8")
