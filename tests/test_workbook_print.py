"""The workbook for the monthly meeting (issue 17): it prints, its figures are numbers,
its charts read at a glance, and a sheet past Excel's row limit continues on another."""

from __future__ import annotations

import math
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from complaintctl import export
from conftest import Cli
from test_export import to_pdf, workbook  # noqa: F401  (the fixture)
from test_reports import seeded  # noqa: F401  (the fixture)

LIST_SHEETS = ("投诉登记表", "处理记录", "超期清单")


def test_every_sheet_prints_landscape_one_page_wide_with_header_footer_and_titles(workbook: Path) -> None:  # noqa: F811
    book = load_workbook(workbook)
    assert book.sheetnames == ["投诉登记表", "处理记录", "统计汇总", "超期清单"]
    for sheet in book.worksheets:
        setup = sheet.page_setup
        assert (setup.orientation, setup.paperSize) == ("landscape", 9), sheet.title
        assert sheet.sheet_properties.pageSetUpPr.fitToPage and setup.fitToHeight == 0, sheet.title
        # one page wide; the register, wider than a page, in two column groups with 投诉编号 on each
        assert setup.fitToWidth == (2 if sheet.title == "投诉登记表" else 1), sheet.title
        assert sheet.oddHeader.center.text == sheet.title
        assert sheet.oddHeader.right.text == "2026-10 (2026-10-01 ~ 2026-10-31)"
        assert sheet.oddFooter.center.text == "第 &P 页 / 共 &N 页"
        assert sheet.oddFooter.left.text.startswith("生成时间 2026-")
        assert sheet.oddFooter.right.text is None  # masked: nothing to keep secret
    for name in LIST_SHEETS:
        assert book[name].print_title_rows == "$1:$1", name
    assert book["投诉登记表"].print_title_cols == "$A:$A"
    assert book["处理记录"].print_title_cols == "$A:$A"
    assert book["投诉登记表"].cell(row=1, column=1).value == "投诉编号"


def test_the_office_name_heads_each_page_and_unmasked_exports_say_confidential(
    cli: Cli,
    seeded: dict[str, str],  # noqa: F811
    tmp_path: Path,
) -> None:
    rules = tmp_path / "office.toml"
    rules.write_text('[office]\nname = "华东 & 华南客服中心"\n', encoding="utf-8")
    path = tmp_path / "unmasked.xlsx"
    cli.ok("export", "--month", "2026-10", "--unmasked", "--rules", str(rules), "-o", str(path))
    for sheet in load_workbook(path).worksheets:
        assert sheet.oddHeader.left.text == "华东 && 华南客服中心"  # & doubled: a lone & starts a header code
        assert sheet.oddFooter.right.text == "保密"


def test_the_summary_keeps_each_table_on_one_page_and_puts_the_charts_after_a_break(workbook: Path) -> None:  # noqa: F811
    sheet = load_workbook(workbook)["统计汇总"]
    breaks = [b.id for b in sheet.row_breaks.brk]
    assert breaks, "the charts start on a page of their own"
    per_page = export._rows_per_page(28 + 4 * 17 + 24 + 3 * 12, export.SUMMARY_ROW_POINTS)
    starts = [0, *breaks]

    def page(row: int) -> tuple[int, int]:  # (the manual break it follows, the page after it)
        start = max(s for s in starts if s < row)
        return start, (row - start - 1) // per_page

    tables: list[list[int]] = []  # each table's rows: its title (bold, column A) to its last row
    for row in sheet.iter_rows(max_col=1):
        cell = row[0]
        if isinstance(cell.value, str) and cell.font.b and cell.row > 3:
            tables.append([cell.row])
        elif tables and cell.value is not None and not cell.font.b and len(tables[-1]) and cell.row > tables[-1][-1]:
            tables[-1].append(cell.row)
    assert len(tables) >= 8
    for rows in tables:  # no table runs over the end of the page it starts on
        assert page(rows[0]) == page(rows[-1]), rows
    # the charts sit after the last break, each within one page's height
    with zipfile.ZipFile(workbook) as archive:
        drawing = archive.read("xl/drawings/drawing1.xml").decode()
    anchors = [int(r) for r in re.findall(r"<from><col>\d+</col><colOff>\d+</colOff><row>(\d+)", drawing)]
    assert anchors and min(anchors) >= breaks[-1]
    assert max(anchors) + export.CHART_ROWS - breaks[-1] <= per_page
    assert sheet.print_area == "'统计汇总'!$A$1:$I$" + str(max(anchors) + export.CHART_ROWS)


def test_no_figure_in_the_summary_is_text_that_reads_as_a_number(workbook: Path) -> None:  # noqa: F811
    number = re.compile(r"[+-]?[\d,]+(\.\d+)?\s*(%|pt|元)?")
    sheet = load_workbook(workbook)["统计汇总"]
    texts = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert [t for t in texts if number.fullmatch(t.strip())] == []
    formats = {}
    for row in sheet.iter_rows(max_col=6):
        if row[0].value in ("初次响应按时率", "赔偿总额 (元)", "受理", "超期次数"):
            formats[row[0].value] = [(c.value, c.number_format) for c in row[1:]]
    assert formats["初次响应按时率"][0] == (0.5, "0.0%")
    assert formats["初次响应按时率"][2][1] == '+0.0"pt";-0.0"pt";0.0"pt"'
    assert formats["赔偿总额 (元)"][0] == (250, "#,##0.00")  # 200 + 50 yuan, a number
    assert formats["受理"][0] == (5, "#,##0")
    assert formats["受理"][2] == (5 - formats["受理"][1][0], "+#,##0;-#,##0;0")  # 环比, a signed number


def test_the_category_chart_puts_the_largest_on_top_and_the_trend_stops_at_the_period(
    cli: Cli,
    seeded: dict[str, str],  # noqa: F811
    tmp_path: Path,
) -> None:
    path = tmp_path / "year.xlsx"
    cli.ok("export", "--year", "2026", "-o", str(path))
    sheet = load_workbook(path)["统计汇总"]
    data = [[c.value for c in row] for row in sheet.iter_rows(min_col=11, max_col=14)]
    start = next(i for i, row in enumerate(data) if row[0] == "图表数据 · 投诉类别")
    counts = []
    for row in data[start + 1 :]:
        if row[0] is None:
            break
        counts.append(row[1])
    assert counts == sorted(counts) and counts[-1] == max(counts)  # drawn bottom-up: the largest on top
    start = next(i for i, row in enumerate(data) if row[0] == "图表数据 · 月度趋势")
    months = []
    for row in data[start + 1 :]:
        if row[0] is None:
            break
        months.append(row[0])
    # the test clock stands in November 2026: no month after it, the running one marked
    assert months[0] == "2026-01" and months[-1] == "2026-11 *" and len(months) == 11
    rates = [c for row in sheet.iter_rows(min_col=13, max_col=13) for c in row if isinstance(c.value, float)]
    assert rates and {c.number_format for c in rates} == {"0.0%"}  # 91.4% reads 91.4%, not 91%


def test_a_month_without_follow_ups_says_so_instead_of_an_empty_chart(cli: Cli, tmp_path: Path) -> None:
    cli.log(received="2026-10-08 09:00")
    path = tmp_path / "quiet.xlsx"
    cli.ok("export", "--month", "2026-10", "-o", str(path))
    cells = [c.value for row in load_workbook(path)["统计汇总"].iter_rows() for c in row if c.value]
    assert "回访满意度 A–D: no data for this period" in cells
    with zipfile.ZipFile(path) as archive:
        charts = [archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/charts/chart")]
    assert not any("<c:pieChart>" in c for c in charts)


def test_rows_grow_with_their_wrapped_text(cli: Cli, tmp_path: Path) -> None:
    long = "冰箱买回来第三天就不制冷了，" * 8
    cli.log("--content", long, received="2026-10-08 09:00")
    cli.log("--content", "短", received="2026-10-09 09:00")
    path = tmp_path / "tall.xlsx"
    cli.ok("export", "--month", "2026-10", "-o", str(path))
    sheet = load_workbook(path)["投诉登记表"]
    assert sheet.row_dimensions[2].height == export.MOST_LINES * export.LINE_POINTS  # capped
    assert sheet.row_dimensions[3].height is None  # one line: the default height
    handling = load_workbook(path)["处理记录"]  # 内容 wraps within the page and its row grows with it
    assert handling.column_dimensions["F"].width == 70 and handling.page_setup.fitToWidth == 1
    registered = next(r[0].row for r in handling.iter_rows(min_row=2) if r[4].value == "登记")
    assert handling.row_dimensions[registered].height >= 2 * export.LINE_POINTS


def test_wrapped_lines_count_cjk_twice_and_are_capped() -> None:
    assert export.wrapped_lines("abc", 30) == 1
    assert export.wrapped_lines("字" * 13, 30) == 1  # 13 × 2.15 = 28 of 29.5
    assert export.wrapped_lines("字" * 14, 30) == 2
    assert export.wrapped_lines("a" * 29, 30) == 1
    assert export.wrapped_lines("a\nb\nc", 30) == 3
    assert export.wrapped_lines("字" * 1000, 30) == export.MOST_LINES
    assert export.wrapped_lines(12345, 5) == 1


def test_a_sheet_past_the_row_limit_continues_on_a_second_sheet(
    cli: Cli,
    seeded: dict[str, str],  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(export, "SHEET_ROWS", 4)  # a header and three rows a sheet
    path = tmp_path / "split.xlsx"
    result = cli("export", "--month", "2026-10", "-o", str(path))
    assert result.exit_code == 0, result.output
    book = load_workbook(path)
    assert book.sheetnames[:2] == ["投诉登记表", "投诉登记表-2"]
    assert "处理记录-2" in book.sheetnames and book.sheetnames.index("统计汇总") > book.sheetnames.index("处理记录-2")
    first, second = book["投诉登记表"], book["投诉登记表-2"]
    assert [c.value for c in second[1]] == [c.value for c in first[1]]  # the header again
    numbers = [r[0] for r in first.iter_rows(min_row=2, values_only=True)] + [
        r[0] for r in second.iter_rows(min_row=2, values_only=True)
    ]
    assert numbers == [seeded[k] for k in ("n1", "n2", "n3", "n4", "n5")]
    assert first.max_row == 4 and second.print_title_cols == "$A:$A"
    handled = sum(book[n].max_row - 1 for n in book.sheetnames if n.startswith("处理记录"))
    assert handled > 6
    assert "投诉登记表: more than 4 rows, Excel's limit; it continues on 投诉登记表-2" in result.stderr


def test_the_handling_log_shows_compensation_in_yuan(workbook: Path) -> None:  # noqa: F811
    texts = [r[5] for r in load_workbook(workbook)["处理记录"].iter_rows(min_row=2, values_only=True)]
    assert any("赔偿金额: ¥200.00" in t for t in texts)
    assert not any("20000" in t or "(分)" in t for t in texts)


@pytest.mark.slow
def test_a_printed_month_stays_within_its_page_budget(workbook: Path, tmp_path: Path) -> None:  # noqa: F811
    """Issue 17: ⌈register rows ÷ 25⌉ + ⌈handling rows ÷ 30⌉ + 6 pages at most."""
    pdf = to_pdf(workbook, tmp_path, needs=("pdfinfo",))
    book = load_workbook(workbook, read_only=True)
    register = sum(1 for _ in book["投诉登记表"].iter_rows(min_row=2))
    handling = sum(1 for _ in book["处理记录"].iter_rows(min_row=2))
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))  # type: ignore[union-attr]
    assert pages <= math.ceil(register / 25) + math.ceil(handling / 30) + 6, pages


def test_a_table_longer_than_a_page_goes_on_with_its_title_and_header(
    cli: Cli,
    seeded: dict[str, str],  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The 超期责任 table of a big month ran over its page without its header (issue 17)."""
    monkeypatch.setattr(export, "_rows_per_page", lambda *_args: 12)
    path = tmp_path / "short-pages.xlsx"
    cli.ok("export", "--month", "2026-10", "-o", str(path))
    sheet = load_workbook(path)["统计汇总"]
    first = [row for row in sheet.iter_rows(max_col=2) if row[0].value in ("考核指标", "考核指标 (续)")]
    assert [r[0].value for r in first] == ["考核指标", "考核指标 (续)"]
    for title in first:  # each part: its title, then the header row
        assert sheet.cell(row=title[0].row + 1, column=2).value == "2026-10"
    breaks = [b.id for b in sheet.row_breaks.brk]
    assert first[1][0].row - 1 in breaks  # the part starts a page
