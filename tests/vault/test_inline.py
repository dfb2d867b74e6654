"""Dataview inline fields read as properties (behaviour §2): every form, the places they never count,
and how they meet the frontmatter."""
from __future__ import annotations

import pytest

from vaultcrm.parsed import InlineField
from vaultcrm.vault.inline import line_fields, source_fields, typed
from vaultcrm.vault.notes import parse


def fields(body: str) -> list[tuple[str, str, int]]:
    return [(f.key, f.value, f.line) for f in parse("People/J.md", body.encode()).fields]


@pytest.mark.parametrize("body, found", [
    ("Last contact:: 2026-10-02\n", [("Last contact", "2026-10-02", 1)]),
    ("- Last contact:: 2026-10-02\n", [("Last contact", "2026-10-02", 1)]),
    ("**Company::** Acme\n", [("Company", "Acme", 1)]),
    ("**Company**:: Acme\n", [("Company", "Acme", 1)]),
    ("__Tier__:: B\n", [("Tier", "B", 1)]),
    ("Met Bob [last contact:: 2026-11-02] and (tier:: B) today\n",
     [("last contact", "2026-11-02", 1), ("tier", "B", 1)]),
    ("- coffee [last contact:: [[2026-11-02]]]\n", [("last contact", "[[2026-11-02]]", 1)]),
    ("## Company:: Acme\n", [("Company", "Acme", 1)]),
    ("Company:: Acme\nLast contact:: 2026-10-02\n", [("Company", "Acme", 1), ("Last contact", "2026-10-02", 2)]),
    ("Последний контакт:: 12.11.2026\n", [("Последний контакт", "12.11.2026", 1)]),
    ("Last contact::\n", [("Last contact", "", 1)]),
    ("---\ntier: B\n---\n\nCompany:: Acme\n", [("Company", "Acme", 5)]),
])
def test_inline_forms(body: str, found: list[tuple[str, str, int]]) -> None:
    assert fields(body) == found


@pytest.mark.parametrize("body", [
    "```\nLast contact:: 2026-10-02\n```\n",
    "    Last contact:: 2026-10-02\n",
    "`Last contact:: 2026-10-02`\n",
    "use `a::b` here\n",
    "> Last contact:: 2026-10-02\n",
    "> [!note]\n> Last contact:: 2026-10-02\n",
    "%% Last contact:: 2026-10-02 %%\n",
    "<!-- Last contact:: 2026-10-02 -->\n",
    "text <!-- [last contact:: 2026-10-02] -->\n",
    "- [ ] call [last contact:: 2026-10-02]\n",
    "- [x] called\n  Last contact:: 2026-10-02\n",
    "| Last contact:: 2026-10-02 |\n|---|\n",
    "Note: see https://example.com:: x\n",
    "[[Bob]]:: x\n",
])
def test_never_inside_code_comments_quotes_or_tasks(body: str) -> None:
    assert fields(body) == []


def test_value_spans_point_into_the_line() -> None:
    for line in ("- **Last contact::** 2026-10-02  \r\n", "  1. Last contact:: 2026-10-02", "## Last contact:: 2026-10-02"):
        (span,) = source_fields(line)
        assert (span.key, line[span.start:span.end]) == ("Last contact", "2026-10-02")
    (span,) = line_fields("x [met:: 12.11.2026] y")
    assert "x [met:: 12.11.2026] y"[span.start:span.end] == "12.11.2026"


@pytest.mark.parametrize("value, expected", [
    ("", None), ("true", True), ("False", False), ("12", 12), ("0601 123", "0601 123"), ("Acme", "Acme"),
    ('"Acme, Inc."', "Acme, Inc."), ("[[Acme]]", "[[Acme]]"), ("[[A]], [[B]]", ["[[A]]", "[[B]]"]),
    ('"a", "b"', ["a", "b"]), ("a, b", "a, b"), ("2026-10-02", "2026-10-02"),
])
def test_values_are_typed_like_properties(value: str, expected: object) -> None:
    assert typed(value) == expected


def test_notes_keep_their_fields() -> None:
    note = parse("People/J.md", b"Company:: Acme\n")
    assert note.fields == (InlineField("Company", "Acme", 1),)


# -- as properties, through the CLI ---------------------------------------------------------------

def test_dataview_last_contact_is_the_last_touch(make_vault, due_json) -> None:
    vault = make_vault({"People/Dana.md": "---\ntier: B\n---\nLast contact:: 2026-10-02\n**Company::** Acme\n"})
    (row,) = due_json(vault, "2026-12-05")["reminders"]
    assert (row["kind"], row["last_touch"], row["days_overdue"]) == ("cadence", "2026-10-02", 33)
    assert (row["evidence"], row["reason"]) == ("People/Dana.md", "tier B, every month; last touch 2026-10-02 "
                                                                 "(People/Dana.md)")


def test_inline_tier_and_type_make_a_tracked_contact(make_vault, due_json) -> None:
    vault = make_vault({"Notes/Ann.md": "Type:: person\nTier:: A\n[last contact:: [[2026-11-01]]]\n"})
    (row,) = due_json(vault, "2026-11-22")["reminders"]
    assert (row["contact"], row["tier"], row["due"]) == ("Ann", "A", "2026-11-15")


def test_frontmatter_and_inline_both_set(make_vault, due_json) -> None:
    vault = make_vault({"People/Bo.md": "---\ntier: A\nlast_contact: 2026-10-01\n---\nTier:: D\n"
                                        "Last contact:: 2026-11-10\nFirst met:: 2026-01-05\n"})
    (row,) = due_json(vault, "2026-11-30")["reminders"]
    # every last-touch value is a touch (the later inline one wins); otherwise the frontmatter wins (tier A)
    assert (row["tier"], row["last_touch"], row["touch_count"]) == ("A", "2026-11-10", 3)


def test_inline_problems_name_their_line(make_vault, run) -> None:
    vault = make_vault({"People/Cy.md": "---\ntier: B\n---\n\nLast contact:: soon\nTier:: Z\n"})
    out = run(vault, "check").stdout
    assert "People/Cy.md:5: Last contact: 'soon' is not a date" in out


def test_inline_meeting_attendees(make_vault, due_json) -> None:
    vault = make_vault({"People/Bob.md": "---\ntier: A\n---\n",
                        "Meetings/Sync.md": "date:: 2026-11-20\nattendees:: [[Bob]], [[Ann]]\n"})
    data = due_json(vault, "2026-12-20")
    assert [(r["contact"], r["last_touch"]) for r in data["reminders"]] == [("Bob", "2026-11-20")]
