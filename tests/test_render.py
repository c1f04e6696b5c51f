"""What people read: `list` columns stay aligned whatever the text, Chinese included."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from complaintctl.render import _fit, cell_len, visible
from conftest import Cli


@given(text=st.text(max_size=40), width=st.integers(min_value=2, max_value=30))
def test_fit_takes_exactly_the_width(text: str, width: int) -> None:
    fitted = _fit(text.replace("\n", " "), width)
    assert cell_len(fitted) == width
    assert fitted.startswith(visible(text.replace("\n", " "))) or "…" in fitted


@given(text=st.text(alphabet=st.sampled_from("冰箱不制冷，。（）ＴＳ－２０２６ab 12-é\u0301"), max_size=30))
def test_cells_are_counted_as_rich_counts_them(text: str) -> None:
    """Chinese, full-width forms, Latin letters, digits and a combining accent: the widths
    a terminal gives them, as Rich (which the tables used to be drawn with) measures."""
    from rich.cells import cell_len as rich_cell_len

    assert cell_len(text) == rich_cell_len(text)


def test_fit_cuts_chinese_at_a_whole_character() -> None:
    assert _fit("冰箱不制冷", 6) == "冰箱… "
    assert _fit("冰箱", 6) == "冰箱  "
    assert _fit("客户91", 8) == "客户91  "


@pytest.mark.parametrize("columns", [80, 120])
def test_list_columns_line_up_within_the_terminal(cli: Cli, monkeypatch: pytest.MonkeyPatch, columns: int) -> None:
    monkeypatch.setenv("COLUMNS", str(columns))
    cli.log()
    cli.ok(
        "log",
        "--customer",
        "欧阳长名字的客户先生",
        "--contact",
        "13900139000",
        "--channel",
        "web",
        "--content",
        "x",
        "--subject",
        "一个非常非常非常非常非常非常非常非常非常长的主题，远超一行能放下的宽度",
        "--received",
        "2026-11-03 10:00",
    )
    lines = cli.ok("list").stdout.splitlines()
    assert lines[0].split() == ["编号", "投诉时间", "客户", "部门/人", "下一期限", "主题"]
    assert len(lines) == 4 and lines[-1] == "(下一期限: ! 已超期)"  # the legend of the marker used
    assert all(cell_len(line) <= columns for line in lines)
    newest = lines[1]
    assert newest.startswith("TS-2026-0002   11-03 10:00  欧***…  未分派")  # the customer masked
    subject = newest[newest.index("一个") :]
    assert cell_len(subject) >= 20
    assert newest.endswith("…")  # the subject is cut at the terminal's edge
    # Every column starts at the same cell in every line.
    for line in lines[1:3]:
        assert cell_len(line[: line.index("11-0")]) == 15
        assert cell_len(line[: line.rindex("11-0")]) == 15 + 11 + 2 + 6 + 2 + 10 + 2


def test_list_says_so_when_nothing_matches(cli: Cli) -> None:
    cli.log()
    assert cli.ok("list", "--customer", "无此人").stdout == "没有符合条件的投诉\n"


def test_report_tables_are_boxed_with_figures_to_the_right() -> None:
    from complaintctl.render import _boxed

    lines = _boxed(["", "2026-10", "变化"], [["受理 received", "29", "+2"], ["期末未结", "180", "+29"]], str)
    assert lines == [
        "┏━━━━━━━━━━━━━━━┳━━━━━━━━━┳━━━━━━┓",
        "┃               ┃ 2026-10 ┃ 变化 ┃",
        "┡━━━━━━━━━━━━━━━╇━━━━━━━━━╇━━━━━━┩",
        "│ 受理 received │      29 │   +2 │",
        "│ 期末未结      │     180 │  +29 │",
        "└───────────────┴─────────┴──────┘",
    ]


def test_list_takes_two_lines_a_case_when_narrow(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "60")
    no = cli.log()
    lines = cli.ok("list").stdout.splitlines()
    assert lines[1].startswith(no) and lines[2].strip() == "冰箱不制冷"
    assert all(cell_len(line) <= 60 for line in lines)


def test_list_shows_the_next_deadline_and_the_department(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMPLAINTCTL_NOW", "2026-11-02T12:00+08:00")
    no = cli.log()
    cli.ok("assign", no, "--department", "售后服务部", "--to", "王师傅长名")
    row = cli.ok("list").stdout.splitlines()[1]
    assert "  售后服务…  " in row  # department/person cut to 10 columns
    assert "11-03 ~" in row and "!" not in row  # the first response is due tomorrow: due soon, not late
    assert cli.ok("list").stdout.splitlines()[-1] == "(下一期限: ~ 即将到期)"


def test_list_has_no_colour_in_a_pipe(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    cli.log()
    assert "\x1b[" not in cli.ok("list").stdout
