"""The morning check (what is late or about to be) and re-deriving deadlines after
the rules or the calendar changed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from .. import rules as policy_rules
from ..dbapi import Register
from ..domain import OPEN_STATUSES, Duration, Milestone
from ..reasons import shown
from ..rules import FUTURE_TOLERANCE, Policy

if TYPE_CHECKING:
    from sqlmodel import Session

# The check and recording what it found run through dbapi and import no SQLAlchemy;
# `recompute`, rare work, imports the Session's pieces where it runs.


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


def check_overdue(register: Register, *, at: datetime, within: Duration | None, now: datetime, policy: Policy) -> dict[str, Any]:
    """Open milestones overdue or due soon as of `at`, worst first within each department
    and assignee. Read-only: `pending_breaches` lists the newly overdue milestones, which
    `record_overdue` then writes once each into their cases' history (none when `at` lies
    in the future: that is a preview)."""
    soon_until = policy_rules.due_soon_until(at, calendar=policy.calendar, tz=policy.tz, rules=policy.rules, within=within)
    rows = register.tuples("overdue_candidates", soon_until=soon_until, resolution=Milestone.RESOLUTION.value)
    recording = at <= now + FUTURE_TOLERANCE
    items: list[dict[str, Any]] = []
    overdue_rows: list[dict[str, Any]] = []  # what --notify tells of breaches
    pending: list[tuple[_Due, _Case]] = []
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
                pending.append((_Due(deadline_id, milestone, due_at), _Case(complaint_id, department, assignee)))
            overdue_rows.append(
                {
                    "deadline_id": deadline_id,
                    "complaint_id": complaint_id,
                    "no": no,
                    "milestone": milestone,
                    "due_at": due_at,
                    "state": "overdue",
                    "department": department,
                    "assignee": assignee,
                    "subject": subject or content.splitlines()[0][:40],
                }
            )
        items.append(
            {
                "no": no,
                "milestone": milestone,
                "state": "overdue" if overdue else "due_soon",
                "due_at": due_at,
                "late_working_days": late_days,
                "late_hours": round(late_hours, 2),
                "late": shown(late_text),
                "provisional": provisional,
                "department": department,
                "assignee": assignee,
                "severity": severity,
                "priority": priority,
                "customer_name": customer_name,
                "subject": subject or content.splitlines()[0][:40],
            }
        )
    items.sort(key=lambda i: (i["department"] or "", i["assignee"] or "", i["state"] != "overdue", i["due_at"]))
    return {
        "at": at,
        "soon_until": soon_until,
        "items": items,
        "pending_breaches": pending,
        "overdue_rows": overdue_rows,
        "breaches_recorded": 0,
        "alerts": active_alerts(register, at=at, policy=policy),
    }


def record_overdue(register: Register, pending: list[tuple[_Due, _Case]], *, now: datetime, actor: str) -> int:
    """Write the breaches `check_overdue` found, each once: a deadline another run recorded
    (or that was met) in the meantime is left out. Returns how many were written."""
    from .common import record_breaches

    ids = [due.id for due, _case in pending]
    still: set[int] = set()
    for chunk in range(0, len(ids), 500):
        still.update(register.scalars("deadlines_unrecorded_breach", ids=ids[chunk : chunk + 500]))
    breaches = [(due, case_) for due, case_ in pending if due.id in still]
    record_breaches(register, breaches, now=now, actor=actor)
    return len(breaches)


def active_alerts(register: Register, *, at: datetime, policy: Policy) -> list[dict[str, Any]]:
    """Load alerts (负荷预警) raised within their window before `at`, newest first."""
    out: list[dict[str, Any]] = []
    for kind, rule in policy.rules.alerts.items():
        since = policy_rules.window_start(at, rule.window, calendar=policy.calendar, tz=policy.tz)
        for alert_at, subject, count, window, no in register.tuples("alerts_between", kind=kind, since=since, until=at):
            out.append({"kind": kind, "subject": subject, "count": count, "window": window, "at": alert_at, "no": no})
    out.sort(key=lambda a: a["at"], reverse=True)
    return out


def recompute(session: Session, *, now: datetime, actor: str, policy: Policy) -> list[dict[str, Any]]:
    """Re-derive the open deadlines of open cases under the rules and calendar in force
    (extended ones keep the time promised to the customer); record each change."""
    from sqlalchemy import literal_column, select
    from sqlmodel import col

    from ..dbapi import over_session
    from ..models import Complaint, Deadline
    from .common import record, rederive
    from .reading import office_instant

    OPEN: Any = literal_column("'open'")  # a literal: SQLite then uses the partial index on open deadlines

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
        record(
            over_session(session),
            complaint,
            "recomputed",
            changes,
            at=now,
            now=now,
            actor=actor,
            reason=f"rules: {policy.rules.source}",
        )
        shown = {key: [office_instant(v, policy.tz) for v in pair] for key, pair in changes.items()}
        report.append({"no": complaint.no, "changes": shown})
    return report
