"""Walking the vault once: which files are notes, and which are never read (SPEC §1)."""
from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from vaultcrm.config import Config
from vaultcrm.model import Problem

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
    files: list[FileStat] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def is_conflict_copy(name: str) -> bool:
    """Syncthing's `.sync-conflict-`, Obsidian Sync's `(Conflicted copy …)`, Dropbox's `conflicted copy`."""
    lowered = name.lower()
    return ".sync-conflict-" in lowered or "conflicted copy" in lowered


def is_conflict_copy_of(sibling: str, note: str) -> bool:
    """Whether file name `sibling` is a sync-conflict copy of the note named `note` (`Jane Doe.md`)."""
    stem = note[:-3] if note.lower().endswith(".md") else note
    return is_conflict_copy(sibling) and sibling.startswith((stem + ".", stem + " ("))


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


def _excluded(rel: str, config: Config) -> bool:
    return any(glob_regex(p).fullmatch(rel) for p in config.exclude)


def _in_templates(rel: str, config: Config) -> bool:
    folder = config.templates.strip("/").casefold()
    lowered = rel.casefold()
    return lowered == folder or lowered.startswith(folder + "/")


def is_ignored(rel: str, config: Config) -> bool:
    """True for a vault-relative path that is never read as a note (the dashboard included)."""
    parts = rel.split("/")
    if any(part.startswith(".") for part in parts) or rel.lower().endswith(".tmp"):
        return True
    if not rel.lower().endswith(".md") or rel.casefold() == config.dashboard.casefold():
        return True
    return _in_templates(rel, config) or _excluded(rel, config) or is_conflict_copy(parts[-1])


def _conflict_problem(rel: str) -> Problem:
    return Problem(rel, None, "this is a sync-conflict copy, so it is not read; merge it into the original note "
                   "and delete it")


def scan(root: Path, config: Config) -> ScanResult:
    """Every note of the vault in a stable order, with sync-conflict copies listed as problems."""
    result = ScanResult()
    files = result.files
    skipped = {config.dashboard.casefold(), config.templates.strip("/").casefold()}
    excluded = [glob_regex(p).fullmatch for p in config.exclude]
    stack = [""]
    while stack:
        folder = stack.pop()
        try:
            entries = list(os.scandir(root / folder if folder else root))
        except OSError as exc:
            result.problems.append(Problem(folder or ".", None, f"this folder cannot be read ({exc.strerror})"))
            continue
        prefix = f"{folder}/" if folder else ""
        for entry in entries:  # (this loop runs once per file of the vault: it is kept lean)
            name = entry.name
            if name[0] == ".":
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    rel = prefix + name
                    if not _in_templates(rel, config) and not _excluded(rel, config):
                        stack.append(rel)
                    continue
                # (a file in the templates folder is never reached: that folder is not entered)
                lowered = name.lower()
                if not lowered.endswith(".md"):
                    continue
                rel = prefix + name
                if rel.casefold() in skipped or (excluded and any(match(rel) for match in excluded)):
                    continue
                if "conflict" in lowered and is_conflict_copy(name):
                    result.problems.append(_conflict_problem(rel))
                    continue
                info = entry.stat()
            except OSError:
                continue  # vanished while scanning, or a dangling link: not a note now
            if entry.is_file():  # (tuple.__new__: a named tuple's own __new__ is written in Python)
                files.append(_new_tuple(FileStat, (rel, info.st_size, info.st_mtime_ns, info.st_ino)))
    files.sort()  # by path: paths are unique
    return result


def rescan(root: Path, config: Config, previous: ScanResult, paths: frozenset[str]) -> ScanResult:
    """`previous` brought up to date for `paths` only: what a full scan would give when nothing else
    changed (the daemon knows from file events exactly which notes did)."""
    files = {f.path: f for f in previous.files if f.path not in paths}
    problems = [p for p in previous.problems if p.note not in paths]
    for rel in paths:
        name = rel.rsplit("/", 1)[-1]
        if is_ignored_folder(rel, config) or name.startswith(".") or not name.lower().endswith(".md"):
            continue
        if rel.casefold() == config.dashboard.casefold() or _in_templates(rel, config) or _excluded(rel, config):
            continue
        try:
            info = (root / rel).stat()  # links to files are followed, as the scan does
        except OSError:
            continue
        if not stat.S_ISREG(info.st_mode):
            continue
        if is_conflict_copy(name):
            problems.append(_conflict_problem(rel))
        else:
            files[rel] = FileStat(rel, info.st_size, info.st_mtime_ns, info.st_ino)
    return ScanResult(sorted(files.values(), key=lambda f: f.path), sorted(problems, key=Problem.sort_key))


def is_ignored_folder(rel: str, config: Config) -> bool:
    """Whether a path lies where the scan never looks: a dot-folder, the templates, an excluded folder."""
    folders = rel.split("/")[:-1]
    if any(part.startswith(".") for part in folders):
        return True
    return any(_in_templates("/".join(folders[:i]), config) or _excluded("/".join(folders[:i]), config)
               for i in range(1, len(folders) + 1))
