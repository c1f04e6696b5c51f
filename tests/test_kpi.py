"""The figures of docs/kpi.md, each on a small register worked out by hand (issue 11).

Every step is typed "live": the clock is set to the moment the step happens, as it would be
at the desk, so nothing counts as a late entry unless a test means it to.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import Cli


class Desk:
    """The CLI with the clock set to each step's time."""

    def __init__(self, cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
        self.cli, self.monkeypatch = cli, monkeypatch

    def at(self, when: str, *args: str) -> str:
        self.monkeypatch.setenv("COMPLAINTCTL_NOW", when.replace(" ", "T") + "+08:00")
        return self.cli.ok(*args).stdout.strip()

    def log(self, when: str, contact: str, content: str = "冰箱不制冷", *extra: str) -> str:
        return self.at(
            when,
            "log",
            "--customer",
            f"客户{contact[-2:]}",
            "--contact",
            contact,
            "--channel",
            "phone",
            "--content",
            content,
            "--category",
            "quality",
            *extra,
        )

    def report(self, when: str, *args: str) -> dict:
        self.monkeypatch.setenv("COMPLAINTCTL_NOW", when.replace(" ", "T") + "+08:00")
        return json.loads(self.cli.ok("report", *args, "--json").stdout)


@pytest.fixture
def desk(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> Desk:
    return Desk(cli, monkeypatch)


def resolved_and_visited(desk: Desk, no: str, resolved: str, visited: str, rating: str) -> None:
    desk.at(resolved, "assign", no, "--department", "售后服务部")
    desk.at(resolved, "contact", no, "--via", "phone", "--summary", "已受理")
    desk.at(resolved, "resolve", no, "--solution", "维修")
    desk.at(resolved, "contact", no, "--via", "phone", "--summary", "告知结果")
    desk.at(visited, "followup", no, "--satisfaction", rating)


def test_a_reopening_after_the_period_leaves_the_period_alone(desk: Desk) -> None:
    no = desk.log("2026-10-12 09:00", "13900000001")
    resolved_and_visited(desk, no, "2026-10-13 10:00", "2026-10-14 10:00", "D")  # reopened in October
    desk.at("2026-10-15 10:00", "resolve", no, "--solution", "换新")
    october = desk.report("2026-11-02 09:00", "--month", "2026-10")
    assert october["totals"]["resolved"] == 2
    assert october["indicators"]["resolution_on_time"]["all"] == {"on_time": 2, "late": 0, "rate": 1.0}
    assert october["revised"] is None and october["complete"] is True
    desk.at("2026-11-03 10:00", "followup", no, "--satisfaction", "D")  # escalated in November
    desk.at("2026-11-04 10:00", "resolve", no, "--final", "--solution", "退款")
    later = desk.report("2026-11-05 09:00", "--month", "2026-10")
    for key in ("totals", "indicators", "breaches"):
        assert later[key] == october[key]
    november = desk.report("2026-11-05 09:00", "--month", "2026-11")
    assert november["totals"]["resolved"] == 1 and november["indicators"]["reopen"]["reopened"] == 1
    assert november["complete"] is False and november["as_of"] == "2026-11-05T09:00:00+08:00"


def test_d_then_a_counts_both_visits(desk: Desk) -> None:
    no = desk.log("2026-10-12 09:00", "13900000001")
    resolved_and_visited(desk, no, "2026-10-13 10:00", "2026-10-14 10:00", "D")
    desk.at("2026-10-15 10:00", "resolve", no, "--solution", "换新")
    desk.at("2026-10-16 10:00", "contact", no, "--via", "phone", "--summary", "告知结果")
    desk.at("2026-10-19 10:00", "followup", no, "--satisfaction", "A")
    ind = desk.report("2026-11-02 09:00", "--month", "2026-10")["indicators"]
    assert ind["satisfaction"] == {"A": 0, "B": 0, "C": 0, "D": 1}
    assert ind["satisfaction_final"] == {"A": 1, "B": 0, "C": 0, "D": 0}
    assert ind["resolution_success"] == {"satisfied": 0, "first_visits": 1, "rate": 0.0}
    assert ind["reopen"] == {"reopened": 1, "visits": 2, "rate": 0.5}
    # first resolution 10-13, a working day after receipt: the second resolution does not move it
    assert ind["handling_working_days"] == {"resolved": 1, "median": 1.0, "p90": 1.0}


def test_a_late_entry_marks_the_period_revised(desk: Desk) -> None:
    desk.log("2026-10-12 09:00", "13900000001")
    assert desk.report("2026-11-02 09:00", "--month", "2026-10")["revised"] is None
    # a phone call of 10-30, written up on 11-04
    desk.at(
        "2026-11-04 10:00",
        "log",
        "--customer",
        "李四",
        "--contact",
        "13900000002",
        "--channel",
        "phone",
        "--content",
        "发票开错",
        "--received",
        "2026-10-30 16:00",
    )
    october = desk.report("2026-11-05 09:00", "--month", "2026-10")
    assert october["revised"] == {"late_entries": 1, "last_recorded_at": "2026-11-04T10:00:00+08:00"}
    assert october["totals"]["received"] == 2
    table = desk.cli.ok("report", "--month", "2026-10").stdout
    assert "revised 2026-11-04 by 1 late entries" in table


def test_the_trend_and_the_kpi_table_agree(desk: Desk) -> None:
    for day, contact in (("2026-09-10", "13900000001"), ("2026-10-12", "13900000002"), ("2026-10-20", "13900000003")):
        no = desk.log(f"{day} 09:00", contact)
        resolved_and_visited(desk, no, f"{day} 15:00", f"{day} 16:00", "B")
    late = desk.log("2026-10-21 09:00", "13900000004")  # never answered: first response and resolution late
    desk.at("2026-10-21 10:00", "assign", late, "--department", "售后服务部")
    desk.monkeypatch.setenv("COMPLAINTCTL_NOW", "2026-11-10T09:00+08:00")
    trend = {row["month"]: row for row in desk.cli.json("report", "trend", "--months", "3", "--current")}
    for month in ("2026-09", "2026-10"):
        kpi = desk.report("2026-11-10 09:00", "--month", month)
        row = trend[month]
        ind = kpi["indicators"]
        assert row["received"] == kpi["totals"]["received"]
        assert row["resolution_on_time_rate"] == ind["resolution_on_time"]["all"]["rate"]
        assert row["first_response_on_time_rate"] == ind["first_response_on_time"]["rate"]
        assert row["satisfied_rate"] == ind["resolution_success"]["rate"]
        assert row["handling_median"] == ind["handling_working_days"]["median"]
        assert row["complete"] is True
    # October by hand: resolutions 2 on time, 1 late (10-21's, due 10-28) → 0.6667
    assert trend["2026-10"]["resolution_on_time_rate"] == 0.6667
    assert trend["2026-10"]["by_category"] == {"quality": 3}
    assert trend["2026-11"]["complete"] is False


def test_the_trend_ends_with_the_last_complete_month_beside_the_year_before(desk: Desk) -> None:
    """Issue 17 §7: the trend's window ends at the last complete month unless --current;
    each month beside the same month a year before, where the register reaches back."""
    desk.log("2025-10-13 09:00", "13900000001")
    desk.log("2025-10-14 09:00", "13900000002")
    desk.log("2026-10-12 09:00", "13900000003")
    desk.monkeypatch.setenv("COMPLAINTCTL_NOW", "2026-11-10T09:00+08:00")
    trend = desk.cli.json("report", "trend")
    assert [p["month"] for p in trend][::11] == ["2025-11", "2026-10"] and len(trend) == 12
    assert (trend[-1]["received"], trend[-1]["received_year_before"]) == (1, 2)
    # 2024-11 … 2025-09: before the register's first complaint, no figure (not 0)
    assert [p["received_year_before"] for p in trend[:-1]] == [None] * 11
    assert all(p["complete"] for p in trend)
    assert desk.cli.json("report", "trend", "--current")[-1]["complete"] is False
    md = desk.cli.ok("report", "trend", "--format", "md").output
    assert "| 2026-10 | 1 | 2 | " in md and "| 2025-11 | 0 | — | " in md
    csv = desk.cli.ok("report", "trend", "--format", "csv").output
    assert "2026-10,1,2," in csv
    table = desk.cli.ok("report", "trend", "--current").output
    assert "2026-11 *" in table and "* still running: as of 2026-11-10 09:00" in table


def test_year_over_year(desk: Desk) -> None:
    desk.log("2025-10-13 09:00", "13900000001")
    desk.log("2025-10-14 09:00", "13900000002")
    desk.log("2026-10-12 09:00", "13900000003")
    data = desk.report("2026-11-02 09:00", "--month", "2026-10")
    assert data["year_before"]["period"]["label"] == "2025-10"
    assert (data["totals"]["received"], data["year_before"]["totals"]["received"]) == (1, 2)
    rows = desk.cli.ok("report", "--month", "2026-10", "--format", "csv").stdout
    assert "受理,1,0,+1,2,-1" in rows


def test_the_repeat_rate_counts_the_same_customer_and_category_across_the_period_start(desk: Desk) -> None:
    desk.log("2026-09-25 09:00", "139-0000-0001")  # September: before the period
    desk.log("2026-10-12 09:00", "+86 13900000001")  # the same customer, 17 days later: a repeat
    desk.log("2026-10-13 09:00", "13900000001", "快递没到", "--category", "delivery")  # another category: not
    no = desk.log("2026-10-14 09:00", "13900000001")  # a repeat, but closed as a duplicate
    desk.at("2026-10-14 10:00", "close", no, "--reason", "重复投诉")
    repeat = desk.report("2026-11-02 09:00", "--month", "2026-10")["indicators"]["repeat_complaints"]
    assert repeat == {"repeats": 1, "received": 2, "window": "30d", "rate": 0.5}


def test_an_extension_after_the_target_needs_late_and_keeps_the_breach(desk: Desk) -> None:
    no = desk.log("2026-10-12 09:00", "13900000001")  # resolution due 10-19 end
    desk.at("2026-10-12 10:00", "assign", no, "--department", "售后服务部")
    desk.at("2026-10-12 10:00", "contact", no, "--via", "phone", "--summary", "已受理")
    desk.monkeypatch.setenv("COMPLAINTCTL_NOW", "2026-10-30T10:00+08:00")  # 11 days after the target
    refused = desk.cli("extend", no, "--to", "2026-11-06 18:00", "--reason", "等配件")
    assert refused.exit_code == 1 and "passed" in refused.stderr and "--late" in refused.stderr
    desk.at("2026-10-30 10:00", "extend", no, "--late", "--to", "2026-11-06 18:00", "--reason", "等配件")
    desk.at("2026-11-02 10:00", "resolve", no, "--solution", "换件")  # met the new target
    october = desk.report("2026-11-10 09:00", "--month", "2026-10")
    assert october["indicators"]["resolution_on_time"]["all"] == {"on_time": 0, "late": 1, "rate": 0.0}
    assert october["breaches"]["total"] == 1
    november = desk.report("2026-11-10 09:00", "--month", "2026-11")
    assert november["indicators"]["resolution_on_time"]["all"]["late"] == 0  # counted once, in October
    shown = desk.cli.json("show", no)
    assert shown["milestones"]["resolution"] == "met_late"
    assert [h["action"] for h in shown["history"]].count("breached") == 1


def test_a_set_clock_is_announced_and_marked_and_refused_outside_tests_and_demos(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "PYTEST_CURRENT_TEST"}
    env.update(COMPLAINTCTL_DB=str(tmp_path / "real.db"), COMPLAINTCTL_NOW="2026-01-05T09:00+08:00")
    run = lambda *a: subprocess.run([sys.executable, "-m", "complaintctl", *a], env=env, capture_output=True, text=True)  # noqa: E731
    assert run("init").returncode == 0
    logged = run("log", "--customer", "张三", "--contact", "13800138000", "--channel", "phone", "--content", "x")
    assert "is ignored" in logged.stderr and logged.stdout.startswith("TS-")
    assert not run("show", logged.stdout.strip(), "--json").stdout.count("2026-01-05")
    env["COMPLAINTCTL_DB"] = str(tmp_path / "demo.db")
    assert run("init", "--demo").returncode == 0
    logged = run("log", "--customer", "张三", "--contact", "13800138000", "--channel", "phone", "--content", "x")
    assert "clock is set to 2026-01-05T09:00+08:00" in logged.stderr
    record = json.loads(run("show", logged.stdout.strip(), "--json").stdout)
    assert record["received_at"] == "2026-01-05T09:00:00+08:00"
    assert record["history"][0]["changes"]["clock"][1].startswith("set by COMPLAINTCTL_NOW")


def test_declared_milestones_corrective_actions_and_ladder_steps(
    desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """docs/kpi.md "The office's own milestones, the corrective action, the ladders"."""
    from test_procedures import Hook

    hook = Hook()
    rules = tmp_path / "office.toml"
    rules.write_text(
        '[deadlines]\ncorrective_action = "3d"\n'
        '[action]\nreview = true\nreview_within = "1wd"\n'
        '[milestones.dispatch]\nlabel = "派单"\nstart = "received"\nstop = "assigned"\nduration = "12h"\n'
        'escalation = [{ after = "1h", notify = ["值班经理"] }]\n'
        f'[roles.duty]\nlabel = "值班经理"\nreach = ["{hook.url}"]\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("COMPLAINTCTL_RULES", str(rules))
    a = desk.log("2026-11-02 09:00", "13800000001")
    b = desk.log("2026-11-02 09:00", "13800000002")
    desk.at("2026-11-02 10:00", "assign", a, "--department", "售后服务部")  # dispatch on time
    desk.at("2026-11-02 10:30", "overdue", "--notify")  # b's 1 h step: sent once
    desk.at("2026-11-02 10:40", "overdue", "--notify")
    desk.at("2026-11-03 09:00", "assign", b, "--department", "售后服务部")  # dispatch 12 h late
    desk.at("2026-11-03 10:00", "action", a, "--corrective", "更换供应商")  # due end of 11-05: on time
    desk.at("2026-11-04 10:00", "action", a, "--approve")  # review due end of 11-04: on time
    desk.at("2026-11-10 10:00", "close", b, "--reason", "客户撤诉")  # its action never filed: missed
    hook.server.shutdown()
    ind = desk.report("2026-12-01 09:00", "--month", "2026-11")["indicators"]
    assert ind["milestones_on_time"] == {"dispatch": {"on_time": 1, "late": 1, "rate": 0.5}}
    assert ind["corrective_action_on_time"] == {"on_time": 1, "late": 1, "rate": 0.5}
    assert ind["corrective_actions"] == {"filed_on_time": 1, "late_or_missing": 1, "reviewed_on_time": 1, "review_late": 0}
    assert ind["ladder_steps_fired"] == 1 and len(hook.received) == 1
