"""The stages in order: scan -> parse -> index -> rules -> render -> write. Nothing else."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from vaultcrm.cache.contributions import read_parts
from vaultcrm.cache.memo import inputs_digest, remember_sync
from vaultcrm.cache.store import RACY_NS, NoteCache, enabled, gc_paused
from vaultcrm.config import Config, load_config
from vaultcrm.crm.rules import Outcome, evaluate
from vaultcrm.crm.touches import (
    Contribution,
    Contributor,
    VaultIndex,
    assemble,
    outdated,
    parts_key,
)
from vaultcrm.dashboard.data import summary_counts, template_data
from vaultcrm.dashboard.guards import (
    Existing,
    check_ours,
    read_existing,
    unchanged_since,
)
from vaultcrm.dashboard.render import document, render_body
from vaultcrm.dashboard.results import ContactResult, contact_results
from vaultcrm.errors import VaultMissingError
from vaultcrm.model import Note, Problem
from vaultcrm.vault.links import LinkIndex
from vaultcrm.vault.notes import parse
from vaultcrm.vault.scan import FileStat, ScanResult, rescan, scan
from vaultcrm.writeback.atomic import contained_path, write_if_changed


@dataclass
class Analysis:
    """Everything vaultcrm knows about a vault on a day."""

    vault: Path
    today: date
    config: Config
    index: VaultIndex
    outcome: Outcome
    problems: list[Problem] = field(default_factory=list)
    inputs: str | None = None  # digest of everything the result depends on (sync_memo.inputs_digest)


@dataclass
class SyncReport:
    analysis: Analysis | None  # None when the sync was made by difference (by_difference.py)
    dashboard: str
    text: str
    wrote: bool
    summary: str
    problems: list[Problem]
    ticked: list[str] = field(default_factory=list)  # contacts whose ticked boxes were recorded


def check_vault(vault: Path) -> None:
    if not vault.is_dir():
        raise VaultMissingError(f"the vault folder {vault} does not exist",
                                hint="pass --vault PATH or set VAULTCRM_VAULT (is the drive mounted?)")


def read_note(root: Path, found: FileStat, config: Config) -> Note:
    """One note from disk; a note that cannot be read is a Note carrying a problem, never an exception."""
    if found.size > config.max_note_bytes:
        return _unreadable(found.path, f"this note is larger than {config.max_note_bytes} bytes "
                                       "(max_note_bytes), so it is not read")
    try:
        data = (root / found.path).read_bytes()
    except FileNotFoundError:
        return _unreadable(found.path, "this note vanished while vaultcrm was reading it")
    except OSError as exc:
        return _unreadable(found.path, f"this note cannot be read ({exc.strerror})")
    if len(data) > config.max_note_bytes:
        return _unreadable(found.path, f"this note is larger than {config.max_note_bytes} bytes "
                                       "(max_note_bytes), so it is not read")
    return parse(found.path, data)


def _unreadable(path: str, message: str) -> Note:
    return Note(path, {}, {}, (), (Problem(path, None, message),), False)


class Session:
    """What a long-running process (the daemon) keeps between syncs: each note's contribution by its
    file's version, and the last walk. An edit then costs a stat, one parse and one attribution, not a
    vault's worth of walking and loading; the results are the same as without it (tests/test_session.py
    holds it to that)."""

    FEW = 200  # more changed files than this go through the note cache, as a fresh sync would

    def __init__(self) -> None:
        self.parts: dict[str, tuple[FileStat, Contribution]] = {}
        self.settings: str | None = None  # what the contributions were made under (contacts.parts_key)
        self.links: LinkIndex | None = None  # of the notes in `parts`
        self.found: ScanResult | None = None

    def scan(self, vault: Path, config: Config, changed: frozenset[str] | None) -> ScanResult:
        """A full walk, or, when `changed` is known exactly, the last walk updated for those paths."""
        if changed is None or self.found is None:
            self.found = scan(vault, config)
        else:
            self.found = rescan(vault, config, self.found, changed)
        return self.found

    def contributions(self, vault: Path, files: list[FileStat], config: Config,
                      changed: frozenset[str] | None) -> dict[str, Contribution]:
        """Every note's contribution, made again for the notes changed, listed in `changed`, modified too
        recently for their timestamp to prove anything (see cache.RACY_NS), or whose links may now
        lead elsewhere (contacts.outdated)."""
        settings = parts_key(config)
        if settings != self.settings:
            self.settings, self.parts = settings, {}
        paths = [f.path for f in files]
        if paths != list(self.parts):
            redo = outdated({p: part.names for p, (_, part) in self.parts.items()}, self.parts, paths)
            self.links = None
        else:
            redo = set()
        settled = time.time_ns() - RACY_NS
        kept = {f.path: self.parts[f.path][1] for f in files
                if f.path in self.parts and self.parts[f.path][0] == f and f.mtime_ns < settled
                and f.path not in redo and (changed is None or f.path not in changed)}
        if len(files) - len(kept) > self.FEW:
            parts = read_parts(vault, files, config, read_note)
        else:
            contributor = Contributor(paths, config, self.links)
            parts = {f.path: kept.get(f.path) or contributor(read_note(vault, f, config)) for f in files}
            self.links = contributor.links
        self.parts = {f.path: (f, parts[f.path]) for f in files}
        return parts


def analyse(vault: Path, today: date, config: Config | None = None, *, session: Session | None = None,
            changed: frozenset[str] | None = None, found: ScanResult | None = None,
            store: NoteCache | None = None) -> Analysis:
    """Scan, parse, index and evaluate the vault: the reminders, signals and problems of `today`.

    With a `session`, notes unchanged since its last call are reused; `changed` names notes known
    to have changed (the daemon's file events), which are re-read whatever their timestamps say.
    `found` is a walk of the vault made just before, by a caller that needed one too. `store`: the
    note cache, when the caller opened it.
    """
    check_vault(vault)
    config = config or load_config(vault)
    with gc_paused():  # a vault's worth of small acyclic objects: the cycle collector only slows this
        if session is not None:
            found = session.scan(vault, config, changed)
        elif found is None:
            found = scan(vault, config)
        inputs = inputs_digest(vault, config, found, today)
        if session is not None:
            parts = session.contributions(vault, found.files, config, changed)
        else:  # through the note cache: only what changed is read and attributed again
            parts = read_parts(vault, found.files, config, read_note, store)
        index = assemble(parts, today)
        outcome = evaluate(index.contacts, config, today)
    problems = sorted([*found.problems, *index.problems, *outcome.problems], key=Problem.sort_key)
    return Analysis(vault, today, config, index, outcome, problems, inputs)


@dataclass
class _Shown:
    """What the dashboard is made of, however it was worked out."""

    results: dict[str, ContactResult]
    problems: list[Problem]
    inputs: str | None
    analysis: Analysis | None = None
    ticked: list[str] = field(default_factory=list)


def sync(vault: Path, today: date, *, dry_run: bool = False, force: bool = False, allow_empty: bool = False,
         config: Config | None = None, session: Session | None = None,
         changed: frozenset[str] | None = None, found: ScanResult | None = None) -> SyncReport:
    """Record ticked boxes, render the dashboard, and write it when it is still ours and its bytes change.
    (`session`, `changed` and `found`: see analyse.) Without a session, a sync after a few edits is made
    by difference from the last one's results (by_difference.py) when they allow it."""
    check_vault(vault)
    config = config or load_config(vault)
    target = contained_path(vault, config.dashboard)
    existing = read_existing(target)
    store = NoteCache.open(vault) if session is None and enabled() else None
    try:
        shown = _shown(vault, today, config, existing, store, dry_run=dry_run, force=force, session=session,
                       changed=changed, found=found)
    finally:
        if store is not None:
            store.close()
    results = shown.results
    data = template_data(results, shown.problems, config, today)
    text = document(render_body(vault, data), sum(1 for r in results.values() if r.active))
    summary = summary_counts(results)
    if dry_run:
        return SyncReport(shown.analysis, config.dashboard, text, False, summary + " · dry run, nothing written",
                          shown.problems)
    check_ours(config.dashboard, existing, force=force)
    if existing is not None and existing.contacts > 0 and not results and not allow_empty:
        raise VaultMissingError(
            f"no contacts were found, but {config.dashboard} counted {existing.contacts}; nothing was written",
            hint="check that the vault is the right folder and its drive is mounted, or pass --allow-empty")
    target.parent.mkdir(parents=True, exist_ok=True)
    wrote = write_if_changed(target, text.encode("utf-8"), check=unchanged_since(target, config.dashboard, existing))
    remember_sync(vault, shown.inputs, text, summary)
    return SyncReport(shown.analysis, config.dashboard, text, wrote,
                      summary + (f" · wrote {config.dashboard}" if wrote else " · unchanged"), shown.problems,
                      shown.ticked)


def _shown(vault: Path, today: date, config: Config, existing: Existing | None, store: NoteCache | None, *,
           dry_run: bool, force: bool, session: Session | None, changed: frozenset[str] | None,
           found: ScanResult | None) -> _Shown:
    """The results and problems to show: by difference when it can, else from a full analysis, after
    recording the dashboard's ticked boxes."""
    ticks = existing is not None and bool(existing.ticked) and not dry_run
    if store is not None and not ticks:
        from vaultcrm.cache.difference import answer

        found = found or scan(vault, config)
        with gc_paused():
            quick = answer(vault, found.files, config, today, store, read_note)
        if quick is not None:
            problems = sorted([*found.problems, *quick.problems], key=Problem.sort_key)
            return _Shown(quick.results, problems, inputs_digest(vault, config, found, today))
    analysis = analyse(vault, today, config, session=session, changed=changed, found=found, store=store)
    ticked: list[str] = []
    if ticks:
        # imported only now: it brings the note editor
        from vaultcrm.writeback.ticks import record_ticks, ticked_contacts

        assert existing is not None
        check_ours(config.dashboard, existing, force=force)
        contacts = ticked_contacts(existing.ticked, analysis.index.contacts)
        record_ticks(vault, contacts, config, today)
        ticked = [c.name for c in contacts]
        analysis = analyse(vault, today, config, session=session, changed=changed, store=store)
    results = contact_results(analysis.index.contacts, analysis.outcome, config, today)
    if store is not None:
        from vaultcrm.cache.difference import remember

        remember(store, analysis.index, results, config, today)
    return _Shown(results, analysis.problems, analysis.inputs, analysis, ticked)
