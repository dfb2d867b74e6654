"""Every note's contribution to the index, through the note cache.

`read_parts` gives each note's contribution (crm.touches.Contribution): from the note cache where
the file is unchanged (cache/changes.py) and so are the notes its links look up by name; else the
file is read, parsed and attributed again (in a process pool when there are many, cache/pool.py),
and the result stored for the next time. So a sync after an edit reads one file, and one after a
note came or went also re-reads the notes that link by its name.
"""
from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from vaultcrm.cache.changes import Verdict, verdict
from vaultcrm.cache.fast_parse import parse
from vaultcrm.cache.fingerprint import Fingerprint
from vaultcrm.cache.pool import Progress, parse_files
from vaultcrm.cache.serialize import dump_part, load_part, loads
from vaultcrm.cache.store import NoteCache, Row
from vaultcrm.crm.touches import Contribution, Contributor, outdated
from vaultcrm.vault.notes import read_note

if TYPE_CHECKING:
    from vaultcrm.config import Config
    from vaultcrm.vault.scan import FileStat

BATCH = 2000  # rows per write transaction


@dataclass
class Found:
    """The cache's rows for the files of a scan."""

    fresh: dict[str, bytes] = field(default_factory=dict)  # path -> stored contribution, where the row is the file's
    paths: list[str] = field(default_factory=list)  # every path with a row
    stale: list[str] = field(default_factory=list)  # rows of files that are gone
    confirms: list[str] = field(default_factory=list)  # unconfirmed rows now old enough to trust


def lookup(store: NoteCache, files: Sequence[FileStat], root: str, max_bytes: int, started: int) -> Found:
    """Which rows still describe their files."""
    found = Found()
    where = {f.path: f for f in files}
    for path, size, mtime_ns, inode, digest, blob in store.rows():
        found.paths.append(path)
        now = where.get(path)
        if now is None:
            found.stale.append(path)
            continue
        if blob is None:
            continue
        seen = verdict((size, mtime_ns, inode), digest, now, root, started, max_bytes)
        if seen is Verdict.CONFIRM:
            found.confirms.append(path)
        if seen is not Verdict.CHANGED:
            found.fresh[path] = blob
    return found


def renew(vault: Path, files: Sequence[FileStat], todo: list[int], config: Config, contributor: Contributor,
          started: int, rows: bool, progress: Progress | None = None) -> Iterator[tuple[str, Contribution, Row | None]]:
    """(path, contribution, cache row if `rows`) of the files at positions `todo`, read and parsed again."""
    root = str(vault)
    for position, note, stored, digest, cacheable in parse_files(
            root, files, todo, config.max_note_bytes, started, contributor, progress):
        now = files[position]
        part: Contribution | None
        if stored is None:
            if isinstance(note, bytes):
                note = loads(note)
            if note is None:
                cacheable, note = False, read_note(vault, now, config, parse)
            part = contributor(note)
            stored = dump_part(part) if rows and cacheable else None
        else:
            part = load_part(stored)
        assert part is not None
        if not rows:
            yield now.path, part, None
        elif cacheable:
            yield now.path, part, (now.path, now.size, now.mtime_ns, now.inode, digest, stored)
        else:  # the path alone: which notes exist is what contributions depend on
            yield now.path, part, (now.path, now.size, now.mtime_ns, now.inode, None, None)


def read_parts(vault: Path, files: Sequence[FileStat], config: Config, store: NoteCache | None,
               progress: Progress | None = None) -> dict[str, Contribution]:
    """Every note's contribution, by path in the scan's order (see the module's docstring)."""
    started = time.time_ns()
    root = str(vault)
    paths = [f.path for f in files]
    contributor = Contributor(paths, config)
    parts: dict[str, Contribution | None] = dict.fromkeys(paths)
    found = lookup(store, files, root, config.max_note_bytes, started) if store is not None else Found()
    same_notes = set(found.paths) == set(paths)
    fingerprint = Fingerprint(config)
    state = fingerprint.notes(paths)
    if store is not None and store.seen_parts == (state if same_notes else fingerprint.notes(found.paths)):
        for path, blob in found.fresh.items():
            parts[path] = load_part(blob)
        if not same_notes:
            kept = {path: part.names for path, part in parts.items() if part is not None}
            for path in outdated(kept, found.paths, paths):
                parts[path] = None
    todo = [position for position, path in enumerate(paths) if parts[path] is None]
    upserts: list[Row] = []
    for path, part, row in renew(vault, files, todo, config, contributor, started, store is not None, progress):
        parts[path] = part
        if row is None:
            continue
        upserts.append(row)
        if len(upserts) >= BATCH:
            assert store is not None
            store.write(upserts, final=False)
            upserts.clear()
    if store is not None and (upserts or found.stale or found.confirms or store.seen_parts != state):
        store.write(upserts, found.stale, found.confirms, state=state)
    return parts  # type: ignore[return-value]
