"""Fields an office declares in its rules (issue 12): with a rules file declaring two fields,
log, show, list --json, list --where, export, import and verify carry them, no code change."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from conftest import Cli, query, snapshot

RULES = """
[fields.order_no]
label = "订单号"
synonyms = ["订单编号"]

[fields.amount]
label = "涉及金额"
kind = "number"
required = true
"""


@pytest.fixture
def office(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Cli:
    (tmp_path / "office.toml").write_text(RULES, encoding="utf-8")
    monkeypatch.setenv("COMPLAINTCTL_NOW", "2026-11-23T10:00+08:00")
    cli.ok("rules", "install", str(tmp_path / "office.toml"))
    return cli


def log(cli: Cli, contact: str, *fields: str) -> str:
    extra = [a for f in fields for a in ("--field", f)]
    return cli.log(*extra, contact=contact)


def test_log_show_and_list_carry_declared_fields(office: Cli) -> None:
    first = log(office, "13800000001", "订单号=A123", "amount=1,280.50")
    log(office, "13800000002", "order_no=B9", "涉及金额=30")
    shown = office.json("show", first)
    assert shown["fields"] == {"order_no": "A123", "amount": "1280.5"}
    table = office.ok("show", first).stdout
    assert "订单号" in table and "A123" in table and "涉及金额" in table
    listed = office.json("list")
    assert {r["no"]: r["fields"]["order_no"] for r in listed} == {first: "A123", "TS-2026-0002": "B9"}
    only = office.json("list", "--where", "订单号=A123")
    assert [r["no"] for r in only] == [first]
    assert office.json("list", "--where", "订单号=A123", "--where", "amount=30") == []
    assert shown["history"][0]["changes"]["field.order_no"] == [None, "A123"]
    assert office("verify").exit_code == 0


def test_bad_and_missing_values_are_one_line_and_write_nothing(office: Cli, db_url: str) -> None:
    before = snapshot(db_url)
    for args, words in (
        (["--field", "amount=lots"], "涉及金额: 'lots' is not a number"),
        (["--field", "订单号=A1"], "--field 涉及金额=… is required by the office rules"),
        (["--field", "color=red", "--field", "amount=1"], "write it as FIELD=VALUE with a field of the office rules"),
    ):
        result = office("log", "--customer", "张三", "--contact", "13800138000", "--channel", "phone", "--content", "x", *args)
        assert result.exit_code == 2, result.stderr
        lines = result.stderr.splitlines()
        assert lines[-1].startswith("error:") and words in lines[-1], result.stderr
        assert len([line for line in lines if line.startswith("error")]) == 1
    assert snapshot(db_url) == before


def test_export_and_import_carry_declared_fields(office: Cli, tmp_path: Path) -> None:
    log(office, "13800000001", "订单号=A123", "amount=99")
    out = tmp_path / "oct.csv"
    office.ok("export", "--month", "2026-11", "--format", "csv", "-o", str(out))
    with out.open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert rows[0]["订单号"] == "A123" and rows[0]["涉及金额"] == "99"

    sheet = tmp_path / "more.csv"
    sheet.write_text(
        "投诉时间,客户姓名,联系电话,投诉内容,订单编号,涉及金额\n2026-11-05 10:00,李四,13900139000,快递没到,C77,12.5\n",
        encoding="utf-8",
    )
    office.ok("import", str(sheet))
    imported = office.json("list", "--where", "订单号=C77")
    assert len(imported) == 1 and imported[0]["fields"] == {"order_no": "C77", "amount": "12.5"}
    assert office("verify").exit_code == 0


def test_verify_catches_declared_fields_edited_behind_the_tools_back(office: Cli, db_url: str) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool

    no = log(office, "13800000001", "订单号=A123", "amount=99")
    cid = query(db_url, f"SELECT id FROM complaint WHERE no = '{no}'")[0][0]
    engine = create_engine(db_url if "://" in db_url else f"sqlite:///{db_url}", poolclass=NullPool)
    with engine.begin() as conn:
        conn.execute(text("UPDATE complaint_field SET value = 'Z999' WHERE key = 'order_no'"))
        conn.execute(text("INSERT INTO complaint_field (complaint_id, key, value) VALUES (:c, 'address', '某地')"), {"c": cid})
    engine.dispose()
    result = office("verify")
    assert result.exit_code == 4
    assert "field.order_no is 'Z999' but its history says 'A123'" in result.stdout
    assert "field.address is '某地' but its history never set it" in result.stdout


def test_personal_declared_fields_are_masked_in_lists(cli: Cli) -> None:
    cli.log("--field", "住址=北京市朝阳区幸福路12号")
    listed = cli.json("list")
    assert listed[0]["fields"]["address"] == "北京市***"
    assert json.dumps(cli.json("list", "--unmasked")[0]["fields"], ensure_ascii=False).count("幸福路") == 1


def test_edit_corrects_built_in_and_declared_fields_with_a_reason(office: Cli, db_url: str) -> None:
    no = log(office, "13800000001", "订单号=A123", "amount=99")
    record = office.json(
        "edit", no, "--field", "客户姓名=张珊", "--field", "订单号=A124", "--field", "地点=", "--reason", "记错了"
    )
    assert record["customer_name"] == "张珊" and record["fields"]["order_no"] == "A124"
    entry = office.json("show", no)["history"][-1]
    assert entry["action"] == "edited" and entry["reason"] == "记错了"
    assert entry["changes"]["customer_name"] == ["张三", "张珊"]
    assert entry["changes"]["field.order_no"] == ["A123", "A124"]
    assert office("verify").exit_code == 0
    before = snapshot(db_url)
    for args, words in (
        (["--field", "状态=closed", "--reason", "x"], "its own command changes it"),
        (["--field", "客户姓名=", "--reason", "x"], "客户姓名"),
        (["--field", "订单号=A124", "--reason", "x"], "nothing to correct"),
        (["--field", "colour=red", "--reason", "x"], "FIELD=VALUE"),
    ):
        result = office("edit", no, *args)
        assert result.exit_code in (1, 2) and words in result.stderr, (args, result.stderr)
        assert len(result.stderr.strip().splitlines()) <= 2  # the set-clock note, then one error line
    assert snapshot(db_url) == before


def test_audit_lists_rules_installed_and_unmasked_lists(office: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    log(office, "13800000001", "amount=1")
    monkeypatch.setenv("COMPLAINTCTL_NOW", "2026-11-23T11:00+08:00")
    office.ok("list", "--unmasked")
    events = office.json("audit")
    assert [e["action"] for e in events] == ["rules_installed", "list_unmasked"]
    assert "rules_installed" in office.ok("audit").stdout


def test_the_third_complaint_about_the_same_person_is_serious(cli: Cli) -> None:
    """Seed 002 §3.1.2(d): a person complained about again and again (涉及人员)."""
    first = cli.log("--field", "涉及人员=王五", received="2026-09-01 09:00", contact="13800000001")
    second = cli.log("--field", "涉及人员=李四、王五", received="2026-10-01 09:00", contact="13800000002")
    third = cli.log("--field", "涉及人员=王五", received="2026-11-02 09:00", contact="13800000003")
    other = cli.log("--field", "涉及人员=李四", received="2026-11-02 10:00", contact="13800000004")
    severities = {no: cli.json("show", no)["severity"] for no in (first, second, third, other)}
    assert severities == {first: "general", second: "general", third: "major", other: "general"}
    terms = cli.json("show", third)["why"]["severity"]["terms"]
    assert any("3 complaints about 王五 within 90天" in t for t in terms), terms


def test_forget_erases_personal_declared_fields_and_verify_stays_intact(cli: Cli, db_url: str) -> None:
    no = cli.log("--field", "住址=北京市朝阳区幸福路12号", "--field", "涉及人员=王五")
    cli.ok("close", no, "--reason", "客户撤诉")
    cli.ok("forget", "--customer", "张三", "--reason", "客户书面要求")
    shown = cli.json("show", no)
    assert "address" not in shown["fields"] and shown["fields"]["people_involved"] == "王五"
    assert "幸福路" not in json.dumps(shown, ensure_ascii=False)
    rows = query(db_url, "SELECT changes FROM history_entry")
    assert not any("幸福路" in r[0] for r in rows)
    assert cli("verify").exit_code == 0


def test_a_masked_workbook_keeps_personal_declared_fields_in_the_office(cli: Cli, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    cli.log("--field", "住址=北京市朝阳区幸福路12号", received="2026-11-02 09:15")
    out = tmp_path / "nov.xlsx"
    cli.ok("export", "--month", "2026-11", "-o", str(out))
    book = load_workbook(out, read_only=True)
    cells = [str(c) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for c in row if c]
    assert not any("幸福路" in c for c in cells)
    assert any(c.startswith("北京市***") for c in cells)  # the register sheet's 住址 column, masked
