"""Black-box tests of behaviour §4 (reminders, ordering, tiers config, custom rules, signals) and §8
(the `due --json` object) through the real CLI. Today is 2026-11-22; the horizon ends 2026-11-28.
"""
from __future__ import annotations

import json
from typing import Any

import pytest


def rows(data: dict[str, Any], name: str | None = None, kind: str | None = None) -> list[dict[str, Any]]:
    return [
        r for r in data["reminders"]
        if (name is None or r["contact"] == name) and (kind is None or r["kind"] in kind.split("|"))
    ]


def one(data: dict[str, Any], name: str, kind: str) -> dict[str, Any]:
    found = rows(data, name, kind)
    assert len(found) == 1, (name, kind, data["reminders"], data["problems"])
    return found[0]


def order(data: dict[str, Any]) -> list[tuple[str, str]]:
    return [(r["contact"], r["kind"]) for r in data["reminders"]]


def person(fm: str = "", body: str = "") -> str:
    return f"---\n{fm}\n---\n{body}" if fm else body


def config(text: str) -> dict[str, str]:
    return {".vaultcrm/config.toml": text}


# ---------------------------------------------------------------------------------------------
# followup
# ---------------------------------------------------------------------------------------------

def test_followup_due_day_after_met(make_vault, due_json):
    data = due_json(make_vault({"People/Jane Doe.md": person("met: 2026-11-20")}))
    row = one(data, "Jane Doe", "followup")
    assert row["due"] == "2026-11-21"
    assert row["overdue"] is True
    assert row["days_overdue"] == 1
    assert row["cadence_days"] == 1


def test_followup_met_today_not_overdue(make_vault, due_json):
    row = one(due_json(make_vault({"People/Jane Doe.md": person("met: 2026-11-22")})), "Jane Doe", "followup")
    assert row["due"] == "2026-11-23"
    assert row["overdue"] is False
    assert row["days_overdue"] == 0


@pytest.mark.parametrize("met, missed", [
    ("2026-11-22", False),
    ("2026-11-16", False),  # today - 6: inside the window
    ("2026-11-15", True),   # today - 7: outside it, so missed, and still listed
    ("2026-11-02", True),   # today - 20: the last day of the 14 days' grace
    ("2026-11-01", None),   # today - 21: dropped
    ("2026-11-25", None),   # in the future
])
def test_a_missed_followup_stays_through_the_grace(make_vault, due_json, met, missed):
    data = due_json(make_vault({"People/Jane Doe.md": person(f"met: {met}")}))
    assert [r["missed"] for r in rows(data, "Jane Doe", "followup")] == ([] if missed is None else [missed])


def test_a_missed_followup_is_the_contacts_reminder_until_the_grace_ends(make_vault, due_json):
    data = due_json(make_vault({"People/Jane Doe.md": person("tier: A\nmet: 2026-11-05")}))
    row = one(data, "Jane Doe", "followup")
    assert (row["due"], row["days_overdue"], row["missed"]) == ("2026-11-06", 16, True)
    assert row["reason"] == "met 2026-11-05; follow-up missed"
    assert [r["kind"] for r in rows(data, "Jane Doe")] == ["followup"]


@pytest.mark.parametrize("grace, listed", [(0, False), (7, True), (6, False)])
def test_followup_grace_config(make_vault, due_json, grace, listed):
    # met 2026-11-09: the 7-day window ended 2026-11-15, 7 days before today
    vault = make_vault({**config(f"followup_grace = {grace}\n"), "People/Jane Doe.md": person("met: 2026-11-09")})
    assert bool(rows(due_json(vault), "Jane Doe", "followup")) is listed


def test_a_snooze_drops_a_missed_followup(make_vault, due_json):
    vault = make_vault({"People/Jane Doe.md": person("met: 2026-11-05\nsnooze_until: 2026-12-01")})
    assert rows(due_json(vault), "Jane Doe", "followup") == []


def test_followup_window_config(make_vault, due_json):
    vault = make_vault({**config("followup_window = 14\n"), "People/Jane Doe.md": person("met: 2026-11-10")})
    assert one(due_json(vault), "Jane Doe", "followup")["due"] == "2026-11-11"


def test_later_touch_cancels_followup(make_vault, due_json):
    data = due_json(make_vault({"People/Jane Doe.md": person("met: 2026-11-18", "- 2026-11-19 sent a note\n")}))
    assert rows(data, "Jane Doe", "followup") == []


def test_later_touch_elsewhere_cancels_followup(make_vault, due_json):
    vault = make_vault({
        "People/Jane Doe.md": person("met: 2026-11-18"),
        "Daily/2026-11-20.md": "Emailed [[Jane Doe]]\n",
    })
    assert rows(due_json(vault), "Jane Doe", "followup") == []


def test_touch_same_day_as_met_does_not_cancel_followup(make_vault, due_json):
    data = due_json(make_vault({"People/Jane Doe.md": person("met: 2026-11-18", "- 2026-11-18 coffee\n")}))
    assert one(data, "Jane Doe", "followup")["due"] == "2026-11-19"


def test_followup_replaces_never_and_cadence(make_vault, due_json):
    data = due_json(make_vault({"People/Jane Doe.md": person("tier: A\nmet: 2026-11-20")}))
    assert [r["kind"] for r in rows(data, "Jane Doe")] == ["followup"]


def test_after_followup_cancelled_cadence_applies(make_vault, due_json):
    data = due_json(make_vault({"People/Jane Doe.md": person("cadence: 2d\nmet: 2026-11-18", "- 2026-11-19 note\n")}))
    row = one(data, "Jane Doe", "cadence")
    assert row["due"] == "2026-11-21"
    assert [r["kind"] for r in rows(data, "Jane Doe")] == ["cadence"]


# ---------------------------------------------------------------------------------------------
# never
# ---------------------------------------------------------------------------------------------

def test_never_without_created_is_due_today(make_vault, due_json):
    row = one(due_json(make_vault({"People/Jane Doe.md": person("tier: A")})), "Jane Doe", "never")
    assert row["due"] == "2026-11-22"
    assert row["overdue"] is False
    assert row["days_overdue"] == 0
    assert row["cadence_days"] == 14
    assert row["last_touch"] is None
    assert row["evidence"] is None
    assert row["touch_count"] == 0


def test_never_with_created_is_created_plus_cadence(make_vault, due_json):
    row = one(due_json(make_vault({"People/Jane Doe.md": person("tier: A\ncreated: 2026-11-01")})), "Jane Doe", "never")
    assert row["due"] == "2026-11-15"
    assert row["overdue"] is True
    assert row["days_overdue"] == 7
    assert row["cadence_days"] == 14


def test_never_created_recently_not_listed(make_vault, due_json):
    data = due_json(make_vault({"People/Jane Doe.md": person("tier: A\ncreated: 2026-11-20")}))
    assert rows(data, "Jane Doe") == []


def test_never_month_cadence_days_from_created(make_vault, due_json):
    row = one(due_json(make_vault({"People/Jane Doe.md": person("tier: B\ncreated: 2026-09-30")})), "Jane Doe", "never")
    assert row["due"] == "2026-10-30"
    assert row["cadence_days"] == 30
    assert row["days_overdue"] == 23


def test_never_month_cadence_days_from_today(make_vault, due_json):
    row = one(due_json(make_vault({"People/Jane Doe.md": person("tier: B")})), "Jane Doe", "never")
    assert row["due"] == "2026-11-22"
    assert row["cadence_days"] == 30  # 2026-11-22 -> 2026-12-22


def test_created_is_not_a_touch(make_vault, due_json):
    row = one(due_json(make_vault({"People/Jane Doe.md": person("tier: A\ncreated: 2026-11-01")})), "Jane Doe", "never")
    assert row["last_touch"] is None
    assert row["touch_count"] == 0


def test_created_ignored_once_there_is_a_touch(make_vault, due_json):
    data = due_json(make_vault({"People/Jane Doe.md": person("tier: A\ncreated: 2026-01-01\nlast_contact: 2026-11-02")}))
    row = one(data, "Jane Doe", "cadence")
    assert row["due"] == "2026-11-16"
    assert rows(data, "Jane Doe", "never") == []


# ---------------------------------------------------------------------------------------------
# cadence and the horizon
# ---------------------------------------------------------------------------------------------

def test_cadence_reminder_fields(make_vault, due_json):
    row = one(due_json(make_vault({"People/Jane Doe.md": person("tier: A\nlast_contact: 2026-11-02")})), "Jane Doe", "cadence")
    assert row == {**row, "contact": "Jane Doe", "note": "People/Jane Doe.md", "kind": "cadence",
                   "due": "2026-11-16", "overdue": True, "days_overdue": 6, "tier": "A", "cadence_days": 14,
                   "last_touch": "2026-11-02", "evidence": "People/Jane Doe.md", "touch_count": 1}
    assert isinstance(row["reason"], str) and row["reason"]


def test_cadence_due_today_is_not_overdue(make_vault, due_json):
    row = one(due_json(make_vault({"People/Jane Doe.md": person("tier: A\nlast_contact: 2026-11-08")})), "Jane Doe", "cadence")
    assert row["due"] == "2026-11-22"
    assert row["overdue"] is False
    assert row["days_overdue"] == 0


@pytest.mark.parametrize("last, listed", [("2026-11-14", True), ("2026-11-15", False)])
def test_horizon_end_is_today_plus_6(make_vault, due_json, last, listed):
    data = due_json(make_vault({"People/Jane Doe.md": person(f"tier: A\nlast_contact: {last}")}))
    assert data["horizon_end"] == "2026-11-28"
    assert bool(rows(data, "Jane Doe", "cadence")) is listed


@pytest.mark.parametrize("last, listed", [("2026-11-21", True), ("2026-11-22", False)])
def test_horizon_config(make_vault, due_json, last, listed):
    vault = make_vault({**config('horizon = "14d"\n'), "People/Jane Doe.md": person(f"tier: A\nlast_contact: {last}")})
    data = due_json(vault)
    assert data["horizon_end"] == "2026-12-05"
    assert bool(rows(data, "Jane Doe", "cadence")) is listed


def test_cadence_days_is_due_minus_last_touch_for_months(make_vault, due_json):
    row = one(due_json(make_vault({"People/Jane Doe.md": person("cadence: 1m\nlast_contact: 2026-02-15")})), "Jane Doe", "cadence")
    assert row["due"] == "2026-03-15"
    assert row["cadence_days"] == 28


def test_at_most_one_of_followup_never_cadence(make_vault, due_json):
    vault = make_vault({
        "People/A.md": person("tier: A"),
        "People/B.md": person("tier: A\nlast_contact: 2026-11-01"),
        "People/C.md": person("tier: A\nmet: 2026-11-21"),
    })
    data = due_json(vault)
    for name, kind in [("A", "never"), ("B", "cadence"), ("C", "followup")]:
        assert [r["kind"] for r in rows(data, name, "followup|never|cadence")] == [kind]


# ---------------------------------------------------------------------------------------------
# occasion
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["1990-11-25", "\"11-25\"", "11-25", "\"--11-25\"", "\"1990-11-25\"", "25.11.1990",
                                   "\"[[1990-11-25]]\""])
def test_birthday_forms(make_vault, due_json, value):
    row = one(due_json(make_vault({"People/Jane Doe.md": person(f"birthday: {value}")})), "Jane Doe", "occasion")
    assert row["due"] == "2026-11-25"
    assert row["overdue"] is False
    assert row["days_overdue"] == 0
    assert row["cadence_days"] is None


def test_birthday_today_listed(make_vault, due_json):
    row = one(due_json(make_vault({"People/Jane Doe.md": person("birthday: 1990-11-22")})), "Jane Doe", "occasion")
    assert row["due"] == "2026-11-22"
    assert row["overdue"] is False


@pytest.mark.parametrize("value", ["1990-11-20", "1990-11-29", "1990-06-01"])
def test_birthday_outside_horizon_or_past_not_listed(make_vault, due_json, value):
    data = due_json(make_vault({"People/Jane Doe.md": person(f"birthday: {value}")}))
    assert rows(data, "Jane Doe", "occasion") == []


def test_birthday_next_year_across_new_year(make_vault, due_json):
    data = due_json(make_vault({"People/Jane Doe.md": person("birthday: 1990-01-02")}), today="2026-12-29")
    assert one(data, "Jane Doe", "occasion")["due"] == "2027-01-02"


def test_birthday_29_feb_in_common_year(make_vault, due_json):
    data = due_json(make_vault({"People/Jane Doe.md": person("birthday: 2000-02-29")}), today="2027-02-25")
    assert one(data, "Jane Doe", "occasion")["due"] == "2027-02-28"


def test_birthday_29_feb_in_leap_year(make_vault, due_json):
    data = due_json(make_vault({"People/Jane Doe.md": person("birthday: \"02-29\"")}), today="2028-02-25")
    assert one(data, "Jane Doe", "occasion")["due"] == "2028-02-29"


def test_occasions_config_adds_fields(make_vault, due_json):
    vault = make_vault({
        **config('occasions = ["birthday", "anniversary"]\n'),
        "People/Jane Doe.md": person("anniversary: 2015-11-24\nbirthday: 1990-11-26"),
    })
    data = due_json(vault)
    assert [r["due"] for r in rows(data, "Jane Doe", "occasion")] == ["2026-11-24", "2026-11-26"]


def test_anniversary_without_config_is_not_an_occasion(make_vault, due_json):
    data = due_json(make_vault({"People/Jane Doe.md": person("anniversary: 2015-11-24")}))
    assert rows(data, "Jane Doe", "occasion") == []


def test_occasion_for_unclassified_and_snoozed_contact(make_vault, due_json):
    data = due_json(make_vault({"People/Jane Doe.md": person("tier: A\nsnooze_until: 2026-12-31\nbirthday: 1990-11-25")}))
    assert [r["kind"] for r in rows(data, "Jane Doe")] == ["occasion"]


# ---------------------------------------------------------------------------------------------
# planned
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("task, due", [
    ("- [ ] call 📅 2026-11-25", "2026-11-25"),
    ("- [ ] call 📅2026-11-25", "2026-11-25"),
    ("- [ ] call 🗓\ufe0f 2026-11-25", "2026-11-25"),
    ("- [ ] call 🗓 2026-11-25", "2026-11-25"),
    ("- [ ] call ⏳ 2026-11-24", "2026-11-24"),
    ("- [ ] 2026-11-24 call", "2026-11-24"),
    ("- [ ] call ⏳ 2026-11-24 📅 2026-11-26", "2026-11-26"),
    ("- [ ] 2026-11-23 call 📅 2026-11-26", "2026-11-26"),
    ("- [ ] 2026-11-23 call ⏳ 2026-11-25", "2026-11-25"),
    ("* [ ] call 📅 2026-11-25 #crm", "2026-11-25"),
    ("  - [ ] nested call 📅 2026-11-25", "2026-11-25"),
])
def test_planned_date_forms(make_vault, due_json, task, due):
    data = due_json(make_vault({"People/Jane Doe.md": person(body=f"# Jane\n\n- notes\n{task}\n")}))
    row = one(data, "Jane Doe", "planned")
    assert row["due"] == due
    assert row["cadence_days"] is None


def test_planned_overdue(make_vault, due_json):
    row = one(due_json(make_vault({"People/Jane Doe.md": "- [ ] call 📅 2026-11-20\n"})), "Jane Doe", "planned")
    assert row["overdue"] is True
    assert row["days_overdue"] == 2


@pytest.mark.parametrize("task", [
    "- [x] call 📅 2026-11-25",
    "- [ ] call 📅 2026-12-25",
    "- [ ] call someday",
    "```\n- [ ] call 📅 2026-11-25\n```",
])
def test_not_planned(make_vault, due_json, task):
    data = due_json(make_vault({"People/Jane Doe.md": f"# Jane\n\n{task}\n"}))
    assert rows(data, "Jane Doe", "planned") == []


def test_planned_task_in_other_note_linking_contact(make_vault, due_json):
    vault = make_vault({"People/Jane Doe.md": "# Jane\n", "Projects/Plan.md": "- [ ] send [[Jane Doe]] the deck 📅 2026-11-24\n"})
    assert one(due_json(vault), "Jane Doe", "planned")["due"] == "2026-11-24"


def test_planned_task_in_contact_note_linking_another_gives_both(make_vault, due_json):
    vault = make_vault({
        "People/Jane Doe.md": "- [ ] introduce to [[Bob Roe]] 📅 2026-11-24\n",
        "People/Bob Roe.md": "# Bob\n",
    })
    data = due_json(vault)
    assert one(data, "Jane Doe", "planned")["due"] == "2026-11-24"
    assert one(data, "Bob Roe", "planned")["due"] == "2026-11-24"


def test_planned_task_linking_two_contacts_gives_both(make_vault, due_json):
    vault = make_vault({
        "People/Jane Doe.md": "# Jane\n", "People/Bob Roe.md": "# Bob\n",
        "Projects/Plan.md": "- [ ] intro [[Jane Doe]] to [[Bob Roe]] 📅 2026-11-24\n",
    })
    data = due_json(vault)
    assert one(data, "Jane Doe", "planned")["due"] == "2026-11-24"
    assert one(data, "Bob Roe", "planned")["due"] == "2026-11-24"


def test_planned_survives_snooze(make_vault, due_json):
    data = due_json(make_vault({"People/Jane Doe.md": person("tier: A\nsnooze_until: 2026-12-31", "- [ ] call 📅 2026-11-24\n")}))
    assert [r["kind"] for r in rows(data, "Jane Doe")] == ["planned"]


# ---------------------------------------------------------------------------------------------
# snooze
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("fm", ["tier: A", "tier: A\nlast_contact: 2026-11-01", "met: 2026-11-20"])
def test_snooze_later_than_today_silences(make_vault, due_json, fm):
    data = due_json(make_vault({"People/Jane Doe.md": person(f"{fm}\nsnooze_until: 2026-11-23")}))
    assert rows(data, "Jane Doe") == []
    assert data["contacts"] == 1


@pytest.mark.parametrize("snooze", ["2026-11-22", "2026-11-01"])
def test_snooze_today_or_past_does_not_silence(make_vault, due_json, snooze):
    data = due_json(make_vault({"People/Jane Doe.md": person(f"tier: A\nsnooze_until: {snooze}")}))
    assert one(data, "Jane Doe", "never")


# ---------------------------------------------------------------------------------------------
# unclassified, default_tier, [tiers]
# ---------------------------------------------------------------------------------------------

def test_unclassified_contact_gets_no_cadence_or_never(make_vault, due_json):
    data = due_json(make_vault({"People/Jane Doe.md": person("last_contact: 2020-01-01")}))
    assert data["contacts"] == 1
    assert data["reminders"] == []


def test_unclassified_gets_followup_occasion_planned(make_vault, due_json):
    text = person("met: 2026-11-21\nbirthday: 1990-11-25", "- [ ] call 📅 2026-11-24\n")
    data = due_json(make_vault({"People/Jane Doe.md": text}))
    assert sorted(r["kind"] for r in rows(data, "Jane Doe")) == ["followup", "occasion", "planned"]
    assert all(r["tier"] is None for r in rows(data, "Jane Doe"))


def test_default_tier_tracks_unclassified(make_vault, due_json):
    vault = make_vault({**config('default_tier = "B"\n'), "People/Jane Doe.md": "# Jane\n", "People/Bob.md": person("tier: A")})
    data = due_json(vault)
    assert one(data, "Jane Doe", "never")["tier"] == "B"
    assert one(data, "Bob", "never")["tier"] == "A"


def test_tiers_config_replaces_table(make_vault, due_json):
    vault = make_vault({
        **config('[tiers]\nVIP = "7d"\nOthers = "60d"\n'),
        "People/Jane Doe.md": person("tier: vip\nlast_contact: 2026-11-10"),
        "People/Bob Roe.md": person("tier: A\nlast_contact: 2020-01-01"),
    })
    data = due_json(vault)
    row = one(data, "Jane Doe", "cadence")
    assert (row["tier"], row["due"], row["cadence_days"]) == ("VIP", "2026-11-17", 7)
    assert rows(data, "Bob Roe") == []  # "A" is no longer a tier
    assert "People/Bob Roe.md" in {p["note"] for p in data["problems"]}


@pytest.mark.parametrize("value", ["Inner", "core", "CORE", "Circle One"])
def test_tiers_table_form_with_aliases(make_vault, due_json, value):
    vault = make_vault({
        **config('[tiers.Inner]\ncadence = "7d"\naliases = ["core", "circle one"]\n\n[tiers.Outer]\ncadence = "90d"\n'),
        "People/Jane Doe.md": person(f"tier: {value}\nlast_contact: 2026-11-10"),
    })
    row = one(due_json(vault), "Jane Doe", "cadence")
    assert (row["tier"], row["cadence_days"]) == ("Inner", 7)


def test_default_tier_aliases_gone_when_tiers_replaced(make_vault, due_json):
    vault = make_vault({
        **config('[tiers]\nA = "7d"\n'),
        "People/Jane Doe.md": person("tier: close\nlast_contact: 2020-01-01"),
    })
    data = due_json(vault)
    assert rows(data, "Jane Doe") == []


# ---------------------------------------------------------------------------------------------
# custom rules
# ---------------------------------------------------------------------------------------------

def test_rule_sets_cadence(make_vault, due_json):
    vault = make_vault({
        **config('[[rules]]\nwhen = "\'recruiter\' in tags"\ncadence = "7d"\n'),
        "People/Jane Doe.md": person("tags: [Recruiter]\nlast_contact: 2026-11-10"),
        "People/Bob Roe.md": person("last_contact: 2026-11-10"),
    })
    data = due_json(vault)
    row = one(data, "Jane Doe", "cadence")
    assert (row["due"], row["cadence_days"]) == ("2026-11-17", 7)
    assert rows(data, "Bob Roe") == []


def test_rule_tags_are_lower_case_without_hash(make_vault, due_json):
    vault = make_vault({
        **config('[[rules]]\nwhen = "\'vip\' in tags"\ncadence = "7d"\n'),
        "People/Jane Doe.md": person("tags: [\"#VIP\"]\nlast_contact: 2026-11-10"),
    })
    assert one(due_json(vault), "Jane Doe", "cadence")["cadence_days"] == 7


def test_first_matching_rule_wins(make_vault, due_json):
    vault = make_vault({
        **config('[[rules]]\nwhen = "name == \'Nobody\'"\ncadence = "3d"\n\n'
                 '[[rules]]\nwhen = "true"\ncadence = "7d"\n\n[[rules]]\nwhen = "true"\ncadence = "30d"\n'),
        "People/Jane Doe.md": person("last_contact: 2026-11-10"),
    })
    assert one(due_json(vault), "Jane Doe", "cadence")["cadence_days"] == 7


def test_rule_cadence_beats_tier_cadence(make_vault, due_json):
    vault = make_vault({
        **config('[[rules]]\nwhen = "true"\ncadence = "7d"\n'),
        "People/Jane Doe.md": person("tier: D\nlast_contact: 2026-11-10"),
    })
    row = one(due_json(vault), "Jane Doe", "cadence")
    assert (row["tier"], row["cadence_days"]) == ("D", 7)


def test_own_cadence_beats_rule(make_vault, due_json):
    vault = make_vault({
        **config('[[rules]]\nwhen = "true"\ncadence = "7d"\n'),
        "People/Jane Doe.md": person("cadence: 10d\nlast_contact: 2026-11-10"),
    })
    assert one(due_json(vault), "Jane Doe", "cadence")["cadence_days"] == 10


def test_rule_tier_only_when_no_valid_tier(make_vault, due_json):
    vault = make_vault({
        **config('[[rules]]\nwhen = "true"\ntier = "A"\n'),
        "People/Jane Doe.md": "# Jane\n",
        "People/Bob Roe.md": person("tier: C"),
        "People/Zed.md": person("tier: nonsense"),
    })
    data = due_json(vault)
    assert one(data, "Jane Doe", "never")["tier"] == "A"
    assert one(data, "Bob Roe", "never")["tier"] == "C"
    assert one(data, "Zed", "never")["tier"] == "A"


def test_rule_skip(make_vault, due_json):
    vault = make_vault({
        **config('[[rules]]\nwhen = "company == \'Acme\'"\nskip = true\n'),
        "People/Jane Doe.md": person("tier: A\ncompany: Acme\nmet: 2026-11-20\nbirthday: 1990-11-25",
                                     "- [ ] call 📅 2026-11-24\n- 2026-11-01 x #ask\n"),
        "People/Bob Roe.md": person("tier: A"),
    })
    data = due_json(vault)
    assert rows(data, "Jane Doe") == []
    assert data["contacts"] == 2
    assert "Jane Doe" not in data["signals"]["give_first"]


@pytest.mark.parametrize("when, matches", [
    ("touch_count >= 2", True),
    ("touch_count > 2", False),
    ("days_since_touch is not none and days_since_touch > 10", True),
    ("days_since_touch > 30", False),
    ("fm.howmet == 'conference'", True),
    ("fm['howmet'] == 'conference'", True),
    ("how_met == 'conference'", True),
    ("name.startswith('Jane')", True),
    ("tier is none", True),
    ("asks == 1 and gives == 0", True),
])
def test_rule_context_variables(make_vault, due_json, when, matches):
    toml_when = when.replace("\\", "\\\\").replace('"', '\\"')
    vault = make_vault({
        **config(f'[[rules]]\nwhen = "{toml_when}"\ncadence = "7d"\n'),
        "People/Jane Doe.md": person("How Met: conference", "- 2026-11-02 coffee #ask\n- 2026-10-01 lunch\n"),
    })
    data = due_json(vault)
    assert bool(rows(data, "Jane Doe", "cadence")) is matches


@pytest.mark.parametrize("when", ["'Acme' in company", "'conf' in how_met", "channel.startswith('tele')",
                                  "'vip' in tags"])
def test_a_rules_natural_form_works_on_contacts_without_the_field(make_vault, due_json, when):
    """Missing text fields are empty text and missing lists empty lists (behaviour §4.3)."""
    vault = make_vault({
        **config(f'[[rules]]\nwhen = "{when}"\ncadence = "7d"\n'),
        "People/Jane Doe.md": person("company: Acme Corp\nhow_met: a conference\nchannel: telegram\ntags: [vip]"),
        "People/Bob Roe.md": person("tier: C"),
        "People/Ann Lee.md": person("company:\nhow_met: \"\"\ntags: []"),
    })
    data = due_json(vault)
    assert data["problems"] == []
    assert one(data, "Jane Doe", "never")["cadence_days"] == 7
    assert one(data, "Bob Roe", "never")["cadence_days"] == 92
    assert rows(data, "Ann Lee") == []


def test_days_since_touch_null_when_no_touch(make_vault, due_json):
    vault = make_vault({
        **config('[[rules]]\nwhen = "days_since_touch is none"\ntier = "A"\n'),
        "People/Jane Doe.md": "# Jane\n",
    })
    assert one(due_json(vault), "Jane Doe", "never")["tier"] == "A"


@pytest.mark.parametrize("when", ["tags (((", "name ==", "touch_count >"])
def test_rule_that_does_not_compile_is_config_error(make_vault, run, when):
    vault = make_vault({**config(f'[[rules]]\nwhen = "{when}"\ncadence = "7d"\n'), "People/Jane Doe.md": "# Jane\n"})
    result = run(vault, "due", "--json")
    assert result.exit_code == 3
    assert result.stderr.startswith("Error:")
    assert "Traceback" not in result.output


def test_rule_that_fails_on_a_contact_is_a_problem(make_vault, due_json):
    vault = make_vault({
        **config('[[rules]]\nwhen = "fm.missing.deeper.still > 1"\ncadence = "7d"\n'),
        "People/Jane Doe.md": person("tier: A"),
    })
    data = due_json(vault)
    assert "People/Jane Doe.md" in {p["note"] for p in data["problems"]}


def test_rule_that_divides_by_zero_is_a_problem_others_continue(make_vault, due_json):
    vault = make_vault({
        **config('[[rules]]\nwhen = "1 / touch_count > 0"\ncadence = "7d"\n'),
        "People/Jane Doe.md": person("tier: A"),
        "People/Bob Roe.md": person("tier: A\nlast_contact: 2026-11-10"),
    })
    data = due_json(vault)
    assert "People/Jane Doe.md" in {p["note"] for p in data["problems"]}
    assert one(data, "Bob Roe", "cadence")["cadence_days"] == 7


def test_rule_sandboxed_attribute_access_does_not_escape(make_vault, run):
    vault = make_vault({
        **config('[[rules]]\nwhen = "name.__class__.__mro__[1].__subclasses__() | length > 0"\nskip = true\n'),
        "People/Jane Doe.md": person("tier: A"),
    })
    result = run(vault, "due", "--json")
    assert "Traceback" not in result.output
    if result.exit_code == 0:
        data = json.loads(result.stdout)
        assert rows(data, "Jane Doe")  # the rule did not apply


# ---------------------------------------------------------------------------------------------
# signals
# ---------------------------------------------------------------------------------------------

def touches(n: int) -> str:
    return "".join(f"- 2026-10-{d:02d} chat\n" for d in range(1, n + 1))


@pytest.mark.parametrize("n, ready", [(5, False), (6, True), (8, True)])
def test_ready_to_ask(make_vault, due_json, n, ready):
    data = due_json(make_vault({"People/Jane Doe.md": person("tier: D", touches(n))}))
    assert (data["signals"]["ready_to_ask"] == ["Jane Doe"]) is ready


def test_ready_to_ask_counts_distinct_days(make_vault, due_json):
    body = "".join(f"- 2026-10-01 chat {i}\n" for i in range(8))
    data = due_json(make_vault({"People/Jane Doe.md": person("tier: A", body)}))
    assert data["signals"]["ready_to_ask"] == []


def test_ask_after_touches_config(make_vault, due_json):
    vault = make_vault({**config("ask_after_touches = 3\n"), "People/Jane Doe.md": touches(3)})
    assert due_json(vault)["signals"]["ready_to_ask"] == ["Jane Doe"]


@pytest.mark.parametrize("last, cold", [
    ("2026-11-01", False),  # 7 days overdue of 14
    ("2026-10-25", False),  # exactly 14 days overdue: not more
    ("2026-10-24", True),   # 15 > 14
    ("2026-09-01", True),
])
def test_going_cold_cadence(make_vault, due_json, last, cold):
    data = due_json(make_vault({"People/Jane Doe.md": person(f"tier: A\nlast_contact: {last}")}))
    assert (data["signals"]["going_cold"] == ["Jane Doe"]) is cold


def test_going_cold_never(make_vault, due_json):
    data = due_json(make_vault({"People/Jane Doe.md": person("tier: A\ncreated: 2026-10-01")}))
    assert data["signals"]["going_cold"] == ["Jane Doe"]


def test_overdue_planned_is_not_going_cold(make_vault, due_json):
    data = due_json(make_vault({"People/Jane Doe.md": "- [ ] call 📅 2026-09-01\n"}))
    assert data["signals"]["going_cold"] == []


def test_give_first(make_vault, due_json):
    body = "- 2026-10-01 asked for intro #ask\n- 2026-10-05 asked for referral #ask\n- 2026-10-07 sent link #give\n"
    data = due_json(make_vault({"People/Jane Doe.md": body}))
    assert data["signals"]["give_first"] == ["Jane Doe"]


SIGNAL_BODY = touches(8) + "- 2026-10-20 asked for a favour #ask\n"


@pytest.mark.parametrize("fm", [
    "tier: A\nlast_contact: 2026-01-01\nsnooze_until: 2026-12-31",
    "tier: A\nlast_contact: 2026-01-01\nstatus: archived",
    "tier: A\nlast_contact: 2026-01-01\nactive: false",
])
def test_no_signals_for_snoozed_or_inactive(make_vault, due_json, fm):
    data = due_json(make_vault({"People/Jane Doe.md": person(fm, SIGNAL_BODY)}))
    assert data["signals"] == {"ready_to_ask": [], "going_cold": [], "give_first": [], "trust_fading": [], "stuck": []}


def test_no_signals_for_skipped(make_vault, due_json):
    vault = make_vault({
        **config('[[rules]]\nwhen = "true"\nskip = true\n'),
        "People/Jane Doe.md": person("tier: A\nlast_contact: 2026-01-01", SIGNAL_BODY),
    })
    data = due_json(vault)
    assert data["signals"] == {"ready_to_ask": [], "going_cold": [], "give_first": [], "trust_fading": [], "stuck": []}
    assert data["contacts"] == 1


def test_signals_present_when_active(make_vault, due_json):
    data = due_json(make_vault({"People/Jane Doe.md": person("tier: A\nlast_contact: 2026-01-01", SIGNAL_BODY)}))
    assert data["signals"] == {"ready_to_ask": [], "going_cold": ["Jane Doe"], "give_first": [], "trust_fading": [],
                               "stuck": []}


@pytest.mark.parametrize("fm, body, signal", [
    ("tier: A\nlast_contact: 2026-01-01", SIGNAL_BODY, "going_cold"),  # cold outranks owing them
    ("tier: D", SIGNAL_BODY, "give_first"),  # 8 touches but one ask and no give: give before you ask
    ("tier: D", SIGNAL_BODY + "- 2026-10-21 sent her a lead #give\n", "ready_to_ask"),
    ("tier: B", touches(8), None),  # last touch 2026-10-08 + 1 month: 14 days overdue, so not warm
    ("tier: A\nlast_contact: 2026-11-20", touches(8), "ready_to_ask"),
    ("met: 2026-11-20", touches(8), None),  # a follow-up overdue since 2026-11-21: not warm
    ("", touches(8), "ready_to_ask"),  # untracked: nothing overdue
])
def test_each_contact_is_under_one_signal_at_most(make_vault, due_json, fm, body, signal):
    data = due_json(make_vault({"People/Jane Doe.md": person(fm, body)}))
    assert [name for name, names in data["signals"].items() if "Jane Doe" in names] == ([signal] if signal else [])


# The stage signals: trust going quiet, stuck at the first stage (§4.4). Today is 2026-11-22; touches(n)
# are 2026-10-01 … 2026-10-n.

@pytest.mark.parametrize("fm, body, signal", [
    # at trust, not touched within a cadence (last 2026-10-08 + 1 month is before today), not yet cold
    ("tier: B\nstage: trust", touches(8), "trust_fading"),
    ("tier: B\nstage: Trust\nlast_contact: 2026-11-15", touches(8), "ready_to_ask"),  # touched within: ready
    ("tier: B\nrelationship: доверие", touches(3), "trust_fading"),  # a synonym key, a Russian value
    ("tier: B\nstage: partnership", touches(3), "trust_fading"),  # beyond trust counts too
    ("tier: B\nstage: conversation", touches(3), None),  # not a stage worth the signal
    ("stage: trust", touches(3), None),  # untracked: within warm_within (90 days) of 2026-10-03
    ("stage: trust\nlast_contact: 2026-08-01", "", "trust_fading"),  # untracked, past warm_within
    ("stage: trust", "", "trust_fading"),  # never touched at all
    ("tier: A\nstage: trust\nlast_contact: 2026-09-01", touches(3), "going_cold"),  # cold comes first
    ("tier: A\nstage: trust\nlast_contact: 2026-11-20", SIGNAL_BODY, "give_first"),  # touched: owing them
    ("tier: B\nstage: trust", SIGNAL_BODY, "trust_fading"),  # fading outranks owing them
    # still an acquaintance after `stuck_after_touches` (4) touch days
    ("stage: acquaintance", touches(4), "stuck"),
    ("stage: acquaintance", touches(3), None),
    ("stage: знакомство", touches(4), "stuck"),
    ("stage: acquaintance", touches(8), "stuck"),  # deepen it before asking: stuck outranks ready to ask
    ("stage: acquaintance", SIGNAL_BODY, "give_first"),  # owing them outranks stuck
    ("tier: A\nstage: acquaintance", touches(4), "going_cold"),
    ("stage: interviewing", touches(8), "ready_to_ask"),  # no stage of the ladder: no stage signal
])
def test_stage_signals(make_vault, due_json, fm, body, signal):
    data = due_json(make_vault({"People/Jane Doe.md": person(fm, body)}))
    assert [name for name, names in data["signals"].items() if "Jane Doe" in names] == ([signal] if signal else [])


def test_stuck_after_touches_setting(make_vault, due_json, run):
    vault = make_vault({**config("stuck_after_touches = 2\n"),
                        "People/Jane Doe.md": person("stage: acquaintance", touches(2))})
    assert due_json(vault)["signals"]["stuck"] == ["Jane Doe"]
    bad = make_vault({**config("stuck_after_touches = 0\n"), "People/Jane Doe.md": person()}, name="bad")
    result = run(bad, "due")
    assert result.exit_code == 3 and "stuck_after_touches" in result.stderr


def test_stage_signals_skip_snoozed(make_vault, due_json):
    vault = make_vault({"People/Jane Doe.md": person("stage: trust\nsnooze_until: 2026-12-31"),
                        "People/Joe.md": person("stage: acquaintance\nsnooze_until: 2026-12-31", touches(5))})
    signals = due_json(vault)["signals"]
    assert signals["trust_fading"] == [] and signals["stuck"] == []


# ---------------------------------------------------------------------------------------------
# ordering (§4.2)
# ---------------------------------------------------------------------------------------------

def test_order_by_overdue_ratio_not_days(make_vault, due_json):
    vault = make_vault({
        "People/Xena.md": person("cadence: 10d\nlast_contact: 2026-11-07"),   # due 11-17, 5/10 = 0.5
        "People/Yuri.md": person("cadence: 100d\nlast_contact: 2026-07-25"),  # due 11-02, 20/100 = 0.2
        "People/Zack.md": person("cadence: 2d\nlast_contact: 2026-11-18"),    # due 11-20, 2/2 = 1.0
    })
    data = due_json(vault)
    assert [(r["contact"], r["days_overdue"]) for r in data["reminders"]] == [("Zack", 2), ("Xena", 5), ("Yuri", 20)]


def test_followup_and_planned_count_as_one_day(make_vault, due_json):
    vault = make_vault({
        "People/Anna.md": person("cadence: 10d\nlast_contact: 2026-11-05"),  # due 11-15, 7/10 = 0.7
        "People/Bert.md": person("met: 2026-11-20"),                          # followup due 11-21, 1/1 = 1.0
        "People/Cleo.md": "- [ ] call 📅 2026-11-20\n",                        # planned, 2/1 = 2.0
    })
    assert order(due_json(vault)) == [("Cleo", "planned"), ("Bert", "followup"), ("Anna", "cadence")]


def test_equal_ratio_then_earlier_due_first(make_vault, due_json):
    vault = make_vault({
        "People/Anna.md": person("cadence: 10d\nlast_contact: 2026-11-07"),  # due 11-17, 5/10
        "People/Zoe.md": person("cadence: 20d\nlast_contact: 2026-10-23"),   # due 11-12, 10/20
    })
    assert order(due_json(vault)) == [("Zoe", "cadence"), ("Anna", "cadence")]


def test_overdue_before_not_overdue(make_vault, due_json):
    vault = make_vault({
        "People/Anna.md": person("birthday: 1990-11-22"),
        "People/Zoe.md": person("cadence: 100d\nlast_contact: 2026-08-13"),  # due 11-21, 1/100
    })
    assert order(due_json(vault)) == [("Zoe", "cadence"), ("Anna", "occasion")]


def test_not_overdue_by_due_day(make_vault, due_json):
    vault = make_vault({
        "People/Anna.md": "- [ ] call 📅 2026-11-26\n",
        "People/Zoe.md": "- [ ] call 📅 2026-11-23\n",
        "People/Mia.md": person("birthday: 1990-11-24"),
    })
    assert order(due_json(vault)) == [("Zoe", "planned"), ("Mia", "occasion"), ("Anna", "planned")]


def test_same_due_day_by_tier_order(make_vault, due_json):
    vault = make_vault({
        "People/Anna.md": person("tier: D"),
        "People/Bert.md": person("tier: B"),
        "People/Zoe.md": person("tier: A"),
        "People/Carl.md": person("tier: C"),
    })
    assert [r["contact"] for r in due_json(vault)["reminders"]] == ["Zoe", "Bert", "Carl", "Anna"]


def test_untiered_after_all_tiers(make_vault, due_json):
    vault = make_vault({
        "People/Anna.md": "- [ ] call 📅 2026-11-24\n",
        "People/Zoe.md": person("tier: D\ncreated: 2026-11-20", "- [ ] call 📅 2026-11-24\n"),
    })
    assert order(due_json(vault)) == [("Zoe", "planned"), ("Anna", "planned")]


def test_custom_tier_table_order(make_vault, due_json):
    vault = make_vault({
        **config('[tiers]\nZulu = "7d"\nAlpha = "7d"\n'),
        "People/Anna.md": person("tier: Alpha"),
        "People/Zoe.md": person("tier: Zulu"),
    })
    assert [r["contact"] for r in due_json(vault)["reminders"]] == ["Zoe", "Anna"]


@pytest.mark.parametrize("files, expected", [
    (["Bob", "alice"], ["alice", "Bob"]),
    (["zoe", "Émile"], ["zoe", "Émile"]),
    (["Strasz", "Straße"], ["Straße", "Strasz"]),
    (["anna", "Anna B", "ANNA A"], ["anna", "ANNA A", "Anna B"]),
])
def test_same_tier_and_due_by_casefolded_name(make_vault, due_json, files, expected):
    vault = make_vault({f"People/{n}.md": "- [ ] call 📅 2026-11-24\n" for n in files})
    assert [r["contact"] for r in due_json(vault)["reminders"]] == expected


def test_kind_order_followup_planned_occasion(make_vault, due_json):
    text = person("met: 2026-11-21\nbirthday: 1990-11-22", "- [ ] call 📅 2026-11-22\n")
    assert order(due_json(make_vault({"People/Jane Doe.md": text}))) == [
        ("Jane Doe", "followup"), ("Jane Doe", "planned"), ("Jane Doe", "occasion")]


def test_kind_order_cadence_planned_occasion(make_vault, due_json):
    text = person("cadence: 10d\nlast_contact: 2026-11-14\nbirthday: 1990-11-24", "- [ ] call 📅 2026-11-24\n")
    assert order(due_json(make_vault({"People/Jane Doe.md": text}))) == [
        ("Jane Doe", "cadence"), ("Jane Doe", "planned"), ("Jane Doe", "occasion")]


def test_kind_order_never_planned_occasion(make_vault, due_json):
    text = person("tier: A\nbirthday: 1990-11-22", "- [ ] call 📅 2026-11-22\n")
    assert order(due_json(make_vault({"People/Jane Doe.md": text}))) == [
        ("Jane Doe", "never"), ("Jane Doe", "planned"), ("Jane Doe", "occasion")]


def test_kind_order_overdue_followup_before_planned_same_ratio(make_vault, due_json):
    text = person("met: 2026-11-20", "- [ ] call 📅 2026-11-21\n")  # both due 11-21, 1 day, ratio 1
    assert order(due_json(make_vault({"People/Jane Doe.md": text}))) == [
        ("Jane Doe", "followup"), ("Jane Doe", "planned")]


# ---------------------------------------------------------------------------------------------
# §8 the JSON object
# ---------------------------------------------------------------------------------------------

def test_json_top_level_keys_and_types(make_vault, due_json):
    vault = make_vault({
        "People/Jane Doe.md": person("tier: A\nlast_contact: 2026-11-02\nlast_met: nonsense"),
        "People/Bob Roe.md": "- [ ] call 📅 2026-11-24\n",
    })
    data = due_json(vault)
    assert {"today", "horizon_end", "contacts", "reminders", "signals", "problems"} <= set(data)
    assert data["today"] == "2026-11-22"
    assert data["horizon_end"] == "2026-11-28"
    assert data["contacts"] == 2 and isinstance(data["contacts"], int)
    assert set(data["signals"]) >= {"ready_to_ask", "going_cold", "give_first"}
    assert all(isinstance(v, list) for v in data["signals"].values())
    assert data["problems"]
    for p in data["problems"]:
        assert {"note", "line", "message"} <= set(p)
        assert isinstance(p["note"], str) and isinstance(p["message"], str) and p["message"]
        assert p["line"] is None or isinstance(p["line"], int)


REMINDER_KEYS = {"contact", "note", "kind", "due", "overdue", "days_overdue", "tier", "cadence_days",
                 "last_touch", "evidence", "touch_count", "reason"}


def test_json_reminder_keys_and_types(make_vault, due_json):
    vault = make_vault({
        "People/Jane Doe.md": person("tier: A\nlast_contact: 2026-11-02\nbirthday: 1990-11-25",
                                     "- [ ] call 📅 2026-11-24\n"),
        "People/Bob Roe.md": person("met: 2026-11-21"),
        "People/Cat.md": person("tier: B"),
    })
    data = due_json(vault)
    assert {r["kind"] for r in data["reminders"]} == {"cadence", "occasion", "planned", "followup", "never"}
    for r in data["reminders"]:
        assert set(r) >= REMINDER_KEYS
        assert isinstance(r["overdue"], bool)
        assert isinstance(r["days_overdue"], int) and not isinstance(r["days_overdue"], bool)
        assert isinstance(r["touch_count"], int)
        assert isinstance(r["reason"], str) and r["reason"]
        assert len(r["due"]) == 10 and r["due"][4] == "-"
        assert r["cadence_days"] is None or isinstance(r["cadence_days"], int)
        if not r["overdue"]:
            assert r["days_overdue"] == 0
    assert one(data, "Jane Doe", "occasion")["tier"] == "A"
    assert one(data, "Bob Roe", "followup")["tier"] is None


def test_json_today_flag(make_vault, run):
    result = run(make_vault({"People/Jane Doe.md": person("tier: A")}), "due", "--json", today="2026-03-01")
    data = json.loads(result.stdout)
    assert data["today"] == "2026-03-01"
    assert data["horizon_end"] == "2026-03-07"
    assert one(data, "Jane Doe", "never")["due"] == "2026-03-01"


def test_json_contacts_counts_active_including_skipped(make_vault, due_json):
    vault = make_vault({
        **config('[[rules]]\nwhen = "name == \'Skip Me\'"\nskip = true\n'),
        "People/Skip Me.md": person("tier: A"),
        "People/Active.md": "# a\n",
        "People/Gone.md": person("status: archived"),
        "People/People.md": "# index\n",
        "Notes/Topic.md": "# topic\n",
    })
    assert due_json(vault)["contacts"] == 2


def test_json_stdout_is_only_json(make_vault, run):
    vault = make_vault({"People/Jane Doe.md": person("tier: A\nlast_contact: bogus")})
    result = run(vault, "due", "--json")
    assert result.exit_code == 0
    json.loads(result.stdout)  # nothing else on stdout


def test_reason_names_evidence(make_vault, due_json):
    vault = make_vault({"People/Jane Doe.md": person("tier: A"), "Daily/2026-10-27.md": "Coffee with [[Jane Doe]]\n"})
    row = one(due_json(vault), "Jane Doe", "cadence")
    assert row["evidence"] == "Daily/2026-10-27.md"
    assert "2026-10-27" in row["reason"]


def test_determinism_under_file_creation_order(make_vault, run):
    files = {
        "People/Jane Doe.md": person("tier: A\nmet: 2026-11-20\nbirthday: 1990-11-25", "- [ ] call 📅 2026-11-24\n"),
        "People/jane doe 2.md": person("tier: A"),
        "People/Bob Roe.md": person("tier: B\nlast_contact: 2026-10-01\nlast_met: nope"),
        "Contacts/Bob Roe.md": person("tier: C"),
        "People/Émile.md": person("tier: A"),
        "People/alice.md": person("tier: A"),
        "Daily/2026-11-02.md": "Lunch with [[Bob Roe]] #ask and [[alice]]\n",
        "Notes/Log.md": "- 2026-11-10 coffee [[Bob Roe]]\n- 2026-11-11 [[Jane Doe]] #give\n",
        "People/Broken.md": "---\ncreated: {{date}}\n---\n- [ ] x 📅 2026-11-23\n",
        "People/Broken.sync-conflict-20261101-000000-AAAAAAA.md": "# x\n",
    }
    v1 = make_vault(dict(files), name="v1")
    v2 = make_vault(dict(reversed(list(files.items()))), name="v2")
    r1 = run(v1, "due", "--json")
    r2 = run(v2, "due", "--json")
    assert r1.exit_code == 0 and r2.exit_code == 0
    assert r1.stdout == r2.stdout


def test_planned_in_daily_note_linking_contact(make_vault, due_json):
    vault = make_vault({"People/Jane Doe.md": "# Jane\n", "Daily/2026-11-20.md": "- [ ] call [[Jane Doe]] 📅 2026-11-25\n"})
    data = due_json(vault)
    assert one(data, "Jane Doe", "planned")["due"] == "2026-11-25"
    assert one(data, "Jane Doe", "planned")["touch_count"] == 0


def test_planned_days_overdue_and_cadence_days(make_vault, due_json):
    row = one(due_json(make_vault({"People/Jane Doe.md": "- [ ] call ⏳ 2026-11-12\n"})), "Jane Doe", "planned")
    assert (row["due"], row["overdue"], row["days_overdue"], row["cadence_days"]) == ("2026-11-12", True, 10, None)


def test_horizon_weeks(make_vault, due_json):
    vault = make_vault({**config('horizon = "2w"\n'), "People/Jane Doe.md": "# Jane\n"})
    assert due_json(vault)["horizon_end"] == "2026-12-05"


def test_occasion_beyond_custom_horizon_listed(make_vault, due_json):
    vault = make_vault({**config('horizon = "14d"\n'), "People/Jane Doe.md": person("birthday: 1990-12-05")})
    assert one(due_json(vault), "Jane Doe", "occasion")["due"] == "2026-12-05"


def test_going_cold_uses_rule_cadence(make_vault, due_json):
    vault = make_vault({
        **config('[[rules]]\nwhen = "true"\ncadence = "5d"\n'),
        "People/Jane Doe.md": person("tier: D\nlast_contact: 2026-11-10"),  # due 11-15, overdue 7 > 5
    })
    assert due_json(vault)["signals"]["going_cold"] == ["Jane Doe"]


def test_snoozed_never_not_going_cold(make_vault, due_json):
    data = due_json(make_vault({"People/Jane Doe.md": person("tier: A\ncreated: 2025-01-01\nsnooze_until: 2026-12-01")}))
    assert data["signals"]["going_cold"] == []


def test_overdue_ratio_uses_calendar_month_length(make_vault, due_json):
    vault = make_vault({
        "People/Anna.md": person("cadence: 1m\nlast_contact: 2026-10-15"),  # due 11-15, 7/31
        "People/Bert.md": person("cadence: 30d\nlast_contact: 2026-10-16"),  # due 11-15, 7/30
    })
    data = due_json(vault)
    assert one(data, "Anna", "cadence")["cadence_days"] == 31
    assert order(data) == [("Bert", "cadence"), ("Anna", "cadence")]


def test_never_ratio_uses_its_cadence_days(make_vault, due_json):
    vault = make_vault({
        "People/Anna.md": person("tier: A\nlast_contact: 2026-11-01"),      # due 11-15, 7/14 = 0.5
        "People/Bert.md": person("tier: B\ncreated: 2026-09-30"),          # never due 10-30, 23/30
    })
    assert order(due_json(vault)) == [("Bert", "never"), ("Anna", "cadence")]
