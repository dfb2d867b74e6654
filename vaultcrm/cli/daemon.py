"""The daemon's commands: `watch`, and `service` to run it in the background."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from vaultcrm.cli.options import common_options, handle_errors, state


@click.command()
@common_options
@click.option("--debounce", type=float, default=0.3, show_default=True, metavar="SECONDS",
              help="Wait this long after the last change before syncing.")
@click.option("--poll", is_flag=True, help="Poll instead of using OS file events (network drives).")
@click.option("--log-file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Append the log here instead of stderr (rotated at 1 MiB).")
@click.option("--rescan-minutes", type=float, default=15, show_default=True, metavar="MINUTES",
              help="Full rescan this often as a safety net for missed events (0: never).")
@handle_errors
def watch(debounce: float, poll: bool, log_file: Path | None, rescan_minutes: float) -> None:
    """Keep the dashboard current while you edit (runs until Ctrl-C).

    Renders once at start, then after every change (once the vault has been quiet for
    --debounce seconds), at midnight, after the computer wakes, and every --rescan-minutes.
    Exits 0 on Ctrl-C or SIGTERM; non-zero if it can no longer see changes, so that a
    service manager restarts it (see `vaultcrm service install`).
    """
    from vaultcrm.daemon.loop import run_watch

    options = state()
    pinned = options.day if (options.today or os.environ.get("VAULTCRM_TODAY")) else None
    code = run_watch(options.vault_path, debounce=debounce, poll=poll, log_file=log_file,
                     rescan_minutes=rescan_minutes, today=pinned)
    if code:
        sys.exit(code)


@click.group()
def service() -> None:
    """Run `vaultcrm watch` in the background (systemd user unit on Linux, launchd agent on macOS)."""


def _service_command(name: str, doc: str) -> None:
    @service.command(name=name, help=doc)
    @common_options
    @click.option("--dry-run", is_flag=True, help="Print what would be written and run; change nothing.")
    @handle_errors
    def command(dry_run: bool) -> None:
        from vaultcrm.daemon import service as svc

        click.echo(getattr(svc, name)(state().vault_path, dry_run=dry_run))


_service_command("install", "Write the unit for this vault and start it (restarts it when it fails).")
_service_command("uninstall", "Stop the daemon and remove its unit. Nothing in the vault is touched.")
_service_command("status", "Is the service installed and the daemon running; its last log lines.")
