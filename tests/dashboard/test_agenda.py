"""The dashboard as an agenda (behaviour §5): one line per person, Today then Later this week, a
budget of `daily_picks` people with the rest folded, every list capped with a count of the rest."""
from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from click.testing import Result

DASH = "CRM/Due this week.md"


def person(fm: str, body: str = "") -> str:
    return f"---\n{fm}\n---\n{body}"


def dashboard(vault: Path, run: Callable[..., Result]) -> str:
    result = run(vault, "sync")
    assert result.exit_code == 0, result.output
    return (vault / DASH).read_text("utf-8")


def names(section: str) -> list[str]:
    """The people of a part of the dashboard, in order (by their first link's label)."""
    return re.findall(r"^(?:> )?- \[ \] \[\[[^|\]]+\|([^\]]+)\]\]", section, re.MULTILINE)


def section(text: str, heading: str) -> str:
    """The text under a `## heading`, up to the next one."""
    after = text.split(f"## {heading}", 1)[1]
    return after.split("\n## ", 1)[0]


def test_one_line_per_person_merging_their_reasons(make_vault: Callable[..., Path], run: Callable[..., Result]) -> None:
    vault = make_vault({"People/Sarah.md": person("tier: A\nlast_contact: 2026-11-09\nchannel: signal",
                                                  "- [ ] send the deck 📅 2026-11-24\n")})
    text = dashboard(vault, run)
    assert names(text) == ["Sarah"]
    assert ("- [ ] [[People/Sarah|Sarah]] — **Mon** · every 14 days · 📅 send the deck (Tue) · "
            "last [[People/Sarah|9 Nov]] · via signal\n") in text


def test_today_lists_follow_ups_then_going_cold_then_most_days_late(make_vault: Callable[..., Path],
                                                                    run: Callable[..., Result]) -> None:
    vault = make_vault({
        "People/Ann.md": person("tier: A\nlast_contact: 2026-11-01"),    # 7 days late of 14
        "People/Ben.md": person("tier: D\nlast_contact: 2025-10-01"),    # 21 days late of a year
        "People/Cat.md": person("tier: A\nlast_contact: 2026-10-01"),    # 38 days late: going cold
        "People/Dan.md": person("met: 2026-11-21"),                      # a follow-up, due today
        "People/Eve.md": person("met: 2026-11-10"),                      # a missed follow-up
        "People/Fay.md": person("tier: A\nlast_contact: 2026-11-08"),    # due today
        "People/Gus.md": person("tier: A\nlast_contact: 2026-11-10"),    # due Tue
        ".vaultcrm/config.toml": "daily_picks = 10\n",
    })
    text = dashboard(vault, run)
    today = section(text, "Today")
    assert names(today) == ["Eve", "Dan", "Cat", "Ben", "Ann", "Fay"]
    assert "[[People/Eve|Eve]] — **follow-up missed**, 11 days late · met 10 Nov" in today
    assert "[[People/Dan|Dan]] — **follow up** today · met 21 Nov" in today
    assert "[[People/Cat|Cat]] — **going cold**, 38 days late" in today
    assert "[[People/Fay|Fay]] — **today** · every 14 days" in today
    assert names(section(text, "Later this week")) == ["Gus"]


def test_the_budget_folds_the_rest_never_drops_it(make_vault: Callable[..., Path], run: Callable[..., Result]) -> None:
    late = {f"People/Late {n:02d}.md": person(f"tier: A\nlast_contact: 2026-11-{n:02d}") for n in range(1, 8)}
    soon = {f"People/Soon {n}.md": person(f"tier: A\nlast_contact: 2026-11-{10 + n}") for n in range(1, 5)}
    vault = make_vault({**late, **soon, ".vaultcrm/config.toml": "daily_picks = 3\n"})
    text = dashboard(vault, run)
    today = section(text, "Today")
    shown, folded = today.split("> [!note]- 4 more late\n")
    assert names(shown) == ["Late 01", "Late 02", "Late 03"]
    assert names(folded) == ["Late 04", "Late 05", "Late 06", "Late 07"]
    later = section(text, "Later this week")
    shown, folded = later.split("> [!note]- 1 more later this week\n")
    assert names(shown) == ["Soon 1", "Soon 2", "Soon 3"] and names(folded) == ["Soon 4"]
    assert "[[People/Soon 1|Soon 1]] — **Wed** · every 14 days" in shown  # the day each one is due


def test_the_default_budget_is_five_a_part(make_vault: Callable[..., Path], run: Callable[..., Result]) -> None:
    vault = make_vault({f"People/P{n}.md": person(f"met: 2026-11-{16 + n % 7:02d}") for n in range(8)})
    today = section(dashboard(vault, run), "Today")
    assert len(names(today.split("> [!note]-")[0])) == 5
    assert "> [!note]- 3 more for today\n" in today  # not all late: one follow-up is due today


def test_signals_are_capped_with_a_count_of_the_rest(make_vault: Callable[..., Path],
                                                     run: Callable[..., Result]) -> None:
    body = "".join(f"- 2026-10-{d:02d} chat #ask\n" for d in range(1, 3))
    vault = make_vault({f"People/Asker {n}.md": person("tier: D", body) for n in range(8)})
    signals = section(dashboard(vault, run), "Signals")
    assert signals.count("[[People/Asker") == 3  # five kinds of signal: three names each
    assert signals.rstrip().endswith("[[People/Asker 2|Asker 2]] …and 5 more")


def test_problems_are_folded_and_capped(make_vault: Callable[..., Path], run: Callable[..., Result]) -> None:
    vault = make_vault({f"People/Bad {n:02d}.md": "---\ntier: [\n---\n" for n in range(12)})
    text = dashboard(vault, run)
    assert "> [!warning]- 12 problems in your notes\n" in text
    assert text.count("> - [Bad") + text.count("> - [[People/Bad") == 10
    assert "> - …and 2 more: `vaultcrm check` lists them all\n" in text


def test_nothing_due(make_vault: Callable[..., Path], run: Callable[..., Result]) -> None:
    vault = make_vault({"People/A.md": person("tier: A\nlast_contact: 2026-11-20")})
    text = dashboard(vault, run)
    assert "Nobody for today. 🌱" in text and "## Later this week" not in text and "- [ ]" not in text


def test_a_box_ticked_in_a_folded_callout_is_recorded(make_vault: Callable[..., Path],
                                                      run: Callable[..., Result]) -> None:
    vault = make_vault({f"People/Late {n}.md": person(f"tier: A\nlast_contact: 2026-11-0{n}") for n in range(1, 4)}
                       | {".vaultcrm/config.toml": "daily_picks = 1\n"})
    note = vault / DASH
    text = dashboard(vault, run)
    line = next(line for line in text.splitlines() if line.startswith("> - [ ] [[People/Late 3|"))
    note.write_text(text.replace(line, line.replace("> - [ ]", "> - [x]")), "utf-8")
    result = run(vault, "sync")
    assert result.exit_code == 0, result.output
    assert "Late 3" in result.stderr
    assert "last_contact: 2026-11-22" in (vault / "People/Late 3.md").read_text("utf-8")
    assert "Late 3" not in note.read_text("utf-8")
