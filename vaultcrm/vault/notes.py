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
  indented code; no tab) is split into blocks by `blocks.simple_blocks`, a transcription of markdown-it's own
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

from vaultcrm.model import Entry, LinkRef, Note, Problem
from vaultcrm.vault import frontmatter
from vaultcrm.vault.blocks import CLOSE, HEADING, OPEN, ROW, simple_blocks

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


# -- links and tags in a block's text ------------------------------------------------------------

_DESTINATION = re.compile(r"[^\s()<>\\&\x00-\x1f\x7f]*\)")


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
            target = markdown_target(_normalized(src[close + 2:match.end() - 1]))
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
    events = simple_blocks(src)
    if events is None:
        return _token_entries(src, line_offset)
    entries: list[Entry] = []
    items: list[list[Any]] = []  # open list items: [task, first]
    for kind, line, content in events:
        if kind == OPEN:
            items.append([None, True])
        elif kind == CLOSE:
            items.pop()
        elif kind == ROW:
            entry = _row_entry(content, line + line_offset + 1, None)  # type: ignore[arg-type]
            if entry is not None:
                entries.append(entry)
        else:
            line += line_offset + 1
            if kind == HEADING:
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
    """body_entries through markdown-it's block parser (any body `simple_blocks` declines)."""
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
