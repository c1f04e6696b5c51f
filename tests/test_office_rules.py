"""Office rules live in the register (issue 12): `rules install` stores them, recorded in the
chained history; every process on that register then uses them, whatever its user's own
rules file or --rules says."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import Cli, query, snapshot

TEN_DAYS = '[deadlines.resolution]\ngeneral = "10wd"\n'
TWO_DAYS = '[deadlines.resolution]\ngeneral = "2wd"\n'


def _resolution_due(env: dict[str, str], no: str) -> str:
    out = subprocess.run([sys.executable, "-m", "complaintctl", "show", no, "--json"], env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)["due"]["resolution"]


def _recompute(env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "-m", "complaintctl", "recompute"], env=env, check=True, capture_output=True)


def _clerk(tmp_path: Path, name: str, rules: str | None) -> dict[str, str]:
    """A clerk's environment: their own config folder, with their own rules file."""
    home = tmp_path / name
    (home / "complaintctl").mkdir(parents=True)
    if rules is not None:
        (home / "complaintctl" / "rules.toml").write_text(rules, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "COMPLAINTCTL_RULES"}
    return {**env, "XDG_CONFIG_HOME": str(home), "COMPLAINTCTL_USER": name}


def test_installed_rules_are_the_same_for_every_clerk(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "office.toml").write_text(TEN_DAYS, encoding="utf-8")
    no = cli.log(received="2026-11-02 09:15")
    mine, theirs = _clerk(tmp_path, "wang", TWO_DAYS), _clerk(tmp_path, "li", None)
    # Before: each clerk's own file decides (a register without installed rules): the
    # deadline is whatever the last one to recompute had in their config folder.
    _recompute(mine)
    assert _resolution_due(theirs, no) == "2026-11-04T23:59:59+08:00"  # wang's 2 working days
    _recompute(theirs)
    assert _resolution_due(mine, no) == "2026-11-09T23:59:59+08:00"  # li's built-in 5

    result = cli.ok("rules", "install", str(tmp_path / "office.toml"))
    assert "installed" in result.stdout
    _recompute(mine)
    due_mine = _resolution_due(mine, no)
    _recompute(theirs)
    assert _resolution_due(theirs, no) == due_mine == "2026-11-16T23:59:59+08:00"  # 10 working days, office rules
    shown = subprocess.run([sys.executable, "-m", "complaintctl", "rules", "show"], env=mine, capture_output=True, text=True)
    assert "installed in the register" in shown.stdout and '"10wd"' in shown.stdout


def test_a_users_own_rules_decide_until_rules_are_installed(cli: Cli, tmp_path: Path) -> None:
    mine = _clerk(tmp_path, "wang", TWO_DAYS)
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "complaintctl",
            "log",
            "--customer",
            "张三",
            "--contact",
            "13800138000",
            "--channel",
            "phone",
            "--content",
            "冰箱不制冷",
            "--received",
            "2026-11-02 09:15",
        ],
        env=mine,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    assert _resolution_due(mine, out.stdout.strip()) == "2026-11-04T23:59:59+08:00"  # 2 working days: the user's file


def test_install_is_in_the_chained_history_and_verify_stays_intact(cli: Cli, db_url: str, tmp_path: Path) -> None:
    (tmp_path / "office.toml").write_text(TEN_DAYS, encoding="utf-8")
    cli.log()
    cli.ok("rules", "install", str(tmp_path / "office.toml"), "--as", "主管老王")
    rows = query(db_url, "SELECT complaint_id, actor, action, changes FROM history_entry WHERE action = 'rules_installed'")
    assert len(rows) == 1 and rows[0][0] is None and rows[0][1] == "主管老王"
    assert json.loads(rows[0][3])["source"] == [None, "office.toml"]
    assert cli("verify").exit_code == 0
    again = cli.ok("rules", "install", str(tmp_path / "office.toml"))
    assert "already installed" in again.stdout
    assert len(query(db_url, "SELECT id FROM history_entry WHERE action = 'rules_installed'")) == 1


def test_rules_option_cannot_override_installed_rules(cli: Cli, db_url: str, tmp_path: Path) -> None:
    (tmp_path / "office.toml").write_text(TEN_DAYS, encoding="utf-8")
    (tmp_path / "other.toml").write_text(TWO_DAYS, encoding="utf-8")
    cli.ok("rules", "install", str(tmp_path / "office.toml"))
    before = snapshot(db_url)
    result = cli(
        "log",
        "--customer",
        "张三",
        "--contact",
        "13800138000",
        "--channel",
        "phone",
        "--content",
        "x",
        "--rules",
        str(tmp_path / "other.toml"),
    )
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and "installed" in lines[0] and "rules install" in lines[0]
    assert snapshot(db_url) == before


def test_install_refuses_to_drop_a_category_in_use(cli: Cli, db_url: str, tmp_path: Path) -> None:
    cli.log()  # 冰箱不制冷 → quality
    (tmp_path / "bank.toml").write_text(
        '[categories.fees]\nlabel = "收费"\ndepartment = "营业部"\nkeywords = ["收费"]\n\n'
        '[classification]\ndefault_category = "fees"\n',
        encoding="utf-8",
    )
    before = snapshot(db_url)
    result = cli("rules", "install", str(tmp_path / "bank.toml"))
    assert result.exit_code == 1
    assert "quality (1 complaints)" in result.stderr and len(result.stderr.splitlines()) == 1
    assert snapshot(db_url) == before


def test_a_broken_rules_file_is_not_installed(cli: Cli, db_url: str, tmp_path: Path) -> None:
    (tmp_path / "bad.toml").write_text('[deadlines.resolution]\ngeneral = "soon"\n', encoding="utf-8")
    before = snapshot(db_url)
    result = cli("rules", "install", str(tmp_path / "bad.toml"))
    assert result.exit_code == 2 and "general" in result.stderr
    assert snapshot(db_url) == before
