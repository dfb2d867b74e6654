"""The data flow, stage by stage (docs/ARCHITECTURE.md draws it):

    scan ──▶ read ──▶ contribute ──▶ assemble ──▶ evaluate ──▶ results ──▶ render ──▶ write
    vault/scan  vault/notes  crm/touches  crm/touches  crm/rules  dashboard/  dashboard/  writeback/

`analyse` runs the stages up to the rules (what `check` and the exports need); `shown` up to the
results (what `due` shows); `sync` runs them all, after recording the boxes ticked in the dashboard.
A `Memory` may answer a stage from what an earlier run kept: `Plain` keeps nothing and works
everything out; the cache (vaultcrm/cache/) keeps what it can, for speed only. Both give the same bytes.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from vaultcrm.config import Config, load_config
from vaultcrm.dashboard.shown import Drawn, Shown
from vaultcrm.errors import Problem, VaultMissingError, file_error
from vaultcrm.vault.scan import ScanResult, conflict_copies_of, scan
from vaultcrm.writeback.atomic import contained_path, remove_stale_temps, write_if_changed

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from contextlib import AbstractContextManager

    from vaultcrm.crm.analysis import Analysis
    from vaultcrm.crm.names import Name, Named
    from vaultcrm.crm.touches import Contribution
    from vaultcrm.dashboard.ledger import Ledger
    from vaultcrm.vault.frontmatter import Frontmatter
    from vaultcrm.writeback.tick_ledger import Dashboard

    # progress(total) -> a context manager yielding advance(count): the command line draws a bar
    Progress = Callable[[int], AbstractContextManager[Callable[[int], None]]]


@dataclass
class SyncReport:
    """What a sync did: the dashboard's text, whether it was written, its summary line and problems."""

    analysis: Analysis | None  # None when nothing was analysed afresh (see Shown)
    dashboard: str
    text: str
    wrote: bool
    summary: str
    problems: list[Problem]
    ticked: list[str] = field(default_factory=list)  # contacts whose ticked boxes were recorded


class Memory(Protocol):
    """What the pipeline may ask of what earlier runs kept. Every answer equals what the stages work
    out themselves; None declines. Entered for the span of one command (or one sync of the daemon)."""

    def __enter__(self) -> Memory: ...

    def __exit__(self, *exc: object) -> None: ...

    def scan(self, config: Config, today: date, changed: frozenset[str] | None = None) -> ScanResult:
        """The vault's notes (`changed`: the only paths that changed since the last call, when known),
        for a sync: what `unchanged` and `remember` compare is taken with them."""

    def walk(self, config: Config) -> ScanResult:
        """The vault's notes, for a command that writes no dashboard."""

    def unchanged(self, config: Config, found: ScanResult, today: date, dashboard: Path) -> str | None:
        """The last sync's summary line, when it proves that a sync now would change nothing."""

    def contributions(self, config: Config, found: ScanResult,
                      changed: frozenset[str] | None = None) -> dict[str, Contribution]:
        """Every note's contribution, in the scan's order."""

    def results(self, config: Config, found: ScanResult, today: date) -> Shown | None:
        """Every contact's result and the notes' problems (not the scan's)."""

    def names(self, config: Config, found: ScanResult, today: date) -> list[Name] | None:
        """Every contact's path, name and aliases, in the order of `results`' contacts."""

    def due(self, config: Config, found: ScanResult, today: date) -> Shown | None:
        """`results`, each contact's holding only what `vaultcrm due` reads of it (dashboard/due.py)."""

    def remember(self, config: Config, found: ScanResult, today: date, shown: Shown, text: str | None,
                 summary: str) -> None:
        """Keep what a sync worked out (`text`: the dashboard written, None for a dry run)."""

    def properties(self, lines: list[str]) -> Frontmatter:
        """A property block read."""

    def dashboard(self, shown: Shown, config: Config, today: date) -> Drawn:
        """The dashboard's body rendered from what it is made of (dashboard/data.py, `drawn`)."""


class Plain:
    """A Memory that keeps nothing: every note is read and parsed, every time."""

    def __init__(self, vault: Path, progress: Progress | None = None) -> None:
        self.vault = vault

    def __enter__(self) -> Plain:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def scan(self, config: Config, today: date, changed: frozenset[str] | None = None) -> ScanResult:
        return scan(self.vault, config)

    def walk(self, config: Config) -> ScanResult:
        return scan(self.vault, config)

    def unchanged(self, config: Config, found: ScanResult, today: date, dashboard: Path) -> str | None:
        return None

    def contributions(self, config: Config, found: ScanResult,
                      changed: frozenset[str] | None = None) -> dict[str, Contribution]:
        from vaultcrm.crm.touches import Contributor
        from vaultcrm.vault.notes import read_note

        contributor = Contributor([f.path for f in found.files], config)
        return {f.path: contributor(read_note(self.vault, f, config)) for f in found.files}

    def results(self, config: Config, found: ScanResult, today: date) -> Shown | None:
        return None

    def names(self, config: Config, found: ScanResult, today: date) -> list[Name] | None:
        return None

    def due(self, config: Config, found: ScanResult, today: date) -> Shown | None:
        return None

    def remember(self, config: Config, found: ScanResult, today: date, shown: Shown, text: str | None,
                 summary: str) -> None:
        pass

    def properties(self, lines: list[str]) -> Frontmatter:
        from vaultcrm.vault.frontmatter import read

        return read(lines)

    def dashboard(self, shown: Shown, config: Config, today: date) -> Drawn:
        from vaultcrm.dashboard.data import drawn
        from vaultcrm.dashboard.render import render_body

        return drawn(shown, config, today, lambda data: render_body(self.vault, data))


def open_memory(vault: Path, *, keep: bool = False, progress: Progress | None = None) -> Memory:
    """The cache, or `Plain` when `VAULTCRM_NO_CACHE` is set. `keep`: a long-running process (the
    daemon) that syncs the same vault again and again."""
    if os.environ.get("VAULTCRM_NO_CACHE", "").strip().lower() not in ("", "0", "false", "no"):
        return Plain(vault, progress)
    from vaultcrm.cache import Cache

    return Cache(vault, keep=keep, progress=progress)


def check_vault(vault: Path) -> None:
    """The vault is a folder vaultcrm can read, else `VaultMissingError`."""
    try:
        with os.scandir(vault):
            pass
    except (FileNotFoundError, NotADirectoryError):
        raise VaultMissingError(f"the vault folder {vault} does not exist",
                                hint="pass --vault PATH or set VAULTCRM_VAULT (is the drive mounted?)") from None
    except OSError as exc:
        raise VaultMissingError(f"the vault folder {vault} cannot be read: {exc.strerror or exc}",
                                hint="check the folder's permissions, or pass --vault PATH") from None


def analyse(vault: Path, today: date, config: Config | None = None, *, memory: Memory | None = None,
            found: ScanResult | None = None, changed: frozenset[str] | None = None) -> Analysis:
    """Scan, read, contribute, assemble and evaluate: the reminders, signals and problems of `today`.
    `found`: a walk made just before; `changed`: the only notes changed since the memory's last call."""
    check_vault(vault)
    config = config or load_config(vault)
    if memory is None:
        with open_memory(vault) as memory:
            return analyse(vault, today, config, memory=memory, found=found, changed=changed)
    from vaultcrm.crm.analysis import Analysis
    from vaultcrm.crm.rules import evaluate
    from vaultcrm.crm.touches import assemble

    if found is None:
        found = memory.scan(config, today, changed)
        remove_stale_temps(vault, found.leftovers)
        if conflict_copies_of(config.dashboard, found.problems):
            from vaultcrm.writeback.tick_ledger import explain_copies

            found.problems[:] = explain_copies(vault, config, found.problems)  # the scan's own list
    index = assemble(memory.contributions(config, found, changed), today)
    outcome = evaluate(index.contacts, config, today)
    problems = sorted([*found.problems, *index.problems, *outcome.problems], key=Problem.sort_key)
    return Analysis(vault, today, config, index, outcome, problems)


def shown(vault: Path, today: date, config: Config, memory: Memory, *, due: bool = False) -> Shown:
    """Every contact's result and every problem of `today`, as `analyse` finds them (what `vaultcrm
    due` shows): from what the memory kept when it can, else analysed, and then kept. `due`: the results
    may hold only what `vaultcrm due` reads (dashboard/due.py), when the memory kept that alone."""
    return _shown(vault, today, config, memory, _walked(vault, config, memory), due)


def named(vault: Path, today: date, config: Config, memory: Memory) -> list[Named]:
    """Every contact's path, name and aliases, in the order of their notes' paths (what `touch`, `snooze`
    and `add` find contacts by): what `shown` gives, from what the memory kept of names alone when it can."""
    found = _walked(vault, config, memory)
    kept = memory.names(config, found, today)
    contacts: Iterable[Named] = kept if kept is not None else \
        _shown(vault, today, config, memory, found).results.values()
    return sorted(contacts, key=lambda contact: contact.path)


def _walked(vault: Path, config: Config, memory: Memory) -> ScanResult:
    """The vault's notes, for a command that writes no dashboard, its leftover temporary files removed."""
    check_vault(vault)
    found = memory.walk(config)
    remove_stale_temps(vault, found.leftovers)
    return found


def _shown(vault: Path, today: date, config: Config, memory: Memory, found: ScanResult, due: bool = False) -> Shown:
    """`shown`, after its walk."""
    if conflict_copies_of(config.dashboard, found.problems):
        from vaultcrm.writeback.tick_ledger import explain_copies

        found.problems[:] = explain_copies(vault, config, found.problems)  # the scan's own list
    kept = memory.due(config, found, today) if due else None
    if kept is None:
        kept = memory.results(config, found, today)
    if kept is not None:
        kept.problems = sorted([*found.problems, *kept.problems], key=Problem.sort_key)
        return kept
    from vaultcrm.dashboard.results import shown_of

    made = shown_of(analyse(vault, today, config, memory=memory, found=found))
    memory.remember(config, found, today, made, None, "")
    return made


def sync(vault: Path, today: date, *, dry_run: bool = False, force: bool = False, allow_empty: bool = False,
         config: Config | None = None, memory: Memory | None = None, changed: frozenset[str] | None = None,
         progress: Progress | None = None) -> SyncReport:
    """Record ticked boxes, render the dashboard, and write it when it is still ours and its bytes change.
    `changed`: the only notes changed since the memory's last sync (the daemon knows from file events)."""
    check_vault(vault)
    config = config or load_config(vault)
    if memory is None:
        with open_memory(vault, progress=progress) as memory:
            return sync(vault, today, dry_run=dry_run, force=force, allow_empty=allow_empty, config=config,
                        memory=memory, changed=changed)
    target = contained_path(vault, config.dashboard)
    found = memory.scan(config, today, changed)
    if not dry_run:
        remove_stale_temps(vault, found.leftovers)
        # (the ticks in a copy of the dashboard are not among what the memo of the last sync compares)
        copied = conflict_copies_of(config.dashboard, found.problems)
        summary = None if copied else memory.unchanged(config, found, today, target)
        if summary is not None:  # nothing read, parsed, rendered or written
            return SyncReport(None, config.dashboard, "", False, summary, [])
    from vaultcrm.dashboard.guards import check_ours, read_existing, unchanged_since
    from vaultcrm.dashboard.ledger import union
    from vaultcrm.writeback.tick_ledger import (
        Dashboard,
        copy_problems,
        dashboard_copies,
        plan_ticks,
        recorded_in_copies,
    )

    copies = dashboard_copies(vault, config, found.problems)
    existing = read_existing(target, memory.properties)
    plan = plan_ticks(existing, copies, today, force=force)
    ticked: list[str] = []
    if plan.todo and not dry_run:
        check_ours(config.dashboard, existing, force=force)
        ticked = _record_ticks(vault, today, config, memory, found, changed,
                               Dashboard(target, config.dashboard, existing, copies, plan))
        existing = read_existing(target, memory.properties)
        found, changed = memory.scan(config, today), None
        copies = dashboard_copies(vault, config, found.problems)
    kept = {} if dry_run and plan.todo else recorded_in_copies(copies)
    found.problems[:] = copy_problems(found.problems, copies, union([plan.known, kept]))  # the scan's own list
    shown = None if ticked else memory.results(config, found, today)
    if shown is None:
        from vaultcrm.dashboard.results import shown_of

        shown = shown_of(analyse(vault, today, config, memory=memory, found=found, changed=changed))
    else:
        shown.problems = sorted([*found.problems, *shown.problems], key=Problem.sort_key)
    text, summary = _render(vault, today, config, memory, shown, kept)
    if dry_run:
        memory.remember(config, found, today, shown, None, summary)
        return SyncReport(shown.analysis, config.dashboard, text, False, summary + " · dry run, nothing written",
                          shown.problems)
    check_ours(config.dashboard, existing, force=force)
    if existing is not None and existing.contacts > 0 and not shown.results and not allow_empty:
        raise VaultMissingError(
            f"no contacts were found, but {config.dashboard} counted {existing.contacts}; nothing was written",
            hint="check that the vault is the right folder and its drive is mounted, or pass --allow-empty")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise file_error(exc, target.parent, "create the folder") from exc
    wrote = write_if_changed(target, text.encode("utf-8"), check=unchanged_since(target, config.dashboard, existing))
    memory.remember(config, found, today, shown, text, summary)
    return SyncReport(shown.analysis, config.dashboard, text, wrote,
                      summary + (f" · wrote {config.dashboard}" if wrote else " · unchanged"), shown.problems,
                      ticked)


def _record_ticks(vault: Path, today: date, config: Config, memory: Memory, found: ScanResult,
                  changed: frozenset[str] | None, dashboard: Dashboard) -> list[str]:
    """Each ticked box recorded in the notes it concerns, on its day and as that day's reminders have
    it (the day its recording began: tick_ledger.py); the names of the contacts."""
    from vaultcrm.writeback.tick_ledger import record

    analyses: dict[date, Analysis] = {}

    def on(day: date) -> Analysis:
        if day not in analyses:
            analyses[day] = analyse(vault, day, config, memory=memory, found=found, changed=changed)
        return analyses[day]

    return record(vault, config, on, dashboard)


def _render(vault: Path, today: date, config: Config, memory: Memory, shown: Shown,
            ticks: Ledger) -> tuple[str, str]:
    """The dashboard's text (keeping `ticks` in its record of ticks) and the sync's summary line."""
    from vaultcrm.dashboard.guards import document, written_ticks
    from vaultcrm.i18n import language

    drawn = memory.dashboard(shown, config, today)
    text = document(drawn.body, drawn.active, language(config.language), {**ticks, **written_ticks(drawn.body)})
    return text, drawn.summary
