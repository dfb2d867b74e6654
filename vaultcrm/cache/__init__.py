"""Speed, and nothing else: what earlier runs worked out, kept, and faster ways to work it out.

The pipeline asks `Cache` (its `Memory`, vaultcrm/pipeline.py) the same questions it could answer
itself, and gets the same answers: deleting this package and using `pipeline.Plain` everywhere gives
byte-identical output (VAULTCRM_NO_CACHE=1 does just that; the tests hold the two equal).

What it keeps lives in the per-device state folder (vaultcrm/state.py), never in the vault:

- `memo.py`: the last sync's fingerprint; a repeated sync that would change nothing is answered from
  a walk and one read. And the last body rendered, by its data: a sync after an edit that changed
  nobody's line takes it instead of rendering again.
- `store.py` + `contributions.py`: the note cache, each note's contribution by its file's key; a sync
  reads only the notes that changed.
- `difference.py`: each contact's share of the last dashboard; a sync after a few edits evaluates
  only the contacts they touch, and `touch` and `due` load only what they read of it.
- `session.py`: the daemon's memory of the vault between syncs, its last results with it: an edit
  evaluates again only the contacts it touches.
- `templates.py`: compiled dashboard templates.

And the faster ways: the parser's shortcuts (`fast_parse.py`, `fast_blocks.py`,
`fast_frontmatter.py`), parsing in worker processes (`pool.py`), a large vault's walk made in a child
process while the sync loads what comes after it (`ahead.py`), and keeping the cycle collector out
of the way while a command runs (`Cache.__enter__`). What each depends on is `fingerprint.py`; what changed since is
`changes.py`.
"""
from __future__ import annotations

import gc
import importlib
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vaultcrm.cache.fingerprint import Fingerprint, WalkKeys
from vaultcrm.cache.memo import (
    drawn,
    knows,
    last_walked,
    name_render,
    remember_sync,
    remember_walk,
    unchanged_summary,
)

if TYPE_CHECKING:
    from vaultcrm.cache.pool import Progress
    from vaultcrm.cache.session import Session
    from vaultcrm.cache.store import NoteCache
    from vaultcrm.config import Config
    from vaultcrm.crm.names import Name
    from vaultcrm.crm.touches import Contribution
    from vaultcrm.dashboard.shown import Drawn, Shown
    from vaultcrm.vault.frontmatter import Frontmatter
    from vaultcrm.vault.scan import ScanResult


AHEAD_FROM = 3000  # notes in the last sync's walk from which the next one is walked ahead (10,000 take 40 ms)
# What a sync after an edit loads after its walk, each after what it loads itself: loaded while the
# walk runs ahead, a few milliseconds at a time (a test holds this to what such a sync loads).
AFTER_WALK = ("vaultcrm.dashboard.guards", "vaultcrm.writeback.tick_ledger", "vaultcrm.cache.difference",
              "vaultcrm.vault.dates", "vaultcrm.vault.notes", "vaultcrm.cache.fast_inline",
              "vaultcrm.cache.fast_parse", "vaultcrm.model", "vaultcrm.crm.touches", "vaultcrm.cache.contributions",
              "vaultcrm.crm.rules", "vaultcrm.dashboard.results", "vaultcrm.cache.touched")


class Cache:
    """The pipeline's `Memory` with everything above. `keep=True` (the daemon) also keeps the vault's
    contributions in memory from one sync to the next."""

    def __init__(self, vault: Path, *, keep: bool = False, progress: Progress | None = None) -> None:
        self.vault = vault
        self.progress = progress
        self.session: Session | None = None
        if keep:
            from vaultcrm.cache.session import Session

            self.session = Session()
        self._store: NoteCache | None = None
        self._store_opened = False
        self._inputs: tuple[ScanResult, str | None] | None = None  # the fingerprint of the last walk
        self._body: str | None = None  # the last dashboard body drawn
        self._collecting = True

    def store(self) -> NoteCache | None:
        """The note cache, opened on first use (None when it cannot be had)."""
        if not self._store_opened:
            from vaultcrm.cache.store import NoteCache

            self._store_opened = True
            self._store = NoteCache.open(self.vault)
        return self._store

    def scan(self, config: Config, today: date, changed: frozenset[str] | None = None) -> ScanResult:
        if self.session is not None:
            found, keys = self.session.scan(self.vault, config, changed), None
        else:
            found, keys = self._walked(config)
        self._inputs = (found, Fingerprint(config, today).inputs(self.vault, found, keys))
        return found

    def _walked(self, config: Config) -> tuple[ScanResult, WalkKeys | None]:
        """The vault's walk, with its keys when a child made it (cache/ahead.py): when the last walk
        found `AHEAD_FROM` notes or more, the note cache is opened here meanwhile, and what a sync
        after an edit loads next is loaded, a module at a time, until the walk is done."""
        walked = last_walked(self.vault)
        if walked < AHEAD_FROM:
            from vaultcrm.vault.scan import scan

            found = scan(self.vault, config)
            remember_walk(self.vault, len(found.files), walked)
            return found, None
        from vaultcrm.cache.ahead import WalkAhead

        with WalkAhead(self.vault, config) as walk:
            if walk.forked:
                self.store()
                for name in AFTER_WALK:
                    if walk.done():
                        break
                    importlib.import_module(name)
            found = walk.result()
        remember_walk(self.vault, walk.notes, walked)
        return found, walk.keys

    def walk(self, config: Config) -> ScanResult:
        from vaultcrm.vault.scan import scan

        return scan(self.vault, config)

    def _inputs_of(self, found: ScanResult) -> str | None:
        return self._inputs[1] if self._inputs is not None and self._inputs[0] is found else None

    def unchanged(self, config: Config, found: ScanResult, today: date, dashboard: Path) -> str | None:
        return unchanged_summary(self.vault, dashboard, self._inputs_of(found))

    def contributions(self, config: Config, found: ScanResult,
                      changed: frozenset[str] | None = None) -> dict[str, Contribution]:
        if self.session is not None:
            return self.session.contributions(self.vault, found.files, config, changed, self.progress)
        from vaultcrm.cache.contributions import read_parts

        return read_parts(self.vault, found.files, config, self.store(), self.progress)

    def _stored(self) -> NoteCache | None:
        """The note cache, for what the last sync stored; none while the daemon's session runs (it
        keeps the last sync's results itself)."""
        return None if self.session is not None else self.store()

    def results(self, config: Config, found: ScanResult, today: date) -> Shown | None:
        if self.session is not None:
            return self.session.results(self.vault, found, config, today)
        store = self._stored()
        if store is None:
            return None
        from vaultcrm.cache.difference import answer
        from vaultcrm.dashboard.shown import Shown

        quick = answer(self.vault, found.files, config, today, store, lambda source: knows(self.vault, source))
        return None if quick is None else Shown(quick.results, quick.problems, source=quick.source)

    def names(self, config: Config, found: ScanResult, today: date) -> list[Name] | None:
        store = self._stored()
        if store is None:
            return None
        from vaultcrm.cache.difference import names

        return names(self.vault, found.files, config, today, store)

    def due(self, config: Config, found: ScanResult, today: date) -> Shown | None:
        store = self._stored()
        if store is None:
            return None
        from vaultcrm.cache.difference import due
        from vaultcrm.dashboard.shown import Shown

        quick = due(self.vault, found.files, config, today, store)
        return None if quick is None else Shown(quick.results, quick.problems)

    def remember(self, config: Config, found: ScanResult, today: date, shown: Shown, text: str | None,
                 summary: str) -> None:
        if self.session is not None:
            self.session.remember(config, today, shown)
        elif shown.analysis is not None:
            store = self.store()
            if store is not None:
                from vaultcrm.cache.difference import remember
                from vaultcrm.dashboard.shown import Shown

                source = remember(store, shown.analysis.index, shown.results, config, today, found.files)
                if source is not None and self._body is not None:  # the next sync may take that body by its name
                    name_render(self.vault, Shown(shown.results, shown.problems, source=source), self._body)
        if text is not None:
            remember_sync(self.vault, self._inputs_of(found), text, summary)

    def properties(self, lines: list[str]) -> Frontmatter:
        from vaultcrm.cache.fast_frontmatter import simple_load
        from vaultcrm.vault.frontmatter import read

        return read(lines, simple_load)

    def dashboard(self, shown: Shown, config: Config, today: date) -> Drawn:
        def render(data: dict[str, Any]) -> str:
            from vaultcrm.cache.templates import compiled_templates
            from vaultcrm.dashboard.render import render_body

            return render_body(self.vault, data, compiled_templates(self.vault))

        made = drawn(self.vault, shown, config, today, render)
        self._body = made.body
        return made

    def __enter__(self) -> Cache:
        """One command, or one sync of the daemon: the cycle collector stays out of it: a vault's
        worth of small acyclic objects, which it would walk and find nothing in."""
        self._collecting = gc.isenabled()
        gc.disable()
        return self

    def __exit__(self, *exc: object) -> None:
        """The note cache closed; what the command built is frozen (gc.freeze), so that no collection,
        the interpreter's last one included, walks a vault's worth of objects again."""
        if self._store is not None:
            self._store.close()
        self._store, self._store_opened = None, False
        if self._collecting:
            gc.enable()
        gc.freeze()
