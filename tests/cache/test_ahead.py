"""A large vault's walk, made in a forked child while the sync goes on: always the walk `scan` makes."""
from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cache.test_difference import FILES, edit, shown, synced, uncached
from tests.conftest import TODAY, age
from vaultcrm import cache
from vaultcrm.cache import ahead
from vaultcrm.cache.ahead import WalkAhead
from vaultcrm.cache.fingerprint import Fingerprint, walk_keys
from vaultcrm.config import load_config
from vaultcrm.vault.scan import ScanResult, scan

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the walk is made ahead where a process can fork")

ODD = {
    **FILES,
    "Люди/Иван Петров.md": "---\ntags: [person]\n---\n",
    "People/Jane Doe.sync-conflict-20261101-120000-ABC.md": "a copy\n",  # a problem
    "People/.Jane Doe.md.vaultcrm-0123abcd.tmp": "left behind\n",  # a leftover
    "Notes/ünïcode\u0301 name.md": "x\n",
}


def _parts(found: ScanResult) -> tuple[object, ...]:
    return found.files, found.problems, found.leftovers


@pytest.mark.parametrize("files", [ODD, {}], ids=["notes", "empty"])
def test_the_walk_made_ahead_is_the_walk(make_vault: Callable[..., Path], files: dict[str, str]) -> None:
    vault = make_vault(files)
    age(vault)
    config = load_config(vault)
    with WalkAhead(vault, config) as walk:
        assert walk.forked
        found = walk.result()
    here = scan(vault, config)
    assert walk.keys == walk_keys(here.files) and walk.notes == len(here.files)
    assert _parts(found) == _parts(here)
    fingerprint = Fingerprint(config, TODAY)
    assert fingerprint.inputs(vault, found, walk.keys) == fingerprint.inputs(vault, here) is not None


def test_a_child_that_fails_leaves_the_walk_to_this_process(make_vault: Callable[..., Path],
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    vault = make_vault(ODD)
    parent = os.getpid()

    def failing(root: Path, config: object) -> ScanResult:
        if os.getpid() != parent:
            raise OSError("the child's walk fails")
        return scan(root, config)  # type: ignore[arg-type]

    monkeypatch.setattr(ahead, "scan", failing)
    with WalkAhead(vault, load_config(vault)) as walk:
        assert walk.forked
        found = walk.result()
    assert walk.keys is None and walk.notes == len(found.files) > 0
    assert _parts(found) == _parts(scan(vault, load_config(vault)))


def test_a_walk_not_taken_leaves_no_child_behind(make_vault: Callable[..., Path]) -> None:
    vault = make_vault(ODD)
    with WalkAhead(vault, load_config(vault)) as walk:
        assert walk._child is not None
        pid = walk._child[0]
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # collected: neither running nor a zombie


def test_with_other_threads_running_the_walk_is_made_here(make_vault: Callable[..., Path]) -> None:
    vault = make_vault(ODD)
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        with WalkAhead(vault, load_config(vault)) as walk:
            assert not walk.forked and walk.done()
            found = walk.result()
    finally:
        stop.set()
        thread.join()
    assert walk.keys is None and _parts(found) == _parts(scan(vault, load_config(vault)))


def test_a_large_vaults_syncs_walk_ahead_and_write_what_a_full_sync_would(
        make_vault: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """From AHEAD_FROM notes in the last walk: a full sync, one that changes nothing and one after an
    edit, each as a sync without the cache writes it."""
    vault = make_vault(ODD)
    age(vault)
    monkeypatch.setattr(cache, "AHEAD_FROM", 5)
    forked: list[bool] = []
    real = cache.Cache._walked

    def spied(self: cache.Cache, config: object) -> object:
        found, keys = real(self, config)  # type: ignore[arg-type]
        if keys is not None:
            forked.append(True)
        return found, keys

    monkeypatch.setattr(cache.Cache, "_walked", spied)
    assert shown(synced(vault)) == uncached(vault, monkeypatch) and forked == []  # no walk recorded yet
    assert shown(synced(vault)) == uncached(vault, monkeypatch) and forked == [True]
    edit(vault, "People/Jane Doe.md", FILES["People/Jane Doe.md"] + "- 2026-11-21: dinner with [[Ann Lee]]\n")
    report = synced(vault)
    assert report.analysis is None and forked == [True, True]  # by difference
    assert shown(report) == uncached(vault, monkeypatch)


def test_what_is_loaded_while_the_walk_runs_is_what_a_sync_after_an_edit_loads(
        make_vault: Callable[..., Path]) -> None:
    vault = make_vault(FILES)
    age(vault)
    code = ("import sys; from datetime import date; from pathlib import Path; from vaultcrm import cache, pipeline; "
            f"pipeline.sync(Path({str(vault)!r}), date.fromisoformat({TODAY.isoformat()!r})); "
            "print([name for name in cache.AFTER_WALK if name not in sys.modules])")
    subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)  # a full sync
    edit(vault, "People/Bob Roe.md", FILES["People/Bob Roe.md"].replace("2w", "1w"))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
