"""`vaultcrm.dates`: date values as users write them, durations (behaviour §4.1), calendar arithmetic,
birthdays and Moment.js daily-note formats (behaviour §3 T4)."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vaultcrm.durations import LAST_DAY, Duration, add_duration, next_occurrence, parse_duration
from vaultcrm.vault.dates import (
    DailyFormat,
    DateReader,
    compile_moment,
    parse_iso,
    to_date,
    to_month_day,
)
from vaultcrm.vault.notes import parse

# ---------------------------------------------------------------------------------------------
# Durations
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value, expected", [
    ("14d", Duration(14, "d")), ("14 days", Duration(14, "d")), ("1 day", Duration(1, "d")),
    ("1D", Duration(1, "d")), (" 3d ", Duration(3, "d")),
    ("2w", Duration(2, "w")), ("2 weeks", Duration(2, "w")), ("2W", Duration(2, "w")),
    ("3m", Duration(3, "m")), ("3 months", Duration(3, "m")), ("1 month", Duration(1, "m")),
    ("1y", Duration(1, "y")), ("2 years", Duration(2, "y")),
    ("P2W", Duration(2, "w")), ("P1M", Duration(1, "m")), ("P1Y", Duration(1, "y")),
    ("P10D", Duration(10, "d")), ("p2w", Duration(2, "w")),
    ("14", Duration(14, "d")), (14, Duration(14, "d")), (1, Duration(1, "d")),
    ("daily", Duration(1, "d")), ("weekly", Duration(1, "w")), ("Weekly", Duration(1, "w")),
    ("biweekly", Duration(2, "w")), ("monthly", Duration(1, "m")), ("quarterly", Duration(3, "m")),
    ("yearly", Duration(1, "y")), ("annually", Duration(1, "y")), (" MONTHLY ", Duration(1, "m")),
])
def test_duration_forms(value: object, expected: Duration) -> None:
    assert parse_duration(value) == expected


@pytest.mark.parametrize("value", [
    0, "0", "0d", "P0D", -3, "-3d", "-3", "1:20", True, False, None, "", "  ", 14.0, 1.5, "1.5w",
    "P1Y2M", "PT1H", "abc", "14dd", "d14", "2 fortnights", [14], {"days": 14}, date(2026, 1, 1),
])
def test_invalid_durations_raise_value_error(value: object) -> None:
    with pytest.raises(ValueError):
        parse_duration(value)


def test_yaml_sexagesimal_cadence_reaches_the_parser_as_text() -> None:
    # PyYAML 1.1 would load `1:20` as 80; vaultcrm's loader leaves it text, and text `1:20` is no duration.
    value = parse("p.md", b"---\ncadence: 1:20\nevery: no\n---\n").frontmatter
    assert value == {"cadence": "1:20", "every": "no"}
    for raw in value.values():
        with pytest.raises(ValueError):
            parse_duration(raw)


def test_error_message_says_how_to_write_it() -> None:
    with pytest.raises(ValueError, match="14d"):
        parse_duration("soonish")


def test_describe() -> None:
    from vaultcrm.i18n import language

    assert language().every(Duration(14, "d")) == "every 14 days"
    assert language().every(Duration(1, "m")) == "every month"
    assert language().every(Duration(2, "w")) == "every 2 weeks"


def test_absurd_cadence_is_a_problem_not_a_crash(make_vault, run) -> None:
    # One bad note never stops the others (behaviour §7): 99999 years from now is past date.max.
    vault = make_vault({
        "People/Forever.md": "---\ncadence: 99999y\nlast_contact: 2026-01-01\n---\n",
        "People/Huge.md": "---\ncadence: 999999999999d\nlast_contact: 2026-01-01\n---\n",
        "People/Jane.md": "---\ntier: A\n---\n",
    })
    result = run(vault, "due", "--json")
    assert result.exit_code == 0, result.output
    assert "Jane" in result.stdout and "Traceback" not in result.output


# ---------------------------------------------------------------------------------------------
# Calendar arithmetic
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("start, duration, end", [
    (date(2026, 1, 31), Duration(1, "m"), date(2026, 2, 28)),
    (date(2028, 1, 31), Duration(1, "m"), date(2028, 2, 29)),
    (date(2026, 3, 31), Duration(1, "m"), date(2026, 4, 30)),
    (date(2026, 8, 31), Duration(3, "m"), date(2026, 11, 30)),
    (date(2026, 11, 30), Duration(3, "m"), date(2027, 2, 28)),
    (date(2026, 12, 15), Duration(1, "m"), date(2027, 1, 15)),
    (date(2026, 1, 15), Duration(24, "m"), date(2028, 1, 15)),
    (date(2028, 2, 29), Duration(1, "y"), date(2029, 2, 28)),
    (date(2028, 2, 29), Duration(4, "y"), date(2032, 2, 29)),
    (date(2026, 11, 22), Duration(14, "d"), date(2026, 12, 6)),
    (date(2026, 12, 25), Duration(2, "w"), date(2027, 1, 8)),
])
def test_add_duration_clamps_to_month_end(start: date, duration: Duration, end: date) -> None:
    assert add_duration(start, duration) == end


@settings(max_examples=300)
@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2900, 12, 31)),
       st.integers(min_value=1, max_value=1200), st.sampled_from(["m", "y"]))
def test_add_months_never_raises_and_lands_on_a_valid_day(start: date, count: int, unit: str) -> None:
    end = add_duration(start, Duration(count, unit))
    months = count * (12 if unit == "y" else 1)
    assert (end.year * 12 + end.month) - (start.year * 12 + start.month) == months
    assert end.day <= start.day
    if end.day < start.day:  # clamped: only ever to the month's last day
        assert (end + timedelta(days=1)).month != end.month


@settings(max_examples=200)
@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2900, 12, 31)), st.integers(1, 5000),
       st.sampled_from(["d", "w"]))
def test_add_days_and_weeks_are_exact(start: date, count: int, unit: str) -> None:
    assert (add_duration(start, Duration(count, unit)) - start).days == count * (7 if unit == "w" else 1)


# ---------------------------------------------------------------------------------------------
# Date values
# ---------------------------------------------------------------------------------------------

@settings(max_examples=300)
@given(st.dates())
def test_parse_iso_round_trips_every_date(day: date) -> None:
    text = day.isoformat()
    assert parse_iso(text) == day
    assert parse_iso(f"{text}T09:05") == day
    assert parse_iso(f"{text}T23:59:59") == day
    assert parse_iso(f"{text} 23:02") == day
    assert parse_iso(f"{text}T10:30:00+02:00") == day
    if day <= LAST_DAY:
        assert to_date(text) == day
    else:  # too far in the future to add a cadence to (behaviour §2)
        with pytest.raises(ValueError, match="too far in the future"):
            to_date(text)


@pytest.mark.parametrize("text", [
    "2026-11-2", "26-11-02", "2026/11/02", "11/02/2026", "2026-02-30", "2026-13-01", "2026-11-02x",
    "2026-11-02 at noon", "20261102", "", "  ",
])
def test_parse_iso_rejects(text: str) -> None:
    assert parse_iso(text) is None


@pytest.mark.parametrize("value, day", [
    (date(2026, 11, 2), date(2026, 11, 2)),
    (datetime(2026, 11, 2, 23, 30), date(2026, 11, 2)),
    (datetime(2026, 11, 2, 23, 30, tzinfo=timezone(timedelta(hours=-5))), date(2026, 11, 2)),
    (datetime(2026, 11, 2, 0, 30, tzinfo=timezone(timedelta(hours=5))), date(2026, 11, 2)),
    ("2026-11-02", date(2026, 11, 2)),
    (" 2026-11-02 ", date(2026, 11, 2)),
    ("2026-11-02T10:30", date(2026, 11, 2)),
    ("2026-11-02 10:30", date(2026, 11, 2)),
    ("2026-11-02T10:30:15Z", date(2026, 11, 2)),
    ("[[2026-11-02]]", date(2026, 11, 2)),
    ("[[Daily/2026-11-02|Monday]]", date(2026, 11, 2)),
    ("[[2026-11-02#Log]]", date(2026, 11, 2)),
    ([["2026-11-02"]], date(2026, 11, 2)),  # an unquoted [[2026-11-02]] in YAML
])
def test_to_date_accepts(value: object, day: date) -> None:
    assert to_date(value) == day


@pytest.mark.parametrize("value", [None, "", [None], []])
def test_to_date_empty_is_absent(value: object) -> None:
    assert to_date(value) is None


@pytest.mark.parametrize("value", [
    "2026-11-2", "11/02/2026", "2026-02-30", "[[Jane Doe]]", "yesterday", 20261102, True, 3.5,
    {"a": 1}, "{{date}}",
])
def test_to_date_rejects(value: object) -> None:
    with pytest.raises(ValueError):
        to_date(value)


def test_offset_datetime_keeps_the_date_as_written() -> None:
    fm = parse("p.md", b"---\na: 2026-11-02T23:30:00-05:00\nb: 2026-11-02 01:00:00 +05:00\n---\n").frontmatter
    assert {to_date(v) for v in fm.values()} == {date(2026, 11, 2)}


def test_link_to_a_daily_note_in_a_custom_format() -> None:
    daily = DateReader(DailyFormat("Journal/YYYY/MMMM D, YYYY"))
    assert to_date("[[Journal/2026/November 2, 2026]]", daily) == date(2026, 11, 2)
    assert to_date("[[November 2, 2026|that day]]", daily) == date(2026, 11, 2)
    with pytest.raises(ValueError):
        to_date("[[November 2, 2026]]")  # without the format it names no day


# ---------------------------------------------------------------------------------------------
# Birthdays and other occasions
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value, expected", [
    ("11-27", (11, 27, None)), ("--11-27", (11, 27, None)), ("02-29", (2, 29, None)),
    ("--02-29", (2, 29, None)), ("1990-11-25", (11, 25, 1990)),
    (date(1990, 11, 25), (11, 25, 1990)), (datetime(1990, 11, 25, 8, 0), (11, 25, 1990)),
    ("25.11.1990", (11, 25, 1990)), ("3.12.90", (12, 3, 1990)), ("1990.11.25", (11, 25, 1990)),
    ("[[1990-11-25]]", (11, 25, 1990)), ([["25.11.1990"]], (11, 25, 1990)),
    (None, None), ("", None), ([None], None), ([], None),
])
def test_month_day(value: object, expected: object) -> None:
    assert to_month_day(value) == expected


def test_month_day_reads_dates_with_the_vaults_settings() -> None:
    assert to_month_day("03/04/1990", DateReader(order="DMY")) == (4, 3, 1990)
    assert to_month_day("03/04/1990", DateReader(order="MDY")) == (3, 4, 1990)
    with pytest.raises(ValueError, match="03/04/1990"):
        to_month_day("03/04/1990")  # without date_order, never guessed


@pytest.mark.parametrize("value", ["13-01", "02-30", "00-10", "11-00", "11-27-1990", "Nov 27", 1127, True])
def test_month_day_rejects(value: object) -> None:
    with pytest.raises(ValueError):
        to_month_day(value)


@pytest.mark.parametrize("month, dom, today, expected", [
    (11, 25, date(2026, 11, 22), date(2026, 11, 25)),
    (11, 22, date(2026, 11, 22), date(2026, 11, 22)),   # today counts
    (11, 21, date(2026, 11, 22), date(2027, 11, 21)),   # passed: next year
    (1, 2, date(2026, 12, 30), date(2027, 1, 2)),
    (2, 29, date(2026, 1, 1), date(2026, 2, 28)),       # common year: 28 Feb
    (2, 29, date(2028, 1, 1), date(2028, 2, 29)),       # leap year
    (2, 29, date(2027, 3, 1), date(2028, 2, 29)),
    (2, 29, date(2026, 2, 28), date(2026, 2, 28)),
    (2, 29, date(2026, 3, 1), date(2027, 2, 28)),
])
def test_next_occurrence(month: int, dom: int, today: date, expected: date) -> None:
    assert next_occurrence(month, dom, today) == expected


@settings(max_examples=200)
@given(st.dates(min_value=date(1900, 1, 1), max_value=date(9000, 1, 1)), st.integers(1, 12), st.integers(1, 31))
def test_next_occurrence_is_within_a_year(today: date, month: int, dom: int) -> None:
    if dom > (29 if month == 2 else 30 if month in (4, 6, 9, 11) else 31):
        return
    day = next_occurrence(month, dom, today)
    assert today <= day < date(today.year + 1, today.month, 1) + timedelta(days=31)
    assert day.month == month and day.day in (dom, 28)


# ---------------------------------------------------------------------------------------------
# Moment.js formats of daily notes
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt, path, day", [
    ("YYYY-MM-DD", "2026-11-02.md", date(2026, 11, 2)),
    ("YYYY/MMMM/YYYY-MM-DD", "2026/November/2026-11-02.md", date(2026, 11, 2)),
    ("YYYY/MMMM/YYYY-MMM-DD", "2023/January/2023-Jan-01.md", date(2023, 1, 1)),
    ("[Week] YYYY-MM-DD", "Week 2026-11-02.md", date(2026, 11, 2)),
    ("Daily/YYYY-MM-DD", "Daily/2026-11-02.md", date(2026, 11, 2)),
    ("[Daily]/YYYY-MM-DD", "Daily/2026-11-02.md", date(2026, 11, 2)),
    ("Meetings/YYYY/MM/DD", "Meetings/2026/11/02.md", date(2026, 11, 2)),
    ("Daily Notes/YYYY-MM-DD", "Daily Notes/2026-11-02.md", date(2026, 11, 2)),
    ("Journal/dddd, MMMM D YYYY", "Journal/Monday, November 2 2026.md", date(2026, 11, 2)),
    ("dddd, MMMM D YYYY", "Monday, November 2 2026.md", date(2026, 11, 2)),
    ("ddd D MMM YYYY", "Mon 2 Nov 2026.md", date(2026, 11, 2)),
    ("YYYY-M-D", "2026-1-5.md", date(2026, 1, 5)),
    ("DD.MM.YYYY", "02.11.2026.md", date(2026, 11, 2)),
])
def test_moment_formats_match(fmt: str, path: str, day: date) -> None:
    assert DailyFormat(fmt).day_of(path) == day


@pytest.mark.parametrize("fmt, path", [
    ("YYYY/MMMM/YYYY-MM-DD", "2026/November/2025-11-02.md"),  # the repeated year must agree
    ("Daily/YYYY-MM-DD", "Other/2026-11-02.md"),
    ("Daily/YYYY-MM-DD", "Daily/2026-11-02 notes.md"),
    ("Daily/YYYY-MM-DD", "Daily/Sub/2026-11-02.md"),
    ("Daily/YYYY-MM-DD", "Daily/2026-02-30.md"),
    ("[Week] YYYY-MM-DD", "2026-11-02.md"),
    ("YYYY-MM", "2026-11.md"),                                # no day: not a daily note
])
def test_moment_formats_reject(fmt: str, path: str) -> None:
    assert DailyFormat(fmt).day_of(path) is None


def test_folder_names_are_literal_even_with_token_letters() -> None:
    # `Daily` starts with D and `Meetings` with M, but they are words, not tokens.
    pattern = compile_moment("Daily/Meetings/YYYY-MM-DD")
    assert pattern.fullmatch("Daily/Meetings/2026-11-02")
    assert not pattern.fullmatch("2aily/2eetings/2026-11-02")


def test_regex_characters_in_literals_are_escaped() -> None:
    daily = DailyFormat("Notes (daily)/[v1.0] YYYY-MM-DD")
    assert daily.day_of("Notes (daily)/v1.0 2026-11-02.md") == date(2026, 11, 2)
    assert daily.day_of("Notes (daily)/v1x0 2026-11-02.md") is None


def test_default_daily_notes_are_any_iso_named_note() -> None:
    daily = DailyFormat(None)
    assert daily.day_of("2026-11-02.md") == date(2026, 11, 2)
    assert daily.day_of("Journal/Deep/2026-11-02.md") == date(2026, 11, 2)
    assert daily.day_of("Meetings/2026-11-02 Sync.md") is None
    assert daily.day_of("People/Jane.md") is None


def test_month_names_are_case_insensitive() -> None:
    assert DailyFormat("YYYY/MMMM/YYYY-MM-DD").day_of("2026/november/2026-11-02.md") == date(2026, 11, 2)
