"""Finding a contact by what the user types: file name, name or alias, forgiving of case, accents,
word order, honorifics and punctuation ("Petrova, Maria" and "Dr. Maria Petrova" find Maria Petrova)."""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterator, Sequence
from operator import attrgetter
from typing import NamedTuple, Protocol, TypeVar

from vaultcrm.errors import ContactLookupError

HONORIFICS = frozenset({"dr", "mr", "mrs", "ms", "mx", "prof", "sir", "dame", "г-н", "г-жа"})
_CHUNK_SPLIT = re.compile(r"[\s,;]+")
_APOSTROPHES = re.compile(r"['’ʼ`]")
_TOKEN = re.compile(r"[^\W_]+")


class Named(Protocol):
    """What a contact is found by: its note's path, its name and aliases (a `Contact`, or its stored
    result, dashboard.shown.ContactResult)."""

    @property
    def path(self) -> str: ...

    @property
    def name(self) -> str: ...

    @property
    def aliases(self) -> tuple[str, ...]: ...


class Name(NamedTuple):
    """What finds one contact, alone (the cache keeps it apart from the rest of a contact's result)."""

    path: str
    name: str
    aliases: tuple[str, ...]


C = TypeVar("C", bound=Named)


def fold(text: str) -> str:
    """Case- and accent-insensitive form: NFKD, combining marks dropped, casefolded (ё -> е)."""
    if text.isascii():  # (neither NFKD nor dropping marks changes it)
        return text.casefold()
    decomposed = unicodedata.normalize("NFKD", text)
    if len(decomposed) < 200:
        return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    marks = "".join(sorted(ch for ch in set(decomposed) if unicodedata.combining(ch)))  # (each kind looked at once)
    return (re.sub(f"[{marks}]", "", decomposed) if marks else decomposed).casefold()


def name_key(text: str) -> tuple[str, ...]:
    """The sorted words of a name, folded, without honorifics or punctuation.

    `name_key("Petrova, Dr. María")` == `name_key("maria petrova")` == ("maria", "petrova").
    A name that is nothing but honorifics keeps them.
    """
    chunks = [chunk.strip(".") for chunk in _CHUNK_SPLIT.split(fold(text))]
    chunks = [chunk for chunk in chunks if chunk]
    kept = [chunk for chunk in chunks if chunk not in HONORIFICS] or chunks
    return tuple(sorted(token for chunk in kept for token in _TOKEN.findall(_APOSTROPHES.sub("", chunk))))


def _path_form(text: str) -> str:
    text = fold(text.strip().replace("\\", "/")).strip("/")
    return text[:-3] if text.endswith(".md") else text


def _names(contact: Named) -> Iterator[str]:
    stem = contact.path.replace("\\", "/").rsplit("/", 1)[-1]
    yield stem[:-3] if stem.lower().endswith(".md") else stem
    yield contact.name
    yield from contact.aliases


def _level(query: tuple[str, ...], candidate: tuple[str, ...]) -> int | None:
    """0: same words; 1: the query's words are among the candidate's; 2: each begins one of its words."""
    if not query or not candidate:
        return None
    if query == candidate:
        return 0
    if not Counter(query) - Counter(candidate):
        return 1
    if all(any(word.startswith(part) for word in candidate) for part in query):
        return 2
    return None


def _may_match(query: tuple[str, ...], name: str) -> bool:
    """Whether every word of `query` is in `name` folded, without apostrophes: so is each of its words
    (name_key), so a name without it matches at no level (a quick test before name_key)."""
    if name.isascii():  # (fold is casefold, and the only apostrophes are ' and `)
        text = name.casefold()
        if "'" in text or "`" in text:
            text = text.replace("'", "").replace("`", "")
    else:
        text = _APOSTROPHES.sub("", fold(name))
    return all(part in text for part in query)


def match_contacts(query: str, contacts: Sequence[C]) -> list[C]:
    """The contacts that best match `query`, ordered by path.

    A query containing `/` is a note path (from the vault root or a trailing part of it, `.md`
    optional). Otherwise it matches file names, names and aliases: an exact match of the words beats
    a subset of the words, which beats word prefixes; every contact at the best level is returned.
    """
    if "/" in query.replace("\\", "/"):
        wanted = _path_form(query)
        hits = [c for c in contacts if (p := _path_form(c.path)) == wanted or p.endswith("/" + wanted)]
        return sorted(hits, key=lambda c: c.path)
    key = name_key(query[:-3] if query.lower().endswith(".md") else query)
    levels: dict[int, list[C]] = {}
    for contact in _candidates(key, contacts):
        found = [lvl for name in _names(contact)
                 if _may_match(key, name) and (lvl := _level(key, name_key(name))) is not None]
        if found:
            levels.setdefault(min(found), []).append(contact)
    return sorted(levels[min(levels)], key=lambda c: c.path) if levels else []


def resolve_contact(query: str, contacts: Sequence[C]) -> C:
    """The one contact `query` names; `ContactLookupError` (exit 6) when it names none or several."""
    found = match_contacts(query, contacts)
    if len(found) == 1:
        return found[0]
    if found:
        paths = [c.path for c in found]
        raise ContactLookupError(f'"{query}" matches {len(found)} contacts: {", ".join(paths)}',
                                 hint='give more of the name, or the note\'s path such as "People/Jane Doe"',
                                 candidates=paths)
    raise ContactLookupError(f'No contact matches "{query}"', hint=_suggest(query, contacts))


def _suggest(query: str, contacts: Sequence[Named]) -> str:
    import difflib

    spelled: dict[str, str] = {}
    for contact in sorted(contacts, key=lambda c: c.path):
        for name in _names(contact):
            spelled.setdefault(" ".join(name_key(name)), contact.name)
    close = difflib.get_close_matches(" ".join(name_key(query)), list(spelled), n=3, cutoff=0.6)
    names = list(dict.fromkeys(spelled[key] for key in close))
    if names:
        return "did you mean " + " or ".join(f'"{name}"' for name in names) + "?"
    return "check the spelling; file names, names and aliases are searched"


def _candidates(key: tuple[str, ...], contacts: Sequence[C]) -> Sequence[C]:
    """The contacts whose note path, name or an alias holds the longest word of `key`, folded as
    `_may_match` folds: the others match at no level. (One test over all contacts' texts at once, so a
    vault's worth of names is not looked at one by one.)"""
    if not key or not contacts:
        return contacts
    word = max(key, key=len)
    found: set[int] = set()
    for texts in (map(attrgetter("path"), contacts), map(attrgetter("name"), contacts),
                  map("\t".join, map(attrgetter("aliases"), contacts))):
        lines = _folded_lines("\n".join(texts))
        if len(lines) != len(contacts):  # (a line break within a name)
            return contacts
        found.update(number for number, line in enumerate(lines) if word in line)
    return [contacts[number] for number in sorted(found)]


def _folded_lines(text: str) -> list[str]:
    """The lines of `text`, each folded and without apostrophes."""
    return _APOSTROPHES.sub("", fold(text)).split("\n")
