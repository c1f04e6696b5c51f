"""Everything the register prints: Rich tables and panels for people, JSON for scripts.

The only module that formats output. Records arrive as plain data from the service
layer; times are shown in the office time zone.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from datetime import date, datetime, tzinfo
from typing import TYPE_CHECKING, Any

from .domain import ACTION_LABELS, NOT_ASSIGNED, Channel, Choice, Milestone
from .fields import CHANGE_LABELS, CHOICES, SHOWN
from .i18n import N_, _
from .reasons import shown

if TYPE_CHECKING:
    from .rules import Policy

STATE_LABELS = {
    "pending": N_("进行中"),
    "due_soon": N_("即将到期"),
    "overdue": N_("已超期"),
    "met": N_("按时完成"),
    "met_late": N_("超期完成"),
    "missed": N_("未完成(已结案)"),
    "paused": N_("暂停(等待客户)"),
    "void": N_("已取消"),
}

# Codes shown with their labels: the registry's choice fields, and the keys of contacts and deadlines.
_CHOICES: dict[str, type[Choice]] = {**CHOICES, "via": Channel, "milestone": Milestone, "meets": Milestone}


# Characters a terminal acts on rather than shows: C0 controls but the newline, DEL, C1
# controls (U+009B is an 8-bit CSI), bidi overrides and isolates, line and paragraph
# separators. Printed visibly escaped (\x1b, \u202e); the register keeps the original.
_ACTIVE = {
    code: f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
    for code in (
        *(c for c in range(0x20) if c != 0x0A),
        *range(0x7F, 0xA0),
        0x061C,
        0x200E,
        0x200F,
        *range(0x202A, 0x202F),
        *range(0x2066, 0x206A),
        0x2028,
        0x2029,
    )
}
# In JSON, json's encoder escapes C0 already; the rest as \uXXXX.
_JSON_ACTIVE = {code: f"\\u{code:04x}" for code in _ACTIVE if code >= 0x7F}


def visible(text: str) -> str:
    """`text` safe to print on a terminal: what a terminal would act on, escaped."""
    if text.isascii() and text.isprintable():
        return text
    return "\n".join(line.translate(_ACTIVE) for line in text.split("\n"))


def error(message: str) -> None:
    """One line on stderr."""
    sys.stderr.write(_("error: {message}\n").format(message=visible(message).replace("\n", "\\n")))
    sys.stderr.flush()


def emit_json(data: Any, tz: tzinfo) -> None:
    """Print data as JSON: codes not labels, times ISO 8601 with the office offset."""
    import json

    def default(value: Any) -> Any:
        if isinstance(value, datetime):
            return value.astimezone(tz).isoformat()
        if isinstance(value, date):
            return value.isoformat()
        raise TypeError(f"cannot encode {type(value).__name__}")

    if isinstance(data, list):
        # One item per line, like sqlite-utils: still readable, and written by json's C
        # encoder, which `indent` turns off (3,000 overdue items: 70 -> 20 ms).
        encode = json.JSONEncoder(ensure_ascii=False, default=default).encode
        items = [encode(item).translate(_JSON_ACTIVE) for item in data]
        sys.stdout.write("[\n" + ",\n".join(items) + "\n]\n" if items else "[]\n")
        return
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=default).translate(_JSON_ACTIVE) + "\n")


def local_time(value: datetime | None, tz: tzinfo) -> str:
    if value is None:
        return ""
    return value.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def label(field: str, value: Any) -> str:
    """A stored code shown with its Chinese label."""
    if value is None:
        return ""
    if field in ("milestone", "meets"):
        from .procedures import label_of

        return label_of(str(value))
    kind = _CHOICES.get(field)
    if kind is not None:
        try:
            return _(kind(value).label)
        except ValueError:
            return str(value)
    if isinstance(value, bool):
        return _("是") if value else _("否")
    return str(value)


def _display(field: str, value: Any, tz: tzinfo) -> str:
    if isinstance(value, datetime):
        return local_time(value, tz)
    if field == "compensation_amount" and value is not None:
        return f"¥{value:,.2f}"
    return label(field, value)


def done(record: dict[str, Any], what: str, policy: Policy) -> None:
    """The one line a command prints after it changed a case, and what is due next."""
    status = label("status", record["status"])
    line = f"{record['no']} {what} ({status})"
    upcoming = [
        (record["due"][m], m)
        for m, state in record.get("milestones", {}).items()
        if state in ("pending", "due_soon", "overdue") and record["due"].get(m)
    ]
    if upcoming:
        due_at, milestone = min(upcoming)
        line += _("  下一期限 {milestone}: {due}").format(
            milestone=label("milestone", milestone), due=local_time(due_at, policy.tz)
        )
        if milestone in record.get("provisional", []):
            line += _(" (暂定)")
    sys.stdout.write(line + "\n")


def complaint(record: dict[str, Any], policy: Policy) -> None:
    """The whole record, why it was classified so, its deadlines, contact log and history (`show`)."""
    tz = policy.tz
    fields: list[list[str]] = []
    for entry in SHOWN:
        field, heading = entry.record_key, _(entry.label)
        value = record.get(field)
        if value in (None, "") or (field in ("reopen_count", "escalation_level") and value == 0):
            continue
        if field == "final_decision" and not value:
            continue
        if field == "category":
            fields.append([heading, policy.rules.category_label(value)])
            continue
        fields.append([heading, _display(field, value, tz)])
    for declared in policy.rules.fields:
        value = record.get("fields", {}).get(declared.key)
        if value:
            fields.append([declared.label, value])
    if record.get("waiting_since"):
        fields.append([_("等待客户"), _("自 {since} (解决时限暂停)").format(since=local_time(record["waiting_since"], tz))])
    if record.get("linked"):
        fields.append([_("关联投诉"), ", ".join(record["linked"])])
    out = [_("投诉 {no}").format(no=record["no"]), *_grid(fields)]
    out += _why(record, policy)
    out += _deadlines(record, policy)
    if record.get("contacts"):
        contacts = []
        for entry in record["contacts"]:
            summary = entry["summary"]
            if entry.get("meets"):
                summary += f"  [{label('meets', entry['meets'])}]"
            contacts.append([local_time(entry["at"], tz), label("via", entry["via"]), entry["by"], summary])
        out.append(_("沟通记录"))
        out += _boxed([_("时间"), _("方式"), _("经办人"), _("内容")], contacts, _bold_if_styled(), align_right=False)
    if record.get("attachments"):
        files = [
            [local_time(a["at"], tz), a["by"], a["name"], f"{a['size']:,}", a["sha256"][:12], a.get("note") or ""]
            for a in record["attachments"]
        ]
        out.append(_("证据附件"))
        out += _boxed(
            [_("时间"), _("经办人"), _("文件"), _("字节"), "SHA-256", _("说明")], files, _bold_if_styled(), align_right=False
        )
    history = [
        [
            local_time(entry["at"], tz),
            entry["actor"],
            _(ACTION_LABELS.get(entry["action"], entry["action"])),
            change_summary(entry["changes"], entry.get("reason"), policy),
        ]
        for entry in record.get("history", [])
    ]
    out.append(_("处理历史"))
    out += _boxed([_("时间"), _("操作人"), _("操作"), _("变更")], history, _bold_if_styled(), align_right=False)
    sys.stdout.write("\n".join(out) + "\n")


_WHY_LABELS = {"category": N_("投诉类别"), "severity": N_("严重程度"), "urgency": N_("紧急程度"), "priority": N_("优先级")}


def _why(record: dict[str, Any], policy: Policy) -> list[str]:
    """Each decision and the terms that made it (Taskwarrior's `info`)."""
    why = record.get("why") or {}
    rows = []
    for field, heading in _WHY_LABELS.items():
        note = why.get(field)
        if not note:
            continue
        value = policy.rules.category_label(note["value"]) if field == "category" else label(field, note["value"])
        source = _("人工") if note.get("source") == "manual" else _("规则")
        rows.append([_(heading), f"{value} ({source})", "; ".join(note.get("terms", []))])
    return [_("判定依据"), *_grid(rows)] if rows else []


def _deadlines(record: dict[str, Any], policy: Policy) -> list[str]:
    rows = []
    for deadline in record.get("deadlines", []):
        if deadline["state"] == "void":
            continue
        state = (
            record["milestones"].get(deadline["milestone"], deadline["state"])
            if deadline["state"] == "open"
            else (
                "missed"
                if deadline["state"] == "missed"
                else "met_late"
                if deadline.get("missed_at")
                or (deadline["met_at"] and deadline["due_at"] and deadline["met_at"] > deadline["due_at"])
                else "met"
            )
        )
        due = local_time(deadline["due_at"], policy.tz)
        if deadline["provisional"] and deadline["state"] == "open":
            due += _(" 暂定")
        done_at = f" ({local_time(deadline['met_at'], policy.tz)})" if deadline["met_at"] else ""
        rows.append(
            [
                label("milestone", deadline["milestone"]),
                due,
                _(STATE_LABELS.get(state, state)) + done_at,
                deadline.get("explanation") or "",
            ]
        )
        for step in deadline.get("ladder", []):
            told = (
                _("已发送 {at}").format(at=local_time(step["sent_at"], policy.tz))
                if step["sent_at"]
                else (_("未发出") if deadline["state"] != "open" else _("待发"))
            )
            rows.append(
                [
                    "  " + _("第 {step} 级").format(step=step["step"]),
                    local_time(step["due_at"], policy.tz),
                    told,
                    _("通知 {who}").format(who="、".join(step["notify"])),
                ]
            )
    if not rows:
        return []
    headers = [_("节点"), _("期限"), _("状态"), _("依据")]
    return [_("处理时限"), *_boxed(headers, rows, _bold_if_styled(), align_right=False)]


def decisions(record: dict[str, Any], policy: Policy) -> None:
    """What `classify` decided, term by term."""
    out = [_("{no} 分类评估已记录 ({status})").format(no=record["no"], status=label("status", record["status"]))]
    out += _why(record, policy)
    out += _deadlines(record, policy)
    sys.stdout.write("\n".join(out) + "\n")


def overdue(report: dict[str, Any], policy: Policy) -> None:
    """The morning check, as cron mails it: nothing at all when nothing is due (no mail);
    else by department, a count line each, every case once with all its late or due-soon
    milestones, lines that fit the terminal (80 columns in a mail, CJK counted two), and
    the totals at the end."""
    items = report["items"]
    alerts = report.get("alerts", [])
    if not items and not alerts:
        return
    tz = policy.tz
    width = max(40, min(_terminal_width(), 100))
    # Each text translated once, not once per item: the first check of a big register
    # prints thousands of lines.
    due_soon = STATE_LABELS["due_soon"]
    soon_text, provisional = _(due_soon), _(" [暂定期限]")
    unassigned = _(NOT_ASSIGNED)
    milestone_text = _("{milestone} {state} ({due}{flag})")
    labels: dict[tuple[str, Any], str] = {}

    def labelled(field: str, value: Any) -> str:
        key = (field, value)
        if key not in labels:
            labels[key] = label(field, value)
        return labels[key]

    departments: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for item in items:
        cases = departments.setdefault(visible(item["department"] or unassigned), {})
        cases.setdefault(item["no"], []).append(item)
    late = sum(1 for i in items if i["state"] == "overdue")
    case_count = sum(len(cases) for cases in departments.values())
    counts = _("{cases} 件投诉: {late} 项已超期, {soon} 项即将到期")
    out = [
        _("投诉处理时限检查 {at}").format(at=local_time(report["at"], tz))
        + " — "
        + counts.format(cases=case_count, late=late, soon=len(items) - late)
    ]
    if alerts:
        out.append(_("\n负荷预警"))
        for alert in alerts:
            who = _("部门") if alert["kind"] == "department" else _("处理人")
            out.append(
                _fit(
                    _("  {who} {subject}: {window} 内 {count} 件投诉 ({at}, {no})").format(
                        who=who,
                        subject=alert["subject"],
                        window=alert["window"],
                        count=alert["count"],
                        at=local_time(alert["at"], tz),
                        no=alert["no"] or "-",
                    ),
                    width,
                ).rstrip()
            )
    for department, cases in departments.items():
        milestones = [m for case in cases.values() for m in case]
        department_late = sum(1 for m in milestones if m["state"] == "overdue")
        out.append("")
        out.append(
            _fit(
                f"{department} — "
                + counts.format(cases=len(cases), late=department_late, soon=len(milestones) - department_late),
                width,
            ).rstrip()
        )
        for no, case in cases.items():
            first = case[0]
            owner = f" [{visible(first['assignee'])}]" if first["assignee"] else ""
            about = visible(first["customer_name"] or "") + ": " + visible(first["subject"] or "")
            head = f"  {no}  {labelled('severity', first['severity'])}{owner}  {about}"
            parts = [
                milestone_text.format(
                    milestone=labelled("milestone", m["milestone"]),
                    state=m["late"] if m["state"] == "overdue" else soon_text,
                    due=_short_due(local_time(m["due_at"], tz)),
                    flag=provisional if m["provisional"] else "",
                )
                for m in case
            ]
            one_line = f"{head}  — " + "; ".join(parts)
            if cell_len(one_line) <= width:  # the case and its milestones on one line when they fit
                out.append(one_line)
                continue
            out.append(_fit(head, width).rstrip())
            out.extend(_wrapped(parts, "      ", width))
    out.append("")
    out.append(_("合计") + ": " + counts.format(cases=case_count, late=late, soon=len(items) - late))
    if report.get("breaches_recorded"):
        out.append(_("(本次新记录超期 {count} 项)").format(count=report["breaches_recorded"]))
    sys.stdout.write("\n".join(out) + "\n")


def _short_due(local: str) -> str:
    """`2026-10-08 23:59` as `10-08` (a day's end goes without saying), else `10-08 14:00`."""
    return local[5:10] if local.endswith("23:59") else local[5:]


def _wrapped(parts: list[str], indent: str, width: int) -> list[str]:
    """`parts` joined by "; " into lines of at most `width` cells, each starting `indent`;
    a part longer than a line is cut."""
    lines: list[str] = []
    line = ""
    for part in parts:
        candidate = f"{line}; {part}" if line else part
        if line and cell_len(indent + candidate) > width:
            lines.append(indent + line)
            candidate = part
        line = candidate
    if line:
        lines.append(indent + line)
    return [text if cell_len(text) <= width else _fit(text, width).rstrip() for text in lines]


def notified(sent: list[dict[str, Any]]) -> None:
    """What `overdue --notify` sent in this run, one line each; nothing when nothing was sent
    (a cron running it every minute mails only when something went out)."""
    lines = []
    for item in sent:
        if item["state"] == "sent":
            lines.append(
                _("sent to {to} ({channel}): {title}").format(to=item["to"], channel=item["channel"], title=item["title"])
            )
        elif item["state"] == "unreachable":
            lines.append(_("no destination for {to}: {title}").format(to=item["to"], title=item["title"]))
        else:
            lines.append(_("not sent to {to}, tried again next run: {title}").format(to=item["to"], title=item["title"]))
    if lines:
        sys.stdout.write("\n".join(lines) + "\n")


def recomputed(changed: list[dict[str, Any]], policy: Policy) -> None:
    if not changed:
        sys.stdout.write(_("所有期限均与现行规则一致\n"))
        return
    for item in changed:
        sys.stdout.write(f"{item['no']}: {change_summary(item['changes'], None, policy)}\n")
    sys.stdout.write(_("{count} 件投诉的期限已重算并记录\n").format(count=len(changed)))


def rules_toml(raw: dict[str, Any], source: str) -> None:
    from .ruleset import to_toml

    sys.stdout.write(_("# rules in force: {source}\n").format(source=source) + to_toml(raw))


def change_summary(changes: dict[str, list[Any]], reason: str | None, policy: Policy) -> str:
    parts = []
    for field, (old, new) in changes.items():
        if (field in ("content", "no", "received_at") and old is None) or (old is None and new is None):
            continue
        heading = _(CHANGE_LABELS.get(field, field))
        if field.startswith("due."):
            heading = _("期限 ") + label("milestone", field[4:])
        elif field.startswith("void."):
            parts.append(_("不再适用: {milestone}").format(milestone=label("milestone", field[5:])))
            continue
        parts.append(
            f"{heading}: {_change_value(field, old, policy)} → {_change_value(field, new, policy)}"
            if old is not None
            else f"{heading}: {_change_value(field, new, policy)}"
        )
    if reason:
        parts.append(_("理由: {reason}").format(reason=_("（已删除）") if reason.startswith("forgotten:") else shown(reason)))
    return "; ".join(parts)


def _change_value(field: str, value: Any, policy: Policy) -> str:
    tz = policy.tz
    if isinstance(value, str) and value.startswith('["'):
        return shown(value)
    if field == "compensation_cents" and isinstance(value, int):
        return f"¥{value / 100:,.2f}"
    if field == "category" and value is not None:
        return policy.rules.category_label(value)
    if isinstance(value, str) and len(value) >= 19 and value[4] == "-" and value[10] == "T":
        try:
            return local_time(datetime.fromisoformat(value), tz)
        except ValueError:
            pass
    if field == "notified" and isinstance(value, dict):
        told = _("{to} ({channel})").format(to=value.get("to", ""), channel=value.get("channel", ""))
        if value.get("milestone"):
            told += " " + label("milestone", value["milestone"])
        if value.get("step"):
            told += " " + _("第 {step} 级").format(step=value["step"])
        if value.get("retry"):
            told += " " + _("(重试)")
        return told
    if field == "parts" and isinstance(value, dict):
        return "; ".join(f"{name}: {text}" for name, text in value.items())
    if field == "step" and isinstance(value, str):
        return policy.rules.step_label(value)
    if isinstance(value, dict):
        return _("（已删除）") if "forgotten" in value else value.get("summary", "")
    if field == "attachments" and isinstance(value, list):
        return "、".join(str(a.get("name", "")) for a in value if isinstance(a, dict))
    if field in ("meets", "milestone"):
        return label("milestone", value)
    return label(field, value) if value is not None else "—"


# `list` columns: heading and width in terminal cells; the subject takes what is left.
_LIST_COLUMNS = ((N_("编号"), 13), (N_("投诉时间"), 11), (N_("客户"), 6), (N_("部门/人"), 10), (N_("下一期限"), 8))
_LIST_GAP = "  "


def cell_len(text: str) -> int:
    """How many terminal cells `text` takes: a wide or full-width character (Chinese) two,
    a combining mark or control character none, anything else one. (Rich's cell_len says the same; importing
    its tables cost every command ~3 ms.)"""
    if text.isascii() and text.isprintable():
        return len(text)
    from unicodedata import category, east_asian_width

    return sum(0 if category(ch)[0] in "CM" else 2 if east_asian_width(ch) in "WF" else 1 for ch in text)


def _cut(text: str, width: int) -> str:
    """The longest start of `text` that fits in `width` cells (a wide character that would
    not fit whole is left out)."""
    used = 0
    for index, ch in enumerate(text):
        used += cell_len(ch)
        if used > width:
            return text[:index]
    return text


def _fit(text: str, width: int) -> str:
    """`text` padded or cut (ending in …) to exactly `width` terminal cells; a Chinese
    character takes two."""
    text = visible(text).replace("\n", " ")
    size = cell_len(text)
    if size <= width:
        return text + " " * (width - size)
    # Cut before a wide character that would not fit whole, then pad after the ellipsis.
    cut = _cut(text, width - 1).rstrip(" ") + "…"
    return cut + " " * (width - cell_len(cut))


def complaint_list(records: Iterable[dict[str, Any]], policy: Policy, *, unmasked: bool = False) -> None:
    """A table of complaints for the terminal: number, received, customer (masked), the
    department and person, the next deadline with its state, and the subject (at least 20
    columns at 80; below that each case takes two lines). Overdue is marked ! and due soon
    ~, in colour on a terminal (never with NO_COLOR or into a pipe), explained under the table.

    Laid out by hand rather than with a Rich table: `list` is typed all day, and a Rich
    table of 50 rows costs more than the query behind it."""
    from .privacy import mask_name

    tz = policy.tz
    width = _terminal_width() - 1  # the last column is never written: no terminal wraps early
    fixed = sum(w for _, w in _LIST_COLUMNS) + len(_LIST_GAP) * len(_LIST_COLUMNS)
    two_lines = width - fixed < 20
    colour = _styled()
    unassigned = _(NOT_ASSIGNED)
    marks = {"overdue": "!", "due_soon": "~"}
    seen: set[str] = set()
    lines = []
    for record in records:
        state, due = _next_deadline(record)
        mark = marks.get(state or "", "")
        if mark:
            seen.add(state or "")
        owner = "/".join(visible(p) for p in (record["department"], record["assignee"]) if p) or unassigned
        shown_due = (_short_due(local_time(due, tz))[:5] + " " + mark).rstrip() if due else label("status", record["status"])
        customer = record["customer_name"] if unmasked else mask_name(record["customer_name"])
        cells = [
            (record["no"], 13),
            (local_time(record["received_at"], tz)[5:], 11),
            (customer or "", 6),
            (owner, 10),
            (shown_due, 8),
        ]
        row = _LIST_GAP.join(_fit(cell, w) for cell, w in cells)
        if colour and mark:
            row = ("\x1b[31m" if state == "overdue" else "\x1b[33m") + row + "\x1b[0m"
        subject = record["subject"] or record["content"].splitlines()[0]
        if two_lines:
            lines.append(row.rstrip())
            lines.append(("    " + _fit(subject, max(8, width - 4))).rstrip())
        else:
            lines.append((row + _LIST_GAP + _fit(subject, width - fixed)).rstrip())
    if not lines:
        sys.stdout.write(_("没有符合条件的投诉\n"))
        return
    heading = _LIST_GAP.join(_fit(_(name), w) for name, w in _LIST_COLUMNS) + ("" if two_lines else _LIST_GAP + _("主题"))
    out = [_bold(heading) if colour else heading, *lines]
    legend = [text for state, text in (("overdue", _("! 已超期")), ("due_soon", _("~ 即将到期"))) if state in seen]
    if legend:
        out.append("(" + _("下一期限") + ": " + "  ".join(legend) + ")")
    sys.stdout.write("\n".join(out) + "\n")


def _next_deadline(record: dict[str, Any]) -> tuple[str | None, datetime | None]:
    """The earliest deadline still running on the case, and its state."""
    running = [
        (record["due"][milestone], state)
        for milestone, state in record.get("milestones", {}).items()
        if state in ("pending", "due_soon", "overdue") and record.get("due", {}).get(milestone)
    ]
    if not running:
        return None, None
    due, state = min(running, key=lambda pair: pair[0])
    return state, due


def report(data: dict[str, Any], tables: list[Any], fmt: str, tz: Any = None) -> None:
    """A report as Rich tables, CSV (UTF-8 with BOM, for Excel) or Markdown."""
    from .reports import status_line

    title = _("客户投诉案件统计表 {period} ({start} ~ {end})").format(
        period=data["period"]["label"], start=data["period"]["from"], end=data["period"]["to"]
    )
    if "as_of" in data:
        title += " — " + status_line(data, tz)
    scope = ", ".join(  # the unit by its label
        str(v) if k == "unit_label" else f"{k}={v}" for k, v in data["scope"].items() if v and k != "unit"
    )
    if scope:
        title += f" [{scope}]"
    sides = (data["totals"], data["previous"]["totals"], data.get("year_before", {}).get("totals", {}))
    if fmt == "table" and not any(side.get(key) for side in sides for key in ("received", "resolved", "closed", "open_at_end")):
        # Nothing this period, the last one or a year before, and nothing open: ten empty
        # frames would say less than one line.
        sys.stdout.write(_("{period}: 本期、上期及去年同期均无投诉, 也无未结投诉").format(period=data["period"]["label"]) + "\n")
        return
    if data["totals"]["received"] == 0 and data["previous"]["totals"]["received"] == 0:
        note = _("本期及上期均无投诉")
    elif data["totals"]["received"] == 0:
        note = _("本期无新受理投诉")
    else:
        note = ""
    tables_out(title, note, tables, fmt)


def tables_out(title: str, note: str, tables: list[Any], fmt: str) -> None:
    """Titled tables on stdout as CSV (UTF-8 with BOM), Markdown or boxed text."""
    if fmt == "csv":
        import csv

        from .cells import for_csv

        writer = csv.writer(sys.stdout)
        sys.stdout.write("\ufeff")
        writer.writerow([title])
        if note:
            writer.writerow([note])
        for table in tables:
            writer.writerow([])
            writer.writerow([table.title])
            writer.writerow(table.headers)
            writer.writerows([for_csv(str(value) if isinstance(value, tuple) else value) for value in row] for row in table.rows)
        return
    if fmt == "md":
        out = [f"# {title}", ""]
        if note:
            out += [f"_{note}_", ""]
        for table in tables:
            out.append(f"## {table.title}")
            out.append("")
            out.append("| " + " | ".join(str(h) for h in table.headers) + " |")
            out.append("|" + "|".join("---" for _ in table.headers) + "|")
            for row in table.rows:
                out.append("| " + " | ".join(str(c).replace("|", "\\|") for c in row) + " |")
            out.append("")
        sys.stdout.write("\n".join(out))
        return
    bold = _bold if _styled() else str
    out = [bold(title)]
    if note:
        out.append(note)
    for table in tables:
        out.append(table.title)
        out.extend(_boxed([str(h) for h in table.headers], [[str(c) for c in row] for row in table.rows], bold))
    sys.stdout.write("\n".join(out) + "\n")


def _styled() -> bool:
    """Whether to print bold: on a terminal, unless NO_COLOR or a dumb terminal says not."""
    import os

    return sys.stdout.isatty() and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"


def _bold(text: str) -> str:
    return f"\x1b[1m{text}\x1b[0m"


def _bold_if_styled() -> Callable[[str], str]:
    return _bold if _styled() else str


def _terminal_width() -> int:
    import shutil

    return shutil.get_terminal_size((80, 24)).columns


def _wrap(text: str, width: int) -> list[str]:
    """`text` folded into lines of at most `width` terminal cells (a Chinese character
    takes two): at spaces where a word fits, anywhere inside a word that does not."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if cell_len(candidate) <= width:
                line = candidate
                continue
            if line:
                lines.append(line)
                line = ""
            for char in word:
                if cell_len(line + char) > width:
                    lines.append(line)
                    line = ""
                line += char
        lines.append(line)
    return lines


def _fitted(widths: list[int], spare: int, foldable: list[bool]) -> list[int]:
    """Column widths narrowed, widest foldable first, until `spare` cells are given back."""
    widths = list(widths)
    while spare > 0:
        candidates = [i for i, width in enumerate(widths) if foldable[i] and width > 6]
        if not candidates:
            break
        widest = max(candidates, key=lambda i: widths[i])
        widths[widest] -= 1
        spare -= 1
    return widths


def _cell(text: str, width: int, right: bool) -> str:
    pad = " " * (width - cell_len(text))
    return pad + text if right else text + pad


def _grid(rows: list[list[str]]) -> list[str]:
    """Rows laid out in columns two spaces apart, without rules: label, value, reason. The
    first column stays whole; the last folds to the terminal's width."""
    if not rows:
        return []
    rows = [[visible(text) for text in row] for row in rows]
    count = len(rows[0])
    widths = [max(cell_len(row[i]) for row in rows) for i in range(count)]
    spare = sum(widths) + 2 * (count - 1) - _terminal_width()
    widths = _fitted(widths, spare, [i == count - 1 for i in range(count)])
    bold = _bold_if_styled()
    out = []
    for row in rows:
        cells = [_wrap(text, width) for text, width in zip(row, widths)]
        for n in range(max(len(lines) for lines in cells)):
            parts = [_cell(lines[n] if n < len(lines) else "", width, False) for lines, width in zip(cells, widths)]
            parts[0] = bold(parts[0]) if n == 0 else parts[0]
            out.append("  ".join(parts).rstrip())
    return out


def _boxed(headers: list[str], rows: list[list[str]], bold: Callable[[str], str], align_right: bool = True) -> list[str]:
    """A table drawn as Rich draws its default box (heavy head, light body), the first
    column to the left and, with `align_right`, the figures to the right; cells fold to
    keep the table within the terminal. By hand: Rich took ~40 ms to import and lay out
    the tables of a report, a tenth of the command, and more for `show`."""
    rows = [[visible(text) for text in row] for row in rows]
    count = len(headers)
    widths = [max(cell_len(line) for cells in [headers, *rows] for line in cells[i].split("\n")) for i in range(count)]
    spare = sum(widths) + 3 * count + 1 - _terminal_width()
    widths = _fitted(widths, spare, [i > 0 or count == 1 for i in range(count)])

    def lines(cells: list[str], edge: str, style: Callable[[str], str] = str) -> list[str]:
        folded = [_wrap(cell, width) for cell, width in zip(cells, widths)]
        out = []
        for n in range(max(len(f) for f in folded)):
            padded = [
                style(_cell(f[n] if n < len(f) else "", width, align_right and i > 0))
                for i, (f, width) in enumerate(zip(folded, widths))
            ]
            out.append(edge + edge.join(f" {cell} " for cell in padded) + edge)
        return out

    def rule(left: str, fill: str, middle: str, right: str) -> str:
        return left + middle.join(fill * (width + 2) for width in widths) + right

    return [
        rule("┏", "━", "┳", "┓"),
        *lines(headers, "┃", bold),
        rule("┡", "━", "╇", "┩"),
        *(line for cells in rows for line in lines(cells, "│")),
        rule("└", "─", "┴", "┘"),
    ]


def trend(rows: list[dict[str, Any]], tz: Any = None) -> None:
    """Month by month with a bar of received complaints; a running month is marked *."""
    width = 40
    peak = max((r["received"] for r in rows), default=0) or 1
    out = [f"{_('月份'):<9} {_('受理'):>6} {_('去年同月'):>6}  {_('解决按时率'):>8}  {_('满意率'):>6}"]
    for r in rows:
        bar = "█" * round(r["received"] / peak * width)
        on_time = "—" if r["resolution_on_time_rate"] is None else f"{r['resolution_on_time_rate'] * 100:.0f}%"
        satisfied = "—" if r["satisfied_rate"] is None else f"{r['satisfied_rate'] * 100:.0f}%"
        ago = "—" if r.get("received_year_before") is None else r["received_year_before"]
        month = r["month"] + ("" if r["complete"] else " *")
        out.append(f"{month:<9} {r['received']:>6} {ago:>10}  {on_time:>10}  {satisfied:>8}  {bar}")
    if rows and not rows[-1]["complete"]:
        out.append(_("* still running: as of {at}").format(at=f"{rows[-1]['as_of'].astimezone(tz):%Y-%m-%d %H:%M}"))
    sys.stdout.write("\n".join(out) + "\n")


def report_reminders(owed: list[Any], today: Any) -> None:
    """The reports units still owe, after the overdue list (the reporting calendar)."""
    lines = []
    for item in owed:
        what = _("月报") if item.kind == "monthly" else _("季度分析")
        days = (today - item.due).days
        state = (
            _("{days} 天前到期").format(days=days)
            if days > 0
            else _("今天到期")
            if days == 0
            else _("还有 {days} 天").format(days=-days)
        )
        lines.append(
            _(
                "报表: {unit} {period} {what} 应于 {due} 前报送 ({state}); 报送后 `complaintctl report submit --unit {key} {option} {period}`"
            ).format(
                unit=item.label,
                period=item.period,
                what=what,
                due=f"{item.due:%m-%d}",
                state=state,
                key=item.unit,
                option="--month" if item.kind == "monthly" else "--quarter",
            )
        )
    if lines:
        sys.stdout.write("\n".join(lines) + "\n")
