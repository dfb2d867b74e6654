"""`vaultcrm who` (behaviour §12.1): people at a company now and formerly, by text and link values,
their warmth, the chains of introductions, connectors, and the next step; through the real CLI."""
from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

# Today 2026-11-22; warm = touched within 90 days (on or after 2026-08-24).
VAULT = {
    "People/Ann Able.md": "---\ncompany: \"[[Companies/Globex|Globex Corp]]\"\nrole: SRE\nstage: Доверие\n"
                          "last_contact: 2026-11-01\nintroduced_by: \"[[Bob Boss]]\"\ntags: [person, sre]\n"
                          "how_met: KubeCon hallway\n---\n",
    "People/Bob Boss.md": "---\ncompany: Initech\nprevious_company: GLOBEX\nlast_contact: 2026-10-01\n"
                          "introduced_by: \"[[People/Cat Chief.md|Cat]]\"\n---\n",
    "People/Cat Chief.md": "---\ncompany: Hooli\nlast_contact: 2026-11-20\n---\n",
    "People/Dan Dormant.md": "---\norganization: globex\nlast_contact: 2025-01-01\nintroduced_by: Ann Able\n---\n",
    "People/Eve Ex.md": "---\nformer_companies: [\"[[Glóbex.md]]\", Initech]\nlast_contact: 2026-06-01\n"
                        "tags: [person, sre/oncall]\nhow_met: kubecon 2024\n---\n",
    "People/Fay Far.md": "---\ncompany: Umbrella\nlast_contact: 2025-05-01\nintroduced_by: \"[[Cat Chief]]\"\n---\n",
    "People/Zed Archived.md": "---\ncompany: Globex\nstatus: archived\nlast_contact: 2026-11-20\n---\n",
    "Companies/Globex.md": "# Globex\n",
}


def who(run: Callable[..., Result], vault: Path, *args: str) -> dict[str, Any]:
    result = run(vault, "who", *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def names(people: list[dict[str, Any]]) -> list[str]:
    return [p["name"] for p in people]


def test_current_and_former_employees_by_text_and_link_values(make_vault, run):
    (globex,) = who(run, make_vault(VAULT), "globex")["companies"]
    # Ann by a link with a path and an alias, Dan by text in another case; Bob by a synonym, Eve by a
    # link with an accent and `.md`; Zed is archived
    assert globex["company"] == "globex" and globex["target"] is None
    assert names(globex["now"]) == ["Ann Able", "Dan Dormant"]
    assert names(globex["formerly"]) == ["Bob Boss", "Eve Ex"]
    ann = globex["now"][0]
    assert ann == {"name": "Ann Able", "note": "People/Ann Able.md", "status": "now", "company": "Globex",
                   "role": "SRE", "stage": "trust", "last_touch": "2026-11-01", "evidence": "People/Ann Able.md",
                   "touch_count": 1, "gives": 0, "asks": 0, "warm": True,
                   "introduced_by": [{"name": "Bob Boss", "note": "People/Bob Boss.md"},
                                     {"name": "Cat Chief", "note": "People/Cat Chief.md"}]}
    assert [(p["name"], p["warm"]) for p in globex["formerly"]] == [("Bob Boss", True), ("Eve Ex", False)]
    assert globex["warmest"] == {"name": "Ann Able", "note": "People/Ann Able.md"}
    assert globex["next_step"] == {"kind": "write", "contact": {"name": "Ann Able", "note": "People/Ann Able.md"},
                                   "to": None, "text": "Write to Ann Able: last touch 2026-11-01, 1 touch day"}


def test_an_introduction_chain_of_three(make_vault, run):
    (globex,) = who(run, make_vault(VAULT), "Globex")["companies"]
    dan = globex["now"][1]
    assert [r["name"] for r in dan["introduced_by"]] == ["Ann Able", "Bob Boss", "Cat Chief"]
    # connectors on the way to Globex's people: Cat introduced two (Bob, Fay), then the warmest
    assert [(c["name"], [r["name"] for r in c["introduced"]]) for c in globex["connectors"]] == [
        ("Cat Chief", ["Bob Boss", "Fay Far"]), ("Ann Able", ["Dan Dormant"]), ("Bob Boss", ["Ann Able"])]


def test_a_company_nobody_works_at_asks_the_best_warm_connector(make_vault, run):
    (nobody,) = who(run, make_vault(VAULT), "Tessera Labs")["companies"]
    assert (nobody["now"], nobody["formerly"], nobody["warmest"]) == ([], [], None)
    assert [c["name"] for c in nobody["connectors"]] == ["Cat Chief", "Ann Able", "Bob Boss"]
    assert nobody["next_step"]["kind"] == "intro" and nobody["next_step"]["to"] is None
    assert nobody["next_step"]["text"] == ("Ask Cat Chief for an intro to someone at Tessera Labs: "
                                           "last touch 2026-11-20, 1 touch day")
    (hooli,) = who(run, make_vault(VAULT, name="again"), "Hooli")["companies"]
    assert names(hooli["now"]) == ["Cat Chief"] and hooli["connectors"] == []  # none on the way to Cat


def test_nobody_warm_there_asks_the_connector_on_the_way(make_vault, run):
    (umbrella,) = who(run, make_vault(VAULT), "Umbrella")["companies"]
    assert [(p["name"], p["warm"]) for p in umbrella["now"]] == [("Fay Far", False)]
    assert umbrella["next_step"]["kind"] == "intro"
    assert umbrella["next_step"]["contact"]["name"] == "Cat Chief"
    assert umbrella["next_step"]["to"]["name"] == "Fay Far"


def test_reconnect_when_no_connector_is_warm_and_none_when_nobody_is_known(make_vault, run):
    vault = make_vault({"People/Gus Old.md": "---\ncompany: Vandelay\nlast_contact: 2024-03-01\n---\n",
                        "People/Hal Old.md": "---\nintroduced_by: \"[[Gus Old]]\"\n---\n"})
    (vandelay,) = who(run, vault, "Vandelay")["companies"]
    assert vandelay["next_step"]["kind"] == "reconnect"
    assert vandelay["next_step"]["text"] == ("Reconnect with Gus Old: nobody at Vandelay is warm "
                                             "(last touch 2024-03-01, 1 touch day)")
    (acme,) = who(run, vault, "Acme")["companies"]
    assert acme["next_step"] == {"kind": "none", "contact": None, "to": None,
                                 "text": "Nobody you know is at Acme yet, and no connector is warm"}


def test_the_warmest_has_asked_more_than_given(make_vault, run):
    vault = make_vault({"People/Ivy Ask.md": "---\ncompany: Acme\n---\n- 2026-11-10 — asked for a referral #ask\n"})
    (acme,) = who(run, vault, "Acme")["companies"]
    assert acme["next_step"]["text"] == "Write to Ivy Ask: last touch 2026-11-10, 1 touch day; 1 ask to 0 gives: give first"


def test_warm_within_is_a_setting(make_vault, run):
    vault = make_vault({**VAULT, ".vaultcrm/config.toml": 'warm_within = "2w"\n'})
    (globex,) = who(run, vault, "Globex")["companies"]
    assert [(p["name"], p["warm"]) for p in [*globex["now"], *globex["formerly"]]] == [
        ("Ann Able", False), ("Dan Dormant", False), ("Bob Boss", False), ("Eve Ex", False)]
    assert globex["next_step"]["text"].startswith("Ask Cat Chief for an intro to Ann Able at Globex")


def test_filters_by_tag_and_how_met(make_vault, run):
    vault = make_vault(VAULT)
    data = who(run, vault, "--tag", "#SRE")
    assert data["companies"] == [] and names(data["people"]) == ["Ann Able", "Eve Ex"]
    assert data["people"][1]["status"] is None and data["people"][1]["company"] is None
    assert [c["name"] for c in data["connectors"]] == ["Cat Chief", "Bob Boss"]
    assert names(who(run, vault, "--how-met", "KUBECON")["people"]) == ["Ann Able", "Eve Ex"]
    assert names(who(run, vault, "--tag", "sre", "--how-met", "hallway")["people"]) == ["Ann Able"]
    (globex,) = who(run, vault, "Globex", "--tag", "sre")["companies"]
    assert (names(globex["now"]), names(globex["formerly"])) == (["Ann Able"], ["Eve Ex"])


def test_without_a_company_every_target_in_order(make_vault, run):
    vault = make_vault({**VAULT, ".vaultcrm/config.toml":
                        'targets = ["Hooli", {company = "GLOBEX", role = "Staff SRE", note = "via Ann"}]\n'})
    data = who(run, vault)
    assert [(c["company"], c["target"]) for c in data["companies"]] == [
        ("Hooli", {"company": "Hooli", "role": None, "note": None}),
        ("GLOBEX", {"company": "GLOBEX", "role": "Staff SRE", "note": "via Ann"})]
    assert [c["next_step"]["contact"]["name"] for c in data["companies"]] == ["Cat Chief", "Ann Able"]
    text = run(vault, "who").stdout
    assert text.splitlines()[0] == "Hooli — target"
    assert "GLOBEX — target · Staff SRE · via Ann\n  now\n    Ann Able · SRE · stage trust · warm: last touch " \
           "2026-11-01 (People/Ann Able.md), 1 touch day, 0 gives / 0 asks · via Bob Boss ← Cat Chief\n" in text


def test_who_the_text_output(make_vault, run):
    result = run(make_vault(VAULT), "who", "Umbrella")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "Umbrella\n"
        "  now\n"
        "    Fay Far · not warm: last touch 2025-05-01 (People/Fay Far.md), 1 touch day, 0 gives / 0 asks"
        " · via Cat Chief\n"
        "  connectors: Cat Chief (introduced Bob Boss, Fay Far)\n"
        "  next step: Ask Cat Chief for an intro to Fay Far at Umbrella: last touch 2026-11-20, 1 touch day\n")


@pytest.mark.parametrize("args", [(), ("  ",)])
def test_who_without_anything_to_ask_is_a_usage_error(make_vault, run, args):
    result = run(make_vault(VAULT), "who", *args)
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: who at which company?") and len(result.stderr.splitlines()) == 1


def test_an_introducer_who_is_no_contact_ends_the_chain(make_vault, run):
    vault = make_vault({"People/Jo.md": "---\ncompany: Acme\nintroduced_by: \"[[Kim]]\"\n---\n",
                        "People/Kim.md": "---\nintroduced_by: Somebody Else\n---\n",
                        "People/Lu.md": "---\ncompany: Acme\nintroduced_by: \"[[Lu]]\"\n---\n"})
    (acme,) = who(run, vault, "Acme")["companies"]
    by = {p["name"]: p["introduced_by"] for p in acme["now"]}
    assert by == {"Jo": [{"name": "Kim", "note": "People/Kim.md"}, {"name": "Somebody Else", "note": None}],
                  "Lu": []}
