"""Backups (issue 6, acceptance 4): backup → restore round-trips a register that verifies;
a tampered backup is refused and the register stays as it was."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

import pytest

from complaintctl import db
from conftest import Cli, snapshot


def test_backup_and_restore_round_trip(cli: Cli, register: Path, tmp_path: Path) -> None:
    first = cli.log()
    cli.ok("resolve", first, "--solution", "维修", "--at", "2026-11-03 10:00")
    copy = tmp_path / "nightly.db"
    assert cli.ok("backup", str(copy)).stdout.strip() == str(copy)
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    saved = snapshot(str(copy))
    cli.log()  # work goes on after the backup
    cli.ok("close", first, "--reason", "误操作", "--at", "2026-11-04 10:00")
    result = cli.ok("restore", str(copy))
    assert "kept at" in result.stdout
    assert [r["no"] for r in cli.json("list")] == [first]
    assert cli.json("show", first)["status"] == "resolved"
    assert cli.ok("verify").stdout.startswith("intact")
    aside = list(tmp_path.glob("register.db.before-restore-*"))
    assert len(aside) == 1 and stat.S_IMODE(aside[0].stat().st_mode) == 0o600
    with sqlite3.connect(aside[0]) as conn:
        assert conn.execute("SELECT count(*) FROM complaint").fetchone()[0] == 2
    assert snapshot(str(copy)) == saved  # the backup itself is untouched


def test_a_tampered_backup_is_refused(cli: Cli, register: Path, tmp_path: Path) -> None:
    cli.log()
    copy = tmp_path / "nightly.db"
    cli.ok("backup", str(copy))
    with sqlite3.connect(copy) as conn:
        conn.execute("UPDATE history_entry SET actor = '别人' WHERE id = 1")
    cli.log()
    before = snapshot(str(register))
    result = cli("restore", str(copy))
    assert result.exit_code == 4 and result.stderr.count("\n") == 1 and "fails verify" in result.stderr
    assert snapshot(str(register)) == before
    assert not list(tmp_path.glob("register.db.before-restore-*"))


def test_restore_refuses_what_is_not_a_register(cli: Cli, register: Path, tmp_path: Path) -> None:
    cli.log()
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    before = snapshot(str(register))
    result = cli("restore", str(junk))
    assert result.exit_code == 1 and result.stderr.count("\n") == 1 and "nothing was restored" in result.stderr
    assert snapshot(str(register)) == before


def test_backup_will_not_overwrite(cli: Cli, register: Path, tmp_path: Path) -> None:
    cli.log()
    existing = tmp_path / "exists.db"
    existing.write_text("keep me")
    result = cli("backup", str(existing))
    assert result.exit_code == 1 and "exists" in result.stderr and existing.read_text() == "keep me"


def test_postgresql_backup_points_at_pg_dump(cli: Cli, db_url: str) -> None:
    if "://" not in db_url:
        import pytest

        pytest.skip("PostgreSQL only")
    result = cli("backup")
    assert result.exit_code == 1 and "pg_dump" in result.stderr and result.stderr.count("\n") == 1


@pytest.mark.parametrize("damage", ["not-sqlite", "truncated", "zeroed-header", "missing"])
def test_restore_works_when_the_register_is_broken(cli: Cli, register: Path, tmp_path: Path, damage: str) -> None:
    """Issue 14 §4: the case restore exists for crashed with a traceback and left a bad
    .before-restore file. verify says so in one line, exit 4; restore puts the backup back."""
    no = cli.log()
    saved = tmp_path / "saved.db"
    cli.ok("backup", str(saved))
    db.close_all()
    original = register.read_bytes()
    for part in (register.with_name(register.name + "-wal"), register.with_name(register.name + "-shm")):
        part.unlink(missing_ok=True)
    if damage == "not-sqlite":
        register.write_text("这不是数据库\n", encoding="utf-8")
    elif damage == "truncated":
        register.write_bytes(original[:3000])
    elif damage == "zeroed-header":
        register.write_bytes(b"\0" * 100 + original[100:])
    else:
        register.unlink()
    damaged = register.read_bytes() if register.exists() else None
    if damaged is not None:
        checked = cli("verify")
        assert checked.exit_code == 4 and checked.stderr.count("\n") == 1 and "restore" in checked.stderr, checked.stderr
    result = cli("restore", str(saved))
    assert result.exit_code == 0 and "Traceback" not in result.output, result.output
    assert cli.ok("show", no).stdout
    assert cli("verify").exit_code == 0
    kept = [p for p in tmp_path.glob("register.db.before-restore-*") if not p.name.endswith(("-wal", "-shm"))]
    if damaged is None:
        assert not kept and "no register there before" in result.stdout
    else:
        assert [p.read_bytes() for p in kept] == [damaged]  # moved aside as it was, not read
