"""Which notes changed since something was stored about them: the one test every part of the cache
applies to a note before it reuses what it kept (the note cache's rows, the results' settled keys,
the daemon's session).

A note is known by its key from the scan: (size, mtime_ns, inode). A file rewritten within the same
timestamp tick as our read, to the same size, keeps its key (git's "racy clean" problem; FAT and some
network file systems have 1-2 s ticks). So what is stored about a file modified within `RACY_NS` of
the read is *unconfirmed*: it carries a digest of the bytes it was made from, and is reused only
while the file's bytes still match, until the file is old enough for its key to be trusted
(`CONFIRM`). So a file's key can only stay the same if its bytes did.
"""
from __future__ import annotations

import os
from enum import Enum
from typing import TYPE_CHECKING

from vaultcrm.digests import blake2b

if TYPE_CHECKING:
    from vaultcrm.vault.scan import FileStat

RACY_NS = 2_000_000_000  # a file modified this close to our read is re-checked by content later
UNCHECKED = b""  # the digest of something stored from a racy file without its bytes: never the same


class Verdict(Enum):
    CHANGED = "changed"
    SAME = "same"
    CONFIRM = "confirm"  # the same, and now old enough to trust by its key


def digest(data: bytes) -> bytes:
    """The content digest kept with what was stored from a racy file."""
    return blake2b(data, digest_size=16).digest()


def racy(mtime_ns: int, started: int) -> bool:
    """Whether a file modified at `mtime_ns` is too new, at `started`, to be known by its key."""
    return mtime_ns > started - RACY_NS


def verdict(stored: tuple[int, int, int], stored_digest: bytes | None, now: FileStat, root: str,
            started: int, max_bytes: int) -> Verdict:
    """Whether what was stored about a note when its key was `stored` (with a digest when unconfirmed)
    still describes it as the scan finds it now."""
    if stored != (now.size, now.mtime_ns, now.inode) or now.size > max_bytes:
        return Verdict.CHANGED
    if stored_digest is None:
        return Verdict.SAME
    if stored_digest == UNCHECKED:
        return Verdict.CHANGED
    try:
        with open(os.path.join(root, now.path), "rb") as handle:
            if digest(handle.read()) != stored_digest:
                return Verdict.CHANGED
    except OSError:
        return Verdict.CHANGED
    return Verdict.SAME if racy(now.mtime_ns, started) else Verdict.CONFIRM
