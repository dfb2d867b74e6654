"""Dates as people write them (behaviour §2, §3): day-first dotted dates, slashed dates in
`date_order`, month names in Russian and English at the start of dated lines, and daily notes named
in a format with month and weekday names in either language. Babel (CLDR) writes the names the
round-trip tests read back: an oracle independent of vaultcrm's own tables."""
from __future__ import annotations

import json
from datetime import date

import pytest
from babel.dates import format_date
from hypothesis import given, settings
from hypothesis import strategies as st

from vaultcrm.durations import LAST_DAY
from vaultcrm.vault.dates import DailyFormat, DateReader, read_lead, to_date
from vaultcrm.vault.notes import parse

PLAIN = DateReader()


@pytest.mark.parametrize("line, day", [
    ("12.11.2026 — звонок", date(2026, 11, 12)),
    ("3.12.2026: обсудили", date(2026, 12, 3)),
    ("03.12.2026", date(2026, 12, 3)),
    ("12.11.26 созвон", date(2026, 11, 12)),
    ("1.2.85 — school", date(1985, 2, 1)),
    ("[[12.11.2026]] встреча", date(2026, 11, 12)),
    ("[[12.11.2026|четверг]] встреча", date(2026, 11, 12)),
    ("**3.12.2026** — кофе", date(2026, 12, 3)),
    ("2026/11/12 call", date(2026, 11, 12)),
    ("2026.11.12 call", date(2026, 11, 12)),
    ("12 ноября 2026 — звонок", date(2026, 11, 12)),
    ("12 ноября 2026 г. — звонок", date(2026, 11, 12)),
    ("12 ноября 2026 года: звонок", date(2026, 11, 12)),
    ("1 мая 2026", date(2026, 5, 1)),
    ("12 нояб. 2026", date(2026, 11, 12)),
    ("12 Nov 2026 coffee", date(2026, 11, 12)),
    ("12th November 2026 coffee", date(2026, 11, 12)),
    ("November 12, 2026: coffee", date(2026, 11, 12)),
    ("Nov 12 2026 — coffee", date(2026, 11, 12)),
    ("[[12 ноября 2026]] звонок", date(2026, 11, 12)),
])
def test_dates_read_without_settings(line: str, day: date) -> None:
    assert read_lead(line) == (day, None)


@pytest.mark.parametrize("line", [
    "coffee with Bob", "3 apples 2026", "1.2.345 released", "12.11.2026x", "version 3.12 notes", "20261112 order",
    "12 2026", "[[Bob]] 12.11.2026",
])
def test_no_date_at_all(line: str) -> None:
    assert read_lead(line) == (None, None)


@pytest.mark.parametrize("line, lead", [
    ("03/04/2026 — call", "03/04/2026"),
    ("12-11-2026 call", "12-11-2026"),
    ("31.02.2026 — звонок", "31.02.2026"),
    ("2026-13-45 call", "2026-13-45"),
    ("2026-11-2 call", "2026-11-2"),
    ("12 ноябя 2026 — звонок", "12 ноябя 2026"),
    ("Novmber 12, 2026", "Novmber 12, 2026"),
])
def test_date_shaped_leads_are_kept_for_the_vaults_settings(line: str, lead: str) -> None:
    assert read_lead(line) == (None, lead)


def test_slashed_dates_need_date_order() -> None:
    with pytest.raises(ValueError, match=r"3 April 2026 or 4 March 2026.*2026-04-03 or 2026-03-04.*date_order"):
        PLAIN.lead("03/04/2026")
    with pytest.raises(ValueError, match=r"write it as 2026-11-25, or set date_order = \"DMY\""):
        PLAIN.lead("25/11/2026")
    assert DateReader(order="DMY").lead("03/04/2026") == date(2026, 4, 3)
    assert DateReader(order="MDY").lead("03/04/2026") == date(2026, 3, 4)
    assert DateReader(order="DMY").lead("12-11-26") == date(2026, 11, 12)
    with pytest.raises(ValueError, match="not a real day in date_order MDY"):
        DateReader(order="MDY").lead("25/11/2026")
    with pytest.raises(ValueError, match="'ноябя' is not a month name; write 2026-11-12"):
        PLAIN.lead("12 ноябя 2026")


@pytest.mark.parametrize("value, day", [
    ("12.11.2026", date(2026, 11, 12)), ("3.12.26", date(2026, 12, 3)), ("[[12.11.2026]]", date(2026, 11, 12)),
    ("2026/11/12", date(2026, 11, 12)),
])
def test_property_values(value: str, day: date) -> None:
    assert to_date(value) == day


def test_property_values_in_the_vaults_settings() -> None:
    reader = DateReader(DailyFormat("Daily/YYYY-MM-DD dddd"), "MDY")
    assert to_date("11/12/2026", reader) == date(2026, 11, 12)
    assert to_date("2026-11-21 пятница", reader) == date(2026, 11, 21)
    assert to_date("[[Daily/2026-11-21 пятница]]", reader) == date(2026, 11, 21)
    with pytest.raises(ValueError, match="date_order"):
        to_date("11/12/2026")
    with pytest.raises(ValueError):
        to_date("12 ноября 2026")  # month names: in dated lines only


# -- any date, any form ---------------------------------------------------------------------------

def _forms(day: date, order: str) -> list[str]:
    """`day` written every way vaultcrm reads, with the order its slashed forms need."""
    d, m, y = day.day, day.month, day.year
    forms = [day.isoformat(), f"{d:02d}.{m:02d}.{y}", f"{d}.{m}.{y}", f"{y}/{m:02d}/{d:02d}", f"{y}.{m:02d}.{d:02d}",
             f"{d}/{m}/{y}" if order == "DMY" else f"{m}/{d}/{y}",
             f"{d:02d}-{m:02d}-{y}" if order == "DMY" else f"{m:02d}-{d:02d}-{y}"]
    if 1969 <= y <= 2068:
        forms.append(f"{d:02d}.{m:02d}.{y % 100:02d}")
    for locale in ("ru", "en"):
        forms += [format_date(day, "d MMMM y", locale=locale), format_date(day, "d MMM y", locale=locale)]
    forms += [format_date(day, "d MMMM y 'г.'", locale="ru"), format_date(day, "MMMM d, y", locale="en"),
              format_date(day, "MMM d y", locale="en")]
    return forms


@settings(max_examples=300, deadline=None)
@given(st.dates(min_value=date(1000, 1, 1), max_value=date(9999, 12, 31)), st.sampled_from(["DMY", "MDY"]),
       st.sampled_from([" — звонок", ": coffee", "", " [[Bob]]", ", x"]))
def test_every_form_of_every_date_reads_back(day: date, order: str, tail: str) -> None:
    reader = DateReader(order=order)
    for form in _forms(day, order):
        found, lead = read_lead(form + tail)
        assert (found or reader.lead(lead or "")) == day, form
        for wrapped in (f"[[{form}]]", f"**{form}**"):
            found, lead = read_lead(wrapped + tail)
            assert (found or reader.lead(lead or "")) == day, wrapped
        if not any(c.isalpha() for c in form):
            if day <= LAST_DAY:
                assert to_date(form, reader) == day, form
            else:  # a property date too far in the future to add a cadence to is refused
                with pytest.raises(ValueError, match="too far in the future"):
                    to_date(form, reader)


# -- daily notes named in any language --------------------------------------------------------------

# Moment tokens -> the CLDR patterns that write them (format and stand-alone forms: Obsidian's Moment
# writes `ноября` in `D MMMM`, `ноябрь` alone)
CLDR = {"YYYY": ["yyyy"], "YY": ["yy"], "MMMM": ["MMMM", "LLLL"], "MMM": ["MMM", "LLL"], "MM": ["MM"],
        "M": ["M"], "DD": ["dd"], "D": ["d"], "dddd": ["EEEE"], "ddd": ["EEE"], "dd": ["EEEEEE"]}
FORMATS = [
    ["YYYY", "-", "MM", "-", "DD", " ", "dddd"], ["dddd", ", ", "D", " ", "MMMM", " ", "YYYY"],
    ["D", " ", "MMMM", " ", "YYYY"], ["DD", ".", "MM", ".", "YYYY"], ["YYYY", "/", "MMMM", "/", "YYYY", "-", "MM", "-", "DD"],
    ["ddd", " ", "D", " ", "MMM", " ", "YYYY"], ["YY", "-", "MM", "-", "DD", " ", "dd"], ["MMMM", " ", "D", ", ", "YYYY"],
    ["YYYY", "-", "M", "-", "D", " (", "ddd", ")"],
]


@settings(max_examples=300, deadline=None)
@given(st.dates(min_value=date(1969, 1, 1), max_value=date(2068, 12, 31)), st.sampled_from(FORMATS),
       st.sampled_from(["ru", "en"]), st.integers(0, 1))
def test_daily_note_names_round_trip(day: date, tokens: list[str], locale: str, form: int) -> None:
    name = "".join(format_date(day, CLDR[t][min(form, len(CLDR[t]) - 1)], locale=locale) if t in CLDR else t
                   for t in tokens)
    pattern = "".join(t if t in CLDR else f"[{t}]" for t in tokens)
    assert DailyFormat(pattern).day_of(f"{name}.md") == day, name
    if "/" not in pattern:  # a line opening with the name is never read as another day
        found, lead = read_lead(f"{name} — x")
        if lead is not None:
            try:
                found = DateReader(DailyFormat(pattern)).lead(lead)
            except ValueError:
                found = None
        assert found in (day, None), name


def test_russian_daily_note_is_a_daily_note(make_vault, due_json) -> None:
    vault = make_vault({
        ".obsidian/daily-notes.json": json.dumps({"folder": "Дневник", "format": "YYYY-MM-DD dddd"}),
        "Дневник/2026-11-21 пятница.md": "Созвон с [[Анна Смирнова]] про вакансии\n",
        "People/Анна Смирнова.md": "---\ntier: B\n---\n",
    })
    (row,) = due_json(vault, "2026-12-22")["reminders"]
    assert (row["last_touch"], row["evidence"]) == ("2026-11-21", "Дневник/2026-11-21 пятница.md")


# -- in the vault -----------------------------------------------------------------------------------

def test_dotted_log_lines_are_touches(make_vault, due_json) -> None:
    vault = make_vault({
        "People/Ирина.md": "---\ntier: B\n---\n## Лог\n- 12.11.2026 — звонок\n",
        "People/Олег.md": "---\ntier: A\n---\n- 03.12.2026 — обсудили переезд\n",
    })
    due = {r["contact"]: (r["last_touch"], r["due"]) for r in due_json(vault, "2026-12-06")["reminders"]}
    assert due == {"Ирина": ("2026-11-12", "2026-12-12")}  # Олег, touched 3 days ago, is not due
    due = {r["contact"]: (r["last_touch"], r["due"]) for r in due_json(vault, "2026-12-17")["reminders"]}
    assert due == {"Ирина": ("2026-11-12", "2026-12-12"), "Олег": ("2026-12-03", "2026-12-17")}


def test_slashed_dates_with_date_order(make_vault, due_json, run) -> None:
    files = {"People/Jane.md": "---\ntier: B\nlast_contact: 10/02/2026\n---\n- 11/05/2026 — call [[Bob]]\n",
             "People/Bob.md": "---\ntier: B\n---\n"}
    vault = make_vault({**files, ".vaultcrm/config.toml": 'date_order = "MDY"\n'})
    rows = {r["contact"]: r["last_touch"] for r in due_json(vault, "2026-12-30")["reminders"]}
    assert rows == {"Jane": "2026-11-05", "Bob": "2026-11-05"}
    us = make_vault({**files, ".vaultcrm/config.toml": 'date_order = "DMY"\n'}, name="dmy")
    rows = {r["contact"]: r["last_touch"] for r in due_json(us, "2026-12-30")["reminders"]}
    assert rows == {"Jane": "2026-05-11", "Bob": "2026-05-11"}


def test_unread_dates_are_check_findings(make_vault, run) -> None:
    vault = make_vault({
        "People/Jane.md": "---\ntier: B\nlast_contact: 03/04/2026\n---\n- 03/04/2026 — call\n"
                          "- 12 ноябя 2026 — звонок\n- 31.02.2026 — встреча\n",
        "Notes/Trip.md": "- 05/06/2026 met [[Jane]]\n- 05/06/2026 nobody to touch\n",
    })
    result = run(vault, "check")
    assert result.exit_code == 1
    out = result.stdout
    assert "People/Jane.md:3: last_contact: '03/04/2026' could be 3 April 2026 or 4 March 2026" in out
    assert "People/Jane.md:5: this line starts with a date vaultcrm cannot read" in out
    assert "write it as 2026-04-03 or 2026-03-04, or set date_order" in out
    assert "People/Jane.md:6: this line starts with a date vaultcrm cannot read, so it is not counted: " \
           "'12 ноябя 2026': 'ноябя' is not a month name; write 2026-11-12" in out
    assert "People/Jane.md:7:" in out and "'31.02.2026' is not a real day" in out
    assert "Notes/Trip.md:1:" in out and "Notes/Trip.md:2:" not in out


def test_invalid_date_order_is_a_config_error(make_vault, run) -> None:
    vault = make_vault({".vaultcrm/config.toml": 'date_order = "YDM"\n'})
    result = run(vault, "due")
    assert result.exit_code == 3 and "date_order: expected one of DMY, MDY" in result.stderr


def test_entries_keep_their_lead() -> None:
    (entry,) = parse("People/J.md", "- 03/04/2026 — call\n".encode()).entries
    assert entry.date is None and entry.lead == "03/04/2026"
