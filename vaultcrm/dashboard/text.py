"""Text from notes made safe to show in the dashboard: inert Markdown, and links to notes."""
from __future__ import annotations

import re
from urllib.parse import quote

_SPECIAL = re.compile(r"([\\`\[\]#|<>$%])")
_UNSAFE_IN_WIKILINK = re.compile(r"[|#^\[\]]|%%")


def md_inline(text: str) -> str:
    """Text from notes made inert: one line; what could make a link, tag, table cell, HTML, code,
    comment or math is backslash-escaped (emphasis marks are left alone: they change no structure)."""
    flat = " ".join(str(text).split())
    return _SPECIAL.sub(r"\\\1", flat).replace("::", ":\\:")


def note_link(path: str, label: str) -> str:
    """A link Obsidian resolves to exactly `path` (from the vault root), showing `label`."""
    label = " ".join(label.split()).replace("[", "(").replace("]", ")").replace("|", "/") or path
    if _UNSAFE_IN_WIKILINK.search(path):
        return f"[{md_inline(label)}]({quote(path, safe='/')})"
    stem = path[:-3] if path.lower().endswith(".md") else path
    return f"[[{stem}|{label}]]"
