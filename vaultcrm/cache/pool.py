"""Parsing many notes at once: in worker processes from `POOL_MIN_FILES` files (below that, starting
the workers costs more than it saves; see bench/README.md). Forked workers make the contributions too
and send back only those, as stored bytes; workers that start a fresh interpreter send notes."""
from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import TYPE_CHECKING

from vaultcrm.cache import changes
from vaultcrm.cache.fast_parse import parse
from vaultcrm.cache.serialize import dump_part, dumps

if TYPE_CHECKING:
    from vaultcrm.crm.touches import Contributor
    from vaultcrm.parsed import Note
    from vaultcrm.vault.scan import FileStat

POOL_MIN_FILES = 500  # parse in forked workers from this many files (break-even measured at ~300)
POOL_MIN_FILES_SPAWN = 3000  # workers that must start a fresh interpreter (threads running) cost more
PROGRESS_MIN_FILES = 2000  # show progress only when at least this many files must be parsed

# progress(total) is a context manager that yields a function advance(count); the command line
# passes one that draws a progress bar when stderr is a terminal.
Progress = Callable[[int], AbstractContextManager[Callable[[int], None]]]
# one parsed file: (position, note or its pickle, stored contribution, digest if racy, cacheable).
# A worker that could contribute sends the contribution and no note; else the note, None if unreadable.
Parsed = tuple[int, "Note | bytes | None", "bytes | None", "bytes | None", bool]

_contributor: Contributor | None = None  # what forked workers contribute with (set around the pool)


def _parse_file(root: str, path: str, size: int, max_bytes: int, started: int, mtime_ns: int,
                ) -> tuple[Note | None, bytes | None, bool]:
    """(note, digest if racy, cacheable) for one file; note None when it could not be read as a note."""
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
    return parse(path, data), changes.digest(data) if changes.racy(mtime_ns, started) else None, len(data) == size


def _parse_chunk(root: str, items: list[tuple[int, str, int, int]], max_bytes: int, started: int,
                 ) -> list[Parsed]:
    """A worker's share: each file parsed and, if the worker can, its contribution made."""
    gc.disable()  # a worker process: its notes are acyclic, and it ends with the pool
    out: list[Parsed] = []
    for position, path, size, mtime_ns in items:
        note, digest, cacheable = _parse_file(root, path, size, max_bytes, started, mtime_ns)
        if note is not None and _contributor is not None:
            out.append((position, None, dump_part(_contributor(note)), digest, cacheable))
        else:
            out.append((position, None if note is None else dumps(note), None, digest, cacheable))
    return out


def parse_files(root: str, files: Sequence[FileStat], todo: list[int], max_bytes: int, started: int,
                contributor: Contributor, progress: Progress | None = None) -> Iterator[Parsed]:
    """The files at positions `todo` parsed, in worker processes when there are many."""
    with _progress(progress, len(todo)) as advance:
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
    from vaultcrm.cache.ahead import forkable

    return "fork" if forkable() else "spawn"


def _pool_threshold() -> int:
    return POOL_MIN_FILES if _start_method() == "fork" else max(POOL_MIN_FILES, POOL_MIN_FILES_SPAWN)


@contextmanager
def _progress(progress: Progress | None, total: int) -> Iterator[Callable[[int], None]]:
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
