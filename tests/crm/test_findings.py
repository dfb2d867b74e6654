"""Nothing skipped in silence (behaviour §2, §7): a last-touch-like property that no field reads is
a problem saying what to write; a body-only `#person` tag that makes no contact is a hint."""
from __future__ import annotations

import pytest


@pytest.mark.parametrize("key, meant", [
    ("last_contacted2", "last_contacted"), ("Last contact date", "last_contact"), ("lastcontcat", "last_contact"),
    ("последний контакт когда", "последний_контакт"), ("Last-Interaction-At", "last_interaction"),
])
def test_last_touch_like_keys_are_problems(make_vault, run, key: str, meant: str) -> None:
    vault = make_vault({"People/Jane.md": f"---\ntier: B\n---\n# Jane\n\n{key}:: 2026-11-01\n"})
    result = run(vault, "check")
    assert result.exit_code == 1
    assert (f"People/Jane.md:6: {key}: this property is not read as the last touch; rename it to {meant} "
            "(or add it to [fields] last_touch in .vaultcrm/config.toml)") in result.stdout


@pytest.mark.parametrize("key", ["last_coffee", "lastname", "email", "company", "last_contact"])
def test_other_keys_are_not(make_vault, run, key: str) -> None:
    vault = make_vault({"People/Jane.md": f"---\ntier: B\n{key}: 2026-11-01\n---\n"})
    assert "not read as the last touch" not in run(vault, "check").stdout


def test_a_key_the_config_reads_is_no_problem(make_vault, run) -> None:
    vault = make_vault({"People/Jane.md": "---\nlast_contact_date: 2026-11-01\n---\n",
                        ".vaultcrm/config.toml": '[fields]\nlast_touch = ["last_contact_date"]\n'})
    assert run(vault, "check").exit_code == 0


def test_body_only_person_tag_is_a_hint(make_vault, run) -> None:
    vault = make_vault({"Notes/Ivan.md": "# Иван\n\nДруг по университету #person\n",
                        "Notes/Code.md": "```\n#person\n```\n`#person` and #personal\n",
                        "People/Anna.md": "#person\n"})
    result = run(vault, "check")
    assert result.exit_code == 0  # a hint is not a problem
    assert result.stdout == ("Notes/Ivan.md:3: this note is tagged as a person in its text, which does not make it "
                             "a contact: add `tags: [person]` to its properties, or move it into a contact folder\n")
    assert "0 problems, 0 suspicious links, 1 hint in 1 contacts" in result.stderr
