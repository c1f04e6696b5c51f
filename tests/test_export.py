"""The monthly workbook (issue 4, acceptance 2)."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from complaintctl.export import REGISTER_COLUMNS
from conftest import Cli, query
from test_reports import seeded  # noqa: F401  (the fixture)

FORM_ORDER = [
    "投诉编号",
    "投诉时间",
    "投诉方式",
    "客户姓名",
    "联系方式",
    "地点",
    "投诉主题",
    "投诉内容",
    "客户诉求",
    "受理人",
    "投诉类别",
    "投诉性质",
    "严重程度",
    "优先级",
    "责任部门",
    "处理责任人",
    "原因分析",
    "处理结果",
    "纠正及预防措施",
    "赔偿金额",
    "赔偿方式",
    "反馈时间",
    "回访时间",
    "回访人",
    "满意度",
    "状态",
]


@pytest.fixture
def workbook(cli: Cli, seeded: dict[str, str], tmp_path: Path) -> Path:  # noqa: F811
    path = tmp_path / "october.xlsx"
    cli.ok("export", "--month", "2026-10", "-o", str(path))
    return path


def test_four_sheets_in_order(workbook: Path) -> None:
    book = load_workbook(workbook)
    assert book.sheetnames == ["投诉登记表", "处理记录", "统计汇总", "超期清单"]


def test_register_sheet_has_the_form_columns_rows_and_real_dates(workbook: Path, seeded: dict[str, str]) -> None:  # noqa: F811
    sheet = load_workbook(workbook)["投诉登记表"]
    headers = [c.value for c in sheet[1]]
    assert headers[: len(FORM_ORDER)] == FORM_ORDER
    # the built-in fields, the fields the rules declare (the built-in rules declare four), the misses
    assert headers == [c.header for c in REGISTER_COLUMNS[:-1]] + ["住址", "来源", "涉及人员", "原因类别", "超期节点"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == [seeded[k] for k in ("n1", "n2", "n3", "n4", "n5")]
    received = sheet.cell(row=2, column=2)
    assert received.is_date and received.value == datetime(2026, 10, 8, 9, 0)
    assert sheet.freeze_panes == "B2"
    assert sheet.auto_filter.ref == f"A1:{sheet.cell(row=1, column=len(headers)).column_letter}6"
    assert sheet.cell(row=1, column=1).font.b
    assert sheet.cell(row=2, column=headers.index("投诉内容") + 1).alignment.wrap_text
    values = dict(zip(headers, rows[0]))
    assert values["投诉方式"] == "电话" and values["投诉类别"] == "产品质量" and values["赔偿金额"] == 200


def test_contacts_are_masked_by_default(workbook: Path) -> None:
    sheet = load_workbook(workbook)["投诉登记表"]
    contacts = [r[4] for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert contacts[0] == "139****0011" and contacts[1] == "n***@example.com"
    text = " ".join(str(v) for row in load_workbook(workbook)["处理记录"].iter_rows(values_only=True) for v in row)
    assert "13900000011" not in text and "n2@example.com" not in text


def test_late_milestones_are_highlighted(workbook: Path, seeded: dict[str, str]) -> None:  # noqa: F811
    sheet = load_workbook(workbook)["投诉登记表"]
    headers = [c.value for c in sheet[1]]
    n2 = 3  # the second complaint's row
    first_response = sheet.cell(row=n2, column=headers.index("初次响应时间") + 1)
    assert first_response.fill.fgColor.rgb.endswith("F8CBAD")
    assert sheet.cell(row=n2, column=headers.index("超期节点") + 1).value == "初次响应、解决、结果反馈"
    assert not sheet.cell(row=2, column=headers.index("初次响应时间") + 1).fill.fgColor.rgb.endswith("F8CBAD")


def test_summary_has_figures_and_at_least_three_native_charts(workbook: Path) -> None:
    with zipfile.ZipFile(workbook) as archive:
        charts = [n for n in archive.namelist() if n.startswith("xl/charts/chart")]
    assert len(charts) >= 3
    cells = [v for row in load_workbook(workbook)["统计汇总"].iter_rows(values_only=True) for v in row if v is not None]
    assert "客户投诉案件统计表 2026-10 (2026-10-01 ~ 2026-10-31)" in cells
    # the same label as `report`: every entry of the seeded month was typed in on 11-23
    assert "2026-10: revised 2026-11-23 by 23 late entries" in cells
    assert "初次响应按时率" in cells and 0.5 in cells  # a number, formatted 0.0% (tests/test_workbook_print.py)


def test_handling_and_breach_sheets(workbook: Path, seeded: dict[str, str]) -> None:  # noqa: F811
    book = load_workbook(workbook)
    handling = list(book["处理记录"].iter_rows(min_row=2, values_only=True))
    assert {r[0] for r in handling} == {seeded[k] for k in ("n1", "n2", "n3", "n4", "n5")}
    assert ("沟通" in {r[2] for r in handling}) and ("处理" in {r[2] for r in handling})
    breaches = list(book["超期清单"].iter_rows(min_row=2, values_only=True))
    assert len(breaches) == 6  # N2's outcome report was missed twice: before its reopening and at its close
    assert {(r[0], r[2], r[3]) for r in breaches} == {
        ("物流部", seeded["n2"], "初次响应"),
        ("物流部", seeded["n2"], "解决"),
        ("物流部", seeded["n2"], "结果反馈"),
        ("售后服务部", seeded["n3"], "解决"),
        ("客服部", seeded["n5"], "初次响应"),
    }


def test_unmasked_export_shows_contacts_and_is_recorded(cli: Cli, seeded: dict[str, str], tmp_path: Path, db_url: str) -> None:  # noqa: F811
    path = tmp_path / "full.xlsx"
    cli.ok("export", "--month", "2026-10", "-o", str(path), "--unmasked", "--as", "经理")
    sheet = load_workbook(path)["投诉登记表"]
    assert sheet.cell(row=2, column=5).value == "13900000011"
    events = query(db_url, "SELECT actor, action, changes FROM history_entry WHERE complaint_id IS NULL")
    assert len(events) == 1 and events[0][0] == "经理" and events[0][1] == "export_unmasked"
    assert '"period": "2026-10"' in events[0][2]


def test_masked_export_writes_nothing(cli: Cli, seeded: dict[str, str], tmp_path: Path, db_url: str) -> None:  # noqa: F811
    from conftest import snapshot

    # Nothing of the register's contents; the figures of ended months may be kept (stored_figures).
    before = snapshot(db_url, without=("stored_figures",))
    cli.ok("export", "--month", "2026-10", "-o", str(tmp_path / "x.xlsx"))
    assert snapshot(db_url, without=("stored_figures",)) == before


def test_default_file_name_in_the_current_directory(cli: Cli, seeded: dict[str, str], tmp_path: Path, monkeypatch) -> None:  # noqa: F811
    monkeypatch.chdir(tmp_path)
    cli.ok("export", "--month", "2026-10")
    assert (tmp_path / "客户投诉汇总_2026-10.xlsx").exists()
    assert not list(tmp_path.glob(".*partial"))


def test_csv_is_utf8_with_bom(cli: Cli, seeded: dict[str, str], tmp_path: Path) -> None:  # noqa: F811
    path = tmp_path / "october.csv"
    cli.ok("export", "--month", "2026-10", "--format", "csv", "-o", str(path))
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0][: len(FORM_ORDER)] == FORM_ORDER and len(rows) == 6
    assert rows[1][1] == "2026-10-08 09:00" and rows[1][4] == "139****0011"


def test_an_empty_period_exports_an_empty_register(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "empty.xlsx"
    cli.ok("export", "--month", "2025-01", "-o", str(path))
    assert load_workbook(path)["投诉登记表"].max_row == 1


def test_unwritable_output_is_one_line(cli: Cli, tmp_path: Path) -> None:
    result = cli("export", "--month", "2026-10", "-o", str(tmp_path / "missing" / "x.xlsx"))
    assert result.exit_code == 2 and result.stderr.count("\n") == 1 and "does not exist" in result.stderr


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_pdf(document: Path, tmp_path: Path, *, needs: tuple[str, ...] = ()) -> Path:
    """`document` rendered to PDF by LibreOffice, as a manager's office suite opens it;
    skipped here without LibreOffice (or the `needs` commands), failed in CI."""
    soffice = _soffice()
    if soffice is None or any(shutil.which(tool) is None for tool in needs):
        if os.environ.get("CI") == "true":
            pytest.fail("LibreOffice or poppler-utils is not installed; .ci/run installs them")
        pytest.skip("LibreOffice or poppler-utils is not installed here")
    out = tmp_path / "pdf"
    result = subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--convert-to", "pdf"]
        + ["--outdir", str(out), str(document)],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    return out / (document.stem + ".pdf")


@pytest.mark.slow
def test_libreoffice_opens_the_workbook(workbook: Path, tmp_path: Path) -> None:
    pdf = to_pdf(workbook, tmp_path)
    assert pdf.exists() and pdf.stat().st_size > 5000


def test_the_workbook_speaks_the_office_language(
    cli: Cli,
    seeded: dict[str, str],  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Issue 15 §1: the workbook's words come from the catalogs, as the screens' do."""
    import re

    from complaintctl import i18n

    path = tmp_path / "october-en.xlsx"
    monkeypatch.setenv("COMPLAINTCTL_LANG", "en")
    i18n.reset()
    try:
        cli.ok("export", "--month", "2026-10", "-o", str(path))
    finally:
        monkeypatch.setenv("COMPLAINTCTL_LANG", "C")
        i18n.reset()
    book = load_workbook(path)
    assert book.sheetnames == ["Register", "Handling log", "Summary", "Late milestones"]
    # Office-declared words stay as the office wrote them: its fields, categories, departments.
    declared = {"住址", "来源", "涉及人员", "原因类别", "产品质量", "售后服务", "服务态度", "物流交付", "系统操作"}
    declared |= {"价格收费", "环境设施", "其他", "售后服务部", "物流部", "质量管理部", "客服部", "财务部", "行政部", "技术部"}
    for name in ("Register", "Handling log", "Late milestones"):
        header = [c.value for c in next(book[name].iter_rows(max_row=1))]
        assert not [h for h in header if re.search(r"[\u4e00-\u9fff]", str(h)) and h not in declared], (name, header)
    summary = [str(c.value) for row in book["Summary"].iter_rows(max_col=1) for c in row if c.value]
    assert "A Very satisfied" in summary or any(t.startswith("A ") and t.isascii() for t in summary)
    typed = {str(c.value) for row in book["Register"].iter_rows(min_row=2) for c in row if c.value}  # subjects ...
    chinese = [t for t in summary if re.search(r"[\u4e00-\u9fff]", t) and t not in declared | typed]
    assert not chinese, chinese
