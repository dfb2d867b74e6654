"""The generated note around its body, and its guards: is the file still vaultcrm's to rewrite?
(behaviour §5)."""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from vaultcrm.dashboard.ledger import PROPERTY, STAMP_ENTRIES, Ledger, read_stamp, stamp_part, tick_id, ticked_lines
from vaultcrm.dashboard.ledger import read as read_ledger
from vaultcrm.digests import sha256
from vaultcrm.errors import NotOursError, VaultcrmError, file_error
from vaultcrm.i18n import Language, language
from vaultcrm.vault import frontmatter

_TICKED = re.compile(r"^((?:[ \t]*>)*[ \t]*[-*+] )\[[^ \]]\]", re.MULTILINE)  # (a folded callout's too)
_ANY_TICK = re.compile(rb"^(?:[ \t]*>)*[ \t]*[-*+] \[[^ \]]\]", re.MULTILINE)
# The note's last line: a comment (hidden in reading view) with what the guards check and the record of
# ticks (ledger.py, only while there is one). The count's label and the closing sentence are in the
# vault's language; `body:`, `ticks:` and what follows them are not words.
_STAMP = re.compile(r"^%% vaultcrm · [^·:%]+: (\d+) · body: (sha256:[0-9a-f]{64})"
                    rf"(?: · ticks: ({STAMP_ENTRIES}))? · .*%%$")


def unticked(body: str) -> str:
    """The body with every task box unticked and LF line endings: what the body hash covers."""
    return _TICKED.sub(r"\1[ ]", body.replace("\r\n", "\n"))


def body_hash(body: str) -> str:
    digest: str = sha256(unticked(body).encode("utf-8")).hexdigest()
    return "sha256:" + digest


def stamp(body: str, contacts: int, lang: Language | None = None, ticks: Mapping[str, date | None] | None = None,
          ) -> str:
    """The comment line closing the note: the contact count (the empty-vault refusal), the body's hash
    (the edited-note refusal) and, only while there is one, the record of its ticks (ledger.py), out of
    the reader's way, its words in `lang` (English by default)."""
    lang = lang or language()
    label = lang.pgettext("stamp", "contacts")
    note = lang.gettext("vaultcrm rewrites this note: tick its boxes, and write anything else in another note")
    return f"%% vaultcrm · {label}: {contacts} · body: {body_hash(body)}{stamp_part(ticks)} · {note} %%"


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
    ledger: Ledger = field(default_factory=dict)  # the record of ticks in the closing comment (ledger.py)

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
    below = lines[props.body_start:]
    at = next((i for i in range(len(below) - 1, -1, -1) if _STAMP.match(below[i])), None)
    if at is not None:
        found = _STAMP.match(below[at])
        assert found is not None
        body, count, expected = "\n".join(below[:at]), int(found[1]), found[2]
        digest = body_hash(body)
        edited = ours and (expected != digest or any(line.strip() for line in below[at + 1:]))
        ledger = read_stamp(found[3])
    else:  # as vaultcrm wrote it before the stamp: the count, the hash and the record among the properties
        body, contacts = "\n".join(below), props.data.get("contacts")
        count = contacts if isinstance(contacts, int) and not isinstance(contacts, bool) else 0
        digest = body_hash(body)
        edited = ours and props.data.get("body_hash") != digest
        ledger = read_ledger(props.data.get(PROPERTY))
    ticked = tuple(ticked_lines(body))
    return Existing(raw, ours, count, body, edited, ticked, tuple(tick_id(digest, text) for text in ticked), ledger)


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


def document(body: str, contacts: int, lang: Language | None = None,
             ticks: Mapping[str, date | None] | None = None) -> str:
    """The whole note: the ownership marker as its only property, the body, and the stamp (its
    readable words in `lang`; the record of its ticks, ledger.py, only when there is one)."""
    return f"---\nvaultcrm: generated\n---\n{body}\n{stamp(body, contacts, lang or language(), ticks)}\n"


def written_ticks(body: str) -> Ledger:
    """The boxes a template wrote ticked, as recorded ticks: they are never the user's."""
    lines = ticked_lines(body)
    digest = body_hash(body) if lines else ""
    return {tick_id(digest, text): None for text in lines}
