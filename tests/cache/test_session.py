"""The daemon's memory of the vault between syncs gives exactly what a fresh, plain analysis gives."""
from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import age
from vaultcrm.cache import Cache
from vaultcrm.crm.analysis import Analysis
from vaultcrm.dashboard.due import due_object
from vaultcrm.dashboard.results import shown_of
from vaultcrm.pipeline import SyncReport, analyse, sync

TODAY = date(2026, 11, 22)
PEOPLE = ["Jane Doe", "Bob Stone", "Ann Lee", "Мария Петрова"]
BODIES = [
    "---\ntier: A\nlast_contact: 2026-10-01\n---\n# Notes\n",
    "---\ntier: B\naliases: [Bobby]\n---\n- 2026-11-02 — coffee [[Ann Lee]] #give\n",
    "---\ncircle: close\nmet: 2026-11-20\n---\n- [ ] send the deck [[Jane Doe]] 📅 2026-11-24\n",
    "---\ntier: [broken\n---\n",
    "---\ntier: C\n---\n| Date | Notes |\n|---|---|\n| [[2026-09-01]] | call with [[Bobby]] |\n",
]
DAILY = ["Met [[Jane Doe]] and [[Bob Stone]] for lunch.\n", "- [ ] call [[Ann Lee]]\n", "%% [[Jane Doe]] %%\n",
         "Talked to [[Мария Петрова]] #ask\n"]
step = st.one_of(
    st.tuples(st.just("person"), st.sampled_from(PEOPLE), st.sampled_from(BODIES)),
    st.tuples(st.just("daily"), st.sampled_from(["2026-11-10", "2026-11-18", "2026-11-21"]), st.sampled_from(DAILY)),
    st.tuples(st.just("delete"), st.sampled_from([*PEOPLE, "2026-11-18"]), st.just("")),
    st.tuples(st.just("dup"), st.sampled_from(PEOPLE), st.just("---\ntier: D\n---\n")),
    st.tuples(st.just("conflict"), st.sampled_from(PEOPLE), st.just("---\ntier: A\n---\n")),
)


def due(analysis: Analysis) -> dict[str, Any]:
    return due_object(shown_of(analysis), analysis.config, analysis.today)


def apply(vault: Path, kind: str, name: str, body: str) -> frozenset[str]:
    """Apply one edit; returns the vault-relative paths it touched (what the daemon's events say)."""
    if kind == "delete":
        gone = frozenset({f"People/{name}.md", f"Daily/{name}.md", f"People/{name}.sync-conflict-20261120-101010.md"})
        for rel in gone:
            (vault / rel).unlink(missing_ok=True)
        return gone
    rel = {"person": f"People/{name}.md", "daily": f"Daily/{name}.md", "dup": f"Work/People/{name}.md",
           "conflict": f"People/{name}.sync-conflict-20261120-101010.md"}[kind]
    (vault / rel).parent.mkdir(parents=True, exist_ok=True)
    (vault / rel).write_text(body, encoding="utf-8")
    return frozenset({rel})


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(step, min_size=1, max_size=8))
def test_session_results_equal_fresh_results(tmp_path_factory, monkeypatch, steps) -> None:
    vault = tmp_path_factory.mktemp("vault")
    (vault / ".obsidian").mkdir()
    for name in PEOPLE[:2]:
        apply(vault, "person", name, BODIES[0])
    memory = Cache(vault, keep=True)
    with memory:
        analyse(vault, TODAY, memory=memory)
    for kind, name, body in steps:
        changed = apply(vault, kind, name, body)
        with memory:
            with_session = due(analyse(vault, TODAY, memory=memory, changed=changed))
        with monkeypatch.context() as patch:
            patch.setenv("VAULTCRM_NO_CACHE", "1")
            fresh = due(analyse(vault, TODAY))
        assert with_session == fresh


def test_an_edit_within_the_same_tick_is_still_seen(tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    (vault / "People").mkdir(parents=True)
    note = vault / "People/Jane Doe.md"
    note.write_text("---\ntier: A\nlast_contact: 2026-10-01\n---\n")
    stamp = note.stat().st_mtime_ns
    memory = Cache(vault, keep=True)
    with memory:
        first = due(analyse(vault, TODAY, memory=memory))
    note.write_text("---\ntier: A\nlast_contact: 2026-11-21\n---\n")  # same size, same timestamp
    os.utime(note, ns=(stamp, stamp))
    with memory:
        again = due(analyse(vault, TODAY, memory=memory))
    assert first["reminders"] and not again["reminders"]


def session_sync(vault: Path, memory: Cache, changed: frozenset[str] | None = None) -> SyncReport:
    with memory:
        return sync(vault, TODAY, dry_run=True, memory=memory, changed=changed)


def shown(report: SyncReport) -> tuple[str, list[dict[str, Any]]]:
    return report.text, [p.as_dict() for p in report.problems]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(step, min_size=1, max_size=8))
def test_session_syncs_equal_plain_syncs(tmp_path_factory, monkeypatch, steps) -> None:
    """The daemon's syncs, made by difference from the last one's results when they can, write what a
    plain sync writes."""
    vault = tmp_path_factory.mktemp("vault")
    (vault / ".obsidian").mkdir()
    for name in PEOPLE[:3]:
        apply(vault, "person", name, BODIES[1])
    apply(vault, "daily", "2026-11-21", DAILY[0])
    memory = Cache(vault, keep=True)
    session_sync(vault, memory)
    for kind, name, body in steps:
        with_session = shown(session_sync(vault, memory, apply(vault, kind, name, body)))
        with monkeypatch.context() as patch:
            patch.setenv("VAULTCRM_NO_CACHE", "1")
            assert with_session == shown(sync(vault, TODAY, dry_run=True))


def test_a_session_sync_after_an_edit_evaluates_only_the_contacts_it_touches(
        tmp_path: Path, evaluations: list[list[str]], monkeypatch: pytest.MonkeyPatch) -> None:
    vault = tmp_path / "vault"
    (vault / ".obsidian").mkdir(parents=True)
    for name in PEOPLE:
        apply(vault, "person", name, BODIES[0])
    apply(vault, "daily", "2026-11-21", DAILY[0])
    age(vault)  # (a note saved within the racy window is read again at every sync)
    memory = Cache(vault, keep=True)
    assert session_sync(vault, memory).analysis is not None  # the first sync analyses everything
    report = session_sync(vault, memory, apply(vault, "daily", "2026-11-21", DAILY[3]))
    assert report.analysis is None  # made by difference
    assert evaluations == [["People/Bob Stone.md", "People/Jane Doe.md", "People/Мария Петрова.md"]]
    with monkeypatch.context() as patch:
        patch.setenv("VAULTCRM_NO_CACHE", "1")
        assert shown(report) == shown(sync(vault, TODAY, dry_run=True))
    assert session_sync(vault, memory, apply(vault, "daily", "2026-11-22", DAILY[1])).analysis is not None  # a new note


def test_the_daemon_keeps_the_calendar_fresh_after_a_sync_by_difference(tmp_path: Path) -> None:
    from vaultcrm.daemon.loop import PipelineSync

    vault = tmp_path / "vault"
    (vault / ".vaultcrm").mkdir(parents=True)
    (vault / ".vaultcrm/config.toml").write_text('ics = "CRM/reminders.ics"\n')
    for name in PEOPLE:
        apply(vault, "person", name, BODIES[0])
    run = PipelineSync()
    run(vault, TODAY, None)
    calendar = vault / "CRM/reminders.ics"
    assert "send the deck" not in calendar.read_text("utf-8")
    run(vault, TODAY, apply(vault, "person", "Ann Lee", BODIES[0] + "- [ ] send the deck 📅 2026-11-24\n"))
    assert "send the deck" in calendar.read_text("utf-8")


def test_a_session_sync_that_cannot_be_made_by_difference_reads_the_changed_note_once(
        tmp_path: Path, parses: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    vault = tmp_path / "vault"
    (vault / ".obsidian").mkdir(parents=True)
    for name in PEOPLE[:2]:
        apply(vault, "person", name, BODIES[0])
    apply(vault, "daily", "2026-11-21", DAILY[0])
    age(vault)
    memory = Cache(vault, keep=True)
    session_sync(vault, memory)
    parses.clear()
    changed = apply(vault, "daily", "2026-11-21", "---\ntags: [person]\n---\nNow a contact.\n")
    report = session_sync(vault, memory, changed)
    assert report.analysis is not None  # a note that became a contact: everything analysed
    assert parses == ["Daily/2026-11-21.md"]
    with monkeypatch.context() as patch:
        patch.setenv("VAULTCRM_NO_CACHE", "1")
        assert shown(report) == shown(sync(vault, TODAY, dry_run=True))
