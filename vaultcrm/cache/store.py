"""The note cache: an SQLite file of what each note contributes to the index, and of the last
sync's results. It lives in the per-device state folder (vaultcrm/state.py), never in the vault.

`notes.sqlite3` holds one row per note, keyed by its vault-relative path and checked against its key
from the scan (cache/changes.py). A row holds the note's pickled contribution
(crm.touches.Contribution), or nothing for a file that could not be read as a note (the row then only
says the path exists). SQLite in WAL mode with a busy timeout lets `sync` and the daemon use it at
once; each batch of rows is one transaction, and a cache that stays locked is simply not written this
time. A cache that cannot be read is deleted and rebuilt, and one made by other code (cache/
fingerprint.py, `code`) is emptied; either way one line is logged (stderr from the command line, the
daemon's log file).

*Contributions* are only trusted as a whole: the `parts` meta value is the fingerprint of the
settings they depend on and of the paths of every row (`Fingerprint.notes`). When it matches the
table, each stored contribution was made against exactly those notes; cache/contributions.py then
redoes only the rows whose file changed or whose links may now lead elsewhere. A writer takes the
value with a compare-and-swap through a token of its own (`NoteCache.write`), so two writers at once
leave it cleared, never wrong.

*Results.* The `results` table keeps each contact's share of the last dashboard, and each note's
problems (cache/difference.py), for the `epoch` of the rows they were made from: every write of rows
sets a new epoch, and results are stored only by a writer that saw every write since it read. The
`made` meta value names the stored results: every write that changes one of them sets a new one, so
the same name means the same results. With them goes the `settled` meta value: the key of every
confirmed row that has a contribution, so a sync after an edit finds the changed notes without
reading every row; and, when those are the keys of exactly the notes the results were made from, the
`walk` meta value: their digest (fingerprint.keys_digest), so a command that only reads finds that no
note changed from one digest of its walk.
"""
from __future__ import annotations

import marshal
import os
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vaultcrm.cache.fingerprint import code, keys_digest
from vaultcrm.state import state_dir

if TYPE_CHECKING:
    import logging
    import sqlite3

    from vaultcrm.vault.scan import FileStat


DB_NAME = "notes.sqlite3"
BUSY_TIMEOUT_S = 10.0  # how long to wait for another process's write before going on without the cache

# path, size, mtime_ns, inode, digest (unconfirmed), pickled contribution (None: not readable as a note)
Row = tuple[str, int, int, int, "bytes | None", "bytes | None"]
META = "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)"
TABLE = ("CREATE TABLE IF NOT EXISTS notes (path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, "
         "inode INTEGER NOT NULL, digest BLOB, part BLOB)")
# a contact's result (dashboard.shown.ContactResult) with the notes that touch it, what its rules reported
# and, apart, what finds it by name (its name and aliases: `touch` and completion load no more) and what
# `due` shows of it; or a note's problems
RESULTS = ("CREATE TABLE IF NOT EXISTS results (path TEXT PRIMARY KEY, sources TEXT, result BLOB, problems BLOB, "
           "rules BLOB, names BLOB, due BLOB)")
ResultRow = tuple[str, "str | None", "bytes | None", "bytes | None", "bytes | None", "bytes | None", "bytes | None"]
StoredResult = tuple[str, "str | None", "bytes | None", "bytes | None", "bytes | None"]  # a ResultRow's first five
Settled = dict[str, tuple[int, int, int]]  # path -> (size, mtime_ns, inode) of each settled row


def log() -> logging.Logger:
    import logging

    return logging.getLogger("vaultcrm.cache")





# -- the note cache --------------------------------------------------------------------------------

class NoteCache:
    """The SQLite file of parsed notes for one vault."""

    def __init__(self, path: Path, connection: sqlite3.Connection) -> None:
        self.path = path
        self.db = connection
        self.broken = False
        self.seen_parts: str | None = None  # the `parts` meta value when `rows` read the table
        self.token: str | None = None  # this writer's claim on `parts` (see write)
        self.epoch: str | None = None  # the rows' epoch as this connection knows it; None: it lost track
        self.seen_results: str | None = None  # what the `results` meta value said in the last snapshot
        self.seen_made: str = ""  # and the `made` one
        self.seen_walk: str | None = None  # and the `walk` one

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
            log().warning("vaultcrm: the note cache %s could not be read (%s); it is rebuilt", path, exc)
        except OSError:
            return None
        _remove(path)
        try:
            return cls(path, _connect(path))
        except (sqlite3.Error, OSError):
            return None

    @contextmanager
    def snapshot(self) -> Iterator[bool]:
        """One read transaction: what is read inside it is one state of the cache, whose `parts`,
        `epoch` and `results` meta values it reads first. Yields False when the cache is unreadable
        (then rebuilt, and empty)."""
        import sqlite3

        try:
            self.db.execute("BEGIN")
            meta = dict(self.db.execute(
                "SELECT key, value FROM meta WHERE key IN ('parts', 'epoch', 'results', 'made', 'walk')"))
        except sqlite3.DatabaseError as exc:
            self.epoch = None
            self._rebuild(exc)
            yield False
            return
        self.seen_parts, self.seen_results = meta.get("parts"), meta.get("results")
        self.seen_made, self.seen_walk = meta.get("made") or "", meta.get("walk")
        self.epoch = meta.get("epoch") or ""
        try:
            yield True
        except sqlite3.DatabaseError as exc:
            self.epoch = None
            self._rebuild(exc)
        finally:
            if not self.broken and self.db.in_transaction:
                self.db.execute("COMMIT")

    def rows(self) -> Iterator[Row]:
        """Every row, streamed from one snapshot of the table."""
        with self.snapshot() as readable:
            if readable:
                yield from self.db.execute("SELECT path, size, mtime_ns, inode, digest, part FROM notes")

    def parts_of(self, paths: Iterable[str]) -> dict[str, bytes | None]:
        """The stored contributions of these paths (inside a snapshot)."""
        return dict(self._of(paths, "path, part"))

    def rows_of(self, paths: Iterable[str]) -> list[Row]:
        """The rows of these paths without their contributions: `part` is b"" where there is one, None
        where the file could not be read as a note (inside a snapshot)."""
        return self._of(paths, "path, size, mtime_ns, inode, digest, CASE WHEN part IS NULL THEN NULL ELSE x'' END")

    def _of(self, paths: Iterable[str], columns: str) -> list[Any]:
        """These columns of the rows of these paths, asked for in chunks within SQLite's limit of parameters."""
        wanted, out = list(paths), list[Any]()
        for start in range(0, len(wanted), 500):
            chunk = wanted[start:start + 500]
            out += self.db.execute(f"SELECT {columns} FROM notes WHERE path IN ({','.join('?' * len(chunk))})", chunk)
        return out

    def results(self) -> Iterator[StoredResult]:
        """Every stored result, without what finds it by name or what `due` shows of it (inside a snapshot)."""
        return self.db.execute("SELECT path, sources, result, problems, rules FROM results")

    def names(self) -> Iterator[tuple[str, bytes]]:
        """(path, names) of every stored contact, in the order `results` gives them (inside a snapshot)."""
        return self.db.execute("SELECT path, names FROM results WHERE names IS NOT NULL")

    def due(self) -> Iterator[tuple[str, bytes | None, bytes | None, int]]:
        """(path, due, problems, whether it holds a result) of every stored row, in the order `results`
        gives them (inside a snapshot)."""
        return self.db.execute("SELECT path, due, problems, result IS NOT NULL FROM results")

    def settled(self) -> Settled | None:
        """What the `settled` meta value holds (see the module's docstring), or None (inside a snapshot)."""
        found = self.db.execute("SELECT value FROM meta WHERE key = 'settled'").fetchone()
        try:
            value = marshal.loads(found[0]) if found and found[0] else None
        except (ValueError, EOFError, TypeError):
            return None
        return value if isinstance(value, dict) else None

    def write(self, upserts: Sequence[Row] = (), deletes: Sequence[str] = (), confirms: Sequence[str] = (), *,
              state: str | None = None, final: bool = True) -> None:
        """One transaction: rows replaced, deleted or confirmed.

        `parts` is then set by compare-and-swap: this writer's first transaction claims it with a token
        if it still holds what `rows` saw (else clears it), and the final one sets `state` if the claim
        still holds (else clears it). So only a writer that kept the table to itself from reading to
        its last write can vouch for its contributions; `state` None clears them. A cache that stays
        locked or fails is left as it is (it is only a cache).
        """
        import sqlite3

        if self.broken or not (upserts or deletes or confirms or state):
            return
        try:
            with self.db:
                self.db.execute("BEGIN IMMEDIATE")
                self.db.executemany("INSERT OR REPLACE INTO notes VALUES (?, ?, ?, ?, ?, ?)", upserts)
                self.db.executemany("DELETE FROM notes WHERE path = ?", ((p,) for p in deletes))
                self.db.executemany("UPDATE notes SET digest = NULL WHERE path = ?", ((p,) for p in confirms))
                self._swap(state, final)
                self._next_epoch()
        except sqlite3.OperationalError as exc:
            self.epoch = None
            log().debug("note cache not updated: %s", exc)
            if "locked" not in str(exc) and "busy" not in str(exc):
                self.broken = True
        except sqlite3.DatabaseError as exc:
            self.epoch = None
            self._rebuild(exc)

    def _next_epoch(self) -> None:
        """A new epoch for the rows; this connection still knows them if nobody wrote since it looked."""
        found = self.db.execute("SELECT value FROM meta WHERE key = 'epoch'").fetchone()
        epoch = os.urandom(8).hex()
        self.db.execute("INSERT OR REPLACE INTO meta VALUES ('epoch', ?)", (epoch,))
        self.epoch = epoch if self.epoch is not None and (found[0] if found else "") == self.epoch else None

    def write_results(self, key: str, upserts: Sequence[ResultRow], deletes: Sequence[str] = (), *,
                      replace: bool = False, settled: Settled | None = None,
                      walk: Sequence[FileStat] | None = None) -> str | None:
        """Results made from the rows as this connection knows them (all of them when `replace`, else
        changing those of its last snapshot), stored for the rows' epoch under `key`; cleared instead
        when another writer changed the rows or the results. The stored results' name (`made`), or None.
        `settled`: the settled rows' keys, when they changed since the snapshot (a full sync's, with
        `replace`, are read here); None leaves them as they were. `walk`: the notes the results were
        made from, which name the settled keys when they are exactly these notes' keys."""
        import sqlite3

        if self.broken:
            return None
        try:
            with self.db:
                self.db.execute("BEGIN IMMEDIATE")
                meta = dict(self.db.execute("SELECT key, value FROM meta WHERE key IN ('epoch', 'made')"))
                if self.epoch is None or meta.get("epoch", "") != self.epoch or \
                        (not replace and meta.get("made", "") != self.seen_made):
                    self.db.execute("DELETE FROM meta WHERE key = 'results'")
                    return None
                made = self.seen_made
                if replace or upserts or deletes:
                    made = os.urandom(8).hex()
                    self.db.execute("INSERT OR REPLACE INTO meta VALUES ('made', ?)", (made,))
                if replace:
                    self.db.execute("DELETE FROM results")
                self.db.executemany("INSERT OR REPLACE INTO results VALUES (?, ?, ?, ?, ?, ?, ?)", upserts)
                self.db.executemany("DELETE FROM results WHERE path = ?", ((p,) for p in deletes))
                if replace:
                    settled = {path: (size, mtime_ns, inode) for path, size, mtime_ns, inode in self.db.execute(
                        "SELECT path, size, mtime_ns, inode FROM notes WHERE digest IS NULL AND part IS NOT NULL")}
                if settled is not None:
                    self.db.execute("INSERT OR REPLACE INTO meta VALUES ('settled', ?)", (marshal.dumps(settled),))
                    self.db.execute("INSERT OR REPLACE INTO meta VALUES ('walk', ?)", (_walk(settled, walk),))
                self.db.execute("INSERT OR REPLACE INTO meta VALUES ('results', ?)", (f"{self.epoch} {key}",))
                self.seen_made = made
                return made
        except sqlite3.OperationalError as exc:
            log().debug("results not stored: %s", exc)
        except sqlite3.DatabaseError as exc:
            self._rebuild(exc)
        return None

    def _swap(self, state: str | None, final: bool) -> None:
        found = self.db.execute("SELECT value FROM meta WHERE key = 'parts'").fetchone()
        now = found[0] if found else None
        if self.token is None:  # this writer's first write: claim it if nobody wrote since `rows`
            self.token = os.urandom(8).hex() if now == self.seen_parts else ""
        elif now != self.token:
            self.token = ""  # another writer came between: this one can vouch for nothing
        value = (state if final else self.token) if self.token else None
        self.db.execute("INSERT OR REPLACE INTO meta VALUES ('parts', ?)", (value,))
        if final:
            self.token = None

    def _rebuild(self, exc: Exception) -> None:
        import sqlite3

        log().warning("vaultcrm: the note cache %s could not be read (%s); it is rebuilt", self.path, exc)
        self.close()
        _remove(self.path)
        try:
            self.db = _connect(self.path)
        except (sqlite3.Error, OSError):
            self.broken = True

    def close(self) -> None:
        try:
            self.db.close()
        except Exception:
            pass


def _walk(settled: Settled, walk: Sequence[FileStat] | None) -> str | None:
    """The `walk` meta value: the digest of `walk`'s keys when they are exactly the settled ones."""
    if walk is None or len(walk) != len(settled):
        return None
    get = settled.get
    return keys_digest(walk) if all(get(note.path) == note[1:] for note in walk) else None


def _connect(path: Path) -> sqlite3.Connection:
    import sqlite3

    db = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False)
    try:
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
        with db:
            db.execute("BEGIN IMMEDIATE")
            db.execute(META)
            db.execute(TABLE)
            db.execute(RESULTS)
            found = db.execute("SELECT value FROM meta WHERE key = 'code'").fetchone()
            wanted = code()
            if found is None or found[0] != wanted:
                if found is not None:
                    log().warning("vaultcrm: the note cache %s was made by another version of vaultcrm; "
                                  "it is rebuilt", path)
                db.execute("DROP TABLE notes")  # and the rest: another version may have laid them out otherwise
                db.execute("DROP TABLE meta")
                db.execute("DROP TABLE results")
                db.execute(META)
                db.execute(TABLE)
                db.execute(RESULTS)
                db.execute("INSERT INTO meta VALUES ('code', ?)", (wanted,))
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
