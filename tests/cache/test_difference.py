"""A sync after an edit, made by difference from the last sync's results.

Every test compares with a sync that has no cache at all: by difference may be faster, never different.
"""
from __future__ import annotations

import os
import shutil
import sqlite3
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import TODAY, age, generated_vault
from vaultcrm import pipeline
from vaultcrm.cache import changes
from vaultcrm.cache import difference as by_difference
from vaultcrm.cache import store as cache
from vaultcrm.state import state_dir

JANE = """---
tier: A
aliases: [JD]
last_contact: 2026-10-01
---
# Jane Doe
- 2026-11-02: coffee, talked about [[Acme]] #give
- [ ] call back [[Bob Roe]] 📅 2026-11-25
"""
BOB = "---\ntags: [person]\ncadence: 2w\n---\n- 2026-09-01: call\n"
ANN = "---\ntags: [person]\ntier: B\nbirthday: 1990-11-24\n---\nAnn's note.\n"
MEETING = """---
date: 2026-11-15
attendees: ["[[Jane Doe]]"]
---
Planning with [[Bob Roe]] and [[Dup]].
"""
FILES = {
    "People/Jane Doe.md": JANE,
    "People/Bob Roe.md": BOB,
    "People/Ann Lee.md": ANN,
    "Meetings/Planning.md": MEETING,
    "2026-11-20.md": "- lunch with [[Jane Doe]]\n",
    "A/Dup.md": "one\n",
    "B/Dup.md": "two\n",
    "Notes/Plain.md": "Just prose.\n",
}


def synced(vault: Path, today: Any = TODAY) -> pipeline.SyncReport:
    return pipeline.sync(vault, today, dry_run=True)


def shown(report: pipeline.SyncReport) -> tuple[str, list[dict[str, Any]]]:
    return report.text, [p.as_dict() for p in report.problems]


def uncached(vault: Path, monkeypatch: pytest.MonkeyPatch, today: Any = TODAY) -> tuple[str, list[dict[str, Any]]]:
    with monkeypatch.context() as patch:
        patch.setenv("VAULTCRM_NO_CACHE", "1")
        return shown(synced(vault, today))


def damage_cache(vault: Path, statement: str) -> None:
    """Run one SQL statement on the vault's note cache, as a damaged disk or another program might."""
    db = sqlite3.connect(state_dir(vault) / cache.DB_NAME)
    try:
        with db:
            db.execute(statement)
    finally:
        db.close()


def edit(vault: Path, rel: str, text: str) -> None:
    """Rewrite a note and date it an hour back, as a save that is no longer racy."""
    path = vault / rel
    path.write_text(text, "utf-8")
    past = time.time_ns() - 3600 * 10**9 + 10**9
    os.utime(path, ns=(past, past))


@pytest.mark.parametrize(("rel", "text"), [
    ("People/Jane Doe.md", JANE + "- 2026-11-21: dinner with [[Ann Lee]] #ask\n"),  # two contacts touched
    ("People/Bob Roe.md", BOB.replace("2w", "1w")),  # a contact's own settings
    ("People/Ann Lee.md", ANN.replace("tier: B", "tier: Z")),  # a problem appears
    ("2026-11-20.md", "- lunch with [[Bob Roe]]\n"),  # a touch moves from one contact to another
    ("Meetings/Planning.md", MEETING.replace("Jane Doe", "JD")),  # a link turns into a suspicious one
    ("Notes/Plain.md", "- 2026-11-19: saw [[Ann Lee]] and [[Dup]]\n"),  # a plain note starts to touch
    ("People/Jane Doe.md", JANE.replace("tier: A", "status: archived")),  # a contact goes inactive
    ("People/Jane Doe.md", JANE.replace("- [ ] call back", "- [x] called back")),  # a plan is done
])
def test_an_edit_is_synced_by_difference_as_a_full_sync_would(
        rel: str, text: str, make_vault: Callable[..., Path], parses: list[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    vault = make_vault(FILES)
    age(vault)
    assert synced(vault).analysis is not None  # the first sync is a full one, and stores its results
    edit(vault, rel, text)
    parses.clear()
    report = synced(vault)
    assert report.analysis is None  # made by difference
    assert parses == [rel]
    assert shown(report) == uncached(vault, monkeypatch)
    parses.clear()
    again = synced(vault)  # the results it stored serve the next sync too
    assert again.analysis is None and parses == []
    assert shown(again) == shown(report)


def test_a_note_that_starts_to_touch_a_contact_counts_in_later_syncs(
        make_vault: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    vault = make_vault(FILES)
    age(vault)
    synced(vault)
    edit(vault, "Notes/Plain.md", "- 2026-11-21: walk with [[Ann Lee]]\n")  # Ann's first touch
    assert synced(vault).analysis is None
    edit(vault, "2026-11-20.md", "- lunch with [[Ann Lee]]\n")  # Ann evaluated again, from all her notes
    report = synced(vault)
    assert report.analysis is None
    assert shown(report) == uncached(vault, monkeypatch)  # (two days of touches this week, not one)


@pytest.mark.parametrize(("text", "evaluated"), [
    (JANE + "- 2026-11-21: dinner with [[Ann Lee]]\n", ["People/Ann Lee.md", "People/Jane Doe.md"]),
    (JANE.replace("# Jane Doe\n", "# Jane Doe\nA line above the others.\n"),  # Bob's plan moves a line down
     ["People/Bob Roe.md", "People/Jane Doe.md"]),
    (JANE.replace("- [ ] call back [[Bob Roe]] 📅 2026-11-25\n", ""), ["People/Bob Roe.md", "People/Jane Doe.md"]),
])
def test_an_edit_evaluates_again_only_the_contacts_it_gives_otherwise(
        text: str, evaluated: list[str], make_vault: Callable[..., Path], evaluations: list[list[str]],
        monkeypatch: pytest.MonkeyPatch) -> None:
    vault = make_vault(FILES)
    age(vault)
    synced(vault)
    edit(vault, "People/Jane Doe.md", text)
    report = synced(vault)
    assert report.analysis is None and evaluations == [evaluated]  # Bob is given the same plan: made from the same
    assert shown(report) == uncached(vault, monkeypatch)


def _becomes_a_contact(vault: Path) -> None:
    edit(vault, "Notes/Plain.md", "---\ntags: [person]\n---\n")


def _new_note(vault: Path) -> None:
    (vault / "New.md").write_text("- 2026-11-21: [[Bob Roe]]\n", "utf-8")


def _config(vault: Path) -> None:
    (vault / ".vaultcrm").mkdir(exist_ok=True)
    (vault / ".vaultcrm" / "config.toml").write_text('horizon = "14d"\n', "utf-8")


@pytest.mark.parametrize("change", [_becomes_a_contact, _new_note, _config,
                                    lambda vault: (vault / "A/Dup.md").unlink()])
def test_a_change_the_results_cannot_follow_runs_a_full_sync(
        change: Callable[[Path], None], make_vault: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    vault = make_vault(FILES)
    age(vault)
    synced(vault)
    change(vault)
    report = synced(vault)
    assert report.analysis is not None
    assert shown(report) == uncached(vault, monkeypatch)


def test_another_day_runs_a_full_sync(make_vault: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    vault = make_vault(FILES)
    age(vault)
    synced(vault)
    tomorrow = TODAY + timedelta(days=1)
    report = synced(vault, tomorrow)
    assert report.analysis is not None
    assert shown(report) == uncached(vault, monkeypatch, tomorrow)
    assert synced(vault, tomorrow).analysis is None


def test_more_than_a_few_changed_notes_run_a_full_sync(make_vault: Callable[..., Path],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    vault = make_vault({**FILES, **{f"Daily/2026-10-{day:02d}.md": "- [[Bob Roe]]\n" for day in range(1, 31)}})
    age(vault)
    synced(vault)
    monkeypatch.setattr(by_difference, "FEW", 3)
    for day in range(1, 5):
        edit(vault, f"Daily/2026-10-{day:02d}.md", "- [[Jane Doe]]\n")
    report = synced(vault)
    assert report.analysis is not None
    assert shown(report) == uncached(vault, monkeypatch)


def test_results_are_not_trusted_after_another_writer_changed_the_rows(make_vault: Callable[..., Path],
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    vault = make_vault(FILES)
    age(vault)
    synced(vault)
    late = cache.NoteCache.open(vault)  # a sync that read the cache before the edit below was synced
    assert late is not None
    list(late.rows())
    edit(vault, "People/Bob Roe.md", BOB.replace("2w", "1w"))
    assert synced(vault).analysis is None  # stores results for its own rows
    assert late.write_results("whatever", []) is None  # the late writer's results would miss that edit
    late.close()
    db = sqlite3.connect(state_dir(vault) / cache.DB_NAME)
    try:
        assert db.execute("SELECT value FROM meta WHERE key = 'results'").fetchone() is None
    finally:
        db.close()
    report = synced(vault)
    assert report.analysis is not None  # so the next sync is a full one
    assert shown(report) == uncached(vault, monkeypatch)


@pytest.mark.parametrize("damage", [
    "UPDATE results SET result = x'00ff' WHERE path = 'People/Ann Lee.md'",  # a contact's result
    "UPDATE meta SET value = x'00ff' WHERE key = 'settled'",  # the settled rows' keys
])
def test_damaged_results_run_a_full_sync(damage: str, make_vault: Callable[..., Path],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    vault = make_vault(FILES)
    age(vault)
    synced(vault)
    damage_cache(vault, damage)
    edit(vault, "People/Bob Roe.md", BOB.replace("2w", "1w"))
    report = synced(vault)
    assert report.analysis is not None
    assert shown(report) == uncached(vault, monkeypatch)
    assert synced(vault).analysis is None  # the full sync stored sound ones


def test_a_racy_edit_is_checked_by_content_then_settled(make_vault: Callable[..., Path], parses: list[str],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    vault = make_vault(FILES)
    age(vault)
    synced(vault)
    note = vault / "People/Bob Roe.md"
    note.write_text(BOB.replace("2w", "1w"), "utf-8")  # just now: within the racy window
    tick = note.stat().st_mtime_ns
    assert synced(vault).analysis is None
    note.write_text(BOB.replace("2w", "3w"), "utf-8")  # the same size, rewritten within the same tick
    os.utime(note, ns=(tick, tick))
    parses.clear()
    report = synced(vault)
    assert report.analysis is None and parses == ["People/Bob Roe.md"]  # seen by its content
    assert shown(report) == uncached(vault, monkeypatch)
    monkeypatch.setattr(changes, "RACY_NS", 0)  # as if the racy window had passed: the row is confirmed
    assert synced(vault).analysis is None
    parses.clear()
    store = cache.NoteCache.open(vault)
    assert store is not None
    with store.snapshot():
        settled = store.settled()
    store.close()
    assert settled is not None and "People/Bob Roe.md" in settled
    assert shown(synced(vault)) == shown(report) and parses == []


def test_rows_not_written_mean_results_not_stored(make_vault: Callable[..., Path]) -> None:
    vault = make_vault(FILES)
    age(vault)
    synced(vault)
    store = cache.NoteCache.open(vault)
    assert store is not None
    list(store.rows())
    blocker = sqlite3.connect(state_dir(vault) / cache.DB_NAME, timeout=0)
    blocker.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    try:
        store.db.execute("PRAGMA busy_timeout = 0")
        store.write([("Notes/Plain.md", 1, 1, 1, None, b"")])  # fails: locked
    finally:
        blocker.rollback()
        blocker.close()
    assert store.epoch is None
    assert store.write_results("whatever", []) is None
    store.close()


def test_a_settled_note_edited_and_put_back_with_its_old_key_is_read_again(
        make_vault: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    vault = make_vault(FILES)
    age(vault)
    synced(vault)
    note = vault / "People/Bob Roe.md"
    old = note.stat()
    note.write_text(BOB.replace("2w", "1w"), "utf-8")  # the same size, just now: not settled yet
    assert synced(vault).analysis is None
    note.write_text(BOB, "utf-8")  # put back, with the key it had when it was settled
    os.utime(note, ns=(old.st_atime_ns, old.st_mtime_ns))
    assert note.stat().st_ino == old.st_ino
    assert shown(synced(vault)) == uncached(vault, monkeypatch)


def test_a_result_made_again_is_compared_with_the_stored_one_as_values() -> None:
    import marshal

    text = "a note's text " * 30
    shared, apart = marshal.dumps((text, text)), marshal.dumps((text, "".join(text)))
    assert shared != apart  # marshal refers back to an object met twice: equal values, other bytes
    stored = ("People/Ann Lee.md", "People/Ann Lee.md", shared, None, None)
    assert by_difference._same(stored, (*stored[:2], apart, None, None, b"", b""))
    assert not by_difference._same(stored, (*stored[:2], marshal.dumps((text, "")), None, None, b"", b""))
    assert not by_difference._same(stored, (stored[0], "Other.md", apart, None, None, b"", b""))
    assert not by_difference._same(stored, (*stored[:3], marshal.dumps(()), None, b"", b""))
    assert by_difference._same(None, ("Notes/Plain.md", None, None, None, None, None, None))


def test_the_stored_results_keep_their_name_until_one_of_them_changes(make_vault: Callable[..., Path]) -> None:
    vault = make_vault(FILES)
    age(vault)
    synced(vault)
    store, late = cache.NoteCache.open(vault), cache.NoteCache.open(vault)
    assert store is not None and late is not None
    for reader in (store, late):
        with reader.snapshot():
            pass
    first = store.seen_made
    assert first and store.write_results("key", []) == first  # nothing written: the same results
    row = ("Notes/Plain.md", None, None, b"\xa9\x00", None, None, None)
    second = store.write_results("key", [row])
    assert second not in (None, first)
    assert late.write_results("key", []) is None  # it read the results before they changed
    with late.snapshot():
        assert late.seen_made == second and late.seen_results is None  # and so they are not trusted
    store.close()
    late.close()


# -- a generated vault under edit sequences ----------------------------------------------------------


@pytest.fixture(scope="module")
def template_vault(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generated_vault(tmp_path_factory.mktemp("gen"), 80, 5)


LINES = st.sampled_from([
    "- {day}: coffee with [[{other}]] #give\n", "- {day}: call about [[{other}]] #ask\n",
    "- [ ] write to [[{other}]] 📅 {day}\n", "- [x] sent [[{other}]] the deck ✅ {day}\n",
    "Met [[{other}]] at the fair.\n", "{day} lunch\n",
])
PROPERTIES = st.sampled_from([
    ("tier: ", "tier: C\n"), ("cadence: ", "cadence: 3d\n"), ("snooze_until: ", "snooze_until: {day}\n"),
    ("status: ", "status: archived\n"), ("met: ", "met: {day}\n"), ("tier: ", "tier: nonsense\n"),
])
EDITS = st.lists(st.tuples(st.sampled_from(["line", "property", "drop-line"]), st.integers(0, 10_000),
                           st.integers(0, 10_000), LINES, PROPERTIES, st.integers(-40, 10)), min_size=1, max_size=5)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=EDITS)
def test_by_difference_equals_a_full_sync_under_any_edits(edits: list[tuple[Any, ...]], template_vault: Path,
                                                          tmp_path_factory: pytest.TempPathFactory,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """In-place edits of any note, contact or not: each sync is made by difference, and equals a full one."""
    monkeypatch.setenv("VAULTCRM_STATE_DIR", str(tmp_path_factory.mktemp("state")))
    vault = tmp_path_factory.mktemp("edit") / "vault"
    shutil.copytree(template_vault, vault, copy_function=shutil.copy2)
    synced(vault)
    every = sorted(p for p in vault.rglob("*.md") if ".obsidian" not in p.parts and "CRM" not in p.parts)
    people = [p for p in every if "People" in p.parts]
    for kind, pick, other, line, (prop, value), offset in edits:
        note = every[pick % len(every)]
        day = (TODAY + timedelta(days=offset)).isoformat()
        text = note.read_text("utf-8")
        if kind == "line":
            text += line.format(day=day, other=people[other % len(people)].stem)
        elif kind == "drop-line":
            lines = text.splitlines(keepends=True)
            text = "".join(lines[:pick % max(len(lines), 1)] + lines[pick % max(len(lines), 1) + 1:])
        elif text.startswith("---\n") and note in people:  # a contact's property, set or replaced
            kept = [x for x in text.split("\n---\n", 1)[0].split("\n")[1:] if not x.startswith(prop)]
            text = "---\n" + "\n".join([*kept, value.format(day=day).rstrip("\n")]) + "\n---\n" + \
                text.split("\n---\n", 1)[1]
        edit(vault, str(note.relative_to(vault)), text)
        report = synced(vault)
        full = uncached(vault, monkeypatch)
        assert shown(report) == full, (kind, note)
        assert report.analysis is None, (kind, note)  # no edit here makes or unmakes a contact


# -- the commands that find a contact by name ------------------------------------------------------

def no_analysis(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError("the vault was analysed")

    monkeypatch.setattr(pipeline, "analyse", refuse)


def test_touch_finds_a_contact_from_the_stored_results(make_vault: Callable[..., Path], run: Callable[..., Any],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """After a sync, `touch` and `snooze` find a contact by file name, name or alias with no analysis,
    after an edit too (by difference): an alias added is found, one taken away no longer is."""
    vault = make_vault(FILES)
    age(vault)
    synced(vault)
    edit(vault, "People/Bob Roe.md", BOB.replace("cadence: 2w", "aliases: [Bobby]\ncadence: 2w"))
    edit(vault, "People/Jane Doe.md", JANE.replace("aliases: [JD]\n", ""))
    no_analysis(monkeypatch)
    touched = run(vault, "touch", "bobby", "--dry-run")
    assert touched.exit_code == 0, touched.output
    assert "would record a touch with Bob Roe on 2026-11-22 in People/Bob Roe.md" in touched.output
    assert run(vault, "touch", "JD", "--dry-run").exit_code == 6
    snoozed = run(vault, "snooze", "ann lee", "--for", "2w", "--dry-run")
    assert "would have snoozed Ann Lee (People/Ann Lee.md)" in snoozed.output
    assert run(vault, "add", "Jane Doe", "--dry-run").exit_code != 0  # she exists


def test_completion_reads_no_note_when_results_are_stored(make_vault: Callable[..., Path],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from vaultcrm.cli import completion
    from vaultcrm.cli.completion import contact_names

    vault = make_vault(FILES)
    age(vault)
    before = contact_names(vault, "", TODAY)  # nothing stored: every property block read
    synced(vault)
    edit(vault, "People/Bob Roe.md", BOB.replace("cadence: 2w", "aliases: [Bobby]\ncadence: 2w"))
    monkeypatch.setattr(completion, "_read", lambda *_: pytest.fail("every property block was read"))
    assert contact_names(vault, "", TODAY) == sorted(
        [*before, ("Bobby", "alias of Bob Roe")], key=lambda item: (item[0].casefold(), item[1] is not None))


def names_and_results(vault: Path) -> tuple[Any, list[tuple[str, str, tuple[str, ...]]] | None]:
    """What the cache keeps of names alone, and the same fields of the results it keeps, in their order."""
    from vaultcrm.cache import Cache
    from vaultcrm.config import load_config

    config = load_config(vault)
    with Cache(vault) as memory:
        found = memory.walk(config)
        names = memory.names(config, found, TODAY)
        kept = memory.results(config, found, TODAY)
    return names, None if kept is None else [(r.path, r.name, r.aliases) for r in kept.results.values()]


def test_names_alone_are_the_stored_results_names_until_a_note_changes(make_vault: Callable[..., Path]) -> None:
    vault = make_vault(FILES)
    age(vault)
    synced(vault)
    names, results = names_and_results(vault)
    assert names is not None and [tuple(n) for n in names] == results
    assert ("People/Jane Doe.md", "Jane Doe", ("JD",)) in results
    edit(vault, "People/Bob Roe.md", BOB.replace("cadence: 2w", "aliases: [Bobby]\ncadence: 2w"))
    names, results = names_and_results(vault)  # (the results, by difference, are stored again)
    assert names is None
    names, again = names_and_results(vault)
    assert names is not None and [tuple(n) for n in names] == again == results
    assert ("People/Bob Roe.md", "Bob Roe", ("Bobby",)) in again


def names_alone(vault: Path) -> Any:
    """What the cache keeps of names alone (None: a note changed since)."""
    from vaultcrm.cache import Cache
    from vaultcrm.config import load_config

    config = load_config(vault)
    with Cache(vault) as memory:
        return memory.names(config, memory.walk(config), TODAY)


def stored_walk(vault: Path) -> str | None:
    store = cache.NoteCache.open(vault)
    assert store is not None
    with store.snapshot():
        walk = store.seen_walk
    store.close()
    return walk


def test_a_read_knows_from_one_digest_of_its_walk_that_no_note_changed(make_vault: Callable[..., Path],
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    vault = make_vault(FILES)
    age(vault)
    synced(vault)
    names = names_alone(vault)
    with monkeypatch.context() as patch:
        patch.setattr(cache.NoteCache, "settled", lambda self: pytest.fail("the settled keys were read"))
        assert names_alone(vault) == names is not None
    edit(vault, "People/Bob Roe.md", BOB.replace("2w", "3w"))  # (the same size, dated an hour back)
    assert names_alone(vault) is None
    assert synced(vault).analysis is None  # by difference: the edited note is settled again
    with monkeypatch.context() as patch:
        patch.setattr(cache.NoteCache, "settled", lambda self: pytest.fail("the settled keys were read"))
        assert sorted(names_alone(vault)) == sorted(names)
    (vault / "People/Bob Roe.md").write_text(BOB, "utf-8")  # just now: not settled yet
    assert synced(vault).analysis is None and stored_walk(vault) is None  # (the settled keys are read again)
    assert sorted(names_alone(vault)) == sorted(names)


@pytest.mark.parametrize("damage", [
    "UPDATE results SET names = x'00ff' WHERE path = 'People/Jane Doe.md'",
    "UPDATE meta SET value = x'00ff' WHERE key IN ('settled', 'walk')",
])
def test_touch_finds_a_contact_when_the_names_kept_are_damaged(damage: str, make_vault: Callable[..., Path],
                                                               run: Callable[..., Any]) -> None:
    vault = make_vault(FILES)
    age(vault)
    synced(vault)
    damage_cache(vault, damage)
    assert names_and_results(vault)[0] is None
    touched = run(vault, "touch", "JD", "--dry-run")
    assert touched.exit_code == 0, touched.output
    assert "would record a touch with Jane Doe on 2026-11-22 in People/Jane Doe.md" in touched.output


def test_touch_and_completion_load_names_alone_when_no_note_changed(make_vault: Callable[..., Path],
                                                                   run: Callable[..., Any],
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from vaultcrm.cli.completion import contact_names

    vault = make_vault(FILES)
    age(vault)
    synced(vault)
    before = contact_names(vault, "j", TODAY)
    no_analysis(monkeypatch)
    monkeypatch.setattr(by_difference, "answer", lambda *_: pytest.fail("every result was loaded"))
    touched = run(vault, "touch", "jane", "--dry-run")
    assert touched.exit_code == 0, touched.output
    assert "would record a touch with Jane Doe on 2026-11-22 in People/Jane Doe.md" in touched.output
    assert contact_names(vault, "j", TODAY) == before == [("Jane Doe", None), ("JD", "alias of Jane Doe")]


COPY = "CRM/Due this week.sync-conflict-20261122-201500-LAPTOP1.md"


def due_alone(vault: Path) -> tuple[Any, Any]:
    """What the cache keeps of the results as `due` reads them, and the results it keeps."""
    from vaultcrm.cache import Cache
    from vaultcrm.config import load_config

    config = load_config(vault)
    with Cache(vault) as memory:
        found = memory.walk(config)
        return memory.due(config, found, TODAY), memory.results(config, found, TODAY)


def due_outputs(vault: Path, run: Callable[..., Any]) -> list[tuple[int, str, str]]:
    return [(out.exit_code, out.stdout, out.stderr) for out in (run(vault, "due"), run(vault, "due", "--json"))]


def test_due_loads_what_it_shows_alone_when_no_note_changed(make_vault: Callable[..., Path], run: Callable[..., Any],
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """The same lines, object and problems (the scan's, a conflict copy's explained, the notes' and
    the rules') as from every result, and as with no cache."""
    vault = make_vault({**FILES, "People/Ann Lee.md": ANN.replace("tier: B", "tier: Z"), COPY: "- [ ] x\n"})
    age(vault)
    with monkeypatch.context() as patch:
        patch.setenv("VAULTCRM_NO_CACHE", "1")
        expected = due_outputs(vault, run)
    assert "problems" in expected[0][2] and "conflict" in expected[1][1]
    synced(vault)
    alone, every = due_alone(vault)
    assert alone is not None and every is not None
    assert [p.as_dict() for p in alone.problems] == [p.as_dict() for p in every.problems]
    no_analysis(monkeypatch)
    monkeypatch.setattr(by_difference, "answer", lambda *_: pytest.fail("every result was loaded"))
    assert due_outputs(vault, run) == expected


def test_due_loads_every_result_after_an_edit(make_vault: Callable[..., Path], run: Callable[..., Any],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    vault = make_vault(FILES)
    age(vault)
    synced(vault)
    edit(vault, "People/Bob Roe.md", BOB.replace("cadence: 2w", "cadence: 1d"))
    with monkeypatch.context() as patch:
        patch.setenv("VAULTCRM_NO_CACHE", "1")
        expected = due_outputs(vault, run)
    answered: list[bool] = []
    real = by_difference.due

    def spied(*args: Any) -> Any:
        found = real(*args)
        answered.append(found is not None)
        return found

    monkeypatch.setattr(by_difference, "due", spied)
    assert due_outputs(vault, run) == expected  # (the results, by difference, are stored again)
    assert answered[0] is False and answered[-1] is True


@pytest.mark.parametrize("damage", [
    "UPDATE results SET due = x'00ff' WHERE path = 'People/Jane Doe.md'",
    "UPDATE results SET due = NULL WHERE path = 'People/Jane Doe.md'",
    "UPDATE meta SET value = x'00ff' WHERE key IN ('settled', 'walk')",
])
def test_due_loads_every_result_when_what_it_reads_is_damaged(damage: str, make_vault: Callable[..., Path],
                                                              run: Callable[..., Any],
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    vault = make_vault(FILES)
    age(vault)
    with monkeypatch.context() as patch:
        patch.setenv("VAULTCRM_NO_CACHE", "1")
        expected = due_outputs(vault, run)
    synced(vault)
    damage_cache(vault, damage)
    assert due_alone(vault)[0] is None
    assert due_outputs(vault, run) == expected
