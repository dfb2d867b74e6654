"""Parsing one note: bytes -> Note (properties and the body's dated lines, tasks and links).

A pure function of the file's bytes, so its result can be cached per file. The body is read with
markdown-it-py plus a wikilink rule, so code, comments, math, quotes and embeds are told apart
from prose the way Obsidian renders them, not guessed by a regex over raw text.
"""
from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from mdit_py_plugins.dollarmath import dollarmath_plugin

from . import frontmatter
from .model import Entry, LinkRef, Note, Problem

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
_MAYBE_USEFUL = re.compile(r"\[\[|\]\(|\d{4}-\d{2}-\d{2}")
MAX_TEXT = 300


def _wikilink_rule(state: StateInline, silent: bool) -> bool:
    """`[[target#heading|alias]]` and `![[embed]]` as tokens of their own."""
    src, pos = state.src, state.pos
    embed = src.startswith("![[", pos)
    if not embed and not src.startswith("[[", pos):
        return False
    start = pos + (3 if embed else 2)
    bound = len(src)
    for stop in (src.find("\n", start), src.find("[[", start)):
        if stop >= 0:
            bound = min(bound, stop)
    end = src.find("]]", start, bound + 1)  # linear: never looks past the next line or `[[`
    if end < 0:
        return False
    inner = src[start:end]
    if not silent:
        token = state.push("embed" if embed else "wikilink", "", 0)
        token.content = inner
    state.pos = end + 2
    return True


@lru_cache(maxsize=1)
def markdown() -> MarkdownIt:
    """CommonMark with GFM tables, raw HTML (so comments are recognised), dollar math and wikilinks."""
    md = MarkdownIt("commonmark", {"html": True}).enable("table").use(dollarmath_plugin, allow_space=False, allow_digits=False)
    md.inline.ruler.before("link", "wikilink", _wikilink_rule)
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
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    props = frontmatter.read(lines)
    problems = []
    if props.error:
        problems.append(Problem(path, props.error_line, props.error))
    body_lines = lines[props.body_start:]
    entries: tuple[Entry, ...] = ()
    body = "\n".join(body_lines)
    if _MAYBE_USEFUL.search(body):
        entries = tuple(body_entries(body, props.body_start))
    return Note(path, props.data, props.key_lines, entries, tuple(problems), props.error is None)


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


def body_entries(body: str, line_offset: int) -> list[Entry]:
    """The entries of a note's body; `line_offset` is the 0-based file line where the body starts."""
    tokens = markdown().parse(_blank_comments(body))
    entries: list[Entry] = []
    quote_depth = 0
    items: list[dict[str, object]] = []  # open list items: {"task": ..., "first": bool}
    block: str | None = None
    row: list[Token] = []
    row_line = 0
    for token in tokens:
        kind = token.type
        if kind == "blockquote_open":
            quote_depth += 1
        elif kind == "blockquote_close":
            quote_depth -= 1
        elif kind == "list_item_open":
            items.append({"task": None, "first": True})
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
                entry = _row_entry(row, row_line)
                if entry is not None:
                    entries.append(entry)
        elif kind == "inline":
            if quote_depth:
                continue
            if block == "cell":
                row.append(token)
                continue
            line = token.map[0] + line_offset + 1
            if block == "heading":
                entry = _entry("heading", token, line, None)
            elif items and items[-1]["first"]:
                items[-1]["first"] = False
                entry = _item_entry(token, line, items[-1])
            else:
                inherited = "open" if items and items[-1]["task"] == "open" else None
                entry = _entry("para", token, line, inherited)
            block = None
            if entry is not None:
                entries.append(entry)
    return entries


def _item_entry(token: Token, line: int, item: dict[str, object]) -> Entry | None:
    match = _TASK.match(token.content)
    task = None
    if match:
        task = "open" if match[1] == " " else "done"
        item["task"] = task
    return _entry("item", token, line, task, skip=len(match[0]) if match else 0)


def _row_entry(cells: list[Token], line: int) -> Entry | None:
    links: list[LinkRef] = []
    give = ask = False
    for cell in cells:
        cell_links, cell_give, cell_ask, _ = _inline_facts(cell, line, 0)
        links += cell_links
        give, ask = give or cell_give, ask or cell_ask
    first = cells[0].content.strip() if cells else ""
    day = _leading_date(first)
    if day is None and not links:
        return None
    text = " · ".join(c.content.strip() for c in cells)
    return Entry(line, "row", _clip(text), date=day, links=tuple(links), give=give, ask=ask)


def _entry(kind: str, token: Token, line: int, task: str | None, skip: int = 0) -> Entry | None:
    text = token.content[skip:]
    links, give, ask, _ = _inline_facts(token, line, skip)
    day = _leading_date(text) if kind in ("item", "heading") else None
    done = planned = None
    if task == "done":
        done = _find_date(_DONE, text)
    elif task == "open" and kind == "item":
        planned = _find_date(_DUE, text) or _find_date(_SCHEDULED, text) or day
    if day is None and done is None and planned is None and not links:
        return None
    return Entry(line, kind, _clip(text), date=day, task=task, done=done, planned=planned,
                 links=tuple(links), give=give, ask=ask)


def _inline_facts(token: Token, line: int, skip: int) -> tuple[list[LinkRef], bool, bool, int]:
    """Links (with their lines) and #give/#ask tags among an inline token's children."""
    links: list[LinkRef] = []
    give = ask = False
    for child in token.children or ():
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
    return links, give, ask, line


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
