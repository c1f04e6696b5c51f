"""Hostile and careless input (issue 6, acceptance 3): thousands of generated values for
every command's options — huge text, control characters, right-to-left marks, SQL
fragments, emoji, impossible dates, negative or NaN amounts, unknown codes, empty strings,
malformed rules files, truncated or non-Excel files. Always one clear line and a non-zero
exit, or success; never a traceback; a refused command leaves the register as it was."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from complaintctl import db
from conftest import Cli, snapshot

NASTY = [
    "",
    " ",
    "\u202e反向文本",
    "😀😀",
    "'; DROP TABLE complaint; --",
    '" OR 1=1 --',
    "\x00",
    "\x1b[31m",
    "a\nb",
    "\u200b",
    "🙂" * 500,
    "x" * 30_000,
    "NaN",
    "-1",
    "1e400",
    "2026-02-30",
    "2026-13-01",
    "昨天 25:00",
    "TS-2026-0001",
    "ts-2026-1",
    "TS-9999-99999999",
    "%",
    "_",
    "\\",
    "null",
    "None",
    "０１２",
    "<script>",
    "12315",
    "电话",
    "phone",
    "0001-01-01 00:00",
    "2026-11-20 10:00+25:00",
    "9999-12-31 23:59",
    b"\xff\xfe".decode("utf-8", "surrogateescape"),  # invalid UTF-8 on argv, as Python hands it over
    # issue 14's classes: formulas, terminal controls, line separators, numbers in every form, paths
    "=1+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\x9b31m",
    "a\rb",
    "a\u2028b",
    "１３８００１３８０００",
    "110101199003074578",
    "../../etc/passwd",
    "/dev/zero",
    "99999999999999999999999999",
    "1900-01-01 00:00",
    "2999-12-31 23:59",
    "3000-01-01 00:00",
]
text = st.one_of(st.sampled_from(NASTY), st.text(max_size=60), st.text(alphabet=st.characters(codec="utf-8"), max_size=20))
numbers = st.one_of(st.sampled_from(["TS-2026-0001", "TS-2026-0002", "TS-2026-0003", "TS-2026-0999"]), text)

COMMANDS = {
    "log": [
        "--customer",
        "--contact",
        "--channel",
        "--content",
        "--subject",
        "--location",
        "--demand",
        "--category",
        "--origin",
        "--receiver",
        "--received",
        "--incident",
        "--as",
    ],
    "classify": ["--category", "--severity", "--urgency", "--priority", "--origin", "--reason", "--at"],
    "assign": ["--department", "--to", "--at"],
    "contact": ["--via", "--summary", "--at"],
    "resolve": ["--solution", "--cause", "--action", "--compensation", "--compensation-kind", "--at"],
    "followup": ["--satisfaction", "--note", "--at"],
    "extend": ["--to", "--reason", "--at"],
    "wait": ["--reason", "--at"],
    "close": ["--reason", "--at"],
    "list": [
        "--status",
        "--category",
        "--severity",
        "--priority",
        "--department",
        "--assignee",
        "--customer",
        "--search",
        "--from",
        "--to",
        "--due-within",
        "--limit",
    ],
    "overdue": ["--at", "--within"],
    "report": ["--month", "--quarter", "--year", "--department", "--category", "--format"],
    "export": ["--month", "--format"],
    "attachments": ["--extract"],
    "verify": ["--anchor"],
    "forget": ["--customer", "--contact", "--reason"],
}
TAKES_NUMBER = {"classify", "assign", "contact", "resolve", "followup", "extend", "wait", "close", "show", "attachments"}


@pytest.fixture(scope="module")
def hostile_register(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("hostile") / "register.db"
    old = os.environ.get("COMPLAINTCTL_DB")
    os.environ["COMPLAINTCTL_DB"] = str(path)
    cli = Cli()
    cli.ok("init")
    first = cli.log(received="2026-11-02 09:00")
    second = cli.log(received="2026-11-02 10:00", contact="13900000001")
    cli.ok("assign", second, "--department", "售后服务部")
    third = cli.log(received="2026-11-02 11:00", contact="13900000002")
    cli.ok("resolve", third, "--solution", "维修")
    assert (first, third) == ("TS-2026-0001", "TS-2026-0003")
    if old is not None:
        os.environ["COMPLAINTCTL_DB"] = old
    return path


def check(cli: Cli, register: Path, args: list[str]) -> None:
    before = snapshot(str(register))
    result = cli(*args)
    assert result.exit_code in (0, 1, 2, 3, 4), (args, result.exit_code, result.exception)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"{args!r} raised {result.exception!r}")
    assert "Traceback" not in result.stdout + result.stderr
    if result.exit_code != 0:
        lines = result.stderr.splitlines()
        assert len(lines) >= 1 and all(line.startswith("error: ") for line in lines), (args, result.stderr)
        if args[0] not in ("import", "rules"):  # these list every problem, one line each
            assert len(lines) == 1, (args, result.stderr)
        assert snapshot(str(register)) == before, args


@settings(max_examples=1600, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@pytest.mark.slow
@given(data=st.data())
def test_every_command_survives_hostile_options(hostile_register: Path, monkeypatch: pytest.MonkeyPatch, data) -> None:
    monkeypatch.setenv("COMPLAINTCTL_DB", str(hostile_register))
    monkeypatch.chdir(hostile_register.parent)
    command = data.draw(st.sampled_from(sorted(COMMANDS) + ["show"]))
    args = [command]
    if command in TAKES_NUMBER:
        args.append(data.draw(numbers))
    for option in data.draw(st.lists(st.sampled_from(COMMANDS.get(command, ["--json"])), max_size=4, unique=True)):
        args += [option, data.draw(text)]
    if command == "export":
        args += ["-o", str(hostile_register.parent / "hostile.xlsx")]
    if data.draw(st.booleans()):
        args.append("--json")
    check(Cli(), hostile_register, args)
    db._checked.clear()


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    content=st.one_of(
        st.binary(max_size=400),
        st.text(max_size=400).map(lambda t: t.encode("utf-8")),
        st.sampled_from(
            [
                b"PK\x03\x04" + b"\x00" * 50,
                b"\xef\xbb\xbf\xe6\x8a\x95\xe8\xaf\x89",
                "投诉时间,客户姓名,投诉内容\n2026-02-30,张三,x\n".encode("gbk"),
            ]
        ),
    ),
    suffix=st.sampled_from([".xlsx", ".csv", ".xls", ""]),
)
@pytest.mark.slow
@example(content=b"\r\x01", suffix=".csv")  # a lone carriage return once broke the CSV reader
def test_import_survives_any_file(hostile_register: Path, monkeypatch: pytest.MonkeyPatch, content: bytes, suffix: str) -> None:
    monkeypatch.setenv("COMPLAINTCTL_DB", str(hostile_register))
    with tempfile.NamedTemporaryFile(suffix=suffix, delete=False, dir=hostile_register.parent) as handle:
        handle.write(content)
    try:
        check(Cli(), hostile_register, ["import", handle.name])
    finally:
        os.unlink(handle.name)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    body=st.one_of(
        st.text(max_size=300),
        st.builds(
            lambda k, v: f"[deadlines]\n{k} = {v}\n",
            st.sampled_from(["feedback", "followup", "x", "resolution"]),
            st.sampled_from(['"2wd"', '"-1wd"', '"99999999wd"', "3", '"abc"', "[1,2]", "{a=1}"]),
        ),
        st.builds(
            lambda k, v: f"[calendar]\n{k} = {v}\n",
            st.sampled_from(["timezone", "days_off", "office_hours", "due_soon"]),
            st.sampled_from(['"Mars/Base"', '["2026-02-30"]', '"25:00-26:00"', "1", '""']),
        ),
    )
)
@pytest.mark.slow
def test_malformed_rules_files_are_one_line_each(hostile_register: Path, monkeypatch: pytest.MonkeyPatch, body: str) -> None:
    monkeypatch.setenv("COMPLAINTCTL_DB", str(hostile_register))
    path = hostile_register.parent / "rules.toml"
    path.write_text(body, encoding="utf-8")
    check(Cli(), hostile_register, ["list", "--rules", str(path)])
    check(Cli(), hostile_register, ["rules", "check", str(path)])


# -- issue 14's tracebacks: each is now one line, exit 2, the register unchanged

SURROGATE = b"\xff\xfe".decode("utf-8", "surrogateescape")


LOG = ["log", "--customer", "张三", "--contact", "13800138000", "--channel", "phone", "--content", "坏了"]


@pytest.mark.parametrize(
    "args, words",
    [
        ([*LOG, "--received", "0001-01-01 00:00"], "between 1900 and 2999"),
        ([*LOG, "--received", "2026-11-20 10:00+25:00"], "--received"),
        (["overdue", "--at", "9999-12-31 23:59", "--within", "5wd"], "between 1900 and 2999"),
        (["report", "--from", "0001-01-01", "--to", "2026-01-01"], "between 1900 and 2999"),
        ([*LOG[:2], SURROGATE, *LOG[3:]], "not UTF-8"),
        (["show", SURROGATE], "not UTF-8"),
    ],
)
def test_impossible_times_and_undecodable_arguments_are_one_line(cli: Cli, db_url: str, args: list[str], words: str) -> None:
    before = snapshot(db_url)
    result = cli(*args)
    assert result.exit_code == 2, result.output
    assert result.stderr.count("\n") == 1 and words in result.stderr, result.stderr
    assert "Traceback" not in result.output and "SELECT" not in result.stderr
    assert snapshot(db_url) == before
