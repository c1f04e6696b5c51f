"""Bringing an existing register in (issue 5, acceptance 1)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from conftest import Cli, snapshot

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "客户投诉登记表_示例.xlsx"


def workbook(path: Path, rows: list[list], title: str = "登记表") -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_the_example_register_imports_fully(cli: Cli) -> None:
    result = cli.ok("import", str(EXAMPLE), "--add-departments")
    assert "300 rows read; imported 300 (TS-2026-0001 … TS-2026-0300)" in result.stdout
    listed = cli.json("list", "--limit", "1000")
    assert len(listed) == 300
    assert sum(1 for r in listed if r["remarks"] == "第二次投诉") >= 1  # 备注 has a field of its own
    first = cli.json("show", "TS-2026-0001")
    assert first["received_at"].startswith("2026-01-0")
    assert first["history"][0]["action"] == "imported"
    assert first["history"][0]["changes"]["source"][1].startswith("客户投诉登记表_示例.xlsx:2026年投诉登记:")
    assert first["category"] and first["severity"] and first["why"]["category"]["source"] == "auto"


def test_every_date_form_of_the_example_is_read(cli: Cli) -> None:
    summary = cli.json("import", str(EXAMPLE), "--add-departments")
    assert summary["imported"] == 300 and summary["columns"]["受理时间"] == "received_at"
    numbers = {r["no"]: r for r in cli.json("list", "--limit", "1000")}
    times = sorted(datetime.fromisoformat(r["received_at"]) for r in numbers.values())
    assert times == sorted(set(times))  # 300 distinct times, in the order typed: no form was misread
    assert all(t.year == 2026 for t in times)


def test_reimport_adds_nothing_twice(cli: Cli) -> None:
    cli.ok("import", str(EXAMPLE), "--add-departments")
    again = cli.json("import", str(EXAMPLE), "--add-departments")
    assert again["imported"] == 0 and again["skipped"] == 300
    assert len(cli.json("list", "--limit", "1000")) == 300


def test_dry_run_writes_nothing(cli: Cli, db_url: str) -> None:
    cli.log()
    before = snapshot(db_url)
    result = cli.json("import", str(EXAMPLE), "--dry-run", "--add-departments")
    assert result["imported"] == 300 and result["dry_run"] is True
    assert snapshot(db_url) == before


def test_a_file_with_bad_rows_writes_nothing_and_lists_every_bad_row(cli: Cli, db_url: str, tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "bad.xlsx",
        [
            ["客户投诉登记表"],
            ["投诉时间", "客户姓名", "联系电话", "投诉方式", "投诉内容", "满意度"],
            ["2026-09-18 10:30", "张三", "13800138000", "电话", "冰箱不制冷", "A"],
            ["2026-02-30", "李四", "13800138001", "电话", "快递没到", None],
            ["2026-09-19", "王五", "13800138002", "传真", "态度差", None],
            [],
            ["2026-09-20", None, "13800138003", "电话", "多收费", "E"],
            ["2026-09-21", "赵六", "13800138004", "现场", "还好", "很满意"],
        ],
    )
    cli.log()
    before = snapshot(db_url)
    result = cli("import", str(path))
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert lines[0].startswith("error: 登记表 row 4, 投诉时间:") and "real date" in lines[0]
    assert lines[1].startswith("error: 登记表 row 5, 投诉方式:") and "传真" in lines[1]
    assert any(line.startswith("error: 登记表 row 7, 满意度:") for line in lines)
    assert any(line.startswith("error: 登记表 row 7, 客户姓名:") for line in lines)
    assert lines[-1] == "error: 4 problem(s) in bad.xlsx; nothing was imported. Fix them and import again."
    assert "Traceback" not in result.stderr
    assert snapshot(db_url) == before


def test_gbk_csv_with_synonym_headers_and_excel_serial_dates(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "legacy.csv"
    text = (
        "日期,姓名,电话,渠道,问题描述,处理结果,满意度\r\n"
        "46283.4375,张三,13800138000,电话,冰箱不制冷,已换新,很满意\r\n"
        "2026年9月18日 10:30,李四,li@example.com,邮件,快递没到,补发,基本满意\r\n"
    )
    path.write_bytes(text.encode("gbk"))
    summary = cli.json("import", str(path))
    assert summary["imported"] == 2
    records = {r["customer_name"]: r for r in cli.json("list")}
    assert records["张三"]["received_at"] == "2026-09-18T10:30:00+08:00"  # Excel serial 46283.4375
    assert records["李四"]["received_at"] == "2026-09-18T10:30:00+08:00"
    assert records["张三"]["satisfaction"] == "A" and records["张三"]["status"] == "closed"
    assert records["李四"]["satisfaction"] == "C"


def test_map_places_an_odd_column(cli: Cli, tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "odd.xlsx",
        [
            ["来电日期", "客户姓名", "来电号码", "投诉内容"],
            ["2026-09-18 10:30", "张三", "13800138000", "冰箱不制冷"],
        ],
    )
    refused = cli("import", str(path))
    assert refused.exit_code == 2 and "no column for received_at" in refused.stderr
    assert "'来电日期' has no field of its own" in refused.stderr and "--map '来电日期=FIELD'" in refused.stderr
    summary = cli.json("import", str(path), "--map", "来电日期=received_at", "--map", "来电号码=contact")
    assert summary["imported"] == 1
    assert cli.json("list", "--unmasked")[0]["contact"] == "13800138000"


def test_update_brings_existing_complaints_in_line(cli: Cli, tmp_path: Path) -> None:
    no = cli.log()
    path = workbook(
        tmp_path / "update.xlsx",
        [
            ["投诉编号", "投诉时间", "客户姓名", "投诉内容", "责任部门"],
            [no, "2026-11-02 09:15", "张三", "买的冰箱不制冷，已经修了两次", "售后服务部"],
        ],
    )
    assert cli.json("import", str(path))["skipped"] == 1
    assert cli.json("show", no)["department"] is None
    assert cli.json("import", str(path), "--update")["updated"] == 1
    record = cli.json("show", no)
    assert record["department"] == "售后服务部" and record["history"][-1]["action"] == "imported"


def test_our_numbers_are_kept_and_the_counter_moves_past_them(cli: Cli, tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "numbered.xlsx",
        [
            ["投诉编号", "投诉时间", "客户姓名", "投诉内容"],
            ["TS-2026-0040", "2026-09-18 10:30", "张三", "冰箱不制冷"],
            ["XS-0001", "2026-09-19 10:30", "李四", "快递没到"],
        ],
    )
    summary = cli.json("import", str(path))
    assert summary["numbers"] == ["TS-2026-0040", "TS-2026-0041"]
    assert cli.log() == "TS-2026-0042"
    assert cli.json("show", "TS-2026-0041")["history"][0]["changes"]["source_no"] == [None, "XS-0001"]


@pytest.mark.parametrize(
    "name, content, words",
    [
        ("broken.xlsx", b"PK\x03\x04 this is not really a workbook", "not a readable Excel workbook"),
        ("notes.txt.pdf", b"%PDF-1.4", "cannot import a .pdf"),
        ("binary.csv", b"\x00\x01\x02\xff\xfe\x00", "CSV"),
        ("empty.csv", b"", "no sheet has a header row"),
    ],
)
def test_files_that_are_not_registers_are_one_line(
    cli: Cli, db_url: str, tmp_path: Path, name: str, content: bytes, words: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    before = snapshot(db_url)
    result = cli("import", str(path))
    assert result.exit_code == 2 and result.stderr.count("\n") == 1 and words in result.stderr, result.stderr
    assert snapshot(db_url) == before


def test_a_missing_file_is_one_line(cli: Cli) -> None:
    result = cli("import", "/nonexistent/register.xlsx")
    assert result.exit_code == 2 and "no such file" in result.stderr


def test_a_customer_already_in_the_register_counts_as_a_repeat_on_import(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COMPLAINTCTL_NOW", "2026-11-23T10:00+08:00")
    first = cli.log(received="2026-11-02 09:15", contact="13800138000")
    sheet = tmp_path / "later.csv"
    sheet.write_text(
        "投诉时间,客户姓名,联系电话,投诉内容\n"
        "2026-11-10 10:00,张三,13800138000,冰箱还是不制冷\n"
        "2026-11-10 11:00,李四,13900139000,冰箱不制冷\n",
        encoding="utf-8",
    )
    cli.ok("import", str(sheet))
    rows = {r["customer_name"]: r for r in cli.json("list") if r["no"] != first}
    assert rows["张三"]["severity"] == "major" and rows["李四"]["severity"] == "general"
    terms = cli.json("show", rows["张三"]["no"])["why"]["severity"]["terms"]
    assert any("2" in term and "30" in term for term in terms), terms


def test_a_template_register_lands_every_column(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A sheet laid out like the small-office templates: its status words are read, and a
    column with no field (回访情况), or a second one for a field (处理措施 beside 处理结果),
    is kept in 备注 as '标题: 值' rather than dropped."""
    monkeypatch.setenv("COMPLAINTCTL_NOW", "2026-11-23T10:00+08:00")
    path = workbook(
        tmp_path / "template.xlsx",
        [
            ["客户投诉记录表"],
            [
                "序号",
                "投诉日期",
                "客户名称",
                "联系电话",
                "投诉内容",
                "处理部门",
                "处理结果",
                "处理措施",
                "处理状态",
                "回访情况",
                "备注",
            ],
            [1, "2026-11-02", "张三", "13800138000", "冰箱不制冷", "售后服务部", None, None, "已受理", None, "老客户"],
            [
                2,
                "2026-11-03",
                "李四",
                "13900139000",
                "快递延误",
                "物流部",
                "已补发",
                "联系快递公司加急",
                "处理中",
                "客户认可",
                None,
            ],
        ],
    )
    result = cli.ok("import", str(path))
    assert "处理措施" in result.stderr and "回访情况" in result.stderr and "备注" in result.stderr
    rows = {r["customer_name"]: r for r in cli.json("list")}
    assert rows["张三"]["status"] == "assigned" and rows["张三"]["remarks"] == "老客户"
    assert rows["李四"]["solution"] == "已补发"
    assert rows["李四"]["remarks"] == "处理措施: 联系快递公司加急\n回访情况: 客户认可"
    shown = cli.ok("show", rows["李四"]["no"]).stdout
    assert "备注" in shown and "联系快递公司加急" in shown


TEMPLATES = Path(__file__).resolve().parent / "fixtures" / "templates"


@pytest.mark.parametrize(
    "name, in_remarks",
    [
        ("ugtv8_投诉处理记录表.csv", {"处理措施"}),
        ("sqedu_投诉情况登记表.csv", {"投诉人身份"}),
        ("360docs_顾客投诉记录及处理表.csv", {"合同编号或发货单号", "联系人"}),
        ("hanyi_投诉登记表.csv", {"投诉人身份", "投诉人签名"}),
        ("sthtlaw_投诉反馈模板.csv", {"相关证据", "处理措施"}),
    ],
)
def test_published_templates_import_without_map(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, name: str, in_remarks: set[str]
) -> None:
    """Sheets laid out like published small-office templates (tests/fixtures/templates/
    SOURCES.md): no --map, and every cell lands in a field or in 备注 as '标题: 值'."""
    import csv

    monkeypatch.setenv("COMPLAINTCTL_NOW", "2026-11-23T10:00+08:00")
    path = TEMPLATES / name
    result = cli.ok("import", str(path))
    placed = {line.split("'")[1] for line in result.stderr.splitlines() if "kept in 备注" in line}
    assert placed == in_remarks
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    records = sorted(cli.json("list", "--unmasked"), key=lambda r: r["received_at"])
    assert len(records) == len(rows)
    for row, record in zip(sorted(rows, key=lambda r: next(iter(r.values()))), records):
        text = json.dumps(record, ensure_ascii=False)
        for heading, cell in row.items():
            if not cell or heading in ("序号",):
                continue
            if heading in in_remarks:
                assert f"{heading}: {cell}" in (record["remarks"] or ""), (heading, record["remarks"])
            elif heading not in ("投诉日期", "投诉时间", "顾客投诉日期", "完成时间", "处理状态", "投诉渠道", "投诉编号"):
                assert cell in text, (heading, cell)


# -- issue 14 §6: a file brought in is read within the office's limits


def _limits(cli: Cli, tmp_path: Path, text: str) -> None:
    (tmp_path / "limits.toml").write_text(f"[limits]\n{text}\n", encoding="utf-8")
    cli.ok("rules", "install", str(tmp_path / "limits.toml"))


def _sheet_of(tmp_path: Path, rows: int, content: str = "冰箱不制冷") -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["投诉时间", "客户姓名", "联系方式", "投诉内容"])
    for i in range(rows):
        sheet.append([f"2026-10-{1 + i % 28:02d} 09:00", "张三", f"1380000{i:04d}", content])
    path = tmp_path / f"sheet-{rows}.xlsx"
    book.save(path)
    return path


@pytest.mark.parametrize(
    ("limit", "make", "says"),
    [
        ("import_rows = 20", lambda tmp: _sheet_of(tmp, 30), "more than 20 rows ([limits] import_rows)"),
        ("import_cells = 50", lambda tmp: _sheet_of(tmp, 15), "more than 50 cells ([limits] import_cells)"),
        (
            "import_mb = 1",
            lambda tmp: _sheet_of(tmp, 40, "很长的内容" * 10_000),
            "once uncompressed, more than the office's limit",
        ),
    ],
    ids=["rows", "cells", "uncompressed size"],
)
def test_a_file_past_the_office_limits_is_refused_in_one_line(
    cli: Cli, db_url: str, tmp_path: Path, limit: str, make: Any, says: str
) -> None:
    _limits(cli, tmp_path, limit)
    path = make(tmp_path)
    before = snapshot(db_url)
    result = cli("import", str(path))
    assert result.exit_code == 2 and says in result.stderr and result.stderr.count("\n") == 1, result.stderr
    assert snapshot(db_url) == before


def test_within_the_limits_it_imports(cli: Cli, tmp_path: Path) -> None:
    _limits(cli, tmp_path, "import_rows = 20")
    cli.ok("import", str(_sheet_of(tmp_path, 19)))
    assert len(cli.json("list", "--limit", "100")) == 19
