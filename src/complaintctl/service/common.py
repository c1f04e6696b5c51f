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
from ..domain import Status, Urgency
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


def _key(milestone: Any) -> str:
    return str(getattr(milestone, "value", milestone))


def current_deadline(register: Register, complaint: Any, milestone: Any) -> Entity | None:
    """The newest deadline of a milestone that was not voided."""
    return register.entity("deadline", "current_deadline", id=complaint.id, milestone=_key(milestone))


def start_deadline(
    register: Register, complaint: Any, milestone: Any, start: datetime, policy: Policy, changes: dict[str, Any]
) -> Entity | None:
    """Start a milestone's clock if the rules give it a service level for this case."""
    key = _key(milestone)
    due = policy_rules.start_clock(key, start, complaint.category, complaint.severity, policy)
    if due is None:
        return None
    deadline = register.add(
        "deadline",
        complaint_id=complaint.id,
        milestone=key,
        started_at=start,
        due_at=due.due_at,
        provisional=due.provisional,
        rule=due.rule,
        explanation=due.explanation,
    )
    changes[f"due.{key}"] = [None, plain(due.due_at)]
    return deadline


def rederive(deadline: Any, complaint: Any, policy: Policy) -> dict[str, Any]:
    """Recompute an open, not extended deadline from its start under the rules in force;
    return its changes."""
    key = deadline.milestone
    if deadline.extended or deadline.state != "open":
        return {}
    due = policy_rules.start_clock(key, deadline.started_at, complaint.category, complaint.severity, policy)
    if due is None:
        return {}
    due_at = due.due_at
    if deadline.paused_seconds:
        due_at = policy.calendar.add_working_seconds(due_at, deadline.paused_seconds, policy.tz)
    changes: dict[str, Any] = {}
    if deadline.due_at is None or deadline.due_at != due_at:
        changes[f"due.{key}"] = [plain(deadline.due_at), plain(due_at)]
        deadline.due_at = due_at
    if deadline.provisional != due.provisional:
        changes[f"provisional.{key}"] = [deadline.provisional, due.provisional]
    deadline.provisional = due.provisional
    deadline.rule = due.rule
    deadline.explanation = due.explanation
    return changes


def meet(register: Register, complaint: Any, milestone: Any, at: datetime) -> Entity | None:
    """Mark a milestone met at `at`; return its deadline when that was late and the
    breach is not yet in the history (the caller records it after its own entry)."""
    deadline = current_deadline(register, complaint, milestone)
    if deadline is None or deadline.state != "open":
        return None
    return _met(deadline, at)


def _met(deadline: Any, at: datetime) -> Entity | None:
    deadline.state = "met"
    deadline.met_at = at
    if deadline.due_at is not None and at > deadline.due_at and not deadline.breach_recorded:
        return deadline  # type: ignore[no-any-return]
    return None


def fire(
    register: Register,
    complaint: Any,
    events: tuple[str, ...],
    at: datetime,
    policy: Policy,
    changes: dict[str, Any],
) -> tuple[list[Any], list[str]]:
    """An event of the office's procedure happened at `at`: the milestones it stops are
    met (a contact meets one: the open one started first), those it starts and that apply
    to the case start their clocks. Returns the deadlines met late (their breaches not yet
    written) and the keys of the milestones met."""
    late: list[Any] = []
    met: list[str] = []
    stopped = [m for m in policy.rules.milestones if set(m.stop) & set(events)]
    if stopped:
        wanted = {m.key for m in stopped}
        open_ones = [
            d
            for d in register.entities("deadline", "open_deadlines_of", id=complaint.id)
            if d.milestone in wanted and d.state == "open"
        ]
        if any(e.startswith("contacted") for e in events):
            open_ones = sorted(open_ones, key=lambda d: (d.started_at, d.id))[:1]
        for deadline in open_ones:
            late.append(_met(deadline, at))
            met.append(deadline.milestone)
    started = [m for m in policy.rules.milestones if set(m.start) & set(events)]
    if started:
        running = {d.milestone for d in register.entities("deadline", "open_deadlines_of", id=complaint.id) if d.state == "open"}
        text = complaint_text(complaint)
        for milestone in started:
            if milestone.key in running:
                continue
            if milestone.conditional and not policy_rules.applies(
                milestone, category=complaint.category, severity=complaint.severity, text=text, rules=policy.rules
            ):
                continue
            start_deadline(register, complaint, milestone.key, at, policy, changes)
    return [d for d in late if d is not None], met


def contact_events(complaint: Any, actor: str, policy: Policy) -> tuple[str, ...]:
    """The events a contact by `actor` is: contacted, and by the receiver (首问负责人) or
    the handling department when it is one of them."""
    events = ["contacted"]
    if actor == complaint.receiver:
        events.append("contacted:receiver")
    person = policy.rules.find_person(actor) if policy.rules.people else None
    if actor == complaint.assignee or (person is not None and complaint.department and person.department == complaint.department):
        events.append("contacted:department")
    return tuple(events)


def event_times(register: Register, complaint: Any) -> dict[str, datetime]:
    """When each event of the procedure last happened to the case, from its history."""
    actions = {
        "logged": "received",
        "resolved": "resolved",
        "final_decision": "resolved",
        "reopened": "reopened",
        "escalated": "escalated",
        "followed_up": "followed_up",
        "closed": "closed",
    }
    times: dict[str, datetime] = {}
    for entry in register.rows("history_of", id=complaint.id):
        if entry.action in actions:
            times[actions[entry.action]] = entry.at
        elif entry.action == "assigned":
            times["reassigned" if "assigned" in times else "assigned"] = entry.at
        elif entry.action == "contacted":
            times.setdefault("contacted", entry.at)
        elif entry.action == "step":
            key = json.loads(entry.changes).get("step", [None, None])[1]
            if key:
                times[f"step:{key}"] = entry.at
    return times


def reapply_milestones(register: Register, complaint: Any, policy: Policy) -> dict[str, Any]:
    """After a reclassification: a conditional milestone that now applies starts from its
    start event (and may be overdue at once); an open one that no longer applies is void
    (n/a: out of the rates). Open deadlines follow the new category and severity."""
    changes: dict[str, Any] = {}
    deadlines = register.entities("deadline", "deadlines_of", ids=[complaint.id])
    current = {d.milestone: d for d in deadlines if d.state != "void"}
    text = complaint_text(complaint)
    times: dict[str, datetime] | None = None
    for milestone in policy.rules.milestones:
        deadline = current.get(milestone.key)
        if deadline is not None and deadline.state == "open":
            if milestone.conditional and not policy_rules.applies(
                milestone, category=complaint.category, severity=complaint.severity, text=text, rules=policy.rules
            ):
                deadline.state = "void"
                changes[f"void.{milestone.key}"] = [plain(deadline.due_at), None]
            else:
                changes.update(rederive(deadline, complaint, policy))
            continue
        if deadline is not None or not milestone.conditional or complaint.status == "closed":
            continue
        if not policy_rules.applies(
            milestone, category=complaint.category, severity=complaint.severity, text=text, rules=policy.rules
        ):
            continue
        if times is None:
            times = event_times(register, complaint)
        began = [times[e] for e in milestone.start if e in times]
        if began:
            start_deadline(register, complaint, milestone.key, max(began), policy, changes)
    return changes


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
    milestones: tuple[Any, ...] | None = None,
    cannot_be_met: tuple[Any, ...] = (),
) -> None:
    """The case moves on at `at` (closed, or reopened) and its open deadlines stop running.
    One already past, or one the case can no longer meet (`cannot_be_met`: closed before
    the outcome was reported, say), is missed: it counts late and is written into the
    history with the department and assignee. The others are void: no longer asked for."""
    open_deadlines = register.entities("deadline", "open_deadlines_of", id=complaint.id)
    wanted = {_key(m) for m in milestones} if milestones is not None else None
    unmeetable = {_key(m) for m in cannot_be_met}
    for deadline in open_deadlines:
        if deadline.state != "open" or (wanted is not None and deadline.milestone not in wanted):
            continue
        passed = deadline.due_at is not None and deadline.due_at < at
        if not passed and deadline.milestone not in unmeetable:
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
    before = (complaint.category, complaint.severity)
    changes = apply(complaint, **values)
    if (complaint.category, complaint.severity) != before and complaint.id is not None:
        changes.update(reapply_milestones(register, complaint, policy))
    return changes
