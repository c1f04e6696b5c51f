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
    assert lines[0].split() == ["编号", "投诉时间", "客户", "类别", "严重", "状态", "主题"]
    assert len(lines) == 3
    assert all(cell_len(line) <= columns for line in lines)
    newest = lines[1]
    assert newest.startswith("TS-2026-0002")  # "!" follows when late, as it is by now
    assert "  欧阳长…   " in newest  # the customer column is 8 cells wide
    assert newest.endswith("…")  # the subject is cut at the terminal's edge
    # Every column starts at the same cell in every line.
    for line in lines[1:]:
        assert cell_len(line[: line.index("26-11-0")]) == 15


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
