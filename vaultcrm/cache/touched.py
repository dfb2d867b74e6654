"""The part of a sync by difference (cache/difference.py) that runs only when notes changed: the
changed notes read again, and the contacts they touch, before or after the change, evaluated again
from the contributions of the notes that touch them. Apart, so that the stored results alone load
without the parser, the rules or the dashboard's results."""
from __future__ import annotations

from collections.abc import Container, Mapping, Sequence
from datetime import date
from pathlib import Path

from vaultcrm.cache.contributions import renew
from vaultcrm.cache.serialize import load_part
from vaultcrm.cache.store import Row
from vaultcrm.config import Config
from vaultcrm.crm.rules import evaluate
from vaultcrm.crm.touches import NOTHING, Contribution, Contributor, assemble, contribute, note_problems
from vaultcrm.dashboard.results import contact_results
from vaultcrm.dashboard.shown import ContactResult
from vaultcrm.errors import Problem
from vaultcrm.model import Contact
from vaultcrm.parsed import Note
from vaultcrm.vault.links import LinkIndex
from vaultcrm.vault.scan import FileStat

Renewed = list[tuple[str, Contribution, "Row | None"]]  # the changed notes read again, with their rows


def read_again(vault: Path, files: Sequence[FileStat], order: Mapping[str, int], config: Config,
               changed: Sequence[str], started: int) -> Renewed:
    """The changed notes read, parsed and contributed again, with their new cache rows."""
    return list(renew(vault, files, sorted(order[p] for p in changed), config, _FewNotes(order, config), started,
                      True))


def touched(before: Mapping[str, bytes | None], renewed: Renewed,
            contacts: set[str]) -> tuple[dict[str, Contribution], set[str]] | None:
    """The changed notes' contributions before the change, and the contacts whose results they change
    (`affected`); None for a damaged row, or a note that became or stopped being a contact."""
    old = {path: part for path, blob in before.items() if (part := stored_part(blob)) is not None}
    if len(old) < len(before):
        return None
    seen = affected(old, {path: part for path, part, _ in renewed}, contacts)
    return None if seen is None else (old, seen)


def affected(before: Mapping[str, Contribution], after: Mapping[str, Contribution],
             contacts: Container[str]) -> set[str] | None:
    """The contacts whose results changed notes change: a changed contact note's own, and those it gives
    other touches or plans now than before (a contact given the same is made from the same); None for
    a note that became or stopped being a contact (`before` and `after`: the changed notes' contributions)."""
    if any((before[p].contact is None) != (after[p].contact is None) for p in after):
        return None
    return {path for p in after for path in (p, *_given_otherwise(before[p], after[p])) if path in contacts}


def _given_otherwise(before: Contribution, after: Contribution) -> set[str]:
    """The paths a note gives other touches or plans after a change than before it."""
    was, now = _given(before), _given(after)
    return {path for path in was.keys() | now.keys() if was.get(path) != now.get(path)}


def _given(part: Contribution) -> dict[str, list[object]]:
    """The touches and plans a contribution gives, by the path they are given to, in its order."""
    given: dict[str, list[object]] = {}
    for path, item in (*part.touches, *part.plans):
        given.setdefault(path, []).append(item)
    return given


def stored_part(blob: bytes | None) -> Contribution | None:
    """A row's contribution: nothing for a file that could not be read as a note; None if damaged."""
    return NOTHING if blob is None else load_part(blob)


def evaluated(parts: Mapping[str, Contribution], order: Mapping[str, int], touched: set[str], config: Config,
              today: date) -> tuple[dict[str, ContactResult], dict[str, set[str]]]:
    """The touched contacts' results, and the notes each is made from, from the contributions of
    the notes that touch them (the changed ones as they are now)."""
    index = assemble({path: parts[path] for path in sorted(parts, key=order.__getitem__)}, today)
    renewed = [c for c in index.contacts if c.path in touched]
    fresh = contact_results(renewed, evaluate(renewed, config, today), config, today)
    return fresh, {contact.path: touching(contact) for contact in renewed}


def touching(contact: Contact) -> set[str]:
    """The notes a contact's result is made from: its own, and those giving it a touch or a plan."""
    return {touch.evidence for touch in contact.touches} | {plan.note for plan in contact.plans} | {contact.path}


def problems_of(parts: Mapping[str, Contribution], contacts: Container[str]) -> dict[str, tuple[Problem, ...]]:
    """The changed notes' problems as they are now (`parts`: their contributions)."""
    return {path: tuple(note_problems(path, part, contacts)) for path, part in parts.items()}


class _FewNotes(Contributor):
    """Contributes a few notes, each with an index of only the notes its links could name, not the
    whole vault's (an eighth of a sync after an edit at 10,000 notes). The names are those its links
    look up when nothing matches them (Contribution.names), which include those they look up when
    something does."""

    def __call__(self, note: Note) -> Contribution:
        asked = contribute(note, self.config, self.table, self.dates, LinkIndex(())).names
        return contribute(note, self.config, self.table, self.dates, LinkIndex.covering(self.paths, asked))
