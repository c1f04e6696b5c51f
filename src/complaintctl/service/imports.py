"""Writing checked rows from a spreadsheet into the register, all in one transaction.

Bulk by design: a 100,000-row register goes in through multi-row INSERTs of plain
dicts (an ORM object costs ~90 us), with the rule engine's decisions and deadlines
computed in Python beforehand. A row whose complaint number (or, without one, whose
content) is already in the register is skipped, or updated with `update`.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Callable

from sqlalchemy import insert, select, update
from sqlmodel import Session

from .. import rules as policy_rules
from ..domain import Milestone, Origin, Status, Urgency
from ..importing import ImportRow
from ..inputs import format_no
from ..models import Complaint, Deadline, HistoryEntry, YearCounter
from ..rules import Policy, RepeatCounts
from .common import apply, chain_rows, plain, record

_OUR_NUMBER = re.compile(r"^TS-(\d{4})-(\d{1,6})$")
CHUNK = 500

IMPORTED_FIELDS = (
    "received_at", "channel", "customer_name", "contact", "location", "subject", "content", "demand", "receiver",
    "category", "origin", "severity", "priority", "department", "assignee", "cause", "solution", "corrective_action",
    "compensation_cents", "compensation_kind", "resolved_at", "feedback_at", "followup_at", "followup_by",
    "satisfaction", "status", "closed_at",
)


@dataclass
class ImportResult:
    imported: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"imported": len(self.imported), "updated": len(self.updated), "skipped": len(self.skipped),
                "numbers": self.imported}


def _status(values: dict[str, Any]) -> str:
    if values.get("status"):
        return str(values["status"])
    if values.get("satisfaction") or values.get("closed_at"):
        return Status.CLOSED.value
    if values.get("solution") or values.get("resolved_at"):
        return Status.RESOLVED.value
    if values.get("department") or values.get("assignee"):
        return Status.ASSIGNED.value
    return Status.RECEIVED.value


def _existing(session: Session, column: Any, keys: list[str]) -> dict[str, Complaint]:
    found: dict[str, Complaint] = {}
    for start in range(0, len(keys), CHUNK):
        chunk = keys[start:start + CHUNK]
        for complaint in session.execute(select(Complaint).where(column.in_(chunk))).scalars():
            found[getattr(complaint, column.key)] = complaint
    return found


def import_complaints(
    session: Session, rows: list[ImportRow], *, source: str, update_existing: bool, now: datetime, actor: str,
    policy: Policy, progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Register the rows; every new one gets the rules' category, severity, priority and
    deadlines where the sheet has none, and a history entry saying where it came from."""
    result = ImportResult()
    by_no = _existing(session, Complaint.no, [r.values["no"] for r in rows if r.values.get("no")])  # type: ignore[arg-type]
    by_key = _existing(session, Complaint.source_key, [r.source_key for r in rows])  # type: ignore[arg-type]

    fresh: list[ImportRow] = []
    seen: set[str] = set()
    for row in rows:
        existing = by_no.get(row.values.get("no") or "") or by_key.get(row.source_key)
        duplicate_in_file = row.source_key in seen
        seen.add(row.source_key)
        if existing is not None:
            if update_existing:
                _update(session, existing, row, source=source, now=now, actor=actor)
                result.updated.append(existing.no)
            else:
                result.skipped.append(existing.no)
        elif duplicate_in_file:
            result.skipped.append(f"{row.sheet}:{row.row}")
        else:
            fresh.append(row)
    if not fresh:
        return result

    # Numbers: ours (TS-YYYY-NNNN) are kept; others get the next numbers of their year, in order received.
    fresh.sort(key=lambda r: r.values["received_at"])
    kept: dict[int, int] = defaultdict(int)
    needing: dict[int, int] = defaultdict(int)
    numbered: list[tuple[ImportRow, int, int]] = []
    for row in fresh:
        match = _OUR_NUMBER.match(str(row.values.get("no") or ""))
        if match:
            year, seq = int(match[1]), int(match[2])
            kept[year] = max(kept[year], seq)
            numbered.append((row, year, seq))
        else:
            year = row.values["received_at"].astimezone(policy.tz).year
            needing[year] += 1
            numbered.append((row, year, 0))
    next_seq: dict[int, int] = {}
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as upsert
    else:
        from sqlalchemy.dialects.sqlite import insert as upsert
    for year in sorted(set(kept) | set(needing)):
        session.execute(upsert(YearCounter).values(year=year, last_seq=0).on_conflict_do_nothing(index_elements=["year"]))
        last = session.execute(select(YearCounter.last_seq).where(YearCounter.year == year).with_for_update()).scalar_one()  # type: ignore[arg-type]
        start = max(int(last), kept.get(year, 0))
        next_seq[year] = start + 1
        session.execute(update(YearCounter).where(YearCounter.year == year)  # type: ignore[arg-type]
                        .values(last_seq=start + needing.get(year, 0)))

    # Decisions, then the rows, a chunk at a time: only one chunk's complaints, history and
    # deadlines are in memory beside the checked file. The customer's earlier complaints in
    # this file count as repeats.
    repeat = policy.rules.repeat.get("customer")
    history_of_customer: dict[str, list[datetime]] = defaultdict(list)
    for start in range(0, len(numbered), CHUNK):
        plans: list[tuple[ImportRow, dict[str, Any]]] = []
        for row, year, seq in numbered[start:start + CHUNK]:
            if not seq:
                seq = next_seq[year]
                next_seq[year] += 1
            plans.append((row, _complaint_values(row, year, seq, repeat, history_of_customer,
                                                 source=source, now=now, actor=actor, policy=policy)))
        ids = dict(
            (no, cid) for cid, no in session.execute(
                insert(Complaint).returning(Complaint.id, Complaint.no, sort_by_parameter_order=True),  # type: ignore[arg-type]
                [values for _, values in plans])
        )
        history_rows: list[dict[str, Any]] = []
        deadline_rows: list[dict[str, Any]] = []
        for row, record_values in plans:
            cid = ids[record_values["no"]]
            changes = {k: [None, plain(record_values[k])] for k in IMPORTED_FIELDS if record_values.get(k) is not None}
            changes["source"] = [None, f"{source}:{row.sheet}:{row.row}"]
            if row.values.get("no") and row.values["no"] != record_values["no"]:
                changes["source_no"] = [None, row.values["no"]]
            history_rows.append({"complaint_id": cid, "at": record_values["received_at"], "recorded_at": now,
                                 "actor": actor, "action": "imported",
                                 "changes": json.dumps(changes, ensure_ascii=False, sort_keys=True), "reason": None})
            deadline_rows.extend(_deadlines(cid, record_values, policy))
        chain_rows(session, history_rows)
        session.execute(insert(HistoryEntry), history_rows)
        if deadline_rows:
            session.execute(insert(Deadline), deadline_rows)
        result.imported.extend(values["no"] for _, values in plans)
        if progress:
            progress(len(plans))
    return result


def _complaint_values(row: ImportRow, year: int, seq: int, repeat: Any, history_of_customer: dict[str, list[datetime]],
                      *, source: str, now: datetime, actor: str, policy: Policy) -> dict[str, Any]:
    """The complaint row of one checked sheet row, with the rules' decisions where the sheet
    has none (and why, in `explanation`)."""
    values = row.values
    received = values["received_at"]
    text = "\n".join(str(values[k]) for k in ("subject", "content", "demand") if values.get(k))
    notes: dict[str, Any] = {}
    category = values.get("category")
    if category:
        notes["category"] = {"value": category, "source": "manual", "terms": [f"imported from {source}"]}
    else:
        decision = policy_rules.suggest_category(text, policy.rules)
        category = decision.value
        notes["category"] = {"value": category, "source": "auto", "terms": list(decision.terms)}
    contact = values.get("contact") or ""
    repeats = RepeatCounts()
    if repeat is not None and contact:
        # The same window as `log` (rules.window_start): earlier complaints of this customer
        # in the register and earlier rows of this file.
        since = policy_rules.window_start(received, repeat.window, calendar=policy.calendar, tz=policy.tz)
        earlier = [t for t in history_of_customer[contact] if since <= t <= received]
        repeats = RepeatCounts(customer=len(earlier) + 1)
        history_of_customer[contact].append(received)
    origin = values.get("origin") or Origin.ROUTINE.value
    severity = values.get("severity")
    if severity:
        notes["severity"] = {"value": severity, "source": "manual", "terms": [f"imported from {source}"]}
    else:
        decision = policy_rules.severity_for(category=category, text=text, origin=origin, repeats=repeats, rules=policy.rules)
        severity = decision.value
        notes["severity"] = {"value": severity, "source": "auto", "terms": list(decision.terms)}
    urgency_decision = policy_rules.urgency_for(text, policy.rules)
    notes["urgency"] = {"value": urgency_decision.value, "source": "auto", "terms": list(urgency_decision.terms)}
    priority = values.get("priority")
    if priority:
        notes["priority"] = {"value": priority, "source": "manual", "terms": [f"imported from {source}"]}
    else:
        decision = policy_rules.priority_for(severity, urgency_decision.value or Urgency.NORMAL.value, policy.rules)
        priority = decision.value
        notes["priority"] = {"value": priority, "source": "auto", "terms": list(decision.terms)}
    status = _status(values)
    resolved_at = values.get("resolved_at") or (values.get("followup_at") if status in ("resolved", "closed") else None)
    closed_at = values.get("closed_at") or (values.get("followup_at") if status == "closed" else None)
    if status == Status.CLOSED.value and closed_at is None:
        closed_at = resolved_at or received
    record_values = {
        "no": format_no(year, seq), "year": year, "seq": seq, "received_at": received,
        "received_date": received.astimezone(policy.tz).date(), "channel": values.get("channel") or "other",
        "customer_name": values["customer_name"], "contact": contact, "location": values.get("location"),
        "subject": values.get("subject"), "content": values["content"], "demand": values.get("demand"),
        "receiver": values.get("receiver") or actor, "category": category, "origin": origin, "severity": severity,
        "urgency": urgency_decision.value, "priority": priority,
        "explanation": json.dumps(notes, ensure_ascii=False, sort_keys=True),
        "department": values.get("department"), "assignee": values.get("assignee"), "cause": values.get("cause"),
        "solution": values.get("solution"), "corrective_action": values.get("corrective_action"),
        "compensation_cents": values.get("compensation_cents"), "compensation_kind": values.get("compensation_kind"),
        "resolved_at": resolved_at, "resolved_by": values.get("assignee") if resolved_at else None,
        "final_decision": False, "feedback_at": values.get("feedback_at"), "followup_at": values.get("followup_at"),
        "followup_by": values.get("followup_by"), "satisfaction": values.get("satisfaction"), "status": status,
        "reopen_count": 0, "escalation_level": 0, "closed_at": closed_at, "close_reason": None,
        "first_response_at": None, "incident_id": None, "waiting_since": None, "source_key": row.source_key,
        "followup_note": None, "created_at": now, "updated_at": now,
    }
    return record_values


def _deadlines(cid: int, values: dict[str, Any], policy: Policy) -> list[dict[str, Any]]:
    """Deadlines of an imported case: running ones for an open case; for a case resolved
    in the sheet, its resolution deadline met when it was resolved."""
    out = []
    status = values["status"]

    def add(milestone: Milestone, start: datetime, met_at: datetime | None) -> None:
        due = policy_rules.start_clock(milestone, start, values["severity"], policy)
        if due is None:
            return
        out.append({"complaint_id": cid, "milestone": milestone.value, "started_at": start, "due_at": due.due_at,
                    "met_at": met_at, "state": "met" if met_at else "open", "provisional": due.provisional,
                    "breach_recorded": False, "rule": due.rule, "explanation": due.explanation, "extended": False,
                    "paused_seconds": 0.0})

    # The clocks `log`, `assign` and `resolve` start, at the times the sheet gives.
    received = values["received_at"]
    resolved = values.get("resolved_at")
    if status in (Status.RECEIVED.value, Status.ASSIGNED.value):
        add(Milestone.FIRST_RESPONSE, received, None)
        add(Milestone.RESOLUTION, received, None)
        if status == Status.ASSIGNED.value:
            add(Milestone.CORRECTIVE_ACTION, received, None)
    elif resolved is not None:
        add(Milestone.RESOLUTION, received, resolved)
        if status == Status.RESOLVED.value:
            add(Milestone.CORRECTIVE_ACTION, received, resolved if values.get("corrective_action") else None)
            add(Milestone.FEEDBACK, resolved, values.get("feedback_at"))
            add(Milestone.FOLLOWUP, resolved, None)
    return out


def _update(session: Session, complaint: Complaint, row: ImportRow, *, source: str, now: datetime, actor: str) -> None:
    """Bring an existing complaint in line with the sheet's non-empty cells, recorded."""
    values = {k: v for k, v in row.values.items() if k in IMPORTED_FIELDS and v is not None and k != "received_at"}
    changes: dict[str, Any] = apply(complaint, **values)
    if changes:
        changes["source"] = [None, f"{source}:{row.sheet}:{row.row}"]
        record(session, complaint, "imported", changes, at=now, now=now, actor=actor, reason="updated from a spreadsheet")
