"""The reporting calendar (seed 002 统计分析制度): the reports each unit of the office sends
up, recorded as sent, and those still owed. On the lean path: `overdue` asks every morning."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..dbapi import Register
    from ..rules import Policy


def report_reminders(register: Register, *, today: date, policy: Policy) -> list[Any]:
    """The reports the office's units still owe as of `today` (the reporting calendar)."""
    from ..rules import report_reminders as owed

    rules = policy.rules
    if not rules.units:
        return []
    since = f"{today.year - 1:04d}"
    submitted = {(unit, kind, period) for unit, kind, period, _at in register.tuples("report_submissions_since", since=since)}
    return owed(rules.units, rules.report_due, rules.analysis_due, today, submitted)


def submit_report(register: Register, *, unit: str, kind: str, period: str, now: datetime, actor: str) -> dict[str, Any]:
    """Record a unit's report as sent up; once (a second time says when it was)."""
    found = register.tuples("report_submission_of", unit=unit, kind=kind, period=period)
    if found:
        return {"unit": unit, "kind": kind, "period": period, "submitted_at": found[0][0], "actor": found[0][1], "new": False}
    register.add("report_submission", unit=unit, kind=kind, period=period, submitted_at=now, actor=actor)
    return {"unit": unit, "kind": kind, "period": period, "submitted_at": now, "actor": actor, "new": True}
