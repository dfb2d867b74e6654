"""Importing people into the vault: match each `Person` to a contact note, then create
the note, fill its empty fields, or leave it alone.

    report = import_people(vault, contacts, config, people, today, tier=None, overwrite=False,
                           dry_run=False)
    report.summary  # "3 created · 2 updated · 5 unchanged · 1 ambiguous"

Matching, in order: an email address the note holds (any email key), then the LinkedIn profile
URL, then the name — the note's file name, `name` or an alias, compared by `names.name_key`
(case, accents, word order, honorifics and punctuation ignored; all words, no prefixes). The first
rule that finds anything decides; when it finds several notes, the person is ambiguous and
nothing is written. A name match whose note holds a different LinkedIn profile is ambiguous too.

An update only fills fields the note lacks or leaves empty (`edit.set_text_field`). A value that
differs from the export is a `Change`: a job change when it is the company or the role, listed for
review. With `overwrite`, a differing one-line value is replaced only when an import wrote it and it
is unchanged since (`record.ImportRecord`); any other is kept, and the change shows it as a diff.
Lists and blocks are never touched. New notes come from
the `contact.md.j2` template (the vault's override when there is one) in the first contact folder;
the remaining fields are then inserted the same surgical way, and the export's notes go into the
body, above the log heading. A note that cannot be edited or created is reported and counted as
refused; the others go on.
"""
from __future__ import annotations

import difflib
import os
import re
from collections.abc import Callable, Container, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from jinja2 import TemplateError

from vaultcrm.config import Config
from vaultcrm.crm.contacts import normalised
from vaultcrm.crm.names import fold, name_key
from vaultcrm.dashboard.render import render_template, template
from vaultcrm.errors import NotEditableError, NotOursError, UsageError, VaultcrmError
from vaultcrm.fields import (
    EMAIL_KEYS,
    LINKEDIN_KEYS,
    OTHER_EMAIL_KEYS,
    OTHER_PHONE_KEYS,
    PHONE_KEYS,
    field_keys,
    normalise_key,
)
from vaultcrm.importers import Person
from vaultcrm.importers.record import ImportRecord
from vaultcrm.model import Contact
from vaultcrm.vault.dates import link_target, to_month_day
from vaultcrm.vault.inline import properties, source_fields
from vaultcrm.vault.links import key as path_key
from vaultcrm.vault.notes import parse as parse_note
from vaultcrm.vault.scan import is_conflict_copy, is_conflict_copy_of
from vaultcrm.writeback.atomic import atomic_write
from vaultcrm.writeback.commands import note_tags, safe_file_name
from vaultcrm.writeback.edit import EditResult, add_notes, apply_edit, same_text, set_text_field, yaml_scalar

STATUSES = ("created", "updated", "unchanged", "ambiguous", "refused")
JOB_FIELDS = ("company", "role")
# Legal forms left out when telling whether a company changed (`Acme, Inc.` is still `Acme`).
_LEGAL_FORMS = frozenset({"inc", "incorporated", "corp", "corporation", "co", "llc", "ltd", "limited", "gmbh",
                          "ag", "sa", "sas", "bv", "nv", "plc", "srl", "sro", "oy", "ab", "as", "pty", "pte",
                          "ооо", "оао", "зао", "пао", "ао"})

_EMAIL = re.compile(r"[^\s,;<>\"'\[\]()]+@[^\s,;<>\"'\[\]()]+")


@dataclass(frozen=True)
class Result:
    """What happened to one person of the export."""

    person: Person
    status: str  # one of STATUSES
    path: str | None = None
    fields: tuple[str, ...] = ()  # the keys written (updated, created)
    message: str = ""  # why (ambiguous, refused)
    candidates: tuple[str, ...] = ()  # the notes an ambiguous person matches
    diff: str = ""  # the change as a unified diff (dry runs)
    changes: tuple[Change, ...] = ()  # values the note holds and the export says otherwise


@dataclass(frozen=True)
class Change:
    """A one-line value the note holds and the export says otherwise."""

    key: str  # the field: company, role, how_met, …
    ours: str  # the note's value, as text
    theirs: str  # the export's
    line: str  # the note's line holding it
    wanted: str  # the line the export would make of it
    replaced: bool  # an import wrote the value before, and `--overwrite` replaced it

    @property
    def job(self) -> bool:
        return self.key in JOB_FIELDS


@dataclass
class ImportReport:
    results: list[Result] = field(default_factory=list)
    dry_run: bool = False
    overwrite: bool = False
    warnings: list[str] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def job_changes(self) -> list[tuple[Result, list[Change]]]:
        """Each person whose company or role in the export differs from the note, with those changes."""
        found = [(r, [c for c in r.changes if c.job]) for r in self.results]
        return [(r, changes) for r, changes in found if changes]

    @property
    def kept(self) -> list[tuple[Result, list[Change]]]:
        """With `overwrite`: each note with values it kept as the user's own, with those changes."""
        if not self.overwrite:
            return []
        found = [(r, [c for c in r.changes if not c.replaced]) for r in self.results]
        return [(r, changes) for r, changes in found if changes]

    @property
    def summary(self) -> str:
        parts = [f"{self.count(s)} {s}" for s in STATUSES if s != "refused" or self.count(s)]
        jobs = len(self.job_changes)
        kept = sum(len(changes) for _, changes in self.kept)
        if jobs:
            parts.append(f"{jobs} job change{'s' if jobs != 1 else ''} to review")
        if kept:
            parts.append(f"{kept} value{'s' if kept != 1 else ''} of yours kept")
        return " · ".join(parts) + (" · dry run, nothing written" if self.dry_run else "")


# -- identifiers ----------------------------------------------------------------------------------

def linkedin_key(url: str) -> str:
    """`https://uk.linkedin.com/in/Jane-Doe/?trk=x` -> `in/jane-doe`; "" when it is no profile URL."""
    text = unquote(url.strip()).casefold()
    text = re.sub(r"^[a-z]+://", "", text)
    text = re.split(r"[?#]", text, maxsplit=1)[0].rstrip("/")
    host, _, rest = text.partition("/")
    if not (host == "linkedin.com" or host.endswith(".linkedin.com")) or not rest:
        return ""
    return rest


def phone_key(text: str) -> str:
    return re.sub(r"\D", "", text)


def _same_phone(a: str, b: str) -> bool:
    """The same number, with or without its country code (`+420 601…` ~ `601…`)."""
    a, b = phone_key(a), phone_key(b)
    if not a or not b:
        return False
    short, long = sorted((a, b), key=len)
    return a == b or (len(short) >= 9 and long.endswith(short))


def _texts(value: Any) -> list[str]:
    if value is None or isinstance(value, (bool, dict)):
        return []
    if isinstance(value, list):
        return [t for item in value for t in _texts(item)]
    target = link_target(value)
    return [target if target is not None else str(value)]


def _values(fm: dict[str, Any], keys: Iterable[str]) -> list[str]:
    """Every text of the normalised `keys` in a normalised frontmatter."""
    return [t for k in keys for t in _texts(fm.get(k))]


def note_emails(fm: dict[str, Any]) -> set[str]:
    return {e.casefold() for text in _values(fm, (*EMAIL_KEYS, *OTHER_EMAIL_KEYS))
            for e in _EMAIL.findall(text.replace("mailto:", " "))}


def note_phones(fm: dict[str, Any]) -> list[str]:
    return [p.strip() for text in _values(fm, (*PHONE_KEYS, *OTHER_PHONE_KEYS))
            for p in re.split(r"[,;]", text) if phone_key(p)]


def note_linkedin(fm: dict[str, Any]) -> set[str]:
    return {k for text in _values(fm, LINKEDIN_KEYS) if (k := linkedin_key(text))}


def _person_names(p: Person) -> list[tuple[str, ...]]:
    keys = [name_key(p.name)]
    short = name_key(f"{p.first} {p.last}")
    if short and short not in keys:
        keys.append(short)
    return [k for k in keys if k]


# -- the match index ------------------------------------------------------------------------------

class _Index:
    """Contacts by email, LinkedIn profile and name key; notes created during the run join it."""

    def __init__(self, contacts: Sequence[Contact]) -> None:
        self.email: dict[str, set[str]] = {}
        self.linkedin: dict[str, set[str]] = {}
        self.name: dict[tuple[str, ...], set[str]] = {}
        self.profiles: dict[str, set[str]] = {}  # path -> the LinkedIn profiles its note holds
        self.contacts: dict[str, Contact] = {}
        self.paths: set[str] = set()  # path keys (case-folded) of every contact note
        for c in contacts:
            self.contacts[c.path] = c
            stem = c.path.rsplit("/", 1)[-1]
            names = [stem[:-3] if stem.lower().endswith(".md") else stem, c.name, *c.aliases]
            self.add(c.path, note_emails(c.fm), note_linkedin(c.fm), [name_key(n) for n in names])

    def add(self, path: str, emails: Iterable[str], profiles: Iterable[str],
            names: Iterable[tuple[str, ...]]) -> None:
        self.paths.add(path_key(path))
        for e in emails:
            self.email.setdefault(e.casefold(), set()).add(path)
        for k in profiles:
            if k:
                self.linkedin.setdefault(k, set()).add(path)
                self.profiles.setdefault(path, set()).add(k)
        for n in names:
            if n:
                self.name.setdefault(n, set()).add(path)

    def learn(self, path: str, p: Person) -> None:
        """After a note was written for `p`: later rows find it by what it now holds."""
        self.add(path, p.emails, [linkedin_key(p.linkedin)], _person_names(p))

    def match(self, p: Person) -> tuple[list[str], str]:
        """(matching paths, how) — one path is a match, several are ambiguous, none means new."""
        hits = sorted({path for e in p.emails for path in self.email.get(e.casefold(), ())})
        if hits:
            return hits, "email"
        profile = linkedin_key(p.linkedin)
        hits = sorted(self.linkedin.get(profile, ())) if profile else []
        if hits:
            return hits, "LinkedIn URL"
        for n in _person_names(p):
            hits = sorted(self.name.get(n, ()))
            if hits:
                return hits, "name"
        return [], ""


# -- what to write --------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Field:
    key: str
    keys: tuple[str, ...]
    value: str | date
    same: Callable[[Any], bool] | None = None


def _birthday(p: Person) -> str | date | None:
    if p.birthday is None:
        return None
    month, day, year = p.birthday
    return date(year, month, day) if year else f"{month:02d}-{day:02d}"


def _same_birthday(value: str | date) -> Callable[[Any], bool]:
    wanted = to_month_day(value)

    def same(found: Any) -> bool:
        try:
            return to_month_day(found) == wanted
        except ValueError:
            return False
    return same


def _same_linkedin(url: str) -> Callable[[Any], bool]:
    wanted = linkedin_key(url)
    return lambda found: any(linkedin_key(t) == wanted for t in _texts(found))


def fields_for(p: Person, fm: dict[str, Any], config: Config, *, replace: Container[str] = ()) -> list[_Field]:
    """The fields to give a note (its normalised frontmatter `fm`) for `p`, in a fixed order.

    Emails and phones the note already holds anywhere are not written again; the first new one goes
    under `email` (or `phone`), the others comma-separated under `other_emails` (`other_phones`).
    `replace`: `email` and `phone` when the note's value may be replaced (see `fill`).
    """
    table = field_keys(config.fields)
    out: list[_Field] = []
    if p.met:
        out.append(_Field("met", table["met"], p.met))
    for name, keys, value in (("how_met", table["how_met"], p.how_met),
                              ("company", table["company"], p.company),
                              ("role", table["role"], p.role)):
        if value.strip():
            out.append(_Field(name, keys, value, _same_company(value) if name == "company" else None))
    if p.linkedin.strip():
        out.append(_Field("linkedin", LINKEDIN_KEYS, p.linkedin.strip(), _same_linkedin(p.linkedin)))
    emails = note_emails(fm)
    out += _several("email", EMAIL_KEYS, "other_emails", OTHER_EMAIL_KEYS, list(p.emails),
                    _values(fm, EMAIL_KEYS), lambda e: e.casefold() in emails, "email" in replace)
    held = note_phones(fm)
    out += _several("phone", PHONE_KEYS, "other_phones", OTHER_PHONE_KEYS, list(p.phones),
                    _values(fm, PHONE_KEYS), lambda x: any(_same_phone(x, h) for h in held), "phone" in replace)
    bday = _birthday(p)
    if bday is not None:
        out.append(_Field("birthday", table["birthday"], bday, _same_birthday(bday)))
    return out


def _several(key: str, keys: tuple[str, ...], other: str, other_keys: tuple[str, ...], values: list[str],
             main: list[str], known: Callable[[str], bool], overwrite: bool) -> list[_Field]:
    """Emails or phones: nothing when the note holds them all already. Else the first goes under
    `key` and the rest under `other` — or, when `key` already holds something (and there is no
    `overwrite`), all the new ones under `other`."""
    if not values or all(known(v) for v in values):
        return []
    if not overwrite:
        values = [v for v in values if not known(v)]
        if any(t.strip() for t in main):
            return [_Field(other, other_keys, ", ".join(values))]
    out = [_Field(key, keys, values[0])]
    if values[1:]:
        out.append(_Field(other, other_keys, ", ".join(values[1:])))
    return out


def _same_company(value: str) -> Callable[[Any], bool]:
    """Whether a note's company value (a text, a link, or a list holding one) names the export's
    company, ignoring case, accents, punctuation and legal forms."""
    wanted = company_key(value)

    def same(found: Any) -> bool:
        return any(company_key(text) == wanted for text in _texts(found))
    return same


def company_key(text: str) -> str:
    """`Acme, Inc.` and `ACME` -> `acme`; `Kotlin Labs, s.r.o.` -> `kotlin labs`."""
    words = re.sub(r"[^\w]+", " ", fold(text).replace(".", "")).split()
    while len(words) > 1 and words[-1] in _LEGAL_FORMS:
        words.pop()
    while len(words) > 1 and words[0] in _LEGAL_FORMS:
        words.pop(0)
    return " ".join(words)


def _frontmatter(data: bytes) -> tuple[dict[str, Any], dict[str, str]]:
    """A note's properties, inline fields too, with normalised keys (the property block's first), and
    the line of the note holding each normalised key ({} when unreadable: the edit refuses it anyway)."""
    note = parse_note("note.md", data)
    try:
        lines = data.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    except UnicodeDecodeError:
        lines = []
    where: dict[str, str] = {}
    for k, _, line in properties(note):
        if line is not None and 0 < line <= len(lines):
            where.setdefault(normalise_key(k), lines[line - 1])
    return normalised(note), where


def _current(fm: dict[str, Any], keys: Sequence[str]) -> tuple[str, Any] | None:
    """The first of `keys` the note gives a value (an empty list counts; `set_text_field` leaves it)."""
    return next(((k, fm[k]) for k in keys if k in fm and fm[k] not in (None, "")), None)


def _text(value: Any) -> str | None:
    """A one-line value as text: a date as `YYYY-MM-DD`, a link as its target; None for lists."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return link_target(value) or " ".join(str(value).split())
    return None


def _owned(recorded: str | None, found: Any) -> bool:
    """Whether the note's value is still what an import wrote there."""
    text = _text(found)
    return recorded is not None and text is not None and text.casefold() == recorded.casefold()


@dataclass(frozen=True)
class Filled:
    data: bytes
    changed: tuple[str, ...]  # the fields written
    written: dict[str, str]  # field -> the value written, as text (for the record)
    changes: tuple[Change, ...]


def fill(data: bytes, p: Person, config: Config, *, overwrite: bool, owned: Mapping[str, str] | None = None) -> Filled:
    """`data` with `p`'s fields filled in where the note has none (`edit.set_text_field` each). A
    field whose value differs is a Change; with `overwrite` it is replaced when `owned` (field ->
    the value an import wrote) says the note still holds the import's value."""
    owned = owned or {}
    fm, lines = _frontmatter(data)
    replace = {key for key, keys in (("email", EMAIL_KEYS), ("phone", PHONE_KEYS))
               if overwrite and (hit := _current(fm, keys)) is not None and _owned(owned.get(key), hit[1])}
    changed: list[str] = []
    written: dict[str, str] = {}
    changes: list[Change] = []
    for f in fields_for(p, fm, config, replace=replace):
        hit = _current(fm, f.keys)
        if hit is None:
            new = set_text_field(data, f.keys, f.key, f.value, same=f.same)
        elif (f.same or same_text(f.value))(hit[1]) or _text(hit[1]) is None:
            continue  # it says the same, or it is a list or a block: never touched
        else:
            mine = overwrite and _owned(owned.get(f.key), hit[1])
            new = set_text_field(data, f.keys, f.key, f.value, overwrite=True, same=f.same) if mine else data
            line = lines.get(hit[0], f"{hit[0]}: {hit[1]}")
            changes.append(Change(f.key, _text(hit[1]) or "", _value_text(f.value), line,
                                  _wanted_line(line, hit[0], f.value), new != data))
        if new != data:
            changed.append(f.key)
            written[f.key] = _value_text(f.value)
            data = new
    return Filled(data, tuple(changed), written, tuple(changes))


def _value_text(value: str | date) -> str:
    return value.isoformat() if isinstance(value, date) else " ".join(value.split())


def _wanted_line(line: str, key: str, value: str | date) -> str:
    """The note's `line` holding the normalised `key` as the export would write it: an inline field
    (`Company:: Acme`) with the value in place of its own, a property as `key: value` in YAML."""
    spans = [span for span in source_fields(line) if normalise_key(span.key) == key]
    if spans:
        start, end = spans[0].start, spans[0].end
        gap = " " if start == end and not line[:start].endswith((" ", "\t")) else ""
        return line[:start] + gap + _value_text(value) + line[end:]
    return f"{line.split(':', 1)[0]}: {yaml_scalar(value)}"


# -- the run --------------------------------------------------------------------------------------

def _diff(old: bytes, new: bytes, before: str, after: str) -> str:
    def lines(data: bytes) -> list[str]:
        return [line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
                for line in data.decode("utf-8", "replace").splitlines(keepends=True)]
    return "".join(difflib.unified_diff(lines(old), lines(new), before, after))


class _Run:
    def __init__(self, vault: Path, contacts: Sequence[Contact], config: Config, today: date, record: ImportRecord,
                 *, tier: str | None, overwrite: bool, dry_run: bool) -> None:
        self.vault, self.config, self.today, self.record = vault, config, today, record
        self.tier, self.overwrite, self.dry_run = tier, overwrite, dry_run
        self.index = _Index(contacts)
        self.pending: dict[str, bytes] = {}  # dry run: notes as they would be after earlier rows
        self.conflicts: dict[str, list[str]] = {}  # folder -> its sync-conflict copies
        self.template = template(vault, "contact.md.j2")

    def person(self, p: Person) -> Result:
        paths, how = self.index.match(p)
        if len(paths) > 1:
            return Result(p, "ambiguous", message=f"its {how} matches {len(paths)} notes",
                          candidates=tuple(paths))
        if paths:
            path = paths[0]
            profile = linkedin_key(p.linkedin)
            others = self.index.profiles.get(path, set())
            if how == "name" and profile and others and profile not in others:
                return Result(p, "ambiguous", message="its name matches a note with another LinkedIn profile",
                              candidates=(path,))
            return self.update(p, path)
        return self.create(p)

    def check_not_conflicted(self, path: str) -> None:
        """`writeback.check_not_conflicted`, listing each folder once rather than once per note."""
        folder, _, name = path.rpartition("/")
        if folder not in self.conflicts:
            try:
                entries = os.listdir(self.vault / folder)
            except OSError:
                entries = []
            self.conflicts[folder] = [e for e in entries if is_conflict_copy(e)]
        for sibling in self.conflicts[folder]:
            if is_conflict_copy_of(sibling, name):
                raise NotEditableError(f"{path} has a sync-conflict copy ({sibling}); nothing was written",
                                       hint="merge the copy into the note and delete it, then run the "
                                            "command again")

    def update(self, p: Person, path: str) -> Result:
        try:
            self.check_not_conflicted(path)
            filled = Filled(b"", (), {}, ())

            def transform(data: bytes) -> bytes:
                nonlocal filled
                filled = fill(data, p, self.config, overwrite=self.overwrite, owned=self.record.wrote(path))
                return filled.data

            if path in self.pending:
                old = self.pending[path]
                result = EditResult(self.vault / path, old, transform(old))
            else:
                result = apply_edit(self.vault / path, transform, dry_run=self.dry_run)
        except VaultcrmError as exc:
            return Result(p, "refused", path, message=exc.message)
        if not result.changed:
            return Result(p, "unchanged", path, changes=filled.changes)
        if self.dry_run:
            self.pending[path] = result.new
        self.record.remember(path, filled.written)
        self.index.learn(path, p)
        return Result(p, "updated", path, filled.changed, diff=_diff(result.old, result.new, f"a/{path}", f"b/{path}"),
                      changes=filled.changes)

    def create(self, p: Person) -> Result:
        try:
            rel = f"{self.config.contact_folders[0]}/{safe_file_name(p.name)}.md"
        except UsageError as exc:
            return Result(p, "refused", message=exc.message)
        target = self.vault / rel
        if path_key(rel) in self.index.paths or rel in self.pending or os.path.lexists(target):
            return Result(p, "refused", rel, message=f"{rel} already exists but does not match this person "
                          "(it is not a contact, or its name differs)")
        tier = self.config.tier_named(self.tier) if self.tier else None
        title = " ".join(p.name.split())
        try:
            text = render_template(self.template, {
                "title": title, "tier": yaml_scalar(tier) if tier else "",
                "met": p.met.isoformat() if p.met else "",
                "how_met": yaml_scalar(p.how_met) if p.how_met.strip() else "",
                "company": yaml_scalar(p.company) if p.company.strip() else "", "channel": "",
                "tags": note_tags(()), "today": self.today.isoformat(),
                "log_heading": self.config.log_heading[0]})
            data = fill(text.encode("utf-8"), p, self.config, overwrite=False).data
        except NotEditableError as exc:
            return Result(p, "refused", rel, message=f"the contact template gives a note vaultcrm cannot "
                          f"fill in ({exc.message})")
        except TemplateError as exc:
            return Result(p, "refused", rel, message=f"the contact template failed: {exc}")
        if p.notes.strip():
            data = add_notes(data, p.notes, self.config.log_heading)
        props, _ = _frontmatter(data)
        exported = {f.key: _value_text(f.value) for f in fields_for(p, {}, self.config)}
        keys = dict.fromkeys([*(["tier"] if tier else []), *exported])
        written = tuple(k for k in keys if props.get(normalise_key(k)) not in (None, ""))
        if self.dry_run:
            self.pending[rel] = data
        else:
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                atomic_write(target, data, check=lambda: _absent(target))
            except VaultcrmError as exc:
                return Result(p, "refused", rel, message=exc.message)
            except OSError as exc:
                return Result(p, "refused", rel, message=f"{rel} cannot be written ({exc.strerror or exc})")
        self.record.remember(rel, {k: v for k, v in exported.items() if k in written})
        self.index.learn(rel, p)
        self.index.add(rel, (), (), [name_key(title)])
        return Result(p, "created", rel, written, diff=_diff(b"", data, "/dev/null", f"b/{rel}"))


def _absent(target: Path) -> None:
    if os.path.lexists(target):
        raise NotOursError(f"{target.name} appeared while vaultcrm was writing it; nothing was written")


def import_people(vault: Path, contacts: Sequence[Contact], config: Config, people: Iterable[Person],
                  today: date, *, tier: str | None = None, overwrite: bool = False,
                  dry_run: bool = False) -> ImportReport:
    """Create, update or leave alone one contact note per person; see the module's docstring."""
    if tier is not None and config.tier_named(tier) is None:
        raise UsageError(f"--tier {tier!r} is not a tier", hint="use one of " + ", ".join(t.name for t in config.tiers))
    record = ImportRecord.load(vault)
    run = _Run(vault, contacts, config, today, record, tier=tier, overwrite=overwrite, dry_run=dry_run)
    report = ImportReport(dry_run=dry_run, overwrite=overwrite)
    for p in people:
        report.results.append(run.person(p))
    if not dry_run:
        try:
            record.save()
        except OSError as exc:
            report.warnings.append(f"the record of what this import wrote could not be saved ({exc}); a later "
                                   "--overwrite will keep these values as if they were yours")
    return report


def describe(result: Result, source: str, *, dry_run: bool = False) -> str:
    """One line about one person, for the CLI."""
    where = f"{source} line {result.person.line}" if result.person.line else source
    who = f"{' '.join(result.person.name.split())} ({where})"
    if result.status == "created":
        return f"{'would create' if dry_run else 'created'} {result.path}"
    if result.status == "updated":
        return f"{'would update' if dry_run else 'updated'} {result.path}: {', '.join(result.fields)}"
    if result.status == "unchanged":
        return f"unchanged {result.path}"
    if result.status == "ambiguous":
        return f"ambiguous: {who}: {result.message} ({', '.join(result.candidates)}); nothing written"
    return f"refused: {who}" + (f" → {result.path}" if result.path else "") + f": {result.message}"


def review_lines(report: ImportReport) -> list[str]:
    """The job changes to review and, with `overwrite`, the values kept as the user's, for the CLI."""
    lines: list[str] = []
    if report.job_changes:
        lines.append("job changes to review (the export says otherwise than the note):")
        for result, changes in report.job_changes:
            said = "; ".join(f'{c.key} "{c.ours}" → "{c.theirs}"' + (" (replaced)" if c.replaced else "")
                             for c in changes)
            lines.append(f"  {result.path}: {said}")
    for result, changes in report.kept:
        lines.append(f"kept in {result.path}: {', '.join(c.key for c in changes)} (yours: --overwrite replaces "
                     "only what an import wrote and you left as it was)")
        for change in changes:
            lines += [f"-{change.line}", f"+{change.wanted}"]
    return lines


__all__ = ["ImportReport", "Result", "describe", "fields_for", "fill", "import_people", "linkedin_key",
           "review_lines"]
