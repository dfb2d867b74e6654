"""Pickling the cache's rows so that they load fast.

A slots dataclass pickles through __getstate__/__setstate__ written in Python, which looks up its
fields on every object; reducing to the constructor's arguments loads twice as fast.
"""
from __future__ import annotations

import copyreg
import dataclasses
from functools import lru_cache
from typing import Any

from vaultcrm.crm.touches import NOTHING, Contribution


@lru_cache(maxsize=1)
def _register_reducers() -> None:
    from vaultcrm.durations import Duration
    from vaultcrm.errors import Problem
    from vaultcrm.model import Contact, Plan, Touch
    from vaultcrm.parsed import Entry, InlineField, LinkRef, Note
    from vaultcrm.vault.links import Resolution

    for cls in (Note, Entry, InlineField, LinkRef, Problem, Contribution, Contact, Plan, Duration, Resolution):
        names = tuple(f.name for f in dataclasses.fields(cls))

        def reduce(obj: Any, cls: type = cls, names: tuple[str, ...] = names) -> tuple[Any, ...]:
            return cls, tuple(getattr(obj, n) for n in names)

        copyreg.pickle(cls, reduce)
    copyreg.pickle(Touch, _reduce_tuple)


def _reduce_tuple(obj: tuple[Any, ...]) -> tuple[Any, ...]:
    """A named tuple made again by tuple.__new__, in C (its own __new__ is Python)."""
    return tuple.__new__, (type(obj), tuple(obj))


def dumps(value: Any) -> bytes:
    import pickle

    _register_reducers()
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


def loads(blob: bytes) -> Any:
    """A stored value, or None when the entry is damaged (a damaged entry is only a miss)."""
    import pickle

    try:
        return pickle.loads(blob)
    except Exception:
        return None


def dump_part(part: Contribution) -> bytes:
    """A contribution as stored: what a third of the notes contribute, nothing at all, as no bytes."""
    return b"" if part == NOTHING else dumps(part)


def load_part(blob: bytes) -> Contribution | None:
    """A stored contribution, or None if it is damaged."""
    return NOTHING if not blob else loads(blob)
