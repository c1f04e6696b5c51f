"""Hermetic tests: every test gets its own register file and a fixed operator."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from complaintctl import db
from complaintctl.cli import app


@pytest.fixture(autouse=True)
def register(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "register.db"
    monkeypatch.setenv("COMPLAINTCTL_DB", str(path))
    monkeypatch.setenv("COMPLAINTCTL_USER", "tester")
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.delenv("COMPLAINTCTL_TZ", raising=False)
    yield path
    for engine in db._engines.values():
        engine.dispose()
    db._engines.clear()
    db._checked.clear()


class Cli:
    """Runs the real CLI in-process, the way a user types it."""

    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None) -> Any:
        return self.runner.invoke(app, list(args), input=input)

    def ok(self, *args: str) -> Any:
        result = self(*args)
        assert result.exit_code == 0, f"{args}: exit {result.exit_code}\n{result.stdout}\n{result.stderr}\n{result.exception!r}"
        return result

    def json(self, *args: str) -> Any:
        return json.loads(self.ok(*args, "--json").stdout)

    def log(self, *extra: str, received: str = "2026-11-02 09:15", contact: str = "13800138000") -> str:
        result = self.ok(
            "log", "--customer", "张三", "--contact", contact, "--channel", "电话",
            "--content", "买的冰箱不制冷，已经修了两次", "--subject", "冰箱不制冷",
            "--received", received, *extra,
        )
        return result.stdout.strip()


@pytest.fixture
def cli() -> Cli:
    return Cli()


def dump(path: Path) -> str:
    """The whole register as SQL text: equal dumps mean nothing was written."""
    if not path.exists():
        return ""
    with sqlite3.connect(path) as conn:
        return "\n".join(conn.iterdump())
