"""Parsing one note: bytes -> Note (properties and the body's dated lines, tasks and links).

A pure function of the file's bytes, so its result can be cached per file. The body is read as
markdown-it-py (CommonMark, GFM tables, raw HTML, dollar math, plus a wikilink rule) reads it, so
code, comments, math, quotes and embeds are told apart from prose the way Obsidian renders them,
not guessed by a regex over raw text.

For speed (issue #5) these shortcuts give exactly what the full markdown-it pipeline gives
(tests/test_parse_equivalence.py holds them to that, against a copy of the parser as it was):

* a body with nothing an entry could come from (no `[[`, `](`, `]:` or date) is not parsed;
* a body made of paragraphs, ATX headings, lists, GFM tables and fenced code (no line that could
  open a quote, thematic break, setext heading, HTML block, math block, reference definition or
  indented code; no tab) is split into blocks by `_Blocks`, a transcription of markdown-it's own
  table, fence, list, heading and paragraph rules without the rules that cannot fire, or by
  `_flat_blocks` when no line is indented and nothing nests; any other body goes through
  markdown-it's block parser;
* markdown-it's inline rules run only on a block whose text could hold what matters: a block
  without `[` has no link, one without `#give`/`#ask` (or `&`) no tag, and one whose brackets are
  plain `[[wikilinks]]` and `[text](dest)` links has them (and its tags) read by `_scan`, which
  follows the inline rules' own steps; any doubt, and the block gets the real inline parser.

markdown-it is imported only when a note needs it.
"""
from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from . import frontmatter
from .model import Entry, LinkRef, Note, Problem

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.rules_inline import StateInline
    from markdown_it.token import Token

_DATE = r"(\d{4})-(\d{2})-(\d{2})"
_LEADING_DATE = re.compile(
    rf"(?:\[\[{_DATE}(?:[|#][^\]]*)?\]\]|\*\*{_DATE}\*\*|__{_DATE}__|{_DATE})(?=$|[\s:,\-–—])")
_DONE = re.compile(rf"✅\ufe0f?\s*{_DATE}")
_DUE = re.compile(rf"(?:📅|🗓)\ufe0f?\s*{_DATE}")
_SCHEDULED = re.compile(rf"⏳\ufe0f?\s*{_DATE}")
_TAG = re.compile(r"(?<![^\s(\[])#(give|ask)(?![\w-])", re.IGNORECASE)
_TASK = re.compile(r"\[(.)\](?:[ \t]+|$)")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
# What an entry needs: a link (`[[`, `](`, or a reference definition's `]:`) or a date. A body
# without any of them has no entry, whatever markdown-it would make of it.
_MAYBE_USEFUL = re.compile(r"\[\[|\]\(|\]:|\d{4}-\d{2}-\d{2}")
_DATE_TAIL = re.compile(r"-\d\d-\d\d")  # starts with a literal: found at memchr speed
_FOUR_DIGITS = re.compile(r"\d{4}")
# In a block's text: what could make a `#give`/`#ask` tag (a text child can only hold one when
# the source does, or spells it with an entity), and what `_scan` does not follow: for links,
# escapes, code, math and HTML; for tags, also entities and emphasis (which split text children).
_TAG_HINT = re.compile(r"#(?:give|ask)|&", re.IGNORECASE)
_LINK_UNSAFE = re.compile(r"[\\`<$]")
_TAG_UNSAFE = re.compile(r"[\\`<$&*_]")
MAX_TEXT = 300


def _wikilink_rule(state: StateInline, silent: bool) -> bool:
    """`[[target#heading|alias]]` and `![[embed]]` as tokens of their own."""
    src, pos = state.src, state.pos
    embed = src.startswith("![[", pos)
    if not embed and not src.startswith("[[", pos):
        return False
    start = pos + (3 if embed else 2)
    end = _wikilink_end(src, start)
    if end < 0:
        return False
    inner = src[start:end]
    if not silent:
        token = state.push("embed" if embed else "wikilink", "", 0)
        token.content = inner
    state.pos = end + 2
    return True


def _wikilink_end(src: str, start: int) -> int:
    """Where the `]]` closing a wikilink whose inside starts at `start` is, or -1: the first `]]`,
    unless a line break or `[[` comes before it. Linear: never looks past the next `[[` (so a run
    of unclosed `[[` costs no rescan to the end of the text for each)."""
    bound = src.find("[[", start)
    end = src.find("]]", start, len(src) if bound < 0 else bound + 1)
    if end < 0 or src.find("\n", start, end) >= 0:
        return -1
    return end


@lru_cache(maxsize=1)
def markdown() -> MarkdownIt:
    """CommonMark with GFM tables, raw HTML (so comments are recognised), dollar math and wikilinks."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.dollarmath import dollarmath_plugin

    md = MarkdownIt("commonmark", {"html": True}).enable("table").use(dollarmath_plugin, allow_space=False, allow_digits=False)
    md.inline.ruler.before("link", "wikilink", _wikilink_rule)
    return md


@lru_cache(maxsize=1)
def _block_markdown() -> MarkdownIt:
    """markdown() without the core rule that runs the inline rules: blocks only (inline on demand)."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.dollarmath import dollarmath_plugin

    md = MarkdownIt("commonmark", {"html": True}).enable("table").use(dollarmath_plugin, allow_space=False, allow_digits=False)
    md.inline.ruler.before("link", "wikilink", _wikilink_rule)
    md.core.ruler.disable("inline")
    return md


def decode(data: bytes) -> str:
    """UTF-8 with or without a BOM; raises UnicodeDecodeError."""
    return data.decode("utf-8-sig")


def parse(path: str, data: bytes) -> Note:
    """Parse a note's bytes. Never raises: what is wrong becomes a Problem on the note."""
    try:
        text = decode(data)
    except UnicodeDecodeError as exc:
        return Note(path, {}, {}, (), (Problem(path, None, f"this note is not UTF-8 text (byte {exc.start}); "
                                                "re-save it as UTF-8"),), False)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    props, body = frontmatter.read_text(text)
    problems = ()
    if props.error:
        problems = (Problem(path, props.error_line, props.error),)
    entries: tuple[Entry, ...] = ()
    if _maybe_useful(body):
        entries = tuple(body_entries(body, props.body_start))
    return Note(path, props.data, props.key_lines, entries, problems, props.error is None)


def _maybe_useful(body: str) -> bool:
    """`_MAYBE_USEFUL.search(body)`, faster: a date is looked for by its `-dd-dd` tail."""
    if "[[" in body or "](" in body or "]:" in body:
        return True
    for match in _DATE_TAIL.finditer(body):
        start = match.start()
        if start >= 4 and _FOUR_DIGITS.match(body, start - 4):
            return True
    return False


def link_target(inner: str) -> str:
    """The note a wikilink's inside names: the text before `#`, `^` or `|` (`\\|` in tables), trimmed."""
    if "|" in inner or "#" in inner or "^" in inner:
        target = re.split(r"\\?\||#|\^", inner, maxsplit=1)[0].strip()
    else:
        target = inner.strip()
    return target[:-3].rstrip() if target.lower().endswith(".md") else target


def markdown_target(href: str) -> str | None:
    """The note a Markdown link's destination names, or None for web and other non-note links."""
    if not href or href.startswith("#") or _SCHEME.match(href):
        return None
    target = unquote(href.split("#", 1)[0]).strip().lstrip("/")
    if not target:
        return None
    return target[:-3] if target.lower().endswith(".md") else target


_WIKILINK_TEXT = re.compile(r"!?\[\[([^\]|]*?)(?:\\?\|([^\]]*))?\]\]")
_MD_LINK_TEXT = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_TASK_FIELDS = re.compile(r"\s*(?:📅|🗓|⏳|✅|➕|🛫|❌)\ufe0f?\s*\d{4}-\d{2}-\d{2}")


def plain_text(text: str) -> str:
    """A line as a reader sees it: links shown by their text, Tasks dates dropped, spaces collapsed."""
    text = _WIKILINK_TEXT.sub(lambda m: (m[2] or m[1].split("#")[0].rsplit("/", 1)[-1]).strip(), text)
    text = _MD_LINK_TEXT.sub(lambda m: m[1], text)
    return " ".join(_TASK_FIELDS.sub("", text).split())


def _blank_comments(body: str) -> str:
    """`%% comments %%` (inline or across lines) become spaces, keeping every line in place.

    `%%` inside fenced code or an inline code span is literal, as in Obsidian.
    """
    if "%%" not in body:
        return body
    out: list[str] = []
    fence: str | None = None
    in_comment = False
    for line in body.split("\n"):
        if not in_comment:
            opener = _FENCE.match(line)
            if fence is not None:
                if opener and opener[1][0] == fence[0] and len(opener[1]) >= len(fence) and not line.strip(
                        " \t`~"):
                    fence = None
                out.append(line)
                continue
            if opener:
                fence = opener[1]
                out.append(line)
                continue
        blanked, in_comment = _blank_line(line, in_comment)
        out.append(blanked)
    return "\n".join(out)


def _blank_line(line: str, in_comment: bool) -> tuple[str, bool]:
    chars = list(line)
    pos = 0
    while pos < len(line):
        if in_comment:
            end = line.find("%%", pos)
            stop = len(line) if end < 0 else end + 2
            chars[pos:stop] = " " * (stop - pos)
            pos, in_comment = stop, end < 0
        elif line[pos] == "`":
            run = len(line) - len(line[pos:].lstrip("`"))
            close = line.find("`" * run, pos + run)
            pos = pos + run if close < 0 else close + run
        elif line.startswith("%%", pos):
            chars[pos:pos + 2] = "  "
            pos, in_comment = pos + 2, True
        else:
            pos += 1
    return "".join(chars), in_comment


# -- the body's blocks ---------------------------------------------------------------------------

_OPEN, _CLOSE, _HEADING, _PARA, _ROW = range(5)
# markdown-it's mdTrim (CommonMark whitespace); the test suite checks it against the library's
_MD_TRIM = ('\t\n\x0b\x0c\r \xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009'
            '\u200a\u2028\u2029\u202f\u205f\u3000')
_MAX_NESTING = 20  # the commonmark preset's maxNesting
# A line that might start a block other than a paragraph, ATX heading, list item, table or fenced
# code, once its indentation and list markers are set aside: a thematic break, setext underline,
# table delimiter row or empty list item (only `-|:=*_+` and spaces), a quote, HTML, a math block,
# or a `[` that could open a reference definition (no `[` or `]` before `]:`, a backslash, or the
# end of the line). Over-eager by design: such a body just takes markdown-it's block parser.
# Checked on every line but those a table or fence took (`_not_simple`, `_Blocks.exempt`);
# `_LINE_START` finds the lines worth matching.
_NOT_SIMPLE = re.compile(
    r"^(?! *$) *(?:(?:[-*+]|[0-9]{1,9}[.)])(?: +|$))*"
    r"(?:[-|:=*_+ ]*$|[><]|\$\$|\[(?!\[)[^\[\]\\\n]*(?:\]:|\\|$))",
    re.MULTILINE)
_LINE_START = re.compile(r"\n *[-*+0-9|:=_><$\[]")
_TABLE_RULE = re.compile(r"^:?-+:?$")  # markdown-it's headerLineRe


class _NotSimple(Exception):
    """The body has something `_Blocks` leaves to markdown-it."""


class _Blocks:
    """markdown-it's block tokenizer restricted to the list, heading and paragraph rules.

    Only for a body with no tab, and its result only kept when `_NOT_SIMPLE` passes every line
    but those in `exempt` (fenced code, a table's header and delimiter rows: lines that no other
    rule looks at), which `_simple_blocks` checks afterwards. On such a body the other block rules
    (code, math, blockquote, hr, reference, html_block, lheading) cannot fire, except indented
    code, which raises _NotSimple. What is left follows markdown-it-py's parser_block.tokenize and
    rules_block/{table,fence,list,heading,paragraph}.py step by step, with line offsets instead of
    source offsets (no tabs, so tShift == sCount) and events instead of tokens: (_OPEN, 0, ""),
    (_CLOSE, 0, ""), (_HEADING, line, content), (_PARA, line, content), (_ROW, line, cells).
    Fenced code makes no event (nothing in it is an entry).
    """

    __slots__ = ("blk", "events", "exempt", "ind", "lens", "level", "line", "lines", "list_indent", "n", "parent")

    def __init__(self, src: str) -> None:
        lines = src.split("\n")
        if not lines[-1].strip(" "):  # markdown-it makes no line of a last one of only spaces
            lines.pop()
        self.n = len(lines)
        self.lines = lines
        self.lens = [len(s) for s in lines] + [0]
        self.ind = [len(s) - len(s.lstrip(" ")) for s in lines] + [0]
        self.blk = 0
        self.list_indent = -1
        self.parent = "root"
        self.line = 0
        self.level = 0
        self.events: list[tuple[int, int, str]] = []
        self.exempt: list[tuple[int, int]] = []  # lines no rule but the one that took them looks at

    def tokenize(self, line: int, end: int) -> None:
        ind, lens, n = self.ind, self.lens, self.n
        while line < end:
            while line < n and ind[line] >= lens[line]:  # skipEmptyLines
                line += 1
            self.line = line
            if line >= end or ind[line] < self.blk:
                break
            if self.level >= _MAX_NESTING or ind[line] - self.blk >= 4:  # markdown-it gives up / code
                raise _NotSimple
            first = self.lines[line][ind[line]]
            if self._table_next(line) and self.table(line, end, False):
                pass
            elif first == "`" or first == "~":
                if not self.fence(line, end, False):
                    self.paragraph(line)
            elif first in "-*+" or "0" <= first <= "9":
                if not self.list(line, end, False):
                    self.paragraph(line)
            elif first != "#" or not self.heading(line, False):
                self.paragraph(line)
            line = self.line
            if line < end and ind[line] >= lens[line]:
                line += 1
                self.line = line

    def list(self, start: int, end: int, silent: bool) -> bool:
        ind = self.ind
        if ind[start] - self.blk >= 4:
            return False
        if self.list_indent >= 0 and ind[start] - self.list_indent >= 4 and ind[start] < self.blk:
            return False
        terminating = silent and self.parent == "paragraph" and ind[start] >= self.blk
        after = _ordered_marker(self.lines[start], ind[start], self.lens[start])
        ordered = after >= 0
        if ordered:
            if terminating and int(self.lines[start][ind[start]:after - 1]) != 1:
                return False
        else:
            after = _bullet_marker(self.lines[start], ind[start], self.lens[start])
            if after < 0:
                return False
        text = self.lines[start]
        if terminating and len(text) - len(text[after:].lstrip(" ")) >= self.lens[start]:
            return False
        marker = text[after - 1]
        if silent:
            return True
        self.level += 1
        old_parent, self.parent = self.parent, "list"
        line = start
        while line < end:
            text = self.lines[start]
            size = self.lens[start]
            initial = after
            pos = after
            while pos < size and text[pos] == " ":
                pos += 1
            if pos >= size:
                raise _NotSimple  # an empty item (kept out by _NOT_SIMPLE)
            indent_after = pos - initial
            indent = initial + (indent_after if indent_after <= 4 else 1)
            self.events.append((_OPEN, 0, ""))
            self.level += 1
            old_list_indent, self.list_indent = self.list_indent, self.blk
            self.blk = indent
            old_ind, ind[start] = ind[start], pos
            self.tokenize(start, end)
            self.blk = self.list_indent
            self.list_indent = old_list_indent
            ind[start] = old_ind
            self.events.append((_CLOSE, 0, ""))
            self.level -= 1
            line = start = self.line
            if line >= end or ind[line] < self.blk or ind[line] - self.blk >= 4:
                break
            text = self.lines[line]
            if ordered:
                after = _ordered_marker(text, ind[line], self.lens[line])
            else:
                after = _bullet_marker(text, ind[line], self.lens[line])
            if after < 0 or text[after - 1] != marker:
                break
        self.parent = old_parent
        self.line = line
        self.level -= 1
        return True

    def _interrupts(self, line: int, end: int) -> bool:
        """Whether the list, heading or fence rule would start a block at this (non-blank) line: the
        terminators, beside the table rule, that can fire here (the others are kept out)."""
        first = self.lines[line][self.ind[line]]
        if first in "-*+" or "0" <= first <= "9":
            return self.list(line, end, True)
        if first == "#":
            return self.heading(line, True)
        return (first == "`" or first == "~") and self.fence(line, end, True)

    def _table_next(self, line: int) -> bool:
        """Whether the next line could be a table's delimiter row (a cheap test before `table`)."""
        line += 1
        return line < self.n and self.ind[line] < self.lens[line] and self.lines[line][self.ind[line]] in "|-:"

    def table(self, start: int, end: int, silent: bool) -> bool:
        ind, lens, lines, blk = self.ind, self.lens, self.lines, self.blk
        if start + 2 > end:
            return False
        rule = start + 1
        if ind[rule] < blk or ind[rule] - blk >= 4:
            return False
        text = lines[rule]
        pos = ind[rule]
        size = lens[rule]
        if pos >= size or text[pos] not in "|-:":
            return False
        if pos + 1 >= size:
            return False
        second = text[pos + 1]
        if second not in "|-: \t" or (text[pos] == "-" and second in " \t"):
            return False
        if text[pos + 2:size].strip("|-: \t"):
            return False
        columns = text[pos:size].split("|")
        aligns = 0
        for index, column in enumerate(columns):
            column = column.strip(_MD_TRIM)
            if not column:
                if index == 0 or index == len(columns) - 1:
                    continue
                return False
            if not _TABLE_RULE.search(column):
                return False
            aligns += 1
        header = lines[start][ind[start]:].strip(_MD_TRIM)
        if "|" not in header or ind[start] - blk >= 4:
            return False
        cells = _table_cells(header)
        count = len(cells)
        if count == 0 or count != aligns:
            return False
        if silent:
            return True
        old_parent, self.parent = self.parent, "table"
        self.events.append((_ROW, start, [cell.strip(_MD_TRIM) for cell in cells]))  # type: ignore[arg-type]
        autocompleted = 0
        line = start + 2
        while line < end:
            if ind[line] < blk:
                break
            if ind[line] < lens[line] and self._interrupts(line, end):  # the blockquote rule's terminators
                break
            text = lines[line][ind[line]:].strip(_MD_TRIM)
            if not text or ind[line] - blk >= 4:
                break
            row = _table_cells(text)
            autocompleted += count - len(row)
            if autocompleted > 0x10000:
                break
            self.events.append((_ROW, line, [  # type: ignore[arg-type]
                row[index].strip(_MD_TRIM) if index < len(row) and row[index] else "" for index in range(count)]))
            line += 1
        self.parent = old_parent
        self.line = line
        self.exempt.append((start, start + 2))
        return True

    def fence(self, start: int, end: int, silent: bool) -> bool:
        ind, lens, lines = self.ind, self.lens, self.lines
        pos = ind[start]
        size = lens[start]
        if pos - self.blk >= 4 or pos + 3 > size:
            return False
        text = lines[start]
        marker = text[pos]
        if marker != "`" and marker != "~":
            return False
        mem = pos
        while pos < size and text[pos] == marker:
            pos += 1
        length = pos - mem
        if length < 3 or (marker == "`" and marker in text[pos:]):
            return False
        if silent:
            return True
        closed = False
        line = start
        while True:
            line += 1
            if line >= end:
                break
            pos = mem = ind[line]
            size = lens[line]
            if pos < size and pos < self.blk:
                break
            if pos >= size:
                continue  # a blank line (markdown-it reads its "\n")
            text = lines[line]
            if text[pos] != marker or pos - self.blk >= 4:
                continue
            while pos < size and text[pos] == marker:
                pos += 1
            if pos - mem < length:
                continue
            while pos < size and text[pos] == " ":
                pos += 1
            if pos < size:
                continue
            closed = True
            break
        self.line = line + 1 if closed else line
        self.exempt.append((start, self.line))
        return True

    def heading(self, start: int, silent: bool) -> bool:
        pos = self.ind[start]
        if pos - self.blk >= 4:
            return False
        text = self.lines[start]
        after = _atx(text, pos)
        if after < 0:
            return False
        if not silent:
            self.line = start + 1
            self.events.append((_HEADING, start, _atx_content(text, after)))
        return True

    def paragraph(self, start: int) -> None:
        ind, lens, blk = self.ind, self.lens, self.blk
        line = start + 1
        end = self.n
        old_parent, self.parent = self.parent, "paragraph"
        while line < end:
            if ind[line] >= lens[line]:
                break
            if ind[line] - blk > 3:
                line += 1
                continue
            if (self._table_next(line) and self.table(line, end, True)) or self._interrupts(line, end):
                break
            line += 1
        self.line = line
        self.parent = old_parent
        self.events.append((_PARA, start, self._content(start, line)))

    def _content(self, begin: int, end: int) -> str:
        """getLines(begin, end, blkIndent, False), trimmed."""
        blk = self.blk
        parts = []
        for line in range(begin, end):
            text = self.lines[line]
            shift = self.ind[line]
            first = 0
            size = len(text)
            while first < size and first < blk and (text[first] == " " or first < shift):
                first += 1
            parts.append(text[first:])
        return "\n".join(parts).strip(_MD_TRIM)


def _atx(text: str, pos: int) -> int:
    """rules_block/heading.py: the position after the `#`s of an ATX heading starting at `pos`, or -1."""
    size = len(text)
    if pos >= size or text[pos] != "#":
        return -1
    level = 1
    pos += 1
    while pos < size and text[pos] == "#" and level <= 6:
        level += 1
        pos += 1
    if level > 6 or (pos < size and text[pos] not in " \t"):
        return -1
    return pos


def _atx_content(text: str, pos: int) -> str:
    """An ATX heading's text: without the closing `#`s (after a space) and surrounding whitespace."""
    stop = len(text)
    while stop > pos and text[stop - 1] in " \t":
        stop -= 1
    hashes = stop
    while hashes > pos and text[hashes - 1] == "#":
        hashes -= 1
    if hashes > pos and text[hashes - 1] in " \t":
        stop = hashes
    return text[pos:stop].strip(_MD_TRIM)


def _flat_blocks(lines: list[str]) -> list[tuple[int, int, str]] | None:
    """`_Blocks` for a body whose lines all start at column 0 (no tab, no fence, `_not_simple` false):
    then a list item holds one paragraph (its first line and lazy lines) and nothing nests, so one
    pass over the lines does. None for an item whose text starts a list or heading of its own, or
    sits 5 spaces or more after its marker."""
    events: list[tuple[int, int, str]] = []
    append = events.append
    count = len(lines)
    line = 0
    while line < count:
        text = lines[line]
        if not text:
            line += 1
            continue
        first = text[0]
        if first == "#":
            after = _atx(text, 0)
            if after >= 0:
                append((_HEADING, line, _atx_content(text, after)))
                line += 1
                continue
        elif first in "-*+" or "0" <= first <= "9":
            size = len(text)
            after = _bullet_marker(text, 0, size) if first in "-*+" else _ordered_marker(text, 0, size)
            if after >= 0:
                pos = after
                while pos < size and text[pos] == " ":
                    pos += 1
                if pos >= size or pos - after > 4:
                    return None  # an empty item, or indented code in it
                inner = text[pos]
                if ((inner in "-*+" and _bullet_marker(text, pos, size) >= 0)
                        or ("0" <= inner <= "9" and _ordered_marker(text, pos, size) >= 0)
                        or (inner == "#" and _atx(text, pos) >= 0)):
                    return None
                stop = line + 1  # lazy lines: to a blank line, a list item or a heading
                while stop < count and lines[stop] and not _flat_break(lines[stop], False):
                    stop += 1
                content = text[pos:] if stop == line + 1 else "\n".join([text[pos:], *lines[line + 1:stop]])
                append((_OPEN, 0, ""))
                append((_PARA, line, content.strip(_MD_TRIM)))
                append((_CLOSE, 0, ""))
                line = stop
                continue
        stop = line + 1
        while stop < count and lines[stop] and not _flat_break(lines[stop], True):
            stop += 1
        content = text if stop == line + 1 else "\n".join(lines[line:stop])
        append((_PARA, line, content.strip(_MD_TRIM)))
        line = stop
    return events


def _flat_break(text: str, top: bool) -> bool:
    """Whether a line at column 0 ends the paragraph before it: a heading, or a list item (at the
    top level, only a non-empty one, and an ordered one only from 1: the list rule's
    isTerminatingParagraph)."""
    first = text[0]
    if first == "#":
        return _atx(text, 0) >= 0
    if first in "-*+":
        after = _bullet_marker(text, 0, len(text))
    elif "0" <= first <= "9":
        after = _ordered_marker(text, 0, len(text))
        if after >= 0 and top and int(text[:after - 1]) != 1:
            return False
    else:
        return False
    return after >= 0 and not (top and not text[after:].strip(" "))


def _table_cells(text: str) -> list[str]:
    """markdown-it's escapedSplit of a table row, without an empty first or last cell."""
    from markdown_it.rules_block.table import escapedSplit

    cells = escapedSplit(text)
    if cells and cells[0] == "":
        cells.pop(0)
    if cells and cells[-1] == "":
        cells.pop()
    return cells


def _bullet_marker(text: str, pos: int, size: int) -> int:
    """skipBulletListMarker: the position after `-`, `+` or `*` and before a space or the end, or -1."""
    if pos >= size or text[pos] not in "*-+":
        return -1
    pos += 1
    if pos < size and text[pos] not in " \t":
        return -1
    return pos


def _ordered_marker(text: str, pos: int, size: int) -> int:
    """skipOrderedListMarker: the position after `1.` or `1)` (at most 9 digits), or -1."""
    start = pos
    if pos + 1 >= size or not "0" <= text[pos] <= "9":
        return -1
    pos += 1
    while True:
        if pos >= size:
            return -1
        ch = text[pos]
        pos += 1
        if "0" <= ch <= "9":
            if pos - start >= 10:
                return -1
            continue
        if ch in ").":
            break
        return -1
    if pos < size and text[pos] not in " \t":
        return -1
    return pos


def _simple_blocks(src: str) -> list[tuple[int, int, str]] | None:
    """The blocks of a body made only of paragraphs, ATX headings, lists, tables and fenced code, else None."""
    if not src or "\t" in src or "\0" in src:
        return None
    fenced = "```" in src or "~~~" in src
    exempt = fenced or "|" in src  # a fence or a table may take lines that need no check
    flat = not fenced and not src.startswith(" ") and "\n " not in src
    if not exempt or flat:
        if _not_simple(src):
            if not exempt:
                return None
        else:
            if flat:
                lines = src.split("\n")
                if not lines[-1]:
                    lines.pop()
                events = _flat_blocks(lines)
                if events is not None:
                    return events
            exempt = False  # checked already
    blocks = _Blocks(src)
    try:
        blocks.tokenize(0, blocks.n)
    except _NotSimple:
        return None
    if exempt:
        lines = blocks.lines[:]
        for start, stop in blocks.exempt:
            lines[start:stop] = [""] * (stop - start)
        if _not_simple("\n".join(lines)):
            return None
    return blocks.events


def _not_simple(src: str) -> bool:
    """`_NOT_SIMPLE.search(src)`, looking only at lines that start with one of its characters."""
    if _NOT_SIMPLE.match(src):
        return True
    match = _NOT_SIMPLE.match
    return any(match(src, found.start() + 1) for found in _LINE_START.finditer(src))


# -- links and tags in a block's text ------------------------------------------------------------

_DESTINATION = re.compile(r"[^\s()<>\\&\x00-\x1f\x7f]*\)")


def _scan(src: str, line: int, tags: bool) -> tuple[list[LinkRef], bool, bool] | None:
    """The links and (if `tags`) #give/#ask tags markdown-it's inline rules would find in `src`, or
    None when the text has anything this scan does not follow. Only for a note without reference
    definitions and a text without `_LINK_UNSAFE` (`_TAG_UNSAFE` when `tags`).

    It follows what the inline tokenizer does at each `[`: the wikilink rule (`[[…]]`, `![[…]]`);
    the link rule for `[label](dest)` with a plain label (no brackets, no line break) and a plain
    destination then `)`, or, with no `(` after `]`, no link at all (no references); an image
    (`![`) or anything else gives None. Escapes, code spans, math, autolinks and HTML (`\\`, `` ` ``,
    `$`, `<`) could hide or make brackets; emphasis and entities cannot consume a bracket. Each
    link is on the line of its `[` (breaks are the only tokens before it that carry a line). The
    text children are then the runs between links (and each link's label), cut at line breaks;
    emphasis and entities would cut or change them, hence `_TAG_UNSAFE`.
    """
    links: list[LinkRef] = []
    texts: list[str] = []
    find = src.find
    multiline = "\n" in src
    pos = start = counted = 0  # `line` is the line of src[counted]
    while True:
        at = find("[", pos)
        if at < 0:
            break
        if src.startswith("[", at + 1):
            bound = find("[[", at + 2)  # _wikilink_end, inlined
            end = find("]]", at + 2, len(src) if bound < 0 else bound + 1)
            if end < 0 or (multiline and find("\n", at + 2, end) >= 0):
                return None
            if at and src[at - 1] == "!":
                if tags:
                    texts.append(src[start:at - 1])
            else:
                if tags:
                    texts.append(src[start:at])
                target = link_target(src[at + 2:end])
                if target:
                    if multiline:
                        line += src.count("\n", counted, at)
                        counted = at
                    links.append(LinkRef(target, line))
            pos = start = end + 2
            continue
        if at and src[at - 1] == "!":
            return None  # an image, or something like one
        close = find("]", at + 1)
        if close < 0:
            break  # no `]` left: no link left either
        label = src[at + 1:close]
        if "[" in label or "\n" in label:
            return None
        if src.startswith("(", close + 1):
            match = _DESTINATION.match(src, close + 2)
            if match is None:
                return None
            md = markdown()
            href = md.normalizeLink(src[close + 2:match.end() - 1])
            if not md.validateLink(href):
                href = ""
            target = markdown_target(href)
            if target:
                if multiline:
                    line += src.count("\n", counted, at)
                    counted = at
                links.append(LinkRef(target, line))
            if tags:
                texts.append(src[start:at])
                texts.append(label)
            pos = start = match.end()
            continue
        pos = at + 1
    give = ask = False
    if tags:
        texts.append(src[start:])
        for text in texts:  # a line break is whitespace to _TAG too: no need to cut there
            for tag in _TAG.findall(text):
                give, ask = give or tag.lower() == "give", ask or tag.lower() == "ask"
    return links, give, ask


def _inline_children(src: str, env: dict[str, Any]) -> list[Token]:
    """What the core `inline` and `text_join` rules make of one block's text."""
    from markdown_it.rules_core.text_join import text_join
    from markdown_it.token import Token

    md = markdown()
    token = Token("inline", "", 0)
    token.content = src
    token.children = []
    md.inline.parse(src, md, env, token.children)
    text_join(_Tokens([token]))  # type: ignore[arg-type]
    return token.children


class _Tokens:
    __slots__ = ("tokens",)

    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens


def _facts(src: str, line: int, env: dict[str, Any] | None) -> tuple[list[LinkRef], bool, bool]:
    """Links (with their lines) and #give/#ask tags of one block's text, as its inline tokens show them."""
    tags = ("#" in src or "&" in src) and _TAG_HINT.search(src) is not None
    if "[" not in src:
        if not tags:
            return [], False, False
        env = None  # no reference can matter
    if not env and not (_TAG_UNSAFE if tags else _LINK_UNSAFE).search(src):
        found = _scan(src, line, tags)
        if found is not None:
            return found
    return _children_facts(_inline_children(src, env or {}), line)


def _children_facts(children: list[Token], line: int) -> tuple[list[LinkRef], bool, bool]:
    links: list[LinkRef] = []
    give = ask = False
    for child in children:
        kind = child.type
        if kind in ("softbreak", "hardbreak"):
            line += 1
        elif kind == "wikilink":
            target = link_target(child.content)
            if target:
                links.append(LinkRef(target, line))
        elif kind == "link_open":
            target = markdown_target(str(child.attrs.get("href", "")))
            if target:
                links.append(LinkRef(target, line))
        elif kind == "text":
            for tag in _TAG.findall(child.content):
                give, ask = give or tag.lower() == "give", ask or tag.lower() == "ask"
        elif kind == "html_inline":
            line += child.content.count("\n")
    return links, give, ask


# -- entries -------------------------------------------------------------------------------------

def body_entries(body: str, line_offset: int) -> list[Entry]:
    """The entries of a note's body; `line_offset` is the 0-based file line where the body starts."""
    src = _blank_comments(body)
    events = _simple_blocks(src)
    if events is None:
        return _token_entries(src, line_offset)
    entries: list[Entry] = []
    items: list[list[Any]] = []  # open list items: [task, first]
    for kind, line, content in events:
        if kind == _OPEN:
            items.append([None, True])
        elif kind == _CLOSE:
            items.pop()
        elif kind == _ROW:
            entry = _row_entry(content, line + line_offset + 1, None)  # type: ignore[arg-type]
            if entry is not None:
                entries.append(entry)
        else:
            line += line_offset + 1
            if kind == _HEADING:
                entry = _entry("heading", content, line, None, None)
            elif items and items[-1][1]:
                items[-1][1] = False
                entry = _item_entry(content, line, items[-1], None)
            elif "[" not in content:
                continue  # a paragraph's entry needs a link
            else:
                inherited = "open" if items and items[-1][0] == "open" else None
                entry = _entry("para", content, line, inherited, None)
            if entry is not None:
                entries.append(entry)
    return entries


def _token_entries(src: str, line_offset: int) -> list[Entry]:
    """body_entries through markdown-it's block parser (any body `_simple_blocks` declines)."""
    env: dict[str, Any] = {}
    tokens = _block_markdown().parse(src, env)
    refs = env if env.get("references") else None
    entries: list[Entry] = []
    quote_depth = 0
    items: list[list[Any]] = []  # open list items: [task, first]
    block: str | None = None
    row: list[str] = []
    row_line = 0
    for token in tokens:
        kind = token.type
        if kind == "blockquote_open":
            quote_depth += 1
        elif kind == "blockquote_close":
            quote_depth -= 1
        elif kind == "list_item_open":
            items.append([None, True])
        elif kind == "list_item_close":
            items.pop()
        elif kind == "heading_open":
            block = "heading"
        elif kind == "paragraph_open":
            block = "para"
        elif kind in ("th_open", "td_open"):
            block = "cell"
        elif kind == "tr_open":
            row, row_line = [], (token.map[0] if token.map else 0) + line_offset + 1
        elif kind == "tr_close":
            if quote_depth == 0 and row:
                entry = _row_entry(row, row_line, refs)
                if entry is not None:
                    entries.append(entry)
        elif kind == "inline":
            if quote_depth:
                continue
            if block == "cell":
                row.append(token.content)
                continue
            line = token.map[0] + line_offset + 1  # type: ignore[index]
            if block == "heading":
                entry = _entry("heading", token.content, line, None, refs)
            elif items and items[-1][1]:
                items[-1][1] = False
                entry = _item_entry(token.content, line, items[-1], refs)
            else:
                inherited = "open" if items and items[-1][0] == "open" else None
                entry = _entry("para", token.content, line, inherited, refs)
            block = None
            if entry is not None:
                entries.append(entry)
    return entries


def _item_entry(content: str, line: int, item: list[Any], env: dict[str, Any] | None) -> Entry | None:
    match = _TASK.match(content)
    task = None
    if match:
        task = "open" if match[1] == " " else "done"
        item[0] = task
    return _entry("item", content, line, task, env, skip=len(match[0]) if match else 0)


def _row_entry(cells: list[str], line: int, env: dict[str, Any] | None) -> Entry | None:
    first = cells[0].strip() if cells else ""
    day = _leading_date(first)
    if day is None and not any("[" in cell for cell in cells):
        return None
    links: list[LinkRef] = []
    give = ask = False
    for cell in cells:
        cell_links, cell_give, cell_ask = _facts(cell, line, env)
        links += cell_links
        give, ask = give or cell_give, ask or cell_ask
    if day is None and not links:
        return None
    text = " · ".join(c.strip() for c in cells)
    return Entry(line, "row", _clip(text), date=day, links=tuple(links), give=give, ask=ask)


def _entry(kind: str, content: str, line: int, task: str | None, env: dict[str, Any] | None,
           skip: int = 0) -> Entry | None:
    text = content[skip:] if skip else content
    day = _leading_date(text) if kind != "para" else None
    done = planned = None
    if task == "done":
        done = _find_date(_DONE, text)
    elif task == "open" and kind == "item":
        planned = _find_date(_DUE, text) or _find_date(_SCHEDULED, text) or day
    if day is None and done is None and planned is None and "[" not in content:
        return None  # no date and no link: nothing to read
    links, give, ask = _facts(content, line, env)
    if day is None and done is None and planned is None and not links:
        return None
    return Entry(line, kind, _clip(text), date=day, task=task, done=done, planned=planned,
                 links=tuple(links), give=give, ask=ask)


def _leading_date(text: str) -> date | None:
    match = _LEADING_DATE.match(text.lstrip())
    if not match:
        return None
    groups = [g for g in match.groups() if g is not None]
    return _make_date(*groups[:3])


def _find_date(regex: re.Pattern[str], text: str) -> date | None:
    match = regex.search(text)
    return _make_date(match[1], match[2], match[3]) if match else None


def _make_date(year: str, month: str, day: str) -> date | None:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def _clip(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= MAX_TEXT else flat[:MAX_TEXT]
