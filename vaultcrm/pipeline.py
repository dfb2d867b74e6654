"""The stages in order: scan -> parse -> index -> rules -> render -> write. Nothing else."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from .cache import RACY_NS, gc_paused, inputs_digest, read_notes, remember_sync
from .config import Config, load_config
from .contacts import IndexMemo, VaultIndex, build_index
from .dashboard import check_ours, read_existing, unchanged_since
from .errors import VaultMissingError
from .model import Note, Problem
from .notes import parse
from .render import context, document, render_body
from .rules import Outcome, evaluate
from .scan import FileStat, ScanResult, rescan, scan
from .write import contained_path, write_if_changed
from .writeback import record_ticks, ticked_contacts


@dataclass
class Analysis:
    """Everything vaultcrm knows about a vault on a day."""

    vault: Path
    today: date
    config: Config
    index: VaultIndex
    outcome: Outcome
    problems: list[Problem] = field(default_factory=list)
    inputs: str | None = None  # digest of everything the result depends on (cache.inputs_digest)


@dataclass
class SyncReport:
    analysis: Analysis
    dashboard: str
    text: str
    wrote: bool
    summary: str
    ticked: list[str] = field(default_factory=list)  # contacts whose ticked boxes were recorded

    @property
    def problems(self) -> list[Problem]:
        return self.analysis.problems


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
    """What a long-running process (the daemon) keeps between syncs: each note by its file's version,
    the last walk, and the index's per-note contributions. An edit then costs a stat, one parse and
    one re-attribution, not a vault's worth of walking and loading; the results are the same as
    without it (tests/test_session.py holds it to that)."""

    FEW = 200  # more changed files than this go through the on-disk cache, as a fresh sync would

    def __init__(self) -> None:
        self.notes: dict[str, tuple[FileStat, Note]] = {}
        self.index = IndexMemo()
        self.found: ScanResult | None = None

    def scan(self, vault: Path, config: Config, changed: frozenset[str] | None) -> ScanResult:
        """A full walk, or, when `changed` is known exactly, the last walk updated for those paths."""
        if changed is None or self.found is None:
            self.found = scan(vault, config)
        else:
            self.found = rescan(vault, config, self.found, changed)
        return self.found

    def read(self, vault: Path, files: list[FileStat], config: Config, changed: frozenset[str] | None) -> list[Note]:
        """The notes of `files`, re-reading those changed, listed in `changed`, or modified too recently
        for their timestamp to prove anything (see cache.RACY_NS)."""
        settled = time.time_ns() - RACY_NS
        kept = {f.path: self.notes[f.path][1] for f in files
                if f.path in self.notes and self.notes[f.path][0] == f and f.mtime_ns < settled
                and (changed is None or f.path not in changed)}
        if len(files) - len(kept) > self.FEW:
            notes = read_notes(vault, files, config, read_note)
        else:
            notes = [kept.get(f.path) or read_note(vault, f, config) for f in files]
        self.notes = {f.path: (f, note) for f, note in zip(files, notes)}
        return notes


def analyse(vault: Path, today: date, config: Config | None = None, *, session: Session | None = None,
            changed: frozenset[str] | None = None) -> Analysis:
    """Scan, parse, index and evaluate the vault: the reminders, signals and problems of `today`.

    With a `session`, notes unchanged since its last call are reused; `changed` names notes known
    to have changed (the daemon's file events), which are re-read whatever their timestamps say.
    """
    check_vault(vault)
    config = config or load_config(vault)
    with gc_paused():  # a vault's worth of small acyclic objects: the cycle collector only slows this
        found = session.scan(vault, config, changed) if session is not None else scan(vault, config)
        inputs = inputs_digest(vault, config, found, today)
        if session is not None:
            notes = session.read(vault, found.files, config, changed)
        else:
            notes = read_notes(vault, found.files, config, read_note)  # through the per-file cache
        index = build_index(notes, config, today, session.index if session is not None else None)
        outcome = evaluate(index.contacts, config, today)
    problems = sorted([*found.problems, *index.problems, *outcome.problems], key=Problem.sort_key)
    return Analysis(vault, today, config, index, outcome, problems, inputs)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def summary_counts(outcome: Outcome) -> str:
    reminders = outcome.reminders
    followups = sum(1 for r in reminders if r.kind == "followup")
    occasions = sum(1 for r in reminders if r.kind == "occasion")
    overdue = sum(1 for r in reminders if r.overdue and r.kind not in ("followup", "occasion"))
    due = sum(1 for r in reminders if not r.overdue and r.kind not in ("followup", "occasion"))
    return " · ".join([f"{overdue} overdue", f"{due} due", _plural(followups, "follow-up"),
                       _plural(occasions, "occasion"), _plural(len(outcome.active), "contact")])


def sync(vault: Path, today: date, *, dry_run: bool = False, force: bool = False, allow_empty: bool = False,
         config: Config | None = None, session: Session | None = None,
         changed: frozenset[str] | None = None) -> SyncReport:
    """Record ticked boxes, render the dashboard, and write it when it is still ours and its bytes change."""
    check_vault(vault)
    config = config or load_config(vault)
    target = contained_path(vault, config.dashboard)
    existing = read_existing(target)
    analysis = analyse(vault, today, config, session=session, changed=changed)
    ticked: list[str] = []
    if existing is not None and existing.ticked and not dry_run:
        check_ours(config.dashboard, existing, force=force)
        contacts = ticked_contacts(existing.ticked, analysis.index.contacts)
        record_ticks(vault, contacts, config, today)
        ticked = [c.name for c in contacts]
        analysis = analyse(vault, today, config, session=session, changed=changed)
    data = context(analysis.outcome, analysis.problems, config, today)
    text = document(render_body(vault, data), len(analysis.outcome.active))
    summary = summary_counts(analysis.outcome)
    if dry_run:
        return SyncReport(analysis, config.dashboard, text, False, summary + " · dry run, nothing written")
    check_ours(config.dashboard, existing, force=force)
    if existing is not None and existing.contacts > 0 and not analysis.index.contacts and not allow_empty:
        raise VaultMissingError(
            f"no contacts were found, but {config.dashboard} counted {existing.contacts}; nothing was written",
            hint="check that the vault is the right folder and its drive is mounted, or pass --allow-empty")
    target.parent.mkdir(parents=True, exist_ok=True)
    wrote = write_if_changed(target, text.encode("utf-8"), check=unchanged_since(target, config.dashboard, existing))
    remember_sync(vault, analysis.inputs, text, summary)
    return SyncReport(analysis, config.dashboard, text, wrote,
                      summary + (f" · wrote {config.dashboard}" if wrote else " · unchanged"), ticked)
