"""Golden files: the example vault on 2026-11-22, as `due --json` (behaviour §8) and as the dashboard (§5).

Regenerate after an intended change with

    VAULTCRM_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/dashboard/test_golden.py

and review the diff of tests/golden/ like code: every line of it is a claim about the vault below.

Daily notes are `Daily/YYYY-MM-DD dddd` (.obsidian/daily-notes.json): the laptop, in English, names
them `2026-10-27 Tuesday`; the phone, in Russian, `2026-11-10 вторник` (§3 T4: weekday names match in
either language). The Russian-speaking corner is Ирина Волкова (Dataview inline fields, day-first
dotted dates, a `## Лог`), Олег Смирнов (Russian property names, `## История`, a log line with a
Russian month name) and that phone's daily note. The networking additions are targets and monthly
goals in the config, `stage`, `introduced_by` and former employers on some people, and `#intro`,
`#referral` and `#info-interview` lines (§12).

Why each reminder is expected (today 2026-11-22, horizon 2026-11-22..2026-11-28, §4.2), in the order
of §4.2 (overdue first by days overdue ÷ cadence days; then due day, tier order, name, kind):

  OVERDUE
  1. James O'Connor, cadence, due 2026-10-15, 38 days (38/30 = 1.27).
     §2 table: `Last Contact` normalises to last_contact -> last_touch (T1) 2026-09-15; `met` 2021-05-10.
     §3 "never a touch": his link in Daily/2026-11-16 sits inside `%% … %%`. tier B = 1 month (§4.1),
     2026-09-15 + 1m = 2026-10-15; cadence_days = due − last touch = 30 (§8). 38 > 30 -> going cold (§4.4).
  2. Tomás Oliveira, followup, due 2026-11-21, 1 day (1/1). §4.2 followup: met 2026-11-20 is within
     today−6..today and no touch is later than met (`Daily/2026-11-20 Friday` is the same day, T4,
     and, a daily note beating a property on one day (§11), the evidence). `followup` counts as 1
     day. tier `professional` = C (§4.1 aliases); at most one of followup/never/cadence. His new
     `stage: acquaintance` changes no reminder.
  3. Priya Raman, cadence, due 2026-11-10, 12 days (12/14 = 0.86). tier `close` = A (14 d).
     Touches: met 2024-02-12 (T1), heading `### 2026-09-08 — …` (T2), Daily/2026-10-02 (T4),
     2026-10-27 from last_contact (T1), her heading (T2) and Daily/2026-10-27 (T4) -> 4 days. On
     2026-10-27 a daily note's body beats her own property (§11), so the evidence is the daily note.
     Her open task in Daily/2026-11-21 (`- [ ] Book a call with [[Priya Raman]]`) is no touch (§3)
     and carries no date, so no `planned`. Evidence `Daily/2026-10-27 Tuesday.md`.
  4. Мария Петрова, cadence, due 2026-11-02, 20 days (20/31 = 0.65). `circle: 2` = B (§2 synonym,
     §4.1 alias). Table rows whose first cell is `[[2026-08-14]]`, `[[2026-09-11]]`, `[[2026-10-02]]`
     (T2), and `[[Мария Петрова|Маша]]` in Daily/2026-10-02 (T4) -> 3 days; last 2026-10-02 + 1m.
  5. Ирина Волкова, cadence, due 2026-11-12, 10 days (10/31 = 0.32). No frontmatter at all: a
     contact by folder, her fields Dataview inline fields (§2): `Уровень:: B` (a Russian synonym of
     tier), `Последний контакт:: 12.10.2026` (last_touch, a day-first dotted date, T1). Her `## Лог`
     lines `- 12.10.2026 — …` and `- 14 августа 2026 — …` (T2: dotted, and a Russian month name)
     -> 2 days. On 2026-10-12 the line beats the field (§11): evidence her note, and “last time”
     is that line without its date. 2026-10-12 + 1m = 2026-11-12. Its `#ask` (no `#give`) puts her
     in give first (§4.4); 10 < 31: not going cold.
  6. Lena Fischer, cadence, due 2026-11-19, 3 days (3/14 = 0.21). Her own `cadence: 2w` overrides
     tier B (§4.1). Last touch: the paragraph in Daily/2026-11-05 (T4, any line of a daily note).
  7. Olivia Grant, cadence, due 2026-11-10, 12 days (12/61 = 0.20). Custom rule `recruiters`
     (`'recruiter' in tags`, cadence 2m) beats tier C (§4.3); last_contact 2026-09-10. Her link in
     Daily/2026-11-12 is inside a fenced code block: no touch (§3).
  8. Алексей Иванов, cadence, due 2026-11-20, 2 days (2/92 = 0.02). `last_spoke` is a last_touch
     synonym (§2); tier C = 3 months: 2026-08-20 + 3m.
  DUE (not overdue), by due day
  9. Hannah Brooks, followup, due 2026-11-22. `first_met` = met (§2) 2026-11-21; no tier, so
     unclassified: followup only (§4.1). Daily/2026-11-21 links her the same day (T4).
 10. Sarah Chen, cadence, due 2026-11-23. tier A; last touch the Log line `- 2026-11-09 — …` (T2).
     8 touch days (met, six Log lines, Daily/2026-10-09; the done task `✅ 2026-11-02` shares a day)
     -> ready to ask (≥ 6, §4.4).
 11. Sarah Chen, planned, due 2026-11-24: her open task `📅 2026-11-24` (§4.2 planned), on line 20 of
     her note (the three networking properties above `## Open` moved it from 17). Same day as
 12. Олег Смирнов, cadence, due 2026-11-24, and
 13. Daniel Ortiz, never, due 2026-11-24: created 2026-08-24 + 3 months (tier C), no touch at all.
     Sarah and Олег are tier A, before Daniel (C); between them, names by code point: `sarah chen`
     before `олег смирнов`. Олег's properties are Russian (§2): `уровень: A`, `познакомились:
     2025-03-14` (met, T1), `день рождения`, and `последний_контакт:` left empty (absent, no problem).
     His `## История` line `- 3 ноября 2026 — …` (T2, a Russian month name) and the phone's daily
     note `Daily/2026-11-10 вторник` linking `[[Олег Смирнов|Олегом]]` (T4: `YYYY-MM-DD dddd` with a
     Russian weekday) -> 3 days; last 2026-11-10 (that daily note) + 14 days.
 14. Дмитрий Соколов, occasion, due 2026-11-25: birthday 1990-11-25 recurs in the horizon (turns 36).
     His touches: met 2026-06-05 (T1), `Daily/2026-10-16 Friday` (T4) and his Log line `- 2026-11-03 —
     Informational interview …` (T2), the latest: 3 days, last 2026-11-03 from his own note, whose
     text is "last time" (an `#info-interview` tag is no reminder of its own).
 15. Олег Смирнов, occasion, due 2026-11-26: `день рождения: 1988-11-26` (turns 38). Same day as
 16. Marcus Webb, planned, due 2026-11-26: `- [ ] … [[Marcus Webb]] 📅 2026-11-26` in Daily/2026-11-21
     (an open task linking the contact). A contact by `type: person` outside any contact folder (§2).
     No followup although met 2026-11-16 is in the window: Daily/2026-11-19 touches him later
     (`Daily/2026-11-19 Thursday.md`, his evidence).
     Олег (A) before Marcus (B) by tier order.
 17. Chris Dalton, occasion, due 2026-11-27: birthday `11-27` (MM-DD). His `last_coffee` is a touch
     through the config's `[fields] last_touch = ["last_coffee"]`.
 18. Kenji Watanabe, cadence, due 2026-11-27: tier `warm` = B; last touch the done task
     `✅ 2026-10-27` in Daily/2026-10-27 (§3, done date). Same day and tier as Chris: name order.
  NOT LISTED
  - Rafael Mendes: snooze_until 2026-12-15 silences cadence (§4.2). Grace Liu: status archived,
    inactive, not counted (§2). Aisha, Ben, Noah, Tom: next due after the horizon. People/People.md is
    a folder index (§2 rule 1 exception); Templates/ is never read (§1).
  SIGNALS (§4.4), each person under the first that holds, in the order going cold, trust going
    quiet, give first, stuck, ready to ask: going_cold [James O'Connor]; trust_fading [Priya Raman]
    (`stage: trust`, last touch 2026-10-27 + her 14 days = 2026-11-10, before today) and [Мария
    Петрова] (`stage: доверие` is trust; 2026-10-02 + 1 month = 2026-11-02); give_first [Noah Kim]
    (3 `#ask` lines, 1 `#give`; at trust too, but 2026-11-12 + 1 month is still ahead), [Ирина
    Волкова] (1 `#ask`, no `#give`); Latin before Cyrillic by code point; stuck [Aisha Bello]
    (`prm-relationship: acquainted`, a synonym of the stage and of its first value, after 4 touch
    days: `stuck_after_touches` 4); Tomás is an acquaintance after 1 touch day, not stuck;
    ready_to_ask [Sarah Chen] (at trust, 2026-11-09 + 14 days = 2026-11-23: not fading). Noah's
    referral line in Companies/Globex.md (T3) falls on 2026-11-12, a day he was touched already:
    still 5 touch days, not ready to ask. contacts = 21 active of 22 (§8).
  The networking properties (targets, stage, introduced_by, former_companies) and the `#intro`,
  `#referral` and `#info-interview` tags change no reminder; nor do the Russian corner's company and
  role (Ирина's inline `Компания::`, Олег's `компания` and `должность`, read by `who` and `show`).

The dashboard is the same reminders as an agenda (§5), one line per person:
  TODAY: follow-ups first, then going cold, then most days late, then due today; ties by due day,
  tier order, name. Tomás (follow-up, 1 day late), Hannah (follow-up due today), James (going
  cold, 38), Мария (20), Priya (12, due 10 Nov, tier A), Olivia (12, due 10 Nov, tier C), Ирина
  (10), Lena (3), Алексей (2). The first five (`daily_picks`) are shown, the other four folded in
  "4 more late".
  LATER THIS WEEK, by due day: Sarah (Mon; her cadence and her planned task of Tue on one line),
  Олег and Daniel (Tue: Олег tier A before Daniel tier C; Олег's line also holds his birthday of
  Thu), Дмитрий (Wed), Marcus (Thu), Chris and Kenji (Fri, both tier B: by name); Chris and Kenji
  are the sixth and seventh, folded in "2 more later this week".
  The lines' last touches link their evidence under the daily notes' new names (Priya's
  `[[Daily/2026-10-27 Tuesday|27 Oct]]`, Олег's `[[Daily/2026-11-10 вторник|10 Nov]]`), and “last
  time” drops a line's date however it is written (Ирина's `12.10.2026 — …`).
  Lines of people at trust say so (Мария, Priya, Sarah: §5). Each line is kept to about 80
  characters as it reads (§11): the quote takes the room left — Priya's is cut to “Mentoring…” (her
  stage took the rest), Ирина's and Дмитрий's are cut, Мария's and Олег's are left out (under 10
  characters of room); then how a follow-up's people met is cut (Tomás's `Platform Day Berlin…`,
  Hannah's `Women in Platform Engineering…`). Sarah's planned task is never cut further (a tick
  matches it), so hers stays the longest line.
  TARGETS (§12.1), in the config's order: Globex — Noah (trust, warm: 2026-11-12 is within
  `warm_within` 90 days) is the warmest there, before Marcus (`interviewing` is no stage) and Ben,
  so: write to Noah, at trust, last 12 Nov, give first (3 asks to 1 give). Datadog — Daniel is
  there but never touched (not warm); Priya introduced him and is warm (2026-10-27): ask Priya for
  an intro to Daniel. Tessera Labs — nobody known there; the vault's connectors by introductions
  made, James first (2: Noah, Sarah), warm (2026-09-15, 68 days): ask James for an intro.
  THIS WEEK (§12.3) is the calendar week from Monday 16 Nov to Sunday 22 Nov: touches 7 / 10, new
  people 3 / 5 (Tomás, Hannah, Marcus met in it), gives 2 / 5. The 12 weeks from 31 Aug, as bars
  scaled to the most of each row: touches 1 3 2 0 4 2 3 2 2 6 6 7, new people 0 … 0 3, gives
  0 1 1 0 0 0 0 0 1 1 0 2. November so far: informational interviews 1 / 3 (Дмитрий's line), referrals
  1 (Noah's, in Companies/Globex.md), intros 1 / 2.
  The chart counts the lines: going cold 1, late 7 (the follow-up a day late among them), today 1
  (Hannah), later this week 7, on track 4 (Aisha, Ben, Noah, Tom); Rafael is snoozed and Grace
  archived: 20 of the 21 active.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from tests.conftest import check_golden

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "example-vault"
GOLDEN = Path(__file__).resolve().parent / "golden"


def copy_example(source: Path, target: Path) -> Path:
    """The example vault as the repository has it: what a run of vaultcrm left in the checkout (the
    README's first command writes the dashboard there) is not copied."""
    from vaultcrm.config import load_config

    rel = load_config(source).dashboard
    dashboard = (source / rel).resolve()
    shutil.copytree(source, target, symlinks=True, ignore=lambda folder, names: [
        name for name in names if (Path(folder) / name).resolve() == dashboard])
    for folder in (target / rel).parents:  # the folders the run made for it, if it made them
        if folder == target or not folder.is_dir() or any(folder.iterdir()):
            break
        folder.rmdir()
    return target


@pytest.fixture
def example(tmp_path: Path) -> Path:
    """A copy of the example vault, so no run can ever write into the repository's copy."""
    return copy_example(EXAMPLE, tmp_path / "example-vault")


def test_a_dashboard_left_in_the_checkout_is_not_copied(tmp_path: Path, run: Callable[..., Result]) -> None:
    checkout = shutil.copytree(EXAMPLE, tmp_path / "checkout")
    assert run(checkout, "sync", today="2026-11-20").exit_code == 0  # the README's first command, another day
    assert (checkout / "CRM/Due this week.md").exists()
    copy = copy_example(checkout, tmp_path / "copy")
    assert not (copy / "CRM/Due this week.md").exists()
    assert sorted(p.relative_to(copy) for p in copy.rglob("*")) == sorted(
        p.relative_to(checkout) for p in checkout.rglob("*") if not p.is_relative_to(checkout / "CRM"))


def test_due_json_matches_golden(example: Path, run: Callable[..., Result]) -> None:
    result = run(example, "due", "--json", today="2026-11-22")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    check_golden(GOLDEN / "example-vault-due.json", json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    golden = json.loads((GOLDEN / "example-vault-due.json").read_text("utf-8"))
    assert data == golden


def test_golden_json_agrees_with_the_traced_expectations() -> None:
    """The golden file itself, against the reasoning in the docstring (so a regenerated golden file
    that drifts from the behaviour contract fails here even when it matches the program)."""
    data = json.loads((GOLDEN / "example-vault-due.json").read_text("utf-8"))
    rows = [(r["contact"], r["kind"], r["due"], r["days_overdue"], r["cadence_days"]) for r in data["reminders"]]
    assert rows == [
        ("James O'Connor", "cadence", "2026-10-15", 38, 30),
        ("Tomás Oliveira", "followup", "2026-11-21", 1, 1),
        ("Priya Raman", "cadence", "2026-11-10", 12, 14),
        ("Мария Петрова", "cadence", "2026-11-02", 20, 31),
        ("Ирина Волкова", "cadence", "2026-11-12", 10, 31),
        ("Lena Fischer", "cadence", "2026-11-19", 3, 14),
        ("Olivia Grant", "cadence", "2026-11-10", 12, 61),
        ("Алексей Иванов", "cadence", "2026-11-20", 2, 92),
        ("Hannah Brooks", "followup", "2026-11-22", 0, 1),
        ("Sarah Chen", "cadence", "2026-11-23", 0, 14),
        ("Sarah Chen", "planned", "2026-11-24", 0, None),
        ("Олег Смирнов", "cadence", "2026-11-24", 0, 14),
        ("Daniel Ortiz", "never", "2026-11-24", 0, 92),
        ("Дмитрий Соколов", "occasion", "2026-11-25", 0, None),
        ("Олег Смирнов", "occasion", "2026-11-26", 0, None),
        ("Marcus Webb", "planned", "2026-11-26", 0, None),
        ("Chris Dalton", "occasion", "2026-11-27", 0, None),
        ("Kenji Watanabe", "cadence", "2026-11-27", 0, 31),
    ]
    by = {(r["contact"], r["kind"]): r for r in data["reminders"]}
    assert [r["overdue"] for r in data["reminders"]] == [True] * 8 + [False] * 10
    assert {name: by[name, kind]["tier"] for name, kind in [
        ("James O'Connor", "cadence"), ("Tomás Oliveira", "followup"), ("Priya Raman", "cadence"),
        ("Мария Петрова", "cadence"), ("Hannah Brooks", "followup"), ("Marcus Webb", "planned"),
        ("Дмитрий Соколов", "occasion"), ("Ирина Волкова", "cadence"), ("Олег Смирнов", "cadence")]} == {
        "James O'Connor": "B", "Tomás Oliveira": "C", "Priya Raman": "A", "Мария Петрова": "B",
        "Hannah Brooks": None, "Marcus Webb": "B", "Дмитрий Соколов": "C", "Ирина Волкова": "B",
        "Олег Смирнов": "A"}
    assert (by["Priya Raman", "cadence"]["touch_count"], by["Мария Петрова", "cadence"]["touch_count"],
            by["Sarah Chen", "cadence"]["touch_count"], by["James O'Connor", "cadence"]["touch_count"],
            by["Ирина Волкова", "cadence"]["touch_count"], by["Олег Смирнов", "cadence"]["touch_count"]) == (
        4, 3, 8, 2, 2, 3)
    assert by["Kenji Watanabe", "cadence"]["evidence"] == "Daily/2026-10-27 Tuesday.md"
    assert by["Lena Fischer", "cadence"]["evidence"] == "Daily/2026-11-05 Thursday.md"
    assert (by["Ирина Волкова", "cadence"]["last_touch"], by["Ирина Волкова", "cadence"]["evidence"]) == (
        "2026-10-12", "People/Ирина Волкова.md")
    assert (by["Олег Смирнов", "cadence"]["last_touch"], by["Олег Смирнов", "cadence"]["evidence"]) == (
        "2026-11-10", "Daily/2026-11-10 вторник.md")
    assert by["Daniel Ortiz", "never"]["last_touch"] is None
    assert (by["Tomás Oliveira", "followup"]["evidence"], by["Hannah Brooks", "followup"]["evidence"],
            by["Priya Raman", "cadence"]["evidence"], by["Marcus Webb", "planned"]["evidence"]) == (
        "Daily/2026-11-20 Friday.md", "Daily/2026-11-21 Saturday.md", "Daily/2026-10-27 Tuesday.md",
        "Daily/2026-11-19 Thursday.md")
    assert by["Marcus Webb", "planned"]["reason"].endswith("(Daily/2026-11-21 Saturday.md:8)")
    dima = by["Дмитрий Соколов", "occasion"]
    assert (dima["last_touch"], dima["evidence"], dima["touch_count"]) == ("2026-11-03", "People/Дмитрий Соколов.md",
                                                                           3)
    assert by["Sarah Chen", "planned"]["reason"].endswith("(People/Sarah Chen.md:20)")
    assert data["signals"] == {"ready_to_ask": ["Sarah Chen"], "going_cold": ["James O'Connor"],
                               "give_first": ["Noah Kim", "Ирина Волкова"],
                               "trust_fading": ["Priya Raman", "Мария Петрова"], "stuck": ["Aisha Bello"]}
    assert (data["today"], data["horizon_end"], data["contacts"], data["problems"]) == (
        "2026-11-22", "2026-11-28", 21, [])
    assert [(a["contact"], a["group"], a["days_late"], a["kinds"]) for a in data["agenda"]] == [
        ("Tomás Oliveira", "followup", 1, ["followup"]), ("Hannah Brooks", "followup", 0, ["followup"]),
        ("James O'Connor", "cold", 38, ["cadence"]), ("Мария Петрова", "late", 20, ["cadence"]),
        ("Priya Raman", "late", 12, ["cadence"]), ("Olivia Grant", "late", 12, ["cadence"]),
        ("Ирина Волкова", "late", 10, ["cadence"]), ("Lena Fischer", "late", 3, ["cadence"]),
        ("Алексей Иванов", "late", 2, ["cadence"]),
        ("Sarah Chen", "later", 0, ["cadence", "planned"]), ("Олег Смирнов", "later", 0, ["cadence", "occasion"]),
        ("Daniel Ortiz", "later", 0, ["never"]), ("Дмитрий Соколов", "later", 0, ["occasion"]),
        ("Marcus Webb", "later", 0, ["planned"]), ("Chris Dalton", "later", 0, ["occasion"]),
        ("Kenji Watanabe", "later", 0, ["cadence"])]


def test_golden_agenda_agrees_with_the_traced_expectations() -> None:
    text = (GOLDEN / "example-vault-dashboard.md").read_text("utf-8")
    today, later = text.split("## Later this week")
    later = later.split("## Signals")[0]

    def people(part: str) -> list[str]:
        return re.findall(r"^(?:> )?- \[ \] \[\[[^|]+\|([^\]]+)\]\]", part, re.MULTILINE)

    assert people(today) == ["Tomás Oliveira", "Hannah Brooks", "James O'Connor", "Мария Петрова", "Priya Raman",
                             "Olivia Grant", "Ирина Волкова", "Lena Fischer", "Алексей Иванов"]
    assert today.index("> [!note]- 4 more late") < today.index("Olivia Grant")
    assert people(later) == ["Sarah Chen", "Олег Смирнов", "Daniel Ortiz", "Дмитрий Соколов", "Marcus Webb",
                             "Chris Dalton", "Kenji Watanabe"]
    assert later.index("> [!note]- 2 more later this week") < later.index("Chris Dalton")
    assert "· every 14 days · trust · last [[Daily/2026-10-27 Tuesday|27 Oct]] “Mentoring…”" in today
    assert "[[People/Ирина Волкова|12 Oct]] “кофе после…”" in today  # cut at a word to fit the line
    assert "[[Daily/2026-10-02 Friday|2 Oct]] · via telegram" in today  # no room left for Мария's quote
    assert "— **follow up**, 1 day late · met 20 Nov at Platform Day Berlin…" in today
    assert "**Tue** · every 14 days · 🎂 birthday, turns 38 (Thu) · last [[Daily/2026-11-10 вторник|10 Nov]]" in later
    chart = dict(re.findall(r'^    "([^"]+)" : (\d+)$', text, re.MULTILINE))
    assert chart == {"Going cold": "1", "Late": "7", "Today": "1", "Later this week": "7", "On track": "4"}


def test_golden_targets_and_weeks_agree_with_the_traced_expectations() -> None:
    text = (GOLDEN / "example-vault-dashboard.md").read_text("utf-8")
    targets = text.split("## Targets\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert targets == [
        "- **Globex** — write to [[People/Noah Kim|Noah Kim]] · trust · last 12 Nov · give first",
        "- **Datadog** — ask [[People/Priya Raman|Priya Raman]] for an intro to [[People/Daniel Ortiz|Daniel Ortiz]]"
        " · last 27 Oct",
        "- **Tessera Labs** — nobody known there: ask [[People/James O'Connor|James O'Connor]] for an intro"
        " · last 15 Sep"]
    assert text.index("## Later this week") < text.index("## Targets") < text.index("## Signals")
    signals = text.split("## Signals\n", 1)[1].split("\n\n", 1)[0]
    assert re.findall(r"^- \*\*([^*]+)\*\*", signals, re.MULTILINE) == [
        "Going cold", "Trust going quiet", "Give first", "Stuck at acquaintance", "Ready to ask"]
    assert "(still acquaintances after 4 touches): [[People/Aisha Bello|Aisha Bello]]" in signals
    week = text.split("## This week · 16–22 Nov\n", 1)[1]
    assert week.strip().split("\n\n", 1)[0].splitlines()[2:] == [
        "| touches | `▂▄▃▁▅▃▄▃▃▇▇█` | **7 / 10** |",
        "| new people | `▁▁▁▁▁▁▁▁▁▁▁█` | **3 / 5** |",
        "| gives | `▁▅▅▁▁▁▁▁▅▅▁█` | **2 / 5** |"]
    assert "November: informational interviews **1 / 3** · referrals **1** · intros **1 / 2**" in week


def test_the_readme_shows_the_dashboard_as_generated() -> None:
    """Its picture is the example vault's dashboard, with lines left out but none changed."""
    picture = (ROOT / "README.md").read_text("utf-8").split("```\n", 2)[1]
    lines = (GOLDEN / "example-vault-dashboard.md").read_text("utf-8").splitlines()
    at = 0
    for line in filter(None, picture.splitlines()):
        assert line in lines[at:], line
        at = lines.index(line, at) + 1


def test_the_readme_shows_the_russian_dashboard_as_generated() -> None:
    picture = (ROOT / "README.md").read_text("utf-8").split("```\n## Сегодня", 1)[1].split("```", 1)[0]
    lines = (GOLDEN / "example-vault-dashboard.ru.md").read_text("utf-8").splitlines()
    assert "## Сегодня" + picture.splitlines()[0] in lines
    for line in filter(None, picture.splitlines()[1:]):
        assert line in lines, line


def test_agenda_lines_fit_two_phone_lines() -> None:
    """A line reads in about 80 characters (§11), in either language, or has nothing left to leave
    out: no quote, no cadence, no channel (a plan and where two people met are never cut further)."""
    from vaultcrm.dashboard.results import LINE_CHARS, reading_width

    for name in ("example-vault-dashboard.md", "example-vault-dashboard.ru.md"):
        for line in (GOLDEN / name).read_text("utf-8").splitlines():
            if "- [ ] " not in line:
                continue
            shown = re.sub(r"\[\[[^|\]]*\|([^\]]*)\]\]", r"\1", line.split("- [ ] ", 1)[1]).replace("**", "")
            if reading_width(shown) > LINE_CHARS:
                assert "📅" in shown or "met " in shown or "познакомились" in shown, shown
                assert not re.search(r"[«“]| · (?:every|кажды[йе]|via|через) ", shown), shown


def test_dashboard_matches_golden(example: Path, run: Callable[..., Result]) -> None:
    result = run(example, "sync", "--dry-run", today="2026-11-22")
    assert result.exit_code == 0, result.output
    check_golden(GOLDEN / "example-vault-dashboard.md", result.stdout)
    assert not (example / "CRM").exists()


def test_dashboard_written_equals_the_dry_run(example: Path, run: Callable[..., Result]) -> None:
    result = run(example, "sync", today="2026-11-22")
    assert result.exit_code == 0, result.output
    assert result.stdout == ("7 overdue · 6 due · 2 follow-ups · 3 occasions · 21 contacts · "
                             "wrote CRM/Due this week.md\n")
    assert (example / "CRM/Due this week.md").read_text("utf-8") == (GOLDEN / "example-vault-dashboard.md").read_text("utf-8")


def test_a_source_checkout_renders_the_same_dashboard(example: Path, tmp_path: Path) -> None:
    """Run from the repository's own folders, not installed (`python -S`, so no install is seen):
    the packaged template is then read from templates/ beside vaultcrm/."""
    libraries = sysconfig.get_paths()["purelib"]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), libraries]),
           "VAULTCRM_STATE_DIR": str(tmp_path / "state")}
    done = subprocess.run([sys.executable, "-S", "-m", "vaultcrm", "--vault", str(example), "sync", "--dry-run",
                           "--today", "2026-11-22"], env=env, cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout == (GOLDEN / "example-vault-dashboard.md").read_text("utf-8")


# -- the same vault in Russian -----------------------------------------------------------------------

ENGLISH_WORDS = re.compile(r"\b(?:Today|Later|Signals|This week|late|days?|every|months?|weeks?|last|via|follow|met|"
                           r"turns|birthday|more|Ready|Give|Going|cold|track|New people|touches|gives|Active|"
                           r"tier|Tick|contacts|rewrites|Mon|Tue|Wed|Thu|Fri|Sat|Sun|Oct|Nov|Sep|Aug)\b")


def russian(example: Path) -> Path:
    """The example vault with `language = "ru"` (set before its tables, as TOML needs)."""
    config = example / ".vaultcrm/config.toml"
    config.write_text('language = "ru"\n\n' + config.read_text("utf-8"), "utf-8")
    return example


def test_russian_dashboard_matches_golden(example: Path, run: Callable[..., Result]) -> None:
    result = run(russian(example), "sync", "--dry-run", today="2026-11-22")
    assert result.exit_code == 0, result.output
    check_golden(GOLDEN / "example-vault-dashboard.ru.md", result.stdout)


def test_russian_golden_is_the_english_one_in_russian() -> None:
    """The same people in the same places (the language changes words, never the agenda), and no
    word of vaultcrm's own left in English: what is English is what the notes say (names, links to
    daily notes, quotes, plans, how people met, channels)."""
    english = (GOLDEN / "example-vault-dashboard.md").read_text("utf-8").splitlines()
    text = (GOLDEN / "example-vault-dashboard.ru.md").read_text("utf-8")
    lines = text.splitlines()
    assert len(lines) == len(english)

    def people(part: list[str]) -> list[str]:
        return [m[1] for m in map(re.compile(r"^(?:> )?- \[ \] \[\[[^|]+\|([^\]]+)\]\]").match, part) if m]

    assert people(lines) == people(english)
    assert lines[3] == "## Сегодня · вс 22 нояб."
    assert "> [!note]- ещё 4 с просрочкой" in lines and "> [!note]- ещё 2 позже на неделе" in lines
    assert ("- [ ] [[People/Events/Tomás Oliveira|Tomás Oliveira]] — **написать**, просрочка 1 день · познакомились "
            "20 нояб. (Platform Day Berlin…)") in lines  # where they met stays; the channel makes room for it
    assert ("- [ ] [[People/Priya Raman|Priya Raman]] — **просрочка 12 дней** · доверие · "
            "общались [[Daily/2026-10-27 Tuesday|27 окт.]]") in lines  # longer, wider words: no quote, no cadence
    assert ("- [ ] [[People/Priya Raman|Priya Raman]] — **12 days late** · every 14 days · trust · "
            "last [[Daily/2026-10-27 Tuesday|27 Oct]] “Mentoring…”") in english  # (the same line in English keeps its cadence)
    assert ("- **Datadog** — попросить познакомить: [[People/Priya Raman|Priya Raman]] → "
            "[[People/Daniel Ortiz|Daniel Ortiz]] · общались 27 окт.") in lines
    assert "| касания | `▂▄▃▁▅▃▄▃▃▇▇█` | **7 / 10** |" in lines and "## Эта неделя · 16–22 нояб." in lines
    assert ("- [ ] [[People/Олег Смирнов|Олег Смирнов]] — **вт** · 🎂 день рождения, 38 лет "
            "(чт) · общались [[Daily/2026-11-10 вторник|10 нояб.]]") in lines
    assert "- [ ] [[People/Daniel Ortiz|Daniel Ortiz]] — **вт** · каждые 3 месяца, контакта ещё не было" in lines
    chart = dict(re.findall(r'^    "([^"]+)" : (\d+)$', text, re.MULTILINE))
    assert chart == {"Остывают": "1", "Просрочены": "7", "Сегодня": "1", "Позже на неделе": "7", "В графике": "4"}
    ours = re.sub(r"\[\[[^\]]*\]\]|«[^»]*»|📅 [^·]*|\([^)]*\)|через \S+|```mermaid.*?```", "", text, flags=re.S)
    assert ENGLISH_WORDS.findall(ours) == []
