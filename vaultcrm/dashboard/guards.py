"""The generated note's guards: is the file still vaultcrm's to rewrite? (behaviour §5)."""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from vaultcrm.dashboard.ledger import PROPERTY, Ledger, tick_id, ticked_lines
from vaultcrm.dashboard.ledger import read as read_ledger
from vaultcrm.digests import sha256
from vaultcrm.errors import NotOursError, VaultcrmError, file_error
from vaultcrm.vault import frontmatter

_TICKED = re.compile(r"^(\s*[-*+] )\[[^ \]]\]", re.MULTILINE)
_ANY_TICK = re.compile(rb"^[ \t]*[-*+] \[[^ \]]\]", re.MULTILINE)


def unticked(body: str) -> str:
    """The body with every task box unticked and LF line endings: what the body hash covers."""
    return _TICKED.sub(r"\1[ ]", body.replace("\r\n", "\n"))


def body_hash(body: str) -> str:
    digest: str = sha256(unticked(body).encode("utf-8")).hexdigest()
    return "sha256:" + digest


def has_ticks(target: Path) -> bool:
    """Whether the dashboard holds a ticked box still to be recorded (not one the template ticked)."""
    try:
        if _ANY_TICK.search(target.read_bytes()) is None:
            return False
        existing = read_existing(target)
    except (OSError, VaultcrmError):
        return False
    return existing is not None and bool(existing.unrecorded)


@dataclass(frozen=True)
class Existing:
    """What the current dashboard file says about itself."""

    raw: bytes
    ours: bool
    contacts: int
    body: str
    edited: bool
    ticked: tuple[str, ...]  # the text after each ticked box
    ticks: tuple[str, ...] = ()  # the identity of each ticked box (ledger.tick_id), in the same order
    ledger: Ledger = field(default_factory=dict)  # the `ticks` property

    @property
    def unrecorded(self) -> list[tuple[str, str]]:
        """(id, text) of each ticked box not recorded yet (new, or being recorded: ledger.py)."""
        return [(key, text) for key, text in zip(self.ticks, self.ticked, strict=True)
                if key not in self.ledger or self.ledger[key] is not None]


def read_existing(target: Path, read_properties: Callable[[list[str]], frontmatter.Frontmatter] = frontmatter.read,
                  ) -> Existing | None:
    """The dashboard as it is on disk, or None when there is none yet. `read_properties` reads its
    property block (the cache's reader is faster)."""
    try:
        raw = target.read_bytes()
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        return Existing(b"", False, 0, "", False, ())
    except OSError as exc:
        raise file_error(exc, target, "read") from exc
    try:
        text = raw.decode("utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError:
        return Existing(raw, False, 0, "", False, ())
    lines = text.split("\n")
    props = read_properties(lines)
    ours = props.error is None and props.data.get("vaultcrm") == "generated"
    body = "\n".join(lines[props.body_start:])
    contacts = props.data.get("contacts")
    count = contacts if isinstance(contacts, int) and not isinstance(contacts, bool) else 0
    digest = body_hash(body)
    edited = ours and props.data.get("body_hash") != digest
    ticked = tuple(ticked_lines(body))
    return Existing(raw, ours, count, body, edited, ticked, tuple(tick_id(digest, text) for text in ticked),
                    read_ledger(props.data.get(PROPERTY)))


def check_ours(rel: str, existing: Existing | None, *, force: bool) -> None:
    """Refuse to overwrite a file that is not vaultcrm's, or that the user has typed into."""
    if existing is None:
        return
    if not existing.ours:
        raise NotOursError(f"{rel} already exists and was not written by vaultcrm (no `vaultcrm: generated` "
                           "property), so it is left alone",
                           hint="rename or move that note, or set `dashboard` in .vaultcrm/config.toml to another path")
    if existing.edited and not force:
        raise NotOursError(f"{rel} was edited since vaultcrm wrote it; your text is kept and nothing was written",
                           hint="move what you wrote to another note, then run `vaultcrm sync --force` to replace it")


def unchanged_since(target: Path, rel: str, existing: Existing | None) -> Callable[[], None]:
    """A check run just before the rename: the dashboard still holds what was read at the start."""
    def check() -> None:
        try:
            now: bytes | None = target.read_bytes()
        except FileNotFoundError:
            now = None
        if now != (existing.raw if existing is not None else None):
            raise NotOursError(f"{rel} changed while vaultcrm was writing it; your version is kept",
                               hint="run `vaultcrm sync` again")
    return check
