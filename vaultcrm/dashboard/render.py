"""Rendering the dashboard: plain, Markdown-safe data into a sandboxed Jinja template (behaviour §5)."""
from __future__ import annotations

import math
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import (
    ChoiceLoader,
    FileSystemLoader,
    FunctionLoader,
    StrictUndefined,
    Template,
    TemplateError,
)
from jinja2.bccache import BytecodeCache
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from vaultcrm.errors import ConfigError
from vaultcrm.i18n import Language, language

TEMPLATE = "dashboard.md.j2"
OVERRIDE_DIR = ".vaultcrm/templates"
MAX_OUTPUT = 1024 * 1024  # characters a template may write
TIME_BUDGET_S = 10.0  # seconds a template may run


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
    return _Sandbox(loader=loader, undefined=StrictUndefined, autoescape=False, trim_blocks=True,
                    lstrip_blocks=True, keep_trailing_newline=True, bytecode_cache=compiled)


class _Sandbox(ImmutableSandboxedEnvironment):
    """Jinja's sandbox, where `*` and `**` cannot build a value larger than a template may write
    (`"x" * 10**9`, `10 ** 10 ** 10` would run in C, out of reach of the time budget)."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and _big_power(left, right):
            raise SecurityError("a power too large for a template")
        if operator == "*" and _big_repeat(left, right):
            raise SecurityError("a repetition larger than a template may write")
        return super().call_binop(context, operator, left, right)


def _big_power(base: Any, exponent: Any) -> bool:
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (base, exponent)):
        return False
    return bool(abs(base) > 1 and exponent * math.log2(abs(base)) > 8 * MAX_OUTPUT)


def _big_repeat(left: Any, right: Any) -> bool:
    for seq, count in ((left, right), (right, left)):
        if isinstance(seq, (str, list, tuple)) and isinstance(count, int):
            return len(seq) * count > MAX_OUTPUT
    return False


class Runaway(TemplateError):
    """A template ran longer or wrote more than its budget."""


class _OutOfTime(BaseException):
    """Raised in the rendering thread when its time is up: a BaseException, so that no `except Exception`
    on the template's way swallows it."""


def render_template(template: Template, data: dict[str, Any]) -> str:
    """`template` rendered within TIME_BUDGET_S seconds and MAX_OUTPUT characters, else `Runaway`."""
    parts: list[str] = []
    size = 0
    try:
        with _time_budget(TIME_BUDGET_S):
            for part in template.generate(**data):
                size += len(part)
                if size > MAX_OUTPUT:
                    raise Runaway(f"it wrote more than {MAX_OUTPUT // (1024 * 1024)} MiB")
                parts.append(part)
    except _OutOfTime:
        raise Runaway(f"it ran for more than {TIME_BUDGET_S:g} seconds") from None
    return "".join(parts)


@contextmanager
def _time_budget(seconds: float) -> Iterator[None]:
    """Raise `_OutOfTime` in this thread, once, when the block runs longer than `seconds`.

    A timer thread asks the interpreter to raise it at this thread's next instruction, so that a
    template loop that never ends (and writes nothing) is stopped too; nothing is spent while the
    block keeps to its time (ctypes, which makes the request, is loaded only then). Asked for but not
    yet raised when the block ends, it is withdrawn."""
    thread = threading.get_ident()
    lock = threading.Lock()
    running, fired = True, False

    def expire() -> None:
        nonlocal fired
        import ctypes

        with lock:
            if running:
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread), ctypes.py_object(_OutOfTime))
                fired = True

    timer = threading.Timer(seconds, expire)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        with lock:
            running = False
        timer.cancel()
        if fired:
            import ctypes

            ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread), None)


def words(lang: Language) -> dict[str, Any]:
    """What a template calls to say something in the vault's language: gettext's functions (their
    messages extracted from the templates by `pybabel extract`, README: "Translating vaultcrm")."""
    return {"gettext": lang.gettext, "_": lang.gettext, "ngettext": lang.ngettext, "pgettext": lang.pgettext}


def render_body(vault: Path, data: dict[str, Any], compiled: BytecodeCache | None = None) -> str:
    """The dashboard's body, in the language `data["language"]`; a template that fails or runs away is
    a config error (exit 3)."""
    try:
        text = render_template(template(vault, TEMPLATE, compiled), {**data, **words(language(data.get("language")))})
    except Runaway as exc:
        raise ConfigError(f"the dashboard template {TEMPLATE} ran away: {exc}; nothing was written",
                          hint=f"simplify {OVERRIDE_DIR}/{TEMPLATE} (a loop that never ends?), or remove it "
                               "to use the default") from exc
    except TemplateError as exc:
        lineno = getattr(exc, "lineno", None)
        where = f" line {lineno}" if lineno else ""
        raise ConfigError(f"the dashboard template {TEMPLATE}{where} failed: {exc}",
                          hint=f"fix {OVERRIDE_DIR}/{TEMPLATE}, or remove it to use the default") from exc
    except (OverflowError, RecursionError, MemoryError) as exc:
        raise ConfigError(f"the dashboard template {TEMPLATE} ran away ({type(exc).__name__})",
                          hint=f"simplify {OVERRIDE_DIR}/{TEMPLATE}") from exc
    text = text.replace("\r\n", "\n")
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n") + "\n"


def template(vault: Path, name: str, compiled: BytecodeCache | None = None) -> Template:
    """The template `name` (the vault's own when it has one); one it cannot read is a config error."""
    try:
        return environment(vault, compiled).get_template(name)
    except OSError as exc:
        raise ConfigError(f"the template {OVERRIDE_DIR}/{name} cannot be read: {exc.strerror or exc}",
                          hint="check the file's permissions, or remove it to use the default") from exc


def contact_note(vault: Path, data: dict[str, Any]) -> str:
    """A new contact note from `contact.md.j2`; a template that fails or runs away is a config error."""
    name = "contact.md.j2"
    try:
        return render_template(template(vault, name), data)
    except TemplateError as exc:
        raise ConfigError(f"the contact template {name} failed: {exc}",
                          hint=f"fix {OVERRIDE_DIR}/{name}, or remove it to use the default") from exc
