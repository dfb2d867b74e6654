"""The `#tags` of one line, as Obsidian reads them (behaviour §3): what marks an informational
interview, a referral or an intro. One function, called where both parsers make an entry."""
from __future__ import annotations

import re

# What cannot hold a tag: inline code, a wikilink or embed (its target and alias), a Markdown link's
# destination. They are blanked before tags are looked for.
_HIDDEN = re.compile(r"(?<!`)(`+)(?!`).+?(?<!`)\1(?!`)|!?\[\[[^\]]*\]\]|\]\([^)]*\)")
# A tag starts the line or follows a space or an opening bracket (not `\#`, `&#`, `a#`).
_TAG = re.compile(r"(?<![^\s(\[])#([\w/-]+)")
# Where a tag may be once `_HIDDEN` is blanked: a `#` and a tag character, after a space, an opening
# bracket or what a blanked span ends with (`` ` ``, `]`, `)`), or at the start. Blanking keeps that `#`
# and the character after it (no span starts with a tag character), and the one before it is as
# _TAG wants or blanked: a text without this has no tag, and is not blanked. (The `#` first: the regex
# engine jumps to it.)
_MAYBE_TAG = re.compile(r"#(?<![^\s(\[\]`)]#)[\w/-]")


def line_tags(text: str) -> tuple[str, ...]:
    """The tags of `text`, lower-case, without `#`, each once, in order. A tag holds letters, digits,
    `_`, `-` or `/` (`#intro/warm` is a child of `#intro`) and at least one letter (`#1` is none)."""
    if "#" not in text or _MAYBE_TAG.search(text) is None:
        return ()
    found = _TAG.findall(_HIDDEN.sub(lambda m: " " * len(m[0]), text))
    return tuple(dict.fromkeys(tag.lower() for tag in found if any(ch.isalpha() for ch in tag)))


def has_tag(tags: tuple[str, ...], wanted: tuple[str, ...]) -> bool:
    """Whether `tags` hold one of `wanted` or a child of one (`intro/warm` for `intro`)."""
    return any(tag == w or tag.startswith(w + "/") for tag in tags for w in wanted)
