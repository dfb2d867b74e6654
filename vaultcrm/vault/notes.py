"""Reading one note: bytes -> Note (its properties, and the dated lines, tasks and links of its body).

A pure function of the file's bytes. The body is read the way markdown-it-py (CommonMark, GFM
tables, raw HTML, dollar math, plus a wikilink rule) reads it, so code, comments, math, quotes and
embeds are told apart from prose as Obsidian renders them, not guessed by a regex over raw text.

`Parser` is the plain way: every body through markdown-it's block parser, every block's text
through its inline rules, every property block through PyYAML. The cache's faster parser
(vaultcrm/cache/fast_parse.py) gives the same Note by shortcuts.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vaultcrm.errors import Problem
from vaultcrm.parsed import Entry, InlineField, LinkRef, Note
from vaultcrm.vault import frontmatter
from vaultcrm.vault.dates import read_lead
from vaultcrm.vault.inline import block_fields
from vaultcrm.vault.tags import line_tags
from vaultcrm.vault.text import link_target, markdown_target

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.rules_inline import StateInline
    from markdown_it.token import Token

    from vaultcrm.config import Config
    from vaultcrm.vault.scan import FileStat

_DATE = r"(\d{4})-(\d{2})-(\d{2})"
_DONE = re.compile(rf"✅\ufe0f?\s*{_DATE}")
_DUE = re.compile(rf"(?:📅|🗓)\ufe0f?\s*{_DATE}")
_SCHEDULED = re.compile(rf"⏳\ufe0f?\s*{_DATE}")
_TAG = re.compile(r"(?<![^\s(\[])#(give|ask)(?![\w-])", re.IGNORECASE)
_TASK = re.compile(r"\[(.)\](?:[ \t]+|$)")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_CONTACT_TAG = re.compile(r"(?<![^\s(\[])#(?:person|people|contact)(?:/[^\s#]*)?(?![\w-])", re.IGNORECASE)
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


def _configured() -> MarkdownIt:
    """CommonMark with GFM tables, raw HTML (so comments are recognised), dollar math and wikilinks."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.dollarmath import dollarmath_plugin

    md = MarkdownIt("commonmark", {"html": True}).enable("table")
    md.use(dollarmath_plugin, allow_space=False, allow_digits=False)
    md.inline.ruler.before("link", "wikilink", _wikilink_rule)
    return md


@lru_cache(maxsize=1)
def markdown() -> MarkdownIt:
    """The parser, every rule on."""
    return _configured()


@lru_cache(maxsize=1)
def _block_markdown() -> MarkdownIt:
    """markdown() without the core rule that runs the inline rules: blocks only (inline on demand)."""
    md = _configured()
    md.core.ruler.disable("inline")
    return md


def decode(data: bytes) -> str:
    """UTF-8 with or without a BOM; raises UnicodeDecodeError."""
    return data.decode("utf-8-sig")


class Parser:
    """bytes -> Note, the plain way (see the module's docstring). Never raises: what is wrong becomes
    a Problem on the note."""

    def parse(self, path: str, data: bytes) -> Note:
        try:
            text = decode(data)
        except UnicodeDecodeError as exc:
            return Note(path, {}, {}, (), (Problem(path, None, f"this note is not UTF-8 text (byte {exc.start}); "
                                                    "re-save it as UTF-8"),), False)
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        props, body = self.properties(text)
        problems: tuple[Problem, ...] = ()
        if props.error:
            problems = (Problem(path, props.error_line, props.error),)
        entries: list[Entry] = []
        fields: list[InlineField] = []
        if self.may_hold_entries(body):
            entries, fields = self.body_entries(body, props.body_start)
        return Note(path, props.data, props.key_lines, tuple(entries), problems, props.error is None, tuple(fields),
                    contact_tag(body, props.body_start))

    def properties(self, text: str) -> tuple[frontmatter.Frontmatter, str]:
        """The note's property block read, and its body."""
        return frontmatter.read_text(text)

    def may_hold_entries(self, body: str) -> bool:
        """False only for a body that certainly holds no entry and no inline field."""
        return True

    def body_entries(self, body: str, line_offset: int) -> tuple[list[Entry], list[InlineField]]:
        """The entries and inline fields of a note's body; `line_offset` is the 0-based file line where
        the body starts."""
        return self.token_entries(blank_comments(body), line_offset)

    def facts(self, src: str, line: int, env: dict[str, Any] | None) -> tuple[list[LinkRef], bool, bool]:
        """Links (with their lines) and #give/#ask tags of one block's text, as its inline tokens show them."""
        return children_facts(inline_children(src, env or {}), line)

    def token_entries(self, src: str, line_offset: int) -> tuple[list[Entry], list[InlineField]]:
        """The entries and inline fields of a body (comments blanked) from markdown-it's block tokens."""
        env: dict[str, Any] = {}
        tokens = _block_markdown().parse(src, env)
        refs = env if env.get("references") else None
        entries: list[Entry] = []
        fields: list[InlineField] = []
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
                    entry = self.row_entry(row, row_line, refs)
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
                    entry = self.entry("heading", token.content, line, None, refs)
                    self.fields(token.content, line, None, fields)
                elif items and items[-1][1]:
                    items[-1][1] = False
                    entry = self.item_entry(token.content, line, items[-1], refs)
                    self.fields(token.content, line, items[-1], fields)
                else:
                    inherited = "open" if items and items[-1][0] == "open" else None
                    entry = self.entry("para", token.content, line, inherited, refs)
                    self.fields(token.content, line, items[-1] if items else None, fields)
                block = None
                if entry is not None:
                    entries.append(entry)
        return entries, fields

    def fields(self, content: str, line: int, item: list[Any] | None, found: list[InlineField]) -> None:
        """The inline fields of a heading's, paragraph's or list item's text, unless it belongs to a task
        (`item`: the innermost open list item; a task's fields are the task's own, as in Dataview)."""
        if "::" in content and (item is None or item[0] is None):
            found += block_fields(content, line)

    def item_entry(self, content: str, line: int, item: list[Any], env: dict[str, Any] | None) -> Entry | None:
        match = _TASK.match(content)
        task = None
        if match:
            task = "open" if match[1] == " " else "done"
            item[0] = task
        return self.entry("item", content, line, task, env, skip=len(match[0]) if match else 0)


    def row_entry(self, cells: list[str], line: int, env: dict[str, Any] | None) -> Entry | None:
        first = cells[0].strip() if cells else ""
        day, lead = self.lead(first)
        if day is None and lead is None and not any("[" in cell for cell in cells):
            return None
        links: list[LinkRef] = []
        give = ask = False
        for cell in cells:
            cell_links, cell_give, cell_ask = self.facts(cell, line, env)
            links += cell_links
            give, ask = give or cell_give, ask or cell_ask
        if day is None and lead is None and not links:
            return None
        text = " · ".join(c.strip() for c in cells)
        return Entry(line, "row", _clip(text), date=day, links=tuple(links), give=give, ask=ask,
                     tags=line_tags(text), lead=lead)


    def lead(self, text: str) -> tuple[date | None, str | None]:
        """The date opening an item's, heading's or row's text (`dates.read_lead`)."""
        return read_lead(text)

    def entry(self, kind: str, content: str, line: int, task: str | None, env: dict[str, Any] | None,
               skip: int = 0) -> Entry | None:
        text = content[skip:] if skip else content
        day, lead = self.lead(text) if kind != "para" else (None, None)
        done = planned = None
        if task == "done":
            done = _find_date(_DONE, text)
        elif task == "open" and kind == "item":
            planned = _find_date(_DUE, text) or _find_date(_SCHEDULED, text) or day
        dated = day is not None or lead is not None or done is not None or planned is not None
        if not dated and "[" not in content:
            return None  # no date and no link: nothing to read
        links, give, ask = self.facts(content, line, env)
        if not dated and not links:
            return None
        return Entry(line, kind, _clip(text), date=day, task=task, done=done, planned=planned,
                     links=tuple(links), give=give, ask=ask, tags=line_tags(text), lead=lead)


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


def contact_tag(body: str, line_offset: int) -> int | None:
    """The file line of the body's first `#person`, `#people` or `#contact` tag (nested ones too),
    outside fenced and inline code and comments; None when there is none."""
    if "#" not in body:
        return None
    low = body.lower()
    if "#person" not in low and "#people" not in low and "#contact" not in low:
        return None
    fence: str | None = None
    for number, line in enumerate(blank_comments(body).split("\n"), start=line_offset + 1):
        opener = _FENCE.match(line)
        if fence is not None:
            if opener and opener[1][0] == fence[0] and len(opener[1]) >= len(fence) and not line.strip(" \t`~"):
                fence = None
            continue
        if opener:
            fence = opener[1]
            continue
        if _CONTACT_TAG.search(re.sub(r"(`+).*?\1|<!--.*?-->", " ", line)):
            return number
    return None


def blank_comments(body: str) -> str:
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
            run = len(line) - pos - len(line[pos:].lstrip("`"))
            close = line.find("`" * run, pos + run)
            pos = pos + run if close < 0 else close + run
        elif line.startswith("%%", pos):
            chars[pos:pos + 2] = "  "
            pos, in_comment = pos + 2, True
        else:
            pos += 1
    return "".join(chars), in_comment


def inline_children(src: str, env: dict[str, Any]) -> list[Token]:
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


def children_facts(children: list[Token], line: int) -> tuple[list[LinkRef], bool, bool]:
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
            href = markdown_target(str(child.attrs.get("href", "")))
            if href:
                links.append(LinkRef(href, line))
        elif kind == "text":
            for tag in _TAG.findall(child.content):
                give, ask = give or tag.lower() == "give", ask or tag.lower() == "ask"
        elif kind == "html_inline":
            line += child.content.count("\n")
    return links, give, ask


_PLAIN = Parser()


def parse(path: str, data: bytes) -> Note:
    """A note's bytes read the plain way (see `Parser`)."""
    return _PLAIN.parse(path, data)


def read_note(root: Path, found: FileStat, config: Config, parse: Callable[[str, bytes], Note] = parse) -> Note:
    """One note from disk; a note that cannot be read is a Note carrying a problem, never an exception."""
    if found.size > config.max_note_bytes:
        return unreadable(found.path, f"this note is larger than {config.max_note_bytes} bytes "
                                      "(max_note_bytes), so it is not read")
    try:
        data = (root / found.path).read_bytes()
    except FileNotFoundError:
        return unreadable(found.path, "this note vanished while vaultcrm was reading it")
    except OSError as exc:
        return unreadable(found.path, f"this note cannot be read ({exc.strerror})")
    if len(data) > config.max_note_bytes:
        return unreadable(found.path, f"this note is larger than {config.max_note_bytes} bytes "
                                      "(max_note_bytes), so it is not read")
    return parse(found.path, data)


def unreadable(path: str, message: str) -> Note:
    return Note(path, {}, {}, (), (Problem(path, None, message),), False)
