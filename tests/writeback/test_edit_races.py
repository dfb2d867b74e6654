"""Another program saving a note while vaultcrm edits it: an editor's truncate-then-write, a save in
place or by rename at every step of the edit. Neither side's bytes may be lost in silence."""
from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vaultcrm.errors import NotOursError
from vaultcrm.writeback import atomic as write
from vaultcrm.writeback.edit import apply_edit, log_line, touch_note

JANE = "People/Jane Doe.md"
JANE_TEXT = "---\ntier: A\nlast_touch: 2026-10-01\n---\n# Jane Doe\n\n## Log\n\n- 2026-10-01 — coffee\n"
DASH = "CRM/Due this week.md"
DAY = date(2026, 11, 22)


def touch(data: bytes) -> bytes:
    return touch_note(data, ["lasttouch"], DAY, "Log", log_line(DAY))


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def save_in_place(path: Path, data: bytes) -> None:
    with open(path, "r+b") as handle:
        handle.truncate(0)
        handle.write(data)


def save_by_rename(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".editor-save")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def test_touch_during_an_editors_truncated_save_refuses_and_keeps_the_editors_bytes(make_vault, run):
    vault = make_vault({JANE: JANE_TEXT})
    path = vault / JANE
    ino = path.stat().st_ino
    typed = (JANE_TEXT + "- 2026-11-20 — lunch, typed in Obsidian\n").encode()
    fd = os.open(path, os.O_WRONLY | os.O_TRUNC)  # the editor's save has begun: the file is empty
    try:
        result = run(vault, "touch", "Jane Doe")
        assert result.exit_code == 5, result.output
        assert "empty or being saved" in result.stderr
        assert path.stat().st_ino == ino and path.read_bytes() == b""
        os.write(fd, typed)  # the editor finishes its save
    finally:
        os.close(fd)
    assert path.read_bytes() == typed
    assert leftovers(path.parent) == []
    assert run(vault, "touch", "Jane Doe").exit_code == 0  # once saved, the touch goes through
    assert path.read_bytes().startswith(typed.replace(b"2026-10-01\n---", b"2026-11-22\n---")[:40])
    assert b"lunch, typed in Obsidian\n- 2026-11-22\n" in path.read_bytes()


def test_touch_waits_for_an_empty_note_the_editor_is_filling(make_vault, run):
    vault = make_vault({JANE: JANE_TEXT})
    path = vault / JANE
    fd = os.open(path, os.O_WRONLY | os.O_TRUNC)

    def finish() -> None:
        time.sleep(0.3)
        os.write(fd, JANE_TEXT.encode())
        os.close(fd)

    writer = threading.Thread(target=finish)
    writer.start()
    result = run(vault, "touch", "Jane Doe")
    writer.join()
    assert result.exit_code == 0, result.output
    text = path.read_text()
    assert text.startswith("---\ntier: A\nlast_touch: 2026-11-22\n---\n# Jane Doe\n")
    assert text.endswith("- 2026-10-01 — coffee\n- 2026-11-22\n")


def test_a_tick_during_an_editors_truncated_save_keeps_the_tick_and_the_dashboard(make_vault, run):
    vault = make_vault({JANE: JANE_TEXT})
    assert run(vault, "sync").exit_code == 0
    dash = vault / DASH
    dash.write_text(dash.read_text().replace("- [ ] [[People/Jane Doe|", "- [x] [[People/Jane Doe|", 1))
    ticked = dash.read_bytes()
    path = vault / JANE
    fd = os.open(path, os.O_WRONLY | os.O_TRUNC)
    try:
        result = run(vault, "sync")
        assert result.exit_code == 5, result.output
        assert path.read_bytes() == b"" and dash.read_bytes() == ticked
        os.write(fd, JANE_TEXT.encode())
    finally:
        os.close(fd)
    assert run(vault, "sync").exit_code == 0
    assert path.read_text().endswith("- 2026-10-01 — coffee\n- 2026-11-22 — caught up (every 14 days)\n")


@pytest.mark.parametrize("save", [save_in_place, save_by_rename])
def test_a_save_between_the_last_check_and_the_rename_is_kept(tmp_path, monkeypatch, save):
    path = tmp_path / "Jane Doe.md"
    path.write_bytes(JANE_TEXT.encode())
    theirs = (JANE_TEXT + "- 2026-11-21 — typed meanwhile\n").encode()
    calls: list[Path] = []

    def saves_once(target: Path) -> None:
        if not calls:
            save(target, theirs)
        calls.append(target)

    monkeypatch.setattr(write, "before_rename", saves_once)
    result = apply_edit(path, touch)
    assert len(calls) == 2
    assert path.read_bytes() == result.new == touch(theirs)
    assert leftovers(tmp_path) == []


def test_without_an_atomic_swap_bytes_written_in_place_are_put_back(tmp_path, monkeypatch):
    monkeypatch.setattr(write, "_swap", None)
    path = tmp_path / "Jane Doe.md"
    path.write_bytes(JANE_TEXT.encode())
    theirs = (JANE_TEXT + "- 2026-11-21 — typed meanwhile\n").encode()
    calls: list[Path] = []

    def writes_into_the_open_file(target: Path) -> None:
        if not calls:
            save_in_place(target, theirs)
        calls.append(target)

    monkeypatch.setattr(write, "before_rename", writes_into_the_open_file)
    result = apply_edit(path, touch)
    assert path.read_bytes() == result.new == touch(theirs)
    assert leftovers(tmp_path) == []


STEPS = ("before_replace", "before_rename")
Save = tuple[str, str, int]  # (step, "place" or "rename", attempt)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(saves=st.lists(st.tuples(st.sampled_from(STEPS), st.sampled_from(["place", "rename"]),
                                st.integers(0, 1)), max_size=4, unique_by=lambda s: (s[0], s[2])),
       swap=st.booleans())
def test_interleaved_saves_never_lose_either_side(tmp_path_factory, monkeypatch, saves: list[Save], swap: bool):
    """Whatever another program saves, in place or by rename, at any step of either attempt: the note
    ends as that program's last save with vaultcrm's edit on top, or as its last save untouched and
    the edit refused with a message. (Without an atomic swap, a rename-save in the last moment before
    vaultcrm's rename cannot be caught; those draws are left out.)"""
    if not swap:
        saves = [s for s in saves if not (s[0] == "before_rename" and s[1] == "rename")]
    folder = tmp_path_factory.mktemp("race")
    path = folder / "Jane Doe.md"
    path.write_bytes(JANE_TEXT.encode())
    last = [JANE_TEXT.encode()]
    attempt = {"before_replace": 0, "before_rename": 0}

    def hook(step: str) -> Callable[[Path], None]:
        def call(target: Path) -> None:
            for when, how, at in saves:
                if when == step and at == attempt[step]:
                    data = last[-1] + f"- save {len(last)}\n".encode()
                    (save_in_place if how == "place" else save_by_rename)(target, data)
                    last.append(data)
            attempt[step] += 1
        return call

    with monkeypatch.context() as patch:
        if not swap:
            patch.setattr(write, "_swap", None)
        for step in STEPS:
            patch.setattr(write, step, hook(step))
        try:
            result: Any = apply_edit(path, touch)
        except NotOursError as exc:
            assert "changed while vaultcrm was editing it" in exc.message
            assert path.read_bytes() == last[-1]
        else:
            assert path.read_bytes() == result.new == touch(last[-1])
    assert leftovers(folder) == []


def test_a_version_that_must_be_kept_gets_a_visible_conflict_copy_name(tmp_path, monkeypatch):
    """Two programs at once: one writes into the note in place just before vaultcrm's rename, another
    renames its own file over the note just after. The bytes written into the replaced file are kept
    as a conflict copy beside the note (never as a hidden temporary file, which would be tidied away)."""
    monkeypatch.setattr(write, "_swap", None)
    path = tmp_path / "Jane Doe.md"
    path.write_bytes(JANE_TEXT.encode())
    in_place = (JANE_TEXT + "- 2026-11-21 — written in place\n").encode()
    renamed = (JANE_TEXT + "- 2026-11-21 — saved by rename\n").encode()
    monkeypatch.setattr(write, "before_rename", lambda target: save_in_place(target, in_place))
    real = write._temp_copy
    calls: list[Path] = []

    def second_program_saves(target: Path, data: bytes, mode: int, **kwargs: Any) -> Path:
        calls.append(target)
        if len(calls) == 2:  # vaultcrm is putting the in-place bytes back: a rename-save lands first
            save_by_rename(target, renamed)
        return real(target, data, mode, **kwargs)

    monkeypatch.setattr(write, "_temp_copy", second_program_saves)
    with pytest.raises(NotOursError) as info:
        apply_edit(path, touch)
    kept = [p for p in tmp_path.iterdir() if "(vaultcrm conflicted copy " in p.name]
    assert len(kept) == 1 and kept[0].name in info.value.message
    assert kept[0].read_bytes() == in_place and path.read_bytes() == renamed
    assert leftovers(tmp_path) == []
