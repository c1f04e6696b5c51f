"""The steps of the office's procedure beyond the lifecycle: a named step (a written
report, a verification, the department's reply to the front desk), the corrective and
preventive action and its review, the handling plan and its approval, an escalation on
demand. Each is one entry in the case's history and fires its event (step:KEY), which
meets the milestones it stops."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from ..dbapi import Entity, Register
from ..domain import Status
from ..errors import BadInput, InvalidTransition, NotPermitted
from ..i18n import _
from ..rules import Policy
from .common import apply, check_event_time, event_times, fire, get_complaint, record, record_breach, refuse_closed
from .reading import complaint_record


def _step(
    register: Register,
    complaint: Entity,
    key: str,
    changes: dict[str, Any],
    *,
    at: datetime,
    now: datetime,
    actor: str,
    policy: Policy,
    reason: str | None = None,
) -> None:
    changes = {"step": [None, key], **changes}
    late, _met = fire(register, complaint, (f"step:{key}",), at, policy, changes)
    record(register, complaint, "step", changes, at=at, now=now, actor=actor, reason=reason)
    for deadline in late:
        record_breach(register, complaint, deadline, now=now, actor=actor)


def record_step(
    register: Register,
    no: str,
    key: str,
    *,
    note: str | None,
    parts: dict[str, str] | None = None,
    at: datetime,
    now: datetime,
    actor: str,
    policy: Policy,
) -> dict[str, Any]:
    """Record that a declared step was done; a step whose written text has required parts
    (the outcome report's 事实经过, 处理结果 ...) is refused while one is missing."""
    procedures = policy.rules.procedures
    assert procedures is not None
    if key not in procedures.steps:
        raise BadInput(
            _("{key!r} is not a step of the office's procedure; steps: {steps}").format(
                key=key, steps=", ".join(f"{k} ({policy.rules.step_label(k)})" for k in procedures.steps)
            )
        )
    complaint = get_complaint(register, no)
    refuse_closed(complaint, _("record a step on it"))
    check_event_time(complaint, at, now, tz=policy.tz)
    changes: dict[str, Any] = {}
    required = procedures.step_parts.get(key, ())
    given = parts or {}
    missing = [part for part in required if not (given.get(part) or "").strip()]
    if missing:
        raise BadInput(
            _("{step} needs its parts {parts}; add --part NAME=TEXT for each").format(
                step=policy.rules.step_label(key), parts=", ".join(missing)
            )
        )
    unknown = [part for part in given if required and part not in required]
    if unknown:
        raise BadInput(
            _("{parts} is not a part of {step}; its parts are {known}").format(
                parts=", ".join(unknown), step=policy.rules.step_label(key), known=", ".join(required)
            )
        )
    if given:
        changes["parts"] = [None, given]
    if note:
        changes["note"] = [None, note]
    _step(register, complaint, key, changes, at=at, now=now, actor=actor, policy=policy)
    return complaint_record(register, complaint, policy=policy, now=now)


def file_action(
    register: Register,
    no: str,
    *,
    corrective: str | None,
    preventive: str | None,
    owner: str | None,
    at: datetime,
    now: datetime,
    actor: str,
    policy: Policy,
) -> dict[str, Any]:
    """File the corrective and preventive action record (纠正及预防措施记录, seed 002 §4.2.2)."""
    if not (corrective or "").strip():
        raise BadInput(_("--corrective is empty; say what was done to correct the cause"))
    complaint = get_complaint(register, no)
    check_event_time(complaint, at, now, tz=policy.tz)
    changes = apply(complaint, corrective_action=corrective.strip() if corrective else None)
    if preventive:
        changes["preventive"] = [None, preventive]
    if owner:
        changes["owner"] = [None, owner]
    _step(register, complaint, "action", changes, at=at, now=now, actor=actor, policy=policy)
    return complaint_record(register, complaint, policy=policy, now=now)


def approve(
    register: Register,
    no: str,
    key: str,
    *,
    refused: Callable[[], str | None],
    note: str | None,
    at: datetime,
    now: datetime,
    actor: str,
    policy: Policy,
) -> dict[str, Any]:
    """Approve what was filed (the corrective action: action_approved; the plan:
    plan_approved) by a role the rules name for it."""
    why = refused()
    if why:
        raise NotPermitted(why)
    complaint = get_complaint(register, no)
    check_event_time(complaint, at, now, tz=policy.tz)
    filed = key.removesuffix("_approved")
    if f"step:{filed}" not in event_times(register, complaint):
        raise InvalidTransition(
            _("{no} has no {step} to approve yet; it is filed first").format(no=no, step=policy.rules.step_label(filed))
        )
    changes: dict[str, Any] = {}
    if note:
        changes["note"] = [None, note]
    _step(register, complaint, key, changes, at=at, now=now, actor=actor, policy=policy)
    return complaint_record(register, complaint, policy=policy, now=now)


def plan(
    register: Register,
    no: str,
    *,
    steps: str,
    at: datetime,
    now: datetime,
    actor: str,
    policy: Policy,
) -> dict[str, Any]:
    """The handling plan (处理方案, seed 002 四.2): approved by the 主管领导 and agreed by the
    customer before acting."""
    if not steps.strip():
        raise BadInput(_("--steps is empty; write the plan's steps"))
    complaint = get_complaint(register, no)
    refuse_closed(complaint, _("plan it"))
    check_event_time(complaint, at, now, tz=policy.tz)
    _step(register, complaint, "plan", {"steps": [None, steps.strip()]}, at=at, now=now, actor=actor, policy=policy)
    return complaint_record(register, complaint, policy=policy, now=now)


def escalate(
    register: Register,
    no: str,
    *,
    level: str,
    reason: str,
    at: datetime,
    now: datetime,
    actor: str,
    policy: Policy,
) -> dict[str, Any]:
    """Escalate the case now to a level the rules name (网点负责人应立即出面): its number goes
    up, the escalated event fires (the resolution clock restarts for the new level) and
    whoever holds the level and the receiver are told."""
    procedures = policy.rules.procedures
    assert procedures is not None
    levels = procedures.escalation_levels
    if level not in levels:
        raise BadInput(_("{level!r} is not an escalation level; levels: {levels}").format(level=level, levels=", ".join(levels)))
    if not reason.strip():
        raise BadInput(_("--reason is empty; say why the case goes up"))
    complaint = get_complaint(register, no)
    refuse_closed(complaint, _("escalate it"))
    if complaint.status == Status.RESOLVED.value:
        raise InvalidTransition(_("{no} is resolved; a D at the follow-up visit escalates it").format(no=no))
    check_event_time(complaint, at, now, tz=policy.tz)
    number = levels.index(level) + 1
    if number <= complaint.escalation_level:
        raise InvalidTransition(
            _("{no} is at {current} already; escalate to a higher level").format(
                no=no, current=levels[complaint.escalation_level - 1]
            )
        )
    changes = apply(complaint, escalation_level=number)
    changes["level"] = [None, level]
    late, _met = fire(register, complaint, ("escalated",), at, policy, changes)
    record(register, complaint, "escalated", changes, at=at, now=now, actor=actor, reason=reason)
    for deadline in late:
        record_breach(register, complaint, deadline, now=now, actor=actor)
    tell_receiver(register, complaint, "escalated", at=at, policy=policy, extra=(level,))
    return complaint_record(register, complaint, policy=policy, now=now)


def tell_receiver(
    register: Register, complaint: Any, event: str, *, at: datetime, policy: Policy, extra: tuple[str, ...] = ()
) -> None:
    """Queue the news for the case's first-contact owner (and whoever else the rules name
    under [notify] receiver, plus the escalation level's holders)."""
    procedures = policy.rules.procedures
    targets = tuple(dict.fromkeys((*(procedures.notify["receiver"] if procedures else ()), *extra)))
    if not targets:
        return
    from .notify import queue

    title = (
        _("{no} was resolved").format(no=complaint.no) if event == "resolved" else _("{no} was escalated").format(no=complaint.no)
    )
    queue(
        register,
        complaint,
        kind="receiver",
        key=f"{event}:{complaint.id}:{at.isoformat()}",
        targets=targets,
        title=title,
        body=f"{complaint.no} {complaint.subject or ''}".strip(),
        at=at,
        about={"event": event},
    )
