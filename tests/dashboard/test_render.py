"""The dashboard's stages as units: each contact's result, the template's data, the rendered note."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from vaultcrm.config import Config
from vaultcrm.crm.rules import evaluate
from vaultcrm.crm.touches import Contributor, assemble
from vaultcrm.dashboard.data import summary_counts, template_data
from vaultcrm.dashboard.guards import body_hash, document, read_existing
from vaultcrm.dashboard.render import render_body
from vaultcrm.dashboard.results import contact_results
from vaultcrm.dashboard.text import md_inline, note_link
from vaultcrm.vault.notes import parse

TODAY = date(2026, 11, 22)
NOTES = {
    "People/Jane Doe.md": "---\ntier: A\nlast_contact: 2026-10-01\n---\n- 2026-10-01: coffee about [[Acme|the deal]]\n",
    "People/A|B [x].md": "---\ntier: B\nmet: 2026-11-20\n---\n",
}


def results() -> dict[str, object]:
    config = Config()
    contributor = Contributor(list(NOTES), config)
    index = assemble({p: contributor(parse(p, t.encode())) for p, t in NOTES.items()}, TODAY)
    return contact_results(index.contacts, evaluate(index.contacts, config, TODAY), config, TODAY)  # type: ignore[return-value]


def test_each_contact_has_its_share_of_the_dashboard() -> None:
    shares = results()
    jane = shares["People/Jane Doe.md"]
    assert jane.line is not None
    item = jane.line[1]  # type: ignore[attr-defined]
    assert (jane.tier, jane.state, item["group"], [r["kind"] for r in item["reasons"]]) == (  # type: ignore[attr-defined]
        "A", "cold", "cold", ["cadence"])
    assert (item["days_late"], item["quote"], item["last"]) == (
        38, "coffee about…", {"link": "[[People/Jane Doe|1 Oct]]", "day": "2026-10-01"})  # cut to fit the line


def test_the_template_data_is_sorted_escaped_and_counted() -> None:
    data = template_data(results(), [], Config(), TODAY)  # type: ignore[arg-type]
    assert [item["group"] for item in data["now"]["shown"]] == ["followup", "cold"]
    assert data["now"]["shown"][0]["link"] == "[A\\|B \\[x\\]](People/A%7CB%20%5Bx%5D.md)"
    assert data["health"] == [{"key": "cold", "count": 1}, {"key": "late", "count": 1}, {"key": "today", "count": 0},
                              {"key": "later", "count": 0}, {"key": "on_track", "count": 0}]
    assert summary_counts(results()) == "1 overdue · 0 due · 1 follow-up · 0 occasions · 2 contacts"  # type: ignore[arg-type]


def test_the_note_is_rendered_with_its_marker_count_and_hash(tmp_path: Path) -> None:
    body = render_body(tmp_path, template_data(results(), [], Config(), TODAY))  # type: ignore[arg-type]
    text = document(body, 2)
    (tmp_path / "Due.md").write_text(text)
    existing = read_existing(tmp_path / "Due.md")
    assert existing is not None and existing.ours and existing.contacts == 2 and not existing.edited
    assert text.startswith("---\nvaultcrm: generated\n---\n")
    assert text.endswith(f"\n%% vaultcrm · contacts: 2 · body: {body_hash(body)} · vaultcrm rewrites this note: "
                         "tick its boxes, and write anything else in another note %%\n")
    assert body_hash(body.replace("- [ ]", "- [x]", 1)) == body_hash(body)  # a tick is not an edit


def test_text_from_notes_cannot_make_structure() -> None:
    assert md_inline("a | b ]] #tag\nnext `code` $x$") == "a \\| b \\]\\] \\#tag next \\`code\\` \\$x\\$"
    assert note_link("People/Jane Doe.md", "Jane [x] | Doe") == "[Jane \\[x\\] \\| Doe](People/Jane%20Doe.md)"
    assert note_link("People/Jane Doe.md", "Jane O'Doe") == "[[People/Jane Doe|Jane O'Doe]]"


def test_boxes_ticked_in_a_folded_callout_are_read_and_do_not_edit(tmp_path: Path) -> None:
    body = "## Today\n- [ ] [[People/A|A]] — late\n\n> [!note]- 2 more\n> - [ ] [[People/B|B]] — x\n>- [ ] [[People/C|C]]\n"
    ticked = body.replace("> - [ ]", "> - [x]").replace(">- [ ]", ">- [X]")
    (tmp_path / "Due.md").write_text(document(body, 3).replace(body, ticked), "utf-8")
    existing = read_existing(tmp_path / "Due.md")
    assert existing is not None and not existing.edited
    assert existing.ticked == ("[[People/B|B]] — x", "[[People/C|C]]")


def ru_results() -> dict[str, object]:
    config = Config(language="ru")
    contributor = Contributor(list(NOTES), config)
    index = assemble({p: contributor(parse(p, t.encode())) for p, t in NOTES.items()}, TODAY)
    return contact_results(index.contacts, evaluate(index.contacts, config, TODAY), config, TODAY)  # type: ignore[return-value]


def test_a_russian_vaults_note_is_russian_its_stamp_still_guards(tmp_path: Path) -> None:
    """Every word in the vault's language: the parts, the urgency and plural forms, the days (Babel),
    the chart, the closing comment's readable words; the guards read the comment in any language."""
    from vaultcrm.i18n import language

    data = template_data(ru_results(), [], Config(language="ru"), TODAY)  # type: ignore[arg-type]
    assert (data["today_label"], data["language"]) == ("вс 22 нояб.", "ru")
    body = render_body(tmp_path, data)
    assert body.splitlines()[:3] == [
        "## Сегодня · вс 22 нояб.",
        "- [ ] [A\\|B \\[x\\]](People/A%7CB%20%5Bx%5D.md) — **написать**, просрочка 1 день · познакомились 20 нояб.",
        "- [ ] [[People/Jane Doe|Jane Doe]] — **остывает**, просрочка 38 дней · каждые 14 дней · общались "
        "[[People/Jane Doe|1 окт.]]"]
    assert '    "Остывают" : 1' in body and "**Остывают** (просрочено больше чем на целый интервал)" in body
    text = document(body, 2, language("ru"))
    assert text.endswith(f"\n%% vaultcrm · контактов: 2 · body: {body_hash(body)} · vaultcrm переписывает эту "
                         "заметку: отмечайте в ней галочки, а всё остальное пишите в другой заметке %%\n")
    (tmp_path / "Due.md").write_text(text, "utf-8")
    existing = read_existing(tmp_path / "Due.md")
    assert existing is not None and existing.ours and existing.contacts == 2 and not existing.edited
    (tmp_path / "Due.md").write_text(text.replace("просрочка 38", "просрочка 39"), "utf-8")
    assert read_existing(tmp_path / "Due.md").edited  # type: ignore[union-attr]


def test_a_template_phrases_a_line_from_its_parts(tmp_path: Path) -> None:
    """A template of one's own gets the parts (group, kind, days, ISO dates, counts) and gettext's
    functions, so it can say things its own way, in any language."""
    folder = tmp_path / ".vaultcrm/templates"
    folder.mkdir(parents=True)
    (folder / "dashboard.md.j2").write_text(
        "{% for p in now.shown %}{{ p.group }} {{ p.day }} {{ p.days_late }}:"
        "{% for r in p.reasons %} {{ r.kind }} {{ r.day }}{{ ' ' ~ r.count ~ r.unit if r.kind == 'cadence' }}{% endfor %}"
        " — {{ ngettext('{n} day late', '{n} days late', p.days_late).format(n=p.days_late) }}\n{% endfor %}", "utf-8")
    body = render_body(tmp_path, template_data(ru_results(), [], Config(language="ru"), TODAY))  # type: ignore[arg-type]
    assert body == ("followup 2026-11-21 1: followup 2026-11-21 — просрочка 1 день\n"
                    "cold 2026-10-15 38: cadence 2026-10-15 14day — просрочка 38 дней\n")
