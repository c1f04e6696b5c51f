"""The quarterly written analysis (issue 17 §5, seed 002 统计分析制度 四(二))."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from complaintctl import analysis
from conftest import Cli
from test_export import to_pdf
from test_reports import seeded  # noqa: F401  (the fixture)

PARTS = [
    "一、本季度投诉产生的主要原因",
    "二、主要采取的解决投诉的方法",
    "三、解决各类投诉的成功之处",
    "四、需要改进的方面",
    "五、需要公司提供哪些方面的支持",
]


def test_the_analysis_has_the_five_parts_and_the_reports_figures(cli: Cli, seeded: dict[str, str]) -> None:  # noqa: F811
    text = cli.ok("report", "--quarter", "2026Q4", "--analysis", "--format", "md").output
    headings = [line[3:] for line in text.splitlines() if line.startswith("## ")]
    assert headings == PARTS
    data = cli.json("report", "--quarter", "2026Q4", "--format", "json")
    totals, ind = data["totals"], data["indicators"]
    assert f"本期受理投诉 {totals['received']} 件, 较上期 {data['previous']['totals']['received']} 件" in text
    assert f"本期解决 {totals['resolved']} 件, 结案 {totals['closed']} 件, 期末未结 {totals['open_at_end']} 件" in text
    rate = ind["resolution_on_time"]["all"]["rate"]
    assert f"| 解决按时率 | {rate * 100:.1f}% |" in text
    assert f"赔偿共 {ind['compensation']['total']:.2f} 元" in text
    # the judgement parts: facts, then a marked place to write
    for part in PARTS[2:]:
        section = text.split(f"## {part}")[1].split("## ")[0]
        assert "> " in section and "【请在此" in section


def test_two_quarters_give_different_text(cli: Cli, seeded: dict[str, str]) -> None:  # noqa: F811
    cli.log(received="2026-08-03 09:00")
    q3 = cli.ok("report", "--quarter", "2026Q3", "--analysis", "--format", "md").output
    q4 = cli.ok("report", "--quarter", "2026Q4", "--analysis", "--format", "md").output
    assert q3 != q4 and "## 一、本季度投诉产生的主要原因" in q3 and "统计期间 2026-07-01 至 2026-09-30" in q3


def test_a_year_gives_the_annual_report(cli: Cli, seeded: dict[str, str]) -> None:  # noqa: F811
    text = cli.ok("report", "--year", "2026", "--analysis", "--format", "md").output
    assert text.startswith("# 客户服务投诉年度报告 2026") and "## 一、本年度投诉产生的主要原因" in text


def _docx_with(path: Path, *paragraphs: str) -> None:
    from docx import Document

    document = Document(str(path))
    for text in paragraphs:
        document.add_paragraph(text)
    document.save(str(path))


def test_check_counts_only_what_the_manager_wrote(cli: Cli, seeded: dict[str, str], tmp_path: Path) -> None:  # noqa: F811
    path = tmp_path / "q4.docx"
    result = cli.ok("report", "--quarter", "2026Q4", "--analysis", "-o", str(path))
    assert "q4.docx" in result.output and path.exists()
    refused = cli("report", "--check", str(path))
    assert refused.exit_code != 0
    assert "0 of at least 500 characters written by the manager" in refused.output
    # 499 characters of the manager's, with figures, punctuation and a placeholder that do not count
    _docx_with(path, "服务" * 200 + "，2026 98.5%【请在此填写】", "改进" * 49 + "好")
    refused = cli("report", "--check", str(path))
    assert refused.exit_code != 0 and "499 of at least 500" in refused.output
    assert len(refused.output.strip().splitlines()) == 1
    _docx_with(path, "支")
    ok = cli.ok("report", "--check", str(path))
    assert "500 characters written by the manager (at least 500): ready to send" in ok.output


def test_check_reads_markdown_too(cli: Cli, seeded: dict[str, str], tmp_path: Path) -> None:  # noqa: F811
    path = tmp_path / "q4.md"
    cli.ok("report", "--quarter", "2026Q4", "--analysis", "--format", "md", "-o", str(path))
    assert analysis.written_characters(path) == 0
    path.write_text(path.read_text(encoding="utf-8") + "\n" + "门店" * 250 + "\n", encoding="utf-8")
    assert analysis.written_characters(path) == 500
    assert cli.ok("report", "--check", str(path)).exit_code == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("report", "--check", "missing.docx"), "--check missing.docx: no such file"),
        (("report", "--check", "NOT_A_DOCX"), "not an analysis (.docx or Markdown) this tool can read"),
        (("report", "--analysis", "--format", "csv"), "--analysis writes a .docx, or Markdown with --format md"),
        (("report", "--analysis", "-o", "/nonexistent/dir/a.docx"), "the folder /nonexistent/dir does not exist"),
    ],
)
def test_bad_analysis_input_is_one_line(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...], message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "NOT_A_DOCX").with_suffix(".docx").write_bytes(b"\x00\x01 not a zip")
    args = tuple("NOT_A_DOCX.docx" if a == "NOT_A_DOCX" else a for a in args)
    result = cli(*args)
    assert result.exit_code != 0
    assert message in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_the_default_period_is_the_last_quarter(
    cli: Cli,
    seeded: dict[str, str],  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    cli.ok("report", "--analysis")  # the test clock stands in 2026Q4
    assert (tmp_path / "投诉统计分析_2026Q3.docx").exists()


@pytest.mark.slow
def test_libreoffice_opens_the_analysis(cli: Cli, seeded: dict[str, str], tmp_path: Path) -> None:  # noqa: F811
    path = tmp_path / "q4.docx"
    cli.ok("report", "--quarter", "2026Q4", "--analysis", "-o", str(path))
    pdf = to_pdf(path, tmp_path)
    assert pdf.exists() and pdf.stat().st_size > 5000


def test_the_docx_carries_a_chart_only_with_the_charts_extra_and_a_cjk_font(
    cli: Cli,
    seeded: dict[str, str],  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from docx import Document

    pytest.importorskip("matplotlib")
    from matplotlib import font_manager

    if not any("CJK" in f.name for f in font_manager.fontManager.ttflist):
        if os.environ.get("CI") == "true":
            pytest.fail("no CJK font; .ci/run installs fonts-noto-cjk")
        pytest.skip("no CJK font here")
    path = tmp_path / "with-chart.docx"
    cli.ok("report", "--quarter", "2026Q4", "--analysis", "-o", str(path))
    assert len(Document(str(path)).inline_shapes) == 1  # the categories, drawn with the CJK font
    monkeypatch.setattr(analysis, "chart_png", lambda _block: None)  # the extra or the font missing
    path = tmp_path / "without.docx"
    cli.ok("report", "--quarter", "2026Q4", "--analysis", "-o", str(path))
    assert len(Document(str(path)).inline_shapes) == 0
    assert analysis.written_characters(path) == 0
