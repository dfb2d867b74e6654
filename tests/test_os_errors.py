"""Ordinary OS errors are ordinary messages: one line naming the file and what to do, and a documented
exit code (README, "Exit codes"): 9 when the file system refuses, 3 for an unreadable config or
template, 4 for an unreadable vault. Faults come from a seam in the write path, from real files (a
file where a folder should be, a name too long, /dev/full, an immutable file, a full or read-only
tmpfs) and from permissions, checked by a user without root's powers."""
from __future__ import annotations

import contextlib
import errno
import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import Result

from tests.conftest import Unprivileged
from vaultcrm.writeback import atomic

JANE = "People/Jane Doe.md"
JANE_TEXT = "---\ntier: A\nlast_contact: 2026-11-01\n---\n# Jane Doe\n"
DASH = "CRM/Due this week.md"


def error_line(output: str) -> str:
    assert "Traceback" not in output and "unexpected failure" not in output, output
    lines = [line for line in output.splitlines() if line.startswith("Error:")]
    assert len(lines) == 1, output
    return lines[0]


def temps(vault: Path) -> list[Path]:
    return list(vault.rglob(".*.tmp"))


def tree(vault: Path) -> dict[str, bytes]:
    return {p.relative_to(vault).as_posix(): p.read_bytes() for p in vault.rglob("*") if p.is_file()}


FAULTS = [(errno.ENOSPC, "no space left on device", "disk is full"),
          (errno.EDQUOT, "disk quota exceeded", "quota"),
          (errno.EROFS, "read-only file system", "read-only"),
          (errno.EACCES, "permission denied", "permissions"),
          (errno.EPERM, "operation not permitted", "immutable"),
          (errno.EIO, "input/output error", "check the drive")]


@pytest.mark.parametrize(("code", "said", "hint"), FAULTS, ids=[errno.errorcode[f[0]] for f in FAULTS])
@pytest.mark.parametrize("args", [("sync",), ("touch", "Jane Doe"), ("export", "csv", "-o", "people.csv")],
                         ids=lambda a: a[0])
def test_a_refused_write_is_one_line_naming_the_file(make_vault: Callable[..., Path], run: Callable[..., Result],
                                                     monkeypatch: pytest.MonkeyPatch, code: int, said: str,
                                                     hint: str, args: tuple[str, ...]) -> None:
    vault = make_vault({JANE: JANE_TEXT})
    assert run(vault, "sync").exit_code == 0
    assert run(vault, "export", "csv", "-o", str(vault / "people.csv")).exit_code == 0

    def refuse(target: Path) -> None:
        raise OSError(code, os.strerror(code))

    (vault / JANE).write_text(JANE_TEXT.replace("11-01", "11-02"))  # something to write for each command
    before = tree(vault)
    monkeypatch.setattr(atomic, "before_replace", refuse)
    result = run(vault, *[str(vault / a) if a == "people.csv" else a for a in args])
    assert result.exit_code == 9, result.output
    line = error_line(result.stderr)
    target = {"sync": DASH, "touch": JANE, "export": "people.csv"}[args[0]]
    assert target in line and said in line.lower() and hint in line
    assert tree(vault) == before and temps(vault) == []


def test_a_file_where_the_dashboards_folder_should_be(make_vault: Callable[..., Path],
                                                      run: Callable[..., Result]) -> None:
    vault = make_vault({JANE: JANE_TEXT, "CRM": "a file, not a folder"})
    result = run(vault, "sync")
    assert result.exit_code == 9
    line = error_line(result.stderr)
    assert "CRM" in line and "not a directory" in line and "is a file, not a folder" in line
    assert (vault / "CRM").read_text() == "a file, not a folder"


def test_a_dashboard_name_too_long_for_the_file_system(make_vault: Callable[..., Path],
                                                       run: Callable[..., Result]) -> None:
    long = "x" * 300
    vault = make_vault({JANE: JANE_TEXT, ".vaultcrm/config.toml": f'dashboard = "CRM/{long}.md"\n'})
    result = run(vault, "sync")
    assert result.exit_code == 9
    line = error_line(result.stderr)
    assert long in line and "too long" in line and "shorter" in line


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_export_to_dev_full_fails_cleanly(make_vault: Callable[..., Path], run: Callable[..., Result]) -> None:
    vault = make_vault({JANE: JANE_TEXT})
    for kind in ("ics", "csv"):
        result = run(vault, "export", kind, "-o", "/dev/full")
        assert result.exit_code == 9
        assert "/dev/full" in error_line(result.stderr)


@pytest.mark.skipif(not Path("/dev/stdout").exists(), reason="needs /dev/stdout")
@pytest.mark.parametrize("kind", ["ics", "csv"])
def test_export_to_dev_stdout_writes_to_standard_output(make_vault: Callable[..., Path], tmp_path: Path,
                                                        kind: str) -> None:
    vault = make_vault({JANE: JANE_TEXT})
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    command = [sys.executable, "-m", "vaultcrm", "--vault", str(vault), "export", kind]
    plain = subprocess.run(command, capture_output=True, env=env, timeout=60)
    piped = subprocess.run([*command, "-o", "/dev/stdout"], capture_output=True, env=env, timeout=60)
    assert piped.returncode == 0, piped.stderr
    assert piped.stdout.lstrip(b"\xef\xbb\xbf") == plain.stdout and b"Jane Doe" in plain.stdout
    out = tmp_path / "redirected"
    with open(out, "wb") as handle:
        assert subprocess.run([*command, "-o", "/dev/stdout"], stdout=handle, env=env, timeout=60).returncode == 0
    assert out.read_bytes() == piped.stdout


# -- real file systems: an immutable file, a full or read-only tmpfs (root only) ----------------

def can_run(*command: str) -> bool:
    try:
        return subprocess.run(command, capture_output=True, timeout=20).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


@pytest.fixture
def immutable(tmp_path: Path) -> Iterator[Callable[[Path], None]]:
    """immutable(path): `chattr +i`, lifted again after the test; skipped where it cannot be set."""
    probe = tmp_path / "probe"
    probe.write_text("x")
    if os.geteuid() != 0 or not shutil.which("chattr") or not can_run("chattr", "+i", str(probe)):
        pytest.skip("chattr +i needs root and a file system that supports it")
    subprocess.run(["chattr", "-i", str(probe)], check=True)
    marked: list[Path] = []

    def mark(path: Path) -> None:
        subprocess.run(["chattr", "+i", str(path)], check=True)
        marked.append(path)

    yield mark
    for path in marked:
        subprocess.run(["chattr", "-i", str(path)], check=False)


@pytest.mark.parametrize("args, target, code", [(("sync",), DASH, 5), (("touch", "Jane Doe"), JANE, 7)])
def test_an_immutable_file_is_left_alone_with_a_message(make_vault: Callable[..., Path], run: Callable[..., Result],
                                                        immutable: Callable[[Path], None], args: tuple[str, ...],
                                                        target: str, code: int) -> None:
    """An immutable file is a protected one (it reads as read-only), refused before any write."""
    vault = make_vault({JANE: JANE_TEXT})
    assert run(vault, "sync").exit_code == 0
    immutable(vault / target)
    if target == DASH:
        (vault / "People/Ann Lee.md").write_text("---\ntier: A\n---\n")
    before = tree(vault)
    result = run(vault, *args)
    assert result.exit_code == code, result.output
    line = error_line(result.stderr)
    assert target.rsplit("/", 1)[1] in line and "read-only" in line and "chattr -i" in line
    assert tree(vault) == before and temps(vault) == []


def test_an_immutable_folder_is_one_line(make_vault: Callable[..., Path], run: Callable[..., Result],
                                         immutable: Callable[[Path], None]) -> None:
    vault = make_vault({JANE: JANE_TEXT})
    assert run(vault, "sync").exit_code == 0
    (vault / "People/Ann Lee.md").write_text("---\ntier: A\n---\n")
    immutable(vault / "CRM")
    before = tree(vault)
    result = run(vault, "sync")
    assert result.exit_code == 9, result.output
    line = error_line(result.stderr)
    assert DASH in line and "operation not permitted" in line and "chattr -i" in line
    assert tree(vault) == before and temps(vault) == []


@contextlib.contextmanager
def tmpfs(folder: Path, size: str) -> Iterator[Path]:
    folder.mkdir()
    if os.geteuid() != 0 or not can_run("mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)):
        pytest.skip("mounting a tmpfs needs root")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def test_a_full_disk_names_the_dashboard_and_keeps_the_old_one(tmp_path: Path, run: Callable[..., Result]) -> None:
    with tmpfs(tmp_path / "disk", "1m") as disk:
        vault = disk / "vault"
        (vault / ".obsidian").mkdir(parents=True)
        (vault / "People").mkdir()
        (vault / JANE).write_text(JANE_TEXT)
        assert run(vault, "sync").exit_code == 0
        for i in range(20):  # the next dashboard is longer, and then the disk is filled up
            (vault / f"People/Person {i:02d} with a long name.md").write_text("---\ntier: A\n---\n")
        with contextlib.suppress(OSError), open(disk / "filler", "wb") as filler:
            while True:
                filler.write(b"\0" * 1024)
                filler.flush()
        old = (vault / DASH).read_bytes()
        result = run(vault, "sync")
        assert result.exit_code == 9, result.output
        line = error_line(result.stderr)
        assert DASH in line and "no space left on device" in line
        assert (vault / DASH).read_bytes() == old and temps(vault) == []


def test_a_read_only_file_system_is_one_line(tmp_path: Path, run: Callable[..., Result]) -> None:
    with tmpfs(tmp_path / "disk", "1m") as disk:
        vault = disk / "vault"
        (vault / ".obsidian").mkdir(parents=True)
        (vault / "People").mkdir()
        (vault / JANE).write_text(JANE_TEXT)
        if not can_run("mount", "-o", "remount,ro", str(disk)):
            pytest.skip("cannot remount read-only")
        for args, target in ((("sync",), "CRM"), (("touch", "Jane Doe"), JANE)):
            result = run(vault, *args)
            assert result.exit_code == 9, result.output
            line = error_line(result.stderr)
            assert target in line and "read-only file system" in line


# -- permissions, as a user without root's powers ------------------------------------------------

def test_unprivileged_permission_denied_is_one_line(unprivileged: Unprivileged) -> None:
    vault = unprivileged.vault({JANE: JANE_TEXT})
    (vault / "CRM").mkdir()
    unprivileged.own(vault / "CRM")
    (vault / "CRM").chmod(0o555)
    (vault / "People").chmod(0o555)
    try:
        result = unprivileged.run(vault, "sync")
        assert result.returncode == 9, result.stderr
        line = error_line(result.stderr)
        assert DASH in line and "permission denied" in line and "permissions" in line
        result = unprivileged.run(vault, "touch", "Jane Doe")
        assert result.returncode == 9, result.stderr
        assert JANE in error_line(result.stderr)
        assert (vault / JANE).read_text() == JANE_TEXT and not list((vault / "CRM").iterdir())
    finally:
        (vault / "CRM").chmod(0o755)
        (vault / "People").chmod(0o755)


@pytest.mark.parametrize(("what", "code"), [("config", 3), ("template", 3), ("vault", 4)])
def test_unprivileged_unreadable_config_template_or_vault(unprivileged: Unprivileged, what: str, code: int) -> None:
    files = {JANE: JANE_TEXT, ".vaultcrm/config.toml": "horizon = \"7d\"\n",
             ".vaultcrm/templates/dashboard.md.j2": "# mine\n"}
    vault = unprivileged.vault(files)
    locked = {"config": vault / ".vaultcrm/config.toml", "template": vault / ".vaultcrm/templates/dashboard.md.j2",
              "vault": vault}[what]
    mode = stat.S_IMODE(locked.stat().st_mode)
    locked.chmod(0)
    try:
        for args in (("sync",), ("due",)) if what != "template" else (("sync",),):
            result = unprivileged.run(vault, *args)
            assert result.returncode == code, result.stderr
            line = error_line(result.stderr)
            assert {"config": "config.toml", "template": "dashboard.md.j2", "vault": str(vault)}[what] in line
            assert "cannot be read" in line
    finally:
        locked.chmod(mode)
    assert not (vault / "CRM").exists()


def test_a_note_whose_name_is_near_the_limit_can_still_be_edited(make_vault: Callable[..., Path],
                                                                  run: Callable[..., Result]) -> None:
    name = "Ж" * 124  # 248 bytes of UTF-8 with `.md`: no room left for a temporary file's longer name
    vault = make_vault({f"People/{name}.md": JANE_TEXT})
    result = run(vault, "touch", name)
    assert result.exit_code == 0, result.output
    assert (vault / f"People/{name}.md").read_text().endswith("- 2026-11-22\n") and temps(vault) == []
