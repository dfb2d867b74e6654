"""`vaultcrm.vault.links.LinkIndex`: link targets -> notes, the way Obsidian resolves them (behaviour §3).

Order: (1) a path from the vault root; (2) a path relative to the linking note (`./`, `../`);
(3) a path suffix; (4) a unique file name. Several notes of that name: fewest folders, then the
shortest path, then alphabetical — and every candidate is reported. Case- and NFC-insensitive.
"""
from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vaultcrm.vault.links import LinkIndex, Resolution, key, name_of

VAULT = [
    "Jane Doe.md",
    "People/Jane Doe.md",
    "People/Bob Smith.md",
    "People/Work/Carol.md",
    "Archive/People/Work/Carol.md",
    "Clients/Work/Dan.md",
    "Meetings/2026-11-18 Sync.md",
    "Daily/2026-11-02.md",
    "Other/Bob Smith.md",
    "Deep/er/still/Unique Person.md",
]


def resolve(target: str, source: str = "Daily/2026-11-02.md", paths: list[str] = VAULT) -> Resolution:
    return LinkIndex(paths).resolve(target, source)


def test_root_path() -> None:
    assert resolve("People/Jane Doe") == Resolution("People/Jane Doe.md")
    assert resolve("/People/Jane Doe") == Resolution("People/Jane Doe.md")
    assert resolve("Archive/People/Work/Carol") == Resolution("Archive/People/Work/Carol.md")


def test_root_path_beats_a_longer_suffix_match() -> None:
    # `People/Work/Carol` is both a root path and a suffix of `Archive/People/Work/Carol`.
    assert resolve("People/Work/Carol") == Resolution("People/Work/Carol.md")


@pytest.mark.parametrize("target, source, expected", [
    ("./Bob Smith", "People/Jane Doe.md", "People/Bob Smith.md"),
    ("../Other/Bob Smith", "People/Jane Doe.md", "Other/Bob Smith.md"),
    ("../../People/Jane Doe", "People/Work/Carol.md", "People/Jane Doe.md"),
    ("./Work/Carol", "People/Jane Doe.md", "People/Work/Carol.md"),
    ("../Work/Carol", "Archive/People/x.md", None),           # Archive/Work/Carol does not exist
    ("./Carol", "Archive/People/Work/x.md", "Archive/People/Work/Carol.md"),
])
def test_relative_paths(target: str, source: str, expected: str | None) -> None:
    assert resolve(target, source).path == expected


def test_relative_path_outside_the_vault_does_not_resolve() -> None:
    assert resolve("../../Jane Doe", "People/x.md") == Resolution(None)
    assert resolve("../Jane Doe", "x.md") == Resolution(None)


def test_relative_path_does_not_fall_back_to_the_name() -> None:
    # `./Bob Smith` from Daily/ names Daily/Bob Smith, which does not exist: no guessing.
    assert resolve("./Bob Smith", "Daily/2026-11-02.md") == Resolution(None)


def test_path_suffix() -> None:
    assert resolve("Work/Dan") == Resolution("Clients/Work/Dan.md")
    assert resolve("work/dan") == Resolution("Clients/Work/Dan.md")


def test_suffix_matches_whole_folder_names_only() -> None:
    assert resolve("ork/Dan") == Resolution(None)
    assert resolve("nts/Work/Dan") == Resolution(None)


def test_ambiguous_suffix_reports_candidates() -> None:
    paths = ["A/Work/Eve.md", "B/Work/Eve.md", "C/D/Work/Eve.md"]
    result = resolve("Work/Eve", "x.md", paths)
    assert result.path == "A/Work/Eve.md"
    assert set(result.candidates) == set(paths)


def test_unique_name() -> None:
    assert resolve("Unique Person") == Resolution("Deep/er/still/Unique Person.md")
    assert resolve("Unique Person.md".removesuffix(".md")) == Resolution("Deep/er/still/Unique Person.md")


def test_name_with_heading_or_alias_is_stripped_before_resolution() -> None:
    # LinkIndex gets the target only; the parser strips `#`, `^`, `|` and `.md` (see test_notes).
    assert resolve("Unique Person ") == Resolution("Deep/er/still/Unique Person.md")


@pytest.mark.parametrize("target", ["jane doe", "JANE DOE", "Jane Doe ", " jAnE dOe", "people/JANE DOE"])
def test_case_and_whitespace_insensitive(target: str) -> None:
    assert resolve(target).path == ("People/Jane Doe.md" if "/" in target else "Jane Doe.md")


def test_nfc_and_nfd_spellings_resolve_to_each_other() -> None:
    nfd = unicodedata.normalize("NFD", "People/José Núñez.md")  # as macOS stores names
    assert nfd != "People/José Núñez.md"
    assert resolve("José Núñez", "x.md", [nfd]) == Resolution(nfd)
    assert resolve("People/JOSÉ NÚÑEZ", "x.md", [nfd]) == Resolution(nfd)
    nfc = "People/Zoë.md"
    assert resolve(unicodedata.normalize("NFD", "zoë"), "x.md", [nfc]) == Resolution(nfc)


def test_key() -> None:
    assert key(" Jane DOE ") == "jane doe"
    assert key(unicodedata.normalize("NFD", "É")) == key("é")


def test_trailing_space_in_file_name() -> None:
    # BryanHogan/Obsidian-CRM: `Meetings/Meeting - 2024-06-14 2247 .md`.
    paths = ["Meetings/Meeting - 2024-06-14 2247 .md"]
    assert resolve("Meeting - 2024-06-14 2247", "x.md", paths).path == paths[0]
    assert resolve("Meeting - 2024-06-14 2247 ", "x.md", paths).path == paths[0]


def test_emoji_and_rtl_names() -> None:
    paths = ["People/🦊 Fox.md", "People/שרה כהן.md", "🗂️ Index.md"]
    assert resolve("🦊 Fox", "x.md", paths).path == "People/🦊 Fox.md"
    assert resolve("שרה כהן", "x.md", paths).path == "People/שרה כהן.md"
    assert resolve("🗂️ Index", "x.md", paths).path == "🗂️ Index.md"


def test_tie_break_fewest_folders_first() -> None:
    result = resolve("Jane Doe")
    assert result.path == "Jane Doe.md"
    assert set(result.candidates) == {"Jane Doe.md", "People/Jane Doe.md"}


def test_tie_break_shortest_path_then_alphabetical() -> None:
    paths = ["People/Sam.md", "Work/Sam.md", "Ab/Sam.md", "Contacts/Sam.md", "X/Y/Sam.md"]
    result = resolve("Sam", "x.md", paths)
    assert result.path == "Ab/Sam.md"           # 1 folder, shortest path
    assert set(result.candidates) == set(paths)
    same_length = ["Zed/Sam.md", "Abc/Sam.md", "Mno/Sam.md"]
    assert resolve("Sam", "x.md", same_length).path == "Abc/Sam.md"


def test_tie_break_folders_before_length() -> None:
    paths = ["A/B/Sam.md", "Very Long Folder Name/Sam.md"]
    assert resolve("Sam", "x.md", paths).path == "Very Long Folder Name/Sam.md"


def test_candidates_are_empty_when_unique_or_unresolved() -> None:
    assert resolve("Bob Smith", "x.md", ["People/Bob Smith.md"]).candidates == ()
    assert resolve("Nobody") == Resolution(None, ())


def test_links_to_non_notes_and_same_names_in_other_folders() -> None:
    result = resolve("Bob Smith")
    assert result.path == "Other/Bob Smith.md"  # same depth and length: alphabetical
    assert set(result.candidates) == {"People/Bob Smith.md", "Other/Bob Smith.md"}


def test_alias_does_not_resolve() -> None:
    # Obsidian does not follow `[[alias]]`; the index knows only paths.
    assert resolve("Jane", "x.md", ["People/Jane Doe.md"]) == Resolution(None)


def test_same_target_from_different_notes_resolves_per_note() -> None:
    # A target with a folder may be read relative to the linking note; the answer for one note must not
    # leak into another's (and so must not depend on which note was read first).
    paths = ["A/Sub/Jane.md", "B/Sub/Jane.md", "A/x.md", "B/y.md"]
    fresh_a = LinkIndex(paths).resolve("Sub/Jane", "A/x.md")
    fresh_b = LinkIndex(paths).resolve("Sub/Jane", "B/y.md")
    shared = LinkIndex(paths)
    assert shared.resolve("Sub/Jane", "A/x.md") == fresh_a
    assert shared.resolve("Sub/Jane", "B/y.md") == fresh_b
    shared2 = LinkIndex(paths)
    assert shared2.resolve("Sub/Jane", "B/y.md") == fresh_b
    assert shared2.resolve("Sub/Jane", "A/x.md") == fresh_a


def test_repeated_lookups_are_stable() -> None:
    index = LinkIndex(VAULT)
    first = [index.resolve(t, "People/Jane Doe.md") for t in ("Jane Doe", "./Bob Smith", "Work/Dan", "Nobody")]
    again = [index.resolve(t, "People/Jane Doe.md") for t in ("Jane Doe", "./Bob Smith", "Work/Dan", "Nobody")]
    assert first == again
    assert first[1] == Resolution("People/Bob Smith.md")


# ---------------------------------------------------------------------------------------------
# Hypothesis: the answer does not depend on the order the paths are given
# ---------------------------------------------------------------------------------------------

_SEGMENTS = st.sampled_from(["People", "people", "Work", "A", "B", "Archive", "Zoë", "Zoe\u0308", "x"])
_NAMES = st.sampled_from(["Jane", "jane", "Bob", "Sam", "Zoë", "Zoe\u0308", "Jane Doe", "Jane Doe ", "Straße", "STRASSE",
                          "İz", "iz"])
_PATHS = st.builds(lambda folders, name: "/".join([*folders, name]) + ".md",
                   st.lists(_SEGMENTS, max_size=3), _NAMES)
_TARGETS = st.one_of(
    _NAMES,
    st.builds(lambda f, n: f"{f}/{n}", _SEGMENTS, _NAMES),
    st.builds(lambda f, n: f"./{f}/{n}", _SEGMENTS, _NAMES),
    st.builds(lambda f, n: f"../{f}/{n}", _SEGMENTS, _NAMES),
    st.builds(lambda f, g, n: f"{f}/{g}/{n}", _SEGMENTS, _SEGMENTS, _NAMES),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_PATHS, min_size=1, max_size=8, unique_by=lambda p: key(p)), st.lists(_TARGETS, max_size=6),
       st.sampled_from(["x.md", "People/x.md", "A/B/x.md", "Work/x.md"]), st.randoms(use_true_random=False))
def test_resolution_does_not_depend_on_path_order(paths: list[str], targets: list[str], source: str,
                                                  rnd) -> None:
    shuffled = list(paths)
    rnd.shuffle(shuffled)
    one, two = LinkIndex(paths), LinkIndex(shuffled)
    for target in targets:
        a, b = one.resolve(target, source), two.resolve(target, source)
        assert a.path == b.path, (target, paths, shuffled)
        assert set(a.candidates) == set(b.candidates)
        if a.path is not None:
            assert a.path in paths
            assert not a.candidates or a.path in a.candidates


@given(st.lists(st.text(st.characters(blacklist_characters="\0/", blacklist_categories=("Cs",))), min_size=1,
                max_size=3))
def test_a_note_is_found_by_its_name_of(parts: list[str]) -> None:
    """name_of(path) is the key a link by name finds the note under (what `outdated` relies on)."""
    path = "/".join(parts) + ".md"
    target = parts[-1]
    if not key(target):
        return
    assert LinkIndex([path]).resolve(target, "x.md").path == path
    assert name_of(path) == key(target)


# ---------------------------------------------------------------------------------------------
# An index covering a few names answers for those names as the whole vault's index does
# ---------------------------------------------------------------------------------------------

_ASCII_SEGMENTS = st.sampled_from(["People", "people", "Work", "A", " B ", "x.md", "Jane", "JANE", "Bob"])
_ASCII_NAMES = st.sampled_from(["Jane", "jane", "JANE ", " Bob", "Bob.MD", "Sam", "Jane Doe", "a.md", ""])
_MIXED_PATHS = st.one_of(_PATHS, st.builds(lambda folders, name, ext: "/".join([*folders, name]) + ext,
                                           st.lists(_ASCII_SEGMENTS, max_size=3), _ASCII_NAMES,
                                           st.sampled_from([".md", ".MD", ".Md"])))


@settings(max_examples=400, deadline=None)
@given(st.lists(_MIXED_PATHS, min_size=1, max_size=10), st.lists(st.one_of(_TARGETS, _ASCII_NAMES), max_size=6),
       st.sampled_from(["x.md", "People/x.md", "A/B/x.md", "Work/x.md", " B /x.md"]))
def test_an_index_covering_the_names_asked_resolves_as_the_whole_one(paths: list[str], targets: list[str],
                                                                     source: str) -> None:
    whole = LinkIndex(paths)
    for target in targets:
        asked = LinkIndex(()).resolve(target, source).names  # what a link looks up when nothing matches
        covering = LinkIndex.covering(paths, asked)
        a, b = whole.resolve(target, source), covering.resolve(target, source)
        assert (a.path, a.candidates, a.names) == (b.path, b.candidates, b.names), (target, paths)


_ANY_SEGMENT = st.text(st.characters(blacklist_characters="/\0", blacklist_categories=("Cs",)), max_size=6)
_ANY_PATHS = st.builds(lambda folders, name, ext: "/".join([*folders, name]) + ext,
                       st.lists(st.one_of(_ANY_SEGMENT, _SEGMENTS), max_size=2),
                       st.one_of(_ANY_SEGMENT, _NAMES, _ASCII_NAMES), st.sampled_from([".md", ".MD", ""]))


@settings(max_examples=300, deadline=None)
@given(st.lists(_ANY_PATHS, min_size=1, max_size=12), st.lists(_ANY_SEGMENT, max_size=3))
def test_an_index_covering_any_names_finds_every_note_of_them(paths: list[str], others: list[str]) -> None:
    """Any text in paths and names (line breaks, marks, folds that lengthen), ASCII or not, one name,
    several, more than are looked for one by one in ASCII paths only, or in all paths."""
    whole = LinkIndex(paths)
    targets = [path.rsplit("/", 1)[-1].removesuffix(".md").removesuffix(".MD") for path in paths] + others
    asked = [LinkIndex(()).resolve(target, "x.md").names for target in targets]
    every = frozenset().union(*asked)
    between = every | {f"other {number}" for number in range(32)}  # (ASCII paths by name, the others by text)
    many = every | {f"other {number}" for number in range(100)}  # (more than are looked for one by one)
    foreign = every | {f"другой {number}" for number in range(40)}  # (ASCII paths by text: few ASCII names)
    for target, names in zip(targets, asked, strict=True):
        a = whole.resolve(target, "x.md")
        for covering in (LinkIndex.covering(paths, names), LinkIndex.covering(paths, every),
                         LinkIndex.covering(paths, between), LinkIndex.covering(paths, many),
                         LinkIndex.covering(paths, foreign)):
            b = covering.resolve(target, "x.md")
            assert (a.path, a.candidates) == (b.path, b.candidates), (target, paths)


@pytest.mark.parametrize("target", ["STRASSE", "straße", "Zoë", "Zoe\u0308", "ZOË", "İz", "Jane Doe", "People/jane doe"])
def test_an_index_covering_a_name_finds_it_as_keys_fold_it(target: str) -> None:
    """Case folding (ß is ss), composed and decomposed accents, and a fold that lengthens a path."""
    paths = ["People/Straße.md", "Archive/Zoe\u0308.md", "İz.md", "x/.md", "People/Jane Doe .md", "A/ß.md"]
    asked = LinkIndex(()).resolve(target, "x.md").names
    whole, covering = LinkIndex(paths).resolve(target, "x.md"), LinkIndex.covering(paths, asked).resolve(target, "x.md")
    assert whole.path is not None
    assert (covering.path, covering.candidates) == (whole.path, whole.candidates)
