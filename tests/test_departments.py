"""Departments and people as a list (issue 15, point 4)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from complaintctl.ruleset import default_rules
from conftest import Cli, snapshot

ROOT = Path(__file__).resolve().parent.parent


def test_an_unknown_department_is_refused_with_the_closest_names(cli: Cli, db_url: str) -> None:
    no = cli.log()
    before = snapshot(db_url)
    result = cli("assign", no, "--department", "物流")
    assert result.exit_code == 2
    assert "did you mean 物流部?" in result.stderr and "department add 物流" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert snapshot(db_url) == before


def test_the_suggestion_in_chinese(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    no = cli.log()
    from complaintctl import i18n

    monkeypatch.setenv("COMPLAINTCTL_LANG", "zh_CN")
    i18n.reset()
    result = cli("assign", no, "--department", "物流")
    monkeypatch.setenv("COMPLAINTCTL_LANG", "C")
    i18n.reset()
    assert "您是否要找 物流部？" in result.stderr


def test_a_department_is_found_by_its_name_typed_loosely(cli: Cli) -> None:
    no = cli.log()
    cli.ok("assign", no, "--department", " 物流部 ")
    assert cli.json("show", no)["department"] == "物流部"


def test_department_add_records_it_in_the_rules_stored_in_the_register(cli: Cli) -> None:
    no = cli.log()
    cli.ok("department", "add", "门店管理部")
    assert "门店管理部" in [d["name"] for d in cli.json("department", "list")]
    assert '[departments."门店管理部"]' in cli.ok("rules", "show").stdout
    cli.ok("assign", no, "--department", "门店管理部")
    audit = cli.ok("audit").stdout
    assert "department add 门店管理部" in audit
    again = cli("department", "add", "门店管理部")
    assert again.exit_code == 2 and "a department already" in again.stderr


def test_import_lists_every_unknown_department_in_one_error(cli: Cli, db_url: str, tmp_path: Path) -> None:
    sheet = tmp_path / "old.csv"
    sheet.write_text(
        "投诉时间,客户姓名,联系电话,投诉内容,责任部门\n"
        "2026-09-18 10:30,张三,13800138000,冰箱不制冷,售后部\n"
        "2026-09-18 11:30,李四,13800138001,快递慢,物流\n"
        "2026-09-18 12:30,王五,13800138002,发票错,售后部\n"
        "2026-09-18 13:30,赵六,13800138003,门店脏,门店管理部\n",
        encoding="utf-8",
    )
    before = snapshot(db_url)
    refused = cli("import", str(sheet))
    assert refused.exit_code == 2
    line = refused.stderr.strip().splitlines()[-1]
    assert "售后部 (2 rows), did you mean 售后服务部?" in line and "物流 (1 rows), did you mean 物流部?" in line
    assert "门店管理部" in line and "--add-departments" in line
    assert snapshot(db_url) == before
    cli.ok("import", str(sheet), "--add-departments")
    names = [d["name"] for d in cli.json("department", "list")]
    assert {"售后部", "物流", "门店管理部"} <= set(names)


def test_assignees_come_from_the_people_when_the_rules_list_them(cli: Cli, tmp_path: Path, monkeypatch) -> None:
    rules = tmp_path / "rules.toml"
    rules.write_text('[people.wang]\nname = "王师傅"\ndepartment = "售后服务部"\nroles = ["handler"]\n', encoding="utf-8")
    monkeypatch.setenv("COMPLAINTCTL_RULES", str(rules))
    no = cli.log()
    refused = cli("assign", no, "--department", "售后服务部", "--to", "王师")
    assert refused.exit_code == 2 and "did you mean 王师傅?" in refused.stderr
    cli.ok("assign", no, "--department", "售后服务部", "--to", "wang")
    assert cli.json("show", no)["assignee"] == "王师傅"


def _departments_named(text: str) -> list[str]:
    commands = [line for line in text.splitlines() if "complaintctl" in line or line.startswith(("投诉>", "  "))]
    return re.findall(r"--department[ =]([^\s'\"\\`]+)", "\n".join(commands))


@pytest.mark.parametrize("path", ["README.md", "examples/quickstart.sh", "docs/domain.md"])
def test_the_examples_name_departments_of_the_built_in_rules(path: str) -> None:
    text = (ROOT / path).read_text(encoding="utf-8") if (ROOT / path).exists() else ""
    added = set(re.findall(r"department add ([^\s`]+)", text))
    rules = default_rules()
    unknown = [name for name in _departments_named(text) if rules.find_department(name) is None and name not in added]
    assert not unknown, f"{path}: {unknown}"
