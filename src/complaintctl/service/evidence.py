"""Evidence about a complaint (seed 002 收集证据: documents, recordings, SMS, e-mails,
photos): attached, listed, got back. The bytes are kept once per content by
attachments.py; the rows and the history entry that names them (their SHA-256 and name,
the name salted as personal data) are written here, in one transaction."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session

from ..errors import BadInput
from ..i18n import _


def attach(
    session: Session,
    no: str,
    files: list[tuple[str, bytes]],
    *,
    note: str | None,
    limit: int,
    now: datetime,
    actor: str,
) -> dict[str, Any]:
    """Attach files (name, bytes) to a complaint; each larger than `limit` bytes is refused."""
    from .. import attachments
    from ..dbapi import over_session
    from .common import get_complaint, record

    register = over_session(session)
    complaint = get_complaint(register, no)
    for name, data in files:
        if len(data) > limit:
            raise BadInput(
                _("{name}: {size:,} bytes, more than the office's limit of {limit:,} ([limits] attachment_mb)").format(
                    name=name, size=len(data), limit=limit
                )
            )
    added = []
    for name, data in files:
        sha = attachments.put(session, data)
        register.add(
            "attachment",
            complaint_id=complaint.id,
            sha256=sha,
            name=name,
            size=len(data),
            note=note,
            added_at=now,
            added_by=actor,
        )
        added.append({"name": name, "sha256": sha, "size": len(data)})
    record(register, complaint, "attached", {"attachments": [None, added]}, at=now, now=now, actor=actor, reason=note)
    register.flush()
    return {"no": complaint.no, "attached": added}


def attachments_of(session: Session, no: str) -> list[dict[str, Any]]:
    """A complaint's attachments, oldest first."""
    from ..dbapi import over_session
    from .common import get_complaint

    register = over_session(session)
    complaint = get_complaint(register, no)
    return [
        {"id": a.id, "name": a.name, "size": a.size, "sha256": a.sha256, "note": a.note, "at": a.added_at, "by": a.added_by}
        for a in register.rows("attachments_of", id=complaint.id)
    ]


def safe_name(name: str) -> str:
    """A file name to write into a folder: its last part only, no control characters, never
    hidden, never empty (an attachment's name came from outside)."""
    base = Path(name.replace("\\", "/")).name
    base = "".join(c if c.isprintable() and c not in "/\0" else "_" for c in base).lstrip(".")
    return base[:200] or "attachment"
