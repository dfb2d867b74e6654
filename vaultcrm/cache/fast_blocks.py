"""Splitting a simple note body into blocks the way markdown-it-py's block parser would.

`simple_blocks` turns a body made of paragraphs, ATX headings, lists, GFM tables and fenced code
into a flat list of block events (OPEN/CLOSE of list items, HEADING, PARA, ROW), or returns None
for anything else, which then goes through markdown-it itself. It is a transcription of
markdown-it's own rules as markdown-it-py `UPSTREAM` has them (rules_block/list.py, table.py,
fence.py, heading.py, paragraph.py), held to giving the same result by
tests/cache/test_parse_equivalence.py, which runs against that version. A new markdown-it-py is
taken by reading its changes to those rules, updating this file, then `UPSTREAM` and the test
extras' pin in pyproject.toml.
"""
from __future__ import annotations

import re

UPSTREAM = "4.3.0"  # the markdown-it-py release these rules follow

OPEN, CLOSE, HEADING, PARA, ROW = range(5)
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
    rule looks at), which `simple_blocks` checks afterwards. On such a body the other block rules
    (code, math, blockquote, hr, reference, html_block, lheading) cannot fire, except indented
    code, which raises _NotSimple. What is left follows markdown-it-py's parser_block.tokenize and
    rules_block/{table,fence,list,heading,paragraph}.py step by step, with line offsets instead of
    source offsets (no tabs, so tShift == sCount) and events instead of tokens: (OPEN, 0, ""),
    (CLOSE, 0, ""), (HEADING, line, content), (PARA, line, content), (ROW, line, cells).
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
            self.events.append((OPEN, 0, ""))
            self.level += 1
            old_list_indent, self.list_indent = self.list_indent, self.blk
            self.blk = indent
            old_ind, ind[start] = ind[start], pos
            self.tokenize(start, end)
            self.blk = self.list_indent
            self.list_indent = old_list_indent
            ind[start] = old_ind
            self.events.append((CLOSE, 0, ""))
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
        self.events.append((ROW, start, [cell.strip(_MD_TRIM) for cell in cells]))  # type: ignore[arg-type]
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
            self.events.append((ROW, line, [  # type: ignore[arg-type]
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
            self.events.append((HEADING, start, _atx_content(text, after)))
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
        self.events.append((PARA, start, self._content(start, line)))

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
                append((HEADING, line, _atx_content(text, after)))
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
                append((OPEN, 0, ""))
                append((PARA, line, content.strip(_MD_TRIM)))
                append((CLOSE, 0, ""))
                line = stop
                continue
        stop = line + 1
        while stop < count and lines[stop] and not _flat_break(lines[stop], True):
            stop += 1
        content = text if stop == line + 1 else "\n".join(lines[line:stop])
        append((PARA, line, content.strip(_MD_TRIM)))
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


def simple_blocks(src: str) -> list[tuple[int, int, str]] | None:
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
