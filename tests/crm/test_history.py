"""The networking week (behaviour §12.3): calendar weeks, and `vaultcrm stats` against figures worked
out by hand."""
from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from vaultcrm.config import build_config
from vaultcrm.crm.history import last_weeks, month_of, week_of

# Today is Sunday 2026-11-22.
VAULT = {
    "People/Ann.md": "---\nmet: 2026-11-03\n---\n## Log\n"
                     "- 2026-10-28 — informational interview, October #interview\n"
                     "- 2026-11-04 — info interview about Acme #interview #give\n"
                     "- 2026-11-04 — and a second line that day\n"
                     "- 2026-11-17 — asked for a referral #referral\n",
    "People/Bob.md": "---\nmet: 2026-11-16\nlast_contact: 2026-10-30\n---\n- 2026-11-25 — not yet #give\n",
    "People/Cy.md": "---\nstatus: archived\nmet: 2026-11-17\n---\n- 2026-11-19 — archived #give #intro\n",
    "Daily/2026-11-18.md": "- coffee with [[Ann]] and [[Bob]] #give #intro/warm\n",
    "Meetings/2026-11-20 Chat.md": "---\ndate: 2026-11-20\nattendees: [\"[[Ann]]\"]\ntags: [Info-Interview]\n---\n",
    ".vaultcrm/config.toml": "[goals]\nmonthly_interviews = 3\nweekly_touches = 10\n",
}


@pytest.mark.parametrize(("day", "start", "first"), [
    (date(2026, 11, 22), 0, date(2026, 11, 16)),  # a Sunday, weeks from Monday
    (date(2026, 11, 16), 0, date(2026, 11, 16)),
    (date(2026, 11, 22), 6, date(2026, 11, 22)),  # weeks from Sunday
    (date(2026, 11, 22), 5, date(2026, 11, 21)),  # from Saturday
    (date(2027, 1, 1), 0, date(2026, 12, 28)),  # across the year
])
def test_the_calendar_week_holding_a_day(day, start, first):
    week = week_of(day, start)
    assert (week.start, week.end) == (first, first + timedelta(days=6)) and day in week


def test_the_last_weeks_end_with_this_one_and_the_month_is_the_calendar_month():
    weeks = last_weeks(date(2026, 11, 22), build_config({}), 3)
    assert [w.start for w in weeks] == [date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 16)]
    assert month_of(date(2026, 2, 14)) == (date(2026, 2, 1), date(2026, 2, 28))


def test_stats_json_by_hand(make_vault, run):
    result = run(make_vault(VAULT), "stats", "--weeks", "4", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["today"] == "2026-11-22" and data["week_start"] == "monday"
    assert data["weeks"] == [
        # Ann's October line, Bob's last_contact
        {"start": "2026-10-26", "end": "2026-11-01", "touches": 2, "new_people": 0, "gives": 0},
        # Ann: met 11-03 and two lines on 11-04 (two days); she was met this week; one #give line
        {"start": "2026-11-02", "end": "2026-11-08", "touches": 2, "new_people": 1, "gives": 1},
        {"start": "2026-11-09", "end": "2026-11-15", "touches": 0, "new_people": 0, "gives": 0},
        # Ann 11-17, 11-18, 11-20; Bob met 11-16, 11-18 (his 11-25 line is after today); Bob new;
        # the daily line gives to both at once: one give. Cy is archived.
        {"start": "2026-11-16", "end": "2026-11-22", "touches": 5, "new_people": 1, "gives": 1},
    ]
    assert data["weekly_goals"] == {"touches": 10, "new_people": None, "gives": None}
    # interviews: Ann's 11-04 line and the meeting tagged info-interview (not October's); referral
    # 11-17; the daily line's #intro/warm counts once for two people
    assert data["month"] == {"start": "2026-11-01", "end": "2026-11-30", "interviews": 2, "referrals": 1,
                             "intros": 1, "goals": {"interviews": 3, "referrals": None, "intros": None},
                             "tags": {"interviews": ["interview", "info-interview"], "referrals": ["referral"],
                                      "intros": ["intro"]}}


def test_weeks_from_sunday_and_tags_of_ones_own(make_vault, run):
    vault = make_vault({**VAULT, ".vaultcrm/config.toml":
                        'week_start = "sunday"\n[goals.tags]\ninterviews = ["#referral"]\n'})
    data = json.loads(run(vault, "stats", "--weeks", "4", "--json").stdout)
    assert data["week_start"] == "sunday"
    assert [(w["start"], w["touches"], w["new_people"], w["gives"]) for w in data["weeks"]] == [
        ("2026-11-01", 2, 1, 1), ("2026-11-08", 0, 0, 0), ("2026-11-15", 5, 1, 1), ("2026-11-22", 0, 0, 0)]
    assert (data["month"]["interviews"], data["month"]["referrals"]) == (1, 1)


def test_stats_as_a_table(make_vault, run):
    result = run(make_vault(VAULT), "stats", "--weeks", "2")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "week of     touches  new people  gives\n"
        "2026-11-09   0 / 10           0      0\n"
        "2026-11-16   5 / 10           1      1  ████████████████████\n"
        "\n"
        "November 2026 so far: informational interviews 2 / 3 · referrals 1 · intros 1\n")


def test_twelve_weeks_by_default(make_vault, run):
    data = json.loads(run(make_vault(VAULT), "stats", "--json").stdout)
    assert len(data["weeks"]) == 12 and data["weeks"][0]["start"] == "2026-08-31"
    assert sum(w["touches"] for w in data["weeks"]) == 9


def test_weeks_out_of_range_is_a_usage_error(make_vault, run):
    result = run(make_vault(VAULT), "stats", "--weeks", "0")
    assert result.exit_code == 2
