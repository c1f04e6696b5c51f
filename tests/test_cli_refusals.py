"""Every refusal and bad input: one line on stderr, non-zero exit, no traceback,
the register byte-for-byte unchanged (issue 2, acceptance 3)."""

from __future__ import annotations


import pytest

from conftest import Cli, snapshot


@pytest.fixture
def cases(cli: Cli) -> dict[str, str]:
    """A register with one case in each state."""
    received = cli.log()
    assigned = cli.log()
    cli.ok("assign", assigned, "--department", "售后部")
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
    (["assign", "TS-2026-0999", "--department", "售后部"], 1, "no complaint TS-2026-0999"),
    (["assign", "{resolved}", "--department", "售后部"], 1, "followup"),
    (["assign", "{closed}", "--department", "售后部"], 1, "closed"),
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
    (["contact", "{received}", "--via", "phone", "--summary", "x", "--at", "2026-10-01"], 2, "before"),
    (["contact", "{received}", "--via", "phone", "--summary", "x", "--at", "2099-01-01"], 2, "future"),
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
    ([*LOG, "--received", "2099-01-01"], 2, "future"),
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
def test_refusal_is_one_line_and_writes_nothing(cli: Cli, cases: dict[str, str], db_url: str,
                                                args: list[str], code: int, words: str) -> None:
    before = snapshot(db_url)
    result = cli(*[a.format(**cases) for a in args])
    assert result.exit_code == code, result.stderr
    lines = result.stderr.splitlines()
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
