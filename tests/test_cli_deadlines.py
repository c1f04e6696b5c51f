"""The rule engine through the real CLI: decisions with reasons, deadlines that move
with the case, and the cron check (issue 3, acceptance 2)."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from complaintctl import db
from conftest import Cli

ROOT = Path(__file__).resolve().parent


def test_media_and_regulator_words_come_out_serious_with_high_priority_and_reasons(cli: Cli) -> None:
    no = cli.log("--content", "冰箱坏了，再不解决就找记者曝光，已经打了12315")
    record = cli.json("show", no)
    assert record["severity"] in ("major", "critical")
    assert record["priority"] == "high"
    terms = " ".join(record["why"]["severity"]["terms"])
    assert "记者" in terms and "12315" in terms
    assert record["why"]["priority"]["terms"]
    assert record["category"] == "quality" and "不制冷" in " ".join(record["why"]["category"]["terms"])
    out = cli.ok("show", no).stdout
    assert "判定依据" in out and "媒体曝光" in out and "12315" in out


def test_manual_choice_wins_is_recorded_and_survives_reapplying(cli: Cli) -> None:
    no = cli.log("--content", "要找记者曝光")
    assert cli.json("show", no)["severity"] == "major"
    cli.ok("classify", no, "--severity", "一般", "--reason", "客户已撤回曝光要求", "--as", "主管")
    record = cli.json("show", no)
    assert record["severity"] == "general"
    assert record["why"]["severity"]["source"] == "manual"
    entry = record["history"][-1]
    assert entry["action"] == "classified" and entry["actor"] == "主管"
    assert entry["reason"] == "客户已撤回曝光要求" and entry["changes"]["severity"] == ["major", "general"]
    assert record["due"]["resolution"] == "2026-11-09T23:59:59+08:00"  # back to the general 5 working days

    result = cli.ok("classify", no)  # no options: re-apply the rules, print every term
    assert "人工" in result.stdout and "记者" in result.stdout
    assert cli.json("show", no)["severity"] == "general"

    cli.ok("classify", no, "--reset")
    assert cli.json("show", no)["severity"] == "major"


def test_given_category_is_kept_and_routes_the_assignment(cli: Cli) -> None:
    no = cli.log("--category", "物流交付")
    record = cli.json("show", no)
    assert record["category"] == "delivery" and record["why"]["category"]["source"] == "manual"
    cli.ok("assign", no)
    assert cli.json("show", no)["department"] == "物流部"


def test_severity_change_recomputes_the_resolution_deadline(cli: Cli) -> None:
    no = cli.log()  # 2026-11-02 09:15, general: 5 working days
    assert cli.json("show", no)["due"] == {
        "first_response": "2026-11-03T23:59:59+08:00",
        "resolution": "2026-11-09T23:59:59+08:00",
    }
    cli.ok("classify", no, "--severity", "major")
    record = cli.json("show", no)
    assert record["due"]["resolution"] == "2026-11-16T23:59:59+08:00"
    assert record["history"][-1]["changes"]["due.resolution"][1] == "2026-11-16T23:59:59+08:00"


def test_reopen_restarts_the_resolution_deadline(cli: Cli) -> None:
    no = cli.log()
    cli.ok("resolve", no, "--solution", "维修", "--at", "2026-11-03 10:00")
    record = cli.json("show", no)
    assert record["milestones"]["resolution"] == "met"
    assert record["due"]["followup"] == "2026-11-05T23:59:59+08:00"
    cli.ok("followup", no, "--satisfaction", "D", "--at", "2026-11-04 10:00")
    record = cli.json("show", no)
    assert record["due"]["resolution"] == "2026-11-11T23:59:59+08:00"  # 5 working days from the reopening
    assert record["milestones"]["followup"] == "met"  # the visit that found the customer unhappy


def test_extend_moves_the_target_and_recompute_keeps_it(cli: Cli, tmp_path: Path) -> None:
    no = cli.log()
    cli.ok("extend", no, "--to", "2026-11-30 18:00", "--reason", "等厂家检测", "--at", "2026-11-05 10:00")
    rules = tmp_path / "rules.toml"
    rules.write_text('[deadlines.resolution]\ngeneral = "7wd"\nmajor = "10wd"\ncritical = "15wd"\n', encoding="utf-8")
    cli.ok("recompute", "--rules", str(rules))
    assert cli.json("show", no)["due"]["resolution"] == "2026-11-30T18:00:00+08:00"


def test_recompute_rederives_open_deadlines_and_records_each_change(cli: Cli, tmp_path: Path) -> None:
    no = cli.log()
    closed = cli.log()
    cli.ok("close", closed, "--reason", "重复")
    rules = tmp_path / "rules.toml"
    rules.write_text('[deadlines.resolution]\ngeneral = "7wd"\nmajor = "10wd"\ncritical = "15wd"\n', encoding="utf-8")
    changed = cli.json("recompute", "--rules", str(rules))
    assert changed == [{"no": no, "changes": {"due.resolution": ["2026-11-09T23:59:59+08:00", "2026-11-11T23:59:59+08:00"]}}]
    record = cli.json("show", no)
    assert record["history"][-1]["action"] == "recomputed"
    assert cli.json("recompute", "--rules", str(rules)) == []


def test_waiting_on_the_customer_moves_the_deadline_by_working_time(cli: Cli) -> None:
    no = cli.log()  # resolution due 2026-11-09
    cli.ok("wait", no, "--reason", "等客户提供发票", "--at", "2026-11-03 00:00")
    assert cli.json("show", no)["milestones"]["resolution"] == "paused"
    refused = cli("resolve", no, "--solution", "x")
    assert refused.exit_code == 1 and "resume" in refused.stderr
    cli.ok("resume", no, "--at", "2026-11-05 00:00")
    record = cli.json("show", no)
    assert record["due"]["resolution"] == "2026-11-11T23:59:59+08:00"
    assert record["waiting_since"] is None
    assert [h["action"] for h in record["history"]][-2:] == ["waiting", "resumed"]


def test_waiting_over_a_weekend_costs_nothing(cli: Cli) -> None:
    no = cli.log()
    cli.ok("wait", no, "--reason", "等客户回电", "--at", "2026-11-07 00:00")
    cli.ok("resume", no, "--at", "2026-11-09 00:00")
    assert cli.json("show", no)["due"]["resolution"] == "2026-11-09T23:59:59+08:00"


def test_provisional_deadline_in_a_year_the_calendar_does_not_know(cli: Cli, tmp_path: Path) -> None:
    rules = tmp_path / "rules.toml"
    rules.write_text('[deadlines.resolution]\ngeneral = "30wd"\nmajor = "30wd"\ncritical = "30wd"\n', encoding="utf-8")
    no = cli.log("--rules", str(rules), received="2026-11-20 10:00")
    record = cli.json("show", no, "--rules", str(rules))
    assert record["due"]["resolution"].startswith("2027-01-")
    assert record["provisional"] == ["resolution"]
    assert "暂定" in cli.ok("show", no, "--rules", str(rules)).stdout
    items = cli.json("overdue", "--at", "2027-02-01 09:00", "--rules", str(rules))
    assert [(i["milestone"], i["provisional"]) for i in items if i["milestone"] == "resolution"] == [("resolution", True)]
    assert "暂定" in cli.ok("overdue", "--at", "2027-02-01 09:00", "--rules", str(rules)).stdout


# ---------------------------------------------------------------- the cron check


@pytest.fixture
def seeded(cli: Cli) -> dict[str, str]:
    """A: never answered. B: answered, resolution due 11-09. C: resolution due 11-12.
    D: closed. E: waiting on the customer."""
    a = cli.log(contact="13900000001", received="2026-11-02 09:00")
    b = cli.log(contact="13900000002", received="2026-11-02 10:00")
    cli.ok("assign", b, "--department", "售后服务部", "--to", "王五", "--at", "2026-11-02 10:30")
    cli.ok("contact", b, "--via", "phone", "--summary", "已受理", "--at", "2026-11-02 11:00")
    c = cli.log(contact="13900000003", received="2026-11-05 09:00")
    cli.ok("contact", c, "--via", "phone", "--summary", "已受理", "--at", "2026-11-05 10:00")
    d = cli.log(contact="13900000004", received="2026-11-02 09:30")
    cli.ok("close", d, "--reason", "撤诉", "--at", "2026-11-02 12:00")
    e = cli.log(contact="13900000005", received="2026-11-02 09:45")
    cli.ok("contact", e, "--via", "phone", "--summary", "已受理", "--at", "2026-11-02 11:00")
    cli.ok("wait", e, "--reason", "等客户寄回商品", "--at", "2026-11-03 09:00")
    return {"a": a, "b": b, "c": c, "d": d, "e": e}


def listed(items: list[dict]) -> set[tuple[str, str, str]]:
    return {(i["no"], i["milestone"], i["state"]) for i in items}


def breaches(cli: Cli, no: str) -> int:
    return sum(1 for h in cli.json("show", no)["history"] if h["action"] == "breached")


def test_overdue_lists_exactly_the_late_and_due_soon_cases(cli: Cli, seeded: dict[str, str]) -> None:
    a, b, c = seeded["a"], seeded["b"], seeded["c"]
    items = cli.json("overdue", "--at", "2026-11-10 09:00")
    assert listed(items) == {(a, "first_response", "overdue"), (a, "resolution", "overdue"), (b, "resolution", "overdue")}
    late = {(i["no"], i["milestone"]): i for i in items}
    assert late[(a, "first_response")]["late_working_days"] == 5  # due 11-03; 04, 05, 06, 09, 10
    assert late[(b, "resolution")]["department"] == "售后服务部" and late[(b, "resolution")]["assignee"] == "王五"

    items = cli.json("overdue", "--at", "2026-11-10 09:00", "--within", "2wd")
    assert (c, "resolution", "due_soon") in listed(items)
    items = cli.json("overdue", "--at", "2026-11-11 09:00")
    assert (c, "resolution", "due_soon") in listed(items)


def test_overdue_prints_by_department_worst_first(cli: Cli, seeded: dict[str, str]) -> None:
    out = cli.ok("overdue", "--at", "2026-11-10 09:00").stdout
    assert "售后服务部 — 1 件投诉: 1 项已超期" in out and "未分派 — " in out
    assert "3 项已超期" in out.splitlines()[0] and out.splitlines()[-2].startswith("合计")
    lines = out.splitlines()
    a_at = [i for i, line in enumerate(lines) if seeded["a"] in line]
    assert len(a_at) == 1  # one entry per case, however many milestones are late
    late = lines[a_at[0] + 1]
    assert late.index("初次响应") < late.index("解决")  # the earlier deadline first


def test_overdue_records_each_breach_once(cli: Cli, seeded: dict[str, str]) -> None:
    cli.ok("overdue", "--at", "2026-11-10 09:00")
    assert breaches(cli, seeded["a"]) == 2 and breaches(cli, seeded["b"]) == 1
    cli.ok("overdue", "--at", "2026-11-10 09:00")
    cli.ok("overdue", "--at", "2026-11-11 09:00")
    assert breaches(cli, seeded["a"]) == 2 and breaches(cli, seeded["b"]) == 1
    assert breaches(cli, seeded["c"]) == 0
    entry = [h for h in cli.json("show", seeded["b"])["history"] if h["action"] == "breached"][0]
    assert entry["changes"]["milestone"] == [None, "resolution"]
    assert entry["changes"]["department"] == [None, "售后服务部"]


def test_a_milestone_met_late_is_a_breach_too(cli: Cli) -> None:
    no = cli.log(received="2026-11-02 09:00")
    cli.ok("contact", no, "--via", "phone", "--summary", "迟到的回电", "--at", "2026-11-05 10:00")
    record = cli.json("show", no)
    assert record["milestones"]["first_response"] == "met_late"
    assert breaches(cli, no) == 1


def test_overdue_is_silent_when_nothing_is_due(cli: Cli, seeded: dict[str, str]) -> None:
    result = cli.ok("overdue", "--at", "2026-11-02 12:00", "--within", "1h")
    assert result.stdout == "" and result.stderr == ""
    assert cli.json("overdue", "--at", "2026-11-02 12:00", "--within", "1h") == []


def test_overdue_on_an_empty_register_is_silent(cli: Cli) -> None:
    assert cli.ok("overdue").stdout == ""


def test_overdue_fail_exits_3_for_monitors(cli: Cli, seeded: dict[str, str]) -> None:
    assert cli("overdue", "--at", "2026-11-10 09:00", "--fail").exit_code == 3
    assert cli("overdue", "--at", "2026-11-02 12:00", "--within", "1h", "--fail").exit_code == 0


def test_overdue_skip_holidays_is_silent_on_a_day_off(cli: Cli, seeded: dict[str, str]) -> None:
    assert cli.ok("overdue", "--at", "2026-11-14 09:00", "--skip-holidays").stdout == ""  # a Saturday
    assert cli.ok("overdue", "--at", "2026-11-13 09:00", "--skip-holidays").stdout != ""


def test_overdue_in_the_future_is_a_preview_and_records_nothing(cli: Cli, seeded: dict[str, str]) -> None:
    cli.ok("overdue", "--at", "2030-01-01 09:00")
    assert breaches(cli, seeded["c"]) == 0


def test_list_overdue_and_due_within(cli: Cli, seeded: dict[str, str]) -> None:
    late = {r["no"] for r in cli.json("list", "--overdue")}
    assert late == {seeded["a"], seeded["b"], seeded["c"]}  # it is later than 2026-11-12 now
    e = cli.json("show", seeded["e"])
    assert e["milestones"]["resolution"] == "paused"
    assert {r["no"] for r in cli.json("list", "--due-within", "1wd")} == late
    assert cli.json("list", "--overdue")[0]["milestones"]
    assert "!" in cli.ok("list", "--overdue").stdout


def test_bad_durations_are_one_line(cli: Cli) -> None:
    for args in (["overdue", "--within", "2weeks"], ["list", "--due-within", "x"]):
        result = cli(*args)
        assert result.exit_code == 2 and result.stderr.count("\n") == 1 and "1wd" in result.stderr


# ---------------------------------------------------------------- schema upgrade


def test_a_register_from_the_first_schema_upgrades_with_every_row_intact(cli: Cli, tmp_path: Path) -> None:
    old = tmp_path / "old.db"
    shutil.copy(ROOT / "fixtures" / "register-0001.db", old)
    with sqlite3.connect(old) as conn:
        complaints = conn.execute("SELECT no, customer_name, status, content FROM complaint ORDER BY id").fetchall()
        history = conn.execute("SELECT id, complaint_id, at, actor, action, changes FROM history_entry ORDER BY id").fetchall()
        contacts = conn.execute("SELECT * FROM contact_entry ORDER BY id").fetchall()
    listed_nos = [r["no"] for r in cli.json("list", "--db", str(old))]
    assert sorted(listed_nos) == [c[0] for c in complaints]
    with sqlite3.connect(old) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == db.SCHEMA_VERSION
        assert conn.execute("SELECT no, customer_name, status, content FROM complaint ORDER BY id").fetchall() == complaints
        upgraded = conn.execute("SELECT id, complaint_id, at, actor, action, changes FROM history_entry ORDER BY id").fetchall()
        # What the history says is kept; migration 0016 chained it again and said so in one entry more.
        assert upgraded[: len(history)] == history
        assert [row[4] for row in upgraded[len(history) :]] == ["chain_resealed"]
        assert conn.execute("SELECT * FROM contact_entry ORDER BY id").fetchall() == contacts
    backups = list(tmp_path.glob("old.db.schema-0001.*.bak"))
    assert len(backups) == 1
    assert cli.ok("verify", "--db", str(old)).stdout.startswith("intact:")
    # and the upgraded register works: the old extension is still the target
    record = cli.json("show", "TS-2026-0001", "--db", str(old))
    assert record["due"]["resolution"] == "2026-10-20T18:00:00+08:00"
    cli.ok("resolve", "TS-2026-0001", "--solution", "换新", "--db", str(old))


def test_a_customers_second_complaint_within_the_window_is_major(cli: Cli) -> None:
    first = cli.log(received="2026-10-01 09:00")
    second = cli.log(received="2026-10-20 09:00")
    third = cli.log(received="2026-11-21 09:00", contact="13900000009")
    assert cli.json("show", first)["severity"] == "general"
    record = cli.json("show", second)
    assert record["severity"] == "major"
    assert any("repeat: 2 complaints from this customer" in t for t in record["why"]["severity"]["terms"])
    assert cli.json("show", third)["severity"] == "general"


def test_a_department_drawing_many_complaints_raises_one_alert_not_the_severity(cli: Cli) -> None:
    cli.ok("department", "add", "门店A")
    numbers = [cli.log(contact=f"1390000001{i}", received=f"2026-11-0{i + 2} 09:00") for i in range(6)]
    for no in numbers:
        cli.ok("assign", no, "--department", "门店A", "--at", "2026-11-08 10:00")
    assert [cli.json("show", no)["severity"] for no in numbers] == ["general"] * 6
    alerts = [[h for h in cli.json("show", no)["history"] if h["action"] == "load_alert"] for no in numbers]
    assert [len(a) for a in alerts] == [0, 0, 0, 0, 1, 0]  # once per window, on the case that crossed the line
    assert alerts[4][0]["changes"]["alert"][1] == {"kind": "department", "subject": "门店A", "count": 5, "window": "7d"}
    shown = cli("show", numbers[4]).stdout
    assert "load_alert" in shown or "负荷预警" in shown
    report = cli.json("report", "--month", "2026-11")
    assert report["alerts"] == [
        {
            "kind": "department",
            "subject": "门店A",
            "count": 5,
            "window": "7d",
            "at": "2026-11-08T10:00:00+08:00",
            "no": numbers[4],
        }
    ]
    check = cli("overdue", "--at", "2026-11-09 08:00")
    assert "负荷预警" in check.stdout and "门店A" in check.stdout
