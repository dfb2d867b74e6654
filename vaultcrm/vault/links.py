"""Link targets -> notes, the way Obsidian resolves them (behaviour §3)."""
from __future__ import annotations

import posixpath
import unicodedata
from collections.abc import Callable, Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field


def key(text: str) -> str:
    """Case- and normalisation-insensitive form of a path or name (`Jane Doe ` ~ `jane doe`)."""
    return unicodedata.normalize("NFC", text).strip().casefold()


def _stem(path: str) -> str:
    return path[:-3] if path.lower().endswith(".md") else path


def name_of(path: str) -> str:
    """The name a note is found by (its file name's key, without `.md`)."""
    return key(_stem(path)).rsplit("/", 1)[-1].strip()


@dataclass(frozen=True, slots=True)
class Resolution:
    """Where a link leads: the note it reaches (None for none), and the notes it could mean when several."""

    path: str | None
    candidates: tuple[str, ...] = ()  # every note the target could mean, when more than one
    # the note names whose arrival or departure could change this answer
    names: frozenset[str] = field(default=frozenset(), compare=False)


class LinkIndex:
    """Every note's path, looked up from the root, relative to the linking note, by suffix or by name."""

    def __init__(self, paths: Iterable[str]) -> None:
        self._by_path: dict[str, str] = {}
        self._by_name: dict[str, list[str]] = {}
        normalize = unicodedata.normalize
        for path in sorted(paths):  # (key and _stem written out: this runs once per note of the vault)
            whole = normalize("NFC", path[:-3] if path[-3:].lower() == ".md" else path).strip().casefold()
            self._by_path.setdefault(whole, path)
            self._by_name.setdefault(whole.rsplit("/", 1)[-1].strip(), []).append(path)
        for names in self._by_name.values():
            if len(names) > 1:
                names.sort(key=lambda p: (p.count("/"), len(p), p))
        self._memo: dict[str | tuple[str, str], Resolution] = {}

    @classmethod
    def covering(cls, paths: Iterable[str], names: AbstractSet[str]) -> LinkIndex:
        """An index of the notes that bear one of `names`: for a link whose Resolution.names are among
        them, it answers as the index of all `paths` would (a resolution only looks notes up by those
        names; notes of other names in it are never asked for)."""
        if not names:
            return cls(())
        listed = list(paths)
        if len(names) > _FEW_NAMES_FOLDED:
            return cls(_named(listed, names))
        ascii_paths = [path for path in listed if path.isascii()]
        other = [path for path in listed if not path.isascii()] if len(ascii_paths) < len(listed) else []
        plain = {name for name in names if name.isascii()}  # (an ASCII path's name is ASCII; others' may be)
        found: list[str] = []
        for group, wanted, fold, few in ((ascii_paths, plain, str.lower, _FEW_NAMES),
                                         (other, names, _fold, _FEW_NAMES_FOLDED)):
            if len(wanted) > few:
                found += _named(group, wanted)
            elif group and wanted:
                found += [path for path in _holding(group, wanted, fold) if name_of(path) in wanted]
        return cls(found)

    def resolve(self, target: str, source: str) -> Resolution:
        """The note `target` (text before `#`/`^`/`|`, `.md` removed) reaches from note `source`."""
        relative = target.startswith(("./", "../"))
        # a target with `/` may also be tried relative to the linking note's folder
        memo = (target, posixpath.dirname(source)) if "/" in target else target
        if memo in self._memo:
            return self._memo[memo]
        wanted = key(target)
        names = {wanted.rsplit("/", 1)[-1].strip()}
        found = self._by_path.get(wanted.lstrip("/")) if "/" in wanted else None
        if found is None and "/" in wanted:
            folder = posixpath.dirname(source)
            joined = posixpath.normpath(posixpath.join(folder, target))
            names.add(key(joined).rsplit("/", 1)[-1].strip())
            if not joined.startswith("../"):
                found = self._by_path.get(key(joined))
        if found is not None:
            result = Resolution(found, (), frozenset(names))
        else:
            name = wanted.rsplit("/", 1)[-1]
            candidates = self._by_name.get(name, [])
            if "/" in wanted and not relative:
                suffix = "/" + wanted.lstrip("/")
                candidates = [p for p in candidates if key(_stem(p)).endswith(suffix)]
            elif relative:
                candidates = []
            result = Resolution(candidates[0] if candidates else None,
                                tuple(candidates) if len(candidates) > 1 else (), frozenset(names))
        self._memo[memo] = result
        return result


# Up to so many names are each looked for in the text of all paths at once; more, each path's name is
# made. Making the name of a path that is not ASCII (NFC, casefold) costs more than lowering an ASCII
# one, so for those paths the text stays the cheaper way for more names.
_FEW_NAMES = 16
_FEW_NAMES_FOLDED = 48


def _named(paths: list[str], names: AbstractSet[str]) -> list[str]:
    """The paths named one of `names`, each path's name made. An ASCII path's name is its file name's
    lower case without `.md`, stripped (NFC and casefold change no ASCII text)."""
    kept = []
    for path in paths:  # (this runs once per note of the vault)
        if path.isascii():
            name = path[path.rfind("/") + 1:]
            if (name[:-3] if name[-3:].lower() == ".md" else name).strip().lower() in names:
                kept.append(path)
        elif name_of(path) in names:
            kept.append(path)
    return kept


def _fold(text: str) -> str:
    """What `key` makes of each line of a text (without its strip)."""
    return unicodedata.normalize("NFC", text).casefold()


def _holding(paths: list[str], names: AbstractSet[str], fold: Callable[[str], str]) -> list[str]:
    """The paths whose folded text holds one of `names`: among them every path named by one, as a path
    folded so holds its name (NFC and case folding keep "/" and ".md", and fold each character on its
    own). Each name is looked for in the text of all the paths at once (`fold`: `_fold`, or `str.lower`
    for ASCII)."""
    text = fold("\n".join(paths))
    if text.count("\n") != len(paths) - 1:  # a path with a line break
        return paths
    starts: set[int] = set()  # where the lines holding a name start
    for name in names:
        at = text.find(name)
        while at >= 0:
            starts.add(text.rfind("\n", 0, at) + 1)
            end = text.find("\n", at)
            at = text.find(name, end + 1) if end >= 0 else -1
    held, line, counted = [], 0, 0
    for start in sorted(starts):
        line += text.count("\n", counted, start)
        counted = start
        held.append(paths[line])
    return held
