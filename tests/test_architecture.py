"""The layers point one way (docs/architecture.md); the pure modules never read the clock."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "complaintctl"
PURE = (
    "domain",
    "fields",
    "when",
    "inputs",
    "errors",
    "workdays",
    "ruleset",
    "rules",
    "chain",
    "privacy",
    "cells",
    "periods",
    "i18n",
    "reasons",
    "procedures",
)
STDLIB_ALLOWED = {
    "__future__",
    "re",
    "datetime",
    "decimal",
    "difflib",
    "json",
    "unicodedata",
    "enum",
    "typing",
    "dataclasses",
    "collections",
    "functools",
    "copy",
    "tomllib",
    "zoneinfo",
    "hashlib",
}
# The one third-party package a pure module may read: the official holiday schedule (data).
# i18n reads the language from the environment and the catalog from beside itself: the
# one way a pure module's messages reach the user's language.
PURE_THIRD_PARTY = {"workdays": {"chinese_calendar"}, "when": {"dateutil"}, "i18n": {"os", "gettext", "pathlib"}}
CLOCK_CALLS = ("now", "today", "utcnow", "time", "monotonic")


def source_files() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts)


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(PACKAGE).with_suffix("").parts)


def imports(path: Path, top_level_only: bool = False) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    found: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            found.add(("." * node.level) + (node.module or ""))
    return found


@pytest.mark.parametrize("path", source_files(), ids=module_name)
def test_nothing_imports_the_cli(path: Path) -> None:
    if path.stem not in ("cli", "__main__"):
        assert not any(name.split(".")[-1] == "cli" for name in imports(path))


@pytest.mark.parametrize("module", PURE)
def test_pure_modules_use_only_the_standard_library_and_each_other(module: str) -> None:
    for name in imports(PACKAGE / f"{module}.py"):
        if name.startswith("."):
            assert name.lstrip(".") in PURE, f"{module} imports {name}"
        else:
            root = name.split(".")[0]
            assert root in STDLIB_ALLOWED or root in PURE_THIRD_PARTY.get(module, set()), f"{module} imports {name}"


@pytest.mark.parametrize("module", PURE)
def test_pure_modules_never_read_the_clock(module: str) -> None:
    tree = ast.parse((PACKAGE / f"{module}.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            assert node.func.attr not in CLOCK_CALLS, f"{module} calls .{node.func.attr}() at line {node.lineno}"


@pytest.mark.parametrize("path", sorted((PACKAGE / "service").glob("*.py")), ids=lambda p: p.stem)
def test_service_knows_nothing_of_the_terminal(path: Path) -> None:
    for name in imports(path):
        assert name.split(".")[0] not in ("typer", "rich") and not name.endswith("render"), f"{path.stem} imports {name}"


@pytest.mark.parametrize("path", sorted((PACKAGE / "service").glob("*.py")), ids=lambda p: p.stem)
def test_service_never_reads_the_clock(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            assert node.func.attr not in ("now", "today", "utcnow"), f"{path.stem} calls .{node.func.attr}()"


def test_cli_imports_storage_only_inside_commands() -> None:
    for name in imports(PACKAGE / "cli.py", top_level_only=True):
        assert name.split(".")[0] not in ("sqlalchemy", "sqlmodel", "rich", "alembic", "openpyxl", "chinese_calendar")
        assert name not in (".db", ".service", ".models", ".tables", ".render", ".migrate", ".settings", ".workdays", ".rules")
