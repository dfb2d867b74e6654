"""The per-file cache of parsed notes, and the memo of the last sync (issue #5).

Both live in the per-device state folder (`state.state_dir`), never in the vault, and neither is
ever needed for a correct result: a sync with them gives exactly what a sync without them gives.

**Note cache** (`notes.sqlite3`): one row per note, keyed by its vault-relative path and checked
against (size, mtime_ns, inode) from the scan; the value is the pickled `Note` that `notes.parse`
made of the file's bytes. Only new or changed files are read and parsed. SQLite in WAL mode with a
busy timeout lets `sync` and the daemon use it at once; each batch of rows is one transaction, and
a cache that stays locked is simply not written this time. A cache that cannot be read is deleted
and rebuilt, and one made by another vaultcrm (its code or the parsing libraries changed) is
emptied; either way one line is logged (stderr from the command line, the log file in the daemon).

*Racy entries.* A file rewritten within the same timestamp tick as our read, to the same size,
keeps its key (git's "racy clean" problem; FAT and some network file systems have 1-2 s ticks).
So a file whose mtime is within `RACY_NS` (2 s) of the moment we read it is stored *unconfirmed*,
with a digest of its bytes: later syncs re-read it and reuse the parse only when the bytes match,
and confirm it once it is old enough. A file's key can then only stay the same if its bytes did.

**Last sync** (`last-sync.json`): after a sync writes (or leaves) the dashboard, a digest of
everything the dashboard is a function of -- vaultcrm's code, the config, today, every note's
(path, size, mtime_ns, inode), the scan's problems, the dashboard template files -- with the hash
of the dashboard's bytes and the summary line. `unchanged_summary` lets `vaultcrm sync` answer a
repeated sync after a walk and one small read, without importing the parser or the renderer. It
is not recorded while any note is racy, so a recorded digest can only match unchanged notes.

**Cold parsing** uses a process pool from `POOL_MIN_FILES` files to parse (below that, starting the
workers costs more than it saves; see bench/README.md), and reports progress through `progress`,
which the command line sets to a click progress bar when stderr is a terminal.
"""
from __future__ import annotations

import copyreg
import dataclasses
import gc
import json
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__
from .model import Entry, LinkRef, Note, Problem
from .state import state_dir

try:  # the builtin module: hashlib would load OpenSSL, a few ms a `vaultcrm sync` need not spend
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - other Pythons
    from hashlib import blake2b

if TYPE_CHECKING:
    import logging
    import sqlite3

    from .config import Config
    from .scan import FileStat, ScanResult

SCHEMA = 1  # bump when the stored layout changes
DB_NAME = "notes.sqlite3"
LAST_SYNC = "last-sync.json"
RACY_NS = 2_000_000_000  # a file modified this close to our read is re-checked by content later
POOL_MIN_FILES = 500  # parse in forked workers from this many files (break-even measured at ~300)
POOL_MIN_FILES_SPAWN = 3000  # workers that must start a fresh interpreter (threads running) cost more
PROGRESS_MIN_FILES = 2000  # show a progress bar only when at least this many files must be parsed
BATCH = 2000  # rows per write transaction
BUSY_TIMEOUT_S = 10.0  # how long to wait for another process's write before going on without the cache
MAX_CONFIG_BYTES = 1 << 20  # dashboard template files larger than this disable the sync memo


def _log() -> logging.Logger:
    import logging

    return logging.getLogger("vaultcrm.cache")


# The command line sets this when stderr is a terminal: progress(total) is a context manager that
# yields a function advance(count). The library itself never draws anything.
Progress = Callable[[int], AbstractContextManager[Callable[[int], None]]]
progress: Progress | None = None

Reader = Callable[[Path, "FileStat", "Config"], Note]


def enabled() -> bool:
    """`VAULTCRM_NO_CACHE=1` turns off the note cache and the sync memo (for comparisons and debugging)."""
    return os.environ.get("VAULTCRM_NO_CACHE", "").strip().lower() in ("", "0", "false", "no")


# -- what the cached facts depend on -----------------------------------------------------------------

@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """vaultcrm's version and its files, Python's version and the parsing and rendering libraries.

    Stat-based: any install, upgrade or edit of these files changes it, which empties the cache.
    """
    import importlib.util

    parts: list[str] = [f"schema {SCHEMA}", f"vaultcrm {__version__}", sys.version]
    here = Path(__file__).resolve().parent
    folders = [here, here.parent / "templates"]
    for name in ("yaml", "_yaml", "markdown_it", "mdit_py_plugins", "jinja2"):
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            spec = None
        origin = getattr(spec, "origin", None)
        if not origin or not os.path.exists(origin):
            parts.append(f"{name} absent")
        elif origin.endswith("__init__.py"):
            folders.append(Path(origin).parent)
        else:
            parts.append(_stat_text(origin))
    for folder in folders:
        try:
            names = sorted(os.listdir(folder))
        except OSError:
            continue
        parts += (_stat_text(os.path.join(folder, n)) for n in names if n.endswith((".py", ".j2", ".so", ".pyd")))
    return blake2b("\n".join(parts).encode("utf-8", "surrogateescape")).hexdigest()


def _stat_text(path: str) -> str:
    try:
        info = os.stat(path)
    except OSError:
        return f"{path} missing"
    return f"{path} {info.st_size} {info.st_mtime_ns}"


# -- pickling that loads fast ----------------------------------------------------------------------
# A slots dataclass pickles through __getstate__/__setstate__ written in Python, which looks up its
# fields on every object; reducing to the constructor's arguments loads twice as fast.

def _register_reducers() -> None:
    for cls in (Note, Entry, LinkRef, Problem):
        names = tuple(f.name for f in dataclasses.fields(cls))

        def reduce(obj: Any, cls: type = cls, names: tuple[str, ...] = names) -> tuple[Any, ...]:
            return cls, tuple(getattr(obj, n) for n in names)

        copyreg.pickle(cls, reduce)


_register_reducers()


def _dumps(note: Note) -> bytes:
    import pickle

    return pickle.dumps(note, protocol=pickle.HIGHEST_PROTOCOL)


@contextmanager
def gc_paused() -> Iterator[None]:
    """Building tens of thousands of small acyclic objects: the cycle collector only slows it down
    (a third of the time of loading notes and of indexing them at 10k notes). Refcounting still frees
    everything; cycles made meanwhile are collected once it is back on."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


# -- the note cache --------------------------------------------------------------------------------

class NoteCache:
    """The SQLite file of parsed notes for one vault."""

    def __init__(self, path: Path, connection: sqlite3.Connection) -> None:
        self.path = path
        self.db = connection
        self.broken = False

    @classmethod
    def open(cls, vault: Path) -> NoteCache | None:
        """The vault's note cache, rebuilt if it is unreadable or outdated; None if it cannot be had."""
        import sqlite3

        try:
            path = state_dir(vault) / DB_NAME
        except OSError:
            return None
        try:
            return cls(path, _connect(path))
        except sqlite3.DatabaseError as exc:
            if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
                return None  # busy beyond the timeout: go on without
            _log().warning("vaultcrm: the note cache %s could not be read (%s); it is rebuilt", path, exc)
        except OSError:
            return None
        _remove(path)
        try:
            return cls(path, _connect(path))
        except (sqlite3.Error, OSError):
            return None

    def rows(self) -> Iterator[tuple[str, int, int, int, bytes | None, bytes]]:
        """Every entry as (path, size, mtime_ns, inode, digest, pickled note), streamed from disk."""
        import sqlite3

        try:
            yield from self.db.execute("SELECT path, size, mtime_ns, inode, digest, note FROM notes")
        except sqlite3.DatabaseError as exc:
            self._rebuild(exc)

    def write(self, upserts: Sequence[tuple[str, int, int, int, bytes | None, bytes]],
              deletes: Sequence[str] = (), confirms: Sequence[str] = ()) -> None:
        """One transaction; a cache that stays locked or fails is left as it is (it is only a cache)."""
        import sqlite3

        if self.broken or not (upserts or deletes or confirms):
            return
        try:
            with self.db:
                self.db.execute("BEGIN IMMEDIATE")
                self.db.executemany("INSERT OR REPLACE INTO notes VALUES (?, ?, ?, ?, ?, ?)", upserts)
                self.db.executemany("DELETE FROM notes WHERE path = ?", ((p,) for p in deletes))
                self.db.executemany("UPDATE notes SET digest = NULL WHERE path = ?", ((p,) for p in confirms))
        except sqlite3.OperationalError as exc:
            _log().debug("note cache not updated: %s", exc)
            if "locked" not in str(exc) and "busy" not in str(exc):
                self.broken = True
        except sqlite3.DatabaseError as exc:
            self._rebuild(exc)

    def _rebuild(self, exc: Exception) -> None:
        import sqlite3

        _log().warning("vaultcrm: the note cache %s could not be read (%s); it is rebuilt", self.path, exc)
        self.close()
        _remove(self.path)
        try:
            self.db = _connect(self.path)
        except (sqlite3.Error, OSError):
            self.broken = True

    def close(self) -> None:
        try:
            self.db.close()
        except Exception:  # noqa: BLE001 - closing a broken cache must not fail a sync
            pass


def _connect(path: Path) -> sqlite3.Connection:
    import sqlite3

    db = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False)
    try:
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
        with db:
            db.execute("BEGIN IMMEDIATE")
            db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            db.execute("CREATE TABLE IF NOT EXISTS notes (path TEXT PRIMARY KEY, size INTEGER NOT NULL, "
                       "mtime_ns INTEGER NOT NULL, inode INTEGER NOT NULL, digest BLOB, note BLOB NOT NULL)")
            found = db.execute("SELECT value FROM meta WHERE key = 'code'").fetchone()
            wanted = code_fingerprint()
            if found is None or found[0] != wanted:
                if found is not None:
                    _log().warning("vaultcrm: the note cache %s was made by another version of vaultcrm; "
                                "it is rebuilt", path)
                db.execute("DELETE FROM notes")
                db.execute("INSERT OR REPLACE INTO meta VALUES ('code', ?)", (wanted,))
    except BaseException:
        db.close()
        raise
    return db


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        try:
            os.unlink(f"{path}{suffix}")
        except OSError:
            pass


# -- reading notes through the cache ---------------------------------------------------------------

def _digest(data: bytes) -> bytes:
    return blake2b(data, digest_size=16).digest()


def _parse_file(root: str, path: str, size: int, max_bytes: int, started: int, mtime_ns: int,
                ) -> tuple[Note | None, bytes | None, bool]:
    """(note, digest if racy, cacheable) for one file; note None when it could not be read as a note."""
    from .notes import parse

    if size > max_bytes:
        return None, None, False
    try:
        with open(os.path.join(root, path), "rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError:
        return None, None, False
    if len(data) > max_bytes:
        return None, None, False
    racy = mtime_ns > started - RACY_NS
    return parse(path, data), _digest(data) if racy else None, len(data) == size


def _parse_chunk(root: str, items: list[tuple[int, str, int, int]], max_bytes: int, started: int,
                 ) -> list[tuple[int, bytes | None, bytes | None, bool]]:
    """A worker's share: (position, pickled note or None, digest, cacheable) for each file."""
    out = []
    with gc_paused():
        for position, path, size, mtime_ns in items:
            note, digest, cacheable = _parse_file(root, path, size, max_bytes, started, mtime_ns)
            out.append((position, None if note is None else _dumps(note), digest, cacheable))
    return out


def read_notes(vault: Path, files: Sequence[FileStat], config: Config, reader: Reader) -> list[Note]:
    """Every file of the scan as a Note, in the scan's order: from the cache where the file is unchanged,
    else read and parsed (and stored). `reader` makes the Note of a file that cannot be read (a problem)."""
    started = time.time_ns()
    cache = NoteCache.open(vault) if enabled() else None
    try:
        with gc_paused():
            return _read_notes(vault, files, config, reader, cache, started)
    finally:
        if cache is not None:
            cache.close()


def _read_notes(vault: Path, files: Sequence[FileStat], config: Config, reader: Reader,
                cache: NoteCache | None, started: int) -> list[Note]:
    import pickle

    root = str(vault)
    max_bytes = config.max_note_bytes
    notes: list[Note | None] = [None] * len(files)
    confirms: list[str] = []
    stale: list[str] = []
    upserts: list[tuple[str, int, int, int, bytes | None, bytes]] = []
    where = {found.path: position for position, found in enumerate(files)}
    for path, size, mtime_ns, inode, digest, blob in (cache.rows() if cache is not None else ()):
        position = where.get(path)
        if position is None:
            stale.append(path)
            continue
        found = files[position]
        if size != found.size or mtime_ns != found.mtime_ns or inode != found.inode or size > max_bytes:
            continue
        if digest is not None:  # unconfirmed: reuse only if the bytes are still the same
            try:
                with open(os.path.join(root, path), "rb") as handle:
                    if _digest(handle.read()) != digest:
                        continue
            except OSError:
                continue
            if mtime_ns <= started - RACY_NS:
                confirms.append(path)
        try:
            notes[position] = pickle.loads(blob)
        except Exception:  # noqa: BLE001 - a damaged entry is just a miss
            pass
    del where
    todo = [position for position, note in enumerate(notes) if note is None]

    def take(position: int, note: Note | None, blob: bytes | None, digest: bytes | None, cacheable: bool) -> None:
        found = files[position]
        if note is None:
            note = reader(vault, found, config)
        elif cacheable and cache is not None:
            upserts.append((found.path, found.size, found.mtime_ns, found.inode, digest, blob or _dumps(note)))
        notes[position] = note

    def flush(force: bool = False) -> None:
        if cache is not None and (force or len(upserts) >= BATCH):
            cache.write(upserts)
            upserts.clear()

    with _progress(len(todo)) as advance:
        if len(todo) >= _pool_threshold() and (os.cpu_count() or 1) > 1:
            parsed = _parse_in_pool(root, files, todo, max_bytes, started, advance)
            for position, blob, digest, cacheable in parsed:
                take(position, None if blob is None else pickle.loads(blob), blob, digest, cacheable)
                flush()
        else:
            for position in todo:
                found = files[position]
                note, digest, cacheable = _parse_file(root, found.path, found.size, max_bytes, started,
                                                      found.mtime_ns)
                take(position, note, None, digest, cacheable)
                flush()
                advance(1)
    if cache is not None:
        cache.write(upserts, stale, confirms)
    return notes  # type: ignore[return-value]


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
                   advance: Callable[[int], None]) -> Iterator[tuple[int, bytes | None, bytes | None, bool]]:
    """Parse in worker processes, in chunks of about equal bytes; yields results as chunks finish."""
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

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


# -- the memo of the last sync ---------------------------------------------------------------------

def config_key(config: Config) -> str:
    """The settings as data (a rule by its source text, not its compiled test)."""
    parts = []
    for item in dataclasses.fields(config):
        value = getattr(config, item.name)
        if item.name == "rules":
            value = tuple((r.label, r.when, r.cadence, r.tier, r.skip) for r in value)
        parts.append((item.name, value))
    return repr(parts)


def inputs_digest(vault: Path, config: Config, found: ScanResult, today: date) -> str | None:
    """A digest of everything a sync's dashboard depends on; None when a note is too new to trust."""
    if not enabled():
        return None
    newest_ok = time.time_ns() - RACY_NS
    hasher = blake2b()
    hasher.update(f"{code_fingerprint()}\0{today.isoformat()}\0{config_key(config)}\0".encode("utf-8", "replace"))
    for problem in found.problems:
        hasher.update(repr(problem.as_dict()).encode("utf-8", "surrogateescape"))
    lines = []
    for f in found.files:
        if f.mtime_ns > newest_ok:
            return None
        lines.append(f"{f.path}\0{f.size}\0{f.mtime_ns}\0{f.inode}\n")
    hasher.update("".join(lines).encode("utf-8", "surrogateescape"))
    templates = vault / ".vaultcrm" / "templates"
    if templates.is_dir():
        total = 0
        for folder, dirs, names in sorted(os.walk(templates)):
            dirs.sort()
            for name in sorted(names):
                path = os.path.join(folder, name)
                try:
                    data = Path(path).read_bytes()
                except OSError:
                    return None
                total += len(data)
                if total > MAX_CONFIG_BYTES:
                    return None
                name = os.path.relpath(path, templates)
                hasher.update(f"{name}\0{len(data)}\0".encode("utf-8", "surrogateescape"))
                hasher.update(data)
    return hasher.hexdigest()


def remember_sync(vault: Path, inputs: str | None, text: str, summary: str) -> None:
    """Record a finished sync: its inputs, the dashboard's bytes (by hash) and its summary line."""
    if inputs is None or not enabled():
        return
    record = {"schema": SCHEMA, "inputs": inputs, "summary": summary,
              "dashboard": blake2b(text.encode("utf-8")).hexdigest()}
    try:
        folder = state_dir(vault)
        tmp = folder / f".{LAST_SYNC}.{os.getpid()}.tmp"
        tmp.write_text(json.dumps(record), "utf-8")
        os.replace(tmp, folder / LAST_SYNC)
    except OSError as exc:
        _log().debug("last sync not recorded: %s", exc)


def forget_sync(vault: Path) -> None:
    try:
        os.unlink(state_dir(vault) / LAST_SYNC)
    except OSError:
        pass


def unchanged_summary(vault: Path, today: date, config: Config) -> str | None:
    """The summary of a sync that would change nothing, when the last sync proves it; else None.

    Costs a walk of the vault and a read of the dashboard: no note is read, nothing is parsed or
    rendered, nothing is written. None sends the caller down the full pipeline.
    """
    if not enabled() or not vault.is_dir():
        return None
    from .errors import VaultcrmError
    from .scan import scan
    from .write import contained_path

    try:
        record = json.loads((state_dir(vault) / LAST_SYNC).read_bytes())
        if record.get("schema") != SCHEMA:
            return None
        data = contained_path(vault, config.dashboard).read_bytes()
    except (OSError, ValueError, AttributeError, VaultcrmError):
        return None
    if blake2b(data).hexdigest() != record.get("dashboard"):
        return None
    digest = inputs_digest(vault, config, scan(vault, config), today)
    if digest is None or digest != record.get("inputs"):
        return None
    return f"{record['summary']} · unchanged"
