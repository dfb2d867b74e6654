"""Parsing one note: bytes -> Note (properties and the body's dated lines, tasks and links).

A pure function of the file's bytes, so its result can be cached per file. The body is read as
markdown-it-py (CommonMark, GFM tables, raw HTML, dollar math, plus a wikilink rule) reads it, so
code, comments, math, quotes and embeds are told apart from prose the way Obsidian renders them,
not guessed by a regex over raw text.

For speed (issue #5) three shortcuts give exactly what the full markdown-it pipeline gives
(tests/test_parse_equivalence.py holds them to that):

* a body with nothing an entry could come from (no `[[`, `](`, `]:` or date) is not parsed;
* a body made only of paragraphs, ATX headings and lists (no line that could open a fence, quote,
  table, rule, setext heading, HTML block, math block, reference definition or indented code, no
  tab) is split into blocks by `_Blocks`, a transcription of markdown-it's own list, heading and
  paragraph rules without the rules that cannot fire; any other body goes through markdown-it's
  block parser;
* markdown-it's inline rules run only on a block whose text could hold what matters: a block
  without `[` has no link, one without `#give`/`#ask` (or `&`) no tag, and one whose only brackets
  are plain `[[wikilinks]]` and `[text](dest)` links has them read by `_scan_links`, which follows
  the inline rules' own steps; any doubt, and the block gets the real inline parser.

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
# A text child can only hold `#give`/`#ask` when the source does (or spells it with an entity).
_TAG_HINT = re.compile(r"#(?:give|ask)|&", re.IGNORECASE)
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
    """Where the `]]` closing a wikilink whose inside starts at `start` is, or -1; linear: never
    looks past the next line or `[[`."""
    bound = len(src)
    for stop in (src.find("\n", start), src.find("[[", start)):
        if stop >= 0:
            bound = min(bound, stop)
    return src.find("]]", start, bound + 1)


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
    if _MAYBE_USEFUL.search(body):
        entries = tuple(body_entries(body, props.body_start))
    return Note(path, props.data, props.key_lines, entries, problems, props.error is None)


def link_target(inner: str) -> str:
    """The note a wikilink's inside names: the text before `#`, `^` or `|` (`\\|` in tables), trimmed."""
    target = re.split(r"\\?\||#|\^", inner, maxsplit=1)[0].strip()
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

_OPEN, _CLOSE, _HEADING, _PARA = range(4)
# markdown-it's mdTrim (CommonMark whitespace); the test suite checks it against the library's
_MD_TRIM = ('\t\n\x0b\x0c\r \xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009'
            '\u200a\u2028\u2029\u202f\u205f\u3000')
_MAX_NESTING = 20  # the commonmark preset's maxNesting
# A line that might start a block other than a paragraph, ATX heading or list item, once its
# indentation and list markers are set aside: a thematic break, setext underline, table delimiter
# row or empty list item (only `-|:=*_+` and spaces), a quote, HTML, a fence, a math block, or a
# `[` that could open a reference definition (no `[` or `]` before `]:`, a backslash, or the end
# of the line). Over-eager by design: such a body just takes markdown-it's block parser.
_NOT_SIMPLE = re.compile(
    r"^(?! *$) *(?:(?:[-*+]|[0-9]{1,9}[.)])(?: +|$))*"
    r"(?:[-|:=*_+ ]*$|[><]|```|~~~|\$\$|\[(?!\[)[^\[\]\\\n]*(?:\]:|\\|$))",
    re.MULTILINE)


class _NotSimple(Exception):
    """The body has something `_Blocks` leaves to markdown-it."""


class _Blocks:
    """markdown-it's block tokenizer restricted to the list, heading and paragraph rules.

    Only for a body that `_NOT_SIMPLE` passes and that has no tab: on such a body the other block
    rules (table, code, math, fence, blockquote, hr, reference, html_block, lheading) cannot fire,
    except indented code, which raises _NotSimple. What is left follows markdown-it-py's
    parser_block.tokenize and rules_block/{list,heading,paragraph}.py step by step, with line
    offsets instead of source offsets (no tabs, so tShift == sCount) and events instead of tokens:
    (_OPEN, 0, ""), (_CLOSE, 0, ""), (_HEADING, line, content), (_PARA, line, content).
    """

    __slots__ = ("lines", "lens", "ind", "n", "blk", "list_indent", "parent", "line", "level", "events")

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
            if not self.list(line, end, False) and not self.heading(line, False):
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

    def heading(self, start: int, silent: bool) -> bool:
        pos = self.ind[start]
        size = self.lens[start]
        if pos - self.blk >= 4 or pos >= size:
            return False
        text = self.lines[start]
        if text[pos] != "#":
            return False
        level = 1
        pos += 1
        while pos < size and text[pos] == "#" and level <= 6:
            level += 1
            pos += 1
        if level > 6 or (pos < size and text[pos] not in " \t"):
            return False
        if silent:
            return True
        stop = size
        while stop > pos and text[stop - 1] in " \t":
            stop -= 1
        hashes = stop
        while hashes > pos and text[hashes - 1] == "#":
            hashes -= 1
        if hashes > pos and text[hashes - 1] in " \t":
            stop = hashes
        self.line = start + 1
        self.events.append((_HEADING, start, text[pos:stop].strip(_MD_TRIM)))
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
            if self.list(line, end, True) or self.heading(line, True):
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
    """The blocks of a body made only of paragraphs, ATX headings and lists, else None."""
    if not src or "\t" in src or "\0" in src or _NOT_SIMPLE.search(src):
        return None
    blocks = _Blocks(src)
    try:
        blocks.tokenize(0, blocks.n)
    except _NotSimple:
        return None
    return blocks.events


# -- links and tags in a block's text ------------------------------------------------------------

_LINK_UNSAFE = re.compile(r"[\\`<$]")
_DESTINATION = re.compile(r"[^\s()<>\\&\x00-\x1f\x7f]*\)")


def _scan_links(src: str, line: int) -> list[LinkRef] | None:
    """The links markdown-it's inline rules would find in `src` (no reference definitions in the
    note), or None when the text has anything this scan does not follow.

    It follows what the inline tokenizer does at each `[`: the wikilink rule (`[[…]]`, `![[…]]`);
    the link rule for `[label](dest)` with a plain label (no brackets, no line break) and a plain
    destination then `)`, or, with no `(` after `]`, no link at all (no references); an image
    (`![`) or anything else gives None. Escapes, code spans, math, autolinks and HTML (`\\`, `` ` ``,
    `$`, `<`) could hide or make brackets, so a text with any of them is left to markdown-it.
    Emphasis and entities cannot consume a bracket. Each link is on the line of its `[` (breaks are
    the only tokens before it that carry a line).
    """
    if _LINK_UNSAFE.search(src):
        return None
    links: list[LinkRef] = []
    find = src.find
    pos = 0
    while True:
        at = find("[", pos)
        if at < 0:
            return links
        if src.startswith("[", at + 1):
            end = _wikilink_end(src, at + 2)
            if end < 0:
                return None
            if not (at and src[at - 1] == "!"):
                target = link_target(src[at + 2:end])
                if target:
                    links.append(LinkRef(target, line + src.count("\n", 0, at)))
            pos = end + 2
            continue
        if at and src[at - 1] == "!":
            return None  # an image, or something like one
        close = find("]", at + 1)
        if close < 0:
            return links  # no `]` left: no link left either
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
                links.append(LinkRef(target, line + src.count("\n", 0, at)))
            pos = match.end()
            continue
        pos = at + 1


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
    links: list[LinkRef] | None = []
    if "[" in src:
        links = None if env else _scan_links(src, line)
    if links is not None and not _TAG_HINT.search(src):
        return links, False, False
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
        else:
            line += line_offset + 1
            if kind == _HEADING:
                entry = _entry("heading", content, line, None, None)
            elif items and items[-1][1]:
                items[-1][1] = False
                entry = _item_entry(content, line, items[-1], None)
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
