"""The parser as a unit: `vaultcrm.vault.notes.parse(path, bytes) -> Note` and
`vaultcrm.vault.frontmatter.read`.

Each test is one awkward note as real vaults write people notes, or a synthetic one for what they
lacked (BOM, CRLF, duplicate keys, alias bombs). Parsing is pure and must never raise: what is wrong becomes a Problem on the Note.
"""
from __future__ import annotations

import time
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vaultcrm.crm.contacts import tags_of
from vaultcrm.parsed import Entry, Note
from vaultcrm.vault import frontmatter
from vaultcrm.vault.dates import link_target as value_link
from vaultcrm.vault.dates import to_date
from vaultcrm.vault.notes import parse
from vaultcrm.vault.text import link_target, markdown_target


def note(text: str | bytes, path: str = "People/Jane Doe.md") -> Note:
    return parse(path, text.encode("utf-8") if isinstance(text, str) else text)


def links(n: Note) -> list[str]:
    return [link.target for e in n.entries for link in e.links]


def entry_at(n: Note, line: int) -> Entry:
    found = [e for e in n.entries if e.line == line]
    assert len(found) == 1, (line, n.entries)
    return found[0]


def dated(n: Note) -> dict[int, date]:
    """line -> date of every dated entry (T2)."""
    return {e.line: e.date for e in n.entries if e.date is not None}


# ---------------------------------------------------------------------------------------------
# Frontmatter as users (and their templates) write it
# ---------------------------------------------------------------------------------------------

def test_unquoted_date_template_is_a_problem_and_the_body_is_still_read() -> None:
    # kepano's Templates/*.md: `created: {{date}}` is a mapping used as a key -> ConstructorError.
    n = note("---\ncreated: {{date}}\ntags: [person]\n---\n# Jane\n- 2026-11-02 — coffee with [[Bob]]\n")
    assert not n.frontmatter_ok
    assert n.frontmatter == {}
    assert len(n.problems) == 1
    problem = n.problems[0]
    assert problem.note == "People/Jane Doe.md" and problem.line == 2
    assert "{{date}}" in problem.message  # says what to do: quote it
    assert dated(n) == {6: date(2026, 11, 2)} and links(n) == ["Bob"]


def test_unquoted_at_handle_is_a_problem_with_its_line() -> None:
    # obsidian-hub: `aliases:` with an unquoted `- @handle` is a ScannerError.
    n = note("---\npublish: true\naliases:\n- @handle\n---\nBody [[X]]\n")
    assert not n.frontmatter_ok and n.frontmatter == {}
    assert [p.line for p in n.problems] == [4]
    assert links(n) == ["X"]


def test_bare_list_item_gives_none_and_is_not_a_problem() -> None:
    # obsidian-hub: `tags:` followed by an empty `- ` item, in 2,669 notes.
    n = note("---\ntags:\n- \n- person\npublish: true\n---\n")
    assert n.frontmatter_ok and n.problems == ()
    assert n.frontmatter["tags"] == [None, "person"]
    assert tags_of(n.frontmatter) == ("person",)
    assert tags_of(note("---\ntags:\n- \n---\n").frontmatter) == ()


def test_date_time_without_seconds_stays_text_and_reads_as_its_date() -> None:
    # BryanHogan/Obsidian-CRM: `Created: 2024-06-14 23:02` is typed `date` but YAML leaves it a string.
    n = note("---\nCreated: 2024-06-14 23:02\nDate: \"2024-06-14\"\nWhen: 2024-06-14T22:47:00+02:00\n---\n")
    assert n.frontmatter["Created"] == "2024-06-14 23:02"
    assert n.frontmatter["Date"] == "2024-06-14"
    assert isinstance(n.frontmatter["When"], datetime)
    assert {to_date(v) for v in n.frontmatter.values()} == {date(2024, 6, 14)}


def test_unquoted_wikilink_value_is_a_nested_list_and_still_a_link() -> None:
    n = note("---\nmet_via: [[Bob Smith]]\ncompany: \"[[Acme|ACME]]\"\nother: [[a], [b]]\n---\n")
    assert n.frontmatter["met_via"] == [["Bob Smith"]]
    assert value_link(n.frontmatter["met_via"]) == "Bob Smith"
    assert value_link(n.frontmatter["company"]) == "Acme"
    assert value_link(n.frontmatter["other"]) is None  # two lists is not one link


def test_yaml_1_1_words_and_sexagesimal_stay_text() -> None:
    n = note("---\ncadence: 1:20\nactive: no\nprm-paused: yes\ntier: 010\nok: true\n---\n")
    assert n.frontmatter == {"cadence": "1:20", "active": "no", "prm-paused": "yes", "tier": "010", "ok": True}


def test_duplicate_key_is_a_problem_at_the_second_occurrence() -> None:
    n = note("---\ntier: A\ncompany: Acme\ntier: B\n---\n- 2026-11-02 [[Bob]]\n")
    assert not n.frontmatter_ok and n.frontmatter == {}
    assert [(p.line, "tier" in p.message) for p in n.problems] == [(4, True)]
    assert dated(n) == {6: date(2026, 11, 2)}


def test_python_object_tag_is_a_problem_and_nothing_runs(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    text = (f"---\nx: !!python/object/apply:os.system [\"touch {marker}\"]\n"
            f"y: !!python/object/apply:pathlib.Path.touch [\"{marker}\"]\n---\n- 2026-11-02 [[Bob]]\n")
    n = note(text)
    assert not n.frontmatter_ok and n.frontmatter == {}
    assert len(n.problems) == 1 and n.problems[0].line == 2
    assert not marker.exists()
    assert links(n) == ["Bob"]


def test_alias_bomb_is_a_problem_quickly() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        prev, cur = chr(96 + i), chr(97 + i)
        lines.append(f"{cur}: &{cur} [{', '.join(['*' + prev] * 9)}]")
    text = "---\n" + "\n".join(lines) + "\n---\n- 2026-11-02 [[Bob]]\n"
    start = time.perf_counter()
    n = note(text)
    assert time.perf_counter() - start < 1.0
    assert not n.frontmatter_ok and n.frontmatter == {}
    assert len(n.problems) == 1 and "alias" in n.problems[0].message
    assert links(n) == ["Bob"]


@pytest.mark.parametrize("line", ["x" + " " * 60_000, "a" + " " * 60_000 + "b", "k" + " " * 300_000 + ": v",
                                  '"k"' + " " * 60_000 + ": v"], ids=["key", "words", "huge", "quoted"])
def test_a_long_run_of_blanks_in_a_property_line_reads_quickly(line: str) -> None:
    start = time.perf_counter()
    n = note(f"---\ntier: A\n{line}\n---\n- 2026-11-02 [[Bob]]\n")
    assert time.perf_counter() - start < 1.0
    assert links(n) == ["Bob"]


def test_alias_bomb_in_a_vault_is_one_problem_and_the_others_still_count(make_vault, due_json) -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        prev, cur = chr(96 + i), chr(97 + i)
        lines.append(f"{cur}: &{cur} [{', '.join(['*' + prev] * 9)}]")
    vault = make_vault({
        "People/Bomb.md": "---\n" + "\n".join(lines) + "\n---\n",
        **{f"People/P{i}.md": "---\ntier: A\n---\n" for i in range(3)},
    })
    start = time.perf_counter()
    data = due_json(vault)
    assert time.perf_counter() - start < 5.0
    assert data["contacts"] == 4  # a contact by folder even though its properties are a problem (behaviour §2)
    assert [p["note"] for p in data["problems"]] == ["People/Bomb.md"]
    assert sorted(r["contact"] for r in data["reminders"]) == ["P0", "P1", "P2"]


def test_a_single_harmless_anchor_is_still_refused() -> None:
    n = note("---\nbase: &b 2026-01-01\nlast_contact: *b\n---\n")
    assert not n.frontmatter_ok and n.frontmatter == {} and len(n.problems) == 1


def test_ampersand_and_star_in_plain_values_are_not_anchors() -> None:
    n = note("---\ncompany: Johnson & Johnson\nrating: 5*\nrole: \"*the* boss\"\n---\n")
    assert n.frontmatter_ok and n.problems == ()
    assert n.frontmatter == {"company": "Johnson & Johnson", "rating": "5*", "role": "*the* boss"}


def test_frontmatter_that_is_not_a_mapping_is_a_problem() -> None:
    for block in ("- a\n- b", "just a sentence", "42"):
        n = note(f"---\n{block}\n---\nBody [[X]]\n")
        assert not n.frontmatter_ok and n.frontmatter == {} and len(n.problems) == 1, block
        assert links(n) == ["X"]


def test_huge_frontmatter_is_a_problem() -> None:
    big = "\n".join(f"k{i}: {'x' * 60}" for i in range(1200))  # > 64 KiB
    n = note(f"---\n{big}\n---\n- 2026-11-02 [[Bob]]\n")
    assert not n.frontmatter_ok and n.frontmatter == {} and "64 KiB" in n.problems[0].message
    assert links(n) == ["Bob"]


def test_non_string_keys_are_read_as_text() -> None:
    n = note("---\n2026: year\n---\n")
    assert n.frontmatter_ok and n.frontmatter == {"2026": "year"}


def test_key_lines_are_recorded_for_every_spelling() -> None:
    n = note("---\nname: Jane\n\"Last Contact\": 2026-11-02\nlast-contact: 2026-11-01\n---\n")
    assert n.key_lines == {"name": 2, "Last Contact": 3, "last-contact": 4}


# ---------------------------------------------------------------------------------------------
# frontmatter.read: where the block starts and ends
# ---------------------------------------------------------------------------------------------

def fm(text: str) -> frontmatter.Frontmatter:
    return frontmatter.read(text.split("\n"))


def test_no_closing_fence_means_no_frontmatter() -> None:
    result = fm("---\ntier: A\n# Jane\n")
    assert not result.present and result.data == {} and result.error is None and result.body_start == 0


def test_dots_close_the_block() -> None:
    result = fm("---\ntier: A\n...\nbody")
    assert result.present and result.data == {"tier": "A"} and result.body_start == 3


def test_fences_with_trailing_spaces_count() -> None:
    result = fm("---  \ntier: A\n--- \t\nbody")
    assert result.present and result.data == {"tier": "A"} and result.body_start == 3


def test_empty_block_is_present_and_empty() -> None:
    result = fm("---\n---\nbody")
    assert result.present and result.data == {} and result.error is None and result.body_start == 2
    blank = fm("---\n\n   \n---\nbody")
    assert blank.present and blank.data == {} and blank.error is None and blank.body_start == 4


def test_fence_must_be_the_first_line() -> None:
    assert not fm("\n---\ntier: A\n---\n").present
    assert not fm("# Title\n---\ntier: A\n---\n").present
    assert not fm("----\ntier: A\n----\n").present
    assert not fm(" ---\ntier: A\n---\n").present


def test_first_closing_fence_wins() -> None:
    result = fm("---\ntier: A\n---\nbody\n---\nmore")
    assert result.data == {"tier": "A"} and result.body_start == 3


def test_body_without_frontmatter_keeps_its_line_numbers() -> None:
    n = note("# Jane\n\n- 2026-11-02 [[Bob]]\n")
    assert dated(n) == {3: date(2026, 11, 2)}


# ---------------------------------------------------------------------------------------------
# Encodings and line endings
# ---------------------------------------------------------------------------------------------

def test_bom_before_the_fence_is_skipped() -> None:
    n = note(b"\xef\xbb\xbf---\ntier: A\n---\n- 2026-11-02 [[Bob]]\n")
    assert n.frontmatter == {"tier": "A"} and n.problems == ()
    assert dated(n) == {4: date(2026, 11, 2)}


def test_crlf_note_reads_like_lf() -> None:
    lf = "---\ntier: A\nmet: 2026-01-02\n---\n# Jane\r\n\n- 2026-11-02 [[Bob]]\n- [ ] call [[Bob]] 📅 2026-12-01\n"
    crlf = parse("p.md", lf.replace("\r\n", "\n").replace("\n", "\r\n").encode())
    plain = parse("p.md", lf.replace("\r\n", "\n").encode())
    assert crlf.frontmatter == plain.frontmatter == {"tier": "A", "met": date(2026, 1, 2)}
    assert crlf.entries == plain.entries
    assert dated(crlf) == {7: date(2026, 11, 2)}
    assert not any("\r" in e.text for e in crlf.entries)


def test_bom_and_crlf_together() -> None:
    n = note(b"\xef\xbb\xbf---\r\ntier: A\r\n---\r\n- 2026-11-02 [[Bob]]\r\n")
    assert n.frontmatter == {"tier": "A"} and dated(n) == {4: date(2026, 11, 2)} and links(n) == ["Bob"]


def test_invalid_utf8_is_a_problem_not_a_crash() -> None:
    n = note(b"---\ntier: A\n---\ncaf\xe9 [[Bob]]\n")
    assert not n.frontmatter_ok and n.entries == () and len(n.problems) == 1
    assert "UTF-8" in n.problems[0].message
    utf16 = note("---\ntier: A\n---\n".encode("utf-16"))
    assert len(utf16.problems) == 1


def test_emoji_and_right_to_left_names() -> None:
    for path in ("People/Welcome 👋.md", "People/שרה כהן.md", "People/سارا.md", "🗂️ Index/Jane .md"):
        n = parse(path, "---\ntier: A\n---\n- 2026-11-02 [[דוד לוי]] and [[🦊 Fox]]\n".encode())
        assert n.path == path and n.problems == ()
        assert links(n) == ["דוד לוי", "🦊 Fox"]
    assert parse("People/Welcome 👋.md", b"").stem == "Welcome 👋"
    assert parse("People/שרה כהן.md", b"").stem == "שרה כהן"


def test_emoji_and_rtl_contacts_get_touches_through_the_cli(make_vault, due_json) -> None:
    vault = make_vault({
        "People/שרה כהן.md": "---\ncadence: 1d\n---\n",
        "People/🦊 Fox.md": "---\ncadence: 1d\n---\n",
        "Daily/2026-11-20.md": "- Coffee with [[שרה כהן]] and [[🦊 Fox|the fox]]\n",
    })
    data = due_json(vault)
    assert {r["contact"]: r["last_touch"] for r in data["reminders"]} == {
        "שרה כהן": "2026-11-20", "🦊 Fox": "2026-11-20"}
    assert {r["evidence"] for r in data["reminders"]} == {"Daily/2026-11-20.md"}


# ---------------------------------------------------------------------------------------------
# Links: targets, tables, comments, code, math, embeds
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("inner, target", [
    ("Jane Doe", "Jane Doe"),
    ("Jane Doe ", "Jane Doe"),               # obsidian-help: [[Quick Switcher ]]
    (" Jane Doe|Jane", "Jane Doe"),
    ("Jane Doe#Log|x", "Jane Doe"),
    ("Jane Doe#^abc123", "Jane Doe"),
    ("Jane Doe^abc123", "Jane Doe"),
    ("People/Jane Doe.md", "People/Jane Doe"),
    ("People/Jane Doe.MD|J", "People/Jane Doe"),
    ("Jane Doe\\|J", "Jane Doe"),            # escaped pipe inside a table
    ("#Heading", ""),                        # same-note heading: no target
])
def test_wikilink_target(inner: str, target: str) -> None:
    assert link_target(inner) == target


@pytest.mark.parametrize("href, target", [
    ("People/Jane%20Doe.md", "People/Jane Doe"),
    ("Jane%20Doe.md#Log", "Jane Doe"),
    ("/People/Jane.md", "People/Jane"),
    ("https://example.com/Jane.md", None),
    ("mailto:jane@example.com", None),
    ("obsidian://open?file=Jane", None),
    ("#Log", None),
    ("", None),
])
def test_markdown_link_target(href: str, target: str | None) -> None:
    assert markdown_target(href) == target


def test_markdown_links_in_the_body_count() -> None:
    n = note("- 2026-11-02 met [Jane](People/Jane%20Doe.md) and [Bob](<Bob Smith.md>), "
             "see [site](https://example.com)\n")
    assert links(n) == ["People/Jane Doe", "Bob Smith"]


def test_escaped_pipe_in_a_table_row() -> None:
    n = note("| Date | Who | Notes |\n|---|---|---|\n"
             "| [[2026-11-02]] | [[People/Jane Doe\\|Jane]] | coffee \\| cake |\n"
             "| 2026-11-03 | [[Bob Smith\\|Bob]] | call |\n"
             "| call | [[Carol]] | no date in the first cell |\n")
    assert [(e.kind, e.date, [link.target for link in e.links]) for e in n.entries] == [
        ("row", date(2026, 11, 2), ["2026-11-02", "People/Jane Doe"]),
        ("row", date(2026, 11, 3), ["Bob Smith"]),
        ("row", None, ["Carol"]),
    ]
    assert [e.line for e in n.entries] == [3, 4, 5]


def test_inline_percent_comments_hide_links() -> None:
    n = note("- 2026-11-02 %% [[Hidden]] %% met [[Shown]] %%[[Also hidden]]%%\n")
    assert links(n) == ["Shown"] and dated(n) == {1: date(2026, 11, 2)}


def test_multi_line_percent_comment_hides_dated_lines_and_keeps_line_numbers() -> None:
    n = note("# Jane\n%%\n- 2026-11-01 [[Hidden]]\n## 2026-11-01 hidden heading\n%%\n- 2026-11-02 [[Shown]]\n")
    assert links(n) == ["Shown"] and dated(n) == {6: date(2026, 11, 2)}


def test_unclosed_percent_comment_hides_the_rest() -> None:
    n = note("- 2026-11-01 [[Shown]]\n%% draft\n- 2026-11-02 [[Hidden]]\n")
    assert links(n) == ["Shown"]


def test_html_comments_hide_links_inline_and_across_lines() -> None:
    n = note("- 2026-11-02 <!-- [[Hidden]] --> [[Shown]]\n\n<!--\n- 2026-11-01 [[Hidden block]]\n-->\n"
             "- 2026-11-03 [[After]]\n")
    assert links(n) == ["Shown", "After"]
    assert dated(n) == {1: date(2026, 11, 2), 6: date(2026, 11, 3)}


def test_obsidian_hub_style_commented_sections() -> None:
    # obsidian-hub person notes: `%% ... %%` and `<!-- ... -->` sections with commented-out links.
    text = ("---\naliases: [Jane]\ntags:\n- \npublish: true\n---\n# Jane\n\n"
            "%% Add a link to a plugin: [[Plugin A]] %%\n\n"
            "<!-- Add a link to a theme: [[Theme B]] -->\n\n"
            "- GitHub: [janedoe](https://github.com/janedoe) ^github\n- Plugins: [[Real Plugin]]\n")
    n = note(text)
    assert n.problems == () and links(n) == ["Real Plugin"]


def test_fenced_code_hides_links() -> None:
    n = note("```\n- 2026-11-01 [[A]]\n```\n~~~md\n- 2026-11-01 [[B]]\n~~~\n````\n```\n[[C]]\n```\n````\n"
             "- 2026-11-02 [[Shown]]\n")
    assert links(n) == ["Shown"] and dated(n) == {12: date(2026, 11, 2)}


def test_percent_signs_inside_fenced_code_do_not_start_a_comment() -> None:
    # Code is literal in Obsidian: `%%` inside a fence (printf, SQL LIKE) comments nothing out.
    n = note("```c\nprintf(\"100%%\");\n```\n- 2026-11-02 [[Shown]]\n")
    assert links(n) == ["Shown"] and dated(n) == {4: date(2026, 11, 2)}


def test_percent_signs_inside_inline_code_do_not_start_a_comment() -> None:
    n = note("- 2026-11-01 explained `a %% b` to [[Bob]]\n- 2026-11-02 [[Shown]]\n")
    assert links(n) == ["Bob", "Shown"]
    assert dated(n) == {1: date(2026, 11, 1), 2: date(2026, 11, 2)}


def test_percent_comments_after_inline_code_later_in_the_line() -> None:
    # a code span's backtick run is measured from where it starts, not from the line's start
    n = note("- 2026-11-02 abcdefgh `x` and `y` %% [[H]] %%\n")
    assert links(n) == []
    n = note("- 2026-11-02 abcdefgh `x` %%c [[Hidden]]%% [[Shown]]\n")
    assert links(n) == ["Shown"]


def test_indented_code_hides_links() -> None:
    n = note("Some text.\n\n    - 2026-11-01 [[Hidden]]\n    [[Hidden too]]\n\n- 2026-11-02 [[Shown]]\n")
    assert links(n) == ["Shown"]


def test_inline_code_hides_links_single_and_double_backticks() -> None:
    n = note("- 2026-11-02 `[[A]]` and ``x ` [[B]] `` then [[Shown]]\n")
    assert links(n) == ["Shown"]


def test_math_hides_links() -> None:
    n = note("- 2026-11-02 $[[A]]$ and [[Shown]]\n\n$$\n[[B]]\n$$\n")
    assert links(n) == ["Shown"]


def test_dollar_amounts_are_not_math() -> None:
    # Obsidian takes `$...$` as math only when no whitespace precedes the closing `$`
    # (forum.obsidian.md/t/inline-math-allow-white-spaces-before-closing-dollar-signs/63551),
    # so "$5 ... $10" is prose and its link counts.
    n = note("- 2026-11-02 paid $5 for coffee with [[Bob]] and $10 for lunch\n")
    assert links(n) == ["Bob"]


def test_escaped_brackets_are_not_a_link() -> None:
    n = note("- 2026-11-02 \\[\\[Not a link]] but [[Shown]]\n")
    assert links(n) == ["Shown"]


def test_embeds_are_not_links() -> None:
    n = note("- 2026-11-02 ![[Jane Doe]] ![[photo.png|100]] ![[Meetings.base#Person]]\n- 2026-11-03 [[Bob]]\n")
    assert links(n) == ["Bob"]
    assert dated(n) == {1: date(2026, 11, 2), 2: date(2026, 11, 3)}


def test_quotes_and_callouts_yield_nothing() -> None:
    n = note("> - 2026-11-01 [[Quoted]]\n\n> [!note] Met [[Callout]]\n> - 2026-11-01 [[Inside]]\n\n"
             "> > [!todo]- nested\n> > [[Deep]]\n\n- 2026-11-02 [[Shown]]\n")
    assert links(n) == ["Shown"] and dated(n) == {9: date(2026, 11, 2)}


def test_mermaid_and_dataview_blocks_are_code() -> None:
    n = note("```mermaid\ngraph TD\n  A[[Jane]] --> B\n  class A internal-link;\n```\n"
             "```dataview\nTABLE x FROM [[Jane]]\n```\n")
    assert links(n) == []


def test_link_lines_follow_soft_breaks() -> None:
    n = note("- 2026-11-16 Intro call with [[Marcus]]\n  he asked for [[Articles]]\n  and <!-- x\n  --> [[Third]]\n")
    e = entry_at(n, 1)
    assert [(link.target, link.line) for link in e.links] == [("Marcus", 1), ("Articles", 2), ("Third", 4)]


# ---------------------------------------------------------------------------------------------
# Dated lines (T2): items, headings, table rows; no inheritance
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("line, day", [
    ("- 2026-11-02", date(2026, 11, 2)),
    ("- 2026-11-02 coffee", date(2026, 11, 2)),
    ("- 2026-11-02: coffee", date(2026, 11, 2)),
    ("- 2026-11-02, coffee", date(2026, 11, 2)),
    ("- 2026-11-02 - coffee", date(2026, 11, 2)),
    ("- 2026-11-02–coffee", date(2026, 11, 2)),
    ("- 2026-11-02—coffee", date(2026, 11, 2)),
    ("- [[2026-11-02]] coffee", date(2026, 11, 2)),
    ("- [[2026-11-02|Monday]] coffee", date(2026, 11, 2)),
    ("- **2026-11-02** coffee", date(2026, 11, 2)),
    ("* 2026-11-02 coffee", date(2026, 11, 2)),
    ("1. 2026-11-02 coffee", date(2026, 11, 2)),
    ("### 2026-11-02 — Mentoring", date(2026, 11, 2)),
    ("Heading\n=======\n\n- 2026-11-02 x", date(2026, 11, 2)),
    ("- 2026-11-02x coffee", None),
    ("- 20261102 coffee", None),
    ("- 2026-13-45 coffee", None),
    ("- coffee on 2026-11-02", None),
    ("2026-11-02 a paragraph is not a dated line", None),
])
def test_leading_dates(line: str, day: date | None) -> None:
    n = note(line + " [[Jane]]\n")
    assert set(dated(n).values()) == ({day} if day else set())


def test_nested_items_do_not_inherit_dates() -> None:
    n = note("## 2026-11-01 Meeting\n- notes about [[A]]\n- 2026-11-02 parent [[B]]\n  - child [[C]]\n"
             "    - grandchild [[D]]\n  - 2026-11-05 dated child [[E]]\n")
    assert dated(n) == {1: date(2026, 11, 1), 3: date(2026, 11, 2), 6: date(2026, 11, 5)}
    assert entry_at(n, 4).date is None and entry_at(n, 5).date is None


def test_second_paragraph_of_an_item_is_not_dated() -> None:
    n = note("- 2026-11-02 first\n\n  2026-11-03 second paragraph [[A]]\n")
    assert dated(n) == {1: date(2026, 11, 2)}
    assert entry_at(n, 3).kind == "para" and entry_at(n, 3).date is None


def test_long_text_is_clipped_and_flattened() -> None:
    n = note("- 2026-11-02 " + "word " * 200 + "[[A]]\n")
    (e,) = n.entries
    assert len(e.text) <= 300 and "\n" not in e.text


def test_give_and_ask_tags() -> None:
    n = note("- 2026-11-01 intro #give\n- 2026-11-02 favour #ask\n- 2026-11-03 #giveaway #asking\n"
             "- 2026-11-04 `#give` in code\n- 2026-11-05 (#GIVE)\n")
    assert {e.line: (e.give, e.ask) for e in n.entries} == {
        1: (True, False), 2: (False, True), 3: (False, False), 4: (False, False), 5: (True, False)}


# ---------------------------------------------------------------------------------------------
# Tasks: statuses and Tasks/Dataview emoji dates
# ---------------------------------------------------------------------------------------------

def test_task_statuses() -> None:
    n = note("- [ ] open [[A]]\n- [x] done [[B]]\n- [X] done [[C]]\n- [-] cancelled [[D]]\n- [/] half [[E]]\n"
             "- plain [[F]]\n- [ ]no space [[G]]\n* [ ] star [[H]]\n1. [ ] ordered [[I]]\n")
    assert {e.line: e.task for e in n.entries} == {
        1: "open", 2: "done", 3: "done", 4: "done", 5: "done", 6: None, 7: None, 8: "open", 9: "open"}


@pytest.mark.parametrize("tail, planned", [
    ("📅 2026-12-01", date(2026, 12, 1)),
    ("📅2026-12-01", date(2026, 12, 1)),
    ("🗓️ 2026-12-01", date(2026, 12, 1)),     # with U+FE0F
    ("🗓 2026-12-01", date(2026, 12, 1)),      # without
    ("📅\ufe0f 2026-12-01", date(2026, 12, 1)),
    ("⏳ 2026-12-03", date(2026, 12, 3)),
    ("⏳ 2026-12-03 📅 2026-12-01", date(2026, 12, 1)),  # due beats scheduled
    ("➕ 2026-11-01", None),                    # created is not a plan
    ("🛫 2026-12-01", None),
    ("", None),
])
def test_open_task_plan_dates(tail: str, planned: date | None) -> None:
    (e,) = note(f"- [ ] call [[Jane]] {tail}\n").entries
    assert e.task == "open" and e.planned == planned and e.date is None


def test_open_task_with_leading_date_is_planned_on_it() -> None:
    (e,) = note("- [ ] 2026-12-08 lunch with [[Jane]]\n").entries
    assert e.task == "open" and e.planned == date(2026, 12, 8)
    (e2,) = note("- [ ] 2026-12-08 lunch with [[Jane]] 📅 2026-12-09\n").entries
    assert e2.planned == date(2026, 12, 9)


def test_done_task_done_date() -> None:
    n = note("- [x] intro [[Bob]] ✅ 2026-11-02\n- [x] 2026-10-01 call [[Bob]] ✅ 2026-11-03\n"
             "- [x] no date [[Bob]]\n- [x] ✅\ufe0f2026-11-04 [[Bob]]\n")
    assert [(e.line, e.done, e.date) for e in n.entries] == [
        (1, date(2026, 11, 2), None), (2, date(2026, 11, 3), date(2026, 10, 1)),
        (3, None, None), (4, date(2026, 11, 4), None)]


def test_continuation_paragraph_of_an_open_task_is_open() -> None:
    n = note("- [ ] call\n\n  2026-11-02 with [[Jane]]\n")
    assert entry_at(n, 3).task == "open"


def test_child_of_an_open_task_is_its_own_item() -> None:
    n = note("- [ ] call\n  - 2026-11-02 with [[Jane]]\n")
    e = entry_at(n, 2)
    assert e.task is None and e.date == date(2026, 11, 2)


def test_many_unclosed_brackets_parse_in_reasonable_time() -> None:
    # 80 KB of `[[` with no `]]` (a pasted log, a broken export): the wikilink rule must not rescan to the
    # end of the note for every `[[` (quadratic; a 5 MiB note would stall `watch` for hours).
    text = "- 2026-11-02 [[Jane]] " + "[[" * 40000 + "\n"
    start = time.perf_counter()
    n = note(text)
    assert time.perf_counter() - start < 3.0
    assert dated(n) == {1: date(2026, 11, 2)}


# ---------------------------------------------------------------------------------------------
# Parsing never raises
# ---------------------------------------------------------------------------------------------

_PIECES = st.sampled_from([
    "---", "...", "- ", "- [ ] ", "- [x] ", "> ", "> [!note] ", "```", "~~~", "    ", "%%", "<!--", "-->",
    "$", "$$", "`", "``", "[[", "]]", "![[", "|", "\\|", "#", "## ", "2026-11-02", "[[2026-11-02]]",
    "📅 ", "✅ ", "⏳ ", "🗓️", "tier: A", "&a ", "*a", "{{date}}", ": ", "\n", "\r\n", "\t", "\ufeff",
    "Jane", "#give", "| a | b |", "|---|---|", "[x](y.md)", "<", ">", "\\", "**", "\u200f", "\x00",
])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(_PIECES, st.text(max_size=5)), max_size=40), st.binary(max_size=8))
def test_parse_never_raises(pieces: list[str], junk: bytes) -> None:
    text = "".join(pieces)
    for data in (text.encode("utf-8"), text.encode("utf-8") + junk, ("---\n" + text).encode("utf-8")):
        n = parse("People/Fuzz.md", data)
        assert isinstance(n, Note)
        for e in n.entries:
            assert e.line >= 1 and all(link.target for link in e.links)
