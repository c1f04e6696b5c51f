"""The office's rules kept in the register: installed once, used by every clerk and the cron
job on that register. Installing is an entry of the chained history (who, when, which rules)."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, text
from sqlmodel import Session, col

from ..dbapi import over_session
from ..errors import InvalidTransition
from ..i18n import _
from ..models import Complaint, HistoryEntry
from ..ruleset import Rules
from .common import chain_rows

RULES_KEY = "rules"  # register_setting: the installed rules file's text


def digest(rules_text: str) -> str:
    return hashlib.sha256(rules_text.encode("utf-8")).hexdigest()[:16]


def installed_rules(session: Session) -> dict[str, Any] | None:
    """The rules installed in the register: their text, and who installed them when."""
    rules_text = session.execute(text("SELECT value FROM register_setting WHERE key = :k"), {"k": RULES_KEY}).scalar()
    if rules_text is None:
        return None
    entry = session.execute(
        select(col(HistoryEntry.at), col(HistoryEntry.actor), col(HistoryEntry.changes))
        .where(col(HistoryEntry.action) == "rules_installed")
        .order_by(col(HistoryEntry.id).desc())
        .limit(1)
    ).first()
    source = json.loads(entry.changes).get("source", [None, None])[1] if entry else None
    return {
        "text": rules_text,
        "digest": digest(rules_text),
        "at": entry.at if entry else None,
        "by": entry.actor if entry else None,
        "source": source,
    }


def install_rules(session: Session, rules_text: str, rules: Rules, *, source: str, now: datetime, actor: str) -> dict[str, Any]:
    """Store checked rules in the register. Refused when a category still used by a
    complaint would disappear (its complaints would lose their meaning)."""
    in_use = dict(
        session.execute(
            select(col(Complaint.category), func.count())
            .where(col(Complaint.category).is_not(None))
            .group_by(col(Complaint.category))
        ).all()
    )
    kept = {c.code for c in rules.categories}
    dropped = sorted(code for code in in_use if code not in kept)
    if dropped:
        listed = ", ".join(f"{code} ({in_use[code]} complaints)" for code in dropped)
        raise InvalidTransition(
            _(
                "{source}: drops categories still in use: {listed}; keep them in [categories] (they may be given no keywords), or reclassify those complaints first"
            ).format(source=source, listed=listed)
        )
    before = installed_rules(session)
    new_digest = digest(rules_text)
    if before is not None and before["digest"] == new_digest:
        return {"installed": False, "digest": new_digest, "source": source}
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]
    from ..models import RegisterSetting

    statement = insert(RegisterSetting).values(key=RULES_KEY, value=rules_text)
    session.execute(statement.on_conflict_do_update(index_elements=["key"], set_={"value": rules_text}))
    changes = {"rules": [before["digest"] if before else None, new_digest], "source": [None, source]}
    row = {
        "complaint_id": None,
        "at": now,
        "recorded_at": now,
        "actor": actor,
        "action": "rules_installed",
        "changes": json.dumps(changes, ensure_ascii=False, sort_keys=True),
        "reason": None,
    }
    chain_rows(over_session(session), [row])
    session.execute(HistoryEntry.__table__.insert(), [row])  # type: ignore[attr-defined]
    return {"installed": True, "digest": new_digest, "previous": before["digest"] if before else None, "source": source}


def add_departments(
    session: Session, names: list[str], base_text: str, *, unit: str = "", source: str, now: datetime, actor: str
) -> dict[str, Any]:
    """Add departments to the office rules and store them in the register (installed as
    `rules install` does, recorded in the history with `source`)."""
    from ..ruleset import RulesError, from_toml, with_departments

    new_text = with_departments(base_text, names, unit)
    try:
        rules = from_toml(new_text, source)
    except RulesError as exc:
        from ..errors import BadInput

        raise BadInput(exc.problems[0]) from None
    result = install_rules(session, new_text, rules, source=source, now=now, actor=actor)
    return {**result, "added": names}
