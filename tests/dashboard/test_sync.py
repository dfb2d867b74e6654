"""`vaultcrm sync`: the generated note and every guard of behaviour §5, with byte-level assertions.

Writes are observed at the level a sync client sees them: bytes, mtime_ns, inode and mode bits, and
the directory listing in the middle of a write (through the seam `atomic.before_replace`).
"""
from __future__ import annotations

import errno
import hashlib
import os
import re
import shutil
import stat
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
import yaml
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from mdit_py_plugins.front_matter import front_matter_plugin

from tests.conftest import wikilink_rule, write_files
from vaultcrm.cli import main
from vaultcrm.config import load_config
from vaultcrm.dashboard import render
from vaultcrm.vault.scan import scan
from vaultcrm.writeback import atomic

DASH = "CRM/Due this week.md"

# Today is 2026-11-22, the horizon ends 2026-11-28.
BASE = {
    # cadence: last touch 2026-11-01 + 14 days = 2026-11-15 -> 7 days overdue
    "People/Jane Doe.md": "---\ntier: A\nlast_contact: 2026-11-01\n---\n# Jane\n\n## Log\n"
                          "- 2026-11-01 — Coffee; she is moving to Lisbon\n",
    # cadence: 2026-11-10 + 14 = 2026-11-24 -> due this week
    "People/Bob Smith.md": "---\ntier: A\nlast_contact: 2026-11-10\n---\n",
    # followup: met 2026-11-20 -> due 2026-11-21
    "People/Carol.md": "---\nmet: 2026-11-20\nhow_met: Platform Day\n---\n",
    # occasion: birthday on 2026-11-25 (no tier: no cadence reminder)
    "People/Dan.md": "---\nbirthday: 11-25\n---\n",
    "Daily/2026-11-21.md": "- Groceries\n",
}
BASE_SUMMARY = "1 overdue · 1 due · 1 follow-up · 1 occasion · 4 contacts · wrote CRM/Due this week.md"
SUMMARY_RE = re.compile(r"^\d+ overdue · \d+ due · \d+ follow-ups? · \d+ occasions? · \d+ contacts? · "
                        r"(wrote CRM/Due this week\.md|unchanged)$")


def cli(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def sync(vault: Path, *args: str) -> Result:
    return cli("sync", "--vault", str(vault), *args)


def one_error_line(result: Result) -> str:
    """The error as the user sees it: one line on stderr starting `Error:`, never a traceback."""
    assert "Traceback" not in result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, result.stderr
    return errors[0]


def snapshot(path: Path) -> tuple[bytes, int, int, int]:
    st_ = os.stat(path)
    return path.read_bytes(), st_.st_mtime_ns, st_.st_ino, st_.st_mode


def tree(root: Path) -> dict[str, bytes | None]:
    """Every file and folder under root (folders as None), symlinks not followed."""
    out: dict[str, bytes | None] = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs:
            out[os.path.relpath(os.path.join(folder, name), root)] = None
        for name in files:
            path = os.path.join(folder, name)
            out[os.path.relpath(path, root)] = None if os.path.islink(path) else Path(path).read_bytes()
    return out


@pytest.fixture
def vault(make_vault: Callable[..., Path]) -> Path:
    return make_vault(BASE)


@pytest.fixture
def synced(vault: Path) -> Path:
    result = sync(vault)
    assert result.exit_code == 0, result.output
    return vault


STAMP_RE = re.compile(r"\n%% vaultcrm · contacts: (\d+) · body: (sha256:[0-9a-f]{64}) · [^\n]*%%\n$")


def split_note(text: str) -> tuple[dict[str, Any], str, int, str]:
    """(properties, body, contact count, body hash) of a dashboard: the count and the hash are in the
    comment line that closes it."""
    assert text.startswith("---\n")
    end = text.index("\n---\n", 4)
    stamp = STAMP_RE.search(text)
    assert stamp is not None, text[-300:]
    return yaml.safe_load(text[4:end]), text[end + 5:stamp.start()], int(stamp[1]), stamp[2]


# ---------------------------------------------------------------------------------------------
# The note and the summary line
# ---------------------------------------------------------------------------------------------

def test_first_sync_writes_the_note_and_prints_the_summary(vault: Path) -> None:
    result = sync(vault)
    assert result.exit_code == 0, result.output
    assert result.stdout == BASE_SUMMARY + "\n"
    text = (vault / DASH).read_text("utf-8")
    props, body, contacts, digest = split_note(text)
    assert props == {"vaultcrm": "generated"}  # one quiet row in Obsidian's Properties
    assert contacts == 4
    assert digest == "sha256:" + hashlib.sha256(body.encode("utf-8")).hexdigest()
    assert "\r" not in text and text.endswith("\n")


def test_every_reminder_is_a_task_line_linking_its_note(vault: Path) -> None:
    sync(vault)
    text = (vault / DASH).read_text("utf-8")
    tasks = [line for line in text.splitlines() if line.startswith("- [ ] ")]
    assert len(tasks) == 4
    for path in ("People/Jane Doe", "People/Bob Smith", "People/Carol", "People/Dan"):
        name = path.split("/")[1]
        assert sum(line.startswith(f"- [ ] [[{path}|{name}]] — ") for line in tasks) == 1, (path, tasks)


def test_last_time_text_follows_the_reason(vault: Path) -> None:
    sync(vault)
    jane = next(line for line in (vault / DASH).read_text("utf-8").splitlines() if "[[People/Jane Doe|" in line)
    assert jane == ("- [ ] [[People/Jane Doe|Jane Doe]] — **7 days late** · every 14 days · last "
                    "[[People/Jane Doe|1 Nov]] “Coffee; she is moving to…”")  # cut at a word to fit two phone lines


def test_summary_line_pluralises(make_vault: Callable[..., Path]) -> None:
    vault = make_vault({
        "People/A.md": "---\nmet: 2026-11-20\n---\n", "People/B.md": "---\nmet: 2026-11-21\n---\n",
        "People/C.md": "---\nbirthday: 11-23\n---\n", "People/D.md": "---\nbirthday: 11-24\n---\n",
        "People/E.md": "---\ntier: A\nlast_contact: 2026-10-01\n---\n",
        "People/F.md": "---\ntier: A\nlast_contact: 2026-10-02\n---\n",
        "People/G.md": "---\ntier: A\nlast_contact: 2026-11-12\n---\n",
        "People/H.md": "---\ntier: A\nlast_contact: 2026-11-13\n---\n",
    })
    result = sync(vault)
    assert result.stdout == ("2 overdue · 2 due · 2 follow-ups · 2 occasions · 8 contacts · "
                             "wrote CRM/Due this week.md\n")
    assert SUMMARY_RE.match(result.stdout.strip())


def test_summary_with_one_contact_and_nothing_due(make_vault: Callable[..., Path]) -> None:
    vault = make_vault({"People/A.md": "---\ntier: A\nlast_contact: 2026-11-20\n---\n"})
    result = sync(vault)
    assert result.exit_code == 0
    assert SUMMARY_RE.match(result.stdout.strip()), result.stdout
    assert result.stdout.startswith("0 overdue · 0 due · 0 follow-ups · 0 occasions · 1 contact")


def test_the_chart_counts_the_people_listed_beside_it(vault: Path) -> None:
    sync(vault)
    text = (vault / DASH).read_text("utf-8")
    tokens = MarkdownIt("commonmark").use(front_matter_plugin).parse(text)
    charts = [t for t in tokens if t.type == "fence" and t.info.strip() == "mermaid"]
    assert len(charts) == 1
    chart = charts[0].content
    slices = dict(re.findall(r'^\s+"([^"]+)" : (\d+)$', chart, re.MULTILINE))
    # Carol (a follow-up a day late) and Jane (7 days late) today; Bob and Dan's birthday later this week.
    assert slices == {"Going cold": "0", "Late": "2", "Today": "0", "Later this week": "2",
                      "On track": "0"}
    today, later = text.split("## Later this week")
    assert today.count("- [ ] ") == 2 and later.split("## This week")[0].count("- [ ] ") == 2
    # Every category has its own colour, whatever the counts: Mermaid colours slices by their order.
    assert re.search(r'"pie1": "#4dabf7", "pie2": "#ff6b6b", "pie3": "#ffa94d", "pie4": "#ffd43b", '
                     r'"pie5": "#69db7c"', chart.splitlines()[0])


def test_a_chart_that_would_add_nothing_is_one_line_of_text(make_vault: Callable[..., Path]) -> None:
    vault = make_vault({"People/A.md": "---\ntier: A\nlast_contact: 2026-11-20\n---\n",
                        "People/B.md": "---\ntier: A\nlast_contact: 2026-11-21\n---\n"})
    sync(vault)
    text = (vault / DASH).read_text("utf-8")
    assert "```mermaid" not in text and "\n2 on track\n" in text


def test_dashboard_is_never_read_as_a_note(make_vault: Callable[..., Path]) -> None:
    # A dashboard put where daily notes live would make every linked contact "touched today".
    files = dict(BASE)
    files[".vaultcrm/config.toml"] = 'dashboard = "Daily/2026-11-22.md"\n'
    vault = make_vault(files)
    first = sync(vault)
    assert first.exit_code == 0, first.output
    second = sync(vault)
    assert second.exit_code == 0, second.output
    assert second.stdout == first.stdout.replace("wrote Daily/2026-11-22.md", "unchanged")


# ---------------------------------------------------------------------------------------------
# Atomic write
# ---------------------------------------------------------------------------------------------

TMP_RE = re.compile(r"^\.Due this week\.md\..*\.tmp$")


def test_mid_write_only_a_hidden_tmp_sits_beside_the_old_note(synced: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    note = synced / DASH
    old = note.read_bytes()
    seen: dict[str, Any] = {}

    def observe(target: Path) -> None:
        seen["target"] = target
        seen["listing"] = sorted(os.listdir(target.parent))
        seen["bytes"] = target.read_bytes()
        seen["scan"] = [f.path for f in scan(synced, load_config(synced)).files]

    monkeypatch.setattr(atomic, "before_replace", observe)
    (synced / "People/Eve.md").write_text("---\ntier: A\n---\n", "utf-8")
    result = sync(synced)
    assert result.exit_code == 0, result.output
    assert seen["target"] == note
    assert seen["bytes"] == old                     # readers still see the old note, whole
    assert len(seen["listing"]) == 2 and "Due this week.md" in seen["listing"]
    (tmp,) = [n for n in seen["listing"] if n != "Due this week.md"]
    assert TMP_RE.match(tmp), tmp
    assert not any(p.endswith(".tmp") or "/." in "/" + p for p in seen["scan"])
    assert sorted(seen["scan"]) == sorted([*BASE, "People/Eve.md"])
    assert sorted(os.listdir(note.parent)) == ["Due this week.md"]
    assert note.read_bytes() != old


def test_first_write_mid_write_shows_only_the_tmp(vault: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[list[str]] = []
    monkeypatch.setattr(atomic, "before_replace", lambda t: seen.append(sorted(os.listdir(t.parent))))
    assert sync(vault).exit_code == 0
    assert len(seen) == 1 and len(seen[0]) == 1 and TMP_RE.match(seen[0][0])


@pytest.mark.parametrize("failure", [OSError(errno.ENOSPC, "No space left on device"),
                                     OSError(errno.EIO, "Input/output error")])
def test_failed_write_leaves_the_old_note_and_no_temp(synced: Path, monkeypatch: pytest.MonkeyPatch,
                                                      failure: OSError) -> None:
    note = synced / DASH
    before = snapshot(note)

    def explode(target: Path) -> None:
        raise failure

    monkeypatch.setattr(atomic, "before_replace", explode)
    (synced / "People/Eve.md").write_text("---\ntier: A\n---\n", "utf-8")
    result = sync(synced)
    assert result.exit_code != 0
    one_error_line(result)
    assert snapshot(note) == before
    assert os.listdir(note.parent) == ["Due this week.md"]


def test_failed_first_write_creates_no_note(vault: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(target: Path) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic, "before_replace", explode)
    result = sync(vault)
    assert result.exit_code != 0
    assert not (vault / DASH).exists()
    assert [n for n in os.listdir(vault / "CRM") if n.endswith(".tmp")] == []


def test_edit_made_during_the_sync_is_not_overwritten(synced: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Obsidian autosaves while the user types into the note; the guard must hold at the moment of the
    # rename, not only when the sync started (compare-and-swap, as the write-back edits do).
    note = synced / DASH

    def user_types(target: Path) -> None:
        with open(target, "ab") as handle:
            handle.write(b"typed while vaultcrm was rendering\n")

    monkeypatch.setattr(atomic, "before_replace", user_types)
    (synced / "People/Eve.md").write_text("---\ntier: A\n---\n", "utf-8")
    result = sync(synced)
    assert b"typed while vaultcrm was rendering" in note.read_bytes()
    assert result.exit_code == 5, result.output
    assert [n for n in os.listdir(note.parent) if n.endswith(".tmp")] == []


def test_rewrite_keeps_mode_bits(synced: Path) -> None:
    note = synced / DASH
    os.chmod(note, 0o640)
    before = os.stat(note)
    (synced / "People/Eve.md").write_text("---\ntier: A\n---\n", "utf-8")
    assert sync(synced).exit_code == 0
    after = os.stat(note)
    assert after.st_ino != before.st_ino            # replaced by rename, not rewritten in place
    assert stat.S_IMODE(after.st_mode) == 0o640


def test_new_note_mode_follows_umask(vault: Path) -> None:
    old = os.umask(0o027)
    try:
        assert sync(vault).exit_code == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(vault / DASH).st_mode) == 0o640


# ---------------------------------------------------------------------------------------------
# Write only when the bytes change
# ---------------------------------------------------------------------------------------------

def test_second_sync_is_unchanged_and_touches_nothing(synced: Path) -> None:
    note = synced / DASH
    before = snapshot(note)
    result = sync(synced)
    assert result.exit_code == 0
    assert result.stdout == BASE_SUMMARY.replace("wrote CRM/Due this week.md", "unchanged") + "\n"
    assert snapshot(note) == before


def test_unrelated_edit_elsewhere_leaves_the_note_alone(synced: Path) -> None:
    note = synced / DASH
    before = snapshot(note)
    (synced / "Ideas.md").write_text("# Ideas\nnothing about people\n", "utf-8")
    assert sync(synced).stdout.strip().endswith("· unchanged")
    assert snapshot(note) == before


def test_same_vault_gives_same_bytes(vault: Path) -> None:
    sync(vault)
    first = (vault / DASH).read_bytes()
    (vault / DASH).unlink()
    sync(vault)
    assert (vault / DASH).read_bytes() == first


def test_copies_of_a_vault_give_identical_bytes(make_vault: Callable[..., Path]) -> None:
    one, two = make_vault(BASE, name="one"), make_vault(dict(reversed(list(BASE.items()))), name="two")
    sync(one), sync(two)
    assert (one / DASH).read_bytes() == (two / DASH).read_bytes()


_DET_FILES = {
    **BASE,
    "People/Zoë.md": "---\ntier: B\n---\n",
    "People/zoe.md": "---\ntier: B\nlast_contact: 2026-10-20\n---\n",
    "People/Ann.md": "---\ntier: A\nlast_contact: 2026-11-08\n---\n",
    "People/ann b.md": "---\ntier: A\nlast_contact: 2026-11-08\n---\n",
    "Work/Ed.md": "---\ntype: person\ntier: C\n---\n- [ ] call [[Jane Doe]] 📅 2026-11-23\n",
    "Daily/2026-11-18.md": "- lunch with [[Bob Smith]] and [[Ann]] #give\n",
    "Daily/2026-11-19.md": "- [[Zoë]] asked for an intro #ask\n",
    "Meetings/2026-11-17 Sync.md": "---\nattendees: [\"[[Ed]]\"]\n---\n",
    "People/Broken.md": "---\ntier: A\ntier: B\n---\n",
    "People/Jane Doe.sync-conflict-20261101-120000-ABC.md": "---\ntier: A\n---\n",
}


def _dashboard_for(order: list[str], root: Path) -> bytes:
    (root / ".obsidian").mkdir(parents=True)
    for rel in order:
        write_files(root, {rel: _DET_FILES[rel]})
    result = sync(root)
    assert result.exit_code == 0, result.output
    return (root / DASH).read_bytes()


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.permutations(sorted(_DET_FILES)))
def test_file_creation_order_never_changes_the_bytes(order: list[str]) -> None:
    with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
        reference = _dashboard_for(sorted(_DET_FILES), Path(a) / "vault")
        assert _dashboard_for(order, Path(b) / "vault") == reference


# ---------------------------------------------------------------------------------------------
# Ownership: the marker and the body hash
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("content", [
    "# My weekly plan\n\n- [ ] call mum\n",
    "---\ntags: [plan]\n---\n# My weekly plan\n",
    "---\nvaultcrm: mine\n---\n# Mine\n",
    "---\nvaultcrm: generated\nvaultcrm: generated\n---\nbroken\n",
    "",
])
def test_existing_note_without_the_marker_is_left_alone(make_vault: Callable[..., Path], content: str) -> None:
    vault = make_vault({**BASE, DASH: content})
    before = snapshot(vault / DASH)
    result = sync(vault)
    assert result.exit_code == 5
    assert "vaultcrm: generated" in one_error_line(result)
    assert snapshot(vault / DASH) == before
    assert os.listdir(vault / "CRM") == ["Due this week.md"]


def test_marker_in_body_only_does_not_count(make_vault: Callable[..., Path]) -> None:
    vault = make_vault({**BASE, DASH: "# Notes\nvaultcrm: generated\n"})
    before = snapshot(vault / DASH)
    assert sync(vault).exit_code == 5
    assert snapshot(vault / DASH) == before


def test_a_directory_in_the_way_is_not_ours(make_vault: Callable[..., Path]) -> None:
    vault = make_vault(BASE)
    (vault / DASH).mkdir(parents=True)
    result = sync(vault)
    assert result.exit_code == 5
    one_error_line(result)
    assert (vault / DASH).is_dir()


def test_user_text_is_kept_and_force_replaces_it(synced: Path) -> None:
    note = synced / DASH
    with open(note, "ab") as handle:
        handle.write(b"\nRemember: ask Jane about Lisbon flats\n")
    before = snapshot(note)
    result = sync(synced)
    assert result.exit_code == 5
    message = one_error_line(result)
    assert "--force" in message and "kept" in message
    assert snapshot(note) == before
    assert b"ask Jane about Lisbon flats" in note.read_bytes()

    forced = sync(synced, "--force")
    assert forced.exit_code == 0, forced.output
    assert b"Lisbon flats" not in note.read_bytes()
    assert sync(synced).stdout.strip().endswith("· unchanged")


def test_edited_line_in_the_middle_counts_as_an_edit(synced: Path) -> None:
    note = synced / DASH
    text = note.read_text("utf-8").replace("7 days late", "7 days late (called, no answer)")
    assert "(called, no answer)" in text
    note.write_text(text, "utf-8")
    before = snapshot(note)
    assert sync(synced).exit_code == 5
    assert snapshot(note) == before


def test_edit_in_the_properties_only_is_not_a_body_edit(synced: Path) -> None:
    # The hash covers the body; a sync client re-ordering nothing but property spacing is harmless.
    note = synced / DASH
    note.write_bytes(note.read_bytes().replace(b"vaultcrm: generated", b"vaultcrm:   generated"))
    result = sync(synced)
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("change", [
    lambda text: text + "my own line\n",  # below the stamp
    lambda text: text[:text.rindex("%% vaultcrm")],  # the stamp taken away
    lambda text: text.replace("%% vaultcrm · contacts: 4 · body: sha256:", "%% vaultcrm · contacts: 4 · body: sha256:0"),
])
def test_text_around_the_stamp_counts_as_an_edit(synced: Path, change: Callable[[str], str]) -> None:
    note = synced / DASH
    note.write_text(change(note.read_text("utf-8")), "utf-8")
    before = snapshot(note)
    assert sync(synced).exit_code == 5
    assert snapshot(note) == before


def test_a_dashboard_with_its_count_and_hash_among_the_properties_is_still_ours(synced: Path) -> None:
    """As vaultcrm wrote it before the stamp: rewritten, not refused; its count still guards."""
    note = synced / DASH
    _, body, _, digest = split_note(note.read_text("utf-8"))
    note.write_text(f"---\nvaultcrm: generated\ncontacts: 4\nbody_hash: {digest}\nnote: old\n---\n{body}", "utf-8")
    result = sync(synced)
    assert result.exit_code == 0, result.output
    assert split_note(note.read_text("utf-8"))[0] == {"vaultcrm": "generated"}
    note.write_text(f"---\nvaultcrm: generated\ncontacts: 4\nbody_hash: {digest}\n---\n{body}", "utf-8")
    shutil.rmtree(synced / "People")
    assert sync(synced).exit_code == 4


@pytest.mark.parametrize("mark", ["x", "X"])
def test_a_ticked_box_alone_is_not_an_edit(synced: Path, mark: str) -> None:
    note = synced / DASH
    text = note.read_text("utf-8")
    bob = next(line for line in text.splitlines() if "[[People/Bob Smith|" in line)
    note.write_text(text.replace(bob, bob.replace("- [ ]", f"- [{mark}]", 1)), "utf-8")
    result = sync(synced)
    assert result.exit_code == 0, result.output
    assert "Error" not in result.output


def test_a_ticked_box_is_recorded_as_a_touch_today(synced: Path, due_json: Callable[..., dict[str, Any]]) -> None:
    note = synced / DASH
    text = note.read_text("utf-8")
    bob = next(line for line in text.splitlines() if "[[People/Bob Smith|" in line)
    note.write_text(text.replace(bob, bob.replace("- [ ]", "- [x]", 1)), "utf-8")
    result = sync(synced)
    assert result.exit_code == 0, result.output
    assert "2026-11-22" in (synced / "People/Bob Smith.md").read_text("utf-8")
    data = due_json(synced)
    assert [r for r in data["reminders"] if r["contact"] == "Bob Smith"] == []
    assert "[[People/Bob Smith|" not in note.read_text("utf-8")   # no longer due
    assert "- [x]" not in note.read_text("utf-8")


def test_a_ticked_box_with_typed_text_is_still_an_edit(synced: Path) -> None:
    note = synced / DASH
    text = note.read_text("utf-8").replace("- [ ]", "- [x]", 1) + "my own line\n"
    note.write_text(text, "utf-8")
    before = snapshot(note)
    assert sync(synced).exit_code == 5
    assert snapshot(note) == before
    assert b"2026-11-22" not in (synced / "People/Jane Doe.md").read_bytes()


# ---------------------------------------------------------------------------------------------
# An empty or missing vault never produces an "all clear"
# ---------------------------------------------------------------------------------------------

def test_contacts_gone_refuses_and_allow_empty_writes(synced: Path) -> None:
    note = synced / DASH
    before = snapshot(note)
    shutil.rmtree(synced / "People")
    result = sync(synced)
    assert result.exit_code == 4
    assert "--allow-empty" in one_error_line(result)
    assert snapshot(note) == before

    allowed = sync(synced, "--allow-empty")
    assert allowed.exit_code == 0, allowed.output
    assert split_note(note.read_text("utf-8"))[2] == 0


def test_unmounted_drive_looks_like_an_empty_folder(synced: Path) -> None:
    note = synced / DASH
    before = snapshot(note)
    for child in synced.iterdir():
        if child.name not in ("CRM",):
            shutil.rmtree(child) if child.is_dir() else child.unlink()
    result = sync(synced)
    assert result.exit_code == 4
    assert snapshot(note) == before


def test_first_sync_of_an_empty_vault_writes(make_vault: Callable[..., Path]) -> None:
    vault = make_vault({"Ideas.md": "# nothing yet\n"})
    result = sync(vault)
    assert result.exit_code == 0, result.output
    assert (vault / DASH).exists()


def test_missing_vault_folder(tmp_path: Path) -> None:
    missing = tmp_path / "Vault on USB"
    result = sync(missing)
    assert result.exit_code == 4
    assert "Vault on USB" in one_error_line(result)
    assert not missing.exists()
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------------------------------------
# Never outside the vault, into a dot-folder, through a symlink, or to a non-.md path
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("setting", [
    "../x.md", "sub/../../x.md", "/{tmp}/outside/x.md", ".obsidian/x.md", "CRM/.hidden/x.md", ".x.md",
    "x.txt", "CRM/Due this week", "CRM/Due.md.tmp", "C:\\\\x.md", "", "CRM/../../x.md",
])
def test_dashboard_setting_outside_the_vault_is_a_config_error(make_vault: Callable[..., Path], tmp_path: Path,
                                                               setting: str) -> None:
    vault = make_vault({**BASE, ".vaultcrm/config.toml": f'dashboard = "{setting.format(tmp=str(tmp_path)[1:])}"\n'})
    (tmp_path / "outside").mkdir()
    before = tree(tmp_path)
    result = sync(vault)
    assert result.exit_code == 3, result.output
    assert "dashboard" in one_error_line(result)
    assert tree(tmp_path) == before


def test_symlinked_folder_on_the_way_is_refused(make_vault: Callable[..., Path], tmp_path: Path) -> None:
    vault = make_vault(BASE)
    outside = tmp_path / "outside"
    outside.mkdir()
    (vault / "CRM").symlink_to(outside, target_is_directory=True)
    result = sync(vault)
    assert result.exit_code == 5
    assert "link" in one_error_line(result)
    assert list(outside.iterdir()) == []


def test_symlinked_folder_inside_the_vault_is_refused_too(make_vault: Callable[..., Path]) -> None:
    vault = make_vault(BASE)
    (vault / "CRM").symlink_to(vault / "People", target_is_directory=True)
    before = tree(vault / "People")
    assert sync(vault).exit_code == 5
    assert tree(vault / "People") == before


def test_symlinked_note_is_refused(make_vault: Callable[..., Path], tmp_path: Path) -> None:
    vault = make_vault(BASE)
    sync(vault)
    generated = (vault / DASH).read_bytes()
    outside = tmp_path / "outside.md"
    outside.write_bytes(generated)                  # even a note that looks like ours
    (vault / DASH).unlink()
    (vault / DASH).symlink_to(outside)
    (vault / "People/Eve.md").write_text("---\ntier: A\n---\n", "utf-8")
    result = sync(vault)
    assert result.exit_code == 5
    assert outside.read_bytes() == generated
    assert (vault / DASH).is_symlink()


def test_symlinked_folder_deeper_down_is_refused(make_vault: Callable[..., Path], tmp_path: Path) -> None:
    vault = make_vault({**BASE, ".vaultcrm/config.toml": 'dashboard = "CRM/Weekly/Due.md"\n'})
    outside = tmp_path / "outside"
    outside.mkdir()
    (vault / "CRM").mkdir()
    (vault / "CRM/Weekly").symlink_to(outside, target_is_directory=True)
    assert sync(vault).exit_code == 5
    assert list(outside.iterdir()) == []


# ---------------------------------------------------------------------------------------------
# The template sandbox
# ---------------------------------------------------------------------------------------------

OVERRIDE = ".vaultcrm/templates/dashboard.md.j2"


@pytest.mark.parametrize("template, mentions", [
    ("{{ ''.__class__.__mro__ }}", None),
    ("{{ overdue.__class__.__base__.__subclasses__() }}", None),
    ("{{ cycler.__init__.__globals__ }}", None),
    ("{{ gettext.__self__.translations }}", None),
    ("{{ ngettext.__globals__ }}", None),
    ("{{ overdue.append(1) }}", None),
    ("{% for i in range(10**9) %}x{% endfor %}", None),
    ("{% for i in range(200000) %}{{ 'xxxxxxxxxx' }}{% endfor %}", None),   # runaway output
    ("{{ missing_thing }}", "missing_thing"),
    ("{{ now.shown[0].nope }}", "nope"),
    ("{% if %}", None),
    ("{% include '../../People/Jane Doe.md' %}", None),
])
def test_unsafe_or_broken_override_template_is_a_config_error(make_vault: Callable[..., Path], template: str,
                                                               mentions: str | None) -> None:
    vault = make_vault({**BASE, OVERRIDE: template})
    result = sync(vault)
    assert result.exit_code == 3, result.output
    line = one_error_line(result)
    assert "dashboard.md.j2" in line
    if mentions:
        assert mentions in line
    assert not (vault / "CRM").exists()


@pytest.mark.parametrize("template", [
    "{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}",   # never ends, writes nothing
    "{% macro m(n) %}{% for i in range(99999) %}{{ m }}{% endfor %}{% endmacro %}{{ m(1) }}{{ m(2) }}",
    "{{ 'x' * 10**9 }}",
    "{{ 9 ** 999999999 }}",
    "{% for i in range(99999) %}{{ ['x'] * 99999 }}{% endfor %}",
])
def test_a_runaway_override_template_is_stopped_by_its_budget(make_vault: Callable[..., Path],
                                                              monkeypatch: pytest.MonkeyPatch, template: str) -> None:
    monkeypatch.setattr(render, "TIME_BUDGET_S", 0.5)
    vault = make_vault({**BASE, OVERRIDE: template})
    started = time.monotonic()
    result = sync(vault)
    assert time.monotonic() - started < 10
    assert result.exit_code == 3, result.output
    assert "dashboard.md.j2" in one_error_line(result)
    assert not (vault / "CRM").exists()


def test_a_template_that_keeps_to_its_budget_is_never_interrupted(make_vault: Callable[..., Path],
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(render, "TIME_BUDGET_S", 0.2)
    vault = make_vault({**BASE, OVERRIDE: "{{ 'ab' * 3 }} {{ 2 ** 10 }} {{ today }}\n"})
    for _ in range(3):
        assert sync(vault).exit_code == 0
    time.sleep(0.4)  # past the budget, after the renders: nothing is raised later
    assert "ababab 1024 2026-11-22" in (vault / DASH).read_text("utf-8")


@pytest.mark.parametrize("how", ["absolute", "relative"])
def test_override_cannot_include_files_outside_the_vault(make_vault: Callable[..., Path], tmp_path: Path,
                                                         how: str) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("API_KEY=hunter2\n", "utf-8")
    name = str(secret) if how == "absolute" else "../" * 40 + str(secret).lstrip("/")
    vault = make_vault({**BASE, OVERRIDE: f"# Due\n{{% include '{name}' %}}\n"})
    result = sync(vault, "--dry-run")
    assert "hunter2" not in result.output
    assert result.exit_code == 3, result.output
    one_error_line(result)


def test_a_working_override_is_used(make_vault: Callable[..., Path]) -> None:
    template = ("# My week\n{% for p in now.shown %}- [ ] {{ p.link }} — {{ p.days_late }}\n{% endfor %}"
                "{{ contacts }} people\n")
    vault = make_vault({**BASE, OVERRIDE: template})
    result = sync(vault)
    assert result.exit_code == 0, result.output
    props, body, contacts, _ = split_note((vault / DASH).read_text("utf-8"))
    assert props["vaultcrm"] == "generated" and contacts == 4
    assert body == "# My week\n- [ ] [[People/Carol|Carol]] — 1\n- [ ] [[People/Jane Doe|Jane Doe]] — 7\n4 people\n"
    assert sync(vault).stdout.strip().endswith("· unchanged")


def test_an_override_rewritten_within_one_timestamp_tick_is_read_again(make_vault: Callable[..., Path]) -> None:
    """Same size, same modification time (as two quick saves can leave it): the text decides."""
    vault = make_vault({**BASE, OVERRIDE: "first {{ contacts }}\n"})
    first = render.render_body(vault, {"contacts": 4})
    stamp = (vault / OVERRIDE).stat().st_mtime_ns
    (vault / OVERRIDE).write_text("other {{ contacts }}\n", "utf-8")
    os.utime(vault / OVERRIDE, ns=(stamp, stamp))
    assert (first, render.render_body(vault, {"contacts": 4})) == ("first 4\n", "other 4\n")


def test_override_of_another_template_does_not_replace_the_dashboard(make_vault: Callable[..., Path]) -> None:
    vault = make_vault({**BASE, ".vaultcrm/templates/other.md.j2": "{{ ''.__class__ }}"})
    assert sync(vault).exit_code == 0
    assert "## Today" in (vault / DASH).read_text("utf-8")


# ---------------------------------------------------------------------------------------------
# Text from notes cannot break the note's structure
# ---------------------------------------------------------------------------------------------

def obsidian_markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True}).enable("table").use(front_matter_plugin)
    md.inline.ruler.before("link", "wikilink", wikilink_rule)
    return md


EVIL_NAME = "Evil]] | #tag\\n---\\n<% tp.system %> %% [[Jane Doe]] `code` $x$ <b>bold</b> ::"
EVIL_FILES = {
    "People/Evil]] | #tag.md": (
        f'---\nname: "{EVIL_NAME}"\ntier: A\nbirthday: 11-25\n'
        'how_met: "[[Jane Doe]] | #met\\n---\\n# heading"\n---\n'
        "## Log\n- 2026-11-01 — talked about [[Bob Smith]] | #topic <% tp.file.title %> `x` ^block\n"
        "- [ ] send the [[Bob Smith]] | #todo thing 📅 2026-11-24\n"),
    "People/Mallory.md": (
        '---\nname: "[[Jane Doe]] #urgent | x\\r\\n# Heading\\n---\\n- [ ] fake task"\nmet: 2026-11-21\n'
        'how_met: "</p><script>alert(1)</script> [x](http://evil.example) ![[img.png]] #wow"\n---\n'),
    "People/Jane Doe.md": "---\ntier: A\nlast_contact: 2026-11-20\n---\n",
    "People/Bob Smith.md": "---\ntier: A\nlast_contact: 2026-11-20\n---\n",
    "People/Evil]] #x.sync-conflict-20261101-120000.md": "---\ntier: A\n---\n",
}


def _tags_outside_escapes(line: str) -> list[str]:
    """Obsidian tags (`#word` after a space or at the start) outside links and backslash escapes."""
    line = re.sub(r"\[\[[^\]]*\]\]", "", line)
    return re.findall(r"(?:^|(?<=\s))#[^\s#\\]+", line)


def test_hostile_names_cannot_break_the_note(make_vault: Callable[..., Path],
                                            due_json: Callable[..., dict[str, Any]]) -> None:
    vault = make_vault(EVIL_FILES)
    result = sync(vault)
    assert result.exit_code == 0, result.output
    reminders = due_json(vault)["reminders"]
    assert sorted(r["kind"] for r in reminders if r["note"] == "People/Evil]] | #tag.md") == [
        "cadence", "occasion", "planned"]
    assert [r["kind"] for r in reminders if r["note"] == "People/Mallory.md"] == ["followup"]
    expected = sorted(r["note"] for r in reminders)

    text = (vault / DASH).read_text("utf-8")
    tokens = obsidian_markdown().parse(text)

    # One frontmatter block, and it is ours.
    fronts = [t for t in tokens if t.type == "front_matter"]
    assert len(fronts) == 1 and yaml.safe_load(fronts[0].content)["vaultcrm"] == "generated"
    assert [i for i, line in enumerate(text.splitlines()) if line.strip() == "---"] == [0, 2]
    assert not any(t.type == "hr" for t in tokens)

    # No raw HTML, no new headings, no comment or template syntax left live.
    assert not any(t.type in ("html_block", "html_inline") for t in tokens)
    assert not any(c.type in ("html_inline",) for t in tokens if t.children for c in t.children)
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert not any(word in h for h in headings for word in ("Evil", "Heading", "heading", "Jane"))
    assert "<%" not in text.replace("\\<%", "").replace("\\<\\%", "")
    prose = text.split("```mermaid")[0] + text.split("```\n")[-1].rsplit("\n%% vaultcrm · ", 1)[0]
    assert "%%" not in prose.replace("%\\%", "")
    assert not re.search(r"(?<!\\)\$[^$\n]*(?<!\\)\$", text.split("```mermaid")[0])

    # Exactly one task item per person listed: its first link leads to their note, a second one to the
    # note of their last touch, shown by its date.
    targets: list[str] = []
    for token in tokens:
        if token.type != "inline" or not token.content.startswith("[ ] "):
            continue
        children = token.children or []
        links = [i for i, c in enumerate(children) if c.type in ("wikilink", "link_open")]
        assert 1 <= len(links) <= 2, token.content
        found = []
        for i in links:
            link = children[i]
            if link.type == "wikilink":
                target, _, label = link.content.partition("|")
                found.append((target + ".md", label))
            else:
                found.append((unquote(str(link.attrs["href"])), children[i + 1].content))
        targets.append(found[0][0])
        assert all(re.fullmatch(r"\d{1,2} [A-Z][a-z]{2}", label) for _, label in found[1:]), found
        tags = _tags_outside_escapes(token.content)
        assert tags == [], (tags, token.content)
    assert sorted(targets) == sorted(set(expected))

    # Lines outside task items carry no live tags either (problems, signals, summary).
    for line in text.splitlines()[3:]:
        if not line.startswith("#"):
            assert _tags_outside_escapes(line) == [], line


def test_problem_links_point_at_the_problem_note(make_vault: Callable[..., Path]) -> None:
    vault = make_vault(EVIL_FILES)
    sync(vault)
    tokens = obsidian_markdown().parse((vault / DASH).read_text("utf-8"))
    hrefs = [unquote(str(c.attrs["href"])) for t in tokens if t.type == "inline" and "sync-conflict" in t.content
             for c in t.children or () if c.type == "link_open"]
    assert hrefs == ["People/Evil]] #x.sync-conflict-20261101-120000.md"]


# ---------------------------------------------------------------------------------------------
# --dry-run
# ---------------------------------------------------------------------------------------------

def test_dry_run_prints_the_note_and_writes_nothing(vault: Path) -> None:
    before = tree(vault)
    result = sync(vault, "--dry-run")
    assert result.exit_code == 0, result.output
    assert tree(vault) == before
    assert result.stdout.startswith("---\nvaultcrm: generated\n")
    assert "dry run" in result.stderr
    assert sync(vault).exit_code == 0
    assert (vault / DASH).read_text("utf-8") == result.stdout


def test_dry_run_leaves_an_existing_note_and_ticks_alone(synced: Path) -> None:
    note = synced / DASH
    note.write_text(note.read_text("utf-8").replace("- [ ]", "- [x]", 1), "utf-8")
    (synced / "People/Eve.md").write_text("---\ntier: A\n---\n", "utf-8")
    before, jane = snapshot(note), (synced / "People/Jane Doe.md").read_bytes()
    result = sync(synced, "--dry-run")
    assert result.exit_code == 0
    assert "Eve" in result.stdout
    assert snapshot(note) == before
    assert (synced / "People/Jane Doe.md").read_bytes() == jane
