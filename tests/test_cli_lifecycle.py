"""A complaint's life through the real CLI (issue 2, acceptance 2)."""

from __future__ import annotations

from conftest import Cli


def actions(record: dict) -> list[str]:
    return [entry["action"] for entry in record["history"]]


def test_log_prints_sequential_numbers_per_year(cli: Cli) -> None:
    assert cli.log() == "TS-2026-0001"
    assert cli.log() == "TS-2026-0002"
    assert cli.log(received="2025-12-31 23:59") == "TS-2025-0001"
    assert cli.log(received="2026-01-01 00:00") == "TS-2026-0003"


def test_received_year_is_the_office_year_not_utc(cli: Cli) -> None:
    # 2026-01-01 07:00 in Shanghai is still 2025 in UTC.
    assert cli.log(received="2026-01-01 07:00") == "TS-2026-0001"
    record = cli.json("show", "TS-2026-0001")
    assert record["received_at"] == "2026-01-01T07:00:00+08:00"


def test_happy_path_closes_at_a_satisfied_followup(cli: Cli) -> None:
    no = cli.log()
    cli.ok(
        "classify",
        no,
        "--category",
        "quality",
        "--severity",
        "major",
        "--priority",
        "高",
        "--reason",
        "客户称要找媒体",
        "--as",
        "李主管",
        "--at",
        "2026-11-02 10:00",
    )
    cli.ok("assign", no, "--department", "售后服务部", "--to", "王五", "--at", "2026-11-02 10:05")
    cli.ok("contact", no, "--via", "phone", "--summary", "告知已受理，王五跟进", "--at", "2026-11-02 11:00")
    cli.ok(
        "resolve",
        no,
        "--solution",
        "更换压缩机",
        "--cause",
        "压缩机批次缺陷",
        "--action",
        "通知供应商",
        "--compensation",
        "200",
        "--compensation-kind",
        "退款",
        "--at",
        "2026-11-04 16:00",
    )
    cli.ok("contact", no, "--via", "电话", "--summary", "告知处理结果", "--at", "2026-11-04 17:00")
    cli.ok("followup", no, "--satisfaction", "A", "--note", "很满意", "--at", "2026-11-06 10:00", "--as", "回访员")

    record = cli.json("show", no)
    assert record["status"] == "closed"
    assert record["satisfaction"] == "A"
    assert record["category"] == "quality" and record["severity"] == "major" and record["priority"] == "high"
    assert record["department"] == "售后服务部" and record["assignee"] == "王五"
    assert record["first_response_at"] == "2026-11-02T11:00:00+08:00"
    assert record["feedback_at"] == "2026-11-04T17:00:00+08:00"
    assert record["compensation_amount"] == 200.0 and record["compensation_kind"] == "refund"
    assert record["receiver"] == "tester"
    assert actions(record) == ["logged", "classified", "assigned", "contacted", "resolved", "contacted", "followed_up", "closed"]
    assert [c["meets"] for c in record["contacts"]] == ["first_response", "feedback"]
    classified = record["history"][1]
    assert classified["actor"] == "李主管"
    assert classified["at"] == "2026-11-02T10:00:00+08:00"
    assert classified["reason"] == "客户称要找媒体"
    assert classified["changes"]["severity"] == ["general", "major"]
    assert record["history"][-2]["actor"] == "回访员"
    for entry in record["history"]:
        assert entry["actor"] and entry["at"] and entry["recorded_at"]


def test_dissatisfied_customer_reopens_then_escalates_then_leader_decides(cli: Cli) -> None:
    no = cli.log()
    cli.ok("assign", no, "--department", "售后服务部", "--at", "2026-11-02 10:00")
    cli.ok("resolve", no, "--solution", "维修", "--at", "2026-11-03 10:00")
    cli.ok("followup", no, "--satisfaction", "D", "--at", "2026-11-04 10:00")
    record = cli.json("show", no)
    assert record["status"] == "assigned" and record["reopen_count"] == 1 and record["escalation_level"] == 0
    assert record["resolved_at"] is None

    cli.ok("resolve", no, "--solution", "换新机", "--at", "2026-11-05 10:00")
    result = cli.ok("followup", no, "--satisfaction", "不满意", "--at", "2026-11-06 10:00")
    assert "升级" in result.stdout
    record = cli.json("show", no)
    assert record["status"] == "assigned" and record["reopen_count"] == 1 and record["escalation_level"] == 1

    refused = cli("resolve", no, "--solution", "再修一次", "--at", "2026-11-06 11:00")
    assert refused.exit_code == 1
    assert "--final" in refused.stderr

    cli.ok(
        "resolve",
        no,
        "--final",
        "--solution",
        "分管领导决定：全额退款",
        "--compensation",
        "3999",
        "--compensation-kind",
        "refund",
        "--at",
        "2026-11-09 10:00",
        "--as",
        "分管领导",
    )
    cli.ok("followup", no, "--satisfaction", "D", "--note", "仍不满意", "--at", "2026-11-10 10:00")
    record = cli.json("show", no)
    assert record["status"] == "closed"
    assert record["satisfaction"] == "D"
    assert record["final_decision"] is True
    # Nobody ever reported an outcome to the customer, nor answered at first: each outcome
    # report the case moved past, and the first response, are written down as missed.
    assert actions(record) == [
        "logged",
        "assigned",
        "resolved",
        "followed_up",
        "missed",
        "reopened",
        "resolved",
        "followed_up",
        "missed",
        "escalated",
        "final_decision",
        "followed_up",
        "missed",
        "missed",
        "closed",
    ]
    assert record["history"][10]["actor"] == "分管领导"
    missed = [h["changes"]["milestone"][1] for h in record["history"] if h["action"] == "missed"]
    assert missed == ["feedback", "feedback", "first_response", "feedback"]


def test_close_without_resolution_needs_a_reason(cli: Cli) -> None:
    no = cli.log()
    cli.ok("close", no, "--reason", "重复投诉，见 TS-2026-0001", "--at", "2026-11-02 12:00")
    record = cli.json("show", no)
    assert record["status"] == "closed"
    assert record["close_reason"] == "重复投诉，见 TS-2026-0001"
    assert actions(record) == ["logged", "closed"]
    assert record["history"][-1]["reason"] == "重复投诉，见 TS-2026-0001"


def test_extend_moves_the_resolution_target_and_records_why(cli: Cli) -> None:
    no = cli.log()
    cli.ok("extend", no, "--to", "2026-11-20 18:00", "--reason", "等待厂家检测报告", "--at", "2026-11-05 10:00")
    cli.ok("extend", no, "--to", "2026-11-25 18:00", "--reason", "检测延期", "--at", "2026-11-06 10:00")
    record = cli.json("show", no)
    assert record["due"]["resolution"] == "2026-11-25T18:00:00+08:00"
    assert record["history"][-2]["changes"]["due.resolution"] == ["2026-11-09T23:59:59+08:00", "2026-11-20T18:00:00+08:00"]
    assert record["history"][-1]["changes"]["due.resolution"] == ["2026-11-20T18:00:00+08:00", "2026-11-25T18:00:00+08:00"]
    assert record["history"][-1]["reason"] == "检测延期"


def test_mass_incident_links_complaints(cli: Cli) -> None:
    first = cli.log()
    second = cli.log("--incident", first)
    third = cli.log("--incident", second.lower())  # linked to the incident's root
    root = cli.json("show", first)
    assert root["origin"] == "mass"
    assert root["linked"] == [second, third]
    assert cli.json("show", third)["incident_no"] == first
    assert cli.json("show", second)["origin"] == "mass"


def test_list_filters_and_json_contract(cli: Cli) -> None:
    a = cli.log()
    b = cli.ok(
        "log",
        "--customer",
        "李四",
        "--contact",
        "li@example.com",
        "--channel",
        "email",
        "--content",
        "快递三天没到",
        "--received",
        "2026-11-10 08:00",
    ).stdout.strip()
    cli.ok("assign", b, "--department", "物流部")
    assert [r["no"] for r in cli.json("list")] == [b, a]
    assert [r["no"] for r in cli.json("list", "--department", "物流部")] == [b]
    assert [r["no"] for r in cli.json("list", "--status", "received")] == [a]
    assert [r["no"] for r in cli.json("list", "--search", "快递")] == [b]
    assert [r["no"] for r in cli.json("list", "--customer", "张三")] == [a]
    assert [r["no"] for r in cli.json("list", "--from", "2026-11-05")] == [b]
    assert [r["no"] for r in cli.json("list", "--to", "2026/11/5")] == [a]
    assert [r["no"] for r in cli.json("list", "--limit", "1")] == [b]
    assert cli.json("list", "--search", "100%") == []
    record = cli.json("list")[0]
    for key in (
        "no",
        "status",
        "received_at",
        "channel",
        "customer_name",
        "contact",
        "subject",
        "content",
        "category",
        "origin",
        "severity",
        "priority",
        "department",
        "assignee",
        "receiver",
        "satisfaction",
        "reopen_count",
        "escalation_level",
    ):
        assert key in record
    assert record["channel"] == "email"


def test_list_table_fits_80_columns(cli: Cli, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    cli.ok(
        "log",
        "--customer",
        "一个名字很长很长的客户公司",
        "--contact",
        "13800138000",
        "--channel",
        "web",
        "--content",
        "内容" * 100,
        "--subject",
        "主题很长" * 20,
    )
    out = cli.ok("list").stdout
    assert "TS-2026-0001" in out
    from rich.cells import cell_len

    assert max(cell_len(line) for line in out.splitlines()) <= 80


def test_show_prints_record_contacts_and_history_in_chinese(cli: Cli) -> None:
    no = cli.log()
    cli.ok("contact", no, "--via", "phone", "--summary", "已回电")
    out = cli.ok("show", no).stdout
    for text in ("投诉编号", "冰箱不制冷", "沟通记录", "已回电", "处理历史", "登记", "客户沟通", "tester"):
        assert text in out
