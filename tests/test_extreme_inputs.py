"""No input takes the vault down or hangs it: dates at the calendar's end, huge numbers, odd settings.
Each is a problem on its note or a config or usage error, one line, never a crash (behaviour §1, §9)."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

FAR = "9999-12-25"
NOTES = {
    "People/Created.md": f"---\ntier: A\ncreated: {FAR}\n---\n",
    "People/Met.md": f"---\nmet: {FAR}\n---\n",
    "People/Touched.md": f"---\ntier: A\nlast_contact: \"{FAR}\"\n---\n",
    "People/Snoozed.md": f"---\ntier: A\nsnooze_until: {FAR}\n---\n",
    "People/Born.md": f"---\nbirthday: {FAR}\n---\n",
    "People/Linked.md": f"---\ntier: A\nlast_contact: \"[[{FAR}]]\"\n---\n",
    "People/Planner.md": "---\ntier: B\n---\n- [ ] call 📅 9999-12-31\n- 9999-12-31 — a dated line\n- [x] done ✅ 9999-12-31\n",
    "People/Ok.md": "---\ntier: A\nlast_contact: 2026-11-01\n---\n",
}
READS = [("due", "--json"), ("sync",), ("check",), ("export", "ics"), ("export", "csv")]


def no_crash(result: Result, *allowed: int) -> None:
    assert "Traceback" not in result.output and "unexpected failure" not in result.output, result.output
    assert result.exit_code in (0, *allowed), result.output


@pytest.mark.parametrize("args", READS, ids=lambda a: " ".join(a))
@pytest.mark.parametrize("today", ["2026-11-22", "9899-12-31", "1000-01-01"])
def test_dates_at_the_end_of_the_calendar_are_problems_not_crashes(make_vault: Callable[..., Path],
                                                                    run: Callable[..., Result],
                                                                    args: tuple[str, ...], today: str) -> None:
    vault = make_vault(NOTES)
    result = run(vault, *args, today=today)
    no_crash(result, 1)
    if args == ("check",):
        for name in ("Created", "Met", "Touched", "Born", "Snoozed", "Linked"):
            assert f"People/{name}.md" in result.stdout and "too far in the future" in result.stdout


@pytest.mark.parametrize("day", ["9999-12-30", "9900-01-01", "0999-12-31"])
def test_a_today_outside_the_calendar_vaultcrm_reckons_with_is_a_usage_error(make_vault: Callable[..., Path],
                                                                              run: Callable[..., Result],
                                                                              day: str) -> None:
    vault = make_vault(NOTES)
    for args in READS:
        result = run(vault, *args, today=day)
        no_crash(result, 2)
        assert result.exit_code == 2 and f"--today {day} is out of range" in result.stderr


@pytest.mark.parametrize("args", [("touch", "Ok", "--date", FAR), ("snooze", "Ok", "--until", FAR),
                                  ("add", "Zed", "--met", FAR)], ids=lambda a: a[0])
def test_a_day_option_outside_the_calendar_is_a_usage_error(make_vault: Callable[..., Path],
                                                            run: Callable[..., Result],
                                                            args: tuple[str, ...]) -> None:
    vault = make_vault(NOTES)
    before = (vault / "People/Ok.md").read_bytes()
    result = run(vault, *args)
    no_crash(result, 2)
    assert result.exit_code == 2 and "out of range" in result.stderr
    assert (vault / "People/Ok.md").read_bytes() == before and not (vault / "People/Zed.md").exists()


@pytest.mark.parametrize("setting", ["followup_window = 100000000000000000000000000000",
                                     "max_note_bytes = 9223372036854775808", 'log_heading = "Log\\n## Evil"'])
def test_a_setting_that_would_break_later_is_a_config_error_now(make_vault: Callable[..., Path],
                                                                 run: Callable[..., Result], setting: str) -> None:
    vault = make_vault({**NOTES, ".vaultcrm/config.toml": setting + "\n"})
    before = (vault / "People/Ok.md").read_bytes()
    for args in [*READS, ("touch", "Ok")]:
        result = run(vault, *args)
        no_crash(result, 3)
        assert result.exit_code == 3 and setting.split(" ")[0] in result.stderr
    assert (vault / "People/Ok.md").read_bytes() == before
