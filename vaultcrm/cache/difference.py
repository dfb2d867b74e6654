"""A sync after an edit, by difference: the last sync's results, with only the contacts the changed
notes touch, before or after the change, evaluated again.

A contact's result (dashboard/shown.py, ContactResult) is a function of its own note, the notes that give
it touches or plans, the config and the day. So a full sync through the note cache stores every
contact's result with the notes that touch it, and every note's problems (`remember`), in the cache's
`results` table, for the epoch of the rows they were made from. The next sync on the same day under
the same config (`answer`) re-reads the changed notes, works out from their contributions before and
after which contacts they touch, evaluates those again from the contributions of the notes that touch
them, and takes every other result as stored. The dashboard is then made from results either way.
The answer names its results and problems (`Answer.source`: the store's `made` with the settings and
the day), so that a dashboard already rendered from the same ones is taken as it was; then the
stored results are decoded only when something reads them.

It declines (None, and the caller runs the full pipeline) whenever the shortcut could differ from it:
another day or config, notes that came or went, a note that became or stopped being a contact, more
than `FEW` changed notes, or a cache another writer changed meanwhile.

What finds a contact by name is also stored apart (`names`), and so is what `vaultcrm due` shows of
it (`due`): when no note changed, `touch` and completion, and `due`, load only that, not every result.
"""
from __future__ import annotations

import marshal
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from vaultcrm.cache.changes import Verdict, verdict
from vaultcrm.cache.fingerprint import Fingerprint, keys_digest
from vaultcrm.cache.store import NoteCache, ResultRow, Settled, StoredResult
from vaultcrm.config import Config
from vaultcrm.dashboard.shown import ContactResult
from vaultcrm.errors import Problem
from vaultcrm.vault.scan import FileStat

if TYPE_CHECKING:
    from vaultcrm.cache.touched import Renewed
    from vaultcrm.crm.names import Name
    from vaultcrm.crm.touches import Contribution, VaultIndex

FEW = 50  # more changed notes than this: a full sync costs about the same

T = TypeVar("T")


class Answer(NamedTuple):
    """The dashboard's inputs, from stored results and the changed notes. (A named tuple: `touch` and
    `due` import this module each time they start, and a named tuple's class is made in a seventh of
    the time of a dataclass's.)"""

    results: Mapping[str, ContactResult]
    problems: list[Problem]  # every note's and every rule's (not the scan's)
    source: str | None = None  # the same for the same results and problems (see the module's docstring)


def remember(store: NoteCache, index: VaultIndex, results: Mapping[str, ContactResult], config: Config,
             today: date, files: Sequence[FileStat]) -> str | None:
    """Store a full sync's results, for the rows its contributions came from (see NoteCache.write_results),
    made from the notes `files`; their name as `answer` gives it (Answer.source), or None when they were
    not stored."""
    from vaultcrm.cache.touched import touching

    by_contact = {contact.path: touching(contact) for contact in index.contacts}
    problems: dict[str, list[Problem]] = {}
    for problem in index.problems:
        problems.setdefault(problem.note, []).append(problem)
    rows = [_row(path, by_contact.get(path, ()), results.get(path), problems.get(path))
            for path in sorted(results.keys() | problems.keys())]
    key = Fingerprint(config, today).showing
    made = store.write_results(key, rows, replace=True, walk=files)
    return None if made is None else f"{made} {key}"


def _row(path: str, touching: Iterable[str], result: ContactResult | None,
         problems: Sequence[Problem] | None) -> ResultRow:
    problems_blob = marshal.dumps(_plain(problems)) if problems else None
    if result is None:
        return (path, None, None, problems_blob, None, None, None)
    return (path, "\0".join(sorted(touching)), _stored(result), problems_blob,
            marshal.dumps(_plain(result.problems)) if result.problems else None,
            marshal.dumps((result.name, result.aliases)), _due(result))


# Stored with marshal, not pickle: plain data in Python's own types loads in a fifth of the time, and the
# cache is emptied whenever Python's version changes (fingerprint.code), as marshal's format may.

_EMPTY: frozenset[Any] = frozenset()


def _stored(result: ContactResult) -> bytes:
    """A result as kept: its problems as plain tuples, and each empty set in its history one shared
    object, which marshal writes once and then refers to (loading a vault's worth of new empty sets
    took as long as loading everything else)."""
    history = tuple(tuple(_EMPTY if isinstance(x, frozenset) and not x else x for x in part)
                    for part in result.history)
    return marshal.dumps((*result._replace(history=history)[:-1], _plain(result.problems)))

def _plain(problems: Sequence[Problem]) -> tuple[tuple[str, int | None, str], ...]:
    return tuple((p.note, p.line, p.message) for p in problems)


def _due(result: ContactResult) -> bytes:
    """What `vaultcrm due` reads of a result (dashboard/due.py): of its line, the agenda key and the
    item's group, day, lateness and reasons' kinds; not the rest of the item, nor the dashboard's fields."""
    line = result.line
    kept = None if line is None else \
        (line[0], line[1]["group"], line[1]["day"], line[1]["days_late"], tuple(r["kind"] for r in line[1]["reasons"]))
    return marshal.dumps((result.active, kept, result.sort_name, result.signal, result.name, result.due_rows,
                          result.due_line, _plain(result.problems)))


def _due_result(path: str, blob: bytes) -> ContactResult:
    """A result holding only what `_due` kept (the other fields their defaults)."""
    active, kept, sort_name, signal, name, due_rows, due_line, problems = marshal.loads(blob)
    line = None if kept is None else \
        (kept[0], {"group": kept[1], "day": kept[2], "days_late": kept[3], "reasons": [{"kind": k} for k in kept[4]]})
    return ContactResult(path, active, line=line, sort_name=sort_name, signal=signal, name=name, due_rows=due_rows,
                         due_line=due_line, problems=tuple(Problem(*p) for p in problems))


def _problems(blob: bytes) -> tuple[Problem, ...]:
    return tuple(Problem(*fields) for fields in marshal.loads(blob))


def _result(blob: bytes) -> ContactResult:
    fields: tuple[Any, ...] = marshal.loads(blob)
    result: ContactResult = tuple.__new__(ContactResult, fields)  # (a named tuple's own __new__ is Python)
    stored_problems = fields[-1]
    return result._replace(problems=tuple(Problem(*p) for p in stored_problems)) if stored_problems else result


def names(vault: Path, files: Sequence[FileStat], config: Config, today: date,
          store: NoteCache) -> list[Name] | None:
    """Every contact's path, name and aliases, in the order of the results `answer` gives, when no
    note changed since they were stored; else None (and `answer` is asked)."""
    rows = _unchanged(vault, files, config, today, store, store.names)
    if rows is None:
        return None
    from vaultcrm.crm.names import Name

    try:
        return [Name(path, *marshal.loads(blob)) for path, blob in rows]
    except (ValueError, EOFError, TypeError):  # a damaged row: only a miss
        return None


def due(vault: Path, files: Sequence[FileStat], config: Config, today: date, store: NoteCache) -> Answer | None:
    """`answer`'s results, each holding only what `vaultcrm due` reads of it (`_due`), and its problems,
    when no note changed since they were stored; else None (and `answer` is asked)."""
    rows = _unchanged(vault, files, config, today, store, store.due)
    if rows is None or any(kept is None and result for _, kept, _, result in rows):
        return None
    try:
        problems = [p for _, _, blob, _ in rows if blob is not None for p in _problems(blob)]
        results = {path: _due_result(path, kept) for path, kept, _, _ in rows if kept is not None}
    except (ValueError, EOFError, TypeError):  # a damaged row: only a miss
        return None
    return Answer(results, problems + [p for r in results.values() for p in r.problems])


def _unchanged(vault: Path, files: Sequence[FileStat], config: Config, today: date, store: NoteCache,
               load: Callable[[], Iterable[T]]) -> list[T] | None:
    """What `load` reads of the stored results, in the snapshot that finds them made under `config` on
    `today` and no note changed since; else None."""
    fingerprint = Fingerprint(config, today)
    state = fingerprint.notes([f.path for f in files])
    started = time.time_ns()
    with store.snapshot() as readable:
        if not readable or not _current(store, (fingerprint.showing, state)):
            return None
        if store.seen_walk != keys_digest(files):  # (else every note is settled with its key)
            found = _changed(store, files, str(vault), config.max_note_bytes, started)
            if found is None or found[0] or found[1]:
                return None
        return list(load())


@dataclass
class _Difference:
    """What a snapshot of the cache says about the changed notes and the contacts they touch."""

    changed: list[str]
    confirms: list[str]  # unconfirmed rows old enough now to trust
    settled: Settled  # the settled rows' keys (cache.NoteCache.settled)
    stored: dict[str, StoredResult]  # every stored result, by path
    contacts: set[str] = field(default_factory=set)  # every contact's path
    renewed: Renewed = field(default_factory=list)  # the changed notes read again, with their rows
    touched: set[str] = field(default_factory=set)  # the contacts to evaluate again
    parts: dict[str, Contribution] = field(default_factory=dict)  # what the touched contacts are made from


def answer(vault: Path, files: Sequence[FileStat], config: Config, today: date, store: NoteCache,
           known: Callable[[str], bool] = lambda source: False) -> Answer | None:
    """The results of `today` from the stored ones and the notes changed since, or None (see above).
    `known`: whether the caller has already made what it makes of the results of a `source`; their
    stored results are then decoded only when read."""
    fingerprint = Fingerprint(config, today)
    key = fingerprint.showing
    order = {f.path: position for position, f in enumerate(files)}  # the scan's order, as a full sync has it
    state = fingerprint.notes(order)
    diff = _difference(vault, files, order, config, (key, state), store)
    if diff is None:
        return None
    fresh: dict[str, ContactResult] = {}
    touching: dict[str, set[str]] = {}
    if diff.changed:
        from vaultcrm.cache.touched import evaluated

        fresh, touching = evaluated(diff.parts, order, diff.touched, config, today)
    try:
        problems = {path: _problems(row[3]) for path, row in diff.stored.items() if row[3] is not None}
        rules = {path: _problems(row[4]) for path, row in diff.stored.items() if row[4] is not None}
    except (ValueError, EOFError, TypeError):  # a damaged row: only a miss
        return None
    if diff.changed:
        from vaultcrm.cache.touched import problems_of

        problems.update(problems_of({path: part for path, part, _ in diff.renewed}, diff.contacts))
        rules.update((path, result.problems) for path, result in fresh.items())
    made = store.seen_made or None
    if diff.changed or diff.confirms:
        made = _store(store, diff, files, order, key, state, fresh, touching, problems)
    source = None if made is None else f"{made} {key}"  # (as `remember` gives it)
    stored = {path: row[2] for path, row in diff.stored.items() if row[2] is not None and path not in fresh}
    results: Mapping[str, ContactResult] = _Results(stored, fresh)
    if source is None or not known(source):
        try:
            results = dict(results)
        except (ValueError, EOFError, TypeError):  # a damaged row: only a miss
            return None
    every = [p for group in problems.values() for p in group] + [p for group in rules.values() for p in group]
    return Answer(results, every, source)


class _Results(Mapping[str, ContactResult]):
    """Every contact's result: the stored ones not made again, decoded when first read, then the fresh ones."""

    def __init__(self, stored: dict[str, bytes], fresh: dict[str, ContactResult]) -> None:
        self._stored, self._fresh = stored, fresh
        self._decoded: dict[str, ContactResult] | None = None

    def _all(self) -> dict[str, ContactResult]:
        if self._decoded is None:
            self._decoded = {path: _result(blob) for path, blob in self._stored.items()}
            self._decoded.update(self._fresh)
        return self._decoded

    def __getitem__(self, path: str) -> ContactResult:
        return self._all()[path]

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._stored) + len(self._fresh)


def _store(store: NoteCache, diff: _Difference, files: Sequence[FileStat], order: Mapping[str, int], key: str,
           state: str, fresh: Mapping[str, ContactResult], touching: Mapping[str, set[str]],
           problems: Mapping[str, Sequence[Problem]]) -> str | None:
    """The changed notes' rows, the confirmed rows and the results made again (those that differ from
    the stored ones), stored; the stored results' name (NoteCache.write_results), or None."""
    rows = [row for row in (_row(path, touching.get(path, ()), fresh.get(path), problems.get(path))
                            for path in sorted(diff.touched | set(diff.changed)))
            if not _same(diff.stored.get(row[0]), row)]
    settled = diff.settled
    written = [row for _, _, row in diff.renewed if row is not None]
    store.write(written, confirms=diff.confirms, state=state)
    unsettled = [path for path in diff.changed if settled.pop(path, None) is not None]
    now = [(row[0], (row[1], row[2], row[3])) for row in written if row[4] is None and row[5] is not None]
    now += [(path, (files[order[path]].size, files[order[path]].mtime_ns, files[order[path]].inode))
            for path in diff.confirms]
    settled.update(now)
    return store.write_results(key, [row for row in rows if row[2] is not None or row[3] is not None],
                               [row[0] for row in rows if row[2] is None and row[3] is None],
                               settled=settled if unsettled or now else None, walk=files)


def _same(stored: StoredResult | None, row: ResultRow) -> bool:
    """Whether a row holds what is stored (no row: nothing), compared as values: marshal may write equal
    values apart (it refers back to an object met twice, and a full sync's values share more objects)."""
    if stored is None:
        return row[2] is None and row[3] is None
    return stored[1] == row[1] and all(
        old == new or (old is not None and new is not None and marshal.loads(old) == marshal.loads(new))
        for old, new in zip(stored[2:], row[2:5], strict=True))


def _difference(vault: Path, files: Sequence[FileStat], order: dict[str, int], config: Config,
                wanted: tuple[str, str], store: NoteCache) -> _Difference | None:
    """Read in one snapshot of the cache: which notes changed, what they contribute before and after,
    and everything the contacts they touch are made from; None when the stored results cannot serve.
    `wanted`: the results key and the `parts` state the stored results must be made under."""
    started = time.time_ns()
    with store.snapshot() as readable:
        found = _changed(store, files, str(vault), config.max_note_bytes, started) \
            if readable and _current(store, wanted) else None
        if found is None:
            return None
        changed, confirms, settled = found
        stored = {row[0]: row for row in store.results()}
        if not changed:
            return _Difference(changed, confirms, settled, stored)
        from vaultcrm.cache.touched import read_again, stored_part, touched

        before = store.parts_of(changed)
        renewed = read_again(vault, files, order, config, changed, started)
        contacts = {path for path, row in stored.items() if row[2] is not None}
        seen = touched(before, renewed, contacts)
        if seen is None:
            return None  # a damaged row, or a note that became or stopped being a contact
        needed = ({source for path in seen[1] for source in (stored[path][1] or "").split("\0") if source}
                  | seen[1]) - set(changed)
        loaded = {path: stored_part(blob) for path, blob in store.parts_of(needed).items()}
    parts = {path: part for path, part in loaded.items() if part is not None}
    if store.epoch is None or len(parts) < len(loaded):
        return None
    after = {path: part for path, part, _ in renewed}
    return _Difference(changed, confirms, settled, stored, contacts, renewed, seen[1], {**parts, **after})


def _current(store: NoteCache, wanted: tuple[str, str]) -> bool:
    """The stored results were made under `wanted` (results key, `parts` state) from the rows as they are
    (inside a snapshot)."""
    return (store.seen_results, store.seen_parts) == (f"{store.epoch} {wanted[0]}", wanted[1])


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
