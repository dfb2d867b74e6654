"""The links and `#give`/`#ask` tags markdown-it's inline rules find in one block's text, read by a
scan that follows those rules (markdown-it-py `fast_blocks.UPSTREAM`, with vault/notes.py's wikilink
rule and dollarmath's inline rule as it sets them) wherever one could hide, make or end a link: a
wikilink or embed, a link `[label](destination "title")` or a reference link (`[text][label]`,
`[label][]`, `[label]`), a code span, inline math, an escape, an autolink and inline HTML. Anything
else starts nothing a link depends on (text, line breaks, emphasis, entities). `scan` returns None
where it does not follow the rules (an image, a bracket inside a link's label, an unclosed wikilink,
a plain path with an escape or entity, a `data:` URL, a reference link's second label holding what
makes a token) and the text goes to markdown-it's inline parser.

Each link is on the line of its opening bracket: the line breaks before it that markdown-it makes
tokens of are counted (those in code spans, math, and a link's destination and title are not).
Tags are read from the text between the tokens, as markdown-it's text tokens hold it; a text with
emphasis, an entity or an escape (which change those tokens) is not scanned for tags.
"""
from __future__ import annotations

import re
from typing import Any

from vaultcrm.cache.fast_leaves import CLOSE_TAG, OPEN_TAG, destination_end, normalize_reference, title_end
from vaultcrm.parsed import LinkRef
from vaultcrm.vault.notes import _TAG, _wikilink_end, markdown
from vaultcrm.vault.text import link_target, markdown_target

_SPECIAL = re.compile(r"[\[!`$\\<]")  # where a rule that matters could start
_ENTITY = r"&(?:#[xX]?[0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);"  # what the entity rule could read
# What could make a `#give`/`#ask` tag: the word (its letters may be entities), or `#` as an entity.
TAG_HINT = re.compile(r"#(?:give|ask)|#[a-z]{0,4}&|&(?:num|#0*35|#x0*23);", re.IGNORECASE)
# Where the text tokens could differ from the source around a tag: emphasis, an escape or an entity
# beside its `#` or after its word (elsewhere they change no tag).
_TAG_UNSAFE = re.compile(r"[\\*_]#|#(?:give|ask)[\\_]|" + _ENTITY + r"#|#[a-z]{0,4}&|&(?:num|#0*35|#x0*23);",
                         re.IGNORECASE)
# A path (no scheme, no host) of what mdurl.encode keeps (ASCII letters, digits and `;/?@=+$,-_.!~*'()#`,
# and `%` before two hex digits), and of characters past ASCII, which it escapes as their UTF-8 bytes and
# markdown_target's unquote gives back (but a lone surrogate, which it replaces): normalizeLink's result
# names the note the path itself names. (Written as the ASCII it refuses: a class of every character
# past ASCII takes 2 ms to compile, this one a tenth of that.)
SAFE_PATH = re.compile(r"(?:(?![\ud800-\udfff])[^\x00-\x20\"%&:<>\[\\\]^`{|}\x7f]|%[0-9A-Fa-f]{2})*")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")  # vault.text.markdown_target's scheme
_REFUSED = ("vbscript", "javascript", "file")  # validateLink's (and `data:`, but for images)
# rules_inline/autolink.py's and common/html_re.py's
AUTOLINK = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]{1,31}):([^<>\x00-\x20]*)$")
EMAIL = re.compile(
    r"^([a-zA-Z0-9.!#$%&\'*+\/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?"
    r"(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*)$")
HTML_TAG = re.compile(
    "(?:" + OPEN_TAG + "|" + CLOSE_TAG + "|<!---?>|<!--(?:[^-]|-[^-]|--[^>])*-->|<[?][\\s\\S]*?[?]>"
    "|<![A-Za-z][^>]*>|<!\\[CDATA\\[[\\s\\S]*?\\]\\]>)")
# common/utils.py's isWhiteSpace
WHITESPACE = frozenset("\t\n\x0b\x0c\r \xa0\u1680\u202f\u205f\u3000" + "".join(map(chr, range(0x2000, 0x200B))))


# What could end a reference link's second label, or make a token in it (then it is not followed): in
# anything else, markdown-it's parseLinkLabel stops at the first `]`
_LABEL_STOP = re.compile(r"[\[\]\\`$<]")
# A bracketed text without an unescaped bracket: what a reference link could look its label up by
_LABEL = re.compile(r"\[((?:[^\[\]\\]|\\[\s\S])*)\]")


def references_matter(src: str, references: dict[str, Any]) -> bool:
    """Whether a reference definition could make a link in `src`: the label a reference link looks
    up holds no unescaped bracket (a definition's cannot), so it is one of `_LABEL`'s."""
    if "[" not in src:
        return False
    return any(normalize_reference(label) in references for label in _LABEL.findall(src))


class _Declined(Exception):
    """The text holds what the scan does not follow (the message says what)."""


def scan(src: str, line: int, tags: bool, references: dict[str, Any] | None = None
         ) -> tuple[list[LinkRef], bool, bool] | None:
    """The links (each with its line, `line` being the text's first) and, if `tags`, whether a
    `#give` and an `#ask` tag are in the text; None where markdown-it's inline parser must read it.
    `references`: the note's reference definitions (env["references"]), or None for none."""
    if tags and _TAG_UNSAFE.search(src):
        return None
    try:
        return _Scan(src, line, references).run(tags)
    except _Declined:
        return None


class _Scan:
    __slots__ = ("counted", "line", "multiline", "references", "runs", "size", "src", "terminators")

    def __init__(self, src: str, line: int, references: dict[str, Any] | None = None) -> None:
        self.src = src
        self.references = references
        self.size = len(src)
        self.line = line  # the line of src[counted]
        self.counted = 0
        self.multiline = "\n" in src
        self.runs: dict[int, int] | None = None  # backtick run length: where the last such run starts
        self.terminators: dict[str, int] = {}

    def run(self, tags: bool) -> tuple[list[LinkRef], bool, bool]:
        src = self.src
        links: list[LinkRef] = []
        texts: list[str] = []  # the text tokens' contents, cut where other tokens are
        search = _SPECIAL.search
        pos = start = 0
        while True:
            found = search(src, pos)
            if found is None:
                break
            at = found.start()
            ch = src[at]
            if ch == "[":
                if src.startswith("[", at + 1):
                    end = _wikilink_end(src, at + 2)
                    if end < 0:
                        if src.find("]", at + 2) < 0:  # no label can close: both brackets are text
                            pos = at + 1
                            continue
                        raise _Declined("an unclosed wikilink")
                    target = link_target(src[at + 2:end])
                    if target:
                        links.append(LinkRef(target, self.line_at(at)))
                    texts.append(src[start:at])
                    pos = start = end + 2
                    continue
                here = self.line_at(at)
                link = self.link(at)
                if link is None:
                    pos = at + 1  # the label is read again, as text
                    continue
                end, label_end, named = link
                if named:
                    links.append(LinkRef(named, here))
                if tags and _SPECIAL.search(src, at + 1, label_end):
                    raise _Declined("tags, and a label with tokens of its own")
                texts += (src[start:at], src[at + 1:label_end])
                pos = start = end
            elif ch == "!":
                if src.startswith("[[", at + 1):
                    end = _wikilink_end(src, at + 3)
                    if end < 0:
                        raise _Declined("an unclosed embed")
                    texts.append(src[start:at])
                    pos = start = end + 2
                elif src.startswith("[", at + 1):
                    end = self.image(at)
                    if end < 0:
                        pos = at + 1
                        continue
                    texts.append(src[start:at])
                    pos = start = end
                else:
                    pos = at + 1
            elif ch == "<":
                end, autolink = self.angle(at)
                if end < 0:
                    pos = at + 1
                    continue
                if tags and autolink:
                    raise _Declined("tags, and an autolink (its text is a text token)")
                texts.append(src[start:at])
                pos = start = end
            else:
                end, token = self.skip(at)
                if token:
                    texts.append(src[start:at])
                    start = end
                pos = end
        give = ask = False
        if tags:
            texts.append(src[start:])
            for text in texts:  # a line break is whitespace to _TAG too: no need to cut there
                for tag in _TAG.findall(text):
                    give, ask = give or tag.lower() == "give", ask or tag.lower() == "ask"
        return links, give, ask

    def line_at(self, at: int) -> int:
        """The line of src[at] (at or after the last position counted)."""
        if self.multiline:
            self.line += self.src.count("\n", self.counted, at)
            self.counted = at
        return self.line

    def hide(self, start: int, end: int) -> None:
        """Line breaks in src[start:end] make no token: not counted."""
        if self.multiline and end > self.counted:
            self.line += self.src.count("\n", self.counted, start)
            self.counted = end

    def skip(self, pos: int) -> tuple[int, bool]:
        """At a `` ` ``, `$`, `\\` or `<`: where the code span, math, escape, autolink or inline HTML
        starting there ends, and whether one does (else the character is text)."""
        ch = self.src[pos]
        if ch == "`":
            return self.code(pos)
        if ch == "$":
            end = self.math(pos)
            return (end, True) if end >= 0 else (pos + 1, False)
        if ch == "\\":
            return (pos + 2, False) if pos + 1 < self.size else (pos + 1, False)
        end = self.angle(pos)[0]
        return (end, True) if end >= 0 else (pos + 1, False)

    def code(self, pos: int) -> tuple[int, bool]:
        """rules_inline/backticks.py: a run of N backticks opens a code span closed by the next run of
        exactly N, else the run is text."""
        src, size = self.src, self.size
        end = pos + 1
        while end < size and src[end] == "`":
            end += 1
        length = end - pos
        if self.runs is None:
            self.runs = {}
            at = src.find("`")
            while at >= 0:
                stop = at + 1
                while stop < size and src[stop] == "`":
                    stop += 1
                self.runs[stop - at] = at
                at = src.find("`", stop)
        if self.runs.get(length, -1) >= end:
            close = end
            while True:
                opening = src.find("`", close)
                close = opening + 1
                while close < size and src[close] == "`":
                    close += 1
                if close - opening == length:
                    self.hide(pos, close)
                    return close, True
        return end, False

    def math(self, pos: int) -> int:
        """dollarmath's math_inline (no space inside the dollars, no digit outside): its end, or -1."""
        src = self.src
        if pos + 1 >= self.size or src[pos + 1] in WHITESPACE or src[pos - 1].isdigit() or _escaped(src, pos):
            return -1
        end = src.find("$", pos + 1)
        while end >= 0 and _escaped(src, end):
            end = src.find("$", end + 1)
        if end < 0 or src[end - 1] in WHITESPACE or end == pos + 1:
            return -1
        if end + 1 < self.size and src[end + 1].isdigit():
            return -1
        self.hide(pos, end + 1)
        return end + 1

    def angle(self, pos: int) -> tuple[int, bool]:
        """At a `<`: the end of an autolink (rules_inline/autolink.py) or of inline HTML
        (rules_inline/html_inline.py), or -1; and whether it is an autolink."""
        src, size = self.src, self.size
        close = src.find(">", pos + 1)
        if close >= 0 and src.find("<", pos + 1, close) < 0:
            url = src[pos + 1:close]
            if AUTOLINK.search(url):
                scheme = url[:url.index(":")].lower()
                if scheme == "data":
                    raise _Declined("a data: URL")
                if scheme not in _REFUSED:
                    return close + 1, True
            elif EMAIL.search(url):
                return close + 1, True
        if pos + 2 >= size:
            return -1, False
        ch = src[pos + 1]
        if ch not in "!?/" and not ("a" <= ch <= "z" or "A" <= ch <= "Z"):
            return -1, False
        if self._cannot_close(pos, ch):
            return -1, False
        match = HTML_TAG.match(src, pos)
        return (match.end(), False) if match else (-1, False)

    def _cannot_close(self, pos: int, ch: str) -> bool:
        """html_inline's guard: the terminator the HTML at `pos` needs is nowhere after it (so the
        regular expression is not run to the text's end for each `<`)."""
        src = self.src
        if src.startswith("<!--", pos):
            return self.last(">") < pos + 4 or (
                not src.startswith("<!-->", pos) and not src.startswith("<!--->", pos) and self.last("-->") < pos + 4)
        if src.startswith("<![CDATA[", pos):
            return self.last("]]>") < pos + 9
        if ch == "?":
            return self.last("?>") < pos + 2
        return self.last(">") < pos + (3 if ch == "!" else 2)

    def last(self, term: str) -> int:
        """Where `term` last is in the text (StateInline.html_terminator_last)."""
        found = self.terminators.get(term)
        if found is None:
            found = self.terminators[term] = self.src.rfind(term)
        return found

    def link(self, at: int) -> tuple[int, int, str | None] | None:
        """rules_inline/link.py at a `[`: (its end, its label's end, the note it names), or None where
        it is no link."""
        line, counted = self.line, self.counted
        label_end = self.label(at, False)
        found = None if label_end < 0 else self.destination(label_end + 1)
        if found is None and label_end >= 0 and self.references is not None:
            found = self.reference(at, label_end)
        if found is None:
            self.line, self.counted = line, counted  # the label is to be read again, as text
            return None
        self.hide(label_end, found[0])
        return found[0], label_end, found[1]

    def reference(self, at: int, label_end: int) -> tuple[int, str | None] | None:
        """rules_inline/link.py's reference branch, after the label `[...]` at `at` (with no inline
        destination after it): a full (`[text][label]`), collapsed (`[label][]`) or shortcut
        (`[label]`) reference link's end and the note its definition names, or None where the label
        names no definition."""
        src = self.src
        pos = label_end + 1
        if src.startswith("(", pos):  # a destination that did not read: the rule goes on from where it failed
            raise _Declined("a reference link after a parenthesis")
        label = None
        if src.startswith("[", pos):
            close = _LABEL_STOP.search(src, pos + 1)
            if close is not None:  # else the second label is not closed: a shortcut, ending at the first
                if src[close.start()] != "]":
                    raise _Declined("a reference link's label with tokens of its own")
                label = src[pos + 1:close.start()]
                pos = close.start() + 1
        if not label:
            label = src[at + 1:label_end]
        assert self.references is not None
        found = self.references.get(normalize_reference(label))
        if not found:
            return None
        return pos, markdown_target(found["href"])

    def image(self, at: int) -> int:
        """rules_inline/image.py at a `![` (no reference images): its end, or -1. Nothing in it counts
        (its label is no text token)."""
        line, counted = self.line, self.counted
        label_end = self.label(at + 1, True)
        found = None if label_end < 0 else self.destination(label_end + 1)
        self.line, self.counted = line, counted
        if found is None:
            if label_end >= 0 and self.references is not None:
                raise _Declined("an image, and reference definitions")
            return -1
        self.hide(at, found[0])
        return found[0]

    def destination(self, pos: int) -> tuple[int, str | None] | None:
        """After a label, `(destination "title")` as the link and image rules read it: its end and the
        note it names, or None where there is none."""
        src, size = self.src, self.size
        if pos >= size or src[pos] != "(":
            return None
        pos += 1
        while pos < size and src[pos] in " \t\n":
            pos += 1
        if pos >= size:
            return None
        target = None
        end = destination_end(src, pos, size)
        if end >= 0:
            valid, target = _target(src[pos + 1:end - 1] if src[pos] == "<" else src[pos:end])
            if valid:
                pos = end
            start = pos
            while pos < size and src[pos] in " \t\n":
                pos += 1
            if pos < size and start != pos:
                marker = src[pos]
                end = title_end(src, pos + 1, size, ")" if marker == "(" else marker) if marker in "\"'(" else -1
                if end >= 0:
                    pos = end
                    while pos < size and src[pos] in " \t\n":
                        pos += 1
        if pos >= size or src[pos] != ")":
            return None
        return pos + 1, target

    def label(self, at: int, nested: bool) -> int:
        """helpers/parse_link_label.py: where the `]` closing the label opened at `at` is, or -1.
        Brackets nest in an image's label (`nested`); a link's holds none (nor any link)."""
        src, size = self.src, self.size
        level = 1
        pos = at + 1
        while pos < size:
            ch = src[pos]
            if ch == "]":
                level -= 1
                if level == 0:
                    return pos
                pos += 1
            elif ch == "[":
                if not nested and src.startswith("[", pos + 1) and _wikilink_end(src, pos + 2) >= 0:
                    return -1  # the wikilink rule reads a token at this `[`: a link's label may hold none
                if not nested or src.startswith("[", pos + 1):
                    raise _Declined("a bracket in a link's label, or a wikilink in an image's")
                link = self.link(pos)
                if link is None:
                    level += 1
                    pos += 1
                else:
                    pos = link[0]
            elif ch == "!" and src.startswith("[", pos + 1):
                if src.startswith("[[", pos + 1):
                    end = _wikilink_end(src, pos + 3)
                    if end < 0:
                        raise _Declined("an unclosed embed in a label")
                    pos = end + 2
                else:
                    end = self.image(pos)
                    if end < 0:
                        raise _Declined("a bracket in a label")
                    pos = end
            elif ch in "`$\\<":
                pos = self.skip(pos)[0]
            else:
                pos += 1
        return -1


def _escaped(src: str, pos: int) -> bool:
    """dollarmath's is_escaped: an odd number of backslashes before `pos` (from src[-1] at 0)."""
    count = 0
    while pos >= 0:
        pos -= 1
        if src[pos] != "\\":
            break
        count += 1
    return count % 2 == 1


def _target(destination: str) -> tuple[bool, str | None]:
    """Whether markdown-it keeps a link's destination (validateLink after normalizeLink of
    unescapeAll), and the note it names. A destination with a scheme keeps it in front through all
    three (none of them touches its characters), so it names no note and is refused for
    validateLink's schemes; a plain path takes the branch of normalizeLink that only calls mdurl, so
    the same calls are made without importing markdown-it."""
    if _SCHEME.match(destination):
        scheme = destination[:destination.index(":")].lower()
        if scheme == "data":
            raise _Declined("a data: URL")
        return scheme not in _REFUSED, None
    if "\\" in destination or "&" in destination:
        raise _Declined("a destination with an escape or entity")
    if SAFE_PATH.fullmatch(destination) and not destination.lstrip().startswith("//"):  # (mdurl strips it first)
        return True, markdown_target(destination)  # what normalizeLink makes of it names this note
    href = link_href(destination)
    return (False, None) if href is None else (True, markdown_target(href))


# common/normalize_url.py's validateLink
_BAD_PROTOCOL = re.compile(r"^(vbscript|javascript|file|data):")
_GOOD_DATA = re.compile(r"^data:image\/(gif|png|jpeg|webp);")


def link_href(destination: str) -> str | None:
    """markdown-it's normalizeLink of a link's (unescaped) destination, or None where its validateLink
    refuses the result. Made with mdurl alone, as normalizeLink makes it, where the link has no host or
    a host of plain ASCII (which punycode leaves as it is); else by markdown-it itself."""
    import mdurl

    parsed = mdurl.parse(destination, slashes_denote_host=True)
    host = parsed.hostname
    if host and not (host.isascii() and "\x7f" not in host and "@" not in host and ":" not in host):
        md = markdown()
        href = md.normalizeLink(destination)
        return href if md.validateLink(href) else None
    href = mdurl.encode(mdurl.format(parsed))
    lowered = href.strip().lower()
    return href if not _BAD_PROTOCOL.search(lowered) or _GOOD_DATA.search(lowered) else None
