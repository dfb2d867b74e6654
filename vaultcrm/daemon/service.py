"""`vaultcrm service install|uninstall|status`: run `vaultcrm watch` in the background.

Linux: a systemd *user* unit (`~/.config/systemd/user/vaultcrm-watch-<vault>.service`);
macOS: a launchd agent (`~/Library/LaunchAgents/com.vaultcrm.watch.<vault>.plist`).
Both restart the daemon when it fails (it exits non-zero when it would otherwise be deaf) and not
when it was stopped on purpose (exit 0). One service per vault: the name carries the vault's key
from the per-device state folder, which also holds the lock and the log (`watch.log`).
"""
from __future__ import annotations

import os
import plistlib
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from vaultcrm.errors import UsageError, VaultcrmError, VaultMissingError
from vaultcrm.state import state_dir

Runner = Callable[[list[str]], tuple[int, str]]


@dataclass
class Plan:
    kind: str  # "systemd" or "launchd"
    name: str  # unit name or launchd label
    path: Path  # where the unit / plist lives
    content: str
    start: list[list[str]] = field(default_factory=list)
    stop: list[list[str]] = field(default_factory=list)
    query: list[str] = field(default_factory=list)


def run_command(argv: list[str]) -> tuple[int, str]:
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=30, check=False)
    except FileNotFoundError:
        return 127, f"{argv[0]}: command not found"
    except subprocess.TimeoutExpired:
        return 124, f"{' '.join(argv)}: timed out"
    return done.returncode, (done.stdout + done.stderr).strip()


def _kind(platform: str | None) -> str:
    platform = platform or sys.platform
    if platform.startswith("linux"):
        return "systemd"
    if platform == "darwin":
        return "launchd"
    raise UsageError(f"vaultcrm service does not support this system ({platform})",
                     hint="run `vaultcrm watch` in a terminal, or with your system's own task scheduler")


def watch_command(vault: Path) -> list[str]:
    """How the service starts the daemon: this very Python, so it runs the vaultcrm installed here."""
    return [sys.executable, "-m", "vaultcrm", "watch", "--vault", str(vault),
            "--log-file", str(state_dir(vault) / "watch.log")]


def _environment() -> dict[str, str]:
    """Settings that must be the same for the service as for this shell (the log and the lock live there)."""
    return {k: os.environ[k] for k in ("VAULTCRM_STATE_DIR", "XDG_RUNTIME_DIR") if os.environ.get(k)}


def _systemd_quote(arg: str) -> str:
    if "\n" in arg or "\r" in arg:
        raise UsageError(f"{arg!r} contains a line break, which a systemd unit cannot hold",
                         hint="rename the folder, or run `vaultcrm watch` in a terminal")
    escaped = arg.replace("\\", "\\\\").replace('"', '\\"').replace("%", "%%").replace("$", "$$")
    return f'"{escaped}"'


def plan(vault: Path, *, platform: str | None = None) -> Plan:
    vault = vault.resolve()
    key = state_dir(vault).name
    kind = _kind(platform)
    argv = watch_command(vault)
    env = _environment()
    if kind == "systemd":
        name = f"vaultcrm-watch-{key}.service"
        config_home = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
        lines = [
            "# Written by `vaultcrm service install`; remove it with `vaultcrm service uninstall`.",
            "[Unit]",
            f"Description=vaultcrm watch: keeps the dashboard of {_systemd_text(str(vault))} current",
            "StartLimitIntervalSec=0",
            "",
            "[Service]",
            "Type=simple",
            "ExecStart=" + " ".join(_systemd_quote(a) for a in argv),
            *(f"Environment={_systemd_quote(f'{k}={v}')}" for k, v in env.items()),
            "Restart=on-failure",
            "RestartSec=10",
            "TimeoutStopSec=10",
            "Nice=10",
            "",
            "[Install]",
            "WantedBy=default.target",
            "",
        ]
        return Plan(kind, name, config_home / "systemd" / "user" / name, "\n".join(lines),
                    start=[["systemctl", "--user", "daemon-reload"],
                           ["systemctl", "--user", "enable", "--now", name]],
                    stop=[["systemctl", "--user", "disable", "--now", name]],
                    query=["systemctl", "--user", "status", "--no-pager", "--lines=0", name])
    label = f"com.vaultcrm.watch.{key}"
    agent: dict[str, object] = {
        "Label": label,
        "ProgramArguments": argv,
        "RunAtLoad": True,
        "KeepAlive": {"SuccessfulExit": False},  # restart when it fails, not when stopped on purpose
        "ThrottleInterval": 10,
        "ProcessType": "Background",
        "StandardErrorPath": str(state_dir(vault) / "watch.stderr.log"),
    }
    if env:
        agent["EnvironmentVariables"] = env
    content = plistlib.dumps(agent).decode("utf-8")
    path = Path.home() / "Library" / "LaunchAgents" / f"{label}.plist"
    domain = f"gui/{os.getuid()}"
    return Plan(kind, label, path, content,
                start=[["launchctl", "bootstrap", domain, str(path)]],
                stop=[["launchctl", "bootout", f"{domain}/{label}"]],
                query=["launchctl", "print", f"{domain}/{label}"])


def _systemd_text(text: str) -> str:
    return text.replace("%", "%%")


def _commands(commands: list[list[str]]) -> str:
    return "\n".join("  " + " ".join(_shell_quote(a) for a in c) for c in commands)


def _shell_quote(arg: str) -> str:
    import shlex
    return shlex.quote(arg)


def install(vault: Path, *, dry_run: bool = False, platform: str | None = None,
            runner: Runner = run_command) -> str:
    """Write the unit (or agent) for this vault and start it; with dry_run, only say what would happen."""
    if not vault.is_dir():
        raise VaultMissingError(f"the vault folder {vault} does not exist",
                                hint="pass --vault PATH pointing at your vault")
    p = plan(vault, platform=platform)
    if dry_run:
        return (f"# would write {p.path}\n{p.content}\n# and run:\n{_commands(p.start)}\n")
    p.path.parent.mkdir(parents=True, exist_ok=True)
    if p.kind == "launchd" and p.path.exists():
        for command in p.stop:  # reload a changed agent: bootstrap fails while the old one is loaded
            runner(command)
    tmp = p.path.with_name(f".{p.path.name}.tmp")
    tmp.write_text(p.content, encoding="utf-8")
    os.replace(tmp, p.path)
    for command in p.start:
        code, output = runner(command)
        if code != 0:
            raise VaultcrmError(
                f"wrote {p.path}, but `{' '.join(command)}` failed: {output or f'exit {code}'}",
                hint=_start_hint(p))
    extra = ("\nIt runs while you are logged in; to keep it running after logout: "
             "`loginctl enable-linger $USER`.") if p.kind == "systemd" else ""
    return (f"installed {p.name} ({p.path}); it starts at login and restarts if it fails.\n"
            f"log: {state_dir(vault.resolve()) / 'watch.log'}{extra}")


def _start_hint(p: Plan) -> str:
    if p.kind == "systemd":
        return ("is a systemd user session running (`systemctl --user status`)? If not, run "
                "`vaultcrm watch` in a terminal or tmux instead")
    return "check `launchctl print gui/$(id -u)` and the agent file, then try again"


def uninstall(vault: Path, *, dry_run: bool = False, platform: str | None = None,
              runner: Runner = run_command) -> str:
    """Stop the service and remove its unit (or agent). Nothing in the vault is touched."""
    p = plan(vault, platform=platform)
    reload = [["systemctl", "--user", "daemon-reload"]] if p.kind == "systemd" else []
    if dry_run:
        return f"# would run:\n{_commands(p.stop)}\n# remove {p.path}\n{_commands(reload)}\n"
    if not p.path.exists():
        return f"{p.name} is not installed (no {p.path})"
    for command in p.stop:
        runner(command)  # it may already be stopped; removing the file is what matters
    p.path.unlink()
    for command in reload:
        runner(command)
    return f"removed {p.name} ({p.path})"


def status(vault: Path, *, dry_run: bool = False, platform: str | None = None,
           runner: Runner = run_command, log_lines: int = 5) -> str:
    """Is the service installed, is a daemon running for this vault here, and its last log lines."""
    from vaultcrm.daemon.lock import describe_holder, lock_path, read_holder

    p = plan(vault, platform=platform)
    vault = vault.resolve()
    if dry_run:
        return f"# would run:\n{_commands([p.query])}\n"
    out = [f"service: {p.name} " + ("installed" if p.path.exists() else "not installed") + f" ({p.path})"]
    holder = read_holder(lock_path(vault))
    out.append(f"daemon: running ({describe_holder(holder)})" if holder is not None
               else "daemon: not running for this vault on this device")
    if p.path.exists():
        _code, output = runner(p.query)
        if output:
            out.append(f"{p.query[0]}: " + "\n  ".join(output.splitlines()[:4]))
    log_file = state_dir(vault) / "watch.log"
    if log_file.exists():
        tail = log_file.read_text(encoding="utf-8", errors="replace").splitlines()[-log_lines:]
        out.append(f"log: {log_file}")
        out += [f"  {line}" for line in tail]
    return "\n".join(out)
