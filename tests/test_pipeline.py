"""The pipeline with the cache and without it (`Plain`, as if vaultcrm/cache/ were deleted) gives the
same bytes: the dashboard, `due --json`, `due`'s lines, the problems and the names contacts are found
by, on the example vault and a generated one, cold and after edits."""
from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, due_of, generated_vault
from vaultcrm.cache import Cache
from vaultcrm.config import load_config
from vaultcrm.pipeline import Plain, shown, sync

TODAY = date(2026, 11, 22)


def outputs(vault: Path, memory: Any) -> tuple[Any, ...]:
    """A sync's dashboard and summary, `due`'s object and lines, and what finds each contact by name."""
    with memory:
        report = sync(vault, TODAY, dry_run=True, memory=memory)
    with memory:
        names = sorted((r.path, r.name, r.aliases) for r in shown(vault, TODAY, load_config(vault), memory).results.values())
    return report.text, report.summary, *due_of(vault, TODAY, memory), names


@pytest.fixture(params=["example", "generated"])
def vault(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    if request.param == "example":
        copy = shutil.copytree(ROOT / "example-vault", tmp_path / "example", ignore=shutil.ignore_patterns("CRM"))
        return Path(copy)
    return generated_vault(tmp_path, 400, seed=5)


def test_the_cache_changes_no_byte(vault: Path) -> None:
    plain = outputs(vault, Plain(vault))
    assert outputs(vault, Cache(vault)) == plain  # cold: everything parsed by the fast parser
    assert outputs(vault, Cache(vault)) == plain  # warm: from the note cache and the stored results
    daemon = Cache(vault, keep=True)
    assert outputs(vault, daemon) == plain
    note = vault / plain[2]["reminders"][0]["note"]  # the most overdue contact, touched today
    note.write_text(note.read_text("utf-8") + "\n- 2026-11-22: lunch, talked shop #give\n", "utf-8")
    edited = outputs(vault, Plain(vault))
    assert edited != plain
    assert outputs(vault, Cache(vault)) == edited  # by difference
    assert outputs(vault, daemon) == edited  # from the daemon's memory


def test_the_networking_parts_by_difference(tmp_path: Path) -> None:
    """The Targets section and the stage signals are made from every contact's stored share: after an
    edit of one note, the cache's dashboard (by difference) is the plain one."""
    vault = Path(shutil.copytree(ROOT / "example-vault", tmp_path / "example", ignore=shutil.ignore_patterns("CRM")))
    daemon = Cache(vault, keep=True)
    plain = outputs(vault, Plain(vault))
    assert outputs(vault, Cache(vault)) == plain and outputs(vault, daemon) == plain
    daniel = vault / "People/Daniel Ortiz.md"  # at Datadog, never touched: the step asks Priya for an intro
    daniel.write_text(daniel.read_text("utf-8") + "\n- 2026-11-21 — coffee at the book club\n", "utf-8")
    aisha = vault / "People/Aisha Bello.md"  # stuck at acquaintance: no longer, at conversation
    aisha.write_text(aisha.read_text("utf-8").replace("prm-relationship: acquainted", "prm-relationship: talking"),
                     "utf-8")
    edited = outputs(vault, Plain(vault))
    assert "- **Datadog** — write to [[People/Daniel Ortiz|Daniel Ortiz]] · last 21 Nov" in edited[0]
    assert "Stuck at acquaintance" not in edited[0] and plain[0] != edited[0]
    assert outputs(vault, Cache(vault)) == edited  # by difference
    assert outputs(vault, daemon) == edited  # from the daemon's memory
