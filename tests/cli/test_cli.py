"""The command line (behaviour §6): vault discovery, options anywhere, exit codes and one-line errors."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner, Result

from vaultcrm.cli import main
from vaultcrm.writeback import atomic

JANE = "---\ntier: A\nlast_contact: 2026-11-01\n---\n"     # cadence due 2026-11-15: 7 days overdue
BOB = "---\ntier: A\nlast_contact: 2026-11-12\n---\n"      # due 2026-11-26
FILES = {"People/Jane Doe.md": JANE, "People/Bob Smith.md": BOB}


def cli(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


def error_line(result: Result) -> str:
    """behaviour §6: an error is one clear line on stderr and a non-zero exit, never a traceback."""
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(lines) == 1, result.stderr
    assert not result.stdout.strip(), result.stdout
    return lines[0]


def due_names(result: Result) -> list[str]:
    assert result.exit_code == 0, result.output
    return [r["contact"] for r in json.loads(result.stdout)["reminders"]]


# ---------------------------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("day", ["2026-13-01", "tomorrow", "22.11.2026", "2026-02-30"])
def test_bad_today_is_a_usage_error(make_vault: Callable[..., Path], day: str) -> None:
    vault = make_vault(FILES)
    result = cli("due", "--vault", str(vault), "--today", day)
    assert result.exit_code == 2
    line = error_line(result)
    assert day in line and "YYYY-MM-DD" in line


def test_bad_today_from_the_environment(make_vault: Callable[..., Path]) -> None:
    vault = make_vault(FILES)
    result = cli("due", "--vault", str(vault), env={"VAULTCRM_TODAY": "soon"})
    assert result.exit_code == 2
    assert "soon" in error_line(result)


def test_invalid_config_lists_every_bad_value_and_warns_about_unknown_keys(make_vault: Callable[..., Path]) -> None:
    vault = make_vault({**FILES, ".vaultcrm/config.toml":
                        'horizon = "0d"\nfollowup_window = -1\nhorizn = "7d"\n'})
    result = cli("due", "--vault", str(vault))
    assert result.exit_code == 3
    line = error_line(result)
    assert "horizon" in line and "followup_window" in line
    assert "config.toml" in line
    warnings = [w for w in result.stderr.splitlines() if w.startswith("Warning:")]
    assert len(warnings) == 1 and "horizn" in warnings[0], result.stderr


def test_unknown_key_alone_is_a_warning(make_vault: Callable[..., Path]) -> None:
    vault = make_vault({**FILES, ".vaultcrm/config.toml": 'horizn = "7d"\n'})
    result = cli("due", "--vault", str(vault), "--json")
    assert result.exit_code == 0
    assert "horizn" in result.stderr and result.stderr.startswith("Warning:")
    json.loads(result.stdout)  # the warning does not pollute the JSON


def test_config_that_is_not_toml(make_vault: Callable[..., Path]) -> None:
    vault = make_vault({**FILES, ".vaultcrm/config.toml": "horizon = \n[[[\n"})
    result = cli("check", "--vault", str(vault))
    assert result.exit_code == 3
    assert "config.toml" in error_line(result)


def test_missing_vault_exit_4(tmp_path: Path) -> None:
    for command in ("sync", "due", "check"):
        result = cli(command, "--vault", str(tmp_path / "nope"))
        assert result.exit_code == 4
        assert "nope" in error_line(result)


def test_vault_that_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "vault.md").write_text("x", "utf-8")
    assert cli("due", "--vault", str(tmp_path / "vault.md")).exit_code == 4


def test_unexpected_failure_is_one_line_and_verbose_shows_the_traceback(
        make_vault: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    vault = make_vault(FILES)

    def boom(target: Path) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(atomic, "before_replace", boom)
    result = cli("sync", "--vault", str(vault))
    assert result.exit_code == 1
    assert "disk on fire" in error_line(result)
    verbose = cli("sync", "--vault", str(vault), "-v")
    assert verbose.exit_code == 1
    assert "Traceback" in verbose.stderr and "disk on fire" in verbose.stderr


def test_unknown_command_is_a_usage_error() -> None:
    result = cli("frobnicate")
    assert result.exit_code == 2
    assert "Traceback" not in result.output


# ---------------------------------------------------------------------------------------------
# Finding the vault
# ---------------------------------------------------------------------------------------------

def test_vault_option_beats_environment(make_vault: Callable[..., Path]) -> None:
    one = make_vault({"People/One.md": JANE}, name="one")
    two = make_vault({"People/Two.md": JANE}, name="two")
    assert due_names(cli("due", "--json", "--vault", str(one), env={"VAULTCRM_VAULT": str(two)})) == ["One"]


def test_environment_beats_the_working_directory(make_vault: Callable[..., Path],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    one = make_vault({"People/One.md": JANE}, name="one")
    two = make_vault({"People/Two.md": JANE}, name="two")
    monkeypatch.chdir(one / "People")
    assert due_names(cli("due", "--json", env={"VAULTCRM_VAULT": str(two)})) == ["Two"]


@pytest.mark.parametrize("marker", [".obsidian", ".vaultcrm"])
def test_nearest_ancestor_with_a_marker_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, marker: str) -> None:
    root = tmp_path / "vault"
    (root / marker).mkdir(parents=True)
    (root / "People/Deep/Er").mkdir(parents=True)
    (root / "People/Jane Doe.md").write_text(JANE, "utf-8")
    monkeypatch.chdir(root / "People/Deep/Er")
    assert due_names(cli("due", "--json")) == ["Jane Doe"]


def test_nearest_of_nested_vaults_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    outer = tmp_path / "outer"
    (outer / ".obsidian").mkdir(parents=True)
    (outer / "People").mkdir()
    (outer / "People/Outer.md").write_text(JANE, "utf-8")
    inner = outer / "Projects/inner"
    (inner / ".obsidian").mkdir(parents=True)
    (inner / "People").mkdir()
    (inner / "People/Inner.md").write_text(JANE, "utf-8")
    monkeypatch.chdir(inner / "People")
    assert due_names(cli("due", "--json")) == ["Inner"]


def test_a_marker_file_is_not_a_marker_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    outer = tmp_path / "outer"
    (outer / ".obsidian").mkdir(parents=True)
    (outer / "People").mkdir()
    (outer / "People/Outer.md").write_text(JANE, "utf-8")
    inner = outer / "sub"
    inner.mkdir()
    (inner / ".obsidian").write_text("not a folder", "utf-8")
    monkeypatch.chdir(inner)
    assert due_names(cli("due", "--json")) == ["Outer"]


@pytest.mark.parametrize("args", [("due", "--json"), ("sync",), ("check",), ("touch", "Jane"), ("watch",),
                                  ("service", "install", "--dry-run"), ("export", "csv")], ids=lambda a: a[0])
def test_without_markers_no_vault_is_guessed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             args: tuple[str, ...]) -> None:
    plain = tmp_path / "plain"
    (plain / "People").mkdir(parents=True)
    (plain / "People/Jane Doe.md").write_text(JANE, "utf-8")
    monkeypatch.chdir(plain)
    before = sorted(p.relative_to(plain) for p in plain.rglob("*"))
    result = cli(*args)
    assert result.exit_code == 4
    line = error_line(result)
    assert str(plain) in line and "--vault" in line and "VAULTCRM_VAULT" in line
    assert sorted(p.relative_to(plain) for p in plain.rglob("*")) == before
    assert due_names(cli("due", "--json", "--vault", str(plain))) == ["Jane Doe"]  # named, it is a vault


def test_sync_from_inside_the_vault_writes_at_its_root(make_vault: Callable[..., Path],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    vault = make_vault(FILES)
    monkeypatch.chdir(vault / "People")
    assert cli("sync").exit_code == 0
    assert (vault / "CRM/Due this week.md").is_file()
    assert not (vault / "People/CRM").exists()


# ---------------------------------------------------------------------------------------------
# Options before and after the command
# ---------------------------------------------------------------------------------------------

def test_options_before_and_after_the_command_are_the_same(make_vault: Callable[..., Path]) -> None:
    vault = make_vault(FILES)
    after = cli("due", "--json", "--vault", str(vault), "--today", "2026-11-20")
    before = cli("--vault", str(vault), "--today", "2026-11-20", "due", "--json")
    mixed = cli("--vault", str(vault), "due", "--today", "2026-11-20", "--json")
    assert after.exit_code == before.exit_code == mixed.exit_code == 0, (after.output, before.output)
    assert after.stdout == before.stdout == mixed.stdout
    assert json.loads(after.stdout)["today"] == "2026-11-20"


def test_the_option_after_the_command_wins(make_vault: Callable[..., Path]) -> None:
    vault = make_vault(FILES)
    result = cli("--today", "2026-01-01", "due", "--json", "--vault", str(vault), "--today", "2026-11-22")
    assert json.loads(result.stdout)["today"] == "2026-11-22"


def test_today_option_beats_the_environment(make_vault: Callable[..., Path]) -> None:
    vault = make_vault(FILES)
    result = cli("due", "--json", "--vault", str(vault), "--today", "2026-11-10",
                 env={"VAULTCRM_TODAY": "2026-11-22"})
    data = json.loads(result.stdout)
    assert data["today"] == "2026-11-10" and data["horizon_end"] == "2026-11-16"


def test_today_comes_from_the_environment(make_vault: Callable[..., Path]) -> None:
    vault = make_vault(FILES)
    data = json.loads(cli("due", "--json", "--vault", str(vault), env={"VAULTCRM_TODAY": "2026-11-13"}).stdout)
    assert data["today"] == "2026-11-13" and data["horizon_end"] == "2026-11-19"
    assert [(r["contact"], r["due"], r["overdue"]) for r in data["reminders"]] == [("Jane Doe", "2026-11-15", False)]


def test_sync_options_after_the_command(make_vault: Callable[..., Path]) -> None:
    vault = make_vault(FILES)
    result = cli("sync", "--dry-run", "--vault", str(vault), "--today", "2026-11-22")
    assert result.exit_code == 0
    assert result.stdout.startswith("---\nvaultcrm: generated")
    assert not (vault / "CRM").exists()


# ---------------------------------------------------------------------------------------------
# check
# ---------------------------------------------------------------------------------------------

def test_check_exits_1_with_problems_and_names_note_and_line(make_vault: Callable[..., Path]) -> None:
    vault = make_vault({**FILES, "People/Broken.md": "---\ntier: A\nname: [unclosed\n---\n",
                        "People/Twice.md": "---\ntier: A\ntier: B\n---\n"})
    result = cli("check", "--vault", str(vault))
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert any(line.startswith("People/Broken.md:") for line in lines), lines
    assert any(line.startswith("People/Twice.md:3:") and "tier" in line for line in lines), lines
    assert "Traceback" not in result.output
    assert "2 problems" in result.stderr


def test_check_exits_0_without_problems(make_vault: Callable[..., Path]) -> None:
    vault = make_vault(FILES)
    result = cli("check", "--vault", str(vault))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert "0 problems" in result.stderr and "2 contacts" in result.stderr


def test_check_lists_a_suspicious_alias_link_without_failing(make_vault: Callable[..., Path]) -> None:
    vault = make_vault({"People/Jane Doe.md": "---\ntier: A\naliases: [JD]\n---\n",
                        "Daily/2026-11-20.md": "# Friday\n\n- Lunch with [[JD]]\n"})
    result = cli("check", "--vault", str(vault))
    assert result.exit_code == 0, result.output
    (line,) = result.stdout.splitlines()
    assert line.startswith("Daily/2026-11-20.md:3:")
    assert "[[JD]]" in line and "People/Jane Doe" in line
    assert "1 suspicious link" in result.stderr
    data = json.loads(cli("due", "--json", "--vault", str(vault)).stdout)
    assert data["problems"] == []
    (row,) = data["reminders"]
    assert row["last_touch"] is None  # an alias link is not a touch, as in Obsidian


def test_check_lists_sync_conflict_copies(make_vault: Callable[..., Path]) -> None:
    vault = make_vault({**FILES, "People/Jane Doe.sync-conflict-20261101-120000-ABCDEFG.md": JANE,
                        "People/Jane Doe (Conflicted copy MyMac 202611011200).md": JANE})
    result = cli("check", "--vault", str(vault))
    assert result.exit_code == 1
    assert result.stdout.count("sync-conflict") >= 1 and "Conflicted copy" in result.stdout
    assert "2 contacts" in result.stderr


# ---------------------------------------------------------------------------------------------
# due
# ---------------------------------------------------------------------------------------------

def test_due_follows_the_dashboards_agenda(make_vault: Callable[..., Path]) -> None:
    vault = make_vault(FILES)
    result = cli("due", "--vault", str(vault))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines == [
        "Today · Sun 22 Nov",
        "  7 days late  Jane Doe   every 14 days · last 1 Nov",
        "Later this week",
        lines[3],
    ]
    assert lines[3].startswith("  Thu          Bob Smith  ")
    # Columns line up.
    assert lines[1].index("Jane Doe") == lines[3].index("Bob Smith")


def test_due_table_when_nobody_is_due(make_vault: Callable[..., Path]) -> None:
    vault = make_vault({"People/Jane.md": "---\ntier: A\nlast_contact: 2026-11-20\n---\n"})
    result = cli("due", "--vault", str(vault))
    assert result.exit_code == 0
    assert result.stdout.strip() == "Nobody is due through 2026-11-28."


def test_due_mentions_problems_on_stderr(make_vault: Callable[..., Path]) -> None:
    vault = make_vault({**FILES, "People/Broken.md": "---\ntier: [\n---\n"})
    result = cli("due", "--vault", str(vault))
    assert result.exit_code == 0
    assert "check" in result.stderr and "Broken" not in result.stdout


def test_due_json_has_the_documented_shape(make_vault: Callable[..., Path]) -> None:
    vault = make_vault({**FILES, "People/Broken.md": "---\ntier: A\ntier: B\n---\n",
                        "People/Old.md": "---\ntier: A\nstatus: archived\n---\n"})
    data: dict[str, Any] = json.loads(cli("due", "--json", "--vault", str(vault)).stdout)
    assert {"today", "horizon_end", "contacts", "reminders", "signals", "problems"} <= set(data)
    assert data["today"] == "2026-11-22" and data["horizon_end"] == "2026-11-28"
    assert data["contacts"] == 3  # the archived one is not counted
    assert set(data["signals"]) >= {"ready_to_ask", "going_cold", "give_first"}
    keys = {"contact", "note", "kind", "due", "overdue", "days_overdue", "tier", "cadence_days",
            "last_touch", "evidence", "touch_count", "reason"}
    for row in data["reminders"]:
        assert keys <= set(row)
    jane = next(r for r in data["reminders"] if r["contact"] == "Jane Doe")
    assert jane == {**jane, "note": "People/Jane Doe.md", "kind": "cadence", "due": "2026-11-15",
                    "overdue": True, "days_overdue": 7, "tier": "A", "cadence_days": 14,
                    "last_touch": "2026-11-01", "evidence": "People/Jane Doe.md", "touch_count": 1}
    (problem,) = data["problems"]
    assert problem["note"] == "People/Broken.md" and problem["line"] == 3 and problem["message"]


def test_due_json_is_unicode_not_escaped(make_vault: Callable[..., Path]) -> None:
    vault = make_vault({"People/Алексей Иванов.md": JANE})
    out = cli("due", "--json", "--vault", str(vault)).stdout
    assert "Алексей Иванов" in out and "\\u" not in out


# ---------------------------------------------------------------------------------------------
# Help
# ---------------------------------------------------------------------------------------------

def test_python_dash_m_help() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VAULTCRM_")}
    done = subprocess.run([sys.executable, "-m", "vaultcrm", "--help"], capture_output=True, text=True, check=False,
                          timeout=60, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Usage:") and "sync" in done.stdout and "due" in done.stdout
    version = subprocess.run([sys.executable, "-m", "vaultcrm", "--version"], capture_output=True, text=True, check=False,
                             timeout=60, env=env)
    assert version.returncode == 0 and "vaultcrm" in version.stdout


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], click.Command]]:
    found = []
    for name, command in sorted(group.commands.items()):
        found.append(((*prefix, name), command))
        if isinstance(command, click.Group):
            found += _commands(command, (*prefix, name))
    return found


def test_the_core_commands_exist() -> None:
    assert {"sync", "due", "check"} <= set(main.commands)


@pytest.mark.parametrize("path, command", _commands(main), ids=lambda v: " ".join(v) if isinstance(v, tuple) else "")
def test_help_of_each_command(path: tuple[str, ...], command: click.Command) -> None:
    for flag in ("--help", "-h"):
        result = cli(*path, flag)
        assert result.exit_code == 0, result.output
        first = result.stdout.splitlines()[0]
        assert first.startswith("Usage:") and " ".join(path) in first
        assert command.get_short_help_str(limit=200)[:20] in " ".join(result.stdout.split())
        if not isinstance(command, click.Group):
            assert "--vault" in result.stdout and "--today" in result.stdout
