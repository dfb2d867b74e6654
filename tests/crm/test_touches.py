"""Black-box tests of behaviour §3 (touches, dated lines, daily and meeting notes, link resolution,
last touch / evidence / touch count, #give / #ask) through the real CLI's `due --json`.

Jane Doe has `cadence: 1d`, so she always has exactly one `cadence` or `never` row, and every row
carries her `last_touch`, `evidence` and `touch_count`. Today is 2026-11-22.
"""
from __future__ import annotations

from typing import Any

import pytest

JANE_PATH = "People/Jane Doe.md"
JANE = "---\ncadence: 1d\n---\n# Jane Doe\n"
BOB = "---\ncadence: 1d\n---\n# Bob Roe\n"


def jane_note(body: str) -> str:
    return JANE + body


def row(data: dict[str, Any], name: str = "Jane Doe") -> dict[str, Any]:
    found = [r for r in data["reminders"] if r["contact"] == name and r["kind"] in ("cadence", "never")]
    assert len(found) == 1, (name, data["reminders"], data["problems"])
    return found[0]


def touch(data: dict[str, Any], name: str = "Jane Doe") -> tuple[Any, Any, int]:
    r = row(data, name)
    return r["last_touch"], r["evidence"], r["touch_count"]


NO_TOUCH = (None, None, 0)


def other(vault_files: dict[str, str], path: str = "Notes/Log.md", text: str = "") -> dict[str, str]:
    return {JANE_PATH: JANE, **vault_files, path: text}


# ---------------------------------------------------------------------------------------------
# T1
# ---------------------------------------------------------------------------------------------

def test_no_touch_at_all(make_vault, due_json):
    data = due_json(make_vault({JANE_PATH: JANE}))
    assert touch(data) == NO_TOUCH
    assert row(data)["kind"] == "never"


def test_t1_last_touch_field(make_vault, due_json):
    data = due_json(make_vault({JANE_PATH: "---\ncadence: 1d\nlast_contact: 2026-11-02\n---\n"}))
    assert touch(data) == ("2026-11-02", JANE_PATH, 1)
    assert row(data)["kind"] == "cadence"


def test_t1_met_field(make_vault, due_json):
    data = due_json(make_vault({JANE_PATH: "---\ncadence: 1d\nmet: 2026-10-02\n---\n"}))
    assert touch(data) == ("2026-10-02", JANE_PATH, 1)


def test_t1_future_field_is_not_a_touch(make_vault, due_json):
    data = due_json(make_vault({JANE_PATH: "---\ncadence: 1d\nlast_contact: 2026-11-25\n---\n"}))
    assert touch(data) == NO_TOUCH


def test_t1_today_is_a_touch(make_vault, due_json):
    data = due_json(make_vault({JANE_PATH: "---\ncadence: 1d\nlast_contact: 2026-11-22\n---\n"}))
    assert touch(data) == ("2026-11-22", JANE_PATH, 1)


# ---------------------------------------------------------------------------------------------
# T2: dated lines in the contact's own note
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("line", [
    "- 2026-11-02 coffee",
    "* 2026-11-02 coffee",
    "+ 2026-11-02 coffee",
    "1. 2026-11-02 coffee",
    "- 2026-11-02",
    "- 2026-11-02: coffee",
    "- 2026-11-02, coffee",
    "- 2026-11-02 - coffee",
    "- 2026-11-02 – coffee",
    "- 2026-11-02 — coffee",
    "- 2026-11-02-coffee",
    "- 2026-11-02–coffee",
    "- 2026-11-02—coffee",
    "- 2026-11-02\tcoffee",
    "- [[2026-11-02]] coffee",
    "- [[2026-11-02]]: coffee",
    "- **2026-11-02** coffee",
    "- **2026-11-02**: coffee",
    "- [x] 2026-11-02 coffee",
    "- [X] 2026-11-02 coffee",
    "## 2026-11-02",
    "### 2026-11-02 coffee at the cafe",
    "## [[2026-11-02]]",
])
def test_t2_dated_line_in_own_note(make_vault, due_json, line):
    data = due_json(make_vault({JANE_PATH: jane_note(f"\n{line}\n")}))
    assert touch(data) == ("2026-11-02", JANE_PATH, 1)


def test_t2_table_row_with_date_in_first_cell(make_vault, due_json):
    body = "\n| date | what |\n| --- | --- |\n| 2026-11-02 | coffee |\n| 2026-10-01 | lunch |\n"
    data = due_json(make_vault({JANE_PATH: jane_note(body)}))
    assert touch(data) == ("2026-11-02", JANE_PATH, 2)


def test_t2_table_row_with_date_in_later_cell_is_not_dated(make_vault, due_json):
    body = "\n| what | date |\n| --- | --- |\n| coffee | 2026-11-02 |\n"
    data = due_json(make_vault({JANE_PATH: jane_note(body)}))
    assert touch(data) == NO_TOUCH


@pytest.mark.parametrize("line", [
    "- 2026-11-02abc",
    "- 2026-11-02x coffee",
    "- 2026-11-023 coffee",
    "- coffee on 2026-11-02",
    "- [ ] 2026-11-02 coffee",
    "2026-11-02 coffee",
    "2026-11-02",
    "- 2026-02-30 coffee",
    "- 2026-11-25 coffee",
])
def test_t2_not_a_dated_line(make_vault, due_json, line):
    data = due_json(make_vault({JANE_PATH: jane_note(f"\n{line}\n")}))
    assert touch(data) == NO_TOUCH


def test_t2_paragraph_line_is_not_dated_even_after_other_text(make_vault, due_json):
    body = "\nWe met for coffee.\n2026-11-02 she called me back.\n"
    data = due_json(make_vault({JANE_PATH: jane_note(body)}))
    assert touch(data) == NO_TOUCH


def test_t2_nested_item_does_not_inherit_parent_date(make_vault, due_json):
    body = "\n- 2026-10-01 lunch\n  - follow-up 2026-11-02\n  - talked about work\n"
    data = due_json(make_vault({JANE_PATH: jane_note(body)}))
    assert touch(data) == ("2026-10-01", JANE_PATH, 1)


def test_t2_nested_dated_item_counts_on_its_own(make_vault, due_json):
    body = "\n- Log\n  - 2026-11-02 coffee\n"
    data = due_json(make_vault({JANE_PATH: jane_note(body)}))
    assert touch(data) == ("2026-11-02", JANE_PATH, 1)


def test_t2_distinct_days_counted_once(make_vault, due_json):
    body = "\n- 2026-11-02 coffee\n- 2026-11-02 email\n- 2026-10-01 lunch\n"
    data = due_json(make_vault({JANE_PATH: jane_note(body)}))
    assert touch(data) == ("2026-11-02", JANE_PATH, 2)


OWN_NOTE_EXCLUSIONS = {
    "block_quote": "> - 2026-11-02 coffee\n",
    "callout": "> [!note] Log\n> - 2026-11-02 coffee\n",
    "fenced_code": "```\n- 2026-11-02 coffee\n```\n",
    "tilde_fence": "~~~\n- 2026-11-02 coffee\n~~~\n",
    "html_comment": "<!--\n- 2026-11-02 coffee\n-->\n",
    "percent_comment_multiline": "%%\n- 2026-11-02 coffee\n%%\n",
    "math_block": "$$\n- 2026-11-02 coffee\n$$\n",
    "open_task": "- [ ] 2026-11-02 coffee\n",
}


@pytest.mark.parametrize("body", list(OWN_NOTE_EXCLUSIONS.values()), ids=list(OWN_NOTE_EXCLUSIONS))
def test_t2_exclusions_in_own_note(make_vault, due_json, body):
    data = due_json(make_vault({JANE_PATH: jane_note("\n" + body)}))
    assert touch(data) == NO_TOUCH


# ---------------------------------------------------------------------------------------------
# T3: dated line in another note that links the contact
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("line", [
    "- 2026-11-02 coffee with [[Jane Doe]]",
    "- [[2026-11-02]] coffee with [[Jane Doe]]",
    "- **2026-11-02** coffee with [[Jane Doe]]",
    "- 2026-11-02: [[Jane Doe]]",
    "- [x] 2026-11-02 called [[Jane Doe]]",
    "## 2026-11-02 call with [[Jane Doe]]",
    "1. 2026-11-02 lunch, [[Jane Doe]] and others",
])
def test_t3_dated_line_in_other_note_linking_contact(make_vault, due_json, line):
    data = due_json(make_vault({JANE_PATH: JANE, "Notes/Log.md": f"# Log\n\n{line}\n"}))
    assert touch(data) == ("2026-11-02", "Notes/Log.md", 1)


def test_t3_table_row_in_other_note(make_vault, due_json):
    text = "| date | who |\n| --- | --- |\n| 2026-11-02 | [[Jane Doe]] |\n"
    data = due_json(make_vault({JANE_PATH: JANE, "Notes/Log.md": text}))
    assert touch(data) == ("2026-11-02", "Notes/Log.md", 1)


def test_t3_table_row_with_escaped_pipe_alias(make_vault, due_json):
    text = "| date | who |\n| --- | --- |\n| 2026-11-02 | [[Jane Doe\\|Jane]] |\n"
    data = due_json(make_vault({JANE_PATH: JANE, "Notes/Log.md": text}))
    assert touch(data) == ("2026-11-02", "Notes/Log.md", 1)


def test_t3_table_row_date_not_first_cell(make_vault, due_json):
    text = "| who | date |\n| --- | --- |\n| [[Jane Doe]] | 2026-11-02 |\n"
    data = due_json(make_vault({JANE_PATH: JANE, "Notes/Log.md": text}))
    assert touch(data) == NO_TOUCH


def test_t3_paragraph_in_other_note_is_not_a_touch(make_vault, due_json):
    data = due_json(make_vault({JANE_PATH: JANE, "Notes/Log.md": "2026-11-02 coffee with [[Jane Doe]]\n"}))
    assert touch(data) == NO_TOUCH


def test_t3_undated_link_is_not_a_touch(make_vault, due_json):
    data = due_json(make_vault({JANE_PATH: JANE, "Notes/Log.md": "- coffee with [[Jane Doe]]\n"}))
    assert touch(data) == NO_TOUCH


def test_t3_no_inheritance_from_dated_parent_item(make_vault, due_json):
    text = "- 2026-11-02 offsite\n  - talked to [[Jane Doe]]\n"
    data = due_json(make_vault({JANE_PATH: JANE, "Notes/Log.md": text}))
    assert touch(data) == NO_TOUCH


def test_t3_no_inheritance_from_dated_heading(make_vault, due_json):
    text = "## 2026-11-02\n\n- talked to [[Jane Doe]]\n\nAlso saw [[Jane Doe]].\n"
    data = due_json(make_vault({JANE_PATH: JANE, "Notes/Log.md": text}))
    assert touch(data) == NO_TOUCH


def test_t3_line_in_another_contacts_note_touches_both(make_vault, due_json):
    bob = BOB + "\n- 2026-11-02 lunch with [[Jane Doe]]\n"
    data = due_json(make_vault({JANE_PATH: JANE, "People/Bob Roe.md": bob}))
    assert touch(data) == ("2026-11-02", "People/Bob Roe.md", 1)
    assert touch(data, "Bob Roe") == ("2026-11-02", "People/Bob Roe.md", 1)


def test_t3_one_line_linking_two_contacts_touches_both(make_vault, due_json):
    vault = make_vault({
        JANE_PATH: JANE, "People/Bob Roe.md": BOB,
        "Notes/Log.md": "- 2026-11-02 dinner with [[Jane Doe]] and [[Bob Roe]]\n",
    })
    data = due_json(vault)
    assert touch(data) == ("2026-11-02", "Notes/Log.md", 1)
    assert touch(data, "Bob Roe") == ("2026-11-02", "Notes/Log.md", 1)


EXCLUSIONS = {
    "open_task": "- [ ] 2026-11-02 call [[Jane Doe]]\n",
    "open_task_star": "* [ ] 2026-11-02 call [[Jane Doe]]\n",
    "block_quote": "> - 2026-11-02 coffee with [[Jane Doe]]\n",
    "callout": "> [!note] Meetings\n> - 2026-11-02 coffee with [[Jane Doe]]\n",
    "foldable_callout": "> [!faq]- Meetings\n> - 2026-11-02 coffee with [[Jane Doe]]\n",
    "embed": "- 2026-11-02 ![[Jane Doe]]\n",
    "fenced_code": "```\n- 2026-11-02 coffee with [[Jane Doe]]\n```\n",
    "fenced_code_lang": "```markdown\n- 2026-11-02 coffee with [[Jane Doe]]\n```\n",
    "tilde_fence": "~~~\n- 2026-11-02 coffee with [[Jane Doe]]\n~~~\n",
    "indented_code": "Some text.\n\n    - 2026-11-02 coffee with [[Jane Doe]]\n",
    "inline_code": "- 2026-11-02 coffee with `[[Jane Doe]]`\n",
    "double_backtick_code": "- 2026-11-02 coffee with ``[[Jane Doe]]``\n",
    "html_comment_inline": "- 2026-11-02 coffee <!-- with [[Jane Doe]] -->\n",
    "html_comment_multiline": "<!--\n- 2026-11-02 coffee with [[Jane Doe]]\n-->\n",
    "percent_comment_inline": "- 2026-11-02 coffee %%with [[Jane Doe]]%%\n",
    "percent_comment_multiline": "%%\n- 2026-11-02 coffee with [[Jane Doe]]\n%%\n",
    "percent_comment_multiline_in_list": "- 2026-10-01 x %%\n- 2026-11-02 coffee with [[Jane Doe]]\n%%\n",
    "math_inline": "- 2026-11-02 coffee $x = [[Jane Doe]]$\n",
    "math_block": "$$\n- 2026-11-02 coffee with [[Jane Doe]]\n$$\n",
    "future_day": "- 2026-11-25 coffee with [[Jane Doe]]\n",
}


@pytest.mark.parametrize("text", list(EXCLUSIONS.values()), ids=list(EXCLUSIONS))
def test_never_a_touch(make_vault, due_json, text):
    data = due_json(make_vault({JANE_PATH: JANE, "Notes/Log.md": "# Log\n\n" + text}))
    assert touch(data) == NO_TOUCH


def test_line_in_dashboard_is_never_a_touch(make_vault, due_json):
    dashboard = "---\nvaultcrm: generated\n---\n- 2026-11-02 coffee with [[Jane Doe]]\n"
    data = due_json(make_vault({JANE_PATH: JANE, "CRM/Due this week.md": dashboard}))
    assert touch(data) == NO_TOUCH


def test_line_in_configured_dashboard_is_never_a_touch(make_vault, due_json):
    vault = make_vault({
        ".vaultcrm/config.toml": 'dashboard = "Home/CRM.md"\n',
        JANE_PATH: JANE,
        "Home/CRM.md": "---\nvaultcrm: generated\n---\n- 2026-11-02 coffee with [[Jane Doe]]\n",
    })
    assert touch(due_json(vault)) == NO_TOUCH


def test_line_in_template_is_never_a_touch(make_vault, due_json):
    vault = make_vault({
        JANE_PATH: JANE,
        "Templates/Meeting.md": "- 2026-11-02 coffee with [[Jane Doe]]\n",
        "Templates/2026-11-03.md": "Met [[Jane Doe]]\n",
    })
    assert touch(due_json(vault)) == NO_TOUCH


# ---------------------------------------------------------------------------------------------
# T4: daily notes
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["2026-11-02.md", "Daily/2026-11-02.md", "Journal/2026/11/2026-11-02.md"])
def test_t4_default_daily_note_anywhere(make_vault, due_json, path):
    data = due_json(make_vault({JANE_PATH: JANE, path: "# Monday\n\nCoffee with [[Jane Doe]], talked about jobs.\n"}))
    assert touch(data) == ("2026-11-02", path, 1)


@pytest.mark.parametrize("text", [
    "- coffee with [[Jane Doe]]\n",
    "## Meetings\n\n- [[Jane Doe]]\n",
    "- [x] call [[Jane Doe]]\n",
    "| who |\n| --- |\n| [[Jane Doe]] |\n",
    "- Log\n  - [[Jane Doe]]\n",
])
def test_t4_any_line_of_daily_note(make_vault, due_json, text):
    data = due_json(make_vault({JANE_PATH: JANE, "Daily/2026-11-02.md": text}))
    assert touch(data) == ("2026-11-02", "Daily/2026-11-02.md", 1)


def test_t4_dated_line_in_daily_note_uses_line_date(make_vault, due_json):
    data = due_json(make_vault({JANE_PATH: JANE, "Daily/2026-11-02.md": "- 2026-10-30 called [[Jane Doe]]\n"}))
    assert touch(data) == ("2026-10-30", "Daily/2026-11-02.md", 1)


@pytest.mark.parametrize("text", [
    "- [ ] call [[Jane Doe]]\n",
    "> quoted [[Jane Doe]]\n",
    "![[Jane Doe]]\n",
    "```\n[[Jane Doe]]\n```\n",
    "`[[Jane Doe]]`\n",
    "%% [[Jane Doe]] %%\n",
    "<!-- [[Jane Doe]] -->\n",
])
def test_t4_exclusions_in_daily_note(make_vault, due_json, text):
    data = due_json(make_vault({JANE_PATH: JANE, "Daily/2026-11-02.md": text}))
    assert touch(data) == NO_TOUCH


def test_t4_future_daily_note_is_not_a_touch(make_vault, due_json):
    data = due_json(make_vault({JANE_PATH: JANE, "Daily/2026-11-25.md": "Lunch with [[Jane Doe]]\n"}))
    assert touch(data) == NO_TOUCH


def test_t4_invalid_date_file_name_is_not_a_daily_note(make_vault, due_json):
    data = due_json(make_vault({JANE_PATH: JANE, "Daily/2026-02-30.md": "Lunch with [[Jane Doe]]\n"}))
    assert touch(data) == NO_TOUCH


def test_t4_file_name_with_extra_text_is_not_a_default_daily_note(make_vault, due_json):
    data = due_json(make_vault({JANE_PATH: JANE, "Notes/2026-11-02 standup.md": "Talked to [[Jane Doe]]\n"}))
    assert touch(data) == NO_TOUCH


def test_t4_daily_notes_json_folder_and_format(make_vault, due_json):
    vault = make_vault({
        ".obsidian/daily-notes.json": '{"folder": "Journal", "format": "YYYY/MMMM/YYYY-MM-DD"}',
        JANE_PATH: JANE,
        "Journal/2026/November/2026-11-02.md": "Coffee with [[Jane Doe]]\n",
    })
    assert touch(due_json(vault)) == ("2026-11-02", "Journal/2026/November/2026-11-02.md", 1)


def test_t4_daily_notes_json_excludes_notes_outside_its_folder(make_vault, due_json):
    vault = make_vault({
        ".obsidian/daily-notes.json": '{"folder": "Journal", "format": "YYYY-MM-DD"}',
        JANE_PATH: JANE,
        "Journal/2026-11-02.md": "Coffee with [[Jane Doe]]\n",
        "Other/2026-11-10.md": "Lunch with [[Jane Doe]]\n",
    })
    assert touch(due_json(vault)) == ("2026-11-02", "Journal/2026-11-02.md", 1)


def test_t4_daily_notes_json_folder_without_format_uses_default(make_vault, due_json):
    vault = make_vault({
        ".obsidian/daily-notes.json": '{"folder": "Daily"}',
        JANE_PATH: JANE,
        "Daily/2026-11-02.md": "Coffee with [[Jane Doe]]\n",
    })
    assert touch(due_json(vault)) == ("2026-11-02", "Daily/2026-11-02.md", 1)


@pytest.mark.parametrize("fmt, path", [
    ("DD.MM.YYYY", "02.11.2026.md"),
    ("YYYY-MM-DD ddd", "2026-11-02 Mon.md"),
    ("YYYY-MM-DD dddd", "2026-11-02 Monday.md"),
    ("YYYY-MMM-DD", "2026-Nov-02.md"),
    ("D MMMM YYYY", "2 November 2026.md"),
    ("YYYY/M/D", "2026/11/2.md"),
    ("[Day] YYYY-MM-DD", "Day 2026-11-02.md"),
])
def test_t4_moment_formats(make_vault, due_json, fmt, path):
    vault = make_vault({
        ".obsidian/daily-notes.json": f'{{"folder": "", "format": "{fmt}"}}',
        JANE_PATH: JANE,
        path: "Coffee with [[Jane Doe]]\n",
    })
    assert touch(due_json(vault)) == ("2026-11-02", path, 1)


def test_t4_daily_notes_setting(make_vault, due_json):
    vault = make_vault({
        ".vaultcrm/config.toml": 'daily_notes = "Journal/YYYY/YYYY-MM-DD"\n',
        JANE_PATH: JANE,
        "Journal/2026/2026-11-02.md": "Coffee with [[Jane Doe]]\n",
        "Daily/2026-11-10.md": "Lunch with [[Jane Doe]]\n",
    })
    assert touch(due_json(vault)) == ("2026-11-02", "Journal/2026/2026-11-02.md", 1)


def test_t4_daily_notes_setting_beats_daily_notes_json(make_vault, due_json):
    vault = make_vault({
        ".vaultcrm/config.toml": 'daily_notes = "Log/YYYY-MM-DD"\n',
        ".obsidian/daily-notes.json": '{"folder": "Journal", "format": "YYYY-MM-DD"}',
        JANE_PATH: JANE,
        "Log/2026-11-02.md": "Coffee with [[Jane Doe]]\n",
        "Journal/2026-11-10.md": "Lunch with [[Jane Doe]]\n",
    })
    assert touch(due_json(vault)) == ("2026-11-02", "Log/2026-11-02.md", 1)


# ---------------------------------------------------------------------------------------------
# T5: meeting notes
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("key", ["people", "attendees", "participants", "with", "person"])
def test_t5_meeting_note_property(make_vault, due_json, key):
    meeting = f"---\ndate: 2026-11-02\n{key}:\n  - \"[[Jane Doe]]\"\n---\n# Sync\n"
    data = due_json(make_vault({JANE_PATH: JANE, "Meetings/Sync.md": meeting}))
    assert touch(data) == ("2026-11-02", "Meetings/Sync.md", 1)


@pytest.mark.parametrize("value", ["\"[[Jane Doe]]\"", "[[Jane Doe]]", "[\"[[Jane Doe]]\", \"[[Bob Roe]]\"]",
                                   "\"[[People/Jane Doe|Jane]]\""])
def test_t5_link_value_forms(make_vault, due_json, value):
    meeting = f"---\ndate: 2026-11-02\nattendees: {value}\n---\n"
    data = due_json(make_vault({JANE_PATH: JANE, "Meetings/Sync.md": meeting}))
    assert touch(data) == ("2026-11-02", "Meetings/Sync.md", 1)


def test_t5_meeting_date_from_file_name(make_vault, due_json):
    meeting = "---\npeople: [\"[[Jane Doe]]\"]\n---\n# Sync\n"
    data = due_json(make_vault({JANE_PATH: JANE, "Meetings/2026-11-02 Sync.md": meeting}))
    assert touch(data) == ("2026-11-02", "Meetings/2026-11-02 Sync.md", 1)


def test_t5_date_property_beats_file_name(make_vault, due_json):
    meeting = "---\ndate: 2026-11-05\npeople: [\"[[Jane Doe]]\"]\n---\n"
    data = due_json(make_vault({JANE_PATH: JANE, "Meetings/2026-11-02 Sync.md": meeting}))
    assert touch(data) == ("2026-11-05", "Meetings/2026-11-02 Sync.md", 1)


def test_t5_future_meeting_is_not_a_touch(make_vault, due_json):
    meeting = "---\ndate: 2026-11-30\nattendees: [\"[[Jane Doe]]\"]\n---\n"
    data = due_json(make_vault({JANE_PATH: JANE, "Meetings/Sync.md": meeting}))
    assert touch(data) == NO_TOUCH


def test_t5_other_property_is_not_a_meeting_link(make_vault, due_json):
    meeting = "---\ndate: 2026-11-02\nrelated: \"[[Jane Doe]]\"\n---\n"
    data = due_json(make_vault({JANE_PATH: JANE, "Meetings/Sync.md": meeting}))
    assert touch(data) == NO_TOUCH


def test_t5_body_links_of_meeting_note_count_only_by_t3(make_vault, due_json):
    meeting = "---\ndate: 2026-11-02\npeople: [\"[[Bob Roe]]\"]\n---\nAlso talked about [[Jane Doe]].\n"
    data = due_json(make_vault({JANE_PATH: JANE, "People/Bob Roe.md": BOB, "Meetings/Sync.md": meeting}))
    assert touch(data) == NO_TOUCH
    assert touch(data, "Bob Roe") == ("2026-11-02", "Meetings/Sync.md", 1)


def test_t5_meeting_note_in_templates_is_not_a_touch(make_vault, due_json):
    meeting = "---\ndate: 2026-11-02\npeople: [\"[[Jane Doe]]\"]\n---\n"
    data = due_json(make_vault({JANE_PATH: JANE, "Templates/Meeting.md": meeting}))
    assert touch(data) == NO_TOUCH


# ---------------------------------------------------------------------------------------------
# Tasks done date
# ---------------------------------------------------------------------------------------------

def test_done_date_in_other_note(make_vault, due_json):
    data = due_json(make_vault({JANE_PATH: JANE, "Notes/Tasks.md": "- [x] call [[Jane Doe]] ✅ 2026-11-05\n"}))
    assert touch(data) == ("2026-11-05", "Notes/Tasks.md", 1)


def test_done_date_in_own_note(make_vault, due_json):
    data = due_json(make_vault({JANE_PATH: jane_note("\n- [x] send intro ✅ 2026-11-05\n")}))
    assert touch(data) == ("2026-11-05", JANE_PATH, 1)


def test_done_date_replaces_the_lines_leading_date(make_vault, due_json):
    data = due_json(make_vault({JANE_PATH: JANE, "Notes/Tasks.md": "- [x] 2026-11-01 call [[Jane Doe]] ✅ 2026-11-05\n"}))
    assert touch(data) == ("2026-11-05", "Notes/Tasks.md", 1)


def test_done_date_in_daily_note(make_vault, due_json):
    data = due_json(make_vault({JANE_PATH: JANE, "Daily/2026-11-01.md": "- [x] call [[Jane Doe]] ✅ 2026-11-05\n"}))
    assert touch(data)[0] == "2026-11-05"


def test_done_date_in_the_future_is_not_a_touch(make_vault, due_json):
    data = due_json(make_vault({JANE_PATH: JANE, "Notes/Tasks.md": "- [x] call [[Jane Doe]] ✅ 2026-11-26\n"}))
    assert touch(data) == NO_TOUCH


def test_done_date_touches_own_contact_and_linked_contact(make_vault, due_json):
    bob = BOB + "\n- [x] intro to [[Jane Doe]] ✅ 2026-11-05\n"
    data = due_json(make_vault({JANE_PATH: JANE, "People/Bob Roe.md": bob}))
    assert touch(data) == ("2026-11-05", "People/Bob Roe.md", 1)
    assert touch(data, "Bob Roe") == ("2026-11-05", "People/Bob Roe.md", 1)


# ---------------------------------------------------------------------------------------------
# Link resolution
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("link", [
    "[[Jane Doe]]",
    "[[jane doe]]",
    "[[JANE DOE]]",
    "[[Jane Doe.md]]",
    "[[People/Jane Doe]]",
    "[[people/jane doe]]",
    "[[People/Jane Doe.md]]",
    "[[Jane Doe ]]",
    "[[ Jane Doe]]",
    "[[Jane Doe#Log]]",
    "[[Jane Doe#Log#Sub]]",
    "[[Jane Doe#^abc123]]",
    "[[Jane Doe|Jane]]",
    "[[Jane Doe#Log|Jane]]",
    "[[People/Jane Doe|Jane]]",
    "[[../People/Jane Doe]]",
    "[Jane](../People/Jane%20Doe.md)",
    "[Jane](People/Jane%20Doe.md)",
    "[Jane](<../People/Jane Doe.md>)",
    "[Jane](../People/Jane%20Doe.md#log)",
])
def test_link_forms_resolve_to_contact(make_vault, due_json, link):
    data = due_json(make_vault({JANE_PATH: JANE, "Notes/Log.md": f"- 2026-11-02 coffee with {link}\n"}))
    assert touch(data) == ("2026-11-02", "Notes/Log.md", 1)
    assert data["problems"] == []


def test_link_relative_with_dot_slash(make_vault, due_json):
    vault = make_vault({"Work/People/Jane Doe.md": JANE, "Work/Log.md": "- 2026-11-02 coffee [[./People/Jane Doe]]\n"})
    assert touch(due_json(vault)) == ("2026-11-02", "Work/Log.md", 1)


def test_link_by_path_suffix(make_vault, due_json):
    vault = make_vault({"Areas/Work/People/Jane Doe.md": JANE, "Notes/Log.md": "- 2026-11-02 coffee [[People/Jane Doe]]\n"})
    assert touch(due_json(vault)) == ("2026-11-02", "Notes/Log.md", 1)


def test_link_by_unique_name_deep(make_vault, due_json):
    vault = make_vault({"Areas/Work/People/Jane Doe.md": JANE, "Notes/Log.md": "- 2026-11-02 coffee [[Jane Doe]]\n"})
    assert touch(due_json(vault)) == ("2026-11-02", "Notes/Log.md", 1)


def test_root_path_beats_name(make_vault, due_json):
    # [[People/Jane Doe]] is a path from the root: the note in People/, not Old/People/.
    vault = make_vault({
        JANE_PATH: JANE,
        "Old/People/Jane Doe.md": "---\ncadence: 1d\nname: Old Jane\n---\n",
        "Notes/Log.md": "- 2026-11-02 coffee [[People/Jane Doe]]\n",
    })
    data = due_json(vault)
    assert touch(data) == ("2026-11-02", "Notes/Log.md", 1)
    assert touch(data, "Old Jane") == NO_TOUCH


def test_unresolved_link_is_not_a_problem(make_vault, due_json):
    data = due_json(make_vault({JANE_PATH: JANE, "Notes/Log.md": "- 2026-11-02 coffee with [[Nobody Known]]\n"}))
    assert data["problems"] == []
    assert touch(data) == NO_TOUCH


def test_link_to_a_non_contact_note_is_not_a_touch(make_vault, due_json):
    vault = make_vault({JANE_PATH: JANE, "Notes/Topic.md": "# topic\n", "Notes/Log.md": "- 2026-11-02 read [[Topic]]\n"})
    data = due_json(vault)
    assert touch(data) == NO_TOUCH
    assert data["problems"] == []


def test_ambiguous_link_fewest_folders_wins_and_is_a_problem(make_vault, due_json):
    vault = make_vault({
        JANE_PATH: JANE,
        "Old/Stuff/Jane Doe.md": "# not a contact\n",
        "Notes/Log.md": "# Log\n\n- 2026-11-02 coffee with [[Jane Doe]]\n",
    })
    data = due_json(vault)
    assert touch(data) == ("2026-11-02", "Notes/Log.md", 1)
    assert {"note": "Notes/Log.md", "line": 3} in [{"note": p["note"], "line": p["line"]} for p in data["problems"]]


def test_ambiguous_link_to_root_note_wins_over_contact(make_vault, due_json):
    vault = make_vault({
        JANE_PATH: JANE,
        "Jane Doe.md": "# a root note, not a contact\n",
        "Notes/Log.md": "- 2026-11-02 coffee with [[Jane Doe]]\n",
    })
    data = due_json(vault)
    assert touch(data) == NO_TOUCH
    assert any(p["note"] == "Notes/Log.md" and p["line"] == 1 for p in data["problems"])


def test_ambiguous_link_shortest_path_wins(make_vault, due_json):
    vault = make_vault({
        "People/Jane Doe.md": JANE,
        "Contacts/Jane Doe.md": "---\ncadence: 1d\nname: Other Jane\n---\n",
        "Notes/Log.md": "- 2026-11-02 coffee with [[Jane Doe]]\n",
    })
    data = due_json(vault)
    assert touch(data) == ("2026-11-02", "Notes/Log.md", 1)
    assert touch(data, "Other Jane") == NO_TOUCH
    assert any(p["note"] == "Notes/Log.md" and p["line"] == 1 for p in data["problems"])


def test_ambiguous_link_alphabetical_wins(make_vault, due_json):
    vault = make_vault({
        "People/B/Jane Doe.md": "---\ncadence: 1d\nname: Jane B\n---\n",
        "People/A/Jane Doe.md": "---\ncadence: 1d\nname: Jane A\n---\n",
        "Notes/Log.md": "- 2026-11-02 coffee with [[Jane Doe]]\n",
    })
    data = due_json(vault)
    assert touch(data, "Jane A") == ("2026-11-02", "Notes/Log.md", 1)
    assert touch(data, "Jane B") == NO_TOUCH
    assert any(p["note"] == "Notes/Log.md" for p in data["problems"])


def test_ambiguous_name_without_contact_candidate_is_not_a_problem(make_vault, due_json):
    vault = make_vault({
        JANE_PATH: JANE,
        "A/Topic.md": "# a\n",
        "B/Topic.md": "# b\n",
        "Notes/Log.md": "- 2026-11-02 read [[Topic]]\n",
    })
    assert due_json(vault)["problems"] == []


def test_full_path_link_is_not_ambiguous(make_vault, due_json):
    vault = make_vault({
        JANE_PATH: JANE,
        "Contacts/Jane Doe.md": "---\ncadence: 1d\nname: Other Jane\n---\n",
        "Notes/Log.md": "- 2026-11-02 coffee with [[Contacts/Jane Doe]]\n",
    })
    data = due_json(vault)
    assert data["problems"] == []
    assert touch(data, "Other Jane") == ("2026-11-02", "Notes/Log.md", 1)
    assert touch(data) == NO_TOUCH


def test_check_exits_1_on_ambiguous_link(make_vault, run):
    vault = make_vault({
        JANE_PATH: JANE,
        "Contacts/Jane Doe.md": JANE,
        "Notes/Log.md": "- 2026-11-02 coffee with [[Jane Doe]]\n",
    })
    result = run(vault, "check")
    assert result.exit_code == 1
    assert "Notes/Log.md" in result.output


def test_link_to_alias_does_not_resolve(make_vault, due_json):
    vault = make_vault({
        JANE_PATH: "---\ncadence: 1d\naliases: [JD, Janie]\n---\n",
        "Notes/Log.md": "- 2026-11-02 coffee with [[JD]]\n",
    })
    data = due_json(vault)
    assert touch(data) == NO_TOUCH
    assert data["problems"] == []


def test_check_lists_alias_link_as_suspicious_not_a_problem(make_vault, run):
    vault = make_vault({
        JANE_PATH: "---\ncadence: 1d\naliases: [JD]\n---\n",
        "Notes/Log.md": "- 2026-11-02 coffee with [[JD]]\n",
    })
    result = run(vault, "check")
    assert result.exit_code == 0, result.output
    out = result.stdout + result.stderr
    assert "JD" in out
    assert "Jane Doe" in out
    assert "Traceback" not in out


def test_check_exit_0_on_clean_vault(make_vault, run):
    result = run(make_vault({JANE_PATH: JANE}), "check")
    assert result.exit_code == 0


def test_alias_with_pipe_link_to_real_name_resolves(make_vault, due_json):
    vault = make_vault({
        JANE_PATH: "---\ncadence: 1d\naliases: [JD]\n---\n",
        "Notes/Log.md": "- 2026-11-02 coffee with [[Jane Doe|JD]]\n",
    })
    assert touch(due_json(vault)) == ("2026-11-02", "Notes/Log.md", 1)


# ---------------------------------------------------------------------------------------------
# last touch, evidence, touch count
# ---------------------------------------------------------------------------------------------

def test_last_touch_is_latest_across_sources(make_vault, due_json):
    vault = make_vault({
        JANE_PATH: "---\ncadence: 1d\nlast_contact: 2026-10-01\n---\n- 2026-10-15 lunch\n",
        "Notes/Log.md": "- 2026-11-02 coffee [[Jane Doe]]\n- 2026-10-15 email [[Jane Doe]]\n",
        "Daily/2026-11-10.md": "Called [[Jane Doe]]\n",
        "Meetings/Sync.md": "---\ndate: 2026-11-05\nattendees: [\"[[Jane Doe]]\"]\n---\n",
        "Daily/2026-11-30.md": "Plan to see [[Jane Doe]]\n",
    })
    data = due_json(vault)
    assert touch(data) == ("2026-11-10", "Daily/2026-11-10.md", 5)


def test_touch_today_counts(make_vault, due_json):
    data = due_json(make_vault({JANE_PATH: JANE, "Daily/2026-11-22.md": "Lunch with [[Jane Doe]]\n"}))
    assert touch(data) == ("2026-11-22", "Daily/2026-11-22.md", 1)
    assert row(data)["due"] == "2026-11-23"


def test_last_touch_and_count_on_every_row(make_vault, due_json):
    text = ("---\ncadence: 1d\nbirthday: 1990-11-25\n---\n- 2026-11-02 coffee\n- 2026-10-02 lunch\n"
            "- [ ] call 📅 2026-11-24\n")
    data = due_json(make_vault({JANE_PATH: text}))
    jane_rows = [r for r in data["reminders"] if r["contact"] == "Jane Doe"]
    assert {r["kind"] for r in jane_rows} == {"cadence", "occasion", "planned"}
    for r in jane_rows:
        assert (r["last_touch"], r["evidence"], r["touch_count"]) == ("2026-11-02", JANE_PATH, 2)


# ---------------------------------------------------------------------------------------------
# #give / #ask
# ---------------------------------------------------------------------------------------------

def untracked(body: str = "") -> str:
    """Jane without a cadence: no reminder can make her go cold, the signal that outranks give first
    (behaviour §4.4)."""
    return "# Jane Doe\n" + body


def test_ask_without_give_is_give_first(make_vault, due_json):
    data = due_json(make_vault({JANE_PATH: untracked("\n- 2026-11-02 asked for an intro #ask\n")}))
    assert data["signals"]["give_first"] == ["Jane Doe"]


def test_equal_gives_and_asks_is_not_give_first(make_vault, due_json):
    body = "\n- 2026-11-02 asked for an intro #ask\n- 2026-11-03 sent an article #give\n"
    data = due_json(make_vault({JANE_PATH: untracked(body)}))
    assert data["signals"]["give_first"] == []


def test_ask_in_other_note_counts_for_linked_contact(make_vault, due_json):
    data = due_json(make_vault({JANE_PATH: untracked(), "Notes/Log.md": "- 2026-11-02 asked [[Jane Doe]] for advice #ask\n"}))
    assert data["signals"]["give_first"] == ["Jane Doe"]


def test_ask_counts_for_every_contact_of_the_line(make_vault, due_json):
    vault = make_vault({
        JANE_PATH: untracked(), "People/Bob Roe.md": "# Bob Roe\n",
        "Notes/Log.md": "- 2026-11-02 asked [[Jane Doe]] and [[Bob Roe]] for referrals #ask\n",
    })
    assert sorted(due_json(vault)["signals"]["give_first"]) == ["Bob Roe", "Jane Doe"]


def test_ask_in_daily_note_counts(make_vault, due_json):
    data = due_json(make_vault({JANE_PATH: untracked(), "Daily/2026-11-02.md": "- asked [[Jane Doe]] for a favour #ask\n"}))
    assert data["signals"]["give_first"] == ["Jane Doe"]


@pytest.mark.parametrize("text", [
    "- [ ] 2026-11-02 ask [[Jane Doe]] for intro #ask\n",
    "Asked [[Jane Doe]] for intro #ask\n",
    "- 2026-11-25 ask [[Jane Doe]] for intro #ask\n",
    "> - 2026-11-02 asked [[Jane Doe]] #ask\n",
])
def test_ask_on_a_line_that_is_not_a_touch_does_not_count(make_vault, due_json, text):
    data = due_json(make_vault({JANE_PATH: untracked(), "Notes/Log.md": text}))
    assert data["signals"]["give_first"] == []


def test_give_in_other_note_balances_ask(make_vault, due_json):
    vault = make_vault({
        JANE_PATH: untracked("\n- 2026-11-02 asked for an intro #ask\n"),
        "Daily/2026-11-05.md": "- sent [[Jane Doe]] a job lead #give\n",
    })
    assert due_json(vault)["signals"]["give_first"] == []


# ---------------------------------------------------------------------------------------------
# More edges
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("line", [
    "# 2026-11-02 coffee",
    "| **2026-11-02** | coffee |",
    "| [[2026-11-02]] | coffee |",
])
def test_t2_more_dated_forms(make_vault, due_json, line):
    body = "\n" + (line if not line.startswith("|") else "| date | what |\n| --- | --- |\n" + line) + "\n"
    data = due_json(make_vault({JANE_PATH: jane_note(body)}))
    assert touch(data) == ("2026-11-02", JANE_PATH, 1)


def test_open_task_with_done_date_is_not_a_touch(make_vault, due_json):
    data = due_json(make_vault({JANE_PATH: JANE, "Notes/Tasks.md": "- [ ] call [[Jane Doe]] ✅ 2026-11-05\n"}))
    assert touch(data) == NO_TOUCH


@pytest.mark.parametrize("link", ["[[Jane Doe |Jane]]", "[[Jane Doe #Log]]", "[[People/Jane Doe.md|x]]"])
def test_more_link_target_trimming(make_vault, due_json, link):
    data = due_json(make_vault({JANE_PATH: JANE, "Notes/Log.md": f"- 2026-11-02 coffee with {link}\n"}))
    assert touch(data) == ("2026-11-02", "Notes/Log.md", 1)


def test_case_insensitive_duplicate_names_are_ambiguous(make_vault, due_json):
    vault = make_vault({
        JANE_PATH: JANE,
        "Notes/Old/jane doe.md": "# a note\n",
        "Notes/Log.md": "- 2026-11-02 coffee with [[Jane Doe]]\n",
    })
    data = due_json(vault)
    assert touch(data) == ("2026-11-02", "Notes/Log.md", 1)
    assert any(p["note"] == "Notes/Log.md" and p["line"] == 1 for p in data["problems"])


@pytest.mark.parametrize("value", ["\"[[2026-11-02]]\"", "2026-11-02T10:00:00", "\"2026-11-02 10:00\""])
def test_t5_date_property_forms(make_vault, due_json, value):
    meeting = f"---\ndate: {value}\nwith: [\"[[Jane Doe]]\"]\n---\n"
    data = due_json(make_vault({JANE_PATH: JANE, "Meetings/Sync.md": meeting}))
    assert touch(data) == ("2026-11-02", "Meetings/Sync.md", 1)


def test_t4_daily_note_frontmatter_people_counts_as_t5(make_vault, due_json):
    daily = "---\npeople: [\"[[Jane Doe]]\"]\n---\n# Notes\n"
    data = due_json(make_vault({JANE_PATH: JANE, "Daily/2026-11-02.md": daily}))
    assert touch(data) == ("2026-11-02", "Daily/2026-11-02.md", 1)


def test_t4_daily_note_link_in_heading(make_vault, due_json):
    data = due_json(make_vault({JANE_PATH: JANE, "Daily/2026-11-02.md": "## Call with [[Jane Doe]]\n"}))
    assert touch(data) == ("2026-11-02", "Daily/2026-11-02.md", 1)


def test_t4_daily_note_with_date_property_date_is_note_date(make_vault, due_json):
    # a daily note's date comes from its name; a `date` property only matters for T5 people links
    data = due_json(make_vault({JANE_PATH: JANE, "Daily/2026-11-02.md": "Coffee with [[Jane Doe]]\n"}))
    assert touch(data)[0] == "2026-11-02"


def test_touch_via_markdown_link_in_daily_note(make_vault, due_json):
    data = due_json(make_vault({JANE_PATH: JANE, "Daily/2026-11-02.md": "Coffee with [Jane](../People/Jane%20Doe.md)\n"}))
    assert touch(data) == ("2026-11-02", "Daily/2026-11-02.md", 1)


def test_external_markdown_link_is_not_a_link(make_vault, due_json):
    data = due_json(make_vault({JANE_PATH: JANE, "Notes/Log.md": "- 2026-11-02 [Jane](https://example.com/Jane%20Doe.md)\n"}))
    assert touch(data) == NO_TOUCH


def test_t4_child_of_dated_item_in_daily_note_gets_note_date(make_vault, due_json):
    daily = "- 2026-10-30 offsite\n  - with [[Jane Doe]]\n"
    data = due_json(make_vault({JANE_PATH: JANE, "Daily/2026-11-02.md": daily}))
    assert touch(data) == ("2026-11-02", "Daily/2026-11-02.md", 1)


def test_t4_line_under_dated_heading_in_daily_note_gets_note_date(make_vault, due_json):
    daily = "## 2026-10-30\n\n- with [[Jane Doe]]\n"
    data = due_json(make_vault({JANE_PATH: JANE, "Daily/2026-11-02.md": daily}))
    assert touch(data) == ("2026-11-02", "Daily/2026-11-02.md", 1)


def test_t4_dated_table_row_in_daily_note_uses_row_date(make_vault, due_json):
    daily = "| date | who |\n| --- | --- |\n| 2026-10-30 | [[Jane Doe]] |\n"
    data = due_json(make_vault({JANE_PATH: JANE, "Daily/2026-11-02.md": daily}))
    assert touch(data) == ("2026-10-30", "Daily/2026-11-02.md", 1)


def test_path_suffix_must_start_at_folder_boundary(make_vault, due_json):
    data = due_json(make_vault({JANE_PATH: JANE, "Notes/Log.md": "- 2026-11-02 coffee [[ople/Jane Doe]]\n"}))
    assert touch(data) == NO_TOUCH


def test_link_with_md_suffix_and_heading(make_vault, due_json):
    data = due_json(make_vault({JANE_PATH: JANE, "Notes/Log.md": "- 2026-11-02 coffee [[Jane Doe.md#Log]]\n"}))
    assert touch(data) == ("2026-11-02", "Notes/Log.md", 1)


def test_markdown_link_percent_decoded_unicode(make_vault, due_json):
    vault = make_vault({
        "People/Émile.md": JANE,
        "Notes/Log.md": "- 2026-11-02 coffee [É](../People/%C3%89mile.md)\n",
    })
    assert touch(due_json(vault), "Émile") == ("2026-11-02", "Notes/Log.md", 1)


def test_t5_ambiguous_frontmatter_link_is_a_problem_naming_meeting_note(make_vault, due_json):
    vault = make_vault({
        JANE_PATH: JANE,
        "Contacts/Jane Doe.md": "---\ncadence: 1d\nname: Other Jane\n---\n",
        "Meetings/Sync.md": "---\ndate: 2026-11-02\npeople:\n  - \"[[Jane Doe]]\"\n---\n",
    })
    data = due_json(vault)
    assert touch(data) == ("2026-11-02", "Meetings/Sync.md", 1)
    assert "Meetings/Sync.md" in {p["note"] for p in data["problems"]}


def test_t4_and_t5_same_day_count_once(make_vault, due_json):
    daily = "---\npeople: [\"[[Jane Doe]]\"]\n---\n- met [[Jane Doe]]\n"
    data = due_json(make_vault({JANE_PATH: JANE, "Daily/2026-11-02.md": daily}))
    assert touch(data) == ("2026-11-02", "Daily/2026-11-02.md", 1)
