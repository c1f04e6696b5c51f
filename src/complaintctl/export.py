"""The monthly workbook for management: the register itself, its contact log and
history, the report's figures with native Excel charts, and the list of breaches.

Streamed: rows come from the database in batches and go to openpyxl's write-only
workbook, so a 100,000-row period needs neither the whole register in memory nor a
workbook object per cell. Contacts are masked unless `unmasked`.
"""

from __future__ import annotations

import csv
import itertools
import math
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Text, cast, literal_column, null, select, union_all
from sqlmodel import Session, col

from . import fields, reports
from .cells import for_csv, is_formula_text
from .domain import NOT_ASSIGNED, NOT_GIVEN, Channel, Milestone, Satisfaction, Severity
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


def _cohort(period: Period, scope: reports.Scope | None) -> list[Any]:
    """The period's complaints (received in it), within the scope's unit if it has one."""
    from sqlalchemy import and_, or_

    conditions = [Complaint.received_date >= period.start, Complaint.received_date <= period.end]  # type: ignore[operator]
    if scope is not None and scope.unit:
        conditions.append(
            or_(
                col(Complaint.unit).in_(scope.units),
                and_(col(Complaint.unit).is_(None), col(Complaint.department).in_(scope.unit_departments)),
            )
        )
    return conditions


def register_rows(
    session: Session,
    period: Period,
    *,
    policy: Policy,
    unmasked: bool,
    late: dict[str, list[str]],
    scope: reports.Scope | None = None,
) -> Iterator[dict[str, Any]]:
    """The period's complaints in the order received, as values ready for a sheet;
    `late` (from late_milestones) marks the missed milestones."""
    columns = register_columns(policy)
    keys = [c.key for c in REGISTER_COLUMNS if c.key != "late"]
    declared = _declared_values(session, period) if policy.rules.fields else {}
    units = {u.key: u.label for u in policy.rules.units}
    stmt = (
        select(*[getattr(Complaint, k) for k in keys], Complaint.id)
        .where(*_cohort(period, scope))
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
            elif column.key == "unit":  # its own, else its department's, else 未指定
                unit = value or policy.rules.unit_of_department(values.get("department"))
                value = units.get(unit, unit) if unit else _(NOT_GIVEN)
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


def handling_rows(
    session: Session, period: Period, *, policy: Policy, unmasked: bool, scope: reports.Scope | None = None
) -> Iterator[tuple[Any, ...]]:
    """Every contact and history entry of the period's complaints, case by case, oldest first."""
    from .render import change_summary

    personal = [f"field.{f.key}" for f in policy.rules.fields if f.personal]

    cohort = _cohort(period, scope)
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


# Excel's sheet holds 1,048,576 rows; a sheet that would pass it continues on "<title>-2".
SHEET_ROWS = 1_048_576
# Printed row heights: points per line of wrapped text, and the most lines a row shows.
LINE_POINTS = 15.0
MOST_LINES = 3
# The widest sheet (in characters of column width) printed one page across: about 60 % of
# full size on A4 landscape. A wider sheet prints in two column groups.
PAGE_CHARACTERS = 250
# The summary's rows: Excel's default (15 pt) is taller than LibreOffice's (12.8 pt); one
# height for both keeps the page breaks where they were planned.
SUMMARY_ROW_POINTS = 13.0
# A chart's height: that many summary rows, and one for a gap; two rows of charts fill a page.
CHART_CM = 7.5
CHART_ROWS = math.ceil(CHART_CM / 2.54 * 72 / SUMMARY_ROW_POINTS) + 1


@dataclass
class Printing:
    """What every printed page carries: the office, the period, when it was made, and
    whether it shows customers' personal data (then it is marked 保密)."""

    office: str
    period: str
    generated: datetime
    confidential: bool


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
    now: datetime | None = None,
    warn: Callable[[str], None] | None = None,
    unit_label: str = "",
) -> dict[str, int]:
    """Write the four sheets (and a continuation sheet where one passes Excel's row
    limit); return how many rows each got. Every sheet prints on A4 landscape, one page
    wide, its header row (and on the register its 投诉编号) on every page."""
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
    printing = Printing(
        office=policy.rules.office_name,
        period=_("{label} ({start} ~ {end})").format(
            label=period.label, start=period.start.isoformat(), end=period.end.isoformat()
        )
        + (f" · {unit_label}" if unit_label else ""),
        generated=(now or datetime.now(policy.tz)).astimezone(policy.tz),
        confidential=unmasked,
    )

    def header_row(sheet: Any, headers: Iterable[str]) -> list[Any]:
        cells = []
        for text in headers:
            cell = WriteOnlyCell(sheet, value=text)
            cell.font = bold
            cell.fill = header_fill
            cell.alignment = wrap
            cells.append(cell)
        return cells

    # Templates whose style is copied onto each cell: far cheaper than styling cell by cell.
    def template(sheet: Any, **style: Any) -> Any:
        cell = WriteOnlyCell(sheet, value=None)
        for name, value in style.items():
            setattr(cell, name, value)
        return cell

    def list_sheet(
        title: str, headers: list[str], widths: list[float], wrapped: set[int], *, freeze: str, title_cols: str | None = None
    ) -> tuple[Any, RowSpool]:
        """A sheet of rows: its header, widths and print settings written before the rows.
        Wider than PAGE_CHARACTERS, it prints in two column groups, 投诉编号 on each."""
        sheet = workbook.create_sheet(title)
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.freeze_panes = freeze
        across = 1 if sum(widths) <= PAGE_CHARACTERS or not title_cols else 2
        _print_setup(sheet, title, printing, title_cols=title_cols, across=across)
        sheet.append(header_row(sheet, headers))
        return sheet, RowSpool(len(headers), {i: widths[i] for i in wrapped})

    def fill(
        title: str,
        headers: list[str],
        widths: list[float],
        wrapped: set[int],
        rows: Iterable[tuple[list[Any], list[int], set[int] | None]],
        *,
        freeze: str,
        title_cols: str | None = None,
        tick: bool = False,
    ) -> int:
        """Spool `rows` into the sheet `title`, continuing on `title`-2, -3 … at the row limit."""
        part, total = 1, 0
        name = title
        sheet, spool = list_sheet(name, headers, widths, wrapped, freeze=freeze, title_cols=title_cols)
        for values, ids, keep in rows:
            if spool.count >= SHEET_ROWS - 1:
                total += _close(sheet, spool, name, len(headers))
                part += 1
                name = f"{title}-{part}"
                if warn:
                    warn(
                        _("{sheet}: more than {limit} rows, Excel's limit; it continues on {next}").format(
                            sheet=title, limit=f"{SHEET_ROWS:,}", next=name
                        )
                    )
                sheet, spool = list_sheet(name, headers, widths, wrapped, freeze=freeze, title_cols=title_cols)
            spool.add(values, ids, keep)
            if tick and progress and spool.count % 1000 == 0:
                progress(1000)
        total += _close(sheet, spool, name, len(headers))
        return total

    def _close(sheet: Any, spool: RowSpool, name: str, width: int) -> int:
        spools[name] = spool
        sheet.auto_filter.ref = f"A1:{get_column_letter(width)}{spool.count + 1}"
        counts[name] = spool.count
        return spool.count

    # 1. 投诉登记表
    columns = register_columns(policy)
    first = list(itertools.islice(register, 300))
    widths = [max([_display_width(_(c.header))] + [_display_width(r[c.key]) for r in first]) for c in columns]
    widths = [min(max(w + 2, 8), 45 if c.kind == "long" else 22) for c, w in zip(columns, widths)]
    probe = workbook.create_sheet("_")  # a sheet to register the cell styles on; removed below
    long_style = template(probe, alignment=wrap)
    time_style = template(probe, number_format="yyyy-mm-dd hh:mm", alignment=top)
    late_time_style = template(probe, number_format="yyyy-mm-dd hh:mm", fill=late_fill, alignment=top)
    late_text_style = template(probe, fill=late_fill, alignment=wrap)
    money_style = template(probe, number_format="#,##0.00", alignment=top)
    plain_style = template(probe, alignment=top)
    workbook._sheets.remove(probe)
    styles = [
        long_style if c.kind == "long" else time_style if c.kind == "time" else money_style if c.kind == "money" else plain_style
        for c in columns
    ]
    late_styles = [late_time_style if c.kind == "time" else late_text_style for c in columns]
    late_column = len(columns) - 1
    normal_ids = [style.style_id for style in styles]
    late_ids = [style.style_id for style in late_styles]
    keys = [c.key for c in columns]

    def register_cells() -> Iterator[tuple[list[Any], list[int], set[int] | None]]:
        for record in itertools.chain(first, register):
            late_keys = record["_late"]
            values = [record[key] for key in keys]
            if late_keys or values[late_column]:
                ids = [
                    late_ids[i] if key in late_keys or (i == late_column and values[i]) else normal_ids[i]
                    for i, key in enumerate(keys)
                ]
                yield values, ids, {i for i, key in enumerate(keys) if key in late_keys}
            else:
                yield values, normal_ids, None

    fill(
        _("投诉登记表"),
        [_(c.header) for c in columns],
        widths,
        {i for i, c in enumerate(columns) if c.kind == "long" or c.key == "late"},
        register_cells(),
        freeze="B2",
        title_cols="A:A",
        tick=True,
    )

    # 2. 处理记录
    handling_ids = [
        plain_style.style_id,
        time_style.style_id,
        plain_style.style_id,
        plain_style.style_id,
        plain_style.style_id,
        long_style.style_id,
    ]
    fill(
        _("处理记录"),
        [_("投诉编号"), _("时间"), _("类型"), _("操作人"), _("事项"), _("内容")],
        [15, 17, 8, 12, 16, 70],
        {5},
        ((list(values), handling_ids, None) for values in handling),
        freeze="A2",
        title_cols="A:A",
    )

    # 3. 统计汇总, with its charts
    counts[_("统计汇总")] = _summary_sheet(workbook, report, tables, trend, period, bold, header_fill, policy.tz, printing)

    # 4. 超期清单
    asof = min(
        (now or datetime.now(policy.tz)),
        datetime.combine(period.end + timedelta(days=1), datetime.min.time(), tzinfo=policy.tz),
    )
    breach_ids = [time_style.style_id if index in (4, 5) else plain_style.style_id for index in range(10)]
    breach_ids[9] = long_style.style_id

    def breach_cells() -> Iterator[tuple[list[Any], list[int], set[int] | None]]:
        for breach in breaches:
            due, met = breach["due_at"], breach["met_at"]
            late_days = policy.calendar.working_days_between(
                due.astimezone(policy.tz).date(), (met or asof).astimezone(policy.tz).date()
            )
            yield (
                [
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
                ],
                breach_ids,
                None,
            )

    fill(
        _("超期清单"),
        [
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
        ],
        [14, 12, 15, 14, 17, 17, 10, 10, 10, 30],
        {9},
        breach_cells(),
        freeze="A2",
    )

    path.parent.mkdir(parents=True, exist_ok=True)
    order = [ws.title for ws in workbook.worksheets]
    workbook.save(path)
    _splice(path, {f"xl/worksheets/sheet{order.index(title) + 1}.xml": spool for title, spool in spools.items()})
    return counts


def _print_setup(
    sheet: Any, title: str, printing: Printing, *, title_cols: str | None = None, rows: str = "1:1", across: int = 1
) -> None:
    """A4 landscape, `across` pages wide (one, or column groups each with `title_cols`); `rows` (and `title_cols`) repeated on every page; the
    header names the office, the sheet and the period, the footer the page, when the
    workbook was made and 保密 when it shows personal data."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = "9"  # A4
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = across
    sheet.page_setup.fitToHeight = 0
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.6
    sheet.page_margins.header = sheet.page_margins.footer = 0.25
    if rows:
        sheet.print_title_rows = rows
    if title_cols:
        sheet.print_title_cols = title_cols

    def text(value: str) -> str:
        return value.replace("&", "&&")  # & starts a header code

    header, footer = sheet.oddHeader, sheet.oddFooter
    header.left.text = text(printing.office)
    header.center.text = text(title)
    header.right.text = text(printing.period)
    footer.left.text = text(_("生成时间 {at}").format(at=f"{printing.generated:%Y-%m-%d %H:%M}"))
    footer.center.text = _("第 &P 页 / 共 &N 页")
    if printing.confidential:
        footer.right.text = text(_("保密"))
        footer.right.font = "-,Bold"
    for part in (header.left, header.center, header.right, footer.left, footer.center):
        part.size = 9


def _summary_sheet(
    workbook: Any,
    report: dict[str, Any],
    tables: list[reports.Table],
    trend: list[dict[str, Any]],
    period: Period,
    bold: Any,
    header_fill: Any,
    tz: Any,
    printing: Printing,
) -> int:
    """The figures, table by table, then the charts two to a page. Each table and each pair
    of charts starts on a page of its own when it would not fit on the one it begins on;
    the charts' data sit right of the printed area (columns K on)."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.chart import BarChart, LineChart, PieChart, Reference
    from openpyxl.styles import Alignment
    from openpyxl.worksheet.pagebreak import Break

    from . import reports

    title_text = _("统计汇总")
    sheet = workbook.create_sheet(title_text)
    _print_setup(sheet, title_text, printing, rows="")
    # Six-column tables (a figure beside 环比 and 同比) span A–F; narrower ones go two
    # abreast, at A and at F.
    printed_widths = {"A": 28, "B": 17, "C": 17, "D": 17, "E": 17, "F": 24, "G": 12, "H": 12, "I": 12}
    for letter, width in printed_widths.items():
        sheet.column_dimensions[letter].width = width
    sheet.sheet_format.defaultRowHeight = SUMMARY_ROW_POINTS  # the same in Excel and LibreOffice
    sheet.sheet_format.customHeight = True
    sheet.column_dimensions["J"].width = 4
    sheet.column_dimensions["K"].width = 24
    for letter in "LMN":
        sheet.column_dimensions[letter].width = 12
    right = Alignment(horizontal="right", vertical="top", wrap_text=True)
    rows: list[list[Any]] = []  # the printed part, columns A–I
    data: list[list[Any]] = []  # the charts' data, columns K on
    breaks: list[int] = []
    per_page = _rows_per_page(sum(printed_widths.values()), SUMMARY_ROW_POINTS)

    def cell(value: Any, *, strong: bool = False, fill: bool = False, index: int = 0, number_format: str | None = None) -> Any:
        if isinstance(value, reports.Figure):  # a number with its format; no figure: a dash, or empty for a change
            number_format = value.number_format
            value = value.value if value.value is not None else (None if value.kind.startswith("change") else "—")
        item = WriteOnlyCell(sheet, value=value)
        if is_formula_text(value):  # a subject or location typed as "=...": text, not a formula
            item.data_type = "s"
        if index > 0:
            item.alignment = right
        if number_format and isinstance(value, (int, float)):
            item.number_format = number_format
        if strong:
            item.font = bold
        if fill:
            item.fill = header_fill
        return item

    def put(values: Iterable[Any], **style: Any) -> None:
        rows.append([cell(v, index=i, **style) for i, v in enumerate(values)])

    def keep_together(height: int) -> None:
        """Start a new page unless `height` rows still fit on this one. Pages only ever end
        at these breaks: no table is taller than a page (long ones are cut, below)."""
        used = len(rows) - (breaks[-1] if breaks else 0)
        if used and used + height > per_page:
            breaks.append(len(rows))

    put(
        [
            _("客户投诉案件统计表 {period} ({start} ~ {end})").format(
                period=period.label, start=period.start.isoformat(), end=period.end.isoformat()
            )
        ],
        strong=True,
    )
    put([reports.status_line(report, tz)] if "as_of" in report else [])
    put([])

    def table_rows(table: reports.Table) -> list[list[Any]]:
        return [
            [cell(table.title, strong=True)],
            [cell(h, strong=True, fill=True, index=i) for i, h in enumerate(table.headers)],
            *([cell(v, index=i) for i, v in enumerate(values)] for values in table.rows),
        ]

    # A table longer than a page goes on in parts, each with its title (续) and header.
    longest = per_page - 3
    pieces: list[reports.Table] = []
    for table in tables:
        for start in range(0, max(len(table.rows), 1), longest):
            title = table.title if start == 0 else _("{title} (续)").format(title=table.title)
            pieces.append(reports.Table(title, table.headers, table.rows[start : start + longest]))
    index = 0
    while index < len(pieces):
        left = table_rows(pieces[index])
        narrow = len(pieces[index].headers) <= 4
        if narrow and index + 1 < len(pieces) and len(pieces[index + 1].headers) <= 4:
            beside = table_rows(pieces[index + 1])
            index += 2
        else:
            beside = []
            index += 1
        keep_together(max(len(left), len(beside)) + 1)
        for at in range(max(len(left), len(beside))):
            part = left[at] if at < len(left) else []
            rows.append([*part, *[None] * (5 - len(part)), *beside[at]] if at < len(beside) else part)
        rows.append([])

    # The charts' data, beside the printed area.
    charts: list[Any] = []

    def block(heading: list[str], values: list[list[Any]], number_format: str | None = None) -> tuple[int, int]:
        data.append([cell(h, strong=True, fill=True, index=i) for i, h in enumerate(heading)])
        first = len(data) + 1
        for item in values:
            data.append([cell(v, index=i, number_format=number_format) for i, v in enumerate(item)])
        last = len(data)
        data.append([])
        return first, last

    def refer(column: int, first: int, last: int) -> Any:
        return Reference(sheet, min_col=11 + column, min_row=first, max_row=last)

    def no_data(title: str) -> None:
        charts.append(_("{chart}: no data for this period").format(chart=title))

    category_table = next((t.rows for t in tables if t.title == _("按{field}").format(field=_("投诉类别"))), [])
    categories = [(str(t[0]), _number(t[1])) for t in category_table if _number(t[1])]
    title = _("投诉类别分布")
    if categories:
        # A bar chart draws its first category at the bottom: smallest first puts the largest on top.
        first, last = block([_("图表数据 · 投诉类别"), _("件数")], [[n, c] for n, c in sorted(categories, key=lambda nc: nc[1])])
        chart = BarChart()
        chart.type = "bar"
        chart.style = 10
        chart.title = title
        chart.y_axis.title = _("件数")
        chart.y_axis.scaling.min = 0  # bars start at zero, or small differences look large
        chart.add_data(refer(1, first - 1, last), titles_from_data=True)
        chart.set_categories(refer(0, first, last))
        chart.legend = None
        chart.dataLabels = _labels(value=True)
        charts.append(chart)
    else:
        no_data(title)

    shown = [p for p in trend if date.fromisoformat(p["month"] + "-01") <= period.end]
    title = _("近12个月投诉量")
    if any(p["received"] for p in shown):
        partial = [p["month"] for p in shown if not p.get("complete", True)]
        last_year = {p["month"]: p.get("received_year_before") for p in shown}
        with_last_year = any(v is not None for v in last_year.values())
        heading = [_("图表数据 · 月度趋势"), _("受理件数"), _("解决按时率")] + ([_("去年同月")] if with_last_year else [])
        values = []
        for p in shown:
            label = p["month"] + (" *" if p["month"] in partial else "")
            values.append(
                [label, p["received"], p["resolution_on_time_rate"]] + ([last_year[p["month"]] or 0] if with_last_year else [])
            )
        first, last = block(heading, values)
        for row in data[first - 1 : last]:
            if row[2].value is not None:
                row[2].number_format = "0.0%"
        chart = BarChart()
        chart.title = title + (" " + _("(* 截至 {day})").format(day=printing.generated.date().isoformat()) if partial else "")
        chart.y_axis.title = _("件数")
        chart.y_axis.scaling.min = 0
        chart.add_data(refer(1, first - 1, last), titles_from_data=True)
        if with_last_year:
            chart.add_data(refer(3, first - 1, last), titles_from_data=True)
        chart.set_categories(refer(0, first, last))
        chart.legend.position = "b"
        line = LineChart()
        line.add_data(refer(2, first - 1, last), titles_from_data=True)
        line.series[0].marker.symbol = "circle"
        line.series[0].marker.size = 7
        line.y_axis.axId = 200
        line.y_axis.title = _("解决按时率")
        line.y_axis.number_format = "0%"
        line.y_axis.crosses = "max"
        line.y_axis.scaling.min = 0
        line.y_axis.scaling.max = 1
        chart += line
        charts.append(chart)
    else:
        no_data(title)

    satisfaction = report["indicators"]["satisfaction"]
    title = _("回访满意度 A–D")
    if sum(satisfaction.values()):
        first, last = block(
            [_("图表数据 · 满意度"), _("件数")],
            [[f"{level.value} {_(level.label)}", satisfaction[level.value]] for level in Satisfaction],
        )
        chart = PieChart()
        chart.title = title
        chart.add_data(refer(1, first - 1, last), titles_from_data=True)
        chart.set_categories(refer(0, first, last))
        chart.dataLabels = _labels(percent=True)
        charts.append(chart)
    else:
        no_data(title)

    departments = report["indicators"]["resolution_on_time_by_department"]
    title = _("各部门解决按时率")
    rated = [(name or _(NOT_ASSIGNED), c["rate"]) for name, c in departments.items() if c["rate"] is not None]
    if rated:
        first, last = block([_("图表数据 · 各部门解决按时率"), _("按时率")], [list(r) for r in rated], "0.0%")
        chart = BarChart()
        chart.title = title
        chart.y_axis.number_format = "0%"
        chart.y_axis.scaling.min = 0
        chart.y_axis.scaling.max = 1
        chart.add_data(refer(1, first - 1, last), titles_from_data=True)
        chart.set_categories(refer(0, first, last))
        chart.legend = None
        chart.dataLabels = _labels(value=True, number_format="0.0%")
        charts.append(chart)
    else:
        no_data(title)

    # The charts: two to a page, side by side, each pair after a page break.
    chart_rows = CHART_ROWS
    for index, item in enumerate(charts):
        if index % 4 == 0:
            breaks.append(len(rows))
        if isinstance(item, str):  # no data: a line saying so where the chart would be
            anchor_row = len(rows)
            put([item])
            rows.extend([] for _ in range(chart_rows - 1))
            continue
        anchor_row = len(rows) + 1
        item.height, item.width = CHART_CM, 13.5
        column = "A" if index % 2 == 0 else "E"
        if index % 2 == 1:
            anchor_row = len(rows) - chart_rows + 1
        else:
            rows.extend([] for _ in range(chart_rows))
        sheet.add_chart(item, f"{column}{anchor_row}")
    for r in breaks:
        if r:
            sheet.row_breaks.append(Break(id=r))
    sheet.print_area = f"A1:I{max(len(rows), 1)}"
    total = max(len(rows), len(data))
    for index in range(total):
        printed = rows[index] if index < len(rows) else []
        side = data[index] if index < len(data) else []
        padding = [None] * (10 - len(printed)) if side else []
        sheet.append([*printed, *padding, *side])
    return total


def _number(value: Any) -> int | float:
    """A table cell's figure (a reports.Figure or a plain number) as a number, 0 when none."""
    if isinstance(value, tuple):
        value = value[0]
    return value if isinstance(value, (int, float)) else 0


def _rows_per_page(width_chars: float, row_points: float = LINE_POINTS) -> int:
    """How many rows `row_points` high print on an A4 landscape page when a sheet
    `width_chars` characters wide is fitted to the page's width (as Excel and LibreOffice
    scale it)."""
    printable_width_pt = (297 / 25.4 - 0.8) * 72
    sheet_width_pt = (width_chars * 7 + 5) * 0.75
    scale = min(1.0, printable_width_pt / sheet_width_pt)
    # The header and footer sit in the margins in Excel; LibreOffice takes their lines from
    # the body as well, so plan for the smaller page.
    printable_height_pt = (210 / 25.4 - 1.2) * 72 - 2 * 22
    return max(10, int(printable_height_pt / (row_points * scale)) - 1)


_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_EXCEL_EPOCH = datetime(1899, 12, 30)


def wrapped_lines(value: Any, width: float) -> int:
    """How many lines `value` takes wrapped in a column `width` characters wide (CJK
    characters count two), at most MOST_LINES: the printed row's height."""
    if value is None or isinstance(value, (int, float, datetime)):
        return 1
    room = max(width - 0.5, 1.0)
    lines = sum(max(1, math.ceil(_print_width(part) / room)) for part in str(value).split("\n"))
    return min(lines, MOST_LINES)


def _print_width(text: str) -> float:
    """`text`'s printed width in digit widths: a CJK glyph takes a little more than two."""
    import unicodedata

    return sum(2.15 if unicodedata.east_asian_width(c) in "WF" else 1.0 for c in text)


class RowSpool:
    """The rows of a big sheet, written as worksheet XML into a temporary file.

    openpyxl spends 5–15 µs on each cell object; a 100,000-complaint period has millions of
    cells. The spool writes the same XML (inline strings, Excel date serials, the style ids
    openpyxl registered) at about a microsecond a cell, and `_splice` puts it into the sheet
    openpyxl wrote with only its header row.
    """

    def __init__(self, columns: int, wrapped: dict[int, float] | None = None) -> None:
        from openpyxl.utils import get_column_letter

        self.handle = tempfile.TemporaryFile("w+b")
        self.letters = [get_column_letter(i + 1) for i in range(columns)]
        self.wrapped = wrapped or {}  # column index → its width, for the row's height
        self.count = 0
        self.buffer: list[str] = []

    def add(self, values: Iterable[Any], styles: list[int], keep_empty: set[int] | None = None) -> None:
        self.count += 1
        r = self.count + 1  # row 1 is the header
        values = list(values)
        lines = max((wrapped_lines(values[i], width) for i, width in self.wrapped.items()), default=1)
        parts = [f'<row r="{r}" ht="{lines * LINE_POINTS:g}" customHeight="1">' if lines > 1 else f'<row r="{r}">']
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
