"""Rendering the dashboard: plain, Markdown-safe data into a sandboxed Jinja template (behaviour §5)."""
from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import (
    ChoiceLoader,
    FileSystemLoader,
    FunctionLoader,
    StrictUndefined,
    TemplateError,
)
from jinja2.bccache import BytecodeCache
from jinja2.sandbox import ImmutableSandboxedEnvironment

from vaultcrm.dashboard.guards import stamp
from vaultcrm.errors import ConfigError
from vaultcrm.i18n import Language, language

TEMPLATE = "dashboard.md.j2"
OVERRIDE_DIR = ".vaultcrm/templates"
MAX_OUTPUT = 1024 * 1024


def _packaged(name: str) -> str | None:
    """A template shipped with vaultcrm, by its plain file name (nothing else can be loaded)."""
    if not re.fullmatch(r"[\w.-]+\.j2", name) or name.startswith("."):
        return None
    try:  # (the package's folder, not importlib.resources: that costs 8 ms at start-up)
        from vaultcrm import templates  # type: ignore[attr-defined]  # the packaged templates/ folder

        folder = Path(templates.__file__).parent
    except ImportError:  # running from a source checkout: templates/ sits beside vaultcrm/
        folder = Path(__file__).resolve().parents[2] / "templates"
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
def environment(vault: Path, compiled: BytecodeCache | None = None) -> ImmutableSandboxedEnvironment:
    """Sandboxed, strict about undefined names, no HTML escaping; a template in the vault's
    `.vaultcrm/templates/` wins over the packaged one of the same name. Kept per vault, so the daemon
    compiles a template once: an override is re-read when it changes, appears or goes away.
    `compiled` keeps compiled templates (the cache's)."""
    overrides = vault / OVERRIDE_DIR

    def packaged(name: str) -> tuple[str, None, Callable[[], bool]] | None:
        source = _packaged(name)
        return None if source is None else (source, None, lambda: not (overrides / name).exists())

    loader = ChoiceLoader([_OverrideLoader(str(overrides)), FunctionLoader(packaged)])
    return ImmutableSandboxedEnvironment(loader=loader, undefined=StrictUndefined, autoescape=False,
                                         trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                                         bytecode_cache=compiled)


def words(lang: Language) -> dict[str, Any]:
    """What a template calls to say something in the vault's language: gettext's functions (their
    messages extracted from the templates by `pybabel extract`, README: "Translating vaultcrm")."""
    return {"gettext": lang.gettext, "_": lang.gettext, "ngettext": lang.ngettext, "pgettext": lang.pgettext}


def render_body(vault: Path, data: dict[str, Any], compiled: BytecodeCache | None = None) -> str:
    """The dashboard's body, in the language `data["language"]`; a template that fails or runs away is
    a config error (exit 3)."""
    try:
        template = environment(vault, compiled).get_template(TEMPLATE)
        text = template.render(**data, **words(language(data.get("language"))))
    except TemplateError as exc:
        lineno = getattr(exc, "lineno", None)
        where = f" line {lineno}" if lineno else ""
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


def document(body: str, contacts: int, lang: Language | None = None) -> str:
    """The whole note: the ownership marker as its only property, the body, and the stamp (its
    readable words in `lang`)."""
    return f"---\nvaultcrm: generated\n---\n{body}\n{stamp(body, contacts, lang or language())}\n"
