"""The surgical write-back edit: byte-exact goldens, refusals, the compare-and-swap write, mode bits."""
from __future__ import annotations

import os
from collections import Counter
from datetime import date
from difflib import SequenceMatcher
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from vaultcrm.errors import NotEditableError, NotOursError
from vaultcrm.fields import field_keys, normalise_key
from vaultcrm.vault.dates import to_date
from vaultcrm.writeback import atomic as write
from vaultcrm.writeback.edit import (
    EditResult,
    append_log_line,
    apply_edit,
    log_line,
    remove_field,
    set_date_field,
    touch_note,
)

D = date(2026, 11, 22)
LAST_TOUCH = field_keys()["last_touch"]
SNOOZE = field_keys()["snooze_until"]
LINE = log_line(D, "Coffee, talked about her move", give=True)
L = LINE.encode()
BOM = b"\xef\xbb\xbf"


def touch(data: bytes) -> bytes:
    return touch_note(data, LAST_TOUCH, D, "Log", LINE)


def note(tmp_path: Path, data: bytes, name: str = "Jane Doe.md") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


GOLDEN = {
    "crlf_bom_existing_key": (
        BOM + b"---\r\nname: Jane Doe\r\nlast_contact: 2026-10-01\r\ntier: A\r\n---\r\n"
        b"# Jane\r\n\r\n## Log\r\n\r\n- 2026-10-01 \xe2\x80\x94 Lunch\r\n\r\n## Ideas\r\n- intro to Sam\r\n",
        BOM + b"---\r\nname: Jane Doe\r\nlast_contact: 2026-11-22\r\ntier: A\r\n---\r\n"
        b"# Jane\r\n\r\n## Log\r\n\r\n- 2026-10-01 \xe2\x80\x94 Lunch\r\n" + L + b"\r\n\r\n## Ideas\r\n- intro to Sam\r\n"),
    "no_final_newline_key_absent": (
        b"---\ntier: B\n---\nMet at the meetup.",
        b"---\ntier: B\nlast_touch: 2026-11-22\n---\nMet at the meetup.\n\n## Log\n\n" + L + b"\n"),
    "crlf_no_final_newline": (
        b"---\r\nname: A\r\n---\r\nText",
        b"---\r\nname: A\r\nlast_touch: 2026-11-22\r\n---\r\nText\r\n\r\n## Log\r\n\r\n" + L + b"\r\n"),
    "comments_flow_lists_trailing_comment": (
        b"---\n# card\ntags: [person, work]  # flow list\nlast_touch: 2026-09-01 # met at conf\n"
        b"aliases: [JD, \"Jane D.\"]\n---\n## Log\n- 2026-09-01 conf\n",
        b"---\n# card\ntags: [person, work]  # flow list\nlast_touch: 2026-11-22 # met at conf\n"
        b"aliases: [JD, \"Jane D.\"]\n---\n## Log\n- 2026-09-01 conf\n" + L + b"\n"),
    "quoted_link_list_cyrillic": (
        "---\nname: Мария Петрова\npeople: [\"[[Анна Смирнова]]\", \"[[Bob]]\"]\n"
        "company: \"[[Яндекс]]\"\n---\nЗаметки о Марии.\n".encode(),
        "---\nname: Мария Петрова\npeople: [\"[[Анна Смирнова]]\", \"[[Bob]]\"]\n"
        "company: \"[[Яндекс]]\"\nlast_touch: 2026-11-22\n---\nЗаметки о Марии.\n\n## Log\n\n".encode() + L + b"\n"),
    "dots_terminator": (
        b"---\nname: Sam\n...\nBody\n",
        b"---\nname: Sam\nlast_touch: 2026-11-22\n...\nBody\n\n## Log\n\n" + L + b"\n"),
    "body_with_rules_single_quoted": (
        b"---\nlast_spoke: '2026-02-03'\n---\nIntro\n\n---\n\n## Log\n\n- 2026-02-03 call\n",
        b"---\nlast_spoke: '2026-11-22'\n---\nIntro\n\n---\n\n## Log\n\n- 2026-02-03 call\n" + L + b"\n"),
    "double_quoted_link_value": (
        b"---\nlast_contacted: \"[[2026-03-04]]\"\n---\n",
        b"---\nlast_contacted: \"[[2026-11-22]]\"\n---\n\n## Log\n\n" + L + b"\n"),
    "empty_value_nested_log_heading": (
        b"---\nlast_touch:\nstatus: active\n---\n# Sam\n### log\n- 2026-01-01 hi\n#### detail\nsub\n## Next\ntext\n",
        b"---\nlast_touch: 2026-11-22\nstatus: active\n---\n# Sam\n### log\n- 2026-01-01 hi\n#### detail\nsub\n"
        + L + b"\n## Next\ntext\n"),
    "heading_in_code_fence_ignored": (
        b"---\nlast_touch: \"2026-05-05\"\n---\n```md\n## Log\n```\n",
        b"---\nlast_touch: \"2026-11-22\"\n---\n```md\n## Log\n```\n\n## Log\n\n" + L + b"\n"),
    "no_frontmatter": (
        b"Just a note about Kim.\n",
        b"---\nlast_touch: 2026-11-22\n---\nJust a note about Kim.\n\n## Log\n\n" + L + b"\n"),
    "bom_no_frontmatter": (
        BOM + b"Kim\r\n",
        BOM + b"---\r\nlast_touch: 2026-11-22\r\n---\r\nKim\r\n\r\n## Log\r\n\r\n" + L + b"\r\n"),
    "empty_log_section": (
        b"---\nlast_touch: 2026-01-01\n---\n## Log\n\n## Ideas\n",
        b"---\nlast_touch: 2026-11-22\n---\n## Log\n\n" + L + b"\n\n## Ideas\n"),
    "later_date_is_not_rolled_back": (
        b"---\nlast_touch: 2026-12-01\n---\n## Log\n",
        b"---\nlast_touch: 2026-12-01\n---\n## Log\n\n" + L + b"\n"),
    "empty_frontmatter": (
        b"---\n# just a comment\n---\n",
        b"---\n# just a comment\nlast_touch: 2026-11-22\n---\n\n## Log\n\n" + L + b"\n"),
    "nested_key_is_not_the_field": (
        b"---\nmeta:\n  last_touch: 2020-01-01\n---\n",
        b"---\nmeta:\n  last_touch: 2020-01-01\nlast_touch: 2026-11-22\n---\n\n## Log\n\n" + L + b"\n"),
}


@pytest.mark.parametrize("case", sorted(GOLDEN))
def test_touch_golden(tmp_path: Path, case: str) -> None:
    before, after = GOLDEN[case]
    path = note(tmp_path, before)
    result = apply_edit(path, touch)
    assert path.read_bytes() == after
    assert (result.old, result.new, result.changed) == (before, after, True)
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("value", [b"2026-12-01", b"2026-11-22", b"2026-11-22T23:10", b"\"[[2027-01-01]]\""])
def test_same_or_later_date_leaves_bytes_unchanged(value: bytes) -> None:
    data = b"---\nlast_contact: " + value + b"  # keep\n---\nbody"
    assert set_date_field(data, LAST_TOUCH, "last_touch", D, never_earlier=True) is data


def test_without_never_earlier_a_date_can_move_back() -> None:
    data = b"---\nsnooze_until: 2027-01-01\n---\n"
    out = set_date_field(data, SNOOZE, "snooze_until", date(2026, 12, 1), never_earlier=False)
    assert out == b"---\nsnooze_until: 2026-12-01\n---\n"


def test_canonical_key_wins_over_synonym_earlier_in_file() -> None:
    data = b"---\nsnooze: 2026-12-24\nSnooze Until: 2026-12-25\n---\n"
    out = set_date_field(data, SNOOZE, "snooze_until", date(2027, 1, 6), never_earlier=False)
    assert out == b"---\nsnooze: 2026-12-24\nSnooze Until: 2027-01-06\n---\n"


def test_remove_field_removes_every_spelling_and_nothing_else() -> None:
    data = b"---\nname: A\nsnooze: 2026-12-01  # trip\nSnooze Until: '2027-01-01'\ntier: B\n---\nbody"
    assert remove_field(data, SNOOZE) == b"---\nname: A\ntier: B\n---\nbody"


@pytest.mark.parametrize("data", [b"no frontmatter\n", b"---\nname: A\n---\n"])
def test_remove_field_absent_is_unchanged(data: bytes) -> None:
    assert remove_field(data, SNOOZE) is data


def test_remove_field_refuses_multiline_value() -> None:
    with pytest.raises(NotEditableError):
        remove_field(b"---\nsnooze_until:\n  - 2026-12-01\n---\n", SNOOZE)


@pytest.mark.parametrize("heading, body, expected", [
    ("Log", b"# N\n## LOG ##\n- a\n", b"# N\n## LOG ##\n- a\n" + L + b"\n"),
    ("Log", b"## Log\n- a\n### Sub\n- b\n# Top\n", b"## Log\n- a\n### Sub\n- b\n" + L + b"\n# Top\n"),
    ("Log", b"## Log", b"## Log\n\n" + L + b"\n"),
    ("Log", b"", b"## Log\n\n" + L + b"\n"),
    ("Log", b"text\n\n", b"text\n\n## Log\n\n" + L + b"\n"),
    ("Interactions", b"## Log\n", b"## Log\n\n## Interactions\n\n" + L + b"\n"),
    ("Log", b"## Log\n- a\n" + L + b"\n", b"## Log\n- a\n" + L + b"\n"),
    ("Log", b"~~~\n## Log\n~~~\n## Log\n- a\n", b"~~~\n## Log\n~~~\n## Log\n- a\n" + L + b"\n"),
    ("Log", b"---\n# Log\n---\n", b"---\n# Log\n---\n\n## Log\n\n" + L + b"\n"),
])
def test_append_log_line(heading: str, body: bytes, expected: bytes) -> None:
    assert append_log_line(body, heading, LINE) == expected


def test_append_log_line_rejects_a_multiline_line() -> None:
    with pytest.raises(ValueError):
        append_log_line(b"", "Log", "- a\n- b")


@pytest.mark.parametrize("kwargs, expected", [
    ({"text": "Coffee, talked about her move", "give": True}, "- 2026-11-22 — Coffee, talked about her move #give"),
    ({"text": "  two\nlines\r\n here ", "channel": "telegram"}, "- 2026-11-22 — two lines here (telegram)"),
    ({"ask": True}, "- 2026-11-22 — #ask"),
    ({}, "- 2026-11-22"),
    ({"text": "a\u2028b", "channel": " "}, "- 2026-11-22 — a b"),
])
def test_log_line(kwargs: dict[str, object], expected: str) -> None:
    assert log_line(D, **kwargs) == expected  # type: ignore[arg-type]


REFUSED = {
    "broken_yaml": b"---\nname: [Jane\n---\nbody\n",
    "duplicate_key": b"---\nlast_contact: 2026-01-01\nlast_contact: 2026-02-01\n---\n",
    "block_scalar": b"---\nlast_touch: >\n  2026-01-01\n---\n",
    "alias": b"---\nbase: &b 2026-01-01\nlast_touch: *b\n---\n",
    "anchor_only": b"---\nname: &n Jane\n---\n",
    "not_a_date": b"---\nlast_touch: last spring\n---\n",
    "continuation_line": b"---\nlast_touch: 2026-01-01\n  2026-02-01\n---\n",
    "multiline_flow": b"---\nlast_touch: [2026-01-01,\n  2026-02-01]\n---\n",
    "tagged_value": b"---\nlast_touch: !!str 2026-01-01\n---\n",
    "not_a_mapping": b"---\n- a\n- b\n---\n",
    "json_object": b"---\n{\"name\": \"Jane\"}\n---\n",
    "template_placeholder": b"---\ncreated: {{date}}\n---\n",
    "never_closed": b"---\nname: Jane\n\nbody\n",
    "too_large": b"---\nbio: " + b"x" * 70_000 + b"\n---\n",
    "lone_carriage_return": b"---\nname: a\rlast_touch: 2026-01-01\n---\n",
    "not_utf8": b"---\nname: \xff\n---\n",
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_refused_notes_are_left_untouched(tmp_path: Path, case: str) -> None:
    path = note(tmp_path, REFUSED[case])
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    with pytest.raises(NotEditableError) as info:
        apply_edit(path, touch)
    assert info.value.exit_code == 7
    assert info.value.message.startswith("vaultcrm will not edit Jane Doe.md: ")
    assert info.value.message.endswith("; nothing was written")
    assert path.read_bytes() == REFUSED[case]
    assert path.stat().st_mtime_ns == 1_000_000_000
    assert leftovers(tmp_path) == []


def test_duplicate_key_is_named() -> None:
    with pytest.raises(NotEditableError, match="'last_contact' appears twice on line 3"):
        touch(REFUSED["duplicate_key"])


def test_hard_linked_note_is_refused(tmp_path: Path) -> None:
    data = b"---\nlast_touch: 2026-01-01\n---\n"
    path = note(tmp_path, data)
    other = tmp_path / "elsewhere.md"
    os.link(path, other)
    with pytest.raises(NotEditableError, match="hard links"):
        apply_edit(path, touch)
    assert path.read_bytes() == other.read_bytes() == data
    assert path.stat().st_ino == other.stat().st_ino


def test_symlinked_note_is_refused(tmp_path: Path) -> None:
    target = note(tmp_path, b"---\nlast_touch: 2026-01-01\n---\n", "real.md")
    link = tmp_path / "Jane Doe.md"
    link.symlink_to(target)
    with pytest.raises(NotEditableError, match="symbolic link"):
        apply_edit(link, touch)
    assert link.is_symlink()
    assert target.read_bytes() == b"---\nlast_touch: 2026-01-01\n---\n"


@pytest.mark.parametrize("mode", [0o600, 0o640, 0o664])
def test_mode_bits_are_kept(tmp_path: Path, mode: int) -> None:
    path = note(tmp_path, b"---\nlast_touch: 2026-01-01\n---\n")
    path.chmod(mode)
    apply_edit(path, touch)
    assert path.stat().st_mode & 0o7777 == mode
    assert path.read_bytes().startswith(b"---\nlast_touch: 2026-11-22\n")


def test_unchanged_edit_writes_nothing(tmp_path: Path) -> None:
    path = note(tmp_path, b"---\nlast_touch: 2027-01-01\n---\n")
    before = path.stat()
    result = apply_edit(path, lambda b: set_date_field(b, LAST_TOUCH, "last_touch", D, never_earlier=True))
    after = path.stat()
    assert not result.changed and result.diff == ""
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def test_dry_run_shows_the_diff_and_writes_nothing(tmp_path: Path) -> None:
    data = b"---\nlast_touch: 2026-01-01\n---\nText"
    path = note(tmp_path, data)
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    result = apply_edit(path, touch, dry_run=True)
    assert result.changed
    assert path.read_bytes() == data and path.stat().st_mtime_ns == 1_000_000_000
    diff = result.diff
    assert diff.startswith("--- a/Jane Doe.md\n+++ b/Jane Doe.md\n")
    assert "-last_touch: 2026-01-01\n+last_touch: 2026-11-22\n" in diff
    assert "-Text\n\\ No newline at end of file\n+Text\n" in diff
    assert f"+{LINE}\n" in diff


def test_note_changed_during_edit_is_redone_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = note(tmp_path, b"---\nlast_touch: 2026-01-01\n---\n## Log\n")
    calls: list[Path] = []

    def obsidian_autosave(target: Path) -> None:
        if not calls:
            with open(target, "ab") as handle:
                handle.write(b"- typed in Obsidian\n")
        calls.append(target)

    monkeypatch.setattr(write, "before_replace", obsidian_autosave)
    result = apply_edit(path, touch)
    expected = b"---\nlast_touch: 2026-11-22\n---\n## Log\n- typed in Obsidian\n" + L + b"\n"
    assert len(calls) == 2
    assert path.read_bytes() == result.new == expected
    assert leftovers(tmp_path) == []


def test_note_changing_every_time_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = b"---\nlast_touch: 2026-01-01\n---\n"
    path = note(tmp_path, data)

    def keeps_typing(target: Path) -> None:
        with open(target, "ab") as handle:
            handle.write(b"more\n")

    monkeypatch.setattr(write, "before_replace", keeps_typing)
    with pytest.raises(NotOursError, match="changed while vaultcrm was editing it; nothing was written") as info:
        apply_edit(path, touch)
    assert info.value.exit_code == 5
    assert path.read_bytes() == data + b"more\nmore\n"
    assert leftovers(tmp_path) == []


def test_note_deleted_during_edit_is_not_recreated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = note(tmp_path, b"---\nlast_touch: 2026-01-01\n---\n")
    monkeypatch.setattr(write, "before_replace", lambda target: target.unlink())
    with pytest.raises(NotOursError, match="moved or deleted"):
        apply_edit(path, touch)
    assert not path.exists()
    assert leftovers(tmp_path) == []


def test_missing_note_is_reported(tmp_path: Path) -> None:
    with pytest.raises(NotOursError, match="no longer exists"):
        apply_edit(tmp_path / "gone.md", touch)


def test_edit_result_diff_is_empty_when_unchanged(tmp_path: Path) -> None:
    assert EditResult(tmp_path / "a.md", b"x", b"x").diff == ""


# --- the property: an edit changes exactly its lines -------------------------------------------------

_YAML_WORDS = {"yes", "no", "on", "off", "true", "false", "null", "y", "n"}
_keys = st.from_regex(r"[a-z][a-z_]{0,7}", fullmatch=True).filter(
    lambda k: k not in _YAML_WORDS and normalise_key(k) not in LAST_TOUCH)
_words = st.lists(st.text("abcdefgh", min_size=1, max_size=6), min_size=1, max_size=3).map(" ".join) \
    .filter(lambda w: not set(w.split()) & _YAML_WORDS)
_values = st.one_of(
    st.integers(0, 9999).map(str), _words, _words.map(lambda w: f'"{w}"'), _words.map(lambda w: f"'{w}'"),
    st.dates(date(2000, 1, 1), date(2030, 12, 31)).map(date.isoformat),
    st.lists(_words, max_size=3).map(lambda ws: "[" + ", ".join(ws) + "]"),
    _words.map(lambda w: f'["[[{w}]]"]'), st.just(""))
_comments = st.sampled_from(["", "  # note", " # café ✓"])
_lt_values = st.one_of(
    st.just(""),
    st.tuples(st.dates(date(2020, 1, 1), date(2027, 12, 31)), st.sampled_from(["{}", '"{}"', "'{}'", '"[[{}]]"']))
    .map(lambda t: t[1].format(t[0].isoformat())))
_lt_entry = st.tuples(st.sampled_from(["last_touch", "Last Contact", "lastContact", "last-spoke",
                                       "prm-last-contacted"]), _lt_values, _comments)
_body_lines = st.lists(st.one_of(
    st.sampled_from(["", "## Log", "# Title", "## Other", "### Sub", "- item", "---", "- [ ] task", "```", "#"]),
    st.text("ab ДЖё#-*[]:", max_size=15)), max_size=12)


@st.composite
def _notes(draw: st.DrawFn) -> dict[str, object]:
    nl = draw(st.sampled_from(["\n", "\r\n"]))
    entries = draw(st.lists(st.tuples(_keys, _values, _comments), max_size=6, unique_by=lambda e: e[0]))
    lt = draw(st.none() | _lt_entry)
    if lt is not None:
        entries.insert(draw(st.integers(0, len(entries))), lt)
    fm_lines = [(f"{k}: {v}" if v else f"{k}:") + c for k, v, c in entries]
    if draw(st.booleans()):
        fm_lines.insert(0, "# a comment")
    with_fm = draw(st.booleans())
    lt = lt if with_fm else None
    body = draw(_body_lines)
    if not with_fm and body and body[0].rstrip(" \t") == "---":
        body.insert(0, "Intro")
    lines = (["---", *fm_lines, draw(st.sampled_from(["---", "...", "---  "]))] if with_fm else []) + body
    text = nl.join(lines) + (nl if lines and draw(st.booleans()) else "")
    bom = draw(st.sampled_from(["", "\ufeff"]))
    return {"data": (bom + text).encode(), "nl": nl.encode(), "bom": bom.encode(), "with_fm": with_fm,
            "lt": lt, "lt_index": 1 + fm_lines.index((f"{lt[0]}: {lt[1]}" if lt[1] else f"{lt[0]}:") + lt[2])
            if lt else None, "close": len(fm_lines) + 1}


def _lines(data: bytes, bom: bytes) -> list[bytes]:
    assert data.startswith(bom)
    return data[len(bom):].splitlines(keepends=True)


def _only_inserts(old: list[bytes], new: list[bytes]) -> list[bytes] | None:
    """The lines `new` adds to `old`, if it only adds lines; else None."""
    inserted: list[bytes] = []
    for tag, _i1, _i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "insert":
            inserted += new[j1:j2]
        elif tag != "equal":
            return None
    return inserted


@settings(max_examples=300, deadline=None)
@given(_notes())
def test_touch_changes_exactly_its_lines(case: dict[str, object]) -> None:
    data, nl, bom = case["data"], case["nl"], case["bom"]
    assert isinstance(data, bytes) and isinstance(nl, bytes) and isinstance(bom, bytes)
    nl = nl if b"\n" in data else b"\n"  # a note without a line break gets "\n"
    old = _lines(data, bom)
    mid_bytes = set_date_field(data, LAST_TOUCH, "last_touch", D, never_earlier=True)
    mid = _lines(mid_bytes, bom)
    lt, index, close = case["lt"], case["lt_index"], case["close"]
    old_day = to_date(yaml.safe_load(lt[1])) if lt and lt[1] else None  # type: ignore[index]
    key = lt[0] if lt else "last_touch"  # type: ignore[index]
    if not case["with_fm"]:
        assert mid == [b"---" + nl, b"last_touch: 2026-11-22" + nl, b"---" + nl, *old]
        close = 2
    elif old_day is not None and old_day >= D:
        assert mid_bytes == data
    elif lt is None:
        assert mid == [*old[:close], b"last_touch: 2026-11-22" + nl, *old[close:]]
        close += 1
    else:
        assert len(mid) == len(old)
        assert [i for i in range(len(old)) if old[i] != mid[i]] == [index]
        assert mid[index].startswith(key.encode() + b":")  # type: ignore[union-attr]
    fm = yaml.safe_load(b"".join(mid[1:close]).decode())
    assert to_date(fm[key]) == max(D, old_day or D)

    new_bytes = touch(data)
    assert new_bytes == append_log_line(mid_bytes, "Log", LINE)
    new = _lines(new_bytes, bom)
    complete = [*mid[:-1], mid[-1] + nl] if mid and not mid[-1].endswith(b"\n") else mid
    inserted = _only_inserts(mid, new)
    if inserted is None:
        inserted = _only_inserts(complete, new)
    assert inserted is not None
    allowed = [Counter([L + nl]), Counter([nl, L + nl]), Counter([b"## Log" + nl, nl, L + nl]),
               Counter([nl, b"## Log" + nl, nl, L + nl])]
    assert Counter(inserted) in allowed
    assert new.count(L + nl) == 1
