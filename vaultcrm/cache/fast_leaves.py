"""The small readers of the fast parser, transcribed from markdown-it-py (its `UPSTREAM`): list markers,
ATX headings, table cells, the HTML block conditions, dollarmath's equation label, whether a line may
open a reference definition, and a link's destination, its title and a reference's label. The test
suite checks the regular expressions against the library's own, and the readers against its helpers."""
from __future__ import annotations

import re

# markdown-it's mdTrim (CommonMark whitespace)
MD_TRIM = ('\t\n\x0b\x0c\r \xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009'
           '\u200a\u2028\u2029\u202f\u205f\u3000')
# common/html_re.py's open and close tags, and rules_block/html_block.py's seven start conditions,
# each with its end condition and whether it may end a paragraph
_ATTRIBUTE = (r"""(?:\s+[a-zA-Z_:][a-zA-Z0-9:._-]*(?:\s*=\s*(?:[^"'=<>`\x00-\x20]+|'[^']*'|"[^"]*"))?)""")
OPEN_TAG = "<[A-Za-z][A-Za-z0-9\\-]*" + _ATTRIBUTE + "*\\s*\\/?>"
CLOSE_TAG = "<\\/[A-Za-z][A-Za-z0-9\\-]*\\s*>"
OPEN_CLOSE_TAG = "^(?:" + OPEN_TAG + "|" + CLOSE_TAG + ")"
_BLOCK_NAMES = (
    "address|article|aside|base|basefont|blockquote|body|caption|center|col|colgroup|dd|details|dialog|dir|"
    "div|dl|dt|fieldset|figcaption|figure|footer|form|frame|frameset|h1|h2|h3|h4|h5|h6|head|header|hr|html|"
    "iframe|legend|li|link|main|menu|menuitem|nav|noframes|ol|optgroup|option|p|param|search|section|summary|"
    "table|tbody|td|tfoot|th|thead|title|tr|track|ul")
HTML_SEQUENCES: list[tuple[re.Pattern[str], re.Pattern[str], bool]] = [
    (re.compile(r"^<(?a:(script|pre|style|textarea))(?=(\s|>|$))", re.IGNORECASE),
     re.compile(r"<\/(?a:(script|pre|style|textarea))>", re.IGNORECASE), True),
    (re.compile(r"^<!--"), re.compile(r"-->"), True),
    (re.compile(r"^<\?"), re.compile(r"\?>"), True),
    (re.compile(r"^<![A-Za-z]"), re.compile(r">"), True),
    (re.compile(r"^<!\[CDATA\["), re.compile(r"\]\]>"), True),
    (re.compile("^</?(?a:(" + _BLOCK_NAMES + "))(?=(\\s|/?>|$))", re.IGNORECASE), re.compile(r"^$"), True),
    (re.compile(OPEN_CLOSE_TAG + "\\s*$"), re.compile(r"^$"), False),
]
MATH_LABEL = re.compile(r"^\s*\)([^)$\r\n]+?)\(\s*\${2}")  # dollarmath's DOLLAR_EQNO_REV (on the reversed line)


def bullet_marker(src: str, pos: int, size: int) -> int:
    """skipBulletListMarker: the position after `-`, `+` or `*` and before a blank or the line's end, or -1."""
    if pos >= size or src[pos] not in "*-+":
        return -1
    pos += 1
    if pos < size and src[pos] not in " \t":
        return -1
    return pos


def ordered_marker(src: str, pos: int, size: int) -> int:
    """skipOrderedListMarker: the position after `1.` or `1)` (at most 9 digits), or -1."""
    start = pos
    if pos + 1 >= size or not "0" <= src[pos] <= "9":
        return -1
    pos += 1
    while True:
        if pos >= size:
            return -1
        ch = src[pos]
        pos += 1
        if "0" <= ch <= "9":
            if pos - start >= 10:
                return -1
            continue
        if ch in ").":
            break
        return -1
    if pos < size and src[pos] not in " \t":
        return -1
    return pos


def atx(src: str, pos: int, size: int) -> int:
    """rules_block/heading.py: the position after the `#`s of an ATX heading at `pos`, or -1."""
    if pos >= size or src[pos] != "#":
        return -1
    level = 1
    pos += 1
    while pos < size and src[pos] == "#" and level <= 6:
        level += 1
        pos += 1
    if level > 6 or (pos < size and src[pos] not in " \t"):
        return -1
    return pos


def atx_content(src: str, pos: int, size: int) -> str:
    """An ATX heading's text: without the closing `#`s (after a blank) and surrounding whitespace."""
    while size > pos and src[size - 1] in " \t":
        size -= 1
    hashes = size
    while hashes > pos and src[hashes - 1] == "#":
        hashes -= 1
    if hashes > pos and src[hashes - 1] in " \t":
        size = hashes
    return src[pos:size].strip(MD_TRIM)


def table_cells(text: str) -> list[str]:
    """rules_block/table.py's escapedSplit of a row, without an empty first or last cell."""
    cells: list[str] = []
    if "\\" in text:
        current = ""
        last = 0
        escaped = False
        for pos, ch in enumerate(text):
            if ch == "|":
                if not escaped:
                    cells.append(current + text[last:pos])
                    current = ""
                    last = pos + 1
                else:
                    current += text[last:pos - 1]
                    last = pos
            escaped = ch == "\\"
        cells.append(current + text[last:])
    else:
        cells = text.split("|")
    if cells and cells[0] == "":
        cells.pop(0)
    if cells and cells[-1] == "":
        cells.pop()
    return cells


def maybe_reference(text: str) -> bool:
    """Whether rules_block/reference.py might read a reference definition from this line (starting
    with its `[`, without the line break), or on from it. False only where it certainly cannot: a
    label that holds `[` or is not followed by `:`, or a destination followed on the line by what
    can be neither a title nor the line's end."""
    size = len(text)
    pos = 1
    while pos < size:
        ch = text[pos]
        if ch == "[":
            return False
        if ch == "]":
            break
        pos += 2 if ch == "\\" else 1
    else:
        return True  # the label may go on on the next line
    pos += 1
    if pos >= size or text[pos] != ":":
        return False
    pos += 1
    while pos < size and text[pos] in " \t":
        pos += 1
    if pos >= size or text[pos] == "<":
        return True
    start = pos
    level = 0
    while pos < size:
        ch = text[pos]
        if ch == " " or ch < " " or ch == "\x7f":
            break
        if ch == "\\":
            return True
        if ch == "(":
            level += 1
            if level > 32:
                return False
        elif ch == ")":
            if level == 0:
                break
            level -= 1
        pos += 1
    if pos == start or level:
        return False  # no destination
    end = pos
    while pos < size and text[pos] in " \t":
        pos += 1
    return pos >= size or (pos > end and text[pos] in "\"'(")


# -- reference definitions and link destinations ------------------------------------------------------

_PLAIN_DESTINATION = re.compile(r"[^\x00-\x20\x7f()\\]*")
_MD_TRIM_RUN = re.compile("[" + re.escape(MD_TRIM) + "]+")


def destination_end(src: str, pos: int, size: int) -> int:
    """helpers/parse_link_destination.py: where the destination at `pos` ends, or -1."""
    if src[pos] == "<":
        pos += 1
        while pos < size:
            ch = src[pos]
            if ch == "\n" or ch == "<":
                return -1
            if ch == ">":
                return pos + 1
            pos += 2 if ch == "\\" and pos + 1 < size else 1
        return -1
    start = pos
    pos = _PLAIN_DESTINATION.match(src, pos).end()  # type: ignore[union-attr]
    if pos >= size or src[pos] not in "()\\":
        return pos if pos != start else -1
    level = 0
    while pos < size:
        ch = src[pos]
        if ch == " " or ch < " " or ch == "\x7f":
            break
        if ch == "\\" and pos + 1 < size:
            if src[pos + 1] == " ":
                break
            pos += 2
            continue
        if ch == "(":
            level += 1
            if level > 32:
                return -1
        elif ch == ")":
            if level == 0:
                break
            level -= 1
        pos += 1
    return pos if pos != start and level == 0 else -1


def title_end(src: str, pos: int, size: int, marker: str) -> int:
    """helpers/parse_link_title.py from `pos`, inside a title that `marker` closes: the position after
    the marker; -1 where a `(` comes inside parentheses; -2 where `size` comes first (a reference
    definition's title may go on onto its next line)."""
    while pos < size:
        ch = src[pos]
        if ch == marker:
            return pos + 1
        if ch == "(" and marker == ")":
            return -1
        if ch == "\\" and pos + 1 < size:
            pos += 1
        pos += 1
    return -2


def normalize_reference(label: str) -> str:
    """common/utils.py's normalizeReference: a reference label as definitions are looked up by."""
    return _MD_TRIM_RUN.sub(" ", label.strip(MD_TRIM)).lower().upper()


def unescaped(text: str) -> str:
    """common/utils.py's unescapeAll: backslash escapes and entities resolved (by markdown-it, where
    there are any)."""
    if "\\" not in text and "&" not in text:
        return text
    from markdown_it.common.utils import unescapeAll

    return unescapeAll(text)
