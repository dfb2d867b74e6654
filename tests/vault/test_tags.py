"""A line's `#tags` (behaviour §3), and how they reach the touches: a dated line's, a daily note
line's, and a meeting note's own tags."""
from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vaultcrm.config import Config
from vaultcrm.crm.touches import Contributor, assemble
from vaultcrm.vault.notes import parse
from vaultcrm.vault.tags import has_tag, line_tags


@pytest.mark.parametrize(("text", "tags"), [
    ("coffee #interview", ("interview",)),
    ("#Info-Interview with [[Bob]]", ("info-interview",)),
    ("(#intro) and [#referral](Bob.md)", ("intro", "referral")),
    ("#intro/warm #intro/warm #INTRO", ("intro/warm", "intro")),
    ("#интервью", ("интервью",)),
    ("a#intro \\#intro &#35;intro", ()),
    ("`#intro` ``x #intro``", ()),
    ("[[#intro]] [[Bob|#intro]] ![[x#intro]] [t](#intro)", ()),
    ("#1 #2026 #-/", ()),
    ("#y1984!", ("y1984",)),
    ("no tag", ()),
])
def test_line_tags(text: str, tags: tuple[str, ...]) -> None:
    assert line_tags(text) == tags


def _blanked_tags(text: str) -> tuple[str, ...]:
    """line_tags without its shortcut: the spans blanked and tags looked for in every text."""
    hidden = re.compile(r"(?<!`)(`+)(?!`).+?(?<!`)\1(?!`)|!?\[\[[^\]]*\]\]|\]\([^)]*\)")
    found = re.findall(r"(?<![^\s(\[])#([\w/-]+)", hidden.sub(lambda m: " " * len(m[0]), text))
    return tuple(dict.fromkeys(tag.lower() for tag in found if any(ch.isalpha() for ch in tag)))


@given(st.lists(st.sampled_from(["#", "a", "1", "-", "/", " ", "\n", "\t", "`", "``", "[", "]", "[[", "]]", "(",
                                 ")", "](", "!", "|", "\\", "&", "\xa0", "я", "_", "x#y"]), max_size=30).map("".join))
def test_line_tags_skips_only_texts_without_tags(text: str) -> None:
    assert line_tags(text) == _blanked_tags(text)


def test_a_child_tag_counts_for_its_parent() -> None:
    assert has_tag(("intro/warm",), ("intro",)) and has_tag(("intro",), ("x", "intro"))
    assert not has_tag(("introduction",), ("intro",)) and not has_tag((), ("intro",))


def test_touches_carry_the_tags_of_their_line_and_of_a_meeting_note() -> None:
    notes = {
        "People/Ann Lee.md": "- 2026-11-02 — informational interview #interview #give\n",
        "Daily/2026-11-10.md": "- asked [[Ann Lee]] for a referral #referral\n",
        "Meetings/2026-11-12 Chat.md": "---\ndate: 2026-11-12\nattendees: ['[[Ann Lee]]']\ntags: [meeting, Info-Interview]\n---\n",
    }
    contributor = Contributor(list(notes), Config())
    index = assemble({path: contributor(parse(path, text.encode())) for path, text in notes.items()},
                     date(2026, 11, 22))
    (ann,) = index.contacts
    assert [(t.day.day, t.source, t.tags) for t in ann.touches] == [
        (2, "line", ("interview", "give")), (10, "daily", ("referral",)),
        (12, "meeting", ("meeting", "info-interview"))]
    assert ann.gives == 1
