"""Walking the vault once: which files are notes, and which are never read (behaviour §1)."""
from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from operator import itemgetter
from pathlib import Path
from typing import NamedTuple

from vaultcrm.config import Config
from vaultcrm.errors import Problem

_new_tuple = tuple.__new__


class FileStat(NamedTuple):
    """A note found by the scan: its vault-relative POSIX path and what identifies its version.
    (A named tuple: a scan makes one per note, and a tuple is made and compared in C.)"""

    path: str
    size: int
    mtime_ns: int
    inode: int


@dataclass
class ScanResult:
    """The notes a walk found, in path order, with the problems and leftovers it met."""

    files: list[FileStat] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    leftovers: list[str] = field(default_factory=list)  # vaultcrm's own temporary files, found in passing


# The name of a temporary file vaultcrm writes beside a file before renaming it over it
# (writeback/atomic.py, temp_name): hidden, and ending in `.vaultcrm-<8 hex digits>.tmp`.
_TEMP = re.compile(r"\..+\.vaultcrm-[0-9a-f]{8}\.tmp", re.DOTALL)


def is_own_temp(name: str) -> bool:
    """Whether a file name is that of one of vaultcrm's own temporary files."""
    return _TEMP.fullmatch(name) is not None


def is_conflict_copy(name: str) -> bool:
    """Syncthing's `.sync-conflict-`, Obsidian Sync's `(Conflicted copy …)`, Dropbox's `conflicted copy`."""
    lowered = name.lower()
    return ".sync-conflict-" in lowered or "conflicted copy" in lowered


def is_conflict_copy_of(sibling: str, note: str) -> bool:
    """Whether file name `sibling` is a sync-conflict copy of the note named `note` (`Jane Doe.md`)."""
    stem = note[:-3] if note.lower().endswith(".md") else note
    return is_conflict_copy(sibling) and sibling.startswith((stem + ".", stem + " ("))


def conflict_copies_of(rel: str, problems: Iterable[Problem]) -> list[str]:
    """The sync-conflict copies of the file `rel` among the notes that `problems` name (the scan lists
    each copy it finds as a problem)."""
    folder, _, name = rel.rpartition("/")
    return [p.note for p in problems
            if p.note.rpartition("/")[0] == folder and is_conflict_copy_of(p.note.rpartition("/")[2], name)]


@lru_cache(maxsize=256)
def glob_regex(pattern: str) -> re.Pattern[str]:
    """A vault-relative glob (`**` any depth, `*` within a folder, `?` one character) as a regex."""
    out, i = [], 0
    text = pattern.strip().strip("/")
    while i < len(text):
        if text.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif text.startswith("**", i):
            out.append(".*")
            i += 2
        elif text[i] == "*":
            out.append("[^/]*")
            i += 1
        elif text[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(text[i]))
            i += 1
    return re.compile("".join(out), re.IGNORECASE)


class NotePaths:
    """Which vault-relative paths are notes (behaviour §1), decided in one place for the scan and the
    daemon: a `.md` file, not hidden and not in a dot-folder, not `*.tmp`, not the dashboard, not in
    the templates folder, not matched by an `exclude` glob, and not a sync-conflict copy (which is
    listed as a problem instead)."""

    def __init__(self, config: Config) -> None:
        self.dashboard = config.dashboard.casefold()
        self.dashboard_folder = self.dashboard[:self.dashboard.rfind("/") + 1]  # with its "/"; "" at the root
        self.templates = config.templates.strip("/").casefold()
        self.excluded = [glob_regex(p).fullmatch for p in config.exclude]

    def folder_read(self, rel: str) -> bool:
        """Whether the scan enters this folder (its parent being entered)."""
        lowered = rel.casefold()
        if lowered == self.templates or lowered.startswith(self.templates + "/"):
            return False
        return not any(match(rel) for match in self.excluded)

    def file_is_note(self, rel: str, name: str) -> bool:
        """Whether a file in a folder the scan enters is a note."""
        if name[0] == ".":
            return False
        lowered = name.lower()
        if not lowered.endswith(".md") or rel.casefold() == self.dashboard:
            return False
        if self.excluded and any(match(rel) for match in self.excluded):
            return False
        return "conflict" not in lowered or not is_conflict_copy(name)

    def is_note_path(self, rel: str) -> bool:
        """Whether any vault-relative path is a note."""
        return self.file_is_note(rel, rel.rsplit("/", 1)[-1]) and self.folders_read(rel)

    def is_conflict_copy(self, rel: str) -> bool:
        """Whether a path is a sync-conflict copy of a note, where the scan would list it as a problem."""
        name = rel.rsplit("/", 1)[-1]
        return not name.startswith(".") and name.lower().endswith(".md") and is_conflict_copy(name) \
            and self.folders_read(rel) and not any(match(rel) for match in self.excluded)

    def folders_read(self, rel: str) -> bool:
        """Whether the scan reaches the folder holding `rel`."""
        folders = rel.split("/")[:-1]
        return not any(part.startswith(".") for part in folders) and all(
            self.folder_read("/".join(folders[:i])) for i in range(1, len(folders) + 1))




def _conflict_problem(rel: str) -> Problem:
    return Problem(rel, None, "this is a sync-conflict copy, so it is not read; merge it into the original note "
                   "and delete it")


def scan(root: Path, config: Config) -> ScanResult:
    """Every note of the vault in a stable order, with sync-conflict copies listed as problems."""
    result = ScanResult()
    files = result.files
    paths = NotePaths(config)
    stack = [""]
    while stack:
        folder = stack.pop()
        try:
            listing = _Listing(root / folder if folder else root)
        except OSError as exc:
            result.problems.append(Problem(folder or ".", None, f"this folder cannot be read ({exc.strerror})"))
            continue
        prefix = f"{folder}/" if folder else ""
        with listing:
            _read_folder(listing.entries, prefix, paths, result, stack)
    files.sort(key=_path)  # by path: paths are unique
    result.problems.sort(key=Problem.sort_key)
    result.leftovers.sort()
    return result


def _read_folder(entries: list[os.DirEntry[str]], prefix: str, paths: NotePaths, result: ScanResult,
                 stack: list[str]) -> None:
    """One folder's notes, conflict copies and leftovers into `result`, its folders to read onto `stack`."""
    files = result.files
    plain = not paths.excluded
    # the dashboard's name is looked for only in its folder (a path's case fold is its folder's and its name's)
    dashboard = paths.dashboard if prefix.casefold() == paths.dashboard_folder else None
    for entry in entries:  # (this loop runs once per file of the vault: it is kept lean)
        name = entry.name
        if name[0] == ".":
            if name.endswith(".tmp") and is_own_temp(name):
                result.leftovers.append(prefix + name)
            continue
        rel = prefix + name
        try:
            if plain and name.endswith(".md") and "conflict" not in name.lower() and entry.is_file() \
                    and (dashboard is None or rel.casefold() != dashboard):  # (a note, as below finds, in fewer steps)
                info = entry.stat()
                files.append(_new_tuple(FileStat, (rel, info.st_size, info.st_mtime_ns, info.st_ino)))
                continue
            if entry.is_dir(follow_symlinks=False):
                if paths.folder_read(rel):
                    stack.append(rel)
                continue
            if not paths.file_is_note(rel, name):
                if "conflict" in name.lower() and paths.is_conflict_copy(rel):
                    result.problems.append(_conflict_problem(rel))
                continue
            info = entry.stat()
        except OSError:
            continue  # vanished while scanning, or a dangling link: not a note now
        if entry.is_file():  # (tuple.__new__: a named tuple's own __new__ is written in Python)
            files.append(_new_tuple(FileStat, (rel, info.st_size, info.st_mtime_ns, info.st_ino)))


_path = itemgetter(0)


class _Listing:
    """A folder's entries, read through a descriptor of the folder where the system allows it: then each
    entry's `stat()` looks up its own name in the folder (while the listing is open), not its whole path
    again from the root."""

    def __init__(self, folder: Path) -> None:
        self.descriptor: int | None = None
        if os.scandir not in os.supports_fd:
            self.entries = list(os.scandir(folder))
            return
        self.descriptor = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            with os.scandir(self.descriptor) as entries:
                self.entries = list(entries)
        except OSError:
            os.close(self.descriptor)
            raise

    def __enter__(self) -> _Listing:
        return self

    def __exit__(self, *_: object) -> None:
        if self.descriptor is not None:
            os.close(self.descriptor)


def rescan(root: Path, config: Config, previous: ScanResult, changed: frozenset[str]) -> ScanResult:
    """`previous` brought up to date for the `changed` paths only: what a full scan would give when
    nothing else changed (the daemon knows from file events exactly which notes did). A note that
    appears with the inode of one listed at another path was moved: that other path is looked at
    too, so that a move whose other half brought no event never lists the note twice."""
    paths = NotePaths(config)
    files = {f.path: f for f in previous.files if f.path not in changed}
    problems = [p for p in previous.problems if p.note not in changed]
    by_inode = {f.inode: f.path for f in files.values()}
    for rel in changed:
        conflict = paths.is_conflict_copy(rel)
        if not conflict and not paths.is_note_path(rel):
            continue
        try:
            info = (root / rel).stat()  # links to files are followed, as the scan does
        except OSError:
            continue
        if not stat.S_ISREG(info.st_mode):
            continue
        if conflict:
            problems.append(_conflict_problem(rel))
            continue
        files[rel] = FileStat(rel, info.st_size, info.st_mtime_ns, info.st_ino)
        moved_from = by_inode.get(info.st_ino)
        if moved_from is not None and moved_from != rel and not os.path.exists(root / moved_from):
            del files[moved_from]
    return ScanResult(sorted(files.values(), key=lambda f: f.path), sorted(problems, key=Problem.sort_key))
