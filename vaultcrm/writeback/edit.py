"""The surgical write-back edit: one frontmatter value and one log line change, every other byte stays.

Pure functions on a note's bytes (`set_date_field`, `remove_field`, `append_log_line`, `touch_note`,
`complete_task`)
compute the new bytes and prove the change before anything is written; `apply_edit` is the one
function that reads and writes, with a compare-and-swap against edits made meanwhile (Obsidian
autosave, sync). A note that cannot be edited this way is refused with `NotEditableError`, never
rewritten.
"""
from __future__ import annotations

import difflib
import json
import os
import re
import stat
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from vaultcrm.errors import NotEditableError, NotOursError
from vaultcrm.fields import normalise_key
from vaultcrm.vault.dates import DailyFormat, DateReader, link_target, to_date, written_like
from vaultcrm.vault.frontmatter import DuplicateKey, Loader, is_fence
from vaultcrm.vault.inline import typed
from vaultcrm.vault.notes import parse
from vaultcrm.writeback import atomic as write
from vaultcrm.writeback import inline_edit

MAX_FRONTMATTER_BYTES = 64 * 1024
_BASE_LOADER: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# Line breaks YAML honours but a note's lines (split on "\n") do not: they would desynchronise the two.
_ODD_BREAKS = ("\x85", "\u2028", "\u2029")
_UNPROVEN = "the change could not be made without touching other properties or the text"
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
_HEADING = re.compile(r" {0,3}(#{1,6})(?:[ \t]+(.*?))??(?:[ \t]+#+)?[ \t]*")


# The records of an edit are named tuples, as are the snapshot (atomic.py) and a located inline field
# (inline_edit.py): `touch` creates their classes each time it starts, a named tuple's in a seventh of the
# time of a dataclass's.

class _Doc(NamedTuple):
    """A note's text as lines (each with its line ending), cut at its frontmatter delimiters."""

    bom: str
    lines: list[str]
    close: int | None  # index of the closing `---`/`...` line; None when there is no frontmatter

    @property
    def opens(self) -> bool:
        return bool(self.lines) and is_fence(self.lines[0])

    @property
    def newline(self) -> str:
        """The note's line ending: that of its first line ("\\n" when it has none)."""
        first = self.lines[0] if self.lines else ""
        return "\r\n" if first.endswith("\r\n") else "\n"

    @property
    def yaml_text(self) -> str:
        return "".join(self.lines[1:self.close]) if self.close is not None else ""

    @property
    def body_start(self) -> int:
        return 0 if self.close is None else self.close + 1

    def text(self, lines: Sequence[str]) -> str:
        """The note's text with `lines` in place of its own (BOM kept)."""
        return self.bom + "".join(lines)


class _Frontmatter(NamedTuple):
    """A note's properties: their YAML node (None when there are none) and their values."""

    root: yaml.MappingNode | None
    data: dict[Any, Any]


class _Entry(NamedTuple):
    """One top-level `key: value` of the frontmatter, located on the note's lines."""

    key: str
    line: int  # index into _Doc.lines
    value_text: str  # the value as written on its line ("" when empty)
    start: int  # column span of the value on its line
    end: int


def _split_lines(text: str) -> list[str]:
    """Lines with their endings, split on "\\n" only."""
    parts = text.split("\n")
    lines = [part + "\n" for part in parts[:-1]]
    return [*lines, parts[-1]] if parts[-1] else lines


def _parse(data: bytes) -> _Doc:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _refuse(f"it is not UTF-8 text (byte {exc.start})", hint="re-save the note as UTF-8") from None
    if "\r" in text.replace("\r\n", ""):
        raise _refuse("some of its lines end in a lone carriage return (old Mac line endings), which the "
                      "reader takes for line breaks and the edit would not",
                      hint="re-save the note with ordinary line endings, then run the command again")
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    lines = _split_lines(text[len(bom):])
    close = None
    if lines and is_fence(lines[0]):
        close = next((i for i in range(1, len(lines)) if is_fence(lines[i], closing=True)), None)
    return _Doc(bom, lines, close)


class _Refusal(NotEditableError):
    """A note that cannot be edited surgically; `apply_edit` names the file in the message."""

    def __init__(self, reason: str, hint: str) -> None:
        super().__init__(_refusal_message("this note", reason), hint)
        self.reason = reason


def _refusal_message(subject: str, reason: str) -> str:
    return f"vaultcrm will not edit {subject}: {reason}; nothing was written"


def _refuse(reason: str, hint: str = "fix the note by hand in Obsidian, then run the command again") -> _Refusal:
    return _Refusal(reason, hint)


def _load(doc: _Doc) -> _Frontmatter:
    """Safe-load the frontmatter, refusing everything behaviour §1.1 calls a problem."""
    text = doc.yaml_text
    if len(text.encode("utf-8")) > MAX_FRONTMATTER_BYTES:
        raise _refuse("its properties (frontmatter) are larger than 64 KiB")
    if any(mark in text for mark in _ODD_BREAKS):
        raise _refuse("its properties contain unusual line breaks (a Unicode line separator)")
    loader = Loader(text)
    try:
        if any(isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None)
               for event in yaml.parse(text, Loader=_BASE_LOADER)):
            raise _refuse("its properties use YAML anchors or aliases (& or *)")
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
    except DuplicateKey as dup:
        raise _refuse(f"its property {dup.key!r} appears twice on line {dup.line + 2}",
                      hint="keep one of the two lines, then run the command again") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" on line {mark.line + 2}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise _refuse(f"its properties (frontmatter) are not valid YAML{where}: {problem}") from None
    finally:
        loader.dispose()
    if data is None:  # empty, or only comments
        return _Frontmatter(None, {})
    if not isinstance(root, yaml.MappingNode) or not isinstance(data, dict):
        raise _refuse("its properties are not a list of `name: value` lines")
    if root.flow_style:
        raise _refuse("its properties are written as one {…} object; vaultcrm only edits `name: value` lines")
    return _Frontmatter(root, data)


def _entries(doc: _Doc, fm: _Frontmatter, keys: Sequence[str]) -> list[_Entry]:
    """The top-level keys whose normalised spelling is in `keys`, in priority order, then file order.

    Each must be a one-line value on its key's line; anything else is refused.
    """
    found: list[tuple[int, int, _Entry]] = []
    for order, (key_node, value_node) in enumerate(fm.root.value if fm.root else ()):
        if not isinstance(key_node, yaml.ScalarNode) or normalise_key(key_node.value) not in keys:
            continue
        key, line = key_node.value, key_node.start_mark.line + 1
        if key_node.start_mark.column != 0 or key not in fm.data:
            raise _refuse(f"its property {key!r} is not written as a plain `name: value` line")
        if isinstance(value_node, yaml.ScalarNode) and value_node.style in ("|", ">"):
            raise _refuse(f"{key!r} holds a multi-line text block (| or >), not a single date")
        text = doc.lines[line]
        if isinstance(value_node, yaml.ScalarNode) and value_node.style in (None, "") and value_node.value == "":
            start = end = text.index(":", key_node.end_mark.column) + 1
        elif value_node.start_mark.line + 1 == line == value_node.end_mark.line + 1:
            start, end = value_node.start_mark.column, value_node.end_mark.column
        else:
            raise _refuse(f"{key!r} spans several lines")
        entry = _Entry(key, line, text[start:end], start, end)
        if entry.value_text.startswith("!"):
            raise _refuse(f"{key!r} carries a YAML tag (!)")
        found.append((keys.index(normalise_key(key)), order, entry))
    return [entry for _, _, entry in sorted(found, key=lambda item: item[:2])]


def _reparsed(old: _Doc, new_text: str) -> dict[Any, Any] | None:
    """The properties of an edited note, or None when the edit moved anything but properties: the BOM,
    the delimiters or a byte of the body."""
    new = _parse(new_text.encode("utf-8"))
    if new.close is None:
        return None
    delimiters_kept = old.close is None or (new.lines[0], new.lines[new.close]) == (old.lines[0], old.lines[old.close])
    if new.bom != old.bom or not delimiters_kept or new.lines[new.close + 1:] != old.lines[old.body_start:]:
        return None
    try:
        return _load(new).data
    except NotEditableError:
        return None


def _verify(old: _Doc, old_fm: _Frontmatter, new_text: str, edits: Mapping[str, date | None],
            dates: DateReader | None = None) -> bytes:
    """Prove the edit: same BOM, delimiters and body; same properties except `edits`, each of which
    reads back as its date (or, for None, is gone)."""
    new_data = _reparsed(old, new_text)
    if new_data is None or not _same_except(old_fm.data, new_data, edits, dates):
        raise _refuse(_UNPROVEN)
    return new_text.encode("utf-8")


def _same_except(old: Mapping[Any, Any], new: Mapping[Any, Any], edits: Mapping[str, date | None],
                 dates: DateReader | None = None) -> bool:
    if {k: v for k, v in old.items() if k not in edits} != {k: v for k, v in new.items() if k not in edits}:
        return False
    for key, day in edits.items():
        if day is None:
            if key in new:
                return False
            continue
        try:
            if key not in new or to_date(new[key], dates) != day:
                return False
        except ValueError:
            return False
    return True


def set_date_field(data: bytes, keys: Sequence[str], default_key: str, day: date, *,
                   never_earlier: bool, dates: DateReader | None = None) -> bytes:
    """Set a date field to `day`, surgically; `keys` are its normalised keys in priority order.

    The highest-priority key present is edited in place (its spelling, quoting, trailing comment and
    line ending kept; a link to a daily note stays a link, in its own form and folder: `[[2026-11-02]]`,
    `[[Daily/02.11.2026]]`, `[[2026-11-02 Monday]]` in the vault's daily-note format; a `12.11.2026`
    date stays day-first dotted);
    else, when the note keeps the field as an inline field (`Last contact:: …`), that is edited where
    it is; else `default_key: day` is inserted before the closing delimiter; a note without
    frontmatter gets a new three-line block. With `never_earlier`, a later (or equal) existing date
    leaves the bytes unchanged. A value that is neither empty nor a date (read with `dates`, the
    vault's settings) is refused, so nothing the user wrote is overwritten.
    """
    doc = _parse(data)
    iso = day.isoformat()
    if doc.close is None:
        if doc.opens:
            raise _refuse("it starts with --- but its properties block is never closed by another --- line")
        inline = _inline(data, keys)
        if inline:
            return _set_inline_date(data, inline[0], day, never_earlier=never_earlier, dates=dates)
        nl = doc.newline
        new_text = doc.text([f"---{nl}", f"{default_key}: {iso}{nl}", f"---{nl}", *doc.lines])
        return _verify(doc, _Frontmatter(None, {}), new_text, {default_key: day})
    fm = _load(doc)
    found = _entries(doc, fm, keys)
    if all(_blank(fm.data[entry.key]) for entry in found):
        inline = _inline(data, keys)
        if inline and (inline[0].field.value or not found):
            return _set_inline_date(data, inline[0], day, never_earlier=never_earlier, dates=dates)
    if not found:
        lines = [*doc.lines]
        lines.insert(doc.close, f"{default_key}: {iso}{doc.newline}")
        return _verify(doc, fm, doc.text(lines), {default_key: day})
    entry = found[0]
    value = fm.data[entry.key]
    try:
        current = to_date(value, dates)
    except ValueError:
        raise _refuse(f"{entry.key!r} holds {entry.value_text!r}, which is not a date",
                      hint=f"write {entry.key} as YYYY-MM-DD or empty it, then run the command again") from None
    if never_earlier and current is not None and current >= day:
        return data
    written = _written(value, day, dates)
    quote = entry.value_text[:1] if entry.value_text[:1] in ("'", '"') else ""
    written = f"{quote}{written}{quote}"
    text = doc.lines[entry.line]
    if entry.value_text == "":
        written = " " + written
    new_line = text[:entry.start] + written + text[entry.end:]
    if new_line == text:
        return data
    lines = [*doc.lines]
    lines[entry.line] = new_line
    return _verify(doc, fm, doc.text(lines), {entry.key: day}, dates)


def _inline(data: bytes, keys: Sequence[str]) -> list[inline_edit.Located]:
    try:
        return inline_edit.locate(data, keys)
    except inline_edit.InlineRefusal as exc:
        raise _refuse(str(exc)) from None


def _rewrite_inline(data: bytes, at: inline_edit.Located, value: str) -> bytes:
    try:
        return inline_edit.rewrite(data, at, value)
    except inline_edit.InlineRefusal as exc:
        raise _refuse(str(exc)) from None


def _set_inline_date(data: bytes, at: inline_edit.Located, day: date, *, never_earlier: bool,
                     dates: DateReader | None) -> bytes:
    """`set_date_field` on an inline field: its value in place, written the way it was."""
    field = at.field
    try:
        current = to_date(typed(field.value), dates)
    except ValueError:
        raise _refuse(f"its field {field.key!r} on line {field.line} holds {field.value!r}, which is not a date",
                      hint=f"write {field.key} as YYYY-MM-DD or empty it, then run the command again") from None
    if never_earlier and current is not None and current >= day:
        return data
    return _rewrite_inline(data, at, _written(field.value, day, dates))


def _written(value: Any, day: date, dates: DateReader | None) -> str:
    """`day` written the way `value` writes its date: a link to a daily note stays a link to that day's
    note, in its own form and folder (`[[Daily/24.11.2026]]` → `[[Daily/30.11.2026]]`, with `dates`'
    daily-note format too); a dotted or slashed date keeps its shape (`written_like`); else ISO."""
    order = dates.order if dates else None
    target = link_target(value)
    if target is not None:
        daily = dates.daily if dates is not None and dates.daily is not None else DailyFormat(None)
        try:
            return f"[[{daily.relinked(target, day)}]]"
        except ValueError:
            folder, _, name = target.rpartition("/")
            return f"[[{folder}{'/' if folder else ''}{written_like(name, day, order)}]]"
    return written_like(value, day, order) if isinstance(value, str) else day.isoformat()


def remove_field(data: bytes, keys: Sequence[str]) -> bytes:
    """Remove every top-level line whose key is one of the normalised `keys` (`snooze --clear`), and
    empty every inline field of those keys (an empty field is absent).

    Each value must sit wholly on its key's line; a block or multi-line value is refused.
    """
    doc = _parse(data)
    if doc.close is not None:
        fm = _load(doc)
        found = _entries(doc, fm, keys)
        if found:
            drop = {entry.line for entry in found}
            lines = [line for i, line in enumerate(doc.lines) if i not in drop]
            data = _verify(doc, fm, doc.text(lines), {entry.key: None for entry in found})
    while True:
        inline = [at for at in _inline(data, keys) if at.field.value]
        if not inline:
            return data
        data = _rewrite_inline(data, inline[0], "")


def _headings(doc: _Doc) -> list[tuple[int, int, str]]:
    """(line index, level, text) of the ATX headings of the body, outside fenced code."""
    found: list[tuple[int, int, str]] = []
    fence = ""
    for i in range(doc.body_start, len(doc.lines)):
        line = doc.lines[i].rstrip("\r\n")
        opener = _FENCE.match(line)
        if fence:
            closes = opener is not None and opener[1][0] == fence[0] and len(opener[1]) >= len(fence)
            if opener is not None and closes and not line[opener.end():].strip():
                fence = ""
        elif opener and not (opener[1][0] == "`" and "`" in line[opener.end():]):
            fence = opener[1]
        elif heading := _HEADING.fullmatch(line):
            found.append((i, len(heading[1]), (heading[2] or "").strip()))
    return found


def append_log_line(data: bytes, heading: str | Sequence[str], line: str) -> bytes:
    """Append `line` at the end of the section under the note's log heading: the first of `heading`
    (one name or several, in order) that the note has, at any level, case-insensitive.

    The line goes after the section's last non-blank line; in an empty section, after the heading and
    a blank line. Without such a heading, `## heading` (the first name), a blank line and the line are
    added at the end. A line already present in the section is not added twice (a retried tick records
    one line).
    """
    if "\n" in line or "\r" in line:
        raise ValueError("a log line is one line")
    names = [heading] if isinstance(heading, str) else list(heading)
    doc = _parse(data)
    nl = doc.newline
    lines = [*doc.lines]
    headings = _headings(doc)
    match = next((h for name in names for h in headings if h[2].casefold() == name.strip().casefold()), None)
    if match is None:
        if lines and not lines[-1].endswith("\n"):
            lines[-1] += nl
        gap = [] if not lines or "".join(lines).endswith(("\n\n", "\n\r\n")) else [nl]
        return doc.text([*lines, *gap, f"## {names[0].strip()}{nl}", nl, f"{line}{nl}"]).encode("utf-8")
    start, level, _ = match
    end = next((i for i, lvl, _ in headings if i > start and lvl <= level), len(lines))
    section = [text.rstrip("\r\n") for text in lines[start + 1:end]]
    if line in section:
        return data
    last = max((i for i in range(start + 1, end) if lines[i].strip()), default=None)
    anchor = start if last is None else last
    if not lines[anchor].endswith("\n"):
        lines[anchor] += nl
    lines[anchor + 1:anchor + 1] = [f"{line}{nl}"] if last is not None else [nl, f"{line}{nl}"]
    return doc.text(lines).encode("utf-8")


def log_line(day: date, text: str = "", *, give: bool = False, ask: bool = False,
             channel: str | None = None) -> str:
    """`- 2026-11-22 — Coffee, talked about her move (telegram) #give`: one line, whitespace collapsed."""
    parts = [" ".join(text.split())]
    if channel and channel.split():
        parts.append(f"({' '.join(channel.split())})")
    parts += [tag for tag, wanted in (("#give", give), ("#ask", ask)) if wanted]
    words = " ".join(part for part in parts if part)
    return f"- {day.isoformat()} — {words}" if words else f"- {day.isoformat()}"


def touch_note(data: bytes, keys: Sequence[str], day: date, heading: str | Sequence[str], line: str, *,
               default_key: str = "last_touch", dates: DateReader | None = None) -> bytes:
    """What `vaultcrm touch` and a ticked dashboard box do to a note: raise the last-touch date
    (never roll it back) and append the dated log line."""
    return append_log_line(set_date_field(data, keys, default_key, day, never_earlier=True, dates=dates),
                           heading, line)


_OPEN_TASK = re.compile(r"(?P<lead>[ \t]*(?:>[ \t]?)*(?:[-*+]|\d{1,9}[.)])[ \t]+\[) \](?P<text>.*?)"
                        r"(?P<block>[ \t]+\^[A-Za-z0-9-]+)?(?P<tail>[ \t]*)")


def complete_task(data: bytes, line: int, text: str, day: date) -> bytes:
    """Tick the open task on `line` (1-based, in the file) that reads `text` (its first paragraph,
    whitespace collapsed, as a note's Entry holds it), the Tasks plugin's way: `- [ ] text` becomes
    `- [x] text ✅ 2026-12-05` (before a trailing `^block-id`). Every other byte stays. A line that is
    no longer that open task is refused, never guessed at."""
    doc = _parse(data)
    index = line - 1
    raw = doc.lines[index] if doc.body_start <= index < len(doc.lines) else ""
    content = raw.rstrip("\r\n")
    match = _OPEN_TASK.fullmatch(content)
    task = any(e.line == line and e.task == "open" and e.text == text for e in parse("", data).entries)
    if match is None or not task:
        raise _refuse(f"line {line} is no longer the open task “{text[:60]}”",
                      hint="sync again: the dashboard will show the task as the note has it now")
    done = (f"{match['lead']}x]{match['text']} ✅ {day.isoformat()}{match['block'] or ''}{match['tail']}"
            + raw[len(content):])
    lines = [*doc.lines]
    lines[index] = done
    return doc.text(lines).encode("utf-8")


class EditResult(NamedTuple):
    """The bytes of a note before and after an edit (written unless it was a dry run)."""

    path: Path
    old: bytes
    new: bytes

    @property
    def changed(self) -> bool:
        return self.old != self.new

    @property
    def diff(self) -> str:
        """A unified diff of the edit, for `--dry-run`."""
        def lines(data: bytes) -> list[str]:
            return [line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
                    for line in _split_lines(data.decode("utf-8", "replace"))]
        name = self.path.name
        return "".join(difflib.unified_diff(lines(self.old), lines(self.new), f"a/{name}", f"b/{name}"))


def _check_replaceable(path: Path) -> None:
    """Refuse what cannot be replaced safely: a link, not a file, a file with several names."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        raise NotOursError(f"{path} no longer exists; nothing was written") from None
    if stat.S_ISLNK(st.st_mode):
        raise _refuse("it is a symbolic link", hint="edit the note the link points to")
    if not stat.S_ISREG(st.st_mode):
        raise _refuse("it is not a regular file")
    if st.st_nlink > 1:
        raise _refuse(f"it has {st.st_nlink} hard links, and replacing it would separate them",
                      hint="edit it by hand, or make it an ordinary file (copy it and delete the other links)")
    if write.read_only(path, st):
        raise _refuse("it is read-only", hint=f"make it writable (chmod u+w; chattr -i if it is immutable) if "
                                              f"vaultcrm may edit it: {path}")


EMPTY_WAIT_S = 1.0  # how long an empty note is given to be filled by the editor saving it


@contextmanager
def _read_whole(path: Path) -> Iterator[write.Snapshot]:
    """The note as read in one piece. An empty note is what an editor leaves between truncating the
    file and writing it: it is waited for, then refused, never taken as the note's text."""
    deadline = time.monotonic() + EMPTY_WAIT_S
    while True:
        _check_replaceable(path)
        try:
            with write.snapshot(path) as snap:
                if snap.data:
                    yield snap
                    return
        except FileNotFoundError:
            raise NotOursError(f"{path} no longer exists; nothing was written") from None
        except write.Changed:
            pass
        if time.monotonic() > deadline:
            raise NotOursError(f"{path.name} is empty or being saved by another program; nothing was written",
                               hint="wait until Obsidian or your sync tool has saved it, then run the command "
                                    "again (a note that really is empty needs a line of text first)")
        time.sleep(0.05)


def apply_edit(path: Path, transform: Callable[[bytes], bytes], *, dry_run: bool = False) -> EditResult:
    """Apply `transform` to the note at `path` and write it atomically, keeping its mode bits.

    The edit replaces the note only while it still holds the bytes the edit was computed from
    (`write.replace_verified`); when another program saved it meanwhile, the edit is redone once on
    the new content, and if it changed again, `NotOursError` is raised with the other program's bytes
    in place. Nothing is written when the bytes do not change or on a dry run.
    """
    try:
        for _attempt in range(2):
            with _read_whole(path) as snap:
                result = EditResult(path, snap.data, transform(snap.data))
                if dry_run or not result.changed:
                    return result
                try:
                    write.replace_verified(snap, result.new, stat.S_IMODE(snap.stat.st_mode))
                except write.Changed:
                    continue
                except write.ForeignOwner as exc:
                    raise _refuse(str(exc), hint="edit it as its owner (or as root), or make it yours first") from None
                return result
    except _Refusal as exc:
        raise NotEditableError(_refusal_message(path.name, exc.reason), exc.hint) from None
    raise NotOursError(f"{path.name} changed while vaultcrm was editing it; nothing was written",
                       hint="wait until Obsidian or your sync tool has saved it, then run the command again")


# -- filling a text field (imports) ----------------------------------------------------

_NOTHING = object()


def yaml_scalar(value: str | date) -> str:
    """`value` as a one-line YAML scalar: a date as `YYYY-MM-DD`; text plain when it reads back as
    itself (with Obsidian's and PyYAML's typing alike), else double-quoted. Whitespace runs,
    line breaks included, become one space."""
    if isinstance(value, date):
        return value.isoformat()
    text = " ".join(value.split())
    try:
        plain = all(yaml.load(f"k: {text}\n", Loader=loader) == {"k": text}  # safe loaders
                    for loader in (_BASE_LOADER, Loader))
    except yaml.YAMLError:
        plain = False
    return text if plain and text else json.dumps(text, ensure_ascii=False)


def _reads_as(value: str | date) -> Callable[[Any], bool]:
    if isinstance(value, date):
        def same_day(found: Any) -> bool:
            try:
                return to_date(found) == value
            except ValueError:
                return False
        return same_day
    text = " ".join(value.split())
    return lambda found: isinstance(found, str) and found == text


def same_text(value: str | date) -> Callable[[Any], bool]:
    """Whether an existing value already says `value`: the same day, or the same text (a link whose
    target is the text counts), ignoring case and spacing."""
    if isinstance(value, date):
        return _reads_as(value)
    wanted = " ".join(value.split()).casefold()

    def same(found: Any) -> bool:
        if isinstance(found, (str, int, float)) and not isinstance(found, bool):
            text = link_target(found) or str(found)
            return " ".join(text.split()).casefold() == wanted
        return False
    return same


def _blank(value: Any) -> bool:
    return value is None or value == ""


def set_text_field(data: bytes, keys: Sequence[str], default_key: str, value: str | date, *,
                   overwrite: bool = False, same: Callable[[Any], bool] | None = None) -> bytes:
    """Give a field `value` only where the note has none, surgically (imports).

    `keys` are the field's normalised keys in priority order (`default_key` normalises into them).
    A field the note keeps inline (`Company:: Acme`, and no frontmatter value) is filled or replaced
    where it is, never added as a property beside it. When one of them holds a value, nothing
    changes; with `overwrite`, the first such value is
    replaced unless `same(value_found)` says it already matches (default: same text or day) —
    but a list, a mapping or a multi-line value is never touched. When they are all empty
    (`email:`, `email: ""`, `email: ~`), the first empty one is filled in place; an empty list
    (`emails: []`) is left alone. When none is present, `default_key: value` is inserted before
    the closing `---`; a note without properties gets a new block. The change is proven like
    `set_date_field`'s; a note that cannot be edited so is refused with `NotEditableError`.
    """
    if normalise_key(default_key) not in keys:
        raise ValueError(f"{default_key!r} is not one of the field's keys")
    same = same or same_text(value)
    doc = _parse(data)
    written = yaml_scalar(value)
    nl = doc.newline
    if doc.close is None:
        if doc.opens:
            raise _refuse("it starts with --- but its properties block is never closed by another --- line")
        inline = _inline(data, keys)
        if inline:
            return _fill_inline(data, inline[0], value, overwrite=overwrite, same=same)
        new_text = doc.text([f"---{nl}", f"{default_key}: {written}{nl}", f"---{nl}", *doc.lines])
        return _verify_fill(doc, _Frontmatter(None, {}), new_text, default_key, value)
    fm = _load(doc)
    found: list[tuple[int, int, yaml.Node, yaml.Node]] = []
    for order, (key_node, value_node) in enumerate(fm.root.value if fm.root else ()):
        if isinstance(key_node, yaml.ScalarNode) and normalise_key(key_node.value) in keys:
            found.append((keys.index(normalise_key(key_node.value)), order, key_node, value_node))
    found.sort(key=lambda item: item[:2])
    if all(_blank(fm.data.get(k.value)) for _, _, k, _ in found):
        inline = _inline(data, keys)
        if inline and (inline[0].field.value or not found):
            return _fill_inline(data, inline[0], value, overwrite=overwrite, same=same)
    if not found:
        lines = [*doc.lines]
        lines.insert(doc.close, f"{default_key}: {written}{nl}")
        return _verify_fill(doc, fm, doc.text(lines), default_key, value)
    loaded = [(k, v, fm.data.get(k.value, _NOTHING)) for _, _, k, v in found]
    filled = [(k, v, current) for k, v, current in loaded if not _blank(current)]
    if filled:
        key_node, value_node, current = filled[0]
        if not overwrite or current is _NOTHING or same(current):
            return data
        target: tuple[yaml.Node, yaml.Node] | None = (key_node, value_node)
    else:
        target = next(((k, v) for k, v, current in loaded if isinstance(v, yaml.ScalarNode)), None)
    if target is None:
        return data
    key_node, value_node = target
    if not isinstance(value_node, yaml.ScalarNode) or value_node.style in ("|", ">"):
        return data
    key, line = key_node.value, key_node.start_mark.line + 1
    if key_node.start_mark.column != 0 or key not in fm.data:
        raise _refuse(f"its property {key!r} is not written as a plain `name: value` line")
    text = doc.lines[line]
    if value_node.style in (None, "") and value_node.value == "":
        start = end = text.index(":", key_node.end_mark.column) + 1
        written = " " + written
    elif value_node.start_mark.line + 1 == line == value_node.end_mark.line + 1:
        start, end = value_node.start_mark.column, value_node.end_mark.column
        if text[start:end].startswith("!"):
            return data  # a tagged value is the user's own business
    else:
        return data  # a value over several lines is never touched
    lines = [*doc.lines]
    lines[line] = text[:start] + written + text[end:]
    return _verify_fill(doc, fm, doc.text(lines), key, value)


def _fill_inline(data: bytes, at: inline_edit.Located, value: str | date, *, overwrite: bool,
                 same: Callable[[Any], bool]) -> bytes:
    """`set_text_field` on an inline field: an empty one is filled; one with a value is replaced only
    with `overwrite` when it says something else."""
    if at.field.value and (not overwrite or same(typed(at.field.value))):
        return data
    text = value.isoformat() if isinstance(value, date) else " ".join(value.split())
    return _rewrite_inline(data, at, text)


def _verify_fill(old: _Doc, old_fm: _Frontmatter, new_text: str, key: str, value: str | date) -> bytes:
    """Prove a `set_text_field` edit: same BOM, delimiters and body; same properties except `key`,
    which reads back as `value`."""
    new_data = _reparsed(old, new_text)
    if new_data is None or key not in new_data or not _reads_as(value)(new_data[key]):
        raise _refuse(_UNPROVEN)
    if {k: v for k, v in old_fm.data.items() if k != key} != {k: v for k, v in new_data.items() if k != key}:
        raise _refuse(_UNPROVEN)
    return new_text.encode("utf-8")


_HEADING_START = re.compile(r"^( {0,3})#", re.MULTILINE)


def add_notes(data: bytes, notes: str, log_heading: str | Sequence[str]) -> bytes:
    """A new note's body with `notes` as a paragraph above its log heading (any of `log_heading`'s
    names; else at the end). A line that would read as a heading is escaped, so the notes add no
    sections."""
    text = data.decode("utf-8")
    nl = "\r\n" if "\r\n" in text else "\n"
    block = _HEADING_START.sub(r"\1\\#", notes.strip().replace("\r\n", "\n").replace("\r", "\n"))
    block = "\n".join(line.rstrip() for line in block.split("\n")).replace("\n", nl)
    if not block:
        return data
    names = "|".join(re.escape(name.strip()) for name in ([log_heading] if isinstance(log_heading, str)
                                                           else log_heading))
    heading = re.compile(rf"^ {{0,3}}#{{1,6}}[ \t]+(?:{names})[ \t]*\r?$", re.MULTILINE | re.IGNORECASE)
    match = heading.search(text)
    if match is None:
        if text and not text.endswith("\n"):
            text += nl
        gap = "" if not text or text.endswith(("\n\n", "\n\r\n")) else nl
        return (text + gap + block + nl).encode("utf-8")
    before = text[:match.start()]
    gap = "" if not before or before.endswith(("\n\n", "\n\r\n")) else nl
    return (before + gap + block + nl + nl + text[match.start():]).encode("utf-8")
