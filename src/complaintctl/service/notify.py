"""Alerts that reach people: the escalation ladders' steps, breaches, load alerts and the
receiver's news, sent through Apprise to the destinations the office rules give its
people, positions and departments.

Three stages, so that no transaction is open while a message is on the wire: `due`
(read-only) lists what should have gone out by now and has not; `claim` (a short write)
takes each message for this run, once — a key another run holds is skipped; after the
sends, `settle` (a short write) records each outcome and, for a sent one, who was told
and through which channel in the case's history. A run killed mid-send leaves its claims
`sending`; after STALE they are claimed again and sent as a retry.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from .. import rules as policy_rules
from ..dbapi import Register
from ..i18n import _
from ..reasons import shown
from ..rules import Policy

STALE = timedelta(minutes=2)


@dataclass
class Message:
    """One message to one target (as the office rules name them) about one thing."""

    key: str
    kind: str  # ladder | breach | alert | receiver
    target: str
    title: str
    body: str
    due_at: datetime
    complaint_id: int | None = None
    no: str | None = None
    about: dict[str, Any] = field(default_factory=dict)  # what the history records
    case: dict[str, Any] = field(default_factory=dict)  # receiver, assignee, department
    attempt: int = 0
    id: int | None = None


def _case(row: Any) -> dict[str, Any]:
    return {"receiver": row.receiver, "assignee": row.assignee, "department": row.department}


def _whom(target: str, case: dict[str, Any]) -> str:
    """The case's receiver, assignee or department by name; any other target as named."""
    return str(case.get(target) or "") if target in ("receiver", "assignee", "department") else target


def due(register: Register, *, now: datetime, policy: Policy, overdue: list[dict[str, Any]] | None = None) -> list[Message]:
    """What should have gone out by `now` and has not: ladder steps that came due on open
    milestones, breaches and load alerts when the rules name whom to tell, and what waits
    in the queue (the receiver's news, failed sends). Read-only."""
    rules = policy.rules
    procedures = rules.procedures
    assert procedures is not None
    out: list[Message] = []
    laddered = {m.key: m for m in rules.milestones if m.ladder}
    if laddered:
        for row in register.rows("ladder_candidates", milestones=list(laddered)):
            milestone = laddered[row.milestone]
            for index, (step, step_due) in enumerate(
                zip(milestone.ladder, policy_rules.ladder_due(milestone, row.started_at, policy)), 1
            ):
                if step_due > now:
                    break
                subject = row.subject or (row.content or "").splitlines()[0][:40]
                for target in filter(None, (_whom(t, _case(row)) for t in step.notify)):
                    out.append(
                        Message(
                            key=f"ladder:{row.deadline_id}:{index}:{target}",
                            kind="ladder",
                            target=target,
                            title=_("{no} {milestone}: escalation step {step} ({after})").format(
                                no=row.no,
                                milestone=rules.milestone_label(row.milestone),
                                step=index,
                                after=shown(step.after.term),
                            ),
                            body=_message_body(row.no, subject, rules.milestone_label(row.milestone), row.due_at, row, policy),
                            due_at=step_due,
                            complaint_id=row.complaint_id,
                            no=row.no,
                            about={"milestone": row.milestone, "step": index, "after": str(step.after)},
                            case=_case(row),
                        )
                    )
    for item in overdue or () if procedures.notify["breach"] else ():
        if item["state"] != "overdue":
            continue
        case = {"receiver": item.get("receiver"), "assignee": item["assignee"], "department": item["department"]}
        for target in filter(None, (_whom(t, case) for t in procedures.notify["breach"])):
            out.append(
                Message(
                    key=f"breach:{item['deadline_id']}:{target}",
                    kind="breach",
                    target=target,
                    title=_("{no} {milestone} is overdue").format(
                        no=item["no"], milestone=rules.milestone_label(item["milestone"])
                    ),
                    body=_message_body(
                        item["no"], item["subject"], rules.milestone_label(item["milestone"]), item["due_at"], item, policy
                    ),
                    due_at=item["due_at"],
                    complaint_id=item["complaint_id"],
                    no=item["no"],
                    about={"milestone": item["milestone"]},
                    case={"receiver": item.get("receiver"), "assignee": item["assignee"], "department": item["department"]},
                )
            )
    if procedures.notify["alert"]:
        from .overdue import active_alerts

        for alert in active_alerts(register, at=now, policy=policy):
            for target in procedures.notify["alert"]:
                out.append(
                    Message(
                        key=f"alert:{alert['kind']}:{alert['subject']}:{alert['at'].isoformat()}:{target}",
                        kind="alert",
                        target=target,
                        title=_("load alert: {subject} drew {count} complaints within {window}").format(**alert),
                        body=_("load alert: {subject} drew {count} complaints within {window}").format(**alert),
                        due_at=alert["at"],
                        no=alert["no"],
                        about={"alert": alert["subject"]},
                    )
                )
    states: dict[str, tuple[str, int]] = {}
    keys = [m.key for m in out]
    for chunk in range(0, len(keys), 500):
        for key, state, attempts in register.tuples("notification_states", keys=keys[chunk : chunk + 500]):
            states[key] = (state, attempts)
    wanted = [m for m in out if states.get(m.key, ("failed", 0))[0] in ("failed", "pending", "sending")]
    for row in register.rows("notifications_queued"):
        if row.key in {m.key for m in wanted}:
            continue
        about = json.loads(row.body.split("\n\x1e", 1)[1]) if "\n\x1e" in row.body else {}
        wanted.append(
            Message(
                key=row.key,
                kind=row.kind,
                target=row.target,
                title=row.title,
                body=row.body.split("\n\x1e", 1)[0],
                due_at=row.due_at,
                complaint_id=row.complaint_id,
                no=row.no,
                about=about.get("about", {}),
                case=about.get("case", {}),
            )
        )
    return wanted


def _message_body(no: str, subject: str, milestone: str, due_at: datetime | None, case: Any, policy: Policy) -> str:
    get = case.get if isinstance(case, dict) else (lambda name: getattr(case, name))
    lines = [
        f"{no} {subject}",
        _("{milestone} due {due}").format(
            milestone=milestone, due=f"{due_at.astimezone(policy.tz):%Y-%m-%d %H:%M}" if due_at else "-"
        ),
    ]
    who = " / ".join(v for v in (get("department"), get("assignee")) if v)
    if who:
        lines.append(who)
    return "\n".join(lines)


def queue(
    register: Register,
    complaint: Any,
    *,
    kind: str,
    key: str,
    targets: tuple[str, ...],
    title: str,
    body: str,
    at: datetime,
    about: dict[str, Any],
) -> None:
    """Put a message in the queue, in the transaction of the event it tells of; the next
    `overdue --notify` sends it (or `list --mine` shows it to one who has no destination)."""
    case = {"receiver": complaint.receiver, "assignee": complaint.assignee, "department": complaint.department}
    extra = "\n\x1e" + json.dumps({"about": about, "case": case}, ensure_ascii=False)
    for target in targets:
        if target in ("receiver", "assignee", "department"):
            target = case[target] or ""  # the case's own, by name: `list --mine` finds it
            if not target:
                continue
        register.execute(
            "notification_insert",
            key=f"{key}:{target}",
            complaint_id=complaint.id,
            kind=kind,
            target=target,
            title=title,
            body=body + extra,
            due_at=at,
            state="pending",
            attempts=0,
            claimed_at=None,
            sent_at=None,
            channel=None,
            error=None,
        )


def claim(register: Register, messages: list[Message], *, now: datetime) -> list[Message]:
    """Take the messages for this run, each once: a key no run has taken is added as being
    sent; a failed, queued or stale one is taken again (its attempt counted). A key another
    run holds is left out. A short write transaction, committed before anything is sent."""
    mine = []
    for message in messages:
        taken = register.execute(
            "notification_claim_new",
            key=message.key,
            complaint_id=message.complaint_id,
            kind=message.kind,
            target=message.target,
            title=message.title,
            body=message.body,
            due_at=message.due_at,
            claimed_at=now,
        )
        if taken:
            message.id, message.attempt = taken[0][0], 1
            mine.append(message)
            continue
        again = register.execute("notification_reclaim", key=message.key, now=now, stale=now - STALE)
        if again:
            message.id, message.attempt = again[0][0], again[0][1]
            mine.append(message)
    return mine


def destinations(target: str, case: dict[str, Any], policy: Policy) -> list[str]:
    """The Apprise URLs a target reaches: a person's, a position's (and its holders'),
    a department's (else its people's); receiver/assignee/department are the case's."""
    rules = policy.rules
    procedures = rules.procedures
    assert procedures is not None
    name = case.get(target) or "" if target in ("receiver", "assignee", "department") else target
    if not name:
        return []
    urls: list[str] = []
    person = rules.find_person(name)
    if person is not None:
        urls += person.reach
    for key, (label, reach) in procedures.roles.items():
        if name in (key, label):
            urls += reach
            urls += [u for p in rules.people if key in p.roles for u in p.reach]
    if name in ("clerk", "handler", "leader", "manager", "auditor"):
        urls += [u for p in rules.people if name in p.roles for u in p.reach]
    department = rules.find_department(name) if person is None else None
    if department is not None:
        urls += department.reach or tuple(u for p in rules.people if p.department == department.name for u in p.reach)
    return list(dict.fromkeys(urls))


def channel_of(urls: list[str]) -> str:
    """The destinations' kinds, as the history records them (never the URL: it carries tokens)."""
    return ",".join(dict.fromkeys(url.split("://", 1)[0] for url in urls))


def send(messages: list[Message], policy: Policy) -> list[tuple[Message, str, str, str | None]]:
    """Send each claimed message; (message, state, channel, error) each. Apprise is imported
    only here, when something is due."""
    results: list[tuple[Message, str, str, str | None]] = []
    notifier = None
    for message in messages:
        urls = destinations(message.target, message.case, policy)
        if not urls:
            results.append((message, "unreachable", "", None))
            continue
        if notifier is None:
            import apprise

            notifier = apprise
        sender = notifier.Apprise()
        for url in urls:
            sender.add(url)
        error: str | None = None
        try:
            ok = sender.notify(title=message.title, body=message.body)
        except Exception as exc:  # a destination's library failing must not stop the others
            ok, error = False, f"{type(exc).__name__}: {exc}"
        else:
            error = None if ok else _("the destination did not accept it")
        results.append((message, "sent" if ok else "failed", channel_of(urls), error))
    return results


def settle(register: Register, results: list[tuple[Message, str, str, str | None]], *, now: datetime, actor: str) -> None:
    """Record each send's outcome; a sent message goes into its case's history: who was
    told, when, through which channel, and whether it was a retry."""
    from .common import record

    for message, state, channel, error in results:
        register.execute(
            "notification_done",
            id=message.id,
            state=state,
            sent_at=now if state == "sent" else None,
            channel=channel or None,
            error=error,
        )
        if state != "sent" or message.complaint_id is None:
            continue
        complaint = register.entity("complaint", "complaint_by_id", id=message.complaint_id)
        if complaint is None:
            continue
        told = {"kind": message.kind, "to": message.target, "channel": channel, **message.about}
        if message.attempt > 1:
            told["retry"] = message.attempt - 1
        record(register, complaint, "notified", {"notified": [None, told]}, at=now, now=now, actor=actor)


def unreached(register: Register, names: list[str]) -> list[dict[str, Any]]:
    """The receiver's news for people who have no destination, shown once (at their next
    `list --mine` or shell start) and then marked shown."""
    rows = register.rows("notifications_unreached", names=names) if names else []
    if rows:
        register.execute("notifications_shown", ids=[row.id for row in rows])
    return [{"no": row.no, "title": row.title, "at": row.due_at} for row in rows]
