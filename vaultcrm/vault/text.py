"""A note's text as a reader sees it, and what its links name (behaviour §3)."""
from __future__ import annotations

import re
from urllib.parse import unquote

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


_WIKILINK_TEXT = re.compile(r"!?\[\[([^\]|]*?)(?:\\?\|([^\]]*))?\]\]")
_MD_LINK_TEXT = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_TASK_FIELDS = re.compile(r"\s*(?:📅|🗓|⏳|✅|➕|🛫|❌)\ufe0f?\s*\d{4}-\d{2}-\d{2}")


def plain_text(text: str) -> str:
    """A line as a reader sees it: links shown by their text, Tasks dates dropped, spaces collapsed."""
    text = _WIKILINK_TEXT.sub(lambda m: (m[2] or m[1].split("#")[0].rsplit("/", 1)[-1]).strip(), text)
    text = _MD_LINK_TEXT.sub(lambda m: m[1], text)
    return " ".join(_TASK_FIELDS.sub("", text).split())
