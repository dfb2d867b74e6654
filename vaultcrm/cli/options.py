"""What every command shares: finding the vault and the day, the options accepted before or after
the command name, and the one place where the library's errors become messages and exit codes."""
from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from vaultcrm.errors import UsageError, VaultcrmError, VaultMissingError, file_error

if TYPE_CHECKING:
    from vaultcrm.config import Config
    from vaultcrm.crm.analysis import Analysis
    from vaultcrm.crm.names import Named
    from vaultcrm.dashboard.shown import Shown


def find_vault(explicit: str | None) -> Path:
    """--vault, else $VAULTCRM_VAULT, else the nearest ancestor with .obsidian/ or .vaultcrm/; never a
    guess (a home folder would be scanned whole, and the dashboard written into it)."""
    if explicit:
        return Path(explicit)
    if os.environ.get("VAULTCRM_VAULT"):
        return Path(os.environ["VAULTCRM_VAULT"])
    cwd = Path.cwd()
    for folder in (cwd, *cwd.parents):
        if (folder / ".obsidian").is_dir() or (folder / ".vaultcrm").is_dir():
            return folder
    raise VaultMissingError(f"{cwd} is not inside a vault: neither it nor a folder above it holds .obsidian/ "
                            "or .vaultcrm/, and no vault was named",
                            hint="pass --vault PATH or set VAULTCRM_VAULT, or run vaultcrm inside the vault "
                                 "(`mkdir .vaultcrm` there marks a folder Obsidian has not opened)")


def parse_today(text: str | None) -> date:
    return _day(text, "--today") if text else date.today()


class Context:
    """Options given before or after the command name; the later one wins."""

    def __init__(self) -> None:
        self.vault: str | None = None
        self.today: str | None = None
        self.verbose = False

    @property
    def vault_path(self) -> Path:
        return find_vault(self.vault)

    @property
    def day(self) -> date:
        return parse_today(self.today or os.environ.get("VAULTCRM_TODAY"))


def _remember(name: str) -> Callable[[click.Context, click.Parameter, Any], Any]:
    def callback(ctx: click.Context, _param: click.Parameter, value: Any) -> Any:
        options = ctx.ensure_object(Context)
        if value not in (None, False):
            setattr(options, name, value)
        return value
    return callback


def common_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """--vault, --today and -v, accepted both before and after the command name."""
    func = click.option("-v", "--verbose", is_flag=True, expose_value=False, callback=_remember("verbose"),
                        help="Show details (and tracebacks for unexpected errors).")(func)
    func = click.option("--today", metavar="YYYY-MM-DD", expose_value=False, callback=_remember("today"),
                        help="Act as if today were this day (also $VAULTCRM_TODAY).")(func)
    func = click.option("--vault", metavar="PATH", expose_value=False, callback=_remember("vault"),
                        help="The vault folder (also $VAULTCRM_VAULT; default: the enclosing vault).")(func)
    return func


def handle_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn library exceptions into one line on stderr and the documented exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        options = click.get_current_context().ensure_object(Context)
        try:
            return func(*args, **kwargs)
        except VaultcrmError as exc:
            for warning in getattr(exc, "warnings", []):
                click.echo(f"Warning: {warning}", err=True)
            fail(exc.message, exc.hint, exc.exit_code)
        except KeyboardInterrupt:
            sys.exit(130)
        except BrokenPipeError:  # `vaultcrm due | head`: the reader left; say nothing more
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(1)
        except OSError as exc:  # what the library did not put in words itself
            error = file_error(exc, doing="use")
            fail(error.message, error.hint, error.exit_code)
        except Exception as exc:  # the last line of defence: never a bare traceback
            if options.verbose:
                import traceback

                traceback.print_exc()
            fail(f"unexpected failure: {type(exc).__name__}: {exc}",
                 "run again with -v for details, and report it", 1)

    return wrapper


def fail(message: str, hint: str | None, code: int) -> None:
    click.echo(f"Error: {message}" + (f" — {hint}" if hint else ""), err=True)
    sys.exit(code)


def warn_config(config: Config) -> None:
    for warning in config.warnings:
        click.echo(f"Warning: {warning}", err=True)


def state() -> Context:
    """The options of the command being run."""
    return click.get_current_context().ensure_object(Context)


def _checked() -> tuple[Path, date, Config]:
    """The vault, the day and the config of the command being run: the vault checked, the config's
    warnings shown."""
    from vaultcrm.config import load_config
    from vaultcrm.pipeline import check_vault

    options = state()
    vault = options.vault_path
    check_vault(vault)
    config = load_config(vault)
    warn_config(config)
    return vault, options.day, config


@contextmanager
def analysed() -> Iterator[Analysis]:
    """The vault analysed for the command being run; what the analysis built is kept out of the
    cycle collector's way until the command is done (see pipeline.open_memory)."""
    from vaultcrm.pipeline import analyse, open_memory

    vault, today, config = _checked()
    with open_memory(vault) as memory:
        yield analyse(vault, today, config, memory=memory)


def shown_today(*, due: bool = False) -> tuple[Path, date, Config, Shown]:
    """The vault, the day and the config of the command being run, with every contact's result and
    every problem (pipeline.shown: what `due` shows; `due`: the results may hold only that)."""
    from vaultcrm.pipeline import open_memory, shown

    vault, today, config = _checked()
    with open_memory(vault) as memory:
        return vault, today, config, shown(vault, today, config, memory, due=due)


def named_today() -> tuple[Path, date, Config, list[Named]]:
    """The vault, the day and the config of the command being run, with every contact's path, name and
    aliases in the order of their notes' paths (pipeline.named: what finds a contact by name)."""
    from vaultcrm.pipeline import named, open_memory

    vault, today, config = _checked()
    with open_memory(vault) as memory:
        return vault, today, config, named(vault, today, config, memory)


def parse_day(text: str | None, option: str) -> date | None:
    return None if text is None else _day(text, option)


def _day(text: str, option: str) -> date:
    """A day given on the command line, within the days vaultcrm reckons with."""
    from vaultcrm.durations import FIRST_DAY, LAST_DAY

    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"{option} {text!r} is not a date", hint="write it as YYYY-MM-DD") from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise UsageError(f"{option} {text} is out of range",
                         hint=f"give a day from {FIRST_DAY.isoformat()} to {LAST_DAY.isoformat()}")
    return day
