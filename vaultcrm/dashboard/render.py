"""Rendering the dashboard: plain, Markdown-safe data into a sandboxed Jinja template (SPEC §5)."""
from __future__ import annotations

import os
import re
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import (
    ChoiceLoader,
    FileSystemBytecodeCache,
    FileSystemLoader,
    FunctionLoader,
    StrictUndefined,
    TemplateError,
)
from jinja2.bccache import Bucket
from jinja2.sandbox import ImmutableSandboxedEnvironment

from vaultcrm.digests import sha256
from vaultcrm.errors import ConfigError

TEMPLATE = "dashboard.md.j2"
OVERRIDE_DIR = ".vaultcrm/templates"
MAX_OUTPUT = 1024 * 1024
_TICKED = re.compile(r"^(\s*[-*+] )\[[^ \]]\]", re.MULTILINE)


def unticked(body: str) -> str:
    """The body with every task box unticked and LF line endings: what the body hash covers."""
    return _TICKED.sub(r"\1[ ]", body.replace("\r\n", "\n"))


def body_hash(body: str) -> str:
    return "sha256:" + sha256(unticked(body).encode("utf-8")).hexdigest()


def _packaged(name: str) -> str | None:
    """A template shipped with vaultcrm, by its plain file name (nothing else can be loaded)."""
    if not re.fullmatch(r"[\w.-]+\.j2", name) or name.startswith("."):
        return None
    try:  # (the package's folder, not importlib.resources: that costs 8 ms at start-up)
        from vaultcrm import templates

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


class _CompiledTemplates(FileSystemBytecodeCache):
    """Templates compiled once per version of their text, kept in the per-device state folder
    (compiling the dashboard's takes longer than a sync after an edit spends on everything else it
    renders). Only a cache: one that cannot be read or written is compiled again."""

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except OSError:
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass


def environment(vault: Path) -> ImmutableSandboxedEnvironment:
    """Sandboxed, strict about undefined names, no HTML escaping; a template in the vault's
    `.vaultcrm/templates/` wins over the packaged one of the same name. Kept per vault, so the daemon
    compiles a template once: an override is re-read when it changes, appears or goes away. Compiled
    templates are kept in the state folder unless the cache is off (cache.enabled)."""
    from vaultcrm.cache.store import enabled
    from vaultcrm.state import state_dir

    compiled = None
    if enabled():
        try:
            compiled = str(state_dir(vault) / "templates")
            os.makedirs(compiled, exist_ok=True)
        except OSError:
            compiled = None
    return _environment(vault, compiled)


@lru_cache(maxsize=8)
def _environment(vault: Path, compiled: str | None) -> ImmutableSandboxedEnvironment:
    overrides = vault / OVERRIDE_DIR

    def packaged(name: str) -> tuple[str, None, Callable[[], bool]] | None:
        source = _packaged(name)
        return None if source is None else (source, None, lambda: not (overrides / name).exists())

    loader = ChoiceLoader([_OverrideLoader(str(overrides)), FunctionLoader(packaged)])
    return ImmutableSandboxedEnvironment(loader=loader, undefined=StrictUndefined, autoescape=False,
                                         trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                                         bytecode_cache=_CompiledTemplates(compiled) if compiled else None)


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
