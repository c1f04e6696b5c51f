"""The use cases: one function each, run inside the caller's single transaction.

Every function takes keyword-only `session`, `now` and `actor`, checks that the step
fits the state the case is in, writes the row and its history entry, and returns
plain data (dicts) that the CLI renders after the session is closed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone, tzinfo
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlmodel import Session

from .domain import (
    Channel,
    CompensationKind,
    Milestone,
    Origin,
    Priority,
    Satisfaction,
    Severity,
    Status,
)
from .errors import BadInput, InvalidTransition, NotFound
from .inputs import format_no
from .models import Complaint, ContactEntry, Deadline, HistoryEntry, YearCounter

# A time typed for an event may run this far ahead of the clock (clocks drift).
FUTURE_TOLERANCE = timedelta(minutes=5)

OPEN_STATUSES = (Status.RECEIVED.value, Status.ASSIGNED.value, Status.RESOLVED.value)


@dataclass(frozen=True)
class NewComplaint:
    """What `log` is told about a complaint."""

    customer_name: str
    contact: str
    channel: Channel
    content: str
    received_at: datetime
    receiver: str
    subject: str | None = None
    location: str | None = None
    demand: str | None = None
    category: str | None = None
    origin: Origin | None = None
    incident_no: str | None = None


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
    limit: int = 50


# ---------------------------------------------------------------- helpers


def _get(session: Session, no: str) -> Complaint:
    complaint = session.execute(select(Complaint).where(Complaint.no == no)).scalar_one_or_none()  # type: ignore[call-overload]
    if complaint is None:
        raise NotFound(f"no complaint {no} in this register; `complaintctl list` shows the numbers")
    return complaint


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "value"):
        return value.value
    return value


def _apply(complaint: Complaint, **values: Any) -> dict[str, list[Any]]:
    """Set fields on the complaint; return {field: [old, new]} for those that changed."""
    changes: dict[str, list[Any]] = {}
    for field, new in values.items():
        if hasattr(new, "value"):
            new = new.value
        old = getattr(complaint, field)
        if old != new:
            changes[field] = [_plain(old), _plain(new)]
            setattr(complaint, field, new)
    return changes


def _record(
    session: Session,
    complaint: Complaint,
    action: str,
    changes: dict[str, list[Any]],
    *,
    at: datetime,
    now: datetime,
    actor: str,
    reason: str | None = None,
) -> None:
    complaint.updated_at = now
    session.add(
        HistoryEntry(
            complaint_id=complaint.id,  # type: ignore[arg-type]
            at=at,
            recorded_at=now,
            actor=actor,
            action=action,
            changes=json.dumps(changes, ensure_ascii=False, sort_keys=True),
            reason=reason,
        )
    )


def _check_event_time(complaint: Complaint, at: datetime, now: datetime, option: str = "--at") -> None:
    if at > now + FUTURE_TOLERANCE:
        raise BadInput(f"{option} {at.isoformat(timespec='minutes')} is in the future; record events when they have happened")
    if at < complaint.received_at:
        raise BadInput(
            f"{option} {at.isoformat(timespec='minutes')} is before {complaint.no} was received "
            f"({complaint.received_at.isoformat(timespec='minutes')})"
        )


def _refuse_closed(complaint: Complaint, doing: str) -> None:
    if complaint.status == Status.CLOSED.value:
        raise InvalidTransition(
            f"{complaint.no} is closed ({Status.CLOSED.label}); cannot {doing}. "
            "If the customer complains again, register it with `complaintctl log`"
        )


def _next_seq(session: Session, year: int) -> int:
    """Take the next number of `year` inside the writing transaction (gap-free)."""
    seq = session.execute(
        update(YearCounter)
        .where(YearCounter.year == year)  # type: ignore[arg-type]
        .values(last_seq=YearCounter.last_seq + 1)
        .returning(YearCounter.last_seq)
    ).scalar()
    if seq is None:
        session.add(YearCounter(year=year, last_seq=1))
        session.flush()
        seq = 1
    return int(seq)


def _deadline(session: Session, complaint: Complaint, milestone: Milestone) -> Deadline | None:
    return session.execute(  # type: ignore[call-overload]
        select(Deadline)
        .where(Deadline.complaint_id == complaint.id, Deadline.milestone == milestone.value)
        .where(Deadline.state != "void")
        .order_by(Deadline.id.desc())  # type: ignore[union-attr]
        .limit(1)
    ).scalar_one_or_none()


def _meet(session: Session, complaint: Complaint, milestone: Milestone, at: datetime) -> None:
    deadline = _deadline(session, complaint, milestone)
    if deadline is not None and deadline.state == "open":
        deadline.state = "met"
        deadline.met_at = at


def _void_open_deadlines(session: Session, complaint: Complaint, milestones: tuple[Milestone, ...] | None = None) -> None:
    stmt = update(Deadline).where(Deadline.complaint_id == complaint.id, Deadline.state == "open")  # type: ignore[arg-type]
    if milestones is not None:
        stmt = stmt.where(Deadline.milestone.in_([m.value for m in milestones]))  # type: ignore[attr-defined]
    session.execute(stmt.values(state="void"))


# ---------------------------------------------------------------- use cases


def log_complaint(session: Session, new: NewComplaint, *, now: datetime, actor: str, tz: tzinfo) -> dict[str, Any]:
    """Register a complaint; give it the next number of the year it was received in."""
    if new.received_at > now + FUTURE_TOLERANCE:
        raise BadInput("--received is in the future; give the time the customer complained")
    incident: Complaint | None = None
    if new.incident_no:
        incident = _get(session, new.incident_no)
        if incident.incident_id is not None:
            incident = session.get(Complaint, incident.incident_id)
            assert incident is not None
    local_received = new.received_at.astimezone(tz)
    year = local_received.year
    seq = _next_seq(session, year)
    origin = Origin.MASS if incident is not None else (new.origin or Origin.ROUTINE)
    complaint = Complaint(
        no=format_no(year, seq),
        year=year,
        seq=seq,
        received_at=new.received_at,
        received_date=local_received.date(),
        channel=new.channel.value,
        customer_name=new.customer_name,
        contact=new.contact,
        location=new.location,
        subject=new.subject,
        content=new.content,
        demand=new.demand,
        receiver=new.receiver,
        category=new.category,
        origin=origin.value,
        status=Status.RECEIVED.value,
        incident_id=incident.id if incident is not None else None,
        created_at=now,
        updated_at=now,
    )
    session.add(complaint)
    session.flush()
    fields = {
        k: _plain(getattr(complaint, k))
        for k in (
            "no", "received_at", "channel", "customer_name", "contact", "location", "subject",
            "content", "demand", "receiver", "category", "origin", "status",
        )
        if getattr(complaint, k) is not None
    }
    if incident is not None:
        fields["incident_no"] = incident.no
    _record(session, complaint, "logged", {k: [None, v] for k, v in fields.items()}, at=new.received_at, now=now, actor=actor)
    if incident is not None:
        changes = _apply(incident, origin=Origin.MASS)
        changes["linked"] = [None, complaint.no]
        _record(session, incident, "incident_linked", changes, at=new.received_at, now=now, actor=actor)
    return complaint_record(session, complaint)


def classify(
    session: Session,
    no: str,
    *,
    category: str | None,
    severity: Severity | None,
    priority: Priority | None,
    origin: Origin | None,
    reason: str | None,
    at: datetime,
    now: datetime,
    actor: str,
) -> dict[str, Any]:
    """Set category, severity, priority or origin by hand: a recorded decision."""
    complaint = _get(session, no)
    _refuse_closed(complaint, "reclassify it")
    _check_event_time(complaint, at, now)
    values: dict[str, Any] = {}
    if category is not None:
        values["category"] = category
    if severity is not None:
        values["severity"] = severity
    if priority is not None:
        values["priority"] = priority
    if origin is not None:
        values["origin"] = origin
    if not values:
        raise BadInput("classify needs at least one of --category, --severity, --priority, --origin")
    changes = _apply(complaint, **values)
    if changes:
        _record(session, complaint, "classified", changes, at=at, now=now, actor=actor, reason=reason)
    return complaint_record(session, complaint)


def assign(
    session: Session, no: str, *, department: str, assignee: str | None, at: datetime, now: datetime, actor: str
) -> dict[str, Any]:
    """Hand the case to a department (and a person in it)."""
    complaint = _get(session, no)
    _refuse_closed(complaint, "assign it")
    if complaint.status == Status.RESOLVED.value:
        raise InvalidTransition(
            f"{no} is resolved and waits for its follow-up visit; record it with `complaintctl followup {no}`"
        )
    _check_event_time(complaint, at, now)
    changes = _apply(complaint, department=department, assignee=assignee, status=Status.ASSIGNED)
    if changes:
        _record(session, complaint, "assigned", changes, at=at, now=now, actor=actor)
    return complaint_record(session, complaint)


def record_contact(
    session: Session, no: str, *, via: Channel, summary: str, at: datetime, now: datetime, actor: str
) -> dict[str, Any]:
    """Write down a contact with the customer. The first one is the first response;
    the first one after resolution reports the outcome (结果反馈)."""
    complaint = _get(session, no)
    _refuse_closed(complaint, "record a contact on it")
    _check_event_time(complaint, at, now)
    meets: Milestone | None = None
    values: dict[str, Any] = {}
    if complaint.first_response_at is None:
        meets = Milestone.FIRST_RESPONSE
        values["first_response_at"] = at
    elif complaint.status == Status.RESOLVED.value and complaint.feedback_at is None:
        meets = Milestone.FEEDBACK
        values["feedback_at"] = at
    session.add(
        ContactEntry(
            complaint_id=complaint.id,  # type: ignore[arg-type]
            at=at,
            via=via.value,
            actor=actor,
            summary=summary,
            meets=meets.value if meets else None,
        )
    )
    changes = _apply(complaint, **values)
    changes["contact_entry"] = [None, {"via": via.value, "summary": summary}]
    if meets is not None:
        _meet(session, complaint, meets, at)
        changes["meets"] = [None, meets.value]
    _record(session, complaint, "contacted", changes, at=at, now=now, actor=actor)
    return complaint_record(session, complaint)


def resolve(
    session: Session,
    no: str,
    *,
    solution: str,
    cause: str | None,
    action: str | None,
    compensation_cents: int | None,
    compensation_kind: CompensationKind | None,
    final: bool,
    at: datetime,
    now: datetime,
    actor: str,
) -> dict[str, Any]:
    """Record the solution; with `final`, the supervising leader's decision on an escalated case."""
    complaint = _get(session, no)
    _refuse_closed(complaint, "resolve it")
    if complaint.status == Status.RESOLVED.value:
        raise InvalidTransition(
            f"{no} is already resolved; record the follow-up visit with `complaintctl followup {no}`"
        )
    if final and complaint.escalation_level == 0:
        raise InvalidTransition(f"{no} is not escalated; --final records a supervising leader's decision on an escalated case")
    if complaint.escalation_level > 0 and not final:
        raise InvalidTransition(
            f"{no} is escalated to the supervising leader (分管领导); record the leader's decision with "
            f"`complaintctl resolve {no} --final --solution ...`"
        )
    if compensation_cents is not None and compensation_kind is None:
        raise BadInput("--compensation needs --compensation-kind (refund, replacement, repair, discount, gift, other)")
    _check_event_time(complaint, at, now)
    values: dict[str, Any] = {
        "solution": solution,
        "resolved_at": at,
        "resolved_by": actor,
        "status": Status.RESOLVED,
        "final_decision": final,
    }
    if cause is not None:
        values["cause"] = cause
    if action is not None:
        values["corrective_action"] = action
    if compensation_kind is not None:
        values["compensation_kind"] = compensation_kind
        values["compensation_cents"] = compensation_cents
    changes = _apply(complaint, **values)
    _meet(session, complaint, Milestone.RESOLUTION, at)
    _record(session, complaint, "final_decision" if final else "resolved", changes, at=at, now=now, actor=actor)
    return complaint_record(session, complaint)


def record_followup(
    session: Session,
    no: str,
    *,
    satisfaction: Satisfaction,
    note: str | None,
    at: datetime,
    now: datetime,
    actor: str,
) -> dict[str, Any]:
    """The follow-up visit (回访). A–C close the case; the first D reopens it, a D on a
    reopened case escalates it; a case with a leader's final decision closes regardless."""
    complaint = _get(session, no)
    _refuse_closed(complaint, "follow it up")
    if complaint.status != Status.RESOLVED.value:
        raise InvalidTransition(
            f"{no} is {complaint.status} ({Status(complaint.status).label}), not resolved; "
            f"record the solution first with `complaintctl resolve {no} --solution ...`"
        )
    _check_event_time(complaint, at, now)
    changes = _apply(complaint, followup_at=at, followup_by=actor, satisfaction=satisfaction, followup_note=note)
    _meet(session, complaint, Milestone.FOLLOWUP, at)
    _record(session, complaint, "followed_up", changes, at=at, now=now, actor=actor)

    if satisfaction != Satisfaction.D or complaint.final_decision:
        _void_open_deadlines(session, complaint)
        changes = _apply(complaint, status=Status.CLOSED, closed_at=at)
        _record(session, complaint, "closed", changes, at=at, now=now, actor=actor)
        outcome = "closed"
    elif complaint.reopen_count == 0:
        _void_open_deadlines(session, complaint, (Milestone.FEEDBACK, Milestone.FOLLOWUP))
        changes = _apply(
            complaint, status=Status.ASSIGNED, reopen_count=1, resolved_at=None, feedback_at=None,
        )
        _record(session, complaint, "reopened", changes, at=at, now=now, actor=actor, reason="客户不满意 (D)")
        outcome = "reopened"
    else:
        _void_open_deadlines(session, complaint, (Milestone.FEEDBACK, Milestone.FOLLOWUP))
        changes = _apply(
            complaint,
            status=Status.ASSIGNED,
            escalation_level=complaint.escalation_level + 1,
            resolved_at=None,
            feedback_at=None,
        )
        _record(session, complaint, "escalated", changes, at=at, now=now, actor=actor, reason="重新处理后仍不满意 (D)")
        outcome = "escalated"
    return {**complaint_record(session, complaint), "outcome": outcome}


def extend(
    session: Session, no: str, *, to: datetime, reason: str, at: datetime, now: datetime, actor: str
) -> dict[str, Any]:
    """The customer was told the resolution will be late: the new time becomes the target."""
    complaint = _get(session, no)
    _refuse_closed(complaint, "extend it")
    if complaint.status == Status.RESOLVED.value:
        raise InvalidTransition(f"{no} is already resolved; nothing to extend")
    _check_event_time(complaint, at, now)
    deadline = _deadline(session, complaint, Milestone.RESOLUTION)
    old = deadline.due_at if deadline is not None else None
    if to <= at:
        raise BadInput(f"--to {to.isoformat(timespec='minutes')} is not later than now; give the new expected time")
    if old is not None and to <= old:
        raise BadInput(
            f"--to {to.isoformat(timespec='minutes')} is not later than the current target "
            f"{old.isoformat(timespec='minutes')}"
        )
    if deadline is None:
        deadline = Deadline(complaint_id=complaint.id, milestone=Milestone.RESOLUTION.value, started_at=at)  # type: ignore[arg-type]
        session.add(deadline)
    deadline.due_at = to
    deadline.state = "open"
    _record(
        session, complaint, "extended", {"resolution_due": [_plain(old), _plain(to)]},
        at=at, now=now, actor=actor, reason=reason,
    )
    return complaint_record(session, complaint)


def close(session: Session, no: str, *, reason: str, at: datetime, now: datetime, actor: str) -> dict[str, Any]:
    """Close without resolution: duplicate, withdrawn, or unreasonable after explanation."""
    complaint = _get(session, no)
    _refuse_closed(complaint, "close it again")
    _check_event_time(complaint, at, now)
    _void_open_deadlines(session, complaint)
    changes = _apply(complaint, status=Status.CLOSED, closed_at=at, close_reason=reason)
    _record(session, complaint, "closed", changes, at=at, now=now, actor=actor, reason=reason)
    return complaint_record(session, complaint)


# ---------------------------------------------------------------- reading


RECORD_FIELDS = (
    "no", "status", "received_at", "channel", "customer_name", "contact", "location", "subject",
    "content", "demand", "receiver", "category", "origin", "severity", "priority", "department",
    "assignee", "cause", "solution", "corrective_action", "compensation_kind", "first_response_at",
    "resolved_at", "resolved_by", "final_decision", "feedback_at", "followup_at", "followup_by",
    "satisfaction", "followup_note", "reopen_count", "escalation_level", "close_reason", "closed_at",
)


def complaint_record(session: Session, complaint: Complaint, *, detail: bool = False) -> dict[str, Any]:
    """The complaint as plain data; with `detail`, its contacts, history and linked cases."""
    record: dict[str, Any] = {field: getattr(complaint, field) for field in RECORD_FIELDS}
    record["compensation_amount"] = (
        complaint.compensation_cents / 100 if complaint.compensation_cents is not None else None
    )
    resolution = _deadline(session, complaint, Milestone.RESOLUTION)
    record["resolution_due"] = resolution.due_at if resolution is not None else None
    incident_no = None
    if complaint.incident_id is not None:
        incident_no = session.execute(select(Complaint.no).where(Complaint.id == complaint.incident_id)).scalar()  # type: ignore[arg-type]
    record["incident_no"] = incident_no
    if detail:
        record["linked"] = list(
            session.execute(
                select(Complaint.no).where(Complaint.incident_id == complaint.id).order_by(Complaint.id)  # type: ignore[arg-type]
            ).scalars()
        )
        record["contacts"] = [
            {"at": c.at, "via": c.via, "by": c.actor, "summary": c.summary, "meets": c.meets}
            for c in session.execute(
                select(ContactEntry).where(ContactEntry.complaint_id == complaint.id).order_by(ContactEntry.at, ContactEntry.id)  # type: ignore[arg-type]
            ).scalars()
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
            for h in session.execute(
                select(HistoryEntry).where(HistoryEntry.complaint_id == complaint.id).order_by(HistoryEntry.id)  # type: ignore[arg-type]
            ).scalars()
        ]
    return record


def show(session: Session, no: str) -> dict[str, Any]:
    """The whole record of one complaint, its contact log and its history, oldest first."""
    return complaint_record(session, _get(session, no), detail=True)


def list_complaints(session: Session, filters: ListFilter) -> list[dict[str, Any]]:
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
            stmt = stmt.where(column == value)
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
    stmt = stmt.order_by(Complaint.received_at.desc(), Complaint.id.desc()).limit(filters.limit)  # type: ignore[attr-defined,union-attr]
    return [complaint_record(session, c) for c in session.execute(stmt).scalars()]


def count_complaints(session: Session) -> int:
    return int(session.execute(select(func.count()).select_from(Complaint)).scalar_one())
