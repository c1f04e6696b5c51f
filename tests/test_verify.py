"""Tamper evidence (issue 6, acceptance 1): `verify` catches an edited history entry, a
deleted one, an inserted one, and a complaint row edited behind the tool's back, each
done here with plain SQL."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from conftest import Cli


def sql(db_url: str, statement: str) -> None:
    engine = create_engine(db_url if "://" in db_url else f"sqlite:///{db_url}", poolclass=NullPool)
    with engine.begin() as conn:
        conn.execute(text(statement))
    engine.dispose()


@pytest.fixture
def busy(cli: Cli) -> list[str]:
    """Three cases with a full life each: about twenty chained history entries."""
    numbers = []
    for i in range(3):
        no = cli.log(contact=f"1390000000{i}", received=f"2026-10-{i + 12} 09:00")
        cli.ok("assign", no, "--department", "售后部", "--to", "王五", "--at", f"2026-10-{i + 12} 10:00")
        cli.ok("contact", no, "--via", "phone", "--summary", "已受理", "--at", f"2026-10-{i + 12} 11:00")
        cli.ok("resolve", no, "--solution", "维修", "--at", "2026-10-20 10:00")
        cli.ok("followup", no, "--satisfaction", "B", "--at", "2026-10-21 10:00")
        numbers.append(no)
    cli.ok("overdue")
    return numbers


def verify_lines(cli: Cli) -> tuple[int, str]:
    result = cli("verify")
    return result.exit_code, result.stdout


def test_an_untouched_register_is_intact(cli: Cli, busy: list[str]) -> None:
    code, out = verify_lines(cli)
    assert code == 0 and out.startswith("intact:")
    assert cli.json("verify")["problems"] == []


def test_an_edited_history_entry(cli: Cli, db_url: str, busy: list[str]) -> None:
    sql(db_url, "UPDATE history_entry SET actor = '别人' WHERE id = 3")
    code, out = verify_lines(cli)
    assert code == 4
    problems = cli("verify", "--json")
    assert '"history entry changed' in problems.stdout or "history entry changed" in problems.stdout
    assert f"{busy[0]} (history entry 3): history entry changed" in out


def test_a_deleted_history_entry(cli: Cli, db_url: str, busy: list[str]) -> None:
    sql(db_url, "DELETE FROM history_entry WHERE id = 4")
    code, out = verify_lines(cli)
    assert code == 4
    assert "(history entry 5): an entry before this one was removed" in out


def test_a_deleted_newest_entry(cli: Cli, db_url: str, busy: list[str]) -> None:
    sql(db_url, "DELETE FROM history_entry WHERE id = (SELECT max(id) FROM history_entry)")
    code, out = verify_lines(cli)
    assert code == 4 and "newest 1 removed" in out


def test_an_inserted_history_entry(cli: Cli, db_url: str, busy: list[str]) -> None:
    sql(
        db_url,
        "INSERT INTO history_entry (complaint_id, at, recorded_at, actor, action, changes, prev_hash, hash) "
        "SELECT complaint_id, at, recorded_at, '伪造', 'closed', '{}', prev_hash, hash FROM history_entry WHERE id = 2",
    )
    code, out = verify_lines(cli)
    assert code == 4
    assert f"{busy[0]}" in out and "inserted behind the tool's back" in out


def test_a_complaint_row_edited_behind_the_tools_back(cli: Cli, db_url: str, busy: list[str]) -> None:
    sql(db_url, f"UPDATE complaint SET department = '行政部', satisfaction = 'A' WHERE no = '{busy[1]}'")
    code, out = verify_lines(cli)
    assert code == 4
    assert f"{busy[1]}: department is '行政部' but its history says '售后部'" in out
    assert f"{busy[1]}: satisfaction is 'A' but its history says 'B'" in out
    assert busy[0] not in out and busy[2] not in out


def test_a_complaint_row_added_or_deleted_behind_the_tools_back(cli: Cli, db_url: str, busy: list[str]) -> None:
    sql(
        db_url,
        "INSERT INTO complaint (no, year, seq, received_at, received_date, channel, customer_name, contact, content,"
        " receiver, origin, final_decision, status, reopen_count, escalation_level, created_at, updated_at, explanation)"
        " SELECT 'TS-2026-0099', 2026, 99, received_at, received_date, channel, customer_name, contact, content,"
        " receiver, origin, final_decision, status, reopen_count, escalation_level, created_at, updated_at, explanation"
        f" FROM complaint WHERE no = '{busy[2]}'",
    )
    code, out = verify_lines(cli)
    assert code == 4 and "TS-2026-0099: complaint has no history" in out
