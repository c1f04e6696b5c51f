"""Roll-ups from store to 营运部 to 客服中心, and the reporting calendar (issue 17 §6,
seed 002 统计分析制度)."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from complaintctl import rules as office_rules
from complaintctl.ruleset import Unit
from conftest import Cli

ORG = """
[office]
name = "华联商厦"

[units.centre]
label = "客服中心"
[units.east]
label = "营运一部"
parent = "centre"
[units.west]
label = "营运二部"
parent = "centre"
[units.s1]
label = "朝阳店"
parent = "east"
[units.s2]
label = "海淀店"
parent = "east"
[units.s3]
label = "西单店"
parent = "west"

[departments."售后服务部"]
unit = "s1"
[departments."物流部"]
unit = "s2"
[departments."客服部"]
unit = "s3"
"""

CASES = (  # received, department, resolved, contact
    ("2026-10-08 09:00", "售后服务部", "2026-10-09 10:00", "13900000001"),
    ("2026-10-09 09:00", "售后服务部", None, "13900000002"),
    ("2026-10-12 09:00", "物流部", "2026-10-30 10:00", "13900000003"),  # resolved late
    ("2026-10-13 09:00", "客服部", "2026-10-14 10:00", "13900000004"),
    ("2026-10-14 09:00", "客服部", None, "13900000005"),
    ("2026-10-15 09:00", "客服部", "2026-10-15 15:00", "13900000006"),
)


@pytest.fixture
def office(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Cli:
    rules = tmp_path / "org.toml"
    rules.write_text(ORG, encoding="utf-8")
    monkeypatch.setenv("COMPLAINTCTL_RULES", str(rules))
    for received, department, resolved, contact in CASES:
        no = cli.log(received=received, contact=contact)
        cli.ok("assign", no, "--department", department, "--at", received[:11] + "10:00")
        if resolved:
            cli.ok("resolve", no, "--solution", "已处理", "--at", resolved)
    return cli


FIGURES = ("received", "resolved", "closed", "open_at_end")


def _report(cli: Cli, unit: str) -> dict:  # type: ignore[type-arg]
    return cli.json("report", "--month", "2026-10", "--unit", unit, "--format", "json")  # type: ignore[no-any-return]


def test_the_centre_is_the_sum_of_its_stores(office: Cli) -> None:
    centre = _report(office, "centre")
    stores = [_report(office, key) for key in ("s1", "s2", "s3")]
    for figure in FIGURES:
        assert centre["totals"][figure] == sum(s["totals"][figure] for s in stores), figure
    assert centre["totals"]["received"] == 6 and [s["totals"]["received"] for s in stores] == [2, 1, 3]
    assert centre["breaches"]["total"] == sum(s["breaches"]["total"] for s in stores)
    # one row per child unit, each its subtree: 营运一部 = 朝阳店 + 海淀店
    assert [(u["label"], u["received"], u["resolved"]) for u in centre["units"]] == [("营运一部", 3, 2), ("营运二部", 3, 2)]
    east = _report(office, "营运一部")  # by label too
    assert [(u["label"], u["received"]) for u in east["units"]] == [("朝阳店", 2), ("海淀店", 1)]
    assert east["scope"]["unit"] == "east"
    table = office.ok("report", "--month", "2026-10", "--unit", "centre").output
    assert "按单位" in table and "营运一部" in table and "[客服中心]" in table.splitlines()[0]


def test_a_case_without_a_unit_of_its_own_counts_in_its_departments(office: Cli, db_url: str) -> None:
    from conftest import change

    change(db_url, "UPDATE complaint SET unit = NULL")  # as a register from before units were kept
    assert _report(office, "east")["totals"]["received"] == 3
    assert _report(office, "s3")["totals"]["received"] == 3


def test_the_unit_is_the_departments_when_the_case_is_assigned(office: Cli, db_url: str) -> None:
    from conftest import query

    assert sorted(r[0] for r in query(db_url, "SELECT unit FROM complaint")) == ["s1", "s1", "s2", "s3", "s3", "s3"]


def test_export_of_a_unit_holds_its_stores_cases_only(office: Cli, tmp_path: Path) -> None:
    path = tmp_path / "east.xlsx"
    office.ok("export", "--month", "2026-10", "--unit", "east", "-o", str(path))
    book = load_workbook(path)
    sheet = book["投诉登记表"]
    headers = [c.value for c in sheet[1]]
    units = [r[headers.index("所属单位")] for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert units == ["朝阳店", "朝阳店", "海淀店"]
    assert sheet.oddHeader.right.text == "2026-10 (2026-10-01 ~ 2026-10-31) · 营运一部"
    assert sheet.oddHeader.left.text == "华联商厦"
    handled = {r[0] for r in book["处理记录"].iter_rows(min_row=2, values_only=True)}
    assert len(handled) == 3


def test_an_unknown_unit_is_one_line(office: Cli) -> None:
    result = office("report", "--month", "2026-10", "--unit", "东城店")
    assert result.exit_code != 0
    assert "--unit: '东城店' is not a unit; the units are centre (客服中心)" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_overdue_reminds_each_level_until_its_report_is_submitted(office: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMPLAINTCTL_NOW", "2026-11-04T09:00+08:00")
    out = office.ok("overdue").output
    assert "报表: 朝阳店 2026-10 月报 应于 11-03 前报送 (1 天前到期)" in out
    assert "报表: 营运一部 2026-10 月报 应于 11-05 前报送 (还有 1 天)" in out
    assert "报表: 客服中心 2026-10 月报 应于 11-10 前报送 (还有 6 天)" in out
    office.ok("report", "submit", "--unit", "朝阳店", "--month", "2026-10")
    again = office.ok("report", "submit", "--unit", "s1", "--month", "2026-10")
    assert "already recorded as sent" in again.output
    out = office.ok("overdue").output
    assert "朝阳店 2026-10 月报" not in out and "海淀店 2026-10 月报" in out


def test_the_stores_quarterly_analysis_is_due_before_the_3rd(office: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMPLAINTCTL_NOW", "2026-10-02T09:00+08:00")
    out = office.ok("overdue").output
    assert "报表: 朝阳店 2026Q3 季度分析 应于 10-03 前报送 (还有 1 天)" in out
    assert "营运一部 2026Q3 季度分析" not in out  # the stores write it
    office.ok("report", "submit", "--unit", "s1", "--quarter", "2026Q3")
    assert "朝阳店 2026Q3 季度分析" not in office.ok("overdue").output


def test_report_reminders_are_pure_dates_in_and_what_is_owed_out() -> None:
    from datetime import date

    units = [Unit("c", "中心", "", "centre"), Unit("s", "店", "c", "store")]
    owed = office_rules.report_reminders(units, {"store": 3, "centre": 10}, 3, date(2027, 1, 5), {("c", "monthly", "2026-12")})
    assert [(r.unit, r.kind, r.period, r.due) for r in owed] == [
        ("s", "analysis", "2026Q4", date(2027, 1, 3)),
        ("s", "monthly", "2026-12", date(2027, 1, 3)),
    ]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ('[units.a]\nparent = "b"\n[units.b]\nparent = "a"\n', "units.a.parent: the units' parents go round in a circle"),
        ('[units.a]\nlevel = "shop"\n', "units.a.level: 'shop' is not a level; use store, region, centre"),
        ('[org]\nreport_due = { store = "35th" }\n', "org.report_due.store: '35th' for 'store'"),
    ],
)
def test_rules_check_names_the_unit_problem(cli: Cli, tmp_path: Path, extra: str, message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(extra, encoding="utf-8")
    result = cli("rules", "check", str(path))
    assert result.exit_code != 0 and message in result.output
