"""The morning check (what is late or about to be) and re-deriving deadlines after
the rules or the calendar changed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import case, or_, select
from sqlmodel import Session, col

from .. import rules as policy_rules
from ..domain import Duration, Milestone
from ..models import Alert, Complaint, Deadline
from ..rules import Policy
from .common import FUTURE_TOLERANCE, OPEN, OPEN_STATUSES, record, record_breaches, rederive


@dataclass
class _Due:
    id: int
    milestone: str
    due_at: datetime


@dataclass
class _Case:
    id: int
    department: str | None
    assignee: str | None


def check_overdue(
    session: Session, *, at: datetime, within: Duration | None, now: datetime, actor: str, policy: Policy
) -> dict[str, Any]:
    """Open milestones overdue or due soon as of `at`, worst first within each department
    and assignee. Each newly overdue milestone is written once into its case's history
    (not when `at` lies in the future: that is a preview)."""
    soon_until = policy_rules.due_soon_until(at, calendar=policy.calendar, tz=policy.tz, rules=policy.rules, within=within)
    # Plain columns through the connection, not ORM objects: the answer can run to
    # thousands of rows, and each column fetched costs (3,000 rows: ~1 ms a column).
    rows: list[Any] = list(
        session.connection()
        .execute(
            select(
                col(Deadline.id),
                col(Deadline.milestone),
                col(Deadline.due_at),
                col(Deadline.provisional),
                col(Deadline.breach_recorded),
                col(Complaint.id),
                col(Complaint.no),
                col(Complaint.status),
                col(Complaint.department),
                col(Complaint.assignee),
                col(Complaint.severity),
                col(Complaint.priority),
                col(Complaint.customer_name),
                col(Complaint.subject),
                case((or_(col(Complaint.subject).is_(None), col(Complaint.subject) == ""), col(Complaint.content))),
            )
            .join(Complaint, col(Complaint.id) == col(Deadline.complaint_id))
            .where(
                col(Deadline.state) == OPEN,
                col(Deadline.due_at) <= soon_until,
                # the resolution clock is stopped while the customer is awaited
                or_(col(Deadline.milestone) != Milestone.RESOLUTION.value, col(Complaint.waiting_since).is_(None)),
            )
        )
        .all()
    )
    recording = at <= now + FUTURE_TOLERANCE
    items: list[dict[str, Any]] = []
    breaches: list[tuple[Any, Any]] = []
    late_by: dict[datetime, tuple[int, float, str]] = {}  # many deadlines share a due moment (end of a day)
    for (
        deadline_id,
        milestone,
        due_at,
        provisional,
        breach_recorded,
        complaint_id,
        no,
        status,
        department,
        assignee,
        severity,
        priority,
        customer_name,
        subject,
        content,
    ) in rows:
        # The status is checked here, not in SQL: given a condition on it, SQLite without
        # statistics starts from the status index (every open case) instead of the
        # open-deadline index (only what is due): 17 ms against 8 at 100,000 complaints.
        if status not in OPEN_STATUSES:
            continue
        overdue = due_at < at
        late_days, late_hours, late_text = (0, 0.0, "")
        if overdue:
            late = late_by.get(due_at)
            if late is None:
                late = late_by[due_at] = policy_rules.lateness(due_at, at, calendar=policy.calendar, tz=policy.tz)
            late_days, late_hours, late_text = late
            if recording and not breach_recorded:
                breaches.append((_Due(deadline_id, milestone, due_at), _Case(complaint_id, department, assignee)))
        items.append(
            {
                "no": no,
                "milestone": milestone,
                "state": "overdue" if overdue else "due_soon",
                "due_at": due_at,
                "late_working_days": late_days,
                "late_hours": round(late_hours, 2),
                "late": late_text,
                "provisional": provisional,
                "department": department,
                "assignee": assignee,
                "severity": severity,
                "priority": priority,
                "customer_name": customer_name,
                "subject": subject or content.splitlines()[0][:40],
            }
        )
    record_breaches(session, breaches, now=now, actor=actor)
    items.sort(key=lambda i: (i["department"] or "", i["assignee"] or "", i["state"] != "overdue", i["due_at"]))
    return {
        "at": at,
        "soon_until": soon_until,
        "items": items,
        "breaches_recorded": len(breaches),
        "alerts": active_alerts(session, at=at, policy=policy),
    }


def active_alerts(session: Session, *, at: datetime, policy: Policy) -> list[dict[str, Any]]:
    """Load alerts (负荷预警) raised within their window before `at`, newest first."""
    out: list[dict[str, Any]] = []
    for kind, rule in policy.rules.alerts.items():
        since = policy_rules.window_start(at, rule.window, calendar=policy.calendar, tz=policy.tz)
        for alert_at, subject, count, window, no in session.connection().execute(
            select(col(Alert.at), col(Alert.subject), col(Alert.count), col(Alert.window), col(Complaint.no))
            .outerjoin(Complaint, col(Complaint.id) == col(Alert.complaint_id))
            .where(col(Alert.kind) == kind, col(Alert.at) >= since, col(Alert.at) <= at)
        ):
            out.append({"kind": kind, "subject": subject, "count": count, "window": window, "at": alert_at, "no": no})
    out.sort(key=lambda a: a["at"], reverse=True)
    return out


def recompute(session: Session, *, now: datetime, actor: str, policy: Policy) -> list[dict[str, Any]]:
    """Re-derive the open deadlines of open cases under the rules and calendar in force
    (extended ones keep the time promised to the customer); record each change."""
    rows = session.execute(
        select(Deadline, Complaint)
        .join(Complaint, col(Complaint.id) == col(Deadline.complaint_id))
        .where(col(Deadline.state) == OPEN, col(Complaint.status).in_(OPEN_STATUSES))
        .order_by(col(Complaint.id), col(Deadline.id))
    ).all()
    by_complaint: dict[int, tuple[Complaint, dict[str, Any]]] = {}
    for deadline, complaint in rows:
        changes = rederive(deadline, complaint, policy)
        if changes:
            by_complaint.setdefault(complaint.id, (complaint, {}))[1].update(changes)
    report = []
    for complaint, changes in by_complaint.values():
        record(session, complaint, "recomputed", changes, at=now, now=now, actor=actor, reason=f"rules: {policy.rules.source}")
        report.append({"no": complaint.no, "changes": changes})
    return report
