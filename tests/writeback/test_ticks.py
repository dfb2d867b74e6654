"""What a ticked box records (behaviour §6.3): a planned task completed in its note, an occasion done
for the year, a log line that says what was done; each surgical, byte for byte."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from vaultcrm.errors import NotEditableError
from vaultcrm.writeback.edit import complete_task

DASH = "CRM/Due this week.md"


def sync(run: Callable[..., Result], vault: Path, today: str = "2026-11-22") -> Result:
    result = run(vault, "sync", today=today)
    assert result.exit_code == 0, result.output
    return result


def tick(vault: Path, name: str) -> None:
    """Tick the line of `name`, wherever it is (a folded callout too)."""
    note = vault / DASH
    lines = note.read_text("utf-8").split("\n")
    hits = [i for i, line in enumerate(lines) if f"|{name}]]" in line and "- [ ] " in line]
    assert len(hits) == 1, (name, lines)
    lines[hits[0]] = lines[hits[0]].replace("- [ ] ", "- [x] ", 1)
    note.write_text("\n".join(lines), "utf-8")


def listed(vault: Path, name: str) -> bool:
    return f"|{name}]]" in (vault / DASH).read_text("utf-8")


def test_a_planned_task_is_completed_in_its_own_note(make_vault: Callable[..., Path], run: Callable[..., Result],
                                                     due_json: Callable[..., dict[str, Any]]) -> None:
    text = "---\r\nmet: 2024-01-01\r\n---\r\n## Plans\r\n- [ ] Send  the deck 📅 2026-11-24 ^deck\r\n- [ ] later 📅 2027-01-01\r\n"
    vault = make_vault({"People/Ann.md": text.encode("utf-8")})
    sync(run, vault)
    tick(vault, "Ann")
    sync(run, vault)
    done = text.replace("- [ ] Send  the deck 📅 2026-11-24 ^deck", "- [x] Send  the deck 📅 2026-11-24 ✅ 2026-11-22 ^deck")
    assert (vault / "People/Ann.md").read_bytes() == done.encode("utf-8")  # no log line: the task says it
    assert not listed(vault, "Ann")
    assert [r["kind"] for r in due_json(vault)["reminders"]] == []
    assert due_json(vault)["reminders"] == [] and sync(run, vault).stdout.endswith("· unchanged\n")


def test_a_planned_task_in_another_note_is_completed_there(make_vault: Callable[..., Path],
                                                           run: Callable[..., Result]) -> None:
    daily = "- [ ] Send [[Marcus]] the answers 📅 2026-11-26\n- [ ] buy milk 📅 2026-11-23\n"
    vault = make_vault({"People/Marcus.md": "---\nmet: 2024-01-01\n---\n", "Daily/2026-11-21.md": daily})
    sync(run, vault)
    tick(vault, "Marcus")
    sync(run, vault)
    assert (vault / "Daily/2026-11-21.md").read_text("utf-8") == daily.replace(
        "- [ ] Send [[Marcus]] the answers 📅 2026-11-26", "- [x] Send [[Marcus]] the answers 📅 2026-11-26 ✅ 2026-11-22")
    assert (vault / "People/Marcus.md").read_text("utf-8") == "---\nmet: 2024-01-01\n---\n"
    assert not listed(vault, "Marcus")


def test_a_task_the_line_did_not_show_stays_open(make_vault: Callable[..., Path], run: Callable[..., Result]) -> None:
    vault = make_vault({"People/Ann.md": "---\nbirthday: 11-25\n---\n"})
    sync(run, vault)
    tick(vault, "Ann")
    (vault / "People/Ann.md").write_text("---\nbirthday: 11-25\n---\n- [ ] call about the flat 📅 2026-11-23\n", "utf-8")
    sync(run, vault)  # the birthday is recorded; the task added after the line was shown is not done
    assert (vault / "People/Ann.md").read_text("utf-8") == (
        "---\nbirthday: 11-25\nlast_touch: 2026-11-22\nbirthday_done: 2026-11-25\n---\n"
        "- [ ] call about the flat 📅 2026-11-23\n\n## Log\n\n- 2026-11-22 — birthday wishes\n")


def test_a_recurring_task_is_logged_not_completed(make_vault: Callable[..., Path], run: Callable[..., Result]) -> None:
    text = "---\nmet: 2024-01-01\n---\n- [ ] water the plants 🔁 every week 📅 2026-11-22\n"
    vault = make_vault({"People/Ann.md": text})
    sync(run, vault)
    tick(vault, "Ann")
    sync(run, vault)
    assert (vault / "People/Ann.md").read_text("utf-8") == (
        text.replace("met: 2024-01-01", "met: 2024-01-01\nlast_touch: 2026-11-22")
        + "\n## Log\n\n- 2026-11-22 — water the plants 🔁 every week\n")


def test_an_occasion_is_done_for_this_year_only(make_vault: Callable[..., Path], run: Callable[..., Result],
                                                due_json: Callable[..., dict[str, Any]]) -> None:
    vault = make_vault({"People/Ann.md": "---\nbirthday: 1990-11-25\n---\n# Ann\n"})
    sync(run, vault)
    tick(vault, "Ann")
    sync(run, vault)
    assert (vault / "People/Ann.md").read_text("utf-8") == (
        "---\nbirthday: 1990-11-25\nlast_touch: 2026-11-22\nbirthday_done: 2026-11-25\n---\n# Ann\n"
        "\n## Log\n\n- 2026-11-22 — birthday wishes (turns 36)\n")
    assert not listed(vault, "Ann")
    assert due_json(vault, today="2026-11-25")["reminders"] == []
    assert [r["kind"] for r in due_json(vault, today="2027-11-20")["reminders"]] == ["occasion"]


@pytest.mark.parametrize("fm, said", [
    ("met: 2026-11-20\nhow_met: \"[[Platform Day Berlin]] #give\"", "followed up after Platform Day Berlin give"),
    ("met: 2026-11-20", "followed up after meeting on 20 Nov"),
    ("met: 2026-11-05\nhow_met: KubeCon", "followed up after KubeCon"),  # a missed follow-up
    ("tier: B\nlast_touch: 2026-10-01", "caught up (every month)"),
    ("tier: C", "got in touch for the first time"),
])
def test_the_log_line_says_what_was_done(make_vault: Callable[..., Path], run: Callable[..., Result],
                                         fm: str, said: str) -> None:
    vault = make_vault({"People/Ann.md": f"---\n{fm}\n---\n"})
    sync(run, vault)
    tick(vault, "Ann")
    sync(run, vault)
    text = (vault / "People/Ann.md").read_text("utf-8")
    assert text.endswith(f"\n## Log\n\n- 2026-11-22 — {said}\n"), text
    assert not listed(vault, "Ann")


def test_the_last_time_context_is_what_the_tick_said(make_vault: Callable[..., Path], run: Callable[..., Result]) -> None:
    vault = make_vault({"People/Ann.md": "---\nmet: 2026-11-20\nhow_met: Platform Day Berlin\ntier: A\n---\n"})
    sync(run, vault)
    tick(vault, "Ann")
    sync(run, vault)
    sync(run, vault, today="2026-12-07")
    assert "“followed up after Platform Day…”" in (vault / DASH).read_text("utf-8")


# -- the surgical completion, as a unit ----------------------------------------------------------

DAY = date(2026, 11, 22)


@pytest.mark.parametrize("before, after", [
    ("- [ ] call 📅 2026-11-24\n", "- [x] call 📅 2026-11-24 ✅ 2026-11-22\n"),
    ("\ufeff- [ ] call 📅 2026-11-24  \r\n", "\ufeff- [x] call 📅 2026-11-24 ✅ 2026-11-22  \r\n"),
    ("  * [ ] call 📅 2026-11-24 ^id-1\n", "  * [x] call 📅 2026-11-24 ✅ 2026-11-22 ^id-1\n"),
    ("1. [ ] call 📅 2026-11-24\n", "1. [x] call 📅 2026-11-24 ✅ 2026-11-22\n"),
])
def test_complete_task_changes_that_line_only(before: str, after: str) -> None:
    bom = "\ufeff" if before.startswith("\ufeff") else ""
    data = f"{bom}---\na: 1\n---\nintro\n{before.lstrip(chr(0xfeff))}- [ ] other 📅 2026-11-24\n"
    text = " ".join(before.split()[3:])  # the task's text, after its marker and box
    done = complete_task(data.encode("utf-8"), 5, text, DAY)
    assert done.decode("utf-8") == data.replace(before.lstrip("\ufeff"), after.lstrip("\ufeff"))


TASKS = "---\na: 1\n---\nintro\n- [ ] call 📅 2026-11-24\n- [x] call 📅 2026-11-24\n".encode()


@pytest.mark.parametrize("line, text", [(5, "call bob 📅 2026-11-24"), (5, "call"), (4, "call 📅 2026-11-24"),
                                        (6, "call 📅 2026-11-24"), (9, "call 📅 2026-11-24"), (2, "a: 1")])
def test_complete_task_refuses_a_line_that_is_not_that_open_task(line: int, text: str) -> None:
    assert complete_task(TASKS, 5, "call 📅 2026-11-24", DAY) != TASKS
    with pytest.raises(NotEditableError):
        complete_task(TASKS, line, text, DAY)


def test_complete_task_finds_a_task_whose_text_wraps() -> None:
    data = "- [ ] call bob\n  about the flat 📅 2026-11-24\n".encode()
    assert complete_task(data, 1, "call bob about the flat 📅 2026-11-24", DAY) == (
        "- [x] call bob ✅ 2026-11-22\n  about the flat 📅 2026-11-24\n".encode())


def test_a_tick_logs_in_the_vaults_language(make_vault: Callable[..., Path], run: Callable[..., Result]) -> None:
    """In a Russian vault the line was shown in Russian, and the log line says what was done in Russian,
    under the note's own log heading."""
    note = "---\nуровень: B\nпоследний контакт: 2026-10-02\nдень рождения: 1986-11-24\n---\n## Лог\n"
    vault = make_vault({".vaultcrm/config.toml": 'language = "ru"\n', "People/Дана.md": note})
    sync(run, vault)
    tick(vault, "Дана")
    sync(run, vault)
    assert (vault / "People/Дана.md").read_text("utf-8") == (
        "---\nуровень: B\nпоследний контакт: 2026-11-22\nдень рождения: 1986-11-24\nbirthday_done: 2026-11-24\n---\n"
        "## Лог\n\n- 2026-11-22 — были на связи (каждый месяц); поздравили с 40-летием\n")
    assert not listed(vault, "Дана")
