"""The packages' layers (docs/ARCHITECTURE.md): a lower layer never imports a higher one, and the cache
is reached only through its door, by the pipeline and the layers above it."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "vaultcrm"
LAYERS = [
    {"vaultcrm", "vaultcrm.errors", "vaultcrm.model", "vaultcrm.parsed", "vaultcrm.digests", "vaultcrm.fields",
     "vaultcrm.durations", "vaultcrm.state", "vaultcrm.i18n"},
    {"vaultcrm.config"},
    {"vaultcrm.vault"},
    {"vaultcrm.crm"},
    {"vaultcrm.dashboard"},
    {"vaultcrm.writeback"},
    {"vaultcrm.importers", "vaultcrm.exporters"},
    {"vaultcrm.cache"},
    {"vaultcrm.pipeline"},
    {"vaultcrm.daemon"},
    {"vaultcrm.cli", "vaultcrm.__main__"},
]


def unit(module: str) -> str:
    """The layer's unit a module belongs to: its top package below vaultcrm, or the module itself."""
    parts = module.split(".")
    return ".".join(parts[:2])


def layer(module: str) -> int:
    name = unit(module)
    return next(i for i, group in enumerate(LAYERS) if name in group)


def module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def runtime_imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every vaultcrm import that runs (not those for type checkers only)."""
    tree = ast.parse(path.read_text("utf-8"))
    checking: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            checking |= {id(n) for child in node.body for n in ast.walk(child)}
    found = []
    for node in ast.walk(tree):
        if id(node) in checking:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("vaultcrm"):
            found += [(node.lineno, node.module)]
            found += [(node.lineno, f"{node.module}.{a.name}") for a in node.names
                      if (PACKAGE.parent / f"{node.module}.{a.name}".replace(".", "/")).with_suffix(".py").exists()
                      or (PACKAGE.parent / f"{node.module}.{a.name}".replace(".", "/")).is_dir()]
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("vaultcrm")]
    return found


MODULES = sorted(p for p in PACKAGE.rglob("*.py") if "templates" not in p.parts)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: module_name(p))
def test_no_module_imports_a_higher_layer(path: Path) -> None:
    me = module_name(path)
    higher = [f"{line}: {module}" for line, module in runtime_imports(path)
              if unit(module) != unit(me) and layer(module) > layer(me)]
    assert higher == [], f"{me} (layer {layer(me)}) imports a higher layer"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: module_name(p))
def test_the_cache_is_reached_only_through_its_door(path: Path) -> None:
    me = module_name(path)
    if unit(me) == "vaultcrm.cache":
        return
    used = [(line, module) for line, module in runtime_imports(path) if unit(module) == "vaultcrm.cache"]
    assert all(module == "vaultcrm.cache" for _, module in used), used
    assert not used or layer(me) >= layer("vaultcrm.pipeline"), used


def test_every_package_has_a_layer() -> None:
    assert {unit(module_name(p)) for p in MODULES} <= set().union(*LAYERS)
