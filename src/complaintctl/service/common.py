"""Pieces every use case shares: the policy in force, finding a case, recording a
change in the history, starting and meeting deadlines, and automatic classification.

They work on a dbapi.Register, the lean path the commands staff type run on; a use case
inside a SQLAlchemy Session (import, recompute, forget) passes `over_session(session)`.
Rows come as dbapi.Entity objects, whose columns are attributes, as on the ORM's."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, tzinfo
from typing import Any

from .. import rules as policy_rules
from ..dbapi import Entity, Register
from ..domain import OPEN_STATUSES as OPEN_STATUSES
from ..domain import Milestone, Status, Urgency
from ..errors import BadInput, InvalidTransition, NotFound
from ..i18n import N_, _
from ..reasons import label, term
from ..rules import FUTURE_TOLERANCE as FUTURE_TOLERANCE
from ..rules import Policy
from ..sealing import chain_head as chain_head

CLASSIFIED_FIELDS = ("category", "severity", "urgency", "priority")


def get_complaint(register: Register, no: str) -> Entity:
    complaint = register.entity("complaint", "complaint_by_no", no=no)
    if complaint is None:
        raise NotFound(_("no complaint {no} in this register; `complaintctl list` shows the numbers").format(no=no))
    return complaint


def plain(value: Any) -> Any:
    """A value as it is kept in the history's JSON: instants in UTC, codes not enums."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "value"):
        return value.value
    return value


def apply(complaint: Any, **values: Any) -> dict[str, list[Any]]:
    """Set fields on the complaint; return {field: [old, new]} for those that changed."""
    changes: dict[str, list[Any]] = {}
    for field, new in values.items():
        if hasattr(new, "value"):
            new = new.value
        old = getattr(complaint, field)
        if old != new:
            changes[field] = [plain(old), plain(new)]
            setattr(complaint, field, new)
    return changes


def record(
    register: Register,
    complaint: Any,
    action: str,
    changes: dict[str, Any],
    *,
    at: datetime,
    now: datetime,
    actor: str,
    reason: str | None = None,
) -> None:
    """Append one entry to the complaint's history (never updated, never deleted); the
    transaction chains and seals it when it commits (sealing.py)."""
    complaint.updated_at = now
    if register.clock_mark:
        changes = {**changes, "clock": [None, register.clock_mark]}
    chain_head(register)  # locked now: entries take their ids in the chain's order
    register.execute(
        "history_entry_insert",
        complaint_id=complaint.id,
        at=at,
        recorded_at=now,
        actor=actor,
        action=action,
        changes=json.dumps(changes, ensure_ascii=False, sort_keys=True),
        reason=reason,
        prev_hash=None,
        hash=None,
        state=None,
        login=None,
    )


def record_register_event(register: Register, action: str, details: dict[str, Any], *, now: datetime, actor: str) -> None:
    """Append an entry about the register as a whole (an export, an unmasked list, rules
    installed) to the chained history, where removing it shows."""
    chain_rows(
        register,
        rows := [
            {
                "complaint_id": None,
                "at": now,
                "recorded_at": now,
                "actor": actor,
                "action": action,
                "changes": json.dumps(details, ensure_ascii=False, sort_keys=True),
                "reason": None,
            }
        ],
    )
    register.execute_many("history_entry_insert", rows)


def chain_rows(register: Register, rows: list[dict[str, Any]]) -> None:
    """Make history rows about to be inserted in bulk ready for the chain: the head locked
    (their ids then follow the chain's order), sealed when the transaction commits."""
    chain_head(register)
    mark = register.clock_mark
    for row in rows:
        if mark:
            changes = json.loads(row["changes"])
            changes["clock"] = [None, mark]
            row["changes"] = json.dumps(changes, ensure_ascii=False, sort_keys=True)
        row["prev_hash"] = row["hash"] = row["state"] = row["login"] = None


def check_event_time(complaint: Any, at: datetime, now: datetime, option: str = "--at", *, tz: tzinfo = UTC) -> None:
    """Refuse an event in the future or before the case was received (times said in the
    office zone `tz`)."""
    if at > now + FUTURE_TOLERANCE:
        raise BadInput(
            _("{option} {when} is in the future; record events when they have happened").format(
                option=option, when=f"{at.astimezone(tz):%Y-%m-%d %H:%M}"
            )
        )
    if at < complaint.received_at:
        raise BadInput(
            _("{option} {when} is before {no} was received ({received})").format(
                option=option,
                when=f"{at.astimezone(tz):%Y-%m-%d %H:%M}",
                no=complaint.no,
                received=f"{complaint.received_at.astimezone(tz):%Y-%m-%d %H:%M}",
            )
        )


def refuse_closed(complaint: Any, doing: str) -> None:
    if complaint.status == Status.CLOSED.value:
        raise InvalidTransition(
            _(
                "{no} is closed ({label}); cannot {doing}. If the customer complains again, register it with `complaintctl log`"
            ).format(no=complaint.no, label=_(Status.CLOSED.label), doing=doing)
        )


# ---------------------------------------------------------------- deadlines


def current_deadline(register: Register, complaint: Any, milestone: Milestone) -> Entity | None:
    """The newest deadline of a milestone that was not voided."""
    return register.entity("deadline", "current_deadline", id=complaint.id, milestone=milestone.value)


def start_deadline(
    register: Register, complaint: Any, milestone: Milestone, start: datetime, policy: Policy, changes: dict[str, Any]
) -> Entity | None:
    """Start a milestone's clock if the rules give it a service level."""
    due = policy_rules.start_clock(milestone, start, complaint.severity, policy)
    if due is None:
        return None
    deadline = register.add(
        "deadline",
        complaint_id=complaint.id,
        milestone=milestone.value,
        started_at=start,
        due_at=due.due_at,
        provisional=due.provisional,
        rule=due.rule,
        explanation=due.explanation,
    )
    changes[f"due.{milestone.value}"] = [None, plain(due.due_at)]
    return deadline


def rederive(deadline: Any, complaint: Any, policy: Policy) -> dict[str, Any]:
    """Recompute an open, not extended deadline from its start under the rules in force;
    return its changes."""
    milestone = Milestone.of(deadline.milestone)
    if deadline.extended or deadline.state != "open":
        return {}
    due = policy_rules.start_clock(milestone, deadline.started_at, complaint.severity, policy)
    if due is None:
        return {}
    due_at = due.due_at
    if deadline.paused_seconds:
        due_at = policy.calendar.add_working_seconds(due_at, deadline.paused_seconds, policy.tz)
    changes: dict[str, Any] = {}
    if deadline.due_at is None or deadline.due_at != due_at:
        changes[f"due.{milestone.value}"] = [plain(deadline.due_at), plain(due_at)]
        deadline.due_at = due_at
    if deadline.provisional != due.provisional:
        changes[f"provisional.{milestone.value}"] = [deadline.provisional, due.provisional]
    deadline.provisional = due.provisional
    deadline.rule = due.rule
    deadline.explanation = due.explanation
    return changes


def meet(register: Register, complaint: Any, milestone: Milestone, at: datetime) -> Entity | None:
    """Mark a milestone met at `at`; return its deadline when that was late and the
    breach is not yet in the history (the caller records it after its own entry)."""
    deadline = current_deadline(register, complaint, milestone)
    if deadline is None or deadline.state != "open":
        return None
    deadline.state = "met"
    deadline.met_at = at
    if deadline.due_at is not None and at > deadline.due_at and not deadline.breach_recorded:
        return deadline
    return None


def record_breach(register: Register, complaint: Any, deadline: Any, *, now: datetime, actor: str) -> None:
    """Write once into the history that a milestone's deadline passed (责任追究)."""
    record_breaches(register, [(deadline, complaint)], now=now, actor=actor)


def record_breaches(register: Register, breaches: list[tuple[Any, Any]], *, now: datetime, actor: str) -> None:
    """Write into the history, once per deadline, that it passed: the entry is dated at the
    deadline and names the department and assignee (责任追究). A few statements whatever
    the number (the first morning check on a big register can find thousands)."""
    if not breaches:
        return
    rows = []
    for deadline, complaint in breaches:
        assert deadline.due_at is not None
        changes = {
            "milestone": [None, deadline.milestone],
            "due_at": [None, plain(deadline.due_at)],
            "department": [None, complaint.department],
            "assignee": [None, complaint.assignee],
        }
        rows.append(
            {
                "complaint_id": complaint.id,
                "at": deadline.due_at,
                "recorded_at": now,
                "actor": actor,
                "action": "breached",
                "changes": json.dumps(changes, ensure_ascii=False, sort_keys=True),
                "reason": None,
            }
        )
    ids = [deadline.id for deadline, _ in breaches]
    chain_rows(register, rows)
    register.execute_many("history_entry_insert", rows)
    for chunk in range(0, len(ids), 500):
        register.execute("deadlines_breach_recorded", ids=ids[chunk : chunk + 500])
    for deadline, _complaint in breaches:
        if isinstance(deadline, Entity):  # as now stored, so that a later save keeps it
            deadline.breach_recorded = True
            deadline._mark_saved()


def end_open_deadlines(
    register: Register,
    complaint: Any,
    *,
    at: datetime,
    now: datetime,
    actor: str,
    milestones: tuple[Milestone, ...] | None = None,
    cannot_be_met: tuple[Milestone, ...] = (),
) -> None:
    """The case moves on at `at` (closed, or reopened) and its open deadlines stop running.
    One already past, or one the case can no longer meet (`cannot_be_met`: closed before
    the outcome was reported, say), is missed: it counts late and is written into the
    history with the department and assignee. The others are void: no longer asked for."""
    open_deadlines = register.entities("deadline", "open_deadlines_of", id=complaint.id)
    wanted = {m.value for m in milestones} if milestones is not None else None
    for deadline in open_deadlines:
        if wanted is not None and deadline.milestone not in wanted:
            continue
        passed = deadline.due_at is not None and deadline.due_at < at
        if not passed and Milestone.of(deadline.milestone) not in cannot_be_met:
            deadline.state = "void"
            continue
        deadline.state = "missed"
        deadline.missed_at = deadline.missed_at or (deadline.due_at if passed else at)
        if passed and deadline.breach_recorded:
            continue  # the morning check wrote it down already
        changes = {
            "milestone": [None, deadline.milestone],
            "due_at": [None, plain(deadline.due_at)],
            "department": [None, complaint.department],
            "assignee": [None, complaint.assignee],
        }
        record(
            register,
            complaint,
            "missed",
            changes,
            at=deadline.missed_at,
            now=now,
            actor=actor,
            reason=label(N_("passed before the case moved on") if passed else N_("the case moved on before it was met")),
        )
        deadline.breach_recorded = True


# ---------------------------------------------------------------- classification


def explanation(complaint: Any) -> dict[str, Any]:
    notes: dict[str, Any] = json.loads(complaint.explanation or "{}")
    return notes


def set_manual(complaint: Any, field: str, value: str, *, actor: str, at: datetime, reason: str | None) -> None:
    """Remember that a person chose this field: automatic classification leaves it alone."""
    notes = explanation(complaint)
    notes[field] = {
        "value": value,
        "source": "manual",
        "by": actor,
        "at": plain(at),
        "reason": reason,
        "terms": [
            term(N_("set by hand by {actor}: {reason}"), actor=actor, reason=reason)
            if reason
            else term(N_("set by hand by {actor}"), actor=actor)
        ],
    }
    complaint.explanation = json.dumps(notes, ensure_ascii=False, sort_keys=True)


def clear_manual(complaint: Any) -> None:
    notes = {k: v for k, v in explanation(complaint).items() if v.get("source") != "manual"}
    complaint.explanation = json.dumps(notes, ensure_ascii=False, sort_keys=True)


def repeat_counts(register: Register, complaint: Any, policy: Policy) -> policy_rules.RepeatCounts:
    """Complaints (this one included) from the same customer, and about the same person
    involved, within the repeat rules' windows before this one was received."""
    customer = policy.rules.repeat.get("customer")
    counts = policy_rules.RepeatCounts()
    if customer is not None and complaint.contact:
        counts = policy_rules.RepeatCounts(
            customer=_received_within(register, "contact", complaint.contact, complaint.received_at, customer.window, policy)
        )
    person = policy.rules.repeat.get("person")
    if person is not None:
        named = register.entity(
            "complaint_field", "complaint_field_of", key_complaint_id=complaint.id, key_key=policy_rules.PEOPLE_FIELD
        )
        names = policy_rules.people(named.value if named else None)
        if names:
            since = policy_rules.window_start(complaint.received_at, person.window, calendar=policy.calendar, tz=policy.tz)
            values = register.scalars(
                "field_values_received_between", key=policy_rules.PEOPLE_FIELD, since=since, until=complaint.received_at
            )
            seen = [policy_rules.people(v) for v in values]
            best = max(names, key=lambda n: sum(n in s for s in seen))
            counts = policy_rules.RepeatCounts(customer=counts.customer, person=sum(best in s for s in seen), person_name=best)
    return counts


def _received_within(register: Register, column: str, value: Any, until: datetime, window: Any, policy: Policy) -> int:
    since = policy_rules.window_start(until, window, calendar=policy.calendar, tz=policy.tz)
    return int(
        register.scalar(
            f"received_within_{column}", value=value, since_date=since.astimezone(policy.tz).date(), since=since, until=until
        )
    )


def check_load(register: Register, complaint: Any, policy: Policy, *, at: datetime, now: datetime, actor: str) -> None:
    """Raise a load alert (负荷预警) when the case's department or assignee has now drawn the
    alert's number of complaints within its window, once per window: recorded as an alert
    of the register and in this case's history. The complaint's severity is left alone."""
    for kind, value in (("department", complaint.department), ("assignee", complaint.assignee)):
        rule = policy.rules.alerts.get(kind)
        if rule is None or not value:
            continue
        count = _received_within(register, kind, value, complaint.received_at, rule.window, policy)
        alert = policy_rules.load_alert(kind, value, count, policy.rules)
        if alert is None:
            continue
        since = policy_rules.window_start(at, rule.window, calendar=policy.calendar, tz=policy.tz)
        if register.rows("alert_since", kind=kind, subject=value, since=since):
            continue
        register.add(
            "alert", at=at, recorded_at=now, kind=kind, subject=value, count=count, window=alert.window, complaint_id=complaint.id
        )
        record(
            register,
            complaint,
            "load_alert",
            {"alert": [None, {"kind": kind, "subject": value, "count": count, "window": alert.window}]},
            at=at,
            now=now,
            actor=actor,
            reason=term(
                N_("部门 {value}: {count} complaints within {window}")
                if kind == "department"
                else N_("处理人 {value}: {count} complaints within {window}"),
                value=value,
                count=count,
                window=rule.window.term,
            ),
        )


def complaint_text(complaint: Any) -> str:
    return "\n".join(part for part in (complaint.subject, complaint.content, complaint.demand) if part)


def reclassify(register: Register, complaint: Any, policy: Policy) -> dict[str, list[Any]]:
    """Apply the automatic decisions to every field a person has not chosen; return the
    changes. A changed severity re-derives the open resolution deadline."""
    notes = explanation(complaint)
    manual = {field for field, note in notes.items() if note.get("source") == "manual"}
    text = complaint_text(complaint)
    rules = policy.rules
    values: dict[str, str] = {}

    def decide(field: str, decision: policy_rules.Decision) -> None:
        notes[field] = {"value": decision.value, "source": "auto", "terms": list(decision.terms)}
        values[field] = decision.value

    if "category" not in manual:
        decide("category", policy_rules.suggest_category(text, rules))
    if "severity" not in manual:
        repeats = repeat_counts(register, complaint, policy)
        decide(
            "severity",
            policy_rules.severity_for(
                category=values.get("category", complaint.category),
                text=text,
                origin=complaint.origin,
                repeats=repeats,
                rules=rules,
            ),
        )
    if "urgency" not in manual:
        decide("urgency", policy_rules.urgency_for(text, rules))
    if "priority" not in manual:
        decide(
            "priority",
            policy_rules.priority_for(
                values.get("severity", complaint.severity) or "general",
                values.get("urgency", complaint.urgency) or Urgency.NORMAL.value,
                rules,
            ),
        )
    complaint.explanation = json.dumps(notes, ensure_ascii=False, sort_keys=True)
    old_severity = complaint.severity
    changes = apply(complaint, **values)
    if complaint.severity != old_severity:
        changes.update(rederive_resolution(register, complaint, policy))
    return changes


def rederive_resolution(register: Register, complaint: Any, policy: Policy) -> dict[str, Any]:
    deadline = current_deadline(register, complaint, Milestone.RESOLUTION)
    if deadline is None:
        return {}
    return rederive(deadline, complaint, policy)
