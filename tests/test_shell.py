"""`complaintctl shell` (issue 7): the CLI's commands in one process; an error ends the
command, never the shell; Ctrl-D leaves; Tab completes from the register."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from prompt_toolkit.document import Document
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from complaintctl import shell
from complaintctl.cli import app
from conftest import Cli


def run_lines(lines: list[str], db_url: str) -> None:
    with create_pipe_input() as pipe:
        pipe.send_text("".join(line + "\n" for line in lines))
        pipe.close()
        shell.run(app, db=db_url, rules=None, input=pipe, output=DummyOutput())


def test_commands_run_in_one_process_and_errors_do_not_end_it(cli: Cli, db_url: str, capsys) -> None:
    run_lines(
        [
            "log --customer 张三 --contact 13800138000 --channel phone --content 冰箱不制冷 --received '2026-11-02 09:00'",
            "show TS-2026-9999",
            "resolve TS-2026-0001 --solution",
            "'unclosed",
            "frobnicate",
            "assign TS-2026-0001 --department 售后服务部 --to 王五",
            "show TS-2026-0001 --json",
            "exit",
            "log --customer 不该执行",
        ],
        db_url,
    )
    out, err = capsys.readouterr()
    assert "TS-2026-0001" in out
    assert "error: no complaint TS-2026-9999" in err
    assert "close the quote" in err and "No such command" in err
    shown = json.loads(out[out.index("{") :])
    assert shown["department"] == "售后服务部" and shown["assignee"] == "王五"
    assert len(cli.json("list")) == 1  # nothing ran after `exit`


def test_tab_completes_commands_options_numbers_and_departments(cli: Cli, db_url: str) -> None:
    no = cli.log()
    cli.ok("assign", no, "--department", "售后服务部")
    import typer

    vocabulary = shell.Vocabulary(db_url)
    vocabulary.refresh()
    completer = shell._completer(typer.main.get_command(app), vocabulary)

    def complete(text: str) -> list[str]:
        return [c.text for c in completer.get_completions(Document(text), None)]

    assert "log" in complete("l") and "list" in complete("l")
    assert "--satisfaction" in complete("followup TS-2026-0001 --sat")
    assert complete("show ts-2026-") == [no]
    assert "售后服务部" in complete("assign TS-2026-0001 --department 售")
    assert "产品质量" in complete("classify TS-2026-0001 --category 产")
    assert "trend" in complete("report t")


def test_the_history_file_keeps_commands_without_customers_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 14 §2: the shell's history file is 0600 and holds no personal value or free text."""
    from complaintctl import shell

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    path = shell.history_path()
    history = shell._private_history(path)
    history.append_string('log --customer 张三 --contact 13800138000 --channel 电话 --content "冰箱坏了 13900139000"')
    history.append_string("contact TS-2026-0001 --via phone --summary=告知已受理13800138000")
    history.append_string('log --content "unclosed')
    kept = path.read_text(encoding="utf-8")
    assert "13800138000" not in kept and "张三" not in kept and "13900139000" not in kept and "unclosed" not in kept
    assert "log --customer … --contact … --channel 电话 --content …" in kept
    assert "--summary=…" in kept
    assert oct(path.stat().st_mode)[-3:] == "600" and oct(path.parent.stat().st_mode)[-3:] == "700"


def test_help_and_clear_are_words_of_the_shell(cli: Cli, db_url: str, capsys) -> None:
    """Issue 15: `help` said "Did you mean 'shell'?", `clear` "close"."""
    run_lines(["help", "help log", "clear", "exit"], db_url)
    out, err = capsys.readouterr()
    assert "Did you mean" not in err and "No such command" not in err
    assert "Commands" in out and "log" in out  # the overview
    assert "--customer" in out  # `help log`: the command's own help
    assert "\x1b[H\x1b[2J" in out


def test_tab_completes_the_values_of_choice_options(cli: Cli, db_url: str) -> None:
    import typer

    cli.log()
    vocabulary = shell.Vocabulary(db_url)
    vocabulary.refresh()
    completer = shell._completer(typer.main.get_command(app), vocabulary)

    def complete(text: str) -> list[str]:
        return [c.text for c in completer.get_completions(Document(text), None)]

    assert {"phone", "email", "电话"} <= set(complete("log --channel "))
    assert "email" in complete("contact TS-2026-0001 --via e")
    assert complete("classify TS-2026-0001 --severity m") == ["major"]
    assert complete("classify TS-2026-0001 --priority h") == ["high"]
    assert set(complete("followup TS-2026-0001 --satisfaction ")) >= {"A", "B", "C", "D"}
    assert "open" in complete("list --status o")
    assert "help" in complete("he") and "clear" in complete("cl")
    assert "log" in complete("help l")
    assert "物流部" in complete("assign TS-2026-0001 --department 物")
