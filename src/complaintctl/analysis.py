"""The quarterly written analysis (seed 002 统计分析制度 四(二)): the five parts a store
sends up before the 3rd of the next quarter, drafted from the report's figures.

The parts that are figures (主要原因, 解决方法) are written as data sentences; the parts
that are the manager's judgement (成功之处, 需要改进, 需要公司支持) carry the facts that
support them and a place to write, marked 【…】. `written_characters` counts what the
manager wrote: CJK characters outside headings, data sentences, tables and 【…】.

`draft` turns report data into plain blocks; `to_markdown` and `write_docx` (python-docx,
imported there) lay them out; `written_characters` reads either back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .i18n import _

# The seed asks for at least this many characters of the manager's own text.
LEAST_WRITTEN = 500
# The paragraph style of a data sentence in the .docx: the check leaves it out.
DATA_STYLE = "complaintctl data"
PLACEHOLDER = re.compile(r"【[^】]*】")
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


@dataclass
class Block:
    """One piece of the document: a heading, a data sentence, a place to write, a table."""

    kind: str  # title | heading | data | write | table | chart
    text: str = ""
    rows: list[list[str]] = field(default_factory=list)
    values: list[tuple[str, int]] = field(default_factory=list)  # a chart's bars


def _pct(value: float | None) -> str:
    from .reports import Figure  # one way a rate reads, as in the report's tables

    return str(Figure(value, "percent"))


def _versus(now: float | None, before: float | None) -> str:
    if now is None or before is None:
        return _("无可比数据")
    diff = (now - before) * 100
    if abs(diff) < 0.05:
        return _("持平")
    return (
        _("上升 {points:.1f} 个百分点").format(points=diff) if diff > 0 else _("下降 {points:.1f} 个百分点").format(points=-diff)
    )


def _count_change(now: int, before: int) -> str:
    if now == before:
        return _("持平")
    return _("增加 {n} 件").format(n=now - before) if now > before else _("减少 {n} 件").format(n=before - now)


def draft(data: dict[str, Any], tables: list[Any], *, office: str, category_label: Any, kind: str = "quarter") -> list[Block]:
    """The analysis of the period in `data` (reports.report's result) as blocks: the
    quarterly analysis, or for a year (`kind`) the annual report the centre writes."""
    annual = kind == "year"
    period = data["period"]["label"]
    prev, ago = data["previous"], data.get("year_before", data["previous"])
    ind, pind, aind = data["indicators"], prev["indicators"], ago["indicators"]
    totals, ptotals = data["totals"], prev["totals"]
    blocks = [
        Block(
            "title",
            (_("{office}客户服务投诉年度报告 {period}") if annual else _("{office}客户服务投诉分析 {period}"))
            .format(office=office, period=period)
            .strip(),
        ),
        Block(
            "data",
            _("统计期间 {start} 至 {end}; 对照上期 {before}、去年同期 {year_ago}。").format(
                start=data["period"]["from"],
                end=data["period"]["to"],
                before=prev["period"]["label"],
                year_ago=ago["period"]["label"],
            ),
        ),
    ]
    for table in tables[:2]:  # 投诉总量, 考核指标: the figures the parts speak of, as native tables
        blocks.append(Block("table", table.title, [list(table.headers), *[[str(c) for c in row] for row in table.rows]]))

    # 一、主要原因
    blocks.append(Block("heading", _("一、本年度投诉产生的主要原因") if annual else _("一、本季度投诉产生的主要原因")))
    blocks.append(
        Block(
            "data",
            _("本期受理投诉 {now} 件, 较上期 {before} 件{change}; 去年同期 {year_ago} 件。").format(
                now=totals["received"],
                before=ptotals["received"],
                change=_count_change(totals["received"], ptotals["received"]),
                year_ago=ago["totals"]["received"],
            ),
        )
    )
    categories = data["by"].get("category", {})
    received = totals["received"] or 1
    top = sorted(categories.items(), key=lambda kv: (-kv[1], kv[0]))[:3]
    if top:
        blocks.append(
            Block(
                "data",
                _("按投诉类别, 居前的是 {top}。").format(
                    top=_("、").join(
                        _("{name} {count} 件 (占 {share})").format(name=category_label(k), count=n, share=_pct(n / received))
                        for k, n in top
                    )
                ),
            )
        )
    before_categories = prev["by"].get("category", {})
    if top:
        blocks.append(
            Block(
                "chart",
                _("投诉类别分布"),
                values=[(category_label(k), n) for k, n in sorted(categories.items(), key=lambda kv: (kv[1], kv[0]))],
            )
        )
    moves = sorted(
        ((k, categories.get(k, 0) - before_categories.get(k, 0)) for k in set(categories) | set(before_categories)),
        key=lambda kv: (-abs(kv[1]), kv[0]),
    )
    moves = [m for m in moves if m[1]][:3]
    if moves:
        blocks.append(
            Block(
                "data",
                _("与上期相比变化最大的类别: {moves}。").format(
                    moves=_("、").join(f"{category_label(k)} {d:+d}" for k, d in moves)
                ),
            )
        )
    spots = data.get("hot_spots", {})
    for name, label in (("subject", _("主题")), ("location", _("地点"))):
        found = spots.get(name, {}).get("top", [])[:3]
        if found:
            blocks.append(
                Block(
                    "data",
                    _("投诉最多的{what}: {items}。").format(
                        what=label,
                        items=_("、").join(_("{key} ({count} 件)").format(key=t["key"], count=t["count"]) for t in found),
                    ),
                )
            )
    blocks.append(Block("write", _("【请在此分析投诉产生的主要原因: 哪些商品、服务或环节, 为什么。】")))

    # 二、解决方法
    blocks.append(Block("heading", _("二、主要采取的解决投诉的方法")))
    blocks.append(
        Block(
            "data",
            _("本期解决 {resolved} 件, 结案 {closed} 件, 期末未结 {open} 件。").format(
                resolved=totals["resolved"], closed=totals["closed"], open=totals["open_at_end"]
            ),
        )
    )
    compensation = ind["compensation"]
    if compensation["total"]:
        from .domain import CompensationKind

        def kind_label(code: str) -> str:
            return _(CompensationKind.of(code).label) if code in CompensationKind._value2member_map_ else code

        kinds = _("、").join(
            _("{kind} {amount:.2f} 元").format(kind=kind_label(k), amount=v) for k, v in compensation["by_kind"].items()
        )
        blocks.append(
            Block(
                "data",
                _("赔偿共 {total:.2f} 元 (上期 {before:.2f} 元): {kinds}。").format(
                    total=compensation["total"], before=pind["compensation"]["total"], kinds=kinds
                ),
            )
        )
    handling = ind["handling_working_days"]
    if handling["median"] is not None:
        blocks.append(
            Block(
                "data",
                _("处理时长中位数 {median} 个工作日 (上期 {before})。").format(
                    median=handling["median"],
                    before=pind["handling_working_days"]["median"]
                    if pind["handling_working_days"]["median"] is not None
                    else "—",
                ),
            )
        )
    blocks.append(Block("write", _("【请在此说明主要的处理方法: 退换、维修、赔偿、道歉、整改……及其效果。】")))

    # 三、成功之处 — 五、需要公司支持: the manager's judgement, with the facts beside it
    rates = (
        (
            _("初次响应按时率"),
            ind["first_response_on_time"]["rate"],
            pind["first_response_on_time"]["rate"],
            aind["first_response_on_time"]["rate"],
        ),
        (
            _("解决按时率"),
            ind["resolution_on_time"]["all"]["rate"],
            pind["resolution_on_time"]["all"]["rate"],
            aind["resolution_on_time"]["all"]["rate"],
        ),
        (
            _("处理成功率 (首次回访 A–C)"),
            ind["resolution_success"]["rate"],
            pind["resolution_success"]["rate"],
            aind["resolution_success"]["rate"],
        ),
    )
    better = [r for r in rates if r[1] is not None and r[2] is not None and r[1] > r[2]]
    worse = [r for r in rates if r[1] is not None and r[2] is not None and r[1] < r[2]]

    def rate_sentence(name: str, now: float | None, before: float | None, year_ago: float | None) -> str:
        return _("{name} {now}, 较上期{versus}, 较去年同期{year}。").format(
            name=name, now=_pct(now), versus=_versus(now, before), year=_versus(now, year_ago)
        )

    blocks.append(Block("heading", _("三、解决各类投诉的成功之处")))
    for r in better or rates[:1]:
        blocks.append(Block("data", rate_sentence(*r)))
    satisfied = ind["satisfaction"]
    visits = sum(satisfied.values())
    if visits:
        blocks.append(
            Block(
                "data",
                _("首次回访 {visits} 件, 很满意与满意 {good} 件 (占 {share})。").format(
                    visits=visits, good=satisfied["A"] + satisfied["B"], share=_pct((satisfied["A"] + satisfied["B"]) / visits)
                ),
            )
        )
    blocks.append(Block("write", _("【请在此总结做得好的地方及可推广的做法。】")))

    blocks.append(Block("heading", _("四、需要改进的方面")))
    for r in worse:
        blocks.append(Block("data", rate_sentence(*r)))
    breaches = data["breaches"]
    blocks.append(
        Block("data", _("超期 {now} 次 (上期 {before} 次)。").format(now=breaches["total"], before=prev["breaches"]["total"]))
    )
    by_department: dict[str, int] = {}
    for row in breaches.get("by_assignee", []):
        name = row["department"] or _("未分派")
        by_department[name] = by_department.get(name, 0) + sum(v for v in row.values() if isinstance(v, int))
    if by_department:
        worst = sorted(by_department.items(), key=lambda kv: (-kv[1], kv[0]))[:3]
        blocks.append(Block("data", _("超期最多的部门: {items}。").format(items=_("、").join(f"{k} {v} 次" for k, v in worst))))
    repeat = ind["repeat_complaints"]
    blocks.append(
        Block("data", _("重复投诉率 {rate}; 首次回访不满意 (D) {d} 件。").format(rate=_pct(repeat["rate"]), d=satisfied["D"]))
    )
    blocks.append(Block("write", _("【请在此写明需要改进的方面、原因和改进措施。】")))

    blocks.append(Block("heading", _("五、需要公司提供哪些方面的支持")))
    growing = [
        (category_label(g["key"]) if name == "category" else g["key"], g["change"])
        for name in ("category", "subject", "location")
        for g in spots.get(name, {}).get("growing", [])
    ][:3]
    if growing:
        blocks.append(
            Block(
                "data",
                _("增长最快: {items}。").format(
                    items=_("、").join(_("{key} ({change:+d} 件)").format(key=key, change=change) for key, change in growing)
                ),
            )
        )
    blocks.append(Block("data", _("期末仍有 {open} 件未结。").format(open=totals["open_at_end"])))
    blocks.append(Block("write", _("【请在此写明需要公司在人员、培训、商品、系统、制度等方面提供的支持。】")))
    return blocks


def to_markdown(blocks: list[Block]) -> str:
    """The analysis as Markdown: data sentences are quoted (> ), places to write in 【】."""
    out: list[str] = []
    for block in blocks:
        if block.kind == "title":
            out += [f"# {block.text}", ""]
        elif block.kind == "heading":
            out += [f"## {block.text}", ""]
        elif block.kind == "data":
            out += [f"> {block.text}", ""]
        elif block.kind == "write":
            out += [block.text, ""]
        elif block.kind == "chart":
            continue  # a picture: the .docx only
        else:
            out += [f"**{block.text}**", ""]
            head, *body = block.rows
            out.append("| " + " | ".join(head) + " |")
            out.append("|" + "|".join("---" for _ in head) + "|")
            out += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in body]
            out.append("")
    return "\n".join(out)


def write_docx(blocks: list[Block], path: Path) -> None:
    """The analysis as a Word document: headings, data sentences in their own style
    (grey), tables native, places to write highlighted."""
    from docx import Document
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_COLOR_INDEX
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    document = Document()
    normal = document.styles["Normal"]
    normal.font.size = Pt(11)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "SimSun")  # CJK text in a CJK face
    data_style = document.styles.add_style(DATA_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    data_style.base_style = normal
    data_style.font.color.rgb = RGBColor(0x44, 0x54, 0x6A)
    for block in blocks:
        if block.kind == "title":
            document.add_heading(block.text, level=0)
        elif block.kind == "heading":
            document.add_heading(block.text, level=1)
        elif block.kind == "data":
            document.add_paragraph(block.text, style=DATA_STYLE)
        elif block.kind == "write":
            run = document.add_paragraph().add_run(block.text)
            run.font.highlight_color = WD_COLOR_INDEX.YELLOW
        elif block.kind == "chart":
            picture = chart_png(block)
            if picture is not None:
                from docx.shared import Cm

                document.add_picture(picture, width=Cm(15))
        else:
            document.add_paragraph(block.text, style=DATA_STYLE).runs[0].bold = True
            table = document.add_table(rows=len(block.rows), cols=len(block.rows[0]))
            table.style = "Table Grid"
            from docx.shared import Cm

            widths = [Cm(5.0)] + [Cm(11.0 / max(len(block.rows[0]) - 1, 1))] * (len(block.rows[0]) - 1)
            for r, row in enumerate(block.rows):
                for c, value in enumerate(row):
                    cell = table.cell(r, c)
                    cell.text = value
                    cell.width = widths[c]  # the label column wide enough for 处理成功率 (首次回访 A–C)
    document.save(str(path))


def chart_png(block: Block) -> Any:
    """The chart as a PNG (a file-like object), drawn by matplotlib with a CJK font; None
    when the optional extra (pip install 'complaintctl[charts]') or such a font is missing:
    the document is complete without it, its figures are in the tables and sentences."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        from matplotlib import font_manager
        from matplotlib import pyplot as plt
    except ImportError:
        return None
    # Simplified Chinese first (Noto Sans CJK SC, from Debian's fonts-noto-cjk)
    fonts = sorted({f.name for f in font_manager.fontManager.ttflist if "CJK" in f.name}, key=lambda n: ("CJK SC" not in n, n))
    if not fonts:
        return None
    import io

    labels, counts = zip(*block.values) if block.values else ((), ())
    figure, axes = plt.subplots(figsize=(7.5, 0.35 * max(len(labels), 3) + 1))
    axes.barh(list(labels), list(counts), color="#4F81BD")
    axes.set_title(block.text, fontfamily=fonts[0])
    axes.set_yticks(range(len(labels)), labels, fontfamily=fonts[0])
    for index, count in enumerate(counts):
        axes.text(count, index, f" {count}", va="center", fontsize=9, fontfamily=fonts[0])
    axes.spines[["top", "right"]].set_visible(False)
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=150)
    plt.close(figure)
    out.seek(0)
    return out


def written_characters(path: Path) -> int:
    """How many CJK characters the manager wrote in an analysis (.docx or Markdown):
    headings, data sentences, tables and the text in 【】 are not counted."""
    if path.suffix.lower() == ".docx":
        from docx import Document

        texts = [
            p.text
            for p in Document(str(path)).paragraphs  # tables are not paragraphs of the body
            if not p.style.name.startswith(("Heading", "Title")) and p.style.name != DATA_STYLE
        ]
    else:
        texts = [
            line for line in path.read_text(encoding="utf-8").splitlines() if not line.lstrip().startswith(("#", ">", "|", "**"))
        ]
    return sum(len(CJK.findall(PLACEHOLDER.sub("", text))) for text in texts)
