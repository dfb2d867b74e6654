"""The walk of a large vault, run in a forked child while this process goes on loading what a sync
needs after it (git's preloaded index, in a process: a walk is a `stat` per note, and a thread would
wait for the interpreter's lock after each one).

`WalkAhead(root, config)` forks a child that walks the vault (vault/scan.py, `scan`) and sends what
it found back through a pipe: the paths joined, the columns of their keys as `keys_digest` hashes
them, that digest and the newest modification time, the problems and the leftovers. `result()` waits
for it; its files are decoded only when read, so a sync that changes nothing reads no more than the
digest. Where a child cannot be forked (no `fork`, or other threads running, as in the daemon) or it
fails, `result()` walks here instead: the answer is always `scan`'s own.
"""
from __future__ import annotations

import marshal
import os
import select
import signal
import threading
from itertools import repeat
from pathlib import Path

from vaultcrm.cache.fingerprint import WalkKeys, columns_digest, keys_digest
from vaultcrm.config import Config
from vaultcrm.errors import Problem
from vaultcrm.vault.scan import FileStat, ScanResult, scan

_PIPE_BYTES = 1 << 20  # what the pipe holds (Linux), so that the child writes at once and leaves


def forkable() -> bool:
    """Whether this process may fork a child that runs Python: it can, and no other thread runs (a
    child gets only the thread that forked it, and a lock another thread held stays taken)."""
    return hasattr(os, "fork") and threading.active_count() == 1


class WalkAhead:
    """A walk of `root` under way in a child process, or to be made by `result()` itself."""

    def __init__(self, root: Path, config: Config) -> None:
        self.root, self.config = root, config
        self.keys: WalkKeys | None = None  # what the child worked out of its files, once `result()` took them
        self.notes = 0  # and how many it found
        self._child: tuple[int, int] | None = None  # (pid, read end of the pipe) until collected
        if not forkable():
            return
        read, write = os.pipe()
        try:
            import fcntl

            fcntl.fcntl(write, fcntl.F_SETPIPE_SZ, _PIPE_BYTES)
        except (ImportError, AttributeError, OSError):  # (not Linux, or a smaller limit: the child waits for reads)
            pass
        pid = os.fork()
        if pid == 0:  # the child: walk, send, and leave without running anything of the parent's
            os.close(read)
            _walk_and_send(root, config, write)
        os.close(write)
        self._child = (pid, read)

    @property
    def forked(self) -> bool:
        return self._child is not None

    def done(self) -> bool:
        """Whether the child has sent its walk (or ended): `result()` would not wait for it."""
        return self._child is None or bool(select.select([self._child[1]], [], [], 0)[0])

    def result(self) -> ScanResult:
        """The walk: the child's, or one made now when it has none to give."""
        found = self._collect()
        if found is None:
            found = scan(self.root, self.config)
            self.notes = len(found.files)
        return found

    def close(self) -> None:
        """The child ended and collected, whether or not its walk was taken."""
        if self._child is not None:
            pid, read = self._child
            self._child = None
            os.close(read)
            try:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            except OSError:  # (ended and collected already)
                pass

    def __enter__(self) -> WalkAhead:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _collect(self) -> ScanResult | None:
        if self._child is None:
            return None
        pid, read = self._child
        self._child = None
        chunks = []
        try:
            while chunk := os.read(read, _PIPE_BYTES):
                chunks.append(chunk)
        finally:
            os.close(read)
            try:
                _, status = os.waitpid(pid, 0)
            except ChildProcessError:  # (collected by someone else: what it sent is whole, or not read)
                status = 0
        try:
            notes, paths, columns, newest, digest, problems, leftovers = marshal.loads(b"".join(chunks))
        except (ValueError, EOFError, TypeError):  # cut short
            return None
        if status != 0:
            return None
        self.keys, self.notes = (newest, digest), notes
        return _SentWalk(paths, columns, [Problem(*p) for p in problems], leftovers)


def _walk_and_send(root: Path, config: Config, write: int) -> None:
    """The child's part: never returns."""
    code = 1
    try:
        found = scan(root, config)
        paths, sizes, mtimes, inodes = zip(*found.files, strict=True) if found.files else ((), (), (), ())
        joined, columns = "\0".join(paths), marshal.dumps((sizes, mtimes, inodes), 2)
        digest = columns_digest(joined, columns) if found.files else keys_digest(())
        data = memoryview(marshal.dumps((len(found.files), joined, columns, max(mtimes, default=None), digest,
                                         [(p.note, p.line, p.message) for p in found.problems], found.leftovers)))
        while data:
            data = data[os.write(write, data):]
        code = 0
    finally:
        os._exit(code)  # (no exit handlers, no flushing of buffers the parent will flush)


class _SentWalk(ScanResult):
    """A walk as the child sent it, its files decoded when first read."""

    def __init__(self, paths: str, columns: bytes, problems: list[Problem], leftovers: list[str]) -> None:
        self._paths, self._columns = paths, columns
        self._files: list[FileStat] | None = None
        self.problems, self.leftovers = problems, leftovers

    @property
    def files(self) -> list[FileStat]:
        if self._files is None:
            sizes, mtimes, inodes = marshal.loads(self._columns)
            self._files = list(map(tuple.__new__, repeat(FileStat), zip(
                self._paths.split("\0"), sizes, mtimes, inodes, strict=True))) if self._paths else []
            self._paths, self._columns = "", b""
        return self._files

    @files.setter
    def files(self, files: list[FileStat]) -> None:
        self._files = files
