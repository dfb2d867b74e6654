"""What every note contributes to the index, through the note cache (issue #5).

`read_parts` gives each note's contribution (contacts.Contribution): from the cache where the file
is unchanged and so are the notes its links look up by name; else the file is read, parsed and
attributed again, and the result stored for the next time (see cache.py). So a sync after an edit
reads one file, and one after a note came or went also re-reads the notes that link by its name.

Many files (a cold sync) are parsed by a process pool from `POOL_MIN_FILES` files (below that,
starting the workers costs more than it saves; see bench/README.md). Forked workers make the
contributions too and send back only those. Progress goes through `progress`, which the command line
sets to a click progress bar when stderr is a terminal.
"""
from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from vaultcrm.cache import store as cache
from vaultcrm.cache.store import (
    NoteCache,
    dumps,
    enabled,
    gc_paused,
    loads,
    parts_state,
)
from vaultcrm.crm.touches import NOTHING, Contribution, Contributor, outdated

if TYPE_CHECKING:
    from vaultcrm.config import Config
    from vaultcrm.model import Note
    from vaultcrm.vault.scan import FileStat

POOL_MIN_FILES = 500  # parse in forked workers from this many files (break-even measured at ~300)
POOL_MIN_FILES_SPAWN = 3000  # workers that must start a fresh interpreter (threads running) cost more
PROGRESS_MIN_FILES = 2000  # show a progress bar only when at least this many files must be parsed
BATCH = 2000  # rows per write transaction

# The command line sets this when stderr is a terminal: progress(total) is a context manager that
# yields a function advance(count). The library itself never draws anything.
Progress = Callable[[int], AbstractContextManager[Callable[[int], None]]]
progress: Progress | None = None

Reader = Callable[[Path, "FileStat", "Config"], "Note"]
# one parsed file: (position, note or its pickle, stored contribution, digest if racy, cacheable).
# A worker that could contribute sends the contribution and no note; else the note, None if unreadable.
Parsed = tuple[int, "Note | bytes | None", "bytes | None", "bytes | None", bool]

_contributor: Contributor | None = None  # what forked workers contribute with (set around the pool)


def dump_part(part: Contribution) -> bytes:
    """A contribution as stored: what a third of the notes contribute, nothing at all, as no bytes."""
    return b"" if part == NOTHING else dumps(part)


def load_part(blob: bytes) -> Contribution | None:
    """A stored contribution, or None if it is damaged."""
    return NOTHING if not blob else loads(blob)


# -- what the cache holds --------------------------------------------------------------------------

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
    for row in store.rows():
        path = row[0]
        found.paths.append(path)
        now = where.get(path)
        if now is None:
            found.stale.append(path)
            continue
        verdict = describes(row, now, root, max_bytes, started)
        if verdict == CONFIRM:
            found.confirms.append(path)
        if verdict != CHANGED:
            found.fresh[path] = row[5]  # type: ignore[assignment]
    return found


CHANGED, SAME, CONFIRM = "changed", "same", "confirm"


def describes(row: cache.Row, now: FileStat, root: str, max_bytes: int, started: int) -> str:
    """Whether a row still describes its file: CHANGED, SAME, or CONFIRM (the same, and no longer racy)."""
    path, size, mtime_ns, inode, digest, blob = row
    if blob is None or size != now.size or mtime_ns != now.mtime_ns or inode != now.inode or size > max_bytes:
        return CHANGED
    if digest is None:
        return SAME
    try:  # unconfirmed: trust it only if the bytes are still the same
        with open(os.path.join(root, path), "rb") as handle:
            if cache.digest(handle.read()) != digest:
                return CHANGED
    except OSError:
        return CHANGED
    return CONFIRM if mtime_ns <= started - cache.RACY_NS else SAME


# -- reading and parsing ---------------------------------------------------------------------------

def _parse_file(root: str, path: str, size: int, max_bytes: int, started: int, mtime_ns: int,
                ) -> tuple[Note | None, bytes | None, bool]:
    """(note, digest if racy, cacheable) for one file; note None when it could not be read as a note."""
    from vaultcrm.vault.notes import parse

    if size > max_bytes:
        return None, None, False
    try:
        with open(os.path.join(root, path), "rb") as handle:
            data = handle.read(size + 1)  # a buffer of max_bytes for every note costs more than the read
            if len(data) > size:  # it grew since the scan
                data += handle.read(max_bytes + 1 - len(data))
    except OSError:
        return None, None, False
    if len(data) > max_bytes:
        return None, None, False
    racy = mtime_ns > started - cache.RACY_NS
    return parse(path, data), cache.digest(data) if racy else None, len(data) == size


def _parse_chunk(root: str, items: list[tuple[int, str, int, int]], max_bytes: int, started: int,
                 ) -> list[Parsed]:
    """A worker's share: each file parsed and, if the worker can, its contribution made."""
    out: list[Parsed] = []
    with gc_paused():
        for position, path, size, mtime_ns in items:
            note, digest, cacheable = _parse_file(root, path, size, max_bytes, started, mtime_ns)
            if note is not None and _contributor is not None:
                out.append((position, None, dump_part(_contributor(note)), digest, cacheable))
            else:
                out.append((position, None if note is None else dumps(note), None, digest, cacheable))
    return out


def parse_files(root: str, files: Sequence[FileStat], todo: list[int], max_bytes: int, started: int,
                contributor: Contributor) -> Iterator[Parsed]:
    """The files at positions `todo` parsed, in worker processes when there are many."""
    with _progress(len(todo)) as advance:
        if len(todo) >= POOL_MIN_FILES and len(todo) >= _pool_threshold() and (os.cpu_count() or 1) > 1:
            yield from _parse_in_pool(root, files, todo, max_bytes, started, advance, contributor)
            return
        for position in todo:
            found = files[position]
            note, digest, cacheable = _parse_file(root, found.path, found.size, max_bytes, started, found.mtime_ns)
            yield position, note, None, digest, cacheable
            advance(1)


def _start_method() -> str:
    """fork is cheap (the parser is already imported), but not safe once other threads run (the daemon)."""
    import multiprocessing
    import threading

    if threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods():
        return "fork"
    return "spawn"


def _pool_threshold() -> int:
    return POOL_MIN_FILES if _start_method() == "fork" else max(POOL_MIN_FILES, POOL_MIN_FILES_SPAWN)


@contextmanager
def _progress(total: int) -> Iterator[Callable[[int], None]]:
    if progress is None or total < PROGRESS_MIN_FILES:
        yield lambda count: None
        return
    with progress(total) as advance:
        yield advance


def _parse_in_pool(root: str, files: Sequence[FileStat], todo: list[int], max_bytes: int, started: int,
                   advance: Callable[[int], None], contributor: Contributor) -> Iterator[Parsed]:
    """Parse in worker processes, in chunks of about equal bytes; yields results as chunks finish.
    Forked workers inherit `contributor` (its link index built first) and contribute too."""
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    global _contributor
    workers = min(os.cpu_count() or 1, 8)
    method = _start_method()
    total = sum(files[p].size for p in todo) or 1
    target = max(total // (workers * 12), 256 * 1024)
    chunks: list[list[tuple[int, str, int, int]]] = [[]]
    size = 0
    for position in todo:
        found = files[position]
        chunks[-1].append((position, found.path, found.size, found.mtime_ns))
        size += found.size
        if size >= target:
            chunks.append([])
            size = 0
    if method == "fork":
        contributor.prepare()
        _contributor = contributor
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(method)) as pool:
            pending = {pool.submit(_parse_chunk, root, chunk, max_bytes, started) for chunk in chunks if chunk}
            try:
                while pending:
                    done, pending = wait(pending, return_when=FIRST_COMPLETED)
                    while done:  # each future is dropped once consumed: a finished one keeps its blobs
                        results = done.pop().result()
                        yield from results
                        advance(len(results))
            except BaseException:
                for future in pending:
                    future.cancel()
                raise
    finally:
        _contributor = None


# -- contributions ----------------------------------------------------------------------------------

def renew(vault: Path, files: Sequence[FileStat], todo: list[int], config: Config, reader: Reader,
          contributor: Contributor, started: int, rows: bool) -> Iterator[tuple[str, Contribution, cache.Row | None]]:
    """(path, contribution, cache row if `rows`) of the files at positions `todo`, read and parsed again."""
    root = str(vault)
    for position, note, stored, digest, cacheable in parse_files(
            root, files, todo, config.max_note_bytes, started, contributor):
        now = files[position]
        if stored is None:
            if isinstance(note, bytes):
                note = loads(note)
            if note is None:
                cacheable, note = False, reader(vault, now, config)
            part = contributor(note)
            stored = dump_part(part) if rows and cacheable else None
        else:
            part = load_part(stored)  # type: ignore[assignment]
        if not rows:
            yield now.path, part, None
        elif cacheable:
            yield now.path, part, (now.path, now.size, now.mtime_ns, now.inode, digest, stored)
        else:  # the path alone: which notes exist is what contributions depend on
            yield now.path, part, (now.path, now.size, now.mtime_ns, now.inode, None, None)


def read_parts(vault: Path, files: Sequence[FileStat], config: Config, reader: Reader,
               store: NoteCache | None = None) -> dict[str, Contribution]:
    """Every note's contribution, by path in the scan's order (see the module's docstring). `reader`
    makes the Note of a file that cannot be read as one (a note with a problem). `store`: a note cache
    the caller opened, and closes; without it one is opened here if the cache is on."""
    started = time.time_ns()
    own = store is None
    if own:
        store = NoteCache.open(vault) if enabled() else None
    try:
        with gc_paused():
            return _read_parts(vault, files, config, reader, store, started)
    finally:
        if own and store is not None:
            store.close()


def _read_parts(vault: Path, files: Sequence[FileStat], config: Config, reader: Reader,
                store: NoteCache | None, started: int) -> dict[str, Contribution]:
    root = str(vault)
    paths = [f.path for f in files]
    contributor = Contributor(paths, config)
    parts: dict[str, Contribution | None] = dict.fromkeys(paths)
    found = lookup(store, files, root, config.max_note_bytes, started) if store is not None else Found()
    same_notes = set(found.paths) == set(paths)
    state = parts_state(config, paths)
    if store is not None and store.seen_parts == (state if same_notes else parts_state(config, found.paths)):
        for path, blob in found.fresh.items():
            parts[path] = load_part(blob)
        if not same_notes:
            kept = {path: part.names for path, part in parts.items() if part is not None}
            for path in outdated(kept, found.paths, paths):
                parts[path] = None
    todo = [position for position, path in enumerate(paths) if parts[path] is None]
    upserts: list[cache.Row] = []
    for path, part, row in renew(vault, files, todo, config, reader, contributor, started, store is not None):
        parts[path] = part
        if row is None:
            continue
        upserts.append(row)
        if len(upserts) >= BATCH:
            store.write(upserts, final=False)  # type: ignore[union-attr]
            upserts.clear()
    if store is not None and (upserts or found.stale or found.confirms or store.seen_parts != state):
        store.write(upserts, found.stale, found.confirms, state=state)
    return parts  # type: ignore[return-value]
