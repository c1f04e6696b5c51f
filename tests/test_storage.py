"""Where the register lives, how it is opened, who is recorded (issue 2, acceptance 4)."""

from __future__ import annotations

import re
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from complaintctl import db, migrate
from conftest import Cli, dump


def test_new_register_is_owner_only_and_in_wal_mode(cli: Cli, register: Path) -> None:
    cli.log()
    assert stat.S_IMODE(register.stat().st_mode) == 0o600
    with sqlite3.connect(register) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_engine_turns_foreign_keys_on(cli: Cli, register: Path) -> None:
    cli.log()
    engine = db.get_engine(db.database_url())
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == db.BUSY_TIMEOUT_MS


def test_db_option_wins_over_the_environment(cli: Cli, tmp_path: Path, register: Path) -> None:
    other = tmp_path / "other.db"
    cli.ok("init", "--db", str(other))
    no = cli.log("--db", str(other))
    assert cli.json("show", no, "--db", str(other))["no"] == no
    assert cli.json("list") == []
    assert cli("show", no).exit_code == 1  # the environment's register is a different one


def test_db_accepts_a_sqlalchemy_url(cli: Cli, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'url.db'}"
    cli.ok("init", "--db", url)
    no = cli.log("--db", url)
    assert cli.json("list", "--db", url)[0]["no"] == no


def test_default_register_lives_in_the_user_data_directory(cli: Cli, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("COMPLAINTCTL_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    cli.log()
    path = tmp_path / "data" / "complaintctl" / "register.db"
    assert path.exists()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_operator_from_option_environment_and_login(cli: Cli, monkeypatch) -> None:
    no = cli.log("--as", "小王")
    assert cli.json("show", no)["history"][0]["actor"] == "小王"
    assert cli.json("show", no)["receiver"] == "小王"
    no = cli.log()
    assert cli.json("show", no)["history"][0]["actor"] == "tester"  # COMPLAINTCTL_USER
    monkeypatch.delenv("COMPLAINTCTL_USER")
    monkeypatch.setattr("getpass.getuser", lambda: "loginname")
    no = cli.log("--receiver", "前台小李")
    record = cli.json("show", no)
    assert record["history"][0]["actor"] == "loginname"
    assert record["receiver"] == "前台小李"


def test_office_time_zone_is_configurable(cli: Cli, monkeypatch) -> None:
    monkeypatch.setenv("COMPLAINTCTL_TZ", "Europe/Berlin")
    no = cli.log(received="2026-11-02 09:15")
    assert cli.json("show", no)["received_at"] == "2026-11-02T09:15:00+01:00"
    monkeypatch.setenv("COMPLAINTCTL_TZ", "Mars/Olympus")
    result = cli("list")
    assert result.exit_code == 2 and "COMPLAINTCTL_TZ" in result.stderr


def test_schema_version_matches_the_newest_migration() -> None:
    assert db.SCHEMA_VERSION == migrate.head()


def test_register_is_stamped_with_the_schema_version(cli: Cli, register: Path) -> None:
    cli.log()
    with sqlite3.connect(register) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == db.SCHEMA_VERSION


def test_register_newer_than_the_tool_is_refused_and_not_written(cli: Cli, register: Path) -> None:
    cli.log()
    db._checked.clear()
    with sqlite3.connect(register) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    before = dump(register)
    result = cli("log", "--customer", "x", "--contact", "13800138000", "--channel", "phone", "--content", "x")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "newer than this complaintctl" in result.stderr
    assert dump(register) == before


def test_unwritable_location_is_one_clear_line(cli: Cli, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    result = cli("init", "--db", str(blocker / "register.db"))
    assert result.exit_code == 1
    assert result.stderr.startswith("error: cannot create the register") and result.stderr.count("\n") == 1


def test_not_a_register_is_one_clear_line(cli: Cli, tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database" * 100)
    result = cli("list", "--db", str(junk))
    assert result.exit_code == 1
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1


def test_history_is_append_only(cli: Cli, register: Path) -> None:
    no = cli.log()
    with sqlite3.connect(register) as conn:
        first = conn.execute("SELECT * FROM history_entry ORDER BY id").fetchall()
    cli.ok("classify", no, "--severity", "major")
    cli.ok("assign", no, "--department", "客服部")
    cli.ok("close", no, "--reason", "撤诉")
    with sqlite3.connect(register) as conn:
        after = conn.execute("SELECT * FROM history_entry ORDER BY id").fetchall()
    assert after[: len(first)] == first
    # classified, assigned, the deadlines that passed before the close (missed), closed
    assert [row[5] for row in after[len(first) :]] == ["classified", "assigned", "missed", "missed", "closed"]


@pytest.mark.parametrize("value", ["", ":memory:"])
def test_sqlite_path_of_special_urls(value: str) -> None:
    assert db._sqlite_path(f"sqlite:///{value}") is None


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "complaintctl", *args], capture_output=True, text=True, timeout=60)


def test_a_command_process_closes_the_register_before_it_exits(register: Path) -> None:
    # main() closes the connections and then skips the interpreter's exit-time garbage
    # collections: the output, the exit code and a checkpointed register must not suffer.
    assert _run("init").returncode == 0
    logged = _run("log", "--customer", "张三", "--contact", "13800138000", "--channel", "phone", "--content", "冰箱坏了")
    assert (logged.returncode, logged.stderr) == (0, "")
    assert re.fullmatch(r"TS-\d{4}-0001\n", logged.stdout)
    assert not Path(f"{register}-wal").exists()  # the last connection closed and checkpointed
    refused = _run("show", "TS-2026-9999")
    assert refused.returncode == 1
    assert refused.stderr.count("\n") == 1 and refused.stderr.startswith("error: no complaint TS-2026-9999")
    shown = _run("show", logged.stdout.strip(), "--json")
    assert shown.returncode == 0 and '"customer_name": "张三"' in shown.stdout
