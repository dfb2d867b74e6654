"""The daemon's memory of the vault between syncs gives exactly what a fresh, plain analysis gives."""
from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vaultcrm.cache import Cache
from vaultcrm.crm.analysis import Analysis
from vaultcrm.dashboard.due import due_object
from vaultcrm.dashboard.results import shown_of
from vaultcrm.pipeline import analyse

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
