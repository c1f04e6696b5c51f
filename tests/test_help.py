"""Help is there, true and cheap (issue 2, acceptance 5, and the README meta-test)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from complaintctl.cli import app
from conftest import Cli, modules_loaded_by

ROOT = Path(__file__).resolve().parent.parent
COMMANDS = sorted(info.name for info in app.registered_commands)  # type: ignore[misc]
GROUPS = {group.name: group.typer_instance for group in app.registered_groups}
SUBCOMMANDS = sorted(f"{name} {info.name}" for name, group in GROUPS.items() for info in group.registered_commands)


def test_every_command_is_registered_with_a_name() -> None:
    assert {
        "log",
        "list",
        "show",
        "classify",
        "assign",
        "contact",
        "resolve",
        "followup",
        "extend",
        "close",
        "wait",
        "resume",
        "overdue",
        "recompute",
    } <= set(COMMANDS)
    assert SUBCOMMANDS == [
        "db current",
        "db roles",
        "db upgrade",
        "department add",
        "department list",
        "notify test",
        "report daily",
        "report submit",
        "report trend",
        "rules check",
        "rules install",
        "rules show",
    ]
    assert set(GROUPS) == {"db", "department", "notify", "report", "rules"}


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_text(cli: Cli, command: str) -> None:
    result = cli.ok(command, "--help")
    assert "Usage:" in result.stdout
    summary = [info for info in app.registered_commands if info.name == command][0].callback.__doc__
    assert summary and summary.strip()
    assert "--json" in result.stdout or command == "shell"  # interactive: nothing for scripts to parse


@pytest.mark.parametrize("command", SUBCOMMANDS)
def test_every_subcommand_has_help_text(cli: Cli, command: str) -> None:
    result = cli.ok(*command.split(), "--help")
    assert "Usage:" in result.stdout
    group, name = command.split()
    callback = [info for info in GROUPS[group].registered_commands if info.name == name][0].callback
    assert callback.__doc__ and callback.__doc__.strip()


@pytest.mark.parametrize("command", COMMANDS + SUBCOMMANDS + sorted(GROUPS))
def test_every_command_appears_in_the_readme(command: str) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"complaintctl {command}" in readme


HEAVY = ("sqlalchemy", "sqlmodel", "alembic", "rich.table", "openpyxl", "dateutil.parser", "pydantic")


@pytest.mark.parametrize("argv", [["--help"], ["log", "--help"], ["list", "--help"]])
def test_help_imports_no_heavy_module(argv: list[str]) -> None:
    _status, output, loaded = modules_loaded_by(argv, HEAVY)
    assert "Usage:" in output
    assert loaded == []


@pytest.mark.parametrize("argv", [["show", "TS-2026-0001"], ["list"], ["list", "--overdue"], ["report", "--month", "2026-10"]])
def test_reading_commands_build_no_orm_classes(argv: list[str], tmp_path) -> None:  # type: ignore[no-untyped-def]
    # models.py costs ~22 ms to build; the commands typed most read without it (and without
    # Rich's table, the importer, the exporter or alembic once the register is current).
    import os

    env = {**os.environ, "COMPLAINTCTL_DB": str(tmp_path / "r.db"), "COMPLAINTCTL_USER": "tester"}
    subprocess.run([sys.executable, "-m", "complaintctl", "init"], env=env, check=True, capture_output=True)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "complaintctl",
            "log",
            "--customer",
            "张三",
            "--contact",
            "13800138000",
            "--channel",
            "phone",
            "--content",
            "冰箱坏了",
            "--received",
            "2026-10-08 09:00",
        ],
        env=env,
        check=True,
        capture_output=True,
    )
    heavy = ("complaintctl.models", "complaintctl.importing", "complaintctl.export", "alembic", "openpyxl", "dateutil.parser") + (
        ("rich.table",) if argv[0] != "show" else ()
    )
    _status, _output, loaded = modules_loaded_by(argv, heavy, env)
    assert loaded == []
