"""A complaint's life: log → classify → assign → contact → resolve → followup → closed,
with reopen, escalation, extension, waiting on the customer and closing with a reason."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .. import fields
from .. import rules as policy_rules
from ..dbapi import Entity, Register
from ..domain import (
    Channel,
    CompensationKind,
    Milestone,
    Origin,
    Priority,
    Satisfaction,
    Severity,
    Status,
    Urgency,
)
from ..errors import BadInput, InvalidTransition
from ..i18n import N_, _
from ..inputs import MAX_SEQ, format_no
from ..reasons import extended, label, term
from ..rules import Policy
from ..sealing import new_nonce
from .common import (
    FUTURE_TOLERANCE,
    apply,
    check_event_time,
    check_load,
    clear_manual,
    contact_events,
    current_deadline,
    end_open_deadlines,
    fire,
    get_complaint,
    plain,
    reapply_milestones,
    reclassify,
    record,
    record_breach,
    refuse_closed,
    set_manual,
)
from .procedure import tell_receiver
from .reading import complaint_record


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
    urgent: bool = False
    incident_no: str | None = None
    remarks: str | None = None
    fields: tuple[tuple[str, str], ...] = ()  # declared fields: (key, value as stored)


def _next_seq(register: Register, year: int) -> int:
    """Take the next number of `year` inside the writing transaction (gap-free): the
    counter row is created if missing, then incremented, which locks it until commit."""
    register.execute("year_counter_created", year=year)
    seq = int(register.execute("year_counter_next", year=year)[0][0])
    if seq > MAX_SEQ:
        raise InvalidTransition(
            _(
                "{year} has used every complaint number up to TS-{year}-{MAX_SEQ}; no command could read a longer one, so nothing was written"
            ).format(year=year, MAX_SEQ=MAX_SEQ)
        )
    return seq


def _late(register: Register, complaint: Entity, late: list[Any], *, now: datetime, actor: str) -> None:
    for deadline in late:
        if deadline is not None:
            record_breach(register, complaint, deadline, now=now, actor=actor)


def log_complaint(register: Register, new: NewComplaint, *, now: datetime, actor: str, policy: Policy) -> dict[str, Any]:
    """Register a complaint: give it the next number of its year of receipt, classify it,
    and start its first-response and resolution clocks."""
    if new.received_at > now + FUTURE_TOLERANCE:
        raise BadInput(_("--received is in the future; give the time the customer complained"))
    incident: Entity | None = None
    if new.incident_no:
        incident = get_complaint(register, new.incident_no)
        if incident.incident_id is not None:
            incident = register.entity("complaint", "complaint_by_id", id=incident.incident_id)
            assert incident is not None
    local_received = new.received_at.astimezone(policy.tz)
    year = local_received.year
    seq = _next_seq(register, year)
    origin = Origin.MASS if incident is not None else (new.origin or Origin.ROUTINE)
    complaint = register.add(
        "complaint",
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
        remarks=new.remarks,
        receiver=new.receiver,
        category=new.category,
        origin=origin.value,
        status=Status.RECEIVED.value,
        incident_id=incident.id if incident is not None else None,
        nonce=new_nonce(),
        created_at=now,
        updated_at=now,
    )
    for key, value in new.fields:  # before classifying: 涉及人员 counts for repeats
        register.add("complaint_field", complaint_id=complaint.id, key=key, value=value)
    if new.category is not None:
        set_manual(complaint, "category", new.category, actor=actor, at=new.received_at, reason=label(N_("given when logged")))
    if new.urgent:
        set_manual(
            complaint,
            "urgency",
            Urgency.URGENT.value,
            actor=actor,
            at=new.received_at,
            reason=label(N_("marked urgent when logged")),
        )
        complaint.urgency = Urgency.URGENT.value
    reclassify(register, complaint, policy)
    # Every chained field, empty ones too: verify then knows each column's first value.
    changes: dict[str, Any] = {k: [None, plain(getattr(complaint, k))] for k in ("no", *fields.CHAINED)}
    if incident is not None:
        changes["incident_no"] = [None, incident.no]
    for key, value in new.fields:
        changes[f"field.{key}"] = [None, value]
    fire(register, complaint, ("received",), new.received_at, policy, changes)
    record(register, complaint, "logged", changes, at=new.received_at, now=now, actor=actor)
    if incident is not None:
        linked = apply(incident, origin=Origin.MASS)
        if linked:
            linked.update(reclassify(register, incident, policy))
        linked["linked"] = [None, complaint.no]
        record(register, incident, "incident_linked", linked, at=new.received_at, now=now, actor=actor)
    return complaint_record(register, complaint, policy=policy, now=now, detail=True)


def classify(
    register: Register,
    no: str,
    *,
    category: str | None,
    severity: Severity | None,
    urgency: Urgency | None,
    priority: Priority | None,
    origin: Origin | None,
    reset: bool,
    reason: str | None,
    at: datetime,
    now: datetime,
    actor: str,
    policy: Policy,
    lowering_refused: Callable[[], str | None] = lambda: None,
) -> dict[str, Any]:
    """Classify a case. Values given by hand win and are recorded with their reason;
    with none given, the automatic decisions are applied again to every other field.
    `reset` forgets earlier hand-made choices first. A severity set lower than the case's
    is refused with `lowering_refused()`'s reason, if it gives one (the office's roles)."""
    complaint = get_complaint(register, no)
    refuse_closed(complaint, _("reclassify it"))
    if severity is not None and complaint.severity and _rank(plain(severity)) < _rank(complaint.severity):
        why = lowering_refused()
        if why:
            from ..errors import NotPermitted

            raise NotPermitted(why)
    check_event_time(complaint, at, now, tz=policy.tz)
    if reset:
        clear_manual(complaint)
    before = (complaint.category, complaint.severity)
    chosen: dict[str, Any] = {}
    for field, value in (("category", category), ("severity", severity), ("urgency", urgency), ("priority", priority)):
        if value is not None:
            chosen[field] = value
            set_manual(complaint, field, plain(value), actor=actor, at=at, reason=reason)
    changes = apply(complaint, **chosen)
    if origin is not None:
        changes.update(apply(complaint, origin=origin))
    # Everything a person did not choose follows from what they did (category → severity…).
    changes.update({k: v for k, v in reclassify(register, complaint, policy).items() if k not in changes})
    if (complaint.category, complaint.severity) != before:
        changes.update({k: v for k, v in reapply_milestones(register, complaint, policy).items() if k not in changes})
    record(
        register,
        complaint,
        "classified",
        changes,
        at=at,
        now=now,
        actor=actor,
        reason=reason or (label(N_("re-applied the rules")) if not chosen else None),
    )
    return complaint_record(register, complaint, policy=policy, now=now, detail=True)


def assign(
    register: Register,
    no: str,
    *,
    department: str | None,
    assignee: str | None,
    at: datetime,
    now: datetime,
    actor: str,
    policy: Policy,
) -> dict[str, Any]:
    """Hand the case to a department (by default the one its category routes to) and a person."""
    complaint = get_complaint(register, no)
    refuse_closed(complaint, _("assign it"))
    if complaint.status == Status.RESOLVED.value:
        raise InvalidTransition(
            _("{no} is resolved and waits for its follow-up visit; record it with `complaintctl followup {no}`").format(no=no)
        )
    check_event_time(complaint, at, now, tz=policy.tz)
    routed = None
    if department is None:
        rule = policy.rules.category(complaint.category)
        if rule is None:
            raise BadInput(_("{no} has no category that routes to a department; give --department").format(no=no))
        department, routed = rule.department, term(N_("routed by category {label}"), label=rule.label)
    event = "reassigned" if complaint.department else "assigned"
    changes = apply(complaint, department=department, assignee=assignee, status=Status.ASSIGNED)
    complaint.unit = policy.rules.unit_of_department(department) or complaint.unit  # derived: not in the history
    late, _met = fire(register, complaint, (event,), at, policy, changes)
    record(register, complaint, "assigned", changes, at=at, now=now, actor=actor, reason=routed)
    _late(register, complaint, late, now=now, actor=actor)
    check_load(register, complaint, policy, at=at, now=now, actor=actor)
    return complaint_record(register, complaint, policy=policy, now=now)


def record_contact(
    register: Register, no: str, *, via: Channel, summary: str, at: datetime, now: datetime, actor: str, policy: Policy
) -> dict[str, Any]:
    """Write down a contact with the customer. The first one is the first response;
    the first one after resolution reports the outcome."""
    complaint = get_complaint(register, no)
    refuse_closed(complaint, _("record a contact on it"))
    check_event_time(complaint, at, now, tz=policy.tz)
    meets: str | None = None
    values: dict[str, Any] = {}
    if complaint.first_response_at is None:
        meets = Milestone.FIRST_RESPONSE.value
        values["first_response_at"] = at
    elif complaint.status == Status.RESOLVED.value and complaint.feedback_at is None:
        _after_resolution(complaint, at, policy, _("the outcome report"))
        meets = Milestone.FEEDBACK.value
        values["feedback_at"] = at
    changes: dict[str, Any] = {}
    late, met = fire(register, complaint, contact_events(complaint, actor, policy), at, policy, changes)
    if met:
        meets = met[0]
    register.add(
        "contact_entry",
        complaint_id=complaint.id,
        at=at,
        via=via.value,
        actor=actor,
        summary=summary,
        meets=meets,
    )
    changes.update(apply(complaint, **values))
    changes["contact_entry"] = [None, {"via": via.value, "summary": summary}]
    if meets is not None:
        changes["meets"] = [None, meets]
    record(register, complaint, "contacted", changes, at=at, now=now, actor=actor)
    _late(register, complaint, late, now=now, actor=actor)
    return complaint_record(register, complaint, policy=policy, now=now)


def resolve(
    register: Register,
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
    policy: Policy,
) -> dict[str, Any]:
    """Record the solution; with `final`, the supervising leader's decision on an escalated
    case. Starts the outcome-report and follow-up clocks."""
    complaint = get_complaint(register, no)
    refuse_closed(complaint, _("resolve it"))
    if complaint.status == Status.RESOLVED.value:
        raise InvalidTransition(
            _("{no} is already resolved; record the follow-up visit with `complaintctl followup {no}`").format(no=no)
        )
    if final and complaint.escalation_level == 0:
        raise InvalidTransition(
            _("{no} is not escalated; --final records a supervising leader's decision on an escalated case").format(no=no)
        )
    if complaint.escalation_level > 0 and not final:
        raise InvalidTransition(
            _(
                "{no} is escalated to the supervising leader; record the leader's decision with `complaintctl resolve {no} --final --solution ...`"
            ).format(no=no)
        )
    if compensation_cents is not None and compensation_kind is None:
        raise BadInput(_("--compensation needs --compensation-kind (refund, replacement, repair, discount, gift, other)"))
    if complaint.waiting_since is not None:
        raise InvalidTransition(_("{no} is waiting on the customer; `complaintctl resume {no}` first").format(no=no))
    check_event_time(complaint, at, now, tz=policy.tz)
    clock = current_deadline(register, complaint, Milestone.RESOLUTION)
    if complaint.reopen_count and clock is not None and at < clock.started_at:
        raise BadInput(
            _("--at {local} is before {no} was reopened ({local2}); a resolution comes after the reopening it answers").format(
                local=_local(at, policy), no=no, local2=_local(clock.started_at, policy)
            )
        )
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
    changes: dict[str, Any] = apply(complaint, **values)
    late, _met = fire(register, complaint, ("resolved", *(("step:action",) if action is not None else ())), at, policy, changes)
    record(register, complaint, "final_decision" if final else "resolved", changes, at=at, now=now, actor=actor)
    _late(register, complaint, late, now=now, actor=actor)
    tell_receiver(register, complaint, "resolved", at=at, policy=policy)
    return complaint_record(register, complaint, policy=policy, now=now)


def record_followup(
    register: Register,
    no: str,
    *,
    satisfaction: Satisfaction,
    note: str | None,
    method: str | None = None,
    at: datetime,
    now: datetime,
    actor: str,
    policy: Policy,
) -> dict[str, Any]:
    """The follow-up visit. A–C close the case; the first D reopens it (the resolution
    clock restarts), a D on a reopened case escalates it; a case with a leader's final
    decision closes regardless."""
    complaint = get_complaint(register, no)
    refuse_closed(complaint, _("follow it up"))
    if complaint.status != Status.RESOLVED.value:
        raise InvalidTransition(
            _(
                "{no} is {status} ({label}), not resolved; record the solution first with `complaintctl resolve {no} --solution ...`"
            ).format(no=no, status=complaint.status, label=_(Status.of(complaint.status).label))
        )
    check_event_time(complaint, at, now, tz=policy.tz)
    _after_resolution(complaint, at, policy, _("the follow-up visit"))
    changes = apply(complaint, followup_at=at, followup_by=actor, satisfaction=satisfaction, followup_note=note)
    if method:
        changes["method"] = [None, method]
    late, _met = fire(register, complaint, ("followed_up",), at, policy, changes)
    record(register, complaint, "followed_up", changes, at=at, now=now, actor=actor)
    _late(register, complaint, late, now=now, actor=actor)
    every = tuple(m.key for m in policy.rules.milestones)

    if satisfaction != Satisfaction.D or complaint.final_decision:
        # Closing now: a first response or outcome report never made can no longer be.
        late, _met = fire(register, complaint, ("closed",), at, policy, changes)
        _late(register, complaint, late, now=now, actor=actor)
        end_open_deadlines(register, complaint, at=at, now=now, actor=actor, cannot_be_met=every)
        changes = apply(complaint, status=Status.CLOSED, closed_at=at)
        record(register, complaint, "closed", changes, at=at, now=now, actor=actor)
        outcome = "closed"
    else:
        # The round that ended in a D is over: what it still asked for is missed.
        round_bound = tuple(m.key for m in policy.rules.milestones if {"resolved", "reopened", "escalated"} & set(m.start))
        end_open_deadlines(register, complaint, at=at, now=now, actor=actor, milestones=round_bound, cannot_be_met=round_bound)
        if complaint.reopen_count == 0:
            outcome, reason = "reopened", label(N_("客户不满意 (D)"))
            changes = apply(complaint, status=Status.ASSIGNED, reopen_count=1, resolved_at=None, feedback_at=None)
        else:
            outcome, reason = "escalated", label(N_("重新处理后仍不满意 (D)"))
            changes = apply(
                complaint,
                status=Status.ASSIGNED,
                escalation_level=complaint.escalation_level + 1,
                resolved_at=None,
                feedback_at=None,
            )
        fire(register, complaint, (outcome,), at, policy, changes)
        record(register, complaint, outcome, changes, at=at, now=now, actor=actor, reason=reason)
        if outcome == "escalated":
            tell_receiver(register, complaint, "escalated", at=at, policy=policy)
    return {**complaint_record(register, complaint, policy=policy, now=now), "outcome": outcome}


def _local(at: datetime, policy: Policy) -> str:
    return f"{at.astimezone(policy.tz):%Y-%m-%d %H:%M}"


def _after_resolution(complaint: Entity, at: datetime, policy: Policy, step: str) -> None:
    if complaint.resolved_at is not None and at < complaint.resolved_at:
        raise BadInput(
            _("--at {local} is before {no} was resolved ({local2}); {step} comes after the resolution").format(
                local=_local(at, policy), no=complaint.no, local2=_local(complaint.resolved_at, policy), step=step
            )
        )


def extend(
    register: Register,
    no: str,
    *,
    to: datetime,
    reason: str,
    at: datetime,
    now: datetime,
    actor: str,
    policy: Policy,
    late: bool = False,
) -> dict[str, Any]:
    """The customer was told in advance that the resolution will be late: the new
    time becomes the target, recorded with its reason. After the target has passed, only
    `late` records it: the miss stays counted, and the new target runs from then on."""
    complaint = get_complaint(register, no)
    refuse_closed(complaint, _("extend it"))
    if complaint.status == Status.RESOLVED.value:
        raise InvalidTransition(_("{no} is already resolved; nothing to extend").format(no=no))
    check_event_time(complaint, at, now, tz=policy.tz)
    deadline = current_deadline(register, complaint, Milestone.RESOLUTION)
    if deadline is None or deadline.state != "open":
        raise InvalidTransition(_("{no} has no running resolution deadline to extend").format(no=no))
    old = deadline.due_at
    passed = old is not None and old < at
    if passed and not late:
        raise InvalidTransition(
            _(
                "{no}: the resolution target {value} passed before {local}; an extension is agreed with the customer in advance. To record one made after the fact, add --late: the miss stays counted against the department"
            ).format(no=no, value=_local(old, policy) if old else "-", local=_local(at, policy))
        )
    if late and not passed:
        raise BadInput(
            _("--late: {no}'s target {value} has not passed; extend without --late").format(
                no=no, value=_local(old, policy) if old else "-"
            )
        )
    if to <= at:
        raise BadInput(_("--to {to} is not later than now; give the new expected time").format(to=_local(to, policy)))
    if old is not None and to <= old:
        raise BadInput(
            _("--to {to} is not later than the current target {target}").format(to=_local(to, policy), target=_local(old, policy))
        )
    if late:
        assert old is not None
        if not deadline.breach_recorded:
            record_breach(register, complaint, deadline, now=now, actor=actor)
        deadline.missed_at = deadline.missed_at or old
        deadline.breach_recorded = False  # missing the new target is written down too (counted once)
    deadline.due_at = to
    deadline.extended = True
    deadline.provisional = False
    deadline.explanation = term(
        N_("extended after it passed by {actor} on {at}: {reason}") if late else N_("extended by {actor} on {at}: {reason}"),
        actor=actor,
        at=f"{at.astimezone(policy.tz):%Y-%m-%d %H:%M}",
        reason=reason,
    )
    changes: dict[str, Any] = {"due.resolution": [plain(old), plain(to)]}
    if late:
        changes["late_extension"] = [None, plain(old)]
    record(register, complaint, "extended", changes, at=at, now=now, actor=actor, reason=reason)
    return complaint_record(register, complaint, policy=policy, now=now)


def wait(register: Register, no: str, *, reason: str, at: datetime, now: datetime, actor: str, policy: Policy) -> dict[str, Any]:
    """Waiting on the customer (evidence, a decision): the resolution clock stops."""
    complaint = get_complaint(register, no)
    refuse_closed(complaint, "wait on it")
    if complaint.status == Status.RESOLVED.value:
        raise InvalidTransition(_("{no} is resolved; its resolution clock has stopped already").format(no=no))
    if complaint.waiting_since is not None:
        raise InvalidTransition(
            _("{no} is already waiting since {astimezone:%Y-%m-%d %H:%M}; `complaintctl resume {no}` ends it").format(
                no=no, astimezone=complaint.waiting_since.astimezone(policy.tz)
            )
        )
    check_event_time(complaint, at, now, tz=policy.tz)
    changes = apply(complaint, waiting_since=at)
    record(register, complaint, "waiting", changes, at=at, now=now, actor=actor, reason=reason)
    return complaint_record(register, complaint, policy=policy, now=now)


def resume(register: Register, no: str, *, at: datetime, now: datetime, actor: str, policy: Policy) -> dict[str, Any]:
    """The customer answered: the resolution clock runs again, its deadline moved by the
    working time spent waiting."""
    complaint = get_complaint(register, no)
    refuse_closed(complaint, "resume it")
    if complaint.waiting_since is None:
        raise InvalidTransition(
            _("{no} is not waiting on the customer; `complaintctl wait {no} --reason ...` starts a wait").format(no=no)
        )
    check_event_time(complaint, at, now, tz=policy.tz)
    if at < complaint.waiting_since:
        raise BadInput(_("--at is before the wait began"))
    since = complaint.waiting_since
    changes: dict[str, Any] = apply(complaint, waiting_since=None)
    deadline = current_deadline(register, complaint, Milestone.RESOLUTION)
    why = None
    if deadline is not None and deadline.state == "open" and deadline.due_at is not None:
        moved, why = policy_rules.resume_shift(deadline.due_at, since, at, calendar=policy.calendar, tz=policy.tz)
        deadline.paused_seconds += policy.calendar.working_seconds_between(since, at, policy.tz)
        if moved != deadline.due_at:
            changes["due.resolution"] = [plain(deadline.due_at), plain(moved)]
            deadline.due_at = moved
        deadline.explanation = extended(deadline.explanation, why)
    record(register, complaint, "resumed", changes, at=at, now=now, actor=actor, reason=why)
    return complaint_record(register, complaint, policy=policy, now=now)


def close(register: Register, no: str, *, reason: str, at: datetime, now: datetime, actor: str, policy: Policy) -> dict[str, Any]:
    """Close without resolution: duplicate, withdrawn, or unreasonable after explanation."""
    complaint = get_complaint(register, no)
    refuse_closed(complaint, "close it again")
    check_event_time(complaint, at, now, tz=policy.tz)
    # Closed by decision (duplicate, withdrawn, 非合理投诉): what was not yet due is no longer
    # asked for; what had already passed stays missed.
    changes: dict[str, Any] = {}
    late, _met = fire(register, complaint, ("closed",), at, policy, changes)
    _late(register, complaint, late, now=now, actor=actor)
    end_open_deadlines(register, complaint, at=at, now=now, actor=actor)
    changes.update(apply(complaint, status=Status.CLOSED, closed_at=at, close_reason=reason, waiting_since=None))
    record(register, complaint, "closed", changes, at=at, now=now, actor=actor, reason=reason)
    return complaint_record(register, complaint, policy=policy, now=now)


def edit(
    register: Register,
    no: str,
    *,
    values: dict[str, Any],
    declared: dict[str, str | None],
    reason: str,
    at: datetime,
    now: datetime,
    actor: str,
    policy: Policy,
) -> dict[str, Any]:
    """Correct what was typed wrong: built-in fields the registry marks editable, and the
    fields the office's rules declare (None clears one). Old and new values and the reason
    go into the history; classification is not re-run (`classify NO` does that)."""
    complaint = get_complaint(register, no)
    check_event_time(complaint, at, now, tz=policy.tz)
    for name in values:
        if not fields.BY_NAME[name].editable:
            raise BadInput(_("{label} is not corrected with edit; its own command changes it").format(label=fields.label(name)))
    changes: dict[str, Any] = apply(complaint, **values)
    for key, value in declared.items():
        row = register.entity("complaint_field", "complaint_field_of", key_complaint_id=complaint.id, key_key=key)
        old = row.value if row is not None else None
        if old == value:
            continue
        if row is not None and value is None:
            register.delete(row)
        elif row is not None and value is not None:
            row.value = value
        elif value is not None:
            register.add("complaint_field", complaint_id=complaint.id, key=key, value=value)
        changes[f"field.{key}"] = [old, value]
    if not changes:
        raise BadInput(_("{no} already has these values; nothing to correct").format(no=no))
    record(register, complaint, "edited", changes, at=at, now=now, actor=actor, reason=reason)
    return complaint_record(register, complaint, policy=policy, now=now)


def _rank(severity: str) -> int:
    return [s.value for s in Severity].index(severity)
