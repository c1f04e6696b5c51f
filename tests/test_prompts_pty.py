"""Prompts in a real terminal (issue 15, point 3): pexpect drives bash in a pty, a clerk
types `complaintctl log` and answers, pasting several lines at 投诉内容 the way a
terminal pastes (bracketed paste). Nothing may reach bash, and a bad answer is asked
again."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pexpect = pytest.importorskip("pexpect")

TOOL = shutil.which("complaintctl", path=str(Path(sys.executable).parent)) or "complaintctl"
PASTE = "\x1b[200~11月20日购买的洗衣机\n发票抬头开错了\n请尽快重开\x1b[201~"


@pytest.fixture
def desk(tmp_path: Path) -> tuple[object, dict[str, str]]:
    env = dict(
        os.environ,
        COMPLAINTCTL_DB=str(tmp_path / "register.db"),
        COMPLAINTCTL_USER="clerk",
        COMPLAINTCTL_LANG="zh_CN",
        PROMPT_TOOLKIT_NO_CPR="1",  # pexpect is no terminal emulator to answer where the cursor is
        TERM="xterm",
    )
    env.pop("COMPLAINTCTL_NOW", None)
    subprocess.run([TOOL, "init"], env=env, check=True, capture_output=True)
    bash = pexpect.spawn("bash", ["--norc", "--noprofile"], env=env, encoding="utf-8", timeout=20, dimensions=(24, 100))
    bash.sendline("PS1='$ '")
    bash.expect_exact("$ ")
    yield bash, env
    bash.close(force=True)


def test_pasted_lines_stay_in_the_answer_and_never_reach_the_shell(desk) -> None:
    bash, env = desk
    bash.sendline(f"{TOOL} log")
    bash.expect("客户姓名")
    bash.send("王五\r")
    bash.expect("联系方式")
    bash.send("12345\r")  # not a contact: explained, and the same field asked again
    bash.expect("请重新输入")
    bash.send("13900139000\r")
    bash.expect("投诉方式")
    bash.send("   \r")  # spaces only: asked again
    bash.expect("不能为空")
    bash.send("微信\r")
    bash.expect("投诉内容")
    bash.send(PASTE)
    bash.send("\r\r")  # the last pasted line ends, then an empty line ends the answer
    bash.expect(r"TS-\d{4}-\d{4}")
    number = bash.after
    bash.expect_exact("$ ")
    bash.sendline("echo after-$?")
    bash.expect_exact("after-0")
    transcript = bash.before
    bash.sendline("exit")
    assert "command not found" not in transcript and "未找到命令" not in transcript
    shown = json.loads(subprocess.run([TOOL, "show", number, "--json"], env=env, capture_output=True, check=True).stdout)
    assert shown["content"] == "11月20日购买的洗衣机\n发票抬头开错了\n请尽快重开"
    assert shown["channel"] == "social"


def test_ctrl_d_ends_a_long_answer_and_ctrl_c_cancels(desk) -> None:
    bash, env = desk
    bash.sendline(f"{TOOL} contact TS-2026-0001 --via phone")
    bash.expect("没有")  # no such complaint: nothing to ask
    bash.expect_exact("$ ")
    bash.sendline(f"{TOOL} log --customer 王五 --contact 13900139000 --channel phone")
    bash.expect("投诉内容")
    bash.send("空调漏水\x04")
    bash.expect(r"TS-\d{4}-\d{4}")
    bash.expect_exact("$ ")
    bash.sendline(f"{TOOL} log --customer 赵六 --contact 13900139001 --channel phone")
    bash.expect("投诉内容")
    bash.send("写到一半\x03")
    bash.expect("取消")
    bash.expect_exact("$ ")
    listed = json.loads(subprocess.run([TOOL, "list", "--json"], env=env, capture_output=True, check=True).stdout)
    assert [r["customer_name"] for r in listed] == ["王五"]


def test_list_is_coloured_on_a_terminal_unless_no_color(desk) -> None:
    bash, _env = desk
    bash.sendline(
        f"{TOOL} log --customer 王五 --contact 13900139000 --channel phone --content 空调漏水 --received '2026-10-08 09:00'"
    )
    bash.expect_exact("[y/N]")  # weeks back: confirmed at the desk
    bash.send("y\r")
    bash.expect(r"TS-\d{4}-\d{4}")
    bash.expect_exact("$ ")
    bash.sendline(f"{TOOL} list; echo end-of-$((40+2))")
    bash.expect_exact("end-of-42")
    assert "\x1b[31m" in bash.before  # overdue in red
    bash.expect_exact("$ ")
    bash.sendline(f"NO_COLOR=1 {TOOL} list; echo end-of-$((40+2))")
    bash.expect_exact("end-of-42")
    assert "TS-2026-0001" in bash.before and "\x1b[31m" not in bash.before and "\x1b[1m" not in bash.before


def test_a_command_pasted_into_a_field_prompt_of_the_shell_stays_there(desk) -> None:
    bash, env = desk
    subprocess.run(
        [TOOL, "log", "--customer", "王五", "--contact", "13900139000", "--channel", "phone", "--content", "漏水"],
        env=env,
        check=True,
        capture_output=True,
    )
    bash.sendline(f"{TOOL} shell")
    bash.expect("投诉>")
    bash.send("contact TS-2026-0001 --via phone\r")
    bash.expect("内容")
    bash.send("\x1b[200~close TS-2026-0001 --reason 误操作\n\x1b[201~")  # the next command, pasted too soon
    bash.send("\x03")  # seen in the answer, not run: the clerk cancels the field
    bash.expect("取消")
    bash.expect("投诉>")
    bash.send("show TS-2026-0001 --json\r")
    bash.expect("投诉>")
    bash.send("\x04")
    bash.expect_exact("$ ")
    shown = json.loads(subprocess.run([TOOL, "show", "TS-2026-0001", "--json"], env=env, capture_output=True, check=True).stdout)
    assert shown["status"] != "closed" and shown["contacts"] == []
