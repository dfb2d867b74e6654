"""Property blocks of the common kind read without PyYAML, exactly as vault/frontmatter.py's Loader
reads them (tests/cache/test_fast_frontmatter.py holds it to that for any block).

Most property blocks are `key: value` lines, flow lists of words and block lists of values. Reading
them here costs a sixth of what PyYAML does: it builds every value through Python-level
constructors. A block with anything else (quotes other than plain double quotes, comments, nesting,
anchors, tags, multi-line values, times, floats, odd characters, a repeated key) is declined (None)
and goes to PyYAML.
"""
from __future__ import annotations

import re
from datetime import date
from typing import Any

from vaultcrm.vault.frontmatter import BY_FIRST_CHAR

_PLAIN_KEY = re.compile(r"([^\W\d][\w-]*(?: [\w-]+)*):(?: +(.*))?")
_ITEM = re.compile(r"( *)-(?: +(.*))?")  # an empty item is null
_PLAIN = re.compile(r"[^-?:,\[\]{}#&*!|>'\"%@`\s](?:[^:#]|:(?=\S)|(?<=\S)#)*")
_FLOW_PLAIN = re.compile(r"[^-?:,\[\]{}#&*!|>'\"%@`\s][^:#,\[\]{}]*")
_QUOTED = re.compile(r'"[^"\\]*"')
_DAY = re.compile(r"(\d{4})-(\d\d?)-(\d\d?)")
# What PyYAML's reader refuses or the line split would change: every character but a newline, the
# printable ASCII and the ranges \xa0-\u2027, \u202a-\ud7ff, \ue000-\ufefe, \uff00-\ufffd and
# \U00010000-\U0010ffff (written as the few ranges left out, which compile ten times faster)
_ODD = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]")
_STR = "tag:yaml.org,2002:str"


class _NotSimple(Exception):
    pass


def simple_load(lines: list[str]) -> dict[str, Any] | None:
    """The property block `lines` read without PyYAML, or None when it is not of the simple kind."""
    data: dict[str, Any] = {}
    open_key: str | None = None  # a key with no value, which a block list may follow
    indent: int | None = None  # that list's
    try:
        for line in lines:
            line = line.rstrip(" ")
            if not line:
                continue
            if _ODD.search(line):
                raise _NotSimple
            item = _ITEM.fullmatch(line) if open_key is not None else None
            if item is not None and open_key is not None:
                if indent is None:
                    indent, data[open_key] = len(item[1]), []
                elif len(item[1]) != indent:
                    raise _NotSimple
                data[open_key].append(None if item[2] is None else _scalar(item[2], _PLAIN))
                continue
            match = _PLAIN_KEY.fullmatch(line)
            if match is None or match[1] in data or _tag(match[1]) != _STR:
                raise _NotSimple
            key, value = match[1], match[2]
            open_key, indent = (key, None) if not value else (None, None)
            data[key] = None if not value else _flow(value) if value[0] == "[" else _scalar(value, _PLAIN)
    except _NotSimple:
        return None
    return data


def _flow(value: str) -> list[Any]:
    if value[-1] != "]":
        raise _NotSimple
    inner = value[1:-1].strip(" ")
    if not inner:
        return []
    return [_scalar(item.strip(" "), _FLOW_PLAIN) for item in inner.split(",")]


def _scalar(text: str, plain: re.Pattern[str]) -> Any:
    if _QUOTED.fullmatch(text):
        return text[1:-1]
    if not plain.fullmatch(text):
        raise _NotSimple
    tag = _tag(text)
    if tag == _STR:
        return text
    kind = tag.rsplit(":", 1)[-1]
    if kind == "null":
        return None
    if kind == "bool":
        return text.lower() == "true"
    if kind == "int":
        return int(text.replace("_", ""))
    day = _DAY.fullmatch(text) if kind == "timestamp" else None
    if day is None:
        raise _NotSimple  # floats, times, merge keys: PyYAML's business
    try:
        return date(int(day[1]), int(day[2]), int(day[3]))
    except ValueError:
        return text  # as the Loader's construct_yaml_timestamp: not a real day stays text


def _tag(text: str) -> str:
    """The tag the Loader's own implicit resolvers give a plain scalar."""
    for tag, regex in BY_FIRST_CHAR.get(text[0], ()):
        if regex.match(text):
            return tag
    return _STR
