"""What a long-running process (the daemon) keeps between syncs: each note's contribution with the
key of the file it was made from, the last walk, and the last sync's results. An edit then costs a
stat, one parse, and evaluating again the contacts it touches (as cache/difference.py does from the
note cache), not a vault's worth of walking, loading and evaluating; the results are the same as
without it."""
from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from vaultcrm.cache import changes
from vaultcrm.cache.changes import Verdict, verdict
from vaultcrm.cache.contributions import read_parts
from vaultcrm.cache.fast_parse import parse
from vaultcrm.cache.fingerprint import Fingerprint
from vaultcrm.cache.pool import Progress
from vaultcrm.config import Config
from vaultcrm.crm.touches import Contribution, Contributor, outdated
from vaultcrm.dashboard.shown import ContactResult, Shown
from vaultcrm.errors import Problem
from vaultcrm.vault.links import LinkIndex
from vaultcrm.vault.notes import read_note
from vaultcrm.vault.scan import FileStat, ScanResult, rescan, scan

FEW = 200  # more changed files than this go through the note cache, as a fresh sync would
FEW_CHANGED = 50  # more changed notes than this: evaluating every contact costs about the same


@dataclass
class _Shown:
    """The last sync's results, with what the next one needs to make its own by difference."""

    key: str  # the settings and the day they were made under (Fingerprint.showing)
    results: dict[str, ContactResult]
    sources: dict[str, set[str]]  # the notes each contact's result is made from
    problems: dict[str, tuple[Problem, ...]]  # each note's problems (not the rules')


class Session:
    """The daemon's memory of the vault (see the module's docstring)."""

    def __init__(self) -> None:
        # path -> (the file's key when read, digest if it was racy then, its contribution)
        self.parts: dict[str, tuple[FileStat, bytes | None, Contribution]] = {}
        self.reading: str | None = None  # the settings the contributions were made under
        self.links: LinkIndex | None = None  # of the notes in `parts`
        self.found: ScanResult | None = None
        self.changed: frozenset[str] | None = None  # what changed before the last walk, when known
        self.shown: _Shown | None = None
        self.made: tuple[list[FileStat], dict[str, Contribution]] | None = None  # the last walk's contributions

    def scan(self, vault: Path, config: Config, changed: frozenset[str] | None) -> ScanResult:
        """A full walk, or, when `changed` is known exactly, the last walk updated for those paths."""
        if changed is None or self.found is None:
            self.found = scan(vault, config)
        else:
            self.found = rescan(vault, config, self.found, changed)
        self.changed = changed
        return self.found

    def results(self, vault: Path, found: ScanResult, config: Config, today: date) -> Shown | None:
        """The results of `today`: the last sync's, with the contacts the notes changed since touch
        evaluated again, when its walk knew exactly which changed, they are few, the same notes exist
        and none became or stopped being a contact, under the same settings; else None (and the
        caller analyses everything, then `remember`s it)."""
        from vaultcrm.cache.touched import affected, evaluated, problems_of

        last, self.shown = self.shown, None  # (kept again only once brought up to date)
        key = Fingerprint(config, today).showing
        paths = [f.path for f in found.files]
        if last is None or last.key != key or self.changed is None or paths != list(self.parts):
            return None
        before = {path: part for path, (_, _, part) in self.parts.items()}
        parts = self.contributions(vault, found.files, config, self.changed)
        after = {path: part for path, part in parts.items() if part is not before[path]}
        touched = affected({path: before[path] for path in after}, after, last.results) \
            if len(after) <= FEW_CHANGED else None
        if touched is None:
            return None
        needed = {source for path in touched for source in last.sources.get(path, ())} | touched | set(after)
        order = {path: position for position, path in enumerate(paths)}
        fresh, sources = evaluated({path: parts[path] for path in needed}, order, touched, config, today)
        self.shown = _Shown(key, {**last.results, **fresh}, {**last.sources, **sources},
                            {**last.problems, **problems_of(after, last.results)})
        return _shown(self.shown)

    def remember(self, config: Config, today: date, shown: Shown) -> None:
        """Keep a full analysis's results for the next sync (one made by difference is kept already)."""
        from vaultcrm.cache.touched import touching

        if shown.analysis is None:
            return
        problems: dict[str, list[Problem]] = {}
        for problem in shown.analysis.index.problems:
            problems.setdefault(problem.note, []).append(problem)
        self.shown = _Shown(Fingerprint(config, today).showing, dict(shown.results),
                            {contact.path: touching(contact) for contact in shown.analysis.index.contacts},
                            {path: tuple(found) for path, found in problems.items()})

    def contributions(self, vault: Path, files: list[FileStat], config: Config, changed: frozenset[str] | None,
                      progress: Progress | None = None) -> dict[str, Contribution]:
        """Every note's contribution, made again for the notes changed (cache/changes.py), listed in
        `changed`, or whose links may now lead elsewhere (crm.touches.outdated). The same walk asked
        again under the same settings (a sync that could not be made by difference) is answered from
        the first time."""
        reading = Fingerprint(config).reading
        if self.made is not None and self.made[0] is files and reading == self.reading:
            return self.made[1]
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
        self.made = (files, parts)
        return parts


def _shown(kept: _Shown) -> Shown:
    """What the dashboard is made of, from kept results: every note's problems and every rule's."""
    return Shown(dict(kept.results), [*(p for found in kept.problems.values() for p in found),
                                      *(p for result in kept.results.values() for p in result.problems)])
