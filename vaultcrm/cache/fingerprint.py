"""What everything the cache keeps depends on, worked out in one place.

Each answer the cache stores is valid for one fingerprint, in widening circles:

* `code()`: vaultcrm's own files, Python and the libraries that read and render notes. The note cache
  is emptied when it changes.
* `Fingerprint.reading`: the settings a note's contribution depends on (`contact_folders`,
  `daily_notes`, `date_order`, `[fields]`, `occasions`, `[tiers]`, `max_note_bytes`);
  `Fingerprint.notes(paths)` adds which notes exist (a link's meaning depends on them).
* `Fingerprint.showing`: every setting and the day: what a contact's result depends on, besides
  the notes that make it.
* `Fingerprint.inputs(found)`: all of these with every note's key from the scan, the scan's
  problems and the vault's own templates: what the dashboard's bytes depend on.
"""
from __future__ import annotations

import dataclasses
import marshal
import os
import sys
import time
from collections.abc import Iterable, Sequence
from datetime import date
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from vaultcrm import __version__
from vaultcrm.cache.changes import racy
from vaultcrm.digests import blake2b

if TYPE_CHECKING:
    from vaultcrm.config import Config
    from vaultcrm.vault.scan import FileStat, ScanResult

SCHEMA = 11  # bump when the stored layout changes
MAX_TEMPLATE_BYTES = 1 << 20  # the vault's own templates larger than this: no inputs digest


@lru_cache(maxsize=1)
def code() -> str:
    """vaultcrm's version and its files (code, templates, compiled translations), Python's version and
    the parsing and rendering libraries.

    Stat-based: any install, upgrade or edit of these files changes it, which empties the cache.
    """
    from importlib.machinery import (
        PathFinder,  # (loaded at start-up already; importlib.util is not)
    )

    parts: list[str] = [f"schema {SCHEMA}", f"vaultcrm {__version__}", sys.version]
    package = Path(__file__).resolve().parents[1]
    folders = [package, *sorted(p for p in package.iterdir() if p.is_dir() and p.name != "__pycache__"),
               package.parent / "templates", *sorted(package.glob("locale/*/LC_MESSAGES"))]
    for name in ("yaml", "_yaml", "markdown_it", "mdit_py_plugins", "jinja2"):
        try:
            spec = PathFinder.find_spec(name)
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
        parts += (_stat_text(os.path.join(folder, n)) for n in names
                  if n.endswith((".py", ".j2", ".so", ".pyd", ".mo")))
    return blake2b("\n".join(parts).encode("utf-8", "surrogateescape")).hexdigest()


def _stat_text(path: str) -> str:
    try:
        info = os.stat(path)
    except OSError:
        return f"{path} missing"
    return f"{path} {info.st_size} {info.st_mtime_ns}"


class Fingerprint:
    """The settings' (and the day's) part of the fingerprints, for one config."""

    def __init__(self, config: Config, today: date | None = None) -> None:
        self.config, self.today = config, today

    @cached_property
    def reading(self) -> str:
        """The settings a note's contribution depends on (a note over max_note_bytes gives only a problem)."""
        c = self.config
        return repr((c.contact_folders, c.daily_notes, c.date_order, tuple(sorted(c.fields.items())), c.occasions,
                     c.tiers, c.max_note_bytes))

    @cached_property
    def settings(self) -> str:
        """Every setting, as data (a rule by its source text, not its compiled test)."""
        parts = []
        for item in dataclasses.fields(self.config):
            value = getattr(self.config, item.name)
            if item.name == "rules":
                value = tuple((r.label, r.when, r.cadence, r.tier, r.skip) for r in value)
            parts.append((item.name, value))
        return repr(parts)

    def notes(self, paths: Iterable[str]) -> str:
        """`reading` and which notes the vault holds."""
        hasher = blake2b(f"{self.reading}\0".encode("utf-8", "surrogateescape"))
        hasher.update("\0".join(sorted(paths)).encode("utf-8", "surrogateescape"))
        return hasher.hexdigest()

    @cached_property
    def showing(self) -> str:
        """Every setting and the day."""
        assert self.today is not None
        return blake2b(f"{self.settings}\0{self.today.isoformat()}".encode("utf-8", "surrogateescape")).hexdigest()

    def inputs(self, vault: Path, found: ScanResult, keys: WalkKeys | None = None) -> str | None:
        """A digest of everything a sync's dashboard depends on; None when a note is too new to be known
        by its key. The same walk asked about again is answered from the first time. `keys`: what
        `walk_keys` gives of the walk, when it is known already."""
        global _last_inputs
        last = _last_inputs
        if last is not None and last[0] is found and last[1] is self.config and last[2:4] == (vault, self.today):
            return last[4]
        digest = self._inputs(vault, found, keys or walk_keys(found.files))
        _last_inputs = (found, self.config, vault, self.today, digest)
        return digest

    def _inputs(self, vault: Path, found: ScanResult, keys: WalkKeys) -> str | None:
        assert self.today is not None
        newest, digest = keys
        if newest is not None and racy(newest, time.time_ns()):
            return None  # (the note just saved, before a sync after an edit: known before any text is made)
        hasher = blake2b()
        hasher.update(f"{code()}\0{self.today.isoformat()}\0{self.settings}\0".encode("utf-8", "replace"))
        for problem in found.problems:
            hasher.update(repr(problem.as_dict()).encode("utf-8", "surrogateescape"))
        hasher.update(digest.encode())
        templates = vault_templates(vault)
        if templates is None:
            return None
        hasher.update(templates.encode())
        return hasher.hexdigest()


# the newest modification time of a walk's notes (None for none) and the digest of their keys (keys_digest)
WalkKeys = tuple["int | None", str]


def keys_digest(files: Sequence[FileStat]) -> str:
    """A digest of every note's path and key (size, modification time and inode), in their order."""
    return walk_keys(files)[1]


def walk_keys(files: Sequence[FileStat]) -> WalkKeys:
    """The newest modification time of `files` and keys_digest of them."""
    if not files:
        return None, blake2b().hexdigest()
    paths, sizes, mtimes, inodes = zip(*files, strict=True)
    return max(mtimes), columns_digest("\0".join(paths), marshal.dumps((sizes, mtimes, inodes), 2))


def columns_digest(paths: str, columns: bytes) -> str:
    """keys_digest of notes given as their paths joined by NUL and their keys' columns (sizes,
    modification times, inodes) as marshal's version 2 writes them (no references: the same bytes)."""
    hasher = blake2b(paths.encode("utf-8", "surrogateescape"))
    hasher.update(columns)
    return hasher.hexdigest()


def vault_templates(vault: Path) -> str | None:
    """A digest of the vault's own templates (`.vaultcrm/templates/`, every file in it); None when one
    cannot be read or they are larger than MAX_TEMPLATE_BYTES together."""
    hasher = blake2b()
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
                if total > MAX_TEMPLATE_BYTES:
                    return None
                name = os.path.relpath(path, templates)
                hasher.update(f"{name}\0{len(data)}\0".encode("utf-8", "surrogateescape"))
                hasher.update(data)
    return hasher.hexdigest()


# the last inputs digest made, and of what: (walk, config, vault, day, digest)
_last_inputs: tuple[ScanResult, Config, Path, date | None, str | None] | None = None
