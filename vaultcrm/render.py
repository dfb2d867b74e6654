"""Rendering the dashboard: plain, Markdown-safe data into a sandboxed Jinja template (SPEC §5)."""
from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import (
    ChoiceLoader,
    FileSystemLoader,
    FunctionLoader,
    StrictUndefined,
    TemplateError,
)
from jinja2.sandbox import ImmutableSandboxedEnvironment

from .config import Config
from .errors import ConfigError
from .model import Contact, Problem, Reminder
from .notes import plain_text
from .rules import Outcome, horizon_end

TEMPLATE = "dashboard.md.j2"
OVERRIDE_DIR = ".vaultcrm/templates"
MAX_OUTPUT = 1024 * 1024
_SPECIAL = re.compile(r"([\\`\[\]#|<>$%])")
_TICKED = re.compile(r"^(\s*[-*+] )\[[^ \]]\]", re.MULTILINE)
_UNSAFE_IN_WIKILINK = re.compile(r"[|#^\[\]]|%%")


def md_inline(text: str) -> str:
    """Text from notes made inert: one line; what could make a link, tag, table cell, HTML, code,
    comment or math is backslash-escaped (emphasis marks are left alone: they change no structure)."""
    flat = " ".join(str(text).split())
    return _SPECIAL.sub(r"\\\1", flat).replace("::", ":\\:")


def note_link(path: str, label: str) -> str:
    """A link Obsidian resolves to exactly `path` (from the vault root), showing `label`."""
    label = " ".join(label.split()).replace("[", "(").replace("]", ")").replace("|", "/") or path
    if _UNSAFE_IN_WIKILINK.search(path):
        return f"[{md_inline(label)}]({quote(path, safe='/')})"
    stem = path[:-3] if path.lower().endswith(".md") else path
    return f"[[{stem}|{label}]]"


def unticked(body: str) -> str:
    """The body with every task box unticked and LF line endings: what the body hash covers."""
    return _TICKED.sub(r"\1[ ]", body.replace("\r\n", "\n"))


def body_hash(body: str) -> str:
    return "sha256:" + hashlib.sha256(unticked(body).encode("utf-8")).hexdigest()


def _when(reminder: Reminder, today: date) -> str:
    if reminder.overdue:
        days = reminder.days_overdue
        return f"{days} day{'s' if days != 1 else ''} overdue"
    if reminder.due == today:
        return "today"
    if reminder.due == today + timedelta(days=1):
        return "tomorrow"
    return "by " + reminder.due.strftime("%a %d %b")


def _last_time(contact: Contact) -> str:
    line = contact.last_line
    if line is None or not line.text:
        return ""
    text = re.sub(r"^\W*\d{4}-\d{2}-\d{2}\W*", "", plain_text(line.text))
    text = text if len(text) <= 80 else text[:79].rsplit(" ", 1)[0] + "…"
    return md_inline(text)


def context(outcome: Outcome, problems: list[Problem], config: Config, today: date) -> dict[str, Any]:
    """The plain data the template sees: strings, numbers and lists, every text already escaped."""
    sections: dict[str, list[dict[str, Any]]] = {"followups": [], "overdue": [], "due": [], "occasions": []}
    for reminder in outcome.reminders:
        contact = reminder.contact
        item = {"link": note_link(contact.path, contact.name), "reason": md_inline(reminder.reason),
                "when": _when(reminder, today), "overdue": reminder.overdue, "kind": reminder.kind,
                "due": reminder.due.isoformat(), "last_time": _last_time(contact)}
        if reminder.kind == "followup":
            sections["followups"].append(item)
        elif reminder.kind == "occasion":
            sections["occasions"].append(item)
        else:
            sections["overdue" if reminder.overdue else "due"].append(item)
    week_start = today - timedelta(days=6)
    active = outcome.active
    give_lines = {(t.evidence, t.line) for c in active for t in c.touches if t.give and week_start <= t.day}
    week = {
        "met": _goal(sum(1 for c in active if c.met and week_start <= c.met <= today),
                     config.goals.get("weekly_new_contacts")),
        "touches": _goal(sum(1 for c in active for d in c.touch_days if week_start <= d),
                         config.goals.get("weekly_touches")),
        "gives": _goal(len(give_lines), config.goals.get("weekly_gives")),
    }
    tiers = [{"name": md_inline(t.name), "count": sum(1 for c in active if c.tier == t.name)} for t in config.tiers]
    untiered = sum(1 for c in active if c.tier is None)
    if untiered:
        tiers.append({"name": "no tier", "count": untiered})

    def names(group: list[Contact]) -> list[str]:
        return [note_link(c.path, c.name) for c in group]

    return {
        "today": today.isoformat(), "horizon_end": horizon_end(config, today).isoformat(),
        "contacts": len(active), **sections, "tiers": tiers, "week": week,
        "ready_to_ask": names(outcome.signals.ready_to_ask), "give_first": names(outcome.signals.give_first),
        "going_cold": names(outcome.signals.going_cold),
        "problems": [{"link": note_link(p.note, p.note), "line": p.line, "message": md_inline(p.message)}
                     for p in problems],
        "health": _health(outcome, today),
    }


def _goal(count: int, goal: int | None) -> str:
    return f"{count} / {goal}" if goal else str(count)


def _health(outcome: Outcome, today: date) -> list[dict[str, Any]]:
    """Tracked, unsnoozed contacts by state: on track, due this week, overdue, going cold."""
    cold = {id(c) for c in outcome.signals.going_cold}
    state: dict[int, str] = {}
    for reminder in outcome.reminders:
        if reminder.kind in ("cadence", "never", "followup"):
            contact = reminder.contact
            state[id(contact)] = ("Going cold" if id(contact) in cold else
                                  "Overdue" if reminder.overdue else "Due this week")
    tracked = [c for c in outcome.active if c.cadence is not None and not c.skipped
               and not (c.snooze_until and c.snooze_until > today)]
    counts = {"On track": 0, "Due this week": 0, "Overdue": 0, "Going cold": 0}
    for contact in tracked:
        counts[state.get(id(contact), "On track")] += 1
    return [{"label": label, "count": count} for label, count in counts.items() if count]


def _packaged(name: str) -> str | None:
    """A template shipped with vaultcrm, by its plain file name (nothing else can be loaded)."""
    if not re.fullmatch(r"[\w.-]+\.j2", name) or name.startswith("."):
        return None
    try:  # (the package's folder, not importlib.resources: that costs 8 ms at start-up)
        from . import templates

        folder = Path(templates.__file__).parent
    except ImportError:  # running from a source checkout: templates/ sits beside vaultcrm/
        folder = Path(__file__).resolve().parent.parent / "templates"
    try:
        return (folder / name).read_text("utf-8")
    except FileNotFoundError:
        return None


class _OverrideLoader(FileSystemLoader):
    """The vault's own templates, compiled again when their text changes. (FileSystemLoader compares
    modification times, which two saves within one timestamp tick share: the daemon would keep using
    a template that was caught half-written.)"""

    def get_source(self, environment: Any, template: str) -> tuple[str, str, Callable[[], bool]]:
        source, filename, _ = super().get_source(environment, template)
        assert filename is not None

        def uptodate() -> bool:
            try:
                return Path(filename).read_text(self.encoding) == source
            except (OSError, ValueError):
                return False

        return source, filename, uptodate


@lru_cache(maxsize=8)
def environment(vault: Path) -> ImmutableSandboxedEnvironment:
    """Sandboxed, strict about undefined names, no HTML escaping; a template in the vault's
    `.vaultcrm/templates/` wins over the packaged one of the same name. Kept per vault, so the daemon
    compiles a template once: an override is re-read when it changes, appears or goes away."""
    overrides = vault / OVERRIDE_DIR

    def packaged(name: str) -> tuple[str, None, Callable[[], bool]] | None:
        source = _packaged(name)
        return None if source is None else (source, None, lambda: not (overrides / name).exists())

    loader = ChoiceLoader([_OverrideLoader(str(overrides)), FunctionLoader(packaged)])
    return ImmutableSandboxedEnvironment(loader=loader, undefined=StrictUndefined, autoescape=False,
                                         trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def render_body(vault: Path, data: dict[str, Any]) -> str:
    """The dashboard's body; a template that fails or runs away is a config error (exit 3)."""
    try:
        template = environment(vault).get_template(TEMPLATE)
        text = template.render(**data)
    except TemplateError as exc:
        where = f" line {exc.lineno}" if getattr(exc, "lineno", None) else ""
        raise ConfigError(f"the dashboard template {TEMPLATE}{where} failed: {exc}",
                          hint=f"fix {OVERRIDE_DIR}/{TEMPLATE}, or remove it to use the default") from exc
    except (OverflowError, RecursionError, MemoryError) as exc:
        raise ConfigError(f"the dashboard template {TEMPLATE} ran away ({type(exc).__name__})",
                          hint=f"simplify {OVERRIDE_DIR}/{TEMPLATE}") from exc
    if len(text) > MAX_OUTPUT:
        raise ConfigError(f"the dashboard template {TEMPLATE} produced more than 1 MiB",
                          hint=f"simplify {OVERRIDE_DIR}/{TEMPLATE}")
    text = text.replace("\r\n", "\n")
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n") + "\n"


def document(body: str, contacts: int) -> str:
    """The whole note: the ownership marker, the contact count and the body's hash, then the body."""
    return (f"---\nvaultcrm: generated\ncontacts: {contacts}\nbody_hash: {body_hash(body)}\n"
            f"note: This note is rewritten by vaultcrm. Tick boxes here; write anything else elsewhere.\n---\n"
            + body)
