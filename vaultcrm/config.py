"""`<vault>/.vaultcrm/config.toml` -> Config: defaults, validation with every error at once (behaviour §9)."""
from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Any, NamedTuple

from vaultcrm.durations import MAX_DAYS, Duration, add_duration, parse_duration
from vaultcrm.errors import ConfigError
from vaultcrm.fields import FIELD_SYNONYMS

CONFIG_PATH = ".vaultcrm/config.toml"
MAX_NOTE_BYTES = 1 << 30
MAX_COUNT = 1_000_000  # touches to ask after, a week's goals, people proposed a day
DATE_ORDERS = ("DMY", "MDY")  # how a slashed date reads: day/month/year or month/day/year


# The settings' records are named tuples: every command creates their classes as it starts, a named
# tuple's in a seventh of the time of a dataclass's.

class Tier(NamedTuple):
    """A closeness tier: its name, how often its people are due, and the other names it goes by."""

    name: str
    cadence: Duration
    aliases: tuple[str, ...] = ()


DEFAULT_TIERS = (
    Tier("A", Duration(14, "d"), ("1", "close", "key", "inner")),
    Tier("B", Duration(1, "m"), ("2", "warm")),
    Tier("C", Duration(3, "m"), ("3", "professional")),
    Tier("D", Duration(1, "y"), ("4", "acquaintance", "wide")),
)


class Rule(NamedTuple):
    """A `[[rules]]` entry: when `when` holds for a contact, set its cadence or tier, or skip it."""

    label: str
    when: str
    test: Any  # the compiled Jinja expression
    cadence: Duration | None = None
    tier: str | None = None
    skip: bool = False


class Target(NamedTuple):
    """A `targets` entry: a company the user wants a way into, with the role sought and a note."""

    company: str
    role: str | None = None
    note: str | None = None


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# The tags that mark each monthly goal's events (the `[goals.tags]` table replaces them one by one).
GOAL_TAGS = {"interviews": ("interview", "info-interview"), "referrals": ("referral",), "intros": ("intro",)}


@dataclass
class Config:
    """The vault's settings (`.vaultcrm/config.toml`), with the defaults of what it leaves out."""

    contact_folders: tuple[str, ...] = ("People", "Contacts")
    templates: str = "Templates"
    exclude: tuple[str, ...] = ()
    max_note_bytes: int = 5 * 1024 * 1024
    dashboard: str = "CRM/Due this week.md"
    daily_notes: str | None = None
    date_order: str | None = None  # "DMY" or "MDY": how slashed dates such as 03/04/2026 read
    horizon: Duration = Duration(7, "d")  # noqa: RUF009 - a frozen value, safe to share
    followup_window: int = 7
    followup_grace: int = 14  # days a follow-up not done in its window stays listed, as missed
    default_tier: str | None = None
    occasions: tuple[str, ...] = ("birthday",)
    ask_after_touches: int = 6
    stuck_after_touches: int = 4  # touch days after which a relationship still at its first stage is stuck
    daily_picks: int = 5  # people the agenda proposes for today, and for later this week
    log_heading: tuple[str, ...] = ("Log", "Лог", "История", "Журнал")  # a new log gets the first
    tiers: tuple[Tier, ...] = DEFAULT_TIERS
    fields: dict[str, tuple[str, ...]] = field(default_factory=dict)
    rules: tuple[Rule, ...] = ()
    goals: dict[str, int] = field(default_factory=dict)
    goal_tags: dict[str, tuple[str, ...]] = field(default_factory=lambda: dict(GOAL_TAGS))
    week_start: int = 0  # the first day of a calendar week, Monday = 0 (WEEKDAYS)
    targets: tuple[Target, ...] = ()
    warm_within: Duration = Duration(90, "d")  # noqa: RUF009 - a frozen value, safe to share
    ics: str | None = None  # a calendar file the daemon keeps fresh (vault-relative, or absolute)
    language: str = "en"  # what vaultcrm writes in: "en" or "ru" (vaultcrm.i18n)
    warnings: list[str] = field(default_factory=list)

    def tier_named(self, value: Any) -> str | None:
        """The canonical tier a frontmatter value names (case-insensitive, aliases too), else None."""
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            return None
        wanted = str(value).strip().casefold()
        for tier in self.tiers:
            if wanted == tier.name.casefold() or wanted in (a.casefold() for a in tier.aliases):
                return tier.name
        return None

    def tier_index(self, name: str | None) -> int:
        """Tier order: the tier table's order; no tier comes after all tiers."""
        for index, tier in enumerate(self.tiers):
            if tier.name == name:
                return index
        return len(self.tiers)

    def tier_cadence(self, name: str) -> Duration:
        return next(t.cadence for t in self.tiers if t.name == name)

    def horizon_end(self, today: date) -> date:
        """The last day of the horizon: today + `horizon` − 1 day (today through today + 6 by default)."""
        return add_duration(today, self.horizon) - timedelta(days=1)


GOAL_KEYS = ("weekly_new_contacts", "weekly_touches", "weekly_gives", "monthly_interviews", "monthly_referrals",
             "monthly_intros")
KNOWN_KEYS = {
    "contact_folders", "templates", "exclude", "max_note_bytes", "dashboard", "daily_notes", "date_order", "horizon",
    "followup_window", "followup_grace", "default_tier", "occasions", "ask_after_touches", "stuck_after_touches",
    "daily_picks", "log_heading", "tiers", "fields", "rules", "goals", "week_start", "targets", "warm_within", "ics",
    "language",
}


@lru_cache(maxsize=1)
def _expressions() -> Any:
    """The sandbox that compiles `[[rules]]` expressions; Jinja is imported only for a config with rules."""
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    return ImmutableSandboxedEnvironment()


def load_config(vault: Path) -> Config:
    """Read the vault's config (if any) and Obsidian's own settings; raise ConfigError listing every problem."""
    raw: dict[str, Any] = {}
    path = vault / CONFIG_PATH
    try:
        data = path.read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        data = None
    except OSError as exc:
        raise ConfigError(f"{CONFIG_PATH} cannot be read: {exc.strerror or exc}",
                          hint="check the file's permissions (and its folder's)") from exc
    if data is not None:
        import tomllib

        try:
            raw = tomllib.loads(data.decode("utf-8-sig"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{CONFIG_PATH} is not valid TOML: {exc}",
                              hint="fix the file's syntax (see the README's configuration reference)") from exc
    config = build_config(raw)
    if "templates" not in raw:
        config.templates = _obsidian_setting(vault, "templates.json", "folder") or "Templates"
    if "daily_notes" not in raw:
        daily = _obsidian_json(vault, "daily-notes.json")
        if daily is not None:
            folder = str(daily.get("folder") or "").strip().strip("/")
            fmt = str(daily.get("format") or "").strip() or "YYYY-MM-DD"
            config.daily_notes = f"[{folder}]/{fmt}" if folder else fmt
    return config


def build_config(raw: dict[str, Any]) -> Config:
    """Validate a parsed config table; every invalid value is collected, unknown keys become warnings."""
    config = Config()
    errors: list[str] = []

    def take(key: str, convert: Any) -> None:
        if key in raw:
            try:
                setattr(config, key, convert(raw[key]))
            except (ValueError, TypeError, ConfigError) as exc:
                errors.append(f"{key}: {exc}")

    take("contact_folders", lambda v: _strings(v, allow_empty=False))
    take("templates", _text)
    take("exclude", _strings)
    take("max_note_bytes", lambda v: _positive_int(v, MAX_NOTE_BYTES, "1 GiB"))
    take("dashboard", lambda v: _note_path(_text(v), "dashboard"))
    take("daily_notes", lambda v: _text(v).strip("/"))
    take("date_order", _date_order)
    take("horizon", parse_duration)
    take("followup_window", lambda v: _positive_int(v, MAX_DAYS["d"], "a hundred years of days"))
    take("followup_grace", lambda v: _whole_number(v, MAX_DAYS["d"], "a hundred years of days"))
    take("occasions", _strings)
    take("ask_after_touches", _positive_int)
    take("stuck_after_touches", _positive_int)
    take("daily_picks", _positive_int)
    take("log_heading", _headings)
    take("tiers", _tiers)
    take("fields", _fields)
    take("goals", _goals)
    take("week_start", _weekday)
    take("warm_within", parse_duration)
    take("ics", _ics_path)
    take("language", _language)
    goals = raw.get("goals")
    if isinstance(goals, dict) and "tags" in goals:
        try:
            config.goal_tags = {**GOAL_TAGS, **_goal_tags(goals["tags"])}
        except ValueError as exc:
            errors.append(f"goals.tags: {exc}")
    if "default_tier" in raw:
        name = config.tier_named(raw["default_tier"])
        if name is None:
            errors.append(f"default_tier: {raw['default_tier']!r} is not one of the tiers "
                          f"({', '.join(t.name for t in config.tiers)})")
        config.default_tier = name
    if "rules" in raw:
        config.rules = tuple(_rules(raw["rules"], config, errors))
    if "targets" in raw:
        config.targets = _targets(raw["targets"], errors)
    config.warnings = [f"unknown setting {key!r} in {CONFIG_PATH} is ignored"
                       for key in raw if key not in KNOWN_KEYS]
    if errors:
        raise ConfigError(f"{CONFIG_PATH} has {len(errors)} invalid setting{'s' if len(errors) > 1 else ''}: "
                          + "; ".join(errors), hint="fix the settings named above (see the README's "
                          "configuration reference)", errors=errors, warnings=config.warnings)
    return config


def _note_path(rel: str, key: str) -> str:
    """Validate a vault-relative `.md` path from the config, lexically. Returns it in POSIX form."""
    text = rel.replace("\\", "/")
    pure = PurePosixPath(text)
    if not text or pure.is_absolute() or (len(text) > 1 and text[1] == ":"):
        raise ConfigError(f"{key} = {rel!r} is not a path inside the vault",
                          hint=f"set {key} to a path relative to the vault, like \"CRM/Due this week.md\"")
    if any(part in ("..", "") for part in text.split("/")):
        raise ConfigError(f"{key} = {rel!r} leaves the vault", hint=f"set {key} to a path without '..'")
    if any(part.startswith(".") for part in pure.parts):
        raise ConfigError(f"{key} = {rel!r} is inside a hidden folder",
                          hint=f"set {key} to a path outside dot-folders such as .obsidian/")
    if not text.lower().endswith(".md"):
        raise ConfigError(f"{key} = {rel!r} does not end in .md", hint=f"set {key} to a note path ending in .md")
    return pure.as_posix()


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"expected a text value, got {value!r}")
    return value.strip()


def _strings(value: Any, allow_empty: bool = True) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ValueError(f"expected a list of texts, got {value!r}")
    if not value and not allow_empty:
        raise ValueError("expected at least one name")
    return tuple(v.strip() for v in value)


def _ics_path(value: Any) -> str:
    """`ics = "CRM/vaultcrm.ics"` (inside the vault, no dot-folders) or an absolute path / `~/…`."""
    text = _text(value)
    if not text.lower().endswith(".ics"):
        raise ValueError(f"{text!r} does not end in .ics")
    posix = text.replace("\\", "/")
    if text.startswith("~") or Path(text).is_absolute():
        return text
    if any(part in ("..", "") for part in posix.split("/")):
        raise ValueError(f"{text!r} leaves the vault (use an absolute path for a file outside it)")
    if any(part.startswith(".") for part in posix.split("/")):
        raise ValueError(f"{text!r} is inside a hidden folder")
    return posix


def _whole_number(value: Any, most: int = MAX_COUNT, said: str = "a million") -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"expected a whole number of 0 or more, got {value!r}")
    if value > most:
        raise ValueError(f"{value} is more than {said} ({most})")
    return value


def _date_order(value: Any) -> str:
    text = _text(value).upper()
    if text not in DATE_ORDERS:
        raise ValueError(f"expected one of {', '.join(DATE_ORDERS)} (day/month/year or month/day/year), "
                         f"got {value!r}")
    return text


def _language(value: Any) -> str:
    from vaultcrm.i18n import languages

    text = _text(value).lower()
    if text not in languages():
        raise ValueError(f"expected one of {', '.join(languages())}, got {value!r}")
    return text


def _positive_int(value: Any, most: int = MAX_COUNT, said: str = "a million") -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f"expected a whole number above 0, got {value!r}")
    if value > most:
        raise ValueError(f"{value} is more than {said} ({most})")
    return value


def _headings(value: Any) -> tuple[str, ...]:
    """`log_heading`: one heading's text, or a list of them (the first is the one a new log gets)."""
    if isinstance(value, str):
        return (_heading(value),)
    return tuple(_heading(v) for v in _strings(value, allow_empty=False))


def _heading(value: Any) -> str:
    """A heading's text: one line, without the `#` marks that make it a heading."""
    text = _text(value)
    if any(unicodedata.category(c) in ("Cc", "Zl", "Zp") for c in text):
        raise ValueError(f"{text!r} is not one line of text (it holds a line break or a control character)")
    if text.startswith("#") or re.search(r"\s#+$", text):
        raise ValueError(f"{text!r} holds heading marks: write only the heading's text, e.g. \"Log\"")
    return text


def _tiers(value: Any) -> tuple[Tier, ...]:
    if not isinstance(value, dict) or not value:
        raise ValueError("expected a table like A = \"14d\" or [tiers.A] with cadence and aliases")
    tiers = []
    for name, spec in value.items():
        if isinstance(spec, dict):
            unknown = set(spec) - {"cadence", "aliases"}
            if unknown or "cadence" not in spec:
                raise ValueError(f"tier {name}: expected cadence and optional aliases")
            tiers.append(Tier(name, parse_duration(spec["cadence"]), _strings(spec.get("aliases", []))))
        else:
            tiers.append(Tier(name, parse_duration(spec)))
    return tuple(tiers)


def _fields(value: Any) -> dict[str, tuple[str, ...]]:
    if not isinstance(value, dict):
        raise ValueError("expected a table like last_touch = [\"last_coffee\"]")
    out = {}
    for name, keys in value.items():
        if name not in FIELD_SYNONYMS:
            raise ValueError(f"{name!r} is not a field ({', '.join(FIELD_SYNONYMS)})")
        out[name] = _strings([keys] if isinstance(keys, str) else keys)
    return out


def _goals(value: Any) -> dict[str, int]:
    if not isinstance(value, dict):
        raise ValueError("expected a table with " + ", ".join(GOAL_KEYS))
    numbers = {key: number for key, number in value.items() if key != "tags"}
    unknown = set(numbers) - set(GOAL_KEYS)
    if unknown:
        raise ValueError(f"unknown goal {sorted(unknown)[0]!r} (known: {', '.join(GOAL_KEYS)}, tags)")
    return {key: _positive_int(number) for key, number in numbers.items()}


def _goal_tags(value: Any) -> dict[str, tuple[str, ...]]:
    """`[goals.tags]`: `interviews = ["interview", "info-interview"]`, tags with or without `#`."""
    if not isinstance(value, dict):
        raise ValueError("expected a table like interviews = [\"interview\"]")
    unknown = set(value) - set(GOAL_TAGS)
    if unknown:
        raise ValueError(f"unknown goal {sorted(unknown)[0]!r} (known: {', '.join(GOAL_TAGS)})")
    out = {}
    for name, tags in value.items():
        cleaned = tuple(t.lstrip("#").lower() for t in _strings([tags] if isinstance(tags, str) else tags))
        bad = [t for t in cleaned if not re.fullmatch(r"[\w/-]*[^\W\d_][\w/-]*", t)]
        if bad or not cleaned:
            raise ValueError(f"{name}: {(bad or [''])[0]!r} is not a tag (letters, digits, _, - and /)")
        out[name] = cleaned
    return out


def _weekday(value: Any) -> int:
    text = _text(value).lower()
    if text not in WEEKDAYS:
        raise ValueError(f"expected a day of the week ({', '.join(WEEKDAYS)}), got {value!r}")
    return WEEKDAYS.index(text)


def _targets(value: Any, errors: list[str]) -> tuple[Target, ...]:
    """`targets = ["Globex"]`, or `[[targets]]` tables with `company` and optional `role`, `note`;
    each wrong entry is one error."""
    if not isinstance(value, list):
        errors.append("targets: expected a list of companies, or [[targets]] tables with company, role and note")
        return ()
    targets: list[Target] = []
    seen: set[str] = set()
    for number, spec in enumerate(value, start=1):
        if isinstance(spec, str):
            spec = {"company": spec}
        try:
            if not isinstance(spec, dict):
                raise ValueError(f"expected a company name or a table, got {spec!r}")
            unknown = set(spec) - {"company", "role", "note"}
            if unknown:
                raise ValueError(f"unknown key {sorted(unknown)[0]!r} (known: company, role, note)")
            if "company" not in spec:
                raise ValueError("needs a company")
            company = " ".join(_text(spec["company"]).split())
            role, note = (" ".join(_text(spec[k]).split()) if k in spec else None for k in ("role", "note"))
        except ValueError as exc:
            errors.append(f"targets: target {number}: {exc}")
            continue
        folded = "".join(c for c in unicodedata.normalize("NFKD", company) if not unicodedata.combining(c)).casefold()
        if folded in seen:
            errors.append(f"targets: target {number}: {company!r} is listed twice")
            continue
        seen.add(folded)
        targets.append(Target(company, role, note))
    return tuple(targets)


def _rules(value: Any, config: Config, errors: list[str]) -> list[Rule]:
    if not isinstance(value, list):
        errors.append("rules: expected [[rules]] tables")
        return []
    rules = []
    for number, spec in enumerate(value, start=1):
        label = f"rule {spec.get('name')!r}" if isinstance(spec, dict) and spec.get("name") else f"rule {number}"
        if not isinstance(spec, dict) or not isinstance(spec.get("when"), str):
            errors.append(f"rules: {label} needs a `when` expression")
            continue
        unknown = set(spec) - {"name", "when", "cadence", "tier", "skip"}
        if unknown:
            errors.append(f"rules: {label} has unknown key {sorted(unknown)[0]!r}")
        from jinja2 import TemplateSyntaxError

        try:
            test = _expressions().compile_expression(spec["when"])
        except TemplateSyntaxError as exc:
            errors.append(f"rules: {label} does not compile: {exc.message}")
            continue
        try:
            cadence = parse_duration(spec["cadence"]) if "cadence" in spec else None
        except ValueError as exc:
            errors.append(f"rules: {label} cadence: {exc}")
            continue
        tier = None
        if "tier" in spec:
            tier = config.tier_named(spec["tier"])
            if tier is None:
                errors.append(f"rules: {label} tier {spec['tier']!r} is not one of the tiers")
                continue
        skip = spec.get("skip", False)
        if not isinstance(skip, bool):
            errors.append(f"rules: {label} skip must be true or false")
            continue
        rules.append(Rule(label, spec["when"], test, cadence, tier, skip))
    return rules


def _obsidian_json(vault: Path, name: str) -> dict[str, Any] | None:
    try:
        data = json.loads((vault / ".obsidian" / name).read_text("utf-8-sig"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _obsidian_setting(vault: Path, name: str, key: str) -> str | None:
    data = _obsidian_json(vault, name)
    value = data.get(key) if data else None
    return value.strip().strip("/") if isinstance(value, str) and value.strip().strip("/") else None
