"""What a long-running process (the daemon) keeps between syncs: each note's contribution with the
key of the file it was made from, and the last walk. An edit then costs a stat, one parse and one
attribution, not a vault's worth of walking and loading; the results are the same as without it."""
from __future__ import annotations

import time
from pathlib import Path

from vaultcrm.cache import changes
from vaultcrm.cache.changes import Verdict, verdict
from vaultcrm.cache.contributions import read_parts
from vaultcrm.cache.fast_parse import parse
from vaultcrm.cache.fingerprint import Fingerprint
from vaultcrm.cache.pool import Progress
from vaultcrm.config import Config
from vaultcrm.crm.touches import Contribution, Contributor, outdated
from vaultcrm.vault.links import LinkIndex
from vaultcrm.vault.notes import read_note
from vaultcrm.vault.scan import FileStat, ScanResult, rescan, scan

FEW = 200  # more changed files than this go through the note cache, as a fresh sync would


class Session:
    """The daemon's memory of the vault (see the module's docstring)."""

    def __init__(self) -> None:
        # path -> (the file's key when read, digest if it was racy then, its contribution)
        self.parts: dict[str, tuple[FileStat, bytes | None, Contribution]] = {}
        self.reading: str | None = None  # the settings the contributions were made under
        self.links: LinkIndex | None = None  # of the notes in `parts`
        self.found: ScanResult | None = None

    def scan(self, vault: Path, config: Config, changed: frozenset[str] | None) -> ScanResult:
        """A full walk, or, when `changed` is known exactly, the last walk updated for those paths."""
        if changed is None or self.found is None:
            self.found = scan(vault, config)
        else:
            self.found = rescan(vault, config, self.found, changed)
        return self.found

    def contributions(self, vault: Path, files: list[FileStat], config: Config, changed: frozenset[str] | None,
                      progress: Progress | None = None) -> dict[str, Contribution]:
        """Every note's contribution, made again for the notes changed (cache/changes.py), listed in
        `changed`, or whose links may now lead elsewhere (crm.touches.outdated)."""
        reading = Fingerprint(config).reading
        if reading != self.reading:
            self.reading, self.parts = reading, {}
        paths = [f.path for f in files]
        if paths != list(self.parts):
            redo = outdated({p: part.names for p, (_, _, part) in self.parts.items()}, self.parts, paths)
            self.links = None
        else:
            redo = set()
        started = time.time_ns()
        root = str(vault)
        kept: dict[str, Contribution] = {}
        for f in files:
            known = self.parts.get(f.path)
            if known is None or f.path in redo or (changed is not None and f.path in changed):
                continue
            stat, digest, part = known
            if verdict(stat[1:], digest, f, root, started, config.max_note_bytes) is not Verdict.CHANGED:
                kept[f.path] = part
        if len(files) - len(kept) > FEW:
            parts = read_parts(vault, files, config, None, progress)
        else:
            contributor = Contributor(paths, config, self.links)
            parts = {f.path: kept.get(f.path) or contributor(read_note(vault, f, config, parse)) for f in files}
            self.links = contributor.links
        self.parts = {f.path: (f, changes.UNCHECKED if changes.racy(f.mtime_ns, started) else None, parts[f.path])
                      for f in files}
        return parts
