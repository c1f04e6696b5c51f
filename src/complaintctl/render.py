"""Everything the register prints: Rich tables and panels for people, JSON for scripts.

The only module that formats output. Records arrive as plain data from the service
layer; times are shown in the office time zone.
"""

from __future__ import annotations

import json
import sys
from datetime import date, datetime, tzinfo
from typing import Any, Iterable

from .domain import (
    ACTION_LABELS,
    CHANGE_LABELS,
    FIELD_LABELS,
    Category,
    Channel,
    Choice,
    CompensationKind,
    Milestone,
    Origin,
    Priority,
    Satisfaction,
    Severity,
    Status,
)

_CHOICES: dict[str, type[Choice]] = {
    "channel": Channel,
    "via": Channel,
    "origin": Origin,
    "severity": Severity,
    "priority": Priority,
    "status": Status,
    "satisfaction": Satisfaction,
    "compensation_kind": CompensationKind,
    "category": Category,
    "meets": Milestone,
}


def _console(stderr: bool = False):  # type: ignore[no-untyped-def]
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=False)


def error(message: str) -> None:
    """One line on stderr."""
    sys.stderr.write(f"error: {message}\n")
    sys.stderr.flush()


def emit_json(data: Any, tz: tzinfo) -> None:
    """Print data as JSON: codes not labels, times ISO 8601 with the office offset."""

    def default(value: Any) -> Any:
        if isinstance(value, datetime):
            return value.astimezone(tz).isoformat()
        if isinstance(value, date):
            return value.isoformat()
        raise TypeError(f"cannot encode {type(value).__name__}")

    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=default) + "\n")


def local_time(value: datetime | None, tz: tzinfo) -> str:
    if value is None:
        return ""
    return value.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def label(field: str, value: Any) -> str:
    """A stored code shown with its Chinese label."""
    if value is None:
        return ""
    kind = _CHOICES.get(field)
    if kind is not None:
        try:
            return kind(value).label
        except ValueError:
            return str(value)
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def _display(field: str, value: Any, tz: tzinfo) -> str:
    if isinstance(value, datetime):
        return local_time(value, tz)
    if field == "compensation_amount" and value is not None:
        return f"¥{value:,.2f}"
    return label(field, value)


def done(record: dict[str, Any], what: str, tz: tzinfo) -> None:
    """The one line a command prints after it changed a case."""
    status = label("status", record["status"])
    sys.stdout.write(f"{record['no']} {what} ({status})\n")


def complaint(record: dict[str, Any], tz: tzinfo) -> None:
    """The whole record, its contact log and its history (`show`)."""
    from rich.table import Table

    console = _console()
    fields = Table(show_header=False, box=None, pad_edge=False, title=f"投诉 {record['no']}", title_justify="left")
    fields.add_column(style="bold", no_wrap=True)
    fields.add_column(overflow="fold")
    for field, heading in FIELD_LABELS.items():
        value = record.get(field)
        if value in (None, "") or (field in ("reopen_count", "escalation_level") and value == 0):
            continue
        if field == "final_decision" and not value:
            continue
        fields.add_row(heading, _display(field, value, tz))
    if record.get("linked"):
        fields.add_row("关联投诉", ", ".join(record["linked"]))
    console.print(fields)

    if record.get("contacts"):
        contacts = Table(title="沟通记录", title_justify="left", expand=False)
        for heading in ("时间", "方式", "经办人", "内容"):
            contacts.add_column(heading, overflow="fold")
        for entry in record["contacts"]:
            summary = entry["summary"]
            if entry.get("meets"):
                summary += f"  [{label('meets', entry['meets'])}]"
            contacts.add_row(local_time(entry["at"], tz), label("via", entry["via"]), entry["by"], summary)
        console.print(contacts)

    history = Table(title="处理历史", title_justify="left", expand=False)
    for heading in ("时间", "操作人", "操作", "变更"):
        history.add_column(heading, overflow="fold")
    for entry in record.get("history", []):
        history.add_row(
            local_time(entry["at"], tz),
            entry["actor"],
            ACTION_LABELS.get(entry["action"], entry["action"]),
            _changes_text(entry["changes"], entry.get("reason"), tz),
        )
    console.print(history)


def _changes_text(changes: dict[str, list[Any]], reason: str | None, tz: tzinfo) -> str:
    parts = []
    for field, (old, new) in changes.items():
        if field in ("content", "no", "received_at") and old is None:
            continue
        heading = CHANGE_LABELS.get(field, field)
        parts.append(f"{heading}: {_change_value(field, old, tz)} → {_change_value(field, new, tz)}" if old is not None
                     else f"{heading}: {_change_value(field, new, tz)}")
    if reason:
        parts.append(f"理由: {reason}")
    return "; ".join(parts)


def _change_value(field: str, value: Any, tz: tzinfo) -> str:
    if isinstance(value, str) and len(value) >= 19 and value[4] == "-" and value[10] == "T":
        try:
            return local_time(datetime.fromisoformat(value), tz)
        except ValueError:
            pass
    if isinstance(value, dict):
        return value.get("summary", "")
    if field in ("meets",):
        return label("meets", value)
    return label(field, value) if value is not None else "—"


def complaint_list(records: Iterable[dict[str, Any]], tz: tzinfo) -> None:
    """A table of complaints that fits an 80-column terminal."""
    from rich.table import Table

    table = Table(box=None, header_style="bold", pad_edge=False, expand=True)
    table.add_column("编号", no_wrap=True, min_width=12)
    table.add_column("投诉时间", no_wrap=True, min_width=14)
    table.add_column("客户", width=8, overflow="ellipsis", no_wrap=True)
    table.add_column("类别", width=8, overflow="ellipsis", no_wrap=True)
    table.add_column("严重", width=4, no_wrap=True)
    table.add_column("状态", width=6, no_wrap=True)
    table.add_column("主题", overflow="ellipsis", no_wrap=True, ratio=1)
    rows = 0
    for record in records:
        rows += 1
        table.add_row(
            record["no"],
            local_time(record["received_at"], tz)[2:],
            record["customer_name"],
            label("category", record["category"]),
            label("severity", record["severity"]),
            label("status", record["status"]),
            record["subject"] or record["content"].splitlines()[0],
        )
    console = _console()
    if rows == 0:
        console.print("没有符合条件的投诉 (no complaints match)")
        return
    console.print(table)
