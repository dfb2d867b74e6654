"""Bringing people in and taking reminders out: `import` and `export`."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from vaultcrm.cli.options import analysed, common_options, handle_errors, state
from vaultcrm.errors import UsageError


@click.group(name="import")
def import_group() -> None:
    """Create or update contact notes from a LinkedIn, vCard or Google Contacts export.

    A person already in the vault (same email, LinkedIn URL, or name) only gets the fields
    their note lacks; a different company or role is listed as a job change to review.
    --overwrite replaces only values an earlier import wrote; yours are kept and shown as a
    diff. Running the same import again changes nothing.
    """


def _import_command(kind: str, doc: str) -> None:
    @import_group.command(name=kind, help=doc)
    @common_options
    @click.argument("file", metavar="FILE")
    @click.option("--tier", help="Give the notes it creates this tier (default: none, so no reminders).")
    @click.option("--overwrite", is_flag=True,
                  help="Replace values an earlier import wrote (and you left alone) that differ from the export.")
    @click.option("--dry-run", is_flag=True, help="Show every note it would create or change; write nothing.")
    @handle_errors
    def command(file: str, tier: str | None, overwrite: bool, dry_run: bool) -> None:
        from vaultcrm.importers import read_people
        from vaultcrm.importers.merge import describe, import_people, review_lines

        people = read_people(kind, file)
        with analysed() as analysis:
            report = import_people(analysis.vault, analysis.index.contacts, analysis.config, people,
                                   analysis.today, tier=tier, overwrite=overwrite, dry_run=dry_run)
        for result in report.results:
            if result.status == "unchanged" and not state().verbose:
                continue
            click.echo(describe(result, file, dry_run=dry_run))
            if dry_run and result.diff:
                click.echo(result.diff, nl=False)
        for line in review_lines(report):
            click.echo(line)
        for warning in report.warnings:
            click.echo(f"Warning: {warning}", err=True)
        click.echo(report.summary)
        created = report.count("created")
        if created and not tier and analysis.config.default_tier:
            click.echo(f"Note: default_tier = {analysis.config.default_tier} applies to the {created} new "
                       "note(s); pass --tier, or give them a tier later", err=True)
        if report.count("refused"):
            sys.exit(7)


_import_command("linkedin", "Import LinkedIn's Connections.csv "
                            "(met, how_met: LinkedIn, company, role, linkedin, email).")
_import_command("vcard", "Import a .vcf file (name, emails, phones, organisation, title, birthday, notes).")
_import_command("google", "Import a Google Contacts CSV export "
                          "(name, emails, phones, organisation, title, birthday, notes).")


@click.group(name="export")
def export_group() -> None:
    """Export reminders as a calendar (.ics) or the contacts as a spreadsheet (.csv)."""


def _emit(vault: Path, output: str | None, data: bytes, suffix: str) -> None:
    from vaultcrm.exporters.outputs import output_path, stream_output, write_output, write_stream

    if output is None or output == "-":
        click.echo(data, nl=False)
        return
    stream = stream_output(output)
    if stream is not None:
        sys.stdout.flush()
        write_stream(stream, data)
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
    with analysed() as analysis:
        _emit(analysis.vault, output, ics_data(analysis, span), ".ics")


@export_group.command(name="csv")
@common_options
@click.option("-o", "--output", metavar="FILE", help="Write here (only when it changes) instead of stdout.")
@handle_errors
def export_csv(output: str | None) -> None:
    """One row per contact: name, company, how met, last touch, tier, next due, touches, notes."""
    from vaultcrm.exporters.outputs import csv_data

    with analysed() as analysis:
        text = csv_data(analysis)
        # A file gets a byte-order mark so that Excel reads it as UTF-8; stdout stays plain.
        _emit(analysis.vault, output, (text if output in (None, "-") else "\ufeff" + text).encode("utf-8"), ".csv")
