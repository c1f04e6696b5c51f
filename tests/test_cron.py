"""The cron mail (issue 15, point 6): the overdue check on the 300-complaint sample reads
at 80 columns, and examples/crontab's line runs the way cron runs it."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from complaintctl.render import cell_len
from conftest import Cli

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "客户投诉登记表_示例.xlsx"
CRONTAB = ROOT / "examples" / "crontab"
CASE = re.compile(r"^  (TS-\d{4}-\d{4,6})  ")


@pytest.fixture
def sample(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> str:
    cli.ok("import", str(EXAMPLE), "--add-departments")
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("COMPLAINTCTL_LANG", "zh_CN")
    from complaintctl import i18n

    i18n.reset()
    out = cli.ok("overdue", "--at", "2026-11-23 09:00").stdout
    monkeypatch.setenv("COMPLAINTCTL_LANG", "C")
    i18n.reset()
    return str(out)


def test_the_mail_fits_80_columns(sample: str) -> None:
    widest = max(sample.splitlines(), key=cell_len)
    assert cell_len(widest) <= 80, widest


def test_each_case_is_listed_once_with_all_its_late_milestones(cli: Cli, sample: str) -> None:
    listed = [m[1] for line in sample.splitlines() if (m := CASE.match(line))]
    assert len(listed) == len(set(listed))
    items = cli.json("overdue", "--at", "2026-11-23 09:00")
    assert set(listed) == {i["no"] for i in items}
    lines = sample.splitlines()
    twice = next(no for no in listed if sum(i["no"] == no for i in items) == 2)
    at = next(i for i, line in enumerate(lines) if twice in line)
    entry = lines[at] if "初次响应" in lines[at] else lines[at + 1]  # on the case's line when it fits, else below
    assert "初次响应" in entry and "解决" in entry


def test_a_count_per_department_and_totals(cli: Cli, sample: str) -> None:
    items = cli.json("overdue", "--at", "2026-11-23 09:00")
    departments = {i["department"] or "未分派" for i in items}
    for department in departments:
        cases = {i["no"] for i in items if (i["department"] or "未分派") == department}
        late = sum(1 for i in items if (i["department"] or "未分派") == department)
        assert f"{department} — {len(cases)} 件投诉: {late} 项已超期" in sample
    assert sample.splitlines()[-2].startswith("合计: ") or sample.splitlines()[-1].startswith("合计: ")
    assert "未分派 / " not in sample
    assert "即将到期 即将到期" not in sample and "已超期 超期" not in sample


def _cron_job(name: str) -> tuple[dict[str, str], str]:
    """The variables of examples/crontab and its job line running `name`, with cron's `%`
    rule applied (an unescaped % ends the command; `\\%` is a %)."""
    variables, job = {}, None
    for line in CRONTAB.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if re.match(r"^[A-Z_]+=", line):
            key, _, value = line.partition("=")
            variables[key] = value
        elif f"complaintctl {name}" in line and job is None:
            job = line.split(None, 5)[5]
    assert job is not None, f"no {name} line in examples/crontab"
    return variables, job.replace("\\%", "\0").split("%")[0].replace("\0", "%")


def test_the_crontab_line_runs_as_cron_runs_it(tmp_path: Path) -> None:
    home = tmp_path / "home"
    bin_dir = home / ".local" / "bin"
    bin_dir.mkdir(parents=True)
    # README's install: the tool linked into ~/.local/bin (pipx and uv tool put it there too).
    tool = shutil.which("complaintctl", path=str(Path(sys.executable).parent))
    assert tool is not None
    (bin_dir / "complaintctl").symlink_to(tool)
    register = tmp_path / "register.db"
    env = {"HOME": str(home), "COMPLAINTCTL_DB": str(register), "COMPLAINTCTL_USER": "clerk"}
    subprocess.run([tool, "init", "--demo"], env={**os.environ, **env}, check=True, capture_output=True)
    log = [tool, "log", "--customer", "张三", "--contact", "13800138000", "--channel", "phone", "--content", "冰箱不制冷"]
    subprocess.run([*log, "--received", "2026-11-02 09:00"], env={**os.environ, **env}, check=True, capture_output=True)
    variables, job = _cron_job("overdue")
    variables["COMPLAINTCTL_DB"] = str(register)  # the office's own path in place of the example's
    cron_env = {
        **variables,
        "HOME": str(home),
        "LOGNAME": os.environ.get("USER", "clerk"),
        "SHELL": "/bin/sh",
        "PATH": "/usr/bin:/bin",
        "COMPLAINTCTL_NOW": "2026-11-23T08:30+08:00",  # a Monday: a working day (a demo register's clock)
    }
    argv = ["env", "-i", *(f"{k}={v}" for k, v in cron_env.items()), "sh", "-c", job]
    result = subprocess.run(argv, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "TS-2026-0001" in result.stdout and "初次响应" in result.stdout


def test_a_systemd_timer_is_given_with_the_office_zone() -> None:
    timer = (ROOT / "examples" / "systemd" / "complaintctl-overdue.timer").read_text(encoding="utf-8")
    assert "OnCalendar=*-*-* 08:30 Asia/Shanghai" in timer
    service = (ROOT / "examples" / "systemd" / "complaintctl-overdue.service").read_text(encoding="utf-8")
    assert "ExecStart=%h/.local/bin/complaintctl overdue" in service


def test_due_soon_is_said_once(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 15: `即将到期 即将到期` (twice) on a milestone due soon."""
    cli.log(received="2026-11-02 09:00")
    out = cli.ok("overdue", "--at", "2026-11-02 12:00").stdout
    assert out.count("即将到期") == 1 + 3  # the milestone once, plus the three count lines (check, department, total)
    assert "即将到期 即将到期" not in out
