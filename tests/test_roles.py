"""Who did it, for real (issue 14 §7): the office rules declare people by login and their
roles; the login is the account the system vouches for, recorded in the history beside
the name given with --as; a clerk's final decision or unmasked export is refused, and on
PostgreSQL the database itself refuses a clerk's rewrite of the history."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from complaintctl.db import os_login
from conftest import PG_URL, Cli, query, snapshot


def me(db_url: str) -> str:
    """The login the register sees: the account on SQLite, session_user on a server."""
    return query(db_url, "SELECT session_user")[0][0] if "://" in db_url else os_login()


def office(cli: Cli, tmp_path: Path, roles: str, *, login: str) -> None:
    (tmp_path / "office.toml").write_text(
        f"""
[office]
name = "客服中心"

[units.centre]
label = "客服中心"

[units.store1]
label = "一号店"
parent = "centre"

[people.{login}]
name = "小王"
unit = "store1"
roles = {roles}

[people.boss]
name = "李经理"
unit = "centre"
roles = ["manager"]
""",
        encoding="utf-8",
    )
    cli.ok("rules", "install", str(tmp_path / "office.toml"))


def test_a_clerk_may_not_record_the_leaders_decision_nor_export_unmasked(cli: Cli, db_url: str, tmp_path: Path) -> None:
    no = cli.log()
    cli.ok("assign", no, "--department", "售后服务部", "--to", "王五")
    cli.ok("classify", no, "--severity", "major")
    office(cli, tmp_path, '["clerk"]', login=me(db_url))
    before = snapshot(db_url)
    for args in (
        ("resolve", no, "--solution", "换新", "--final", "--as", "分管领导"),
        ("export", "--month", "2026-11", "--unmasked", "-o", str(tmp_path / "x.xlsx")),
        ("list", "--unmasked"),
        ("forget", "--customer", "张三", "--reason", "x"),
        ("close", no, "--reason", "x"),
        ("classify", no, "--severity", "general"),
        ("rules", "install", str(tmp_path / "office.toml")),
    ):
        result = cli(*args)
        assert result.exit_code == 5, (args, result.stderr)
        assert result.stderr.count("\n") == 1 and me(db_url) in result.stderr, result.stderr
    assert snapshot(db_url) == before and not (tmp_path / "x.xlsx").exists()
    cli.ok("contact", no, "--via", "phone", "--summary", "已回电")  # a clerk's own work goes on


def test_a_leader_may_and_the_history_says_who_really_did(cli: Cli, db_url: str, tmp_path: Path) -> None:
    no = cli.log()
    office(cli, tmp_path, '["leader"]', login=me(db_url))
    cli.ok("close", no, "--reason", "客户撤诉", "--as", "分管领导")
    actor, login = query(db_url, "SELECT actor, login FROM history_entry WHERE action = 'closed'")[0]
    assert actor == "分管领导"
    assert login == me(db_url)
    assert cli.json("show", no)["history"][-1]["login"] == me(db_url)
    assert cli.ok("verify").stdout.startswith("intact:")


def test_someone_not_among_the_people_is_told_how_to_be_added(cli: Cli, db_url: str, tmp_path: Path) -> None:
    no = cli.log()
    office(cli, tmp_path, '["manager"]', login="somebody_else")
    result = cli("resolve", no, "--solution", "换新", "--final")
    assert result.exit_code == 5 and "[people." in result.stderr


def test_the_database_refuses_a_clerks_rewrite_of_the_history(cli: Cli, db_url: str, tmp_path: Path) -> None:
    if "://" not in db_url:
        pytest.skip("database roles are PostgreSQL's")
    import psycopg
    from sqlalchemy.engine import make_url

    tag = uuid.uuid4().hex[:8]
    clerk, manager = f"t_{tag}_u1", f"t_{tag}_u2"
    admin = make_url(PG_URL)
    connect = dict(host=admin.host, port=admin.port or 5432, dbname=admin.database)
    with psycopg.connect(**connect, user=admin.username, password=admin.password, autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {clerk} LOGIN PASSWORD 'pw' NOSUPERUSER")
        conn.execute(f"CREATE ROLE {manager} LOGIN PASSWORD 'pw' NOSUPERUSER")
    schema = make_url(db_url).query["options"].split("=")[-1]
    try:
        no = cli.log()
        (tmp_path / "office.toml").write_text(
            f'[people.{clerk}]\nroles = ["clerk"]\n[people.{manager}]\nroles = ["manager"]\n', encoding="utf-8"
        )
        cli.ok("rules", "install", str(tmp_path / "office.toml"))
        out = cli.ok("db", "roles", "--prefix", f"t_{tag}_").stdout
        assert clerk in out and manager in out
        with psycopg.connect(**connect, user=clerk, password="pw", options=f"-csearch_path={schema}") as conn:
            assert conn.execute("SELECT count(*) FROM history_entry").fetchone()[0] > 0  # a clerk reads
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute("UPDATE history_entry SET actor = '别人'")
        with psycopg.connect(**connect, user=clerk, password="pw", options=f"-csearch_path={schema}") as conn:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute("DELETE FROM history_entry")
        # and the clerk's own login works through the tool
        clerk_url = make_url(db_url).set(username=clerk, password="pw").render_as_string(hide_password=False)
        cli.ok("contact", no, "--via", "phone", "--summary", "已回电", "--db", clerk_url)
        assert query(db_url, "SELECT login FROM history_entry ORDER BY id DESC LIMIT 1")[0][0] == clerk
        assert cli.ok("verify").stdout.startswith("intact:")
    finally:
        from complaintctl import db

        db.close_all()
        with psycopg.connect(**connect, user=admin.username, password=admin.password, autocommit=True) as conn:
            for name in (clerk, manager, *(f"t_{tag}_{r}" for r in ("clerk", "handler", "leader", "manager", "auditor"))):
                conn.execute(f"DROP OWNED BY {name} CASCADE")
                conn.execute(f"DROP ROLE IF EXISTS {name}")


def test_files_are_owner_only_unless_the_office_says_otherwise(cli: Cli, tmp_path: Path) -> None:
    cli.log(received="2026-10-12 09:00")
    cli.ok("export", "--month", "2026-10", "-o", str(tmp_path / "a.xlsx"))
    assert oct((tmp_path / "a.xlsx").stat().st_mode)[-3:] == "600"
    (tmp_path / "office.toml").write_text('[office]\nfile_mode = "0640"\n', encoding="utf-8")
    cli.ok("rules", "install", str(tmp_path / "office.toml"))
    cli.ok("export", "--month", "2026-10", "-o", str(tmp_path / "b.xlsx"))
    assert oct((tmp_path / "b.xlsx").stat().st_mode)[-3:] == "640"
    (tmp_path / "bad.toml").write_text('[office]\nfile_mode = "0666"\n', encoding="utf-8")
    result = cli("rules", "check", str(tmp_path / "bad.toml"))
    assert result.exit_code == 2 and "office.file_mode" in result.stderr
