"""The command line: parse arguments, call the library, print. The one place errors become exit codes."""
from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import click

from vaultcrm import __version__
from vaultcrm.errors import UsageError, VaultcrmError


def find_vault(explicit: str | None) -> Path:
    """--vault, else $VAULTCRM_VAULT, else the nearest ancestor with .obsidian/ or .vaultcrm/, else cwd."""
    if explicit:
        return Path(explicit)
    if os.environ.get("VAULTCRM_VAULT"):
        return Path(os.environ["VAULTCRM_VAULT"])
    cwd = Path.cwd()
    for folder in (cwd, *cwd.parents):
        if (folder / ".obsidian").is_dir() or (folder / ".vaultcrm").is_dir():
            return folder
    return cwd


def parse_today(text: str | None) -> date:
    if not text:
        return date.today()
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"--today {text!r} is not a date", hint="write it as YYYY-MM-DD") from None


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
        state = ctx.ensure_object(Context)
        if value not in (None, False):
            setattr(state, name, value)
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
        state = click.get_current_context().ensure_object(Context)
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
        except Exception as exc:  # the last line of defence: never a bare traceback
            if state.verbose:
                import traceback

                traceback.print_exc()
            fail(f"unexpected failure: {type(exc).__name__}: {exc}",
                 "run again with -v for details, and report it", 1)

    return wrapper


def one_shot(func: Callable[..., Any]) -> Callable[..., Any]:
    """Run a command that reads the whole vault with the cycle collector paused. What it builds is
    acyclic, and freed by reference counting when the command returns, before collection resumes;
    otherwise the collector walks a vault's worth of objects once (about 50 ms at 10,000 notes).
    Nor does the interpreter's exit collect what is left (see _no_collection_at_exit)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from vaultcrm.cache.store import gc_paused

        _no_collection_at_exit()
        with gc_paused():
            return func(*args, **kwargs)

    return wrapper


@functools.cache
def _no_collection_at_exit() -> None:
    """The interpreter's exit runs a full collection over every object left, the imported modules'
    included: 30 ms of a 300 ms sync. Frozen first (gc.freeze), they are freed as the process ends."""
    import atexit
    import gc

    atexit.register(gc.freeze)


def fail(message: str, hint: str | None, code: int) -> None:
    click.echo(f"Error: {message}" + (f" — {hint}" if hint else ""), err=True)
    sys.exit(code)


def warn_config(config: Any) -> None:
    for warning in getattr(config, "warnings", []):
        click.echo(f"Warning: {warning}", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@common_options
@click.version_option(__version__, prog_name="vaultcrm")
def main() -> None:
    """vaultcrm: who in your Obsidian vault is due for a touch, and why.

    It reads your contact notes, daily notes and meeting notes, and writes a
    "Due this week" note back into the vault.
    """


def _progress_bar(total: int) -> Any:
    """A progress bar on stderr for a long cold sync (reading.progress)."""
    import contextlib

    @contextlib.contextmanager
    def bar() -> Any:
        with click.progressbar(length=total, label="Reading notes", file=sys.stderr) as shown:
            yield shown.update

    return bar()


@main.command()
@common_options
@click.option("--dry-run", is_flag=True, help="Print the note instead of writing it.")
@click.option("--force", is_flag=True, help="Replace the dashboard even if it was edited by hand.")
@click.option("--allow-empty", is_flag=True, help="Write even if no contacts are found where there were some.")
@handle_errors
@one_shot
def sync(dry_run: bool, force: bool, allow_empty: bool) -> None:
    """Render the "Due this week" note into the vault."""
    from vaultcrm.cache import memo as sync_memo
    from vaultcrm.config import load_config
    from vaultcrm.vault.scan import scan

    state = click.get_current_context().ensure_object(Context)
    vault = state.vault_path
    config = load_config(vault)  # a missing vault is reported by run_sync below
    warn_config(config)
    found = scan(vault, config) if vault.is_dir() else None  # one walk, for the memo and the sync
    if found is not None and not dry_run:
        unchanged = sync_memo.unchanged_summary(vault, state.day, config, found)
        if unchanged is not None:  # the last sync proves nothing changed: no note read, nothing imported
            click.echo(unchanged)
            return
    from vaultcrm.cache import contributions as reading
    from vaultcrm.pipeline import sync as run_sync

    if sys.stderr.isatty():
        reading.progress = _progress_bar
    report = run_sync(vault, state.day, dry_run=dry_run, force=force, allow_empty=allow_empty, config=config,
                      found=found)
    if dry_run:
        click.echo(report.text, nl=False)
        click.echo(report.summary, err=True)
    else:
        if report.ticked:
            click.echo(f"recorded a touch today for each ticked box: {', '.join(report.ticked)}", err=True)
        click.echo(report.summary)


@main.command()
@common_options
@click.option("--json", "as_json", is_flag=True, help="Print the reminders as JSON (see the README).")
@handle_errors
@one_shot
def due(as_json: bool) -> None:
    """List who is due, most overdue first."""
    from vaultcrm.dashboard.due import due_object, due_table

    analysis = _analysis(click.get_current_context().ensure_object(Context))
    if as_json:
        import json

        click.echo(json.dumps(due_object(analysis), ensure_ascii=False, indent=2))
        return
    for line, overdue in due_table(analysis):
        click.echo(click.style(line, fg="red") if overdue else line)
    if analysis.problems:
        click.echo(f"\n{len(analysis.problems)} problem(s): run `vaultcrm check` to see them.", err=True)


@main.command()
@common_options
@handle_errors
@one_shot
def check() -> None:
    """List problems and suspicious links; exit 1 when there is any problem."""
    analysis = _analysis(click.get_current_context().ensure_object(Context))
    for problem in analysis.problems:
        where = f"{problem.note}:{problem.line}" if problem.line else problem.note
        click.echo(f"{where}: {problem.message}")
    for link in analysis.index.suspicious:
        click.echo(f"{link.note}:{link.line}: [[{link.target}]] links to no note; Obsidian does not follow "
                   f"aliases — did you mean [[{link.contact[:-3]}|{link.target}]]?")
    problems, suspicious = len(analysis.problems), len(analysis.index.suspicious)
    click.echo(f"{problems} problem{'s' if problems != 1 else ''}, "
               f"{suspicious} suspicious link{'s' if suspicious != 1 else ''} "
               f"in {len(analysis.index.contacts)} contacts", err=True)
    if problems:
        sys.exit(1)


def _analysis(state: Context) -> Any:
    from vaultcrm.config import load_config
    from vaultcrm.pipeline import analyse, check_vault

    vault = state.vault_path
    check_vault(vault)
    config = load_config(vault)
    warn_config(config)
    return analyse(vault, state.day, config)


def _parse_day(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"{option} {text!r} is not a date", hint="write it as YYYY-MM-DD") from None


def _show_edit(result: Any, dry_run: bool, done: str) -> None:
    if dry_run:
        click.echo(result.diff or "(no change)", nl=False)
    click.echo(done if result.changed else "nothing to change: the note already says so",
               err=dry_run)


@main.command()
@common_options
@click.argument("name", shell_complete=lambda c, p, i: _complete_contact(c, p, i))  # defined at the end
@click.option("--date", "day", metavar="YYYY-MM-DD", help="When you were in touch (default: today).")
@click.option("--note", "text", default="", help="What you talked about, for the log line.")
@click.option("--give", is_flag=True, help="You gave something (an intro, a review, a tip): tag the line #give.")
@click.option("--ask", is_flag=True, help="You asked for something: tag the line #ask.")
@click.option("--channel", help="How: email, call, telegram, coffee, …")
@click.option("--dry-run", is_flag=True, help="Show the change as a diff; write nothing.")
@handle_errors
def touch(name: str, day: str | None, text: str, give: bool, ask: bool, channel: str | None,
          dry_run: bool) -> None:
    """Record that you were in touch with NAME (file name, name or alias)."""
    from vaultcrm.writeback.commands import touch as record

    if give and ask:
        raise UsageError("--give and --ask cannot both be given", hint="log a give and an ask as two touches")
    state = click.get_current_context().ensure_object(Context)
    analysis = _analysis(state)
    when = _parse_day(day, "--date") or analysis.today
    contact, result = record(analysis.vault, analysis.index.contacts, analysis.config, name, when, analysis.today,
                             text=text, give=give, ask=ask, channel=channel, dry_run=dry_run)
    verb = "would record" if dry_run else "recorded"
    _show_edit(result, dry_run, f"{verb} a touch with {contact.name} on {when.isoformat()} in {contact.path}")


@main.command()
@common_options
@click.argument("name", shell_complete=lambda c, p, i: _complete_contact(c, p, i))  # defined at the end
@click.option("--until", metavar="YYYY-MM-DD", help="Silence reminders until this day.")
@click.option("--for", "span", metavar="DURATION", help="Silence reminders for a while: 2w, 1m, …")
@click.option("--clear", is_flag=True, help="Remove the snooze.")
@click.option("--dry-run", is_flag=True, help="Show the change as a diff; write nothing.")
@handle_errors
def snooze(name: str, until: str | None, span: str | None, clear: bool, dry_run: bool) -> None:
    """Silence NAME's follow-up and cadence reminders for a while."""
    from vaultcrm.writeback.commands import snooze as set_snooze

    state = click.get_current_context().ensure_object(Context)
    analysis = _analysis(state)
    contact, result = set_snooze(analysis.vault, analysis.index.contacts, analysis.config, name, analysis.today,
                                 until=_parse_day(until, "--until"), span=span, clear=clear, dry_run=dry_run)
    what = "cleared the snooze of" if clear else "snoozed"
    _show_edit(result, dry_run, f"{'would have ' if dry_run else ''}{what} {contact.name} ({contact.path})")


@main.command()
@common_options
@click.argument("name")
@click.option("--tier", help="Tier name or alias (A, close, warm, …).")
@click.option("--met", metavar="YYYY-MM-DD", help="When you met (a follow-up is due the next day).")
@click.option("--how-met", help="Where or how you met.")
@click.option("--company", help="Where they work.")
@click.option("--channel", help="How they like to be reached.")
@click.option("--dry-run", is_flag=True, help="Print the new note; write nothing.")
@handle_errors
def add(name: str, tier: str | None, met: str | None, how_met: str | None, company: str | None,
        channel: str | None, dry_run: bool) -> None:
    """Create a contact note for NAME in the first contact folder (never overwrites)."""
    from vaultcrm.writeback.commands import add as create

    state = click.get_current_context().ensure_object(Context)
    analysis = _analysis(state)
    rel, text = create(analysis.vault, analysis.index.contacts, analysis.config, name, analysis.today, tier=tier,
                       met=_parse_day(met, "--met"), how_met=how_met, company=company, channel=channel,
                       dry_run=dry_run)
    if dry_run:
        click.echo(text, nl=False)
    click.echo(f"{'would create' if dry_run else 'created'} {rel}", err=dry_run)


# ── watch and service (issue #3; owned by the watcher's author: keep edits inside this section) ──────

@main.command()
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

    state = click.get_current_context().ensure_object(Context)
    pinned = state.day if (state.today or os.environ.get("VAULTCRM_TODAY")) else None
    code = run_watch(state.vault_path, debounce=debounce, poll=poll, log_file=log_file,
                     rescan_minutes=rescan_minutes, today=pinned)
    if code:
        sys.exit(code)


@main.group()
def service() -> None:
    """Run `vaultcrm watch` in the background (systemd user unit on Linux, launchd agent on macOS)."""


def _service_command(name: str, doc: str) -> None:
    @service.command(name=name, help=doc)
    @common_options
    @click.option("--dry-run", is_flag=True, help="Print what would be written and run; change nothing.")
    @handle_errors
    def command(dry_run: bool) -> None:
        from vaultcrm.daemon import service as svc

        state = click.get_current_context().ensure_object(Context)
        click.echo(getattr(svc, name)(state.vault_path, dry_run=dry_run))


_service_command("install", "Write the unit for this vault and start it (restarts it when it fails).")
_service_command("uninstall", "Stop the daemon and remove its unit. Nothing in the vault is touched.")
_service_command("status", "Is the service installed and the daemon running; its last log lines.")


# ── import, export and completion (issue #6; keep edits inside this section) ─────────────────────


def _complete_contact(ctx: Any, param: Any, incomplete: str) -> Any:
    """Shell completion of contact names for the NAME arguments of touch and snooze, above;
    `completion` (and what it imports) loads only when asked."""
    from vaultcrm.cli.completion import complete_contact

    return complete_contact(ctx, param, incomplete)


@main.group(name="import")
def import_group() -> None:
    """Create or update contact notes from a LinkedIn, vCard or Google Contacts export.

    A person already in the vault (same email, LinkedIn URL, or name) only gets the fields
    their note lacks; nothing you wrote is overwritten unless --overwrite. Running the same
    import again changes nothing.
    """


def _import_command(kind: str, doc: str) -> None:
    @import_group.command(name=kind, help=doc)
    @common_options
    @click.argument("file", metavar="FILE")
    @click.option("--tier", help="Give the notes it creates this tier (default: none, so no reminders).")
    @click.option("--overwrite", is_flag=True, help="Replace one-line values that differ from the export.")
    @click.option("--dry-run", is_flag=True, help="Show every note it would create or change; write nothing.")
    @handle_errors
    def command(file: str, tier: str | None, overwrite: bool, dry_run: bool) -> None:
        from vaultcrm.importers import read_people
        from vaultcrm.importers.merge import describe, import_people

        state = click.get_current_context().ensure_object(Context)
        people = read_people(kind, file)
        analysis = _analysis(state)
        report = import_people(analysis.vault, analysis.index.contacts, analysis.config, people,
                               analysis.today, tier=tier, overwrite=overwrite, dry_run=dry_run)
        for result in report.results:
            if result.status == "unchanged" and not state.verbose:
                continue
            click.echo(describe(result, file, dry_run=dry_run))
            if dry_run and result.diff:
                click.echo(result.diff, nl=False)
        click.echo(report.summary)
        created = report.count("created")
        if created and not tier and analysis.config.default_tier:
            click.echo(f"Note: default_tier = {analysis.config.default_tier} applies to the {created} new "
                       "note(s); pass --tier, or give them a tier later", err=True)
        if report.count("refused"):
            sys.exit(7)


_import_command("linkedin", "Import LinkedIn's Connections.csv (met, how_met: LinkedIn, company, role, linkedin, email).")
_import_command("vcard", "Import a .vcf file (name, emails, phones, organisation, title, birthday, notes).")
_import_command("google", "Import a Google Contacts CSV export (name, emails, phones, organisation, title, birthday, notes).")


@main.group(name="export")
def export_group() -> None:
    """Export reminders as a calendar (.ics) or the contacts as a spreadsheet (.csv)."""


def _emit(vault: Path, output: str | None, data: bytes, suffix: str) -> None:
    from vaultcrm.exporters.outputs import output_path, write_output

    if output is None or output == "-":
        click.echo(data, nl=False)
        return
    target = output_path(vault, output, suffix)
    click.echo(f"wrote {output}" if write_output(target, data) else f"{output} unchanged")


@export_group.command(name="ics")
@common_options
@click.option("-o", "--output", metavar="FILE", help="Write here (only when it changes) instead of stdout.")
@click.option("--horizon", default="90d", show_default=True, metavar="DURATION",
              help="How far ahead reminders go; occasions repeat yearly regardless.")
@handle_errors
def export_ics(output: str | None, horizon: str) -> None:
    """The reminders and occasions as an iCalendar feed to subscribe to."""
    from vaultcrm.durations import parse_duration
    from vaultcrm.exporters.outputs import ics_data

    try:
        span = parse_duration(horizon)
    except ValueError as exc:
        raise UsageError(f"--horizon {horizon!r}: {exc}", hint="e.g. --horizon 90d, 12w or 6m") from None
    analysis = _analysis(click.get_current_context().ensure_object(Context))
    _emit(analysis.vault, output, ics_data(analysis, span), ".ics")


@export_group.command(name="csv")
@common_options
@click.option("-o", "--output", metavar="FILE", help="Write here (only when it changes) instead of stdout.")
@handle_errors
def export_csv(output: str | None) -> None:
    """One row per contact: name, company, how met, last touch, tier, next due, touches, notes."""
    from vaultcrm.exporters.outputs import csv_data

    analysis = _analysis(click.get_current_context().ensure_object(Context))
    text = csv_data(analysis)
    # A file gets a byte-order mark so that Excel reads it as UTF-8; stdout stays plain.
    _emit(analysis.vault, output, (text if output in (None, "-") else "\ufeff" + text).encode("utf-8"), ".csv")
