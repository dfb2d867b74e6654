"""Imports and exports through the real CLI: create / update / unchanged / ambiguous,
re-runs that change nothing, --overwrite, --dry-run, --tier; `export ics|csv`; the `ics` setting;
shell completion of contact names; and `edit.set_text_field` byte by byte."""
from __future__ import annotations

import csv
import difflib
import io
import os
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from icalendar import Calendar

from vaultcrm.config import build_config
from vaultcrm.errors import ConfigError, NotEditableError
from vaultcrm.writeback.edit import set_text_field, yaml_scalar

FIXTURES = Path(__file__).parent / "fixtures" / "import"
LINKEDIN = str(FIXTURES / "Connections.csv")
VCARD = str(FIXTURES / "contacts.vcf")
GOOGLE = str(FIXTURES / "contacts-google.csv")
GOOGLE_OLD = str(FIXTURES / "contacts-google-old.csv")


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    """Every file below `root` (dot-folders included) with its bytes and mtime."""
    return {p.relative_to(root).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(root.rglob("*")) if p.is_file()}


def only_insertions(old: bytes, new: bytes) -> list[str]:
    """The lines `new` adds to `old`; fails when any line of `old` changed or went away."""
    a, b = old.decode().splitlines(keepends=True), new.decode().splitlines(keepends=True)
    added = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        assert tag in ("equal", "insert"), (tag, a[i1:i2], b[j1:j2])
        if tag == "insert":
            added += b[j1:j2]
    return added


def last_line(result) -> str:  # type: ignore[no-untyped-def]
    return result.stdout.strip().splitlines()[-1]


# -- create ---------------------------------------------------------------------------------------

def test_linkedin_import_creates_a_note_per_connection(make_vault, run):
    vault = make_vault({})
    result = run(vault, "import", "linkedin", LINKEDIN)
    assert result.exit_code == 0, result.output
    assert last_line(result) == "4 created · 0 updated · 0 unchanged · 0 ambiguous"
    assert "created People/Jane Doe.md" in result.stdout
    assert sorted(p.name for p in (vault / "People").iterdir()) == [
        "Jane Doe.md", "Seán O'Brien.md", "Zoë Šimková.md", "Мария Петрова.md"]
    assert (vault / "People/Zoë Šimková.md").read_bytes().decode() == (
        "---\n"
        "company: Kotlin Labs, s.r.o.\n"
        "met: 2025-02-21\n"
        "how_met: LinkedIn\n"
        "created: 2026-11-22\n"
        "tags: [person]\n"
        "role: Head of Mobile, Platform\n"
        "linkedin: https://www.linkedin.com/in/zoe-simkova-1a2b3c\n"
        "email: zoe@example.cz\n"
        "---\n"
        "# Zoë Šimková\n"
        "\n"
        "## Log\n")
    sean = (vault / "People/Seán O'Brien.md").read_text("utf-8")
    assert 'company: "\\"Quoted\\" Ventures"\n' in sean


def test_imported_contacts_are_unclassified_so_no_flood_of_reminders(make_vault, run, due_json):
    vault = make_vault({})
    assert run(vault, "import", "linkedin", LINKEDIN).exit_code == 0
    data = due_json(vault)
    assert [r for r in data["reminders"] if r["kind"] in ("cadence", "never")] == []


def test_tier_applies_to_created_notes_only(make_vault, run):
    jane = "---\ntags: [person]\n---\n# Jane\n"
    vault = make_vault({"People/Jane Doe.md": jane})
    result = run(vault, "import", "linkedin", LINKEDIN, "--tier", "warm")
    assert result.exit_code == 0, result.output
    assert (vault / "People/Zoë Šimková.md").read_text("utf-8").startswith("---\ntier: B\n")
    assert "tier" not in (vault / "People/Jane Doe.md").read_text("utf-8")
    bad = run(vault, "import", "linkedin", LINKEDIN, "--tier", "platinum")
    assert bad.exit_code == 2
    assert "is not a tier" in bad.stderr


def test_vcard_notes_go_into_the_body_of_a_new_note(make_vault, run):
    vault = make_vault({})
    result = run(vault, "import", "vcard", VCARD)
    assert result.exit_code == 0, result.output
    assert last_line(result) == "4 created · 0 updated · 0 unchanged · 0 ambiguous"
    jane = (vault / "People/Jane Doe.md").read_text("utf-8")
    assert jane.endswith("# Jane Doe\n\nLine one\nLine two, with comma; and semicolon\n\n## Log\n")
    assert "birthday: 1990-12-04\n" in jane
    assert "role: Staff Engineer; Platform\n" in jane
    zoe = (vault / "People/Zoë Šimková.md").read_text("utf-8")
    assert "birthday: 12-04\n" in zoe
    assert "other_emails: zoe.simkova@kotlinlabs.example\n" in zoe
    assert "phone: +420 601 123 456\n" in zoe


def test_notes_never_add_a_heading(make_vault, run, tmp_path):
    vcf = tmp_path / "x.vcf"
    vcf.write_text("BEGIN:VCARD\nVERSION:3.0\nFN:Ann Lee\nNOTE:# Log\\n## Log\\nplain\nEND:VCARD\n")
    vault = make_vault({})
    assert run(vault, "import", "vcard", str(vcf)).exit_code == 0
    text = (vault / "People/Ann Lee.md").read_text("utf-8")
    assert text.endswith("# Ann Lee\n\n\\# Log\n\\## Log\nplain\n\n## Log\n")
    touched = run(vault, "touch", "Ann Lee", "--note", "hi")
    assert touched.exit_code == 0, touched.output
    assert (vault / "People/Ann Lee.md").read_text("utf-8").endswith("## Log\n\n- 2026-11-22 — hi\n")


# -- update ---------------------------------------------------------------------------------------

USER_JANE = (
    "---\n"
    "aliases: [JD]\n"
    "company: \"[[Acme Corp]]\"   # my own words\n"
    "email:\n"
    "tags:\n"
    "  - person\n"
    "---\n"
    "# Jane\n"
    "\n"
    "- 2026-10-01 coffee\n"
)


def test_update_inserts_only_missing_lines_and_keeps_every_user_byte(make_vault, run):
    vault = make_vault({"People/Jane Doe.md": USER_JANE})
    result = run(vault, "import", "google", GOOGLE)
    assert result.exit_code == 0, result.output
    assert "updated People/Jane Doe.md: role, email, other_emails, birthday" in result.stdout
    new = (vault / "People/Jane Doe.md").read_bytes()
    assert new == (
        b"---\n"
        b"aliases: [JD]\n"
        b"company: \"[[Acme Corp]]\"   # my own words\n"
        b"email: jane@acme.example\n"
        b"tags:\n"
        b"  - person\n"
        b"role: Staff Engineer\n"
        b"other_emails: jane.doe@example.org\n"
        b"birthday: 1990-12-04\n"
        b"---\n"
        b"# Jane\n"
        b"\n"
        b"- 2026-10-01 coffee\n")
    # The empty `email:` was filled in place; everything else is an inserted line.
    old = USER_JANE.replace("email:\n", "email: jane@acme.example\n").encode()
    assert only_insertions(old, new) == ["role: Staff Engineer\n", "other_emails: jane.doe@example.org\n",
                                         "birthday: 1990-12-04\n"]


def test_update_keeps_crlf_and_bom(make_vault, run):
    note = "\ufeff---\r\ntags: [person]\r\ncompany: Mine\r\n---\r\nbody\r\n".encode()
    vault = make_vault({"People/Zoë Šimková.md": note})
    assert run(vault, "import", "linkedin", LINKEDIN).exit_code == 0
    new = (vault / "People/Zoë Šimková.md").read_bytes()
    assert only_insertions(note, new) == [
        "met: 2025-02-21\r\n", "how_met: LinkedIn\r\n", "role: Head of Mobile, Platform\r\n",
        "linkedin: https://www.linkedin.com/in/zoe-simkova-1a2b3c\r\n", "email: zoe@example.cz\r\n"]
    assert new.startswith("\ufeff---\r\n".encode())


def test_matching_by_email_linkedin_and_forgiving_name(make_vault, run):
    vault = make_vault({
        # found by email although named otherwise
        "People/Zo.md": "---\ntags: [person]\nemails: [ZOE@example.cz]\n---\n",
        # found by LinkedIn URL (another host spelling, trailing slash, query)
        "People/JD.md": "---\nlinkedin: http://uk.linkedin.com/in/JaneDoe/?trk=x\n---\n",
        # found by name: other word order and case; Seán without his accent
        "Contacts/ПЕТРОВА мария.md": "---\ntags: [person]\n---\n",
        "People/Sean O'Brien.md": "---\nstatus: archived\n---\n",
    })
    result = run(vault, "import", "linkedin", LINKEDIN)
    assert result.exit_code == 0, result.output
    assert last_line(result) == "0 created · 4 updated · 0 unchanged · 0 ambiguous"
    assert "email: zoe@example.cz" not in (vault / "People/Zo.md").read_text("utf-8")  # already known
    assert "company: Acme\n" in (vault / "People/JD.md").read_text("utf-8")
    assert "company: Яндекс\n" in (vault / "Contacts/ПЕТРОВА мария.md").read_text("utf-8")
    assert not (vault / "People/Jane Doe.md").exists()


@pytest.mark.parametrize("kind,path,count", [("linkedin", LINKEDIN, 4), ("vcard", VCARD, 4),
                                             ("google", GOOGLE, 4), ("google", GOOGLE_OLD, 2)])
def test_rerunning_an_import_changes_nothing(make_vault, run, kind, path, count):
    vault = make_vault({"People/Jane Doe.md": USER_JANE, "People/Zoe.md": "---\nemail: zoe@example.cz\n---\n"})
    first = run(vault, "import", kind, path)
    assert first.exit_code == 0, first.output
    before = snapshot(vault)
    again = run(vault, "import", kind, path)
    assert again.exit_code == 0, again.output
    assert again.stdout == f"0 created · 0 updated · {count} unchanged · 0 ambiguous\n"
    assert snapshot(vault) == before  # bytes and mtimes


def test_all_formats_one_after_another_then_again_change_nothing(make_vault, run):
    vault = make_vault({"People/Jane Doe.md": USER_JANE})
    for kind, path in (("linkedin", LINKEDIN), ("vcard", VCARD), ("google", GOOGLE), ("google", GOOGLE_OLD)):
        assert run(vault, "import", kind, path).exit_code == 0
    before = snapshot(vault)
    for kind, path in (("linkedin", LINKEDIN), ("vcard", VCARD), ("google", GOOGLE), ("google", GOOGLE_OLD)):
        result = run(vault, "import", kind, path)
        assert " 0 created · 0 updated" in " " + last_line(result), result.output
    assert snapshot(vault) == before


def test_duplicate_rows_in_one_export_make_one_note(make_vault, run, tmp_path):
    export = tmp_path / "c.csv"
    export.write_text("First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
                      "Ann,Lee,https://www.linkedin.com/in/annlee,,Acme,,05 Nov 2024\n"
                      "Ann,Lee,https://www.linkedin.com/in/annlee,ann@x.example,,CTO,05 Nov 2024\n")
    vault = make_vault({})
    result = run(vault, "import", "linkedin", str(export))
    assert last_line(result) == "1 created · 1 updated · 0 unchanged · 0 ambiguous"
    text = (vault / "People/Ann Lee.md").read_text("utf-8")
    assert "role: CTO\n" in text and "email: ann@x.example\n" in text


# -- ambiguous, refused ---------------------------------------------------------------------------

def test_ambiguous_match_is_reported_and_nothing_is_written(make_vault, run):
    vault = make_vault({
        "People/Jane Doe.md": "---\ntags: [person]\n---\n",
        "Contacts/Doe, Jane.md": "---\ntags: [person]\n---\n",
        "People/Zoe A.md": "---\nemail: zoe@example.cz\n---\n",
        "People/Zoe B.md": "---\nother_emails: Zoe@Example.cz\n---\n",
    })
    before = snapshot(vault)
    result = run(vault, "import", "linkedin", LINKEDIN, "--overwrite")
    assert result.exit_code == 0, result.output
    assert ("ambiguous: Jane Doe (" + LINKEDIN + " line 5): its name matches 2 notes "
            "(Contacts/Doe, Jane.md, People/Jane Doe.md); nothing written") in result.stdout
    assert "its email matches 2 notes (People/Zoe A.md, People/Zoe B.md)" in result.stdout
    assert last_line(result) == "2 created · 0 updated · 0 unchanged · 2 ambiguous"
    after = snapshot(vault)
    assert {k: v for k, v in after.items() if k in before} == before


def test_same_name_with_another_linkedin_profile_is_ambiguous(make_vault, run):
    note = "---\nlinkedin: https://www.linkedin.com/in/another-jane\n---\n"
    vault = make_vault({"People/Jane Doe.md": note})
    result = run(vault, "import", "linkedin", LINKEDIN)
    assert "its name matches a note with another LinkedIn profile (People/Jane Doe.md)" in result.stdout
    assert (vault / "People/Jane Doe.md").read_text("utf-8") == note


def test_a_note_that_cannot_be_edited_is_refused_and_the_rest_goes_on(make_vault, run):
    broken = "---\ntags: [person\n---\n"
    vault = make_vault({"People/Jane Doe.md": broken})
    result = run(vault, "import", "linkedin", LINKEDIN)
    assert result.exit_code == 7
    assert "refused: Jane Doe (" in result.stdout
    assert "→ People/Jane Doe.md: vaultcrm will not edit Jane Doe.md" in result.stdout
    assert last_line(result) == "3 created · 0 updated · 0 unchanged · 0 ambiguous · 1 refused"
    assert (vault / "People/Jane Doe.md").read_text("utf-8") == broken


def test_a_note_with_a_sync_conflict_copy_is_refused(make_vault, run):
    vault = make_vault({"People/Jane Doe.md": "---\ntags: [person]\n---\n",
                        "People/Jane Doe.sync-conflict-20261101-120000-ABCDEFG.md": "---\n---\n"})
    before = snapshot(vault)
    result = run(vault, "import", "linkedin", LINKEDIN)
    assert result.exit_code == 7
    assert "People/Jane Doe.md has a sync-conflict copy" in result.stdout
    assert {k: v for k, v in snapshot(vault).items() if k in before} == before


def test_default_tier_is_pointed_out(make_vault, run):
    vault = make_vault({".vaultcrm/config.toml": 'default_tier = "C"\n'})
    result = run(vault, "import", "linkedin", LINKEDIN)
    assert result.exit_code == 0
    assert "default_tier = C applies to the 4 new note(s)" in result.stderr


def test_a_file_in_the_way_of_a_new_note_is_refused(make_vault, run):
    vault = make_vault({"People/Jane Doe.md": "---\nvaultcrm: ignore\n---\nnot a contact\n"})
    result = run(vault, "import", "linkedin", LINKEDIN)
    assert result.exit_code == 7
    assert "People/Jane Doe.md already exists but does not match this person" in result.stdout
    assert (vault / "People/Jane Doe.md").read_text("utf-8") == "---\nvaultcrm: ignore\n---\nnot a contact\n"


def test_unreadable_export_is_a_usage_error(make_vault, run, tmp_path):
    vault = make_vault({})
    result = run(vault, "import", "vcard", str(tmp_path / "missing.vcf"))
    assert result.exit_code == 2
    assert "no such file" in result.stderr


# -- overwrite, dry run ---------------------------------------------------------------------------

def test_overwrite_keeps_the_users_own_values_and_shows_each_as_a_diff(make_vault, run):
    note = ("---\ncompany: Mine   # keep the comment\nrole: |\n  a block\nemail: [old@example.org]\n"
            "how_met: конференция HighLoad++\nmet: 2020-01-01\n---\n")
    vault = make_vault({"People/Jane Doe.md": note})
    result = run(vault, "import", "linkedin", LINKEDIN, "--overwrite")
    assert result.exit_code == 0, result.output
    assert "updated People/Jane Doe.md: linkedin\n" in result.stdout  # only what the note lacked
    text = (vault / "People/Jane Doe.md").read_text("utf-8")
    assert text == note.replace("met: 2020-01-01\n", "met: 2020-01-01\nlinkedin: https://www.linkedin.com/in/janedoe\n")
    assert ("job changes to review (the export says otherwise than the note):\n"
            '  People/Jane Doe.md: company "Mine" → "Acme"; role "a block" → "Staff Engineer"\n'
            "kept in People/Jane Doe.md: met, how_met, company, role (yours: --overwrite replaces only what an "
            "import wrote and you left as it was)\n"
            "-met: 2020-01-01\n+met: 2024-11-05\n"
            "-how_met: конференция HighLoad++\n+how_met: LinkedIn\n"
            "-company: Mine   # keep the comment\n+company: Acme\n"
            "-role: |\n+role: Staff Engineer\n") in result.stdout
    assert last_line(result) == ("3 created · 1 updated · 0 unchanged · 0 ambiguous · 1 job change to review · "
                                 "4 values of yours kept")


def linkedin_export(folder: Path, name: str, company: str, position: str) -> str:
    export = folder / name
    export.write_text("First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
                      f"Ann,Lee,https://www.linkedin.com/in/annlee,,{company},{position},05 Nov 2024\n")
    return str(export)


def test_overwrite_replaces_what_an_import_wrote_and_nothing_else(make_vault, run, tmp_path, _isolated_state):
    vault = make_vault({})
    first = linkedin_export(tmp_path, "1.csv", "Acme", "Engineer")
    moved = linkedin_export(tmp_path, "2.csv", "Globex", "Staff Engineer")
    assert run(vault, "import", "linkedin", first).exit_code == 0
    note = vault / "People/Ann Lee.md"
    created = note.read_text("utf-8")
    assert "company: Acme\n" in created and "role: Engineer\n" in created
    # without --overwrite: listed for review, nothing written
    plain = run(vault, "import", "linkedin", moved)
    assert 'People/Ann Lee.md: company "Acme" → "Globex"; role "Engineer" → "Staff Engineer"\n' in plain.stdout
    assert last_line(plain) == "0 created · 0 updated · 1 unchanged · 0 ambiguous · 1 job change to review"
    assert note.read_text("utf-8") == created
    # with it: the import's own values are replaced
    over = run(vault, "import", "linkedin", moved, "--overwrite")
    assert over.exit_code == 0, over.output
    assert "updated People/Ann Lee.md: company, role\n" in over.stdout
    assert '(replaced)' in over.stdout and "kept in" not in over.stdout
    assert note.read_text("utf-8") == created.replace("company: Acme\n", "company: Globex\n").replace(
        "role: Engineer\n", "role: Staff Engineer\n")
    again = run(vault, "import", "linkedin", moved, "--overwrite")
    assert last_line(again) == "0 created · 0 updated · 1 unchanged · 0 ambiguous"
    # a value the user changed since is theirs
    note.write_text(note.read_text("utf-8").replace("company: Globex", "company: Globex Logistics"), "utf-8")
    mine = note.read_text("utf-8")
    back = run(vault, "import", "linkedin", first, "--overwrite")
    assert note.read_text("utf-8") == mine.replace("role: Staff Engineer", "role: Engineer")
    assert "-company: Globex Logistics\n+company: Acme\n" in back.stdout
    # the record is per device, outside the vault
    assert sorted(p.relative_to(vault).as_posix() for p in vault.rglob("*") if p.is_file()) == ["People/Ann Lee.md"]
    assert len(list(_isolated_state.rglob("imported.json"))) == 1


def test_without_the_record_overwrite_keeps_every_value(make_vault, run, tmp_path, _isolated_state):
    vault = make_vault({})
    assert run(vault, "import", "linkedin", linkedin_export(tmp_path, "1.csv", "Acme", "Engineer")).exit_code == 0
    for record in _isolated_state.rglob("imported.json"):
        record.unlink()  # another device, or a cleared cache
    before = snapshot(vault)
    result = run(vault, "import", "linkedin", linkedin_export(tmp_path, "2.csv", "Globex", "CTO"), "--overwrite")
    assert snapshot(vault) == before
    assert "kept in People/Ann Lee.md: company, role" in result.stdout


def test_a_dry_run_of_overwrite_shows_the_same_and_records_nothing(make_vault, run, tmp_path, _isolated_state):
    vault = make_vault({})
    dry = run(vault, "import", "linkedin", linkedin_export(tmp_path, "1.csv", "Acme", "Engineer"), "--dry-run")
    assert dry.exit_code == 0 and not list(_isolated_state.rglob("imported.json"))


@pytest.mark.parametrize("company", ["\"[[Acme Corp]]\"", "ACME, Inc.", "[Acme, Globex]", "acme"])
def test_the_same_company_written_otherwise_is_no_job_change(make_vault, run, tmp_path, company):
    vault = make_vault({"People/Ann Lee.md": f"---\ncompany: {company}\nrole: engineer\n---\n"})
    result = run(vault, "import", "linkedin", linkedin_export(tmp_path, "1.csv", "Acme", "Engineer"), "--overwrite")
    assert "job change" not in result.stdout and "kept in" not in result.stdout, result.stdout


def test_overwrite_keeps_a_link_that_names_the_same_company(make_vault, run):
    note = "---\ncompany: \"[[Acme]]\"\n---\n"
    vault = make_vault({"People/Jane Doe.md": note})
    assert run(vault, "import", "linkedin", LINKEDIN, "--overwrite").exit_code == 0
    assert 'company: "[[Acme]]"\n' in (vault / "People/Jane Doe.md").read_text("utf-8")


def test_dry_run_shows_every_change_and_writes_nothing(make_vault, run):
    vault = make_vault({"People/Jane Doe.md": USER_JANE})
    before = snapshot(vault)
    result = run(vault, "import", "vcard", VCARD, "--dry-run")
    assert result.exit_code == 0, result.output
    assert snapshot(vault) == before
    out = result.stdout
    assert "would update People/Jane Doe.md: role, birthday" in out
    assert "+role: Staff Engineer; Platform\n" in out
    assert "would create People/Zoë Šimková.md\n--- /dev/null\n+++ b/People/Zoë Šimková.md\n" in out
    assert last_line(result) == "3 created · 1 updated · 0 unchanged · 0 ambiguous · dry run, nothing written"
    real = run(vault, "import", "vcard", VCARD)
    assert last_line(real) == "3 created · 1 updated · 0 unchanged · 0 ambiguous"


# -- set_text_field ------------------------------------------------------------------------------

@pytest.mark.parametrize("before,after", [
    (b"---\nemail:\n---\n", b"---\nemail: a@b.example\n---\n"),
    (b"---\nemail:   # later\n---\n", b"---\nemail: a@b.example   # later\n---\n"),
    (b"---\nEmail: ~\n---\n", b"---\nEmail: a@b.example\n---\n"),
    (b"---\nmail: ''\n---\n", b"---\nmail: a@b.example\n---\n"),
    (b"---\nx: 1\n---\nbody", b"---\nx: 1\nemail: a@b.example\n---\nbody"),
    (b"body\n", b"---\nemail: a@b.example\n---\nbody\n"),
    (b"---\n---\n", b"---\nemail: a@b.example\n---\n"),
    (b"---\nemail: mine@x.example\n---\n", b"---\nemail: mine@x.example\n---\n"),
    (b"---\nemails: []\n---\n", b"---\nemails: []\n---\n"),
    (b"---\nemails:\n  - x@y.example\n---\n", b"---\nemails:\n  - x@y.example\n---\n"),
    (b"---\nemail:\nmail: x@y.example\n---\n", b"---\nemail:\nmail: x@y.example\n---\n"),
])
def test_set_text_field(before, after):
    assert set_text_field(before, ("email", "mail", "emails"), "email", "a@b.example") == after


def test_set_text_field_overwrite_and_refusals():
    keys = ("company",)
    assert set_text_field(b"---\ncompany: 'Old' # c\n---\n", keys, "company", "New", overwrite=True) == \
        b"---\ncompany: New # c\n---\n"
    assert set_text_field(b"---\ncompany: >\n  Old\n---\n", keys, "company", "New", overwrite=True) == \
        b"---\ncompany: >\n  Old\n---\n"
    assert set_text_field(b"---\ncompany: acme\n---\n", keys, "company", "Acme", overwrite=True) == \
        b"---\ncompany: acme\n---\n"
    assert set_text_field(b"---\nmet:\n---\n", ("met",), "met", date(2024, 2, 29)) == b"---\nmet: 2024-02-29\n---\n"
    with pytest.raises(NotEditableError):
        set_text_field(b"---\ncompany: x\n", keys, "company", "New")
    with pytest.raises(NotEditableError):
        set_text_field(b"---\ncompany: [\n---\n", keys, "company", "New")
    with pytest.raises(ValueError):
        set_text_field(b"", keys, "org", "New")


@pytest.mark.parametrize("value,written", [
    ("Acme", "Acme"), ("+420601123456", '"+420601123456"'), ("yes", '"yes"'), ("a: b", '"a: b"'),
    ('"Quoted" Ventures', '"\\"Quoted\\" Ventures"'), ("@handle", '"@handle"'), ("12-04", "12-04"),
    ("two\nlines", "two lines"), ("x #y", '"x #y"'), ("2024-01-02", '"2024-01-02"'),
])
def test_yaml_scalar(value, written):
    assert yaml_scalar(value) == written


# -- export ---------------------------------------------------------------------------------------

EXPORT_VAULT = {
    "People/Jane Doe.md": "---\ntier: A\ncompany: Acme\nbirthday: 1990-12-04\nlast_contact: 2026-11-01\n---\n",
    "People/Bob Roe.md": "---\ntier: C\ncadence: 4m\nlast_contact: 2026-11-01\n---\n",  # due 2027-03-01
    "People/Old.md": "---\nstatus: archived\ntier: B\n---\n",
}


def events(data: bytes) -> list[str]:
    return [str(e["SUMMARY"]) for e in Calendar.from_ical(data).walk("VEVENT")]


def test_export_ics_to_stdout_with_horizon(make_vault, run):
    vault = make_vault(EXPORT_VAULT)
    result = run(vault, "export", "ics")
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes.startswith(b"BEGIN:VCALENDAR\r\n")
    assert sorted(events(result.stdout_bytes)) == ["Birthday: Jane Doe", "Overdue: Jane Doe"]
    longer = run(vault, "export", "ics", "--horizon", "6m")
    assert sorted(events(longer.stdout_bytes)) == ["Birthday: Jane Doe", "Overdue: Jane Doe",
                                                   "Touch base: Bob Roe"]
    bad = run(vault, "export", "ics", "--horizon", "soon")
    assert bad.exit_code == 2


def test_export_ics_to_a_file_in_the_vault_is_written_only_when_it_changes(make_vault, run):
    vault = make_vault(EXPORT_VAULT)
    out = vault / "CRM" / "vaultcrm.ics"
    out.parent.mkdir()
    first = run(vault, "export", "ics", "-o", str(out))
    assert first.exit_code == 0, first.output
    assert first.stdout == f"wrote {out}\n"
    stamp = out.stat().st_mtime_ns
    os.utime(out, ns=(stamp - 10**9, stamp - 10**9))
    stamp = out.stat().st_mtime_ns
    again = run(vault, "export", "ics", "-o", str(out))
    assert again.stdout == f"{out} unchanged\n"
    assert out.stat().st_mtime_ns == stamp
    later = run(vault, "export", "ics", "-o", str(out), today="2026-11-23")  # DTSTAMP moves
    assert later.stdout == f"wrote {out}\n"
    assert [p.name for p in out.parent.iterdir()] == ["vaultcrm.ics"]  # no temporary file left


@pytest.mark.parametrize("rel,message", [("CRM/cal.md", "does not end in .ics"),
                                         (".obsidian/cal.ics", "hidden folder"),
                                         ("CRM", "that is a folder"),
                                         ("Nowhere/cal.ics", "does not exist")])
def test_export_refuses_bad_targets_in_the_vault(make_vault, run, rel, message):
    vault = make_vault({**EXPORT_VAULT, "CRM/x.md": ""})
    result = run(vault, "export", "ics", "-o", str(vault / rel))
    assert result.exit_code == 2
    assert message in result.stderr


def test_export_outside_the_vault_takes_any_name(make_vault, run, tmp_path):
    vault = make_vault(EXPORT_VAULT)
    target = tmp_path / "calendar.txt"
    result = run(vault, "export", "ics", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert target.read_bytes().startswith(b"BEGIN:VCALENDAR")


def test_export_csv(make_vault, run, tmp_path):
    vault = make_vault(EXPORT_VAULT)
    result = run(vault, "export", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0][:6] == ["Name", "Company", "How met", "Last touch", "Tier", "Next due"]
    assert rows[1:] == [
        ["Bob Roe", "", "", "2026-11-01", "C", "2027-03-01", "1", ""],
        ["Jane Doe", "Acme", "", "2026-11-01", "A", "2026-11-15", "1", ""],
        ["Old", "", "", "", "B", "", "0", ""],
    ]
    target = tmp_path / "people.csv"
    assert run(vault, "export", "csv", "-o", str(target)).exit_code == 0
    assert target.read_bytes() == b"\xef\xbb\xbf" + result.stdout_bytes
    assert result.stdout_bytes.endswith(b"\r\n")
    assert run(vault, "export", "csv", "-o", str(vault / "people.txt")).exit_code == 2


# -- the `ics` setting (the daemon keeps it fresh) -----------------------------------------------

@pytest.mark.parametrize("value", ["CRM/vaultcrm.ics", "/srv/www/cal.ics", "~/cal.ICS"])
def test_ics_setting_accepts(value):
    assert build_config({"ics": value}).ics == value


@pytest.mark.parametrize("value", ["CRM/cal.md", "../cal.ics", ".obsidian/cal.ics", "", 3])
def test_ics_setting_refuses(value):
    with pytest.raises(ConfigError, match="ics"):
        build_config({"ics": value})


def test_refresh_ics_writes_only_when_changed(make_vault):
    from vaultcrm.exporters.outputs import refresh_ics
    from vaultcrm.pipeline import analyse

    vault = make_vault({**EXPORT_VAULT, ".vaultcrm/config.toml": 'ics = "CRM/feed.ics"\n'})
    analysis = analyse(vault, date(2026, 11, 22))
    assert refresh_ics(analysis) is True
    feed = vault / "CRM/feed.ics"
    assert "Overdue: Jane Doe" in events(feed.read_bytes())
    stamp = feed.stat().st_mtime_ns
    assert refresh_ics(analyse(vault, date(2026, 11, 22))) is False
    assert feed.stat().st_mtime_ns == stamp
    plain = make_vault(EXPORT_VAULT, name="plain")
    assert refresh_ics(analyse(plain, date(2026, 11, 22))) is None


# -- completion -----------------------------------------------------------------------------------

COMPLETION_VAULT = {
    "People/Jane Doe.md": "", "People/Zoë Šimková.md": "", "Contacts/Jan Novák.md": "",
    "Notes/Janitor.md": "", "People/Ann.md": "---\nname: Dr. Ann Lee\n---\n",
}


def complete(vault: Path, *words: str) -> list[str]:
    from vaultcrm.cli import main

    env = {"_VAULTCRM_COMPLETE": "bash_complete", "COMP_WORDS": " ".join(("vaultcrm", *words)),
           "COMP_CWORD": str(len(words)), "VAULTCRM_VAULT": str(vault)}
    result = CliRunner().invoke(main, [], env=env, prog_name="vaultcrm")
    assert result.exit_code == 0, result.output
    return [line.split(",", 1)[1] for line in result.output.splitlines()]


def test_completion_lists_contact_names_for_touch_and_snooze(make_vault):
    vault = make_vault(COMPLETION_VAULT)
    assert complete(vault, "touch", "Ja") == ["Jan Novák", "Jane Doe"]
    assert complete(vault, "snooze", "simk") == ["Zoë Šimková"]
    assert complete(vault, "touch", "lee") == ["Dr. Ann Lee"]
    assert complete(vault, "touch", "") == ["Dr. Ann Lee", "Jan Novák", "Jane Doe", "Zoë Šimková"]


def test_completion_offers_aliases_too(make_vault):
    vault = make_vault({**COMPLETION_VAULT, "People/Мария Петрова.md": "---\naliases: [Маша, Masha Petrova]\n---\n",
                        "People/Masha.md": "---\naliases: [Jane]\n---\n"})
    assert complete(vault, "touch", "маш") == ["Маша"]
    assert complete(vault, "show", "mash") == ["Masha", "Masha Petrova"]
    assert complete(vault, "snooze", "petr") == ["Masha Petrova"]
    assert complete(vault, "snooze", "ПЕТР") == ["Мария Петрова"]
    assert complete(vault, "touch", "jane") == ["Jane", "Jane Doe"]
    from vaultcrm.cli.completion import contact_names

    assert contact_names(vault, "mash") == [("Masha", None), ("Masha Petrova", "alias of Мария Петрова")]


def test_completion_of_a_missing_vault_is_empty(tmp_path):
    from vaultcrm.cli.completion import complete_contact

    class Ctx:
        def find_object(self, _kind):  # type: ignore[no-untyped-def]
            return type("S", (), {"vault": str(tmp_path / "nope")})()

    assert complete_contact(Ctx(), None, "J") == []
