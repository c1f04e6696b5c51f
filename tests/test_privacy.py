"""Customers' personal data (issue 6): masked outside the case's own `show`, unmasked only
on request and then recorded; `forget` erases it from closed cases and `verify` still passes."""

from __future__ import annotations

from conftest import Cli, query


def test_list_masks_contacts_unless_asked_and_records_when_asked(cli: Cli, db_url: str) -> None:
    no = cli.log()
    assert cli.json("list")[0]["contact"] == "138****8000"
    assert cli.json("show", no)["contact"] == "13800138000"  # the case's own record shows it
    audit = "SELECT actor, action FROM history_entry WHERE complaint_id IS NULL"
    assert query(db_url, audit) == []
    assert cli.json("list", "--unmasked", "--as", "主管")[0]["contact"] == "13800138000"
    events = query(db_url, audit)
    assert [tuple(e) for e in events] == [("主管", "list_unmasked")]


def test_forget_erases_a_customer_from_closed_cases_and_verify_still_passes(cli: Cli) -> None:
    no = cli.log()
    cli.ok("contact", no, "--via", "phone", "--summary", "已回电，已受理")
    cli.ok("close", no, "--reason", "已解决")
    other = cli.log(contact="13900000001")
    result = cli.ok("forget", "--customer", "张三", "--contact", "13800138000", "--reason", "客户 2026-11-20 书面要求")
    assert no in result.stdout and other not in result.stdout
    record = cli.json("show", no)
    assert record["customer_name"] == "（已匿名）" and record["contact"] == ""
    text = str(record["history"]) + str(record["contacts"])
    assert "13800138000" not in text and "张三" not in text
    assert record["history"][-1]["action"] == "forgotten" and record["history"][-1]["reason"].startswith("客户")
    assert cli.json("show", other)["customer_name"] == "张三"
    assert cli("verify").exit_code == 0


def test_forget_refuses_open_cases(cli: Cli) -> None:
    no = cli.log()
    result = cli("forget", "--customer", "张三", "--reason", "要求")
    assert result.exit_code == 1 and no in result.stderr and "still open" in result.stderr
    assert cli("forget", "--customer", "无此人", "--reason", "要求").exit_code == 1
