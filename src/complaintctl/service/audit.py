"""Events about the register as a whole, kept for audit (append-only)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlmodel import Session, col

from ..dbapi import over_session
from ..i18n import _
from .common import record_register_event


def record_export(
    session: Session, *, period: str, path: str, rows: dict[str, int], unmasked: bool, now: datetime, actor: str
) -> None:
    """Who exported the register's personal data, when, and which period (保密): an entry of
    the chained history, so a removed one shows in `verify`."""
    details: dict[str, Any] = {"period": period, "file": path, "rows": rows, "unmasked": unmasked}
    record_register_event(over_session(session), "export_unmasked" if unmasked else "export", details, now=now, actor=actor)


def record_list_unmasked(session: Session, *, count: int, now: datetime, actor: str) -> None:
    """Who listed customers' contacts unmasked, and when (保密)."""
    record_register_event(over_session(session), "list_unmasked", {"complaints": count}, now=now, actor=actor)


def register_events(session: Session) -> list[dict[str, Any]]:
    """What was done to the register as a whole, oldest first: exports and lists of
    customers' data (who, when, unmasked or not), office rules installed: the chained
    history's entries about no complaint."""
    from sqlalchemy import select

    from ..models import HistoryEntry

    return [
        {"at": h.at, "actor": h.actor, "action": h.action, "details": json.loads(h.changes)}
        for h in session.execute(
            select(HistoryEntry).where(col(HistoryEntry.complaint_id).is_(None)).order_by(col(HistoryEntry.id))
        ).scalars()
    ]


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
) -> dict[str, Any]:
    """Erase a customer from their closed cases: name and contact, the declared fields the
    rules mark personal (住址 ...), their numbers and name wherever a clerk wrote them (free
    text, contact notes, reasons), their attachments. The history keeps digests (so the
    chain still verifies) and an entry saying it happened, not the data; the complaint's
    nonce goes too, so the digests cannot be tried against guesses. Open cases are
    refused: finish them first. Kept report figures (their hot spots quote free text) are
    dropped, to be computed again."""
    from sqlalchemy import delete, select

    from .. import fields
    from ..chain import FORGOTTEN, forget_reason, forget_values, personal_digest
    from ..errors import InvalidTransition, NotFound
    from ..models import Attachment, Complaint, ComplaintField, ContactEntry, HistoryEntry, StoredFigures
    from ..privacy import scrub
    from .common import record

    query = select(Complaint).where(col(Complaint.customer_name) == customer)
    if contact:
        query = query.where(col(Complaint.contact) == contact)
    cases = list(session.execute(query.order_by(col(Complaint.id))).scalars())
    if not cases:
        raise NotFound(
            _("no complaint from {customer!r}").format(customer=customer)
            + (_(" with contact {contact!r}").format(contact=contact) if contact else "")
        )
    still_open = [c.no for c in cases if c.status != "closed"]
    if still_open:
        raise InvalidTransition(
            _("{numbers} still open; close them before forgetting the customer").format(numbers=", ".join(still_open))
        )
    from ..db import erase_freed_bytes

    erase_freed_bytes(session)
    blobs: set[str] = set()
    for complaint in cases:
        nonce = complaint.nonce
        known = (complaint.customer_name, complaint.contact)

        def forgotten(value: Any) -> dict[str, str]:
            return {FORGOTTEN: personal_digest(value, nonce)}  # noqa: B023 (used within the iteration)

        for entry in session.execute(select(HistoryEntry).where(col(HistoryEntry.complaint_id) == complaint.id)).scalars():
            # The one change a history entry may take: what forget erases becomes its digest (chain.py).
            kept = json.loads(entry.changes)
            erased = forget_values(kept, nonce)
            if erased != kept:
                entry.changes = json.dumps(erased, ensure_ascii=False, sort_keys=True)
            entry.reason = forget_reason(entry.reason, nonce)
        for contact_entry in session.execute(
            select(ContactEntry).where(col(ContactEntry.complaint_id) == complaint.id)
        ).scalars():
            contact_entry.summary = scrub(contact_entry.summary, known) or ""
        changes: dict[str, Any] = {
            "customer_name": [forgotten(complaint.customer_name), ANONYMOUS],
            "contact": [forgotten(complaint.contact), ""],
        }
        complaint.customer_name = ANONYMOUS
        complaint.contact = ""
        for name in fields.FREE_TEXT:
            value = getattr(complaint, name)
            if value is not None:
                new = scrub(value, known)
                changes[name] = [forgotten(value), new]
                setattr(complaint, name, new)
        for row in session.execute(select(ComplaintField).where(col(ComplaintField.complaint_id) == complaint.id)).scalars():
            if row.key in personal_fields:
                changes[f"field.{row.key}"] = [forgotten(row.value), None]
                session.delete(row)
            else:
                changes[f"field.{row.key}"] = [forgotten(row.value), row.value]
        attachments = list(session.execute(select(Attachment).where(col(Attachment.complaint_id) == complaint.id)).scalars())
        if attachments:
            changes["attachments"] = [len(attachments), 0]
            for attachment in attachments:
                blobs.add(attachment.sha256)
                session.delete(attachment)
        complaint.nonce = None
        session.flush()
        record(over_session(session), complaint, "forgotten", changes, at=now, now=now, actor=actor, reason=reason)
    session.execute(delete(StoredFigures))
    session.flush()
    still_used = set(session.execute(select(col(Attachment.sha256)).where(col(Attachment.sha256).in_(blobs))).scalars())
    copies = [
        {"at": e["at"], "file": e["details"].get("file")}
        for e in register_events(session)
        if e["action"] in ("backup", "export_unmasked")
    ]
    unreferenced = sorted(blobs - still_used)
    from ..attachments import delete_blob_rows

    delete_blob_rows(session, unreferenced)  # on a server the bytes are rows: they go in this transaction
    return {"complaints": [c.no for c in cases], "unreferenced": unreferenced, "copies": copies}


def record_backup(session: Session, *, path: str, now: datetime, actor: str) -> None:
    """A backup was made (it holds every customer's data as of now: `forget` lists it)."""
    record_register_event(over_session(session), "backup", {"file": path}, now=now, actor=actor)
