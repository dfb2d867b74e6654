"""The command line: each command parses its arguments, calls the library and prints.

`options.py` holds what every command shares (finding the vault and the day, errors to exit codes);
the commands are grouped by what they do: `read.py` (sync, due, check), `network.py` (who, show, stats),
`edits.py` (touch, snooze, add), `transfer.py` (import, export), `daemon.py` (watch, service);
`completion.py` completes names.
"""
from __future__ import annotations

import click

from vaultcrm import __version__
from vaultcrm.cli import daemon, edits, network, read, transfer
from vaultcrm.cli.options import common_options


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@common_options
@click.version_option(__version__, prog_name="vaultcrm")
def main() -> None:
    """vaultcrm: who in your Obsidian vault is due for a touch, and why.

    It reads your contact notes, daily notes and meeting notes, and writes a
    "Due this week" note back into the vault.
    """


for command in (read.sync, read.due, read.check, network.who, network.show, network.stats, edits.touch,
                edits.snooze, edits.add, daemon.watch, daemon.service, transfer.import_group, transfer.export_group):
    main.add_command(command)
