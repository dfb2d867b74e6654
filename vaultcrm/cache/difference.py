"""A sync after an edit, by difference: the last sync's results, with only the contacts the changed
notes touch, before or after the change, evaluated again.

A contact's result (dashboard/results.py, ContactResult) is a function of its own note, the notes that give
it touches or plans, the config and the day. So a full sync through the note cache stores every
contact's result with the notes that touch it, and every note's problems (`remember`), in the cache's
`results` table, for the epoch of the rows they were made from. The next sync on the same day under
the same config (`answer`) re-reads the changed notes, works out from their contributions before and
after which contacts they touch, evaluates those again from the contributions of the notes that touch
them, and takes every other result as stored. The dashboard is then made from results either way.

It declines (None, and the caller runs the full pipeline) whenever the shortcut could differ from it:
another day or config, notes that came or went, a note that became or stopped being a contact, more
than `FEW` changed notes, or a cache another writer changed meanwhile.
"""
from __future__ import annotations

import marshal
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from vaultcrm.cache.changes import Verdict, verdict
from vaultcrm.cache.contributions import renew
from vaultcrm.cache.fingerprint import Fingerprint
from vaultcrm.cache.serialize import load_part
from vaultcrm.cache.store import NoteCache, ResultRow, Row, Settled
from vaultcrm.config import Config
from vaultcrm.crm.rules import evaluate
from vaultcrm.crm.touches import (
    NOTHING,
    Contribution,
    Contributor,
    VaultIndex,
    assemble,
    contribute,
    note_problems,
    targets,
)
from vaultcrm.dashboard.results import ContactResult, contact_results
from vaultcrm.model import Contact, Note, Problem
from vaultcrm.vault.links import LinkIndex
from vaultcrm.vault.scan import FileStat

FEW = 50  # more changed notes than this: a full sync costs about the same


@dataclass
class Answer:
    """The dashboard's inputs, from stored results and the changed notes."""

    results: dict[str, ContactResult]
    problems: list[Problem]  # every note's and every rule's (not the scan's)


def remember(store: NoteCache, index: VaultIndex, results: Mapping[str, ContactResult], config: Config,
             today: date) -> None:
    """Store a full sync's results, for the rows its contributions came from (see NoteCache.write_results)."""
    touching = {contact.path: _touching(contact) for contact in index.contacts}
    problems: dict[str, list[Problem]] = {}
    for problem in index.problems:
        problems.setdefault(problem.note, []).append(problem)
    rows = [_row(path, touching.get(path, ()), results.get(path), problems.get(path))
            for path in sorted(results.keys() | problems.keys())]
    store.write_results(Fingerprint(config, today).showing, rows, replace=True)


def _touching(contact: Contact) -> set[str]:
    """The notes a contact's result is made from: its own, and those giving it a touch or a plan."""
    return {touch.evidence for touch in contact.touches} | {plan.note for plan in contact.plans} | {contact.path}


def _row(path: str, touching: Iterable[str], result: ContactResult | None,
         problems: Sequence[Problem] | None) -> ResultRow:
    return (path, "\0".join(sorted(touching)) if result is not None else None,
            marshal.dumps((*result[:-1], _plain(result.problems))) if result is not None else None,
            marshal.dumps(_plain(problems)) if problems else None)


# Stored with marshal, not pickle: plain data in Python's own types loads in a fifth of the time, and the
# cache is emptied whenever Python's version changes (fingerprint.code), as marshal's format may.

def _plain(problems: Sequence[Problem]) -> tuple[tuple[str, int | None, str], ...]:
    return tuple((p.note, p.line, p.message) for p in problems)


def _problems(blob: bytes) -> tuple[Problem, ...]:
    return tuple(Problem(*fields) for fields in marshal.loads(blob))


def _result(blob: bytes) -> ContactResult:
    fields: tuple[Any, ...] = marshal.loads(blob)
    result: ContactResult = tuple.__new__(ContactResult, fields)  # (a named tuple's own __new__ is Python)
    stored_problems = fields[-1]
    return result._replace(problems=tuple(Problem(*p) for p in stored_problems)) if stored_problems else result


@dataclass
class _Difference:
    """What a snapshot of the cache says about the changed notes and the contacts they touch."""

    changed: list[str]
    confirms: list[str]  # unconfirmed rows old enough now to trust
    settled: Settled  # the settled rows' keys (cache.NoteCache.settled)
    renewed: list[tuple[str, Contribution, Row | None]]  # the changed notes read again, with their rows
    stored: dict[str, ResultRow]  # every stored result, by path
    contacts: set[str]  # every contact's path
    touched: set[str]  # the contacts to evaluate again
    parts: dict[str, Contribution]  # what the touched contacts are made from


def answer(vault: Path, files: Sequence[FileStat], config: Config, today: date, store: NoteCache) -> Answer | None:
    """The results of `today` from the stored ones and the notes changed since, or None (see above)."""
    fingerprint = Fingerprint(config, today)
    key = fingerprint.showing
    order = {f.path: position for position, f in enumerate(files)}  # the scan's order, as a full sync has it
    state = fingerprint.notes(order)
    diff = _difference(vault, files, order, config, (key, state), store)
    if diff is None:
        return None
    index = assemble({path: diff.parts[path] for path in sorted(diff.parts, key=order.__getitem__)}, today)
    renewed = [c for c in index.contacts if c.path in diff.touched]
    fresh = contact_results(renewed, evaluate(renewed, config, today), config, today)
    touching = {contact.path: _touching(contact) for contact in renewed}
    try:
        problems = {path: _problems(row[3]) for path, row in diff.stored.items() if row[3] is not None}
        results = {path: _result(row[2]) for path, row in diff.stored.items()
                   if row[2] is not None and path not in fresh}
    except (ValueError, EOFError, TypeError):  # a damaged row: only a miss
        return None
    results.update(fresh)
    for path, part, _ in diff.renewed:
        problems[path] = tuple(note_problems(path, part, diff.contacts))
    rows = [_row(path, touching.get(path, ()), fresh.get(path), problems.get(path))
            for path in sorted(diff.touched | set(diff.changed))]
    settled = diff.settled
    if diff.renewed or diff.confirms:
        written = [row for _, _, row in diff.renewed if row is not None]
        store.write(written, confirms=diff.confirms, state=state)
        for path in diff.changed:
            settled.pop(path, None)
        settled.update((row[0], (row[1], row[2], row[3])) for row in written if row[4] is None and row[5] is not None)
        settled.update((path, (files[order[path]].size, files[order[path]].mtime_ns, files[order[path]].inode))
                       for path in diff.confirms)
    store.write_results(key, [row for row in rows if row[2] is not None or row[3] is not None],
                        [row[0] for row in rows if row[2] is None and row[3] is None], settled=settled)
    every = [p for group in problems.values() for p in group] + [p for r in results.values() for p in r.problems]
    return Answer(results, every)


def _difference(vault: Path, files: Sequence[FileStat], order: dict[str, int], config: Config,
                wanted: tuple[str, str], store: NoteCache) -> _Difference | None:
    """Read in one snapshot of the cache: which notes changed, what they contribute before and after,
    and everything the contacts they touch are made from; None when the stored results cannot serve.
    `wanted`: the results key and the `parts` state the stored results must be made under."""
    started = time.time_ns()
    with store.snapshot() as readable:
        current = (store.seen_results, store.seen_parts) == (f"{store.epoch} {wanted[0]}", wanted[1])
        found = _changed(store, files, str(vault), config.max_note_bytes, started) if readable and current else None
        if found is None:
            return None
        changed, confirms, settled = found
        before = {path: _stored_part(blob) for path, blob in store.parts_of(changed).items()}
        stored = {row[0]: row for row in store.results()}
        renewed = list(renew(vault, files, sorted(order[p] for p in changed), config, _FewNotes(order, config),
                             started, True))
        after = {path: part for path, part, _ in renewed}
        old = {path: part for path, part in before.items() if part is not None}
        if len(old) < len(before) or any((old[p].contact is None) != (after[p].contact is None) for p in changed):
            return None  # a damaged row, or a note that became or stopped being a contact
        contacts = {path for path, row in stored.items() if row[2] is not None}
        touched = {path for p in changed for path in (*targets(old[p]), *targets(after[p]), p) if path in contacts}
        needed = ({source for path in touched for source in (stored[path][1] or "").split("\0") if source}
                  | touched) - set(changed)
        loaded = {path: _stored_part(blob) for path, blob in store.parts_of(needed).items()}
    parts = {path: part for path, part in loaded.items() if part is not None}
    if store.epoch is None or len(parts) < len(loaded):
        return None
    return _Difference(changed, confirms, settled, renewed, stored, contacts, touched, {**parts, **after})


def _stored_part(blob: bytes | None) -> Contribution | None:
    """A row's contribution: nothing for a file that could not be read as a note; None if damaged."""
    return NOTHING if blob is None else load_part(blob)


class _FewNotes(Contributor):
    """Contributes a few notes, each with an index of only the notes its links could name, not the
    whole vault's (an eighth of a sync after an edit at 10,000 notes). The names are those its links
    look up when nothing matches them (Contribution.names), which include those they look up when
    something does."""

    def __call__(self, note: Note) -> Contribution:
        asked = contribute(note, self.config, self.table, self.dates, LinkIndex(())).names
        return contribute(note, self.config, self.table, self.dates, LinkIndex.covering(self.paths, asked))


def _changed(store: NoteCache, files: Sequence[FileStat], root: str, max_bytes: int,
             started: int) -> tuple[list[str], list[str], Settled] | None:
    """(changed paths, rows to confirm, settled rows' keys) when few notes changed, else None. The
    rows are known to be the scan's notes (by `parts`); only those not settled with the file's key
    are read, and checked by cache/changes.py's verdict."""
    settled = store.settled()
    if settled is None:
        return None
    get = settled.get
    others = [f for f in files if get(f.path) != f[1:]]
    if len(others) > 2 * FEW:  # (changed, racy or unreadable: each is read from the cache, and some from disk)
        return None
    rows = {row[0]: row for row in store.rows_of(f.path for f in others)}
    changed, confirms = [], []
    for now in others:
        row = rows.get(now.path)
        if row is None:
            return None
        path, size, mtime_ns, inode, digest, blob = row
        seen = verdict((size, mtime_ns, inode), digest, now, root, started, max_bytes) if blob is not None \
            else Verdict.CHANGED
        if seen is Verdict.CHANGED:
            changed.append(path)
        elif seen is Verdict.CONFIRM:
            confirms.append(path)
    return (changed, confirms, settled) if len(changed) <= FEW else None
