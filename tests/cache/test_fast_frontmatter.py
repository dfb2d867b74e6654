"""fast_frontmatter.simple_load reads the common property blocks without PyYAML: for any block it must give
exactly what the Loader gives, or decline (None) and leave the block to PyYAML."""
from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from vaultcrm.cache.fast_frontmatter import simple_load
from vaultcrm.vault.frontmatter import Loader, read

KEYS = ["name", "tags", "last_contact", "prm-tier", "how met", "Имя", "a_b", "true", "False", "null", "y", "on",
        "2025", "~", "x.y", "key ", " key", "<<", "=", "NaN"]
SCALARS = ["Jane Doe", "true", "False", "TRUE", "yes", "no", "on", "null", "Null", "~", "0", "-0", "+5", "1_000", "007",
           "0x1f", "0o7", "1.5", "1e3", ".inf", "-.inf", ".NaN", "2025-07-22", "2025-7-2", "2025-13-45", "2025-02-29",
           "2025-07-22 10:00", "2025-07-22T10:00:00Z", "12:30", "1:20", "a: b", "a:b", "a:", "a #b", "C#", "#tag",
           "http://x.y/z?q=1", "[[Jane Doe]]", '"[[Jane Doe]]"', '"a, b"', '"a # b: c"', '"say \\"hi\\""',
           '"back\\\\slash"', "'single'", "a, b", "a  b", "&anchor", "*alias", "!!str x", "|", ">", "- x", "-x", "?x",
           "@x", "%x", "`x`", "Мария Петрова", "é", "x\u2028y", "x\u0085y", "x\ty", "x\x07y", "<<", "=", "{a: 1}",
           "{}", "a]", "a}"]
FLOWS = ["[]", "[ ]", "[a, b]", "[a,b]", "[ a , b ]", "[1, 2025-01-01, true, ~]", '["[[A]]", "[[B]]"]', "[a, [b]]",
         "[a,, b]", "[a, b,]", "[a b, c]", '["a, b"]', "[a: b]", "[a #b]", "[a] x", "[a", "[[A]]", "[-1]", "[a:b]"]
VALUES = SCALARS + FLOWS


def block_line(key: str, value: str | None) -> str:
    return f"{key}:" if value is None else f"{key}: {value}"


line = st.one_of(
    st.builds(block_line, st.sampled_from(KEYS), st.one_of(st.none(), st.sampled_from(VALUES))),
    st.builds(lambda indent, value: f"{' ' * indent}- {value}", st.sampled_from([0, 0, 2, 4]), st.sampled_from(SCALARS)),
    st.sampled_from(["", "  ", "# a comment", "  continued", "- ", "-", "---", "  nested: 1", "key:value", "key : v",
                     "tags:  [a, b]  ", "a: b # note"]),
)


def pyyaml(lines: list[str]) -> Any:
    """What the Loader makes of the block, or the exception class it raises."""
    try:
        return yaml.load("\n".join(lines), Loader=Loader)
    except Exception as exc:
        return type(exc)


@settings(max_examples=3000, deadline=None)
@given(st.lists(line, max_size=8))
def test_simple_load_agrees_with_pyyaml_or_declines(lines: list[str]) -> None:
    fast = simple_load(lines)
    if fast is not None:
        expected = pyyaml(lines)
        assert fast == (expected if expected is not None else {}), lines
        assert [type(v) for v in fast.values()] == [type(v) for v in expected.values()] if expected else True


@pytest.mark.parametrize(("block", "expected"), [
    (["created: 2025-07-22", "tags: [yarrow, birch]"], {"created": date(2025, 7, 22), "tags": ["yarrow", "birch"]}),
    (["name: Мария Петрова", "company: \"[[Acme]]\"", "tier: 1"],
     {"name": "Мария Петрова", "company": "[[Acme]]", "tier": 1}),
    (["attendees:", "  - \"[[Jane Doe]]\"", "  - \"[[Bob]]\"", "date: 2026-11-02"],
     {"attendees": ["[[Jane Doe]]", "[[Bob]]"], "date": date(2026, 11, 2)}),
    (["aliases:", "- JD", "paused: false", "met:", "linkedin: https://linkedin.com/in/jd"],
     {"aliases": ["JD"], "paused": False, "met": None, "linkedin": "https://linkedin.com/in/jd"}),
    (["birthday: 1990-02-30"], {"birthday": "1990-02-30"}),
    (["aliases: ", "- ", "tags:", "- seedling", "-", "publish: true"],
     {"aliases": [None], "tags": ["seedling", None], "publish": True}),
])
def test_the_common_blocks_are_read_without_pyyaml(block: list[str], expected: dict[str, Any]) -> None:
    assert simple_load(block) == expected == pyyaml(block)


@pytest.mark.parametrize("block", [["a: 1", "a: 2"], ["a: x # comment"], ["a: 'quoted'"], ["a: 1.5"],
                                   ["a:", "  b: 1"], ["a: [[Jane]]"], ["a: 2025-07-22 10:00:00"]])
def test_anything_else_is_left_to_pyyaml(block: list[str]) -> None:
    assert simple_load(block) is None


def test_a_repeated_key_is_still_reported_at_its_line() -> None:
    found = read(["---", "tier: A", "name: Jane", "tier: B", "---"])
    assert found.error == "the property 'tier' appears twice; keep only one of them" and found.error_line == 4


def reference_resolvers() -> dict[str, list[tuple[str, Any]]]:
    """The Loader's table as it was first built: PyYAML's safe resolvers without its YAML 1.1 booleans,
    integers and floats, then YAML 1.2-style ones."""
    import re

    dropped = {"tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"}
    table = {first: [(tag, regex) for tag, regex in items if tag not in dropped]
             for first, items in yaml.SafeLoader.yaml_implicit_resolvers.items()}
    for tag, pattern, firsts in [
            ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
            ("tag:yaml.org,2002:int", r"^[-+]?(?:0|[1-9][0-9_]*)$", "-+0123456789"),
            ("tag:yaml.org,2002:float",
             r"^(?:[-+]?[0-9][0-9_]*\.[0-9_]*(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
             "-+0123456789.")]:
        for first in firsts:
            table.setdefault(first, []).append((tag, re.compile(pattern)))
    return table


@given(st.one_of(st.sampled_from(SCALARS + KEYS + ["2025-07-22 10:00:00", "2025-07-22T10:00:00.5+01:00",
                                                   "2025-7-22 1:00:00", "1:20:30", "0b101", "0o17", "0x1F", "1e5"]),
                 st.text(min_size=1)))
def test_the_resolver_table_is_pyyamls_with_yaml_1_2_scalars(text: str) -> None:
    from vaultcrm.cache.fast_frontmatter import _tag

    expected = next((tag for tag, regex in reference_resolvers().get(text[0], []) if regex.match(text)),
                    "tag:yaml.org,2002:str")
    assert _tag(text) == expected


def test_the_odd_characters_are_those_outside_the_kept_ranges() -> None:
    """`_ODD`, written as the ranges it finds, finds every character outside the ranges kept, and only those."""
    from vaultcrm.cache.fast_frontmatter import _ODD

    kept = re.compile("[\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")
    every = "".join(map(chr, range(0x110000)))
    assert [m.start() for m in _ODD.finditer(every)] == [i for i, ch in enumerate(every) if not kept.match(ch)]
