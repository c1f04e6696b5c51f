"""Every refusal and bad input: one line on stderr, non-zero exit, no traceback,
the register byte-for-byte unchanged (issue 2, acceptance 3)."""

from __future__ import annotations

import pytest

from conftest import Cli, snapshot


@pytest.fixture
def cases(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """A register with one case in each state, on a set clock (no test depends on today)."""
    monkeypatch.setenv("COMPLAINTCTL_NOW", "2026-11-02T12:00+08:00")
    received = cli.log()
    assigned = cli.log()
    cli.ok("assign", assigned, "--department", "售后服务部")
    resolved = cli.log()
    cli.ok("resolve", resolved, "--solution", "已维修")
    closed = cli.log()
    cli.ok("close", closed, "--reason", "客户撤诉")
    return {"received": received, "assigned": assigned, "resolved": resolved, "closed": closed}


LOG = ["log", "--customer", "张三", "--contact", "13800138000", "--channel", "phone", "--content", "不制冷"]

REFUSALS = [
    # (command with {state} placeholders, exit code, words the one line must contain)
    (["resolve", "{closed}", "--solution", "x"], 1, "closed"),
    (["followup", "{received}", "--satisfaction", "A"], 1, "not resolved"),
    (["followup", "{assigned}", "--satisfaction", "A"], 1, "resolve"),
    (["followup", "{closed}", "--satisfaction", "A"], 1, "closed"),
    (["assign", "TS-2026-0999", "--department", "售后服务部"], 1, "no complaint TS-2026-0999"),
    (["assign", "{resolved}", "--department", "售后服务部"], 1, "followup"),
    (["assign", "{closed}", "--department", "售后服务部"], 1, "closed"),
    (["resolve", "{resolved}", "--solution", "x"], 1, "already resolved"),
    (["resolve", "{assigned}", "--solution", "x", "--final"], 1, "not escalated"),
    (["close", "{closed}", "--reason", "again"], 1, "closed"),
    (["contact", "{closed}", "--via", "phone", "--summary", "hi"], 1, "closed"),
    (["extend", "{resolved}", "--to", "2026-12-30", "--reason", "x"], 1, "resolved"),
    (["classify", "{closed}", "--severity", "major"], 1, "closed"),
    (["show", "TS-2026-0999"], 1, "no complaint"),
    (["show", "42"], 2, "not a complaint number"),
    (["classify", "{received}", "--severity", "huge"], 2, "--severity"),
    (["classify", "{received}", "--priority", "urgent"], 2, "--priority"),
    (["classify", "{received}", "--category", "weather"], 2, "--category"),
    (["classify", "{received}", "--origin", "alien"], 2, "--origin"),
    (["assign", "{received}", "--department", "  "], 2, "--department must not be empty"),
    (["contact", "{received}", "--via", "pigeon", "--summary", "x"], 2, "--via"),
    (["contact", "{received}", "--via", "phone"], 2, "--summary is required"),
    (["contact", "{received}", "--via", "phone", "--summary", "x", "--at", "2026-02-30 10:00"], 2, "not a real date"),
    (["contact", "{received}", "--via", "phone", "--summary", "x", "--at", "2026-10-01 09:00"], 2, "before"),
    (["contact", "{received}", "--via", "phone", "--summary", "x", "--at", "2099-01-01 09:00"], 2, "future"),
    (["contact", "{received}", "--via", "phone", "--summary", "x", "--at", "someday"], 2, "--at"),
    (["resolve", "{assigned}"], 2, "--solution is required"),
    (["resolve", "{assigned}", "--solution", "x", "--compensation", "-5", "--compensation-kind", "refund"], 2, "--compensation"),
    (["resolve", "{assigned}", "--solution", "x", "--compensation", "NaN", "--compensation-kind", "refund"], 2, "--compensation"),
    (["resolve", "{assigned}", "--solution", "x", "--compensation", "1.234", "--compensation-kind", "refund"], 2, "two decimals"),
    (["resolve", "{assigned}", "--solution", "x", "--compensation", "100"], 2, "--compensation-kind"),
    (["resolve", "{assigned}", "--solution", "x", "--compensation-kind", "cash"], 2, "--compensation-kind"),
    (["followup", "{resolved}", "--satisfaction", "E"], 2, "--satisfaction"),
    (["followup", "{resolved}"], 2, "--satisfaction is required"),
    (["extend", "{assigned}", "--to", "2026-12-30"], 2, "--reason is required"),
    (["extend", "{assigned}", "--to", "2026-01-01", "--reason", "x"], 2, "not later"),
    (["close", "{received}"], 2, "--reason is required"),
    (["close", "{received}", "--reason", ""], 2, "--reason must not be empty"),
    (LOG[:-2], 2, "--content is required"),
    ([*LOG[:3], *LOG[5:]], 2, "--contact is required"),
    ([*LOG[:4], "not-a-phone", *LOG[5:]], 2, "--contact"),
    ([*LOG[:6], "fax", *LOG[7:]], 2, "--channel"),
    ([*LOG, "--received", "2099-01-01 09:00"], 2, "future"),
    ([*LOG, "--received", "2026-13-01"], 2, "--received"),
    ([*LOG, "--incident", "TS-2026-0999"], 1, "no complaint"),
    ([*LOG, "--customer", "a\x00b"], 2, "control characters"),
    ([*LOG, "--as", " "], 2, "--as"),
    (["list", "--status", "lost"], 2, "--status"),
    (["list", "--limit", "0"], 2, "--limit"),
    (["list", "--nope"], 2, "No such option"),
    (["frobnicate"], 2, "No such command"),
]


@pytest.mark.parametrize("args, code, words", REFUSALS, ids=[" ".join(a[:3]) for a, _, _ in REFUSALS])
def test_refusal_is_one_line_and_writes_nothing(
    cli: Cli, cases: dict[str, str], db_url: str, args: list[str], code: int, words: str
) -> None:
    before = snapshot(db_url)
    result = cli(*[a.format(**cases) for a in args])
    assert result.exit_code == code, result.stderr
    lines = [line for line in result.stderr.splitlines() if not line.startswith("note: the clock is set")]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert words in lines[0]
    assert "Traceback" not in result.stderr + result.stdout
    assert snapshot(db_url) == before


def test_missing_required_fields_are_prompted_for_on_a_terminal(cli: Cli, monkeypatch) -> None:
    monkeypatch.setattr("complaintctl.cli._interactive", lambda: True)
    result = cli("log", "--channel", "phone", input="王五\n13900139000\n空调漏水\n")
    assert result.exit_code == 0, result.stderr
    assert cli.json("show", result.stdout.strip().splitlines()[-1])["customer_name"] == "王五"


# Issue 11: steps out of order in time, a late extension, on the set clock of `cases`.
OUT_OF_ORDER = [
    (["resolve", "{assigned}", "--solution", "x", "--at", "2026-11-01 09:00"], 2, "before TS-2026-0002 was received"),
    (["followup", "{resolved}", "--satisfaction", "A", "--at", "2026-11-02 11:00"], 2, "before TS-2026-0003 was resolved"),
    (["extend", "{assigned}", "--late", "--to", "2026-11-20", "--reason", "x"], 2, "has not passed"),
]


@pytest.mark.parametrize("args, code, words", OUT_OF_ORDER, ids=[" ".join(a[:2]) for a, _, _ in OUT_OF_ORDER])
def test_steps_out_of_order_are_refused(
    cli: Cli, cases: dict[str, str], db_url: str, args: list[str], code: int, words: str
) -> None:
    test_refusal_is_one_line_and_writes_nothing(cli, cases, db_url, args, code, words)


def test_an_outcome_report_before_the_resolution_is_refused(cli: Cli, cases: dict[str, str], db_url: str) -> None:
    cli.ok("contact", cases["resolved"], "--via", "phone", "--summary", "已受理", "--at", "2026-11-02 10:00")
    test_refusal_is_one_line_and_writes_nothing(
        cli,
        cases,
        db_url,
        ["contact", "{resolved}", "--via", "phone", "--summary", "告知结果", "--at", "2026-11-02 11:00"],
        2,
        "outcome report",
    )


def test_a_resolution_before_the_reopening_it_answers_is_refused(
    cli: Cli, cases: dict[str, str], db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COMPLAINTCTL_NOW", "2026-11-05T12:00+08:00")
    cli.ok("followup", cases["resolved"], "--satisfaction", "D", "--at", "2026-11-04 10:00")
    test_refusal_is_one_line_and_writes_nothing(
        cli, cases, db_url, ["resolve", "{resolved}", "--solution", "y", "--at", "2026-11-03 10:00"], 2, "reopened"
    )


def test_an_extension_after_the_target_passed_is_refused_without_late(
    cli: Cli, cases: dict[str, str], db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COMPLAINTCTL_NOW", "2026-11-20T12:00+08:00")  # the resolution was due 11-09
    test_refusal_is_one_line_and_writes_nothing(
        cli, cases, db_url, ["extend", "{assigned}", "--to", "2026-11-27", "--reason", "x"], 1, "--late"
    )


READING = [
    ["list"],
    ["show", "TS-2026-0001"],
    ["overdue", "--fail"],
    ["report"],
    ["report", "trend"],
    ["export"],
    ["verify"],
    ["backup"],
    ["db", "current"],
    ["shell"],
    ["log", "--customer", "张三", "--contact", "13800138000", "--channel", "phone", "--content", "x"],
    ["import", "examples/客户投诉登记表_示例.xlsx"],
]


@pytest.mark.parametrize("args", READING, ids=[" ".join(a[:2]) for a in READING])
def test_a_missing_register_is_refused_and_nothing_is_created(args: list[str], tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    missing = tmp_path / "typo" / "register.db"
    monkeypatch.setenv("COMPLAINTCTL_DB", str(missing))
    monkeypatch.chdir(tmp_path)
    args = [str(root / a) if a.startswith("examples/") else a for a in args]
    result = Cli()(*args)
    assert result.exit_code == 1, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: no register at") and str(missing) in lines[0]
    assert "init" in lines[0]
    assert not (tmp_path / "typo").exists() and list(tmp_path.iterdir()) == [tmp_path / "typo"] * 0


@pytest.mark.parametrize(
    "number, words",
    [
        ("TS-2026-1000001", "0001 to 999999"),
        ("TS-0000-0001", "four digits"),
        ("TS-9999-0001", "received in 2026"),
    ],
)
def test_bad_imported_numbers_are_refused(cli: Cli, db_url: str, tmp_path, number: str, words: str) -> None:  # type: ignore[no-untyped-def]
    sheet = tmp_path / "bad.csv"
    sheet.write_text(
        f"投诉编号,投诉时间,客户姓名,联系电话,投诉内容\n{number},2026-10-08 09:00,张三,13800138000,冰箱坏了\n", encoding="utf-8"
    )
    before = snapshot(db_url)
    result = cli("import", str(sheet))
    assert result.exit_code == 2 and words in result.stderr, result.stderr
    assert snapshot(db_url) == before


def test_a_six_digit_number_imports_and_the_year_then_refuses_more(cli: Cli, db_url: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    sheet = tmp_path / "big.csv"
    sheet.write_text(
        "投诉编号,投诉时间,客户姓名,联系电话,投诉内容\nTS-2026-999999,2026-10-08 09:00,张三,13800138000,冰箱坏了\n",
        encoding="utf-8",
    )
    cli.ok("import", str(sheet))
    assert cli.json("show", "TS-2026-999999")["no"] == "TS-2026-999999"
    before = snapshot(db_url)
    refused = cli(*LOG, "--received", "2026-10-09 09:00")
    assert refused.exit_code == 1 and "999999" in refused.stderr and snapshot(db_url) == before


@pytest.mark.parametrize(
    "columns, cells, words",
    [
        (
            "解决时间,回访时间,满意度",
            "2026-10-10 09:00,2026-10-09 09:00,A",
            "回访时间: 2026-10-09 09:00 is before the resolved time",
        ),
        ("解决时间", "2026-10-07 09:00", "解决时间: 2026-10-07 09:00 is before the received time"),
        ("初次响应时间", "2026-10-08 08:00", "初次响应时间: 2026-10-08 08:00 is before the received time"),
        ("解决时间,反馈时间", "2026-10-10 09:00,2026-10-09 17:00", "反馈时间: 2026-10-09 17:00 is before the resolved"),
    ],
    ids=["visit before resolution", "resolution before receipt", "answer before receipt", "outcome before resolution"],
)
def test_imported_steps_out_of_order_are_refused(
    cli: Cli,
    db_url: str,
    tmp_path,
    columns: str,
    cells: str,  # type: ignore[no-untyped-def]
    words: str,
) -> None:
    sheet = tmp_path / "backwards.csv"
    sheet.write_text(
        f"投诉时间,客户姓名,联系电话,投诉内容,处理结果,{columns}\n2026-10-08 09:00,张三,13800138000,冰箱坏了,已修好,{cells}\n",
        encoding="utf-8",
    )
    before = snapshot(db_url)
    result = cli("import", str(sheet))
    lines = result.stderr.splitlines()
    assert result.exit_code == 2 and words in lines[0], result.stderr
    assert snapshot(db_url) == before
