"""The office's procedure as data (issue 16): milestones and ladders declared in the rules,
alerts sent once through Apprise to a local HTTP server, the corrective action, the
first-contact owner, the named steps, and the presets that carry the seeds' procedures."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from conftest import Cli, query

ROOT = Path(__file__).resolve().parent.parent
PRESETS = ROOT / "examples" / "rules"


class Hook:
    """A local webhook: records every message; can answer late or fail."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.delay = 0.0
        self.fail = False
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                time.sleep(hook.delay)
                if hook.fail:
                    self.send_response(500)
                    self.end_headers()
                    return
                hook.received.append(json.loads(body))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"json://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def titles(self) -> list[str]:
        return [m["title"] for m in self.received]


@pytest.fixture
def hook() -> Any:
    server = Hook()
    yield server
    server.server.shutdown()


def property_rules(tmp_path: Path, hook: Hook | None = None, extra: str = "") -> Path:
    text = (PRESETS / "property.toml").read_text(encoding="utf-8")
    if hook is not None:
        for label in ("值班经理", "主管领导", "董事领导"):
            text = text.replace(f'label = "{label}"\n', f'label = "{label}"\nreach = ["{hook.url}"]\n')
    path = tmp_path / "property.toml"
    path.write_text(text + extra, encoding="utf-8")
    return path


def at(monkeypatch: pytest.MonkeyPatch, when: str) -> None:
    monkeypatch.setenv("COMPLAINTCTL_NOW", when)


def log(cli: Cli, content: str, received: str, *extra: str, contact: str = "13800138000") -> str:
    return cli.ok(
        "log", "--customer", "业主王", "--contact", contact, "--channel", "电话",
        "--content", content, "--received", received, *extra,
    ).stdout.strip()  # fmt: skip


def notify_run(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "complaintctl", "overdue", "--notify"], env=env, capture_output=True, text=True, timeout=60
    )


def test_the_emergency_ladder_fires_each_step_once_even_when_runs_overlap(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hook: Hook
) -> None:
    monkeypatch.setenv("COMPLAINTCTL_RULES", str(property_rules(tmp_path, hook)))
    at(monkeypatch, "2026-11-24T10:00+08:00")
    no = log(cli, "3号楼电梯困人, 有老人在里面", "2026-11-24 10:00")
    shown = cli.json("show", no)
    assert shown["milestones"]["emergency"] == "pending"
    ladder = next(d for d in shown["deadlines"] if d["milestone"] == "emergency")["ladder"]
    assert [(s["due_at"][11:16], s["notify"], s["sent_at"]) for s in ladder] == [
        ("10:03", ["值班经理"], None),
        ("10:05", ["主管领导"], None),
        ("10:10", ["董事领导"], None),
    ]
    at(monkeypatch, "2026-11-24T10:02+08:00")
    assert cli.ok("overdue", "--notify").stdout == ""  # nothing due before 10:03
    assert hook.received == []

    # 10:03:30: the 3-minute step is due; two runs overlap while the hook answers in 2 s.
    hook.delay = 2.0
    env = {**os.environ, "COMPLAINTCTL_NOW": "2026-11-24T10:03:30+08:00"}
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "complaintctl", "overdue", "--notify"], env=env, stdout=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=60)[0] for run in runs]
    assert all(run.returncode == 0 for run in runs)
    assert len(hook.received) == 1 and "escalation step 1" in hook.received[0]["title"]
    assert sum("值班经理" in out for out in outputs) == 1  # only the run that sent it says so
    hook.delay = 0.0

    at(monkeypatch, "2026-11-24T10:05:10+08:00")
    assert "主管领导" in cli.ok("overdue", "--notify").stdout
    at(monkeypatch, "2026-11-24T10:10:10+08:00")
    assert "董事领导" in cli.ok("overdue", "--notify").stdout
    assert cli.ok("overdue", "--notify").stdout == ""  # each step once
    assert [t.split(": ", 1)[1] for t in hook.titles()] == [
        "escalation step 1 (3分钟)",
        "escalation step 2 (5分钟)",
        "escalation step 3 (10分钟)",
    ]
    history = [e for e in cli.json("show", no)["history"] if e["action"] == "notified"]
    told = [e["changes"]["notified"][1] for e in history]
    assert [(t["to"], t["channel"], t["step"]) for t in told] == [
        ("值班经理", "json", 1),
        ("主管领导", "json", 2),
        ("董事领导", "json", 3),
    ]
    assert "127.0.0.1" not in json.dumps(cli.json("show", no))  # the URL is kept nowhere
    ladder = next(d for d in cli.json("show", no)["deadlines"] if d["milestone"] == "emergency")["ladder"]
    sent = [s["sent_at"][11:19] for s in ladder]
    assert sent[0] == "10:03:30" and "10:03:00" <= sent[0] < "10:04:00"  # fired at 10:03-10:04
    assert "第 1 级" in cli.ok("show", no).stdout or "step 1" in cli.ok("show", no).stdout


def test_a_failed_send_is_retried_next_run_and_recorded_as_a_retry(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hook: Hook
) -> None:
    monkeypatch.setenv("COMPLAINTCTL_RULES", str(property_rules(tmp_path, hook)))
    at(monkeypatch, "2026-11-24T10:00+08:00")
    no = log(cli, "地下室漏水, 水很大", "2026-11-24 10:00")
    hook.fail = True
    at(monkeypatch, "2026-11-24T10:03:10+08:00")
    result = cli.ok("overdue", "--notify")
    assert "not sent" in result.stdout and hook.received == []
    hook.fail = False
    at(monkeypatch, "2026-11-24T10:04:00+08:00")
    assert "值班经理" in cli.ok("overdue", "--notify").stdout
    assert len(hook.received) == 1
    told = [e["changes"]["notified"][1] for e in cli.json("show", no)["history"] if e["action"] == "notified"]
    assert told[0]["retry"] == 1


def test_repeated_failures_say_so_once_on_stderr(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hook: Hook) -> None:
    monkeypatch.setenv("COMPLAINTCTL_RULES", str(property_rules(tmp_path, hook)))
    at(monkeypatch, "2026-11-24T10:00+08:00")
    log(cli, "火灾报警, 楼道有烟", "2026-11-24 10:00")
    hook.fail = True
    errors = []
    for minute in ("10:03:10", "10:03:20", "10:03:30", "10:03:40"):
        at(monkeypatch, f"2026-11-24T{minute}+08:00")
        errors.append(cli.ok("overdue", "--notify").stderr)
    assert [e.count("failed 3 times") for e in errors] == [0, 0, 1, 0]


def test_breaches_are_told_to_the_department_once(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hook: Hook) -> None:
    extra = f'\n[departments."客服中心"]\nreach = ["{hook.url}"]\n'
    monkeypatch.setenv("COMPLAINTCTL_RULES", str(property_rules(tmp_path, extra=extra)))
    at(monkeypatch, "2026-11-24T09:00+08:00")
    no = log(cli, "楼道保洁不干净", "2026-11-24 09:00")
    cli.ok("assign", no, "--to", "李四")
    at(monkeypatch, "2026-11-24T12:30+08:00")  # the department's 2 h reply has passed
    assert "客服中心" in cli.ok("overdue", "--notify").stdout
    assert cli.ok("overdue", "--notify").stdout == ""
    assert [t for t in hook.titles() if "is overdue" in t]


def test_a_routine_street_light_case_never_enters_the_emergency_ladder(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hook: Hook
) -> None:
    monkeypatch.setenv("COMPLAINTCTL_RULES", str(property_rules(tmp_path, hook)))
    at(monkeypatch, "2026-11-24T10:00+08:00")
    no = log(cli, "小区路灯坏了好几天", "2026-11-24 10:00")
    shown = cli.json("show", no)
    assert set(shown["milestones"]) == {"first_response", "resolution", "dispatch"}
    at(monkeypatch, "2026-11-24T11:00+08:00")
    assert cli.ok("overdue", "--notify").stdout == ""
    assert hook.received == []


def test_reclassifying_starts_or_voids_a_conditional_milestone(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMPLAINTCTL_RULES", str(property_rules(tmp_path)))
    at(monkeypatch, "2026-11-24T10:00+08:00")
    no = log(cli, "小区路灯坏了好几天", "2026-11-24 09:00")
    at(monkeypatch, "2026-11-25T10:00+08:00")
    cli.ok("edit", no, "--field", "投诉内容=路灯坏了, 漏水严重", "--reason", "补充")
    cli.ok("classify", no)
    shown = cli.json("show", no)
    # started from receipt, so its 24 h report deadline is already past
    assert shown["milestones"]["report_24h"] == "overdue"
    cli.ok("edit", no, "--field", "投诉内容=路灯坏了", "--reason", "更正")
    cli.ok("classify", no)
    assert "report_24h" not in cli.json("show", no)["milestones"]


def test_the_seed_004_chain_dispatch_reply_and_report_back(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMPLAINTCTL_RULES", str(property_rules(tmp_path)))
    at(monkeypatch, "2026-11-24T09:00+08:00")
    no = log(cli, "楼道保洁不干净", "2026-11-24 09:00")
    shown = cli.json("show", no)
    assert shown["due"]["dispatch"].startswith("2026-11-24T21:00")
    at(monkeypatch, "2026-11-24T10:00+08:00")
    cli.ok("assign", no, "--to", "李四")
    due = cli.json("show", no)["due"]
    assert due["dept_reply"].startswith("2026-11-24T12:00")  # 2 h from the dispatch, not from receipt
    cli.ok("step", no, "dept_reply", "--note", "已安排保洁返工")
    cli.ok("contact", no, "--via", "phone", "--summary", "已告知业主")
    cli.ok("resolve", no, "--solution", "已返工")
    state = cli.json("show", no)
    assert state["milestones"]["dept_reply"] == "met" and state["milestones"]["report_back"] in ("pending", "due_soon")
    at(monkeypatch, "2026-11-24T13:00+08:00")
    assert cli.json("show", no)["milestones"]["report_back"] == "overdue"
    cli.ok("step", no, "report_back")
    assert cli.json("show", no)["milestones"]["report_back"] == "met_late"
    refused = cli("step", no, "nonsense")
    assert refused.exit_code != 0 and "report_back" in refused.stderr


def test_list_mine_and_received_by_and_the_receivers_news(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import getpass

    login = getpass.getuser()
    extra = (
        f'\n[people.{login}]\nname = "张前台"\nroles = ["clerk", "manager"]\n[people.lisi]\nname = "李四"\nroles = ["handler"]\n'
    )
    monkeypatch.setenv("COMPLAINTCTL_RULES", str(property_rules(tmp_path, extra=extra)))
    at(monkeypatch, "2026-11-24T09:00+08:00")
    monkeypatch.setenv("COMPLAINTCTL_USER", "张前台")
    mine = log(cli, "楼道保洁不干净", "2026-11-24 09:00")
    monkeypatch.setenv("COMPLAINTCTL_USER", "李客服")
    theirs = log(cli, "停车位被占", "2026-11-24 09:05")
    assert [r["no"] for r in cli.json("list", "--received-by", "李客服")] == [theirs]
    cli.ok("assign", mine, "--to", "李四")
    cli.ok("resolve", mine, "--solution", "已返工")
    monkeypatch.setenv("COMPLAINTCTL_USER", "张前台")
    result = cli.ok("list", "--mine")
    assert mine in result.stdout and theirs not in result.stdout
    assert "was resolved" in result.stderr  # the receiver has no destination: told here, once
    assert "was resolved" not in cli.ok("list", "--mine").stderr


def test_plan_approval_agreement_and_the_written_reports_parts(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    extra = '\n[steps.report]\nlabel = "书面处理报告"\nparts = ["事实经过", "处理结果"]\n'
    monkeypatch.setenv("COMPLAINTCTL_RULES", str(property_rules(tmp_path, extra=extra)))
    at(monkeypatch, "2026-11-24T09:00+08:00")
    no = log(cli, "楼道保洁不干净", "2026-11-24 09:00")
    refused = cli("plan", no, "--approve")
    assert refused.exit_code != 0 and "filed first" in refused.stderr and refused.stderr.count("error:") == 1
    cli.ok("plan", no, "--steps", "返工, 加派人手")
    cli.ok("plan", no, "--approve")
    cli.ok("contact", no, "--via", "phone", "--summary", "业主同意方案", "--agreed")
    missing = cli("contact", no, "--via", "书面", "--summary", "处理报告", "--part", "事实经过=保洁漏扫")
    assert missing.exit_code != 0 and "处理结果" in missing.stderr and missing.stderr.count("error:") == 1
    cli.ok("contact", no, "--via", "书面", "--summary", "处理报告", "--part", "事实经过=保洁漏扫", "--part", "处理结果=已返工")
    steps = [e["changes"]["step"][1] for e in cli.json("show", no)["history"] if e["action"] == "step"]
    assert steps == ["plan", "plan_approved", "agreed", "report"]
    cli.ok("resolve", no, "--solution", "已返工")
    cli.ok("followup", no, "--satisfaction", "A", "--method", "现场")
    bad = cli("followup", no, "--satisfaction", "A", "--method", "飞鸽")
    assert bad.exit_code != 0


def test_escalate_to_a_level_the_rules_name(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hook: Hook) -> None:
    monkeypatch.setenv("COMPLAINTCTL_RULES", str(property_rules(tmp_path, hook)))
    at(monkeypatch, "2026-11-24T09:00+08:00")
    no = log(cli, "楼道保洁不干净", "2026-11-24 09:00")
    wrong = cli("escalate", no, "--to", "总统", "--reason", "x")
    assert wrong.exit_code != 0 and "主管领导" in wrong.stderr
    cli.ok("escalate", no, "--to", "主管领导", "--reason", "业主要求负责人出面")
    shown = cli.json("show", no)
    assert shown["escalation_level"] == 2
    assert cli("escalate", no, "--to", "部门负责人", "--reason", "x").exit_code != 0  # not downwards
    assert "主管领导" in cli.ok("overdue", "--notify").stdout  # the level's holders are told
    assert any("was escalated" in t for t in hook.titles())


def test_report_daily_lists_major_cases_and_sends_once(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hook: Hook
) -> None:
    monkeypatch.setenv("COMPLAINTCTL_RULES", str(property_rules(tmp_path, hook)))
    at(monkeypatch, "2026-11-24T09:00+08:00")
    major = log(cli, "电梯困人", "2026-11-23 10:00")
    log(cli, "路灯坏了", "2026-11-23 11:00", contact="13900139000")
    report = cli.json("report", "daily")
    assert [c["no"] for c in report["cases"]] == [major]
    cli.ok("report", "daily", "--notify")
    cli.ok("report", "daily", "--notify")
    daily = [t for t in hook.titles() if t.startswith("major cases")]
    assert daily == ["major cases, 2026-11-23: 1"]


def test_a_case_closed_without_corrective_action_shows_the_miss(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("COMPLAINTCTL_RULES", str(PRESETS / "insurance.toml"))
    at(monkeypatch, "2026-10-20T09:00+08:00")
    no = log(cli, "理赔拖了一个月还没赔付", "2026-10-08 09:00")
    cli.ok("assign", no, "--at", "2026-10-08 10:00")
    cli.ok("contact", no, "--via", "phone", "--summary", "已回电", "--at", "2026-10-08 11:00")
    cli.ok("resolve", no, "--solution", "已赔付", "--at", "2026-10-09 10:00")
    cli.ok("contact", no, "--via", "phone", "--summary", "已告知结果", "--at", "2026-10-09 11:00")
    cli.ok("followup", no, "--satisfaction", "A", "--at", "2026-10-10 10:00")
    assert cli.json("show", no)["milestones"]["corrective_action"] in ("missed", "met_late")
    table = cli.ok("show", no).stdout
    assert "纠正预防措施" in table
    figures = cli.json("report", "--month", "2026-10")["indicators"]
    assert figures["corrective_actions"]["late_or_missing"] == 1 and figures["corrective_actions"]["filed_on_time"] == 0
    out = tmp_path / "book.xlsx"
    cli.ok("export", "--month", "2026-10", "-o", str(out))
    from openpyxl import load_workbook

    book = load_workbook(out, read_only=True)
    cells = [str(c) for row in book["统计汇总"].iter_rows(values_only=True) for c in row if c is not None]
    assert any("纠正预防措施" in c for c in cells)


def test_an_action_filed_and_reviewed_under_insurance(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, db_url: str
) -> None:
    monkeypatch.setenv("COMPLAINTCTL_RULES", str(PRESETS / "insurance.toml"))
    at(monkeypatch, "2026-10-20T09:00+08:00")
    no = log(cli, "理赔拖了一个月还没赔付", "2026-10-08 09:00")
    cli.ok("assign", no, "--at", "2026-10-08 10:00")
    cli.ok(
        "action",
        no,
        "--corrective",
        "理赔流程增加时限提醒",
        "--preventive",
        "每周抽查",
        "--owner",
        "王五",
        "--at",
        "2026-10-09 10:00",
    )
    milestones = cli.json("show", no)["milestones"]
    assert milestones["corrective_action"] == "met" and milestones["action_review"] == "overdue"
    cli.ok("action", no, "--approve")
    assert cli.json("show", no)["milestones"]["action_review"] == "met_late"
    figures = cli.json("report", "--month", "2026-10")["indicators"]
    assert figures["corrective_actions"] == {"filed_on_time": 1, "late_or_missing": 0, "reviewed_on_time": 0, "review_late": 1}


def test_bank_first_contact_owner_must_call_back(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMPLAINTCTL_RULES", str(PRESETS / "bank.toml"))
    at(monkeypatch, "2026-11-24T09:00+08:00")
    monkeypatch.setenv("COMPLAINTCTL_USER", "柜员甲")
    no = log(cli, "排队两个小时没人管", "2026-11-24 09:00")
    assert "first_contact" in cli.json("show", no)["milestones"]
    monkeypatch.setenv("COMPLAINTCTL_USER", "大堂经理")
    cli.ok("contact", no, "--via", "phone", "--summary", "致歉")
    assert cli.json("show", no)["milestones"]["first_contact"] in ("pending", "due_soon")  # another's call does not count
    monkeypatch.setenv("COMPLAINTCTL_USER", "柜员甲")
    cli.ok("contact", no, "--via", "phone", "--summary", "首问人回电")
    assert cli.json("show", no)["milestones"]["first_contact"] == "met"


@pytest.mark.parametrize("preset", sorted(p.name for p in PRESETS.glob("*.toml")))
def test_rules_check_accepts_every_preset(cli: Cli, preset: str) -> None:
    cli.ok("rules", "check", str(PRESETS / preset))


@pytest.mark.parametrize(
    ("body", "key", "fix"),
    [
        ('[milestones.x]\nstart = "recieved"\nstop = "resolved"\nduration = "2h"\n', "milestones.x.start", "use one of"),
        (
            '[milestones.x]\nstart = "received"\nstop = "resolved"\nduration = "2h"\nescalation = [{ after = "1h", notify = ["无名氏"] }]\n',
            "milestones.x.escalation[1].notify",
            "[roles.KEY]",
        ),
        (
            '[milestones.x]\nstart = "received"\nstop = "resolved"\nduration = "2h"\nescalation = [{ after = "3h", notify = ["manager"] }]\n',
            "milestones.x.escalation[1].after",
            "before it is due",
        ),
        ('[milestones.x]\nstart = "received"\nstop = "resolved"\nduration = "-2h"\n', "milestones.x.duration", "negative"),
        (
            '[milestones.x]\nstart = "received"\nstop = "resolved"\n[milestones.x]\nduration = "2h"\n',
            "milestones.x",
            "declared twice",
        ),
    ],
    ids=["unknown-event", "unknown-target", "step-after-end", "negative", "duplicate"],
)
def test_rules_check_names_key_and_fix_in_one_line(cli: Cli, tmp_path: Path, body: str, key: str, fix: str) -> None:
    path = tmp_path / "office.toml"
    path.write_text(body, encoding="utf-8")
    result = cli("rules", "check", str(path))
    assert result.exit_code != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert key in lines[0] and fix in lines[0]


def test_rules_show_masks_destination_tokens(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "office.toml"
    path.write_text('[roles.duty]\nlabel = "值班经理"\nreach = ["dingtalk://SECRETTOKEN123/"]\n', encoding="utf-8")
    shown = cli.ok("rules", "show", "--rules", str(path)).stdout
    assert "SECRETTOKEN123" not in shown and "dingtalk://" in shown


def test_the_ladder_check_reads_only_laddered_deadlines(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, db_url: str
) -> None:
    # no ladder, nobody named under [notify]: --notify reads nothing and sends nothing
    at(monkeypatch, "2026-11-24T10:00+08:00")
    log(cli, "冰箱坏了", "2026-11-01 10:00")
    assert cli.ok("overdue", "--notify").stdout == ""
    assert query(db_url, "SELECT count(*) FROM notification")[0][0] == 0
