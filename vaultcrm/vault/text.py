"""A note's text as a reader sees it, and what its links name (behaviour §3)."""
from __future__ import annotations

import re
from urllib.parse import unquote

from vaultcrm.vault.dates import LEAD

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")


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


_AFTER_DATE = re.compile(r"^[\s:,\-–—·]+")  # what separates a dated line's date from its text
_WIKILINK_TEXT = re.compile(r"!?\[\[([^\]|]*?)(?:\\?\|([^\]]*))?\]\]")
_TASK_FIELDS = re.compile(r"\s*(?:📅|🗓|⏳|✅|➕|🛫|❌)\ufe0f?\s*\d{4}-\d{2}-\d{2}")
_BLOCK_ID = re.compile(r"\s\^[A-Za-z0-9-]+\s*$")
_OBSIDIAN_MARKS = re.compile(r"(?<!\\)(==|~~)(?=\S)(.+?)(?<=[^\s\\])\1")
# What only the full Markdown reading can tell: escapes, code, emphasis, HTML, entities, math and
# Markdown links (a `[` or `]` left once the wikilinks are gone).
_MARKUP = re.compile(r"[\\`*_<>&$\[\]]")


def _label(inner: str, alias: str | None) -> str:
    """What Obsidian shows for a wikilink: its alias, else the linked note's name."""
    return (alias if alias is not None else inner.split("#")[0].rsplit("/", 1)[-1]).strip()


def plain_text(text: str) -> str:
    """A line as a reader sees it in Obsidian: links shown by their text, escapes and entities
    resolved, emphasis, highlight and strikethrough marks, HTML tags, embeds and a block id gone,
    Tasks dates dropped, spaces collapsed. (Tags stay: Obsidian shows them.)"""
    text = _OBSIDIAN_MARKS.sub(lambda m: m[2], _BLOCK_ID.sub("", _TASK_FIELDS.sub("", text)))
    simple = _WIKILINK_TEXT.sub(lambda m: "" if m[0].startswith("!") else _label(m[1], m[2]), text)
    if _MARKUP.search(simple):
        simple = _read(text)
    return " ".join(simple.split())


def _read(text: str) -> str:
    """The text markdown-it's inline rules (with Obsidian's wikilinks and math) make of `text`."""
    from vaultcrm.vault.notes import inline_children

    out: list[str] = []
    for token in inline_children(text, {}):
        kind = token.type
        if kind in ("text", "code_inline", "math_inline"):
            out.append(token.content)
        elif kind in ("softbreak", "hardbreak"):
            out.append(" ")
        elif kind == "wikilink":
            inner, bar, alias = token.content.partition("|")
            out.append(_label(inner.rstrip("\\"), alias if bar else None))
    return "".join(out)


def without_date(text: str) -> str:
    """A dated line's text as it reads (see `plain_text`) without its leading date, in any form a
    dated line may open with (`2026-11-02`, `12.11.2026`, `12 ноября 2026`: vault.dates.LEAD)."""
    read = plain_text(text)
    opening = LEAD.match(read)
    return _AFTER_DATE.sub("", read[opening.end():]) if opening is not None else read
