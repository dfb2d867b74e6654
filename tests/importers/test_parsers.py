"""Import parsers: LinkedIn, vCard and Google exports in their real shapes -> Person."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vaultcrm.errors import UsageError
from vaultcrm.importers import (
    Person,
    google,
    linkedin,
    parse_birthday,
    person_fields,
    read_people,
    vcard,
)
from vaultcrm.importers.linkedin import parse_connected_on

FIXTURES = Path(__file__).parent / "fixtures" / "import"


def by_name(people: list[Person]) -> dict[str, Person]:
    return {p.name: p for p in people}


# --- LinkedIn ------------------------------------------------------------------------------------

def test_linkedin_export_skips_the_preamble_and_reads_every_connection() -> None:
    people = read_people("linkedin", FIXTURES / "Connections.csv")
    assert [p.name for p in people] == ["Jane Doe", "Zoë Šimková", "Мария Петрова", "Seán O'Brien"]
    jane, zoe, maria, sean = people
    assert jane.met == date(2024, 11, 5)
    assert jane.emails == ()
    assert jane.how_met == "LinkedIn"
    assert jane.linkedin == "https://www.linkedin.com/in/janedoe"
    assert (jane.company, jane.role) == ("Acme", "Staff Engineer")
    assert (zoe.first, zoe.last) == ("Zoë", "Šimková")
    assert zoe.company == "Kotlin Labs, s.r.o."  # a quoted comma
    assert zoe.role == "Head of Mobile, Platform"
    assert zoe.emails == ("zoe@example.cz",)
    assert maria.met == date(2024, 2, 29)
    assert sean.company == '"Quoted" Ventures'  # doubled quotes
    assert [p.line for p in people] == [5, 6, 7, 9]  # the nameless row on line 8 is skipped


def test_linkedin_with_bom_and_crlf_reads_the_same(tmp_path: Path) -> None:
    text = (FIXTURES / "Connections.csv").read_text(encoding="utf-8")
    path = tmp_path / "Connections.csv"
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    assert read_people("linkedin", path) == read_people("linkedin", FIXTURES / "Connections.csv")


def test_linkedin_without_preamble() -> None:
    text = ("First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
            "Ana,Souza,https://www.linkedin.com/in/ana,ana@example.br,Nubank,,3 Jan 2021\n")
    [ana] = linkedin.parse(text, "c.csv")
    assert ana.met == date(2021, 1, 3)
    assert ana.line == 2
    assert ana.role == ""


def test_a_file_that_is_not_a_linkedin_export_is_a_usage_error() -> None:
    with pytest.raises(UsageError) as err:
        linkedin.parse("Name,Email\nJane,jane@example.org\n", "Connections.csv")
    assert str(err.value) == "Connections.csv is not a LinkedIn export: no 'First Name' header found"
    assert err.value.exit_code == 2
    assert err.value.hint


def test_a_bad_connected_on_date_names_its_line() -> None:
    text = ("Notes:\n\nFirst Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
            "Jane,Doe,,,,,05 Nov 2024\nJohn,Roe,,,,,31 Feb 2024\n")
    with pytest.raises(UsageError, match=r"^c\.csv line 5: 'Connected On' is not a date: '31 Feb 2024'$"):
        linkedin.parse(text, "c.csv")


@pytest.mark.parametrize(("text", "expected"), [
    ("05 Nov 2024", date(2024, 11, 5)),
    ("5 Nov 2024", date(2024, 11, 5)),
    ("29 Feb 2024", date(2024, 2, 29)),
    ("14 Sept 2023", date(2023, 9, 14)),
    ("5-Nov-24", date(2024, 11, 5)),
    ("2024-11-05", date(2024, 11, 5)),
    ("11/5/24", date(2024, 11, 5)),
    ("29 Feb 2023", None),
    ("05 Nob 2024", None),
    ("yesterday", None),
])
def test_connected_on_forms(text: str, expected: date | None) -> None:
    assert parse_connected_on(text) == expected


# --- vCard ---------------------------------------------------------------------------------------

def test_vcard_file_with_several_cards_in_three_versions() -> None:
    people = by_name(read_people("vcard", FIXTURES / "contacts.vcf"))
    assert list(people) == ["Zoë Šimková", "Мария Петрова", "Jane Doe", "Jürgen Müller"]

    zoe = people["Zoë Šimková"]  # Apple, vCard 3.0: BOM, CRLF, groups, PHOTO, omitted year
    assert (zoe.first, zoe.last) == ("Zoë", "Šimková")
    assert zoe.emails == ("zoe@example.cz", "zoe.simkova@kotlinlabs.example")
    assert zoe.phones == ("+420 601 123 456",)
    assert zoe.company == "Kotlin Labs, s.r.o."  # first ORG component, `\,` unescaped
    assert zoe.role == "Head of Mobile"
    assert zoe.linkedin == "https://www.linkedin.com/in/zoe-simkova-1a2b3c"
    assert zoe.birthday == (12, 4, None)  # 1604 with X-APPLE-OMIT-YEAR=1604
    # The NOTE is folded in the middle of the two bytes of "ë"; unfolding restores it.
    assert zoe.notes == ("Met at KotlinConf; talked about KMP, CI caches and Zoë's team \n"
                         "— follow up re: referral, maybe")
    assert zoe.line == 1

    maria = people["Мария Петрова"]  # vCard 4.0
    assert maria.birthday == (2, 29, None)  # BDAY;VALUE=date:--0229
    assert maria.phones == ("+7-912-345-67-89",)  # tel: URI
    assert maria.linkedin == "https://www.linkedin.com/in/mariapetrova"  # X-SOCIALPROFILE

    jane = people["Jane Doe"]
    assert jane.birthday == (12, 4, 1990)  # 19901204
    assert jane.role == "Staff Engineer; Platform"
    assert jane.notes == "Line one\nLine two, with comma; and semicolon"

    jurgen = people["Jürgen Müller"]  # vCard 2.1 quoted-printable with CHARSET
    assert (jurgen.first, jurgen.last) == ("Jürgen", "Müller")
    assert jurgen.birthday == (2, 29, 1988)
    assert jurgen.phones == ("+49 170 1234567",)


def card(*lines: str, eol: str = "\r\n") -> str:
    return eol.join(["BEGIN:VCARD", "VERSION:3.0", *lines, "END:VCARD", ""])


@pytest.mark.parametrize(("bday", "expected"), [
    ("BDAY:1990-12-04", (12, 4, 1990)),
    ("BDAY:19901204", (12, 4, 1990)),
    ("BDAY:--1204", (12, 4, None)),
    ("BDAY:--12-04", (12, 4, None)),
    ("BDAY;VALUE=date:1990-12-04", (12, 4, 1990)),
    ("BDAY:1990-12-04T00:00:00Z", (12, 4, 1990)),
    ("BDAY:--0229", (2, 29, None)),
    ("bday;value=DATE:--0229", (2, 29, None)),
    ("BDAY;VALUE=text:circa 1800", None),
    ("BDAY:1990", None),  # vCard 4 reduced accuracy: a year only
])
def test_vcard_birthday_forms(bday: str, expected: tuple[int, int, int | None] | None) -> None:
    [p] = vcard.parse(card("FN:Jane Doe", bday))
    assert p.birthday == expected


def test_vcard_lf_lowercase_names_tab_folding_and_charset_params() -> None:
    text = card("fn;CHARSET=UTF-8:Zo\u00eb", "\tŠimková", "email;type=INTERNET:zoe@example.cz",
                "n:Šimková;Zoë;;;", eol="\n")
    [p] = vcard.parse(text)
    assert p.name == "ZoëŠimková"  # the folding removes exactly the line break and one tab
    assert p.emails == ("zoe@example.cz",)
    assert (p.first, p.last) == ("Zoë", "Šimková")


def test_vcard_name_falls_back_to_n_then_org_then_email_and_empty_cards_are_skipped() -> None:
    text = (card("N:Doe;Jane;;;") + card("ORG:Globex;Sales") + card("EMAIL:x@example.org")
            + card("NOTE:nothing to call it"))
    assert [p.name for p in vcard.parse(text)] == ["Jane Doe", "Globex", "x@example.org"]


def test_vcard_parameter_values_may_be_quoted_with_colons() -> None:
    [p] = vcard.parse(card('FN:Jane', 'URL;X-LABEL="a:b;c":https://linkedin.com/in/jane'))
    assert p.linkedin == "https://linkedin.com/in/jane"


@pytest.mark.parametrize(("text", "message"), [
    ("Name,Email\nJane,jane@example.org\n", "x.vcf is not a vCard file: line 1 should be BEGIN:VCARD"),
    ("", "x.vcf is not a vCard file: no BEGIN:VCARD found"),
    ("BEGIN:VCARD\nFN:Jane\n", "x.vcf line 1: this card has no END:VCARD"),
    ("BEGIN:VCARD\nFN:Jane\nBEGIN:VCARD\nFN:John\nEND:VCARD\n",
     "x.vcf line 1: this card has no END:VCARD before the next BEGIN:VCARD (line 3)"),
    (card("FN:Jane") + "FN:stray\n", "x.vcf line 5: text outside BEGIN:VCARD … END:VCARD"),
    (card("FN:Jane", "just some words"), "x.vcf line 4: not a vCard line (expected NAME:value): 'just some words'"),
    (card("FN:Jane", "BDAY:1990-13-45"), "x.vcf line 4: BDAY is not a date: '1990-13-45'"),
    (card("FN:Jane", "BDAY:--0230"), "x.vcf line 4: BDAY is not a date: '--0230'"),
])
def test_vcard_errors_name_the_file_and_line(text: str, message: str) -> None:
    with pytest.raises(UsageError) as err:
        vcard.parse(text, "x.vcf")
    assert str(err.value) == message
    assert err.value.exit_code == 2


def test_vcard_invalid_utf8_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "x.vcf"
    path.write_bytes(b"BEGIN:VCARD\r\nFN:Caf\xe9\r\nEND:VCARD\r\n")
    with pytest.raises(UsageError, match=r"x\.vcf line 2: not UTF-8 text"):
        read_people("vcard", path)


def test_vcard_base64_photo_without_indentation_is_skipped() -> None:
    text = ("BEGIN:VCARD\r\nVERSION:2.1\r\nFN:Jane\r\nPHOTO;ENCODING=BASE64;TYPE=JPEG:/9j/4AAQ\r\n"
            "SkZJRgABAQAAAQABAAD\r\n\r\nTEL;CELL:+1 555 0100\r\nEND:VCARD\r\n")
    [p] = vcard.parse(text)
    assert p.phones == ("+1 555 0100",)


# --- Google Contacts -----------------------------------------------------------------------------

def test_google_csv_current_layout() -> None:
    people = read_people("google", FIXTURES / "contacts-google.csv")
    assert [p.name for p in people] == ["Zoë Šimková", "Мария Петрова", "Jane Q. Doe Jr.", "Globex"]
    zoe, maria, jane, globex = people
    assert zoe.emails == ("zoe@example.cz", "zoe.simkova@kotlinlabs.example")  # ` ::: `
    assert zoe.company == "Kotlin Labs, s.r.o."
    assert zoe.role == "Head of Mobile"
    assert zoe.birthday == (12, 4, None)
    assert zoe.notes == "Met at KotlinConf.\nTalked about KMP, CI caches."
    assert zoe.linkedin == "https://www.linkedin.com/in/zoe-simkova-1a2b3c"
    assert maria.birthday == (2, 29, None)
    assert maria.phones == ("+7 912 345-67-89", "+7 495 000-00-00")  # duplicates dropped
    assert jane.birthday == (12, 4, 1990)
    assert jane.emails == ("jane@acme.example", "jane.doe@example.org")
    assert jane.notes == 'She said "call me Jane"'
    assert (globex.company, globex.emails) == ("Globex", ("info@globex.example",))
    assert [p.line for p in people] == [2, 6, 7, 9]  # Zoë's quoted cells span lines 2-5


def test_google_csv_older_layout_in_utf16() -> None:
    people = read_people("google", FIXTURES / "contacts-google-old.csv")
    assert [p.name for p in people] == ["Zoë Šimková", "Мария Петрова"]
    zoe, maria = people
    assert (zoe.first, zoe.last, zoe.company, zoe.role) == ("Zoë", "Šimková", "Kotlin Labs, s.r.o.",
                                                            "Head of Mobile")
    assert zoe.emails == ("zoe@example.cz",)
    assert zoe.phones == ("+420 601 123 456",)
    assert zoe.linkedin == "https://www.linkedin.com/in/zoe-simkova-1a2b3c"
    assert maria.birthday == (2, 29, None)


def test_google_errors() -> None:
    with pytest.raises(UsageError, match=r"^c\.csv is not a Google Contacts export: no 'First Name' "
                                         r"or 'Name' header found on line 1$"):
        google.parse("Email,Phone\nx@example.org,1\n", "c.csv")
    with pytest.raises(UsageError, match=r"^c\.csv line 3: Birthday is not a date: 'Dec 4'$"):
        google.parse("First Name,Last Name,Birthday\nJane,Doe,1990-12-04\nJohn,Roe,Dec 4\n", "c.csv")


# --- shared --------------------------------------------------------------------------------------

def test_read_people_usage_errors(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="unknown import format 'outlook'"):
        read_people("outlook", tmp_path / "x.csv")
    with pytest.raises(UsageError, match=r"x\.csv: no such file"):
        read_people("google", tmp_path / "x.csv")
    with pytest.raises(UsageError, match="is a folder"):
        read_people("google", tmp_path)
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"First Name,Last Name\r\nJos\xe9,Roe\r\n")
    with pytest.raises(UsageError, match=r"bad\.csv line 2: not UTF-8 text"):
        read_people("google", bad)


@pytest.mark.parametrize(("text", "expected"), [
    ("1990-12-04", (12, 4, 1990)),
    ("19901204", (12, 4, 1990)),
    ("--1204", (12, 4, None)),
    ("--12-04", (12, 4, None)),
    (" --12-04 ", (12, 4, None)),
    ("12-04", (12, 4, None)),
    ("0000-12-04", (12, 4, None)),
    ("--02-29", (2, 29, None)),
    ("2024-02-29", (2, 29, 2024)),
    ("2023-02-29", None),
    ("--02-30", None),
    ("1990-12", None),
    ("Dec 4", None),
])
def test_parse_birthday(text: str, expected: tuple[int, int, int | None] | None) -> None:
    assert parse_birthday(text) == expected


def test_person_fields_in_canonical_keys_and_order() -> None:
    p = Person(name="Zoë Šimková", emails=("a@x.cz", "b@x.cz", "c@x.cz"), phones=("+1", "+2"),
               company="Kotlin Labs", role="Head of Mobile", linkedin="https://linkedin.com/in/z",
               birthday=(2, 29, None), met=date(2024, 11, 5), how_met="LinkedIn", notes="not here")
    fields = person_fields(p)
    assert list(fields.items()) == [
        ("met", "2024-11-05"), ("how_met", "LinkedIn"), ("company", "Kotlin Labs"),
        ("role", "Head of Mobile"), ("linkedin", "https://linkedin.com/in/z"), ("email", "a@x.cz"),
        ("other_emails", "b@x.cz, c@x.cz"), ("phone", "+1"), ("other_phones", "+2"),
        ("birthday", "02-29"),
    ]
    assert person_fields(Person(name="X", birthday=(12, 4, 1990))) == {"birthday": "1990-12-04"}
    assert person_fields(Person(name="X")) == {}


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from([
    "BEGIN:VCARD", "END:VCARD", "\r\n", "\n", "\r", " ", "\t", "FN:", "N:", "BDAY:", "BDAY;VALUE=date:",
    "--02-29", "1990-12-04", "--1304", "ENCODING=QUOTED-PRINTABLE", "=", "=C3", "\\", ";", ",", ":", '"',
    "First Name", "Last Name", "Name", "Birthday", "Connected On", "E-mail 1 - Value", " ::: ",
    "05 Nov 2024", "31 Feb 2024", "Zoë", "Мария", "\ufeff", "\udcff", "linkedin.com",
]), max_size=40).map("".join))
def test_parsers_raise_only_usage_errors(text: str) -> None:
    for parse in (linkedin.parse, vcard.parse, google.parse):
        try:
            result = parse(text, "fuzz")
        except UsageError:
            continue
        assert all(isinstance(p, Person) and p.name for p in result)
