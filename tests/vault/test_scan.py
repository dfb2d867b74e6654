"""The scan as a unit: which files of a vault are notes, in what order, and what it lists as problems."""
from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vaultcrm.config import Config, build_config
from vaultcrm.vault.scan import NotePaths, rescan, scan

FILES = {
    "People/Jane Doe.md": "x", "People/notes.txt": "x", "People/.hidden.md": "x", "People/draft.md.tmp": "x",
    ".obsidian/workspace.md": "x", ".trash/Old.md": "x", "Templates/Person.md": "x",
    "CRM/Due this week.md": "x", "Archive/2019/Old.md": "x", "Daily/2026-11-20.md": "x",
    "People/Jane Doe.sync-conflict-20261120-101010-ABC.md": "x", "Inbox/Idea (Conflicted copy 2026-11-20).md": "x",
}


@pytest.mark.parametrize(("exclude", "archived"), [(["Archive/**"], []), ([], ["Archive/2019/Old.md"])])
def test_the_scan_finds_the_notes_and_lists_conflict_copies(exclude: list[str], archived: list[str],
                                                            make_vault: Callable[..., Path]) -> None:
    vault = make_vault(FILES)
    found = scan(vault, build_config({"exclude": exclude}))
    assert [f.path for f in found.files] == [*archived, "Daily/2026-11-20.md", "People/Jane Doe.md"]
    assert [p.note for p in found.problems] == ["Inbox/Idea (Conflicted copy 2026-11-20).md",
                                                "People/Jane Doe.sync-conflict-20261120-101010-ABC.md"]
    assert all(f.size == 1 and f.inode > 0 for f in found.files)


def test_an_unreadable_folder_is_a_problem_not_a_crash(make_vault: Callable[..., Path]) -> None:
    vault = make_vault({"People/Jane Doe.md": "x"})
    (vault / "Broken").symlink_to(vault / "missing")  # a dangling link is not a note, and no problem
    found = scan(vault, Config())
    assert [f.path for f in found.files] == ["People/Jane Doe.md"] and found.problems == []


PARTS = st.sampled_from(["People", "Templates", "Archive", ".obsidian", "CRM", "crm", "a", "Jane Doe",
                        "x.sync-conflict-1", "f.md"])
NAMES = st.sampled_from(["Jane.md", "Due this week.md", "DUE THIS WEEK.md", ".h.md", "n.txt", "n.md.tmp",
                         "Jane (Conflicted copy).md", "Jane.sync-conflict-2.md", "N.MD"])


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(paths=st.lists(st.tuples(st.lists(PARTS, max_size=3), NAMES).map(lambda t: "/".join([*t[0], t[1]])),
                      max_size=12, unique=True),
       exclude=st.sampled_from([[], ["Archive/**"]]),
       dashboard=st.sampled_from(["CRM/Due this week.md", "Due this week.md", "a/crm/Due this week.md"]))
def test_the_scan_and_the_daemon_agree_on_what_a_note_is(tmp_path_factory, paths: list[str],
                                                         exclude: list[str], dashboard: str) -> None:
    """NotePaths decides for both: a path the daemon hears about is a note exactly when the scan
    would list it, and rescanning it gives what a fresh scan gives."""
    vault = tmp_path_factory.mktemp("vault")
    config = build_config({"exclude": exclude, "dashboard": dashboard})
    written = []
    for rel in paths:
        target = vault / rel
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text("x")
            written.append(rel)
        except (FileExistsError, NotADirectoryError, IsADirectoryError):
            continue
    found = scan(vault, config)
    decided = NotePaths(config)
    assert {f.path for f in found.files} == {rel for rel in written if decided.is_note_path(rel)}
    assert {p.note for p in found.problems} == {rel for rel in written if decided.is_conflict_copy(rel)}
    assert rescan(vault, config, scan(tmp_path_factory.mktemp("empty"), config), frozenset(written)) == found


def test_a_move_heard_only_at_its_destination_lists_the_note_once(make_vault: Callable[..., Path]) -> None:
    """A file event for the old path may never come (its folder was not watched yet, the two halves of
    a rename were reported apart): the note, known by its inode, is listed at its new path only."""
    vault = make_vault({"People/Jane Doe.md": "x", "People/Bob.md": "y", "Inbox/Linked.md": "z"})
    config = Config()
    before = scan(vault, config)
    (vault / "Archive").mkdir()
    (vault / "People/Jane Doe.md").rename(vault / "Archive/Jane Doe.md")
    os.link(vault / "People/Bob.md", vault / "Inbox/Bob.md")  # a second name for a file that stays
    found = rescan(vault, config, before, frozenset({"Archive/Jane Doe.md", "Inbox/Bob.md"}))
    assert found == scan(vault, config)
    assert [f.path for f in found.files] == ["Archive/Jane Doe.md", "Inbox/Bob.md", "Inbox/Linked.md", "People/Bob.md"]
