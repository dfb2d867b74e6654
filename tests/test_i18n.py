"""vaultcrm.i18n: the vault's `language`, gettext catalogs compiled from the shipped `.po` files,
plural forms and dates through Babel; the terminal table and the calendar in Russian."""
from __future__ import annotations

import io
from datetime import date, timedelta
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from icalendar import Calendar

from vaultcrm.durations import Duration
from vaultcrm.i18n import ENGLISH, LOCALES, language, languages
from vaultcrm.model import Reason

ROOT = Path(__file__).resolve().parent.parent
RU = language("ru")
EN = language()


@pytest.mark.parametrize("n, overdue, ago", [
    (1, "просрочено на 1 день", "1 день назад"), (3, "просрочено на 3 дня", "3 дня назад"),
    (5, "просрочено на 5 дней", "5 дней назад"), (11, "просрочено на 11 дней", "11 дней назад"),
    (21, "просрочено на 21 день", "21 день назад"), (22, "просрочено на 22 дня", "22 дня назад"),
    (111, "просрочено на 111 дней", "111 дней назад"), (0, "просрочено на 0 дней", "сегодня"),
])
def test_russian_plural_forms(n: int, overdue: str, ago: str) -> None:
    assert (RU.days_overdue(n), RU.days_ago(n)) == (overdue, ago)


def test_english_is_the_source_language() -> None:
    assert (EN.days_overdue(1), EN.days_overdue(21), EN.days_ago(3)) == ("1 day overdue", "21 days overdue",
                                                                        "3 days ago")
    assert EN.every(Duration(2, "w")) == "every 2 weeks" and RU.every(Duration(2, "w")) == "каждые 2 недели"
    assert RU.every(Duration(1, "m")) == "каждый месяц" and RU.every(Duration(21, "d")) == "каждый 21 день"


def test_dates_through_babel() -> None:
    day = date(2026, 11, 24)
    assert (RU.short_date(day), RU.full_date(day)) == ("вт 24 нояб.", "24 нояб. 2026 г.")
    assert (EN.short_date(day), EN.full_date(day)) == ("Tue 24 Nov", "2026-11-24")


def test_english_dates_are_babels_without_babel() -> None:
    """English's dates are written without Babel, as Babel writes them, every day of a leap year."""
    from babel.dates import format_date

    days = [date(2028, 1, 1) + timedelta(days=n) for n in range(366)]
    for pattern, written in ENGLISH.items():
        assert [written(day) for day in days] == [format_date(day, pattern, locale="en") for day in days], pattern


def test_reasons_are_phrased_from_their_parts() -> None:
    why = Reason("cadence", date(2026, 10, 2), "People/Dana.md", cadence=Duration(1, "m"), tier="B")
    assert EN.reason(why) == "tier B, every month; last touch 2026-10-02 (People/Dana.md)"
    assert RU.reason(why) == "уровень B, каждый месяц; последний контакт 2 окт. 2026 г. (People/Dana.md)"
    birthday = Reason("occasion", date(2026, 11, 24), detail="birthday", years=40)
    assert RU.reason(birthday) == "день рождения 24 нояб. 2026 г. (исполняется 40)"
    assert RU.reason(Reason("never", None, cadence=Duration(14, "d"), rule="rule 'recruiters'")) == (
        "rule 'recruiters', каждые 14 дней; контакта ещё не было (не от чего отсчитывать)")


def test_unknown_language() -> None:
    assert languages() == ("en", "ru")
    with pytest.raises(ValueError, match="'de' is not a language vaultcrm speaks"):
        language("de")


# -- the catalogs -------------------------------------------------------------------------------------

def _catalogs() -> list[Path]:
    return sorted(LOCALES.glob("*/LC_MESSAGES/vaultcrm.po"))


@pytest.mark.parametrize("po", _catalogs(), ids=lambda p: p.parts[-3])
def test_each_compiled_catalog_is_its_po_compiled(po: Path) -> None:
    """The `.mo` files are committed (an offline `pip install .` needs no build step): each must be
    exactly what `pybabel compile` makes of its `.po`."""
    with po.open("rb") as handle:
        catalog = read_po(handle)
    out = io.BytesIO()
    write_mo(out, catalog)
    assert po.with_suffix(".mo").read_bytes() == out.getvalue(), "run: pybabel compile -d vaultcrm/locale -D vaultcrm"


@pytest.mark.parametrize("po", _catalogs(), ids=lambda p: p.parts[-3])
def test_each_catalog_translates_every_message(po: Path) -> None:
    with po.open("rb") as handle:
        catalog = read_po(handle)
    with (LOCALES / "vaultcrm.pot").open("rb") as handle:
        template = read_po(handle)
    assert {(m.context, str(m.id)) for m in catalog if m.id} == {(m.context, str(m.id)) for m in template if m.id}
    untranslated = [m.id for m in catalog if m.id and (not m.string or (isinstance(m.string, tuple) and
                                                                      not all(m.string)) or m.fuzzy)]
    assert untranslated == []


def test_the_template_holds_every_message_of_the_code() -> None:
    """`pybabel extract` (README) would give the shipped `.pot` its messages: the code's and the
    dashboard template's (babel.cfg)."""
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2), "N_": None}
    found = {(context, message if isinstance(message, str) else message[0])
             for _file, _line, message, _comments, context in extract_from_dir(
                 ROOT, method_map=[("vaultcrm/**.py", "python"), ("templates/**.j2", "jinja2")],
                 keywords=keywords, options_map={"templates/**.j2": {"silent": "false"}})}
    assert ("section", "Signals") in found  # (from the template)
    with (LOCALES / "vaultcrm.pot").open("rb") as handle:
        shipped = {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in read_po(handle) if m.id}
    assert found == shipped, "run pybabel extract and update (README: Translating vaultcrm)"


def test_the_wheel_ships_the_catalogs() -> None:
    import tomllib

    data = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]["package-data"]
    assert {"locale/*/LC_MESSAGES/*.mo", "locale/*/LC_MESSAGES/*.po"} <= set(data["vaultcrm"])


# -- in the terminal and the calendar ------------------------------------------------------------------

VAULT = {
    ".vaultcrm/config.toml": 'language = "ru"\n',
    "People/Дана.md": "---\nуровень: B\nдень рождения: 1986-11-24\n---\nПоследний контакт:: 2026-10-02\n"
                      "## Лог\n- 02.10.2026 — кофе, обсудили переезд\n",
}


def test_due_in_russian(make_vault, run) -> None:
    """The terminal's agenda in the vault's language: the part, how late, the reasons, the days."""
    vault = make_vault(VAULT)
    out = run(vault, "due").stdout.splitlines()
    assert out[0] == "Сегодня · вс 22 нояб."
    assert " ".join(out[1].split()) == ("просрочка 20 дней Дана каждый месяц · 🎂 день рождения, 40 лет (вт) · "
                                        "общались 2 окт. «кофе, обсудили переезд»")
    empty = make_vault({".vaultcrm/config.toml": 'language = "ru"\n'}, name="empty")
    assert run(empty, "due").stdout == "До 28 нояб. 2026 г. включительно напоминаний нет.\n"


def test_due_json_stays_english(make_vault, due_json) -> None:
    rows = due_json(make_vault(VAULT))["reminders"]
    assert rows[0]["reason"] == "tier B, every month; last touch 2026-10-02 (People/Дана.md)"


def test_calendar_in_russian(make_vault, run) -> None:
    vault = make_vault(VAULT)
    result = run(vault, "export", "ics")
    events = {str(e["SUMMARY"]): e for e in Calendar.from_ical(result.stdout_bytes).walk("VEVENT")}
    assert set(events) == {"Просрочено: Дана", "День рождения: Дана"}
    assert str(events["Просрочено: Дана"]["DESCRIPTION"]).startswith(
        "Дана — просрочка 20 дней: уровень B, каждый месяц; последний контакт 2 окт. 2026 г. (People/Дана.md)\n")
    assert str(events["День рождения: Дана"]["DESCRIPTION"]).startswith("день рождения: 24 нояб. 1986 г.\n")


def test_calendar_in_russian_due_later(make_vault, run) -> None:
    """An event due from today on: its summary, its reason and the last conversation in Russian."""
    vault = make_vault({**VAULT, "People/Дана.md": VAULT["People/Дана.md"].replace("2026-10-02", "2026-11-02")
                        .replace("02.10.2026", "02.11.2026")}, name="later")
    result = run(vault, "export", "ics", today="2026-11-22")
    events = {str(e["SUMMARY"]): e for e in Calendar.from_ical(result.stdout_bytes).walk("VEVENT")}
    assert set(events) == {"Выйти на связь: Дана", "День рождения: Дана"}
    assert str(events["Выйти на связь: Дана"]["DESCRIPTION"]).startswith(
        "уровень B, каждый месяц; последний контакт 2 нояб. 2026 г. (People/Дана.md)\n"
        "В прошлый раз (2 нояб. 2026 г.): кофе, обсудили переезд\n")


def test_language_is_validated(make_vault, run) -> None:
    vault = make_vault({".vaultcrm/config.toml": 'language = "de"\n'})
    result = run(vault, "due")
    assert result.exit_code == 3 and "language: expected one of en, ru, got 'de'" in result.stderr
