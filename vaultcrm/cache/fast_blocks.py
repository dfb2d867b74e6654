"""Splitting a note body into blocks the way markdown-it-py's block parser does.

`simple_blocks` turns a body into a flat list of block events -- (OPEN, 0, "") and (CLOSE, 0, "")
around each list item, (HEADING, line, text), (PARA, line, text), (ROW, line, cells) -- and the
reference definitions (markdown-it's `env`), or returns None for a body with a NUL (which then goes
through markdown-it itself). It is a transcription of markdown-it-py `UPSTREAM`'s block tokenizer
(parser_block.py, rules_block/*.py, with the line markers of state_block.py) for the rules vaultcrm's
parser enables: CommonMark's, GFM tables, and dollarmath's math blocks (its options as
vault/notes.py sets them). Each rule is tried only at lines whose first character could start it.
Fenced and indented code, math, HTML blocks and thematic breaks make no event, and nothing inside a
block quote does (no entry comes from them); their extent is worked out all the same.
tests/cache/test_parse_equivalence.py holds the events equal to markdown-it's tokens. A new
markdown-it-py is taken by reading its changes to those files, updating this one, then `UPSTREAM` and
the test extras' pin in pyproject.toml.
"""
from __future__ import annotations

import re
from typing import Any

from vaultcrm.cache.fast_inline import link_href
from vaultcrm.cache.fast_leaves import (
    HTML_SEQUENCES,
    MATH_LABEL,
    MD_TRIM,
    atx,
    atx_content,
    bullet_marker,
    destination_end,
    maybe_reference,
    normalize_reference,
    ordered_marker,
    table_cells,
    title_end,
    unescaped,
)

UPSTREAM = "4.3.0"  # the markdown-it-py release these rules follow
DOLLARMATH_UPSTREAM = "0.7.0"  # the mdit-py-plugins release whose dollarmath rules they follow

OPEN, CLOSE, HEADING, PARA, ROW = range(5)
_MAX_NESTING = 20  # the commonmark preset's maxNesting
_TABLE_RULE = re.compile(r"^:?-+:?$")  # markdown-it's headerLineRe
_LEAVES = "$`~*-_+0123456789<#"  # what `_leaf` may take a line for
_OPENERS = "`~>*-_+0123456789<#"  # what a block that may end a paragraph starts with, but a table
# The terminator lists (each rule's `alt`): which rules may end a paragraph, a block quote's lazy
# lines or a table, and a list.
_PARAGRAPH, _QUOTE, _LIST = range(3)


class _Blocks:
    """markdown-it's StateBlock and block rules, making events instead of tokens (see the module's
    docstring). Field names follow StateBlock: `bm`, `em`, `ts`, `sc`, `bs` are bMarks, eMarks,
    tShift, sCount and bsCount; `blk` is blkIndent; `quiet` counts the open block quotes."""

    __slots__ = ("blk", "bm", "bs", "em", "events", "level", "line", "line_max", "list_indent", "parent", "quiet",
                 "references", "sc", "src", "tabs", "ts")

    def __init__(self, src: str) -> None:
        self.src = src
        bm: list[int] = []
        em: list[int] = []
        ts: list[int] = []
        sc: list[int] = []
        start = 0
        length = len(src)
        self.tabs = "\t" in src
        for text in src.split("\n"):
            end = start + len(text)
            rest = text.lstrip(" \t")
            indent = len(text) - len(rest)
            if not rest and end == length:  # a last line of only blanks, without "\n", gets no marker
                break
            bm.append(start)
            em.append(end)
            ts.append(indent)
            sc.append(_columns(text, indent) if self.tabs and "\t" in text[:indent] else indent)
            start = end + 1
        bm.append(length)
        em.append(length)
        ts.append(0)
        sc.append(0)
        self.bm, self.em, self.ts, self.sc = bm, em, ts, sc
        self.bs = [0] * len(bm)
        self.line_max = len(bm) - 1
        self.blk = 0
        self.line = 0
        self.level = 0
        self.list_indent = -1
        self.parent = "root"
        self.quiet = 0
        self.events: list[tuple[int, int, Any]] = []
        self.references: dict[str, dict[str, Any]] = {}  # env["references"] as markdown-it makes it

    def empty(self, line: int) -> bool:
        return self.bm[line] + self.ts[line] >= self.em[line]

    def tokenize(self, line: int, end: int) -> None:
        """parser_block.tokenize, each rule tried only where its first character is."""
        bm, em, ts, sc, src = self.bm, self.em, self.ts, self.sc, self.src
        line_max = self.line_max
        while line < end:
            while line < line_max and bm[line] + ts[line] >= em[line]:  # skipEmptyLines
                line += 1
            self.line = line
            if line >= end or sc[line] < self.blk:
                break
            if self.level >= _MAX_NESTING:
                self.line = end
                break
            pos = bm[line] + ts[line]
            first = src[pos]
            after = line + 1  # _table_next, inline
            if (after < line_max and bm[after] + ts[after] < em[after] and src[bm[after] + ts[after]] in "|-:"
                    and src.find("|", pos, em[line]) >= 0 and self.table(line, end, False)):
                pass
            elif sc[line] - self.blk >= 4:
                self.code(line, end)
            elif first == ">":
                self.blockquote(line, end)
            elif first == "[":
                if src[pos + 1:pos + 2] == "[" or not maybe_reference(src[pos:em[line]]) or not self.reference(line):
                    self.paragraph(line, end)  # `[[` opens no reference definition: maybe_reference says so
            elif first not in _LEAVES or not self._leaf(line, end, first):
                self.paragraph(line, end)
            line = self.line
            if line < end and bm[line] + ts[line] >= em[line]:
                line += 1
                self.line = line

    def _leaf(self, line: int, end: int, first: str) -> bool:
        """Whether the math, fence, hr, list, html_block or heading rule took the line (the rule its
        first character could start), in markdown-it's order."""
        if first == "$":
            return self.math(line, end)
        if first in "`~":
            return self.fence(line, end, False)
        if first in "*-_":  # a thematic break's third character is a marker or a blank: a cheap test first
            pos = self.bm[line] + self.ts[line] + 2
            if pos < self.em[line] and self.src[pos] in "*-_ \t" and self.hr(line, False):
                return True
        if first in "*-+" or "0" <= first <= "9":
            return self.list(line, end, False)
        if first == "<":
            return self.html_block(line, end, False)
        return first == "#" and self.heading(line, False)

    def _terminates(self, line: int, end: int, kind: int) -> bool:
        """Whether a rule of the terminator list `kind` would start a block at `line` (silent mode)."""
        pos = self.bm[line] + self.ts[line]
        if pos >= self.em[line]:
            return False
        src = self.src
        first = src[pos]
        if kind == _PARAGRAPH and line + 1 < self.line_max:  # _table_next, inline
            after = self.bm[line + 1] + self.ts[line + 1]
            if (after < self.em[line + 1] and src[after] in "|-:" and src.find("|", pos, self.em[line]) >= 0
                    and self.table(line, end, True)):  # (a header row holds a `|`)
                return True
        if self.sc[line] - self.blk >= 4:
            return False  # every other terminator refuses code
        if first in "`~":
            return self.fence(line, end, True)
        if first == ">":
            return True
        if first in "*-_" and pos + 2 < self.em[line] and src[pos + 2] in "*-_ \t" and self.hr(line, True):
            return True  # (as in `_leaf`)
        if kind == _LIST:  # (which is why `list` calls this only at a line opening with "`~>*-_")
            return False
        if first in "*-+" or "0" <= first <= "9":
            return self.list(line, end, True)
        if first == "<":
            return self.html_block(line, end, True)
        return first == "#" and self.heading(line, True)

    def _table_next(self, line: int) -> bool:
        """Whether the next line could be a table's delimiter row (a cheap test before `table`)."""
        line += 1
        if line >= self.line_max:
            return False
        pos = self.bm[line] + self.ts[line]
        return pos < self.em[line] and self.src[pos] in "|-:"

    def get_lines(self, begin: int, end: int, indent: int) -> str:
        """StateBlock.getLines(begin, end, indent, False)."""
        bm, em, src, ts = self.bm, self.em, self.src, self.ts
        if indent == 0:
            return src[bm[begin]:em[end - 1]]
        if not self.tabs:  # each blank or marker character is one column: skip up to `indent` of them
            if end == begin + 1:
                return src[bm[begin] + min(indent, ts[begin]):em[begin]]
            return "\n".join([src[bm[line] + min(indent, ts[line]):em[line]] for line in range(begin, end)])
        bs = self.bs
        parts = []
        for line in range(begin, end):
            line_indent = 0
            start = first = bm[line]
            last = em[line]
            while first < last and line_indent < indent:
                ch = src[first]
                if ch == " ":
                    line_indent += 1
                elif ch == "\t":
                    line_indent += 4 - (line_indent + bs[line]) % 4
                elif first - start < ts[line]:
                    line_indent += 1
                else:
                    break
                first += 1
            if line_indent > indent:
                parts.append(" " * (line_indent - indent) + src[first:last])
            else:
                parts.append(src[first:last])
        return "\n".join(parts)

    # -- the rules, in markdown-it's order ---------------------------------------------------------

    def table(self, start: int, end: int, silent: bool) -> bool:
        bm, em, ts, sc, src, blk = self.bm, self.em, self.ts, self.sc, self.src, self.blk
        if start + 2 > end:
            return False
        rule = start + 1
        if sc[rule] < blk or sc[rule] - blk >= 4:
            return False
        pos = bm[rule] + ts[rule]
        size = em[rule]
        if pos + 1 >= size:
            return False
        head, second = src[pos], src[pos + 1]
        if head not in "|-:" or second not in "|-: \t" or (head == "-" and second in " \t"):
            return False
        text = src[pos:size]
        if text[2:].strip("|-: \t"):
            return False
        columns = text.split("|")
        aligns = 0
        for index, column in enumerate(columns):
            column = column.strip(MD_TRIM)
            if not column:
                if index == 0 or index == len(columns) - 1:
                    continue
                return False
            if not _TABLE_RULE.search(column):
                return False
            aligns += 1
        header = src[bm[start] + ts[start]:em[start]].strip(MD_TRIM)
        if "|" not in header or sc[start] - blk >= 4:
            return False
        cells = table_cells(header)
        count = len(cells)
        if count == 0 or count != aligns:
            return False
        if silent:
            return True
        old_parent, self.parent = self.parent, "table"
        quiet = self.quiet
        if not quiet:
            self.events.append((ROW, start, [cell.strip(MD_TRIM) for cell in cells]))
        autocompleted = 0
        line = start + 2
        while line < end:
            if sc[line] < blk or self._terminates(line, end, _QUOTE):
                break
            text = src[bm[line] + ts[line]:em[line]].strip(MD_TRIM)
            if not text or sc[line] - blk >= 4:
                break
            row = table_cells(text)
            autocompleted += count - len(row)
            if autocompleted > 0x10000:
                break
            if not quiet:
                self.events.append((ROW, line, [
                    row[index].strip(MD_TRIM) if index < len(row) and row[index] else "" for index in range(count)]))
            line += 1
        self.parent = old_parent
        self.line = line
        return True

    def code(self, start: int, end: int) -> None:
        last = line = start + 1
        while line < end:
            if self.empty(line):
                line += 1
            elif self.sc[line] - self.blk >= 4:
                line += 1
                last = line
            else:
                break
        self.line = last

    def math(self, start: int, end: int) -> bool:
        """dollarmath's math_block (labels and blank lines allowed), which ends nothing."""
        bm, em, ts, src = self.bm, self.em, self.ts, self.src
        pos = bm[start] + ts[start]
        size = em[start]
        if pos + 2 > size or not src.startswith("$$", pos):
            return False
        line = start
        text = src[pos:size]
        closed = False
        if len(text.strip()) > 3:
            if text.strip().endswith("$$") or MATH_LABEL.match(text[::-1]):
                closed = True
            elif "$$" in text[2:]:
                return False
        while not closed:
            line += 1
            if line >= end:
                return False
            text = src[bm[line] + ts[line]:em[line]]
            closed = text.strip().endswith("$$") or MATH_LABEL.match(text[::-1]) is not None
        self.line = line + 1
        return True

    def fence(self, start: int, end: int, silent: bool) -> bool:
        bm, em, ts, sc, src = self.bm, self.em, self.ts, self.sc, self.src
        pos = bm[start] + ts[start]
        size = em[start]
        if pos + 3 > size:
            return False
        marker = src[pos]
        mem = pos
        while pos < size and src[pos] == marker:
            pos += 1
        length = pos - mem
        if length < 3 or (marker == "`" and marker in src[pos:size]):
            return False
        if silent:
            return True
        closed = False
        line = start
        while True:
            line += 1
            if line >= end:
                break
            pos = mem = bm[line] + ts[line]
            size = em[line]
            if pos < size and sc[line] < self.blk:
                break
            if pos >= len(src):
                break
            if src[pos] != marker or sc[line] - self.blk >= 4:
                continue
            while pos < size and src[pos] == marker:
                pos += 1
            if pos - mem < length:
                continue
            while pos < size and src[pos] in " \t":
                pos += 1
            if pos < size:
                continue
            closed = True
            break
        self.line = line + 1 if closed else line
        return True

    def blockquote(self, start: int, end: int) -> None:
        """rules_block/blockquote.py (not silent: as a terminator it is just `>`)."""
        bm, em, ts, sc, bs, src = self.bm, self.em, self.ts, self.sc, self.bs, self.src
        old_line_max = self.line_max
        saved: list[tuple[int, int, int, int, int]] = []  # (line, bm, ts, sc, bs) to restore
        old_parent, self.parent = self.parent, "blockquote"
        last_empty = False
        line = start
        while line < end:
            if line > start:
                outdented = sc[line] < self.blk
                pos = bm[line] + ts[line]
                if pos >= em[line]:
                    break  # an empty line ends the quote
                if src[pos] != ">" or outdented:
                    if last_empty:
                        break
                    if self._terminates(line, end, _QUOTE):
                        self.line_max = line  # "hard termination" for the paragraphs inside
                        if self.blk != 0:
                            saved.append((line, bm[line], ts[line], sc[line], bs[line]))
                            sc[line] -= self.blk
                        break
                    saved.append((line, bm[line], ts[line], sc[line], bs[line]))
                    sc[line] = -1  # a lazy line: a paragraph's continuation
                    line += 1
                    continue
            last_empty = self._quote_line(line, saved)
            line += 1
        old_indent, self.blk = self.blk, 0
        self.quiet += 1
        self.level += 1
        self.tokenize(start, line)
        self.level -= 1
        self.quiet -= 1
        self.line_max = old_line_max
        self.parent = old_parent
        for number, b, t, s, c in saved:
            bm[number], ts[number], sc[number], bs[number] = b, t, s, c
        self.blk = old_indent

    def _quote_line(self, line: int, saved: list[tuple[int, int, int, int, int]]) -> bool:
        """A `>` line's markers moved past the `>` and one optional blank; whether it is empty then."""
        bm, em, ts, sc, bs, src = self.bm, self.em, self.ts, self.sc, self.bs, self.src
        pos = bm[line] + ts[line] + 1
        size = em[line]
        initial = offset = sc[line] + 1
        second = src[pos] if pos < len(src) else ""
        adjust_tab = False
        space_after = second == " " or second == "\t"
        if second == " ":
            pos += 1
            initial += 1
            offset += 1
        elif second == "\t":
            if (bs[line] + offset) % 4 == 3:
                pos += 1
                initial += 1
                offset += 1
            else:
                adjust_tab = True
        saved.append((line, bm[line], ts[line], sc[line], bs[line]))
        bm[line] = pos
        while pos < size:
            ch = src[pos]
            if ch == " ":
                offset += 1
            elif ch == "\t":
                offset += 4 - (offset + bs[line] + (1 if adjust_tab else 0)) % 4
            else:
                break
            pos += 1
        bs[line] = sc[line] + 1 + (1 if space_after else 0)
        sc[line] = offset - initial
        ts[line] = pos - bm[line]
        return pos >= size

    def hr(self, start: int, silent: bool) -> bool:
        pos = self.bm[start] + self.ts[start]
        size = self.em[start]
        src = self.src
        marker = src[pos]
        count = 1
        pos += 1
        while pos < size:
            ch = src[pos]
            pos += 1
            if ch == marker:
                count += 1
            elif ch != " " and ch != "\t":
                return False
        if count < 3:
            return False
        if not silent:
            self.line = start + 1
        return True

    def list(self, start: int, end: int, silent: bool) -> bool:
        bm, em, ts, sc, bs, src = self.bm, self.em, self.ts, self.sc, self.bs, self.src
        if self.list_indent >= 0 and sc[start] - self.list_indent >= 4 and sc[start] < self.blk:
            return False
        terminating = silent and self.parent == "paragraph" and sc[start] >= self.blk
        begin = bm[start] + ts[start]
        ordered = begin < em[start] and "0" <= src[begin] <= "9"  # else only a bullet may be there
        if ordered:
            after = ordered_marker(src, begin, em[start])
            if after < 0 or (terminating and int(src[begin:after - 1]) != 1):
                return False
        else:
            after = bullet_marker(src, begin, em[start])
            if after < 0:
                return False
        if terminating:
            pos = after
            while pos < em[start] and src[pos] in " \t":
                pos += 1
            if pos >= em[start]:
                return False
        if silent:
            return True
        marker = src[after - 1]
        self.level += 1
        old_parent, self.parent = self.parent, "list"
        line = start
        while line < end:
            pos = after
            size = em[line]
            initial = offset = sc[line] + after - (bm[start] + ts[start])
            while pos < size:
                ch = src[pos]
                if ch == "\t":
                    offset += 4 - (offset + bs[line]) % 4
                elif ch == " ":
                    offset += 1
                else:
                    break
                pos += 1
            content_start = pos
            indent_after = 1 if content_start >= size else offset - initial
            if indent_after > 4:
                indent_after = 1
            indent = initial + indent_after
            if not self.quiet:
                self.events.append((OPEN, 0, ""))
            self.level += 1
            old_ts, old_sc = ts[start], sc[start]
            old_list_indent, self.list_indent = self.list_indent, self.blk
            self.blk = indent
            ts[start] = content_start - bm[start]
            sc[start] = offset
            if content_start >= size and bm[start + 1] + ts[start + 1] >= em[start + 1]:  # empty(start + 1)
                self.line = min(self.line + 2, end)
            else:
                self.tokenize(start, end)
            self.blk = self.list_indent
            self.list_indent = old_list_indent
            ts[start], sc[start] = old_ts, old_sc
            if not self.quiet:
                self.events.append((CLOSE, 0, ""))
            self.level -= 1
            line = start = self.line
            if line >= end or sc[line] < self.blk or sc[line] - self.blk >= 4:
                break
            begin = bm[line] + ts[line]
            if begin < em[line] and src[begin] in "`~>*-_" and self._terminates(line, end, _LIST):
                break
            after = (ordered_marker if ordered else bullet_marker)(src, begin, em[line])
            if after < 0 or src[after - 1] != marker:
                break
        self.line = line
        self.parent = old_parent
        self.level -= 1
        return True

    def reference(self, start: int) -> bool:
        """rules_block/reference.py (not silent: it ends nothing)."""
        string = self.src[self.bm[start] + self.ts[start]:self.em[start] + 1]
        size = len(string)
        line = start + 1
        label_end = -1
        pos = 1
        while pos < size:
            ch = string[pos]
            if ch == "[":
                return False
            if ch == "]":
                label_end = pos
                break
            if ch == "\\":
                pos += 1
            if ch == "\n" or (ch == "\\" and pos < size and string[pos] == "\n"):
                more = self._reference_line(line)
                if more is not None:
                    string += more
                    size = len(string)
                    line += 1
            pos += 1
        if label_end < 0 or not string.startswith(":", label_end + 1):
            return False
        pos, string, size, line = self._reference_blanks(label_end + 2, string, line)
        end = destination_end(string, pos, size) if pos < size else -1
        if end < 0:
            return False
        href = link_href(unescaped(string[pos + 1:end - 1] if string[pos] == "<" else string[pos:end]))
        if href is None:
            return False
        dest_end = pos = end
        dest_line = line
        start_blanks = pos
        pos, string, size, line = self._reference_blanks(pos, string, line)
        title = -1
        if pos < size and string[pos] in "\"'(":
            marker = ")" if string[pos] == "(" else string[pos]
            title = title_end(string, pos + 1, size, marker)
            while title == -2:  # unclosed: it may go on onto the next line
                more = self._reference_line(line)
                if more is None:
                    break
                resume = size
                string += more
                size = len(string)
                line += 1
                title = title_end(string, resume, size, marker)
        if pos < size and start_blanks != pos and title >= 0:
            text = unescaped(string[pos + 1:title - 1])
            pos = title
        else:
            text = ""
            pos, line = dest_end, dest_line
        while pos < size and string[pos] in " \t":
            pos += 1
        if pos < size and string[pos] != "\n" and text:
            text = ""
            pos, line = dest_end, dest_line
            while pos < size and string[pos] in " \t":
                pos += 1
        if pos < size and string[pos] != "\n":
            return False
        label = normalize_reference(string[1:label_end])
        if not label:
            return False
        self.line = line
        self.references.setdefault(label, {"title": text, "href": href, "map": [start, line]})
        return True

    def _reference_blanks(self, pos: int, string: str, line: int) -> tuple[int, str, int, int]:
        """The reference rule's skipping of blanks, taking the next line in at a line break."""
        size = len(string)
        while pos < size:
            ch = string[pos]
            if ch == "\n":
                more = self._reference_line(line)
                if more is not None:
                    string += more
                    size = len(string)
                    line += 1
            elif ch != " " and ch != "\t":
                break
            pos += 1
        return pos, string, size, line

    def _reference_line(self, line: int) -> str | None:
        """rules_block/reference.py's getNextLine: the next line (with its line break) if a reference
        definition may go on onto it."""
        if line >= self.line_max or self.empty(line):
            return None
        if self.sc[line] - self.blk < 4 and self.sc[line] >= 0:
            old_parent, self.parent = self.parent, "reference"
            ends = self._terminates(line, self.line_max, _PARAGRAPH)
            self.parent = old_parent
            if ends:
                return None
        return self.src[self.bm[line] + self.ts[line]:self.em[line] + 1]

    def html_block(self, start: int, end: int, silent: bool) -> bool:
        bm, em, ts, sc, src = self.bm, self.em, self.ts, self.sc, self.src
        text = src[bm[start] + ts[start]:em[start]]
        sequence = next((seq for seq in HTML_SEQUENCES if seq[0].search(text)), None)
        if sequence is None:
            return False
        _, closer, terminates = sequence
        if silent:
            return terminates
        line = start + 1
        on_blank = closer.search("") is not None
        if not closer.search(text):
            while line < end:
                if sc[line] < self.blk and (on_blank or not self.empty(line)):
                    break
                text = src[bm[line] + ts[line]:em[line]]
                if closer.search(text):
                    if text:
                        line += 1
                    break
                line += 1
        self.line = line
        return True

    def heading(self, start: int, silent: bool) -> bool:
        src = self.src
        pos = self.bm[start] + self.ts[start]
        size = self.em[start]
        after = atx(src, pos, size)
        if after < 0:
            return False
        if not silent:
            self.line = start + 1
            if not self.quiet:
                self.events.append((HEADING, start, atx_content(src, after, size)))
        return True

    def paragraph(self, start: int, end: int) -> None:
        """lheading, then paragraph: one scan for both (they stop at the same lines, but for the
        setext underline lheading looks for first, and lheading's end is `end`, the paragraph's
        `line_max`)."""
        bm, em, ts, sc, src, blk = self.bm, self.em, self.ts, self.sc, self.src, self.blk
        line_max = self.line_max
        old_parent, self.parent = self.parent, "paragraph"
        line = start + 1
        heading = False
        while line < end and bm[line] + ts[line] < em[line]:
            if sc[line] - blk > 3:
                line += 1
                continue
            pos = bm[line] + ts[line]
            first = src[pos]
            if sc[line] >= blk and first in "-=":
                size = em[line]
                marker = src[pos]
                while pos < size and src[pos] == marker:
                    pos += 1
                while pos < size and src[pos] in " \t":
                    pos += 1
                if pos >= size:
                    heading = True
                    break
            if sc[line] >= 0 and (first in _OPENERS or (  # or _table_next(line), inline
                    line + 1 < line_max and bm[line + 1] + ts[line + 1] < em[line + 1]
                    and src[bm[line + 1] + ts[line + 1]] in "|-:")) and self._terminates(line, end, _PARAGRAPH):
                break
            line += 1
        if not heading and end != line_max:  # the paragraph's own scan, to line_max
            line = start + 1
            while line < line_max and bm[line] + ts[line] < em[line]:
                if sc[line] - blk <= 3 and sc[line] >= 0 and self._terminates(line, line_max, _PARAGRAPH):
                    break
                line += 1
        self.parent = old_parent
        self.line = line + 1 if heading else line
        if not self.quiet:
            content = self.get_lines(start, line, blk).strip(MD_TRIM)
            self.events.append((HEADING if heading else PARA, start, content))


def _columns(text: str, indent: int) -> int:
    """The column after a line's first `indent` blanks, tabs to the next multiple of 4."""
    offset = 0
    for ch in text[:indent]:
        offset += 4 - offset % 4 if ch == "\t" else 1
    return offset


def simple_blocks(src: str) -> tuple[list[tuple[int, int, Any]], dict[str, Any] | None] | None:
    """The block events of a body and markdown-it's `env` (its reference definitions, if it has any),
    or None for a body left to markdown-it: one with a NUL (see the module's docstring)."""
    if not src:
        return [], None
    if "\0" in src:
        return None
    blocks = _Blocks(src)
    blocks.tokenize(0, blocks.line_max)
    return blocks.events, {"references": blocks.references} if blocks.references else None
