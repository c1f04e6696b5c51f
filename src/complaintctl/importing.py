"""Bringing an existing register in: a spreadsheet or CSV read, its columns placed by
header, every row checked, and the rows handed to the service as plain data.

Loading and checking are separate from writing (beancount's stages): this module reads
and validates and reports every bad row (sheet, row, column, reason); nothing is
written unless every row is good.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any

from . import fields, inputs
from .errors import BadInput
from .i18n import _
from .ruleset import Limits, Rules

# Each field a sheet may hold (the registry's imported fields, by record key) and the
# headings offices use for it: its label, its key, and the registry's synonyms.
SYNONYMS: dict[str, tuple[str, ...]] = {f.record_key: (f.label, f.record_key, *f.synonyms) for f in fields.IMPORTED}
# Headings that are there but hold nothing to import (a row counter).
IGNORED = ("序号", "行号", "#")
FIELDS = tuple(SYNONYMS)

_SERIAL = re.compile(r"^\d{5}(\.\d+)?$")
_SPACE = re.compile(r"[\s　]+")
_DECORATION = re.compile(r"[（(][^）)]*[）)]|[:：*＊]")


def normalize_header(text: Any) -> str:
    """`投诉时间（必填）：` → `投诉时间`; `Received At` → `receivedat`."""
    cleaned = _DECORATION.sub("", str(text or ""))
    return _SPACE.sub("", cleaned).replace("_", "").replace("-", "").casefold()


_LOOKUP = {normalize_header(name): f for f, names in SYNONYMS.items() for name in (f, *names)}


@dataclass
class RowError:
    sheet: str
    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        return _("{sheet} row {row}, {column}: {reason}").format(
            sheet=self.sheet, row=self.row, column=self.column, reason=self.reason
        )


@dataclass
class ImportRow:
    """One good row: typed values of the register's fields, and where it came from."""

    sheet: str
    row: int
    values: dict[str, Any]
    source_key: str


@dataclass
class LoadedFile:
    rows: list[ImportRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)  # header → field
    untimed: int = 0  # rows recording a resolution or visit without its time
    odd_contacts: list[str] = field(default_factory=list)  # "sheet row N" of contacts in no known form
    unknown_departments: dict[str, int] = field(default_factory=dict)  # name → rows naming it


def parse_mapping(items: list[str], rules: Rules | None = None) -> dict[str, str]:
    """`--map 'HEADER=field'` options; a field may be `ignore`, a built-in field or one the
    office's rules declare (by key or label)."""
    mapping: dict[str, str] = {}
    for item in items:
        header, sep, target = item.partition("=")
        target = target.strip()
        if not sep or not header.strip() or not target:
            raise BadInput(_("--map {item!r}: write it as 'HEADER=field', e.g. '来电号码=contact'").format(item=item))
        declared = rules.declared_field(target) if rules is not None else None
        if declared is not None:
            mapping[normalize_header(header)] = f"field.{declared.key}"
            continue
        target = target if target == "ignore" else _LOOKUP.get(normalize_header(target), target)
        if target != "ignore" and target not in FIELDS:
            raise BadInput(
                _("--map {item!r}: {target!r} is not a field; use one of {fields} or ignore").format(
                    item=item, target=target, fields=", ".join(FIELDS)
                )
            )
        mapping[normalize_header(header)] = target
    return mapping


# ---------------------------------------------------------------- reading files


def read_table(
    path: Path, sheet: str | None = None, limits: Limits | None = None
) -> Iterator[tuple[str, Iterator[tuple[int, list[Any]]]]]:
    """(sheet name, rows as (row number, cells)) of an .xlsx or .csv file, read within the
    office's limits (rows, cells, uncompressed bytes): past one, one line and no more reading."""
    limits = limits or Limits(200_000, 10_000_000, 200_000_000, 20_000_000)
    suffix = path.suffix.lower()
    counted = [0, 0]  # rows, cells: over every sheet
    if suffix in (".xlsx", ".xlsm"):
        for name, rows in _read_xlsx(path, sheet, limits):
            yield name, _within(path, rows, limits, counted)
    elif suffix in (".csv", ".txt"):
        if path.stat().st_size > limits.import_bytes:
            raise _too_big(path, path.stat().st_size, limits)
        yield path.name, _within(path, _read_csv(path), limits, counted)
    else:
        raise BadInput(
            _("{name}: cannot import a {kind}; give an .xlsx or .csv file").format(
                name=path.name, kind=suffix or _("file without extension")
            )
        )


def _too_big(path: Path, size: int, limits: Limits) -> BadInput:
    return BadInput(
        _(
            "{name}: {size:,} bytes once uncompressed, more than the office's limit of {limit:,} ([limits] import_mb); split the file or raise the limit"
        ).format(name=path.name, size=size, limit=limits.import_bytes)
    )


def _check_counts(path: Path, rows: int, cells: int, limits: Limits) -> None:
    """One line when a file holds more rows or cells than the office's limits."""
    if rows > limits.import_rows:
        raise BadInput(
            _(
                "{name}: more than {limit:,} rows ([limits] import_rows); nothing was imported. Split the file or raise the limit"
            ).format(name=path.name, limit=limits.import_rows)
        )
    if cells > limits.import_cells:
        raise BadInput(
            _(
                "{name}: more than {limit:,} cells ([limits] import_cells); nothing was imported. Delete the empty columns, split the file or raise the limit"
            ).format(name=path.name, limit=limits.import_cells)
        )


def _within(
    path: Path, rows: Iterator[tuple[int, list[Any]]], limits: Limits, counted: list[int]
) -> Iterator[tuple[int, list[Any]]]:
    for row in rows:
        counted[0] += 1
        counted[1] += len(row[1])
        _check_counts(path, counted[0], counted[1], limits)
        yield row


_ROW = re.compile(rb"<(?:\w+:)?row[\s>/]")
_CELL = re.compile(rb"<(?:\w+:)?c[\s>/]")


def _count_sheet_rows(path: Path, limits: Limits) -> None:
    """Count the rows and cells of every sheet straight from its XML, stopping at the limit:
    openpyxl reads a whole sheet that lacks its <dimension> before giving the first row (a
    3,000,000-row workbook: 12 s and 290 MB before anything could be said)."""
    import zipfile

    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        return  # openpyxl says what is wrong with it
    rows = cells = 0
    with archive:
        for member in archive.infolist():
            if not (member.filename.startswith("xl/worksheets/") and member.filename.endswith(".xml")):
                continue
            tail = b""
            with archive.open(member) as xml:
                while chunk := xml.read(1 << 20):
                    text = tail + chunk
                    cut = max(0, len(text) - 16)  # a tag split across chunks is counted in the next
                    rows += len(_ROW.findall(text, 0, cut))
                    cells += len(_CELL.findall(text, 0, cut))
                    tail = text[cut:]
                    _check_counts(path, rows, cells, limits)


def _read_xlsx(path: Path, sheet: str | None, limits: Limits) -> Iterator[tuple[str, Iterator[tuple[int, list[Any]]]]]:
    import zipfile

    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(path) as archive:
            # What the workbook expands to, as its zip directory says (openpyxl would read it all).
            size = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError):
        size = 0  # openpyxl says what is wrong with it, below
    if size > limits.import_bytes:
        raise _too_big(path, size, limits)
    _count_sheet_rows(path, limits)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise BadInput(
            _("{name}: not a readable Excel workbook ({problem}); save it as .xlsx or .csv").format(
                name=path.name, problem=exc.__class__.__name__
            )
        ) from None
    names = book.sheetnames
    if sheet is not None:
        if sheet not in names:
            raise BadInput(_("--sheet {sheet!r}: the workbook has {sheets}").format(sheet=sheet, sheets=", ".join(names)))
        names = [sheet]
    for name in names:
        worksheet = book[name]
        declared = worksheet.max_row or 0  # the sheet's own <dimension>: refused before reading a row
        if declared > limits.import_rows:
            raise BadInput(
                _(
                    "{name}: sheet {sheet} says it has {rows:,} rows, more than {limit:,} ([limits] import_rows); split the file or raise the limit"
                ).format(name=path.name, sheet=name, rows=declared, limit=limits.import_rows)
            )
        yield name, ((index, list(values)) for index, values in enumerate(worksheet.iter_rows(values_only=True), start=1))


def _read_csv(path: Path) -> Iterator[tuple[int, list[Any]]]:
    import csv
    import io

    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise BadInput(_("{name}: neither UTF-8 nor GBK/GB18030 text; save the CSV as UTF-8").format(name=path.name))
    if "\x00" in text:
        raise BadInput(_("{name}: not a text CSV (it holds NUL bytes); give an .xlsx or .csv file").format(name=path.name))
    try:
        yield from enumerate(csv.reader(io.StringIO(text, newline="")), start=1)
    except csv.Error as exc:
        raise BadInput(
            _("{name}: not a readable CSV ({exc}); save it again from the spreadsheet as CSV").format(name=path.name, exc=exc)
        ) from None


# ---------------------------------------------------------------- checking rows


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _find_header(rows: list[tuple[int, list[Any]]], mapping: dict[str, str]) -> int | None:
    best, best_hits = None, 1  # a header row names at least two register columns
    for position, (_row_no, cells) in enumerate(rows):
        hits = sum(
            1 for cell in cells if not _blank(cell) and (normalize_header(cell) in mapping or normalize_header(cell) in _LOOKUP)
        )
        if hits > best_hits:
            best, best_hits = position, hits
    return best


def load(
    path: Path,
    *,
    rules: Rules,
    tz: tzinfo,
    now: datetime,
    mapping: dict[str, str] | None = None,
    sheet: str | None = None,
    on_row: Callable[[], None] | None = None,
) -> LoadedFile:
    """Read and check every row of the file; a bad row is listed, never half-taken."""
    mapping = dict(mapping or {})
    for declared in rules.fields:  # the office's own fields, by their headings (a --map wins)
        for name in (declared.label, declared.key, *declared.synonyms):
            mapping.setdefault(normalize_header(name), f"field.{declared.key}")
    result = LoadedFile()
    try:
        sheets = list(read_table(path, sheet, rules.limits))
    except FileNotFoundError:
        raise BadInput(_("{path}: no such file").format(path=path)) from None
    found_any_header = False
    for sheet_name, rows in sheets:
        head: list[tuple[int, list[Any]]] = []
        iterator = iter(rows)
        for item in iterator:
            head.append(item)
            if len(head) >= 15:
                break
        position = _find_header(head, mapping)
        if position is None:
            if len(sheets) == 1 or sheet is not None:
                result.warnings.append(
                    _("{sheet_name}: no header row found in the first 15 rows; skipped").format(sheet_name=sheet_name)
                )
            continue
        found_any_header = True
        header_row = head[position][1]
        columns: dict[int, str] = {}
        kept_in_remarks: dict[int, str] = {}  # a column with no field of its own → its heading
        for index, cell in enumerate(header_row):
            if _blank(cell):
                continue
            key = normalize_header(cell)
            heading = str(cell).strip()
            target = mapping.get(key) or _LOOKUP.get(key)
            if target == "ignore" or key in (normalize_header(i) for i in IGNORED):
                continue
            if target is None or target in columns.values():
                why = _("has no field of its own") if target is None else _("is a second {target} column").format(target=target)
                result.warnings.append(
                    _(
                        "{sheet_name}: column {heading!r} {why}; its values are kept in 备注 as '{heading}: …' (place it with --map '{heading}=FIELD', or --map '{heading}=ignore')"
                    ).format(sheet_name=sheet_name, heading=heading, why=why)
                )
                kept_in_remarks[index] = heading
                continue
            columns[index] = target
            result.columns[heading] = target
        headers = {target: str(header_row[index]).strip() for index, target in columns.items()}
        unrecorded = [SYNONYMS[f][0] for f in ("first_response_at", "feedback_at") if f not in columns.values()]
        if unrecorded and {"solution", "resolved_at", "satisfaction"} & set(columns.values()):
            result.warnings.append(
                _(
                    "{sheet_name}: no column for {columns}; cases resolved in the sheet count that contact as never made (missed once closed), as the register would had it been typed. If the sheet keeps those times under another heading, place it with --map"
                ).format(sheet_name=sheet_name, columns=_(" or ").join(unrecorded))
            )
        for required in ("received_at", "customer_name"):
            if required not in columns.values():
                result.errors.append(
                    RowError(
                        sheet_name,
                        head[position][0],
                        "header",
                        _("no column for {required}; name one with --map 'HEADER={required}'").format(required=required),
                    )
                )
        if "content" not in columns.values() and "subject" not in columns.values():
            result.errors.append(
                RowError(
                    sheet_name, head[position][0], "header", _("no column for content; name one with --map 'HEADER=content'")
                )
            )
        if any(e.column == "header" for e in result.errors):
            continue
        for number, cells in itertools.chain(head[position + 1 :], iterator):
            if on_row:
                on_row()
            values = {columns[i]: cells[i] for i in columns if i < len(cells) and not _blank(cells[i])}
            extra = [
                f"{h}: {_cell_text(cells[i])}" for i, h in kept_in_remarks.items() if i < len(cells) and not _blank(cells[i])
            ]
            if not values:
                continue  # a blank line (or only remarks beside nothing: not a complaint)
            if extra:
                own = [str(values["remarks"])] if "remarks" in values else []
                values["remarks"] = "\n".join(own + extra)
            _check_row(result, sheet_name, number, values, headers, rules=rules, tz=tz, now=now)
    if result.odd_contacts and not result.errors:
        shown = ", ".join(result.odd_contacts[:5]) + (" …" if len(result.odd_contacts) > 5 else "")
        result.warnings.append(
            _(
                "{count} rows have a contact that is not a phone number or e-mail in a form the desk accepts ({rows}); they are kept as written"
            ).format(count=len(result.odd_contacts), rows=shown)
        )
    if result.untimed and not result.errors:
        result.warnings.append(
            _(
                "{untimed} rows record a solution or rating without its time; each such step is taken as at the row's last earlier time (receipt at the earliest)"
            ).format(untimed=result.untimed)
        )
    if not found_any_header and not result.errors:
        raise BadInput(
            _("{name}: no sheet has a header row naming register columns (投诉时间, 客户姓名, 投诉内容, ...)").format(
                name=path.name
            )
        )
    return result


def _cell_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M}".removesuffix(" 00:00")
    return str(value).strip()


# Each step's time and the steps it cannot come before (time runs forward within a case).
_AFTER = {
    "first_response_at": ("received_at",),
    "resolved_at": ("received_at",),
    "feedback_at": ("resolved_at", "received_at"),
    "followup_at": ("resolved_at", "received_at"),
    "closed_at": ("followup_at", "resolved_at", "received_at"),
}


def _check_order(values: dict[str, Any], fail: Callable[[str, str], None]) -> None:
    """Refuse a row whose steps run backwards (a visit before the resolution it follows) and
    one that says it is resolved without saying when."""
    for later, earlier_fields in _AFTER.items():
        if later not in values:
            continue
        for earlier in earlier_fields:
            if earlier in values:
                if values[later] < values[earlier]:
                    fail(
                        later,
                        _(
                            "{later:%Y-%m-%d %H:%M} is before the {earlier} time {earlier_time:%Y-%m-%d %H:%M}; steps of a case run forward"
                        ).format(later=values[later], earlier=earlier.removesuffix("_at"), earlier_time=values[earlier]),
                    )
                break


def _excel_serial(value: float) -> datetime:
    return datetime(1899, 12, 30) + timedelta(days=float(value))


def _check_row(
    result: LoadedFile,
    sheet: str,
    number: int,
    raw: dict[str, Any],
    headers: dict[str, str],
    *,
    rules: Rules,
    tz: tzinfo,
    now: datetime,
) -> None:
    values: dict[str, Any] = {}
    errors: list[RowError] = []

    def fail(field_name: str, reason: str) -> None:
        errors.append(RowError(sheet, number, headers.get(field_name, field_name), reason))

    for name, value in raw.items():
        try:
            if name.startswith("field."):
                declared = rules.declared_field(name[6:])
                assert declared is not None
                text = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
                values[name] = declared.parse(text)
                continue
            entry = fields.BY_KEY[name]
            if entry.kind == "time":
                if isinstance(value, datetime):
                    moment = value
                elif isinstance(value, (int, float)) and not isinstance(value, bool) and 1 <= value < 2958466:
                    moment = _excel_serial(value)
                elif isinstance(value, str) and _SERIAL.match(value.strip()) and 20000 <= float(value) < 80000:
                    moment = _excel_serial(float(value))  # a serial date that went through a CSV
                else:
                    moment = inputs.when(str(value), headers.get(name, name), now=now, tz=tz)
                if moment.tzinfo is None:
                    moment = moment.replace(tzinfo=tz)
                if moment > now + timedelta(minutes=5):
                    fail(name, _("{moment:%Y-%m-%d %H:%M} is in the future").format(moment=moment.astimezone(tz)))
                    continue
                values[name] = moment
            elif entry.choice is not None:
                values[name] = entry.choice.parse(str(value)).value
            elif entry.kind == "category":
                rule = rules.find_category(str(value))
                if rule is None:
                    fail(
                        name,
                        _("{value!r} is not a category of the rules in force ({category_choices})").format(
                            value=value, category_choices=rules.category_choices()
                        ),
                    )
                    continue
                values[name] = rule.code
            elif entry.kind == "money":
                values[entry.name] = inputs.amount_cents(str(value), headers.get(name, name))
            elif name == "contact":
                text = str(value).strip()
                if isinstance(value, float) and value.is_integer():
                    text = str(int(value))  # a phone number Excel kept as a number
                values[name] = inputs.contact(text, "other", headers.get(name, name))
                if inputs.contact_kind(values[name]) is None:
                    result.odd_contacts.append(_("{sheet} row {row}").format(sheet=sheet, row=number))
            elif name == "unit":
                typed = inputs.text(str(value), headers.get(name, name), single_line=True) or ""
                unit = rules.find_unit(typed)
                values[name] = unit.key if unit else typed
            elif name == "department":
                typed = inputs.text(str(value), headers.get(name, name), single_line=True) or ""
                known = rules.find_department(typed)
                if known is None:
                    result.unknown_departments[typed] = result.unknown_departments.get(typed, 0) + 1
                values[name] = known.name if known else typed
            elif entry.kind == "code":
                values[name] = str(value).strip()
            else:
                text = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
                values[name] = inputs.text(text, headers.get(name, name), single_line=entry.kind != "long")
        except BadInput as exc:
            fail(name, exc.message.split(": ", 1)[-1])
        except ValueError as exc:
            fail(name, str(exc))
    if "received_at" not in values and not any(e.column == headers.get("received_at", "received_at") for e in errors):
        fail("received_at", _("is empty; every complaint needs the time it was received"))
    if not values.get("customer_name") and "customer_name" in headers:
        fail("customer_name", "is empty")
    if not values.get("content"):
        if values.get("subject"):
            values["content"] = values["subject"]
        else:
            fail("content", _("is empty; give what happened (or at least a subject)"))
    _check_order(values, fail)
    if (values.get("solution") or values.get("satisfaction") or values.get("status") in ("resolved", "closed")) and not (
        values.get("resolved_at") or values.get("followup_at") or values.get("closed_at")
    ):
        result.untimed += 1
    if values.get("no") and not str(values["no"]).isprintable():
        fail("no", _("holds control characters ({value!r}); a number is letters, digits and dashes").format(value=values["no"]))
    own = re.fullmatch(r"(?i)TS-(\d+)-(\d+)", values.get("no") or "")
    if own and "received_at" in values:
        year, seq = int(own[1]), int(own[2])
        received_year = values["received_at"].astimezone(tz).year
        if len(own[1]) != 4 or year == 0:
            fail(
                "no",
                _("{value!r}: the year must have four digits, like TS-{received_year}-0042").format(
                    value=values["no"], received_year=received_year
                ),
            )
        elif year != received_year:
            fail(
                "no",
                _(
                    "{value!r} is numbered in {year} but was received in {received_year} (office time); correct the number or the time, or clear the number to get the next one of {received_year}"
                ).format(value=values["no"], year=year, received_year=received_year),
            )
        elif not 1 <= seq <= inputs.MAX_SEQ:
            fail(
                "no",
                _(
                    "{value!r}: a complaint number runs from 0001 to {max_seq}; clear it to get the next number of the year"
                ).format(value=values["no"], max_seq=inputs.MAX_SEQ),
            )
    if errors:
        result.errors.extend(errors)
        return
    key_source = "|".join(str(values.get(k) or "") for k in ("received_at", "customer_name", "contact", "content"))
    result.rows.append(ImportRow(sheet, number, values, hashlib.sha1(key_source.encode("utf-8")).hexdigest()))
