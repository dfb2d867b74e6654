"""The config as a unit: defaults, every invalid value reported at once, unknown keys warned about."""
from __future__ import annotations

from pathlib import Path

import pytest

from vaultcrm.config import Config, build_config, load_config
from vaultcrm.errors import ConfigError
from vaultcrm.model import Duration


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
                                 {"tiers": {"A": HUGE}}, {"horizon": HUGE}, {"rules": [{"when": "true", "cadence": HUGE}]}],
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
    assert build_config({"log_heading": heading}).log_heading == heading
