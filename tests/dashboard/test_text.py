"""Text from notes shown as written (behaviour §5): what a note says reads the same in the dashboard,
under CommonMark, under markdown-it with Obsidian's additions, and under vaultcrm's own reading; and a
name can still never make structure."""
from __future__ import annotations

import html
import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote

from click.testing import Result
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from mdit_py_plugins.dollarmath import dollarmath_plugin

from tests.conftest import wikilink_rule
from vaultcrm.dashboard.text import md_inline, note_link, shorten
from vaultcrm.vault.text import plain_text

MARKUP = "\\`*_[]<>&#|$%=~^!:;()-+.{}\"' \t\n"
PIECES = [*MARKUP, *"ab1é", "&amp;", "&#35;", "[[", "]]", "%%", "==", "~~", "::", " ^id", "**", "http://x.y",
          "<b>", "`x`", "\\$"]
TEXT = st.lists(st.sampled_from(PIECES), max_size=30).map("".join) | st.text(
    st.characters(exclude_categories=("Cs",)), max_size=40)


def normal(text: str) -> str:
    """What the dashboard promises to show: the text on one line, control characters dropped."""
    return " ".join(re.sub(r"[\x00-\x1f\x7f]", " ", text).split())


def obsidian() -> MarkdownIt:
    """markdown-it with what Obsidian adds to CommonMark inside a line: HTML, tables, strikethrough,
    math and wikilinks."""
    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    md.use(dollarmath_plugin)
    md.inline.ruler.before("link", "wikilink", wikilink_rule)
    return md


OBSIDIAN = obsidian()
COMMONMARK = MarkdownIt("commonmark")
# What only Obsidian reads inside a line, unescaped: tags, comments, highlights, block ids, fields.
OBSIDIAN_ONLY = re.compile(r"(?<![\\\w])#[^\s#]|(?<!\\)%%|(?<!\\)==|(?<!\\)~~|(?<!\\)\^|(?<!\\)::")


@settings(max_examples=400)
@given(TEXT)
def test_any_text_renders_back_to_itself(text: str) -> None:
    shown = md_inline(text)
    assert "\n" not in shown
    # CommonMark: one paragraph of text, nothing else.
    rendered = COMMONMARK.render(f"« {shown} »")
    body = rendered.removeprefix("<p>").removesuffix("</p>\n")
    assert "<" not in body.replace("&lt;", ""), rendered
    assert html.unescape(body) == f"« {normal(text)} »"
    # markdown-it with Obsidian's additions: only text tokens.
    inline = OBSIDIAN.parse(f"- [ ] x — {shown} ·")[3]
    assert {child.type for child in inline.children or ()} <= {"text"}
    assert inline.content.startswith("[ ] x — ")
    assert "".join(c.content for c in inline.children or ()) == f"[ ] x — {normal(text)} ·"
    assert not OBSIDIAN_ONLY.search(shown), shown
    # vaultcrm's own reading of a line.
    assert plain_text(shown) == normal(text)


@settings(max_examples=300)
@given(TEXT.filter(lambda t: normal(t) != ""), TEXT)
def test_a_link_shows_the_name_as_written_and_leads_to_its_note(name: str, file: str) -> None:
    path = f"People/{normal(file) or 'x'}.md"
    link = note_link(path, name)
    children = OBSIDIAN.parse(f"{link} — why")[1].children or []
    kinds = [c.type for c in children]
    if kinds[0] == "wikilink":
        target, _, label = children[0].content.partition("|")
        assert (target + ".md", label) == (path, normal(name))
        assert kinds[1:] == ["text"]
    else:
        close = kinds.index("link_close")
        assert kinds[0] == "link_open" and kinds[close + 1:] == ["text"], kinds
        assert unquote(str(children[0].attrs["href"])) == path
        assert "".join(c.content for c in children[1:close]) == normal(name)


def test_escapes_are_not_doubled_and_punctuation_is_not_eaten() -> None:
    assert plain_text("paid \\$5 for *great* coffee") == "paid $5 for great coffee"
    assert md_inline(plain_text("paid \\$5")) == "paid \\$5"
    assert plain_text("met [[Jane Doe|Jane]] and [Bob](Bob.md) ![[face.png]] #give") == "met Jane and Bob #give"
    assert plain_text("==big== news, ~~old~~ new ^block-1") == "big news, old new"
    assert plain_text("send the deck 📅 2026-11-24 ✅ 2026-11-25") == "send the deck"


def test_shortening_cuts_at_a_word_and_says_so() -> None:
    assert shorten("Lunch at Tartine; she offered to put in a word", 20) == "Lunch at Tartine…"
    assert shorten("short", 20) == "short"
    assert len(shorten("x" * 50, 20)) == 20


def test_a_quote_in_the_dashboard_reads_as_the_note_does(make_vault: Callable[..., Path],
                                                         run: Callable[..., Result]) -> None:
    vault = make_vault({"People/Ann.md": "---\ntier: A\n---\n- 2026-11-01 — *great* chat, paid \\$5 #give\n"})
    assert run(vault, "sync").exit_code == 0
    line = next(line for line in (vault / "CRM/Due this week.md").read_text("utf-8").splitlines() if "Ann" in line)
    assert "“great chat, paid \\$5 \\#give”" in line
    assert plain_text(line).endswith("“great chat, paid $5 #give”")
