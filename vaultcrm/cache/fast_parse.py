"""The note parser's shortcuts: the same Note as vault/notes.py's plain `Parser`, faster.

tests/cache/test_parse_equivalence.py holds every result equal to the plain parser's:

* a body with nothing an entry could come from (no `[[`, `](`, `]:` or date-like text) is not parsed;
* `%% comments %%` are blanked by jumps (`fast_comments`);
* a body is split into blocks by `fast_blocks.simple_blocks`, a transcription of markdown-it's
  block rules that works out only the extent of what cannot hold an entry (code, math, HTML, quotes),
  and the reference definitions;
* markdown-it's inline rules run only on a block whose text could hold what matters: a block
  without `[` has no link, one without `#give`/`#ask` (or an entity) no tag; the others are read by
  `fast_inline.scan`, which follows the inline rules' own steps (reference links too, given the
  definitions a label in the text could name); any doubt, and the block gets the real inline parser;
* a text that cannot open with a date is not given to `dates.read_lead`;
* a property block of `key: value` lines and simple lists is read without PyYAML
  (`fast_frontmatter.simple_load`).

markdown-it and PyYAML are imported only when a note needs them.
"""
from __future__ import annotations

import re
from datetime import date
from typing import Any

from vaultcrm.cache.fast_blocks import CLOSE, HEADING, OPEN, ROW, simple_blocks
from vaultcrm.cache.fast_comments import blank_comments
from vaultcrm.cache.fast_frontmatter import simple_load
from vaultcrm.cache.fast_inline import TAG_HINT, references_matter, scan
from vaultcrm.parsed import Entry, InlineField, LinkRef, Note
from vaultcrm.vault import frontmatter
from vaultcrm.vault.dates import read_lead
from vaultcrm.vault.notes import Parser

# What an entry needs: a link (`[[`, `](`, or a reference definition's `]:`) or a date; an inline
# field needs `::`. A date is ISO anywhere (a Tasks date), or opens a line's text after its list
# marker, task box, heading marks, table pipe, any other blank a line's text is stripped of (a no-break
# space) and `[[`/`**`/`__` (a dated line, vault.dates.LEAD):
# numeric (`12.11.2026`, `3/4/26`) or a day, a word and a year either way round (`12 ноября 2026`,
# `Nov 12, 2026`, and misspellings). A body without any of them has no entry and no field, whatever
# markdown-it would make of it.
_MAYBE_DATE = re.compile(
    r"\d{4}-\d{2}-\d{2}"
    r"|^[ \t>]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+)*(?:\[[^\]\n]\][ \t]+)?(?:#{1,6}[ \t]+)?(?:\|[ \t]*)?"
    r"[^\S\n]*(?:\[\[|\*\*|__)?"
    r"(?:\d{1,4}[./-]\d|\d{1,2}[^\s\d]{0,3}\s+[^\W\d_]|[^\W\d_]+\.?\s+\d)", re.MULTILINE)
_MAYBE_USEFUL = re.compile(r"\[\[|\]\(|\]:|::|" + _MAYBE_DATE.pattern, re.MULTILINE)
# _MAYBE_DATE in three parts, a quarter faster on a body without links: ISO anywhere, and the line
# opening on the first line or after a newline (a literal first character the regex engine jumps to)
_ISO, _LINE_DATE = (re.compile(part) for part in _MAYBE_DATE.pattern.split("|^", 1))
_NEXT_LINE_DATE = re.compile("\n" + _LINE_DATE.pattern)


# What a text must open with for dates.LEAD to match it (after blanks): a digit, `[[`, `**`, `__`, or a
# word, blanks and a digit (its month-first form)
_MAYBE_LEAD = re.compile(r"\s*(?:\d|\[\[|\*\*|__|[^\W\d_]+\.?\s+\d)")


class FastParser(Parser):
    """`Parser` with the shortcuts of the module's docstring."""

    def lead(self, text: str) -> tuple[date | None, str | None]:
        return read_lead(text) if _MAYBE_LEAD.match(text) else (None, None)

    def properties(self, text: str) -> tuple[frontmatter.Frontmatter, str]:
        return frontmatter.read_text(text, load=simple_load)

    def may_hold_entries(self, body: str) -> bool:
        """`_MAYBE_USEFUL.search(body)`, faster: the links are looked for as plain text."""
        if "[[" in body or "](" in body or "]:" in body or "::" in body:
            return True
        return (_ISO.search(body) or _LINE_DATE.match(body) or _NEXT_LINE_DATE.search(body)) is not None

    def facts(self, src: str, line: int, env: dict[str, Any] | None) -> tuple[list[LinkRef], bool, bool]:
        tags = ("#" in src or "&" in src) and TAG_HINT.search(src) is not None
        if "[" not in src:
            if not tags:
                return [], False, False
            env = None  # no reference can matter
        references = env["references"] if env and references_matter(src, env["references"]) else None
        found = scan(src, line, tags, references)
        if found is not None:
            return found
        return super().facts(src, line, env)

    def body_entries(self, body: str, line_offset: int) -> tuple[list[Entry], list[InlineField]]:
        src = blank_comments(body)
        split = simple_blocks(src)
        if split is None:
            return self.token_entries(src, line_offset)
        events, env = split
        entries: list[Entry] = []
        fields: list[InlineField] = []
        items: list[list[Any]] = []  # open list items: [task, first]
        for kind, line, content in events:
            if kind == OPEN:
                items.append([None, True])
            elif kind == CLOSE:
                items.pop()
            elif kind == ROW:
                entry = self.row_entry(content, line + line_offset + 1, env)
                if entry is not None:
                    entries.append(entry)
            else:
                line += line_offset + 1
                if kind == HEADING:
                    entry = self.entry("heading", content, line, None, env)
                    self.fields(content, line, None, fields)
                elif items and items[-1][1]:
                    items[-1][1] = False
                    entry = self.item_entry(content, line, items[-1], env)
                    self.fields(content, line, items[-1], fields)
                else:
                    self.fields(content, line, items[-1] if items else None, fields)
                    if "[" not in content:
                        continue  # a paragraph's entry needs a link
                    inherited = "open" if items and items[-1][0] == "open" else None
                    entry = self.entry("para", content, line, inherited, env)
                if entry is not None:
                    entries.append(entry)
        return entries, fields


_FAST = FastParser()


def parse(path: str, data: bytes) -> Note:
    """A note's bytes read with the shortcuts; the same Note as vault/notes.py's `parse`."""
    return _FAST.parse(path, data)
