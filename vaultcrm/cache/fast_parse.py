"""The note parser's shortcuts: the same Note as vault/notes.py's plain `Parser`, faster.

tests/cache/test_parse_equivalence.py holds every result equal to the plain parser's:

* a body with nothing an entry could come from (no `[[`, `](`, `]:` or date-like text) is not parsed;
* `%% comments %%` are blanked by jumps (`fast_comments`);
* a body is split into blocks by `fast_blocks.simple_blocks`, a transcription of markdown-it's
  block rules that works out only the extent of what cannot hold an entry (code, math, HTML, quotes);
  a body with a line that may open a reference definition goes through markdown-it's block parser;
* markdown-it's inline rules run only on a block whose text could hold what matters: a block
  without `[` has no link, one without `#give`/`#ask` (or `&`) no tag, and one whose brackets are
  plain `[[wikilinks]]` and `[text](dest)` links has them (and its tags) read by `_scan`, which
  follows the inline rules' own steps; any doubt, and the block gets the real inline parser;
* a property block of `key: value` lines and simple lists is read without PyYAML
  (`fast_frontmatter.simple_load`).

markdown-it and PyYAML are imported only when a note needs them.
"""
from __future__ import annotations

import re
from typing import Any

from vaultcrm.cache.fast_blocks import CLOSE, HEADING, OPEN, ROW, simple_blocks
from vaultcrm.cache.fast_comments import blank_comments
from vaultcrm.cache.fast_frontmatter import simple_load
from vaultcrm.model import Entry, InlineField, LinkRef, Note
from vaultcrm.vault import frontmatter
from vaultcrm.vault.notes import _TAG, Parser, markdown
from vaultcrm.vault.text import link_target, markdown_target

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
# In a block's text: what could make a `#give`/`#ask` tag (a text child can only hold one when
# the source does, or spells it with an entity: a bare `&` is text), and what `_scan` does not
# follow: for links, escapes, code, math and HTML; for tags, also entities and emphasis (which split
# text children).
_ENTITY = r"&(?:#[xX]?[0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);"  # what markdown-it's entity rule could read
_TAG_HINT = re.compile(r"#(?:give|ask)|" + _ENTITY, re.IGNORECASE)
_LINK_UNSAFE = re.compile(r"[\\`<$]")
_TAG_UNSAFE = re.compile(r"[\\`<$*_]|" + _ENTITY)
_DESTINATION = re.compile(r"[^\s()<>\\&\x00-\x1f\x7f]*\)")


class FastParser(Parser):
    """`Parser` with the shortcuts of the module's docstring."""

    def properties(self, text: str) -> tuple[frontmatter.Frontmatter, str]:
        return frontmatter.read_text(text, load=simple_load)

    def may_hold_entries(self, body: str) -> bool:
        """`_MAYBE_USEFUL.search(body)`, faster: the links are looked for as plain text."""
        if "[[" in body or "](" in body or "]:" in body or "::" in body:
            return True
        return _MAYBE_DATE.search(body) is not None

    def facts(self, src: str, line: int, env: dict[str, Any] | None) -> tuple[list[LinkRef], bool, bool]:
        tags = ("#" in src or "&" in src) and _TAG_HINT.search(src) is not None
        if "[" not in src:
            if not tags:
                return [], False, False
            env = None  # no reference can matter
        if not env and not (_TAG_UNSAFE if tags else _LINK_UNSAFE).search(src):
            found = _scan(src, line, tags)
            if found is not None:
                return found
        return super().facts(src, line, env)

    def body_entries(self, body: str, line_offset: int) -> tuple[list[Entry], list[InlineField]]:
        src = blank_comments(body)
        events = simple_blocks(src)
        if events is None:
            return self.token_entries(src, line_offset)
        entries: list[Entry] = []
        fields: list[InlineField] = []
        items: list[list[Any]] = []  # open list items: [task, first]
        for kind, line, content in events:
            if kind == OPEN:
                items.append([None, True])
            elif kind == CLOSE:
                items.pop()
            elif kind == ROW:
                entry = self.row_entry(content, line + line_offset + 1, None)
                if entry is not None:
                    entries.append(entry)
            else:
                line += line_offset + 1
                if kind == HEADING:
                    entry = self.entry("heading", content, line, None, None)
                    self.fields(content, line, None, fields)
                elif items and items[-1][1]:
                    items[-1][1] = False
                    entry = self.item_entry(content, line, items[-1], None)
                    self.fields(content, line, items[-1], fields)
                else:
                    self.fields(content, line, items[-1] if items else None, fields)
                    if "[" not in content:
                        continue  # a paragraph's entry needs a link
                    inherited = "open" if items and items[-1][0] == "open" else None
                    entry = self.entry("para", content, line, inherited, None)
                if entry is not None:
                    entries.append(entry)
        return entries, fields


def _normalized(destination: str) -> str:
    """What markdown-it makes of a link's destination: normalizeLink, and "" where validateLink
    refuses it. A plain path (no scheme, no `//host`) takes the branch of normalizeLink that only
    calls mdurl, so the same calls are made without importing markdown-it (a 30 ms import)."""
    if ":" in destination or destination.startswith("//"):
        md = markdown()
        href = md.normalizeLink(destination)
        return href if md.validateLink(href) else ""
    import mdurl

    return mdurl.encode(mdurl.format(mdurl.parse(destination, slashes_denote_host=True)))


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
            href = markdown_target(_normalized(src[close + 2:match.end() - 1]))
            if href:
                if multiline:
                    line += src.count("\n", counted, at)
                    counted = at
                links.append(LinkRef(href, line))
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


_FAST = FastParser()


def parse(path: str, data: bytes) -> Note:
    """A note's bytes read with the shortcuts; the same Note as vault/notes.py's `parse`."""
    return _FAST.parse(path, data)
