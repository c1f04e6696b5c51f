"""The statements the commands staff type run, each defined once in SQLAlchemy Core over
the schema's tables (models.py), and the generator of statements_sql.py from them.

Importing SQLAlchemy costs more than the work of a one-shot command, so those commands
do not run these objects: they run the SQL compiled from them, per dialect, with the
parameters' and columns' kinds, through the DB-API driver (dbapi.py). Regenerate after
changing a statement or the schema; tests/test_statements.py fails while the committed
module differs from what this one compiles:

    .venv/bin/python -m complaintctl.statements          # rewrite statements_sql.py
    .venv/bin/python -m complaintctl.statements --check  # exit 1 if it is stale

A statement whose WHERE clause a command assembles (list's filters) is compiled as a
template whose `__WHERE__` the runtime replaces with compiled FRAGMENTS joined by AND.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    Integer,
    String,
    and_,
    bindparam,
    case,
    column,
    delete,
    exists,
    func,
    insert,
    literal_column,
    null,
    or_,
    select,
    table,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql import ColumnElement
from sqlmodel.sql.sqltypes import UTCDateTime

from . import models

complaint = models.Complaint.__table__  # type: ignore[attr-defined]
deadline = models.Deadline.__table__  # type: ignore[attr-defined]
contact_entry = models.ContactEntry.__table__  # type: ignore[attr-defined]
history_entry = models.HistoryEntry.__table__  # type: ignore[attr-defined]
alert = models.Alert.__table__  # type: ignore[attr-defined]
complaint_field = models.ComplaintField.__table__  # type: ignore[attr-defined]
register_setting = models.RegisterSetting.__table__  # type: ignore[attr-defined]
chain_head = models.ChainHead.__table__  # type: ignore[attr-defined]
year_counter = models.YearCounter.__table__  # type: ignore[attr-defined]
stored_figures = models.StoredFigures.__table__  # type: ignore[attr-defined]
attachment = models.Attachment.__table__  # type: ignore[attr-defined]
notification = models.Notification.__table__  # type: ignore[attr-defined]
report_submission = models.ReportSubmission.__table__  # type: ignore[attr-defined]
# The tables the writes of the lean path add rows to and change (dbapi.Entity).
WRITTEN = (
    complaint,
    deadline,
    contact_entry,
    history_entry,
    alert,
    complaint_field,
    chain_head,
    attachment,
    notification,
    report_submission,
)
# alembic's own table: the schema version of the register.
alembic_version = table("alembic_version", column("version_num", String))

_INSTANT = UTCDateTime()
_OPEN: ColumnElement[Any] = literal_column(
    "'open'"
)  # a literal, not a parameter: SQLite then uses the partial index on open deadlines


def _ids() -> Any:
    return bindparam("ids", type_=Integer(), expanding=True)


def _running_deadline(bound: str, strict: bool) -> ColumnElement[bool]:
    """An open deadline of the complaint due before the instant bound as `bound`, not
    paused by a wait for the customer."""
    due = (
        deadline.c.due_at < bindparam(bound, type_=_INSTANT) if strict else deadline.c.due_at <= bindparam(bound, type_=_INSTANT)
    )
    return exists().where(
        deadline.c.complaint_id == complaint.c.id,
        deadline.c.state == _OPEN,
        due,
        or_(deadline.c.milestone != bindparam("resolution"), complaint.c.waiting_since.is_(None)),
    )


_NOT_CLOSED: ColumnElement[Any] = literal_column("complaint.status != 'closed'")


def _column_is(name: str) -> ColumnElement[bool]:
    return complaint.c[name] == bindparam(name)  # type: ignore[no-any-return]


_WHERE: ColumnElement[Any] = literal_column("__WHERE__")


def _values(written: Any) -> dict[str, Any]:
    """Every column but a generated id, as a parameter of its own name and type."""
    return {c.name: bindparam(c.name, type_=c.type) for c in written.c if c is not written.autoincrement_column}


def _insert(written: Any) -> Any:
    """A row added with every column given; the generated id returned."""
    statement = insert(written).values(_values(written))
    generated = written.autoincrement_column
    return statement.returning(generated) if generated is not None else statement


def _key_is(written: Any) -> Any:
    return [c == bindparam(f"key_{c.name}", type_=c.type) for c in written.primary_key.columns]


def _update(written: Any) -> Any:
    """A row rewritten whole, found by its primary key (parameters `key_<column>`)."""
    values = {k: v for k, v in _values(written).items() if not written.c[k].primary_key}
    return update(written).where(*_key_is(written)).values(values)


def _year_counter_created() -> dict[str, Any]:
    # The same SQL on both engines, but each dialect compiles only its own construct.
    return {
        name: dialect_module.insert(year_counter)
        .values(year=bindparam("year", type_=Integer()), last_seq=0)
        .on_conflict_do_nothing(index_elements=["year"])
        for name, dialect_module in (("sqlite", sqlite), ("postgresql", postgresql))
    }


def _figures_key_is() -> list[Any]:
    return [stored_figures.c[name] == bindparam(name) for name in ("period", "scope")]


def _claim_new() -> dict[str, Any]:
    """A notification added as being sent by this run, unless its key is there already
    (another run claimed it): then nothing is added and no id comes back."""
    values: dict[str, Any] = {
        name: bindparam(name, type_=notification.c[name].type)
        for name in ("key", "complaint_id", "kind", "target", "title", "body", "due_at", "claimed_at")
    }
    values["state"] = literal_column("'sending'")
    values["attempts"] = literal_column("1")
    return {
        dialect: module.insert(notification)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(notification.c.id)
        for dialect, module in (("sqlite", sqlite), ("postgresql", postgresql))
    }


def _received_within(column_name: str) -> Any:
    """How many complaints with this value of the column were received in [since, until]."""
    return (
        select(func.count())
        .select_from(complaint)
        .where(
            complaint.c[column_name] == bindparam("value"),
            complaint.c.received_date >= bindparam("since_date", type_=Date()),
            complaint.c.received_at >= bindparam("since", type_=_INSTANT),
            complaint.c.received_at <= bindparam("until", type_=_INSTANT),
        )
    )


# name → the statement. Parameters are named; `ids` and `statuses` take lists.
STATEMENTS: dict[str, Callable[[], Any]] = {
    "schema_version": lambda: select(alembic_version.c.version_num),
    "register_setting": lambda: select(register_setting.c.value).where(register_setting.c.key == bindparam("key")),
    "complaint_by_no": lambda: select(complaint).where(complaint.c.no == bindparam("no")),
    "complaint_no_of": lambda: select(complaint.c.no).where(complaint.c.id == bindparam("id")),
    "linked_nos": lambda: select(complaint.c.no).where(complaint.c.incident_id == bindparam("id")).order_by(complaint.c.id),
    "deadlines_of": lambda: select(deadline).where(deadline.c.complaint_id.in_(_ids())).order_by(deadline.c.id),
    "contacts_of": lambda: (
        select(contact_entry)
        .where(contact_entry.c.complaint_id == bindparam("id"))
        .order_by(contact_entry.c.at, contact_entry.c.id)
    ),
    "history_of": lambda: (
        select(history_entry).where(history_entry.c.complaint_id == bindparam("id")).order_by(history_entry.c.id)
    ),
    "declared_fields_of": lambda: select(complaint_field).where(complaint_field.c.complaint_id.in_(_ids())),
    # The morning check: open milestones due by `soon_until`, with their cases (the status
    # is checked in Python: given a condition on it, SQLite starts from the status index,
    # every open case, instead of the open-deadline index, only what is due).
    "overdue_candidates": lambda: (
        select(
            deadline.c.id,
            deadline.c.milestone,
            deadline.c.due_at,
            deadline.c.provisional,
            deadline.c.breach_recorded,
            complaint.c.id.label("complaint_id"),
            complaint.c.no,
            complaint.c.status,
            complaint.c.department,
            complaint.c.assignee,
            complaint.c.severity,
            complaint.c.priority,
            complaint.c.customer_name,
            complaint.c.subject,
            case((or_(complaint.c.subject.is_(None), complaint.c.subject == ""), complaint.c.content)).label("content"),
        )
        .join(complaint, complaint.c.id == deadline.c.complaint_id)
        .where(
            deadline.c.state == _OPEN,
            deadline.c.due_at <= bindparam("soon_until", type_=_INSTANT),
            or_(deadline.c.milestone != bindparam("resolution"), complaint.c.waiting_since.is_(None)),
        )
    ),
    "alerts_between": lambda: (
        select(alert.c.at, alert.c.subject, alert.c.count, alert.c.window, complaint.c.no)
        .outerjoin(complaint, complaint.c.id == alert.c.complaint_id)
        .where(
            alert.c.kind == bindparam("kind"),
            alert.c.at >= bindparam("since", type_=_INSTANT),
            alert.c.at <= bindparam("until", type_=_INSTANT),
        )
    ),
    # -- the reporting calendar (service/office.py): the reports units have sent up
    "report_submissions_since": lambda: select(
        report_submission.c.unit, report_submission.c.kind, report_submission.c.period, report_submission.c.submitted_at
    ).where(report_submission.c.period >= bindparam("since")),
    "report_submission_of": lambda: select(report_submission.c.submitted_at, report_submission.c.actor).where(
        report_submission.c.unit == bindparam("unit"),
        report_submission.c.kind == bindparam("kind"),
        report_submission.c.period == bindparam("period"),
    ),
    # -- the writes (lifecycle.py, common.py)
    **{f"{written.name}_insert": partial(_insert, written) for written in WRITTEN},
    **{f"{written.name}_update": partial(_update, written) for written in (complaint, deadline, complaint_field, chain_head)},
    "complaint_field_delete": lambda: delete(complaint_field).where(*_key_is(complaint_field)),
    "complaint_by_id": lambda: select(complaint).where(complaint.c.id == bindparam("id")),
    "complaint_field_of": lambda: select(complaint_field).where(*_key_is(complaint_field)),
    # The newest link of the hash chain, locked until the writer commits (PostgreSQL; on
    # SQLite, BEGIN IMMEDIATE has locked the whole register already).
    "chain_head_locked": lambda: select(chain_head).where(chain_head.c.id == 1).with_for_update(),
    "year_counter_created": _year_counter_created,
    "year_counter_next": lambda: (
        update(year_counter)
        .where(year_counter.c.year == bindparam("year", type_=Integer()))
        .values(last_seq=year_counter.c.last_seq + 1)
        .returning(year_counter.c.last_seq)
    ),
    "current_deadline": lambda: (
        select(deadline)
        .where(deadline.c.complaint_id == bindparam("id"), deadline.c.milestone == bindparam("milestone"))
        .where(deadline.c.state != "void")
        .order_by(deadline.c.id.desc())
        .limit(1)
    ),
    "open_deadlines_of": lambda: (
        select(deadline).where(deadline.c.complaint_id == bindparam("id"), deadline.c.state == _OPEN).order_by(deadline.c.id)
    ),
    "deadlines_breach_recorded": lambda: update(deadline).where(deadline.c.id.in_(_ids())).values(breach_recorded=True),
    "deadlines_unrecorded_breach": lambda: select(deadline.c.id).where(
        deadline.c.id.in_(_ids()), deadline.c.state == _OPEN, deadline.c.breach_recorded.is_(False)
    ),
    **{f"received_within_{name}": partial(_received_within, name) for name in ("contact", "department", "assignee")},
    # The values of one declared field on complaints received in [since, until] (涉及人员).
    "field_values_received_between": lambda: (
        select(complaint_field.c.value)
        .join(complaint, complaint.c.id == complaint_field.c.complaint_id)
        .where(
            complaint_field.c.key == bindparam("key"),
            complaint.c.received_at >= bindparam("since", type_=_INSTANT),
            complaint.c.received_at <= bindparam("until", type_=_INSTANT),
        )
    ),
    "alert_since": lambda: (
        select(alert.c.id)
        .where(alert.c.kind == bindparam("kind"), alert.c.subject == bindparam("subject"))
        .where(alert.c.at >= bindparam("since", type_=_INSTANT))
        .limit(1)
    ),
    "notification_claim_new": _claim_new,
    # A notification that failed, waits in the queue, or whose sender died mid-send (its
    # claim older than `stale`) is claimed again: its next send is a retry.
    "notification_reclaim": lambda: (
        update(notification)
        .where(
            notification.c.key == bindparam("key"),
            or_(
                notification.c.state == literal_column("'failed'"),
                notification.c.state == literal_column("'pending'"),
                and_(notification.c.state == "sending", notification.c.claimed_at < bindparam("stale", type_=_INSTANT)),
            ),
        )
        .values(state="sending", attempts=notification.c.attempts + 1, claimed_at=bindparam("now", type_=_INSTANT))
        .returning(notification.c.id, notification.c.attempts)
    ),
    "notification_done": lambda: (
        update(notification)
        .where(notification.c.id == bindparam("id"))
        .values(
            state=bindparam("state"),
            sent_at=bindparam("sent_at", type_=_INSTANT),
            channel=bindparam("channel"),
            error=bindparam("error"),
        )
    ),
    "notification_states": lambda: select(notification.c.key, notification.c.state, notification.c.attempts).where(
        notification.c.key.in_(bindparam("keys", expanding=True))
    ),
    "notifications_queued": lambda: (
        select(notification, complaint.c.no)
        .outerjoin(complaint, complaint.c.id == notification.c.complaint_id)
        .where(or_(notification.c.state == literal_column("'pending'"), notification.c.state == literal_column("'failed'")))
        .order_by(notification.c.id)
    ),
    "notifications_unreached": lambda: (
        select(notification, complaint.c.no)
        .outerjoin(complaint, complaint.c.id == notification.c.complaint_id)
        .where(
            or_(notification.c.state == literal_column("'unreachable'"), notification.c.state == literal_column("'pending'")),
            notification.c.kind == literal_column("'receiver'"),
            notification.c.target.in_(bindparam("names", expanding=True)),
        )
        .order_by(notification.c.id)
    ),
    "notifications_shown": lambda: update(notification).where(notification.c.id.in_(_ids())).values(state="shown"),
    "notifications_of": lambda: (
        select(notification).where(notification.c.complaint_id == bindparam("id")).order_by(notification.c.id)
    ),
    # Open deadlines of the milestones that have an escalation ladder, with their cases.
    "ladder_candidates": lambda: (
        select(
            deadline.c.id.label("deadline_id"),
            deadline.c.milestone,
            deadline.c.started_at,
            deadline.c.due_at,
            complaint.c.id.label("complaint_id"),
            complaint.c.no,
            complaint.c.status,
            complaint.c.department,
            complaint.c.assignee,
            complaint.c.receiver,
            complaint.c.severity,
            complaint.c.subject,
            complaint.c.content,
        )
        .join(complaint, complaint.c.id == deadline.c.complaint_id)
        .where(deadline.c.state == _OPEN, deadline.c.milestone.in_(bindparam("milestones", expanding=True)))
        .where(complaint.c.status != "closed")
    ),
    "complaint_list": lambda: (
        select(complaint)
        .where(_WHERE)
        .order_by(complaint.c.received_at.desc(), complaint.c.id.desc())
        .limit(bindparam("limit", type_=Integer()))
    ),
}

# -- the seal (sealing.py): a complaint's state is its row and the rows of these tables about
# it, each row led by the complaint's id, in a fixed order.
_STATE_OF = {
    "complaint": (complaint, complaint.c.id, (complaint.c.id,)),
    "deadlines": (deadline, deadline.c.complaint_id, (deadline.c.complaint_id, deadline.c.id)),
    "contacts": (contact_entry, contact_entry.c.complaint_id, (contact_entry.c.complaint_id, contact_entry.c.id)),
    "fields": (complaint_field, complaint_field.c.complaint_id, (complaint_field.c.complaint_id, complaint_field.c.key)),
    "attachments": (attachment, attachment.c.complaint_id, (attachment.c.complaint_id, attachment.c.id)),
}


# Derived columns outside the seal: the unit follows the department (sealed with it) and the
# office rules; registers sealed before it existed keep their seals.
_UNSEALED_COLUMNS = ("unit",)


def _state_rows(part: str, some: bool) -> Any:
    written, of, order = _STATE_OF[part]
    lead = [] if written is complaint else [of.label("of_complaint")]
    columns = [c for c in complaint.c if c.name not in _UNSEALED_COLUMNS] if written is complaint else [written]
    statement = select(*lead, *columns).order_by(*order)
    return statement.where(of.in_(_ids())) if some else statement


_ENTRY = (
    history_entry.c.id,
    history_entry.c.complaint_id,
    history_entry.c.at,
    history_entry.c.recorded_at,
    history_entry.c.actor,
    history_entry.c.action,
    history_entry.c.changes,
    history_entry.c.reason,
    history_entry.c.login,
)
_UNSEALED: ColumnElement[Any] = literal_column("history_entry.hash IS NULL")  # as the partial index says it

STATEMENTS.update(
    {
        **{f"state_{part}": partial(_state_rows, part, True) for part in _STATE_OF},
        **{f"state_all_{part}": partial(_state_rows, part, False) for part in _STATE_OF},
        "history_unsealed": lambda: select(*_ENTRY).where(_UNSEALED).order_by(history_entry.c.id),
        "history_unsealed_after": lambda: (
            select(*_ENTRY)
            .where(_UNSEALED, history_entry.c.id > bindparam("after", type_=Integer()))
            .order_by(history_entry.c.id)
            .limit(bindparam("limit", type_=Integer()))
        ),
        "history_sealed": lambda: (
            update(history_entry)
            .where(history_entry.c.id == bindparam("key_id", type_=Integer()))
            .values(prev_hash=bindparam("prev_hash"), hash=bindparam("hash"), state=bindparam("state"), login=bindparam("login"))
        ),
        "history_last_per_complaint": lambda: (
            select(history_entry.c.complaint_id, func.max(history_entry.c.id))
            .where(history_entry.c.complaint_id.is_not(None))
            .group_by(history_entry.c.complaint_id)
        ),
        "history_unseal_all": lambda: update(history_entry).values(prev_hash=null(), hash=null(), state=null()),
        "complaints_forgotten": lambda: (
            select(history_entry.c.complaint_id).where(history_entry.c.action == "forgotten").distinct()
        ),
        "complaint_ids": lambda: select(complaint.c.id).order_by(complaint.c.id),
        "session_user": lambda: select(literal_column("session_user")),
        "complaint_nonce": lambda: select(complaint.c.nonce).where(complaint.c.id == bindparam("id")),
        "complaint_nonce_set": lambda: (
            update(complaint).where(complaint.c.id == bindparam("key_id", type_=Integer())).values(nonce=bindparam("nonce"))
        ),
        "attachments_of": lambda: (
            select(attachment).where(attachment.c.complaint_id == bindparam("id")).order_by(attachment.c.id)
        ),
    }
)

# -- the period report (reports.py): __WHERE__ takes the scope (department_is, category_is).


def _cohort() -> list[ColumnElement[bool]]:
    """Complaints received in [first_day, last_day], office-local days."""
    return [
        complaint.c.received_date >= bindparam("first_day", type_=Date()),
        complaint.c.received_date <= bindparam("last_day", type_=Date()),
        _WHERE,
    ]


def _between(column: Any) -> list[ColumnElement[bool]]:
    """An instant in [start, until)."""
    return [column >= bindparam("start", type_=_INSTANT), column < bindparam("until", type_=_INSTANT)]


def decided() -> tuple[Any, Any]:
    """When a deadline was decided, and whether late. Decided when met on time, or at the
    moment it was missed (its due time, or the missed_at that a late extension or an early
    close keeps): it counts once, in the period it was decided in, and later events never
    move it (docs/kpi.md)."""
    on_time_met = deadline.c.met_at.is_not(None) & (deadline.c.met_at <= deadline.c.due_at)
    decided_at = func.coalesce(deadline.c.missed_at, case((on_time_met, deadline.c.met_at), else_=deadline.c.due_at))
    is_late = case((deadline.c.missed_at.is_not(None), 1), (on_time_met, 0), else_=1)
    return decided_at, is_late


def _decided_in_period() -> list[ColumnElement[bool]]:
    """Deadlines decided in [start, until). A deadline is decided at its due time, when it
    was met, or when it was missed, so one of the three falls in the period: that
    condition adds nothing to the answer and lets the database read the deadlines from
    its three indexes (SQLite's MULTI-INDEX OR, PostgreSQL's BitmapOr) instead of all of
    them. And it is decided no later than it is due (tests/test_statements.py holds every
    deadline the writes leave to both)."""
    decided_at, _is_late = decided()
    start, until = bindparam("start", type_=_INSTANT), bindparam("until", type_=_INSTANT)
    return [
        or_(*(and_(moment >= start, moment < until) for moment in (deadline.c.due_at, deadline.c.met_at, deadline.c.missed_at))),
        deadline.c.state != "void",
        deadline.c.due_at.is_not(None),
        *_between(decided_at),
        _WHERE,
    ]


def _deadline_outcomes() -> Any:
    _decided_at, is_late = decided()
    owner = (deadline.c.milestone, complaint.c.severity, complaint.c.department, complaint.c.assignee, is_late)
    return (
        select(*owner, func.count())
        .join(complaint, complaint.c.id == deadline.c.complaint_id)
        .where(*_decided_in_period())
        .group_by(*owner)
    )


def _breaches() -> Any:
    _decided_at, is_late = decided()
    return (
        select(
            complaint.c.no,
            complaint.c.department,
            complaint.c.assignee,
            complaint.c.severity,
            complaint.c.customer_name,
            complaint.c.subject,
            deadline.c.milestone,
            deadline.c.due_at,
            deadline.c.met_at,
            deadline.c.missed_at,
        )
        .join(complaint, complaint.c.id == deadline.c.complaint_id)
        .where(is_late == 1, *_decided_in_period())
        .order_by(complaint.c.department, complaint.c.assignee, deadline.c.due_at)
    )


def _received_by_month() -> dict[str, Any]:
    months = {
        "sqlite": func.substr(complaint.c.received_date, 1, 7),
        "postgresql": func.to_char(complaint.c.received_date, "YYYY-MM"),
    }
    return {
        name: select(month.label("month"), complaint.c.category, func.count())
        .where(*_cohort())
        .group_by(month, complaint.c.category)
        for name, month in months.items()
    }


_DIMENSIONS = (complaint.c.category, complaint.c.channel, complaint.c.severity, complaint.c.origin)
_OWNERS = (complaint.c.department, complaint.c.status, complaint.c.compensation_kind)

STATEMENTS.update(
    {
        # Two passes over the period's complaints, each grouped on several dimensions at once.
        "report_by_dimensions": lambda: select(*_DIMENSIONS, func.count()).where(*_cohort()).group_by(*_DIMENSIONS),
        "report_by_owner": lambda: (
            select(*_OWNERS, func.count(), func.coalesce(func.sum(complaint.c.compensation_cents), 0))
            .where(*_cohort())
            .group_by(*_OWNERS)
        ),
        "report_closed_between": lambda: (
            select(func.count()).select_from(complaint).where(*_between(complaint.c.closed_at), _WHERE)
        ),
        # Open at the end: never closed, or closed after it (two queries, not one with OR:
        # SQLite would answer the OR from the received_date index, reading every case).
        "report_never_closed": lambda: (
            select(func.count())
            .select_from(complaint)
            .where(complaint.c.closed_at.is_(None), complaint.c.received_date <= bindparam("last_day", type_=Date()), _WHERE)
        ),
        "report_closed_after": lambda: (
            select(func.count())
            .select_from(complaint)
            .where(
                complaint.c.closed_at >= bindparam("until", type_=_INSTANT),
                complaint.c.received_date <= bindparam("last_day", type_=Date()),
                _WHERE,
            )
        ),
        "report_late_entries": lambda: select(func.count(), func.max(history_entry.c.recorded_at)).where(
            *_between(history_entry.c.at),
            history_entry.c.recorded_at >= bindparam("until", type_=_INSTANT),
            history_entry.c.action.not_in(bindparam("derived", expanding=True)),
        ),
        "report_alerts": lambda: (
            select(alert.c.kind, alert.c.subject, alert.c.count, alert.c.window, alert.c.at, complaint.c.no)
            .select_from(alert.outerjoin(complaint, complaint.c.id == alert.c.complaint_id))
            .where(*_between(alert.c.at), _WHERE)
            .order_by(alert.c.at)
        ),
        "report_deadline_outcomes": _deadline_outcomes,
        "report_breaches": _breaches,
        "report_history_events": lambda: (
            select(
                history_entry.c.complaint_id,
                history_entry.c.action,
                history_entry.c.at,
                history_entry.c.changes,
                complaint.c.received_date,
            )
            .join(complaint, complaint.c.id == history_entry.c.complaint_id)
            .where(history_entry.c.action.in_(bindparam("actions", expanding=True)), *_between(history_entry.c.at), _WHERE)
            .order_by(history_entry.c.at, history_entry.c.id)
        ),
        "report_first_at": lambda: (
            select(history_entry.c.complaint_id, func.min(history_entry.c.at))
            .where(history_entry.c.complaint_id.in_(_ids()), history_entry.c.action.in_(bindparam("actions", expanding=True)))
            .group_by(history_entry.c.complaint_id)
        ),
        "report_repeat_candidates": lambda: (
            select(
                complaint.c.contact,
                complaint.c.customer_name,
                complaint.c.category,
                complaint.c.received_at,
                complaint.c.close_reason,
                complaint.c.department,
                complaint.c.unit,
            )
            .where(
                complaint.c.received_date >= bindparam("first_day", type_=Date()),
                complaint.c.received_date <= bindparam("last_day", type_=Date()),
            )
            .order_by(complaint.c.received_at)
        ),
        "report_subjects_and_locations": lambda: (
            select(complaint.c.subject, complaint.c.location, func.count())
            .where(*_cohort())
            .group_by(complaint.c.subject, complaint.c.location)
        ),
        "report_received_by_month": _received_by_month,
        "chain_head_now": lambda: select(chain_head.c.entries, chain_head.c.last_hash),
        # Stored figures of ended periods (reports.stored_figures) and what tells they still hold.
        "stored_figures_of": lambda: select(
            stored_figures.c.basis, stored_figures.c.through_entry, stored_figures.c.through_hash, stored_figures.c.figures
        ).where(*_figures_key_is()),
        "stored_figures_delete": lambda: delete(stored_figures).where(*_figures_key_is()),
        "stored_figures_insert": partial(_insert, stored_figures),
        "history_newest": lambda: select(history_entry.c.id, history_entry.c.hash).order_by(history_entry.c.id.desc()).limit(1),
        "history_hash_of": lambda: select(history_entry.c.hash).where(history_entry.c.id == bindparam("id", type_=Integer())),
        "history_touching_since": lambda: (
            select(history_entry.c.id)
            .select_from(history_entry.outerjoin(complaint, complaint.c.id == history_entry.c.complaint_id))
            .where(
                history_entry.c.id > bindparam("through", type_=Integer()),
                or_(
                    history_entry.c.at < bindparam("until", type_=_INSTANT),
                    complaint.c.received_date <= bindparam("last_day", type_=Date()),
                ),
            )
            .limit(1)
        ),
    }
)

# name → a condition on the complaint for `complaint_list`'s __WHERE__.
FRAGMENTS: dict[str, Callable[[], Any]] = {
    "status_in": lambda: complaint.c.status.in_(bindparam("statuses", expanding=True)),
    **{
        f"{name}_is": partial(_column_is, name)
        for name in ("category", "severity", "priority", "department", "assignee", "customer_name", "receiver")
    },
    # `list --mine`: received (首问) or handled by one of the names a person goes by.
    "mine": lambda: or_(
        complaint.c.receiver.in_(bindparam("mine", expanding=True)), complaint.c.assignee.in_(bindparam("mine", expanding=True))
    ),
    "text_like": lambda: or_(
        *(complaint.c[name].like(bindparam("pattern"), escape="\\") for name in ("subject", "content", "customer_name"))
    ),
    "alert_subject_is": lambda: alert.c.subject == bindparam("department"),
    # A unit with every unit below it: the case's own unit, else its department's.
    "unit_in": lambda: or_(
        complaint.c.unit.in_(bindparam("units", expanding=True)),
        and_(complaint.c.unit.is_(None), complaint.c.department.in_(bindparam("unit_departments", expanding=True))),
    ),
    "received_from": lambda: complaint.c.received_date >= bindparam("received_from", type_=Date()),
    "received_to": lambda: complaint.c.received_date <= bindparam("received_to", type_=Date()),
    # Only open cases have running deadlines; said as a literal, the list walks the partial
    # index of open cases by receipt (ix_complaint_open_received) and stops at its limit,
    # whatever the closed history: 1,000,000 complaints, 20 overdue, 540 -> 0.1 ms.
    "overdue_at": lambda: and_(_NOT_CLOSED, _running_deadline("now", strict=True)),
    "due_until": lambda: and_(_NOT_CLOSED, _running_deadline("due_until", strict=False)),
    "overdue_or_due_until": lambda: and_(
        _NOT_CLOSED, or_(_running_deadline("now", strict=True), _running_deadline("due_until", strict=False))
    ),
    # {n} is replaced by the filter's position: `list --where` may name several fields.
    "declared_field_is": lambda: exists().where(
        complaint_field.c.complaint_id == complaint.c.id,
        complaint_field.c.key == bindparam("fk{n}"),
        complaint_field.c.value == bindparam("fv{n}"),
    ),
}

DIALECTS: dict[str, Any] = {
    # Named parameters on both drivers: sqlite3 takes :name, psycopg %(name)s.
    "sqlite": sqlite.dialect(paramstyle="named"),
    "postgresql": postgresql.psycopg.dialect(),  # type: ignore[no-untyped-call]
}


def kind_of(sql_type: Any) -> str:
    """How the runtime converts a value of this type: '' (as the driver gives it), 'time'
    (an aware UTC instant), 'date' or 'flag'."""
    if isinstance(sql_type, UTCDateTime):
        return "time"
    if isinstance(sql_type, Date):
        return "date"
    if isinstance(sql_type, Boolean):
        return "flag"
    return ""


def compile_statement(statement: Any, dialect: Any) -> dict[str, Any]:
    """The statement for one dialect: its SQL; its parameters as (name, kind); which of
    them take a list; constants SQLAlchemy bound itself (SQLite's OFFSET -1); its result
    columns as (name, kind)."""
    compiled = statement.compile(dialect=dialect)
    binds = {name: bind for name, bind in compiled.binds.items() if not name.startswith("%(")}
    return {
        "sql": str(compiled).replace(" \n", "\n"),
        "params": tuple((name, kind_of(bind.type)) for name, bind in binds.items() if bind.value is None),
        "lists": tuple(name for name, bind in binds.items() if bind.expanding),
        "constants": {name: bind.value for name, bind in binds.items() if bind.value is not None},
        "columns": tuple(
            (getattr(c, "name", None) or f"column_{i}", kind_of(c.type)) for i, c in enumerate(statement.exported_columns)
        ),
    }


def compile_fragment(condition: Any, dialect: Any) -> dict[str, Any]:
    """A condition on the complaint, compiled as the WHERE clause of a statement over it."""
    compiled = compile_statement(select(complaint.c.id).where(condition), dialect)
    _select, sep, compiled["sql"] = compiled["sql"].partition("\nWHERE ")
    assert sep
    del compiled["columns"]
    return compiled


def _literal(entry: dict[str, Any], indent: str) -> list[str]:
    lines = [f"{indent}{{"]
    for key, value in entry.items():
        if key == "sql":
            parts = value.splitlines(keepends=True)
            lines.append(f"{indent}    'sql': (")
            lines += [f"{indent}        {part!r}" for part in parts]
            lines.append(f"{indent}    ),")
        elif value:
            lines.append(f"{indent}    {key!r}: {value!r},")
    lines.append(f"{indent}}},")
    return lines


def generate() -> str:
    """The text of statements_sql.py."""
    out = [
        '"""Generated by `python -m complaintctl.statements` from statements.py: do not edit.',
        "",
        "Per dialect, per statement: its SQL, parameters as (name, kind), the parameters that",
        "take a list, constants, result columns as (name, kind). Kinds: '' as the driver gives",
        "it, 'time' (an aware UTC instant), 'date', 'flag' (dbapi.py converts them).",
        '"""',
        "",
        "from typing import Any",
        "",
        "# fmt: off",
    ]
    for title, table_of in (("STATEMENTS", STATEMENTS), ("FRAGMENTS", FRAGMENTS)):
        out.append(f"{title}: dict[str, dict[str, dict[str, Any]]] = {{")
        for dialect_name, dialect in DIALECTS.items():
            out.append(f"    {dialect_name!r}: {{")
            for name, build in table_of.items():
                built = build()
                if isinstance(built, dict):  # one construct per dialect
                    built = built[dialect_name]
                entry = compile_statement(built, dialect) if title == "STATEMENTS" else compile_fragment(built, dialect)
                out.append(f"        {name!r}:")
                out += _literal(entry, " " * 12)
            out.append("    },")
        out.append("}")
    out.append("# Per written table: its primary key, and the value each column takes when a new row")
    out.append("# does not give one (the model's default; None where the column is nullable).")
    out.append("TABLES: dict[str, dict[str, Any]] = {")
    for written in WRITTEN:
        out.append(f"    {written.name!r}: {{")
        out.append(f"        'key': {tuple(c.name for c in written.primary_key.columns)!r},")
        out.append(
            f"        'generated': {tuple(c.name for c in written.primary_key.columns if c is written.autoincrement_column)!r},"
        )
        out.append(f"        'defaults': {table_defaults(written)!r},")
        out.append("    },")
    out.append("}")
    return "\n".join(out) + "\n"


def table_defaults(written: Any) -> dict[str, Any]:
    defaults: dict[str, Any] = {}
    for c in written.c:
        if c.default is not None and c.default.is_scalar:
            defaults[c.name] = c.default.arg
        elif c.nullable and not c.primary_key:
            defaults[c.name] = None
    return defaults


GENERATED = Path(__file__).with_name("statements_sql.py")


def main(argv: list[str]) -> int:
    text = generate()
    if "--check" in argv:
        if GENERATED.read_text(encoding="utf-8") != text:
            sys.stderr.write(f"{GENERATED} is stale: run `python -m complaintctl.statements`\n")
            return 1
        return 0
    GENERATED.write_text(text, encoding="utf-8")
    sys.stdout.write(f"wrote {GENERATED}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
