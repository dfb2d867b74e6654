"""Text from notes shown in the dashboard exactly as it reads: escaped so that Obsidian, markdown-it
and CommonMark all render it back to the same text and no structure; and links to notes."""
from __future__ import annotations

import re
from urllib.parse import quote

# What starts Markdown or Obsidian syntax inside a line: escapes, code, emphasis, links and embeds,
# HTML, tags, table cells, math, block ids and footnotes; an entity; a comment, highlight or
# strikethrough (doubled marks); a Dataview field (`::`).
_SPECIAL = re.compile(r"[\\`*_\[\]<>#|$^]|&(?=#?[0-9A-Za-z]+;)|(?<=([%=~:]))\1")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_UNSAFE_IN_WIKILINK = re.compile(r"[|#^\[\]]|%%")


def md_inline(text: str) -> str:
    """Text made inert, on one line: it renders as itself (whitespace runs collapsed, control
    characters dropped) and can make no link, tag, table cell, HTML, code, comment or math."""
    flat = " ".join(_CONTROL.sub(" ", str(text)).split())
    return _SPECIAL.sub(lambda m: "\\" + m[0], flat)


def shorten(text: str, limit: int, *, whole_words: bool = False) -> str:
    """`text` cut at a word boundary to at most `limit` characters, with `…` when cut (within a long
    last word when no boundary lies in its second half, unless `whole_words`: then "" when even the
    first word is too long)."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[:limit - 1]
    if flat[limit - 1] != " " and (whole_words or " " in cut[limit // 2:]):
        cut = cut.rsplit(" ", 1)[0] if " " in cut else ""
    cut = cut.rstrip(" ,;:.·—–-")
    return cut + "…" if cut else ""


def note_link(path: str, label: str) -> str:
    """A link Obsidian resolves to exactly `path` (from the vault root), showing `label` as written:
    a wikilink when both are plain enough, else a Markdown link with the label escaped."""
    label = " ".join(_CONTROL.sub(" ", label).split()) or path
    if _UNSAFE_IN_WIKILINK.search(path) or _SPECIAL.search(label):
        return f"[{md_inline(label)}]({quote(path, safe='/')})"
    stem = path[:-3] if path.lower().endswith(".md") else path
    return f"[[{stem}|{label}]]"
