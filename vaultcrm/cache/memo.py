"""The memos of the last sync: a repeated `vaultcrm sync` answered without reading a note, and a body
that would be rendered again as it was taken from the last render.

After a sync writes (or leaves) the dashboard, `last-sync.json` in the per-device state folder records
the fingerprint of its inputs (cache/fingerprint.py, `Fingerprint.inputs`: vaultcrm's code, the
config, today, every note's key, the scan's problems, the vault's own templates) with the hash of the
dashboard's bytes and the summary line. `unchanged_summary` then answers a repeated sync after a walk
and one small read, without importing the parser or the renderer. No record is made while any note is
racy (cache/changes.py), so a recorded fingerprint can only match unchanged notes.

Most edits change nobody's line on the dashboard. `last-render.json` keeps the last body rendered
with a digest of what it was rendered from: vaultcrm's code (its packaged templates and translations
with it), the vault's own templates and the template's data (dashboard/data.py), which holds
everything the body shows. `drawn` returns that body for the same digest, without loading Jinja; a
template that fails is never kept. The record also names the results and problems the data was made
from, when the cache named them (`Shown.source`): a sync whose results and problems bear the same
names takes the body as it is, without making the data, or decoding a stored result.

`last-walk.json` keeps how many notes the last sync's walk found: from how many the next one is
walked ahead (cache/ahead.py) is decided before walking.
"""
from __future__ import annotations

import json
import marshal
import os
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vaultcrm.cache.fingerprint import code, vault_templates
from vaultcrm.digests import blake2b
from vaultcrm.state import state_dir

if TYPE_CHECKING:
    from vaultcrm.config import Config
    from vaultcrm.dashboard.shown import Drawn, Shown

LAST_SYNC = "last-sync.json"
LAST_RENDER = "last-render.json"
LAST_WALK = "last-walk.json"
SCHEMA = 1  # bump when a record's layout changes


def remember_sync(vault: Path, inputs: str | None, text: str, summary: str) -> None:
    """Record a finished sync: its inputs, the dashboard's bytes (by hash) and its summary line."""
    if inputs is not None:
        _record(vault, LAST_SYNC, {"inputs": inputs, "summary": summary,
                                   "dashboard": blake2b(text.encode("utf-8")).hexdigest()})


def remember_walk(vault: Path, notes: int, known: int) -> None:
    """Record how many notes a sync's walk found, when it is not the `known` count."""
    if notes != known:
        _record(vault, LAST_WALK, {"notes": notes})


def last_walked(vault: Path) -> int:
    """How many notes the last sync's walk found (0 when none is recorded)."""
    record = _recalled(vault, LAST_WALK)
    notes = None if record is None else record.get("notes")
    return notes if isinstance(notes, int) else 0


def unchanged_summary(vault: Path, dashboard: Path, inputs: str | None) -> str | None:
    """The summary of a sync that would change nothing, when the last sync proves it; else None.

    Costs a read of the dashboard and the fingerprint of the walk: no note is read, nothing is
    parsed or rendered, nothing is written. None sends the caller down the full pipeline.
    """
    if inputs is None:
        return None
    record = _recalled(vault, LAST_SYNC)
    if record is None or record.get("inputs") != inputs:
        return None
    try:
        data = dashboard.read_bytes()
    except OSError:
        return None
    if blake2b(data).hexdigest() != record.get("dashboard"):
        return None
    return f"{record['summary']} · unchanged"


def drawn(vault: Path, shown: Shown, config: Config, today: date,
          render: Callable[[dict[str, Any]], str]) -> Drawn:
    """The dashboard `render` makes of what it is made of (dashboard/data.py, `drawn`): the last one
    rendered, when it was rendered from the same code, templates and results or data; else rendered
    now, and kept."""
    from vaultcrm.dashboard.shown import Drawn

    templates = vault_templates(vault)
    record = _recalled(vault, LAST_RENDER) or {}
    source = _named(templates, shown)
    if source is not None and record.get("source") == source and _fits(record):
        return Drawn(record["body"], record["active"], record["summary"])
    from vaultcrm.dashboard.data import drawn as draw  # (with what the data is made of: the network, the weeks)

    key: str | None = None

    def rendered(data: dict[str, Any]) -> str:
        nonlocal key
        try:  # (marshal's version 2 writes values alone: not which objects are shared, nor which strings interned)
            written = None if templates is None else marshal.dumps(data, 2)
        except ValueError:  # a value marshal cannot write: rendered every time
            written = None
        key = None if written is None else _digest(templates, written)
        return record["body"] if key is not None and record.get("key") == key and _fits(record) else render(data)

    made = draw(shown, config, today, rendered)
    if key is not None and (record.get("key"), record.get("source")) != (key, source):
        _record(vault, LAST_RENDER, {"key": key, "source": source, **made._asdict()})
    return made


def name_render(vault: Path, shown: Shown, body: str) -> None:
    """Name the last render by the results and problems of `shown` (its source, given only once they
    were stored), when its body is `body`: the body drawn from them."""
    templates = vault_templates(vault)
    source = _named(templates, shown)
    record = _recalled(vault, LAST_RENDER)
    if source is not None and record is not None and _fits(record) and record["body"] == body \
            and record.get("source") != source:
        _record(vault, LAST_RENDER, {**record, "source": source})


def knows(vault: Path, source: str) -> bool:
    """Whether the last render was made from the results named `source` (Shown.source), with this code
    and these templates."""
    record = _recalled(vault, LAST_RENDER)
    templates = vault_templates(vault)
    named = None if record is None or templates is None else record.get("source")
    return isinstance(named, str) and named.startswith(_digest(templates, source.encode()))


def _named(templates: str | None, shown: Shown) -> str | None:
    """What names the data `shown` makes: its source with the problems, under this code and templates."""
    if templates is None or shown.source is None:
        return None
    problems = marshal.dumps([(p.note, p.line, p.message) for p in shown.problems], 2)
    return _digest(templates, shown.source.encode()) + blake2b(problems).hexdigest()


def _digest(templates: str | None, written: bytes) -> str:
    return blake2b(f"{code()}\0{templates}\0".encode() + written).hexdigest()


def _fits(record: dict[str, Any]) -> bool:
    """A record holds a body, with its count and summary line."""
    return isinstance(record.get("body"), str) and isinstance(record.get("active"), int) and \
        isinstance(record.get("summary"), str)


def _record(vault: Path, name: str, record: dict[str, Any]) -> None:
    """Write a record to the state folder, atomically; one that cannot be written is only not kept."""
    try:
        folder = state_dir(vault)
        tmp = folder / f".{name}.{os.getpid()}.tmp"
        tmp.write_text(json.dumps({"schema": SCHEMA, **record}), "utf-8")
        os.replace(tmp, folder / name)
    except OSError as exc:
        from vaultcrm.cache.store import log

        log().debug("%s not recorded: %s", name, exc)


def _recalled(vault: Path, name: str) -> dict[str, Any] | None:
    """A record of the state folder, or None when there is none of this schema."""
    try:
        record = json.loads((state_dir(vault) / name).read_bytes())
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) and record.get("schema") == SCHEMA else None
