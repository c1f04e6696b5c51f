"""Every table of the register, in one place.

Instants are stored in UTC (SQLModel's UTCDateTime); the office-local date of receipt
has its own indexed column so that months and years group by the office's calendar.
Choices are stored as their English codes (see domain.py).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, ForeignKey, Index, Integer, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


class Complaint(SQLModel, table=True):
    """One row of 客户投诉记录登记表, the paper form's columns plus the case's state."""

    __tablename__ = "complaint"
    __table_args__ = (
        UniqueConstraint("year", "seq", name="uq_complaint_year_seq"),
        Index("ix_complaint_received_date", "received_date"),
        Index("ix_complaint_status", "status"),
        Index("ix_complaint_department", "department"),
        Index("ix_complaint_unit", "unit"),
        Index("ix_complaint_assignee", "assignee"),
        Index("ix_complaint_customer_name", "customer_name"),
        Index("ix_complaint_category", "category"),
        Index("ix_complaint_incident_id", "incident_id"),
        Index("ix_complaint_contact_date", "contact", "received_date"),
        Index("ix_complaint_resolved_at", "resolved_at"),
        Index("ix_complaint_closed_at", "closed_at"),
        Index("uq_complaint_source_key", "source_key", unique=True),
        Index("ix_complaint_received_at", "received_at"),
        # Partial (WHERE status != 'closed') on both engines, as migration 0015 creates it
        # (no dialect options here: see ix_deadline_open_due).
        Index("ix_complaint_open_received", "received_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    no: str = Field(unique=True, max_length=32)
    year: int
    seq: int
    received_at: datetime
    received_date: date
    channel: str
    customer_name: str
    contact: str
    location: str | None = None
    subject: str | None = None
    content: str = Field(sa_type=Text)
    demand: str | None = Field(default=None, sa_type=Text)
    receiver: str
    category: str | None = None
    origin: str = "routine"
    severity: str | None = None
    urgency: str | None = None
    priority: str | None = None
    # JSON: {"category"|"severity"|"urgency"|"priority": {"value", "source", "terms", ...}}
    explanation: str = Field(default="{}", sa_type=Text)
    department: str | None = None
    unit: str | None = None  # 所属单位: the store (or region) the case belongs to; reports roll it up
    assignee: str | None = None
    cause: str | None = Field(default=None, sa_type=Text)
    solution: str | None = Field(default=None, sa_type=Text)
    corrective_action: str | None = Field(default=None, sa_type=Text)
    compensation_cents: int | None = None
    compensation_kind: str | None = None
    first_response_at: datetime | None = None
    resolved_at: datetime | None = None
    resolved_by: str | None = None
    final_decision: bool = False
    feedback_at: datetime | None = None
    followup_at: datetime | None = None
    followup_by: str | None = None
    satisfaction: str | None = None
    followup_note: str | None = Field(default=None, sa_type=Text)
    remarks: str | None = Field(default=None, sa_type=Text)  # 备注
    status: str = "received"
    reopen_count: int = 0
    escalation_level: int = 0
    close_reason: str | None = Field(default=None, sa_type=Text)
    closed_at: datetime | None = None
    incident_id: int | None = Field(default=None, foreign_key="complaint.id")
    waiting_since: datetime | None = None
    # For imported rows: a digest of the source row, so importing a file again adds nothing twice.
    source_key: str | None = Field(default=None, max_length=40)
    created_at: datetime
    updated_at: datetime
    # The random salt of this complaint's personal digests in the chain (chain.py); `forget`
    # deletes it with the values, so what the history keeps cannot be tried against guesses.
    nonce: str | None = Field(default=None, max_length=32)


class HistoryEntry(SQLModel, table=True):
    """One change to a complaint: who, when, what action, the old and new values.

    Append-only: no command updates or deletes a history entry.
    `changes` is JSON: {field: [old, new]}.
    """

    __tablename__ = "history_entry"
    __table_args__ = (
        Index("ix_history_complaint", "complaint_id", "id"),
        # The figures that count events dated in a period (resolutions, follow-up visits).
        Index("ix_history_action_at", "action", "at", "complaint_id"),
        # Partial (WHERE hash IS NULL), as migration 0016 creates it: the entries of the
        # transaction being committed, which sealing.seal chains just before the commit.
        Index("ix_history_unsealed", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    # None for an entry about the register as a whole (office rules installed).
    complaint_id: int | None = Field(default=None, sa_column=Column(Integer, ForeignKey("complaint.id"), nullable=True))
    at: datetime
    recorded_at: datetime
    actor: str
    action: str
    changes: str = Field(default="{}", sa_type=Text)
    reason: str | None = Field(default=None, sa_type=Text)
    prev_hash: str | None = Field(default=None, max_length=64)  # the entry before it in the register's chain
    hash: str | None = Field(default=None, max_length=64)  # over this entry's content and prev_hash (chain.py)
    # The complaint's state (its row, deadlines, contact log, fields, attachments) as the
    # transaction that wrote this entry left it, on the last entry it wrote about the
    # complaint: chain.state_digest. Covered by `hash`.
    state: str | None = Field(default=None, sa_type=Text)
    # Who wrote it as the system vouches for it (the account on SQLite, session_user on a
    # server), beside `actor`, the name they gave. Set by the seal; covered by `hash`.
    login: str | None = None


class ContactEntry(SQLModel, table=True):
    """One contact with the customer (客户沟通记录): when, how, who, what was said."""

    __tablename__ = "contact_entry"
    __table_args__ = (Index("ix_contact_complaint", "complaint_id", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    complaint_id: int = Field(sa_column=Column(Integer, ForeignKey("complaint.id"), nullable=False))
    at: datetime
    via: str
    actor: str
    summary: str = Field(sa_type=Text)
    meets: str | None = None  # the milestone this contact met, if any


class Deadline(SQLModel, table=True):
    """When a milestone of a case is due, and whether it was met.

    state: 'open' (running), 'met', or 'void' (cancelled by a reopen or a close).
    The partial index on open deadlines keeps the overdue check fast on a large register.
    """

    __tablename__ = "deadline"
    __table_args__ = (
        Index("ix_deadline_complaint", "complaint_id", "milestone", "state", "due_at", "met_at"),
        # Partial (WHERE state = 'open') on both engines, as migration 0007 creates it, and
        # covering what the overdue check reads. Said here without sqlite_where/
        # postgresql_where: naming a dialect's option makes SQLAlchemy import that dialect
        # (PostgreSQL's: ~40 ms at every start).
        Index("ix_deadline_open_due", "due_at", "complaint_id", "milestone", "provisional", "breach_recorded", "state"),
        # A deadline is decided when it is due, met or missed: the period report finds those
        # decided in its period through these three (statements._decided_in_period).
        Index("ix_deadline_due", "due_at", "state", "milestone", "complaint_id", "met_at", "missed_at"),
        Index("ix_deadline_met", "met_at"),
        Index("ix_deadline_missed", "missed_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    complaint_id: int = Field(sa_column=Column(Integer, ForeignKey("complaint.id"), nullable=False))
    milestone: str
    started_at: datetime
    due_at: datetime | None = None
    met_at: datetime | None = None
    state: str = "open"
    provisional: bool = False
    breach_recorded: bool = False
    rule: str | None = None  # the service level it was computed from, e.g. "5wd"
    explanation: str | None = Field(default=None, sa_type=Text)
    extended: bool = False  # moved by `extend`: recompute leaves it alone
    paused_seconds: float = 0.0  # working time spent waiting on the customer, added to the due time
    # When the milestone was missed for good: the deadline it passed before a late `extend`,
    # or the moment the case closed before it could be met. It counts late from then on,
    # whatever happens next (once: missing the new target too is not a second miss).
    missed_at: datetime | None = None


class YearCounter(SQLModel, table=True):
    """The last complaint number handed out in a year: numbers stay gap-free per year."""

    __tablename__ = "year_counter"

    year: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    last_seq: int = 0


class RegisterEvent(SQLModel, table=True):
    """Something done to the register as a whole, kept for audit. No longer written:
    migration 0016 moved its rows into the chained history (complaint_id NULL), where a
    deleted row shows; kept so that older registers upgrade."""

    __tablename__ = "register_event"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime
    actor: str
    action: str
    details: str = Field(default="{}", sa_type=Text)  # JSON


class ChainHead(SQLModel, table=True):
    """The newest link of the history's hash chain and how many entries it holds: removing
    the newest entries shows too. One row; writers lock it while they append."""

    __tablename__ = "chain_head"

    id: int = Field(default=1, primary_key=True, sa_column_kwargs={"autoincrement": False})
    last_hash: str = Field(max_length=64)
    entries: int = 0


class Alert(SQLModel, table=True):
    """A department or person drawing many complaints in a short window (负荷预警): an
    alarm about the handling side, not a reason to call the customer's complaint serious.
    Recorded once per window; the complaint that crossed the line names it in its history."""

    __tablename__ = "alert"
    __table_args__ = (Index("ix_alert_kind_subject_at", "kind", "subject", "at"), Index("ix_alert_at", "at"))

    id: int | None = Field(default=None, primary_key=True)
    at: datetime
    recorded_at: datetime
    kind: str  # department | assignee
    subject: str
    count: int
    window: str
    complaint_id: int | None = Field(default=None, foreign_key="complaint.id")


class ComplaintField(SQLModel, table=True):
    """The value of a field the office's rules declare (订单号 ...), by the field's key: a
    label can be renamed without touching the data. Values are text in a canonical form
    (numbers normalised, dates ISO, choices as written in the rules)."""

    __tablename__ = "complaint_field"
    __table_args__ = (Index("ix_complaint_field_key_value", "key", "value"),)

    complaint_id: int = Field(sa_column=Column(Integer, ForeignKey("complaint.id"), primary_key=True))
    key: str = Field(primary_key=True)
    value: str = Field(sa_type=Text)


class RegisterSetting(SQLModel, table=True):
    """A setting of the register itself, shared by everyone who uses it (e.g. `demo`: the
    register was made with `init --demo` and may run on a set clock)."""

    __tablename__ = "register_setting"

    key: str = Field(primary_key=True)
    value: str = Field(sa_type=Text)


class StoredFigures(SQLModel, table=True):
    """The figures of an ended report period, kept so that the next report of it need not
    read the period's history again. Derived data, like an index: valid while the history
    chain up to `through_entry` still ends in `through_hash` and no later entry touches the
    period (reports.py checks both before using them); never part of the register's meaning,
    never chained, dropped and recomputed at will."""

    __tablename__ = "stored_figures"
    __table_args__ = (UniqueConstraint("period", "scope", name="uq_stored_figures_key"),)

    id: int | None = Field(default=None, primary_key=True)
    period: str  # first~last day
    scope: str  # department / category, as JSON
    basis: str = Field(sa_type=Text)  # what else they depend on (definition, rules, calendar, time zone), as JSON
    through_entry: int  # the newest history entry when they were computed (0: none)
    through_hash: str | None = Field(default=None, max_length=64)
    figures: str = Field(sa_type=Text)  # JSON
    computed_at: datetime


class Attachment(SQLModel, table=True):
    """A piece of evidence about a complaint (seed 002 收集证据: a document, a recording, a
    photo): its name and note as given, and the SHA-256 of its bytes, which are kept once
    per content (`<register>.files/` beside a SQLite register, attachment_blob on a server)."""

    __tablename__ = "attachment"
    __table_args__ = (Index("ix_attachment_complaint", "complaint_id", "id"), Index("ix_attachment_sha256", "sha256"))

    id: int | None = Field(default=None, primary_key=True)
    complaint_id: int = Field(sa_column=Column(Integer, ForeignKey("complaint.id"), nullable=False))
    sha256: str = Field(max_length=64)
    name: str  # the file's name as given: personal data, erased by `forget`
    size: int
    note: str | None = Field(default=None, sa_type=Text)
    added_at: datetime
    added_by: str


class AttachmentBlob(SQLModel, table=True):
    """The bytes of an attachment on a server register, once per content, so that every
    office reaches them (a SQLite register keeps them in files beside it)."""

    __tablename__ = "attachment_blob"

    sha256: str = Field(primary_key=True, max_length=64)
    content: bytes = Field(sa_type=LargeBinary)


class Notification(SQLModel, table=True):
    """A message the office's procedure sends (an escalation step, a breach, a load alert,
    the receiver told of an outcome), once per key. A run claims it in a short transaction
    before sending, so overlapping runs never both send it; `attempts` counts the sends
    tried (a second one is a retry). The case's history records who was told and through
    which channel; the destination's URL, which carries its token, is kept nowhere."""

    __tablename__ = "notification"
    __table_args__ = (
        UniqueConstraint("key", name="uq_notification_key"),
        Index("ix_notification_state", "state", "target"),
    )

    id: int | None = Field(default=None, primary_key=True)
    key: str  # what it is about: ladder:<deadline>:<step>, breach:<deadline>, alert:<alert>, receiver:<entry>
    complaint_id: int | None = Field(default=None, sa_column=Column(Integer, ForeignKey("complaint.id"), nullable=True))
    kind: str  # ladder | breach | alert | receiver
    target: str  # whom, as the office rules name them
    title: str = Field(sa_type=Text)
    body: str = Field(sa_type=Text)
    due_at: datetime
    state: str = "pending"  # pending | sending | sent | failed | unreachable | shown
    attempts: int = 0
    claimed_at: datetime | None = None
    sent_at: datetime | None = None
    channel: str | None = None  # the destinations' kinds (json, dingtalk, mailto ...)
    error: str | None = Field(default=None, sa_type=Text)


class ReportSubmission(SQLModel, table=True):
    """A unit's report recorded as sent up (`report submit`): its monthly report or its
    quarterly written analysis for a period. Until it is, `overdue` reminds the unit."""

    __tablename__ = "report_submission"
    __table_args__ = (UniqueConstraint("unit", "kind", "period", name="uq_report_submission"),)

    id: int | None = Field(default=None, primary_key=True)
    unit: str  # the unit's key in the office rules
    kind: str  # monthly | analysis
    period: str  # 2026-10, 2026Q4
    submitted_at: datetime
    actor: str
