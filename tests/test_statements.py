"""The statements are defined once, in Core (statements.py); the SQL the commands run is
generated from them and committed (statements_sql.py); the DB-API path reads and binds
values exactly as SQLAlchemy's types do, on both engines."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from complaintctl import dbapi, statements
from conftest import Cli, modules_loaded_by


def test_the_committed_sql_is_what_the_statements_compile_to() -> None:
    committed = statements.GENERATED.read_text(encoding="utf-8")
    assert committed == statements.generate(), "statements_sql.py is stale: run `python -m complaintctl.statements`"


def test_the_check_mode_fails_on_a_stale_module(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    stale = tmp_path / "statements_sql.py"
    stale.write_text("STATEMENTS = {}\n", encoding="utf-8")
    monkeypatch.setattr(statements, "GENERATED", stale)
    assert statements.main(["--check"]) == 1
    assert statements.main([]) == 0
    assert statements.main(["--check"]) == 0


def test_every_dialect_has_every_statement_and_fragment() -> None:
    from complaintctl.statements_sql import FRAGMENTS, STATEMENTS

    for dialect in statements.DIALECTS:
        assert set(STATEMENTS[dialect]) == set(statements.STATEMENTS)
        assert set(FRAGMENTS[dialect]) == set(statements.FRAGMENTS)


def test_show_reads_on_the_lean_path_what_the_orm_wrote(cli: Cli, db_url: str) -> None:
    """Instants, dates, flags and numbers written through a Session read back equal through
    the DB-API path (and its JSON equals the ORM object's fields)."""
    from sqlmodel import select

    from complaintctl import db, fields
    from complaintctl.models import Complaint

    no = cli.log()
    cli.ok("resolve", no, "--solution", "换新", "--compensation", "70.5", "--compensation-kind", "refund")
    with db.open_session(db_url, write=False) as session:
        orm = session.execute(select(Complaint).where(Complaint.no == no)).scalar_one()  # type: ignore[arg-type]
    with dbapi.open_register(db_url, write=False) as register:
        lean = register.one_or_none("complaint_by_no", no=no)
    assert lean is not None
    for entry in fields.FIELDS:
        assert getattr(lean, entry.name) == getattr(orm, entry.name), entry.name
    assert isinstance(lean.received_at, datetime) and lean.received_at.tzinfo is not None
    assert isinstance(lean.received_date, date) and lean.final_decision is False
    shown = cli.json("show", no)
    assert shown["compensation_amount"] == 70.5 and shown["final_decision"] is False


def test_values_bound_on_the_lean_path_match_sqlalchemy(db_url: str, cli: Cli) -> None:
    """A filter bound by the DB-API path finds what SQLAlchemy stored: the storage format of
    an instant and a date is the same on both paths."""
    from complaintctl import service
    from complaintctl.settings import load_policy

    no = cli.log()
    record = cli.json("show", no)
    received = datetime.fromisoformat(record["received_at"]).astimezone(UTC)
    policy = load_policy(None)
    with dbapi.open_register(db_url, write=False) as register:
        day = received.astimezone(policy.tz).date()
        found = service.list_complaints(
            register, service.ListFilter(received_from=day, received_to=day), policy=policy, now=received
        )
        assert [r["no"] for r in found] == [no]
        due = {m: d for m, d in record["due"].items()}
        first = min(datetime.fromisoformat(d) for d in due.values())
        on_time = service.list_complaints(register, service.ListFilter(overdue=True), policy=policy, now=first)
        late = service.list_complaints(
            register, service.ListFilter(overdue=True), policy=policy, now=first.replace(microsecond=1)
        )
        assert on_time == [] and [r["no"] for r in late] == [no]


# What issue 13 keeps out of the commands staff type (on SQLite): the ORM stack, the
# workbook writer, the free-form time parser, Rich's table layout, and the libraries of
# rare work (PostgreSQL's driver, the shell's line editor).
_BUDGET = (
    "sqlalchemy",
    "sqlmodel",
    "pydantic",
    "alembic",
    "openpyxl",
    "dateutil.parser",
    "rich.table",
    "psycopg",
    "prompt_toolkit",
)


def test_every_command_staff_type_stays_within_its_start_up_budget(cli: Cli, db_url: str) -> None:
    """Each command run as a terminal runs it, in a fresh interpreter, along a case's whole
    life; none imports a module of the budget."""
    if "://" in db_url:
        return  # the budget is for SQLite; psycopg's import is extra
    first = cli.log()
    second = cli.log(received="2026-11-03 10:00", contact="13900000002")
    steps = [
        ["log", "--customer", "李四", "--contact", "13900000003", "--channel", "电话", "--content", "洗衣机漏水"],
        ["classify", first, "--severity", "major", "--reason", "客户强烈不满"],
        ["assign", first, "--to", "王五"],
        ["contact", first, "--via", "phone", "--summary", "已受理", "--at", "2026-11-05 10:00"],
        ["wait", second, "--reason", "等客户发票", "--at", "2026-11-04 09:00"],
        ["resume", second, "--at", "2026-11-06 09:00"],
        ["extend", second, "--to", "2026-12-20 18:00", "--reason", "客户同意", "--late"],
        ["edit", second, "--field", "地点=北京", "--reason", "记错了"],
        ["close", second, "--reason", "客户撤诉"],
        ["resolve", first, "--solution", "换新"],
        ["followup", first, "--satisfaction", "A"],
        ["show", first],
        ["list"],
        ["list", "--overdue", "--search", "冰箱", "--status", "open"],
        ["overdue"],  # records the new breaches
        ["overdue", "--within", "2wd"],
        ["report", "--month", "2026-11"],
        ["report", "--month", "2026-11", "--format", "json"],
    ]
    for argv in steps:
        status, output, loaded = modules_loaded_by(argv, _BUDGET)
        assert status == 0, (argv, output)
        assert loaded == [], argv


def test_two_morning_checks_at_once_record_each_breach_once(cli: Cli, db_url: str) -> None:
    """The check reads on the lean path and writes in a second transaction: two checks that
    read the same newly overdue milestones record them once between them."""
    from complaintctl import service
    from complaintctl.settings import load_policy

    no = cli.log(received="2026-11-02 09:15")
    policy = load_policy(None)
    at = datetime(2026, 11, 20, 12, tzinfo=UTC)
    with dbapi.open_register(db_url, write=False) as register:
        first = service.check_overdue(register, at=at, within=None, now=at, policy=policy)
    with dbapi.open_register(db_url, write=False) as register:
        second = service.check_overdue(register, at=at, within=None, now=at, policy=policy)
    assert first["pending_breaches"] and len(first["pending_breaches"]) == len(second["pending_breaches"])
    with dbapi.open_register(db_url, write=True) as register:
        recorded = service.record_overdue(register, first["pending_breaches"], now=at, actor="cron")
    with dbapi.open_register(db_url, write=True) as register:
        again = service.record_overdue(register, second["pending_breaches"], now=at, actor="cron")
    assert recorded == len(first["pending_breaches"]) and again == 0
    history = cli.json("show", no)["history"]
    assert sum(1 for h in history if h["action"] == "breached") == recorded
    assert cli.ok("verify").exit_code == 0


def _writes_of_a_working_week(register: dbapi.Register) -> None:
    """Every write staff make, on two cases, at set instants: the lean path and a Session
    must store the same rows and chain the same history."""
    from complaintctl import service
    from complaintctl.domain import Channel, CompensationKind, Satisfaction, Severity
    from complaintctl.settings import load_policy

    policy = load_policy(None)

    def at(day: int, hour: int) -> datetime:
        return datetime(2026, 11, day, hour, tzinfo=UTC)

    def new(received: datetime, content: str) -> service.NewComplaint:
        return service.NewComplaint(
            customer_name="张三",
            contact="13800138000",
            channel=Channel.PHONE,
            content=content,
            received_at=received,
            receiver="前台",
        )

    one = service.log_complaint(register, new(at(2, 1), "买的冰箱不制冷"), now=at(2, 1), actor="前台", policy=policy)["no"]
    two = service.log_complaint(register, new(at(3, 1), "送货迟到三天"), now=at(3, 1), actor="前台", policy=policy)["no"]
    common = {"actor": "小王", "policy": policy}
    service.classify(
        register, one, category=None, severity=Severity.MAJOR, urgency=None, priority=None, origin=None, reset=False,
        reason="客户强烈不满", at=at(2, 2), now=at(2, 2), **common,
    )  # fmt: skip
    service.assign(register, one, department=None, assignee="李四", at=at(2, 3), now=at(2, 3), **common)
    service.record_contact(register, one, via=Channel.PHONE, summary="已受理", at=at(5, 3), now=at(5, 3), **common)
    service.resolve(
        register, one, solution="换新", cause="压缩机", action=None, compensation_cents=7000,
        compensation_kind=CompensationKind.REFUND, final=False, at=at(20, 3), now=at(20, 3), **common,
    )  # fmt: skip
    service.record_followup(register, one, satisfaction=Satisfaction.D, note="仍不满意", at=at(21, 3), now=at(21, 3), **common)
    service.wait(register, two, reason="等客户发票", at=at(4, 2), now=at(4, 2), **common)
    service.resume(register, two, at=at(6, 2), now=at(6, 2), **common)
    service.extend(register, two, to=at(27, 9), reason="客户同意", at=at(6, 3), now=at(6, 3), **common)
    service.edit(register, two, values={"location": "北京"}, declared={}, reason="记错了", at=at(7, 1), now=at(7, 1), **common)
    service.close(register, two, reason="客户撤诉", at=at(9, 1), now=at(9, 1), **common)
    breaches = service.check_overdue(register, at=at(23, 1), within=None, now=at(23, 1), policy=policy)["pending_breaches"]
    service.record_overdue(register, breaches, now=at(23, 1), actor="cron")


def _stored(register: dbapi.Register) -> dict[str, object]:
    cursor = register.connection.cursor()
    out: dict[str, object] = {}
    for table in ("chain_head", "complaint", "deadline", "history_entry", "contact_entry", "alert", "complaint_field"):
        cursor.execute(f"SELECT * FROM {table} ORDER BY 1")
        out[table] = [tuple(row) for row in cursor.fetchall()]
    return out


def test_the_same_writes_through_the_lean_path_and_a_session_chain_the_same(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Acceptance of issue 13: the writes on the DB-API path (sqlite3 or psycopg opened by
    dbapi, BEGIN IMMEDIATE) and inside a SQLAlchemy Session store the same rows and the same
    chain head (given the same nonces: they are random)."""
    import itertools
    from contextlib import ExitStack

    from complaintctl.service import lifecycle

    def same_nonces() -> None:
        counter = itertools.count()
        monkeypatch.setattr(lifecycle, "new_nonce", lambda: f"{next(counter):032x}")

    from complaintctl import db
    from conftest import postgres_schema

    with ExitStack() as stack:
        other = str(tmp_path / "other.db") if "://" not in db_url else stack.enter_context(postgres_schema())
        for url in (db_url, other):
            Cli().ok("init", "--db", url)
        same_nonces()
        with dbapi.open_register(db_url, write=True) as register:
            _writes_of_a_working_week(register)
        same_nonces()
        with db.open_session(other, write=True) as session:
            _writes_of_a_working_week(dbapi.over_session(session))
        with dbapi.open_register(db_url, write=False) as lean, dbapi.open_register(other, write=False) as through_session:
            stored, expected = _stored(lean), _stored(through_session)
    assert stored["history_entry"] and stored["chain_head"][0][2] == len(stored["history_entry"])  # type: ignore[index]
    assert any(row[5] == "breached" for row in stored["history_entry"])  # type: ignore[attr-defined]
    assert stored == expected
    # The period report reads deadlines from `due_at >= start` (statements._decided_in_period):
    # every deadline the writes leave is decided no later than it is due.
    with dbapi.open_register(db_url, write=False) as register:
        cursor = register.connection.cursor()
        cursor.execute(
            "SELECT count(*), sum(CASE WHEN coalesce(missed_at, CASE WHEN met_at <= due_at THEN met_at ELSE due_at END)"
            " > due_at THEN 1 ELSE 0 END), sum(CASE WHEN missed_at IS NOT NULL THEN 1 ELSE 0 END) FROM deadline"
            " WHERE due_at IS NOT NULL AND state != 'void'"
        )
        decided, after_due, missed = cursor.fetchone()
    assert decided > 5 and missed >= 1 and after_due == 0


def test_lists_of_running_deadlines_walk_only_the_open_cases(cli: Cli, register: Path) -> None:
    """`list --overdue` / `--due-within` start from the partial index of open cases by
    receipt, so closed history costs them nothing (migration 0015; bench/run at 1,000,000)."""
    import sqlite3

    from complaintctl.statements_sql import FRAGMENTS, STATEMENTS

    cli.log()
    listing = STATEMENTS["sqlite"]["complaint_list"]["sql"]
    params = {
        "now": "2026-11-23 00:00:00",
        "due_until": "2026-11-24 00:00:00",
        "resolution": "resolution",
        "limit": 50,
        "param_1": 0,
    }
    with sqlite3.connect(register) as conn:
        for name in ("overdue_at", "due_until", "overdue_or_due_until"):
            sql = listing.replace("__WHERE__", f"({FRAGMENTS['sqlite'][name]['sql']})")
            plan = " / ".join(row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}", params))
            assert "ix_complaint_open_received" in plan, (name, plan)
