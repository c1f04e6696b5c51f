"""Events about the register as a whole, kept for audit (append-only)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlmodel import Session, col

from ..i18n import _
from ..models import RegisterEvent


def record_export(
    session: Session, *, period: str, path: str, rows: dict[str, int], unmasked: bool, now: datetime, actor: str
) -> None:
    """Who exported the register's personal data, when, and which period (保密)."""
    details: dict[str, Any] = {"period": period, "file": path, "rows": rows, "unmasked": unmasked}
    session.add(
        RegisterEvent(
            at=now,
            actor=actor,
            action="export_unmasked" if unmasked else "export",
            details=json.dumps(details, ensure_ascii=False, sort_keys=True),
        )
    )


def record_list_unmasked(session: Session, *, count: int, now: datetime, actor: str) -> None:
    """Who listed customers' contacts unmasked, and when (保密)."""
    session.add(
        RegisterEvent(at=now, actor=actor, action="list_unmasked", details=json.dumps({"complaints": count}, ensure_ascii=False))
    )


def register_events(session: Session) -> list[dict[str, Any]]:
    """What was done to the register as a whole, oldest first: exports and lists of
    customers' data (who, when, unmasked or not), and the register's own entries of the
    chained history (office rules installed)."""
    from sqlalchemy import select

    from ..models import HistoryEntry

    events = [
        {"at": e.at, "actor": e.actor, "action": e.action, "details": json.loads(e.details)}
        for e in session.execute(select(RegisterEvent).order_by(col(RegisterEvent.id))).scalars()
    ]
    events += [
        {"at": h.at, "actor": h.actor, "action": h.action, "details": json.loads(h.changes)}
        for h in session.execute(
            select(HistoryEntry).where(col(HistoryEntry.complaint_id).is_(None)).order_by(col(HistoryEntry.id))
        ).scalars()
    ]
    return sorted(events, key=lambda e: e["at"])


ANONYMOUS = "（已匿名）"


def forget_customer(
    session: Session,
    *,
    customer: str,
    contact: str | None,
    reason: str,
    now: datetime,
    actor: str,
    personal_fields: tuple[str, ...] = (),
) -> list[str]:
    """Erase a customer's name and contact, and the declared fields the rules mark personal
    (住址 ...), from their closed cases, current values and history alike; the history keeps
    digests (so the chain still verifies) and an entry saying it happened, not the data.
    Open cases are refused: finish them first."""
    from sqlalchemy import select

    from ..chain import forget_values
    from ..dbapi import over_session
    from ..errors import InvalidTransition, NotFound
    from ..models import Complaint, ComplaintField, ContactEntry, HistoryEntry
    from .common import record

    query = select(Complaint).where(col(Complaint.customer_name) == customer)
    if contact:
        query = query.where(col(Complaint.contact) == contact)
    cases = list(session.execute(query.order_by(col(Complaint.id))).scalars())
    if not cases:
        raise NotFound(f"no complaint from {customer!r}" + (f" with contact {contact!r}" if contact else ""))
    still_open = [c.no for c in cases if c.status != "closed"]
    if still_open:
        raise InvalidTransition(
            _("{numbers} still open; close them before forgetting the customer").format(numbers=", ".join(still_open))
        )
    from ..chain import personal_digest

    for complaint in cases:
        for entry in session.execute(select(HistoryEntry).where(col(HistoryEntry.complaint_id) == complaint.id)).scalars():
            changes = json.loads(entry.changes)
            forgotten = forget_values(changes, personal_fields)
            if forgotten != changes:
                # The one change a history entry may take: personal values become digests (chain.py).
                entry.changes = json.dumps(forgotten, ensure_ascii=False, sort_keys=True)
        for contact_entry in session.execute(
            select(ContactEntry).where(col(ContactEntry.complaint_id) == complaint.id)
        ).scalars():
            from ..privacy import mask_text

            contact_entry.summary = mask_text(contact_entry.summary) or ""
        changes = {
            "customer_name": [{"forgotten": personal_digest(complaint.customer_name)}, ANONYMOUS],
            "contact": [{"forgotten": personal_digest(complaint.contact)}, ""],
        }
        complaint.customer_name = ANONYMOUS
        complaint.contact = ""
        for key in personal_fields:
            row = session.get(ComplaintField, (complaint.id, key))
            if row is not None:
                changes[f"field.{key}"] = [{"forgotten": personal_digest(row.value)}, None]
                session.delete(row)
        record(over_session(session), complaint, "forgotten", changes, at=now, now=now, actor=actor, reason=reason)
    return [c.no for c in cases]
