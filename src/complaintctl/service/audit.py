"""Events about the register as a whole, kept for audit (append-only)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlmodel import Session

from ..models import RegisterEvent


def record_export(session: Session, *, period: str, path: str, rows: dict[str, int], unmasked: bool,
                  now: datetime, actor: str) -> None:
    """Who exported the register's personal data, when, and which period (保密)."""
    details: dict[str, Any] = {"period": period, "file": path, "rows": rows, "unmasked": unmasked}
    session.add(RegisterEvent(at=now, actor=actor, action="export_unmasked" if unmasked else "export",
                              details=json.dumps(details, ensure_ascii=False, sort_keys=True)))


def register_events(session: Session) -> list[dict[str, Any]]:
    from sqlalchemy import select

    return [
        {"at": e.at, "actor": e.actor, "action": e.action, "details": json.loads(e.details)}
        for e in session.execute(select(RegisterEvent).order_by(RegisterEvent.id)).scalars()  # type: ignore[arg-type]
    ]
