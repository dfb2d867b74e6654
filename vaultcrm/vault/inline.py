"""Dataview inline fields (`Key:: value`, `[key:: value]`, `(key:: value)`) in one line of a note's
text, with where each value sits, so that a reader and the surgical edit find the same ones (behaviour §2).

A line holding bracketed fields gives those; else, a line `Key:: value` is one field running to the
line's end. The key may be wrapped in formatting (`**Key**:: value`, `**Key::** value`, `_Key_::`);
it is made of letters, digits, spaces, `_`, `-` and `/`. Nothing inside inline code or an HTML
comment counts. Which lines are read (not code blocks, quotes or tasks) is the parser's business.
"""
from __future__ import annotations

import re
from typing import Any, NamedTuple

from vaultcrm.parsed import InlineField, Note

_KEY = re.compile(r"[\w\s/-]*[^\W\d_][\w\s/-]*")
_FORMAT = "*_~"
_COMMENT = re.compile(r"<!--.*?(?:-->|$)")
_CLOSERS = {"[": "]", "(": ")"}


class Span(NamedTuple):
    """A field found in a line: its key as written (formatting dropped), its value, and the value's
    columns in the line (`start` == `end` for an empty value, just after the `::`)."""

    key: str
    value: str
    start: int
    end: int


def _masked(text: str) -> str:
    """`text` with inline code spans and HTML comments blotted out (same length)."""
    if "`" not in text and "<!--" not in text:
        return text
    out = list(text)
    pos = 0
    while True:
        tick = text.find("`", pos)
        if tick < 0:
            break
        run = len(text) - len(text[tick:].lstrip("`"))
        close = text.find("`" * run, tick + run)
        if close < 0:
            pos = tick + run
            continue
        out[tick:close + run] = "\0" * (close + run - tick)
        pos = close + run
    masked = "".join(out)
    return _COMMENT.sub(lambda m: "\0" * len(m[0]), masked)


def _clean_key(raw: str) -> str | None:
    key = raw.strip().strip(_FORMAT).strip()
    return key if key and _KEY.fullmatch(key) else None


def _value_span(text: str, start: int, end: int) -> tuple[str, int, int]:
    value = text[start:end]
    stripped = value.strip()
    if not stripped:
        return "", start, start
    left = start + len(value) - len(value.lstrip())
    return stripped, left, left + len(stripped)


def _closing(masked: str, start: int, opener: str) -> int:
    """The index of the bracket closing one opened before `start`, nesting and escapes respected; -1."""
    closer, depth, escaped = _CLOSERS[opener], 0, False
    for index in range(start, len(masked)):
        char = masked[index]
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == opener:
            depth += 1
        elif char == closer:
            if depth == 0:
                return index
            depth -= 1
    return -1


def _bracketed(text: str, masked: str) -> list[Span]:
    found: list[Span] = []
    pos = 0
    while True:
        opens = [i for i in (masked.find("[", pos), masked.find("(", pos)) if i >= 0]
        if not opens:
            return found
        at = min(opens)
        sep = masked.find("::", at + 1)
        raw = masked[at + 1:sep] if sep >= 0 else ""
        key = _clean_key(raw) if sep >= 0 and not any(c in raw for c in "[]()\0") else None
        close = _closing(masked, sep + 2, masked[at]) if key is not None else -1
        if key is None or close < 0:
            pos = at + 1
            continue
        value, start, end = _value_span(text, sep + 2, close)
        found.append(Span(key, value, start, end))
        pos = close + 1


def _full_line(text: str, masked: str) -> Span | None:
    sep = masked.find("::")
    if sep < 0 or "\0" in masked[:sep]:
        return None
    raw = text[:sep]
    key = _clean_key(raw)
    if key is None:
        return None
    start = sep + 2
    opening = raw.lstrip()[:2]
    if opening in ("**", "__") and not raw.rstrip().endswith(opening) and text[start:].startswith(opening):
        start += 2  # `**Key::** value`
    value, start, end = _value_span(text, start, len(text))
    return Span(key, value, start, end)


def line_fields(text: str) -> list[Span]:
    """The inline fields of one line of text (no line break), in the order they appear."""
    if "::" not in text:
        return []
    masked = _masked(text)
    if "::" not in masked:
        return []
    bracketed = _bracketed(text, masked)
    if bracketed:
        return bracketed
    field = _full_line(text, masked)
    return [field] if field is not None else []


_BLOCK_START = re.compile(r"[ \t]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+)*(?:#{1,6}[ \t]+)?")


def source_fields(raw: str) -> list[Span]:
    """`line_fields` of a line as the file has it (indentation, list marker or heading marks first),
    with the columns of the file's line."""
    text = raw.rstrip("\r\n")
    start = _BLOCK_START.match(text).end()  # type: ignore[union-attr]
    body = text[start:].rstrip()
    return [span._replace(start=span.start + start, end=span.end + start) for span in line_fields(body)]


def block_fields(content: str, line: int) -> list[InlineField]:
    """The inline fields of a block's text whose first line is the note's line `line` (1-based)."""
    out: list[InlineField] = []
    for offset, text in enumerate(content.split("\n")):
        out += [InlineField(span.key, span.value, line + offset) for span in line_fields(text.strip())]
    return out


_NULL = ("null", "Null", "NULL", "~")
_ITEM = re.compile(r'\[\[[^\]]*\]\]|"[^"]*"')
_INT = re.compile(r"[-+]?(?:0|[1-9]\d*)")


def typed(value: str) -> Any:
    """An inline value typed as the same text would be as a property: empty is None; `true`/`false`
    are booleans; whole numbers are ints; `"quoted"` text loses its quotes; a comma-separated list of
    links or quoted texts is a list; anything else stays text (dates and links are read per field)."""
    text = value.strip()
    if not text or text in _NULL:
        return None
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    if _INT.fullmatch(text):
        return int(text)
    parts = [part.strip() for part in text.split(",")]
    if len(parts) > 1 and all(_ITEM.fullmatch(part) for part in parts):
        return [part[1:-1] if part.startswith('"') else part for part in parts]
    return text[1:-1] if text.startswith('"') and _ITEM.fullmatch(text) else text


def properties(note: Note) -> list[tuple[str, Any, int | None]]:
    """A note's properties as (key, value, line): its frontmatter's, then its inline fields' (typed)."""
    found: list[tuple[str, Any, int | None]] = [(k, v, note.key_lines.get(k)) for k, v in note.frontmatter.items()]
    found += [(f.key, typed(f.value), f.line) for f in note.fields]
    return found
