"""Nothing skipped in silence (behaviour §2, §7): a last-touch-like property that no field reads is
a problem saying what to write; a body-only `#person` tag that makes no contact is a hint."""
from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vaultcrm.crm.contacts import looks_like_last_touch


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


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="lastcontacedmiruoпоследнийктаx_2 ", max_size=24),
       st.lists(st.text(alphabet="lastcontacedmiruoпоследнийктаx_", max_size=20), min_size=1, max_size=6))
def test_a_near_spelling_is_difflibs(key: str, keys: list[str]) -> None:
    """Keys no last-touch key is near in length are passed over without difflib: the answer is the
    one difflib gives every key."""
    import difflib

    close = difflib.get_close_matches(key, keys, n=1, cutoff=0.85)
    prefixed = [k for k in sorted(keys, key=len, reverse=True) if len(k) >= 6 and key.startswith(k)]
    assert looks_like_last_touch(key, tuple(keys)) == (prefixed[0] if prefixed else close[0] if close else None)


def test_a_key_far_from_every_last_touch_key_loads_no_difflib() -> None:
    """`tags`, `aliases` and the like, in nearly every contact, are not compared letter by letter."""
    code = ("import sys; from vaultcrm.crm.contacts import looks_like_last_touch; "
            "print(looks_like_last_touch('tags', ('last_contact', 'last_contacted')), 'difflib' in sys.modules, "
            "looks_like_last_touch('lastcontcat', ('lastcontact',)), 'difflib' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "None False lastcontact True"
