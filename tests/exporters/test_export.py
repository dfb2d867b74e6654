"""Exports: the iCalendar feed parsed back with icalendar, and the networking CSV."""
from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest
from dateutil.rrule import rrulestr
from icalendar import Calendar

from vaultcrm.exporters.calendar import (
    CalendarItem,
    calendar_items,
    ics_bytes,
    obsidian_url,
)
from vaultcrm.exporters.spreadsheet import CSV_COLUMNS, csv_rows, csv_text
from vaultcrm.model import Contact, Plan, Reminder, Touch

TODAY = date(2026, 11, 22)
HORIZON_END = TODAY + timedelta(days=89)
VAULT = "My Vault"


def contact(name: str, path: str | None = None, **kw: object) -> Contact:
    return Contact(path=path or f"People/{name}.md", name=name, **kw)  # type: ignore[arg-type]


def reminder(c: Contact, kind: str, due: date, reason: str = "tier A, every 14 days",
             plan: Plan | None = None, today: date = TODAY) -> Reminder:
    overdue = due < today
    return Reminder(c, kind, due, overdue, (today - due).days if overdue else 0,
                    14 if kind == "cadence" else None, reason, plan)


@pytest.fixture
def world() -> tuple[list[Reminder], list[Contact]]:
    jane = contact("Jane Doe", tier="A", company="[[Acme, Inc.|Acme]]", how_met="LinkedIn",
                   occasions=(("birthday", 12, 4, 1990),),
                   touches=[Touch(date(2026, 10, 27), "Daily/2026-10-27.md", 4, "line",
                                  "Coffee; talked about KMP, CI caches")])
    zoe = contact("Zoë Šimková", tier="B", occasions=(("birthday", 2, 29, None),),
                  touches=[Touch(date(2026, 11, 20), "People/Zoë Šimková.md", None, "field")])
    maria = contact("Мария Петрова", path="Contacts/Work/Мария Петрова.md",
                    occasions=(("birthday", 3, 8, None), ("anniversary", 6, 1, 2015)))
    gone = contact("Old Friend", active=False, occasions=(("birthday", 1, 1, None),))
    skipped = contact("Recruiter Bot", skipped=True, occasions=(("birthday", 1, 2, None),))
    plan = Plan(date(2026, 11, 25), "People/Мария Петрова.md", 12, "send her the deck, and the notes")
    reminders = [
        reminder(jane, "cadence", date(2026, 11, 10),
                 "tier A, every 14 days; last touch 2026-10-27 (Daily/2026-10-27.md)"),
        reminder(zoe, "followup", TODAY + timedelta(days=1), "met 2026-11-20; follow up within a day"),
        reminder(maria, "planned", plan.day, "planned: send her the deck", plan),
        reminder(jane, "occasion", date(2026, 12, 4), "birthday 12-04"),
        reminder(maria, "never", TODAY + timedelta(days=200), "never touched"),  # beyond the horizon
    ]
    return reminders, [jane, zoe, maria, gone, skipped]


def build(world: tuple[list[Reminder], list[Contact]], today: date = TODAY) -> bytes:
    reminders, contacts = world
    items = calendar_items(reminders, contacts, today=today, horizon_end=HORIZON_END, vault_name=VAULT,
                           dashboard="CRM/Due this week.md")
    return ics_bytes(items, vault_name=VAULT, today=today)


def events(data: bytes) -> dict[str, object]:
    cal = Calendar.from_ical(data)
    return {str(e["SUMMARY"]): e for e in cal.walk("VEVENT")}


def test_ics_events_dates_and_text(world: tuple[list[Reminder], list[Contact]]) -> None:
    evs = events(build(world))
    assert sorted(evs) == [
        "Anniversary: Мария Петрова",
        "Birthday: Jane Doe",
        "Birthday: Zoë Šimková",
        "Birthday: Мария Петрова",
        "Follow up: Zoë Šimková",
        "Overdue: Jane Doe",
        "Planned: Мария Петрова — send her the deck, and the notes",
    ]
    overdue = evs["Overdue: Jane Doe"]
    assert overdue["DTSTART"].dt == TODAY  # what is overdue shows on today, in one digest
    assert overdue["DTEND"].dt == TODAY + timedelta(days=1)
    assert "RRULE" not in overdue
    assert str(overdue["DESCRIPTION"]) == (
        "Jane Doe — 12 days late: tier A, every 14 days; last touch 2026-10-27 (Daily/2026-10-27.md)\n"
        "obsidian://open?vault=My%20Vault&file=CRM%2FDue%20this%20week")
    assert str(overdue["URL"]) == "obsidian://open?vault=My%20Vault&file=CRM%2FDue%20this%20week"
    assert str(evs["Follow up: Zoë Šimková"]["URL"]) == "obsidian://open?vault=My%20Vault&file=People%2FZo%C3%AB%20%C5%A0imkov%C3%A1"
    assert str(overdue["TRANSP"]) == "TRANSPARENT"
    assert overdue["DTSTAMP"].dt == datetime(2026, 11, 22, tzinfo=UTC)
    assert evs["Follow up: Zoë Šimková"]["DTSTART"].dt == date(2026, 11, 23)
    assert evs["Planned: Мария Петрова — send her the deck, and the notes"]["DTSTART"].dt == date(2026, 11, 25)


def test_ics_titles_and_descriptions_are_plain_text() -> None:
    ann = contact("Ann", touches=[Touch(date(2026, 11, 1), "People/Ann.md", 5, "line",
                                        "2026-11-01 — sent [[Acme|the deck]] to **Ann** #give ✅ 2026-11-01")])
    plan = Plan(date(2026, 11, 26), "Daily/2026-11-21.md", 8,
                "Send [[Marcus Webb]] the *answers* 📅 2026-11-26 🔁 every week #todo")
    items = calendar_items([reminder(ann, "planned", plan.day, f"planned: {plan.text}", plan),
                            reminder(ann, "cadence", date(2026, 11, 30), "tier A, every 14 days")], [ann],
                           today=TODAY, horizon_end=HORIZON_END, vault_name=VAULT)
    assert [i.summary for i in items] == ["Planned: Ann — Send Marcus Webb the answers every week",
                                          "Touch base: Ann"]
    assert items[1].description.splitlines()[1] == "Last time (2026-11-01): sent the deck to Ann"
    for item in items:
        assert not any(mark in item.summary + item.description for mark in ("[[", "]]", "#", "📅", "🔁", "✅", "*"))


def test_what_is_overdue_is_one_digest_event_on_today() -> None:
    people = [contact(f"P{n}") for n in range(6)]
    late = [reminder(p, "cadence", TODAY - timedelta(days=n + 1), f"tier A; every {n} days") for n, p in enumerate(people)]
    items = calendar_items([*late, reminder(people[0], "planned", TODAY - timedelta(days=30), "planned: call",
                                            Plan(TODAY - timedelta(days=30), "People/P0.md", 3, "call"))],
                           people, today=TODAY, horizon_end=HORIZON_END, vault_name=VAULT, dashboard="CRM/Due.md")
    assert len(items) == 1 and items[0].day == TODAY
    assert items[0].summary == "Overdue: P0, P5, P4 and 3 more"
    assert items[0].description.splitlines()[:2] == ["P0 — 30 days late: tier A; every 0 days; planned: call",
                                                     "P5 — 6 days late: tier A; every 5 days"]


def test_ics_birthdays_recur_yearly(world: tuple[list[Reminder], list[Contact]]) -> None:
    evs = events(build(world))
    jane = evs["Birthday: Jane Doe"]
    assert jane["DTSTART"].dt == date(1990, 12, 4)
    assert jane["RRULE"].to_ical() == b"FREQ=YEARLY"
    assert str(jane["DESCRIPTION"]).startswith("birthday: 1990-12-04\n")
    maria = evs["Birthday: Мария Петрова"]
    assert maria["DTSTART"].dt == date(2000, 3, 8)  # no year known: the first instance in 2000
    assert str(maria["URL"]) == obsidian_url(VAULT, "Contacts/Work/Мария Петрова.md")


def test_ics_29_february_falls_on_28_february_in_common_years(
        world: tuple[list[Reminder], list[Contact]]) -> None:
    zoe = events(build(world))["Birthday: Zoë Šimková"]
    start = zoe["DTSTART"].dt
    assert start == date(2000, 2, 29)
    rule = rrulestr(zoe["RRULE"].to_ical().decode(), dtstart=datetime(start.year, start.month, start.day))
    days = [d.date() for d in rule.between(datetime(2026, 1, 1), datetime(2029, 1, 1))]
    assert days == [date(2026, 2, 28), date(2027, 2, 28), date(2028, 2, 29)]
    assert "28 February in common years" in str(zoe["DESCRIPTION"])


def test_ics_leaves_out_occasion_reminders_late_reminders_and_inactive_contacts(
        world: tuple[list[Reminder], list[Contact]]) -> None:
    summaries = set(events(build(world)))
    assert not any("Old Friend" in s or "Recruiter Bot" in s for s in summaries)
    assert not any(s.startswith("Touch base: Мария") for s in summaries)  # due after the horizon
    assert sum(s.startswith("Birthday: Jane Doe") for s in summaries) == 1  # yearly event only


def test_ics_is_byte_identical_for_identical_input(world: tuple[list[Reminder], list[Contact]]) -> None:
    assert build(world) == build(world)
    reminders, contacts = world
    shuffled = (list(reversed(reminders)), list(reversed(contacts)))
    assert build(shuffled) == build(world)


def test_ics_uids_are_unique_and_stable_when_due_days_move(
        world: tuple[list[Reminder], list[Contact]]) -> None:
    first = {s: str(e["UID"]) for s, e in events(build(world)).items()}
    assert len(set(first.values())) == len(first)
    assert all(uid.endswith("@vaultcrm") for uid in first.values())
    # A week later the digest of what is overdue has moved, and holds the two events now overdue too;
    # it keeps its UID.
    week_later = TODAY + timedelta(days=7)
    moved = [reminder(r.contact, r.kind, r.due, r.reason, r.plan, today=week_later) for r in world[0]]
    later = {str(e["UID"]): s for s, e in events(build((moved, world[1]), today=week_later)).items()}
    assert len(later) == len(first) - 2
    assert later[first["Overdue: Jane Doe"]] == "Overdue: Jane Doe, Zoë Šimková, Мария Петрова"
    assert later[first["Birthday: Zoë Šimková"]] == "Birthday: Zoë Šimková"


def test_ics_uid_depends_on_vault_path_kind_and_field() -> None:
    base = CalendarItem(("V", "People/A.md", "cadence", ""), TODAY, "s", "d", "u")
    assert base.uid == CalendarItem(("V", "People/A.md", "cadence", ""), TODAY + timedelta(days=3),
                                    "other", "x", "y").uid
    others = [("W", "People/A.md", "cadence", ""), ("V", "People/B.md", "cadence", ""),
              ("V", "People/A.md", "never", ""), ("V", "People/A.md", "occasion", "birthday")]
    assert len({base.uid, *(CalendarItem(o, TODAY, "s", "d", "u").uid for o in others)}) == 5


def test_two_identical_open_tasks_get_distinct_uids() -> None:
    c = contact("Jane Doe")
    plan = Plan(date(2026, 11, 25), "People/Jane Doe.md", 3, "call")
    twin = Plan(date(2026, 11, 26), "People/Jane Doe.md", 9, "call")
    items = calendar_items([reminder(c, "planned", plan.day, plan=plan),
                            reminder(c, "planned", twin.day, plan=twin)], [c],
                           today=TODAY, horizon_end=HORIZON_END, vault_name=VAULT)
    assert len({i.uid for i in items}) == 2


def test_ics_is_valid_rfc5545_text(world: tuple[list[Reminder], list[Contact]]) -> None:
    reminders, contacts = world
    odd = contact("Doe, Jane; \"JD\" Jr.", path="People/Doe, Jane.md",
                  occasions=(("birthday", 7, 14, None),))
    long_reason = "tier A, every 14 days; " + "Zoë Šimková and Мария Петрова, " * 6
    data = build(([*reminders, reminder(odd, "cadence", TODAY, long_reason)], [*contacts, odd]))
    assert b"\n" not in data.replace(b"\r\n", b"")  # CRLF only
    assert data.endswith(b"END:VCALENDAR\r\n")
    lines = data.split(b"\r\n")[:-1]
    assert max(len(line) for line in lines) <= 75  # folded at 75 octets...
    assert any(line.startswith(b" ") for line in lines)  # ...and folding did happen
    for line in lines:
        line.decode("utf-8")  # never split inside a UTF-8 sequence
    unfolded = data.replace(b"\r\n ", b"").decode("utf-8")
    assert "SUMMARY:Touch base: Doe\\, Jane\\; \"JD\" Jr.\r\n" in unfolded
    assert "DESCRIPTION:tier A\\, every 14 days\\; Zoë" in unfolded
    cal = Calendar.from_ical(data)
    assert str(cal["VERSION"]) == "2.0" and str(cal["PRODID"]).startswith("-//vaultcrm//")
    evs = {str(e["SUMMARY"]): e for e in cal.walk("VEVENT")}
    assert str(evs["Touch base: Doe, Jane; \"JD\" Jr."]["DESCRIPTION"]).startswith(long_reason.rstrip())
    for e in cal.walk("VEVENT"):
        assert not e.errors
        for key in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY"):
            assert key in e
        assert e["DTSTART"].params.get("VALUE") == "DATE"


def test_empty_calendar_is_still_a_calendar() -> None:
    cal = Calendar.from_ical(ics_bytes([], vault_name=VAULT, today=TODAY))
    assert cal.walk("VEVENT") == []
    assert str(cal["X-WR-CALNAME"]) == "vaultcrm: My Vault"


def test_obsidian_url_quotes_everything() -> None:
    assert obsidian_url("My Vault", "People/Jane Doe.md") == \
        "obsidian://open?vault=My%20Vault&file=People%2FJane%20Doe"
    assert obsidian_url("v&x", "A/B#c?.MD") == "obsidian://open?vault=v%26x&file=A%2FB%23c%3F"


# --- CSV -----------------------------------------------------------------------------------------

def test_csv_rows_one_per_contact(world: tuple[list[Reminder], list[Contact]]) -> None:
    reminders, contacts = world
    rows = csv_rows(contacts, reminders)
    assert [r[0] for r in rows] == ["Jane Doe", "Old Friend", "Recruiter Bot", "Zoë Šimková",
                                    "Мария Петрова"]
    assert dict(zip(CSV_COLUMNS, rows[0], strict=False)) == {
        "Name": "Jane Doe", "Company": "Acme", "How met": "LinkedIn", "Last touch": "2026-10-27",
        "Tier": "A", "Next due": "2026-11-10", "Touches": "1",
        "Notes": "Coffee; talked about KMP, CI caches"}
    zoe = dict(zip(CSV_COLUMNS, rows[3], strict=False))
    assert (zoe["Last touch"], zoe["Next due"], zoe["Notes"]) == ("2026-11-20", "2026-11-23", "")
    maria = dict(zip(CSV_COLUMNS, rows[4], strict=False))
    assert maria["Next due"] == "2026-11-25"  # the earlier of planned and never; occasions ignored
    assert (maria["Last touch"], maria["Tier"], maria["Touches"]) == ("", "", "0")


def test_csv_text_round_trips_through_a_csv_reader(world: tuple[list[Reminder], list[Contact]]) -> None:
    reminders, contacts = world
    odd = contact("=HYPERLINK(\"x\")", company=["[[Acme]]", "[[Orgs/Globex|Globex]]"],
                  touches=[Touch(date(2026, 11, 1), "People/x.md", 3, "line", "said \"hi\",\nthen left")])
    text = csv_text(csv_rows([*contacts, odd], reminders))
    assert text.startswith("Name,Company,How met,Last touch,Tier,Next due,Touches,Notes\r\n")
    parsed = list(csv.reader(io.StringIO(text, newline="")))
    assert parsed[0] == list(CSV_COLUMNS)
    assert len(parsed) == 1 + len(contacts) + 1
    row = dict(zip(CSV_COLUMNS, parsed[1], strict=False))
    assert row["Name"] == "'=HYPERLINK(\"x\")"  # never a formula in a spreadsheet
    assert row["Company"] == "Acme, Globex"
    assert row["Notes"] == "said \"hi\", then left"
