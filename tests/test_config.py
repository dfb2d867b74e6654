"""The config as a unit: defaults, every invalid value reported at once, unknown keys warned about."""
from __future__ import annotations

from pathlib import Path

import pytest

from vaultcrm.config import Config, build_config, load_config
from vaultcrm.durations import Duration
from vaultcrm.errors import ConfigError


def test_an_empty_config_is_the_defaults() -> None:
    assert build_config({}) == Config()
    assert Config().horizon == Duration(7, "d") and Config().dashboard == "CRM/Due this week.md"


def test_every_invalid_setting_is_listed_at_once() -> None:
    with pytest.raises(ConfigError) as info:
        build_config({"horizon": "soon", "max_note_bytes": 0, "dashboard": "../x.md", "tiers": {"A": "never"},
                      "rules": [{"when": "tags ((("}], "surprise": 1})
    assert [e.split(":")[0] for e in info.value.errors] == ["max_note_bytes", "dashboard", "horizon", "tiers",
                                                           "rules"]
    assert info.value.warnings == ["unknown setting 'surprise' in .vaultcrm/config.toml is ignored"]
    assert info.value.exit_code == 3


def test_obsidians_own_settings_fill_what_the_config_leaves(tmp_path: Path) -> None:
    (tmp_path / ".obsidian").mkdir()
    (tmp_path / ".obsidian/daily-notes.json").write_text('{"folder": "Journal", "format": "YYYY/MM/YYYY-MM-DD"}')
    (tmp_path / ".obsidian/templates.json").write_text('{"folder": "Meta/Templates/"}')
    config = load_config(tmp_path)
    assert (config.daily_notes, config.templates) == ("[Journal]/YYYY/MM/YYYY-MM-DD", "Meta/Templates")


def test_a_config_that_is_not_toml_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / ".vaultcrm").mkdir()
    (tmp_path / ".vaultcrm/config.toml").write_text("horizon = \n")
    with pytest.raises(ConfigError, match="is not valid TOML"):
        load_config(tmp_path)


HUGE = 10**30


@pytest.mark.parametrize("raw", [{"max_note_bytes": HUGE}, {"followup_window": HUGE}, {"followup_window": 2**63 - 1},
                                 {"ask_after_touches": HUGE}, {"goals": {"weekly_touches": HUGE}},
                                 {"tiers": {"A": HUGE}}, {"horizon": HUGE}, {"rules": [{"when": "true", "cadence": HUGE}]},
                                 {"followup_grace": HUGE}, {"daily_picks": HUGE}, {"stuck_after_touches": HUGE},
                                 {"warm_within": HUGE}],
                         ids=lambda raw: next(iter(raw)))
def test_a_huge_number_is_a_config_error(raw: dict[str, object]) -> None:
    with pytest.raises(ConfigError) as info:
        build_config(raw)
    assert len(info.value.errors) == 1 and info.value.errors[0].startswith(next(iter(raw)))


@pytest.mark.parametrize("heading", ["Log\n## Evil", "Log\r\nx", "Log\u2028x", "Log\x00", "## Log", "Log ##"])
def test_log_heading_is_one_line_of_heading_text(heading: str) -> None:
    with pytest.raises(ConfigError) as info:
        build_config({"log_heading": heading})
    assert info.value.errors[0].startswith("log_heading:")


@pytest.mark.parametrize("heading", ["Log", "Журнал", "Log (C#)", "1:1 meetings", "Notes & calls"])
def test_ordinary_log_headings_are_fine(heading: str) -> None:
    assert build_config({"log_heading": heading}).log_heading == (heading,)


@pytest.mark.parametrize("heading", ["Log\n## Evil", "Log\u2028x", "Log\x00", "## Log", "Log ##"])
def test_each_log_heading_of_a_list_is_one_line_of_heading_text(heading: str) -> None:
    with pytest.raises(ConfigError) as info:
        build_config({"log_heading": ["Журнал", heading]})
    assert info.value.errors[0].startswith("log_heading:")
    assert build_config({"log_heading": ["Журнал", "Log"]}).log_heading == ("Журнал", "Log")


def test_targets_as_names_or_tables() -> None:
    from vaultcrm.config import Target

    config = build_config({"targets": ["Globex", {"company": " Tessera  Labs ", "role": "Staff SRE",
                                                  "note": "ask around"}]})
    assert config.targets == (Target("Globex"), Target("Tessera Labs", "Staff SRE", "ask around"))


def test_every_wrong_target_is_listed_at_once() -> None:
    with pytest.raises(ConfigError) as info:
        build_config({"targets": ["Globex", {"role": "x"}, {"company": "GLOBEX"}, 3,
                                  {"company": "Acme", "url": "x"}, {"company": "Ok", "note": ""}],
                      "warm_within": "soon"})
    assert info.value.errors == [
        "warm_within: 'soon' is not a duration (write it like 14d, 2w, 3m or 1y)",
        "targets: target 2: needs a company",
        "targets: target 3: 'GLOBEX' is listed twice",
        "targets: target 4: expected a company name or a table, got 3",
        "targets: target 5: unknown key 'url' (known: company, role, note)",
        "targets: target 6: expected a text value, got ''",
    ]
    with pytest.raises(ConfigError, match="targets: expected a list"):
        build_config({"targets": "Globex"})


def test_week_start_and_monthly_goals_with_their_tags() -> None:
    config = build_config({"week_start": "Sunday", "goals": {"monthly_interviews": 3, "weekly_gives": 5,
                                                            "tags": {"intros": ["#Intro", "warm-intro"],
                                                                     "referrals": "ref"}}})
    assert config.week_start == 6
    assert config.goals == {"monthly_interviews": 3, "weekly_gives": 5}
    assert config.goal_tags == {"interviews": ("interview", "info-interview"), "referrals": ("ref",),
                                "intros": ("intro", "warm-intro")}
    assert Config().week_start == 0 and Config().warm_within == Duration(90, "d")


@pytest.mark.parametrize(("raw", "error"), [
    ({"week_start": "mon"}, "week_start: expected a day of the week"),
    ({"goals": {"monthly_coffees": 2}}, "goals: unknown goal 'monthly_coffees'"),
    ({"goals": {"tags": {"coffees": ["x"]}}}, "goals.tags: unknown goal 'coffees'"),
    ({"goals": {"tags": {"intros": ["two words"]}}}, "goals.tags: intros: 'two words' is not a tag"),
    ({"goals": {"tags": {"intros": ["#2026"]}}}, "goals.tags: intros: '2026' is not a tag"),
    ({"goals": {"tags": {"intros": []}}}, "goals.tags: intros: '' is not a tag"),
])
def test_wrong_week_and_goal_settings(raw: dict[str, object], error: str) -> None:
    with pytest.raises(ConfigError) as info:
        build_config(raw)
    assert info.value.errors[0].startswith(error), info.value.errors
