"""Reading the register: one complaint in full (`show`) and filtered lists (`list`).
Read-only."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Iterable

from sqlalchemy import exists, or_, select
from sqlmodel import Session

from .. import rules as policy_rules
from ..domain import Milestone
from ..models import Complaint, ContactEntry, Deadline, HistoryEntry
from ..rules import Policy
from .common import OPEN, explanation, get_complaint

RECORD_FIELDS = (
    "no", "status", "received_at", "channel", "customer_name", "contact", "location", "subject",
    "content", "demand", "receiver", "category", "origin", "severity", "urgency", "priority", "department",
    "assignee", "cause", "solution", "corrective_action", "compensation_kind", "first_response_at",
    "resolved_at", "resolved_by", "final_decision", "feedback_at", "followup_at", "followup_by",
    "satisfaction", "followup_note", "reopen_count", "escalation_level", "close_reason", "closed_at",
    "waiting_since",
)


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


def _deadlines_of(session: Session, ids: Iterable[int]) -> dict[int, list[Deadline]]:
    found: dict[int, list[Deadline]] = {}
    id_list = list(ids)
    if not id_list:
        return found
    for deadline in session.execute(
        select(Deadline).where(Deadline.complaint_id.in_(id_list)).order_by(Deadline.id)  # type: ignore[attr-defined]
    ).scalars():
        found.setdefault(deadline.complaint_id, []).append(deadline)
    return found


def _milestones(complaint: Complaint, deadlines: list[Deadline], policy: Policy, now: datetime, soon_until: datetime
                ) -> tuple[dict[str, Any], dict[str, str], list[str]]:
    """Per milestone, the newest deadline that was not voided: its due time and state."""
    current: dict[str, Deadline] = {}
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
            due_at=deadline.due_at, met_at=deadline.met_at, state=deadline.state,
            paused=milestone == Milestone.RESOLUTION and complaint.waiting_since is not None,
            now=now, soon_until=soon_until,
        )
        if deadline.provisional and deadline.state == "open":
            provisional.append(milestone.value)
    return due, states, provisional


def complaint_record(
    session: Session, complaint: Complaint, *, policy: Policy, now: datetime, detail: bool = False,
    deadlines: list[Deadline] | None = None, soon_until: datetime | None = None,
) -> dict[str, Any]:
    """The complaint as plain data: its fields, `due` and `milestones` (state at `now`);
    with `detail`, its decisions' reasons, deadlines, contacts, history and linked cases."""
    record: dict[str, Any] = {field: getattr(complaint, field) for field in RECORD_FIELDS}
    record["compensation_amount"] = (
        complaint.compensation_cents / 100 if complaint.compensation_cents is not None else None
    )
    if deadlines is None:
        deadlines = _deadlines_of(session, [complaint.id]).get(complaint.id, [])  # type: ignore[list-item]
    if soon_until is None:
        soon_until = policy_rules.due_soon_until(now, calendar=policy.calendar, tz=policy.tz, rules=policy.rules)
    record["due"], record["milestones"], record["provisional"] = _milestones(complaint, deadlines, policy, now, soon_until)
    record["incident_no"] = None
    if complaint.incident_id is not None:
        record["incident_no"] = session.execute(
            select(Complaint.no).where(Complaint.id == complaint.incident_id)  # type: ignore[arg-type]
        ).scalar()
    if detail:
        record["why"] = explanation(complaint)
        record["deadlines"] = [
            {"milestone": d.milestone, "started_at": d.started_at, "due_at": d.due_at, "met_at": d.met_at,
             "state": d.state, "rule": d.rule, "provisional": d.provisional, "extended": d.extended,
             "explanation": d.explanation}
            for d in deadlines
        ]
        record["linked"] = list(
            session.execute(
                select(Complaint.no).where(Complaint.incident_id == complaint.id).order_by(Complaint.id)  # type: ignore[arg-type]
            ).scalars()
        )
        record["contacts"] = [
            {"at": c.at, "via": c.via, "by": c.actor, "summary": c.summary, "meets": c.meets}
            for c in session.execute(
                select(ContactEntry).where(ContactEntry.complaint_id == complaint.id)  # type: ignore[arg-type]
                .order_by(ContactEntry.at, ContactEntry.id)  # type: ignore[arg-type]
            ).scalars()
        ]
        record["history"] = [
            {"at": h.at, "recorded_at": h.recorded_at, "actor": h.actor, "action": h.action,
             "changes": json.loads(h.changes), "reason": h.reason}
            for h in session.execute(
                select(HistoryEntry).where(HistoryEntry.complaint_id == complaint.id).order_by(HistoryEntry.id)  # type: ignore[arg-type]
            ).scalars()
        ]
    return record


def show(session: Session, no: str, *, policy: Policy, now: datetime) -> dict[str, Any]:
    """The whole record of one complaint, its reasons, deadlines, contact log and history."""
    return complaint_record(session, get_complaint(session, no), policy=policy, now=now, detail=True)


def _running_deadline(due_before: datetime, strict: bool) -> Any:
    """EXISTS an open deadline due before the instant, not paused by a wait."""
    due = Deadline.due_at < due_before if strict else Deadline.due_at <= due_before  # type: ignore[operator]
    return exists().where(
        Deadline.complaint_id == Complaint.id,  # type: ignore[arg-type]
        Deadline.state == OPEN,  # type: ignore[arg-type]
        due,
        or_(Deadline.milestone != Milestone.RESOLUTION.value, Complaint.waiting_since.is_(None)),  # type: ignore[union-attr]
    )


def list_complaints(session: Session, filters: ListFilter, *, policy: Policy, now: datetime) -> list[dict[str, Any]]:
    """Complaints matching `filters`, newest received first."""
    stmt = select(Complaint)
    if filters.statuses:
        stmt = stmt.where(Complaint.status.in_(filters.statuses))  # type: ignore[attr-defined]
    for column, value in (
        (Complaint.category, filters.category),
        (Complaint.severity, filters.severity),
        (Complaint.priority, filters.priority),
        (Complaint.department, filters.department),
        (Complaint.assignee, filters.assignee),
        (Complaint.customer_name, filters.customer),
    ):
        if value is not None:
            stmt = stmt.where(column == value)  # type: ignore[arg-type]
    if filters.search:
        pattern = "%" + filters.search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(
            or_(
                Complaint.subject.like(pattern, escape="\\"),  # type: ignore[union-attr]
                Complaint.content.like(pattern, escape="\\"),  # type: ignore[attr-defined]
                Complaint.customer_name.like(pattern, escape="\\"),  # type: ignore[attr-defined]
            )
        )
    if filters.received_from is not None:
        stmt = stmt.where(Complaint.received_date >= filters.received_from)  # type: ignore[operator]
    if filters.received_to is not None:
        stmt = stmt.where(Complaint.received_date <= filters.received_to)  # type: ignore[operator]
    if filters.overdue and filters.due_until is not None:
        stmt = stmt.where(or_(_running_deadline(now, strict=True), _running_deadline(filters.due_until, strict=False)))
    elif filters.overdue:
        stmt = stmt.where(_running_deadline(now, strict=True))
    elif filters.due_until is not None:
        stmt = stmt.where(_running_deadline(filters.due_until, strict=False))
    stmt = stmt.order_by(Complaint.received_at.desc(), Complaint.id.desc()).limit(filters.limit)  # type: ignore[attr-defined]
    complaints = list(session.execute(stmt).scalars())
    deadlines = _deadlines_of(session, (c.id for c in complaints))  # type: ignore[misc]
    soon_until = policy_rules.due_soon_until(now, calendar=policy.calendar, tz=policy.tz, rules=policy.rules)
    return [
        complaint_record(session, c, policy=policy, now=now, deadlines=deadlines.get(c.id, []),  # type: ignore[arg-type]
                         soon_until=soon_until)
        for c in complaints
    ]

