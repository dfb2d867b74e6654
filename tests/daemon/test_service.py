"""`vaultcrm service`: the systemd user unit and the launchd agent, written and removed for real in a
fake home; the commands that would start them go to a recording runner."""
from __future__ import annotations

import os
import plistlib
import shlex
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from vaultcrm.daemon import service
from vaultcrm.daemon.lock import WatchLock, lock_path
from vaultcrm.errors import UsageError, VaultcrmError, VaultMissingError
from vaultcrm.state import state_dir


class Runner:
    def __init__(self, fail: str | None = None) -> None:
        self.commands: list[list[str]] = []
        self.fail = fail

    def __call__(self, argv: list[str]) -> tuple[int, str]:
        self.commands.append(argv)
        if self.fail and self.fail in argv:
            return 1, "Failed to connect to bus: No medium found"
        return 0, "● unit - active (running)"


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    return home


@pytest.fixture
def vault(make_vault: Callable[..., Path]) -> Path:
    return make_vault({"People/Jane Doe.md": "---\ntier: A\n---\n"}, name="My Vault 100% $real")


def unit_path(home: Path, vault: Path) -> Path:
    return home / ".config/systemd/user" / f"vaultcrm-watch-{state_dir(vault).name}.service"


def exec_start(text: str) -> list[str]:
    line = next(x for x in text.splitlines() if x.startswith("ExecStart="))
    argv = shlex.split(line[len("ExecStart="):])  # systemd's quoting is close to the shell's here
    return [a.replace("%%", "%").replace("$$", "$") for a in argv]


def test_dry_run_prints_the_unit_and_writes_nothing(vault: Path, home: Path) -> None:
    runner = Runner()
    text = service.install(vault, dry_run=True, platform="linux", runner=runner)
    assert runner.commands == [] and not (home / ".config").exists()
    assert f"# would write {unit_path(home, vault)}" in text
    assert exec_start(text) == [sys.executable, "-m", "vaultcrm", "watch", "--vault", str(vault.resolve()),
                                "--log-file", str(state_dir(vault) / "watch.log")]
    for line in ("Restart=on-failure", "WantedBy=default.target", "StartLimitIntervalSec=0"):
        assert line in text
    assert "systemctl --user enable --now" in text


def test_special_characters_are_escaped_for_systemd(vault: Path) -> None:
    text = service.plan(vault, platform="linux").content
    assert '"--vault" "' + str(vault.resolve()).replace("%", "%%").replace("$", "$$") + '"' in text


def test_the_state_dir_override_travels_with_the_unit(vault: Path) -> None:
    text = service.plan(vault, platform="linux").content
    assert f'Environment="VAULTCRM_STATE_DIR={os.environ["VAULTCRM_STATE_DIR"]}"' in text
    assert f'Environment="XDG_RUNTIME_DIR={os.environ["XDG_RUNTIME_DIR"]}"' in text  # where the lock lives


def test_install_writes_enables_and_uninstall_removes(vault: Path, home: Path) -> None:
    runner = Runner()
    out = service.install(vault, platform="linux", runner=runner)
    path = unit_path(home, vault)
    assert path.read_text() == service.plan(vault, platform="linux").content
    name = path.name
    assert runner.commands == [["systemctl", "--user", "daemon-reload"],
                               ["systemctl", "--user", "enable", "--now", name]]
    assert name in out and "restarts if it fails" in out and "enable-linger" in out
    assert not list(path.parent.glob(".*.tmp"))

    runner.commands.clear()
    out = service.uninstall(vault, platform="linux", runner=runner)
    assert not path.exists() and "removed" in out
    assert runner.commands == [["systemctl", "--user", "disable", "--now", name],
                               ["systemctl", "--user", "daemon-reload"]]
    assert "not installed" in service.uninstall(vault, platform="linux", runner=runner)


def test_install_reports_a_failed_start(vault: Path, home: Path) -> None:
    with pytest.raises(VaultcrmError) as info:
        service.install(vault, platform="linux", runner=Runner(fail="enable"))
    assert "Failed to connect to bus" in info.value.message and "vaultcrm watch" in (info.value.hint or "")
    assert unit_path(home, vault).exists()


def test_install_refuses_a_missing_vault(tmp_path: Path) -> None:
    with pytest.raises(VaultMissingError):
        service.install(tmp_path / "nope", platform="linux", runner=Runner())


def test_unsupported_system(vault: Path) -> None:
    with pytest.raises(UsageError):
        service.plan(vault, platform="win32")


def test_launchd_agent(vault: Path, home: Path) -> None:
    runner = Runner()
    service.install(vault, platform="darwin", runner=runner)
    label = f"com.vaultcrm.watch.{state_dir(vault).name}"
    path = home / "Library/LaunchAgents" / f"{label}.plist"
    agent = plistlib.loads(path.read_bytes())
    assert agent["Label"] == label
    assert agent["ProgramArguments"][:5] == [sys.executable, "-m", "vaultcrm", "watch", "--vault"]
    assert agent["ProgramArguments"][5] == str(vault.resolve())
    assert agent["KeepAlive"] == {"SuccessfulExit": False} and agent["RunAtLoad"] is True
    assert agent["EnvironmentVariables"] == {"VAULTCRM_STATE_DIR": os.environ["VAULTCRM_STATE_DIR"],
                                             "XDG_RUNTIME_DIR": os.environ["XDG_RUNTIME_DIR"]}
    assert runner.commands == [["launchctl", "bootstrap", f"gui/{os.getuid()}", str(path)]]
    runner.commands.clear()
    service.install(vault, platform="darwin", runner=runner)  # reinstall: unload the old one first
    assert runner.commands[0][:2] == ["launchctl", "bootout"]
    service.uninstall(vault, platform="darwin", runner=runner)
    assert not path.exists()


def test_status_names_the_running_daemon_and_the_log(vault: Path) -> None:
    runner = Runner()
    out = service.status(vault, platform="linux", runner=runner)
    assert "not installed" in out and "not running" in out and runner.commands == []
    service.install(vault, platform="linux", runner=runner)
    (state_dir(vault) / "watch.log").write_text("".join(f"line {i}\n" for i in range(10)))
    lock = WatchLock(lock_path(vault))
    lock.acquire(vault.resolve())
    try:
        out = service.status(vault, platform="linux", runner=runner)
    finally:
        lock.release()
    assert "installed" in out and f"running (pid {os.getpid()}" in out
    assert "active (running)" in out and "line 9" in out and "line 4" not in out


def test_cli_service_dry_run(vault: Path, run: Callable[..., object]) -> None:
    result = run(vault, "service", "install", "--dry-run")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert "ExecStart=" in result.output or "ProgramArguments" in result.output  # type: ignore[attr-defined]
