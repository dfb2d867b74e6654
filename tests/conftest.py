"""Shared fixtures: real vaults in tmp_path and the real CLI through click's CliRunner."""
from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

TODAY = date(2026, 11, 22)
ROOT = Path(__file__).resolve().parent.parent

VaultFiles = Mapping[str, str | bytes]


def write_files(root: Path, files: VaultFiles) -> None:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_bytes(content.encode("utf-8"))


@pytest.fixture(autouse=True)
def _isolated_state(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No test touches the real cache or runtime directory, the wall clock's date or a real vault."""
    state = tmp_path_factory.mktemp("state")
    monkeypatch.setenv("VAULTCRM_STATE_DIR", str(state))
    runtime = tmp_path_factory.mktemp("runtime")
    runtime.chmod(0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    monkeypatch.setenv("VAULTCRM_TODAY", TODAY.isoformat())
    monkeypatch.delenv("VAULTCRM_VAULT", raising=False)
    return state


@pytest.fixture
def make_vault(tmp_path: Path) -> Callable[[VaultFiles], Path]:
    """make_vault({"People/Jane Doe.md": "..."}) -> the vault's root, with an `.obsidian/` folder."""

    def make(files: VaultFiles, name: str = "vault") -> Path:
        root = tmp_path / name
        (root / ".obsidian").mkdir(parents=True, exist_ok=True)
        write_files(root, files)
        return root

    return make


@pytest.fixture
def run() -> Callable[..., Result]:
    """run(vault, "due", "--json") -> click Result, through the real CLI."""
    from vaultcrm.cli import main

    def invoke(vault: Path | None, *args: str, today: str | None = None, input: str | None = None) -> Result:
        argv: list[str] = []
        if vault is not None:
            argv += ["--vault", str(vault)]
        if today is not None:
            argv += ["--today", today]
        return CliRunner().invoke(main, [*argv, *args], input=input, catch_exceptions=False)

    return invoke


@pytest.fixture
def due_json(run: Callable[..., Result]) -> Callable[..., dict[str, Any]]:
    """due_json(vault) -> the parsed object of `vaultcrm due --json` (asserts exit 0)."""

    def get(vault: Path, today: str | None = None) -> dict[str, Any]:
        result = run(vault, "due", "--json", today=today)
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    return get


def due_of(vault: Path, today: date = TODAY, memory: Any = None) -> tuple[dict[str, Any], list[tuple[str, bool]]]:
    """`vaultcrm due --json`'s object and `vaultcrm due`'s lines, through `memory` (else the one
    `open_memory` gives)."""
    from vaultcrm.config import load_config
    from vaultcrm.dashboard.due import due_object, due_table
    from vaultcrm.pipeline import open_memory, shown

    config = load_config(vault)
    with memory or open_memory(vault) as entered:
        results = shown(vault, today, config, entered)
        return due_object(results, config, today), due_table(results, config, today)


def age(vault: Path, seconds: float = 3600) -> None:
    """Give every note an mtime well before now (outside the racy window, cache.RACY_NS); inodes stay."""
    past = time.time_ns() - int(seconds * 1e9)
    for path in vault.rglob("*.md"):
        os.utime(path, ns=(past, past))


def generated_vault(folder: Path, n: int, seed: int) -> Path:
    """A vault of `n` notes from bench/gen_vault.py, aged."""
    spec = importlib.util.spec_from_file_location("gen_vault", ROOT / "bench" / "gen_vault.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    vault = folder / f"generated-{n}-{seed}"
    module.generate(str(vault), n, seed)
    age(vault)
    return vault


@pytest.fixture
def evaluations(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The contacts each sync by difference evaluated again (cache/touched.py, `evaluated`), in order."""
    from vaultcrm.cache import touched

    seen: list[list[str]] = []
    real = touched.evaluated

    def spy(parts: Any, order: Any, contacts: set[str], *args: Any) -> Any:
        seen.append(sorted(contacts))
        return real(parts, order, contacts, *args)

    monkeypatch.setattr(touched, "evaluated", spy)
    return seen


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths parsed, in order, by the plain parser or the cache's (which share `Parser.parse`)."""
    from vaultcrm.vault.notes import Parser

    seen: list[str] = []
    real = Parser.parse

    def counting(self: Parser, path: str, data: bytes) -> Any:
        seen.append(path)
        return real(self, path, data)

    monkeypatch.setattr(Parser, "parse", counting)
    return seen


class Unprivileged:
    """Runs the real CLI in a process without root's powers (permission bits mean something there):
    as the current user when that is not root, else as `nobody` through setpriv. Vaults for it are
    made in `root`, which that user can reach, and belong to it."""

    def __init__(self, root: Path, prefix: list[str], uid: int, gid: int) -> None:
        self.root, self.prefix, self.uid, self.gid = root, prefix, uid, gid
        self.state = root / "state"
        self.state.mkdir()
        self.own(self.state)

    def own(self, path: Path) -> None:
        for item in [path, *path.rglob("*")]:
            os.lchown(item, self.uid, self.gid)

    def vault(self, files: VaultFiles, name: str = "vault") -> Path:
        root = self.root / name
        (root / ".obsidian").mkdir(parents=True)
        write_files(root, files)
        self.own(root)
        return root

    def run(self, vault: Path, *args: str) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "VAULTCRM_STATE_DIR": str(self.state), "VAULTCRM_TODAY": TODAY.isoformat(),
               "PYTHONDONTWRITEBYTECODE": "1"}
        return subprocess.run([*self.prefix, sys.executable, "-m", "vaultcrm", "--vault", str(vault), *args],
                              capture_output=True, text=True, env=env, cwd=self.root, timeout=60)


@pytest.fixture
def unprivileged(tmp_path: Path) -> Iterator[Unprivileged]:
    """See `Unprivileged`; skipped where root cannot become `nobody`."""
    if os.geteuid() != 0:
        yield Unprivileged(tmp_path, [], os.getuid(), os.getgid())
        return
    import pwd
    import shutil
    import tempfile

    try:
        nobody = pwd.getpwnam("nobody")
    except KeyError:
        pytest.skip("no user `nobody` to drop root's powers to")
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("setpriv is needed to run as `nobody`")
    prefix = [setpriv, f"--reuid={nobody.pw_uid}", f"--regid={nobody.pw_gid}", "--clear-groups"]
    root = Path(tempfile.mkdtemp(prefix="vaultcrm-unprivileged-"))
    try:
        root.chmod(0o755)
        if subprocess.run([*prefix, sys.executable, "-c", "import vaultcrm"], capture_output=True).returncode:
            pytest.skip("`nobody` cannot import vaultcrm from this checkout")
        yield Unprivileged(root, prefix, nobody.pw_uid, nobody.pw_gid)
    finally:
        for folder, _dirs, _files in os.walk(root):
            os.chmod(folder, 0o755)
        shutil.rmtree(root, ignore_errors=True)


def check_golden(path: Path, actual: str) -> None:
    """`actual` must equal the golden file at `path` (written instead with VAULTCRM_UPDATE_GOLDEN=1)."""
    if os.environ.get("VAULTCRM_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(exist_ok=True)
        path.write_text(actual, "utf-8", newline="\n")
    assert path.exists(), f"{path} is missing: run with VAULTCRM_UPDATE_GOLDEN=1 to create it"
    assert actual == path.read_text("utf-8"), f"{path.name} differs from the golden file (see the module docstring)"


def wikilink_rule(state: Any, silent: bool) -> bool:
    """A markdown-it inline rule reading `[[...]]` as one wikilink token, as Obsidian does."""
    if not state.src.startswith("[[", state.pos):
        return False
    end = state.src.find("]]", state.pos + 2)
    if end < 0:
        return False
    if not silent:
        state.push("wikilink", "", 0).content = state.src[state.pos + 2:end]
    state.pos = end + 2
    return True

