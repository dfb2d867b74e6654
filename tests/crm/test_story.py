"""`vaultcrm show NAME` (behaviour §12.2): a person's whole story, as text and as JSON, found by name
as `touch` finds it; golden files of the example vault.

Regenerate the golden files after an intended change with

    VAULTCRM_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/crm/test_story.py

and read their diff like code.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import check_golden
from tests.dashboard.test_golden import EXAMPLE, copy_example

GOLDEN = Path(__file__).resolve().parent / "golden"

VAULT = {
    "People/Ann Lee.md": "---\nName: Ann Lee\ntier: B\nCompany: \"[[Acme]]\"\nprevious_company: [Initech, \"[[Hooli]]\"]\n"
                         "stage: Partner\nmet: 2026-09-01\nintroduced_by: \"[[Bob Roe]]\"\naliases: [Annie]\n---\n"
                         "# Ann\n\n## Log\n- 2026-11-02 — coffee, she'll intro me to Acme's SRE lead #ask\n"
                         "- [ ] send her the deck 📅 2026-11-30\n",
    "People/Bob Roe.md": "---\ntier: A\nlast_contact: 2026-11-20\n---\n",
    "People/Cy Doe.md": "---\nintroduced_by: Ann Lee\n---\n",
    "Daily/2026-11-10.md": "- lunch with [[Ann Lee]] #give\n",
    "Meetings/2026-11-12 Sync.md": "---\ndate: 2026-11-12\nattendees: [\"[[Ann Lee]]\"]\n---\n",
}


def test_show_lists_the_whole_story(make_vault, run):
    result = run(make_vault(VAULT), "show", "annie", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["name"], data["note"], data["tier"], data["cadence"], data["stage"], data["company"],
            data["former_companies"]) == ("Ann Lee", "People/Ann Lee.md", "B", "tier B, every month", "partnership",
                                          ["Acme"], ["Initech", "Hooli"])
    assert list(data["properties"]) == ["Name", "tier", "Company", "previous_company", "stage", "met", "introduced_by",
                                        "aliases"]
    assert data["properties"]["met"] == "2026-09-01" and data["properties"]["Company"] == "[[Acme]]"
    assert [(t["day"], t["note"], t["source"], t["text"]) for t in data["touches"]] == [
        ("2026-11-12", "Meetings/2026-11-12 Sync.md", "meeting", None),
        ("2026-11-10", "Daily/2026-11-10.md", "daily", "lunch with [[Ann Lee]] #give"),
        ("2026-11-02", "People/Ann Lee.md", "line", "2026-11-02 — coffee, she'll intro me to Acme's SRE lead #ask"),
        ("2026-09-01", "People/Ann Lee.md", "field", None)]
    assert (data["touch_count"], data["gives"], data["asks"], data["last_touch"]) == (4, 1, 1, "2026-11-12")
    assert data["plans"] == [{"day": "2026-11-30", "note": "People/Ann Lee.md", "line": 15,
                              "text": "send her the deck 📅 2026-11-30"}]
    assert [(r["kind"], r["due"]) for r in data["reminders"]] == [("planned", "2026-11-30"), ("cadence", "2026-12-12")]
    assert data["introduced_by"] == [{"name": "Bob Roe", "note": "People/Bob Roe.md"}]
    assert data["introduced"] == [{"name": "Cy Doe", "note": "People/Cy Doe.md"}]


def test_show_of_an_inactive_contact(make_vault, run):
    vault = make_vault({**VAULT, "People/Old Pal.md": "---\nstatus: archived\ntier: A\nintroduced_by: Ann Lee\n---\n"})
    result = run(vault, "show", "Old Pal")
    assert result.stdout.startswith("Old Pal — People/Old Pal.md (inactive)\ntier A · no cadence\n")
    assert "Reminders\n  (none)\n" in result.stdout and "introduced by: Ann Lee ← Bob Roe\n" in result.stdout
    # an inactive contact is no introduction of Ann's
    assert json.loads(run(vault, "show", "Ann Lee", "--json").stdout)["introduced"] == [
        {"name": "Cy Doe", "note": "People/Cy Doe.md"}]


def test_show_names_its_signals(make_vault, run):
    vault = make_vault({**VAULT, ".vaultcrm/config.toml": "ask_after_touches = 4\n"})
    data = json.loads(run(vault, "show", "Ann Lee", "--json").stdout)
    assert data["signals"] == ["ready to ask"]


@pytest.mark.parametrize("query", ["Lee, Ann", "Dr. ann lee", "People/Ann Lee", "ann"])
def test_show_finds_the_person_as_touch_does(make_vault, run, query):
    result = run(make_vault(VAULT), "show", query)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Ann Lee — People/Ann Lee.md\n")


def test_show_of_nobody_or_several_is_exit_6(make_vault, run):
    vault = make_vault({**VAULT, "People/Ann Roe.md": "# Ann\n"})
    several = run(vault, "show", "Ann")
    assert several.exit_code == 6 and several.stderr.startswith('Error: "Ann" matches 2 contacts')
    nobody = run(vault, "show", "Anne Leigh")
    assert nobody.exit_code == 6 and 'did you mean "Ann Lee"' in nobody.stderr
    assert len(several.stderr.splitlines()) == len(nobody.stderr.splitlines()) == 1


def test_show_of_a_contact_kept_in_inline_fields_and_russian(make_vault, run):
    """Inline fields are properties (§2), shown with their keys as written after the property block;
    a dated line's date, written day-first or with a month name (§3 T2), is left out of its text."""
    vault = make_vault({"People/Ира Волкова.md": "---\ntags: [person]\n---\nУровень:: B\n**Компания::** [[Acme]]\n"
                                                 "Должность:: SRE\nБывшие компании:: [[Яндекс]]\n\n## Лог\n"
                                                 "- 12.10.2026 — кофе #ask\n- 3 ноября 2026 — обед #intro\n"})
    result = run(vault, "show", "Ира Волкова", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["properties"] == {"tags": ["person"], "Уровень": "B", "Компания": "[[Acme]]", "Должность": "SRE",
                                  "Бывшие компании": "[[Яндекс]]"}
    assert (data["tier"], data["company"], data["role"], data["former_companies"]) == ("B", ["Acme"], "SRE", ["Яндекс"])
    assert [(t["day"], t["tags"]) for t in data["touches"]] == [("2026-11-03", ["intro"]), ("2026-10-12", ["ask"])]
    text = run(vault, "show", "Ира Волкова").stdout
    assert "People/Ира Волкова.md:11  обед #intro\n" in text and "People/Ира Волкова.md:10  кофе #ask\n" in text
    assert "  Компания: [[Acme]]\n" in text


@pytest.mark.parametrize(("name", "file"), [("Sarah Chen", "show-sarah-chen"), ("Ben Carter", "show-ben-carter")])
def test_show_on_the_example_vault_matches_golden(tmp_path, run, name, file):
    example = copy_example(EXAMPLE, tmp_path / "example-vault")
    text = run(example, "show", name, today="2026-11-22")
    assert text.exit_code == 0, text.output
    check_golden(GOLDEN / f"{file}.txt", text.stdout)
    data = run(example, "show", name, "--json", today="2026-11-22")
    check_golden(GOLDEN / f"{file}.json", data.stdout)
