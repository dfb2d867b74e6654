"""Black-box tests of write-back: `touch`, `snooze`, `add`, ticked boxes of behaviour §6.3 and
the README's promise that an edit changes only its lines, through the real CLI. Today is 2026-11-22 (conftest).

Every test that expects a refusal also checks that the note's bytes (and, where it matters, its mtime)
are unchanged: a refusal that writes anyway is the worst bug this module can have.
"""
from __future__ import annotations

import os
import stat
from datetime import date
from pathlib import Path
from typing import Any

import pytest

JANE = "People/Jane Doe.md"
JANE_TEXT = "---\ntier: A\nlast_touch: 2026-10-01\n---\n# Jane Doe\n\n## Log\n\n- 2026-10-01 — coffee\n"
BOB = "People/Bob Roe.md"
BOB_TEXT = "---\ntier: A\nlast_touch: 2026-10-05\n---\n# Bob Roe\n"
DASH = "CRM/Due this week.md"


def ok(result: Any, code: int = 0) -> Any:
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    return result


def read(vault: Path, rel: str) -> str:
    return (vault / rel).read_bytes().decode("utf-8")


def snapshot(vault: Path, *rels: str) -> dict[str, tuple[bytes, int]]:
    return {rel: ((vault / rel).read_bytes(), (vault / rel).stat().st_mtime_ns) for rel in rels}


def reminders(data: dict[str, Any], name: str) -> list[dict[str, Any]]:
    return [r for r in data["reminders"] if r["contact"] == name]


def kinds(data: dict[str, Any], name: str) -> set[str]:
    return {r["kind"] for r in reminders(data, name)}


def contact_named(vault: Path, name: str) -> Any:
    """The parsed contact, for fields `due --json` does not show (company, how_met, channel)."""
    from vaultcrm.pipeline import analyse

    found = [c for c in analyse(vault, date(2026, 11, 22)).index.contacts if c.name == name]
    assert len(found) == 1, found
    return found[0]


# ---------------------------------------------------------------------------------------------
# touch: finding the contact
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("query", ["Jane Doe", "jane doe", "People/Jane Doe", "Jane Doe.md"])
def test_touch_by_file_name(make_vault, run, query):
    vault = make_vault({JANE: JANE_TEXT, BOB: BOB_TEXT})
    ok(run(vault, "touch", query))
    assert "last_touch: 2026-11-22\n" in read(vault, JANE)
    assert read(vault, BOB) == BOB_TEXT


def test_touch_by_name_property(make_vault, run):
    vault = make_vault({"People/jd.md": "---\nname: Jane Doe\ntier: A\n---\n"})
    ok(run(vault, "touch", "Jane Doe"))
    assert read(vault, "People/jd.md") == "---\nname: Jane Doe\ntier: A\nlast_touch: 2026-11-22\n---\n\n## Log\n\n- 2026-11-22\n"


def test_touch_by_alias(make_vault, run):
    vault = make_vault({JANE: "---\naliases: [Janie, JD Smith]\n---\n", BOB: BOB_TEXT})
    ok(run(vault, "touch", "janie"))
    assert "last_touch: 2026-11-22" in read(vault, JANE)


@pytest.mark.parametrize("query", ["Petrova, Maria", "Dr. Maria Petrova", "maría petrova", "PETROVA MARIA",
                                   "Prof. Petrova, María"])
def test_touch_forgives_order_honorifics_accents(make_vault, run, query):
    vault = make_vault({"People/Maria Petrova.md": "---\ntier: B\n---\n", JANE: JANE_TEXT})
    ok(run(vault, "touch", query))
    assert "last_touch: 2026-11-22" in read(vault, "People/Maria Petrova.md")
    assert read(vault, JANE) == JANE_TEXT


@pytest.mark.parametrize("query", ["мария петрова", "Петрова, Мария", "алёна", "Алена Смирнова"])
def test_touch_cyrillic_lower_case_and_yo(make_vault, run, query):
    files = {"People/Мария Петрова.md": "---\ntier: B\n---\n", "People/Алёна Смирнова.md": "---\ntier: B\n---\n"}
    vault = make_vault(files)
    ok(run(vault, "touch", query))
    target = "People/Мария Петрова.md" if "мар" in query.lower() else "People/Алёна Смирнова.md"
    other = next(rel for rel in files if rel != target)
    assert "last_touch: 2026-11-22" in read(vault, target)
    assert read(vault, other) == files[other]


def test_touch_ambiguous_lists_both_and_writes_nothing(make_vault, run):
    vault = make_vault({JANE: JANE_TEXT, "Contacts/Jane Doe.md": "---\ntier: B\n---\n"})
    before = snapshot(vault, JANE, "Contacts/Jane Doe.md")
    result = ok(run(vault, "touch", "Jane"), 6)
    assert JANE in result.stderr and "Contacts/Jane Doe.md" in result.stderr
    assert snapshot(vault, JANE, "Contacts/Jane Doe.md") == before


def test_touch_ambiguous_by_alias(make_vault, run):
    vault = make_vault({JANE: "---\naliases: [JD]\n---\n", "People/John Dee.md": "---\naliases: [JD]\n---\n"})
    before = snapshot(vault, JANE, "People/John Dee.md")
    result = ok(run(vault, "touch", "jd"), 6)
    assert JANE in result.stderr and "People/John Dee.md" in result.stderr
    assert snapshot(vault, JANE, "People/John Dee.md") == before


def test_touch_unknown_suggests(make_vault, run):
    vault = make_vault({JANE: JANE_TEXT})
    before = snapshot(vault, JANE)
    result = ok(run(vault, "touch", "Jane Dough"), 6)
    assert "Jane Dough" in result.stderr and '"Jane Doe"' in result.stderr
    assert "Traceback" not in result.output
    assert snapshot(vault, JANE) == before


# ---------------------------------------------------------------------------------------------
# touch: what it writes
# ---------------------------------------------------------------------------------------------

def test_touch_default_today_exact_bytes(make_vault, run):
    vault = make_vault({JANE: JANE_TEXT})
    result = ok(run(vault, "touch", "Jane Doe"))
    assert read(vault, JANE) == JANE_TEXT.replace("2026-10-01\n---", "2026-11-22\n---") + "- 2026-11-22\n"
    assert JANE in result.stdout and "2026-11-22" in result.stdout


@pytest.mark.parametrize("space", ["\u00a0", "\x0c", " \u00a0\t"], ids=["nbsp", "form-feed", "mixed"])
def test_touch_sees_the_property_block_the_reader_sees(make_vault, run, due_json, space):
    """A delimiter followed by odd whitespace: the reader and the edit take it as the same block, and
    the edit stays surgical (the contact keeps its tier)."""
    text = JANE_TEXT.replace("---\n", f"---{space}\n")
    vault = make_vault({JANE: text})
    assert [r["tier"] for r in reminders(due_json(vault), "Jane Doe")] == ["A"]
    ok(run(vault, "touch", "Jane Doe"))
    assert read(vault, JANE) == text.replace("2026-10-01\n---", "2026-11-22\n---") + "- 2026-11-22\n"
    assert "tier: A" not in read(vault, JANE).split(f"---{space}\n", 2)[2]  # no second block pushed it down
    assert reminders(due_json(vault), "Jane Doe") == [] and due_json(vault)["contacts"] == 1


@pytest.mark.parametrize("newline", ["\r", "mixed"])
def test_touch_refuses_old_mac_line_endings_and_leaves_the_note(make_vault, run, due_json, newline):
    text = JANE_TEXT.replace("\n", "\r") if newline == "\r" else JANE_TEXT.replace("coffee\n", "coffee\r- 2026-10-02\n")
    vault = make_vault({JANE: text})
    assert [r["tier"] for r in reminders(due_json(vault), "Jane Doe")] == ["A"]
    before = snapshot(vault, JANE)
    result = ok(run(vault, "touch", "Jane Doe"), 7)
    assert "lone carriage return" in result.stderr and JANE.split("/")[1] in result.stderr
    assert snapshot(vault, JANE) == before


DAILY_DOTS = '{"folder": "Daily", "format": "DD.MM.YYYY"}'


@pytest.mark.parametrize(("daily", "value", "written"), [
    (DAILY_DOTS, '"[[24.10.2026]]"', '"[[22.11.2026]]"'),
    (DAILY_DOTS, "'[[Daily/24.10.2026|a Saturday]]'", "'[[Daily/22.11.2026]]'"),
    (DAILY_DOTS, "[[24.10.2026]]", "[[22.11.2026]]"),
    ('{"folder": "Journal", "format": "YYYY/MMMM/dddd, MMMM D, YYYY"}',
     '"[[Journal/2026/October/Saturday, October 24, 2026]]"', '"[[Journal/2026/November/Sunday, November 22, 2026]]"'),
    (None, '"[[Daily/2026-10-24]]"', '"[[Daily/2026-11-22]]"'),
    (None, "2026-10-24 18:30", "2026-11-22"),
    (None, '"2026-10-24T18:30:00"', '"2026-11-22"'),
    # daily notes named in Russian, or with the weekday; day-first dates without a daily-note format
    ('{"folder": "Журнал", "format": "D MMMM YYYY"}', '"[[Журнал/24 октября 2026]]"', '"[[Журнал/22 ноября 2026]]"'),
    ('{"format": "dddd, D MMMM YYYY"}', '"[[суббота, 24 октября 2026]]"', '"[[воскресенье, 22 ноября 2026]]"'),
    ('{"folder": "Daily", "format": "YYYY-MM-DD dddd"}', '"[[Daily/2026-10-24 Saturday]]"',
     '"[[Daily/2026-11-22 Sunday]]"'),
    (None, '"[[Daily/24.10.2026]]"', '"[[Daily/22.11.2026]]"'),
    (None, "24.10.2026", "22.11.2026"),
])
def test_touch_accepts_every_date_form_the_reader_accepts(make_vault, run, due_json, daily, value, written):
    files = {JANE: f"---\ntier: A\nlast_contact: {value}\n---\n# Jane\n"}
    if daily:
        files[".obsidian/daily-notes.json"] = daily
    vault = make_vault(files)
    assert due_json(vault)["reminders"][0]["last_touch"] == "2026-10-24"
    ok(run(vault, "touch", "Jane Doe"))
    assert read(vault, JANE) == f"---\ntier: A\nlast_contact: {written}\n---\n# Jane\n\n## Log\n\n- 2026-11-22\n"
    assert reminders(due_json(vault), "Jane Doe") == [] and due_json(vault)["problems"] == []


def test_touch_earlier_date_never_rolls_back_but_logs(make_vault, run):
    """Issue: 'sets the field to the later of its value and D — never rolled back — and appends a line'."""
    vault = make_vault({JANE: JANE_TEXT.replace("2026-10-01\n---", "2026-11-20\n---")})
    ok(run(vault, "touch", "Jane Doe", "--date", "2026-11-02", "--note", "lunch"))
    text = read(vault, JANE)
    assert "last_touch: 2026-11-20\n" in text
    assert text.endswith("- 2026-10-01 — coffee\n- 2026-11-02 — lunch\n")


def test_touch_same_date_as_field_still_logs(make_vault, run):
    vault = make_vault({JANE: JANE_TEXT})
    ok(run(vault, "touch", "Jane Doe", "--date", "2026-10-01", "--note", "again"))
    assert read(vault, JANE) == JANE_TEXT + "- 2026-10-01 — again\n"


def test_touch_future_date_is_usage_error(make_vault, run):
    vault = make_vault({JANE: JANE_TEXT})
    before = snapshot(vault, JANE)
    result = ok(run(vault, "touch", "Jane Doe", "--date", "2026-11-23"), 2)
    assert "2026-11-23" in result.stderr
    assert snapshot(vault, JANE) == before


@pytest.mark.parametrize("bad", ["yesterday", "2026-13-01", "22.11.2026"])
def test_touch_bad_date_is_usage_error(make_vault, run, bad):
    vault = make_vault({JANE: JANE_TEXT})
    ok(run(vault, "touch", "Jane Doe", "--date", bad), 2)
    assert read(vault, JANE) == JANE_TEXT


@pytest.mark.parametrize(("args", "line"), [
    (["--note", "Coffee, talked about her move", "--give"], "- 2026-11-22 — Coffee, talked about her move #give"),
    (["--note", "asked   for\tan intro", "--ask", "--channel", "telegram"],
     "- 2026-11-22 — asked for an intro (telegram) #ask"),
    (["--channel", "call"], "- 2026-11-22 — (call)"),
    (["--give"], "- 2026-11-22 — #give"),
])
def test_touch_log_line_options(make_vault, run, args, line):
    vault = make_vault({JANE: JANE_TEXT})
    ok(run(vault, "touch", "Jane Doe", *args))
    assert read(vault, JANE).endswith(f"- 2026-10-01 — coffee\n{line}\n")


def test_touch_give_and_ask_together_refused(make_vault, run):
    vault = make_vault({JANE: JANE_TEXT})
    ok(run(vault, "touch", "Jane Doe", "--give", "--ask"), 2)
    assert read(vault, JANE) == JANE_TEXT


def test_touch_give_counts_in_due(make_vault, run, due_json):
    vault = make_vault({JANE: "---\ntier: A\n---\n"})
    ok(run(vault, "touch", "Jane Doe", "--ask", "--date", "2026-11-01"))
    data = due_json(vault)
    assert data["signals"]["give_first"] == ["Jane Doe"]
    ok(run(vault, "touch", "Jane Doe", "--give", "--date", "2026-11-02"))
    ok(run(vault, "touch", "Jane Doe", "--give", "--date", "2026-11-03"))
    assert due_json(vault)["signals"]["give_first"] == []


@pytest.mark.parametrize("spelling", ["Last Contact", "last-contact", "lastContact", "prm-last-contacted"])
def test_touch_keeps_existing_key_spelling(make_vault, run, spelling):
    text = f"---\ntier: A\n{spelling}: 2026-10-01 # from my old CRM\nstatus: active\n---\nbody\n"
    vault = make_vault({JANE: text})
    ok(run(vault, "touch", "Jane Doe"))
    assert read(vault, JANE) == text.replace("2026-10-01", "2026-11-22") + "\n## Log\n\n- 2026-11-22\n"


def test_touch_keeps_quotes_links_crlf_and_bom(make_vault, run):
    text = ("\ufeff---\r\ntier: A\r\nlast_contact: \"[[2026-10-01]]\"\r\n# a comment\r\ntags: [person]\r\n---\r\n"
            "# Jane\r\n\r\n## Log\r\n- 2026-10-01 — coffee\r\n\r\n## Other\r\nkeep\r\n")
    vault = make_vault({JANE: text.encode("utf-8")})
    ok(run(vault, "touch", "Jane Doe", "--note", "tea"))
    assert (vault / JANE).read_bytes() == text.replace("[[2026-10-01]]", "[[2026-11-22]]").replace(
        "coffee\r\n", "coffee\r\n- 2026-11-22 — tea\r\n").encode("utf-8")


def test_touch_inserts_last_touch_when_missing(make_vault, run):
    vault = make_vault({JANE: "---\ntier: A\n---\n# Jane\n"})
    ok(run(vault, "touch", "Jane Doe", "--note", "hi"))
    assert read(vault, JANE) == "---\ntier: A\nlast_touch: 2026-11-22\n---\n# Jane\n\n## Log\n\n- 2026-11-22 — hi\n"


def test_touch_note_without_frontmatter(make_vault, run):
    vault = make_vault({JANE: "# Jane\nsome text"})
    ok(run(vault, "touch", "Jane Doe"))
    assert read(vault, JANE) == "---\nlast_touch: 2026-11-22\n---\n# Jane\nsome text\n\n## Log\n\n- 2026-11-22\n"


def test_touch_config_extra_last_touch_key(make_vault, run):
    vault = make_vault({JANE: "---\ntier: A\nlast_coffee: 2026-10-01\n---\n",
                        ".vaultcrm/config.toml": '[fields]\nlast_touch = ["last_coffee"]\n'})
    ok(run(vault, "touch", "Jane Doe"))
    assert read(vault, JANE).startswith("---\ntier: A\nlast_coffee: 2026-11-22\n---\n")


def test_touch_config_extra_key_loses_to_builtin_synonym(make_vault, run):
    """Priority order: canonical, built-in synonyms, then [fields]; the highest present key is edited."""
    vault = make_vault({JANE: "---\nlast_coffee: 2026-10-01\nlast_contact: 2026-09-01\n---\n",
                        ".vaultcrm/config.toml": '[fields]\nlast_touch = ["last_coffee"]\n'})
    ok(run(vault, "touch", "Jane Doe"))
    assert read(vault, JANE).startswith("---\nlast_coffee: 2026-10-01\nlast_contact: 2026-11-22\n---\n")


def test_touch_log_heading_config(make_vault, run):
    text = "---\ntier: A\n---\n# Jane\n\n### interactions\n- 2026-10-01 — coffee\n\n## Notes\nlikes tea\n"
    vault = make_vault({JANE: text, ".vaultcrm/config.toml": 'log_heading = "Interactions"\n'})
    ok(run(vault, "touch", "Jane Doe", "--note", "call"))
    assert read(vault, JANE).endswith("### interactions\n- 2026-10-01 — coffee\n- 2026-11-22 — call\n\n"
                                      "## Notes\nlikes tea\n")


def test_touch_log_heading_config_added_when_missing(make_vault, run):
    vault = make_vault({JANE: "---\ntier: A\n---\n# Jane\n\n## Log\n",
                        ".vaultcrm/config.toml": 'log_heading = "Timeline"\n'})
    ok(run(vault, "touch", "Jane Doe"))
    assert read(vault, JANE).endswith("## Log\n\n## Timeline\n\n- 2026-11-22\n")


def test_touch_log_heading_in_code_block_ignored(make_vault, run):
    text = "---\ntier: A\n---\n```\n## Log\n```\n"
    vault = make_vault({JANE: text})
    ok(run(vault, "touch", "Jane Doe"))
    assert read(vault, JANE).endswith("```\n## Log\n```\n\n## Log\n\n- 2026-11-22\n")


def test_touch_then_due_shows_it(make_vault, run, due_json):
    vault = make_vault({JANE: JANE_TEXT, BOB: BOB_TEXT})
    assert kinds(due_json(vault), "Jane Doe") == {"cadence"}
    ok(run(vault, "touch", "Jane Doe"))
    data = due_json(vault)
    assert reminders(data, "Jane Doe") == []
    assert kinds(data, "Bob Roe") == {"cadence"}


def test_touch_keeps_mode_bits(make_vault, run):
    vault = make_vault({JANE: JANE_TEXT})
    os.chmod(vault / JANE, 0o640)
    ok(run(vault, "touch", "Jane Doe"))
    assert stat.S_IMODE((vault / JANE).stat().st_mode) == 0o640
    assert not [p for p in (vault / "People").iterdir() if p.name.startswith(".")]


def identity(vault: Path, rel: str) -> tuple[bytes, int, int, int, int, int]:
    st = (vault / rel).stat()
    return (vault / rel).read_bytes(), st.st_mode, st.st_ino, st.st_mtime_ns, st.st_uid, st.st_gid


def test_touch_leaves_a_read_only_note_alone(make_vault, run):
    vault = make_vault({JANE: JANE_TEXT})
    os.chmod(vault / JANE, 0o444)
    before = identity(vault, JANE)
    result = ok(run(vault, "touch", "Jane Doe"), 7)
    assert "Jane Doe.md" in result.stderr and "read-only" in result.stderr and "chmod u+w" in result.stderr
    assert identity(vault, JANE) == before
    os.chmod(vault / JANE, 0o644)
    ok(run(vault, "touch", "Jane Doe"))


def test_a_tick_for_a_read_only_note_keeps_the_tick(make_vault, run):
    vault = make_vault({JANE: JANE_TEXT})
    ok(run(vault, "sync"))
    ticked = tick(vault, "Jane Doe")
    os.chmod(vault / JANE, 0o444)
    before = identity(vault, JANE)
    ok(run(vault, "sync"), 7)
    assert identity(vault, JANE) == before and (vault / DASH).read_bytes() == ticked


def test_a_read_only_dashboard_is_left_alone(make_vault, run):
    vault = make_vault({JANE: JANE_TEXT})
    ok(run(vault, "sync"))
    os.chmod(vault / DASH, 0o444)
    (vault / BOB).write_text(BOB_TEXT)
    before = identity(vault, DASH)
    result = ok(run(vault, "sync"), 5)
    assert "read-only" in result.stderr and identity(vault, DASH) == before


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file to another user")
def test_touch_as_root_keeps_the_notes_owner(make_vault, run):
    import pwd

    nobody = pwd.getpwnam("nobody")
    vault = make_vault({JANE: JANE_TEXT})
    os.chown(vault / JANE, nobody.pw_uid, nobody.pw_gid)
    ok(run(vault, "touch", "Jane Doe"))
    st = (vault / JANE).stat()
    assert (st.st_uid, st.st_gid) == (nobody.pw_uid, nobody.pw_gid)
    assert read(vault, JANE).endswith("- 2026-11-22\n")


def test_unprivileged_touch_refuses_a_read_only_note_and_one_it_cannot_give_back(unprivileged):
    vault = unprivileged.vault({JANE: JANE_TEXT, BOB: BOB_TEXT})
    os.chmod(vault / JANE, 0o444)
    before = identity(vault, JANE)
    result = unprivileged.run(vault, "touch", "Jane Doe")
    assert result.returncode == 7 and "read-only" in result.stderr, result.stderr
    assert identity(vault, JANE) == before
    if os.geteuid() != 0:
        return  # only root can make a note that belongs to someone else
    os.chown(vault / BOB, 0, 0)
    os.chmod(vault / BOB, 0o666)  # anyone may write it, but a new file would not be root's
    before = identity(vault, BOB)
    result = unprivileged.run(vault, "touch", "Bob Roe")
    assert result.returncode == 7 and "belongs to user 0" in result.stderr, result.stderr
    assert identity(vault, BOB) == before and not [p for p in (vault / "People").iterdir() if p.name.startswith(".")]


def test_touch_dry_run_shows_diff_writes_nothing(make_vault, run):
    vault = make_vault({JANE: JANE_TEXT})
    before = snapshot(vault, JANE)
    result = ok(run(vault, "touch", "Jane Doe", "--note", "tea", "--dry-run"))
    assert "-last_touch: 2026-10-01" in result.stdout
    assert "+last_touch: 2026-11-22" in result.stdout
    assert "+- 2026-11-22 — tea" in result.stdout
    assert snapshot(vault, JANE) == before
    assert sorted(p.name for p in (vault / "People").iterdir()) == ["Jane Doe.md"]


def test_touch_nothing_to_change_keeps_mtime(make_vault, run):
    vault = make_vault({JANE: JANE_TEXT})
    ok(run(vault, "touch", "Jane Doe", "--date", "2026-10-01", "--note", "coffee"))
    before = snapshot(vault, JANE)
    assert before[JANE][0].decode() == JANE_TEXT  # the same line is not added twice
    result = ok(run(vault, "touch", "Jane Doe", "--date", "2026-10-01", "--note", "coffee"))
    assert "nothing to change" in result.output
    assert snapshot(vault, JANE) == before


# ---------------------------------------------------------------------------------------------
# touch: refusals (exit 7, bytes identical)
# ---------------------------------------------------------------------------------------------

REFUSED = {
    "broken_yaml": "---\ntier: [A\nlast_touch: 2026-10-01\n---\n",
    "duplicate_key": "---\ntier: A\nlast_touch: 2026-10-01\nlast_touch: 2026-10-02\n---\n",
    "block_scalar": "---\ntier: A\nlast_touch: |\n  2026-10-01\n---\n",
    "anchor_alias": "---\nmet: &d 2026-10-01\nlast_touch: *d\n---\n",
    "not_a_date": "---\ntier: A\nlast_touch: sometime in october\n---\n",
    "unclosed": "---\ntier: A\nlast_touch: 2026-10-01\n",
    "flow_mapping": "---\n{tier: A, last_touch: 2026-10-01}\n---\n",
    "multi_line_value": "---\ntier: A\nlast_touch:\n  2026-10-01\n---\n",
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_touch_refuses_unsafe_note(make_vault, run, case):
    vault = make_vault({JANE: REFUSED[case]})
    before = snapshot(vault, JANE)
    result = ok(run(vault, "touch", "Jane Doe"), 7)
    assert "Jane Doe.md" in result.stderr and "nothing was written" in result.stderr
    assert "Traceback" not in result.output
    assert snapshot(vault, JANE) == before
    assert sorted(p.name for p in (vault / "People").iterdir()) == ["Jane Doe.md"]


def test_touch_refuses_hard_linked_note(make_vault, run, tmp_path):
    vault = make_vault({JANE: JANE_TEXT})
    os.link(vault / JANE, tmp_path / "elsewhere.md")
    before = snapshot(vault, JANE)
    result = ok(run(vault, "touch", "Jane Doe"), 7)
    assert "hard link" in result.stderr
    assert snapshot(vault, JANE) == before


def test_touch_refuses_with_sync_conflict_copy(make_vault, run):
    conflict = "People/Jane Doe.sync-conflict-20261120-101010-ABCDEFG.md"
    vault = make_vault({JANE: JANE_TEXT, conflict: JANE_TEXT + "- 2026-11-20 — other device\n"})
    before = snapshot(vault, JANE, conflict)
    result = ok(run(vault, "touch", "Jane Doe"), 7)
    assert "sync-conflict" in result.stderr
    assert snapshot(vault, JANE, conflict) == before


# ---------------------------------------------------------------------------------------------
# snooze
# ---------------------------------------------------------------------------------------------

def test_snooze_until_silences_cadence(make_vault, run, due_json):
    vault = make_vault({JANE: JANE_TEXT, BOB: BOB_TEXT})
    ok(run(vault, "snooze", "Jane Doe", "--until", "2026-12-01"))
    assert read(vault, JANE) == JANE_TEXT.replace("---\n# Jane", "snooze_until: 2026-12-01\n---\n# Jane")
    data = due_json(vault)
    assert reminders(data, "Jane Doe") == []
    assert kinds(data, "Bob Roe") == {"cadence"}


def test_snooze_for_two_weeks(make_vault, run):
    vault = make_vault({JANE: JANE_TEXT})
    ok(run(vault, "snooze", "jane", "--for", "2w"))
    assert "snooze_until: 2026-12-06\n" in read(vault, JANE)


def test_snooze_keeps_existing_key_and_can_move_earlier(make_vault, run):
    vault = make_vault({JANE: "---\ntier: A\nSnoozed Until: '2027-01-10'\n---\n"})
    ok(run(vault, "snooze", "Jane Doe", "--until", "2026-12-01"))
    assert read(vault, JANE) == "---\ntier: A\nSnoozed Until: '2026-12-01'\n---\n"


def test_snooze_clear(make_vault, run, due_json):
    vault = make_vault({JANE: JANE_TEXT.replace("---\n# Jane", "snooze: 2027-01-01\n---\n# Jane")})
    assert reminders(due_json(vault), "Jane Doe") == []
    ok(run(vault, "snooze", "Jane Doe", "--clear"))
    assert read(vault, JANE) == JANE_TEXT
    assert kinds(due_json(vault), "Jane Doe") == {"cadence"}


def test_snooze_clear_without_snooze_changes_nothing(make_vault, run):
    vault = make_vault({JANE: JANE_TEXT})
    before = snapshot(vault, JANE)
    ok(run(vault, "snooze", "Jane Doe", "--clear"))
    assert snapshot(vault, JANE) == before


@pytest.mark.parametrize("args", [[], ["--until", "2026-12-01", "--for", "2w"], ["--for", "2w", "--clear"],
                                  ["--until", "2026-12-01", "--clear"], ["--for", "soon"],
                                  ["--until", "next week"]])
def test_snooze_needs_exactly_one_valid_option(make_vault, run, args):
    vault = make_vault({JANE: JANE_TEXT})
    before = snapshot(vault, JANE)
    ok(run(vault, "snooze", "Jane Doe", *args), 2)
    assert snapshot(vault, JANE) == before


@pytest.mark.parametrize("until", ["2026-11-21", "2026-11-22", "2020-01-01"])
def test_snooze_until_a_day_that_is_not_in_the_future_is_a_usage_error(make_vault, run, until):
    vault = make_vault({JANE: JANE_TEXT})
    before = snapshot(vault, JANE)
    result = ok(run(vault, "snooze", "Jane Doe", "--until", until), 2)
    assert f"--until {until} is not after today (2026-11-22)" in result.stderr
    assert snapshot(vault, JANE) == before


def test_snooze_dry_run(make_vault, run):
    vault = make_vault({JANE: JANE_TEXT})
    before = snapshot(vault, JANE)
    result = ok(run(vault, "snooze", "Jane Doe", "--for", "1m", "--dry-run"))
    assert "+snooze_until: 2026-12-22" in result.stdout
    assert snapshot(vault, JANE) == before


def test_snooze_refuses_unsafe_and_ambiguous(make_vault, run):
    vault = make_vault({JANE: REFUSED["duplicate_key"], "People/Jane Roe.md": "---\ntier: A\n---\n"})
    before = snapshot(vault, JANE, "People/Jane Roe.md")
    ok(run(vault, "snooze", "Jane Doe", "--for", "2w"), 7)
    ok(run(vault, "snooze", "Jane", "--for", "2w"), 6)
    assert snapshot(vault, JANE, "People/Jane Roe.md") == before


# ---------------------------------------------------------------------------------------------
# add
# ---------------------------------------------------------------------------------------------

def test_add_creates_contact_with_fields(make_vault, run, due_json):
    vault = make_vault({JANE: JANE_TEXT})
    ok(run(vault, "add", "Ann Lee", "--tier", "close", "--met", "2026-11-21", "--how-met", "PyCon: hallway",
           "--company", "Acme, Inc.", "--channel", "telegram"))
    assert (vault / "People/Ann Lee.md").is_file()
    data = due_json(vault)
    assert data["problems"] == []
    (followup,) = reminders(data, "Ann Lee")
    assert followup["kind"] == "followup" and followup["due"] == "2026-11-22" and followup["tier"] == "A"
    ann = contact_named(vault, "Ann Lee")
    assert (ann.tier, ann.met, ann.how_met, ann.company, ann.channel) == (
        "A", date(2026, 11, 21), "PyCon: hallway", "Acme, Inc.", "telegram")
    assert ann.created == date(2026, 11, 22)


def test_add_with_tags_email_linkedin_and_a_note(make_vault, run, due_json):
    vault = make_vault({})
    ok(run(vault, "add", "Ann Lee", "--tag", "recruiter", "--tag", "#person", "--tag", "agency/berlin",
           "--email", " ann@example.org ", "--linkedin", "https://www.linkedin.com/in/annlee", "--channel", "email",
           "--note", "Met at the SRE meetup.\n# she runs it"))
    assert read(vault, "People/Ann Lee.md") == (
        "---\nchannel: \"email\"\ncreated: 2026-11-22\ntags: [person, recruiter, agency/berlin]\n"
        "email: ann@example.org\nlinkedin: https://www.linkedin.com/in/annlee\n---\n# Ann Lee\n\n"
        "Met at the SRE meetup.\n\\# she runs it\n\n## Log\n")
    ann = contact_named(vault, "Ann Lee")
    assert ann.tags == ("person", "recruiter", "agency/berlin") and ann.channel == "email"
    assert due_json(vault)["problems"] == []


@pytest.mark.parametrize(("args", "message"), [
    (("--tag", "two words"), "--tag 'two words' is not a tag"),
    (("--tag", "#2026"), "--tag '#2026' is not a tag"),
    (("--email", "ann at example.org"), "--email 'ann at example.org' is not an email address"),
])
def test_add_refuses_a_bad_tag_or_email(make_vault, run, args, message):
    vault = make_vault({})
    result = ok(run(vault, "add", "Ann Lee", *args), 2)
    assert result.stderr.startswith(f"Error: {message}")
    assert not (vault / "People").exists()


def test_add_with_the_vaults_own_template(make_vault, run):
    template = "---\nemail:\ntags: [person, imported]\n---\n# {{ title }}\n"
    vault = make_vault({".vaultcrm/templates/contact.md.j2": template})
    ok(run(vault, "add", "Ann Lee", "--email", "ann@example.org", "--linkedin", "in/annlee"))
    assert read(vault, "People/Ann Lee.md") == (
        "---\nemail: ann@example.org\ntags: [person, imported]\nlinkedin: in/annlee\n---\n# Ann Lee\n")
    result = ok(run(vault, "add", "Bob Roe", "--tag", "recruiter"), 3)
    assert result.stderr.startswith("Error: the contact template does not write the tags given with --tag (recruiter)")
    assert not (vault / "People/Bob Roe.md").exists()


def test_add_then_touch_uses_template_log_heading(make_vault, run):
    vault = make_vault({".vaultcrm/config.toml": 'log_heading = "Timeline"\n'})
    ok(run(vault, "add", "Ann Lee"))
    ok(run(vault, "touch", "Ann Lee", "--note", "hello"))
    text = read(vault, "People/Ann Lee.md")
    assert text.count("## Timeline") == 1 and text.endswith("## Timeline\n\n- 2026-11-22 — hello\n")


def test_add_puts_the_note_above_any_of_the_log_headings(make_vault, run):
    """`log_heading` is a list (the first names a new note's section); `--note` goes above whichever
    of them the vault's own template writes."""
    template = "---\ntags: {{ tags }}\n---\n# {{ title }}\n\n## История\n"
    vault = make_vault({".vaultcrm/config.toml": 'log_heading = ["Лог", "История"]\n',
                        ".vaultcrm/templates/contact.md.j2": template})
    ok(run(vault, "add", "Олег Смирнов", "--tag", "коллега", "--note", "Бывший коллега."))
    assert read(vault, "People/Олег Смирнов.md") == (
        "---\ntags: [person, коллега]\n---\n# Олег Смирнов\n\nБывший коллега.\n\n## История\n")
    ok(run(vault, "touch", "Олег", "--note", "обед"))
    assert read(vault, "People/Олег Смирнов.md").endswith("## История\n\n- 2026-11-22 — обед\n")


def test_add_unknown_tier_is_usage_error(make_vault, run):
    vault = make_vault({JANE: JANE_TEXT})
    ok(run(vault, "add", "Ann Lee", "--tier", "Z"), 2)
    assert not (vault / "People/Ann Lee.md").exists()


def test_add_into_first_contact_folder(make_vault, run, due_json):
    vault = make_vault({".vaultcrm/config.toml": 'contact_folders = ["Humans", "People"]\n',
                        "People/Bob Roe.md": BOB_TEXT})
    result = ok(run(vault, "add", "Ann Lee", "--met", "2026-11-21"))
    assert "Humans/Ann Lee.md" in result.stdout
    assert (vault / "Humans/Ann Lee.md").is_file() and not (vault / "People/Ann Lee.md").exists()
    assert kinds(due_json(vault), "Ann Lee") == {"followup"}


def test_add_into_contacts_folder_and_is_a_contact(make_vault, run, due_json):
    vault = make_vault({".vaultcrm/config.toml": 'contact_folders = ["Contacts"]\n', JANE: JANE_TEXT})
    ok(run(vault, "add", "Ann Lee", "--tier", "B"))
    assert (vault / "Contacts/Ann Lee.md").is_file()
    assert due_json(vault)["contacts"] == 1  # Jane is outside the only contact folder now
    assert contact_named(vault, "Ann Lee").tier == "B"


@pytest.mark.parametrize(("name", "file"), [
    ("a/b:c*?", "a b c.md"),
    ('Ann "The Hammer" <Lee> | [x] #y ^z', "Ann The Hammer Lee x y z.md"),
    ("  Ann   Lee.  ", "Ann Lee.md"),
    ("CON", "CON (contact).md"),
    ("lpt1", "lpt1 (contact).md"),
    ("nul.txt", "nul.txt (contact).md"),
])
def test_add_safe_file_name(make_vault, run, name, file):
    vault = make_vault({})
    result = ok(run(vault, "add", name))
    assert f"People/{file}" in result.stdout
    assert sorted(p.name for p in (vault / "People").iterdir()) == [file]


def test_add_nothing_usable_is_usage_error(make_vault, run):
    vault = make_vault({})
    ok(run(vault, "add", "/:*?"), 2)
    assert not (vault / "People").exists()


@pytest.mark.parametrize("name", ["Jane Doe", "jane doe", "JANE   DOE"])
def test_add_never_overwrites(make_vault, run, name):
    vault = make_vault({JANE: JANE_TEXT})
    before = snapshot(vault, JANE)
    result = ok(run(vault, "add", name, "--tier", "B"), 5)
    assert JANE in result.stderr
    assert snapshot(vault, JANE) == before
    assert sorted(p.name for p in (vault / "People").iterdir()) == ["Jane Doe.md"]


def test_add_existing_in_other_folder_or_by_name(make_vault, run):
    vault = make_vault({"Contacts/Jane Doe.md": "---\ntier: A\n---\n", "People/jd.md": "---\nname: Bob Roe\n---\n"})
    result = ok(run(vault, "add", "Jane Doe"), 5)
    assert "Contacts/Jane Doe.md" in result.stderr
    result = ok(run(vault, "add", "Bob Roe"), 5)
    assert "People/jd.md" in result.stderr
    assert sorted(p.name for p in (vault / "People").iterdir()) == ["jd.md"]


def test_add_existing_non_contact_file_not_overwritten(make_vault, run):
    vault = make_vault({"People/Ann Lee.md": "---\nvaultcrm: ignore\n---\nmine\n"})
    result = ok(run(vault, "add", "Ann Lee"), 5)
    assert "People/Ann Lee.md" in result.stderr
    assert read(vault, "People/Ann Lee.md") == "---\nvaultcrm: ignore\n---\nmine\n"


def test_add_dry_run_writes_nothing(make_vault, run):
    vault = make_vault({})
    result = ok(run(vault, "add", "Ann Lee", "--tier", "A", "--dry-run"))
    assert "tier: " in result.stdout and "# Ann Lee" in result.stdout
    assert not (vault / "People").exists()


CUSTOM_CONTACT = "---\nkind: person\ntier: {{ tier }}\ncompany: {{ company }}\n---\n# {{ title }} (custom)\n"


def test_add_uses_vault_override_template(make_vault, run):
    vault = make_vault({".vaultcrm/templates/contact.md.j2": CUSTOM_CONTACT})
    ok(run(vault, "add", "Ann Lee", "--tier", "B", "--company", "Acme"))
    assert read(vault, "People/Ann Lee.md") == '---\nkind: person\ntier: "B"\ncompany: "Acme"\n---\n# Ann Lee (custom)\n'


@pytest.mark.parametrize("template", ["{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}",
                                      "{% if %}"])
def test_add_with_a_broken_or_runaway_contact_template_is_a_config_error(make_vault, run, monkeypatch, template):
    from vaultcrm.dashboard import render

    monkeypatch.setattr(render, "TIME_BUDGET_S", 0.5)
    vault = make_vault({".vaultcrm/templates/contact.md.j2": template})
    result = ok(run(vault, "add", "Ann Lee"), 3)
    assert "contact.md.j2" in result.stderr and "Traceback" not in result.output
    assert not (vault / "People").exists()


def test_add_with_only_a_dashboard_override_uses_packaged_contact_template(make_vault, run):
    from vaultcrm.dashboard.render import _packaged

    vault = make_vault({".vaultcrm/templates/dashboard.md.j2": _packaged("dashboard.md.j2")})
    ok(run(vault, "add", "Ann Lee"))
    assert "# Ann Lee" in read(vault, "People/Ann Lee.md")


# ---------------------------------------------------------------------------------------------
# ticked boxes (behaviour §6.3)
# ---------------------------------------------------------------------------------------------

def tick(vault: Path, name: str, *, occurrence: int = 0) -> bytes:
    """Tick the `occurrence`-th still unticked box of `name` in the dashboard; returns the new bytes."""
    path = vault / DASH
    lines = path.read_bytes().decode("utf-8").split("\n")
    hits = [i for i, line in enumerate(lines) if line.startswith("- [ ] ") and f"|{name}]]" in line]
    assert len(hits) > occurrence, (name, lines)
    i = hits[occurrence]
    lines[i] = lines[i].replace("- [ ]", "- [x]", 1)
    data = "\n".join(lines).encode("utf-8")
    path.write_bytes(data)
    return data


def assert_recorded(result: Any, *names: str) -> None:
    """The sync's output says that ticked boxes were recorded, naming each contact."""
    assert "ticked box" in result.output, result.output
    for name in names:
        assert name in result.output, (name, result.output)


def listed(vault: Path, name: str) -> list[str]:
    return [line for line in read(vault, DASH).split("\n") if f"|{name}]]" in line and line.startswith("- [")]


def test_tick_is_recorded_as_touch_today(make_vault, run, due_json):
    vault = make_vault({JANE: JANE_TEXT, BOB: BOB_TEXT})
    ok(run(vault, "sync"))
    assert len(listed(vault, "Jane Doe")) == 1
    tick(vault, "Jane Doe")
    result = ok(run(vault, "sync"))
    assert_recorded(result, "Jane Doe")
    assert "Bob Roe" not in result.stderr
    assert read(vault, JANE) == (JANE_TEXT.replace("2026-10-01\n---", "2026-11-22\n---")
                                 + "- 2026-11-22 — caught up (every 14 days)\n")
    assert read(vault, BOB) == BOB_TEXT
    assert listed(vault, "Jane Doe") == []
    assert len(listed(vault, "Bob Roe")) == 1 and "- [x]" not in read(vault, DASH)
    assert reminders(due_json(vault), "Jane Doe") == []


def test_tick_twice_and_sync_twice_logs_once(make_vault, run):
    bday = "---\ntier: A\nlast_touch: 2026-10-01\nbirthday: 1990-11-24\n---\n"
    vault = make_vault({JANE: bday})
    ok(run(vault, "sync"))
    assert len(listed(vault, "Jane Doe")) == 1  # overdue and birthday, on one line
    line = listed(vault, "Jane Doe")[0]
    (vault / DASH).write_text(read(vault, DASH).replace(line, f"{line}\n{line}"), "utf-8")  # pasted twice
    tick(vault, "Jane Doe")
    tick(vault, "Jane Doe")
    assert "- [ ]" not in "\n".join(listed(vault, "Jane Doe"))
    result = ok(run(vault, "sync", "--force"))
    assert_recorded(result, "Jane Doe")
    recorded = ("---\ntier: A\nlast_touch: 2026-11-22\nbirthday: 1990-11-24\nbirthday_done: 2026-11-24\n---\n"
                "\n## Log\n\n- 2026-11-22 — caught up (every 14 days); birthday wishes (turns 36)\n")
    assert read(vault, JANE) == recorded
    assert listed(vault, "Jane Doe") == []  # the birthday is done for this year
    ok(run(vault, "sync"))
    ok(run(vault, "sync"))
    assert read(vault, JANE) == recorded


def test_tick_on_uneditable_note_is_never_lost(make_vault, run):
    vault = make_vault({JANE: JANE_TEXT, BOB: BOB_TEXT})
    ok(run(vault, "sync"))
    tick(vault, "Jane Doe")
    tick(vault, "Bob Roe")
    broken = "---\ntier: A\nlast_touch: 2026-10-05\ntier: B\n---\n# Bob Roe\n"
    (vault / BOB).write_text(broken)  # the user breaks Bob's note before the next sync
    before = snapshot(vault, DASH, BOB)
    result = run(vault, "sync")
    assert result.exit_code != 0
    assert "Bob Roe.md" in result.stderr and "appears twice" in result.stderr
    assert snapshot(vault, DASH, BOB) == before  # the ticks are still there, Bob untouched
    # the user fixes Bob; the next sync records both ticks, Jane's only once
    (vault / BOB).write_text(BOB_TEXT)
    result = ok(run(vault, "sync"))
    assert_recorded(result, "Jane Doe", "Bob Roe")
    assert read(vault, JANE).count("- 2026-11-22") == 1
    assert "last_touch: 2026-11-22" in read(vault, BOB)
    assert read(vault, BOB).endswith("- 2026-11-22 — caught up (every 14 days)\n")
    assert listed(vault, "Jane Doe") == [] and listed(vault, "Bob Roe") == []


def test_tick_on_note_with_conflict_copy_keeps_dashboard(make_vault, run):
    vault = make_vault({JANE: JANE_TEXT})
    ok(run(vault, "sync"))
    ticked = tick(vault, "Jane Doe")
    (vault / "People/Jane Doe (Conflicted copy 2026-11-21).md").write_text(JANE_TEXT)
    result = run(vault, "sync")
    assert result.exit_code == 7, result.output
    assert (vault / DASH).read_bytes() == ticked
    assert read(vault, JANE) == JANE_TEXT


def test_tick_for_vanished_contact_keeps_dashboard(make_vault, run, tmp_path):
    vault = make_vault({JANE: JANE_TEXT, BOB: BOB_TEXT})
    ok(run(vault, "sync"))
    ticked = tick(vault, "Jane Doe")
    (vault / JANE).rename(tmp_path / "moved away.md")
    result = run(vault, "sync")
    assert result.exit_code != 0 and "Jane Doe" in result.stderr
    assert (vault / DASH).read_bytes() == ticked


def test_tick_in_dashboard_typed_into_records_nothing(make_vault, run):
    vault = make_vault({JANE: JANE_TEXT})
    ok(run(vault, "sync"))
    tick(vault, "Jane Doe")
    (vault / DASH).write_bytes((vault / DASH).read_bytes() + b"\nmy own thoughts\n")
    before = snapshot(vault, DASH, JANE)
    result = ok(run(vault, "sync"), 5)
    assert "edited" in result.stderr
    assert snapshot(vault, DASH, JANE) == before


def test_tick_in_dashboard_typed_into_with_force(make_vault, run):
    """--force replaces a dashboard the user typed into; its ticks are still recorded first."""
    vault = make_vault({JANE: JANE_TEXT})
    ok(run(vault, "sync"))
    tick(vault, "Jane Doe")
    (vault / DASH).write_bytes((vault / DASH).read_bytes() + b"\nmy own thoughts\n")
    ok(run(vault, "sync", "--force"))
    assert "last_touch: 2026-11-22" in read(vault, JANE)
    assert "my own thoughts" not in read(vault, DASH)


def test_tick_dry_run_records_nothing(make_vault, run):
    vault = make_vault({JANE: JANE_TEXT})
    ok(run(vault, "sync"))
    tick(vault, "Jane Doe")
    before = snapshot(vault, DASH, JANE)
    result = ok(run(vault, "sync", "--dry-run"))
    assert "[[People/Jane Doe|Jane Doe]]" in result.stdout
    assert snapshot(vault, DASH, JANE) == before


def test_tick_with_capital_x(make_vault, run):
    vault = make_vault({JANE: JANE_TEXT})
    ok(run(vault, "sync"))
    path = vault / DASH
    path.write_bytes(path.read_bytes().replace(b"- [ ] [[People/Jane Doe|", b"- [X] [[People/Jane Doe|"))
    ok(run(vault, "sync"))
    assert "last_touch: 2026-11-22" in read(vault, JANE)


def test_tick_for_contact_with_awkward_name(make_vault, run):
    note = "People/Zoë O'Brien-Łukasiewicz.md"
    vault = make_vault({note: "---\ntier: A\nlast_touch: 2026-10-01\n---\n"})
    ok(run(vault, "sync"))
    tick(vault, "Zoë O'Brien-Łukasiewicz")
    ok(run(vault, "sync"))
    assert read(vault, note) == ("---\ntier: A\nlast_touch: 2026-11-22\n---\n\n## Log\n\n"
                                 "- 2026-11-22 — caught up (every 14 days)\n")


def test_tick_keeps_contact_note_mode_bits(make_vault, run):
    vault = make_vault({JANE: JANE_TEXT})
    ok(run(vault, "sync"))
    os.chmod(vault / JANE, 0o600)
    tick(vault, "Jane Doe")
    ok(run(vault, "sync"))
    assert stat.S_IMODE((vault / JANE).stat().st_mode) == 0o600
    assert "last_touch: 2026-11-22" in read(vault, JANE)


# ---------------------------------------------------------------------------------------------
# more edges: empty values, odd input, a note changed while vaultcrm edits it, not-ours dashboards
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("line", "after"), [("last_touch:", "last_touch: 2026-11-22"),
                                             ('last_touch: ""', 'last_touch: "2026-11-22"'),
                                             ("last_touch: ~", "last_touch: 2026-11-22")])
def test_touch_fills_an_empty_value(make_vault, run, line, after):
    vault = make_vault({JANE: f"---\ntier: A\n{line}\n---\n"})
    ok(run(vault, "touch", "Jane Doe"))
    assert read(vault, JANE) == f"---\ntier: A\n{after}\n---\n\n## Log\n\n- 2026-11-22\n"


def test_touch_note_text_is_one_line(make_vault, run):
    vault = make_vault({JANE: JANE_TEXT})
    ok(run(vault, "touch", "Jane Doe", "--note", "first\nsecond\r\n---\n## Log"))
    assert read(vault, JANE).endswith("- 2026-10-01 — coffee\n- 2026-11-22 — first second --- ## Log\n")


def test_touch_retries_once_when_note_changes_meanwhile(make_vault, run, monkeypatch):
    from vaultcrm.writeback import atomic as write

    vault = make_vault({JANE: JANE_TEXT})
    calls: list[Path] = []

    def autosave(target: Path) -> None:
        if not calls:
            target.write_bytes(target.read_bytes() + b"typed meanwhile\n")
        calls.append(target)

    monkeypatch.setattr(write, "before_replace", autosave)
    ok(run(vault, "touch", "Jane Doe"))
    text = read(vault, JANE)
    assert "typed meanwhile" in text and "last_touch: 2026-11-22" in text and text.endswith("- 2026-11-22\n")


def test_touch_aborts_when_note_keeps_changing(make_vault, run, monkeypatch):
    from vaultcrm.writeback import atomic as write

    vault = make_vault({JANE: JANE_TEXT})

    def autosave(target: Path) -> None:
        target.write_bytes(target.read_bytes() + b"x\n")

    monkeypatch.setattr(write, "before_replace", autosave)
    result = ok(run(vault, "touch", "Jane Doe"), 5)
    assert "changed" in result.stderr
    assert read(vault, JANE) == JANE_TEXT + "x\nx\n"  # only the other writer's bytes
    assert sorted(p.name for p in (vault / "People").iterdir()) == ["Jane Doe.md"]


def test_touch_symlinked_note_never_written_through(make_vault, run, tmp_path):
    real = tmp_path / "outside.md"
    real.write_text(JANE_TEXT)
    vault = make_vault({BOB: BOB_TEXT})
    (vault / JANE).symlink_to(real)
    result = ok(run(vault, "touch", "Jane Doe"), 7)
    assert "symbolic link" in result.stderr
    assert real.read_text() == JANE_TEXT and (vault / JANE).is_symlink()


def test_add_existing_with_other_unicode_normalisation(make_vault, run):
    nfd = "People/Zoe\u0308 Lee.md"
    vault = make_vault({nfd: "---\ntier: A\n---\n"})
    ok(run(vault, "add", "Zo\u00eb Lee"), 5)
    assert [p.name for p in (vault / "People").iterdir()] == ["Zoe\u0308 Lee.md"]


def test_tick_in_a_dashboard_vaultcrm_did_not_write(make_vault, run):
    mine = "# My own due list\n- [x] [[People/Jane Doe|Jane Doe]] called her\n"
    vault = make_vault({JANE: JANE_TEXT, DASH: mine})
    result = ok(run(vault, "sync"), 5)
    assert "not written by vaultcrm" in result.stderr
    assert read(vault, DASH) == mine and read(vault, JANE) == JANE_TEXT


def test_tick_in_crlf_dashboard(make_vault, run):
    vault = make_vault({JANE: JANE_TEXT})
    ok(run(vault, "sync"))
    tick(vault, "Jane Doe")
    path = vault / DASH
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))  # a sync tool on Windows
    ok(run(vault, "sync"))
    assert "last_touch: 2026-11-22" in read(vault, JANE)
    assert listed(vault, "Jane Doe") == []


def test_a_conflict_copy_of_a_longer_name_does_not_block_touch(make_vault, run):
    vault = make_vault({
        "People/Jane Doe.md": "---\ntier: A\n---\n",
        "People/Jane Doe Smith.md": "---\ntier: A\n---\n",
        "People/Jane Doe Smith.sync-conflict-20261120-101010-ABC.md": "---\ntier: A\n---\n",
    })
    result = run(vault, "touch", "People/Jane Doe")
    assert result.exit_code == 0, result.output
    assert "last_touch: 2026-11-22" in (vault / "People/Jane Doe.md").read_text()
    assert run(vault, "touch", "People/Jane Doe Smith").exit_code == 7
