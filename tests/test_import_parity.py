"""One policy everywhere (issue 11): complaints imported from a sheet end exactly as the
same complaints typed at the desk — `log`, then `assign`, `contact`, `resolve`, `contact`,
`followup` at the times the sheet gives — field for field, deadline for deadline.
Afterwards `recompute` and a bare `classify` change nothing on either register.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from conftest import Cli, postgres_schema, query

HEADER = [
    "投诉时间",
    "客户姓名",
    "联系电话",
    "投诉方式",
    "投诉主题",
    "投诉内容",
    "涉及人员",
    "责任部门",
    "处理责任人",
    "初次响应时间",
    "处理结果",
    "纠正及预防措施",
    "解决时间",
    "反馈时间",
    "回访时间",
    "回访人",
    "满意度",
]

# In order of receipt. Times are office time (UTC+8). The 2 h first response, 5 working-day
# resolution, 2 working-day outcome report and 7-day follow-up of the built-in rules, with
# corrective action on (3 days) by the rules file below, are met, met late and missed here.
CASES: list[dict[str, Any]] = [
    # open: only logged
    dict(
        received="2026-10-09 09:00",
        name="张三",
        contact="13800000001",
        subject="冰箱不制冷",
        content="买的冰箱不制冷，已经修了两次",
    ),
    # assigned, answered within the hour
    dict(
        received="2026-10-12 09:00",
        name="李四",
        contact="13800000002",
        subject="快递延误",
        content="订单一周了快递还没到",
        department="物流部",
        assignee="钱七",
        people="钱七、周八",
        first="2026-10-12 09:40",
    ),
    # resolved late, outcome reported, waiting for its visit; corrective action on time
    dict(
        received="2026-10-13 10:00",
        name="王二",
        contact="13800000003",
        subject="服务态度差",
        content="店员服务态度很差",
        department="门店运营部",
        assignee="周八",
        people="周八",
        first="2026-10-13 11:00",
        solution="当面致歉",
        action="全员培训",
        resolved="2026-10-23 15:00",
        feedback="2026-10-26 10:00",
    ),
    # closed: answered late, resolved, reported, visited (A)
    dict(
        received="2026-10-14 09:00",
        name="赵五",
        contact="13800000004",
        subject="多收费",
        content="结账多收了20元",
        department="财务部",
        assignee="孙九",
        first="2026-10-14 13:30",
        solution="退还差价",
        resolved="2026-10-15 16:00",
        feedback="2026-10-15 16:30",
        followup="2026-10-20 10:00",
        visitor="回访员小刘",
        rating="A",
    ),
    # D at the visit: reopened, the resolution clock starts again
    dict(
        received="2026-10-16 09:00",
        name="孙六",
        contact="13800000005",
        subject="冰箱不制冷",
        content="新买的冰箱不制冷",
        department="售后服务部",
        assignee="王五",
        first="2026-10-16 09:30",
        solution="上门维修",
        resolved="2026-10-19 11:00",
        followup="2026-10-21 15:00",
        visitor="回访员小刘",
        rating="D",
    ),
    # the first customer again, same category, 10 days later: a repeat
    dict(
        received="2026-10-19 14:00",
        name="张三",
        contact="13800000001",
        subject="冰箱还是不制冷",
        content="冰箱还是不制冷，第三次投诉了",
    ),
    # closed at the visit without any contact: first response and outcome report missed
    dict(
        received="2026-10-20 09:00",
        name="周七",
        contact="13800000006",
        subject="商品过期",
        content="买到过期的牛奶",
        department="门店运营部",
        assignee="周八",
        people="周八",
        solution="退款并赠券",
        resolved="2026-10-21 10:00",
        followup="2026-10-27 10:00",
        visitor="回访员小刘",
        rating="B",
    ),
]
NOW = "2026-11-23T10:00+08:00"
RULES = '[deadlines]\ncorrective_action = "3d"\n\n[departments."门店运营部"]\n'

# Fields that say how a row was made, not what the case is.
PROVENANCE = {"id", "explanation", "created_at", "updated_at", "source_key"}


def _sheet(path: Path) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.append(["客户投诉记录登记表"])
    sheet.append(HEADER)
    for c in CASES:
        sheet.append(
            [
                c["received"],
                c["name"],
                c["contact"],
                "电话",
                c["subject"],
                c["content"],
                c.get("people"),
                c.get("department"),
                c.get("assignee"),
                c.get("first"),
                c.get("solution"),
                c.get("action"),
                c.get("resolved"),
                c.get("feedback"),
                c.get("followup"),
                c.get("visitor"),
                c.get("rating"),
            ]
        )
    book.save(path)
    return path


def _type(cli: Cli) -> None:
    """Each case as a clerk types it, in order of receipt."""
    for c in sorted(CASES, key=lambda c: c["received"]):
        no = cli.ok(
            "log",
            "--customer",
            c["name"],
            "--contact",
            c["contact"],
            "--channel",
            "电话",
            "--subject",
            c["subject"],
            "--content",
            c["content"],
            "--received",
            c["received"],
            *(["--field", f"涉及人员={c['people']}"] if c.get("people") else []),
        ).stdout.strip()
        if c.get("department"):
            cli.ok("assign", no, "--department", c["department"], "--to", c["assignee"], "--at", c["received"])
        if c.get("first"):
            cli.ok("contact", no, "--via", "phone", "--summary", "已受理", "--at", c["first"])
        if c.get("resolved"):
            extra = ["--action", c["action"]] if c.get("action") else []
            cli.ok("resolve", no, "--solution", c["solution"], *extra, "--at", c["resolved"], "--as", c["assignee"])
        if c.get("feedback"):
            cli.ok("contact", no, "--via", "phone", "--summary", "告知结果", "--at", c["feedback"])
        if c.get("followup"):
            cli.ok("followup", no, "--satisfaction", c["rating"], "--at", c["followup"], "--as", c["visitor"])


def _state(url: str) -> dict[str, Any]:
    """What the register says about each case: its fields, and its deadlines in order."""
    complaints = query(url, "SELECT * FROM complaint ORDER BY no")
    deadlines = query(
        url,
        "SELECT c.no, d.* FROM deadline d JOIN complaint c ON c.id = d.complaint_id "
        "ORDER BY c.no, d.milestone, d.started_at, d.id",
    )
    cases: dict[str, Any] = {}
    for row in complaints:
        fields = {k: v for k, v in row._mapping.items() if k not in PROVENANCE}
        cases[row.no] = {"fields": fields, "deadlines": []}
    for row in deadlines:
        cases[row.no]["deadlines"].append({k: v for k, v in row._mapping.items() if k not in ("id", "complaint_id", "no")})
    return cases


@pytest.fixture
def second_register(db_url: str, tmp_path: Path) -> Iterator[str]:
    """Another empty register on the same engine as the test's own."""
    if "://" not in db_url:
        yield str(tmp_path / "imported.db")
        return
    with postgres_schema() as url:
        yield url


def test_imported_and_typed_cases_end_the_same(
    cli: Cli, db_url: str, second_register: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COMPLAINTCTL_NOW", NOW)
    (tmp_path / "rules.toml").write_text(RULES, encoding="utf-8")
    monkeypatch.setenv("COMPLAINTCTL_RULES", str(tmp_path / "rules.toml"))
    _type(cli)
    typed = _state(db_url)

    monkeypatch.setenv("COMPLAINTCTL_DB", second_register)
    cli.ok("init")
    cli.ok("import", str(_sheet(tmp_path / "register.xlsx")))
    imported = _state(second_register)

    assert sorted(typed) == sorted(imported) == [f"TS-2026-{n:04d}" for n in range(1, len(CASES) + 1)]
    for no in typed:
        # each complaint has its own random nonce (chain.py)
        assert {**imported[no]["fields"], "nonce": ""} == {**typed[no]["fields"], "nonce": ""}, no
        assert imported[no]["deadlines"] == typed[no]["deadlines"], no

    # The cases exercise what the replay must get right.
    by_no = {no: case["fields"] for no, case in typed.items()}
    assert [by_no[no]["status"] for no in sorted(by_no)] == [
        "received",
        "assigned",
        "resolved",
        "closed",
        "assigned",
        "received",
        "closed",
    ]
    assert by_no["TS-2026-0005"]["reopen_count"] == 1 and by_no["TS-2026-0005"]["satisfaction"] == "D"
    assert by_no["TS-2026-0006"]["severity"] == "major"  # the same customer's second complaint within 30 days
    assert by_no["TS-2026-0007"]["severity"] == "major"  # the third complaint about 周八 (涉及人员) within 90 days
    states = {(no, d["milestone"]): d["state"] for no, case in typed.items() for d in case["deadlines"]}
    assert states[("TS-2026-0007", "first_response")] == "missed"
    assert states[("TS-2026-0007", "feedback")] == "missed"
    assert states[("TS-2026-0003", "corrective_action")] == "met"

    # The month's figures count the imported steps as the typed ones: resolutions, visits
    # and their ratings, reopenings, on-time rates.
    figures = {}
    for url in (db_url, second_register):
        monkeypatch.setenv("COMPLAINTCTL_DB", url)
        report = cli.json("report", "--month", "2026-10")
        figures[url] = (report["totals"], report["indicators"])
    assert figures[db_url] == figures[second_register]
    assert figures[db_url][0]["resolved"] == 4

    # Re-applying the rules changes nothing on either register.
    for url in (db_url, second_register):
        monkeypatch.setenv("COMPLAINTCTL_DB", url)
        before = _state(url)
        assert cli.json("recompute") == []
        for no, case in before.items():
            if case["fields"]["status"] != "closed":
                cli.ok("classify", no)
        assert _state(url) == before
