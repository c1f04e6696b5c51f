"""The layers point one way (architecture.md); the pure modules never read the clock."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "complaintctl"
STDLIB_ONLY = ("domain", "when", "inputs", "errors")
CLOCK_CALLS = ("now", "today", "utcnow", "time", "monotonic")


def imports(module: str) -> set[str]:
    tree = ast.parse((PACKAGE / f"{module}.py").read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            found.add(("." * node.level) + (node.module or ""))
    return found


def top_level_imports(module: str) -> set[str]:
    tree = ast.parse((PACKAGE / f"{module}.py").read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            found.add(("." * node.level) + (node.module or ""))
    return found


MODULES = sorted(p.stem for p in PACKAGE.glob("*.py") if p.stem not in ("__init__", "__main__"))


@pytest.mark.parametrize("module", MODULES)
def test_nothing_imports_the_cli(module: str) -> None:
    if module != "cli":
        assert not any(name.endswith("cli") for name in imports(module))


@pytest.mark.parametrize("module", STDLIB_ONLY)
def test_pure_modules_use_only_the_standard_library_and_each_other(module: str) -> None:
    for name in imports(module):
        if name.startswith("."):
            assert name.lstrip(".") in STDLIB_ONLY, f"{module} imports {name}"
        else:
            assert name.split(".")[0] in {"__future__", "re", "datetime", "decimal", "enum", "typing", "dataclasses"} or name == "dateutil", f"{module} imports {name}"


@pytest.mark.parametrize("module", STDLIB_ONLY)
def test_pure_modules_never_read_the_clock(module: str) -> None:
    tree = ast.parse((PACKAGE / f"{module}.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            assert node.func.attr not in CLOCK_CALLS, f"{module} calls .{node.func.attr}() at line {node.lineno}"


def test_service_knows_nothing_of_the_terminal() -> None:
    for name in imports("service"):
        assert name.split(".")[0] not in ("typer", "rich") and name != ".render"


def test_cli_imports_storage_only_inside_commands() -> None:
    for name in top_level_imports("cli"):
        assert name.split(".")[0] not in ("sqlalchemy", "sqlmodel", "rich", "alembic", "openpyxl")
        assert name not in (".db", ".service", ".models", ".render", ".migrate")
