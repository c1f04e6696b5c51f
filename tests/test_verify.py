"""Tamper evidence (issue 6, acceptance 1; issue 14 §1): `verify` catches every edit made
behind the tool's back with plain SQL, to any table that carries the register's meaning
(history, complaints, contact log, deadlines, declared fields, office rules, audit
events, attachments), and with an anchor a history recomputed whole from the source."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from conftest import Cli, query


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
        cli.ok("assign", no, "--department", "售后服务部", "--to", "王五", "--at", f"2026-10-{i + 12} 10:00")
        cli.ok("contact", no, "--via", "phone", "--summary", "已受理", "--at", f"2026-10-{i + 12} 11:00")
        cli.ok("resolve", no, "--solution", "维修", "--at", "2026-10-20 10:00")
        cli.ok("followup", no, "--satisfaction", "B", "--at", "2026-10-21 10:00")
        numbers.append(no)
    cli.ok("overdue")
    return numbers


def verify_lines(cli: Cli, *args: str) -> tuple[int, str]:
    result = cli("verify", *args)
    return result.exit_code, result.stdout


RULES = """
[fields.order_no]
label = "订单号"
"""


@pytest.fixture
def office(cli: Cli, tmp_path: Path, busy: list[str]) -> list[str]:
    """The busy register with office rules installed, a declared field, a mass incident
    link, an unmasked export (an audit event) and a forgotten customer."""
    (tmp_path / "office.toml").write_text(RULES, encoding="utf-8")
    cli.ok("rules", "install", str(tmp_path / "office.toml"))
    linked = cli.log("--field", "订单号=A123", "--incident", busy[0], contact="13900000009", received="2026-10-15 09:00")
    cli.ok("export", "--month", "2026-10", "--unmasked", "-o", str(tmp_path / "full.xlsx"))
    cli.ok("forget", "--customer", "张三", "--contact", "13900000002", "--reason", "客户要求")
    code, out = verify_lines(cli)
    assert code == 0, out
    return [*busy, linked]


def assert_caught(cli: Cli, *expected: str) -> None:
    code, out = verify_lines(cli)
    assert code == 4, out
    for text_ in expected:
        assert text_ in out, out
    assert out.rstrip().splitlines()[-1].startswith("NOT INTACT")


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        ("SWAP NAME", ("erased without a `forget` entry",)),
        (
            "UPDATE complaint SET received_at = '2026-09-30 01:00:00.000000', received_date = '2026-09-30' WHERE id = 1",
            ("received_at is",),
        ),
        ("UPDATE complaint SET no = 'TS-2026-0999' WHERE id = 2", ("TS-2026-0999: its row",)),
        ("DELETE FROM contact_entry WHERE complaint_id = 1", ("its contact log changed",)),
        ("UPDATE contact_entry SET summary = '客户同意不再追究' WHERE complaint_id = 2", ("its contact log changed",)),
        ("DELETE FROM history_entry WHERE action = 'export_unmasked'", ("the chain",)),
        ("UPDATE deadline SET due_at = '2099-01-01 00:00:00.000000' WHERE complaint_id = 4", ("its deadlines changed",)),
        (
            "UPDATE deadline SET state = 'met', met_at = '2099-01-01 00:00:00.000000' WHERE complaint_id = 4",
            ("its deadlines changed",),
        ),
        ("UPDATE complaint SET explanation = '{}' WHERE id = 1", ("its row",)),
        ("UPDATE complaint SET incident_id = NULL WHERE id = 4", ("its row",)),
        ("UPDATE complaint_field SET value = 'B999' WHERE key = 'order_no'", ("field.order_no is 'B999'",)),
        (
            "UPDATE register_setting SET value = value || '\n[fields.x]\nlabel = \"x\"\n' WHERE key = 'rules'",
            ("office rules differ",),
        ),
        ("UPDATE complaint SET content = '客户无理取闹' WHERE id = 2", ("content is '客户无理取闹'",)),
        ("DELETE FROM history_entry WHERE id = 5", ("removed",)),
        ("DELETE FROM history_entry WHERE id = (SELECT max(id) FROM history_entry)", ("removed",)),
        (
            "DELETE FROM complaint_field; DELETE FROM deadline WHERE complaint_id = 4; DELETE FROM complaint WHERE id = 4",
            ("row deleted",),
        ),
    ],
    ids=[
        "name swapped for its forgotten form",
        "received date moved",
        "number changed",
        "contact log deleted",
        "contact log edited",
        "audit row deleted",
        "deadline moved",
        "deadline set to met",
        "explanation edited",
        "incident link edited",
        "declared field edited",
        "office rules edited",
        "complaint content edited",
        "middle history row deleted",
        "last history row deleted",
        "complaint deleted",
    ],
)
def test_every_edit_behind_the_tools_back_is_caught(
    cli: Cli, db_url: str, office: list[str], edit: str, expected: tuple[str, ...]
) -> None:
    if edit == "SWAP NAME":
        # A name swapped for its forgotten form: a marker holding the digest the chain hashes
        # (the nonce is in the register), so the entry's own hash still matches.
        from complaintctl.chain import personal_digest

        nonce = query(db_url, "SELECT nonce FROM complaint WHERE id = 1")[0][0]
        marker = json.dumps({"forgotten": personal_digest("张三", nonce)}, ensure_ascii=False)
        edit = f"UPDATE history_entry SET changes = replace(changes, '\"张三\"', '{marker}') WHERE complaint_id = 1"
    if "DELETE FROM complaint WHERE" in edit and "://" in db_url:  # the server keeps its foreign keys: the history goes too
        edit = edit.replace(
            "DELETE FROM complaint WHERE", "DELETE FROM history_entry WHERE complaint_id = 4; DELETE FROM complaint WHERE"
        )
        expected = ("removed",)
    for statement in edit.split("; "):
        sql(db_url, statement)
    assert_caught(cli, *expected)


def test_a_history_recomputed_whole_from_the_source_fails_against_the_anchor(
    cli: Cli, db_url: str, office: list[str], tmp_path: Path
) -> None:
    anchor = tmp_path / "elsewhere" / "anchor.txt"
    anchor.parent.mkdir()
    assert cli.ok("verify", "--anchor", str(anchor)).stdout.startswith("intact:")
    cli.ok("contact", office[3], "--via", "phone", "--summary", "再次致电")
    assert cli.ok("verify", "--anchor", str(anchor)).stdout.startswith("intact:")  # the chain grew: it extends the anchor
    assert len(anchor.read_text().splitlines()) == 2 and oct(anchor.stat().st_mode)[-3:] == "600"
    # The attacker edits a case and recomputes every hash and seal with the tool's own code.
    sql(db_url, "UPDATE complaint SET explanation = '{}' WHERE id = 1")
    from complaintctl import db, dbapi
    from complaintctl.sealing import rechain

    with db.open_session(db_url, write=True) as session:
        rechain(dbapi.over_session(session))
    assert cli.ok("verify").stdout.startswith("intact:")  # without the anchor nothing shows
    code, out = verify_lines(cli, "--anchor", str(anchor))
    assert code == 4 and "no longer passes through the head anchored" in out
    assert len(anchor.read_text().splitlines()) == 2  # a broken chain is not anchored


def test_an_anchor_that_is_not_one_is_one_line(cli: Cli, busy: list[str], tmp_path: Path) -> None:
    anchor = tmp_path / "anchor.txt"
    anchor.write_text("not an anchor\n")
    result = cli("verify", "--anchor", str(anchor))
    assert result.exit_code == 2 and result.stderr.count("\n") == 1 and "anchor" in result.stderr


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
    assert f"{busy[1]}: department is '行政部' but its history says '售后服务部'" in out
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
