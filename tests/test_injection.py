"""Nothing executable in a cell (issue 14): text a person typed that a spreadsheet would
run as a formula is written as text; the figures the tool computes stay figures."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from complaintctl.cells import for_csv
from conftest import Cli

ACTIVE = ["=1+cmd|' /C calc'!A0", "@SUM(1+1)", "+cmd|' /C notepad'!A0", "-2+3+cmd|' /C calc'!A0", '=HYPERLINK("http://x")']


@pytest.fixture
def october(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMPLAINTCTL_NOW", "2026-11-23T09:00+08:00")
    for n, text in enumerate(ACTIVE):
        cli.ok(
            "log",
            "--customer",
            "张三",
            "--contact",
            f"1380013800{n}",
            "--channel",
            "phone",
            "--content",
            text,
            "--subject",
            text,
            "--location",
            text,
            "--demand",
            text,
            "--received",
            f"2026-10-1{n} 09:00",
        )


def test_the_workbook_holds_no_formula_from_typed_text(cli: Cli, october: None, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    path = tmp_path / "october.xlsx"
    cli.ok("export", "--month", "2026-10", "-o", str(path))
    workbook = load_workbook(path)
    seen = set()
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                seen.add(cell.value)
    assert set(ACTIVE) <= seen  # kept as the clerk typed it, as text


def _cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))) for cell in row]


def test_csv_cells_from_typed_text_start_with_an_apostrophe(cli: Cli, october: None, tmp_path: Path) -> None:
    path = tmp_path / "october.csv"
    cli.ok("export", "--month", "2026-10", "--format", "csv", "-o", str(path))
    report = cli.ok("report", "--month", "2026-10", "--format", "csv").stdout
    for text in (path.read_text(encoding="utf-8-sig"), report):
        cells = _cells(text)
        assert not [c for c in cells if c.startswith(("=", "@")) or c.startswith(("+cmd", "-2+3"))]
        assert f"'{ACTIVE[0]}" in cells
    # The report's computed changes stay figures.
    assert any(c.startswith("+") and c[1:].isdigit() for c in _cells(report))


@given(st.text(max_size=30))
def test_a_neutralised_cell_never_starts_a_formula(text: str) -> None:
    out = for_csv(text)
    assert out == text or out == "'" + text
    assert not str(out).startswith(("=", "@", "\t", "\r"))
    if str(out).startswith(("+", "-")):
        assert out.lstrip("+-").replace(".", "", 1).removesuffix("pt").removesuffix("%").isdigit()


def test_every_file_the_tool_writes_is_its_users_alone(cli: Cli, october: None, tmp_path: Path, db_url: str) -> None:
    """Issue 14 §2: exports (masked, unmasked, CSV) were 0644."""
    import os
    import stat

    os.umask(0o022)  # a login shell's usual mask
    written = [tmp_path / "masked.xlsx", tmp_path / "unmasked.xlsx", tmp_path / "register.csv"]
    cli.ok("export", "--month", "2026-10", "-o", str(written[0]))
    cli.ok("export", "--month", "2026-10", "--unmasked", "-o", str(written[1]))
    cli.ok("export", "--month", "2026-10", "--format", "csv", "-o", str(written[2]))
    if "://" not in db_url:
        written.append(Path(db_url))
    for path in written:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_the_shell_history_is_its_users_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 14 §2: ~/.local/share/complaintctl/shell_history was 0644, even one kept from before."""
    import stat

    from complaintctl.shell import history_path

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    old = tmp_path / "complaintctl" / "shell_history"
    old.parent.mkdir(mode=0o755)
    old.write_text("log --customer 张三\n")
    old.chmod(0o644)
    assert history_path() == old
    assert stat.S_IMODE(old.stat().st_mode) == 0o600
    assert stat.S_IMODE(old.parent.stat().st_mode) == 0o700


ACTIVE_CHARACTERS = ["\r", "\x9b", "\u202e", "\u2028", "\u2066"]


def test_nothing_a_clerk_typed_acts_on_the_terminal(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 14 §3: a carriage return, an 8-bit CSI, a right-to-left override, a line
    separator and a bidi isolate in every text field reached the screen raw."""
    monkeypatch.setenv("COMPLAINTCTL_NOW", "2026-11-23T09:00+08:00")
    text = "甲\r乙\x9b31m丙\u202e丁\u2028戊\u2066己"
    no = cli.ok(
        "log",
        *("--customer", text, "--contact", "13800138000", "--channel", "phone", "--content", text),
        *("--subject", text, "--location", text, "--demand", text, "--received", "2026-10-08 09:00"),
    ).stdout.strip()
    outputs = {
        "list": cli.ok("list").stdout,
        "show": cli.ok("show", no).stdout,
        "overdue": cli("overdue").stdout,
        "report": cli.ok("report", "--month", "2026-10").stdout,
        "list --json": cli.ok("list", "--json").stdout,
        "show --json": cli.ok("show", no, "--json").stdout,
    }
    for name, out in outputs.items():
        assert "甲" in out or "\\u7532" in out or name in ("overdue", "report"), name
        assert not [c for c in ACTIVE_CHARACTERS if c in out], (name, [hex(ord(c)) for c in ACTIVE_CHARACTERS if c in out])
    assert "\\u202e" in outputs["show"] and "\\u202e" in outputs["show --json"]  # visible, not dropped
    refused = cli("show", "TS\u20282026")
    errors = [line for line in refused.stderr.split("\n") if line.startswith("error")]
    assert refused.exit_code != 0 and len(errors) == 1 and "\u2028" not in refused.stderr and "\\u2028" in errors[0]


def test_nothing_imported_acts_on_the_terminal_and_a_number_with_controls_is_refused(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, db_url: str
) -> None:
    """Issue 14 §3: ESC sequences reached the screen through an imported sheet."""
    from conftest import snapshot

    monkeypatch.setenv("COMPLAINTCTL_NOW", "2026-11-23T09:00+08:00")
    text = "甲\x9b31m丁\u202e戊\u2028己\u2066"  # C0 controls (ESC, CR) are refused by import: below
    sheet = tmp_path / "in.csv"
    sheet.write_text(
        "投诉时间,客户姓名,联系方式,投诉主题,投诉内容,地点\n"
        + f'2026-10-08 09:00,"{text}",13800138000,"{text}","{text}","{text}"\n',
        encoding="utf-8",
    )
    cli.ok("import", str(sheet))
    for out in (cli.ok("list").stdout, cli.ok("show", "TS-2026-0001").stdout, cli.ok("list", "--json").stdout):
        assert not [c for c in ACTIVE_CHARACTERS if c in out]
    escaped = tmp_path / "escaped.csv"
    escaped.write_text(
        "投诉时间,客户姓名,联系方式,投诉内容\n" + '2026-10-08 10:00,"张\x1b[2J三",13800138000,坏了\n', encoding="utf-8"
    )
    result = cli("import", str(escaped))
    assert result.exit_code == 2 and "control characters" in result.stderr and "\x1b" not in result.stderr
    numbered = tmp_path / "numbered.csv"
    numbered.write_text(
        "投诉编号,投诉时间,客户姓名,联系方式,投诉内容\n" + '"TS-2026-0007\x1b[2J",2026-10-08 10:00,张三,13800138000,坏了\n',
        encoding="utf-8",
    )
    before = snapshot(db_url)
    result = cli("import", str(numbered))
    assert result.exit_code == 2 and "control characters" in result.stderr and "\x1b" not in result.stderr
    assert snapshot(db_url) == before
