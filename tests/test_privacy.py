"""Customers' personal data (issue 6): masked outside the case's own `show`, unmasked only
on request and then recorded; `forget` erases it from closed cases and `verify` still passes."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

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


# -- issue 14 §2: every written form of a number, masked everywhere; forget leaves no byte

MOBILE = "13812345678"
FORMS = (
    MOBILE,
    "138 1234 5678",
    "138-1234-5678",
    "138.1234.5678",
    "+86 13812345678",
    "１３８１２３４５６７８",
    "010-65123456",
    "(0755) 8888 6666",
    "110101199003074578",  # 身份证 (the example)
    "11010519491231002X",  # 身份证 with its X
    "6222020200001234562",  # a bank card (Luhn)
    "4111 1111 1111 1111",
    "zhang.sanfeng@example.com",
    "ｌｉｓｉ＠ｅｘａｍｐｌｅ．ｃｏｍ",
)
TEXT = "客户说：" + "，".join(FORMS) + "。"
NAME = "张三丰"


def _every_form_everywhere(cli: Cli) -> str:
    no = cli.ok(
        "log",
        "--customer",
        NAME,
        "--contact",
        MOBILE,
        "--channel",
        "电话",
        "--received",
        "2026-10-12 09:00",
        "--content",
        TEXT,
        "--subject",
        "退款 " + FORMS[1],
        "--location",
        "门店 " + FORMS[6],
        "--demand",
        TEXT,
        "--remarks",
        TEXT,
    ).stdout.strip()
    cli.ok("assign", no, "--department", "售后服务部", "--to", "王五", "--at", "2026-10-12 10:00")
    cli.ok("contact", no, "--via", "phone", "--summary", "告知已受理 " + TEXT, "--at", "2026-10-12 11:00")
    cli.ok("resolve", no, "--solution", TEXT, "--cause", TEXT, "--at", "2026-10-14 10:00")
    cli.ok("followup", no, "--satisfaction", "B", "--note", TEXT, "--at", "2026-10-15 10:00")
    return no


def _leaks(text: str) -> list[str]:
    return [form for form in (*FORMS, NAME) if form in text]


def test_every_written_form_of_a_number_is_masked_in_everything_that_leaves_the_office(cli: Cli, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    _every_form_everywhere(cli)
    book = tmp_path / "october.xlsx"
    cli.ok("export", "--month", "2026-10", "-o", str(book))
    workbook = load_workbook(book)
    cells = " ".join(
        str(c.value) for sheet in workbook.worksheets for row in sheet.iter_rows() for c in row if c.value is not None
    )
    assert MOBILE[:3] in cells and _leaks(cells) == []
    assert "张**" in cells  # the customer's name masked in the management workbook
    csv_file = tmp_path / "october.csv"
    cli.ok("export", "--month", "2026-10", "--format", "csv", "-o", str(csv_file))
    assert _leaks(csv_file.read_text(encoding="utf-8-sig")) == []
    for fmt in ("table", "json", "csv", "md"):
        out = cli.ok("report", "--month", "2026-10", "--format", fmt).stdout
        assert _leaks(out) == [], fmt
    listed = cli.ok("list", "--json").stdout
    assert _leaks(json.loads(listed).__repr__().replace(NAME, "")) == []
    # the desk still sees what it needs to call back
    assert cli.json("show", "TS-2026-0001")["contact"] == MOBILE


def test_after_forget_no_byte_of_the_customer_is_left_in_the_register_its_wal_or_the_shell_history(
    cli: Cli, db_url: str, tmp_path: Path
) -> None:
    if "://" in db_url:
        pytest.skip("the bytes of a SQLite file")
    no = _every_form_everywhere(cli)
    cli.ok("forget", "--customer", NAME, "--reason", "客户书面要求删除")
    assert cli.json("show", no)["customer_name"] == "（已匿名）"
    assert cli.ok("verify").stdout.startswith("intact:")
    register = Path(db_url)
    files = [p for p in (register, Path(f"{register}-wal"), Path(f"{register}-shm")) if p.exists()]
    files += [p for p in register.parent.glob("*.files/*")]
    history = Path(os.environ["XDG_DATA_HOME"]) / "complaintctl" / "shell_history" if "XDG_DATA_HOME" in os.environ else None
    if history is not None and history.exists():
        files.append(history)
    found = []
    for path in files:
        data = path.read_bytes()
        for value in (*FORMS, NAME):
            for encoding in ("utf-8", "gb18030", "utf-16-le"):
                try:
                    needle = value.encode(encoding)
                except UnicodeEncodeError:
                    continue
                if needle in data:
                    found.append((path.name, value, encoding))
    assert found == []
