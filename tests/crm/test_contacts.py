"""Black-box tests of behaviour §1–§2 (the vault, notes, frontmatter, contacts, fields, dates, tiers,
cadences) through the real CLI's `due --json`.

Conventions: today is 2026-11-22, the horizon ends 2026-11-28. A contact with `tier: A` and no touch
gets a `never` reminder due today, which is how these tests see that a note is a contact.
"""
from __future__ import annotations

from datetime import date
from typing import Any

import pytest

TODAY = date(2026, 11, 22)

TRACKED = "---\ntier: A\n---\n# Notes\n"  # a contact body that yields a `never` reminder due today


def rows(data: dict[str, Any], name: str | None = None, kind: str | None = None) -> list[dict[str, Any]]:
    return [
        r for r in data["reminders"]
        if (name is None or r["contact"] == name) and (kind is None or r["kind"] in kind.split("|"))
    ]


def one(data: dict[str, Any], name: str, kind: str = "cadence|never") -> dict[str, Any]:
    found = rows(data, name, kind)
    assert len(found) == 1, (name, kind, data["reminders"], data["problems"])
    return found[0]


def names(data: dict[str, Any]) -> set[str]:
    return {r["contact"] for r in data["reminders"]}


def problem_notes(data: dict[str, Any]) -> set[str]:
    return {p["note"] for p in data["problems"]}


def config(text: str) -> dict[str, str]:
    return {".vaultcrm/config.toml": text}


def days(a: date, b: date) -> int:
    return (b - a).days


# ---------------------------------------------------------------------------------------------
# §1 What is a note
# ---------------------------------------------------------------------------------------------

def test_contact_in_people_folder_is_counted_and_tracked(make_vault, due_json):
    data = due_json(make_vault({"People/Jane Doe.md": TRACKED}))
    assert data["contacts"] == 1
    row = one(data, "Jane Doe", "never")
    assert row["note"] == "People/Jane Doe.md"
    assert row["due"] == "2026-11-22"


@pytest.mark.parametrize("path", [
    ".trash/People/Jane Doe.md",
    ".git/People/Jane Doe.md",
    ".hidden/People/Jane Doe.md",
    "People/.Jane Doe.md",
    "People/.drafts/Jane Doe.md",
    ".vaultcrm/People/Jane Doe.md",
])
def test_dot_folders_and_dot_files_are_never_read(make_vault, due_json, path):
    data = due_json(make_vault({path: TRACKED, "People/Bob Roe.md": TRACKED}))
    assert names(data) == {"Bob Roe"}
    assert data["contacts"] == 1


@pytest.mark.parametrize("path", ["People/Jane Doe.tmp", "People/Jane Doe.md.tmp", "People/Jane Doe.txt"])
def test_only_md_files_are_notes(make_vault, due_json, path):
    data = due_json(make_vault({path: TRACKED, "People/Bob Roe.md": TRACKED}))
    assert names(data) == {"Bob Roe"}
    assert data["contacts"] == 1


def test_default_templates_folder_is_never_read(make_vault, due_json):
    vault = make_vault({
        "Templates/People/Person.md": TRACKED,
        "Templates/Person template.md": "---\ntype: person\ntier: A\ncreated: {{date}}\n---\n",
        "People/Bob Roe.md": TRACKED,
    })
    data = due_json(vault)
    assert names(data) == {"Bob Roe"}
    assert data["contacts"] == 1
    assert not any(p.startswith("Templates/") for p in problem_notes(data))


def test_templates_folder_from_obsidian_templates_json(make_vault, due_json):
    vault = make_vault({
        ".obsidian/templates.json": '{"folder": "Meta/Tpl"}',
        "Meta/Tpl/People/Person.md": "---\ntier: A\ncreated: {{date}}\n---\n",
        "Templates/People/Real Person.md": TRACKED,  # no longer the templates folder
    })
    data = due_json(vault)
    assert names(data) == {"Real Person"}
    assert not any(p.startswith("Meta/") for p in problem_notes(data))


def test_templates_setting_in_config_wins(make_vault, due_json):
    vault = make_vault({
        **config('templates = "Tpl"\n'),
        ".obsidian/templates.json": '{"folder": "Meta/Tpl"}',
        "Tpl/People/Person.md": TRACKED,
        "Meta/Tpl/People/Other.md": TRACKED,
    })
    data = due_json(vault)
    assert names(data) == {"Other"}


@pytest.mark.parametrize("conflict", [
    "People/Jane Doe.sync-conflict-20261120-101010-ABCDEFG.md",
    "People/Jane Doe (Conflicted copy 2026-11-20).md",
    "People/Jane Doe (Bob's conflicted copy 2026-11-20).md",
])
def test_sync_conflict_copy_is_a_problem_not_a_contact(make_vault, due_json, conflict):
    data = due_json(make_vault({"People/Jane Doe.md": TRACKED, conflict: TRACKED}))
    assert data["contacts"] == 1
    assert [r["note"] for r in rows(data, kind="never")] == ["People/Jane Doe.md"]
    assert conflict in problem_notes(data)


@pytest.mark.parametrize("glob, path", [
    ("Archive/**", "Archive/People/Old Friend.md"),
    ("Archive/**", "Archive/Deep/Er/People/Old Friend.md"),
    ("**/Old Friend.md", "People/Sub/Old Friend.md"),
])
def test_exclude_globs_are_never_read(make_vault, due_json, glob, path):
    vault = make_vault({**config(f'exclude = ["{glob}"]\n'), path: TRACKED, "People/Bob Roe.md": TRACKED})
    data = due_json(vault)
    assert names(data) == {"Bob Roe"}
    assert data["contacts"] == 1


def test_note_larger_than_max_note_bytes_is_a_problem(make_vault, due_json):
    big = "---\ntier: A\n---\n" + ("- some long line of notes\n" * 20)
    vault = make_vault({
        **config("max_note_bytes = 200\n"),
        "People/Big.md": big,
        "People/Small.md": TRACKED,
    })
    data = due_json(vault)
    assert "People/Big.md" in problem_notes(data)
    assert one(data, "Small", "never")
    assert not rows(data, "Big")


def test_undecodable_note_is_a_problem_and_others_still_count(make_vault, run, due_json):
    vault = make_vault({"People/Bad.md": b"---\ntier: A\n---\n\xff\xfe\xfa bad bytes\n", "People/Good.md": TRACKED})
    data = due_json(vault)
    assert "People/Bad.md" in problem_notes(data)
    assert one(data, "Good", "never")


def test_bom_before_frontmatter_is_accepted(make_vault, due_json):
    data = due_json(make_vault({"People/Jane Doe.md": "\ufeff---\ntier: B\n---\n# Jane\n"}))
    assert one(data, "Jane Doe", "never")["tier"] == "B"
    assert data["problems"] == []


def test_crlf_note_frontmatter_and_body_are_read(make_vault, due_json):
    text = "---\r\ntier: A\r\ncompany: Acme\r\n---\r\n# Log\r\n- 2026-11-02 coffee\r\n"
    data = due_json(make_vault({"People/Jane Doe.md": text}))
    row = one(data, "Jane Doe", "cadence")
    assert row["tier"] == "A"
    assert row["last_touch"] == "2026-11-02"
    assert row["due"] == "2026-11-16"


def test_bom_and_crlf_together(make_vault, due_json):
    text = "\ufeff---\r\ntier: A\r\n---\r\n- 2026-11-02 coffee\r\n"
    data = due_json(make_vault({"People/Jane Doe.md": text.encode("utf-8")}))
    assert one(data, "Jane Doe", "cadence")["last_touch"] == "2026-11-02"


# ---------------------------------------------------------------------------------------------
# §1.1 Frontmatter
# ---------------------------------------------------------------------------------------------

def test_frontmatter_closed_by_dots(make_vault, due_json):
    data = due_json(make_vault({"People/Jane Doe.md": "---\ntier: A\n...\n# Jane\n"}))
    assert one(data, "Jane Doe", "never")["tier"] == "A"


def test_frontmatter_not_on_first_line_is_not_frontmatter(make_vault, due_json):
    data = due_json(make_vault({"People/Jane Doe.md": "\n---\ntier: A\n---\n# Jane\n"}))
    assert data["contacts"] == 1
    assert rows(data, "Jane Doe") == []  # no tier: unclassified


BROKEN_FRONTMATTER = {
    "unparseable_template_placeholder": "---\ntier: A\ncreated: {{date}}\n---\n",
    "unparseable_syntax": "---\ntier: A\nname: [unclosed\n---\n",
    "not_a_mapping": "---\n- tier\n- A\n---\n",
    "scalar_not_a_mapping": "---\njust a string\n---\n",
    "anchor_and_alias": "---\ntier: &t A\ncircle: *t\n---\n",
    "duplicate_key": "---\ntier: A\ncompany: Acme\ntier: B\n---\n",
    "larger_than_64_kib": "---\ntier: A\nnotes: " + "x" * (65 * 1024) + "\n---\n",
}


@pytest.mark.parametrize("frontmatter", list(BROKEN_FRONTMATTER.values()), ids=list(BROKEN_FRONTMATTER))
def test_bad_frontmatter_is_a_problem_contact_kept_body_counts(make_vault, due_json, frontmatter):
    body = "# Broken\n- [ ] call back 📅 2026-11-24\n- 2026-11-02 coffee\n"
    data = due_json(make_vault({"People/Broken.md": frontmatter + body}))
    assert "People/Broken.md" in problem_notes(data)
    assert data["contacts"] == 1
    # frontmatter counts as empty: no tier, so no never/cadence reminder
    assert rows(data, kind="never|cadence") == []
    planned = one(data, "Broken", "planned")
    assert planned["due"] == "2026-11-24"
    assert planned["note"] == "People/Broken.md"
    # its body still counts: the dated line is a touch
    assert planned["last_touch"] == "2026-11-02"
    assert planned["touch_count"] == 1


def test_bad_frontmatter_contact_is_named_by_file_name(make_vault, due_json):
    text = "---\nname: Someone Else\ncreated: {{date}}\n---\n- [ ] call 📅 2026-11-24\n"
    data = due_json(make_vault({"People/Broken Name.md": text}))
    assert one(data, "Broken Name", "planned")


def test_bad_frontmatter_problem_does_not_stop_other_notes(make_vault, due_json):
    vault = make_vault({
        "People/Broken.md": "---\ncreated: {{date}}\n---\n",
        "People/Jane Doe.md": TRACKED,
    })
    data = due_json(vault)
    assert data["contacts"] == 2
    assert one(data, "Jane Doe", "never")


def test_empty_tags_items_are_dropped(make_vault, due_json):
    data = due_json(make_vault({"Notes/Jane Doe.md": "---\ntags:\n  - \n  - person\ntier: A\n---\n"}))
    assert one(data, "Jane Doe", "never")
    assert data["problems"] == []


# ---------------------------------------------------------------------------------------------
# §2 Contact detection
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", [
    "People/Jane Doe.md",
    "Contacts/Jane Doe.md",
    "people/Jane Doe.md",
    "CONTACTS/Jane Doe.md",
    "Work/People/Jane Doe.md",
    "Areas/Work/contacts/Jane Doe.md",
    "People/Friends/Jane Doe.md",
    "People/Sub/People.md",  # not named like its *direct* folder
])
def test_note_below_contact_folder_is_a_contact(make_vault, due_json, path):
    data = due_json(make_vault({path: TRACKED}))
    assert data["contacts"] == 1
    assert one(data, path.rsplit("/", 1)[1][:-3], "never")["note"] == path


@pytest.mark.parametrize("path", [
    "Notes/Jane Doe.md",
    "Jane Doe.md",
    "Peoples/Jane Doe.md",
    "My People/Jane Doe.md",
])
def test_note_outside_contact_folders_is_not_a_contact(make_vault, due_json, path):
    data = due_json(make_vault({path: TRACKED}))
    assert data["contacts"] == 0
    assert data["reminders"] == []


@pytest.mark.parametrize("path", [
    "People/People.md",
    "people/PEOPLE.md",
    "Contacts/contacts.md",
    "Work/People/People.md",
    "People/Friends/Friends.md",
])
def test_folder_index_note_is_not_a_contact(make_vault, due_json, path):
    data = due_json(make_vault({path: TRACKED}))
    assert data["contacts"] == 0
    assert data["reminders"] == []


def test_contact_folders_setting_replaces_default(make_vault, due_json):
    vault = make_vault({
        **config('contact_folders = ["Network"]\n'),
        "Network/Jane Doe.md": TRACKED,
        "People/Bob Roe.md": TRACKED,
    })
    data = due_json(vault)
    assert names(data) == {"Jane Doe"}
    assert data["contacts"] == 1


@pytest.mark.parametrize("frontmatter", [
    "type: person",
    "type: Person",
    "type: PEOPLE",
    "type: contact",
    "type: contacts",
    "category: person",
    "categories: [work, person]",
    "categories:\n  - \"[[People]]\"",
    "type: \"[[Person]]\"",
    "type: \"[[Contacts]]\"",
    "categories: [[People]]",
    "categories:\n  - [[Contact]]",
])
def test_type_or_category_makes_a_contact(make_vault, due_json, frontmatter):
    data = due_json(make_vault({"Notes/Jane Doe.md": f"---\n{frontmatter}\ntier: A\n---\n"}))
    assert data["contacts"] == 1
    assert one(data, "Jane Doe", "never")


@pytest.mark.parametrize("frontmatter", [
    "type: company",
    "type: personal",
    "category: meeting",
    "categories: [\"[[Projects]]\"]",
])
def test_other_type_or_category_is_not_a_contact(make_vault, due_json, frontmatter):
    data = due_json(make_vault({"Notes/Jane Doe.md": f"---\n{frontmatter}\ntier: A\n---\n"}))
    assert data["contacts"] == 0


@pytest.mark.parametrize("frontmatter", [
    "tags: [person]",
    "tags: person",
    "tags: work, person",
    "tags: [\"#person\"]",
    "tags:\n  - people",
    "tags:\n  - contact",
    "tags: [person/work]",
    "tags:\n  - \"#people/family\"",
])
def test_frontmatter_tag_makes_a_contact(make_vault, due_json, frontmatter):
    data = due_json(make_vault({"Notes/Jane Doe.md": f"---\n{frontmatter}\ntier: A\n---\n"}))
    assert data["contacts"] == 1
    assert one(data, "Jane Doe", "never")


@pytest.mark.parametrize("frontmatter", ["tags: [personal]", "tags: [work, friends]", "tags: [personality/x]"])
def test_other_tags_do_not_make_a_contact(make_vault, due_json, frontmatter):
    data = due_json(make_vault({"Notes/Jane Doe.md": f"---\n{frontmatter}\ntier: A\n---\n"}))
    assert data["contacts"] == 0


def test_inline_person_tag_in_body_does_not_make_a_contact(make_vault, due_json):
    data = due_json(make_vault({"Notes/Jane Doe.md": "---\ntier: A\n---\nA friend. #person #contact\n"}))
    assert data["contacts"] == 0
    assert data["reminders"] == []


@pytest.mark.parametrize("frontmatter", [
    "vaultcrm: ignore",
    "contact: false",
    "type: person\nvaultcrm: ignore",
    "tags: [person]\ncontact: false",
])
def test_ignored_note_is_never_a_contact(make_vault, due_json, frontmatter):
    path = "People/Jane Doe.md" if "type" not in frontmatter and "tags" not in frontmatter else "Notes/Jane Doe.md"
    data = due_json(make_vault({path: f"---\n{frontmatter}\ntier: A\n---\n"}))
    assert data["contacts"] == 0
    assert data["reminders"] == []


# ---------------------------------------------------------------------------------------------
# §2 Fields: names, normalisation, synonyms, [fields]
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("key", ["name", "Name", "full_name", "Full Name", "fullName"])
def test_name_field_and_synonym(make_vault, due_json, key):
    data = due_json(make_vault({"People/jd.md": f"---\n{key}: Jane Doe\ntier: A\n---\n"}))
    assert one(data, "Jane Doe", "never")["note"] == "People/jd.md"


@pytest.mark.parametrize("key", [
    "last_touch", "last_contact", "last-contact", "Last Contact", "lastContact", "LAST_CONTACT",
    "last_contacted", "last_interaction", "last_spoke", "last_met", "last_chat", "prm-last-contacted",
    "Last-Interaction",
])
def test_last_touch_synonyms_after_normalisation(make_vault, due_json, key):
    data = due_json(make_vault({"People/Jane Doe.md": f"---\ntier: A\n{key}: 2026-11-02\n---\n"}))
    row = one(data, "Jane Doe", "cadence")
    assert row["last_touch"] == "2026-11-02"
    assert row["due"] == "2026-11-16"


@pytest.mark.parametrize("key", ["met", "first_met", "met_on", "met_date", "date_met", "First Met", "metOn"])
def test_met_synonyms_give_followup_and_touch(make_vault, due_json, key):
    data = due_json(make_vault({"People/Jane Doe.md": f"---\n{key}: 2026-11-20\n---\n"}))
    row = one(data, "Jane Doe", "followup")
    assert row["due"] == "2026-11-21"
    assert row["last_touch"] == "2026-11-20"


@pytest.mark.parametrize("key", ["tier", "circle", "relationship_strength", "prm-tier", "Relationship Strength"])
def test_tier_synonyms(make_vault, due_json, key):
    data = due_json(make_vault({"People/Jane Doe.md": f"---\n{key}: B\n---\n"}))
    assert one(data, "Jane Doe", "never")["tier"] == "B"


@pytest.mark.parametrize("key", ["cadence", "frequency", "every", "keep_in_touch", "contact_frequency",
                                 "prm-cadence", "Keep In Touch"])
def test_cadence_synonyms(make_vault, due_json, key):
    data = due_json(make_vault({"People/Jane Doe.md": f"---\n{key}: 10d\nlast_contact: 2026-11-02\n---\n"}))
    row = one(data, "Jane Doe", "cadence")
    assert row["due"] == "2026-11-12"
    assert row["cadence_days"] == 10


@pytest.mark.parametrize("key", ["created", "date_created", "Date Created"])
def test_created_synonyms(make_vault, due_json, key):
    data = due_json(make_vault({"People/Jane Doe.md": f"---\ntier: A\n{key}: 2026-11-01\n---\n"}))
    assert one(data, "Jane Doe", "never")["due"] == "2026-11-15"


@pytest.mark.parametrize("key", ["birthday", "birthdate", "bday", "born", "prm-birthday"])
def test_birthday_synonyms(make_vault, due_json, key):
    data = due_json(make_vault({"People/Jane Doe.md": f"---\n{key}: 1990-11-25\n---\n"}))
    assert one(data, "Jane Doe", "occasion")["due"] == "2026-11-25"


@pytest.mark.parametrize("key", ["snooze_until", "snooze", "snoozed_until", "prm-snooze-until"])
def test_snooze_synonyms(make_vault, due_json, key):
    data = due_json(make_vault({"People/Jane Doe.md": f"---\ntier: A\n{key}: 2026-12-15\n---\n"}))
    assert data["contacts"] == 1
    assert rows(data, "Jane Doe") == []


@pytest.mark.parametrize("key", ["status", "state", "Status"])
def test_status_synonyms(make_vault, due_json, key):
    data = due_json(make_vault({"People/Jane Doe.md": f"---\ntier: A\n{key}: archived\n---\n"}))
    assert data["contacts"] == 0
    assert data["reminders"] == []


def test_fields_config_adds_last_touch_key(make_vault, due_json):
    vault = make_vault({
        **config('[fields]\nlast_touch = ["last_coffee"]\n'),
        "People/Jane Doe.md": "---\ntier: A\nLast Coffee: 2026-11-02\n---\n",
    })
    assert one(due_json(vault), "Jane Doe", "cadence")["last_touch"] == "2026-11-02"


def test_fields_config_adds_tier_key(make_vault, due_json):
    vault = make_vault({
        **config('[fields]\ntier = ["Level"]\n'),
        "People/Jane Doe.md": "---\nlevel: C\n---\n",
    })
    assert one(due_json(vault), "Jane Doe", "never")["tier"] == "C"


def test_without_fields_config_unknown_key_is_ignored(make_vault, due_json):
    data = due_json(make_vault({"People/Jane Doe.md": "---\ntier: A\nlast_coffee: 2026-11-02\n---\n"}))
    assert one(data, "Jane Doe", "never")["last_touch"] is None


def test_every_last_touch_key_is_a_touch(make_vault, due_json):
    text = "---\ntier: A\nlast_contact: 2026-10-01\nlast_met: 2026-11-02\nlast_chat: 2026-10-15\n---\n"
    row = one(due_json(make_vault({"People/Jane Doe.md": text})), "Jane Doe", "cadence")
    assert row["last_touch"] == "2026-11-02"
    assert row["touch_count"] == 3


def test_met_and_last_touch_are_both_touches(make_vault, due_json):
    text = "---\ntier: A\nmet: 2026-10-01\nlast_contact: 2026-11-02\n---\n"
    row = one(due_json(make_vault({"People/Jane Doe.md": text})), "Jane Doe", "cadence")
    assert row["last_touch"] == "2026-11-02"
    assert row["touch_count"] == 2


def test_canonical_key_wins_over_synonym(make_vault, due_json):
    data = due_json(make_vault({"People/Jane Doe.md": "---\ncircle: C\ntier: A\n---\n"}))
    assert one(data, "Jane Doe", "never")["tier"] == "A"


def test_synonyms_win_in_table_order(make_vault, due_json):
    data = due_json(make_vault({"People/Jane Doe.md": "---\nprm-tier: B\ncircle: C\n---\n"}))
    assert one(data, "Jane Doe", "never")["tier"] == "C"


@pytest.mark.parametrize("key", ["last_contact", "birthday", "tier", "cadence", "snooze_until", "met", "created"])
def test_empty_value_is_absent_not_a_problem(make_vault, due_json, key):
    text = f"---\ntype: person\n{key}:\ncircle: A\n---\n"
    data = due_json(make_vault({"Notes/Jane Doe.md": text}))
    assert data["problems"] == []
    row = one(data, "Jane Doe", "never")
    assert row["due"] == "2026-11-22"


# ---------------------------------------------------------------------------------------------
# §2 Inactive contacts
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("frontmatter", [
    "status: archived",
    "status: Inactive",
    "status: paused",
    "status: DORMANT",
    "paused: true",
    "paused: \"yes\"",
    "archived: true",
    "archived: \"on\"",
    "active: false",
    "active: \"no\"",
    "active: no",
    "active: \"off\"",
])
def test_inactive_contact_has_no_reminders_and_is_not_counted(make_vault, due_json, frontmatter):
    text = f"---\ntier: A\nmet: 2026-11-20\nbirthday: 1990-11-25\n{frontmatter}\n---\n- [ ] call 📅 2026-11-24\n"
    data = due_json(make_vault({"People/Jane Doe.md": text, "People/Bob Roe.md": TRACKED}))
    assert data["contacts"] == 1
    assert names(data) == {"Bob Roe"}


@pytest.mark.parametrize("frontmatter", ["status: active", "active: true", "active: \"yes\"", "paused: false"])
def test_active_contact_is_counted(make_vault, due_json, frontmatter):
    data = due_json(make_vault({"People/Jane Doe.md": f"---\ntier: A\n{frontmatter}\n---\n"}))
    assert data["contacts"] == 1
    assert one(data, "Jane Doe", "never")


# ---------------------------------------------------------------------------------------------
# §2 Dates
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", [
    "2026-11-02",
    "\"2026-11-02\"",
    "'2026-11-02'",
    "2026-11-02T14:30:15",
    "2026-11-02T14:30",
    "\"2026-11-02T14:30\"",
    "2026-11-02 23:02",
    "2026-11-02T01:30:00+05:00",
    "2026-11-02T23:30:00-08:00",
    "2026-11-02 23:30:00 -08:00",
    "\"[[2026-11-02]]\"",
    "[[2026-11-02]]",
    "\"[[2026-11-02|Monday]]\"",
])
def test_date_forms(make_vault, due_json, value):
    data = due_json(make_vault({"People/Jane Doe.md": f"---\ntier: A\nlast_contact: {value}\n---\n"}))
    row = one(data, "Jane Doe", "cadence")
    assert row["last_touch"] == "2026-11-02"
    assert data["problems"] == []


def test_date_link_in_daily_note_format(make_vault, due_json):
    vault = make_vault({
        ".obsidian/daily-notes.json": '{"folder": "Daily", "format": "DD.MM.YYYY"}',
        "People/Jane Doe.md": "---\ntier: A\nlast_contact: \"[[02.11.2026]]\"\n---\n",
    })
    data = due_json(vault)
    assert one(data, "Jane Doe", "cadence")["last_touch"] == "2026-11-02"


@pytest.mark.parametrize("value", ["last week", "2026-13-45", "\"2026-02-30\"", "12", "\"[[Some Note]]\"", "yes"])
def test_bad_date_is_a_problem_and_absent(make_vault, due_json, value):
    data = due_json(make_vault({"People/Jane Doe.md": f"---\ntier: A\nlast_contact: {value}\n---\n"}))
    assert "People/Jane Doe.md" in problem_notes(data)
    row = one(data, "Jane Doe", "never")
    assert row["last_touch"] is None


def test_bad_snooze_date_is_a_problem_and_not_snoozed(make_vault, due_json):
    data = due_json(make_vault({"People/Jane Doe.md": "---\ntier: A\nsnooze_until: soon\n---\n"}))
    assert "People/Jane Doe.md" in problem_notes(data)
    assert one(data, "Jane Doe", "never")


def test_file_timestamps_are_never_a_date(make_vault, due_json):
    data = due_json(make_vault({"People/Jane Doe.md": TRACKED}))
    row = one(data, "Jane Doe", "never")
    assert row["last_touch"] is None
    assert row["touch_count"] == 0
    assert row["due"] == "2026-11-22"


# ---------------------------------------------------------------------------------------------
# §4.1 Tiers
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value, tier", [
    ("A", "A"), ("a", "A"), ("1", "A"), ("\"1\"", "A"), ("close", "A"), ("Key", "A"), ("INNER", "A"),
    ("B", "B"), ("2", "B"), ("warm", "B"),
    ("C", "C"), ("3", "C"), ("Professional", "C"),
    ("D", "D"), ("4", "D"), ("acquaintance", "D"), ("wide", "D"),
])
def test_tier_names_and_aliases(make_vault, due_json, value, tier):
    data = due_json(make_vault({"People/Jane Doe.md": f"---\ntier: {value}\n---\n"}))
    assert one(data, "Jane Doe", "never")["tier"] == tier
    assert data["problems"] == []


@pytest.mark.parametrize("tier, last, due, cadence_days", [
    ("A", "2026-11-02", "2026-11-16", 14),
    ("B", "2026-10-20", "2026-11-20", 31),
    ("C", "2026-08-25", "2026-11-25", 92),
    ("D", "2025-11-24", "2026-11-24", 365),
])
def test_default_tier_cadences(make_vault, due_json, tier, last, due, cadence_days):
    data = due_json(make_vault({"People/Jane Doe.md": f"---\ntier: {tier}\nlast_contact: {last}\n---\n"}))
    row = one(data, "Jane Doe", "cadence")
    assert row["due"] == due
    assert row["cadence_days"] == cadence_days


@pytest.mark.parametrize("value", ["no", "yes", "true", "Z", "E", "5", "[A, B]", "platinum"])
def test_unknown_tier_is_a_problem_and_no_tier(make_vault, due_json, value):
    data = due_json(make_vault({"People/Jane Doe.md": f"---\ntier: {value}\nlast_contact: 2026-01-02\n---\n"}))
    assert "People/Jane Doe.md" in problem_notes(data)
    assert data["contacts"] == 1
    assert rows(data, "Jane Doe", "cadence|never") == []


def test_unknown_tier_with_own_cadence_still_tracked(make_vault, due_json):
    data = due_json(make_vault({"People/Jane Doe.md": "---\ntier: Z\ncadence: 10d\nlast_contact: 2026-11-02\n---\n"}))
    row = one(data, "Jane Doe", "cadence")
    assert row["tier"] is None
    assert row["due"] == "2026-11-12"


def test_cadence_field_overrides_tier(make_vault, due_json):
    data = due_json(make_vault({"People/Jane Doe.md": "---\ntier: D\ncadence: 7d\nlast_contact: 2026-11-02\n---\n"}))
    row = one(data, "Jane Doe", "cadence")
    assert row["tier"] == "D"
    assert row["due"] == "2026-11-09"
    assert row["cadence_days"] == 7


# ---------------------------------------------------------------------------------------------
# §4.1 Durations (cadence field)
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value, last, due", [
    ("10", "2026-11-10", "2026-11-20"),
    ("\"10\"", "2026-11-10", "2026-11-20"),
    ("10d", "2026-11-10", "2026-11-20"),
    ("2w", "2026-11-02", "2026-11-16"),
    ("1m", "2026-09-30", "2026-10-30"),
    ("2m", "2026-08-31", "2026-10-31"),
    ("1y", "2025-06-15", "2026-06-15"),
    ("P2W", "2026-11-02", "2026-11-16"),
    ("P10D", "2026-11-10", "2026-11-20"),
    ("P1M", "2026-09-30", "2026-10-30"),
    ("P1Y", "2025-06-15", "2026-06-15"),
    ("daily", "2026-11-20", "2026-11-21"),
    ("weekly", "2026-11-10", "2026-11-17"),
    ("biweekly", "2026-11-02", "2026-11-16"),
    ("Monthly", "2026-10-15", "2026-11-15"),
    ("quarterly", "2026-08-15", "2026-11-15"),
    ("yearly", "2025-11-15", "2026-11-15"),
    ("annually", "2025-11-15", "2026-11-15"),
])
def test_cadence_duration_forms(make_vault, due_json, value, last, due):
    data = due_json(make_vault({"People/Jane Doe.md": f"---\ncadence: {value}\nlast_contact: {last}\n---\n"}))
    row = one(data, "Jane Doe", "cadence")
    assert row["due"] == due
    assert row["cadence_days"] == days(date.fromisoformat(last), date.fromisoformat(due))


@pytest.mark.parametrize("last, value, due", [
    ("2026-01-31", "1m", "2026-02-28"),
    ("2024-01-31", "1m", "2024-02-29"),
    ("2026-03-31", "1m", "2026-04-30"),
    ("2025-11-30", "3m", "2026-02-28"),
    ("2024-02-29", "1y", "2025-02-28"),
    ("2026-01-31", "P1M", "2026-02-28"),
])
def test_calendar_months_clamp_to_month_end(make_vault, due_json, last, value, due):
    data = due_json(make_vault({"People/Jane Doe.md": f"---\ncadence: {value}\nlast_contact: {last}\n---\n"}))
    row = one(data, "Jane Doe", "cadence")
    assert row["due"] == due
    assert row["cadence_days"] == days(date.fromisoformat(last), date.fromisoformat(due))
    assert row["days_overdue"] == days(date.fromisoformat(due), TODAY)


def test_tier_b_month_clamps_on_calendar(make_vault, due_json):
    data = due_json(make_vault({"People/Jane Doe.md": "---\ntier: B\nlast_contact: 2026-01-31\n---\n"}))
    row = one(data, "Jane Doe", "cadence")
    assert row["due"] == "2026-02-28"
    assert row["cadence_days"] == 28


def test_sexagesimal_1_20_is_not_a_cadence(make_vault, due_json):
    # YAML 1.1 reads 1:20 as 80; if taken as 80 days this would be due 2026-11-20.
    data = due_json(make_vault({"People/Jane Doe.md": "---\ncadence: 1:20\nlast_contact: 2026-09-01\n---\n"}))
    assert rows(data, "Jane Doe", "cadence|never") == []


@pytest.mark.parametrize("value", ["often", "true", "[1, 2]", "10 parsecs"])
def test_nonsense_cadence_is_not_a_cadence(make_vault, due_json, value):
    data = due_json(make_vault({"People/Jane Doe.md": f"---\ncadence: {value}\nlast_contact: 2026-09-01\n---\n"}))
    assert data["contacts"] == 1
    assert rows(data, "Jane Doe", "cadence|never") == []


# ---------------------------------------------------------------------------------------------
# More edges
# ---------------------------------------------------------------------------------------------

def test_keys_equal_after_normalisation_are_all_touches(make_vault, due_json):
    text = "---\ntier: A\nlast_contact: 2026-10-01\nLast Contact: 2026-11-02\nlastContact: 2026-10-15\n---\n"
    data = due_json(make_vault({"People/Jane Doe.md": text}))
    assert "People/Jane Doe.md" not in problem_notes(data)  # distinct YAML keys, not a repeated key
    row = one(data, "Jane Doe", "cadence")
    assert row["last_touch"] == "2026-11-02"
    assert row["touch_count"] == 3


def test_met_keys_all_touches(make_vault, due_json):
    text = "---\ntier: A\nmet: 2026-09-01\nfirst_met: 2026-10-02\n---\n"
    row = one(due_json(make_vault({"People/Jane Doe.md": text})), "Jane Doe", "cadence")
    assert row["touch_count"] == 2
    assert row["last_touch"] == "2026-10-02"


def test_note_over_default_max_note_bytes_is_a_problem(make_vault, due_json):
    big = "---\ntier: A\n---\n" + ("x" * 1023 + "\n") * (5 * 1024 + 10)
    data = due_json(make_vault({"People/Big.md": big, "People/Small.md": TRACKED}))
    assert "People/Big.md" in problem_notes(data)
    assert one(data, "Small", "never")


def test_custom_contact_folder_is_case_insensitive_and_any_depth(make_vault, due_json):
    vault = make_vault({
        **config('contact_folders = ["Network"]\n'),
        "work/network/Jane Doe.md": TRACKED,
        "NETWORK/Bob Roe.md": TRACKED,
        "Network/Network.md": TRACKED,
    })
    data = due_json(vault)
    assert names(data) == {"Jane Doe", "Bob Roe"}


@pytest.mark.parametrize("value", ["sometime", "\"13-45\"", "\"2026-02-30\""])
def test_bad_birthday_is_a_problem(make_vault, due_json, value):
    data = due_json(make_vault({"People/Jane Doe.md": f"---\nbirthday: {value}\n---\n"}))
    assert "People/Jane Doe.md" in problem_notes(data)
    assert rows(data, "Jane Doe", "occasion") == []


def test_bad_created_is_a_problem_and_absent(make_vault, due_json):
    data = due_json(make_vault({"People/Jane Doe.md": "---\ntier: A\ncreated: someday\n---\n"}))
    assert "People/Jane Doe.md" in problem_notes(data)
    assert one(data, "Jane Doe", "never")["due"] == "2026-11-22"


def test_snooze_until_as_date_link(make_vault, due_json):
    data = due_json(make_vault({"People/Jane Doe.md": "---\ntier: A\nsnooze_until: \"[[2026-12-01]]\"\n---\n"}))
    assert rows(data, "Jane Doe") == []
    assert data["problems"] == []


def test_check_exits_1_on_unknown_tier_and_names_note(make_vault, run):
    result = run(make_vault({"People/Jane Doe.md": "---\ntier: Z\n---\n"}), "check")
    assert result.exit_code == 1
    assert "People/Jane Doe.md" in result.output
    assert "Traceback" not in result.output


def test_check_exit_0_without_problems(make_vault, run):
    assert run(make_vault({"People/Jane Doe.md": TRACKED}), "check").exit_code == 0


def test_numeric_tier_int_and_string(make_vault, due_json):
    vault = make_vault({"People/A1.md": "---\ntier: 1\n---\n", "People/A2.md": "---\ntier: \"4\"\n---\n"})
    data = due_json(vault)
    assert one(data, "A1", "never")["tier"] == "A"
    assert one(data, "A2", "never")["tier"] == "D"


def test_inactive_status_value_with_other_status_is_active(make_vault, due_json):
    data = due_json(make_vault({"People/Jane Doe.md": "---\ntier: A\nstatus: prospect\n---\n"}))
    assert data["contacts"] == 1


def test_type_list_holding_person(make_vault, due_json):
    data = due_json(make_vault({"Notes/Jane Doe.md": "---\ntype: [friend, Person]\ntier: A\n---\n"}))
    assert data["contacts"] == 1


def test_datetime_with_z_offset_keeps_written_date(make_vault, due_json):
    data = due_json(make_vault({"People/Jane Doe.md": "---\ntier: A\nlast_contact: 2026-11-02T23:30:00Z\n---\n"}))
    assert one(data, "Jane Doe", "cadence")["last_touch"] == "2026-11-02"


def test_fields_config_keys_are_normalised(make_vault, due_json):
    vault = make_vault({
        **config('[fields]\nlast_touch = ["Last-Coffee"]\nname = ["display name"]\n'),
        "People/jd.md": "---\ntier: A\nlast_coffee: 2026-11-02\nDisplayName: Jane Doe\n---\n",
    })
    row = one(due_json(vault), "Jane Doe", "cadence")
    assert row["last_touch"] == "2026-11-02"


def test_sync_conflict_copy_outside_contact_folder_is_a_problem(make_vault, due_json):
    path = "Notes/Log (conflicted copy 2026-11-20).md"
    data = due_json(make_vault({path: "- 2026-11-02 [[Jane Doe]]\n", "People/Jane Doe.md": TRACKED}))
    assert path in problem_notes(data)
    assert one(data, "Jane Doe", "never")["last_touch"] is None  # never read


def test_sync_conflict_copy_in_dot_folder_is_never_read(make_vault, due_json):
    data = due_json(make_vault({".trash/Jane Doe.sync-conflict-20261120-101010-ABCDEFG.md": TRACKED,
                                "People/Jane Doe.md": TRACKED}))
    assert data["problems"] == []


def test_body_thematic_breaks_after_frontmatter(make_vault, due_json):
    text = "---\ntier: A\n---\n# Jane\n\n---\n\n- 2026-11-02 coffee\n\n---\n"
    row = one(due_json(make_vault({"People/Jane Doe.md": text})), "Jane Doe", "cadence")
    assert row["tier"] == "A"
    assert row["last_touch"] == "2026-11-02"


def test_quoted_ampersand_and_star_are_not_anchors(make_vault, due_json):
    text = "---\ntier: A\ncompany: \"*Stars* & Co\"\nnote: a & b *c\n---\n"
    data = due_json(make_vault({"People/Jane Doe.md": text}))
    assert data["problems"] == []
    assert one(data, "Jane Doe", "never")["tier"] == "A"


def test_frontmatter_under_64_kib_is_fine(make_vault, due_json):
    text = "---\ntier: A\nnotes: " + "x" * (60 * 1024) + "\n---\n"
    data = due_json(make_vault({"People/Jane Doe.md": text}))
    assert data["problems"] == []
    assert one(data, "Jane Doe", "never")["tier"] == "A"


def test_check_exits_1_on_sync_conflict_copy(make_vault, run):
    path = "People/Jane Doe (conflicted copy 2026-11-20).md"
    result = run(make_vault({"People/Jane Doe.md": TRACKED, path: TRACKED}), "check")
    assert result.exit_code == 1
    assert path in result.output
