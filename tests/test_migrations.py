"""Schema migrations on both engines (issue 5, acceptance 4): a register made by the first
schema upgrades with its rows intact; one newer than the tool is refused untouched."""

from __future__ import annotations

from sqlalchemy import text

from complaintctl import db, migrate
from conftest import Cli, snapshot


def _first_schema_register(db_url: str) -> None:
    from alembic import command

    engine = db.get_engine(db.database_url(db_url))
    config = migrate._config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")
    postgres = "://" in db_url
    at = "2026-10-08 01:00:00+00:00" if postgres else "2026-10-08 01:00:00.000000"
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO complaint (no, year, seq, received_at, received_date, channel, customer_name, contact,"
                " content, receiver, origin, final_decision, status, reopen_count, escalation_level, created_at, updated_at)"
                " VALUES ('TS-2026-0001', 2026, 1, :at, :day, 'phone', '张三', '13800138000', '冰箱不制冷', '前台',"
                " 'routine', :no, 'received', 0, 0, :at, :at)"
            ),
            {"at": at, "day": "2026-10-08", "no": False},
        )
        conn.execute(
            text(
                "INSERT INTO history_entry (complaint_id, at, recorded_at, actor, action, changes)"
                " SELECT id, :at, :at, '前台', 'logged', '{}' FROM complaint WHERE no = 'TS-2026-0001'"
            ),
            {"at": at},
        )
        conn.execute(text("INSERT INTO year_counter (year, last_seq) VALUES (2026, 1)"))
    engine.dispose()
    db._engines.clear()
    db._checked.clear()


def test_a_first_schema_register_upgrades_on_each_engine(db_url: str) -> None:
    cli = Cli()  # not the `cli` fixture: that one creates today's schema first
    _first_schema_register(db_url)
    if "://" in db_url:
        refused = cli("list")
        assert refused.exit_code == 1 and "complaintctl db upgrade" in refused.stderr and "pg_dump" in refused.stderr
        assert cli.json("db", "current")["schema"] == "0001"
        cli.ok("db", "upgrade")
    record = cli.json("show", "TS-2026-0001")
    assert record["customer_name"] == "张三" and record["received_at"] == "2026-10-08T09:00:00+08:00"
    assert [h["action"] for h in record["history"]] == ["logged"]
    assert cli.json("db", "current")["schema"] == db.SCHEMA_VERSION
    assert cli.log() == "TS-2026-0002"


def test_a_register_newer_than_the_tool_is_refused_untouched(cli: Cli, db_url: str) -> None:
    cli.log()
    engine = db.get_engine(db.database_url(db_url))
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    db._checked.clear()
    before = snapshot(db_url)
    for args in (["list"], ["db", "upgrade"]):
        result = cli(*args)
        assert result.exit_code == 1 and "newer than this complaintctl" in result.stderr
    assert snapshot(db_url) == before


def test_an_analyzed_sqlite_register_keeps_statistics_for_the_replaced_indexes(cli: Cli, register) -> None:  # type: ignore[no-untyped-def]
    # 0007 and 0008 replace two deadline indexes; their statistics go with them, and SQLite
    # plans the overdue check badly on half-kept statistics. 0008 analyzes the table again.
    import sqlite3

    _first_schema_register(str(register))
    with sqlite3.connect(register) as conn:
        conn.execute(
            "INSERT INTO deadline (complaint_id, milestone, started_at, due_at, state, provisional,"
            " breach_recorded) SELECT id, 'resolution', received_at, received_at, 'open', 0, 0 FROM complaint"
        )
        conn.execute("ANALYZE")
        assert conn.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'deadline'").fetchone()[0] == 5
    cli.ok("list")  # upgrades
    with sqlite3.connect(register) as conn:
        indexes = {row[0] for row in conn.execute("SELECT idx FROM sqlite_stat1 WHERE tbl = 'deadline'")}
    assert {"ix_deadline_complaint", "ix_deadline_open_due"} <= indexes
