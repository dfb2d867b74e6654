"""Splitting and loading a note's properties exactly as Obsidian does, with a safe YAML loader (behaviour §1.1)."""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

MAX_FRONTMATTER_BYTES = 64 * 1024
# A key ends at its line's first colon; its trailing blanks are trimmed afterwards, never by the regex:
# a lazy key followed by `[ \t]*` backtracks over every blank for every character (a long line of
# spaces took minutes).
_KEY_LINE = re.compile(r"""^(?:"([^"]+)"[ \t]*|'([^']+)'[ \t]*|([^\s#:'"\-?][^:]*)):(?:[ \t]|$)""")

# How a plain scalar gets its type: PyYAML's safe resolvers, in their order, but YAML 1.2-style
# booleans (only true/false), integers and floats (no sexagesimal, octal or binary). The Loader (and
# the cache's faster reader, cache/fast_frontmatter.py) resolve with this table.
_RESOLVERS: list[tuple[str, re.Pattern[str], str]] = [
    ("tag:yaml.org,2002:merge", re.compile(r"^(?:<<)$"), "<"),
    ("tag:yaml.org,2002:null", re.compile(r"^(?: ~ |null|Null|NULL | )$", re.X), "~nN"),
    ("tag:yaml.org,2002:timestamp", re.compile(r"""^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]
        |[0-9][0-9][0-9][0-9] -[0-9][0-9]? -[0-9][0-9]? (?:[Tt]|[ \t]+)[0-9][0-9]? :[0-9][0-9] :[0-9][0-9]
         (?:\.[0-9]*)? (?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$""", re.X), "0123456789"),
    ("tag:yaml.org,2002:value", re.compile(r"^(?:=)$"), "="),
    ("tag:yaml.org,2002:yaml", re.compile(r"^(?:!|&|\*)$"), "!&*"),
    ("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), "tTfF"),
    ("tag:yaml.org,2002:int", re.compile(r"^[-+]?(?:0|[1-9][0-9_]*)$"), "-+0123456789"),
    ("tag:yaml.org,2002:float", re.compile(
        r"^(?:[-+]?[0-9][0-9_]*\.[0-9_]*(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"),
     "-+0123456789."),
]
BY_FIRST_CHAR: dict[str, list[tuple[str, re.Pattern[str]]]] = {}
for _tag_name, _regex, _firsts in _RESOLVERS:
    for _first in [*_firsts, *([""] if _tag_name.endswith("null") else [])]:
        BY_FIRST_CHAR.setdefault(_first, []).append((_tag_name, _regex))


def __getattr__(name: str) -> Any:
    if name == "Loader":  # built on first use: importing PyYAML costs 15 ms, and most blocks do without
        return _loader()
    raise AttributeError(name)


@lru_cache(maxsize=1)
def _loader() -> type:
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class Loader(base):  # type: ignore[misc, valid-type]
        """Safe loading, YAML 1.2-style scalars (only true/false are booleans; no sexagesimal numbers),
        and no silently repeated keys."""

        yaml_implicit_resolvers = BY_FIRST_CHAR

        def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
            seen: set[Any] = set()
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=True)
                try:
                    duplicate = key in seen
                except TypeError:
                    raise yaml.constructor.ConstructorError(
                        None, None, "a key is itself a list or mapping (an unquoted {{...}} placeholder?)",
                        key_node.start_mark) from None
                if duplicate:
                    raise DuplicateKey(str(key), key_node.start_mark.line)
                seen.add(key)
            mapping: dict[Any, Any] = super().construct_mapping(node, deep=deep)
            return mapping

        def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
            """A date-shaped value that is not a real day (`2026-13-45`) stays text, for the field to report."""
            try:
                return super().construct_yaml_timestamp(node)
            except ValueError:
                return self.construct_scalar(node)

    Loader.add_constructor("tag:yaml.org,2002:timestamp", Loader.construct_yaml_timestamp)
    return Loader


class DuplicateKey(Exception):
    def __init__(self, key: str, line: int) -> None:
        super().__init__(key)
        self.key, self.line = key, line


@dataclass
class Frontmatter:
    """The result of reading a note's property block."""

    data: dict[str, Any] = field(default_factory=dict)
    key_lines: dict[str, int] = field(default_factory=dict)
    body_start: int = 0  # index of the first body line
    present: bool = False  # whether the note has a property block
    error: str | None = None
    error_line: int | None = None


def is_fence(line: str, *, closing: bool = False) -> bool:
    """Whether a line (without its line ending) opens, or closes, the property block: `---` (closing:
    also `...`) followed by nothing but whitespace of any kind (a non-breaking space, a form feed).
    The reader and the write-back edit both ask this, so that they always see the same block."""
    bare = line.rstrip()
    return bare == "---" or (closing and bare == "...")


def split(lines: list[str]) -> tuple[int, int] | None:
    """(opening, closing) line indexes of the property block, or None when the note has none."""
    if not lines or not is_fence(lines[0]):
        return None
    for index in range(1, len(lines)):
        if is_fence(lines[index], closing=True):
            return 0, index
    return None


Load = Callable[[list[str]], "dict[str, Any] | None"]  # a faster loader for some blocks; None: declined


def read_text(text: str, load: Load | None = None) -> tuple[Frontmatter, str]:
    """`read` of a whole note's text (LF line endings, no BOM), and the body after the property block.

    The same as `read(text.split("\\n"))` and `"\\n".join(lines[body_start:])`, without splitting
    and re-joining the body: only the property block is cut into lines.
    """
    if not text.startswith("---"):
        return Frontmatter(), text
    newline = text.find("\n")
    if newline < 0 or not is_fence(text[:newline]):
        return Frontmatter(), text
    start = newline + 1
    while True:
        newline = text.find("\n", start)
        line = text[start:] if newline < 0 else text[start:newline]
        if is_fence(line, closing=True):
            end = len(text) if newline < 0 else newline + 1
            return read(text[:end].split("\n"), load), text[end:]
        if newline < 0:
            return Frontmatter(), text
        start = newline + 1


def read(lines: list[str], load: Load | None = None) -> Frontmatter:
    """Load the property block of a note given as lines (no BOM, no line endings), with PyYAML (after
    `load`, which may read the block first)."""
    bounds = split(lines)
    if bounds is None:
        return Frontmatter()
    _, close = bounds
    block = lines[1:close]
    result = Frontmatter(body_start=close + 1, present=True)
    for index, line in enumerate(block, start=2):
        match = _KEY_LINE.match(line)
        if match:
            result.key_lines.setdefault(next(g for g in match.groups() if g is not None).strip(), index)
    text = "\n".join(block)
    if len(text.encode("utf-8")) > MAX_FRONTMATTER_BYTES:
        result.error = "its properties (the frontmatter block) are larger than 64 KiB, so they are not read"
        return result
    data = load(block) if load is not None else None
    if data is None and text.strip():
        import yaml

        try:
            if ("&" in text or "*" in text) and _uses_anchors(text):
                result.error = ("its properties use YAML anchors or aliases (& or *), which vaultcrm does not "
                                "read; write the values out in full")
                return result
            data = yaml.load(text, Loader=_loader())
        except DuplicateKey as dup:
            result.error, result.error_line = (f"the property {dup.key!r} appears twice; keep only one of them",
                                               dup.line + 2)
            return result
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            result.error = (f"its properties are not valid YAML ({problem}); fix the line, e.g. put quotes "
                            "around a value such as \"{{date}}\" or \"@handle\"")
            result.error_line = mark.line + 2 if mark is not None else 2
            return result
    if data is None:
        return result
    if not isinstance(data, dict):
        result.error = "its properties are not a list of `key: value` lines"
        result.error_line = 2
        return result
    result.data = {str(key): value for key, value in data.items()}
    return result


def _uses_anchors(text: str) -> bool:
    import yaml

    for token in yaml.scan(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
        if isinstance(token, (yaml.AnchorToken, yaml.AliasToken)):
            return True
    return False
