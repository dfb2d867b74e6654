"""The cache's fast parser gives exactly what the plain parser and the full markdown-it pipeline give.

`vaultcrm.cache.fast_parse.parse` skips bodies with nothing to find, splits simple bodies into blocks
itself (`fast_blocks`), runs markdown-it's inline rules only where they can matter (`_scan` reads plain
links and tags itself) and reads simple property blocks without PyYAML. `vaultcrm.vault.notes.parse`
is the plain parser, without those shortcuts. `reference_parse` below is the parser as it was first
written: every body through markdown-it's full `parse` (all core rules, inline included) and the
entries read from the tokens. Hypothesis builds bodies from awkward pieces and the three must agree,
Note for Note.
"""
from __future__ import annotations

import re
import subprocess
import sys
from functools import lru_cache
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from vaultcrm.cache import fast_blocks as blocks
from vaultcrm.cache import fast_comments, fast_inline, fast_parse
from vaultcrm.cache import fast_leaves as leaves
from vaultcrm.cache.fast_parse import FastParser, parse
from vaultcrm.errors import Problem
from vaultcrm.parsed import Entry, InlineField, LinkRef, Note
from vaultcrm.vault import frontmatter, notes
from vaultcrm.vault.dates import read_lead
from vaultcrm.vault.inline import block_fields
from vaultcrm.vault.notes import (
    _DONE,
    _DUE,
    _SCHEDULED,
    _TAG,
    _TASK,
    _clip,
    _find_date,
    markdown,
)
from vaultcrm.vault.notes import blank_comments as _blank_comments
from vaultcrm.vault.notes import parse as plain_parse
from vaultcrm.vault.text import markdown_target

# -- the reference: the full pipeline, no shortcut -------------------------------------------------
# (with its own copies of the wikilink rule and link_target as they were, so that a change to
# vaultcrm's cannot hide in both sides)


def _ref_wikilink_rule(state: Any, silent: bool) -> bool:
    src, pos = state.src, state.pos
    embed = src.startswith("![[", pos)
    if not embed and not src.startswith("[[", pos):
        return False
    start = pos + (3 if embed else 2)
    bound = len(src)
    for stop in (src.find("\n", start), src.find("[[", start)):
        if stop >= 0:
            bound = min(bound, stop)
    end = src.find("]]", start, bound + 1)
    if end < 0:
        return False
    inner = src[start:end]
    if not silent:
        token = state.push("embed" if embed else "wikilink", "", 0)
        token.content = inner
    state.pos = end + 2
    return True


def _ref_link_target(inner: str) -> str:
    target = re.split(r"\\?\||#|\^", inner, maxsplit=1)[0].strip()
    return target[:-3].rstrip() if target.lower().endswith(".md") else target


def _ref_tags(text: str) -> tuple[str, ...]:
    """Tags as behaviour §3 defines them, written out again: code spans, wikilinks and link
    destinations blanked, then `#` after a space or bracket, with at least one letter."""
    hidden = re.sub(r"(?<!`)(`+)(?!`).+?(?<!`)\1(?!`)|!?\[\[[^\]]*\]\]|\]\([^)]*\)",
                    lambda m: " " * len(m[0]), text)
    found = [t.lower() for t in re.findall(r"(?:^|(?<=[\s(\[]))#([\w/-]+)", hidden)
             if any(c.isalpha() for c in t)]
    return tuple(dict.fromkeys(found))


@lru_cache(maxsize=1)
def reference_markdown() -> Any:
    from markdown_it import MarkdownIt
    from mdit_py_plugins.dollarmath import dollarmath_plugin

    md = MarkdownIt("commonmark", {"html": True}).enable("table").use(dollarmath_plugin, allow_space=False,
                                                                      allow_digits=False)
    md.inline.ruler.before("link", "wikilink", _ref_wikilink_rule)
    return md


def reference_parse(path: str, data: bytes) -> Note:
    try:
        text = notes.decode(data)
    except UnicodeDecodeError as exc:
        return Note(path, {}, {}, (), (Problem(path, None, f"this note is not UTF-8 text (byte {exc.start}); "
                                                "re-save it as UTF-8"),), False)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    props = frontmatter.read(lines)
    problems = []
    if props.error:
        problems.append(Problem(path, props.error_line, props.error))
    body = "\n".join(lines[props.body_start:])
    entries, fields = reference_entries(body, props.body_start)
    return Note(path, props.data, props.key_lines, tuple(entries), tuple(problems), props.error is None,
                tuple(fields), notes.contact_tag(body, props.body_start))


def reference_entries(body: str, line_offset: int) -> tuple[list[Entry], list[InlineField]]:
    tokens = reference_markdown().parse(_blank_comments(body))
    entries: list[Entry] = []
    fields: list[InlineField] = []
    quote_depth = 0
    items: list[dict[str, Any]] = []
    block: str | None = None
    row: list[Any] = []
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
                entry = _ref_row(row, row_line)
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
                entry = _ref_entry("heading", token, line, None)
            elif items and items[-1]["first"]:
                items[-1]["first"] = False
                match = _TASK.match(token.content)
                task = None
                if match:
                    task = "open" if match[1] == " " else "done"
                    items[-1]["task"] = task
                entry = _ref_entry("item", token, line, task, skip=len(match[0]) if match else 0)
            else:
                inherited = "open" if items and items[-1]["task"] == "open" else None
                entry = _ref_entry("para", token, line, inherited)
            if not (block != "heading" and items and items[-1]["task"]):  # a task's fields are its own
                fields += block_fields(token.content, line)
            block = None
            if entry is not None:
                entries.append(entry)
    return entries, fields


def _ref_row(cells: list[Any], line: int) -> Entry | None:
    links: list[LinkRef] = []
    give = ask = False
    for cell in cells:
        cell_links, cell_give, cell_ask = _ref_facts(cell.children, line)
        links += cell_links
        give, ask = give or cell_give, ask or cell_ask
    first = cells[0].content.strip() if cells else ""
    day, lead = read_lead(first)
    if day is None and lead is None and not links:
        return None
    text = " · ".join(c.content.strip() for c in cells)
    return Entry(line, "row", _clip(text), date=day, links=tuple(links), give=give, ask=ask, tags=_ref_tags(text),
                 lead=lead)


def _ref_entry(kind: str, token: Any, line: int, task: str | None, skip: int = 0) -> Entry | None:
    text = token.content[skip:]
    links, give, ask = _ref_facts(token.children, line)
    day, lead = read_lead(text) if kind in ("item", "heading") else (None, None)
    done = planned = None
    if task == "done":
        done = _find_date(_DONE, text)
    elif task == "open" and kind == "item":
        planned = _find_date(_DUE, text) or _find_date(_SCHEDULED, text) or day
    if day is None and lead is None and done is None and planned is None and not links:
        return None
    return Entry(line, kind, _clip(text), date=day, task=task, done=done, planned=planned,
                 links=tuple(links), give=give, ask=ask, tags=_ref_tags(text), lead=lead)


def _ref_facts(children: Any, line: int) -> tuple[list[LinkRef], bool, bool]:
    links: list[LinkRef] = []
    give = ask = False
    for child in children or ():
        kind = child.type
        if kind in ("softbreak", "hardbreak"):
            line += 1
        elif kind == "wikilink":
            target = _ref_link_target(child.content)
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


def reference_children(src: str, env: dict[str, Any] | None = None) -> list[Any]:
    """The children the core `inline` and `text_join` rules give a paragraph holding `src` (with the
    reference definitions of `env`)."""
    from markdown_it.rules_core.text_join import text_join
    from markdown_it.token import Token

    md = reference_markdown()
    token = Token("inline", "", 0)
    token.content, token.children = src, []
    md.inline.parse(src, md, env or {}, token.children)
    text_join(SimpleNamespace(tokens=[token]))
    return token.children


def reference_blocks(src: str, env: dict[str, Any] | None = None) -> list[tuple[int, int, str]]:
    """What `_Blocks` must yield for a body it accepts, read off markdown-it's own tokens (none in quotes)."""
    out: list[tuple[int, int, Any]] = []
    row: list[str] | None = None
    line, previous = 0, ""
    quoted = 0
    for token in reference_markdown().parse(src, env):
        quoted += (token.type == "blockquote_open") - (token.type == "blockquote_close")
        if quoted or token.type == "blockquote_close":
            continue  # nothing in a quote is an entry: no event
        if token.type == "list_item_open":
            out.append((blocks.OPEN, 0, ""))
        elif token.type == "list_item_close":
            out.append((blocks.CLOSE, 0, ""))
        elif token.type == "tr_open":
            row = []
        elif token.type == "tr_close":
            out.append((blocks.ROW, line, row))
            row = None
        elif token.type == "inline" and row is not None:
            row.append(token.content)
            line = token.map[0]
        elif token.type == "inline":
            out.append((blocks.HEADING if previous == "heading_open" else blocks.PARA, token.map[0], token.content))
        previous = token.type
    return out


# -- awkward pieces ---------------------------------------------------------------------------------

INLINE = [
    "coffee", "with", "Bob", " ", "  ", "  ", ":", " — ", "-", ",", "(", ")", "!", "?", "*", "**", "_", "__", "~~",
    "[[Bob]]", "[[Bob Smith|Bobby]]", "[[Jane#Notes]]", "[[Jane^block]]", "[[People/Ann.md]]", "[[ x ]]",
    "![[embed]]", "![[Bob]]", "[[2026-11-02]]", "[[2026-11-02|2 Nov]]", "[[a]b]]", "[[[x]]]", "[[", "]]", "[[]]",
    "[[a|b\\|c]]", "[t](Bob.md)", "[t](Bob%20Smith.md)", "[t](../Ann.md#h)", "[t](https://example.com/a.md)",
    "[t](<Ann B.md>)", "[t](Bob.md \"title\")", "[t]( Bob.md )", "[t](a(b).md)", "[](Bob.md)", "[t]()",
    "![img](Bob.md)", "[t][r]", "[r]", "[x]", "[ ]", "[", "]", "](", "]:", "[t](Bob.md", "[a [[Bob]] c](Ann.md)",
    "[t](javascript:alert(1))", "[t](/Root.md)", "[t](Bob&amp;.md)", "[t](ü.md)", "[t](//host/Ann.md)",
    "[t](%zz.md)", "[t](a%2Fb.md)", "[t](Ann.md?x=1)", "[t](mailto:ann@例え.jp)", "[t](Сад%20Ивы.md)", "[t](%D0Я.md)",
    "[t](\xa0//Сад)", "[t](Люди/Ян.md#Журнал)", "[t](😀%F0.md)",
    "2026-11-02", "2026-11-02:", "**2026-11-02**", "__2026-11-02__", "2026-13-45", "20261102", "2026-11-02x",
    "12.11.2026", "3.12.26", "31.02.2026", "03/04/2026", "12-11-2026", "2026/11/12", "[[12.11.2026]]", "**3.12.2026**",
    "12 ноября 2026", "12 ноябя 2026 г.", "Nov", "ноября", "12", "2026", "November 12, 2026", "12th", "1.2.345",
    "Key::", "::", "Last contact::", "[k:: v]", "(tier:: B)", "**Company::**", "**Company**::", "[met:: [[Bob]]]",
    "`a:: b`", "<!-- k:: v -->", "#person", "#people/work", "`#contact`",
    "✅ 2026-11-02", "✅2026-11-03", "📅 2026-11-04", "🗓 2026-11-05", "⏳ 2026-11-06", "➕ 2026-11-01",
    "#give", "#ask", "#GIVE", "(#ask)", "#gift", "#ask-me", "&#35;give", "\\#give", "*#give*", "&amp;", "&",
    "_#ask_", "__#give__", "&nbsp;#give", "&num;ask", "&#x23;give", "a&b", "& Courses", "&;", "&#;", "a#give", "#give!", "[#give](Bob.md)", "[x #ask](Ann.md)", "]#ask", "[[x]]#give", "[[#give]]", "[[x|#ask]]",
    "#interview", "#info-interview", "#Referral", "#intro/warm", "#1", "#2026", "(#intro)", "`#intro`", "``#intro``",
    "[[#intro]]", "[t](#intro)", "#интервью", "x#intro", "#_", "#-/", "\\#intro",
    "\\[[Bob]]", "\\", "`[[Bob]]`", "`code`", "``a ` b``", "`", "$x$", "$[[Bob]]$", "$$", "$",
    "<span>[[Bob]]</span>", "<!-- [[Ann]] -->", "<http://x.md>", "<Bob.md>", "<", ">", "a > b",
    "%%", "%% [[Hidden]] %%", "%%[[Hidden]]", "|", "\\|", " | ", "\t", "\xa0", "\u2028", "\x00", "ü", "翔太",
    "`]`", "`[`", "`[[Bob]]", "``", "```", "` x `", "$ [[Bob]]$", "1$[[Bob]]$", "$[[Bob]] $", "$x$2", "\\$[[Bob]]$",
    "$a\\$b$", "\\[", "\\]", "\\`", "\\\\", "\\<", "\\!", "<br>", "<br/>", "</span>", "<span class=\"x\">",
    "<a href=\"Bob.md\">", "<!-- a\nb -->", "<!--", "-->", "<?x ?>", "<!X y>", "<![CDATA[ [[c]] ]]>", "<1>", "<a",
    "<https://x.y/[[Bob]]>", "<HTTP://X.Y>", "<a@b.co>", "<javascript:[[Bob]]>", "<data:x>", "<x y>", "<[[Bob]]>",
    "[t](<Ann B.md> \"t\")", "[t](<A\\>B.md>)", "[t](<a\nb.md>)", "[t](https://x.y \"[[Bob]]\")",
    "[t](Bob.md 'title')", "[t](Bob.md (title))", "[t](Bob.md\n)", "[t](\nBob.md)", "[t](Bob.md \"a\nb\")",
    "[t](https://github.com/a/b \"gh\") |", "[t](JavaScript:x)", "[t](data:image/png;base64,x)", "[t](file:///a.md)",
    "[t](ftp://Bob.md)", "[t](https://x.y/?a=1&b=2)", "[t](https://x.y/a\\)b)", "[t](javascript:a&amp;b)",
    "![i](https://img.shields.io/x?a=1&amp;b=2 \"t\")", "[t](a&amp;b:c)", "[t](&#104;ttp://x)", "[t](a:b.md)",
    "[t](Bob.md#^x)", "[^1]", "[^1]:", "[`]`](Bob.md)", "[a `x` b](Bob.md)",
    "[$x]$](Ann.md)", "[a\\]b](Bob.md)", "[<b>](Bob.md)", "[a ![[e]] b](Bob.md)", "[![b](i.png)](Bob.md)",
    "![alt](a.png)", "![[e.png|300]]", "&copy;", "&#91;", "&#x5B;[Bob]]", "\n", "\n", "  \n", "\\\n",
    "![a [b] c](i.png)", "![a [[Bob]]](i.png)", "![a [t](Bob.md) b](i.png)", "![a\nb](i.png)", "![x]", "![](a.png)",
    "![a ![b](c) d](e)", "[![b](i.png \"t\")](https://x.y)", "![a](<b c.png>)", "!", "![",
    "*#give*", "_#ask_", "#give_", "#ask\\_", "#give\\-", "\\#give", "&#103;", "#&#103;ive", "#g&#105;ve",
    "#give&eacute;", "#give&amp;", "&nbsp;#ask", "x_y", "*a*", "__b__", "a\\_b", "&eacute;", "#a&#115;k", "&NUM;give",
    "&#035;give", "&#X23;ask", "#", "#g", "give", "ask", "[r][]", "[Bob][]", "[t][Bob]", "![i][r]", "[ R ]",
]
PREFIX = [
    "", "", "", "- ", "- ", "* ", "+ ", "1. ", "2) ", "10. ", "123456789. ", "1234567890. ", "  - ", "   - ",
    "    - ", "      - ", "  ", "   ", "    ", "        ", "\t", "\t- ", "-\t", "> ", ">", "> - ", "- > ",
    "# ", "## ", "###### ", "####### ", "#", "- [ ] ", "- [x] ", "- [X] ", "* [ ] ", "1. [x] ", "- [-] ",
    "-   ", "-    ", "-     ", "- - ", "1. - ", "  1. ", "- # ", "[ref]: ",
    "> [!note] ", "> [!tip]- ", "> > ", ">\t", " >  ", "- \t", "1.\t", "\t\t", "  \t", "[^1]: ", "<div>", "$$ ",
]
LINES = [
    "", "", "", "   ", "---", "***", "___", "===", "- - -", "* * *", "```", "```python", "````", "~~~", "  ```",
    "$$", "$$ x $$", "| a | b |", "|---|---|", "| --- | --- |", "a | b", "--- | ---", "| [[Bob\\|B]] | 2026-11-02 |",
    "| 2026-11-03 | [[Ann]] |", "<div>", "</div>", "<!--", "-->", "<!-- [[c]] -->", "[r]: Bob.md", "[r]: <Ann B.md> 'title'",
    "[r]:", "[ r ]: Bob.md", "-", "- ", "*", "1.", "2.", "#", "#give", "## ##", "# Log #", "# 2026-11-02 #",
    "[[2026-11-02]]: met [[Bob]]", "%%", "%% start", "end %%", "- 2026-11-02: coffee with [[Bob]] #give",
    "- [x] sent [[Ann]] ✅ 2026-11-02", "- [ ] call [[Bob]] 📅 2026-11-30", "  continued [[Ann]]",
    "    indented [[Code]]", "1. one", "3. three [[Bob]]", "a\\", "Setext", "\\[[x]]",
    "Last contact:: 2026-10-02", "**Company::** Acme", "- [tier:: B] [[Bob]]", "> Key:: quoted", "    Key:: code",
    "- [ ] call [last contact:: 2026-11-02]", "Компания:: [[Acme]]", "#person", "```\n#person\n```",
    "- 12.11.2026 обед с [[Bob]] #intro", "- 12 ноября 2026 #referral [[Ann]]", "| 3.12.26 | [[Bob]] #info-interview |",
    "Introduced by:: [[Ann]] #intro",
]


@st.composite
def lines(draw: Any) -> str:
    if draw(st.integers(0, 4)) == 0:
        return draw(st.sampled_from(LINES))
    prefix = draw(st.sampled_from(PREFIX))
    pieces = draw(st.lists(st.sampled_from(INLINE), max_size=6))
    sep = draw(st.sampled_from(["", " "]))
    return prefix + sep.join(pieces)


@st.composite
def bodies(draw: Any) -> str:
    body = "\n".join(draw(st.lists(lines(), max_size=14)))
    return body + draw(st.sampled_from(["", "\n", "\n\n", "  ", "\n  "]))


@st.composite
def notes_text(draw: Any) -> str:
    head = draw(st.sampled_from(["", "", "---\ntier: A\n---\n", "---\nx: [\n---\n", "---\n", "---\na: 1\n...\n",
                                 "\ufeff---\nb: 2\n---\n", "---  \nc: 3\n---\t\n"]))
    text = head + draw(bodies())
    return text.replace("\n", "\r\n") if draw(st.integers(0, 9)) == 0 else text


SIMPLE = ["coffee with", "Key::", "[k:: v]", "**Key::**", "#person", "C#", "##", "#x", "[[Bob]]", "[[Ann|A]]", "2026-11-02", "[t](Bob.md)", "#give", "[x]", "—", ":", "  ",
          "**bold**", "*", "_", "(", ")", "!", "![[e]]", "#", "-", "1.", "[[a]", "[a]", "]:"]
FENCES = ["```", "```", "~~~", "````", "```py", "``` `x`", "~~~ `x`", "```a|b", "  ```", "   ~~~", "    ```",
          "- ```", "  - ```", "1. ~~~", "```  ", "`` `", "~~", "|---|", "> [[q]]", "<div>", "[r]: Bob.md", "***",
          "| a | b |", "|---|---|", "|---|", "| 2026-11-02 | [[Bob\\|B]] |", "| [[Ann]] |", "a | b", "--- | ---",
          "|:-:|--:|", "| x \\| y | 2026-11-03 |", "  | a |", "- | a |", "|a|b|c|", "| - | - |", "-|-", "|", "||",
          "    | a |", "|-", ":-", "| --- | :--- |  "]
SIMPLE_PREFIX = ["", "", "- ", "* ", "+ ", "1. ", "2. ", "1) ", " - ", "  - ", "   - ", "    - ", "     - ", "     ", "  ", "   ",
                 "- [ ] ", "- [x] ", "# ", "## ", "-  ", "-    ", "-     ", "- - ", "  1. ", "10) ", "#"]


@st.composite
def simple_bodies(draw: Any) -> str:
    """Bodies of the shapes `_Blocks` takes: lists nested every way, lazy lines, headings inside items."""
    out = []
    for _ in range(draw(st.integers(0, 16))):
        roll = draw(st.integers(0, 7))
        if roll == 0:
            out.append(draw(st.sampled_from(["", "", " "])))
            continue
        if roll == 1:
            out.append(draw(st.sampled_from(FENCES)))
            continue
        prefix = draw(st.sampled_from(SIMPLE_PREFIX))
        words = draw(st.lists(st.sampled_from(SIMPLE), min_size=1, max_size=4))
        out.append(prefix + " ".join(words))
    return "\n".join(out) + draw(st.sampled_from(["", "\n", "  "]))


CONTAINER = ["", "", "", "> ", ">", "> > ", ">\t", " > ", "- ", "  ", "    ", "\t", "  - ", "-\t", "1. ", "\t- ",
             "- > ", "> - ", "   > ", "  \t", "> [!note] ", "10) ", "* ", "- [ ] "]
LEAF = ["", "", "[[Bob]] text", "2026-11-02 met [[Ann]] #give", "```", "~~~", "$$", "$$ x $$", "$$ (1)", "$$ a $$ b",
        "<div>", "</div>", "<details>", "<!-- [[c]]", "-->", "<span>[[s]]</span> x", "<pre>", "</pre>", "<?x", "?>",
        "<!X", "<![CDATA[", "]]>", "<b>", "<b> x", "===", "---", "- - -", "***", "___", "| a | b |", "|---|---|",
        "| [[r]] | 2026-11-03 |", "[^1]: note [[F]] more", "[^2]: word", "[r]: Bob.md", "[r]:", "[[a]]: b",
        "[R]: <Ann B.md> 'the", "title'", "[r]: https://x.y", "[a\\]b]: c.md", "[ r\n", "]: Bob.md", "(title)",
        "[Bob] and [r] and [x][r] and [R][] and ![r]", "[^1]", "[r]: javascript:x", "[r]: Сад%20Ивы.md \"заголовок\"",
        "[Я]: <Ян Б.md>", "[r]: https://пример.рф/x 'the", "[r]: //host/Ann.md", "[r]: a&amp;b.md \"t\\\"x\"", "(ti\\)tle",
        "[r]: data:image/png;x", "[r]: <a\\>b.md> (t)", "[ß]: Bob.md", "[r]: https://[::1]/x",
        "# 2026-11-04 [[H]]", "[!tip]- Title [[T]]", "Key:: [[V]]", "- [ ] task [[T]] 📅 2026-11-30", "-", "1.",
        "text", "[ ] x", "2. two [[Z]]", "\t[[tab]]", "  [[two]]", "%% c", "c %%"]


@st.composite
def container_bodies(draw: Any) -> str:
    """Bodies of quotes, callouts, lists and indentation (spaces and tabs) around every kind of block."""
    out = []
    for _ in range(draw(st.integers(0, 14))):
        out.append(draw(st.sampled_from(CONTAINER)) + draw(st.sampled_from(CONTAINER[:9])) + draw(st.sampled_from(LEAF)))
    return "\n".join(out) + draw(st.sampled_from(["", "\n", "  ", "\t"]))


# -- the contract ---------------------------------------------------------------------------------

SETTINGS = settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(notes_text())
@example("[Bob][r]\n\n[r]: Bob.md\n")  # a reference link, with no `[[`, `](` or date in the body
@example("- [x] done ✅ 2026-11-02\n  [[Bob]]\n- [ ] open 📅 2026-11-30\n  more [[Ann]]\n")
@example("- a\n - b\n  - c\n   - d\n    - e\n     - f [[x]]\n")
@example("1. a [[x]]\n2. b\n10) c [[y]]\n- d [[z]]\n")
@example("para [[x]]\n1. not a list\n2. [[y]]\n")
@example("- # 2026-11-02 [[x]]\n  para [[y]]\n")
@example("- \xa012.11.2026")  # a no-break space before a date that is no ISO one
@example("| \u200312 ноября 2026 | [[Bob]] #intro |\n|---|---|\n")
def test_parse_equals_the_full_pipeline(text: str) -> None:
    data = text.encode("utf-8")
    assert parse("N.md", data) == plain_parse("N.md", data) == reference_parse("N.md", data)
    body = frontmatter.read_text(text.lstrip("\ufeff").replace("\r\n", "\n"))[1]
    _check_blocks(_blank_comments(body))


def _check_blocks(src: str) -> None:
    split = blocks.simple_blocks(src)
    if split is not None:
        env: dict[str, Any] = {}
        assert split[0] == reference_blocks(src, env)
        assert (split[1] or {}).get("references") == env.get("references")


@SETTINGS
@given(simple_bodies())
@example("- a\n\n  b [[x]]\n- c")
@example("- a\n      b")
@example("-  a\n   b\n  c [[x]]")
@example("para\n1. one\n2. two")
@example("- ```\n  [[code]]\n |---|\n- 2026-11-02 [[x]]\n```\n> [[q]]\n````\n```\n[[z]]")
@example("text\n```a|b\n|---|\n```")
@example("para\n| 2026-11-02 | [[a]] |\n|---|---|\n| [[b]] |\n| c | d | e |\n- 2026-11-03 [[f]]")
@example("- | 2026-11-02 | [[a]] |\n  |---|---|\n  | [[b]] | x |\n| [[c]] |")
@example("| a |\n|---|\n```\n[[x]]\n```\n# [[h]]")
@example("| a |\n|---|\n    | [[x]] |")
@example("| a\x1f |\n|---|\n| 2026-11-02\x85 | [[x]] |")
@example("```a|b\n|---|---|\n[[x]]\n```")
@example("````\n```\n[[x]]\n`````\n[[y]]\n~~~~\n[[z]]\n~~~\n")
@example("- a\n  ~~~\n  [[in]]\n\n  ~~~\n  [[out]]")
@example("# 2026-11-02 [[x]]#\n## [[y]] ##  \n### [[z]] \\#\n#### #\n####### [[w]]")
@example("para\n2. two\n- three\n-\n# four")
@example(" - a\n     - b\n    - c")
@example("- item 1\n - item 2\n  - item 3\n   - item 4\n    - this one is a paragraph continuation")
def test_simple_blocks_equal_markdown_it_blocks(body: str) -> None:
    _check_blocks(body)
    data = body.encode("utf-8")
    assert parse("N.md", data) == plain_parse("N.md", data) == reference_parse("N.md", data)


@SETTINGS
@given(container_bodies())
@example("> a\nlazy [[x]]\n- [[y]]")
@example("> ```\nlazy [[x]]")
@example("- > a\n  b [[x]]\nc [[y]]")
@example(">\t\t[[x]]\n- \t[[y]]\n\t- [[z]]")
@example("<div>\n[[x]]\n\n[[y]]\n<!--\n\n[[z]]\n-->\n[[w]]")
@example("$$\n[[x]]\n$$ (eq)\n[[y]]")
@example("a [[x]]\n===\nb [[y]]\n---\n- c [[z]]\n  ---")
@example("[^1]: a [[x]] b\n[^2]: w\n")
@example("> [r]: Bob.md\n\n- [r] and [t][r] and [x] [[y]]\n")
@example("> -\n> \n> ")
@example("[r]:\n  Bob.md\n  'multi\nline'\n[[after]]\n[r]\n")
def test_containers_equal_markdown_it(body: str) -> None:
    _check_blocks(body)
    data = body.encode("utf-8")
    assert parse("N.md", data) == plain_parse("N.md", data) == reference_parse("N.md", data)


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(INLINE), max_size=8).map(" ".join), st.integers(1, 50))
@example("[x] [[Bob]]\n[t](Bob.md) ![[e]] [a]b [[c]]", 3)
@example("x[#give](Bob.md) y_#ask_", 2)
@example("[[#give]] [[x|#ask]] [t](#give)", 2)
@example("`x` [[a\nb]] [[c]] [[d\n", 2)
@example("#ask [[a\nb]] [[c]]", 2)
@example("[[a [[b]] [[c #give [x [[d", 2)
def test_facts_equal_the_inline_rules(src: str, line: int) -> None:
    """Links and tags of a block's text, and `_scan` wherever `_facts` lets it read them."""
    tokens = reference_markdown().parse(src)
    if [t.type for t in tokens] == ["paragraph_open", "inline", "paragraph_close"] and tokens[1].content == src:
        assert FastParser().facts(src, line, None) == _ref_facts(tokens[1].children, line)
    for tags in (False, True):
        found = fast_inline.scan(src, line, tags)
        if found is not None:
            expected = _ref_facts(reference_children(src), line)
            assert found == (expected if tags else (expected[0], False, False))


_REFERENCES = {"R": {"title": "", "href": "Bob.md", "map": [0, 1]},
               "WEB-0": {"title": "t", "href": "https://x.y/a.md", "map": [1, 2]},
               "A B": {"title": "", "href": "Ann%20B.md#h", "map": [2, 3]}}
REFERENCE_INLINE = [
    "[t][r]", "[r]", "[R][]", "[x][ r ]", "[t][r", "][", "[t][ ]", "[t][]", "![r]", "![t][r]", "[r](", "[r]( ", "[r](x",
    "[r](Ann.md)", "[web-0]", "[t][web-0]", "[a  b]", "[A\nb]", "[t][a b]", "[t][a\nb]", "[x][r][r]", "[[r]]", "[r][[x]]",
    "[t][`r`]", "[t][r\\]", "[t][$r$]", "[t][<r>]", "[t][a [r] b]", "[`r`]", "[*r*]", "[r]:", "[r] x", "[ ]", "[x]",
    "[t](Bob.md)", "[[Bob]]", "#give", "#ask", "a", " ", "\n", "[", "]", "`", "!", "(", ")", "<b>", "$x$", "\\",
]


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(REFERENCE_INLINE + INLINE[:40]), max_size=8).map("".join), st.integers(1, 50))
@example("[>] About a [budget partnership][web-0] *keynote* [status:: [[Quarry#Notes]]] v1.2.3", 2)
@example("[ ] `garden()` [[Inlet|Inlet]] naïve send [to the][web-0] draft\nThe end", 4)
@example("[t][r] [R][] [r] ![r] [a b]", 1)
def test_scan_with_references_equals_the_inline_rules(src: str, line: int) -> None:
    """`_scan` follows reference links: full, collapsed and shortcut ones."""
    env = {"references": _REFERENCES}
    for tags in (False, True):
        found = fast_inline.scan(src, line, tags, _REFERENCES)
        if found is not None:
            expected = _ref_facts(reference_children(src, env), line)
            assert found == (expected if tags else (expected[0], False, False))
    assert FastParser().facts(src, line, env) == _ref_facts(reference_children(src, env), line)


def test_the_fast_paths_are_taken() -> None:
    """The shortcuts above are not vacuous: typical bodies go through them."""
    assert blocks.simple_blocks("# Jane\n\n## Log\n- 2026-11-02: coffee [[Bob]]\n  - nested\n") is not None
    assert blocks.simple_blocks("- a\n  ```\n  > [[code]]\n  ```\n") == ([(0, 0, ""), (3, 0, "a"), (1, 0, "")], None)
    assert blocks.simple_blocks("> quote [[Bob]]\nlazy\n\n- [[Ann]]\n") == ([(0, 0, ""), (3, 3, "[[Ann]]"), (1, 0, "")],
                                                                              None)
    assert blocks.simple_blocks("| a |\n|---|\n| [[b]] |\n") == ([(4, 0, ["a"]), (4, 2, ["[[b]]"])], None)
    assert blocks.simple_blocks("a\n---\n\t[[code]]\n<div>\n[[html]]\n\n$$\n[[math]]\n$$\n") == ([(2, 0, "a")], None)
    assert blocks.simple_blocks("[^1]: a note on [[Bob]]\n") == ([(3, 0, "[^1]: a note on [[Bob]]")], None)
    assert blocks.simple_blocks("[r]: <Bob B.md>\n 'title'\n") == (
        [], {"references": {"R": {"title": "title", "href": "Bob%20B.md", "map": [0, 2]}}})
    assert fast_inline.scan("coffee with [[Bob|B]] and [#give](Ann%20B.md)\n#ask", 1, True) == (
        [LinkRef("Bob", 1), LinkRef("Ann B", 1)], True, True)
    assert fast_inline.scan("`[[No]]`\n<span>[x](<Bob B.md>)</span> $[[M]]$ [t](https://x.y \"t\") [[Ann]]", 1, True) == (
        [LinkRef("Bob B", 2), LinkRef("Ann", 2)], False, False)
    assert fast_inline.scan("[a [[b]] c](d.md)", 1, False) == ([LinkRef("b", 1)], False, False)  # no link: a wikilink
    assert fast_inline.scan("![a [[b]] c](d.md)", 1, False) is None
    assert fast_inline.scan("[[Bob]] and [[Ann\nEve", 1, False) == ([LinkRef("Bob", 1)], False, False)
    assert fast_inline.scan("[t][r] and [R][]\n[r] [x]", 2, False, _REFERENCES) == (
        [LinkRef("Bob", 2), LinkRef("Bob", 2), LinkRef("Bob", 3)], False, False)


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(["%%", "%", "`", "``", "```", "~~~", "    ```", "a", " ", "\n", "\n", "x %% y"]),
                max_size=20).map("".join))
@example("abcdefgh `x` and `y` %% [[H]] %%")
@example("```\n%% a\n```\n%% b\n```\nc %%\n")
def test_blank_comments_by_jumps_are_the_plain_ones(body: str) -> None:
    assert fast_comments.blank_comments(body) == _blank_comments(body)


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet="0123456789-[]():x \n٣./,я", max_size=40))
@example("2026-11-02")
@example("12026-11-0")
@example("1-2026-11-02")
@example("٢٠٢٦-١١-٠٢")
def test_the_skip_test_is_the_regex(body: str) -> None:
    assert FastParser().may_hold_entries(body) == bool(fast_parse._MAYBE_USEFUL.search(body))


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(["\n", "- ", "* ", "1. ", "> ", "## ", "| ", "[x] ", "[[", "**", "__", " ", "\t", "\xa0",
                                 "Nov", "ноября", ".", "/", "-", "12", "3", "2026", "x", "\r"]), max_size=12).map("".join))
def test_the_skip_test_is_the_regex_on_dated_lines(body: str) -> None:
    assert FastParser().may_hold_entries(body) == bool(fast_parse._MAYBE_USEFUL.search(body))


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(["2026-11-02", "12.11.2026", "3/4/26", "12 ноября 2026", "Nov 12, 2026", "November",
                                 "12th", "[[", "]]", "**", "__", " ", "\xa0", "\u2003", "\t", ".", ",", "x", "г.", "٣",
                                 "12", "2026", "Coffee", "with"]), max_size=6).map("".join))
def test_the_lead_shortcut_is_read_lead(text: str) -> None:
    assert FastParser().lead(text) == read_lead(text)


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(["---", "--- ", "...", "", "a: 1", "b: [x]", "- 2026-11-02 [[B]]", " ---", "x"]),
                max_size=8).map("\n".join))
def test_read_text_is_read_of_the_lines(text: str) -> None:
    lines = text.split("\n")
    props = frontmatter.read(lines)
    assert frontmatter.read_text(text) == (props, "\n".join(lines[props.body_start:]))


def test_the_transcribed_rules_are_checked_against_their_release() -> None:
    from importlib.metadata import version

    assert version("markdown-it-py") == blocks.UPSTREAM
    assert version("mdit-py-plugins") == blocks.DOLLARMATH_UPSTREAM


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(["[", "]", ":", " ", "\t", "^1", "r", "Bob.md", "<a>", "(", ")", '"t"', "'t'", "\\",
                                 "x y", "https://x.y", "[[a]]", "\x01"]), max_size=8).map("".join),
       st.sampled_from(["", '"title"', "'t'", "(t)", "more", "[x]: y", "- item"]))
@example("[^1]: a note", "")
@example("[a]: b", "")
def test_maybe_reference_only_says_no_to_no_reference(line: str, after: str) -> None:
    body = "[" + line + "\n" + after
    env: dict[str, Any] = {}
    reference_markdown().parse(body, env)
    if not leaves.maybe_reference(body.split("\n")[0]):
        assert not env.get("references")


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from([*"aZ09;/?@=+$,-_.!~*'()#", "%20", "%2f", "%", "%zz", "/", "//", ".md", "Сад", "ß",
                                 "e\u0301", "\x80", "\u2028", "\U0001f600", "\ud800", "%D0", "%A1", "%E2%82", "%F0%9F%98",
                                 "%C3", "%FF"]), max_size=12).map("".join))
@example("Сад%20API.md")
@example("%D0Сад")
@example("С%A1")
@example("\u2028//Сад")
def test_a_safe_path_names_the_note_its_normalized_link_names(path: str) -> None:
    if fast_inline.SAFE_PATH.fullmatch(path) and not path.lstrip().startswith("//"):
        assert markdown_target(markdown().normalizeLink(path)) == markdown_target(path)
        if path.isascii():
            assert markdown().normalizeLink(path) == path


def test_a_safe_path_is_made_of_what_mdurl_keeps_and_characters_past_ascii() -> None:
    """SAFE_PATH, character by character: the ASCII mdurl.encode keeps but `:` and `&` (a scheme, an
    entity), `%` only before two hex digits, and every character past ASCII but a lone surrogate."""
    from mdurl import encode

    kept = {c for c in map(chr, range(128)) if encode(c) == c} - set(":&%")
    for code in range(0x110000):
        c = chr(code)
        assert bool(fast_inline.SAFE_PATH.fullmatch(c)) == (c in kept if code < 128 else not 0xD800 <= code <= 0xDFFF)
    assert [bool(fast_inline.SAFE_PATH.fullmatch(p)) for p in ("%2f", "%2", "%zz", "a%20b%")] == [True, False, False,
                                                                                                  False]


@settings(max_examples=2000, deadline=None)
@given(st.text())
def test_normalize_reference_is_markdown_its(label: str) -> None:
    from markdown_it.common.utils import normalizeReference

    assert leaves.normalize_reference(label) == normalizeReference(label)


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(["https:", "http:", "mailto:", "ftp:", "javascript:", "data:image/png;", "data:",
                                 "JavaScript:", "//", "/", "host", "пример", "рф", ".", "@", ":", "[::1]", "\x7f",
                                 "Сад", "%20", "%", " ", "\xa0", "?", "#", "a b", "Bob.md", "ü"]), max_size=8).map("".join))
@example("https://пример.рф/x")
@example("//a@b@c/d")
def test_link_href_is_markdown_its(destination: str) -> None:
    md = markdown()
    href = md.normalizeLink(destination)
    assert fast_inline.link_href(destination) == (href if md.validateLink(href) else None)


def test_transcribed_constants_are_markdown_its() -> None:
    from markdown_it.common.html_re import HTML_OPEN_CLOSE_TAG_STR
    from markdown_it.common.normalize_url import BAD_PROTO_RE, GOOD_DATA_RE
    from markdown_it.common.utils import MD_TRIM_CHARS
    from markdown_it.rules_block.html_block import HTML_SEQUENCES
    from mdit_py_plugins.dollarmath.index import DOLLAR_EQNO_REV

    assert blocks.MD_TRIM == MD_TRIM_CHARS
    assert markdown().options["maxNesting"] == blocks._MAX_NESTING
    assert leaves.OPEN_CLOSE_TAG == HTML_OPEN_CLOSE_TAG_STR
    assert [(fast_inline._BAD_PROTOCOL.pattern, fast_inline._GOOD_DATA.pattern)] == [(BAD_PROTO_RE.pattern, GOOD_DATA_RE.pattern)]
    assert [(a.pattern, a.flags, b.pattern, b.flags, c) for a, b, c in leaves.HTML_SEQUENCES] == [
        (a.pattern, a.flags, b.pattern, b.flags, c) for a, b, c in HTML_SEQUENCES]
    assert (leaves.MATH_LABEL.pattern, leaves.MATH_LABEL.flags) == (DOLLAR_EQNO_REV.pattern, DOLLAR_EQNO_REV.flags)


@pytest.mark.parametrize("mode", ["Gen", "RealGen", "RussianGen"])
def test_generated_vault_notes_parse_the_same(mode: str) -> None:
    """A few hundred notes of the benchmark's synthetic vault, every kind, in each of its modes
    (simple, realistic, realistic in Russian)."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    try:
        import gen_vault
    finally:
        sys.path.pop(0)
    gen = getattr(gen_vault, mode)(1000, seed=11)
    jobs = ([(gen.contact, k) for k in range(80)] + [(gen.daily, k) for k in range(60)]
            + [(gen.meeting, k) for k in range(20)] + [(gen.plain, k) for k in range(240)])
    for make, k in jobs:
        path, text = make(k)
        data = text.encode("utf-8")
        assert parse(path, data) == plain_parse(path, data) == reference_parse(path, data), path


def test_big_bodies_parse_in_linear_time() -> None:
    """The shortcuts add no rescans: a long paragraph of linked lines, a long list, many unclosed `[[`."""
    import time

    bodies = ["para\n" + "x [[Bob]] and [t](Ann.md)\n" * 40000, "- 2026-11-02 [[Bob]] #give\n" * 40000,
              "- 2026-11-02 [[Jane]] " + "[[" * 40000 + "\n", "| 2026-11-02 | [[Bob]] |\n|---|---|\n" + "| [[a]] | b |\n" * 20000]
    for body in bodies:
        start = time.perf_counter()
        parse("N.md", body.encode("utf-8"))
        assert time.perf_counter() - start < 5.0


@pytest.mark.parametrize("body", [
    "[Bob][r] and 2026-11-02\n\n[r]: Bob.md\n",
    "- [Ann]\n\n[ann]: Ann.md\n",
    "| 2026-11-02 | [[Bob\\|B]] |\n|---|---|\n| [[Ann]] | x |\n",
    "```\n[[Code]]\n```\n- 2026-11-02 [[Bob]] #give\n",
    "> - 2026-11-02 [[Quoted]]\n- 2026-11-03 [[Bob]]\n",
    "- 2026-11-02 `[[Code]]` [[Bob]] &#35;ask\n",
    "%% [[Hidden]]\n- 2026-11-02 %% [[Bob]]\n",
    "<div>\n[[Html]]\n</div>\n- 2026-11-02 [[Bob]]\n",
    "Title\n===\n[[Bob]]\n",
    "    - 2026-11-02 [[Code]]\n",
    "- 2026-11-02 [x](\xa0//Сад) [y](Сад%20API.md) [z](Ян%D0.md)\n",
])
def test_awkward_bodies(body: str) -> None:
    data = body.encode("utf-8")
    assert parse("N.md", data) == plain_parse("N.md", data) == reference_parse("N.md", data)


def test_reference_definitions_are_read_without_markdown_it() -> None:
    """A note's reference definitions (to notes named in any letters, to web pages, with titles) are read
    by the transcribed rules alone: a sync after an edit to such a note does not import markdown-it."""
    body = ("- 2026-11-02 [Ян][r], [site][w] and [[Bob]]\n\n[r]: Сад%20Ивы.md \"заголовок\"\n"
            "[w]: <https://example.com/a b> 'a\ntitle'\n")
    code = ("import sys; from vaultcrm.cache.fast_parse import parse; "
            f"note = parse('N.md', {body.encode()!r}); "
            "print([link.target for entry in note.entries for link in entry.links], 'markdown_it' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split("\n")[0] == "['Сад Ивы', 'Bob'] False"
    data = body.encode("utf-8")
    assert parse("N.md", data) == reference_parse("N.md", data)
