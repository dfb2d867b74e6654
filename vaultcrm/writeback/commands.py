"""The write-back commands: `touch`, `snooze` and `add`."""
from __future__ import annotations

import json
import os
import re
import unicodedata
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from vaultcrm.config import Config
from vaultcrm.crm.names import Named, name_key, resolve_contact
from vaultcrm.durations import add_duration, parse_duration
from vaultcrm.errors import ConfigError, NotEditableError, NotOursError, UsageError
from vaultcrm.fields import EMAIL_KEYS, LINKEDIN_KEYS, field_keys
from vaultcrm.vault.dates import DailyFormat, DateReader
from vaultcrm.vault.frontmatter import read_text
from vaultcrm.vault.scan import is_conflict_copy_of
from vaultcrm.writeback.atomic import atomic_write
from vaultcrm.writeback.edit import (
    EditResult,
    add_notes,
    apply_edit,
    log_line,
    remove_field,
    set_date_field,
    set_text_field,
    touch_note,
)

_FIRST_LINK = re.compile(r"\[\[([^\]|#^]+)|\[[^\]]*\]\(([^)\s]+)\)")
_UNSAFE_NAME = re.compile(r'[\\/:*?"<>|#^\[\]\x00-\x1f]')
_RESERVED = re.compile(r"^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$", re.IGNORECASE)


def check_not_conflicted(vault: Path, rel: str) -> None:
    """Refuse to edit the note at `rel` while a sync-conflict copy of it sits beside it."""
    note = vault / rel
    for sibling in note.parent.iterdir():
        if is_conflict_copy_of(sibling.name, note.name):
            raise NotEditableError(f"{rel} has a sync-conflict copy ({sibling.name}); nothing was written",
                                   hint="merge the copy into the note and delete it, then run the command again")


def touch_contact(vault: Path, contact: Named, config: Config, day: date, *, text: str = "",
                  give: bool = False, ask: bool = False, channel: str | None = None,
                  dry_run: bool = False) -> EditResult:
    """Raise the contact's last-touch date to `day` (never back) and append a dated log line."""
    check_not_conflicted(vault, contact.path)
    keys = field_keys(config.fields)["last_touch"]
    line = log_line(day, text, give=give, ask=ask, channel=channel)
    dates = reader(config)
    return apply_edit(vault / contact.path,
                      lambda data: touch_note(data, keys, day, config.log_heading, line, dates=dates),
                      dry_run=dry_run)


def reader(config: Config) -> DateReader:
    """How the vault's dates read: its daily-note format and `date_order`."""
    return DateReader(DailyFormat(config.daily_notes), config.date_order)


def touch(vault: Path, contacts: Sequence[Named], config: Config, query: str, day: date, today: date,
          **options: object) -> tuple[Named, EditResult]:
    """`vaultcrm touch NAME`: find the one contact `query` names and record a touch on `day`."""
    if day > today:
        raise UsageError(f"--date {day.isoformat()} is after today ({today.isoformat()})",
                         hint="a touch is something that has happened; use a task with 📅 for plans")
    contact = resolve_contact(query, contacts)
    return contact, touch_contact(vault, contact, config, day, **options)  # type: ignore[arg-type]


def snooze(vault: Path, contacts: Sequence[Named], config: Config, query: str, today: date, *,
           until: date | None = None, span: str | None = None, clear: bool = False,
           dry_run: bool = False) -> tuple[Named, EditResult]:
    """`vaultcrm snooze NAME --until D | --for 2w | --clear`: set or remove `snooze_until`."""
    if sum((until is not None, span is not None, clear)) != 1:
        raise UsageError("give exactly one of --until, --for or --clear", hint="e.g. vaultcrm snooze Jane --for 2w")
    if span is not None:
        try:
            until = add_duration(today, parse_duration(span))
        except ValueError as exc:
            raise UsageError(f"--for {span!r}: {exc}") from None
    if until is not None and until <= today:
        raise UsageError(f"--until {until.isoformat()} is not after today ({today.isoformat()})",
                         hint="a snooze ends in the future; use --clear to end one now")
    contact = resolve_contact(query, contacts)
    check_not_conflicted(vault, contact.path)
    keys = field_keys(config.fields)["snooze_until"]
    if clear:
        return contact, apply_edit(vault / contact.path, lambda data: remove_field(data, keys), dry_run=dry_run)
    assert until is not None
    day, dates = until, reader(config)
    return contact, apply_edit(vault / contact.path,
                               lambda data: set_date_field(data, keys, "snooze_until", day, never_earlier=False,
                                                           dates=dates),
                               dry_run=dry_run)


def safe_file_name(name: str) -> str:
    """A file name that is valid on Windows, macOS and Linux and works inside a wikilink."""
    text = unicodedata.normalize("NFC", " ".join(name.split()))
    text = _UNSAFE_NAME.sub(" ", text)
    text = " ".join(text.split()).strip(" .")[:120].strip(" .")
    if not text:
        raise UsageError(f"{name!r} leaves nothing usable as a file name", hint="give the person's name")
    return f"{text} (contact)" if _RESERVED.match(text) else text


def _yaml(value: str | None) -> str:
    return json.dumps(value, ensure_ascii=False) if value else ""


_TAG = re.compile(r"[\w/-]*[^\W\d_][\w/-]*")


def note_tags(tags: Sequence[str]) -> str:
    """`person` and `tags` (`#` optional) as a YAML flow list, each once: `[person, recruiter]`."""
    out = ["person"]
    for tag in tags:
        text = tag.strip().lstrip("#")
        if not _TAG.fullmatch(text):
            raise UsageError(f"--tag {tag!r} is not a tag", hint="a tag holds letters, digits, _, - and /, "
                                                                 "e.g. --tag recruiter or --tag person/work")
        if text.casefold() not in {t.casefold() for t in out}:
            out.append(text)
    return "[" + ", ".join(out) + "]"


def add(vault: Path, contacts: Sequence[Named], config: Config, name: str, today: date, *,
        tier: str | None = None, met: date | None = None, how_met: str | None = None,
        company: str | None = None, channel: str | None = None, tags: Sequence[str] = (),
        email: str | None = None, linkedin: str | None = None, note: str | None = None,
        dry_run: bool = False) -> tuple[str, str]:
    """`vaultcrm add NAME`: a new note in the first contact folder; never overwrites. Returns (path, text).

    The template writes the fields it knows; an email or LinkedIn URL goes in as its own property the
    way the importers add theirs, and the note as a paragraph above the log heading."""
    if tier is not None and config.tier_named(tier) is None:
        raise UsageError(f"--tier {tier!r} is not a tier", hint="use one of " + ", ".join(t.name for t in config.tiers))
    if email is not None and not re.fullmatch(r"[^\s@]+@[^\s@]+", email.strip()):
        raise UsageError(f"--email {email!r} is not an email address", hint="write it like ann@example.org")
    from vaultcrm.vault.links import key  # (how links find notes: `touch` and `snooze` need none of it)

    wanted = name_key(name)
    existing = [c for c in contacts
                if any(name_key(n) == wanted for n in (c.name, c.path[:-3].rsplit("/", 1)[-1], *c.aliases))]
    rel = f"{config.contact_folders[0]}/{safe_file_name(name)}.md"
    clash = next((c.path for c in contacts if key(c.path) == key(rel)), None)
    if existing or clash or (vault / rel).exists():
        found = existing[0].path if existing else clash or rel
        raise NotOursError(f"a note for {name!r} already exists: {found}; nothing was written",
                           hint=f'use `vaultcrm touch "{name}"`, or give a fuller name')
    from vaultcrm.dashboard.render import contact_note

    text = contact_note(vault, {
        "title": " ".join(name.split()), "tier": _yaml(config.tier_named(tier)) if tier else "",
        "met": met.isoformat() if met else "", "how_met": _yaml(how_met), "company": _yaml(company),
        "channel": _yaml(channel), "tags": note_tags(tags), "today": today.isoformat(),
        "log_heading": config.log_heading[0]})
    data = _filled(text.encode("utf-8"), tags, email, linkedin, note, config.log_heading)
    if not dry_run:
        target = vault / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        _create_new(target, data)
    return rel, data.decode("utf-8")


def _filled(data: bytes, tags: Sequence[str], email: str | None, linkedin: str | None, note: str | None,
            log_heading: Sequence[str]) -> bytes:
    """The rendered note with the email, LinkedIn URL and note added; ConfigError (exit 3) when the
    vault's own template leaves out the tags asked for."""
    from vaultcrm.crm.contacts import tags_of  # (how contacts are read: `touch` and `snooze` need none of it)

    written = set(tags_of(read_text(data.decode("utf-8"))[0].data))
    missing = [t for t in tags if t.strip().lstrip("#").lower() not in written]
    if missing:
        raise ConfigError(f"the contact template does not write the tags given with --tag ({', '.join(missing)})",
                          hint="write `tags: {{ tags }}` in .vaultcrm/templates/contact.md.j2, as the packaged "
                               "template does")
    for keys, default, value in ((EMAIL_KEYS, "email", email), (LINKEDIN_KEYS, "linkedin", linkedin)):
        if value and value.strip():
            data = set_text_field(data, keys, default, value.strip())
    return add_notes(data, note, log_heading) if note and note.strip() else data


def _create_new(target: Path, data: bytes) -> None:
    """Write a new file atomically, failing (never replacing) when something appeared there meanwhile."""
    def absent() -> None:
        if os.path.lexists(target):
            raise NotOursError(f"{target.name} appeared while vaultcrm was writing it; nothing was written")
    atomic_write(target, data, check=absent)
