"""Finding a contact by what the user types."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vaultcrm.crm.names import HONORIFICS, _level, fold, match_contacts, name_key, resolve_contact
from vaultcrm.errors import ContactLookupError
from vaultcrm.model import Contact


def person(path: str, name: str | None = None, aliases: tuple[str, ...] = ()) -> Contact:
    stem = path.rsplit("/", 1)[-1].removesuffix(".md")
    return Contact(path=path, name=name or stem, aliases=aliases)


MARIA = person("People/Maria Petrova.md")
MARIA_RU = person("People/Мария Петрова.md")
JOSE = person("People/José García.md")
ALENA = person("People/Алёна Иванова.md")
SAM = person("Work/sam-k.md", name="Samuel Okafor", aliases=("Sammy",))
JANE_P = person("People/Jane Doe.md")
JANE_W = person("Work/Jane Doe.md")
MARIA_I = person("Work/Maria Ivanova.md")
ALL = [MARIA, MARIA_RU, JOSE, ALENA, SAM, JANE_P, JANE_W, MARIA_I]


@pytest.mark.parametrize("query, expected", [
    ("Maria Petrova", MARIA),
    ("petrova, maria", MARIA),
    ("Dr. Maria Petrova", MARIA),
    ("Prof Petrova Maria", MARIA),
    ("MARIA   PETROVA.", MARIA),
    ("Maria Petrova.md", MARIA),
    ("мария петрова", MARIA_RU),
    ("Г-жа Петрова, Мария", MARIA_RU),
    ("jose garcia", JOSE),
    ("Алена Иванова", ALENA),
    ("sam-k", SAM),
    ("Samuel Okafor", SAM),
    ("sammy", SAM),
    ("Mr Okafor", SAM),
    ("Mar Pet", MARIA),
    ("People/Jane Doe", JANE_P),
    ("work/jane doe.md", JANE_W),
    ("Work\\Jane Doe", JANE_W),
])
def test_resolve_finds_the_one_contact(query: str, expected: Contact) -> None:
    assert resolve_contact(query, ALL) is expected


def test_exact_match_beats_partial() -> None:
    maria = person("People/Maria.md")
    assert match_contacts("maria", [MARIA, maria, MARIA_I]) == [maria]


def test_whole_words_beat_prefixes() -> None:
    ann, anna = person("People/Ann Lee.md"), person("People/Anna Berg.md")
    assert match_contacts("Ann", [anna, ann]) == [ann]
    assert match_contacts("An", [anna, ann]) == [ann, anna]


def test_every_contact_at_the_best_level_in_path_order() -> None:
    assert match_contacts("Maria", list(reversed(ALL))) == [MARIA, MARIA_I]


def test_several_matches_raise_with_candidates() -> None:
    with pytest.raises(ContactLookupError) as info:
        resolve_contact("Jane Doe", ALL)
    assert info.value.exit_code == 6
    assert info.value.candidates == ["People/Jane Doe.md", "Work/Jane Doe.md"]
    assert "People/Jane Doe.md, Work/Jane Doe.md" in info.value.message
    assert info.value.hint and "path" in info.value.hint


def test_no_match_suggests_the_closest_names() -> None:
    with pytest.raises(ContactLookupError) as info:
        resolve_contact("Maria Petrva", ALL)
    assert info.value.exit_code == 6
    assert info.value.candidates == []
    assert info.value.hint == 'did you mean "Maria Petrova"?'


@pytest.mark.parametrize("query", ["Zed Zulu", "", "Dr.", "People/Nobody"])
def test_no_match_at_all(query: str) -> None:
    assert match_contacts(query, ALL) == []
    with pytest.raises(ContactLookupError, match="No contact matches"):
        resolve_contact(query, ALL)


@pytest.mark.parametrize("text, key", [
    ("Petrova, Dr. María", ("maria", "petrova")),
    ("Алёна", ("алена",)),
    ("O'Brien", ("obrien",)),
    ("Jean-Luc Picard", ("jean", "luc", "picard")),
    ("Sir", ("sir",)),
    ("г-н Иванов", ("иванов",)),
])
def test_name_key(text: str, key: tuple[str, ...]) -> None:
    assert name_key(text) == key


_LETTERS = "abcdefghijklmnopqrstuvwxyzабвгдеёжзийклмнопрстуфхцчшщъыьэюяáéíóúüñç"
_word = st.text(_LETTERS, min_size=1, max_size=8).filter(lambda w: w not in HONORIFICS)


@given(st.lists(_word, min_size=1, max_size=4), st.randoms(), st.sampled_from(sorted(HONORIFICS)),
       st.sampled_from([" ", ", ", " , ", "  "]))
def test_name_key_ignores_order_case_honorifics_and_punctuation(words: list[str], rnd: object, title: str,
                                                                sep: str) -> None:
    shuffled = list(words)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    variant = f"{title.title()}. " + sep.join(w.upper() for w in shuffled)
    assert name_key(variant) == name_key(" ".join(words))


def _slow_fold(text: str) -> str:
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


@given(st.text(max_size=30) | st.text(st.characters(max_codepoint=127), max_size=30)
       | st.text(min_size=200, max_size=400) | st.lists(st.sampled_from(["Алёна", "José", "e\u0301", " "]),
                                                        min_size=60).map("".join))
def test_fold_of_plain_ascii_and_of_a_long_text_is_the_full_fold(text: str) -> None:
    assert fold(text) == _slow_fold(text)


_PIECES = ["Maria", "MARÍA", "maría", "o'brien", "O’Brien", "o`neil", "ONeil", "Dr.", "mr", "Petrova,", "петрова", "Ёлка", "jean-luc",
           "ß", "strasse", "ﬁne", "fine", "e\u0301", "x_y", ";", ".", "  ", "a\nb", "\t", "ǅ", "\u0345"]
_NAMES = st.lists(st.sampled_from(_PIECES), min_size=1, max_size=4).map(" ".join)


@given(st.lists(st.tuples(_NAMES, _NAMES), min_size=1, max_size=6),
       st.lists(st.sampled_from(_PIECES), min_size=1, max_size=3).map(" ".join))
def test_matching_skips_only_names_that_match_at_no_level(names: list[tuple[str, str]], query: str) -> None:
    """The quick tests before each name's words are worked out leave the matches as they were."""
    contacts = [person(f"P/{i} {stem}.md", name=name, aliases=tuple(name for name, _ in names[:i]))
                for i, (name, stem) in enumerate(names)]
    key = name_key(query)
    levels: dict[int, list[Contact]] = {}
    for contact in contacts:
        found = [lvl for name in (contact.path[2:-3], contact.name, *contact.aliases)
                 if (lvl := _level(key, name_key(name))) is not None]
        if found:
            levels.setdefault(min(found), []).append(contact)
    assert match_contacts(query, contacts) == (sorted(levels[min(levels)], key=lambda c: c.path) if levels else [])
