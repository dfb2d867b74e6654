"""The commands that read the vault: `sync` (write the dashboard), `due` and `check`."""
from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import click

from vaultcrm.cli.options import (
    analysed,
    common_options,
    handle_errors,
    shown_today,
    state,
    warn_config,
)

if TYPE_CHECKING:
    from vaultcrm.crm.analysis import Analysis


def _progress_bar(total: int) -> Any:
    """A progress bar on stderr for a long cold sync."""

    @contextmanager
    def bar() -> Iterator[Any]:
        with click.progressbar(length=total, label="Reading notes", file=sys.stderr) as shown:
            yield shown.update

    return bar()


@click.command()
@common_options
@click.option("--dry-run", is_flag=True, help="Print the note instead of writing it.")
@click.option("--force", is_flag=True, help="Replace the dashboard even if it was edited by hand.")
@click.option("--allow-empty", is_flag=True, help="Write even if no contacts are found where there were some.")
@handle_errors
def sync(dry_run: bool, force: bool, allow_empty: bool) -> None:
    """Render the "Due this week" note into the vault."""
    from vaultcrm.config import load_config
    from vaultcrm.pipeline import check_vault
    from vaultcrm.pipeline import sync as run_sync

    options = state()
    vault = options.vault_path
    check_vault(vault)
    config = load_config(vault)
    warn_config(config)
    report = run_sync(vault, options.day, dry_run=dry_run, force=force, allow_empty=allow_empty, config=config,
                      progress=_progress_bar if sys.stderr.isatty() else None)
    if dry_run:
        click.echo(report.text, nl=False)
        click.echo(report.summary, err=True)
    else:
        if report.ticked:
            click.echo(f"recorded a touch today for each ticked box: {', '.join(report.ticked)}", err=True)
        click.echo(report.summary)


@click.command()
@common_options
@click.option("--json", "as_json", is_flag=True, help="Print the reminders as JSON (see the README).")
@handle_errors
def due(as_json: bool) -> None:
    """List who is due: today's agenda, then later this week."""
    from vaultcrm.dashboard.due import due_object, due_table

    _, today, config, results = shown_today(due=True)
    if as_json:
        import json

        click.echo(json.dumps(due_object(results, config, today), ensure_ascii=False, indent=2))
        return
    for line, overdue in due_table(results, config, today):
        click.echo(click.style(line, fg="red") if overdue else line)
    if results.problems:
        from vaultcrm.i18n import language

        n = len(results.problems)
        click.echo("\n" + language(config.language).ngettext(
            "{n} problem: run `vaultcrm check` to see it.", "{n} problems: run `vaultcrm check` to see them.",
            n).format(n=n), err=True)


@click.command()
@common_options
@handle_errors
def check() -> None:
    """List problems, suspicious links and hints; exit 1 when there is any problem."""
    with analysed() as analysis:
        problems, _suspicious = _report_problems(analysis)
    if problems:
        sys.exit(1)


def _report_problems(analysis: Analysis) -> tuple[int, int]:
    """Print the problems and suspicious links; their counts."""
    for problem in analysis.problems:
        where = f"{problem.note}:{problem.line}" if problem.line else problem.note
        click.echo(f"{where}: {problem.message}")
    for link in analysis.index.suspicious:
        click.echo(f"{link.note}:{link.line}: [[{link.target}]] links to no note; Obsidian does not follow "
                   f"aliases — did you mean [[{link.contact[:-3]}|{link.target}]]?")
    for hint in analysis.index.hints:
        click.echo(f"{hint.note}:{hint.line}: {hint.message}")
    problems, suspicious = len(analysis.problems), len(analysis.index.suspicious)
    hints = len(analysis.index.hints)
    click.echo(f"{problems} problem{'s' if problems != 1 else ''}, "
               f"{suspicious} suspicious link{'s' if suspicious != 1 else ''}"
               + (f", {hints} hint{'s' if hints != 1 else ''}" if hints else "")
               + f" in {len(analysis.index.contacts)} contacts", err=True)
    return problems, suspicious
