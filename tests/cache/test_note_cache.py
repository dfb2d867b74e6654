"""The per-file cache of parsed notes and the memos of the last sync and render.

Every test compares against the pipeline with the cache turned off: the cache may make vaultcrm
faster, never different.
"""
from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import TODAY, age, due_of, generated_vault
from vaultcrm import pipeline
from vaultcrm.cache import Cache, changes, fingerprint, memo, pool
from vaultcrm.cache import store as cache
from vaultcrm.config import load_config
from vaultcrm.state import state_dir
from vaultcrm.vault.scan import scan

HOUR_NS = 3600 * 10**9

JANE = """---
tier: A
last_contact: 2026-10-01
---
# Jane Doe
## Log
- 2026-11-02: coffee, talked about [[Acme]]
"""
MEETING = """---
date: 2026-11-15
attendees: ["[[Jane Doe]]"]
---
Planning with [[Bob Roe]].
"""
BOB = "---\ntags: [person]\ncadence: 2w\n---\n- 2026-09-01: call\n"
DAILY = "- lunch with [[Jane Doe]]\n"
PLAIN = "Just prose without anything to find.\n"

FILES = {
    "People/Jane Doe.md": JANE,
    "People/Bob Roe.md": BOB,
    "Meetings/Planning.md": MEETING,
    "2026-11-20.md": DAILY,
    "Notes/Plain.md": PLAIN,
}


def outcome(vault: Path) -> dict[str, Any]:
    """What a user sees: the dashboard text and problems of a sync (by difference when it can), and
    `vaultcrm due`'s object (reminders, problems, signals) and lines."""
    report = pipeline.sync(vault, TODAY, dry_run=True)
    return {"text": report.text, "problems": [p.as_dict() for p in report.problems], "due": due_of(vault)}


def uncached(vault: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    with monkeypatch.context() as patch:
        patch.setenv("VAULTCRM_NO_CACHE", "1")
        return outcome(vault)


def contributions(vault: Path) -> dict[str, Any]:
    """Every note's contribution as the pipeline gets it (through the cache unless VAULTCRM_NO_CACHE is set)."""
    config = load_config(vault)
    with pipeline.open_memory(vault) as memory:
        return memory.contributions(config, scan(vault, config))


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every note file the cache opens (to parse it or to re-check a racy entry)."""
    opened: list[str] = []
    real_open = open

    def spying(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if str(file).endswith(".md") and "b" in mode:
            opened.append(Path(str(file)).name)
        return real_open(file, mode, *args, **kwargs)

    monkeypatch.setattr("builtins.open", spying)
    return opened


def rows(vault: Path) -> dict[str, tuple[Any, ...]]:
    db = sqlite3.connect(state_dir(vault) / cache.DB_NAME)
    try:
        return {r[0]: r[1:] for r in db.execute("SELECT path, size, mtime_ns, inode, digest FROM notes")}
    finally:
        db.close()


# -- the note cache -------------------------------------------------------------------------------

def test_a_second_sync_reads_and_parses_nothing(make_vault: Callable[..., Path], parses: list[str],
                                                reads: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    vault = make_vault(FILES)
    age(vault)
    first = outcome(vault)
    assert sorted(parses) == sorted(FILES)
    parses.clear()
    reads.clear()
    assert outcome(vault) == first
    assert parses == [] and reads == []
    assert set(rows(vault)) == set(FILES)
    assert first == uncached(vault, monkeypatch)


def test_a_changed_note_alone_is_parsed_again(make_vault: Callable[..., Path], parses: list[str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    vault = make_vault(FILES)
    age(vault)
    before = outcome(vault)
    parses.clear()
    (vault / "People/Bob Roe.md").write_text(BOB + "- 2026-11-21: dinner with [[Jane Doe]]\n", "utf-8")
    after = outcome(vault)
    assert parses == ["People/Bob Roe.md"]
    assert after != before
    assert after == uncached(vault, monkeypatch)


def test_a_renamed_note_is_read_under_its_new_name(make_vault: Callable[..., Path], parses: list[str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    vault = make_vault(FILES)
    age(vault)
    outcome(vault)
    parses.clear()
    (vault / "People/Jane Doe.md").rename(vault / "People/Jane Smith.md")  # same inode, size, mtime
    after = outcome(vault)
    # and the notes that link to [[Jane Doe]]: that link now leads nowhere
    assert parses == ["2026-11-20.md", "Meetings/Planning.md", "People/Jane Smith.md"]
    assert "People/Jane Doe.md" not in rows(vault)
    assert "Jane Smith" in after["text"] and "Jane Doe|" not in after["text"]
    assert after == uncached(vault, monkeypatch)


def test_a_deleted_note_leaves_the_cache(make_vault: Callable[..., Path], parses: list[str],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    vault = make_vault(FILES)
    age(vault)
    outcome(vault)
    parses.clear()
    (vault / "Meetings/Planning.md").unlink()
    after = outcome(vault)
    assert parses == []
    assert "Meetings/Planning.md" not in rows(vault)
    assert after == uncached(vault, monkeypatch)


def test_a_new_note_is_read_with_the_notes_that_link_by_its_name(make_vault: Callable[..., Path], parses: list[str],
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """Jane's log links [[Acme]], which led nowhere; once Acme exists, Jane's note is read again."""
    vault = make_vault(FILES)
    age(vault)
    outcome(vault)
    parses.clear()
    (vault / "Notes/Acme.md").write_text("---\ntags: [person]\n---\n", "utf-8")
    after = outcome(vault)
    assert parses == ["Notes/Acme.md", "People/Jane Doe.md"]
    assert after == uncached(vault, monkeypatch)


@pytest.mark.parametrize("setting", ['contact_folders = ["Notes"]', 'max_note_bytes = 60',
                                     '[fields]\nlast_touch = ["seen"]'])
def test_new_settings_make_every_contribution_again(setting: str, make_vault: Callable[..., Path],
                                                    parses: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    vault = make_vault(FILES)
    age(vault)
    outcome(vault)
    (vault / ".vaultcrm").mkdir()
    (vault / ".vaultcrm/config.toml").write_text(setting + "\n", "utf-8")
    parses.clear()
    after = outcome(vault)
    assert sorted(parses) == sorted(p for p in FILES if len(FILES[p]) <= 60 or "max" not in setting)
    assert after == uncached(vault, monkeypatch)


def test_only_a_writer_alone_can_vouch_for_the_contributions(make_vault: Callable[..., Path]) -> None:
    """The `parts` digest is set by compare-and-swap: a writer that another came between clears it."""
    vault = make_vault(FILES)

    def opened() -> cache.NoteCache:
        store = cache.NoteCache.open(vault)
        assert store is not None
        list(store.rows())  # what it saw
        return store

    def parts() -> Any:
        db = sqlite3.connect(state_dir(vault) / cache.DB_NAME)
        try:
            return db.execute("SELECT value FROM meta WHERE key = 'parts'").fetchone()[0]
        finally:
            db.close()

    row = ("a.md", 1, 2, 3, None, b"")
    alone = opened()
    alone.write([row], state="mine")
    assert parts() == "mine"
    first, second = opened(), opened()  # both saw "mine"
    second.write([row], state="second's")
    first.write([row], state="first's")
    assert parts() is None
    batched = opened()
    batched.write([row], final=False)  # claims it, in the middle of its batches
    other = opened()
    other.write([row], state="other's")  # saw the claim, claimed it in turn
    batched.write([row], state="batched's")
    assert parts() is None
    for store in (alone, first, second, batched, other):
        store.close()


def test_a_rewrite_within_the_same_mtime_tick_is_seen(make_vault: Callable[..., Path], parses: list[str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Same size, same mtime, same inode: the key cannot tell. The racy rule must."""
    vault = make_vault(FILES)
    age(vault)
    note = vault / "People/Bob Roe.md"
    tick = time.time_ns() - 500_000_000  # modified half a second before the sync reads it
    os.utime(note, ns=(tick, tick))
    before = outcome(vault)
    assert rows(vault)["People/Bob Roe.md"][3] is not None  # stored unconfirmed, with its digest
    changed = BOB.replace("2026-09-01", "2026-11-01")
    assert len(changed) == len(BOB)
    inode = note.stat().st_ino
    with open(note, "r+b") as handle:  # in place: the inode stays
        handle.write(changed.encode())
    os.utime(note, ns=(tick, tick))
    assert (note.stat().st_size, note.stat().st_mtime_ns, note.stat().st_ino) == rows(vault)[
        "People/Bob Roe.md"][:3] == (len(BOB), tick, inode)
    parses.clear()
    after = outcome(vault)
    assert parses == ["People/Bob Roe.md"]
    assert after == uncached(vault, monkeypatch) != before


def test_an_unconfirmed_entry_is_checked_by_content_then_confirmed(
        make_vault: Callable[..., Path], parses: list[str], reads: list[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    vault = make_vault(FILES)
    age(vault)
    note = vault / "People/Bob Roe.md"
    tick = time.time_ns() - 1_000_000_000
    os.utime(note, ns=(tick, tick))
    first = outcome(vault)
    parses.clear()
    reads.clear()
    assert outcome(vault) == first  # still racy: read and compared (by the sync, then the analysis), not parsed
    assert parses == [] and reads == ["Bob Roe.md", "Bob Roe.md"]
    monkeypatch.setattr(changes, "RACY_NS", 500_000_000)  # as if two seconds had passed
    reads.clear()
    assert outcome(vault) == first
    assert rows(vault)["People/Bob Roe.md"][3] is None  # confirmed
    reads.clear()
    assert outcome(vault) == first
    assert parses == [] and reads == []


def test_a_corrupt_cache_is_rebuilt_with_one_line(make_vault: Callable[..., Path], parses: list[str],
                                                  caplog: pytest.LogCaptureFixture,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    vault = make_vault(FILES)
    age(vault)
    first = outcome(vault)
    db = state_dir(vault) / cache.DB_NAME
    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    db.write_bytes(b"this is not a database" * 100)
    parses.clear()
    with caplog.at_level(logging.WARNING, logger="vaultcrm.cache"):
        assert outcome(vault) == first
    assert [r.getMessage() for r in caplog.records if "cache" in r.getMessage()] == [
        f"vaultcrm: the note cache {db} could not be read (file is not a database); it is rebuilt"]
    assert sorted(parses) == sorted(FILES)
    caplog.clear()
    parses.clear()
    assert outcome(vault) == first
    assert parses == [] and not caplog.records
    assert first == uncached(vault, monkeypatch)


def test_a_damaged_entry_is_only_a_miss(make_vault: Callable[..., Path], parses: list[str]) -> None:
    vault = make_vault(FILES)
    age(vault)
    first = outcome(vault)
    db = sqlite3.connect(state_dir(vault) / cache.DB_NAME)
    with db:
        db.execute("UPDATE notes SET part = x'00ff' WHERE path = 'People/Jane Doe.md'")
    db.close()
    parses.clear()
    assert outcome(vault) == first
    assert parses == []  # the stored results answer; the damaged row is not read
    pipeline.analyse(vault, TODAY)
    assert parses == ["People/Jane Doe.md"]


def test_a_new_vaultcrm_version_empties_the_cache(make_vault: Callable[..., Path], parses: list[str],
                                                  caplog: pytest.LogCaptureFixture,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    vault = make_vault(FILES)
    age(vault)
    first = outcome(vault)
    fingerprint.code.cache_clear()
    monkeypatch.setattr(fingerprint, "__version__", "99.0.0")
    try:
        parses.clear()
        with caplog.at_level(logging.WARNING, logger="vaultcrm.cache"):
            assert outcome(vault) == first
        assert sorted(parses) == sorted(FILES)
        assert [r.getMessage() for r in caplog.records] == [
            f"vaultcrm: the note cache {state_dir(vault) / cache.DB_NAME} was made by another version "
            "of vaultcrm; it is rebuilt"]
        parses.clear()
        assert outcome(vault) == first and parses == []
    finally:
        fingerprint.code.cache_clear()


def test_a_cache_of_the_previous_layout_is_rebuilt_with_one_line(make_vault: Callable[..., Path], parses: list[str],
                                                                 caplog: pytest.LogCaptureFixture) -> None:
    """vaultcrm 0.1's layout: parsed notes, and a meta table that allowed no empty value."""
    vault = make_vault(FILES)
    age(vault)
    first = outcome(vault)
    db_path = state_dir(vault) / cache.DB_NAME
    db_path.unlink()
    db = sqlite3.connect(db_path)
    with db:
        db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        db.execute("CREATE TABLE notes (path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, "
                   "inode INTEGER NOT NULL, digest BLOB, note BLOB NOT NULL)")
        db.execute("INSERT INTO meta VALUES ('code', 'vaultcrm 0.1')")
    db.close()
    parses.clear()
    with caplog.at_level(logging.WARNING, logger="vaultcrm.cache"):
        assert outcome(vault) == first
        assert sorted(parses) == sorted(FILES)
        first_writer, second_writer = cache.NoteCache.open(vault), cache.NoteCache.open(vault)
        assert first_writer is not None and second_writer is not None
        for store in (first_writer, second_writer):
            list(store.rows())
        second_writer.write([("a.md", 1, 2, 3, None, b"")], state="second's")
        first_writer.write([("a.md", 1, 2, 3, None, b"")], state="first's")  # clears it: an empty value
        for store in (first_writer, second_writer):
            store.close()
        assert outcome(vault) == first  # (every note read again: the race left no contribution vouched for)
    assert [r.getMessage() for r in caplog.records] == [
        f"vaultcrm: the note cache {db_path} was made by another version of vaultcrm; it is rebuilt"]


def test_the_schema_is_part_of_the_version(monkeypatch: pytest.MonkeyPatch) -> None:
    fingerprint.code.cache_clear()
    before = fingerprint.code()
    monkeypatch.setattr(fingerprint, "SCHEMA", fingerprint.SCHEMA + 1)
    fingerprint.code.cache_clear()
    try:
        assert fingerprint.code() != before
    finally:
        monkeypatch.undo()
        fingerprint.code.cache_clear()


def test_unreadable_and_oversized_notes_are_problems_either_way(make_vault: Callable[..., Path],
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    vault = make_vault({"People/Big.md": "---\ntier: A\n---\n" + "x" * 300, "People/Latin1.md": b"caf\xe9\n",
                        **FILES})
    (vault / ".vaultcrm").mkdir()
    (vault / ".vaultcrm/config.toml").write_text("max_note_bytes = 200\n")
    age(vault)
    first = outcome(vault)
    assert outcome(vault) == first == uncached(vault, monkeypatch)
    messages = " ".join(p["message"] for p in first["problems"])
    assert "larger than 200 bytes" in messages and "not UTF-8" in messages
    db = sqlite3.connect(state_dir(vault) / cache.DB_NAME)
    try:  # only its path is kept (contributions depend on which notes exist), read again every time
        assert db.execute("SELECT part FROM notes WHERE path = 'People/Big.md'").fetchall() == [(None,)]
    finally:
        db.close()


def test_a_locked_cache_is_skipped_not_waited_for(make_vault: Callable[..., Path],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    vault = make_vault(FILES)
    age(vault)
    first = outcome(vault)
    (vault / "2026-11-21.md").write_text("- lunch with [[Bob Roe]]\n")
    monkeypatch.setattr(cache, "BUSY_TIMEOUT_S", 0.2)
    other = sqlite3.connect(state_dir(vault) / cache.DB_NAME, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")  # another process in the middle of a write
    try:
        started = time.monotonic()
        during = outcome(vault)
        assert time.monotonic() - started < 5
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert during == uncached(vault, monkeypatch) != first


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_parallel_parsing_gives_the_same_notes(method: str, make_vault: Callable[..., Path],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    files = {f"Notes/Note {k}.md": f"- 2026-11-{k % 20 + 1:02d}: met [[Jane Doe]]\n" for k in range(40)}
    files["Notes/Unreadable.md"] = b"\xff\xfe not utf-8"
    vault = make_vault({**FILES, **files})
    age(vault)
    monkeypatch.setattr(pool, "_start_method", lambda: method)
    monkeypatch.setattr(pool, "POOL_MIN_FILES", 2)
    monkeypatch.setattr(pool, "POOL_MIN_FILES_SPAWN", 2)
    used: list[int] = []
    real = pool._parse_in_pool

    def spy(*args: Any) -> Any:
        used.append(len(args[2]))
        return real(*args)

    monkeypatch.setattr(pool, "_parse_in_pool", spy)
    pooled = outcome(vault)
    assert used == [len(files) + len(FILES)]
    assert len(rows(vault)) == len(files) + len(FILES)
    assert pooled == uncached(vault, monkeypatch)


def test_progress_is_reported_for_a_long_cold_sync(make_vault: Callable[..., Path],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    vault = make_vault(FILES)
    age(vault)
    calls: list[tuple[str, int]] = []

    from contextlib import contextmanager

    @contextmanager
    def fake(total: int) -> Iterator[Callable[[int], None]]:
        calls.append(("start", total))
        yield lambda count: calls.append(("advance", count))

    monkeypatch.setattr(pool, "PROGRESS_MIN_FILES", 3)
    pipeline.sync(vault, TODAY, dry_run=True, progress=fake)
    assert calls[0] == ("start", len(FILES)) and sum(c for k, c in calls[1:]) == len(FILES)
    calls.clear()
    pipeline.sync(vault, TODAY, dry_run=True, progress=fake)  # nothing to parse: no bar
    assert calls == []


# -- the memo of the last sync --------------------------------------------------------------------

def cli_sync(run: Callable[..., Any], vault: Path, *args: str) -> str:
    result = run(vault, "sync", *args)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_a_no_change_sync_answers_from_the_memo(make_vault: Callable[..., Path], run: Callable[..., Any],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    vault = make_vault(FILES)
    age(vault)
    wrote = cli_sync(run, vault)
    assert wrote.rstrip().endswith("wrote CRM/Due this week.md")
    with monkeypatch.context() as patch:
        patch.setenv("VAULTCRM_NO_CACHE", "1")
        full = cli_sync(run, vault)  # the full pipeline says "unchanged" ...
    assert full.rstrip().endswith("unchanged")
    config = load_config(vault)
    memory = Cache(vault)
    found = memory.scan(config, TODAY)
    assert memory.unchanged(config, found, TODAY, vault / config.dashboard) == full.rstrip()  # ... and so does the memo
    monkeypatch.setattr(pipeline, "analyse", lambda *a, **k: pytest.fail("the notes were analysed"))
    monkeypatch.setattr(pipeline, "_render", lambda *a, **k: pytest.fail("the dashboard was rendered"))
    assert cli_sync(run, vault) == full


@pytest.mark.parametrize("change", ["note", "dashboard", "day", "config", "template", "conflict", "racy"])
def test_the_memo_is_not_trusted_after_a_change(change: str, make_vault: Callable[..., Path],
                                                run: Callable[..., Any]) -> None:
    vault = make_vault(FILES)
    age(vault)
    cli_sync(run, vault)
    today = TODAY
    if change == "note":
        with open(vault / "Notes/Plain.md", "a") as handle:
            handle.write("More prose.\n")
        age(vault)
    elif change == "dashboard":
        with open(vault / "CRM/Due this week.md", "a") as handle:
            handle.write("my own line\n")
    elif change == "day":
        today = TODAY.replace(day=23)
    elif change == "config":
        (vault / ".vaultcrm").mkdir()
        (vault / ".vaultcrm/config.toml").write_text('horizon = "14d"\n')
    elif change == "template":
        (vault / ".vaultcrm/templates").mkdir(parents=True)
        (vault / ".vaultcrm/templates/dashboard.md.j2").write_text("Hello\n")
    elif change == "conflict":
        (vault / "People/Jane Doe.sync-conflict-20261101-abc.md").write_text(JANE)
        age(vault)
    elif change == "racy":
        now = time.time_ns()
        os.utime(vault / "Notes/Plain.md", ns=(now, now))
    config = load_config(vault)
    memory = Cache(vault)
    found = memory.scan(config, today)
    assert memory.unchanged(config, found, today, vault / config.dashboard) is None


def test_no_memo_is_recorded_while_a_note_is_racy(make_vault: Callable[..., Path],
                                                  run: Callable[..., Any]) -> None:
    vault = make_vault(FILES)  # just written: every note is inside the racy window
    cli_sync(run, vault)
    cli_sync(run, vault)
    assert not (state_dir(vault) / memo.LAST_SYNC).exists()
    age(vault)
    cli_sync(run, vault)
    assert (state_dir(vault) / memo.LAST_SYNC).exists()


def test_no_cache_means_no_state_written(make_vault: Callable[..., Path], run: Callable[..., Any],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VAULTCRM_NO_CACHE", "1")
    vault = make_vault(FILES)
    age(vault)
    cli_sync(run, vault)
    cli_sync(run, vault)
    assert not (state_dir(vault) / cache.DB_NAME).exists()
    assert not (state_dir(vault) / memo.LAST_SYNC).exists()
    assert not (state_dir(vault) / memo.LAST_RENDER).exists()


# -- the memo of the last render -------------------------------------------------------------------

@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the templates rendered, in order."""
    from vaultcrm.dashboard import render

    seen: list[str] = []
    real = render.render_template

    def counting(template: Any, data: dict[str, Any]) -> str:
        seen.append(template.name)
        return real(template, data)

    monkeypatch.setattr(render, "render_template", counting)
    return seen


def dashboard_of(vault: Path) -> str:
    return (vault / "CRM" / "Due this week.md").read_text("utf-8")


def test_an_edit_that_changes_no_line_renders_nothing(make_vault: Callable[..., Path], run: Callable[..., Any],
                                                      renders: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    vault = make_vault(FILES)
    age(vault)
    cli_sync(run, vault)
    assert renders == ["dashboard.md.j2"]
    (vault / "Notes" / "Plain.md").write_text(PLAIN + "More prose, still nothing to find.\n", "utf-8")
    (vault / "People" / "Jane Doe.md").write_text(JANE + "\nShe likes sailing.\n", "utf-8")
    assert "unchanged" in cli_sync(run, vault)
    assert renders == ["dashboard.md.j2"]  # the body is the last render's: its data is the same
    assert outcome(vault) == uncached(vault, monkeypatch)


def test_an_edit_that_changes_no_result_reads_no_stored_result(make_vault: Callable[..., Path],
                                                               run: Callable[..., Any], renders: list[str],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from vaultcrm.cache import difference
    from vaultcrm.dashboard import data

    vault = make_vault(FILES)
    age(vault)
    cli_sync(run, vault)  # a full sync: its body is named by the results it stores
    decoded: list[bytes] = []
    made: list[object] = []
    real_result, real_data = difference._result, data.template_data
    monkeypatch.setattr(difference, "_result", lambda blob: decoded.append(blob) or real_result(blob))
    monkeypatch.setattr(data, "template_data", lambda *args: made.append(args) or real_data(*args))
    (vault / "People" / "Jane Doe.md").write_text(JANE + "\nShe likes sailing.\n", "utf-8")
    assert "unchanged" in cli_sync(run, vault)
    assert decoded == [] and made == [] and renders == ["dashboard.md.j2"]
    (vault / "Notes" / "Plain.md").write_text(PLAIN + "More prose.\n", "utf-8")
    assert "unchanged" in cli_sync(run, vault)
    assert decoded == [] and made == []
    (vault / "People" / "Jane Doe.md").write_text(JANE + "- 2026-11-21: call\n", "utf-8")  # her line changes
    assert "wrote" in cli_sync(run, vault)
    assert decoded and len(made) == 1 and renders == ["dashboard.md.j2"] * 2
    assert outcome(vault) == uncached(vault, monkeypatch)


def test_the_same_results_with_other_problems_are_drawn_again(make_vault: Callable[..., Path]) -> None:
    from vaultcrm.dashboard.shown import Shown
    from vaultcrm.errors import Problem

    vault = make_vault(FILES)
    config = load_config(vault)
    drawn: list[int] = []

    def render(data: dict[str, Any]) -> str:
        drawn.append(data["problems"]["count"])
        return f"{data['problems']['count']} problems\n"

    def body(source: str | None, *problems: Problem) -> str:
        return memo.drawn(vault, Shown({}, list(problems), source=source), config, TODAY, render).body

    late = Problem("Notes/Plain.md", 1, "late")
    assert body("one") == "0 problems\n" and drawn == [0]
    assert body("one") == "0 problems\n" and drawn == [0]  # the same name: taken as it was
    assert memo.knows(vault, "one") and not memo.knows(vault, "two")
    assert body("one", late) == "1 problems\n" and drawn == [0, 1]  # the same results, another problem
    assert body("two", late) == "1 problems\n" and drawn == [0, 1]  # other results, the same data
    assert memo.knows(vault, "two")
    assert body(None, late) == "1 problems\n" and drawn == [0, 1]


def test_a_changed_line_or_template_renders_again(make_vault: Callable[..., Path], run: Callable[..., Any],
                                                  renders: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    vault = make_vault(FILES)
    age(vault)
    own = vault / ".vaultcrm" / "templates" / "dashboard.md.j2"
    own.parent.mkdir(parents=True)

    def rendered(change: Callable[[], object]) -> bool:
        before = len(renders)
        change()
        cli_sync(run, vault)
        return len(renders) > before

    assert rendered(lambda: None)
    assert rendered(lambda: (vault / "People" / "Bob Roe.md").write_text(BOB + "- 2026-11-21: call\n", "utf-8"))
    assert outcome(vault) == uncached(vault, monkeypatch)
    assert rendered(lambda: own.write_text("Our own words.\n", "utf-8"))
    assert "Our own words." in dashboard_of(vault)
    assert rendered(lambda: own.write_text("Other words.\n", "utf-8"))
    assert "Other words." in dashboard_of(vault)
    assert rendered(own.unlink)
    assert "Other words." not in dashboard_of(vault)
    assert outcome(vault) == uncached(vault, monkeypatch)


def test_a_damaged_render_memo_is_rendered_again(make_vault: Callable[..., Path], run: Callable[..., Any],
                                                 renders: list[str]) -> None:
    vault = make_vault(FILES)
    age(vault)
    cli_sync(run, vault)
    first = dashboard_of(vault)
    for damage in (b"{not json", b'{"schema": 1, "key": 3, "body": null}', b"[]"):
        (state_dir(vault) / memo.LAST_RENDER).write_bytes(damage)
        (vault / "Notes" / "Plain.md").write_text(PLAIN + f"{damage!r}\n", "utf-8")
        cli_sync(run, vault)
        assert dashboard_of(vault) == first
    assert len(renders) == 4


# -- whole processes ------------------------------------------------------------------------------

def _subprocess_env(state: Path) -> dict[str, str]:
    return {**os.environ, "VAULTCRM_STATE_DIR": str(state), "VAULTCRM_TODAY": TODAY.isoformat()}


def test_a_corrupt_cache_says_so_on_stderr_in_one_line(make_vault: Callable[..., Path], tmp_path: Path) -> None:
    vault = make_vault(FILES)
    age(vault)
    env = _subprocess_env(tmp_path / "state")
    argv = [sys.executable, "-m", "vaultcrm", "--vault", str(vault), "sync"]
    first = subprocess.run(argv, env=env, capture_output=True, text=True, check=True)
    db = next((tmp_path / "state").glob(f"*/{cache.DB_NAME}"))
    (db.parent / memo.LAST_SYNC).unlink()
    db.write_bytes(b"\x00garbage" * 512)
    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    second = subprocess.run(argv, env=env, capture_output=True, text=True, check=True)
    assert second.stderr.splitlines() == [
        f"vaultcrm: the note cache {db} could not be read (file is not a database); it is rebuilt"]
    assert second.stdout == first.stdout.replace("wrote CRM/Due this week.md", "unchanged")


def test_two_syncs_at_once_agree(tmp_path: Path) -> None:
    vault = generated_vault(tmp_path, 400, 3)
    env = _subprocess_env(tmp_path / "state")
    argv = [sys.executable, "-m", "vaultcrm", "--vault", str(vault), "sync", "--dry-run"]
    procs = [subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(3)]
    outputs = [p.communicate() for p in procs]
    assert all(p.returncode == 0 for p in procs), outputs
    assert not any(err for _, err in outputs if b"cache" in err), outputs
    alone = subprocess.run(argv, env={**env, "VAULTCRM_NO_CACHE": "1"}, capture_output=True, check=True)
    assert {out for out, _ in outputs} == {alone.stdout}


# -- a generated vault under edit sequences ----------------------------------------------------------


@pytest.fixture(scope="module")
def template_vault(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generated_vault(tmp_path_factory.mktemp("gen"), 60, 3)


EDITS = st.lists(st.tuples(
    st.sampled_from(["append", "same-size", "same-size-same-mtime", "rename", "delete", "create", "touch"]),
    st.integers(min_value=0, max_value=10_000)), min_size=1, max_size=6)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=EDITS)
def test_cached_and_uncached_agree_under_any_edits(edits: list[tuple[str, int]], template_vault: Path,
                                                  tmp_path_factory: pytest.TempPathFactory,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VAULTCRM_STATE_DIR", str(tmp_path_factory.mktemp("state")))
    vault = tmp_path_factory.mktemp("edit") / "vault"
    shutil.copytree(template_vault, vault, copy_function=shutil.copy2)
    outcome(vault)  # fill the cache (and confirm every entry: the copies keep their old mtimes)
    for step, (kind, pick) in enumerate(edits):
        notes_now = sorted(p for p in vault.rglob("*.md") if ".obsidian" not in p.parts and "CRM" not in p.parts)
        note = notes_now[pick % len(notes_now)]
        data = note.read_bytes()
        if kind == "append":
            note.write_bytes(data + f"- 2026-11-{pick % 20 + 1:02d}: met [[{notes_now[0].stem}]]\n".encode())
        elif kind in ("same-size", "same-size-same-mtime"):
            flipped = data.replace(b"2026", b"2025", 1) if b"2026" in data else data.replace(b"[[", b"((", 1)
            tick = time.time_ns() - 300_000_000
            if kind == "same-size-same-mtime":  # written, read by a sync, rewritten: all in one tick
                os.utime(note, ns=(tick, tick))
                outcome(vault)
            with open(note, "r+b") as handle:
                handle.write(flipped)
            if kind == "same-size-same-mtime":
                os.utime(note, ns=(tick, tick))
        elif kind == "rename":
            note.rename(note.with_name(f"Renamed {step} {note.name}"))
        elif kind == "delete":
            note.unlink()
        elif kind == "create":
            (vault / f"New {step}.md").write_text(f"- 2026-11-0{step % 9 + 1}: call with [[{note.stem}]]\n")
        elif kind == "touch":
            os.utime(note)
        cached = outcome(vault)
        assert cached == uncached(vault, monkeypatch), (step, kind, note)
        cached_parts = contributions(vault)
        monkeypatch.setenv("VAULTCRM_NO_CACHE", "1")
        assert cached_parts == contributions(vault), (step, kind, note)
        monkeypatch.delenv("VAULTCRM_NO_CACHE")
