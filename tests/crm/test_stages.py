"""The CRM's stages as units, on parsed notes, without the command line: contribute (one note, its
links resolved), assemble (every contribution -> the contacts' touches) and evaluate (the rules)."""
from __future__ import annotations

from datetime import date

from vaultcrm.config import Config, build_config
from vaultcrm.crm.rules import evaluate
from vaultcrm.crm.touches import NOTHING, Contributor, assemble
from vaultcrm.model import Touch
from vaultcrm.vault.notes import parse

TODAY = date(2026, 11, 22)
NOTES = {
    "People/Jane Doe.md": "---\ntier: A\nlast_contact: 2026-10-01\n---\n- 2026-11-02: coffee #give\n",
    "People/Bob Roe.md": "---\ncadence: 1w\n---\n",
    "Daily/2026-11-20.md": "- lunch with [[Jane Doe]] and [[Bob Roe]] #intro\n- [ ] send [[Bob Roe]] the deck 📅 2026-11-25\n",
    "Notes/Plain.md": "Nothing here.\n",
}


def contributions(notes: dict[str, str], config: Config | None = None) -> dict[str, object]:
    config = config or Config()
    contributor = Contributor(list(notes), config)
    return {path: contributor(parse(path, text.encode())) for path, text in notes.items()}


def test_a_note_contributes_its_contact_and_the_touches_it_gives() -> None:
    parts = contributions(NOTES)
    jane = parts["People/Jane Doe.md"]
    assert jane.contact is not None and jane.contact.own_tier == "A"  # type: ignore[attr-defined]
    daily = parts["Daily/2026-11-20.md"]
    assert daily.contact is None  # type: ignore[attr-defined]
    assert [(target, t.day, t.source) for target, t in daily.touches] == [  # type: ignore[attr-defined]
        ("People/Jane Doe.md", date(2026, 11, 20), "daily"), ("People/Bob Roe.md", date(2026, 11, 20), "daily")]
    assert [(target, p.day) for target, p in daily.plans] == [  # type: ignore[attr-defined]
        ("Daily/2026-11-20.md", date(2026, 11, 25)), ("People/Bob Roe.md", date(2026, 11, 25))]
    assert parts["Notes/Plain.md"] == NOTHING


def test_assembling_gives_each_contact_its_touches_in_day_order() -> None:
    index = assemble(contributions(NOTES), TODAY)  # type: ignore[arg-type]
    jane = next(c for c in index.contacts if c.name == "Jane Doe")
    assert [(t.day, t.source) for t in jane.touches] == [
        (date(2026, 10, 1), "field"), (date(2026, 11, 2), "line"), (date(2026, 11, 20), "daily")]
    # a daily note's line gives its text and tags (a touch for show and stats), though not its date
    assert (jane.touch_count, jane.gives, jane.last_touch) == (
        3, 1, Touch(date(2026, 11, 20), "Daily/2026-11-20.md", 1, "daily", "lunch with [[Jane Doe]] and [[Bob Roe]] #intro",
                    tags=("intro",)))
    assert jane.last_line is not None and jane.last_line.day == date(2026, 11, 2)  # the last *dated* line
    bob = next(c for c in index.contacts if c.name == "Bob Roe")
    assert [p.day for p in bob.plans] == [date(2026, 11, 25)]


def test_assembling_leaves_out_touches_after_today() -> None:
    index = assemble(contributions(NOTES), date(2026, 11, 10))  # type: ignore[arg-type]
    jane = next(c for c in index.contacts if c.name == "Jane Doe")
    assert [t.day for t in jane.touches] == [date(2026, 10, 1), date(2026, 11, 2)]


def test_evaluating_gives_reminders_in_order_and_signals() -> None:
    config = build_config({"ask_after_touches": 3})
    index = assemble(contributions(NOTES, config), TODAY)  # type: ignore[arg-type]
    outcome = evaluate(index.contacts, config, TODAY)
    # Jane's next touch (2026-12-04) lies beyond the horizon; Bob's plan comes before his cadence
    assert [(r.contact.name, r.kind, r.due, r.overdue) for r in outcome.reminders] == [
        ("Bob Roe", "planned", date(2026, 11, 25), False), ("Bob Roe", "cadence", date(2026, 11, 27), False)]
    assert [c.name for c in outcome.signals.ready_to_ask] == ["Jane Doe"]
    assert outcome.signals.going_cold == [] and outcome.signals.give_first == []
