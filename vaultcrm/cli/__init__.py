"""The command line: each command parses its arguments, calls the library and prints.

`options.py` holds what every command shares (finding the vault and the day, errors to exit codes);
the commands are grouped by what they do: `read.py` (sync, due, check), `network.py` (who, show, stats),
`edits.py` (touch, snooze, add), `transfer.py` (import, export), `daemon.py` (watch, service);
`completion.py` completes names. A command's module is imported when that command is looked up
(to run it, complete it, or list it in the help), not at start-up.
"""
from __future__ import annotations

from collections.abc import Iterator, MutableMapping
from importlib import import_module

import click

from vaultcrm import __version__
from vaultcrm.cli.options import common_options

WHERE = {  # each command's name -> its module in this package, and its name there
    "sync": ("read", "sync"), "due": ("read", "due"), "check": ("read", "check"),
    "who": ("network", "who"), "show": ("network", "show"), "stats": ("network", "stats"),
    "touch": ("edits", "touch"), "snooze": ("edits", "snooze"), "add": ("edits", "add"),
    "watch": ("daemon", "watch"), "service": ("daemon", "service"),
    "import": ("transfer", "import_group"), "export": ("transfer", "export_group"),
}


class Commands(MutableMapping[str, click.Command]):
    """A group's commands by name (click.Group.commands), each imported on first use."""

    def __init__(self, where: dict[str, tuple[str, str]]) -> None:
        self.where = dict(where)
        self.loaded: dict[str, click.Command] = {}

    def __getitem__(self, name: str) -> click.Command:
        if name not in self.loaded:
            module, attribute = self.where[name]
            self.loaded[name] = getattr(import_module(f"{__name__}.{module}"), attribute)
        return self.loaded[name]

    def __setitem__(self, name: str, command: click.Command) -> None:
        self.loaded[name] = command
        self.where.setdefault(name, ("", name))

    def __delitem__(self, name: str) -> None:
        del self.where[name]
        self.loaded.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        return iter(self.where)

    def __len__(self) -> int:
        return len(self.where)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@common_options
@click.version_option(__version__, prog_name="vaultcrm")
def main() -> None:
    """vaultcrm: who in your Obsidian vault is due for a touch, and why.

    It reads your contact notes, daily notes and meeting notes, and writes a
    "Due this week" note back into the vault.
    """


main.commands = Commands(WHERE)
