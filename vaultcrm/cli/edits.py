"""The commands that write to contact notes: `touch`, `snooze` and `add`. They find contacts by
file name, name or alias (options.named_today), which the cache keeps: no analysis when it has them."""
from __future__ import annotations

from typing import Any

import click

from vaultcrm.cli.options import common_options, handle_errors, named_today, parse_day
from vaultcrm.errors import UsageError


def complete_contact(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    """Contact names for the shell; `completion` (and what it imports) loads only when asked."""
    from vaultcrm.cli.completion import complete_contact as complete

    return complete(ctx, param, incomplete)


def _show_edit(result: Any, dry_run: bool, done: str) -> None:
    if dry_run:
        click.echo(result.diff or "(no change)", nl=False)
    click.echo(done if result.changed else "nothing to change: the note already says so",
               err=dry_run)


@click.command()
@common_options
@click.argument("name", shell_complete=complete_contact)
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
    vault, today, config, contacts = named_today()
    when = parse_day(day, "--date") or today
    contact, result = record(vault, contacts, config, name, when, today, text=text, give=give,
                             ask=ask, channel=channel, dry_run=dry_run)
    verb = "would record" if dry_run else "recorded"
    _show_edit(result, dry_run, f"{verb} a touch with {contact.name} on {when.isoformat()} in {contact.path}")


@click.command()
@common_options
@click.argument("name", shell_complete=complete_contact)
@click.option("--until", metavar="YYYY-MM-DD", help="Silence reminders until this day.")
@click.option("--for", "span", metavar="DURATION", help="Silence reminders for a while: 2w, 1m, …")
@click.option("--clear", is_flag=True, help="Remove the snooze.")
@click.option("--dry-run", is_flag=True, help="Show the change as a diff; write nothing.")
@handle_errors
def snooze(name: str, until: str | None, span: str | None, clear: bool, dry_run: bool) -> None:
    """Silence NAME's follow-up and cadence reminders for a while."""
    from vaultcrm.writeback.commands import snooze as set_snooze

    vault, today, config, contacts = named_today()
    contact, result = set_snooze(vault, contacts, config, name, today,
                                 until=parse_day(until, "--until"), span=span, clear=clear, dry_run=dry_run)
    what = "cleared the snooze of" if clear else "snoozed"
    _show_edit(result, dry_run, f"{'would have ' if dry_run else ''}{what} {contact.name} ({contact.path})")


@click.command()
@common_options
@click.argument("name")
@click.option("--tier", help="Tier name or alias (A, close, warm, …).")
@click.option("--met", metavar="YYYY-MM-DD", help="When you met (a follow-up is due the next day).")
@click.option("--how-met", help="Where or how you met.")
@click.option("--company", help="Where they work.")
@click.option("--channel", help="How they like to be reached.")
@click.option("--tag", "tags", multiple=True, help="A tag besides `person` (repeat for more): --tag recruiter.")
@click.option("--email", help="Their email address.")
@click.option("--linkedin", help="Their LinkedIn profile URL.")
@click.option("--note", help="A few words about them, above the log heading.")
@click.option("--dry-run", is_flag=True, help="Print the new note; write nothing.")
@handle_errors
def add(name: str, tier: str | None, met: str | None, how_met: str | None, company: str | None,
        channel: str | None, tags: tuple[str, ...], email: str | None, linkedin: str | None, note: str | None,
        dry_run: bool) -> None:
    """Create a contact note for NAME in the first contact folder (never overwrites)."""
    from vaultcrm.writeback.commands import add as create

    vault, today, config, contacts = named_today()
    rel, text = create(vault, contacts, config, name, today, tier=tier,
                       met=parse_day(met, "--met"), how_met=how_met, company=company, channel=channel, tags=tags,
                       email=email, linkedin=linkedin, note=note, dry_run=dry_run)
    if dry_run:
        click.echo(text, nl=False)
    click.echo(f"{'would create' if dry_run else 'created'} {rel}", err=dry_run)
