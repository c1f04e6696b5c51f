"""Reading the register: one complaint in full (`show`) and filtered lists (`list`).
Read-only.

Runs the statements of statements.py through the DB-API driver (dbapi.Register):
`show` and `list`, typed all day, need not import SQLAlchemy. Rows answer to the same
attribute names as dbapi's Entity objects, so a use case that has just written a case
(lifecycle.py) renders it with the same function, in its own transaction.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, tzinfo
from typing import Any, NamedTuple

from .. import fields
from .. import rules as policy_rules
from ..dbapi import Register
from ..domain import Milestone
from ..errors import NotFound
from ..i18n import _
from ..reasons import is_reason, shown
from ..rules import Policy

RECORD_FIELDS = fields.RECORD_FIELDS


class ListFilter(NamedTuple):
    """What `list` narrows the register to; None means any."""

    statuses: tuple[str, ...] | None = None
    category: str | None = None
    severity: str | None = None
    priority: str | None = None
    department: str | None = None
    assignee: str | None = None
    customer: str | None = None
    search: str | None = None
    received_from: date | None = None
    received_to: date | None = None
    overdue: bool = False
    due_until: datetime | None = None
    limit: int = 50
    where_fields: tuple[tuple[str, str], ...] = ()  # (declared field key, value) pairs, all must hold
    receiver: str | None = None  # 首问人: who took the complaint
    mine: tuple[str, ...] = ()  # received or assigned to one of these names


def _declared_of(register: Register, ids: Iterable[int], policy: Policy) -> dict[int, dict[str, str]]:
    """Complaint id → its declared fields' values, in the rules' order."""
    id_list = list(ids)
    found: dict[int, dict[str, str]] = {}
    if id_list and policy.rules.fields:
        for cid, key, value in register.rows("declared_fields_of", ids=id_list):
            found.setdefault(cid, {})[key] = value
    order = {f.key: i for i, f in enumerate(policy.rules.fields)}
    return {cid: dict(sorted(v.items(), key=lambda kv: order.get(kv[0], len(order)))) for cid, v in found.items()}


def _deadlines_of(register: Register, ids: Iterable[int]) -> dict[int, list[Any]]:
    found: dict[int, list[Any]] = {}
    id_list = list(ids)
    if id_list:
        for deadline in register.rows("deadlines_of", ids=id_list):
            found.setdefault(deadline.complaint_id, []).append(deadline)
    return found


def _milestones(
    complaint: Any, deadlines: list[Any], policy: Policy, now: datetime, soon_until: datetime
) -> tuple[dict[str, Any], dict[str, str], list[str]]:
    """Per milestone, the newest deadline that was not voided: its due time and state."""
    current: dict[str, Any] = {}
    for deadline in deadlines:
        if deadline.state != "void":
            current[deadline.milestone] = deadline
    due: dict[str, Any] = {}
    states: dict[str, str] = {}
    provisional: list[str] = []
    order = [m.key for m in policy.rules.milestones]
    for key in sorted(current, key=lambda k: order.index(k) if k in order else len(order)):
        deadline = current[key]
        due[key] = deadline.due_at
        states[key] = policy_rules.milestone_state(
            due_at=deadline.due_at,
            met_at=deadline.met_at,
            state=deadline.state,
            missed_at=deadline.missed_at,
            paused=key == Milestone.RESOLUTION.value and complaint.waiting_since is not None,
            now=now,
            soon_until=soon_until,
        )
        if deadline.provisional and deadline.state == "open":
            provisional.append(key)
    return due, states, provisional


def complaint_record(
    register: Register,
    complaint: Any,
    *,
    policy: Policy,
    now: datetime,
    detail: bool = False,
    deadlines: list[Any] | None = None,
    soon_until: datetime | None = None,
    declared: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The complaint (an ORM object or a row) as plain data: its fields, `due` and
    `milestones` (state at `now`); with `detail`, its decisions' reasons, deadlines,
    contacts, history and linked cases."""
    record: dict[str, Any] = {field: getattr(complaint, field) for field in RECORD_FIELDS}
    record["compensation_amount"] = complaint.compensation_cents / 100 if complaint.compensation_cents is not None else None
    if declared is None:
        declared = _declared_of(register, [complaint.id], policy).get(complaint.id, {})
    record["fields"] = declared
    if deadlines is None:
        deadlines = _deadlines_of(register, [complaint.id]).get(complaint.id, [])
    if soon_until is None:
        soon_until = policy_rules.due_soon_until(now, calendar=policy.calendar, tz=policy.tz, rules=policy.rules)
    record["due"], record["milestones"], record["provisional"] = _milestones(complaint, deadlines, policy, now, soon_until)
    record["incident_no"] = None
    if complaint.incident_id is not None:
        record["incident_no"] = register.scalar("complaint_no_of", id=complaint.incident_id)
    if detail:
        import json  # `show` only: a list's records need no JSON read

        record["why"] = {
            field: {**note, "terms": [shown(t) for t in note.get("terms", [])]}
            for field, note in json.loads(complaint.explanation or "{}").items()
        }
        sent = _sent(register, complaint.id, policy)
        record["deadlines"] = [
            {
                "milestone": d.milestone,
                "started_at": d.started_at,
                "due_at": d.due_at,
                "met_at": d.met_at,
                "state": d.state,
                "rule": d.rule,
                "provisional": d.provisional,
                "extended": d.extended,
                "missed_at": d.missed_at,
                "explanation": shown(d.explanation),
                "ladder": _ladder(d, policy, sent),
            }
            for d in deadlines
        ]
        record["linked"] = register.scalars("linked_nos", id=complaint.id)
        record["contacts"] = [
            {"at": c.at, "via": c.via, "by": c.actor, "summary": c.summary, "meets": c.meets}
            for c in register.rows("contacts_of", id=complaint.id)
        ]
        record["attachments"] = [
            {"name": a.name, "size": a.size, "sha256": a.sha256, "note": a.note, "at": a.added_at, "by": a.added_by}
            for a in register.rows("attachments_of", id=complaint.id)
        ]
        record["history"] = [
            {
                "at": h.at,
                "recorded_at": h.recorded_at,
                "actor": h.actor,
                "login": h.login,  # who the system says it was (sealing.authenticated_login)
                "action": h.action,
                "changes": {
                    key: [shown(v) if is_reason(v) else office_instant(v, policy.tz) for v in pair]
                    for key, pair in json.loads(h.changes).items()
                },
                "reason": shown(h.reason),
            }
            for h in register.rows("history_of", id=complaint.id)
        ]
    return record


def _sent(register: Register, complaint_id: int, policy: Policy) -> dict[str, list[Any]]:
    """Ladder messages of the case by deadline and step ("<deadline>:<step>")."""
    if not any(m.ladder for m in policy.rules.milestones):
        return {}
    found: dict[str, list[Any]] = {}
    for row in register.rows("notifications_of", id=complaint_id):
        if row.kind == "ladder":
            _kind, deadline_id, step, _target = row.key.split(":", 3)
            found.setdefault(f"{deadline_id}:{step}", []).append(row)
    return found


def _ladder(deadline: Any, policy: Policy, sent: dict[str, list[Any]]) -> list[dict[str, Any]]:
    """Each step of the deadline's escalation ladder: when it is due, whom it tells, and
    when it was sent (None while not)."""
    milestone = policy.rules.milestone(deadline.milestone)
    if milestone is None or not milestone.ladder:
        return []
    out = []
    for index, (step, due) in enumerate(
        zip(milestone.ladder, policy_rules.ladder_due(milestone, deadline.started_at, policy)), 1
    ):
        rows = sent.get(f"{deadline.id}:{index}", [])
        done = [r.sent_at for r in rows if r.state == "sent" and r.sent_at is not None]
        out.append(
            {
                "step": index,
                "after": str(step.after),
                "due_at": due,
                "notify": list(step.notify),
                "sent_at": min(done) if done else None,
                "state": "sent" if done else (rows[0].state if rows else "waiting"),
            }
        )
    return out


_INSTANT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:[+-]\d\d:\d\d|Z)")


def office_instant(value: Any, tz: tzinfo) -> Any:
    """An instant the history keeps in UTC (plain()), as the office reads it (+08:00)."""
    if isinstance(value, str) and _INSTANT.fullmatch(value):
        return datetime.fromisoformat(value).astimezone(tz).isoformat()
    return value


def show(register: Register, no: str, *, policy: Policy, now: datetime) -> dict[str, Any]:
    """The whole record of one complaint, its reasons, deadlines, contact log and history."""
    complaint = register.one_or_none("complaint_by_no", no=no)
    if complaint is None:
        raise NotFound(_("no complaint {no} in this register; `complaintctl list` shows the numbers").format(no=no))
    return complaint_record(register, complaint, policy=policy, now=now, detail=True)


def list_complaints(register: Register, filters: ListFilter, *, policy: Policy, now: datetime) -> list[dict[str, Any]]:
    """Complaints matching `filters`, newest received first."""
    where: list[tuple[str, dict[str, Any]]] = []
    if filters.statuses:
        where.append(("status_in", {"statuses": filters.statuses}))
    for column, value in (
        ("category", filters.category),
        ("severity", filters.severity),
        ("priority", filters.priority),
        ("department", filters.department),
        ("assignee", filters.assignee),
        ("customer_name", filters.customer),
        ("receiver", filters.receiver),
    ):
        if value is not None:
            where.append((f"{column}_is", {column: value}))
    if filters.search:
        escaped = filters.search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        where.append(("text_like", {"pattern": f"%{escaped}%"}))
    if filters.received_from is not None:
        where.append(("received_from", {"received_from": filters.received_from}))
    if filters.received_to is not None:
        where.append(("received_to", {"received_to": filters.received_to}))
    running = {"now": now, "due_until": filters.due_until, "resolution": Milestone.RESOLUTION.value}
    if filters.overdue and filters.due_until is not None:
        where.append(("overdue_or_due_until", running))
    elif filters.overdue:
        where.append(("overdue_at", running))
    elif filters.due_until is not None:
        where.append(("due_until", running))
    if filters.mine:
        where.append(("mine", {"mine": list(filters.mine)}))
    for index, (key, value) in enumerate(filters.where_fields):
        where.append((f"declared_field_is#{index}", {f"fk{index}": key, f"fv{index}": value}))
    complaints = register.rows("complaint_list", where=where, limit=filters.limit)
    deadlines = _deadlines_of(register, (c.id for c in complaints))
    declared = _declared_of(register, (c.id for c in complaints), policy)
    soon_until = policy_rules.due_soon_until(now, calendar=policy.calendar, tz=policy.tz, rules=policy.rules)
    return [
        complaint_record(
            register,
            c,
            policy=policy,
            now=now,
            deadlines=deadlines.get(c.id, []),
            soon_until=soon_until,
            declared=declared.get(c.id, {}),
        )
        for c in complaints
    ]
