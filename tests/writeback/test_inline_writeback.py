"""Write-back where the note keeps its fields inline (behaviour §10): `touch`, ticks, `snooze` and
`import` edit a Dataview field in place, byte for byte, never adding the property beside it; and the
log line goes under the log heading the note already has (`Лог`, `История`, ...). Today is 2026-11-22."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from vaultcrm.fields import field_keys
from vaultcrm.vault.dates import DateReader
from vaultcrm.writeback.edit import set_date_field, touch_note

DANA = "People/Dana Ray.md"
LAST = field_keys()["last_touch"]


def ok(result: Any, code: int = 0) -> Any:
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    return result


def read(vault: Path, rel: str = DANA) -> str:
    return (vault / rel).read_bytes().decode("utf-8")


@pytest.mark.parametrize("before, after", [
    ("Last contact:: 2026-10-02\n", "Last contact:: 2026-11-22\n"),
    ("- **Last contact::** 2026-10-02  \n", "- **Last contact::** 2026-11-22  \n"),
    ("**Last contact**:: [[2026-10-02]]\n", "**Last contact**:: [[2026-11-22]]\n"),
    ("Met at KubeCon [last contact:: 2026-10-02] (tier:: B)\n", "Met at KubeCon [last contact:: 2026-11-22] (tier:: B)\n"),
    ("Последний контакт:: 12.11.2026\n", "Последний контакт:: 22.11.2026\n"),
    ("последний_контакт:: 3.10.26\n", "последний_контакт:: 22.11.26\n"),
    ("Last contact::\n", "Last contact:: 2026-11-22\n"),
    ("Last contact:: 2026-12-01\n", "Last contact:: 2026-12-01\n"),  # never back
])
def test_the_inline_field_is_edited_where_it_is(before: str, after: str) -> None:
    from datetime import date

    head, tail = "---\ntier: B\n---\n# Dana\n\n", "\n## Notes\nlikes tea\r\n"
    new = set_date_field((head + before + tail).encode(), LAST, "last_touch", date(2026, 11, 22), never_earlier=True)
    assert new == (head + after + tail).encode()


def test_slashed_inline_dates_keep_their_order() -> None:
    from datetime import date

    new = set_date_field(b"Last contact:: 10/02/2026\n", LAST, "last_touch", date(2026, 11, 22),
                         never_earlier=True, dates=DateReader(order="MDY"))
    assert new == b"Last contact:: 11/22/2026\n"


def test_a_value_that_is_not_a_date_is_refused(make_vault, run) -> None:
    vault = make_vault({DANA: "---\ntier: B\n---\nLast contact:: last spring\n"})
    before = read(vault)
    result = ok(run(vault, "touch", "Dana Ray"), 7)
    assert "'Last contact' on line 4 holds 'last spring', which is not a date" in result.stderr
    assert read(vault) == before


def test_touch_edits_the_dataview_field_and_logs_under_the_russian_heading(make_vault, run, due_json) -> None:
    text = ("---\r\ntier: B\r\n---\r\n# Dana Ray\r\n\r\nLast contact:: 2026-10-02\r\n**Company::** Acme\r\n\r\n"
            "## Лог\r\n- 02.10.2026 — кофе\r\n\r\n## Заметки\r\nлюбит чай\r\n")
    vault = make_vault({DANA: text})
    ok(run(vault, "touch", "Dana Ray", "--note", "звонок"))
    assert read(vault) == text.replace("Last contact:: 2026-10-02", "Last contact:: 2026-11-22").replace(
        "- 02.10.2026 — кофе\r\n", "- 02.10.2026 — кофе\r\n- 2026-11-22 — звонок\r\n")
    assert "last_touch" not in read(vault)
    assert due_json(vault)["reminders"] == []


def test_a_tick_edits_the_inline_field(make_vault, run) -> None:
    vault = make_vault({DANA: "# Dana\n\nTier:: A\nLast contact:: 2026-10-02\n\n## История\n"})
    ok(run(vault, "sync"))
    dash = vault / "CRM/Due this week.md"
    dash.write_text(dash.read_text("utf-8").replace("- [ ] [[People/Dana Ray|", "- [x] [[People/Dana Ray|"), "utf-8")
    ok(run(vault, "sync"))
    assert read(vault) == "# Dana\n\nTier:: A\nLast contact:: 2026-11-22\n\n## История\n\n- 2026-11-22 — caught up (every 14 days)\n"


def test_frontmatter_value_first_then_inline(make_vault, run) -> None:
    vault = make_vault({DANA: "---\nlast_contact: 2026-10-01\n---\nLast contact:: 2026-09-01\n",
                        "People/Eve.md": "---\nlast_contact:\n---\nLast contact:: 2026-09-01\n"})
    ok(run(vault, "touch", "Dana Ray"))
    ok(run(vault, "touch", "Eve"))
    assert read(vault) == "---\nlast_contact: 2026-11-22\n---\nLast contact:: 2026-09-01\n\n## Log\n\n- 2026-11-22\n"
    assert read(vault, "People/Eve.md") == ("---\nlast_contact:\n---\nLast contact:: 2026-11-22\n\n## Log\n\n"
                                            "- 2026-11-22\n")


def test_snooze_sets_and_clears_the_inline_field(make_vault, run, due_json) -> None:
    vault = make_vault({DANA: "Tier:: A\nSnooze until:: 2026-11-30\n"})
    ok(run(vault, "snooze", "Dana Ray", "--until", "2026-12-24"))
    assert read(vault) == "Tier:: A\nSnooze until:: 2026-12-24\n"
    ok(run(vault, "snooze", "Dana Ray", "--clear"))
    assert read(vault) == "Tier:: A\nSnooze until::\n"
    assert [r["kind"] for r in due_json(vault)["reminders"]] == ["never"]


VCARD = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Dana Ray\r\nN:Ray;Dana;;;\r\nEMAIL:dana@acme.example\r\nORG:Globex\r\nEND:VCARD\r\n"


def test_import_fills_and_keeps_inline_fields(make_vault, run, tmp_path) -> None:
    card = tmp_path / "c.vcf"
    card.write_text(VCARD, "utf-8")
    text = "---\ntier: B\n---\n**Company::** Acme\nEmail::\n"
    vault = make_vault({DANA: text})
    ok(run(vault, "import", "vcard", str(card)))
    assert read(vault) == "---\ntier: B\n---\n**Company::** Acme\nEmail:: dana@acme.example\n"
    ok(run(vault, "import", "vcard", str(card)))  # again: nothing to do
    assert read(vault) == "---\ntier: B\n---\n**Company::** Acme\nEmail:: dana@acme.example\n"
    # the user wrote Acme, so --overwrite keeps it (behaviour §12.4) and shows the inline line it would write
    kept = ok(run(vault, "import", "vcard", str(card), "--overwrite"))
    assert read(vault) == "---\ntier: B\n---\n**Company::** Acme\nEmail:: dana@acme.example\n"
    assert 'People/Dana Ray.md: company "Acme" → "Globex"\n' in kept.stdout
    assert "-**Company::** Acme\n+**Company::** Globex\n" in kept.stdout


def test_overwrite_replaces_an_inline_value_an_import_wrote(make_vault, run, tmp_path) -> None:
    vault = make_vault({DANA: "---\ntier: B\n---\nКомпания::\n"})
    card = tmp_path / "c.vcf"
    card.write_text(VCARD.replace("ORG:Globex", "ORG:Acme"), "utf-8")
    ok(run(vault, "import", "vcard", str(card)))
    filled = read(vault)
    assert filled == "---\ntier: B\nemail: dana@acme.example\n---\nКомпания:: Acme\n"
    moved = tmp_path / "moved.vcf"
    moved.write_text(VCARD, "utf-8")
    plain = ok(run(vault, "import", "vcard", str(moved)))  # without --overwrite: for review only
    assert "Компания:: Acme\n" in read(vault) and 'company "Acme" → "Globex"' in plain.stdout
    over = ok(run(vault, "import", "vcard", str(moved), "--overwrite"))  # the import's own value: replaced
    assert read(vault) == filled.replace("Компания:: Acme", "Компания:: Globex") and "kept in" not in over.stdout
    assert "(replaced)" in over.stdout


def test_touch_note_takes_the_first_log_heading_the_note_has() -> None:
    from datetime import date

    data = "# X\n\n## Журнал\n- старое\n\n## Log\n".encode()
    new = touch_note(data, LAST, date(2026, 11, 22), ("Log", "Лог", "История", "Журнал"), "- 2026-11-22")
    assert new.decode().endswith("## Log\n\n- 2026-11-22\n")
    new = touch_note("# X\n\n## журнал\n- старое\n".encode(), LAST, date(2026, 11, 22),
                     ("Log", "Лог", "История", "Журнал"), "- 2026-11-22")
    assert new.decode() == "---\nlast_touch: 2026-11-22\n---\n# X\n\n## журнал\n- старое\n- 2026-11-22\n"


def test_log_heading_list_in_the_config(make_vault, run) -> None:
    vault = make_vault({DANA: "---\ntier: A\n---\n## Встречи\n- 2026-10-01 — кофе\n",
                        ".vaultcrm/config.toml": 'log_heading = ["Встречи", "Log"]\n'})
    ok(run(vault, "touch", "Dana Ray"))
    assert read(vault).endswith("## Встречи\n- 2026-10-01 — кофе\n- 2026-11-22\n")
    bad = make_vault({".vaultcrm/config.toml": "log_heading = []\n"}, name="bad")
    assert "log_heading" in ok(run(bad, "due"), 3).stderr


# -- Russian property names ----------------------------------------------------------------------

def test_russian_property_names(make_vault, due_json) -> None:
    vault = make_vault({
        "People/Анна.md": "---\nуровень: close\nПоследний контакт: 2026-11-25\n---\n",
        "People/Пётр.md": "---\nуровень: B\nпоследний_контакт:\n---\n## Лог\n- 03.12.2026 — обсудили вакансию\n",
        "People/Вера.md": "---\nуровень: B\nкомпания: \"[[Яндекс]]\"\nчастота: 2w\nдень рождения: 1990-12-01\n"
                          "Как познакомились: конференция\nпознакомились: 2026-11-30\n---\n",
    })
    data = due_json(vault, "2026-12-06")
    rows = {(r["contact"], r["kind"]): r for r in data["reminders"]}
    assert rows[("Анна", "cadence")]["due"] == "2026-12-09"  # close = tier A, every 14 days
    assert ("Пётр", "never") not in rows and ("Пётр", "cadence") not in rows  # touched 3 days ago
    assert rows[("Вера", "followup")]["reason"] == "met 2026-11-30 (конференция); follow up within a day"
    vera = due_json(vault, "2026-11-28")
    assert [r["kind"] for r in vera["reminders"] if r["contact"] == "Вера"] == ["never", "occasion"]
