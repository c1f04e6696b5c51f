"""Rules files: `rules check` and `rules show` (issue 3, acceptance 3)."""

from __future__ import annotations

from pathlib import Path

import pytest

from complaintctl.ruleset import default_rules, from_toml, to_toml
from conftest import Cli

EXAMPLES = sorted((Path(__file__).resolve().parent.parent / "examples" / "rules").glob("*.toml"))


@pytest.mark.parametrize("preset", EXAMPLES, ids=lambda p: p.stem)
def test_every_preset_passes_rules_check(cli: Cli, preset: Path) -> None:
    result = cli.ok("rules", "check", str(preset))
    assert result.stdout.strip().endswith("ok")


def test_presets_for_each_industry_are_shipped() -> None:
    assert {p.stem for p in EXAMPLES} >= {"retail", "property", "insurance", "bank"}


BAD = [
    ('[calender]\ntimezone = "Asia/Shanghai"\n', "unknown key 'calender'"),
    ('[deadlines]\nfeedbak = "2wd"\n', "unknown key 'deadlines.feedbak'"),
    ('[deadlines]\nfeedback = "2 weeks"\n', "deadlines.feedback: '2 weeks' is not a duration"),
    ('[deadlines.resolution]\nmajor = "10x"\n', "deadlines.resolution.major"),
    ('[categories.quality]\nlabel = "质量"\nkeywords = ["坏"]\n', "categories.quality.department: is missing"),
    (
        '[categories.quality]\nlabel = "质量"\ndepartment = "质检"\n[classification]\ndefault_category = "other"\n',
        "classification.default_category",
    ),
    ('[calendar]\ntimezone = "Mars/Base"\n', "calendar.timezone"),
    ('[calendar]\ndays_off = ["2026-02-30"]\n', "calendar.days_off"),
    ('[calendar]\noffice_hours = "18:00-09:00"\n', "calendar.office_hours"),
    ('[priority.matrix]\nmajor = { urgent = "top", normal = "medium" }\n', "priority.matrix.major.urgent"),
    ('[severity.signals.media]\nlabel = "媒体"\nraise_to = "huge"\nkeywords = ["媒体"]\n', "severity.signals.media.raise_to"),
    ('[repeat.customer]\ncount = 1\nwindow = "30d"\n', "repeat.customer.count"),
    ('[deadlines\nfeedback = "2wd"\n', "not valid TOML"),
]


@pytest.mark.parametrize("text, words", BAD, ids=[w for _, w in BAD])
def test_rules_check_names_the_key_and_the_fix_on_one_line(cli: Cli, tmp_path: Path, text: str, words: str) -> None:
    path = tmp_path / "office.toml"
    path.write_text(text, encoding="utf-8")
    result = cli("rules", "check", str(path))
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert any(words in line for line in lines), result.stderr
    assert all(line.startswith("error: ") and str(path) in line for line in lines)
    assert "Traceback" not in result.stderr


def test_rules_check_lists_every_problem_not_the_first(tmp_path: Path, cli: Cli) -> None:
    path = tmp_path / "office.toml"
    path.write_text('[deadlines]\nfeedback = "x"\nfollowup = "y"\n[categories.a]\nlabel = "A"\n', encoding="utf-8")
    lines = cli("rules", "check", str(path)).stderr.splitlines()
    assert len(lines) == 4, lines  # two durations, a category routed to nothing, the default category
    assert [
        k
        for k in ("deadlines.feedback", "deadlines.followup", "categories.a.department", "default_category")
        if any(k in line for line in lines)
    ] == ["deadlines.feedback", "deadlines.followup", "categories.a.department", "default_category"]


def test_a_broken_rules_file_stops_other_commands_with_one_line(cli: Cli, tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "office.toml"
    path.write_text('[deadlines]\nfeedback = "x"\nfollowup = "y"\n', encoding="utf-8")
    monkeypatch.setenv("COMPLAINTCTL_RULES", str(path))
    result = cli("list")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "deadlines.feedback" in result.stderr and "rules check" in result.stderr


def test_rules_show_prints_a_file_that_reads_back_the_same(cli: Cli, tmp_path: Path) -> None:
    shown = cli.ok("rules", "show").stdout
    path = tmp_path / "copy.toml"
    path.write_text(shown, encoding="utf-8")
    cli.ok("rules", "check", str(path))
    assert from_toml(shown, "copy").raw == default_rules().raw
    assert to_toml(default_rules().raw) in shown


def test_rules_show_uses_the_file_in_force(cli: Cli, monkeypatch) -> None:
    preset = [p for p in EXAMPLES if p.stem == "property"][0]
    monkeypatch.setenv("COMPLAINTCTL_RULES", str(preset))
    shown = cli.ok("rules", "show").stdout
    assert "突发事件" in shown and str(preset) in shown
    assert cli.json("rules", "show")["deadlines"]["first_response"] == "2h"


def test_rules_file_from_the_user_config_directory(cli: Cli, tmp_path: Path, monkeypatch) -> None:
    config = tmp_path / "config" / "complaintctl"
    config.mkdir(parents=True)
    (config / "rules.toml").write_text('[deadlines]\nfeedback = "1wd"\n', encoding="utf-8")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    assert cli.json("rules", "show")["deadlines"]["feedback"] == "1wd"
