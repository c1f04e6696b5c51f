"""The monthly workbook for management: the register itself, its contact log and
history, the report's figures with native Excel charts, and the list of breaches.

Streamed: rows come from the database in batches and go to openpyxl's write-only
workbook, so a 100,000-row period needs neither the whole register in memory nor a
workbook object per cell. Contacts are masked unless `unmasked`.
"""

from __future__ import annotations

import csv
import itertools
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Text, cast, literal_column, null, select, union_all
from sqlmodel import Session

from . import fields, reports
from .cells import for_csv, is_formula_text
from .domain import NOT_ASSIGNED, Channel, Milestone, Satisfaction, Severity
from .i18n import N_, _
from .models import Complaint, ContactEntry, HistoryEntry
from .periods import Period
from .privacy import mask_contact, mask_name, mask_personal, mask_text
from .procedures import label_of
from .render import cell_len
from .rules import Policy


@dataclass(frozen=True)
class Column:
    """One column of the register sheet: the paper form's heading and how to show a value."""

    key: str
    header: str
    kind: str = "text"  # text | long | time | money | choice
    choice: Any = None


def _column(entry: fields.Field) -> Column:
    if entry.kind in ("choice", "category"):
        return Column(entry.name, entry.label, "choice", entry.choice or "category")
    return Column(entry.name, entry.label, entry.kind if entry.kind in ("long", "time", "money") else "text")


# The registry's exported fields in the paper form's order (docs/domain.md §1), then the
# milestones the case missed.
REGISTER_COLUMNS: tuple[Column, ...] = (*(_column(f) for f in fields.EXPORTED), Column("late", N_("超期节点")))


def register_columns(policy: Policy) -> tuple[Column, ...]:
    """The register sheet's columns under these rules: the built-in fields, the fields the
    office's rules declare (by label), then the missed milestones."""
    declared = tuple(Column(f"field.{f.key}", f.label, "declared", f) for f in policy.rules.fields)
    return (*REGISTER_COLUMNS[:-1], *declared, REGISTER_COLUMNS[-1])


# Which cell turns red when a milestone was missed.
LATE_CELL = {
    Milestone.FIRST_RESPONSE.value: "first_response_at",
    Milestone.RESOLUTION.value: "resolved_at",
    Milestone.FEEDBACK.value: "feedback_at",
    Milestone.FOLLOWUP.value: "followup_at",
    Milestone.CORRECTIVE_ACTION.value: "corrective_action",
}

BATCH = 2000


def default_filename(period: Period, fmt: str) -> str:
    return _("客户投诉汇总_{period}.{suffix}").format(period=period.label, suffix="csv" if fmt == "csv" else "xlsx")


def _label(column: Column, value: Any, policy: Policy) -> Any:
    if value is None:
        return None
    if column.choice == "category":
        return policy.rules.category_label(value)
    try:
        return _(column.choice(value).label)
    except ValueError:
        return value


def _local(value: datetime | None, policy: Policy) -> datetime | None:
    # Excel has no time zones: office time, without an offset.
    return value.astimezone(policy.tz).replace(tzinfo=None, microsecond=0) if value is not None else None


def late_milestones(breaches: Iterable[dict[str, Any]]) -> dict[str, list[str]]:
    """Complaint number → the milestones it missed, from reports.breach_list's rows."""
    late: dict[str, list[str]] = {}
    for row in breaches:
        missed = late.setdefault(row["no"], [])
        if row["milestone"] not in missed:  # a milestone missed twice (after a reopening) is named once
            missed.append(row["milestone"])
    return late


def register_rows(
    session: Session, period: Period, *, policy: Policy, unmasked: bool, late: dict[str, list[str]]
) -> Iterator[dict[str, Any]]:
    """The period's complaints in the order received, as values ready for a sheet;
    `late` (from late_milestones) marks the missed milestones."""
    columns = register_columns(policy)
    keys = [c.key for c in REGISTER_COLUMNS if c.key != "late"]
    declared = _declared_values(session, period) if policy.rules.fields else {}
    stmt = (
        select(*[getattr(Complaint, k) for k in keys], Complaint.id)
        .where(Complaint.received_date >= period.start, Complaint.received_date <= period.end)  # type: ignore[operator]
        .order_by(Complaint.received_at, Complaint.id)
        .execution_options(yield_per=BATCH)
    )
    for row in session.execute(stmt):
        values = dict(zip(keys, row))
        values.update(declared.get(row[-1], {}))
        out: dict[str, Any] = {}
        for column in columns:
            if column.key == "late":
                continue
            value = values.get(column.key)
            if column.kind == "declared":
                if value is not None and column.choice.kind == "number":
                    value = float(value) if "." in value else int(value)
                elif value is not None and column.choice.personal and not unmasked:
                    value = mask_personal(value)
            elif column.kind == "time":
                value = _local(value, policy)
            elif column.kind == "choice":
                value = _label(column, value, policy)
            elif column.kind == "money":
                value = value / 100 if value is not None else None
            elif column.key == "contact" and not unmasked:
                value = mask_contact(value)
            elif column.key == "customer_name" and not unmasked:
                value = mask_name(value)
            elif column.key in fields.FREE_TEXT and not unmasked:
                value = mask_text(value)
            out[column.key] = value
        missed = late.get(values["no"], [])
        out["late"] = _("、").join(label_of(m) for m in missed) or None
        out["_late"] = {LATE_CELL[m] for m in missed}
        yield out


def _declared_values(session: Session, period: Period) -> dict[int, dict[str, str]]:
    """The period's complaints' declared fields: complaint id → {"field.KEY": value}."""
    from .models import ComplaintField

    found: dict[int, dict[str, str]] = {}
    rows = session.execute(
        select(ComplaintField.complaint_id, ComplaintField.key, ComplaintField.value)
        .join(Complaint, Complaint.id == ComplaintField.complaint_id)  # type: ignore[arg-type]
        .where(Complaint.received_date >= period.start, Complaint.received_date <= period.end)  # type: ignore[operator]
    )
    for cid, key, value in rows:
        found.setdefault(cid, {})[f"field.{key}"] = value
    return found


def handling_rows(session: Session, period: Period, *, policy: Policy, unmasked: bool) -> Iterator[tuple[Any, ...]]:
    """Every contact and history entry of the period's complaints, case by case, oldest first."""
    from .render import change_summary

    personal = [f"field.{f.key}" for f in policy.rules.fields if f.personal]

    cohort = (Complaint.received_date >= period.start, Complaint.received_date <= period.end)  # type: ignore[operator]
    contacts = (
        select(
            Complaint.id.label("cid"),
            Complaint.no,
            ContactEntry.at,
            literal_column("'contact'").label("kind"),  # type: ignore[union-attr]
            ContactEntry.actor,
            ContactEntry.via.label("what"),
            ContactEntry.summary.label("body"),  # type: ignore[attr-defined]
            cast(null(), Text).label("reason"),
            ContactEntry.id.label("eid"),
        )  # type: ignore[union-attr]
        .join(Complaint, Complaint.id == ContactEntry.complaint_id)
        .where(*cohort)  # type: ignore[arg-type]
    )
    history = (
        select(
            Complaint.id.label("cid"),
            Complaint.no,
            HistoryEntry.at,
            literal_column("'history'").label("kind"),  # type: ignore[union-attr]
            HistoryEntry.actor,
            HistoryEntry.action.label("what"),
            HistoryEntry.changes.label("body"),  # type: ignore[attr-defined]
            HistoryEntry.reason,
            HistoryEntry.id.label("eid"),
        )  # type: ignore[union-attr]
        .join(Complaint, Complaint.id == HistoryEntry.complaint_id)
        .where(*cohort)  # type: ignore[arg-type]
    )
    both = union_all(contacts, history).subquery()
    stmt = select(both).order_by(both.c.cid, both.c.at, both.c.kind, both.c.eid).execution_options(yield_per=BATCH)
    import json

    from .domain import ACTION_LABELS

    for row in session.execute(stmt):
        at = row.at
        if isinstance(at, str):  # a UNION hides the column type from SQLite's driver
            at = datetime.fromisoformat(at)
        if at is not None and at.tzinfo is None:
            at = at.replace(tzinfo=UTC)
        if row.kind == "contact":
            body = row.body if unmasked else mask_text(row.body)
            yield (row.no, _local(at, policy), _("沟通"), row.actor, _(Channel(row.what).label), body)
        else:
            changes = json.loads(row.body)
            if not unmasked and "contact" in changes:
                changes["contact"] = [mask_contact(v) if isinstance(v, str) else v for v in changes["contact"]]
            if not unmasked and "customer_name" in changes:
                changes["customer_name"] = [mask_name(v) if isinstance(v, str) else v for v in changes["customer_name"]]
            for key in personal if not unmasked else ():
                if key in changes:  # a declared personal field (住址): its value stays in the office
                    changes[key] = ["***" if isinstance(v, str) else v for v in changes[key]]
            text = change_summary(changes, row.reason, policy)
            yield (
                row.no,
                _local(at, policy),
                _("处理"),
                row.actor,
                _(ACTION_LABELS.get(row.what, row.what)),
                text if unmasked else mask_text(text),
            )


def _display_width(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, datetime):
        return 16
    return cell_len(str(value))


def write_csv(path: Path, rows: Iterable[dict[str, Any]], columns: tuple[Column, ...] = REGISTER_COLUMNS) -> int:
    """The register sheet as UTF-8 CSV with a BOM (Chinese Excel opens it correctly)."""
    count = 0
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([_(c.header) for c in columns])
        for row in rows:
            writer.writerow(
                [
                    row[c.key].strftime("%Y-%m-%d %H:%M") if isinstance(row[c.key], datetime) else for_csv(row[c.key])
                    for c in columns
                ]
            )
            count += 1
    return count


def write_workbook(
    path: Path,
    *,
    period: Period,
    register: Iterator[dict[str, Any]],
    handling: Iterator[tuple[Any, ...]],
    report: dict[str, Any],
    tables: list[reports.Table],
    trend: list[dict[str, Any]],
    breaches: Iterable[dict[str, Any]],
    policy: Policy,
    progress: Callable[[int], None] | None = None,
    unmasked: bool = False,
) -> dict[str, int]:
    """Write the four sheets; return how many rows each got."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    late_fill = PatternFill("solid", fgColor="F8CBAD")
    wrap = Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")
    counts: dict[str, int] = {}
    spools: dict[str, RowSpool] = {}

    def header_row(sheet: Any, headers: Iterable[str]) -> list[Any]:
        cells = []
        for text in headers:
            cell = WriteOnlyCell(sheet, value=text)
            cell.font = bold
            cell.fill = header_fill
            cells.append(cell)
        return cells

    # Templates whose style is copied onto each cell: far cheaper than styling cell by cell.
    def template(sheet: Any, **style: Any) -> Any:
        cell = WriteOnlyCell(sheet, value=None)
        for name, value in style.items():
            setattr(cell, name, value)
        return cell

    # 1. 投诉登记表
    columns = register_columns(policy)
    sheet = workbook.create_sheet(_("投诉登记表"))
    first = list(itertools.islice(register, 300))
    widths = [max([_display_width(_(c.header))] + [_display_width(r[c.key]) for r in first]) for c in columns]
    for index, (column, width) in enumerate(zip(columns, widths), start=1):
        cap = 40 if column.kind == "long" else 30
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 8), cap)
    sheet.freeze_panes = "B2"
    _landscape(sheet)
    sheet.append(header_row(sheet, [_(c.header) for c in columns]))
    long_style = template(sheet, alignment=wrap)
    time_style = template(sheet, number_format="yyyy-mm-dd hh:mm", alignment=top)
    late_time_style = template(sheet, number_format="yyyy-mm-dd hh:mm", fill=late_fill, alignment=top)
    late_text_style = template(sheet, fill=late_fill, alignment=wrap)
    money_style = template(sheet, number_format="#,##0.00", alignment=top)
    plain_style = template(sheet, alignment=top)
    styles = [
        long_style if c.kind == "long" else time_style if c.kind == "time" else money_style if c.kind == "money" else plain_style
        for c in columns
    ]
    late_styles = [late_time_style if c.kind == "time" else late_text_style for c in columns]
    late_column = len(columns) - 1
    normal_ids = [style.style_id for style in styles]
    late_ids = [style.style_id for style in late_styles]
    spool = RowSpool(len(columns))
    keys = [c.key for c in columns]
    for record in itertools.chain(first, register):
        late_keys = record["_late"]
        values = [record[key] for key in keys]
        if late_keys or values[late_column]:
            ids = [
                late_ids[i] if key in late_keys or (i == late_column and values[i]) else normal_ids[i]
                for i, key in enumerate(keys)
            ]
            spool.add(values, ids, keep_empty={i for i, key in enumerate(keys) if key in late_keys})
        else:
            spool.add(values, normal_ids)
        if progress and spool.count % 1000 == 0:
            progress(1000)
    rows = spool.count
    spools[_("投诉登记表")] = spool
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{rows + 1}"
    counts[_("投诉登记表")] = rows

    # 2. 处理记录
    sheet = workbook.create_sheet(_("处理记录"))
    _landscape(sheet)
    for letter, width in zip("ABCDEF", (15, 17, 6, 12, 16, 80)):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    sheet.append(header_row(sheet, (_("投诉编号"), _("时间"), _("类型"), _("操作人"), _("事项"), _("内容"))))
    spool = RowSpool(6)
    handling_ids = [
        plain_style.style_id,
        time_style.style_id,
        plain_style.style_id,
        plain_style.style_id,
        plain_style.style_id,
        long_style.style_id,
    ]
    for values in handling:
        spool.add(values, handling_ids)
    handled = spool.count
    spools[_("处理记录")] = spool
    sheet.auto_filter.ref = f"A1:F{handled + 1}"
    counts[_("处理记录")] = handled

    # 3. 统计汇总, with its charts
    counts[_("统计汇总")] = _summary_sheet(workbook, report, tables, trend, period, bold, header_fill, policy.tz)

    # 4. 超期清单
    sheet = workbook.create_sheet(_("超期清单"))
    _landscape(sheet)
    for letter, width in zip("ABCDEFGHIJ", (14, 12, 15, 14, 17, 17, 10, 10, 10, 30)):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    sheet.append(
        header_row(
            sheet,
            (
                _("责任部门"),
                _("处理责任人"),
                _("投诉编号"),
                _("节点"),
                _("期限"),
                _("完成时间"),
                _("超期(工作日)"),
                _("严重程度"),
                _("客户"),
                _("主题"),
            ),
        )
    )
    asof = min(datetime.now(policy.tz), datetime.combine(period.end + timedelta(days=1), datetime.min.time(), tzinfo=policy.tz))
    spool = RowSpool(10)
    breach_ids = [time_style.style_id if index in (4, 5) else plain_style.style_id for index in range(10)]
    for breach in breaches:
        due, met = breach["due_at"], breach["met_at"]
        late_days = policy.calendar.working_days_between(
            due.astimezone(policy.tz).date(), (met or asof).astimezone(policy.tz).date()
        )
        spool.add(
            (
                breach["department"] or _(NOT_ASSIGNED),
                breach["assignee"] or _(NOT_ASSIGNED),
                breach["no"],
                label_of(breach["milestone"]),
                _local(due, policy),
                _local(met, policy),
                late_days,
                _(Severity(breach["severity"]).label) if breach["severity"] else None,
                breach["customer_name"] if unmasked else mask_name(breach["customer_name"]),
                breach["subject"] if unmasked else mask_text(breach["subject"]),
            ),
            breach_ids,
        )
    listed = spool.count
    spools[_("超期清单")] = spool
    sheet.auto_filter.ref = f"A1:J{listed + 1}"
    counts[_("超期清单")] = listed

    path.parent.mkdir(parents=True, exist_ok=True)
    order = [ws.title for ws in workbook.worksheets]
    workbook.save(path)
    _splice(path, {f"xl/worksheets/sheet{order.index(title) + 1}.xml": spool for title, spool in spools.items()})
    return counts


def _summary_sheet(
    workbook: Any,
    report: dict[str, Any],
    tables: list[reports.Table],
    trend: list[dict[str, Any]],
    period: Period,
    bold: Any,
    header_fill: Any,
    tz: Any = None,
) -> int:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.chart import BarChart, LineChart, PieChart, Reference
    from openpyxl.styles import Alignment

    from . import reports

    sheet = workbook.create_sheet(_("统计汇总"))
    _landscape(sheet, fit_width=True)
    sheet.column_dimensions["A"].width = 30
    for letter in "BCD":
        sheet.column_dimensions[letter].width = 23  # wide enough for a period label like 2026-10-01~2026-10-31
    for letter in "EFGHI":
        sheet.column_dimensions[letter].width = 13
    row = 0

    right = Alignment(horizontal="right")

    def put(values: Iterable[Any], *, strong: bool = False, fill: bool = False, percent_from: int | None = None) -> int:
        nonlocal row
        cells = []
        for index, value in enumerate(values):
            cell = WriteOnlyCell(sheet, value=value)
            if is_formula_text(value):  # a subject or location typed as "=...": text, not a formula
                cell.data_type = "s"
            if index > 0:
                cell.alignment = right
            if percent_from is not None and index >= percent_from:
                cell.number_format = "0%"
            if strong:
                cell.font = bold
            if fill:
                cell.fill = header_fill
            cells.append(cell)
        sheet.append(cells)
        row += 1
        return row

    title = _("客户投诉案件统计表 {period} ({start} ~ {end})").format(
        period=period.label, start=period.start.isoformat(), end=period.end.isoformat()
    )
    put([title], strong=True)
    if "as_of" in report:  # which figures these are: as of an instant, final, or revised (docs/kpi.md)
        put([reports.status_line(report, tz)])
    else:
        put([])

    # The charts' data first, in blocks the charts refer to.
    charts: list[tuple[Any, str]] = []

    categories = [
        (t[0], t[1]) for t in next((t.rows for t in tables if t.title == _("按{field}").format(field=_("投诉类别"))), [])
    ]
    put([_("图表数据 · 投诉类别"), _("件数")], strong=True, fill=True)
    start = row + 1
    for name, count in categories or [(_("(无)"), 0)]:
        put([name, count])
    end = row
    chart = BarChart()
    chart.type = "bar"
    chart.style = 10
    chart.title = _("投诉类别分布")
    chart.y_axis.title = _("件数")
    chart.y_axis.scaling.min = 0  # bars start at zero, or small differences look large
    chart.add_data(Reference(sheet, min_col=2, min_row=start - 1, max_row=end), titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=start, max_row=end))
    chart.legend = None
    chart.dataLabels = _labels(value=True)
    chart.height, chart.width = 8, 16
    charts.append((chart, "D3"))
    put([])

    put([_("图表数据 · 月度趋势"), _("受理件数"), _("解决按时率")], strong=True, fill=True)
    start = row + 1
    for point in trend:
        put([point["month"], point["received"], point["resolution_on_time_rate"]], percent_from=2)
    end = row
    chart = BarChart()
    chart.title = _("近12个月投诉量")
    chart.y_axis.title = _("件数")
    chart.y_axis.scaling.min = 0
    chart.add_data(Reference(sheet, min_col=2, min_row=start - 1, max_row=end), titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=start, max_row=end))
    chart.legend = None
    line = LineChart()
    line.add_data(Reference(sheet, min_col=3, min_row=start - 1, max_row=end), titles_from_data=True)
    line.series[0].marker.symbol = "circle"
    line.series[0].marker.size = 7
    line.y_axis.axId = 200
    line.y_axis.title = _("解决按时率")
    line.y_axis.number_format = "0%"
    line.y_axis.crosses = "max"
    line.y_axis.scaling.min = 0
    line.y_axis.scaling.max = 1
    chart += line
    chart.height, chart.width = 8, 16
    charts.append((chart, "D20"))
    put([])

    satisfaction = report["indicators"]["satisfaction"]
    put([_("图表数据 · 满意度"), _("件数")], strong=True, fill=True)
    start = row + 1
    for level in Satisfaction:
        put([f"{level.value} {_(level.label)}", satisfaction[level.value]])
    end = row
    chart = PieChart() if sum(satisfaction.values()) else BarChart()
    chart.title = _("回访满意度 A–D")
    chart.add_data(Reference(sheet, min_col=2, min_row=start - 1, max_row=end), titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=start, max_row=end))
    chart.dataLabels = _labels(percent=isinstance(chart, PieChart), value=not isinstance(chart, PieChart))
    chart.height, chart.width = 8, 12
    charts.append((chart, "D37"))
    put([])

    departments = report["indicators"]["resolution_on_time_by_department"]
    put([_("图表数据 · 各部门解决按时率"), _("按时率")], strong=True, fill=True)
    start = row + 1
    for name, cell in departments.items() or [(_("(无)"), {"rate": None})]:
        put([name or _(NOT_ASSIGNED), cell["rate"]], percent_from=1)
    end = row
    chart = BarChart()
    chart.title = _("各部门解决按时率")
    chart.y_axis.number_format = "0%"
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = 1
    chart.add_data(Reference(sheet, min_col=2, min_row=start - 1, max_row=end), titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=start, max_row=end))
    chart.legend = None
    chart.dataLabels = _labels(value=True, number_format="0%")
    chart.height, chart.width = 8, 16
    charts.append((chart, "D54"))
    put([])

    # Then the figures, table by table, below the charts.
    while row < 72:
        put([])
    for table in tables:
        put([table.title], strong=True)
        put(table.headers, strong=True, fill=True)
        for values in table.rows:
            put(values)
        put([])
    for chart, anchor in charts:
        sheet.add_chart(chart, anchor)
    return row


_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_EXCEL_EPOCH = datetime(1899, 12, 30)


class RowSpool:
    """The rows of a big sheet, written as worksheet XML into a temporary file.

    openpyxl spends 5–15 µs on each cell object; a 100,000-complaint period has millions of
    cells. The spool writes the same XML (inline strings, Excel date serials, the style ids
    openpyxl registered) at about a microsecond a cell, and `_splice` puts it into the sheet
    openpyxl wrote with only its header row.
    """

    def __init__(self, columns: int) -> None:
        from openpyxl.utils import get_column_letter

        self.handle = tempfile.TemporaryFile("w+b")
        self.letters = [get_column_letter(i + 1) for i in range(columns)]
        self.count = 0
        self.buffer: list[str] = []

    def add(self, values: Iterable[Any], styles: list[int], keep_empty: set[int] | None = None) -> None:
        self.count += 1
        r = self.count + 1  # row 1 is the header
        parts = [f'<row r="{r}">']
        for index, (letter, value, style) in enumerate(zip(self.letters, values, styles)):
            if value is None:
                if keep_empty and index in keep_empty:
                    parts.append(f'<c r="{letter}{r}" s="{style}"/>')
                continue
            if isinstance(value, datetime):
                serial = (value - _EXCEL_EPOCH).total_seconds() / 86400
                parts.append(f'<c r="{letter}{r}" s="{style}"><v>{serial!r}</v></c>')
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                parts.append(f'<c r="{letter}{r}" s="{style}"><v>{value!r}</v></c>')
            else:
                text = _ILLEGAL_XML.sub("", str(value)).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                parts.append(f'<c r="{letter}{r}" s="{style}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>')
        parts.append("</row>")
        self.buffer.append("".join(parts))
        if len(self.buffer) >= 500:
            self.flush()

    def flush(self) -> None:
        if self.buffer:
            self.handle.write("".join(self.buffer).encode("utf-8"))
            self.buffer.clear()


def _splice(path: Path, spools: dict[str, RowSpool]) -> None:
    """Put each spool's rows after the header row of its sheet in the saved workbook."""
    if not any(spool.count for spool in spools.values()):
        return
    spliced = path.with_name(path.name + ".splice")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(spliced, "w", zipfile.ZIP_DEFLATED, compresslevel=3) as target:
        for item in source.infolist():
            spool = spools.get(item.filename)
            if spool is None or not spool.count:
                target.writestr(item, source.read(item.filename))
                continue
            xml = source.read(item.filename).decode("utf-8")
            head, tail = xml.split("</sheetData>", 1)
            spool.flush()
            spool.handle.seek(0)
            with target.open(item.filename, "w", force_zip64=True) as out:
                out.write(head.encode("utf-8"))
                while chunk := spool.handle.read(1 << 20):
                    out.write(chunk)
                out.write(("</sheetData>" + tail).encode("utf-8"))
    spliced.replace(path)


def _labels(*, value: bool = False, percent: bool = False, number_format: str | None = None) -> Any:
    """Data labels that show the figure and nothing else (no series or category names)."""
    from openpyxl.chart.label import DataLabelList

    labels = DataLabelList()
    labels.showVal = value
    labels.showPercent = percent
    labels.showCatName = False
    labels.showSerName = False
    labels.showLegendKey = False
    if number_format:
        labels.numFmt = number_format
    return labels


def _landscape(sheet: Any, fit_width: bool = False) -> None:
    """Print across the page; the summary fits one page wide."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = "9"  # A4
    if fit_width:
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
