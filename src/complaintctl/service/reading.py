"""Reading the register: one complaint in full (`show`) and filtered lists (`list`).
Read-only.

Written in plain SQL over the tables rather than through the ORM classes of models.py:
building those classes costs ~20 ms at every start and compiling ORM statements ~10 ms
more, which `show` and `list`, typed all day, need not pay. Rows answer to the same
attribute names as the ORM objects, so a use case that has just written a case
(lifecycle.py) renders it with the same function.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, bindparam, text
from sqlmodel import Session
from sqlmodel.sql.sqltypes import UTCDateTime

from .. import fields
from .. import rules as policy_rules
from ..domain import Milestone
from ..errors import NotFound
from ..rules import Policy

RECORD_FIELDS = fields.RECORD_FIELDS


@dataclass(frozen=True)
class ListFilter:
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


_INSTANT = UTCDateTime()
_COMPLAINT_COLUMNS = ("id", "incident_id", "compensation_cents", "explanation") + RECORD_FIELDS
_COMPLAINT_TYPES = {name: _INSTANT for name in fields.TIME_FIELDS} | {
    f.name: Boolean() for f in fields.FIELDS if f.kind == "flag"
}
_COMPLAINT_SELECT = "SELECT " + ", ".join(f"c.{name}" for name in _COMPLAINT_COLUMNS) + " FROM complaint c"

_BY_NO = text(_COMPLAINT_SELECT + " WHERE c.no = :no").columns(**_COMPLAINT_TYPES)
_DEADLINES = (
    text(
        "SELECT complaint_id, milestone, started_at, due_at, met_at, state, provisional, rule, explanation, extended, "
        "missed_at FROM deadline WHERE complaint_id IN :ids ORDER BY id"
    )
    .bindparams(bindparam("ids", expanding=True))
    .columns(
        started_at=_INSTANT,
        due_at=_INSTANT,
        met_at=_INSTANT,
        provisional=Boolean(),
        extended=Boolean(),
        missed_at=_INSTANT,
    )
)
_NO_OF = text("SELECT no FROM complaint WHERE id = :id")
_LINKED = text("SELECT no FROM complaint WHERE incident_id = :id ORDER BY id")
_CONTACTS = text("SELECT at, via, actor, summary, meets FROM contact_entry WHERE complaint_id = :id ORDER BY at, id").columns(
    at=_INSTANT
)
_HISTORY = text(
    "SELECT at, recorded_at, actor, action, changes, reason FROM history_entry WHERE complaint_id = :id ORDER BY id"
).columns(at=_INSTANT, recorded_at=_INSTANT)


_FIELDS_OF = text("SELECT complaint_id, key, value FROM complaint_field WHERE complaint_id IN :ids").bindparams(
    bindparam("ids", expanding=True)
)


def _declared_of(session: Session, ids: Iterable[int], policy: Policy) -> dict[int, dict[str, str]]:
    """Complaint id → its declared fields' values, in the rules' order."""
    id_list = list(ids)
    found: dict[int, dict[str, str]] = {}
    if id_list and policy.rules.fields:
        for cid, key, value in session.execute(_FIELDS_OF, {"ids": id_list}):
            found.setdefault(cid, {})[key] = value
    order = {f.key: i for i, f in enumerate(policy.rules.fields)}
    return {cid: dict(sorted(v.items(), key=lambda kv: order.get(kv[0], len(order)))) for cid, v in found.items()}


def _deadlines_of(session: Session, ids: Iterable[int]) -> dict[int, list[Any]]:
    found: dict[int, list[Any]] = {}
    id_list = list(ids)
    if id_list:
        for deadline in session.execute(_DEADLINES, {"ids": id_list}):
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
    for milestone in Milestone:
        deadline = current.get(milestone.value)
        if deadline is None:
            continue
        due[milestone.value] = deadline.due_at
        states[milestone.value] = policy_rules.milestone_state(
            due_at=deadline.due_at,
            met_at=deadline.met_at,
            state=deadline.state,
            missed_at=deadline.missed_at,
            paused=milestone == Milestone.RESOLUTION and complaint.waiting_since is not None,
            now=now,
            soon_until=soon_until,
        )
        if deadline.provisional and deadline.state == "open":
            provisional.append(milestone.value)
    return due, states, provisional


def complaint_record(
    session: Session,
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
    session.flush()  # plain SQL does not autoflush: a use case's pending rows must be visible
    record: dict[str, Any] = {field: getattr(complaint, field) for field in RECORD_FIELDS}
    record["compensation_amount"] = complaint.compensation_cents / 100 if complaint.compensation_cents is not None else None
    if declared is None:
        declared = _declared_of(session, [complaint.id], policy).get(complaint.id, {})
    record["fields"] = declared
    if deadlines is None:
        deadlines = _deadlines_of(session, [complaint.id]).get(complaint.id, [])
    if soon_until is None:
        soon_until = policy_rules.due_soon_until(now, calendar=policy.calendar, tz=policy.tz, rules=policy.rules)
    record["due"], record["milestones"], record["provisional"] = _milestones(complaint, deadlines, policy, now, soon_until)
    record["incident_no"] = None
    if complaint.incident_id is not None:
        record["incident_no"] = session.execute(_NO_OF, {"id": complaint.incident_id}).scalar()
    if detail:
        record["why"] = json.loads(complaint.explanation or "{}")
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
                "explanation": d.explanation,
            }
            for d in deadlines
        ]
        record["linked"] = list(session.execute(_LINKED, {"id": complaint.id}).scalars())
        record["contacts"] = [
            {"at": c.at, "via": c.via, "by": c.actor, "summary": c.summary, "meets": c.meets}
            for c in session.execute(_CONTACTS, {"id": complaint.id})
        ]
        record["history"] = [
            {
                "at": h.at,
                "recorded_at": h.recorded_at,
                "actor": h.actor,
                "action": h.action,
                "changes": json.loads(h.changes),
                "reason": h.reason,
            }
            for h in session.execute(_HISTORY, {"id": complaint.id})
        ]
    return record


def show(session: Session, no: str, *, policy: Policy, now: datetime) -> dict[str, Any]:
    """The whole record of one complaint, its reasons, deadlines, contact log and history."""
    complaint = session.execute(_BY_NO, {"no": no}).one_or_none()
    if complaint is None:
        raise NotFound(f"no complaint {no} in this register; `complaintctl list` shows the numbers")
    return complaint_record(session, complaint, policy=policy, now=now, detail=True)


def _running_deadline(bound: str, strict: bool) -> str:
    """EXISTS an open deadline due before the instant bound as `bound`, not paused by a wait.
    The literal 'open' lets SQLite use the partial index on open deadlines (a bound
    parameter would not)."""
    return (
        "EXISTS (SELECT 1 FROM deadline d WHERE d.complaint_id = c.id AND d.state = 'open' "
        f"AND d.due_at {'<' if strict else '<='} :{bound} "
        "AND (d.milestone != :resolution OR c.waiting_since IS NULL))"
    )


def list_complaints(session: Session, filters: ListFilter, *, policy: Policy, now: datetime) -> list[dict[str, Any]]:
    """Complaints matching `filters`, newest received first."""
    where: list[str] = []
    params: dict[str, Any] = {"limit": filters.limit}
    binds: list[Any] = [bindparam("limit")]
    if filters.statuses:
        where.append("c.status IN :statuses")
        params["statuses"] = list(filters.statuses)
        binds.append(bindparam("statuses", expanding=True))
    for column, value in (
        ("category", filters.category),
        ("severity", filters.severity),
        ("priority", filters.priority),
        ("department", filters.department),
        ("assignee", filters.assignee),
        ("customer_name", filters.customer),
    ):
        if value is not None:
            where.append(f"c.{column} = :{column}")
            params[column] = value
    if filters.search:
        where.append(
            "(c.subject LIKE :pattern ESCAPE '\\' OR c.content LIKE :pattern ESCAPE '\\' "
            "OR c.customer_name LIKE :pattern ESCAPE '\\')"
        )
        params["pattern"] = "%" + filters.search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    for bound, day, operator in (("received_from", filters.received_from, ">="), ("received_to", filters.received_to, "<=")):
        if day is not None:
            where.append(f"c.received_date {operator} :{bound}")
            params[bound] = day
            binds.append(bindparam(bound, type_=Date()))
    running = []
    if filters.overdue:
        running.append(_running_deadline("now", strict=True))
        params["now"] = now
        binds.append(bindparam("now", type_=_INSTANT))
    if filters.due_until is not None:
        running.append(_running_deadline("due_until", strict=False))
        params["due_until"] = filters.due_until
        binds.append(bindparam("due_until", type_=_INSTANT))
    if running:
        where.append("(" + " OR ".join(running) + ")")
        params["resolution"] = Milestone.RESOLUTION.value
    for index, (key, value) in enumerate(filters.where_fields):
        where.append(
            f"EXISTS (SELECT 1 FROM complaint_field f WHERE f.complaint_id = c.id AND f.key = :fk{index} "
            f"AND f.value = :fv{index})"
        )
        params[f"fk{index}"], params[f"fv{index}"] = key, value
    sql = _COMPLAINT_SELECT + (" WHERE " + " AND ".join(where) if where else "")
    sql += " ORDER BY c.received_at DESC, c.id DESC LIMIT :limit"
    complaints = list(session.execute(text(sql).bindparams(*binds).columns(**_COMPLAINT_TYPES), params))
    deadlines = _deadlines_of(session, (c.id for c in complaints))
    declared = _declared_of(session, (c.id for c in complaints), policy)
    soon_until = policy_rules.due_soon_until(now, calendar=policy.calendar, tz=policy.tz, rules=policy.rules)
    return [
        complaint_record(
            session,
            c,
            policy=policy,
            now=now,
            deadlines=deadlines.get(c.id, []),
            soon_until=soon_until,
            declared=declared.get(c.id, {}),
        )
        for c in complaints
    ]
