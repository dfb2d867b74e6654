"""What vaultcrm knows about a vault on a day, once every stage up to the rules has run."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from vaultcrm.config import Config
from vaultcrm.crm.rules import Outcome
from vaultcrm.crm.touches import VaultIndex
from vaultcrm.errors import Problem


@dataclass
class Analysis:
    """The contacts with their touches (`index`), their reminders and signals (`outcome`), and every
    problem found on the way, in the order `check` lists them."""

    vault: Path
    today: date
    config: Config
    index: VaultIndex
    outcome: Outcome
    problems: list[Problem] = field(default_factory=list)
