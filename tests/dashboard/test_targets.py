"""The dashboard's networking parts (behaviour §5, §12): the Targets section (each target company's
warmest path and next step, capped), the stage beside a person, and the weekly section in calendar
weeks with its 12-week history."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from tests.dashboard.test_agenda import dashboard, person, section
from vaultcrm.dashboard.data import sparkline


def targets(*companies: str, extra: str = "") -> dict[str, str]:
    return {".vaultcrm/config.toml": extra + "".join(f'[[targets]]\ncompany = "{c}"\n\n' for c in companies)}


# Globex: Ann warm there now. Initech: Bob there but cold, Cleo (who introduced him) warm. Umbrella:
# Dan there formerly and warm. Hooli: Eve there, cold, and her introducer Fay cold too; Cleo, warm,
# is the vault's connector. Today is 2026-11-22; warm is within 90 days.
PEOPLE = {
    "People/Ann.md": person("company: Globex\nstage: trust\nlast_contact: 2026-11-12", "- 2026-10-01 ask #ask\n"),
    "People/Bob.md": person('company: "[[Initech]]"\nlast_contact: 2026-01-10\nintroduced_by: "[[Cleo]]"'),
    "People/Cleo.md": person("last_contact: 2026-11-02"),
    "People/Dan.md": person("former_companies: [Umbrella]\ncompany: Acme Corp\nlast_contact: 2026-11-20"),
    "People/Eve.md": person("company: Hooli\nlast_contact: 2026-02-01\nintroduced_by: Fay"),
    "People/Fay.md": person("last_contact: 2026-03-01"),
}


def test_each_target_gets_its_warmest_path_and_next_step(make_vault: Callable[..., Path],
                                                         run: Callable[..., Result]) -> None:
    vault = make_vault({**targets("Globex", "Initech", "Umbrella", "Hooli"), **PEOPLE})
    text = dashboard(vault, run)
    assert section(text, "Targets").strip().splitlines() == [
        "- **Globex** — write to [[People/Ann|Ann]] · trust · last 12 Nov · give first",
        "- **Initech** — ask [[People/Cleo|Cleo]] for an intro to [[People/Bob|Bob]] · last 2 Nov",
        "- **Umbrella** — write to [[People/Dan|Dan]] (formerly there) · last 20 Nov",
        "- **Hooli** — ask [[People/Cleo|Cleo]] for an intro to [[People/Eve|Eve]] · last 2 Nov",
    ]
    assert text.index("## Later this week" if "## Later this week" in text else "## Today") < text.index(
        "## Targets") < text.index("## This week")
    assert "- [ ] " not in section(text, "Targets")  # a plain list: nothing to tick, nothing recorded


def test_reconnect_when_nobody_is_warm(make_vault: Callable[..., Path], run: Callable[..., Result]) -> None:
    vault = make_vault({**targets("Hooli"), "People/Eve.md": PEOPLE["People/Eve.md"],
                        "People/Fay.md": PEOPLE["People/Fay.md"]})
    assert section(dashboard(vault, run), "Targets").strip() == (
        "- **Hooli** — nobody there is warm: reconnect with [[People/Eve|Eve]] · last 1 Feb")


def test_a_target_nobody_knows(make_vault: Callable[..., Path], run: Callable[..., Result]) -> None:
    with_connector = make_vault({**targets("Tessera"), **PEOPLE}, name="known")
    assert section(dashboard(with_connector, run), "Targets").strip() == (
        "- **Tessera** — nobody known there: ask [[People/Cleo|Cleo]] for an intro · last 2 Nov")
    alone = make_vault({**targets("Tessera"), "People/Ann.md": PEOPLE["People/Ann.md"]}, name="alone")
    assert section(dashboard(alone, run), "Targets").strip() == (
        "- **Tessera** — nobody known there yet, and no warm connector")


def test_targets_are_capped_with_a_count_of_the_rest(make_vault: Callable[..., Path],
                                                     run: Callable[..., Result]) -> None:
    vault = make_vault({**targets(*(f"Co {n}" for n in range(7))), **PEOPLE})
    lines = section(dashboard(vault, run), "Targets").strip().splitlines()
    assert [line.split("**")[1] for line in lines[:5]] == [f"Co {n}" for n in range(5)]
    assert lines[5:] == ["- …and 2 more: `vaultcrm who` shows them all"]


def test_no_targets_no_section(make_vault: Callable[..., Path], run: Callable[..., Result]) -> None:
    assert "## Targets" not in dashboard(make_vault(PEOPLE), run)


def test_targets_in_russian(make_vault: Callable[..., Path], run: Callable[..., Result]) -> None:
    vault = make_vault({**targets("Globex", "Initech", "Umbrella", "Tessera", extra='language = "ru"\n\n'),
                        **PEOPLE})
    assert section(dashboard(vault, run), "Целевые компании").strip().splitlines() == [
        "- **Globex** — написать: [[People/Ann|Ann]] · доверие · общались 12 нояб. · сначала помогите",
        "- **Initech** — попросить познакомить: [[People/Cleo|Cleo]] → [[People/Bob|Bob]] · общались 2 нояб.",
        "- **Umbrella** — написать: [[People/Dan|Dan]] (ранее там) · общались 20 нояб.",
        "- **Tessera** — там никого не знаете; попросить о знакомстве: [[People/Cleo|Cleo]] · общались 2 нояб.",
    ]
    alone = make_vault({**targets("Hooli", extra='language = "ru"\n\n'), "People/Eve.md": PEOPLE["People/Eve.md"],
                        "People/Fay.md": PEOPLE["People/Fay.md"]}, name="alone")
    assert section(dashboard(alone, run), "Целевые компании").strip() == (
        "- **Hooli** — там никто не на связи; возобновить связь: [[People/Eve|Eve]] · общались 1 февр.")


def test_the_stage_beside_a_person_where_it_helps(make_vault: Callable[..., Path],
                                                  run: Callable[..., Result]) -> None:
    """An agenda line shows a relationship at trust or partnership, the ones worth most; not the others."""
    vault = make_vault({
        "People/Ann.md": person("tier: B\nstage: partnership\nlast_contact: 2026-10-12"),
        "People/Bob.md": person("tier: B\nstage: conversation\nlast_contact: 2026-10-12"),
    })
    today = section(dashboard(vault, run), "Today")
    assert "- [ ] [[People/Ann|Ann]] — **10 days late** · every month · partnership · last" in today
    assert "- [ ] [[People/Bob|Bob]] — **10 days late** · every month · last" in today


# -- the week --------------------------------------------------------------------------------------

def test_this_week_is_the_calendar_week(make_vault: Callable[..., Path], run: Callable[..., Result]) -> None:
    """On Wednesday 25 Nov the week began on Monday 23 Nov: Sunday's touch, give and meeting belong to
    the week before (a rolling seven days would have counted them). The 12 weeks from 7 Sep: touch
    days 0 0 0 1 (Bob, 1 Oct) 0 0 0 0 0 0 1 (Ann, 22 Nov: met and coffee, one day) 2 (Bob 23 Nov, Ann
    24 Nov), each bar scaled to the row's most."""
    vault = make_vault({
        ".vaultcrm/config.toml": "[goals]\nweekly_touches = 5\n",
        "People/Ann.md": person("met: 2026-11-22", "- 2026-11-22 coffee #give\n- 2026-11-24 call\n"),
        "People/Bob.md": person("", "- 2026-11-23 lunch #give\n- 2026-10-01 chat\n"),
    })
    result = run(vault, "sync", today="2026-11-25")
    assert result.exit_code == 0, result.output
    week = section((vault / "CRM/Due this week.md").read_text("utf-8"), "This week · 23–29 Nov")
    assert week.strip().splitlines()[:5] == [
        "| | 12 weeks | this week |", "|---|---|--:|",
        "| touches | `▁▁▁▅▁▁▁▁▁▁▅█` | **2 / 5** |",
        "| new people | `▁▁▁▁▁▁▁▁▁▁█▁` | **0** |",
        "| gives | `▁▁▁▁▁▁▁▁▁▁██` | **1** |"]


def test_a_week_starting_on_sunday(make_vault: Callable[..., Path], run: Callable[..., Result]) -> None:
    vault = make_vault({".vaultcrm/config.toml": 'week_start = "sunday"\n',
                        "People/Ann.md": person("", "- 2026-11-22 coffee\n")})
    result = run(vault, "sync", today="2026-11-25")
    assert result.exit_code == 0, result.output
    text = (vault / "CRM/Due this week.md").read_text("utf-8")
    assert "## This week · 22–28 Nov\n" in text and "| touches | `▁▁▁▁▁▁▁▁▁▁▁█` | **1** |" in text


def test_a_week_across_two_months_in_russian(make_vault: Callable[..., Path], run: Callable[..., Result]) -> None:
    vault = make_vault({".vaultcrm/config.toml": 'language = "ru"\n', "People/Ann.md": person("", "- 2026-11-30 кофе\n")})
    result = run(vault, "sync", today="2026-12-02")
    assert result.exit_code == 0, result.output
    text = (vault / "CRM/Due this week.md").read_text("utf-8")
    assert "## Эта неделя · 30 нояб. – 6 дек.\n" in text
    assert "| касания | `▁▁▁▁▁▁▁▁▁▁▁█` | **1** |" in text


@pytest.mark.parametrize("counts, bars", [
    ([0, 0, 0], "▁▁▁"), ([1, 0, 7], "▂▁█"), ([1, 2, 3, 4, 5, 6, 7, 14], "▂▂▃▃▄▄▅█"), ([188, 5], "█▂"),
])
def test_sparkline(counts: list[int], bars: str) -> None:
    assert sparkline(counts) == bars
