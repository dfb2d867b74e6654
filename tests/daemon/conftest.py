"""Vaults for the daemon's tests."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.daemon.helpers import JANE


@pytest.fixture
def vault(make_vault: Callable[..., Path]) -> Path:
    return make_vault({"People/Jane Doe.md": "---\ntier: A\n---\n", "Daily/2026-11-20.md": "- [[Jane Doe]]\n"})


@pytest.fixture
def crm_vault(make_vault: Callable[..., Path]) -> Path:
    return make_vault({"People/Jane Doe.md": JANE, "People/Bob Stone.md": "---\ntier: B\n---\n"})
